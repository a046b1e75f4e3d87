// Arabic-script name normalisation (see normalise.h).
#include <array>
#include <string>
#include <vector>

#include "core/unicode.h"
#include "names/normalise.h"

namespace athar::names {

namespace {

bool is_arabic_letter(char32_t c) {
  return (c >= 0x0620 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3) ||
         (c >= 0x0750 && c <= 0x077F);
}

bool is_removed_mark(char32_t c) {
  return (c >= 0x064B && c <= 0x065F) ||               // harakat, shadda, sukun, hamza above/below
         c == 0x0670 ||                                // superscript alef
         (c >= 0x06D6 && c <= 0x06ED) ||               // Quranic annotation marks
         (c >= 0x0610 && c <= 0x061A) ||               // honorifics and small marks
         c == 0x0640 ||                                // tatweel
         c == 0x200C || c == 0x200D ||                 // zero-width (non-)joiner
         c == 0x200E || c == 0x200F || c == 0x061C ||  // directional marks
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

// Arabic Presentation Forms-B (U+FE80..U+FEF4): each base letter's 1, 2 or 4 contextual forms,
// in code point order.
const std::array<char32_t, 0xFEF5 - 0xFE80>& presentation_forms() {
  static const auto table = [] {
    constexpr std::pair<char32_t, int> kForms[] = {
        {0x0621, 1}, {0x0622, 2}, {0x0623, 2}, {0x0624, 2}, {0x0625, 2}, {0x0626, 4},
        {0x0627, 2}, {0x0628, 4}, {0x0629, 2}, {0x062A, 4}, {0x062B, 4}, {0x062C, 4},
        {0x062D, 4}, {0x062E, 4}, {0x062F, 2}, {0x0630, 2}, {0x0631, 2}, {0x0632, 2},
        {0x0633, 4}, {0x0634, 4}, {0x0635, 4}, {0x0636, 4}, {0x0637, 4}, {0x0638, 4},
        {0x0639, 4}, {0x063A, 4}, {0x0641, 4}, {0x0642, 4}, {0x0643, 4}, {0x0644, 4},
        {0x0645, 4}, {0x0646, 4}, {0x0647, 4}, {0x0648, 2}, {0x0649, 2}, {0x064A, 4}};
    std::array<char32_t, 0xFEF5 - 0xFE80> out{};
    size_t at = 0;
    for (const auto& [base, count] : kForms) {
      for (int k = 0; k < count; ++k) out[at++] = base;
    }
    return out;
  }();
  return table;
}

// One code point to its normal letters (appended to `out`); marks append nothing.
void fold(char32_t c, std::u32string& out) {
  if (is_removed_mark(c)) return;
  if (c >= 0xFE80 && c < 0xFEF5) c = presentation_forms()[c - 0xFE80];
  if (c >= 0xFEF5 && c <= 0xFEFC) {  // lam-alef ligatures
    out += U"\u0644\u0627";
    return;
  }
  if (c == 0xFDF2) {  // the ligature of Allah
    out += U"\u0627\u0644\u0644\u0647";
    return;
  }
  switch (c) {
    case 0x0622:
    case 0x0623:
    case 0x0625:
    case 0x0671:
    case 0x0672:
    case 0x0673:
      out.push_back(0x0627);  // alef forms
      return;
    case 0x0629:
    case 0x06C1:
    case 0x06C0:
    case 0x06D5:
      out.push_back(0x0647);  // taa marbuta, Urdu heh forms
      return;
    case 0x0649:
    case 0x06CC:
    case 0x06D2:
    case 0x0626:
      out.push_back(0x064A);  // alef maksura, Farsi yeh, yeh barree, yeh with hamza
      return;
    case 0x0624:
      out.push_back(0x0648);  // waw with hamza
      return;
    case 0x06A9:
    case 0x06AA:
      out.push_back(0x0643);  // keheh, swash kaf
      return;
    case 0x0621:
      return;  // lone hamza
    default:
      break;
  }
  if (c >= 0x0660 && c <= 0x0669) c = U'0' + (c - 0x0660);
  if (c >= 0x06F0 && c <= 0x06F9) c = U'0' + (c - 0x06F0);
  out.push_back(c);
}

bool is_separator(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'-' || c == U'_' || c == U'.' || c == U',' || c == U'/' ||
         c == U'(' || c == U')' || c == U'"' || c == U'\'' || c == 0x060C || c == 0x061B ||
         c == 0x061F || c == 0x00A0 || c == U'\u2013' || c == U'\u2014';
}

void replace_all(std::u32string& s, std::u32string_view from, std::u32string_view to) {
  size_t at = 0;
  while ((at = s.find(from, at)) != std::u32string::npos) {
    s.replace(at, from.size(), to);
    at += to.size();
  }
}

// PDF extraction reads the lam-alef ligature as alef-lam. Repaired where unambiguous in names:
// هللا (from الله), word-final -الل (جالل from جلال, بالل from بلال), word-final -الء (عالء).
void repair_lam_alef(std::u32string& token) {
  replace_all(token, U"\u0647\u0644\u0644\u0627", U"\u0627\u0644\u0644\u0647");
  const auto ends_with = [&](std::u32string_view tail) {
    return token.size() > tail.size() &&
           std::u32string_view(token).substr(token.size() - tail.size()) == tail;
  };
  if (ends_with(U"\u0627\u0644\u0644")) token.replace(token.size() - 3, 3, U"\u0644\u0627\u0644");
  if (ends_with(U"\u0627\u0644\u0621")) token.replace(token.size() - 3, 3, U"\u0644\u0627\u0621");
}

const std::u32string kAbd = U"\u0639\u0628\u062F";                // عبد
const std::u32string kAbu = U"\u0627\u0628\u0648";                // ابو
const std::u32string kArticle = U"\u0627\u0644";                  // ال
const std::u32string kIbn = U"\u0627\u0628\u0646";                // ابن
const std::u32string kBin = U"\u0628\u0646";                      // بن
const std::u32string kAllah = U"\u0627\u0644\u0644\u0647";        // الله
const std::u32string kAddin = U"\u0627\u0644\u062F\u064A\u0646";  // الدين

}  // namespace

bool has_arabic_letters(std::string_view text) {
  for (char32_t c : core::to_utf32(text)) {
    if (is_arabic_letter(c) || (c >= 0xFE70 && c <= 0xFEFC)) return true;
  }
  return false;
}

std::string normalise_arabic(std::string_view name) {
  thread_local std::u32string in, folded;
  core::to_utf32(name, in);
  folded.clear();
  for (char32_t c : in) fold(c, folded);

  std::vector<std::u32string> tokens;
  std::u32string current;
  for (char32_t c : folded) {
    if (is_separator(c)) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  for (auto& t : tokens) {
    repair_lam_alef(t);
    if (t == kIbn) t = kBin;
  }

  // Compounds: عبد + X, ابو + X, a lone article + X, and X + الله / الدين.
  std::vector<std::u32string> joined;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::u32string t = tokens[i];
    while ((t == kAbd || t == kAbu || t == kArticle ||
            (t.size() > kAbd.size() && t.compare(0, kAbd.size(), kAbd) == 0 &&
             t.substr(kAbd.size()) == kArticle)) &&
           i + 1 < tokens.size()) {
      t += tokens[++i];
    }
    if (!joined.empty() && (t == kAllah || t == kAddin)) {
      joined.back() += t;
      continue;
    }
    joined.push_back(std::move(t));
  }
  std::string out;
  for (const auto& t : joined) {
    if (!out.empty()) out.push_back(' ');
    for (char32_t c : t) core::append_utf8(c, out);
  }
  return out;
}

std::string normalise_name(std::string_view name) {
  return has_arabic_letters(name) ? normalise_arabic(name) : normalise_latin(name);
}

}  // namespace athar::names
