// SHA-256 (OpenSSL) for the ledger and the vault.
//
//   ledger::Hash h = ledger::sha256("bytes");
//   ledger::Sha256 stream; stream.update(chunk); ... ledger::Hash file_hash = stream.finish();
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace athar::ledger {

using Hash = std::array<uint8_t, 32>;

Hash sha256(std::span<const uint8_t> bytes);
Hash sha256(std::string_view bytes);
std::string to_hex(const Hash& hash);
std::string to_base64(const Hash& hash);

// Incremental SHA-256 over a stream of chunks.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::span<const uint8_t> bytes);
  void update(std::string_view bytes);
  Hash finish();  // the object may not be used afterwards

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace athar::ledger
