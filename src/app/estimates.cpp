#include "app/estimates.h"

#include <fstream>
#include <map>

#include "core/error.h"
#include "estimate/loglinear.h"
#include "matching/estimate_store.h"
#include "matching/person_linkage.h"

namespace athar::app {

namespace est = athar::estimate;
using core::OrderedJson;
using Answer = est::MethodResult;

namespace {

OrderedJson answer_json(const Answer& a, size_t top, const est::CaptureHistories& h) {
  OrderedJson j = {{"method", a.method},     {"documented", a.documented},
                   {"estimate", a.estimate}, {"interval", {a.low, a.high}},
                   {"assumes", a.assumes},   {"warnings", a.warnings}};
  if (a.latent && !a.chains.empty()) {
    j["chains"] = a.chains.size();
    j["iterations"] = a.iterations;
    j["seconds"] = a.seconds;
    j["effective_sample_size"] = a.effective_sample_size;
    j["split_r_hat"] = a.split_r_hat;
    j["occupied_classes"] = {{"median", a.occupied_median},
                             {"all_occupied_share", a.all_occupied_share}};
  }
  if (!a.models.empty()) {
    j["profile_interval"] = {a.profile.low, a.profile.high};
    OrderedJson models = OrderedJson::array();
    for (size_t m = 0; m < a.models.size() && m < top; ++m) {
      const est::LogLinearFit& f = a.models[m];
      models.push_back({{"model", f.model.name(h.lists)},
                        {"deviance", f.deviance},
                        {"df", f.degrees_of_freedom},
                        {"aic", f.aic},
                        {"bic", f.bic},
                        {"estimate", f.total},
                        {"converged", f.converged}});
    }
    j["models"] = models;
    const est::LogLinearFit& bic = est::best_by_bic(a.models);
    j["by_bic"] = {{"model", bic.model.name(h.lists)}, {"estimate", bic.total}};
  }
  return j;
}

// The settings kept with a recorded estimate, with every warning printed beside it: the
// histories' own (too few in the overlaps, ...) and the method's.
std::string settings_json(const EstimateOptions& o, const Answer& a,
                          const est::CaptureHistories& histories) {
  OrderedJson s = {{"seed", o.seed}};
  if (a.latent) {
    s["classes"] = o.latent.classes;
    s["burn_in"] = o.latent.burn_in;
    s["samples"] = o.latent.samples;
    s["thinning"] = o.latent.thinning;
    s["chains"] = o.latent.chains;
    s["effective_sample_size"] = a.effective_sample_size;
    s["split_r_hat"] = a.split_r_hat;
    s["occupied_classes"] = {{"median", a.occupied_median},
                             {"all_occupied_share", a.all_occupied_share}};
  } else {
    s["bootstrap"] = o.bootstrap;
  }
  std::vector<std::string> warnings = est::warnings(histories);
  warnings.insert(warnings.end(), a.warnings.begin(), a.warnings.end());
  s["warnings"] = warnings;  // shown with the estimate wherever the registry shows it
  return s.dump();
}

OrderedJson aware_json(const matching::LinkageAwareEstimates& a, const matching::Calibration& c) {
  OrderedJson methods = OrderedJson::array();
  for (size_t m = 0; m < a.totals.size(); ++m) {
    const Answer& t = a.totals[m];
    methods.push_back({{"method", t.method},
                       {"estimate", t.estimate},
                       {"interval", {t.low, t.high}},
                       {"linkage_share", a.linkage_share[m]},
                       {"width_without_linkage", a.within_width[m]},
                       {"warnings", t.warnings}});
  }
  OrderedJson calibration = {{"decided_pairs", c.decided}, {"same", c.same}, {"fitted", c.fitted}};
  if (c.fitted) {
    calibration["intercept"] = c.intercept;
    calibration["slope"] = c.slope;
  }
  return {{"draws", a.draws},
          {"documented", {a.documented_low, a.documented_high}},
          {"calibration", calibration},
          {"estimates", methods}};
}

bool has_stratum_column(const std::string& path) {
  std::ifstream probe(path);
  std::string header;
  std::getline(probe, header);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  return ("," + header + ",").find(",stratum,") != std::string::npos;
}

// The estimates in the registry, all in one transaction: each site or governorate stratum under
// its id or code, each method's total under the subject.
void record(const EstimateOptions& o, registry::Registry& reg, const EstimateResult& r) {
  const est::Estimates& e = r.estimates;
  est::CaptureHistories all = e.strata.front().histories;
  for (size_t s = 1; s < e.strata.size(); ++s)
    for (size_t c = 0; c < all.counts.size(); ++c) all.counts[c] += e.strata[s].histories.counts[c];
  const auto is_subject = [&](const std::string& name) {
    if (name == "all") return false;
    try {
      matching::check_estimate_subject(reg, name);
      return true;
    } catch (const core::Error&) {
      return false;
    }
  };
  std::vector<matching::StoredEstimate> rows;
  for (size_t m = 0; m < e.totals.size(); ++m) {
    for (const est::StratumEstimates& s : e.strata) {
      // Only a site's or a governorate's stratum has something in the registry to be set beside;
      // not (unknown), (pooled: …), a sex, a year, or a CSV stratum named otherwise.
      if (!r.stratified || !is_subject(s.name)) continue;
      const Answer& a = s.methods[m];
      rows.push_back({0, s.name, a.method, a.documented, a.estimate, a.low, a.high, s.histories,
                      settings_json(o, a, s.histories), "", ""});
    }
    const Answer& t = e.totals[m];
    rows.push_back({0, o.subject, t.method, t.documented, t.estimate, t.low, t.high, all,
                    settings_json(o, t, all), "", ""});
  }
  // The linkage-aware totals beside them, under the same subject: the histories recorded are
  // the chosen linkage's, the interval the draws'.
  for (size_t m = 0; r.aware && m < r.aware->totals.size(); ++m) {
    const Answer& t = r.aware->totals[m];
    OrderedJson settings = OrderedJson::parse(settings_json(o, t, all));
    settings["linkage_draws"] = r.aware->draws;
    settings["linkage_share"] = r.aware->linkage_share[m];
    settings["documented_over_draws"] = {r.aware->documented_low, r.aware->documented_high};
    rows.push_back({0, o.subject, t.method, t.documented, t.estimate, t.low, t.high, all,
                    settings.dump(), "", ""});
  }
  matching::record_estimates(reg, std::move(rows));
}

}  // namespace

OrderedJson EstimateResult::to_json() const {
  const est::Estimates& e = estimates;
  const auto& first = e.strata.front().histories;
  OrderedJson out = {{"lists", first.lists}, {"warnings", est::warnings(first)}};
  if (stratified) {
    OrderedJson list = OrderedJson::array();
    for (const est::StratumEstimates& s : e.strata) {
      OrderedJson methods_json = OrderedJson::array();
      for (const Answer& a : s.methods)
        methods_json.push_back(answer_json(a, options.top, s.histories));
      list.push_back({{"stratum", s.name},
                      {"warnings", est::warnings(s.histories)},
                      {"estimates", methods_json}});
    }
    out["strata"] = list;
  }
  OrderedJson total_json = OrderedJson::array();
  for (const Answer& t : e.totals) {
    OrderedJson j = answer_json(t, options.top, first);
    if (bic && !t.models.empty()) {
      j["by_bic"]["interval"] = {bic->bootstrap.low, bic->bootstrap.high};
      j["by_bic"]["profile_interval"] = {bic->profile.low, bic->profile.high};
    }
    total_json.push_back(j);
  }
  out["total"] = total_json;
  if (aware) out["linkage_draws"] = aware_json(*aware, calibration);
  return out;
}

EstimateResult estimate_victims(Session* session, const EstimateOptions& o,
                                const core::Progress& progress) {
  if (session) session->require(Permission::kRunAnalyses, "estimate");
  if (!o.histories.empty() && !o.by.empty())
    throw core::InputError("estimate", "by", o.by,
                           "strata come from the histories file's stratum column");
  const std::map<std::string, matching::StratumBy> by_names = {
      {"site", matching::StratumBy::kSite},
      {"governorate", matching::StratumBy::kGovernorate},
      {"sex", matching::StratumBy::kSex},
      {"year", matching::StratumBy::kYear}};
  if (!o.by.empty() && !by_names.count(o.by))
    throw core::InputError("estimate", "by", o.by, "site, governorate, sex or year");
  if (!session && (o.histories.empty() || o.record || o.linkage_draws > 0)) {
    throw core::InputError("estimate", "histories", "",
                           "estimating from the registry, or recording, needs a data folder");
  }
  registry::Registry* reg = session ? &session->registry() : nullptr;
  if (o.record) matching::check_estimate_subject(*reg, o.subject);  // before the work

  // The histories, by stratum (one unnamed stratum when not stratified).
  EstimateResult r;
  r.options = o;
  std::vector<std::pair<std::string, est::CaptureHistories>> strata;
  if (!o.histories.empty() && has_stratum_column(o.histories)) {
    strata = est::read_stratified_histories(o.histories);
    r.stratified = true;
  } else if (!o.histories.empty()) {
    strata.emplace_back("", est::read_histories(o.histories));
  } else if (!o.by.empty()) {
    strata = matching::capture_histories_by(*reg, by_names.at(o.by));
    r.stratified = true;
  } else {
    strata.emplace_back("", matching::capture_histories(*reg));
  }

  est::EstimationOptions eo;
  eo.latent_class = o.latent_class || o.compare;
  eo.log_linear = !o.latent_class || o.compare;
  eo.bootstrap = o.bootstrap;
  eo.seed = o.seed;
  eo.latent = o.latent;
  // With linkage draws, they take most of the time; the plain estimate follows.
  eo.progress = progress.part(o.linkage_draws > 0 ? 0.8 : 0, 0.95);
  if (o.linkage_draws > 0) {
    if (!o.histories.empty())
      throw core::InputError("estimate", "linkage_draws", std::to_string(o.linkage_draws),
                             "draws linkages from the registry's latest run, not from histories");
    std::optional<matching::StratumBy> stratum_by;
    if (!o.by.empty()) stratum_by = by_names.at(o.by);
    matching::LinkageDrawInput in = matching::linkage_draw_input(*reg, stratum_by);
    r.calibration = matching::calibrate_from_decisions(in);
    matching::apply_calibration(r.calibration, in);
    matching::LinkageDrawOptions d;
    d.draws = o.linkage_draws;
    d.seed = o.seed;
    d.estimation.log_linear = eo.log_linear;
    d.estimation.latent_class = eo.latent_class;
    // The pooled sample holds about as many draws as the plain estimate's.
    d.estimation.bootstrap = std::max<size_t>(20, o.bootstrap / o.linkage_draws);
    d.estimation.latent.classes = o.latent.classes;
    d.estimation.latent.samples = std::max<uint64_t>(50, o.latent.samples / o.linkage_draws);
    d.progress = progress.part(0, 0.8);
    r.aware = matching::estimate_with_linkage_draws(in, d);
  }
  r.estimates = est::estimate_strata(std::move(strata), r.stratified, eo);

  progress(0.95, "BIC's choice");
  // BIC's choice beside AIC's, with its own intervals (the same replicates, the same seed), for
  // the log-linear total (with --compare it may not be the first).
  for (const Answer& loglinear : r.estimates.totals) {
    if (r.stratified || loglinear.models.empty()) continue;
    const est::CaptureHistories& h = r.estimates.strata.front().histories;
    const est::LogLinearFit& best_bic = est::best_by_bic(loglinear.models);
    const bool same_as_aic = &best_bic == &loglinear.models.front();
    r.bic = BicChoice{best_bic.model.name(h.lists), best_bic.total,
                      same_as_aic ? est::Interval{loglinear.low, loglinear.high}
                                  : est::bootstrap_interval(h, best_bic.model, o.bootstrap, o.seed),
                      same_as_aic ? loglinear.profile : est::profile_interval(h, best_bic.model)};
    break;
  }
  if (o.record) record(o, *reg, r);
  return r;
}

}  // namespace athar::app
