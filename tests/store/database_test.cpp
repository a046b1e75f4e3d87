// The store's behaviour on every backend: SQLite (a file) and PostgreSQL (a fresh database on
// the test cluster). What callers rely on — typed values read back as bound, constraint
// violations as Conflict, transactions, identities from last_insert_id, the writer lock — must
// not depend on the backend.
#include "store/database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "core/error.h"
#include "postgresql_support.h"
#include "store/dialect.h"
#include "store/migrations.h"
#include "test_support.h"

namespace athar::store {
namespace {

class Backend : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = GetParam() == "sqlite" ? sqlite_url(dir_.file("a.db"))
                                  : testing::fresh_postgresql_database();
  }
  std::unique_ptr<Database> open_db() { return open(url_, OpenMode::kCreate); }
  // The schema scripts' SQL, as the migrations give it to each backend.
  std::string schema(const std::string& sqlite, Database& db) {
    return db.dialect() == Dialect::kPostgresql ? postgresql_schema(sqlite) : sqlite;
  }
  testing::ScratchDir dir_;
  std::string url_;
};

TEST_P(Backend, BindsAndReadsTypedValuesAsBound) {
  auto db = open_db();
  EXPECT_EQ(db->backend_name(), GetParam());
  db->execute_script(schema(
      "CREATE TABLE t(num INTEGER PRIMARY KEY AUTOINCREMENT, i INTEGER, r REAL, s TEXT, n TEXT, "
      "b BLOB)",
      *db));
  auto insert = db->prepare("INSERT INTO t(i, r, s, n, b) VALUES(?,?,?,?,?)");
  const std::vector<uint8_t> bytes{0, 1, 0xfe, 0xff, '\\', 'x', 0};
  insert->bind(1, std::numeric_limits<int64_t>::min());
  insert->bind(2, 0.1 + 0.2);  // not a short decimal: must come back to the last bit
  insert->bind(3, std::string_view("القطيفة 'quoted' ?"));
  insert->bind_text_or_null(4, "");
  insert->bind_blob(5, bytes);
  insert->run();
  EXPECT_EQ(db->last_insert_id(), 1);
  insert->bind(1, int64_t{42});
  insert->bind(2, -std::numeric_limits<double>::infinity());
  insert->bind(3, "second");
  insert->bind_null(4);
  insert->bind_null(5);
  insert->run();
  EXPECT_EQ(db->last_insert_id(), 2);
  auto select = db->prepare("SELECT i, r, s, n, b, num FROM t WHERE num >= ? ORDER BY num");
  select->bind(1, int64_t{1});
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->int64(0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(select->real(1), 0.1 + 0.2);
  EXPECT_EQ(select->text(2), "القطيفة 'quoted' ?");
  EXPECT_TRUE(select->is_null(3));
  EXPECT_FALSE(select->optional_int64(3).has_value());
  const auto blob = select->blob(4);
  EXPECT_EQ(std::vector<uint8_t>(blob.begin(), blob.end()), bytes);
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->int64(0), 42);
  EXPECT_EQ(select->real(1), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(select->is_null(4));
  EXPECT_FALSE(select->step());
  select->reset();
  select->bind(1, int64_t{2});
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->text(2), "second");
  // A comparison reads as 1 or 0 on both.
  auto compare = db->prepare("SELECT i > 0, i < 0 FROM t WHERE num = 2");
  ASSERT_TRUE(compare->step());
  EXPECT_EQ(compare->int64(0), 1);
  EXPECT_EQ(compare->int64(1), 0);
}

TEST_P(Backend, ConstraintViolationsAreConflicts) {
  auto db = open_db();
  db->execute_script(
      schema("CREATE TABLE parent(num INTEGER PRIMARY KEY);"
             "CREATE TABLE child(num INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(num), "
             "name TEXT UNIQUE)",
             *db));
  auto orphan = db->prepare("INSERT INTO child(num, parent) VALUES(1, ?)");
  orphan->bind(1, int64_t{42});
  EXPECT_THROW(orphan->step(), core::Conflict);
  db->execute_script("INSERT INTO child(num, name) VALUES(2, 'a')");
  EXPECT_THROW(db->execute_script("INSERT INTO child(num, name) VALUES(3, 'a')"), core::Conflict);
}

TEST_P(Backend, TransactionRollsBackUnlessCommitted) {
  auto db = open_db();
  db->execute_script(schema("CREATE TABLE t(x INTEGER)", *db));
  {
    Transaction tx(*db);
    db->execute_script("INSERT INTO t VALUES(1)");
    EXPECT_TRUE(db->in_transaction());
  }
  EXPECT_FALSE(db->in_transaction());
  {
    Transaction tx(*db);
    db->execute_script("INSERT INTO t VALUES(2)");
    tx.commit();
  }
  auto count = db->prepare("SELECT COUNT(*), MAX(x) FROM t");
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->int64(0), 1);
  EXPECT_EQ(count->int64(1), 2);
}

