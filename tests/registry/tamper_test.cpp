// Tampering the way a real adversary would, each detected by verify_registry and named.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/error.h"
#include "ledger/checkpoint.h"
#include "ledger/log.h"
#include "ledger/state.h"
#include "ledger/witness.h"
#include "registry/import.h"
#include "registry/verify.h"
#include "registry_fixture.h"

namespace athar::registry {
namespace {

class TamperTest : public RegistryTest {
 protected:
  void SetUp() override {
    ledger::set_origin(*db_, "athar/test");
    import_json(registry_, std::string(ATHAR_SOURCE_DIR) + "/data/demo/scenario.json");
    store::Transaction tx(*db_);
    checkpoint_size_ = registry_.checkpoint(key_).size;
    tx.commit();
    ASSERT_TRUE(verify().ok());
  }
  VerifyReport verify() {
    return verify_registry(registry_, ledger::parse_verifier_key(ledger::verifier_key_text(key_)));
  }
  // True when the report has a finding about `subject` of the `change` kind.
  static bool has(const VerifyReport& r, const std::string& subject, const std::string& change) {
    for (const Finding& f : r.findings) {
      if (f.subject == subject && f.change == change) return true;
    }
    return false;
  }
  static std::string describe(const VerifyReport& r) {
    std::string out;
    for (const Finding& f : r.findings)
      out += f.subject + ": " + f.change + " (" + f.detail + ")\n";
    return out;
  }

