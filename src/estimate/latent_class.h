// Bayesian non-parametric latent-class capture–recapture (Manrique-Vallier 2016, Biometrics
// 72(4)): the model human-rights statisticians use for Syria (docs/estimate.md).
//
// Each person, documented or not, belongs to one of at most K latent classes; within a class the
// lists capture independently with probabilities λ_jk. Class weights follow a truncated
// Dirichlet process (stick-breaking with concentration α ~ Gamma(0.25, 0.25)), λ_jk ~ Beta(1, 1),
// and the total N has the prior 1/N. A Gibbs sampler augments the data with the undocumented
// people and their classes and draws N each iteration.
//
//   LatentClassOptions o;  o.classes = 10;  o.burn_in = 10000;  o.samples = 1000;  o.thinning =
//   100; LatentClassResult r = sample_latent_class(histories, o);   // r.median, r.low, r.high,
//   r.ess
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/progress.h"
#include "estimate/loglinear.h"

namespace athar::estimate {

struct LatentClassOptions {
  int classes = 10;  // K, the truncation
  uint64_t burn_in = 10000;
  uint64_t samples = 1000;
  uint64_t thinning = 100;
  uint64_t seed = 1;
  int chains = 2;        // independent chains, each burnt in, sharing the kept samples
  unsigned threads = 0;  // 0: every core (results do not depend on it)
  double alpha_shape = 0.25, alpha_rate = 0.25;
  // Moves of each class's undocumented count with the capture probabilities and weights
  // integrated out, besides the Gibbs updates: twice the effective samples of N per second on
  // the Kosovo lists (bench/RESULTS.md). Off only to measure what they bring.
  bool collapsed_moves = true;
  // For benchmarks: when set, called after every iteration, from the chain's own thread, with
  // the chain, the number of classes then occupied and the iteration's wall time.
  std::function<void(size_t chain, int occupied, double seconds)> on_iteration;
  // Told by the chains the caller's thread runs; cancelling it stops every chain.
  core::Progress progress;
};

struct LatentClassResult {
  std::vector<double> totals;               // the kept draws of N, chain after chain
  std::vector<std::vector<double>> chains;  // the same draws per chain, in order (the traces)
  double median = 0, low = 0, high = 0;     // 2.5% and 97.5% points
  double mean = 0;
  // Occupied classes (holding anyone, documented or not) at each kept draw, in the order of
  // `totals`: where all K are often occupied, the truncation may bind (docs/estimate.md).
  std::vector<int> occupied;
  std::vector<double> alphas;  // the concentration α at each kept draw, in the order of `totals`
  double occupied_median = 0, all_occupied_share = 0;
  // Per chain: the share of its kept draws with all K occupied, and its longest run of kept
  // draws with one number (below K) of classes occupied, in iterations (draws × thinning).
  // Chains that disagree, or a long run, say a chain is not exploring (docs/estimate.md).
  std::vector<double> chain_all_occupied_share;
  std::vector<uint64_t> chain_longest_stretch;
  double effective_sample_size = 0;  // summed over chains (Geyer's initial positive sequence)
  double split_r_hat = 0;            // each chain split in halves (Gelman et al. 2013)
  uint64_t iterations = 0;           // over all chains
  double seconds = 0;
};

LatentClassResult sample_latent_class(const CaptureHistories& h, const LatentClassOptions& options);

// Warnings a statistician should read before the figures: chains that disagree in how often all
// K classes are occupied (one may sit in another mode), a chain that kept one number of classes
// occupied for a long stretch, all K occupied in most draws (the truncation may bind); each
// says what to run instead. Empty when none applies.
std::vector<std::string> mixing_warnings(const LatentClassResult& r, const LatentClassOptions& o);

class RandomDraws;  // estimate/random_draws.h

// One sweep of label-switching moves (Papaspiliopoulos & Roberts 2008; Hastie, Liverani &
// Richardson 2015), which every iteration makes after drawing the capture probabilities: classes
// k and k + 1 in turn trade labels — their people and capture probabilities — with the
// Metropolis–Hastings probability under the stick-breaking prior with the weights integrated
// out. Gibbs updates alone move a large class from a late label only slowly, and while it sits
// there the sticks before it stay short and α high, with more classes occupied than the
// posterior has (bench/RESULTS.md). in_class[k]: people in class k; lambda[j·K + k]: list j's
// capture probability in class k; work: K entries. Exposed for the tests.
void swap_adjacent_labels(std::span<uint64_t> in_class, std::span<double> lambda, size_t lists,
                          double alpha, RandomDraws& draws, std::span<uint64_t> work);

// One sweep of Metropolis–Hastings moves of each class's number of undocumented people, with the
// capture probabilities and the class weights integrated out; every iteration makes it after
// drawing everyone's classes (docs/estimate.md, "Speed"). Given the capture probabilities the
// undocumented are nearly determined, and the capture probabilities given them, so that Gibbs
// updates alone move N slowly; with them integrated out a class's undocumented move as far as its
// documented allow. The moves keep undocumented_log_target. in_class[k]: people in class k,
// undocumented[k] of them undocumented (both updated); captured[j·K + k]: class k's people whom
// list j captured; log_factorials: a log_factorial_table (any size); work: K·(lists + 1)
// entries. Exposed for the tests.
void move_undocumented(std::span<uint64_t> in_class, std::span<uint64_t> undocumented,
                       std::span<const uint64_t> captured, size_t lists, double alpha,
                       RandomDraws& draws, std::span<const double> log_factorials,
                       std::span<double> work);
// The log of that target, up to a constant, in the undocumented m_k with the documented held
// (n_k people in class k, c_jk of them captured by list j, N = Σ n_k):
//   (N − 1)! / Π m_k!  (the 1/N prior of N and the people's arrangements)
//   × Π_jk B(1 + c_jk, 1 + n_k − c_jk)  (the capture probabilities integrated out)
//   × Π_k<K Γ(1 + n_k) · Γ(α + n_K) / Γ(α + N) / Π_k<K (α + n_k + … + n_K)
//     (the stick-breaking prior with the sticks integrated out, telescoped).
double undocumented_log_target(std::span<const uint64_t> in_class,
                               std::span<const uint64_t> undocumented,
                               std::span<const uint64_t> captured, size_t lists, double alpha);
// log k! for k below size, for move_undocumented.
std::vector<double> log_factorial_table(size_t size);

// Diagnostics of a chain of draws, exposed for the tests.
double effective_sample_size(const std::vector<double>& draws);
double split_r_hat(const std::vector<double>& draws);
double split_r_hat(const std::vector<std::vector<double>>& chains);

}  // namespace athar::estimate
