#include "registry/registry.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "ledger/checkpoint.h"
#include "registry/verify.h"
#include "registry_fixture.h"

namespace athar::registry {
namespace {

TEST_F(RegistryTest, AddStoresCanonicalValuesAndStartsTheHistory) {
  const Record s = add(Kind::kSite,
                       {{"name_ar", "القطيفة"},
                        {"name_lat", " al-Qutayfah "},
                        {"latitude", "33.73860"},
                        {"longitude", "36.6008"},
                        {"governorate", "ريف دمشق"},
                        {"polygon", "[[36.60, 33.73], [36.61,33.73], [36.61, 33.74]]"}},
                       {"2024-12-16", "press", "", "first report"});
  EXPECT_EQ(s.id(), "site-0001");
  const Record back = registry_.get("site-0001");
  EXPECT_EQ(back.get("name_lat"), "al-Qutayfah");
  EXPECT_EQ(back.get("latitude"), "33.7386");
  EXPECT_EQ(back.get("governorate"), "rif-dimashq");
  EXPECT_EQ(back.get("status"), "reported");
  EXPECT_EQ(back.get("polygon"), "[[36.6,33.73],[36.61,33.73],[36.61,33.74]]");
  EXPECT_EQ(back.created_by, "tester");
  const auto history = registry_.history("site-0001");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].new_status, "reported");
  EXPECT_EQ(history[0].changed_on, "2024-12-16");
  EXPECT_EQ(history[0].reported_by, "press");
  EXPECT_EQ(history[0].note, "first report");
}

TEST_F(RegistryTest, IdsAreNeverReused) {
  site();
  const Record second = site();
  db_->execute_script("DELETE FROM sites WHERE num = " + std::to_string(second.num));
  EXPECT_EQ(site().id(), "site-0003");
}

TEST_F(RegistryTest, GetUnknownOrMalformedIdFails) {
  EXPECT_THROW(registry_.get("site-0099"), core::NotFound);
  EXPECT_THROW(registry_.get("nonsense"), core::InputError);
}

TEST_F(RegistryTest, SiteStatusFollowsTransitionsAndKeepsHistory) {
  const Record src = source();
  site();
  update("site-0001", {{"status", "secured"}}, {"2025-01-05", "field team", src.id(), ""});
  update("site-0001", {{"status", "tampered"}}, {"2025-02-01", "guard", "", "fresh digging"});
  update("site-0001", {{"status", "excavating"}});
  update("site-0001", {{"status", "excavated"}});
  EXPECT_THROW(update("site-0001", {{"status", "reported"}}), core::InputError);
  EXPECT_THROW(update("site-0001", {{"status", "unsecured"}}), core::InputError);
  const auto history = registry_.history("site-0001");
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history[1].old_status, "reported");
  EXPECT_EQ(history[1].new_status, "secured");
  EXPECT_EQ(history[1].source, src.id());
  EXPECT_EQ(history[2].note, "fresh digging");
  EXPECT_EQ(registry_.get("site-0001").get("status"), "excavated");
}

TEST_F(RegistryTest, ClaimVerificationHistory) {
  const Record src = source();
  const Record s = site();
  const Record c = add(Kind::kClaim, {{"source", src.id().c_str()},
                                      {"subject", s.id().c_str()},
                                      {"topic", "body_count"},
                                      {"figure", "100000"},
                                      {"figure_kind", "minimum"},
                                      {"claimed_on", "2024-12-17"}});
  EXPECT_EQ(c.get("verification"), "unverified");
  update(c.id(), {{"verification", "disputed"}});
  update(c.id(), {{"verification", "refuted"}});
  EXPECT_THROW(update(c.id(), {{"verification", "verified"}}), core::InputError);
  EXPECT_EQ(registry_.history(c.id()).size(), 3u);
  ASSERT_EQ(registry_.claims_about(s.id()).size(), 1u);
}

TEST_F(RegistryTest, PersonStatusIdentifiedIsFinal) {
  const Record p = add(Kind::kPerson, {{"role", "victim"}, {"given_name_ar", "سامر"}});
  EXPECT_EQ(p.get("status"), "missing");  // a victim with no status is missing
  EXPECT_EQ(p.get("sex"), "unknown");
  update(p.id(), {{"status", "identified"}});
  EXPECT_THROW(update(p.id(), {{"status", "missing"}}), core::InputError);
}

