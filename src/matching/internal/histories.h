// Capture histories from a linkage run's entities: what unstratified and stratified histories
// share.
#pragma once

#include <string>
#include <vector>

#include "matching/person_linkage.h"

namespace athar::matching_internal {

// The sources naming the entities, in name order: the lists of the histories. InputError when
// there is no linkage run (no rows) or more than 16 sources.
std::vector<std::string> list_names(const std::vector<matching::EntityRow>& rows);

}  // namespace athar::matching_internal
