// The registry: sites, sources, claims, persons, units, witnesses, testimonies, events and the
// typed links between them, stored through athar::store.
//
// Records are generic over the data dictionary of kinds.h: a Record holds one canonical text
// value per field of its kind. Every write validates the whole record first (InputError naming
// the record, field and value) and never opens a transaction of its own: callers group writes
// with Registry::Transaction, so an import is all or nothing.
//
//   auto db = store::open("sqlite:" + path, store::OpenMode::kExisting);
//   Registry registry(*db, "investigator-7");
//   Registry::Transaction tx(registry);
//   Record site(kind_spec(Kind::kSite));
//   site.set("name_lat", "al-Qutayfah"); ...
//   Record stored = registry.add(std::move(site), {}, "new site");
//   tx.commit();
//
// Threads and processes: a Registry and its Database are used by one thread at a time (they
// own prepared statements and the ledger's right edge). Each thread or process opens its own;
// any number may write at once, since a Transaction takes the writer lock and re-reads what it
// depends on (store/database.h). prepare_add() is the exception: it touches no database and may
// run on another thread.
#pragma once

#include <array>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/canonical_json.h"
#include "core/json.h"
#include "ledger/log.h"
#include "ledger/state.h"
#include "registry/field_cipher.h"
#include "registry/kinds.h"
#include "store/database.h"

namespace athar::registry {

// A record withdrawn from use: it stays, with its history, out of lists, counts and exports by
// default. A duplicate merged into another record is retracted naming it.
struct Retraction {
  std::string at, by, reason;
  std::string merged_into;  // the record kept, for a merged duplicate
  bool empty() const { return at.empty(); }
};

struct Record {
  explicit Record(const KindSpec& kind_spec) : spec(&kind_spec), values(kind_spec.fields.size()) {}

  const KindSpec* spec;
  int64_t num = 0;                  // 0 until stored
  std::vector<std::string> values;  // canonical text per field of spec, "" when absent
  std::string created_at, created_by, updated_at;

  int64_t ledger_head = -1;  // index of the newest ledger entry about it, as its row says
  Retraction retraction;
  bool retracted() const { return !retraction.empty(); }
  // Values as given where the canonical form loses how they were written (ذكر for male, ١٩٧٩,
  // 33°30'N, 1,200), by field name in byte order; part of the canonical form.
  std::vector<std::pair<std::string, std::string>> originals;
  const std::string* original(std::string_view field) const;
  void keep_original(std::string_view field, std::string_view given);
  void forget_original(std::string_view field);
  std::string id() const { return format_record_id(spec->kind, num); }
  // Throws std::out_of_range for a field the kind does not have.
  const std::string& get(std::string_view field) const;
  void set(std::string_view field, std::string value);
  // The non-empty values of `fields` joined by `separator` ("Samer al-Tajribi").
  std::string joined(std::initializer_list<std::string_view> fields,
                     std::string_view separator) const;
};

// Who reported a status change, when, and on what authority.
struct StatusReport {
  std::string changed_on;   // partial date; today when empty
  std::string reported_by;  // person or organisation that reported it
  std::string source;       // optional source id
  std::string note;
};

struct StatusChange {
  std::string record, field, old_status, new_status, changed_on, reported_by, source, note,
      recorded_at, recorded_by;
};

struct ListQuery {
  size_t limit = 100;  // 0: no limit
  size_t offset = 0;
  // Only records numbered above this: pages of a whole table read in constant time each
  // (an OFFSET re-reads every row before it).
  int64_t after_num = 0;
  std::vector<std::pair<std::string, std::string>> equals;  // field = value filters
  bool include_retracted = false;
};

// One version of a record as an entry about it vouched for: who wrote it, when, why, and the
// canonical form kept beside the entry (absent for entries written before versions were kept).
struct RecordVersion {
  uint64_t entry = 0;
  std::string op, actor, at, reason, merged;
  std::optional<core::Json> canonical;  // {"fields":{...},"history":[...],"retraction":{...}}
  bool copy_altered = false;            // the kept form does not hash to the entry's sha256
};

// One field's change between two versions, for `show --history`.
struct FieldChange {
  uint64_t entry = 0;
  std::string op, actor, at, reason;
  std::string field, old_value, new_value;  // sealed values stay sealed
};

// The fields in which two canonical forms differ ("status history" and "retraction" as fields).
std::vector<FieldChange> diff_versions(const core::Json& before, const core::Json& after);

using FieldChanges = std::vector<std::pair<std::string, std::string>>;

// A reference met while validating off the database's thread, checked later by the writer.
struct DeferredReference {
  RecordId id;
  std::string_view field;
  std::string value;
};

// A record made ready for writing by Registry::prepare_add: validated, numbered, stamped, with
// its ledger entry and leaf hash computed.
struct PreparedAdd {
  Record record{kind_spec(Kind::kSource)};
  std::string where;
  std::vector<DeferredReference> references;
  std::string canonical;  // kept as the record's first version
  std::string entry;
  ledger::Hash leaf{};
};

// The canonical form of a record whose SHA-256 the ledger keeps (docs/ledger-format.md): every
// field with a value (sensitive ones too), who/when, and the status history, as canonical JSON.
std::string canonical_record(const Record& record, const std::vector<StatusChange>& history);
// The same into `out`, reusing its buffer (the import's hot path).
void canonical_record(const Record& record, const std::vector<StatusChange>& history,
                      std::string& out);

class Registry {
 public:
  // `actor` is recorded as the author of every write made through this object.
  Registry(store::Database& db, std::string actor);

