// Latin-script name normalisation (see normalise.h).
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/unicode.h"
#include "names/internal/latin_tokens.h"
#include "names/normalise.h"

namespace athar::names {

namespace {

// Letters with diacritics and transliteration letters, lower and upper case, to plain ASCII.
const std::unordered_map<char32_t, std::string_view>& latin_folds() {
  static const std::unordered_map<char32_t, std::string_view> table = [] {
    std::unordered_map<char32_t, std::string_view> t;
    const auto add = [&](std::u32string_view chars, std::string_view to) {
      for (char32_t c : chars) t[c] = to;
    };
    add(U"àáâãäåāăąǎÀÁÂÃÄÅĀĂĄǍ", "a");
    add(U"çćĉċÇĆĈĊ", "c");
    add(U"čČ", "ch");
    add(U"ďđḍĎĐḌ", "d");
    add(U"ḏḎ", "dh");
    add(U"èéêëēĕėęěÈÉÊËĒĔĖĘĚ", "e");
    add(U"ĝğġǵĜĞĠ", "g");
    add(U"ǧǦ", "j");
    add(U"ḥĥħḤĤĦ", "h");
    add(U"ḫẖḪ", "kh");
    add(U"ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ", "i");
    add(U"ĵĴ", "j");
    add(U"ķĶ", "k");
    add(U"ĺļľŀłĹĻĽĿŁ", "l");
    add(U"ñńņňÑŃŅŇ", "n");
    add(U"òóôõöøōŏőÒÓÔÕÖØŌŎŐ", "o");
    add(U"ŕŗřŔŖŘ", "r");
    add(U"śŝşṣŚŜŞṢ", "s");
    add(U"šŠ", "sh");
    add(U"ţťṭŢŤṬ", "t");
    add(U"ṯṮ", "th");
    add(U"ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ", "u");
    add(U"ýÿŷÝŸŶ", "y");
    add(U"źżẓŹŻẒ", "z");
    add(U"žŽ", "zh");
    add(U"ß", "ss");
    add(U"æÆ", "ae");
    add(U"œŒ", "oe");
    // Marks of ʿayn and hamza, and apostrophes used for them: dropped.
    add(U"'’‘`´ʿʾʻʼʽˈ", "");
    return t;
  }();
  return table;
}

bool is_separator(char32_t c) {
  return c == U' ' || c == U'\t' || c == U'-' || c == U'_' || c == U'.' || c == U',' || c == U'/' ||
         c == U'(' || c == U')' || c == U'"' || c == 0x00A0 || c == 0x2013 || c == 0x2014;
}

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool is_article(std::string_view t) {
  // al- and its assimilated forms before sun letters (ar-Rahman, as-Sayyid, ash-Shami, ...).
  static const std::string_view kArticles[] = {"al", "el", "ul", "il", "ar",  "as",  "ash",
                                               "ad", "at", "az", "an", "adh", "ath", "az"};
  for (std::string_view a : kArticles) {
    if (t == a) return true;
  }
  return false;
}

std::string_view without_article(std::string_view t) {
  for (std::string_view a : {"al", "el", "ul"}) {
    if (t.size() > a.size() + 2 && starts_with(t, a)) return t.substr(a.size());
  }
  return t;
}

// Spelling variants within one token: doubled letters single, vowel digraphs and o/e to the
// vowels Arabic has (a, i, u), a final h after a vowel dropped (Fatimah, Abdullah).
std::string canonical_token(std::string_view raw) {
  static const std::unordered_map<std::string_view, std::string_view> kKnown = {
      {"mehmet", "muhamad"},
      {"mehmed", "muhamad"},
      {"mohd", "muhamad"},
      {"mhd", "muhamad"},
      {"mohammad", "muhamad"}};
  if (auto it = kKnown.find(raw); it != kKnown.end()) return std::string(it->second);
  std::string t;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (!t.empty() && t.back() == c) continue;  // doubled letters
    t.push_back(c);
  }
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    const char next = i + 1 < t.size() ? t[i + 1] : '\0';
    if ((c == 'o' && (next == 'u' || next == 'o')) || (c == 'e' && (next == 'e' || next == 'i'))) {
      out.push_back(c == 'o' ? 'u' : 'i');
      ++i;
      continue;
    }
    if (c == 'o') {
      out.push_back('u');
    } else if (c == 'e') {
      out.push_back('a');
    } else {
      out.push_back(c);
    }
  }
  if (out.size() > 3 && out.back() == 'h' && is_vowel(out[out.size() - 2]) &&
      out[out.size() - 3] != 'c' && out[out.size() - 3] != 's') {
    out.pop_back();
  }
  return out;
}

}  // namespace

}  // namespace athar::names

namespace athar::names_internal {

void split_latin(std::string_view name, std::vector<std::string>& tokens) {
  using names::is_separator;
  using names::latin_folds;
  const auto& folds = latin_folds();
  thread_local std::u32string in;
  core::to_utf32(name, in);
  tokens.clear();
  std::string current;
  for (char32_t c : in) {
    if (c < 0x80) {
      const char a = static_cast<char>(c);
      if (a >= 'A' && a <= 'Z') {
        current.push_back(static_cast<char>(a - 'A' + 'a'));
      } else if ((a >= 'a' && a <= 'z') || (a >= '0' && a <= '9')) {
        current.push_back(a);
      } else if (is_separator(c) || a == '\'' || a == '`') {
        if (a == '\'' || a == '`') continue;  // ayn and hamza marks
        if (!current.empty()) tokens.push_back(std::move(current));
        current.clear();
      }
      continue;
    }
    if (is_separator(c)) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (auto it = folds.find(c); it != folds.end()) current += it->second;
  }
  if (!current.empty()) tokens.push_back(std::move(current));
}

}  // namespace athar::names_internal

namespace athar::names {

std::string normalise_latin(std::string_view name) {
  thread_local std::vector<std::string> tokens;
  names_internal::split_latin(name, tokens);

  // Compounds and particles.
  static const std::string_view kAbdForms[] = {"abdul", "abdel", "abdal", "abdol", "abdur",
                                               "abdar", "abdus", "abdas", "abduz", "abdun",
                                               "abdu",  "abd",   "abed"};
  std::vector<std::string> joined;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string t = tokens[i];
    if (t == "ibn" || t == "ben" || t == "bn") t = "bin";
    if ((t == "abu" || t == "abou" || t == "abo") && i + 1 < tokens.size()) {
      joined.push_back("abu" + std::string(without_article(tokens[++i])));
      continue;
    }
    if (is_article(t) && i + 1 < tokens.size()) {
      joined.push_back("al" + tokens[++i]);
      continue;
    }
    bool abd = false;
    for (std::string_view form : kAbdForms) {
      if (t == form && i + 1 < tokens.size()) {
        std::string next = tokens[++i];
        if (is_article(next) && i + 1 < tokens.size()) next = tokens[++i];
        joined.push_back("abdal" + std::string(without_article(next)));
        abd = true;
        break;
      }
      if (form.size() >= 4 && t.size() > form.size() + 2 && starts_with(t, form) &&
          form != "abed") {
        joined.push_back("abdal" + t.substr(form.size()));
        abd = true;
        break;
      }
    }
    if (!abd) joined.push_back(std::move(t));
  }
  std::string out;
  for (const std::string& t : joined) {
    if (!out.empty()) out.push_back(' ');
    out += canonical_token(t);
  }
  return out;
}

}  // namespace athar::names
