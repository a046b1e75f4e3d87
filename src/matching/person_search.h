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
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
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

// The same search over an index kept in memory, for a server answering many searches: each
// distinct spelling is kept once with its normal form and sound, with the persons who bear it.
// A query compares its parts with every spelling once, and scores only the persons bearing a
// spelling that comes within `min_score` of some part (no other can reach it: a person's score
// is a mean of per-part bests, each at most the part's best similarity). Spellings whose shared
// letters already bound their similarity below that reach are not compared (kept as 0: they
// cannot change a score that can reach min_score). Each part's similarities and its close
// spellings in order are kept for later queries. Results equal search_persons' for the same
// registry.
//
// refresh() brings the index up to date with the registry: at first the whole table, then
// only the persons added or changed since (found by their newest ledger entry). Any number of
// threads may search and refresh at once.
struct QueryPart;

class PersonIndex {
 public:
  PersonIndex();
  ~PersonIndex();
  PersonIndex(const PersonIndex&) = delete;
  PersonIndex& operator=(const PersonIndex&) = delete;

  void refresh(registry::Registry& registry);
  std::vector<PersonHit> search(std::string_view query, const SearchOptions& options) const;
  size_t persons() const;
  size_t spellings() const;

 private:
  struct State;
  // Each query part's similarity to every spelling, and the spellings within `floor` of it
  // closest first, kept for later queries with the same part (names repeat: "Mohammad" is asked
  // for again and again), least recently used dropped first.
  using Closest = std::vector<std::pair<double, uint32_t>>;  // (similarity, spelling)
  struct PartSimilarity {
    std::shared_ptr<const std::vector<double>> values;
    std::shared_ptr<const Closest> closest;  // every spelling at or above the floor asked for
  };
  // `floor`: the least similarity that can matter to the query (0: all do; then no list).
  PartSimilarity similarities(const QueryPart& part, double floor) const;
  static constexpr size_t kCacheBytes = size_t{64} << 20;
  struct CacheEntry {
    std::shared_ptr<const std::vector<double>> values;
    double values_floor = 0;  // the values below it are kept as 0 (queries needing no lower)
    std::shared_ptr<const Closest> closest;
    double closest_floor = 2;  // above any similarity: none kept yet
    size_t closest_of = 0;     // spellings the list covers (those added later are not in it)
    uint64_t last_used = 0;
    size_t bytes() const {
      return (values ? values->size() * sizeof(double) : 0) +
             (closest ? closest->size() * sizeof(Closest::value_type) : 0);
    }
  };
  std::unique_ptr<State> state_;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, CacheEntry> cache_;
  mutable size_t cache_bytes_ = 0;
  mutable uint64_t cache_clock_ = 0;
};

}  // namespace athar::matching
