#include "names/cross_script_eval.h"

#include <algorithm>
#include <fstream>
#include <numeric>
#include <random>

#include "core/error.h"
#include "names/phonetic.h"

namespace athar::names {

std::vector<std::pair<std::string, std::string>> read_name_pairs(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw core::NotFound("cannot read " + path);
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  size_t row = 0;
  while (std::getline(in, line)) {
    ++row;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      throw core::InputError(path + " row " + std::to_string(row), "", line,
                             "expected ARABIC<TAB>LATIN");
    }
    out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return out;
}

RankingResult rank_cross_script(const std::vector<std::pair<std::string, std::string>>& pairs,
                                size_t distractors, uint64_t seed) {
  RankingResult r;
  r.pairs = pairs.size();
  if (pairs.size() < 2) return r;
  std::vector<PhoneticKey> arabic(pairs.size()), latin(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    phonetic_key(pairs[i].first, arabic[i]);
    phonetic_key(pairs[i].second, latin[i]);
  }
  std::mt19937_64 rng(seed);
  std::vector<size_t> order(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    // Distractors: other pairs whose spelling differs from the true one.
    std::iota(order.begin(), order.end(), size_t{0});
    std::shuffle(order.begin(), order.end(), rng);
    const double truth = phonetic_similarity(arabic[i], latin[i]);
    double place = 1;
    size_t drawn = 0;
    for (size_t j : order) {
      if (drawn == distractors) break;
      if (j == i || pairs[j].second == pairs[i].second) continue;
      ++drawn;
      const double s = phonetic_similarity(arabic[i], latin[j]);
      if (s > truth) place += 1;
      if (s == truth) place += 0.5;
    }
    r.top1 += place <= 1 ? 1 : 0;
    r.top10 += place <= 10 ? 1 : 0;
    r.mean_reciprocal_rank += 1.0 / place;
  }
  const auto n = static_cast<double>(pairs.size());
  r.top1 /= n;
  r.top10 /= n;
  r.mean_reciprocal_rank /= n;
  return r;
}

}  // namespace athar::names