  // Creates the schema in a new database or upgrades an old one; returns the schema version.
  static int prepare_schema(store::Database& db);

  // Groups writes; rolls back (and forgets cached lookups) unless committed.
  class Transaction {
   public:
    explicit Transaction(Registry& registry);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

   private:
    Registry& registry_;
    store::Transaction tx_;
    bool committed_ = false;
  };

  // Validates and stores a new record; `where` names it in error messages ("persons.csv row
  // 7"). The status field, if any, starts the record's status history with `report`.
  Record add(Record record, const StatusReport& report, std::string_view where);
  // Bulk writes on two threads (imports). prepare_add() does everything that needs no database
  // — validation, canonical form, hashes, the ledger entry — and may run on any thread;
  // write_prepared(), on the registry's thread, checks the references and writes through
  // bulk inserts (store::Database::bulk_insert: on PostgreSQL a broken constraint is reported
  // when the rows are sent, at the next statement). Records must be written in the order of the
  // numbers next_num() handed out, inside one transaction.
  // Kinds whose first status starts a history (sites, claims) are not prepared this way.
  int64_t next_num(const KindSpec& kind) const;
  // write_prepared() keeps no version: the writer keeps each batch's, packed on the reading
  // thread (registry/versions.h), for the `count` entries it appended from `first_entry`.
  void keep_versions(uint64_t first_entry, size_t count, std::string_view packed);
  // `prepared.record` and `prepared.where` are the caller's; the rest is filled in. Reusing one
  // PreparedAdd row after row reuses its buffers.
  void prepare_add(PreparedAdd& prepared, int64_t num) const;
  void write_prepared(const PreparedAdd& prepared);

  // Changes fields ("" clears an optional one); a status change follows the allowed
  // transitions and enters the history with `report`. Corruption (and nothing written) when the
  // stored record is not what its last ledger entry vouches for.
  // `where` names the change in errors (the id when empty).
  Record update(std::string_view id, const FieldChanges& changes, const StatusReport& report,
                std::string_view where = {});
  // Corrections, never deletions: each is one entry with its reason, and the record's earlier
  // versions stay readable (versions()).
  // correct(): fields set to what they should always have been. A status may take any of its
  // values (a correction is not a transition) and enters no status history.
  Record correct(std::string_view id, const FieldChanges& changes, std::string_view reason,
                 std::string_view where = {});
  // retract(): the record stays, marked retracted with who, when and why.
  Record retract(std::string_view id, std::string_view reason);
  // merge(): two records of one kind are one. `duplicate` is retracted as merged into `kept`;
  // `kept` takes the duplicate's values for the fields it lacks. Returns {kept, duplicate}.
  std::pair<Record, Record> merge(std::string_view kept, std::string_view duplicate,
                                  std::string_view reason);
  // Every version the ledger holds of a record, oldest first, with the kept canonical form.
  std::vector<RecordVersion> versions(std::string_view id) const;
  // The records merged into `id` (each retracted naming it), from its entries.
  std::vector<std::string> merged_into(std::string_view id) const;
  // The same from its versions, when the caller has read them already.
  std::vector<std::string> merged_into(std::string_view id,
                                       const std::vector<RecordVersion>& versions) const;
  // The canonical form the ledger's entry `index` vouched for, when kept and intact.
  std::optional<std::string> vouched_version(uint64_t index) const;

