// Encryption at rest of the fields the data dictionary marks sensitive (witness identity and
// contact; later family contacts and donors' details): XChaCha20-Poly1305 (libsodium's IETF
// AEAD) under a 32-byte key kept in the keys folder (`fields.key`, 0600), never in the database.
//
// A stored value is "enc:v1:" + base64(24-byte random nonce || ciphertext and tag); the
// associated data binds it to its kind and field. The registry keeps, hashes and logs only
// that form, so the ledger commits to a random-nonce encryption: an export of the ledger or of
// the database cannot confirm a guessed name, and `athar verify` checks the stored values
// against the ledger without the key (and, with it, that each one decrypts).
//
//   FieldCipher cipher = FieldCipher::load("athar-data/keys");
//   std::string stored = cipher.seal("witnesses", "identity", "…");
//   std::string plain = cipher.open("witnesses", "identity", stored);   // Corruption if altered
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace athar::registry {

class FieldCipher {
 public:
  // Writes a new key to `<dir>/fields.key` (0600); Conflict when one is there.
  static void create(const std::filesystem::path& dir);
  // Reads `<dir>/fields.key`: NotFound when absent, Corruption when malformed.
  static FieldCipher load(const std::filesystem::path& dir);
  static bool exists(const std::filesystem::path& dir);
  static bool is_sealed(std::string_view stored) { return stored.rfind(kPrefix, 0) == 0; }

  std::string seal(std::string_view kind, std::string_view field, std::string_view plain) const;
  // Corruption naming the field when the value was altered, moved or sealed under another key.
  std::string open(std::string_view kind, std::string_view field, std::string_view stored) const;

  static constexpr std::string_view kPrefix = "enc:v1:";

 private:
  std::array<uint8_t, 32> key_{};
};

}  // namespace athar::registry
