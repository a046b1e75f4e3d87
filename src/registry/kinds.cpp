#include "registry/kinds.h"

#include <array>
#include <charconv>
#include <iterator>

namespace athar::registry {

namespace {

using F = FieldType;
using sv = std::string_view;

constexpr std::array<sv, 6> kSourceKinds{"organisation", "person",   "publication",
                                         "social_media", "document", "other"};
constexpr std::array<sv, 6> kSiteStatuses{"reported", "unsecured",  "secured",
                                          "tampered", "excavating", "excavated"};
// Site status: nothing returns to "reported"; an excavated site can only be reopened or found
// tampered with afterwards.
constexpr std::array<Transition, 20> kSiteTransitions{{
    {"reported", "unsecured"},   {"reported", "secured"},     {"reported", "tampered"},
    {"reported", "excavating"},  {"unsecured", "secured"},    {"unsecured", "tampered"},
    {"unsecured", "excavating"}, {"secured", "unsecured"},    {"secured", "tampered"},
    {"secured", "excavating"},   {"tampered", "secured"},     {"tampered", "unsecured"},
    {"tampered", "excavating"},  {"excavating", "excavated"}, {"excavating", "secured"},
    {"excavating", "unsecured"}, {"excavating", "tampered"},  {"excavated", "excavating"},
    {"excavated", "tampered"},   {"excavated", "secured"},
}};

constexpr std::array<sv, 6> kUnitKinds{"prison",        "intelligence_branch", "military_hospital",
                                       "military_unit", "checkpoint",          "other"};

constexpr std::array<sv, 4> kPersonRoles{"victim", "witness", "alleged_perpetrator", "other"};
constexpr std::array<sv, 3> kSexes{"male", "female", "unknown"};
constexpr std::array<sv, 5> kPersonStatuses{"missing", "detained", "dead", "identified",
                                            "found_alive"};
// Person status: "identified" (remains identified) is final; the dead are not found alive.
constexpr std::array<Transition, 12> kPersonTransitions{{
    {"missing", "detained"},
    {"missing", "dead"},
    {"missing", "identified"},
    {"missing", "found_alive"},
    {"detained", "missing"},
    {"detained", "dead"},
    {"detained", "identified"},
    {"detained", "found_alive"},
    {"dead", "identified"},
    {"found_alive", "detained"},
    {"found_alive", "missing"},
    {"found_alive", "dead"},
}};

constexpr std::array<sv, 5> kEventKinds{"detention", "transfer", "death", "burial", "exhumation"};

constexpr std::array<sv, 4> kClaimTopics{"body_count", "fate", "unit_role", "other"};
constexpr std::array<sv, 3> kFigureKinds{"minimum", "estimate", "maximum"};
constexpr std::array<sv, 5> kVerifications{"unverified", "corroborated", "verified", "disputed",
                                           "refuted"};
constexpr std::array<Transition, 12> kVerificationTransitions{{
    {"unverified", "corroborated"},
    {"unverified", "verified"},
    {"unverified", "disputed"},
    {"unverified", "refuted"},
    {"corroborated", "verified"},
    {"corroborated", "disputed"},
    {"corroborated", "refuted"},
    {"disputed", "corroborated"},
    {"disputed", "verified"},
    {"disputed", "refuted"},
    {"verified", "disputed"},
    {"refuted", "disputed"},
}};

constexpr std::array<sv, 10> kLinkTypeNames{"listed_by", "detained_in", "died_in",  "buried_at",
                                            "served_in", "relative_of", "involves", "speaks_about",
                                            "operated",  "shows"};

constexpr FieldSpec kSourceFields[] = {
    {"name", F::kText, true, "name of the organisation, person or publication"},
    {"kind", F::kChoice, true, "what the source is", kSourceKinds},
    {"author", F::kText, false, "author or account that published it"},
    {"url", F::kUrl, false, "address of the post or page"},
    {"published_on", F::kDate, false, "date of publication"},
    {"reliability", F::kText, false, "notes on the source's reliability"},
    {"description", F::kText, false, "what the source is and holds"},
};

constexpr FieldSpec kSiteFields[] = {
    {"name_ar", F::kText, false, "name in Arabic script"},
    {"name_lat", F::kText, false, "name in Latin script"},
    {"latitude", F::kLatitude, true, "WGS84 latitude of the site's reference point"},
    {"longitude", F::kLongitude, true, "WGS84 longitude of the site's reference point"},
    {"polygon", F::kPolygon, false, "outline as JSON [[lon,lat],...]"},
    {"location_note", F::kText, false, "how precise the location is and where it comes from"},
    {"governorate", F::kGovernorate, true, "Syrian governorate"},
    {"description", F::kText, false, "what is known of the site"},
    {"status", F::kStatus, true, "reported, unsecured, secured, tampered, excavating, excavated",
     kSiteStatuses},
};

constexpr FieldSpec kUnitFields[] = {
    {"name_ar", F::kText, false, "name in Arabic script"},
    {"name_lat", F::kText, false, "name in Latin script"},
    {"kind", F::kChoice, true, "kind of unit", kUnitKinds},
    {"parent", F::kRef, false, "unit this one belongs to", {}, Kind::kUnit},
    {"place", F::kText, false, "town or quarter"},
    {"governorate", F::kGovernorate, false, "Syrian governorate"},
    {"latitude", F::kLatitude, false, "WGS84 latitude"},
    {"longitude", F::kLongitude, false, "WGS84 longitude"},
    {"description", F::kText, false, "what is known of the unit"},
};

constexpr FieldSpec kPersonFields[] = {
    {"role", F::kChoice, true, "victim (missing or dead), witness, alleged_perpetrator, other",
     kPersonRoles},
    {"given_name_ar", F::kText, false, "given name, Arabic script"},
    {"father_name_ar", F::kText, false, "father's name, Arabic script"},
    {"grandfather_name_ar", F::kText, false, "grandfather's name, Arabic script"},
    {"family_name_ar", F::kText, false, "family name, Arabic script"},
    {"mother_name_ar", F::kText, false, "mother's given name, Arabic script"},
    {"mother_family_name_ar", F::kText, false, "mother's family name, Arabic script"},
    {"given_name_lat", F::kText, false, "given name, Latin script"},
    {"father_name_lat", F::kText, false, "father's name, Latin script"},
    {"grandfather_name_lat", F::kText, false, "grandfather's name, Latin script"},
    {"family_name_lat", F::kText, false, "family name, Latin script"},
    {"mother_name_lat", F::kText, false, "mother's given name, Latin script"},
    {"mother_family_name_lat", F::kText, false, "mother's family name, Latin script"},
    {"sex", F::kChoice, false, "male, female or unknown (unknown when empty)", kSexes},
    {"birth_date", F::kDate, false, "birth date or year"},
    {"birthplace", F::kText, false, "place of birth"},
    {"governorate", F::kGovernorate, false, "governorate of origin"},
    {"status", F::kStatus, false, "missing, detained, dead, identified, found_alive (victims)",
     kPersonStatuses},
    {"disappeared_on", F::kDate, false, "date of disappearance"},
    {"detained_on", F::kDate, false, "date of detention"},
    {"died_on", F::kDate, false, "date of death"},
    {"notes", F::kText, false, "notes"},
};

constexpr FieldSpec kWitnessFields[] = {
    {"identity", F::kText, false, "real name and identifying details", {}, Kind::kSource, true},
    {"contact", F::kText, false, "how to reach the witness", {}, Kind::kSource, true},
    {"notes", F::kText, false, "notes that do not identify the witness"},
};

constexpr FieldSpec kTestimonyFields[] = {
    {"witness", F::kRef, true, "pseudonym of the witness (W-0007)", {}, Kind::kWitness},
    {"given_on", F::kDate, true, "date the testimony was given"},
    {"place", F::kText, false, "where it was given"},
    {"language", F::kLanguage, true, "ISO 639-1 language code (ar, en, ku, ...)"},
    {"recorded_by", F::kText, false, "interviewer or organisation"},
    {"content", F::kText, false, "text of the testimony"},
    {"recording", F::kText, false, "reference to the recorded file"},
    {"summary", F::kText, false, "short summary"},
};

constexpr FieldSpec kEventFields[] = {
    {"kind", F::kChoice, true, "detention, transfer, death, burial, exhumation", kEventKinds},
    {"started_on", F::kDate, false, "date, or start of the date range"},
    {"ended_on", F::kDate, false, "end of the date range"},
    {"place", F::kText, false, "where it happened"},
    {"site", F::kRef, false, "site where it happened", {}, Kind::kSite},
    {"unit", F::kRef, false, "unit where it happened", {}, Kind::kUnit},
    {"latitude", F::kLatitude, false, "WGS84 latitude"},
    {"longitude", F::kLongitude, false, "WGS84 longitude"},
    {"description", F::kText, false, "what happened"},
};

constexpr FieldSpec kClaimFields[] = {
    {"source", F::kRef, true, "source making the claim", {}, Kind::kSource},
    {"subject", F::kAnyRef, true, "record the claim is about (site, person, unit, event)"},
    {"topic", F::kChoice, true, "body_count, fate, unit_role, other", kClaimTopics},
    {"figure", F::kInteger, false, "the number claimed"},
    {"figure_kind", F::kChoice, false, "minimum, estimate or maximum", kFigureKinds},
    {"claimed_on", F::kDate, false, "date of the claim"},
    {"statement", F::kText, false, "what is claimed, in a sentence"},
    {"quote", F::kText, false, "the source's own words"},
    {"verification", F::kStatus, true, "unverified, corroborated, verified, disputed, refuted",
     kVerifications},
};

constexpr FieldSpec kLinkFields[] = {
    {"from_record", F::kAnyRef, true, "record the link starts from"},
    {"type", F::kChoice, true, "link type (see `athar link-types`)", kLinkTypeNames},
    {"to_record", F::kAnyRef, true, "record the link points to"},
    {"source", F::kRef, true, "source that establishes the link", {}, Kind::kSource},
    {"role", F::kText, false, "role in the link (victim, father, commander, ...)"},
    {"note", F::kText, false, "note"},
};

constexpr std::array<sv, 5> kCustodyActions{"collected", "transfer", "copy_to_court", "analysis",
                                            "seal"};

constexpr FieldSpec kEvidenceFields[] = {
    {"sha256", F::kSha256, true, "SHA-256 of the file's bytes; names the stored object"},
    {"size", F::kInteger, true, "size in bytes"},
    {"media_type", F::kText, false, "media type found from the content (libmagic)"},
    {"captured_at", F::kText, false, "capture time embedded in the file (EXIF/XMP, device clock)"},
    {"gps_latitude", F::kLatitude, false, "GPS latitude embedded in the file"},
    {"gps_longitude", F::kLongitude, false, "GPS longitude embedded in the file"},
    {"device", F::kText, false, "device make and model embedded in the file"},
    {"metadata", F::kText, false, "every embedded EXIF/XMP tag, as JSON"},
    {"description", F::kText, false, "what the file shows or holds"},
};

constexpr FieldSpec kCustodyFields[] = {
    {"evidence", F::kRef, true, "the evidence item", {}, Kind::kEvidence},
    {"action", F::kChoice, true, "collected, transfer, copy_to_court, analysis, seal",
     kCustodyActions},
    {"by_whom", F::kText, true, "who collected, handed over, analysed or sealed it"},
    {"at", F::kTimestamp, true, "when (YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])"},
    {"place", F::kText, false, "where"},
    {"to_whom", F::kText, false, "who received it (transfer, copy to court)"},
    {"source", F::kRef, false, "source the file came from", {}, Kind::kSource},
    {"site", F::kRef, false, "site it concerns", {}, Kind::kSite},
    {"original_name", F::kText, false, "the file's name when collected"},
    {"note", F::kText, false, "note"},
};

// Remains recovered from a site, and the DNA samples of the identification workflow
// (docs/identification.md).
constexpr std::array<sv, 4> kRemainsConditions{"complete", "partial", "fragmentary",
                                               "skeletal_element"};
constexpr std::array<sv, 3> kYesNoUnknown{"yes", "no", "unknown"};
constexpr std::array<sv, 2> kRemainsStatuses{"unidentified", "identified"};
// An identification can be withdrawn (a later review), and made again.
constexpr std::array<Transition, 2> kRemainsTransitions{{
    {"unidentified", "identified"},
    {"identified", "unidentified"},
}};

constexpr FieldSpec kRemainsFields[] = {
    {"site", F::kRef, true, "site the remains were recovered from", {}, Kind::kSite},
    {"label", F::kText, true, "grave, area or trench and the field number (Trench B / body 17)"},
    {"position", F::kText, false, "position and depth in the grave"},
    {"latitude", F::kLatitude, false, "WGS84 latitude where recovered"},
    {"longitude", F::kLongitude, false, "WGS84 longitude where recovered"},
    {"recovered_on", F::kDate, true, "date recovered"},
    {"recovered_by", F::kText, false, "team or person who recovered them"},
    {"condition", F::kChoice, false, "complete, partial, fragmentary or skeletal_element",
     kRemainsConditions},
    {"commingled", F::kChoice, false, "yes, no or unknown: mixed with others' remains",
     kYesNoUnknown},
    {"estimated_sex", F::kChoice, false, "male, female or unknown (anthropology)", kSexes},
    {"age_min", F::kInteger, false, "estimated age at death, lower bound (years)"},
    {"age_max", F::kInteger, false, "estimated age at death, upper bound (years)"},
    {"body",
     F::kRef,
     false,
     "the body these fragments belong to (a direct DNA match)",
     {},
     Kind::kRemains},
    {"person",
     F::kRef,
     false,
     "the person identified (set by an identification)",
     {},
     Kind::kPerson},
    {"status", F::kStatus, true, "unidentified or identified", kRemainsStatuses},
    {"description", F::kText, false, "what was recovered, and anything found with it"},
};

constexpr std::array<sv, 3> kSampleKinds{"remains", "reference", "personal_item"};
constexpr std::array<sv, 6> kSampleMaterials{"bone",        "tooth", "tissue",
                                             "buccal_swab", "blood", "personal_item"};
// A reference donor's relation to the missing person: what the pedigree is built from.
constexpr std::array<sv, 17> kDonorRelations{"father",
                                             "mother",
                                             "child",
                                             "full_sibling",
                                             "paternal_half_sibling",
                                             "maternal_half_sibling",
                                             "paternal_grandfather",
                                             "paternal_grandmother",
                                             "maternal_grandfather",
                                             "maternal_grandmother",
                                             "paternal_uncle",
                                             "paternal_aunt",
                                             "maternal_uncle",
                                             "maternal_aunt",
                                             "paternal_cousin",
                                             "maternal_cousin",
                                             "spouse"};
constexpr std::array<sv, 2> kConsents{"identification_only", "sharing"};

constexpr FieldSpec kSampleFields[] = {
    {"kind", F::kChoice, true, "remains, reference (a relative) or personal_item", kSampleKinds},
    {"sample_number", F::kText, true, "the laboratory's sample number"},
    {"lab", F::kText, false, "laboratory that holds and types it"},
    {"taken_on", F::kDate, false, "date taken"},
    {"taken_by", F::kText, false, "who took it"},
    {"material", F::kChoice, false, "bone, tooth, tissue, buccal_swab, blood or personal_item",
     kSampleMaterials},
    {"remains", F::kRef, false, "remains it was taken from (remains samples)", {}, Kind::kRemains},
    {"missing_person",
     F::kRef,
     false,
     "the missing person (reference and personal items)",
     {},
     Kind::kPerson},
    {"relation", F::kChoice, false, "the donor's relation to the missing person", kDonorRelations},
    {"donor_sex", F::kChoice, false, "male, female or unknown", kSexes},
    {"donor_name", F::kText, false, "the donor's name", {}, Kind::kSource, true},
    {"donor_contact", F::kText, false, "how to reach the donor", {}, Kind::kSource, true},
    {"consent", F::kChoice, false, "identification_only, or sharing with named partners",
     kConsents},
    {"consent_partners", F::kText, false, "institutions the donor agreed to share with"},
    {"consent_on", F::kDate, false, "date consent was given"},
    {"profile", F::kText, false, "the STR profile's sample name in the kinship store, once typed"},
    {"note", F::kText, false, "note"},
};

constexpr KindSpec kKinds[] = {
    {Kind::kSource, "source", "sources", "source-", 4, kSourceFields, {}, {}},
    {Kind::kSite, "site", "sites", "site-", 4, kSiteFields, kSiteTransitions, "reported"},
    {Kind::kUnit, "unit", "units", "unit-", 4, kUnitFields, {}, {}},
    {Kind::kPerson, "person", "persons", "person-", 6, kPersonFields, kPersonTransitions, {}},
    {Kind::kWitness, "witness", "witnesses", "W-", 4, kWitnessFields, {}, {}},
    {Kind::kTestimony, "testimony", "testimonies", "testimony-", 5, kTestimonyFields, {}, {}},
    {Kind::kEvent, "event", "events", "event-", 6, kEventFields, {}, {}},
    {Kind::kClaim, "claim", "claims", "claim-", 5, kClaimFields, kVerificationTransitions,
     "unverified"},
    {Kind::kLink, "link", "links", "link-", 7, kLinkFields, {}, {}},
    {Kind::kEvidence, "evidence", "evidence", "evidence-", 6, kEvidenceFields, {}, {}},
    {Kind::kCustody, "custody", "custody", "custody-", 6, kCustodyFields, {}, {}},
    {Kind::kRemains, "remains", "remains", "remains-", 6, kRemainsFields, kRemainsTransitions,
     "unidentified"},
    {Kind::kSample, "sample", "samples", "sample-", 6, kSampleFields, {}, {}},
};

static_assert(std::size(kKinds) == kKindCount);

constexpr LinkType kLinkTypes[] = {
    {"listed_by", Kind::kPerson, Kind::kSource, "the source lists the person"},
    {"detained_in", Kind::kPerson, Kind::kUnit, "the person was held by or in the unit"},
    {"died_in", Kind::kPerson, Kind::kUnit, "the person died in the unit's custody"},
    {"buried_at", Kind::kPerson, Kind::kSite, "the person's remains are at the site"},
    {"served_in", Kind::kPerson, Kind::kUnit, "the person served in the unit"},
    {"relative_of", Kind::kPerson, Kind::kPerson, "family relation; role says which"},
    {"involves", Kind::kEvent, Kind::kPerson, "the event involves the person (role says how)"},
    {"involves", Kind::kEvent, Kind::kUnit, "the unit took part in the event"},
    {"involves", Kind::kEvent, Kind::kSite, "the event concerns the site"},
    {"speaks_about", Kind::kTestimony, Kind::kSite, "the testimony speaks about the site"},
    {"speaks_about", Kind::kTestimony, Kind::kUnit, "the testimony speaks about the unit"},
    {"speaks_about", Kind::kTestimony, Kind::kPerson, "the testimony speaks about the person"},
    {"speaks_about", Kind::kTestimony, Kind::kEvent, "the testimony speaks about the event"},
    {"operated", Kind::kUnit, Kind::kSite, "the unit used or ran the site"},
    {"shows", Kind::kEvidence, Kind::kRemains, "the file shows or documents the remains"},
};

}  // namespace

const FieldSpec* KindSpec::field(std::string_view field_name) const {
  const int i = field_index(field_name);
  return i < 0 ? nullptr : &fields[static_cast<size_t>(i)];
}

int KindSpec::field_index(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

const FieldSpec* KindSpec::status_field() const {
  for (const FieldSpec& f : fields) {
    if (f.type == FieldType::kStatus) return &f;
  }
  return nullptr;
}

bool KindSpec::allows(std::string_view from, std::string_view to) const {
  if (from.empty()) return true;  // the first status of a record may be any
  for (const Transition& t : transitions) {
    if (t.from == from && t.to == to) return true;
  }
  return false;
}

std::span<const KindSpec> kind_specs() { return kKinds; }

const KindSpec& kind_spec(Kind kind) { return kKinds[static_cast<size_t>(kind)]; }

const KindSpec* find_kind(std::string_view name) {
  for (const KindSpec& k : kKinds) {
    if (k.name == name || k.plural == name) return &k;
  }
  return nullptr;
}

std::string format_record_id(Kind kind, int64_t num) {
  const KindSpec& spec = kind_spec(kind);
  std::string digits = std::to_string(num);
  if (digits.size() < static_cast<size_t>(spec.id_width)) {
    digits.insert(0, static_cast<size_t>(spec.id_width) - digits.size(), '0');
  }
  return std::string(spec.id_prefix) + digits;
}

std::optional<RecordId> parse_record_id(std::string_view text) {
  for (const KindSpec& k : kKinds) {
    if (text.size() <= k.id_prefix.size() || text.substr(0, k.id_prefix.size()) != k.id_prefix) {
      continue;
    }
    const std::string_view digits = text.substr(k.id_prefix.size());
    int64_t num = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), num);
    if (ec != std::errc() || end != digits.data() + digits.size() || num <= 0) return std::nullopt;
    return RecordId{k.kind, num};
  }
  return std::nullopt;
}

std::span<const LinkType> link_types() { return kLinkTypes; }

}  // namespace athar::registry
