#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "core/error.h"
#include "ledger/checkpoint.h"
#include "registry/export.h"
#include "registry/import.h"
#include "registry/verify.h"
#include "registry_fixture.h"

namespace athar::registry {
namespace {

const std::string kHeader =
    "given_name_ar,father_name_ar,family_name_ar,given_name_lat,family_name_lat,sex,birth_date,"
    "governorate,detained_on\n";

class ImportTest : public RegistryTest {
 protected:
  // Imports `csv` expecting an InputError whose message holds every one of `words`.
  void expect_refused(const std::string& csv, std::initializer_list<std::string> words,
                      const PersonsCsvOptions& options = {"source-0001", "victim"}) {
    const std::string path = dir_.write("list.csv", csv);
    try {
      import_persons_csv(registry_, path, options);
      ADD_FAILURE() << "accepted; expected an error";
    } catch (const core::InputError& e) {
      for (const std::string& w : words) {
        EXPECT_NE(std::string(e.what()).find(w), std::string::npos)
            << "'" << w << "' not in: " << e.what();
      }
    }
    EXPECT_EQ(count(Kind::kPerson), 0) << "an import that failed wrote persons";
    EXPECT_EQ(count(Kind::kLink), 0);
  }
};

TEST_F(ImportTest, ImportsPersonsAndLinksThemToTheirSource) {
  const Record src = source();
  const std::string path = dir_.write(
      "list.csv", kHeader +
                      "محمد,عبد الله,الحسن,Mohammad,al-Hasan,male,1985,Damascus,2013-04-12\n"
                      ",,,Fatima,Alhassan,F,1990-07,ريف دمشق,\n"
                      "\"أحمد\",,الخطيب,,,,,,\n");
  // "F" is not a sex the dictionary knows: the file must say female.
  EXPECT_THROW(import_persons_csv(registry_, path, {src.id(), "victim"}), core::InputError);
  dir_.write("list.csv", kHeader +
                             "محمد,عبد الله,الحسن,Mohammad,al-Hasan,male,1985,Damascus,2013-04-12\n"
                             ",,,Fatima,Alhassan,female,1990-07,ريف دمشق,\n"
                             "\"أحمد\",,الخطيب,,,,,,\n");
  const ImportReport report = import_persons_csv(registry_, path, {src.id(), "victim"});
  EXPECT_EQ(report.rows, 3);
  EXPECT_EQ(count(Kind::kPerson), 3);
  const Record fatima = registry_.get("person-000002");
  EXPECT_EQ(fatima.get("governorate"), "rif-dimashq");
  EXPECT_EQ(fatima.get("status"), "missing");
  EXPECT_EQ(registry_.get("person-000003").get("sex"), "unknown");
  const auto links = registry_.links_of("person-000001");
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].get("type"), "listed_by");
  EXPECT_EQ(links[0].get("to_record"), src.id());
}

// Enough rows for several batches (and COPY's background sends on PostgreSQL): the log and the
// stored rows agree (verify), and ids handed out after the import continue past the imported.
TEST_F(ImportTest, ManyRowsVerifyAndLaterIdsContinue) {
  ledger::set_origin(*db_, "athar/test");
  const Record src = source();
  std::string csv = kHeader;
  constexpr int kRows = 3000;
  for (int i = 1; i <= kRows; ++i) {
    csv += "محمد,عبد الله,الحسن,Mohammad,al-Hasan " + std::to_string(i) +
           ",male,1985,Damascus,2013-04-12\n";
  }
  const ImportReport report =
      import_persons_csv(registry_, dir_.write("list.csv", csv), {src.id(), "victim"});
  EXPECT_EQ(report.rows, kRows);
  EXPECT_EQ(count(Kind::kPerson), kRows);
  EXPECT_EQ(count(Kind::kLink), kRows);
  EXPECT_EQ(registry_.get("person-003000").get("family_name_lat"), "al-Hasan 3000");
  const Record after = add(Kind::kPerson, {{"role", "victim"}, {"given_name_lat", "Later"}});
  EXPECT_EQ(after.id(), "person-003001");
  const ledger::SigningKey key = ledger::generate_signing_key("athar/test");
  const VerifyReport verified =
      verify_registry(registry_, ledger::parse_verifier_key(ledger::verifier_key_text(key)));
  EXPECT_TRUE(verified.ok());
}

