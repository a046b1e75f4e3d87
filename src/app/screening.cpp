#include "app/screening.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "app/analyses.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/text.h"
#include "kinship/pairwise.h"
#include "ledger/hash.h"
#include "matching/identification.h"
#include "matching/kinship_store.h"

namespace athar::app {

kinship::MutationModel mutation_model(const ScreenOptions& o, const kinship::FrequencyTable& table,
                                      std::vector<MarkerMutationRate>* described) {
  kinship::MutationModel mutation;
  mutation.kind = kinship::parse_mutation_model(o.mutation);
  if (mutation.kind == kinship::MutationModel::Kind::kNone) return mutation;
  for (const auto& [name, rate] :
       {std::pair{"male rate", o.male_rate}, {"female rate", o.female_rate}}) {
    if (!(rate >= 0 && rate < 1))
      throw core::InputError("kinship", name, core::shortest_number(rate), "a rate in [0, 1)");
  }
  if (!(o.range > 0 && o.range < 1))
    throw core::InputError("kinship", "range", core::shortest_number(o.range), "in (0, 1)");
  mutation.male_rate = o.male_rate;
  mutation.female_rate = o.female_rate;
  mutation.range = o.range;
  const std::string rates_file = o.rates_file.empty() ? default_mutation_rates() : o.rates_file;
  mutation.marker_rates = kinship::read_mutation_rates(rates_file);
  if (described) {
    const std::string source =
        o.rates_file.empty()
            ? "AABB 2003 (" + std::filesystem::path(rates_file).filename().string() + ")"
            : rates_file;
    for (size_t m = 0; m < table.size(); ++m) {
      const std::string& name = table.marker(m).name;
      const auto [fathers, mothers] = mutation.rates_of(name);
      const bool listed = mutation.marker_rates.count(kinship::canonical_marker(name)) > 0;
      described->push_back({name, fathers, mothers, listed ? source : "default average"});
    }
  }
  return mutation;
}

std::string describe_mutation(const std::string& model,
                              const std::vector<MarkerMutationRate>& rates) {
  if (rates.empty()) return "mutation " + model;
  std::map<std::string, std::vector<std::string>> by_source;
  for (const auto& r : rates) by_source[r.source].push_back(r.marker);
  std::string out = "mutation " + model + ", rates:";
  bool first = true;
  for (const auto& [source, markers] : by_source) {
    out += first ? " " : "; ";
    first = false;
    if (source == "default average") {
      out += "the default average for " + std::to_string(markers.size()) + " markers (";
      for (size_t i = 0; i < markers.size(); ++i) out += (i ? ", " : "") + markers[i];
      out += ")";
    } else {
      out += source + " for " + std::to_string(markers.size()) + " markers";
    }
  }
  return out;
}

void check_theta(double theta) {
  if (!(theta >= 0 && theta < 0.5))
    throw core::InputError("kinship", "theta", core::shortest_number(theta),
                           "Fst in [0, 0.5), e.g. 0.01");
}

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
  check_theta(o.theta);
  if (!(o.threshold >= 0))
    throw core::InputError("kinship screen", "threshold", core::shortest_number(o.threshold),
                           "a likelihood ratio, 0 or more");
  if (o.assign && !(o.assign_floor >= 1))
    throw core::InputError("kinship screen", "assign floor", core::shortest_number(o.assign_floor),
                           "a likelihood ratio, 1 or more");
  if (session) session->require(Permission::kRunAnalyses, "screen remains");
  const std::string frequencies_sha256 = matching::frequency_table_sha256(table);
  ScreenResult r{std::move(table), {}, {},      {}, {}, 0, {}, {}, {}, {}, 0,
                 o.mutation,       {}, o.theta, {}, {}};
  r.threshold = o.threshold;
  registry::Registry* reg = session ? &session->registry() : nullptr;
  r.references = from_files ? kinship::read_profiles(o.references, r.table)
                            : matching::stored_profiles(*reg, r.table, "reference");
  r.remains = from_files ? kinship::read_profiles(o.remains, r.table)
                         : matching::stored_profiles(*reg, r.table, "remains");
  std::vector<kinship::Profile> everyone = r.references;
  everyone.insert(everyone.end(), r.remains.begin(), r.remains.end());
  r.unseen_alleles = r.table.add_unseen(everyone);
  if (!o.for_partner.empty() && from_files)
    throw core::InputError("kinship screen", "for", o.for_partner,
                           "files record no donor's consent: a partner's screening uses the "
                           "registry's samples");
  r.families = from_files ? kinship::read_families(o.families, r.references, r.table)
                          : matching::stored_families(*reg, r.table);
  if (!o.for_partner.empty()) {
    for (const auto& f : r.families)
      r.outside_consent.push_back("family " + f.id + " (imported: no consent recorded)");
    r.families.clear();
  }
  if (!from_files) {  // and the missing persons whose relatives gave typed reference samples
    for (auto& f : matching::person_families(*reg, r.table, o.for_partner, &r.outside_consent))
      r.families.push_back(std::move(f));
  }
  if (!r.outside_consent.empty() && !o.consenting_only) {
    std::string list;
    for (size_t i = 0; i < r.outside_consent.size() && i < 20; ++i)
      list += (i ? ", " : "") + r.outside_consent[i];
    if (r.outside_consent.size() > 20)
      list += " and " + std::to_string(r.outside_consent.size() - 20) + " more";
    throw core::InputError("kinship screen", "for", o.for_partner,
                           "outside the consent of " + list +
                               ": their donors agreed to identification only, or to sharing "
                               "with others; screen with consenting-only to leave them out");
  }
  const kinship::MutationModel mutation = mutation_model(o, r.table, &r.mutation_rates);
  const kinship::ScreeningIndex index(r.table, r.families, 0, mutation, progress.part(0.05, 0.5));
  r.missing_persons = index.targets().size();
  // With the joint assignment, pairs below the reporting threshold are screened too.
  const double floor = o.assign ? std::min(o.threshold, o.assign_floor) : o.threshold;
  kinship::ScreeningOptions options;
  options.threshold = floor;
  options.prior = o.prior;
  options.progress = progress.part(0.5, 0.9);
  r.screening = kinship::screen(index, r.remains, options);
  progress(0.9, o.theta > 0 ? "applying theta" : "assigning");
  std::vector<kinship::ScreeningCandidate>& found = r.screening.candidates;
  if (o.theta > 0) {
    // θ exactly, on the candidates found without it (θ only lowers a match's LR).
    for (auto& c : found) {
      c.log10_lr = kinship::missing_person_lr_theta(r.table, r.families[c.family], c.member,
                                                    r.remains[c.remains], o.theta, mutation)
                       .log10_lr;
      c.posterior = kinship::posterior_probability(c.log10_lr, r.screening.prior);
    }
    std::erase_if(found, [&](const auto& c) { return !(c.log10_lr >= std::log10(floor)); });
    std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
      return x.remains != y.remains ? x.remains < y.remains : x.log10_lr > y.log10_lr;
    });
  }
  if (o.assign) {
    const auto matches =
        kinship::direct_matches(r.table, r.remains, r.remains, true, 0.01, o.match_threshold);
    r.direct_matches = matches.size();
    r.body_of_remains = kinship::fragment_bodies(matches, r.remains.size());
    r.assignment = kinship::assign(found, r.body_of_remains);
    // Reported: the candidates at the reporting threshold only.
    const double reporting = o.threshold > 0 ? std::log10(o.threshold) : -INFINITY;
    std::erase_if(found, [&](const auto& c) { return !(c.log10_lr >= reporting); });
  }
  if (reg) {
    // Kept, so that the result can be reproduced: the settings, the table by hash, every
    // candidate at the threshold, a ledger entry.
    core::OrderedJson rates = core::OrderedJson::array();
    for (const auto& m : r.mutation_rates)
      rates.push_back({m.marker, m.fathers, m.mothers, m.source});
    const core::OrderedJson settings = {
        {"threshold", o.threshold}, {"prior", r.screening.prior},
        {"mutation", o.mutation},   {"mutation_rates", rates},
        {"range", o.range},         {"theta", o.theta},
        {"assign", o.assign},       {"assign_floor", o.assign_floor},
        {"for", o.for_partner},     {"consenting_only", o.consenting_only}};
    core::OrderedJson candidates = core::OrderedJson::array();
    for (const auto& c : found) {
      candidates.push_back(
          {r.remains[c.remains].sample, r.families[c.family].id,
           r.families[c.family].members[c.member].name,
           c.log10_lr == -INFINITY ? core::OrderedJson("excluded") : core::OrderedJson(c.log10_lr),
           c.posterior});
    }
    matching::KeptScreeningRun run;
    run.settings = settings.dump();
    run.frequencies_sha256 = frequencies_sha256;
    run.athar_version = ATHAR_VERSION;
    run.remains = static_cast<int64_t>(r.remains.size());
    run.missing_persons = static_cast<int64_t>(r.missing_persons);
    run.candidates = candidates.dump();
    r.kept_run = matching::keep_screening_run(*reg, std::move(run)).id();
  }
  return r;
}

