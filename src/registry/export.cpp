#include "registry/export.h"

#include "core/csv.h"
#include "core/date.h"
#include "core/error.h"

namespace athar::registry {

namespace {

// Records are read in pages so that memory stays bounded for large registries.
template <class Visit>
void for_each_record(const Registry& registry, const KindSpec& kind, Visit visit) {
  constexpr size_t kPage = 10000;
  ListQuery query;
  query.limit = kPage;
  while (true) {
    const std::vector<Record> page = registry.list(kind, query);
    for (const Record& r : page) visit(r);
    if (page.size() < kPage) break;
    query.after_num = page.back().num;
  }
}

// The record as it is exported: sensitive fields in clear through options.reveal when asked.
Record exported(const Record& r, const ExportOptions& options) {
  if (!options.include_sensitive) return r;
  for (size_t i = 0; i < r.spec->fields.size(); ++i) {
    if (!r.spec->fields[i].sensitive || r.values[i].empty()) continue;
    if (!options.reveal) {
      throw core::Unavailable("sensitive fields are only exported through a reveal that is logged");
    }
    return options.reveal(r);
  }
  return r;
}

}  // namespace

core::OrderedJson export_json(const Registry& registry, const ExportOptions& options) {
  core::OrderedJson out;
  out["format"] = "athar-registry";
  out["version"] = 1;
  out["exported_at"] = core::utc_timestamp_now();
  for (const KindSpec& kind : kind_specs()) {
    core::OrderedJson records = core::OrderedJson::array();
    for_each_record(registry, kind, [&](const Record& stored) {
      const Record r = exported(stored, options);
      core::OrderedJson j = Registry::to_json(r, options.include_sensitive);
      for (const FieldSpec& f : kind.fields) {
        if (f.sensitive && !options.include_sensitive) j.erase(std::string(f.name));
      }
      if (kind.status_field()) {
        core::OrderedJson history = core::OrderedJson::array();
        for (const StatusChange& c : registry.history(r.id())) {
          core::OrderedJson e;
          e["status"] = c.new_status;
          e["changed_on"] = c.changed_on;
          if (!c.reported_by.empty()) e["reported_by"] = c.reported_by;
          if (!c.source.empty()) e["source"] = c.source;
          if (!c.note.empty()) e["note"] = c.note;
          history.push_back(e);
        }
        // The record's status is its latest history entry; the import replays the history.
        if (!history.empty()) {
          j.erase(std::string(kind.status_field()->name));
          j["history"] = history;
        }
      }
      records.push_back(std::move(j));
    });
    out[std::string(kind.plural)] = std::move(records);
  }
  return out;
}

void export_csv(const Registry& registry, const KindSpec& kind, std::ostream& out,
                const ExportOptions& options) {
  out << "id";
  for (const FieldSpec& f : kind.fields) out << ',' << f.name;
  out << '\n';
  for_each_record(registry, kind, [&](const Record& stored) {
    const Record r = exported(stored, options);
    out << r.id();
    for (size_t i = 0; i < kind.fields.size(); ++i) {
      out << ',';
      if (kind.fields[i].sensitive && !options.include_sensitive && !r.values[i].empty()) {
        out << "[protected]";
      } else {
        core::write_csv_cell(out, r.values[i]);
      }
    }
    out << '\n';
  });
}

}  // namespace athar::registry
