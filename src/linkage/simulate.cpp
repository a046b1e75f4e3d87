#include "linkage/simulate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

// Common given names, most frequent first: Zipf weights over this order make a few names very
// common (Muhammad about one man in six) and leave a long tail, as in Syria.
const Name kMale[] = {
    {"محمد", {"Mohammad", "Muhammad", "Mohamed"}},
    {"أحمد", {"Ahmad", "Ahmed", "Ahmad"}},
    {"علي", {"Ali", "Aly", "Ali"}},
    {"محمود", {"Mahmoud", "Mahmud", "Mahmoud"}},
    {"خالد", {"Khaled", "Khalid", "Khaled"}},
    {"عمر", {"Omar", "Umar", "Omar"}},
    {"حسن", {"Hasan", "Hassan", "Hasan"}},
    {"مصطفى", {"Mustafa", "Moustafa", "Mostafa"}},
    {"عبد الله", {"Abdullah", "Abdallah", "Abd Allah"}},
    {"حسين", {"Hussein", "Husain", "Hussain"}},
    {"إبراهيم", {"Ibrahim", "Ebrahim", "Ibraheem"}},
    {"يوسف", {"Youssef", "Yusuf", "Yousef"}},
    {"عبد الرحمن", {"Abdulrahman", "Abdel Rahman", "Abd al-Rahman"}},
    {"سامر", {"Samer", "Samer", "Sameer"}},
    {"فادي", {"Fadi", "Fady", "Fadi"}},
    {"باسل", {"Basel", "Basil", "Bassel"}},
    {"رامي", {"Rami", "Ramy", "Rami"}},
    {"عماد", {"Imad", "Emad", "Imad"}},
    {"ياسر", {"Yaser", "Yasser", "Yasir"}},
    {"وليد", {"Walid", "Waleed", "Walid"}},
    {"محمد علي", {"Mohammad Ali", "Muhammad Ali", "Mohamed Ali"}},
    {"طارق", {"Tareq", "Tarek", "Tariq"}},
    {"جمال", {"Jamal", "Gamal", "Jamal"}},
    {"مازن", {"Mazen", "Mazin", "Mazen"}},
    {"زياد", {"Ziad", "Ziyad", "Zeyad"}},
    {"بلال", {"Bilal", "Belal", "Bilal"}},
    {"هشام", {"Hisham", "Hesham", "Hisham"}},
    {"أنس", {"Anas", "Anas", "Anass"}},
    {"معاذ", {"Moaz", "Muadh", "Mouaz"}},
    {"قاسم", {"Qasim", "Kassem", "Qassem"}},
    {"نزار", {"Nizar", "Nezar", "Nizar"}},
    {"وسيم", {"Wassim", "Wasim", "Waseem"}},
    {"عدنان", {"Adnan", "Adnan", "Adnane"}},
    {"سليمان", {"Sulaiman", "Suleiman", "Soliman"}},
    {"عبد الكريم", {"Abdulkarim", "Abdel Karim", "Abd al-Karim"}},
    {"فراس", {"Firas", "Feras", "Firas"}},
    {"غسان", {"Ghassan", "Ghasan", "Ghassan"}},
    {"ماهر", {"Maher", "Mahir", "Maher"}},
    {"منذر", {"Munther", "Monzer", "Mundhir"}},
    {"حمزة", {"Hamza", "Hamzah", "Hamza"}},
    {"صالح", {"Saleh", "Salih", "Saleh"}},
    {"عبد العزيز", {"Abdulaziz", "Abdel Aziz", "Abd al-Aziz"}},
    {"كمال", {"Kamal", "Kamal", "Kemal"}},
    {"نبيل", {"Nabil", "Nabeel", "Nabil"}},
    {"هيثم", {"Haitham", "Haytham", "Heitham"}},
    {"أيمن", {"Ayman", "Aiman", "Eyman"}},
    {"عصام", {"Issam", "Essam", "Isam"}},
    {"رياض", {"Riad", "Riyad", "Riyadh"}},
    {"شادي", {"Shadi", "Chadi", "Shady"}},
    {"مهند", {"Muhannad", "Mohanad", "Mouhanad"}},
    {"يحيى", {"Yahya", "Yehia", "Yahia"}},
    {"عبد الحميد", {"Abdulhamid", "Abdel Hamid", "Abd al-Hamid"}},
    {"إسماعيل", {"Ismail", "Ismael", "Esmail"}},
    {"زكريا", {"Zakaria", "Zakariya", "Zakariyya"}},
    {"راتب", {"Ratib", "Rateb", "Ratib"}},
    {"توفيق", {"Tawfiq", "Toufik", "Tawfik"}},
    {"نضال", {"Nidal", "Nedal", "Nidal"}},
    {"أسامة", {"Osama", "Usama", "Ousama"}},
    {"جهاد", {"Jihad", "Jehad", "Jihad"}},
    {"عبد الله محمد", {"Abdullah Mohammad", "Abdallah Muhammad", "Abd Allah Mohamed"}},
};
const Name kFemale[] = {
    {"فاطمة", {"Fatima", "Fatimah", "Fatma"}},
    {"مريم", {"Maryam", "Mariam", "Mariam"}},
    {"نور", {"Nour", "Noor", "Nur"}},
    {"عائشة", {"Aisha", "Aysha", "Aicha"}},
    {"خديجة", {"Khadija", "Khadijah", "Khadiga"}},
    {"زينب", {"Zainab", "Zeinab", "Zaynab"}},
    {"هدى", {"Huda", "Hoda", "Houda"}},
    {"رنا", {"Rana", "Rana", "Ranaa"}},
    {"سعاد", {"Souad", "Suad", "Soad"}},
    {"ليلى", {"Layla", "Leila", "Laila"}},
    {"هالة", {"Hala", "Hala", "Halah"}},
    {"سلمى", {"Salma", "Selma", "Salma"}},
    {"آمنة", {"Amina", "Amna", "Aamina"}},
    {"رشا", {"Rasha", "Racha", "Rasha"}},
    {"ديما", {"Dima", "Deema", "Dima"}},
    {"لينا", {"Lina", "Leena", "Lina"}},
    {"سوسن", {"Sawsan", "Sausan", "Sawsan"}},
    {"منى", {"Mona", "Muna", "Mouna"}},
    {"وفاء", {"Wafaa", "Wafa", "Wafaa"}},
    {"أسماء", {"Asmaa", "Asma", "Esmaa"}},
    {"رغد", {"Raghad", "Raghad", "Raghd"}},
    {"دعاء", {"Duaa", "Doaa", "Dua"}},
    {"بشرى", {"Bushra", "Boushra", "Bouchra"}},
    {"سمر", {"Samar", "Samar", "Sammar"}},
    {"حنان", {"Hanan", "Hanane", "Hanan"}},
    {"ريم", {"Reem", "Rim", "Riem"}},
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
  int birth_year, birth_month, birth_day;
  size_t governorate;
  int disappeared;
  double visibility;
};

