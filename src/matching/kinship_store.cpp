#include "matching/kinship_store.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/canonical_json.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/error.h"
#include "core/json.h"
#include "core/text.h"
#include "ledger/hash.h"
#include "matching/identification.h"
#include "matching/internal/ledger_check.h"
#include "store/database.h"
#include "store/dialect.h"

namespace athar::matching {

namespace {

using matching_internal::record_hash_text;

// "D3S1358=15,16;TH01=9.3,9.3": typed markers in table order, by the table's names.
std::string genotype_text(const kinship::FrequencyTable& table, const kinship::Profile& p) {
  std::string out;
  for (size_t m = 0; m < table.size(); ++m) {
    const kinship::Genotype& g = p.markers[m];
    if (!g.typed()) continue;
    if (!out.empty()) out.push_back(';');
    out += table.marker(m).name + "=" + kinship::allele_text(g.a) + "," + kinship::allele_text(g.b);
  }
  return out;
}

kinship::Profile parse_profile(const kinship::FrequencyTable& table, const std::string& sample,
                               const std::string& sex, double dropout, const std::string& text) {
  kinship::Profile p{sample, std::vector<kinship::Genotype>(table.size()), sex, dropout};
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ';')) {
    const size_t eq = item.find('='), comma = item.find(',', eq);
    const int m = table.marker_index(item.substr(0, eq));
    if (eq == std::string::npos || comma == std::string::npos || m < 0) {
      throw core::Corruption("stored profile " + sample + " has an unreadable marker: " + item +
                             " (or the frequency table lacks it)");
    }
    p.markers[static_cast<size_t>(m)] = {kinship::parse_allele(item.substr(eq + 1, comma - eq - 1)),
                                         kinship::parse_allele(item.substr(comma + 1))};
  }
  return p;
}

std::string profile_text(const std::string& sample, const std::string& kind, const std::string& sex,
                         double dropout, const std::string& genotypes) {
  return record_hash_text({{"dropout", std::to_string(dropout)},
                           {"genotypes", genotypes},
                           {"kind", kind},
                           {"sample", sample},
                           {"sex", sex}});
}

bool exists(store::Database& db, const char* sql, const std::string& key) {
  auto q = db.prepare(sql);
  q->bind(1, key);
  return q->step();
}

}  // namespace

size_t add_profiles(registry::Registry& registry, const kinship::FrequencyTable& table,
                    const std::string& path, const std::string& kind) {
  if (kind != "reference" && kind != "remains")
    throw core::InputError("profiles", "kind", kind, "reference or remains");
  const auto profiles = kinship::read_profiles(path, table);
  store::Database& db = registry.database();
  registry::Registry::Transaction tx(registry);
  const std::string at = core::utc_timestamp_now();
  auto insert = db.prepare(
      "INSERT INTO kinship_profiles(sample, kind, sex, dropout, genotypes, added_at, added_by) "
      "VALUES(?,?,?,?,?,?,?)");
  for (const kinship::Profile& p : profiles) {
    if (exists(db, "SELECT 1 FROM kinship_profiles WHERE sample = ?", p.sample))
      throw core::InputError(path, "sample", p.sample, "already stored");
    const std::string genotypes = genotype_text(table, p);
    insert->reset();
    insert->bind(1, p.sample);
    insert->bind(2, kind);
    insert->bind_text_or_null(3, p.sex);
    insert->bind(4, p.dropout);
    insert->bind(5, genotypes);
    insert->bind(6, at);
    insert->bind(7, registry.actor());
    insert->step();
    registry.append_ledger_entry(
        "kinship.profile", "dna:" + p.sample,
        ledger::sha256(profile_text(p.sample, kind, p.sex, p.dropout, genotypes)));
  }
  tx.commit();
  return profiles.size();
}

