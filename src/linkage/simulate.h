// Synthetic Syrian-style victim lists with known truth (`athar simulate lists`), for measuring
// linkage and, later, victim-count estimation. Every name is drawn from short lists of common
// given names and from family names made up of Arabic letters: no real person is described.
//
// A population of persons (given, father's, grandfather's, family and mother's names; sex; birth
// year; governorate; year of disappearance) is drawn; each list documents each person with a
// probability that depends on the list's coverage and on how visible the person is (capture is
// heterogeneous, as in real lists); what a list records is then damaged as lists are: parts
// missing, letter variants and typos, birth years one off (years derived from ages), and in some
// lists the names written in Latin letters with varying transliterations.
//
//   SimulationConfig c;  c.population = 100000;  c.lists = {{0.5, 0.0}, {0.3, 0.5}, {0.2, 1.0}};
//   Simulation s = simulate_lists(c);   // s.records (with list and true person), s.persons
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "linkage/linkage.h"

namespace athar::linkage {

struct ListSpec {
  double coverage;     // expected share of the population the list documents
  double latin_share;  // share of its records written in Latin letters
};

struct SimulationConfig {
  size_t population = 10000;
  std::vector<ListSpec> lists = {{0.5, 0.0}, {0.35, 0.3}, {0.2, 1.0}};
  double typo_rate = 0.05;     // per name part
  double heterogeneity = 1.0;  // 0: every person equally likely to be listed
  uint64_t seed = 1;
};

struct SimulatedRecord {
  uint32_t person;                                         // the truth
  uint32_t list;                                           // 0-based
  std::string given, father, grandfather, family, mother;  // Arabic or Latin script
  bool latin = false;
  std::string sex, birth_year, governorate, disappeared;
};

struct Simulation {
  size_t population = 0;
  std::vector<SimulatedRecord> records;
};

Simulation simulate_lists(const SimulationConfig& config);

// The records as a linkage Dataset (columns given, father, grandfather, family, mother, birth_year,
// governorate, disappeared; each record's list kept) with the truth, and a configuration suited to
// it.
Dataset simulation_dataset(const Simulation& s, std::vector<std::string>* truth);
LinkageConfig simulation_linkage_config();

// Writes list-N.csv files in the form `athar import persons` reads, and truth.csv
// (list, row, person).
void write_simulation(const Simulation& s, const std::string& folder);

}  // namespace athar::linkage
