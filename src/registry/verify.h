// `athar verify`: checks that the registry and its ledger are exactly what was written.
//
// Recomputes every ledger leaf from its entry, the whole Merkle tree, every stored subtree
// hash, every checkpoint's signature and root, and every record's canonical hash against the
// last ledger entry about it. Each mismatch is a Finding that names what and how.
//
//   VerifyReport report = verify_registry(registry, verifier_key);
//   if (!report.ok()) for (auto& f : report.findings) std::cout << f.subject << ": " << f.problem;
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/progress.h"
#include "ledger/checkpoint.h"
#include "registry/registry.h"
#include "vault/object_store.h"

namespace athar::registry {

struct Finding {
  std::string subject;  // "site-0003", "ledger entry 17", "checkpoint 2", "object ab12…"
  std::string change;   // altered, missing, unexpected, log rewritten, log truncated, bad signature
  std::string detail;
};

// A checkpoint kept outside the data folder (by a partner, a court, a witness), as handed out.
struct HeldCheckpoint {
  std::string name;  // where it came from, for findings: "checkpoint held in FILE"
  std::string note;  // the signed note
};

struct VerifyReport {
  uint64_t entries = 0, records = 0, checkpoints = 0, objects = 0;
  // Objects no evidence record names, and leftovers in the vault's tmp/: what a crash between
  // storing bytes and committing their record leaves. Harmless, reported, not failures.
  uint64_t unreferenced_objects = 0, leftover_files = 0;
  uint64_t held_checkpoints = 0;  // checked from outside the data folder
  std::vector<Finding> findings;
  // Not failures, but what a reader should know (no checkpoint yet: nothing outside vouches).
  std::vector<std::string> warnings;
  bool ok() const { return findings.empty(); }
};

// `objects`, when given, is rehashed object by object and matched with the evidence records.
// Each of `held` must be signed by `key` for this log's origin and be consistent with the log:
// a log rolled back below it, or rewritten, is a finding even when the data folder's own
// checkpoints were rolled back or re-signed with it.
VerifyReport verify_registry(Registry& registry, const ledger::VerifierKey& key,
                             const vault::ObjectStore* objects = nullptr,
                             const std::vector<HeldCheckpoint>& held = {},
                             const core::Progress& progress = {});

}  // namespace athar::registry
