#include "estimate/loglinear.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>

#include "core/error.h"
#include "estimate/latent_class.h"
#include "test_support.h"

namespace athar::estimate {
namespace {

const std::string kKosovo = std::string(ATHAR_SOURCE_DIR) + "/tests/estimate/data/kosovo.csv";

CaptureHistories three_lists(double n100, double n010, double n001, double n110, double n101,
                             double n011, double n111) {
  CaptureHistories h{{"A", "B", "C"}, std::vector<double>(8, 0)};
  h.counts[1] = n100;
  h.counts[2] = n010;
  h.counts[4] = n001;
  h.counts[3] = n110;
  h.counts[5] = n101;
  h.counts[6] = n011;
  h.counts[7] = n111;
  return h;
}

// Closed forms of the maximum likelihood estimates a standard GLM fit gives.
TEST(LogLinear, ClosedFormsForTwoAndThreeLists) {
  CaptureHistories two{{"A", "B"}, {0, 60, 40, 20}};  // n10 = 60, n01 = 40, n11 = 20
  EXPECT_NEAR(fit_loglinear(two, {}).unobserved, 60.0 * 40 / 20, 1e-6);  // Lincoln–Petersen
  const CaptureHistories h = three_lists(120, 90, 70, 30, 25, 20, 10);
  // All two-way interactions: saturated on the observed cells, n000 = n100 n010 n001 n111 /
  // (n110 n101 n011).
  LogLinearModel all{{{0, 1}, {0, 2}, {1, 2}}};
  const LogLinearFit saturated = fit_loglinear(h, all);
  EXPECT_TRUE(saturated.converged);
  EXPECT_NEAR(saturated.unobserved, 120.0 * 90 * 70 * 10 / (30.0 * 25 * 20), 1e-6);
  EXPECT_NEAR(saturated.deviance, 0, 1e-8);
  EXPECT_EQ(saturated.degrees_of_freedom, 0);
  // Independence of three lists: the fitted margins equal the observed ones (score equations).
  const LogLinearFit independent = fit_loglinear(h, {});
  for (size_t list = 0; list < 3; ++list) {
    double observed = 0, fitted = 0;
    for (size_t c = 1; c < 8; ++c) {
      if (!(c >> list & 1)) continue;
      observed += h.counts[c];
      double eta = independent.coefficients[0];
      for (size_t i = 0; i < 3; ++i) eta += (c >> i & 1) ? independent.coefficients[1 + i] : 0;
      fitted += std::exp(eta);
    }
    EXPECT_NEAR(fitted, observed, 1e-6 * observed);
  }
}

// Every model of reference fits made by R's glm (tests/estimate/data/glm_reference.R): the
// Kosovo table's 64 models, a synthetic five-list table's 1,024 and 100 of a six-list table's
// 32,768. The estimate of the unobserved cell and the deviance agree to 1e-6 relative.
TEST(LogLinear, AgreesWithRsGlmOnEveryModel) {
  const std::string data = std::string(ATHAR_SOURCE_DIR) + "/tests/estimate/data/";
  std::ifstream in(data + "glm-reference.csv");
  ASSERT_TRUE(in) << "glm-reference.csv";
  std::map<std::string, CaptureHistories> tables;
  std::string line;
  size_t models = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("table,", 0) == 0) continue;
    std::vector<std::string> field;
    std::stringstream row(line);
    for (std::string f; std::getline(row, f, ',');) field.push_back(f);
    ASSERT_EQ(field.size(), 6u) << line;
    if (!tables.count(field[0])) tables[field[0]] = read_histories(data + field[0]);
    LogLinearModel model;
    std::stringstream pairs(field[1]);
    for (std::string pair; pairs >> pair;) {
      const size_t dash = pair.find('-');
      model.interactions.emplace_back(std::stoi(pair.substr(0, dash)),
                                      std::stoi(pair.substr(dash + 1)));
    }
    const LogLinearFit fit = fit_loglinear(tables[field[0]], model);
    const double unobserved = std::stod(field[3]), deviance = std::stod(field[4]);
    const std::string name = field[0] + " " + model.name(tables[field[0]].lists);
    EXPECT_TRUE(fit.converged) << name;
    EXPECT_NEAR(fit.unobserved, unobserved, 1e-6 * unobserved) << name;
    EXPECT_NEAR(fit.deviance, deviance, 1e-6 * std::max(deviance, 1.0)) << name;
    EXPECT_EQ(fit.degrees_of_freedom, std::stoi(field[5])) << name;
    ++models;
  }
  EXPECT_EQ(models, 64u + 1024u + 100u);
}

