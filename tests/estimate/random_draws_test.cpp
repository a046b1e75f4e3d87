// The sampler's random draws against their exact distributions: chi-square tests on the
// probability mass of discrete draws, Kolmogorov–Smirnov tests on continuous ones. Seeds are
// fixed; the critical values sit near the 1-in-a-million level, so a failure means the draws
// are wrong, not unlucky (2 million draws detect a shift of the mass by a few per thousand).
#include "estimate/random_draws.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace athar::estimate {
namespace {

// Upper 1e-6 point of chi-square with `df` degrees of freedom (Wilson–Hilferty).
double chi_square_critical(double df) {
  const double z = 4.753, h = 2 / (9 * df);
  return df * std::pow(1 - h + z * std::sqrt(h), 3);
}

// Chi-square of draws against a probability mass function, cells with expectation below 5
// pooled into their neighbours at the edges.
void expect_matches_mass(const std::function<uint64_t()>& draw,
                         const std::function<double(uint64_t)>& log_mass, uint64_t low,
                         uint64_t high, int draws, const char* what) {
  std::vector<double> observed(high - low + 3, 0);  // [below low] low..high [above high]
  for (int i = 0; i < draws; ++i) {
    const uint64_t x = draw();
    observed[x < low ? 0 : x > high ? high - low + 2 : x - low + 1] += 1;
  }
  std::vector<double> expected(observed.size(), 0);
  double inside = 0;
  for (uint64_t x = low; x <= high; ++x) {
    expected[x - low + 1] = draws * std::exp(log_mass(x));
    inside += expected[x - low + 1];
  }
  // Mass outside [low, high] goes to the edge cells, split by the side the draws fell on is
  // unknown, so both edges together are compared as one cell.
  double chi = 0, df = -1, pooled_observed = observed.front() + observed.back();
  double pooled_expected = draws - inside;
  for (size_t i = 1; i + 1 < observed.size(); ++i) {
    if (expected[i] < 5) {
      pooled_observed += observed[i];
      pooled_expected += expected[i];
      continue;
    }
    chi += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
    df += 1;
  }
  if (pooled_expected >= 5) {
    chi +=
        (pooled_observed - pooled_expected) * (pooled_observed - pooled_expected) / pooled_expected;
    df += 1;
  } else {
    EXPECT_LT(pooled_observed, 5 + 10 * std::sqrt(pooled_expected + 1)) << what;
  }
  ASSERT_GE(df, 1) << what;
  EXPECT_LT(chi, chi_square_critical(df))
      << what << ": chi-square " << chi << " on " << df << " degrees of freedom";
}

double log_binomial(uint64_t n, double p, uint64_t k) {
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return std::lgamma(nd + 1) - std::lgamma(kd + 1) - std::lgamma(nd - kd + 1) + kd * std::log(p) +
         (nd - kd) * std::log1p(-p);
}

double log_poisson(double mean, uint64_t k) {
  const double kd = static_cast<double>(k);
  return -mean + kd * std::log(mean) - std::lgamma(kd + 1);
}

TEST(RandomDraws, BinomialMatchesItsMass) {
  RandomDraws r(11);
  struct Case {
    uint64_t n;
    double p;
  };
  // Inversion (n·p < 10), BTRD (n·p ≥ 10, narrow and wide), and p > 1/2 by symmetry.
  for (const Case c :
       {Case{20, 0.3}, Case{5000, 0.0007}, Case{1, 0.4}, Case{60, 0.25}, Case{1131, 0.3},
        Case{100000, 0.02}, Case{5000, 0.999}, Case{37, 0.5}, Case{2000000, 0.4}}) {
    const double mean = static_cast<double>(c.n) * c.p;
    const double spread = std::sqrt(mean * (1 - c.p));
    const auto low = static_cast<uint64_t>(std::max(0.0, mean - 8 * spread - 1));
    const auto high = std::min<uint64_t>(c.n, static_cast<uint64_t>(mean + 8 * spread + 2));
    expect_matches_mass([&] { return r.binomial(c.n, c.p); },
                        [&](uint64_t k) { return log_binomial(c.n, c.p, k); }, low, high, 2000000,
                        "binomial");
  }
  EXPECT_EQ(r.binomial(0, 0.5), 0u);
  EXPECT_EQ(r.binomial(7, 0), 0u);
  EXPECT_EQ(r.binomial(7, 1), 7u);
}

TEST(RandomDraws, PoissonMatchesItsMass) {
  RandomDraws r(12);
  for (const double mean : {0.5, 3.5, 9.99, 10.0, 47.3, 6000.0}) {
    const double spread = std::sqrt(mean);
    const auto low = static_cast<uint64_t>(std::max(0.0, mean - 8 * spread - 1));
    const auto high = static_cast<uint64_t>(mean + 8 * spread + 2);
    expect_matches_mass([&] { return r.poisson(mean); },
                        [&](uint64_t k) { return log_poisson(mean, k); }, low, high, 2000000,
                        "poisson");
  }
}

// Negative binomial: failures before n successes, P(k) = C(n + k − 1, k) p^n (1 − p)^k.
TEST(RandomDraws, NegativeBinomialMatchesItsMass) {
  RandomDraws r(13);
  for (const auto& [n, p] : {std::pair<uint64_t, double>{4400, 0.45}, {3, 0.6}, {50, 0.98}}) {
    const double nd = static_cast<double>(n);
    const double mean = nd * (1 - p) / p, spread = std::sqrt(mean / p);
    const auto low = static_cast<uint64_t>(std::max(0.0, mean - 8 * spread - 1));
    const auto high = static_cast<uint64_t>(mean + 8 * spread + 2);
    expect_matches_mass([&] { return r.negative_binomial(n, p); },
                        [&](uint64_t k) {
                          const double kd = static_cast<double>(k);
                          return std::lgamma(nd + kd) - std::lgamma(kd + 1) - std::lgamma(nd) +
                                 nd * std::log(p) + kd * std::log1p(-p);
                        },
                        low, high, 1000000, "negative binomial");
  }
}

// Kolmogorov–Smirnov distance of sorted draws from a distribution function; √n·D > 2.7 has
// probability about 1e-6 under the null.
void expect_matches_distribution(std::vector<double> draws,
                                 const std::function<double(double)>& cdf, const char* what) {
  std::sort(draws.begin(), draws.end());
  const double n = static_cast<double>(draws.size());
  double distance = 0;
  for (size_t i = 0; i < draws.size(); ++i) {
    const double f = cdf(draws[i]);
    distance =
        std::max({distance, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  EXPECT_LT(std::sqrt(n) * distance, 2.7) << what;
}

std::vector<double> collect(int n, const std::function<double()>& draw) {
  std::vector<double> out(static_cast<size_t>(n));
  for (double& x : out) x = draw();
  return out;
}

TEST(RandomDraws, NormalMatchesItsDistribution) {
  RandomDraws r(14);
  const auto draws = collect(2000000, [&] { return r.normal(); });
  expect_matches_distribution(
      draws, [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2)); }, "normal");
  // The tail beyond the ziggurat's base (3.654) and far beyond it, against the exact share.
  for (const double edge : {3.6541528853610088, 4.5}) {
    const double share = std::erfc(edge / std::sqrt(2));  // both sides
    const double expected = share * static_cast<double>(draws.size());
    const auto seen =
        std::count_if(draws.begin(), draws.end(), [&](double x) { return std::fabs(x) > edge; });
    EXPECT_NEAR(static_cast<double>(seen), expected, 5 * std::sqrt(expected) + 1) << edge;
  }
}

// Gamma with an integer shape a: P(G ≤ x) = P(Poisson(x) ≥ a).
double gamma_integer_cdf(int shape, double x) {
  double term = std::exp(-x), below = 0;
  for (int i = 0; i < shape; ++i) {
    below += term;
    term *= x / (i + 1);
  }
  return 1 - below;
}

TEST(RandomDraws, GammaMatchesItsDistribution) {
  RandomDraws r(15);
  for (const int shape : {1, 2, 7, 60}) {
    expect_matches_distribution(
        collect(500000, [&] { return r.gamma(shape); }),
        [&](double x) { return gamma_integer_cdf(shape, x); }, "gamma");
  }
  // Shapes below one (the boost) and between integers: G(a) + G(b) = G(a + b) in law, so the
  // sum of two non-integer draws must follow the integer shape.
  for (const auto& [a, b] : {std::pair<double, double>{0.25, 1.75}, {2.4, 0.6}, {9.5, 3.5}}) {
    const int total = static_cast<int>(a + b);
    expect_matches_distribution(
        collect(500000, [&] { return r.gamma(a) + r.gamma(b); }),
        [&](double x) { return gamma_integer_cdf(total, x); }, "gamma sum");
  }
}

// Beta with integer shapes: P(B ≤ x) = P(Binomial(a + b − 1, x) ≥ a).
double beta_integer_cdf(int a, int b, double x) {
  const int n = a + b - 1;
  double sum = 0;  // over the shorter side
  if (a <= b) {
    for (int k = 0; k < a; ++k) sum += std::exp(log_binomial(n, x, k));
    return 1 - sum;
  }
  for (int k = a; k <= n; ++k) sum += std::exp(log_binomial(n, x, k));
  return sum;
}

TEST(RandomDraws, BetaMatchesItsDistribution) {
  RandomDraws r(16);
  for (const auto& [a, b] :
       {std::pair<int, int>{1, 1}, {1, 5}, {4, 1}, {2, 3}, {30, 400}, {700, 12}}) {
    expect_matches_distribution(
        collect(400000, [&] { return r.beta(a, b); }),
        [&](double x) { return beta_integer_cdf(a, b, x); }, "beta");
  }
}

// log_gamma, which the samplers use instead of std::lgamma (it writes the global signgam, a
// race between chains), agrees with it from near 0 to 10^9, across the switch to the series at 10.
TEST(RandomDraws, LogGammaAgreesWithTheLibrary) {
  double worst = 0;
  for (double x = 1e-6; x < 1e9; x *= 1.001) {
    const double expected = std::lgamma(x);
    worst = std::max(worst, std::abs(log_gamma(x) - expected) / std::max(1.0, std::abs(expected)));
  }
  for (double x = 9.5; x < 10.5; x += 1e-3) {
    const double expected = std::lgamma(x);
    worst = std::max(worst, std::abs(log_gamma(x) - expected) / std::max(1.0, std::abs(expected)));
  }
  EXPECT_LT(worst, 1e-13);
  // Near its zeros at 1 and 2 the error is absolute: the shift's log 9! cancels the series.
  EXPECT_NEAR(log_gamma(1), 0, 3e-14);
  EXPECT_NEAR(log_gamma(2), 0, 3e-14);
  EXPECT_NEAR(log_gamma(0.5), 0.5 * std::log(M_PI), 3e-14);
}

}  // namespace
}  // namespace athar::estimate
