#include "core/text.h"

#include <gtest/gtest.h>

namespace athar::core {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("محمد عبد الله"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_EQ(find_invalid_utf8("ab\xC0\xAF"), 2u);         // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);       // surrogate
  EXPECT_EQ(find_invalid_utf8("x\xF4\x90\x80\x80"), 1u);  // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xD9"), 0u);               // truncated
  EXPECT_EQ(find_invalid_utf8("\xE3\xCD\xE3\xCF"), 0u);   // Windows-1256
  EXPECT_EQ(printable("a\xE3z"), "a\\xE3z");
}

TEST(Text, TrimsAndSplits) {
  EXPECT_EQ(trim("  a b \r\n"), "a b");
  EXPECT_EQ(split("a,,b", ',').size(), 3u);
  EXPECT_EQ(ascii_lower("Rif-DIMASHQ"), "rif-dimashq");
  EXPECT_FALSE(contains_letter_or_digit("-- ., ()"));
  EXPECT_TRUE(contains_letter_or_digit("ع"));
}

}  // namespace
}  // namespace athar::core

#include "core/canonical_json.h"
#include "core/json.h"

namespace athar::core {
namespace {

// The hot-path writer must agree byte for byte with nlohmann's dump of the same document.
TEST(CanonicalJson, MatchesNlohmannDumpForStringDocuments) {
  const std::string tricky = std::string("q\"b\\s/\b\f\n\r\t\x01\x1f ") + "القطيفة é";
  Json expected = {
      {"b", tricky}, {"a", "x"}, {"c", Json::array({"1", tricky})}, {"d", {{"z", ""}, {"y", "w"}}}};
  CanonicalJsonWriter w;
  w.begin_object();
  w.key("a");
  w.string("x");
  w.key("b");
  w.string(tricky);
  w.key("c");
  w.begin_array();
  w.string("1");
  w.string(tricky);
  w.end_array();
  w.key("d");
  w.begin_object();
  w.key("y");
  w.string("w");
  w.key("z");
  w.string("");
  w.end_object();
  w.end_object();
  EXPECT_EQ(w.text(), expected.dump());
}

}  // namespace
}  // namespace athar::core
