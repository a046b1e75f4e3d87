#include "core/error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace athar::core {

namespace {
// Control characters shown by name, so that a NUL reads as a NUL instead of ending the message.
std::string visible(const std::string& value) {
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0) {
      out += "<NUL>";
    } else if (u < 0x20 && c != '\t') {
      static const char* kHex = "0123456789ABCDEF";
      out += std::string("<U+00") + kHex[u >> 4] + kHex[u & 15] + ">";
    } else {
      out += c;
    }
  }
  return out;
}

std::string describe(const std::string& record, const std::string& field, const std::string& value,
                     const std::string& problem) {
  std::string out = record;
  if (!field.empty()) out += ": field '" + field + "'";
  if (!value.empty() || !field.empty()) out += " value '" + visible(value) + "'";
  out += ": " + problem;
  return out;
}
}  // namespace

InputError::InputError(std::string record, std::string field, std::string value,
                       std::string problem)
    : Error(describe(record, field, value, problem)),
      record_(std::move(record)),
      field_(std::move(field)),
      value_(std::move(value)),
      problem_(std::move(problem)) {}

void throw_cannot_open(const std::string& path, const std::string& what) {
  const int saved = errno;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found) {
    throw NotFound("no " + what + " " + path);
  }
  if (status.type() == std::filesystem::file_type::directory) {
    throw InputError(path, "", path, "is a folder; a " + what + " was expected");
  }
  if (saved == EACCES || saved == EPERM) {
    throw InputError(path, "", path, "cannot be read (permission denied)");
  }
  throw Unavailable("cannot read " + what + " " + path + ": " + std::strerror(saved));
}

}  // namespace athar::core
