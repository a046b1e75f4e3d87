#include "core/date.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace athar::core {
namespace {

TEST(PartialDate, ParsesYearMonthAndDay) {
  EXPECT_EQ(PartialDate::parse("1987").to_string(), "1987");
  EXPECT_EQ(PartialDate::parse("1987-04").month(), 4);
  const PartialDate d = PartialDate::parse("1987-04-12");
  EXPECT_EQ(d.year(), 1987);
  EXPECT_EQ(d.day(), 12);
  EXPECT_EQ(d.to_string(), "1987-04-12");
}

TEST(PartialDate, RejectsImpossibleDates) {
  EXPECT_THROW(PartialDate::parse("1990-02-31"), std::invalid_argument);
  EXPECT_THROW(PartialDate::parse("1990-02-29"), std::invalid_argument);  // not a leap year
  EXPECT_NO_THROW(PartialDate::parse("1992-02-29"));
  EXPECT_NO_THROW(PartialDate::parse("2000-02-29"));
  EXPECT_THROW(PartialDate::parse("1900-02-29"), std::invalid_argument);
  EXPECT_THROW(PartialDate::parse("1990-13"), std::invalid_argument);
  EXPECT_THROW(PartialDate::parse("1990-04-31"), std::invalid_argument);
  EXPECT_THROW(PartialDate::parse("12/04/1990"), std::invalid_argument);
  EXPECT_THROW(PartialDate::parse("199"), std::invalid_argument);
  EXPECT_THROW(PartialDate::parse("1990-1-1"), std::invalid_argument);
  EXPECT_THROW(PartialDate::parse("1700"), std::invalid_argument);
}

TEST(PartialDate, ComparesOverTheRangesItMayStandFor) {
  const auto d = [](const char* s) { return PartialDate::parse(s); };
  EXPECT_TRUE(d("1985").certainly_before(d("1986-01-01")));
  EXPECT_FALSE(d("1985").certainly_before(d("1985-06")));  // overlap: could be either order
  EXPECT_FALSE(d("1985-06").certainly_before(d("1985")));
  EXPECT_TRUE(d("1985-05-31").certainly_before(d("1985-06")));
  EXPECT_FALSE(PartialDate().certainly_before(d("1985")));
  EXPECT_EQ(d("2024-02").latest_day() - d("2024-02").earliest_day(), 28);  // leap February
}

TEST(PartialDate, DaysFromCivilMatchesKnownDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

}  // namespace
}  // namespace athar::core
