// Evidence use cases: storing a file (bytes to the vault, records and custody to the registry)
// and reading one back by its record.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "app/instance.h"
#include "core/json.h"
#include "registry/evidence.h"

namespace athar::app {

struct StoredEvidence {
  registry::IngestResult result;
  core::OrderedJson to_json() const;
};
StoredEvidence add_evidence(Session& session, const std::filesystem::path& file,
                            const registry::IngestOptions& options);
// Several files in one transaction: every one stored, or (on the first bad file, named) none.
std::vector<StoredEvidence> add_evidence_files(Session& session,
                                               const std::vector<std::filesystem::path>& files,
                                               const registry::IngestOptions& options);

struct EvidenceFile {
  std::string evidence_id, sha256, media_type;
  std::filesystem::path path;  // the vault's object
  uint64_t size = 0;
};
// NotFound when the record is not evidence or its object is not in the vault.
EvidenceFile evidence_file(Session& session, std::string_view evidence_id);

}  // namespace athar::app
