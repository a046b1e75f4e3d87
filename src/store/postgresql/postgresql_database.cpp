// PostgreSQL backend of athar::store::Database (libpq, no wrapper).
//
// Statements keep the interface's `?` placeholders; they are numbered ($1, $2, …) here. Values
// are sent as text (blobs as binary) and read as text, so a column reads the same whichever
// backend wrote it. A statement from prepare() is parsed on each run; one from cached() is a
// named prepared statement of the connection.
#include <libpq-fe.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "store/database.h"
#include "store/dialect.h"

namespace athar::store {

namespace {

using core::Conflict;
using core::Unavailable;

// The one lock every writer takes first, as SQLite's single writer: what a writer reads inside
// its transaction (the ledger's right edge, next ids) stays current until it commits.
constexpr const char* kWriterLock = "SELECT pg_advisory_xact_lock(7012417190303)";

[[noreturn]] void fail(const PGresult* result, PGconn* conn, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message =
      std::string(what) + ": " + (result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  const std::string code = state ? state : "";
  if (code.rfind("23", 0) == 0) throw Conflict(message);  // integrity constraint violation
  if (code == "40001" || code == "40P01" || code == "55P03") {
    throw Unavailable("the database is busy (" + code + "): try again (" +
                      std::string(what.substr(0, 60)) + ")");
  }
  throw Unavailable(message);
}

// Rows of bulk inserts (Database::bulk_insert) not yet sent: each table's rows in COPY's text
// format, tables in the order their first pending row came, so that a row's references (to a
// row of another table gathered before it) hold when it arrives.
//
// Once enough rows are gathered they are sent by a thread of their own while the caller gathers
// the next: the server inserts while the client prepares. Everything else that uses the
// connection first waits for that thread (settle()), so the connection still serves one thread
// at a time; an error of rows sent in the background is thrown there.
// Where a bulk insert's rows go: the COPY command that takes them (binary format).
struct CopyTarget {
  std::string copy;
};

class PendingCopies {
 public:
  explicit PendingCopies(PGconn* conn) : conn_(conn) {}
  ~PendingCopies() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (sender_.joinable()) sender_.join();
  }

  // The rows gathered for `target`, to which the caller appends a row.
  std::string& rows_for(const CopyTarget& target) {
    for (Pending& p : pending_)
      if (p.target == &target) return p.rows;
    pending_.push_back({&target, take_buffer()});
    // The binary format's signature, flags and header extension length.
    pending_.back().rows.assign("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
    return pending_.back().rows;
  }
  void row_added(size_t bytes) {
    pending_bytes_ += bytes;
    if (pending_bytes_ >= kBackgroundBytes) send_in_background();
  }

  // Before the caller's thread uses the connection: rows sent in the background have arrived
  // (their error thrown, if any), and those still gathered are sent.
  void settle() {
    wait_for_sender();
    if (pending_.empty()) return;
    std::vector<Pending> sending;
    sending.swap(pending_);
    pending_bytes_ = 0;
    send(sending);
  }
  // Rows gathered in a transaction that is rolled back are dropped with it (and the error of
  // rows sent in the background: the transaction they belonged to is gone).
  void discard() {
    try {
      wait_for_sender();
    } catch (const std::exception&) {
    }
    give_back(pending_);
    pending_bytes_ = 0;
  }

 private:
  struct Pending {
    const CopyTarget* target;
    std::string rows;
  };
  // About 40,000 rows of a person import. Each COPY sets up (and the server later forgets, one
  // by one) up to 1,000 tuple slots per table, so short COPYs cost the server much more per row:
  // the million-row import took 7.1 s per 300,000 rows at 1 MiB, 6.3 at 4, 5.3 at 16 and 5.9
  // at 32 or 64 (less overlap).
  static constexpr size_t kBackgroundBytes = size_t{16} << 20;

  std::string take_buffer() {
    std::lock_guard lock(mutex_);
    if (spare_.empty()) return {};
    std::string out = std::move(spare_.back());
    spare_.pop_back();
    out.clear();
    return out;
  }
  void give_back(std::vector<Pending>& sent) {
    std::lock_guard lock(mutex_);
    for (Pending& p : sent) spare_.push_back(std::move(p.rows));
    sent.clear();
  }

  void send(std::vector<Pending>& sending) {
    try {
      for (Pending& p : sending) {
        p.rows += "\xff\xff";  // the trailer: a row of -1 columns
        copy_in(p.target->copy, p.rows);
      }
    } catch (...) {
      give_back(sending);
      throw;
    }
    give_back(sending);
  }

  void send_in_background() {
    wait_for_sender();
    {
      std::lock_guard lock(mutex_);
      in_flight_.swap(pending_);
      busy_ = true;
    }
    pending_bytes_ = 0;
    if (!sender_.joinable()) sender_ = std::thread([this] { run_sender(); });
    changed_.notify_all();
  }

  void wait_for_sender() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !busy_; });
    if (error_) {
      std::exception_ptr error = std::exchange(error_, nullptr);
      std::rethrow_exception(error);
    }
  }

