// Lineage markers, for when only a paternal uncle or a maternal cousin survives: Y-STR haplotypes
// (passed unchanged from father to son, barring mutation) and mtDNA haplotypes (from mother to
// every child). A haplotype is not shuffled by meiosis, so its weight comes from how often it is
// seen in a database: the counting method, with the upper bound of a one-sided confidence
// interval (Clopper–Pearson; 1 − α^(1/N) when it was never seen) and θ as the literature applies
// it to haplotypes, P(match) = θ + (1 − θ)·p (SWGDAM Y-STR and mtDNA guidelines). Independent of
// the autosomal markers given the pedigree, so the LRs multiply (docs/kinship.md).
//
//   auto db = kinship::HaplotypeDatabase::read("y-database.csv", kinship::Lineage::kPaternal);
//   auto c = kinship::compare_lineage(db, remains, uncle, /*meioses=*/3, {});
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace athar::kinship {

enum class Lineage { kPaternal, kMaternal };     // Y-STR, mtDNA
std::string_view lineage_name(Lineage lineage);  // "y" or "mt"

// Y-STR: one allele text per locus ("14", "11,14" for a duplicated locus such as DYS385, "" not
// typed), loci by name. mtDNA: the variants from the reference sequence (rCRS), sorted
// ("16223T", "263G", "315.1C", "523del").
struct Haplotype {
  std::string sample;
  std::vector<std::pair<std::string, std::string>> alleles;  // Y: locus, allele; by locus name
  std::vector<std::string> variants;                         // mtDNA
};

// A haplotype written as text: Y "DYS19=14;DYS389I=13;DYS385=11,14"; mtDNA "16223T 263G 315.1C"
// (spaces, commas or semicolons between variants). InputError naming `where` and the part that is
// not a locus=allele pair or a variant.
Haplotype parse_haplotype(Lineage lineage, std::string_view text, std::string_view where);
// The canonical text of a haplotype (loci or variants sorted).
std::string haplotype_text(Lineage lineage, const Haplotype& haplotype);

// A population database of haplotypes: CSV with a `haplotype` column (text as above) and an
// optional `count` column (how many persons carry it; 1 when absent).
class HaplotypeDatabase {
 public:
  static HaplotypeDatabase read(const std::string& path, Lineage lineage);
  // The database as canonical text, one "count<TAB>haplotype" line per distinct haplotype in
  // text order: what the registry stores and pins by SHA-256, whatever file it came from.
  std::string canonical_text() const;
  static HaplotypeDatabase from_canonical_text(Lineage lineage, std::string_view text,
                                               std::string_view where);
  HaplotypeDatabase(Lineage lineage, std::vector<std::pair<Haplotype, size_t>> entries);

  Lineage lineage() const { return lineage_; }
  size_t size() const;  // persons, counts summed
  // Persons typed at every locus `query` is typed at (Y; all for mtDNA), and of those the ones
  // whose haplotype equals it there.
  std::pair<size_t, size_t> matches(const Haplotype& query) const;

 private:
  Lineage lineage_;
  std::vector<std::pair<Haplotype, size_t>> entries_;
  // Persons by canonical haplotype, for queries typed at exactly the loci every entry is typed
  // at (always, for mtDNA): a look-up instead of a pass over the database.
  std::unordered_map<std::string, size_t> persons_by_text_;
  std::vector<std::string> shared_loci_;  // Y: the loci of every entry, when all have the same
  bool uniform_ = true;
  size_t size_ = 0;
};

struct HaplotypeFrequency {
  size_t seen = 0, database_size = 0;
  double estimate = 0;  // seen / database_size
  double upper = 0;     // upper bound of the one-sided interval at `confidence`
  double confidence = 0.95;
};
// The counting method: seen of N, and the Clopper–Pearson upper bound (the p at which seeing at
// most `seen` has probability 1 − confidence). InputError for N = 0 or a confidence outside
// (0, 1).
HaplotypeFrequency counting_frequency(size_t seen, size_t database_size, double confidence);

struct LineageOptions {
  double theta = 0;          // P(match) = θ + (1 − θ)·upper bound
  double confidence = 0.95;  // of the frequency's upper bound
  // Y-STR mutation rate per locus and meiosis (the average of the commonly typed loci, as
  // published by YHRD: about 2.5 × 10⁻³). A one-step difference at a locus between relatives
  // `m` meioses apart has probability m·μ/2; a locus that agrees, (1 − μ)^m.
  double y_mutation_rate = 0.0025;
};

struct LineageComparison {
  Lineage lineage = Lineage::kPaternal;
  int meioses = 0;
  size_t compared = 0;                   // Y loci typed in both; mtDNA positions differing count
  std::vector<std::string> differences;  // Y "DYS19 14/15"; mtDNA the variants not shared
  // "match", "match_with_mutation" (Y, one-step differences), "inconclusive" (mtDNA, one
  // difference, as SWGDAM reads it), "excluded".
  std::string conclusion;
  HaplotypeFrequency frequency;  // of the remains' haplotype
  double match_probability = 0;  // θ + (1 − θ)·upper
  double log10_lr = 0;           // −inf excluded; 0 inconclusive (no weight either way)
};

// The remains against a relative `meioses` meioses apart on the same line (1 father or mother,
// 2 a brother or a grandparent, 3 an uncle or aunt, 4 a cousin). InputError when the two
// haplotypes share no typed Y locus, or meioses < 1.
LineageComparison compare_lineage(const HaplotypeDatabase& database, const Haplotype& remains,
                                  const Haplotype& relative, int meioses,
                                  const LineageOptions& options);

}  // namespace athar::kinship
