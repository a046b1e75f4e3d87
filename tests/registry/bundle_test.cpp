#include "registry/bundle.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "registry/evidence.h"
#include "registry_fixture.h"

namespace athar::registry {
namespace {

class BundleTest : public RegistryTest {
 protected:
  BundleTest() : objects_(dir_.path() / "objects") {
    ledger::set_origin(*db_, "athar/test");
    const Record src = source();
    first_ = ingest_evidence(registry_, objects_, dir_.write("photo.jpg", "bytes of a photograph"),
                             {src.id(), "team 3", "2025-01-05T10:30Z", "", "", ""})
                 .evidence_id;
    ingest_evidence(registry_, objects_, dir_.write("other.pdf", "bytes of a report"),
                    {src.id(), "team 3", "2025-01-06", "", "", ""});
    add(Kind::kCustody, {{"evidence", first_.c_str()},
                         {"action", "transfer"},
                         {"by_whom", "team 3"},
                         {"at", "2025-01-07T08:00Z"},
                         {"to_whom", "regional archive"}});
    path_ = dir_.file("bundle.tar");
    export_bundle(registry_, objects_, key_, {first_}, path_);
  }
  std::string vkey() const { return ledger::verifier_key_text(key_); }
  std::string bytes() const {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void replace_in_bundle(const std::string& from, const std::string& to) {
    std::string b = bytes();
    const size_t at = b.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    b.replace(at, from.size(), to);
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << b;
  }
  static bool has(const BundleReport& r, const std::string& subject, const std::string& change) {
    for (const auto& f : r.findings) {
      if (f.subject == subject && f.change == change) return true;
    }
    return false;
  }

  vault::ObjectStore objects_;
  ledger::SigningKey key_ = ledger::generate_signing_key("athar/test");
  std::string first_, path_;
};

TEST_F(BundleTest, VerifiesWithNothingButTheArchiveAndKey) {
  const BundleReport r = verify_bundle(path_, vkey());
  EXPECT_TRUE(r.ok()) << (r.findings.empty() ? ""
                                             : r.findings[0].subject + " " + r.findings[0].detail);
  EXPECT_EQ(r.objects, 1u);
  EXPECT_EQ(r.records, 3u);  // the evidence record and two custody events
  EXPECT_EQ(r.entries, 3u);
  EXPECT_EQ(r.tree_size, registry_.ledger().size());
  EXPECT_FALSE(r.key_from_bundle);
}

TEST_F(BundleTest, AlteredFileIsNamed) {
  replace_in_bundle("bytes of a photograph", "bytes of a photogrAph");
  const BundleReport r = verify_bundle(path_, vkey());
  EXPECT_TRUE(
      has(r, "object " + ledger::to_hex(ledger::sha256("bytes of a photograph")), "altered"));
}

TEST_F(BundleTest, AlteredRecordIsNamed) {
  replace_in_bundle("regional archive", "regional archivE");
  const BundleReport r = verify_bundle(path_, vkey());
  EXPECT_TRUE(has(r, "custody-000003", "altered"));
}

TEST_F(BundleTest, AlteredEntryFailsItsProof) {
  replace_in_bundle("\"op\":\"registry.add\"", "\"op\":\"registry.put\"");
  const BundleReport r = verify_bundle(path_, vkey());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.findings[0].change, "altered");
  EXPECT_NE(r.findings[0].subject.find("ledger/"), std::string::npos);
}

TEST_F(BundleTest, SubstitutedKeyOrCheckpointIsRefused) {
  const ledger::SigningKey other = ledger::generate_signing_key("athar/test");
  EXPECT_TRUE(has(verify_bundle(path_, ledger::verifier_key_text(other)), "key.vkey", "altered"));
  std::string b = bytes();
  const size_t size_line = b.find("athar/test\n") + 11;
  b[size_line] = b[size_line] == '9' ? '8' : '9';
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << b;
  EXPECT_TRUE(has(verify_bundle(path_, vkey()), "checkpoint.txt", "bad signature"));
}

TEST_F(BundleTest, TruncatedArchiveIsCorruption) {
  const std::string b = bytes();
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << b.substr(0, b.size() / 2);
  EXPECT_THROW(verify_bundle(path_, vkey()), core::Corruption);
}

}  // namespace
}  // namespace athar::registry
