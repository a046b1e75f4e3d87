// Registry use cases: the summary, listing, showing, adding and updating records of every kind,
// and finding persons by name. Each checks the session's permission for the kind first.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/instance.h"
#include "core/json.h"
#include "matching/person_search.h"
#include "registry/plausibility.h"
#include "registry/registry.h"

namespace athar::app {

// Counts, statuses, and each site's claims beside what is documented.
core::OrderedJson summary(Session& session);

struct RecordPage {
  std::vector<registry::Record> records;
  size_t limit = 0, offset = 0;
  // The `after` to ask for the next page (records numbered above it); none on the last page.
  std::optional<int64_t> next_after;
  core::OrderedJson to_json() const;
};
RecordPage list_records(Session& session, const registry::KindSpec& kind,
                        const registry::ListQuery& query);

// A record with what surrounds it: its status history, the claims about it, its links, the
// custody of an evidence item, and for a site the documented persons buried there.
// A record's name as people say it ("Najha cemetery / مقبرة نجها", a person's names in both
// scripts, a source's name); "" for kinds that have none (a witness goes by its pseudonym id).
std::string display_name(const registry::Record& record);
// "site-0004 Najha cemetery / مقبرة نجها": the id with its name; the bare id when there is none.
std::string labelled_id(registry::Registry& registry, std::string_view id);

struct RecordView {
  explicit RecordView(registry::Record r) : record(std::move(r)) {}
  registry::Record record;
  bool revealed = false;
  std::vector<registry::StatusChange> history;
  std::vector<registry::Record> claims, links, custody;
  std::optional<int64_t> documented_persons;
  core::OrderedJson estimates;  // a site's recorded estimates (null for other kinds)
  // Every change of every field since versions were kept: who, when, old, new, why. Protected
  // values are shown as "[protected]".
  std::vector<registry::FieldChange> changes;
  // The ledger entries that vouch for the record's versions, oldest first (each can be proved
  // included in a signed checkpoint).
  struct Vouching {
    uint64_t entry = 0;
    std::string op, at, by;
  };
  std::vector<Vouching> ledger;
  // Records merged into this one (each retracted naming it); their links are among `links`.
  std::vector<std::string> merged;
  // The name beside each id the view mentions (references, link ends, claims' sources).
  std::map<std::string, std::string> names;
  core::OrderedJson to_json() const;
};
// `reveal`: the protected fields in clear, a read the ledger records with the actor's name
// (Forbidden for a role that may not read them).
RecordView show_record(Session& session, std::string_view id, bool reveal);

// `values` by field name; unknown names are an InputError naming them. `listed_by` (persons
// only): the source that lists the person, linked `listed_by` in the same transaction, as an
// import links each row (linkage treats the source as the person's list).
// `warnings`, when given, receives the plausibility warnings about the record as stored (a
// point outside Syria, a site or person that looks like one already there, ...): the record is
// stored all the same.
registry::Record add_record(Session& session, const registry::KindSpec& kind,
                            const registry::FieldChanges& values,
                            const registry::StatusReport& report, std::string_view listed_by = {},
                            std::vector<registry::Warning>* warnings = nullptr);
registry::Record update_record(Session& session, std::string_view id,
                               const registry::FieldChanges& changes,
                               const registry::StatusReport& report,
                               std::vector<registry::Warning>* warnings = nullptr);

struct PersonSearch {
  std::string query;
  std::vector<matching::PersonHit> hits;
  core::OrderedJson to_json() const;
};
// Corrections, never deletions (registry::Registry::correct, retract, merge), each a ledger
// entry with its reason, under the kind's write permission.
registry::Record correct_record(Session& session, std::string_view id,
                                const registry::FieldChanges& changes, std::string_view reason,
                                std::vector<registry::Warning>* warnings = nullptr);
registry::Record retract_record(Session& session, std::string_view id, std::string_view reason);
std::pair<registry::Record, registry::Record> merge_records(Session& session, std::string_view kept,
                                                            std::string_view duplicate,
                                                            std::string_view reason);

PersonSearch search_persons(Session& session, std::string_view query,
                            const matching::SearchOptions& options);

}  // namespace athar::app