  // Validates one field's value on its own (to its canonical form) before a record is built.
  void check_field(const KindSpec& kind, std::string_view field, std::string& value,
                   std::string_view where) const {
    normalise_field(*kind.field(field), value, where);
  }

  Record get(std::string_view id) const;  // NotFound; InputError for a malformed id
  bool exists(const RecordId& id) const;
  std::vector<Record> list(const KindSpec& kind, const ListQuery& query) const;
  int64_t count(const KindSpec& kind, bool include_retracted = false) const;
  std::vector<StatusChange> history(std::string_view id) const;
  // Every record's status history, by record id (for whole-registry checks).
  std::unordered_map<std::string, std::vector<StatusChange>> status_histories() const;
  std::vector<Record> links_of(std::string_view id) const;  // links from or to the record
  std::vector<Record> claims_about(std::string_view id) const;

  // Counts per kind, statuses, and each site with its claims beside the persons documented
  // there.
  core::OrderedJson summary() const;
  // The estimates recorded about a site id or governorate code, newest first, each with its
  // run's warnings; "" gives the governorates' and the whole registry's.
  core::OrderedJson estimates_about(std::string_view subject) const;

  // The record as JSON: id, its fields (sensitive ones only when asked), who/when.
  static core::OrderedJson to_json(const Record& record, bool include_sensitive);

  // Appends a ledger entry (docs/ledger-format.md) about `subject` whose canonical form now
  // hashes to `sha256`, linked to the subject's previous entry; joins the caller's transaction.
  uint64_t append_ledger_entry(std::string_view op, std::string_view subject,
                               const ledger::Hash& sha256);
  ledger::Ledger& ledger() { return ledger_; }

  // Every subject's newest entry (records' from their rows, others' from ledger_heads): the
  // state map a checkpoint signs (ledger/state.h).
  ledger::StateTree state() const;
  // Signs a checkpoint of the log as it is now, with the state map, cosigned by `witnesses`
  // (ledger::publish_checkpoint); joins the caller's transaction, which must hold the lock.
  ledger::StoredCheckpoint checkpoint(const ledger::SigningKey& key,
                                      const std::vector<std::filesystem::path>& witnesses = {},
                                      size_t quorum = 0,
                                      std::vector<std::string>* refusals = nullptr);
  // The newest entry about `subject`: a record's from its row, another's from ledger_heads.
  std::optional<uint64_t> head_of(std::string_view subject);

  // Sensitive fields (witness identity and contact) are sealed with this cipher before they are
  // stored, hashed or logged (registry/field_cipher.h). Without one, writing a sensitive value
  // is refused (Unavailable) and reading one in clear is impossible.
  void set_field_cipher(FieldCipher cipher) { cipher_ = cipher; }
  const FieldCipher* field_cipher() const { return cipher_ ? &*cipher_ : nullptr; }
  // A copy of `record` with its sensitive fields in clear. Every such read is a ledger entry
  // ("registry.reveal", naming the actor), appended in the caller's transaction.
  Record reveal(const Record& record);

  store::Database& database() { return db_; }
  const std::string& actor() const { return actor_; }
  // A pooled registry (app::Instance) writes for whoever holds it now; never mid-transaction.
  void set_actor(std::string actor);

