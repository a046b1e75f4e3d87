// Drives the built `athar` binary as a user would, checking output and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "core/json.h"
#include "core/text.h"
#include "test_support.h"

namespace {

using Result = athar::testing::CommandResult;

class CliTest : public ::testing::Test {
 protected:
  Result athar(const std::string& args) {
    return athar::testing::run_command(std::string(ATHAR_BINARY) + " --data '" + dir_.file("data") +
                                       "' --actor cli-test " + args);
  }
  void init_with_demo() {
    ASSERT_EQ(athar("init").exit_code, 0);
    const Result r = athar(std::string("import ") + ATHAR_SOURCE_DIR + "/data/demo/scenario.json");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  athar::testing::ScratchDir dir_;
};

TEST_F(CliTest, HelpDocumentsExitCodes) {
  const Result r = athar("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("Exit codes:"), std::string::npos);
  EXPECT_NE(r.output.find("3  bad input"), std::string::npos);
  const Result sub = athar("person add --help");
  EXPECT_NE(sub.output.find("--given-name-ar"), std::string::npos);
  EXPECT_NE(sub.output.find("Exit codes:"), std::string::npos) << sub.output;
}

TEST_F(CliTest, InitImportSummary) {
  init_with_demo();
  const Result s = athar("summary");
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_NE(s.output.find("al-Qutayfah"), std::string::npos);
  EXPECT_NE(s.output.find("100000 (minimum)"), std::string::npos);
  EXPECT_NE(s.output.find("documented persons: 2"), std::string::npos);
  EXPECT_EQ(athar("init").exit_code, 5);  // exists already
}

TEST_F(CliTest, AddShowUpdateList) {
  ASSERT_EQ(athar("init").exit_code, 0);
  Result r = athar("source add --name 'Family association' --kind organisation");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "source-0001\n");
  r = athar(
      "site add --name-lat 'Test site' --latitude 33.5 --longitude 36.3 "
      "--governorate Damascus --reported-by 'field team' --changed-on 2025-01-02");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar(
      "site update site-0001 --status secured --reported-by guard --status-source source-0001");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar("site show site-0001");
  EXPECT_NE(r.output.find("2025-01-02  reported  reported by field team"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("secured  reported by guard (source-0001)"), std::string::npos)
      << r.output;
  r = athar("--json site list --where status=secured");
  EXPECT_NE(r.output.find("\"id\": \"site-0001\""), std::string::npos) << r.output;
  r = athar("site update site-0001 --status reported");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("cannot change from secured to reported"), std::string::npos);
}

TEST_F(CliTest, GlobalOptionsMayFollowTheSubcommand) {
  ASSERT_EQ(athar("init").exit_code, 0);
  const Result r = athar("source add --name L --kind document --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"created_by\": \"cli-test\""), std::string::npos) << r.output;
}

TEST_F(CliTest, CheckpointVerifyAndProofs) {
  init_with_demo();
  Result r = athar("checkpoint");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\n\n\xE2\x80\x94 athar/"), std::string::npos) << r.output;
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("verified: 61 ledger entries, 58 records, 1 checkpoints"),
            std::string::npos)
      << r.output;
  r = athar("ledger proof 3");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"treeSize\": 61"), std::string::npos) << r.output;
  r = athar("ledger consistency 10");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string sql = "sqlite3 '" + dir_.file("data/athar.db") +
                          "' \"UPDATE persons SET notes = 'changed' WHERE num = 1\"";
  ASSERT_EQ(std::system(sql.c_str()), 0);
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("person-000001: altered"), std::string::npos) << r.output;
}

// The adversary's next move after editing a row: an ordinary update, hoping it re-bases the
// forged state. It is refused (exit 7), nothing is written, and verify still names the edit.
TEST_F(CliTest, UpdateAfterARowEditIsRefused) {
  init_with_demo();
  const std::string db = dir_.file("data/athar.db");
  ASSERT_EQ(std::system(("sqlite3 '" + db +
                         "' \"UPDATE persons SET family_name_lat = 'Forged' WHERE num = 1\"")
                            .c_str()),
            0);
  Result r = athar("person update person-000001 --notes 'seen in a list'");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("person-000001 differs from its last ledger entry"), std::string::npos)
      << r.output;
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("person-000001: altered"), std::string::npos) << r.output;
}

// The same with evidence: its hash and size pointed at another file swapped into the vault.
TEST_F(CliTest, UpdateAfterAnEvidenceSwapIsRefused) {
  ASSERT_EQ(athar("init").exit_code, 0);
  const std::string original = dir_.write("original.txt", "the photo as collected\n");
  const std::string forged = dir_.write("forged.txt", "another picture entirely\n");
  Result r = athar("evidence add --collected-by team --collected-at 2025-01-05 " + original);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Store the forged file's bytes under its own hash, then point the record at it.
  r = athar("--json evidence add --collected-by team --collected-at 2025-01-05 " + forged);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto stored = athar::core::Json::parse(r.output);
  const std::string hash = stored["sha256"], size = std::to_string(stored["size"].get<int>());
  const std::string db = dir_.file("data/athar.db");
  ASSERT_EQ(std::system(("sqlite3 '" + db + "' \"DELETE FROM custody WHERE evidence = 2; " +
                         "DELETE FROM evidence WHERE num = 2; UPDATE evidence SET sha256 = '" +
                         hash + "', size = " + size + " WHERE num = 1\"")
                            .c_str()),
            0);
  r = athar("evidence update evidence-000001 --description 'grave 3, north trench'");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("evidence-000001: altered"), std::string::npos) << r.output;
}

// Bad input of every kind gets exit 3 (or 4 for what is not there), names what is wrong, and
// writes nothing.
TEST_F(CliTest, BadInputIsNamedAndWritesNothing) {
  init_with_demo();
  const std::string entries = athar("--json summary").output;
  const auto expect = [&](const std::string& args, int code, const std::string& says) {
    const Result r = athar(args);
    EXPECT_EQ(r.exit_code, code) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(says), std::string::npos) << args << "\n" << r.output;
  };
  expect("import " + dir_.write("ev.json", R"({"evidence":[{"sha256":"00","size":1}]})"), 3,
         "only through intake");
  expect("import " + dir_.write("cu.json", R"({"custody":[{"evidence":"evidence-000001"}]})"), 3,
         "only through intake");
  expect(
      "import " + dir_.write("dup.json", R"({"sources":[{"name":"a","name":"b","kind":"other"}]})"),
      3, "a key appears twice");
  expect("import " + dir_.write("arr.json", R"({"sources":[{"name":["a"],"kind":"other"}]})"), 3,
         "expected text or a number");
  expect(
      "claim add --subject site-0001 --topic body_count --figure-kind minimum "
      "--source source-0001 --figure 99999999999999999999999",
      3, "99999999999999999999999");
  expect("import " + dir_.write("big.json",
                                R"({"claims":[{"subject":"site-0001","topic":"body_count",)"
                                R"("figure_kind":"minimum","source":"source-0001",)"
                                R"("figure":99999999999999999999999}]})"),
         3, "figure");
  expect("import persons " +
             dir_.write("dup.csv", "given_name_lat,role,given_name_lat\nA,victim,B\n") +
             " --source source-0001",
         3, "the column appears twice");
  expect("import persons " +
             dir_.write("nul.csv", std::string("given_name_lat,role\nA\0B,victim\n", 32)) +
             " --source source-0001",
         3, "A<NUL>B");
  expect("import persons " + dir_.file("no-such.csv") + " --source source-0001", 4, "no-such.csv");
  expect("import " + dir_.file("no-such.json"), 4, "no-such.json");
  expect("ledger proof 100000", 4, "no ledger entry 100000");
  expect("ledger proof 1 --size 0", 3, "'size' value '0'");
  expect("ledger proof 1 --size 100000", 4, "not 100000");
  expect("ledger consistency 0", 3, "between 1 and");
  EXPECT_EQ(athar("--json summary").output, entries) << "nothing was written";
}

