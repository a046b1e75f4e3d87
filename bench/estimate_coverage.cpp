// Coverage of the victim-count estimators' 95% intervals over synthetic populations with known
// totals (linkage/simulate.h, the generator behind `athar simulate lists`): four lists whose
// capture depends on each person's visibility (heterogeneous capture, gamma with variance
// HETEROGENEITY), capture histories from the truth or, with --linked, from linking the lists.
//
//   estimate_coverage REPLICATES POPULATION [HETEROGENEITY] [--linked]
//
// For each method: the share of replicates whose interval holds the true total, the median of
// estimate / truth, the median interval width / truth, and the time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "coverage_tally.h"
#include "estimate/latent_class.h"
#include "estimate/loglinear.h"
#include "linkage/simulate.h"
#include "matching/person_linkage.h"

namespace {

using athar::bench::CoverageTally;
using athar::bench::median;
using athar::estimate::CaptureHistories;

CaptureHistories histories_from(const std::vector<uint32_t>& group_of_record,
                                const athar::linkage::Simulation& sim, size_t lists) {
  CaptureHistories h;
  for (size_t l = 0; l < lists; ++l) h.lists.push_back("list" + std::to_string(l + 1));
  std::map<uint32_t, size_t> history;
  for (size_t i = 0; i < sim.records.size(); ++i)
    history[group_of_record[i]] |= size_t{1} << sim.records[i].list;
  h.counts.assign(size_t{1} << lists, 0.0);
  for (const auto& [group, bits] : history) h.counts[bits] += 1;
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: estimate_coverage REPLICATES POPULATION [HETEROGENEITY] [--linked]\n");
    return 2;
  }
  const int replicates = std::stoi(argv[1]);
  const size_t population = std::stoul(argv[2]);
  const double heterogeneity = argc > 3 && argv[3][0] != '-' ? std::stod(argv[3]) : 1.0;
  const bool linked = std::strcmp(argv[argc - 1], "--linked") == 0;
  CoverageTally loglinear("log-linear, best AIC, bootstrap"),
      profile("log-linear, best AIC, profile lik."), latent("latent classes K=10");
  double documented_share = 0;
  for (int r = 1; r <= replicates; ++r) {
    const auto sim = athar::bench::four_lists(population, static_cast<uint64_t>(r), heterogeneity);
    std::vector<uint32_t> group(sim.records.size());
    if (linked) {
      const auto data = athar::matching::simulated_person_dataset(sim, nullptr);
      auto config = athar::matching::person_linkage_config();
      config.link_only_across_lists = config.one_record_per_list = true;
      const auto result = athar::linkage::link(data, config);
      for (size_t i = 0; i < group.size(); ++i) group[i] = result.cluster[i];
    } else {
      for (size_t i = 0; i < group.size(); ++i) group[i] = sim.records[i].person;
    }
    const CaptureHistories h = histories_from(group, sim, 4);
    const double truth = static_cast<double>(population);
    documented_share += h.documented() / truth;

    auto t0 = std::chrono::steady_clock::now();
    const auto fits = athar::estimate::fit_all_models(h);
    const auto interval =
        athar::estimate::bootstrap_interval(h, fits.front().model, 200, static_cast<uint64_t>(r));
    auto t1 = std::chrono::steady_clock::now();
    loglinear.add(fits.front().total, interval.low, interval.high, truth,
                  std::chrono::duration<double>(t1 - t0).count());
    t0 = std::chrono::steady_clock::now();
    const auto by_profile = athar::estimate::profile_interval(h, fits.front().model);
    t1 = std::chrono::steady_clock::now();
    profile.add(fits.front().total, by_profile.low, by_profile.high, truth,
                std::chrono::duration<double>(t1 - t0).count());

    athar::estimate::LatentClassOptions o;
    o.classes = 10;
    o.burn_in = 5000;  // as long again (10,000 + 1,000 × 100) moves the medians by < 1%
    o.samples = 1000;
    o.thinning = 20;
    o.seed = static_cast<uint64_t>(r);
    t0 = std::chrono::steady_clock::now();
    const auto lc = athar::estimate::sample_latent_class(h, o);
    t1 = std::chrono::steady_clock::now();
    latent.add(lc.median, lc.low, lc.high, truth, std::chrono::duration<double>(t1 - t0).count());
  }
  std::printf(
      "%d populations of %zu, four lists (coverage 0.35/0.30/0.25/0.20 times visibility, "
      "heterogeneity %.2f), histories from %s; documented %.1f%% on average\n",
      replicates, population, heterogeneity, linked ? "linkage" : "the truth",
      100 * documented_share / replicates);
  std::printf("%-34s %12s %16s %18s %9s\n", "method", "coverage", "median est/N", "median width/N",
              "seconds");
  for (const CoverageTally* t : {&loglinear, &profile, &latent}) {
    std::printf("%-34s %4d/%-4d %3.0f%% %16.3f %18.3f %9.1f\n", t->method.c_str(), t->covered,
                t->runs, 100.0 * t->covered / t->runs, median(t->ratio), median(t->width),
                t->seconds);
  }
  return 0;
}
