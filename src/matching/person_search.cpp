#include "matching/person_search.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"
#include "core/unicode.h"
#include "names/full_name.h"
#include "names/normalise.h"
#include "names/phonetic.h"
#include "names/similarity.h"
#include "store/database.h"

namespace athar::matching {

namespace {

constexpr const char* kNameColumns[] = {
    "given_name_ar",  "father_name_ar",  "grandfather_name_ar",  "family_name_ar",
    "given_name_lat", "father_name_lat", "grandfather_name_lat", "family_name_lat"};

}  // namespace

// One part of the query, ready to compare, with the similarity of every spelling met so far.
struct QueryPart {
  int position;      // 0 given, 1 father, 2 grandfather, 3 family; -1: any; -2: any but given
  std::string text;  // as typed
  std::u32string normal;
  bool arabic = false;
  names::PhoneticKey sound;
  names::LetterCounts counts;
  names::PhoneticCounts sound_counts;
  std::unordered_map<std::string, double> seen;

  QueryPart(const std::string& text_as_typed, int position_in_name)
      : position(position_in_name),
        text(text_as_typed),
        normal(core::to_utf32(names::normalise_name(text_as_typed))),
        arabic(names::has_arabic_letters(text_as_typed)),
        sound(names::phonetic_key(text_as_typed)),
        counts(names::letter_counts(normal)),
        sound_counts(names::phonetic_counts(sound)) {}

  double similarity(const std::string& spelling) {
    auto [it, inserted] = seen.try_emplace(spelling, 0.0);
    if (!inserted) return it->second;
    const std::u32string other = core::to_utf32(names::normalise_name(spelling));
    if (other.empty()) return it->second;
    if (names::has_arabic_letters(spelling) == arabic) {
      it->second = other == normal ? 1.0 : names::jaro_winkler(normal, other);
    } else {
      it->second = names::phonetic_similarity(sound, names::phonetic_key(spelling));
    }
    return it->second;
  }
};

namespace {

std::string joined(const std::vector<std::string>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < from + 4; ++i) {
    if (parts[i].empty()) continue;
    if (!out.empty()) out += ' ';
    out += parts[i];
  }
  return out;
}

}  // namespace

namespace {

std::vector<QueryPart> query_parts(std::string_view query) {
  const names::NameParts split = names::split_full_name(query);
  std::vector<QueryPart> parts;
  const std::string* in_order[] = {&split.given, &split.father, &split.grandfather, &split.family};
  size_t words = 0;
  for (const std::string* p : in_order) words += !p->empty();
  for (int position = 0; position < 4; ++position) {
    const std::string& p = *in_order[position];
    // One word may be any part (a family name alone is a common query); of two, the second is
    // a father's or a family name.
    if (!p.empty() && core::contains_letter_or_digit(p))
      parts.emplace_back(p, words == 1 ? -1 : words == 2 && position == 3 ? -2 : position);
  }
  if (parts.empty()) {
    throw core::InputError("person search", "name", std::string(query),
                           "give a name (any spelling, Arabic or Latin script)");
  }
  return parts;
}

// A person's score: the mean over the query's parts of each part's best similarity among the
// person's eight name slots (given, father, grandfather, family; Arabic then Latin). A part
// found in its own place (the given name as the given name) counts whole; found in another
// place (as the father's name), nine tenths. `similarity(part, slot)` is < 0 for an empty slot.
template <class Similarity>
double person_score(const std::vector<QueryPart>& parts, Similarity&& similarity) {
  double total = 0;
  for (size_t p = 0; p < parts.size(); ++p) {
    double best = 0;
    for (int slot = 0; slot < 8; ++slot) {
      const double sim = similarity(p, slot);
      if (sim < 0) continue;
      const int place = slot % 4;
      const int position = parts[p].position;
      const bool in_place = position == -1 || (position == -2 && place != 0) || place == position;
      best = std::max(best, sim * (in_place ? 1.0 : 0.9));
    }
    total += best;
  }
  return total / static_cast<double>(parts.size());
}

bool better(const PersonHit& a, const PersonHit& b) {
  return a.score != b.score ? a.score > b.score : a.id < b.id;
}

// Keeps the best `limit` hits: a heap whose top is the worst of them.
void keep_best(std::vector<PersonHit>& hits, PersonHit hit, size_t limit) {
  if (hits.size() < limit) {
    hits.push_back(std::move(hit));
    std::push_heap(hits.begin(), hits.end(), better);
  } else if (limit > 0 && better(hit, hits.front())) {
    std::pop_heap(hits.begin(), hits.end(), better);
    hits.back() = std::move(hit);
    std::push_heap(hits.begin(), hits.end(), better);
  }
}

std::string person_select_sql() {
  std::string sql = "SELECT num";
  for (const char* column : kNameColumns) sql += std::string(", ") + column;
  return sql + ", birth_date, governorate, status, retraction FROM persons";
}

}  // namespace

