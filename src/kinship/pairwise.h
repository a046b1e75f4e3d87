// Likelihood ratios for a pair of STR profiles: is B related to A as stated, or unrelated?
// (docs/kinship.md has the formulas and their sources.)
//
// Each relationship is its IBD coefficients (k0, k1, k2): the chances that the two share no,
// one or two alleles identical by descent. Per marker
//   LR = k0 + k1 · P(B | A, one allele IBD) / P(B | A) + k2 · P(B | A, both IBD) / P(B | A),
// every probability with the Balding–Nichols θ correction (alleles drawn from a subdivided
// population), and for a sample with a dropout probability summed over the genotypes that could
// have shown as what was seen. Markers multiply (independent).
//
//   auto r = pairwise_lr(table, father, child, Relationship::kParentChild, 0.01);
//   r.lr, r.log10_lr, r.markers_compared, r.inconsistent_markers
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kinship/str.h"

namespace athar::kinship {

enum class Relationship {
  kSamePerson,  // direct match: remains against remains, or a personal reference
  kParentChild,
  kFullSiblings,
  kHalfSiblings,
  kGrandparent,  // grandparent and grandchild
  kAvuncular,    // uncle or aunt and nephew or niece
  kFirstCousins,
  kUnrelated,
};

struct Ibd {
  double k0, k1, k2;
};

Ibd ibd_of(Relationship r);
// "parent-child", "full-siblings", …; InputError naming the accepted names otherwise.
Relationship parse_relationship(std::string_view name);
std::string relationship_name(Relationship r);
const std::vector<Relationship>& all_relationships();

struct MarkerLr {
  size_t marker;  // index in the frequency table
  double lr;
};

struct PairwiseResult {
  double lr = 1;  // product over compared markers
  double log10_lr = 0;
  size_t markers_compared = 0;
  size_t inconsistent_markers = 0;  // markers whose LR is 0 (an exclusion, or a mutation)
  std::vector<MarkerLr> per_marker;
  // Direct matches only: the chance that an unrelated person shows B's profile given A's
  // (the conditional random match probability, θ-corrected).
  double random_match_probability = 0;

  // Counts one compared marker whose LR is `marker_lr` into the product (0: an inconsistency,
  // which makes the product 0).
  void add_marker(size_t marker, double marker_lr);
};

PairwiseResult pairwise_lr(const FrequencyTable& table, const Profile& a, const Profile& b,
                           Relationship relationship, double theta);

}  // namespace athar::kinship
