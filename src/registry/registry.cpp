#include "registry/registry.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>
#include <stdexcept>

#include "core/date.h"
#include "core/error.h"
#include "core/text.h"
#include "ledger/state.h"
#include "registry/versions.h"
#include "store/dialect.h"
#include "store/migrations.h"

namespace athar::registry {

namespace {

int64_t pack(const RecordId& id) { return (static_cast<int64_t>(id.kind) << 56) | id.num; }

bool stored_as_integer(FieldType type) {
  return type == FieldType::kRef || type == FieldType::kInteger;
}
bool stored_as_real(FieldType type) {
  return type == FieldType::kLatitude || type == FieldType::kLongitude;
}

// Binds a canonical field value at `index` in the column's storage type.
void bind_value(store::Statement& stmt, int index, const FieldSpec& f, const std::string& value) {
  if (value.empty()) {
    stmt.bind_null(index);
  } else if (f.type == FieldType::kRef) {
    stmt.bind(index, parse_record_id(value)->num);
  } else if (f.type == FieldType::kInteger) {
    stmt.bind(index, static_cast<int64_t>(std::stoll(value)));
  } else if (stored_as_real(f.type)) {
    stmt.bind(index, std::stod(value));
  } else {
    stmt.bind_borrowed(index, value);  // the record outlives the statement's step
  }
}

std::string column_list(const KindSpec& kind) {
  std::string out;
  for (const FieldSpec& f : kind.fields) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

RecordId require_id(std::string_view text) {
  auto id = parse_record_id(text);
  if (!id) {
    throw core::InputError(std::string(text), "", std::string(text),
                           "is not a record id (such as site-0003 or person-000012)");
  }
  return *id;
}

}  // namespace

const std::string& Record::get(std::string_view field) const {
  const int i = spec->field_index(field);
  if (i < 0)
    throw std::out_of_range(std::string(spec->name) + " has no field " + std::string(field));
  return values[static_cast<size_t>(i)];
}

void Record::set(std::string_view field, std::string value) {
  const int i = spec->field_index(field);
  if (i < 0)
    throw std::out_of_range(std::string(spec->name) + " has no field " + std::string(field));
  values[static_cast<size_t>(i)] = std::move(value);
}

std::string Record::joined(std::initializer_list<std::string_view> fields,
                           std::string_view separator) const {
  std::string out;
  for (std::string_view f : fields) {
    const std::string& value = get(f);
    if (value.empty()) continue;
    if (!out.empty()) out += separator;
    out += value;
  }
  return out;
}

const std::string* Record::original(std::string_view field) const {
  for (const auto& [name, value] : originals)
    if (name == field) return &value;
  return nullptr;
}

void Record::keep_original(std::string_view field, std::string_view given) {
  forget_original(field);
  const auto at =
      std::lower_bound(originals.begin(), originals.end(), field,
                       [](const auto& entry, std::string_view f) { return entry.first < f; });
  originals.emplace(at, std::string(field), std::string(given));
}

void Record::forget_original(std::string_view field) {
  std::erase_if(originals, [&](const auto& entry) { return entry.first == field; });
}

namespace {
// {"at","by"[,"merged_into"],"reason"}: the stored and hashed form of a retraction.
void write_retraction_object(core::CanonicalJsonWriter& w, const Retraction& retraction) {
  w.begin_object();
  w.key("at");
  w.string(retraction.at);
  w.key("by");
  w.string(retraction.by);
  if (!retraction.merged_into.empty()) {
    w.key("merged_into");
    w.string(retraction.merged_into);
  }
  w.key("reason");
  w.string(retraction.reason);
  w.end_object();
}

// {"field":"as given",...} in byte order of the fields: the stored and hashed form.
void write_originals(core::CanonicalJsonWriter& w, const Record& record) {
  w.begin_object();
  for (const auto& [field, given] : record.originals) {
    w.key(field);
    w.string(given);
  }
  w.end_object();
}
}  // namespace

std::string canonical_record(const Record& record, const std::vector<StatusChange>& history) {
  std::string out;
  canonical_record(record, history, out);
  return out;
}

void canonical_record(const Record& record, const std::vector<StatusChange>& history,
                      std::string& canonical) {
  // Field indexes of each kind in byte order of their names, computed once.
  static const auto sorted_fields = [] {
    std::array<std::vector<size_t>, kKindCount> out;
    for (const KindSpec& kind : kind_specs()) {
      auto& order = out[static_cast<size_t>(kind.kind)];
      for (size_t i = 0; i < kind.fields.size(); ++i) order.push_back(i);
      std::sort(order.begin(), order.end(),
                [&](size_t a, size_t b) { return kind.fields[a].name < kind.fields[b].name; });
    }
    return out;
  }();
  thread_local core::CanonicalJsonWriter w;
  w.clear();
  w.begin_object();
  w.key("created_at");
  w.string(record.created_at);
  w.key("created_by");
  w.string(record.created_by);
  w.key("fields");
  w.begin_object();
  for (size_t i : sorted_fields[static_cast<size_t>(record.spec->kind)]) {
    if (record.values[i].empty()) continue;
    w.key(record.spec->fields[i].name);
    w.string(record.values[i]);
  }
  w.end_object();
  if (!history.empty()) {
    w.key("history");
    w.begin_array();
    for (const StatusChange& c : history) {
      w.begin_object();
      const std::pair<const char*, const std::string*> parts[] = {{"changed_on", &c.changed_on},
                                                                  {"field", &c.field},
                                                                  {"new_status", &c.new_status},
                                                                  {"note", &c.note},
                                                                  {"old_status", &c.old_status},
                                                                  {"recorded_at", &c.recorded_at},
                                                                  {"recorded_by", &c.recorded_by},
                                                                  {"reported_by", &c.reported_by},
                                                                  {"source", &c.source}};
      for (const auto& [name, value] : parts) {
        if (value->empty()) continue;
        w.key(name);
        w.string(*value);
      }
      w.end_object();
    }
    w.end_array();
  }
  w.key("id");
  w.string(record.id());
  if (!record.originals.empty()) {
    w.key("original");
    write_originals(w, record);
  }
  if (record.retracted()) {
    w.key("retraction");
    write_retraction_object(w, record.retraction);
  }
  if (!record.updated_at.empty()) {
    w.key("updated_at");
    w.string(record.updated_at);
  }
  w.end_object();
  canonical.assign(w.text());  // into the caller's buffer: no allocation once large enough
}

Registry::Registry(store::Database& db, std::string actor)
    : db_(db), actor_(std::move(actor)), ledger_(db) {
  if (actor_.empty()) throw core::InputError("registry", "actor", "", "who is writing is required");
}

void Registry::set_actor(std::string actor) {
  if (actor.empty()) throw core::InputError("registry", "actor", "", "who is writing is required");
  actor_ = std::move(actor);
}

int Registry::prepare_schema(store::Database& db) {
  return store::migrate(db, store::registry_migrations());
}

Registry::Transaction::Transaction(Registry& registry) : registry_(registry), tx_(registry.db_) {
  // The writer lock is held now: what other processes wrote before it is read afresh.
  registry_.ledger_.reload();
  registry_.forget_high_water();
}

Registry::Transaction::~Transaction() {
  if (committed_) return;
  registry_.known_existing_.clear();
  registry_.forget_high_water();
  try {
    tx_.rollback();  // first, so that the ledger reloads the committed log
    registry_.ledger_.reload();
  } catch (...) {  // a destructor must not throw; the original error is the one reported
  }
}

void Registry::Transaction::commit() {
  registry_.save_high_water();
  tx_.commit();
  committed_ = true;
}

void Registry::check_reference(const RecordId& id, std::string_view where, std::string_view field,
                               std::string_view value) const {
  if (known_existing_.count(pack(id))) return;
  if (!exists(id)) {
    throw core::InputError(std::string(where), std::string(field), std::string(value),
                           "no such " + std::string(kind_spec(id.kind).name) + " in the registry");
  }
  known_existing_.insert(pack(id));
}

store::Statement& Registry::exists_statement(Kind kind) const {
  store::Statement*& stmt = exists_statements_[static_cast<size_t>(kind)];
  if (!stmt)
    stmt = &db_.cached("SELECT 1 FROM " + std::string(kind_spec(kind).plural) + " WHERE num = ?");
  return *stmt;
}

namespace {
// INSERT of a kind's fields and who/when; with `numbered`, the key `num` is given too.
std::string insert_sql(const KindSpec& kind, bool numbered) {
  std::string sql = "INSERT INTO " + std::string(kind.plural) + "(" + (numbered ? "num, " : "") +
                    column_list(kind) + ", created_at, created_by, ledger_head, original) VALUES(";
  const size_t parameters = kind.fields.size() + 4 + (numbered ? 1 : 0);
  for (size_t i = 0; i < parameters; ++i) sql += i ? ",?" : "?";
  return sql + ")";
}
}  // namespace

store::Statement& Registry::insert_statement(const KindSpec& kind) {
  store::Statement*& stmt = insert_statements_[static_cast<size_t>(kind.kind)];
  if (!stmt) stmt = &db_.cached(insert_sql(kind, false));
  return *stmt;
}

store::Statement& Registry::numbered_insert_statement(const KindSpec& kind) {
  store::Statement*& stmt = numbered_insert_statements_[static_cast<size_t>(kind.kind)];
  if (!stmt) stmt = &db_.bulk_insert(insert_sql(kind, true));
  return *stmt;
}

bool Registry::exists(const RecordId& id) const {
  store::Statement& stmt = exists_statement(id.kind);
  stmt.bind(1, id.num);
  const bool found = stmt.step();
  stmt.reset();
  return found;
}

std::string Registry::select_sql(const KindSpec& kind) const {
  return "SELECT num, " + column_list(kind) +
         ", created_at, created_by, updated_at, ledger_head, retraction, original FROM " +
         std::string(kind.plural);
}

Record Registry::read_row(const KindSpec& kind, store::Statement& row) const {
  Record r(kind);
  r.num = row.int64(0);
  int column = 1;
  for (size_t i = 0; i < kind.fields.size(); ++i, ++column) {
    const FieldSpec& f = kind.fields[i];
    if (row.is_null(column)) continue;
    if (f.type == FieldType::kRef) {
      r.values[i] = format_record_id(f.ref_kind, row.int64(column));
    } else if (stored_as_integer(f.type)) {
      r.values[i] = std::to_string(row.int64(column));
    } else if (stored_as_real(f.type)) {
      r.values[i] = core::shortest_number(row.real(column));
    } else {
      r.values[i] = row.string(column);
    }
  }
  r.created_at = row.string(column++);
  r.created_by = row.string(column++);
  r.updated_at = row.string(column++);
  r.ledger_head = row.is_null(column) ? -1 : row.int64(column);
  ++column;
  if (!row.is_null(column)) {
    const core::Json retraction = core::Json::parse(row.string(column), nullptr, false);
    if (retraction.is_object()) {
      r.retraction.at = retraction.value("at", "");
      r.retraction.by = retraction.value("by", "");
      r.retraction.reason = retraction.value("reason", "");
      r.retraction.merged_into = retraction.value("merged_into", "");
    }
    // Unreadable: left as it is, so the record's hash differs and `verify` names it.
    if (r.retraction.at.empty()) r.retraction.at = "(unreadable)";
  }
  ++column;
  if (!row.is_null(column)) {
    const core::Json given = core::Json::parse(row.string(column), nullptr, false);
    if (given.is_object()) {
      for (auto it = given.begin(); it != given.end(); ++it) {
        r.originals.emplace_back(it.key(), it->is_string() ? it->get<std::string>() : it->dump());
      }
      std::sort(r.originals.begin(), r.originals.end());
    } else {
      r.originals.emplace_back("(unreadable)", row.string(column));
    }
  }
  return r;
}

void Registry::bind_record(store::Statement& insert, const Record& record, int index) const {
  const KindSpec& kind = *record.spec;
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    bind_value(insert, index++, kind.fields[i], record.values[i]);
  }
  insert.bind_borrowed(index++, record.created_at);
  insert.bind_borrowed(index++, record.created_by);
  insert.bind(index++, record.ledger_head);
  bind_originals(insert, index, record);
}

void Registry::bind_originals(store::Statement& stmt, int index, const Record& record) const {
  if (record.originals.empty()) {
    stmt.bind_null(index);
    return;
  }
  core::CanonicalJsonWriter w;
  write_originals(w, record);
  stmt.bind(index, w.text());
}

void Registry::claim_num(const KindSpec& kind, int64_t num) {
  int64_t& highest = high_water_[static_cast<size_t>(kind.kind)];
  if (highest < 0) {
    store::Statement& get = db_.cached("SELECT num FROM record_high_water WHERE kind = ?");
    get.bind(1, kind.plural);
    highest = get.step() ? get.int64(0) : 0;
    get.reset();
  }
  if (num <= highest) {
    throw core::Corruption(format_record_id(kind.kind, num) + " was given before (the highest " +
                           std::string(kind.name) + " id the registry has issued is " +
                           std::to_string(highest) +
                           "): a record was deleted outside Athar, and an id is never reused. "
                           "`athar verify` names what changed");
  }
  highest = num;
  high_water_dirty_ = true;
}

void Registry::save_high_water() {
  if (!high_water_dirty_) return;
  store::Statement& put = db_.cached(
      "INSERT INTO record_high_water(kind, num) VALUES(?, ?) "
      "ON CONFLICT(kind) DO UPDATE SET num = CASE WHEN excluded.num > record_high_water.num THEN "
      "excluded.num ELSE record_high_water.num END");
  for (const KindSpec& kind : kind_specs()) {
    const int64_t highest = high_water_[static_cast<size_t>(kind.kind)];
    if (highest <= 0) continue;
    put.bind(1, kind.plural);
    put.bind(2, highest);
    put.run();
    // Imports choose their ids (next_num): PostgreSQL's sequence must then move past them.
    if (ids_chosen_ & kind_bit(kind.kind)) store::raise_key(db_, kind.plural, highest);
  }
  high_water_dirty_ = false;
  ids_chosen_ = 0;
}

void Registry::forget_high_water() {
  high_water_.fill(-1);
  high_water_dirty_ = false;
  ids_chosen_ = 0;
}

store::Statement& Registry::head_statement(Kind kind, bool write) {
  auto& slot = (write ? set_head_statements_ : head_statements_)[static_cast<size_t>(kind)];
  if (!slot) {
    const std::string table(kind_spec(kind).plural);
    slot = &db_.cached(write ? "UPDATE " + table + " SET ledger_head = ? WHERE num = ?"
                             : "SELECT ledger_head FROM " + table + " WHERE num = ?");
  }
  return *slot;
}

std::optional<uint64_t> Registry::head_of(std::string_view subject) {
  const auto id = parse_record_id(subject);
  if (!id) return ledger_.head(subject);
  store::Statement& get = head_statement(id->kind, false);
  get.bind(1, id->num);
  std::optional<uint64_t> out;
  if (get.step() && !get.is_null(0)) out = static_cast<uint64_t>(get.int64(0));
  get.reset();
  return out;
}

void Registry::seal_sensitive(Record& record, const FieldChanges* changed,
                              std::string_view where) const {
  const KindSpec& kind = *record.spec;
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    const FieldSpec& f = kind.fields[i];
    std::string& value = record.values[i];
    if (!f.sensitive || value.empty()) continue;
    if (changed && std::none_of(changed->begin(), changed->end(),
                                [&](const auto& c) { return c.first == f.name; })) {
      continue;  // kept as stored
    }
    if (FieldCipher::is_sealed(value)) {
      throw core::InputError(std::string(where), std::string(f.name), value.substr(0, 16) + "…",
                             "looks like a sealed value; give the text itself");
    }
    if (!cipher_) {
      throw core::Unavailable(std::string(where) + ": the " + std::string(f.name) +
                              " is a sensitive field and the field key (keys/fields.key) is not "
                              "here to seal it");
    }
    value = cipher_->seal(kind.plural, f.name, value);
  }
}

