// The identification workflow in the registry (docs/identification.md): a missing person's
// pedigree built from the registry's records — the person, the reference samples their
// relatives gave (each with the donor's relation and, once typed, the STR profile) and the
// untyped relatives that join them — and an identification made from a confirmed kinship
// decision: the remains record names the person, both become `identified`.
//
//   auto families = matching::person_families(registry, table);   // every missing person typed
//   auto f = matching::family_of_person(registry, table, "person-000012");
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kinship/lineage.h"
#include "kinship/pedigree.h"
#include "registry/registry.h"

namespace athar::matching {

// The pedigree of the missing person `person_id`: id the person's record id, the missing member
// named by it, each typed donor by their sample id (sample-000031), untyped connecting relatives
// by what they are ("father", "paternal grandmother", "mother of sample-000031"). Donors of
// samples not yet typed (no stored profile) are left out and said in `notes`; so is a second
// sample for one place (a second "father"). nullopt when no donor is typed. How each relation
// enters the pedigree is in docs/identification.md.
struct PersonFamily {
  kinship::Family family;
  std::vector<std::string> notes;
};
std::optional<PersonFamily> family_of_person(registry::Registry& registry,
                                             const kinship::FrequencyTable& table,
                                             const std::string& person_id);
// The same pedigree with one more donor of `relation`, typed at the markers the family's donors
// are typed at (genotypes are placeholders: for expected figures, kinship/planning.h); nullopt
// when the place is taken already (a second father) or the person has no typed donor.
std::optional<PersonFamily> family_with_another_donor(registry::Registry& registry,
                                                      const kinship::FrequencyTable& table,
                                                      const std::string& person_id,
                                                      const std::string& relation);

// Every missing person's pedigree (status missing, detained or dead) that has a typed donor.
// With `partner` (a screening for a partner institution), only the donors whose consent is
// `sharing` with that institution named in `consent_partners` take part; the others are listed
// in `outside_consent` ("sample-000031 (identification_only)").
std::vector<kinship::Family> person_families(registry::Registry& registry,
                                             const kinship::FrequencyTable& table,
                                             const std::string& partner = {},
                                             std::vector<std::string>* outside_consent = nullptr);
// Whether a reference sample's consent covers sharing with `partner` (named among its
// consent_partners, separated by commas, semicolons or line breaks; case and spaces aside).
bool consent_covers(const registry::Record& sample, const std::string& partner);

// The remains record a stored remains profile belongs to: the remains of the sample whose
// `profile` names it; nullopt when no sample names it.
std::optional<registry::Record> remains_of_profile(registry::Registry& registry,
                                                   const std::string& profile);
// The meioses between a missing person of `missing_sex` and a reference donor of `relation` and
// `donor_sex` along `lineage`; 0 when the donor does not carry the missing person's line (a
// daughter's or a maternal uncle's Y, a paternal aunt's mtDNA), the missing person has none (a
// woman's Y) or a sex it depends on is unknown. A paternal cousin is taken as the son of the
// father's brother and a maternal cousin as the child of the mother's sister: the cousins the
// line passes through (docs/identification.md).
int lineage_meioses(kinship::Lineage lineage, const std::string& relation,
                    const std::string& missing_sex, const std::string& donor_sex);

// The sample record of `kind` ("remains", "reference") whose `profile` names a stored profile;
// nullopt when none does.
std::optional<registry::Record> sample_of_profile(registry::Registry& registry,
                                                  const std::string& profile,
                                                  const std::string& kind);

}  // namespace athar::matching
