#include "kinship/screening.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/error.h"
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
  EXPECT_NEAR(r.prior, 1.0 / 41, 1e-15);  // 40 missing persons, or someone else
  std::vector<MissingPersonLikelihood> families;
  for (const Family& f : s.families) families.emplace_back(table, f, f.missing()[0]);
  size_t checked = 0;
  for (const auto& cand : r.candidates) {
    const PairwiseResult exact = families[cand.family].lr(s.remains[cand.remains]);
    EXPECT_EQ(cand.markers_compared, exact.markers_compared);
    EXPECT_EQ(cand.inconsistent_markers, exact.inconsistent_markers);
    // Found by the single-precision tables, reported exactly.
    EXPECT_EQ(cand.log10_lr, exact.log10_lr);
    uint64_t excluding = 0;
    for (const MarkerLr& m : exact.per_marker)
      if (m.lr == 0) excluding |= uint64_t{1} << m.marker;
    EXPECT_EQ(cand.excluding_markers, excluding);
    if (exact.inconsistent_markers) {
      EXPECT_EQ(cand.log10_lr, -INFINITY);
      EXPECT_EQ(cand.posterior, 0);
    } else {
      const double pi = r.prior, lr = std::pow(10.0, cand.log10_lr);
      EXPECT_NEAR(cand.posterior, lr * pi / (lr * pi + 1 - pi), 1e-9);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 40u * 30u);
}

// The threshold is applied to the exact LR: a pair a hair above it is kept and a hair below it
// left, where the tables' single precision (about 1e-6 relative) could not tell.
TEST(Screening, ThresholdAppliedToTheExactLr) {
  FrequencyTable table = FrequencyTable::read(kWestAsia);
  FamilySimulationConfig c;
  c.families = 30;
  c.remains = 20;
  c.reference_kinds = {"parent"};
  const FamilySimulation s = simulate_families(table, c);
  table.add_unseen(s.remains);
  const ScreeningIndex index(table, s.families, 2);
  const ScreeningResult r = screen(index, s.remains, {});
  ASSERT_FALSE(r.candidates.empty());
  const ScreeningCandidate top = r.candidates.front();
  const double lr = std::pow(10.0, top.log10_lr);
  const auto found = [&](double threshold) {
    ScreeningOptions o;
    o.threshold = threshold;
    for (const auto& cand : screen(index, s.remains, o).candidates) {
      if (cand.remains == top.remains && cand.family == top.family) return true;
    }
    return false;
  };
  EXPECT_TRUE(found(lr * (1 - 1e-10)));
  EXPECT_FALSE(found(lr * (1 + 1e-10)));
}

// Under mutation the screen's tables hold an upper bound for the alleles far from a family's; the
// candidates are exactly the pairs whose exact LR (with the model) reaches the threshold.
TEST(Screening, WithMutationNoCandidateIsMissed) {
  FrequencyTable table = FrequencyTable::read(kWestAsia);
  FamilySimulationConfig c;
  c.families = 60;
  c.remains = 40;
  c.dropout = 0.1;
  const FamilySimulation s = simulate_families(table, c);
  table.add_unseen(s.remains);
  MutationModel stepwise;
  stepwise.kind = MutationModel::Kind::kStepwise;
  const ScreeningIndex index(table, s.families, 2, stepwise);
  ScreeningOptions o;
  o.threshold = 100;
  const ScreeningResult r = screen(index, s.remains, o);
  std::set<std::pair<uint32_t, uint32_t>> expected, found;
  for (uint32_t f = 0; f < s.families.size(); ++f) {
    const MissingPersonLikelihood exact(table, s.families[f], s.families[f].missing()[0], stepwise);
    for (uint32_t rem = 0; rem < s.remains.size(); ++rem) {
      if (exact.lr(s.remains[rem]).log10_lr >= 2) expected.insert({rem, f});
    }
  }
  for (const auto& cand : r.candidates) {
    found.insert({cand.remains, cand.family});
    EXPECT_EQ(cand.log10_lr,
              MissingPersonLikelihood(table, s.families[cand.family], cand.member, stepwise)
                  .lr(s.remains[cand.remains])
                  .log10_lr);
  }
  EXPECT_EQ(found, expected);
  EXPECT_GE(expected.size(), 20u);  // the true pairs, at least
}

