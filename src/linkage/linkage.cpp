#include "linkage/linkage.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <thread>

#include "core/error.h"
#include "core/parallel.h"
#include "core/unicode.h"
#include "names/normalise.h"
#include "names/phonetic.h"
#include "names/similarity.h"

namespace athar::linkage {

Dataset::Dataset(std::vector<std::string> columns)
    : columns_(std::move(columns)),
      cells_(columns_.size()),
      dictionary_(columns_.size(), std::vector<std::string>{""}),
      value_ids_(columns_.size()) {}

int Dataset::column(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

size_t Dataset::add(std::string_view list, const std::vector<std::string>& values, std::string id) {
  if (values.size() != columns_.size()) {
    throw core::InputError("record " + std::to_string(size() + 1), "",
                           std::to_string(values.size()) + " values",
                           "expected " + std::to_string(columns_.size()));
  }
  auto it = std::find(list_names_.begin(), list_names_.end(), list);
  if (it == list_names_.end()) it = list_names_.insert(list_names_.end(), std::string(list));
  for (size_t c = 0; c < values.size(); ++c) {
    uint32_t value_id = 0;
    if (!values[c].empty()) {
      auto [slot, inserted] =
          value_ids_[c].try_emplace(values[c], static_cast<uint32_t>(dictionary_[c].size()));
      if (inserted) dictionary_[c].push_back(values[c]);
      value_id = slot->second;
    }
    cells_[c].push_back(value_id);
  }
  if (!id.empty() || !ids_.empty()) {
    while (ids_.size() < lists_.size()) ids_.push_back(std::to_string(ids_.size() + 1));
    ids_.push_back(id.empty() ? std::to_string(lists_.size() + 1) : std::move(id));
  }
  lists_.push_back(static_cast<uint32_t>(it - list_names_.begin()));
  return size() - 1;
}

std::string Dataset::id(size_t record) const {
  return record < ids_.size() ? ids_[record] : std::to_string(record + 1);
}

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

constexpr uint32_t kMissing = UINT32_MAX;
constexpr uint32_t kCommonName = 5;  // records holding a spelling for it to count as common

int level_count(Comparison c) {
  switch (c) {
    case Comparison::kExact:
      return 3;
    case Comparison::kName:
    case Comparison::kString:
      return 6;
    case Comparison::kDate:
      return 8;
    case Comparison::kYear:
      return 6;
    case Comparison::kIdentifier:
      return 4;
  }
  return 3;
}

std::vector<std::string> level_names(Comparison c) {
  switch (c) {
    case Comparison::kExact:
      return {"missing", "different", "same"};
    case Comparison::kName:
    case Comparison::kString:
      return {"missing",
              "different (JW < 0.70)",
              "distant (JW >= 0.70)",
              "similar (JW >= 0.85)",
              "close (JW >= 0.93)",
              "same"};
    case Comparison::kDate:
      return {"missing",
              "different (more than 3 years apart)",
              "2 or 3 years apart",
              "year's digits swapped",
              "within one year",
              "same year",
              "one typo or day/month swapped",
              "same"};
    case Comparison::kYear:
      return {"missing",
              "different (more than 3 years apart)",
              "2 or 3 years apart",
              "digits swapped",
              "within one year",
              "same"};
    case Comparison::kIdentifier:
      return {"missing", "different", "one edit apart", "same"};
  }
  return {};
}

// A mixing step (SplitMix64's finaliser) so that blocking keys spread over 64 bits.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A field prepared once for fast comparison. Values are reduced to *terms* (distinct normal
// forms): every record holds a term index, and what comparison needs is kept per term.
struct PreparedField {
  FieldRule rule;
  std::vector<uint32_t> term;  // per record; kMissing when empty
  // Per term:
  std::vector<std::u32string> normal;
  std::vector<names::PhoneticKey> phonetic;  // names only
  std::vector<uint8_t> arabic;               // names only: in Arabic script
  std::vector<int> year;                     // years and dates: -1 when none
  std::vector<double> frequency;             // share of the non-empty records holding it
  std::vector<uint32_t> count;               // records holding it
  // Names only: for a common Latin spelling, the common Arabic-script name it sounds most like
  // (Mahmoud: محمود), kMissing when it is rare or two names sound alike to it. An Arabic name
  // has many Latin spellings; a Latin spelling stands for one name.
  std::vector<uint32_t> nearest_across;
  // Share holding its blocking key: محمد, Mohamed and Muhammad are one common name, which is
  // what an agreement across scripts is weighed against.
  std::vector<double> sound_frequency;
  std::vector<double> minus_log2_frequency, minus_log2_sound_frequency;  // −log2 of the above
  unsigned levels = 0;                                                   // of its comparison
  std::vector<uint64_t> block_key;                                       // 0: cannot block
};

std::string normal_form(Comparison comparison, const std::string& raw) {
  switch (comparison) {
    case Comparison::kName:
      return names::normalise_name(raw);
    case Comparison::kString:
      return names::normalise_latin(raw);
    case Comparison::kYear:
    case Comparison::kDate: {
      std::string digits;
      for (char c : raw) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      if (comparison == Comparison::kYear && digits.size() > 4) digits.resize(4);
      return digits;
    }
    case Comparison::kExact:
    case Comparison::kIdentifier: {
      const size_t first = raw.find_first_not_of(' ');
      if (first == std::string::npos) return {};
      return raw.substr(first, raw.find_last_not_of(' ') - first + 1);
    }
  }
  return raw;
}

// Two spellings in Arabic script both common in the lists are two names, however alike: محمد
// and محمود, حسن and حسين (brothers are often named so). A typo is much rarer than the name it
// damages, so a pair of which one is at least a twentieth as common as the other is not one.
bool distinct_common_names(uint32_t x_count, uint32_t y_count) {
  const uint32_t rarer = std::min(x_count, y_count), commoner = std::max(x_count, y_count);
  return rarer >= kCommonName && 20 * uint64_t{rarer} >= commoner;
}

// For each common Latin spelling, the common Arabic-script name it sounds clearly most like
// (PreparedField::nearest_across). An Arabic spelling counts as a name when it is common and not
// a typo of a far commoner one. Skipped (all kMissing) for fields of very many common values,
// such as family names at national scale, where the cost would be quadratic.
std::vector<uint32_t> nearest_common_names(const PreparedField& f) {
  constexpr double kMargin = 0.02;
  constexpr size_t kMostNames = 3000;
  std::vector<uint32_t> nearest(f.normal.size(), kMissing);
  std::vector<uint32_t> latin, arabic;
  for (uint32_t t = 0; t < f.normal.size(); ++t) {
    if (f.count[t] >= kCommonName) (f.arabic[t] ? arabic : latin).push_back(t);
  }
  if (arabic.size() > kMostNames || latin.size() > kMostNames) return nearest;
  std::vector<uint32_t> arabic_names;
  for (uint32_t a : arabic) {
    bool typo = false;
    for (uint32_t b : arabic) {
      if (f.count[b] > f.count[a] && !distinct_common_names(f.count[a], f.count[b]) &&
          names::jaro_winkler(f.normal[a], f.normal[b]) >= 0.85) {
        typo = true;
        break;
      }
    }
    if (!typo) arabic_names.push_back(a);
  }
  for (uint32_t t : latin) {
    double best = 0, second = 0;
    uint32_t best_name = kMissing;
    for (uint32_t a : arabic_names) {
      const double s = names::phonetic_similarity(f.phonetic[t], f.phonetic[a]);
      if (s > best) {
        second = best;
        best = s;
        best_name = a;
      } else {
        second = std::max(second, s);
      }
    }
    if (best - second >= kMargin) nearest[t] = best_name;
  }
  return nearest;
}

PreparedField prepare_field(const Dataset& data, const FieldRule& rule) {
  const int column = data.column(rule.name);
  if (column < 0)
    throw core::InputError("linkage configuration", "fields", rule.name, "no such column");
  PreparedField f;
  f.rule = rule;
  f.levels = static_cast<unsigned>(level_count(rule.comparison));
  // Normalise each distinct raw value once.
  const auto& values = data.distinct_values(static_cast<size_t>(column));
  std::vector<uint32_t> term_of_value(values.size(), kMissing);
  std::unordered_map<std::u32string, uint32_t> terms;
  // Per term, its fullest spelling: the normal form merges Mahmoud and Mahmud, and the sound of
  // a name across scripts is read from the spelling that keeps its long vowels.
  std::vector<size_t> fullest;
  std::vector<std::string> normals;
  for (size_t v = 1; v < values.size(); ++v) {
    std::string normal = normal_form(rule.comparison, values[v]);
    if (normal.empty()) continue;
    auto [it, inserted] =
        terms.try_emplace(core::to_utf32(normal), static_cast<uint32_t>(f.normal.size()));
    term_of_value[v] = it->second;
    if (!inserted) {
      const std::string& held = values[fullest[it->second]];
      if (values[v].size() > held.size() || (values[v].size() == held.size() && values[v] < held))
        fullest[it->second] = v;
      continue;
    }
    f.normal.push_back(it->first);
    fullest.push_back(v);
    normals.push_back(std::move(normal));
  }
  for (size_t t = 0; t < f.normal.size(); ++t) {
    const std::string& normal = normals[t];
    std::string key = normal;
    if (rule.comparison == Comparison::kName) {
      f.arabic.push_back(names::has_arabic_letters(normal) ? 1 : 0);
      f.phonetic.emplace_back();
      names::phonetic_key(normal, f.phonetic.back());
      // Blocks on the normal form's skeleton, as before; compares the fullest spelling's sound.
      // A final H is left out of the key: Latin spellings add or drop it where Arabic has a
      // taa marbuta or the ه of Allah (Fatimah فاطمة, Abdallah عبد الله, Abdalla), and keep it
      // for a final ح (Saleh صالح, Salah صلاح): the block must hold all of them.
      std::u32string block = f.phonetic.back().skeleton;
      if (block.size() > 1 && block.back() == U'H') block.pop_back();
      if (!block.empty()) key = core::to_utf8(block);
      if (!f.arabic.back()) names::phonetic_key(values[fullest[t]], f.phonetic.back());
    }
    int year = -1;
    if ((rule.comparison == Comparison::kYear || rule.comparison == Comparison::kDate) &&
        normal.size() >= 4) {
      year = std::stoi(normal.substr(0, 4));
    }
    f.year.push_back(year);
    // One key space for every field, so that "given|family" meets a name in either place.
    f.block_key.push_back(mix(std::hash<std::string>{}(key)) | 1);
  }
  f.term.resize(data.size());
  std::vector<uint64_t> counts(f.normal.size(), 0);
  std::unordered_map<uint64_t, uint64_t> key_counts;
  size_t non_empty = 0;
  for (size_t r = 0; r < data.size(); ++r) {
    const uint32_t t = term_of_value[data.value_id(r, static_cast<size_t>(column))];
    f.term[r] = t;
    if (t == kMissing) continue;
    ++counts[t];
    ++key_counts[f.block_key[t]];
    ++non_empty;
  }
  const double total = static_cast<double>(std::max<size_t>(non_empty, 1));
  f.frequency.resize(f.normal.size());
  f.count.assign(counts.begin(), counts.end());
  f.sound_frequency.resize(f.normal.size());
  for (size_t t = 0; t < f.normal.size(); ++t) {
    f.frequency[t] = static_cast<double>(counts[t]) / total;
    f.sound_frequency[t] = static_cast<double>(key_counts[f.block_key[t]]) / total;
    f.minus_log2_frequency.push_back(-std::log2(std::max(f.frequency[t], 1e-9)));
    f.minus_log2_sound_frequency.push_back(-std::log2(std::max(f.sound_frequency[t], 1e-9)));
  }
  if (rule.comparison == Comparison::kName) f.nearest_across = nearest_common_names(f);
  return f;
}

// Two neighbouring characters swapped, nothing else different.
bool neighbours_swapped(const std::u32string& p, const std::u32string& q) {
  if (p.size() != q.size()) return false;
  size_t first = p.size(), differences = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == q[i]) continue;
    if (++differences == 1) first = i;
  }
  return differences == 2 && first + 1 < p.size() && p[first] == q[first + 1] &&
         p[first + 1] == q[first];
}

