// What the coverage benchmarks tally over replicates with a known truth: how often a 95%
// interval holds it, and the medians of estimate / truth and width / truth.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace athar::bench {

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
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
