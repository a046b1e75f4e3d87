#include "app/lineage.h"

#include <cmath>

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

core::OrderedJson log10_json(double v) {
  return v == -INFINITY ? core::OrderedJson("excluded") : core::OrderedJson(v);
}

}  // namespace

size_t add_haplotypes(Session& session, kinship::Lineage lineage, const std::string& file,
                      const std::string& kind) {
  session.require(Permission::kWriteGeneticProfiles, "add haplotypes");
  return matching::add_haplotypes(session.registry(), lineage, file, kind);
}

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
  const kinship::HaplotypeDatabase database =
      kinship::HaplotypeDatabase::read(request.database, request.lineage);

  LineageResult r;
  r.person = request.person;
  r.remains = request.remains;
  r.lineage = request.lineage;
  r.database_size = database.size();
  registry::ListQuery q;
  q.limit = 0;
  q.equals.emplace_back("missing_person", request.person);
  for (const registry::Record& sample : reg.list(registry::kind_spec(registry::Kind::kSample), q)) {
    if (sample.get("kind") != "reference" || sample.retracted()) continue;
    const std::string& relation = sample.get("relation");
    const int meioses = matching::lineage_meioses(request.lineage, relation, person.get("sex"),
                                                  sample.get("donor_sex"));
    const std::string who = sample.id() + " (" + relation + ")";
    if (meioses == 0) {
      r.notes.push_back(who + " does not share the missing person's " + line_name(request.lineage) +
                        " (or a sex it depends on is not recorded)");
      continue;
    }
    const std::string& profile = sample.get("profile");
    const auto haplotype =
        profile.empty() ? std::nullopt
                        : matching::stored_haplotype(reg, request.lineage, profile, "reference");
    if (!haplotype) {
      r.notes.push_back(who + ": no " + lineage + " haplotype stored");
      continue;
    }
    r.relatives.push_back(
        {sample.id(), relation, meioses,
         kinship::compare_lineage(database, *remains, *haplotype, meioses, request.options),
         false});
  }
  if (r.relatives.empty())
    throw core::InputError(
        where, "person", request.person,
        "no relative on the " + line_name(request.lineage) + " has a stored haplotype");
  // The closest relative on the line speaks for it (the others carry the same haplotype, not
  // independent evidence); the rest are shown beside it.
  size_t closest = 0;
  for (size_t i = 1; i < r.relatives.size(); ++i)
    if (r.relatives[i].meioses < r.relatives[closest].meioses) closest = i;
  r.relatives[closest].counted = true;
  r.log10_lr = r.relatives[closest].comparison.log10_lr;

  // The autosomal LR of the same remains against the person's typed relatives, when both exist.
  kinship::FrequencyTable table = kinship::FrequencyTable::read(default_frequency_table());
  const auto profile = matching::stored_profile(reg, table, request.remains, "remains");
  auto family = matching::family_of_person(reg, table, request.person);
  if (profile && family) {
    std::vector<kinship::Profile> everyone{*profile};
    for (const auto& m : family->family.members)
      if (m.typed()) everyone.push_back(m.profile);
    table.add_unseen(everyone);
    const int member = family->family.member_index(request.person);
    r.autosomal_log10_lr =
        kinship::missing_person_lr(table, family->family, static_cast<size_t>(member), *profile, {},
                                   request.options.theta)
            .log10_lr;
    r.combined_log10_lr = *r.autosomal_log10_lr + r.log10_lr;
  }
  registry::Registry::Transaction tx(reg);
  reg.append_ledger_entry(
      "kinship.read", "reads:dna",
      ledger::sha256("lineage " + lineage + "\n" + request.person + "\n" + request.remains));
  tx.commit();
  return r;
}

core::OrderedJson LineageResult::to_json() const {
  core::OrderedJson out = {{"person", person},
                           {"remains", remains},
                           {"lineage", std::string(kinship::lineage_name(lineage))},
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
  const auto lr = [](double v) {
    return v == -INFINITY ? std::string("excluded") : "log10 LR " + core::shortest_number(v);
  };
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