std::vector<kinship::Profile> stored_profiles(registry::Registry& registry,
                                              const kinship::FrequencyTable& table,
                                              const std::string& kind) {
  auto rows = registry.database().prepare(
      "SELECT sample, COALESCE(sex, ''), dropout, genotypes FROM kinship_profiles "
      "WHERE kind = ? ORDER BY " +
      std::string(store::insertion_order(registry.database())));
  rows->bind(1, kind);
  std::vector<kinship::Profile> out;
  while (rows->step()) {
    out.push_back(
        parse_profile(table, rows->string(0), rows->string(1), rows->real(2), rows->string(3)));
  }
  return out;
}

namespace {
std::string haplotype_hash_text(const std::string& sample, const std::string& lineage,
                                const std::string& kind, const std::string& haplotype) {
  return record_hash_text(
      {{"haplotype", haplotype}, {"kind", kind}, {"lineage", lineage}, {"sample", sample}});
}
std::string lineage_database_hash_text(const std::string& lineage, const std::string& name,
                                       const std::string& content) {
  return record_hash_text({{"content", content}, {"lineage", lineage}, {"name", name}});
}
}  // namespace

size_t add_haplotypes(registry::Registry& registry, kinship::Lineage lineage,
                      const std::string& path, const std::string& kind) {
  if (kind != "reference" && kind != "remains")
    throw core::InputError("haplotypes", "kind", kind, "reference or remains");
  const std::string name(kinship::lineage_name(lineage));
  core::CsvReader reader(path);
  std::vector<std::string_view> row;
  if (!reader.next(row)) throw core::InputError(path, "sample", "", "an empty file");
  int sample_column = -1, haplotype_column = -1;
  for (size_t i = 0; i < row.size(); ++i) {
    const std::string column = core::ascii_lower(core::trim(row[i]));
    if (column == "sample") sample_column = static_cast<int>(i);
    if (column == "haplotype") haplotype_column = static_cast<int>(i);
  }
  if (sample_column < 0 || haplotype_column < 0)
    throw core::InputError(path, "sample", "", "columns named sample and haplotype");
  reader.set_header(row);
  store::Database& db = registry.database();
  registry::Registry::Transaction tx(registry);
  const std::string at = core::utc_timestamp_now();
  auto insert = db.prepare(
      "INSERT INTO kinship_haplotypes(sample, lineage, kind, haplotype, added_at, added_by) "
      "VALUES(?,?,?,?,?,?)");
  size_t added = 0;
  while (reader.next(row)) {
    const size_t needed = static_cast<size_t>(std::max(sample_column, haplotype_column));
    if (row.size() <= needed)
      throw core::InputError(reader.location(), "haplotype", "", "a sample and its haplotype");
    const std::string sample(core::trim(row[static_cast<size_t>(sample_column)]));
    if (sample.empty()) throw core::InputError(reader.location(), "sample", "", "a sample name");
    const std::string text = kinship::haplotype_text(
        lineage, kinship::parse_haplotype(lineage, row[static_cast<size_t>(haplotype_column)],
                                          reader.location()));
    auto existing = db.prepare("SELECT 1 FROM kinship_haplotypes WHERE sample = ? AND lineage = ?");
    existing->bind(1, sample);
    existing->bind(2, name);
    if (existing->step())
      throw core::InputError(reader.location(), "sample", sample,
                             "already has a stored " + name + " haplotype");
    insert->reset();
    insert->bind(1, sample);
    insert->bind(2, name);
    insert->bind(3, kind);
    insert->bind(4, text);
    insert->bind(5, at);
    insert->bind(6, registry.actor());
    insert->step();
    registry.append_ledger_entry("kinship.haplotype", "dna-" + name + ":" + sample,
                                 ledger::sha256(haplotype_hash_text(sample, name, kind, text)));
    ++added;
  }
  tx.commit();
  return added;
}

std::optional<kinship::Haplotype> stored_haplotype(registry::Registry& registry,
                                                   kinship::Lineage lineage,
                                                   const std::string& sample,
                                                   const std::string& kind) {
  auto q = registry.database().prepare(
      "SELECT kind, haplotype FROM kinship_haplotypes WHERE sample = ? AND lineage = ?");
  q->bind(1, sample);
  q->bind(2, std::string(kinship::lineage_name(lineage)));
  if (!q->step() || (!kind.empty() && q->string(0) != kind)) return std::nullopt;
  kinship::Haplotype h =
      kinship::parse_haplotype(lineage, q->string(1), "stored haplotype " + sample);
  h.sample = sample;
  return h;
}