Record Registry::reveal(const Record& record) {
  Record out = record;
  bool any = false;
  for (size_t i = 0; i < out.spec->fields.size(); ++i) {
    const FieldSpec& f = out.spec->fields[i];
    if (!f.sensitive || out.values[i].empty()) continue;
    if (!cipher_) {
      throw core::Unavailable("the field key (keys/fields.key) is not here: " + record.id() +
                              "'s " + std::string(f.name) + " cannot be read");
    }
    out.values[i] = cipher_->open(out.spec->plural, f.name, out.values[i]);
    any = true;
  }
  if (any) {
    const std::string id = record.id();
    append_record_entry("registry.reveal", record, history_of(id));
  }
  return out;
}

Record Registry::add(Record record, const StatusReport& report, std::string_view where) {
  record.num = 0;
  validate(record, nullptr, where);
  seal_sensitive(record, nullptr, where);
  const KindSpec& kind = *record.spec;
  store::Statement& insert = insert_statement(kind);
  record.created_at = core::utc_timestamp_now();
  record.created_by = actor_;
  // The row records its newest entry: the add entry appended below, under the same lock.
  record.ledger_head = static_cast<int64_t>(ledger_.size());
  bind_record(insert, record, 1);
  try {
    insert.run();
  } catch (const core::Conflict& e) {
    insert.reset();
    throw core::InputError(std::string(where) + ": " + e.what());
  }
  record.num = db_.last_insert_id();
  claim_num(kind, record.num);
  known_existing_.insert(pack({kind.kind, record.num}));
  // The history starts with the first status when someone reported it, or when the kind's
  // status is an assessment from the start (a site reported, a claim unverified). A person's
  // status from a list is part of the record itself, created with it.
  const FieldSpec* status = kind.status_field();
  const bool reported = !report.changed_on.empty() || !report.reported_by.empty() ||
                        !report.source.empty() || !report.note.empty();
  std::vector<StatusChange> history;
  if (status && !record.get(status->name).empty() && (reported || !kind.initial_status.empty())) {
    history.push_back(insert_status_change(record, "", report, where));
  }
  const std::string id = record.id();
  const std::string canonical = canonical_record(record, history);
  const uint64_t index =
      ledger_.append(ledger_entry_text("registry.add", id, ledger::sha256(canonical), std::nullopt),
                     id, ledger::Chain::kKeptByCaller);
  if (index != static_cast<uint64_t>(record.ledger_head)) {
    throw std::logic_error("the ledger grew between a record's insert and its entry");
  }
  keep_version(index, canonical);
  // A custody event also enters its evidence item's chain, so that the item's entries name every
  // event of its custody and a bundle that leaves one out is caught (docs/ledger-format.md).
  if (kind.kind == Kind::kCustody) {
    const Record evidence = get(record.get("evidence"));
    const std::string evidence_id = evidence.id();
    const auto evidence_history = history_of(evidence_id);
    check_matches_ledger(evidence, evidence_history);
    append_record_entry("registry.custody", evidence, evidence_history, EntryExtras{id, {}, {}});
  }
  return record;
}

