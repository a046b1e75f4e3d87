// SQLite backend of athar::store::Database (the C API, no wrapper).
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "store/database.h"
#include "store/dialect.h"

namespace athar::store {

namespace {

using core::Conflict;
using core::Unavailable;

[[noreturn]] void fail(sqlite3* handle, int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + sqlite3_errmsg(handle);
  const int primary = rc & 0xFF;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw Unavailable("the database is busy: another process held it for over " +
                      std::to_string(kBusyTimeoutMs / 1000) + " s; try again (" +
                      std::string(what.substr(0, 60)) + ")");
  }
  if (primary == SQLITE_CONSTRAINT) throw Conflict(message);
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) throw core::Corruption(message);
  throw Unavailable(message);
}

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "cannot prepare SQL [" + std::string(sql) + "]");
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void bind_null(int index) override { check(sqlite3_bind_null(stmt_, index)); }
  void bind(int index, int64_t value) override { check(sqlite3_bind_int64(stmt_, index, value)); }
  void bind(int index, double value) override { check(sqlite3_bind_double(stmt_, index, value)); }
  void bind(int index, std::string_view value) override {
    check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                            SQLITE_TRANSIENT));
  }

  void bind_borrowed(int index, std::string_view value) override {
    check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                            SQLITE_STATIC));
  }

  void bind_blob(int index, std::span<const uint8_t> bytes) override {
    check(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()),
                            SQLITE_STATIC));
  }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string sql = sqlite3_sql(stmt_);
    sqlite3_reset(stmt_);
    fail(db_, rc, "SQL failed [" + sql + "]");
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int column_count() const override { return sqlite3_column_count(stmt_); }
  bool is_null(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  int64_t int64(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string_view text(int column) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (!p) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
  }
  std::span<const uint8_t> blob(int column) const override {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
    if (!p) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, rc, "cannot bind parameter");
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const std::string& path, OpenMode mode) : path_(path) {
    // Memory statistics take a global mutex on every allocation; Athar never reads them.
    static const bool configured = [] {
      sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
      return sqlite3_initialize() == SQLITE_OK;
    }();
    if (!configured) throw Unavailable("cannot initialise SQLite");
    if (mode == OpenMode::kExisting && !std::filesystem::exists(path)) {
      throw core::NotFound("no Athar database at " + path + " (run `athar init` first)");
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (mode == OpenMode::kCreate) flags |= SQLITE_OPEN_CREATE;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message =
          "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
      sqlite3_close(db_);
      throw Unavailable(message);
    }
    sqlite3_extended_result_codes(db_, 1);
    // Larger pages than SQLite's 4 KiB default: fewer pages and WAL frames per imported row.
    // Only takes effect on a new database (before WAL mode is set).
    if (mode == OpenMode::kCreate) execute_script("PRAGMA page_size=16384;");
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    execute_script(
        "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
        "PRAGMA temp_store=MEMORY;");
  }
  ~SqliteDatabase() override {
    cache_.clear();
    sqlite3_close(db_);
  }

  std::unique_ptr<Statement> prepare(std::string_view sql) override {
    return std::make_unique<SqliteStatement>(db_, sql);
  }
  Statement& cached(std::string_view sql) override {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end()) {
      it = cache_.emplace(std::string(sql), std::make_unique<SqliteStatement>(db_, sql)).first;
    }
    return *it->second;
  }
  void execute_script(std::string_view sql) override {
    char* error = nullptr;
    const std::string script(sql);
    const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      std::string message = error ? error : sqlite3_errstr(rc);
      sqlite3_free(error);
      if ((rc & 0xFF) == SQLITE_CONSTRAINT) throw Conflict(message);
      if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) {
        throw Unavailable("the database is busy: another process held it for over " +
                          std::to_string(kBusyTimeoutMs / 1000) + " s; try again");
      }
      throw Unavailable("SQL script failed: " + message);
    }
  }

  void begin() override { execute_script("BEGIN IMMEDIATE"); }
  // A deferred transaction's snapshot starts at its first read: read once now.
  void begin_read() override {
    execute_script("BEGIN DEFERRED");
    try {
      execute_script("SELECT COUNT(*) FROM sqlite_schema");
    } catch (...) {
      execute_script("ROLLBACK");
      throw;
    }
  }
  void commit() override { execute_script("COMMIT"); }
  void rollback() override { execute_script("ROLLBACK"); }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  int64_t last_insert_id() const override { return sqlite3_last_insert_rowid(db_); }
  std::string backend_name() const override { return "sqlite"; }
  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string location() const override { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, OpenMode mode) {
  return std::make_unique<SqliteDatabase>(path, mode);
}

std::unique_ptr<Database> open(const std::string& url, OpenMode mode) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.compare(0, kSqlite.size(), kSqlite) == 0 && url.size() > kSqlite.size())
    return open_sqlite(url.substr(kSqlite.size()), mode);
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (url.compare(0, scheme.size(), scheme) == 0) return open_postgresql(url, mode);
  }
  throw core::InputError("database", "url", without_password(url),
                         "not a database URL Athar opens (sqlite:PATH or postgresql://…)");
}

}  // namespace athar::store
