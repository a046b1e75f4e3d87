#include "core/date.h"

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace athar::core {

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

int64_t days_from_civil(int year, int month, int day) {
  const int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

namespace {

int parse_digits(std::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') throw std::invalid_argument("expected YYYY, YYYY-MM or YYYY-MM-DD");
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

PartialDate PartialDate::parse(std::string_view text) {
  if (!(text.size() == 4 || text.size() == 7 || text.size() == 10) ||
      (text.size() >= 7 && text[4] != '-') || (text.size() == 10 && text[7] != '-')) {
    throw std::invalid_argument("expected YYYY, YYYY-MM or YYYY-MM-DD");
  }
  PartialDate d;
  d.year_ = parse_digits(text, 0, 4);
  if (d.year_ < 1800) throw std::invalid_argument("year before 1800");
  if (text.size() >= 7) {
    d.month_ = parse_digits(text, 5, 2);
    if (d.month_ < 1 || d.month_ > 12) throw std::invalid_argument("no such month");
  }
  if (text.size() == 10) {
    d.day_ = parse_digits(text, 8, 2);
    if (d.day_ < 1 || d.day_ > days_in_month(d.year_, d.month_)) {
      throw std::invalid_argument("no such day in that month");
    }
  }
  return d;
}

PartialDate PartialDate::parse_optional(std::string_view text) {
  return text.empty() ? PartialDate() : parse(text);
}

PartialDate PartialDate::today() {
  // Imports validate millions of dates: convert the clock once per second, not per call.
  thread_local std::time_t cached_at = -1;
  thread_local PartialDate cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    cached.year_ = tm.tm_year + 1900;
    cached.month_ = tm.tm_mon + 1;
    cached.day_ = tm.tm_mday;
    cached_at = now;
  }
  return cached;
}

int64_t PartialDate::earliest_day() const {
  return days_from_civil(year_, month_ ? month_ : 1, day_ ? day_ : 1);
}

int64_t PartialDate::latest_day() const {
  const int m = month_ ? month_ : 12;
  return days_from_civil(year_, m, day_ ? day_ : days_in_month(year_, m));
}

std::string PartialDate::to_string() const {
  if (empty()) return {};
  char buf[16];
  if (day_) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year_, month_, day_);
  } else if (month_) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", year_, month_);
  } else {
    std::snprintf(buf, sizeof buf, "%04d", year_);
  }
  return buf;
}

std::string utc_timestamp_now() {
  thread_local std::time_t cached_at = -1;
  thread_local char cached[32];
  const std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cached_at = now;
  }
  return cached;
}

}  // namespace athar::core