int64_t Registry::next_num(const KindSpec& kind) const {
  return store::highest_key(db_, kind.plural) + 1;
}

void Registry::prepare_add(PreparedAdd& prepared, int64_t num) const {
  Record& record = prepared.record;
  const KindSpec& kind = *record.spec;
  if (!kind.initial_status.empty()) {
    throw std::logic_error(std::string(kind.plural) + " cannot be prepared off the registry");
  }
  prepared.references.clear();
  record.num = 0;
  record.ledger_head = -1;
  validate(record, nullptr, prepared.where, &prepared.references);
  seal_sensitive(record, nullptr, prepared.where);
  record.num = num;
  record.created_at = core::utc_timestamp_now();
  record.created_by = actor_;
  static const std::vector<StatusChange> kNoHistory;
  canonical_record(record, kNoHistory, prepared.canonical);
  const ledger::Hash hash = ledger::sha256(prepared.canonical);
  prepared.entry = ledger_entry_text("registry.add", record.id(), hash, std::nullopt);
  prepared.leaf = ledger::leaf_hash(prepared.entry);
}

void Registry::write_prepared(const PreparedAdd& prepared) {
  for (const DeferredReference& r : prepared.references) {
    check_reference(r.id, prepared.where, r.field, r.value);
  }
  const Record& record = prepared.record;
  claim_num(*record.spec, record.num);
  ids_chosen_ |= kind_bit(record.spec->kind);
  store::Statement& insert = numbered_insert_statement(*record.spec);
  insert.bind(1, record.num);
  bind_record(insert, record, 2);
  // The row's newest entry is the add entry appended next: bound here, not stored in `record`,
  // which belongs to the reader thread.
  insert.bind(2 + static_cast<int>(record.spec->fields.size()) + 2,
              static_cast<int64_t>(ledger_.size()));
  try {
    insert.run();
  } catch (const core::Conflict& e) {
    insert.reset();
    throw core::InputError(prepared.where + ": " + e.what());
  }
  known_existing_.insert(pack({record.spec->kind, record.num}));
  const std::string id = record.id();
  // Its version is kept with its batch's (keep_versions).
  ledger_.append_prepared(prepared.entry, prepared.leaf, id, ledger::Chain::kKeptByCaller);
}

