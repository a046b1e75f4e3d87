// Content-addressed evidence store: every file kept once under its SHA-256, never modified.
//
// Layout under the root: `ab/cdef…` (the hash in hex, split after two digits), objects read-only
// (0444). A file is copied to `tmp/`, hashed while copied, fsynced, renamed into place, and its
// folder fsynced, so that a crash leaves either the whole object or none (docs/vault.md).
//
//   ObjectStore store("athar-data/objects");
//   StoredObject o = store.put_file("photo.jpg");   // o.sha256, o.size, o.already_present
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ledger/hash.h"

namespace athar::vault {

struct StoredObject {
  ledger::Hash sha256{};
  uint64_t size = 0;
  bool already_present = false;
};

struct ObjectCheck {
  std::vector<ledger::Hash> intact;  // objects whose bytes hash to their name
  std::vector<std::string> altered;  // names of objects whose bytes no longer match
  std::vector<std::string> stray;    // files that are not objects (left in tmp/, misnamed)
  // Entries the vault must not hold, never followed or read: symbolic links (to anywhere),
  // folders, FIFOs, devices, sockets, and files with more than one link (another path could
  // change them). Each with why.
  std::vector<std::pair<std::string, std::string>> not_own;
};

// Refuses (InputError naming the file) anything but a regular file: a FIFO (reading it would
// block), a device, a folder, a socket, and a symbolic link unless `follow_symlinks`.
void check_intake_file(const std::filesystem::path& file, bool follow_symlinks);

class ObjectStore {
 public:
  explicit ObjectStore(std::filesystem::path root);

  // Copies a regular file in (check_intake_file's rules, checked again on the open file).
  StoredObject put_file(const std::filesystem::path& file, bool follow_symlinks = false);
  std::filesystem::path path_of(const ledger::Hash& sha256) const;
  std::filesystem::path path_of_hex(std::string_view sha256_hex) const;
  bool contains(const ledger::Hash& sha256) const;
  // Rehashes every object that is the vault's own regular file; names everything else.
  ObjectCheck check() const;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

// SHA-256 of a file's bytes, read in large blocks.
ledger::Hash hash_file(const std::filesystem::path& file);

}  // namespace athar::vault
