#include "estimate/loglinear.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

#include "core/csv.h"
#include "core/error.h"
#include "core/text.h"

namespace athar::estimate {

double CaptureHistories::documented() const {
  double n = 0;
  for (size_t i = 1; i < counts.size(); ++i) n += counts[i];
  return n;
}

namespace {

std::vector<std::pair<std::string, CaptureHistories>> read_all(const std::string& path,
                                                               bool stratified) {
  core::CsvReader csv(path);
  std::vector<std::string_view> row;
  if (!csv.next(row)) throw core::InputError(path, "", "", "the file is empty (no header row)");
  CaptureHistories h;
  int count_column = -1, stratum_column = -1;
  for (size_t c = 0; c < row.size(); ++c) {
    const std::string name(core::trim(row[c]));
    if (name == "count") {
      count_column = static_cast<int>(c);
    } else if (name == "stratum" && stratified) {
      stratum_column = static_cast<int>(c);
    } else {
      h.lists.push_back(name);
    }
  }
  if (stratified && stratum_column < 0)
    throw core::InputError(path + " row 1 (header)", "stratum", "", "no stratum column");
  const size_t extra = stratified ? 2 : 1;
  if (count_column < 0)
    throw core::InputError(path + " row 1 (header)", "count", "", "no count column");
  if (h.lists.size() < 2 || h.lists.size() > 16) {
    throw core::InputError(path + " row 1 (header)", "lists", std::to_string(h.lists.size()),
                           "2 to 16 lists");
  }
  csv.require_unique_columns(row);
  csv.set_header(row);
  h.counts.assign(size_t{1} << h.lists.size(), 0.0);
  std::vector<std::pair<std::string, CaptureHistories>> strata;
  std::map<std::string, size_t> stratum_index;
  std::map<std::string, std::vector<bool>> seen_in;
  while (csv.next(row)) {
    const std::string where = csv.location();
    if (row.size() != h.lists.size() + extra) {
      throw core::InputError(where, "", std::to_string(row.size()) + " columns",
                             "expected " + std::to_string(h.lists.size() + extra));
    }
    const std::string stratum =
        stratified ? std::string(core::trim(row[static_cast<size_t>(stratum_column)])) : "";
    if (stratified && stratum.empty()) throw core::InputError(where, "stratum", "", "no stratum");
    auto [slot, inserted] = stratum_index.try_emplace(stratum, strata.size());
    if (inserted) {
      strata.emplace_back(stratum, h);
      seen_in[stratum].assign(h.counts.size(), false);
    }
    CaptureHistories& target = strata[slot->second].second;
    std::vector<bool>& seen = seen_in[stratum];
    size_t history = 0, list = 0;
    double count = -1;
    for (size_t c = 0; c < row.size(); ++c) {
      if (static_cast<int>(c) == stratum_column) continue;
      const std::string cell(core::trim(row[c]));
      if (static_cast<int>(c) == count_column) {
        try {
          size_t used = 0;
          count = std::stod(cell, &used);
          if (used != cell.size()) count = -1;
        } catch (const std::exception&) {
          count = -1;
        }
        if (!(count >= 0) || count != std::floor(count))
          throw core::InputError(where, "count", cell, "a whole number, 0 or more");
        continue;
      }
      if (cell != "0" && cell != "1")
        throw core::InputError(where, h.lists[list], cell, "a history cell is 0 or 1");
      if (cell == "1") history |= size_t{1} << list;
      ++list;
    }
    if (history == 0) {
      throw core::InputError(where, "history", "all zero",
                             "nobody can be counted as documented by no list");
    }
    if (seen[history]) throw core::InputError(where, "history", "", "this history is given twice");
    seen[history] = true;
    target.counts[history] = count;
  }
  if (strata.empty()) strata.emplace_back("", h);
  return strata;
}

}  // namespace

CaptureHistories read_histories(const std::string& path) {
  return read_all(path, false).front().second;
}

std::vector<std::pair<std::string, CaptureHistories>> read_stratified_histories(
    const std::string& path) {
  return read_all(path, true);
}

std::vector<std::string> warnings(const CaptureHistories& h) {
  std::vector<std::string> out;
  const size_t k = h.lists.size();
  if (k < 3) out.push_back("fewer than three lists: no interaction between lists can be checked");
  const double n = h.documented();
  for (size_t i = 0; i < k; ++i) {
    double on = 0;
    for (size_t c = 1; c < h.counts.size(); ++c) on += (c >> i & 1) ? h.counts[c] : 0;
    if (on == 0) out.push_back("list " + h.lists[i] + " documents no one");
    if (on == n) out.push_back("list " + h.lists[i] + " documents everyone documented");
  }
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = i + 1; j < k; ++j) {
      double both = 0;
      for (size_t c = 1; c < h.counts.size(); ++c)
        both += ((c >> i & 1) && (c >> j & 1)) ? h.counts[c] : 0;
      if (both == 0)
        out.push_back("lists " + h.lists[i] + " and " + h.lists[j] +
                      " never overlap (an empty margin)");
    }
  }
  return out;
}