namespace {

// The markers at which the remains exclude the missing person, by name.
std::vector<std::string> excluding_marker_names(const kinship::FrequencyTable& table,
                                                uint64_t markers) {
  std::vector<std::string> names;
  for (size_t m = 0; m < table.size(); ++m) {
    if (markers >> m & 1) names.push_back(table.marker(m).name);
  }
  return names;
}

}  // namespace

core::OrderedJson ScreenResult::to_json() const {
  core::OrderedJson list = core::OrderedJson::array();
  for (const auto& c : screening.candidates) {
    core::OrderedJson j = {{"remains", remains[c.remains].sample},
                           {"family", families[c.family].id},
                           {"member", families[c.family].members[c.member].name}};
    // JSON has no −inf: an exclusion says so, and where.
    if (c.log10_lr == -INFINITY) {
      j["excluded"] = true;
      j["excluded_at"] = excluding_marker_names(table, c.excluding_markers);
    } else {
      j["log10_lr"] = c.log10_lr;
    }
    j["markers_compared"] = c.markers_compared;
    j["posterior"] = c.posterior;
    list.push_back(std::move(j));
  }
  core::OrderedJson out = {{"remains", remains.size()},
                           {"missing_persons", missing_persons},
                           {"comparisons", screening.comparisons},
                           {"seconds", screening.seconds},
                           {"threshold", threshold},
                           {"prior", screening.prior},
                           {"theta", theta},
                           {"mutation", mutation_model},
                           {"unseen_alleles", unseen_alleles},
                           {"outside_consent", outside_consent},
                           {"run", kept_run},
                           {"candidates", list}};
  if (!mutation_rates.empty()) {
    core::OrderedJson rates = core::OrderedJson::array();
    for (const auto& m : mutation_rates) {
      rates.push_back({{"marker", m.marker},
                       {"fathers", m.fathers},
                       {"mothers", m.mothers},
                       {"source", m.source}});
    }
    out["mutation_rates"] = rates;
  }
  if (direct_matches) {
    const double reporting = threshold > 0 ? std::log10(threshold) : -INFINITY;
    core::OrderedJson assigned = core::OrderedJson::array();
    for (const auto& a : assignment) {
      core::OrderedJson fragments = core::OrderedJson::array();
      for (size_t i = 0; i < remains.size(); ++i)
        if (body_of_remains[i] == a.body) fragments.push_back(remains[i].sample);
      assigned.push_back({{"fragments", fragments},
                          {"family", families[a.family].id},
                          {"member", families[a.family].members[a.member].name},
                          {"log10_lr", a.log10_lr},
                          {"below_threshold", !(a.log10_lr >= reporting)}});
    }
    out["direct_matches"] = *direct_matches;
    out["assignment"] = assigned;
  }
  return out;
}