std::vector<PersonHit> search_persons(registry::Registry& registry, std::string_view query,
                                      const SearchOptions& options) {
  std::vector<QueryPart> parts = query_parts(query);
  auto rows =
      registry.database().prepare(person_select_sql() + " WHERE retraction IS NULL ORDER BY num");
  std::vector<std::string> names(std::size(kNameColumns));
  std::vector<PersonHit> hits;
  while (rows->step()) {
    for (size_t c = 0; c < names.size(); ++c) {
      const int column = static_cast<int>(c + 1);
      names[c] = rows->is_null(column) ? "" : rows->string(column);
    }
    const double score = person_score(parts, [&](size_t p, int slot) {
      return names[slot].empty() ? -1.0 : parts[p].similarity(names[slot]);
    });
    if (score < options.min_score) continue;
    const int facts = static_cast<int>(names.size() + 1);
    keep_best(hits,
              {registry::format_record_id(registry::Kind::kPerson, rows->int64(0)), score,
               joined(names, 0), joined(names, 4), rows->is_null(facts) ? "" : rows->string(facts),
               rows->is_null(facts + 1) ? "" : rows->string(facts + 1),
               rows->is_null(facts + 2) ? "" : rows->string(facts + 2)},
              options.limit);
  }
  std::sort(hits.begin(), hits.end(), better);
  return hits;
}

// --- the index ---------------------------------------------------------------------------------

struct PersonIndex::State {
  struct Spelling {
    std::string text;
    std::u32string normal;
    bool arabic = false;
    names::PhoneticKey sound;
    names::LetterCounts counts;
    names::PhoneticCounts sound_counts;
    std::vector<uint32_t> bearers;  // positions in `persons`; may hold ones who no longer do
  };
  struct Person {
    int64_t num = 0;
    std::array<int32_t, 8> slots{};  // spelling ids; -1: empty
    std::string birth_date, governorate, status;
  };
  mutable std::shared_mutex mutex;
  std::vector<Spelling> spellings;
  std::unordered_map<std::string, uint32_t> spelling_ids;
  std::vector<Person> persons;
  std::unordered_map<int64_t, uint32_t> position_of;
  uint64_t ledger_size = 0;  // entries seen when last refreshed

  int32_t spelling_id(const std::string& text) {
    if (text.empty()) return -1;
    auto [it, inserted] = spelling_ids.try_emplace(text, static_cast<uint32_t>(spellings.size()));
    if (inserted) {
      Spelling s;
      s.text = text;
      s.normal = core::to_utf32(names::normalise_name(text));
      s.arabic = names::has_arabic_letters(text);
      s.sound = names::phonetic_key(text);
      s.counts = names::letter_counts(s.normal);
      s.sound_counts = names::phonetic_counts(s.sound);
      spellings.push_back(std::move(s));
    }
    return static_cast<int32_t>(it->second);
  }

  void put(store::Statement& row) {
    Person p;
    p.num = row.int64(0);
    for (int c = 0; c < 8; ++c)
      p.slots[static_cast<size_t>(c)] = row.is_null(c + 1) ? -1 : spelling_id(row.string(c + 1));
    p.birth_date = row.is_null(9) ? "" : row.string(9);
    p.governorate = row.is_null(10) ? "" : row.string(10);
    p.status = row.is_null(11) ? "" : row.string(11);
    // A retracted (or merged) person keeps its place but answers to no name.
    if (!row.is_null(12)) p.slots.fill(-1);
    auto [it, inserted] = position_of.try_emplace(p.num, static_cast<uint32_t>(persons.size()));
    if (inserted) persons.emplace_back();
    const uint32_t at = it->second;
    for (int32_t id : p.slots) {
      if (id < 0) continue;
      auto& bearers = spellings[static_cast<size_t>(id)].bearers;
      if (bearers.empty() || bearers.back() != at) bearers.push_back(at);
    }
    persons[at] = std::move(p);
  }
};

