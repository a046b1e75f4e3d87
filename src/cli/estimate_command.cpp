// `athar estimate`: how many were not documented, from how the lists overlap (docs/estimate.md).
// Histories come from a CSV (a `stratum` column splits it) or from the registry's latest linkage
// run (`--by site|governorate` splits it); each stratum is estimated on its own and the strata
// summed draw by draw; plots and registry records are optional.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "cli/cli_support.h"
#include "core/error.h"
#include "core/governorate.h"
#include "estimate/latent_class.h"
#include "estimate/loglinear.h"
#include "matching/estimate_store.h"
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
  uint64_t seed = 1;
  bool latent_class = false, compare = false, record = false;
  est::LatentClassOptions lc;
};

// One method's answer for one stratum (or for the sum of strata).
struct Answer {
  std::string method, assumes;
  double documented = 0, estimate = 0, low = 0, high = 0;
  std::vector<double> draws;  // bootstrap totals or posterior draws: what the sum adds up
  std::vector<std::vector<double>> chains;  // latent classes: the traces
  std::vector<std::string> warnings;
  OrderedJson detail = OrderedJson::object();
};

constexpr const char* kLogLinearAssumes =
    "the lists' dependence is captured by two-way interactions; people equally catchable "
    "otherwise";
constexpr const char* kLatentAssumes =
    "capture independent within each of up to K latent classes of people (heterogeneity), prior "
    "1/N";

Answer log_linear(const est::CaptureHistories& h, const Options& o) {
  const auto fits = est::fit_all_models(h);
  Answer a;
  a.method = "log-linear " + fits.front().model.name(h.lists);
  a.assumes = kLogLinearAssumes;
  a.documented = h.documented();
  a.estimate = fits.front().total;
  a.draws = est::bootstrap_totals(h, fits.front().model, o.bootstrap, o.seed);
  const est::Interval i = est::percentile_interval(a.draws);
  a.low = i.low;
  a.high = i.high;
  if (!fits.front().converged) a.warnings.push_back("the best model did not converge");
  const est::Interval profile = est::profile_interval(h, fits.front().model);
  a.detail = {{"profile_interval", {profile.low, profile.high}}};
  OrderedJson models = OrderedJson::array();
  for (size_t m = 0; m < fits.size() && m < o.top; ++m) {
    models.push_back({{"model", fits[m].model.name(h.lists)},
                      {"deviance", fits[m].deviance},
                      {"df", fits[m].degrees_of_freedom},
                      {"aic", fits[m].aic},
                      {"bic", fits[m].bic},
                      {"estimate", fits[m].total},
                      {"converged", fits[m].converged}});
  }
  a.detail["models"] = models;
  const auto best_bic = std::min_element(fits.begin(), fits.end(), [](auto& x, auto& y) {
    if (x.converged != y.converged) return x.converged;
    return x.bic < y.bic;
  });
  a.detail["by_bic"] = {{"model", best_bic->model.name(h.lists)}, {"estimate", best_bic->total}};
  return a;
}

Answer latent_classes(const est::CaptureHistories& h, const Options& o) {
  est::LatentClassOptions lc = o.lc;
  lc.seed = o.seed;
  const est::LatentClassResult r = est::sample_latent_class(h, lc);
  Answer a;
  a.method = "latent classes (K " + std::to_string(lc.classes) + ")";
  a.assumes = kLatentAssumes;
  a.documented = h.documented();
  a.estimate = r.median;
  a.low = r.low;
  a.high = r.high;
  a.draws = r.totals;
  a.chains = r.chains;
  // Documented limits: fewer than 100 effective draws, or chains (and their halves) that
  // disagree (split R-hat above 1.05), and the estimate is not to be trusted.
  if (r.effective_sample_size < 100)
    a.warnings.push_back("effective sample size " + std::to_string(r.effective_sample_size) +
                         " is under 100: run longer (more samples or thinning)");
  if (r.split_r_hat > 1.05)
    a.warnings.push_back("split R-hat " + std::to_string(r.split_r_hat) +
                         " is over 1.05: the chains have not settled (longer burn-in)");
  a.detail = {{"classes", lc.classes},
              {"chains", lc.chains},
              {"iterations", r.iterations},
              {"seconds", r.seconds},
              {"effective_sample_size", r.effective_sample_size},
              {"split_r_hat", r.split_r_hat}};
  return a;
}

