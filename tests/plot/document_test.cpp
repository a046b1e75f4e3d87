// Printable documents: read back with poppler's pdftotext, words and where they sit on the page.
#include "plot/document.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "test_support.h"

namespace athar::plot {
namespace {

struct Word {
  double x = 0, y = 0;
  int page = 0;
  std::string text;
};

// Every word of the PDF with its left edge, top and page (pdftotext -bbox).
std::vector<Word> words_of(const std::string& pdf, athar::testing::ScratchDir& dir) {
  const std::string path = dir.file("document.pdf");
  std::ofstream(path, std::ios::binary) << pdf;
  const std::string html = athar::testing::run_command("pdftotext -bbox '" + path + "' -").output;
  std::vector<Word> out;
  int page = -1;
  // One word a line: <word xMin="…" yMin="…" xMax="…" yMax="…">TEXT</word> (std::regex draws
  // false maybe-uninitialized warnings from GCC 12 under the sanitizers).
  const auto attribute = [](const std::string& line, const std::string& name) {
    const size_t at = line.find(name + "=\"");
    return std::stod(line.substr(at + name.size() + 2));
  };
  std::istringstream lines(html);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("<page ") != std::string::npos) {
      ++page;
      continue;
    }
    const size_t open = line.find("<word "), text = line.find('>', open),
                 close = line.find("</word>", text);
    if (open == std::string::npos || text == std::string::npos || close == std::string::npos)
      continue;
    out.push_back({attribute(line, "xMin"), attribute(line, "yMin"), page,
                   line.substr(text + 1, close - text - 1)});
  }
  return out;
}

const Word* find(const std::vector<Word>& words, const std::string& text) {
  for (const Word& w : words)
    if (w.text == text) return &w;
  return nullptr;
}

TEST(Document, LongTablesBreakAcrossPagesWithTheirHeader) {
  athar::testing::ScratchDir dir;
  Document d;
  d.title = "Markers";
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 120; ++i) rows.push_back({"row" + std::to_string(i), std::to_string(i * i)});
  d.table({"Header", "Square"}, rows);
  const int pages = page_count(d);
  EXPECT_GE(pages, 3);
  const std::string pdf = pdf_bytes(d);
  EXPECT_EQ(pdf.rfind("%PDF-", 0), 0u);
  const auto words = words_of(pdf, dir);
  std::map<int, int> headers;
  for (const Word& w : words) headers[w.page] += w.text == "Header";
  EXPECT_EQ(static_cast<int>(headers.size()), pages);
  for (const auto& [page, count] : headers) EXPECT_EQ(count, 1) << "page " << page;
  for (int i = 0; i < 120; ++i) EXPECT_NE(find(words, "row" + std::to_string(i)), nullptr) << i;
  // Each page's foot names it among all of them.
  const std::string text =
      athar::testing::run_command("pdftotext '" + dir.file("document.pdf") + "' -").output;
  EXPECT_NE(text.find("Page " + std::to_string(pages) + " of " + std::to_string(pages)),
            std::string::npos);
}

TEST(Document, RightToLeftPutsLabelsRightOfValuesAndKeepsNumbersInOrder) {
  athar::testing::ScratchDir dir;
  for (bool rtl : {false, true}) {
    Document d;
    d.right_to_left = rtl;
    d.fields(
        {{"الاحتمال", "4.89 × 10⁹"}, {"المعادلة", left_to_right("0.25 = 1/(3 + 1)") + ": نص"}});
    const auto words = words_of(pdf_bytes(d), dir);
    const Word *mantissa = find(words, "4.89"), *power = find(words, "10⁹"),
               *quarter = find(words, "0.25"), *one = find(words, "1/(3");
    ASSERT_TRUE(mantissa && power && quarter && one) << rtl;
    // The label's letters (pdftotext gives Arabic glyph by glyph) on the value's line.
    double label_x = -1;
    for (const Word& w : words) {
      if (w.y == mantissa->y && has_right_to_left_letter(w.text)) label_x = std::max(label_x, w.x);
    }
    ASSERT_GE(label_x, 0) << rtl;
    EXPECT_EQ(label_x > mantissa->x, rtl) << "the label is on the start side";
    // Numbers read left to right in either direction: 4.89 before 10⁹, 0.25 before 1/(3 + 1).
    EXPECT_LT(mantissa->x, power->x) << rtl;
    EXPECT_LT(quarter->x, one->x) << rtl;
  }
}

TEST(Document, LeftToRightEmbedsOnlyTextWithoutArabicLetters) {
  EXPECT_EQ(left_to_right("4.89 × 10⁹"), "\u202A4.89 × 10⁹\u202C");
  EXPECT_EQ(left_to_right("person-000002 تجريبي"), "person-000002 تجريبي");
  EXPECT_EQ(left_to_right(""), "");
  EXPECT_TRUE(has_right_to_left_letter("ﻻ"));  // a presentation form
  EXPECT_FALSE(has_right_to_left_letter("Trench A / R-1"));
}

}  // namespace
}  // namespace athar::plot