// Compares term x of field f with term y of field g (the same field, or its swappable partner);
// both fields have f's comparison.
uint8_t compare_terms(const PreparedField& f, uint32_t x, const PreparedField& g, uint32_t y) {
  if (x == kMissing || y == kMissing) return 0;
  const std::u32string& p = f.normal[x];
  const std::u32string& q = g.normal[y];
  const bool same = &f == &g ? x == y : p == q;
  switch (f.rule.comparison) {
    case Comparison::kExact:
      return same ? 2 : 1;
    case Comparison::kName:
      if (!same && f.arabic[x] && g.arabic[y] && distinct_common_names(f.count[x], g.count[y]))
        return 1;
      if (f.arabic[x] != g.arabic[y]) {
        // A common spelling in one script stands for the common name of the other it sounds
        // most like: Mahmoud is محمود, not محمد, however close their sounds.
        // Across scripts there is no identical spelling: a sound match counts as the same name.
        const double s = names::phonetic_similarity(f.phonetic[x], g.phonetic[y]);
        const uint32_t latin = f.arabic[x] ? y : x, arabic = f.arabic[x] ? x : y;
        if (&f == &g && f.count[arabic] >= kCommonName && f.nearest_across[latin] != kMissing &&
            f.nearest_across[latin] != arabic &&
            names::phonetic_similarity(f.phonetic[latin], f.phonetic[f.nearest_across[latin]]) >=
                s + 0.02)
          return 1;
        return s >= 0.95 ? 5 : s >= 0.85 ? 4 : s >= 0.75 ? 3 : s >= 0.6 ? 2 : 1;
      }
      [[fallthrough]];
    case Comparison::kString: {
      if (same) return 5;
      const double s = names::jaro_winkler(p, q);
      return s >= 0.93 ? 4 : s >= 0.85 ? 3 : s >= 0.70 ? 2 : 1;
    }
    case Comparison::kYear: {
      if (f.year[x] < 0 || g.year[y] < 0) return 0;
      const int d = std::abs(f.year[x] - g.year[y]);
      if (d <= 1) return d == 0 ? 5 : 4;
      if (d <= 3) return 2;
      // 1958 for 1985. One digit changed is no sign of a typo: any two years of a decade are.
      return neighbours_swapped(p, q) ? 3 : 1;
    }
    case Comparison::kDate: {
      if (f.year[x] < 0 || g.year[y] < 0) return 0;
      if (same && p.size() == 8) return 7;
      if (p.size() == 8 && q.size() == 8) {
        if (p.compare(0, 4, q, 0, 4) == 0 && p.compare(4, 2, q, 6, 2) == 0 &&
            p.compare(6, 2, q, 4, 2) == 0) {
          return 6;  // day and month swapped
        }
        if (names::damerau_levenshtein(p, q) <= 1) return 6;
      }
      const int d = std::abs(f.year[x] - g.year[y]);
      if (d == 0) return 5;  // the days differ, or only the year is known
      if (d == 1) return 4;
      if (d <= 3) return 2;
      return neighbours_swapped(p.substr(0, 4), q.substr(0, 4)) ? 3 : 1;
    }
    case Comparison::kIdentifier:
      if (same) return 3;
      return names::damerau_levenshtein(p, q) <= 1 ? 2 : 1;
  }
  return 1;
}

