// Bad input: each is refused with an InputError naming the record, field and value.
#include <gtest/gtest.h>

#include "core/date.h"
#include "core/error.h"
#include "registry_fixture.h"

namespace athar::registry {
namespace {

class ValidationTest : public RegistryTest {
 protected:
  // Adds a record expecting an InputError on `field` whose message contains `words`.
  void expect_refused(Kind kind, std::initializer_list<std::pair<const char*, const char*>> fields,
                      const std::string& field, const std::string& words) {
    const int64_t before = count(kind);
    try {
      add(kind, fields);
      ADD_FAILURE() << "accepted; expected an error on " << field;
    } catch (const core::InputError& e) {
      EXPECT_EQ(e.field(), field) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("test record"), std::string::npos) << e.what();
    }
    EXPECT_EQ(count(kind), before);
  }
};

TEST_F(ValidationTest, SiteFields) {
  expect_refused(Kind::kSite, {{"name_lat", "x"}, {"longitude", "36"}, {"governorate", "Homs"}},
                 "latitude", "is required");
  expect_refused(
      Kind::kSite,
      {{"name_lat", "x"}, {"latitude", "93"}, {"longitude", "36"}, {"governorate", "Homs"}},
      "latitude", "out of range");
  expect_refused(
      Kind::kSite,
      {{"name_lat", "x"}, {"latitude", "north"}, {"longitude", "36"}, {"governorate", "Homs"}},
      "latitude", "not a number");
  expect_refused(
      Kind::kSite,
      {{"name_lat", "x"}, {"latitude", "33"}, {"longitude", "36"}, {"governorate", "Beirut"}},
      "governorate", "unknown governorate");
  expect_refused(Kind::kSite, {{"latitude", "33"}, {"longitude", "36"}, {"governorate", "Homs"}},
                 "name_ar", "name");
  expect_refused(Kind::kSite,
                 {{"name_lat", "x"},
                  {"latitude", "33"},
                  {"longitude", "36"},
                  {"governorate", "Homs"},
                  {"polygon", "[[36,33],[36.1,33]]"}},
                 "polygon", "at least three");
  expect_refused(Kind::kSite,
                 {{"name_lat", "x"},
                  {"latitude", "33"},
                  {"longitude", "36"},
                  {"governorate", "Homs"},
                  {"status", "destroyed"}},
                 "status", "must be one of");
}

TEST_F(ValidationTest, ValuesAsSyrianListsWriteThemAreReadAndStoredCanonically) {
  const Record site = add(Kind::kSite, {{"name_ar", "موقع تجريبي"},
                                        {"latitude", "33°30'36\"N"},
                                        {"longitude", "٣٦٫٢٥"},
                                        {"governorate", "Damascus"}});
  EXPECT_EQ(site.get("latitude"), "33.51");
  EXPECT_EQ(site.get("longitude"), "36.25");
  const Record person = add(Kind::kPerson, {{"given_name_ar", "سامر"},
                                            {"role", "ضحية"},
                                            {"sex", "ذكر"},
                                            {"birth_date", "١٩٧٩"},
                                            {"status", "مفقود"}});
  EXPECT_EQ(person.get("sex"), "male");
  EXPECT_EQ(person.get("birth_date"), "1979");
  EXPECT_EQ(person.get("status"), "missing");
  EXPECT_EQ(add(Kind::kPerson, {{"given_name_ar", "سلمى"}, {"role", "victim"}, {"sex", "أنثى"}})
                .get("sex"),
            "female");
  // Figures with thousands separators, Latin or Arabic; groups that are not thousands refused.
  const Record src = source();
  const auto claim = [&](const char* figure) {
    return add(Kind::kClaim, {{"source", src.id().c_str()},
                              {"subject", site.id().c_str()},
                              {"topic", "body_count"},
                              {"figure", figure},
                              {"figure_kind", "estimate"}});
  };
  EXPECT_EQ(claim("75,000").get("figure"), "75000");
  EXPECT_EQ(claim("٦٬٠٠٠").get("figure"), "6000");
  expect_refused(Kind::kClaim,
                 {{"source", src.id().c_str()},
                  {"subject", site.id().c_str()},
                  {"topic", "body_count"},
                  {"figure", "7,50"},
                  {"figure_kind", "estimate"}},
                 "figure", "groups of three");
  // A latitude written with an east hemisphere is probably the longitude: refused, said so.
  expect_refused(Kind::kSite,
                 {{"name_lat", "x"},
                  {"latitude", "36°17'E"},
                  {"longitude", "33°30'N"},
                  {"governorate", "Damascus"}},
                 "latitude", "swapped");
}

TEST_F(ValidationTest, PersonDatesAndNames) {
  expect_refused(Kind::kPerson,
                 {{"role", "victim"}, {"given_name_lat", "Samer"}, {"birth_date", "1990-02-31"}},
                 "birth_date", "no such day");
  expect_refused(Kind::kPerson,
                 {{"role", "victim"},
                  {"given_name_lat", "Samer"},
                  {"birth_date", "1990-05"},
                  {"died_on", "1989-12-01"}},
                 "died_on", "before birth_date");
  expect_refused(Kind::kPerson,
                 {{"role", "victim"},
                  {"given_name_lat", "Samer"},
                  {"detained_on", "2014"},
                  {"died_on", "2013"}},
                 "died_on", "before detained_on");
  const std::string next_year = std::to_string(core::PartialDate::today().year() + 1);
  expect_refused(
      Kind::kPerson,
      {{"role", "victim"}, {"given_name_lat", "Samer"}, {"disappeared_on", next_year.c_str()}},
      "disappeared_on", "in the future");
  expect_refused(Kind::kPerson, {{"role", "victim"}, {"given_name_ar", "--..."}}, "given_name_ar",
                 "no letters");
  expect_refused(Kind::kPerson, {{"role", "victim"}, {"given_name_ar", "Samer"}}, "given_name_ar",
                 "Latin letters");
  expect_refused(Kind::kPerson, {{"role", "victim"}, {"family_name_lat", "الحسن"}},
                 "family_name_lat", "Arabic letters");
  expect_refused(Kind::kPerson, {{"role", "victim"}, {"father_name_lat", "Khaled"}},
                 "given_name_ar", "given or family name");
  expect_refused(Kind::kPerson, {{"role", "bystander"}, {"given_name_lat", "Samer"}}, "role",
                 "must be one of");
  expect_refused(Kind::kPerson, {{"given_name_lat", "Samer"}}, "role", "is required");
  expect_refused(Kind::kPerson,
                 {{"role", "victim"}, {"given_name_lat", "Samer"}, {"governorate", "Gotham"}},
                 "governorate", "unknown governorate");
  expect_refused(Kind::kPerson,
                 {{"role", "victim"},
                  {"given_name_lat", "Samer"},
                  {"status", "found_alive"},
                  {"died_on", "2014"}},
                 "status", "found alive");
  expect_refused(Kind::kPerson, {{"role", "victim"}, {"given_name_lat", "Sa\x01mer"}},
                 "given_name_lat", "control character");
  expect_refused(Kind::kPerson, {{"role", "victim"}, {"given_name_lat", "Sa\xE9mer"}},
                 "given_name_lat", "UTF-8");
}

TEST_F(ValidationTest, ReferencesMustExistAndBeOfTheRightKind) {
  const Record src = source();
  const Record s = site();
  expect_refused(Kind::kClaim,
                 {{"source", "source-0042"}, {"subject", s.id().c_str()}, {"topic", "other"}},
                 "source", "no such source");
  expect_refused(Kind::kClaim,
                 {{"source", s.id().c_str()}, {"subject", s.id().c_str()}, {"topic", "other"}},
                 "source", "must be a source id");
  expect_refused(Kind::kClaim,
                 {{"source", src.id().c_str()}, {"subject", "site-0009"}, {"topic", "other"}},
                 "subject", "no such site");
  expect_refused(Kind::kClaim,
                 {{"source", src.id().c_str()}, {"subject", src.id().c_str()}, {"topic", "other"}},
                 "subject", "a claim is about");
  expect_refused(
      Kind::kClaim,
      {{"source", src.id().c_str()}, {"subject", s.id().c_str()}, {"topic", "body_count"}},
      "figure", "needs the figure");
  expect_refused(Kind::kClaim,
                 {{"source", src.id().c_str()},
                  {"subject", s.id().c_str()},
                  {"topic", "body_count"},
                  {"figure", "75000"}},
                 "figure_kind", "minimum, estimate or maximum");
  expect_refused(Kind::kClaim,
                 {{"source", src.id().c_str()},
                  {"subject", s.id().c_str()},
                  {"topic", "body_count"},
                  {"figure", "-5"},
                  {"figure_kind", "minimum"}},
                 "figure", "negative");
  expect_refused(Kind::kTestimony,
                 {{"witness", "W-0003"}, {"given_on", "2025-01-01"}, {"language", "ar"}}, "witness",
                 "no such witness");
}

TEST_F(ValidationTest, EventsAndSourcesAndUnits) {
  expect_refused(Kind::kEvent,
                 {{"kind", "burial"}, {"started_on", "2014"}, {"ended_on", "2013-06"}}, "ended_on",
                 "before started_on");
  expect_refused(Kind::kEvent, {{"kind", "burial"}, {"latitude", "33.5"}}, "longitude",
                 "is required");
  expect_refused(Kind::kSource, {{"name", "post"}, {"kind", "social_media"}, {"url", "ftp://x"}},
                 "url", "http");
  expect_refused(Kind::kSource, {{"kind", "organisation"}}, "name", "is required");
  expect_refused(Kind::kTestimony, {{"given_on", "2025-01-01"}, {"language", "arabic"}}, "witness",
                 "is required");
  const Record unit = add(Kind::kUnit, {{"name_lat", "Branch"}, {"kind", "intelligence-branch"}});
  EXPECT_EQ(unit.get("kind"), "intelligence_branch");  // hyphens and case are forgiven
  EXPECT_THROW(update(unit.id(), {{"parent", unit.id()}}), core::InputError);
}

}  // namespace
}  // namespace athar::registry

