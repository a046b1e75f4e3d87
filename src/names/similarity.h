// String similarity on normalised names, over code points (Arabic and Latin alike).
//
//   jaro_winkler(U"muhamad", U"muhammad");            // 0.975
//   damerau_levenshtein(U"hasan", U"hsaan");          // 1 (one transposition)
//   token_set_similarity("muhamad abdalah alhasan", "alhasan muhamad");   // order-free
//
// The hot functions allocate nothing after their first calls on a thread.
#pragma once

#include <string_view>

namespace athar::names {

// Jaro similarity (Jaro 1989) in [0, 1].
double jaro(std::u32string_view a, std::u32string_view b);
// Jaro–Winkler (Winkler 1990): Jaro boosted by a common prefix of up to 4 code points, with
// scale 0.1, when the Jaro similarity exceeds 0.7.
double jaro_winkler(std::u32string_view a, std::u32string_view b);

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
