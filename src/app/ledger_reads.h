// Reading the ledger: one entry, inclusion and consistency proofs (RFC 9162), the checkpoints.
#pragma once

#include <cstdint>
#include <filesystem>
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
  // The record's canonical form that the entry's sha256 vouches for, as hashed (kept for record
  // entries; absent for others, or when the kept copy no longer hashes to it).
  std::optional<std::string> version;
  core::OrderedJson to_json() const;
};
LedgerEntry ledger_entry(Session& session, uint64_t index);

// The newest entries: the log's size and up to `limit` entries before `before` (the whole log
// when absent), newest first.
struct LedgerPage {
  uint64_t size = 0;
  std::vector<LedgerEntry> entries;
  core::OrderedJson to_json() const;
};
LedgerPage recent_entries(Session& session, std::optional<uint64_t> before, size_t limit);

// The log's verifier key ("<name>+<key id>+<base64 key>"), published so that anyone can check
// its checkpoints, a browser among them. Public: it is what a court would be given.
std::string verifier_key(const Instance& instance);

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

struct CheckpointOptions {
  std::vector<std::filesystem::path> witnesses;  // witness folders asked to cosign
  size_t quorum = 0;                             // 0: all of them
  // Sign only when the newest checkpoint is older than this many seconds (0: always).
  int64_t if_older_than_seconds = 0;
};
struct SignedCheckpoint {
  ledger::StoredCheckpoint checkpoint;
  bool new_one = true;                // false: the newest was recent enough
  std::vector<std::string> refusals;  // witnesses that would not cosign, and why
  core::OrderedJson to_json() const;
};
// Signs the log as it is now with the instance's key (keys/), cosigned by the witnesses.
SignedCheckpoint sign_checkpoint(Session& session, const CheckpointOptions& options);

}  // namespace athar::app
