// Accuracy on the public FEBRL data, held at the figures measured (docs/linkage.md).
#include "linkage/febrl.h"

#include <gtest/gtest.h>

#include "linkage/evaluate.h"

namespace athar::linkage {
namespace {

const std::string kData = std::string(ATHAR_SOURCE_DIR) + "/tests/linkage/data/";

struct Accuracy {
  PairAccuracy links, clusters;
};

Accuracy run(const std::string& file, LinkageConfig c) {
  const FebrlData f = read_febrl(kData + file);
  c.u_sample_pairs = 200000;  // enough for u here, and quick under the sanitizers
  const LinkageResult r = link(f.data, c);
  const Accuracy a{evaluate_links(r.links, f.truth), evaluate_clusters(r.cluster, f.truth)};
  std::printf("%s: links P %.4f R %.4f F1 %.4f; entities P %.4f R %.4f F1 %.4f\n", file.c_str(),
              a.links.precision, a.links.recall, a.links.f1, a.clusters.precision,
              a.clusters.recall, a.clusters.f1);
  return a;
}

TEST(Febrl, AllFieldsDataset2) {
  EXPECT_GE(run("dataset2.csv", febrl_all_fields()).links.f1, 0.995);
}
TEST(Febrl, AllFieldsDataset1) {
  EXPECT_GE(run("dataset1.csv", febrl_all_fields()).links.f1, 0.995);
}

// Victim-list fields only (given name, surname, birth year, suburb, state): goal 0.97 on
// dataset2, met by the entities (clusters); the pairwise links alone reach 0.96.
TEST(Febrl, VictimListFieldsDataset2) {
  const Accuracy a = run("dataset2.csv", febrl_victim_list_fields());
  EXPECT_GE(a.clusters.f1, 0.97);
  EXPECT_GE(a.links.f1, 0.955);
}

}  // namespace
}  // namespace athar::linkage
