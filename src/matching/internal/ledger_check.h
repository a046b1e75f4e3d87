// Comparing rows kept beside the registry with their last ledger entries, for `athar verify`.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "registry/registry.h"

namespace athar::matching_internal {

// `hashes`: subject → hex SHA-256 of the row's canonical form now. Returns (subject, what) for
// each row whose last entry holds another hash, or that no entry records.
std::vector<std::pair<std::string, std::string>> compare_with_ledger(
    registry::Registry& registry, const std::map<std::string, std::string>& hashes,
    const std::string& when_missing);

// The canonical JSON object of string fields whose SHA-256 a row's ledger entry holds; callers
// list the keys in byte order.
std::string record_hash_text(std::initializer_list<std::pair<const char*, std::string>> fields);
// The same for fields only some rows have: a map keeps the keys in byte order.
std::string record_hash_text(const std::map<std::string, std::string>& fields);

}  // namespace athar::matching_internal
