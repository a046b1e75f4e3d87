#include "matching/person_search.h"

#include <algorithm>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"
#include "core/unicode.h"
#include "names/full_name.h"
#include "names/normalise.h"
#include "names/phonetic.h"
#include "names/similarity.h"
#include "store/database.h"

namespace athar::matching {

namespace {

constexpr const char* kNameColumns[] = {
    "given_name_ar",  "father_name_ar",  "grandfather_name_ar",  "family_name_ar",
    "given_name_lat", "father_name_lat", "grandfather_name_lat", "family_name_lat"};

// One part of the query, ready to compare, with the similarity of every spelling met so far.
struct QueryPart {
  int position;  // 0 given, 1 father, 2 grandfather, 3 family; -1: any; -2: any but given
  std::u32string normal;
  bool arabic = false;
  names::PhoneticKey sound;
  std::unordered_map<std::string, double> seen;

  QueryPart(const std::string& text, int position_in_name)
      : position(position_in_name),
        normal(core::to_utf32(names::normalise_name(text))),
        arabic(names::has_arabic_letters(text)),
        sound(names::phonetic_key(text)) {}

  double similarity(const std::string& spelling) {
    auto [it, inserted] = seen.try_emplace(spelling, 0.0);
    if (!inserted) return it->second;
    const std::u32string other = core::to_utf32(names::normalise_name(spelling));
    if (other.empty()) return it->second;
    if (names::has_arabic_letters(spelling) == arabic) {
      it->second = other == normal ? 1.0 : names::jaro_winkler(normal, other);
    } else {
      it->second = names::phonetic_similarity(sound, names::phonetic_key(spelling));
    }
    return it->second;
  }
};

std::string joined(const std::vector<std::string>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < from + 4; ++i) {
    if (parts[i].empty()) continue;
    if (!out.empty()) out += ' ';
    out += parts[i];
  }
  return out;
}

}  // namespace

std::vector<PersonHit> search_persons(registry::Registry& registry, std::string_view query,
                                      const SearchOptions& options) {
  const names::NameParts split = names::split_full_name(query);
  std::vector<QueryPart> parts;
  const std::string* in_order[] = {&split.given, &split.father, &split.grandfather, &split.family};
  size_t words = 0;
  for (const std::string* p : in_order) words += !p->empty();
  for (int position = 0; position < 4; ++position) {
    const std::string& p = *in_order[position];
    // One word may be any part (a family name alone is a common query); of two, the second is
    // a father's or a family name.
    if (!p.empty() && core::contains_letter_or_digit(p))
      parts.emplace_back(p, words == 1 ? -1 : words == 2 && position == 3 ? -2 : position);
  }
  if (parts.empty()) {
    throw core::InputError("person search", "name", std::string(query),
                           "give a name (any spelling, Arabic or Latin script)");
  }
  std::string sql = "SELECT num";
  for (const char* column : kNameColumns) sql += std::string(", ") + column;
  sql += ", birth_date, governorate, status FROM persons ORDER BY num";
  auto rows = registry.database().prepare(sql);
  std::vector<std::string> names(std::size(kNameColumns));
  std::vector<PersonHit> hits;
  const auto better = [](const PersonHit& a, const PersonHit& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  };
  while (rows->step()) {
    for (size_t c = 0; c < names.size(); ++c) {
      const int column = static_cast<int>(c + 1);
      names[c] = rows->is_null(column) ? "" : rows->string(column);
    }
    double total = 0;
    for (QueryPart& part : parts) {
      // A part found in its own place (the given name as the given name) counts whole; found
      // in another place (as the father's name), nine tenths.
      double best = 0;
      for (size_t c = 0; c < names.size(); ++c) {
        if (names[c].empty()) continue;
        const int place = static_cast<int>(c % 4);
        const bool in_place =
            part.position == -1 || (part.position == -2 && place != 0) || place == part.position;
        best = std::max(best, part.similarity(names[c]) * (in_place ? 1.0 : 0.9));
      }
      total += best;
    }
    const double score = total / static_cast<double>(parts.size());
    if (score < options.min_score) continue;
    const int facts = static_cast<int>(names.size() + 1);
    PersonHit hit{registry::format_record_id(registry::Kind::kPerson, rows->int64(0)),
                  score,
                  joined(names, 0),
                  joined(names, 4),
                  rows->is_null(facts) ? "" : rows->string(facts),
                  rows->is_null(facts + 1) ? "" : rows->string(facts + 1),
                  rows->is_null(facts + 2) ? "" : rows->string(facts + 2)};
    // Only the best `limit` are kept: a heap whose top is the worst of them.
    if (hits.size() < options.limit) {
      hits.push_back(std::move(hit));
      std::push_heap(hits.begin(), hits.end(), better);
    } else if (options.limit > 0 && better(hit, hits.front())) {
      std::pop_heap(hits.begin(), hits.end(), better);
      hits.back() = std::move(hit);
      std::push_heap(hits.begin(), hits.end(), better);
    }
  }
  std::sort(hits.begin(), hits.end(), better);
  return hits;
}

}  // namespace athar::matching
