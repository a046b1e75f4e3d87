#include "estimate/latent_class.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>
#include <span>

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

void swap_adjacent_labels(std::span<uint64_t> in_class, std::span<double> lambda, size_t lists,
                          double alpha, RandomDraws& draws, std::span<uint64_t> work) {
  const size_t k_max = in_class.size();
  // work[k]: people in the classes after k + 1 (swaps at k or before do not change it).
  uint64_t after = 0;
  for (size_t k = k_max - 1; k-- > 0;) {
    work[k] = after;
    after += in_class[k + 1];
  }
  for (size_t k = 0; k + 1 < k_max; ++k) {
    const double first = static_cast<double>(in_class[k]),
                 second = static_cast<double>(in_class[k + 1]);
    if (first == second) continue;  // the swap would change nothing that matters
    // The prior of the class sizes with the sticks integrated out is
    // Π_k<K B(1 + n_k, α + n_k+1 + … + n_K) / B(1, α): a swap of k and k + 1 changes two
    // factors, whose ratio reduces to (α + r + n_k+1) / (α + r + n_k), r the people after
    // k + 1; before the last class (the remainder, which has no factor) to Gamma functions.
    double log_ratio;
    if (k + 2 < k_max) {
      const double rest = alpha + static_cast<double>(work[k]);
      log_ratio = std::log((rest + second) / (rest + first));
    } else {
      log_ratio = log_gamma(1 + second) + log_gamma(alpha + first) - log_gamma(1 + first) -
                  log_gamma(alpha + second);
    }
    if (log_ratio < 0 && std::log(draws.uniform()) >= log_ratio) continue;
    std::swap(in_class[k], in_class[k + 1]);
    for (size_t j = 0; j < lists; ++j) std::swap(lambda[j * k_max + k], lambda[j * k_max + k + 1]);
  }
}

std::vector<double> log_factorial_table(size_t size) {
  std::vector<double> table(size);
  for (size_t k = 0; k < size; ++k) table[k] = log_gamma(static_cast<double>(k) + 1);
  return table;
}

namespace {

double log_factorial(std::span<const double> table, uint64_t k) {
  return k < table.size() ? table[k] : log_gamma(static_cast<double>(k) + 1);
}

}  // namespace