  void run_sender() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [this] { return busy_ || stopping_; });
      if (!busy_) return;  // stopping, nothing in flight
      std::vector<Pending> sending;
      sending.swap(in_flight_);
      lock.unlock();
      std::exception_ptr error;
      try {
        send(sending);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      error_ = error;
      busy_ = false;
      changed_.notify_all();
    }
  }

  void copy_in(const std::string& copy, const std::string& rows) {
    PGresult* r = PQexec(conn_, copy.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) {
      std::unique_ptr<PGresult, decltype(&PQclear)> owned(r, PQclear);
      fail(r, conn_, "SQL failed [" + copy + "]");
    }
    PQclear(r);
    const bool sent = PQputCopyData(conn_, rows.data(), static_cast<int>(rows.size())) == 1 &&
                      PQputCopyEnd(conn_, nullptr) == 1;
    // The command's result comes after the data, followed by a null result.
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQgetResult(conn_), PQclear);
    while (PGresult* more = PQgetResult(conn_)) PQclear(more);
    if (!sent)
      throw Unavailable("cannot send rows to PostgreSQL: " + std::string(PQerrorMessage(conn_)));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
      fail(result.get(), conn_, "rows inserted in bulk were refused [" + copy + "]");
  }

  PGconn* conn_;
  std::vector<Pending> pending_;  // the caller's thread's
  size_t pending_bytes_ = 0;
  std::mutex mutex_;  // guards what follows
  std::condition_variable changed_;
  std::vector<Pending> in_flight_;
  std::vector<std::string> spare_;  // buffers sent, kept for the next rows
  bool busy_ = false, stopping_ = false;
  std::exception_ptr error_;
  std::thread sender_;
};

