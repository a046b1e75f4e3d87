#include "registry/import.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/bounded_queue.h"
#include "core/canonical_json.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/error.h"
#include "core/json.h"
#include "core/text.h"
#include "ledger/hash.h"
#include "names/full_name.h"
#include "registry/versions.h"
#include "vault/object_store.h"

namespace athar::registry {

using core::InputError;

namespace {

// The problems an import finds, kept in file order (by the row or record index in their place)
// and thrown together.
class ProblemList {
 public:
  void add(const InputError& e) {
    ++count_;
    if (listed_.size() < kMaxListedProblems) listed_.push_back(e);
  }
  void merge(ProblemList other) {
    count_ += other.count_;
    for (InputError& e : other.listed_)
      if (listed_.size() < kMaxListedProblems) listed_.push_back(std::move(e));
  }
  size_t count() const { return count_; }
  // `in_row_order`: the problems came from two threads; sorted by the row each names.
  void throw_if_any(bool in_row_order) {
    if (count_ == 0) return;
    if (in_row_order) {
      std::stable_sort(listed_.begin(), listed_.end(),
                       [](const InputError& a, const InputError& b) {
                         return row_of(a.record()) < row_of(b.record());
                       });
    }
    throw core::InputProblems(std::move(listed_), count_ - listed_.size());
  }

