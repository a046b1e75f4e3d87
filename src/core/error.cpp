#include "core/error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "core/text.h"

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

std::string_view kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInput:
      return "input";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kForbidden:
      return "forbidden";
    case ErrorKind::kCorruption:
      return "corruption";
    case ErrorKind::kUnavailable:
      return "unavailable";
    case ErrorKind::kInternal:
      break;
  }
  return "internal";
}

namespace {
// JSON holds only well-formed UTF-8; a message may quote bytes that are not (a bad file's).
std::string json_safe(const std::string& text) {
  return is_valid_utf8(text) ? text : printable(text);
}
}  // namespace

OrderedJson Error::to_json() const {
  return {{"error", kind_name(kind())}, {"message", json_safe(what())}};
}

OrderedJson InputError::to_json() const {
  OrderedJson j = Error::to_json();
  if (!record_.empty() || !field_.empty() || !problem_.empty()) {
    j["record"] = json_safe(record_);
    j["field"] = json_safe(field_);
    j["value"] = json_safe(value_);
    j["problem"] = json_safe(problem_);
  }
  return j;
}

InputError::InputError(const InputError& named, const std::string& message)
    : Error(message),
      record_(named.record_),
      field_(named.field_),
      value_(named.value_),
      problem_(named.problem_) {}

namespace {
std::string list_of(const std::vector<InputError>& problems, size_t not_listed) {
  const size_t total = problems.size() + not_listed;
  std::string out = std::to_string(total) + (total == 1 ? " problem" : " problems") + ":";
  for (const InputError& p : problems) out += std::string("\n  ") + p.what();
  if (not_listed) out += "\n  ... and " + std::to_string(not_listed) + " more not listed";
  return out;
}
}  // namespace

InputProblems::InputProblems(std::vector<InputError> problems, size_t not_listed)
    : InputError(problems.at(0), list_of(problems, not_listed)),
      problems_(std::move(problems)),
      not_listed_(not_listed) {}

OrderedJson InputProblems::to_json() const {
  OrderedJson j = InputError::to_json();
  OrderedJson list = OrderedJson::array();
  for (const InputError& p : problems_) list.push_back(p.to_json());
  j["problems"] = std::move(list);
  j["count"] = count();
  return j;
}

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
