// Synthetic Syrian-style victim lists with known truth (`athar simulate lists`), for measuring
// linkage and victim-count estimation. Every name is drawn from lists of common given names and
// from family names made up of Arabic letters: no real person is described.
//
// The population is made of families, because real lists are: a clan (a family name and a
// grandfather) has one to four households (brothers, each a father); a household loses one to
// five children, brothers and sisters who share father, grandfather, family name and mother and
// often disappeared the same year; cousins share grandfather and family name. Given names are
// skewed as in Syria (Muhammad very common, a long tail of rarer names) and distinct within a
// household. Each list documents each person with a probability that depends on the list's
// coverage and on how visible the person is (capture is heterogeneous, as in real lists), and
// some lists name a person twice. What a list records is damaged as lists are: parts missing,
// letter variants and typos, given and family name swapped, the birth written as a full date, a
// year, a year derived from an age (one off), or not at all, sex missing or wrong, and in some
// lists the names in Latin letters with varying transliterations.
//
//   SimulationConfig c;  c.population = 100000;
//   c.lists = {{0.5, 0.0, 0.03}, {0.3, 0.5}, {0.2, 1.0}};
//   Simulation s = simulate_lists(c);   // s.records (list, true person), s.household_of
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace athar::linkage {

struct ListSpec {
  double coverage;        // expected share of the population the list documents
  double latin_share;     // share of its records written in Latin letters
  double duplicates = 0;  // share of its persons it names twice (two damaged copies)
};

struct SimulationConfig {
  size_t population = 10000;
  std::vector<ListSpec> lists = {{0.5, 0.0, 0.03}, {0.35, 0.3, 0.02}, {0.2, 1.0, 0.0}};
  double typo_rate = 0.05;     // per name part
  double heterogeneity = 1.0;  // 0: every person equally likely to be listed
  uint64_t seed = 1;
};

struct SimulatedRecord {
  uint32_t person;                                         // the truth
  uint32_t list;                                           // 0-based
  std::string given, father, grandfather, family, mother;  // Arabic or Latin script
  bool latin = false;
  std::string sex;
  std::string birth;  // "YYYY-MM-DD", "YYYY" or ""
  std::string governorate, disappeared;
};

struct Simulation {
  size_t population = 0;
  std::vector<SimulatedRecord> records;
  std::vector<uint32_t> household_of;  // per person: brothers and sisters share it
  std::vector<uint32_t> clan_of;       // per person: cousins share it
};

Simulation simulate_lists(const SimulationConfig& config);

// Writes list-N.csv files in the form `athar import persons` reads, and truth.csv
// (list, row, person, household, clan).
void write_simulation(const Simulation& s, const std::string& folder);

}  // namespace athar::linkage
