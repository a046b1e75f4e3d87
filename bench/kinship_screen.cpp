// Kinship screening on synthetic families (kinship/simulate.h), West Asia frequencies.
//   kinship_screen FREQUENCIES time FAMILIES REMAINS [THREADS [MUTATION [RATES]]]
//     time: tabulating the families, then screening every remains against every family; with a
//     mutation model (equal, proportional, stepwise) and optionally a per-marker rates file
//   kinship_screen FREQUENCIES grave FAMILIES REMAINS
//     five simulated graves per kind of reference (one parent, sibling or grandparent a family):
//     a tenth of the remains also as a second, more degraded fragment; screening, direct matches
//     joining fragments into bodies, and the joint assignment as the identification workflow
//     uses them: identifications at LR >= 10,000 and below it (a second reviewer), true and false
//   kinship_screen FREQUENCIES lineage FAMILIES REMAINS
//     lineage only: five simulated graves per database size and relative on the paternal line
//     (a clan-structured population of Y-STR haplotypes), true and false pairs at LR >= 10,000
//     and >= 100
//   kinship_screen FREQUENCIES theta-mutation FAMILIES RATES
//     θ 0.02 with the stepwise model (per-marker RATES) on each family's true remains: time per
//     exact LR by the families' references, and how far θ moves log10 LR from mutation alone
//   kinship_screen FREQUENCIES validate FAMILIES REMAINS [DROPOUT]
//     per kind of reference: log10 LR of true and false pairs, false candidates at LR >= 10,000,
//     and the share of true pairs found at that threshold
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>

#include "kinship/assignment.h"
#include "kinship/lineage.h"
#include "kinship/pedigree.h"
#include "kinship/screening.h"
#include "kinship/simulate.h"

using namespace athar::kinship;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
double quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}
// One simulated grave per kind of reference, through screening, fragments and assignment.
int grave(const FrequencyTable& shipped, size_t families, size_t remains) {
  std::printf("%-12s %7s %9s %10s %11s %12s %13s %10s\n", "references", "bodies", "in grave",
              "true >=1e4", "false >=1e4", "true below", "false below", "fragments");
  for (const std::string kind : {"parent", "sibling", "grandparent"}) {
    size_t bodies = 0, in_grave = 0, true_above = 0, false_above = 0, true_below = 0,
           false_below = 0, joined = 0, fragments = 0;
    for (uint64_t seed = 1; seed <= 5; ++seed) {  // five graves per kind
      FrequencyTable table = shipped;
      FamilySimulationConfig c;
      c.families = families;
      c.remains = remains;
      c.identified_share = 0.6;
      c.reference_kinds = {kind};
      c.max_references = 1;
      c.dropout = 0.1;
      c.lost_markers = 0.1;
      c.seed = seed;
      FamilySimulation s = simulate_families(table, c);
      // A tenth of the remains also found as a second fragment, more degraded.
      std::mt19937_64 rng(seed + 100);
      const size_t whole = s.remains.size();
      for (size_t r = 0; r < whole; r += 10) {
        Profile fragment = s.remains[r];
        fragment.sample += "-fragment";
        for (Genotype& g : fragment.markers)
          if (rng() % 10 < 3) g = {};
        s.remains.push_back(fragment);
        s.truth.push_back(s.truth[r]);
      }
      table.add_unseen(s.remains);
      const ScreeningIndex index(table, s.families, 0);
      ScreeningOptions o;
      o.threshold = 1;  // the assignment weighs every pair with LR > 1
      const ScreeningResult screened = screen(index, s.remains, o);
      const auto matches = direct_matches(table, s.remains, s.remains, true, 0.01, 1e6);
      const auto body_of = fragment_bodies(matches, s.remains.size());
      for (size_t r = whole; r < s.remains.size(); ++r)
        joined += body_of[r] == body_of[(r - whole) * 10] ? 1 : 0;
      fragments += s.remains.size() - whole;
      std::map<uint32_t, int> truth_of_body;
      for (size_t r = 0; r < s.remains.size(); ++r) truth_of_body[body_of[r]] = s.truth[r];
      bodies += truth_of_body.size();
      for (const auto& [body, truth] : truth_of_body) in_grave += truth >= 0 ? 1 : 0;
      for (const Assignment& a : assign(screened.candidates, body_of)) {
        const bool right = truth_of_body[a.body] == static_cast<int>(a.family);
        if (a.log10_lr >= 4) {
          (right ? true_above : false_above) += 1;
        } else {
          (right ? true_below : false_below) += 1;
        }
      }
    }
    std::printf("%-12s %7zu %9zu %10zu %11zu %12zu %13zu %7zu/%zu\n", kind.c_str(), bodies,
                in_grave, true_above, false_above, true_below, false_below, joined, fragments);
  }
  return 0;
}