// One missing person: the prior is 1/2 (that person, or someone else), so the posterior is a
// probability for every pair — 0 for an exclusion, never nan or inf.
TEST(Screening, OneMissingPersonGivesFinitePosteriors) {
  FrequencyTable table = FrequencyTable::read(kWestAsia);
  FamilySimulationConfig c;
  c.families = 1;
  c.remains = 12;
  c.reference_kinds = {"parent"};  // a parent excludes most unrelated remains
  const FamilySimulation s = simulate_families(table, c);
  table.add_unseen(s.remains);
  const ScreeningIndex index(table, s.families, 1);
  ScreeningOptions all;
  all.threshold = 0;
  const ScreeningResult r = screen(index, s.remains, all);
  EXPECT_EQ(r.prior, 0.5);
  ASSERT_EQ(r.candidates.size(), 12u);
  size_t excluded = 0;
  for (const auto& cand : r.candidates) {
    EXPECT_TRUE(cand.posterior >= 0 && cand.posterior <= 1) << cand.posterior;
    if (cand.log10_lr == -INFINITY) {
      ++excluded;
      EXPECT_EQ(cand.posterior, 0);
      EXPECT_NE(cand.excluding_markers, 0u);
    } else {
      EXPECT_NEAR(cand.posterior, 1 / (1 + std::pow(10.0, -cand.log10_lr)), 1e-12);
    }
  }
  EXPECT_GT(excluded, 0u);
}

TEST(Screening, PosteriorWithoutOverflow) {
  EXPECT_EQ(posterior_probability(400, 0.5), 1.0);  // LR 1e400 overflows a double
  EXPECT_EQ(posterior_probability(-INFINITY, 0.5), 0.0);
  EXPECT_NEAR(posterior_probability(4, 1e-4), 1e4 * 1e-4 / (1e4 * 1e-4 + 1 - 1e-4), 1e-15);
  EXPECT_NEAR(posterior_probability(-400, 0.5), 0, 1e-300);
  for (double bad : {0.0, 1.0, -0.1, 1.5, std::nan("")}) {
    EXPECT_THROW(posterior_probability(4, bad), core::InputError) << bad;
  }
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

namespace athar::kinship {
namespace {

// A true child whose allele mutated one repeat away is excluded without a mutation model and
// found with the stepwise one; the look-ups equal the pedigree likelihood with mutation.
TEST(Screening, AMutatedAlleleIsFoundWithAMutationModel) {
  FrequencyTable table = FrequencyTable::read(kWestAsia);
  FamilySimulationConfig c;
  c.families = 12;
  c.remains = 12;
  c.identified_share = 1;
  c.reference_kinds = {"parent"};
  c.max_references = 2;
  FamilySimulation s = simulate_families(table, c);
  // A remains sample whose family typed both parents: shift one of its alleles at one marker by
  // a repeat, to an allele no reference carries — an exclusion without mutation.
  size_t chosen = SIZE_MAX;
  for (size_t i = 0; i < s.remains.size() && chosen == SIZE_MAX; ++i) {
    size_t typed = 0;
    for (const Member& m : s.families[static_cast<size_t>(s.truth[i])].members)
      typed += m.typed() ? 1 : 0;
    if (typed == 2) chosen = i;
  }
  ASSERT_NE(chosen, SIZE_MAX);
  std::swap(s.remains[0], s.remains[chosen]);
  std::swap(s.truth[0], s.truth[chosen]);
  Profile& r = s.remains[0];
  const size_t marker = static_cast<size_t>(table.marker_index("D18S51"));
  Genotype& g = r.markers[marker];
  const Family& family = s.families[static_cast<size_t>(s.truth[0])];
  Allele shifted = 0;
  for (Allele candidate : {g.b + 10, g.a - 10, g.b + 20}) {
    bool carried = false;
    for (const Member& m : family.members) {
      if (m.typed() &&
          (m.profile.markers[marker].a == candidate || m.profile.markers[marker].b == candidate))
        carried = true;
    }
    if (!carried && candidate > 0) {
      shifted = candidate;
      break;
    }
  }
  ASSERT_NE(shifted, 0);
  g = {std::min(g.a, shifted), std::max(g.a, shifted)};
  table.add_unseen(s.remains);
  ScreeningOptions o;
  o.threshold = 100;
  const auto found = [&](const ScreeningResult& result) {
    for (const auto& cand : result.candidates) {
      if (cand.remains == 0 && static_cast<int>(cand.family) == s.truth[0]) return true;
    }
    return false;
  };
  EXPECT_FALSE(found(screen(ScreeningIndex(table, s.families), s.remains, o)));
  MutationModel stepwise;
  stepwise.kind = MutationModel::Kind::kStepwise;
  const ScreeningIndex with_mutation(table, s.families, 2, stepwise);
  const ScreeningResult result = screen(with_mutation, s.remains, o);
  EXPECT_TRUE(found(result));
  for (const auto& cand : result.candidates) {
    const auto exact =
        MissingPersonLikelihood(table, s.families[cand.family], cand.member, stepwise)
            .lr(s.remains[cand.remains]);
    EXPECT_NEAR(cand.log10_lr, exact.log10_lr, 1e-4 * std::max(1.0, std::abs(exact.log10_lr)));
  }
}

}  // namespace
}  // namespace athar::kinship
