// The identification report a family liaison hands a family, and a court's expert checks: for a
// final confirmed kinship decision, who was identified from which remains and samples, against
// which relatives' references, with the exact LR, the prior and the posterior, the threshold,
// the model, the frequency table and Athar's version pinned by hash, the reviewers, and the
// ledger entries that anchor it; in Arabic or English, as PDF (docs/identification.md).
//
//   auto report = app::identification_report(session, {.person = "person-000002"});
//   const std::string pdf = report.pdf("ar");
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "app/instance.h"
#include "core/json.h"

namespace athar::app {

// Which identification: a person's (the final confirmation that identified them), or one
// decision by remains sample, family and member.
struct ReportRequest {
  std::string person = {};
  std::string remains = {}, family = {}, member = {};
  double prior = 0;  // 0: the kept run's prior, else 1/(missing persons + 1)
};

struct IdentificationReport {
  std::string issued_at, issued_by;
  // The identification.
  std::string person, person_name, person_status;
  std::string remains_record, remains_label, remains_site, recovered_on;
  std::string remains_profile, remains_sample, remains_sample_number, remains_lab;
  std::string family, member;
  // Other remains records identified as the same person (fragments of one body), with their
  // samples: the report rests on the decision with the highest LR.
  std::vector<std::string> also_identified;
  size_t missing_members = 1;  // in the family: the LR is the member's alone
  struct Reference {
    std::string name, relation, sample_number, lab;  // name: the pedigree's (a sample id)
    size_t markers = 0;
  };
  std::vector<Reference> references;
  // The evaluation, recomputed now and equal to the decision's.
  double log10_lr = 0;
  double prior = 0, posterior = 0;
  std::string prior_basis;  // "run" (the kept run's), "missing_persons" or "given"
  size_t missing_persons = 0;
  double threshold = 0;
  std::string mutation, mutation_rates, run;
  double theta = 0;
  struct Marker {
    std::string marker;
    double log10_lr = 0;
  };
  std::vector<Marker> markers;
  // Lineage markers the decision weighed too (its canonical JSON; "" for none): the conclusion
  // then rests on the product of the two LRs, `combined_log10_lr`.
  std::string lineage = {};
  double lineage_log10_lr = 0, combined_log10_lr = 0;
  std::string frequencies_sha256, athar_version, run_athar_version;
  // The review.
  std::string decided_by, decided_at, first_reviewer, reason;
  // The ledger: the decision's entry and its leaf hash, the tree when the report was issued, and
  // the report's own entry (kinship.report) whose hash is `content_sha256`.
  uint64_t decision_entry = 0;
  std::string decision_leaf, root;
  uint64_t tree_size = 0, report_entry = 0;
  std::string content_sha256;

  // Everything above but the report's own entry and hash: what `content_sha256` hashes.
  core::OrderedJson content() const;
  core::OrderedJson to_json() const;
  void write_text(std::ostream& out) const;
  // "en" or "ar"; InputError for another language.
  std::string pdf(const std::string& language) const;
};

// Issues the report: a ledger entry ("kinship.report", naming the reader) whose hash covers its
// content. Any role that reads records (the liaison above all); genotypes and donors' names are
// not in it. InputError naming the field when there is no final confirmation for the request,
// or the LR recomputed now differs from the decision's (the references changed since).
IdentificationReport identification_report(Session& session, const ReportRequest& request);

}  // namespace athar::app
