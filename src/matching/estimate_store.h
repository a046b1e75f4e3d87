// Victim-count estimation over the registry (docs/estimate.md): capture histories of the latest
// linkage run's entities split into strata by site or governorate, and estimates kept in the
// registry beside the claims about the same site or governorate, each with a ledger entry.
//
//   auto strata = matching::capture_histories_by(registry, matching::StratumBy::kSite);
//   matching::record_estimate(registry, {.subject = "site-0003", .method = ..., ...});
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "estimate/loglinear.h"
#include "registry/registry.h"

namespace athar::matching {

enum class StratumBy { kSite, kGovernorate, kSex, kYear };

// Stratum names: a site id (an entity whose persons are linked `buried_at` one site), a
// governorate code (the persons' governorate), a sex, or a year (of disappearance, else of
// detention, else of death). An entity takes the value most of its records give, a tie going to
// the first in order (the earliest year); "(unknown)" when none is known. A person linked to two
// sites counts for the first link. Every stratum has the same lists (all sources of the run),
// in the order of the unstratified histories. InputError when there is no linkage run.
std::vector<std::pair<std::string, estimate::CaptureHistories>> capture_histories_by(
    registry::Registry& registry, StratumBy by);
// Each person's value for `by` (person id → site id, governorate code, sex or year); persons
// without one are left out.
std::map<std::string, std::string> stratum_of_records(registry::Registry& registry, StratumBy by);

struct StoredEstimate {
  int64_t num = 0;      // set when stored
  std::string subject;  // site-0003, a governorate code, or "all"
  std::string method;   // e.g. "latent classes (K 10)" or "log-linear [A*B][C]"
  double documented = 0, estimate = 0, low = 0, high = 0;  // 95% interval
  estimate::CaptureHistories histories;
  std::string settings;  // JSON object: the options that produced it, diagnostics, warnings
  std::string created_at, created_by;
};

// InputError unless `subject` is an existing site's id (NotFound when no such site), a
// governorate code or "all".
void check_estimate_subject(registry::Registry& registry, const std::string& subject);

// Stores the estimate with a ledger entry (op "estimate.record", subject "estimate:<num>"), in
// one transaction; returns its number. InputError for a subject that is neither an existing
// site, a governorate code, nor "all", an interval whose low end passes its high end, or a
// negative estimate.
int64_t record_estimate(registry::Registry& registry, StoredEstimate e);
// Several at once, all or nothing: every one is checked before any is written.
std::vector<int64_t> record_estimates(registry::Registry& registry,
                                      std::vector<StoredEstimate> estimates);
// Stored estimates, newest first; only those about `subject` when it is not empty.
std::vector<StoredEstimate> stored_estimates(registry::Registry& registry,
                                             const std::string& subject = "");

// Estimates whose row no longer matches its ledger entry: (subject, what) for `athar verify`.
std::vector<std::pair<std::string, std::string>> check_estimates(registry::Registry& registry);

}  // namespace athar::matching
