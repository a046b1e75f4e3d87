#include "names/full_name.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace athar::names {
namespace {

struct Case {
  const char* full;
  const char* given;
  const char* father;
  const char* grandfather;
  const char* family;
};

void expect_parts(const Case& c) {
  const NameParts p = split_full_name(c.full);
  EXPECT_EQ(p.given, c.given) << c.full;
  EXPECT_EQ(p.father, c.father) << c.full;
  EXPECT_EQ(p.grandfather, c.grandfather) << c.full;
  EXPECT_EQ(p.family, c.family) << c.full;
}

TEST(FullName, ArabicScript) {
  const Case cases[] = {
      {"محمد أحمد علي الحسن", "محمد", "أحمد", "علي", "الحسن"},
      {"محمد أحمد الحسن", "محمد", "أحمد", "", "الحسن"},
      {"سامر الحلبي", "سامر", "", "", "الحلبي"},
      {"فادي", "فادي", "", "", ""},
      {"عبد الرحمن محمود عبد الله الحموي", "عبد الرحمن", "محمود", "عبد الله", "الحموي"},
      {"محمد بن أحمد بن علي الحسن", "محمد", "أحمد", "علي", "الحسن"},
      {"نور الدين محمد الخطيب", "نور الدين", "محمد", "", "الخطيب"},
      {"أبو بكر عمر آل سعود", "أبو بكر", "عمر", "", "آل سعود"},
      {"عبد ال رحمن خالد", "عبد ال رحمن", "", "", "خالد"},
      {"  محمد   أحمد  ", "محمد", "", "", "أحمد"},
      // Family name first, as lists sorted by family write it.
      {"الحسن محمد أحمد علي", "محمد", "أحمد", "علي", "الحسن"},
  };
  for (const Case& c : cases) expect_parts(c);
  EXPECT_TRUE(split_full_name("الحسن محمد أحمد").family_first);
  EXPECT_FALSE(split_full_name("محمد أحمد الحسن").family_first);
  // A fifth part (a great-grandfather) is counted, not kept.
  const NameParts five = split_full_name("محمد أحمد علي حسن الخطيب");
  EXPECT_EQ(five.grandfather, "علي");
  EXPECT_EQ(five.family, "الخطيب");
  EXPECT_EQ(five.dropped, 1u);
}

TEST(FullName, LatinTransliterations) {
  const Case cases[] = {
      {"Muhammad Ahmad Ali al-Hasan", "Muhammad", "Ahmad", "Ali", "al-Hasan"},
      {"Abd al-Rahman Mahmoud al-Hamwi", "Abd al-Rahman", "Mahmoud", "", "al-Hamwi"},
      {"Abdul Rahman Mahmoud Al Hamwi", "Abdul Rahman", "Mahmoud", "", "Al Hamwi"},
      {"Abd al Rahman Khaled", "Abd al Rahman", "", "", "Khaled"},
      {"Abdel Karim Ibrahim El Khoury", "Abdel Karim", "Ibrahim", "", "El Khoury"},
      {"Mohamed bin Ahmed ibn Ali AlHasan", "Mohamed", "Ahmed", "Ali", "AlHasan"},
      {"Nour al-Din Zaki al-Atassi", "Nour al-Din", "Zaki", "", "al-Atassi"},
      {"Nour Eddine Zaki Atassi", "Nour Eddine", "Zaki", "", "Atassi"},
      {"Abu Bakr Omar Haddad", "Abu Bakr", "Omar", "", "Haddad"},
      // Allah as PDF extraction damages it (الله → هللا), then transliterated.
      {"Abd Hlla Samer al-Tajribi", "Abd Hlla", "Samer", "", "al-Tajribi"},
      {"Saif Allah Fadi Rami al-Mithali", "Saif Allah", "Fadi", "Rami", "al-Mithali"},
      {"Abdullah Fadi", "Abdullah", "", "", "Fadi"},
      {"al-Hasan Muhammad Ahmad", "Muhammad", "Ahmad", "", "al-Hasan"},
  };
  for (const Case& c : cases) expect_parts(c);
  EXPECT_EQ(split_full_name("").given, "");
}

// On the public name pairs (tests/names/data, see its README): full names made of names drawn
// from the data — four parts, some with connectors, family names with the article — are split
// back into the parts they were made of, in both scripts.
TEST(FullName, NamesFromThePublicDataSplitBack) {
  std::ifstream in(std::string(ATHAR_SOURCE_DIR) + "/tests/names/data/ar2en-eval.txt");
  ASSERT_TRUE(in);
  std::vector<std::pair<std::string, std::string>> names;
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const std::string arabic = line.substr(0, tab), latin = line.substr(tab + 1);
    // Words that are themselves connectors or compounds' first halves make no single part.
    if (arabic.find(' ') != std::string::npos || latin.find(' ') != std::string::npos) continue;
    for (const char* word : {"عبد", "أبو", "ابو", "بن", "ابن", "بنت", "آل", "ال"})
      if (arabic == word) goto skip;
    names.emplace_back(arabic, latin);
  skip:;
  }
  ASSERT_GT(names.size(), 1000u);
  std::mt19937_64 rng(7);
  size_t right = 0, total = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string part[4][2];
    for (auto& p : part) {
      const auto& n = names[rng() % names.size()];
      p[0] = n.first;
      p[1] = n.second;
      p[1][0] = static_cast<char>(std::toupper(static_cast<unsigned char>(p[1][0])));
    }
    part[3][0] = "ال" + part[3][0];
    part[3][1] = "al-" + part[3][1];
    const bool connectors = i % 3 == 0;
    for (int script = 0; script < 2; ++script) {
      const char* bin = script == 0 ? " بن " : " bin ";
      const std::string full = part[0][script] + (connectors ? bin : " ") + part[1][script] +
                               (connectors ? bin : " ") + part[2][script] + " " + part[3][script];
      const NameParts p = split_full_name(full);
      ++total;
      right += p.given == part[0][script] && p.father == part[1][script] &&
               p.grandfather == part[2][script] && p.family == part[3][script];
    }
  }
  // A few data names are themselves words that join (Abu, Abd, din, allah, al): they are
  // read as compounds, which is what such a word in a name is.
  EXPECT_GE(static_cast<double>(right) / static_cast<double>(total), 0.97) << right << "/" << total;
}

}  // namespace
}  // namespace athar::names