void move_undocumented(std::span<uint64_t> in_class, std::span<uint64_t> undocumented,
                       std::span<const uint64_t> captured, size_t lists, double alpha,
                       RandomDraws& draws, std::span<const double> log_factorials,
                       std::span<double> work) {
  const size_t k_max = in_class.size();
  const auto log_factorial_of = [&](uint64_t k) { return log_factorial(log_factorials, k); };
  // work[i]: people in classes i and after; work[K + j]: class k's captures by list j.
  double* tail = work.data();
  double* captured_by_list = work.data() + k_max;
  double after = 0;
  for (size_t i = k_max; i-- > 0;) tail[i] = after += static_cast<double>(in_class[i]);
  double log_gamma_alpha_total = log_gamma(alpha + tail[0]);
  for (size_t k = 0; k < k_max; ++k) {
    const bool last = k + 1 == k_max;
    const uint64_t m = undocumented[k], n = in_class[k];
    const uint64_t total = static_cast<uint64_t>(tail[0]);
    for (size_t j = 0; j < lists; ++j)
      captured_by_list[j] = static_cast<double>(captured[j * k_max + k]);
    // Proposals step uniformly within a window of three of the conditional's standard
    // deviations, from its curvature (the small terms of the denominators left out; m_k + 1
    // where it is not concave: classes of undocumented only have a power-law tail). The window
    // depends on m_k, hence the ratio of the windows in the acceptance.
    const auto window = [&](double moved, double people, double everyone) {
      double curvature = 1 / (moved + 1) - 1 / everyone + 1 / (alpha + everyone) -
                         (last ? 1 / (alpha + people) : 1 / (1 + people));
      for (size_t j = 0; j < lists; ++j)
        curvature -= 1 / (1 + people - captured_by_list[j]) - 1 / (2 + people);
      const double flat = moved + 1;
      const double spread = curvature * flat * flat > 1 ? 1 / std::sqrt(curvature) : flat;
      return std::max(1.0, std::floor(3 * spread));
    };
    const double width = window(static_cast<double>(m), static_cast<double>(n), tail[0]);
    const double u = draws.uniform() * 2 * width;
    const double step = u < width ? -1 - std::floor(u) : 1 + std::floor(u - width);
    if (step < 0 && -step > static_cast<double>(m)) continue;
    const double width_back =
        window(static_cast<double>(m) + step, static_cast<double>(n) + step, tail[0] + step);
    if (std::abs(step) > width_back) continue;
    const auto moved = [&](uint64_t count) {
      return static_cast<uint64_t>(static_cast<int64_t>(count) + static_cast<int64_t>(step));
    };
    const uint64_t m2 = moved(m), n2 = moved(n), total2 = moved(total);
    const double log_gamma_alpha_total2 = log_gamma(alpha + static_cast<double>(total2));
    double log_ratio = std::log(width / width_back) + log_factorial_of(total2 - 1) -
                       log_factorial_of(total - 1) - log_gamma_alpha_total2 +
                       log_gamma_alpha_total + log_factorial_of(m) - log_factorial_of(m2);
    log_ratio += last ? log_gamma(alpha + static_cast<double>(n2)) -
                            log_gamma(alpha + static_cast<double>(n))
                      : log_factorial_of(n2) - log_factorial_of(n);
    double growth = 1;  // of the denominators α + n_i + … + n_K, i ≤ k
    for (size_t i = 0; i <= k && i + 1 < k_max; ++i)
      growth *= (alpha + tail[i] + step) / (alpha + tail[i]);
    log_ratio -= std::log(growth);
    for (size_t j = 0; j < lists; ++j) {
      const uint64_t escaped = n - captured[j * k_max + k];
      log_ratio += log_factorial_of(moved(escaped)) - log_factorial_of(escaped);
    }
    log_ratio -= static_cast<double>(lists) * (log_factorial_of(n2 + 1) - log_factorial_of(n + 1));
    if (log_ratio < 0 && std::log(draws.uniform()) >= log_ratio) continue;
    undocumented[k] = m2;
    in_class[k] = n2;
    for (size_t i = 0; i <= k; ++i) tail[i] += step;
    log_gamma_alpha_total = log_gamma_alpha_total2;
  }
}

double undocumented_log_target(std::span<const uint64_t> in_class,
                               std::span<const uint64_t> undocumented,
                               std::span<const uint64_t> captured, size_t lists, double alpha) {
  const size_t k_max = in_class.size();
  double total = 0;
  for (uint64_t n : in_class) total += static_cast<double>(n);
  double l = std::lgamma(total) - std::lgamma(alpha + total);
  double rest = total;  // people in class k and after
  for (size_t k = 0; k < k_max; ++k) {
    const double n = static_cast<double>(in_class[k]);
    l -= std::lgamma(static_cast<double>(undocumented[k]) + 1);
    if (k + 1 < k_max) {
      l += std::lgamma(1 + n) - std::log(alpha + rest);
    } else {
      l += std::lgamma(alpha + n);
    }
    rest -= n;
    for (size_t j = 0; j < lists; ++j) {
      const double c = static_cast<double>(captured[j * k_max + k]);
      l += std::lgamma(1 + c) + std::lgamma(1 + n - c) - std::lgamma(2 + n);
    }
  }
  return l;
}

