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
#include <string>
#include <string_view>

#include "ledger/hash.h"

namespace athar::ledger {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  bool operator==(const Checkpoint&) const = default;
};

struct SigningKey {
  std::string name;
  std::array<uint8_t, 64> secret{};  // libsodium Ed25519 secret key (seed || public key)
  std::array<uint8_t, 32> public_key{};
};

struct VerifierKey {
  std::string name;
  std::array<uint8_t, 4> key_id{};
  std::array<uint8_t, 32> public_key{};
};

SigningKey generate_signing_key(std::string name);
// Key id of signed notes: the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key).
std::array<uint8_t, 4> key_id(std::string_view name, const std::array<uint8_t, 32>& public_key);
// "<name>+<hex key id>+<base64(0x01 || public key)>", the C2SP verifier-key form.
std::string verifier_key_text(const SigningKey& key);
VerifierKey parse_verifier_key(std::string_view text);  // InputError when malformed

// Writes `<dir>/ledger.key` (mode 0600) and `<dir>/ledger.vkey`; Conflict when they exist.
void save_signing_key(const SigningKey& key, const std::filesystem::path& dir);
SigningKey load_signing_key(const std::filesystem::path& dir);
VerifierKey load_verifier_key(const std::filesystem::path& dir);

std::string checkpoint_body(const Checkpoint& checkpoint);
std::string sign_checkpoint(const Checkpoint& checkpoint, const SigningKey& key);
// Parses a signed checkpoint and checks its signature by `key`; Corruption when the note is
// malformed, unsigned by that key, or the signature does not verify.
Checkpoint open_checkpoint(std::string_view note, const VerifierKey& key);

}  // namespace athar::ledger