TEST_F(ImportTest, SemicolonAndTabSeparatedListsWithArabicValuesImport) {
  const Record src = source();
  // As a spreadsheet in an Arabic or European locale saves it: ';', Arabic sex words and
  // Arabic-Indic digits.
  const std::string semicolons = dir_.write(
      "list-semicolons.csv",
      "given_name_ar;family_name_ar;sex;birth_date\nسامر;الحلبي;ذكر;١٩٧٩\n\"هدى; الاسم\";النجار;"
      "أنثى;١٩٨٤-٠٣\n");
  EXPECT_EQ(import_persons_csv(registry_, semicolons, {src.id(), "victim"}).rows, 2);
  const Record samer = registry_.get("person-000001");
  EXPECT_EQ(samer.get("sex"), "male");
  EXPECT_EQ(samer.get("birth_date"), "1979");
  EXPECT_EQ(registry_.get("person-000002").get("given_name_ar"), "هدى; الاسم");
  EXPECT_EQ(registry_.get("person-000002").get("birth_date"), "1984-03");
  const std::string tabs =
      dir_.write("list-tabs.csv", "given_name_lat\tfamily_name_lat\nRami\tal-Tabbakh\n");
  EXPECT_EQ(import_persons_csv(registry_, tabs, {src.id(), "victim"}).rows, 1);
  // A header the sniffing cannot save says how it read the columns.
  const std::string odd = dir_.write("odd.csv", "given_name_lat|family_name_lat\nA|B\n");
  try {
    import_persons_csv(registry_, odd, {src.id(), "victim"});
    ADD_FAILURE() << "accepted";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("separated by ','"), std::string::npos) << e.what();
  }
}

