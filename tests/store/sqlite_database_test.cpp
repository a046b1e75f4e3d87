#include <gtest/gtest.h>

#include "core/error.h"
#include "store/database.h"
#include "test_support.h"

namespace athar::store {
namespace {

TEST(SqliteDatabase, OpensWithWalAndForeignKeys) {
  testing::ScratchDir dir;
  auto db = open_sqlite(dir.file("a.db"), OpenMode::kCreate);
  auto mode = db->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode->step());
  EXPECT_EQ(mode->text(0), "wal");
  auto fk = db->prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(fk->step());
  EXPECT_EQ(fk->int64(0), 1);

  db->execute_script(
      "CREATE TABLE parent(num INTEGER PRIMARY KEY);"
      "CREATE TABLE child(num INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent(num));");
  auto insert = db->prepare("INSERT INTO child(parent) VALUES(?)");
  insert->bind(1, int64_t{42});
  EXPECT_THROW(insert->step(), core::Conflict);
}

TEST(SqliteDatabase, ExistingModeRefusesAMissingFile) {
  testing::ScratchDir dir;
  EXPECT_THROW(open_sqlite(dir.file("missing.db"), OpenMode::kExisting), core::NotFound);
}

TEST(SqliteDatabase, BindsAndReadsTypedValues) {
  testing::ScratchDir dir;
  auto db = open_sqlite(dir.file("a.db"), OpenMode::kCreate);
  db->execute_script("CREATE TABLE t(i INTEGER, r REAL, s TEXT, n TEXT)");
  auto insert = db->prepare("INSERT INTO t VALUES(?,?,?,?) RETURNING rowid");
  insert->bind(1, int64_t{-7});
  insert->bind(2, 33.5);
  insert->bind(3, std::string_view("القطيفة"));
  insert->bind_text_or_null(4, "");
  ASSERT_TRUE(insert->step());
  EXPECT_EQ(insert->int64(0), 1);
  insert->reset();
  auto select = db->prepare("SELECT i, r, s, n FROM t");
  ASSERT_TRUE(select->step());
  EXPECT_EQ(select->int64(0), -7);
  EXPECT_DOUBLE_EQ(select->real(1), 33.5);
  EXPECT_EQ(select->text(2), "القطيفة");
  EXPECT_TRUE(select->is_null(3));
  EXPECT_FALSE(select->optional_int64(3).has_value());
  EXPECT_FALSE(select->step());
}

TEST(SqliteDatabase, TransactionRollsBackUnlessCommitted) {
  testing::ScratchDir dir;
  auto db = open_sqlite(dir.file("a.db"), OpenMode::kCreate);
  db->execute_script("CREATE TABLE t(x INTEGER)");
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

TEST(SqliteDatabase, CachedStatementIsReused) {
  testing::ScratchDir dir;
  auto db = open_sqlite(dir.file("a.db"), OpenMode::kCreate);
  Statement& a = db->cached("SELECT 1");
  Statement& b = db->cached("SELECT 1");
  EXPECT_EQ(&a, &b);
}

}  // namespace
}  // namespace athar::store

namespace athar::store {
namespace {

TEST(OpenByUrl, SqliteUrlsOpenAndOtherSchemesAreNamed) {
  testing::ScratchDir dir;
  auto db = open(sqlite_url(dir.file("a.db")), OpenMode::kCreate);
  EXPECT_EQ(db->backend_name(), "sqlite");
  EXPECT_THROW(open(sqlite_url(dir.file("missing.db")), OpenMode::kExisting), core::NotFound);
  try {
    open("postgresql://localhost/athar", OpenMode::kExisting);
    ADD_FAILURE() << "opened a PostgreSQL URL";
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.value(), "postgresql://localhost/athar");
  }
  EXPECT_THROW(open("sqlite:", OpenMode::kCreate), core::InputError);
  EXPECT_THROW(open(dir.file("a.db"), OpenMode::kCreate), core::InputError);  // no scheme
}

}  // namespace
}  // namespace athar::store