void ScreenResult::write_csv(std::ostream& out) const {
  out << "remains,family,member,log10_lr,markers_compared,posterior,excluded_at\n";
  for (const auto& c : screening.candidates) {
    // Sample, family and member names come from the user's files: cells, not formulas.
    for (const std::string* cell : {&remains[c.remains].sample, &families[c.family].id,
                                    &families[c.family].members[c.member].name}) {
      core::write_csv_cell(out, *cell);
      out << ',';
    }
    // Exactly, as JSON has it: the shortest text that reads back as the same double.
    std::string excluded;
    for (const std::string& m : excluding_marker_names(table, c.excluding_markers))
      excluded += (excluded.empty() ? "" : " ") + m;
    out << core::shortest_number(c.log10_lr) << ',' << c.markers_compared << ','
        << core::shortest_number(c.posterior) << ',';
    core::write_csv_cell(out, excluded);
    out << "\n";
  }
}

KinshipLrResult kinship_lr(Session* session, kinship::FrequencyTable table, const ScreenOptions& o,
                           const KinshipLrRequest& request) {
  const bool from_files = !o.families.empty() || !o.references.empty();
  if (from_files && (o.families.empty() || o.references.empty() || o.remains.empty())) {
    throw core::InputError("kinship lr", "families", "",
                           "give the families, references and remains files together, or none "
                           "of them to use what the registry holds");
  }
  if (!from_files && !session)
    throw core::InputError("kinship lr", "families", "",
                           "the registry's families need a data folder");
  check_theta(o.theta);
  if (request.prior != 0 && !(request.prior > 0 && request.prior < 1))
    throw core::InputError("kinship lr", "prior", core::shortest_number(request.prior),
                           "in (0, 1)");
  KinshipLrResult r{std::move(table), {}, 0, {}, {}, o.mutation, {}, o.theta, request.prior, 0, {}};
  std::optional<kinship::Family> family;
  std::optional<kinship::Profile> remains;
  if (from_files) {
    const auto references = kinship::read_profiles(o.references, r.table);
    for (auto& p : kinship::read_profiles(o.remains, r.table)) {
      if (p.sample == request.remains) remains = std::move(p);
    }
    for (auto& f : kinship::read_families(o.families, references, r.table)) {
      if (f.id == request.family) family = std::move(f);
    }
  } else {
    session->require(Permission::kReadGeneticProfiles, "compare remains with a family");
    registry::Registry& reg = session->registry();
    family = matching::stored_family(reg, r.table, request.family);
    if (!family) {
      if (auto f = matching::family_of_person(reg, r.table, request.family))
        family = std::move(f->family);
    }
    remains = matching::stored_profile(reg, r.table, request.remains, "remains");
    if (family && remains) {  // relatives' genotypes are shown: the read is logged
      registry::Registry::Transaction tx(reg);
      reg.append_ledger_entry("kinship.read", "reads:dna",
                              ledger::sha256("lr\n" + request.family + "\n" + request.remains));
      tx.commit();
    }
  }
  const std::string where = "kinship lr " + request.family + " " + request.remains;
  if (!family) throw core::InputError(where, "family", request.family, "no such family");
  if (!remains)
    throw core::InputError(where, "remains", request.remains, "no such remains profile");
  const std::vector<size_t> missing = family->missing();
  if (request.member.empty()) {
    if (missing.size() != 1)
      throw core::InputError(where, "member", "",
                             "family " + family->id + " has " + std::to_string(missing.size()) +
                                 " missing members: name one");
    r.member = missing[0];
  } else {
    const int index = family->member_index(request.member);
    if (index < 0 || !family->members[static_cast<size_t>(index)].missing)
      throw core::InputError(where, "member", request.member,
                             "is not a missing member of family " + family->id);
    r.member = static_cast<size_t>(index);
  }
  r.family = std::move(*family);
  r.remains = std::move(*remains);
  std::vector<kinship::Profile> everyone{r.remains};
  for (const auto& m : r.family.members)
    if (m.typed()) everyone.push_back(m.profile);
  r.unseen_alleles = r.table.add_unseen(everyone);
  r.lr = kinship::missing_person_lr(r.table, r.family, r.member, r.remains,
                                    mutation_model(o, r.table, &r.mutation_rates), o.theta);
  if (r.prior > 0) r.posterior = kinship::posterior_probability(r.lr.log10_lr, r.prior);
  return r;
}

