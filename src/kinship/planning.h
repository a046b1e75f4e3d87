// Planning for a family liaison: how well a family's references can find their missing member,
// and which relative's sample would help most (docs/identification.md, "Planning").
//
// - Exclusion power: the chance that a person unrelated to the family is excluded (LR 0 at some
//   marker), exactly from the family's tabulation (forrel's exclusion power, for these
//   references as typed).
// - Power at the threshold: the chance that the missing person's own remains reach the
//   reporting threshold, by simulating their genotype from its distribution given the
//   references, marker by marker; with the median log10 LR of a true match.
// - Expected figures for a set of typed relatives before anyone is typed: every member's genotype
//   dropped from the founders (Mendel's rules), the LR of the missing member's own profile,
//   averaged over simulations — to compare the references a family has with those it could add.
//
//   FamilyPower now = family_power(table, family, missing, 10000, 2000, 1);
#pragma once

#include <cstdint>
#include <vector>

#include "kinship/pedigree.h"

namespace athar::kinship {

struct FamilyPower {
  double exclusion_power = 0;     // P(an unrelated person is excluded)
  double power_at_threshold = 0;  // P(LR ≥ threshold | the remains are the missing person)
  double median_log10_lr = 0;     // of a true match
  size_t markers = 0;             // informative markers (some reference typed there)
  size_t simulations = 0;
};

// For the family as typed now (its references' genotypes). No mutation: an exclusion is LR 0.
FamilyPower family_power(const FrequencyTable& table, const Family& family, size_t missing,
                         double threshold, size_t simulations, uint64_t seed);

// Expected figures, over `simulations` gene drops, when the members marked typed in `family`
// (profile markers non-empty: only which markers are typed is used, not the genotypes) give
// reference samples typed at those markers.
FamilyPower expected_power(const FrequencyTable& table, const Family& family, size_t missing,
                           double threshold, size_t simulations, uint64_t seed);

}  // namespace athar::kinship
