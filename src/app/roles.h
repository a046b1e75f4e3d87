// Who may do what (../shared/DESIGN.md, "Security model"). Every use case names the permission
// it needs; the server's route table names the same one, so the role × route matrix test covers
// each route from this one table.
//
//   if (!allows(Role::kViewer, Permission::kReadRecords)) ...   // false: aggregates only
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "registry/kinds.h"

namespace athar::app {

enum class Role { kAdmin, kInvestigator, kAnalyst, kLiaison, kViewer };

inline constexpr Role kAllRoles[] = {Role::kAdmin, Role::kInvestigator, Role::kAnalyst,
                                     Role::kLiaison, Role::kViewer};

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

enum class Permission {
  kPublic,                // no account needed (login, the API description)
  kSignedIn,              // any account: one's own session, the data dictionary
  kReadAggregates,        // summary, sites, sources, claims, estimates: what is published
  kReadRecords,           // every kind of record, protected fields masked
  kWriteRecords,          // add and update records of every kind
  kWritePersons,          // add and update persons (liaisons take families' reports)
  kRevealWitnesses,       // witness identities and contacts in clear (each read logged)
  kReadGeneticProfiles,   // DNA profiles and pedigrees (each read logged)
  kWriteGeneticProfiles,  // add DNA profiles and families (the lab's results)
  kReadFamilyContacts,    // relatives' contact details (each read logged)
  kRunAnalyses,           // linkage, screening, estimation
  kReadLedger,            // ledger entries, proofs, verify
  kReadEvidence,          // download evidence files
  kAddEvidence,           // upload evidence files
  kManageAccounts,        // add, disable, change the role of accounts
};

std::string_view permission_name(Permission permission);
bool allows(Role role, Permission permission);

// What reading, or writing, records of `kind` needs: sites, sources and claims are published
// aggregates a viewer may read; persons may be written by liaisons too.
Permission read_permission(registry::Kind kind);
// Who may read a kind's protected fields in clear: witnesses' identities (admin, investigator),
// sample donors' names and contacts (admin, liaison: the family's side).
Permission reveal_permission(registry::Kind kind);
Permission write_permission(registry::Kind kind);

}  // namespace athar::app
