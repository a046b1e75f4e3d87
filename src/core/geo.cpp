#include "core/geo.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "core/governorate.h"
#include "core/json.h"

namespace athar::core {

std::string_view governorates_geojson();  // embedded_governorates.cpp, from data/geo

namespace {
constexpr double kEarthRadiusKm = 6371.0088;
constexpr double kRadians = std::numbers::pi / 180.0;

bool ring_contains(const std::vector<double>& lon, const std::vector<double>& lat, double y,
                   double x) {
  bool inside = false;
  for (size_t i = 0, j = lon.size() - 1; i < lon.size(); j = i++) {
    if ((lat[i] > y) != (lat[j] > y) &&
        x < (lon[j] - lon[i]) * (y - lat[i]) / (lat[j] - lat[i]) + lon[i]) {
      inside = !inside;
    }
  }
  return inside;
}
}  // namespace

double distance_km(double lat1, double lon1, double lat2, double lon2) {
  const double dlat = (lat2 - lat1) * kRadians, dlon = (lon2 - lon1) * kRadians;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRadians) * std::cos(lat2 * kRadians) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

bool SyriaMap::Area::contains(double latitude, double longitude) const {
  if (latitude < min_lat || latitude > max_lat || longitude < min_lon || longitude > max_lon)
    return false;
  bool in = false;
  for (const Ring& r : outer) in = in || ring_contains(r.lon, r.lat, latitude, longitude);
  if (!in) return false;
  for (const Ring& r : holes)
    if (ring_contains(r.lon, r.lat, latitude, longitude)) return false;
  return true;
}

double SyriaMap::Area::km_to_edge(double latitude, double longitude) const {
  // Point-to-segment distance on a local equirectangular projection (km): exact enough at the
  // scale of a border check.
  const double kx = kEarthRadiusKm * kRadians * std::cos(latitude * kRadians);
  const double ky = kEarthRadiusKm * kRadians;
  double best = std::numeric_limits<double>::infinity();
  for (const auto* rings : {&outer, &holes}) {
    for (const Ring& r : *rings) {
      for (size_t i = 1; i < r.lon.size(); ++i) {
        const double ax = (r.lon[i - 1] - longitude) * kx, ay = (r.lat[i - 1] - latitude) * ky;
        const double bx = (r.lon[i] - longitude) * kx, by = (r.lat[i] - latitude) * ky;
        const double dx = bx - ax, dy = by - ay;
        const double len = dx * dx + dy * dy;
        const double t = len > 0 ? std::clamp(-(ax * dx + ay * dy) / len, 0.0, 1.0) : 0.0;
        const double px = ax + t * dx, py = ay + t * dy;
        best = std::min(best, std::sqrt(px * px + py * py));
      }
    }
  }
  return best;
}

SyriaMap::SyriaMap() {
  const Json doc = Json::parse(governorates_geojson());
  for (const Json& feature : doc.at("features")) {
    const std::string name = feature.at("properties").at("name_en").get<std::string>();
    const auto governorate = find_governorate(name);
    if (!governorate) throw std::logic_error("data/geo names an unknown governorate: " + name);
    Area area;
    area.code = std::string(governorate->code);
    const Json& geometry = feature.at("geometry");
    std::vector<Json> polygons;
    if (geometry.at("type") == "Polygon") {
      polygons.push_back(geometry.at("coordinates"));
    } else {
      for (const Json& p : geometry.at("coordinates")) polygons.push_back(p);
    }
    area.min_lat = area.min_lon = std::numeric_limits<double>::infinity();
    area.max_lat = area.max_lon = -std::numeric_limits<double>::infinity();
    for (const Json& polygon : polygons) {
      for (size_t r = 0; r < polygon.size(); ++r) {
        Ring ring;
        for (const Json& point : polygon[r]) {
          ring.lon.push_back(point.at(0).get<double>());
          ring.lat.push_back(point.at(1).get<double>());
          area.min_lon = std::min(area.min_lon, ring.lon.back());
          area.max_lon = std::max(area.max_lon, ring.lon.back());
          area.min_lat = std::min(area.min_lat, ring.lat.back());
          area.max_lat = std::max(area.max_lat, ring.lat.back());
        }
        (r == 0 ? area.outer : area.holes).push_back(std::move(ring));
      }
    }
    areas_.push_back(std::move(area));
  }
}

const SyriaMap& SyriaMap::get() {
  static const SyriaMap map;
  return map;
}

std::string_view SyriaMap::governorate_at(double latitude, double longitude) const {
  for (const Area& a : areas_)
    if (a.contains(latitude, longitude)) return a.code;
  return {};
}

double SyriaMap::km_outside_syria(double latitude, double longitude) const {
  if (!governorate_at(latitude, longitude).empty()) return 0;
  double best = std::numeric_limits<double>::infinity();
  for (const Area& a : areas_) best = std::min(best, a.km_to_edge(latitude, longitude));
  return best;
}

double SyriaMap::km_outside(std::string_view governorate, double latitude, double longitude) const {
  for (const Area& a : areas_) {
    if (a.code != governorate) continue;
    return a.contains(latitude, longitude) ? 0 : a.km_to_edge(latitude, longitude);
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace athar::core
