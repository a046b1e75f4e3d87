// Where a point lies in Syria: the governorate outlines shipped in the binary (data/geo, OCHA
// COD-AB, simplified), for plausibility checks of coordinates.
//
//   const auto& map = athar::core::SyriaMap::get();
//   map.governorate_at(33.51, 36.29);         // "damascus"
//   map.km_outside_syria(35.0, 33.0);         // about 120: Cyprus
//   athar::core::distance_km(33.5, 36.3, 33.6, 36.3);
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace athar::core {

// Great-circle distance in kilometres between two WGS84 points (haversine).
double distance_km(double lat1, double lon1, double lat2, double lon2);

class SyriaMap {
 public:
  static const SyriaMap& get();

  // The code of the governorate that holds the point (core/governorate.h), "" when none does.
  std::string_view governorate_at(double latitude, double longitude) const;
  // 0 inside Syria; otherwise the distance to the nearest outline, in km.
  double km_outside_syria(double latitude, double longitude) const;
  // 0 inside the governorate; otherwise the distance to its outline, in km (a large value for an
  // unknown code).
  double km_outside(std::string_view governorate, double latitude, double longitude) const;

  // The outlines are simplified: points this close to a border are not called outside it.
  static constexpr double kBorderToleranceKm = 2.0;

 private:
  SyriaMap();
  struct Ring {
    std::vector<double> lon, lat;  // closed: the last point equals the first
  };
  struct Area {
    std::string code;
    std::vector<Ring> outer, holes;
    double min_lat, max_lat, min_lon, max_lon;
    bool contains(double latitude, double longitude) const;
    double km_to_edge(double latitude, double longitude) const;
  };
  std::vector<Area> areas_;
};

}  // namespace athar::core
