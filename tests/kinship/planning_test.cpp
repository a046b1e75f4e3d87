#include "kinship/planning.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "kinship/simulate.h"

namespace athar::kinship {
namespace {

const std::string kWestAsia = std::string(ATHAR_SOURCE_DIR) + "/tests/kinship/data/west-asia.txt";

// A trio: father and mother typed, their child missing; or one grandparent typed.
Family trio(const FamilySimulation& s, bool grandparent_only) {
  Family f{"T", {}};
  const auto add = [&](const std::string& name, const std::string& sex, int father, int mother) {
    Member m;
    m.name = name;
    m.sex = sex;
    m.father = father;
    m.mother = mother;
    f.members.push_back(m);
  };
  add("grandfather", "male", -1, -1);
  add("grandmother", "female", -1, -1);
  add("father", "male", 0, 1);
  add("mother", "female", -1, -1);
  add("missing", "", 2, 3);
  f.members[4].missing = true;
  // Genotypes: any references of the simulation will do (only their shape matters here).
  if (grandparent_only) {
    f.members[0].profile = s.references[0];
  } else {
    f.members[2].profile = s.references[0];
    f.members[3].profile = s.references[1];
  }
  return f;
}

// With both parents typed, the exclusion power is, per marker, the chance that a random genotype
// does not take one allele from each parent — counted here over every genotype of the table.
TEST(Planning, ExclusionPowerOfATrioByCounting) {
  FrequencyTable table = FrequencyTable::read(kWestAsia);
  const FamilySimulation s = simulate_families(table, {.families = 2, .remains = 0});
  const Family f = trio(s, false);
  double not_excluded = 1;
  for (size_t m = 0; m < table.size(); ++m) {
    const Genotype& fa = f.members[2].profile.markers[m];
    const Genotype& mo = f.members[3].profile.markers[m];
    if (!fa.typed() && !mo.typed()) continue;
    const Marker& marker = table.marker(m);
    double consistent = 0;
    for (size_t i = 0; i < marker.alleles.size(); ++i) {
      for (size_t j = i; j < marker.alleles.size(); ++j) {
        const Allele a = marker.alleles[i], b = marker.alleles[j];
        const auto from = [](const Genotype& g, Allele x) {
          return !g.typed() || g.a == x || g.b == x;
        };
        const bool ok = (from(fa, a) && from(mo, b)) || (from(fa, b) && from(mo, a));
        if (ok) consistent += (i == j ? 1 : 2) * marker.frequency[i] * marker.frequency[j];
      }
    }
    not_excluded *= consistent;
  }
  const FamilyPower p = family_power(table, f, 4, 10000, 1000, 1);
  EXPECT_NEAR(p.exclusion_power, 1 - not_excluded, 1e-12);
  EXPECT_GT(p.exclusion_power, 0.999999);
  EXPECT_GT(p.power_at_threshold, 0.99);  // both parents: a true child is found
  EXPECT_EQ(p.simulations, 1000u);
}

// One grandparent finds far less than both parents; the expected figures say so before anyone is
// typed, and the figures for the family as typed agree with them in the main.
TEST(Planning, ParentsFindMoreThanAGrandparent) {
  FrequencyTable table = FrequencyTable::read(kWestAsia);
  const FamilySimulation s = simulate_families(table, {.families = 2, .remains = 0});
  const FamilyPower parents = expected_power(table, trio(s, false), 4, 10000, 200, 3);
  const FamilyPower grandparent = expected_power(table, trio(s, true), 4, 10000, 200, 3);
  EXPECT_GT(parents.power_at_threshold, 0.97);
  EXPECT_LT(grandparent.power_at_threshold, 0.2);
  EXPECT_GT(parents.exclusion_power, 0.9999);
  EXPECT_EQ(grandparent.exclusion_power,
            0);  // a grandparent shares one allele at most: no exclusion
  EXPECT_GT(parents.median_log10_lr, grandparent.median_log10_lr + 5);
  const FamilyPower now = family_power(table, trio(s, true), 4, 10000, 2000, 5);
  EXPECT_NEAR(now.median_log10_lr, grandparent.median_log10_lr, 1.5);
  EXPECT_THROW(family_power(table, trio(s, true), 4, 0.5, 10, 1), core::InputError);
  EXPECT_THROW(family_power(table, trio(s, true), 4, 10, 0, 1), core::InputError);
}

}  // namespace
}  // namespace athar::kinship
