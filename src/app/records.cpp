#include "app/records.h"

#include <cmath>

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
    core::OrderedJson changes = core::OrderedJson::array();
    for (const auto& c : history) {
      changes.push_back({{"status", c.new_status},
                         {"from", c.old_status},
                         {"changed_on", c.changed_on},
                         {"reported_by", c.reported_by},
                         {"source", c.source},
                         {"note", c.note},
                         {"recorded_by", c.recorded_by}});
    }
    j["history"] = std::move(changes);
  }
  const auto records_json = [](const std::vector<Record>& records) {
    core::OrderedJson out = core::OrderedJson::array();
    for (const Record& r : records) out.push_back(Registry::to_json(r, false));
    return out;
  };
  if (!claims.empty()) j["claims"] = records_json(claims);
  if (!links.empty()) j["links"] = records_json(links);
  if (documented_persons) j["documented_persons"] = *documented_persons;
  if (record.spec->kind == Kind::kEvidence) j["custody"] = records_json(custody);
  return j;
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
    session.require(Permission::kRevealWitnesses, "read protected fields of " + std::string(id));
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
  }
  if (!session.may(Permission::kReadRecords)) view.links.clear();
  if (kind.kind == Kind::kEvidence) {
    registry::ListQuery q;
    q.limit = 0;
    q.equals.emplace_back("evidence", rid);
    view.custody = reg.list(registry::kind_spec(Kind::kCustody), q);
  }
  return view;
}

Record add_record(Session& session, const registry::KindSpec& kind,
                  const registry::FieldChanges& values, const registry::StatusReport& report,
                  std::string_view listed_by) {
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
  return stored;
}

Record update_record(Session& session, std::string_view id, const registry::FieldChanges& changes,
                     const registry::StatusReport& report) {
  const registry::KindSpec& kind = kind_of_id(id);
  session.require(write_permission(kind.kind), "change " + std::string(kind.plural));
  if (changes.empty())
    throw core::InputError(std::string(id), "", "", "no field to change was given");
  for (const auto& [field, value] : changes) {
    if (!kind.field(field)) throw core::InputError(std::string(id), field, value, "no such field");
  }
  Registry& reg = session.registry();
  Registry::Transaction tx(reg);
  Record r = reg.update(id, changes, report);
  tx.commit();
  return r;
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
