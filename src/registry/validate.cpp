// Validation and canonical forms of registry records: each field by its type, then the rules
// that join fields of one kind (dates in order, a name present, a link's endpoints).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/conventions.h"
#include "core/date.h"
#include "core/error.h"
#include "core/governorate.h"
#include "core/json.h"
#include "core/text.h"
#include "registry/registry.h"

namespace athar::registry {

using core::InputError;
using core::PartialDate;

namespace {

bool has_ascii_letter(std::string_view text) {
  for (char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

// Arabic block U+0600..U+06FF and supplements U+0750..U+077F: lead bytes 0xD8..0xDD.
bool has_arabic_letter(std::string_view text) {
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0xD8 && b <= 0xDD) return true;
  }
  return false;
}

// Lower case, with '-' and ' ' as '_': "Intelligence-Branch" is intelligence_branch.
void canonicalise_choice(std::string& text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '-' || c == ' ') c = '_';
  }
}

std::string join_choices(std::span<const std::string_view> choices) {
  std::string out;
  for (std::string_view c : choices) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

// Choices as Syrian lists write them in Arabic: the Latin choice they mean.
std::optional<std::string_view> arabic_choice(std::string_view value) {
  static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
      {"ذكر", "male"},       {"أنثى", "female"},       {"انثى", "female"},   {"أنثي", "female"},
      {"انثي", "female"},    {"غير معروف", "unknown"}, {"مفقود", "missing"}, {"مفقودة", "missing"},
      {"معتقل", "detained"}, {"معتقلة", "detained"},   {"متوفى", "dead"},    {"متوفي", "dead"},
      {"متوفاة", "dead"},    {"ضحية", "victim"},       {"شاهد", "witness"},  {"شاهدة", "witness"},
  };
  for (const auto& [arabic, latin] : kWords)
    if (value == arabic) return latin;
  return std::nullopt;
}

bool is_name_field(std::string_view name) {
  return name.find("name_ar") != std::string_view::npos ||
         name.find("name_lat") != std::string_view::npos;
}

}  // namespace

// Brings one field's text to its canonical form or throws an InputError that names it.
class RecordValidator {
 public:
  // Without a registry, references are only collected (`deferred` must be given).
  RecordValidator(const Registry* registry, std::string_view where,
                  std::vector<DeferredReference>* deferred = nullptr)
      : registry_(registry), where_(where), deferred_(deferred) {}

