#include "linkage/evaluate.h"

#include <unordered_map>

namespace athar::linkage {

namespace {

uint64_t pairs_within(const std::unordered_map<std::string, uint64_t>& sizes) {
  uint64_t n = 0;
  for (const auto& [key, size] : sizes) n += size * (size - 1) / 2;
  return n;
}

PairAccuracy finish(PairAccuracy a) {
  a.precision = a.predicted_pairs
                    ? static_cast<double>(a.correct_pairs) / static_cast<double>(a.predicted_pairs)
                    : 1;
  a.recall =
      a.true_pairs ? static_cast<double>(a.correct_pairs) / static_cast<double>(a.true_pairs) : 1;
  a.f1 = a.precision + a.recall > 0 ? 2 * a.precision * a.recall / (a.precision + a.recall) : 0;
  return a;
}

}  // namespace

PairAccuracy evaluate_links(const std::vector<std::pair<uint32_t, uint32_t>>& links,
                            const std::vector<std::string>& truth) {
  PairAccuracy a;
  std::unordered_map<std::string, uint64_t> sizes;
  for (const std::string& t : truth) ++sizes[t];
  a.true_pairs = pairs_within(sizes);
  a.predicted_pairs = links.size();
  for (const auto& [x, y] : links) a.correct_pairs += truth[x] == truth[y] ? 1 : 0;
  return finish(a);
}

PairAccuracy evaluate_links(const std::vector<Link>& links, const std::vector<std::string>& truth) {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  pairs.reserve(links.size());
  for (const Link& l : links) pairs.emplace_back(l.a, l.b);
  return evaluate_links(pairs, truth);
}

PairAccuracy evaluate_clusters(const std::vector<uint32_t>& cluster,
                               const std::vector<std::string>& truth) {
  PairAccuracy a;
  std::unordered_map<std::string, uint64_t> true_sizes, predicted_sizes, both_sizes;
  for (size_t r = 0; r < truth.size(); ++r) {
    ++true_sizes[truth[r]];
    ++predicted_sizes[std::to_string(cluster[r])];
    ++both_sizes[std::to_string(cluster[r]) + "\x1f" + truth[r]];
  }
  a.true_pairs = pairs_within(true_sizes);
  a.predicted_pairs = pairs_within(predicted_sizes);
  a.correct_pairs = pairs_within(both_sizes);
  return finish(a);
}

}  // namespace athar::linkage
