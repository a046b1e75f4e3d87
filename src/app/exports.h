// Exports: the registry as JSON or one kind as CSV (protected fields only through a logged
// reveal), and evidence bundles for outside parties (registry/bundle.h).
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "app/instance.h"
#include "core/json.h"
#include "registry/bundle.h"

namespace athar::app {

struct ExportRequest {
  std::string format = "json";  // json or csv
  std::string kind;             // csv: the kind to export (persons, sites, ...)
  bool include_protected = false;
  // CSV: a UTF-8 byte-order mark first, so that spreadsheets (Excel on Windows) read the Arabic
  // as UTF-8 rather than the system's code page. Athar's own import skips it.
  bool byte_order_mark = true;
};
// Writes the export to `out`; every record revealed is a ledger entry naming the actor, all
// committed with the export or not at all. Kinds the session may not read are left out of a
// JSON export and refused for CSV.
void export_records(Session& session, const ExportRequest& request, std::ostream& out);

struct Bundle {
  registry::BundleSummary summary;
  std::filesystem::path file;
  core::OrderedJson to_json() const;
};
Bundle export_bundle(Session& session, const std::vector<std::string>& evidence,
                     const std::filesystem::path& out, const core::Progress& progress = {});

}  // namespace athar::app
