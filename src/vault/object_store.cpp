#include "vault/object_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "core/encoding.h"
#include "core/error.h"

namespace athar::vault {

namespace {

constexpr size_t kBlock = 1 << 20;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  throw core::Unavailable(what + " " + path.string() + ": " + std::strerror(errno));
}

void fsync_directory(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) fail("cannot sync folder", dir);
}

// Reads the whole of `fd` in blocks, calling `sink(bytes, n)` for each.
template <class Sink>
void read_blocks(int fd, const std::filesystem::path& path, Sink sink) {
  std::unique_ptr<uint8_t[]> buffer(new uint8_t[kBlock]);
  while (true) {
    const ssize_t n = ::read(fd, buffer.get(), kBlock);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot read", path);
    }
    if (n == 0) return;
    sink(buffer.get(), static_cast<size_t>(n));
  }
}

}  // namespace

ledger::Hash hash_file(const std::filesystem::path& file) {
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail("cannot open", file);
  ledger::Sha256 hash;
  read_blocks(fd.get(), file, [&](const uint8_t* p, size_t n) { hash.update({p, n}); });
  return hash.finish();
}

ObjectStore::ObjectStore(std::filesystem::path root) : root_(std::move(root)) {
  std::filesystem::create_directories(root_ / "tmp");
}

std::filesystem::path ObjectStore::path_of(const ledger::Hash& sha256) const {
  return path_of_hex(core::hex_encode(sha256));
}

std::filesystem::path ObjectStore::path_of_hex(std::string_view hex) const {
  return root_ / hex.substr(0, 2) / hex.substr(2);
}

bool ObjectStore::contains(const ledger::Hash& sha256) const {
  return std::filesystem::exists(path_of(sha256));
}

StoredObject ObjectStore::put_file(const std::filesystem::path& file) {
  FileDescriptor in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) fail("cannot open", file);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw core::InputError(file.string(), "", "", "is not a regular file");
  }
  std::string temp = (root_ / "tmp" / "ingest-XXXXXX").string();
  FileDescriptor out(::mkstemp(temp.data()));
  if (out.get() < 0) fail("cannot create", temp);
  bool kept = false;
  struct RemoveTemp {
    const std::string& path;
    const bool& kept;
    ~RemoveTemp() {
      if (!kept) ::unlink(path.c_str());
    }
  } remove_temp{temp, kept};

  StoredObject object;
  ledger::Sha256 hash;
  read_blocks(in.get(), file, [&](const uint8_t* p, size_t n) {
    hash.update({p, n});
    object.size += n;
    for (size_t done = 0; done < n;) {
      const ssize_t w = ::write(out.get(), p + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        fail("cannot write", temp);
      }
      done += static_cast<size_t>(w);
    }
  });
  object.sha256 = hash.finish();
  const std::filesystem::path target = path_of(object.sha256);
  if (std::filesystem::exists(target)) {
    object.already_present = true;
    return object;  // the temporary copy is removed
  }
  if (::fchmod(out.get(), 0444) != 0 || ::fsync(out.get()) != 0) fail("cannot sync", temp);
  ::close(out.release());
  const std::filesystem::path folder = target.parent_path();
  if (std::filesystem::create_directory(folder)) fsync_directory(root_);
  if (::rename(temp.c_str(), target.c_str()) != 0) fail("cannot move into place", target);
  kept = true;
  fsync_directory(folder);
  return object;
}

ObjectCheck ObjectStore::check() const {
  ObjectCheck result;
  for (const auto& folder : std::filesystem::directory_iterator(root_)) {
    const std::string prefix = folder.path().filename().string();
    if (!folder.is_directory() || prefix == "tmp") {
      if (prefix != "tmp") result.stray.push_back(folder.path().string());
      continue;
    }
    for (const auto& object : std::filesystem::directory_iterator(folder.path())) {
      const std::string name = prefix + object.path().filename().string();
      const auto expected = core::hex_decode(name);
      if (!expected || expected->size() != 32) {
        result.stray.push_back(object.path().string());
        continue;
      }
      const ledger::Hash actual = hash_file(object.path());
      if (std::equal(actual.begin(), actual.end(), expected->begin())) {
        result.intact.push_back(actual);
      } else {
        result.altered.push_back(name);
      }
    }
  }
  for (const auto& leftover : std::filesystem::directory_iterator(root_ / "tmp")) {
    result.stray.push_back(leftover.path().string());
  }
  return result;
}

}  // namespace athar::vault
