#include "linkage/simulate.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/csv.h"
#include "core/error.h"
#include "names/normalise.h"
#include "test_support.h"

namespace athar::linkage {
namespace {

TEST(Simulate, ListsCoverThePopulationAsConfigured) {
  SimulationConfig c;
  c.population = 20000;
  c.heterogeneity = 0;  // every person equally likely: coverage is then the expected share
  for (ListSpec& l : c.lists) l.duplicates = 0;
  const Simulation s = simulate_lists(c);
  std::map<uint32_t, size_t> per_list;
  std::map<uint32_t, std::set<uint32_t>> persons;
  for (const SimulatedRecord& r : s.records) {
    ++per_list[r.list];
    EXPECT_TRUE(persons[r.list].insert(r.person).second) << "a list names a person twice";
    EXPECT_FALSE(r.given.empty() && r.family.empty());  // importable: a name is required
    EXPECT_EQ(names::has_arabic_letters(r.given + r.family), !r.latin)
        << r.given << " " << r.family;
  }
  for (uint32_t l = 0; l < c.lists.size(); ++l) {
    EXPECT_NEAR(static_cast<double>(per_list[l]) / 20000.0, c.lists[l].coverage, 0.02) << l;
  }
}

// Persons come in families: brothers and sisters share father, grandfather, family name and
// mother and have different given names; cousins share grandfather and family name. Some lists
// name a person twice.
TEST(Simulate, PopulationOfFamiliesAndListsWithDuplicates) {
  SimulationConfig c;
  c.population = 20000;
  c.typo_rate = 0;
  c.lists = {{0.9, 0.0, 0.1}, {0.5, 0.0, 0.0}};
  const Simulation s = simulate_lists(c);
  ASSERT_EQ(s.household_of.size(), c.population);
  // Records in Arabic script with every part present, one per person and list.
  std::map<uint32_t, std::map<uint32_t, const SimulatedRecord*>> households;
  std::map<uint32_t, size_t> records_per_person_in_first;
  for (const SimulatedRecord& r : s.records) {
    if (r.list == 0) ++records_per_person_in_first[r.person];
    if (r.father.empty() || r.grandfather.empty() || r.family.empty() || r.given.empty()) continue;
    households[s.household_of[r.person]][r.person] = &r;
  }
  size_t sibling_pairs = 0, same_given = 0, shared_nasab = 0;
  for (const auto& [household, members] : households) {
    for (auto a = members.begin(); a != members.end(); ++a) {
      for (auto b = std::next(a); b != members.end(); ++b) {
        ++sibling_pairs;
        const SimulatedRecord &x = *a->second, &y = *b->second;
        same_given += x.given == y.given && x.sex == y.sex;
        shared_nasab += x.father == y.father && x.grandfather == y.grandfather &&
                        (x.family == y.family || x.family == y.given || y.family == x.given);
        EXPECT_EQ(s.clan_of[a->first], s.clan_of[b->first]);
      }
    }
  }
  EXPECT_GT(sibling_pairs, 1000u);
  EXPECT_GE(shared_nasab, sibling_pairs * 98 / 100);
  EXPECT_LT(same_given, sibling_pairs / 100 + 5);
  // About a tenth of the first list's persons are named twice; nobody three times.
  size_t twice = 0;
  for (const auto& [person, count] : records_per_person_in_first) {
    EXPECT_LE(count, 2u);
    twice += count == 2;
  }
  EXPECT_NEAR(static_cast<double>(twice) / records_per_person_in_first.size(), 0.1, 0.02);
}

TEST(Simulate, HeterogeneousCaptureMakesOverlapLargerThanIndependence) {
  SimulationConfig c;
  c.population = 20000;
  c.heterogeneity = 1.0;
  const Simulation s = simulate_lists(c);
  std::map<uint32_t, int> lists_of;
  for (const SimulatedRecord& r : s.records) lists_of[r.person] |= 1 << r.list;
  double in_first = 0, in_second = 0, in_both = 0;
  for (const auto& [person, mask] : lists_of) {
    in_first += mask & 1;
    in_second += (mask >> 1) & 1;
    in_both += (mask & 3) == 3;
  }
  // Visible persons are on more lists: the overlap exceeds what independence would give.
  EXPECT_GT(in_both / 20000.0, 1.2 * (in_first / 20000.0) * (in_second / 20000.0));
}

TEST(Simulate, WritesImportableListsWithTheirTruth) {
  testing::ScratchDir dir;
  SimulationConfig c;
  c.population = 500;
  const Simulation s = simulate_lists(c);
  write_simulation(s, dir.file("out"));
  size_t rows = 0;
  for (int l = 1; l <= 3; ++l) {
    core::CsvReader csv(dir.file("out/list-" + std::to_string(l) + ".csv"));
    std::vector<std::string_view> row;
    ASSERT_TRUE(csv.next(row));
    EXPECT_EQ(row[0], "given_name_ar");
    while (csv.next(row)) ++rows;
  }
  EXPECT_EQ(rows, s.records.size());
  core::CsvReader truth(dir.file("out/truth.csv"));
  std::vector<std::string_view> row;
  size_t truth_rows = 0;
  truth.next(row);
  while (truth.next(row)) ++truth_rows;
  EXPECT_EQ(truth_rows, s.records.size());
  EXPECT_EQ(row.size(), 5u);  // list, row, person, household, clan
  EXPECT_THROW(simulate_lists({0, {{0.5, 0}}, 0.05, 1, 1}), core::InputError);
}

}  // namespace
}  // namespace athar::linkage
