#include "ledger/merkle.h"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace athar::ledger {

namespace {

// Largest power of two strictly less than n (n >= 2).
uint64_t split_point(uint64_t n) { return std::bit_floor(n - 1); }

// HASH(0x01 || left || right) over byte strings of any length (proofs under verification may
// hold malformed nodes).
Bytes hash_pair(std::span<const uint8_t> left, std::span<const uint8_t> right) {
  Bytes input;
  input.reserve(1 + left.size() + right.size());
  input.push_back(0x01);
  input.insert(input.end(), left.begin(), left.end());
  input.insert(input.end(), right.begin(), right.end());
  const Hash h = sha256(input);
  return Bytes(h.begin(), h.end());
}

// Right-shifts fn and sn together until fn's lowest bit is set or fn is 0 (RFC 9162 §2.1.3.2
// step 3.b.2 and §2.1.4.2 step 6.b.ii).
void shift_to_set_bit(uint64_t& fn, uint64_t& sn) {
  while (!(fn & 1) && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

bool equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void inclusion_path(const NodeSource& tree, uint64_t index, uint64_t begin, uint64_t end,
                    std::vector<Hash>& out) {
  if (end - begin == 1) return;
  const uint64_t k = split_point(end - begin);
  if (index < begin + k) {
    inclusion_path(tree, index, begin, begin + k, out);
    out.push_back(subtree_hash(tree, begin + k, end));
  } else {
    inclusion_path(tree, index, begin + k, end, out);
    out.push_back(subtree_hash(tree, begin, begin + k));
  }
}

void consistency_subproof(const NodeSource& tree, uint64_t m, uint64_t begin, uint64_t end,
                          bool whole, std::vector<Hash>& out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back(subtree_hash(tree, begin, end));
    return;
  }
  const uint64_t k = split_point(n);
  if (m <= k) {
    consistency_subproof(tree, m, begin, begin + k, whole, out);
    out.push_back(subtree_hash(tree, begin + k, end));
  } else {
    consistency_subproof(tree, m - k, begin + k, end, false, out);
    out.push_back(subtree_hash(tree, begin, begin + k));
  }
}

}  // namespace

Hash leaf_hash(std::string_view entry) {
  thread_local std::string input;  // reused: appends hash millions of entries
  input.assign(1, '\0');
  input.append(entry);
  return sha256(input);
}

Hash node_hash(const Hash& left, const Hash& right) {
  uint8_t input[65];
  input[0] = 0x01;
  std::copy(left.begin(), left.end(), input + 1);
  std::copy(right.begin(), right.end(), input + 33);
  return sha256(std::span<const uint8_t>(input, sizeof input));
}

Hash empty_root() { return sha256(std::string_view()); }

Hash subtree_hash(const NodeSource& tree, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return tree.perfect_subtree(static_cast<unsigned>(std::countr_zero(n)), begin / n);
  }
  const uint64_t k = split_point(n);
  return node_hash(subtree_hash(tree, begin, begin + k), subtree_hash(tree, begin + k, end));
}

Hash root_hash(const NodeSource& tree, uint64_t size) {
  return size == 0 ? empty_root() : subtree_hash(tree, 0, size);
}

std::vector<Hash> inclusion_proof(const NodeSource& tree, uint64_t index, uint64_t size) {
  if (index >= size) throw std::out_of_range("inclusion proof: index not in the tree");
  std::vector<Hash> out;
  inclusion_path(tree, index, 0, size, out);
  return out;
}

std::vector<Hash> consistency_proof(const NodeSource& tree, uint64_t size1, uint64_t size2) {
  if (size1 == 0 || size1 > size2) throw std::out_of_range("consistency proof: bad sizes");
  std::vector<Hash> out;
  consistency_subproof(tree, size1, 0, size2, true, out);
  return out;
}

bool verify_inclusion(uint64_t index, uint64_t size, std::span<const uint8_t> leaf,
                      std::span<const Bytes> proof, std::span<const uint8_t> root) {
  if (index >= size || leaf.size() != 32) return false;
  uint64_t fn = index, sn = size - 1;
  Bytes r(leaf.begin(), leaf.end());
  for (const Bytes& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = hash_pair(p, r);
      if (!(fn & 1)) shift_to_set_bit(fn, sn);
    } else {
      r = hash_pair(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && equal(r, root);
}

bool verify_consistency(uint64_t size1, uint64_t size2, std::span<const uint8_t> root1,
                        std::span<const uint8_t> root2, std::span<const Bytes> proof) {
  if (size1 == 0 || size2 < size1) return false;
  if (size1 == size2) return proof.empty() && equal(root1, root2);
  if (proof.empty()) return false;

  // RFC 9162 §2.1.4.2: when size1 is a power of two its root is the first node of the path.
  std::vector<Bytes> path;
  if (std::has_single_bit(size1)) path.emplace_back(root1.begin(), root1.end());
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = size1 - 1, sn = size2 - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Bytes fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Bytes& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = hash_pair(c, fr);
      sr = hash_pair(c, sr);
      if (!(fn & 1)) shift_to_set_bit(fn, sn);
    } else {
      sr = hash_pair(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && equal(fr, root1) && equal(sr, root2);
}

void MemoryTree::append(const Hash& leaf) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf);
  for (size_t h = 0; levels_[h].size() % 2 == 0; ++h) {
    if (levels_.size() == h + 1) levels_.emplace_back();
    const auto& below = levels_[h];
    levels_[h + 1].push_back(node_hash(below[below.size() - 2], below.back()));
  }
}

Hash MemoryTree::perfect_subtree(unsigned level, uint64_t index) const {
  return levels_.at(level).at(index);
}

void CompactRange::append(const Hash& leaf, std::vector<Node>& completed) {
  nodes_.push_back({0, size_, leaf});
  ++size_;
  while (nodes_.size() >= 2 && nodes_[nodes_.size() - 2].level == nodes_.back().level) {
    const Node right = nodes_.back();
    nodes_.pop_back();
    Node& left = nodes_.back();
    left = {left.level + 1, left.index >> 1, node_hash(left.hash, right.hash)};
    completed.push_back(left);
  }
}

Hash CompactRange::root() const {
  if (nodes_.empty()) return empty_root();
  Hash r = nodes_.back().hash;
  for (size_t i = nodes_.size() - 1; i-- > 0;) r = node_hash(nodes_[i].hash, r);
  return r;
}

CompactRange CompactRange::of(const NodeSource& tree, uint64_t size) {
  CompactRange range;
  range.size_ = size;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t span = uint64_t{1} << level;
    if (!(size & span)) continue;
    range.nodes_.push_back({static_cast<unsigned>(level), begin >> level,
                            tree.perfect_subtree(static_cast<unsigned>(level), begin >> level)});
    begin += span;
  }
  return range;
}

}  // namespace athar::ledger