class PostgresqlStatement final : public Statement {
 public:
  // `name` empty: parsed at each run; otherwise prepared once under that name. Rows of bulk
  // inserts still gathered in `pending` are sent before it runs.
  PostgresqlStatement(PGconn* conn, std::string_view sql, std::string name, PendingCopies& pending)
      : conn_(conn), sql_(numbered_placeholders(sql)), name_(std::move(name)), pending_(pending) {
    parameters_ = count_parameters(sql_);
    values_.resize(parameters_);
    lengths_.resize(parameters_);
    formats_.resize(parameters_);
    null_.resize(parameters_, true);
    if (!name_.empty()) {
      pending_.settle();
      PGresult* r = PQprepare(conn_, name_.c_str(), sql_.c_str(), 0, nullptr);
      if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        const std::string what = "cannot prepare SQL [" + sql_ + "]";
        std::unique_ptr<PGresult, decltype(&PQclear)> owned(r, PQclear);
        fail(r, conn_, what);
      }
      PQclear(r);
    }
  }
  ~PostgresqlStatement() override { PQclear(result_); }

  void bind_null(int index) override { slot(index, {}, true, 0, false); }
  void bind(int index, int64_t value) override {
    slot(index, std::to_string(value), false, 0, false);
  }
  void bind(int index, double value) override {
    std::string text;
    if (std::isnan(value)) {
      text = "NaN";
    } else if (std::isinf(value)) {
      text = value > 0 ? "Infinity" : "-Infinity";
    } else {
      char buffer[32];
      const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
      text.assign(buffer, end);
    }
    slot(index, std::move(text), false, 0, false);
  }
  void bind(int index, std::string_view value) override {
    slot(index, std::string(value), false, 0, false);
  }
  void bind_borrowed(int index, std::string_view value) override {
    slot(index, std::string(value), false, 0, false);
  }
  void bind_blob(int index, std::span<const uint8_t> bytes) override {
    slot(index, std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), false, 1,
         true);
  }

  bool step() override {
    if (!result_) {
      pending_.settle();
      std::vector<const char*> values(parameters_);
      for (size_t i = 0; i < parameters_; ++i) values[i] = null_[i] ? nullptr : values_[i].data();
      result_ = name_.empty()
                    ? PQexecParams(conn_, sql_.c_str(), static_cast<int>(parameters_), nullptr,
                                   values.data(), lengths_.data(), formats_.data(), 0)
                    : PQexecPrepared(conn_, name_.c_str(), static_cast<int>(parameters_),
                                     values.data(), lengths_.data(), formats_.data(), 0);
      const ExecStatusType status = PQresultStatus(result_);
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        std::unique_ptr<PGresult, decltype(&PQclear)> owned(result_, PQclear);
        result_ = nullptr;
        fail(owned.get(), conn_, "SQL failed [" + sql_ + "]");
      }
      row_ = -1;
      rows_ = PQntuples(result_);
    }
    ++row_;
    blobs_.clear();
    return row_ < rows_;
  }
  void reset() override {
    PQclear(result_);
    result_ = nullptr;
    std::fill(null_.begin(), null_.end(), true);
    blobs_.clear();
  }

  int column_count() const override { return result_ ? PQnfields(result_) : 0; }
  bool is_null(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
  int64_t int64(int column) const override {
    const std::string_view v = text(column);
    if (v == "t") return 1;  // a boolean expression reads as SQLite gives it
    if (v == "f") return 0;
    int64_t out = 0;
    const auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (error != std::errc() || end != v.data() + v.size()) {
      // A numeric or double column read as an integer, as SQLite would.
      return static_cast<int64_t>(std::strtod(std::string(v).c_str(), nullptr));
    }
    return out;
  }
  double real(int column) const override {
    const std::string_view v = text(column);
    if (v.empty()) return 0;
    return std::strtod(std::string(v).c_str(), nullptr);
  }
  std::string_view text(int column) const override {
    if (PQgetisnull(result_, row_, column)) return {};
    return {PQgetvalue(result_, row_, column),
            static_cast<size_t>(PQgetlength(result_, row_, column))};
  }
  std::span<const uint8_t> blob(int column) const override {
    if (PQgetisnull(result_, row_, column)) return {};
    std::vector<uint8_t>& out = blobs_[column];
    if (out.empty()) out = decode_bytea(text(column));
    return out;
  }

 private:
  void slot(int index, std::string value, bool null, int format, bool binary) {
    if (index < 1 || static_cast<size_t>(index) > parameters_)
      throw Unavailable("cannot bind parameter " + std::to_string(index) + " of [" + sql_ + "]");
    const size_t i = static_cast<size_t>(index - 1);
    values_[i] = std::move(value);
    null_[i] = null;
    formats_[i] = format;
    lengths_[i] = binary ? static_cast<int>(values_[i].size()) : 0;
  }

  static size_t count_parameters(const std::string& sql) {
    size_t most = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
      if (sql[i] != '$' || i + 1 >= sql.size() ||
          !std::isdigit(static_cast<unsigned char>(sql[i + 1])))
        continue;
      size_t n = 0, j = i + 1;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])))
        n = n * 10 + static_cast<size_t>(sql[j++] - '0');
      most = std::max(most, n);
    }
    return most;
  }

  // bytea's hex output: \x followed by two hex digits a byte.
  static std::vector<uint8_t> decode_bytea(std::string_view text) {
    std::vector<uint8_t> out;
    if (text.size() < 2 || text[0] != '\\' || text[1] != 'x')
      throw Unavailable("a bytea value not in hex form");
    const auto nibble = [](char c) -> uint8_t {
      if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
      if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
      return static_cast<uint8_t>(c - 'A' + 10);
    };
    out.reserve((text.size() - 2) / 2);
    for (size_t i = 2; i + 1 < text.size(); i += 2)
      out.push_back(static_cast<uint8_t>(nibble(text[i]) << 4 | nibble(text[i + 1])));
    return out;
  }

  PGconn* conn_;
  std::string sql_, name_;
  size_t parameters_ = 0;
  std::vector<std::string> values_;
  std::vector<int> lengths_, formats_;
  std::vector<bool> null_;
  PendingCopies& pending_;
  PGresult* result_ = nullptr;
  int row_ = -1, rows_ = 0;
  mutable std::unordered_map<int, std::vector<uint8_t>> blobs_;
};

