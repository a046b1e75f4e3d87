#include "registry/versions.h"

#include <zlib.h>

#include <stdexcept>

namespace athar::registry {

std::string pack_versions(std::span<const std::string_view> forms) {
  std::string joined;
  size_t size = 0;
  for (std::string_view f : forms) size += f.size() + 1;
  joined.reserve(size);
  for (std::string_view f : forms) {
    joined.append(f);
    joined.push_back('\n');
  }
  uLongf packed_size = compressBound(static_cast<uLong>(joined.size()));
  std::string packed(packed_size, '\0');
  // Level 1: about ten times smaller for an import's batch, at some 300 MB/s.
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(joined.data()), static_cast<uLong>(joined.size()),
                1) != Z_OK) {
    throw std::runtime_error("deflate failed while packing record versions");
  }
  packed.resize(packed_size);
  return packed;
}

std::optional<std::string> unpack_version(std::string_view packed, size_t position) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  z.avail_in = static_cast<uInt>(packed.size());
  std::string out, chunk(64 << 10, '\0');
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(chunk.data(), chunk.size() - z.avail_out);
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  size_t start = 0;
  for (size_t i = 0; i < position; ++i) {
    start = out.find('\n', start);
    if (start == std::string::npos) return std::nullopt;
    ++start;
  }
  const size_t end = out.find('\n', start);
  if (end == std::string::npos) return std::nullopt;
  return out.substr(start, end - start);
}

}  // namespace athar::registry
