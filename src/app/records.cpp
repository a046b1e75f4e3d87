#include "app/records.h"

#include <algorithm>
#include <cmath>

#include "app/analyses.h"
#include "core/error.h"

namespace athar::app {

using registry::Kind;
using registry::Record;
using registry::Registry;

core::OrderedJson summary(Session& session) {
  session.require(Permission::kReadAggregates, "read the summary");
  return session.registry().summary();
}

core::OrderedJson RecordPage::to_json() const {
  core::OrderedJson out;
  core::OrderedJson items = core::OrderedJson::array();
  for (const Record& r : records) items.push_back(Registry::to_json(r, false));
  out["records"] = std::move(items);
  out["limit"] = limit;
  out["offset"] = offset;
  if (next_after) out["next_after"] = *next_after;
  return out;
}

RecordPage list_records(Session& session, const registry::KindSpec& kind,
                        const registry::ListQuery& query) {
  session.require(read_permission(kind.kind), "list " + std::string(kind.plural));
  for (const auto& [field, value] : query.equals) {
    const registry::FieldSpec* f = kind.field(field);
    if (!f) {
      throw core::InputError(std::string(kind.plural), field, value, "no such field to filter on");
    }
    // A protected field cannot be searched for a guessed value: it is stored sealed.
    if (f->sensitive) {
      throw core::InputError(std::string(kind.plural), field, value,
                             "a protected field cannot be filtered on");
    }
  }
  RecordPage page;
  page.limit = query.limit;
  page.offset = query.offset;
  page.records = session.registry().list(kind, query);
  if (query.limit != 0 && page.records.size() == query.limit)
    page.next_after = page.records.back().num;
  return page;
}

core::OrderedJson RecordView::to_json() const {
  core::OrderedJson j = Registry::to_json(record, revealed);
  if (record.spec->status_field()) {
    core::OrderedJson status_changes = core::OrderedJson::array();
    for (const auto& c : history) {
      status_changes.push_back({{"status", c.new_status},
                                {"from", c.old_status},
                                {"changed_on", c.changed_on},
                                {"reported_by", c.reported_by},
                                {"source", c.source},
                                {"note", c.note},
                                {"recorded_by", c.recorded_by}});
    }
    j["history"] = std::move(status_changes);
  }
  const auto records_json = [](const std::vector<Record>& records) {
    core::OrderedJson out = core::OrderedJson::array();
    for (const Record& r : records) out.push_back(Registry::to_json(r, false));
    return out;
  };
  if (!claims.empty()) j["claims"] = records_json(claims);
  if (!links.empty()) j["links"] = records_json(links);
  if (documented_persons) j["documented_persons"] = *documented_persons;
  if (!estimates.is_null()) j["estimates"] = estimates;
  if (record.spec->kind == Kind::kEvidence) j["custody"] = records_json(custody);
  if (!changes.empty()) {
    core::OrderedJson out = core::OrderedJson::array();
    for (const auto& c : changes) {
      out.push_back({{"entry", c.entry},
                     {"op", c.op},
                     {"at", c.at},
                     {"by", c.actor},
                     {"field", c.field},
                     {"old", c.old_value},
                     {"new", c.new_value},
                     {"reason", c.reason}});
    }
    j["changes"] = std::move(out);
  }
  if (!ledger.empty()) {
    core::OrderedJson out = core::OrderedJson::array();
    for (const auto& v : ledger)
      out.push_back({{"entry", v.entry}, {"op", v.op}, {"at", v.at}, {"by", v.by}});
    j["ledger"] = std::move(out);
  }
  if (!merged.empty()) j["merged"] = merged;
  if (!names.empty()) {
    core::OrderedJson n = core::OrderedJson::object();
    for (const auto& [id, name] : names) n[id] = name;
    j["names"] = std::move(n);
  }
  return j;
}

std::string display_name(const Record& r) {
  const auto join = [&](std::initializer_list<std::string_view> fields,
                        std::string_view separator) { return r.joined(fields, separator); };
  switch (r.spec->kind) {
    case Kind::kSource:
      return r.get("name");
    case Kind::kSite:
    case Kind::kUnit:
      return join({"name_lat", "name_ar"}, " / ");
    case Kind::kPerson: {
      const std::string lat = join({"given_name_lat", "father_name_lat", "family_name_lat"}, " ");
      const std::string ar = join({"given_name_ar", "father_name_ar", "family_name_ar"}, " ");
      return lat.empty() ? ar : ar.empty() ? lat : lat + " / " + ar;
    }
    case Kind::kEvent:
      return join({"kind", "started_on"}, " ");
    case Kind::kClaim:
      return join({"topic", "figure"}, " ");
    case Kind::kEvidence:
      return join({"description", "media_type"}, " | ");
    default:
      return "";
  }
}

std::string labelled_id(Registry& registry, std::string_view id) {
  const auto parsed = registry::parse_record_id(id);
  if (!parsed || !registry.exists(*parsed)) return std::string(id);
  const std::string name = display_name(registry.get(id));
  return name.empty() ? std::string(id) : std::string(id) + " " + name;
}

namespace {
const registry::KindSpec& kind_of_id(std::string_view id) {
  const auto parsed = registry::parse_record_id(id);
  if (!parsed) throw core::InputError(std::string(id), "id", std::string(id), "not a record id");
  return registry::kind_spec(parsed->kind);
}
}  // namespace

RecordView show_record(Session& session, std::string_view id, bool reveal) {
  const registry::KindSpec& kind = kind_of_id(id);
  session.require(read_permission(kind.kind), "read " + std::string(kind.plural));
  Registry& reg = session.registry();
  RecordView view(reg.get(id));
  if (reveal) {
    session.require(reveal_permission(kind.kind), "read protected fields of " + std::string(id));
    // The read is logged with the actor's name before anything is shown.
    Registry::Transaction tx(reg);
    view.record = reg.reveal(view.record);
    tx.commit();
    view.revealed = true;
  }
  const std::string rid = view.record.id();
  if (kind.status_field()) view.history = reg.history(rid);
  view.claims = reg.claims_about(rid);
  view.links = reg.links_of(rid);
  // Links name persons and witnesses: a role that may not read those sees only the count.
  if (kind.kind == Kind::kSite) {
    int64_t buried = 0;
    for (const Record& l : view.links)
      if (l.get("type") == "buried_at" && l.get("to_record") == rid) ++buried;
    view.documented_persons = buried;
    view.estimates = reg.estimates_about(rid);
  }
  // The versions the ledger vouches for, read once: the field history and what was merged in.
  const auto versions = reg.versions(rid);
  // Links of the records merged into this one are its links too.
  view.merged = reg.merged_into(rid, versions);
  for (const std::string& m : view.merged) {
    for (Record& l : reg.links_of(m)) view.links.push_back(std::move(l));
  }
  if (!session.may(Permission::kReadRecords)) view.links.clear();
  for (const registry::RecordVersion& v : versions)
    view.ledger.push_back({v.entry, v.op, v.at, v.actor});
  // Field history from those versions.
  for (size_t i = 1; i < versions.size(); ++i) {
    const registry::RecordVersion& v = versions[i];
    if (!versions[i - 1].canonical || !v.canonical) continue;
    for (registry::FieldChange c :
         registry::diff_versions(*versions[i - 1].canonical, *v.canonical)) {
      if (const registry::FieldSpec* f = kind.field(c.field); f && f->sensitive) {
        if (!c.old_value.empty()) c.old_value = "[protected]";
        if (!c.new_value.empty()) c.new_value = "[protected]";
      }
      c.entry = v.entry;
      c.op = v.op;
      c.at = v.at;
      c.actor = v.actor;
      c.reason = v.reason;
      view.changes.push_back(std::move(c));
    }
  }
  // Names beside the ids the view mentions.
  const auto name = [&](const std::string& other) {
    if (other.empty() || other == rid || view.names.count(other)) return;
    const auto parsed = registry::parse_record_id(other);
    if (!parsed || !reg.exists(*parsed)) return;
    // Persons' names are for roles that may read records.
    if ((parsed->kind == Kind::kPerson) && !session.may(Permission::kReadRecords)) return;
    const std::string n = display_name(reg.get(other));
    if (!n.empty()) view.names[other] = n;
  };
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    const auto type = kind.fields[i].type;
    if (type == registry::FieldType::kRef || type == registry::FieldType::kAnyRef)
      name(view.record.values[i]);
  }
  for (const Record& l : view.links) {
    name(l.get("from_record"));
    name(l.get("to_record"));
    name(l.get("source"));
  }
  for (const Record& c : view.claims) name(c.get("source"));
  for (const std::string& m : view.merged) name(m);
  if (view.record.retracted()) name(view.record.retraction.merged_into);
  if (kind.kind == Kind::kEvidence) {
    registry::ListQuery q;
    q.limit = 0;
    q.include_retracted = true;
    q.equals.emplace_back("evidence", rid);
    view.custody = reg.list(registry::kind_spec(Kind::kCustody), q);
  }
  return view;
}

