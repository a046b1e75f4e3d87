// How Syrian lists write numbers, and coordinates as people write them: read into the forms the
// registry stores (docs/registry.md, "What Athar accepts").
//
//   western_digits("١٩٧٩")                      // "1979" (Arabic-Indic and Persian digits)
//   parse_whole_number("1,200")                 // 1200 ("١٬٢٠٠", "1 200" too)
//   parse_coordinate("33°30'15\"N", kLatitude)  // 33.504166...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace athar::core {

// Arabic-Indic (٠..٩) and Persian (۰..۹) digits as 0..9, the Arabic decimal separator (٫) as
// '.'; everything else as it is.
std::string western_digits(std::string_view text);

// A whole number, its digits in any of the scripts above, optionally grouped by thousands with
// ',', '٬' (Arabic), a space or a narrow no-break space — but only in groups of three, so that
// "1,20" is not read as 120. Nothing else (no sign, no decimals).
std::optional<int64_t> parse_whole_number(std::string_view text);

enum class Axis { kLatitude, kLongitude };

struct CoordinateReading {
  std::optional<double> degrees;  // decimal degrees, south and west negative
  std::string problem;            // when not read: why, for the error message
};

// Decimal degrees ("33.5", "-6.2", "٣٣٫٥") or degrees, minutes and seconds ("33°30'15\"N",
// "33 30 15 N", "N 33° 30.25'", with ′ ″ or ' " and a hemisphere letter before or after).
// A hemisphere of the other axis (E on a latitude) is a problem, not silently taken.
CoordinateReading parse_coordinate(std::string_view text, Axis axis);

}  // namespace athar::core