// Recent comparisons of two terms, per field and thread: names repeat (Zipf), so most pairs of
// spellings meet again and again. Direct-mapped; a miss just compares.
class ComparisonCache {
 public:
  explicit ComparisonCache(size_t fields) : keys_(fields << kBits, 0), levels_(fields << kBits) {}
  template <class Compare>
  uint8_t get(size_t field, uint32_t x, uint32_t y, Compare compare) {
    const uint64_t key = (uint64_t{x} << 32 | y) + 1;  // never 0, the empty slot
    const size_t slot = (field << kBits) | (mix(key) & ((size_t{1} << kBits) - 1));
    if (keys_[slot] != key) {
      keys_[slot] = key;
      levels_[slot] = compare();
    }
    return levels_[slot];
  }

 private:
  static constexpr size_t kBits = 18;
  std::vector<uint64_t> keys_;
  std::vector<uint8_t> levels_;
};

struct Prepared {
  std::vector<PreparedField> fields;
  std::vector<std::pair<size_t, size_t>> swappable;
  // A joint group (LinkageConfig::joint_groups): its fields, and per record −log2 of the share
  // of records holding its combination of sounds (0 where a part is missing).
  struct JointGroup {
    std::vector<size_t> fields;
    uint32_t mask = 0;
    bool lineage = false;  // every field one that relatives share (LinkageConfig::relatives_share)
    std::vector<float> minus_log2_frequency;
  };
  std::vector<JointGroup> groups;
  std::vector<size_t> apart_within_list;  // fields
  // Each record's terms, field after field: a pair's comparison reads one cache line per record.
  std::vector<uint32_t> record_terms;
  uint32_t term(uint32_t record, size_t field) const {
    return record_terms[record * fields.size() + field];
  }

  size_t field_index(const std::string& name, const char* setting) const {
    for (size_t f = 0; f < fields.size(); ++f) {
      if (fields[f].rule.name == name) return f;
    }
    throw core::InputError("linkage configuration", setting, name, "is not a compared field");
  }

  // Every field's level for a pair. Name parts written in each other's place (given and family
  // name swapped) are compared crosswise when that agrees better.
  void levels_of(uint32_t a, uint32_t b, uint8_t* levels, ComparisonCache* cache) const {
    for (size_t f = 0; f < fields.size(); ++f) {
      const PreparedField& field = fields[f];
      uint32_t x = term(a, f), y = term(b, f);
      if (!field.rule.compared) {
        levels[f] = 0;
        continue;
      }
      if (!cache || x == y || x == kMissing || y == kMissing ||
          field.rule.comparison == Comparison::kYear ||
          field.rule.comparison == Comparison::kExact) {
        levels[f] = compare_terms(field, x, field, y);
        continue;
      }
      if (x > y) std::swap(x, y);  // every comparison is symmetric
      levels[f] = cache->get(f, x, y, [&] { return compare_terms(field, x, field, y); });
    }
    for (const auto& [x, y] : swappable) {
      if (levels[x] == 0 || levels[y] == 0 || levels[x] > 2 || levels[y] > 2) continue;
      const uint8_t xy = compare_terms(fields[x], term(a, x), fields[y], term(b, y));
      const uint8_t yx = compare_terms(fields[y], term(a, y), fields[x], term(b, x));
      if (xy >= 3 && yx >= 3) {
        levels[x] = xy;
        levels[y] = yx;
      }
    }
  }

  uint64_t pattern_of(uint32_t a, uint32_t b, ComparisonCache* cache) const {
    uint8_t levels[16];
    levels_of(a, b, levels, cache);
    uint64_t p = 0;
    for (size_t f = 0; f < fields.size(); ++f) p |= uint64_t{levels[f]} << (4 * f);
    return p;
  }

  // A model's weights laid out for scoring: log2(m/u) per field and level, and for agreement on
  // a term weighed by its frequency, log2(m) to which −log2(frequency) is added. No logarithm
  // is taken per pair.
  struct Weights {
    std::vector<std::array<double, 8>> level;
    // log2(m/k), k the level's probability among relatives: what a field weighs once the pair is
    // known to share a lineage (the model's `kin`; the u weight where none was estimated).
    std::vector<std::array<double, 8>> among_relatives;
    std::vector<double> log2_m_top;
  };
  Weights weights_of(const Model& model) const {
    Weights w;
    for (size_t f = 0; f < fields.size(); ++f) {
      const FieldModel& fm = model.fields[f];
      std::array<double, 8> levels{};
      for (size_t l = 1; l < fm.m.size(); ++l) levels[l] = std::log2(fm.m[l] / fm.u[l]);
      w.level.push_back(levels);
      if (fm.kin.size() == fm.m.size()) {
        for (size_t l = 1; l < fm.m.size(); ++l) levels[l] = std::log2(fm.m[l] / fm.kin[l]);
      }
      w.among_relatives.push_back(levels);
      w.log2_m_top.push_back(std::log2(fm.m.back()));
    }
    return w;
  }

  // The pair's weight without the prior: the sum of the fields' log2(m/u), joint groups capped.
  double evidence(const Weights& weights, uint32_t a, uint32_t b, double* explanation,
                  ComparisonCache* cache) const {
    uint8_t levels[16];
    double field_weight[16];
    levels_of(a, b, levels, cache);
    for (size_t f = 0; f < fields.size(); ++f) {
      const uint8_t level = levels[f];
      const PreparedField& field = fields[f];
      double fw = weights.level[f][level];
      // Term frequency: agreeing on a value that a share p of the records hold happens by chance
      // with probability about p, not the field's average.
      if (field.rule.term_frequencies && level + 1u == field.levels) {
        const uint32_t x = term(a, f);
        const bool across_scripts = field.rule.comparison == Comparison::kName &&
                                    field.arabic[x] != field.arabic[term(b, f)];
        fw = weights.log2_m_top[f] +
             (across_scripts ? field.minus_log2_sound_frequency[x] : field.minus_log2_frequency[x]);
      }
      field_weight[f] = fw;
    }
    uint32_t covered = 0;
    bool lineage = false;
    for (const JointGroup& g : groups) {
      if (g.mask & covered) continue;
      double sum = 0, cap = 0;
      bool all_agree = true;
      for (size_t f : g.fields) {
        all_agree = all_agree && agrees(f, levels[f]);
        sum += field_weight[f];
        cap += weights.log2_m_top[f];
      }
      if (!all_agree) continue;
      covered |= g.mask;
      lineage = lineage || g.lineage;
      cap += std::min(g.minus_log2_frequency[a], g.minus_log2_frequency[b]);
      if (sum <= cap) continue;
      // The group's weight is the cap, shared among its fields as they weighed.
      const double n = static_cast<double>(g.fields.size());
      for (size_t f : g.fields)
        field_weight[f] = cap > 0 && sum > 0 ? field_weight[f] * cap / sum : cap / n;
    }
    // A pair sharing a lineage is one person or two relatives (strangers rarely share it): the
    // other fields weigh one against the other.
    if (lineage) {
      for (size_t f = 0; f < fields.size(); ++f) {
        if (!(covered >> f & 1) && levels[f] != 0)
          field_weight[f] = weights.among_relatives[f][levels[f]];
      }
    }
    double w = 0;
    for (size_t f = 0; f < fields.size(); ++f) {
      w += field_weight[f];
      if (explanation) explanation[f] = field_weight[f];
    }
    return w;
  }