  void field(const FieldSpec& f, std::string& value) const {
    if (!core::is_valid_utf8(value)) fail(f, core::printable(value), "not valid UTF-8");
    const std::string_view trimmed = core::trim(value);
    if (trimmed.size() != value.size()) value = std::string(trimmed);
    if (value.empty()) {
      if (f.required) fail(f, value, "is required");
      return;
    }
    for (char c : value) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
        fail(f, core::printable(value), "contains a control character");
      }
    }
    switch (f.type) {
      case FieldType::kText:
        if (is_name_field(f.name)) name(f, value);
        break;
      case FieldType::kChoice:
      case FieldType::kStatus: {
        const std::string given = value;
        if (const auto latin = arabic_choice(value)) value = *latin;
        canonicalise_choice(value);
        bool ok = false;
        for (std::string_view allowed : f.choices) ok = ok || allowed == value;
        if (!ok) fail(f, given, "must be one of: " + join_choices(f.choices));
        break;
      }
      case FieldType::kGovernorate: {
        auto g = core::find_governorate(value);
        if (!g) {
          fail(f, value,
               "unknown governorate (one of Syria's 14, e.g. Damascus, Rif Dimashq, Aleppo, Homs;"
               " `athar governorates` lists them)");
        }
        if (value != g->code) value = std::string(g->code);
        break;
      }
      case FieldType::kDate: {
        PartialDate d;
        value = core::western_digits(value);
        try {
          d = PartialDate::parse(value);
        } catch (const std::invalid_argument& e) {
          fail(f, value, e.what());
        }
        if (PartialDate::today().certainly_before(d)) fail(f, value, "is in the future");
        // parse() accepts only the canonical YYYY[-MM[-DD]] form: value is canonical already.
        break;
      }
      case FieldType::kLatitude:
      case FieldType::kLongitude: {
        const double limit = f.type == FieldType::kLatitude ? 90 : 180;
        const core::CoordinateReading read = core::parse_coordinate(
            value, f.type == FieldType::kLatitude ? core::Axis::kLatitude : core::Axis::kLongitude);
        if (!read.degrees) fail(f, value, read.problem);
        const double v = *read.degrees;
        if (v < -limit || v > limit) {
          fail(f, value,
               "is out of range (-" + core::shortest_number(limit) + " to " +
                   core::shortest_number(limit) + " degrees)");
        }
        value = core::shortest_number(v);
        break;
      }
      case FieldType::kPolygon:
        value = polygon(f, value);
        break;
      case FieldType::kInteger: {
        if (value[0] == '-') fail(f, value, "must not be negative");
        const std::optional<int64_t> v = core::parse_whole_number(value);
        if (!v) {
          fail(f, value,
               "is not a whole number (digits, in groups of three if separated: 1,200 or "
               "١٬٢٠٠)");
        }
        value = std::to_string(*v);
        break;
      }
      case FieldType::kLanguage: {
        std::string code = core::ascii_lower(value);
        bool ok = code.size() == 2 || code.size() == 3;
        for (char c : code) ok = ok && c >= 'a' && c <= 'z';
        if (!ok) fail(f, value, "must be an ISO 639 language code such as ar, en or ku");
        value = std::move(code);
        break;
      }
      case FieldType::kUrl:
        if ((value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) ||
            value.find_first_of(" \t\n") != std::string::npos) {
          fail(f, value, "must be an http:// or https:// address without spaces");
        }
        break;
      case FieldType::kTimestamp:
        value = core::western_digits(value);
        timestamp(f, value);
        break;
      case FieldType::kSha256: {
        bool ok = value.size() == 64;
        for (char c : value) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        if (!ok) fail(f, value, "must be 64 lower-case hex digits");
        break;
      }
      case FieldType::kRef:
      case FieldType::kAnyRef: {
        auto id = parse_record_id(value);
        if (!id) fail(f, value, "is not a record id (such as site-0003 or person-000012)");
        if (f.type == FieldType::kRef && id->kind != f.ref_kind) {
          fail(f, value, "must be a " + std::string(kind_spec(f.ref_kind).name) + " id");
        }
        if (deferred_) {
          deferred_->push_back({*id, f.name, value});
        } else {
          registry_->check_reference(*id, where_, f.name, value);
        }
        value = format_record_id(*id);
        break;
      }
    }
  }

  [[noreturn]] void fail(const FieldSpec& f, const std::string& value,
                         const std::string& problem) const {
    throw InputError(std::string(where_), std::string(f.name), value, problem);
  }
  [[noreturn]] void fail(std::string_view field, const std::string& value,
                         const std::string& problem) const {
    throw InputError(std::string(where_), std::string(field), value, problem);
  }

 private:
  void name(const FieldSpec& f, const std::string& value) const {
    if (!core::contains_letter_or_digit(value)) fail(f, value, "has no letters");
    const bool arabic_field = f.name.find("_ar") != std::string_view::npos;
    if (arabic_field && has_ascii_letter(value)) {
      fail(f, value, "is an Arabic-script field but holds Latin letters (use the _lat field)");
    }
    if (!arabic_field && has_arabic_letter(value)) {
      fail(f, value, "is a Latin-script field but holds Arabic letters (use the _ar field)");
    }
  }

  // YYYY-MM-DD, optionally THH:MM or THH:MM:SS, optionally Z or +HH:MM / -HH:MM.
  void timestamp(const FieldSpec& f, const std::string& value) const {
    PartialDate day;
    try {
      day = PartialDate::parse(std::string_view(value).substr(0, 10));
    } catch (const std::invalid_argument& e) {
      fail(f, value, std::string(e.what()) + " (expected YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])");
    }
    if (day.day() == 0) fail(f, value, "needs a full date (YYYY-MM-DD)");
    if (PartialDate::today().certainly_before(day)) fail(f, value, "is in the future");
    std::string_view rest = std::string_view(value).substr(10);
    if (rest.empty()) return;
    const auto two_digits = [&](std::string_view t, int max) {
      return t.size() >= 2 && t[0] >= '0' && t[0] <= '9' && t[1] >= '0' && t[1] <= '9' &&
             (t[0] - '0') * 10 + (t[1] - '0') <= max;
    };
    bool ok = rest.size() >= 6 && rest[0] == 'T' && two_digits(rest.substr(1), 23) &&
              rest[3] == ':' && two_digits(rest.substr(4), 59);
    if (ok) rest.remove_prefix(6);
    if (ok && !rest.empty() && rest[0] == ':') {
      ok = two_digits(rest.substr(1), 59);
      rest.remove_prefix(std::min<size_t>(3, rest.size()));
    }
    if (ok && !rest.empty()) {
      ok = rest == "Z" ||
           (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') &&
            two_digits(rest.substr(1), 14) && rest[3] == ':' && two_digits(rest.substr(4), 59));
    }
    if (!ok) fail(f, value, "expected YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]");
  }

  std::string polygon(const FieldSpec& f, const std::string& value) const {
    core::Json points = core::Json::parse(value, nullptr, false);
    if (points.is_discarded() || !points.is_array() || points.size() < 3) {
      fail(f, value, "must be a JSON array of at least three [longitude, latitude] points");
    }
    for (const auto& p : points) {
      if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
        fail(f, value, "each point must be [longitude, latitude]");
      }
      const double lon = p[0].get<double>(), lat = p[1].get<double>();
      if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
        fail(f, value, "a point is outside WGS84 ranges (longitude first, then latitude)");
      }
    }
    return points.dump();
  }

  const Registry* registry_;
  std::string_view where_;
  std::vector<DeferredReference>* deferred_;
};

