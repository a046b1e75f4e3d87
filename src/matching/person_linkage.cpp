#include "matching/person_linkage.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "core/canonical_json.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/error.h"
#include "core/json.h"
#include "ledger/hash.h"
#include "matching/internal/histories.h"
#include "matching/internal/ledger_check.h"
#include "registry/import.h"
#include "store/database.h"
#include "store/dialect.h"

namespace athar::matching {

namespace {

// Person fields read for linkage: the name parts in both scripts, then the facts.
constexpr const char* kNameParts[] = {"given", "father", "grandfather", "family", "mother"};
constexpr const char* kPersonColumns[] = {"given_name_ar",
                                          "father_name_ar",
                                          "grandfather_name_ar",
                                          "family_name_ar",
                                          "mother_name_ar",
                                          "given_name_lat",
                                          "father_name_lat",
                                          "grandfather_name_lat",
                                          "family_name_lat",
                                          "mother_name_lat",
                                          "sex",
                                          "birth_date",
                                          "governorate",
                                          "disappeared_on",
                                          "detained_on",
                                          "birthplace"};
constexpr size_t kPersonColumnCount = std::size(kPersonColumns);

std::string year_of(const std::string& date) { return date.size() >= 4 ? date.substr(0, 4) : ""; }
// Month and day of a full date (YYYY-MM-DD) as MMDD; "" for a year or a month only.
std::string day_of(const std::string& date) {
  return date.size() == 10 ? date.substr(5, 2) + date.substr(8, 2) : "";
}

// The linkage values of a person from its fields in kPersonColumns order.
template <class Get>
void person_values(Get get, std::vector<std::string>& out) {
  out.clear();
  for (size_t part = 0; part < std::size(kNameParts); ++part) {
    const std::string& arabic = get(part);
    out.push_back(!arabic.empty() ? arabic : get(part + 5));  // Arabic script first
  }
  const std::string& sex = get(10);
  out.push_back(sex == "male" || sex == "female" ? sex : "");
  out.push_back(get(11));
  out.push_back(year_of(get(11)));
  out.push_back(day_of(get(11)));
  out.push_back(get(12));
  const std::string& disappeared = get(13);
  out.push_back(year_of(!disappeared.empty() ? disappeared : get(14)));
  out.push_back(get(15));
}

std::string explanation_json(const linkage::ScoredPair& pair, const linkage::Model& model) {
  core::OrderedJson j = core::OrderedJson::object();
  for (size_t f = 0; f < model.fields.size(); ++f) {
    if (!model.fields[f].compared) continue;
    j[model.fields[f].name] = std::round(pair.field_weights[f] * 1000) / 1000;
  }
  return j.dump();
}

core::OrderedJson model_json(const linkage::Model& model) {
  core::OrderedJson fields = core::OrderedJson::array();
  for (const auto& f : model.fields) {
    if (!f.compared) continue;
    core::OrderedJson levels = core::OrderedJson::array();
    for (size_t l = 1; l < f.level_names.size(); ++l) {
      levels.push_back({{"level", f.level_names[l]}, {"m", f.m[l]}, {"u", f.u[l]}});
    }
    fields.push_back({{"field", f.name}, {"levels", levels}});
  }
  return {{"prior", model.prior}, {"fields", fields}};
}

std::string decision_subject(std::string_view a, std::string_view b) {
  return "match:" + std::string(a) + "|" + std::string(b);
}

std::string decision_text(std::string_view a, std::string_view b, std::string_view decision,
                          std::string_view by, std::string_view at, std::string_view note) {
  core::CanonicalJsonWriter w;
  w.begin_object();
  w.key("a");
  w.string(a);
  w.key("b");
  w.string(b);
  w.key("decided_at");
  w.string(at);
  w.key("decided_by");
  w.string(by);
  w.key("decision");
  w.string(decision);
  w.key("note");
  w.string(note);
  w.end_object();
  return w.text();
}

const registry::Record& require_person(registry::Registry& registry, std::string_view id,
                                       registry::Record& holder) {
  holder = registry.get(id);
  if (holder.spec->kind != registry::Kind::kPerson)
    throw core::InputError("decision", "record", std::string(id), "is not a person");
  return holder;
}

}  // namespace

linkage::Dataset empty_person_dataset() {
  return linkage::Dataset({"given", "father", "grandfather", "family", "mother", "sex", "birth",
                           "birth_year", "birth_day", "governorate", "disappeared", "birthplace"});
}

linkage::LinkageConfig person_linkage_config() {
  using linkage::Comparison;
  linkage::LinkageConfig c;
  c.fields = {{"given", Comparison::kName, true},
              {"father", Comparison::kName, true},
              {"grandfather", Comparison::kName, true},
              {"family", Comparison::kName, true},
              {"mother", Comparison::kName, true},
              {"sex", Comparison::kExact},
              {"birth", Comparison::kDate},  // a full date, a month or a year
              // The birth date's year and its MMDD, for blocking only: the date is weighed once.
              {"birth_year", Comparison::kYear, false, false, "birth"},
              {"birth_day", Comparison::kIdentifier, false, false, "birth"},
              {"governorate", Comparison::kExact},
              {"disappeared", Comparison::kYear},
              {"birthplace", Comparison::kName, true}};  // a town or village, in either script
  c.swappable = {{"given", "family"}};
  // Brothers and sisters share father, grandfather and family name; namesakes share all four
  // parts. Agreement on such a combination is worth what its frequency says, not the product of
  // the parts' (docs/linkage.md, "Families").
  c.joint_groups = {{"given", "father", "grandfather", "family"},
                    {"father", "grandfather", "family"},
                    {"given", "father", "family"},
                    {"father", "family"},
                    {"grandfather", "family"},
                    {"given", "family"}};
  c.apart_within_list = {"given", "sex"};
  c.relatives_share = {"father", "grandfather", "family", "mother", "governorate"};
  // A chain of links must not join two records the model finds clearly different (A and C of
  // brothers A, B, C whose names were damaged alike).
  c.join_floor = 0.01;
  // EM's few parameters settle on a fifth of the default sample per rule (measured at 300,000
  // persons: the same entities from 100,000 pairs a rule as from 1,000,000, in half the time).
  c.em_pairs_per_rule = 200'000;
  // One blocking for every use (the registry, list files, the benchmarks): each rule survives
  // some damage the others do not (docs/linkage.md, "Blocking").
  c.blocking = {
      // both names, in either order, and one more fact
      {{"given+family", "birth_year|father|birthplace|governorate"}},
      {{"family", "birth_year"}, 200},                      // given name damaged
      {{"given", "father", "birth_year|birthplace"}, 300},  // family damaged
      {{"given", "father", "grandfather"}, 300},            // family damaged, no birth year
      {{"given", "father", "governorate"}, 100},            // family and grandfather missing
      {{"given", "father"}, 50},                            // the same, no governorate
      {{"father", "family"}, 50},                           // given name damaged, others missing
      {{"father", "grandfather", "family"}},                // given name and birth year damaged
      // Family and father damaged. A governorate holds millions: blocks of common names in it
      // are left to the other rules.
      {{"given", "birth_year", "mother|birthplace|governorate"}, 100},
      {{"birth_year", "birth_day"}},  // both names damaged
      // Rare values only (blocks of at most 50), whatever else was damaged; common ones propose
      // nothing here: a rare pair of names, or one rare name with the place or the year.
      {{"given+family"}, 50},
      {{"given|family", "birthplace"}, 50},
      {{"given|family", "birth_year"}, 50},
      {{"birth_year", "birthplace"}, 50},
      {{"family", "birth_day"}, 50},
      {{"given|family"}, 20},  // one rare name
  };
  return c;
}

linkage::Dataset simulated_person_dataset(const linkage::Simulation& s,
                                          std::vector<std::string>* truth) {
  linkage::Dataset data = empty_person_dataset();
  std::string fields[kPersonColumnCount];
  std::vector<std::string> values;
  for (const linkage::SimulatedRecord& r : s.records) {
    const std::string* names[] = {&r.given, &r.father, &r.grandfather, &r.family, &r.mother};
    for (size_t part = 0; part < 5; ++part) {
      fields[part] = r.latin ? "" : *names[part];
      fields[part + 5] = r.latin ? *names[part] : "";
    }
    fields[10] = r.sex;
    fields[11] = r.birth;
    fields[12] = r.governorate;
    fields[13] = r.disappeared;
    fields[14] = fields[15] = "";
    person_values([&](size_t i) -> const std::string& { return fields[i]; }, values);
    data.add("list-" + std::to_string(r.list + 1), values);
    if (truth) truth->push_back(std::to_string(r.person));
  }
  return data;
}

PersonLists read_person_lists(const std::vector<std::string>& paths, bool skip_bad_rows) {
  if (paths.empty()) throw core::InputError("linkage", "--csv", "", "name at least one list");
  // Rows are checked by the registry's own rules, without a database.
  const registry::KindSpec& person = registry::kind_spec(registry::Kind::kPerson);
  int person_field[kPersonColumnCount];
  for (size_t i = 0; i < kPersonColumnCount; ++i)
    person_field[i] = person.field_index(kPersonColumns[i]);

  PersonLists out;
  std::vector<std::string> values;
  std::vector<std::string_view> row;
  registry::Record record(person);
  const int role = person.field_index("role");
  const int given_lat = person.field_index("given_name_lat");
  const int kNameColumns[] = {person.field_index("given_name_ar"),
                              person.field_index("family_name_ar"), given_lat,
                              person.field_index("family_name_lat")};
  for (const std::string& path : paths) {
    out.files.push_back(path);
    core::CsvReader csv(path);
    if (!csv.next(row)) throw core::InputError(path, "", "", "the file is empty (no header row)");
    // -1: not a person field (source, id); -2, -3: a full name in Arabic, Latin script.
    std::vector<int> column_field;
    for (std::string_view name : row) {
      int f = person.field_index(std::string(name));
      if (name == "full_name_ar" || name == "full_name_lat") f = name == "full_name_ar" ? -2 : -3;
      if (f == -1 && name != "source" && name != "id") {
        throw core::InputError(path + " row 1 (header)", std::string(name), std::string(name),
                               "unknown column (docs/registry.md lists the person columns)");
      }
      column_field.push_back(f);
    }
    csv.require_unique_columns(row);
    csv.set_header(row);
    const std::string list = std::filesystem::path(path).stem().string();
    const size_t file_index = out.files.size() - 1;
    while (true) {
      std::string where;
      try {
        if (!csv.next(row)) break;
        ++out.rows;
        where = csv.location();
        if (row.size() != column_field.size()) {
          throw core::InputError(
              where, "", std::to_string(row.size()) + " columns",
              "the header has " + std::to_string(column_field.size()) + " columns");
        }
        for (std::string& v : record.values) v.clear();
        std::string_view full_ar, full_lat;
        for (size_t c = 0; c < row.size(); ++c) {
          if (column_field[c] >= 0) record.values[static_cast<size_t>(column_field[c])] = row[c];
          if (column_field[c] == -2) full_ar = row[c];
          if (column_field[c] == -3) full_lat = row[c];
        }
        if (!full_ar.empty() || !full_lat.empty())
          registry::fill_name_parts(record, full_ar, full_lat);
        if (record.values[static_cast<size_t>(role)].empty())
          record.values[static_cast<size_t>(role)] = "victim";
        // A field the registry refuses is emptied and reported, and the record checked again.
        // A person left with no name at all (a body found with a birth date and a place, or
        // names that were only punctuation) is linked on its other fields, and reported; a
        // stand-in name lets the registry check the rest. Any other problem refuses the row.
        const auto no_name = [&] {
          return std::all_of(std::begin(kNameColumns), std::end(kNameColumns),
                             [&](int f) { return record.values[static_cast<size_t>(f)].empty(); });
        };
        bool unnamed = false;
        for (size_t attempt = 0;; ++attempt) {
          if (!unnamed && no_name()) {
            unnamed = true;
            out.field_problems.push_back({where, "given_name_ar", "",
                                          "no given or family name: linked on the other fields"});
            record.values[static_cast<size_t>(given_lat)] = "unnamed";
          }
          try {
            registry::validate_new_record(record, where);
            break;
          } catch (const core::InputError& e) {
            const int f = person.field_index(e.field());
            if (f < 0 || f == role || record.values[static_cast<size_t>(f)].empty() ||
                attempt > person.fields.size())
              throw;
            out.field_problems.push_back({where, e.field(), e.value(), e.problem()});
            record.values[static_cast<size_t>(f)].clear();
          }
        }
        if (unnamed) record.values[static_cast<size_t>(given_lat)].clear();
        person_values(
            [&](size_t i) -> const std::string& {
              return record.values[static_cast<size_t>(person_field[i])];
            },
            values);
        out.data.add(list, values);
        out.origin.push_back({static_cast<uint32_t>(file_index), static_cast<uint32_t>(csv.row())});
      } catch (const core::InputError& e) {
        if (!skip_bad_rows) throw;
        if (where.empty()) {  // the reader refused the row itself (encoding, quotes)
          ++out.rows;
          where = csv.location();
        }
        out.skipped.push_back({where, e.what()});
      }
    }
  }
  return out;
}

RunReport run_person_linkage(registry::Registry& registry, const RunOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (!(options.threshold > 0 && options.threshold <= 1) ||
      !(options.review_from > 0 && options.review_from <= 1)) {
    throw core::InputError("linkage", "threshold", std::to_string(options.threshold),
                           "thresholds are probabilities in (0, 1]");
  }
  store::Database& db = registry.database();

  // Persons with the source that first listed them (their list).
  std::string sql = "SELECT p.num";
  for (const char* column : kPersonColumns) sql += std::string(", p.") + column;
  sql += ", (SELECT l.to_record FROM links l WHERE l.from_record = 'person-' || " +
         store::zero_padded(db, "p.num", 6) +
         " AND l.type = 'listed_by' AND l.retraction IS NULL ORDER BY l.num LIMIT 1) FROM "
         "persons p WHERE p.retraction IS NULL";
  if (!options.role.empty()) sql += " AND p.role = ?";
  sql += " ORDER BY p.num";
  options.progress(0, "reading persons");
  auto rows = db.prepare(sql);
  if (!options.role.empty()) rows->bind(1, options.role);
  linkage::Dataset data = empty_person_dataset();
  std::vector<std::string> ids;
  std::unordered_map<std::string, uint32_t> index_of;
  std::vector<std::string> values, fields(kPersonColumnCount);
  while (rows->step()) {
    for (size_t i = 0; i < kPersonColumnCount; ++i)
      fields[i] =
          rows->is_null(static_cast<int>(i + 1)) ? "" : rows->string(static_cast<int>(i + 1));
    person_values([&](size_t i) -> const std::string& { return fields[i]; }, values);
    const int source_column = static_cast<int>(kPersonColumnCount + 1);
    const std::string list =
        rows->is_null(source_column) ? "(no source)" : rows->string(source_column);
    const std::string id = registry::format_record_id(registry::Kind::kPerson, rows->int64(0));
    index_of.emplace(id, static_cast<uint32_t>(ids.size()));
    ids.push_back(id);
    data.add(list, values, id);
  }

  linkage::LinkageConfig config = person_linkage_config();
  config.progress = options.progress.part(0.05, 0.9);
  config.threshold = options.threshold;
  config.report_from = options.review_from;
  config.threads = options.threads;
  config.link_only_across_lists = options.across_sources_only;
  config.one_record_per_list = options.across_sources_only;
  RunReport report;
  {
    auto decided = db.prepare("SELECT record_a, record_b, decision FROM match_decisions");
    while (decided->step()) {
      auto a = index_of.find(decided->string(0)), b = index_of.find(decided->string(1));
      if (a == index_of.end() || b == index_of.end()) continue;  // a person not in this run
      config.decisions.push_back({a->second, b->second, decided->text(2) == "same"});
    }
    report.decisions_applied = config.decisions.size();
  }
  report.records = data.size();
  report.lists = data.list_names().size();
  if (data.size() < 2)
    throw core::InputError("linkage", "persons", std::to_string(data.size()),
                           "at least two persons are needed");
  const linkage::LinkageResult result = linkage::link(data, config);
  report.candidates = result.candidate_pairs;
  report.entities = result.clusters;
  report.cluster_sizes = result.cluster_sizes;
  report.model = result.model;
  std::vector<std::pair<uint32_t, uint32_t>> kept;
  for (const linkage::Link& l : result.links) {
    kept.emplace_back(l.a, l.b);
    report.links += l.probability >= options.threshold ? 1 : 0;
  }
  report.for_review = kept.size();
  const std::vector<linkage::ScoredPair> explained =
      linkage::explain(data, config, result.model, kept);

  options.progress(0.9, "storing");
  registry::Registry::Transaction tx(registry);
  const std::string started_at = core::utc_timestamp_now();
  auto insert_run = db.prepare(
      "INSERT INTO linkage_runs(started_at, actor, role, threshold, review_from, records, "
      "candidates, links, entities, model) VALUES(?,?,?,?,?,?,?,?,?,?)");
  const std::string model = model_json(result.model).dump();
  insert_run->bind(1, started_at);
  insert_run->bind(2, registry.actor());
  insert_run->bind(3, options.role);
  insert_run->bind(4, options.threshold);
  insert_run->bind(5, options.review_from);
  insert_run->bind(6, static_cast<int64_t>(report.records));
  insert_run->bind(7, static_cast<int64_t>(report.candidates));
  insert_run->bind(8, static_cast<int64_t>(report.links));
  insert_run->bind(9, static_cast<int64_t>(report.entities));
  insert_run->bind(10, model);
  insert_run->step();
  report.run = db.last_insert_id();
  db.execute_script("DELETE FROM match_candidates; DELETE FROM person_entities;");
  auto insert_pair = db.prepare(
      "INSERT INTO match_candidates(record_a, record_b, probability, explanation) "
      "VALUES(?,?,?,?)");
  // The run's result is fingerprinted in its ledger entry: pairs and entities in order.
  std::string digest_text;
  for (size_t i = 0; i < explained.size(); ++i) {
    std::string a = ids[explained[i].a], b = ids[explained[i].b];
    if (b < a) std::swap(a, b);
    insert_pair->reset();
    insert_pair->bind(1, a);
    insert_pair->bind(2, b);
    insert_pair->bind(3, result.links[i].probability);
    insert_pair->bind(4, explanation_json(explained[i], result.model));
    insert_pair->step();
    char probability[32];
    std::snprintf(probability, sizeof probability, "%.9f", result.links[i].probability);
    digest_text += a + "\t" + b + "\t" + probability + "\n";
  }
  auto insert_entity =
      db.prepare("INSERT INTO person_entities(record, entity, list) VALUES(?,?,?)");
  for (uint32_t r = 0; r < data.size(); ++r) {
    insert_entity->reset();
    insert_entity->bind(1, ids[r]);
    insert_entity->bind(2, static_cast<int64_t>(result.cluster[r]));
    insert_entity->bind(3, data.list_names()[data.list(r)]);
    insert_entity->step();
    digest_text += ids[r] + "\t" + std::to_string(result.cluster[r]) + "\n";
  }
  core::CanonicalJsonWriter w;
  w.begin_object();
  w.key("model");
  w.string(model);
  w.key("result_sha256");
  w.string(ledger::to_hex(ledger::sha256(digest_text)));
  w.key("started_at");
  w.string(started_at);
  w.end_object();
  registry.append_ledger_entry("linkage.run", "linkage-run-" + std::to_string(report.run),
                               ledger::sha256(w.text()));
  tx.commit();
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

std::vector<Candidate> candidates(registry::Registry& registry, const CandidateQuery& query) {
  auto rows = registry.database().prepare(
      std::string("SELECT c.record_a, c.record_b, c.probability, c.explanation, d.decision "
                  "FROM match_candidates c LEFT JOIN match_decisions d "
                  "ON d.record_a = c.record_a AND d.record_b = c.record_b") +
      (query.include_decided ? "" : " WHERE d.decision IS NULL") +
      " ORDER BY c.probability DESC, c.record_a, c.record_b LIMIT ?");
  rows->bind(1, static_cast<int64_t>(query.limit));
  std::vector<Candidate> out;
  while (rows->step()) {
    Candidate c{rows->string(0),
                rows->string(1),
                rows->real(2),
                {},
                rows->is_null(4) ? "" : rows->string(4)};
    const core::OrderedJson weights = core::OrderedJson::parse(rows->text(3));
    for (const auto& [field, weight] : weights.items())
      c.explanation.push_back({field, weight.get<double>()});
    out.push_back(std::move(c));
  }
  return out;
}

void decide(registry::Registry& registry, std::string_view a_id, std::string_view b_id, bool same,
            std::string_view note) {
  registry::Record holder(registry::kind_spec(registry::Kind::kPerson));
  std::string a(require_person(registry, a_id, holder).id());
  std::string b(require_person(registry, b_id, holder).id());
  if (a == b) throw core::InputError("decision", "record", a, "a person is not paired with itself");
  if (b < a) std::swap(a, b);
  const std::string decision = same ? "same" : "different";
  const std::string at = core::utc_timestamp_now();
  registry::Registry::Transaction tx(registry);
  auto upsert = registry.database().prepare(
      "INSERT INTO match_decisions(record_a, record_b, decision, decided_by, decided_at, note) "
      "VALUES(?,?,?,?,?,?) ON CONFLICT(record_a, record_b) DO UPDATE SET "
      "decision = excluded.decision, decided_by = excluded.decided_by, "
      "decided_at = excluded.decided_at, note = excluded.note");
  upsert->bind(1, a);
  upsert->bind(2, b);
  upsert->bind(3, decision);
  upsert->bind(4, registry.actor());
  upsert->bind(5, at);
  upsert->bind_text_or_null(6, note);
  upsert->step();
  registry.append_ledger_entry(
      "linkage.decision", decision_subject(a, b),
      ledger::sha256(decision_text(a, b, decision, registry.actor(), at, note)));
  tx.commit();
}

std::vector<EntityRow> entities(registry::Registry& registry) {
  auto rows = registry.database().prepare(
      "SELECT record, entity, list FROM person_entities ORDER BY entity, record");
  std::vector<EntityRow> out;
  while (rows->step()) out.push_back({rows->string(0), rows->int64(1), rows->string(2)});
  return out;
}

estimate::CaptureHistories capture_histories(registry::Registry& registry) {
  const std::vector<EntityRow> rows = entities(registry);
  estimate::CaptureHistories h;
  h.lists = matching_internal::list_names(rows);
  std::map<std::string, size_t> list_index;
  for (size_t i = 0; i < h.lists.size(); ++i) list_index[h.lists[i]] = i;
  std::map<int64_t, size_t> history_of;  // entity → bit set of its lists
  for (const EntityRow& r : rows) history_of[r.entity] |= size_t{1} << list_index[r.list];
  h.counts.assign(size_t{1} << h.lists.size(), 0.0);
  for (const auto& [entity, history] : history_of) h.counts[history] += 1;
  return h;
}

std::vector<std::pair<std::string, std::string>> check_decisions(registry::Registry& registry) {
  auto rows = registry.database().prepare(
      "SELECT record_a, record_b, decision, decided_by, decided_at, COALESCE(note, '') "
      "FROM match_decisions ORDER BY record_a, record_b");
  std::map<std::string, std::string> hashes;
  while (rows->step()) {
    hashes[decision_subject(rows->text(0), rows->text(1))] =
        ledger::to_hex(ledger::sha256(decision_text(rows->text(0), rows->text(1), rows->text(2),
                                                    rows->text(3), rows->text(4), rows->text(5))));
  }
  return matching_internal::compare_with_ledger(registry, hashes,
                                                "no ledger entry records this decision");
}

}  // namespace athar::matching

namespace athar::matching_internal {

std::vector<std::pair<std::string, std::string>> compare_with_ledger(
    registry::Registry& registry, const std::map<std::string, std::string>& hashes,
    const std::string& when_missing) {
  std::set<std::string> subjects;
  for (const auto& [subject, hash] : hashes) subjects.insert(subject);
  const auto entries = registry.ledger().entries_about(subjects);
  std::vector<std::pair<std::string, std::string>> findings;
  for (const auto& [subject, hash] : hashes) {
    const auto it = entries.find(subject);
    if (it == entries.end() || it->second.empty()) {
      findings.emplace_back(subject, when_missing);
      continue;
    }
    const core::Json entry = core::Json::parse(registry.ledger().entry(it->second.back()));
    if (entry.value("sha256", "") != hash)
      findings.emplace_back(subject, "differs from its last ledger entry");
  }
  return findings;
}

std::vector<std::string> list_names(const std::vector<matching::EntityRow>& rows) {
  if (rows.empty()) {
    throw core::InputError("estimate", "entities", "",
                           "no linkage run yet: run `athar link` first");
  }
  std::set<std::string> names;
  for (const matching::EntityRow& r : rows) names.insert(r.list);
  if (names.size() > 16) {
    throw core::InputError("estimate", "lists", std::to_string(names.size()), "at most 16 sources");
  }
  return {names.begin(), names.end()};
}

std::string record_hash_text(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::map<std::string, std::string> sorted;
  for (const auto& [key, value] : fields) sorted.emplace(key, value);
  return record_hash_text(sorted);
}

std::string record_hash_text(const std::map<std::string, std::string>& fields) {
  core::CanonicalJsonWriter w;
  w.begin_object();
  for (const auto& [key, value] : fields) {
    w.key(key);
    w.string(value);
  }
  w.end_object();
  return w.text();
}

}  // namespace athar::matching_internal
