// Cross-script name matching: for each Arabic<TAB>Latin pair of FILE, the rank of the true
// Latin spelling among DISTRACTORS random spellings of other pairs (docs/names.md).
//   names_eval FILE [DISTRACTORS] [SEED]
#include <chrono>
#include <cstdio>
#include <string>

#include "names/cross_script_eval.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: names_eval FILE [DISTRACTORS] [SEED]\n");
    return 2;
  }
  const auto pairs = athar::names::read_name_pairs(argv[1]);
  const size_t distractors = argc > 2 ? std::stoul(argv[2]) : 1000;
  const uint64_t seed = argc > 3 ? std::stoull(argv[3]) : 1;
  const auto start = std::chrono::steady_clock::now();
  const auto r = athar::names::rank_cross_script(pairs, distractors, seed);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%zu pairs, %zu distractors each: top-1 %.4f, top-10 %.4f, MRR %.4f (%.2f s, %.0f "
      "comparisons/s)\n",
      r.pairs, distractors, r.top1, r.top10, r.mean_reciprocal_rank, s,
      static_cast<double>(r.pairs * (distractors + 1)) / s);
  return 0;
}
