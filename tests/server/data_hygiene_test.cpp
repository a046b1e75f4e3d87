// Everyday data hygiene through the application layer and the API: look-alikes and
// plausibility warnings at entry and at import, the same file refused, `check` as a job,
// corrections as ledger entries with their reasons.
#include <gtest/gtest.h>

#include "app/analyses.h"
#include "app/records.h"
#include "server_fixture.h"

namespace athar::testing {
namespace {

using app::Role;

class DataHygiene : public ServedAthar {
 protected:
  static bool has(const std::vector<registry::Warning>& warnings, const std::string& problem) {
    return std::any_of(warnings.begin(), warnings.end(), [&](const registry::Warning& w) {
      return w.problem.find(problem) != std::string::npos;
    });
  }
  core::Json finished(const std::string& id) {
    core::Json job;
    for (int i = 0; i < 2000; ++i) {
      job = core::Json::parse(client().Get("/api/jobs/" + id, bearer(Role::kAdmin))->body);
      if (job["state"] != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return job;
  }
};

// The demo lists Samer Khaled al-Tajribi, born 1985 (synthetic).
TEST_F(DataHygiene, ImportNamesLookAlikesAndImplausibleRowsAndRefusesTheSameFile) {
  app::Session admin = admin_session();
  const std::string csv = scratch_.write(
      "second-list.csv",
      "given_name_lat,father_name_lat,family_name_lat,birth_date,detained_on\n"
      "Samer,Khaled,al-Tajribi,1985,2013\n"   // the demo's person again
      "Samer,Khaled,al-Tajribi,1962,2013\n"   // same name, another generation: not him
      "Nadim,Fawzi,al-Unknown,1890,2012\n");  // 122 at detention
  const app::Imported imported =
      app::import_records(admin, csv, app::ImportFormat::kPersonsCsv, {"source-0004", "victim"});
  ASSERT_EQ(imported.report.rows, 3);
  std::vector<std::string> look_alike_subjects;
  for (const auto& w : imported.warnings) {
    if (w.problem.find("looks like a person") != std::string::npos) {
      look_alike_subjects.push_back(w.subject);
      EXPECT_EQ(w.candidates, std::vector<std::string>{"person-000001"}) << w.text();
    }
  }
  EXPECT_EQ(look_alike_subjects.size(), 1u);  // the 1962 namesake is not him
  EXPECT_TRUE(has(imported.warnings, "implausible age"));
  try {
    app::import_records(admin, csv, app::ImportFormat::kPersonsCsv, {"source-0004", "victim"});
    FAIL() << "the same file twice";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("second-list.csv"), std::string::npos) << e.what();
  }
}

TEST_F(DataHygiene, EntryWarnsButStoresAndTheApiSaysSo) {
  app::Session admin = admin_session();
  std::vector<registry::Warning> warnings;
  const registry::Record swapped =
      app::add_record(admin, registry::kind_spec(registry::Kind::kSite),
                      {{"name_lat", "Swapped"},
                       {"latitude", "36.29"},
                       {"longitude", "33.51"},
                       {"governorate", "Damascus"}},
                      {}, {}, &warnings);
  EXPECT_TRUE(has(warnings, "swapped"));
  EXPECT_NO_THROW(admin.registry().get(swapped.id()));  // stored all the same
  warnings.clear();
  app::add_record(admin, registry::kind_spec(registry::Kind::kPerson),
                  {{"role", "victim"},
                   {"given_name_ar", "سامر"},
                   {"father_name_ar", "خالد"},
                   {"family_name_ar", "التجريبي"}},
                  {}, "source-0004", &warnings);
  EXPECT_TRUE(has(warnings, "looks like a person")) << (warnings.empty() ? "" : warnings[0].text());

  // Over HTTP: the reply carries the warning; the check job lists it with the rest.
  auto res = client().Post("/api/sites", bearer(Role::kInvestigator),
                           R"({"fields":{"name_lat":"Cyprus","latitude":35.0,"longitude":33.0,)"
                           R"("governorate":"damascus"}})",
                           "application/json");
  ASSERT_EQ(res->status, 201) << res->body;
  const core::Json added = core::Json::parse(res->body);
  ASSERT_TRUE(added.contains("warnings")) << res->body;
  EXPECT_NE(added["warnings"][0].get<std::string>().find("outside Syria"), std::string::npos);
  res = client().Post("/api/jobs/check", bearer(Role::kAnalyst), "", "application/json");
  ASSERT_EQ(res->status, 202) << res->body;
  const core::Json job = finished(core::Json::parse(res->body)["id"]);
  ASSERT_EQ(job["state"], "done") << job.dump();
  std::set<std::string> subjects;
  for (const auto& w : job["result"]["warnings"]) subjects.insert(w["subject"].get<std::string>());
  EXPECT_TRUE(subjects.count(swapped.id()));
  EXPECT_TRUE(subjects.count(added["id"].get<std::string>()));
}

TEST_F(DataHygiene, CorrectionsThroughTheApiAreLedgerEntriesWithTheirReasons) {
  auto res = client().Patch("/api/persons/person-000002", bearer(Role::kInvestigator),
                            R"({"fields":{"status":"identified"}})", "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  res = client().Post("/api/persons/person-000002/correct", bearer(Role::kViewer),
                      R"({"fields":{"status":"missing"},"reason":"x"})", "application/json");
  EXPECT_EQ(res->status, 403) << res->body;
  res = client().Post("/api/persons/person-000002/correct", bearer(Role::kInvestigator),
                      R"({"fields":{"status":"missing"}})", "application/json");
  EXPECT_EQ(res->status, 400) << res->body;  // no reason
  res = client().Post("/api/persons/person-000002/correct", bearer(Role::kInvestigator),
                      R"({"fields":{"status":"missing"},"reason":"identified in error"})",
                      "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  res = client().Get("/api/persons/person-000002", bearer(Role::kAnalyst));
  const core::Json shown = core::Json::parse(res->body);
  ASSERT_TRUE(shown.contains("changes")) << res->body;
  const core::Json& last = shown["changes"].back();
  EXPECT_EQ(last["op"], "registry.correct");
  EXPECT_EQ(last["field"], "status");
  EXPECT_EQ(last["old"], "identified");
  EXPECT_EQ(last["new"], "missing");
  EXPECT_EQ(last["reason"], "identified in error");
  EXPECT_EQ(last["by"], "user-investigator");
  // Retracted: out of the list, still shown, named in the summary's count.
  res = client().Post("/api/persons/person-000003/retract", bearer(Role::kInvestigator),
                      R"({"reason":"entered twice"})", "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  const core::Json list =
      core::Json::parse(client().Get("/api/persons?limit=100", bearer(Role::kAnalyst))->body);
  for (const auto& r : list["records"]) EXPECT_NE(r["id"], "person-000003");
  const core::Json all = core::Json::parse(
      client().Get("/api/persons?limit=100&include_retracted=true", bearer(Role::kAnalyst))->body);
  EXPECT_EQ(all["records"].size(), list["records"].size() + 1);
}

}  // namespace
}  // namespace athar::testing