  ledger::SigningKey key_ = ledger::generate_signing_key("athar/test");
  uint64_t checkpoint_size_ = 0;
};

TEST_F(TamperTest, RowEditedWithTheSqliteShell) {
  shell("UPDATE persons SET family_name_ar = 'المعدل' WHERE num = 2");
  const auto r = verify();
  EXPECT_TRUE(has(r, "person-000002", "altered")) << describe(r);
  EXPECT_EQ(r.findings.size(), 1u) << describe(r);
}

TEST_F(TamperTest, StatusHistoryEdited) {
  shell("UPDATE status_changes SET changed_on = '2019-01-01' WHERE record = 'site-0001'");
  const auto r = verify();
  EXPECT_TRUE(has(r, "site-0001", "altered")) << describe(r);
}

TEST_F(TamperTest, RowDeleted) {
  shell("DELETE FROM claims WHERE num = 1");
  const auto r = verify();
  EXPECT_TRUE(has(r, "claim-00001", "missing")) << describe(r);
}

TEST_F(TamperTest, RowInsertedBehindTheRegistrysBack) {
  shell(
      "INSERT INTO sources(name, kind, created_at, created_by) VALUES('forged', 'other', 'x', "
      "'y')");
  const auto r = verify();
  EXPECT_TRUE(has(r, "source-0007", "unexpected")) << describe(r);
}

TEST_F(TamperTest, LedgerEntryDeleted) {
  shell("DELETE FROM ledger_entries WHERE idx = 10");
  const auto r = verify();
  EXPECT_TRUE(has(r, "ledger entries 10", "missing")) << describe(r);
  EXPECT_TRUE(has(r, "checkpoint 1", "log truncated")) << describe(r);
  // The record that entry was about is no longer vouched for.
  EXPECT_TRUE(has(r, "unit-0001", "unexpected")) << describe(r);
}

TEST_F(TamperTest, LedgerEntryEdited) {
  shell("UPDATE ledger_entries SET entry = replace(entry, 'tester', 'someone') WHERE idx = 4");
  const auto r = verify();
  EXPECT_TRUE(has(r, "ledger entry 4", "altered")) << describe(r);
}

TEST_F(TamperTest, LogTruncated) {
  shell(
      "DELETE FROM ledger_entries WHERE idx >= 40; DELETE FROM ledger_nodes WHERE (idx + 1) << "
      "level > 40",
      "DELETE FROM ledger_entries WHERE idx >= 40; DELETE FROM ledger_nodes WHERE ((idx + 1) << "
      "CAST(level AS INTEGER)) > 40");
  const auto r = verify();
  EXPECT_TRUE(has(r, "checkpoint 1", "log truncated")) << describe(r);
  // Records written after the cut are no longer in the log.
  EXPECT_TRUE(has(r, "link-0000023", "unexpected")) << describe(r);
}

TEST_F(TamperTest, StoredSubtreeHashAltered) {
  shell("UPDATE ledger_nodes SET hash = zeroblob(32) WHERE level = 4 AND idx = 1",
        "UPDATE ledger_nodes SET hash = decode(repeat('00', 32), 'hex') WHERE level = 4 AND idx = "
        "1");
  const auto r = verify();
  EXPECT_TRUE(has(r, "ledger node 4/1", "altered")) << describe(r);
}

TEST_F(TamperTest, CheckpointForged) {
  const std::string size = std::to_string(checkpoint_size_);
  shell("UPDATE ledger_checkpoints SET note = replace(note, char(10) || '" + size +
            "' || char(10), char(10) || '40' || char(10))",
        "UPDATE ledger_checkpoints SET note = replace(note, chr(10) || '" + size +
            "' || chr(10), chr(10) || '40' || chr(10))");
  const auto r = verify();
  EXPECT_TRUE(has(r, "checkpoint 1", "bad signature")) << describe(r);
}

// Editing a row and then making an ordinary update would let the update vouch for the forged
// state; the update refuses instead, and verify still names the edit.
TEST_F(TamperTest, UpdateRefusesARowEditedBehindItsBack) {
  shell("UPDATE persons SET family_name_ar = 'المعدل' WHERE num = 2");
  const uint64_t entries = registry_.ledger().size();
  EXPECT_THROW(update("person-000002", {{"notes", "seen again"}}), core::Corruption);
  EXPECT_EQ(registry_.ledger().size(), entries);
  EXPECT_NE(registry_.get("person-000002").get("notes"), "seen again");
  const auto r = verify();
  EXPECT_TRUE(has(r, "person-000002", "altered")) << describe(r);
  // An untouched record still updates, and verify passes for it.
  update("person-000001", {{"notes", "seen again"}});
  EXPECT_FALSE(has(verify(), "person-000001", "altered"));
}

TEST_F(TamperTest, UpdateRefusesAStatusHistoryEditedBehindItsBack) {
  shell("UPDATE status_changes SET changed_on = '2019-01-01' WHERE record = 'site-0001'");
  EXPECT_THROW(update("site-0001", {{"description", "x"}}), core::Corruption);
}

// Delete the newest person and wind the id counter back: the next add would take its id.
TEST_F(TamperTest, DeletedIdIsNeverReused) {
  const int64_t newest = count(Kind::kPerson);
  const std::string id = format_record_id(Kind::kPerson, newest);
  const std::string drop = "DELETE FROM links WHERE from_record = '" + id + "' OR to_record = '" +
                           id + "'; DELETE FROM persons WHERE num = " + std::to_string(newest);
  shell(drop + "; UPDATE sqlite_sequence SET seq = seq - 1 WHERE name = 'persons'",
        drop + "; SELECT setval(pg_get_serial_sequence('persons', 'num'), " +
            std::to_string(newest - 1) + ")");
  const uint64_t entries = registry_.ledger().size();
  EXPECT_THROW(add(Kind::kPerson, {{"given_name_lat", "Sami"}, {"role", "victim"}}),
               core::Corruption);
  EXPECT_EQ(registry_.ledger().size(), entries);
  EXPECT_TRUE(has(verify(), id, "missing"));
  // With the registry's record of issued ids wound back too, the add goes through; verify names
  // the reuse from the log. (PostgreSQL's sequence moved on with the refused add, which rolled
  // back: it is wound back again.)
  shell("UPDATE record_high_water SET num = num - 1 WHERE kind = 'persons'",
        "UPDATE record_high_water SET num = num - 1 WHERE kind = 'persons'; SELECT "
        "setval(pg_get_serial_sequence('persons', 'num'), " +
            std::to_string(newest - 1) + ")");
  add(Kind::kPerson, {{"given_name_lat", "Sami"}, {"role", "victim"}});
  const auto r = verify();
  EXPECT_TRUE(has(r, id, "duplicate")) << describe(r);
}

TEST_F(TamperTest, LastEntryCopiedOntoTheEnd) {
  // The newest add, copied onto the end, adds its record a second time.
  shell(
      "INSERT INTO ledger_entries SELECT (SELECT MAX(idx) FROM ledger_entries) + 1, entry, "
      "leaf_hash, subject FROM ledger_entries WHERE idx = (SELECT MAX(idx) FROM ledger_entries "
      "WHERE entry LIKE '%registry.add%')");
  const auto r = verify();
  EXPECT_FALSE(r.ok());
  bool named = false;
  for (const Finding& f : r.findings) named |= f.change == "duplicate";
  EXPECT_TRUE(named) << describe(r);
}

TEST_F(TamperTest, UpdateEntryCopiedOntoTheEnd) {
  update("site-0002", {{"description", "fenced"}});
  ASSERT_TRUE(verify().ok()) << describe(verify());
  const uint64_t copy = registry_.ledger().size();
  shell(
      "INSERT INTO ledger_entries SELECT idx + 1, entry, leaf_hash, subject FROM ledger_entries "
      "WHERE idx = (SELECT MAX(idx) FROM ledger_entries)");
  const auto r = verify();
  EXPECT_TRUE(has(r, "ledger entry " + std::to_string(copy), "duplicate")) << describe(r);
}

TEST_F(TamperTest, EntryWithNoVersionBehindIt) {
  // A well-formed update entry about a record no entry added, appended with its leaf hash.
  const std::string forged =
      R"({"actor":"x","at":"2025-01-01T00:00:00Z","op":"registry.update","record":"site-0099","sha256":"00"})";
  {
    store::Transaction tx(*db_);
    registry_.ledger().reload();
    registry_.ledger().append(forged, "site-0099");
    tx.commit();
  }
  const auto r = verify();
  EXPECT_TRUE(has(r, "ledger entry " + std::to_string(registry_.ledger().size() - 1), "unexpected"))
      << describe(r);
}

TEST_F(TamperTest, LedgerHeadRedirected) {
  update("site-0001", {{"description", "fenced"}});
  shell("UPDATE sites SET ledger_head = 0 WHERE num = 1");
  const auto r = verify();
  EXPECT_TRUE(has(r, "ledger head site-0001", "altered")) << describe(r);
  // An update then refuses to build on the wrong entry.
  EXPECT_THROW(update("site-0001", {{"description", "again"}}), core::Corruption);
  shell("UPDATE sites SET ledger_head = NULL WHERE num = 2");
  EXPECT_TRUE(has(verify(), "ledger head site-0002", "missing"));
}

TEST_F(TamperTest, ChainsSettingMovedPastTheLog) {
  update("site-0001", {{"description", "fenced"}});
  shell("UPDATE settings SET value = '100000' WHERE key = 'record_chains_from'");
  const auto r = verify();
  EXPECT_TRUE(has(r, "setting record_chains_from", "altered")) << describe(r);
}

// A checkpoint signed (with the key) over a state map that omits a record's newest entry, as a
// forger would to make an older version look current in a bundle.
TEST_F(TamperTest, CheckpointOverAForgedStateMapIsNamed) {
  update("site-0001", {{"description", "fenced"}});
  ledger::StateTree state = registry_.state();
  const auto at = *state.position("site-0001");
  state.entries[at] -= 1;  // an older entry
  state = ledger::build_state(state.subjects, state.entries);
  const ledger::Checkpoint forged{"athar/test",
                                  registry_.ledger().size(),
                                  registry_.ledger().root(),
                                  {ledger::state_extension(state)}};
  {
    store::Transaction tx(*db_);
    auto& put = db_->cached(
        "INSERT INTO ledger_checkpoints(size, root, note, created_at) VALUES(?,?,?,'x')");
    put.bind(1, static_cast<int64_t>(forged.size));
    put.bind_blob(2, forged.root);
    put.bind(3, ledger::sign_checkpoint(forged, key_));
    put.run();
    tx.commit();
  }
  const auto r = verify();
  EXPECT_TRUE(has(r, "checkpoint 2", "altered")) << describe(r);
}

// The strongest attack short of stealing the key: change a record, then rebuild the whole log
// so that every entry, leaf and subtree hash is consistent again. Only the signed checkpoint
// given out before the change reveals it.
TEST_F(TamperTest, LogReplacedWithARecomputedOne) {
  shell("UPDATE sites SET description = 'nothing was ever here' WHERE num = 1");
  std::vector<std::string> entries;
  for (uint64_t i = 0; i < registry_.ledger().size(); ++i)
    entries.push_back(registry_.ledger().entry(i));
  const Record site = registry_.get("site-0001");
  const std::string forged_hash =
      ledger::to_hex(ledger::sha256(canonical_record(site, registry_.history("site-0001"))));
  for (std::string& e : entries) {
    core::Json j = core::Json::parse(e);
    if (j["record"] == "site-0001") j["sha256"] = forged_hash;
    e = j.dump();
  }
  {
    store::Transaction tx(*db_);
    db_->execute_script("DELETE FROM ledger_entries; DELETE FROM ledger_nodes;");
    ledger::Ledger rebuilt(*db_);
    for (const std::string& e : entries)
      rebuilt.append(e, core::Json::parse(e)["record"].get<std::string>());
    tx.commit();
  }
  const auto r = verify();
  EXPECT_FALSE(has(r, "site-0001", "altered")) << "the forger recomputed its hash";
  EXPECT_TRUE(has(r, "checkpoint 1", "log rewritten")) << describe(r);
}

// The same rewrite, re-signed with the log's own key (the adversary has the data folder and its
// keys): only someone outside can catch it. A witness that cosigned the earlier checkpoint
// refuses the forged one, and verify with the checkpoint it holds names the rewrite.
TEST_F(TamperTest, RewrittenAndReSignedLogIsCaughtByAWitness) {
  ledger::Witness::create("partner", dir_.file("witness"));
  ledger::Witness witness(dir_.file("witness"));
  witness.trust_log(ledger::parse_verifier_key(ledger::verifier_key_text(key_)));
  std::string held;
  {
    store::Transaction tx(*db_);
    held = registry_.checkpoint(key_, {dir_.file("witness")}, 1).note;
    tx.commit();
  }
  ASSERT_TRUE(verify().ok());

  shell("UPDATE sites SET description = 'nothing was ever here' WHERE num = 1");
  std::vector<std::string> entries;
  for (uint64_t i = 0; i < registry_.ledger().size(); ++i)
    entries.push_back(registry_.ledger().entry(i));
  const std::string forged_hash = ledger::to_hex(
      ledger::sha256(canonical_record(registry_.get("site-0001"), registry_.history("site-0001"))));
  for (std::string& e : entries) {
    core::Json j = core::Json::parse(e);
    if (j["record"] == "site-0001") j["sha256"] = forged_hash;
    e = j.dump();
  }
  {
    store::Transaction tx(*db_);
    db_->execute_script(
        "DELETE FROM ledger_entries; DELETE FROM ledger_nodes; DELETE FROM ledger_checkpoints;");
    ledger::Ledger rebuilt(*db_);
    for (const std::string& e : entries)
      rebuilt.append(e, core::Json::parse(e)["record"].get<std::string>());
    ledger::publish_checkpoint(*db_, rebuilt, key_);  // re-signed with the stolen key
    tx.commit();
  }
  registry_.ledger().reload();
  const auto inside = verify();
  EXPECT_FALSE(has(inside, "checkpoint 2", "log rewritten")) << "re-signed: " << describe(inside);

  // Asked to cosign the forged log's checkpoint, the witness refuses.
  std::vector<std::string> refusals;
  {
    store::Transaction tx(*db_);
    EXPECT_THROW(registry_.checkpoint(key_, {dir_.file("witness")}, 1, &refusals),
                 core::Corruption);
  }
  // The checkpoint it holds exposes the rewrite.
  const auto r =
      verify_registry(registry_, ledger::parse_verifier_key(ledger::verifier_key_text(key_)),
                      nullptr, {{"partner's witness", held}});
  EXPECT_TRUE(has(r, "checkpoint held in partner's witness", "log rewritten")) << describe(r);
}

}  // namespace
}  // namespace athar::registry
