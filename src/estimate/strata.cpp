#include "estimate/strata.h"

#include <algorithm>
#include <cstdint>

#include "core/error.h"

namespace athar::estimate {

namespace {

constexpr const char* kLogLinearAssumes =
    "the lists' dependence is captured by two-way interactions; people equally catchable "
    "otherwise";
constexpr const char* kLatentAssumes =
    "capture independent within each of up to K latent classes of people (heterogeneity), prior "
    "1/N";

MethodResult log_linear(const CaptureHistories& h, const EstimationOptions& o) {
  MethodResult a;
  a.models = fit_all_models(h);
  const LogLinearFit& best = a.models.front();
  a.method = "log-linear " + best.model.name(h.lists);
  a.assumes = kLogLinearAssumes;
  a.documented = h.documented();
  a.estimate = best.total;
  a.draws = bootstrap_totals(h, best.model, o.bootstrap, o.seed);
  const Interval i = percentile_interval(a.draws);
  a.low = i.low;
  a.high = i.high;
  a.profile = profile_interval(h, best.model);
  if (!best.converged) a.warnings.push_back("the best model did not converge");
  if (2 * a.draws.size() < o.bootstrap)
    a.warnings.push_back("only " + std::to_string(a.draws.size()) + " of " +
                         std::to_string(o.bootstrap) +
                         " bootstrap tables could be fitted: the bootstrap interval understates "
                         "the uncertainty (the profile-likelihood interval does not depend on it)");
  return a;
}

MethodResult latent_classes(const CaptureHistories& h, const EstimationOptions& o) {
  LatentClassOptions lc = o.latent;
  lc.seed = o.seed;
  lc.progress = o.progress.part(0, o.log_linear ? 0.9 : 1);
  LatentClassResult r = sample_latent_class(h, lc);
  MethodResult a;
  a.latent = true;
  a.method = "latent classes (K " + std::to_string(lc.classes) + ")";
  a.assumes = kLatentAssumes;
  a.documented = h.documented();
  a.estimate = r.median;
  a.low = r.low;
  a.high = r.high;
  a.draws = std::move(r.totals);
  a.chains = std::move(r.chains);
  a.effective_sample_size = r.effective_sample_size;
  a.split_r_hat = r.split_r_hat;
  a.occupied_median = r.occupied_median;
  a.all_occupied_share = r.all_occupied_share;
  a.classes = lc.classes;
  a.iterations = r.iterations;
  a.seconds = r.seconds;
  // Documented limits: fewer than 100 effective draws, or chains (and their halves) that
  // disagree (split R-hat above 1.05), and the estimate is not to be trusted.
  if (r.effective_sample_size < 100)
    a.warnings.push_back("effective sample size " + std::to_string(r.effective_sample_size) +
                         " is under 100: run longer (more samples or thinning)");
  if (r.split_r_hat > 1.05)
    a.warnings.push_back("split R-hat " + std::to_string(r.split_r_hat) +
                         " is over 1.05: the chains have not settled (longer burn-in)");
  for (const std::string& w : mixing_warnings(r, lc)) a.warnings.push_back(w);
  return a;
}

// Each stratum draws from its own random stream: strata are independent samples, and with one
// seed for all, two strata alike would draw alike and their sum's spread would double instead
// of growing by √2. The first stratum keeps the seed given (an unstratified run is unchanged).
EstimationOptions for_stratum(EstimationOptions o, size_t stratum, size_t strata) {
  o.seed += stratum * 0x9E3779B97F4A7C15ULL;
  o.progress = o.progress.part(static_cast<double>(stratum) / static_cast<double>(strata),
                               static_cast<double>(stratum + 1) / static_cast<double>(strata));
  return o;
}

std::vector<MethodResult> methods_for(const CaptureHistories& h, const EstimationOptions& o) {
  std::vector<MethodResult> out;
  if (o.latent_class) out.push_back(latent_classes(h, o));
  if (o.log_linear) {
    o.progress(o.latent_class ? 0.9 : 0, "log-linear models");
    out.push_back(log_linear(h, o));
  }
  for (MethodResult& a : out) {
    if (a.high > 20 * a.documented)
      a.warnings.push_back(
          "the interval reaches past 20 times the documented: the lists overlap too little here "
          "to say how many were missed");
  }
  return out;
}

// Strata are independent, so a total's draw i is the sum of each stratum's draw i. A stratum
// with fewer draws (bootstrap tables that could not be fitted are dropped) has its draws used in
// turn, so that the total keeps every other stratum's spread; it is named in a warning.
MethodResult summed(const std::vector<const StratumEstimates*>& strata, size_t method) {
  const MethodResult& first = strata.front()->methods[method];
  MethodResult a;
  a.latent = first.latent;
  a.method = a.latent ? "latent classes, sum of strata" : "log-linear, sum of strata";
  a.assumes = first.assumes;
  size_t n = 0;
  for (const StratumEstimates* s : strata) n = std::max(n, s->methods[method].draws.size());
  a.draws.assign(n, 0.0);
  for (const StratumEstimates* s : strata) {
    const MethodResult& p = s->methods[method];
    a.documented += p.documented;
    a.estimate += p.estimate;
    for (size_t i = 0; i < n; ++i) a.draws[i] += p.draws[i % p.draws.size()];
    if (2 * p.draws.size() < n)
      a.warnings.push_back(s->name + " has " + std::to_string(p.draws.size()) +
                           " draws to add to " + std::to_string(n) +
                           ": used in turn, they understate its part of the total's uncertainty");
  }
  const Interval i = percentile_interval(a.draws);
  a.low = i.low;
  a.high = i.high;
  return a;
}

}  // namespace

Estimates estimate_strata(std::vector<std::pair<std::string, CaptureHistories>> strata,
                          bool stratified, const EstimationOptions& o) {
  if (strata.empty()) throw core::InputError("estimate", "strata", "", "no histories");
  if (!o.log_linear && !o.latent_class)
    throw core::InputError("estimate", "methods", "", "choose log-linear, latent classes or both");
  Estimates out;
  std::string pooled_names;
  CaptureHistories pooled;
  for (size_t index = 0; index < strata.size(); ++index) {
    const auto& [name, h] = strata[index];
    try {
      out.strata.push_back({name, h, methods_for(h, for_stratum(o, index, strata.size() + 1))});
    } catch (const core::InputError&) {
      if (!stratified) throw;
      // Too sparse for a model: pooled with the others that are (the usual remedy).
      pooled_names += (pooled_names.empty() ? "" : ", ") + name;
      if (pooled.counts.empty()) {
        pooled = h;
      } else {
        for (size_t c = 0; c < pooled.counts.size(); ++c) pooled.counts[c] += h.counts[c];
      }
    }
  }
  if (!pooled_names.empty()) {
    try {
      out.strata.push_back({"(pooled: " + pooled_names + ")", pooled,
                            methods_for(pooled, for_stratum(o, strata.size(), strata.size() + 1))});
    } catch (const core::InputError& e) {
      throw core::InputError("estimate", "strata", pooled_names,
                             std::string("too sparse to estimate, even pooled: ") + e.what());
    }
  }
  const size_t methods = out.strata.front().methods.size();
  for (size_t m = 0; m < methods; ++m) {
    if (!stratified) {
      out.totals.push_back(out.strata.front().methods[m]);
      continue;
    }
    std::vector<const StratumEstimates*> parts;
    for (const StratumEstimates& s : out.strata) parts.push_back(&s);
    out.totals.push_back(summed(parts, m));
  }
  return out;
}

}  // namespace athar::estimate
