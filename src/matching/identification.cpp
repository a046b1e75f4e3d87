#include "matching/identification.h"

#include <cctype>
#include <map>

#include "core/error.h"
#include "core/text.h"
#include "matching/kinship_store.h"

namespace athar::matching {

namespace {

using registry::Kind;
using registry::kind_spec;
using registry::ListQuery;
using registry::Record;

std::vector<Record> records_where(registry::Registry& registry, Kind kind, const char* field,
                                  const std::string& value) {
  ListQuery q;
  q.limit = 0;
  q.equals.emplace_back(field, value);
  return registry.list(kind_spec(kind), q);
}

// Builds one pedigree around the missing member, adding the relatives that join each donor to
// them only when a donor needs them.
class PedigreeBuilder {
 public:
  PedigreeBuilder(const std::string& id, const std::string& sex) {
    family_.id = id;
    missing_ = add(id, sex, true);
  }

  // A place that one person fills: the missing person's parents, grandparents, spouse.
  int slot(const std::string& key) {
    if (const auto it = slots_.find(key); it != slots_.end()) return it->second;
    int index = -1;
    if (key == "father" || key == "mother") {
      const int father = add("father", "male"), mother = add("mother", "female");
      slots_["father"] = father;
      slots_["mother"] = mother;
      set_parents(missing_, father, mother);
      return slots_.at(key);
    }
    if (key.rfind("paternal ", 0) == 0 || key.rfind("maternal ", 0) == 0) {
      // Grandparents: the parents of the missing person's father or mother.
      const bool paternal = key[0] == 'p';
      const std::string side = paternal ? "paternal " : "maternal ";
      const int grandfather = add(side + "grandfather", "male");
      const int grandmother = add(side + "grandmother", "female");
      slots_[side + "grandfather"] = grandfather;
      slots_[side + "grandmother"] = grandmother;
      set_parents(slot(paternal ? "father" : "mother"), grandfather, grandmother);
      return slots_.at(key);
    }
    if (key == "spouse") {
      index = add("other parent of the children", missing_sex() == "female" ? "male" : "female");
    }
    if (index < 0) throw std::logic_error("no pedigree slot " + key);
    slots_[key] = index;
    return index;
  }

  // Places a typed donor; false (and a note) when the place is taken by another donor.
  bool place(const Record& sample, const kinship::Profile& profile,
             std::vector<std::string>& notes) {
    const std::string& relation = sample.get("relation");
    const std::string id = sample.id();
    const std::string sex = sample.get("donor_sex") == "unknown" ? "" : sample.get("donor_sex");
    const auto fill = [&](int index) {
      kinship::Member& m = family_.members[static_cast<size_t>(index)];
      if (m.typed()) {
        notes.push_back(id + ": the " + relation + " is already " + m.name +
                        "; a second sample for one person is left out");
        return false;
      }
      m.name = id;
      m.profile = profile;
      return true;
    };
    if (relation == "father" || relation == "mother" || relation == "spouse")
      return fill(slot(relation));
    if (relation == "paternal_grandfather" || relation == "paternal_grandmother" ||
        relation == "maternal_grandfather" || relation == "maternal_grandmother") {
      std::string key = relation;
      key[8] = ' ';  // "paternal_grandfather" → "paternal grandfather"
      return fill(slot(key));
    }
    if (relation == "child") {
      // The missing person's sex decides which parent they are; unknown: taken as the father
      // (autosomal likelihoods do not depend on it; a mutation rate does, slightly).
      const bool as_mother = missing_sex() == "female";
      const int other = slot("spouse");
      const int child = add(id, sex, false, &profile);
      set_parents(child, as_mother ? other : missing_, as_mother ? missing_ : other);
      return true;
    }
    if (relation == "full_sibling") {
      set_parents(add(id, sex, false, &profile), slot("father"), slot("mother"));
      return true;
    }
    if (relation == "paternal_half_sibling" || relation == "maternal_half_sibling") {
      const bool paternal = relation[0] == 'p';
      const int other =
          add((paternal ? "mother of " : "father of ") + id, paternal ? "female" : "male");
      const int sibling = add(id, sex, false, &profile);
      set_parents(sibling, paternal ? slot("father") : other, paternal ? other : slot("mother"));
      return true;
    }
    if (relation == "paternal_uncle" || relation == "paternal_aunt" ||
        relation == "maternal_uncle" || relation == "maternal_aunt") {
      const std::string side = relation[0] == 'p' ? "paternal " : "maternal ";
      const std::string donor_sex = relation.find("uncle") != std::string::npos ? "male" : "female";
      set_parents(add(id, donor_sex, false, &profile), slot(side + "grandfather"),
                  slot(side + "grandmother"));
      return true;
    }
    if (relation == "paternal_cousin" || relation == "maternal_cousin") {
      // Through an untyped uncle (paternal) or aunt (maternal) and their spouse; cousins given
      // separately are each joined through their own uncle or aunt.
      const bool paternal = relation[0] == 'p';
      const std::string side = paternal ? "paternal " : "maternal ";
      const int joining =
          add((paternal ? "uncle of " : "aunt of ") + id, paternal ? "male" : "female");
      set_parents(joining, slot(side + "grandfather"), slot(side + "grandmother"));
      const int spouse =
          add((paternal ? "mother of " : "father of ") + id, paternal ? "female" : "male");
      const int cousin = add(id, sex, false, &profile);
      set_parents(cousin, paternal ? joining : spouse, paternal ? spouse : joining);
      return true;
    }
    notes.push_back(id + ": relation " + relation + " is not used in a pedigree");
    return false;
  }