// A spreadsheet opening an export must not run what someone typed into a field.
TEST_F(CliTest, CsvExportsNeutraliseFormulas) {
  init_with_demo();
  Result r = athar(
      "person add --role victim --given-name-lat '=HYPERLINK(\"http://x\",\"y\")' "
      "--notes '@SUM(A1)' --family-name-lat '-2+3'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar("export --format csv --kind persons");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("\"'@SUM(A1)\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"'-2+3\""), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(",=HYPERLINK"), std::string::npos) << r.output;
}

// A bundle is only as good as the key it is checked with: without one obtained apart, verify
// refuses rather than trust the key a forger would ship; a forged bundle with its own fresh key
// fails against the custodian's key.
TEST_F(CliTest, BundleVerifyNeedsAKeyObtainedApart) {
  ASSERT_EQ(athar("init").exit_code, 0);
  Result r = athar("--json evidence add --collected-by team --collected-at 2025-01-05 " +
                   dir_.write("photo.jpg", "bytes of a photograph"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar("bundle export --evidence evidence-000001 --out " + dir_.file("b.tar"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar("bundle verify " + dir_.file("b.tar"));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("--key"), std::string::npos) << r.output;
  r = athar("bundle verify " + dir_.file("b.tar") + " --trust-bundle-key");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string vkey = dir_.file("data/keys/ledger.vkey");
  r = athar("bundle verify " + dir_.file("b.tar") + " --key " + vkey);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("read from file"), std::string::npos) << r.output;

  // A forger's own Athar, with a fresh key, makes a bundle of a file the custodian never held.
  const std::string forger =
      std::string(ATHAR_BINARY) + " --data '" + dir_.file("forger") + "' --actor forger ";
  ASSERT_EQ(std::system((forger + "init >/dev/null").c_str()), 0);
  ASSERT_EQ(std::system((forger + "evidence add --collected-by team --collected-at 2025-01-05 " +
                         dir_.write("fake.jpg", "a planted photograph") + " >/dev/null")
                            .c_str()),
            0);
  ASSERT_EQ(std::system((forger + "bundle export --evidence evidence-000001 --out " +
                         dir_.file("forged.tar") + " >/dev/null")
                            .c_str()),
            0);
  r = athar("bundle verify " + dir_.file("forged.tar"));
  EXPECT_NE(r.exit_code, 0) << r.output;
  r = athar("bundle verify " + dir_.file("forged.tar") + " --key " + vkey);
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("key.vkey: altered"), std::string::npos) << r.output;
}

// Witnesses protected at rest: no identity or contact in clear in the database file (and its
// WAL), the ledger, or any export without --include-sensitive; the folders and files private;
// every reveal logged with the reader's name; verify checks the sealed values with the key and
// says what it could not check without it.
TEST_F(CliTest, WitnessIdentitiesAreSealedAtRest) {
  init_with_demo();
  const std::string secrets[] = {"SYNTHETIC witness identity", "SYNTHETIC contact"};
  const auto holds_secret = [&](const std::string& text) {
    for (const auto& s : secrets)
      if (text.find(s) != std::string::npos) return true;
    return false;
  };
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.file("data"))) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(holds_secret(bytes)) << entry.path() << " holds an identity in clear";
  }
  namespace fs = std::filesystem;
  EXPECT_EQ(fs::status(dir_.file("data")).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir_.file("data/keys")).permissions() & fs::perms::all,
            fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir_.file("data/athar.db")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(dir_.file("data/keys/fields.key")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  for (const std::string args :
       {"export", "export --format csv --kind witnesses", "ledger entry 0", "witness show W-0001",
        "witness list", "--json witness show W-0001", "summary", "verify"}) {
    const Result r = athar(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    EXPECT_FALSE(holds_secret(r.output)) << args << "\n" << r.output;
  }
  // Revealed on request, and each reveal is a ledger entry naming the reader.
  Result r = athar("witness show W-0001 --reveal");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("SYNTHETIC witness identity"), std::string::npos) << r.output;
  r = athar("export --include-sensitive --format csv --kind witnesses");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("SYNTHETIC contact"), std::string::npos) << r.output;
  FILE* count = popen(("sqlite3 '" + dir_.file("data/athar.db") +
                       "' \"SELECT COUNT(*) FROM ledger_entries WHERE entry LIKE "
                       "'%\\\"actor\\\":\\\"cli-test\\\"%\\\"op\\\":\\\"registry.reveal\\\"%'\"")
                          .c_str(),
                      "r");
  int reveals = -1;
  ASSERT_EQ(std::fscanf(count, "%d", &reveals), 1);
  pclose(count);
  EXPECT_EQ(reveals, 3) << "one for show, one per witness exported";
  EXPECT_EQ(athar("verify").exit_code, 0);

  // Without the key: nothing sensitive can be read, and verify says what it could not check.
  fs::rename(dir_.file("data/keys/fields.key"), dir_.file("fields.key.away"));
  r = athar("witness show W-0001 --reveal");
  EXPECT_EQ(r.exit_code, 8) << r.output;
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("5 sensitive values were checked against the ledger but not decrypted"),
            std::string::npos)
      << r.output;
  r = athar("witness add --identity 'another name'");
  EXPECT_EQ(r.exit_code, 8) << r.output;
  fs::rename(dir_.file("fields.key.away"), dir_.file("data/keys/fields.key"));

  // A sealed value moved from one witness to the other is caught (with the key, as a value that
  // does not decrypt where it stands, and by the ledger).
  const std::string db = dir_.file("data/athar.db");
  ASSERT_EQ(std::system(("sqlite3 '" + db +
                         "' \"UPDATE witnesses SET contact = (SELECT contact FROM witnesses WHERE "
                         "num = 1) WHERE num = 2\"")
                            .c_str()),
            0);
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("W-0002: altered"), std::string::npos) << r.output;
}

