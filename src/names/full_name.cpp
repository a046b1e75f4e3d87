#include "names/full_name.h"

#include <algorithm>
#include <array>
#include <vector>

#include "core/text.h"
#include "names/normalise.h"

namespace athar::names {

namespace {

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == ',') {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

// A Latin word in lower case without hyphens and apostrophes: Abd-al-, El-Din → abdal, eldin.
std::string latin_key(const std::string& word) {
  std::string out;
  for (char c : word) {
    if (c == '-' || c == '\'') continue;
    out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  return out;
}

bool is_one_of(const std::string& key, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), key) != words.end();
}

// How a word joins its neighbours.
enum class Role { kPart, kJoinsNext, kJoinsPrevious, kConnector };

Role arabic_role(const std::string& word) {
  const std::string n = normalise_arabic(word);  // أبو → ابو, آل → ال, ابن → بن
  if (n == "عبد" || n == "ابو" || n == "ابي" || n == "ال") return Role::kJoinsNext;
  if (n == "الدين" || n == "الله") return Role::kJoinsPrevious;
  if (n == "بن" || n == "بنت") return Role::kConnector;
  return Role::kPart;
}

Role latin_role(const std::string& word) {
  const std::string k = latin_key(word);
  if (is_one_of(
          k, {"abd",  "abdul", "abdel", "abdal", "abdol", "abdoul", "abdu",   "abed",  "abu",
              "abou", "abo",   "al",    "el",    "ul",    "ad",     "ar",     "as",    "at",
              "az",   "an",    "ash",   "abdar", "abdas", "abdan",  "abdash", "abdaz", "abdat"}) ||
      (!word.empty() && word.back() == '-')) {
    return Role::kJoinsNext;
  }
  // Allah and -din after their word, Allah also as PDF extraction damages it (الله → هللا,
  // then transliterated: Hlla).
  if (is_one_of(k,
                {"allah",  "alla",  "ullah", "ulla", "ollah",  "illah",  "llah",  "lla",   "hlla",
                 "hllah",  "hla",   "din",   "deen", "dine",   "aldin",  "addin", "uddin", "eddin",
                 "eddine", "eldin", "udin",  "edin", "aldeen", "uddeen", "eddeen"})) {
    return Role::kJoinsPrevious;
  }
  if (is_one_of(k, {"bin", "ibn", "ben", "bint", "binti"})) return Role::kConnector;
  return Role::kPart;
}

// A part that starts with an article: a family name (الحسن, al-Hasan, El Khoury, AlHasan).
bool has_article(const std::string& part, bool arabic) {
  if (arabic) {
    const std::string n = normalise_arabic(part);
    return n.rfind("ال", 0) == 0 && n.size() >= std::string("ال").size() + 4;  // two letters more
  }
  if (part.size() > 3 && (part.rfind("Al", 0) == 0 || part.rfind("El", 0) == 0) && part[2] >= 'A' &&
      part[2] <= 'Z')
    return true;  // AlHasan
  std::string lower;
  for (char c : part) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  return lower.size() > 4 && (lower.rfind("al", 0) == 0 || lower.rfind("el", 0) == 0) &&
         (lower[2] == '-' || lower[2] == ' ');
}

}  // namespace

NameParts split_full_name(std::string_view full_name) {
  const bool arabic = has_arabic_letters(full_name);
  const std::vector<std::string> words = words_of(core::trim(full_name));
  // Units: words joined where they belong together.
  std::vector<std::string> units;
  bool join_next = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    const Role role = arabic ? arabic_role(word) : latin_role(word);
    const bool last = i + 1 == words.size();
    if (role == Role::kConnector && !units.empty() && !last && !join_next) continue;
    if (join_next || (role == Role::kJoinsPrevious && !units.empty())) {
      units.back() += " " + word;
    } else {
      units.push_back(word);
    }
    join_next = role == Role::kJoinsNext && !last;
  }
  NameParts parts;
  if (units.size() >= 3 && has_article(units.front(), arabic) &&
      !has_article(units.back(), arabic)) {
    std::rotate(units.begin(), units.begin() + 1, units.end());
    parts.family_first = true;
  }
  switch (units.size()) {
    case 0:
      break;
    case 1:
      parts.given = units[0];
      break;
    case 2:
      parts.given = units[0];
      parts.family = units[1];
      break;
    case 3:
      parts.given = units[0];
      parts.father = units[1];
      parts.family = units[2];
      break;
    default:
      parts.given = units[0];
      parts.father = units[1];
      parts.grandfather = units[2];
      parts.family = units.back();
      parts.dropped = units.size() - 4;
  }
  return parts;
}

}  // namespace athar::names