// Lineage only: a Y-STR haplotype of the remains against one relative on the paternal line.
// Men's haplotypes are drawn from clans (a founder haplotype, each locus a repeat up or down with
// probability 0.15), so that unrelated men of one clan may share a haplotype; a family's line is
// one man's haplotype passed down with mutations (rate 0.0025 per locus and meiosis, one repeat).
int lineage(size_t families, size_t remains) {
  constexpr size_t kLoci = 17, kClans = 200;
  constexpr double kMutation = 0.0025;
  std::printf("%-9s %-16s %9s %11s %11s %10s %11s\n", "database", "relative", "in grave",
              "true >=1e4", "false >=1e4", "true >=100", "false >=100");
  for (const size_t database_size : {size_t{1000}, size_t{10000}, size_t{100000}}) {
    for (const auto& [relative, meioses] : std::vector<std::pair<std::string, int>>{
             {"father", 1}, {"paternal uncle", 3}, {"paternal cousin", 4}}) {
      size_t in_grave = 0, true_4 = 0, false_4 = 0, true_2 = 0, false_2 = 0;
      for (uint64_t seed = 1; seed <= 5; ++seed) {
        std::mt19937_64 rng(seed * 7919 + database_size);
        std::uniform_real_distribution<double> unit(0, 1);
        std::vector<std::array<int, kLoci>> founders(kClans);
        for (auto& f : founders)
          for (int& a : f) a = 10 + static_cast<int>(rng() % 8);
        const auto man = [&] {
          std::array<int, kLoci> h = founders[rng() % kClans];
          for (int& a : h) {
            const double u = unit(rng);
            a += u < 0.075 ? -1 : u < 0.15 ? 1 : 0;
          }
          return h;
        };
        const auto descend = [&](std::array<int, kLoci> h, int steps) {
          for (int i = 0; i < steps; ++i)
            for (int& a : h)
              if (unit(rng) < kMutation) a += rng() % 2 ? 1 : -1;
          return h;
        };
        const auto haplotype = [&](const std::array<int, kLoci>& h, const std::string& sample) {
          Haplotype out;
          out.sample = sample;
          for (size_t l = 0; l < kLoci; ++l)
            out.alleles.emplace_back("DYS" + std::to_string(100 + l), std::to_string(h[l]));
          return out;
        };
        std::vector<std::pair<Haplotype, size_t>> entries;
        for (size_t i = 0; i < database_size; ++i) entries.emplace_back(haplotype(man(), "db"), 1);
        const HaplotypeDatabase database(Lineage::kPaternal, std::move(entries));
        // Each family's line: the missing man and his relative `meioses` away share an ancestor.
        std::vector<Haplotype> references;
        std::vector<std::array<int, kLoci>> missing;
        for (size_t f = 0; f < families; ++f) {
          const auto line = man();
          const int up = meioses / 2, down = meioses - up;  // to the common ancestor and back
          missing.push_back(descend(line, up));
          references.push_back(haplotype(descend(line, down), "F-" + std::to_string(f)));
        }
        std::vector<std::pair<Haplotype, int>> bodies;  // 60 % of the remains are missing men
        for (size_t r = 0; r < remains; ++r) {
          const bool found = r < remains * 6 / 10 && r < families;
          bodies.emplace_back(haplotype(found ? missing[r] : man(), "R-" + std::to_string(r)),
                              found ? static_cast<int>(r) : -1);
          in_grave += found ? 1 : 0;
        }
        LineageOptions options;
        for (const auto& [body, truth] : bodies) {
          for (size_t f = 0; f < families; ++f) {
            const double lr =
                compare_lineage(database, body, references[f], meioses, options).log10_lr;
            const bool right = truth == static_cast<int>(f);
            if (lr >= 4) (right ? true_4 : false_4) += 1;
            if (lr >= 2) (right ? true_2 : false_2) += 1;
          }
        }
      }
      std::printf("%-9zu %-16s %9zu %11zu %11zu %10zu %11zu\n", database_size, relative.c_str(),
                  in_grave, true_4, false_4, true_2, false_2);
    }
  }
  return 0;
}

}  // namespace

