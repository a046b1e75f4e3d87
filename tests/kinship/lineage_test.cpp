// Lineage markers, against figures worked by hand (the bounds by an independent bisection on the
// binomial distribution in Python, exact sums).
#include "kinship/lineage.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "test_support.h"

namespace athar::kinship {
namespace {

Haplotype y(const std::string& text, const std::string& sample = "s") {
  Haplotype h = parse_haplotype(Lineage::kPaternal, text, "test");
  h.sample = sample;
  return h;
}
Haplotype mt(const std::string& text, const std::string& sample = "s") {
  Haplotype h = parse_haplotype(Lineage::kMaternal, text, "test");
  h.sample = sample;
  return h;
}

TEST(Lineage, CountingMethodWithItsUpperBound) {
  // Never seen among 100: 1 − 0.05^(1/100).
  const HaplotypeFrequency none = counting_frequency(0, 100, 0.95);
  EXPECT_NEAR(none.upper, 0.029513049607039932, 1e-15);
  EXPECT_EQ(none.estimate, 0);
  // Seen 3 times among 100: the Clopper–Pearson bound, P(X ≤ 3 | 100, p) = 0.05.
  EXPECT_NEAR(counting_frequency(3, 100, 0.95).upper, 0.07571079374983009, 1e-12);
  EXPECT_NEAR(counting_frequency(1, 20, 0.95).upper, 0.2161061642068473, 1e-12);
  EXPECT_NEAR(counting_frequency(3, 100, 0.99).upper, 0.09697104526534445, 1e-12);
  EXPECT_EQ(counting_frequency(5, 5, 0.95).upper, 1);
  EXPECT_THROW(counting_frequency(0, 0, 0.95), core::InputError);
  EXPECT_THROW(counting_frequency(0, 10, 1), core::InputError);
}

TEST(Lineage, HaplotypesReadInOneCanonicalForm) {
  EXPECT_EQ(haplotype_text(Lineage::kPaternal, y("DYS385=14,11; DYS19=14;DYS391=")),
            "DYS19=14;DYS385=11,14");
  EXPECT_EQ(haplotype_text(Lineage::kMaternal, mt("16519c, 263G 315.1C;523- 73G")),
            "73G 263G 315.1C 523del 16519C");
  EXPECT_THROW(y("DYS19=14;DYS19=15"), core::InputError);
  try {
    y("DYS19=fourteen");
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("DYS19"), std::string::npos) << e.what();
  }
  EXPECT_THROW(y("DYS19"), core::InputError);
  EXPECT_THROW(mt("16519"), core::InputError);
  EXPECT_THROW(mt("263G 263G"), core::InputError);
}

TEST(Lineage, DatabaseCountsOnlyThoseTypedAtTheQuerysLoci) {
  athar::testing::ScratchDir dir;
  const std::string path = dir.write("y.csv",
                                     "haplotype,count\n"
                                     "DYS19=14;DYS390=24;DYS391=10,5\n"
                                     "DYS19=14;DYS390=24,3\n"
                                     "DYS19=15;DYS390=24;DYS391=10,2\n"
                                     "DYS19=14,1\n");  // not typed at DYS390
  const HaplotypeDatabase db = HaplotypeDatabase::read(path, Lineage::kPaternal);
  EXPECT_EQ(db.size(), 11u);
  EXPECT_EQ(db.matches(y("DYS19=14;DYS390=24")), std::make_pair(size_t{10}, size_t{8}));
  EXPECT_EQ(db.matches(y("DYS19=14;DYS390=24;DYS391=10")), std::make_pair(size_t{7}, size_t{5}));
  EXPECT_THROW(HaplotypeDatabase::read(dir.write("bad.csv", "haplotype,count\nDYS19=14,0\n"),
                                       Lineage::kPaternal),
               core::InputError);
}

HaplotypeDatabase y_database(size_t size) {
  // `size` unrelated men, none carrying the haplotypes compared below.
  std::vector<std::pair<Haplotype, size_t>> entries;
  entries.emplace_back(y("DYS19=13;DYS389I=12;DYS390=22;DYS391=9;DYS393=12"), size);
  return HaplotypeDatabase(Lineage::kPaternal, std::move(entries));
}

TEST(Lineage, PaternalUncleMatchesAndAFatherOneMutationAway) {
  const std::string hap = "DYS19=14;DYS389I=13;DYS390=24;DYS391=10;DYS393=13";
  LineageOptions options;
  const HaplotypeDatabase db = y_database(100);
  // The same haplotype, an uncle (3 meioses): (1 − μ)^(3·5) / (1 − 0.05^(1/100)).
  LineageComparison c = compare_lineage(db, y(hap, "bone"), y(hap, "uncle"), 3, options);
  EXPECT_EQ(c.conclusion, "match");
  EXPECT_EQ(c.compared, 5u);
  EXPECT_NEAR(c.log10_lr, 15 * std::log10(1 - 0.0025) - std::log10(0.029513049607039932), 1e-12);
  // A father one repeat away at DYS390, against 200 men: (1 − μ)^4 · μ/2 / (1 − 0.05^(1/200)).
  const HaplotypeDatabase db200 = y_database(200);
  c = compare_lineage(db200, y(hap, "bone"),
                      y("DYS19=14;DYS389I=13;DYS390=25;DYS391=10;DYS393=13", "father"), 1, options);
  EXPECT_EQ(c.conclusion, "match_with_mutation");
  ASSERT_EQ(c.differences.size(), 1u);
  EXPECT_EQ(c.differences[0], "DYS390 24/25");
  EXPECT_NEAR(c.log10_lr, -1.0796628570061113, 1e-12);
  // Two repeats apart is not a mutation step: excluded.
  c = compare_lineage(db200, y(hap), y("DYS19=14;DYS389I=13;DYS390=26;DYS391=10;DYS393=13"), 1,
                      options);
  EXPECT_EQ(c.conclusion, "excluded");
  EXPECT_EQ(c.log10_lr, -INFINITY);
  // Only the loci both carry are compared, and the frequency is the remains' at those loci.
  c = compare_lineage(db, y(hap), y("DYS19=14;DYS390=24"), 2, options);
  EXPECT_EQ(c.compared, 2u);
  EXPECT_THROW(compare_lineage(db, y(hap), y("DYS456=15"), 2, options), core::InputError);
  EXPECT_THROW(compare_lineage(db, y(hap), y(hap), 0, options), core::InputError);
}

TEST(Lineage, MaternalLineByDifferencesWithTheta) {
  std::vector<std::pair<Haplotype, size_t>> entries;
  entries.emplace_back(mt("73G 263G 315.1C 16519C"), 3);
  entries.emplace_back(mt("73G 263G 315.1C"), 97);
  const HaplotypeDatabase db(Lineage::kMaternal, std::move(entries));
  LineageOptions options;
  options.theta = 0.01;
  // Seen 3 times in 100, θ 0.01: 1 / (0.01 + 0.99 · 0.0757107937…).
  LineageComparison c = compare_lineage(db, mt("73G 263G 315.1C 16519C", "bone"),
                                        mt("16519C 315.1C 263G 73G", "cousin"), 4, options);
  EXPECT_EQ(c.conclusion, "match");
  EXPECT_NEAR(c.log10_lr, 1.0708177740258735, 1e-12);
  // One difference: inconclusive (no weight); two: excluded (SWGDAM).
  c = compare_lineage(db, mt("73G 263G 315.1C 16519C"), mt("73G 263G 315.1C"), 1, options);
  EXPECT_EQ(c.conclusion, "inconclusive");
  EXPECT_EQ(c.log10_lr, 0);
  c = compare_lineage(db, mt("73G 263G 315.1C 16519C"), mt("73G 315.1C"), 1, options);
  EXPECT_EQ(c.conclusion, "excluded");
  EXPECT_EQ(c.differences, (std::vector<std::string>{"263G", "16519C"}));
}

}  // namespace
}  // namespace athar::kinship
