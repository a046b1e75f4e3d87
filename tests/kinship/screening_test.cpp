#include "kinship/screening.h"

#include <gtest/gtest.h>

#include <cmath>

#include "kinship/simulate.h"
#include "test_support.h"

namespace athar::kinship {
namespace {

const std::string kWestAsia = std::string(ATHAR_SOURCE_DIR) + "/tests/kinship/data/west-asia.txt";

// The table look-ups give the pedigree likelihood's LR for every pair, dropout included.
TEST(Screening, LookUpsAgreeWithThePedigreeLikelihood) {
  FrequencyTable table = FrequencyTable::read(kWestAsia);
  FamilySimulationConfig c;
  c.families = 40;
  c.remains = 30;
  c.dropout = 0.15;
  c.lost_markers = 0.1;
  const FamilySimulation s = simulate_families(table, c);
  table.add_unseen(s.remains);
  const ScreeningIndex index(table, s.families, 2);
  ScreeningOptions all;
  all.threshold = 0;  // every pair
  const ScreeningResult r = screen(index, s.remains, all);
  ASSERT_EQ(r.comparisons, 40u * 30u);
  EXPECT_NEAR(r.prior, 1.0 / 40, 1e-15);
  std::vector<MissingPersonLikelihood> families;
  for (const Family& f : s.families) families.emplace_back(table, f, f.missing()[0]);
  size_t checked = 0;
  for (const auto& cand : r.candidates) {
    const PairwiseResult exact = families[cand.family].lr(s.remains[cand.remains]);
    EXPECT_EQ(cand.markers_compared, exact.markers_compared);
    EXPECT_EQ(cand.inconsistent_markers, exact.inconsistent_markers);
    if (exact.inconsistent_markers) {
      EXPECT_EQ(cand.log10_lr, -INFINITY);
    } else {
      EXPECT_NEAR(cand.log10_lr, exact.log10_lr, 1e-4 * std::max(1.0, std::abs(exact.log10_lr)));
      const double pi = r.prior, lr = std::pow(10.0, cand.log10_lr);
      EXPECT_NEAR(cand.posterior, lr * pi / (lr * pi + 1 - pi), 1e-9);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 40u * 30u);
}

// Above the threshold: the true families of intact remains with a parent reference, ranked first.
TEST(Screening, CandidatesAboveTheThresholdRankedPerRemains) {
  FrequencyTable table = FrequencyTable::read(kWestAsia);
  FamilySimulationConfig c;
  c.families = 200;
  c.remains = 100;
  c.reference_kinds = {"parent"};
  c.max_references = 2;
  c.identified_share = 0.5;
  const FamilySimulation s = simulate_families(table, c);
  table.add_unseen(s.remains);
  const ScreeningIndex index(table, s.families);
  const ScreeningResult r = screen(index, s.remains, {});
  size_t true_found = 0, false_found = 0;
  for (size_t i = 0; i < r.candidates.size(); ++i) {
    const auto& cand = r.candidates[i];
    EXPECT_GE(cand.log10_lr, 4);
    if (i > 0 && r.candidates[i - 1].remains == cand.remains) {
      EXPECT_GE(r.candidates[i - 1].log10_lr, cand.log10_lr);
    }
    (s.truth[cand.remains] == static_cast<int>(cand.family) ? true_found : false_found)++;
  }
  EXPECT_EQ(true_found, 50u);  // every identified remains, with a parent's reference
  EXPECT_LE(false_found, 1u);
}

}  // namespace
}  // namespace athar::kinship
