// PostgreSQL for the tests: the cluster scripts/test started ($ATHAR_TEST_POSTGRESQL), or else a
// throwaway one started for this process (scripts/postgres-cluster) and stopped at its exit;
// each caller gets a fresh, empty database on it.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "store/database.h"
#include "test_support.h"

namespace athar::testing {

inline std::string postgresql_cluster_url() {
  static const std::string url = [] {
    if (const char* given = std::getenv("ATHAR_TEST_POSTGRESQL"); given && *given)
      return std::string(given);
    static std::string dir = "/tmp/athar-pg-" + std::to_string(getpid());
    const std::string script = std::string(ATHAR_SOURCE_DIR) + "/scripts/postgres-cluster";
    std::system((script + " stop " + dir).c_str());  // a folder left by a crashed run
    const CommandResult started = run_command(script + " start " + dir);
    if (started.exit_code != 0)
      throw std::runtime_error("cannot start a PostgreSQL cluster: " + started.output);
    std::atexit([] {
      std::system(
          (std::string(ATHAR_SOURCE_DIR) + "/scripts/postgres-cluster stop " + dir).c_str());
    });
    std::string out = started.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  }();
  return url;
}

// postgresql://…/athar_test_PID_N?… — created now, empty.
inline std::string fresh_postgresql_database() {
  static int made = 0;
  const std::string name = "athar_test_" + std::to_string(getpid()) + "_" + std::to_string(++made);
  const std::string cluster = postgresql_cluster_url();
  store::open_postgresql(cluster, store::OpenMode::kCreate)
      ->execute_script("CREATE DATABASE " + name);
  const size_t at = cluster.find("/postgres?");
  if (at == std::string::npos) throw std::runtime_error("unexpected cluster URL " + cluster);
  return cluster.substr(0, at) + "/" + name + cluster.substr(at + 9);
}

// The backend the suites run on: SQLite by default, PostgreSQL when ATHAR_TEST_BACKEND says so
// (scripts/test runs the store, registry, ledger, matching and server suites on both).
inline bool testing_on_postgresql() {
  const char* backend = std::getenv("ATHAR_TEST_BACKEND");
  return backend && std::string(backend) == "postgresql";
}

// The URL of a fresh, empty database on the backend under test (SQLite: athar.db in `dir`).
inline std::string fresh_test_database_url(const ScratchDir& dir) {
  return testing_on_postgresql() ? fresh_postgresql_database()
                                 : store::sqlite_url(dir.file("athar.db"));
}

// For app::Instance::create: "" (SQLite in the data folder) or a fresh PostgreSQL database.
inline std::string fresh_instance_database() {
  return testing_on_postgresql() ? fresh_postgresql_database() : std::string();
}

// What `athar init` is given for the backend under test: nothing, or --db with a fresh database.
inline std::string athar_init_options() {
  return testing_on_postgresql() ? " --db '" + fresh_postgresql_database() + "'" : std::string();
}

// The adversary's shell on the store: sqlite3 on the file, psql on a PostgreSQL database. The
// command line that runs `sql`.
inline std::string database_shell_command(const std::string& url, const std::string& sql) {
  if (url.rfind("sqlite:", 0) == 0) return "sqlite3 '" + url.substr(7) + "' \"" + sql + "\"";
  return "psql -q -v ON_ERROR_STOP=1 '" + url.substr(0, url.find('?')) + "?" +
         url.substr(url.find('?') + 1) + "' -c \"" + sql + "\" >/dev/null";
}

}  // namespace athar::testing