// A bulk insert: each run() writes one row in COPY's binary format into the pending rows of its
// table (binary: the server reads lengths instead of scanning text for delimiters and escapes).
// Only whole placeholders are accepted as values (COPY takes no expressions); each value is
// encoded for its column's type, read from the catalog when the statement is made.
class CopyStatement final : public Statement {
 public:
  CopyStatement(PGconn* conn, std::string_view insert_sql, PendingCopies& pending)
      : pending_(pending) {
    // INSERT INTO table(a, b, …) VALUES(?, ?, …)
    const std::string sql(insert_sql);
    const size_t open = sql.find('('), close = sql.find(')');
    const size_t values = sql.find("VALUES(", close == std::string::npos ? 0 : close);
    if (sql.rfind("INSERT INTO ", 0) != 0 || open == std::string::npos || close < open ||
        values == std::string::npos)
      throw std::logic_error("not a bulk insert: [" + sql + "]");
    table_ = trimmed(sql.substr(12, open - 12));
    std::vector<std::string> names;
    for (size_t from = open + 1; from <= close;) {
      const size_t comma = std::min(sql.find(',', from), close);
      names.push_back(trimmed(sql.substr(from, comma - from)));
      from = comma + 1;
    }
    std::string placeholders, expected;
    for (char c : sql.substr(values + 7))
      if (c != ' ') placeholders += c;
    for (size_t i = 0; i < names.size(); ++i) expected += i ? ",?" : "?";
    if (placeholders != expected + ")")
      throw std::logic_error("a bulk insert takes one placeholder a column: [" + sql + "]");
    columns_ = names.size();
    target_.copy = "COPY " + sql.substr(12, close - 12 + 1) + " FROM STDIN (FORMAT binary)";
    types_ = column_types(conn, names);
    values_.resize(columns_);
    null_.assign(columns_, true);
  }

