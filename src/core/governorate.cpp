#include "core/governorate.h"

#include <array>
#include <string>
#include <utility>

#include "core/text.h"

namespace athar::core {

namespace {

constexpr std::array<Governorate, 14> kGovernorates{{
    {"damascus", "Damascus", "دمشق"},
    {"rif-dimashq", "Rif Dimashq", "ريف دمشق"},
    {"aleppo", "Aleppo", "حلب"},
    {"homs", "Homs", "حمص"},
    {"hama", "Hama", "حماة"},
    {"latakia", "Latakia", "اللاذقية"},
    {"tartus", "Tartus", "طرطوس"},
    {"idlib", "Idlib", "إدلب"},
    {"raqqa", "Raqqa", "الرقة"},
    {"deir-ez-zor", "Deir ez-Zor", "دير الزور"},
    {"hasakah", "Al-Hasakah", "الحسكة"},
    {"daraa", "Daraa", "درعا"},
    {"as-suwayda", "As-Suwayda", "السويداء"},
    {"quneitra", "Quneitra", "القنيطرة"},
}};

// Other spellings seen in lists, keyed by their folded form.
struct Alias {
  std::string_view folded;
  std::string_view code;
};
constexpr std::array<Alias, 16> kAliases{{
    {"rifdamascus", "rif-dimashq"},
    {"damascuscountryside", "rif-dimashq"},
    {"ruraldamascus", "rif-dimashq"},
    {"reefdimashq", "rif-dimashq"},
    {"halab", "aleppo"},
    {"lattakia", "latakia"},
    {"ladhiqiyah", "latakia"},
    {"tartous", "tartus"},
    {"idleb", "idlib"},
    {"arraqqa", "raqqa"},
    {"deirezzor", "deir-ez-zor"},
    {"deirezzour", "deir-ez-zor"},
    {"hasaka", "hasakah"},
    {"dara", "daraa"},
    {"suwayda", "as-suwayda"},
    {"sweida", "as-suwayda"},
}};

// Lower-case ASCII letters only, a leading "al"/"as"/"ar" article kept (aliases list both).
std::string fold(std::string_view name) {
  std::string out;
  for (char c : ascii_lower(name)) {
    if (c >= 'a' && c <= 'z') out.push_back(c);
  }
  return out;
}

}  // namespace

std::span<const Governorate> governorates() { return kGovernorates; }

std::optional<Governorate> find_governorate(std::string_view name) {
  name = trim(name);
  if (name.empty()) return std::nullopt;
  for (const Governorate& g : kGovernorates) {
    if (name == g.code || name == g.name_ar) return g;
  }
  // Folded English names and codes, computed once (imports look up millions of rows).
  static const auto folded_names = [] {
    std::array<std::pair<std::string, std::string>, kGovernorates.size()> out;
    for (size_t i = 0; i < kGovernorates.size(); ++i) {
      out[i] = {fold(kGovernorates[i].name_en), fold(kGovernorates[i].code)};
    }
    return out;
  }();
  const std::string folded = fold(name);
  for (size_t i = 0; i < kGovernorates.size(); ++i) {
    if (!folded.empty() && (folded == folded_names[i].first || folded == folded_names[i].second)) {
      return kGovernorates[i];
    }
  }
  for (const Alias& a : kAliases) {
    if (folded == a.folded) {
      for (const Governorate& g : kGovernorates) {
        if (g.code == a.code) return g;
      }
    }
  }
  // Arabic spelled with a bare alef (ادلب) where the canonical name has hamza (إدلب).
  if (name == "ادلب") return kGovernorates[7];
  if (name == "حماه") return kGovernorates[4];
  return std::nullopt;
}

}  // namespace athar::core
