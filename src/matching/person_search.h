// Finding persons by name, any spelling, either script (`athar person search`; the server and
// the web UI use it too).
//
// The query is split as a full name is (names/full_name.h): "Mohamed al-Hasan" is a given and
// a family name, "محمد بن أحمد الحسن" three parts. Each query part is compared with every name
// part of a person (given, father's, grandfather's, family name, in both scripts) — within a
// script by Jaro–Winkler on normal forms, across scripts by sound (names/phonetic.h) — and
// takes its best, nine tenths of it when found in another place (a given name as a father's);
// a person's score is the mean over the query's parts. Each distinct stored
// spelling is compared once per query (names repeat), so a scan of a million persons takes
// about a second.
//
//   auto hits = matching::search_persons(registry, "Mohamed al-Hasan", {.limit = 20});
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "registry/registry.h"

namespace athar::matching {

struct PersonHit {
  std::string id;
  double score;                   // 0..1; 1: every part of the query found as written
  std::string name_ar, name_lat;  // the parts present, in order, per script
  std::string birth_date, governorate, status;
};

struct SearchOptions {
  size_t limit = 20;
  double min_score = 0.8;  // hits below are left out
};

// Best first; ties by id. InputError for a query with no letters.
std::vector<PersonHit> search_persons(registry::Registry& registry, std::string_view query,
                                      const SearchOptions& options);

}  // namespace athar::matching
