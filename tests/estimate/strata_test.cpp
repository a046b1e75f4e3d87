// Strata estimated apart and summed, sparse strata pooled (estimate/strata.h).
#include "estimate/strata.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace athar::estimate {
namespace {

const std::string kKosovo = std::string(ATHAR_SOURCE_DIR) + "/tests/estimate/data/kosovo.csv";

TEST(Strata, SumsStrataAndPoolsSparseOnes) {
  const CaptureHistories kosovo = read_histories(kKosovo);
  EstimationOptions o;
  o.bootstrap = 100;
  o.latent_class = true;
  o.latent.burn_in = 300;
  o.latent.samples = 200;
  o.latent.thinning = 2;
  // Two strata no model can estimate alone — one of people on one list each (no overlap: no
  // finite estimate), one of people on every list (nobody missed by any) — but can together.
  CaptureHistories singles = kosovo, everywhere = kosovo;
  singles.counts.assign(kosovo.counts.size(), 0.0);
  everywhere.counts.assign(kosovo.counts.size(), 0.0);
  for (size_t c : {1, 2, 4, 8}) singles.counts[c] = 3;
  everywhere.counts[15] = 12;
  const CaptureHistories& sparse = singles;
  const Estimates e = estimate_strata(
      {{"north", kosovo}, {"south", kosovo}, {"singles", singles}, {"everywhere", everywhere}},
      true, o);
  ASSERT_EQ(e.strata.size(), 3u);
  EXPECT_EQ(e.strata[2].name, "(pooled: singles, everywhere)");
  ASSERT_EQ(e.totals.size(), 2u);
  EXPECT_TRUE(e.totals[0].latent);
  EXPECT_FALSE(e.totals[1].latent);
  EXPECT_EQ(e.totals[1].method, "log-linear, sum of strata");
  const double one = e.strata[0].methods[1].estimate;
  EXPECT_NEAR(e.totals[1].estimate, 2 * one + e.strata[2].methods[1].estimate, 1e-9 * one);
  EXPECT_DOUBLE_EQ(e.totals[1].documented, 2 * 4400 + 12 + 12);
  EXPECT_LT(e.totals[1].low, e.totals[1].estimate);
  EXPECT_GT(e.totals[1].high, e.totals[1].estimate);
  // The strata's draws add up index by index.
  EXPECT_DOUBLE_EQ(e.totals[0].draws[5], e.strata[0].methods[0].draws[5] +
                                             e.strata[1].methods[0].draws[5] +
                                             e.strata[2].methods[0].draws[5]);
  // The log-linear stratum carries its models and its profile-likelihood interval.
  EXPECT_FALSE(e.strata[0].methods[1].models.empty());
  EXPECT_LT(e.strata[0].methods[1].profile.low, one);
  // Unstratified, a table no model can estimate is an error.
  o.latent_class = false;
  EXPECT_THROW(estimate_strata({{"", sparse}}, false, o), core::InputError);
}

// Strata are independent samples: two strata alike draw from their own streams, so the sum's
// spread grows by about √2 of one stratum's, not twice (as it did when every stratum shared the
// seed and drew alike).
TEST(Strata, EachStratumDrawsOnItsOwn) {
  const CaptureHistories kosovo = read_histories(kKosovo);
  EstimationOptions o;
  o.bootstrap = 400;
  const Estimates e = estimate_strata({{"north", kosovo}, {"south", kosovo}}, true, o);
  const std::vector<double>& north = e.strata[0].methods[0].draws;
  const std::vector<double>& south = e.strata[1].methods[0].draws;
  ASSERT_EQ(north.size(), south.size());
  EXPECT_NE(north, south);
  const double one = e.strata[0].methods[0].high - e.strata[0].methods[0].low;
  const double sum = e.totals[0].high - e.totals[0].low;
  EXPECT_LT(sum, 1.75 * one);  // √2 ≈ 1.41; alike draws gave 2
  EXPECT_GT(sum, 1.1 * one);
  // An unstratified run keeps the seed given: the same draws as the first stratum's.
  const Estimates alone = estimate_strata({{"", kosovo}}, false, o);
  EXPECT_EQ(alone.totals[0].draws, north);
}

// A stratum whose bootstrap tables mostly cannot be fitted (one list documents everyone there,
// so a refit's estimate runs off) still has an estimate; summed with a stratum of full draws,
// the total keeps that stratum's spread instead of collapsing to as few draws as the worst
// stratum has, and both say why their intervals understate the uncertainty.
TEST(Strata, AStratumWithFewDrawsDoesNotCollapseTheTotal) {
  const CaptureHistories kosovo = read_histories(kKosovo);
  CaptureHistories on_one_list = kosovo;
  on_one_list.counts.assign(kosovo.counts.size(), 0.0);
  on_one_list.counts[1] = 3;  // documented by the first list only
  on_one_list.counts[3] = 2;
  on_one_list.counts[5] = 1;
  on_one_list.counts[9] = 1;
  on_one_list.counts[15] = 1;
  EstimationOptions o;
  o.bootstrap = 100;
  const Estimates e = estimate_strata({{"wide", kosovo}, {"narrow", on_one_list}}, true, o);
  ASSERT_EQ(e.strata.size(), 2u);
  const MethodResult& narrow = e.strata[1].methods[0];
  const MethodResult& total = e.totals[0];
  std::printf("narrow: %zu draws, total %.0f (%.0f-%.0f) from %zu\n", narrow.draws.size(),
              total.estimate, total.low, total.high, total.draws.size());
  ASSERT_LT(2 * narrow.draws.size(), o.bootstrap);
  ASSERT_FALSE(narrow.warnings.empty());
  EXPECT_NE(narrow.warnings.back().find(" bootstrap tables could be fitted"), std::string::npos);
  EXPECT_EQ(total.draws.size(), e.strata[0].methods[0].draws.size());
  EXPECT_LT(total.low, total.estimate);
  EXPECT_GT(total.high, total.estimate);
  EXPECT_GT(total.high - total.low,
            0.5 * (e.strata[0].methods[0].high - e.strata[0].methods[0].low));
  ASSERT_EQ(total.warnings.size(), 1u);
  EXPECT_EQ(total.warnings[0].rfind("narrow has ", 0), 0u) << total.warnings[0];
}

}  // namespace
}  // namespace athar::estimate

