// Versioned schema migrations, applied when a database is opened.
//
// Each migration has a version (1, 2, …) and a SQL script; a database records the versions it
// has in `schema_version`. Opening applies the missing ones in order, each in its own
// transaction, upgrading an old database in place; a database newer than this build is refused.
//
//   athar::store::migrate(db, athar::store::registry_migrations());
#pragma once

#include <span>
#include <string_view>

#include "store/database.h"

namespace athar::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;              // SQLite's; PostgreSQL gets it translated (store/dialect.h)
  std::string_view postgresql = {};  // or, when its data statements need more, its own script
};

// The registry schema, from src/store/migrations/NNNN_name.sql (embedded at build time).
std::span<const Migration> registry_migrations();

// Applies the missing migrations; returns the schema version now in force. Throws Unavailable
// when the database was written by a newer Athar than knows `migrations`.
int migrate(Database& db, std::span<const Migration> migrations);

// The schema version recorded in the database (0 for a new one).
int schema_version(Database& db);

}  // namespace athar::store