TEST_F(RegistryTest, UpdateValidatesTheWholeRecordAndCanClearFields) {
  const Record p = add(Kind::kPerson, {{"role", "victim"},
                                       {"given_name_lat", "Samer"},
                                       {"birth_date", "1985"},
                                       {"birthplace", "Douma"}});
  EXPECT_THROW(update(p.id(), {{"died_on", "1980"}}), core::InputError);
  EXPECT_THROW(update(p.id(), {{"no_such_field", "x"}}), core::InputError);
  update(p.id(), {{"birthplace", ""}});
  const Record back = registry_.get(p.id());
  EXPECT_EQ(back.get("birthplace"), "");
  EXPECT_EQ(back.get("died_on"), "");
  EXPECT_FALSE(back.updated_at.empty());
}

TEST_F(RegistryTest, LinksJoinOnlyTheKindsTheirTypeAllows) {
  const Record src = source();
  const Record s = site();
  const Record p = add(Kind::kPerson, {{"role", "victim"}, {"given_name_lat", "Samer"}});
  const Record l = add(Kind::kLink, {{"from_record", p.id().c_str()},
                                     {"type", "buried_at"},
                                     {"to_record", s.id().c_str()},
                                     {"source", src.id().c_str()}});
  EXPECT_EQ(l.id(), "link-0000001");
  EXPECT_EQ(registry_.links_of(s.id()).size(), 1u);
  EXPECT_EQ(registry_.links_of(p.id()).size(), 1u);
  try {
    add(Kind::kLink, {{"from_record", s.id().c_str()},
                      {"type", "buried_at"},
                      {"to_record", p.id().c_str()},
                      {"source", src.id().c_str()}});
    FAIL() << "a site cannot be buried at a person";
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.field(), "type");
  }
  // A link must name its source.
  EXPECT_THROW(
      add(Kind::kLink,
          {{"from_record", p.id().c_str()}, {"type", "buried_at"}, {"to_record", s.id().c_str()}}),
      core::InputError);
}

TEST_F(RegistryTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i) site();
  update("site-0002", {{"status", "secured"}});
  ListQuery q;
  q.equals = {{"status", "secured"}};
  const auto secured = registry_.list(kind_spec(Kind::kSite), q);
  ASSERT_EQ(secured.size(), 1u);
  EXPECT_EQ(secured[0].id(), "site-0002");
  ListQuery page;
  page.limit = 2;
  page.offset = 3;
  const auto rows = registry_.list(kind_spec(Kind::kSite), page);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id(), "site-0004");
  ListQuery bad;
  bad.equals = {{"colour", "red"}};
  EXPECT_THROW(registry_.list(kind_spec(Kind::kSite), bad), core::InputError);
}

TEST_F(RegistryTest, WitnessIdentityIsHiddenFromJsonUnlessAsked) {
  const Record w = add(Kind::kWitness, {{"identity", "real name"}, {"notes", "driver"}});
  EXPECT_EQ(w.id(), "W-0001");
  EXPECT_EQ(Registry::to_json(w, false)["identity"], "[protected]");
  // Stored sealed; revealed only through the registry, and the read is in the ledger.
  EXPECT_TRUE(FieldCipher::is_sealed(w.get("identity")));
  const uint64_t entries = registry_.ledger().size();
  Record clear(kind_spec(Kind::kSource));
  {
    Registry::Transaction tx(registry_);
    clear = registry_.reveal(registry_.get("W-0001"));
    tx.commit();
  }
  EXPECT_EQ(Registry::to_json(clear, true)["identity"], "real name");
  ASSERT_EQ(registry_.ledger().size(), entries + 1);
  const std::string entry = registry_.ledger().entry(entries);
  EXPECT_NE(entry.find("\"op\":\"registry.reveal\""), std::string::npos) << entry;
  EXPECT_NE(entry.find("\"actor\":\"tester\""), std::string::npos) << entry;
}