  // Agreement for a joint group: the same value, or for names a close spelling (a typo).
  bool agrees(size_t f, uint8_t level) const {
    const unsigned top = fields[f].levels - 1;
    return level == top || (fields[f].rule.comparison == Comparison::kName && level + 1u == top);
  }

  // Two records of one list that differ on every apart_within_list field.
  bool apart(uint32_t a, uint32_t b) const {
    if (apart_within_list.empty()) return false;
    for (size_t f : apart_within_list) {
      const PreparedField& field = fields[f];
      const uint8_t level = compare_terms(field, term(a, f), field, term(b, f));
      if (level == 0 || 2u * level >= field.levels) return false;
    }
    return true;
  }
};

Prepared prepare(const Dataset& data, const LinkageConfig& config) {
  if (config.fields.empty() || config.fields.size() > 16) {
    throw core::InputError("linkage configuration", "fields", std::to_string(config.fields.size()),
                           "1 to 16 fields");
  }
  Prepared p;
  for (const FieldRule& rule : config.fields) p.fields.push_back(prepare_field(data, rule));
  for (const auto& [x, y] : config.swappable) {
    const size_t i = p.field_index(x, "swappable"), j = p.field_index(y, "swappable");
    if (p.fields[i].rule.comparison != p.fields[j].rule.comparison) {
      throw core::InputError("linkage configuration", "swappable", x + "/" + y,
                             "are compared differently");
    }
    p.swappable.emplace_back(i, j);
  }
  const size_t n = data.size(), count = p.fields.size();
  uint32_t relatives = 0;
  for (const std::string& name : config.relatives_share)
    relatives |= 1u << p.field_index(name, "relatives_share");
  for (const std::vector<std::string>& names : config.joint_groups) {
    Prepared::JointGroup g;
    for (const std::string& name : names) {
      const size_t f = p.field_index(name, "joint_groups");
      g.fields.push_back(f);
      g.mask |= 1u << f;
    }
    g.lineage = relatives != 0 && (g.mask & ~relatives) == 0;
    if (g.fields.size() < 2) {
      throw core::InputError("linkage configuration", "joint_groups",
                             std::to_string(g.fields.size()), "a group joins two fields or more");
    }
    // The combination of the parts' sounds (ordered: a father's name is not a family name).
    std::vector<uint64_t> keys(n, 0);
    std::unordered_map<uint64_t, uint32_t> counts;
    size_t complete = 0;
    for (size_t r = 0; r < n; ++r) {
      uint64_t key = 0x51ed270b27a3c9f1ULL;
      for (size_t f : g.fields) {
        const uint32_t t = p.fields[f].term[r];
        if (t == kMissing) {
          key = 0;
          break;
        }
        key = mix(key ^ p.fields[f].block_key[t]);
      }
      keys[r] = key;
      if (key) {
        ++counts[key];
        ++complete;
      }
    }
    g.minus_log2_frequency.resize(n, 0.0f);
    for (size_t r = 0; r < n; ++r) {
      if (keys[r]) {
        // The records other than the pair holding it (leave the pair out: its own two are not
        // chance agreement), at least half a record.
        const double others = std::max<double>(counts[keys[r]] - 2.0, 0.5);
        g.minus_log2_frequency[r] =
            static_cast<float>(-std::log2(others / static_cast<double>(complete)));
      }
    }
    p.groups.push_back(std::move(g));
  }
  for (const std::string& name : config.apart_within_list)
    p.apart_within_list.push_back(p.field_index(name, "apart_within_list"));
  p.record_terms.resize(n * count);
  for (size_t f = 0; f < count; ++f) {
    for (size_t r = 0; r < n; ++r) p.record_terms[r * count + f] = p.fields[f].term[r];
    std::vector<uint32_t>().swap(p.fields[f].term);
  }
  return p;
}

double logit2(double p) { return std::log2(p / (1 - p)); }
double probability_of(double weight) { return 1.0 / (1.0 + std::exp2(-weight)); }

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t from = 0;
  while (true) {
    const size_t at = text.find(separator, from);
    out.push_back(text.substr(from, at == std::string::npos ? at : at - from));
    if (at == std::string::npos) return out;
    from = at + 1;
  }
}

// Candidate pairs of every blocking rule. Each record has, per rule, up to `stride` keys (one
// per choice among the rule's "a|b" alternatives; 0 where a field is empty). Records are sorted
// by key one rule at a time and pairs are produced block by block, never stored.
class Blocker {
 public:
  struct Rule {
    // Per part, its alternatives; an alternative is one field or several taken in any order.
    std::vector<std::vector<std::vector<size_t>>> parts;
    uint32_t field_mask = 0;    // every field the rule blocks on
    size_t max_block_size = 0;  // 0: the configuration's
    size_t stride = 1;
    std::vector<uint64_t> keys;  // [record * stride + k], until every rule is made
    size_t offset = 0;           // of its keys in a record's row of keys_
  };

  Blocker(const Dataset& data, const LinkageConfig& config, const Prepared& prepared)
      : data_(data), config_(config) {
    if (config.blocking.empty())
      throw core::InputError("linkage configuration", "blocking", "", "at least one rule");
    for (const BlockingRule& spec : config.blocking) {
      Rule rule;
      rule.max_block_size = spec.max_block_size;
      for (const std::string& part : spec.fields) {
        std::vector<std::vector<size_t>> alternatives;
        for (const std::string& alternative : split(part, '|')) {
          std::vector<size_t> together;
          for (const std::string& name : split(alternative, '+')) {
            const size_t f = prepared.field_index(name, "blocking");
            together.push_back(f);
            rule.field_mask |= 1u << f;
            const std::string& part_of = prepared.fields[f].rule.part_of;
            if (!part_of.empty()) rule.field_mask |= 1u << prepared.field_index(part_of, "part_of");
          }
          alternatives.push_back(std::move(together));
        }
        rule.stride *= alternatives.size();
        rule.parts.push_back(std::move(alternatives));
      }
      if (rule.parts.empty() || rule.stride > 16) {
        throw core::InputError("linkage configuration", "blocking", "",
                               "a rule needs 1 or more fields and at most 16 key choices");
      }
      rule.keys.assign(data.size() * rule.stride, 0);
      for (size_t r = 0; r < data.size(); ++r) {
        uint64_t* keys = &rule.keys[r * rule.stride];
        for (size_t k = 0; k < rule.stride; ++k) {
          uint64_t key = 0x9e3779b97f4a7c15ULL;
          size_t choice = k;
          for (const auto& alternatives : rule.parts) {
            const std::vector<size_t>& together = alternatives[choice % alternatives.size()];
            choice /= alternatives.size();
            uint64_t part_key = 0;  // a sum: the same whatever the order of the fields
            for (size_t f : together) {
              const uint32_t t = prepared.term(static_cast<uint32_t>(r), f);
              if (t == kMissing || prepared.fields[f].block_key[t] == 0) {
                part_key = 0;
                break;
              }
              part_key += mix(prepared.fields[f].block_key[t]);
            }
            if (part_key == 0) {
              key = 0;
              break;
            }
            key = mix(key ^ part_key);
          }
          if (key) key |= 1;  // never 0, which means "no key"
          // A record's keys are distinct, so that it appears once per block.
          for (size_t j = 0; j < k && key; ++j) {
            if (keys[j] == key) key = 0;
          }
          keys[k] = key;
        }
      }
      rules_.push_back(std::move(rule));
    }
    // Every rule's keys of a record side by side: checking whether an earlier rule proposed a
    // pair then reads one or two cache lines per record.
    for (Rule& rule : rules_) {
      rule.offset = stride_;
      stride_ += rule.stride;
    }
    keys_.resize(data.size() * stride_);
    for (Rule& rule : rules_) {
      for (size_t r = 0; r < data.size(); ++r) {
        std::copy_n(&rule.keys[r * rule.stride], rule.stride, &keys_[r * stride_ + rule.offset]);
      }
    }
    for (Rule& rule : rules_) std::vector<uint64_t>().swap(rule.keys);
  }

