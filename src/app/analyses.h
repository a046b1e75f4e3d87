// Use cases that read or change much at once: imports, record linkage of the registry's
// persons, and reading DNA profiles. Each is also run in the background by the server
// (app/jobs.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/instance.h"
#include "core/json.h"
#include "kinship/pedigree.h"
#include "kinship/str.h"
#include "matching/kinship_store.h"
#include "matching/person_linkage.h"
#include "registry/import.h"
#include "registry/plausibility.h"

namespace athar::app {

enum class ImportFormat { kJson, kPersonsCsv };

struct Imported {
  registry::ImportReport report;
  // Plausibility warnings about the records added, and records that look like ones already in
  // the registry (persons by name and birth year, sites by place and name), with candidates.
  std::vector<registry::Warning> warnings;
  size_t persons_compared = 0, persons_not_compared = 0;
  core::OrderedJson to_json() const;
};
// One transaction. The whole file is checked: every bad row or record is named in one
// core::InputProblems, and nothing is written. `check_only`: check and write nothing anyway.
// A file whose bytes were imported before is refused unless `force`.
Imported import_records(Session& session, const std::filesystem::path& file, ImportFormat format,
                        const registry::PersonsCsvOptions& persons = {},
                        const core::Progress& progress = {}, bool check_only = false,
                        bool force = false, const std::string& file_name = {});

// Persons who look like one already in the registry: the person search's name score (at least
// kLookAlikeScore over the names in both scripts) with birth years that do not differ. Only
// the first `max_compared` are compared (a whole list is record linkage's job: `athar link`).
inline constexpr double kLookAlikeScore = 0.92;
inline constexpr size_t kMaxLookAlikeComparisons = 2000;
std::vector<registry::Warning> look_alike_persons(Session& session,
                                                  const std::vector<registry::Record>& persons,
                                                  int64_t first_new_num);

// `athar check`: every plausibility warning over the whole registry.
registry::CheckReport check_registry(Session& session, const core::Progress& progress = {});
core::OrderedJson check_report_json(const registry::CheckReport& report);

// Entities by size: {"1": n1, "2": n2, ...}, sizes with none left out.
core::OrderedJson entity_sizes_json(const std::vector<size_t>& count_by_size);

struct LinkageRun {
  matching::RunReport report;
  core::OrderedJson to_json() const;
};
LinkageRun run_linkage(Session& session, const matching::RunOptions& options);

// The latest run's pairs for review, most probable first, each with its fields' weights.
struct ReviewQueue {
  std::vector<matching::Candidate> pairs;
  core::OrderedJson to_json() const;
};
ReviewQueue review_queue(Session& session, const matching::CandidateQuery& query);
// An analyst's decision on a pair (`decision`: "same" or "different"), with a ledger entry;
// every later run respects it.
void decide_pair(Session& session, std::string_view a, std::string_view b,
                 std::string_view decision, std::string_view note);

// Where shipped data (str-frequencies/, geo/) is looked for, first to last: $ATHAR_DATA_DIR,
// PREFIX/share/athar beside an installed PREFIX/bin/athar, data/ beside the binary, and the
// source tree it was built from. Never the working directory.
std::vector<std::filesystem::path> shipped_data_places();
// The allele-frequency table Athar ships (str-frequencies/west-asia.txt) from the first of those
// places that has it; NotFound naming them and --frequencies otherwise.
std::string default_frequency_table();
// Per-marker mutation rates Athar ships (str-frequencies/mutation-rates-aabb2003.txt: AABB 2003,
// fathers' and mothers' rates for 15 loci), found the same way.
std::string default_mutation_rates();
// Any file of the shipped data (`relative` to a place above); NotFound naming the places and the
// command-line `option` that gives it otherwise.
std::string shipped_data_file(std::string_view relative, std::string_view option);
// The built web UI (a folder holding index.html): $ATHAR_WEB_DIR, then web/ in each shipped-data
// place, then web/dist in the source tree (where `npm run build` in web/ puts it). Empty when
// none is built; `searched` receives the places looked at.
std::filesystem::path shipped_web_ui(std::string* searched = nullptr);

struct GeneticProfiles {
  const kinship::FrequencyTable* table = nullptr;
  std::vector<kinship::Profile> profiles;
  core::OrderedJson to_json() const;  // sample, sex, dropout, marker: "a/b"
};
// The stored profiles of `kind` ("reference" or "remains"). Genetic data: only roles that may
// read it, and the read is a ledger entry naming the reader and the samples read.
GeneticProfiles read_genetic_profiles(Session& session, const kinship::FrequencyTable& table,
                                      const std::string& kind);
// Every profile of a file (long or wide table) stored as `kind`; all or nothing. The number added.
size_t add_genetic_profiles(Session& session, const kinship::FrequencyTable& table,
                            const std::filesystem::path& file, const std::string& kind);

// Families (pedigrees of a missing person and typed relatives), from a families CSV whose
// reference samples are stored already; all or nothing. The number added.
size_t add_families(Session& session, const kinship::FrequencyTable& table,
                    const std::filesystem::path& file);
struct Families {
  std::vector<kinship::Family> families;
  core::OrderedJson to_json() const;  // id, members: name, sex, father, mother, sample, missing
};
// The stored families and the missing persons' pedigrees built from their relatives' samples;
// they carry their references' profiles, so this is a logged genetic read.
Families read_families(Session& session, const kinship::FrequencyTable& table);

// An analyst confirms or rejects a screening candidate, with a reason; a ledger entry each.
// The LR is recomputed exactly with `model`'s mutation model and θ (the default: none, 0) and its
// reporting threshold; a final confirmation of a missing person's remains is an identification
// (matching::decide_kinship).
struct DecisionSettings {
  std::string mutation = "none";
  double theta = 0, threshold = 10000;
  // Lineage markers weighed too ("y" or "mt", for a missing person's family): the remains'
  // haplotype against the closest relative on that line (app/lineage.h), with this database;
  // the threshold then applies to the product of the two LRs.
  std::string lineage = {}, lineage_database = {};
};
matching::KinshipDecision decide_kinship(Session& session, matching::KinshipDecision decision,
                                         const DecisionSettings& settings = {});
struct KinshipDecisions {
  std::vector<matching::KinshipDecision> decisions;
  core::OrderedJson to_json() const;
};
KinshipDecisions read_kinship_decisions(Session& session);

}  // namespace athar::app