 private:
  // "list.csv row 12" -> 12; 0 when it names no row.
  static size_t row_of(const std::string& where) {
    const size_t at = where.rfind(" row ");
    return at == std::string::npos ? 0 : std::strtoull(where.c_str() + at + 5, nullptr, 10);
  }
  std::vector<InputError> listed_;
  size_t count_ = 0;
};

}  // namespace

void fill_name_parts(Record& person, std::string_view full_name_ar,
                     std::string_view full_name_lat) {
  const std::string_view full[2] = {full_name_ar, full_name_lat};
  const char* suffix[2] = {"_ar", "_lat"};
  for (int script = 0; script < 2; ++script) {
    if (core::trim(full[script]).empty()) continue;
    const names::NameParts parts = names::split_full_name(full[script]);
    const std::pair<const char*, const std::string*> fields[] = {
        {"given_name", &parts.given},
        {"father_name", &parts.father},
        {"grandfather_name", &parts.grandfather},
        {"family_name", &parts.family}};
    for (const auto& [field, value] : fields) {
      const std::string name = std::string(field) + suffix[script];
      if (person.get(name).empty() && !value->empty()) person.set(name, *value);
    }
  }
}

namespace {

// Refuses (InputError) a file whose bytes were imported before, unless forced; inside the
// import's transaction, so two processes importing one file at once cannot both pass.
void check_not_imported(Registry& registry, const std::string& path, ImportReport& report,
                        bool force) {
  auto seen = registry.database().prepare(
      "SELECT name, imported_at, imported_by, records FROM imported_files WHERE sha256 = ?");
  seen->bind(1, report.file_sha256);
  if (!seen->step()) return;
  report.imported_before = "the same bytes were imported as " + seen->string(0) + " on " +
                           seen->string(1) + " by " + seen->string(2) + " (" +
                           std::to_string(seen->int64(3)) + " records)";
  if (!force) {
    throw InputError(path, "file", "sha256 " + report.file_sha256.substr(0, 16) + "…",
                     report.imported_before + "; " + kImportedBeforeHint);
  }
}

void remember_import(Registry& registry, const std::string& path, const ImportReport& report) {
  int64_t records = 0;
  for (const auto& [kind, n] : report.added) records += n;
  const std::string name = std::filesystem::path(path).filename().string();
  const std::string at = core::utc_timestamp_now();
  auto put = registry.database().prepare(
      "INSERT INTO imported_files(sha256, name, imported_at, imported_by, records) "
      "VALUES(?,?,?,?,?) ON CONFLICT(sha256) DO UPDATE SET name = excluded.name, "
      "imported_at = excluded.imported_at, imported_by = excluded.imported_by, "
      "records = excluded.records");
  put->bind(1, report.file_sha256);
  put->bind(2, name);
  put->bind(3, at);
  put->bind(4, registry.actor());
  put->bind(5, records);
  put->run();
  core::CanonicalJsonWriter w;
  w.begin_object();
  w.key("at");
  w.string(at);
  w.key("by");
  w.string(registry.actor());
  w.key("name");
  w.string(name);
  w.key("records");
  w.string(std::to_string(records));
  w.key("sha256");
  w.string(report.file_sha256);
  w.end_object();
  registry.append_ledger_entry("registry.import", "import:" + report.file_sha256,
                               ledger::sha256(w.text()));
}

}  // namespace

ImportReport import_persons_csv(Registry& registry, const std::string& path,
                                const PersonsCsvOptions& options, const core::Progress& progress,
                                const std::string& given_name) {
  const KindSpec& person = kind_spec(Kind::kPerson);
  const KindSpec& link = kind_spec(Kind::kLink);
  core::CsvReader csv(path, core::CsvReader::sniff_delimiter(path));
  // Messages and the import's record name the file as its user knows it.
  const std::string file_name = given_name.empty() ? path : given_name;
  csv.set_name(file_name);
  std::error_code size_error;
  const auto file_size = std::filesystem::file_size(path, size_error);
  std::atomic<size_t> bytes_parsed{0};  // by the reader thread, for progress
  std::vector<std::string_view> row;
  if (!csv.next(row)) throw InputError(file_name, "", "", "the file is empty (no header row)");

  // Column i of the file goes to field column_field[i] of the person (-1: source, -2: ignored).
  constexpr int kSourceColumn = -1, kIgnoredColumn = -2, kFullNameAr = -3, kFullNameLat = -4;
  std::vector<int> column_field;
  bool has_source_column = false;
  for (std::string_view name : row) {
    const std::string column(name);
    if (column == "source") {
      column_field.push_back(kSourceColumn);
      has_source_column = true;
    } else if (column == "id") {
      column_field.push_back(kIgnoredColumn);
    } else if (column == "full_name_ar" || column == "full_name_lat") {
      column_field.push_back(column == "full_name_ar" ? kFullNameAr : kFullNameLat);
    } else if (int i = person.field_index(column); i >= 0) {
      column_field.push_back(i);
    } else {
      const char d = csv.delimiter();
      throw InputError(file_name + " row 1 (header)", column, column,
                       std::string("unknown column (columns read as separated by ") +
                           (d == '\t'  ? "tabs"
                            : d == ';' ? "';'"
                                       : "','") +
                           "; docs/registry.md lists the person columns)");
    }
  }
  csv.require_unique_columns(row);
  csv.set_header(row);
  if (options.source.empty() && !has_source_column) {
    throw InputError(file_name, "source", "",
                     "say which source lists these persons: --source ID or a source column");
  }

  // Two threads: this one writes to the database while a reader parses, validates and hashes
  // the next rows (Registry::prepare_add). Ids are handed out in file order up front.
  ImportReport report;
  report.file_sha256 = ledger::to_hex(vault::hash_file(path));
  Registry::Transaction tx(registry);
  check_not_imported(registry, file_name, report, options.force);
  const int64_t first_person = registry.next_num(person);
  const int64_t first_link = registry.next_num(link);
  const int role_index = person.field_index("role");
  const int link_source = link.field_index("source");
  // Batches hold person and link records alternately; written ones come back for reuse, so
  // that their buffers are allocated once, on the reader's side.
  // Each batch carries its records' canonical forms packed (registry/versions.h) by the reader,
  // which has the time to spare; the writer stores them as one row.
  struct Batch {
    std::vector<PreparedAdd> rows;
    std::string packed_versions;
    size_t size() const { return rows.size(); }
    PreparedAdd& operator[](size_t i) { return rows[i]; }
  };
  constexpr size_t kBatchRows = 512;
  core::BoundedQueue<Batch> queue(8), written(16);
  const auto new_batch = [&] {
    Batch batch;
    batch.rows.resize(2 * kBatchRows);
    for (size_t i = 0; i < batch.size(); ++i) batch[i].record = Record(i % 2 ? link : person);
    return batch;
  };
  std::vector<std::string_view> forms;
  const auto pack = [&forms](Batch& batch, size_t used) {
    forms.clear();
    for (size_t i = 0; i < used; ++i) forms.push_back(batch[i].canonical);
    batch.packed_versions = pack_versions(forms);
  };

  // Every bad row is kept (the reader's from checking the row, the writer's from references)
  // and all are thrown together at the end.
  ProblemList reader_problems, writer_problems;
  std::vector<Warning> reader_warnings;
  std::thread reader([&] {
    try {
      std::vector<std::string_view> fields;
      std::optional<Batch> batch = new_batch();
      size_t used = 0;
      int64_t n = 0;
      while (true) {
        try {
          if (!csv.next(fields)) break;
        } catch (const InputError& e) {  // a malformed row: reported, the next one read
          reader_problems.add(e);
          continue;
        }
        PreparedAdd& p = (*batch)[used];
        PreparedAdd& l = (*batch)[used + 1];
        p.where = csv.location();
        try {
          if (fields.size() != column_field.size()) {
            throw InputError(p.where, "", std::to_string(fields.size()) + " columns",
                             "the header has " + std::to_string(column_field.size()) + " columns");
          }
          for (std::string& v : p.record.values) v.clear();
          std::string& source = l.record.values[static_cast<size_t>(link_source)];
          source = options.source;
          std::string_view full_ar, full_lat;
          for (size_t c = 0; c < fields.size(); ++c) {
            if (column_field[c] >= 0) {
              p.record.values[static_cast<size_t>(column_field[c])].assign(fields[c]);
            } else if (column_field[c] == kSourceColumn && !fields[c].empty()) {
              source.assign(fields[c]);
            } else if (column_field[c] == kFullNameAr) {
              full_ar = fields[c];
            } else if (column_field[c] == kFullNameLat) {
              full_lat = fields[c];
            }
          }
          if (!full_ar.empty() || !full_lat.empty()) fill_name_parts(p.record, full_ar, full_lat);
          if (p.record.values[static_cast<size_t>(role_index)].empty()) {
            p.record.values[static_cast<size_t>(role_index)] = options.role;
          }
          if (source.empty())
            throw InputError(p.where, "source", "", "no source lists this person");
          l.record.set("from_record", format_record_id(Kind::kPerson, first_person + n));
          l.record.set("type", "listed_by");
          l.record.set("to_record", source);
          l.where = p.where;
          registry.prepare_add(p, first_person + n);
          registry.prepare_add(l, first_link + n);
          check_person_dates(p.record, reader_warnings);
        } catch (const InputError& e) {
          reader_problems.add(e);
          continue;
        }
        ++n;
        used += 2;
        if (used == batch->size()) {
          bytes_parsed = csv.bytes_read();
          pack(*batch, used);
          if (!queue.push(std::move(*batch))) return;  // the writer stopped
          batch = written.try_pop();
          if (!batch) batch = new_batch();
          used = 0;
        }
      }
      if (used) {
        batch->rows.resize(used);
        pack(*batch, used);
        queue.push(std::move(*batch));
      }
      queue.close();
    } catch (...) {
      queue.fail(std::current_exception());
    }
  });
  struct JoinOnExit {
    std::thread& thread;
    core::BoundedQueue<Batch>& queue;
    ~JoinOnExit() {
      queue.close();  // unblocks a reader waiting to push after the writer failed
      thread.join();
    }
  } join_on_exit{reader, queue};

  while (auto batch = queue.pop()) {
    const uint64_t first_entry = registry.ledger().size();
    const size_t problems_before = writer_problems.count();
    for (size_t i = 0; i < batch->size(); i += 2) {
      try {
        registry.write_prepared((*batch)[i]);
        registry.write_prepared((*batch)[i + 1]);
      } catch (const InputError& e) {  // a reference to nothing: reported, the rest checked
        writer_problems.add(e);
      }
    }
    // A batch with a failed row is not committed (the import fails): its entries are not
    // consecutive, so no version is kept for it.
    if (writer_problems.count() == problems_before) {
      registry.keep_versions(first_entry, batch->size(), batch->packed_versions);
    }
    report.rows += static_cast<int64_t>(batch->size() / 2);
    if (!size_error && file_size) progress(static_cast<double>(bytes_parsed) / file_size, "rows");
    if (batch->size() == 2 * kBatchRows) written.try_push(std::move(*batch));
  }
  // Rows that failed are counted among the rows read too.
  report.rows += static_cast<int64_t>(reader_problems.count());
  reader_problems.merge(std::move(writer_problems));
  reader_problems.throw_if_any(true);
  report.checked_only = options.check_only;
  report.warnings = std::move(reader_warnings);
  if (!options.check_only) {
    report.added["persons"] = report.rows;
    report.added["links"] = report.rows;
    remember_import(registry, file_name, report);
    tx.commit();
  }
  return report;
}

namespace {

// Text form of a JSON value for a field: strings as they are, numbers in decimal, arrays (only
// where the field holds one: polygons) as compact JSON.
std::string field_text(const core::Json& value, const std::string& where, const std::string& field,
                       bool array_allowed = false) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.dump();
  if (value.is_number_float()) return core::shortest_number(value.get<double>());
  if (value.is_array() && array_allowed) return value.dump();
  if (value.is_null()) return {};
  throw InputError(where, field, value.dump(),
                   array_allowed ? "expected an array of points" : "expected text or a number");
}

class JsonImporter {
 public:
  JsonImporter(Registry& registry, std::string path, std::string name,
               const core::Progress& progress, bool check_only, bool force)
      : registry_(registry),
        path_(path),
        name_(name.empty() ? path : name),
        progress_(progress),
        check_only_(check_only),
        force_(force) {}

