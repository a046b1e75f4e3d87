// What differs between the SQL Athar writes (SQLite's) and PostgreSQL's, in one place: the
// backend numbers placeholders, and schema scripts are translated by these few rules (a
// migration whose data statements need more has a `NNNN_name.postgresql.sql` beside it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace athar::store {

// `?` and `?N` placeholders as $1, $2, … (outside quotes and comments).
std::string numbered_placeholders(std::string_view sql);

// A schema script for PostgreSQL: INTEGER PRIMARY KEY AUTOINCREMENT → an identity column,
// INTEGER → BIGINT, REAL → DOUBLE PRECISION, BLOB → BYTEA, WITHOUT ROWID dropped (outside quotes
// and comments; keywords as the scripts write them, in capitals).
std::string postgresql_schema(std::string_view sql);

// SQL for the few things the backends write differently (`db` says which).
class Database;
// `expr` (an integer) as text, zero-padded to `width` digits: printf / lpad.
std::string zero_padded(const Database& db, std::string_view expr, int width);
// What goes before OFFSET when there is no LIMIT (SQLite wants one).
std::string_view no_limit(const Database& db);
// A column that orders a table's rows as they were inserted, for the tables whose key does not
// (kinship profiles and families): SQLite's rowid, PostgreSQL's `seq` (migration 0017).
std::string_view insertion_order(const Database& db);
// The highest key an AUTOINCREMENT (identity) column `num` of `table` has given, 0 for none; and
// after rows were inserted with keys chosen by the caller, the counter raised past them (SQLite
// does that itself).
int64_t highest_key(Database& db, std::string_view table);
void raise_key(Database& db, std::string_view table, int64_t at_least);

// A database URL fit for messages: a PostgreSQL URL's password left out.
std::string without_password(std::string_view url);

}  // namespace athar::store
