// What a seen genotype could truly be, shared by the pairwise and pedigree likelihoods.
#pragma once

#include <vector>

#include "kinship/str.h"

namespace athar::kinship_internal {

using kinship::Allele;

// A genotype that may have shown as the observation, with P(observation | genotype).
struct Possible {
  Allele a, b;    // a <= b
  double pa, pb;  // their frequencies
  double weight;
};

// Two alleles seen are the genotype; one allele seen, with dropout d, is a homozygote shown
// (1 − d²) or a heterozygote whose other allele dropped (d(1 − d)), for every allele the table
// knows.
std::vector<Possible> possible_genotypes(const kinship::FrequencyTable& table, size_t marker,
                                         const kinship::Genotype& seen, double dropout);

}  // namespace athar::kinship_internal