void Registry::keep_versions(uint64_t first_entry, size_t count, std::string_view packed) {
  store_versions(first_entry, count, packed, true);
}

void Registry::store_versions(uint64_t first_entry, size_t count, std::string_view packed,
                              bool bulk) {
  static constexpr std::string_view kInsert =
      "INSERT INTO record_versions(first_entry, entries, packed) VALUES(?,?,?)";
  store::Statement& put = bulk ? db_.bulk_insert(kInsert) : db_.cached(kInsert);
  put.bind(1, static_cast<int64_t>(first_entry));
  put.bind(2, static_cast<int64_t>(count));
  put.bind_blob(3, {reinterpret_cast<const uint8_t*>(packed.data()), packed.size()});
  put.run();
}

std::optional<std::string> Registry::kept_version(uint64_t index) const {
  store::Statement& read = db_.cached(
      "SELECT first_entry, entries, packed FROM record_versions WHERE first_entry <= ? ORDER BY "
      "first_entry DESC LIMIT 1");
  read.bind(1, static_cast<int64_t>(index));
  std::optional<std::string> out;
  if (read.step()) {
    const auto first = static_cast<uint64_t>(read.int64(0));
    const auto count = static_cast<uint64_t>(read.int64(1));
    const auto packed = read.blob(2);
    if (index < first + count) {
      out = unpack_version({reinterpret_cast<const char*>(packed.data()), packed.size()},
                           index - first);
    }
  }
  read.reset();
  return out;
}

void Registry::keep_version(uint64_t entry, std::string_view canonical) {
  const std::string_view forms[] = {canonical};
  store_versions(entry, 1, pack_versions(forms), false);
}

uint64_t Registry::append_record_entry(std::string_view op, const Record& record,
                                       const std::vector<StatusChange>& history,
                                       const EntryExtras& extras) {
  const std::string canonical = canonical_record(record, history);
  const uint64_t index = append_entry(op, record.id(), ledger::sha256(canonical), extras);
  keep_version(index, canonical);
  return index;
}

std::string Registry::ledger_entry_text(std::string_view op, std::string_view subject,
                                        const ledger::Hash& sha256, std::optional<uint64_t> prev,
                                        const EntryExtras& extras) const {
  // {"actor","at","op","prev","record","sha256"}: canonical JSON, keys in byte order; "prev"
  // (the subject's previous entry) only when there is one; "custody", "merged" and "reason"
  // when given.
  thread_local core::CanonicalJsonWriter w;
  w.clear();
  w.begin_object();
  w.key("actor");
  w.string(actor_);
  w.key("at");
  w.string(core::utc_timestamp_now());
  if (!extras.custody.empty()) {
    w.key("custody");
    w.string(extras.custody);
  }
  if (!extras.merged.empty()) {
    w.key("merged");
    w.string(extras.merged);
  }
  w.key("op");
  w.string(op);
  if (prev) {
    w.key("prev");
    w.string(std::to_string(*prev));
  }
  if (!extras.reason.empty()) {
    w.key("reason");
    w.string(extras.reason);
  }
  w.key("record");
  w.string(subject);
  w.key("sha256");
  w.string(ledger::to_hex(sha256));
  w.end_object();
  return w.text();
}

uint64_t Registry::append_ledger_entry(std::string_view op, std::string_view subject,
                                       const ledger::Hash& sha256) {
  return append_entry(op, subject, sha256, EntryExtras{{}, {}, {}});
}

uint64_t Registry::append_entry(std::string_view op, std::string_view subject,
                                const ledger::Hash& sha256, const EntryExtras& extras) {
  const auto id = parse_record_id(subject);
  if (!id) {
    return ledger_.append(ledger_entry_text(op, subject, sha256, ledger_.head(subject), extras),
                          subject);
  }
  // A record keeps its newest entry in its row.
  const uint64_t index =
      ledger_.append(ledger_entry_text(op, subject, sha256, head_of(subject), extras), subject,
                     ledger::Chain::kKeptByCaller);
  store::Statement& put = head_statement(id->kind, true);
  put.bind(1, static_cast<int64_t>(index));
  put.bind(2, id->num);
  put.run();
  return index;
}

ledger::StateTree Registry::state() const {
  std::vector<std::pair<std::string, uint64_t>> heads;
  for (const KindSpec& kind : kind_specs()) {
    auto rows = db_.prepare("SELECT num, ledger_head FROM " + std::string(kind.plural) +
                            " WHERE ledger_head IS NOT NULL");
    while (rows->step()) {
      heads.emplace_back(format_record_id(kind.kind, rows->int64(0)),
                         static_cast<uint64_t>(rows->int64(1)));
    }
  }
  auto others = db_.prepare("SELECT subject, idx FROM ledger_heads");
  while (others->step()) heads.emplace_back(others->string(0), others->int64(1));
  return ledger::build_state(std::move(heads));
}

ledger::StoredCheckpoint Registry::checkpoint(const ledger::SigningKey& key,
                                              const std::vector<std::filesystem::path>& witnesses,
                                              size_t quorum, std::vector<std::string>* refusals) {
  return ledger::publish_checkpoint(db_, ledger_, key, {ledger::state_extension(state())},
                                    witnesses, quorum, refusals);
}