  const std::vector<Rule>& rules() const { return rules_; }

  // A rule's blocks of two records or more: their records, block after block. Singletons and
  // keys are not kept, so that the blocks of every rule fit in memory at once.
  struct Blocks {
    struct Span {
      uint32_t begin, end;  // into records
      uint64_t key;
    };
    std::vector<uint32_t> records;
    std::vector<Span> spans;
    uint64_t skipped = 0;
    uint64_t pairs = 0;  // pairs within the spans (before the list and repeat checks)
  };

  // Also forgets the keys of the blocks it skips: a pair that met only in a skipped block was
  // proposed by no rule, so a later rule must not take it for one an earlier rule proposed.
  Blocks blocks_of(size_t rule_index) {
    const Rule& rule = rules_[rule_index];
    std::vector<std::pair<uint64_t, uint32_t>> entries;  // (key, record)
    size_t count = 0;
    for (size_t i = 0; i < data_.size(); ++i) {
      for (size_t k = 0; k < rule.stride; ++k)
        count += keys_[i * stride_ + rule.offset + k] ? 1 : 0;
    }
    entries.reserve(count);
    for (uint32_t r = 0; r < data_.size(); ++r) {
      for (size_t k = 0; k < rule.stride; ++k) {
        const uint64_t key = keys_[r * stride_ + rule.offset + k];
        if (key) entries.emplace_back(key, r);
      }
    }
    std::sort(entries.begin(), entries.end());
    Blocks b;
    size_t start = 0;
    while (start < entries.size()) {
      size_t end = start + 1;
      while (end < entries.size() && entries[end].first == entries[start].first) ++end;
      const size_t size = end - start;
      if (size > (rule.max_block_size ? rule.max_block_size : config_.max_block_size)) {
        ++b.skipped;
        for (size_t i = start; i < end; ++i) {
          uint64_t* keys = &keys_[size_t{entries[i].second} * stride_ + rule.offset];
          std::replace(keys, keys + rule.stride, entries[i].first, uint64_t{0});
        }
      } else if (size > 1) {
        const auto begin = static_cast<uint32_t>(b.records.size());
        for (size_t i = start; i < end; ++i) b.records.push_back(entries[i].second);
        b.spans.push_back({begin, static_cast<uint32_t>(b.records.size()), entries[start].first});
        b.pairs += size * (size - 1) / 2;
      }
      start = end;
    }
    b.records.shrink_to_fit();
    b.spans.shrink_to_fit();
    return b;
  }

  // Calls visit(a, b) for every pair of a block that this rule is the first to propose (or,
  // with `repeats`, every pair of the block: training sees each rule's blocks whole).
  template <class Visit>
  void pairs_of_block(size_t rule_index, const Blocks& b, size_t span, bool repeats,
                      Visit&& visit) const {
    const auto [begin, end, key] = b.spans[span];
    for (uint32_t i = begin; i < end; ++i) {
      const uint32_t x = b.records[i];
      for (uint32_t j = i + 1; j < end; ++j) {
        const uint32_t y = b.records[j];
        if (config_.link_only_across_lists && data_.list(x) == data_.list(y)) continue;
        if (!first_shared_key(rule_index, x, y, key)) continue;
        if (!repeats && blocked_earlier(rule_index, x, y)) continue;
        visit(x, y);
      }
    }
  }

 private:
  bool share_key(const Rule& rule, uint32_t a, uint32_t b) const {
    const uint64_t* ka = &keys_[a * stride_ + rule.offset];
    const uint64_t* kb = &keys_[b * stride_ + rule.offset];
    for (size_t i = 0; i < rule.stride; ++i) {
      if (!ka[i]) continue;
      for (size_t j = 0; j < rule.stride; ++j) {
        if (ka[i] == kb[j]) return true;
      }
    }
    return false;
  }
  // Two records sharing several keys of one rule meet in several blocks: only the block of the
  // smallest shared key pairs them.
  bool first_shared_key(size_t rule_index, uint32_t a, uint32_t b, uint64_t key) const {
    const Rule& rule = rules_[rule_index];
    if (rule.stride == 1) return true;
    const uint64_t* ka = &keys_[a * stride_ + rule.offset];
    const uint64_t* kb = &keys_[b * stride_ + rule.offset];
    for (size_t i = 0; i < rule.stride; ++i) {
      if (!ka[i] || ka[i] >= key) continue;
      for (size_t j = 0; j < rule.stride; ++j) {
        if (ka[i] == kb[j]) return false;
      }
    }
    return true;
  }
  bool blocked_earlier(size_t rule_index, uint32_t a, uint32_t b) const {
    for (size_t k = 0; k < rule_index; ++k) {
      if (share_key(rules_[k], a, b)) return true;
    }
    return false;
  }

  const Dataset& data_;
  const LinkageConfig& config_;
  std::vector<Rule> rules_;
  size_t stride_ = 0;           // keys per record, all rules
  std::vector<uint64_t> keys_;  // [record * stride_ + rule.offset + k]
};

constexpr double kMinimumM = 1e-3;

uint8_t level_in(uint64_t pattern, size_t field) { return (pattern >> (4 * field)) & 15; }

using PatternCounts = std::unordered_map<uint64_t, uint64_t>;

