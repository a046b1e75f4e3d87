// Screening: every remains sample against every family's missing members (docs/kinship.md).
//
// Each family's likelihood over its missing member's genotype is tabulated once per marker
// (MissingPersonLikelihood) and turned into a table of log10 LRs indexed by the remains' two
// alleles — the family's alleles by rank, every other allele as one — so that a comparison is
// one look-up and one addition per marker. Remains whose single visible allele may hide a
// dropped one take a slower exact path at those markers. All cores.
//
//   ScreeningIndex index(table, families);
//   ScreeningResult r = screen(index, remains, {.threshold = 10000});
//   r.candidates: (remains, family, member, LR, markers, inconsistencies, posterior), ranked
//
// A threshold of 0 lists every pair, each recomputed exactly: meant for small validations.
#pragma once

#include <cstdint>
#include <vector>

#include "core/progress.h"
#include "kinship/pedigree.h"

namespace athar::kinship {

class ScreeningIndex {
 public:
  // With a mutation model the tables cover every allele (about 10 KB a marker a family, and
  // slower to build): meant for thousands of families, not hundreds of thousands.
  ScreeningIndex(const FrequencyTable& table, const std::vector<Family>& families,
                 unsigned threads = 0, const MutationModel& mutation = {},
                 const core::Progress& progress = {});
  struct Target {
    uint32_t family, member;  // indexes into the families given
  };
  const std::vector<Target>& targets() const { return targets_; }
  const FrequencyTable& table() const { return table_; }
  // The exact (double precision) LR of remains against target `target`, marker by marker.
  PairwiseResult exact_lr(size_t target, const Profile& remains) const {
    return likelihoods_[target].lr(remains);
  }

 private:
  friend struct Screener;
  const FrequencyTable& table_;
  std::vector<Target> targets_;
  std::vector<MissingPersonLikelihood> likelihoods_;  // per target, for the exact path
  // Per target and marker: the family's alleles (ranks in the frequency table) as a bit set,
  // where its table starts, and its width (family alleles + 1).
  struct MarkerEntry {
    uint64_t alleles = 0;
    uint32_t offset = 0;
    uint8_t width = 1;
  };
  std::vector<MarkerEntry> entries_;   // [target * markers + marker]
  std::vector<float> log10_lr_;        // width × width tables, by slot of each allele
  std::vector<uint64_t> informative_;  // per target: markers with a typed reference
  // Without mutation: the family's alleles and one "other", exact. With mutation: a bound.
  void add_lumped_table(MarkerEntry& e, const Marker& marker, size_t m,
                        const MissingPersonLikelihood::MarkerTable& mt);
  void add_bounded_table(MarkerEntry& e, const Marker& marker, size_t m,
                         const MissingPersonLikelihood::MarkerTable& mt, const Family& family);
};

struct ScreeningOptions {
  double threshold = 10000;  // candidates: LR at or above
  // Prior probability that a remains sample is a given missing person; 0: 1 / (the number of
  // missing persons screened + 1) — each of them alike, and as likely that the remains are
  // someone no family is looking for (an open search: one missing person gives 1/2, not 1).
  double prior = 0;
  unsigned threads = 0;
  core::Progress progress;
};

// Every candidate's LR is recomputed exactly (double precision, MissingPersonLikelihood::lr)
// once the single-precision tables have found it: the tables only rank.
struct ScreeningCandidate {
  uint32_t remains = 0, family = 0, member = 0;
  double log10_lr = 0;  // −inf: excluded at the markers of `excluding_markers`
  uint32_t markers_compared = 0, inconsistent_markers = 0;
  double posterior = 0;            // LR·π / (LR·π + 1 − π)
  uint64_t excluding_markers = 0;  // bit m: the remains' genotype at marker m excludes (LR 0)
};

// P(the remains are the missing person | LR) for prior π, without overflow: 0 for an exclusion,
// 1 only when the LR is infinite. InputError unless 0 < π < 1.
double posterior_probability(double log10_lr, double prior);

struct ScreeningResult {
  std::vector<ScreeningCandidate> candidates;  // by remains, then LR, highest first
  uint64_t comparisons = 0;
  double prior = 0;
  double seconds = 0;
  unsigned threads = 1;
};

ScreeningResult screen(const ScreeningIndex& index, const std::vector<Profile>& remains,
                       const ScreeningOptions& options);

}  // namespace athar::kinship
