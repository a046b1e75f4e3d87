// Syria's fourteen governorates (muhafazat), with the spellings lists use for them.
//
//   auto g = athar::core::find_governorate("Rif Dimashq");   // also "ريف دمشق", "rif-dimashq"
//   if (g) g->code;                                          // "rif-dimashq"
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace athar::core {

struct Governorate {
  std::string_view code;     // stable key stored in the registry
  std::string_view name_en;  // English name
  std::string_view name_ar;  // Arabic name
};

std::span<const Governorate> governorates();

// Matches the code, the English name or a common variant (case, spaces, hyphens and the
// article ignored), or the Arabic name. Empty when nothing matches.
std::optional<Governorate> find_governorate(std::string_view name);

}  // namespace athar::core