void Registry::normalise_field(const FieldSpec& field, std::string& value,
                               std::string_view where) const {
  RecordValidator(this, where).field(field, value);
}

// The checks of add() and update(); with no registry, references are only collected.
// `correcting`: a correction sets what should always have been there, so the status transitions
// and the never-edited custody events do not bind it.
static void validate_record(const Registry* registry, Record& record, const Record* previous,
                            std::string_view where, std::vector<DeferredReference>* deferred,
                            bool correcting = false);

void Registry::validate(Record& record, const Record* previous, std::string_view where,
                        std::vector<DeferredReference>* deferred, bool correcting) const {
  validate_record(this, record, previous, where, deferred, correcting);
}

void validate_new_record(Record& record, std::string_view where) {
  std::vector<DeferredReference> unchecked;
  validate_record(nullptr, record, nullptr, where, &unchecked);
}

// Whether a value as given is worth keeping beside its canonical form: it was written in a
// convention the canonical form loses (Arabic words or digits, degrees and minutes, thousands
// separators), not merely in another case or with spaces around it.
static bool worth_keeping(const FieldSpec& f, std::string_view given, std::string_view canonical) {
  if (f.type == FieldType::kText || f.sensitive || given.empty()) return false;
  const std::string_view trimmed = core::trim(given);
  if (trimmed == canonical || core::ascii_lower(trimmed) == canonical) return false;
  for (char c : trimmed) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || c == ',' || c == '\'' || c == '"' || c == '/' || c == ';' || c == ':')
      return true;
  }
  return false;
}

