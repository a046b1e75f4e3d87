#include "matching/linkage_draws.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "core/error.h"

namespace athar::matching {
namespace {

// Records of `population` persons on three lists, each person listed by each list with
// probability 0.5; `person` gets each record's person.
LinkageDrawInput three_lists(size_t population, std::vector<uint32_t>& person) {
  LinkageDrawInput in;
  in.lists = {"A", "B", "C"};
  in.one_record_per_list = true;
  std::mt19937_64 random(7);
  for (uint32_t p = 0; p < population; ++p) {
    for (uint32_t l = 0; l < 3; ++l) {
      if (random() % 2) continue;
      in.list_of_record.push_back(l);
      person.push_back(p);
    }
  }
  return in;
}

// Every true pair at `probability`.
void add_true_pairs(LinkageDrawInput& in, const std::vector<uint32_t>& person, double probability) {
  for (uint32_t a = 0; a < person.size(); ++a)
    for (uint32_t b = a + 1; b < person.size() && person[b] == person[a]; ++b)
      in.pairs.push_back({a, b, probability});
}

TEST(LinkageDrawsTest, CertainPairsAlwaysLinkAndImpossibleOnesNever) {
  LinkageDrawInput in;
  in.lists = {"A", "B"};
  in.list_of_record = {0, 1, 0, 1};
  in.pairs = {{0, 1, 1.0}, {2, 3, 0.0}};
  std::mt19937_64 random(1);
  for (int d = 0; d < 50; ++d) {
    const auto entity = draw_linkage(in, random);
    EXPECT_EQ(entity[0], entity[1]);
    EXPECT_NE(entity[2], entity[3]);
  }
}

TEST(LinkageDrawsTest, APairLinksAsOftenAsItsProbabilitySays) {
  LinkageDrawInput in;
  in.lists = {"A", "B"};
  in.list_of_record = {0, 1};
  in.pairs = {{0, 1, 0.3}};
  std::mt19937_64 random(2);
  int linked = 0;
  const int draws = 4000;
  for (int d = 0; d < draws; ++d) {
    const auto entity = draw_linkage(in, random);
    linked += entity[0] == entity[1];
  }
  // Binomial(4000, 0.3): standard deviation 29.
  EXPECT_NEAR(linked, 0.3 * draws, 120);
}

TEST(LinkageDrawsTest, DecisionsOverrideProbabilities) {
  LinkageDrawInput in;
  in.lists = {"A", "B"};
  in.list_of_record = {0, 1, 0, 1};
  in.pairs = {{0, 1, 1.0}, {2, 3, 0.0}};
  in.different = {{0, 1}};
  in.same = {{2, 3}};
  std::mt19937_64 random(3);
  const auto entity = draw_linkage(in, random);
  EXPECT_NE(entity[0], entity[1]);
  EXPECT_EQ(entity[2], entity[3]);
}

TEST(LinkageDrawsTest, TwoRecordsOfOneListMeetOnlyThroughTheirOwnPair) {
  // 0 and 2 are on list A, 1 on B; both link to 1 for certain.
  LinkageDrawInput in;
  in.lists = {"A", "B"};
  in.list_of_record = {0, 1, 0};
  in.pairs = {{0, 1, 1.0}, {1, 2, 0.9}};
  std::mt19937_64 random(4);
  auto entity = draw_linkage(in, random);
  EXPECT_EQ(entity[0], entity[1]);
  EXPECT_NE(entity[2], entity[0]);  // a chain through list B does not make them one
  // Deduplicating (not one record per list), their own candidate pair lets them meet.
  in.pairs.push_back({0, 2, 1.0});
  entity = draw_linkage(in, random);
  EXPECT_EQ(entity[0], entity[2]);
  EXPECT_EQ(entity[1], entity[2]);
  // Across lists only, never.
  in.one_record_per_list = true;
  entity = draw_linkage(in, random);
  EXPECT_NE(entity[0], entity[2]);
}

TEST(LinkageDrawsTest, AnEntityTakesTheStratumMostOfItsRecordsGive) {
  LinkageDrawInput in;
  in.lists = {"A", "B", "C"};
  in.list_of_record = {0, 1, 2, 0};
  in.stratum_of_record = {"north", "south", "south", ""};
  const auto strata = histories_of(in, {0, 0, 0, 3});
  ASSERT_EQ(strata.size(), 2u);
  EXPECT_EQ(strata[0].first, "(unknown)");
  EXPECT_EQ(strata[0].second.counts[0b001], 1);
  EXPECT_EQ(strata[1].first, "south");
  EXPECT_EQ(strata[1].second.counts[0b111], 1);
}

TEST(LinkageDrawsTest, CertainLinkageAddsNoVarianceAndUncertainLinkageWidensTheInterval) {
  std::vector<uint32_t> person;
  LinkageDrawInput certain = three_lists(1500, person);
  add_true_pairs(certain, person, 1.0);
  LinkageDrawOptions o;
  o.draws = 20;
  o.estimation.bootstrap = 50;
  const LinkageAwareEstimates sure = estimate_with_linkage_draws(certain, o);
  EXPECT_LT(sure.linkage_share[0], 0.02);  // the draws' own sampling noise taken out
  EXPECT_EQ(sure.documented_low, sure.documented_high);
  EXPECT_GT(sure.totals[0].low, 1200);  // the lists are independent: the truth, 1500, is found
  EXPECT_LT(sure.totals[0].high, 1800);

  // Half the true pairs in doubt (p 0.5) and as many false pairs in doubt: the draws disagree.
  LinkageDrawInput doubtful = certain;
  std::mt19937_64 random(9);
  for (linkage::Link& p : doubtful.pairs)
    if (random() % 2) p.probability = 0.5;
  const size_t true_pairs = doubtful.pairs.size();
  for (size_t k = 0; k < true_pairs; ++k) {
    const auto a = static_cast<uint32_t>(random() % person.size());
    const auto b = static_cast<uint32_t>(random() % person.size());
    if (person[a] != person[b]) doubtful.pairs.push_back({std::min(a, b), std::max(a, b), 0.5});
  }
  const LinkageAwareEstimates unsure = estimate_with_linkage_draws(doubtful, o);
  EXPECT_GT(unsure.linkage_share[0], 0.2);
  EXPECT_LT(unsure.documented_low, unsure.documented_high);
  EXPECT_GT(unsure.totals[0].high - unsure.totals[0].low, unsure.within_width[0]);
  EXPECT_NE(unsure.totals[0].method.find("pooled over 20 linkage draws"), std::string::npos);

  // The same answer on one thread as on two.
  o.threads = 1;
  const LinkageAwareEstimates one = estimate_with_linkage_draws(doubtful, o);
  o.threads = 2;
  const LinkageAwareEstimates two = estimate_with_linkage_draws(doubtful, o);
  EXPECT_EQ(one.totals[0].estimate, two.totals[0].estimate);
  EXPECT_EQ(one.totals[0].low, two.totals[0].low);
  EXPECT_EQ(one.totals[0].high, two.totals[0].high);

  o.draws = 1;
  EXPECT_THROW(estimate_with_linkage_draws(doubtful, o), core::InputError);
}

TEST(LinkageDrawsTest, CalibrationLearnsFromDecisionsHowFarOffTheModelIs) {
  // The model says p; the truth is p with its odds times e (intercept 1, slope 1).
  LinkageDrawInput in;
  in.lists = {"A", "B"};
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (uint32_t k = 0; k < 3000; ++k) {
    in.list_of_record.push_back(0);
    in.list_of_record.push_back(1);
    const double p = 0.05 + 0.9 * uniform(random);
    const double odds = std::exp(1.0) * p / (1 - p);
    in.pairs.push_back({2 * k, 2 * k + 1, p});
    (uniform(random) < odds / (1 + odds) ? in.same : in.different).emplace_back(2 * k, 2 * k + 1);
  }
  const Calibration c = calibrate_from_decisions(in);
  ASSERT_TRUE(c.fitted);
  EXPECT_EQ(c.decided, 3000u);
  EXPECT_NEAR(c.intercept, 1.0, 0.2);
  EXPECT_NEAR(c.slope, 1.0, 0.15);
  EXPECT_GT(c.apply(0.5), 0.68);  // odds e at 0.5: 0.73
  const double before = in.pairs.front().probability;
  apply_calibration(c, in);
  EXPECT_DOUBLE_EQ(in.pairs.front().probability, c.apply(before));
  // Too few decisions: nothing learnt, probabilities left alone.
  in.same.resize(3);
  const Calibration few = calibrate_from_decisions(in);
  EXPECT_FALSE(few.fitted);
  EXPECT_EQ(few.apply(0.3), 0.3);
}

}  // namespace
}  // namespace athar::matching
