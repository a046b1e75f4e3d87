// Direct matches among remains (commingled fragments of one body, or remains against a personal
// reference such as a toothbrush) and the joint assignment of remains to missing persons
// (docs/kinship.md).
//
//   auto groups = fragment_groups(direct_matches(table, remains, remains, 0.01, 1e6), n);
//   auto plan = assign(candidates, groups);   // each missing person at most one body
#pragma once

#include <cstdint>
#include <vector>

#include "kinship/pairwise.h"
#include "kinship/screening.h"

namespace athar::kinship {

struct DirectMatch {
  uint32_t a, b;  // indexes into the first and second profile lists
  double log10_lr;
  double random_match_probability;
  size_t markers_compared;
};

// Every pair (a from `first`, b from `second`; with the same list, each unordered pair once)
// whose profiles can be one person's — genotypes equal at every marker both typed, a single
// visible allele under dropout allowed to hide a second — with LR ≥ threshold and at least
// `min_markers` compared. Pairs excluded at a marker are dropped at once.
std::vector<DirectMatch> direct_matches(const FrequencyTable& table,
                                        const std::vector<Profile>& first,
                                        const std::vector<Profile>& second, bool same_list,
                                        double theta, double threshold, size_t min_markers = 8);

// Remains that direct matches join (transitively) into one body: body index per remains.
std::vector<uint32_t> fragment_bodies(const std::vector<DirectMatch>& matches, size_t remains);

struct Assignment {
  uint32_t body;  // a fragment body (its remains: those with this body index)
  uint32_t family, member;
  double log10_lr;  // the best of its fragments' LRs
};

// The most probable consistent assignment: each body to at most one missing person and each
// missing person to at most one body, maximising the sum of log10 LRs over the assigned pairs
// (a body left unassigned counts 0, i.e. LR 1). Exact: the Hungarian method on each connected
// part of the candidate graph.
std::vector<Assignment> assign(const std::vector<ScreeningCandidate>& candidates,
                               const std::vector<uint32_t>& body_of_remains);

}  // namespace athar::kinship
