// `kinship lineage`: a remains sample's Y-STR or mtDNA haplotype against the relatives of a
// missing person who carry the same line (kinship/lineage.h), with the autosomal LR beside it
// and the two combined where both exist: for when only a paternal uncle or a maternal cousin
// survives (docs/identification.md).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/instance.h"
#include "core/json.h"
#include "kinship/lineage.h"

namespace athar::app {

struct LineageRequest {
  std::string person;   // the missing person's record id
  std::string remains;  // the remains sample's name in the kinship store
  kinship::Lineage lineage = kinship::Lineage::kPaternal;
  std::string database;  // the population's haplotypes (CSV: haplotype, count)
  kinship::LineageOptions options = {};
};

struct LineageResult {
  std::string person, remains;
  kinship::Lineage lineage = kinship::Lineage::kPaternal;
  size_t database_size = 0;
  struct Relative {
    std::string sample, relation;  // the reference sample record, the donor's relation
    int meioses = 0;
    kinship::LineageComparison comparison;
    bool counted = false;  // the closest relative on the line: its LR is the line's
  };
  std::vector<Relative> relatives;
  std::vector<std::string> notes;  // donors off the line, or without a haplotype
  double log10_lr = 0;             // the line's (the counted relative's)
  // With the remains' STR profile and the person's typed relatives: the autosomal LR, and the
  // product (lineage and autosomes are inherited independently).
  std::optional<double> autosomal_log10_lr, combined_log10_lr;

  core::OrderedJson to_json() const;
  void write_text(std::ostream& out) const;
};

// A lab's file of haplotypes (CSV: sample, haplotype) stored as references or remains; all or
// nothing (matching::add_haplotypes). Roles that add genetic profiles. The number added.
size_t add_haplotypes(Session& session, kinship::Lineage lineage, const std::string& file,
                      const std::string& kind);

// Genetic data: roles that read profiles; the read is a ledger entry. InputError naming the
// field when the remains sample has no haplotype of the lineage, or no relative on the line has.
LineageResult kinship_lineage(Session& session, const LineageRequest& request);

}  // namespace athar::app