static void validate_record(const Registry* registry, Record& record, const Record* previous,
                            std::string_view where, std::vector<DeferredReference>* deferred,
                            bool correcting) {
  RecordValidator v(registry, where, deferred);
  const KindSpec& spec = *record.spec;
  if (!previous) record.originals.clear();
  thread_local std::string given;  // reused: no allocation per field once warm
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    const FieldSpec& f = spec.fields[i];
    // A new record takes the kind's initial status when none is given.
    if (f.type == FieldType::kStatus && record.values[i].empty() && !previous) {
      record.values[i] = std::string(spec.initial_status);
    }
    const bool changed = !previous || record.values[i] != previous->values[i];
    // Free text is kept as given, and sensitive values never in clear: nothing to keep beside.
    if (!changed || f.type == FieldType::kText || f.sensitive || record.values[i].empty()) {
      if (changed && previous) record.forget_original(f.name);
      v.field(f, record.values[i]);
      continue;
    }
    given.assign(record.values[i]);
    v.field(f, record.values[i]);
    // The value as given is kept beside the canonical one (Record::originals), replacing what
    // was kept for the field before.
    if (previous) record.forget_original(f.name);
    if (worth_keeping(f, given, record.values[i])) record.keep_original(f.name, given);
  }

  const auto value = [&](std::string_view name) -> const std::string& { return record.get(name); };
  const auto date = [&](std::string_view name) { return PartialDate::parse_optional(value(name)); };
  const auto not_before = [&](std::string_view later, std::string_view earlier) {
    if (date(later).certainly_before(date(earlier))) {
      v.fail(later, value(later),
             "is before " + std::string(earlier) + " (" + value(earlier) + ")");
    }
  };
  const auto both_or_neither = [&](std::string_view a, std::string_view b) {
    if (value(a).empty() != value(b).empty()) {
      const std::string_view missing = value(a).empty() ? a : b;
      v.fail(missing, "", "is required when " + std::string(missing == a ? b : a) + " is given");
    }
  };

  switch (spec.kind) {
    case Kind::kSite:
    case Kind::kUnit:
      if (value("name_ar").empty() && value("name_lat").empty()) {
        v.fail("name_ar", "", "a name in Arabic (name_ar) or Latin script (name_lat) is required");
      }
      if (spec.kind == Kind::kUnit) {
        both_or_neither("latitude", "longitude");
        if (record.num != 0 && value("parent") == record.id()) {
          v.fail("parent", value("parent"), "a unit cannot be its own parent");
        }
      }
      break;
    case Kind::kPerson: {
      bool named = false;
      for (std::string_view part :
           {"given_name_ar", "family_name_ar", "given_name_lat", "family_name_lat"}) {
        named = named || !value(part).empty();
      }
      if (!named) {
        v.fail("given_name_ar", "",
               "a given or family name, in Arabic or Latin script, is required");
      }
      if (value("sex").empty()) record.set("sex", "unknown");
      if (value("role") == "victim" && value("status").empty()) record.set("status", "missing");
      not_before("disappeared_on", "birth_date");
      not_before("detained_on", "birth_date");
      not_before("died_on", "birth_date");
      not_before("died_on", "disappeared_on");
      not_before("died_on", "detained_on");
      if (value("status") == "found_alive" && !value("died_on").empty()) {
        v.fail("status", value("status"), "a person found alive cannot have a date of death");
      }
      break;
    }
    case Kind::kEvent:
      not_before("ended_on", "started_on");
      both_or_neither("latitude", "longitude");
      break;
    case Kind::kClaim: {
      if (!value("figure").empty() && value("figure_kind").empty()) {
        v.fail("figure_kind", "", "say whether the figure is a minimum, estimate or maximum");
      }
      if (value("figure").empty() && !value("figure_kind").empty()) {
        v.fail("figure", "", "is required when figure_kind is given");
      }
      if (value("topic") == "body_count" && value("figure").empty()) {
        v.fail("figure", "", "a body_count claim needs the figure");
      }
      const Kind subject = parse_record_id(value("subject"))->kind;
      if (subject != Kind::kSite && subject != Kind::kPerson && subject != Kind::kUnit &&
          subject != Kind::kEvent) {
        v.fail("subject", value("subject"), "a claim is about a site, person, unit or event");
      }
      break;
    }
    case Kind::kLink: {
      const Kind from = parse_record_id(value("from_record"))->kind;
      const Kind to = parse_record_id(value("to_record"))->kind;
      bool allowed = false;
      std::string choices;
      for (const LinkType& t : link_types()) {
        if (t.name != value("type")) continue;
        allowed = allowed || (t.from == from && t.to == to);
        choices += std::string(choices.empty() ? "" : ", ") + std::string(kind_spec(t.from).name) +
                   " -> " + std::string(kind_spec(t.to).name);
      }
      if (!allowed) {
        v.fail("type", value("type"),
               "cannot join a " + std::string(kind_spec(from).name) + " to a " +
                   std::string(kind_spec(to).name) + " (it joins " + choices + ")");
      }
      if (value("from_record") == value("to_record")) {
        v.fail("to_record", value("to_record"), "a record cannot be linked to itself");
      }
      break;
    }
    case Kind::kEvidence:
      both_or_neither("gps_latitude", "gps_longitude");
      break;
    case Kind::kRemains: {
      both_or_neither("latitude", "longitude");
      const auto years = [&](std::string_view name) -> std::optional<long long> {
        long long n = 0;
        const std::string& text = value(name);
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return {};
        return n;
      };
      if (years("age_min") && years("age_max") && *years("age_min") > *years("age_max")) {
        v.fail("age_max", value("age_max"), "is below age_min (" + value("age_min") + ")");
      }
      if (record.num != 0 && value("body") == record.id())
        v.fail("body", value("body"), "remains cannot be a fragment of themselves");
      // An identification names the person; remains named a person are identified.
      if (value("status") == "identified" && value("person").empty())
        v.fail("person", "", "identified remains name the person identified");
      if (value("status") == "unidentified" && !value("person").empty())
        v.fail("status", value("status"),
               "remains that name a person are identified (status identified)");
      break;
    }
    case Kind::kSample: {
      const std::string& kind = value("kind");
      if (kind == "remains") {
        if (value("remains").empty())
          v.fail("remains", "", "a remains sample names the remains it was taken from");
        for (std::string_view donor_field :
             {"missing_person", "relation", "donor_name", "donor_contact", "consent"}) {
          if (!value(donor_field).empty())
            v.fail(donor_field, value(donor_field), "is for reference samples, not remains");
        }
      } else {
        if (!value("remains").empty())
          v.fail("remains", value("remains"), "only a remains sample is taken from remains");
        if (value("missing_person").empty())
          v.fail("missing_person", "", "a " + kind + " sample names the missing person");
        if (kind == "reference" && value("relation").empty())
          v.fail("relation", "", "a reference sample says how the donor is related");
        if (kind == "reference" && value("consent").empty())
          v.fail("consent", "",
                 "record the donor's consent: identification_only, or sharing with named "
                 "partners");
      }
      if (value("consent") == "sharing" && value("consent_partners").empty())
        v.fail("consent_partners", "", "name the institutions the donor agreed to share with");
      if (value("consent") != "sharing" && !value("consent_partners").empty())
        v.fail("consent", value("consent"),
               "partners are named only when the donor agreed to sharing");
      break;
    }
    case Kind::kSource:
    case Kind::kWitness:
    case Kind::kTestimony:
    case Kind::kCustody:
      break;
  }

  // What a file says about itself, and custody events, are records of fact: never edited.
  if (previous && !correcting && spec.kind == Kind::kCustody) {
    v.fail("action", value("action"),
           "custody events are never changed; record a new one, or `correct` a mistake with a "
           "reason");
  }
  if (previous && spec.kind == Kind::kEvidence) {
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      if (spec.fields[i].name != "description" && record.values[i] != previous->values[i]) {
        v.fail(spec.fields[i].name, record.values[i],
               "is read from the file and cannot be changed (only description can)");
      }
    }
  }

  if (const FieldSpec* status = spec.status_field(); status && previous && !correcting) {
    const std::string& from = previous->get(status->name);
    const std::string& to = value(status->name);
    if (from != to && !spec.allows(from, to)) {
      v.fail(status->name, to,
             "cannot change from " + from + " to " + to + "; if " + from +
                 " was entered by mistake, `correct` it with a reason");
    }
  }
}

}  // namespace athar::registry
