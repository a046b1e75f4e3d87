#include "kinship/str.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "test_support.h"

namespace athar::kinship {
namespace {

const std::string kWestAsia = std::string(ATHAR_SOURCE_DIR) + "/tests/kinship/data/west-asia.txt";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Alleles, MicrovariantsInTenths) {
  EXPECT_EQ(parse_allele("9.3"), 93);
  EXPECT_EQ(parse_allele(" 15 "), 150);
  EXPECT_EQ(allele_text(93), "9.3");
  EXPECT_EQ(allele_text(150), "15");
  for (const char* bad : {"", "X", "9.33", "-1", "9,3", "0", "1e2"})
    EXPECT_THROW(parse_allele(bad), std::invalid_argument) << bad;
}

TEST(FrequencyTable, ReadsTheShippedWestAsiaTable) {
  const FrequencyTable t = FrequencyTable::read(kWestAsia);
  EXPECT_EQ(t.size(), 50u);
  for (const char* name : {"Penta E", "PENTA_E", "PentaE", "penta-e"})
    EXPECT_EQ(t.marker_index(name), t.marker_index("Penta E")) << name;
  EXPECT_GE(t.marker_index("Penta E"), 0);
  EXPECT_EQ(t.marker_index("D99S1"), -1);
  for (size_t m = 0; m < t.size(); ++m) {
    double sum = 0;
    for (double f : t.marker(m).frequency) sum += f;
    EXPECT_NEAR(sum, 1, 1e-12) << t.marker(m).name;
  }
  const int tpox = t.marker_index("TPOX");
  EXPECT_NEAR(t.frequency(static_cast<size_t>(tpox), 80), 0.515197, 1e-6);
  EXPECT_EQ(t.frequency(static_cast<size_t>(tpox), 55), t.minimum_frequency());
}

TEST(FrequencyTable, BadTablesNameTheMarkerAndLine) {
  testing::ScratchDir dir;
  const auto read = [&](const std::string& text) {
    return error_of([&] { FrequencyTable::read(dir.write("f.txt", text)); });
  };
  EXPECT_NE(read("TPOX\n8\t0.5\n9\t0.2\n").find("TPOX"), std::string::npos);
  EXPECT_NE(read("TPOX\n8\t0.5\n9\t0.2\n").find("sum to"), std::string::npos);
  EXPECT_NE(read("TPOX\n8\t0.5\n8\t0.5\n").find("f.txt line 3"), std::string::npos);
  EXPECT_NE(read("TPOX\n8\tzero\n9\t1\n").find("(0, 1]"), std::string::npos);
  EXPECT_NE(read("8\t0.5\n").find("before any marker"), std::string::npos);
  EXPECT_NE(read("TPOX\n8\t1\n\ntpox\n8\t1\n").find("given twice"), std::string::npos);
  EXPECT_NE(read("TPOX\nA\t1\n").find("not an allele"), std::string::npos);
}

TEST(FrequencyTable, UnseenAllelesGetTheMinimumAndTheMarkerIsRescaled) {
  FrequencyTable t({{"TPOX", {80, 110}, {0.6, 0.4}}});
  Profile p{"remains-1", {{75, 80}}, "", 0};
  const auto added = t.add_unseen({p});
  ASSERT_EQ(added, std::vector<std::string>{"TPOX 7.5"});
  const double sum = 1 + t.minimum_frequency();
  EXPECT_NEAR(t.frequency(0, 75), t.minimum_frequency() / sum, 1e-15);
  EXPECT_NEAR(t.frequency(0, 80), 0.6 / sum, 1e-15);
}

TEST(Profiles, LongAndWideTablesReadAlike) {
  testing::ScratchDir dir;
  const FrequencyTable t = FrequencyTable::read(kWestAsia);
  const std::string long_table =
      dir.write("long.csv",
                "Sample Name,Marker,Allele 1,Allele 2\nref-1,TPOX,8,11\nref-1,PENTA_E,12,12\n"
                "ref-1,AMEL,X,Y\nref-2,TPOX,8,\nref-2,D1S1656,15.3,17.3\n");
  const std::string wide_table =
      dir.write("wide.csv",
                "sample,TPOX,TPOX,Penta E_1,Penta E_2,D1S1656 Allele 1,D1S1656 Allele 2,AMEL,AMEL\n"
                "ref-1,8,11,12,12,,,X,Y\nref-2,8,,,,15.3,17.3,,\n");
  const auto a = read_profiles(long_table, t), b = read_profiles(wide_table, t);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a[i].sample, b[i].sample);
    EXPECT_EQ(a[i].markers, b[i].markers);
    EXPECT_EQ(a[i].sex, b[i].sex);
  }
  const size_t tpox = static_cast<size_t>(t.marker_index("TPOX"));
  EXPECT_EQ(a[0].markers[tpox], (Genotype{80, 110}));
  EXPECT_EQ(a[1].markers[tpox], (Genotype{80, 80}));
  EXPECT_EQ(a[0].sex, "male");
  EXPECT_EQ(a[0].typed_markers(), 2u);
  EXPECT_EQ(a[1].markers[static_cast<size_t>(t.marker_index("D1S1656"))], (Genotype{153, 173}));
}

