// Imports into the registry. Each import is one transaction: on the first bad row or record the
// error names the file, row (or record) and field, and nothing of the file is written.
//
//   auto report = import_persons_csv(registry, "list.csv", {.source = "source-0002"});
//   auto report = import_json(registry, "data/demo/scenario.json");
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/progress.h"
#include "registry/plausibility.h"
#include "registry/registry.h"

namespace athar::registry {

struct ImportReport {
  std::map<std::string, int64_t> added;  // records added per kind (plural name); checked only
  int64_t rows = 0;                      // data rows or records read
  bool checked_only = false;             // nothing was written
  std::string file_sha256;               // the file's content hash, remembered after the import
  // The same bytes imported before (with `force`): when, by whom, how many records.
  std::string imported_before;
  // Plausibility warnings about the rows (registry/plausibility.h), found while reading them.
  std::vector<Warning> warnings;
};

struct PersonsCsvOptions {
  std::string source;  // source id that lists every person in the file ("" : a `source` column)
  std::string role = "victim";  // role of persons whose row gives none
  bool check_only = false;      // check every row, write nothing
  bool force = false;           // import a file whose bytes were imported before
};

// A file whose bytes (SHA-256) were imported before is refused unless forced: every record would
// be added twice. Each import is remembered (imported_files) with a ledger entry.
inline constexpr const char* kImportedBeforeHint =
    "importing it again would add every record twice; --force (force=true) imports it anyway";

// Imports check the whole file: every bad row or record is found (up to this many listed, the
// rest counted) and thrown together as core::InputProblems, in file order; nothing is written.
inline constexpr size_t kMaxListedProblems = 1000;

// Columns are the person fields of kinds.cpp (docs/registry.md lists them) plus `source`;
// an `id` column, as `athar export` writes, is ignored. `full_name_ar` and `full_name_lat`
// columns (lists with one name column) are split into the name parts (names/full_name.h),
// filling those the row leaves empty. Each person is linked `listed_by` to the row's source.
// One transaction: a cancelled `progress` (or a bad row) leaves nothing written.
ImportReport import_persons_csv(Registry& registry, const std::string& path,
                                const PersonsCsvOptions& options,
                                const core::Progress& progress = {},
                                const std::string& file_name = {});

// The name parts of a person (given, father, grandfather, family; _ar or _lat) that are empty,
// filled from a full name in that script; empty full names change nothing.
void fill_name_parts(Record& person, std::string_view full_name_ar, std::string_view full_name_lat);

// The JSON form of docs/registry.md: an object with one array per kind ("sources", "sites",
// ...); a record's "id" may be a local name that later records of the same file refer to.
// `file_name` (both imports): the name messages and the import's record give the file, default
// its path; the name it was uploaded as, when the server keeps it under another.
ImportReport import_json(Registry& registry, const std::string& path,
                         const core::Progress& progress = {}, bool check_only = false,
                         bool force = false, const std::string& file_name = {});

}  // namespace athar::registry
