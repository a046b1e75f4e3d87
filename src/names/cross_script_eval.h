// The cross-script measurement of docs/names.md: for each (Arabic, Latin) pair, rank the true
// Latin spelling among `distractors` Latin spellings drawn at random from the other pairs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace athar::names {

struct RankingResult {
  size_t pairs = 0;
  double top1 = 0, top10 = 0, mean_reciprocal_rank = 0;
};

// A tie with a distractor counts as half a place lower (so ties never count as top-1).
RankingResult rank_cross_script(const std::vector<std::pair<std::string, std::string>>& pairs,
                                size_t distractors, uint64_t seed);

// Reads "arabic<TAB>latin" lines.
std::vector<std::pair<std::string, std::string>> read_name_pairs(const std::string& path);

}  // namespace athar::names
