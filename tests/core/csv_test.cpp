#include "core/csv.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/error.h"
#include "test_support.h"

namespace athar::core {
namespace {

using Row = std::vector<std::string_view>;

std::vector<std::vector<std::string>> read_all(const std::string& path) {
  CsvReader csv(path);
  std::vector<std::vector<std::string>> rows;
  Row row;
  while (csv.next(row)) rows.emplace_back(row.begin(), row.end());
  return rows;
}

TEST(CsvReader, ReadsQuotedFieldsCrLfAndBom) {
  testing::ScratchDir dir;
  const auto path = dir.write(
      "a.csv",
      "\xEF\xBB\xBFgiven,family,notes\r\nمحمد,\"الحسن\",\"said \"\"hi\"\", then\nleft\"\r\n"
      "\r\nAhmad,,\n");
  const auto rows = read_all(path);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "given");  // BOM skipped
  EXPECT_EQ(rows[1][0], "محمد");
  EXPECT_EQ(rows[1][1], "الحسن");
  EXPECT_EQ(rows[1][2], "said \"hi\", then\nleft");
  ASSERT_EQ(rows[2].size(), 3u);
  EXPECT_EQ(rows[2][1], "");
  EXPECT_EQ(rows[2][2], "");
}

TEST(CsvReader, CountsRowsAcrossBlankLinesAndEmbeddedNewlines) {
  testing::ScratchDir dir;
  const auto path = dir.write("a.csv", "h\n\"x\ny\"\n\nz\n");
  CsvReader csv(path);
  Row row;
  ASSERT_TRUE(csv.next(row));
  EXPECT_EQ(csv.row(), 1u);
  ASSERT_TRUE(csv.next(row));
  EXPECT_EQ(csv.row(), 2u);
  ASSERT_TRUE(csv.next(row));
  EXPECT_EQ(csv.row(), 3u);
  EXPECT_EQ(row[0], "z");
  EXPECT_FALSE(csv.next(row));
}

TEST(CsvReader, ReadsAFileLargerThanItsBuffer) {
  testing::ScratchDir dir;
  std::string content = "id,name\n";
  for (int i = 0; i < 100000; ++i)
    content += std::to_string(i) + ",\"name, " + std::to_string(i) + "\"\n";
  const auto rows = read_all(dir.write("big.csv", content));
  ASSERT_EQ(rows.size(), 100001u);
  EXPECT_EQ(rows[100000][1], "name, 99999");
}

TEST(CsvReader, NamesRowAndColumnOfInvalidUtf8) {
  testing::ScratchDir dir;
  // Windows-1256 bytes for an Arabic name.
  const auto path = dir.write("legacy.csv", "given,family\nAhmad,\xE3\xCD\xE3\xCF\n");
  CsvReader csv(path);
  Row row;
  csv.next(row);
  csv.set_header(row);
  try {
    csv.next(row);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "family");
    EXPECT_NE(std::string(e.what()).find("legacy.csv row 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos);
  }
}

TEST(CsvReader, RejectsUnclosedQuoteAndTextAfterQuote) {
  testing::ScratchDir dir;
  EXPECT_THROW(read_all(dir.write("a.csv", "a,b\n\"open,b\n")), InputError);
  EXPECT_THROW(read_all(dir.write("b.csv", "a,b\n\"x\"y,b\n")), InputError);
}

// After a bad record the reader goes on with the next one, so that callers may skip bad rows.
TEST(CsvReader, ReadsOnAfterABadRecord) {
  testing::ScratchDir dir;
  CsvReader csv(dir.write("c.csv", "a,b\n\"x\"y,b,\"c\"\nfine,1\n\xE3\xCD,2\nalso fine,3\n"));
  Row row;
  std::vector<std::string> good;
  size_t bad = 0;
  while (true) {
    try {
      if (!csv.next(row)) break;
      good.emplace_back(row[0]);
    } catch (const InputError&) {
      ++bad;
    }
  }
  EXPECT_EQ(bad, 2u);
  EXPECT_EQ(good, (std::vector<std::string>{"a", "fine", "also fine"}));
  EXPECT_EQ(csv.row(), 5u);
}

TEST(CsvReader, MissingFileIsNotFound) {  // exit 4, not 8
  EXPECT_THROW(CsvReader("/nonexistent/file.csv"), athar::core::NotFound);
  EXPECT_THROW(CsvReader("/tmp"), athar::core::InputError);
}

// OWASP's CSV injection rule: what a spreadsheet would run shows as text instead.
TEST(CsvCell, NeutralisesFormulasAndQuotes) {
  const auto cell = [](std::string_view v) {
    std::ostringstream out;
    write_csv_cell(out, v);
    return out.str();
  };
  EXPECT_EQ(cell("plain"), "plain");
  EXPECT_EQ(cell("a,b"), "\"a,b\"");
  EXPECT_EQ(cell("say \"x\""), "\"say \"\"x\"\"\"");
  EXPECT_EQ(cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(cell("+1+cmd|' /C calc'!A0"), "\"'+1+cmd|' /C calc'!A0\"");
  EXPECT_EQ(cell("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(cell("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(cell("\tx"), "\"'\tx\"");
  EXPECT_EQ(cell("\rx"), "\"'\rx\"");
  EXPECT_EQ(cell("-33.5"), "-33.5");  // a number stays a number
  EXPECT_EQ(cell("+7"), "+7");
  EXPECT_EQ(cell("-"), "\"'-\"");
  EXPECT_EQ(cell(""), "");
  EXPECT_EQ(cell("عبد الرحمن"), "عبد الرحمن");
}

}  // namespace
}  // namespace athar::core
