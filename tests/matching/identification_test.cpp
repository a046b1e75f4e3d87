// The identification workflow in the registry: pedigrees built from missing persons' records and
// their relatives' reference samples give the LRs of the same pedigrees written by hand; a
// confirmed decision identifies the remains and the person; below the reporting threshold a
// second reviewer is needed.
#include "matching/identification.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/text.h"
#include "kinship/screening.h"
#include "kinship/simulate.h"
#include "matching/kinship_store.h"
#include "registry/registry_fixture.h"

namespace athar::matching {
namespace {

using registry::Kind;
using registry::Record;

class IdentificationTest : public registry::RegistryTest {
 protected:
  void SetUp() override {
    kinship::FamilySimulationConfig c;
    c.families = 12;
    c.remains = 16;
    c.identified_share = 0.75;
    c.seed = 7;
    sim_ = kinship::simulate_families(table_, c);
    kinship::write_family_simulation(sim_, table_, dir_.file("sim"));
    add_profiles(registry_, table_, dir_.file("sim/references.csv"), "reference");
    add_profiles(registry_, table_, dir_.file("sim/remains.csv"), "remains");
    site_ = add(Kind::kSite, {{"name_lat", "Demo grave"},
                              {"latitude", "33.5"},
                              {"longitude", "36.3"},
                              {"governorate", "Damascus"}})
                .id();
    // A missing person per family, a reference sample per typed relative with the relation the
    // simulated pedigree gives them.
    for (const kinship::Family& f : sim_.families) {
      const kinship::Member& missing = f.members[f.missing()[0]];
      const std::string sex = missing.sex.empty() ? "unknown" : missing.sex;
      const std::string person =
          add(Kind::kPerson, {{"given_name_lat", "Synthetic"},
                              {"family_name_lat", ("al-Tajribi " + f.id).c_str()},
                              {"role", "victim"},
                              {"sex", sex.c_str()}})
              .id();
      persons_.push_back(person);
      for (const kinship::Member& m : f.members) {
        if (!m.typed()) continue;
        add(Kind::kSample, {{"kind", "reference"},
                            {"sample_number", ("lab-" + m.profile.sample).c_str()},
                            {"missing_person", person.c_str()},
                            {"relation", relation(f, missing, m).c_str()},
                            {"consent", "identification_only"},
                            {"profile", m.profile.sample.c_str()}});
      }
    }
    for (const kinship::Profile& p : sim_.remains) {
      const std::string remains =
          add(Kind::kRemains, {{"site", site_.c_str()},
                               {"label", ("Trench A / " + p.sample).c_str()},
                               {"recovered_on", "2025-03-02"}})
              .id();
      remains_.push_back(remains);
      add(Kind::kSample, {{"kind", "remains"},
                          {"sample_number", ("lab-" + p.sample).c_str()},
                          {"remains", remains.c_str()},
                          {"profile", p.sample.c_str()}});
    }
    table_.add_unseen(sim_.remains);
  }

  // How `m` is related to the missing member in the simulated pedigree.
  static std::string relation(const kinship::Family& f, const kinship::Member& missing,
                              const kinship::Member& m) {
    const auto index = [&](const kinship::Member& x) { return f.member_index(x.name); };
    if (index(m) == missing.father) return "father";
    if (index(m) == missing.mother) return "mother";
    if (m.father >= 0 && m.father == missing.father && m.mother == missing.mother)
      return "full_sibling";
    const kinship::Member& father = f.members[static_cast<size_t>(missing.father)];
    const kinship::Member& mother = f.members[static_cast<size_t>(missing.mother)];
    if (index(m) == father.father) return "paternal_grandfather";
    if (index(m) == father.mother) return "paternal_grandmother";
    if (index(m) == mother.father) return "maternal_grandfather";
    if (index(m) == mother.mother) return "maternal_grandmother";
    ADD_FAILURE() << "no relation for " << m.name << " in " << f.id;
    return "";
  }