// Children lost by one household: one most often, up to five.
constexpr double kChildrenWeights[] = {0, 55, 25, 12, 5, 3};
// Households of one clan (brothers, each a father): one to four.
constexpr double kHouseholdWeights[] = {0, 50, 30, 14, 6};

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
  std::discrete_distribution<size_t> children(std::begin(kChildrenWeights),
                                              std::end(kChildrenWeights));
  std::discrete_distribution<size_t> households(std::begin(kHouseholdWeights),
                                                std::end(kHouseholdWeights));
  std::uniform_real_distribution<double> unit(0, 1);
  std::gamma_distribution<double> visibility(
      config.heterogeneity > 0 ? 1.0 / config.heterogeneity : 1.0,
      config.heterogeneity > 0 ? config.heterogeneity : 1.0);

  // Family names: a pool of made-up names with Zipf frequencies, about one per 25 persons; several
  // clans may bear one name without being related.
  const size_t families = std::max<size_t>(50, config.population / 25);
  std::vector<Family> family_names;
  for (size_t i = 0; i < families; ++i) family_names.push_back(make_family(rng));
  std::vector<double> family_weights;
  for (size_t i = 0; i < families; ++i)
    family_weights.push_back(1.0 / std::pow(static_cast<double>(i + 1), 0.8));
  std::discrete_distribution<size_t> family(family_weights.begin(), family_weights.end());

  // Draws a name not yet in `taken` (brothers have different names; so do sisters).
  const auto distinct_name = [&](auto& distribution, std::vector<size_t>& taken) {
    size_t name = distribution(rng);
    for (int attempt = 0;
         attempt < 50 && std::find(taken.begin(), taken.end(), name) != taken.end(); ++attempt)
      name = distribution(rng);
    taken.push_back(name);
    return name;
  };

  Simulation out;
  out.population = config.population;
  std::vector<Person> people;
  people.reserve(config.population);
  uint32_t household_count = 0, clan_count = 0;
  while (people.size() < config.population) {
    const uint32_t clan = clan_count++;
    const size_t family_name = family(rng), grandfather = male(rng);
    const size_t clan_governorate = governorate(rng);
    std::vector<size_t> fathers;
    const size_t household_total = households(rng);
    for (size_t h = 0; h < household_total && people.size() < config.population; ++h) {
      const uint32_t household = household_count++;
      const size_t father = distinct_name(male, fathers);
      const size_t mother = female(rng);
      int year = 1950 + static_cast<int>(rng() % 51);
      const int taken_year = 2011 + static_cast<int>(rng() % 10);  // often together
      std::vector<size_t> sons, daughters;
      const size_t count = children(rng);
      for (size_t c = 0; c < count && people.size() < config.population; ++c) {
        Person p;
        p.female = unit(rng) < 0.15;
        p.given = p.female ? distinct_name(female, daughters) : distinct_name(male, sons);
        p.father = father;
        p.grandfather = grandfather;
        p.mother = mother;
        p.family = family_name;
        p.birth_year = year;
        p.birth_month = 1 + static_cast<int>(rng() % 12);
        p.birth_day = 1 + static_cast<int>(rng() % 28);
        year += unit(rng) < 0.03 ? 0 : 1 + static_cast<int>(rng() % 4);  // twins, or 1–4 years
        p.governorate = unit(rng) < 0.9 ? clan_governorate : governorate(rng);
        p.disappeared = unit(rng) < 0.5 ? taken_year : 2011 + static_cast<int>(rng() % 10);
        p.visibility = config.heterogeneity > 0 ? visibility(rng) : 1.0;
        people.push_back(p);
        out.household_of.push_back(household);
        out.clan_of.push_back(clan);
      }
    }
  }

  for (uint32_t l = 0; l < config.lists.size(); ++l) {
    const ListSpec& list = config.lists[l];
    // The list was compiled in one year: a birth year derived from an age is one off when the
    // birthday had not come yet.
    const int report_year = 2013 + static_cast<int>(rng() % 10);
    for (uint32_t id = 0; id < people.size(); ++id) {
      const Person& p = people[id];
      if (unit(rng) >= std::min(1.0, list.coverage * p.visibility)) continue;
      const int copies = unit(rng) < list.duplicates ? 2 : 1;
      for (int copy = 0; copy < copies; ++copy) {
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
        const auto kind_of_given = [&]() -> const Name& {
          return p.female ? kFemale[p.given] : kMale[p.given];
        };
        r.given = name(kind_of_given(), 0.01);  // every record keeps a given or family name
        r.father = name(kMale[p.father], 0.1);
        r.grandfather = name(kMale[p.grandfather], 0.45);
        r.mother = name(kFemale[p.mother], 0.6);
        const Family& f = family_names[p.family];
        if (unit(rng) >= 0.05) {
          r.family = r.latin ? f.latin[rng() % 2] : f.arabic;
          if (unit(rng) < config.typo_rate)
            r.family = r.latin ? latin_typo(r.family, rng) : arabic_typo(r.family, rng);
        }
        if (r.given.empty() && r.family.empty()) r.given = name(kind_of_given(), 0.0);
        if (unit(rng) < 0.01) std::swap(r.given, r.family);  // written in each other's place
        const double s = unit(rng);
        r.sex = s < 0.1 ? "" : (p.female != (s < 0.105)) ? "female" : "male";
        const double b = unit(rng);
        char date[16];
        if (b < 0.25) {
          std::snprintf(date, sizeof date, "%04d-%02d-%02d", p.birth_year, p.birth_month,
                        p.birth_day);
          r.birth = date;
        } else if (b < 0.6) {
          r.birth = std::to_string(p.birth_year);
        } else if (b < 0.85) {
          const int age = report_year - p.birth_year - (unit(rng) < 0.5 ? 1 : 0);
          r.birth = std::to_string(report_year - age);
        }
        if (unit(rng) >= 0.15) r.governorate = kGovernorates[p.governorate];
        if (unit(rng) >= 0.3) {
          const double d = unit(rng);
          // Sometimes a year off, within the period simulated (2011–2020).
          r.disappeared = std::to_string(std::clamp(p.disappeared + (d < 0.05  ? -1
                                                                     : d < 0.1 ? 1
                                                                               : 0),
                                                    2011, 2020));
        }
        out.records.push_back(std::move(r));
      }
    }
  }
  return out;
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
  truth << "list,row,person,household,clan\n";
  for (const SimulatedRecord& r : s.records) {
    std::ofstream& out = files[r.list];
    const std::string blank[5] = {"", "", "", "", ""};
    const std::string names[5] = {r.given, r.father, r.grandfather, r.family, r.mother};
    const std::string* arabic = r.latin ? blank : names;
    const std::string* latin = r.latin ? names : blank;
    for (int i = 0; i < 5; ++i) out << quote(arabic[i]) << ',';
    for (int i = 0; i < 5; ++i) out << quote(latin[i]) << ',';
    out << r.sex << ',' << r.birth << ',' << quote(r.governorate) << ',' << r.disappeared
        << ",SYNTHETIC\n";
    truth << r.list + 1 << ',' << ++rows[r.list] << ",P" << r.person << ",H"
          << s.household_of[r.person] << ",C" << s.clan_of[r.person] << '\n';
  }
  for (auto& f : files) {
    if (!f) throw core::Unavailable("cannot write the simulated lists to " + folder);
  }
}

}  // namespace athar::linkage