  kinship::Family take() { return std::move(family_); }
  const std::vector<kinship::Member>& members() const { return family_.members; }
  bool typed() const {
    for (const auto& m : family_.members)
      if (m.typed()) return true;
    return false;
  }

 private:
  int add(const std::string& name, const std::string& sex, bool missing = false,
          const kinship::Profile* profile = nullptr) {
    kinship::Member m;
    m.name = name;
    m.sex = sex;
    m.missing = missing;
    if (profile) m.profile = *profile;
    family_.members.push_back(std::move(m));
    return static_cast<int>(family_.members.size() - 1);
  }
  void set_parents(int child, int father, int mother) {
    family_.members[static_cast<size_t>(child)].father = father;
    family_.members[static_cast<size_t>(child)].mother = mother;
  }
  const std::string& missing_sex() const {
    return family_.members[static_cast<size_t>(missing_)].sex;
  }

  kinship::Family family_;
  int missing_ = 0;
  std::map<std::string, int> slots_;
};

bool searched_for(const Record& person) {
  const std::string& status = person.get("status");
  return status == "missing" || status == "detained" || status == "dead";
}

std::optional<PersonFamily> build(registry::Registry& registry,
                                  const kinship::FrequencyTable& table, const Record& person,
                                  const std::string& partner = {},
                                  std::vector<std::string>* outside_consent = nullptr,
                                  const std::string& another_relation = {}) {
  const std::string id = person.id();
  const std::string sex = person.get("sex") == "unknown" ? "" : person.get("sex");
  PersonFamily out;
  PedigreeBuilder builder(id, sex);
  for (const Record& sample : records_where(registry, Kind::kSample, "missing_person", id)) {
    if (sample.get("kind") != "reference") continue;
    if (!partner.empty() && !consent_covers(sample, partner)) {
      if (outside_consent)
        outside_consent->push_back(sample.id() + " (" + sample.get("consent") + ")");
      continue;
    }
    const std::string& profile_name = sample.get("profile");
    if (profile_name.empty()) {
      out.notes.push_back(sample.id() + ": not typed yet");
      continue;
    }
    const auto profile = stored_profile(registry, table, profile_name, "reference");
    if (!profile) {
      out.notes.push_back(sample.id() + ": profile " + profile_name +
                          " is not a stored reference profile");
      continue;
    }
    builder.place(sample, *profile, out.notes);
  }
  if (!builder.typed()) return std::nullopt;
  if (!another_relation.empty()) {
    // A hypothetical donor typed like the first typed member.
    kinship::Profile profile;
    for (const auto& m : builder.members())
      if (m.typed() && profile.markers.empty()) profile = m.profile;
    profile.sample = "candidate";
    Record donor(kind_spec(Kind::kSample));
    donor.set("kind", "reference");
    donor.set("relation", another_relation);
    std::vector<std::string> refused;
    if (!builder.place(donor, profile, refused)) return std::nullopt;
  }
  out.family = builder.take();
  kinship::check_family(out.family);
  return out;
}

}  // namespace

std::optional<PersonFamily> family_of_person(registry::Registry& registry,
                                             const kinship::FrequencyTable& table,
                                             const std::string& person_id) {
  const auto parsed = registry::parse_record_id(person_id);
  if (!parsed || parsed->kind != Kind::kPerson) return std::nullopt;
  return build(registry, table, registry.get(person_id));
}

bool consent_covers(const registry::Record& sample, const std::string& partner) {
  if (sample.get("consent") != "sharing") return false;
  const auto key = [](std::string_view text) {
    std::string out;
    for (char c : core::trim(text)) {
      if (c != ' ') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
  };
  const std::string wanted = key(partner);
  std::string named;
  for (char c : sample.get("consent_partners") + ";") {
    if (c == ',' || c == ';' || c == '\n') {
      if (!wanted.empty() && key(named) == wanted) return true;
      named.clear();
    } else {
      named.push_back(c);
    }
  }
  return false;
}

std::optional<PersonFamily> family_with_another_donor(registry::Registry& registry,
                                                      const kinship::FrequencyTable& table,
                                                      const std::string& person_id,
                                                      const std::string& relation) {
  const auto parsed = registry::parse_record_id(person_id);
  if (!parsed || parsed->kind != Kind::kPerson) return std::nullopt;
  return build(registry, table, registry.get(person_id), {}, nullptr, relation);
}

std::vector<kinship::Family> person_families(registry::Registry& registry,
                                             const kinship::FrequencyTable& table,
                                             const std::string& partner,
                                             std::vector<std::string>* outside_consent) {
  // The persons some reference sample names, in order, each once.
  std::map<int64_t, bool> persons;
  ListQuery q;
  q.limit = 0;
  q.equals.emplace_back("kind", "reference");
  for (const Record& sample : registry.list(kind_spec(Kind::kSample), q)) {
    const auto person = registry::parse_record_id(sample.get("missing_person"));
    if (person && !sample.get("profile").empty()) persons[person->num] = true;
  }
  std::vector<kinship::Family> out;
  for (const auto& [num, unused] : persons) {
    const Record person = registry.get(registry::format_record_id(Kind::kPerson, num));
    if (!searched_for(person)) continue;
    if (auto f = build(registry, table, person, partner, outside_consent))
      out.push_back(std::move(f->family));
  }
  return out;
}

int lineage_meioses(kinship::Lineage lineage, const std::string& relation,
                    const std::string& missing_sex, const std::string& donor_sex) {
  if (lineage == kinship::Lineage::kPaternal) {
    if (missing_sex != "male") return 0;
    static const std::map<std::string, int> kMen{
        {"father", 1}, {"paternal_grandfather", 2}, {"paternal_uncle", 3}};
    if (const auto it = kMen.find(relation); it != kMen.end()) return it->second;
    // Relations of either sex: the donor's own sex decides.
    static const std::map<std::string, int> kEither{
        {"child", 1}, {"full_sibling", 2}, {"paternal_half_sibling", 2}, {"paternal_cousin", 4}};
    const auto it = kEither.find(relation);
    return it != kEither.end() && donor_sex == "male" ? it->second : 0;
  }
  static const std::map<std::string, int> kMaternal{{"mother", 1},
                                                    {"full_sibling", 2},
                                                    {"maternal_half_sibling", 2},
                                                    {"maternal_grandmother", 2},
                                                    {"maternal_uncle", 3},
                                                    {"maternal_aunt", 3},
                                                    {"maternal_cousin", 4}};
  if (const auto it = kMaternal.find(relation); it != kMaternal.end()) return it->second;
  return relation == "child" && missing_sex == "female" ? 1 : 0;  // a mother's line goes on
}

std::optional<registry::Record> sample_of_profile(registry::Registry& registry,
                                                  const std::string& profile,
                                                  const std::string& kind) {
  for (Record& sample : records_where(registry, Kind::kSample, "profile", profile)) {
    if (sample.get("kind") == kind && !sample.retracted()) return std::move(sample);
  }
  return std::nullopt;
}

std::optional<registry::Record> remains_of_profile(registry::Registry& registry,
                                                   const std::string& profile) {
  for (const Record& sample : records_where(registry, Kind::kSample, "profile", profile)) {
    if (sample.get("kind") == "remains" && !sample.get("remains").empty())
      return registry.get(sample.get("remains"));
  }
  return std::nullopt;
}

}  // namespace athar::matching
