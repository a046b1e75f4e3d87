#include "store/migrations.h"

#include <optional>
#include <string>

#include "core/date.h"
#include "core/error.h"
#include "store/dialect.h"

namespace athar::store {

namespace {
void ensure_version_table(Database& db) {
  db.execute_script(
      "CREATE TABLE IF NOT EXISTS schema_version ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
}
}  // namespace

int schema_version(Database& db) {
  ensure_version_table(db);
  auto stmt = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  stmt->step();
  return static_cast<int>(stmt->int64(0));
}

int migrate(Database& db, std::span<const Migration> migrations) {
  int current = schema_version(db);
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    throw core::Unavailable(db.location() + " has schema version " + std::to_string(current) +
                            ", newer than this build of Athar knows (" + std::to_string(newest) +
                            "); use a newer Athar");
  }
  // Inside a caller's transaction (athar migrate) the migrations join it; otherwise each has its
  // own.
  const bool joined = db.in_transaction();
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    std::optional<Transaction> tx;
    if (!joined) tx.emplace(db);
    // Another process may have applied it while this one waited for the writer lock.
    if (schema_version(db) >= m.version) {
      current = m.version;
      continue;
    }
    if (db.dialect() == Dialect::kPostgresql) {
      db.execute_script(m.postgresql.empty() ? postgresql_schema(m.sql)
                                             : std::string(m.postgresql));
    } else {
      db.execute_script(m.sql);
    }
    auto record = db.prepare("INSERT INTO schema_version(version, name, applied_at) VALUES(?,?,?)");
    record->bind(1, m.version);
    record->bind(2, m.name);
    record->bind(3, core::utc_timestamp_now());
    record->run();
    if (tx) tx->commit();
    current = m.version;
  }
  return current;
}

}  // namespace athar::store
