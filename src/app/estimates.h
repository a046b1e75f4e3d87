// `estimate`: how many were not documented, from how the lists overlap (docs/estimate.md).
// Histories come from a CSV (a `stratum` column splits it) or from the registry's latest linkage
// run (`by` site, governorate, sex or year splits it); each stratum is estimated on its own and
// the strata summed draw by draw; optionally over linkages drawn from the run's pair
// probabilities, and recorded in the registry beside the claims.
#pragma once

#include <optional>
#include <string>

#include "app/instance.h"
#include "core/json.h"
#include "estimate/latent_class.h"
#include "estimate/strata.h"
#include "matching/linkage_draws.h"

namespace athar::app {

struct EstimateOptions {
  std::string histories;        // a capture histories CSV; "" : the registry's latest linkage run
  std::string by;               // registry strata: site, governorate, sex or year
  std::string subject = "all";  // what the total is recorded under
  size_t bootstrap = 1000, top = 5;
  size_t linkage_draws = 0;  // 0: the one linkage the run chose
  uint64_t seed = 1;
  bool latent_class = false, compare = false, record = false;
  estimate::LatentClassOptions latent;
};

// The log-linear model BIC prefers, with its intervals (the same replicates and seed as AIC's).
struct BicChoice {
  std::string model;
  double estimate = 0;
  estimate::Interval bootstrap, profile;
};

struct EstimateResult {
  EstimateOptions options;
  estimate::Estimates estimates;
  bool stratified = false;
  std::optional<BicChoice> bic;  // with an unstratified log-linear total
  std::optional<matching::LinkageAwareEstimates> aware;
  matching::Calibration calibration;
  core::OrderedJson to_json() const;
};

// `session` may be null when the histories come from a file and nothing is recorded (no data
// folder is needed then); otherwise it must be allowed to run analyses.
EstimateResult estimate_victims(Session* session, const EstimateOptions& options,
                                const core::Progress& progress = {});

}  // namespace athar::app
