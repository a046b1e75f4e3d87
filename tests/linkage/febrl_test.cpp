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

// The fields a victim list has are measured through the person list reader and configuration
// (tests/matching/person_linkage_test.cpp, PersonLinkage.FebrlThroughTheListReader).

}  // namespace
}  // namespace athar::linkage
