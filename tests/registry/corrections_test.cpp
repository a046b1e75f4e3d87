// Corrections, never deletions: correct with a reason, retract, merge, per-field history, and
// verify naming the field and both values of a row changed behind Athar's back.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/error.h"
#include "ledger/checkpoint.h"
#include "registry/verify.h"
#include "registry_fixture.h"

namespace athar::registry {
namespace {

class CorrectionsTest : public RegistryTest {
 protected:
  void SetUp() override { ledger::set_origin(*db_, "athar/test"); }
  VerifyReport verify() {
    return verify_registry(registry_, ledger::parse_verifier_key(ledger::verifier_key_text(key_)));
  }
  template <typename F>
  auto in_transaction(F&& f) {
    Registry::Transaction tx(registry_);
    auto out = f();
    tx.commit();
    return out;
  }
  std::vector<FieldChange> changes_of(const std::string& id) {
    std::vector<FieldChange> out;
    const auto versions = registry_.versions(id);
    for (size_t i = 1; i < versions.size(); ++i) {
      if (!versions[i].canonical || !versions[i - 1].canonical) continue;
      for (FieldChange c : diff_versions(*versions[i - 1].canonical, *versions[i].canonical)) {
        c.op = versions[i].op;
        c.reason = versions[i].reason;
        c.actor = versions[i].actor;
        out.push_back(c);
      }
    }
    return out;
  }
  ledger::SigningKey key_ = ledger::generate_signing_key("athar/test");
};

TEST_F(CorrectionsTest, AWrongStatusIsCorrectedWithAReasonNotTransitioned) {
  const Record p = add(Kind::kPerson, {{"role", "victim"}, {"given_name_lat", "Samer"}});
  update(p.id(), {{"status", "identified"}});
  // identified is final for an update, and the refusal points at correct.
  try {
    update(p.id(), {{"status", "missing"}});
    FAIL() << "an update left identified";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("correct"), std::string::npos) << e.what();
  }
  EXPECT_THROW(in_transaction([&] {
                 return registry_.correct(p.id(), {{"status", "missing"}}, "");
               }),
               core::InputError);
  EXPECT_THROW(in_transaction([&] {
                 return registry_.correct(p.id(), {{"status", "identified"}}, "x");
               }),
               core::InputError);  // nothing to correct
  const Record fixed = in_transaction([&] {
    return registry_.correct(p.id(), {{"status", "missing"}}, "identified by mistake: wrong file");
  });
  EXPECT_EQ(fixed.get("status"), "missing");
  EXPECT_EQ(registry_.get(p.id()).get("status"), "missing");
  // The status history holds the reported change only; the correction is in the versions.
  const auto history = registry_.history(p.id());
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].new_status, "identified");
  const auto changes = changes_of(p.id());
  const auto status_change = std::find_if(changes.begin(), changes.end(), [](const auto& c) {
    return c.op == "registry.correct" && c.field == "status";
  });
  ASSERT_NE(status_change, changes.end());
  EXPECT_EQ(status_change->old_value, "identified");
  EXPECT_EQ(status_change->new_value, "missing");
  EXPECT_EQ(status_change->reason, "identified by mistake: wrong file");
  EXPECT_EQ(status_change->actor, "tester");
  EXPECT_TRUE(verify().ok());
}

TEST_F(CorrectionsTest, ARetractedRecordStaysButLeavesListsAndCounts) {
  const Record s1 = site();
  const Record s2 = site();
  EXPECT_EQ(count(Kind::kSite), 2);
  EXPECT_THROW(in_transaction([&] { return registry_.retract(s2.id(), "  "); }), core::InputError);
  const Record r = in_transaction(
      [&] { return registry_.retract(s2.id(), "entered twice from the same report"); });
  EXPECT_TRUE(r.retracted());
  EXPECT_EQ(count(Kind::kSite), 1);
  EXPECT_EQ(registry_.count(kind_spec(Kind::kSite), true), 2);
  ListQuery all;
  EXPECT_EQ(registry_.list(kind_spec(Kind::kSite), all).size(), 1u);
  all.include_retracted = true;
  EXPECT_EQ(registry_.list(kind_spec(Kind::kSite), all).size(), 2u);
  const Record back = registry_.get(s2.id());
  EXPECT_EQ(back.retraction.by, "tester");
  EXPECT_EQ(back.retraction.reason, "entered twice from the same report");
  // Retracted records are not changed, nor retracted twice.
  EXPECT_THROW(update(s2.id(), {{"description", "x"}}), core::InputError);
  EXPECT_THROW(in_transaction([&] { return registry_.retract(s2.id(), "again"); }),
               core::InputError);
  const auto versions = registry_.versions(s2.id());
  ASSERT_GE(versions.size(), 2u);
  EXPECT_EQ(versions.back().op, "registry.retract");
  EXPECT_EQ(versions.back().reason, "entered twice from the same report");
  EXPECT_EQ(registry_.summary()["counts"]["sites"], 1);
  EXPECT_TRUE(verify().ok());
  (void)s1;
}

