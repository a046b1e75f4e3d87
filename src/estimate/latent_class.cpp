#include "estimate/latent_class.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/parallel.h"
#include "estimate/random_draws.h"

namespace athar::estimate {

namespace {

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

double split_r_hat(const std::vector<std::vector<double>>& chains) {
  // Each chain cut in halves of equal length; R-hat over all halves (Gelman et al. 2013, 11.4).
  size_t half = SIZE_MAX;
  for (const auto& c : chains) half = std::min(half, c.size() / 2);
  if (chains.empty() || half < 2) return NAN;
  std::vector<double> means, variances;
  for (const auto& chain : chains) {
    for (size_t part = 0; part < 2; ++part) {
      const auto begin = chain.begin() + static_cast<long>(part * (chain.size() - half));
      const auto end = begin + static_cast<long>(half);
      const double mean = std::accumulate(begin, end, 0.0) / static_cast<double>(half);
      double v = 0;
      for (auto it = begin; it != end; ++it) v += (*it - mean) * (*it - mean);
      means.push_back(mean);
      variances.push_back(v / static_cast<double>(half - 1));
    }
  }
  const double m = static_cast<double>(means.size()), n = static_cast<double>(half);
  const double w = std::accumulate(variances.begin(), variances.end(), 0.0) / m;
  const double grand = std::accumulate(means.begin(), means.end(), 0.0) / m;
  double b = 0;
  for (double mean : means) b += (mean - grand) * (mean - grand);
  b *= n / (m - 1);
  const double var_plus = (n - 1) / n * w + b / n;
  return w > 0 ? std::sqrt(var_plus / w) : 1.0;
}

double split_r_hat(const std::vector<double>& draws) {
  return split_r_hat(std::vector<std::vector<double>>{draws});
}

namespace {

// One chain of the Gibbs sampler. People with the same capture history are alike, so each
// iteration draws how many of a history's people fall in each class (a multinomial) rather
// than each person's class: the work per iteration is (histories + 1) × K binomial draws and
// (lists + 1) × K beta draws, whatever the number of people.
class Chain {
 public:
  Chain(const CaptureHistories& h, const LatentClassOptions& o, uint64_t seed)
      : lists_(h.lists.size()),
        cells_(h.counts.size()),
        classes_(static_cast<size_t>(o.classes)),
        options_(o),
        draws_(seed),
        counts_(cells_),
        lambda_(classes_ * lists_),
        pi_(classes_, 1.0 / static_cast<double>(classes_)),
        weight_(cells_ * classes_),
        sticks_(classes_),
        split_(classes_),
        in_class_(classes_),
        captured_(classes_ * lists_) {
    for (size_t c = 0; c < cells_; ++c) {
      counts_[c] = static_cast<uint64_t>(h.counts[c]);
      if (c > 0) documented_ += counts_[c];
    }
    for (double& l : lambda_) l = draws_.uniform();
  }

  // Runs burn-in plus `kept` × thinning iterations, appending the kept totals to `out`.
  void run(uint64_t kept, std::vector<double>& out) {
    const uint64_t iterations = options_.burn_in + kept * options_.thinning;
    for (uint64_t it = 1; it <= iterations; ++it) {
      step();
      if (it > options_.burn_in && (it - options_.burn_in) % options_.thinning == 0)
        out.push_back(static_cast<double>(documented_ + missed_));
    }
  }

 private:
  void step() {
    const size_t k_max = classes_;
    // Probability of each history within each class, times the class weight: built list by
    // list, doubling the histories covered.
    for (size_t k = 0; k < k_max; ++k) {
      weight_[k] = pi_[k];
      for (size_t j = 0; j < lists_; ++j) {
        const double l = lambda_[k * lists_ + j];
        const size_t half = size_t{1} << j;
        for (size_t c = 0; c < half; ++c) {
          weight_[(c | half) * k_max + k] = weight_[c * k_max + k] * l;
          weight_[c * k_max + k] *= 1 - l;
        }
      }
    }
    std::fill(in_class_.begin(), in_class_.end(), 0);
    std::fill(captured_.begin(), captured_.end(), 0);
    // 1. Classes of the documented, history by history.
    for (size_t c = 1; c < cells_; ++c) {
      if (counts_[c] == 0) continue;
      multinomial(counts_[c], &weight_[c * k_max]);
      for (size_t k = 0; k < k_max; ++k) {
        if (split_[k] == 0) continue;
        in_class_[k] += split_[k];
        for (size_t j = 0; j < lists_; ++j)
          if (c >> j & 1) captured_[k * lists_ + j] += split_[k];
      }
    }
    // 2. The undocumented: their number given the chance of escaping every list (negative
    //    binomial under the 1/N prior), then their classes.
    double escape = 0;
    for (size_t k = 0; k < k_max; ++k) escape += weight_[k];
    escape = std::clamp(escape, 1e-300, 1 - 1e-15);
    missed_ = draws_.negative_binomial(documented_, 1 - escape);
    multinomial(missed_, &weight_[0]);
    for (size_t k = 0; k < k_max; ++k) in_class_[k] += split_[k];
    // 3. Capture probabilities: Beta(1 + captured, 1 + not captured) within each class.
    for (size_t k = 0; k < k_max; ++k) {
      for (size_t j = 0; j < lists_; ++j) {
        const uint64_t hit = captured_[k * lists_ + j];
        lambda_[k * lists_ + j] =
            draws_.beta(1 + static_cast<double>(hit), 1 + static_cast<double>(in_class_[k] - hit));
      }
    }
    // 4. Stick-breaking weights and 5. the concentration α.
    uint64_t later = documented_ + missed_;
    double remaining = 1, log_sum = 0;
    for (size_t k = 0; k + 1 < k_max; ++k) {
      later -= in_class_[k];
      const double v = std::min(
          draws_.beta(1 + static_cast<double>(in_class_[k]), alpha_ + static_cast<double>(later)),
          1 - 1e-12);
      sticks_[k] = v;
      pi_[k] = v * remaining;
      remaining *= 1 - v;
    }
    pi_[k_max - 1] = remaining;
    // Σ log(1 − V_k) is the log of what the sticks left, unless that underflowed.
    if (remaining > 1e-300) {
      log_sum = std::log(remaining);
    } else {
      for (size_t k = 0; k + 1 < k_max; ++k) log_sum += std::log1p(-sticks_[k]);
    }
    alpha_ = draws_.gamma(options_.alpha_shape + static_cast<double>(k_max) - 1) /
             (options_.alpha_rate - log_sum);
  }