PersonIndex::PersonIndex() : state_(std::make_unique<State>()) {}
PersonIndex::~PersonIndex() = default;

size_t PersonIndex::persons() const {
  std::shared_lock lock(state_->mutex);
  return state_->persons.size();
}
size_t PersonIndex::spellings() const {
  std::shared_lock lock(state_->mutex);
  return state_->spellings.size();
}

void PersonIndex::refresh(registry::Registry& registry) {
  store::Database& db = registry.database();
  store::ReadTransaction snapshot(db);
  uint64_t size = 0;
  {
    store::Statement& count = db.cached("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entries");
    count.step();
    size = static_cast<uint64_t>(count.int64(0));
    count.reset();
  }
  {
    std::shared_lock lock(state_->mutex);
    if (size == state_->ledger_size) return;
  }
  std::unique_lock lock(state_->mutex);
  if (size <= state_->ledger_size) return;
  if (state_->ledger_size == 0) {
    auto rows = db.prepare(person_select_sql() + " WHERE retraction IS NULL ORDER BY num");
    while (rows->step()) state_->put(*rows);
  } else {
    // Every person added or changed since has a ledger entry about it since.
    auto changed = db.prepare(
        "SELECT DISTINCT subject FROM ledger_entries WHERE idx >= ? AND idx < ? AND subject "
        "LIKE 'person-%'");
    changed->bind(1, static_cast<int64_t>(state_->ledger_size));
    changed->bind(2, static_cast<int64_t>(size));
    auto one = db.prepare(person_select_sql() + " WHERE num = ?");
    while (changed->step()) {
      const auto id = registry::parse_record_id(changed->text(0));
      if (!id || id->kind != registry::Kind::kPerson) continue;
      one->bind(1, id->num);
      if (one->step()) state_->put(*one);
      one->reset();
    }
  }
  state_->ledger_size = size;
}

namespace {

// Whether person `a` sorts before `b` by id ("person-000042"): the ids' digits compared as text.
bool id_before(int64_t a, int64_t b) {
  // Below a million both are six digits, zero-padded: their text order is their numbers'.
  if (a >= 0 && b >= 0 && a < 1'000'000 && b < 1'000'000) return a < b;
  char x[24], y[24];
  std::snprintf(x, sizeof x, "%06lld", static_cast<long long>(a));
  std::snprintf(y, sizeof y, "%06lld", static_cast<long long>(b));
  return std::strcmp(x, y) < 0;
}

}  // namespace

