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

// All fields; and the fields a victim list has (given name, surname, birth year, suburb, state).
LinkageConfig febrl_all_fields();
LinkageConfig febrl_victim_list_fields();

}  // namespace athar::linkage
