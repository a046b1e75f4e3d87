#include "names/similarity.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/unicode.h"

namespace athar::names {
namespace {

TEST(Similarity, JaroWinklerKnownValues) {
  // Winkler's examples.
  EXPECT_NEAR(jaro(U"martha", U"marhta"), 0.944444, 1e-6);
  EXPECT_NEAR(jaro_winkler(U"martha", U"marhta"), 0.961111, 1e-6);
  EXPECT_NEAR(jaro_winkler(U"dwayne", U"duane"), 0.84, 1e-6);
  EXPECT_NEAR(jaro_winkler(U"dixon", U"dicksonx"), 0.813333, 1e-6);
  EXPECT_EQ(jaro_winkler(U"", U""), 1.0);
  EXPECT_EQ(jaro_winkler(U"abc", U""), 0.0);
  EXPECT_EQ(jaro_winkler(U"محمد", U"محمد"), 1.0);
  EXPECT_LT(jaro_winkler(U"محمد", U"خالد"), 0.7);
}

// Jaro as the textbook writes it, for checking the fast paths against.
double textbook_jaro(const std::u32string& a, const std::u32string& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const size_t window = std::max<size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  std::vector<bool> am(a.size()), bm(b.size());
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = i > window ? i - window : 0; j < std::min(i + window + 1, b.size()); ++j) {
      if (bm[j] || a[i] != b[j]) continue;
      am[i] = bm[j] = true;
      ++m;
      break;
    }
  }
  if (m == 0) return 0.0;
  std::u32string ma, mb;
  for (size_t i = 0; i < a.size(); ++i)
    if (am[i]) ma += a[i];
  for (size_t j = 0; j < b.size(); ++j)
    if (bm[j]) mb += b[j];
  double t = 0;
  for (size_t k = 0; k < ma.size(); ++k) t += ma[k] != mb[k];
  return (m / a.size() + m / b.size() + (m - t / 2) / m) / 3;
}

TEST(Similarity, JaroEqualsTheTextbookForShortAndLongNames) {
  std::mt19937 random(7);
  const std::u32string letters = U"abdhmnsالمحدسن";
  for (int trial = 0; trial < 20000; ++trial) {
    // Mostly names' lengths; some past 64 code points (the general path).
    const size_t max_length = trial % 10 == 0 ? 90 : 14;
    std::u32string a, b;
    for (size_t n = random() % max_length; a.size() < n;) a += letters[random() % letters.size()];
    for (size_t n = random() % max_length; b.size() < n;) b += letters[random() % letters.size()];
    ASSERT_DOUBLE_EQ(jaro(a, b), textbook_jaro(a, b))
        << core::to_utf8(a) << " / " << core::to_utf8(b);
  }
}

TEST(Similarity, TheLetterCountBoundIsNeverBelowTheSimilarity) {
  std::mt19937 random(11);
  const std::u32string letters = U"abdhmnsuالمحدسنوي";
  size_t below_half = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::u32string a, b;
    for (size_t n = random() % 12; a.size() < n;) a += letters[random() % letters.size()];
    for (size_t n = random() % 12; b.size() < n;) b += letters[random() % letters.size()];
    const double bound = jaro_winkler_bound(letter_counts(a), letter_counts(b));
    ASSERT_GE(bound, jaro_winkler(a, b)) << core::to_utf8(a) << " / " << core::to_utf8(b);
    below_half += bound < 0.5;
  }
  EXPECT_GT(below_half, 100u);  // and it does rule pairs out
  EXPECT_EQ(jaro_winkler_bound(letter_counts(U"muhammad"), letter_counts(U"muhammad")), 1.0);
}

TEST(Similarity, DamerauLevenshtein) {
  EXPECT_EQ(damerau_levenshtein(U"hasan", U"hasan"), 0);
  EXPECT_EQ(damerau_levenshtein(U"hasan", U"hsaan"), 1);  // transposition
  EXPECT_EQ(damerau_levenshtein(U"ca", U"abc"), 2);       // unrestricted: OSA gives 3
  EXPECT_EQ(damerau_levenshtein(U"kitten", U"sitting"), 3);
  EXPECT_EQ(damerau_levenshtein(U"", U"abc"), 3);
  EXPECT_EQ(damerau_levenshtein(U"سامر", U"سمار"), 1);
  EXPECT_DOUBLE_EQ(damerau_levenshtein_similarity(U"abcd", U"abcf"), 0.75);
}

TEST(Similarity, TokenSetIgnoresOrderAndToleratesMissingParts) {
  const auto same = token_set_similarity(U"muhamad abdalah alhasan", U"alhasan muhamad abdalah");
  EXPECT_DOUBLE_EQ(same.overlap, 1.0);
  const auto partial = token_set_similarity(U"muhamad abdalah alhasan", U"muhamad alhasan");
  EXPECT_DOUBLE_EQ(partial.containment, 1.0);
  EXPECT_NEAR(partial.overlap, 0.8, 1e-9);
  const auto other = token_set_similarity(U"samar khalid", U"nur fatima");
  EXPECT_EQ(other.overlap, 0.0);
}

}  // namespace
}  // namespace athar::names
