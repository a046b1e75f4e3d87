// STR data for DNA kinship: allele frequency tables and profiles (docs/kinship.md).
//
// Alleles are held in tenths of a repeat (9.3 → 93, 15 → 150) so that microvariants compare
// exactly. Marker names are matched case-, space- and punctuation-insensitively (Penta E,
// PENTA_E and PentaE are one marker). A profile holds, per marker of its frequency table, the
// alleles seen (none: not typed); for degraded remains a dropout probability says that a single
// visible allele may be one of two.
//
//   FrequencyTable t = FrequencyTable::read("data/str-frequencies/west-asia.txt");
//   std::vector<Profile> remains = read_profiles("remains.csv", t);   // long or wide table
//   t.add_unseen(remains);        // alleles the database lacks, at the minimum frequency
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace athar::kinship {

using Allele = int32_t;  // tenths of a repeat; 0: none

// "9.3" → 93, "15" → 150; throws std::invalid_argument for anything else.
Allele parse_allele(std::string_view text);
std::string allele_text(Allele allele);
// Upper case without spaces, underscores, hyphens and dots: the key markers are matched by.
std::string canonical_marker(std::string_view name);

struct Marker {
  std::string name;               // as the table writes it
  std::vector<Allele> alleles;    // ascending
  std::vector<double> frequency;  // per allele
};

struct Genotype {
  Allele a = 0, b = 0;  // a <= b; a == b for a homozygote or a single visible allele
  bool typed() const { return a != 0; }
  bool operator==(const Genotype&) const = default;
};

struct Profile {
  std::string sample;
  std::vector<Genotype> markers;  // one per marker of the table the profile was read with
  std::string sex;                // from Amelogenin: "male", "female" or "" (not typed)
  double dropout = 0;             // chance that an allele present did not show
  size_t typed_markers() const;
};

class FrequencyTable {
 public:
  // The format of data/str-frequencies: a marker name line, `allele<TAB>frequency` lines, a
  // blank line between markers. InputError names the file, line and marker for a bad allele or
  // frequency, a repeated allele or marker, or a marker whose frequencies do not sum to 1
  // within `tolerance`.
  static FrequencyTable read(const std::string& path, double tolerance = 0.005);
  explicit FrequencyTable(std::vector<Marker> markers);

  size_t size() const { return markers_.size(); }
  const Marker& marker(size_t index) const { return markers_[index]; }
  int marker_index(std::string_view name) const;  // -1 when the table lacks it
  // The allele's frequency; `minimum_frequency()` for one the table has not seen.
  double frequency(size_t marker, Allele allele) const;
  // For alleles the database has never seen: 0.001, the floor the shipped tables use (so an
  // unseen allele counts as rare, not as impossible).
  double minimum_frequency() const { return minimum_; }
  // Adds the alleles the profiles carry that the table lacks, each at the minimum frequency,
  // and rescales those markers to sum to 1 again. Returns "MARKER allele" for each one added.
  std::vector<std::string> add_unseen(const std::vector<Profile>& profiles);

 private:
  std::vector<Marker> markers_;
  std::vector<std::string> keys_;  // canonical names
  double minimum_ = 0.001;
};

// Reads profiles in either layout a laboratory exports, told apart by the header:
// - long: columns `sample, marker, allele1, allele2` (also "Sample Name", "Allele 1", …), one
//   row per sample and marker; an optional `dropout` column;
// - wide: a `sample` column, then two columns per marker ("D8S1179, D8S1179",
//   "D8S1179_1, D8S1179_2" or "D8S1179 Allele 1, D8S1179 Allele 2"); an optional `dropout`.
// Amelogenin (X, Y) sets the sex. InputError names the file, row, sample and marker for an
// unknown marker, an allele that is not a number, three alleles at a marker, a sample given
// twice, a dropout outside [0, 1). Nothing is returned unless the whole file is good.
std::vector<Profile> read_profiles(const std::string& path, const FrequencyTable& table);

}  // namespace athar::kinship
