// Normal forms of personal names, so that spellings of one name compare equal or close.
//
// Arabic script (normalise_arabic): diacritics, tatweel and bidi controls removed; alef forms
// (أ إ آ ٱ) to ا, ة to ه, ى to ي, ؤ to و, ئ to ي, lone hamza dropped; Persian and Urdu forms
// (ی ک ہ) to Arabic ones; Arabic-Indic digits to 0-9; presentation forms (what PDF text often
// holds) to letters; the lam-alef damage of PDF extraction repaired (هللا → الله, جالل → جلال);
// compounds joined: عبد الله → عبدالله, ابو بكر → ابوبكر, نور الدين → نورالدين, ابن → بن.
//
// Latin script (normalise_latin): lower case; diacritics and transliteration marks removed
// (ḥ → h, š → sh, ʿ ’ ' dropped); articles and compounds joined (al-Hasan, Al Hasan, el-Hassan →
// alhasan; Abd al-Rahman, Abdulrahman, Abdel Rahman → abdalrahman; Abu Bakr → abubakr; ibn/ben →
// bin); doubled letters single; common vowel variants one spelling (Mohammad, Muhammad, Mohamed,
// Mehmet → muhamad).
//
// Both return tokens separated by single spaces, in the name's order. docs/names.md has the
// rules and their limits.
//
//   normalise_arabic("مُحَمَّد عبد الله الحسن")   // "محمد عبدالله الحسن"
//   normalise_latin("Mohamed Abdulla Al-Hassan")  // "muhamad abdalah alhasan"
#pragma once

#include <string>
#include <string_view>

namespace athar::names {

std::string normalise_arabic(std::string_view name);
std::string normalise_latin(std::string_view name);
// Arabic normal form when the name holds Arabic letters, else the Latin one.
std::string normalise_name(std::string_view name);
bool has_arabic_letters(std::string_view text);

}  // namespace athar::names