namespace {

// One chain of the Gibbs sampler. People with the same capture history are alike, so each
// iteration draws how many of a history's people fall in each class (a multinomial) rather
// than each person's class: the work per iteration is at most (histories + 1) × K binomial draws
// and (lists + 1) × K beta draws, whatever the number of people.
class Chain {
 public:
  Chain(const CaptureHistories& h, const LatentClassOptions& o, size_t number, uint64_t seed)
      : number_(number),
        lists_(h.lists.size()),
        cells_(h.counts.size()),
        classes_(static_cast<size_t>(o.classes)),
        options_(o),
        draws_(seed),
        counts_(cells_),
        lambda_(classes_ * lists_),
        pi_(classes_, 1.0 / static_cast<double>(classes_)),
        weight_(cells_ * classes_),
        sticks_(classes_),
        table_(cells_ * classes_),
        in_class_(classes_),
        captured_(lists_ * classes_),
        cumulative_(classes_),
        guide_(2 * classes_),
        by_binomials_(cells_),
        suffix_(classes_),
        move_work_(classes_ * (lists_ + 1)) {
    for (size_t c = 0; c < cells_; ++c) {
      counts_[c] = static_cast<uint64_t>(h.counts[c]);
      if (c > 0) documented_ += counts_[c];
    }
    // Counts stay below N, which rarely exceeds a few times the documented.
    log_factorials_ =
        log_factorial_table(std::min<uint64_t>(uint64_t{1} << 21, 16 * documented_ + 1024));
    // The reference implementation's start (LCMCR): every class alike, capturing at the lists'
    // rates among the documented, and nearly all weight in the first class, from which the
    // chain opens classes as the data ask. From random capture probabilities and equal weights
    // a chain could begin with its largest class at a late label and stay in a second mode of
    // the truncated model (that class last, α large, every class occupied; bench/RESULTS.md).
    for (size_t j = 0; j < lists_; ++j) {
      uint64_t captured = 0;
      for (size_t c = 1; c < cells_; ++c)
        if (c >> j & 1) captured += counts_[c];
      const double rate =
          documented_ ? static_cast<double>(captured) / static_cast<double>(documented_) : 0.5;
      for (size_t k = 0; k < classes_; ++k) lambda_[j * classes_ + k] = rate;
    }
    for (size_t k = 0; k < classes_; ++k)
      pi_[k] = k == 0 ? (classes_ == 1 ? 1.0 : 0.9) : 0.1 / static_cast<double>(classes_ - 1);
  }

  // Runs burn-in plus `kept` × thinning iterations, appending the kept totals to `totals`, the
  // number of classes occupied at each to `occupied` and the concentration α to `alphas`.
  // `progress` (the caller's thread only) hears how far this chain is; when it throws, `stop`
  // tells the other chains to end too.
  void run(uint64_t kept, std::vector<double>& totals, std::vector<int>& occupied,
           std::vector<double>& alphas, const core::Progress* progress, std::atomic<bool>& stop) {
    const uint64_t iterations = options_.burn_in + kept * options_.thinning;
    for (uint64_t it = 1; it <= iterations; ++it) {
      if (it % 1024 == 0) {
        if (stop) return;
        if (progress) {
          try {
            (*progress)(static_cast<double>(it) / static_cast<double>(iterations), "sampling");
          } catch (...) {
            stop = true;
            throw;
          }
        }
      }
      if (options_.on_iteration) {
        const auto started = std::chrono::steady_clock::now();
        step();
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        options_.on_iteration(number_, occupied_classes(), took.count());
      } else {
        step();
      }
      if (it > options_.burn_in && (it - options_.burn_in) % options_.thinning == 0) {
        totals.push_back(static_cast<double>(documented_ + missed_));
        occupied.push_back(occupied_classes());
        alphas.push_back(alpha_);
      }
    }
  }

