#include "kinship/planning.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.h"

namespace athar::kinship {

namespace {

void check(double threshold, size_t simulations) {
  if (!(threshold >= 1))
    throw core::InputError("planning", "threshold", std::to_string(threshold), "an LR, 1 or more");
  if (simulations == 0 || simulations > 1000000)
    throw core::InputError("planning", "simulations", std::to_string(simulations),
                           "from 1 to 1,000,000");
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// P(an unrelated person is excluded at some marker), from the family's tabulation.
double exclusion_power_of(const FrequencyTable& table, const MissingPersonLikelihood& likelihood) {
  double not_excluded = 1;
  for (size_t m = 0; m < table.size(); ++m) {
    const auto& t = likelihood.marker_table(m);
    if (!t.informative) continue;
    std::vector<double> p;
    for (Allele a : t.alleles) p.push_back(table.frequency(m, a));
    p.push_back(t.other_frequency);
    const size_t k = p.size();
    double excluded = 0;
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = i; j < k; ++j) {
        if (t.posterior[i * k - i * (i - 1) / 2 + (j - i)] <= 0)
          excluded += i == j ? p[i] * p[j] : 2 * p[i] * p[j];
      }
    }
    not_excluded *= 1 - excluded;
  }
  return 1 - not_excluded;
}

}  // namespace

FamilyPower family_power(const FrequencyTable& table, const Family& family, size_t missing,
                         double threshold, size_t simulations, uint64_t seed) {
  check(threshold, simulations);
  const MissingPersonLikelihood likelihood(table, family, missing);
  FamilyPower out;
  out.simulations = simulations;
  // Per informative marker: the genotypes over the family's alleles and "other", their
  // probability given the references (to draw a true match) and their log10 LR.
  struct MarkerDraw {
    std::discrete_distribution<size_t> draw;
    std::vector<double> log10_lr;
  };
  std::vector<MarkerDraw> markers;
  for (size_t m = 0; m < table.size(); ++m) {
    const auto& t = likelihood.marker_table(m);
    if (!t.informative) continue;
    ++out.markers;
    std::vector<double> p;
    for (Allele a : t.alleles) p.push_back(table.frequency(m, a));
    p.push_back(t.other_frequency);
    const size_t k = p.size();
    std::vector<double> weights, log10_lr;
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = i; j < k; ++j) {
        const double post = t.posterior[i * k - i * (i - 1) / 2 + (j - i)];
        const double random = i == j ? p[i] * p[j] : 2 * p[i] * p[j];
        if (random <= 0) continue;  // an empty "other"
        weights.push_back(post);
        log10_lr.push_back(post > 0 ? std::log10(post / random) : -INFINITY);
      }
    }
    markers.push_back(
        {std::discrete_distribution<size_t>(weights.begin(), weights.end()), std::move(log10_lr)});
  }
  out.exclusion_power = exclusion_power_of(table, likelihood);
  std::mt19937_64 rng(seed);
  const double goal = std::log10(threshold);
  std::vector<double> sums(simulations);
  size_t reached = 0;
  for (size_t s = 0; s < simulations; ++s) {
    double sum = 0;
    for (auto& marker : markers) sum += marker.log10_lr[marker.draw(rng)];
    sums[s] = sum;
    reached += sum >= goal ? 1 : 0;
  }
  out.power_at_threshold = static_cast<double>(reached) / static_cast<double>(simulations);
  out.median_log10_lr = median(std::move(sums));
  return out;
}

FamilyPower expected_power(const FrequencyTable& table, const Family& family, size_t missing,
                           double threshold, size_t simulations, uint64_t seed) {
  check(threshold, simulations);
  check_family(family);
  // The markers typed by anyone: the kit the references are typed with.
  std::vector<size_t> markers;
  for (size_t m = 0; m < table.size(); ++m) {
    for (const Member& member : family.members) {
      if (member.typed() && member.profile.markers[m].typed()) {
        markers.push_back(m);
        break;
      }
    }
  }
  std::vector<std::discrete_distribution<size_t>> founder_draw;
  for (size_t m : markers)
    founder_draw.emplace_back(table.marker(m).frequency.begin(), table.marker(m).frequency.end());
  // Members in an order where parents come before their children.
  std::vector<size_t> order;
  std::vector<bool> placed(family.members.size(), false);
  while (order.size() < family.members.size()) {
    for (size_t i = 0; i < family.members.size(); ++i) {
      const Member& m = family.members[i];
      if (placed[i]) continue;
      if (m.father >= 0 &&
          (!placed[static_cast<size_t>(m.father)] || !placed[static_cast<size_t>(m.mother)]))
        continue;
      placed[i] = true;
      order.push_back(i);
    }
  }
  std::mt19937_64 rng(seed);
  FamilyPower out;
  out.simulations = simulations;
  out.markers = markers.size();
  const double goal = std::log10(threshold);
  std::vector<double> lrs(simulations);
  size_t reached = 0;
  double exclusion = 0;
  Family dropped = family;
  Profile remains;
  for (size_t s = 0; s < simulations; ++s) {
    // Gene drop: each member's paternal and maternal allele per marker.
    std::vector<std::vector<std::pair<Allele, Allele>>> alleles(
        family.members.size(), std::vector<std::pair<Allele, Allele>>(markers.size()));
    for (size_t i : order) {
      const Member& m = family.members[i];
      for (size_t k = 0; k < markers.size(); ++k) {
        const Marker& marker = table.marker(markers[k]);
        if (m.father < 0) {
          alleles[i][k] = {marker.alleles[founder_draw[k](rng)],
                           marker.alleles[founder_draw[k](rng)]};
        } else {
          const auto& f = alleles[static_cast<size_t>(m.father)][k];
          const auto& g = alleles[static_cast<size_t>(m.mother)][k];
          alleles[i][k] = {rng() % 2 ? f.first : f.second, rng() % 2 ? g.first : g.second};
        }
      }
    }
    const auto profile_of = [&](size_t i) {
      Profile p{family.members[i].name, std::vector<Genotype>(table.size()), "", 0};
      for (size_t k = 0; k < markers.size(); ++k) {
        const auto [a, b] = alleles[i][k];
        p.markers[markers[k]] = {std::min(a, b), std::max(a, b)};
      }
      return p;
    };
    for (size_t i = 0; i < family.members.size(); ++i) {
      if (family.members[i].typed()) dropped.members[i].profile = profile_of(i);
    }
    remains = profile_of(missing);
    const MissingPersonLikelihood likelihood(table, dropped, missing);
    exclusion += exclusion_power_of(table, likelihood);
    lrs[s] = likelihood.lr(remains).log10_lr;
    reached += lrs[s] >= goal ? 1 : 0;
  }
  out.exclusion_power = exclusion / static_cast<double>(simulations);
  out.power_at_threshold = static_cast<double>(reached) / static_cast<double>(simulations);
  out.median_log10_lr = median(std::move(lrs));
  return out;
}

}  // namespace athar::kinship
