// JSON for Athar: nlohmann::json, with ordered keys where output is read by people.
#pragma once

#include <nlohmann/json.hpp>

namespace athar::core {
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;
}  // namespace athar::core
