#include "ledger/hash.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "core/encoding.h"

namespace athar::ledger {

Hash sha256(std::span<const uint8_t> bytes) {
  Hash out;
  SHA256(bytes.data(), bytes.size(), out.data());
  return out;
}

Hash sha256(std::string_view bytes) {
  return sha256(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::string to_hex(const Hash& hash) { return core::hex_encode(hash); }
std::string to_base64(const Hash& hash) { return core::base64_encode(hash); }

struct Sha256::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  if (!state_->ctx || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("cannot initialise SHA-256");
  }
}

Sha256::~Sha256() = default;

void Sha256::update(std::span<const uint8_t> bytes) {
  EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size());
}

void Sha256::update(std::string_view bytes) {
  EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size());
}

Hash Sha256::finish() {
  Hash out;
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->ctx, out.data(), &length);
  return out;
}

}  // namespace athar::ledger
