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

#include "app/estimates.h"
#include "cli/cli_support.h"
#include "cli/progress_bar.h"
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

// The use case's options, and where the charts go (a concern of the shell).
struct Options : app::EstimateOptions {
  std::string plots;
};
using Answer = est::MethodResult;

// A stratum's label on charts: a site's names, a governorate's English and Arabic names.
std::string stratum_label(std::optional<AppSession>& session, const std::string& name) {
  if (const auto g = core::find_governorate(name); g && g->code == name)
    return std::string(g->name_en) + " " + std::string(g->name_ar);
  const auto id = registry::parse_record_id(name);
  if (session && id && id->kind == registry::Kind::kSite) {
    const registry::Record site = session->session.registry().get(name);
    std::string label = site.get("name_lat");
    if (!site.get("name_ar").empty()) label += (label.empty() ? "" : " ") + site.get("name_ar");
    return label.empty() ? name : label;
  }
  return name;
}

void write_plots(const Options& o, std::optional<AppSession>& session, const est::Estimates& e,
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
void print_models(const est::CaptureHistories& h, const Answer& a, const app::EstimateOptions& o,
                  const app::BicChoice& bic) {
  const auto& fits = a.models;
  std::printf("%.0f documented by %zu lists\n", h.documented(), h.lists.size());
  std::printf("%-44s %9s %4s %10s %10s %10s\n", "model (log-linear)", "deviance", "df", "AIC",
              "BIC", "estimate");
  for (size_t i = 0; i < fits.size() && i < o.top; ++i) {
    std::printf("%-44s %9.2f %4d %10.2f %10.2f %10.0f%s\n", fits[i].model.name(h.lists).c_str(),
                fits[i].deviance, fits[i].degrees_of_freedom, fits[i].aic, fits[i].bic,
                fits[i].total, fits[i].converged ? "" : " (did not converge)");
  }
  std::printf(
      "best by BIC: %s: %.0f (95%% bootstrap interval %.0f-%.0f; profile likelihood "
      "%.0f-%.0f)\n",
      bic.model.c_str(), bic.estimate, bic.bootstrap.low, bic.bootstrap.high, bic.profile.low,
      bic.profile.high);
  std::printf(
      "best by AIC: %.0f (95%% bootstrap interval %.0f-%.0f; profile likelihood %.0f-%.0f)\n",
      a.estimate, a.low, a.high, a.profile.low, a.profile.high);
}

void print_text(const app::EstimateResult& r) {
  const app::EstimateOptions& o = r.options;
  const est::Estimates& e = r.estimates;
  const bool stratified = r.stratified;
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
            o.latent.classes, a.chains.size(), static_cast<unsigned long long>(a.iterations),
            a.seconds, a.estimate, a.low, a.high, a.effective_sample_size, a.split_r_hat);
        // Where all K classes are often occupied the truncation may bind (docs/estimate.md).
        std::printf("  occupied classes: median %.0f of %d; all %d in %.0f%% of the kept draws\n",
                    a.occupied_median, a.classes, a.classes, 100 * a.all_occupied_share);
      } else {
        if (r.bic) print_models(first, a, o, *r.bic);
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
  // A data folder is opened only when the registry is read or written (or names strata).
  std::optional<AppSession> session;
  if (o.histories.empty() || o.record || o.linkage_draws > 0) session.emplace(g);
  const app::EstimateResult r = with_progress_bar(!g.json, [&](const core::Progress& progress) {
    return app::estimate_victims(session ? &session->session : nullptr, o, progress);
  });
  if (!o.plots.empty()) write_plots(o, session, r.estimates, r.stratified);
  if (g.json) return print_json(r.to_json());
  print_text(r);
  if (r.aware) print_aware(*r.aware, r.calibration, r.estimates);
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
  estimate->add_option("--classes", o->latent.classes, "latent classes K (truncation)")
      ->capture_default_str();
  estimate->add_option("--burn-in", o->latent.burn_in, "iterations discarded, per chain")
      ->capture_default_str();
  estimate->add_option("--samples", o->latent.samples, "draws kept, over all chains")
      ->capture_default_str();
  estimate->add_option("--thinning", o->latent.thinning, "iterations per kept draw")
      ->capture_default_str();
  estimate
      ->add_option("--chains", o->latent.chains,
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