std::vector<kinship::Haplotype> stored_haplotypes(registry::Registry& registry,
                                                  kinship::Lineage lineage,
                                                  const std::string& kind) {
  auto q = registry.database().prepare(
      "SELECT sample, haplotype FROM kinship_haplotypes WHERE lineage = ? AND kind = ? "
      "ORDER BY sample");
  q->bind(1, std::string(kinship::lineage_name(lineage)));
  q->bind(2, kind);
  std::vector<kinship::Haplotype> out;
  while (q->step()) {
    kinship::Haplotype h =
        kinship::parse_haplotype(lineage, q->string(1), "stored haplotype " + q->string(0));
    h.sample = q->string(0);
    out.push_back(std::move(h));
  }
  return out;
}

StoredLineageDatabase store_lineage_database(registry::Registry& registry, kinship::Lineage lineage,
                                             const std::string& path) {
  kinship::HaplotypeDatabase database = kinship::HaplotypeDatabase::read(path, lineage);
  const std::string line(kinship::lineage_name(lineage));
  const std::string name = std::filesystem::path(path).filename().string();
  const std::string content = database.canonical_text();
  store::Database& db = registry.database();
  registry::Registry::Transaction tx(registry);
  auto drop = db.prepare("DELETE FROM kinship_lineage_databases WHERE lineage = ?");
  drop->bind(1, line);
  drop->step();
  auto insert = db.prepare(
      "INSERT INTO kinship_lineage_databases(lineage, name, content, persons, added_at, "
      "added_by) VALUES(?,?,?,?,?,?)");
  const std::string at = core::utc_timestamp_now();
  insert->bind(1, line);
  insert->bind(2, name);
  insert->bind(3, content);
  insert->bind(4, static_cast<int64_t>(database.size()));
  insert->bind(5, at);
  insert->bind(6, registry.actor());
  insert->step();
  registry.append_ledger_entry("kinship.lineage-database", "lineage-database:" + line,
                               ledger::sha256(lineage_database_hash_text(line, name, content)));
  tx.commit();
  return {name, ledger::to_hex(ledger::sha256(content)), at, registry.actor(), std::move(database)};
}

std::optional<StoredLineageDatabase> stored_lineage_database(registry::Registry& registry,
                                                             kinship::Lineage lineage) {
  const std::string line(kinship::lineage_name(lineage));
  auto q = registry.database().prepare(
      "SELECT name, content, added_at, added_by FROM kinship_lineage_databases WHERE lineage = ?");
  q->bind(1, line);
  if (!q->step()) return std::nullopt;
  const std::string content = q->string(1);
  return StoredLineageDatabase{q->string(0), ledger::to_hex(ledger::sha256(content)), q->string(2),
                               q->string(3),
                               kinship::HaplotypeDatabase::from_canonical_text(
                                   lineage, content, "stored " + line + " database")};
}

size_t add_families(registry::Registry& registry, const kinship::FrequencyTable& table,
                    const std::string& path) {
  const auto families =
      kinship::read_families(path, stored_profiles(registry, table, "reference"), table);
  store::Database& db = registry.database();
  registry::Registry::Transaction tx(registry);
  const std::string at = core::utc_timestamp_now();
  auto insert =
      db.prepare("INSERT INTO kinship_families(id, pedigree, added_at, added_by) VALUES(?,?,?,?)");
  for (const kinship::Family& f : families) {
    if (exists(db, "SELECT 1 FROM kinship_families WHERE id = ?", f.id))
      throw core::InputError(path, "family", f.id, "already stored");
    // One line per member: name|sex|father|mother|sample|missing.
    std::string pedigree;
    for (const kinship::Member& m : f.members) {
      for (const std::string* name : {&m.name, &m.profile.sample}) {
        if (name->find_first_of("|\n") != std::string::npos)
          throw core::InputError(path, "member", *name, "names may not hold '|' or line breaks");
      }
      pedigree += m.name + "|" + m.sex + "|" +
                  (m.father < 0 ? "" : f.members[static_cast<size_t>(m.father)].name) + "|" +
                  (m.mother < 0 ? "" : f.members[static_cast<size_t>(m.mother)].name) + "|" +
                  (m.typed() ? m.profile.sample : "") + "|" + (m.missing ? "yes" : "no") + "\n";
    }
    insert->reset();
    insert->bind(1, f.id);
    insert->bind(2, pedigree);
    insert->bind(3, at);
    insert->bind(4, registry.actor());
    insert->step();
    registry.append_ledger_entry(
        "kinship.family", "family:" + f.id,
        ledger::sha256(record_hash_text({{"id", f.id}, {"pedigree", pedigree}})));
  }
  tx.commit();
  return families.size();
}