 private:
  void step() {
    const size_t k_max = classes_;
    // Probability of each history within each class, times the class weight: built list by
    // list, doubling the histories covered. Row c of weight_ holds history c's classes.
    for (size_t k = 0; k < k_max; ++k) weight_[k] = pi_[k];
    for (size_t j = 0; j < lists_; ++j) {
      const double* l = &lambda_[j * k_max];
      const size_t half = size_t{1} << j;
      for (size_t c = 0; c < half; ++c) {
        double* without = &weight_[c * k_max];
        double* with = &weight_[(c | half) * k_max];
        for (size_t k = 0; k < k_max; ++k) {
          with[k] = without[k] * l[k];
          without[k] *= 1 - l[k];
        }
      }
    }
    // 1. The undocumented: their number given the chance of escaping every list (negative
    //    binomial under the 1/N prior). 2. Everyone's classes, history by history (history 0:
    //    the undocumented), into row c of table_.
    double escape = 0;
    for (size_t k = 0; k < k_max; ++k) escape += weight_[k];
    escape = std::clamp(escape, 1e-300, 1 - 1e-15);
    missed_ = draws_.negative_binomial(documented_, 1 - escape);
    std::fill(table_.begin(), table_.end(), 0);
    size_t pending = 0;
    for (size_t c = 0; c < cells_; ++c) {
      const uint64_t n = people(c);
      if (n == 0) continue;
      if (cheaper_one_by_one(n, &weight_[c * k_max])) {
        one_by_one(n, &weight_[c * k_max], &table_[c * k_max]);
      } else {
        by_binomials_[pending++] = c;
      }
    }
    size_t i = 0;
    for (; i + kInterleaved <= pending; i += kInterleaved)
      split_by_binomials<kInterleaved>(&by_binomials_[i]);
    for (; i < pending; ++i) split_by_binomials<1>(&by_binomials_[i]);
    // Class sizes and, per list, how many of each class it captured.
    std::fill(in_class_.begin(), in_class_.end(), 0);
    std::fill(captured_.begin(), captured_.end(), 0);
    for (size_t c = 0; c < cells_; ++c) {
      const uint64_t* row = &table_[c * k_max];
      for (size_t k = 0; k < k_max; ++k) in_class_[k] += row[k];
      for (size_t j = 0; j < lists_; ++j) {
        if ((c >> j & 1) == 0) continue;
        uint64_t* hits = &captured_[j * k_max];
        for (size_t k = 0; k < k_max; ++k) hits[k] += row[k];
      }
    }
    // 2b. Each class's undocumented moved with λ and π integrated out: Gibbs updates alone
    //     move N slowly, the undocumented and the capture probabilities holding each other.
    if (options_.collapsed_moves && documented_ > 0) {
      move_undocumented(in_class_, std::span<uint64_t>(table_.data(), k_max), captured_, lists_,
                        alpha_, draws_, log_factorials_, move_work_);
      missed_ =
          std::accumulate(table_.begin(), table_.begin() + static_cast<long>(k_max), uint64_t{0});
    }
    // 3. Capture probabilities: Beta(1 + captured, 1 + not captured) within each class.
    for (size_t k = 0; k < k_max; ++k) {
      for (size_t j = 0; j < lists_; ++j) {
        const uint64_t hit = captured_[j * k_max + k];
        lambda_[j * k_max + k] =
            draws_.beta(1 + static_cast<double>(hit), 1 + static_cast<double>(in_class_[k] - hit));
      }
    }
    swap_adjacent_labels(in_class_, lambda_, lists_, alpha_, draws_, suffix_);
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

  int occupied_classes() const {
    return static_cast<int>(
        std::count_if(in_class_.begin(), in_class_.end(), [](uint64_t n) { return n > 0; }));
  }

  uint64_t people(size_t history) const { return history == 0 ? missed_ : counts_[history]; }

  // Whether drawing each of n people's class on its own costs less than a binomial per class.
  // The costs are rough measurements: a binomial whose mean is below 0.02 is nearly always
  // decided by one uniform (3 ns), below 1 about 20 ns, above about 45 ns; a person 4 to 6 ns
  // (4 timed best on the Kosovo chains).
  bool cheaper_one_by_one(uint64_t n, const double* w) const {
    double total = 0;
    for (size_t k = 0; k < classes_; ++k) total += w[k];
    if (!(total > 0)) return false;  // every class impossible (rounding): left to the binomials
    const double to_mean = static_cast<double>(n) / total;
    double binomials_ns = 0;
    for (size_t k = 0; k < classes_; ++k) {
      const double mean = w[k] * to_mean;
      binomials_ns += 3 + 17 * (mean >= 0.02) + 25 * (mean >= 1);
    }
    return static_cast<double>(n) * 4 + 2 * static_cast<double>(classes_) < binomials_ns;
  }

  // n people's classes drawn one by one from the weights w (not normalised), counted into
  // `out`. A guide table (Chen & Asau 1974) starts each search at most a class or two short.
  void one_by_one(uint64_t n, const double* w, uint64_t* out) {
    const size_t last = classes_ - 1, slots = guide_.size();
    double total = 0;
    for (size_t k = 0; k < classes_; ++k) cumulative_[k] = total += w[k];
    cumulative_[last] = HUGE_VAL;  // the last class takes any rounding beyond the total
    // Slot s covers [s·width, (s + 1)·width) and starts at the first class it reaches into; its
    // edge is taken a few roundings low, so that no u that lands in it lies below that class.
    const double width = total / static_cast<double>(slots), to_slot = 1 / width;
    const double edge_width = width * (1 - 1e-15);
    size_t s = 0;
    for (size_t k = 0; k < last; ++k)
      for (; s < slots && static_cast<double>(s) * edge_width < cumulative_[k]; ++s) guide_[s] = k;
    for (; s < slots; ++s) guide_[s] = last;
    for (; n > 0; --n) {
      const double u = draws_.uniform() * total;
      size_t k = guide_[std::min(slots - 1, static_cast<size_t>(u * to_slot))];
      k += u >= cumulative_[k];  // two steps without a branch, which is nearly always enough
      k += u >= cumulative_[k];
      while (u >= cumulative_[k]) ++k;
      ++out[k];
    }
  }

  // The multinomials of G histories as conditional binomials, class by class. The heaviest
  // class of each comes last and takes whoever is left without a draw, which saves the costliest
  // draw. The G histories' draws are independent and interleaved, so that one's draw proceeds
  // while another's waits on a division.
  template <size_t G>
  void split_by_binomials(const size_t* histories) {
    uint64_t n[G], *out[G];
    const double* w[G];
    double rest[G];  // weight of the classes not yet drawn, the heaviest included
    size_t heaviest[G];
    for (size_t g = 0; g < G; ++g) {
      n[g] = people(histories[g]);
      w[g] = &weight_[histories[g] * classes_];
      out[g] = &table_[histories[g] * classes_];
      rest[g] = 0;
      heaviest[g] = 0;
      for (size_t k = 0; k < classes_; ++k) {
        rest[g] += w[g][k];
        if (w[g][k] > w[g][heaviest[g]]) heaviest[g] = k;
      }
    }
    for (size_t k = 0; k < classes_; ++k) {
      for (size_t g = 0; g < G; ++g) {
        if (k == heaviest[g] || n[g] == 0) continue;
        // Where every weight is 0 (rounding), 0/0 makes min() pick 1: a valid, arbitrary split.
        const uint64_t x = draws_.binomial(n[g], std::min(1.0, w[g][k] / rest[g]));
        out[g][k] = x;
        n[g] -= x;
        rest[g] -= w[g][k];
      }
    }
    for (size_t g = 0; g < G; ++g) out[g][heaviest[g]] += n[g];
  }

  static constexpr size_t kInterleaved = 4;
  const size_t number_, lists_, cells_, classes_;
  const LatentClassOptions& options_;
  RandomDraws draws_;
  std::vector<uint64_t> counts_;
  uint64_t documented_ = 0, missed_ = 0;
  double alpha_ = 1;
  std::vector<double> lambda_, pi_, weight_, sticks_;  // lambda_[j * K + k], weight_[c * K + k]
  std::vector<uint64_t> table_, in_class_, captured_;  // table_[c * K + k], captured_[j * K + k]
  std::vector<double> cumulative_;                     // one_by_one's work space
  std::vector<size_t> guide_, by_binomials_;
  std::vector<uint64_t> suffix_;                    // swap_adjacent_labels' work space
  std::vector<double> log_factorials_, move_work_;  // move_undocumented's
};

}  // namespace

std::vector<std::string> mixing_warnings(const LatentClassResult& r, const LatentClassOptions& o) {
  std::vector<std::string> out;
  const auto percent = [](double share) { return std::to_string(std::lround(100 * share)) + "%"; };
  const auto& shares = r.chain_all_occupied_share;
  if (shares.size() >= 2) {
    const auto [fewest, most] = std::minmax_element(shares.begin(), shares.end());
    // Mixing chains on the same data differ by a few points (0.17-0.29 over 20 seeds at K = 10
    // on the Kosovo lists); a chain held in another mode differs by tens.
    if (*most - *fewest > 0.25) {
      out.push_back("the chains disagree in how often all " + std::to_string(o.classes) +
                    " classes are occupied (chain " + std::to_string(fewest - shares.begin() + 1) +
                    ": " + percent(*fewest) + " of its draws, chain " +
                    std::to_string(most - shares.begin() + 1) + ": " + percent(*most) +
                    "): one may be held in another mode; run longer (more burn-in and samples) "
                    "and compare");
    }
  }
  const uint64_t per_chain = o.samples / static_cast<uint64_t>(std::max(1, o.chains)) * o.thinning;
  for (size_t c = 0; c < r.chain_longest_stretch.size(); ++c) {
    if (per_chain > 0 && 4 * r.chain_longest_stretch[c] > per_chain) {
      out.push_back("chain " + std::to_string(c + 1) + " kept one number of occupied classes for " +
                    std::to_string(r.chain_longest_stretch[c]) + " of its " +
                    std::to_string(per_chain) +
                    " kept iterations: it may not be moving; run longer (more samples)");
    }
  }
  if (r.all_occupied_share > 0.5) {
    out.push_back("all " + std::to_string(o.classes) + " classes were occupied in " +
                  percent(r.all_occupied_share) +
                  " of the draws: the truncation may bind; run with more classes");
  }
  return out;
}

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
  std::vector<std::vector<int>> occupied(chains);
  std::vector<std::vector<double>> alphas(chains);
  std::atomic<bool> stop{false};  // a cancelled progress stops every chain
  const unsigned threads = core::thread_count(o.threads);
  core::parallel_chunks(threads, chains, [&](unsigned thread, size_t c) {
    const uint64_t share = o.samples / chains + (c < o.samples % chains ? 1 : 0);
    Chain chain(h, o, c, o.seed + 0x9e3779b97f4a7c15ULL * c);
    kept[c].reserve(share);
    occupied[c].reserve(share);
    alphas[c].reserve(share);
    // The caller's thread tells the progress: chains run in rounds of one per thread, alike.
    const double rounds = std::ceil(static_cast<double>(chains) / threads);
    const double round = std::floor(static_cast<double>(c) / threads);
    const core::Progress part = o.progress.part(round / rounds, (round + 1) / rounds);
    chain.run(share, kept[c], occupied[c], alphas[c], thread == 0 && o.progress ? &part : nullptr,
              stop);
  });
  LatentClassResult result;
  for (size_t c = 0; c < chains; ++c) {
    result.totals.insert(result.totals.end(), kept[c].begin(), kept[c].end());
    result.occupied.insert(result.occupied.end(), occupied[c].begin(), occupied[c].end());
    result.alphas.insert(result.alphas.end(), alphas[c].begin(), alphas[c].end());
  }
  for (size_t c = 0; c < chains; ++c) {
    uint64_t full = 0, run = 0, longest = 0;
    for (size_t i = 0; i < occupied[c].size(); ++i) {
      full += occupied[c][i] == o.classes;
      // All K occupied throughout is the truncation's warning, not this one.
      run = occupied[c][i] == o.classes                     ? 0
            : i > 0 && occupied[c][i] == occupied[c][i - 1] ? run + 1
                                                            : 1;
      longest = std::max(longest, run);
    }
    result.chain_all_occupied_share.push_back(
        occupied[c].empty() ? 0
                            : static_cast<double>(full) / static_cast<double>(occupied[c].size()));
    result.chain_longest_stretch.push_back(longest * o.thinning);
  }
  result.occupied_median =
      quantile(std::vector<double>(result.occupied.begin(), result.occupied.end()), 0.5);
  result.all_occupied_share =
      static_cast<double>(std::count(result.occupied.begin(), result.occupied.end(), o.classes)) /
      static_cast<double>(result.occupied.size());
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
