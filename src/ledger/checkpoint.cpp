#include "ledger/checkpoint.h"

#include <sodium.h>
#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "core/encoding.h"
#include "core/error.h"
#include "core/text.h"

namespace athar::ledger {

namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // em dash and space

void ensure_sodium() {
  if (sodium_init() < 0) throw core::Unavailable("libsodium cannot be initialised");
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::NotFound("cannot read " + path.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool valid_key_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '+' || c == ' ' || c == '\n' || static_cast<unsigned char>(c) < 0x21) return false;
  }
  return true;
}

}  // namespace

SigningKey generate_signing_key(std::string name) {
  ensure_sodium();
  if (!valid_key_name(name))
    throw core::InputError("signing key", "name", name, "must not hold spaces or '+'");
  SigningKey key;
  key.name = std::move(name);
  crypto_sign_keypair(key.public_key.data(), key.secret.data());
  return key;
}

std::array<uint8_t, 4> key_id(std::string_view name, const std::array<uint8_t, 32>& public_key,
                              uint8_t algorithm) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(algorithm));
  input.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  const Hash h = sha256(input);
  return {h[0], h[1], h[2], h[3]};
}

std::string verifier_key_text(const SigningKey& key, uint8_t algorithm) {
  std::vector<uint8_t> typed{algorithm};
  typed.insert(typed.end(), key.public_key.begin(), key.public_key.end());
  return key.name + "+" + core::hex_encode(key_id(key.name, key.public_key, algorithm)) + "+" +
         core::base64_encode(typed);
}

std::string verifier_key_text(const VerifierKey& key) {
  std::vector<uint8_t> typed{key.algorithm};
  typed.insert(typed.end(), key.public_key.begin(), key.public_key.end());
  return key.name + "+" + core::hex_encode(key.key_id) + "+" + core::base64_encode(typed);
}

VerifierKey read_verifier_key(const std::string& file_or_text, std::string* read_from) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(file_or_text, ec)) {
    if (read_from) *read_from = "file " + file_or_text;
    return parse_verifier_key(read_file(file_or_text));
  }
  if (read_from) *read_from = "the value given";
  if (file_or_text.find('+') == std::string::npos) {
    throw core::NotFound("no verifier key file " + file_or_text +
                         " (nor is it a key: NAME+KEYID+KEY)");
  }
  return parse_verifier_key(file_or_text);
}

VerifierKey parse_verifier_key(std::string_view text) {
  text = core::trim(text);
  const auto fail = [&](const std::string& problem) -> VerifierKey {
    throw core::InputError("verifier key", "", std::string(text), problem);
  };
  const size_t a = text.find('+');
  const size_t b = a == std::string_view::npos ? a : text.find('+', a + 1);
  if (b == std::string_view::npos) return fail("expected NAME+KEYID+KEY");
  VerifierKey key;
  key.name = std::string(text.substr(0, a));
  const auto id = core::hex_decode(text.substr(a + 1, b - a - 1));
  const auto typed = core::base64_decode(text.substr(b + 1));
  if (!id || id->size() != 4) return fail("the key id is not 8 hex digits");
  if (!typed || typed->size() != 33 ||
      ((*typed)[0] != kEd25519Algorithm && (*typed)[0] != kCosignatureAlgorithm)) {
    return fail("the key is not an Ed25519 public key");
  }
  key.algorithm = (*typed)[0];
  std::copy(id->begin(), id->end(), key.key_id.begin());
  std::copy(typed->begin() + 1, typed->end(), key.public_key.begin());
  if (key_id(key.name, key.public_key, key.algorithm) != key.key_id)
    return fail("the key id does not match the key");
  return key;
}