namespace {
// A stored pedigree's members, a line each: name|sex|father|mother|sample|missing.
std::vector<std::array<std::string, 6>> pedigree_rows(const std::string& pedigree) {
  std::vector<std::array<std::string, 6>> out;
  std::stringstream lines(pedigree);
  std::string line;
  while (std::getline(lines, line)) {
    std::array<std::string, 6>& row = out.emplace_back();
    std::stringstream cells(line);
    size_t cell = 0;
    while (cell < row.size() && std::getline(cells, row[cell], '|')) ++cell;
  }
  return out;
}
}  // namespace

namespace {
// A stored family: its pedigree's members with the reference profiles they name.
kinship::Family parse_family(const std::string& id, const std::string& pedigree,
                             const std::map<std::string, kinship::Profile>& references) {
  kinship::Family f{id, {}};
  std::vector<std::pair<std::string, std::string>> parents;
  for (const auto& part : pedigree_rows(pedigree)) {
    kinship::Member m;
    m.name = part[0];
    m.sex = part[1];
    m.missing = part[5] == "yes";
    if (!part[4].empty()) {
      const auto it = references.find(part[4]);
      if (it == references.end())
        throw core::Corruption("family " + f.id +
                               " names a reference no longer stored: " + part[4]);
      m.profile = it->second;
    }
    parents.emplace_back(part[2], part[3]);
    f.members.push_back(std::move(m));
  }
  for (size_t i = 0; i < f.members.size(); ++i) {
    f.members[i].father = parents[i].first.empty() ? -1 : f.member_index(parents[i].first);
    f.members[i].mother = parents[i].second.empty() ? -1 : f.member_index(parents[i].second);
  }
  kinship::check_family(f);
  return f;
}
}  // namespace

std::vector<kinship::Family> stored_families(registry::Registry& registry,
                                             const kinship::FrequencyTable& table) {
  std::map<std::string, kinship::Profile> references;
  for (auto& p : stored_profiles(registry, table, "reference")) references[p.sample] = p;
  auto rows = registry.database().prepare("SELECT id, pedigree FROM kinship_families ORDER BY " +
                                          std::string(store::insertion_order(registry.database())));
  std::vector<kinship::Family> out;
  while (rows->step()) out.push_back(parse_family(rows->string(0), rows->string(1), references));
  return out;
}

std::optional<kinship::Profile> stored_profile(registry::Registry& registry,
                                               const kinship::FrequencyTable& table,
                                               const std::string& sample, const std::string& kind) {
  auto row = registry.database().prepare(
      "SELECT sample, COALESCE(sex, ''), dropout, genotypes FROM kinship_profiles "
      "WHERE sample = ? AND kind = ?");
  row->bind(1, sample);
  row->bind(2, kind);
  if (!row->step()) return std::nullopt;
  return parse_profile(table, row->string(0), row->string(1), row->real(2), row->string(3));
}

std::optional<kinship::Family> stored_family(registry::Registry& registry,
                                             const kinship::FrequencyTable& table,
                                             const std::string& id) {
  auto row = registry.database().prepare("SELECT pedigree FROM kinship_families WHERE id = ?");
  row->bind(1, id);
  if (!row->step()) return std::nullopt;
  const std::string pedigree = row->string(0);
  // Only the references this pedigree names.
  std::map<std::string, kinship::Profile> references;
  for (const auto& part : pedigree_rows(pedigree)) {
    if (part[4].empty()) continue;
    if (auto p = stored_profile(registry, table, part[4], "reference"))
      references[part[4]] = std::move(*p);
  }
  return parse_family(id, pedigree, references);
}