TEST(LogLinear, KosovoModelsByAic) {
  const CaptureHistories h = read_histories(kKosovo);
  ASSERT_EQ(h.lists, (std::vector<std::string>{"EXH", "ABA", "OSCE", "HRW"}));
  EXPECT_EQ(h.documented(), 4400);
  EXPECT_TRUE(warnings(h).empty());
  const auto fits = fit_all_models(h);
  EXPECT_EQ(fits.size(), 64u);  // every set of the six pairs
  ASSERT_TRUE(fits[0].converged);
  for (size_t i = 1; i < fits.size(); ++i) {
    if (fits[i].converged) {
      EXPECT_GE(fits[i].aic, fits[0].aic);
    }
  }
  // Documented plus a positive number missed; the published estimates are about 10,000.
  EXPECT_GT(fits[0].total, 4400);
  std::printf("Kosovo, best by AIC: %s, estimate %.0f\n", fits[0].model.name(h.lists).c_str(),
              fits[0].total);
  const Interval i = bootstrap_interval(h, fits[0].model, 200, 1);
  EXPECT_LT(i.low, fits[0].total);
  EXPECT_GT(i.high, fits[0].total);
}

TEST(Histories, BadFilesNameTheRow) {
  testing::ScratchDir dir;
  const auto error = [&](const std::string& text) -> std::string {
    try {
      read_histories(dir.write("h.csv", text));
    } catch (const core::InputError& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(error("A,B,C,count\n1,0,0,5\n0,1\n").find("h.csv row 3"), std::string::npos);
  EXPECT_NE(error("A,B,C,count\n1,0,0,-5\n").find("whole number"), std::string::npos);
  EXPECT_NE(error("A,B,C,count\n0,0,0,5\n").find("all zero"), std::string::npos);
  EXPECT_NE(error("A,B,C,count\n1,0,2,5\n").find("0 or 1"), std::string::npos);
  EXPECT_NE(error("A,B,C,count\n1,0,0,5\n1,0,0,6\n").find("twice"), std::string::npos);
  EXPECT_NE(error("A,count\n1,5\n").find("2 to 16 lists"), std::string::npos);
  const CaptureHistories h = read_histories(dir.write("w.csv", "A,B,count\n1,0,5\n0,1,4\n"));
  const auto w = warnings(h);
  ASSERT_EQ(w.size(), 2u);  // two lists only; and they never overlap
}

}  // namespace
}  // namespace athar::estimate