std::string LogLinearModel::name(const std::vector<std::string>& lists) const {
  std::string out;
  std::vector<bool> in_pair(lists.size(), false);
  for (const auto& [i, j] : interactions) {
    out += "[" + lists[static_cast<size_t>(i)] + "*" + lists[static_cast<size_t>(j)] + "]";
    in_pair[static_cast<size_t>(i)] = in_pair[static_cast<size_t>(j)] = true;
  }
  for (size_t i = 0; i < lists.size(); ++i) {
    if (!in_pair[i]) out += "[" + lists[i] + "]";
  }
  return out;
}

namespace {

// Design row of history `c` (bit mask): intercept, main effects, interactions.
std::vector<double> design_row(size_t c, size_t k, const LogLinearModel& m) {
  std::vector<double> x{1.0};
  for (size_t i = 0; i < k; ++i) x.push_back((c >> i & 1) ? 1.0 : 0.0);
  for (const auto& [i, j] : m.interactions) x.push_back(((c >> i & 1) && (c >> j & 1)) ? 1.0 : 0.0);
  return x;
}

// Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with pivoting;
// false when A is singular.
bool solve(std::vector<std::vector<double>> a, std::vector<double> b, std::vector<double>& x) {
  const size_t n = b.size();
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    }
    if (std::abs(a[pivot][col]) < 1e-12) return false;
    std::swap(a[pivot], a[col]);
    std::swap(b[pivot], b[col]);
    for (size_t r = col + 1; r < n; ++r) {
      const double f = a[r][col] / a[col][col];
      for (size_t c = col; c < n; ++c) a[r][c] -= f * a[col][c];
      b[r] -= f * b[col];
    }
  }
  x.assign(n, 0.0);
  for (size_t r = n; r-- > 0;) {
    double s = b[r];
    for (size_t c = r + 1; c < n; ++c) s -= a[r][c] * x[c];
    x[r] = s / a[r][r];
  }
  return true;
}

}  // namespace

namespace {

// Poisson GLM with log link by IRLS (Nelder & Wedderburn 1972), from the log of the mean count
// until the deviance settles. Returns whether it converged; beta and deviance as reached.
bool fit_poisson(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
                 std::vector<double>& beta, double& deviance_out) {
  const size_t p = x[0].size();
  beta.assign(p, 0.0);
  double mean = 0;
  for (double v : y) mean += v;
  beta[0] = std::log(std::max(mean / static_cast<double>(y.size()), 0.5));
  double previous = INFINITY;
  deviance_out = INFINITY;
  for (int iteration = 0; iteration < 100; ++iteration) {
    std::vector<std::vector<double>> xtwx(p, std::vector<double>(p, 0.0));
    std::vector<double> xtwz(p, 0.0);
    for (size_t r = 0; r < y.size(); ++r) {
      double eta = 0;
      for (size_t j = 0; j < p; ++j) eta += x[r][j] * beta[j];
      const double mu = std::exp(eta);
      const double z = eta + (y[r] - mu) / mu;
      for (size_t i = 0; i < p; ++i) {
        xtwz[i] += x[r][i] * mu * z;
        for (size_t j = 0; j < p; ++j) xtwx[i][j] += x[r][i] * mu * x[r][j];
      }
    }
    std::vector<double> next;
    if (!solve(xtwx, xtwz, next)) return false;
    beta = next;
    double deviance = 0;
    for (size_t r = 0; r < y.size(); ++r) {
      double eta = 0;
      for (size_t j = 0; j < p; ++j) eta += x[r][j] * beta[j];
      const double mu = std::exp(eta);
      deviance += 2 * ((y[r] > 0 ? y[r] * std::log(y[r] / mu) : 0) - (y[r] - mu));
    }
    deviance_out = deviance;
    if (std::abs(deviance - previous) < 1e-10 * (1 + std::abs(deviance)))
      return std::isfinite(beta[0]) && std::abs(beta[0]) < 50;
    previous = deviance;
  }
  return false;
}

}  // namespace