std::string decision_subject(const KinshipDecision& d) {
  return "kinship-decision:" + d.remains + "|" + d.family + "|" + d.member;
}

namespace {
std::string decision_hash_text(const KinshipDecision& d) {
  std::map<std::string, std::string> fields{
      {"decided_at", d.decided_at}, {"decided_by", d.decided_by}, {"decision", d.decision},
      {"family", d.family},         {"log10_lr", d.log10_lr},     {"member", d.member},
      {"reason", d.reason},         {"remains", d.remains}};
  // The workflow's fields, when set (decisions made before them hash as they did).
  for (const auto& [name, value] : d.workflow_fields()) fields[name] = *value;
  return matching_internal::record_hash_text(fields);
}

constexpr const char* kDecisionColumns =
    "remains, family, member, decision, log10_lr, reason, decided_by, decided_at, "
    "COALESCE(exact_log10_lr, ''), COALESCE(model, ''), COALESCE(threshold, ''), "
    "COALESCE(state, ''), COALESCE(first_reviewer, ''), COALESCE(identified, ''), "
    "COALESCE(run, ''), COALESCE(lineage, '')";

KinshipDecision decision_of_row(store::Statement& row) {
  KinshipDecision d;
  std::string* fields[] = {&d.remains,        &d.family,     &d.member,     &d.decision,
                           &d.log10_lr,       &d.reason,     &d.decided_by, &d.decided_at,
                           &d.exact_log10_lr, &d.model,      &d.threshold,  &d.state,
                           &d.first_reviewer, &d.identified, &d.run,        &d.lineage};
  for (int i = 0; i < 16; ++i) *fields[i] = row.string(i);
  return d;
}

// Makes the identification a final confirmation names: the remains record names the person and
// both are identified. Checked before anything is written (see decide_kinship).
void identify(registry::Registry& registry, const registry::Record& remains,
              const KinshipDecision& d) {
  registry::StatusReport report;
  report.reported_by = registry.actor();
  report.note =
      "kinship decision on " + d.remains + " (log10 LR " + d.exact_log10_lr + "): " + d.reason;
  if (remains.get("person") != d.family || remains.get("status") != "identified") {
    registry.update(remains.id(), {{"person", d.family}, {"status", "identified"}}, report,
                    "identification of " + remains.id());
  }
  const registry::Record person = registry.get(d.family);
  if (person.get("status") != "identified") {
    report.note = "identified as " + remains.id() + " by kinship (log10 LR " + d.exact_log10_lr +
                  "): " + d.reason;
    registry.update(d.family, {{"status", "identified"}}, report, "identification of " + d.family);
  }
}
}  // namespace

std::vector<std::pair<const char*, const std::string*>> KinshipDecision::workflow_fields() const {
  std::vector<std::pair<const char*, const std::string*>> out;
  for (const auto& field : {std::pair{"exact_log10_lr", &exact_log10_lr},
                            {"model", &model},
                            {"threshold", &threshold},
                            {"state", &state},
                            {"first_reviewer", &first_reviewer},
                            {"identified", &identified},
                            {"run", &run},
                            {"lineage", &lineage}}) {
    if (!field.second->empty()) out.push_back(field);
  }
  return out;
}