TEST_F(CliTest, SimulatedListsImportIntoTheRegistry) {
  ASSERT_EQ(athar("init").exit_code, 0);
  ASSERT_EQ(athar("source add --name 'Simulated list 1 (synthetic)' --kind document").exit_code, 0);
  Result r = athar("simulate lists --population 300 --seed 7 --out " + dir_.file("sim"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (int l = 1; l <= 3; ++l) {
    r = athar("import persons " + dir_.file("sim/list-" + std::to_string(l) + ".csv") +
              " --source source-0001");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  EXPECT_EQ(athar("verify").exit_code, 0);
}

TEST_F(CliTest, LinkListFilesWithoutADatabase) {
  Result r = athar("simulate lists --population 400 --seed 5 --out " + dir_.file("sim"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string lists;
  for (int l = 1; l <= 3; ++l) lists += " " + dir_.file("sim/list-" + std::to_string(l) + ".csv");
  // A bad field is left empty and reported, the person linked on the rest.
  {
    std::ofstream append(dir_.file("sim/list-2.csv"), std::ios::app);
    append << ",,,,,Samer,,,al-Tajribi,,male,1979-02-30,,,SYNTHETIC\n";
  }
  r = athar("link --csv" + lists + " --across-lists-only --out " + dir_.file("fields"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1 fields left empty"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("list-2.csv row "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("birth_date"), std::string::npos) << r.output;
  {
    std::ifstream problems(dir_.file("fields/field_problems.csv"));
    std::string header, line;
    std::getline(problems, header);
    EXPECT_EQ(header, "record,field,value,problem");
    std::getline(problems, line);
    EXPECT_NE(line.find(",birth_date,1979-02-30,"), std::string::npos) << line;
  }
  // A bad row stops the run, naming it; skipped on request, it is reported.
  {
    std::ofstream append(dir_.file("sim/list-2.csv"), std::ios::app);
    append << ",,,,,Rami,,,al-Mithali,male,1980\n";  // a column short
  }
  r = athar("link --csv" + lists + " --across-lists-only");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("list-2.csv row "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("columns"), std::string::npos) << r.output;
  r = athar("link --csv" + lists + " --across-lists-only --skip-bad-rows --out " +
            dir_.file("out"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1 of "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" entities ("), std::string::npos) << r.output;
  std::ifstream entities(dir_.file("out/entities.csv")), links(dir_.file("out/links.csv"));
  std::string header;
  std::getline(entities, header);
  EXPECT_EQ(header, "entity,list,record");
  std::getline(links, header);
  EXPECT_EQ(header.rfind("record_a,record_b,probability,weight_given", 0), 0u) << header;
  EXPECT_FALSE(athar("link --csv " + dir_.file("missing.csv")).exit_code == 0);
}

TEST_F(CliTest, LinkTheRegistryReviewAndDecide) {
  ASSERT_EQ(athar("init").exit_code, 0);
  Result r = athar("simulate lists --population 600 --seed 5 --out " + dir_.file("sim"));
  for (int l = 1; l <= 3; ++l) {
    ASSERT_EQ(
        athar("source add --name 'List " + std::to_string(l) + " (synthetic)' --kind document")
            .exit_code,
        0);
    r = athar("import persons " + dir_.file("sim/list-" + std::to_string(l) + ".csv") +
              " --source source-000" + std::to_string(l));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  EXPECT_EQ(athar("estimate --bootstrap 20").exit_code, 3);  // no linkage run yet
  r = athar("link --across-lists-only");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("linkage run 1:"), std::string::npos) << r.output;
  // The entities, by the sources that name them, are the capture histories for estimation.
  r = athar("estimate --bootstrap 20");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(" documented by 3 lists"), std::string::npos) << r.output;
  // With linkage uncertainty: linkages drawn from the run's pair probabilities, each estimated,
  // pooled, and recorded beside the one-linkage estimate.
  r = athar("estimate --bootstrap 100 --linkage-draws 10 --record --subject all");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("with linkage uncertainty (10 linkage structures"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("of the variance"), std::string::npos) << r.output;
  EXPECT_NE(athar("summary").output.find("pooled over 10 linkage draws"), std::string::npos);
  EXPECT_EQ(athar("estimate --linkage-draws 1").exit_code, 3);
  EXPECT_EQ(athar(std::string("estimate --linkage-draws 10 --histories ") + ATHAR_SOURCE_DIR +
                  "/tests/estimate/data/kosovo.csv")
                .exit_code,
            3);
  // By governorate, kept in the registry beside the claims, and in the summary.
  r = athar("estimate --by governorate --bootstrap 20 --record");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("all strata "), std::string::npos) << r.output;
  EXPECT_EQ(athar("estimate --by street").exit_code, 3);
  // By year: the strata are not registry subjects, so only the total is recorded.
  r = athar("estimate --by year --bootstrap 20 --record --subject damascus");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar("summary");
  EXPECT_NE(r.output.find("(damascus): "), std::string::npos) << r.output;
  // A run the command warned about keeps its warning beside the number it recorded.
  r = athar(
      "estimate --latent-class --burn-in 50 --samples 50 --thinning 1 --record --subject aleppo");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NE(r.output.find("warning: effective sample size"), std::string::npos) << r.output;
  r = athar("summary");
  const size_t aleppo = r.output.find("(aleppo): ");
  ASSERT_NE(aleppo, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  warning: effective sample size", aleppo), std::string::npos)
      << r.output;
  EXPECT_EQ(athar("estimate --record --subject nowhere").exit_code, 3);
  EXPECT_EQ(athar("estimate --record --subject site-0099").exit_code, 4);
  r = athar("summary");
  EXPECT_NE(r.output.find("estimates from the lists"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(all): "), std::string::npos) << r.output;
  r = athar("--json link review --limit 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const size_t a = r.output.find("\"a\": \"") + 6, b = r.output.find("\"b\": \"") + 6;
  const std::string first = r.output.substr(a, 13), second = r.output.substr(b, 13);
  r = athar("link decide " + first + " " + second + " different --note 'family says no'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(athar("link decide " + first + " " + second + " maybe").exit_code, 2);
  r = athar("link --across-lists-only");
  EXPECT_NE(r.output.find("1 reviewed decisions respected"), std::string::npos) << r.output;
  r = athar("link review --all --limit 1000");
  EXPECT_NE(r.output.find("different"), std::string::npos);
  // The typed links stay where they were.
  EXPECT_EQ(athar("link list --limit 1").exit_code, 0);
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(CliTest, KinshipPairPrintsEachMarkersLr) {
  const std::string profiles = dir_.write("profiles.csv",
                                          "sample,marker,allele1,allele2\n"
                                          "ref-1,TPOX,8,11\nref-1,FGA,21,22\n"
                                          "bone-7,TPOX,8,8\nbone-7,FGA,22,30.2\n");
  const std::string frequencies =
      std::string(" --frequencies ") + ATHAR_SOURCE_DIR + "/data/str-frequencies/west-asia.txt";
  Result r = athar("kinship pair ref-1 bone-7 --profiles " + profiles + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("parent-child LR "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("over 2 markers, 0 inconsistent"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FGA 30.2"), std::string::npos) << r.output;  // unseen allele noted
  r = athar("kinship pair ref-1 bone-7 --relationship cousins --profiles " + profiles +
            frequencies);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_EQ(athar("kinship pair ref-1 bone-9 --profiles " + profiles + frequencies).exit_code, 4);
  // Without --frequencies, the shipped table is found from any working directory.
  r = athar::testing::run_command("cd / && env -u ATHAR_FREQUENCIES " + std::string(ATHAR_BINARY) +
                                  " kinship pair ref-1 bone-7 --profiles " + profiles);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("parent-child LR "), std::string::npos) << r.output;
}

TEST_F(CliTest, SimulatedFamiliesScreenedAgainstRemains) {
  const std::string frequencies =
      std::string(" --frequencies ") + ATHAR_SOURCE_DIR + "/data/str-frequencies/west-asia.txt";
  Result r = athar("simulate families --families 40 --remains 20 --references parent --out " +
                   dir_.file("fam") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string files = " --families " + dir_.file("fam/families.csv") + " --references " +
                            dir_.file("fam/references.csv");
  r = athar("kinship screen" + files + " --remains " + dir_.file("fam/remains.csv") + " --out " +
            dir_.file("candidates.csv") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("20 remains against 40 missing persons in 40 families: 800 comparisons"),
            std::string::npos)
      << r.output;
  // Every remains sample that is a missing person (half of them) is found in its family.
  std::ifstream truth(dir_.file("fam/truth.csv")), candidates(dir_.file("candidates.csv"));
  std::string line, all;
  while (std::getline(candidates, line)) all += line + "\n";
  std::getline(truth, line);
  size_t identified = 0;
  while (std::getline(truth, line)) {
    const size_t comma = line.find(',');
    const std::string remains = line.substr(0, comma);
    const std::string family = line.substr(comma + 1, line.find(',', comma + 1) - comma - 1);
    if (family == "-") continue;
    ++identified;
    EXPECT_NE(all.find(remains + "," + family + ",missing,"), std::string::npos) << remains;
  }
  EXPECT_EQ(identified, 10u);
  r = athar("kinship family show F-3" + files + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("missing (sex unknown, child of father and mother)  MISSING"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(athar("kinship family show F-999" + files + frequencies).exit_code, 4);
  // The joint assignment gives each identified remains its family; a remains sample against
  // itself (a second copy) is a direct match.
  r = athar("kinship screen --assign" + files + " --remains " + dir_.file("fam/remains.csv") +
            frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("joint assignment"), std::string::npos) << r.output;
  size_t assigned = 0;
  for (size_t at = r.output.find(" -> "); at != std::string::npos;
       at = r.output.find(" -> ", at + 1))
    ++assigned;
  EXPECT_EQ(assigned, 10u) << r.output;
  // θ recomputes the candidates exactly; the parents' references keep every one of them.
  r = athar("kinship screen --theta 0.02" + files + " --remains " + dir_.file("fam/remains.csv") +
            frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("10 candidates at LR >= 10000"), std::string::npos) << r.output;
  // θ with the stepwise model (refused before they were combined): each candidate's LR is the
  // one `kinship lr` gives with the same settings.
  r = athar("--json kinship screen --theta 0.02 --mutation stepwise" + files + " --remains " +
            dir_.file("fam/remains.csv") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto both = athar::core::Json::parse(r.output);
  ASSERT_EQ(both["candidates"].size(), 10u) << r.output;
  const auto& first = both["candidates"][0];
  r = athar("--json kinship lr " + first["family"].get<std::string>() + " " +
            first["remains"].get<std::string>() + " --theta 0.02 --mutation stepwise" + files +
            " --remains " + dir_.file("fam/remains.csv") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(athar::core::Json::parse(r.output)["log10_lr"], first["log10_lr"]) << r.output;
  r = athar("kinship match --remains " + dir_.file("fam/remains.csv") + " --with " +
            dir_.file("fam/remains.csv") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("20 direct matches"), std::string::npos) << r.output;
}

// `kinship lr`: one family against one remains sample, marker by marker, with the same exact LR
// the screen reports; the CSV carries it to the last digit; bad settings are named.
TEST_F(CliTest, KinshipLrMarkerByMarker) {
  const std::string frequencies =
      std::string(" --frequencies ") + ATHAR_SOURCE_DIR + "/data/str-frequencies/west-asia.txt";
  Result r = athar("simulate families --families 10 --remains 10 --references parent --out " +
                   dir_.file("fam") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string files = " --families " + dir_.file("fam/families.csv") + " --references " +
                            dir_.file("fam/references.csv") + " --remains " +
                            dir_.file("fam/remains.csv") + frequencies;
  r = athar("--json kinship screen" + files + " --out " + dir_.file("c.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto screened = athar::core::Json::parse(r.output);
  ASSERT_FALSE(screened["candidates"].empty()) << r.output;
  EXPECT_EQ(screened["prior"].get<double>(), 1.0 / 11);
  const auto& top = screened["candidates"][0];
  const std::string family = top["family"], remains = top["remains"];
  r = athar("--json kinship lr " + family + " " + remains + files);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto lr = athar::core::Json::parse(r.output);
  EXPECT_EQ(lr["log10_lr"].get<double>(), top["log10_lr"].get<double>());
  EXPECT_EQ(lr["markers"].size(), top["markers_compared"].get<size_t>());
  EXPECT_TRUE(lr["markers"][0]["relatives"].is_object()) << r.output;
  // The CSV holds the same double exactly.
  std::ifstream csv(dir_.file("c.csv"));
  std::string header, row;
  std::getline(csv, header);
  std::getline(csv, row);
  EXPECT_EQ(header, "remains,family,member,log10_lr,markers_compared,posterior,excluded_at");
  const auto cells = athar::core::split(row, ',');
  ASSERT_GE(cells.size(), 4u) << row;
  EXPECT_EQ(std::strtod(cells[3].c_str(), nullptr), top["log10_lr"].get<double>()) << row;
  // Text: a line per marker and the product.
  r = athar("kinship lr " + family + " " + remains + files);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(remains + " as " + family + " missing: LR "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("\nD8S1179 "), std::string::npos) << r.output;
  // Unrelated remains are excluded, at named markers, in JSON without a null.
  r = athar("--json kinship screen --threshold 0" + files);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("null"), std::string::npos);
  std::string excluded_family, excluded_remains;
  const auto all_pairs = athar::core::Json::parse(r.output);
  for (const auto& c : all_pairs["candidates"]) {
    if (c.contains("excluded")) {
      EXPECT_FALSE(c["excluded_at"].empty());
      excluded_family = c["family"];
      excluded_remains = c["remains"];
    }
  }
  ASSERT_FALSE(excluded_family.empty());
  r = athar("kinship lr " + excluded_family + " " + excluded_remains + files);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(": excluded at "), std::string::npos) << r.output;
  // A mutation model uses the shipped AABB 2003 rates and says which markers lacked one.
  r = athar("kinship lr " + excluded_family + " " + excluded_remains + files +
            " --mutation stepwise");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("AABB 2003 (mutation-rates-aabb2003.txt) for 15 markers"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("the default average for "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("D1S1656"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0.0032, 0.0005 (AABB 2003"), std::string::npos) << r.output;  // FGA
  // Bad settings are refused with the value named, as `pair` does.
  r = athar("kinship screen --theta -0.1" + files);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("theta"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("-0.1"), std::string::npos) << r.output;
  EXPECT_EQ(athar("kinship screen --prior 1" + files).exit_code, 3);
  EXPECT_EQ(athar("kinship lr " + family + " nobody" + files).exit_code, 3);
  EXPECT_EQ(athar("kinship lr F-999 " + remains + files).exit_code, 3);
}

// The joint assignment weighs pairs below the reporting threshold too (a sibling reference
// often gives a true LR under 10,000), and marks them for a second reviewer.
TEST_F(CliTest, JointAssignmentReachesBelowTheThreshold) {
  const std::string frequencies =
      std::string(" --frequencies ") + ATHAR_SOURCE_DIR + "/data/str-frequencies/west-asia.txt";
  Result r = athar(
      "simulate families --families 20 --remains 20 --references sibling --max-references 1 "
      "--identified-share 1 --out " +
      dir_.file("fam") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar("--json kinship screen --assign --families " + dir_.file("fam/families.csv") +
            " --references " + dir_.file("fam/references.csv") + " --remains " +
            dir_.file("fam/remains.csv") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto result = athar::core::Json::parse(r.output);
  std::map<std::string, std::string> truth;
  std::ifstream in(dir_.file("fam/truth.csv"));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto cells = athar::core::split(line, ',');
    truth[cells[0]] = cells[1];
  }
  size_t true_candidates = 0, true_assigned = 0, below = 0;
  for (const auto& c : result["candidates"]) {
    EXPECT_GE(c["log10_lr"].get<double>(), 4);  // reported: the threshold holds
    true_candidates += truth[c["remains"]] == c["family"] ? 1 : 0;
  }
  for (const auto& a : result["assignment"]) {
    const bool is_true = truth[a["fragments"][0]] == a["family"];
    true_assigned += is_true ? 1 : 0;
    EXPECT_EQ(a["below_threshold"].get<bool>(), a["log10_lr"].get<double>() < 4);
    below += a["below_threshold"].get<bool>() ? 1 : 0;
  }
  EXPECT_GT(below, 0u) << r.output;
  EXPECT_GT(true_assigned, true_candidates) << r.output;
}

// The identification flow from the command line: remains and samples as records, a missing
// person's pedigree from their relatives' samples, screening, a decision that identifies.
TEST_F(CliTest, RemainsIdentifiedFromTheRegistry) {
  const std::string frequencies =
      std::string(" --frequencies ") + ATHAR_SOURCE_DIR + "/data/str-frequencies/west-asia.txt";
  ASSERT_EQ(athar("init").exit_code, 0);
  // Two families, each with a parent typed; R-1 is F-2's missing child, R-2 is F-1's.
  Result r = athar(
      "simulate families --families 2 --remains 2 --identified-share 1 --references parent "
      "--max-references 1 --out " +
      dir_.file("fam") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(athar("kinship profiles add " + dir_.file("fam/references.csv") + " --kind reference" +
                  frequencies)
                .exit_code,
            0);
  ASSERT_EQ(athar("kinship profiles add " + dir_.file("fam/remains.csv") + " --kind remains" +
                  frequencies)
                .exit_code,
            0);
  ASSERT_EQ(athar("site add --name-lat 'Demo grave' --latitude 33.5 --longitude 36.3 "
                  "--governorate Damascus")
                .exit_code,
            0);
  for (const char* family : {"F-1", "F-2"}) {
    r = athar(std::string("person add --role victim --given-name-lat Synthetic "
                          "--family-name-lat 'al-Tajribi ") +
              family + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  // F-1's reference is the mother, F-2's the father (the simulated families say so).
  r = athar(
      "sample add --kind reference --sample-number L-1 --missing-person person-000001 "
      "--relation mother --consent identification_only --profile F-1-mother "
      "--donor-name 'SYNTHETIC donor'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar(
      "sample add --kind reference --sample-number L-2 --missing-person person-000002 "
      "--relation father --consent identification_only --profile F-2-father "
      "--donor-name 'SYNTHETIC father donor' --donor-contact 'synthetic-contact-0002'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* remains : {"R-1", "R-2"}) {
    r = athar(std::string("remains add --site site-0001 --recovered-on 2025-03-02 --label "
                          "'Trench A / ") +
              remains + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  r = athar("sample add --kind remains --sample-number B-1 --remains remains-000001 --profile R-1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Planning: with the mother typed, the father's sample would help most; the mother's place is
  // taken. Figures only, so a liaison may ask.
  r = athar("--json kinship plan person-000001 --simulations 60");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto plan = athar::core::Json::parse(r.output);
  EXPECT_GT(plan["now"]["exclusion_power"].get<double>(), 0.99) << r.output;
  ASSERT_FALSE(plan["with_one_more"].empty()) << r.output;
  EXPECT_EQ(plan["with_one_more"][0]["relation"], "father") << r.output;
  for (const auto& c : plan["with_one_more"]) EXPECT_NE(c["relation"], "mother");
  EXPECT_GT(plan["with_one_more"][0]["expected"]["median_log10_lr"].get<double>(),
            plan["expected_now"]["median_log10_lr"].get<double>() + 2);
  r = athar("kinship plan person-000001 --simulations 30");
  EXPECT_NE(r.output.find("with one more relative's sample"), std::string::npos) << r.output;
  // A screening for a partner is outside these donors' consent (identification only): refused,
  // naming them; with --consenting-only they are left out; a donor who agreed takes part.
  r = athar("kinship screen --for 'Partner Lab'" + frequencies);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("sample-000001 (identification_only)"), std::string::npos) << r.output;
  ASSERT_EQ(athar("sample update sample-000002 --consent sharing --consent-partners "
                  "'Other Institute; partner lab'")
                .exit_code,
            0);
  r = athar("--json kinship screen --for 'Partner Lab' --consenting-only --threshold 1000" +
            frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto partner = athar::core::Json::parse(r.output);
  EXPECT_EQ(partner["missing_persons"], 1) << r.output;  // person-000002's father consented
  EXPECT_EQ(partner["outside_consent"].size(), 1u) << r.output;
  // The registry's screen finds each remains in its missing person's pedigree.
  r = athar("--json kinship screen --threshold 1000" + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto screened = athar::core::Json::parse(r.output);
  bool found = false;
  for (const auto& c : screened["candidates"])
    found |= c["remains"] == "R-1" && c["family"] == "person-000002";
  EXPECT_TRUE(found) << r.output;
  // The run is kept; a decision may name it, and must then be on one of its candidates.
  const std::string run = screened["run"];
  EXPECT_EQ(run, "kinship-run-2");  // the partner's screening was the first kept
  r = athar("kinship runs");
  EXPECT_NE(r.output.find("kinship-run-2  "), std::string::npos) << r.output;
  EXPECT_EQ(athar("kinship decide R-2 person-000002 rejected --reason x --run " + run).exit_code,
            3);
  EXPECT_EQ(
      athar("kinship decide R-1 person-000002 rejected --reason x --run kinship-run-9").exit_code,
      3);
  // A confirmation below the threshold waits for a second reviewer: nothing is identified yet.
  r = athar(
      "kinship decide R-1 person-000002 confirmed --threshold 1e300 --reason 'parent LR; "
      "anthropology agrees' --run " +
      run);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("awaiting a second reviewer"), std::string::npos) << r.output;
  r = athar(
      "kinship decide R-1 person-000002 confirmed --threshold 1e300 --reason 'the same again'");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  // At the reporting threshold it is final, and the remains are identified.
  r = athar("kinship decide R-1 person-000002 confirmed --reason 'parent LR above threshold'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("identified: remains-000001 is person-000002"), std::string::npos)
      << r.output;
  r = athar("remains show remains-000001");
  EXPECT_NE(r.output.find("identified"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("person-000002"), std::string::npos) << r.output;
  r = athar("person show person-000002");
  EXPECT_NE(r.output.find("identified"), std::string::npos) << r.output;
  r = athar("kinship decisions");
  EXPECT_NE(r.output.find("identified remains-000001"), std::string::npos) << r.output;
  // The same remains cannot be confirmed as the other person.
  EXPECT_EQ(athar("kinship decide R-1 person-000001 confirmed --threshold 1 --reason x").exit_code,
            3);

  // The identification report, in English and in Arabic: what the family is told, and what a
  // court's expert needs to reproduce it; no genotype and no donor's name or contact.
  r = athar("kinship report person-000002 --out " + dir_.file("report-en.pdf"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream pdf_file(dir_.file("report-en.pdf"), std::ios::binary);
  const std::string pdf((std::istreambuf_iterator<char>(pdf_file)), {});
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  const std::string english =
      athar::testing::run_command("pdftotext '" + dir_.file("report-en.pdf") + "' -").output;
  for (const char* expected :
       {"Identification report", "identified as person-000002", "remains-000001", "Trench A / R-1",
        "sample-000002", "father", "L-2", "Posterior probability", "parent LR above threshold",
        "Decision's ledger entry", "Page 1 of"}) {
    EXPECT_NE(english.find(expected), std::string::npos) << expected << "\n" << english;
  }
  for (const char* secret : {"SYNTHETIC father donor", "synthetic-contact-0002"})
    EXPECT_EQ(english.find(secret), std::string::npos) << secret;
  // The PDF shows the LR the decision recorded, exactly recomputed; JSON gives every figure.
  r = athar("--json kinship report person-000002");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto report = athar::core::OrderedJson::parse(r.output);
  EXPECT_EQ(report["remains_record"], "remains-000001");
  EXPECT_EQ(report["references"][0]["relation"], "father");
  EXPECT_EQ(report["prior_basis"], "missing_persons");
  EXPECT_EQ(report["missing_persons"], 2) << r.output;  // person-000001, and the one identified
  r = athar("--json kinship decisions");
  const auto decided = athar::core::Json::parse(r.output);
  for (const auto& d : decided) {
    if (d["remains"] != "R-1" || d["decision"] != "confirmed") continue;
    EXPECT_EQ(athar::core::shortest_number(report["log10_lr"].get<double>()),
              d["exact_log10_lr"].get<std::string>());
  }
  // Its content hashes to what its ledger entry says.
  const std::string hash = report["content_sha256"],
                    entry = std::to_string(report["report_entry"].get<int>());
  report.erase("content_sha256");
  report.erase("report_entry");
  const std::string content = dir_.write("content.json", report.dump());
  r = athar::testing::run_command("sha256sum '" + content + "'");
  EXPECT_EQ(r.output.substr(0, 64), hash) << r.output;
  r = athar("ledger entry " + entry);
  EXPECT_NE(r.output.find("\"op\":\"kinship.report\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(hash), std::string::npos) << r.output;
  // Arabic: shaped and laid out right to left (the text read back in logical order).
  r = athar("kinship report person-000002 --lang ar --out " + dir_.file("report-ar.pdf"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string arabic =
      athar::testing::run_command("pdftotext '" + dir_.file("report-ar.pdf") + "' -").output;
  std::erase(arabic, ' ');
  for (const char* expected :
       {"تقريرتحديدالهوية", "صلةالقرابة", "person-000002", "4.89", "remains-000001"})
    EXPECT_NE(arabic.find(expected), std::string::npos) << expected << "\n" << arabic;
  // An identification withdrawn (the remains corrected back to unidentified) has no report.
  ASSERT_EQ(athar("remains correct remains-000001 --status unidentified --person '' --reason "
                  "'sample mix-up at the laboratory'")
                .exit_code,
            0);
  r = athar("kinship report person-000002");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("withdrawn"), std::string::npos) << r.output;
  // No report without a final confirmation: a person not identified, a rejected candidate.
  EXPECT_EQ(athar("kinship report person-000001").exit_code, 3);
  EXPECT_EQ(athar("kinship decide R-2 person-000002 rejected --reason 'excluded'").exit_code, 0);
  r = athar("kinship report --remains R-2 --family person-000002");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("rejection"), std::string::npos) << r.output;
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // The father's reference changed behind Athar's back: the report is refused (its LR would no
  // longer be the decision's), and verify names the profile.
  const std::string db = dir_.file("data/athar.db");
  ASSERT_EQ(std::system(("sqlite3 '" + db +
                         "' \"UPDATE kinship_profiles SET genotypes = 'D1S1656=9,9' || "
                         "substr(genotypes, instr(genotypes, ';')) WHERE sample = 'F-2-father'\"")
                            .c_str()),
            0);
  r = athar("kinship report person-000002");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("differs from the decision's"), std::string::npos) << r.output;
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("F-2-father"), std::string::npos) << r.output;
}

// Lineage markers when only a paternal uncle and the mother's side survive: the Y line speaks
// through the uncle, the maternal line through the closest relative on it; the autosomal LR is
// combined; relatives off a line are named and left out; haplotype rows are in verify's reach.
TEST_F(CliTest, LineageMarkersThroughAnUncleAndTheMothersSide) {
  ASSERT_EQ(athar("init").exit_code, 0);
  Result r = athar(
      "person add --role victim --sex male --given-name-lat Synthetic "
      "--family-name-lat al-Lineage");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* donor : {"--relation paternal_uncle --donor-sex male --profile U-1",
                            "--relation maternal_uncle --donor-sex male --profile MU-1",
                            "--relation maternal_cousin --donor-sex female --profile C-1"}) {
    r = athar(std::string("sample add --kind reference --sample-number L --missing-person "
                          "person-000001 --consent identification_only ") +
              donor);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  const std::string uncle_y = "DYS19=14;DYS389I=13;DYS390=24;DYS391=10;DYS393=13";
  const std::string mother_line = "73G 263G 315.1C 16519C";
  r = athar("kinship haplotypes add " +
            dir_.write("y-ref.csv", "sample,haplotype\nU-1," + uncle_y +
                                        "\nMU-1,DYS19=15;DYS389I=12;DYS390=23\n") +
            " --lineage y --kind reference");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(athar("kinship haplotypes add " +
                  dir_.write("mt-ref.csv", "sample,haplotype\nMU-1," + mother_line + "\nC-1," +
                                               mother_line + "\n") +
                  " --lineage mt --kind reference")
                .exit_code,
            0);
  ASSERT_EQ(athar("kinship haplotypes add " +
                  dir_.write("y-bone.csv", "sample,haplotype\nR-1," + uncle_y + "\n") +
                  " --lineage y --kind remains")
                .exit_code,
            0);
  ASSERT_EQ(athar("kinship haplotypes add " +
                  dir_.write("mt-bone.csv", "sample,haplotype\nR-1," + mother_line + "\n") +
                  " --lineage mt --kind remains")
                .exit_code,
            0);
  // A second haplotype for one sample, or a bad one, is refused naming the row; nothing written.
  r = athar("kinship haplotypes add " +
            dir_.write("again.csv", "sample,haplotype\nR-9,DYS19=14\nR-1,DYS19=14\n") +
            " --lineage y --kind remains");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("row 3"), std::string::npos) << r.output;
  r = athar("kinship haplotypes add " + dir_.write("bad.csv", "sample,haplotype\nR-9,16519\n") +
            " --lineage mt --kind remains");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  // Two hundred men, none with the uncle's haplotype; a hundred women, three with the mother's.
  const std::string y_db = dir_.write(
      "y-db.csv", "haplotype,count\nDYS19=15;DYS389I=13;DYS390=24;DYS391=10;DYS393=13,200\n");
  const std::string mt_db =
      dir_.write("mt-db.csv", "haplotype,count\n\"" + mother_line + "\",3\n73G 263G 315.1C,97\n");
  r = athar("--json kinship lineage person-000001 R-1 --lineage y --database " + y_db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto y = athar::core::Json::parse(r.output);
  ASSERT_EQ(y["relatives"].size(), 1u) << r.output;
  EXPECT_EQ(y["relatives"][0]["relation"], "paternal_uncle");
  EXPECT_EQ(y["relatives"][0]["meioses"], 3);
  // (1 − 0.0025)^(3·5) / (1 − 0.05^(1/200)).
  EXPECT_NEAR(y["log10_lr"].get<double>(),
              15 * std::log10(1 - 0.0025) - std::log10(1 - std::pow(0.05, 1.0 / 200)), 1e-12);
  EXPECT_NE(y["notes"].dump().find("maternal_uncle"), std::string::npos) << r.output;
  EXPECT_FALSE(y.contains("combined_log10_lr"));  // no STR profiles yet
  // The maternal line: the maternal uncle (3 meioses) speaks for it, the cousin agrees.
  r = athar("--json kinship lineage person-000001 R-1 --lineage mt --theta 0.01 --database " +
            mt_db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto mt = athar::core::Json::parse(r.output);
  ASSERT_EQ(mt["relatives"].size(), 2u) << r.output;
  for (const auto& rel : mt["relatives"])
    EXPECT_EQ(rel["counted"].get<bool>(), rel["relation"] == "maternal_uncle") << r.output;
  EXPECT_NEAR(mt["log10_lr"].get<double>(), 1.0708177740258735, 1e-12);
  // With STR profiles of the remains and the uncle, the two LRs multiply.
  const std::string frequencies =
      std::string(" --frequencies ") + ATHAR_SOURCE_DIR + "/data/str-frequencies/west-asia.txt";
  ASSERT_EQ(athar("kinship profiles add " +
                  dir_.write("str-ref.csv",
                             "sample,marker,allele1,allele2\nU-1,D1S1656,12,13\nU-1,TPOX,8,11\n") +
                  " --kind reference" + frequencies)
                .exit_code,
            0);
  ASSERT_EQ(athar("kinship profiles add " +
                  dir_.write("str-bone.csv",
                             "sample,marker,allele1,allele2\nR-1,D1S1656,12,15\nR-1,TPOX,8,8\n") +
                  " --kind remains" + frequencies)
                .exit_code,
            0);
  r = athar("--json kinship lr person-000001 R-1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const double autosomal = athar::core::Json::parse(r.output)["log10_lr"].get<double>();
  r = athar("--json kinship lineage person-000001 R-1 --lineage y --database " + y_db);
  y = athar::core::Json::parse(r.output);
  EXPECT_DOUBLE_EQ(y["autosomal_log10_lr"].get<double>(), autosomal);
  EXPECT_DOUBLE_EQ(y["combined_log10_lr"].get<double>(), autosomal + y["log10_lr"].get<double>());
  r = athar("kinship lineage person-000001 R-1 --lineage y --database " + y_db);
  EXPECT_NE(r.output.find("* sample-000001 paternal_uncle, 3 meioses: match over 5 loci"),
            std::string::npos)
      << r.output;
  // A decision may weigh the Y line too: at a threshold between the autosomal LR and the
  // product, a confirmation on the autosomes alone awaits a second reviewer; weighing the
  // uncle's Y haplotype it is final, and the report says what it rests on.
  const double y_log10 = y["log10_lr"].get<double>();
  ASSERT_GT(y_log10, 1);
  ASSERT_EQ(athar("site add --name-lat 'Demo grave' --latitude 33.5 --longitude 36.3 "
                  "--governorate Damascus")
                .exit_code,
            0);
  ASSERT_EQ(athar("remains add --site site-0001 --recovered-on 2025-03-02 --label 'Trench B / 4'")
                .exit_code,
            0);
  ASSERT_EQ(athar("sample add --kind remains --sample-number B-4 --remains remains-000001 "
                  "--profile R-1")
                .exit_code,
            0);
  const std::string threshold = athar::core::shortest_number(std::pow(10, autosomal + y_log10 / 2));
  r = athar("kinship decide R-1 person-000001 confirmed --threshold " + threshold +
            " --reason 'the uncle: STR alone'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("awaiting a second reviewer"), std::string::npos) << r.output;
  r = athar("kinship decide R-1 person-000001 confirmed --threshold " + threshold +
            " --lineage y --lineage-database " + y_db + " --reason 'the uncle: STR and Y-STR'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("awaiting"), std::string::npos) << r.output;
  EXPECT_NE(athar("person show person-000001").output.find("identified"), std::string::npos);
  r = athar("--json kinship report person-000001");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto report = athar::core::Json::parse(r.output);
  EXPECT_EQ(report["lineage"]["line"], "y") << r.output;
  EXPECT_EQ(report["lineage"]["relative"], "sample-000001") << r.output;
  EXPECT_NEAR(report["combined_log10_lr"].get<double>(), autosomal + y_log10, 1e-9);
  EXPECT_NEAR(report["log10_lr"].get<double>(), autosomal, 1e-9);
  r = athar("kinship report person-000001 --out " + dir_.file("lineage.pdf"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string text =
      athar::testing::run_command("pdftotext '" + dir_.file("lineage.pdf") + "' -").output;
  EXPECT_NE(text.find("Lineage markers"), std::string::npos) << text;
  EXPECT_NE(text.find("paternal line (Y-STR)"), std::string::npos) << text;
  EXPECT_EQ(athar("kinship report person-000001 --lang ar --out " + dir_.file("lineage-ar.pdf"))
                .exit_code,
            0);
  // A woman carries no Y: nobody speaks for her paternal line.
  ASSERT_EQ(athar("person update person-000001 --sex female").exit_code, 0);
  r = athar("kinship lineage person-000001 R-1 --lineage y --database " + y_db);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  ASSERT_EQ(athar("verify").exit_code, 0);
  // A haplotype edited, another deleted, behind Athar's back: verify names both.
  const std::string db = dir_.file("data/athar.db");
  ASSERT_EQ(std::system(("sqlite3 '" + db +
                         "' \"UPDATE kinship_haplotypes SET haplotype = 'DYS19=15' WHERE sample = "
                         "'U-1'; DELETE FROM kinship_haplotypes WHERE sample = 'C-1'\"")
                            .c_str()),
            0);
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("dna-y:U-1: altered"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("dna-mt:C-1: altered (deleted"), std::string::npos) << r.output;
}

// Lineage screening with the line's database kept in the store: every remains haplotype against
// every missing person with a donor on the line; the stored database is the file's canonical
// text, pinned in the ledger, and an edit behind Athar's back is found by verify.
TEST_F(CliTest, LineageScreeningWithTheStoredDatabase) {
  ASSERT_EQ(athar("init").exit_code, 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(athar("person add --role victim --sex male --given-name-lat Synthetic" +
                    std::to_string(i) + " --family-name-lat al-Screen")
                  .exit_code,
              0);
  }
  for (const char* donor :
       {"--missing-person person-000001 --relation paternal_uncle --donor-sex male --profile U-1",
        "--missing-person person-000002 --relation father --donor-sex male --profile F-2",
        "--missing-person person-000003 --relation mother --donor-sex female --profile M-3"}) {
    const Result r = athar(std::string("sample add --kind reference --sample-number L "
                                       "--consent identification_only ") +
                           donor);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  const std::string uncle = "DYS19=14;DYS389I=13;DYS390=24;DYS391=10;DYS393=13";
  const std::string father = "DYS19=16;DYS389I=12;DYS390=22;DYS391=11;DYS393=12";
  const std::string other = "DYS19=13;DYS389I=14;DYS390=25;DYS391=9;DYS393=14";
  ASSERT_EQ(athar("kinship haplotypes add " +
                  dir_.write("y-ref.csv", "sample,haplotype\nU-1," + uncle + "\nF-2," + father +
                                              "\nM-3," + other + "\n") +
                  " --lineage y --kind reference")
                .exit_code,
            0);
  ASSERT_EQ(athar("kinship haplotypes add " +
                  dir_.write("y-bone.csv", "sample,haplotype\nR-1," + uncle + "\nR-2," + father +
                                               "\nR-3," + other + "\n") +
                  " --lineage y --kind remains")
                .exit_code,
            0);
  // No database yet: the screening says how to store one.
  Result r = athar("kinship lineage --lineage y");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("kinship haplotypes database"), std::string::npos) << r.output;
  r = athar("kinship lineage person-000001 --lineage y");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  // Two hundred men, in two rows of one haplotype, none carrying the families' haplotypes.
  const std::string y_db = dir_.write("y-db.csv",
                                      "haplotype,count\nDYS19=15;DYS389I=13;DYS390=24;DYS391=10;"
                                      "DYS393=13,150\n\"DYS19=15;DYS389I=13;DYS390=24;DYS391=10;"
                                      "DYS393=13\",50\n");
  r = athar("kinship haplotypes database " + y_db + " --lineage y");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("200 persons"), std::string::npos) << r.output;
  r = athar("--json kinship lineage --lineage y");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto screened = athar::core::Json::parse(r.output);
  EXPECT_EQ(screened["remains"], 3);
  EXPECT_EQ(screened["persons"], 2);  // the third's donor is his mother: off the Y line
  EXPECT_EQ(screened["database_size"], 200);
  ASSERT_EQ(screened["candidates"].size(), 2u) << r.output;
  EXPECT_EQ(screened["candidates"][0]["remains"], "R-1");
  EXPECT_EQ(screened["candidates"][0]["person"], "person-000001");
  EXPECT_EQ(screened["candidates"][0]["relation"], "paternal_uncle");
  EXPECT_EQ(screened["candidates"][1]["remains"], "R-2");
  EXPECT_EQ(screened["candidates"][1]["person"], "person-000002");
  EXPECT_NEAR(screened["candidates"][0]["log10_lr"].get<double>(),
              15 * std::log10(1 - 0.0025) - std::log10(1 - std::pow(0.05, 1.0 / 200)), 1e-12);
  // One pair with the stored database gives the screening's figure, and the same database
  // given as a file is the same canonical text.
  r = athar("--json kinship lineage person-000001 R-1 --lineage y");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto one = athar::core::Json::parse(r.output);
  EXPECT_EQ(one["log10_lr"], screened["candidates"][0]["log10_lr"]);
  EXPECT_EQ(one["database_sha256"], screened["database_sha256"]);
  r = athar("--json kinship lineage person-000001 R-1 --lineage y --database " + y_db);
  EXPECT_EQ(athar::core::Json::parse(r.output)["database_sha256"], screened["database_sha256"]);
  // A higher threshold leaves them out; a threshold below 1 is refused.
  r = athar("--json kinship lineage --lineage y --threshold 1e6");
  EXPECT_EQ(athar::core::Json::parse(r.output)["candidates"].size(), 0u) << r.output;
  EXPECT_EQ(athar("kinship lineage --lineage y --threshold 0.5").exit_code, 3);
  // A newer database replaces the older; verify holds; an edit behind Athar's back does not.
  ASSERT_EQ(athar("kinship haplotypes database " +
                  dir_.write("y-db-2.csv", "haplotype,count\n" + other + ",400\n") + " --lineage y")
                .exit_code,
            0);
  r = athar("--json kinship lineage --lineage y");
  EXPECT_EQ(athar::core::Json::parse(r.output)["database_size"], 400) << r.output;
  ASSERT_EQ(athar("verify").exit_code, 0);
  ASSERT_EQ(std::system(("sqlite3 '" + dir_.file("data/athar.db") +
                         "' \"UPDATE kinship_lineage_databases SET content = '1 DYS19=13' WHERE "
                         "lineage = 'y'\"")
                            .c_str()),
            0);
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("lineage-database:y: altered"), std::string::npos) << r.output;
}

TEST_F(CliTest, KinshipDataKeptInTheRegistry) {
  const std::string frequencies =
      std::string(" --frequencies ") + ATHAR_SOURCE_DIR + "/data/str-frequencies/west-asia.txt";
  ASSERT_EQ(athar("init").exit_code, 0);
  Result r = athar("simulate families --families 20 --remains 10 --references parent --out " +
                   dir_.file("fam") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Families need their references stored first; a failed add writes nothing.
  r = athar("kinship family add " + dir_.file("fam/families.csv") + frequencies);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  ASSERT_EQ(athar("kinship profiles add " + dir_.file("fam/references.csv") + " --kind reference" +
                  frequencies)
                .exit_code,
            0);
  ASSERT_EQ(athar("kinship profiles add " + dir_.file("fam/remains.csv") + " --kind remains" +
                  frequencies)
                .exit_code,
            0);
  r = athar("kinship family add " + dir_.file("fam/families.csv") + frequencies);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("added 20 families"), std::string::npos) << r.output;
  EXPECT_EQ(athar("kinship profiles add " + dir_.file("fam/remains.csv") + " --kind remains" +
                  frequencies)
                .exit_code,
            3);  // the same samples again
  const Result stored = athar("kinship screen" + frequencies);
  const Result files = athar("kinship screen --families " + dir_.file("fam/families.csv") +
                             " --references " + dir_.file("fam/references.csv") + " --remains " +
                             dir_.file("fam/remains.csv") + frequencies);
  ASSERT_EQ(stored.exit_code, 0) << stored.output;
  // The registry's data screen as the files do, and the run is kept.
  const std::string kept = "kept as kinship-run-1\n";
  const size_t at = stored.output.find(kept);
  ASSERT_NE(at, std::string::npos) << stored.output;
  EXPECT_EQ(std::string(stored.output).erase(at, kept.size()), files.output);
  // One comparison from the registry gives what the files give.
  std::ifstream truth(dir_.file("fam/truth.csv"));
  std::string line;
  std::getline(truth, line);
  std::getline(truth, line);
  const auto cells = athar::core::split(line, ',');
  const std::string family = cells[1] == "-" ? "F-1" : cells[1];
  const Result lr_stored = athar("kinship lr " + family + " " + cells[0] + frequencies);
  const Result lr_files =
      athar("kinship lr " + family + " " + cells[0] + " --families " +
            dir_.file("fam/families.csv") + " --references " + dir_.file("fam/references.csv") +
            " --remains " + dir_.file("fam/remains.csv") + frequencies);
  ASSERT_EQ(lr_stored.exit_code, 0) << lr_stored.output;
  EXPECT_EQ(lr_stored.output, lr_files.output);
  EXPECT_EQ(athar("verify").exit_code, 0);
  // A kept run's candidates changed behind Athar's back are found.
  athar::testing::run_command("sqlite3 " + dir_.file("data/athar.db") +
                              " \"UPDATE kinship_runs SET candidates = '[]'\"");
  const Result tampered = athar("verify");
  EXPECT_NE(tampered.exit_code, 0) << tampered.output;
  EXPECT_NE(tampered.output.find("kinship-run:1"), std::string::npos) << tampered.output;
}

TEST_F(CliTest, EstimateFromKosovoHistories) {
  const Result r = athar(std::string("estimate --bootstrap 100 --histories ") + ATHAR_SOURCE_DIR +
                         "/tests/estimate/data/kosovo.csv");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("4400 documented by 4 lists"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("best by AIC: 14342 (95% bootstrap interval "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("profile likelihood 12525-16543)"), std::string::npos) << r.output;
  // A chain too short to trust says so.
  const Result short_chain = athar(std::string("estimate --latent-class --burn-in 200 --samples "
                                               "200 --thinning 1 --histories ") +
                                   ATHAR_SOURCE_DIR + "/tests/estimate/data/kosovo.csv");
  ASSERT_EQ(short_chain.exit_code, 0) << short_chain.output;
  EXPECT_NE(short_chain.output.find("warning: effective sample size"), std::string::npos)
      << short_chain.output;
  EXPECT_NE(short_chain.output.find("  occupied classes: median "), std::string::npos)
      << short_chain.output;
  EXPECT_NE(short_chain.output.find(" of 10; all 10 in "), std::string::npos) << short_chain.output;
  const Result compared = athar(std::string("estimate --compare --burn-in 500 --samples 200 "
                                            "--thinning 5 --bootstrap 50 --histories ") +
                                ATHAR_SOURCE_DIR + "/tests/estimate/data/kosovo.csv");
  ASSERT_EQ(compared.exit_code, 0) << compared.output;
  EXPECT_NE(compared.output.find("side by side (4400 documented)"), std::string::npos)
      << compared.output;
  EXPECT_NE(compared.output.find("the methods' estimates span "), std::string::npos)
      << compared.output;
  // Plots of the posterior and the chains' traces, as SVG and PNG.
  const Result plotted = athar(std::string("estimate --latent-class --burn-in 200 --samples 200 "
                                           "--thinning 2 --plots ") +
                               dir_.file("plots") + " --histories " + ATHAR_SOURCE_DIR +
                               "/tests/estimate/data/kosovo.csv");
  ASSERT_EQ(plotted.exit_code, 0) << plotted.output;
  for (const char* name : {"posterior.svg", "posterior.png", "trace.svg", "trace.png"})
    EXPECT_TRUE(std::filesystem::exists(dir_.file(std::string("plots/") + name))) << name;
  // Strata estimated apart and summed: two copies of Kosovo give twice its estimate.
  std::ifstream kosovo(std::string(ATHAR_SOURCE_DIR) + "/tests/estimate/data/kosovo.csv");
  std::string line, stratified;
  std::getline(kosovo, line);
  stratified = "stratum," + line + "\n";
  while (std::getline(kosovo, line)) stratified += "north," + line + "\nsouth," + line + "\n";
  const Result strata =
      athar("estimate --bootstrap 50 --histories " + dir_.write("strata.csv", stratified));
  ASSERT_EQ(strata.exit_code, 0) << strata.output;
  EXPECT_NE(strata.output.find("all strata                 8800      2868"), std::string::npos)
      << strata.output;
  ASSERT_EQ(athar("estimate --bootstrap 50 --plots " + dir_.file("strata-plots") + " --histories " +
                  dir_.file("strata.csv"))
                .exit_code,
            0);
  EXPECT_TRUE(std::filesystem::exists(dir_.file("strata-plots/strata.png")));
  EXPECT_TRUE(std::filesystem::exists(dir_.file("strata-plots/bootstrap.svg")));
  const std::string bad = dir_.write("h.csv", "A,B,C,count\n1,0,0,-3\n");
  EXPECT_EQ(athar("estimate --histories " + bad).exit_code, 3);
}

// Synthetic lists for estimation studies: as many lists as coverages, capture as heterogeneous
// as asked.
TEST_F(CliTest, SimulateListsWithChosenCoverage) {
  const Result r = athar(
      "simulate lists --population 300 --coverage 0.4 0.3 0.3 0.2 "
      "--heterogeneity 0 --out " +
      dir_.file("sim4"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("in 4 lists"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir_.file("sim4/list-4.csv")));
  EXPECT_EQ(athar("simulate lists --coverage 1.5 --out " + dir_.file("bad")).exit_code, 2);
}

TEST_F(CliTest, ErrorsMapToDocumentedExitCodes) {
  EXPECT_EQ(athar("summary").exit_code, 4);  // no database yet
  ASSERT_EQ(athar("init").exit_code, 0);
  EXPECT_EQ(athar("site show site-0042").exit_code, 4);
  EXPECT_EQ(athar("no-such-command").exit_code, 2);
  const Result bad =
      athar("person add --role victim --given-name-lat Samer --birth-date 1990-02-31");
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.output.find("field 'birth_date' value '1990-02-31': no such day in that month"),
            std::string::npos)
      << bad.output;
}

// The user guide's walk-through: one file with three mistakes takes one run to learn them all
// (it took four), and --check confirms the corrected file without writing it.
TEST_F(CliTest, AFileWithThreeMistakesIsFixedInOneRun) {
  ASSERT_EQ(athar("init").exit_code, 0);
  ASSERT_EQ(athar("source add --name L --kind document").exit_code, 0);
  const std::string csv = dir_.write("list.csv",
                                     "given_name_lat,sex,birth_date,governorate\n"
                                     "Samer,male,1980,Homs\n"
                                     "Nour,F,1990,Homs\n"
                                     "Rami,male,1990-02-31,Homs\n"
                                     "Hadi,male,1985,Tripoli\n");
  Result r = athar("import persons " + csv + " --source source-0001 --check");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("3 problems"), std::string::npos) << r.output;
  for (const char* row : {"list.csv row 3: field 'sex'", "list.csv row 4: field 'birth_date'",
                          "list.csv row 5: field 'governorate'"})
    EXPECT_NE(r.output.find(row), std::string::npos) << row << " not in " << r.output;
  dir_.write("list.csv",
             "given_name_lat,sex,birth_date,governorate\n"
             "Samer,male,1980,Homs\nNour,female,1990,Homs\nRami,male,1990-02-28,Homs\n"
             "Hadi,male,1985,Tartus\n");
  r = athar("import persons " + csv + " --source source-0001 --check");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("checked 4 rows"), std::string::npos) << r.output;
  EXPECT_NE(athar("--json summary").output.find("\"persons\": 0"), std::string::npos);
  r = athar("import persons " + csv + " --source source-0001");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(athar("--json summary").output.find("\"persons\": 4"), std::string::npos);
}

// The histories' own warnings (two lists that never overlap) are kept with a recorded estimate,
// as the method's are, and shown beside it.
TEST_F(CliTest, ARecordedEstimateKeepsTheHistoriesWarnings) {
  ASSERT_EQ(athar("init").exit_code, 0);
  const std::string histories = dir_.write("h.csv",
                                           "A,B,C,count\n1,0,0,150\n0,1,0,160\n0,0,1,170\n"
                                           "1,0,1,40\n0,1,1,45\n");
  Result r = athar("estimate --histories " + histories + " --bootstrap 20 --record --subject all");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NE(r.output.find("never overlap"), std::string::npos) << r.output;
  r = athar("--json summary");
  EXPECT_NE(r.output.find("lists A and B never overlap"), std::string::npos) << r.output;
}

// A person entered by hand belongs to the list that names them, as an imported one does.
TEST_F(CliTest, APersonAddedByHandIsListedByItsSource) {
  ASSERT_EQ(athar("init").exit_code, 0);
  ASSERT_EQ(athar("source add --name L --kind document").exit_code, 0);
  Result r = athar("person add --role victim --given-name-lat Samer --source source-0001");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar("--json person show person-000001");
  EXPECT_NE(r.output.find("listed_by"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("source-0001"), std::string::npos) << r.output;
  // A source that is not there: refused, and the person is not added either.
  r = athar("person add --role victim --given-name-lat Rami --source source-0009");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(athar("--json summary").output.find("\"persons\": 1"), std::string::npos);
}

TEST_F(CliTest, CsvImportFailureWritesNothing) {
  ASSERT_EQ(athar("init").exit_code, 0);
  ASSERT_EQ(athar("source add --name L --kind document").exit_code, 0);
  const std::string csv = dir_.write(
      "list.csv", "given_name_lat,birth_date,died_on\nSamer,1980,2013\nNour,1990,1985\n");
  const Result r = athar("import persons " + csv + " --source source-0001");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("list.csv row 3: field 'died_on' value '1985'"), std::string::npos)
      << r.output;
  EXPECT_NE(athar("--json summary").output.find("\"persons\": 0"), std::string::npos);
  // With --json the error is JSON: its stable kind and the field named.
  const Result json = athar("--json import persons " + csv + " --source source-0001");
  EXPECT_EQ(json.exit_code, 3);
  EXPECT_NE(json.output.find("\"error\": \"input\""), std::string::npos) << json.output;
  EXPECT_NE(json.output.find("\"field\": \"died_on\""), std::string::npos) << json.output;
  EXPECT_NE(json.output.find("\"value\": \"1985\""), std::string::npos) << json.output;
}

TEST_F(CliTest, ExportJsonAndCsv) {
  init_with_demo();
  Result r = athar("export --format csv --kind persons");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // A byte-order mark first, so that a spreadsheet reads the Arabic as UTF-8.
  EXPECT_EQ(r.output.rfind("\xEF\xBB\xBFid,role,given_name_ar,", 0), 0u) << r.output;
  r = athar("export --format csv --kind persons --no-bom");
  EXPECT_EQ(r.output.rfind("id,role,given_name_ar,", 0), 0u) << r.output;
  r = athar("export --out " + dir_.file("all.json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("wrote " + dir_.file("all.json")), std::string::npos) << r.output;
  // An existing file is not overwritten unless asked.
  r = athar("export --format csv --kind persons --out " + dir_.file("all.json"));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("--force"), std::string::npos) << r.output;
  r = athar("export --format csv --kind persons --force --out " + dir_.file("persons.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // And what was exported imports back (the mark is skipped).
  r = athar("import persons " + dir_.file("persons.csv") + " --source source-0001");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = athar("export --format csv");
  EXPECT_EQ(r.exit_code, 3);
  r = athar("witness show W-0001");
  EXPECT_NE(r.output.find("[protected]"), std::string::npos);
  EXPECT_EQ(r.output.find("SYNTHETIC witness identity"), std::string::npos);
}

}  // namespace

namespace {

// docs/registry.md carries the data dictionary as `athar fields` prints it.
TEST_F(CliTest, RegistryDocsHoldTheCurrentDataDictionary) {
  const Result fields = athar("fields");
  ASSERT_EQ(fields.exit_code, 0);
  std::ifstream doc(std::string(ATHAR_SOURCE_DIR) + "/docs/registry.md");
  const std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find(fields.output), std::string::npos)
      << "docs/registry.md is out of date: replace its field tables with `athar fields`";
}

}  // namespace

namespace {

// Run from another folder, as a user who installed Athar would.
TEST_F(CliTest, NeitherShippedDataNorTheRegistryDependsOnTheWorkingDirectory) {
  const std::string elsewhere = dir_.file("elsewhere");
  std::filesystem::create_directories(elsewhere);
  // No registry here: the message points at --data, not only at init.
  Result r = athar::testing::run_command("cd '" + elsewhere + "' && " + ATHAR_BINARY + " summary");
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_NE(r.output.find("--data"), std::string::npos) << r.output;
  // The shipped frequency table is found from anywhere.
  r = athar::testing::run_command("cd '" + elsewhere + "' && " + ATHAR_BINARY +
                                  " simulate families --families 3 --remains 3 --out fam");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(elsewhere + "/fam/truth.csv")) << r.output;
  // ATHAR_DATA_DIR names another place for it; a place without it says what to give.
  r = athar::testing::run_command("cd '" + elsewhere + "' && ATHAR_FREQUENCIES= " + ATHAR_BINARY +
                                  " simulate families --families 3 --remains 3 --out fam2 "
                                  "--frequencies missing.txt");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("missing.txt"), std::string::npos) << r.output;
}

// The walk-through of the user guide's corrections section, from the command line.
TEST_F(CliTest, CorrectRetractMergeCheckAndTheSameFileTwice) {
  init_with_demo();
  const std::string demo = std::string(ATHAR_SOURCE_DIR) + "/data/demo/scenario.json";
  Result r = athar("import " + demo);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("--force"), std::string::npos) << r.output;
  ASSERT_EQ(athar("person update person-000002 --status identified").exit_code, 0);
  r = athar("person update person-000002 --status missing");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("`correct` it with a reason"), std::string::npos) << r.output;
  r = athar("person correct person-000002 --status missing --reason 'wrong file'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = athar("person show person-000002 --history");
  EXPECT_NE(r.output.find("correct  status: identified -> missing  reason: wrong file"),
            std::string::npos)
      << r.output;
  ASSERT_EQ(athar("site merge site-0001 site-0002 --reason 'one site, two reports'").exit_code, 0);
  r = athar("site show site-0001");
  EXPECT_NE(r.output.find("merged from site-0002 Al-Hussainiya"), std::string::npos) << r.output;
  r = athar("site list");
  EXPECT_EQ(r.output.find("site-0002"), std::string::npos) << r.output;
  r = athar("summary");
  EXPECT_NE(r.output.find("sites        2"), std::string::npos) << r.output;
  r = athar(
      "site add --name-lat Swapped --latitude 36.29 --longitude 33.51 --governorate Damascus");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: site-0004"), std::string::npos) << r.output;
  r = athar("check");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("site-0004: latitude/longitude 36.29, 33.51: latitude and longitude "
                          "look swapped"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(athar("verify").exit_code, 0);
}

}  // namespace
