// Exports of the registry: the whole registry as JSON (the same form `import_json` reads, so an
// export loads into an empty registry), or one kind as CSV.
//
//   core::OrderedJson all = export_json(registry, {});
//   export_csv(registry, kind_spec(Kind::kPerson), std::cout, {});
#pragma once

#include <functional>
#include <ostream>

#include "core/json.h"
#include "registry/registry.h"

namespace athar::registry {

struct ExportOptions {
  // Witness identities and contacts; without this they are left out of JSON and written as
  // "[protected]" in CSV. With it, each record holding any is read through `reveal`
  // (Registry::reveal, which puts the read in the ledger); required then.
  bool include_sensitive = false;
  std::function<Record(const Record&)> reveal;
};

core::OrderedJson export_json(const Registry& registry, const ExportOptions& options);

// A header of `id` and the kind's fields, then one row per record (RFC 4180 quoting).
void export_csv(const Registry& registry, const KindSpec& kind, std::ostream& out,
                const ExportOptions& options);

}  // namespace athar::registry
