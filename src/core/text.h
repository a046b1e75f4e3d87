// Small text helpers shared by every module: UTF-8 checks, trimming, ASCII case.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace athar::core {

// Offset of the first byte that is not part of well-formed UTF-8 (overlongs, surrogates and
// code points above U+10FFFF rejected), or npos when the whole text is valid.
size_t find_invalid_utf8(std::string_view text);
inline bool is_valid_utf8(std::string_view text) {
  return find_invalid_utf8(text) == std::string_view::npos;
}
// The text with every byte that is not valid UTF-8 shown as \xNN, for error messages.
std::string printable(std::string_view text);

std::string_view trim(std::string_view text);
std::string ascii_lower(std::string_view text);
// 1234567 as "1,234,567", as text output writes counts.
std::string with_thousands(uint64_t value);
// The shortest text that reads back as exactly `value` ("0.1", "1e-05", "-inf").
std::string shortest_number(double value);
std::vector<std::string> split(std::string_view text, char separator);
bool contains_letter_or_digit(std::string_view utf8_text);

}  // namespace athar::core
