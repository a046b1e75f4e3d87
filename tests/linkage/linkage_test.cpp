#include "linkage/linkage.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "linkage/evaluate.h"
#include "linkage/simulate.h"

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

// Results do not depend on how many threads score the pairs.
TEST(Linkage, SameResultOnOneThreadAndMany) {
  SimulationConfig sc;
  sc.population = 3000;
  std::vector<std::string> truth;
  const Dataset d = simulation_dataset(simulate_lists(sc), &truth);
  LinkageConfig c = simulation_linkage_config();
  c.threads = 1;
  const LinkageResult one = link(d, c);
  c.threads = 3;
  const LinkageResult three = link(d, c);
  EXPECT_EQ(one.candidate_pairs, three.candidate_pairs);
  EXPECT_EQ(one.model.prior, three.model.prior);
  ASSERT_EQ(one.links.size(), three.links.size());
  for (size_t i = 0; i < one.links.size(); ++i) {
    EXPECT_EQ(one.links[i].a, three.links[i].a);
    EXPECT_EQ(one.links[i].probability, three.links[i].probability);
  }
  EXPECT_EQ(one.cluster, three.cluster);
}

// On synthetic Syrian-style lists with known truth: entities precise, the prior near the truth,
// at most one record of each list per entity, and cluster sizes that add up.
TEST(Linkage, SimulatedListsWithTheirTruth) {
  SimulationConfig sc;
  sc.population = 10000;
  std::vector<std::string> truth;
  const Dataset d = simulation_dataset(simulate_lists(sc), &truth);
  const LinkageResult r = link(d, simulation_linkage_config());
  const PairAccuracy entities = evaluate_clusters(r.cluster, truth);
  EXPECT_GE(entities.precision, 0.98);
  EXPECT_GE(entities.f1, 0.85);
  // Matches expected by the model against the true pairs (blocking loses about a tenth).
  EXPECT_NEAR(r.expected_matches / static_cast<double>(entities.true_pairs), 0.85, 0.1);
  std::map<uint32_t, std::set<uint32_t>> lists_of_entity;
  for (uint32_t i = 0; i < d.size(); ++i)
    EXPECT_TRUE(lists_of_entity[r.cluster[i]].insert(d.list(i)).second);
  size_t records = 0, entity_count = 0;
  for (size_t k = 0; k < r.cluster_sizes.size(); ++k) {
    records += k * r.cluster_sizes[k];
    entity_count += r.cluster_sizes[k];
  }
  EXPECT_EQ(records, d.size());
  EXPECT_EQ(entity_count, r.clusters);
  EXPECT_LE(r.cluster_sizes.size(), 4u);  // three lists: at most three records
}

}  // namespace
}  // namespace athar::linkage
