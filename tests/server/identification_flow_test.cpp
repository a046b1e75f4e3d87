// The identification workflow end to end on a simulated grave whose truth is known: 200 remains
// (a tenth also found as a second fragment) and 150 families each with one parent's reference,
// imported as records, typed, screened, reviewed, identified and reported; every step in the
// ledger and `verify` clean.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "app/analyses.h"
#include "app/identification_report.h"
#include "app/instance.h"
#include "app/integrity.h"
#include "app/screening.h"
#include "app/simulated_case.h"
#include "core/csv.h"
#include "kinship/simulate.h"
#include "postgresql_support.h"
#include "test_support.h"

namespace athar {
namespace {

TEST(IdentificationFlow, SimulatedGraveFromRecordsToReports) {
  athar::testing::ScratchDir dir;
  const std::string data = dir.file("data");
  app::Instance::create(data, {}, testing::fresh_instance_database());
  app::Instance instance(data);
  app::Session admin(instance, {"admin", app::Role::kAdmin});
  app::Session analyst(instance, {"analyst", app::Role::kAnalyst});
  app::Session liaison(instance, {"liaison", app::Role::kLiaison});

  kinship::FrequencyTable table = kinship::FrequencyTable::read(app::default_frequency_table());
  kinship::FamilySimulationConfig config;
  config.families = 150;
  config.remains = 200;
  config.identified_share = 0.6;
  config.reference_kinds = {"parent"};
  config.max_references = 1;
  config.dropout = 0.1;
  config.lost_markers = 0.1;
  config.fragment_share = 0.1;
  config.seed = 7;
  const kinship::FamilySimulation sim = kinship::simulate_families(table, config);
  const std::string folder = dir.file("sim");
  kinship::write_family_simulation(sim, table, folder);
  std::ofstream(folder + "/records.json") << app::simulated_case_records(sim).dump();

  const auto imported =
      app::import_records(admin, folder + "/records.json", app::ImportFormat::kJson);
  EXPECT_EQ(imported.report.added.at("remains"), 220);
  EXPECT_EQ(imported.report.added.at("samples"), 370);
  ASSERT_EQ(app::add_genetic_profiles(admin, table, folder + "/references.csv", "reference"), 150u);
  ASSERT_EQ(app::add_genetic_profiles(admin, table, folder + "/remains.csv", "remains"), 220u);

  // Which family each person record is ("Simulated F-12"), and each remains' truth.
  std::map<std::string, std::string> family_of_person;
  registry::ListQuery all;
  all.limit = 0;
  for (const auto& p : admin.registry().list(registry::kind_spec(registry::Kind::kPerson), all))
    family_of_person[p.id()] = p.get("family_name_lat").substr(std::string("Simulated ").size());
  ASSERT_EQ(family_of_person.size(), 150u);
  std::map<std::string, std::string> truth;
  std::set<std::string> bodies_in_grave;
  {
    core::CsvReader csv(folder + "/truth.csv");
    std::vector<std::string_view> row;
    csv.next(row);
    while (csv.next(row)) {
      truth[std::string(row[0])] = std::string(row[1]);
      if (row[1] != "-") bodies_in_grave.insert(std::string(row[1]));
    }
  }

  // Fragments that match one another directly become one body: each second fragment's remains
  // record names its body; a second run changes nothing.
  const app::FragmentJoining joined = app::join_fragments(analyst);
  EXPECT_EQ(joined.bodies.size(), 20u);
  EXPECT_EQ(joined.records_updated, 20u);
  EXPECT_TRUE(joined.conflicts.empty());
  for (const auto& body : joined.bodies) {
    ASSERT_EQ(body.fragments.size(), 1u);
    const registry::Record fragment = admin.registry().get(body.fragments[0]);
    EXPECT_EQ(fragment.get("body"), body.body);
    EXPECT_EQ(fragment.get("commingled"), "yes");
    EXPECT_EQ(truth.at(body.profiles[0]), truth.at(body.profiles[1]));
  }
  EXPECT_EQ(app::join_fragments(analyst).records_updated, 0u);

  // Screening what the registry holds: a kept run.
  app::ScreenOptions options;
  options.threshold = 10000;
  const app::ScreenResult screened = app::screen_remains(&analyst, table, options);
  ASSERT_FALSE(screened.kept_run.empty());
  EXPECT_EQ(screened.missing_persons, 150u);

  // The reviewer confirms each remains' best candidate at the threshold (candidates come by
  // remains, best first), naming the run.
  size_t decisions = 0, true_ids = 0, false_ids = 0;
  std::set<std::string> found, decided_remains;
  for (const auto& c : screened.screening.candidates) {
    const std::string remains = screened.remains[c.remains].sample;
    if (!decided_remains.insert(remains).second) continue;
    matching::KinshipDecision d;
    d.remains = remains;
    d.family = screened.families[c.family].id;
    d.member = screened.families[c.family].members[c.member].name;
    d.decision = "confirmed";
    d.reason = "best candidate above the reporting threshold";
    d.run = screened.kept_run;
    const auto decided = app::decide_kinship(analyst, d);
    ++decisions;
    EXPECT_EQ(decided.state, "final");
    EXPECT_EQ(decided.identified, admin.registry().get(decided.identified).id());
    const bool right = family_of_person.at(d.family) == truth.at(remains);
    (right ? true_ids : false_ids) += 1;
    if (right) found.insert(d.family);
  }
  // The parent's reference finds almost every body in the grave, and names nobody wrongly
  // (the engine's simulated graves: 563 of 600 and none false).
  EXPECT_EQ(false_ids, 0u);
  EXPECT_GE(found.size() * 100, bodies_in_grave.size() * 88)
      << found.size() << " of " << bodies_in_grave.size();
  EXPECT_GE(true_ids, found.size());  // fragments too
  std::printf(
      "simulated grave (parent references): %zu bodies of missing persons, %zu "
      "identified (%zu remains records incl. fragments), %zu false\n",
      bodies_in_grave.size(), found.size(), true_ids, false_ids);

  // Persons identified, the others still missing; remains records name their person.
  size_t identified_persons = 0;
  for (const auto& [person, family] : family_of_person) {
    const registry::Record p = admin.registry().get(person);
    EXPECT_EQ(p.get("status") == "identified", found.contains(person)) << person;
    identified_persons += p.get("status") == "identified";
  }
  EXPECT_EQ(identified_persons, found.size());

  // A report for every identified person, by the liaison; the prior is the run's.
  // Each session holds its own connection: the admin's sees what the others appended on reload.
  admin.registry().ledger().reload();
  const uint64_t before_reports = admin.registry().ledger().size();
  for (const std::string& person : found) {
    const auto report = app::identification_report(liaison, {.person = person});
    EXPECT_EQ(report.prior_basis, "run");
    EXPECT_EQ(report.run, screened.kept_run);
    EXPECT_GE(report.log10_lr, 4);
    EXPECT_EQ(admin.registry().get(report.remains_record).get("person"), person);
    if (person == *found.begin()) {
      EXPECT_EQ(report.pdf("ar").rfind("%PDF-", 0), 0u);
    }
  }
  admin.registry().ledger().reload();
  EXPECT_EQ(admin.registry().ledger().size(), before_reports + found.size());

  // Every step in the ledger, and verify clean.
  size_t decision_entries = 0, run_entries = 0;
  for (uint64_t i = 0; i < admin.registry().ledger().size(); ++i) {
    const core::Json entry = core::Json::parse(admin.registry().ledger().entry(i));
    decision_entries += entry["op"] == "kinship.decision";
    run_entries += entry["op"] == "kinship.run";
  }
  EXPECT_EQ(decision_entries, decisions);
  EXPECT_EQ(run_entries, 1u);
  const auto verified = app::verify(admin);
  EXPECT_TRUE(verified.report.ok()) << verified.to_json().dump();
}

}  // namespace
}  // namespace athar
