// Hex and base64 (RFC 4648, standard alphabet, padded) for hashes, keys and signatures.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace athar::core {

std::string hex_encode(std::span<const uint8_t> bytes);
// Empty when the text is not an even number of hex digits.
std::optional<std::vector<uint8_t>> hex_decode(std::string_view text);

std::string base64_encode(std::span<const uint8_t> bytes);
// Empty when the text is not canonical padded base64.
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace athar::core
