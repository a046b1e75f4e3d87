#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include "core/encoding.h"

namespace athar::ledger {
namespace {

// MTH by the definition of RFC 9162 §2.1.1, straight from the leaves.
Hash reference_root(const std::vector<Hash>& leaves, size_t begin, size_t end) {
  if (end - begin == 1) return leaves[begin];
  size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return node_hash(reference_root(leaves, begin, begin + k),
                   reference_root(leaves, begin + k, end));
}

std::vector<Bytes> as_bytes(const std::vector<Hash>& proof) {
  std::vector<Bytes> out;
  for (const Hash& h : proof) out.emplace_back(h.begin(), h.end());
  return out;
}

TEST(Merkle, KnownHashes) {
  // RFC 6962 test data: the empty tree and the leaf hash of the empty entry.
  EXPECT_EQ(to_hex(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(leaf_hash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(Merkle, ProofsOfEverySizeVerifyAndMatchTheDefinition) {
  MemoryTree tree;
  std::vector<Hash> leaves;
  for (uint64_t n = 1; n <= 70; ++n) {
    leaves.push_back(leaf_hash("entry " + std::to_string(n)));
    tree.append(leaves.back());
    const Hash root = root_hash(tree, n);
    ASSERT_EQ(root, reference_root(leaves, 0, n)) << n;
    for (uint64_t i = 0; i < n; ++i) {
      const auto proof = as_bytes(inclusion_proof(tree, i, n));
      ASSERT_TRUE(verify_inclusion(i, n, leaves[i], proof, root)) << i << "/" << n;
      ASSERT_FALSE(
          verify_inclusion(i, n, leaves[(i + 1) % n == i ? 0 : (i + 1) % n], proof, root) && n > 1);
    }
    for (uint64_t m = 1; m <= n; ++m) {
      const auto proof = as_bytes(consistency_proof(tree, m, n));
      ASSERT_TRUE(verify_consistency(m, n, root_hash(tree, m), root, proof)) << m << "->" << n;
    }
  }
}

TEST(Merkle, TamperedProofsAreRejected) {
  MemoryTree tree;
  for (int i = 0; i < 13; ++i) tree.append(leaf_hash(std::to_string(i)));
  const Hash root = root_hash(tree, 13);
  auto proof = as_bytes(inclusion_proof(tree, 5, 13));
  const Hash leaf = tree.perfect_subtree(0, 5);
  ASSERT_TRUE(verify_inclusion(5, 13, leaf, proof, root));
  for (size_t p = 0; p < proof.size(); ++p) {
    auto bent = proof;
    bent[p][7] ^= 0x20;
    EXPECT_FALSE(verify_inclusion(5, 13, leaf, bent, root));
  }
  // A size of another shape (13 and 14 share the path's shape from leaf 5; 17 does not).
  EXPECT_FALSE(verify_inclusion(5, 17, leaf, proof, root));
  EXPECT_FALSE(verify_inclusion(4, 13, leaf, proof, root));
  auto longer = proof;
  longer.push_back(proof[0]);
  EXPECT_FALSE(verify_inclusion(5, 13, leaf, longer, root));

  const auto consistency = as_bytes(consistency_proof(tree, 6, 13));
  const Hash root6 = root_hash(tree, 6);
  ASSERT_TRUE(verify_consistency(6, 13, root6, root, consistency));
  Hash other = root6;
  other[0] ^= 1;
  EXPECT_FALSE(verify_consistency(6, 13, other, root, consistency));
  EXPECT_FALSE(verify_consistency(7, 13, root6, root, consistency));
  EXPECT_FALSE(verify_consistency(0, 13, root6, root, {}));
}

TEST(Merkle, CompactRangeFollowsTheTree) {
  MemoryTree tree;
  CompactRange range;
  std::vector<CompactRange::Node> completed;
  for (int i = 0; i < 100; ++i) {
    const Hash leaf = leaf_hash(std::to_string(i));
    tree.append(leaf);
    completed.clear();
    range.append(leaf, completed);
    for (const auto& node : completed) {
      EXPECT_EQ(node.hash, tree.perfect_subtree(node.level, node.index));
    }
    ASSERT_EQ(range.root(), root_hash(tree, tree.size()));
    const CompactRange rebuilt = CompactRange::of(tree, tree.size());
    ASSERT_EQ(rebuilt.root(), range.root());
  }
}

}  // namespace
}  // namespace athar::ledger