// Sealed values are bound to their kind and field, and to the key: moved or resealed, they fail.
TEST_F(RegistryTest, SealedFieldsRefuseMovesAndOtherKeys) {
  const FieldCipher& cipher = *registry_.field_cipher();
  const std::string sealed = cipher.seal("witnesses", "identity", "a bulldozer driver");
  EXPECT_NE(sealed, cipher.seal("witnesses", "identity", "a bulldozer driver"));  // random nonce
  EXPECT_EQ(cipher.open("witnesses", "identity", sealed), "a bulldozer driver");
  EXPECT_THROW(cipher.open("witnesses", "contact", sealed), core::Corruption);
  std::string flipped = sealed;
  flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_THROW(cipher.open("witnesses", "identity", flipped), core::Corruption);
  FieldCipher::create(dir_.path() / "other-keys");
  EXPECT_THROW(FieldCipher::load(dir_.path() / "other-keys").open("witnesses", "identity", sealed),
               core::Corruption);
  EXPECT_THROW(FieldCipher::create(dir_.path() / "keys"), core::Conflict);  // never replaced
  // A value given already sealed is refused; without the key nothing sensitive is written.
  EXPECT_THROW(add(Kind::kWitness, {{"identity", sealed.c_str()}}), core::InputError);
  Registry keyless(*db_, "tester");
  Registry::Transaction tx(keyless);
  Record w(kind_spec(Kind::kWitness));
  w.set("identity", "someone");
  EXPECT_THROW(keyless.add(w, {}, "test"), core::Unavailable);
}

TEST_F(RegistryTest, FailedTransactionWritesNothing) {
  source();
  {
    Registry::Transaction tx(registry_);
    Record s(kind_spec(Kind::kSite));
    s.set("name_lat", "x");
    s.set("latitude", "33");
    s.set("longitude", "36");
    s.set("governorate", "Homs");
    registry_.add(s, {}, "first");
    // Not committed.
  }
  EXPECT_EQ(count(Kind::kSite), 0);
  EXPECT_EQ(db_->prepare("SELECT 1 FROM status_changes")->step(), false);
}

TEST_F(RegistryTest, SummaryPutsClaimsBesideDocumentedPersons) {
  const Record src = source();
  const Record s = site();
  add(Kind::kClaim, {{"source", src.id().c_str()},
                     {"subject", s.id().c_str()},
                     {"topic", "body_count"},
                     {"figure", "6000"},
                     {"figure_kind", "estimate"}});
  for (int i = 0; i < 3; ++i) {
    const Record p = add(Kind::kPerson, {{"role", "victim"}, {"given_name_lat", "Samer"}});
    add(Kind::kLink, {{"from_record", p.id().c_str()},
                      {"type", "buried_at"},
                      {"to_record", s.id().c_str()},
                      {"source", src.id().c_str()}});
  }
  const auto summary = registry_.summary();
  EXPECT_EQ(summary["counts"]["persons"], 3);
  EXPECT_EQ(summary["persons_by_status"]["missing"], 3);
  ASSERT_EQ(summary["sites"].size(), 1u);
  EXPECT_EQ(summary["sites"][0]["documented_persons"], 3);
  EXPECT_EQ(summary["sites"][0]["claims"][0]["figure"], 6000);
  EXPECT_EQ(summary["sites"][0]["claims"][0]["source_name"], "Test list");
}

}  // namespace
}  // namespace athar::registry

