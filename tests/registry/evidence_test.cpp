#include "registry/evidence.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "ledger/checkpoint.h"
#include "registry/verify.h"
#include "registry_fixture.h"

namespace athar::registry {
namespace {

class EvidenceTest : public RegistryTest {
 protected:
  EvidenceTest() : objects_(dir_.path() / "objects") { ledger::set_origin(*db_, "athar/test"); }
  IngestResult ingest(const std::string& name, const std::string& content, IngestOptions o = {}) {
    if (o.collected_by.empty()) o.collected_by = "team 3";
    if (o.collected_at.empty()) o.collected_at = "2025-01-05T10:30Z";
    return ingest_evidence(registry_, objects_, dir_.write(name, content), o);
  }
  VerifyReport verify() {
    return verify_registry(registry_, ledger::parse_verifier_key(ledger::verifier_key_text(key_)),
                           &objects_);
  }
  vault::ObjectStore objects_;
  ledger::SigningKey key_ = ledger::generate_signing_key("athar/test");
};

TEST_F(EvidenceTest, SameFileTwiceIsOneObjectAndTwoCustodyEvents) {
  const Record src = source();
  const uint64_t entries = registry_.ledger().size();
  const IngestResult a = ingest("photo-1.jpg", "the same bytes", {src.id(), "", "", "", "", ""});
  const IngestResult b = ingest("photo-copy.jpg", "the same bytes");
  EXPECT_EQ(a.evidence_id, "evidence-000001");
  EXPECT_EQ(b.evidence_id, a.evidence_id);
  EXPECT_NE(b.custody_id, a.custody_id);
  EXPECT_TRUE(a.new_object);
  EXPECT_FALSE(b.new_object);
  EXPECT_EQ(count(Kind::kEvidence), 1);
  EXPECT_EQ(count(Kind::kCustody), 2);
  // The evidence, two custody events, and each event again in the evidence item's chain.
  EXPECT_EQ(registry_.ledger().size(), entries + 5);
  const Record first = registry_.get(a.custody_id);
  EXPECT_EQ(first.get("action"), "collected");
  EXPECT_EQ(first.get("original_name"), "photo-1.jpg");
  EXPECT_EQ(first.get("source"), src.id());
  EXPECT_EQ(registry_.get(b.custody_id).get("original_name"), "photo-copy.jpg");
  EXPECT_EQ(registry_.get(a.evidence_id).get("sha256"),
            ledger::to_hex(ledger::sha256("the same bytes")));
  EXPECT_TRUE(verify().ok());
}

TEST_F(EvidenceTest, BadOptionsStoreNothing) {
  EXPECT_THROW(ingest("a", "x", {"", "team", "2025-02-30", "", "", ""}), core::InputError);
  EXPECT_THROW(ingest("a", "x", {"source-0009", "team", "2025-01-01", "", "", ""}),
               core::InputError);
  EXPECT_THROW(ingest("a", "x", {"", "team", "2025-01-01T25:00", "", "", ""}), core::InputError);
  EXPECT_EQ(objects_.check().intact.size(), 0u);
  EXPECT_EQ(count(Kind::kEvidence), 0);
}

TEST_F(EvidenceTest, WhatTheFileSaysCannotBeEditedNorCustodyChanged) {
  const IngestResult a = ingest("a.txt", "content");
  EXPECT_THROW(update(a.evidence_id, {{"size", "1"}}), core::InputError);
  EXPECT_THROW(update(a.evidence_id, {{"media_type", "image/png"}}), core::InputError);
  update(a.evidence_id, {{"description", "field notes"}});
  EXPECT_THROW(update(a.custody_id, {{"note", "edited"}}), core::InputError);
  // Later custody steps are new events.
  add(Kind::kCustody, {{"evidence", a.evidence_id.c_str()},
                       {"action", "copy-to-court"},
                       {"by_whom", "archivist"},
                       {"at", "2025-03-01T09:00+02:00"},
                       {"to_whom", "court registry"}});
  EXPECT_TRUE(verify().ok());
}

TEST_F(EvidenceTest, OneFlippedByteInAnObjectIsNamed) {
  const IngestResult a = ingest("a.txt", "original bytes of the evidence");
  const auto path = objects_.path_of(a.sha256);
  std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(5);
    f.put('X');
  }
  const VerifyReport r = verify();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].subject, "object " + ledger::to_hex(a.sha256));
  EXPECT_EQ(r.findings[0].change, "altered");
  std::filesystem::remove(path);
  const VerifyReport gone = verify();
  ASSERT_EQ(gone.findings.size(), 1u);
  EXPECT_EQ(gone.findings[0].change, "missing");
}

}  // namespace
}  // namespace athar::registry