  kinship::FrequencyTable table_ = kinship::FrequencyTable::read(
      std::string(ATHAR_SOURCE_DIR) + "/data/str-frequencies/west-asia.txt");
  kinship::FamilySimulation sim_;
  std::string site_;
  std::vector<std::string> persons_, remains_;
};

// The registry's pedigrees give exactly the LRs of the pedigrees as simulated, for every pair.
TEST_F(IdentificationTest, PedigreesFromTheRegistryGiveTheSimulatedPedigreesLrs) {
  const auto families = person_families(registry_, table_);
  ASSERT_EQ(families.size(), sim_.families.size());
  for (size_t f = 0; f < families.size(); ++f) {
    EXPECT_EQ(families[f].id, persons_[f]);
    const kinship::MissingPersonLikelihood built(table_, families[f], families[f].missing()[0]);
    const kinship::MissingPersonLikelihood simulated(table_, sim_.families[f],
                                                     sim_.families[f].missing()[0]);
    for (const kinship::Profile& r : sim_.remains) {
      const double a = built.lr(r).log10_lr, b = simulated.lr(r).log10_lr;
      if (b == -INFINITY) {
        EXPECT_EQ(a, b) << families[f].id << " " << r.sample;
      } else {
        EXPECT_NEAR(a, b, 1e-9 * std::max(1.0, std::abs(b))) << families[f].id << " " << r.sample;
      }
    }
  }
  // A person whose relatives gave no typed sample has no pedigree.
  const std::string lone =
      add(Kind::kPerson, {{"given_name_lat", "Lone"}, {"role", "victim"}}).id();
  EXPECT_FALSE(family_of_person(registry_, table_, lone));
  // A sample not typed yet is left out and said so.
  add(Kind::kSample, {{"kind", "reference"},
                      {"sample_number", "lab-untyped"},
                      {"missing_person", persons_[0].c_str()},
                      {"relation", "paternal_uncle"},
                      {"consent", "identification_only"}});
  const auto first = family_of_person(registry_, table_, persons_[0]);
  ASSERT_TRUE(first);
  ASSERT_FALSE(first->notes.empty());
  EXPECT_NE(first->notes.back().find("not typed yet"), std::string::npos);
}

// Every relation a donor can have builds a valid pedigree joined to the missing person.
TEST_F(IdentificationTest, EveryRelationJoinsTheMissingPerson) {
  const std::string person =
      add(Kind::kPerson, {{"given_name_lat", "Relations"}, {"role", "victim"}, {"sex", "female"}})
          .id();
  const std::string profile = sim_.references[0].sample;
  for (const char* relation :
       {"father", "mother", "child", "full_sibling", "paternal_half_sibling",
        "maternal_half_sibling", "paternal_grandfather", "paternal_grandmother",
        "maternal_grandfather", "maternal_grandmother", "paternal_uncle", "paternal_aunt",
        "maternal_uncle", "maternal_aunt", "paternal_cousin", "maternal_cousin", "spouse"}) {
    add(Kind::kSample, {{"kind", "reference"},
                        {"sample_number", (std::string("lab-") + relation).c_str()},
                        {"missing_person", person.c_str()},
                        {"relation", relation},
                        {"consent", "identification_only"},
                        {"profile", profile.c_str()}});
  }
  const auto built = family_of_person(registry_, table_, person);
  ASSERT_TRUE(built);
  EXPECT_TRUE(built->notes.empty()) << built->notes[0];
  const kinship::Family& f = built->family;
  size_t typed = 0;
  for (const auto& m : f.members) typed += m.typed() ? 1 : 0;
  EXPECT_EQ(typed, 17u);
  const kinship::Member& missing = f.members[f.missing()[0]];
  EXPECT_EQ(missing.name, person);
  // The missing woman's child has her as mother and the typed spouse as father.
  for (const auto& m : f.members) {
    if (m.father >= 0 && f.members[static_cast<size_t>(m.mother)].name == person) {
      EXPECT_EQ(f.members[static_cast<size_t>(m.father)].sex, "male");
      EXPECT_TRUE(f.members[static_cast<size_t>(m.father)].typed());  // the spouse's sample
    }
  }
  EXPECT_NO_THROW(kinship::check_family(f));
}

// A confirmation at or above the threshold identifies the remains and the person; below it a
// second account must confirm; remains identified as one person cannot be given to another.
TEST_F(IdentificationTest, ConfirmedDecisionsIdentifyAndLowOnesNeedASecondReviewer) {
  const auto families = person_families(registry_, table_);
  const kinship::ScreeningIndex index(table_, families, 2);
  kinship::ScreeningOptions options;
  options.threshold = 10000;
  const auto screened = kinship::screen(index, sim_.remains, options);
  ASSERT_FALSE(screened.candidates.empty());
  const auto& top = screened.candidates.front();
  ASSERT_EQ(sim_.truth[top.remains], static_cast<int>(top.family));
  const auto decide = [&](registry::Registry& reg, uint32_t remains, uint32_t family,
                          const char* decision, double threshold = 10000) {
    KinshipDecision d;
    d.remains = sim_.remains[remains].sample;
    d.family = families[family].id;
    d.member = families[family].id;
    d.decision = decision;
    d.log10_lr = "as shown";
    d.reason = "test: LR and anthropology agree";
    DecisionModel model;
    model.threshold = threshold;
    return decide_kinship(reg, table_, d, model);
  };
  KinshipDecision d = decide(registry_, top.remains, top.family, "confirmed");
  EXPECT_EQ(d.state, "final");
  EXPECT_EQ(d.exact_log10_lr, core::shortest_number(top.log10_lr));
  EXPECT_EQ(d.identified, remains_[top.remains]);
  Record remains = registry_.get(remains_[top.remains]);
  EXPECT_EQ(remains.get("status"), "identified");
  EXPECT_EQ(remains.get("person"), families[top.family].id);
  EXPECT_EQ(registry_.get(families[top.family].id).get("status"), "identified");
  EXPECT_EQ(registry_.history(families[top.family].id).back().new_status, "identified");
  // The same remains cannot then be someone else.
  const uint32_t other = top.family == 0 ? 1 : 0;
  try {
    decide(registry_, top.remains, other, "confirmed", 1);
    ADD_FAILURE() << "identified twice";
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.field(), "remains") << e.what();
    EXPECT_NE(std::string(e.what()).find("identified as " + families[top.family].id),
              std::string::npos);
  }
  // Another true pair, held to a threshold it cannot reach: two reviewers.
  uint32_t low = UINT32_MAX;
  for (uint32_t r = 0; r < sim_.remains.size(); ++r) {
    if (sim_.truth[r] >= 0 && r != top.remains && sim_.truth[r] != static_cast<int>(top.family)) {
      low = r;
      break;
    }
  }
  ASSERT_NE(low, UINT32_MAX);
  const auto family = static_cast<uint32_t>(sim_.truth[low]);
  d = decide(registry_, low, family, "confirmed", 1e300);
  EXPECT_EQ(d.state, "awaiting_second_review");
  EXPECT_TRUE(d.identified.empty());
  EXPECT_EQ(registry_.get(remains_[low]).get("status"), "unidentified");
  EXPECT_THROW(decide(registry_, low, family, "confirmed", 1e300), core::InputError);
  registry::Registry second(*db_, "second-reviewer");
  d = decide(second, low, family, "confirmed", 1e300);
  EXPECT_EQ(d.state, "final");
  EXPECT_EQ(d.first_reviewer, "tester");
  EXPECT_EQ(d.decided_by, "second-reviewer");
  EXPECT_EQ(registry_.get(remains_[low]).get("person"), families[family].id);
  // Every decision and identification is in the ledger and checks.
  EXPECT_TRUE(check_kinship(registry_).empty());
  const auto decisions = kinship_decisions(registry_);
  ASSERT_EQ(decisions.size(), 2u);
  // A decision changed behind Athar's back is found.
  db_->execute_script(
      "UPDATE kinship_decisions SET first_reviewer = 'nobody' WHERE state = 'final' "
      "AND first_reviewer <> ''");
  EXPECT_FALSE(check_kinship(registry_).empty());
}

}  // namespace
}  // namespace athar::matching