 private:
  friend class RecordValidator;
  // References are checked against the database, or, when `deferred` is given, collected there.
  void validate(Record& record, const Record* previous, std::string_view where,
                std::vector<DeferredReference>* deferred = nullptr, bool correcting = false) const;
  // What update() and correct() share: `reason` set makes it a correction.
  Record change(std::string_view id, const FieldChanges& changes, const StatusReport& report,
                std::string_view where, std::string_view reason);
  // Extras an entry may carry besides its subject and hash (docs/ledger-format.md).
  struct EntryExtras {
    std::string_view custody, merged, reason;
  };
  // Appends an entry about a record, keeping the canonical form it vouches for as a version.
  uint64_t append_record_entry(std::string_view op, const Record& record,
                               const std::vector<StatusChange>& history,
                               const EntryExtras& extras = {{}, {}, {}});
  void keep_version(uint64_t entry, std::string_view canonical);
  // `bulk`: through store::Database::bulk_insert, for imports' batches.
  void store_versions(uint64_t first_entry, size_t count, std::string_view packed, bool bulk);
  // The kept form of entry `index`, unchecked; nullopt when none is kept.
  std::optional<std::string> kept_version(uint64_t index) const;
  void write_retraction(const Record& record);
  // Writes the record's fields over its row and stamps updated_at.
  void write_fields(Record& record);
  // Brings one value to its field's canonical form; InputError naming `where` otherwise.
  void normalise_field(const FieldSpec& field, std::string& value, std::string_view where) const;
  void check_reference(const RecordId& id, std::string_view where, std::string_view field,
                       std::string_view value) const;
  StatusChange insert_status_change(const Record& record, const std::string& old_status,
                                    const StatusReport& report, std::string_view where);
  std::vector<StatusChange> history_of(const std::string& id) const;
  Record read_row(const KindSpec& kind, store::Statement& row) const;
  std::string select_sql(const KindSpec& kind) const;

  // Statements prepared once per kind (the hot path of imports builds no SQL text).
  store::Statement& insert_statement(const KindSpec& kind);
  store::Statement& numbered_insert_statement(const KindSpec& kind);
  void bind_record(store::Statement& insert, const Record& record, int first_index) const;
  void bind_originals(store::Statement& stmt, int index, const Record& record) const;
  std::string ledger_entry_text(std::string_view op, std::string_view subject,
                                const ledger::Hash& sha256, std::optional<uint64_t> prev,
                                const EntryExtras& extras = {}) const;
  // Corruption unless `stored` (with its status history) is what its newest ledger entry vouches
  // for.
  void check_matches_ledger(const Record& stored, const std::vector<StatusChange>& history) const;
  store::Statement& exists_statement(Kind kind) const;

  // Appends an entry about `subject` linked to its previous one, and moves its head.
  uint64_t append_entry(std::string_view op, std::string_view subject, const ledger::Hash& sha256,
                        const EntryExtras& extras);
  store::Statement& head_statement(Kind kind, bool write);
  // An id is issued once: Corruption when `num` is not above the highest the kind has issued
  // (record_high_water, saved at commit), as after a row deleted and its counter wound back.
  void claim_num(const KindSpec& kind, int64_t num);
  void save_high_water();
  void forget_high_water();

  // Seals the sensitive fields of `record` that are in clear (those named in `changed`, or all
  // when it is null); InputError for a value that already looks sealed.
  void seal_sensitive(Record& record, const FieldChanges* changed, std::string_view where) const;

  store::Database& db_;
  std::string actor_;
  ledger::Ledger ledger_;
  std::optional<FieldCipher> cipher_;
  std::array<int64_t, kKindCount> high_water_ = [] {
    std::array<int64_t, kKindCount> a{};
    a.fill(-1);
    return a;
  }();
  bool high_water_dirty_ = false;
  // Kinds whose ids this transaction chose itself (write_prepared): their sequences
  // (PostgreSQL's identity columns) are moved past them at commit.
  uint32_t ids_chosen_ = 0;
  static uint32_t kind_bit(Kind kind) { return uint32_t{1} << static_cast<unsigned>(kind); }
  std::array<store::Statement*, kKindCount> head_statements_{}, set_head_statements_{};
  std::array<store::Statement*, kKindCount> insert_statements_{};
  std::array<store::Statement*, kKindCount> numbered_insert_statements_{};
  mutable std::array<store::Statement*, kKindCount> exists_statements_{};
  // Ids verified to exist during the current transaction (packed kind and number).
  mutable std::unordered_set<int64_t> known_existing_;
};

// Validates a new record as Registry::add would (to canonical form) without a database: the
// records it refers to are not looked up. For tools that read registry files without importing.
void validate_new_record(Record& record, std::string_view where);

}  // namespace athar::registry