TEST_F(ImportTest, LegacyEncodingsAreNamed) {
  const Record src = source();
  // "given_name_ar\nمحمد\n" in Windows-1256 (Arabic Windows).
  const std::string cp1256 =
      dir_.write("list-1256.csv", std::string("given_name_ar\n\xE3\xCD\xE3\xCF\n"));
  try {
    import_persons_csv(registry_, cp1256, {src.id(), "victim"});
    ADD_FAILURE() << "accepted";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("Windows-1256"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
  }
  const std::string utf16 = dir_.write("list-16.csv", std::string("\xFF\xFEg\0i\0", 6));
  try {
    import_persons_csv(registry_, utf16, {src.id(), "victim"});
    ADD_FAILURE() << "accepted";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("UTF-16"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count(Kind::kPerson), 0);
}

TEST_F(ImportTest, BadRowsNameFileRowFieldAndValueAndWriteNothing) {
  source();
  const std::string good = "محمد,,الحسن,,,male,1985,Damascus,\n";
  expect_refused(kHeader + good + good + ",,,Samer,,male,1990-02-31,Homs,\n",
                 {"list.csv row 4", "birth_date", "1990-02-31", "no such day"});
  expect_refused(kHeader + good + ",,,Samer,,male,1990,Homs,1985\n",
                 {"row 3", "detained_on", "before birth_date"});
  expect_refused(kHeader + good + ",,,Samer,,male,1990,Tripoli,\n",
                 {"row 3", "governorate", "Tripoli", "unknown governorate"});
  expect_refused(kHeader + good + ",,,,,male,1990,Homs,\n", {"row 3", "given or family name"});
  expect_refused(kHeader + good + "محمد,,الحسن,,,male,1985\n", {"row 3", "7 columns", "9 columns"});
  expect_refused(kHeader + good + ",,\xE3\xCD\xE3\xCF,,,male,1990,Homs,\n",
                 {"row 3", "family_name_ar", "UTF-8"});
  expect_refused("given_name_ar,nickname\nمحمد,أبو علي\n", {"row 1", "nickname", "unknown column"});
  expect_refused(kHeader + ",,,Samer,,male,1990,Homs,\n", {"source"}, {"", "victim"});
  expect_refused(kHeader + ",,,Samer,,male,1990,Homs,\n", {"source-0009", "no such source"},
                 {"source-0009", "victim"});
  expect_refused("", {"empty"});
}

// A file with several mistakes is checked whole: one run names them all, in file order, and
// writes nothing; --check writes nothing even when the file is good.
TEST_F(ImportTest, EveryBadRowIsNamedInOneRun) {
  const Record src = source();
  const std::string good = "محمد,,الحسن,,,male,1985,Damascus,\n";
  const std::string path = dir_.write(
      "list.csv", kHeader + good + ",,,Samer,,male,1990-02-31,Homs,\n" + good +
                      ",,,Rami,,male,1990,Tripoli,\n" + good + "محمد,,الحسن,,,male,1985\n" + good);
  try {
    import_persons_csv(registry_, path, {src.id(), "victim"});
    ADD_FAILURE() << "accepted";
  } catch (const core::InputProblems& e) {
    ASSERT_EQ(e.count(), 3u) << e.what();
    EXPECT_EQ(e.problems()[0].record(), path + " row 3");
    EXPECT_EQ(e.problems()[0].field(), "birth_date");
    EXPECT_EQ(e.problems()[1].record(), path + " row 5");
    EXPECT_EQ(e.problems()[1].field(), "governorate");
    EXPECT_EQ(e.problems()[2].record(), path + " row 7");
    EXPECT_NE(std::string(e.what()).find("3 problems"), std::string::npos) << e.what();
    EXPECT_EQ(e.to_json()["problems"].size(), 3u);
    EXPECT_EQ(e.to_json()["field"], "birth_date");  // the first, as a single error names it
  }
  EXPECT_EQ(count(Kind::kPerson), 0);
  // References are checked whole too (by the writer): two rows naming sources that are not there.
  const std::string refs = dir_.write(
      "refs.csv", "given_name_lat,source\nA,source-0042\nB," + src.id() + "\nC,source-0043\n");
  try {
    import_persons_csv(registry_, refs, {"", "victim"});
    ADD_FAILURE() << "accepted";
  } catch (const core::InputProblems& e) {
    ASSERT_EQ(e.count(), 2u) << e.what();
    EXPECT_EQ(e.problems()[0].record(), refs + " row 2");
    EXPECT_EQ(e.problems()[1].record(), refs + " row 4");
  }
  EXPECT_EQ(count(Kind::kPerson), 0);
  // --check on a good file: every row read, nothing written.
  const std::string fine = dir_.write("fine.csv", kHeader + good + good);
  PersonsCsvOptions check{src.id(), "victim"};
  check.check_only = true;
  const ImportReport report = import_persons_csv(registry_, fine, check);
  EXPECT_TRUE(report.checked_only);
  EXPECT_EQ(report.rows, 2);
  EXPECT_EQ(count(Kind::kPerson), 0);
  EXPECT_EQ(count(Kind::kLink), 0);
  // The same for JSON records: both bad ones named, nothing written.
  const std::string json = dir_.write(
      "records.json",
      R"({"sites": [{"name_lat": "A", "latitude": 33, "longitude": 36, "governorate": "Homs"},
                    {"name_lat": "B", "latitude": 93, "longitude": 36, "governorate": "Homs"},
                    {"name_lat": "C", "latitude": 33, "longitude": 36, "governorate": "Beirut"}]})");
  try {
    import_json(registry_, json);
    ADD_FAILURE() << "accepted";
  } catch (const core::InputProblems& e) {
    ASSERT_EQ(e.count(), 2u) << e.what();
    EXPECT_EQ(e.problems()[0].field(), "latitude");
    EXPECT_EQ(e.problems()[1].field(), "governorate");
  }
  EXPECT_EQ(count(Kind::kSite), 0);
}

