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
