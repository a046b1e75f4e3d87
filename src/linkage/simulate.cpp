#include "linkage/simulate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/error.h"
#include "core/unicode.h"

namespace athar::linkage {

namespace {

struct Name {
  const char* arabic;
  const char* latin[3];  // transliterations, most usual first
};

// Common given names; their order sets their frequency (Zipf): the first few dominate.
const Name kMale[] = {
    {"محمد", {"Mohammad", "Muhammad", "Mohamed"}},
    {"أحمد", {"Ahmad", "Ahmed", "Ahmad"}},
    {"علي", {"Ali", "Aly", "Ali"}},
    {"محمود", {"Mahmoud", "Mahmud", "Mahmoud"}},
    {"عمر", {"Omar", "Umar", "Omar"}},
    {"خالد", {"Khaled", "Khalid", "Khaled"}},
    {"حسن", {"Hasan", "Hassan", "Hasan"}},
    {"حسين", {"Hussein", "Husain", "Hussain"}},
    {"عبد الله", {"Abdullah", "Abdallah", "Abd Allah"}},
    {"يوسف", {"Youssef", "Yusuf", "Yousef"}},
    {"إبراهيم", {"Ibrahim", "Ebrahim", "Ibraheem"}},
    {"مصطفى", {"Mustafa", "Moustafa", "Mostafa"}},
    {"عبد الرحمن", {"Abdulrahman", "Abdel Rahman", "Abd al-Rahman"}},
    {"سامر", {"Samer", "Samir", "Samer"}},
    {"باسل", {"Basel", "Basil", "Bassel"}},
    {"فادي", {"Fadi", "Fady", "Fadi"}},
    {"رامي", {"Rami", "Ramy", "Rami"}},
    {"وسيم", {"Wassim", "Wasim", "Waseem"}},
    {"مازن", {"Mazen", "Mazin", "Mazen"}},
    {"طارق", {"Tareq", "Tarek", "Tariq"}},
    {"ياسر", {"Yaser", "Yasser", "Yasir"}},
    {"عماد", {"Imad", "Emad", "Imad"}},
    {"نزار", {"Nizar", "Nezar", "Nizar"}},
    {"جمال", {"Jamal", "Gamal", "Jamal"}},
    {"زياد", {"Ziad", "Ziyad", "Zeyad"}},
    {"بلال", {"Bilal", "Belal", "Bilal"}},
    {"هشام", {"Hisham", "Hesham", "Hisham"}},
    {"أنس", {"Anas", "Anas", "Anass"}},
    {"معاذ", {"Moaz", "Muadh", "Mouaz"}},
    {"قاسم", {"Qasim", "Kassem", "Qassem"}},
};
const Name kFemale[] = {
    {"فاطمة", {"Fatima", "Fatimah", "Fatma"}}, {"مريم", {"Maryam", "Mariam", "Mariam"}},
    {"عائشة", {"Aisha", "Aysha", "Aicha"}},    {"نور", {"Nour", "Noor", "Nur"}},
    {"هالة", {"Hala", "Hala", "Halah"}},       {"سعاد", {"Souad", "Suad", "Soad"}},
    {"رنا", {"Rana", "Rana", "Ranaa"}},        {"ليلى", {"Layla", "Leila", "Laila"}},
    {"زينب", {"Zainab", "Zeinab", "Zaynab"}},  {"خديجة", {"Khadija", "Khadijah", "Khadiga"}},
    {"سلمى", {"Salma", "Selma", "Salma"}},     {"هدى", {"Huda", "Hoda", "Houda"}},
};
constexpr const char* kGovernorates[] = {"Damascus", "Rif Dimashq", "Aleppo", "Homs",
                                         "Hama",     "Idlib",       "Daraa",  "Deir ez-Zor",
                                         "Latakia",  "Raqqa"};
constexpr double kGovernorateWeights[] = {14, 18, 16, 14, 10, 9, 8, 5, 3, 3};

// Made-up family names: al- and a root of three letters in one of a few patterns.
constexpr const char* kRootLetters[] = {"ب", "ت", "ج", "ح", "خ", "د", "ر", "ز", "س", "ش", "ص",
                                        "ط", "ع", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي"};
constexpr const char* kRootLatin[][2] = {
    {"b", "b"}, {"t", "t"}, {"j", "g"},  {"h", "h"},   {"kh", "kh"}, {"d", "d"},
    {"r", "r"}, {"z", "z"}, {"s", "s"},  {"sh", "ch"}, {"s", "ss"},  {"t", "t"},
    {"", "'"},  {"f", "f"}, {"q", "k"},  {"k", "k"},   {"l", "l"},   {"m", "m"},
    {"n", "n"}, {"h", "h"}, {"w", "ou"}, {"y", "i"}};

struct Family {
  std::string arabic;
  std::string latin[2];
};

Family make_family(std::mt19937_64& rng) {
  std::uniform_int_distribution<size_t> letter(0, std::size(kRootLetters) - 1);
  const size_t a = letter(rng), b = letter(rng), c = letter(rng);
  const int pattern = static_cast<int>(rng() % 3);
  // Patterns: فاعل (a-a-i), فعلان (a-a-an), فعيلي (a-i-i).
  static constexpr const char* kArabicShapes[][3] = {{"ا", "", ""}, {"", "", "ان"}, {"", "ي", "ي"}};
  static constexpr const char* kLatinShapes[][4] = {
      {"a", "i", "", ""}, {"a", "", "an", ""}, {"a", "i", "i", ""}};
  Family f;
  f.arabic = std::string("ال") + kRootLetters[a] + kArabicShapes[pattern][0] + kRootLetters[b] +
             kArabicShapes[pattern][1] + kRootLetters[c] + kArabicShapes[pattern][2];
  for (int v = 0; v < 2; ++v) {
    const char* article = v == 0 ? "al-" : "Al";
    std::string word = std::string(kRootLatin[a][v]) + kLatinShapes[pattern][0] + kRootLatin[b][v] +
                       kLatinShapes[pattern][1] + kRootLatin[c][v] + kLatinShapes[pattern][2];
    if (!word.empty())
      word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
    f.latin[v] = article + word;
  }
  return f;
}

// Typos lists make in Arabic script: a letter dropped, doubled, or a near-letter (ه/ة, ي/ى, ا/أ).
std::string arabic_typo(const std::string& name, std::mt19937_64& rng) {
  std::u32string s = core::to_utf32(name);
  if (s.size() < 3) return name;
  const size_t at = 1 + rng() % (s.size() - 1);
  switch (rng() % 4) {
    case 0:
      s.erase(at, 1);
      break;
    case 1:
      s.insert(at, 1, s[at]);
      break;
    case 2:
      std::swap(s[at - 1], s[at]);
      break;
    default:
      for (char32_t& c : s) {
        if (c == U'ة') {
          c = U'ه';
          break;
        }
        if (c == U'ى') {
          c = U'ي';
          break;
        }
        if (c == U'أ' || c == U'إ') {
          c = U'ا';
          break;
        }
      }
  }
  return core::to_utf8(s);
}

std::string latin_typo(std::string name, std::mt19937_64& rng) {
  if (name.size() < 3) return name;
  const size_t at = 1 + rng() % (name.size() - 1);
  switch (rng() % 3) {
    case 0:
      name.erase(at, 1);
      break;
    case 1:
      name.insert(at, 1, name[at]);
      break;
    default:
      std::swap(name[at - 1], name[at]);
      break;
  }
  return name;
}

template <size_t N>
std::discrete_distribution<size_t> zipf(const Name (&)[N]) {
  std::vector<double> w;
  for (size_t i = 0; i < N; ++i) w.push_back(1.0 / static_cast<double>(i + 1));
  return std::discrete_distribution<size_t>(w.begin(), w.end());
}

struct Person {
  size_t given, father, grandfather, mother, family;
  bool female;
  int birth_year;
  size_t governorate;
  int disappeared;
  double visibility;
};

}  // namespace

Simulation simulate_lists(const SimulationConfig& config) {
  if (config.population == 0 || config.lists.size() < 2) {
    throw core::InputError("simulation", "lists", std::to_string(config.lists.size()),
                           "needs a population and at least two lists");
  }
  std::mt19937_64 rng(config.seed);
  auto male = zipf(kMale);
  auto female = zipf(kFemale);
  std::discrete_distribution<size_t> governorate(std::begin(kGovernorateWeights),
                                                 std::end(kGovernorateWeights));
  std::uniform_real_distribution<double> unit(0, 1);
  std::gamma_distribution<double> visibility(
      config.heterogeneity > 0 ? 1.0 / config.heterogeneity : 1.0,
      config.heterogeneity > 0 ? config.heterogeneity : 1.0);

  // Family names: a pool of made-up names with Zipf frequencies, one per twenty persons.
  const size_t families = std::max<size_t>(50, config.population / 20);
  std::vector<Family> family_names;
  for (size_t i = 0; i < families; ++i) family_names.push_back(make_family(rng));
  std::vector<double> family_weights;
  for (size_t i = 0; i < families; ++i)
    family_weights.push_back(1.0 / std::pow(static_cast<double>(i + 1), 0.8));
  std::discrete_distribution<size_t> family(family_weights.begin(), family_weights.end());

  std::vector<Person> people(config.population);
  for (Person& p : people) {
    p.female = unit(rng) < 0.1;
    p.given = p.female ? female(rng) : male(rng);
    p.father = male(rng);
    p.grandfather = male(rng);
    p.mother = female(rng);
    p.family = family(rng);
    p.birth_year = 1950 + static_cast<int>(rng() % 56);
    p.governorate = governorate(rng);
    p.disappeared = 2011 + static_cast<int>(rng() % 10);
    p.visibility = config.heterogeneity > 0 ? visibility(rng) : 1.0;
  }

  Simulation out;
  out.population = config.population;
  for (uint32_t l = 0; l < config.lists.size(); ++l) {
    const ListSpec& list = config.lists[l];
    for (uint32_t id = 0; id < people.size(); ++id) {
      const Person& p = people[id];
      if (unit(rng) >= std::min(1.0, list.coverage * p.visibility)) continue;
      SimulatedRecord r;
      r.person = id;
      r.list = l;
      r.latin = unit(rng) < list.latin_share;
      const auto name = [&](const Name& n, double missing) -> std::string {
        if (unit(rng) < missing) return "";
        if (r.latin) {
          std::string s = n.latin[rng() % 3];
          return unit(rng) < config.typo_rate ? latin_typo(s, rng) : s;
        }
        std::string s = n.arabic;
        return unit(rng) < config.typo_rate ? arabic_typo(s, rng) : s;
      };
      r.given = name(p.female ? kFemale[p.given] : kMale[p.given], 0.0);
      r.father = name(kMale[p.father], 0.15);
      r.grandfather = name(kMale[p.grandfather], 0.5);
      r.mother = name(kFemale[p.mother], 0.6);
      const Family& f = family_names[p.family];
      if (unit(rng) >= 0.05) {
        r.family = r.latin ? f.latin[rng() % 2] : f.arabic;
        if (unit(rng) < config.typo_rate)
          r.family = r.latin ? latin_typo(r.family, rng) : arabic_typo(r.family, rng);
      }
      r.sex = p.female ? "female" : "male";
      const double y = unit(rng);
      if (y < 0.7) {
        r.birth_year = std::to_string(p.birth_year);
      } else if (y < 0.9) {
        r.birth_year = std::to_string(p.birth_year + (unit(rng) < 0.5 ? -1 : 1));
      }
      if (unit(rng) >= 0.15) r.governorate = kGovernorates[p.governorate];
      if (unit(rng) >= 0.3) r.disappeared = std::to_string(p.disappeared);
      out.records.push_back(std::move(r));
    }
  }
  return out;
}

Dataset simulation_dataset(const Simulation& s, std::vector<std::string>* truth) {
  Dataset d({"given", "father", "grandfather", "family", "mother", "birth_year", "governorate",
             "disappeared"});
  for (const SimulatedRecord& r : s.records) {
    d.add("list-" + std::to_string(r.list + 1),
          {r.given, r.father, r.grandfather, r.family, r.mother, r.birth_year, r.governorate,
           r.disappeared});
    if (truth) truth->push_back(std::to_string(r.person));
  }
  return d;
}

LinkageConfig simulation_linkage_config() {
  LinkageConfig c;
  c.fields = {{"given", Comparison::kName, true},       {"father", Comparison::kName, true},
              {"grandfather", Comparison::kName, true}, {"family", Comparison::kName, true},
              {"mother", Comparison::kName, true},      {"birth_year", Comparison::kYear},
              {"governorate", Comparison::kExact},      {"disappeared", Comparison::kYear}};
  c.blocking = {{{"family", "given", "birth_year|father|governorate|mother"}},
                {{"family", "birth_year"}},
                {{"family", "father", "grandfather|governorate"}},
                {{"given", "father", "birth_year", "governorate|grandfather|mother"}}};
  c.link_only_across_lists = true;
  c.one_record_per_list = true;  // each list names a person once
  return c;
}

void write_simulation(const Simulation& s, const std::string& folder) {
  std::filesystem::create_directories(folder);
  const auto quote = [](const std::string& v) {
    return v.find_first_of(",\"") == std::string::npos ? v : "\"" + v + "\"";
  };
  size_t lists = 0;
  for (const auto& r : s.records) lists = std::max<size_t>(lists, r.list + 1);
  std::vector<std::ofstream> files;
  std::vector<size_t> rows(lists, 1);
  for (size_t l = 0; l < lists; ++l) {
    files.emplace_back(folder + "/list-" + std::to_string(l + 1) + ".csv");
    files.back()
        << "given_name_ar,father_name_ar,grandfather_name_ar,family_name_ar,mother_name_ar,"
           "given_name_lat,father_name_lat,grandfather_name_lat,family_name_lat,"
           "mother_name_lat,sex,birth_date,governorate,disappeared_on,notes\n";
  }
  std::ofstream truth(folder + "/truth.csv");
  truth << "list,row,person\n";
  for (const SimulatedRecord& r : s.records) {
    std::ofstream& out = files[r.list];
    const std::string blank[5] = {"", "", "", "", ""};
    const std::string names[5] = {r.given, r.father, r.grandfather, r.family, r.mother};
    const std::string* arabic = r.latin ? blank : names;
    const std::string* latin = r.latin ? names : blank;
    for (int i = 0; i < 5; ++i) out << quote(arabic[i]) << ',';
    for (int i = 0; i < 5; ++i) out << quote(latin[i]) << ',';
    out << r.sex << ',' << r.birth_year << ',' << quote(r.governorate) << ',' << r.disappeared
        << ",SYNTHETIC\n";
    truth << r.list + 1 << ',' << ++rows[r.list] << ",P" << r.person << '\n';
  }
  for (auto& f : files) {
    if (!f) throw core::Unavailable("cannot write the simulated lists to " + folder);
  }
}

}  // namespace athar::linkage