void Registry::check_matches_ledger(const Record& stored,
                                    const std::vector<StatusChange>& history) const {
  const std::string id = stored.id();
  const std::optional<uint64_t> head =
      stored.ledger_head < 0 ? std::nullopt
                             : std::optional<uint64_t>(static_cast<uint64_t>(stored.ledger_head));
  if (!head) {
    throw core::Corruption(id +
                           " has no ledger entry: it was written outside Athar, so Athar will "
                           "not build on it. `athar verify` names what changed");
  }
  const std::string entry = ledger_.entry(*head);
  const core::Json parsed = core::Json::parse(entry, nullptr, false);
  const ledger::Hash stored_leaf = ledger_.stored_leaf_hash(*head);
  const std::string expected = ledger::to_hex(ledger::sha256(canonical_record(stored, history)));
  if (stored_leaf != ledger::leaf_hash(entry) || !parsed.is_object() ||
      parsed.value("record", "") != id || parsed.value("sha256", "") != expected) {
    throw core::Corruption(id + " differs from its last ledger entry (" + std::to_string(*head) +
                           "): it was changed outside Athar, so Athar will not build on it. "
                           "`athar verify` names what changed; restore it from a backup");
  }
}

StatusChange Registry::insert_status_change(const Record& record, const std::string& old_status,
                                            const StatusReport& report, std::string_view where) {
  const FieldSpec* status = record.spec->status_field();
  std::string changed_on = report.changed_on;
  if (changed_on.empty()) changed_on = core::PartialDate::today().to_string();
  static constexpr FieldSpec kChangedOn{"changed_on", FieldType::kDate, true, ""};
  static constexpr FieldSpec kSource{"status_source", FieldType::kRef, false, "", {},
                                     Kind::kSource};
  normalise_field(kChangedOn, changed_on, where);
  std::string source = report.source;
  normalise_field(kSource, source, where);

  store::Statement& insert = db_.cached(
      "INSERT INTO status_changes(record, field, old_status, new_status, changed_on, "
      "reported_by, source, note, recorded_at, recorded_by) VALUES(?,?,?,?,?,?,?,?,?,?)");
  insert.bind(1, std::string_view(record.id()));
  insert.bind(2, status->name);
  insert.bind_text_or_null(3, old_status);
  insert.bind(4, std::string_view(record.get(status->name)));
  insert.bind(5, std::string_view(changed_on));
  insert.bind_text_or_null(6, report.reported_by);
  source.empty() ? insert.bind_null(7) : insert.bind(7, parse_record_id(source)->num);
  insert.bind_text_or_null(8, report.note);
  StatusChange change{record.id(),
                      std::string(status->name),
                      old_status,
                      record.get(status->name),
                      changed_on,
                      report.reported_by,
                      source,
                      report.note,
                      core::utc_timestamp_now(),
                      actor_};
  insert.bind(9, std::string_view(change.recorded_at));
  insert.bind(10, std::string_view(actor_));
  insert.run();
  return change;
}

Record Registry::get(std::string_view id_text) const {
  const RecordId id = require_id(id_text);
  const KindSpec& kind = kind_spec(id.kind);
  store::Statement& stmt = db_.cached(select_sql(kind) + " WHERE num = ?");
  stmt.bind(1, id.num);
  if (!stmt.step()) {
    stmt.reset();
    throw core::NotFound("no " + std::string(kind.name) + " " + std::string(id_text));
  }
  Record r = read_row(kind, stmt);
  stmt.reset();
  return r;
}

Record Registry::update(std::string_view id, const FieldChanges& changes,
                        const StatusReport& report, std::string_view where) {
  return change(id, changes, report, where, {});
}

Record Registry::correct(std::string_view id, const FieldChanges& changes, std::string_view reason,
                         std::string_view where) {
  if (core::trim(reason).empty()) {
    throw core::InputError(std::string(id), "reason", "",
                           "a correction needs a reason (what was wrong, on whose word)");
  }
  return change(id, changes, {}, where, reason);
}

Record Registry::change(std::string_view id, const FieldChanges& changes,
                        const StatusReport& report, std::string_view where_given,
                        std::string_view reason) {
  const bool correcting = !reason.empty();
  const Record previous = get(id);
  // A change must not re-base a row someone changed behind Athar's back.
  check_matches_ledger(previous, history_of(previous.id()));
  const std::string where(where_given.empty() ? id : where_given);
  if (previous.retracted()) {
    throw core::InputError(where, "", "",
                           "it was retracted on " + previous.retraction.at + " by " +
                               previous.retraction.by + " (" + previous.retraction.reason +
                               "): a retracted record is not changed");
  }
  Record record = previous;
  for (const auto& [field, value] : changes) {
    if (record.spec->field_index(field) < 0) {
      throw core::InputError(where, field, value,
                             "a " + std::string(record.spec->name) + " has no such field");
    }
    record.set(field, value);
  }
  validate(record, &previous, where, nullptr, correcting);
  seal_sensitive(record, &changes, where);
  if (correcting && record.values == previous.values) {
    throw core::InputError(where, changes.front().first, changes.front().second,
                           "is what the record already holds: nothing to correct");
  }

  const KindSpec& kind = *record.spec;
  write_fields(record);
  if (const FieldSpec* status = kind.status_field(); status && !correcting) {
    const std::string& old_status = previous.get(status->name);
    if (old_status != record.get(status->name)) {
      insert_status_change(record, old_status, report, where);
    }
  }
  record.ledger_head = static_cast<int64_t>(
      append_record_entry(correcting ? "registry.correct" : "registry.update", record,
                          history_of(record.id()), EntryExtras{{}, {}, reason}));
  return record;
}

void Registry::write_fields(Record& record) {
  const KindSpec& kind = *record.spec;
  std::string sql = "UPDATE " + std::string(kind.plural) + " SET ";
  for (const FieldSpec& f : kind.fields) sql += std::string(f.name) + " = ?, ";
  sql += "original = ?, updated_at = ? WHERE num = ?";
  store::Statement& stmt = db_.cached(sql);
  int index = 1;
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    bind_value(stmt, index++, kind.fields[i], record.values[i]);
  }
  bind_originals(stmt, index++, record);
  record.updated_at = core::utc_timestamp_now();
  stmt.bind(index++, std::string_view(record.updated_at));
  stmt.bind(index, record.num);
  stmt.run();
}

