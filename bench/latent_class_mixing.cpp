// How the latent-class sampler's chains explore the posterior, seed by seed: the share of kept
// draws with all K classes occupied, the longest stretch spent all occupied (in kept draws ×
// thinning), N's 2.5%, 50% and 97.5% points and the ESS of N per chain, over SEEDS single chains
// (seeds 1…SEEDS). SAMPLER: athar (the default), athar-gibbs (without the collapsed moves of the
// undocumented, as before them), or the plain per-person sampler of the tests
// (tests/estimate/per_person_sampler.h) started as the reference implementation starts
// (plain) or from random capture probabilities (plain-random).
//
//   latent_class_mixing HISTORIES.csv K BURN_IN SAMPLES THINNING SEEDS [SAMPLER]
//   e.g. latent_class_mixing tests/estimate/data/kosovo.csv 10 10000 1000 100 20
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

#include "estimate/latent_class.h"
#include "estimate/loglinear.h"
#include "per_person_sampler.h"

namespace {
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double at = q * static_cast<double>(v.size() - 1);
  const size_t i = static_cast<size_t>(at);
  return i + 1 < v.size() ? v[i] + (at - static_cast<double>(i)) * (v[i + 1] - v[i]) : v[i];
}
double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double standard_error(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 7 && argc != 8) {
    std::fprintf(stderr,
                 "usage: latent_class_mixing HISTORIES.csv K BURN_IN SAMPLES THINNING SEEDS "
                 "[athar|athar-gibbs|plain|plain-random]\n");
    return 2;
  }
  const athar::estimate::CaptureHistories h = athar::estimate::read_histories(argv[1]);
  athar::estimate::LatentClassOptions o;
  o.classes = std::atoi(argv[2]);
  o.burn_in = std::strtoull(argv[3], nullptr, 10);
  o.samples = std::strtoull(argv[4], nullptr, 10);
  o.thinning = std::strtoull(argv[5], nullptr, 10);
  o.chains = 1;
  o.threads = 1;
  const int seeds = std::atoi(argv[6]);
  const std::string sampler = argc == 8 ? argv[7] : "athar";
  if (sampler != "athar" && sampler != "athar-gibbs" && sampler != "plain" &&
      sampler != "plain-random") {
    std::fprintf(stderr, "unknown sampler %s\n", sampler.c_str());
    return 2;
  }
  std::vector<double> shares, lows, medians, highs, stretches, effective, ess_per_second;
  std::vector<double> alpha_means, alpha_medians, alpha_highs;
  std::printf("%s sampler, K = %d, %llu burn-in, %llu draws at thinning %llu\n", sampler.c_str(),
              o.classes, static_cast<unsigned long long>(o.burn_in),
              static_cast<unsigned long long>(o.samples),
              static_cast<unsigned long long>(o.thinning));
  std::printf(
      "seed  all-occupied  longest-stretch  2.5%%      50%%      97.5%%   ESS   seconds  alpha: "
      "mean  median  97.5%%\n");
  for (int seed = 1; seed <= seeds; ++seed) {
    o.seed = static_cast<uint64_t>(seed);
    std::vector<double> totals;
    std::vector<int> occupied;
    std::vector<double> alphas;
    const auto started = std::chrono::steady_clock::now();
    o.collapsed_moves = sampler != "athar-gibbs";
    if (sampler == "athar" || sampler == "athar-gibbs") {
      athar::estimate::LatentClassResult r = athar::estimate::sample_latent_class(h, o);
      totals = std::move(r.totals);
      occupied = std::move(r.occupied);
      alphas = std::move(r.alphas);
    } else {
      athar::estimate::testing::PlainDraws r = athar::estimate::testing::per_person_sampler(
          h, o.classes, static_cast<int>(o.burn_in), static_cast<int>(o.samples),
          static_cast<int>(o.thinning), static_cast<uint64_t>(seed), sampler == "plain");
      totals = std::move(r.totals);
      occupied = std::move(r.occupied);
      alphas = std::move(r.alphas);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    uint64_t run = 0, longest = 0, full = 0;
    for (int k : occupied) {
      run = k == o.classes ? run + 1 : 0;
      full += k == o.classes;
      longest = std::max(longest, run);
    }
    const double share = static_cast<double>(full) / static_cast<double>(occupied.size());
    const double ess = athar::estimate::effective_sample_size(totals);
    const double low = quantile(totals, 0.025), median = quantile(totals, 0.5),
                 high = quantile(totals, 0.975);
    const double alpha_mean = mean(alphas);
    std::printf("%4d  %12.3f  %15llu  %7.0f  %7.0f  %7.0f  %5.0f  %7.2f  %11.3f  %6.3f  %6.3f\n",
                seed, share, static_cast<unsigned long long>(longest * o.thinning), low, median,
                high, ess, seconds, alpha_mean, quantile(alphas, 0.5), quantile(alphas, 0.975));
    std::fflush(stdout);
    shares.push_back(share);
    lows.push_back(low);
    medians.push_back(median);
    highs.push_back(high);
    stretches.push_back(static_cast<double>(longest * o.thinning));
    effective.push_back(ess);
    alpha_means.push_back(alpha_mean);
    alpha_medians.push_back(quantile(alphas, 0.5));
    alpha_highs.push_back(quantile(alphas, 0.975));
    ess_per_second.push_back(ess / seconds);
  }
  const auto over_half =
      std::count_if(shares.begin(), shares.end(), [](double s) { return s > 0.5; });
  std::printf(
      "all-occupied share: mean %.3f (se %.3f), min %.3f, max %.3f, chains above 0.5: %ld of %d\n"
      "longest all-occupied stretch: median %.0f, max %.0f iterations\n"
      "2.5%% point: mean %.0f (se %.0f); median: mean %.0f (se %.0f); 97.5%% point: mean %.0f (se "
      "%.0f)\nESS of N: mean %.0f (se %.0f); per second (one chain, one core): mean %.0f\n",
      mean(shares), standard_error(shares), *std::min_element(shares.begin(), shares.end()),
      *std::max_element(shares.begin(), shares.end()), static_cast<long>(over_half), seeds,
      quantile(stretches, 0.5), *std::max_element(stretches.begin(), stretches.end()), mean(lows),
      standard_error(lows), mean(medians), standard_error(medians), mean(highs),
      standard_error(highs), mean(effective), standard_error(effective), mean(ess_per_second));
  std::printf("alpha: mean %.3f (se %.3f), median %.3f (se %.3f), 97.5%% point %.3f (se %.3f)\n",
              mean(alpha_means), standard_error(alpha_means), mean(alpha_medians),
              standard_error(alpha_medians), mean(alpha_highs), standard_error(alpha_highs));
}
