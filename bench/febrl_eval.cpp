// Linkage accuracy on a FEBRL file: all fields, and victim-list fields only.
//   febrl_eval FILE [THRESHOLD]
#include <algorithm>
#include <cstdio>
#include <string>

#include "linkage/evaluate.h"
#include "linkage/febrl.h"

namespace {
void run(const char* name, const athar::linkage::FebrlData& f, athar::linkage::LinkageConfig c) {
  c.keep_scores = true;
  const auto r = athar::linkage::link(f.data, c);
  // Blocking recall and the best threshold, from every scored candidate.
  {
    uint64_t true_candidates = 0;
    std::vector<std::pair<double, bool>> s;
    for (const auto& [a, b, p] : r.scores) {
      const bool same = f.truth[a] == f.truth[b];
      true_candidates += same;
      s.emplace_back(p, same);
    }
    std::sort(s.begin(), s.end(), [](auto& x, auto& y) { return x.first > y.first; });
    const auto total_true =
        athar::linkage::evaluate_links(std::vector<athar::linkage::Link>{}, f.truth).true_pairs;
    double best_f1 = 0, best_t = 0;
    uint64_t tp = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      tp += s[i].second;
      const double prec = static_cast<double>(tp) / static_cast<double>(i + 1);
      const double rec = static_cast<double>(tp) / static_cast<double>(total_true);
      const double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0;
      if (f1 > best_f1) {
        best_f1 = f1;
        best_t = s[i].first;
      }
    }
    std::printf(
        "%-20s blocking recall %.4f (%llu of %llu true pairs); best threshold %.6f gives F1 %.4f\n",
        name, static_cast<double>(true_candidates) / static_cast<double>(total_true),
        static_cast<unsigned long long>(true_candidates),
        static_cast<unsigned long long>(total_true), best_t, best_f1);
  }
  const auto links = athar::linkage::evaluate_links(r.links, f.truth);
  const auto clusters = athar::linkage::evaluate_clusters(r.cluster, f.truth);
  std::printf(
      "%-20s candidates %8llu  links P %.4f R %.4f F1 %.4f | clusters P %.4f R %.4f F1 %.4f"
      "  (prior %.4f, %d EM iterations, %.2f s)\n",
      name, static_cast<unsigned long long>(r.candidate_pairs), links.precision, links.recall,
      links.f1, clusters.precision, clusters.recall, clusters.f1, r.model.prior, r.model.iterations,
      r.seconds_prepare + r.seconds_em + r.seconds_prior + r.seconds_scoring);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: febrl_eval FILE [THRESHOLD]\n");
    return 2;
  }
  const auto f = athar::linkage::read_febrl(argv[1]);
  auto all = athar::linkage::febrl_all_fields();
  auto victim = athar::linkage::febrl_victim_list_fields();
  if (argc > 2) all.threshold = victim.threshold = std::stod(argv[2]);
  run("all fields", f, all);
  run("victim-list fields", f, victim);
  return 0;
}
