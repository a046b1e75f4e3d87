// The pedigree likelihood against the pairwise IBD formulas: a family with one typed relative
// of the missing person must give exactly the pairwise LR of that relationship (both are exact
// without mutation and θ), marker by marker, on profiles drawn from the West Asia table.
#include "kinship/pedigree.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.h"
#include "test_support.h"

namespace athar::kinship {
namespace {

const std::string kWestAsia = std::string(ATHAR_SOURCE_DIR) + "/tests/kinship/data/west-asia.txt";

Allele draw_allele(const FrequencyTable& t, size_t m, std::mt19937_64& rng) {
  std::discrete_distribution<size_t> d(t.marker(m).frequency.begin(), t.marker(m).frequency.end());
  return t.marker(m).alleles[d(rng)];
}

Profile random_profile(const FrequencyTable& t, const std::string& name, std::mt19937_64& rng,
                       const Profile* share_with = nullptr) {
  Profile p{name, std::vector<Genotype>(t.size()), "", 0};
  for (size_t m = 0; m < t.size(); ++m) {
    Allele a = draw_allele(t, m, rng), b = draw_allele(t, m, rng);
    if (share_with && rng() % 4 != 0)
      a = rng() % 2 ? share_with->markers[m].a : share_with->markers[m].b;
    p.markers[m] = {std::min(a, b), std::max(a, b)};
  }
  return p;
}

// Builds a family from (name, sex, father, mother) rows; `typed` gets the reference.
Family family(
    const std::vector<std::tuple<std::string, std::string, std::string, std::string>>& rows,
    const std::string& typed, const Profile& reference, const std::string& missing) {
  Family f{"F-1", {}};
  for (const auto& [name, sex, father, mother] : rows) {
    Member m;
    m.name = name;
    m.sex = sex;
    m.missing = name == missing;
    if (name == typed) m.profile = reference;
    f.members.push_back(m);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    f.members[i].father = f.member_index(std::get<2>(rows[i]));
    f.members[i].mother = f.member_index(std::get<3>(rows[i]));
  }
  return f;
}

void same_as_pairwise(const Family& f, const Profile& reference, Relationship r, double dropout) {
  const FrequencyTable t = FrequencyTable::read(kWestAsia);
  std::mt19937_64 rng(11);
  const MissingPersonLikelihood likelihood(t, f, f.missing()[0]);
  for (int trial = 0; trial < 5; ++trial) {
    Profile remains = random_profile(t, "bone", rng, &reference);
    remains.dropout = dropout;
    if (dropout > 0) {  // some markers show one allele only
      for (size_t m = 0; m < t.size(); m += 3) remains.markers[m].b = remains.markers[m].a;
    }
    const PairwiseResult pedigree = likelihood.lr(remains);
    const PairwiseResult pairwise = pairwise_lr(t, reference, remains, r, 0);
    ASSERT_EQ(pedigree.per_marker.size(), pairwise.per_marker.size());
    for (size_t i = 0; i < pedigree.per_marker.size(); ++i) {
      EXPECT_NEAR(pedigree.per_marker[i].lr, pairwise.per_marker[i].lr,
                  1e-9 * std::max(1.0, pairwise.per_marker[i].lr))
          << relationship_name(r) << " marker " << t.marker(pedigree.per_marker[i].marker).name;
    }
  }
}

class PedigreeVsPairwise : public ::testing::Test {
 protected:
  PedigreeVsPairwise() : table_(FrequencyTable::read(kWestAsia)), rng_(5) {
    reference_ = random_profile(table_, "ref", rng_);
  }
  FrequencyTable table_;
  std::mt19937_64 rng_;
  Profile reference_;
};

TEST_F(PedigreeVsPairwise, ParentChild) {
  const Family f = family({{"father", "male", "", ""},
                           {"mother", "female", "", ""},
                           {"son", "male", "father", "mother"}},
                          "father", reference_, "son");
  same_as_pairwise(f, reference_, Relationship::kParentChild, 0);
  same_as_pairwise(f, reference_, Relationship::kParentChild, 0.2);  // degraded remains
}

TEST_F(PedigreeVsPairwise, FullSiblings) {
  const Family f = family({{"father", "male", "", ""},
                           {"mother", "female", "", ""},
                           {"brother", "male", "father", "mother"},
                           {"missing", "male", "father", "mother"}},
                          "brother", reference_, "missing");
  same_as_pairwise(f, reference_, Relationship::kFullSiblings, 0);
}

TEST_F(PedigreeVsPairwise, HalfSiblingsGrandparentAvuncularCousins) {
  same_as_pairwise(family({{"father", "male", "", ""},
                           {"mother", "female", "", ""},
                           {"stepmother", "female", "", ""},
                           {"half", "male", "father", "stepmother"},
                           {"missing", "male", "father", "mother"}},
                          "half", reference_, "missing"),
                   reference_, Relationship::kHalfSiblings, 0);
  same_as_pairwise(family({{"grandfather", "male", "", ""},
                           {"grandmother", "female", "", ""},
                           {"father", "male", "grandfather", "grandmother"},
                           {"mother", "female", "", ""},
                           {"missing", "male", "father", "mother"}},
                          "grandmother", reference_, "missing"),
                   reference_, Relationship::kGrandparent, 0);
  same_as_pairwise(family({{"grandfather", "male", "", ""},
                           {"grandmother", "female", "", ""},
                           {"father", "male", "grandfather", "grandmother"},
                           {"uncle", "male", "grandfather", "grandmother"},
                           {"mother", "female", "", ""},
                           {"missing", "male", "father", "mother"}},
                          "uncle", reference_, "missing"),
                   reference_, Relationship::kAvuncular, 0);
  same_as_pairwise(family({{"grandfather", "male", "", ""},
                           {"grandmother", "female", "", ""},
                           {"father", "male", "grandfather", "grandmother"},
                           {"uncle", "male", "grandfather", "grandmother"},
                           {"mother", "female", "", ""},
                           {"aunt_in_law", "female", "", ""},
                           {"cousin", "female", "uncle", "aunt_in_law"},
                           {"missing", "male", "father", "mother"}},
                          "cousin", reference_, "missing"),
                   reference_, Relationship::kFirstCousins, 0);
}

// Both parents typed: P(child | parents) / P(child), e.g. AA × BB → AB: 1 / (2 pa pb).
TEST(Pedigree, BothParentsTyped) {
  const FrequencyTable t({{"M1", {100, 110, 120}, {0.2, 0.3, 0.5}}});
  Family f{"F-2", {}};
  f.members = {{"father", "male", -1, -1, false, {"f", {{100, 100}}, "", 0}},
               {"mother", "female", -1, -1, false, {"m", {{110, 110}}, "", 0}},
               {"child", "female", 0, 1, true, {}}};
  const MissingPersonLikelihood l(t, f, 2);
  EXPECT_NEAR(l.lr({"bone", {{100, 110}}, "", 0}).lr, 1 / (2 * 0.2 * 0.3), 1e-12);
  EXPECT_EQ(l.lr({"bone", {{100, 120}}, "", 0}).lr, 0);
  EXPECT_EQ(l.lr({"bone", {{100, 120}}, "", 0}).inconsistent_markers, 1u);
  EXPECT_NEAR(l.genotype_probability(0, 100, 110), 1, 1e-12);
}

TEST(Pedigree, BadFamiliesNameFamilyAndMember) {
  testing::ScratchDir dir;
  const FrequencyTable t = FrequencyTable::read(kWestAsia);
  const Profile ref{"ref-1", std::vector<Genotype>(t.size(), Genotype{80, 110}), "", 0};
  const std::string head = "family,member,sex,father,mother,sample,missing\n";
  const auto error = [&](const std::string& rows) -> std::string {
    try {
      read_families(dir.write("families.csv", head + rows), {ref}, t);
    } catch (const core::InputError& e) {
      return e.what();
    }
    return "(no error)";
  };
  const std::string parents = "F1,dad,male,-,-,ref-1,no\nF1,mum,female,-,-,,no\n";
  EXPECT_EQ(error(parents + "F1,son,male,dad,mum,,yes\n"), "(no error)");
  EXPECT_NE(error("F1,dad,female,-,-,ref-1,no\nF1,mum,female,-,-,,no\nF1,son,male,dad,mum,,yes\n")
                .find("'dad': is female"),
            std::string::npos);
  EXPECT_NE(error(parents + "F1,son,male,dad,aunt,,yes\n").find("no such member"),
            std::string::npos);
  EXPECT_NE(error("F1,a,male,b,c,ref-1,no\nF1,b,male,a,c,,no\nF1,c,female,-,-,,yes\n")
                .find("own ancestor"),
            std::string::npos);
  EXPECT_NE(error(parents + "F1,son,male,dad,mum,,no\n").find("no missing member"),
            std::string::npos);
  EXPECT_NE(error("F1,dad,male,-,-,,no\nF1,mum,female,-,-,,no\nF1,son,male,dad,mum,,yes\n")
                .find("nobody is typed"),
            std::string::npos);
  EXPECT_NE(error(parents + "F1,son,male,dad,-,,yes\n").find("both parents"), std::string::npos);
  EXPECT_NE(error(parents + "F1,son,male,dad,mum,ref-9,yes\n").find("ref-9"), std::string::npos);
  const auto families =
      read_families(dir.write("ok.csv", head + parents + "F1,son,male,dad,mum,,yes\n"), {ref}, t);
  const std::string drawn = draw_family(families[0]);
  EXPECT_NE(drawn.find("son (male, child of dad and mum)  MISSING"), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("dad (male)  typed: ref-1"), std::string::npos) << drawn;
}

}  // namespace
}  // namespace athar::kinship
