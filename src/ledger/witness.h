// A witness for Athar ledgers (after C2SP tlog-witness and Sigsum's witnesses): kept by someone
// outside the organisation that runs the log — a partner NGO, a court registry — in its own
// folder with its own key. For each log it trusts it remembers the last checkpoint it cosigned,
// and it cosigns a newer one only when a consistency proof shows the new tree extends the old.
// A log that was rolled back, or rewritten and re-signed with the log's own key, can then no
// longer gather its witnesses' cosignatures, and `athar verify --checkpoint` with a cosigned
// checkpoint kept by the witness exposes it.
//
// Folder layout (docs/ledger-format.md, "Witnesses"): witness.key (0600), witness.vkey, and
// logs/<origin hash>/{log.vkey, latest.checkpoint}. Each cosign holds an exclusive lock on the
// folder, and the state file is replaced atomically.
//
//   Witness::create("partner-witness", "/srv/witness");
//   Witness w("/srv/witness");
//   w.trust_log(read_verifier_key("athar-data/keys/ledger.vkey"));
//   std::string line = w.cosign(note, ledger.consistency_proof(w.latest(origin)->size, size));
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/checkpoint.h"

namespace athar::ledger {

class Witness {
 public:
  // A new witness folder with a fresh key named `name`; Conflict when one is there.
  static void create(const std::string& name, const std::filesystem::path& dir);
  // Opens a witness folder (NotFound when it is not one).
  explicit Witness(std::filesystem::path dir);

  const std::string& name() const { return key_.name; }
  // The key others check its cosignatures with (type 0x04).
  std::string verifier_key_text() const;
  // Accepts checkpoints signed by `log_key`, whose name is the log's origin.
  void trust_log(const VerifierKey& log_key);
  // The checkpoint last cosigned for `origin`, if any.
  std::optional<Checkpoint> latest(std::string_view origin) const;

  // Checks `note` (signed by a trusted log) against the latest checkpoint cosigned for its
  // origin, with `proof` the consistency proof from that checkpoint's size to the note's; then
  // keeps the note as the latest and returns the cosignature line to append to it. Corruption,
  // naming why, for a rolled-back size, a different root at the same size, or a proof that
  // fails; NotFound for an origin it does not trust.
  std::string cosign(std::string_view note, const std::vector<Hash>& proof, uint64_t timestamp = 0);

 private:
  std::filesystem::path log_dir(std::string_view origin) const;
  std::filesystem::path dir_;
  SigningKey key_;
};

}  // namespace athar::ledger
