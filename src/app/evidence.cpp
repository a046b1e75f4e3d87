#include "app/evidence.h"

#include "core/error.h"
#include "ledger/hash.h"

namespace athar::app {

core::OrderedJson StoredEvidence::to_json() const {
  return {{"evidence", result.evidence_id},          {"custody", result.custody_id},
          {"sha256", ledger::to_hex(result.sha256)}, {"size", result.size},
          {"new_object", result.new_object},         {"stored_before", result.stored_before}};
}

StoredEvidence add_evidence(Session& session, const std::filesystem::path& file,
                            const registry::IngestOptions& options) {
  session.require(Permission::kAddEvidence, "add evidence");
  vault::ObjectStore objects(session.instance().objects_path());
  return {registry::ingest_evidence(session.registry(), objects, file, options)};
}

std::vector<StoredEvidence> add_evidence_files(Session& session,
                                               const std::vector<std::filesystem::path>& files,
                                               const registry::IngestOptions& options) {
  session.require(Permission::kAddEvidence, "add evidence");
  vault::ObjectStore objects(session.instance().objects_path());
  std::vector<StoredEvidence> out;
  for (auto& r : registry::ingest_evidence_files(session.registry(), objects, files, options))
    out.push_back({std::move(r)});
  return out;
}

EvidenceFile evidence_file(Session& session, std::string_view evidence_id) {
  session.require(Permission::kReadEvidence, "read evidence files");
  const auto parsed = registry::parse_record_id(evidence_id);
  if (!parsed || parsed->kind != registry::Kind::kEvidence) {
    throw core::NotFound(std::string(evidence_id) + " is not an evidence record");
  }
  const registry::Record r = session.registry().get(evidence_id);
  EvidenceFile out;
  out.evidence_id = r.id();
  out.sha256 = r.get("sha256");
  out.media_type = r.get("media_type");
  vault::ObjectStore objects(session.instance().objects_path());
  out.path = objects.path_of_hex(out.sha256);
  std::error_code ec;
  out.size = std::filesystem::file_size(out.path, ec);
  if (ec) throw core::NotFound("the object of " + out.evidence_id + " is not in the vault");
  return out;
}

}  // namespace athar::app
