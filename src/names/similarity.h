// String similarity on normalised names, over code points (Arabic and Latin alike).
//
//   jaro_winkler(U"muhamad", U"muhammad");            // 0.975
//   damerau_levenshtein(U"hasan", U"hsaan");          // 1 (one transposition)
//   token_set_similarity("muhamad abdalah alhasan", "alhasan muhamad");   // order-free
//
// The hot functions allocate nothing after their first calls on a thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace athar::names {

// Jaro similarity (Jaro 1989) in [0, 1].
double jaro(std::u32string_view a, std::u32string_view b);
// Jaro–Winkler (Winkler 1990): Jaro boosted by a common prefix of up to 4 code points, with
// scale 0.1, when the Jaro similarity exceeds 0.7.
double jaro_winkler(std::u32string_view a, std::u32string_view b);

// A name's code points counted in 32 buckets (code point mod 32): two names have at most
// sum(min(count)) characters in common, which bounds their Jaro–Winkler similarity from above
// without comparing them (a search skips the spellings that cannot come close enough).
struct LetterCounts {
  std::array<uint8_t, 32> counts{};
  uint32_t length = 0;
};
LetterCounts letter_counts(std::u32string_view name);
// At least jaro_winkler(a, b) for the names counted; 1 when a name is too long to count.
double jaro_winkler_bound(const LetterCounts& a, const LetterCounts& b);

// Damerau–Levenshtein distance (unrestricted: Lowrance & Wagner 1975): insertions,
// deletions, substitutions and transpositions of adjacent code points, each costing 1, with
// edits allowed between transposed characters.
int damerau_levenshtein(std::u32string_view a, std::u32string_view b);
// 1 - distance / max(length), in [0, 1].
double damerau_levenshtein_similarity(std::u32string_view a, std::u32string_view b);

struct TokenSetSimilarity {
  double overlap;      // matched weight over the mean token count: penalises missing parts
  double containment;  // matched weight over the smaller token count: a name with parts missing
};

// Space-separated tokens of two normalised names, paired greedily by best Jaro–Winkler
// (pairs below 0.8 do not count), whatever their order.
TokenSetSimilarity token_set_similarity(std::u32string_view a, std::u32string_view b);

}  // namespace athar::names
