// Synthetic families and remains with known truth (`athar simulate families`), for validating
// kinship screening and timing it. Genotypes are drawn from a frequency table and passed down by
// Mendel's rules; no real person's DNA is described.
//
// Each family: grandparents, their son (the father), the mother, and two children of theirs, one
// of whom is missing. Its references are 1 to 3 of: the father or the mother (parent), the
// other child (sibling), a grandparent — drawn per family from the kinds asked for. Remains are
// the missing persons of some families (optionally degraded: markers lost, single alleles under
// dropout) and unrelated persons.
//
//   FamilySimulation s = simulate_families(table, {.families = 1000, .remains = 500});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kinship/pedigree.h"

namespace athar::kinship {

// The 23 markers of current kits (GlobalFiler / PowerPlex Fusion's shared core).
const std::vector<std::string>& standard_markers();

struct FamilySimulationConfig {
  size_t families = 1000;
  size_t remains = 1000;
  double identified_share = 0.5;  // share of the remains that are some family's missing person
  std::vector<std::string> reference_kinds = {"parent", "sibling", "grandparent"};
  size_t max_references = 3;  // 1 to this many references per family
  double dropout = 0;         // the remains' dropout probability (0: intact profiles)
  double lost_markers = 0;    // share of markers that did not type in remains
  // Share of the remains also found as a second, more degraded fragment of the same body
  // ("R-7-fragment": a third of its markers lost besides), as commingled graves give them.
  double fragment_share = 0;
  uint64_t seed = 1;
};

struct FamilySimulation {
  std::vector<Family> families;     // references typed, the missing member untyped
  std::vector<Profile> references;  // every reference profile (their samples named in families)
  std::vector<Profile> remains;
  std::vector<int> truth;                   // per remains: its family, or -1 (unrelated)
  std::vector<std::string> reference_kind;  // per family: the kinds of its references, joined
};

FamilySimulation simulate_families(const FrequencyTable& table,
                                   const FamilySimulationConfig& config);

// Writes references.csv and remains.csv (long tables), families.csv and truth.csv.
void write_family_simulation(const FamilySimulation& s, const FrequencyTable& table,
                             const std::string& folder);

}  // namespace athar::kinship