PersonIndex::PartSimilarity PersonIndex::similarities(const QueryPart& part, double floor) const {
  // Called with the state's shared lock held: spellings do not change meanwhile.
  const State& s = *state_;
  const size_t n = s.spellings.size();
  // Keyed by the part as typed: its sound key is taken from that, not from its normal form.
  const std::string& key = part.text;
  CacheEntry cached;
  {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      it->second.last_used = ++cache_clock_;
      cached = it->second;
    }
  }
  const bool values_serve = cached.values && cached.values_floor <= floor;
  const bool values_current = values_serve && cached.values->size() == n;
  const bool closest_current =
      floor <= 0 || (cached.closest && cached.closest_of == n && cached.closest_floor <= floor);
  if (values_current && closest_current) return {cached.values, cached.closest};

  // Computed for the spellings the cached copy lacks (those added since), or for all. Below the
  // floor a similarity cannot matter (module comment): where the letters two names share bound
  // it below, 0 is kept instead, without comparing them.
  std::shared_ptr<const std::vector<double>> values = cached.values;
  double values_floor = values_serve ? cached.values_floor : floor;
  if (!values_current) {
    auto fresh = std::make_shared<std::vector<double>>();
    fresh->reserve(n);
    if (values_serve) fresh->assign(cached.values->begin(), cached.values->end());
    // A hair under the floor: a bound equal to it in exact arithmetic may round either way.
    const double prune_below = values_floor - 1e-9;
    for (size_t i = fresh->size(); i < n; ++i) {
      const State::Spelling& sp = s.spellings[i];
      double sim = 0;
      if (sp.normal.empty()) {
      } else if (sp.arabic == part.arabic) {
        if (sp.normal == part.normal) {
          sim = 1.0;
        } else if (prune_below <= 0 ||
                   names::jaro_winkler_bound(part.counts, sp.counts) >= prune_below) {
          sim = names::jaro_winkler(part.normal, sp.normal);
        }
      } else if (prune_below <= 0 || names::phonetic_similarity_bound(
                                         part.sound_counts, sp.sound_counts) >= prune_below) {
        sim = names::phonetic_similarity(part.sound, sp.sound);
      }
      fresh->push_back(sim < values_floor ? 0.0 : sim);
    }
    values = std::move(fresh);
  }
  // The spellings within reach, closest first: the older list extended by the spellings added
  // since when its floor serves, else built anew. Closest first by band, not exactly: the
  // range from the floor to 1 is cut into kBands bands and each spelling is listed with its
  // band's upper end, which is all the threshold walk needs (a ceiling on the similarity of
  // every spelling from there on); the scores use the exact values. Placing by band is linear,
  // where sorting thousands of close spellings of a new part took more than comparing them.
  std::shared_ptr<const Closest> closest = cached.closest;
  double closest_floor = cached.closest_floor;
  if (!closest_current && floor > 0) {
    auto fresh = std::make_shared<Closest>();
    const bool extend = cached.closest && cached.closest_floor <= floor;
    const size_t from = extend ? cached.closest_of : 0;
    if (!extend) closest_floor = floor;
    constexpr size_t kBands = 256;
    const double width = (1.0 - closest_floor) / kBands;
    const auto band_of = [&](double sim) {
      return std::min(kBands - 1, static_cast<size_t>((sim - closest_floor) / width));
    };
    const auto ceiling_of = [&](size_t band) {
      // A hair above the band's end: rounding must not put a spelling above its ceiling.
      return band == kBands - 1 ? 1.0
                                : closest_floor + static_cast<double>(band + 1) * width + 1e-12;
    };
    std::array<uint32_t, kBands + 1> starts{};
    for (size_t i = from; i < n; ++i)
      if ((*values)[i] >= closest_floor) ++starts[kBands - 1 - band_of((*values)[i])];
    uint32_t at = 0;
    for (size_t b = 0; b <= kBands; ++b) std::swap(at, starts[b]), at += starts[b];
    fresh->resize(at);
    for (size_t i = from; i < n; ++i) {
      const double sim = (*values)[i];
      if (sim < closest_floor) continue;
      const size_t band = band_of(sim);
      (*fresh)[starts[kBands - 1 - band]++] = {ceiling_of(band), static_cast<uint32_t>(i)};
    }
    const auto closer = [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    };
    if (extend) {
      Closest merged;
      merged.reserve(cached.closest->size() + fresh->size());
      std::merge(cached.closest->begin(), cached.closest->end(), fresh->begin(), fresh->end(),
                 std::back_inserter(merged), closer);
      *fresh = std::move(merged);
    }
    closest = std::move(fresh);
  }

  std::lock_guard lock(cache_mutex_);
  CacheEntry& entry = cache_[key];
  cache_bytes_ -= entry.bytes();
  if (!entry.values || entry.values->size() < values->size() || values_floor < entry.values_floor) {
    entry.values = values;
    entry.values_floor = values_floor;
  }
  if (closest && (!entry.closest || entry.closest_of < n || closest_floor < entry.closest_floor)) {
    entry.closest = closest;
    entry.closest_floor = closest_floor;
    entry.closest_of = n;
  }
  cache_bytes_ += entry.bytes();
  entry.last_used = ++cache_clock_;
  // The least recently used parts go first when the cache is over its budget.
  while (cache_bytes_ > kCacheBytes && cache_.size() > 1) {
    auto oldest = cache_.begin();
    for (auto it = cache_.begin(); it != cache_.end(); ++it)
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    cache_bytes_ -= oldest->second.bytes();
    cache_.erase(oldest);
  }
  return {values, closest};
}

