// `athar estimate`: how many were not documented, from how the lists overlap (docs/estimate.md).
// Histories come from a CSV (a `stratum` column splits it) or from the registry's latest linkage
// run (`--by site|governorate` splits it); each stratum is estimated on its own and the strata
// summed draw by draw; plots and registry records are optional.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "cli/cli_support.h"
#include "core/error.h"
#include "core/governorate.h"
#include "estimate/latent_class.h"
#include "estimate/loglinear.h"
#include "estimate/strata.h"
#include "matching/estimate_store.h"
#include "matching/linkage_draws.h"
#include "matching/person_linkage.h"
#include "plot/plot.h"
#include "registry/kinds.h"

namespace athar::cli {

namespace {

namespace est = athar::estimate;
using core::OrderedJson;

struct Options {
  std::string histories, by, plots, subject = "all";
  size_t bootstrap = 1000, top = 5;
  size_t linkage_draws = 0;  // 0: the one linkage the run chose
  uint64_t seed = 1;
  bool latent_class = false, compare = false, record = false;
  est::LatentClassOptions lc;
};

using Answer = est::MethodResult;

OrderedJson to_json(const Answer& a, size_t top, const est::CaptureHistories& h) {
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

std::string settings_json(const Options& o, const Answer& a) {
  OrderedJson s = {{"seed", o.seed}};
  if (a.latent) {
    s["classes"] = o.lc.classes;
    s["burn_in"] = o.lc.burn_in;
    s["samples"] = o.lc.samples;
    s["thinning"] = o.lc.thinning;
    s["chains"] = o.lc.chains;
    s["effective_sample_size"] = a.effective_sample_size;
    s["split_r_hat"] = a.split_r_hat;
    s["occupied_classes"] = {{"median", a.occupied_median},
                             {"all_occupied_share", a.all_occupied_share}};
  } else {
    s["bootstrap"] = o.bootstrap;
  }
  s["warnings"] = a.warnings;  // shown with the estimate wherever the registry shows it
  return s.dump();
}

// A stratum's label on charts: a site's names, a governorate's English and Arabic names.
std::string stratum_label(std::optional<Session>& session, const std::string& name) {
  if (const auto g = core::find_governorate(name); g && g->code == name)
    return std::string(g->name_en) + " " + std::string(g->name_ar);
  const auto id = registry::parse_record_id(name);
  if (session && id && id->kind == registry::Kind::kSite) {
    const registry::Record site = session->registry.get(name);
    std::string label = site.get("name_lat");
    if (!site.get("name_ar").empty()) label += (label.empty() ? "" : " ") + site.get("name_ar");
    return label.empty() ? name : label;
  }
  return name;
}

void write_plots(const Options& o, std::optional<Session>& session, const est::Estimates& e,
                 bool stratified) {
  std::filesystem::create_directories(o.plots);
  const std::string dir = o.plots + "/";
  const Answer& total = e.totals.front();
  plot::Histogram h;
  h.title = (total.latent ? "Posterior of the total / التوزيع اللاحق للعدد الكلي ("
                          : "Bootstrap of the total / العدد الكلي بإعادة المعاينة (") +
            total.method + ")";
  h.x_label = "total victims, documented and not / مجموع الضحايا، الموثَّقين وغير الموثَّقين";
  h.values = total.draws;
  h.markers = {{"estimate", total.estimate}, {"2.5%", total.low}, {"97.5%", total.high}};
  plot::write_histogram(h, dir + (total.latent ? "posterior" : "bootstrap"));
  if (!total.chains.empty()) {
    plot::write_trace({"Trace of the total, by chain / مسار العدد الكلي في كل سلسلة",
                       "total / العدد الكلي", total.chains},
                      dir + "trace");
  }
  if (stratified) {
    plot::IntervalChart c;
    c.title = "Estimates by stratum / التقديرات حسب الطبقة (" + total.method + ")";
    c.x_label = "victims / الضحايا";
    for (const est::StratumEstimates& s : e.strata) {
      const Answer& a = s.methods.front();
      c.rows.push_back({stratum_label(session, s.name), a.documented, a.estimate, a.low, a.high});
    }
    c.rows.push_back(
        {"all strata / كل الطبقات", total.documented, total.estimate, total.low, total.high});
    plot::write_intervals(c, dir + "strata");
  }
}

void print_answer_line(const std::string& name, const Answer& a) {
  std::printf("%-20s %10.0f %10.0f %10.0f-%-10.0f  %s\n", name.c_str(), a.documented, a.estimate,
              a.low, a.high, a.method.c_str());
}

// The log-linear model table of one set of histories (the unstratified default view).
void print_models(const est::CaptureHistories& h, const Answer& a, const Options& o) {
  const auto& fits = a.models;
  const est::LogLinearFit* best_bic = &est::best_by_bic(fits);
  const bool same_as_aic = best_bic == &fits.front();
  std::printf("%.0f documented by %zu lists\n", h.documented(), h.lists.size());
  std::printf("%-44s %9s %4s %10s %10s %10s\n", "model (log-linear)", "deviance", "df", "AIC",
              "BIC", "estimate");
  for (size_t i = 0; i < fits.size() && i < o.top; ++i) {
    std::printf("%-44s %9.2f %4d %10.2f %10.2f %10.0f%s\n", fits[i].model.name(h.lists).c_str(),
                fits[i].deviance, fits[i].degrees_of_freedom, fits[i].aic, fits[i].bic,
                fits[i].total, fits[i].converged ? "" : " (did not converge)");
  }
  // The intervals of the model AIC chose are already in `a` (same replicates, same seed).
  const est::Interval bic = same_as_aic
                                ? est::Interval{a.low, a.high}
                                : est::bootstrap_interval(h, best_bic->model, o.bootstrap, o.seed);
  const est::Interval bic_profile =
      same_as_aic ? a.profile : est::profile_interval(h, best_bic->model);
  std::printf(
      "best by BIC: %s: %.0f (95%% bootstrap interval %.0f-%.0f; profile likelihood "
      "%.0f-%.0f)\n",
      best_bic->model.name(h.lists).c_str(), best_bic->total, bic.low, bic.high, bic_profile.low,
      bic_profile.high);
  std::printf(
      "best by AIC: %.0f (95%% bootstrap interval %.0f-%.0f; profile likelihood %.0f-%.0f)\n",
      a.estimate, a.low, a.high, a.profile.low, a.profile.high);
}

bool has_stratum_column(const std::string& path) {
  std::ifstream probe(path);
  std::string header;
  std::getline(probe, header);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  return ("," + header + ",").find(",stratum,") != std::string::npos;
}

// The estimates in the registry, all in one transaction: each site or governorate stratum under
// its id or code, each method's total under --subject.
void record(const Options& o, Session& session, const est::Estimates& e, bool stratified,
            const matching::LinkageAwareEstimates* aware) {
  est::CaptureHistories all = e.strata.front().histories;
  for (size_t s = 1; s < e.strata.size(); ++s)
    for (size_t c = 0; c < all.counts.size(); ++c) all.counts[c] += e.strata[s].histories.counts[c];
  const auto is_subject = [&](const std::string& name) {
    if (name == "all") return false;
    try {
      matching::check_estimate_subject(session.registry, name);
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
      if (!stratified || !is_subject(s.name)) continue;
      const Answer& a = s.methods[m];
      rows.push_back({0, s.name, a.method, a.documented, a.estimate, a.low, a.high, s.histories,
                      settings_json(o, a), "", ""});
    }
    const Answer& t = e.totals[m];
    rows.push_back({0, o.subject, t.method, t.documented, t.estimate, t.low, t.high, all,
                    settings_json(o, t), "", ""});
  }
  // The linkage-aware totals beside them, under the same subject: the histories recorded are
  // the chosen linkage's, the interval the draws'.
  for (size_t m = 0; aware && m < aware->totals.size(); ++m) {
    const Answer& t = aware->totals[m];
    OrderedJson settings = OrderedJson::parse(settings_json(o, t));
    settings["linkage_draws"] = aware->draws;
    settings["linkage_share"] = aware->linkage_share[m];
    settings["documented_over_draws"] = {aware->documented_low, aware->documented_high};
    rows.push_back({0, o.subject, t.method, t.documented, t.estimate, t.low, t.high, all,
                    settings.dump(), "", ""});
  }
  matching::record_estimates(session.registry, std::move(rows));
}

void print_text(const Options& o, const est::Estimates& e, bool stratified) {
  const auto& first = e.strata.front().histories;
  if (stratified) {
    std::printf("%-20s %10s %10s %21s  %s\n", "stratum", "documented", "estimate", "95% interval",
                "method");
    for (const est::StratumEstimates& s : e.strata) {
      for (const auto& w : est::warnings(s.histories))
        std::printf("warning (%s): %s\n", s.name.c_str(), w.c_str());
      for (const Answer& a : s.methods) {
        for (const auto& w : a.warnings)
          std::printf("warning (%s): %s\n", s.name.c_str(), w.c_str());
        print_answer_line(s.name, a);
      }
    }
    for (const Answer& t : e.totals) {
      for (const auto& w : t.warnings) std::printf("warning (all strata): %s\n", w.c_str());
      print_answer_line("all strata", t);
    }
  } else {
    for (const auto& w : est::warnings(first)) std::printf("warning: %s\n", w.c_str());
    for (const Answer& a : e.totals) {
      for (const auto& w : a.warnings) std::printf("warning: %s\n", w.c_str());
      if (a.latent) {
        std::printf(
            "latent classes (K %d, %zu chains, %llu iterations, %.2f s): median %.0f, 95%% "
            "interval %.0f-%.0f; effective sample size %.0f, split R-hat %.3f\n",
            o.lc.classes, a.chains.size(), static_cast<unsigned long long>(a.iterations), a.seconds,
            a.estimate, a.low, a.high, a.effective_sample_size, a.split_r_hat);
        // Where all K classes are often occupied the truncation may bind (docs/estimate.md).
        std::printf("  occupied classes: median %.0f of %d; all %d in %.0f%% of the kept draws\n",
                    a.occupied_median, a.classes, a.classes, 100 * a.all_occupied_share);
      } else {
        print_models(first, a, o);
      }
      if (o.compare) std::printf("  assumes: %s\n", a.assumes.c_str());
    }
  }
  if (o.compare) {
    // Side by side: the spread between methods is the honest answer, not either interval.
    std::printf("\nside by side (%.0f documented):\n", e.totals.front().documented);
    double low = INFINITY, high = 0;
    for (const Answer& a : e.totals) {
      std::printf("  %-58s %8.0f  %.0f-%.0f\n    assumes: %s\n", a.method.c_str(), a.estimate,
                  a.low, a.high, a.assumes.c_str());
      low = std::min(low, a.estimate);
      high = std::max(high, a.estimate);
    }
    std::printf("  the methods' estimates span %.0f to %.0f (%.2f times)\n", low, high,
                low > 0 ? high / low : 0.0);
  }
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

void print_aware(const matching::LinkageAwareEstimates& a, const matching::Calibration& c,
                 const est::Estimates& plain) {
  std::printf(
      "\nwith linkage uncertainty (%zu linkage structures drawn from the pair "
      "probabilities; %.0f-%.0f documented persons over the draws):\n",
      a.draws, a.documented_low, a.documented_high);
  if (c.fitted) {
    std::printf(
        "  probabilities recalibrated on %zu analyst decisions (%zu same): logit p' = "
        "%.3f + %.3f logit p\n",
        c.decided, c.same, c.intercept, c.slope);
  } else {
    std::printf(
        "  probabilities as the model gave them (%zu decided candidate pairs; 20, with 5 "
        "of each kind, recalibrate them)\n",
        c.decided);
  }
  for (size_t m = 0; m < a.totals.size(); ++m) {
    const Answer& t = a.totals[m];
    for (const auto& w : t.warnings) std::printf("  warning: %s\n", w.c_str());
    const Answer& p = plain.totals[m];
    std::printf(
        "  %s: %.0f, 95%% interval %.0f-%.0f (one linkage: %.0f-%.0f); linkage is %.0f%% "
        "of the variance\n",
        t.method.c_str(), t.estimate, t.low, t.high, p.low, p.high, 100 * a.linkage_share[m]);
  }
}

void run(Globals& g, Options& o) {
  if (!o.histories.empty() && !o.by.empty())
    throw core::InputError("estimate", "--by", o.by,
                           "strata come from the histories file's stratum column with --histories");
  const std::map<std::string, matching::StratumBy> by_names = {
      {"site", matching::StratumBy::kSite},
      {"governorate", matching::StratumBy::kGovernorate},
      {"sex", matching::StratumBy::kSex},
      {"year", matching::StratumBy::kYear}};
  if (!o.by.empty() && !by_names.count(o.by))
    throw core::InputError("estimate", "--by", o.by, "site, governorate, sex or year");
  std::optional<Session> session;
  if (o.histories.empty() || o.record) session.emplace(g);
  if (o.record) matching::check_estimate_subject(session->registry, o.subject);  // before the work

  // The histories, by stratum (one unnamed stratum when not stratified).
  std::vector<std::pair<std::string, est::CaptureHistories>> strata;
  bool stratified = false;
  if (!o.histories.empty() && has_stratum_column(o.histories)) {
    strata = est::read_stratified_histories(o.histories);
    stratified = true;
  } else if (!o.histories.empty()) {
    strata.emplace_back("", est::read_histories(o.histories));
  } else if (!o.by.empty()) {
    strata = matching::capture_histories_by(session->registry, by_names.at(o.by));
    stratified = true;
  } else {
    strata.emplace_back("", matching::capture_histories(session->registry));
  }

  est::EstimationOptions eo;
  eo.latent_class = o.latent_class || o.compare;
  eo.log_linear = !o.latent_class || o.compare;
  eo.bootstrap = o.bootstrap;
  eo.seed = o.seed;
  eo.latent = o.lc;
  std::optional<matching::LinkageAwareEstimates> aware;
  matching::Calibration calibration;
  if (o.linkage_draws > 0) {
    if (!o.histories.empty())
      throw core::InputError("estimate", "--linkage-draws", std::to_string(o.linkage_draws),
                             "draws linkages from the registry's latest run, not from --histories");
    std::optional<matching::StratumBy> stratum_by;
    if (!o.by.empty()) stratum_by = by_names.at(o.by);
    matching::LinkageDrawInput in = matching::linkage_draw_input(session->registry, stratum_by);
    calibration = matching::calibrate_from_decisions(in);
    matching::apply_calibration(calibration, in);
    matching::LinkageDrawOptions d;
    d.draws = o.linkage_draws;
    d.seed = o.seed;
    d.estimation.log_linear = eo.log_linear;
    d.estimation.latent_class = eo.latent_class;
    // The pooled sample holds about as many draws as the plain estimate's.
    d.estimation.bootstrap = std::max<size_t>(20, o.bootstrap / o.linkage_draws);
    d.estimation.latent.classes = o.lc.classes;
    d.estimation.latent.samples = std::max<uint64_t>(50, o.lc.samples / o.linkage_draws);
    aware = matching::estimate_with_linkage_draws(in, d);
  }
  const est::Estimates e = est::estimate_strata(std::move(strata), stratified, eo);

  if (o.record) record(o, *session, e, stratified, aware ? &*aware : nullptr);
  if (!o.plots.empty()) write_plots(o, session, e, stratified);

  if (g.json) {
    const auto& first = e.strata.front().histories;
    OrderedJson out = {{"lists", first.lists}, {"warnings", est::warnings(first)}};
    if (stratified) {
      OrderedJson list = OrderedJson::array();
      for (const est::StratumEstimates& s : e.strata) {
        OrderedJson methods_json = OrderedJson::array();
        for (const Answer& a : s.methods) methods_json.push_back(to_json(a, o.top, s.histories));
        list.push_back({{"stratum", s.name},
                        {"warnings", est::warnings(s.histories)},
                        {"estimates", methods_json}});
      }
      out["strata"] = list;
    }
    OrderedJson total_json = OrderedJson::array();
    for (const Answer& t : e.totals) total_json.push_back(to_json(t, o.top, first));
    out["total"] = total_json;
    if (aware) out["linkage_draws"] = aware_json(*aware, calibration);
    return print_json(out);
  }
  print_text(o, e, stratified);
  if (aware) print_aware(*aware, calibration, e);
  if (o.record) std::printf("recorded in the registry (athar summary shows them)\n");
  if (!o.plots.empty()) std::printf("plots written to %s\n", o.plots.c_str());
}

}  // namespace

void add_estimate_command(CLI::App& app, Globals& g, std::function<void()>& action) {
  auto o = std::make_shared<Options>();
  auto* estimate = app.add_subcommand(
      "estimate", "Estimate the total from overlapping lists: log-linear models by AIC and BIC");
  estimate->add_option("--histories", o->histories,
                       "capture histories CSV: one 0/1 column per list, a count, optionally a "
                       "stratum (default: the registry's latest linkage entities, sources as "
                       "lists)");
  estimate->add_option("--by", o->by,
                       "registry strata: site (persons buried_at a site), governorate, sex, or "
                       "year (of disappearance, else detention, else death)");
  estimate->add_option("--bootstrap", o->bootstrap, "bootstrap replicates for the interval")
      ->capture_default_str();
  estimate->add_option("--models", o->top, "models shown")->capture_default_str();
  estimate->add_option("--seed", o->seed, "random seed")->capture_default_str();
  estimate->add_flag("--latent-class", o->latent_class,
                     "the Bayesian latent-class model (Manrique-Vallier 2016) instead");
  estimate->add_flag("--compare", o->compare,
                     "log-linear and latent-class results side by side, with their assumptions");
  estimate->add_option("--classes", o->lc.classes, "latent classes K (truncation)")
      ->capture_default_str();
  estimate->add_option("--burn-in", o->lc.burn_in, "iterations discarded, per chain")
      ->capture_default_str();
  estimate->add_option("--samples", o->lc.samples, "draws kept, over all chains")
      ->capture_default_str();
  estimate->add_option("--thinning", o->lc.thinning, "iterations per kept draw")
      ->capture_default_str();
  estimate
      ->add_option("--chains", o->lc.chains,
                   "independent chains, run on separate cores; the kept draws are shared among "
                   "them and each is burnt in")
      ->capture_default_str();
  estimate->add_option("--plots", o->plots,
                       "folder for charts as SVG and PNG: the posterior or bootstrap histogram "
                       "of the total, the chains' trace, the strata's intervals");
  estimate
      ->add_option("--linkage-draws", o->linkage_draws,
                   "also estimate over this many linkages drawn from the latest run's pair "
                   "probabilities (recalibrated on analysts' decisions), so that the interval "
                   "carries linkage error; 0: the run's one linkage only")
      ->capture_default_str();
  estimate->add_flag("--record", o->record,
                     "keep the estimates in the registry beside the claims: each site or "
                     "governorate stratum under its id, the total under --subject");
  estimate
      ->add_option("--subject", o->subject,
                   "what the total is recorded under: a site id, a governorate code or all")
      ->capture_default_str();
  estimate->callback([&g, &action, o] { action = [&g, o] { run(g, *o); }; });
}

}  // namespace athar::cli
