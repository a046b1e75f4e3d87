// Mutation fuzzing of the parsers and normalisers that read what lists contain: random and
// damaged input must give a result or a clear InputError, never a crash, a hang or memory
// misuse (the suite runs under AddressSanitizer and UBSan). Deterministic seeds, so that a
// failure reproduces; ATHAR_FUZZ_ROUNDS multiplies the rounds for a longer run by hand.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "core/csv.h"
#include "core/date.h"
#include "core/error.h"
#include "core/text.h"
#include "core/unicode.h"
#include "matching/person_linkage.h"
#include "names/normalise.h"
#include "names/phonetic.h"
#include "names/similarity.h"
#include "test_support.h"

namespace athar {
namespace {

size_t rounds(size_t base) {
  const char* factor = std::getenv("ATHAR_FUZZ_ROUNDS");
  return base * (factor ? std::max(1, std::atoi(factor)) : 1);
}

// Pieces that list files are made of, valid and broken: CSV syntax, Arabic letters and marks,
// lam-alef forms, bidi marks, Latin with diacritics, digits, and bytes that are not UTF-8.
const std::string kPieces[] = {",",
                               "\"",
                               "\"\"",
                               "\n",
                               "\r\n",
                               "\r",
                               " ",
                               "محمد",
                               "عبد",
                               "ال",
                               "لا",
                               "ﻻ",
                               "هللا",
                               "ـ",
                               "َ",
                               "ً",
                               "ٱ",
                               "أ",
                               "ة",
                               "ى",
                               "ی",
                               "ک",
                               "٣",
                               "\u200f",
                               "\u202b",
                               "Muhammad",
                               "al-",
                               "ʿ",
                               "'",
                               "é",
                               "ö",
                               "Abd",
                               "1985",
                               "-02-",
                               "30",
                               "\xE3\xCD",
                               "\xC0",
                               "\xFF",
                               "\xED\xA0\x80",
                               "\xF4\x90\x80\x80",
                               std::string(1, '\0'),
                               "?!",
                               "...",
                               "bin",
                               "Abu"};

std::string random_text(std::mt19937_64& rng, size_t max_pieces) {
  std::string out;
  const size_t n = rng() % (max_pieces + 1);
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 8 == 0) {
      out.push_back(static_cast<char>(rng() % 256));  // any byte at all
    } else {
      out += kPieces[rng() % std::size(kPieces)];
    }
  }
  return out;
}

TEST(Fuzz, CsvReaderReadsOnOrNamesTheRow) {
  testing::ScratchDir dir;
  std::mt19937_64 rng(1);
  for (size_t round = 0; round < rounds(400); ++round) {
    const std::string bytes = random_text(rng, 200);
    const std::string path = dir.write("fuzz.csv", bytes);
    core::CsvReader csv(path);
    std::vector<std::string_view> row;
    size_t calls = 0, last_row = 0;
    while (true) {
      ASSERT_LT(++calls, bytes.size() + 3) << "no progress";
      try {
        if (!csv.next(row)) break;
        for (std::string_view field : row) {
          ASSERT_TRUE(core::find_invalid_utf8(field) == std::string_view::npos);
        }
      } catch (const core::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("fuzz.csv row "), std::string::npos) << e.what();
      }
      EXPECT_GE(csv.row(), last_row);
      last_row = csv.row();
    }
  }
}

TEST(Fuzz, NormalisersAndSimilaritiesHoldTheirContracts) {
  std::mt19937_64 rng(2);
  names::PhoneticKey key;
  for (size_t round = 0; round < rounds(3000); ++round) {
    std::string a = random_text(rng, 12), b = random_text(rng, 12);
    if (rng() % 2) {  // mostly valid UTF-8, as the CSV reader hands on
      for (std::string* s : {&a, &b}) {
        while (core::find_invalid_utf8(*s) != std::string_view::npos)
          s->erase(core::find_invalid_utf8(*s), 1);
      }
    }
    const bool valid = core::find_invalid_utf8(a) == std::string_view::npos &&
                       core::find_invalid_utf8(b) == std::string_view::npos;
    try {
      const std::string na = names::normalise_name(a), nb = names::normalise_name(b);
      names::normalise_arabic(a);
      names::normalise_latin(b);
      if (valid) {
        EXPECT_EQ(core::find_invalid_utf8(na), std::string_view::npos) << a;
      }
      names::phonetic_key(na, key);
      const auto ua = core::to_utf32(na), ub = core::to_utf32(nb);
      const double jw = names::jaro_winkler(ua, ub);
      EXPECT_GE(jw, 0.0);
      EXPECT_LE(jw, 1.0);
      EXPECT_DOUBLE_EQ(jw, names::jaro_winkler(ub, ua));
      const int d = names::damerau_levenshtein(ua, ub);
      EXPECT_EQ(d, names::damerau_levenshtein(ub, ua));
      EXPECT_LE(static_cast<size_t>(d), std::max(ua.size(), ub.size()));
      const auto t = names::token_set_similarity(ua, ub);
      EXPECT_GE(t.overlap, 0.0);
      EXPECT_LE(t.containment, 1.0 + 1e-12);
      const double p = names::cross_script_similarity(na, nb);
      EXPECT_GE(p, 0.0);
      EXPECT_LE(p, 1.0);
    } catch (const core::InputError&) {
      EXPECT_FALSE(valid) << "valid UTF-8 refused: " << a << " / " << b;
    }
  }
}

TEST(Fuzz, DatesParseOrRefuse) {
  std::mt19937_64 rng(3);
  const std::string pieces[] = {"19", "20", "85", "-", "02", "13", "29", "31",
                                "00", "/",  " ",  "x", "٢",  "0",  "1",  "9"};
  for (size_t round = 0; round < rounds(20000); ++round) {
    std::string text;
    const size_t n = rng() % 8;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % std::size(pieces)];
    try {
      const core::PartialDate d = core::PartialDate::parse(text);
      EXPECT_EQ(core::PartialDate::parse(d.to_string()), d) << text;
    } catch (const std::invalid_argument&) {
    }
  }
}

// Person lists with damaged rows: with skipping on, every row is read or reported.
TEST(Fuzz, PersonListsSkipEveryBadRowAndKeepTheRest) {
  testing::ScratchDir dir;
  std::mt19937_64 rng(4);
  for (size_t round = 0; round < rounds(40); ++round) {
    std::string text = "given_name_ar,family_name_lat,birth_date,governorate\n";
    size_t rows = 0;
    for (int r = 0; r < 30; ++r) {
      if (rng() % 3 == 0) {
        text += random_text(rng, 10) + "\n";
      } else {
        text += "محمد,al-Hasan," + std::to_string(1950 + rng() % 60) + ",Homs\n";
      }
      ++rows;
    }
    const std::string path = dir.write("list.csv", text);
    const matching::PersonLists lists = matching::read_person_lists({path}, true);
    EXPECT_EQ(lists.data.size() + lists.skipped.size(), lists.rows);
    EXPECT_LE(lists.rows, rows + 30);  // a random piece may hold line breaks of its own
  }
}

}  // namespace
}  // namespace athar