namespace {
std::string genotype_text(const kinship::Genotype& g) {
  if (!g.typed()) return "";
  return kinship::allele_text(g.a) + "," + kinship::allele_text(g.b);
}
}  // namespace

core::OrderedJson KinshipLrResult::to_json() const {
  std::vector<size_t> typed;
  for (size_t i = 0; i < family.members.size(); ++i)
    if (family.members[i].typed()) typed.push_back(i);
  core::OrderedJson markers = core::OrderedJson::array();
  for (const auto& m : lr.per_marker) {
    core::OrderedJson relatives = core::OrderedJson::object();
    for (size_t i : typed)
      relatives[family.members[i].name] =
          genotype_text(family.members[i].profile.markers[m.marker]);
    core::OrderedJson j = {{"marker", table.marker(m.marker).name},
                           {"remains", genotype_text(remains.markers[m.marker])},
                           {"relatives", relatives}};
    if (m.lr == 0) {
      j["excluded"] = true;
    } else {
      j["lr"] = m.lr;
      j["log10_lr"] = std::log10(m.lr);
    }
    if (!mutation_rates.empty()) {
      const auto& rate = mutation_rates[m.marker];
      j["mutation_rates"] = {
          {"fathers", rate.fathers}, {"mothers", rate.mothers}, {"source", rate.source}};
    }
    markers.push_back(std::move(j));
  }
  core::OrderedJson out = {{"family", family.id},
                           {"member", family.members[member].name},
                           {"remains", remains.sample},
                           {"mutation", mutation_model},
                           {"theta", theta},
                           {"markers_compared", lr.markers_compared},
                           {"inconsistent_markers", lr.inconsistent_markers}};
  if (lr.log10_lr == -INFINITY) {
    std::vector<std::string> at;
    for (const auto& m : lr.per_marker)
      if (m.lr == 0) at.push_back(table.marker(m.marker).name);
    out["excluded"] = true;
    out["excluded_at"] = at;
  } else {
    out["lr"] = lr.lr;
    out["log10_lr"] = lr.log10_lr;
  }
  if (prior > 0) {
    out["prior"] = prior;
    out["posterior"] = posterior;
  }
  out["unseen_alleles"] = unseen_alleles;
  out["markers"] = markers;
  return out;
}

