#include "app/screening.h"

#include <algorithm>
#include <cmath>

#include "core/csv.h"
#include "core/error.h"
#include "kinship/pairwise.h"
#include "matching/kinship_store.h"

namespace athar::app {

ScreenResult screen_remains(Session* session, kinship::FrequencyTable table, const ScreenOptions& o,
                            const core::Progress& progress) {
  progress(0, "reading profiles");
  const bool from_files = !o.families.empty() || !o.references.empty();
  if (from_files && (o.families.empty() || o.references.empty() || o.remains.empty())) {
    throw core::InputError("kinship screen", "families", "",
                           "give the families, references and remains files together, or none "
                           "of them to screen what the registry holds");
  }
  if (!from_files && !session) {
    throw core::InputError("kinship screen", "families", "",
                           "screening the registry's profiles needs a data folder");
  }
  if (session) session->require(Permission::kRunAnalyses, "screen remains");
  ScreenResult r{std::move(table), {}, {}, {}, {}, 0, {}, {}, {}, {}};
  registry::Registry* reg = session ? &session->registry() : nullptr;
  r.references = from_files ? kinship::read_profiles(o.references, r.table)
                            : matching::stored_profiles(*reg, r.table, "reference");
  r.remains = from_files ? kinship::read_profiles(o.remains, r.table)
                         : matching::stored_profiles(*reg, r.table, "remains");
  std::vector<kinship::Profile> everyone = r.references;
  everyone.insert(everyone.end(), r.remains.begin(), r.remains.end());
  r.unseen_alleles = r.table.add_unseen(everyone);
  r.families = from_files ? kinship::read_families(o.families, r.references, r.table)
                          : matching::stored_families(*reg, r.table);
  kinship::MutationModel mutation;
  mutation.kind = kinship::parse_mutation_model(o.mutation);
  mutation.male_rate = o.male_rate;
  mutation.female_rate = o.female_rate;
  mutation.range = o.range;
  if (!o.rates_file.empty()) mutation.marker_rates = kinship::read_mutation_rates(o.rates_file);
  if (o.theta > 0 && mutation.kind != kinship::MutationModel::Kind::kNone) {
    throw core::InputError("kinship screen", "theta", std::to_string(o.theta),
                           "θ and a mutation model are not combined yet");
  }
  const kinship::ScreeningIndex index(r.table, r.families, 0, mutation, progress.part(0.05, 0.5));
  r.missing_persons = index.targets().size();
  kinship::ScreeningOptions options;
  options.threshold = o.threshold;
  options.prior = o.prior;
  options.progress = progress.part(0.5, 0.9);
  r.screening = kinship::screen(index, r.remains, options);
  progress(0.9, o.theta > 0 ? "applying theta" : "assigning");
  if (o.theta > 0) {
    // θ exactly, on the candidates found without it (θ only lowers a match's LR).
    std::vector<kinship::ScreeningCandidate> kept;
    for (auto c : r.screening.candidates) {
      c.log10_lr = kinship::missing_person_lr_theta(r.table, r.families[c.family], c.member,
                                                    r.remains[c.remains], o.theta)
                       .log10_lr;
      if (c.log10_lr < std::log10(o.threshold)) continue;
      const double lr_prior = std::pow(10.0, c.log10_lr) * r.screening.prior;
      c.posterior = lr_prior / (lr_prior + 1 - r.screening.prior);
      kept.push_back(c);
    }
    std::stable_sort(kept.begin(), kept.end(), [](const auto& x, const auto& y) {
      return x.remains != y.remains ? x.remains < y.remains : x.log10_lr > y.log10_lr;
    });
    r.screening.candidates = std::move(kept);
  }
  if (o.assign) {
    const auto matches =
        kinship::direct_matches(r.table, r.remains, r.remains, true, 0.01, o.match_threshold);
    r.direct_matches = matches.size();
    r.body_of_remains = kinship::fragment_bodies(matches, r.remains.size());
    r.assignment = kinship::assign(r.screening.candidates, r.body_of_remains);
  }
  return r;
}

core::OrderedJson ScreenResult::to_json() const {
  core::OrderedJson list = core::OrderedJson::array();
  for (const auto& c : screening.candidates) {
    list.push_back({{"remains", remains[c.remains].sample},
                    {"family", families[c.family].id},
                    {"member", families[c.family].members[c.member].name},
                    {"log10_lr", c.log10_lr},
                    {"markers_compared", c.markers_compared},
                    {"posterior", c.posterior}});
  }
  core::OrderedJson out = {{"remains", remains.size()},
                           {"missing_persons", missing_persons},
                           {"comparisons", screening.comparisons},
                           {"seconds", screening.seconds},
                           {"prior", screening.prior},
                           {"unseen_alleles", unseen_alleles},
                           {"candidates", list}};
  if (direct_matches) {
    core::OrderedJson assigned = core::OrderedJson::array();
    for (const auto& a : assignment) {
      core::OrderedJson fragments = core::OrderedJson::array();
      for (size_t i = 0; i < remains.size(); ++i)
        if (body_of_remains[i] == a.body) fragments.push_back(remains[i].sample);
      assigned.push_back({{"fragments", fragments},
                          {"family", families[a.family].id},
                          {"member", families[a.family].members[a.member].name},
                          {"log10_lr", a.log10_lr}});
    }
    out["direct_matches"] = *direct_matches;
    out["assignment"] = assigned;
  }
  return out;
}

void ScreenResult::write_csv(std::ostream& out) const {
  out << "remains,family,member,log10_lr,markers_compared,posterior\n";
  for (const auto& c : screening.candidates) {
    // Sample, family and member names come from the user's files: cells, not formulas.
    for (const std::string* cell : {&remains[c.remains].sample, &families[c.family].id,
                                    &families[c.family].members[c.member].name}) {
      core::write_csv_cell(out, *cell);
      out << ',';
    }
    out << c.log10_lr << ',' << c.markers_compared << ',' << c.posterior << "\n";
  }
}

}  // namespace athar::app