void Registry::write_retraction(const Record& record) {
  core::CanonicalJsonWriter w;
  write_retraction_object(w, record.retraction);
  auto put = db_.prepare("UPDATE " + std::string(record.spec->plural) +
                         " SET retraction = ?, updated_at = ? WHERE num = ?");
  put->bind(1, w.text());
  put->bind(2, record.updated_at);
  put->bind(3, record.num);
  put->run();
}

Record Registry::retract(std::string_view id, std::string_view reason) {
  if (core::trim(reason).empty()) {
    throw core::InputError(std::string(id), "reason", "",
                           "a retraction needs a reason (why the record should not stand)");
  }
  Record record = get(id);
  const auto history = history_of(record.id());
  check_matches_ledger(record, history);
  if (record.retracted()) {
    throw core::InputError(std::string(id), "", "",
                           "already retracted on " + record.retraction.at + " by " +
                               record.retraction.by + " (" + record.retraction.reason + ")");
  }
  record.updated_at = core::utc_timestamp_now();
  record.retraction = {record.updated_at, actor_, std::string(core::trim(reason)), {}};
  write_retraction(record);
  record.ledger_head = static_cast<int64_t>(
      append_record_entry("registry.retract", record, history, EntryExtras{{}, {}, reason}));
  return record;
}

std::pair<Record, Record> Registry::merge(std::string_view kept_id, std::string_view duplicate_id,
                                          std::string_view reason) {
  const std::string where = "merge " + std::string(duplicate_id) + " into " + std::string(kept_id);
  if (core::trim(reason).empty()) {
    throw core::InputError(where, "reason", "",
                           "a merge needs a reason (who decided they are one, on what grounds)");
  }
  Record kept = get(kept_id);
  Record duplicate = get(duplicate_id);
  if (kept.spec != duplicate.spec) {
    throw core::InputError(where, "", std::string(duplicate_id),
                           "is a " + std::string(duplicate.spec->name) + ", not a " +
                               std::string(kept.spec->name) + ": only records of one kind merge");
  }
  if (kept.num == duplicate.num) {
    throw core::InputError(where, "", std::string(duplicate_id),
                           "a record is not its own duplicate");
  }
  if (kept.spec->kind == Kind::kEvidence || kept.spec->kind == Kind::kCustody) {
    throw core::InputError(where, "", std::string(duplicate_id),
                           "evidence and custody records are facts about files: retract a "
                           "wrong one instead");
  }
  for (const Record* r : {&kept, &duplicate}) {
    if (r->retracted()) {
      throw core::InputError(
          where, "", r->id(),
          "was retracted on " + r->retraction.at + " (" + r->retraction.reason + ")");
    }
  }
  // The kept record takes what only the duplicate knew.
  FieldChanges filled;
  for (size_t i = 0; i < kept.values.size(); ++i) {
    const FieldSpec& f = kept.spec->fields[i];
    if (kept.values[i].empty() && !duplicate.values[i].empty() && !f.sensitive) {
      filled.emplace_back(std::string(f.name), duplicate.values[i]);
    }
  }
  const std::string duplicate_name = duplicate.id();
  const std::string kept_name = kept.id();
  const std::string why(core::trim(reason));
  const auto duplicate_history = history_of(duplicate_name);
  check_matches_ledger(duplicate, duplicate_history);
  const auto kept_history = history_of(kept_name);
  check_matches_ledger(kept, kept_history);
  if (!filled.empty()) {
    for (const auto& [field, value] : filled) kept.set(field, value);
    validate(kept, &kept, where, nullptr, true);
    write_fields(kept);
  }
  kept.ledger_head = static_cast<int64_t>(append_record_entry(
      "registry.merge", kept, kept_history, EntryExtras{{}, duplicate_name, why}));
  duplicate.updated_at = core::utc_timestamp_now();
  duplicate.retraction = {duplicate.updated_at, actor_, why, kept_name};
  write_retraction(duplicate);
  duplicate.ledger_head = static_cast<int64_t>(append_record_entry(
      "registry.merge", duplicate, duplicate_history, EntryExtras{{}, kept_name, why}));
  return {kept, duplicate};
}

std::optional<std::string> Registry::vouched_version(uint64_t index) const {
  std::optional<std::string> out = kept_version(index);
  if (!out) return out;
  const core::Json entry = core::Json::parse(ledger_.entry(index), nullptr, false);
  if (!entry.is_object() || entry.value("sha256", "") != ledger::to_hex(ledger::sha256(*out))) {
    return std::nullopt;
  }
  return out;
}

