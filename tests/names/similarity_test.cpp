#include "names/similarity.h"

#include <gtest/gtest.h>

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
