#include "registry/plausibility.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "core/date.h"
#include "core/error.h"
#include "core/geo.h"
#include "core/governorate.h"
#include "core/text.h"
#include "names/normalise.h"

namespace athar::registry {

std::string Warning::text() const {
  std::string out = subject;
  if (!field.empty()) out += ": " + field;
  if (!value.empty()) out += " " + value;
  out += ": " + problem;
  if (!detail.empty()) out += " (" + detail + ")";
  return out;
}

namespace {

std::optional<double> number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string km_text(double km) {
  char buf[32];
  if (km < 1) {
    std::snprintf(buf, sizeof buf, "%.0f m", km * 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f km", km);
  }
  return buf;
}

std::string governorate_name(std::string_view code) {
  const auto g = core::find_governorate(code);
  return g ? std::string(g->name_en) : std::string(code);
}

// Coordinates: outside Syria, swapped, or outside the governorate the record states.
void check_point(const Record& r, const char* lat_field, const char* lon_field,
                 std::vector<Warning>& out) {
  const auto lat = number(r.get(lat_field)), lon = number(r.get(lon_field));
  if (!lat || !lon) return;
  const core::SyriaMap& map = core::SyriaMap::get();
  const std::string value = r.get(lat_field) + ", " + r.get(lon_field);
  const double outside = map.km_outside_syria(*lat, *lon);
  if (outside > core::SyriaMap::kBorderToleranceKm) {
    if (map.km_outside_syria(*lon, *lat) == 0) {
      out.push_back({r.id(),
                     std::string(lat_field) + "/" + lon_field,
                     value,
                     "latitude and longitude look swapped",
                     "as given the point is " + km_text(outside) +
                         " outside Syria; swapped it lies in " +
                         governorate_name(map.governorate_at(*lon, *lat)),
                     {}});
    } else {
      out.push_back({r.id(),
                     std::string(lat_field) + "/" + lon_field,
                     value,
                     "outside Syria",
                     km_text(outside) + " beyond the border",
                     {}});
    }
    return;
  }
  const int g = r.spec->field_index("governorate");
  if (g < 0 || r.values[static_cast<size_t>(g)].empty()) return;
  const std::string& stated = r.values[static_cast<size_t>(g)];
  const double off = map.km_outside(stated, *lat, *lon);
  if (off > core::SyriaMap::kBorderToleranceKm) {
    const std::string_view actual = map.governorate_at(*lat, *lon);
    out.push_back({r.id(),
                   std::string(lat_field) + "/" + lon_field,
                   value,
                   "outside its stated governorate",
                   "stated " + governorate_name(stated) + "; the point lies " +
                       (actual.empty() ? "near the border" : "in " + governorate_name(actual)) +
                       ", " + km_text(off) + " from " + governorate_name(stated),
                   {}});
  }
}

std::string site_name_key(const Record& site, const char* field) {
  const std::string& name = site.get(field);
  return name.empty() ? std::string() : names::normalise_name(name);
}

// Sites near one another: within kNearbySiteKm, or of one name within kSameNameKm.
void check_nearby_sites(const Record& site, const std::vector<Record>& others,
                        std::vector<Warning>& out) {
  const auto lat = number(site.get("latitude")), lon = number(site.get("longitude"));
  if (!lat || !lon) return;
  const std::string ar = site_name_key(site, "name_ar"), lat_name = site_name_key(site, "name_lat");
  for (const Record& other : others) {
    if (other.num == site.num && site.num != 0) continue;
    const auto olat = number(other.get("latitude")), olon = number(other.get("longitude"));
    if (!olat || !olon) continue;
    const double km = core::distance_km(*lat, *lon, *olat, *olon);
    if (km > kSameNameKm) continue;
    const bool same_name = (!ar.empty() && ar == site_name_key(other, "name_ar")) ||
                           (!lat_name.empty() && lat_name == site_name_key(other, "name_lat"));
    if (km <= kNearbySiteKm || same_name) {
      std::string name = other.get("name_lat");
      if (!other.get("name_ar").empty()) name += (name.empty() ? "" : " / ") + other.get("name_ar");
      out.push_back({site.id(),
                     "",
                     "",
                     "looks like an existing site",
                     other.id() + " " + name + ", " + km_text(km) + " away" +
                         (same_name ? ", same name" : ""),
                     {other.id()}});
    }
  }
}

// Status changes entered out of the order of the dates they happened.
void check_history_order(const std::string& id, const std::vector<StatusChange>& history,
                         std::vector<Warning>& out) {
  for (size_t i = 1; i < history.size(); ++i) {
    const auto before = core::PartialDate::parse_optional(history[i - 1].changed_on);
    const auto after = core::PartialDate::parse_optional(history[i].changed_on);
    if (after.certainly_before(before)) {
      out.push_back({id,
                     history[i].field,
                     history[i].new_status,
                     "status change out of date order",
                     "changed on " + history[i].changed_on + " but entered after the change to " +
                         history[i - 1].new_status + " on " + history[i - 1].changed_on,
                     {}});
    }
  }
}

}  // namespace

void check_person_dates(const Record& p, std::vector<Warning>& out) {
  const auto birth = core::PartialDate::parse_optional(p.get("birth_date"));
  if (birth.empty()) return;
  for (const char* field : {"disappeared_on", "detained_on", "died_on"}) {
    const auto at = core::PartialDate::parse_optional(p.get(field));
    if (at.empty()) continue;
    const int age = at.year() - birth.year();
    if (age > 110) {
      out.push_back({p.id(),
                     field,
                     p.get(field),
                     "implausible age",
                     std::to_string(age) + " years after the birth date " + p.get("birth_date"),
                     {}});
    }
  }
}

std::vector<Warning> check_plausibility(const Registry& registry, const Record& record) {
  std::vector<Warning> out;
  switch (record.spec->kind) {
    case Kind::kSite: {
      check_point(record, "latitude", "longitude", out);
      ListQuery all;
      all.limit = 0;
      check_nearby_sites(record, registry.list(kind_spec(Kind::kSite), all), out);
      break;
    }
    case Kind::kUnit:
    case Kind::kEvent:
      check_point(record, "latitude", "longitude", out);
      break;
    case Kind::kEvidence:
      check_point(record, "gps_latitude", "gps_longitude", out);
      break;
    case Kind::kPerson:
      check_person_dates(record, out);
      break;
    case Kind::kCustody: {
      // Later events not before the collection; a photo's position near the site it concerns.
      const std::string& evidence = record.get("evidence");
      ListQuery q;
      q.limit = 0;
      q.include_retracted = false;
      q.equals.emplace_back("evidence", evidence);
      const auto at = [](const Record& c) { return c.get("at").substr(0, 19); };
      for (const Record& c : registry.list(kind_spec(Kind::kCustody), q)) {
        if (c.num == record.num) continue;
        if (c.get("action") == "collected" && record.get("action") != "collected" &&
            at(record) < at(c)) {
          out.push_back({record.id().empty() || record.num == 0 ? "new custody event" : record.id(),
                         "at",
                         record.get("at"),
                         "dated before the evidence was collected",
                         evidence + " was collected at " + c.get("at") + " (" + c.id() + ")",
                         {}});
        }
      }
      if (!record.get("site").empty() && !evidence.empty()) {
        try {
          const Record e = registry.get(evidence);
          const Record site = registry.get(record.get("site"));
          const auto elat = number(e.get("gps_latitude")), elon = number(e.get("gps_longitude"));
          const auto slat = number(site.get("latitude")), slon = number(site.get("longitude"));
          if (elat && elon && slat && slon) {
            const double km = core::distance_km(*elat, *elon, *slat, *slon);
            if (km > kEvidenceFarKm) {
              out.push_back({evidence,
                             "gps_latitude/gps_longitude",
                             e.get("gps_latitude") + ", " + e.get("gps_longitude"),
                             "far from the site it concerns",
                             "the file's GPS is " + km_text(km) + " from " + site.id() + " " +
                                 site.get("name_lat"),
                             {site.id()}});
            }
          }
        } catch (const core::Error&) {
        }
      }
      break;
    }
    default:
      break;
  }
  if (record.spec->status_field() && record.num != 0) {
    check_history_order(record.id(), registry.history(record.id()), out);
  }
  return out;
}

CheckReport check_registry(const Registry& registry, const core::Progress& progress) {
  CheckReport report;
  const auto histories = registry.status_histories();
  ListQuery all;
  all.limit = 0;
  const std::vector<Record> sites = registry.list(kind_spec(Kind::kSite), all);
  size_t kind_index = 0;
  for (const KindSpec& kind : kind_specs()) {
    progress(static_cast<double>(kind_index++) / kind_specs().size(), kind.plural);
    ListQuery page;
    page.limit = 20000;
    while (true) {
      const std::vector<Record> records = registry.list(kind, page);
      for (const Record& r : records) {
        ++report.records;
        switch (kind.kind) {
          case Kind::kSite:
            check_point(r, "latitude", "longitude", report.warnings);
            check_nearby_sites(r, sites, report.warnings);
            break;
          case Kind::kPerson:
            check_person_dates(r, report.warnings);
            break;
          case Kind::kUnit:
          case Kind::kEvent:
          case Kind::kEvidence:
          case Kind::kCustody:
            for (Warning& w : check_plausibility(registry, r))
              report.warnings.push_back(std::move(w));
            break;
          default:
            break;
        }
        if (kind.status_field()) {
          auto h = histories.find(r.id());
          if (h != histories.end()) check_history_order(r.id(), h->second, report.warnings);
        }
      }
      if (records.size() < page.limit) break;
      page.after_num = records.back().num;
    }
  }
  // A pair of nearby sites is one finding, not two.
  std::vector<Warning> kept;
  for (Warning& w : report.warnings) {
    if (w.problem == "looks like an existing site" && !w.candidates.empty() &&
        w.candidates.front() < w.subject) {
      continue;
    }
    kept.push_back(std::move(w));
  }
  report.warnings = std::move(kept);
  return report;
}

}  // namespace athar::registry