// u from random pairs, with add-one smoothing; m starts with agreement likelier among matches.
Model starting_model(const Dataset& data, const LinkageConfig& config, const Prepared& p,
                     unsigned threads) {
  const size_t n = data.size();
  const size_t samples = std::min<size_t>(config.u_sample_pairs, n * (n - 1) / 2);
  constexpr size_t kChunks = 64;  // fixed, so that the sample does not depend on the threads
  std::vector<std::vector<std::vector<double>>> counts(
      threads, std::vector<std::vector<double>>(p.fields.size()));
  for (auto& per_thread : counts) {
    for (size_t f = 0; f < p.fields.size(); ++f)
      per_thread[f].assign(static_cast<size_t>(level_count(p.fields[f].rule.comparison)), 0.0);
  }
  core::parallel_chunks(threads, kChunks, [&](unsigned thread, size_t chunk) {
    std::mt19937_64 rng(mix(config.seed * kChunks + chunk));
    std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(n - 1));
    uint8_t levels[16];
    for (size_t s = chunk; s < samples; s += kChunks) {
      const uint32_t a = pick(rng), b = pick(rng);
      if (a == b || (config.link_only_across_lists && data.list(a) == data.list(b))) continue;
      p.levels_of(a, b, levels, nullptr);
      for (size_t f = 0; f < p.fields.size(); ++f) counts[thread][f][levels[f]] += 1;
    }
  });
  Model model;
  for (size_t f = 0; f < p.fields.size(); ++f) {
    FieldModel fm;
    fm.name = p.fields[f].rule.name;
    fm.compared = p.fields[f].rule.compared;
    fm.level_names = level_names(p.fields[f].rule.comparison);
    const size_t levels = fm.level_names.size();
    std::vector<double> u_counts(levels, 1.0);
    for (const auto& per_thread : counts) {
      for (size_t l = 0; l < levels; ++l) u_counts[l] += per_thread[f][l];
    }
    double total = 0;
    for (size_t l = 1; l < levels; ++l) total += u_counts[l];
    fm.u.assign(levels, 0);
    fm.m.assign(levels, 0);
    double m_total = 0;
    for (size_t l = 1; l < levels; ++l) {
      fm.u[l] = u_counts[l] / total;
      fm.m[l] = std::pow(4.0, static_cast<double>(l));
      m_total += fm.m[l];
    }
    for (double& m : fm.m) m /= m_total;
    model.fields.push_back(std::move(fm));
  }
  return model;
}

// m by EM with u fixed, once per blocking rule over that rule's pairs, leaving out the fields the
// rule blocks on (their agreement there is forced, not evidence); each field's m is the mean over
// the rules that do not block on it (as Splink trains). Runs over distinct comparison patterns
// with their counts.
// m by EM over each rule's patterns, u fixed. With `relatives` (fields that brothers, sisters and
// cousins share), a third class beside matches and non-matches takes the pairs of relatives
// that family-name blocks are full of: they agree on those fields and not on the given name or
// the birth, and taken for matches they would teach the model that one person's given name
// often differs (docs/linkage.md, "Families"). Only the match class's m is kept.
void estimate_m(Model& model, const LinkageConfig& config, size_t field_count,
                const std::vector<PatternCounts>& patterns, const std::vector<uint32_t>& masks,
                uint32_t relatives) {
  const std::vector<FieldModel> start = model.fields;
  std::vector<std::vector<double>> m_total(field_count), kin_total(field_count);
  std::vector<int> m_runs(field_count, 0), kin_runs(field_count, 0);
  for (size_t f = 0; f < field_count; ++f) {
    m_total[f].assign(start[f].m.size(), 0.0);
    kin_total[f].assign(start[f].m.size(), 0.0);
  }
  // No level is impossible for a class (a floor of 1/1000): one unexpected disagreement must
  // not veto a pair. Returns the largest change.
  const auto normalise_into = [](const std::vector<double>& sums, std::vector<double>& into) {
    double sum = 0, floored = 0, change = 0;
    for (size_t l = 1; l < sums.size(); ++l) sum += sums[l];
    std::vector<double> next(sums.size(), 0.0);
    for (size_t l = 1; l < sums.size(); ++l) {
      next[l] = std::max(sums[l] / std::max(sum, 1e-300), kMinimumM);
      floored += next[l];
    }
    for (size_t l = 1; l < next.size(); ++l) {
      change = std::max(change, std::abs(next[l] / floored - into[l]));
      into[l] = next[l] / floored;
    }
    return change;
  };
  for (size_t rule = 0; rule < patterns.size(); ++rule) {
    const uint32_t blocked = masks[rule];
    std::vector<FieldModel> fm = start;
    // The relatives' class starts agreeing like matches on what relatives share, like strangers
    // on the rest.
    std::vector<std::vector<double>> kin(field_count);
    for (size_t f = 0; f < field_count; ++f)
      kin[f] = (relatives >> f & 1) ? start[f].m : start[f].u;
    // Relatives fill the blocks of rules on two fields or more that they share (father and
    // family name); elsewhere they are too few for a class of their own.
    const bool with_kin = std::popcount(relatives & blocked) >= 2 && (relatives & ~blocked) != 0;
    double prior = 0.1, kin_prior = with_kin ? 0.1 : 0.0;
    // Sorted, so that the sums (and the model) do not depend on how threads met the patterns.
    std::vector<std::pair<uint64_t, uint64_t>> distinct(patterns[rule].begin(),
                                                        patterns[rule].end());
    std::sort(distinct.begin(), distinct.end());
    double rule_pairs = 0;
    for (const auto& [pattern, count] : distinct) rule_pairs += static_cast<double>(count);
    if (rule_pairs == 0) continue;
    std::vector<std::vector<double>> m_sum(field_count), kin_sum(field_count);
    for (int it = 0; it < config.em_iterations; ++it) {
      double matches = 0, kin_pairs = 0;
      for (size_t f = 0; f < field_count; ++f) {
        m_sum[f].assign(fm[f].m.size(), 0.0);
        kin_sum[f].assign(fm[f].m.size(), 0.0);
      }
      for (const auto& [pattern, count] : distinct) {
        double lm = prior, lk = kin_prior, lu = 1 - prior - kin_prior;
        for (size_t f = 0; f < field_count; ++f) {
          const uint8_t l = level_in(pattern, f);
          if (l == 0 || (blocked >> f & 1)) continue;
          lm *= fm[f].m[l];
          lk *= kin[f][l];
          lu *= fm[f].u[l];
        }
        const double total = lm + lk + lu;
        const double g = lm / total * static_cast<double>(count);
        const double h = lk / total * static_cast<double>(count);
        matches += g;
        kin_pairs += h;
        for (size_t f = 0; f < field_count; ++f) {
          m_sum[f][level_in(pattern, f)] += g;
          kin_sum[f][level_in(pattern, f)] += h;
        }
      }
      const double new_prior = std::clamp(matches / rule_pairs, 1e-9, 1 - 1e-9);
      double change = std::abs(new_prior - prior);
      prior = new_prior;
      if (with_kin) {
        const double new_kin = std::clamp(kin_pairs / rule_pairs, 1e-9, 1 - prior - 1e-9);
        change = std::max(change, std::abs(new_kin - kin_prior));
        kin_prior = new_kin;
      }
      for (size_t f = 0; f < field_count; ++f) {
        if (blocked >> f & 1) continue;
        change = std::max(change, normalise_into(m_sum[f], fm[f].m));
        if (with_kin) change = std::max(change, normalise_into(kin_sum[f], kin[f]));
      }
      model.iterations = std::max(model.iterations, it + 1);
      if (change < 1e-7) break;
    }
    for (size_t f = 0; f < field_count; ++f) {
      if (blocked >> f & 1) continue;
      if (with_kin) {
        for (size_t l = 1; l < kin[f].size(); ++l) kin_total[f][l] += kin[f][l];
        ++kin_runs[f];
      }
      // Among matches, full agreement must be likelier than disagreement; a rule whose EM says
      // otherwise has found some other structure in its blocks (relatives sharing names, or a
      // field that follows from a blocked one, as sex from the given name) and is not used.
      if (fm[f].m.back() < fm[f].m[1]) {
        ++model.implausible_estimates;
        continue;
      }
      for (size_t l = 1; l < fm[f].m.size(); ++l) m_total[f][l] += fm[f].m[l];
      ++m_runs[f];
    }
  }
  for (size_t f = 0; f < field_count; ++f) {
    if (kin_runs[f] > 0) {
      model.fields[f].kin.assign(kin_total[f].size(), 0.0);
      for (size_t l = 1; l < kin_total[f].size(); ++l)
        model.fields[f].kin[l] = kin_total[f][l] / kin_runs[f];
    }
    if (m_runs[f] == 0) continue;  // blocked on by every rule: keep the starting m
    for (size_t l = 1; l < m_total[f].size(); ++l) model.fields[f].m[l] = m_total[f][l] / m_runs[f];
  }
}