TEST(Profiles, BadProfilesNameSampleAndMarker) {
  testing::ScratchDir dir;
  const FrequencyTable t = FrequencyTable::read(kWestAsia);
  const auto read = [&](const std::string& text) {
    return error_of([&] { read_profiles(dir.write("p.csv", text), t); });
  };
  const std::string head = "sample,marker,allele1,allele2\n";
  // A marker on two rows is refused, not merged: 15,15 and 18,18 are not 15/18.
  std::string e = read(head + "bone-7,vWA,15,15\nbone-7,TPOX,8,\nbone-7,vWA,18,18\n");
  EXPECT_NE(e.find("given again for sample bone-7 (first at "), std::string::npos) << e;
  EXPECT_NE(e.find("p.csv row 2)"), std::string::npos) << e;
  EXPECT_NE(e.find("p.csv row 4"), std::string::npos) << e;
  EXPECT_NE(e.find("18,18"), std::string::npos) << e;
  e = read(head + "bone-7,TPOX,8,9\nbone-7,TPOX,8,9\n");  // even the same genotype twice
  EXPECT_NE(e.find("given again"), std::string::npos) << e;
  e = read(head + "bone-7,AMEL,X,Y\nbone-7,amelogenin,X,X\n");
  EXPECT_NE(e.find("given again"), std::string::npos) << e;
  // Another sample's row for the same marker is fine.
  EXPECT_EQ(read(head + "bone-7,TPOX,8,9\nbone-8,TPOX,8,9\n"), "(no error)");
  e = read("sample,marker,allele1,allele2,allele3\nbone-7,TPOX,8,9,10\n");
  EXPECT_NE(e.find("three alleles"), std::string::npos) << e;
  e = read(head + "bone-7,D99S99,8,9\n");
  EXPECT_NE(e.find("D99S99"), std::string::npos) << e;
  EXPECT_NE(e.find("not in the frequency table"), std::string::npos) << e;
  e = read(head + "bone-7,TPOX,8,nine\n");
  EXPECT_NE(e.find("'nine'"), std::string::npos) << e;
  e = read("sample,marker,allele1,allele2,dropout\nbone-7,TPOX,8,9,1.5\n");
  EXPECT_NE(e.find("dropout"), std::string::npos) << e;
  e = read("sample,TPOX,TPOX\nref-1,8,9\nref-1,8,8\n");
  EXPECT_NE(e.find("given twice"), std::string::npos) << e;
  e = read("sample,TPOX,FGA\nref-1,8,9\n");
  EXPECT_NE(e.find("two columns per marker"), std::string::npos) << e;
}

}  // namespace
}  // namespace athar::kinship
