#include "app/evidence.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/encoding.h"
#include "core/error.h"
#include "ledger/hash.h"

namespace athar::app {

namespace {

std::filesystem::path partial_folder(const Instance& instance) {
  return instance.data_dir() / "uploads" / "partial";
}

// An upload's id is 32 hex digits; anything else names no upload (and no path).
std::filesystem::path partial_path(const Instance& instance, std::string_view id,
                                   const char* extension) {
  const bool well_formed =
      id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  if (!well_formed) throw core::NotFound("no upload " + std::string(id));
  return partial_folder(instance) / (std::string(id) + extension);
}

// The upload as kept, checked to be the caller's: another account's upload is not found.
PartialUpload read_upload(Session& session, std::string_view id) {
  session.require(Permission::kAddEvidence, "upload evidence");
  const std::filesystem::path about = partial_path(session.instance(), id, ".json");
  std::ifstream in(about);
  if (!in) throw core::NotFound("no upload " + std::string(id) + " (finished, or never begun)");
  std::stringstream text;
  text << in.rdbuf();
  const core::Json j = core::Json::parse(text.str(), nullptr, false);
  if (!j.is_object() || !j.contains("owner") || !j.contains("size") || !j.contains("file_name"))
    throw core::Corruption("upload " + std::string(id) + ": its description is unreadable");
  PartialUpload u;
  u.id = std::string(id);
  u.owner = j["owner"].get<std::string>();
  u.file_name = j["file_name"].get<std::string>();
  u.size = j["size"].get<uint64_t>();
  if (u.owner != session.actor().name) throw core::NotFound("no upload " + std::string(id));
  std::error_code ec;
  const auto have = std::filesystem::file_size(partial_path(session.instance(), id, ".part"), ec);
  u.received = ec ? 0 : have;
  return u;
}

// Holds an exclusive lock on an upload's pieces while one request appends to them.
class LockedFile {
 public:
  explicit LockedFile(const std::filesystem::path& path)
      : fd_(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0)
      throw core::Unavailable("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  ~LockedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Uploads nobody has added to for a week are given up: their pieces would fill the disk.
void forget_abandoned_uploads(const std::filesystem::path& folder) {
  const auto cutoff = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 7);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    std::error_code time_error;
    const auto written = entry.last_write_time(time_error);
    if (!time_error && written < cutoff) std::filesystem::remove(entry.path(), time_error);
  }
}

}  // namespace

core::OrderedJson PartialUpload::to_json() const {
  return {{"id", id}, {"file_name", file_name}, {"size", size}, {"received", received}};
}

PartialUpload begin_upload(Session& session, const std::string& file_name, uint64_t size,
                           uint64_t max_size) {
  session.require(Permission::kAddEvidence, "upload evidence");
  if (size == 0 || size > max_size) {
    throw core::InputError(
        "upload", "size", std::to_string(size),
        "must be from 1 to the upload limit of " + std::to_string(max_size) + " bytes");
  }
  std::array<uint8_t, 16> random{};
  randombytes_buf(random.data(), random.size());
  PartialUpload u;
  u.id = core::hex_encode(random);
  u.owner = session.actor().name;
  u.file_name = std::filesystem::path(file_name).filename().string();
  u.size = size;
  std::filesystem::create_directories(partial_folder(session.instance()));
  forget_abandoned_uploads(partial_folder(session.instance()));
  { LockedFile create(partial_path(session.instance(), u.id, ".part")); }
  std::ofstream(partial_path(session.instance(), u.id, ".json"))
      << core::Json{{"owner", u.owner}, {"file_name", u.file_name}, {"size", u.size}}.dump();
  return u;
}

PartialUpload upload_status(Session& session, std::string_view id) {
  return read_upload(session, id);
}

PartialUpload continue_upload(Session& session, std::string_view id, uint64_t offset,
                              const std::filesystem::path& piece) {
  PartialUpload u = read_upload(session, id);
  const LockedFile part(partial_path(session.instance(), id, ".part"));
  // Read again under the lock: another request may have appended since.
  struct stat st {};
  if (::fstat(part.fd(), &st) != 0) throw core::Unavailable("cannot read upload " + u.id);
  u.received = static_cast<uint64_t>(st.st_size);
  if (offset != u.received) {
    throw core::Conflict("upload " + u.id + ": the server has " + std::to_string(u.received) +
                         " bytes; continue from there, not from " + std::to_string(offset));
  }
  const uint64_t length = std::filesystem::file_size(piece);
  if (u.received + length > u.size) {
    throw core::InputError("upload " + u.id, "body", std::to_string(length) + " bytes",
                           "would pass the declared size of " + std::to_string(u.size) + " bytes");
  }
  std::ifstream in(piece, std::ios::binary);
  std::vector<char> buffer(size_t{1} << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in.gcount());
    for (size_t written = 0; written < got;) {
      const ssize_t n = ::write(part.fd(), buffer.data() + written, got - written);
      if (n < 0) {
        // Nothing half-written stays: the piece is cut back off, to be sent again.
        [[maybe_unused]] const int ignored = ::ftruncate(part.fd(), st.st_size);
        throw core::Unavailable("upload " + u.id + ": " + std::strerror(errno));
      }
      written += static_cast<size_t>(n);
    }
  }
  u.received += length;
  return u;
}