namespace athar::registry {
namespace {

TEST_F(RegistryTest, EveryWriteAppendsALedgerEntryWithTheRecordsHash) {
  const uint64_t before = registry_.ledger().size();
  const Record s = site();
  update(s.id(), {{"status", "secured"}}, {"2025-01-01", "team", "", ""});
  ASSERT_EQ(registry_.ledger().size(), before + 2);
  const core::Json added = core::Json::parse(registry_.ledger().entry(before));
  EXPECT_EQ(added["op"], "registry.add");
  EXPECT_EQ(added["record"], s.id());
  EXPECT_EQ(added["actor"], "tester");
  const core::Json updated = core::Json::parse(registry_.ledger().entry(before + 1));
  EXPECT_EQ(updated["op"], "registry.update");
  const Record now = registry_.get(s.id());
  EXPECT_EQ(updated["sha256"],
            ledger::to_hex(ledger::sha256(canonical_record(now, registry_.history(s.id())))));
  EXPECT_EQ(registry_.ledger().entry(before + 1), updated.dump()) << "entries are canonical JSON";
}

TEST_F(RegistryTest, RolledBackWritesLeaveTheLedgerAsItWas) {
  site();
  const ledger::Hash root = registry_.ledger().root();
  const uint64_t size = registry_.ledger().size();
  {
    Registry::Transaction tx(registry_);
    Record r(kind_spec(Kind::kSource));
    r.set("name", "x");
    r.set("kind", "other");
    registry_.add(r, {}, "uncommitted");
  }
  EXPECT_EQ(registry_.ledger().size(), size);
  EXPECT_EQ(registry_.ledger().root(), root);
  site();  // appends continue from the committed log
  EXPECT_EQ(registry_.ledger().size(), size + 1);
}

// A database from before record chains (schema 6) upgrades: each record's row learns its newest
// entry, other subjects' heads are found, the issued ids are remembered, and verify passes
// before and after the next update.
TEST_F(RegistryTest, DatabaseFromBeforeRecordChainsUpgrades) {
  if (db_->dialect() == store::Dialect::kPostgresql)
    GTEST_SKIP() << "an upgrade of a SQLite database from schema 6: PostgreSQL databases begin "
                    "at the schema that supports them";
  ledger::set_origin(*db_, "athar/test");
  const Record src = source();
  const Record s = site();
  add(Kind::kPerson, {{"role", "victim"}, {"given_name_lat", "Sami"}});
  add(Kind::kWitness, {{"notes", "driver"}});
  {
    Registry::Transaction tx(registry_);
    registry_.append_ledger_entry("kinship.family", "family:F1", ledger::sha256("x"));
    tx.commit();
  }
  // Back to schema 6 as it was: no heads, no chains setting, no issued-id table. (The site's
  // first status has no update entry, so no entry carries a link yet.)
  db_->execute_script(
      "DROP TABLE ledger_heads; DROP TABLE record_high_water; "
      "DELETE FROM settings WHERE key = 'record_chains_from'; "
      "DELETE FROM schema_version WHERE version >= 7; "
      "DROP TABLE accounts; DROP TABLE account_credentials; DROP TABLE login_failures; "
      "DROP TABLE record_versions; DROP TABLE imported_files; DROP TABLE kinship_decisions; "
      "DROP TABLE samples; DROP TABLE remains; DROP TABLE kinship_runs; "
      "DROP TABLE kinship_haplotypes; DROP TABLE kinship_lineage_databases;");
  for (const KindSpec& kind : kind_specs()) {
    if (kind.kind == Kind::kRemains || kind.kind == Kind::kSample) continue;  // from schema 11
    db_->execute_script("ALTER TABLE " + std::string(kind.plural) + " DROP COLUMN ledger_head");
    db_->execute_script("ALTER TABLE " + std::string(kind.plural) + " DROP COLUMN retraction");
    db_->execute_script("ALTER TABLE " + std::string(kind.plural) + " DROP COLUMN original");
  }
  auto reopened = store::open_sqlite(dir_.file("athar.db"), store::OpenMode::kExisting);
  EXPECT_EQ(Registry::prepare_schema(*reopened), 18);
  Registry upgraded(*reopened, "tester");
  const ledger::VerifierKey key =
      ledger::parse_verifier_key(ledger::verifier_key_text(ledger::generate_signing_key("x")));
  VerifyReport r = verify_registry(upgraded, key);
  EXPECT_TRUE(r.ok()) << (r.findings.empty() ? ""
                                             : r.findings[0].subject + " " + r.findings[0].change +
                                                   " " + r.findings[0].detail);
  EXPECT_EQ(upgraded.head_of("W-0001"), 3u);
  EXPECT_EQ(upgraded.head_of("family:F1"), 4u);
  {
    Registry::Transaction tx(upgraded);
    upgraded.update(s.id(), {{"description", "fenced"}}, {});
    Record again(kind_spec(Kind::kPerson));
    again.set("role", "victim");
    again.set("given_name_lat", "Rami");
    EXPECT_EQ(upgraded.add(again, {}, "test").id(), "person-000002");
    tx.commit();
  }
  r = verify_registry(upgraded, key);
  EXPECT_TRUE(r.ok()) << (r.findings.empty() ? ""
                                             : r.findings[0].subject + " " + r.findings[0].detail);
}

}  // namespace
}  // namespace athar::registry
