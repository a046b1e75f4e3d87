// The ledger's state map (docs/ledger-format.md, "State map"): for every subject, the index of
// its newest entry, as a Merkle tree over the subjects in byte order. Checkpoints sign its root
// beside the log's, so that a bundle can prove it holds a record's latest version (not an older
// one with the later entries left out), and an outsider can check that no version is missing.
//
//   StateTree state = registry.state();              // every subject's head, as of now
//   std::string line = state_extension(state);     // "athar-state <count> <base64 root>"
//   auto proof = inclusion_proof(state.tree, state.position("evidence-000003"), state.size());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/merkle.h"

namespace athar::ledger {

// A leaf of the state map: {"entry":"<index>","subject":"<subject>"} (canonical JSON), hashed
// as an RFC 9162 leaf.
std::string state_leaf(std::string_view subject, uint64_t entry);

struct StateTree {
  std::vector<std::string> subjects;  // in byte order
  std::vector<uint64_t> entries;      // each subject's newest entry
  MemoryTree tree;
  uint64_t size() const { return subjects.size(); }
  Hash root() const;
  // Position of `subject` in the map; nullopt when it has no entry.
  std::optional<uint64_t> position(std::string_view subject) const;
};

// Builds the map from (subject, newest entry) pairs given in byte order of subject.
StateTree build_state(std::vector<std::string> subjects, std::vector<uint64_t> entries);
// The same from pairs in any order (sorted here).
StateTree build_state(std::vector<std::pair<std::string, uint64_t>> heads);

// The checkpoint body line that commits to the map: "athar-state <count> <base64 root>".
std::string state_extension(const StateTree& state);
struct StateCommitment {
  uint64_t count = 0;
  Hash root{};
};
// The commitment a checkpoint carries, if any (Corruption when the line is malformed).
std::optional<StateCommitment> state_commitment(const Checkpoint& checkpoint);

}  // namespace athar::ledger
