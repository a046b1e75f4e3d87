#include "ledger/hash.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "core/encoding.h"

namespace athar::ledger {

namespace {
// OpenSSL 3 looks the algorithm up (under a lock) on every one-shot call; ledger appends hash
// millions of small inputs, so the algorithm is fetched once and a context kept per thread.
const EVP_MD* sha256_algorithm() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!md) throw std::runtime_error("OpenSSL has no SHA-256");
  return md;
}
}  // namespace

Hash sha256(std::span<const uint8_t> bytes) {
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context context;
  Hash out;
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(context.ctx, sha256_algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, out.data(), &length) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
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
  if (!state_->ctx || EVP_DigestInit_ex2(state_->ctx, sha256_algorithm(), nullptr) != 1) {
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