namespace athar::estimate {
namespace {

TEST(Diagnostics, EffectiveSampleSizeAndSplitRHat) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::vector<double> iid(4000), ar(4000), trend(4000);
  double x = 0;
  for (size_t i = 0; i < iid.size(); ++i) {
    iid[i] = normal(rng);
    x = 0.9 * x + normal(rng);
    ar[i] = x;
    trend[i] = normal(rng) + static_cast<double>(i) / 1000;
  }
  EXPECT_NEAR(effective_sample_size(iid) / 4000, 1, 0.15);
  // AR(1) with ρ = 0.9: n (1 − ρ) / (1 + ρ) ≈ 211.
  EXPECT_NEAR(effective_sample_size(ar), 4000 * 0.1 / 1.9, 80);
  EXPECT_NEAR(split_r_hat(iid), 1, 0.01);
  EXPECT_GT(split_r_hat(trend), 1.1);
}

// The latent-class posterior on Kosovo: near the published 10,000, interval around it.
TEST(LatentClass, KosovoPosterior) {
  const CaptureHistories h = read_histories(kKosovo);
  LatentClassOptions o;
  o.classes = 10;
  o.burn_in = 5000;
  o.samples = 300;
  o.thinning = 50;
  const LatentClassResult r = sample_latent_class(h, o);
  ASSERT_EQ(r.totals.size(), 300u);
  EXPECT_GT(r.median, 9000);
  EXPECT_LT(r.median, 12500);
  EXPECT_LT(r.low, r.median);
  EXPECT_GT(r.high, r.median);
  EXPECT_GE(r.low, 4400);
  std::printf("Kosovo latent-class: median %.0f [%.0f, %.0f], ESS %.0f, split R-hat %.3f\n",
              r.median, r.low, r.high, r.effective_sample_size, r.split_r_hat);
  // The classes occupied at each kept draw, and how often all K were.
  ASSERT_EQ(r.occupied.size(), r.totals.size());
  for (int n : r.occupied) {
    EXPECT_GE(n, 1);
    EXPECT_LE(n, o.classes);
  }
  EXPECT_DOUBLE_EQ(
      r.all_occupied_share,
      static_cast<double>(std::count(r.occupied.begin(), r.occupied.end(), 10)) / 300.0);
  // With room for 50 classes the chains use far fewer: the truncation does not bind.
  LatentClassOptions roomy = o;
  roomy.classes = 50;
  const LatentClassResult wide = sample_latent_class(h, roomy);
  EXPECT_LT(wide.all_occupied_share, 0.05);
  EXPECT_LT(wide.occupied_median, 25);
  std::printf(
      "occupied classes: K 10 median %.0f, all in %.0f%%; K 50 median %.0f, all in %.0f%%\n",
      r.occupied_median, 100 * r.all_occupied_share, wide.occupied_median,
      100 * wide.all_occupied_share);
  LatentClassOptions bad = o;
  bad.classes = 0;
  EXPECT_THROW(sample_latent_class(h, bad), core::InputError);
}

// The profile likelihood of the independence model has a closed form: with list margins n_j,
// l(N) = log N!/(N − n)! + Σ_j [n_j log(n_j/N) + (N − n_j) log(1 − n_j/N)]. The GLM-based profile
// agrees with it, and the interval's ends sit where it has fallen by χ²₁(0.95)/2 = 1.9207.
TEST(ProfileLikelihood, IndependenceModelClosedForm) {
  const CaptureHistories h = read_histories(kKosovo);
  const double n = h.documented();
  std::vector<double> margin(h.lists.size(), 0.0);
  for (size_t c = 1; c < h.counts.size(); ++c)
    for (size_t j = 0; j < h.lists.size(); ++j)
      if (c >> j & 1) margin[j] += h.counts[c];
  const auto closed = [&](double total) {
    double l = std::lgamma(total + 1) - std::lgamma(total - n + 1);
    for (double m : margin) l += m * std::log(m / total) + (total - m) * std::log1p(-m / total);
    return l;
  };
  const LogLinearModel independence;
  for (const double total : {4500.0, 6000.0, 9000.0, 20000.0})
    EXPECT_NEAR(profile_log_likelihood(h, independence, total), closed(total),
                1e-8 * std::abs(closed(total)));
  const Interval i = profile_interval(h, independence);
  double top = -INFINITY;
  for (double t = i.low; t <= i.high; t += 0.5) top = std::max(top, closed(t));
  EXPECT_NEAR(closed(i.low), top - 1.9207294, 1e-4);
  EXPECT_NEAR(closed(i.high), top - 1.9207294, 1e-4);
  const double estimate = fit_loglinear(h, independence).total;
  EXPECT_LT(i.low, estimate);
  EXPECT_GT(i.high, estimate);
  // The selected Kosovo model: the profile interval holds its estimate.
  const auto best = fit_all_models(h).front();
  const Interval b = profile_interval(h, best.model);
  EXPECT_LT(b.low, best.total);
  EXPECT_GT(b.high, best.total);
  std::printf(
      "Kosovo profile-likelihood interval: independence %.0f (%.0f-%.0f), best %.0f "
      "(%.0f-%.0f)\n",
      estimate, i.low, i.high, best.total, b.low, b.high);
}

// With one class the model is the independence model M_t; on a table that fits it exactly
// (expected counts for N = 5,000 and capture probabilities 0.3, 0.4, 0.5, 0.2) the posterior
// median sits at the log-linear independence estimate, with one class or ten.
TEST(LatentClass, OneClassAgreesWithIndependence) {
  CaptureHistories h;
  h.lists = {"A", "B", "C", "D"};
  const double capture[] = {0.3, 0.4, 0.5, 0.2};
  h.counts.assign(16, 0);
  for (size_t c = 1; c < 16; ++c) {
    double p = 5000;
    for (size_t j = 0; j < 4; ++j) p *= (c >> j & 1) ? capture[j] : 1 - capture[j];
    h.counts[c] = std::round(p);
  }
  const LogLinearFit independence = fit_loglinear(h, LogLinearModel{});
  EXPECT_NEAR(independence.total, 5000, 25);
  for (const int classes : {1, 10}) {
    LatentClassOptions o;
    o.classes = classes;
    o.burn_in = 2000;
    o.samples = 2000;
    o.thinning = 5;
    const LatentClassResult r = sample_latent_class(h, o);
    EXPECT_NEAR(r.median / independence.total, 1, 0.02) << classes << " classes";
    EXPECT_LT(r.low, independence.total);
    EXPECT_GT(r.high, independence.total);
  }
}

// Chains are seeded by their number, not by the thread that runs them.
TEST(LatentClass, SameDrawsWhateverTheThreads) {
  const CaptureHistories h = read_histories(kKosovo);
  LatentClassOptions o;
  o.burn_in = 200;
  o.samples = 40;
  o.thinning = 3;
  o.chains = 3;
  o.threads = 1;
  const LatentClassResult one = sample_latent_class(h, o);
  o.threads = 3;
  const LatentClassResult three = sample_latent_class(h, o);
  EXPECT_EQ(one.totals, three.totals);
  ASSERT_EQ(one.chains.size(), 3u);
  EXPECT_EQ(one.chains[0].size() + one.chains[1].size() + one.chains[2].size(), 40u);
  EXPECT_NE(one.chains[0], one.chains[1]);
  // The benchmarks' observer sees every iteration of every chain, and observing changes nothing.
  std::mutex seen_lock;
  std::vector<uint64_t> seen(3);
  std::vector<int> occupied_last(3);
  o.on_iteration = [&](size_t chain, int occupied, double seconds) {
    std::lock_guard<std::mutex> guard(seen_lock);
    ++seen.at(chain);
    occupied_last[chain] = occupied;
    EXPECT_GE(seconds, 0);
  };
  const LatentClassResult observed = sample_latent_class(h, o);
  EXPECT_EQ(observed.totals, one.totals);
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(seen[c], 200 + observed.chains[c].size() * 3) << c;
    EXPECT_GE(occupied_last[c], 1);
    EXPECT_LE(occupied_last[c], o.classes);
  }
  // The last kept draw of each chain is its last iteration (samples × thinning after burn-in).
  EXPECT_EQ(observed.occupied[observed.chains[0].size() - 1], occupied_last[0]);
}

}  // namespace
}  // namespace athar::estimate
