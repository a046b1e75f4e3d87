#include "kinship/assignment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "kinship/simulate.h"

namespace athar::kinship {
namespace {

const std::string kWestAsia = std::string(ATHAR_SOURCE_DIR) + "/tests/kinship/data/west-asia.txt";

// Fragments of one body, each partial and degraded, find each other; different persons do not.
TEST(DirectMatches, FragmentsOfOneBodyMatchAndFormOneBody) {
  const FrequencyTable table = FrequencyTable::read(kWestAsia);
  FamilySimulationConfig c;
  c.families = 1;
  c.remains = 30;
  c.identified_share = 0;  // 30 unrelated persons
  const FamilySimulation s = simulate_families(table, c);
  std::vector<Profile> remains = s.remains;
  // Two more fragments of person 0: one loses markers, one shows single alleles under dropout.
  Profile lost = remains[0], dropped = remains[0];
  lost.sample = "fragment-a";
  dropped.sample = "fragment-b";
  dropped.dropout = 0.3;
  size_t k = 0;
  for (size_t m = 0; m < table.size(); ++m) {
    if (!remains[0].markers[m].typed()) continue;
    if (k % 3 == 0) lost.markers[m] = {};
    if (k % 4 == 1) dropped.markers[m].b = dropped.markers[m].a;
    ++k;
  }
  remains.push_back(lost);
  remains.push_back(dropped);
  const auto matches = direct_matches(table, remains, remains, true, 0.01, 1e6);
  ASSERT_EQ(matches.size(), 3u);  // 0–30, 0–31, 30–31
  for (const auto& m : matches) {
    EXPECT_TRUE(m.a == 0 || m.a == 30) << m.a << " " << m.b;
    EXPECT_GT(m.log10_lr, 6);
    EXPECT_GT(m.random_match_probability, 0);
    EXPECT_LT(m.random_match_probability, 1e-6);
  }
  const auto body = fragment_bodies(matches, remains.size());
  EXPECT_EQ(body[0], body[30]);
  EXPECT_EQ(body[0], body[31]);
  EXPECT_NE(body[0], body[1]);
  // Intact identical profiles: LR = 1 / random match probability.
  const PairwiseResult same =
      pairwise_lr(table, remains[1], remains[1], Relationship::kSamePerson, 0.01);
  EXPECT_NEAR(same.log10_lr, -std::log10(same.random_match_probability), 1e-9);
}

ScreeningCandidate candidate(uint32_t remains, uint32_t family, double log10_lr) {
  return {remains, family, 5, log10_lr, 23, 0, 0};
}

// The best assignment is not the greedy one: A takes its second choice so that B gets F1.
TEST(Assignment, MaximisesTheSumNotTheFirstPick) {
  const std::vector<ScreeningCandidate> candidates = {candidate(0, 1, 8), candidate(0, 2, 6),
                                                      candidate(1, 1, 7), candidate(2, 9, 5)};
  const auto plan = assign(candidates, {0, 1, 2});
  ASSERT_EQ(plan.size(), 3u);
  std::map<uint32_t, uint32_t> family_of;
  for (const auto& a : plan) family_of[a.body] = a.family;
  EXPECT_EQ(family_of[0], 2u);
  EXPECT_EQ(family_of[1], 1u);
  EXPECT_EQ(family_of[2], 9u);
}

// Fragments of one body take one missing person once; a missing person takes one body.
TEST(Assignment, FragmentsShareTheirBodysAssignment) {
  const std::vector<ScreeningCandidate> candidates = {candidate(0, 1, 6), candidate(1, 1, 9),
                                                      candidate(2, 1, 4)};
  const auto plan = assign(candidates, {0, 0, 1});  // remains 0 and 1 are one body
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].body, 0u);
  EXPECT_EQ(plan[0].log10_lr, 9);
}

}  // namespace
}  // namespace athar::kinship
