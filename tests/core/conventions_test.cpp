#include "core/conventions.h"

#include <gtest/gtest.h>

namespace athar::core {
namespace {

TEST(Conventions, DigitsOfEveryScriptBecomeWestern) {
  EXPECT_EQ(western_digits("١٩٧٩"), "1979");
  EXPECT_EQ(western_digits("۱۳۵۸"), "1358");  // Persian forms
  EXPECT_EQ(western_digits("٣٣٫٥"), "33.5");  // Arabic decimal separator
  EXPECT_EQ(western_digits("1979-٠٣"), "1979-03");
  EXPECT_EQ(western_digits("محمد"), "محمد");  // letters untouched
}

TEST(Conventions, WholeNumbersWithThousandsSeparators) {
  EXPECT_EQ(parse_whole_number("1200"), 1200);
  EXPECT_EQ(parse_whole_number("1,200"), 1200);
  EXPECT_EQ(parse_whole_number("75,000"), 75000);
  EXPECT_EQ(parse_whole_number("١٬٢٠٠"), 1200);
  EXPECT_EQ(parse_whole_number("١٢٠٠"), 1200);
  EXPECT_EQ(parse_whole_number("100 000"), 100000);
  EXPECT_EQ(parse_whole_number("1\u202F000\u202F000"), 1000000);
  // Groups that are not thousands, mixed styles, signs and decimals are not numbers.
  EXPECT_FALSE(parse_whole_number("1,20"));
  EXPECT_FALSE(parse_whole_number("1200,000"));
  EXPECT_FALSE(parse_whole_number("1,000 000"));
  EXPECT_FALSE(parse_whole_number(",100"));
  EXPECT_FALSE(parse_whole_number("12.5"));
  EXPECT_FALSE(parse_whole_number("-3"));
  EXPECT_FALSE(parse_whole_number(""));
  EXPECT_FALSE(parse_whole_number("99999999999999999999"));
}

TEST(Conventions, CoordinatesInDegreesMinutesSecondsAndDecimals) {
  const auto lat = [](std::string_view t) { return parse_coordinate(t, Axis::kLatitude); };
  const auto lon = [](std::string_view t) { return parse_coordinate(t, Axis::kLongitude); };
  EXPECT_DOUBLE_EQ(*lat("33.5").degrees, 33.5);
  EXPECT_DOUBLE_EQ(*lat("-6.25").degrees, -6.25);
  EXPECT_DOUBLE_EQ(*lat("٣٣٫٥").degrees, 33.5);
  EXPECT_DOUBLE_EQ(*lat("33°30'N").degrees, 33.5);
  EXPECT_DOUBLE_EQ(*lat("33°30′36″N").degrees, 33.51);
  EXPECT_DOUBLE_EQ(*lat("33 30 36 N").degrees, 33.51);
  EXPECT_DOUBLE_EQ(*lat("N 33° 30.6'").degrees, 33.51);
  EXPECT_DOUBLE_EQ(*lat("12°S").degrees, -12);
  EXPECT_DOUBLE_EQ(*lon("36°17'E").degrees, 36 + 17.0 / 60);
  EXPECT_DOUBLE_EQ(*lon("36.3 شرق").degrees, 36.3);
  EXPECT_DOUBLE_EQ(*lon("5 W").degrees, -5);
  // The other axis's hemisphere: probably swapped, said so.
  const auto swapped = lat("36°17'E");
  EXPECT_FALSE(swapped.degrees);
  EXPECT_NE(swapped.problem.find("swapped"), std::string::npos) << swapped.problem;
  EXPECT_FALSE(lat("33°75'N").degrees);   // minutes past 60
  EXPECT_FALSE(lat("33.5°30'").degrees);  // decimals before minutes
  EXPECT_FALSE(lat("north-ish").degrees);
  EXPECT_FALSE(lat("").degrees);
  EXPECT_FALSE(lat("-33 N").degrees);  // a sign and a hemisphere
  EXPECT_FALSE(lat("1 2 3 4").degrees);
}

}  // namespace
}  // namespace athar::core
