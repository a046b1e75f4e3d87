// `athar migrate`: a SQLite installation moved to PostgreSQL keeps its whole record — the
// ledger's size and root (its old checkpoint still verifies), records, evidence with its object,
// the id counters — and refuses what it must not do. Always on PostgreSQL: the run's cluster, or
// one started for this test (tests/postgresql_support.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/json.h"
#include "postgresql_support.h"
#include "test_support.h"

namespace {

using athar::testing::run_command;

TEST(Migrate, SqliteInstallationMovesToPostgresqlWithTheSameRoots) {
  athar::testing::ScratchDir dir;
  const std::string data = dir.file("data");
  const std::string athar = std::string(ATHAR_BINARY) + " --data '" + data + "' ";
  ASSERT_EQ(run_command(athar + "init").exit_code, 0);
  ASSERT_EQ(
      run_command(athar + "import " + ATHAR_SOURCE_DIR + "/data/demo/scenario.json").exit_code, 0);
  auto r = run_command(athar + "evidence add '" + dir.write("photo.txt", "synthetic photo") +
                       "' --collected-by team --collected-at 2025-01-05");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_command(athar + "checkpoint");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string signed_before = r.output.substr(r.output.find('\n') + 1);  // size, root
  const auto before = athar::core::Json::parse(run_command(athar + "--json verify").output);
  ASSERT_TRUE(before["ok"].get<bool>());
  auto persons = athar::core::Json::parse(run_command(athar + "--json summary").output);
  persons.erase("database");  // its location

  const std::string target = athar::testing::fresh_postgresql_database();
  r = run_command(athar + "--json migrate --from 'sqlite:" + data + "/athar.db' --to '" + target +
                  "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto moved = athar::core::Json::parse(r.output);
  EXPECT_EQ(moved["tables"]["ledger_entries"], before["entries"]);
  EXPECT_TRUE(std::filesystem::exists(moved["moved_aside"].get<std::string>()));
  EXPECT_FALSE(std::filesystem::exists(data + "/athar.db"));

  // Everything verifies on PostgreSQL, the old checkpoint included; the log's size and root
  // are the same.
  r = run_command(athar + "--json verify");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto after = athar::core::Json::parse(r.output);
  for (const char* figure : {"entries", "records", "checkpoints", "objects"})
    EXPECT_EQ(after[figure], before[figure]) << figure;
  auto summary = athar::core::Json::parse(run_command(athar + "--json summary").output);
  EXPECT_EQ(summary["database"], target);
  summary.erase("database");
  EXPECT_EQ(summary, persons);
  r = run_command(athar + "checkpoint");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.substr(r.output.find('\n') + 1), signed_before);

  // Ids go on from the highest given; writes go to PostgreSQL.
  r = run_command(athar + "person add --role victim --given-name-lat Synthetic");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const int64_t count = persons["counts"]["persons"].get<int64_t>();
  char expected[32];
  std::snprintf(expected, sizeof expected, "person-%06lld", static_cast<long long>(count + 1));
  EXPECT_EQ(r.output.substr(0, r.output.find('\n')), expected);
  EXPECT_EQ(run_command(athar + "verify").exit_code, 0);

  // Not twice; not into a database that holds Athar; --from names the folder's own database.
  r = run_command(athar + "migrate --to '" + target + "'");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  const std::string other = dir.file("other");
  ASSERT_EQ(run_command(std::string(ATHAR_BINARY) + " --data '" + other + "' init").exit_code, 0);
  r = run_command(std::string(ATHAR_BINARY) + " --data '" + other + "' migrate --to '" + target +
                  "'");
  EXPECT_EQ(r.exit_code, 5) << r.output;
  EXPECT_TRUE(std::filesystem::exists(other + "/athar.db"));  // left as it was
  r = run_command(std::string(ATHAR_BINARY) + " --data '" + other + "' migrate --from 'sqlite:" +
                  dir.file("elsewhere.db") + "' --to '" + target + "'");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("--from"), std::string::npos) << r.output;
  // A password in the URL is refused, and not repeated.
  r = run_command(std::string(ATHAR_BINARY) + " --data '" + other +
                  "' migrate --to 'postgresql://athar:secret@localhost/x'");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_EQ(r.output.find("secret"), std::string::npos) << r.output;
}

// A backup as docs/deploy.md takes it (pg_dump of the database, a copy of the data folder's
// objects and keys) restored into a fresh cluster: `athar verify` passes there, with the same log.
TEST(Migrate, BackupRestoredIntoAFreshClusterVerifies) {
  athar::testing::ScratchDir dir;
  const std::string data = dir.file("data");
  const std::string athar = std::string(ATHAR_BINARY) + " --data '" + data + "' ";
  const std::string url = athar::testing::fresh_postgresql_database();
  ASSERT_EQ(run_command(athar + "init --db '" + url + "'").exit_code, 0);
  ASSERT_EQ(
      run_command(athar + "import " + ATHAR_SOURCE_DIR + "/data/demo/scenario.json").exit_code, 0);
  ASSERT_EQ(run_command(athar + "evidence add '" + dir.write("photo.txt", "synthetic photo") +
                        "' --collected-by team --collected-at 2025-01-05")
                .exit_code,
            0);
  auto r = run_command(athar + "checkpoint");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto before = athar::core::Json::parse(run_command(athar + "--json verify").output);
  ASSERT_TRUE(before["ok"].get<bool>());

  const auto bin = run_command("ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1");
  ASSERT_EQ(bin.exit_code, 0);
  const std::string tools = bin.output.substr(0, bin.output.find('\n'));
  r = run_command(tools + "/pg_dump -Fc -f '" + dir.file("athar.dump") + "' '" + url + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(run_command("cp -a '" + data + "' '" + dir.file("restored") + "'").exit_code, 0);

  // A fresh cluster, an empty database, the dump restored into it; the copy of the folder names it.
  const std::string cluster = "/tmp/athar-restore-" + std::to_string(getpid());
  const std::string script = std::string(ATHAR_SOURCE_DIR) + "/scripts/postgres-cluster";
  r = run_command(script + " start " + cluster);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string fresh = r.output.substr(0, r.output.find('\n'));
  const std::string restored_url = fresh.substr(0, fresh.find("/postgres?")) + "/athar" +
                                   fresh.substr(fresh.find("/postgres?") + 9);
  r = run_command("psql -q '" + fresh + "' -c 'CREATE DATABASE athar' && " + tools +
                  "/pg_restore --no-owner -d '" + restored_url + "' '" + dir.file("athar.dump") +
                  "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  { std::ofstream(dir.file("restored") + "/database-url") << restored_url << "\n"; }
  const std::string restored =
      std::string(ATHAR_BINARY) + " --data '" + dir.file("restored") + "' ";
  r = run_command(restored + "--json verify");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const auto after = athar::core::Json::parse(r.output);
  for (const char* figure : {"entries", "records", "checkpoints", "objects"})
    EXPECT_EQ(after[figure], before[figure]) << figure;
  run_command(script + " stop " + cluster);
}

}  // namespace
