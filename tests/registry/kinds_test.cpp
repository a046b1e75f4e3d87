#include "registry/kinds.h"

#include <gtest/gtest.h>

#include <set>

#include "registry/registry.h"
#include "store/database.h"
#include "test_support.h"

namespace athar::registry {
namespace {

TEST(Kinds, IdsAreQuotableAndRoundTrip) {
  EXPECT_EQ(format_record_id(Kind::kSite, 3), "site-0003");
  EXPECT_EQ(format_record_id(Kind::kPerson, 1234), "person-001234");
  EXPECT_EQ(format_record_id(Kind::kWitness, 7), "W-0007");
  EXPECT_EQ(format_record_id(Kind::kSite, 123456), "site-123456");
  for (const KindSpec& k : kind_specs()) {
    const auto id = parse_record_id(format_record_id(k.kind, 42));
    ASSERT_TRUE(id);
    EXPECT_EQ(id->kind, k.kind);
    EXPECT_EQ(id->num, 42);
  }
  EXPECT_FALSE(parse_record_id("site-"));
  EXPECT_FALSE(parse_record_id("site-00x1"));
  EXPECT_FALSE(parse_record_id("site-0000"));
  EXPECT_FALSE(parse_record_id("grave-0001"));
  EXPECT_FALSE(parse_record_id("Site-0001"));
}

// The data dictionary and the schema migrations must describe the same columns.
TEST(Kinds, SchemaHasAColumnForEveryField) {
  testing::ScratchDir dir;
  auto db = store::open_sqlite(dir.file("a.db"), store::OpenMode::kCreate);
  Registry::prepare_schema(*db);
  for (const KindSpec& k : kind_specs()) {
    auto info = db->prepare("SELECT name FROM pragma_table_info(?)");
    info->bind(1, k.plural);
    std::set<std::string> columns;
    while (info->step()) columns.insert(info->string(0));
    ASSERT_FALSE(columns.empty()) << "no table " << k.plural;
    for (const FieldSpec& f : k.fields) {
      EXPECT_TRUE(columns.count(std::string(f.name))) << k.plural << " lacks column " << f.name;
    }
    // num, created_at, created_by, updated_at, ledger_head, retraction and original besides the
    // fields.
    EXPECT_EQ(columns.size(), k.fields.size() + 7) << k.plural << " has columns no field names";
  }
}

TEST(Kinds, RefsPointOnlyToEarlierKindsOrThemselves) {
  const auto kinds = kind_specs();
  for (size_t i = 0; i < kinds.size(); ++i) {
    for (const FieldSpec& f : kinds[i].fields) {
      if (f.type != FieldType::kRef) continue;
      EXPECT_LE(static_cast<size_t>(f.ref_kind), i) << kinds[i].name << "." << f.name;
    }
  }
}

TEST(Kinds, StatusTransitionsNameOnlyKnownStatuses) {
  for (const KindSpec& k : kind_specs()) {
    const FieldSpec* status = k.status_field();
    if (!status) continue;
    const std::set<std::string_view> known(status->choices.begin(), status->choices.end());
    for (const Transition& t : k.transitions) {
      EXPECT_TRUE(known.count(t.from)) << k.name << ": " << t.from;
      EXPECT_TRUE(known.count(t.to)) << k.name << ": " << t.to;
    }
  }
}

}  // namespace
}  // namespace athar::registry