void save_signing_key(const SigningKey& key, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const auto secret_path = dir / "ledger.key";
  if (std::filesystem::exists(secret_path))
    throw core::Conflict(secret_path.string() + " already exists");
  {
    // Created with mode 0600 before any byte of the key is written.
    const mode_t old = umask(077);
    std::ofstream out(secret_path, std::ios::binary);
    umask(old);
    out << key.name << "\n" << core::base64_encode(key.secret) << "\n";
    if (!out) throw core::Unavailable("cannot write " + secret_path.string());
  }
  std::filesystem::permissions(
      secret_path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ofstream(dir / "ledger.vkey") << verifier_key_text(key) << "\n";
}

SigningKey load_signing_key(const std::filesystem::path& dir) {
  ensure_sodium();
  const auto path = dir / "ledger.key";
  const std::string text = read_file(path);
  const size_t newline = text.find('\n');
  const auto secret =
      core::base64_decode(core::trim(text.substr(newline == std::string::npos ? 0 : newline + 1)));
  if (newline == std::string::npos || !secret || secret->size() != 64) {
    throw core::Corruption(path.string() + " is not an Athar ledger key");
  }
  SigningKey key;
  key.name = text.substr(0, newline);
  std::copy(secret->begin(), secret->end(), key.secret.begin());
  crypto_sign_ed25519_sk_to_pk(key.public_key.data(), key.secret.data());
  return key;
}

VerifierKey load_verifier_key(const std::filesystem::path& dir) {
  return parse_verifier_key(read_file(dir / "ledger.vkey"));
}

std::string checkpoint_body(const Checkpoint& c) {
  std::string body = c.origin + "\n" + std::to_string(c.size) + "\n" + to_base64(c.root) + "\n";
  for (const std::string& line : c.extensions) body += line + "\n";
  return body;
}

std::string sign_checkpoint(const Checkpoint& c, const SigningKey& key) {
  ensure_sodium();
  const std::string body = checkpoint_body(c);
  std::array<uint8_t, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const uint8_t*>(body.data()),
                       body.size(), key.secret.data());
  std::vector<uint8_t> stamped(4);
  const auto id = key_id(key.name, key.public_key);
  std::copy(id.begin(), id.end(), stamped.begin());
  stamped.insert(stamped.end(), signature.begin(), signature.end());
  return body + "\n" + std::string(kSignaturePrefix) + key.name + " " +
         core::base64_encode(stamped) + "\n";
}

Checkpoint open_checkpoint(std::string_view note, const VerifierKey& key) {
  ensure_sodium();
  if (key.algorithm != kEd25519Algorithm) {
    throw core::InputError("verifier key", "", key.name, "is a witness's key, not a log's");
  }
  const size_t split = note.find("\n\n");
  if (split == std::string_view::npos) throw core::Corruption("checkpoint: no signature block");
  const std::string_view body = note.substr(0, split + 1);
  std::string_view signatures = note.substr(split + 2);

  bool verified = false;
  while (!signatures.empty()) {
    const size_t end = signatures.find('\n');
    if (end == std::string_view::npos)
      throw core::Corruption("checkpoint: signature line not ended");
    const std::string_view line = signatures.substr(0, end);
    signatures.remove_prefix(end + 1);
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      throw core::Corruption("checkpoint: malformed signature line");
    }
    const std::string_view rest = line.substr(kSignaturePrefix.size());
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos)
      throw core::Corruption("checkpoint: malformed signature line");
    const auto stamped = core::base64_decode(rest.substr(space + 1));
    if (rest.substr(0, space) != key.name || !stamped || stamped->size() != 4 + crypto_sign_BYTES ||
        !std::equal(key.key_id.begin(), key.key_id.end(), stamped->begin())) {
      continue;  // another signer's line
    }
    verified = crypto_sign_verify_detached(stamped->data() + 4,
                                           reinterpret_cast<const uint8_t*>(body.data()),
                                           body.size(), key.public_key.data()) == 0;
    if (!verified) throw core::Corruption("checkpoint: the signature does not verify");
  }
  if (!verified) throw core::Corruption("checkpoint: not signed by " + key.name);

  // origin, size, root; further body lines are extensions.
  const auto lines = core::split(body.substr(0, body.size() - 1), '\n');
  if (lines.size() < 3) throw core::Corruption("checkpoint: the body needs origin, size and root");
  Checkpoint c;
  c.origin = lines[0];
  const auto [p, ec] = std::from_chars(lines[1].data(), lines[1].data() + lines[1].size(), c.size);
  if (ec != std::errc() || p != lines[1].data() + lines[1].size() || lines[1].empty()) {
    throw core::Corruption("checkpoint: the tree size is not a number");
  }
  const auto root = core::base64_decode(lines[2]);
  if (!root || root->size() != 32)
    throw core::Corruption("checkpoint: the root is not a SHA-256 hash");
  std::copy(root->begin(), root->end(), c.root.begin());
  c.extensions.assign(lines.begin() + 3, lines.end());
  return c;
}