  ImportReport run(const core::Json& document) {
    if (!document.is_object()) throw InputError(name_, "", "", "expected a JSON object");
    for (const auto& [key, value] : document.items()) {
      if (key == "format" || key == "version" || key == "exported_at" || key == "comment") continue;
      if ((key == "evidence" || key == "custody") && !(value.is_array() && value.empty())) {
        throw InputError(name_, key, key,
                         "evidence and custody come only through intake (`athar evidence add`), "
                         "which stores the files they describe");
      }
      if (!find_kind(key) || find_kind(key)->plural != key) {
        throw InputError(
            name_, key, key,
            "unknown key (expected one array per kind: sources, sites, units, persons, "
            "witnesses, testimonies, events, claims, links)");
      }
      if (!value.is_array()) throw InputError(name_, key, "", "expected an array of records");
    }
    ImportReport report;
    ProblemList problems;
    size_t total = 0;
    for (const auto& [key, value] : document.items()) total += value.is_array() ? value.size() : 0;
    report.file_sha256 = ledger::to_hex(vault::hash_file(path_));
    Registry::Transaction tx(registry_);
    check_not_imported(registry_, name_, report, force_);
    for (const KindSpec& kind : kind_specs()) {
      auto it = document.find(std::string(kind.plural));
      if (it == document.end()) continue;
      for (size_t i = 0; i < it->size(); ++i) {
        progress_.items(static_cast<size_t>(report.rows), total, "records");
        ++report.rows;
        try {
          add_record(kind, (*it)[i], i);
        } catch (const InputError& e) {  // reported with every other, the rest still checked
          problems.add(e);
          continue;
        }
        ++report.added[std::string(kind.plural)];
      }
    }
    problems.throw_if_any(false);
    report.checked_only = check_only_;
    if (check_only_) {
      report.added.clear();
    } else {
      remember_import(registry_, name_, report);
      tx.commit();
    }
    return report;
  }

