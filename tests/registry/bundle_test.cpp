#include "registry/bundle.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/error.h"
#include "registry/evidence.h"
#include "registry_fixture.h"
#include "vault/tar.h"

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
  // Rewrites the archive member by member: `edit` returns false to drop a member, or changes its
  // content; `extra` members are appended (what an adversary with `tar` would do).
  void rewrite(const std::function<bool(const std::string&, std::string&)>& edit,
               const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    std::vector<std::pair<std::string, std::string>> members;
    {
      std::ifstream in(path_, std::ios::binary);
      vault::TarReader reader(in);
      while (auto e = reader.next()) {
        std::string content = reader.read_content_string(1 << 26);
        if (edit(e->name, content)) members.emplace_back(e->name, std::move(content));
      }
    }
    members.insert(members.end(), extra.begin(), extra.end());
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    vault::TarWriter writer(out);
    for (const auto& [name, content] : members) writer.add_file(name, content);
    writer.finish();
  }
  std::string member(const std::string& name) {
    std::string found;
    rewrite([&](const std::string& n, std::string& content) {
      if (n == name) found = content;
      return true;
    });
    return found;
  }
  static std::string describe(const BundleReport& r) {
    std::string out;
    for (const auto& f : r.findings) out += f.subject + ": " + f.change + " (" + f.detail + ")\n";
    return out;
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
  EXPECT_EQ(r.entries, 5u);  // their adds, and each event in the evidence item's chain
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

TEST_F(BundleTest, EditedManifestIsNamed) {
  rewrite([](const std::string& name, std::string& content) {
    if (name == "manifest.json")
      content.replace(content.find("custody-000003"), 14, "custody-000009");
    return true;
  });
  const BundleReport r = verify_bundle(path_, vkey());
  EXPECT_TRUE(has(r, "manifest.json", "altered")) << describe(r);
}

TEST_F(BundleTest, DroppedRecordFilesAreNamed) {
  // The record of the transfer, its entries and proofs all taken out.
  rewrite([](const std::string& name, std::string&) {
    return name.find("custody-000003") == std::string::npos;
  });
  const BundleReport r = verify_bundle(path_, vkey());
  EXPECT_TRUE(has(r, "custody-000003", "missing")) << describe(r);
}

TEST_F(BundleTest, DroppedCustodyEventWithItsEntriesIsNamed) {
  // A careful adversary drops the custody record, its state proof, and every entry about it or
  // naming it, with their proofs. The evidence item's chain then has a hole.
  std::set<std::string> dropped;
  rewrite([&](const std::string& name, std::string& content) {
    if (name.rfind("ledger/", 0) == 0 && name.find(".entry") != std::string::npos &&
        content.find("custody-000003") != std::string::npos) {
      dropped.insert(name.substr(0, name.size() - 6));
    }
    return true;
  });
  ASSERT_EQ(dropped.size(), 2u);  // its add, and its entry in the evidence item's chain
  rewrite([&](const std::string& name, std::string&) {
    for (const std::string& stem : dropped)
      if (name.rfind(stem + ".", 0) == 0) return false;
    return name.find("custody-000003") == std::string::npos;
  });
  const BundleReport r = verify_bundle(path_, vkey());
  EXPECT_TRUE(has(r, first_, "missing")) << describe(r);
}

TEST_F(BundleTest, OlderVersionWithItsLaterEntryRemovedIsNamed) {
  const std::string older = member("records/" + first_ + ".json");
  {
    Registry::Transaction tx(registry_);
    registry_.update(first_, {{"description", "later: found to show grave 7"}}, {});
    tx.commit();
  }
  export_bundle(registry_, objects_, key_, {first_}, path_);
  const uint64_t later = registry_.ledger().size() - 1;
  ASSERT_EQ(verify_bundle(path_, vkey()).findings.size(), 0u);
  rewrite([&](const std::string& name, std::string& content) {
    if (name == "records/" + first_ + ".json") content = older;
    return name.rfind("ledger/" + std::to_string(later) + ".", 0) != 0;
  });
  const BundleReport r = verify_bundle(path_, vkey());
  EXPECT_TRUE(has(r, first_, "missing")) << describe(r);
}

TEST_F(BundleTest, UnexpectedMembersAreNamed) {
  rewrite([](const std::string&, std::string&) { return true; },
          {{"records/../../etc/cron.d/x", "* * * * * root sh"}, {"NOTE-TO-COURT.txt", "trust me"}});
  const BundleReport r = verify_bundle(path_, vkey());
  EXPECT_TRUE(has(r, "NOTE-TO-COURT.txt", "unexpected")) << describe(r);
  EXPECT_FALSE(r.ok());
}

TEST_F(BundleTest, TruncatedArchiveIsCorruption) {
  const std::string b = bytes();
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << b.substr(0, b.size() / 2);
  EXPECT_THROW(verify_bundle(path_, vkey()), core::Corruption);
}

}  // namespace
}  // namespace athar::registry