TEST_P(Backend, CachedStatementIsReusedWithNewBindings) {
  auto db = open_db();
  Statement& a = db->cached("SELECT ? + 1");
  Statement& b = db->cached("SELECT ? + 1");
  EXPECT_EQ(&a, &b);
  for (int64_t v : {1, 41}) {
    a.bind(1, v);
    ASSERT_TRUE(a.step());
    EXPECT_EQ(a.int64(0), v + 1);
    a.reset();
  }
}

// Two writers: the second's begin() waits for the first's commit, and then reads what it wrote
// (so a writer's read of the ledger's right edge or a next id is current).
TEST_P(Backend, WritersTakeTurns) {
  auto first = open_db();
  first->execute_script(schema("CREATE TABLE counter(n INTEGER)", *first));
  first->execute_script("INSERT INTO counter VALUES(0)");
  auto second = open(url_, OpenMode::kCreate);
  std::atomic<bool> second_began = false;
  Transaction tx(*first);
  std::thread other([&] {
    Transaction mine(*second);
    second_began = true;
    auto read = second->prepare("SELECT n FROM counter");
    read->step();
    const int64_t n = read->int64(0);
    read->reset();
    auto write = second->prepare("UPDATE counter SET n = ?");
    write->bind(1, n + 1);
    write->run();
    mine.commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(second_began) << "the second writer began while the first held the lock";
  first->execute_script("UPDATE counter SET n = n + 1");
  tx.commit();
  other.join();
  auto read = first->prepare("SELECT n FROM counter");
  ASSERT_TRUE(read->step());
  EXPECT_EQ(read->int64(0), 2);  // neither increment lost
}

// Bulk inserts (COPY on PostgreSQL): every value reads back as a plain insert would store it,
// the rows are seen by the next statement, and a rollback drops rows not yet sent.
TEST_P(Backend, BulkInsertedRowsReadBackAsBound) {
  auto db = open_db();
  db->execute_script(schema(
      "CREATE TABLE t(num INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)", *db));
  const std::vector<uint8_t> bytes{0, 1, '\t', '\n', '\\', 'N', 0xfe, 0xff};
  // COPY's text delimiters and escapes, Arabic script, SQL quotes: all plain data here.
  const std::string awkward = "tab\there\nnew line \\N back\\slash 'q' \"dq\" القطيفة\r";
  {
    Transaction tx(*db);
    Statement& bulk = db->bulk_insert("INSERT INTO t(num, i, r, s, b, n) VALUES(?,?,?,?,?,?)");
    for (int64_t row = 1; row <= 3; ++row) {
      bulk.bind(1, row);
      bulk.bind(2, row == 1 ? std::numeric_limits<int64_t>::min() : row * 1000);
      bulk.bind(3, row == 2 ? -std::numeric_limits<double>::infinity() : 0.1 + 0.2);
      bulk.bind(4, row == 3 ? std::string_view("3") : std::string_view(awkward));
      bulk.bind_blob(5, bytes);
      if (row == 2) bulk.bind(6, "present");  // NULL otherwise
      bulk.run();
    }
    // Seen by the next statement in the same transaction.
    auto count = db->prepare("SELECT COUNT(*) FROM t");
    ASSERT_TRUE(count->step());
    EXPECT_EQ(count->int64(0), 3);
    tx.commit();
  }
  auto select = db->prepare("SELECT i, r, s, b, n FROM t ORDER BY num");
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->int64(0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(select->real(1), 0.1 + 0.2);
  EXPECT_EQ(select->text(2), awkward);
  const auto blob = select->blob(3);
  EXPECT_EQ(std::vector<uint8_t>(blob.begin(), blob.end()), bytes);
  EXPECT_TRUE(select->is_null(4));
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->real(1), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(select->text(4), "present");
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->int64(0), 3000);
  EXPECT_EQ(select->text(2), "3");
  EXPECT_FALSE(select->step());
  select->reset();

  {
    Transaction tx(*db);
    Statement& bulk = db->bulk_insert("INSERT INTO t(num, i, r, s, b, n) VALUES(?,?,?,?,?,?)");
    bulk.bind(1, int64_t{4});
    bulk.run();  // the rest NULL
  }              // rolled back before anything else ran: the row never arrives
  auto count = db->prepare("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->int64(0), 3);
}

// Enough rows that PostgreSQL sends them in the background while more are gathered; a row that
// breaks a constraint fails the transaction, at the latest at commit, and nothing is kept.
TEST_P(Backend, BulkInsertOfManyRowsIsWholeOrNothing) {
  auto db = open_db();
  db->execute_script(
      schema("CREATE TABLE parent(num INTEGER PRIMARY KEY);"
             "CREATE TABLE t(num INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(num), "
             "s TEXT)",
             *db));
  db->execute_script("INSERT INTO parent VALUES(1)");
  const std::string text(200, 'x');
  constexpr int64_t kRows = 120000;  // about 25 MiB: more than one background COPY
  const auto insert_all = [&](int64_t duplicate_at) {
    Transaction tx(*db);
    Statement& bulk = db->bulk_insert("INSERT INTO t(num, parent, s) VALUES(?, ?, ?)");
    for (int64_t row = 1; row <= kRows; ++row) {
      bulk.bind(1, row == duplicate_at ? row - 1 : row);
      bulk.bind(2, int64_t{1});
      bulk.bind_borrowed(3, text);
      bulk.run();
    }
    tx.commit();
  };
  EXPECT_THROW(insert_all(kRows / 3), core::Conflict);
  EXPECT_FALSE(db->in_transaction());
  auto count = db->prepare("SELECT COUNT(*), COALESCE(MAX(num), 0) FROM t");
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->int64(0), 0);
  count->reset();
  insert_all(0);
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->int64(0), kRows);
  EXPECT_EQ(count->int64(1), kRows);
  count->reset();
  // A reference to nothing is refused too.
  {
    Transaction tx(*db);
    Statement& bulk = db->bulk_insert("INSERT INTO t(num, parent, s) VALUES(?, ?, ?)");
    bulk.bind(1, kRows + 1);
    bulk.bind(2, int64_t{2});
    bulk.bind(3, "orphan");
    EXPECT_THROW(
        {
          bulk.run();
          tx.commit();
        },
        core::Conflict);
  }
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->int64(0), kRows);
}

