// `kinship screen`: every remains sample against every family's missing members, candidates
// ranked by likelihood ratio; optionally θ applied exactly to the candidates found without it,
// and the joint assignment of fragment bodies to missing persons (docs/kinship.md).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/instance.h"
#include "core/json.h"
#include "kinship/assignment.h"
#include "kinship/pedigree.h"
#include "kinship/screening.h"

namespace athar::app {

struct ScreenOptions {
  // The three files together, or none: then the registry's profiles and families.
  std::string families, references, remains;
  double threshold = 10000, prior = 0;
  std::string mutation = "none";  // none, equal, proportional or stepwise
  double male_rate = 0.0018, female_rate = 0.0003, range = 0.1;
  std::string rates_file;
  double theta = 0;              // Fst applied exactly to the candidates
  bool assign = false;           // join fragments and assign bodies to missing persons
  double match_threshold = 1e6;  // LR for two remains to be one body's fragments
};

struct ScreenResult {
  kinship::FrequencyTable table;
  std::vector<kinship::Profile> references, remains;
  std::vector<kinship::Family> families;
  std::vector<std::string> unseen_alleles;
  size_t missing_persons = 0;
  kinship::ScreeningResult screening;
  // With `assign`: the direct matches' count, each remains' body, and the assignment.
  std::optional<size_t> direct_matches;
  std::vector<uint32_t> body_of_remains;
  std::vector<kinship::Assignment> assignment;

  core::OrderedJson to_json() const;
  void write_csv(std::ostream& out) const;  // every candidate
};

// `session` may be null when the three files are given; otherwise it must be allowed to run
// analyses (the registry's profiles are read).
ScreenResult screen_remains(Session* session, kinship::FrequencyTable table,
                            const ScreenOptions& options, const core::Progress& progress = {});

}  // namespace athar::app