std::vector<RecordVersion> Registry::versions(std::string_view id) const {
  const Record record = get(id);
  std::vector<RecordVersion> out;
  // Back along the chain; each entry names an earlier one (a forged link forward ends the walk).
  bool more = record.ledger_head >= 0;
  uint64_t index = more ? static_cast<uint64_t>(record.ledger_head) : 0;
  while (more) {
    const core::Json entry = core::Json::parse(ledger_.entry(index), nullptr, false);
    if (!entry.is_object()) break;
    RecordVersion v;
    v.entry = index;
    v.op = entry.value("op", "");
    v.actor = entry.value("actor", "");
    v.at = entry.value("at", "");
    v.reason = entry.value("reason", "");
    v.merged = entry.value("merged", "");
    if (const auto text = kept_version(index)) {
      v.copy_altered = entry.value("sha256", "") != ledger::to_hex(ledger::sha256(*text));
      if (!v.copy_altered) v.canonical = core::Json::parse(*text, nullptr, false);
    }
    out.push_back(std::move(v));
    more = false;
    if (entry.contains("prev") && entry["prev"].is_string()) {
      uint64_t prev = 0;
      const std::string p = entry["prev"].get<std::string>();
      const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prev);
      if (ec == std::errc() && end == p.data() + p.size() && prev < index) {
        index = prev;
        more = true;
      }
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> Registry::merged_into(std::string_view id) const {
  return merged_into(id, versions(id));
}

std::vector<std::string> Registry::merged_into(std::string_view id,
                                               const std::vector<RecordVersion>& versions) const {
  std::vector<std::string> out;
  for (const RecordVersion& v : versions) {
    if (v.op == "registry.merge" && !v.merged.empty() && v.merged != id) {
      const auto other = parse_record_id(v.merged);
      // The kept record's entries name the duplicate; the duplicate's name the kept one.
      if (other && exists(*other) && get(v.merged).retraction.merged_into == id) {
        out.push_back(v.merged);
      }
    }
  }
  return out;
}

namespace {
std::string json_text(const core::Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}
}  // namespace

std::vector<FieldChange> diff_versions(const core::Json& before, const core::Json& after) {
  std::vector<FieldChange> out;
  static const core::Json kEmpty = core::Json::object();
  const auto part = [](const core::Json& v, const char* key) -> const core::Json& {
    return v.is_object() && v.contains(key) ? v[key] : kEmpty;
  };
  const core::Json& a = part(before, "fields");
  const core::Json& b = part(after, "fields");
  std::vector<std::string> names;
  for (auto it = a.begin(); it != a.end(); ++it) names.push_back(it.key());
  for (auto it = b.begin(); it != b.end(); ++it) names.push_back(it.key());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const std::string& name : names) {
    const std::string old_value = a.contains(name) ? json_text(a[name]) : "";
    const std::string new_value = b.contains(name) ? json_text(b[name]) : "";
    if (old_value != new_value) out.push_back({0, "", "", "", "", name, old_value, new_value});
  }
  // A status history usually grows at its end: shown as what was added.
  {
    static const core::Json kNone = core::Json::array();
    const core::Json& x = part(before, "history").is_array() ? part(before, "history") : kNone;
    const core::Json& y = part(after, "history").is_array() ? part(after, "history") : kNone;
    const bool appended = y.size() > x.size() && std::equal(x.begin(), x.end(), y.begin());
    if (appended) {
      std::string added;
      for (size_t i = x.size(); i < y.size(); ++i) {
        if (!added.empty()) added += "; ";
        added += y[i].value("changed_on", "") + " " + y[i].value("new_status", "");
        if (!y[i].value("reported_by", "").empty())
          added += " reported by " + y[i].value("reported_by", "");
      }
      out.push_back({0, "", "", "", "", "status history", "", "added " + added});
    } else if (x != y) {
      out.push_back({0, "", "", "", "", "status history", x.empty() ? "" : x.dump(),
                     y.empty() ? "" : y.dump()});
    }
  }
  for (const char* extra : {"retraction", "original"}) {
    const core::Json& x = part(before, extra);
    const core::Json& y = part(after, extra);
    if (x != y) {
      out.push_back(
          {0, "", "", "", "", extra, x.empty() ? "" : x.dump(), y.empty() ? "" : y.dump()});
    }
  }
  return out;
}

std::vector<Record> Registry::list(const KindSpec& kind, const ListQuery& query) const {
  std::string sql = select_sql(kind);
  std::vector<std::pair<const FieldSpec*, std::string>> filters;
  for (const auto& [field, value] : query.equals) {
    const FieldSpec* f = kind.field(field);
    if (!f) {
      throw core::InputError("list " + std::string(kind.plural), field, value,
                             "a " + std::string(kind.name) + " has no such field");
    }
    sql += filters.empty() ? " WHERE " : " AND ";
    sql += std::string(f->name) + " = ?";
    filters.emplace_back(f, value);
  }
  if (query.after_num > 0) {
    sql += (filters.empty() ? " WHERE num > " : " AND num > ") + std::to_string(query.after_num);
  }
  if (!query.include_retracted) {
    sql += (filters.empty() && query.after_num <= 0) ? " WHERE " : " AND ";
    sql += "retraction IS NULL";
  }
  sql += " ORDER BY num";
  if (query.limit) sql += " LIMIT " + std::to_string(query.limit);
  if (query.offset)
    sql += std::string(query.limit ? "" : store::no_limit(db_)) + " OFFSET " +
           std::to_string(query.offset);
  auto stmt = db_.prepare(sql);
  int index = 1;
  for (const auto& [f, value] : filters) bind_value(*stmt, index++, *f, value);
  std::vector<Record> out;
  while (stmt->step()) out.push_back(read_row(kind, *stmt));
  return out;
}

int64_t Registry::count(const KindSpec& kind, bool include_retracted) const {
  auto stmt = db_.prepare("SELECT COUNT(*) FROM " + std::string(kind.plural) +
                          (include_retracted ? "" : " WHERE retraction IS NULL"));
  stmt->step();
  return stmt->int64(0);
}

std::vector<StatusChange> Registry::history(std::string_view id) const {
  return history_of(get(id).id());  // NotFound for an unknown id
}

namespace {
constexpr const char* kStatusColumns =
    "SELECT record, field, old_status, new_status, changed_on, reported_by, source, note, "
    "recorded_at, recorded_by FROM status_changes";

StatusChange read_status_change(const store::Statement& row) {
  StatusChange c;
  c.record = row.string(0);
  c.field = row.string(1);
  c.old_status = row.string(2);
  c.new_status = row.string(3);
  c.changed_on = row.string(4);
  c.reported_by = row.string(5);
  if (!row.is_null(6)) c.source = format_record_id(Kind::kSource, row.int64(6));
  c.note = row.string(7);
  c.recorded_at = row.string(8);
  c.recorded_by = row.string(9);
  return c;
}
}  // namespace

std::vector<StatusChange> Registry::history_of(const std::string& id) const {
  store::Statement& stmt =
      db_.cached(std::string(kStatusColumns) + " WHERE record = ? ORDER BY num");
  stmt.bind(1, std::string_view(id));
  std::vector<StatusChange> out;
  while (stmt.step()) out.push_back(read_status_change(stmt));
  stmt.reset();
  return out;
}

std::unordered_map<std::string, std::vector<StatusChange>> Registry::status_histories() const {
  std::unordered_map<std::string, std::vector<StatusChange>> out;
  auto rows = db_.prepare(std::string(kStatusColumns) + " ORDER BY num");
  while (rows->step()) {
    StatusChange c = read_status_change(*rows);
    out[c.record].push_back(std::move(c));
  }
  return out;
}

std::vector<Record> Registry::links_of(std::string_view id) const {
  const KindSpec& kind = kind_spec(Kind::kLink);
  auto stmt =
      db_.prepare(select_sql(kind) +
                  " WHERE (from_record = ? OR to_record = ?) AND retraction IS NULL ORDER BY num");
  const std::string canonical = format_record_id(require_id(id));
  stmt->bind(1, std::string_view(canonical));
  stmt->bind(2, std::string_view(canonical));
  std::vector<Record> out;
  while (stmt->step()) out.push_back(read_row(kind, *stmt));
  return out;
}

std::vector<Record> Registry::claims_about(std::string_view id) const {
  ListQuery query;
  query.limit = 0;
  query.equals.emplace_back("subject", format_record_id(require_id(id)));
  return list(kind_spec(Kind::kClaim), query);
}

core::OrderedJson Registry::to_json(const Record& record, bool include_sensitive) {
  core::OrderedJson out;
  out["id"] = record.id();
  for (size_t i = 0; i < record.spec->fields.size(); ++i) {
    const FieldSpec& f = record.spec->fields[i];
    const std::string& value = record.values[i];
    if (value.empty()) continue;
    if (f.sensitive && !include_sensitive) {
      out[std::string(f.name)] = "[protected]";
    } else if (stored_as_real(f.type)) {
      out[std::string(f.name)] = std::stod(value);
    } else if (f.type == FieldType::kInteger) {
      out[std::string(f.name)] = std::stoll(value);
    } else if (f.type == FieldType::kPolygon) {
      out[std::string(f.name)] = core::OrderedJson::parse(value);
    } else {
      out[std::string(f.name)] = value;
    }
  }
  if (!record.created_at.empty()) out["created_at"] = record.created_at;
  if (!record.created_by.empty()) out["created_by"] = record.created_by;
  if (!record.updated_at.empty()) out["updated_at"] = record.updated_at;
  if (!record.originals.empty()) {
    core::OrderedJson given = core::OrderedJson::object();
    for (const auto& [field, value] : record.originals) given[field] = value;
    out["original"] = std::move(given);
  }
  if (record.retracted()) {
    out["retraction"] = {{"at", record.retraction.at},
                         {"by", record.retraction.by},
                         {"reason", record.retraction.reason}};
    if (!record.retraction.merged_into.empty())
      out["retraction"]["merged_into"] = record.retraction.merged_into;
  }
  return out;
}

core::OrderedJson Registry::estimates_about(std::string_view subject) const {
  // Estimates from the lists (athar estimate --record), newest first.
  store::Statement& estimates = db_.cached(
      "SELECT num, subject, method, documented, estimate, low, high, created_at, settings "
      "FROM estimates "
      "WHERE ?1 = '' AND subject NOT LIKE 'site-%' OR subject = ?1 ORDER BY num DESC");
  core::OrderedJson list = core::OrderedJson::array();
  estimates.bind(1, subject);
  while (estimates.step()) {
    list.push_back({{"id", "estimate:" + std::to_string(estimates.int64(0))},
                    {"subject", estimates.string(1)},
                    {"method", estimates.string(2)},
                    {"documented", estimates.int64(3)},
                    {"estimate", estimates.real(4)},
                    {"interval", {estimates.real(5), estimates.real(6)}},
                    {"created_at", estimates.string(7)}});
    // The run's warnings travel with its estimate: a reader sees them beside the number.
    const core::Json settings = core::Json::parse(estimates.string(8), nullptr, false);
    if (settings.is_object() && settings.contains("warnings") && !settings["warnings"].empty())
      list.back()["warnings"] = settings["warnings"];
  }
  estimates.reset();
  return list;
}

core::OrderedJson Registry::summary() const {
  core::OrderedJson out;
  out["database"] = db_.location();
  out["schema_version"] = store::schema_version(db_);
  core::OrderedJson counts = core::OrderedJson::object();
  for (const KindSpec& kind : kind_specs()) counts[std::string(kind.plural)] = count(kind);
  out["counts"] = counts;

  core::OrderedJson persons_by_status = core::OrderedJson::object();
  auto by_status = db_.prepare(
      "SELECT COALESCE(status, '(none)'), COUNT(*) FROM persons WHERE retraction IS NULL GROUP "
      "BY 1 ORDER BY 2 DESC");
  while (by_status->step()) persons_by_status[by_status->string(0)] = by_status->int64(1);
  out["persons_by_status"] = persons_by_status;

  // Persons an analyst decided are one (link decide ... same) are counted once, and merged or
  // retracted records not at all: the count a reader means by "persons".
  {
    std::unordered_map<std::string, std::string> parent;
    const std::function<std::string(const std::string&)> root = [&](const std::string& x) {
      auto it = parent.find(x);
      if (it == parent.end() || it->second == x) return x;
      it->second = root(it->second);
      return it->second;
    };
    auto same = db_.prepare(
        "SELECT d.record_a, d.record_b FROM match_decisions d WHERE d.decision = 'same'");
    int64_t decisions = 0, joined = 0;
    while (same->step()) {
      const std::string a = same->string(0), b = same->string(1);
      const auto ida = parse_record_id(a), idb = parse_record_id(b);
      if (!ida || !idb || !exists(*ida) || !exists(*idb) || get(a).retracted() ||
          get(b).retracted()) {
        continue;
      }
      ++decisions;
      const std::string ra = root(a), rb = root(b);
      parent.emplace(ra, ra);
      parent.emplace(rb, rb);
      if (ra != rb) {
        parent[rb] = ra;
        ++joined;
      }
    }
    const int64_t records = count(kind_spec(Kind::kPerson));
    core::OrderedJson after = {
        {"person_records", records},
        {"same_person_decisions", decisions},
        {"persons", records - joined},
        {"retracted_or_merged", count(kind_spec(Kind::kPerson), true) - records}};
    auto run = db_.prepare("SELECT records, entities FROM linkage_runs ORDER BY num DESC LIMIT 1");
    if (run->step()) {
      after["latest_linkage_run"] = {{"records", run->int64(0)}, {"entities", run->int64(1)}};
    }
    out["persons_after_linkage_decisions"] = after;
  }

  // Each site: its status, the claims about it side by side with the persons documented there.
  core::OrderedJson sites = core::OrderedJson::array();
  ListQuery all;
  all.limit = 0;
  auto documented = db_.prepare(
      "SELECT COUNT(DISTINCT from_record) FROM links WHERE type = 'buried_at' AND to_record = ? "
      "AND retraction IS NULL");
  for (const Record& site : list(kind_spec(Kind::kSite), all)) {
    core::OrderedJson s;
    s["id"] = site.id();
    s["name_lat"] = site.get("name_lat");
    s["name_ar"] = site.get("name_ar");
    s["governorate"] = site.get("governorate");
    s["status"] = site.get("status");
    documented->bind(1, std::string_view(site.id()));
    documented->step();
    s["documented_persons"] = documented->int64(0);
    documented->reset();
    core::OrderedJson claims = core::OrderedJson::array();
    for (const Record& claim : claims_about(site.id())) {
      core::OrderedJson c;
      c["id"] = claim.id();
      c["topic"] = claim.get("topic");
      if (!claim.get("figure").empty()) c["figure"] = std::stoll(claim.get("figure"));
      c["figure_kind"] = claim.get("figure_kind");
      c["source"] = claim.get("source");
      c["source_name"] = get(claim.get("source")).get("name");
      c["claimed_on"] = claim.get("claimed_on");
      c["verification"] = claim.get("verification");
      claims.push_back(c);
    }
    s["claims"] = claims;
    s["estimates"] = estimates_about(site.id());
    sites.push_back(s);
  }
  out["sites"] = sites;
  out["estimates"] = estimates_about("");  // governorates and the whole registry
  return out;
}

}  // namespace athar::registry