TEST_F(ImportTest, PerRowSourceColumn) {
  source();
  source();
  const std::string path =
      dir_.write("list.csv", "given_name_lat,source\nSamer,source-0001\nNour,source-0002\nHala,\n");
  EXPECT_THROW(import_persons_csv(registry_, path, {"", "victim"}), core::InputError);  // Hala
  import_persons_csv(registry_, path, {"source-0001", "victim"});  // the file's default source
  EXPECT_EQ(registry_.links_of("person-000002")[0].get("source"), "source-0002");
  EXPECT_EQ(registry_.links_of("person-000003")[0].get("source"), "source-0001");
}

// Lists with one name column: the full name is split into the parts, which a row's own part
// columns override.
TEST_F(ImportTest, FullNameColumnsAreSplitIntoParts) {
  source();
  const std::string path = dir_.write("list.csv",
                                      "full_name_ar,full_name_lat,given_name_lat,birth_date\n"
                                      "محمد بن أحمد عبد الله الحسن,,,1980\n"
                                      ",Abd al-Rahman Mahmoud al-Hamwi,,1975\n"
                                      "سامر فادي الحلبي,Samer Fadi al-Halabi,Sameer,1990\n");
  import_persons_csv(registry_, path, {"source-0001", "victim"});
  const Record first = registry_.get("person-000001");
  EXPECT_EQ(first.get("given_name_ar"), "محمد");
  EXPECT_EQ(first.get("father_name_ar"), "أحمد");
  EXPECT_EQ(first.get("grandfather_name_ar"), "عبد الله");
  EXPECT_EQ(first.get("family_name_ar"), "الحسن");
  const Record second = registry_.get("person-000002");
  EXPECT_EQ(second.get("given_name_lat"), "Abd al-Rahman");
  EXPECT_EQ(second.get("father_name_lat"), "Mahmoud");
  EXPECT_EQ(second.get("family_name_lat"), "al-Hamwi");
  const Record third = registry_.get("person-000003");
  EXPECT_EQ(third.get("given_name_lat"), "Sameer");  // the row's own column wins
  EXPECT_EQ(third.get("family_name_lat"), "al-Halabi");
  EXPECT_EQ(third.get("given_name_ar"), "سامر");
  // Latin letters in the Arabic full name are refused as the part they land in, naming it.
  const std::string bad = dir_.write("bad.csv", "full_name_ar\nSamer al-Halabi\n");
  try {
    import_persons_csv(registry_, bad, {"source-0001", "victim"});
    ADD_FAILURE();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("given_name_ar"), std::string::npos) << e.what();
  }
}

TEST_F(ImportTest, DemoScenarioLoadsWithLocalReferences) {
  const ImportReport report =
      import_json(registry_, std::string(ATHAR_SOURCE_DIR) + "/data/demo/scenario.json");
  EXPECT_EQ(report.added.at("sites"), 3);
  EXPECT_EQ(report.added.at("claims"), 3);
  const auto summary = registry_.summary();
  // The three published claims, each beside the site its source names: the post of 14 December
  // 2024 puts 75,000 at Al-Hussainiya; the gravedigger's 6,000 are on the outskirts of Damascus.
  std::map<std::string, int64_t> figure_at;
  for (const auto& s : summary["sites"]) {
    for (const auto& c : s["claims"])
      figure_at[s["name_lat"].get<std::string>()] = c["figure"].get<int64_t>();
  }
  EXPECT_EQ(figure_at.size(), 3u);
  EXPECT_EQ(figure_at["Al-Hussainiya"], 75000);
  EXPECT_EQ(figure_at["Outskirts of Damascus (site not named in reports)"], 6000);
  EXPECT_EQ(registry_.get("site-0001").get("status"), "unsecured");
  EXPECT_EQ(registry_.history("site-0001").size(), 2u);
  EXPECT_EQ(registry_.get("unit-0002").get("parent"), "unit-0001");
  EXPECT_EQ(registry_.get("testimony-00001").get("witness"), "W-0001");
}

