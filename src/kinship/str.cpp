#include "kinship/str.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include "core/csv.h"
#include "core/error.h"
#include "core/text.h"

namespace athar::kinship {

Allele parse_allele(std::string_view text) {
  text = core::trim(text);
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  int repeats = 0, tenth = 0;
  const auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), repeats);
  const bool whole_ok =
      error == std::errc() && end == whole.data() + whole.size() && repeats > 0 && repeats < 1000;
  bool tenth_ok = true;
  if (dot != std::string_view::npos) {
    const std::string_view part = text.substr(dot + 1);
    tenth_ok = part.size() == 1 && part[0] >= '0' && part[0] <= '9';
    if (tenth_ok) tenth = part[0] - '0';
  }
  if (!whole_ok || !tenth_ok)
    throw std::invalid_argument("not an allele (a repeat number such as 15 or 9.3)");
  return repeats * 10 + tenth;
}

std::string allele_text(Allele allele) {
  std::string out = std::to_string(allele / 10);
  if (allele % 10) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + allele % 10));
  }
  return out;
}

std::string canonical_marker(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

size_t Profile::typed_markers() const {
  return static_cast<size_t>(
      std::count_if(markers.begin(), markers.end(), [](const Genotype& g) { return g.typed(); }));
}

FrequencyTable::FrequencyTable(std::vector<Marker> markers) : markers_(std::move(markers)) {
  for (const Marker& m : markers_) keys_.push_back(canonical_marker(m.name));
}

FrequencyTable FrequencyTable::read(const std::string& path, double tolerance) {
  std::ifstream in(path);
  if (!in) core::throw_cannot_open(path, "frequency table");
  std::vector<Marker> markers;
  std::map<std::string, size_t> seen;
  std::string line;
  size_t number = 0;
  const auto where = [&] { return path + " line " + std::to_string(number); };
  const auto finish = [&] {
    if (markers.empty()) return;
    Marker& m = markers.back();
    if (m.alleles.empty()) throw core::InputError(where(), "marker", m.name, "has no alleles");
    double sum = 0;
    for (double f : m.frequency) sum += f;
    if (std::abs(sum - 1) > tolerance) {
      throw core::InputError(path, "marker", m.name,
                             "frequencies sum to " + std::to_string(sum) + ", not 1");
    }
    std::vector<size_t> order(m.alleles.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t x, size_t y) { return m.alleles[x] < m.alleles[y]; });
    Marker sorted{m.name, {}, {}};
    for (size_t i : order) {
      sorted.alleles.push_back(m.alleles[i]);
      sorted.frequency.push_back(m.frequency[i] / sum);  // exactly 1 from here on
    }
    m = std::move(sorted);
  };
  bool in_marker = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (core::trim(line).empty()) {
      in_marker = false;
      continue;
    }
    const size_t tab = line.find('\t');
    if (!in_marker) {
      if (tab != std::string::npos)
        throw core::InputError(where(), "marker", line, "an allele line before any marker name");
      finish();
      const std::string name(core::trim(line));
      if (!seen.emplace(canonical_marker(name), markers.size()).second)
        throw core::InputError(where(), "marker", name, "given twice");
      markers.push_back({name, {}, {}});
      in_marker = true;
      continue;
    }
    Marker& m = markers.back();
    if (tab == std::string::npos)
      throw core::InputError(where(), m.name, line, "expected allele<TAB>frequency");
    Allele allele = 0;
    try {
      allele = parse_allele(std::string_view(line).substr(0, tab));
    } catch (const std::invalid_argument& e) {
      throw core::InputError(where(), m.name, line.substr(0, tab), e.what());
    }
    const std::string value(core::trim(std::string_view(line).substr(tab + 1)));
    double f = -1;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), f);
    if (error != std::errc() || end != value.data() + value.size() || !(f > 0 && f <= 1))
      throw core::InputError(where(), m.name, value, "a frequency is a number in (0, 1]");
    if (std::find(m.alleles.begin(), m.alleles.end(), allele) != m.alleles.end())
      throw core::InputError(where(), m.name, allele_text(allele), "allele given twice");
    m.alleles.push_back(allele);
    m.frequency.push_back(f);
  }
  finish();
  if (markers.empty()) throw core::InputError(path, "", "", "no markers in the frequency table");
  return FrequencyTable(std::move(markers));
}

int FrequencyTable::marker_index(std::string_view name) const {
  const std::string key = canonical_marker(name);
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return static_cast<int>(i);
  }
  return -1;
}

double FrequencyTable::frequency(size_t marker, Allele allele) const {
  const Marker& m = markers_[marker];
  const auto it = std::lower_bound(m.alleles.begin(), m.alleles.end(), allele);
  if (it == m.alleles.end() || *it != allele) return minimum_;
  return m.frequency[static_cast<size_t>(it - m.alleles.begin())];
}

