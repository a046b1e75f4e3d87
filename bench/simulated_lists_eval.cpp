// Linkage of synthetic Syrian-style lists (linkage/simulate.h): precision, recall and F1 against
// the simulation's truth, and time.   simulated_lists_eval POPULATION [SEED] [THRESHOLD]
#include <chrono>
#include <cstdio>
#include <string>

#include "linkage/evaluate.h"
#include "linkage/simulate.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: simulated_lists_eval POPULATION [SEED] [THRESHOLD]\n");
    return 2;
  }
  athar::linkage::SimulationConfig sc;
  sc.population = std::stoul(argv[1]);
  sc.seed = argc > 2 ? std::stoull(argv[2]) : 1;
  const auto t0 = std::chrono::steady_clock::now();
  const auto sim = athar::linkage::simulate_lists(sc);
  std::vector<std::string> truth;
  const auto data = athar::linkage::simulation_dataset(sim, &truth);
  const auto t1 = std::chrono::steady_clock::now();
  auto config = athar::linkage::simulation_linkage_config();
  if (argc > 3) config.threshold = std::stod(argv[3]);
  const auto r = athar::linkage::link(data, config);
  const auto t2 = std::chrono::steady_clock::now();
  const auto links = athar::linkage::evaluate_links(r.links, truth);
  const auto clusters = athar::linkage::evaluate_clusters(r.cluster, truth);
  std::printf(
      "population %zu, %zu records in %zu lists: candidates %llu; links P %.4f R %.4f F1 %.4f;"
      " clusters P %.4f R %.4f F1 %.4f; prior %.3g (%.0f matches expected); simulate %.2f s,"
      " link %.2f s (prepare %.2f, EM %.2f, prior %.2f, scoring %.2f) on %u threads\n",
      sim.population, data.size(), data.list_names().size(),
      static_cast<unsigned long long>(r.candidate_pairs), links.precision, links.recall, links.f1,
      clusters.precision, clusters.recall, clusters.f1, r.model.prior, r.expected_matches,
      std::chrono::duration<double>(t1 - t0).count(),
      std::chrono::duration<double>(t2 - t1).count(), r.seconds_prepare, r.seconds_em,
      r.seconds_prior, r.seconds_scoring, r.threads);
  std::printf("candidates per blocking rule:");
  for (auto c : r.candidates_per_rule) std::printf(" %llu", static_cast<unsigned long long>(c));
  std::printf("\n");
  return 0;
}