std::vector<Answer> answers_for(const est::CaptureHistories& h, const Options& o) {
  std::vector<Answer> out;
  if (o.latent_class || o.compare) out.push_back(latent_classes(h, o));
  if (!o.latent_class || o.compare) out.push_back(log_linear(h, o));
  for (Answer& a : out) {
    if (a.high > 20 * a.documented)
      a.warnings.push_back(
          "the interval reaches past 20 times the documented: the lists overlap "
          "too little here to say how many were missed");
  }
  return out;
}

// Strata are independent samples: the total's draws are the strata's draws added index by
// index, its interval their percentiles, its estimate the sum of the strata's estimates.
Answer summed(const std::vector<const Answer*>& parts) {
  Answer a;
  a.method = parts.front()->method.substr(0, parts.front()->method.find(' ')) == "latent"
                 ? "latent classes, sum of strata"
                 : "log-linear, sum of strata";
  a.assumes = parts.front()->assumes;
  size_t n = SIZE_MAX;
  for (const Answer* p : parts) n = std::min(n, p->draws.size());
  a.draws.assign(n, 0.0);
  for (const Answer* p : parts) {
    a.documented += p->documented;
    a.estimate += p->estimate;
    for (size_t i = 0; i < n; ++i) a.draws[i] += p->draws[i];
  }
  const est::Interval i = est::percentile_interval(a.draws);
  a.low = i.low;
  a.high = i.high;
  return a;
}

OrderedJson to_json(const Answer& a) {
  OrderedJson j = {{"method", a.method},     {"documented", a.documented},
                   {"estimate", a.estimate}, {"interval", {a.low, a.high}},
                   {"assumes", a.assumes},   {"warnings", a.warnings}};
  for (const auto& [k, v] : a.detail.items()) j[k] = v;
  return j;
}

