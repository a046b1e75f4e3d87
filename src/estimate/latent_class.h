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

// Diagnostics of a chain of draws, exposed for the tests.
double effective_sample_size(const std::vector<double>& draws);
double split_r_hat(const std::vector<double>& draws);
double split_r_hat(const std::vector<std::vector<double>>& chains);

}  // namespace athar::estimate
