// Several `athar` processes writing at once, as a team's investigators (and later the server's
// threads) do: no write fails, none is lost, ids and ledger indexes stay dense, and `athar verify`
// running meanwhile reads one consistent snapshot and never raises a false alarm.
//
// ATHAR_CONCURRENCY_SECONDS (default 6) and ATHAR_CONCURRENCY_WRITERS (default 4) size the run;
// bench/concurrent_writes.sh runs it longer on the release build for bench/RESULTS.md. With
// ATHAR_TEST_BACKEND=postgresql the data folder's database is PostgreSQL.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "postgresql_support.h"
#include "test_support.h"

namespace {

using ProcessResult = athar::testing::CommandResult;
using athar::testing::run_command;

ProcessResult run(const std::string& command) { return run_command(command); }

int from_env(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value ? std::atoi(value) : fallback;
}

TEST(Concurrency, WritersAndVerifiersAtOnce) {
  athar::testing::ScratchDir dir;
  const std::string athar =
      std::string(ATHAR_BINARY) + " --data '" + dir.file("data") + "' --actor writer ";
  ASSERT_EQ(run(athar + "init" + athar::testing::athar_init_options()).exit_code, 0);
  ASSERT_EQ(run(athar + "source add --name List --kind organisation").exit_code, 0);

  const int seconds = from_env("ATHAR_CONCURRENCY_SECONDS", 6);
  const int writers = from_env("ATHAR_CONCURRENCY_WRITERS", 4);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::vector<std::string> failures;
  std::atomic<int> verifies{0};

  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; std::chrono::steady_clock::now() < end; ++i) {
        // Writers alternate plain adds and updates of what they added, so that record chains
        // grow under contention too.
        const ProcessResult r = run(athar + "person add --role victim --given-name-lat W" +
                                    std::to_string(w) + "N" + std::to_string(i));
        std::lock_guard lock(mutex);
        if (r.exit_code != 0) {
          failures.push_back("writer " + std::to_string(w) + ": exit " +
                             std::to_string(r.exit_code) + ": " + r.output);
          continue;
        }
        const std::string id = r.output.substr(0, r.output.find('\n'));
        acknowledged.insert(id);
        if (i % 3 == 2) {
          const ProcessResult u = run(athar + "person update " + id + " --notes seen");
          if (u.exit_code != 0) failures.push_back("update " + id + ": " + u.output);
        }
      }
    });
  }
  threads.emplace_back([&] {
    while (std::chrono::steady_clock::now() < end) {
      const ProcessResult r = run(athar + "verify");
      ++verifies;
      if (r.exit_code != 0) {
        std::lock_guard lock(mutex);
        failures.push_back("verify during writes: " + r.output);
      }
    }
  });
  for (auto& t : threads) t.join();

  for (const std::string& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(acknowledged.size(), static_cast<size_t>(writers));
  EXPECT_GT(verifies.load(), 0);

  // Nothing acknowledged is lost, and ids are dense: person-000001 … person-N.
  const ProcessResult listed = run(athar + "--json person list --limit 0");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  std::set<std::string> stored;
  for (const auto& p : athar::core::Json::parse(listed.output)) stored.insert(p["id"]);
  EXPECT_EQ(stored, acknowledged);
  char expected[32];
  std::snprintf(expected, sizeof expected, "person-%06zu", acknowledged.size());
  EXPECT_EQ(*stored.rbegin(), expected);

  // The ledger is dense and every record matches its newest entry.
  const ProcessResult verified = run(athar + "verify");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

}  // namespace

namespace {

// Two investigators import the same list at the same moment: the check of the file's hash is
// made under the writer lock, so one import goes through and the other is refused, not both.
TEST(Concurrency, TheSameFileImportedTwiceAtOnceGoesInOnce) {
  athar::testing::ScratchDir dir;
  const std::string athar =
      std::string(ATHAR_BINARY) + " --data '" + dir.file("data") + "' --actor writer ";
  ASSERT_EQ(run(athar + "init" + athar::testing::athar_init_options()).exit_code, 0);
  ASSERT_EQ(run(athar + "source add --name List --kind organisation").exit_code, 0);
  std::string csv = "given_name_lat,family_name_lat\n";
  for (int i = 0; i < 2000; ++i) csv += "Row" + std::to_string(i) + ",al-Same\n";
  const std::string file = dir.write("same.csv", csv);
  std::array<ProcessResult, 2> results;
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back(
        [&, t] { results[t] = run(athar + "import persons '" + file + "' --source source-0001"); });
  }
  for (auto& t : threads) t.join();
  const int succeeded = (results[0].exit_code == 0) + (results[1].exit_code == 0);
  EXPECT_EQ(succeeded, 1) << results[0].output << "\n" << results[1].output;
  for (const ProcessResult& r : results) {
    if (r.exit_code != 0) {
      EXPECT_EQ(r.exit_code, 3) << r.output;
      EXPECT_NE(r.output.find("--force"), std::string::npos) << r.output;
    }
  }
  const auto summary = athar::core::Json::parse(run(athar + "--json summary").output);
  EXPECT_EQ(summary["counts"]["persons"], 2000);
  EXPECT_EQ(run(athar + "verify").exit_code, 0);
}

}  // namespace
