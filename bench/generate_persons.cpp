// Writes N synthetic person rows in the CSV form `athar import persons` reads, for benchmarks.
// Names are drawn from short lists of common Syrian given and synthetic family names, with the
// skewed frequencies real lists show (a handful of given names very common). Deterministic for
// a given seed. No real person is described.
//
//   generate_persons 1000000 42 > persons.csv
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr const char* kGivenAr[] = {"محمد",  "أحمد",     "علي",  "عمر",     "خالد",  "حسن",  "حسين",
                                    "محمود", "عبد الله", "يوسف", "إبراهيم", "مصطفى", "سامر", "باسل",
                                    "فادي",  "رامي",     "وسيم", "مازن",    "طارق",  "ياسر"};
constexpr const char* kGivenLat[] = {"Mohammad", "Ahmad",   "Ali",     "Omar",     "Khaled",
                                     "Hasan",    "Hussein", "Mahmoud", "Abdullah", "Youssef",
                                     "Ibrahim",  "Mustafa", "Samer",   "Basel",    "Fadi",
                                     "Rami",     "Wassim",  "Mazen",   "Tareq",    "Yaser"};
constexpr const char* kFemaleAr[] = {"فاطمة", "عائشة", "مريم", "نور",
                                     "هالة",  "سعاد",  "رنا",  "ليلى"};
// Synthetic family names: a prefix and a root from neutral words, so no real family is named.
constexpr const char* kFamilyAr[] = {"التجريبي",  "النموذجي", "المثالي", "الافتراضي",
                                     "الاختباري", "العيني",   "المرجعي", "التمثيلي"};
constexpr const char* kFamilyLat[] = {"al-Tajribi",   "al-Namudhaji", "al-Mithali", "al-Iftiradi",
                                      "al-Ikhtibari", "al-Ayni",      "al-Marjai",  "al-Tamthili"};
constexpr const char* kGovernorates[] = {"Damascus", "Rif Dimashq", "Aleppo", "Homs",
                                         "Hama",     "Idlib",       "Daraa",  "Deir ez-Zor",
                                         "Latakia",  "Raqqa"};

template <class T, size_t N>
constexpr size_t count_of(const T (&)[N]) {
  return N;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: generate_persons ROWS [SEED]\n");
    return 2;
  }
  const long rows = std::atol(argv[1]);
  std::mt19937_64 rng(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1);
  // Zipf-like: weight 1/(rank+1) makes the first few names dominate.
  std::vector<double> weights;
  for (size_t i = 0; i < count_of(kGivenAr); ++i)
    weights.push_back(1.0 / static_cast<double>(i + 1));
  std::discrete_distribution<size_t> given(weights.begin(), weights.end());
  std::uniform_int_distribution<size_t> family(0, count_of(kFamilyAr) - 1);
  std::uniform_int_distribution<size_t> female(0, count_of(kFemaleAr) - 1);
  std::uniform_int_distribution<size_t> gov(0, count_of(kGovernorates) - 1);
  std::uniform_int_distribution<int> year(1950, 2005), month(1, 12), day(1, 28), pct(0, 99);

  std::printf(
      "given_name_ar,father_name_ar,grandfather_name_ar,family_name_ar,mother_name_ar,"
      "given_name_lat,family_name_lat,sex,birth_date,governorate,status,detained_on,notes\n");
  for (long i = 0; i < rows; ++i) {
    const bool is_female = pct(rng) < 12;
    const size_t g = given(rng), f = family(rng);
    const int born = year(rng);
    const int detained = born + 15 + pct(rng) % 10;
    std::printf("%s,%s,%s,%s,%s,%s,%s,%s,", is_female ? kFemaleAr[female(rng)] : kGivenAr[g],
                kGivenAr[given(rng)], kGivenAr[given(rng)], kFamilyAr[f], kFemaleAr[female(rng)],
                pct(rng) < 40 && !is_female ? kGivenLat[g] : "", pct(rng) < 40 ? kFamilyLat[f] : "",
                is_female ? "female" : "male");
    // Partial dates as lists hold them: a year, a month or a day.
    const int precision = pct(rng);
    if (precision < 50) {
      std::printf("%d,", born);
    } else if (precision < 75) {
      std::printf("%d-%02d,", born, month(rng));
    } else {
      std::printf("%d-%02d-%02d,", born, month(rng), day(rng));
    }
    std::printf("%s,%s,", kGovernorates[gov(rng)], pct(rng) < 90 ? "missing" : "detained");
    if (detained <= 2024) {
      std::printf("%d-%02d,", detained, month(rng));
    } else {
      std::printf(",");
    }
    std::printf("synthetic row %ld\n", i + 1);
  }
  return 0;
}