 private:
  // A reference names a record of this file by its "id", or one already in the registry.
  std::string resolve(const std::string& text) const {
    auto it = local_ids_.find(text);
    return it == local_ids_.end() ? text : it->second;
  }

  StatusReport status_report(const core::Json& entry, const std::string& where) const {
    StatusReport r;
    for (const auto& [key, value] : entry.items()) {
      const std::string text = field_text(value, where, key);
      if (key == "changed_on") {
        r.changed_on = text;
      } else if (key == "reported_by") {
        r.reported_by = text;
      } else if (key == "source") {
        r.source = resolve(text);
      } else if (key == "note") {
        r.note = text;
      } else if (key != "status") {
        throw InputError(where, key, text,
                         "unknown key in a history entry (status, changed_on, reported_by, "
                         "source, note)");
      }
    }
    return r;
  }

  void add_record(const KindSpec& kind, const core::Json& object, size_t index) {
    std::string where = name_ + " " + std::string(kind.plural) + "[" + std::to_string(index) + "]";
    if (!object.is_object()) throw InputError(where, "", "", "expected a JSON object");
    std::string local_id;
    if (auto id = object.find("id"); id != object.end()) {
      local_id = field_text(*id, where, "id");
      where += " (" + local_id + ")";
      if (local_ids_.count(local_id)) {
        throw InputError(where, "id", local_id, "the file uses this id twice");
      }
    }
    Record record(kind);
    for (const auto& [key, value] : object.items()) {
      if (key == "id" || key == "history" || key == "created_at" || key == "created_by" ||
          key == "updated_at") {
        continue;
      }
      const FieldSpec* f = kind.field(key);
      if (!f) {
        throw InputError(where, key, value.dump(),
                         "a " + std::string(kind.name) + " has no such field");
      }
      std::string text = field_text(value, where, key, f->type == FieldType::kPolygon);
      if (f->type == FieldType::kRef || f->type == FieldType::kAnyRef) text = resolve(text);
      record.set(key, std::move(text));
    }

    // The first history entry is the record's first status; later ones are changes over time.
    const FieldSpec* status = kind.status_field();
    const core::Json* history = nullptr;
    if (auto h = object.find("history"); h != object.end()) {
      if (!status)
        throw InputError(where, "history", "",
                         "a " + std::string(kind.name) + " has no status history");
      if (!h->is_array() || h->empty() || !(*h)[0].is_object() || !(*h)[0].contains("status")) {
        throw InputError(where, "history", h->dump(),
                         "expected an array of {status, changed_on, reported_by, source, note}");
      }
      history = &*h;
      const std::string first = field_text((*h)[0]["status"], where, "history");
      if (!record.get(status->name).empty() && record.get(status->name) != first) {
        throw InputError(where, std::string(status->name), record.get(status->name),
                         "differs from the first history entry (" + first + ")");
      }
      record.set(status->name, first);
    }
    StatusReport first_report;
    if (history) first_report = status_report((*history)[0], where + " history[0]");
    const Record stored = registry_.add(std::move(record), first_report, where);
    if (!local_id.empty()) local_ids_[local_id] = stored.id();

    if (history) {
      for (size_t i = 1; i < history->size(); ++i) {
        const std::string entry_where = where + " history[" + std::to_string(i) + "]";
        const core::Json& entry = (*history)[i];
        if (!entry.is_object() || !entry.contains("status")) {
          throw InputError(entry_where, "status", "", "each history entry needs a status");
        }
        registry_.update(
            stored.id(),
            {{std::string(status->name), field_text(entry["status"], entry_where, "status")}},
            status_report(entry, entry_where), entry_where);
      }
    }
  }

