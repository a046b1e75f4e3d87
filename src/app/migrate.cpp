#include "app/migrate.h"

#include <fstream>
#include <map>

#include "core/error.h"
#include "registry/registry.h"
#include "store/database.h"
#include "store/dialect.h"
#include "store/migrations.h"

namespace athar::app {

namespace fs = std::filesystem;

namespace {

struct Column {
  std::string name, type;  // PostgreSQL's data_type
};

// The target's tables and their columns, in order (information_schema).
std::map<std::string, std::vector<Column>> tables_of(store::Database& db) {
  auto q = db.prepare(
      "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c JOIN "
      "information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = "
      "c.table_name WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
      "ORDER BY c.table_name, c.ordinal_position");
  std::map<std::string, std::vector<Column>> out;
  while (q->step()) out[q->string(0)].push_back({q->string(1), q->string(2)});
  return out;
}

bool has_identity_num(store::Database& db, const std::string& table) {
  auto q = db.prepare("SELECT pg_get_serial_sequence(?, 'num') IS NOT NULL");
  q->bind(1, table);
  return q->step() && q->int64(0) == 1;
}

}  // namespace

core::OrderedJson MigrationReport::to_json() const {
  core::OrderedJson per_table = core::OrderedJson::object();
  for (const auto& [name, n] : tables) per_table[name] = n;
  return {{"from", from},
          {"to", to},
          {"rows", rows},
          {"tables", per_table},
          {"moved_aside", moved_aside}};
}

MigrationReport migrate_to_postgresql(const fs::path& data_dir, const std::string& to) {
  const std::string where = "athar migrate";
  if (to.rfind("postgresql://", 0) != 0 && to.rfind("postgres://", 0) != 0)
    throw core::InputError(where, "to", store::without_password(to), "a postgresql:// URL");
  if (store::without_password(to) != to)
    throw core::InputError(where, "to", store::without_password(to),
                           "a URL without a password (give it in ~/.pgpass or PGPASSWORD)");
  const fs::path url_file = data_dir / "database-url";
  if (fs::exists(url_file))
    throw core::InputError(where, "data", data_dir.string(),
                           "a data folder on SQLite (this one is on PostgreSQL already)");
  const fs::path sqlite_file = data_dir / "athar.db";
  MigrationReport report;
  report.from = store::sqlite_url(sqlite_file.string());
  report.to = to;
  {
    auto source = store::open(report.from, store::OpenMode::kExisting);
    registry::Registry::prepare_schema(*source);  // the newest schema, as the target gets
    auto target = store::open(to, store::OpenMode::kCreate);
    if (store::schema_version(*target) > 0)
      throw core::Conflict(store::without_password(to) + " holds an Athar database already");
    // The source's writer lock for the whole copy: nothing is written to it meanwhile (a writer
    // waits, and is refused after: stop the server before migrating). Never committed.
    store::Transaction hold_writers(*source);
    store::Transaction tx(*target);  // the schema too: PostgreSQL's DDL is transactional
    registry::Registry::prepare_schema(*target);
    const auto target_tables = tables_of(*target);
    // In the order the source created them, which is the order of their foreign keys.
    auto created = source->prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY rowid");
    std::vector<std::string> order;
    while (created->step()) order.push_back(created->string(0));
    for (const std::string& table : order) {
      if (table == "schema_version") continue;  // the target's own, written by its migrations
      const auto found = target_tables.find(table);
      if (found == target_tables.end())
        throw core::Unavailable(where + ": table " + table +
                                " has no place in PostgreSQL's schema");
      const std::vector<Column>& columns = found->second;
      // What the new schema's migrations wrote (settings, id counters) gives way to the source's.
      target->execute_script("DELETE FROM " + table);
      // Columns the source has too (PostgreSQL's `seq` orders as the source's rowid does).
      std::vector<const Column*> copied;
      std::vector<std::string> source_columns;
      auto names = source->prepare("SELECT name FROM pragma_table_info(?)");
      names->bind(1, table);
      while (names->step()) source_columns.push_back(names->string(0));
      for (const Column& c : columns) {
        for (const std::string& s : source_columns)
          if (s == c.name) copied.push_back(&c);
      }
      if (copied.size() != source_columns.size())  // nothing of the source is left behind
        throw core::Unavailable(where + ": a column of " + table +
                                " has no place in PostgreSQL's schema");
      std::string list, marks;
      for (const Column* c : copied) {
        list += (list.empty() ? "" : ", ") + c->name;
        marks += marks.empty() ? "?" : ", ?";
      }
      // Rows in the order they were written (a unit's parent before it; kinship profiles and
      // families as PostgreSQL's `seq` will keep them); a table without rowid by its key.
      std::unique_ptr<store::Statement> rows;
      try {
        rows = source->prepare("SELECT " + list + " FROM " + table + " ORDER BY rowid");
      } catch (const core::Unavailable&) {
        rows = source->prepare("SELECT " + list + " FROM " + table);
      }
      store::Statement& insert =
          target->cached("INSERT INTO " + table + "(" + list + ") VALUES(" + marks + ")");
      int64_t count = 0;
      while (rows->step()) {
        for (size_t i = 0; i < copied.size(); ++i) {
          const int column = static_cast<int>(i), index = column + 1;
          const std::string& type = copied[i]->type;
          if (rows->is_null(column)) {
            insert.bind_null(index);
          } else if (type == "bigint" || type == "integer") {
            insert.bind(index, rows->int64(column));
          } else if (type == "double precision") {
            insert.bind(index, rows->real(column));
          } else if (type == "bytea") {
            insert.bind_blob(index, rows->blob(column));
          } else {
            insert.bind(index, rows->text(column));
          }
        }
        insert.run();
        ++count;
      }
      // The id counters: past the highest id ever given, not only the highest kept.
      bool has_num = false;
      for (const Column& c : columns) has_num = has_num || c.name == "num";
      if (has_num && has_identity_num(*target, table)) {
        auto most = target->prepare("SELECT COALESCE(MAX(num), 0) FROM " + table);
        most->step();
        store::raise_key(*target, table,
                         std::max(most->int64(0), store::highest_key(*source, table)));
      }
      report.tables.emplace_back(table, count);
      report.rows += count;
    }
    tx.commit();
  }
  // The data folder follows: its database is PostgreSQL's now, the SQLite file set aside.
  std::ofstream(url_file) << to << "\n";
  fs::permissions(url_file, fs::perms::owner_read | fs::perms::owner_write);
  const fs::path aside = data_dir / "athar.db.moved-to-postgresql";
  fs::rename(sqlite_file, aside);
  for (const char* suffix : {"-wal", "-shm"}) {  // present only while another process has it
    const fs::path extra = sqlite_file.string() + suffix;
    if (fs::exists(extra)) fs::rename(extra, aside.string() + suffix);
  }
  report.moved_aside = aside.string();
  return report;
}

}  // namespace athar::app