std::vector<PersonHit> PersonIndex::search(std::string_view query,
                                           const SearchOptions& options) const {
  std::vector<QueryPart> parts = query_parts(query);
  std::shared_lock lock(state_->mutex);
  const State& s = *state_;
  // A person's score is the mean of per-part bests, each at most 1: reaching min_score needs
  // every part's best to be at least P * min_score - (P - 1). Candidates bear, for every part,
  // a spelling that close.
  const size_t count = parts.size();
  const double each_at_least =
      static_cast<double>(count) * options.min_score - static_cast<double>(count - 1);
  // Each part against each spelling, once (and kept for the next query with the same part).
  std::vector<std::shared_ptr<const std::vector<double>>> similarity;
  std::vector<std::shared_ptr<const Closest>> closest_lists;
  for (const QueryPart& part : parts) {
    PartSimilarity sims = similarities(part, std::max(each_at_least, 0.0));
    similarity.push_back(std::move(sims.values));
    closest_lists.push_back(std::move(sims.closest));
  }
  // The best `limit` (score, then id), found without building a hit for each.
  struct Scored {
    double score;
    uint32_t at;
  };
  const auto ranks_before = [&](const Scored& a, const Scored& b) {
    return a.score != b.score ? a.score > b.score
                              : id_before(s.persons[a.at].num, s.persons[b.at].num);
  };
  std::vector<Scored> best;
  const auto consider = [&](uint32_t at) {
    const auto& slots = s.persons[at].slots;
    const double score = person_score(parts, [&](size_t p, int slot) {
      const int32_t id = slots[static_cast<size_t>(slot)];
      return id < 0 ? -1.0 : (*similarity[p])[static_cast<size_t>(id)];
    });
    if (score < options.min_score) return;
    const Scored scored{score, at};
    if (best.size() < options.limit) {
      best.push_back(scored);
      std::push_heap(best.begin(), best.end(), ranks_before);
    } else if (options.limit > 0 && ranks_before(scored, best.front())) {
      std::pop_heap(best.begin(), best.end(), ranks_before);
      best.back() = scored;
      std::push_heap(best.begin(), best.end(), ranks_before);
    }
  };
  if (each_at_least <= 0) {
    for (uint32_t at = 0; at < s.persons.size(); ++at) consider(at);
  } else {
    // Fagin's threshold algorithm: each part's spellings within reach, closest first, are
    // walked together, always where the next spelling has the fewest bearers (the cheapest
    // step; a common given name is left for last); every person bearing one is scored in full. A
    // person not met yet has, for each part, no spelling closer than that part's next one, so
    // scores at most the mean of those: once that is below the `limit`-th best found, or a part has
    // no spelling within reach left, no one further can enter.
    // Each part's spellings within reach (a cached list may reach lower: it ends where they do).
    std::vector<const Closest*> closest(count);
    std::vector<size_t> reach(count);
    for (size_t p = 0; p < count; ++p) {
      closest[p] = closest_lists[p].get();
      reach[p] = static_cast<size_t>(
          std::partition_point(closest[p]->begin(), closest[p]->end(),
                               [&](const auto& c) { return c.first >= each_at_least; }) -
          closest[p]->begin());
    }
    // Reused between searches on this thread: no allocation per query once warm.
    thread_local std::vector<uint32_t> seen_in;
    thread_local uint32_t search_number = 0;
    if (seen_in.size() < s.persons.size()) seen_in.resize(s.persons.size(), 0);
    if (++search_number == 0) {
      std::fill(seen_in.begin(), seen_in.end(), 0);
      search_number = 1;
    }
    std::vector<size_t> next(count, 0);
    while (true) {
      double ceiling = 0;
      size_t walk = count;
      for (size_t p = 0; p < count; ++p) {
        if (next[p] == reach[p]) {
          walk = count;
          break;
        }
        const auto& [sim, spelling] = (*closest[p])[next[p]];
        ceiling += sim;
        if (walk == count || s.spellings[spelling].bearers.size() <
                                 s.spellings[(*closest[walk])[next[walk]].second].bearers.size())
          walk = p;
      }
      if (walk == count) break;  // a part has nothing within reach left
      if (options.limit > 0 && best.size() == options.limit &&
          ceiling / static_cast<double>(count) < best.front().score)
        break;
      for (uint32_t person : s.spellings[(*closest[walk])[next[walk]].second].bearers) {
        if (seen_in[person] == search_number) continue;
        seen_in[person] = search_number;
        consider(person);
      }
      ++next[walk];
    }
  }
  std::sort(best.begin(), best.end(), ranks_before);
  std::vector<PersonHit> hits;
  hits.reserve(best.size());
  for (const Scored& b : best) {
    const State::Person& person = s.persons[b.at];
    std::vector<std::string> names(8);
    for (size_t c = 0; c < 8; ++c)
      if (person.slots[c] >= 0) names[c] = s.spellings[static_cast<size_t>(person.slots[c])].text;
    hits.push_back({registry::format_record_id(registry::Kind::kPerson, person.num), b.score,
                    joined(names, 0), joined(names, 4), person.birth_date, person.governorate,
                    person.status});
  }
  return hits;
}

}  // namespace athar::matching