StoredEvidence finish_upload(Session& session, std::string_view id,
                             registry::IngestOptions options) {
  const PartialUpload u = read_upload(session, id);
  if (u.received != u.size) {
    throw core::InputError("upload " + u.id, "received", std::to_string(u.received),
                           "is not the whole file yet (" + std::to_string(u.size) + " bytes)");
  }
  const std::filesystem::path part = partial_path(session.instance(), id, ".part");
  options.original_name = u.file_name;
  StoredEvidence stored = add_evidence(session, part, options);
  std::error_code ec;
  std::filesystem::remove(part, ec);
  std::filesystem::remove(partial_path(session.instance(), id, ".json"), ec);
  return stored;
}

core::OrderedJson StoredEvidence::to_json() const {
  return {{"evidence", result.evidence_id},          {"custody", result.custody_id},
          {"sha256", ledger::to_hex(result.sha256)}, {"size", result.size},
          {"new_object", result.new_object},         {"stored_before", result.stored_before}};
}

StoredEvidence add_evidence(Session& session, const std::filesystem::path& file,
                            const registry::IngestOptions& options) {
  session.require(Permission::kAddEvidence, "add evidence");
  vault::ObjectStore objects(session.instance().objects_path());
  return {registry::ingest_evidence(session.registry(), objects, file, options)};
}

std::vector<StoredEvidence> add_evidence_files(Session& session,
                                               const std::vector<std::filesystem::path>& files,
                                               const registry::IngestOptions& options) {
  session.require(Permission::kAddEvidence, "add evidence");
  vault::ObjectStore objects(session.instance().objects_path());
  std::vector<StoredEvidence> out;
  for (auto& r : registry::ingest_evidence_files(session.registry(), objects, files, options))
    out.push_back({std::move(r)});
  return out;
}

EvidenceFile evidence_file(Session& session, std::string_view evidence_id) {
  session.require(Permission::kReadEvidence, "read evidence files");
  const auto parsed = registry::parse_record_id(evidence_id);
  if (!parsed || parsed->kind != registry::Kind::kEvidence) {
    throw core::NotFound(std::string(evidence_id) + " is not an evidence record");
  }
  const registry::Record r = session.registry().get(evidence_id);
  EvidenceFile out;
  out.evidence_id = r.id();
  out.sha256 = r.get("sha256");
  out.media_type = r.get("media_type");
  vault::ObjectStore objects(session.instance().objects_path());
  out.path = objects.path_of_hex(out.sha256);
  std::error_code ec;
  out.size = std::filesystem::file_size(out.path, ec);
  if (ec) throw core::NotFound("the object of " + out.evidence_id + " is not in the vault");
  return out;
}

}  // namespace athar::app
