// Linkage accuracy on a FEBRL file: all fields (the engine alone), and the fields a victim list
// has read as `athar link --csv` reads them (the same reader, configuration and blocking).
//   febrl_eval FILE [THRESHOLD]
//   febrl_eval --persons FILE OUT.csv       (writes the person list `athar link --csv` takes)
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "linkage/evaluate.h"
#include "linkage/febrl.h"
#include "matching/person_linkage.h"

namespace {
void run(const char* name, const athar::linkage::Dataset& data,
         const std::vector<std::string>& truth, athar::linkage::LinkageConfig c) {
  c.keep_scores = true;
  const auto r = athar::linkage::link(data, c);
  // Blocking recall (pairs completeness) and the best threshold, from every scored candidate.
  {
    uint64_t true_candidates = 0;
    std::vector<std::pair<double, bool>> s;
    for (const auto& [a, b, p] : r.scores) {
      const bool same = truth[a] == truth[b];
      true_candidates += same;
      s.emplace_back(p, same);
    }
    std::sort(s.begin(), s.end(), [](auto& x, auto& y) { return x.first > y.first; });
    if (std::getenv("FEBRL_SHOW_MISSED")) {  // true pairs blocking never proposed
      std::set<std::pair<uint32_t, uint32_t>> proposed;
      for (const auto& [a, b, p] : r.scores) proposed.emplace(std::min(a, b), std::max(a, b));
      for (uint32_t a = 0; a < data.size(); ++a) {
        for (uint32_t b = a + 1; b < data.size(); ++b) {
          if (truth[a] != truth[b] || proposed.count({a, b})) continue;
          std::printf("missed:");
          for (uint32_t x : {a, b}) {
            for (size_t col = 0; col < data.columns().size(); ++col)
              std::printf(" %s", data.value(x, col).empty() ? "-" : data.value(x, col).c_str());
            std::printf(" |");
          }
          std::printf("\n");
        }
      }
    }
    const auto total_true =
        athar::linkage::evaluate_links(std::vector<athar::linkage::Link>{}, truth).true_pairs;
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
  if (std::getenv("FEBRL_SHOW_WEAK")) {  // the model, and true pairs scored below the threshold
    for (const auto& fm : r.model.fields) {
      std::printf("  %-12s", fm.name.c_str());
      for (size_t l = 1; l < fm.m.size(); ++l)
        std::printf(" [%s m %.4f u %.4f]", fm.level_names[l].c_str(), fm.m[l], fm.u[l]);
      std::printf("\n");
    }
    std::vector<std::pair<uint32_t, uint32_t>> weak;
    for (const auto& [a, b, p] : r.scores)
      if (truth[a] == truth[b] && p < c.threshold) weak.emplace_back(a, b);
    for (const auto& sp : athar::linkage::explain(data, c, r.model, weak)) {
      std::printf("weak %.4f:", sp.probability);
      for (double w : sp.field_weights) std::printf(" %.1f", w);
      for (uint32_t x : {sp.a, sp.b}) {
        std::printf(" |");
        for (size_t col = 0; col < data.columns().size(); ++col)
          std::printf(" %s", data.value(x, col).empty() ? "-" : data.value(x, col).c_str());
      }
      std::printf("\n");
    }
  }
  const auto links = athar::linkage::evaluate_links(r.links, truth);
  const auto clusters = athar::linkage::evaluate_clusters(r.cluster, truth);
  std::printf(
      "%-20s candidates %8llu  links P %.4f R %.4f F1 %.4f | entities P %.4f R %.4f F1 %.4f"
      "  (prior %.4g, %d EM iterations, %.2f s)\n",
      name, static_cast<unsigned long long>(r.candidate_pairs), links.precision, links.recall,
      links.f1, clusters.precision, clusters.recall, clusters.f1, r.model.prior, r.model.iterations,
      r.seconds_prepare + r.seconds_em + r.seconds_scoring + r.seconds_clustering);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--persons") {
    athar::linkage::write_febrl_as_person_list(argv[2], argv[3]);
    return 0;
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: febrl_eval FILE [THRESHOLD] | febrl_eval --persons FILE OUT\n");
    return 2;
  }
  const auto f = athar::linkage::read_febrl(argv[1]);
  auto all = athar::linkage::febrl_all_fields();
  if (argc > 2) all.threshold = std::stod(argv[2]);
  run("all fields", f.data, f.truth, all);

  // As `athar link --csv FILE` links it: the person list, read and checked by the CLI's reader.
  const std::string persons = std::filesystem::temp_directory_path().string() + "/febrl-persons-" +
                              std::to_string(getpid()) + ".csv";
  const std::vector<std::string> truth =
      athar::linkage::write_febrl_as_person_list(argv[1], persons);
  const auto lists = athar::matching::read_person_lists({persons}, false);
  std::filesystem::remove(persons);
  std::printf("victim-list fields: %zu persons, %zu fields left empty (FEBRL's damaged dates)\n",
              lists.data.size(), lists.field_problems.size());
  auto victim = athar::matching::person_linkage_config();
  if (argc > 2) victim.threshold = std::stod(argv[2]);
  run("victim-list fields", lists.data, truth, victim);
  return 0;
}
