#include "ledger/log.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "postgresql_support.h"
#include "store/migrations.h"
#include "test_support.h"

namespace athar::ledger {
namespace {

std::vector<Bytes> as_bytes(const std::vector<Hash>& proof) {
  std::vector<Bytes> out;
  for (const Hash& h : proof) out.emplace_back(h.begin(), h.end());
  return out;
}

class LedgerTest : public ::testing::Test {
 protected:
  LedgerTest()
      : db_(store::open(testing::fresh_test_database_url(dir_), store::OpenMode::kCreate)) {
    store::migrate(*db_, store::registry_migrations());
  }
  void append(Ledger& ledger, int count) {
    store::Transaction tx(*db_);
    for (int i = 0; i < count; ++i) {
      const std::string entry = "{\"n\":" + std::to_string(ledger.size()) + "}";
      ledger.append(entry, "subject-" + std::to_string(ledger.size() % 3));
      memory_.append(leaf_hash(entry));
    }
    tx.commit();
  }
  testing::ScratchDir dir_;
  std::unique_ptr<store::Database> db_;
  MemoryTree memory_;
};

TEST_F(LedgerTest, StoredProofsEqualTheInMemoryTree) {
  Ledger ledger(*db_);
  EXPECT_EQ(ledger.root(), empty_root());
  append(ledger, 300);  // well above the lowest stored level
  ASSERT_EQ(ledger.size(), 300u);
  for (uint64_t size : {1u, 2u, 15u, 16u, 17u, 33u, 128u, 255u, 256u, 300u}) {
    ASSERT_EQ(ledger.root_at(size), root_hash(memory_, size)) << size;
    for (uint64_t i = 0; i < size; i += 7) {
      ASSERT_EQ(ledger.inclusion_proof(i, size), inclusion_proof(memory_, i, size));
    }
    ASSERT_EQ(ledger.consistency_proof(size, 300), consistency_proof(memory_, size, 300));
  }
  const auto proof = as_bytes(ledger.inclusion_proof(123, 300));
  EXPECT_TRUE(verify_inclusion(123, 300, ledger.stored_leaf_hash(123), proof, ledger.root()));
  EXPECT_EQ(ledger.entry(123), "{\"n\":123}");
  EXPECT_EQ(ledger.entries_about("subject-0").size(), 100u);
  EXPECT_THROW(ledger.entry(300), core::NotFound);
  EXPECT_THROW(ledger.inclusion_proof(300, 300), core::NotFound);
}

TEST_F(LedgerTest, ReopenedLedgerContinuesWhereItStopped) {
  {
    Ledger ledger(*db_);
    append(ledger, 45);
  }
  Ledger reopened(*db_);
  EXPECT_EQ(reopened.size(), 45u);
  EXPECT_EQ(reopened.root(), root_hash(memory_, 45));
  append(reopened, 40);
  EXPECT_EQ(reopened.root(), root_hash(memory_, 85));
}

TEST_F(LedgerTest, ReloadAfterRollbackForgetsUncommittedEntries) {
  Ledger ledger(*db_);
  append(ledger, 20);
  const Hash committed = ledger.root();
  {
    store::Transaction tx(*db_);
    for (int i = 0; i < 20; ++i) ledger.append("uncommitted", "x");
  }
  ledger.reload();
  EXPECT_EQ(ledger.size(), 20u);
  EXPECT_EQ(ledger.root(), committed);
}

TEST_F(LedgerTest, MissingStoredDataIsCorruption) {
  Ledger ledger(*db_);
  append(ledger, 40);
  db_->execute_script("DELETE FROM ledger_entries WHERE idx = 3");
  EXPECT_THROW(ledger.inclusion_proof(2, 40), core::Corruption);
  db_->execute_script("DELETE FROM ledger_nodes WHERE level = 5");
  EXPECT_THROW(ledger.root_at(33), core::Corruption);
}

TEST_F(LedgerTest, OriginIsSetOnce) {
  EXPECT_THROW(origin(*db_), core::NotFound);
  set_origin(*db_, "athar/test");
  EXPECT_EQ(origin(*db_), "athar/test");
  EXPECT_THROW(set_origin(*db_, "athar/other"), core::Conflict);
}

}  // namespace
}  // namespace athar::ledger
