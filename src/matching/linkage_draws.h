// Estimates that carry linkage uncertainty (docs/estimate.md, "Linkage uncertainty"): instead of
// the one linkage a run chose, draw many linkage structures from the pairs' match probabilities,
// rebuild the capture histories of each, estimate each, and pool the draws, so that the interval
// holds the error of linkage beside the error of sampling.
//
//   LinkageDrawInput in = linkage_draw_input(registry);     // the latest run's pairs
//   LinkageDrawOptions o;  o.draws = 100;
//   LinkageAwareEstimates e = estimate_with_linkage_draws(in, o);
//   e.totals[0].low, e.totals[0].high, e.linkage_share[0]  // pooled interval, share from linkage
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "estimate/strata.h"
#include "linkage/linkage.h"
#include "matching/estimate_store.h"
#include "registry/registry.h"

namespace athar::matching {

struct LinkageDrawInput {
  std::vector<std::string> lists;        // list (source) names; at most 16
  std::vector<uint32_t> list_of_record;  // per record: index into `lists`
  // Per record: its stratum (a site id, a governorate...); empty: one stratum. An entity takes
  // the value most of its records give (capture_histories_by's rule).
  std::vector<std::string> stratum_of_record;
  // Candidate pairs with their match probabilities (record indexes). Pairs not here never link.
  std::vector<linkage::Link> pairs;
  // Analysts' decisions (record indexes): same pairs always link, different ones never share an
  // entity.
  std::vector<std::pair<uint32_t, uint32_t>> same, different;
  // Each entity holds at most one record of a list (linkage across lists only). Otherwise two
  // records of one list share an entity only where their own pair is among `pairs`: a chain
  // through other lists does not make two names of one list one person.
  bool one_record_per_list = false;
};

// The latest registry linkage run as draw input: its persons, their sources as lists, the kept
// pairs (from the run's review_from up) and the analysts' decisions; strata by `by` as
// capture_histories_by. InputError when there is no run.
LinkageDrawInput linkage_draw_input(registry::Registry& registry, std::optional<StratumBy> by);

// One linkage structure: each pair links with its probability (decisions fixed), the drawn links
// joined strongest first under the input's rules. Returns the entity of every record.
std::vector<uint32_t> draw_linkage(const LinkageDrawInput& in, std::mt19937_64& random);
// The capture histories of a linkage structure, by stratum (one unnamed stratum when the input
// has none).
std::vector<std::pair<std::string, estimate::CaptureHistories>> histories_of(
    const LinkageDrawInput& in, const std::vector<uint32_t>& entity);

// Match probabilities recalibrated from analysts' decisions (Platt scaling): the model's
// probabilities assume fields independent given the class, which names are not, and come out
// too low or too high; drawn linkages are only as right as they are. Fitted on the decided pairs
// among the candidates, logit p' = intercept + slope × logit p, by maximum likelihood with a weak
// prior towards no change (intercept 0, slope 1).
struct Calibration {
  double intercept = 0, slope = 1;
  size_t decided = 0, same = 0;  // decided candidate pairs it learnt from, and how many same
  bool fitted = false;  // false: too few decisions (fewer than 20, or under 5 of either kind)
  double apply(double probability) const;
};
Calibration calibrate_from_decisions(const LinkageDrawInput& in);
// The input with every candidate's probability recalibrated (decisions stay as they are).
void apply_calibration(const Calibration& c, LinkageDrawInput& in);

struct LinkageDrawOptions {
  size_t draws = 100;  // linkage structures
  uint64_t seed = 1;
  // Per draw. Its bootstrap replicates and latent-class samples are per draw: the pooled sample
  // holds draws × that many.
  estimate::EstimationOptions estimation = [] {
    estimate::EstimationOptions o;
    o.bootstrap = 100;
    o.latent.samples = 200;
    o.latent.burn_in = 2000;
    o.latent.thinning = 20;
    o.latent.chains = 1;
    return o;
  }();
  unsigned threads = 0;  // 0: every core; the result does not depend on it
  core::Progress progress;
};

struct LinkageAwareEstimates {
  // Per method, as estimate_strata's totals: the pooled draws, the estimate (the mean of the
  // draws' estimates), the pooled 95% percentile interval. `documented` is the median number of
  // entities over the draws.
  std::vector<estimate::MethodResult> totals;
  // Per method: the share of the pooled variance that lies between linkage draws (the law of
  // total variance): how much of the interval is linkage.
  std::vector<double> linkage_share;
  // Per method: the mean width of one draw's own interval (the width without linkage error).
  std::vector<double> within_width;
  double documented_low = 0, documented_high = 0;  // 2.5% and 97.5% of entities over draws
  size_t draws = 0;
};

// InputError when a draw's histories cannot be estimated (estimate_strata's errors).
LinkageAwareEstimates estimate_with_linkage_draws(const LinkageDrawInput& in,
                                                  const LinkageDrawOptions& options);

}  // namespace athar::matching
