// `athar migrate`: a whole installation moved from SQLite to PostgreSQL — every table row for
// row (record numbers, ledger indexes, checkpoints, hashes as they are), the id counters carried
// over so that no id is ever given twice, and the data folder switched to the new database. The
// vault's objects and the keys stay where they are; `athar verify` gives the same roots after.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"

namespace athar::app {

struct MigrationReport {
  std::string from, to;                                 // URLs (no password)
  std::vector<std::pair<std::string, int64_t>> tables;  // rows copied, per table
  int64_t rows = 0;
  std::string moved_aside;  // the SQLite file, renamed once the copy was committed
  core::OrderedJson to_json() const;
};

// `data_dir` uses SQLite now (DATA/athar.db); `to` is an existing, empty PostgreSQL database.
// All or nothing: any failure leaves the data folder on SQLite and the target without Athar's
// tables (they are created inside the copy's transaction). InputError for a data folder on
// PostgreSQL already or a URL with a password; Conflict for a target that holds Athar.
MigrationReport migrate_to_postgresql(const std::filesystem::path& data_dir, const std::string& to);

}  // namespace athar::app
