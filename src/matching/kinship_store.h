// DNA kinship data in the registry: reference and remains profiles and family pedigrees, each
// added in one transaction with a ledger entry, read back for screening (docs/kinship.md).
//
//   matching::add_profiles(registry, table, "references.csv", "reference");
//   matching::add_families(registry, table, "families.csv");
//   auto families = matching::stored_families(registry, table);
#pragma once

#include <optional>
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
// One stored family with only its own references read; nullopt when no family has this id.
std::optional<kinship::Family> stored_family(registry::Registry& registry,
                                             const kinship::FrequencyTable& table,
                                             const std::string& id);
// One stored profile of this kind; nullopt when there is none.
std::optional<kinship::Profile> stored_profile(registry::Registry& registry,
                                               const kinship::FrequencyTable& table,
                                               const std::string& sample, const std::string& kind);

// An analyst's decision on a screening candidate: remains `remains` is, or is not, the missing
// member `member` of family `family`.
struct KinshipDecision {
  std::string remains, family, member;
  std::string decision;  // "confirmed" or "rejected"
  std::string log10_lr;  // as shown to the reviewer
  std::string reason, decided_by, decided_at;
};
// Records it with a ledger entry ("kinship.decision"), replacing an earlier decision on the same
// candidate. InputError naming the field when the remains sample is not a stored remains
// profile, the family is not stored, the member is not one of its missing members, the decision
// is not confirmed/rejected, or the reason is empty.
KinshipDecision decide_kinship(registry::Registry& registry, KinshipDecision decision);
std::vector<KinshipDecision> kinship_decisions(registry::Registry& registry);

// Profiles and families whose row no longer matches its last ledger entry, or has none:
// (subject, what) pairs for `athar verify`.
std::vector<std::pair<std::string, std::string>> check_kinship(registry::Registry& registry);

}  // namespace athar::matching
