#include "kinship/pairwise.h"

#include <cmath>

#include "core/error.h"
#include "kinship/internal/genotypes.h"

namespace athar::kinship_internal {

std::vector<Possible> possible_genotypes(const kinship::FrequencyTable& table, size_t marker,
                                         const kinship::Genotype& seen, double dropout) {
  std::vector<Possible> out;
  const double pa = table.frequency(marker, seen.a);
  if (seen.a != seen.b || dropout == 0) {
    out.push_back({seen.a, seen.b, pa, table.frequency(marker, seen.b), 1.0});
    return out;
  }
  out.push_back({seen.a, seen.a, pa, pa, 1 - dropout * dropout});
  const kinship::Marker& m = table.marker(marker);
  for (size_t i = 0; i < m.alleles.size(); ++i) {
    if (m.alleles[i] == seen.a) continue;
    const Allele x = m.alleles[i];
    const double px = m.frequency[i];
    out.push_back({std::min(seen.a, x), std::max(seen.a, x), x < seen.a ? px : pa,
                   x < seen.a ? pa : px, dropout * (1 - dropout)});
  }
  return out;
}

}  // namespace athar::kinship_internal

namespace athar::kinship {

namespace {

using kinship_internal::Possible;
using kinship_internal::possible_genotypes;

struct Named {
  Relationship relationship;
  const char* name;
  Ibd ibd;
};

// IBD coefficients (k0, k1, k2) of the relationships without inbreeding (Thompson 1975;
// Weir, Anderson & Hepler 2006, table 1).
constexpr Named kRelationships[] = {
    {Relationship::kSamePerson, "same-person", {0, 0, 1}},
    {Relationship::kParentChild, "parent-child", {0, 1, 0}},
    {Relationship::kFullSiblings, "full-siblings", {0.25, 0.5, 0.25}},
    {Relationship::kHalfSiblings, "half-siblings", {0.5, 0.5, 0}},
    {Relationship::kGrandparent, "grandparent", {0.5, 0.5, 0}},
    {Relationship::kAvuncular, "avuncular", {0.5, 0.5, 0}},
    {Relationship::kFirstCousins, "first-cousins", {0.75, 0.25, 0}},
    {Relationship::kUnrelated, "unrelated", {1, 0, 0}},
};

// The (n+1)-th allele drawn from a subdivided population, given the n already drawn (Balding &
// Nichols 1994): (c·θ + (1−θ)·p) / (1 + (n−1)·θ), c the copies of x among them.
double draw(Allele x, double p, const Allele* seen, int n, double theta) {
  int c = 0;
  for (int i = 0; i < n; ++i) c += seen[i] == x ? 1 : 0;
  return (c * theta + (1 - theta) * p) / (1 + (n - 1) * theta);
}

double genotype_probability(const Possible& g, double theta) {
  const Allele first[1] = {g.a};
  const double p = draw(g.a, g.pa, nullptr, 0, theta) * draw(g.b, g.pb, first, 1, theta);
  return g.a == g.b ? p : 2 * p;
}

// P(B's genotype | A's genotype, j alleles IBD), j = 0, 1, 2, each θ-corrected.
void conditional(const Possible& a, const Possible& b, double theta, double out[3]) {
  const Allele seen[3] = {a.a, a.b, b.a};
  const double u_given_a = draw(b.a, b.pa, seen, 2, theta);
  const double v_given_a = draw(b.b, b.pb, seen, 2, theta);
  if (b.a == b.b) {
    out[0] = u_given_a * draw(b.b, b.pb, seen, 3, theta);
    out[1] = 0.5 * ((a.a == b.a) + (a.b == b.a)) * u_given_a;
  } else {
    out[0] = 2 * u_given_a * draw(b.b, b.pb, seen, 3, theta);
    out[1] = 0.5 * (((a.a == b.a) + (a.b == b.a)) * v_given_a +
                    ((a.a == b.b) + (a.b == b.b)) * u_given_a);
  }
  out[2] = a.a == b.a && a.b == b.b ? 1.0 : 0.0;
}

}  // namespace

void PairwiseResult::add_marker(size_t marker, double marker_lr) {
  ++markers_compared;
  per_marker.push_back({marker, marker_lr});
  if (marker_lr == 0) {
    ++inconsistent_markers;
    log10_lr = -INFINITY;
    lr = 0;
  } else if (!inconsistent_markers) {
    log10_lr += std::log10(marker_lr);
    lr = std::pow(10.0, log10_lr);
  }
}

Ibd ibd_of(Relationship r) {
  for (const Named& n : kRelationships) {
    if (n.relationship == r) return n.ibd;
  }
  return {1, 0, 0};
}

Relationship parse_relationship(std::string_view name) {
  std::string accepted;
  for (const Named& n : kRelationships) {
    if (name == n.name) return n.relationship;
    accepted += (accepted.empty() ? "" : ", ") + std::string(n.name);
  }
  throw core::InputError("relationship", "relationship", std::string(name), "one of " + accepted);
}

std::string relationship_name(Relationship r) {
  for (const Named& n : kRelationships) {
    if (n.relationship == r) return n.name;
  }
  return "unrelated";
}

const std::vector<Relationship>& all_relationships() {
  static const std::vector<Relationship> all = [] {
    std::vector<Relationship> v;
    for (const Named& n : kRelationships) v.push_back(n.relationship);
    return v;
  }();
  return all;
}

PairwiseResult pairwise_lr(const FrequencyTable& table, const Profile& a, const Profile& b,
                           Relationship relationship, double theta) {
  if (!(theta >= 0 && theta < 0.5))
    throw core::InputError("kinship", "theta", std::to_string(theta), "a number in [0, 0.5)");
  if (a.markers.size() != table.size() || b.markers.size() != table.size())
    throw std::logic_error("profiles read with another frequency table");
  const Ibd k = ibd_of(relationship);
  PairwiseResult result;
  double rmp_log10 = 0;
  for (size_t m = 0; m < table.size(); ++m) {
    if (!a.markers[m].typed() || !b.markers[m].typed()) continue;
    const auto as = possible_genotypes(table, m, a.markers[m], a.dropout);
    const auto bs = possible_genotypes(table, m, b.markers[m], b.dropout);
    double joint[3] = {0, 0, 0}, a_alone = 0;
    for (const Possible& ga : as) {
      const double pa = ga.weight * genotype_probability(ga, theta);
      a_alone += pa;
      for (const Possible& gb : bs) {
        double c[3];
        conditional(ga, gb, theta, c);
        for (int j = 0; j < 3; ++j) joint[j] += pa * gb.weight * c[j];
      }
    }
    result.add_marker(m, (k.k0 * joint[0] + k.k1 * joint[1] + k.k2 * joint[2]) / joint[0]);
    rmp_log10 += std::log10(joint[0] / a_alone);
  }
  if (relationship == Relationship::kSamePerson)
    result.random_match_probability = std::pow(10.0, rmp_log10);
  return result;
}

}  // namespace athar::kinship
