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

// With θ: the pedigree's joint sampling of founder alleles gives the θ-corrected pairwise LR.
void same_as_pairwise_with_theta(const Family& f, const Profile& reference, Relationship r) {
  const FrequencyTable t = FrequencyTable::read(kWestAsia);
  std::mt19937_64 rng(13);
  for (int trial = 0; trial < 2; ++trial) {
    Profile remains = random_profile(t, "bone", rng, &reference);
    // A handful of markers keeps the enumeration quick under the sanitizers.
    for (size_t m = 6; m < t.size(); ++m) remains.markers[m] = {};
    const PairwiseResult pedigree = missing_person_lr_theta(t, f, f.missing()[0], remains, 0.03);
    const PairwiseResult pairwise = pairwise_lr(t, reference, remains, r, 0.03);
    ASSERT_EQ(pedigree.per_marker.size(), pairwise.per_marker.size());
    for (size_t i = 0; i < pedigree.per_marker.size(); ++i) {
      EXPECT_NEAR(pedigree.per_marker[i].lr, pairwise.per_marker[i].lr,
                  1e-9 * std::max(1.0, pairwise.per_marker[i].lr))
          << relationship_name(r) << " marker " << t.marker(pedigree.per_marker[i].marker).name;
    }
    const PairwiseResult no_theta = missing_person_lr_theta(t, f, f.missing()[0], remains, 0);
    const PairwiseResult engine = MissingPersonLikelihood(t, f, f.missing()[0]).lr(remains);
    for (size_t i = 0; i < engine.per_marker.size(); ++i) {
      EXPECT_NEAR(no_theta.per_marker[i].lr, engine.per_marker[i].lr,
                  1e-9 * std::max(1.0, engine.per_marker[i].lr));
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
  same_as_pairwise_with_theta(f, reference_, Relationship::kParentChild);
}

// θ in a large pedigree: members that bear on nobody typed (eleven untyped brothers, the
// father's untyped parents) are left out exactly, so the θ LR is still the pairwise one.
TEST_F(PedigreeVsPairwise, ThetaInALargePedigreeLeavesOutWhatBearsOnNobody) {
  std::vector<std::tuple<std::string, std::string, std::string, std::string>> rows{
      {"grandfather", "male", "", ""},
      {"grandmother", "female", "", ""},
      {"father", "male", "grandfather", "grandmother"},
      {"mother", "female", "", ""},
      {"brother", "male", "father", "mother"},
      {"missing", "male", "father", "mother"}};
  for (int i = 0; i < 11; ++i)
    rows.emplace_back("untyped-" + std::to_string(i), "male", "father", "mother");
  same_as_pairwise_with_theta(family(rows, "brother", reference_, "missing"), reference_,
                              Relationship::kFullSiblings);
  same_as_pairwise_with_theta(family(rows, "mother", reference_, "missing"), reference_,
                              Relationship::kParentChild);
  // Eleven typed brothers all bear on the missing one: too many inheritance patterns, so the
  // parents' allele values are enumerated instead; at θ = 0 that is the engine's LR.
  Family typed = family(rows, "brother", reference_, "missing");
  std::mt19937_64 rng(23);
  const Profile father = random_profile(table_, "f", rng),
                mother = random_profile(table_, "m", rng);
  const auto child_of_them = [&](const std::string& name) {  // Mendel's draw from the parents
    Profile p{name, std::vector<Genotype>(table_.size()), "", 0};
    for (size_t m = 0; m < table_.size(); ++m) {
      const Allele a = rng() % 2 ? father.markers[m].a : father.markers[m].b;
      const Allele b = rng() % 2 ? mother.markers[m].a : mother.markers[m].b;
      p.markers[m] = {std::min(a, b), std::max(a, b)};
    }
    return p;
  };
  for (Member& m : typed.members)
    if (m.name == "brother" || m.name.rfind("untyped-", 0) == 0) m.profile = child_of_them(m.name);
  Profile remains = child_of_them("bone");
  size_t kept = 0;  // two markers with few alleles: the parents' values are enumerated
  for (size_t m = 0; m < table_.size(); ++m) {
    if (kept < 2 && table_.marker(m).alleles.size() <= 10) {
      ++kept;
    } else {
      remains.markers[m] = {};
    }
  }
  ASSERT_EQ(kept, 2u);
  const size_t missing = typed.missing()[0];
  const PairwiseResult engine = MissingPersonLikelihood(table_, typed, missing).lr(remains);
  const PairwiseResult at_zero = missing_person_lr_theta(table_, typed, missing, remains, 0);
  ASSERT_EQ(engine.per_marker.size(), at_zero.per_marker.size());
  for (size_t i = 0; i < engine.per_marker.size(); ++i)
    EXPECT_NEAR(at_zero.per_marker[i].lr, engine.per_marker[i].lr,
                1e-9 * std::max(1.0, engine.per_marker[i].lr));
  EXPECT_TRUE(
      std::isfinite(missing_person_lr_theta(table_, typed, missing, remains, 0.02).log10_lr));
  // A half-brother by an untyped second wife: three untyped founders, still enumerated on
  // markers with few alleles.
  Family wider = typed;
  wider.members.push_back({"second-wife", "female", -1, -1, false, {}});
  wider.members.push_back(
      {"half", "male", 2, static_cast<int>(wider.members.size()) - 1, false, {}});
  wider.members.back().profile = child_of_them("half");
  wider.members.back().profile.markers.assign(table_.size(), {});  // untyped: nothing changes
  EXPECT_NEAR(missing_person_lr_theta(table_, wider, missing, remains, 0).log10_lr,
              at_zero.log10_lr, 1e-9);
}

// Enumerating the founders' values and enumerating inheritance patterns agree, with θ, with
// and without mutation, on the families of one generation both can take.
TEST_F(PedigreeVsPairwise, FounderValuesAgreeWithInheritancePatterns) {
  MutationModel stepwise;
  stepwise.kind = MutationModel::Kind::kStepwise;
  stepwise.male_rate = 0.004;
  stepwise.female_rate = 0.001;
  std::mt19937_64 rng(29);
  const Profile sister = random_profile(table_, "sister", rng, &reference_);
  Family brothers = family({{"father", "male", "", ""},
                            {"mother", "female", "", ""},
                            {"brother", "male", "father", "mother"},
                            {"sister", "female", "father", "mother"},
                            {"missing", "male", "father", "mother"}},
                           "brother", reference_, "missing");
  brothers.members[3].profile = sister;
  const std::vector<Family> families{family({{"father", "male", "", ""},
                                             {"mother", "female", "", ""},
                                             {"son", "male", "father", "mother"}},
                                            "father", reference_, "son"),
                                     brothers,
                                     family({{"missing", "male", "", ""},
                                             {"wife", "female", "", ""},
                                             {"son", "male", "missing", "wife"}},
                                            "son", reference_, "missing")};
  for (const Family& f : families) {
    const size_t missing = f.missing()[0];
    Profile remains = random_profile(table_, "bone", rng, &reference_);
    for (size_t m = 4; m < table_.size(); ++m) remains.markers[m] = {};
    remains.dropout = 0.1;
    remains.markers[1].b = remains.markers[1].a;
    for (const MutationModel& model : {MutationModel{}, stepwise}) {
      const auto patterns = missing_person_lr_theta(table_, f, missing, remains, 0.03, model);
      const auto values =
          missing_person_lr_theta_by_founder_values(table_, f, missing, remains, 0.03, model);
      ASSERT_EQ(patterns.per_marker.size(), values.per_marker.size());
      for (size_t i = 0; i < values.per_marker.size(); ++i)
        EXPECT_NEAR(values.per_marker[i].lr, patterns.per_marker[i].lr,
                    1e-9 * std::max(1.0, patterns.per_marker[i].lr))
            << f.members[missing].name << " marker " << i;
    }
  }
}

TEST_F(PedigreeVsPairwise, FullSiblings) {
  const Family f = family({{"father", "male", "", ""},
                           {"mother", "female", "", ""},
                           {"brother", "male", "father", "mother"},
                           {"missing", "male", "father", "mother"}},
                          "brother", reference_, "missing");
  same_as_pairwise(f, reference_, Relationship::kFullSiblings, 0);
  same_as_pairwise_with_theta(f, reference_, Relationship::kFullSiblings);
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

TEST_F(PedigreeVsPairwise, SecondDegreeAndCousinsWithTheta) {
  same_as_pairwise_with_theta(family({{"grandfather", "male", "", ""},
                                      {"grandmother", "female", "", ""},
                                      {"father", "male", "grandfather", "grandmother"},
                                      {"mother", "female", "", ""},
                                      {"missing", "male", "father", "mother"}},
                                     "grandmother", reference_, "missing"),
                              reference_, Relationship::kGrandparent);
  same_as_pairwise_with_theta(family({{"grandfather", "male", "", ""},
                                      {"grandmother", "female", "", ""},
                                      {"father", "male", "grandfather", "grandmother"},
                                      {"uncle", "male", "grandfather", "grandmother"},
                                      {"mother", "female", "", ""},
                                      {"aunt_in_law", "female", "", ""},
                                      {"cousin", "female", "uncle", "aunt_in_law"},
                                      {"missing", "male", "father", "mother"}},
                                     "cousin", reference_, "missing"),
                              reference_, Relationship::kFirstCousins);
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

namespace athar::kinship {
namespace {

TEST(Mutation, MatricesHoldTheirRates) {
  const Marker m{"M", {80, 90, 93, 100, 110, 120}, {0.1, 0.2, 0.05, 0.3, 0.25, 0.1}};
  const size_t n = m.alleles.size();
  for (auto kind : {MutationModel::Kind::kEqual, MutationModel::Kind::kProportional,
                    MutationModel::Kind::kStepwise}) {
    const auto matrix = mutation_matrix(m, kind, 0.002, 0.1);
    double overall = 0;
    for (size_t i = 0; i < n; ++i) {
      double row = 0;
      for (size_t j = 0; j < n; ++j) row += matrix[i * n + j];
      EXPECT_NEAR(row, 1, 1e-12);
      overall += m.frequency[i] * (1 - matrix[i * n + i]);
    }
    if (kind == MutationModel::Kind::kProportional) {
      EXPECT_NEAR(overall, 0.002, 1e-12);  // the rate is the overall chance of a mutation
      for (size_t j = 0; j < n; ++j) {     // and the frequencies stay as they are
        double q = 0;
        for (size_t i = 0; i < n; ++i) q += m.frequency[i] * matrix[i * n + j];
        EXPECT_NEAR(q, m.frequency[j], 1e-12);
      }
    } else {
      for (size_t i = 0; i < n; ++i) EXPECT_NEAR(matrix[i * n + i], 0.998, 1e-12);
    }
  }
  const auto step = mutation_matrix(m, MutationModel::Kind::kStepwise, 0.002, 0.1);
  // From 10: to 11 (one step) ten times likelier than to 12 (two); to 9.3 (a fraction) rare.
  EXPECT_NEAR(step[3 * n + 4] / step[3 * n + 5], 10, 1e-9);
  EXPECT_LT(step[3 * n + 2], step[3 * n + 4] / 100);
  EXPECT_THROW(parse_mutation_model("random"), core::InputError);
}

// Parent–child with mutation, written out: the father's alleles pass through the male matrix;
// the untyped mother's allele is drawn from the frequencies and then mutated too (every
// transmission mutates: Familias' convention), so it follows p·M, not p.
TEST(Mutation, ParentChildMatchesTheFormulaAndSurvivesAnExclusion) {
  const FrequencyTable t({{"M1", {100, 110, 120, 130}, {0.2, 0.3, 0.4, 0.1}}});
  Family f{"F-3", {}};
  f.members = {{"father", "male", -1, -1, false, {"f", {{100, 110}}, "", 0}},
               {"mother", "female", -1, -1, false, {}},
               {"child", "male", 0, 1, true, {}}};
  MutationModel model;
  model.kind = MutationModel::Kind::kStepwise;
  model.male_rate = 0.004;
  model.female_rate = 0.001;
  const MissingPersonLikelihood l(t, f, 2, model);
  const auto male = mutation_matrix(t.marker(0), model.kind, model.male_rate, model.range);
  const auto female = mutation_matrix(t.marker(0), model.kind, model.female_rate, model.range);
  const std::vector<double> p = t.marker(0).frequency;
  const auto from_father = [&](size_t x) { return 0.5 * (male[0 * 4 + x] + male[1 * 4 + x]); };
  const auto from_mother = [&](size_t x) {
    double q = 0;
    for (size_t i = 0; i < 4; ++i) q += p[i] * female[i * 4 + x];
    return q;
  };
  for (size_t c = 0; c < 4; ++c) {
    for (size_t d = c; d < 4; ++d) {
      const double related =
          c == d ? from_father(c) * from_mother(c)
                 : from_father(c) * from_mother(d) + from_father(d) * from_mother(c);
      const double unrelated = c == d ? p[c] * p[c] : 2 * p[c] * p[d];
      const Profile remains{"bone", {{t.marker(0).alleles[c], t.marker(0).alleles[d]}}, "", 0};
      const double lr = l.lr(remains).lr;
      EXPECT_NEAR(lr, related / unrelated, 1e-12 * related / unrelated) << c << d;
      EXPECT_GT(lr, 0);  // 12/13 is no longer an exclusion, only unlikely
    }
  }
}

TEST(Mutation, PerMarkerRatesFromAFile) {
  testing::ScratchDir dir;
  const auto rates = read_mutation_rates(
      dir.write("rates.txt", "# marker, fathers', mothers'\nFGA\t0.003\t0.0005\nTH01\t0\t0\n"));
  MutationModel model;
  model.marker_rates = rates;
  EXPECT_EQ(model.rates_of("fga"), (std::pair{0.003, 0.0005}));
  EXPECT_EQ(model.rates_of("TH01"), (std::pair{0.0, 0.0}));
  EXPECT_EQ(model.rates_of("TPOX"), (std::pair{model.male_rate, model.female_rate}));
  EXPECT_THROW(read_mutation_rates(dir.write("bad.txt", "FGA\t0.003\tlots\n")), core::InputError);
  EXPECT_THROW(read_mutation_rates(dir.write("twice.txt", "FGA\t0\t0\nfga\t0\t0\n")),
               core::InputError);
}

// A mutation model with rate 0 gives the lumped engine's LRs exactly.
TEST(Mutation, RateZeroIsTheModelWithoutMutation) {
  const FrequencyTable t = FrequencyTable::read(kWestAsia);
  std::mt19937_64 rng(9);
  const Profile reference = random_profile(t, "ref", rng);
  const Family f = family({{"grandfather", "male", "", ""},
                           {"grandmother", "female", "", ""},
                           {"father", "male", "grandfather", "grandmother"},
                           {"mother", "female", "", ""},
                           {"missing", "male", "father", "mother"}},
                          "grandmother", reference, "missing");
  MutationModel none;
  none.kind = MutationModel::Kind::kEqual;
  none.male_rate = none.female_rate = 0;
  const MissingPersonLikelihood lumped(t, f, 4), full(t, f, 4, none);
  for (int trial = 0; trial < 3; ++trial) {
    const Profile remains = random_profile(t, "bone", rng, &reference);
    const auto x = lumped.lr(remains), y = full.lr(remains);
    ASSERT_EQ(x.per_marker.size(), y.per_marker.size());
    for (size_t i = 0; i < x.per_marker.size(); ++i)
      EXPECT_NEAR(x.per_marker[i].lr, y.per_marker[i].lr, 1e-9 * std::max(1.0, x.per_marker[i].lr));
  }
}

// θ together with a mutation model, against a brute force written out on a three-allele marker:
// every founder allele value enumerated and sampled jointly (Balding–Nichols, draw by draw),
// every child's allele a parent's copy passed through that parent's matrix. The family: a typed
// father, an untyped mother, a typed brother and the missing son; under "unrelated" the remains'
// two alleles are two more draws.
TEST(ThetaWithMutation, AgreesWithTheBruteForce) {
  const FrequencyTable t({{"M1", {100, 110, 120}, {0.5, 0.3, 0.2}}});
  Family f{"F-4", {}};
  f.members = {{"father", "male", -1, -1, false, {"f", {{100, 110}}, "", 0}},
               {"mother", "female", -1, -1, false, {}},
               {"brother", "male", 0, 1, false, {"b", {{110, 120}}, "", 0}},
               {"son", "male", 0, 1, true, {}}};
  MutationModel model;
  model.kind = MutationModel::Kind::kStepwise;
  model.male_rate = 0.02;
  model.female_rate = 0.01;
  const double theta = 0.05;
  const auto male = mutation_matrix(t.marker(0), model.kind, model.male_rate, model.range);
  const auto female = mutation_matrix(t.marker(0), model.kind, model.female_rate, model.range);
  const std::vector<double> p = t.marker(0).frequency;
  const auto sampled = [&](const std::vector<size_t>& draws) {
    double q = 1;
    for (size_t k = 0; k < draws.size(); ++k) {
      double same = 0;
      for (size_t j = 0; j < k; ++j) same += draws[j] == draws[k] ? 1 : 0;
      q *= (same * theta + (1 - theta) * p[draws[k]]) / (1 + (static_cast<double>(k) - 1) * theta);
    }
    return q;
  };
  // P(a child of parents (f1, f2) × (m1, m2) shows {x, y}).
  const auto child = [&](size_t f1, size_t f2, size_t m1, size_t m2, size_t x, size_t y) {
    const auto from_father = [&](size_t c) { return 0.5 * (male[f1 * 3 + c] + male[f2 * 3 + c]); };
    const auto from_mother = [&](size_t c) {
      return 0.5 * (female[m1 * 3 + c] + female[m2 * 3 + c]);
    };
    return x == y ? from_father(x) * from_mother(x)
                  : from_father(x) * from_mother(y) + from_father(y) * from_mother(x);
  };
  for (size_t x = 0; x < 3; ++x) {
    for (size_t y = x; y < 3; ++y) {
      double related = 0, unrelated = 0;
      for (size_t f1 = 0; f1 < 3; ++f1)
        for (size_t f2 = 0; f2 < 3; ++f2)
          for (size_t m1 = 0; m1 < 3; ++m1)
            for (size_t m2 = 0; m2 < 3; ++m2) {
              const bool father_seen = (f1 == 0 && f2 == 1) || (f1 == 1 && f2 == 0);
              if (!father_seen) continue;
              const double family = sampled({f1, f2, m1, m2}) * child(f1, f2, m1, m2, 1, 2);
              related += family * child(f1, f2, m1, m2, x, y);
              const double orders = x == y ? 1 : 2;
              unrelated += orders * sampled({f1, f2, m1, m2, x, y}) * child(f1, f2, m1, m2, 1, 2);
            }
      const Profile remains{"bone", {{t.marker(0).alleles[x], t.marker(0).alleles[y]}}, "", 0};
      const double lr = missing_person_lr_theta(t, f, 3, remains, theta, model).lr;
      EXPECT_NEAR(lr, related / unrelated, 1e-12 * related / unrelated) << x << y;
      EXPECT_EQ(lr, missing_person_lr(t, f, 3, remains, model, theta).lr);
    }
  }
}

// θ = 0 under mutation is the mutation engine; rate 0 under θ is θ without mutation — on the
// West Asia table, degraded remains included, for the kinds of reference families give.
TEST_F(PedigreeVsPairwise, ThetaWithMutationMeetsBothEnginesAtTheirLimits) {
  const std::vector<std::pair<std::string, Family>> families{
      {"father", family({{"father", "male", "", ""},
                         {"mother", "female", "", ""},
                         {"son", "male", "father", "mother"}},
                        "father", reference_, "son")},
      {"brother", family({{"father", "male", "", ""},
                          {"mother", "female", "", ""},
                          {"brother", "male", "father", "mother"},
                          {"missing", "male", "father", "mother"}},
                         "brother", reference_, "missing")},
      {"grandmother", family({{"grandfather", "male", "", ""},
                              {"grandmother", "female", "", ""},
                              {"father", "male", "grandfather", "grandmother"},
                              {"mother", "female", "", ""},
                              {"missing", "male", "father", "mother"}},
                             "grandmother", reference_, "missing")},
      {"son of the missing", family({{"missing", "male", "", ""},
                                     {"wife", "female", "", ""},
                                     {"son", "male", "missing", "wife"}},
                                    "son", reference_, "missing")}};
  MutationModel stepwise;
  stepwise.kind = MutationModel::Kind::kStepwise;
  stepwise.male_rate = 0.004;
  stepwise.female_rate = 0.001;
  MutationModel rate_zero;
  rate_zero.kind = MutationModel::Kind::kEqual;
  rate_zero.male_rate = rate_zero.female_rate = 0;
  std::mt19937_64 rng(17);
  for (const auto& [name, f] : families) {
    const size_t missing = f.missing()[0];
    const MissingPersonLikelihood engine(table_, f, missing, stepwise);
    for (int trial = 0; trial < 2; ++trial) {
      Profile remains = random_profile(table_, "bone", rng, &reference_);
      for (size_t m = 5; m < table_.size(); ++m) remains.markers[m] = {};  // quick under ASan
      for (Allele a : table_.marker(0).alleles) {  // an exclusion only mutation explains
        if (a != reference_.markers[0].a && a != reference_.markers[0].b)
          remains.markers[0] = {a, a};
      }
      if (trial == 1) {
        remains.dropout = 0.1;
        remains.markers[1].b = remains.markers[1].a;
      }
      const auto x = engine.lr(remains);
      const auto y = missing_person_lr_theta(table_, f, missing, remains, 0, stepwise);
      ASSERT_EQ(x.per_marker.size(), y.per_marker.size()) << name;
      for (size_t i = 0; i < x.per_marker.size(); ++i)
        EXPECT_NEAR(x.per_marker[i].lr, y.per_marker[i].lr,
                    1e-9 * std::max(1.0, x.per_marker[i].lr))
            << name << " marker " << i;
      const auto z = missing_person_lr_theta(table_, f, missing, remains, 0.03, rate_zero);
      const auto w = missing_person_lr_theta(table_, f, missing, remains, 0.03);
      ASSERT_EQ(z.per_marker.size(), w.per_marker.size()) << name;
      for (size_t i = 0; i < z.per_marker.size(); ++i)
        EXPECT_NEAR(z.per_marker[i].lr, w.per_marker[i].lr,
                    1e-9 * std::max(1.0, w.per_marker[i].lr))
            << name << " marker " << i;
      // Both at once: θ lowers a true match's LR, mutation keeps an excluded marker possible.
      const auto both = missing_person_lr_theta(table_, f, missing, remains, 0.03, stepwise);
      EXPECT_TRUE(std::isfinite(both.log10_lr)) << name;
    }
  }
}

}  // namespace
}  // namespace athar::kinship
