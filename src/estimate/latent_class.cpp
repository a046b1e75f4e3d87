#include "estimate/latent_class.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"

namespace athar::estimate {

namespace {

// xoshiro256++ (Blackman & Vigna 2019): a fast generator for the sampler's many draws, seeded
// by SplitMix64; meets the standard library's UniformRandomBitGenerator.
class Xoshiro {
 public:
  using result_type = uint64_t;
  explicit Xoshiro(uint64_t seed) {
    for (uint64_t& s : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return UINT64_MAX; }
  result_type operator()() {
    const uint64_t result = rotl(state_[0] + state_[3], 23) + state_[0];
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

using Rng = Xoshiro;

double beta_draw(Rng& rng, double a, double b) {
  const double x = std::gamma_distribution<double>(a, 1.0)(rng);
  const double y = std::gamma_distribution<double>(b, 1.0)(rng);
  return x / (x + y);
}

// n draws among categories with weights w (not normalised), as conditional binomials taken in
// order of weight, heaviest first, so that the draws left run out after few categories.
void multinomial(Rng& rng, uint64_t n, const std::vector<double>& w, std::vector<uint64_t>& out) {
  thread_local std::vector<size_t> order;
  order.resize(w.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return w[a] > w[b]; });
  double mass = std::accumulate(w.begin(), w.end(), 0.0);
  out.assign(w.size(), 0);
  for (size_t i = 0; i + 1 < order.size() && n > 0; ++i) {
    const size_t k = order[i];
    const double p = mass > 0 ? std::clamp(w[k] / mass, 0.0, 1.0) : 0;
    const uint64_t x = p >= 1 ? n : std::binomial_distribution<uint64_t>(n, p)(rng);
    out[k] = x;
    n -= x;
    mass -= w[k];
  }
  out[order.back()] += n;
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double at = q * static_cast<double>(v.size() - 1);
  const size_t i = static_cast<size_t>(at);
  return i + 1 < v.size() ? v[i] + (at - static_cast<double>(i)) * (v[i + 1] - v[i]) : v[i];
}

}  // namespace

double effective_sample_size(const std::vector<double>& draws) {
  const size_t n = draws.size();
  if (n < 4) return static_cast<double>(n);
  const double mean = std::accumulate(draws.begin(), draws.end(), 0.0) / static_cast<double>(n);
  double variance = 0;
  for (double d : draws) variance += (d - mean) * (d - mean);
  variance /= static_cast<double>(n);
  if (variance <= 0) return static_cast<double>(n);
  const auto autocorrelation = [&](size_t lag) {
    double s = 0;
    for (size_t i = 0; i + lag < n; ++i) s += (draws[i] - mean) * (draws[i + lag] - mean);
    return s / (static_cast<double>(n) * variance);
  };
  // Geyer's initial positive sequence: sum pairs of autocorrelations while positive.
  double sum = 0;
  for (size_t lag = 1; lag + 1 < n; lag += 2) {
    const double pair = autocorrelation(lag) + autocorrelation(lag + 1);
    if (pair <= 0) break;
    sum += pair;
  }
  const double tau = 1 + 2 * sum;
  return std::min(static_cast<double>(n), static_cast<double>(n) / tau);
}

double split_r_hat(const std::vector<double>& draws) {
  const size_t half = draws.size() / 2;
  if (half < 2) return NAN;
  double means[2], variances[2];
  for (int c = 0; c < 2; ++c) {
    const auto begin = draws.begin() + static_cast<long>(c * half);
    means[c] =
        std::accumulate(begin, begin + static_cast<long>(half), 0.0) / static_cast<double>(half);
    double v = 0;
    for (auto it = begin; it != begin + static_cast<long>(half); ++it)
      v += (*it - means[c]) * (*it - means[c]);
    variances[c] = v / static_cast<double>(half - 1);
  }
  const double w = (variances[0] + variances[1]) / 2;
  const double grand = (means[0] + means[1]) / 2;
  const double b = static_cast<double>(half) * ((means[0] - grand) * (means[0] - grand) +
                                                (means[1] - grand) * (means[1] - grand));
  const double var_plus = (static_cast<double>(half) - 1) / static_cast<double>(half) * w +
                          b / static_cast<double>(half);
  return w > 0 ? std::sqrt(var_plus / w) : 1.0;
}

LatentClassResult sample_latent_class(const CaptureHistories& h, const LatentClassOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const size_t lists = h.lists.size(), cells = h.counts.size();
  const size_t k_max = static_cast<size_t>(o.classes);
  if (lists < 3)
    throw core::InputError("estimate", "lists", std::to_string(lists), "3 or more lists");
  if (o.classes < 1 || o.classes > 100)
    throw core::InputError("estimate", "classes", std::to_string(o.classes), "1 to 100");
  if (o.samples < 2 || o.thinning < 1)
    throw core::InputError("estimate", "samples", std::to_string(o.samples),
                           "2 or more, thinning 1 or more");
  const uint64_t documented = static_cast<uint64_t>(h.documented());
  Rng rng(o.seed);
  // State: capture probabilities λ[j][k], stick weights, α, and the undocumented count.
  std::vector<std::vector<double>> lambda(lists, std::vector<double>(k_max, 0.5));
  for (auto& row : lambda) {
    for (double& l : row) l = beta_draw(rng, 1, 1);
  }
  std::vector<double> pi(k_max, 1.0 / static_cast<double>(k_max)), v(k_max, 0);
  double alpha = 1;
  uint64_t missed = documented;
  // Work space: per class, people and people captured by each list.
  std::vector<uint64_t> in_class(k_max), split;
  std::vector<std::vector<double>> captured(lists, std::vector<double>(k_max));
  std::vector<double> weight(k_max);
  LatentClassResult result;
  const uint64_t total_iterations = o.burn_in + o.samples * o.thinning;
  for (uint64_t it = 1; it <= total_iterations; ++it) {
    std::fill(in_class.begin(), in_class.end(), 0);
    for (auto& row : captured) std::fill(row.begin(), row.end(), 0.0);
    // 1. Classes of the documented, history by history (people with one history are alike).
    for (size_t c = 1; c < cells; ++c) {
      const auto n = static_cast<uint64_t>(h.counts[c]);
      if (n == 0) continue;
      for (size_t k = 0; k < k_max; ++k) {
        double p = pi[k];
        for (size_t j = 0; j < lists; ++j) p *= (c >> j & 1) ? lambda[j][k] : 1 - lambda[j][k];
        weight[k] = p;
      }
      multinomial(rng, n, weight, split);
      for (size_t k = 0; k < k_max; ++k) {
        in_class[k] += split[k];
        for (size_t j = 0; j < lists; ++j)
          captured[j][k] += (c >> j & 1) ? static_cast<double>(split[k]) : 0;
      }
    }
    // 2. The undocumented: their number given the chance of escaping every list (negative
    //    binomial under the 1/N prior), then their classes.
    double escape = 0;
    for (size_t k = 0; k < k_max; ++k) {
      double p = pi[k];
      for (size_t j = 0; j < lists; ++j) p *= 1 - lambda[j][k];
      weight[k] = p;
      escape += p;
    }
    escape = std::clamp(escape, 1e-300, 1 - 1e-15);
    missed = std::negative_binomial_distribution<uint64_t>(documented, 1 - escape)(rng);
    multinomial(rng, missed, weight, split);
    for (size_t k = 0; k < k_max; ++k) in_class[k] += split[k];
    // 3. Capture probabilities: Beta(1 + captured, 1 + not captured) within each class.
    for (size_t j = 0; j < lists; ++j) {
      for (size_t k = 0; k < k_max; ++k) {
        lambda[j][k] = beta_draw(rng, 1 + captured[j][k],
                                 1 + static_cast<double>(in_class[k]) - captured[j][k]);
      }
    }
    // 4. Stick-breaking weights and 5. the concentration α.
    uint64_t later = std::accumulate(in_class.begin(), in_class.end(), uint64_t{0});
    double remaining = 1, log_sum = 0;
    for (size_t k = 0; k + 1 < k_max; ++k) {
      later -= in_class[k];
      v[k] =
          beta_draw(rng, 1 + static_cast<double>(in_class[k]), alpha + static_cast<double>(later));
      v[k] = std::min(v[k], 1 - 1e-12);
      pi[k] = v[k] * remaining;
      remaining *= 1 - v[k];
      log_sum += std::log1p(-v[k]);
    }
    pi[k_max - 1] = remaining;
    alpha = std::gamma_distribution<double>(o.alpha_shape + static_cast<double>(k_max) - 1,
                                            1 / (o.alpha_rate - log_sum))(rng);
    if (it > o.burn_in && (it - o.burn_in) % o.thinning == 0)
      result.totals.push_back(static_cast<double>(documented + missed));
  }
  result.iterations = total_iterations;
  result.median = quantile(result.totals, 0.5);
  result.low = quantile(result.totals, 0.025);
  result.high = quantile(result.totals, 0.975);
  result.mean = std::accumulate(result.totals.begin(), result.totals.end(), 0.0) /
                static_cast<double>(result.totals.size());
  result.effective_sample_size = effective_sample_size(result.totals);
  result.split_r_hat = split_r_hat(result.totals);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace athar::estimate
