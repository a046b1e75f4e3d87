#include "app/analyses.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "app/lineage.h"
#include "app/screening.h"
#include "core/error.h"
#include "core/text.h"
#include "ledger/hash.h"
#include "matching/identification.h"
#include "matching/kinship_store.h"
#include "matching/person_search.h"

namespace athar::app {

namespace {
core::OrderedJson warnings_json(const std::vector<registry::Warning>& warnings) {
  core::OrderedJson out = core::OrderedJson::array();
  for (const registry::Warning& w : warnings) {
    out.push_back({{"subject", w.subject},
                   {"field", w.field},
                   {"value", w.value},
                   {"problem", w.problem},
                   {"detail", w.detail},
                   {"candidates", w.candidates},
                   {"text", w.text()}});
  }
  return out;
}
}  // namespace

core::OrderedJson Imported::to_json() const {
  core::OrderedJson out = {{"rows", report.rows},
                           {"added", report.added},
                           {"checked_only", report.checked_only},
                           {"sha256", report.file_sha256},
                           {"warnings", warnings_json(warnings)}};
  if (!report.imported_before.empty()) out["imported_before"] = report.imported_before;
  if (persons_not_compared) out["persons_not_compared_for_look_alikes"] = persons_not_compared;
  return out;
}

Imported import_records(Session& session, const std::filesystem::path& file, ImportFormat format,
                        const registry::PersonsCsvOptions& persons, const core::Progress& progress,
                        bool check_only, bool force, const std::string& file_name) {
  session.require(
      format == ImportFormat::kPersonsCsv ? Permission::kWritePersons : Permission::kWriteRecords,
      format == ImportFormat::kPersonsCsv ? "import persons" : "import records");
  registry::Registry& reg = session.registry();
  // Numbers the new records will take: what is above them after the import is this file's.
  std::vector<int64_t> first_new;
  for (const registry::KindSpec& kind : registry::kind_specs())
    first_new.push_back(reg.next_num(kind));
  Imported out;
  if (format == ImportFormat::kPersonsCsv) {
    registry::PersonsCsvOptions options = persons;
    options.check_only = options.check_only || check_only;
    options.force = options.force || force;
    out.report = registry::import_persons_csv(reg, file.string(), options, progress, file_name);
  } else {
    out.report = registry::import_json(reg, file.string(), progress, check_only, force, file_name);
  }
  out.warnings = std::move(out.report.warnings);
  if (out.report.checked_only) return out;
  // Plausibility of what was added (a persons file's rows were checked as they were read), and
  // look-alikes of persons already there.
  std::vector<registry::Record> new_persons;
  for (const registry::KindSpec& kind : registry::kind_specs()) {
    const int64_t first = first_new[static_cast<size_t>(&kind - registry::kind_specs().data())];
    const auto added = out.report.added.find(std::string(kind.plural));
    if (added == out.report.added.end() || kind.kind == registry::Kind::kLink) continue;
    registry::ListQuery page;
    page.limit = kind.kind == registry::Kind::kPerson ? kMaxLookAlikeComparisons : 0;
    page.after_num = first - 1;
    std::vector<registry::Record> records = reg.list(kind, page);
    if (kind.kind == registry::Kind::kPerson) {
      if (format != ImportFormat::kPersonsCsv) {
        for (const registry::Record& r : records) registry::check_person_dates(r, out.warnings);
      }
      out.persons_not_compared = static_cast<size_t>(added->second) - records.size();
      new_persons = std::move(records);
    } else {
      for (const registry::Record& r : records) {
        for (auto& w : registry::check_plausibility(reg, r)) out.warnings.push_back(std::move(w));
      }
    }
  }
  const int64_t first_person = first_new[static_cast<size_t>(registry::Kind::kPerson)];
  // Into a registry with no person yet there is nothing to look like.
  if (first_person > 1) {
    for (auto& w : look_alike_persons(session, new_persons, first_person))
      out.warnings.push_back(std::move(w));
    out.persons_compared = new_persons.size();
  } else {
    out.persons_not_compared = 0;  // nothing to look like
  }
  return out;
}

std::vector<registry::Warning> look_alike_persons(Session& session,
                                                  const std::vector<registry::Record>& persons,
                                                  int64_t first_new_num) {
  std::vector<registry::Warning> out;
  if (persons.empty()) return out;
  matching::PersonIndex& index = session.instance().person_index();
  index.refresh(session.registry());
  matching::SearchOptions options;
  options.limit = 5;
  options.min_score = kLookAlikeScore;
  const auto year = [](const std::string& date) { return date.substr(0, 4); };
  for (const registry::Record& p : persons) {
    std::string query;
    for (const char* f : {"given_name_lat", "father_name_lat", "family_name_lat"}) {
      if (!p.get(f).empty()) query += (query.empty() ? "" : " ") + p.get(f);
    }
    if (query.find(' ') == std::string::npos) {
      query.clear();
      for (const char* f : {"given_name_ar", "father_name_ar", "family_name_ar"}) {
        if (!p.get(f).empty()) query += (query.empty() ? "" : " ") + p.get(f);
      }
    }
    // One name alone matches too many to say anything.
    if (query.find(' ') == std::string::npos) continue;
    std::vector<std::string> candidates;
    std::string detail;
    for (const matching::PersonHit& hit : index.search(query, options)) {
      const auto id = registry::parse_record_id(hit.id);
      if (!id || id->num >= first_new_num || id->num == p.num) continue;
      const std::string born = p.get("birth_date");
      if (!born.empty() && !hit.birth_date.empty() && year(born) != year(hit.birth_date)) continue;
      candidates.push_back(hit.id);
      char score[16];
      std::snprintf(score, sizeof score, "%.2f", hit.score);
      detail += (detail.empty() ? "" : "; ") + hit.id + " " +
                (hit.name_lat.empty() ? hit.name_ar : hit.name_lat) +
                (hit.birth_date.empty() ? "" : " b. " + hit.birth_date) + " (name score " + score +
                ")";
    }
    if (!candidates.empty()) {
      out.push_back({p.id(), "", query, "looks like a person already in the registry",
                     detail + "; `athar person merge` if they are one, or `athar link` to review",
                     std::move(candidates)});
    }
  }
  return out;
}

registry::CheckReport check_registry(Session& session, const core::Progress& progress) {
  session.require(Permission::kReadRecords, "check the registry");
  return registry::check_registry(session.registry(), progress);
}

core::OrderedJson check_report_json(const registry::CheckReport& report) {
  return {{"records", report.records}, {"warnings", warnings_json(report.warnings)}};
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

std::vector<std::filesystem::path> shipped_data_places() {
  std::vector<std::filesystem::path> places;
  if (const char* dir = std::getenv("ATHAR_DATA_DIR"); dir && *dir) places.emplace_back(dir);
  // Beside the installed binary (PREFIX/bin/athar reads PREFIX/share/athar), or a build tree.
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    places.push_back(exe.parent_path().parent_path() / "share" / "athar");
    places.push_back(exe.parent_path() / "data");
  }
  // The source tree it was built from.
  places.push_back(std::filesystem::path(ATHAR_DEFAULT_FREQUENCIES).parent_path().parent_path());
  return places;
}

std::string shipped_data_file(std::string_view relative, std::string_view option) {
  std::string searched;
  for (const std::filesystem::path& place : shipped_data_places()) {
    const std::filesystem::path file = place / relative;
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec)) return file.string();
    searched += (searched.empty() ? "" : ", ") + file.string();
  }
  throw core::NotFound("the shipped " + std::string(relative) + " is not here (looked for " +
                       searched + "): give one with " + std::string(option) +
                       " FILE, or set ATHAR_DATA_DIR to the folder that holds str-frequencies/");
}

