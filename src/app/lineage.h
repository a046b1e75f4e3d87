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
  // The population's haplotypes (CSV: haplotype, count); "": the one stored for the line.
  std::string database;
  kinship::LineageOptions options = {};
};

struct LineageResult {
  std::string person, remains;
  kinship::Lineage lineage = kinship::Lineage::kPaternal;
  size_t database_size = 0;
  std::string database_name, database_sha256;  // of its canonical text
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

// `kinship haplotypes database`: the population's haplotypes of a line kept in the store (the
// one before replaced; the ledger pins each by SHA-256), weighed from then on when no file is
// given. Roles that add genetic profiles.
struct StoredDatabaseSummary {
  std::string lineage, name, sha256;
  size_t persons = 0;
};
StoredDatabaseSummary store_lineage_database(Session& session, kinship::Lineage lineage,
                                             const std::string& path);

// Lineage screening: every remains sample with a haplotype of the line against every missing
// person with a reference donor on it (the closest one speaks for the line), listing the pairs
// whose lineage LR is at least `threshold`, each with the autosomal LR and the product where
// both profiles exist — so that a paternal uncle's or a maternal cousin's sample finds its
// candidates. Roles that read profiles; a ledger entry.
struct LineageScreenRequest {
  kinship::Lineage lineage = kinship::Lineage::kPaternal;
  std::string database;  // "": the stored one
  kinship::LineageOptions options = {};
  double threshold = 10;
};
struct LineageScreening {
  kinship::Lineage lineage = kinship::Lineage::kPaternal;
  std::string database_name, database_sha256;
  size_t database_size = 0, remains = 0, persons = 0;
  double threshold = 0;
  struct Candidate {
    std::string remains, person, relative, relation;
    int meioses = 0;
    std::string conclusion;
    double log10_lr = 0;
    std::optional<double> autosomal_log10_lr, combined_log10_lr;
  };
  std::vector<Candidate> candidates;  // by remains; best first (combined where there is one)
  core::OrderedJson to_json() const;
  void write_text(std::ostream& out) const;
};
LineageScreening screen_lineage(Session& session, const LineageScreenRequest& request);

}  // namespace athar::app
