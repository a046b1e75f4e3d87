#include "app/simulated_case.h"

#include <map>
#include <string>

namespace athar::app {

namespace {
// The simulated pedigree's member names as a donor's relation to the missing child.
const std::map<std::string, std::string>& relations() {
  static const std::map<std::string, std::string> kRelations{
      {"father", "father"},
      {"mother", "mother"},
      {"sibling", "full_sibling"},
      {"grandfather", "paternal_grandfather"},
      {"grandmother", "paternal_grandmother"}};
  return kRelations;
}
}  // namespace

core::OrderedJson simulated_case_records(const kinship::FamilySimulation& simulation) {
  core::OrderedJson persons = core::OrderedJson::array(), samples = core::OrderedJson::array(),
                    remains = core::OrderedJson::array();
  for (const kinship::Family& f : simulation.families) {
    const std::string person = f.id;
    for (const kinship::Member& m : f.members) {
      if (m.missing) {
        persons.push_back({{"id", person},
                           {"role", "victim"},
                           {"given_name_lat", "Synthetic"},
                           {"family_name_lat", "Simulated " + f.id},
                           {"sex", m.sex.empty() ? "unknown" : m.sex},
                           {"status", "missing"},
                           {"notes", "SYNTHETIC: a simulated family's missing member"}});
      }
    }
    for (const kinship::Member& m : f.members) {
      if (!m.typed()) continue;
      const auto relation = relations().find(m.name);
      samples.push_back({{"id", "S-" + m.profile.sample},
                         {"kind", "reference"},
                         {"sample_number", "SIM-" + m.profile.sample},
                         {"lab", "Simulated laboratory"},
                         {"missing_person", person},
                         {"relation", relation == relations().end() ? "" : relation->second},
                         {"donor_sex", m.sex.empty() ? "unknown" : m.sex},
                         {"consent", "identification_only"},
                         {"profile", m.profile.sample},
                         {"note", "SYNTHETIC reference sample"}});
    }
  }
  for (size_t r = 0; r < simulation.remains.size(); ++r) {
    const std::string& name = simulation.remains[r].sample;
    const bool fragment = name.find("-fragment") != std::string::npos;
    remains.push_back({{"id", name},
                       {"site", "grave"},
                       {"label", "SYNTHETIC Trench A / " + name},
                       {"recovered_on", "2025-03-02"},
                       {"recovered_by", "Simulated field team"},
                       {"condition", fragment ? "fragmentary" : "partial"},
                       {"commingled", fragment ? "yes" : "unknown"},
                       {"description", "SYNTHETIC simulated remains"}});
    samples.push_back({{"id", "S-" + name},
                       {"kind", "remains"},
                       {"sample_number", "SIM-" + name},
                       {"lab", "Simulated laboratory"},
                       {"material", "bone"},
                       {"remains", name},
                       {"profile", name}});
  }
  return {
      {"format", "athar-registry"},
      {"version", 1},
      {"comment", "SYNTHETIC: a simulated grave and families (athar simulate families --records)"},
      {"sites",
       {{{"id", "grave"},
         {"name_lat", "SYNTHETIC simulated grave"},
         {"latitude", 33.7386},
         {"longitude", 36.6008},
         {"governorate", "Rif Dimashq"},
         {"description", "SYNTHETIC: a simulated grave for validating identification"}}}},
      {"persons", persons},
      {"remains", remains},
      {"samples", samples}};
}

}  // namespace athar::app
