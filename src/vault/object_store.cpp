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

const char* kind_of(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

void refuse_unless_regular(const std::filesystem::path& file, const struct stat& st) {
  if (S_ISREG(st.st_mode)) return;
  std::string problem = std::string("is ") + kind_of(st.st_mode) + ", not a regular file";
  if (S_ISLNK(st.st_mode)) problem += " (give --follow-symlinks to store the file it points to)";
  throw core::InputError(file.string(), "file", file.string(), problem);
}

}  // namespace

void check_intake_file(const std::filesystem::path& file, bool follow_symlinks) {
  struct stat st {};
  const int rc = follow_symlinks ? ::stat(file.c_str(), &st) : ::lstat(file.c_str(), &st);
  if (rc != 0) {
    const std::string why = std::strerror(errno);
    if (errno == ENOENT || errno == ENOTDIR) {
      throw core::NotFound("no file " + file.string() + " (" + why + ")");
    }
    throw core::InputError(file.string(), "file", file.string(), "cannot be read: " + why);
  }
  refuse_unless_regular(file, st);
}

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

StoredObject ObjectStore::put_file(const std::filesystem::path& file, bool follow_symlinks) {
  // Checked by name first (opening a FIFO or a device can block or act), then on the open file,
  // so that a swap between the two is caught too.
  check_intake_file(file, follow_symlinks);
  FileDescriptor in(
      ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow_symlinks ? 0 : O_NOFOLLOW)));
  if (in.get() < 0) {
    if (errno == ELOOP) check_intake_file(file, false);  // names the link
    fail("cannot open", file);
  }
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) fail("cannot read", file);
  refuse_unless_regular(file, st);
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
  // Nothing is followed: a link's target is outside what the vault vouches for.
  const auto not_own = [&](const std::filesystem::path& path, const struct stat& st) {
    std::string why = std::string("is ") + kind_of(st.st_mode);
    if (S_ISLNK(st.st_mode)) {
      std::error_code ec;
      why += " to " + std::filesystem::read_symlink(path, ec).string();
    }
    result.not_own.emplace_back(path.string(), why + "; the vault holds only its own files");
  };
  for (const auto& folder : std::filesystem::directory_iterator(root_)) {
    const std::string prefix = folder.path().filename().string();
    struct stat folder_st {};
    if (::lstat(folder.path().c_str(), &folder_st) != 0) fail("cannot read", folder.path());
    if (S_ISLNK(folder_st.st_mode)) {
      not_own(folder.path(), folder_st);
      continue;
    }
    if (!S_ISDIR(folder_st.st_mode) || prefix == "tmp") {
      if (prefix != "tmp") result.stray.push_back(folder.path().string());
      continue;
    }
    for (const auto& object : std::filesystem::directory_iterator(folder.path())) {
      const std::string name = prefix + object.path().filename().string();
      struct stat st {};
      if (::lstat(object.path().c_str(), &st) != 0) fail("cannot read", object.path());
      if (!S_ISREG(st.st_mode)) {
        not_own(object.path(), st);
        continue;
      }
      if (st.st_nlink > 1) {
        result.not_own.emplace_back(object.path().string(),
                                    "has " + std::to_string(st.st_nlink) +
                                        " hard links: another path can change its bytes");
      }
      const auto expected = core::hex_decode(name);
      if (!expected || expected->size() != 32) {
        result.stray.push_back(object.path().string());
        continue;
      }
      // Opened without following a link swapped in since the lstat above.
      FileDescriptor fd(
          ::open(object.path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
      if (fd.get() < 0) fail("cannot open", object.path());
      ledger::Sha256 hash;
      read_blocks(fd.get(), object.path(), [&](const uint8_t* p, size_t n) {
        hash.update({p, n});
      });
      const ledger::Hash actual = hash.finish();
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