namespace {
std::string cosigned_message(const Checkpoint& c, uint64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + checkpoint_body(c);
}

// A note's body (up to and with the blank line's first newline) and its signature lines.
std::pair<std::string_view, std::vector<std::string_view>> split_note(std::string_view note) {
  const size_t split = note.find("\n\n");
  if (split == std::string_view::npos) throw core::Corruption("checkpoint: no signature block");
  std::vector<std::string_view> lines;
  std::string_view rest = note.substr(split + 2);
  while (!rest.empty()) {
    const size_t end = rest.find('\n');
    if (end == std::string_view::npos)
      throw core::Corruption("checkpoint: signature line not ended");
    lines.push_back(rest.substr(0, end));
    rest.remove_prefix(end + 1);
  }
  return {note.substr(0, split + 1), lines};
}
}  // namespace

std::string cosignature_line(const Checkpoint& c, const SigningKey& witness, uint64_t timestamp) {
  ensure_sodium();
  const std::string message = cosigned_message(c, timestamp);
  std::array<uint8_t, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), witness.secret.data());
  const auto id = key_id(witness.name, witness.public_key, kCosignatureAlgorithm);
  std::vector<uint8_t> stamped(id.begin(), id.end());
  for (int shift = 56; shift >= 0; shift -= 8) {
    stamped.push_back(static_cast<uint8_t>(timestamp >> shift));
  }
  stamped.insert(stamped.end(), signature.begin(), signature.end());
  return std::string(kSignaturePrefix) + witness.name + " " + core::base64_encode(stamped) + "\n";
}

std::optional<uint64_t> cosigned_at(std::string_view note, const VerifierKey& witness) {
  ensure_sodium();
  if (witness.algorithm != kCosignatureAlgorithm) {
    throw core::InputError("witness key", "", witness.name, "is not a witness's cosigning key");
  }
  const auto [body, lines] = split_note(note);
  // The checkpoint fields are read from the body as the log signed them.
  const auto fields = core::split(body.substr(0, body.size() - 1), '\n');
  if (fields.size() < 3) throw core::Corruption("checkpoint: the body needs origin, size and root");
  for (const std::string_view line : lines) {
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      throw core::Corruption("checkpoint: malformed signature line");
    }
    const std::string_view rest = line.substr(kSignaturePrefix.size());
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos || rest.substr(0, space) != witness.name) continue;
    const auto stamped = core::base64_decode(rest.substr(space + 1));
    if (!stamped || stamped->size() != 4 + 8 + crypto_sign_BYTES ||
        !std::equal(witness.key_id.begin(), witness.key_id.end(), stamped->begin())) {
      continue;
    }
    uint64_t timestamp = 0;
    for (size_t i = 4; i < 12; ++i) timestamp = (timestamp << 8) | (*stamped)[i];
    const std::string message =
        "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(body);
    if (crypto_sign_verify_detached(stamped->data() + 12,
                                    reinterpret_cast<const uint8_t*>(message.data()),
                                    message.size(), witness.public_key.data()) != 0) {
      throw core::Corruption("checkpoint: the cosignature of " + witness.name + " does not verify");
    }
    return timestamp;
  }
  return std::nullopt;
}

}  // namespace athar::ledger
