// Victim-count estimation from overlapping lists: capture histories and log-linear models
// (docs/estimate.md).
//
// A capture history says which of k lists documented a person; the counts of the 2^k − 1
// observed histories are fitted by a Poisson log-linear model (main effects and chosen two-way
// interactions between lists), and the model's prediction for the one unobservable history —
// documented by no list — is the estimate of those missed.
//
//   CaptureHistories h = read_histories("kosovo.csv");
//   std::vector<LogLinearFit> fits = fit_all_models(h);   // by AIC, best first
//   Interval i = bootstrap_interval(h, fits[0].model, 1000, 1);
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace athar::estimate {

struct CaptureHistories {
  std::vector<std::string> lists;
  std::vector<double> counts;  // by history: bit i set = documented by list i; [0] unused
  double documented() const;
};

// A CSV with one 0/1 column per list and a `count` column, one row per history (as
// ../shared/data/mse/kosovo.csv). InputError names the row and field for a wrong number of
// columns, a cell that is not 0 or 1, a negative or fractional count, an all-zero history, a
// history given twice; fewer than two lists is an error too.
CaptureHistories read_histories(const std::string& path);

// The same with a `stratum` column (site, governorate, year, sex — the analyst's choice): the
// histories of each stratum, by stratum name in the order they first appear.
std::vector<std::pair<std::string, CaptureHistories>> read_stratified_histories(
    const std::string& path);

// Conditions under which the data cannot support an estimate, in words (empty: none): fewer
// than three lists, a list that documents no one or everyone documented, a pair of lists that
// never overlap.
std::vector<std::string> warnings(const CaptureHistories& h);

struct LogLinearModel {
  std::vector<std::pair<int, int>> interactions;                  // two-way, list indexes i < j
  std::string name(const std::vector<std::string>& lists) const;  // "[EXH*ABA][OSCE][HRW]" style
};

struct LogLinearFit {
  LogLinearModel model;
  std::vector<double> coefficients;  // intercept, main effects, interactions
  double deviance = 0, aic = 0, bic = 0;
  int parameters = 0, degrees_of_freedom = 0;
  double unobserved = 0;  // the estimated count documented by no list
  double total = 0;       // documented + unobserved
  bool converged = false;
};

// Poisson GLM with log link on the observed histories, by iteratively reweighted least squares.
LogLinearFit fit_loglinear(const CaptureHistories& h, const LogLinearModel& model);
// Every hierarchical model with all main effects and any set of two-way interactions (3 to 6
// lists) that leaves at least one degree of freedom, fitted; converged ones first, by AIC.
std::vector<LogLinearFit> fit_all_models(const CaptureHistories& h);
// The converged fit with the least BIC (the first fit when none converged); `fits` not empty.
const LogLinearFit& best_by_bic(const std::vector<LogLinearFit>& fits);

struct Interval {
  double low = 0, high = 0;
};
// Parametric bootstrap: tables drawn from the fitted model (multinomial over all 2^k cells with
// the estimated total), refitted; the `level` percentile interval of the totals.
Interval bootstrap_interval(const CaptureHistories& h, const LogLinearModel& model,
                            size_t replicates, uint64_t seed, double level = 0.95);
// The bootstrap totals themselves (converged replicates), for summing strata.
std::vector<double> bootstrap_totals(const CaptureHistories& h, const LogLinearModel& model,
                                     size_t replicates, uint64_t seed);
// Profile-likelihood 95% interval for the total under a model (Cormack 1992): for each total N
// the multinomial likelihood of the complete table, its unobserved cell N − documented, is
// maximised over the model's parameters; the interval holds the N whose maximum lies within
// χ²₁(0.95)/2 of the best.
Interval profile_interval(const CaptureHistories& h, const LogLinearModel& model);
// That profile log-likelihood at one total (constants dropped), exposed for the tests.
double profile_log_likelihood(const CaptureHistories& h, const LogLinearModel& model, double total);
// The `level` percentile interval of draws.
Interval percentile_interval(std::vector<double> draws, double level = 0.95);

}  // namespace athar::estimate