// θ with mutation on each family's true remains: time and the shift θ makes, by references.
int theta_mutation(FrequencyTable table, size_t families, const std::string& rates) {
  FamilySimulationConfig c;
  c.families = families;
  c.remains = families;
  c.identified_share = 1;
  c.max_references = 3;
  c.seed = 7;
  const FamilySimulation s = simulate_families(table, c);
  table.add_unseen(s.remains);
  MutationModel stepwise;
  stepwise.kind = MutationModel::Kind::kStepwise;
  stepwise.marker_rates = read_mutation_rates(rates);
  struct Row {
    std::vector<double> ms, shift;
  };
  std::map<std::string, Row> rows;
  for (size_t r = 0; r < s.remains.size(); ++r) {
    if (s.truth[r] < 0) continue;
    const Family& f = s.families[static_cast<size_t>(s.truth[r])];
    const size_t missing = f.missing()[0];
    const auto t = std::chrono::steady_clock::now();
    const double with_theta =
        missing_person_lr_theta(table, f, missing, s.remains[r], 0.02, stepwise).log10_lr;
    const double ms = 1000 * seconds_since(t);
    const double without =
        MissingPersonLikelihood(table, f, missing, stepwise).lr(s.remains[r]).log10_lr;
    Row& row = rows[s.reference_kind[static_cast<size_t>(s.truth[r])]];
    row.ms.push_back(ms);
    row.shift.push_back(with_theta - without);
  }
  std::printf("%-36s %6s %9s %9s %12s %12s\n", "references", "cases", "ms median", "ms max",
              "shift median", "shift min");
  for (const auto& [kind, row] : rows) {
    std::printf("%-36s %6zu %9.1f %9.1f %12.3f %12.3f\n", kind.c_str(), row.ms.size(),
                quantile(row.ms, 0.5), quantile(row.ms, 1), quantile(row.shift, 0.5),
                quantile(row.shift, 0));
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: kinship_screen FREQUENCIES time|validate FAMILIES REMAINS [X]\n");
    return 2;
  }
  FrequencyTable table = FrequencyTable::read(argv[1]);
  const std::string mode = argv[2];
  if (mode == "grave") return grave(table, std::stoul(argv[3]), std::stoul(argv[4]));
  if (mode == "lineage") return lineage(std::stoul(argv[3]), std::stoul(argv[4]));
  if (mode == "theta-mutation") return theta_mutation(table, std::stoul(argv[3]), argv[4]);
  FamilySimulationConfig c;
  c.families = std::stoul(argv[3]);
  c.remains = std::stoul(argv[4]);
  if (mode == "validate") c.max_references = 1;  // one parent, sibling or grandparent
  if (mode == "validate" && argc > 5) c.dropout = std::stod(argv[5]);
  auto t = std::chrono::steady_clock::now();
  const FamilySimulation s = simulate_families(table, c);
  table.add_unseen(s.remains);
  std::printf("simulated %zu families, %zu remains in %.2f s\n", s.families.size(),
              s.remains.size(), seconds_since(t));
  t = std::chrono::steady_clock::now();
  const unsigned threads =
      mode == "time" && argc > 5 ? static_cast<unsigned>(std::stoul(argv[5])) : 0;
  MutationModel mutation;
  if (mode == "time" && argc > 6) mutation.kind = parse_mutation_model(argv[6]);
  if (mode == "time" && argc > 7) mutation.marker_rates = read_mutation_rates(argv[7]);
  const ScreeningIndex index(table, s.families, threads, mutation);
  std::printf("tabulated %zu families in %.2f s\n", s.families.size(), seconds_since(t));
  if (mode == "time") {
    ScreeningOptions o;
    o.threads = threads;
    const ScreeningResult r = screen(index, s.remains, o);
    std::printf(
        "screened %llu comparisons in %.2f s on %u threads: %.0f comparisons/s, %.0f per core; "
        "%zu candidates at LR >= 10,000\n",
        static_cast<unsigned long long>(r.comparisons), r.seconds, r.threads,
        static_cast<double>(r.comparisons) / r.seconds,
        static_cast<double>(r.comparisons) / r.seconds / r.threads, r.candidates.size());
    return 0;
  }
  // Validation: every pair's LR (threshold 0), grouped by the family's kind of references.
  ScreeningOptions all;
  all.threshold = 0;
  const ScreeningResult r = screen(index, s.remains, all);
  std::map<std::string, std::vector<double>> true_lr, false_lr;
  std::map<std::string, size_t> false_above, true_total, true_found;
  // Pairs that were inconsistent at some marker are left out of the candidates: LR 0.
  std::map<std::pair<uint32_t, uint32_t>, double> lr_of;
  for (const auto& cand : r.candidates) lr_of[{cand.remains, cand.family}] = cand.log10_lr;
  for (uint32_t rem = 0; rem < s.remains.size(); ++rem) {
    for (uint32_t f = 0; f < s.families.size(); ++f) {
      const auto it = lr_of.find({rem, f});
      const double v = it == lr_of.end() ? -INFINITY : it->second;
      const std::string& kind = s.reference_kind[f];
      if (s.truth[rem] == static_cast<int>(f)) {
        true_lr[kind].push_back(v);
        ++true_total[kind];
        true_found[kind] += v >= 4 ? 1 : 0;
      } else {
        false_lr[kind].push_back(v);
        false_above[kind] += v >= 4 ? 1 : 0;
      }
    }
  }
  std::printf("%-32s %6s %28s %28s %12s %10s\n", "references", "true", "true log10 LR q05/q50/q95",
              "false log10 LR q50/q99/max", "false >=1e4", "found");
  for (const auto& [kind, values] : false_lr) {
    std::printf("%-32s %6zu %8.2f / %6.2f / %6.2f   %8.2f / %6.2f / %6.2f %12.2e %9.3f\n",
                kind.c_str(), true_total[kind], quantile(true_lr[kind], 0.05),
                quantile(true_lr[kind], 0.5), quantile(true_lr[kind], 0.95), quantile(values, 0.5),
                quantile(values, 0.99), quantile(values, 1.0),
                static_cast<double>(false_above[kind]) / static_cast<double>(values.size()),
                true_total[kind]
                    ? static_cast<double>(true_found[kind]) / static_cast<double>(true_total[kind])
                    : NAN);
  }
  return 0;
}
