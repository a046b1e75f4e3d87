// DNA kinship data in the registry: reference and remains profiles and family pedigrees, each
// added in one transaction with a ledger entry, read back for screening (docs/kinship.md).
//
//   matching::add_profiles(registry, table, "references.csv", "reference");
//   matching::add_families(registry, table, "families.csv");
//   auto families = matching::stored_families(registry, table);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kinship/lineage.h"
#include "kinship/pedigree.h"
#include "registry/registry.h"

namespace athar::matching {

// Adds every profile of the file (long or wide table) as `kind` ("reference" or "remains").
// A sample already stored is an error naming it; nothing of the file is written then.
size_t add_profiles(registry::Registry& registry, const kinship::FrequencyTable& table,
                    const std::string& path, const std::string& kind);
std::vector<kinship::Profile> stored_profiles(registry::Registry& registry,
                                              const kinship::FrequencyTable& table,
                                              const std::string& kind);

// Adds the families of a families CSV; their reference samples must already be stored. All or
// nothing, as above.
size_t add_families(registry::Registry& registry, const kinship::FrequencyTable& table,
                    const std::string& path);
std::vector<kinship::Family> stored_families(registry::Registry& registry,
                                             const kinship::FrequencyTable& table);
// One stored family with only its own references read; nullopt when no family has this id.
std::optional<kinship::Family> stored_family(registry::Registry& registry,
                                             const kinship::FrequencyTable& table,
                                             const std::string& id);
// One stored profile of this kind; nullopt when there is none.
std::optional<kinship::Profile> stored_profile(registry::Registry& registry,
                                               const kinship::FrequencyTable& table,
                                               const std::string& sample, const std::string& kind);

// Lineage haplotypes (Y-STR or mtDNA) of a file — CSV with `sample` and `haplotype` columns —
// stored as `kind` ("reference" or "remains") under the sample names the STR profiles use; all
// or nothing, a "kinship.haplotype" ledger entry each. The number added. InputError naming the
// row for a bad haplotype or a sample already holding one of this lineage.
size_t add_haplotypes(registry::Registry& registry, kinship::Lineage lineage,
                      const std::string& path, const std::string& kind);
// One stored haplotype; nullopt when the sample has none of this lineage (or is not of `kind`,
// when given).
std::optional<kinship::Haplotype> stored_haplotype(registry::Registry& registry,
                                                   kinship::Lineage lineage,
                                                   const std::string& sample,
                                                   const std::string& kind = {});
// Every stored haplotype of this lineage and kind, by sample name.
std::vector<kinship::Haplotype> stored_haplotypes(registry::Registry& registry,
                                                  kinship::Lineage lineage,
                                                  const std::string& kind);

// The population's haplotype database of a line, kept in the store (replacing the one before; a
// "kinship.lineage-database" ledger entry pins its canonical text by SHA-256), so that the
// command line, the API and decisions all weigh the same counts.
struct StoredLineageDatabase {
  std::string name;    // the file's name when it was stored
  std::string sha256;  // of its canonical text
  std::string added_at, added_by;
  kinship::HaplotypeDatabase database;
};
StoredLineageDatabase store_lineage_database(registry::Registry& registry, kinship::Lineage lineage,
                                             const std::string& path);
std::optional<StoredLineageDatabase> stored_lineage_database(registry::Registry& registry,
                                                             kinship::Lineage lineage);

// An analyst's decision on a screening candidate: remains `remains` is, or is not, the missing
// member `member` of family `family` (a stored family, or a missing person's record id whose
// relatives gave reference samples: matching/identification.h).
struct KinshipDecision {
  std::string remains, family, member;
  std::string decision;  // "confirmed" or "rejected"
  std::string log10_lr;  // as shown to the reviewer
  std::string reason, decided_by, decided_at;
  // Set when deciding: the LR recomputed exactly ("excluded" for an exclusion) and the model,
  // the reporting threshold (an LR), "final" or "awaiting_second_review" (a confirmation below
  // the threshold until a second account confirms it), the first reviewer of a two-reviewer
  // confirmation, and the remains record an identification named.
  std::string exact_log10_lr = {}, model = {}, threshold = {}, state = {}, first_reviewer = {},
              identified = {};
  // The kept screening run it was made from (kinship-run-N), when given: the candidate must be
  // among that run's.
  std::string run = {};
  // The lineage comparison it weighed too, as canonical JSON ("" for none): line, log10 LR, the
  // relative, the database's SHA-256 and size.
  std::string lineage = {};
  // Those of the workflow's fields that are set, by name (decisions made before the workflow
  // have none).
  std::vector<std::pair<const char*, const std::string*>> workflow_fields() const;
};
// How a decision's LR is recomputed.
struct DecisionModel {
  kinship::MutationModel mutation = {};
  double theta = 0;
  double threshold = 10000;  // reporting threshold; below it a confirmation needs two reviewers
  std::string description = "mutation none, theta 0";
  // Lineage markers weighed too: their log10 LR and what it came from (KinshipDecision::lineage).
  double lineage_log10_lr = 0;
  std::string lineage = {};
};
// Records it with a ledger entry ("kinship.decision"), replacing an earlier decision on the same
// candidate, after recomputing the LR exactly. A confirmation at or above the threshold, or the
// second confirmation by another account of one below it, is final; when the family is a
// missing person's and the remains profile belongs to a remains record (a sample names it), a
// final confirmation is an identification, in the same transaction: the remains record names the
// person and becomes `identified`, and so does the person. InputError naming the field when the
// remains sample is not a stored remains profile, the family is not stored, the member is not one
// of its missing members, the decision is not confirmed/rejected, the reason is empty, the same
// account confirms twice, or the remains are identified as someone else already.
KinshipDecision decide_kinship(registry::Registry& registry, const kinship::FrequencyTable& table,
                               KinshipDecision decision, const DecisionModel& model = {});
std::vector<KinshipDecision> kinship_decisions(registry::Registry& registry);
// The ledger subject of a decision's entries: kinship-decision:REMAINS|FAMILY|MEMBER.
std::string decision_subject(const KinshipDecision& d);

// A screening run over the registry's profiles, kept (kinship_runs) with a ledger entry
// ("kinship.run", subject kinship-run:N) whose hash covers the row: settings and candidates as
// canonical JSON text, the frequency table's SHA-256 (hex), Athar's version.
struct KeptScreeningRun {
  int64_t num = 0;
  std::string started_at = {}, started_by = {}, settings = {}, frequencies_sha256 = {},
              athar_version = {};
  int64_t remains = 0, missing_persons = 0;
  std::string candidates = {};
  std::string id() const { return "kinship-run-" + std::to_string(num); }
};
KeptScreeningRun keep_screening_run(registry::Registry& registry, KeptScreeningRun run);
std::vector<KeptScreeningRun> kept_screening_runs(registry::Registry& registry);
// SHA-256 (hex) of a frequency table's content: markers, alleles and frequencies, exactly.
std::string frequency_table_sha256(const kinship::FrequencyTable& table);

// Profiles and families whose row no longer matches its last ledger entry, or has none:
// (subject, what) pairs for `athar verify`.
std::vector<std::pair<std::string, std::string>> check_kinship(registry::Registry& registry);

}  // namespace athar::matching