void KinshipLrResult::write_text(std::ostream& out) const {
  std::vector<size_t> typed;
  for (size_t i = 0; i < family.members.size(); ++i)
    if (family.members[i].typed()) typed.push_back(i);
  char line[256];
  std::snprintf(line, sizeof line, "%-12s %-11s", "marker", remains.sample.substr(0, 11).c_str());
  out << line;
  for (size_t i : typed) {
    std::snprintf(line, sizeof line, " %-11s", family.members[i].name.substr(0, 11).c_str());
    out << line;
  }
  out << " LR" << (mutation_rates.empty() ? "" : "           rates (fathers, mothers)") << "\n";
  for (const auto& m : lr.per_marker) {
    std::snprintf(line, sizeof line, "%-12s %-11s", table.marker(m.marker).name.c_str(),
                  genotype_text(remains.markers[m.marker]).c_str());
    out << line;
    for (size_t i : typed) {
      std::snprintf(line, sizeof line, " %-11s",
                    genotype_text(family.members[i].profile.markers[m.marker]).c_str());
      out << line;
    }
    if (m.lr == 0) {
      std::snprintf(line, sizeof line, " %-12s", "excluded");
    } else {
      std::snprintf(line, sizeof line, " %-12.6g", m.lr);
    }
    out << line;
    if (!mutation_rates.empty()) {
      const auto& rate = mutation_rates[m.marker];
      std::snprintf(line, sizeof line, " %g, %g (%s)", rate.fathers, rate.mothers,
                    rate.source.c_str());
      out << line;
    }
    out << "\n";
  }
  out << remains.sample << " as " << family.id << " " << family.members[member].name << ": ";
  if (lr.log10_lr == -INFINITY) {
    out << "excluded at";
    for (const auto& m : lr.per_marker)
      if (m.lr == 0) out << " " << table.marker(m.marker).name;
  } else {
    std::snprintf(line, sizeof line, "LR %.6g (log10 %s)", lr.lr,
                  core::shortest_number(lr.log10_lr).c_str());
    out << line;
  }
  out << " over " << lr.markers_compared << " markers; theta " << theta << "; "
      << describe_mutation(mutation_model, mutation_rates);
  if (prior > 0) out << "; posterior " << core::shortest_number(posterior) << " at prior " << prior;
  out << "\n";
  for (const auto& u : unseen_alleles)
    out << "allele not in the frequency table, given the minimum frequency: " << u << "\n";
}

