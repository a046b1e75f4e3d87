// The FEBRL synthetic person files (Christen et al.) as linkage datasets with their truth:
// record ids rec-N-org / rec-N-dup-K name entity N. Used by the accuracy tests and benchmark.
#pragma once

#include <string>
#include <vector>

#include "linkage/linkage.h"

namespace athar::linkage {

struct FebrlData {
  Dataset data{{}};
  std::vector<std::string> truth;  // entity of each record
};

// Columns as in the file: given_name, surname, street_number, address_1, address_2, suburb,
// postcode, state, date_of_birth, soc_sec_id, plus birth_year (from date_of_birth).
FebrlData read_febrl(const std::string& path);

// All fields, for the engine alone. The fields a victim list has are linked through the person
// configuration (matching::person_linkage_config) after write_febrl_as_person_list.
LinkageConfig febrl_all_fields();

// Writes a FEBRL file as a person list in the columns `athar import persons` and `athar link
// --csv` read — what a victim list holds: id, given_name_lat, family_name_lat, birth_date
// (YYYYMMDD as YYYY-MM-DD; a date FEBRL damaged stays as it is, for the reader to refuse) and
// birthplace (the suburb); the address, state and identifiers are left out. Returns the truth
// (entity of each row, in order).
std::vector<std::string> write_febrl_as_person_list(const std::string& febrl_path,
                                                    const std::string& csv_path);

}  // namespace athar::linkage