TEST_F(ImportTest, BadJsonRecordNamesItAndWritesNothing) {
  const auto refused = [&](const std::string& json, std::initializer_list<std::string> words) {
    const std::string path = dir_.write("in.json", json);
    try {
      import_json(registry_, path);
      ADD_FAILURE() << "accepted: " << json;
    } catch (const core::InputError& e) {
      for (const std::string& w : words) {
        EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
      }
    }
    EXPECT_EQ(count(Kind::kSource), 0);
  };
  const std::string src = R"({"id": "s", "name": "A", "kind": "document"})";
  refused(R"({"sources": [)" + src + R"(], "sites": [{"id": "q", "name_lat": "Q", "latitude": 33,
          "longitude": 36, "governorate": "Narnia"}]})",
          {"in.json sites[0] (q)", "governorate", "Narnia"});
  refused(R"({"sources": [)" + src + R"(, {"name": "B", "kind": "document", "colour": "red"}]})",
          {"sources[1]", "colour", "no such field"});
  refused(R"({"sources": [)" + src + R"(], "graves": []})", {"graves", "unknown key"});
  refused(R"({"sources": [)" + src + R"(], "sites": [{"name_lat": "Q", "latitude": 33,
          "longitude": 36, "governorate": "Homs", "history": [{"status": "excavated"},
          {"status": "reported", "source": "s"}]}]})",
          {"history[1]", "cannot change from excavated to reported"});
  refused(R"({"sources": [)" + src + R"(, )" + src + "]}", {"uses this id twice"});
  refused("{\"sources\": [", {"not valid JSON"});
}

TEST_F(ImportTest, JsonExportReimportsIntoAnEmptyRegistry) {
  import_json(registry_, std::string(ATHAR_SOURCE_DIR) + "/data/demo/scenario.json");
  const auto exported = export_json(registry_, {});
  EXPECT_FALSE(exported["witnesses"][0].contains("identity"));  // protected by default
  const std::string path = dir_.write("export.json", exported.dump());

  auto db2 = store::open_sqlite(dir_.file("second.db"), store::OpenMode::kCreate);
  Registry::prepare_schema(*db2);
  Registry second(*db2, "tester");
  import_json(second, path);
  for (const KindSpec& k : kind_specs()) {
    ListQuery all;
    all.limit = 0;
    const auto a = registry_.list(k, all);
    const auto b = second.list(k, all);
    ASSERT_EQ(a.size(), b.size()) << k.plural;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].id(), b[i].id());
      for (size_t f = 0; f < k.fields.size(); ++f) {
        if (k.fields[f].sensitive) continue;
        EXPECT_EQ(a[i].values[f], b[i].values[f]) << a[i].id() << "." << k.fields[f].name;
      }
    }
  }
  EXPECT_EQ(second.history("site-0001").size(), registry_.history("site-0001").size());
  EXPECT_EQ(second.history("person-000008").back().note, "seen in Demo Prison Y");
}

TEST_F(ImportTest, CsvExportOfPersonsImportsBack) {
  const Record src = source();
  dir_.write(
      "list.csv",
      kHeader + "محمد,\"عبد, الله\",الحسن,Mohammad,al-Hasan,male,1985,Damascus,2013-04-12\n");
  import_persons_csv(registry_, dir_.file("list.csv"), {src.id(), "victim"});
  std::ostringstream out;
  export_csv(registry_, kind_spec(Kind::kPerson), out, {});
  const std::string path = dir_.write("export.csv", out.str());
  import_persons_csv(registry_, path, {src.id(), "victim"});
  const Record a = registry_.get("person-000001");
  const Record b = registry_.get("person-000002");
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(b.get("father_name_ar"), "عبد, الله");
}

}  // namespace
}  // namespace athar::registry
