// Family pedigrees and the likelihood of remains being a family's missing member
// (docs/kinship.md).
//
// A family is its members with sex and parents, some typed (reference profiles given by
// relatives), one or more missing. For a missing member M and each marker, the engine computes
// once P(references, M has genotype g) for every genotype g by variable elimination over the
// members' genotypes (exact for any pedigree, loops included); the LR of remains R being M is
// then a few look-ups per marker:
//   LR = Σ_g P(R seen | g) · P(g | references) / Σ_g P(R seen | g) · P(g).
// Markers multiply. No mutation and no θ yet: a remains genotype the pedigree cannot produce
// gives LR 0 at that marker.
//
//   std::vector<Family> families = read_families("families.csv", references);
//   MissingPersonLikelihood m(table, families[0], families[0].missing()[0]);
//   PairwiseResult r = m.lr(remains);
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kinship/pairwise.h"
#include "kinship/str.h"

namespace athar::kinship {

struct Member {
  std::string name;
  std::string sex;               // "male", "female" or "" (unknown)
  int father = -1, mother = -1;  // member indexes; both -1 for a founder
  bool missing = false;
  Profile profile;  // markers empty when not typed
  bool typed() const { return !profile.markers.empty(); }
};

struct Family {
  std::string id;
  std::vector<Member> members;
  std::vector<size_t> missing() const;
  int member_index(std::string_view name) const;
};

// Families from a CSV with columns family, member, sex, father, mother, sample, missing (one row
// per member; `sample` names the member's reference profile among `references`, `missing` is
// yes/no). InputError names the file, row, family and member for an unknown parent or sample, a
// father who is female or a mother who is male, one parent given without the other, a member
// given twice, a member who is their own ancestor, a family with no missing member or with
// nobody typed. Nothing is returned unless every family is good.
std::vector<Family> read_families(const std::string& path, const std::vector<Profile>& references,
                                  const FrequencyTable& table);
// The same checks on a family built in memory.
void check_family(const Family& family);

// The pedigree drawn as indented text for review: each member under their parents, with sex,
// typed or missing.
std::string draw_family(const Family& family);

// How alleles change from parent to child (docs/kinship.md): with probability `rate` (by the
// parent's sex) a transmitted allele becomes another —
// - equal: any other allele alike;
// - proportional: another allele in proportion to its frequency (Familias' "proportional");
// - stepwise: one repeat away `range` times more likely than two, and so on; microvariant
//   changes (a fractional step) 1,000 times less likely than one step.
// Every transmission mutates, from typed and untyped parents alike (founders included): a
// child's allele is a founder's allele drawn from the frequencies, then passed through the
// matrix — Familias' convention.
struct MutationModel {
  enum class Kind { kNone, kEqual, kProportional, kStepwise };
  Kind kind = Kind::kNone;
  // Averages over forensic STR loci from paternity cases: fathers about six times mothers
  // (docs/kinship.md).
  double male_rate = 0.0018, female_rate = 0.0003;
  double range = 0.1;
  // Rates of particular markers (canonical name → fathers', mothers'), overriding the above.
  std::map<std::string, std::pair<double, double>> marker_rates;
  std::pair<double, double> rates_of(const std::string& marker) const;
};
// A rates file: `marker<TAB>fathers' rate<TAB>mothers' rate` per line, # comments. InputError
// names the line for a bad rate or a marker given twice.
std::map<std::string, std::pair<double, double>> read_mutation_rates(const std::string& path);
MutationModel::Kind parse_mutation_model(
    std::string_view name);  // none, equal, proportional, stepwise
// Row-stochastic n×n matrix over the marker's alleles: [from * n + to].
std::vector<double> mutation_matrix(const Marker& marker, MutationModel::Kind kind, double rate,
                                    double range);

class MissingPersonLikelihood {
 public:
  // Without mutation (the default) the family's alleles are lumped with one "other" and an
  // exclusion gives LR 0; with a mutation model every allele of the table is kept and the
  // elimination runs over single alleles (slower, exact for any model).
  MissingPersonLikelihood(const FrequencyTable& table, const Family& family, size_t missing,
                          const MutationModel& mutation = {});
  // LR that `remains` is the missing member rather than someone unrelated to the family.
  PairwiseResult lr(const Profile& remains) const;
  // P(the missing member has genotype a/b | the references), for the tests and the reports.
  double genotype_probability(size_t marker, Allele a, Allele b) const;

  // A marker's tabulation: the family's alleles (ascending) and one "other" for all the rest,
  // and P(genotype | references) for each genotype i <= j of those, row by row.
  struct MarkerTable {
    bool informative = false;  // some reference typed here
    std::vector<Allele> alleles;
    double other_frequency = 0;
    std::vector<double> posterior;
  };
  const MarkerTable& marker_table(size_t marker) const { return markers_[marker]; }

 private:
  double lumped(const MarkerTable& t, size_t marker, Allele a, Allele b) const;
  void tabulate_with_mutation(const Family& family, size_t missing, const MutationModel& model);
  const FrequencyTable& table_;
  std::vector<MarkerTable> markers_;
};

// The LR that `remains` is the missing member rather than someone unrelated to the family, with
// the Balding–Nichols θ: every founder allele that reaches a typed member or the missing one, and
// the remains' own alleles under "unrelated", is a draw from one subdivided population, so the
// sampling formula is applied to all of them jointly. Exact, by enumerating the inheritance
// patterns (which parental allele each child received) — hence at most 10 non-founders. Under
// a mutation model every transmission may mutate (founders' draws included, as
// MissingPersonLikelihood does); the founders' draws are then summed jointly, allele by allele
// over which draws hold it. With θ = 0 it equals MissingPersonLikelihood.
PairwiseResult missing_person_lr_theta(const FrequencyTable& table, const Family& family,
                                       size_t missing, const Profile& remains, double theta,
                                       const MutationModel& mutation = {});
// The same for a pedigree of one generation (every non-founder a child of two founders, after the
// cut to what bears on the typed members), by enumerating the founders' allele values instead of
// the inheritance patterns: any number of children, at most two untyped founders.
// missing_person_lr_theta uses it for such pedigrees with more than 10 children.
PairwiseResult missing_person_lr_theta_by_founder_values(const FrequencyTable& table,
                                                         const Family& family, size_t missing,
                                                         const Profile& remains, double theta,
                                                         const MutationModel& mutation = {});

// One remains sample against one missing member, exactly (double precision): with θ by
// missing_person_lr_theta (under `mutation` too), otherwise by the tabulation under `mutation`.
PairwiseResult missing_person_lr(const FrequencyTable& table, const Family& family, size_t missing,
                                 const Profile& remains, const MutationModel& mutation,
                                 double theta);

}  // namespace athar::kinship
