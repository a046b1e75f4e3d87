// Coverage of the true total by the plain estimate (histories from the one linkage a run chose)
// and by the linkage-aware estimate (matching/linkage_draws.h: linkage structures drawn from the
// pair probabilities, each estimated, pooled), over populations of families from the simulator
// (linkage/simulate.h): four lists linked across lists, one record per list and person.
//
//   linkage_draws_coverage REPLICATES POPULATION [HETEROGENEITY] [--draws N] [--reviewed N]
//                          [--latent-class]
//
// Prints, per replicate, the documented count by the truth, by the linkage and over the draws,
// and then, for the histories from the truth, from the linkage and from the draws, the coverage
// of the 95% interval, the median estimate / truth and width / truth. With CALIBRATION=1 it
// prints how many candidate pairs in each probability band are true pairs, and with SHOW_MISSED=N
// also N true pairs of the first population that blocking never proposed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "coverage_tally.h"
#include "linkage/simulate.h"
#include "matching/linkage_draws.h"
#include "matching/person_linkage.h"

namespace {

namespace est = athar::estimate;
using athar::bench::CoverageTally;
using athar::bench::median;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: linkage_draws_coverage REPLICATES POPULATION [HETEROGENEITY] [--draws N] "
                 "[--reviewed N] [--latent-class]\n");
    return 2;
  }
  const int replicates = std::stoi(argv[1]);
  const size_t population = std::stoul(argv[2]);
  double heterogeneity = 0.5;
  size_t draws = 50;
  bool latent = false;
  size_t reviewed = 0;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--draws") == 0 && i + 1 < argc) {
      draws = std::stoul(argv[++i]);
    } else if (std::strcmp(argv[i], "--reviewed") == 0 && i + 1 < argc) {
      reviewed = std::stoul(argv[++i]);
    } else if (std::strcmp(argv[i], "--latent-class") == 0) {
      latent = true;
    } else {
      heterogeneity = std::stod(argv[i]);
    }
  }
  const bool calibration = std::getenv("CALIBRATION") != nullptr;
  est::EstimationOptions plain_options;
  plain_options.log_linear = !latent;
  plain_options.latent_class = latent;
  plain_options.bootstrap = 200;
  plain_options.latent.burn_in = 5000;
  plain_options.latent.samples = 1000;
  plain_options.latent.thinning = 20;
  athar::matching::LinkageDrawOptions draw_options;
  draw_options.draws = draws;
  draw_options.estimation.log_linear = !latent;
  draw_options.estimation.latent_class = latent;

  CoverageTally from_truth("histories from the truth"), from_linkage("from the linkage (plain)"),
      from_draws("linkage draws (aware)");
  std::vector<double> linkage_share;
  // By band, and [1] for pairs across scripts (one record in Arabic letters, one in Latin).
  std::vector<double> band_pairs(20), band_true(20), band_probability(20);
  int shown = 0;
  const int show_missed = std::getenv("SHOW_MISSED") ? std::atoi(std::getenv("SHOW_MISSED")) : 0;
  double missed_pairs = 0, true_pairs = 0, seconds = 0;
  std::printf("%4s %10s %10s %21s %10s %10s %10s %8s\n", "rep", "truth doc", "linked doc",
              "draws doc (95%)", "plain", "aware", "aware lo", "linkage");
  for (int r = 1; r <= replicates; ++r) {
    const auto sim = athar::bench::four_lists(population, static_cast<uint64_t>(r), heterogeneity);
    const auto data = athar::matching::simulated_person_dataset(sim, nullptr);
    auto config = athar::matching::person_linkage_config();
    config.link_only_across_lists = config.one_record_per_list = true;
    config.report_from = 0.01;
    config.keep_scores = calibration;
    const auto t0 = std::chrono::steady_clock::now();
    const auto result = athar::linkage::link(data, config);

    athar::matching::LinkageDrawInput in;
    in.lists = {"list1", "list2", "list3", "list4"};
    in.one_record_per_list = true;
    std::vector<uint32_t> truth(sim.records.size()), linked(sim.records.size());
    for (size_t i = 0; i < sim.records.size(); ++i) {
      in.list_of_record.push_back(sim.records[i].list);
      truth[i] = sim.records[i].person;
      linked[i] = result.cluster[i];
    }
    in.pairs = result.links;
    if (std::getenv("ORACLE")) {  // each candidate decided by the truth: blocking's floor
      for (auto& p : in.pairs)
        p.probability = sim.records[p.a].person == sim.records[p.b].person ? 1.0 : 0.0;
    }
    if (reviewed > 0) {
      // An analyst reviews pairs drawn at random among the uncertain ones (0.05 to 0.95) and
      // decides each by the truth; the draws are calibrated on those decisions.
      std::vector<size_t> uncertain;
      for (size_t i = 0; i < in.pairs.size(); ++i)
        if (in.pairs[i].probability >= 0.05 && in.pairs[i].probability < 0.95)
          uncertain.push_back(i);
      std::mt19937_64 pick(static_cast<uint64_t>(r));
      std::shuffle(uncertain.begin(), uncertain.end(), pick);
      for (size_t k = 0; k < uncertain.size() && k < reviewed; ++k) {
        const auto& p = in.pairs[uncertain[k]];
        (sim.records[p.a].person == sim.records[p.b].person ? in.same : in.different)
            .emplace_back(p.a, p.b);
      }
      const auto c = athar::matching::calibrate_from_decisions(in);
      athar::matching::apply_calibration(c, in);
      if (r == 1)
        std::printf("calibration from %zu decisions (%zu same): intercept %.3f, slope %.3f\n",
                    c.decided, c.same, c.intercept, c.slope);
    }
    const auto truth_h = athar::matching::histories_of(in, truth);
    const auto linked_h = athar::matching::histories_of(in, linked);
    const double n = static_cast<double>(population);

    const auto plain_truth = est::estimate_strata(truth_h, false, plain_options);
    const auto plain_linked = est::estimate_strata(linked_h, false, plain_options);
    draw_options.seed = static_cast<uint64_t>(r);
    const auto aware = athar::matching::estimate_with_linkage_draws(in, draw_options);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& t = plain_truth.totals.front();
    const auto& l = plain_linked.totals.front();
    const auto& a = aware.totals.front();
    from_truth.add(t.estimate, t.low, t.high, n);
    from_linkage.add(l.estimate, l.low, l.high, n);
    from_draws.add(a.estimate, a.low, a.high, n);
    linkage_share.push_back(aware.linkage_share.front());
    std::printf("%4d %10.0f %10.0f %10.0f-%-10.0f %10.3f %10.3f %10.3f %8.2f\n", r,
                truth_h.front().second.documented(), linked_h.front().second.documented(),
                aware.documented_low, aware.documented_high, l.estimate / n, a.estimate / n,
                a.low / n, aware.linkage_share.front());

    if (calibration) {
      std::map<uint64_t, bool> proposed;
      for (const auto& [x, y, p] : result.scores) {
        const bool same = sim.records[x].person == sim.records[y].person;
        const size_t band = std::min<size_t>(9, static_cast<size_t>(p * 10)) +
                            (sim.records[x].latin != sim.records[y].latin ? 10 : 0);
        band_pairs[band] += 1;
        band_true[band] += same;
        band_probability[band] += p;
        if (same) proposed[(uint64_t{std::min(x, y)} << 32) | std::max(x, y)] = true;
      }
      std::map<uint32_t, std::vector<uint32_t>> records_of;
      for (uint32_t i = 0; i < sim.records.size(); ++i)
        records_of[sim.records[i].person].push_back(i);
      for (const auto& [person, records] : records_of) {
        for (size_t i = 0; i < records.size(); ++i) {
          for (size_t j = i + 1; j < records.size(); ++j) {
            true_pairs += 1;
            const bool missed = !proposed.count((uint64_t{records[i]} << 32) | records[j]);
            missed_pairs += missed;
            if (missed && r == 1 && shown++ < show_missed) {
              for (uint32_t x : {records[i], records[j]}) {
                for (size_t c = 0; c < data.columns().size(); ++c)
                  std::printf("%s|", data.value(x, c).c_str());
                std::printf("\n");
              }
              std::printf("\n");
            }
          }
        }
      }
    }
  }
  std::printf(
      "\n%d populations of %zu (families), four lists (coverage 0.35/0.30/0.25/0.20 times "
      "visibility, heterogeneity %.2f, Latin 0/0.3/0.6/1), %s, %zu linkage draws; %.1f s\n",
      replicates, population, heterogeneity, latent ? "latent classes K=10" : "log-linear best AIC",
      draws, seconds);
  std::printf("%-28s %12s %14s %16s %16s\n", "histories", "coverage", "median est/N",
              "median width/N", "linkage share");
  for (const CoverageTally* t : {&from_truth, &from_linkage, &from_draws}) {
    const bool pooled = t == &from_draws;
    std::printf("%-28s %4d/%-4d %3.0f%% %14.3f %16.3f %16s\n", t->method.c_str(), t->covered,
                t->runs, 100.0 * t->covered / t->runs, median(t->ratio), median(t->width),
                pooled ? std::to_string(median(linkage_share)).substr(0, 5).c_str() : "");
  }
  if (calibration) {
    std::printf(
        "\ncandidate pairs by probability band: pairs, mean probability, share true (one script; "
        "across scripts)\n");
    for (size_t b = 0; b < 10; ++b) {
      std::printf("  %.1f-%.1f", b / 10.0, (b + 1) / 10.0);
      for (size_t k : {b, b + 10}) {
        std::printf(" %10.0f %8.3f %8.3f", band_pairs[k],
                    band_pairs[k] ? band_probability[k] / band_pairs[k] : 0.0,
                    band_pairs[k] ? band_true[k] / band_pairs[k] : 0.0);
      }
      std::printf("\n");
    }
    std::printf("true pairs never proposed: %.0f of %.0f (%.1f%%)\n", missed_pairs, true_pairs,
                100 * missed_pairs / true_pairs);
  }
  return 0;
}
