// The coverage benchmarks' population, and what they tally over replicates with a known truth: how
// often a 95% interval holds it, and the medians of estimate / truth and width / truth.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "linkage/simulate.h"

namespace athar::bench {

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// The coverage studies' population: four lists covering 0.35, 0.30, 0.25 and 0.20 of it times
// each person's visibility (gamma, variance `heterogeneity`), in Latin letters 0, 30, 60, 100%.
inline linkage::Simulation four_lists(size_t population, uint64_t seed, double heterogeneity) {
  linkage::SimulationConfig sc;
  sc.population = population;
  sc.seed = seed;
  sc.heterogeneity = heterogeneity;
  sc.lists = {{0.35, 0.0}, {0.3, 0.3}, {0.25, 0.6}, {0.2, 1.0}};
  return linkage::simulate_lists(sc);
}

struct CoverageTally {
  explicit CoverageTally(std::string name) : method(std::move(name)) {}
  std::string method;
  int covered = 0, runs = 0;
  std::vector<double> ratio, width;
  double seconds = 0;
  void add(double estimate, double low, double high, double truth, double s = 0) {
    ++runs;
    if (low <= truth && truth <= high) ++covered;
    ratio.push_back(estimate / truth);
    width.push_back((high - low) / truth);
    seconds += s;
  }
};

}  // namespace athar::bench
