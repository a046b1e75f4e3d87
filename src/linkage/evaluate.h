// Accuracy of a linkage against known truth: precision, recall and F1 over record pairs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "linkage/linkage.h"

namespace athar::linkage {

struct PairAccuracy {
  uint64_t true_pairs = 0, predicted_pairs = 0, correct_pairs = 0;
  double precision = 0, recall = 0, f1 = 0;
};

// `truth[r]` is the true entity of record r. Links: the pairs the model accepted.
PairAccuracy evaluate_links(const std::vector<std::pair<uint32_t, uint32_t>>& links,
                            const std::vector<std::string>& truth);
PairAccuracy evaluate_links(const std::vector<Link>& links, const std::vector<std::string>& truth);
// Clusters: every pair of records placed in one cluster.
PairAccuracy evaluate_clusters(const std::vector<uint32_t>& cluster,
                               const std::vector<std::string>& truth);

}  // namespace athar::linkage