std::string settings_json(const Options& o, const Answer& a) {
  OrderedJson s = {{"seed", o.seed}};
  if (a.method.rfind("latent", 0) == 0) {
    s["classes"] = o.lc.classes;
    s["burn_in"] = o.lc.burn_in;
    s["samples"] = o.lc.samples;
    s["thinning"] = o.lc.thinning;
    s["chains"] = o.lc.chains;
  } else {
    s["bootstrap"] = o.bootstrap;
  }
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

void write_plots(const Options& o, const std::vector<std::pair<std::string, Answer>>& rows,
                 const Answer& total, bool stratified) {
  std::filesystem::create_directories(o.plots);
  const std::string dir = o.plots + "/";
  const bool latent = total.method.rfind("latent", 0) == 0;
  const std::string stem = latent ? "posterior" : "bootstrap";
  plot::Histogram h;
  h.title = (latent ? "Posterior of the total (" : "Bootstrap of the total (") + total.method + ")";
  h.x_label = "total victims, documented and not";
  h.values = total.draws;
  h.markers = {{"estimate", total.estimate}, {"2.5%", total.low}, {"97.5%", total.high}};
  plot::write_histogram(h, dir + stem);
  if (!total.chains.empty()) {
    plot::write_trace({"Trace of the total, by chain", "total", total.chains}, dir + "trace");
  }
  if (stratified) {
    plot::IntervalChart c;
    c.title = "Estimates by stratum (" + total.method + ")";
    c.x_label = "victims";
    for (const auto& [name, a] : rows)
      c.rows.push_back({name, a.documented, a.estimate, a.low, a.high});
    c.rows.push_back({"all strata", total.documented, total.estimate, total.low, total.high});
    plot::write_intervals(c, dir + "strata");
  }
}

void print_answer_line(const std::string& name, const Answer& a) {
  std::printf("%-20s %10.0f %10.0f %10.0f-%-10.0f  %s\n", name.c_str(), a.documented, a.estimate,
              a.low, a.high, a.method.c_str());
}

// The log-linear model table of one set of histories (the unstratified default view).
void print_models(const est::CaptureHistories& h, const Options& o) {
  const auto fits = est::fit_all_models(h);
  const auto best_bic = std::min_element(fits.begin(), fits.end(), [](auto& a, auto& b) {
    if (a.converged != b.converged) return a.converged;
    return a.bic < b.bic;
  });
  std::printf("%.0f documented by %zu lists\n", h.documented(), h.lists.size());
  std::printf("%-44s %9s %4s %10s %10s %10s\n", "model (log-linear)", "deviance", "df", "AIC",
              "BIC", "estimate");
  for (size_t i = 0; i < fits.size() && i < o.top; ++i) {
    std::printf("%-44s %9.2f %4d %10.2f %10.2f %10.0f%s\n", fits[i].model.name(h.lists).c_str(),
                fits[i].deviance, fits[i].degrees_of_freedom, fits[i].aic, fits[i].bic,
                fits[i].total, fits[i].converged ? "" : " (did not converge)");
  }
  const est::Interval bic = est::bootstrap_interval(h, best_bic->model, o.bootstrap, o.seed);
  const est::Interval bic_profile = est::profile_interval(h, best_bic->model);
  std::printf(
      "best by BIC: %s: %.0f (95%% bootstrap interval %.0f-%.0f; profile likelihood "
      "%.0f-%.0f)\n",
      best_bic->model.name(h.lists).c_str(), best_bic->total, bic.low, bic.high, bic_profile.low,
      bic_profile.high);
}

bool has_stratum_column(const std::string& path) {
  std::ifstream probe(path);
  std::string header;
  std::getline(probe, header);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  return ("," + header + ",").find(",stratum,") != std::string::npos;
}

void run(Globals& g, Options& o) {
  if (!o.histories.empty() && !o.by.empty())
    throw core::InputError("estimate", "--by", o.by,
                           "strata come from the histories file's stratum column with --histories");
  if (!o.by.empty() && o.by != "site" && o.by != "governorate")
    throw core::InputError("estimate", "--by", o.by, "site or governorate");
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
    strata = matching::capture_histories_by(
        session->registry,
        o.by == "site" ? matching::StratumBy::kSite : matching::StratumBy::kGovernorate);
    stratified = true;
  } else {
    strata.emplace_back("", matching::capture_histories(session->registry));
  }

  // Each stratum, each method. Strata too sparse for a model are pooled and estimated together
  // (the usual remedy: collapse sparse strata), named "(pooled: a, b)".
  std::vector<std::vector<Answer>> by_stratum;
  std::vector<std::pair<std::string, est::CaptureHistories>> estimated;
  std::string pooled_names;
  est::CaptureHistories pooled;
  for (const auto& [name, h] : strata) {
    try {
      by_stratum.push_back(answers_for(h, o));
      estimated.emplace_back(name, h);
    } catch (const core::InputError&) {
      if (!stratified) throw;
      pooled_names += (pooled_names.empty() ? "" : ", ") + name;
      if (pooled.counts.empty())
        pooled = h;
      else
        for (size_t c = 0; c < pooled.counts.size(); ++c) pooled.counts[c] += h.counts[c];
    }
  }
  if (!pooled_names.empty()) {
    const std::string name = "(pooled: " + pooled_names + ")";
    try {
      by_stratum.push_back(answers_for(pooled, o));
    } catch (const core::InputError& e) {
      throw core::InputError("estimate", "strata", pooled_names,
                             std::string("too sparse to estimate, even pooled: ") + e.what());
    }
    estimated.emplace_back(name, pooled);
  }
  strata = std::move(estimated);
  const size_t methods = by_stratum.front().size();
  std::vector<Answer> totals;
  for (size_t m = 0; m < methods; ++m) {
    if (!stratified) {
      totals.push_back(by_stratum.front()[m]);
      continue;
    }
    std::vector<const Answer*> parts;
    for (const auto& answers : by_stratum) parts.push_back(&answers[m]);
    totals.push_back(summed(parts));
  }

  if (o.record) {
    for (size_t m = 0; m < methods; ++m) {
      for (size_t s = 0; s < strata.size() && stratified; ++s) {
        const std::string& name = strata[s].first;
        if (name.front() == '(') continue;  // (unknown), (several): nothing to set it beside
        const Answer& a = by_stratum[s][m];
        matching::record_estimate(session->registry,
                                  {0, name, a.method, a.documented, a.estimate, a.low, a.high,
                                   strata[s].second, settings_json(o, a), "", ""});
      }
      const Answer& t = totals[m];
      est::CaptureHistories all = strata.front().second;
      for (size_t s = 1; s < strata.size(); ++s)
        for (size_t c = 0; c < all.counts.size(); ++c) all.counts[c] += strata[s].second.counts[c];
      matching::record_estimate(
          session->registry, {0, o.subject, t.method, t.documented, t.estimate, t.low, t.high, all,
                              settings_json(o, t), "", ""});
    }
  }
  if (!o.plots.empty()) {
    std::vector<std::pair<std::string, Answer>> rows;
    for (size_t s = 0; s < strata.size(); ++s)
      rows.emplace_back(stratum_label(session, strata[s].first), by_stratum[s][0]);
    write_plots(o, rows, totals.front(), stratified);
  }

  const auto& first = strata.front().second;
  if (g.json) {
    OrderedJson out = {{"lists", first.lists}, {"warnings", est::warnings(first)}};
    if (stratified) {
      OrderedJson list = OrderedJson::array();
      for (size_t s = 0; s < strata.size(); ++s) {
        OrderedJson methods_json = OrderedJson::array();
        for (const Answer& a : by_stratum[s]) methods_json.push_back(to_json(a));
        list.push_back({{"stratum", strata[s].first},
                        {"warnings", est::warnings(strata[s].second)},
                        {"estimates", methods_json}});
      }
      out["strata"] = list;
    }
    OrderedJson total_json = OrderedJson::array();
    for (const Answer& t : totals) total_json.push_back(to_json(t));
    out["total"] = total_json;
    return print_json(out);
  }

  if (stratified) {
    std::printf("%-20s %10s %10s %21s  %s\n", "stratum", "documented", "estimate", "95% interval",
                "method");
    for (size_t s = 0; s < strata.size(); ++s) {
      for (const auto& w : est::warnings(strata[s].second))
        std::printf("warning (%s): %s\n", strata[s].first.c_str(), w.c_str());
      for (const Answer& a : by_stratum[s]) {
        for (const auto& w : a.warnings)
          std::printf("warning (%s): %s\n", strata[s].first.c_str(), w.c_str());
        print_answer_line(strata[s].first, a);
      }
    }
    for (const Answer& t : totals) print_answer_line("all strata", t);
  } else {
    for (const auto& w : est::warnings(first)) std::printf("warning: %s\n", w.c_str());
    for (const Answer& a : totals) {
      for (const auto& w : a.warnings) std::printf("warning: %s\n", w.c_str());
      if (a.method.rfind("latent", 0) == 0) {
        std::printf(
            "latent classes (K %d, %d chains, %llu iterations, %.2f s): median %.0f, 95%% "
            "interval %.0f-%.0f; effective sample size %.0f, split R-hat %.3f\n",
            o.lc.classes, o.lc.chains, a.detail["iterations"].get<unsigned long long>(),
            a.detail["seconds"].get<double>(), a.estimate, a.low, a.high,
            a.detail["effective_sample_size"].get<double>(), a.detail["split_r_hat"].get<double>());
      } else {
        print_models(first, o);
        std::printf(
            "best by AIC: %.0f (95%% bootstrap interval %.0f-%.0f; profile likelihood "
            "%.0f-%.0f)\n",
            a.estimate, a.low, a.high, a.detail["profile_interval"][0].get<double>(),
            a.detail["profile_interval"][1].get<double>());
      }
      if (o.compare) std::printf("  assumes: %s\n", a.assumes.c_str());
    }
  }
  if (o.compare) {
    // Side by side: the spread between methods is the honest answer, not either interval.
    std::printf("\nside by side (%.0f documented):\n", totals.front().documented);
    double low = INFINITY, high = 0;
    for (const Answer& a : totals) {
      std::printf("  %-58s %8.0f  %.0f-%.0f\n    assumes: %s\n", a.method.c_str(), a.estimate,
                  a.low, a.high, a.assumes.c_str());
      low = std::min(low, a.estimate);
      high = std::max(high, a.estimate);
    }
    std::printf("  the methods' estimates span %.0f to %.0f (%.2f times)\n", low, high,
                low > 0 ? high / low : 0.0);
  }
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
                       "registry strata: site (persons buried_at a site) or governorate");
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
