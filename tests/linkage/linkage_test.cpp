#include "linkage/linkage.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "linkage/evaluate.h"

namespace athar::linkage {
namespace {

// A small population of synthetic persons in two lists, the second partly in Latin script.
Dataset two_lists() {
  Dataset d({"given", "family", "year"});
  const char* arabic[][3] = {{"محمد", "الحسن", "1985"},     {"أحمد", "الخطيب", "1990"},
                             {"سامر", "التجريبي", "1979"},  {"فادي", "النموذجي", "1988"},
                             {"رامي", "المثالي", "1992"},   {"وسيم", "العيني", "1983"},
                             {"مازن", "المرجعي", "1975"},   {"نور", "الافتراضي", "1995"},
                             {"باسل", "الاختباري", "1970"}, {"هالة", "التمثيلي", "1986"}};
  for (auto& r : arabic) d.add("list-a", {r[0], r[1], r[2]});
  const char* latin[][3] = {{"Mohamed", "al-Hassan", "1985"}, {"Ahmad", "Alkhatib", "1991"},
                            {"Samer", "al-Tajribi", "1979"},  {"Fadi", "al-Namudhaji", "1988"},
                            {"Rami", "al-Mithali", "1992"},   {"Khaled", "al-Bahri", "1960"},
                            {"Omar", "al-Sayed", "1950"},     {"Layla", "Haddad", "1999"}};
  for (auto& r : latin) d.add("list-b", {r[0], r[1], r[2]});
  return d;
}

LinkageConfig config() {
  LinkageConfig c;
  c.fields = {{"given", Comparison::kName, true},
              {"family", Comparison::kName, true},
              {"year", Comparison::kYear}};
  c.blocking = {{{"family"}}, {{"given", "year"}}};
  c.link_only_across_lists = true;
  c.threshold = 0.5;
  return c;
}

TEST(Linkage, LinksTheSamePersonAcrossScripts) {
  const Dataset d = two_lists();
  const LinkageResult r = link(d, config());
  // Records 0..4 of list A are records 10..14 of list B.
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(r.cluster[i], r.cluster[10 + i]) << d.value(i, 0);
  for (uint32_t i = 5; i < 10; ++i) {
    for (uint32_t j = 10; j < d.size(); ++j) EXPECT_NE(r.cluster[i], r.cluster[j]) << i << " " << j;
  }
  EXPECT_EQ(r.clusters, d.size() - 5);
  for (const auto& l : r.links) EXPECT_NE(d.list(l.a), d.list(l.b));
}

TEST(Linkage, ExplainsEachFieldsWeight) {
  const Dataset d = two_lists();
  const LinkageConfig c = config();
  const LinkageResult r = link(d, c);
  const ScoredPair same = explain(d, c, r.model, 2, 12);  // Samer al-Tajribi 1979 twice
  const ScoredPair other = explain(d, c, r.model, 2, 15);
  ASSERT_EQ(same.field_weights.size(), 3u);
  double sum = std::log2(r.model.prior / (1 - r.model.prior));
  for (double w : same.field_weights) sum += w;
  EXPECT_NEAR(sum, same.weight, 1e-9);
  EXPECT_GT(same.probability, 0.9);
  EXPECT_LT(other.probability, 0.1);
  EXPECT_GT(same.field_weights[2], 0);  // same year is evidence for
  EXPECT_LT(other.field_weights[2], 0);
}

TEST(Linkage, RejectsBadConfiguration) {
  const Dataset d = two_lists();
  LinkageConfig c = config();
  c.fields.push_back({"nickname", Comparison::kName});
  EXPECT_THROW(link(d, c), core::InputError);
  c = config();
  c.blocking = {{{"year", "colour"}}};
  EXPECT_THROW(link(d, c), core::InputError);
  Dataset bad({"a", "b"});
  EXPECT_THROW(bad.add("x", {"only one"}), core::InputError);
}

TEST(Evaluate, PairCounts) {
  const std::vector<std::string> truth = {"1", "1", "1", "2", "3"};
  const auto links =
      evaluate_links(std::vector<std::pair<uint32_t, uint32_t>>{{0, 1}, {1, 2}, {3, 4}}, truth);
  EXPECT_EQ(links.true_pairs, 3u);
  EXPECT_EQ(links.correct_pairs, 2u);
  EXPECT_NEAR(links.precision, 2.0 / 3, 1e-12);
  EXPECT_NEAR(links.recall, 2.0 / 3, 1e-12);
  const auto clusters = evaluate_clusters({0, 0, 0, 1, 2}, truth);
  EXPECT_EQ(clusters.f1, 1.0);
}

}  // namespace
}  // namespace athar::linkage

