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

// Uploads in pieces, for large files over poor links: begun with the file's name and size,
// continued from where the server has it after a broken connection (the pieces are kept on
// disk, so a restart of the server loses nothing), then stored as evidence. Only the account
// that began an upload may continue, read or finish it.
struct PartialUpload {
  std::string id, owner, file_name;
  uint64_t size = 0, received = 0;
  core::OrderedJson to_json() const;
};
// InputError when `size` is 0 or over `max_size`.
PartialUpload begin_upload(Session& session, const std::string& file_name, uint64_t size,
                           uint64_t max_size);
PartialUpload upload_status(Session& session, std::string_view id);
// Appends the bytes of `piece` at `offset`; Conflict (naming what the server has) when the
// offset is not where the upload stands, InputError when it would pass the declared size.
PartialUpload continue_upload(Session& session, std::string_view id, uint64_t offset,
                              const std::filesystem::path& piece);
// Stores the whole file as evidence (its name as given when begun) and removes the upload;
// InputError when it is not whole yet.
StoredEvidence finish_upload(Session& session, std::string_view id,
                             registry::IngestOptions options);

struct EvidenceFile {
  std::string evidence_id, sha256, media_type;
  std::filesystem::path path;  // the vault's object
  uint64_t size = 0;
};
// NotFound when the record is not evidence or its object is not in the vault.
EvidenceFile evidence_file(Session& session, std::string_view evidence_id);

}  // namespace athar::app
