// Linkage of synthetic Syrian-style lists with families (linkage/simulate.h) through the person
// configuration `athar link` uses: blocking recall (pairs completeness), entity precision,
// recall and F1 against the simulation's truth, the sibling false links, and time.
//   simulated_lists_eval POPULATION [SEED] [--across-lists-only] [--one-list]
// --one-list: the first list alone, linked against itself (its duplicates); otherwise all three
// lists together, deduplicated without --across-lists-only unless it is given.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <unordered_map>

#include "linkage/evaluate.h"
#include "linkage/simulate.h"
#include "matching/person_linkage.h"

namespace {
uint64_t pairs_of(uint64_t k) { return k * (k - 1) / 2; }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: simulated_lists_eval POPULATION [SEED] [--across-lists-only] "
                 "[--one-list]\n");
    return 2;
  }
  bool across = false, one_list = false;
  uint64_t seed = 1;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--across-lists-only") == 0) {
      across = true;
    } else if (std::strcmp(argv[i], "--one-list") == 0) {
      one_list = true;
    } else {
      seed = std::stoull(argv[i]);
    }
  }
  athar::linkage::SimulationConfig sc;
  sc.population = std::stoul(argv[1]);
  sc.seed = seed;
  const auto t0 = std::chrono::steady_clock::now();
  athar::linkage::Simulation sim = athar::linkage::simulate_lists(sc);
  if (one_list) std::erase_if(sim.records, [](const auto& r) { return r.list != 0; });
  std::vector<std::string> truth;
  const auto data = athar::matching::simulated_person_dataset(sim, &truth);
  const auto t1 = std::chrono::steady_clock::now();
  auto config = athar::matching::person_linkage_config();
  config.link_only_across_lists = config.one_record_per_list = across;
  config.keep_scores = sc.population <= 200000;  // for the blocking recall
  if (const char* floor = std::getenv("JOIN_FLOOR")) config.join_floor = std::stod(floor);
  const auto r = athar::linkage::link(data, config);
  const auto t2 = std::chrono::steady_clock::now();
  const auto clusters = athar::linkage::evaluate_clusters(r.cluster, truth);

  // Pairs of records put in one entity, by how their persons are related.
  std::unordered_map<uint64_t, uint64_t> per_entity_person, per_entity_household;
  std::unordered_map<uint32_t, uint64_t> per_entity;
  std::unordered_map<uint32_t, uint64_t> per_household;
  for (size_t i = 0; i < data.size(); ++i) {
    const uint32_t person = sim.records[i].person;
    const uint32_t household = sim.household_of[person];
    ++per_entity[r.cluster[i]];
    ++per_entity_person[uint64_t{r.cluster[i]} << 32 | person];
    ++per_entity_household[uint64_t{r.cluster[i]} << 32 | household];
    ++per_household[household];
  }
  uint64_t together = 0, same_person = 0, same_household = 0;
  for (const auto& [e, k] : per_entity) together += pairs_of(k);
  for (const auto& [e, k] : per_entity_person) same_person += pairs_of(k);
  for (const auto& [e, k] : per_entity_household) same_household += pairs_of(k);
  const uint64_t false_pairs = together - same_person;
  const uint64_t sibling_false = same_household - same_person;
  // Pairs of records of siblings (same household, different persons), merged or not.
  std::unordered_map<uint64_t, uint64_t> per_household_person;
  for (size_t i = 0; i < data.size(); ++i) {
    const uint32_t person = sim.records[i].person;
    ++per_household_person[uint64_t{sim.household_of[person]} << 32 | person];
  }
  uint64_t household_pairs = 0, household_person_pairs = 0;
  for (const auto& [h, k] : per_household) household_pairs += pairs_of(k);
  for (const auto& [h, k] : per_household_person) household_person_pairs += pairs_of(k);
  const uint64_t sibling_pairs = household_pairs - household_person_pairs;

  double blocking_recall = -1;
  if (config.keep_scores && std::getenv("CALIBRATION")) {  // predicted against true share
    const double edges[] = {0, 0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.01};
    uint64_t n[9] = {}, same[9] = {};
    double sum[9] = {};
    for (const auto& [a, b, p] : r.scores) {
      size_t k = 0;
      while (p >= edges[k + 1]) ++k;
      ++n[k];
      sum[k] += p;
      same[k] += truth[a] == truth[b];
    }
    for (size_t k = 0; k < 9; ++k)
      std::printf("  p in [%.3f, %.3f): %9llu pairs, mean p %.4f, true %.4f\n", edges[k],
                  edges[k + 1], static_cast<unsigned long long>(n[k]), n[k] ? sum[k] / n[k] : 0.0,
                  n[k] ? static_cast<double>(same[k]) / n[k] : 0.0);
  }
  if (config.keep_scores) {
    uint64_t proposed_true = 0;
    for (const auto& [a, b, p] : r.scores) proposed_true += truth[a] == truth[b];
    blocking_recall = static_cast<double>(proposed_true) / static_cast<double>(clusters.true_pairs);
  }
  std::printf(
      "population %zu, %zu records in %zu lists (%s): candidates %llu, blocking recall %s; "
      "entities P %.4f R %.4f F1 %.4f; false pairs %llu, of them siblings %llu (%.1f%%); "
      "sibling pairs merged %llu of %llu (%.4f%%); simulate %.2f s, link %.2f s (prepare %.2f, "
      "EM %.2f, scoring %.2f, clustering %.2f) on %u threads\n",
      sim.population, data.size(), data.list_names().size(),
      across ? "across lists only" : "deduplicated",
      static_cast<unsigned long long>(r.candidate_pairs),
      blocking_recall < 0 ? "not measured" : std::to_string(blocking_recall).c_str(),
      clusters.precision, clusters.recall, clusters.f1,
      static_cast<unsigned long long>(false_pairs), static_cast<unsigned long long>(sibling_false),
      false_pairs ? 100.0 * static_cast<double>(sibling_false) / static_cast<double>(false_pairs)
                  : 0.0,
      static_cast<unsigned long long>(sibling_false),
      static_cast<unsigned long long>(sibling_pairs),
      sibling_pairs
          ? 100.0 * static_cast<double>(sibling_false) / static_cast<double>(sibling_pairs)
          : 0.0,
      std::chrono::duration<double>(t1 - t0).count(),
      std::chrono::duration<double>(t2 - t1).count(), r.seconds_prepare, r.seconds_em,
      r.seconds_scoring, r.seconds_clustering, r.threads);
  if (std::getenv("SHOW")) {  // the model, and some wrong and missed links with their weights
    for (const auto& fm : r.model.fields) {
      if (!fm.compared) continue;
      std::printf("  %-12s", fm.name.c_str());
      for (size_t l = 1; l < fm.m.size(); ++l)
        std::printf(" [%s m %.4f u %.4f k %.4f]", fm.level_names[l].c_str(), fm.m[l], fm.u[l],
                    fm.kin.empty() ? -1.0 : fm.kin[l]);
      std::printf("\n");
    }
    std::printf("  prior %.3g\n", r.model.prior);
    std::vector<std::pair<uint32_t, uint32_t>> wrong, missed;
    for (const auto& l : r.links)
      if (l.probability >= config.threshold && truth[l.a] != truth[l.b] && wrong.size() < 25)
        wrong.emplace_back(l.a, l.b);
    for (const auto& [a, b, p] : r.scores)
      if (p < config.threshold && truth[a] == truth[b] && missed.size() < 25)
        missed.emplace_back(a, b);
    std::vector<std::pair<uint32_t, uint32_t>> unproposed;
    {
      std::set<std::pair<uint32_t, uint32_t>> proposed;
      for (const auto& [a, b, p] : r.scores) proposed.emplace(std::min(a, b), std::max(a, b));
      std::unordered_map<std::string, std::vector<uint32_t>> records_of;
      for (uint32_t i = 0; i < data.size(); ++i) records_of[truth[i]].push_back(i);
      for (const auto& [person, rs] : records_of) {
        for (size_t i = 0; i < rs.size() && unproposed.size() < 40; ++i)
          for (size_t j = i + 1; j < rs.size(); ++j)
            if (!proposed.count({rs[i], rs[j]}) &&
                (!across || data.list(rs[i]) != data.list(rs[j])))
              unproposed.emplace_back(rs[i], rs[j]);
      }
    }
    for (const auto* set : {&wrong, &missed, &unproposed}) {
      for (const auto& sp : athar::linkage::explain(data, config, r.model, *set)) {
        std::printf("%s %.4f:",
                    set == &wrong    ? "wrong"
                    : set == &missed ? "missed"
                                     : "unproposed",
                    sp.probability);
        for (size_t f = 0; f < sp.field_weights.size(); ++f)
          if (r.model.fields[f].compared) std::printf(" %.1f", sp.field_weights[f]);
        for (uint32_t x : {sp.a, sp.b}) {
          std::printf(" | %s", data.list_names()[data.list(x)].c_str());
          for (size_t col = 0; col < 7; ++col)
            std::printf(" %s", data.value(x, col).empty() ? "-" : data.value(x, col).c_str());
          std::printf(" %s", data.value(x, 9).c_str());
        }
        std::printf(" | H%u H%u\n", sim.household_of[sim.records[sp.a].person],
                    sim.household_of[sim.records[sp.b].person]);
      }
    }
  }
  std::printf("candidates per blocking rule:");
  for (auto c : r.candidates_per_rule) std::printf(" %llu", static_cast<unsigned long long>(c));
  std::printf("; skipped blocks %llu\n", static_cast<unsigned long long>(r.skipped_blocks));
  return 0;
}