std::string default_frequency_table() {
  return shipped_data_file("str-frequencies/west-asia.txt", "--frequencies");
}

std::string default_mutation_rates() {
  return shipped_data_file("str-frequencies/mutation-rates-aabb2003.txt", "--mutation-rates");
}

std::filesystem::path shipped_web_ui(std::string* searched) {
  std::vector<std::filesystem::path> places;
  if (const char* dir = std::getenv("ATHAR_WEB_DIR"); dir && *dir) places.emplace_back(dir);
  for (const std::filesystem::path& place : shipped_data_places()) places.push_back(place / "web");
  places.push_back(std::filesystem::path(ATHAR_DEFAULT_FREQUENCIES).parent_path().parent_path() /
                   ".." / "web" / "dist");
  for (const std::filesystem::path& place : places) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(place / "index.html", ec))
      return std::filesystem::weakly_canonical(place, ec);
    if (searched) *searched += (searched->empty() ? "" : ", ") + place.lexically_normal().string();
  }
  return {};
}

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
  // And the missing persons whose relatives gave typed reference samples.
  for (auto& f : matching::person_families(reg, table)) out.families.push_back(std::move(f));
  std::string read = "families";
  for (const kinship::Family& f : out.families) read += "\n" + f.id;
  reg.append_ledger_entry("kinship.read", "reads:dna", ledger::sha256(read));
  tx.commit();
  return out;
}

