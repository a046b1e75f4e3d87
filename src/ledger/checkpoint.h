// Signed checkpoints of the ledger in the C2SP tlog-checkpoint format, signed as a C2SP signed
// note with Ed25519 (libsodium). docs/ledger-format.md gives the bytes.
//
//   origin\n  tree size\n  base64(root hash)\n  \n  — <key name> base64(key id || signature)\n
//
//   SigningKey key = generate_signing_key("athar/4f2a...");
//   std::string note = sign_checkpoint({origin, size, root}, key);
//   Checkpoint c = open_checkpoint(note, parse_verifier_key(verifier_key_text(key)));
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/hash.h"

namespace athar::ledger {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  // Body lines after the root (C2SP extension lines), e.g. the state map's "athar-state …".
  std::vector<std::string> extensions;
  bool operator==(const Checkpoint&) const = default;
};

struct SigningKey {
  std::string name;
  std::array<uint8_t, 64> secret{};  // libsodium Ed25519 secret key (seed || public key)
  std::array<uint8_t, 32> public_key{};
};

// Signature types of C2SP signed notes: a log's Ed25519 signature, and a witness's timestamped
// Ed25519 cosignature (C2SP tlog-cosignature).
inline constexpr uint8_t kEd25519Algorithm = 0x01;
inline constexpr uint8_t kCosignatureAlgorithm = 0x04;

struct VerifierKey {
  std::string name;
  std::array<uint8_t, 4> key_id{};
  std::array<uint8_t, 32> public_key{};
  uint8_t algorithm = kEd25519Algorithm;
};

SigningKey generate_signing_key(std::string name);
// Key id of signed notes: the first 4 bytes of SHA-256(name || "\n" || algorithm || public key).
std::array<uint8_t, 4> key_id(std::string_view name, const std::array<uint8_t, 32>& public_key,
                              uint8_t algorithm = kEd25519Algorithm);
// "<name>+<hex key id>+<base64(algorithm || public key)>", the C2SP verifier-key form.
std::string verifier_key_text(const SigningKey& key, uint8_t algorithm = kEd25519Algorithm);
std::string verifier_key_text(const VerifierKey& key);
// Either algorithm; InputError when malformed.
VerifierKey parse_verifier_key(std::string_view text);
// The key in a file holding a verifier key, or the text itself when it is one; `read_from`
// says which was used ("file PATH" or "the value given").
VerifierKey read_verifier_key(const std::string& file_or_text, std::string* read_from = nullptr);

// Writes `<dir>/ledger.key` (mode 0600) and `<dir>/ledger.vkey`; Conflict when they exist.
void save_signing_key(const SigningKey& key, const std::filesystem::path& dir);
SigningKey load_signing_key(const std::filesystem::path& dir);
VerifierKey load_verifier_key(const std::filesystem::path& dir);

std::string checkpoint_body(const Checkpoint& checkpoint);
std::string sign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key);
// Parses a signed checkpoint and checks its signature by `key`; Corruption when the note is
// malformed, unsigned by that key, or the signature does not verify. Other signers' lines
// (witnesses' cosignatures) are skipped.
Checkpoint open_checkpoint(std::string_view note, const VerifierKey& key);

// A witness's cosignature line for `checkpoint` (C2SP tlog-cosignature v1): Ed25519 over
// "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint body, shown as
// "— <name> base64(key id || 8-byte big-endian timestamp || signature)\n".
std::string cosignature_line(const Checkpoint& checkpoint, const SigningKey& witness,
                             uint64_t timestamp);
// The timestamp of `witness`'s cosignature on `note`, when the note carries one that verifies;
// nullopt when it carries none; Corruption when one by that key does not verify.
std::optional<uint64_t> cosigned_at(std::string_view note, const VerifierKey& witness);

}  // namespace athar::ledger
