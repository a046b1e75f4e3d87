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
    open("mysql://localhost/athar", OpenMode::kExisting);
    ADD_FAILURE() << "opened a MySQL URL";
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.value(), "mysql://localhost/athar");
  }
  EXPECT_THROW(open("sqlite:", OpenMode::kCreate), core::InputError);
  EXPECT_THROW(open(dir.file("a.db"), OpenMode::kCreate), core::InputError);  // no scheme
}

}  // namespace
}  // namespace athar::store
