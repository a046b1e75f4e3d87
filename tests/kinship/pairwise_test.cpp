// Pairwise LRs against the closed-form formulas of the literature (docs/kinship.md), to 1e-9
// relative: without θ, the IBD formulas (Weir, Anderson & Hepler 2006; Brenner's tables); with
// θ, the parent–child, sibling and direct-match formulas of NRC II (1996, 4.10) and Buckleton,
// Triggs & Walsh (2005, ch. 9) / Fung & Hu (2008).
#include "kinship/pairwise.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace athar::kinship {
namespace {

// One marker, alleles a < b < c < d with these frequencies.
constexpr Allele A = 100, B = 110, C = 120, D = 130;
const double pa = 0.12, pb = 0.2, pc = 0.05, pd = 0.63;

FrequencyTable table() { return FrequencyTable({{"M1", {A, B, C, D}, {pa, pb, pc, pd}}}); }
Profile one(Allele x, Allele y, double dropout = 0) {
  return {"s", {{std::min(x, y), std::max(x, y)}}, "", dropout};
}
double lr(Relationship r, Profile x, Profile y, double theta = 0) {
  return pairwise_lr(table(), x, y, r, theta).lr;
}
void near(double got, double want) { EXPECT_NEAR(got, want, 1e-9 * std::abs(want)) << want; }

TEST(Pairwise, IbdFormulasWithoutTheta) {
  // X1 = P(B | A, one IBD) / P(B), X2 = P(B | A, two IBD) / P(B): per pattern.
  struct Pattern {
    Profile x, y;
    double x1, x2;
  };
  const Pattern patterns[] = {
      {one(A, A), one(A, A), 1 / pa, 1 / (pa * pa)},
      {one(A, A), one(A, B), 1 / (2 * pa), 0},
      {one(A, B), one(A, A), 1 / (2 * pa), 0},
      {one(A, B), one(A, B), (pa + pb) / (4 * pa * pb), 1 / (2 * pa * pb)},
      {one(A, B), one(A, C), 1 / (4 * pa), 0},
      {one(A, B), one(C, D), 0, 0},
      {one(A, A), one(B, B), 0, 0},
  };
  for (Relationship r : all_relationships()) {
    const Ibd k = ibd_of(r);
    for (const Pattern& p : patterns) near(lr(r, p.x, p.y), k.k0 + k.k1 * p.x1 + k.k2 * p.x2);
  }
  // The best-known ones written out.
  near(lr(Relationship::kParentChild, one(A, B), one(A, C)), 1 / (4 * pa));
  near(lr(Relationship::kFullSiblings, one(A, A), one(A, A)), (1 + pa) * (1 + pa) / (4 * pa * pa));
  near(lr(Relationship::kFullSiblings, one(A, B), one(A, B)),
       (1 + pa + pb + 2 * pa * pb) / (8 * pa * pb));
  near(lr(Relationship::kHalfSiblings, one(A, B), one(A, C)), (1 + 4 * pa) / (8 * pa));
  near(lr(Relationship::kFirstCousins, one(A, A), one(A, A)), 0.75 + 0.25 / pa);
  EXPECT_EQ(lr(Relationship::kParentChild, one(A, B), one(C, D)), 0);
  near(lr(Relationship::kUnrelated, one(A, B), one(C, D)), 1);
}

TEST(Pairwise, ThetaFormulas) {
  const double t = 0.03;
  const auto q = [&](double p) { return (1 - t) * p; };
  // Parent–child (Buckleton et al. 2005; Fung & Hu 2008).
  near(lr(Relationship::kParentChild, one(A, A), one(A, A), t), (1 + 2 * t) / (3 * t + q(pa)));
  near(lr(Relationship::kParentChild, one(A, A), one(A, B), t),
       (1 + 2 * t) / (2 * (2 * t + q(pa))));
  near(lr(Relationship::kParentChild, one(A, B), one(A, C), t), (1 + 2 * t) / (4 * (t + q(pa))));
  near(lr(Relationship::kParentChild, one(A, B), one(A, B), t),
       (1 + 2 * t) * (2 * t + q(pa) + q(pb)) / (4 * (t + q(pa)) * (t + q(pb))));
  // Full siblings, AA–AA (Fung & Hu 2008, table 2).
  const double x1 = (1 + 2 * t) / (3 * t + q(pa));
  const double x2 = (1 + t) * (1 + 2 * t) / ((2 * t + q(pa)) * (3 * t + q(pa)));
  near(lr(Relationship::kFullSiblings, one(A, A), one(A, A), t), 0.25 + 0.5 * x1 + 0.25 * x2);
  // Direct match: 1 / conditional match probability (NRC II 4.10).
  const PairwiseResult het =
      pairwise_lr(table(), one(A, B), one(A, B), Relationship::kSamePerson, t);
  const double het_match = 2 * (t + q(pa)) * (t + q(pb)) / ((1 + t) * (1 + 2 * t));
  near(het.lr, 1 / het_match);
  near(het.random_match_probability, het_match);
  near(lr(Relationship::kSamePerson, one(C, C), one(C, C), t),
       (1 + t) * (1 + 2 * t) / ((2 * t + q(pc)) * (3 * t + q(pc))));
}

// A single visible allele from degraded remains: "homozygous, or one allele dropped out".
TEST(Pairwise, DropoutAllowsAMissingAllele) {
  // Reference A B; remains show only C. Without dropout the child would be CC: excluded.
  EXPECT_EQ(lr(Relationship::kParentChild, one(A, B), one(C, C)), 0);
  const double d = 0.3;
  const double with_dropout = lr(Relationship::kParentChild, one(A, B), one(C, C, d));
  // P(seen C | CC) = 1 − d², P(seen C | Cx) = d(1 − d).
  const double numerator = d * (1 - d) * pc;  // the child is CA or CB: ½·pc each
  const double denominator = (1 - d * d) * pc * pc + d * (1 - d) * 2 * pc * (1 - pc);
  near(with_dropout, numerator / denominator);
  // A visible allele that matches keeps its weight: the remains seen as A only.
  const double matching = lr(Relationship::kParentChild, one(A, B), one(A, A, d));
  // The child AA shares A (½·pa); Ax shares A or, for x = B, B: ½(pa + pb + pc + pd) = ½.
  const double num2 = (1 - d * d) * pa * 0.5 + d * (1 - d) * 0.5;
  const double den2 = (1 - d * d) * pa * pa + d * (1 - d) * 2 * pa * (1 - pa);
  near(matching, num2 / den2);
}

TEST(Pairwise, MarkersMultiplyAndMissingOnesAreSkipped) {
  const FrequencyTable t({{"M1", {A, B}, {0.4, 0.6}}, {"M2", {A, B}, {0.5, 0.5}}});
  const Profile x{"x", {{A, B}, {A, A}}, "", 0}, y{"y", {{A, A}, {0, 0}}, "", 0};
  const PairwiseResult r = pairwise_lr(t, x, y, Relationship::kParentChild, 0);
  EXPECT_EQ(r.markers_compared, 1u);
  near(r.lr, 1 / (2 * 0.4));
  near(r.log10_lr, std::log10(1 / 0.8));
  EXPECT_THROW(pairwise_lr(t, x, y, Relationship::kParentChild, 0.7), core::InputError);
  EXPECT_THROW(parse_relationship("cousin"), core::InputError);
  EXPECT_EQ(parse_relationship("half-siblings"), Relationship::kHalfSiblings);
}

}  // namespace
}  // namespace athar::kinship
