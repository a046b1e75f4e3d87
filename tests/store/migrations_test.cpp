#include "store/migrations.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_support.h"

namespace athar::store {
namespace {

constexpr Migration kV1[] = {
    {1, "people", "CREATE TABLE people(num INTEGER PRIMARY KEY, name TEXT);"}};
constexpr Migration kV2[] = {
    {1, "people", "CREATE TABLE people(num INTEGER PRIMARY KEY, name TEXT);"},
    {2, "birth", "ALTER TABLE people ADD COLUMN birth TEXT; UPDATE people SET birth = 'unknown';"},
};

TEST(Migrations, NewDatabaseGetsEveryVersion) {
  testing::ScratchDir dir;
  auto db = open_sqlite(dir.file("a.db"), OpenMode::kCreate);
  EXPECT_EQ(schema_version(*db), 0);
  EXPECT_EQ(migrate(*db, kV2), 2);
  EXPECT_EQ(schema_version(*db), 2);
}

TEST(Migrations, OldDatabaseIsUpgradedInPlaceKeepingItsRows) {
  testing::ScratchDir dir;
  {
    auto db = open_sqlite(dir.file("a.db"), OpenMode::kCreate);
    ASSERT_EQ(migrate(*db, kV1), 1);
    db->execute_script("INSERT INTO people(name) VALUES('kept')");
  }
  auto db = open_sqlite(dir.file("a.db"), OpenMode::kExisting);
  EXPECT_EQ(migrate(*db, kV2), 2);
  auto row = db->prepare("SELECT name, birth FROM people");
  ASSERT_TRUE(row->step());
  EXPECT_EQ(row->text(0), "kept");
  EXPECT_EQ(row->text(1), "unknown");
  EXPECT_EQ(migrate(*db, kV2), 2);  // idempotent
}

TEST(Migrations, NewerDatabaseIsRefused) {
  testing::ScratchDir dir;
  auto db = open_sqlite(dir.file("a.db"), OpenMode::kCreate);
  migrate(*db, kV2);
  try {
    migrate(*db, kV1);
    FAIL() << "a database newer than the build must be refused";
  } catch (const core::Unavailable& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

TEST(Migrations, FailedMigrationLeavesTheOldVersion) {
  testing::ScratchDir dir;
  auto db = open_sqlite(dir.file("a.db"), OpenMode::kCreate);
  migrate(*db, kV1);
  constexpr Migration kBroken[] = {kV1[0], {2, "broken", "ALTER TABLE nowhere ADD COLUMN x;"}};
  EXPECT_THROW(migrate(*db, kBroken), core::Error);
  EXPECT_EQ(schema_version(*db), 1);
}

TEST(Migrations, RegistryMigrationsAreNumberedFromOneWithoutGaps) {
  const auto all = registry_migrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i + 1));
}

}  // namespace
}  // namespace athar::store
