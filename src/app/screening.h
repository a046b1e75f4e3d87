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
#include "kinship/planning.h"
#include "kinship/screening.h"

namespace athar::app {

struct ScreenOptions {
  // The three files together, or none: then the registry's profiles and families.
  std::string families, references, remains;
  double threshold = 10000, prior = 0;
  std::string mutation = "none";  // none, equal, proportional or stepwise
  double male_rate = 0.0018, female_rate = 0.0003, range = 0.1;
  // Per-marker rates; "" with a mutation model: the shipped AABB 2003 rates
  // (default_mutation_rates), the markers they lack at male_rate and female_rate.
  std::string rates_file;
  double theta = 0;              // Fst applied exactly to the candidates, in [0, 0.5)
  bool assign = false;           // join fragments and assign bodies to missing persons
  double match_threshold = 1e6;  // LR for two remains to be one body's fragments
  // The joint assignment weighs every pair with an LR above this, below the reporting
  // threshold too: only pairs with LR ≤ 1 cannot raise the assignment's total (DVI practice).
  double assign_floor = 1;
  // A screening for a partner institution: only donors whose consent is sharing with it take
  // part; refused, naming the others, unless `consenting_only` leaves them out. Families
  // imported from files record no consent and are outside any partner's scope.
  std::string for_partner = {};
  bool consenting_only = false;
};

// The mutation rate a marker was computed with, and where it came from.
struct MarkerMutationRate {
  std::string marker;
  double fathers = 0, mothers = 0;
  std::string source;  // the rates file, or "default average" for a marker it lacks
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
  std::vector<kinship::Assignment> assignment;     // below the reporting threshold too
  double threshold = 0;                            // the reporting threshold (an LR)
  std::string mutation_model;                      // "none", "stepwise", …
  std::vector<MarkerMutationRate> mutation_rates;  // per marker of the table, with a model
  double theta = 0;
  std::vector<std::string> outside_consent;  // left out of a partner's screening
  std::string kept_run;  // a screening of the registry's profiles: the run kept (kinship-run-N)

  core::OrderedJson to_json() const;
  void write_csv(std::ostream& out) const;  // every candidate
};

// "stepwise; rates: AABB 2003 (…) for 15 markers, default average for D1S1656, …": which
// markers used which rates, in a line.
std::string describe_mutation(const std::string& model,
                              const std::vector<MarkerMutationRate>& rates);

// The mutation model the options describe (rates checked; the shipped per-marker rates unless
// a file is given); `described`, when given, receives each marker's rates and their source.
kinship::MutationModel mutation_model(const ScreenOptions& options,
                                      const kinship::FrequencyTable& table,
                                      std::vector<MarkerMutationRate>* described = nullptr);
// InputError unless 0 ≤ θ < 0.5.
void check_theta(double theta);

// `session` may be null when the three files are given; otherwise it must be allowed to run
// analyses (the registry's profiles are read).
ScreenResult screen_remains(Session* session, kinship::FrequencyTable table,
                            const ScreenOptions& options, const core::Progress& progress = {});

// `kinship lr`: one family's missing member against one remains profile, marker by marker,
// exactly (double precision), with the model's settings named.
struct KinshipLrRequest {
  std::string family, member, remains;  // member "": the family's only missing member
  double prior = 0;                     // 0: no posterior
};
struct KinshipLrResult {
  kinship::FrequencyTable table;
  kinship::Family family;
  size_t member = 0;
  kinship::Profile remains;
  kinship::PairwiseResult lr;
  std::string mutation_model;
  std::vector<MarkerMutationRate> mutation_rates;
  double theta = 0, prior = 0, posterior = 0;
  std::vector<std::string> unseen_alleles;

  // Per marker: the remains' and each typed relative's genotype, the LR (or "excluded"), and
  // with a mutation model the rates used; then the product.
  core::OrderedJson to_json() const;
  void write_text(std::ostream& out) const;
};
// From the families and references files with the remains file (options' three files), or the
// registry's (then `session` reads the genotypes: a ledger entry names the family and sample).
KinshipLrResult kinship_lr(Session* session, kinship::FrequencyTable table,
                           const ScreenOptions& options, const KinshipLrRequest& request);

// `kinship fragments`: remains profiles that match one another directly (LR ≥ `threshold`, at
// least 8 markers compared, θ 0.01) are fragments of one body; their remains records say so: each
// names the most complete one as its `body` and is marked commingled (a record update, in the
// ledger). A record that already names another body is left as it is and listed. Roles that run
// analyses (as decisions, which identify remains records, do).
struct FragmentBody {
  std::string body;                    // the remains record the others name
  std::vector<std::string> fragments;  // remains records joined to it now or before
  std::vector<std::string> profiles;   // their samples' profiles
  double weakest_log10_lr = 0;         // the weakest direct match that joined them
};
struct FragmentJoining {
  size_t profiles = 0, matches = 0;
  std::vector<FragmentBody> bodies;
  size_t records_updated = 0;
  std::vector<std::string> conflicts;  // "remains-000012 names remains-000003, not …"
  std::vector<std::string> unlinked;   // profiles that no remains sample names
  core::OrderedJson to_json() const;
  void write_text(std::ostream& out) const;
};
FragmentJoining join_fragments(Session& session, double threshold = 1e6);

// `kinship plan`: for a missing person whose relatives gave typed samples, how well they can find
// them now, and what one more relative's sample would bring (kinship/planning.h): a liaison's
// answer to "whom should we ask next". Figures only, no genotype: any role that reads records.
struct IdentificationPlan {
  std::string person;
  double threshold = 10000;
  kinship::FamilyPower now;           // the references as typed
  kinship::FamilyPower expected_now;  // the same relatives, expected before typing
  struct Candidate {
    std::string relation;
    kinship::FamilyPower expected;
  };
  std::vector<Candidate> with_one_more;  // best first
  std::vector<std::string> notes;

  core::OrderedJson to_json() const;
  void write_text(std::ostream& out) const;
};
IdentificationPlan plan_identification(Session& session, const std::string& person_id,
                                       double threshold = 10000, size_t simulations = 300);

}  // namespace athar::app
