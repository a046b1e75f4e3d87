#include "names/phonetic.h"

#include <algorithm>
#include <vector>

#include "core/unicode.h"
#include "names/internal/latin_tokens.h"
#include "names/normalise.h"
#include "names/similarity.h"

namespace athar::names {

namespace {

// Sound class of a normalised Arabic letter: {skeleton, full}; 0 means none.
std::pair<char32_t, char32_t> arabic_class(char32_t c) {
  switch (c) {
    case 0x0627:
      return {0, U'A'};  // ا
    case 0x0628:
    case 0x067E:
      return {U'B', U'B'};  // ب پ
    case 0x062A:
    case 0x0637:
    case 0x062B:
      return {U'T', U'T'};  // ت ط ث (th: Haitham, Uthman)
    case 0x0633:
    case 0x0635:
      return {U'S', U'S'};  // س ص
    case 0x062C:
    case 0x0686:
    case 0x0698:
      return {U'J', U'J'};  // ج چ ژ
    case 0x062D:
    case 0x0647:
      return {U'H', U'H'};  // ح ه
    case 0x062E:
    case 0x0642:
    case 0x0643:
      return {U'K', U'K'};  // خ ق ك
    case 0x062F:
    case 0x0636:
      return {U'D', U'D'};  // د ض
    case 0x0630:
    case 0x0632:
    case 0x0638:
      return {U'Z', U'Z'};  // ذ ز ظ
    case 0x0631:
      return {U'R', U'R'};
    case 0x0634:
      return {U'X', U'X'};  // ش
    case 0x063A:
    case 0x06AF:
      return {U'J', U'J'};  // غ گ: Latin g is ج or غ (Gamal, Baghdad), one class for both
    case 0x0641:
    case 0x06A4:
      return {U'F', U'F'};  // ف ڤ
    case 0x0644:
      return {U'L', U'L'};
    case 0x0645:
      return {U'M', U'M'};
    case 0x0646:
      return {U'N', U'N'};
    case 0x0648:
      return {0, U'U'};  // و
    case 0x064A:
      return {0, U'I'};  // ي
    case 0x0639:
      return {0, U'A'};  // ع: Latin spellings write a vowel (Ali, Omar, Saad) or nothing
    default:
      return {0, 0};
  }
}

void push_collapsed(std::u32string& s, char32_t c) {
  if (c && (s.empty() || s.back() != c)) s.push_back(c);
}

void arabic_key(std::string_view name, PhoneticKey& out) {
  thread_local std::u32string letters;
  core::to_utf32(normalise_arabic(name), letters);
  for (size_t i = 0; i < letters.size(); ++i) {
    const char32_t c = letters[i];
    if (c == U' ') continue;
    // A word-final ه is most often the taa marbuta (-a, -ah) or a final e: a vowel.
    const bool word_final = i + 1 == letters.size() || letters[i + 1] == U' ';
    if (c == 0x0647 && word_final && i > 0) {
      push_collapsed(out.full, U'A');
      continue;
    }
    const auto [skeleton, full] = arabic_class(c);
    push_collapsed(out.skeleton, skeleton);
    push_collapsed(out.full, full);
  }
  out.written = out.full;
}

bool latin_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

void latin_key(std::string_view name, PhoneticKey& out) {
  thread_local std::vector<std::string> tokens;
  names_internal::split_latin(name, tokens);
  for (const std::string& t : tokens) {
    for (size_t i = 0; i < t.size(); ++i) {
      const char c = t[i];
      const char n = i + 1 < t.size() ? t[i + 1] : '\0';
      const auto both = [&](char32_t k) {
        push_collapsed(out.skeleton, k);
        push_collapsed(out.full, k);
        push_collapsed(out.written, k);
      };
      if (c == 's' && n == 'c' && i + 2 < t.size() && t[i + 2] == 'h') {
        both(U'X');
        i += 2;
        continue;
      }
      if (n == 'h' &&
          (c == 's' || c == 'c' || c == 't' || c == 'p' || c == 'k' || c == 'g' || c == 'd')) {
        both(c == 's' || c == 'c' ? U'X'
             : c == 't'           ? U'T'
             : c == 'p'           ? U'F'
             : c == 'k'           ? U'K'
             : c == 'd'           ? U'Z'  // ذ (Muadh, Mundhir)
                                  : U'J');
        ++i;
        continue;
      }
      if (c == 'c' && n == 'k') {
        both(U'K');
        ++i;
        continue;
      }
      switch (c) {
        case 'b':
        case 'p':
          both(U'B');
          break;
        case 't':
          both(U'T');
          break;
        case 'd':
          both(U'D');
          break;
        case 'j':
          both(U'J');
          break;
        case 'g':
          // ج as Egyptian and many Syrian spellings write it (Gamal, al-Gahish), or غ.
          both(U'J');
          break;
        case 'h':
          both(U'H');
          break;
        case 'k':
        case 'q':
          both(U'K');
          break;
        case 'l':
          both(U'L');
          break;
        case 'm':
          both(U'M');
          break;
        case 'n':
          both(U'N');
          break;
        case 'r':
          both(U'R');
          break;
        case 's':
          both(U'S');
          break;
        case 'z':
          both(U'Z');
          break;
        case 'f':
        case 'v':
          both(U'F');
          break;
        case 'x':
          both(U'K');
          both(U'S');
          break;
        case 'c':
          both(n == 'e' || n == 'i' || n == 'y' ? U'S' : U'K');
          break;
        case 'a':
        case 'e':
        case 'i':
        case 'y':
        case 'o':
        case 'u':
        case 'w': {
          const char32_t v = c == 'a' ? U'A' : (c == 'o' || c == 'u' || c == 'w') ? U'U' : U'I';
          push_collapsed(out.full, v);
          // Written as Arabic would: at a word's edge, or long (a vowel pair, or w/y).
          const bool edge = i == 0 || i + 1 == t.size();
          const bool pair =
              (i + 1 < t.size() && latin_vowel(t[i + 1])) || (i > 0 && latin_vowel(t[i - 1]));
          if (edge || pair || c == 'w' || c == 'y') push_collapsed(out.written, v);
          break;
        }
        default:
          break;  // digits
      }
    }
  }
}

}  // namespace

void phonetic_key(std::string_view name, PhoneticKey& out) {
  out.skeleton.clear();
  out.full.clear();
  out.written.clear();
  if (has_arabic_letters(name)) {
    arabic_key(name, out);
  } else {
    latin_key(name, out);
  }
}

PhoneticKey phonetic_key(std::string_view name) {
  PhoneticKey key;
  phonetic_key(name, key);
  return key;
}

PhoneticCounts phonetic_counts(const PhoneticKey& key) {
  return {letter_counts(key.skeleton), letter_counts(key.full), letter_counts(key.written)};
}

double phonetic_similarity_bound(const PhoneticCounts& a, const PhoneticCounts& b) {
  const double vowels =
      std::max(jaro_winkler_bound(a.full, b.full), jaro_winkler_bound(a.written, b.written));
  return (jaro_winkler_bound(a.skeleton, b.skeleton) + 2.0 * vowels) / 3.0;
}

double phonetic_similarity(const PhoneticKey& a, const PhoneticKey& b) {
  const double vowels = std::max(jaro_winkler(a.full, b.full), jaro_winkler(a.written, b.written));
  return (jaro_winkler(a.skeleton, b.skeleton) + 2.0 * vowels) / 3.0;
}

}  // namespace athar::names