namespace athar::registry {
namespace {

// Files are checked by the registry's rules without a database (`athar link --csv` reads lists
// so); references are not looked up, everything else is as add() checks it.
TEST(ValidateWithoutDatabase, ChecksFieldsAndCanonicalisesWithoutLookingUpReferences) {
  const KindSpec& person = kind_spec(Kind::kPerson);
  Record r(person);
  r.set("role", "victim");
  r.set("given_name_lat", "  Samer ");
  r.set("birth_date", "1985-02-01");
  validate_new_record(r, "list.csv row 2");
  EXPECT_EQ(r.get("given_name_lat"), "Samer");
  EXPECT_EQ(r.get("status"), "missing");  // a victim's initial status, as add() gives it
  r.set("birth_date", "1955-11-92");
  try {
    validate_new_record(r, "list.csv row 3");
    ADD_FAILURE() << "accepted a day 92";
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.field(), "birth_date");
    EXPECT_EQ(e.record(), "list.csv row 3");
  }
  Record link(kind_spec(Kind::kLink));
  link.set("type", "buried_at");
  link.set("from_record", "person-000999");  // exists nowhere: not looked up
  link.set("to_record", "site-0042");
  link.set("source", "source-0007");
  EXPECT_NO_THROW(validate_new_record(link, "links.csv row 2"));
}

// Remains and samples: the rules that join their fields (docs/registry.md).
TEST_F(ValidationTest, RemainsAndSampleRules) {
  const Record site = add(Kind::kSite, {{"name_lat", "Demo site"},
                                        {"latitude", "33.5"},
                                        {"longitude", "36.3"},
                                        {"governorate", "Damascus"}});
  const Record person =
      add(Kind::kPerson,
          {{"given_name_lat", "Samer"}, {"family_name_lat", "al-Tajribi"}, {"role", "victim"}});
  const std::string s = site.id(), p = person.id();
  expect_refused(Kind::kRemains, {{"site", s.c_str()}, {"recovered_on", "2025-03-02"}}, "label",
                 "is required");
  expect_refused(Kind::kRemains,
                 {{"site", s.c_str()},
                  {"label", "Trench A / 1"},
                  {"recovered_on", "2025-03-02"},
                  {"age_min", "40"},
                  {"age_max", "25"}},
                 "age_max", "below age_min");
  expect_refused(Kind::kRemains,
                 {{"site", s.c_str()},
                  {"label", "Trench A / 1"},
                  {"recovered_on", "2025-03-02"},
                  {"status", "identified"}},
                 "person", "name the person");
  expect_refused(Kind::kRemains,
                 {{"site", s.c_str()},
                  {"label", "Trench A / 1"},
                  {"recovered_on", "2025-03-02"},
                  {"person", p.c_str()}},
                 "status", "are identified");
  const Record remains = add(
      Kind::kRemains, {{"site", s.c_str()}, {"label", "Trench A / 1"}, {"recovered_on", "2025"}});
  EXPECT_EQ(remains.get("status"), "unidentified");
  EXPECT_EQ(remains.id(), "remains-000001");
  const std::string r = remains.id();
  expect_refused(Kind::kSample, {{"kind", "remains"}, {"sample_number", "B-1"}}, "remains",
                 "names the remains");
  expect_refused(Kind::kSample,
                 {{"kind", "remains"},
                  {"sample_number", "B-1"},
                  {"remains", r.c_str()},
                  {"relation", "mother"}},
                 "relation", "is for reference samples");
  expect_refused(Kind::kSample,
                 {{"kind", "reference"},
                  {"sample_number", "F-1"},
                  {"missing_person", p.c_str()},
                  {"consent", "identification_only"}},
                 "relation", "how the donor is related");
  expect_refused(Kind::kSample,
                 {{"kind", "reference"},
                  {"sample_number", "F-1"},
                  {"missing_person", p.c_str()},
                  {"relation", "mother"}},
                 "consent", "consent");
  expect_refused(Kind::kSample,
                 {{"kind", "reference"},
                  {"sample_number", "F-1"},
                  {"missing_person", p.c_str()},
                  {"relation", "mother"},
                  {"consent", "sharing"}},
                 "consent_partners", "name the institutions");
  expect_refused(Kind::kSample,
                 {{"kind", "reference"},
                  {"sample_number", "F-1"},
                  {"missing_person", p.c_str()},
                  {"relation", "niece"},
                  {"consent", "identification_only"}},
                 "relation", "niece");
  expect_refused(Kind::kSample,
                 {{"kind", "reference"},
                  {"sample_number", "F-1"},
                  {"missing_person", r.c_str()},
                  {"relation", "mother"},
                  {"consent", "identification_only"}},
                 "missing_person", r);
  const Record reference = add(Kind::kSample, {{"kind", "reference"},
                                               {"sample_number", "F-1"},
                                               {"missing_person", p.c_str()},
                                               {"relation", "mother"},
                                               {"consent", "sharing"},
                                               {"consent_partners", "Demo partner institute"}});
  EXPECT_EQ(reference.get("relation"), "mother");
}

}  // namespace
}  // namespace athar::registry