KinshipDecision decide_kinship(registry::Registry& registry, const kinship::FrequencyTable& table,
                               KinshipDecision d, const DecisionModel& model) {
  const std::string where = "decision on " + d.remains + " and " + d.family;
  if (d.decision != "confirmed" && d.decision != "rejected")
    throw core::InputError(where, "decision", d.decision, "confirmed or rejected");
  if (core::trim(d.reason).empty())
    throw core::InputError(where, "reason", "", "say why (the comparison, what was checked)");
  if (!(model.threshold >= 1))
    throw core::InputError(where, "threshold", core::shortest_number(model.threshold),
                           "a likelihood ratio, 1 or more");
  if (!d.run.empty()) {
    // The candidate must be one the run listed.
    const std::string prefix = "kinship-run-";
    int64_t num = 0;
    if (d.run.rfind(prefix, 0) == 0) {
      try {
        num = std::stoll(d.run.substr(prefix.size()));
      } catch (const std::exception&) {
        num = 0;
      }
    }
    auto kept = registry.database().prepare("SELECT candidates FROM kinship_runs WHERE num = ?");
    kept->bind(1, num);
    if (!kept->step())
      throw core::InputError(where, "run", d.run, "no kept screening run has this id");
    bool listed = false;
    for (const auto& c : core::Json::parse(kept->string(0)))
      listed |= c[0] == d.remains && c[1] == d.family && c[2] == d.member;
    if (!listed)
      throw core::InputError(where, "run", d.run,
                             "did not list " + d.remains + " against " + d.family + " " + d.member +
                                 " as a candidate");
  }
  auto remains = stored_profile(registry, table, d.remains, "remains");
  if (!remains)
    throw core::InputError(where, "remains", d.remains, "no stored remains profile has this name");
  // Only this family's pedigree is read: a decision is one row among tens of thousands.
  std::optional<kinship::Family> family = stored_family(registry, table, d.family);
  const auto person = registry::parse_record_id(d.family);
  const bool missing_person = !family && person && person->kind == registry::Kind::kPerson;
  if (missing_person) {
    if (auto f = family_of_person(registry, table, d.family)) family = std::move(f->family);
  }
  if (!family)
    throw core::InputError(where, "family", d.family,
                           "no stored family, nor a missing person with typed relatives, has "
                           "this id");
  const int member = family->member_index(d.member);
  if (member < 0 || !family->members[static_cast<size_t>(member)].missing)
    throw core::InputError(where, "member", d.member,
                           "is not a missing member of family " + d.family);
  // The LR exactly, on a table holding every allele of the remains and the references.
  kinship::FrequencyTable widened = table;
  std::vector<kinship::Profile> everyone{*remains};
  for (const auto& m : family->members)
    if (m.typed()) everyone.push_back(m.profile);
  widened.add_unseen(everyone);
  const kinship::PairwiseResult lr = kinship::missing_person_lr(
      widened, *family, static_cast<size_t>(member), *remains, model.mutation, model.theta);
  d.exact_log10_lr = lr.log10_lr == -INFINITY ? "excluded" : core::shortest_number(lr.log10_lr);
  d.model = model.description;
  d.threshold = core::shortest_number(model.threshold);
  d.decided_by = registry.actor();
  d.decided_at = core::utc_timestamp_now();
  d.first_reviewer.clear();
  d.identified.clear();
  // With lineage markers weighed too, the threshold applies to the product of the two LRs.
  d.lineage = model.lineage;
  const double weighed = model.lineage.empty() ? lr.log10_lr : lr.log10_lr + model.lineage_log10_lr;
  const bool below = !(weighed >= std::log10(model.threshold));
  d.state = "final";
  if (d.decision == "confirmed" && below) {
    // ICMP's rule: a match below the reporting threshold is confirmed by two reviewers.
    auto earlier = registry.database().prepare(std::string("SELECT ") + kDecisionColumns +
                                               " FROM kinship_decisions WHERE remains = ? AND "
                                               "family = ? AND member = ?");
    earlier->bind(1, d.remains);
    earlier->bind(2, d.family);
    earlier->bind(3, d.member);
    if (earlier->step()) {
      const KinshipDecision first = decision_of_row(*earlier);
      if (first.decision == "confirmed" && first.state == "awaiting_second_review") {
        if (first.decided_by == d.decided_by)
          throw core::InputError(where, "decided_by", d.decided_by,
                                 "the LR is below the reporting threshold (" + d.threshold +
                                     "): a second reviewer, not the first, confirms it");
        d.first_reviewer = first.decided_by;
      }
    }
    if (d.first_reviewer.empty()) d.state = "awaiting_second_review";
  }
  // Remains identified as someone already cannot be confirmed as another (even pending).
  std::optional<registry::Record> remains_record;
  if (missing_person && d.decision == "confirmed") {
    remains_record = remains_of_profile(registry, d.remains);
    if (remains_record && !remains_record->get("person").empty() &&
        remains_record->get("person") != d.family)
      throw core::InputError(where, "remains", remains_record->id(),
                             "is identified as " + remains_record->get("person") +
                                 " already: withdraw that identification first");
    if (d.state != "final") remains_record.reset();
    if (remains_record) d.identified = remains_record->id();
  }
  registry::Registry::Transaction tx(registry);
  auto put = registry.database().prepare(
      "INSERT INTO kinship_decisions(remains, family, member, decision, log10_lr, "
      "reason, decided_by, decided_at, exact_log10_lr, model, threshold, state, first_reviewer, "
      "identified, run, lineage) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(remains, family, member) DO UPDATE SET decision = excluded.decision, "
      "log10_lr = excluded.log10_lr, reason = excluded.reason, decided_by = excluded.decided_by, "
      "decided_at = excluded.decided_at, exact_log10_lr = excluded.exact_log10_lr, "
      "model = excluded.model, threshold = excluded.threshold, state = excluded.state, "
      "first_reviewer = excluded.first_reviewer, identified = excluded.identified, "
      "run = excluded.run, lineage = excluded.lineage");
  const std::string* values[] = {&d.remains,        &d.family,     &d.member,     &d.decision,
                                 &d.log10_lr,       &d.reason,     &d.decided_by, &d.decided_at,
                                 &d.exact_log10_lr, &d.model,      &d.threshold,  &d.state,
                                 &d.first_reviewer, &d.identified, &d.run,        &d.lineage};
  for (int i = 0; i < 16; ++i) put->bind(i + 1, *values[i]);
  put->run();
  registry.append_ledger_entry("kinship.decision", decision_subject(d),
                               ledger::sha256(decision_hash_text(d)));
  if (remains_record) identify(registry, *remains_record, d);
  tx.commit();
  return d;
}

