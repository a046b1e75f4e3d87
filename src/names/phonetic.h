// Comparing a name across scripts: an Arabic-script name and a Latin spelling of it.
//
// Both are reduced to the same sound classes (docs/names.md): a consonant skeleton (ب and b, p
// → B; ش and sh, ch → X; vowels dropped) and a full key that keeps vowels as A, I, U (ا, ي and e,
// i, y; و and o, u, w). The similarity weighs the two with Jaro–Winkler:
// (JW(skeleton) + 2·JW(full)) / 3. Measured on 1,431 Wikipedia name pairs against 1,000
// distractors each: docs/names.md and bench/RESULTS.md.
//
//   PhoneticKey a = phonetic_key("محمد"), b = phonetic_key("Mohamed");
//   phonetic_similarity(a, b);    // close to 1
#pragma once

#include <string>
#include <string_view>

#include "names/similarity.h"

namespace athar::names {

struct PhoneticKey {
  std::u32string skeleton;
  std::u32string full;
  // Vowels as Arabic script writes them: long ones only. For Arabic this is `full`; for Latin,
  // vowels are kept at word edges and in pairs (ou, ee, aa, ...), single inner ones dropped
  // (Mohamed → MHMD as محمد, Mahmoud → MHMUD as محمود).
  std::u32string written;
};

// Keys of a name in either script (tokens run together).
PhoneticKey phonetic_key(std::string_view name);
void phonetic_key(std::string_view name, PhoneticKey& out);  // reusing out's buffers
double phonetic_similarity(const PhoneticKey& a, const PhoneticKey& b);

// The keys' letters counted (names/similarity.h), for an upper bound on phonetic_similarity
// that needs no comparison.
struct PhoneticCounts {
  LetterCounts skeleton, full, written;
};
PhoneticCounts phonetic_counts(const PhoneticKey& key);
double phonetic_similarity_bound(const PhoneticCounts& a, const PhoneticCounts& b);
inline double cross_script_similarity(std::string_view a, std::string_view b) {
  return phonetic_similarity(phonetic_key(a), phonetic_key(b));
}

}  // namespace athar::names