  Registry& registry_;
  std::string path_, name_;  // read from path_; named name_ in messages and the import record
  const core::Progress& progress_;
  bool check_only_, force_;
  std::unordered_map<std::string, std::string> local_ids_;
};

}  // namespace

ImportReport import_json(Registry& registry, const std::string& path,
                         const core::Progress& progress, bool check_only, bool force,
                         const std::string& file_name) {
  const std::string& name = file_name.empty() ? path : file_name;
  std::ifstream in(path, std::ios::binary);
  if (!in) core::throw_cannot_open(path, "JSON file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  core::Json document;
  // The same key twice in one object would silently keep the last: refused, named.
  std::vector<std::set<std::string>> keys_per_object;
  std::string duplicate;
  const core::Json::parser_callback_t no_duplicates = [&](int, core::Json::parse_event_t event,
                                                          core::Json& parsed) {
    using Event = core::Json::parse_event_t;
    if (event == Event::object_start) keys_per_object.emplace_back();
    if (event == Event::object_end && !keys_per_object.empty()) keys_per_object.pop_back();
    if (event == Event::key && !keys_per_object.empty() &&
        !keys_per_object.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  try {
    document = core::Json::parse(buffer.str(), no_duplicates);
    if (!duplicate.empty()) {
      throw InputError(name, duplicate, duplicate,
                       "a key appears twice in one object: each field once");
    }
  } catch (const core::Json::parse_error& e) {
    throw InputError(name + ": not valid JSON (" + e.what() + ")");
  }
  return JsonImporter(registry, path, file_name, progress, check_only, force).run(document);
}

}  // namespace athar::registry
