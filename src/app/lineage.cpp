#include "app/lineage.h"

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>

#include "app/analyses.h"
#include "core/error.h"
#include "core/text.h"
#include "kinship/pedigree.h"
#include "ledger/hash.h"
#include "matching/identification.h"
#include "matching/kinship_store.h"

namespace athar::app {

namespace {

std::string line_name(kinship::Lineage lineage) {
  return lineage == kinship::Lineage::kPaternal ? "paternal line (Y-STR)" : "maternal line (mtDNA)";
}

std::string lr(double log10_lr) {
  return log10_lr == -INFINITY ? std::string("excluded")
                               : "log10 LR " + core::shortest_number(log10_lr);
}

core::OrderedJson log10_json(double v) {
  return v == -INFINITY ? core::OrderedJson("excluded") : core::OrderedJson(v);
}

}  // namespace

size_t add_haplotypes(Session& session, kinship::Lineage lineage, const std::string& file,
                      const std::string& kind) {
  session.require(Permission::kWriteGeneticProfiles, "add haplotypes");
  return matching::add_haplotypes(session.registry(), lineage, file, kind);
}

namespace {

// The database a comparison weighs: the file given, else the one kept in the store.
struct LineageDatabaseInUse {
  std::string name, sha256;
  std::optional<kinship::HaplotypeDatabase> database;
};
LineageDatabaseInUse database_in_use(registry::Registry& reg, kinship::Lineage lineage,
                                     const std::string& path, const std::string& where) {
  if (!path.empty()) {
    auto database = kinship::HaplotypeDatabase::read(path, lineage);
    return {std::filesystem::path(path).filename().string(),
            ledger::to_hex(ledger::sha256(database.canonical_text())), std::move(database)};
  }
  auto stored = matching::stored_lineage_database(reg, lineage);
  if (!stored)
    throw core::InputError(where, "database", "",
                           "no " + std::string(kinship::lineage_name(lineage)) +
                               " haplotype database is stored: give one, or store one with "
                               "`athar kinship haplotypes database FILE --lineage " +
                               std::string(kinship::lineage_name(lineage)) + "`");
  return {stored->name, stored->sha256, std::move(stored->database)};
}

// A missing person's reference donors on the line: those carrying a haplotype, and notes for the
// others.
struct OnTheLine {
  std::string sample, relation;
  int meioses = 0;
  kinship::Haplotype haplotype;
};
std::vector<OnTheLine> donors_on_line(
    kinship::Lineage lineage, const registry::Record& person,
    const std::vector<registry::Record>& samples,
    const std::function<std::optional<kinship::Haplotype>(const std::string&)>& haplotype_of,
    std::vector<std::string>* notes) {
  std::vector<OnTheLine> out;
  for (const registry::Record& sample : samples) {
    if (sample.get("kind") != "reference" || sample.retracted()) continue;
    const std::string& relation = sample.get("relation");
    const int meioses =
        matching::lineage_meioses(lineage, relation, person.get("sex"), sample.get("donor_sex"));
    const std::string who = sample.id() + " (" + relation + ")";
    if (meioses == 0) {
      if (notes)
        notes->push_back(who + " does not share the missing person's " + line_name(lineage) +
                         " (or a sex it depends on is not recorded)");
      continue;
    }
    const std::string& profile = sample.get("profile");
    auto haplotype = profile.empty() ? std::nullopt : haplotype_of(profile);
    if (!haplotype) {
      if (notes)
        notes->push_back(who + ": no " + std::string(kinship::lineage_name(lineage)) +
                         " haplotype stored");
      continue;
    }
    out.push_back({sample.id(), relation, meioses, std::move(*haplotype)});
  }
  return out;
}

// The closest donor on the line speaks for it (the others carry the same haplotype, not
// independent evidence).
size_t closest_donor(const std::vector<OnTheLine>& donors) {
  size_t closest = 0;
  for (size_t i = 1; i < donors.size(); ++i)
    if (donors[i].meioses < donors[closest].meioses) closest = i;
  return closest;
}

// The autosomal LR of remains `sample` against the person's typed relatives, when both exist.
std::optional<double> autosomal_log10_lr(registry::Registry& reg,
                                         const kinship::FrequencyTable& shipped,
                                         const std::string& sample, const std::string& person,
                                         double theta) {
  kinship::FrequencyTable table = shipped;
  const auto profile = matching::stored_profile(reg, table, sample, "remains");
  auto family = matching::family_of_person(reg, table, person);
  if (!profile || !family) return std::nullopt;
  std::vector<kinship::Profile> everyone{*profile};
  for (const auto& m : family->family.members)
    if (m.typed()) everyone.push_back(m.profile);
  table.add_unseen(everyone);
  const int member = family->family.member_index(person);
  return kinship::missing_person_lr(table, family->family, static_cast<size_t>(member), *profile,
                                    {}, theta)
      .log10_lr;
}

std::vector<registry::Record> samples_of(registry::Registry& reg, const std::string& person) {
  registry::ListQuery q;
  q.limit = 0;
  q.equals.emplace_back("missing_person", person);
  return reg.list(registry::kind_spec(registry::Kind::kSample), q);
}

}  // namespace

LineageResult kinship_lineage(Session& session, const LineageRequest& request) {
  session.require(Permission::kReadGeneticProfiles, "compare lineage markers");
  registry::Registry& reg = session.registry();
  const std::string where = "kinship lineage " + request.person + " " + request.remains;
  const registry::Record person = reg.get(request.person);
  if (person.spec->kind != registry::Kind::kPerson)
    throw core::InputError(where, "person", request.person, "not a person's id");
  const std::string lineage(kinship::lineage_name(request.lineage));
  const auto remains = matching::stored_haplotype(reg, request.lineage, request.remains, "remains");
  if (!remains)
    throw core::InputError(where, "remains", request.remains,
                           "has no stored " + lineage + " haplotype of a remains sample");
  const LineageDatabaseInUse in_use =
      database_in_use(reg, request.lineage, request.database, where);
  const kinship::HaplotypeDatabase& database = *in_use.database;

  LineageResult r;
  r.person = request.person;
  r.remains = request.remains;
  r.lineage = request.lineage;
  r.database_size = database.size();
  r.database_name = in_use.name;
  r.database_sha256 = in_use.sha256;
  const auto donors = donors_on_line(
      request.lineage, person, samples_of(reg, request.person),
      [&](const std::string& profile) {
        return matching::stored_haplotype(reg, request.lineage, profile, "reference");
      },
      &r.notes);
  if (donors.empty())
    throw core::InputError(
        where, "person", request.person,
        "no relative on the " + line_name(request.lineage) + " has a stored haplotype");
  const size_t closest = closest_donor(donors);
  for (size_t i = 0; i < donors.size(); ++i) {
    r.relatives.push_back({donors[i].sample, donors[i].relation, donors[i].meioses,
                           kinship::compare_lineage(database, *remains, donors[i].haplotype,
                                                    donors[i].meioses, request.options),
                           i == closest});
  }
  r.log10_lr = r.relatives[closest].comparison.log10_lr;
  r.autosomal_log10_lr =
      autosomal_log10_lr(reg, kinship::FrequencyTable::read(default_frequency_table()),
                         request.remains, request.person, request.options.theta);
  if (r.autosomal_log10_lr) r.combined_log10_lr = *r.autosomal_log10_lr + r.log10_lr;
  registry::Registry::Transaction tx(reg);
  reg.append_ledger_entry(
      "kinship.read", "reads:dna",
      ledger::sha256("lineage " + lineage + "\n" + request.person + "\n" + request.remains));
  tx.commit();
  return r;
}

StoredDatabaseSummary store_lineage_database(Session& session, kinship::Lineage lineage,
                                             const std::string& path) {
  session.require(Permission::kWriteGeneticProfiles, "store a haplotype database");
  const auto stored = matching::store_lineage_database(session.registry(), lineage, path);
  return {std::string(kinship::lineage_name(lineage)), stored.name, stored.sha256,
          stored.database.size()};
}

LineageScreening screen_lineage(Session& session, const LineageScreenRequest& request) {
  session.require(Permission::kReadGeneticProfiles, "screen lineage markers");
  registry::Registry& reg = session.registry();
  const std::string lineage(kinship::lineage_name(request.lineage));
  const std::string where = "kinship lineage screening (" + lineage + ")";
  if (!(request.threshold >= 1) || !std::isfinite(request.threshold))
    throw core::InputError(where, "threshold", core::shortest_number(request.threshold),
                           "a likelihood ratio, 1 or more");
  const LineageDatabaseInUse in_use =
      database_in_use(reg, request.lineage, request.database, where);
  const kinship::HaplotypeDatabase& database = *in_use.database;
  LineageScreening out;
  out.lineage = request.lineage;
  out.database_name = in_use.name;
  out.database_sha256 = in_use.sha256;
  out.database_size = database.size();
  out.threshold = request.threshold;

  // Every missing person with a reference donor on the line who has a haplotype.
  std::map<std::string, kinship::Haplotype> references;
  for (auto& h : matching::stored_haplotypes(reg, request.lineage, "reference"))
    references.emplace(h.sample, std::move(h));
  registry::ListQuery q;
  q.limit = 0;
  std::map<std::string, std::vector<registry::Record>> samples_by_person;
  for (registry::Record& sample : reg.list(registry::kind_spec(registry::Kind::kSample), q)) {
    const std::string person = sample.get("missing_person");
    if (sample.get("kind") == "reference" && !person.empty())
      samples_by_person[person].push_back(std::move(sample));
  }
  struct PersonOnLine {
    std::string id;
    OnTheLine closest;
  };
  std::vector<PersonOnLine> persons;
  for (const auto& [id, samples] : samples_by_person) {
    const registry::Record person = reg.get(id);
    auto donors = donors_on_line(
        request.lineage, person, samples,
        [&](const std::string& profile) -> std::optional<kinship::Haplotype> {
          const auto it = references.find(profile);
          if (it == references.end()) return std::nullopt;
          return it->second;
        },
        nullptr);
    if (donors.empty()) continue;
    persons.push_back({id, std::move(donors[closest_donor(donors)])});
  }
  const auto remains = matching::stored_haplotypes(reg, request.lineage, "remains");
  out.remains = remains.size();
  out.persons = persons.size();
  const double floor = std::log10(request.threshold);
  const kinship::FrequencyTable table = kinship::FrequencyTable::read(default_frequency_table());
  for (const kinship::Haplotype& bone : remains) {
    const size_t first = out.candidates.size();
    for (const PersonOnLine& p : persons) {
      const kinship::LineageComparison c = kinship::compare_lineage(
          database, bone, p.closest.haplotype, p.closest.meioses, request.options);
      if (!(c.log10_lr > 0 && c.log10_lr >= floor)) continue;
      LineageScreening::Candidate candidate{bone.sample,
                                            p.id,
                                            p.closest.sample,
                                            p.closest.relation,
                                            p.closest.meioses,
                                            c.conclusion,
                                            c.log10_lr,
                                            {},
                                            {}};
      candidate.autosomal_log10_lr =
          autosomal_log10_lr(reg, table, bone.sample, p.id, request.options.theta);
      if (candidate.autosomal_log10_lr)
        candidate.combined_log10_lr = *candidate.autosomal_log10_lr + c.log10_lr;
      out.candidates.push_back(std::move(candidate));
    }
    // Best first within a remains sample: the combined LR where there is one.
    const auto weight = [](const LineageScreening::Candidate& c) {
      return c.combined_log10_lr.value_or(c.log10_lr);
    };
    std::stable_sort(out.candidates.begin() + static_cast<std::ptrdiff_t>(first),
                     out.candidates.end(),
                     [&](const auto& x, const auto& y) { return weight(x) > weight(y); });
  }
  registry::Registry::Transaction tx(reg);
  reg.append_ledger_entry(
      "kinship.read", "reads:dna",
      ledger::sha256("lineage screening " + lineage + "\n" + out.database_sha256 + "\n" +
                     std::to_string(out.candidates.size())));
  tx.commit();
  return out;
}

core::OrderedJson LineageScreening::to_json() const {
  core::OrderedJson list = core::OrderedJson::array();
  for (const Candidate& c : candidates) {
    core::OrderedJson one = {{"remains", c.remains},   {"person", c.person},
                             {"relative", c.relative}, {"relation", c.relation},
                             {"meioses", c.meioses},   {"conclusion", c.conclusion},
                             {"log10_lr", c.log10_lr}};
    if (c.autosomal_log10_lr) one["autosomal_log10_lr"] = log10_json(*c.autosomal_log10_lr);
    if (c.combined_log10_lr) one["combined_log10_lr"] = log10_json(*c.combined_log10_lr);
    list.push_back(std::move(one));
  }
  return {{"lineage", std::string(kinship::lineage_name(lineage))},
          {"database", database_name},
          {"database_sha256", database_sha256},
          {"database_size", database_size},
          {"threshold", threshold},
          {"remains", remains},
          {"persons", persons},
          {"candidates", std::move(list)}};
}

void LineageScreening::write_text(std::ostream& out) const {
  out << remains << " remains with a " << kinship::lineage_name(lineage) << " haplotype against "
      << persons << " missing persons with a relative on the " << line_name(lineage)
      << " (database " << database_name << ", " << database_size << " persons, SHA-256 "
      << database_sha256.substr(0, 16) << "…); " << candidates.size() << " candidates at LR ≥ "
      << core::shortest_number(threshold) << "\n";
  for (const Candidate& c : candidates) {
    out << "  " << c.remains << " " << c.person << ": " << c.conclusion << " with " << c.relative
        << " (" << c.relation << ", " << c.meioses << " meioses), " << lr(c.log10_lr);
    if (c.autosomal_log10_lr)
      out << "; autosomal " << lr(*c.autosomal_log10_lr) << ", combined "
          << lr(*c.combined_log10_lr);
    out << "\n";
  }
}

core::OrderedJson LineageResult::to_json() const {
  core::OrderedJson out = {{"person", person},
                           {"remains", remains},
                           {"lineage", std::string(kinship::lineage_name(lineage))},
                           {"database", database_name},
                           {"database_sha256", database_sha256},
                           {"database_size", database_size},
                           {"log10_lr", log10_json(log10_lr)}};
  if (autosomal_log10_lr) out["autosomal_log10_lr"] = log10_json(*autosomal_log10_lr);
  if (combined_log10_lr) out["combined_log10_lr"] = log10_json(*combined_log10_lr);
  core::OrderedJson list = core::OrderedJson::array();
  for (const auto& rel : relatives) {
    const auto& c = rel.comparison;
    list.push_back({{"sample", rel.sample},
                    {"relation", rel.relation},
                    {"meioses", rel.meioses},
                    {"counted", rel.counted},
                    {"conclusion", c.conclusion},
                    {"compared", c.compared},
                    {"differences", c.differences},
                    {"seen", c.frequency.seen},
                    {"typed_in_database", c.frequency.database_size},
                    {"frequency", c.frequency.estimate},
                    {"upper_bound", c.frequency.upper},
                    {"confidence", c.frequency.confidence},
                    {"match_probability", c.match_probability},
                    {"log10_lr", log10_json(c.log10_lr)}});
  }
  out["relatives"] = list;
  out["notes"] = notes;
  return out;
}

void LineageResult::write_text(std::ostream& out) const {
  out << remains << " against " << person << "'s " << line_name(lineage) << " (database of "
      << database_size << "): " << lr(log10_lr) << "\n";
  for (const auto& rel : relatives) {
    const auto& c = rel.comparison;
    out << "  " << (rel.counted ? "* " : "  ") << rel.sample << " " << rel.relation << ", "
        << rel.meioses << " meioses: " << c.conclusion << " over " << c.compared
        << (lineage == kinship::Lineage::kPaternal ? " loci" : " variants");
    for (const auto& d : c.differences) out << "; differs " << d;
    out << "; seen " << c.frequency.seen << " of " << c.frequency.database_size << ", upper bound "
        << core::shortest_number(c.frequency.upper) << " at "
        << core::shortest_number(c.frequency.confidence) << "; " << lr(c.log10_lr) << "\n";
  }
  if (autosomal_log10_lr)
    out << "  autosomal STR: " << lr(*autosomal_log10_lr)
        << "; combined: " << lr(*combined_log10_lr) << "\n";
  for (const auto& n : notes) out << "  note: " << n << "\n";
}

}  // namespace athar::app
