#include "registry/evidence.h"

#include <charconv>

#include "core/error.h"
#include "core/text.h"
#include "vault/metadata.h"

namespace athar::registry {

std::optional<Record> find_evidence(const Registry& registry, const ledger::Hash& sha256) {
  ListQuery q;
  q.limit = 1;
  q.include_retracted = true;
  q.equals.emplace_back("sha256", ledger::to_hex(sha256));
  auto found = registry.list(kind_spec(Kind::kEvidence), q);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

IngestResult ingest_evidence(Registry& registry, vault::ObjectStore& objects,
                             const std::filesystem::path& file, const IngestOptions& options) {
  return ingest_evidence_files(registry, objects, {file}, options).front();
}

std::vector<IngestResult> ingest_evidence_files(Registry& registry, vault::ObjectStore& objects,
                                                const std::vector<std::filesystem::path>& files,
                                                const IngestOptions& options) {
  // Everything the custody events need, and every file, is checked before any byte is stored.
  const KindSpec& custody_kind = kind_spec(Kind::kCustody);
  Record custody_template(custody_kind);
  custody_template.set("action", "collected");
  custody_template.set("note", options.note);
  custody_template.set("place", options.place);
  const std::string first = files.empty() ? std::string("evidence add") : files.front().string();
  for (auto [field, value] :
       {std::pair{"by_whom", options.collected_by}, std::pair{"at", options.collected_at},
        std::pair{"source", options.source}, std::pair{"site", options.site}}) {
    registry.check_field(custody_kind, field, value, first);
    custody_template.set(field, std::move(value));
  }
  for (const auto& file : files) vault::check_intake_file(file, options.follow_symlinks);

  std::vector<vault::StoredObject> stored_objects;
  stored_objects.reserve(files.size());
  for (const auto& file : files) {
    stored_objects.push_back(objects.put_file(file, options.follow_symlinks));
  }

  std::vector<IngestResult> results;
  Registry::Transaction tx(registry);
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string where = files[i].string();
    const vault::StoredObject& object = stored_objects[i];
    IngestResult result;
    result.sha256 = object.sha256;
    result.size = object.size;
    result.new_object = !object.already_present;
    std::optional<Record> evidence = find_evidence(registry, object.sha256);
    if (evidence) {
      std::string first_name;
      ListQuery events;
      events.limit = 0;
      events.include_retracted = true;
      events.equals.emplace_back("evidence", evidence->id());
      for (const Record& c : registry.list(kind_spec(Kind::kCustody), events)) {
        if (c.get("action") == "collected") {
          first_name = c.get("original_name");
          break;
        }
      }
      result.stored_before = "the same bytes were stored first as " + evidence->id() +
                             (first_name.empty() ? "" : " (" + first_name + ")") + " on " +
                             evidence->created_at + " by " + evidence->created_by +
                             "; recorded as another collection of that item";
    } else {
      const vault::FileMetadata meta = vault::read_metadata(objects.path_of(object.sha256));
      Record r(kind_spec(Kind::kEvidence));
      r.set("sha256", ledger::to_hex(object.sha256));
      r.set("size", std::to_string(object.size));
      r.set("media_type", meta.media_type);
      r.set("captured_at", meta.captured_at);
      if (meta.latitude && meta.longitude && *meta.latitude >= -90 && *meta.latitude <= 90 &&
          *meta.longitude >= -180 && *meta.longitude <= 180) {
        r.set("gps_latitude", core::shortest_number(*meta.latitude));
        r.set("gps_longitude", core::shortest_number(*meta.longitude));
      }
      r.set("device", meta.device);
      if (!meta.embedded.empty()) r.set("metadata", meta.embedded.dump());
      evidence = registry.add(std::move(r), {}, where);
    }
    Record custody = custody_template;
    custody.set("original_name", files.size() == 1 && !options.original_name.empty()
                                     ? options.original_name
                                     : files[i].filename().string());
    custody.set("evidence", evidence->id());
    const Record stored = registry.add(std::move(custody), {}, where);
    result.evidence_id = evidence->id();
    result.custody_id = stored.id();
    results.push_back(std::move(result));
  }
  tx.commit();
  return results;
}

}  // namespace athar::registry
