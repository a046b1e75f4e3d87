// The registry's data dictionary: every kind of record, its fields and their rules.
//
// One table drives everything generic about a kind: validation, SQL, the CLI's options, JSON and
// CSV import/export. Adding a field is one line here and a column in a schema migration (a test
// checks that the two agree).
//
//   const KindSpec& site = kind_spec(Kind::kSite);
//   for (const FieldSpec& f : site.fields) std::cout << f.name << "\n";
//   RecordId id = parse_record_id("site-0003");   // {Kind::kSite, 3}
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace athar::registry {

enum class Kind {
  kSource,
  kSite,
  kUnit,
  kPerson,
  kWitness,
  kTestimony,
  kEvent,
  kClaim,
  kLink,
  kEvidence,
  kCustody,
  kRemains,
  kSample
};
inline constexpr size_t kKindCount = 13;

enum class FieldType {
  kText,         // free UTF-8 text
  kChoice,       // one of FieldSpec::choices
  kGovernorate,  // a Syrian governorate, stored by code
  kDate,         // partial date YYYY[-MM[-DD]], not in the future
  kLatitude,     // WGS84 degrees
  kLongitude,
  kPolygon,    // JSON array of [longitude, latitude] points, at least three
  kInteger,    // non-negative
  kLanguage,   // ISO 639-1 code
  kUrl,        // http(s) URL
  kRef,        // id of a record of FieldSpec::ref_kind (stored as its number)
  kAnyRef,     // id of a record of any kind (stored as text)
  kStatus,     // one of FieldSpec::choices, changed only along allowed transitions
  kTimestamp,  // YYYY-MM-DD, optionally THH:MM[:SS] and Z or +HH:MM; not in the future
  kSha256,     // 64 lower-case hex digits
};

struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required;
  std::string_view help;
  std::span<const std::string_view> choices = {};
  Kind ref_kind = Kind::kSource;
  // Sensitive (witness identity, contact): never listed, exported or shown without the
  // permission that a later access-control layer checks.
  bool sensitive = false;
};

// A status transition a field allows: from -> to.
struct Transition {
  std::string_view from, to;
};

struct KindSpec {
  Kind kind;
  std::string_view name;       // "site": CLI noun and JSON type
  std::string_view plural;     // "sites": table name and JSON key
  std::string_view id_prefix;  // "site-"
  int id_width;                // digits in the id, zero-padded
  std::span<const FieldSpec> fields;
  std::span<const Transition> transitions;  // for the kind's kStatus field, if any
  std::string_view initial_status;          // its value when a record is created without one

  const FieldSpec* field(std::string_view field_name) const;
  int field_index(std::string_view field_name) const;  // -1 when absent
  const FieldSpec* status_field() const;
  bool allows(std::string_view from, std::string_view to) const;
};

// Every kind, in dependency order (a kind's refs point only to kinds before it, or itself).
std::span<const KindSpec> kind_specs();
const KindSpec& kind_spec(Kind kind);
// By singular or plural name ("site", "sites"); nullptr when unknown.
const KindSpec* find_kind(std::string_view name);

struct RecordId {
  Kind kind;
  int64_t num;
  bool operator==(const RecordId&) const = default;
};

std::string format_record_id(Kind kind, int64_t num);
inline std::string format_record_id(const RecordId& id) {
  return format_record_id(id.kind, id.num);
}
// Parses "site-0003", "person-1234", "W-0007" (case-sensitive prefix, any number of digits).
std::optional<RecordId> parse_record_id(std::string_view text);

// Link types: which kinds a link of each type joins.
struct LinkType {
  std::string_view name;
  Kind from;
  Kind to;
  std::string_view help;
};
std::span<const LinkType> link_types();

}  // namespace athar::registry
