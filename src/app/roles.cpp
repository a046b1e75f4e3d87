#include "app/roles.h"

namespace athar::app {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kInvestigator:
      return "investigator";
    case Role::kAnalyst:
      return "analyst";
    case Role::kLiaison:
      return "liaison";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : kAllRoles) {
    if (role_name(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view permission_name(Permission permission) {
  switch (permission) {
    case Permission::kPublic:
      return "public";
    case Permission::kSignedIn:
      return "signed-in";
    case Permission::kReadAggregates:
      return "read-aggregates";
    case Permission::kReadRecords:
      return "read-records";
    case Permission::kWriteRecords:
      return "write-records";
    case Permission::kWritePersons:
      return "write-persons";
    case Permission::kRevealWitnesses:
      return "reveal-witnesses";
    case Permission::kReadGeneticProfiles:
      return "read-genetic-profiles";
    case Permission::kWriteGeneticProfiles:
      return "write-genetic-profiles";
    case Permission::kReadFamilyContacts:
      return "read-family-contacts";
    case Permission::kRunAnalyses:
      return "run-analyses";
    case Permission::kReadLedger:
      return "read-ledger";
    case Permission::kReadEvidence:
      return "read-evidence";
    case Permission::kAddEvidence:
      return "add-evidence";
    case Permission::kManageAccounts:
      return "manage-accounts";
  }
  return "?";
}

bool allows(Role role, Permission permission) {
  using P = Permission;
  switch (permission) {
    case P::kPublic:
    case P::kSignedIn:
    case P::kReadAggregates:
      return true;
    case P::kReadRecords:
      return role != Role::kViewer;
    case P::kWriteRecords:
    case P::kRevealWitnesses:
    case P::kAddEvidence:
      return role == Role::kAdmin || role == Role::kInvestigator;
    case P::kWritePersons:
      return role == Role::kAdmin || role == Role::kInvestigator || role == Role::kLiaison;
    case P::kReadGeneticProfiles:
    case P::kWriteGeneticProfiles:
    case P::kRunAnalyses:
      return role == Role::kAdmin || role == Role::kAnalyst;
    case P::kReadFamilyContacts:
      return role == Role::kAdmin || role == Role::kLiaison;
    case P::kReadLedger:
    case P::kReadEvidence:
      return role == Role::kAdmin || role == Role::kInvestigator || role == Role::kAnalyst;
    case P::kManageAccounts:
      return role == Role::kAdmin;
  }
  return false;
}

Permission read_permission(registry::Kind kind) {
  switch (kind) {
    case registry::Kind::kSource:
    case registry::Kind::kSite:
    case registry::Kind::kClaim:
      return Permission::kReadAggregates;
    default:
      return Permission::kReadRecords;
  }
}

Permission reveal_permission(registry::Kind kind) {
  return kind == registry::Kind::kSample ? Permission::kReadFamilyContacts
                                         : Permission::kRevealWitnesses;
}

Permission write_permission(registry::Kind kind) {
  return kind == registry::Kind::kPerson ? Permission::kWritePersons : Permission::kWriteRecords;
}

}  // namespace athar::app
