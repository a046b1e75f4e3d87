// DNA kinship data in the registry: reference and remains profiles and family pedigrees, each
// added in one transaction with a ledger entry, read back for screening (docs/kinship.md).
//
//   matching::add_profiles(registry, table, "references.csv", "reference");
//   matching::add_families(registry, table, "families.csv");
//   auto families = matching::stored_families(registry, table);
#pragma once

#include <string>
#include <vector>

#include "kinship/pedigree.h"
#include "registry/registry.h"

namespace athar::matching {

// Adds every profile of the file (long or wide table) as `kind` ("reference" or "remains").
// A sample already stored is an error naming it; nothing of the file is written then.
size_t add_profiles(registry::Registry& registry, const kinship::FrequencyTable& table,
                    const std::string& path, const std::string& kind);
std::vector<kinship::Profile> stored_profiles(registry::Registry& registry,
                                              const kinship::FrequencyTable& table,
                                              const std::string& kind);

// Adds the families of a families CSV; their reference samples must already be stored. All or
// nothing, as above.
size_t add_families(registry::Registry& registry, const kinship::FrequencyTable& table,
                    const std::string& path);
std::vector<kinship::Family> stored_families(registry::Registry& registry,
                                             const kinship::FrequencyTable& table);

// Profiles and families whose row no longer matches its last ledger entry, or has none:
// (subject, what) pairs for `athar verify`.
std::vector<std::pair<std::string, std::string>> check_kinship(registry::Registry& registry);

}  // namespace athar::matching
