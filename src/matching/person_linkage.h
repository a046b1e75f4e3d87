// Record linkage of persons, over the registry or over list files: the bridge between the
// registry's persons and the linkage engine (docs/linkage.md, "Linking the registry").
//
// A person becomes a linkage record of name parts (Arabic script where the list has it, else
// Latin), sex, birth year, governorate and year of disappearance; each source (or each file) is
// a list. A run over the registry keeps the pairs worth reviewing with each field's weight, the
// entity of every person, and respects the decisions analysts made on earlier runs.
//
//   matching::RunOptions o;                               // threshold 0.5, review from 0.1
//   matching::RunReport r = matching::run_person_linkage(registry, o);
//   auto pending = matching::candidates(registry, {.limit = 20});
//   matching::decide(registry, "person-000012", "person-000345", true, "same mother, village");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "estimate/loglinear.h"
#include "linkage/linkage.h"
#include "linkage/simulate.h"
#include "registry/registry.h"

namespace athar::matching {

// The columns a person contributes and the comparison and blocking suited to them.
linkage::Dataset empty_person_dataset();
linkage::LinkageConfig person_linkage_config();

// A simulation's records (linkage/simulate.h) as read_person_lists reads the files
// write_simulation makes, without the files; `truth` gets each record's true person.
linkage::Dataset simulated_person_dataset(const linkage::Simulation& s,
                                          std::vector<std::string>* truth);

struct SkippedRow {
  std::string where;   // "list.csv row 12"
  std::string reason;  // the error, naming the field and value
};

// A field that failed the registry's checks: left empty for linkage, the record kept.
struct FieldProblem {
  std::string where;  // "list.csv row 12"
  std::string field, value, problem;
};

struct PersonLists {
  linkage::Dataset data = empty_person_dataset();
  std::vector<std::string> files;
  struct Row {
    uint32_t file, row;
  };
  std::vector<Row> origin;                  // per record: its file and row
  std::string where(size_t record) const {  // "file row N"
    return files[origin[record].file] + " row " + std::to_string(origin[record].row);
  }
  std::vector<SkippedRow> skipped;  // with skip_bad_rows only
  std::vector<FieldProblem> field_problems;
  size_t rows = 0;  // data rows read, skipped ones included
};

// Reads person lists in the columns `athar import persons` takes (docs/registry.md); each file
// is one list. A bad field — a date that cannot be parsed (1955-11-92), a name part with no
// letters, Latin letters in an _ar field, bytes that are not UTF-8 — is left empty and listed in
// `field_problems`: one bad field does not lose the person. A bad row — wrong number of columns,
// quotes the reader cannot follow, no name left at all — stops the read with an InputError
// naming the file, row, field and value, or, with skip_bad_rows, is left out and listed in
// `skipped`.
PersonLists read_person_lists(const std::vector<std::string>& paths, bool skip_bad_rows);

struct RunOptions {
  double threshold = 0.5;            // a pair at or above joins an entity
  double review_from = 0.1;          // pairs from here up are kept for review with their weights
  std::string role = "victim";       // persons of this role are linked ("" : every person)
  bool across_sources_only = false;  // never pair two persons listed by one source
  unsigned threads = 0;
  core::Progress progress;  // cancelling it stops the run before anything is stored
};

struct RunReport {
  int64_t run = 0;
  size_t records = 0, lists = 0;
  uint64_t candidates = 0;
  size_t links = 0;       // pairs at or above the threshold
  size_t for_review = 0;  // pairs kept (from review_from), decided or not
  size_t entities = 0;
  size_t decisions_applied = 0;
  std::vector<size_t> cluster_sizes;
  linkage::Model model;
  double seconds = 0;
};

// Links the persons, replaces the kept pairs and entities with this run's, and appends a ledger
// entry for the run; one transaction.
RunReport run_person_linkage(registry::Registry& registry, const RunOptions& options);

struct FieldWeight {
  std::string field;
  double weight;
};

struct Candidate {
  std::string a, b;  // person ids, a < b
  double probability;
  std::vector<FieldWeight> explanation;
  std::string decision;  // "same", "different" or "" (not reviewed)
};

struct CandidateQuery {
  size_t limit = 50;
  bool include_decided = false;
};

// The latest run's kept pairs, most probable first.
std::vector<Candidate> candidates(registry::Registry& registry, const CandidateQuery& query);

// Records an analyst's decision on a pair (replacing an earlier one), with a ledger entry; the
// next run respects it.
void decide(registry::Registry& registry, std::string_view a, std::string_view b, bool same,
            std::string_view note);

// The latest run's entity of each person and the source that lists it, by person id.
struct EntityRow {
  std::string record;
  int64_t entity;
  std::string list;
};
std::vector<EntityRow> entities(registry::Registry& registry);

// The latest run's entities as capture histories for estimation: which sources (lists) name each
// entity, counted by history. InputError when no run exists or over 16 sources.
estimate::CaptureHistories capture_histories(registry::Registry& registry);

// Decisions whose row no longer matches its last ledger entry (changed behind Athar's back):
// (subject, what) pairs for `athar verify`.
std::vector<std::pair<std::string, std::string>> check_decisions(registry::Registry& registry);

}  // namespace athar::matching
