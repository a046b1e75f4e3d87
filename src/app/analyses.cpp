#include "app/analyses.h"

#include "core/error.h"
#include "ledger/hash.h"
#include "matching/kinship_store.h"

namespace athar::app {

core::OrderedJson Imported::to_json() const {
  return {{"rows", report.rows}, {"added", report.added}, {"checked_only", report.checked_only}};
}

Imported import_records(Session& session, const std::filesystem::path& file, ImportFormat format,
                        const registry::PersonsCsvOptions& persons, const core::Progress& progress,
                        bool check_only) {
  if (format == ImportFormat::kPersonsCsv) {
    session.require(Permission::kWritePersons, "import persons");
    registry::PersonsCsvOptions options = persons;
    options.check_only = options.check_only || check_only;
    return {registry::import_persons_csv(session.registry(), file.string(), options, progress)};
  }
  session.require(Permission::kWriteRecords, "import records");
  return {registry::import_json(session.registry(), file.string(), progress, check_only)};
}

core::OrderedJson entity_sizes_json(const std::vector<size_t>& count_by_size) {
  core::OrderedJson sizes = core::OrderedJson::object();
  for (size_t size = 1; size < count_by_size.size(); ++size) {
    if (count_by_size[size]) sizes[std::to_string(size)] = count_by_size[size];
  }
  return sizes;
}

core::OrderedJson LinkageRun::to_json() const {
  return {{"run", report.run},
          {"persons", report.records},
          {"lists", report.lists},
          {"candidate_pairs", report.candidates},
          {"links", report.links},
          {"for_review", report.for_review},
          {"entities", report.entities},
          {"entity_sizes", entity_sizes_json(report.cluster_sizes)},
          {"decisions_applied", report.decisions_applied},
          {"prior", report.model.prior},
          {"seconds", report.seconds}};
}

LinkageRun run_linkage(Session& session, const matching::RunOptions& options) {
  session.require(Permission::kRunAnalyses, "run record linkage");
  return {matching::run_person_linkage(session.registry(), options)};
}

core::OrderedJson ReviewQueue::to_json() const {
  core::OrderedJson arr = core::OrderedJson::array();
  for (const auto& c : pairs) {
    core::OrderedJson weights = core::OrderedJson::object();
    for (const auto& w : c.explanation) weights[w.field] = w.weight;
    arr.push_back({{"a", c.a},
                   {"b", c.b},
                   {"probability", c.probability},
                   {"weights", weights},
                   {"decision", c.decision}});
  }
  return arr;
}

ReviewQueue review_queue(Session& session, const matching::CandidateQuery& query) {
  session.require(Permission::kReadRecords, "read the linkage review queue");
  return {matching::candidates(session.registry(), query)};
}

void decide_pair(Session& session, std::string_view a, std::string_view b,
                 std::string_view decision, std::string_view note) {
  session.require(Permission::kRunAnalyses, "decide linkage pairs");
  if (decision != "same" && decision != "different") {
    throw core::InputError("decision on " + std::string(a) + " and " + std::string(b), "decision",
                           std::string(decision), "same or different");
  }
  matching::decide(session.registry(), a, b, decision == "same", note);
}

std::string default_frequency_table() { return ATHAR_DEFAULT_FREQUENCIES; }

core::OrderedJson GeneticProfiles::to_json() const {
  core::OrderedJson out = core::OrderedJson::array();
  for (const kinship::Profile& p : profiles) {
    core::OrderedJson markers = core::OrderedJson::object();
    for (size_t m = 0; m < p.markers.size() && m < table->size(); ++m) {
      const kinship::Genotype& g = p.markers[m];
      if (!g.typed()) continue;
      markers[table->marker(m).name] = kinship::allele_text(g.a) + "/" + kinship::allele_text(g.b);
    }
    out.push_back(
        {{"sample", p.sample}, {"sex", p.sex}, {"dropout", p.dropout}, {"markers", markers}});
  }
  return out;
}

GeneticProfiles read_genetic_profiles(Session& session, const kinship::FrequencyTable& table,
                                      const std::string& kind) {
  session.require(Permission::kReadGeneticProfiles, "read DNA profiles");
  if (kind != "reference" && kind != "remains") {
    throw core::InputError("DNA profiles", "kind", kind, "reference or remains");
  }
  registry::Registry& reg = session.registry();
  GeneticProfiles out;
  out.table = &table;
  // The read is logged, with what was read, before anything is returned.
  registry::Registry::Transaction tx(reg);
  out.profiles = matching::stored_profiles(reg, table, kind);
  std::string read = kind;
  for (const kinship::Profile& p : out.profiles) read += "\n" + p.sample;
  reg.append_ledger_entry("kinship.read", "reads:dna", ledger::sha256(read));
  tx.commit();
  return out;
}

size_t add_genetic_profiles(Session& session, const kinship::FrequencyTable& table,
                            const std::filesystem::path& file, const std::string& kind) {
  session.require(Permission::kWriteGeneticProfiles, "add DNA profiles");
  if (kind != "reference" && kind != "remains") {
    throw core::InputError("DNA profiles", "kind", kind, "reference or remains");
  }
  return matching::add_profiles(session.registry(), table, file.string(), kind);
}

size_t add_families(Session& session, const kinship::FrequencyTable& table,
                    const std::filesystem::path& file) {
  session.require(Permission::kWriteGeneticProfiles, "add families");
  return matching::add_families(session.registry(), table, file.string());
}

core::OrderedJson Families::to_json() const {
  core::OrderedJson out = core::OrderedJson::array();
  for (const kinship::Family& f : families) {
    core::OrderedJson members = core::OrderedJson::array();
    const auto name_of = [&](int index) -> core::OrderedJson {
      if (index < 0) return nullptr;
      return f.members[static_cast<size_t>(index)].name;
    };
    for (const kinship::Member& m : f.members) {
      members.push_back({{"name", m.name},
                         {"sex", m.sex},
                         {"father", name_of(m.father)},
                         {"mother", name_of(m.mother)},
                         {"sample", m.typed() ? core::OrderedJson(m.profile.sample) : nullptr},
                         {"missing", m.missing}});
    }
    out.push_back({{"id", f.id}, {"members", std::move(members)}});
  }
  return out;
}

Families read_families(Session& session, const kinship::FrequencyTable& table) {
  session.require(Permission::kReadGeneticProfiles, "read families");
  registry::Registry& reg = session.registry();
  Families out;
  registry::Registry::Transaction tx(reg);
  out.families = matching::stored_families(reg, table);
  std::string read = "families";
  for (const kinship::Family& f : out.families) read += "\n" + f.id;
  reg.append_ledger_entry("kinship.read", "reads:dna", ledger::sha256(read));
  tx.commit();
  return out;
}

}  // namespace athar::app