IdentificationPlan plan_identification(Session& session, const std::string& person_id,
                                       double threshold, size_t simulations) {
  session.require(Permission::kReadRecords, "plan an identification");
  registry::Registry& reg = session.registry();
  const kinship::FrequencyTable table = kinship::FrequencyTable::read(default_frequency_table());
  const std::string where = "kinship plan " + person_id;
  const auto family = matching::family_of_person(reg, table, person_id);
  if (!family)
    throw core::InputError(where, "person", person_id,
                           "no relative of this person has given a typed reference sample");
  IdentificationPlan plan;
  plan.person = person_id;
  plan.threshold = threshold;
  plan.notes = family->notes;
  kinship::FrequencyTable widened = table;
  std::vector<kinship::Profile> typed;
  for (const auto& m : family->family.members)
    if (m.typed()) typed.push_back(m.profile);
  widened.add_unseen(typed);
  const size_t missing = family->family.missing()[0];
  plan.now = kinship::family_power(widened, family->family, missing, threshold, 2000, 1);
  plan.expected_now =
      kinship::expected_power(widened, family->family, missing, threshold, simulations, 2);
  for (const char* relation :
       {"father", "mother", "full_sibling", "child", "paternal_grandfather", "paternal_grandmother",
        "maternal_grandfather", "maternal_grandmother", "paternal_uncle", "maternal_uncle",
        "paternal_half_sibling", "maternal_half_sibling"}) {
    const auto more = matching::family_with_another_donor(reg, widened, person_id, relation);
    if (!more) continue;  // that place is filled already
    plan.with_one_more.push_back(
        {relation, kinship::expected_power(widened, more->family, more->family.missing()[0],
                                           threshold, simulations, 2)});
  }
  std::stable_sort(plan.with_one_more.begin(), plan.with_one_more.end(),
                   [](const auto& a, const auto& b) {
                     if (a.expected.power_at_threshold != b.expected.power_at_threshold)
                       return a.expected.power_at_threshold > b.expected.power_at_threshold;
                     return a.expected.median_log10_lr > b.expected.median_log10_lr;
                   });
  return plan;
}

namespace {
core::OrderedJson power_json(const kinship::FamilyPower& p) {
  return {{"power_at_threshold", p.power_at_threshold},
          {"exclusion_power", p.exclusion_power},
          {"median_log10_lr", p.median_log10_lr},
          {"markers", p.markers},
          {"simulations", p.simulations}};
}
}  // namespace

core::OrderedJson IdentificationPlan::to_json() const {
  core::OrderedJson more = core::OrderedJson::array();
  for (const auto& c : with_one_more)
    more.push_back({{"relation", c.relation}, {"expected", power_json(c.expected)}});
  return {{"person", person},       {"threshold", threshold},
          {"now", power_json(now)}, {"expected_now", power_json(expected_now)},
          {"with_one_more", more},  {"notes", notes}};
}

void IdentificationPlan::write_text(std::ostream& out) const {
  char line[200];
  std::snprintf(line, sizeof line,
                "%s as typed now: a true match reaches LR %g in %.1f%% of cases (median log10 "
                "LR %.1f); an unrelated person is excluded with probability %.6f\n",
                person.c_str(), threshold, 100 * now.power_at_threshold, now.median_log10_lr,
                now.exclusion_power);
  out << line;
  std::snprintf(line, sizeof line,
                "expected for these relatives before typing: %.1f%%, exclusion %.6f\n",
                100 * expected_now.power_at_threshold, expected_now.exclusion_power);
  out << line << "with one more relative's sample (expected):\n";
  for (const auto& c : with_one_more) {
    std::snprintf(line, sizeof line, "  %-24s %5.1f%%  exclusion %.6f  median log10 LR %.1f\n",
                  c.relation.c_str(), 100 * c.expected.power_at_threshold,
                  c.expected.exclusion_power, c.expected.median_log10_lr);
    out << line;
  }
  for (const auto& n : notes) out << "note: " << n << "\n";
}

