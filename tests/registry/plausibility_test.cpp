// Plausibility warnings (valid values that are probably wrong), duplicates caught at intake, and
// `athar check` over a registry with every kind of mistake at once.
#include "registry/plausibility.h"

#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include "core/error.h"
#include "core/geo.h"
#include "registry/evidence.h"
#include "registry/import.h"
#include "registry_fixture.h"
#include "vault/object_store.h"

namespace athar::registry {
namespace {

class PlausibilityTest : public RegistryTest {
 protected:
  Record site_at(const char* name, const char* lat, const char* lon, const char* governorate) {
    return add(
        Kind::kSite,
        {{"name_lat", name}, {"latitude", lat}, {"longitude", lon}, {"governorate", governorate}});
  }
  static bool has(const std::vector<Warning>& warnings, const std::string& subject,
                  const std::string& problem) {
    return std::any_of(warnings.begin(), warnings.end(), [&](const Warning& w) {
      return w.subject == subject && w.problem.find(problem) != std::string::npos;
    });
  }
  static std::string describe(const std::vector<Warning>& warnings) {
    std::string out;
    for (const Warning& w : warnings) out += w.text() + "\n";
    return out;
  }
  // A JPEG whose EXIF places it at (lat, lon), as a phone would.
  std::string photo_at(const std::string& name, const char* lat, const char* lon) {
    const std::string copy = dir_.file(name);
    std::filesystem::copy_file(std::string(ATHAR_SOURCE_DIR) + "/tests/vault/data/photo.jpg", copy);
    auto image = Exiv2::ImageFactory::open(copy);
    image->readMetadata();
    Exiv2::ExifData& exif = image->exifData();
    exif["Exif.GPSInfo.GPSLatitudeRef"] = "N";
    exif["Exif.GPSInfo.GPSLatitude"] = lat;
    exif["Exif.GPSInfo.GPSLongitudeRef"] = "E";
    exif["Exif.GPSInfo.GPSLongitude"] = lon;
    image->writeMetadata();
    return copy;
  }
};

TEST_F(PlausibilityTest, TheMapKnowsWhereSyriaAndItsGovernoratesAre) {
  const auto& map = core::SyriaMap::get();
  EXPECT_EQ(map.governorate_at(33.513, 36.292), "damascus");
  EXPECT_EQ(map.governorate_at(36.202, 37.134), "aleppo");
  EXPECT_EQ(map.governorate_at(34.731, 36.709), "homs");
  EXPECT_EQ(map.km_outside_syria(33.513, 36.292), 0);
  EXPECT_GT(map.km_outside_syria(35.0, 33.0), 100);   // Cyprus
  EXPECT_GT(map.km_outside_syria(33.89, 35.50), 20);  // Beirut
  EXPECT_NEAR(core::distance_km(33.5, 36.3, 33.6, 36.3), 11.12, 0.01);
}

TEST_F(PlausibilityTest, SitesOutsideSyriaSwappedOrInTheWrongGovernorateAreNamed) {
  const Record cyprus = site_at("Mistyped", "35.0", "33.0", "Damascus");
  const Record swapped = site_at("Swapped", "36.29", "33.51", "Damascus");  // a Damascus point
  const Record wrong_gov = site_at("In Homs", "34.73", "36.71", "Damascus");
  const Record fine = site_at("Fine", "33.513", "36.292", "Damascus");
  EXPECT_TRUE(has(check_plausibility(registry_, cyprus), cyprus.id(), "outside Syria"));
  const auto s = check_plausibility(registry_, swapped);
  EXPECT_TRUE(has(s, swapped.id(), "swapped")) << describe(s);
  EXPECT_NE(s.at(0).detail.find("Damascus"), std::string::npos) << s.at(0).detail;
  const auto g = check_plausibility(registry_, wrong_gov);
  EXPECT_TRUE(has(g, wrong_gov.id(), "outside its stated governorate")) << describe(g);
  EXPECT_NE(g.at(0).detail.find("Homs"), std::string::npos) << g.at(0).detail;
  EXPECT_TRUE(check_plausibility(registry_, fine).empty())
      << describe(check_plausibility(registry_, fine));
}

TEST_F(PlausibilityTest, ASecondSiteOfTheSameNameNearbyLooksLikeTheFirst) {
  const Record first = site_at("al-Qutayfah", "33.7386", "36.6008", "Rif Dimashq");
  const Record again = site_at("Al-Qutayfah", "33.7400", "36.6020", "Rif Dimashq");  // ~190 m
  const Record other_name_far = site_at("Najha", "33.42", "36.38", "Rif Dimashq");
  const auto w = check_plausibility(registry_, again);
  ASSERT_TRUE(has(w, again.id(), "looks like an existing site")) << describe(w);
  EXPECT_EQ(w.front().candidates, std::vector<std::string>{first.id()});
  EXPECT_FALSE(has(check_plausibility(registry_, other_name_far), other_name_far.id(), "looks"));
}

TEST_F(PlausibilityTest, StatusChangesOutOfDateOrderAndImplausibleAges) {
  const Record s = site_at("Site", "33.7386", "36.6008", "Rif Dimashq");
  update(s.id(), {{"status", "secured"}}, {"2025-03-01", "team", "", ""});
  update(s.id(), {{"status", "tampered"}}, {"2025-01-15", "team", "", ""});  // entered late
  EXPECT_TRUE(
      has(check_plausibility(registry_, registry_.get(s.id())), s.id(), "out of date order"));
  const Record old = add(Kind::kPerson, {{"role", "victim"},
                                         {"given_name_lat", "Old"},
                                         {"birth_date", "1890"},
                                         {"detained_on", "2013"}});
  EXPECT_TRUE(has(check_plausibility(registry_, old), old.id(), "implausible age"));
}

TEST_F(PlausibilityTest, CustodyBeforeCollectionAndAPhotoFarFromItsSite) {
  const Record site = site_at("al-Qutayfah", "33.7386", "36.6008", "Rif Dimashq");
  vault::ObjectStore objects(dir_.path() / "objects");
  IngestOptions intake;
  intake.collected_by = "team";
  intake.collected_at = "2025-01-05T10:30Z";
  intake.site = site.id();
  // Taken in Homs (34.73 N, 36.71 E), filed under a site 110 km away.
  const IngestResult photo = ingest_evidence(
      registry_, objects, photo_at("far.jpg", "34/1 44/1 0/1", "36/1 43/1 0/1"), intake);
  const Record collected = registry_.get(photo.custody_id);
  auto w = check_plausibility(registry_, collected);
  EXPECT_TRUE(has(w, photo.evidence_id, "far from the site")) << describe(w);
  const Record transfer = add(Kind::kCustody, {{"evidence", photo.evidence_id.c_str()},
                                               {"action", "transfer"},
                                               {"by_whom", "team"},
                                               {"to_whom", "lab"},
                                               {"at", "2025-01-02T09:00Z"}});
  w = check_plausibility(registry_, transfer);
  EXPECT_TRUE(has(w, transfer.id(), "before the evidence was collected")) << describe(w);

  // The same bytes again: one evidence record, and the intake says when and by whom it came.
  const IngestResult again = ingest_evidence(
      registry_, objects, photo_at("again.jpg", "34/1 44/1 0/1", "36/1 43/1 0/1"), intake);
  EXPECT_EQ(again.evidence_id, photo.evidence_id);
  EXPECT_NE(again.stored_before.find(photo.evidence_id), std::string::npos) << again.stored_before;
  EXPECT_NE(again.stored_before.find("far.jpg"), std::string::npos) << again.stored_before;
  EXPECT_NE(again.stored_before.find("by tester"), std::string::npos) << again.stored_before;
  EXPECT_TRUE(photo.stored_before.empty());
}

TEST_F(PlausibilityTest, CheckListsEveryKindOfMistakeInTheRegistryAtOnce) {
  site_at("Mistyped", "35.0", "33.0", "Damascus");
  site_at("Swapped", "36.29", "33.51", "Damascus");
  site_at("In Homs", "34.73", "36.71", "Damascus");
  site_at("al-Qutayfah", "33.7386", "36.6008", "Rif Dimashq");
  site_at("al-Qutayfah", "33.7390", "36.6010", "Rif Dimashq");
  add(Kind::kPerson,
      {{"role", "victim"}, {"given_name_lat", "Old"}, {"birth_date", "1890"}, {"died_on", "2014"}});
  add(Kind::kUnit,
      {{"name_lat", "Branch"}, {"kind", "prison"}, {"latitude", "10"}, {"longitude", "10"}});
  const CheckReport report = check_registry(registry_);
  EXPECT_EQ(report.records, 7u);
  std::set<std::string> problems;
  for (const Warning& w : report.warnings) problems.insert(w.problem);
  for (const char* p :
       {"outside Syria", "latitude and longitude look swapped", "outside its stated governorate",
        "looks like an existing site", "implausible age"}) {
    EXPECT_TRUE(problems.count(p)) << p << "\n" << describe(report.warnings);
  }
  // The pair of look-alike sites is one warning, not two; the far unit is outside Syria.
  EXPECT_EQ(
      std::count_if(report.warnings.begin(), report.warnings.end(),
                    [](const Warning& w) { return w.problem == "looks like an existing site"; }),
      1);
  EXPECT_EQ(report.warnings.size(), 6u) << describe(report.warnings);
}

TEST_F(PlausibilityTest, AFileImportedBeforeIsRefusedUnlessForced) {
  const Record list = source();
  const std::string csv = dir_.write("list.csv",
                                     "given_name_lat,family_name_lat,birth_date\n"
                                     "Samer,al-Demo,1985\nRami,al-Demo,1890\n");
  PersonsCsvOptions options;
  options.source = list.id();
  const ImportReport first = import_persons_csv(registry_, csv, options);
  EXPECT_EQ(first.rows, 2);
  EXPECT_TRUE(first.warnings.empty()) << describe(first.warnings);  // 1890 alone is no mistake
  try {
    import_persons_csv(registry_, csv, options);
    FAIL() << "the same file was imported twice";
  } catch (const core::InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("list.csv"), std::string::npos) << message;
    EXPECT_NE(message.find("by tester"), std::string::npos) << message;
    EXPECT_NE(message.find("--force"), std::string::npos) << message;
  }
  EXPECT_EQ(count(Kind::kPerson), 2);
  // The same check says so too, and a forced import goes ahead, saying what it repeats.
  options.check_only = true;
  EXPECT_THROW(import_persons_csv(registry_, csv, options), core::InputError);
  options.check_only = false;
  options.force = true;
  const ImportReport forced = import_persons_csv(registry_, csv, options);
  EXPECT_NE(forced.imported_before.find("list.csv"), std::string::npos);
  EXPECT_EQ(count(Kind::kPerson), 4);
  // A copy of the file under another name is the same bytes.
  std::filesystem::copy_file(csv, dir_.file("renamed.csv"));
  options.force = false;
  EXPECT_THROW(import_persons_csv(registry_, dir_.file("renamed.csv"), options), core::InputError);
  // Each import is in the ledger.
  EXPECT_TRUE(registry_.head_of("import:" + first.file_sha256).has_value());
}

}  // namespace
}  // namespace athar::registry
