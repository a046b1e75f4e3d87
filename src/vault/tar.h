// POSIX ustar archives, the container of evidence bundles: any `tar` reads them.
//
//   TarWriter tar(out);
//   tar.add_file("manifest.json", text);
//   tar.add_file_from_disk("objects/ab12…", path);   // streamed, not held in memory
//   tar.finish();
//
//   TarReader reader(in);
//   while (auto entry = reader.next()) { reader.read_content([&](const uint8_t* p, size_t n) {…});
//   }
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace athar::vault {

class TarWriter {
 public:
  explicit TarWriter(std::ostream& out) : out_(out) {}
  void add_file(std::string_view name, std::string_view content);
  void add_file_from_disk(std::string_view name, const std::filesystem::path& path);
  // Writes the two zero blocks that end an archive.
  void finish();

 private:
  void header(std::string_view name, uint64_t size);
  void pad(uint64_t size);
  static constexpr uint64_t kRecordBlocks = 20;  // tar's default blocking factor
  std::ostream& out_;
  uint64_t blocks_ = 0;  // 512-byte blocks written so far
};

struct TarEntry {
  std::string name;
  uint64_t size = 0;
  bool regular = true;
};

// Reads archives defensively: a malformed header, a bad checksum or a truncated archive throws
// core::Corruption naming the entry.
class TarReader {
 public:
  explicit TarReader(std::istream& in) : in_(in) {}
  std::optional<TarEntry> next();  // skips the unread content of the previous entry
  // Streams the current entry's content in chunks.
  void read_content(const std::function<void(const uint8_t*, size_t)>& sink);
  std::string read_content_string(uint64_t limit);

 private:
  void skip_rest();
  std::istream& in_;
  uint64_t remaining_ = 0, padding_ = 0;
  std::string current_;
};

}  // namespace athar::vault