namespace {
// The plausibility warnings of a record just written (and, for a person, look-alikes).
// `changes`: the fields written (all of them for a new record); persons are compared with the
// registry's (a search index that may need building) only when a name or birth date is among them.
void warn_about(Session& session, const Record& r, const registry::FieldChanges* changes,
                std::vector<registry::Warning>* warnings) {
  if (!warnings) return;
  for (auto& w : registry::check_plausibility(session.registry(), r))
    warnings->push_back(std::move(w));
  const auto names_a_person = [](const std::string& field) {
    return field.find("name") != std::string::npos || field == "birth_date";
  };
  if (r.spec->kind == Kind::kPerson &&
      (!changes || std::any_of(changes->begin(), changes->end(),
                               [&](const auto& c) { return names_a_person(c.first); }))) {
    for (auto& w : look_alike_persons(session, {r}, r.num)) warnings->push_back(std::move(w));
  }
}
// What update and correct check before writing: the permission, and fields the kind has.
void require_changes(Session& session, std::string_view id, const registry::FieldChanges& changes,
                     const std::string& verb) {
  const registry::KindSpec& kind = kind_of_id(id);
  session.require(write_permission(kind.kind), verb + " " + std::string(kind.plural));
  if (changes.empty())
    throw core::InputError(std::string(id), "", "", "no field to " + verb + " was given");
  for (const auto& [field, value] : changes) {
    if (!kind.field(field)) throw core::InputError(std::string(id), field, value, "no such field");
  }
}
}  // namespace

