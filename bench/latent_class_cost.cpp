// Cost of the latent-class sampler's iterations by the number of classes occupied. An
// iteration's cost depends on the chain's state — how many classes hold anyone — which differs
// by seed and wanders within a chain, so timing one seed compares states as much as code. This
// times every iteration against its occupancy over several seeds (one chain each, burn-in
// included) and reports the mean per occupancy. With --reference FILE the mean is also weighed
// by the occupancy distribution in FILE (written there when FILE does not exist), so that two
// builds are compared at the same occupancy.
//
//   latent_class_cost HISTORIES.csv K SAMPLES THINNING SEEDS [--reference FILE]
//   e.g. latent_class_cost tests/estimate/data/kosovo.csv 10 1000 100 8 --reference /tmp/k10
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "estimate/latent_class.h"
#include "estimate/loglinear.h"

int main(int argc, char** argv) {
  if (argc != 6 && !(argc == 8 && std::string(argv[6]) == "--reference")) {
    std::fprintf(stderr,
                 "usage: latent_class_cost HISTORIES.csv K SAMPLES THINNING SEEDS "
                 "[--reference FILE]\n");
    return 2;
  }
  const athar::estimate::CaptureHistories h = athar::estimate::read_histories(argv[1]);
  athar::estimate::LatentClassOptions o;
  o.classes = std::atoi(argv[2]);
  o.samples = std::strtoull(argv[3], nullptr, 10);
  o.thinning = std::strtoull(argv[4], nullptr, 10);
  o.chains = 1;
  o.threads = 1;
  const int seeds = std::atoi(argv[5]);
  std::map<int, double> seconds, iterations;
  double all_seconds = 0, all_iterations = 0;
  o.on_iteration = [&](size_t, int occupied, double took) {
    seconds[occupied] += took;
    iterations[occupied] += 1;
  };
  for (int seed = 1; seed <= seeds; ++seed) {
    o.seed = static_cast<uint64_t>(seed);
    athar::estimate::sample_latent_class(h, o);
  }
  for (const auto& [occupied, n] : iterations) {
    all_seconds += seconds[occupied];
    all_iterations += n;
  }
  std::printf("K %d, %d seeds, %.0f iterations\noccupied  share   µs/iteration\n", o.classes, seeds,
              all_iterations);
  for (const auto& [occupied, n] : iterations)
    std::printf("%8d %6.1f%% %9.2f\n", occupied, 100 * n / all_iterations,
                1e6 * seconds[occupied] / n);
  std::printf("all: %.2f µs/iteration\n", 1e6 * all_seconds / all_iterations);
  if (argc == 8) {
    std::map<int, double> share;
    std::ifstream in(argv[7]);
    if (in) {
      int occupied;
      double s;
      while (in >> occupied >> s) share[occupied] = s;
    } else {
      std::ofstream out(argv[7]);
      for (const auto& [occupied, n] : iterations)
        out << occupied << ' ' << n / all_iterations << '\n';
      for (const auto& [occupied, n] : iterations) share[occupied] = n / all_iterations;
    }
    double weighed = 0, weight = 0;
    for (const auto& [occupied, s] : share) {
      if (!iterations.count(occupied)) continue;  // not visited this time: left out, said below
      weighed += s * seconds[occupied] / iterations[occupied];
      weight += s;
    }
    std::printf("weighed by %s: %.2f µs/iteration (over %.1f%% of its distribution)\n", argv[7],
                1e6 * weighed / weight, 100 * weight);
  }
  return 0;
}