std::vector<std::string> FrequencyTable::add_unseen(const std::vector<Profile>& profiles) {
  std::vector<std::string> added;
  for (size_t i = 0; i < markers_.size(); ++i) {
    Marker& m = markers_[i];
    bool changed = false;
    for (const Profile& p : profiles) {
      if (i >= p.markers.size()) continue;
      for (Allele a : {p.markers[i].a, p.markers[i].b}) {
        if (a == 0 || std::binary_search(m.alleles.begin(), m.alleles.end(), a)) continue;
        const auto at = std::lower_bound(m.alleles.begin(), m.alleles.end(), a) - m.alleles.begin();
        m.alleles.insert(m.alleles.begin() + at, a);
        m.frequency.insert(m.frequency.begin() + at, minimum_);
        added.push_back(m.name + " " + allele_text(a));
        changed = true;
      }
    }
    if (!changed) continue;
    double sum = 0;
    for (double f : m.frequency) sum += f;
    for (double& f : m.frequency) f /= sum;
  }
  return added;
}

namespace {

bool is_amelogenin(std::string_view name) {
  const std::string key = canonical_marker(name);
  return key == "AMEL" || key == "AMELOGENIN" || key == "AM";
}

std::string header_key(std::string_view name) { return canonical_marker(name); }

// Collects one profile's alleles marker by marker, checking as they come.
class ProfileBuilder {
 public:
  ProfileBuilder(const FrequencyTable& table, std::string sample) : table_(table) {
    profile_.sample = std::move(sample);
    profile_.markers.resize(table.size());
    given_at_.resize(table.size() + 1);
  }
  void add(const std::string& where, std::string_view marker, std::string_view first,
           std::string_view second) {
    first = core::trim(first);
    second = core::trim(second);
    if (first.empty() && second.empty()) return;  // not typed
    // A marker given on two rows is two readings, not one genotype: 15,15 and 18,18 are not
    // 15/18 (Amelogenin keeps the slot after the table's markers).
    const int known =
        is_amelogenin(marker) ? static_cast<int>(table_.size()) : table_.marker_index(marker);
    if (known >= 0) {
      std::string& earlier = given_at_[static_cast<size_t>(known)];
      if (!earlier.empty()) {
        throw core::InputError(where, std::string(marker),
                               std::string(first) + "," + std::string(second),
                               "given again for sample " + profile_.sample + " (first at " +
                                   earlier + "): one row per sample and marker");
      }
      earlier = where;
    }
    if (is_amelogenin(marker)) {
      std::string x(first), y(second);
      for (auto* s : {&x, &y}) {
        for (char& c : *s) c = static_cast<char>(c == 'x' ? 'X' : c == 'y' ? 'Y' : c);
      }
      if ((x != "X" && x != "Y") || (!y.empty() && y != "X" && y != "Y")) {
        throw core::InputError(where, std::string(marker), x + "," + y,
                               "Amelogenin alleles are X and Y (sample " + profile_.sample + ")");
      }
      profile_.sex = (x == "Y" || y == "Y") ? "male" : "female";
      return;
    }
    const int index = table_.marker_index(marker);
    if (index < 0) {
      throw core::InputError(where, "marker", std::string(marker),
                             "not in the frequency table (sample " + profile_.sample + ")");
    }
    std::vector<Allele> alleles;
    for (std::string_view text : {first, second}) {
      if (text.empty()) continue;
      try {
        alleles.push_back(parse_allele(text));
      } catch (const std::invalid_argument& e) {
        throw core::InputError(where, std::string(marker), std::string(text),
                               std::string(e.what()) + " (sample " + profile_.sample + ")");
      }
    }
    std::sort(alleles.begin(), alleles.end());
    profile_.markers[static_cast<size_t>(index)] = {alleles.front(), alleles.back()};
  }
  void set_dropout(const std::string& where, std::string_view text) {
    text = core::trim(text);
    if (text.empty()) return;
    double d = -1;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (error != std::errc() || end != text.data() + text.size() || !(d >= 0 && d < 1)) {
      throw core::InputError(where, "dropout", std::string(text),
                             "a probability in [0, 1) (sample " + profile_.sample + ")");
    }
    profile_.dropout = d;
  }
  Profile take() { return std::move(profile_); }

 private:
  const FrequencyTable& table_;
  Profile profile_;
  std::vector<std::string> given_at_;  // where each marker was given (Amelogenin last)
};

int find_column(const std::vector<std::string>& keys, std::initializer_list<const char*> names) {
  for (size_t i = 0; i < keys.size(); ++i) {
    for (const char* n : names) {
      if (keys[i] == n) return static_cast<int>(i);
    }
  }
  return -1;
}

// A data row's sample name, after checking the row has the header's columns and names one.
std::string sample_of_row(const std::string& where, const std::vector<std::string_view>& row,
                          size_t columns, int sample) {
  if (row.size() != columns)
    throw core::InputError(where, "", std::to_string(row.size()) + " columns",
                           "the header has " + std::to_string(columns));
  std::string name(core::trim(row[static_cast<size_t>(sample)]));
  if (name.empty()) throw core::InputError(where, "sample", "", "no sample name");
  return name;
}

}  // namespace

