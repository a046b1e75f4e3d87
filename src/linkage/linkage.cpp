#include "linkage/linkage.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include "core/error.h"
#include "core/unicode.h"
#include "names/normalise.h"
#include "names/phonetic.h"
#include "names/similarity.h"

namespace athar::linkage {

Dataset::Dataset(std::vector<std::string> columns)
    : columns_(std::move(columns)), values_(columns_.size()) {}

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
  lists_.push_back(static_cast<uint32_t>(it - list_names_.begin()));
  for (size_t c = 0; c < values.size(); ++c) values_[c].push_back(values[c]);
  ids_.push_back(id.empty() ? std::to_string(size()) : std::move(id));
  return size() - 1;
}

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

int level_count(Comparison c) {
  switch (c) {
    case Comparison::kExact:
      return 3;
    case Comparison::kName:
    case Comparison::kString:
      return 6;
    case Comparison::kDate:
      return 5;
    case Comparison::kYear:
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
      return {"missing", "different", "same year", "one typo or day/month swapped", "same"};
    case Comparison::kYear:
      return {"missing", "different", "within one year", "same"};
    case Comparison::kIdentifier:
      return {"missing", "different", "one edit apart", "same"};
  }
  return {};
}

// A field of every record, prepared once for fast comparison.
struct PreparedField {
  FieldRule rule;
  int column = -1;
  std::vector<std::u32string> normal;        // normal form (names, strings, identifiers, dates)
  std::vector<std::string> block_key;        // blocking key ("" : none)
  std::vector<names::PhoneticKey> phonetic;  // names only
  std::vector<uint8_t> arabic;               // names only: 1 when in Arabic script
  std::vector<int> year;                     // years and dates: -1 when missing
  std::vector<uint32_t> term;                // index into term_frequency
  std::vector<double> term_frequency;        // share of non-empty records with this value
};