FragmentJoining join_fragments(Session& session, double threshold) {
  session.require(Permission::kRunAnalyses, "join fragments into bodies");
  if (!(threshold >= 1))
    throw core::InputError("kinship fragments", "threshold", core::shortest_number(threshold),
                           "a likelihood ratio, 1 or more");
  registry::Registry& reg = session.registry();
  kinship::FrequencyTable table = kinship::FrequencyTable::read(default_frequency_table());
  std::vector<kinship::Profile> profiles = matching::stored_profiles(reg, table, "remains");
  table.add_unseen(profiles);
  FragmentJoining out;
  out.profiles = profiles.size();
  const auto matches = kinship::direct_matches(table, profiles, profiles, true, 0.01, threshold);
  out.matches = matches.size();
  const auto body_of = kinship::fragment_bodies(matches, profiles.size());
  std::map<uint32_t, std::vector<size_t>> members;
  for (size_t i = 0; i < profiles.size(); ++i) members[body_of[i]].push_back(i);
  std::map<uint32_t, double> weakest;
  for (const auto& m : matches) {
    const uint32_t b = body_of[m.a];
    weakest[b] = weakest.contains(b) ? std::min(weakest[b], m.log10_lr) : m.log10_lr;
  }
  registry::Registry::Transaction tx(reg);
  for (const auto& [b, group] : members) {
    if (group.size() < 2) continue;
    FragmentBody body;
    body.weakest_log10_lr = weakest[b];
    // The most complete profile's remains record is the body the others name.
    std::vector<std::pair<size_t, registry::Record>> records;
    for (size_t i : group) {
      body.profiles.push_back(profiles[i].sample);
      const auto sample = matching::sample_of_profile(reg, profiles[i].sample, "remains");
      if (!sample || sample->get("remains").empty()) {
        out.unlinked.push_back(profiles[i].sample);
        continue;
      }
      records.emplace_back(profiles[i].typed_markers(), reg.get(sample->get("remains")));
    }
    if (records.size() < 2) continue;
    std::stable_sort(records.begin(), records.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    body.body = records[0].second.id();
    for (size_t k = 1; k < records.size(); ++k) {
      const registry::Record& fragment = records[k].second;
      body.fragments.push_back(fragment.id());
      const std::string& named = fragment.get("body");
      if (named == body.body || fragment.id() == body.body) continue;
      if (!named.empty()) {
        out.conflicts.push_back(fragment.id() + " names " + named + ", not " + body.body);
        continue;
      }
      reg.update(fragment.id(), {{"body", body.body}, {"commingled", "yes"}}, {},
                 "fragment " + fragment.id() + " of " + body.body);
      ++out.records_updated;
    }
    out.bodies.push_back(std::move(body));
  }
  tx.commit();
  return out;
}

core::OrderedJson FragmentJoining::to_json() const {
  core::OrderedJson list = core::OrderedJson::array();
  for (const auto& b : bodies)
    list.push_back({{"body", b.body},
                    {"fragments", b.fragments},
                    {"profiles", b.profiles},
                    {"weakest_log10_lr", b.weakest_log10_lr}});
  return {{"profiles", profiles},   {"matches", matches},
          {"bodies", list},         {"records_updated", records_updated},
          {"conflicts", conflicts}, {"unlinked", unlinked}};
}

void FragmentJoining::write_text(std::ostream& out) const {
  out << profiles << " remains profiles, " << matches << " direct matches, " << bodies.size()
      << " bodies of several fragments; " << records_updated << " remains records updated\n";
  for (const auto& b : bodies) {
    out << "  " << b.body << ":";
    for (const auto& f : b.fragments) out << " " << f;
    out << " (weakest log10 LR " << core::shortest_number(b.weakest_log10_lr) << ")\n";
  }
  for (const auto& c : conflicts) out << "  left as it is: " << c << "\n";
  for (const auto& u : unlinked) out << "  no remains record for profile " << u << "\n";
}

}  // namespace athar::app
