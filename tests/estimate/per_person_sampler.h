// A plain latent-class sampler written the way Manrique-Vallier (2016) states the Gibbs sampler:
// each person, documented or not, given a class of their own, with the standard library's
// distributions. The oracle Athar's sampler is checked against (tests/estimate and
// bench/latent_class_mixing): in distribution the two must agree.
//
// `concentrated_start`: the chain starts as the reference implementation (LCMCR) does, every
// class alike at the lists' capture rates and nearly everyone's weight in the first class;
// otherwise from random capture probabilities and equal weights.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "estimate/loglinear.h"

namespace athar::estimate::testing {

struct PlainDraws {
  std::vector<double> totals;  // N at each kept draw
  std::vector<int> occupied;   // classes holding anyone at each kept draw
  std::vector<double> alphas;  // the concentration α at each kept draw
};

inline double plain_beta(std::mt19937_64& rng, double a, double b) {
  const double x = std::gamma_distribution<double>(a, 1.0)(rng);
  const double y = std::gamma_distribution<double>(b, 1.0)(rng);
  return x / (x + y);
}

inline PlainDraws per_person_sampler(const CaptureHistories& h, int classes, int burn_in, int kept,
                                     int thinning, uint64_t seed, bool concentrated_start) {
  const size_t lists = h.lists.size(), k_max = static_cast<size_t>(classes);
  std::vector<size_t> history;  // one entry per documented person
  for (size_t c = 1; c < h.counts.size(); ++c)
    for (int i = 0; i < static_cast<int>(h.counts[c]); ++i) history.push_back(c);
  const auto documented = static_cast<uint64_t>(history.size());
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<double> lambda(k_max * lists), pi(k_max, 1.0 / static_cast<double>(k_max));
  if (concentrated_start) {
    for (size_t j = 0; j < lists; ++j) {
      double on = 0;
      for (size_t c : history) on += static_cast<double>(c >> j & 1);
      for (size_t k = 0; k < k_max; ++k)
        lambda[k * lists + j] = on / static_cast<double>(documented);
    }
    for (size_t k = 0; k < k_max; ++k) pi[k] = k == 0 ? 0.9 : 0.1 / static_cast<double>(k_max - 1);
  } else {
    for (double& l : lambda) l = unit(rng);
  }
  double alpha = 1;
  std::vector<double> weight(k_max);
  std::vector<uint64_t> in_class(k_max), captured(k_max * lists);
  PlainDraws out;
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
        lambda[k * lists + j] =
            plain_beta(rng, 1 + hit, 1 + static_cast<double>(in_class[k]) - hit);
      }
    }
    uint64_t later = documented + missed;
    double remaining = 1, log_sum = 0;
    for (size_t k = 0; k + 1 < k_max; ++k) {
      later -= in_class[k];
      const double v = std::min(
          plain_beta(rng, 1 + static_cast<double>(in_class[k]), alpha + static_cast<double>(later)),
          1 - 1e-12);
      pi[k] = v * remaining;
      remaining *= 1 - v;
      log_sum += std::log1p(-v);
    }
    pi[k_max - 1] = remaining;
    alpha = std::gamma_distribution<double>(0.25 + static_cast<double>(k_max) - 1,
                                            1 / (0.25 - log_sum))(rng);
    if (it > burn_in && (it - burn_in) % thinning == 0) {
      out.totals.push_back(static_cast<double>(documented + missed));
      out.occupied.push_back(static_cast<int>(
          std::count_if(in_class.begin(), in_class.end(), [](uint64_t n) { return n > 0; })));
      out.alphas.push_back(alpha);
    }
  }
  return out;
}

}  // namespace athar::estimate::testing