  void bind_null(int index) override { null_[position(index)] = true; }
  void bind(int index, int64_t value) override {
    const size_t i = position(index);
    switch (types_[i]) {
      case Type::kInt8:
        return put_integer(i, static_cast<uint64_t>(value), 8);
      case Type::kInt4:
      case Type::kInt2: {
        const int64_t limit = types_[i] == Type::kInt4 ? INT32_MAX : INT16_MAX;
        if (value > limit || value < -limit - 1) refuse(i, std::to_string(value), "out of range");
        return put_integer(i, static_cast<uint64_t>(value), types_[i] == Type::kInt4 ? 4 : 2);
      }
      case Type::kFloat8:
        return bind(index, static_cast<double>(value));
      case Type::kBool:
        return put_integer(i, value != 0 ? 1 : 0, 1);
      case Type::kText: {
        char buffer[24];
        return put_bytes(i, {buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr});
      }
      case Type::kBytea:
        refuse(i, std::to_string(value), "a number for bytes");
    }
  }
  void bind(int index, double value) override {
    const size_t i = position(index);
    switch (types_[i]) {
      case Type::kFloat8:
        return put_integer(i, std::bit_cast<uint64_t>(value), 8);
      case Type::kText: {
        char buffer[32];
        return put_bytes(i, {buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr});
      }
      default:
        refuse(i, std::to_string(value), "a fraction for a column that takes none");
    }
  }
  void bind(int index, std::string_view value) override {
    const size_t i = position(index);
    switch (types_[i]) {
      case Type::kText:
      case Type::kBytea:
        return put_bytes(i, value);
      case Type::kFloat8: {
        double number = 0;
        const auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), number);
        if (error != std::errc() || end != value.data() + value.size())
          refuse(i, std::string(value), "not a number");
        return bind(index, number);
      }
      default: {
        int64_t number = 0;
        const auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), number);
        if (error != std::errc() || end != value.data() + value.size())
          refuse(i, std::string(value), "not an integer");
        return bind(index, number);
      }
    }
  }
  void bind_borrowed(int index, std::string_view value) override { bind(index, value); }
  void bind_blob(int index, std::span<const uint8_t> bytes) override {
    const size_t i = position(index);
    if (types_[i] != Type::kBytea && types_[i] != Type::kText)
      refuse(i, std::to_string(bytes.size()) + " bytes", "bytes for a number");
    put_bytes(i, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  }

  // Adds the row bound; returns no rows.
  bool step() override {
    std::string& rows = pending_.rows_for(target_);
    const size_t before = rows.size();
    append_big_endian(rows, columns_, 2);
    for (size_t i = 0; i < columns_; ++i) {
      if (null_[i]) {
        append_big_endian(rows, static_cast<uint32_t>(-1), 4);
      } else {
        append_big_endian(rows, values_[i].size(), 4);
        rows += values_[i];
      }
    }
    pending_.row_added(rows.size() - before);
    return false;
  }
  void reset() override { null_.assign(columns_, true); }

  int column_count() const override { return 0; }
  bool is_null(int) const override { return true; }
  int64_t int64(int) const override { return 0; }
  double real(int) const override { return 0; }
  std::string_view text(int) const override { return {}; }
  std::span<const uint8_t> blob(int) const override { return {}; }

  static void append_big_endian(std::string& out, uint64_t value, int bytes) {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8)
      out += static_cast<char>((value >> shift) & 0xff);
  }

 private:
  enum class Type { kInt8, kInt4, kInt2, kFloat8, kBool, kText, kBytea };

  static std::string trimmed(std::string text) {
    while (!text.empty() && text.back() == ' ') text.pop_back();
    while (!text.empty() && text.front() == ' ') text.erase(0, 1);
    return text;
  }

  // Each named column's type, from the catalog.
  std::vector<Type> column_types(PGconn* conn, const std::vector<std::string>& names) {
    pending_.settle();
    const char* parameters[] = {table_.c_str()};
    std::unique_ptr<PGresult, decltype(&PQclear)> r(
        PQexecParams(conn,
                     "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute WHERE "
                     "attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
                     1, nullptr, parameters, nullptr, nullptr, 0),
        PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
      fail(r.get(), conn, "cannot read the columns of " + table_);
    std::unordered_map<std::string, std::string> type_of;
    for (int row = 0; row < PQntuples(r.get()); ++row)
      type_of[PQgetvalue(r.get(), row, 0)] = PQgetvalue(r.get(), row, 1);
    static const std::unordered_map<std::string, Type> kTypes = {
        {"bigint", Type::kInt8},   {"integer", Type::kInt4},
        {"smallint", Type::kInt2}, {"double precision", Type::kFloat8},
        {"boolean", Type::kBool},  {"text", Type::kText},
        {"bytea", Type::kBytea},   {"character varying", Type::kText}};
    std::vector<Type> out;
    for (const std::string& name : names) {
      const auto column = type_of.find(name);
      if (column == type_of.end())
        throw std::logic_error("bulk insert into " + table_ + ": no column " + name);
      const auto type = kTypes.find(column->second);
      if (type == kTypes.end())
        throw std::logic_error("bulk insert into " + table_ + "." + name + ": type " +
                               column->second + " not supported");
      out.push_back(type->second);
    }
    return out;
  }

  size_t position(int index) const {
    if (index < 1 || static_cast<size_t>(index) > columns_)
      throw Unavailable("cannot bind parameter " + std::to_string(index) + " of [" + target_.copy +
                        "]");
    return static_cast<size_t>(index - 1);
  }
  void put_integer(size_t i, uint64_t value, int bytes) {
    null_[i] = false;
    values_[i].clear();
    append_big_endian(values_[i], value, bytes);
  }
  void put_bytes(size_t i, std::string_view bytes) {
    null_[i] = false;
    values_[i].assign(bytes);
  }
  [[noreturn]] void refuse(size_t column, const std::string& value, const std::string& why) const {
    throw Conflict("cannot insert '" + value + "' into " + table_ + " (column " +
                   std::to_string(column + 1) + "): " + why);
  }

  PendingCopies& pending_;
  std::string table_;
  CopyTarget target_;
  size_t columns_ = 0;
  std::vector<Type> types_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
};

