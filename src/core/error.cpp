#include "core/error.h"

#include <utility>

namespace athar::core {

namespace {
std::string describe(const std::string& record, const std::string& field, const std::string& value,
                     const std::string& problem) {
  std::string out = record;
  if (!field.empty()) out += ": field '" + field + "'";
  if (!value.empty() || !field.empty()) out += " value '" + value + "'";
  out += ": " + problem;
  return out;
}
}  // namespace

InputError::InputError(std::string record, std::string field, std::string value,
                       std::string problem)
    : Error(describe(record, field, value, problem)),
      record_(std::move(record)),
      field_(std::move(field)),
      value_(std::move(value)) {}

}  // namespace athar::core
