// Plausibility warnings: values that are valid but probably wrong. Not refusals — the record is
// stored — but shown at entry and listed by `athar check` over the whole registry.
//
//   for (const Warning& w : check_plausibility(registry, site)) std::cerr << w.text() << "\n";
//   CheckReport report = check_registry(registry);
#pragma once

#include <string>
#include <vector>

#include "core/progress.h"
#include "registry/registry.h"

namespace athar::registry {

struct Warning {
  std::string subject;  // the record ("site-0004") or import row
  std::string field, value;
  std::string problem;  // "outside Syria", "swapped coordinates", "looks like", ...
  std::string detail;
  std::vector<std::string> candidates;  // records it may duplicate
  std::string text() const;
};

// A site within this distance of another, or of the same name within kSameNameKm, looks like it.
inline constexpr double kNearbySiteKm = 0.1;
inline constexpr double kSameNameKm = 5.0;
// A photo's embedded position this far from the site of its custody is worth a look.
inline constexpr double kEvidenceFarKm = 10.0;

// A person's dates: ages no one reaches (the orders validation refuses are not repeated here).
void check_person_dates(const Record& person, std::vector<Warning>& out);

// The checks of one record (stored or about to be) against the registry as it is now.
std::vector<Warning> check_plausibility(const Registry& registry, const Record& record);

struct CheckReport {
  uint64_t records = 0;
  std::vector<Warning> warnings;
};
// Every record of every kind: coordinates, nearby sites, dates, status histories, custody order.
CheckReport check_registry(const Registry& registry, const core::Progress& progress = {});

}  // namespace athar::registry
