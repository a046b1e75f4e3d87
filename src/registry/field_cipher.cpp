#include "registry/field_cipher.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "core/encoding.h"
#include "core/error.h"
#include "core/text.h"

namespace athar::registry {

namespace {

constexpr std::string_view kKeyHeader = "athar-field-key v1";

void ensure_sodium() {
  if (sodium_init() < 0) throw core::Unavailable("libsodium cannot be initialised");
}

std::string associated_data(std::string_view kind, std::string_view field) {
  return "athar-field/v1\n" + std::string(kind) + "\n" + std::string(field);
}

}  // namespace

bool FieldCipher::exists(const std::filesystem::path& dir) {
  return std::filesystem::exists(dir / "fields.key");
}

void FieldCipher::create(const std::filesystem::path& dir) {
  ensure_sodium();
  std::filesystem::create_directories(dir);
  const auto path = dir / "fields.key";
  // O_EXCL: never replace a key, since every sealed value depends on it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) throw core::Conflict(path.string() + " already exists");
    throw core::Unavailable("cannot write " + path.string());
  }
  std::array<uint8_t, crypto_aead_xchacha20poly1305_ietf_KEYBYTES> key{};
  crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
  const std::string text = std::string(kKeyHeader) + "\n" + core::base64_encode(key) + "\n";
  sodium_memzero(key.data(), key.size());
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw core::Unavailable("cannot write " + path.string());
}

FieldCipher FieldCipher::load(const std::filesystem::path& dir) {
  ensure_sodium();
  const auto path = dir / "fields.key";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw core::NotFound("no field key " + path.string() +
                         ": sensitive fields (witness identities, contacts) cannot be read or "
                         "written without it");
  }
  std::stringstream s;
  s << in.rdbuf();
  const auto lines = core::split(s.str(), '\n');
  const auto key = lines.size() >= 2 ? core::base64_decode(core::trim(lines[1])) : std::nullopt;
  if (lines.empty() || lines[0] != kKeyHeader || !key || key->size() != 32) {
    throw core::Corruption(path.string() + " is not an Athar field key");
  }
  FieldCipher cipher;
  std::copy(key->begin(), key->end(), cipher.key_.begin());
  return cipher;
}

std::string FieldCipher::seal(std::string_view kind, std::string_view field,
                              std::string_view plain) const {
  const std::string ad = associated_data(kind, field);
  std::vector<uint8_t> out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plain.size() +
                           crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
      reinterpret_cast<const uint8_t*>(plain.data()), plain.size(),
      reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), nullptr, out.data(), key_.data());
  out.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + written);
  return std::string(kPrefix) + core::base64_encode(out);
}

std::string FieldCipher::open(std::string_view kind, std::string_view field,
                              std::string_view stored) const {
  const auto fail = [&]() -> std::string {
    throw core::Corruption("the " + std::string(field) + " of a " + std::string(kind) +
                           " record does not decrypt with this key: it was altered, moved from "
                           "another field, or sealed under another key");
  };
  if (!is_sealed(stored)) return fail();
  const auto bytes = core::base64_decode(stored.substr(kPrefix.size()));
  if (!bytes || bytes->size() < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                                    crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return fail();
  }
  const std::string ad = associated_data(kind, field);
  std::string plain(bytes->size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES -
                        crypto_aead_xchacha20poly1305_ietf_ABYTES,
                    '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<uint8_t*>(plain.data()), &length, nullptr,
          bytes->data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          bytes->size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), bytes->data(),
          key_.data()) != 0) {
    return fail();
  }
  plain.resize(length);
  return plain;
}

}  // namespace athar::registry
