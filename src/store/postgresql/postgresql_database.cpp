// PostgreSQL backend of athar::store::Database (libpq, no wrapper).
//
// Statements keep the interface's `?` placeholders; they are numbered ($1, $2, …) here. Values
// are sent as text (blobs as binary) and read as text, so a column reads the same whichever
// backend wrote it. A statement from prepare() is parsed on each run; one from cached() is a
// named prepared statement of the connection.
#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
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

class PostgresqlStatement final : public Statement {
 public:
  // `name` empty: parsed at each run; otherwise prepared once under that name.
  PostgresqlStatement(PGconn* conn, std::string_view sql, std::string name)
      : conn_(conn), sql_(numbered_placeholders(sql)), name_(std::move(name)) {
    parameters_ = count_parameters(sql_);
    values_.resize(parameters_);
    lengths_.resize(parameters_);
    formats_.resize(parameters_);
    null_.resize(parameters_, true);
    if (!name_.empty()) {
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
  PGresult* result_ = nullptr;
  int row_ = -1, rows_ = 0;
  mutable std::unordered_map<int, std::vector<uint8_t>> blobs_;
};

class PostgresqlDatabase final : public Database {
 public:
  PostgresqlDatabase(const std::string& url, OpenMode mode) : url_(url) {
    conn_ = PQconnectdb(url.c_str());
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
    PQfinish(conn_);
  }

  std::unique_ptr<Statement> prepare(std::string_view sql) override {
    return std::make_unique<PostgresqlStatement>(conn_, sql, "");
  }
  Statement& cached(std::string_view sql) override {
    auto it = cache_.find(std::string(sql));
    if (it == cache_.end()) {
      auto statement = std::make_unique<PostgresqlStatement>(
          conn_, sql, "athar_" + std::to_string(cache_.size() + 1));
      it = cache_.emplace(std::string(sql), std::move(statement)).first;
    }
    return *it->second;
  }
  void execute_script(std::string_view sql) override {
    const std::string script(sql);
    PGresult* r = PQexec(conn_, script.c_str());
    std::unique_ptr<PGresult, decltype(&PQclear)> owned(r, PQclear);
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      fail(r, conn_, "SQL script failed [" + script.substr(0, 200) + "]");
  }

  void begin() override {
    execute_script("BEGIN ISOLATION LEVEL READ COMMITTED");
    try {
      execute_script(kWriterLock);
    } catch (...) {
      execute_script("ROLLBACK");
      throw;
    }
  }
  void begin_read() override { execute_script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  void commit() override { execute_script("COMMIT"); }
  void rollback() override { execute_script("ROLLBACK"); }
  bool in_transaction() const override { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

  // The value the last INSERT took from a sequence (an identity column) in this session.
  int64_t last_insert_id() const override {
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
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace

std::unique_ptr<Database> open_postgresql(const std::string& url, OpenMode mode) {
  return std::make_unique<PostgresqlDatabase>(url, mode);
}

}  // namespace athar::store
