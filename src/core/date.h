// Partial calendar dates as victim lists hold them: a year ("1987"), a month ("1987-04") or a
// full day ("1987-04-12"), proleptic Gregorian, no time zone.
//
//   auto d = athar::core::PartialDate::parse("2013-02");   // throws std::invalid_argument
//   d.earliest_day() <= other.latest_day();                 // comparisons over the ranges
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace athar::core {

class PartialDate {
 public:
  PartialDate() = default;  // empty: no date known

  // Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD". Throws std::invalid_argument with a short reason
  // ("no such day in that month") on anything else; callers wrap it into an InputError.
  static PartialDate parse(std::string_view text);
  // Parses, or returns an empty date for empty text.
  static PartialDate parse_optional(std::string_view text);
  static PartialDate today();

  bool empty() const { return year_ == 0; }
  int year() const { return year_; }
  int month() const { return month_; }  // 0 when unknown
  int day() const { return day_; }      // 0 when unknown

  // Days since 1970-01-01 of the first and last day the date can stand for.
  int64_t earliest_day() const;
  int64_t latest_day() const;

  // Certainly before `other`: every day this may stand for precedes every day of `other`.
  bool certainly_before(const PartialDate& other) const {
    return !empty() && !other.empty() && latest_day() < other.earliest_day();
  }

  std::string to_string() const;  // "" when empty
  bool operator==(const PartialDate&) const = default;

 private:
  int year_ = 0, month_ = 0, day_ = 0;
};

bool is_leap_year(int year);
int days_in_month(int year, int month);
// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int year, int month, int day);

// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_timestamp_now();

}  // namespace athar::core