  // n people among the classes with weights w (not normalised), as conditional binomials. The
  // heaviest class comes last and takes whoever is left without a draw: that saves the
  // costliest draw of each history.
  void multinomial(uint64_t n, const double* w) {
    size_t heaviest = 0;
    double rest = 0;  // weight of the classes not yet drawn, the heaviest included
    for (size_t k = 0; k < classes_; ++k) {
      rest += w[k];
      if (w[k] > w[heaviest]) heaviest = k;
    }
    std::fill(split_.begin(), split_.end(), 0);
    for (size_t k = 0; k < classes_ && n > 0; ++k) {
      if (k == heaviest) continue;
      const uint64_t x = draws_.binomial(n, rest > 0 ? std::min(1.0, w[k] / rest) : 0);
      split_[k] = x;
      n -= x;
      rest -= w[k];
    }
    split_[heaviest] += n;
  }

  const size_t lists_, cells_, classes_;
  const LatentClassOptions& options_;
  RandomDraws draws_;
  std::vector<uint64_t> counts_;
  uint64_t documented_ = 0, missed_ = 0;
  double alpha_ = 1;
  std::vector<double> lambda_, pi_, weight_, sticks_;  // lambda_[k * lists + j]
  std::vector<uint64_t> split_, in_class_, captured_;  // captured_[k * lists + j]
};

}  // namespace

LatentClassResult sample_latent_class(const CaptureHistories& h, const LatentClassOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const size_t lists = h.lists.size();
  if (lists < 3)
    throw core::InputError("estimate", "lists", std::to_string(lists), "3 or more lists");
  if (o.classes < 1 || o.classes > 100)
    throw core::InputError("estimate", "classes", std::to_string(o.classes), "1 to 100");
  if (o.chains < 1 || o.chains > 64)
    throw core::InputError("estimate", "chains", std::to_string(o.chains), "1 to 64");
  if (o.samples < 2 * static_cast<uint64_t>(o.chains) || o.thinning < 1)
    throw core::InputError("estimate", "samples", std::to_string(o.samples),
                           "2 or more per chain, thinning 1 or more");
  // The kept draws are shared among the chains; each chain burns in on its own. Chain c's seed
  // depends only on the seed and c, so results do not depend on how many cores ran them.
  const auto chains = static_cast<size_t>(o.chains);
  std::vector<std::vector<double>> kept(chains);
  core::parallel_chunks(core::thread_count(o.threads), chains, [&](unsigned, size_t c) {
    const uint64_t share = o.samples / chains + (c < o.samples % chains ? 1 : 0);
    Chain chain(h, o, o.seed + 0x9e3779b97f4a7c15ULL * c);
    kept[c].reserve(share);
    chain.run(share, kept[c]);
  });
  LatentClassResult result;
  for (const auto& chain : kept)
    result.totals.insert(result.totals.end(), chain.begin(), chain.end());
  result.iterations = o.burn_in * chains + o.samples * o.thinning;
  result.median = quantile(result.totals, 0.5);
  result.low = quantile(result.totals, 0.025);
  result.high = quantile(result.totals, 0.975);
  result.mean = std::accumulate(result.totals.begin(), result.totals.end(), 0.0) /
                static_cast<double>(result.totals.size());
  for (const auto& chain : kept) result.effective_sample_size += effective_sample_size(chain);
  result.split_r_hat = split_r_hat(kept);
  result.chains = std::move(kept);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace athar::estimate