std::vector<KinshipDecision> kinship_decisions(registry::Registry& registry) {
  auto rows = registry.database().prepare(std::string("SELECT ") + kDecisionColumns +
                                          " FROM kinship_decisions ORDER BY family, member, "
                                          "remains");
  std::vector<KinshipDecision> out;
  while (rows->step()) out.push_back(decision_of_row(*rows));
  return out;
}

namespace {
std::string run_hash_text(const KeptScreeningRun& r) {
  return matching_internal::record_hash_text(
      {{"athar_version", r.athar_version},
       {"candidates", r.candidates},
       {"frequencies_sha256", r.frequencies_sha256},
       {"missing_persons", std::to_string(r.missing_persons)},
       {"remains", std::to_string(r.remains)},
       {"settings", r.settings},
       {"started_at", r.started_at},
       {"started_by", r.started_by}});
}
}  // namespace

KeptScreeningRun keep_screening_run(registry::Registry& registry, KeptScreeningRun run) {
  run.started_at = core::utc_timestamp_now();
  run.started_by = registry.actor();
  registry::Registry::Transaction tx(registry);
  auto put = registry.database().prepare(
      "INSERT INTO kinship_runs(started_at, started_by, settings, frequencies_sha256, "
      "athar_version, remains, missing_persons, candidates) VALUES(?,?,?,?,?,?,?,?)");
  put->bind(1, run.started_at);
  put->bind(2, run.started_by);
  put->bind(3, run.settings);
  put->bind(4, run.frequencies_sha256);
  put->bind(5, run.athar_version);
  put->bind(6, run.remains);
  put->bind(7, run.missing_persons);
  put->bind(8, run.candidates);
  put->run();
  run.num = registry.database().last_insert_id();
  registry.append_ledger_entry("kinship.run", "kinship-run:" + std::to_string(run.num),
                               ledger::sha256(run_hash_text(run)));
  tx.commit();
  return run;
}

