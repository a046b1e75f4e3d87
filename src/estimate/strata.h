// The chosen methods run on each stratum, and the strata summed (docs/estimate.md): what
// `athar estimate` prints, draws and records, kept in the engine so that every shell shares it.
//
//   EstimationOptions o;  o.latent_class = true;
//   Estimates e = estimate_strata({{"north", h1}, {"south", h2}}, true, o);
//   e.totals[0].estimate, e.totals[0].low, e.totals[0].high   // latent classes, sum of strata
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "estimate/latent_class.h"
#include "estimate/loglinear.h"

namespace athar::estimate {

struct EstimationOptions {
  bool log_linear = true, latent_class = false;  // both: latent classes first
  size_t bootstrap = 1000;                       // log-linear bootstrap replicates
  uint64_t seed = 1;
  LatentClassOptions latent;  // its seed is replaced by `seed`, its progress by a part of this
  core::Progress progress;    // strata, then methods in turn
};

// One method's answer for one stratum, or for the sum of strata.
struct MethodResult {
  bool latent = false;
  std::string method, assumes;
  double documented = 0, estimate = 0, low = 0, high = 0;  // 95% interval
  std::vector<double> draws;  // bootstrap totals or posterior draws: what the sum adds up
  std::vector<std::string> warnings;
  // Log-linear, one stratum: every model by AIC (the first is the method's) and the profile-
  // likelihood interval of the first.
  std::vector<LogLinearFit> models;
  Interval profile;
  // Latent classes, one stratum: the chains' traces and diagnostics.
  std::vector<std::vector<double>> chains;
  double effective_sample_size = 0, split_r_hat = 0, seconds = 0;
  double occupied_median = 0, all_occupied_share = 0;  // classes occupied at the kept draws
  int classes = 0;                                     // K
  uint64_t iterations = 0;
};

struct StratumEstimates {
  std::string name;  // "" when not stratified; "(pooled: a, b)" for strata estimated together
  CaptureHistories histories;
  std::vector<MethodResult> methods;
};

struct Estimates {
  std::vector<StratumEstimates> strata;
  std::vector<MethodResult> totals;  // per method: the only stratum, or the sum of strata
};

// Each stratum by each method. Strata are independent samples: a total's draws are the strata's
// draws added index by index (a stratum with fewer, its draws in turn, with a warning), its
// interval their percentiles, its estimate the strata's estimates summed. A stratum too sparse for
// a model is pooled with the others that are and estimated with them; InputError when even the pool
// cannot be (or, unstratified, the one set of histories cannot be). Warnings: latent chains with
// ESS < 100 or split R-hat > 1.05, an interval past 20 times the documented, a best model that did
// not converge.
Estimates estimate_strata(std::vector<std::pair<std::string, CaptureHistories>> strata,
                          bool stratified, const EstimationOptions& options);

}  // namespace athar::estimate
