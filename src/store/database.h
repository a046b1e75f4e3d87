// The storage interface every Athar backend implements (SQLite, embedded by default; PostgreSQL).
//
// A small surface in the manner of LevelDB's DB: a connection that prepares statements and runs
// transactions; statements bind by 1-based position (`?` placeholders) and read typed columns.
//
//   auto db = athar::store::open("sqlite:athar-data/athar.db", OpenMode::kCreate);
//   athar::store::Transaction tx(*db);
//   auto& insert = db->cached("INSERT INTO sources(name) VALUES(?)");
//   insert.bind(1, "SETF");
//   insert.run();  int64_t num = db->last_insert_id();
//   tx.commit();
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace athar::store {

class Statement {
 public:
  virtual ~Statement() = default;

  virtual void bind_null(int index) = 0;
  virtual void bind(int index, int64_t value) = 0;
  virtual void bind(int index, double value) = 0;
  virtual void bind(int index, std::string_view value) = 0;  // copies the text
  // Binds without copying: the text must stay valid and unchanged until the statement has
  // been stepped. For hot insert loops over values that outlive the step.
  virtual void bind_borrowed(int index, std::string_view value) = 0;
  // Binds bytes as a BLOB without copying (valid until the statement has been stepped).
  virtual void bind_blob(int index, std::span<const uint8_t> bytes) = 0;
  void bind(int index, const char* value) { bind(index, std::string_view(value)); }
  void bind(int index, int value) { bind(index, static_cast<int64_t>(value)); }
  // Empty text and absent values are stored as NULL.
  void bind_text_or_null(int index, std::string_view value) {
    value.empty() ? bind_null(index) : bind(index, value);
  }
  template <class T>
  void bind_optional(int index, const std::optional<T>& value) {
    value ? bind(index, *value) : bind_null(index);
  }

  // Runs the statement up to the next row: true when a row is available, false when done.
  // Throws Conflict on a constraint violation, Unavailable when the database is busy or broken.
  virtual bool step() = 0;
  // Clears the bindings' results so the statement can run again with new bindings.
  virtual void reset() = 0;
  // Steps through to the end and resets: for statements that return no rows.
  void run() {
    while (step()) {
    }
    reset();
  }

  virtual int column_count() const = 0;
  virtual bool is_null(int column) const = 0;
  virtual int64_t int64(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual std::string_view text(int column) const = 0;  // valid until the next step or reset
  virtual std::span<const uint8_t> blob(int column) const = 0;  // likewise
  std::string string(int column) const { return std::string(text(column)); }
  std::optional<int64_t> optional_int64(int column) const {
    return is_null(column) ? std::nullopt : std::optional<int64_t>(int64(column));
  }
  std::optional<double> optional_real(int column) const {
    return is_null(column) ? std::nullopt : std::optional<double>(real(column));
  }
};

// The SQL a backend speaks beyond what both share (store/dialect.h): schema scripts are written
// for SQLite and translated; the few statements that differ ask.
enum class Dialect { kSqlite, kPostgresql };

class Database {
 public:
  virtual ~Database() = default;

  virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
  // A statement prepared once per connection and kept; reset it after use.
  virtual Statement& cached(std::string_view sql) = 0;
  // Runs one or more statements that return no rows (schema scripts).
  virtual void execute_script(std::string_view sql) = 0;
  // A statement for inserting many rows, `INSERT INTO table(column, …) VALUES(?, …)` with one
  // placeholder a column: each run() adds a row, seen by every later statement on this
  // connection. SQLite runs it at once (as cached()); PostgreSQL gathers the rows and sends them
  // with COPY just before the connection's next statement or commit, so a constraint a row
  // breaks is reported there (Conflict naming the table and line), not by run().
  virtual Statement& bulk_insert(std::string_view insert_sql) { return cached(insert_sql); }

  // Thread and process rules: a Database is one connection, used by one thread at a time. Any
  // number of processes may open the same store. begin() takes the writer lock at once (SQLite:
  // BEGIN IMMEDIATE), so whatever a writer reads inside its transaction (the ledger's right edge,
  // next ids) is current and stays so until commit; begin_read() pins one consistent snapshot
  // that writers in other processes do not disturb (verify, exports, bundles).
  virtual void begin() = 0;
  virtual void begin_read() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;

  // Key of the row the last INSERT on this connection created.
  virtual int64_t last_insert_id() const = 0;

  virtual std::string backend_name() const = 0;
  virtual Dialect dialect() const = 0;
  virtual std::string location() const = 0;
};

enum class OpenMode {
  kExisting,  // the database must exist (NotFound otherwise)
  kCreate,    // create it when missing
};

// SQLite: WAL journal, foreign keys on, full sync; a writer waits up to kBusyTimeoutMs for
// another process's transaction before giving up with Unavailable.
inline constexpr int kBusyTimeoutMs = 30000;
std::unique_ptr<Database> open_sqlite(const std::string& path, OpenMode mode);

// PostgreSQL by a libpq connection URL (postgresql://user@host:port/database?…). The database
// must exist (an administrator creates it); kExisting also wants Athar's schema in it (NotFound
// otherwise). Writers serialise on one advisory lock taken by begin(), as SQLite's one writer.
std::unique_ptr<Database> open_postgresql(const std::string& url, OpenMode mode);

// A database by URL, the one way shells open one: `sqlite:PATH` (a file; `sqlite::memory:` for
// one in memory), `postgresql://…` or `postgres://…`. InputError naming the URL for another.
std::unique_ptr<Database> open(const std::string& url, OpenMode mode);
// The URL of the SQLite database at `path`.
inline std::string sqlite_url(const std::string& path) { return "sqlite:" + path; }

// Begins a transaction; rolls it back on destruction unless commit() was called, so an
// exception anywhere in an import leaves nothing written.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.begin(); }
  ~Transaction() {
    if (!done_) {
      try {
        db_.rollback();
      } catch (...) {  // a destructor must not throw; the original error is the one to report
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }
  void rollback() {
    if (done_) return;
    done_ = true;
    db_.rollback();
  }

 private:
  Database& db_;
  bool done_ = false;
};

// One consistent snapshot for a reader, ended on destruction; writes in other processes after
// it began are not seen. Does nothing when the connection is already in a transaction.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db) : db_(db), owned_(!db.in_transaction()) {
    if (owned_) db_.begin_read();
  }
  ~ReadTransaction() {
    if (!owned_) return;
    try {
      db_.rollback();
    } catch (...) {  // a destructor must not throw
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
  bool owned_;
};

}  // namespace athar::store
