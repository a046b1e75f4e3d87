// Reading the ledger: one entry, inclusion and consistency proofs (RFC 9162), the checkpoints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/instance.h"
#include "core/json.h"
#include "ledger/log.h"

namespace athar::app {

struct LedgerEntry {
  uint64_t index = 0;
  std::string text;  // canonical JSON, as hashed
  core::OrderedJson to_json() const;
};
LedgerEntry ledger_entry(Session& session, uint64_t index);

struct InclusionProof {
  uint64_t index = 0, tree_size = 0;
  ledger::Hash leaf_hash{}, root{};
  std::vector<ledger::Hash> proof;
  core::OrderedJson to_json() const;  // leafIdx, treeSize, leafHash, root, proof (base64)
};
// `tree_size`: the whole log when absent; NotFound when the entry is not in the tree.
InclusionProof inclusion_proof(Session& session, uint64_t index, std::optional<uint64_t> tree_size);

struct ConsistencyProof {
  uint64_t size1 = 0, size2 = 0;
  ledger::Hash root1{}, root2{};
  std::vector<ledger::Hash> proof;
  core::OrderedJson to_json() const;
};
ConsistencyProof consistency_proof(Session& session, uint64_t from,
                                   std::optional<uint64_t> tree_size);

struct Checkpoints {
  std::vector<ledger::StoredCheckpoint> kept;
  core::OrderedJson to_json() const;
};
Checkpoints checkpoints(Session& session);

}  // namespace athar::app
