// Shared between the names module's sources: Latin text to lower-case ASCII tokens, diacritics
// and transliteration marks folded, separators split, nothing else changed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace athar::names_internal {
void split_latin(std::string_view name, std::vector<std::string>& tokens);
}  // namespace athar::names_internal
