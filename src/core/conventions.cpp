#include "core/conventions.h"

#include <charconv>
#include <cmath>
#include <vector>

namespace athar::core {

std::string western_digits(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if ((b0 == 0xD9 || b0 == 0xDB) && i + 1 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      // U+0660..U+0669 (D9 A0..A9), U+06F0..U+06F9 (DB B0..B9), U+066B (D9 AB).
      if (b0 == 0xD9 && b1 >= 0xA0 && b1 <= 0xA9) {
        out += static_cast<char>('0' + (b1 - 0xA0));
        ++i;
        continue;
      }
      if (b0 == 0xDB && b1 >= 0xB0 && b1 <= 0xB9) {
        out += static_cast<char>('0' + (b1 - 0xB0));
        ++i;
        continue;
      }
      if (b0 == 0xD9 && b1 == 0xAB) {
        out += '.';
        ++i;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::optional<int64_t> parse_whole_number(std::string_view text) {
  const std::string digits = western_digits(text);
  // Groups of digits and the separators between them.
  std::vector<std::string> groups(1);
  std::string separator;
  for (size_t i = 0; i < digits.size();) {
    const char c = digits[i];
    if (c >= '0' && c <= '9') {
      groups.back() += c;
      ++i;
      continue;
    }
    size_t length = 0;
    for (std::string_view s : {std::string_view(","), std::string_view(" "),
                               std::string_view("\xD9\xAC"),         // ٬ U+066C
                               std::string_view("\xC2\xA0"),         // no-break space
                               std::string_view("\xE2\x80\xAF"),     // narrow no-break space
                               std::string_view("\xE2\x80\x89")}) {  // thin space
      if (digits.compare(i, s.size(), s) == 0) {
        length = s.size();
        break;
      }
    }
    if (length == 0 || groups.back().empty()) return std::nullopt;
    const std::string here = digits.substr(i, length);
    if (!separator.empty() && here != separator) return std::nullopt;  // one style per number
    separator = here;
    groups.emplace_back();
    i += length;
  }
  if (groups.front().empty() || groups.front().size() > 18) return std::nullopt;
  if (groups.size() > 1) {
    if (groups.front().size() > 3) return std::nullopt;
    for (size_t g = 1; g < groups.size(); ++g)
      if (groups[g].size() != 3) return std::nullopt;
  }
  std::string joined;
  for (const std::string& g : groups) joined += g;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(joined.data(), joined.data() + joined.size(), value);
  if (ec != std::errc() || end != joined.data() + joined.size()) return std::nullopt;
  return value;
}

namespace {

// The hemisphere letters, Latin and Arabic (شمال north, جنوب south, شرق east, غرب west).
struct Hemisphere {
  std::string_view text;
  Axis axis;
  int sign;
};
constexpr Hemisphere kHemispheres[] = {
    {"N", Axis::kLatitude, 1},     {"S", Axis::kLatitude, -1},   {"E", Axis::kLongitude, 1},
    {"W", Axis::kLongitude, -1},   {"n", Axis::kLatitude, 1},    {"s", Axis::kLatitude, -1},
    {"e", Axis::kLongitude, 1},    {"w", Axis::kLongitude, -1},  {"شمال", Axis::kLatitude, 1},
    {"جنوب", Axis::kLatitude, -1}, {"شرق", Axis::kLongitude, 1}, {"غرب", Axis::kLongitude, -1},
};

bool is_space(std::string_view s, size_t i) { return s[i] == ' ' || s[i] == '\t'; }

}  // namespace

CoordinateReading parse_coordinate(std::string_view original, Axis axis) {
  CoordinateReading out;
  std::string text = western_digits(original);
  // A hemisphere before or after the figures.
  int sign = 1;
  bool hemisphere = false;
  const auto trim = [&] {
    while (!text.empty() && is_space(text, 0)) text.erase(0, 1);
    while (!text.empty() && is_space(text, text.size() - 1)) text.pop_back();
  };
  trim();
  for (const Hemisphere& h : kHemispheres) {
    const bool front = text.rfind(h.text, 0) == 0;
    const bool back = text.size() > h.text.size() &&
                      text.compare(text.size() - h.text.size(), h.text.size(), h.text) == 0;
    if (!front && !back) continue;
    if (h.axis != axis) {
      out.problem = std::string("has the hemisphere ") + std::string(h.text) + " of a " +
                    (h.axis == Axis::kLatitude ? "latitude" : "longitude") +
                    ": are latitude and longitude swapped?";
      return out;
    }
    text = front ? text.substr(h.text.size()) : text.substr(0, text.size() - h.text.size());
    sign = h.sign;
    hemisphere = true;
    break;
  }
  trim();
  // Degrees, minutes, seconds: numbers separated by ° ' " ′ ″ or spaces.
  std::vector<double> parts;
  std::string number;
  bool negative = false;
  const auto flush = [&]() -> bool {
    if (number.empty()) return true;
    double v = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
    if (ec != std::errc() || end != number.data() + number.size()) return false;
    parts.push_back(v);
    number.clear();
    return true;
  };
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if ((c >= '0' && c <= '9') || c == '.') {
      number += c;
      ++i;
    } else if (c == '-' && i == 0 && !hemisphere) {
      negative = true;
      ++i;
    } else if (c == '+' && i == 0) {
      ++i;
    } else {
      size_t length = 0;
      for (std::string_view s :
           {std::string_view("\xC2\xB0"), std::string_view("'"), std::string_view("\""),
            std::string_view("\xE2\x80\xB2"), std::string_view("\xE2\x80\xB3"),
            std::string_view("\xC2\xBA"), std::string_view(" ")}) {
        if (text.compare(i, s.size(), s) == 0) {
          length = s.size();
          break;
        }
      }
      if (length == 0 || !flush()) {
        out.problem = "is not a number of degrees (decimal such as 33.51, or 33°30'N)";
        return out;
      }
      i += length;
    }
  }
  if (!flush() || parts.empty() || parts.size() > 3) {
    out.problem = "is not a number of degrees (decimal such as 33.51, or 33°30'N)";
    return out;
  }
  for (size_t p = 1; p < parts.size(); ++p) {
    if (parts[p] >= 60 || parts[p - 1] != std::floor(parts[p - 1])) {
      out.problem = "has minutes or seconds that are not below 60 (or decimals before them)";
      return out;
    }
  }
  double degrees = parts[0];
  if (parts.size() > 1) degrees += parts[1] / 60;
  if (parts.size() > 2) degrees += parts[2] / 3600;
  if (!std::isfinite(degrees)) {
    out.problem = "is not a finite number";
    return out;
  }
  out.degrees = (negative ? -1 : 1) * sign * degrees;
  return out;
}

}  // namespace athar::core