std::vector<Profile> read_profiles(const std::string& path, const FrequencyTable& table) {
  core::CsvReader csv(path);
  std::vector<std::string_view> row;
  if (!csv.next(row)) throw core::InputError(path, "", "", "the file is empty (no header row)");
  std::vector<std::string> header(row.begin(), row.end()), keys;
  for (const std::string& h : header) keys.push_back(header_key(h));
  csv.set_header(row);
  const int sample = find_column(keys, {"SAMPLE", "SAMPLENAME", "SAMPLEID"});
  if (sample < 0)
    throw core::InputError(path + " row 1 (header)", "sample", "", "no sample column");
  const int dropout = find_column(keys, {"DROPOUT"});
  const int marker = find_column(keys, {"MARKER", "LOCUS"});
  std::vector<Profile> out;
  std::map<std::string, size_t> index_of;

  if (marker >= 0) {  // long: one row per sample and marker
    const int first = find_column(keys, {"ALLELE1", "A1"});
    const int second = find_column(keys, {"ALLELE2", "A2"});
    if (first < 0 || second < 0) {
      throw core::InputError(path + " row 1 (header)", "allele1", "",
                             "a long table needs allele1 and allele2 columns");
    }
    const int third = find_column(keys, {"ALLELE3", "A3"});
    std::map<std::string, ProfileBuilder> builders;
    std::vector<std::string> order;
    while (csv.next(row)) {
      const std::string where = csv.location();
      const std::string name = sample_of_row(where, row, header.size(), sample);
      auto [it, inserted] = builders.try_emplace(name, table, name);
      if (inserted) order.push_back(name);
      if (third >= 0 && !core::trim(row[static_cast<size_t>(third)]).empty()) {
        throw core::InputError(where, std::string(row[static_cast<size_t>(marker)]),
                               std::string(row[static_cast<size_t>(third)]),
                               "three alleles at one marker (sample " + name +
                                   "): a mixture cannot be compared as one person");
      }
      it->second.add(where, row[static_cast<size_t>(marker)], row[static_cast<size_t>(first)],
                     row[static_cast<size_t>(second)]);
      if (dropout >= 0) it->second.set_dropout(where, row[static_cast<size_t>(dropout)]);
    }
    for (const std::string& name : order) out.push_back(builders.at(name).take());
    return out;
  }

  // Wide: two columns per marker.
  struct Pair {
    std::string marker;
    size_t first, second;
  };
  std::vector<Pair> pairs;
  std::vector<bool> used(header.size(), false);
  used[static_cast<size_t>(sample)] = true;
  if (dropout >= 0) used[static_cast<size_t>(dropout)] = true;
  const auto strip = [](std::string key) {
    for (const char* suffix : {"ALLELE1", "ALLELE2", "1", "2", "A", "B"}) {
      const std::string s(suffix);
      if (key.size() > s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0)
        return key.substr(0, key.size() - s.size());
    }
    return key;
  };
  for (size_t c = 0; c < header.size(); ++c) {
    if (used[c]) continue;
    if (c + 1 >= header.size() || used[c + 1]) {
      throw core::InputError(path + " row 1 (header)", header[c], header[c],
                             "a wide table needs two columns per marker");
    }
    // Same name twice, or NAME_1/NAME_2, NAME Allele 1/NAME Allele 2.
    std::string name = header[c];
    if (keys[c] != keys[c + 1]) {
      const std::string a = strip(keys[c]), b = strip(keys[c + 1]);
      if (a != b || a.empty()) {
        throw core::InputError(path + " row 1 (header)", header[c], header[c] + "," + header[c + 1],
                               "a wide table needs two columns per marker");
      }
      name = a;
    }
    if (!is_amelogenin(name) && table.marker_index(name) < 0) {
      throw core::InputError(path + " row 1 (header)", "marker", header[c],
                             "not in the frequency table");
    }
    pairs.push_back({name, c, c + 1});
    used[c] = used[c + 1] = true;
  }
  while (csv.next(row)) {
    const std::string where = csv.location();
    const std::string name = sample_of_row(where, row, header.size(), sample);
    if (!index_of.emplace(name, out.size()).second)
      throw core::InputError(where, "sample", name, "given twice");
    ProfileBuilder builder(table, name);
    for (const Pair& p : pairs) builder.add(where, p.marker, row[p.first], row[p.second]);
    if (dropout >= 0) builder.set_dropout(where, row[static_cast<size_t>(dropout)]);
    out.push_back(builder.take());
  }
  return out;
}

}  // namespace athar::kinship
