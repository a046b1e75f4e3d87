#include "names/phonetic.h"

#include <gtest/gtest.h>

#include "names/cross_script_eval.h"

namespace athar::names {
namespace {

TEST(Phonetic, SpellingsOfOneNameAreCloseAcrossScripts) {
  EXPECT_GT(cross_script_similarity("محمد", "Mohamed"), 0.9);
  EXPECT_GT(cross_script_similarity("محمد", "Muhammad"), 0.9);
  EXPECT_GT(cross_script_similarity("شادي", "Shadi"), 0.9);
  EXPECT_GT(cross_script_similarity("فاطمة", "Fatima"), 0.9);
  EXPECT_LT(cross_script_similarity("محمد", "Fatima"), 0.6);
  EXPECT_GT(cross_script_similarity("محمد", "Mohamed"), cross_script_similarity("محمد", "Mahmoud"));
}

TEST(Phonetic, KeysOfBothScriptsUseTheSameClasses) {
  const PhoneticKey a = phonetic_key("شادي"), b = phonetic_key("Shadi");
  EXPECT_EQ(a.skeleton, U"XD");
  EXPECT_EQ(b.skeleton, U"XD");
  EXPECT_EQ(a.full, U"XADI");
  EXPECT_EQ(b.full, U"XADI");
}

// The measurement of docs/names.md on the public Wikipedia pairs (goal: top-1 >= 0.85).
TEST(Phonetic, RanksTheTrueSpellingFirstOnWikipediaPairs) {
  const auto pairs =
      read_name_pairs(std::string(ATHAR_SOURCE_DIR) + "/tests/names/data/ar2en-eval.txt");
  ASSERT_EQ(pairs.size(), 1431u);
  const RankingResult r = rank_cross_script(pairs, 1000, 1);
  EXPECT_GE(r.top1, 0.85);
  EXPECT_GE(r.top10, 0.95);
  std::printf("top-1 %.4f  top-10 %.4f  MRR %.4f\n", r.top1, r.top10, r.mean_reciprocal_rank);
}

}  // namespace
}  // namespace athar::names

namespace athar::names {
namespace {

TEST(Phonetic, TheLetterCountBoundIsNeverBelowTheSimilarity) {
  // Every Arabic name of the Wikipedia pairs against many Latin spellings (true and not).
  const auto pairs =
      read_name_pairs(std::string(ATHAR_SOURCE_DIR) + "/tests/names/data/ar2en-eval.txt");
  size_t ruled_out = 0, compared = 0;
  for (size_t i = 0; i < pairs.size(); i += 7) {
    const PhoneticKey a = phonetic_key(pairs[i].first);
    for (size_t j = 0; j < pairs.size(); j += 13) {
      const PhoneticKey b = phonetic_key(pairs[j].second);
      const double bound = phonetic_similarity_bound(phonetic_counts(a), phonetic_counts(b));
      ASSERT_GE(bound, phonetic_similarity(a, b)) << pairs[i].first << " / " << pairs[j].second;
      ruled_out += bound < 0.6;
      ++compared;
    }
  }
  std::printf("bound below 0.6 for %zu of %zu pairs\n", ruled_out, compared);
}

}  // namespace
}  // namespace athar::names