std::vector<PreparedField> prepare(const Dataset& data, const LinkageConfig& config) {
  std::vector<PreparedField> fields;
  const size_t n = data.size();
  for (const FieldRule& rule : config.fields) {
    PreparedField f;
    f.rule = rule;
    f.column = data.column(rule.name);
    if (f.column < 0)
      throw core::InputError("linkage configuration", "fields", rule.name, "no such column");
    f.normal.resize(n);
    f.block_key.resize(n);
    f.year.assign(n, -1);
    if (rule.comparison == Comparison::kName) {
      f.phonetic.resize(n);
      f.arabic.resize(n);
    }
    std::unordered_map<std::u32string, uint32_t> terms;
    std::vector<uint32_t> counts;
    f.term.resize(n);
    size_t non_empty = 0;
    for (size_t r = 0; r < n; ++r) {
      const std::string& raw = data.value(r, static_cast<size_t>(f.column));
      std::string normal;
      switch (rule.comparison) {
        case Comparison::kName:
          normal = names::normalise_name(raw);
          f.arabic[r] = names::has_arabic_letters(raw) ? 1 : 0;
          names::phonetic_key(normal, f.phonetic[r]);
          f.block_key[r] = core::to_utf8(f.phonetic[r].skeleton);
          if (f.block_key[r].empty() && !normal.empty()) f.block_key[r] = normal;
          break;
        case Comparison::kString:
          normal = names::normalise_latin(raw);
          f.block_key[r] = normal;
          break;
        case Comparison::kYear:
        case Comparison::kDate: {
          for (char c : raw) {
            if (c >= '0' && c <= '9') normal.push_back(c);
          }
          if (normal.size() >= 4) f.year[r] = std::stoi(normal.substr(0, 4));
          f.block_key[r] = rule.comparison == Comparison::kYear
                               ? normal.substr(0, std::min<size_t>(4, normal.size()))
                               : normal;
          if (rule.comparison == Comparison::kYear) normal = f.block_key[r];
          break;
        }
        case Comparison::kExact:
        case Comparison::kIdentifier: {
          const auto trimmed =
              raw.find_first_not_of(' ') == std::string::npos
                  ? std::string()
                  : raw.substr(raw.find_first_not_of(' '),
                               raw.find_last_not_of(' ') - raw.find_first_not_of(' ') + 1);
          normal = trimmed;
          f.block_key[r] = normal;
          break;
        }
      }
      f.normal[r] = core::to_utf32(normal);
      if (normal.empty()) {
        f.term[r] = UINT32_MAX;
        continue;
      }
      ++non_empty;
      auto [it, inserted] = terms.try_emplace(f.normal[r], static_cast<uint32_t>(counts.size()));
      if (inserted) counts.push_back(0);
      ++counts[it->second];
      f.term[r] = it->second;
    }
    f.term_frequency.resize(counts.size());
    for (size_t t = 0; t < counts.size(); ++t) {
      f.term_frequency[t] =
          static_cast<double>(counts[t]) / static_cast<double>(std::max<size_t>(non_empty, 1));
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

// Compares field `f` of record a with field `g` of record b (the same field but for swapped
// name parts); both fields have f's comparison.
uint8_t compare_values(const PreparedField& f, uint32_t a, const PreparedField& g, uint32_t b) {
  const std::u32string& x = f.normal[a];
  const std::u32string& y = g.normal[b];
  const bool missing = f.rule.comparison == Comparison::kYear ? (f.year[a] < 0 || g.year[b] < 0)
                                                              : (x.empty() || y.empty());
  if (missing) return 0;
  switch (f.rule.comparison) {
    case Comparison::kExact:
      return x == y ? 2 : 1;
    case Comparison::kName:
      if (f.arabic[a] != g.arabic[b]) {
        const double s = names::phonetic_similarity(f.phonetic[a], g.phonetic[b]);
        return s >= 0.95 ? 4 : s >= 0.85 ? 3 : s >= 0.75 ? 2 : 1;
      }
      [[fallthrough]];
    case Comparison::kString: {
      if (x == y) return 5;
      const double s = names::jaro_winkler(x, y);
      return s >= 0.93 ? 4 : s >= 0.85 ? 3 : s >= 0.70 ? 2 : 1;
    }
    case Comparison::kYear: {
      const int d = std::abs(f.year[a] - g.year[b]);
      return d == 0 ? 3 : d == 1 ? 2 : 1;
    }
    case Comparison::kDate: {
      if (x == y) return 4;
      if (x.size() == 8 && y.size() == 8 && x.substr(0, 4) == y.substr(0, 4) &&
          x.substr(4, 2) == y.substr(6, 2) && x.substr(6, 2) == y.substr(4, 2)) {
        return 3;  // day and month swapped
      }
      if (names::damerau_levenshtein(x, y) <= 1) return 3;
      return f.year[a] >= 0 && f.year[a] == g.year[b] ? 2 : 1;
    }
    case Comparison::kIdentifier:
      if (x == y) return 3;
      return names::damerau_levenshtein(x, y) <= 1 ? 2 : 1;
  }
  return 1;
}

uint8_t compare_field(const PreparedField& f, uint32_t a, uint32_t b) {
  return compare_values(f, a, f, b);
}

// Every field's level for a pair. Name parts written in each other's place (given and family
// name swapped) are compared crosswise when that agrees better.
void levels_of(const std::vector<PreparedField>& fields,
               const std::vector<std::pair<size_t, size_t>>& swappable, uint32_t a, uint32_t b,
               uint8_t* levels) {
  for (size_t f = 0; f < fields.size(); ++f) levels[f] = compare_field(fields[f], a, b);
  for (const auto& [x, y] : swappable) {
    if (levels[x] == 0 || levels[y] == 0 || levels[x] > 2 || levels[y] > 2) continue;
    const uint8_t xy = compare_values(fields[x], a, fields[y], b);
    const uint8_t yx = compare_values(fields[y], a, fields[x], b);
    if (xy >= 4 && yx >= 4) {
      levels[x] = xy;
      levels[y] = yx;
    }
  }
}

// Candidate pairs of every blocking rule, each pair once: a pair is proposed by the first rule
// that blocks it together. Nothing is stored beyond each rule's record order.
class Blocker {
 public:
  Blocker(const Dataset& data, const LinkageConfig& config,
          const std::vector<PreparedField>& fields)
      : data_(data), config_(config) {
    for (const BlockingRule& rule : config.blocking) {
      std::vector<size_t> parts;
      uint32_t mask = 0;
      for (const std::string& name : rule.fields) {
        size_t k = 0;
        while (k < fields.size() && fields[k].rule.name != name) ++k;
        if (k == fields.size()) {
          throw core::InputError("linkage configuration", "blocking", name,
                                 "is not a compared field");
        }
        parts.push_back(k);
        mask |= 1u << k;
      }
      field_masks_.push_back(mask);
      std::vector<std::string> keys(data.size());
      for (size_t r = 0; r < data.size(); ++r) {
        for (size_t k : parts) {
          const std::string& part = fields[k].block_key[r];
          if (part.empty()) {
            keys[r].clear();
            break;
          }
          keys[r] += part;
          keys[r].push_back('\x1f');
        }
      }
      keys_.push_back(std::move(keys));
    }
  }

  // Calls visit(a, b, rule) for every candidate pair; returns the number of oversized blocks
  // skipped.
  // With `once` false, each rule sees all the pairs of its blocks (training: a rule's pairs are
  // then not biased by what earlier rules took).
  template <class Visit>
  uint64_t for_each_pair(Visit visit, bool once = true) const {
    uint64_t skipped = 0;
    std::vector<uint32_t> order(data_.size());
    for (size_t rule = 0; rule < keys_.size(); ++rule) {
      const auto& keys = keys_[rule];
      std::iota(order.begin(), order.end(), 0u);
      std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
        return keys[x] < keys[y] || (keys[x] == keys[y] && x < y);
      });
      size_t start = 0;
      while (start < order.size()) {
        size_t end = start + 1;
        while (end < order.size() && keys[order[end]] == keys[order[start]]) ++end;
        if (!keys[order[start]].empty() && end - start > 1) {
          if (end - start > config_.max_block_size) {
            ++skipped;
          } else {
            for (size_t i = start; i < end; ++i) {
              for (size_t j = i + 1; j < end; ++j) {
                const uint32_t a = order[i], b = order[j];
                if (config_.link_only_across_lists && data_.list(a) == data_.list(b)) continue;
                const bool first = !blocked_earlier(rule, a, b);
                if (once && !first) continue;
                visit(a, b, rule, first);
              }
            }
          }
        }
        start = end;
      }
    }
    return skipped;
  }

 private:
  bool blocked_earlier(size_t rule, uint32_t a, uint32_t b) const {
    for (size_t k = 0; k < rule; ++k) {
      if (!keys_[k][a].empty() && keys_[k][a] == keys_[k][b]) return true;
    }
    return false;
  }
  const Dataset& data_;
  const LinkageConfig& config_;
  std::vector<std::vector<std::string>> keys_;

 public:
  // Fields (bit k for field k) a rule blocks on.
  std::vector<uint32_t> field_masks_;
};

uint64_t pattern_of(const std::vector<PreparedField>& fields,
                    const std::vector<std::pair<size_t, size_t>>& swappable, uint32_t a,
                    uint32_t b) {
  uint8_t levels[16];
  levels_of(fields, swappable, a, b, levels);
  uint64_t p = 0;
  for (size_t f = 0; f < fields.size(); ++f) p |= uint64_t{levels[f]} << (4 * f);
  return p;
}

uint8_t level_in(uint64_t pattern, size_t field) { return (pattern >> (4 * field)) & 15; }

double pair_weight(const std::vector<PreparedField>& fields,
                   const std::vector<std::pair<size_t, size_t>>& swappable, const Model& model,
                   uint32_t a, uint32_t b, std::vector<double>* explanation) {
  uint8_t levels[16];
  levels_of(fields, swappable, a, b, levels);
  double w = std::log2(model.prior / (1 - model.prior));
  if (explanation) explanation->assign(fields.size(), 0.0);
  for (size_t f = 0; f < fields.size(); ++f) {
    const uint8_t level = levels[f];
    if (level == 0) continue;
    const FieldModel& fm = model.fields[f];
    double u = fm.u[level];
    // Term frequency: agreeing on a value shared by a share p of the records happens by chance
    // with probability about p, not the field's average.
    if (fields[f].rule.term_frequencies && level + 1 == static_cast<int>(fm.u.size()) &&
        fields[f].term[a] != UINT32_MAX) {
      u = std::max(fields[f].term_frequency[fields[f].term[a]], 1e-9);
    }
    const double fw = std::log2(fm.m[level] / u);
    w += fw;
    if (explanation) (*explanation)[f] = fw;
  }
  return w;
}

double probability_of(double weight) { return 1.0 / (1.0 + std::exp2(-weight)); }

Model fit(const Dataset& data, const LinkageConfig& config,
          const std::vector<PreparedField>& fields,
          const std::vector<std::pair<size_t, size_t>>& swappable,
          const std::vector<std::unordered_map<uint64_t, uint64_t>>& patterns,
          const std::vector<uint32_t>& field_masks) {
  Model model;
  // u from random pairs.
  std::mt19937_64 rng(config.seed);
  std::uniform_int_distribution<uint32_t> pick(0, static_cast<uint32_t>(data.size() - 1));
  std::vector<std::vector<double>> u_counts(fields.size());
  for (size_t f = 0; f < fields.size(); ++f)
    u_counts[f].assign(static_cast<size_t>(level_count(fields[f].rule.comparison)), 1.0);
  const size_t samples =
      std::min<size_t>(config.u_sample_pairs, data.size() * (data.size() - 1) / 2);
  for (size_t s = 0; s < samples; ++s) {
    const uint32_t a = pick(rng), b = pick(rng);
    if (a == b || (config.link_only_across_lists && data.list(a) == data.list(b))) continue;
    uint8_t levels[16];
    levels_of(fields, swappable, a, b, levels);
    for (size_t f = 0; f < fields.size(); ++f) u_counts[f][levels[f]] += 1;
  }
  for (size_t f = 0; f < fields.size(); ++f) {
    FieldModel fm;
    fm.name = fields[f].rule.name;
    fm.level_names = level_names(fields[f].rule.comparison);
    const size_t levels = u_counts[f].size();
    double total = 0;
    for (size_t l = 1; l < levels; ++l) total += u_counts[f][l];
    fm.u.assign(levels, 0);
    fm.m.assign(levels, 0);
    for (size_t l = 1; l < levels; ++l) {
      fm.u[l] = u_counts[f][l] / total;
      fm.m[l] = std::pow(4.0, static_cast<double>(l));  // agreement likelier among matches
    }
    const double m_total = std::accumulate(fm.m.begin(), fm.m.end(), 0.0);
    for (double& m : fm.m) m /= m_total;
    model.fields.push_back(std::move(fm));
  }

  // EM for m and the prior with u fixed, once per blocking rule over the pairs that rule
  // proposed, leaving out the fields the rule blocks on (their agreement there is forced, not
  // evidence); each field's m is the mean over the rules that did not block on it (as Splink
  // trains). Runs over distinct comparison patterns with their counts.
  const std::vector<FieldModel> start = model.fields;
  std::vector<std::vector<double>> m_total(fields.size());
  std::vector<int> m_runs(fields.size(), 0);
  for (size_t f = 0; f < fields.size(); ++f) m_total[f].assign(start[f].m.size(), 0.0);
  double prior_weighted = 0, pairs_total = 0;
  for (size_t rule = 0; rule < patterns.size(); ++rule) {
    const uint32_t blocked = field_masks[rule];
    std::vector<FieldModel> fm = start;
    double prior = 0.1;
    std::vector<std::pair<uint64_t, double>> distinct(patterns[rule].begin(), patterns[rule].end());
    double rule_pairs = 0;
    for (const auto& [pattern, count] : distinct) rule_pairs += count;
    if (rule_pairs == 0) continue;
    for (int it = 0; it < config.em_iterations; ++it) {
      double matches = 0;
      std::vector<std::vector<double>> m_sum(fields.size());
      for (size_t f = 0; f < fields.size(); ++f) m_sum[f].assign(fm[f].m.size(), 0.0);
      for (const auto& [pattern, count] : distinct) {
        double lm = prior, lu = 1 - prior;
        for (size_t f = 0; f < fields.size(); ++f) {
          const uint8_t l = level_in(pattern, f);
          if (l == 0 || (blocked >> f & 1)) continue;
          lm *= fm[f].m[l];
          lu *= fm[f].u[l];
        }
        const double g = lm / (lm + lu);
        matches += g * count;
        for (size_t f = 0; f < fields.size(); ++f) m_sum[f][level_in(pattern, f)] += g * count;
      }
      const double new_prior = std::clamp(matches / rule_pairs, 1e-9, 1 - 1e-9);
      double change = std::abs(new_prior - prior);
      prior = new_prior;
      for (size_t f = 0; f < fields.size(); ++f) {
        if (blocked >> f & 1) continue;
        double sum = 0;
        for (size_t l = 1; l < m_sum[f].size(); ++l) sum += m_sum[f][l];
        for (size_t l = 1; l < m_sum[f].size(); ++l) {
          const double m = std::max(
              (m_sum[f][l] + 1e-6) / (sum + 1e-6 * static_cast<double>(m_sum[f].size())), 1e-9);
          change = std::max(change, std::abs(m - fm[f].m[l]));
          fm[f].m[l] = m;
        }
      }
      model.iterations = std::max(model.iterations, it + 1);
      if (change < 1e-7) break;
    }
    for (size_t f = 0; f < fields.size(); ++f) {
      if (blocked >> f & 1) continue;
      for (size_t l = 1; l < fm[f].m.size(); ++l) m_total[f][l] += fm[f].m[l];
      ++m_runs[f];
    }
    prior_weighted += prior * rule_pairs;
    pairs_total += rule_pairs;
  }
  for (size_t f = 0; f < fields.size(); ++f) {
    if (m_runs[f] == 0) continue;  // blocked on by every rule: keep the starting m
    for (size_t l = 1; l < m_total[f].size(); ++l) model.fields[f].m[l] = m_total[f][l] / m_runs[f];
  }
  model.prior = pairs_total > 0 ? std::clamp(prior_weighted / pairs_total, 1e-9, 1 - 1e-9) : 0.5;
  return model;
}

// λ, the share of matches among the candidate pairs as scored (each pair once), by EM with m
// and u fixed: the per-rule runs see each rule's blocks whole, which overstates it.
double candidate_prior(const Model& model, const std::unordered_map<uint64_t, uint64_t>& candidates,
                       size_t field_count) {
  std::vector<std::pair<double, double>> ratios;  // (count, m-likelihood / u-likelihood)
  double total = 0;
  for (const auto& [pattern, count] : candidates) {
    double ratio = 1;
    for (size_t f = 0; f < field_count; ++f) {
      const uint8_t l = level_in(pattern, f);
      if (l) ratio *= model.fields[f].m[l] / model.fields[f].u[l];
    }
    ratios.emplace_back(static_cast<double>(count), ratio);
    total += static_cast<double>(count);
  }
  if (total == 0) return model.prior;
  double prior = model.prior;
  for (int it = 0; it < 200; ++it) {
    double matches = 0;
    for (const auto& [count, ratio] : ratios)
      matches += count * prior * ratio / (prior * ratio + 1 - prior);
    const double next = std::clamp(matches / total, 1e-9, 1 - 1e-9);
    if (std::abs(next - prior) < 1e-10) return next;
    prior = next;
  }
  return prior;
}

std::vector<std::pair<size_t, size_t>> swappable_fields(const LinkageConfig& config,
                                                        const std::vector<PreparedField>& fields) {
  std::vector<std::pair<size_t, size_t>> out;
  const auto index = [&](const std::string& name) {
    for (size_t f = 0; f < fields.size(); ++f) {
      if (fields[f].rule.name == name) return f;
    }
    throw core::InputError("linkage configuration", "swappable", name, "is not a compared field");
  };
  for (const auto& [x, y] : config.swappable) {
    const size_t i = index(x), j = index(y);
    if (fields[i].rule.comparison != fields[j].rule.comparison) {
      throw core::InputError("linkage configuration", "swappable", x + "/" + y,
                             "are compared differently");
    }
    out.emplace_back(i, j);
  }
  return out;
}

uint32_t find(std::vector<uint32_t>& parent, uint32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

}  // namespace

LinkageResult link(const Dataset& data, const LinkageConfig& config) {
  if (config.fields.empty() || config.fields.size() > 16) {
    throw core::InputError("linkage configuration", "fields", std::to_string(config.fields.size()),
                           "1 to 16 fields");
  }
  if (config.blocking.empty())
    throw core::InputError("linkage configuration", "blocking", "", "at least one rule");
  LinkageResult result;
  auto t = Clock::now();
  const std::vector<PreparedField> fields = prepare(data, config);
  const auto swappable = swappable_fields(config, fields);
  const Blocker blocker(data, config, fields);
  std::vector<std::unordered_map<uint64_t, uint64_t>> patterns(config.blocking.size());
  std::unordered_map<uint64_t, uint64_t> candidates;  // each candidate pair once
  result.skipped_blocks = blocker.for_each_pair(
      [&](uint32_t a, uint32_t b, size_t rule, bool first) {
        const uint64_t pattern = pattern_of(fields, swappable, a, b);
        ++patterns[rule][pattern];
        if (first) ++candidates[pattern];
      },
      false);
  result.seconds_blocking = since(t);
  t = Clock::now();
  if (data.size() < 2) return result;
  result.model = fit(data, config, fields, swappable, patterns, blocker.field_masks_);
  result.model.prior = candidate_prior(result.model, candidates, fields.size());
  result.seconds_em = since(t);
  t = Clock::now();

  std::vector<uint32_t> parent(data.size());
  std::iota(parent.begin(), parent.end(), 0u);
  blocker.for_each_pair([&](uint32_t a, uint32_t b, size_t, bool) {
    ++result.candidate_pairs;
    const double probability =
        probability_of(pair_weight(fields, swappable, result.model, a, b, nullptr));
    if (config.keep_scores) result.scores.emplace_back(a, b, probability);
    if (probability < config.threshold) return;
    result.links.emplace_back(a, b);
    parent[find(parent, a)] = find(parent, b);
  });
  std::unordered_map<uint32_t, uint32_t> cluster_of_root;
  result.cluster.resize(data.size());
  for (uint32_t r = 0; r < data.size(); ++r) {
    const uint32_t root = find(parent, r);
    auto [it, inserted] =
        cluster_of_root.try_emplace(root, static_cast<uint32_t>(cluster_of_root.size()));
    result.cluster[r] = it->second;
  }
  result.clusters = cluster_of_root.size();
  result.seconds_scoring = since(t);
  return result;
}

ScoredPair explain(const Dataset& data, const LinkageConfig& config, const Model& model, uint32_t a,
                   uint32_t b) {
  const std::vector<PreparedField> fields = prepare(data, config);
  ScoredPair p{a, b, 0, 0, {}};
  p.weight = pair_weight(fields, swappable_fields(config, fields), model, a, b, &p.field_weights);
  p.probability = probability_of(p.weight);
  return p;
}

}  // namespace athar::linkage