std::vector<KeptScreeningRun> kept_screening_runs(registry::Registry& registry) {
  auto rows = registry.database().prepare(
      "SELECT num, started_at, started_by, settings, frequencies_sha256, athar_version, remains, "
      "missing_persons, candidates FROM kinship_runs ORDER BY num");
  std::vector<KeptScreeningRun> out;
  while (rows->step()) {
    out.push_back({rows->int64(0), rows->string(1), rows->string(2), rows->string(3),
                   rows->string(4), rows->string(5), rows->int64(6), rows->int64(7),
                   rows->string(8)});
  }
  return out;
}

std::string frequency_table_sha256(const kinship::FrequencyTable& table) {
  std::string text;
  for (size_t m = 0; m < table.size(); ++m) {
    const kinship::Marker& marker = table.marker(m);
    text += marker.name + "\n";
    for (size_t a = 0; a < marker.alleles.size(); ++a)
      text += kinship::allele_text(marker.alleles[a]) + "\t" +
              core::shortest_number(marker.frequency[a]) + "\n";
    text += "\n";
  }
  return ledger::to_hex(ledger::sha256(text));
}

std::vector<std::pair<std::string, std::string>> check_kinship(registry::Registry& registry) {
  std::map<std::string, std::string> hashes;
  auto profiles = registry.database().prepare(
      "SELECT sample, kind, COALESCE(sex, ''), dropout, genotypes FROM kinship_profiles");
  while (profiles->step()) {
    hashes["dna:" + profiles->string(0)] = ledger::to_hex(
        ledger::sha256(profile_text(profiles->string(0), profiles->string(1), profiles->string(2),
                                    profiles->real(3), profiles->string(4))));
  }
  auto families = registry.database().prepare("SELECT id, pedigree FROM kinship_families");
  while (families->step()) {
    hashes["family:" + families->string(0)] = ledger::to_hex(ledger::sha256(
        record_hash_text({{"id", families->string(0)}, {"pedigree", families->string(1)}})));
  }
  for (const KinshipDecision& d : kinship_decisions(registry))
    hashes[decision_subject(d)] = ledger::to_hex(ledger::sha256(decision_hash_text(d)));
  auto haplotypes = registry.database().prepare(
      "SELECT sample, lineage, kind, haplotype FROM kinship_haplotypes");
  while (haplotypes->step()) {
    hashes["dna-" + haplotypes->string(1) + ":" + haplotypes->string(0)] = ledger::to_hex(
        ledger::sha256(haplotype_hash_text(haplotypes->string(0), haplotypes->string(1),
                                           haplotypes->string(2), haplotypes->string(3))));
  }
  auto databases =
      registry.database().prepare("SELECT lineage, name, content FROM kinship_lineage_databases");
  while (databases->step()) {
    hashes["lineage-database:" + databases->string(0)] =
        ledger::to_hex(ledger::sha256(lineage_database_hash_text(
            databases->string(0), databases->string(1), databases->string(2))));
  }
  for (const KeptScreeningRun& r : kept_screening_runs(registry))
    hashes["kinship-run:" + std::to_string(r.num)] =
        ledger::to_hex(ledger::sha256(run_hash_text(r)));
  auto findings = matching_internal::compare_with_ledger(
      registry, hashes, "no ledger entry records it (written behind Athar's back)");
  // A row the ledger says was stored and the store no longer holds: deleted behind Athar's back
  // (Athar never deletes profiles, haplotypes, families, decisions, runs or lineage databases).
  auto logged = registry.database().prepare(
      "SELECT DISTINCT subject FROM ledger_entries WHERE subject LIKE 'dna:%' OR subject LIKE "
      "'dna-y:%' OR subject LIKE 'dna-mt:%' OR subject LIKE 'family:%' OR subject LIKE "
      "'kinship-decision:%' OR subject LIKE 'kinship-run:%' OR subject LIKE "
      "'lineage-database:%'");
  while (logged->step()) {
    const std::string subject = logged->string(0);
    if (!hashes.contains(subject))
      findings.emplace_back(subject, "deleted: its ledger entry records it, the store lacks it");
  }
  return findings;
}

}  // namespace athar::matching