LogLinearFit fit_loglinear(const CaptureHistories& h, const LogLinearModel& model) {
  const size_t k = h.lists.size();
  const size_t cells = h.counts.size();
  LogLinearFit fit;
  fit.model = model;
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  for (size_t c = 1; c < cells; ++c) {
    x.push_back(design_row(c, k, model));
    y.push_back(h.counts[c]);
  }
  const size_t p = x[0].size();
  fit.parameters = static_cast<int>(p);
  fit.degrees_of_freedom = static_cast<int>(y.size()) - static_cast<int>(p);
  std::vector<double> beta;
  fit.converged = fit_poisson(x, y, beta, fit.deviance);
  fit.coefficients = beta;
  double log_likelihood = 0;
  for (size_t r = 0; r < y.size(); ++r) {
    double eta = 0;
    for (size_t j = 0; j < p; ++j) eta += x[r][j] * beta[j];
    log_likelihood += y[r] * eta - std::exp(eta) - std::lgamma(y[r] + 1);
  }
  fit.aic = -2 * log_likelihood + 2 * static_cast<double>(p);
  fit.bic = -2 * log_likelihood + std::log(h.documented()) * static_cast<double>(p);
  fit.unobserved = std::exp(beta[0]);
  fit.total = h.documented() + fit.unobserved;
  // No finite maximum: when an overlap is empty the likelihood keeps rising as a coefficient
  // runs off to infinity, and IRLS stops somewhere on the way (estimates of 10^12 and more). A
  // coefficient past e^±25, or more than a thousand missed for each documented, is that.
  for (double b : beta) {
    if (!(std::abs(b) < 25)) fit.converged = false;
  }
  if (!(fit.unobserved < 1000 * h.documented())) fit.converged = false;
  return fit;
}

double profile_log_likelihood(const CaptureHistories& h, const LogLinearModel& model,
                              double total) {
  const size_t k = h.lists.size();
  const double documented = h.documented();
  if (!(total >= documented)) return -INFINITY;
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  for (size_t c = 0; c < h.counts.size(); ++c) {
    x.push_back(design_row(c, k, model));
    y.push_back(c == 0 ? total - documented : h.counts[c]);
  }
  std::vector<double> beta;
  double deviance = 0;
  fit_poisson(x, y, beta, deviance);
  // The multinomial log-likelihood at the model's best cell probabilities μ/N (the Poisson fit
  // of the complete table has Σμ = N): log N!/(N − n)! + Σ y log(μ/N), constants dropped.
  double l = std::lgamma(total + 1) - std::lgamma(total - documented + 1);
  for (size_t r = 0; r < y.size(); ++r) {
    if (y[r] <= 0) continue;
    double eta = 0;
    for (size_t j = 0; j < beta.size(); ++j) eta += x[r][j] * beta[j];
    l += y[r] * (eta - std::log(total));
  }
  return l;
}

Interval profile_interval(const CaptureHistories& h, const LogLinearModel& model) {
  constexpr double kDrop = 1.9207294103470183;  // χ²₁(0.95) / 2
  const double documented = h.documented();
  const auto l = [&](double n) { return profile_log_likelihood(h, model, n); };
  // The maximum: golden-section search on a bracket that grows until the likelihood falls.
  double high = std::max(2 * fit_loglinear(h, model).total, documented + 10);
  while (l(high) > l(documented + (high - documented) / 2) && high < 1e4 * documented) high *= 2;
  double a = documented, b = high;
  const double golden = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 200 && b - a > 1e-7 * (1 + a); ++i) {
    const double c = b - golden * (b - a), d = a + golden * (b - a);
    if (l(c) < l(d))
      a = c;
    else
      b = d;
  }
  const double best = (a + b) / 2, top = l(best);
  // Each end: where the log-likelihood has fallen by χ²₁(0.95)/2, by bisection.
  const auto crossing = [&](double inside, double outside) {
    for (int i = 0; i < 200 && std::abs(outside - inside) > 1e-7 * (1 + inside); ++i) {
      const double mid = (inside + outside) / 2;
      (l(mid) >= top - kDrop ? inside : outside) = mid;
    }
    return (inside + outside) / 2;
  };
  Interval out;
  out.low = l(documented) >= top - kDrop ? documented : crossing(best, documented);
  double far = best + (best - documented) + 10;
  while (l(far) >= top - kDrop && far < 1e6 * documented) far = best + 2 * (far - best);
  out.high = crossing(best, far);
  return out;
}

