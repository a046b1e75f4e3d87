#include "kinship/simulate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/error.h"

namespace athar::kinship {

const std::vector<std::string>& standard_markers() {
  static const std::vector<std::string> markers = {
      "D3S1358", "vWA",    "D16S539",  "CSF1PO",  "TPOX",    "D8S1179",  "D21S11", "D18S51",
      "Penta E", "D2S441", "D19S433",  "TH01",    "FGA",     "D22S1045", "D5S818", "D13S317",
      "D7S820",  "SE33",   "D10S1248", "D1S1656", "D12S391", "D2S1338",  "Penta D"};
  return markers;
}

namespace {

struct Drawer {
  const FrequencyTable& table;
  std::vector<size_t> markers;  // table indexes of the typed markers
  std::vector<std::discrete_distribution<size_t>> by_marker;
  std::mt19937_64& rng;

  Profile founder(const std::string& name) {
    Profile p{name, std::vector<Genotype>(table.size()), "", 0};
    for (size_t i = 0; i < markers.size(); ++i) {
      const Marker& m = table.marker(markers[i]);
      const Allele a = m.alleles[by_marker[i](rng)], b = m.alleles[by_marker[i](rng)];
      p.markers[markers[i]] = {std::min(a, b), std::max(a, b)};
    }
    return p;
  }
  Profile child(const std::string& name, const Profile& father, const Profile& mother) {
    Profile p{name, std::vector<Genotype>(table.size()), "", 0};
    for (size_t m : markers) {
      const Genotype& f = father.markers[m];
      const Genotype& g = mother.markers[m];
      const Allele a = rng() % 2 ? f.a : f.b, b = rng() % 2 ? g.a : g.b;
      p.markers[m] = {std::min(a, b), std::max(a, b)};
    }
    return p;
  }
};

}  // namespace

FamilySimulation simulate_families(const FrequencyTable& table,
                                   const FamilySimulationConfig& config) {
  std::mt19937_64 rng(config.seed);
  Drawer d{table, {}, {}, rng};
  for (const std::string& name : standard_markers()) {
    const int m = table.marker_index(name);
    if (m < 0) throw core::InputError("simulation", "marker", name, "not in the frequency table");
    d.markers.push_back(static_cast<size_t>(m));
    const auto& f = table.marker(static_cast<size_t>(m)).frequency;
    d.by_marker.emplace_back(f.begin(), f.end());
  }
  for (const std::string& kind : config.reference_kinds) {
    if (kind != "parent" && kind != "sibling" && kind != "grandparent")
      throw core::InputError("simulation", "references", kind, "parent, sibling or grandparent");
  }
  if (config.reference_kinds.empty() || config.max_references == 0)
    throw core::InputError("simulation", "references", "", "at least one kind of reference");
  FamilySimulation out;
  std::vector<Profile> missing_persons;
  for (size_t f = 0; f < config.families; ++f) {
    const std::string id = "F-" + std::to_string(f + 1);
    const Profile grandfather = d.founder(id + "-grandfather");
    const Profile grandmother = d.founder(id + "-grandmother");
    const Profile father = d.child(id + "-father", grandfather, grandmother);
    const Profile mother = d.founder(id + "-mother");
    const Profile sibling = d.child(id + "-sibling", father, mother);
    missing_persons.push_back(d.child(id + "-missing", father, mother));
    // References: 1..max distinct kinds-with-person choices.
    std::vector<std::pair<std::string, const Profile*>> choices;
    for (const std::string& kind : config.reference_kinds) {
      if (kind == "parent") {
        choices.emplace_back(kind, &father);
        choices.emplace_back(kind, &mother);
      } else if (kind == "sibling") {
        choices.emplace_back(kind, &sibling);
      } else {
        choices.emplace_back(kind, &grandfather);
        choices.emplace_back(kind, &grandmother);
      }
    }
    std::shuffle(choices.begin(), choices.end(), rng);
    const size_t count = 1 + rng() % std::min(config.max_references, choices.size());
    Family family{id, {}};
    const auto add = [&](const std::string& name, const std::string& sex, int fa, int mo) {
      Member m;
      m.name = name;
      m.sex = sex;
      m.father = fa;
      m.mother = mo;
      family.members.push_back(m);
    };
    add("grandfather", "male", -1, -1);
    add("grandmother", "female", -1, -1);
    add("father", "male", 0, 1);
    add("mother", "female", -1, -1);
    add("sibling", "", 2, 3);
    add("missing", "", 2, 3);
    family.members[5].missing = true;
    std::string kinds;
    for (size_t i = 0; i < count; ++i) {
      const Profile* p = choices[i].second;
      const std::string member = p->sample.substr(id.size() + 1);
      family.members[static_cast<size_t>(family.member_index(member))].profile = *p;
      out.references.push_back(*p);
      kinds += (kinds.empty() ? "" : "+") + choices[i].first;
    }
    out.families.push_back(std::move(family));
    out.reference_kind.push_back(kinds);
  }
  // Remains: missing persons of some families, then unrelated persons.
  std::vector<size_t> order(config.families);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  const size_t identified =
      std::min(config.families,
               static_cast<size_t>(config.identified_share * static_cast<double>(config.remains)));
  std::uniform_real_distribution<double> unit(0, 1);
  for (size_t r = 0; r < config.remains; ++r) {
    Profile p;
    const std::string name = "R-" + std::to_string(r + 1);
    if (r < identified) {
      p = missing_persons[order[r]];
      out.truth.push_back(static_cast<int>(order[r]));
    } else {
      p = d.founder(name);
      out.truth.push_back(-1);
    }
    p.sample = name;
    p.dropout = config.dropout;
    for (size_t m : d.markers) {
      Genotype& g = p.markers[m];
      if (unit(rng) < config.lost_markers) {
        g = {};
      } else if (config.dropout > 0 && g.a != g.b &&
                 unit(rng) < 2 * config.dropout * (1 - config.dropout)) {
        g = rng() % 2 ? Genotype{g.a, g.a} : Genotype{g.b, g.b};  // one allele dropped
      }
    }
    out.remains.push_back(std::move(p));
  }
  if (config.fragment_share > 0) {
    const size_t whole = out.remains.size();
    const size_t every =
        std::max<size_t>(1, static_cast<size_t>(std::lround(1 / config.fragment_share)));
    for (size_t r = 0; r < whole; r += every) {
      Profile fragment = out.remains[r];
      fragment.sample += "-fragment";
      for (size_t m : d.markers)
        if (unit(rng) < 0.3) fragment.markers[m] = {};
      out.remains.push_back(std::move(fragment));
      out.truth.push_back(out.truth[r]);
    }
  }
  return out;
}

void write_family_simulation(const FamilySimulation& s, const FrequencyTable& table,
                             const std::string& folder) {
  std::filesystem::create_directories(folder);
  const auto write_profiles = [&](const std::string& file, const std::vector<Profile>& profiles,
                                  bool dropout) {
    std::ofstream out(folder + "/" + file);
    out << "sample,marker,allele1,allele2" << (dropout ? ",dropout" : "") << "\n";
    for (const Profile& p : profiles) {
      for (size_t m = 0; m < table.size(); ++m) {
        if (!p.markers[m].typed()) continue;
        out << p.sample << ',' << table.marker(m).name << ',' << allele_text(p.markers[m].a) << ','
            << allele_text(p.markers[m].b);
        if (dropout) out << ',' << p.dropout;
        out << "\n";
      }
    }
    if (!out) throw core::Unavailable("cannot write " + folder + "/" + file);
  };
  write_profiles("references.csv", s.references, false);
  write_profiles("remains.csv", s.remains, true);
  std::ofstream families(folder + "/families.csv");
  families << "family,member,sex,father,mother,sample,missing\n";
  for (const Family& f : s.families) {
    for (const Member& m : f.members) {
      families << f.id << ',' << m.name << ',' << (m.sex.empty() ? "unknown" : m.sex) << ','
               << (m.father < 0 ? "-" : f.members[static_cast<size_t>(m.father)].name) << ','
               << (m.mother < 0 ? "-" : f.members[static_cast<size_t>(m.mother)].name) << ','
               << (m.typed() ? m.profile.sample : "-") << ',' << (m.missing ? "yes" : "no") << "\n";
    }
  }
  std::ofstream truth(folder + "/truth.csv");
  truth << "remains,family,references\n";
  for (size_t r = 0; r < s.remains.size(); ++r) {
    const int f = s.truth[r];
    truth << s.remains[r].sample << ',' << (f < 0 ? "-" : s.families[static_cast<size_t>(f)].id)
          << ',' << (f < 0 ? "-" : s.reference_kind[static_cast<size_t>(f)]) << "\n";
  }
  if (!families || !truth) throw core::Unavailable("cannot write to " + folder);
}

}  // namespace athar::kinship
