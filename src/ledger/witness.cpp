#include "ledger/witness.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "core/encoding.h"
#include "core/error.h"
#include "core/text.h"
#include "ledger/merkle.h"

namespace athar::ledger {

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) core::throw_cannot_open(path.string(), "witness file");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes a file whole or not at all: a temporary name, fsync, rename.
void replace_file(const std::filesystem::path& path, const std::string& content, mode_t mode) {
  const std::string temp = path.string() + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw core::Unavailable("cannot write " + temp);
  const bool written =
      ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
      ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    throw core::Unavailable("cannot write " + path.string());
  }
}

// An exclusive lock on the witness folder for one cosign: two logs' requests at once must not
// both build on the same latest checkpoint.
class FolderLock {
 public:
  explicit FolderLock(const std::filesystem::path& dir)
      : fd_(::open((dir / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) {
      throw core::Unavailable("cannot lock the witness folder " + dir.string());
    }
  }
  ~FolderLock() { ::close(fd_); }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_;
};

}  // namespace

void Witness::create(const std::string& name, const std::filesystem::path& dir) {
  if (std::filesystem::exists(dir / "witness.key")) {
    throw core::Conflict(dir.string() + " already holds a witness");
  }
  std::filesystem::create_directories(dir / "logs");
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
  const SigningKey key = generate_signing_key(name);
  replace_file(dir / "witness.key", key.name + "\n" + core::base64_encode(key.secret) + "\n", 0600);
  replace_file(dir / "witness.vkey", ledger::verifier_key_text(key, kCosignatureAlgorithm) + "\n",
               0644);
}

Witness::Witness(std::filesystem::path dir) : dir_(std::move(dir)) {
  if (!std::filesystem::exists(dir_ / "witness.key")) {
    throw core::NotFound("no witness in " + dir_.string() +
                         " (make one with `athar witness init`)");
  }
  const std::string text = read_text(dir_ / "witness.key");
  const size_t newline = text.find('\n');
  const auto secret = core::base64_decode(
      newline == std::string::npos ? std::string_view() : core::trim(text.substr(newline + 1)));
  if (!secret || secret->size() != key_.secret.size()) {
    throw core::Corruption((dir_ / "witness.key").string() + " is not a witness key");
  }
  key_.name = text.substr(0, newline);
  std::copy(secret->begin(), secret->end(), key_.secret.begin());
  std::copy(key_.secret.begin() + 32, key_.secret.end(), key_.public_key.begin());
}

std::string Witness::verifier_key_text() const {
  return ledger::verifier_key_text(key_, kCosignatureAlgorithm);
}

std::filesystem::path Witness::log_dir(std::string_view origin) const {
  return dir_ / "logs" / core::hex_encode(sha256(origin)).substr(0, 32);
}

void Witness::trust_log(const VerifierKey& log_key) {
  if (log_key.algorithm != kEd25519Algorithm) {
    throw core::InputError("log key", "", log_key.name, "is not a log's signing key");
  }
  const auto dir = log_dir(log_key.name);
  std::filesystem::create_directories(dir);
  // Kept as the verifier-key text the log printed, so that it reads back the same.
  std::vector<uint8_t> typed{kEd25519Algorithm};
  typed.insert(typed.end(), log_key.public_key.begin(), log_key.public_key.end());
  const std::string vkey = log_key.name + "+" + core::hex_encode(log_key.key_id) + "+" +
                           core::base64_encode(typed) + "\n";
  if (std::filesystem::exists(dir / "log.vkey") && read_text(dir / "log.vkey") != vkey) {
    throw core::Conflict("this witness already trusts another key for " + log_key.name);
  }
  replace_file(dir / "log.vkey", vkey, 0644);
}

std::optional<Checkpoint> Witness::latest(std::string_view origin) const {
  const auto dir = log_dir(origin);
  if (!std::filesystem::exists(dir / "latest.checkpoint")) return std::nullopt;
  const VerifierKey log_key = parse_verifier_key(read_text(dir / "log.vkey"));
  return open_checkpoint(read_text(dir / "latest.checkpoint"), log_key);
}

std::string Witness::cosign(std::string_view note, const std::vector<Hash>& proof,
                            uint64_t timestamp) {
  const FolderLock lock(dir_);
  const std::string origin(note.substr(0, note.find('\n')));
  const auto dir = log_dir(origin);
  if (!std::filesystem::exists(dir / "log.vkey")) {
    throw core::NotFound("witness " + key_.name + " does not know the log " + origin +
                         " (add its key with `athar witness trust`)");
  }
  const VerifierKey log_key = parse_verifier_key(read_text(dir / "log.vkey"));
  const Checkpoint next = open_checkpoint(note, log_key);
  if (next.origin != log_key.name) {
    throw core::Corruption("the checkpoint's origin " + next.origin + " is not the key's name " +
                           log_key.name);
  }
  const std::string refuses = "witness " + key_.name + " refuses: ";
  if (const auto last = latest(origin)) {
    if (next.size < last->size) {
      throw core::Corruption(refuses + "it cosigned " + std::to_string(last->size) +
                             " entries of " + origin + ", and this checkpoint has only " +
                             std::to_string(next.size) + ": the log was rolled back");
    }
    if (next.size == last->size && next.root != last->root) {
      throw core::Corruption(refuses + "it cosigned another root for the same " +
                             std::to_string(next.size) + " entries: the log was rewritten");
    }
    if (next.size > last->size && last->size > 0) {
      std::vector<Bytes> encoded;
      for (const Hash& h : proof) encoded.emplace_back(h.begin(), h.end());
      if (!verify_consistency(last->size, next.size, last->root, next.root, encoded)) {
        throw core::Corruption(refuses + "the log's first " + std::to_string(last->size) +
                               " entries no longer hash to the root it cosigned (the "
                               "consistency proof fails): the log was rewritten");
      }
    }
  }
  if (timestamp == 0) {
    timestamp = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  }
  std::string stored(note);
  replace_file(dir / "latest.checkpoint", stored, 0644);
  return cosignature_line(next, key_, timestamp);
}

}  // namespace athar::ledger
