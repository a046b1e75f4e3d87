#include "vault/tar.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "core/error.h"

namespace athar::vault {

namespace {

constexpr size_t kBlock = 512;

void write_octal(char* field, size_t width, uint64_t value) {
  // width-1 octal digits and a NUL, as ustar requires.
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
}

uint64_t parse_octal(const char* field, size_t width, const std::string& name) {
  uint64_t value = 0;
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (value > (UINT64_MAX >> 3))
      throw core::Corruption("tar entry " + name + ": number too large");
    value = value * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  if (i < width && field[i] != '\0' && field[i] != ' ') {
    throw core::Corruption("tar entry " + name + ": malformed number in header");
  }
  return value;
}

}  // namespace

void TarWriter::header(std::string_view name, uint64_t size) {
  if (name.size() >= 100)
    throw core::InputError("tar", "name", std::string(name), "longer than 99 bytes");
  std::array<char, kBlock> h{};
  std::memcpy(h.data(), name.data(), name.size());
  write_octal(h.data() + 100, 8, 0444);  // mode
  write_octal(h.data() + 108, 8, 0);     // uid
  write_octal(h.data() + 116, 8, 0);     // gid
  write_octal(h.data() + 124, 12, size);
  write_octal(h.data() + 136, 12, 0);  // mtime: bundles are reproducible
  h[156] = '0';                        // regular file
  std::memcpy(h.data() + 257, "ustar", 6);
  std::memcpy(h.data() + 263, "00", 2);
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  std::snprintf(h.data() + 148, 8, "%06o", sum);
  h[155] = ' ';
  out_.write(h.data(), h.size());
  blocks_ += 1 + (size + kBlock - 1) / kBlock;  // the header and the content with its padding
}

void TarWriter::pad(uint64_t size) {
  static const std::array<char, kBlock> zeros{};
  if (size % kBlock) out_.write(zeros.data(), static_cast<std::streamsize>(kBlock - size % kBlock));
}

void TarWriter::add_file(std::string_view name, std::string_view content) {
  header(name, content.size());
  out_.write(content.data(), static_cast<std::streamsize>(content.size()));
  pad(content.size());
}

void TarWriter::add_file_from_disk(std::string_view name, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) core::throw_cannot_open(path.string());
  const uint64_t size = std::filesystem::file_size(path);
  header(name, size);
  std::unique_ptr<char[]> buffer(new char[1 << 20]);
  uint64_t copied = 0;
  while (in) {
    in.read(buffer.get(), 1 << 20);
    out_.write(buffer.get(), in.gcount());
    copied += static_cast<uint64_t>(in.gcount());
  }
  if (copied != size) throw core::Unavailable(path.string() + " changed while it was bundled");
  pad(size);
}

void TarWriter::finish() {
  // Two zero blocks end the archive; then zeros up to a whole record of 20 blocks, as POSIX
  // asks and GNU tar's --delete and --append need.
  static const std::array<char, kRecordBlocks * kBlock> zeros{};
  const uint64_t end = blocks_ + 2;
  const uint64_t padded = (end + kRecordBlocks - 1) / kRecordBlocks * kRecordBlocks;
  for (uint64_t left = padded - blocks_; left > 0;) {
    const uint64_t now = std::min<uint64_t>(left, kRecordBlocks);
    out_.write(zeros.data(), static_cast<std::streamsize>(now * kBlock));
    left -= now;
  }
  blocks_ = padded;
  out_.flush();
  if (!out_) throw core::Unavailable("writing the archive failed");
}

void TarReader::skip_rest() {
  std::array<char, 8192> scratch;
  uint64_t left = remaining_ + padding_;
  while (left) {
    const auto n = static_cast<std::streamsize>(std::min<uint64_t>(left, scratch.size()));
    in_.read(scratch.data(), n);
    if (in_.gcount() != n) throw core::Corruption("tar entry " + current_ + ": archive truncated");
    left -= static_cast<uint64_t>(n);
  }
  remaining_ = padding_ = 0;
}

std::optional<TarEntry> TarReader::next() {
  skip_rest();
  std::array<char, kBlock> h{};
  in_.read(h.data(), h.size());
  if (in_.gcount() == 0) throw core::Corruption("archive ends without its end-of-archive blocks");
  if (in_.gcount() != static_cast<std::streamsize>(h.size())) {
    throw core::Corruption("archive truncated inside a header");
  }
  if (std::all_of(h.begin(), h.end(), [](char c) { return c == 0; })) return std::nullopt;
  TarEntry entry;
  entry.name.assign(h.data(), strnlen(h.data(), 100));
  const size_t prefix_length = strnlen(h.data() + 345, 155);
  if (std::memcmp(h.data() + 257, "ustar", 5) == 0 && prefix_length) {
    entry.name = std::string(h.data() + 345, prefix_length) + "/" + entry.name;
  }
  current_ = entry.name;
  const uint64_t stored_sum = parse_octal(h.data() + 148, 8, entry.name);
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  if (sum != stored_sum)
    throw core::Corruption("tar entry " + entry.name + ": header checksum fails");
  entry.size = parse_octal(h.data() + 124, 12, entry.name);
  entry.regular = h[156] == '0' || h[156] == '\0';
  remaining_ = entry.size;
  padding_ = entry.size % kBlock ? kBlock - entry.size % kBlock : 0;
  return entry;
}

void TarReader::read_content(const std::function<void(const uint8_t*, size_t)>& sink) {
  std::unique_ptr<char[]> buffer(new char[1 << 20]);
  while (remaining_) {
    const auto n = static_cast<std::streamsize>(std::min<uint64_t>(remaining_, 1 << 20));
    in_.read(buffer.get(), n);
    if (in_.gcount() != n) throw core::Corruption("tar entry " + current_ + ": archive truncated");
    sink(reinterpret_cast<const uint8_t*>(buffer.get()), static_cast<size_t>(n));
    remaining_ -= static_cast<uint64_t>(n);
  }
}

std::string TarReader::read_content_string(uint64_t limit) {
  if (remaining_ > limit) {
    throw core::Corruption("tar entry " + current_ + " is larger than a bundle's " +
                           std::to_string(limit) + "-byte limit for it");
  }
  std::string out;
  read_content(
      [&](const uint8_t* p, size_t n) { out.append(reinterpret_cast<const char*>(p), n); });
  return out;
}

}  // namespace athar::vault
