// The canonical forms that record entries vouch for, kept beside the ledger (record_versions):
// a run of consecutive entries' forms, joined by newlines (canonical JSON has none) and
// compressed (LZ4), in one row keyed by the first entry. An import's batch is one row, packed on
// the reading thread; a single write is a run of one. Each form is checked against its entry's
// sha256 when read, so an altered copy is never taken for the vouched one.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace athar::registry {

// Compresses the forms (in entry order) into one blob.
std::string pack_versions(std::span<const std::string_view> forms);
// The form at `position` in a packed blob; nullopt when the blob is damaged or too short.
std::optional<std::string> unpack_version(std::string_view packed, size_t position);

}  // namespace athar::registry