Record add_record(Session& session, const registry::KindSpec& kind,
                  const registry::FieldChanges& values, const registry::StatusReport& report,
                  std::string_view listed_by, std::vector<registry::Warning>* warnings) {
  if (!listed_by.empty() && kind.kind != Kind::kPerson) {
    throw core::InputError("new " + std::string(kind.name), "source", std::string(listed_by),
                           "only a person is listed by a source this way");
  }
  session.require(write_permission(kind.kind), "add " + std::string(kind.plural));
  if (kind.kind == Kind::kEvidence) {
    throw core::InputError("new evidence", "", "",
                           "evidence records are made from files (upload), not typed in");
  }
  Record r(kind);
  for (const auto& [field, value] : values) {
    const registry::FieldSpec* f = kind.field(field);
    if (!f) throw core::InputError("new " + std::string(kind.name), field, value, "no such field");
    r.set(field, value);
  }
  Registry& reg = session.registry();
  Registry::Transaction tx(reg);
  Record stored = reg.add(std::move(r), report, "new " + std::string(kind.name));
  if (!listed_by.empty()) {
    Record link(registry::kind_spec(Kind::kLink));
    link.set("from_record", stored.id());
    link.set("type", "listed_by");
    link.set("to_record", std::string(listed_by));
    link.set("source", std::string(listed_by));
    reg.add(std::move(link), {}, "new person's source");
  }
  tx.commit();
  warn_about(session, stored, nullptr, warnings);
  return stored;
}

Record update_record(Session& session, std::string_view id, const registry::FieldChanges& changes,
                     const registry::StatusReport& report,
                     std::vector<registry::Warning>* warnings) {
  require_changes(session, id, changes, "change");
  Registry& reg = session.registry();
  Registry::Transaction tx(reg);
  Record r = reg.update(id, changes, report);
  tx.commit();
  warn_about(session, r, &changes, warnings);
  return r;
}

Record correct_record(Session& session, std::string_view id, const registry::FieldChanges& changes,
                      std::string_view reason, std::vector<registry::Warning>* warnings) {
  require_changes(session, id, changes, "correct");
  Registry& reg = session.registry();
  Registry::Transaction tx(reg);
  Record r = reg.correct(id, changes, reason);
  tx.commit();
  warn_about(session, r, &changes, warnings);
  return r;
}

Record retract_record(Session& session, std::string_view id, std::string_view reason) {
  const registry::KindSpec& kind = kind_of_id(id);
  session.require(write_permission(kind.kind), "retract " + std::string(kind.plural));
  Registry& reg = session.registry();
  Registry::Transaction tx(reg);
  Record r = reg.retract(id, reason);
  tx.commit();
  return r;
}

std::pair<Record, Record> merge_records(Session& session, std::string_view kept,
                                        std::string_view duplicate, std::string_view reason) {
  const registry::KindSpec& kind = kind_of_id(kept);
  session.require(write_permission(kind.kind), "merge " + std::string(kind.plural));
  kind_of_id(duplicate);
  Registry& reg = session.registry();
  Registry::Transaction tx(reg);
  auto out = reg.merge(kept, duplicate, reason);
  tx.commit();
  return out;
}

core::OrderedJson PersonSearch::to_json() const {
  core::OrderedJson arr = core::OrderedJson::array();
  for (const auto& h : hits) {
    arr.push_back({{"id", h.id},
                   {"score", std::round(h.score * 1000) / 1000},
                   {"name_ar", h.name_ar},
                   {"name_lat", h.name_lat},
                   {"birth_date", h.birth_date},
                   {"governorate", h.governorate},
                   {"status", h.status}});
  }
  return {{"query", query}, {"hits", std::move(arr)}};
}

PersonSearch search_persons(Session& session, std::string_view query,
                            const matching::SearchOptions& options) {
  session.require(Permission::kReadRecords, "search persons");
  PersonSearch out;
  out.query = std::string(query);
  matching::PersonIndex& index = session.instance().person_index();
  index.refresh(session.registry());
  out.hits = index.search(query, options);
  return out;
}

}  // namespace athar::app