// Candidate evidence (weight without the prior) in bins of 1/32 bit, for λ.
constexpr double kBinsPerBit = 32;
constexpr int kBinLimit = 96;  // bits either side
constexpr size_t kBins = static_cast<size_t>(2 * kBinLimit * kBinsPerBit);
size_t bin_of(double w) {
  const double x = std::clamp((w + kBinLimit) * kBinsPerBit, 0.0, static_cast<double>(kBins - 1));
  return static_cast<size_t>(x);
}
double weight_of_bin(size_t bin) {
  return (static_cast<double>(bin) + 0.5) / kBinsPerBit - kBinLimit;
}

// λ over all comparable pairs by EM with m and u fixed: the pairs blocking never proposes are
// taken as non-matches (blocking is built to keep the matches), the candidates contribute their
// match probabilities.
double estimate_prior(const std::vector<uint64_t>& histogram, double comparable, double start,
                      double* expected_matches) {
  double prior = std::clamp(start, 1e-15, 0.5);
  double matches = 0;
  for (int it = 0; it < 2000; ++it) {
    matches = 0;
    const double prior_weight = logit2(prior);
    for (size_t bin = 0; bin < histogram.size(); ++bin) {
      if (histogram[bin])
        matches +=
            static_cast<double>(histogram[bin]) * probability_of(weight_of_bin(bin) + prior_weight);
    }
    const double next = std::clamp(matches / comparable, 1e-15, 1 - 1e-9);
    const bool done = std::abs(next - prior) <= 1e-9 * prior;
    prior = next;
    if (done) break;
  }
  if (expected_matches) *expected_matches = matches;
  return prior;
}

uint32_t find_root(std::vector<uint32_t>& parent, uint32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

// Joins linked records into entities: the analyst's "same" decisions first, then the links at or
// above the threshold, strongest first. A join that would put together two records an analyst
// called different, (with one record per list) two records of one list, or two records of one
// list that differ on every apart_within_list field, is left out.
void cluster_links(const Dataset& data, const LinkageConfig& config, const Prepared& p,
                   const Prepared::Weights* weights, LinkageResult& result) {
  const bool per_list = config.one_record_per_list && data.list_names().size() <= 64;
  std::vector<uint32_t> parent(data.size());
  std::iota(parent.begin(), parent.end(), 0u);
  // Each entity's records as a ring (next_member), walked to check apart_within_list.
  std::vector<uint32_t> next_member;
  const bool check_members = weights && config.join_floor > 0;
  const double floor_weight =
      check_members ? logit2(config.join_floor) - logit2(result.model.prior) : 0;
  if (!p.apart_within_list.empty() || check_members) {
    next_member.resize(data.size());
    std::iota(next_member.begin(), next_member.end(), 0u);
  }
  const auto kept_apart = [&](uint32_t x, uint32_t y) {
    if (next_member.empty()) return false;
    uint32_t r = x;
    do {
      uint32_t s = y;
      do {
        if (data.list(r) == data.list(s) && p.apart(r, s)) return true;
        if (check_members && p.evidence(*weights, r, s, nullptr, nullptr) < floor_weight)
          return true;
        s = next_member[s];
      } while (s != y);
      r = next_member[r];
    } while (r != x);
    return false;
  };
  std::vector<uint64_t> lists;
  if (per_list) {
    lists.resize(data.size());
    for (uint32_t r = 0; r < data.size(); ++r) lists[r] = uint64_t{1} << data.list(r);
  }
  // Per entity root: the records it must never hold (kept on the root, merged small into large).
  std::unordered_map<uint32_t, std::vector<uint32_t>> apart;
  for (const auto& d : config.decisions) {
    if (d.a >= data.size() || d.b >= data.size() || d.a == d.b) {
      throw core::InputError("linkage decision", "record",
                             std::to_string(d.a) + "/" + std::to_string(d.b), "no such pair");
    }
    if (!d.same) {
      apart[d.a].push_back(d.b);
      apart[d.b].push_back(d.a);
    }
  }
  const auto join = [&](uint32_t a, uint32_t b, bool decided) {
    uint32_t x = find_root(parent, a), y = find_root(parent, b);
    if (x == y) return;
    if (per_list && !decided && (lists[x] & lists[y])) return;
    if (!decided && kept_apart(x, y)) return;
    auto ax = apart.find(x), ay = apart.find(y);
    if (ax != apart.end() && ay != apart.end() && ax->second.size() > ay->second.size()) {
      std::swap(x, y);
      std::swap(ax, ay);
    }
    if (ax != apart.end()) {
      for (uint32_t r : ax->second) {
        if (find_root(parent, r) == y) return;
      }
    }
    parent[x] = y;
    if (per_list) lists[y] |= lists[x];
    if (!next_member.empty()) std::swap(next_member[x], next_member[y]);  // the rings join
    if (ax != apart.end()) {
      std::vector<uint32_t> moved = std::move(ax->second);
      apart.erase(ax);
      auto& into = apart[y];
      into.insert(into.end(), moved.begin(), moved.end());
    }
  };
  for (const auto& d : config.decisions) {
    if (d.same) join(d.a, d.b, true);
  }
  for (const Link& l : result.links) {
    if (l.probability >= config.threshold) join(l.a, l.b, false);
  }
  std::vector<uint32_t> index_of_root(data.size(), UINT32_MAX);
  std::vector<size_t> sizes;
  result.cluster.resize(data.size());
  for (uint32_t r = 0; r < data.size(); ++r) {
    const uint32_t root = find_root(parent, r);
    if (index_of_root[root] == UINT32_MAX) {
      index_of_root[root] = static_cast<uint32_t>(sizes.size());
      sizes.push_back(0);
    }
    result.cluster[r] = index_of_root[root];
    ++sizes[index_of_root[root]];
  }
  result.clusters = sizes.size();
  result.cluster_sizes.clear();
  for (size_t s : sizes) {
    if (result.cluster_sizes.size() <= s) result.cluster_sizes.resize(s + 1, 0);
    ++result.cluster_sizes[s];
  }
}

uint64_t comparable_pairs(const Dataset& data, bool across_lists) {
  const uint64_t n = data.size();
  if (!across_lists) return n * (n - 1) / 2;
  std::vector<uint64_t> per_list(data.list_names().size(), 0);
  for (size_t r = 0; r < n; ++r) ++per_list[data.list(r)];
  uint64_t same_list = 0;
  for (uint64_t k : per_list) same_list += k * (k - 1) / 2;
  return n * (n - 1) / 2 - same_list;
}

}  // namespace