namespace athar::estimate {
namespace {

TEST(Strata, ProgressMovesForwardAndACancelStopsEveryChain) {
  const CaptureHistories kosovo = read_histories(kKosovo);
  EstimationOptions o;
  o.latent_class = true;
  o.log_linear = true;
  o.bootstrap = 20;
  o.latent.burn_in = 2000;
  o.latent.samples = 200;
  o.latent.thinning = 10;
  std::vector<double> heard;
  o.progress = core::Progress([&](double f, std::string_view) { heard.push_back(f); });
  estimate_strata({{"north", kosovo}, {"south", kosovo}}, true, o);
  ASSERT_GT(heard.size(), 4u);
  // Strata follow each other; within one, the chains, then the log-linear models.
  EXPECT_LT(heard.front(), 0.2);
  EXPECT_GT(heard.back(), 0.6);
  EXPECT_LE(heard.back(), 1.0);

  // Cancelled a tenth of the way: both chains stop (not only the one that reports).
  struct Cancelled {};
  std::atomic<uint64_t> iterations{0};
  o.latent.burn_in = 200000;
  o.latent.on_iteration = [&](size_t, int, double) { ++iterations; };
  o.progress = core::Progress([](double f, std::string_view) {
    if (f > 0.05) throw Cancelled{};
  });
  EXPECT_THROW(estimate_strata({{"", kosovo}}, false, o), Cancelled);
  const uint64_t whole = 2 * (o.latent.burn_in + o.latent.samples / 2 * o.latent.thinning);
  EXPECT_LT(iterations.load(), whole / 4);
}

}  // namespace
}  // namespace athar::estimate
