// Record linkage: which records of one or several lists are the same person (Fellegi–Sunter).
//
// A Dataset holds records as columns of text; a LinkageConfig says how each field is compared
// and which blocking rules propose candidate pairs. Linking streams the candidate pairs (never
// holding them all), estimates u-probabilities from random pairs and m-probabilities with EM,
// scores every candidate with term-frequency-adjusted match weights, and clusters the pairs above
// the threshold into entities. docs/linkage.md has the model and its formulas.
//
//   Dataset d({"given", "family", "birth_year"});
//   d.add("list-a", {"محمد", "الحسن", "1985"});
//   LinkageConfig c;
//   c.fields = {{"given", Comparison::kName, true}, {"family", Comparison::kName, true},
//               {"birth_year", Comparison::kYear}};
//   c.blocking = {{"family"}, {"given", "birth_year"}};
//   LinkageResult r = link(d, c);     // r.clusters, r.pairs_scored, r.model
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/progress.h"

namespace athar::linkage {

enum class Comparison {
  kExact,   // agree / disagree
  kName,    // a personal name, either script: exact normal form, Jaro–Winkler >= 0.93, 0.85, 0.70
  kString,  // other text: exact, Jaro–Winkler >= 0.93, 0.85, 0.70
  // Years by distance: same, within one (years from ages are often one off), one digit
  // mistyped (1985 for 1958), two or three apart (siblings often are), further.
  kYear,
  // A full or partial date (YYYY, YYYY-MM, YYYY-MM-DD; digits only also read): same, one typo
  // or day and month swapped, same year (or only the year known), within one year (or the
  // year mistyped), two or three years apart, further. One field, so that a date replaced
  // outright is one disagreement, not one for the year and one for the day.
  kDate,
  kIdentifier,  // exact, one edit apart
};

struct FieldRule {
  std::string name;
  Comparison comparison = Comparison::kExact;
  // A match on a common value (Muhammad) is weaker evidence than on a rare one.
  bool term_frequencies = false;
  // false: a field for blocking only (the birth year of a date compared whole), never weighed.
  bool compared = true;
  // For a blocking-only field, the compared field it is taken from ("birth" for its year): a
  // block on it forces partial agreement there too, so EM leaves that field out in the rule.
  std::string part_of = {};
};

// Records share a block when every one of the rule's fields has the same blocking key (for
// names: the phonetic skeleton; otherwise the normal form); records with an empty key on a
// rule's field are not blocked by it. A field written "birth_year|father" takes either field's
// key (one key per choice); "given+family" takes both fields' keys in either order, so that a
// record whose given and family names were swapped still meets its twin.
struct BlockingRule {
  std::vector<std::string> fields;
  // Blocks larger than this are skipped (0: LinkageConfig::max_block_size). A small limit makes
  // a rule on few fields useful where its value is rare and free where it is common: a rare
  // full name proposes its pairs whatever else was damaged; Muhammad al-Hamwi proposes none.
  size_t max_block_size = 0;
};

struct LinkageConfig {
  std::vector<FieldRule> fields;
  std::vector<BlockingRule> blocking;
  // Pairs of fields (given and family name, say) that lists sometimes write in each other's
  // place: compared crosswise when both disagree and the swap agrees.
  std::vector<std::pair<std::string, std::string>> swappable;
  // Fields whose agreement together is weighed by how many records share the combination, not
  // as independent facts: father, grandfather and family name agree for brothers and sisters
  // too, so agreeing on all of them is worth no more than −log2 of the share of records that
  // hold that lineage (its sound, in either script). A pair agreeing fully on every field of a
  // group has that group's weight capped so; groups are tried in order and a field counts in
  // one group at most.
  std::vector<std::vector<std::string>> joint_groups;
  // Records of one list that differ on every one of these fields (both present, compared below
  // "similar") are never put into one entity unless an analyst decided they are one person: a
  // list names a brother and a sister with the same nasab; they are not one person spelt twice.
  std::vector<std::string> apart_within_list;
  // Fields that relatives (brothers, sisters, cousins) usually share: father, grandfather,
  // family name. EM then fits a third class, relatives, beside matches and non-matches, so that
  // the relatives in family-name blocks are not taken for one person written differently.
  std::vector<std::string> relatives_share;
  double threshold = 0.5;  // match probability at or above which a pair links
  // Pairs from this probability up are returned too (for review) but join no entity below the
  // threshold; 1 or more: only the links.
  double report_from = 1;
  size_t u_sample_pairs = 1'000'000;
  int em_iterations = 50;
  // EM for m trains on at most about this many pairs per blocking rule (whole blocks, drawn at
  // random): enough for the few parameters, and bounded as the lists grow.
  size_t em_pairs_per_rule = 1'000'000;
  bool link_only_across_lists = false;  // link mode: never pair two records of one list
  // An entity holds at most one record of each list (links taken strongest first; a link that
  // would put two records of one list together is left out of the clusters). Up to 64 lists.
  bool one_record_per_list = false;
  // A join that would put into one entity two records whose own match probability is below this
  // is left out: a chain of links (A like B, B like C) must not join A and C when they clearly
  // differ. 0: every link joins (transitive closure).
  double join_floor = 0;
  uint64_t seed = 1;
  size_t max_block_size = 5000;  // a larger block is skipped and counted (too common a key)
  unsigned threads = 0;          // 0: every core
  core::Progress progress;       // told between blocks; cancelling it stops the run
  // Keep every scored candidate (for evaluation tools on small data; memory grows with pairs).
  bool keep_scores = false;
  // An analyst's reviewed decisions (record indices): "same" pairs always share an entity,
  // "different" pairs never do, whatever the model says.
  struct Decision {
    uint32_t a, b;
    bool same;
  };
  std::vector<Decision> decisions;
};

// Records as columns of text. Each column keeps its distinct values once (lists repeat the same
// few names), so that millions of records fit in little memory.
class Dataset {
 public:
  explicit Dataset(std::vector<std::string> columns);
  // Appends a record; returns its index. `values` in column order; "" for missing.
  size_t add(std::string_view list, const std::vector<std::string>& values, std::string id = {});
  size_t size() const { return lists_.size(); }
  const std::vector<std::string>& columns() const { return columns_; }
  int column(std::string_view name) const;  // -1 when absent
  const std::string& value(size_t record, size_t column) const {
    return dictionary_[column][cells_[column][record]];
  }
  // The value id of a record's cell (0: empty) and the column's distinct values by id.
  uint32_t value_id(size_t record, size_t column) const { return cells_[column][record]; }
  const std::vector<std::string>& distinct_values(size_t column) const {
    return dictionary_[column];
  }
  std::string id(size_t record) const;  // as given to add(), or the record's 1-based number
  uint32_t list(size_t record) const { return lists_[record]; }
  const std::vector<std::string>& list_names() const { return list_names_; }

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<uint32_t>> cells_;          // [column][record] → value id
  std::vector<std::vector<std::string>> dictionary_;  // [column][value id]; id 0 is ""
  std::vector<std::unordered_map<std::string, uint32_t>> value_ids_;
  std::vector<std::string> ids_;  // empty unless ids were given
  std::vector<uint32_t> lists_;
  std::vector<std::string> list_names_;
};

// What each field's level contributes, as estimated.
struct FieldModel {
  std::string name;
  bool compared = true;  // false: blocking only, always weighs 0 (left out of explanations)
  std::vector<std::string> level_names;  // index 0: missing
  std::vector<double> m, u;              // per level; level 0 unused
  // Per level, its probability among pairs of relatives (LinkageConfig::relatives_share), as
  // EM found it; empty when not estimated.
  std::vector<double> kin;
};

struct Model {
  // λ: the share of matches among all the pairs that could be compared (not only the
  // candidates), since u comes from random pairs: a candidate's agreement on its blocking
  // fields is then evidence weighed once.
  double prior = 0;
  std::vector<FieldModel> fields;
  int iterations = 0;
  // Per-rule estimates of a field's m left out because full agreement came out less likely
  // among matches than disagreement (docs/linkage.md).
  int implausible_estimates = 0;
};

// One scored pair and why: the weight (log2 Bayes factor) each field added.
struct ScoredPair {
  uint32_t a, b;
  double probability;
  double weight;
  std::vector<double> field_weights;
};

struct Link {
  uint32_t a, b;
  double probability;
};

struct LinkageResult {
  Model model;
  uint64_t comparable_pairs = 0;  // every pair the mode allows (n(n−1)/2 when deduplicating)
  uint64_t candidate_pairs = 0;   // proposed by blocking, each once, and scored
  std::vector<uint64_t> candidates_per_rule;  // the pairs each rule was first to propose
  uint64_t skipped_blocks = 0;
  double expected_matches = 0;    // Σ of match probabilities over the candidates
  std::vector<Link> links;        // pairs at or above min(threshold, report_from), strongest first
  std::vector<uint32_t> cluster;  // entity index of every record
  size_t clusters = 0;
  std::vector<size_t> cluster_sizes;  // [k]: how many entities have k records
  std::vector<std::tuple<uint32_t, uint32_t, double>>
      scores;  // with keep_scores: a, b, probability
  unsigned threads = 1;
  // Phases: preparing (terms, keys, blocks), EM, scoring every candidate (with λ), clustering
  // (links sorted, entities formed).
  double seconds_prepare = 0, seconds_em = 0, seconds_scoring = 0, seconds_clustering = 0;
};

LinkageResult link(const Dataset& data, const LinkageConfig& config);

// Scores pairs with a fitted model, with each field's weight (the explanation).
std::vector<ScoredPair> explain(const Dataset& data, const LinkageConfig& config,
                                const Model& model,
                                const std::vector<std::pair<uint32_t, uint32_t>>& pairs);
ScoredPair explain(const Dataset& data, const LinkageConfig& config, const Model& model, uint32_t a,
                   uint32_t b);

}  // namespace athar::linkage