namespace athar::linkage {
namespace {

TEST(Linkage, SwappedNamePartsAreComparedCrosswise) {
  Dataset d({"given", "family", "year"});
  d.add("a", {"Samer", "Tajribi", "1979"});
  d.add("b", {"Tajribi", "Samer", "1979"});
  for (int i = 0; i < 30; ++i) {
    d.add("a", {"Given" + std::to_string(i), "Family" + std::to_string(i % 7),
                std::to_string(1950 + i)});
  }
  LinkageConfig c;
  c.fields = {
      {"given", Comparison::kName}, {"family", Comparison::kName}, {"year", Comparison::kYear}};
  c.blocking = {{{"year"}}};
  c.em_iterations = 0;  // the starting model is enough to compare the two settings
  const LinkageResult plain = link(d, c);
  const double apart = explain(d, c, plain.model, 0, 1).probability;
  c.swappable = {{"given", "family"}};
  const double crosswise = explain(d, c, plain.model, 0, 1).probability;
  EXPECT_GT(crosswise, apart);
  c.swappable = {{"given", "year"}};
  EXPECT_THROW(link(d, c), core::InputError);
}

}  // namespace
}  // namespace athar::linkage

namespace athar::linkage {
namespace {

TEST(Linkage, AlternativeBlockingFieldsMeetSwappedNames) {
  Dataset d({"given", "family", "year"});
  d.add("a", {"Samer", "Tajribi", "1979"});
  d.add("b", {"Tajribi", "Samer", "1981"});
  // Others with names whose sound keys all differ.
  const std::string consonants = "bdfgklmnrstz";
  for (size_t i = 0; i < 20; ++i) {
    const std::string name = {consonants[i % 12], 'a', consonants[i / 12 + 6], 'u'};
    d.add("a", {"", name + "ov", std::to_string(1950 + i)});
  }
  LinkageConfig c;
  c.fields = {
      {"given", Comparison::kName}, {"family", Comparison::kName}, {"year", Comparison::kYear}};
  c.swappable = {{"given", "family"}};
  c.keep_scores = true;
  c.blocking = {{{"family"}}};
  EXPECT_EQ(link(d, c).candidate_pairs, 0u);
  c.blocking = {{{"given|family"}}};
  const LinkageResult r = link(d, c);
  ASSERT_EQ(r.candidate_pairs, 1u);  // proposed once although both of its keys meet
  EXPECT_EQ(std::get<0>(r.scores[0]) + std::get<1>(r.scores[0]), 1u);
}

// Comparison levels as documented: years by distance, dates whole or partial.
TEST(Linkage, YearsAndDatesComparedByDistance) {
  Dataset d({"year", "date"});
  const char* rows[][2] = {{"1985", "1985-03-12"}, {"1985", "1985-03-12"}, {"1986", "1985-12-03"},
                           {"1987", "1985"},       {"1958", "1958-03-12"}, {"1995", "1987-11-30"}};
  for (auto& r : rows) d.add("l", {r[0], r[1]});
  LinkageConfig c;
  c.fields = {{"year", Comparison::kYear}, {"date", Comparison::kDate}};
  c.blocking = {{{"year"}}};
  Model m;
  m.prior = 0.5;
  for (const char* name : {"year", "date"}) {
    FieldModel f;
    f.name = name;
    const size_t levels = std::string(name) == "year" ? 6 : 8;
    f.m.assign(levels, 0.0);
    f.u.assign(levels, 0.0);
    for (size_t l = 1; l < levels; ++l) {
      f.m[l] = static_cast<double>(l);  // weight log2(l / 1): the level can be read back
      f.u[l] = 1;
    }
    m.fields.push_back(f);
  }
  const auto level = [&](uint32_t a, uint32_t b, size_t field) {
    return static_cast<int>(std::lround(std::exp2(explain(d, c, m, a, b).field_weights[field])));
  };
  EXPECT_EQ(level(0, 1, 0), 5);  // same year
  EXPECT_EQ(level(0, 2, 0), 4);  // one apart (a year from an age)
  EXPECT_EQ(level(0, 3, 0), 2);  // two apart (brothers often are)
  EXPECT_EQ(level(0, 4, 0), 3);  // 1958 for 1985: digits swapped
  EXPECT_EQ(level(0, 5, 0), 1);  // 1995 is one digit from 1985 but ten years: different
  EXPECT_EQ(level(0, 1, 1), 7);  // the same full date
  EXPECT_EQ(level(0, 2, 1), 6);  // day and month swapped
  EXPECT_EQ(level(0, 3, 1), 5);  // only the year known on one side: same year
  EXPECT_EQ(level(0, 4, 1), 6);  // 1958-03-12 for 1985-03-12: one typo in the date
  EXPECT_EQ(level(0, 5, 1), 2);  // two years apart
}

// A rule part written "a+b" takes both fields in either order.
TEST(Linkage, UnorderedBlockingPartMeetsSwappedNames) {
  Dataset d({"given", "family"});
  d.add("l", {"Samer", "al-Tajribi"});
  d.add("l", {"al-Tajribi", "Samer"});
  d.add("l", {"Samer", "al-Mithali"});
  LinkageConfig c;
  c.fields = {{"given", Comparison::kName}, {"family", Comparison::kName}};
  c.keep_scores = true;
  c.blocking = {{{"given", "family"}}};
  EXPECT_EQ(link(d, c).candidate_pairs, 0u);
  c.blocking = {{{"given+family"}}};
  const LinkageResult r = link(d, c);
  ASSERT_EQ(r.candidate_pairs, 1u);
  EXPECT_EQ(std::get<0>(r.scores[0]) + std::get<1>(r.scores[0]), 1u);
  // A rule whose blocks are larger than its own limit proposes nothing there.
  c.blocking = {{{"given"}, 1}};
  EXPECT_EQ(link(d, c).candidate_pairs, 0u);
  EXPECT_EQ(link(d, c).skipped_blocks, 1u);
}

// A pair that met only in a block an earlier rule skipped (too common a key) was proposed by no
// rule: a later rule that puts it in a block of its own proposes it.
TEST(Linkage, PairsOfASkippedBlockAreLeftToLaterRules) {
  Dataset d({"given", "family"});
  d.add("l", {"Samer", "al-Tajribi"});
  d.add("l", {"Samer", "al-Tajribi"});
  d.add("l", {"Rami", "al-Tajribi"});
  LinkageConfig c;
  c.fields = {{"given", Comparison::kName}, {"family", Comparison::kName}};
  c.keep_scores = true;
  c.blocking = {{{"family"}, 2}, {{"given"}}};
  const LinkageResult r = link(d, c);
  EXPECT_EQ(r.skipped_blocks, 1u);
  ASSERT_EQ(r.candidate_pairs, 1u);
  EXPECT_EQ(r.candidates_per_rule[1], 1u);
  EXPECT_EQ(std::get<0>(r.scores[0]) + std::get<1>(r.scores[0]), 1u);
}

// Brothers agree on father and family name: a joint group weighs that agreement by how many
// records share the combination, not as two independent rare facts.
TEST(Linkage, JointGroupCapsAgreementOnASharedLineage) {
  Dataset d({"given", "father", "family"});
  const char* given[] = {"سامر", "فادي", "رامي", "باسل", "وسيم", "مازن", "نزار", "طارق"};
  for (const char* g : given) d.add("l", {g, "محمد", "التجريبي"});  // eight brothers
  for (int i = 0; i < 40; ++i) {
    d.add("l", {given[i % 8], "أحمد", "المثالي" + std::string(i % 2 ? "ي" : "")});
  }
  LinkageConfig c;
  c.fields = {{"given", Comparison::kName, true},
              {"father", Comparison::kName, true},
              {"family", Comparison::kName, true}};
  c.blocking = {{{"family"}}};
  Model m;
  m.prior = 0.01;
  for (const char* name : {"given", "father", "family"}) {
    FieldModel f;
    f.name = name;
    f.m = {0, 0.01, 0.01, 0.02, 0.06, 0.9};
    f.u = {0, 0.9, 0.05, 0.03, 0.01, 0.01};
    m.fields.push_back(f);
  }
  const auto lineage_weight = [&](const LinkageConfig& config) {
    const ScoredPair s = explain(d, config, m, 0, 1);
    return s.field_weights[1] + s.field_weights[2];
  };
  const double independent = lineage_weight(c);
  c.joint_groups = {{"father", "family"}};
  const double joint = lineage_weight(c);
  // Eight of 48 records hold the lineage (six besides the pair): about log2(48 / 6) = 3 bits.
  EXPECT_LT(joint, independent - 1);
  EXPECT_NEAR(joint, std::log2(0.9) * 2 + std::log2(48.0 / 6.0), 0.01);
  c.joint_groups = {{"father"}};
  EXPECT_THROW(link(d, c), core::InputError);
}

// Records of one list that differ in given name and sex are never one entity without an
// analyst's decision, however strong the links that would chain them.
TEST(Linkage, RecordsOfOneListDifferingInGivenNameAndSexStayApart) {
  Dataset d({"given", "sex", "family"});
  d.add("l", {"سامر", "male", "التجريبي"});
  d.add("l", {"سلمى", "female", "التجريبي"});
  d.add("other", {"سامر", "", "التجريبي"});
  LinkageConfig c;
  c.fields = {
      {"given", Comparison::kName}, {"sex", Comparison::kExact}, {"family", Comparison::kName}};
  c.blocking = {{{"family"}}};
  c.threshold = 1e-9;  // every candidate a link
  EXPECT_EQ(link(d, c).clusters, 1u);
  c.apart_within_list = {"given", "sex"};
  const LinkageResult r = link(d, c);
  EXPECT_NE(r.cluster[0], r.cluster[1]);
  c.decisions = {{0, 1, true}};  // an analyst may still join them
  EXPECT_EQ(link(d, c).cluster[0], link(d, c).cluster[1]);
}

// A chain of links does not join two records that clearly differ (join_floor).
TEST(Linkage, JoinFloorStopsChainsThroughDamagedRecords) {
  Dataset d({"given", "year"});
  d.add("a", {"Samer", "1970"});
  d.add("b", {"Samer", ""});
  d.add("c", {"Samer", "1990"});
  LinkageConfig c;
  c.fields = {{"given", Comparison::kName}, {"year", Comparison::kYear}};
  c.blocking = {{{"given"}}};
  c.u_sample_pairs = 10;
  c.threshold = 1e-9;
  EXPECT_EQ(link(d, c).clusters, 1u);
  c.join_floor = 0.5;
  const LinkageResult r = link(d, c);
  EXPECT_NE(r.cluster[0], r.cluster[2]);
}

// Two spellings both common in Arabic script are two names (محمد and محمود), not a typo.
TEST(Linkage, CommonArabicNamesAreNotTyposOfEachOther) {
  Dataset d({"given"});
  for (int i = 0; i < 30; ++i) d.add("l", {"محمد"});
  for (int i = 0; i < 20; ++i) d.add("l", {"محمود"});
  d.add("l", {"محمدد"});  // a typo: rare
  d.add("l", {"Mahmoud"});
  for (int i = 0; i < 12; ++i) d.add("m", {i % 2 ? "Mahmoud" : "Mohammad"});
  LinkageConfig c;
  c.fields = {{"given", Comparison::kName}};
  c.blocking = {{{"given"}}};
  Model m;
  m.prior = 0.5;
  FieldModel f;
  f.name = "given";
  f.m = {0, 1, 2, 3, 4, 5};
  f.u = {0, 1, 1, 1, 1, 1};
  m.fields.push_back(f);
  const auto level = [&](uint32_t a, uint32_t b) {
    return static_cast<int>(std::lround(std::exp2(explain(d, c, m, a, b).field_weights[0])));
  };
  EXPECT_EQ(level(0, 30), 1);  // محمد / محمود: different names
  EXPECT_GE(level(0, 50), 4);  // محمد / محمدد: a typo, close
  EXPECT_EQ(level(0, 51), 1);  // Mahmoud is محمود, not محمد
  EXPECT_EQ(level(30, 51), 5);
  EXPECT_EQ(level(0, 52), 5);  // Mohammad is محمد
}

}  // namespace
}  // namespace athar::linkage
