// A simulated identification case as registry records, beside the DNA files of
// `athar simulate families` (kinship/simulate.h): a grave site, each family's missing person,
// each reference donor's sample with the relation, each remains record (fragments commingled)
// with its sample; profiles named as the DNA files name them. Imported with `athar import`, it
// lets the whole workflow run on data whose truth is known. Synthetic throughout.
#pragma once

#include "core/json.h"
#include "kinship/simulate.h"

namespace athar::app {

// The records as an athar-registry document (format of `athar import`): keys F-N for the
// persons (family name "Simulated F-N"), R-N for remains, S-… for samples.
core::OrderedJson simulated_case_records(const kinship::FamilySimulation& simulation);

}  // namespace athar::app
