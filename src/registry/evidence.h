// Evidence intake: a file's bytes go to the vault under their SHA-256, the registry gets one
// evidence record per object (with what the file says about itself) and a `collected` custody
// event per intake, each written to the ledger.
//
//   vault::ObjectStore objects("athar-data/objects");
//   IngestResult r = ingest_evidence(registry, objects, "IMG_0042.jpg",
//                                    {.source = "source-0001", .collected_by = "team 3",
//                                     .collected_at = "2025-01-05T10:30Z", .site = "site-0001"});
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "registry/registry.h"
#include "vault/object_store.h"

namespace athar::registry {

struct IngestOptions {
  std::string source;        // source id the file came from
  std::string collected_by;  // who collected it (required)
  std::string collected_at;  // when (timestamp, required)
  std::string site;          // site id it concerns
  std::string place;         // where it was collected
  std::string note;
  bool follow_symlinks = false;  // store the file a symbolic link points to (refused otherwise)
  // The file's name when collected, for a single file kept under another name (an upload);
  // default: the name of the file stored.
  std::string original_name = {};
};

struct IngestResult {
  std::string evidence_id;
  std::string custody_id;
  ledger::Hash sha256{};
  uint64_t size = 0;
  bool new_object = false;  // false: the same bytes were stored before
  // When the same bytes had an evidence record already: when, by whom and as what it was first
  // stored ("" for a new one). The file gets a new custody event on that record.
  std::string stored_before;
};

// The object is durable (fsynced, renamed) before the records are committed; the records and
// their ledger entries commit in one transaction. Same file twice: one object and one evidence
// record, two custody events.
IngestResult ingest_evidence(Registry& registry, vault::ObjectStore& objects,
                             const std::filesystem::path& file, const IngestOptions& options);
// Several files, all or none: every file is checked (a regular file, readable; no FIFO, device
// or, unless asked, symbolic link) before any is stored, and all their records commit in one
// transaction. Objects stored before a failure stay in the vault unreferenced (harmless, and
// reused by the next attempt).
std::vector<IngestResult> ingest_evidence_files(Registry& registry, vault::ObjectStore& objects,
                                                const std::vector<std::filesystem::path>& files,
                                                const IngestOptions& options);

// The evidence record holding these bytes, if any.
std::optional<Record> find_evidence(const Registry& registry, const ledger::Hash& sha256);

}  // namespace athar::registry