TEST_F(CorrectionsTest, MergeKeepsBothHistoriesAndFillsWhatTheKeptOneLacked) {
  const Record a = add(Kind::kPerson, {{"role", "victim"}, {"given_name_lat", "Samer"}});
  const Record b = add(Kind::kPerson,
                       {{"role", "victim"}, {"given_name_lat", "Sameer"}, {"birthplace", "Douma"}});
  const Record site_record = site();
  EXPECT_THROW(in_transaction([&] { return registry_.merge(a.id(), site_record.id(), "x"); }),
               core::InputError);  // kinds differ
  EXPECT_THROW(in_transaction([&] { return registry_.merge(a.id(), a.id(), "x"); }),
               core::InputError);
  EXPECT_THROW(in_transaction([&] { return registry_.merge(a.id(), b.id(), ""); }),
               core::InputError);
  const auto [kept, duplicate] = in_transaction(
      [&] { return registry_.merge(a.id(), b.id(), "same mother and village; analyst R."); });
  EXPECT_EQ(kept.get("birthplace"), "Douma");
  EXPECT_EQ(kept.get("given_name_lat"), "Samer");  // the kept record's own values stay
  EXPECT_EQ(duplicate.retraction.merged_into, a.id());
  EXPECT_EQ(count(Kind::kPerson), 1);
  EXPECT_EQ(registry_.merged_into(a.id()), std::vector<std::string>{b.id()});
  // Both histories are whole: the duplicate's add and merge, the kept one's add and merge.
  EXPECT_EQ(registry_.versions(b.id()).front().op, "registry.add");
  EXPECT_EQ(registry_.versions(b.id()).back().op, "registry.merge");
  EXPECT_EQ(registry_.versions(a.id()).back().merged, b.id());
  const auto changes = changes_of(a.id());
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.front().field, "birthplace");
  EXPECT_EQ(changes.front().new_value, "Douma");
  EXPECT_EQ(registry_.summary()["persons_after_linkage_decisions"]["persons"], 1);
  EXPECT_TRUE(verify().ok());
}

TEST_F(CorrectionsTest, VerifyNamesTheFieldAndBothValuesOfARowChangedBehindAtharsBack) {
  const Record p = add(Kind::kPerson, {{"role", "victim"}, {"given_name_lat", "Samer"}});
  update(p.id(), {{"birthplace", "Douma"}});
  shell("UPDATE persons SET birthplace = 'Harasta', given_name_lat = NULL WHERE num = 1");
  VerifyReport r = verify();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].subject, p.id());
  EXPECT_EQ(r.findings[0].change, "altered");
  const std::string& detail = r.findings[0].detail;
  EXPECT_NE(detail.find("its birthplace is 'Harasta' where the ledger vouches for 'Douma'"),
            std::string::npos)
      << detail;
  EXPECT_NE(detail.find("its given_name_lat is empty where the ledger vouches for 'Samer'"),
            std::string::npos)
      << detail;
  // A changed row is not built on, and the refusal says so.
  EXPECT_THROW(in_transaction([&] {
                 return registry_.correct(p.id(), {{"sex", "male"}}, "x");
               }),
               core::Corruption);
  // The adversary who also rewrites the kept copy gets no false account of the old values.
  shell("UPDATE record_versions SET packed = randomblob(length(packed))",
        "UPDATE record_versions SET packed = substring(decode(repeat(md5(random()::text), 400), "
        "'hex') from 1 for length(packed))");
  r = verify();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].detail.find("cannot be named"), std::string::npos)
      << r.findings[0].detail;
}

}  // namespace
}  // namespace athar::registry

namespace athar::registry {
namespace {

// Values written as Syrian lists write them are stored canonically, the original kept beside.
TEST_F(RegistryTest, TheValueAsGivenIsKeptBesideItsCanonicalForm) {
  const Record p = add(Kind::kPerson, {{"role", "victim"},
                                       {"given_name_ar", "سامر"},
                                       {"sex", "ذكر"},
                                       {"birth_date", "١٩٧٩"},
                                       {"governorate", "Idlib"}});
  EXPECT_EQ(p.get("sex"), "male");
  EXPECT_EQ(p.get("birth_date"), "1979");
  const Record back = registry_.get(p.id());
  ASSERT_NE(back.original("sex"), nullptr);
  EXPECT_EQ(*back.original("sex"), "ذكر");
  EXPECT_EQ(*back.original("birth_date"), "١٩٧٩");
  EXPECT_EQ(back.original("governorate"), nullptr);    // only the case differed
  EXPECT_EQ(back.original("given_name_ar"), nullptr);  // free text is kept as it is anyway
  const Record s = add(Kind::kSite, {{"name_lat", "DMS"},
                                     {"latitude", "33°30'N"},
                                     {"longitude", "36°18'E"},
                                     {"governorate", "Damascus"}});
  EXPECT_EQ(*registry_.get(s.id()).original("latitude"), "33°30'N");
  // A new value replaces the kept original; one given canonically leaves none.
  update(p.id(), {{"sex", "female"}});
  EXPECT_EQ(registry_.get(p.id()).original("sex"), nullptr);
  EXPECT_EQ(*registry_.get(p.id()).original("birth_date"), "١٩٧٩");
  // The original is part of what the ledger vouches for.
  const auto versions = registry_.versions(p.id());
  ASSERT_TRUE(versions.front().canonical);
  EXPECT_EQ((*versions.front().canonical)["original"]["sex"], "ذكر");
  ledger::set_origin(*db_, "athar/test");
  const auto key = ledger::generate_signing_key("athar/test");
  EXPECT_TRUE(
      verify_registry(registry_, ledger::parse_verifier_key(ledger::verifier_key_text(key))).ok());
}

}  // namespace
}  // namespace athar::registry