LinkageResult link(const Dataset& data, const LinkageConfig& config) {
  LinkageResult result;
  result.threads = core::thread_count(config.threads);
  const unsigned threads = result.threads;
  auto t = Clock::now();
  const core::Progress& progress = config.progress;
  progress(0, "preparing");
  const Prepared p = prepare(data, config);
  Blocker blocker(data, config, p);
  result.comparable_pairs = comparable_pairs(data, config.link_only_across_lists);
  result.seconds_prepare = since(t);
  if (data.size() < 2) {
    cluster_links(data, config, p, nullptr, result);
    return result;
  }

  // EM for m over (a random share of) each rule's blocks.
  t = Clock::now();
  result.model = starting_model(data, config, p, threads);
  // Each rule's blocks, sorted once for both passes.
  std::vector<Blocker::Blocks> all_blocks;
  for (size_t rule = 0; rule < blocker.rules().size(); ++rule) {
    all_blocks.push_back(blocker.blocks_of(rule));
    result.skipped_blocks += all_blocks.back().skipped;
  }
  std::vector<ComparisonCache> caches(threads, ComparisonCache(p.fields.size()));
  std::vector<PatternCounts> patterns(blocker.rules().size());
  std::vector<uint32_t> masks;
  for (size_t rule = 0; rule < blocker.rules().size(); ++rule) {
    masks.push_back(blocker.rules()[rule].field_mask);
    const Blocker::Blocks& blocks = all_blocks[rule];
    const double share =
        blocks.pairs > config.em_pairs_per_rule
            ? static_cast<double>(config.em_pairs_per_rule) / static_cast<double>(blocks.pairs)
            : 1.0;
    const uint64_t cut = share >= 1 ? UINT64_MAX : static_cast<uint64_t>(share * 0x1p64);
    std::vector<PatternCounts> per_thread(threads);
    const double rules = static_cast<double>(blocker.rules().size());
    core::parallel_chunks(
        threads, blocks.spans.size(),
        [&](unsigned thread, size_t span) {
          if (cut != UINT64_MAX && mix(blocks.spans[span].key ^ config.seed) > cut) return;
          blocker.pairs_of_block(rule, blocks, span, true, [&](uint32_t a, uint32_t b) {
            ++per_thread[thread][p.pattern_of(a, b, &caches[thread])];
          });
        },
        progress.part(0.1 + 0.3 * rule / rules, 0.1 + 0.3 * (rule + 1) / rules), "training");
    for (const auto& counts : per_thread) {
      for (const auto& [pattern, count] : counts) patterns[rule][pattern] += count;
    }
  }
  uint32_t relatives = 0;
  for (const std::string& name : config.relatives_share)
    relatives |= 1u << p.field_index(name, "relatives_share");
  estimate_m(result.model, config, p.fields.size(), patterns, masks, relatives);
  result.seconds_em = since(t);

  // One pass over the candidates, each once: their evidence in a histogram, for λ, and the
  // pairs strong enough that they could reach the threshold whatever λ turns out to be (λ is at
  // most the share of candidates among the comparable pairs). Only those are kept.
  t = Clock::now();
  const double lowest = std::min(config.threshold, config.report_from);
  const double threshold_weight = logit2(std::clamp(lowest, 1e-12, 1 - 1e-12));
  double most_prior = 0;
  {
    uint64_t pairs = 0;
    for (const auto& blocks : all_blocks) pairs += blocks.pairs;
    most_prior = std::clamp(static_cast<double>(pairs) /
                                static_cast<double>(std::max<uint64_t>(result.comparable_pairs, 1)),
                            1e-15, 0.5);
  }
  const Prepared::Weights weights = p.weights_of(result.model);
  const double keep_from = config.keep_scores ? -INFINITY : threshold_weight - logit2(most_prior);
  std::vector<std::vector<uint64_t>> histograms(threads, std::vector<uint64_t>(kBins, 0));
  std::vector<std::vector<uint64_t>> candidates(threads,
                                                std::vector<uint64_t>(blocker.rules().size(), 0));
  // (a, b, evidence) in 12 bytes: at millions of records the kept pairs are the bulk of memory.
  struct Kept {
    uint32_t a, b;
    float evidence;
  };
  std::vector<std::vector<Kept>> kept(threads);
  for (size_t rule = 0; rule < blocker.rules().size(); ++rule) {
    const Blocker::Blocks& blocks = all_blocks[rule];
    const double rules = static_cast<double>(blocker.rules().size());
    core::parallel_chunks(
        threads, blocks.spans.size(),
        [&](unsigned thread, size_t span) {
          blocker.pairs_of_block(rule, blocks, span, false, [&](uint32_t a, uint32_t b) {
            const double w = p.evidence(weights, a, b, nullptr, &caches[thread]);
            ++histograms[thread][bin_of(w)];
            ++candidates[thread][rule];
            if (w >= keep_from) kept[thread].push_back({a, b, static_cast<float>(w)});
          });
        },
        progress.part(0.4 + 0.45 * rule / rules, 0.4 + 0.45 * (rule + 1) / rules), "scoring");
  }
  std::vector<uint64_t> histogram(kBins, 0);
  for (unsigned thread = 0; thread < threads; ++thread) {
    for (size_t bin = 0; bin < kBins; ++bin) histogram[bin] += histograms[thread][bin];
  }
  result.candidates_per_rule.assign(blocker.rules().size(), 0);
  for (size_t rule = 0; rule < blocker.rules().size(); ++rule) {
    for (unsigned thread = 0; thread < threads; ++thread)
      result.candidates_per_rule[rule] += candidates[thread][rule];
    result.candidate_pairs += result.candidates_per_rule[rule];
  }
  result.model.prior =
      estimate_prior(histogram, static_cast<double>(result.comparable_pairs),
                     static_cast<double>(std::max<uint64_t>(result.candidate_pairs, 1)) /
                         static_cast<double>(result.comparable_pairs) / 10,
                     &result.expected_matches);
  result.seconds_scoring = since(t);

  // The links: kept pairs at or above the threshold, strongest first.
  t = Clock::now();
  const double prior_weight = logit2(result.model.prior);
  for (auto& per_thread : kept) {
    for (const Kept& k : per_thread) {
      const double probability = probability_of(k.evidence + prior_weight);
      if (config.keep_scores) result.scores.emplace_back(k.a, k.b, probability);
      if (probability >= lowest) result.links.push_back({k.a, k.b, probability});
    }
    std::vector<Kept>().swap(per_thread);
  }
  std::sort(result.links.begin(), result.links.end(), [](const Link& x, const Link& y) {
    return x.probability != y.probability ? x.probability > y.probability
                                          : std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  progress(0.85, "clustering");
  cluster_links(data, config, p, &weights, result);
  result.seconds_clustering = since(t);
  return result;
}

std::vector<ScoredPair> explain(const Dataset& data, const LinkageConfig& config,
                                const Model& model,
                                const std::vector<std::pair<uint32_t, uint32_t>>& pairs) {
  const Prepared p = prepare(data, config);
  const Prepared::Weights weights = p.weights_of(model);
  std::vector<ScoredPair> out;
  for (const auto& [a, b] : pairs) {
    if (a >= data.size() || b >= data.size())
      throw core::InputError("linkage pair", "record", std::to_string(std::max(a, b)),
                             "no such record");
    ScoredPair s{a, b, 0, 0, std::vector<double>(p.fields.size(), 0.0)};
    s.weight = logit2(model.prior) + p.evidence(weights, a, b, s.field_weights.data(), nullptr);
    s.probability = probability_of(s.weight);
    out.push_back(std::move(s));
  }
  return out;
}

ScoredPair explain(const Dataset& data, const LinkageConfig& config, const Model& model, uint32_t a,
                   uint32_t b) {
  return explain(data, config, model, {{a, b}}).front();
}

}  // namespace athar::linkage
