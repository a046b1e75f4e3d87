// UTF-8 <-> UTF-32 for code-point work (name normalisation, string similarity).
#pragma once

#include <string>
#include <string_view>

namespace athar::core {

// Decodes UTF-8; an invalid byte becomes U+FFFD. Appends to `out` (cleared first).
void to_utf32(std::string_view utf8, std::u32string& out);
inline std::u32string to_utf32(std::string_view utf8) {
  std::u32string out;
  to_utf32(utf8, out);
  return out;
}
void append_utf8(char32_t c, std::string& out);
std::string to_utf8(std::u32string_view text);

}  // namespace athar::core