class PostgresqlDatabase final : public Database {
 public:
  PostgresqlDatabase(const std::string& url, OpenMode mode) : url_(url) {
    conn_ = PQconnectdb(url.c_str());
    pending_ = std::make_unique<PendingCopies>(conn_);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      const std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
      PQfinish(conn_);
      conn_ = nullptr;
      throw Unavailable("cannot connect to " + location() + ": " + message);
    }
    // Notices (e.g. "there is no transaction in progress") are not errors for Athar.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    try {  // a constructor that throws runs no destructor: the connection is closed here
      execute_script("SET client_encoding = 'UTF8'; SET client_min_messages = warning");
      if (mode == OpenMode::kExisting) {
        auto exists = prepare("SELECT to_regclass('schema_version') IS NOT NULL");
        exists->step();
        if (exists->int64(0) == 0) {
          throw core::NotFound("no Athar database at " + location() +
                               " (run `athar init` with it first)");
        }
      }
    } catch (...) {
      PQfinish(conn_);
      throw;
    }
  }
  ~PostgresqlDatabase() override {
    cache_.clear();
    bulk_.clear();
    pending_.reset();  // its sender thread stops before the connection closes
    PQfinish(conn_);
  }

  std::unique_ptr<Statement> prepare(std::string_view sql) override {
    return std::make_unique<PostgresqlStatement>(conn_, sql, "", *pending_);
  }
  Statement& cached(std::string_view sql) override {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end()) {
      auto statement = std::make_unique<PostgresqlStatement>(
          conn_, sql, "athar_" + std::to_string(cache_.size() + 1), *pending_);
      it = cache_.emplace(std::string(sql), std::move(statement)).first;
    }
    return *it->second;
  }
  Statement& bulk_insert(std::string_view insert_sql) override {
    auto it = bulk_.find(std::string(insert_sql));
    if (it == bulk_.end()) {
      it = bulk_
               .emplace(std::string(insert_sql),
                        std::make_unique<CopyStatement>(conn_, insert_sql, *pending_))
               .first;
    }
    return *it->second;
  }
  void execute_script(std::string_view sql) override {
    pending_->settle();
    const std::string script(sql);
    PGresult* r = PQexec(conn_, script.c_str());
    std::unique_ptr<PGresult, decltype(&PQclear)> owned(r, PQclear);
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      fail(r, conn_, "SQL script failed [" + script.substr(0, 200) + "]");
  }

  void begin() override {
    pending_->discard();
    // One round trip for both.
    try {
      execute_script(std::string("BEGIN ISOLATION LEVEL READ COMMITTED; ") + kWriterLock);
    } catch (...) {
      if (PQtransactionStatus(conn_) != PQTRANS_IDLE) execute_script("ROLLBACK");
      throw;
    }
  }
  void begin_read() override { execute_script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  void commit() override { execute_script("COMMIT"); }
  void rollback() override {
    pending_->discard();
    execute_script("ROLLBACK");
  }
  bool in_transaction() const override {
    pending_->settle();
    return PQtransactionStatus(conn_) != PQTRANS_IDLE;
  }

  // The value the last INSERT took from a sequence (an identity column) in this session.
  int64_t last_insert_id() const override {
    pending_->settle();
    PGresult* r = PQexec(conn_, "SELECT lastval()");
    std::unique_ptr<PGresult, decltype(&PQclear)> owned(r, PQclear);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) fail(r, conn_, "no row inserted yet");
    return std::stoll(PQgetvalue(r, 0, 0));
  }
  std::string backend_name() const override { return "postgresql"; }
  Dialect dialect() const override { return Dialect::kPostgresql; }
  // The URL without a password.
  std::string location() const override { return without_password(url_); }

 private:
  std::string url_;
  PGconn* conn_ = nullptr;
  std::unique_ptr<PendingCopies> pending_;  // declared before the statements that refer to it
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_, bulk_;
};

}  // namespace

std::unique_ptr<Database> open_postgresql(const std::string& url, OpenMode mode) {
  return std::make_unique<PostgresqlDatabase>(url, mode);
}

}  // namespace athar::store