TEST_P(Backend, EveryRegistryMigrationApplies) {
  auto db = open_db();
  EXPECT_EQ(schema_version(*db), 0);
  const int newest = registry_migrations().back().version;
  EXPECT_EQ(migrate(*db, registry_migrations()), newest);
  EXPECT_EQ(migrate(*db, registry_migrations()), newest);  // idempotent
  EXPECT_EQ(open(url_, OpenMode::kExisting)->backend_name(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Store, Backend, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& backend) { return backend.param; });

TEST(PostgresqlDatabase, ExistingModeWantsAthar) {
  const std::string url = testing::fresh_postgresql_database();
  EXPECT_THROW(open(url, OpenMode::kExisting), core::NotFound);
  EXPECT_THROW(open("postgresql://athar@/no_such_database?host=/nowhere&port=1", OpenMode::kCreate),
               core::Unavailable);
}

TEST(Dialect, PlaceholdersAreNumberedOutsideQuotesAndComments) {
  EXPECT_EQ(numbered_placeholders("SELECT ? , '?', \"a?\" -- ?\n, ?, ?3, ?"),
            "SELECT $1 , '?', \"a?\" -- ?\n, $2, $3, $4");
  EXPECT_EQ(numbered_placeholders("VALUES('it''s ?', ?)"), "VALUES('it''s ?', $1)");
}

TEST(Dialect, SchemaScriptsTranslateForPostgresql) {
  EXPECT_EQ(postgresql_schema("CREATE TABLE t (\n  num INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                              "  r REAL, b BLOB, note TEXT DEFAULT 'INTEGER'\n) WITHOUT ROWID;"),
            "CREATE TABLE t (\n  num BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
            "  r DOUBLE PRECISION, b BYTEA, note TEXT DEFAULT 'INTEGER'\n);");
  EXPECT_EQ(postgresql_schema("-- INTEGER stays in a comment\nALTER TABLE x ADD COLUMN n_INTEGER "
                              "INTEGER;"),
            "-- INTEGER stays in a comment\nALTER TABLE x ADD COLUMN n_INTEGER BIGINT;");
}

TEST(Dialect, PasswordsStayOutOfMessages) {
  EXPECT_EQ(without_password("postgresql://athar:secret@db.example/athar"),
            "postgresql://athar@db.example/athar");
  EXPECT_EQ(without_password("postgresql://db/athar?user=a&password=secret&sslmode=require"),
            "postgresql://db/athar?user=a&sslmode=require");
  try {
    open("mysql://athar:secret@db/athar", OpenMode::kCreate);
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace athar::store
