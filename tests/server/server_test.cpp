// The server's promises against the moves of a caller who should not get what they ask for:
// forged writes, guessed passwords, a role raised in the database by hand, protected reads,
// and bodies that are not what they claim to be.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "app/analyses.h"
#include "app/integrity.h"
#include "app/records.h"
#include "ledger/checkpoint.h"
#include "registry/bundle.h"
#include "server/api.h"
#include "server_fixture.h"

namespace athar::testing {
namespace {

using app::Role;

class Server : public ServedAthar {
 protected:
  httplib::Result sign_in(const std::string& name, const std::string& password,
                          const std::string& totp = "") {
    core::Json body = {{"name", name}, {"password", password}};
    if (!totp.empty()) body["totp"] = totp;
    return client().Post("/api/session", body.dump(), "application/json");
  }
  std::string cookie_of(const httplib::Result& res) {
    const std::string set = res->get_header_value("Set-Cookie");
    return set.substr(0, set.find(';'));
  }
  // Someone with the database's own client, behind Athar's back.
  void sql(const std::string& statement) {
    store::open(instance_->database_url(), store::OpenMode::kExisting)->execute_script(statement);
  }
  // Polls a job until it ends; its last state.
  core::Json finished(const std::string& id, Role role) {
    core::Json job;
    for (int i = 0; i < 1200; ++i) {
      job = core::Json::parse(client().Get("/api/jobs/" + id, bearer(role))->body);
      if (job["state"] != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return job;
  }
  size_t count_sites() {
    app::Session s = admin_session();
    return static_cast<size_t>(s.registry().count(registry::kind_spec(registry::Kind::kSite)));
  }
};

TEST_F(Server, SignInSetsAStrictHttpOnlyCookieAndWritesNeedTheCsrfToken) {
  const auto res = sign_in("user-investigator", passwords_[Role::kInvestigator]);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string set = res->get_header_value("Set-Cookie");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  const std::string csrf = core::Json::parse(res->body)["csrf"];
  const std::string body =
      R"({"fields":{"name_lat":"Forged site","governorate":"Damascus","latitude":33.5,"longitude":36.3}})";
  const size_t before = count_sites();
  // A page elsewhere can make the browser send the cookie, but cannot know the token.
  auto forged = client().Post("/api/sites", {{"Cookie", cookie_of(res)}}, body, "application/json");
  EXPECT_EQ(forged->status, 403) << forged->body;
  auto wrong = client().Post("/api/sites", {{"Cookie", cookie_of(res)}, {"X-CSRF-Token", "0000"}},
                             body, "application/json");
  EXPECT_EQ(wrong->status, 403);
  EXPECT_EQ(count_sites(), before);
  auto real = client().Post("/api/sites", {{"Cookie", cookie_of(res)}, {"X-CSRF-Token", csrf}},
                            body, "application/json");
  EXPECT_EQ(real->status, 201) << real->body;
  EXPECT_EQ(count_sites(), before + 1);
  EXPECT_EQ(core::Json::parse(real->body)["created_by"], "user-investigator");
  // Reads need no token; signing out ends the cookie.
  EXPECT_EQ(client().Get("/api/session", {{"Cookie", cookie_of(res)}})->status, 200);
  EXPECT_EQ(
      client().Delete("/api/session", {{"Cookie", cookie_of(res)}, {"X-CSRF-Token", csrf}})->status,
      200);
  EXPECT_EQ(client().Get("/api/session", {{"Cookie", cookie_of(res)}})->status, 401);
}

TEST_F(Server, GuessedPasswordsAreThrottledPerAccount) {
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(sign_in("user-analyst", "wrong-password-" + std::to_string(i))->status, 403);
  // From the sixth on, even the right password waits, and is not checked.
  const auto res = sign_in("user-analyst", passwords_[Role::kAnalyst]);
  EXPECT_EQ(res->status, 429) << res->body;
  EXPECT_FALSE(res->get_header_value("Retry-After").empty());
  // An unknown name is refused with the same message as a wrong password.
  const auto unknown = sign_in("nobody-here", "whatever-password");
  EXPECT_EQ(unknown->status, 403);
  EXPECT_EQ(core::Json::parse(unknown->body)["message"],
            core::Json::parse(sign_in("user-viewer", "wrong-password-x")->body)["message"]);
}

TEST_F(Server, TotpFollowsRfc6238AndIsRequiredOnceEnabled) {
  // RFC 6238 appendix B, SHA-1 secret "12345678901234567890": T = 59 s and 1111111109 s.
  const std::vector<uint8_t> rfc_secret{'1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
                                        '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'};
  EXPECT_EQ(app::totp_code(rfc_secret, 59 / 30, 8), "94287082");
  EXPECT_EQ(app::totp_code(rfc_secret, 1111111109 / 30, 8), "07081804");
  EXPECT_EQ(app::totp_code(rfc_secret, 20000000000 / 30, 8), "65353130");
  EXPECT_EQ(app::base32_decode(app::base32_encode(rfc_secret)), rfc_secret);

  auto res =
      client().Post("/api/session/second-factor", bearer(Role::kLiaison), "", "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  const auto secret = app::base32_decode(core::Json::parse(res->body)["secret"].get<std::string>());
  ASSERT_TRUE(secret);
  EXPECT_EQ(sign_in("user-liaison", passwords_[Role::kLiaison])->status, 403);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const std::string code = app::totp_code(*secret, static_cast<uint64_t>(now) / 30);
  EXPECT_EQ(sign_in("user-liaison", passwords_[Role::kLiaison], code)->status, 200);
}

TEST_F(Server, ARoleRaisedInTheDatabaseIsRefusedAndNamedByVerify) {
  EXPECT_EQ(client().Get("/api/accounts", bearer(Role::kViewer))->status, 403);
  // Someone with a shell on the data folder makes the viewer an admin.
  sql("UPDATE accounts SET role = 'admin' WHERE name = 'user-viewer'");
  const auto res = client().Get("/api/accounts", bearer(Role::kViewer));
  EXPECT_EQ(res->status, 403) << res->body;
  EXPECT_NE(res->body.find("ledger"), std::string::npos);
  EXPECT_EQ(sign_in("user-viewer", passwords_[Role::kViewer])->status, 500);
  app::Session admin = admin_session();
  const auto verification = app::verify(admin);
  ASSERT_FALSE(verification.report.ok());
  EXPECT_EQ(verification.report.findings.front().subject, "account:user-viewer");
  // A credential already used (and so known to the server) and then changed by hand is
  // checked against the ledger again, and refused.
  ASSERT_EQ(client().Get("/api/summary", bearer(Role::kAnalyst))->status, 200);
  sql("UPDATE account_credentials SET label = 'changed by hand' WHERE account = 'user-analyst'");
  const auto changed = client().Get("/api/summary", bearer(Role::kAnalyst));
  EXPECT_NE(changed->status, 200);
  EXPECT_NE(changed->body.find("ledger"), std::string::npos) << changed->body;
  // A credential slipped into the table is refused too.
  sql("INSERT INTO account_credentials VALUES('" + std::string(64, 'a') +
      "', 'user-admin', 'api', '', '', '2026-01-01T00:00:00Z', 0)");
  EXPECT_FALSE(app::verify(admin).report.ok());
}

TEST_F(Server, ProtectedReadsNeedTheRoleAndAreLedgerEntriesNamingTheReader) {
  const std::string witnesses = "/api/witnesses/W-0001";
  const auto plain = client().Get(witnesses, bearer(Role::kAnalyst));
  ASSERT_EQ(plain->status, 200) << plain->body;
  EXPECT_EQ(plain->body.find("SYNTHETIC witness identity"), std::string::npos);
  const uint64_t before = ledger_size();
  EXPECT_EQ(
      client().Post(witnesses + "/reveal", bearer(Role::kAnalyst), "", "application/json")->status,
      403);
  EXPECT_EQ(
      client().Post(witnesses + "/reveal", bearer(Role::kLiaison), "", "application/json")->status,
      403);
  EXPECT_EQ(ledger_size(), before);
  const auto revealed =
      client().Post(witnesses + "/reveal", bearer(Role::kInvestigator), "", "application/json");
  ASSERT_EQ(revealed->status, 200) << revealed->body;
  EXPECT_NE(revealed->body.find("SYNTHETIC witness identity"), std::string::npos);
  ASSERT_EQ(ledger_size(), before + 1);
  app::Session admin = admin_session();
  const core::Json entry = core::Json::parse(admin.registry().ledger().entry(before));
  EXPECT_EQ(entry["op"], "registry.reveal");
  EXPECT_EQ(entry["record"], "W-0001");
  EXPECT_NE(entry.dump().find("user-investigator"), std::string::npos);
  // A viewer sees published aggregates only.
  EXPECT_EQ(client().Get("/api/persons", bearer(Role::kViewer))->status, 403);
  EXPECT_EQ(client().Get("/api/sites", bearer(Role::kViewer))->status, 200);
}

// A reference donor's name and contact are the family's: a liaison (or admin) reads them, each
// read a ledger entry; an investigator, who may read witnesses, may not read donors.
TEST_F(Server, DonorDetailsAreForLiaisonsAndEachReadIsInTheLedger) {
  const std::string sample = "/api/samples/sample-000002";
  const auto plain = client().Get(sample, bearer(Role::kInvestigator));
  ASSERT_EQ(plain->status, 200) << plain->body;
  EXPECT_NE(plain->body.find("\"relation\":\"mother\""), std::string::npos) << plain->body;
  EXPECT_EQ(plain->body.find("SYNTHETIC donor"), std::string::npos) << plain->body;
  const uint64_t before = ledger_size();
  for (Role role : {Role::kInvestigator, Role::kAnalyst, Role::kViewer}) {
    EXPECT_EQ(client().Post(sample + "/reveal", bearer(role), "", "application/json")->status, 403)
        << app::role_name(role);
  }
  EXPECT_EQ(
      client().Get(sample + "?reveal=1", bearer(Role::kInvestigator))->body.find("SYNTHETIC donor"),
      std::string::npos);
  EXPECT_EQ(ledger_size(), before);
  const auto revealed =
      client().Post(sample + "/reveal", bearer(Role::kLiaison), "", "application/json");
  ASSERT_EQ(revealed->status, 200) << revealed->body;
  EXPECT_NE(revealed->body.find("SYNTHETIC donor (demo)"), std::string::npos);
  ASSERT_EQ(ledger_size(), before + 1);
  app::Session admin = admin_session();
  const core::Json entry = core::Json::parse(admin.registry().ledger().entry(before));
  EXPECT_EQ(entry["op"], "registry.reveal");
  EXPECT_EQ(entry["record"], "sample-000002");
  EXPECT_NE(entry.dump().find("user-liaison"), std::string::npos);
  // A witness's identity stays out of a liaison's reach.
  EXPECT_EQ(
      client()
          .Post("/api/witnesses/W-0001/reveal", bearer(Role::kLiaison), "", "application/json")
          ->status,
      403);
}

// A liaison downloads the identification report of an identified person, in Arabic, as PDF;
// several at once render one after another; each issue is a ledger entry naming the reader.
TEST_F(Server, LiaisonDownloadsTheIdentificationReport) {
  app::Session admin = admin_session();
  const kinship::FrequencyTable table =
      kinship::FrequencyTable::read(app::default_frequency_table());
  app::add_genetic_profiles(admin, table,
                            scratch_.write("reference.csv",
                                           "sample,marker,allele1,allele2\n"
                                           "SYN-MOTHER,D1S1656,12,13\nSYN-MOTHER,TPOX,8,11\n"
                                           "SYN-MOTHER,D2S441,10,14\n"),
                            "reference");
  app::add_genetic_profiles(admin, table,
                            scratch_.write("bone.csv",
                                           "sample,marker,allele1,allele2\n"
                                           "SYN-BONE,D1S1656,12,15\nSYN-BONE,TPOX,8,8\n"
                                           "SYN-BONE,D2S441,10,11\n"),
                            "remains");
  app::update_record(admin, "sample-000001", {{"profile", "SYN-BONE"}}, {});
  app::update_record(admin, "sample-000002", {{"profile", "SYN-MOTHER"}}, {});
  const std::string person = admin.registry().get("sample-000002").get("missing_person");
  const std::string target = "/api/kinship/report?person=" + person + "&lang=ar";
  // Before a decision there is nothing to report.
  EXPECT_EQ(client().Get(target, bearer(Role::kLiaison))->status, 400);
  matching::KinshipDecision d;
  d.remains = "SYN-BONE";
  d.family = person;
  d.member = person;
  d.decision = "confirmed";
  d.reason = "synthetic test";
  const auto decided = app::decide_kinship(admin, d, {"none", 0, 1});
  ASSERT_EQ(decided.identified, "remains-000001");

  const uint64_t before = ledger_size();
  std::vector<std::thread> readers;
  std::vector<std::optional<httplib::Response>> results(3);
  for (size_t i = 0; i < results.size(); ++i) {
    readers.emplace_back([&, i] {
      if (auto res = client().Get(target, bearer(Role::kLiaison))) results[i] = *res;
    });
  }
  for (auto& t : readers) t.join();
  for (const auto& res : results) {
    ASSERT_TRUE(res.has_value());
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/pdf");
    EXPECT_EQ(res->body.rfind("%PDF-", 0), 0u);
    EXPECT_NE(res->get_header_value("Content-Disposition").find(person + "-ar.pdf"),
              std::string::npos);
    EXPECT_EQ(res->body.find("SYNTHETIC donor"), std::string::npos);
  }
  ASSERT_EQ(ledger_size(), before + results.size());
  const core::Json entry = core::Json::parse(admin.registry().ledger().entry(before));
  EXPECT_EQ(entry["op"], "kinship.report");
  EXPECT_NE(entry.dump().find("user-liaison"), std::string::npos);
  // JSON for a program; a viewer reads aggregates only.
  const auto json = client().Get(target + "&format=json", bearer(Role::kAnalyst));
  ASSERT_EQ(json->status, 200) << json->body;
  EXPECT_EQ(core::Json::parse(json->body)["remains_record"], "remains-000001");
  EXPECT_EQ(client().Get(target, bearer(Role::kViewer))->status, 403);
  EXPECT_EQ(client()
                .Get("/api/kinship/report?person=" + person + "&lang=fr", bearer(Role::kLiaison))
                ->status,
            400);
}

TEST_F(Server, BadBodiesGetAClearErrorAndWriteNothing) {
  const auto h = bearer(Role::kAdmin);
  const uint64_t before = ledger_size();
  const auto check = [&](const httplib::Result& res, int status, const std::string& says) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    const core::Json j = core::Json::parse(res->body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << res->body;
    EXPECT_NE(j.value("message", "").find(says), std::string::npos) << res->body;
  };
  check(client().Post("/api/sites", h, "{not json", "application/json"), 400, "not valid JSON");
  check(client().Post("/api/sites", h, "[1,2]", "application/json"), 400, "JSON object");
  // Invalid UTF-8 inside a string.
  check(client().Post("/api/persons", h, "{\"fields\":{\"given_name_lat\":\"\xff\xfe\"}}",
                      "application/json"),
        400, "JSON");
  check(client().Post("/api/persons", h, R"({"fields":{"no_such_field":"x"}})", "application/json"),
        400, "no_such_field");
  check(client().Post("/api/persons", h, R"({"fields":{"given_name_lat":["x"]}})",
                      "application/json"),
        400, "given_name_lat");
  check(client().Get("/api/sites?limit=abc", h), 400, "limit");
  check(client().Get("/api/sites?nosuch=1", h), 400, "nosuch");
  check(client().Get("/api/ledger/entries/99999999", h), 404, "");
  check(client().Get("/api/sites/person-000001", h), 404, "");
  check(client().Post("/api/sites", h, std::string(70 << 10, ' '), "application/json"), 413,
        "bytes");
  EXPECT_EQ(ledger_size(), before);
  // SQL metacharacters are data, stored as given.
  const std::string sly = "Robert'); DROP TABLE persons;--";
  const auto res =
      client().Patch("/api/persons/person-000001", h,
                     core::Json{{"fields", {{"notes", sly}}}}.dump(), "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(core::Json::parse(res->body)["notes"], sly);
  EXPECT_EQ(client().Get("/api/persons?limit=1", h)->status, 200);
}

TEST_F(Server, UploadedFileNamesCannotLeaveTheUploadsFolder) {
  const auto h = bearer(Role::kInvestigator);
  const auto res = client().Post(
      "/api/evidence?collected_by=team&collected_at=2025-01-05T10:30Z&filename=..%2F..%2Fathar.db",
      h, "bytes that want to replace the database", "application/octet-stream");
  ASSERT_EQ(res->status, 201) << res->body;
  const core::Json stored = core::Json::parse(res->body);
  // The database is untouched, nothing is left in uploads/, and the bytes are in the vault.
  EXPECT_EQ(client().Get("/api/summary", h)->status, 200);
  EXPECT_TRUE(std::filesystem::is_empty(data_ / "uploads"));
  const auto back =
      client().Get("/api/evidence/" + stored["evidence"].get<std::string>() + "/content", h);
  ASSERT_EQ(back->status, 200);
  EXPECT_EQ(back->body, "bytes that want to replace the database");
  EXPECT_EQ(back->get_header_value("X-Content-SHA256"), stored["sha256"]);
  // Streamed from the vault, so a broken download on a poor link resumes where it stopped.
  const auto rest =
      client().Get("/api/evidence/" + stored["evidence"].get<std::string>() + "/content",
                   httplib::Headers{*h.begin(), {"Range", "bytes=6-"}});
  ASSERT_EQ(rest->status, 206);
  EXPECT_EQ(rest->body, "that want to replace the database");
  // A body over the configured limit is refused before it is kept.
  const auto big = client().Post("/api/evidence?collected_by=t&collected_at=2025-01-05", h,
                                 std::string(kUploadLimit + 1, 'x'), "application/octet-stream");
  EXPECT_EQ(big->status, 413);
}

TEST_F(Server, RandomBodiesAreRefusedWithoutAServerErrorOrAWrite) {
  // A bounded fuzz of every write route with random bytes and mangled JSON.
  std::mt19937 rng(20261203);
  const auto h = bearer(Role::kAdmin);
  const std::vector<std::string> seeds = {R"({"fields":{"name_lat":"x"}})", R"({"fields":{}})",
                                          R"({"fields":{"latitude":"91"}})", R"({"role":7})"};
  int calls = 0;
  for (const server::Route& route : server::routes()) {
    if (route.method == "GET" || route.method == "DELETE" || route.path == "/api/evidence" ||
        route.path.find('{') != std::string::npos || route.permission == app::Permission::kPublic ||
        route.path.rfind("/api/session", 0) == 0 || route.path == "/api/tokens" ||
        route.path.rfind("/api/jobs", 0) == 0)
      continue;
    for (int i = 0; i < 25; ++i) {
      std::string body = seeds[rng() % seeds.size()];
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const size_t at = rng() % (body.size() + 1);
        if (rng() % 2) {
          body.insert(at, 1, static_cast<char>(rng() % 256));
        } else if (at < body.size()) {
          body.erase(at, 1);
        }
      }
      const uint64_t before = ledger_size();
      const auto res =
          route.method == "POST"  ? client().Post(route.path, h, body, "application/json")
          : route.method == "PUT" ? client().Put(route.path, h, body, "application/json")
                                  : client().Patch(route.path, h, body, "application/json");
      ASSERT_TRUE(res);
      ++calls;
      EXPECT_LT(res->status, 500) << route.path << " with "
                                  << core::Json(body).dump(-1, ' ', false,
                                                           core::Json::error_handler_t::replace)
                                  << ": " << res->body;
      if (res->status >= 400) {
        EXPECT_EQ(ledger_size(), before) << route.path;
      }
    }
  }
  EXPECT_GT(calls, 200);
}

TEST_F(Server, VerifyRunsAsABackgroundJob) {
  const auto h = bearer(Role::kAnalyst);
  const auto started = client().Post("/api/jobs/verify", h, "", "application/json");
  ASSERT_EQ(started->status, 202) << started->body;
  const std::string id = core::Json::parse(started->body)["id"];
  core::Json job;
  for (int i = 0; i < 600; ++i) {
    job = core::Json::parse(client().Get("/api/jobs/" + id, h)->body);
    if (job["state"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"]["ok"], true) << job.dump();
  EXPECT_EQ(job["progress"], 1.0);
  // Another role's caller does not see it.
  EXPECT_EQ(client().Get("/api/jobs/" + id, bearer(Role::kInvestigator))->status, 404);
}

TEST_F(Server, AJobReportsProgressAndACancelledImportWritesNothing) {
  app::Session admin = admin_session();
  const auto persons = [&] {
    return admin.registry().count(registry::kind_spec(registry::Kind::kPerson));
  };
  const int64_t before = persons();
  // Large enough that it is still running when the caller has seen it move.
  std::string csv = "given_name_lat,family_name_lat,birth_date\n";
  for (int i = 0; i < 400000; ++i) csv += "Synthetic" + std::to_string(i) + ",al-Test,1980\n";
  const auto h = bearer(Role::kInvestigator);
  auto res =
      client().Post("/api/jobs/import?format=persons-csv&source=source-0001", h, csv, "text/csv");
  ASSERT_EQ(res->status, 202) << res->body;
  const std::string id = core::Json::parse(res->body)["id"];
  core::Json job;
  for (int i = 0; i < 2000; ++i) {
    job = core::Json::parse(client().Get("/api/jobs/" + id, h)->body);
    if (job["state"] != "running" || job["progress"].get<double>() > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(job["state"], "running") << "the import ended before it could be cancelled";
  EXPECT_GT(job["progress"].get<double>(), 0);
  EXPECT_LT(job["progress"].get<double>(), 1);
  EXPECT_EQ(job["phase"], "rows");
  // Another investigator cannot cancel it; its owner can.
  EXPECT_EQ(client().Delete("/api/jobs/" + id, bearer(Role::kViewer))->status, 404);
  res = client().Delete("/api/jobs/" + id, h);
  ASSERT_EQ(res->status, 200) << res->body;
  job = finished(id, Role::kInvestigator);
  EXPECT_EQ(job["state"], "cancelled") << job.dump();
  EXPECT_FALSE(job.contains("result"));
  EXPECT_EQ(persons(), before);  // rolled back whole
  EXPECT_TRUE(app::verify(admin).report.ok());
}

// The server keeps an upload under a name of its own; what the caller reads names the file as
// they sent it, and the import's record too.
TEST_F(Server, AnImportsProblemsNameTheFileAsUploaded) {
  const auto h = bearer(Role::kInvestigator);
  const std::string bad = "given_name_lat,sex\nSamer,male\nKhaled,alien\n";
  auto res =
      client().Post("/api/jobs/import?format=persons-csv&source=source-0001&filename=list%20B.csv",
                    h, bad, "text/csv");
  ASSERT_EQ(res->status, 202) << res->body;
  core::Json job = finished(core::Json::parse(res->body)["id"], Role::kInvestigator);
  ASSERT_EQ(job["state"], "failed") << job.dump();
  const std::string message = job["error"]["message"];
  EXPECT_NE(message.find("list B.csv row 3"), std::string::npos) << message;
  EXPECT_EQ(message.find("uploads"), std::string::npos) << message;
  EXPECT_EQ(job["error"]["problems"][0]["value"], "alien");

  const std::string good = "given_name_lat,sex\nSamer,male\n";
  res = client().Post(
      "/api/jobs/import?format=persons-csv&source=source-0001&filename=../../etc/list%20C.csv", h,
      good, "text/csv");
  job = finished(core::Json::parse(res->body)["id"], Role::kInvestigator);
  ASSERT_EQ(job["state"], "done") << job.dump();
  // Again: refused, naming the first import by the name it was given (no folders).
  res = client().Post("/api/jobs/import?format=persons-csv&source=source-0001&filename=again.csv",
                      h, good, "text/csv");
  job = finished(core::Json::parse(res->body)["id"], Role::kInvestigator);
  ASSERT_EQ(job["state"], "failed") << job.dump();
  const std::string again = job["error"]["message"];
  EXPECT_NE(again.find("again.csv"), std::string::npos) << again;
  EXPECT_NE(again.find("imported as list C.csv"), std::string::npos) << again;
}

TEST_F(Server, APersonAddedWithASourceIsListedByIt) {
  const core::Json body = {{"fields", {{"given_name_lat", "Samer"}, {"role", "victim"}}},
                           {"listed_by", "source-0001"}};
  const auto res =
      client().Post("/api/persons", bearer(Role::kLiaison), body.dump(), "application/json");
  ASSERT_EQ(res->status, 201) << res->body;
  const std::string id = core::Json::parse(res->body)["id"];
  const auto shown = client().Get("/api/persons/" + id, bearer(Role::kLiaison));
  EXPECT_NE(shown->body.find("listed_by"), std::string::npos) << shown->body;
  const core::Json bad = {{"fields", {{"given_name_lat", "Rami"}, {"role", "victim"}}},
                          {"listed_by", 7}};
  EXPECT_EQ(
      client().Post("/api/persons", bearer(Role::kLiaison), bad.dump(), "application/json")->status,
      400);
}

TEST_F(Server, ImportAndLinkageRunAsJobsAndRefuseWhatTheyShould) {
  app::Session admin = admin_session();
  const auto persons = [&] {
    return admin.registry().count(registry::kind_spec(registry::Kind::kPerson));
  };
  const int64_t before = persons();
  const std::string csv =
      "given_name_lat,family_name_lat,birth_date\nRamiz,al-Namudhaji,1980\nRamez,al-Namudhaji,"
      "1980\n";
  auto res = client().Post("/api/jobs/import?format=persons-csv&source=source-0001",
                           bearer(Role::kLiaison), csv, "text/csv");
  ASSERT_EQ(res->status, 202) << res->body;
  core::Json job = finished(core::Json::parse(res->body)["id"], Role::kLiaison);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"]["added"]["persons"], 2);
  EXPECT_EQ(persons(), before + 2);
  // A liaison may import persons but not records of every kind.
  res = client().Post("/api/jobs/import?format=json", bearer(Role::kLiaison), "{}",
                      "application/json");
  EXPECT_EQ(res->status, 403) << res->body;
  // A bad row fails the job with the row named, and nothing of the file is written.
  res = client().Post("/api/jobs/import?format=persons-csv&source=source-0001",
                      bearer(Role::kInvestigator),
                      "given_name_lat,birth_date\nGood,1980\nBad,1980-13-45\n", "text/csv");
  ASSERT_EQ(res->status, 202) << res->body;
  job = finished(core::Json::parse(res->body)["id"], Role::kInvestigator);
  ASSERT_EQ(job["state"], "failed") << job.dump();
  EXPECT_EQ(job["error"]["error"], "input");
  EXPECT_EQ(job["error"]["field"], "birth_date");
  EXPECT_EQ(persons(), before + 2);
  EXPECT_TRUE(std::filesystem::is_empty(data_ / "uploads"));
  // Linkage: analysts run it; the two spellings above become one person.
  EXPECT_EQ(client()
                .Post("/api/jobs/linkage", bearer(Role::kInvestigator), "{}", "application/json")
                ->status,
            403);
  res = client().Post("/api/jobs/linkage", bearer(Role::kAnalyst), R"({"threshold":2})",
                      "application/json");
  EXPECT_EQ(res->status, 400) << res->body;
  res = client().Post("/api/jobs/linkage", bearer(Role::kAnalyst), "{}", "application/json");
  ASSERT_EQ(res->status, 202) << res->body;
  job = finished(core::Json::parse(res->body)["id"], Role::kAnalyst);
  ASSERT_EQ(job["state"], "done") << job.dump();
  // Victims are linked (the demo's other persons are not); some records are one person.
  EXPECT_GE(job["result"]["persons"].get<int64_t>(), 10);
  EXPECT_LT(job["result"]["entities"].get<int64_t>(), job["result"]["persons"].get<int64_t>());
  // The run's pairs for review; an analyst's decision is kept (and vouched for by the ledger).
  res = client().Get("/api/linkage/review?limit=5&all=true", bearer(Role::kInvestigator));
  ASSERT_EQ(res->status, 200) << res->body;
  const core::Json pairs = core::Json::parse(res->body);
  ASSERT_FALSE(pairs.empty());
  const core::Json decision = {{"a", pairs[0]["a"]}, {"b", pairs[0]["b"]}, {"decision", "same"}};
  EXPECT_EQ(client()
                .Post("/api/linkage/decisions", bearer(Role::kInvestigator), decision.dump(),
                      "application/json")
                ->status,
            403);
  res = client().Post(
      "/api/linkage/decisions", bearer(Role::kAnalyst),
      core::Json{{"a", "person-000001"}, {"b", "person-000002"}, {"decision", "maybe"}}.dump(),
      "application/json");
  EXPECT_EQ(res->status, 400) << res->body;
  res = client().Post("/api/linkage/decisions", bearer(Role::kAnalyst), decision.dump(),
                      "application/json");
  EXPECT_EQ(res->status, 201) << res->body;
  res = client().Get("/api/linkage/review?limit=5&all=true", bearer(Role::kAnalyst));
  EXPECT_EQ(core::Json::parse(res->body)[0]["decision"], "same") << res->body;
  EXPECT_TRUE(app::verify(admin).report.ok());
  // An estimate from that run: the demo's few persons are too few for the models, and the job
  // says so (the estimate itself is tested in tests/estimate and tests/cli).
  res = client().Post("/api/jobs/estimate", bearer(Role::kAnalyst), R"({"bootstrap":"many"})",
                      "application/json");
  EXPECT_EQ(res->status, 400) << res->body;
  res = client().Post("/api/jobs/estimate", bearer(Role::kAnalyst),
                      R"({"bootstrap":50,"record":true})", "application/json");
  ASSERT_EQ(res->status, 202) << res->body;
  job = finished(core::Json::parse(res->body)["id"], Role::kAnalyst);
  ASSERT_EQ(job["state"], "failed") << job.dump();
  EXPECT_EQ(job["error"]["error"], "input");
  EXPECT_EQ(job["error"]["problem"], "did not converge");
  EXPECT_TRUE(app::summary(admin)["estimates"].empty());
}

TEST_F(Server, DnaProfilesAreReadOnlyByTheirRolesAndEachReadIsLogged) {
  EXPECT_EQ(
      client().Get("/api/kinship/profiles?kind=reference", bearer(Role::kInvestigator))->status,
      403);
  EXPECT_EQ(client().Get("/api/kinship/profiles?kind=reference", bearer(Role::kLiaison))->status,
            403);
  const uint64_t before = ledger_size();
  const auto res = client().Get("/api/kinship/profiles?kind=reference", bearer(Role::kAnalyst));
  ASSERT_EQ(res->status, 200) << res->body;
  ASSERT_EQ(ledger_size(), before + 1);
  app::Session admin = admin_session();
  const core::Json entry = core::Json::parse(admin.registry().ledger().entry(before));
  EXPECT_EQ(entry["op"], "kinship.read");
  EXPECT_EQ(entry["actor"], "user-analyst");
  EXPECT_EQ(client().Get("/api/kinship/profiles?kind=bones", bearer(Role::kAnalyst))->status, 400);
  // The lab's results: profiles and families are stored by analysts only, all or nothing.
  const std::string references =
      "sample,marker,allele1,allele2\nlab-mother,D1S1656,12,13\nlab-mother,TH01,6,9\n";
  EXPECT_EQ(client()
                .Post("/api/kinship/profiles?kind=reference", bearer(Role::kInvestigator),
                      references, "text/csv")
                ->status,
            403);
  auto added = client().Post("/api/kinship/profiles?kind=reference", bearer(Role::kAnalyst),
                             references, "text/csv");
  ASSERT_EQ(added->status, 201) << added->body;
  EXPECT_EQ(core::Json::parse(added->body)["added"], 1);
  const std::string families =
      "family,member,sex,father,mother,sample,missing\n"
      "F-1,mother,female,-,-,lab-mother,no\nF-1,father,male,-,-,-,no\n"
      "F-1,son,male,father,mother,-,yes\n"
      "F-2,mother,female,-,-,no-such-sample,no\nF-2,son,male,-,-,-,yes\n";
  added = client().Post("/api/kinship/families", bearer(Role::kAnalyst), families, "text/csv");
  EXPECT_EQ(added->status, 400) << added->body;  // F-2 names a sample not stored: neither kept
  EXPECT_NE(added->body.find("no-such-sample"), std::string::npos) << added->body;
  added = client().Post("/api/kinship/families", bearer(Role::kAnalyst),
                        families.substr(0, families.find("F-2")), "text/csv");
  ASSERT_EQ(added->status, 201) << added->body;
  const uint64_t before_families = ledger_size();
  const auto read = client().Get("/api/kinship/families", bearer(Role::kAnalyst));
  ASSERT_EQ(read->status, 200) << read->body;
  const core::Json stored_families = core::Json::parse(read->body);
  ASSERT_EQ(stored_families.size(), 1u);
  EXPECT_EQ(stored_families[0]["id"], "F-1");
  EXPECT_EQ(stored_families[0]["members"][2]["father"], "father");
  EXPECT_EQ(stored_families[0]["members"][2]["missing"], true);
  EXPECT_EQ(stored_families[0]["members"][0]["sample"], "lab-mother");
  EXPECT_EQ(ledger_size(), before_families + 1);  // the read is in the ledger
  EXPECT_EQ(client().Get("/api/kinship/families", bearer(Role::kLiaison))->status, 403);
  EXPECT_TRUE(app::verify(admin).report.ok());
  // Screening runs as a job too (the screening itself: tests/kinship and tests/cli).
  EXPECT_EQ(
      client()
          .Post("/api/jobs/screening", bearer(Role::kAnalyst), R"({"theta":2})", "application/json")
          ->status,
      400);
  const auto started =
      client().Post("/api/jobs/screening", bearer(Role::kAnalyst), "{}", "application/json");
  ASSERT_EQ(started->status, 202) << started->body;
  const core::Json job = finished(core::Json::parse(started->body)["id"], Role::kAnalyst);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["result"]["remains"], 0);
  EXPECT_TRUE(job["result"]["candidates"].empty());
}

// A reviewer's word on a screening candidate: checked against what is stored, kept with a ledger
// entry, and a row changed behind Athar's back is named by verify.
TEST_F(Server, AKinshipDecisionIsCheckedKeptAndVerified) {
  const auto h = bearer(Role::kAnalyst);
  ASSERT_EQ(client()
                .Post("/api/kinship/profiles?kind=reference", h,
                      "sample,marker,allele1,allele2\nlab-mother,D1S1656,12,13\n", "text/csv")
                ->status,
            201);
  ASSERT_EQ(client()
                .Post("/api/kinship/profiles?kind=remains", h,
                      "sample,marker,allele1,allele2\nbone-7,D1S1656,12,14\n", "text/csv")
                ->status,
            201);
  ASSERT_EQ(client()
                .Post("/api/kinship/families", h,
                      "family,member,sex,father,mother,sample,missing\n"
                      "F-1,mother,female,-,-,lab-mother,no\nF-1,father,male,-,-,-,no\n"
                      "F-1,son,male,father,mother,-,yes\n",
                      "text/csv")
                ->status,
            201);
  const auto decide = [&](const core::Json& body, Role role = Role::kAnalyst) {
    return client().Post("/api/kinship/decisions", bearer(role), body.dump(), "application/json");
  };
  core::Json good = {{"remains", "bone-7"}, {"family", "F-1"},
                     {"member", "son"},     {"decision", "confirmed"},
                     {"log10_lr", "9.71"},  {"reason", "LR above threshold; anthropology agrees"}};
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"member", "mother"},
                                                        {"remains", "lab-mother"},
                                                        {"family", "F-9"},
                                                        {"decision", "maybe"},
                                                        {"reason", " "}}) {
    core::Json bad = good;
    bad[field] = value;
    const auto res = decide(bad);
    EXPECT_EQ(res->status, 400) << field << ": " << res->body;
    EXPECT_EQ(core::Json::parse(res->body)["field"], field) << res->body;
  }
  EXPECT_EQ(decide(good, Role::kInvestigator)->status, 403);
  const uint64_t before = ledger_size();
  auto res = decide(good);
  ASSERT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(core::Json::parse(res->body)["decided_by"], "user-analyst");
  ASSERT_EQ(ledger_size(), before + 1);
  app::Session admin = admin_session();
  EXPECT_EQ(core::Json::parse(admin.registry().ledger().entry(before))["op"], "kinship.decision");
  const auto listed = client().Get("/api/kinship/decisions", h);
  ASSERT_EQ(listed->status, 200) << listed->body;
  EXPECT_EQ(core::Json::parse(listed->body)[0]["decision"], "confirmed");
  EXPECT_EQ(client().Get("/api/kinship/decisions", bearer(Role::kInvestigator))->status, 403);
  EXPECT_TRUE(app::verify(admin).report.ok());
  // Someone with a shell on the data folder turns the decision round.
  admin.registry().database().execute_script("UPDATE kinship_decisions SET decision = 'rejected'");
  const auto report = app::verify(admin).report;
  EXPECT_FALSE(report.ok());
  bool named = false;
  for (const auto& f : report.findings) named |= f.subject == "kinship-decision:bone-7|F-1|son";
  EXPECT_TRUE(named);
}

TEST_F(Server, ABundleIsWrittenByAJobAndDownloadedByItsOwnerOnly) {
  auto res = client().Post("/api/jobs/bundle", bearer(Role::kInvestigator),
                           core::Json{{"evidence", {evidence_id_}}}.dump(), "application/json");
  ASSERT_EQ(res->status, 202) << res->body;
  const std::string id = core::Json::parse(res->body)["id"];
  const core::Json job = finished(id, Role::kInvestigator);
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["download"], "/api/jobs/" + id + "/file");
  EXPECT_EQ(client().Get("/api/jobs/" + id + "/file", bearer(Role::kAnalyst))->status, 404);
  res = client().Get("/api/jobs/" + id + "/file", bearer(Role::kInvestigator));
  ASSERT_EQ(res->status, 200);
  const std::string bundle = scratch_.write("bundle.tar", res->body);
  // It verifies with the ledger's key, as a court's expert would check it.
  const auto report = registry::verify_bundle(
      bundle, ledger::verifier_key_text(ledger::load_signing_key(data_ / "keys")));
  EXPECT_TRUE(report.ok()) << (report.findings.empty() ? "" : report.findings[0].detail);
  EXPECT_EQ(report.objects, 1u);
  // An unknown evidence id fails the job, naming it.
  res = client().Post("/api/jobs/bundle", bearer(Role::kInvestigator),
                      R"({"evidence":["evidence-009999"]})", "application/json");
  EXPECT_EQ(finished(core::Json::parse(res->body)["id"], Role::kInvestigator)["state"], "failed");
}

TEST_F(Server, ADisabledAccountsTokensStopWorking) {
  EXPECT_EQ(client().Get("/api/summary", bearer(Role::kLiaison))->status, 200);
  const auto res = client().Patch("/api/accounts/user-liaison", bearer(Role::kAdmin),
                                  R"({"disabled":true})", "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(client().Get("/api/summary", bearer(Role::kLiaison))->status, 401);
  EXPECT_EQ(sign_in("user-liaison", passwords_[Role::kLiaison])->status, 403);
  app::Session admin = admin_session();
  EXPECT_TRUE(app::verify(admin).report.ok());
}

TEST_F(Server, ConcurrentWritersAndSearchersLoseNothing) {
  app::Session admin = admin_session();
  const auto persons = [&] {
    return admin.registry().count(registry::kind_spec(registry::Kind::kPerson));
  };
  const int64_t before = persons();
  constexpr int kWriters = 8, kEach = 15;
  std::atomic<int> acknowledged{0}, searches{0}, failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      const Role role = w % 2 ? Role::kLiaison : Role::kInvestigator;
      for (int i = 0; i < kEach; ++i) {
        const core::Json body = {
            {"fields",
             {{"role", "victim"}, {"given_name_lat", "Writer"}, {"family_name_lat", "al-Test"}}}};
        const auto res =
            client().Post("/api/persons", bearer(role), body.dump(), "application/json");
        if (res && res->status == 201) {
          ++acknowledged;
        } else {
          ++failures;
        }
        // Searches meanwhile see the new persons as the index refreshes.
        const auto found = client().Get("/api/search/persons?q=Writer%20al-Test", bearer(role));
        if (found && found->status == 200) ++searches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(acknowledged.load(), kWriters * kEach);
  EXPECT_EQ(searches.load(), kWriters * kEach);
  EXPECT_EQ(persons() - before, kWriters * kEach);
  const auto found = client().Get(
      "/api/search/persons?q=Writer%20al-Test&limit=1000&min_score=0.99", bearer(Role::kAdmin));
  EXPECT_EQ(core::Json::parse(found->body)["hits"].size(), static_cast<size_t>(kWriters * kEach));
  EXPECT_TRUE(app::verify(admin).report.ok());
}

}  // namespace
}  // namespace athar::testing
