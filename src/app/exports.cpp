#include "app/exports.h"

#include <algorithm>

#include "core/error.h"
#include "ledger/checkpoint.h"
#include "registry/export.h"
#include "vault/object_store.h"

namespace athar::app {

void export_records(Session& session, const ExportRequest& request, std::ostream& out) {
  session.require(Permission::kReadRecords, "export the registry");
  if (request.include_protected) {
    // Each exported kind's protected fields need that kind's permission (all kinds for JSON).
    const registry::KindSpec* only =
        request.format == "csv" ? registry::find_kind(request.kind) : nullptr;
    for (const registry::KindSpec& kind : registry::kind_specs()) {
      if (only && only != &kind) continue;
      if (std::any_of(kind.fields.begin(), kind.fields.end(),
                      [](const registry::FieldSpec& f) { return f.sensitive; }))
        session.require(reveal_permission(kind.kind),
                        "export protected fields of " + std::string(kind.plural));
    }
  }
  if (request.format != "json" && request.format != "csv") {
    throw core::InputError("export", "format", request.format, "json or csv");
  }
  registry::Registry& reg = session.registry();
  // Each witness revealed is a ledger entry naming who exported it, committed with the export
  // (nothing revealed is left unlogged if the export fails).
  registry::Registry::Transaction tx(reg);
  const registry::ExportOptions options{request.include_protected,
                                        [&](const registry::Record& r) { return reg.reveal(r); }};
  if (request.format == "json") {
    out << registry::export_json(reg, options).dump(2) << "\n";
  } else {
    const registry::KindSpec* kind = registry::find_kind(request.kind);
    if (!kind) {
      throw core::InputError("export", "kind", request.kind,
                             "CSV export needs a kind (sources, sites, persons, ...)");
    }
    if (request.byte_order_mark) out << "\xEF\xBB\xBF";
    registry::export_csv(reg, *kind, out, options);
  }
  out.flush();
  if (!out) throw core::Unavailable("writing the export failed");
  tx.commit();
}

core::OrderedJson Bundle::to_json() const {
  return {{"file", file.filename().string()},
          {"evidence", summary.evidence},
          {"records", summary.records},
          {"ledger_entries", summary.entries},
          {"tree_size", summary.tree_size}};
}

Bundle export_bundle(Session& session, const std::vector<std::string>& evidence,
                     const std::filesystem::path& out, const core::Progress& progress) {
  session.require(Permission::kReadEvidence, "export evidence bundles");
  if (evidence.empty()) throw core::InputError("bundle", "evidence", "", "name evidence ids");
  const vault::ObjectStore objects(session.instance().objects_path());
  const auto key = ledger::load_signing_key(session.instance().keys_dir());
  return {registry::export_bundle(session.registry(), objects, key, evidence, out, progress), out};
}

}  // namespace athar::app