std::vector<LogLinearFit> fit_all_models(const CaptureHistories& h) {
  const size_t k = h.lists.size();
  if (k < 3 || k > 6)
    throw core::InputError("estimate", "lists", std::to_string(k),
                           "log-linear models need 3 to 6 lists");
  std::vector<std::pair<int, int>> pairs;
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = i + 1; j < k; ++j) pairs.emplace_back(static_cast<int>(i), static_cast<int>(j));
  }
  std::vector<LogLinearFit> fits;
  for (uint64_t subset = 0; subset < (uint64_t{1} << pairs.size()); ++subset) {
    LogLinearModel m;
    for (size_t q = 0; q < pairs.size(); ++q) {
      if (subset >> q & 1) m.interactions.push_back(pairs[q]);
    }
    // At least one degree of freedom left: a model that fits every cell exactly (with three
    // lists, all three interactions) cannot be judged by AIC, and its estimate
    // n100·n010·n001·n111 / (n110·n101·n011) explodes when one overlap is small.
    if (1 + k + m.interactions.size() >= h.counts.size() - 1) continue;
    fits.push_back(fit_loglinear(h, m));
  }
  std::stable_sort(fits.begin(), fits.end(), [](const LogLinearFit& a, const LogLinearFit& b) {
    if (a.converged != b.converged) return a.converged;
    return a.aic < b.aic;
  });
  return fits;
}

const LogLinearFit& best_by_bic(const std::vector<LogLinearFit>& fits) {
  return *std::min_element(fits.begin(), fits.end(), [](const auto& x, const auto& y) {
    if (x.converged != y.converged) return x.converged;
    return x.bic < y.bic;
  });
}

Interval percentile_interval(std::vector<double> draws, double level) {
  if (draws.empty()) throw core::InputError("estimate", "bootstrap", "", "no draws");
  std::sort(draws.begin(), draws.end());
  const auto at = [&](double q) {
    return draws[static_cast<size_t>(std::clamp(q, 0.0, 1.0) *
                                     static_cast<double>(draws.size() - 1))];
  };
  return {at((1 - level) / 2), at(1 - (1 - level) / 2)};
}

Interval bootstrap_interval(const CaptureHistories& h, const LogLinearModel& model,
                            size_t replicates, uint64_t seed, double level) {
  return percentile_interval(bootstrap_totals(h, model, replicates, seed), level);
}

std::vector<double> bootstrap_totals(const CaptureHistories& h, const LogLinearModel& model,
                                     size_t replicates, uint64_t seed) {
  const LogLinearFit fit = fit_loglinear(h, model);
  if (!fit.converged)
    throw core::InputError("estimate", "model", model.name(h.lists), "did not converge");
  const size_t k = h.lists.size();
  std::vector<double> cell(h.counts.size());
  for (size_t c = 0; c < cell.size(); ++c) {
    const auto x = design_row(c, k, model);
    double eta = 0;
    for (size_t j = 0; j < x.size(); ++j) eta += x[j] * fit.coefficients[j];
    cell[c] = std::exp(eta);
  }
  const auto total = static_cast<uint64_t>(std::llround(fit.total));
  std::mt19937_64 rng(seed);
  std::vector<double> totals;
  for (size_t r = 0; r < replicates; ++r) {
    // A multinomial draw over all cells, cell by cell as binomials.
    CaptureHistories drawn = h;
    uint64_t left = total;
    double mass = fit.total;
    for (size_t c = 0; c < cell.size(); ++c) {
      const double share = mass > 0 ? std::min(1.0, cell[c] / mass) : 0;
      const uint64_t n = left ? std::binomial_distribution<uint64_t>(left, share)(rng) : 0;
      drawn.counts[c] = c == 0 ? 0 : static_cast<double>(n);
      left -= n;
      mass -= cell[c];
    }
    const LogLinearFit again = fit_loglinear(drawn, model);
    if (again.converged) totals.push_back(again.total);
  }
  if (totals.empty()) throw core::InputError("estimate", "bootstrap", "", "no replicate converged");
  return totals;
}

}  // namespace athar::estimate
