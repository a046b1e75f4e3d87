// RFC 9162 (Certificate Transparency v2, the successor of RFC 6962) Merkle tree hashing and
// proofs, with no storage of its own: trees are read through a NodeSource.
//
//   leaf_hash(entry)            = SHA-256(0x00 || entry)          (RFC 9162 §2.1.1)
//   node_hash(left, right)      = SHA-256(0x01 || left || right)
//   inclusion_proof / verify_inclusion      (§2.1.3.1, §2.1.3.2)
//   consistency_proof / verify_consistency  (§2.1.4.1, §2.1.4.2)
//
//   MemoryTree tree; tree.append(leaf_hash("a")); ...
//   auto proof = inclusion_proof(tree, 3, tree.size());
//   bool ok = verify_inclusion(3, tree.size(), leaf, proof, subtree_hash(tree, 0, tree.size()));
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ledger/hash.h"

namespace athar::ledger {

using Bytes = std::vector<uint8_t>;

Hash leaf_hash(std::string_view entry);
Hash node_hash(const Hash& left, const Hash& right);
// The root of an empty tree: SHA-256 of nothing.
Hash empty_root();

// Reads the hash of a perfect, aligned subtree: the 2^level leaves starting at index << level.
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  virtual Hash perfect_subtree(unsigned level, uint64_t index) const = 0;
};

// MTH of leaves [begin, end) (begin < end), from O(log n) perfect subtrees.
Hash subtree_hash(const NodeSource& tree, uint64_t begin, uint64_t end);
// The root of the first `size` leaves (empty_root() for 0).
Hash root_hash(const NodeSource& tree, uint64_t size);

// PATH(index, D[size]). Requires index < size.
std::vector<Hash> inclusion_proof(const NodeSource& tree, uint64_t index, uint64_t size);
// PROOF(size1, D[size2]). Requires 0 < size1 <= size2.
std::vector<Hash> consistency_proof(const NodeSource& tree, uint64_t size1, uint64_t size2);

// True only when `proof` proves the leaf at `index` is in the tree of `size` with `root`.
// Hashes are byte strings so that malformed input (wrong lengths) is simply rejected.
bool verify_inclusion(uint64_t index, uint64_t size, std::span<const uint8_t> leaf,
                      std::span<const Bytes> proof, std::span<const uint8_t> root);
// True only when `proof` proves the tree of size2 with root2 extends the one of size1 with
// root1. Athar rejects size1 = 0: consistency with an empty tree proves nothing.
bool verify_consistency(uint64_t size1, uint64_t size2, std::span<const uint8_t> root1,
                        std::span<const uint8_t> root2, std::span<const Bytes> proof);

// A whole tree in memory: the leaf hashes and every perfect subtree above them.
class MemoryTree : public NodeSource {
 public:
  void append(const Hash& leaf);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  Hash perfect_subtree(unsigned level, uint64_t index) const override;
  const std::vector<std::vector<Hash>>& levels() const { return levels_; }

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[h][i]: perfect subtree h, i
};

// The right edge of a growing tree: the perfect subtrees whose concatenation is the whole
// tree, largest first. Appending costs O(1) amortised and reports the subtrees it completes.
class CompactRange {
 public:
  struct Node {
    unsigned level;
    uint64_t index;
    Hash hash;
  };
  uint64_t size() const { return size_; }
  // Appends a leaf; `completed` receives every perfect subtree of level >= 1 it closes.
  void append(const Hash& leaf, std::vector<Node>& completed);
  Hash root() const;
  const std::vector<Node>& nodes() const { return nodes_; }
  // Rebuilds the range of a tree of `size` leaves from its perfect subtrees.
  static CompactRange of(const NodeSource& tree, uint64_t size);

 private:
  uint64_t size_ = 0;
  std::vector<Node> nodes_;
};

}  // namespace athar::ledger
