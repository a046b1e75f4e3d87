// The in-memory person index answers exactly as the scan of the table does, before and after
// persons are added and changed.
#include "matching/person_search.h"

#include <gtest/gtest.h>

#include <random>

#include "linkage/simulate.h"
#include "postgresql_support.h"
#include "registry/registry.h"
#include "store/database.h"
#include "test_support.h"

namespace athar::matching {
namespace {

registry::Record person_of(const linkage::SimulatedRecord& s) {
  registry::Record r(registry::kind_spec(registry::Kind::kPerson));
  const std::string suffix = s.latin ? "_lat" : "_ar";
  r.set("given_name" + suffix, s.given);
  r.set("father_name" + suffix, s.father);
  r.set("grandfather_name" + suffix, s.grandfather);
  r.set("family_name" + suffix, s.family);
  r.set("birth_date", s.birth);
  r.set("role", "victim");
  return r;
}

void expect_same(const std::vector<PersonHit>& scan, const std::vector<PersonHit>& index,
                 const std::string& query) {
  ASSERT_EQ(scan.size(), index.size()) << query;
  for (size_t i = 0; i < scan.size(); ++i) {
    EXPECT_EQ(scan[i].id, index[i].id) << query << " hit " << i;
    EXPECT_EQ(scan[i].score, index[i].score) << query << " hit " << i;
    EXPECT_EQ(scan[i].name_ar, index[i].name_ar);
    EXPECT_EQ(scan[i].name_lat, index[i].name_lat);
  }
}

TEST(PersonIndex, AnswersAsTheScanDoesBeforeAndAfterChanges) {
  testing::ScratchDir dir;
  auto db = store::open(testing::fresh_test_database_url(dir), store::OpenMode::kCreate);
  registry::Registry::prepare_schema(*db);
  registry::Registry reg(*db, "tester");
  linkage::SimulationConfig config;
  config.population = 1500;
  const linkage::Simulation sim = linkage::simulate_lists(config);
  const size_t first_batch = sim.records.size() / 2;
  {
    registry::Registry::Transaction tx(reg);
    for (size_t i = 0; i < first_batch; ++i) reg.add(person_of(sim.records[i]), {}, "sim");
    tx.commit();
  }
  PersonIndex index;
  index.refresh(reg);
  EXPECT_EQ(index.persons(), first_batch);
  // Another index asked only at the usual threshold: its cached parts keep only what can reach
  // it, and are extended (not recomputed) when persons are added.
  PersonIndex strict;
  strict.refresh(reg);
  std::mt19937 rng(7);
  // Queries as people type them: a given and a family name, one name, three names; either
  // script; some misspelt.
  const auto queries = [&](size_t count) {
    std::vector<std::string> out;
    for (size_t q = 0; q < count; ++q) {
      const auto& r = sim.records[rng() % sim.records.size()];
      const auto& other = sim.records[rng() % sim.records.size()];
      switch (q % 4) {
        case 0:
          out.push_back(r.given + " " + r.family);
          break;
        case 1:
          out.push_back(r.family);
          break;
        case 2:
          out.push_back(r.given + " " + r.father + " " + other.family);
          break;
        default:
          out.push_back(r.given.substr(0, r.given.size() - 1) + " " + r.family);
      }
    }
    return out;
  };
  for (double min_score : {0.8, 0.6, 0.0}) {
    for (const std::string& q : queries(30)) {
      if (q.find_first_not_of(' ') == std::string::npos) continue;
      const SearchOptions options{10, min_score};
      expect_same(search_persons(reg, q, options), index.search(q, options), q);
      if (min_score == 0.8)
        expect_same(search_persons(reg, q, options), strict.search(q, options), q);
    }
  }
  // More persons, and one person renamed: the index follows after a refresh.
  {
    registry::Registry::Transaction tx(reg);
    for (size_t i = first_batch; i < sim.records.size(); ++i)
      reg.add(person_of(sim.records[i]), {}, "sim");
    reg.update("person-000001", {{"given_name_lat", "Zuhayr"}, {"given_name_ar", ""}}, {});
    tx.commit();
  }
  index.refresh(reg);
  strict.refresh(reg);
  EXPECT_EQ(index.persons(), sim.records.size());
  rng.seed(7);  // the same queries again (their parts are cached), then new ones
  for (const std::string& q : queries(90)) {
    if (q.find_first_not_of(' ') == std::string::npos) continue;
    expect_same(search_persons(reg, q, {10, 0.8}), index.search(q, {10, 0.8}), q);
    expect_same(search_persons(reg, q, {10, 0.8}), strict.search(q, {10, 0.8}), q);
  }
  const auto renamed = index.search("Zuhayr", {5, 0.95});
  ASSERT_FALSE(renamed.empty());
  EXPECT_EQ(renamed.front().id, "person-000001");
}

}  // namespace
}  // namespace athar::matching