matching::KinshipDecision decide_kinship(Session& session, matching::KinshipDecision decision,
                                         const DecisionSettings& settings) {
  session.require(Permission::kRunAnalyses, "decide on kinship candidates");
  const kinship::FrequencyTable table = kinship::FrequencyTable::read(default_frequency_table());
  ScreenOptions options;
  options.mutation = settings.mutation;
  options.theta = settings.theta;
  check_theta(settings.theta);
  matching::DecisionModel model;
  model.mutation = mutation_model(options, table);
  model.theta = settings.theta;
  model.threshold = settings.threshold;
  model.description = "mutation " + settings.mutation + ", theta " +
                      core::shortest_number(settings.theta) +
                      (model.mutation.kind == kinship::MutationModel::Kind::kNone
                           ? ""
                           : ", per-marker rates AABB 2003 where listed");
  if (!settings.lineage.empty()) {
    if (settings.lineage != "y" && settings.lineage != "mt")
      throw core::InputError("kinship decision", "lineage", settings.lineage, "y or mt");
    const auto person = registry::parse_record_id(decision.family);
    if (!person || person->kind != registry::Kind::kPerson)
      throw core::InputError("kinship decision", "lineage", settings.lineage,
                             "lineage markers are weighed for a missing person's family only");
    LineageRequest request;
    request.person = decision.family;
    request.remains = decision.remains;
    request.lineage =
        settings.lineage == "y" ? kinship::Lineage::kPaternal : kinship::Lineage::kMaternal;
    request.database = settings.lineage_database;
    request.options.theta = settings.theta;
    const LineageResult lineage = kinship_lineage(session, request);
    for (const auto& rel : lineage.relatives) {
      if (!rel.counted) continue;
      const auto& c = rel.comparison;
      model.lineage_log10_lr = c.log10_lr;
      model.lineage =
          core::OrderedJson{{"line", settings.lineage},
                            {"log10_lr", c.log10_lr == -INFINITY ? core::OrderedJson("excluded")
                                                                 : core::OrderedJson(c.log10_lr)},
                            {"conclusion", c.conclusion},
                            {"relative", rel.sample},
                            {"relation", rel.relation},
                            {"meioses", rel.meioses},
                            {"compared", c.compared},
                            {"seen", c.frequency.seen},
                            {"database_size", c.frequency.database_size},
                            {"upper_bound", c.frequency.upper},
                            {"confidence", c.frequency.confidence},
                            {"theta", settings.theta},
                            {"database", lineage.database_name},
                            {"database_sha256", lineage.database_sha256}}
              .dump();
    }
    model.description += ", lineage " + settings.lineage;
  }
  return matching::decide_kinship(session.registry(), table, std::move(decision), model);
}

core::OrderedJson KinshipDecisions::to_json() const {
  core::OrderedJson out = core::OrderedJson::array();
  for (const auto& d : decisions) {
    out.push_back({{"remains", d.remains},
                   {"family", d.family},
                   {"member", d.member},
                   {"decision", d.decision},
                   {"log10_lr", d.log10_lr},
                   {"reason", d.reason},
                   {"decided_by", d.decided_by},
                   {"decided_at", d.decided_at}});
    for (const auto& [name, value] : d.workflow_fields()) out.back()[name] = *value;
  }
  return out;
}

KinshipDecisions read_kinship_decisions(Session& session) {
  session.require(Permission::kReadGeneticProfiles, "read kinship decisions");
  return {matching::kinship_decisions(session.registry())};
}

}  // namespace athar::app
