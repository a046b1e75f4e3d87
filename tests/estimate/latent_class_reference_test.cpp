// The latent-class sampler against a plain one written the way Manrique-Vallier (2016) states
// the Gibbs sampler: each person, documented or not, given a class of their own, with the
// standard library's distributions. Athar's sampler draws how many of a history's people fall in
// each class at once (or, for few people, each person's class from a guide table), with its own
// random draws; in distribution the two must agree, so the posterior medians, means and spreads
// of N must agree within Monte Carlo error.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "estimate/latent_class.h"

namespace athar::estimate {
namespace {

double beta_draw(std::mt19937_64& rng, double a, double b) {
  const double x = std::gamma_distribution<double>(a, 1.0)(rng);
  const double y = std::gamma_distribution<double>(b, 1.0)(rng);
  return x / (x + y);
}

// Draws of N from the per-person sampler.
std::vector<double> per_person_sampler(const CaptureHistories& h, int classes, int burn_in,
                                       int kept, int thinning, uint64_t seed) {
  const size_t lists = h.lists.size(), k_max = static_cast<size_t>(classes);
  std::vector<size_t> history;  // one entry per documented person
  for (size_t c = 1; c < h.counts.size(); ++c)
    for (int i = 0; i < static_cast<int>(h.counts[c]); ++i) history.push_back(c);
  const auto documented = static_cast<uint64_t>(history.size());
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<double> lambda(k_max * lists), pi(k_max, 1.0 / static_cast<double>(k_max));
  for (double& l : lambda) l = unit(rng);
  double alpha = 1;
  std::vector<double> weight(k_max), out;
  std::vector<uint64_t> in_class(k_max), captured(k_max * lists);
  const auto class_of = [&](size_t c) {  // one person's class, by inversion
    double total = 0;
    for (size_t k = 0; k < k_max; ++k) {
      double p = pi[k];
      for (size_t j = 0; j < lists; ++j)
        p *= (c >> j & 1) ? lambda[k * lists + j] : 1 - lambda[k * lists + j];
      weight[k] = p;
      total += p;
    }
    double u = unit(rng) * total;
    for (size_t k = 0; k + 1 < k_max; ++k) {
      u -= weight[k];
      if (u < 0) return k;
    }
    return k_max - 1;
  };
  for (int it = 1; it <= burn_in + kept * thinning; ++it) {
    std::fill(in_class.begin(), in_class.end(), 0);
    std::fill(captured.begin(), captured.end(), 0);
    for (size_t c : history) {
      const size_t k = class_of(c);
      ++in_class[k];
      for (size_t j = 0; j < lists; ++j) captured[k * lists + j] += c >> j & 1;
    }
    double escape = 0;
    for (size_t k = 0; k < k_max; ++k) {
      double p = pi[k];
      for (size_t j = 0; j < lists; ++j) p *= 1 - lambda[k * lists + j];
      escape += p;
    }
    const uint64_t missed =
        std::negative_binomial_distribution<uint64_t>(documented, 1 - escape)(rng);
    for (uint64_t i = 0; i < missed; ++i) ++in_class[class_of(0)];
    for (size_t k = 0; k < k_max; ++k) {
      for (size_t j = 0; j < lists; ++j) {
        const double hit = static_cast<double>(captured[k * lists + j]);
        lambda[k * lists + j] = beta_draw(rng, 1 + hit, 1 + static_cast<double>(in_class[k]) - hit);
      }
    }
    uint64_t later = documented + missed;
    double remaining = 1, log_sum = 0;
    for (size_t k = 0; k + 1 < k_max; ++k) {
      later -= in_class[k];
      const double v = std::min(
          beta_draw(rng, 1 + static_cast<double>(in_class[k]), alpha + static_cast<double>(later)),
          1 - 1e-12);
      pi[k] = v * remaining;
      remaining *= 1 - v;
      log_sum += std::log1p(-v);
    }
    pi[k_max - 1] = remaining;
    alpha = std::gamma_distribution<double>(0.25 + static_cast<double>(k_max) - 1,
                                            1 / (0.25 - log_sum))(rng);
    if (it > burn_in && (it - burn_in) % thinning == 0)
      out.push_back(static_cast<double>(documented + missed));
  }
  return out;
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

TEST(LatentClass, AgreesWithThePerPersonSampler) {
  // Three lists, 302 documented, drawn from two classes (a shy one and a visible one). One run
  // (2,000 burn-in, 3,000 draws at thinning 4) gives a posterior median of N that varies from run
  // to run with a standard deviation of about 9, a mean about 17 and a 10%–90% width about 32 (of
  // 237), alike for both samplers (40 runs each, docs/estimate.md). Six runs of the per-person
  // sampler and sixteen chains of Athar's, pooled: the difference of their medians then has a
  // standard deviation of about 4, of their means about 8, of their widths about 15, and the
  // bounds below are four of those.
  CaptureHistories h;
  h.lists = {"A", "B", "C"};
  h.counts = {0, 60, 50, 20, 45, 18, 15, 94};
  const int classes = 4, burn_in = 2000, kept = 3000, thinning = 4, runs = 6, chains = 16;
  std::vector<double> plain;
  for (int run = 0; run < runs; ++run) {
    const std::vector<double> draws =
        per_person_sampler(h, classes, burn_in, kept, thinning, 7 + static_cast<uint64_t>(run));
    plain.insert(plain.end(), draws.begin(), draws.end());
  }
  LatentClassOptions o;
  o.classes = classes;
  o.burn_in = burn_in;
  o.samples = static_cast<uint64_t>(chains * kept);
  o.thinning = thinning;
  o.chains = chains;
  o.seed = 11;
  const std::vector<double> fast = sample_latent_class(h, o).totals;
  const auto width = [](const std::vector<double>& v) {
    return quantile(v, 0.9) - quantile(v, 0.1);
  };
  std::printf("per-person: median %.0f, mean %.1f, 10%%-90%% width %.0f\n", quantile(plain, 0.5),
              mean(plain), width(plain));
  std::printf("Athar:      median %.0f, mean %.1f, 10%%-90%% width %.0f\n", quantile(fast, 0.5),
              mean(fast), width(fast));
  EXPECT_NEAR(quantile(fast, 0.5), quantile(plain, 0.5), 16);
  EXPECT_NEAR(mean(fast), mean(plain), 32);
  EXPECT_NEAR(width(fast), width(plain), 60);
}

}  // namespace
}  // namespace athar::estimate
