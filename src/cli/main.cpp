// The `athar` command: a thin shell over the registry library. Every error class maps to one
// exit code, listed in `athar --help`.
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "app/accounts.h"
#include "app/analyses.h"
#include "app/evidence.h"
#include "app/exports.h"
#include "app/identification_report.h"
#include "app/integrity.h"
#include "app/ledger_reads.h"
#include "app/lineage.h"
#include "app/migrate.h"
#include "app/records.h"
#include "app/screening.h"
#include "app/simulated_case.h"
#include "cli/cli_support.h"
#include "cli/progress_bar.h"
#include "core/csv.h"
#include "core/encoding.h"
#include "core/error.h"
#include "core/governorate.h"
#include "core/text.h"
#include "estimate/latent_class.h"
#include "estimate/loglinear.h"
#include "kinship/assignment.h"
#include "kinship/pairwise.h"
#include "kinship/screening.h"
#include "kinship/simulate.h"
#include "ledger/checkpoint.h"
#include "ledger/log.h"
#include "ledger/witness.h"
#include "linkage/simulate.h"
#include "matching/estimate_store.h"
#include "matching/kinship_store.h"
#include "matching/person_linkage.h"
#include "matching/person_search.h"
#include "registry/bundle.h"
#include "registry/evidence.h"
#include "registry/export.h"
#include "registry/import.h"
#include "registry/registry.h"
#include "registry/verify.h"
#include "server/http_server.h"
#include "store/database.h"

namespace {

using athar::cli::AppSession;
using athar::cli::default_actor;
using athar::cli::Globals;
using athar::cli::keys_path;
using athar::cli::objects_path;
using athar::cli::print_json;
using athar::cli::with_progress_bar;
using athar::core::ErrorKind;
using athar::core::OrderedJson;
namespace registry = athar::registry;
namespace store = athar::store;

// The one table from an error's kind to the exit code `athar --help` documents; 2 is CLI11's
// usage error.
constexpr int kUsageExit = 2;
int exit_code_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInput:
      return 3;
    case ErrorKind::kNotFound:
      return 4;
    case ErrorKind::kConflict:
      return 5;
    case ErrorKind::kForbidden:
      return 6;
    case ErrorKind::kCorruption:
      return 7;
    case ErrorKind::kUnavailable:
      return 8;
    case ErrorKind::kInternal:
      break;
  }
  return 1;
}

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  success\n"
    "  1  internal error (a bug: please report it)\n"
    "  2  usage error (unknown command or option)\n"
    "  3  bad input (the message names the file, row or record, field and value);"
    " nothing was written\n"
    "  4  not found (no such record or database)\n"
    "  5  conflict (e.g. `athar init` on an existing database)\n"
    "  6  forbidden\n"
    "  7  corruption (an integrity check failed)\n"
    "  8  unavailable (database or file cannot be used now, or is newer than this Athar)\n";

// One line naming a record for lists: its most telling fields.
std::string describe(const registry::Record& r) {
  const auto join = [&](std::initializer_list<std::string_view> fields,
                        std::string_view separator) { return r.joined(fields, separator); };
  switch (r.spec->kind) {
    case registry::Kind::kSource:
      return join({"name", "kind", "published_on"}, " | ");
    case registry::Kind::kSite:
      return join({"name_lat", "name_ar"}, " / ") + " | " + join({"governorate", "status"}, " | ");
    case registry::Kind::kUnit:
      return join({"name_lat", "name_ar"}, " / ") + " | " + join({"kind", "parent"}, " | ");
    case registry::Kind::kPerson: {
      std::string ar = join({"given_name_ar", "father_name_ar", "family_name_ar"}, " ");
      std::string lat = join({"given_name_lat", "father_name_lat", "family_name_lat"}, " ");
      return (ar.empty()    ? lat
              : lat.empty() ? ar
                            : ar + " / " + lat) +
             " | " + join({"role", "sex", "birth_date", "status"}, " | ");
    }
    case registry::Kind::kWitness:
      return join({"notes"}, "");
    case registry::Kind::kTestimony:
      return join({"witness", "given_on", "language", "summary"}, " | ");
    case registry::Kind::kEvent:
      return join({"kind", "started_on", "ended_on", "site", "unit", "place"}, " | ");
    case registry::Kind::kClaim:
      return join({"subject", "topic", "figure", "figure_kind", "source", "verification"}, " | ");
    case registry::Kind::kLink:
      return join({"from_record", "type", "to_record", "role"}, " ") + " (" + r.get("source") + ")";
    case registry::Kind::kEvidence:
      return join({"sha256", "media_type", "size", "captured_at"}, " | ");
    case registry::Kind::kCustody:
      return join({"evidence", "action", "by_whom", "at", "place", "to_whom"}, " | ");
    case registry::Kind::kRemains:
      return join({"site", "label", "recovered_on", "estimated_sex", "status", "person"}, " | ");
    case registry::Kind::kSample:
      return join(
          {"kind", "sample_number", "lab", "remains", "missing_person", "relation", "profile"},
          " | ");
  }
  return {};
}

// Plausibility warnings on stderr: the record is stored, the reader should look.
void print_warnings(const std::vector<registry::Warning>& warnings, size_t at_most = 50) {
  for (size_t i = 0; i < warnings.size() && i < at_most; ++i)
    std::cerr << "warning: " << warnings[i].text() << "\n";
  if (warnings.size() > at_most) {
    std::cerr << "warning: " << athar::core::with_thousands(warnings.size() - at_most)
              << " more warnings (--json lists them all; `athar check` lists every one in the "
                 "registry)\n";
  }
}

void print_report(const athar::app::Imported& imported, const Globals& g) {
  const registry::ImportReport& report = imported.report;
  if (g.json) return print_json(imported.to_json());
  if (!report.imported_before.empty()) std::cerr << "note: " << report.imported_before << "\n";
  print_warnings(imported.warnings);
  if (imported.persons_not_compared) {
    std::cerr << "note: look-alikes were sought for the first "
              << athar::core::with_thousands(imported.persons_compared)
              << " persons, not the other "
              << athar::core::with_thousands(imported.persons_not_compared)
              << "; `athar link` compares every person\n";
  }
  if (report.checked_only) {
    std::cout << "checked " << athar::core::with_thousands(static_cast<uint64_t>(report.rows))
              << " rows or records: no problem found; nothing written (run again without --check "
                 "to import)\n";
    return;
  }
  std::cout << "imported " << report.rows << " records:";
  for (const auto& [kind, n] : report.added) std::cout << " " << n << " " << kind;
  std::cout << "\n";
}

void show_record(athar::app::Session& session, const std::string& id, const Globals& g,
                 bool reveal = false, bool full_history = false) {
  const athar::app::RecordView view = athar::app::show_record(session, id, reveal);
  if (g.json) return print_json(view.to_json());
  const registry::Record& r = view.record;
  // "site-0004 Najha cemetery / مقبرة نجها": ids with the names people know them by.
  const auto labelled = [&](const std::string& other) {
    auto it = view.names.find(other);
    return it == view.names.end() ? other : other + " " + it->second;
  };
  std::cout << r.id() << "  " << describe(r) << "\n";
  if (r.retracted()) {
    std::cout << "  RETRACTED " << r.retraction.at << " by " << r.retraction.by;
    if (!r.retraction.merged_into.empty())
      std::cout << ", merged into " << labelled(r.retraction.merged_into);
    std::cout << ": " << r.retraction.reason << "\n";
  }
  for (size_t i = 0; i < r.spec->fields.size(); ++i) {
    if (r.values[i].empty()) continue;
    const registry::FieldSpec& f = r.spec->fields[i];
    std::string value = f.sensitive && !reveal ? "[protected]" : r.values[i];
    if (f.type == registry::FieldType::kRef || f.type == registry::FieldType::kAnyRef)
      value = labelled(value);
    if (const std::string* given = r.original(f.name)) value += "  (as given: " + *given + ")";
    std::printf("  %-24s %s\n", std::string(f.name).c_str(), value.c_str());
  }
  std::printf("  %-24s %s by %s\n", "created", r.created_at.c_str(), r.created_by.c_str());
  if (!view.changes.empty()) {
    const auto& last = view.changes.back();
    std::printf("  %-24s %s by %s (%s)\n", "last changed", last.at.c_str(), last.actor.c_str(),
                last.op.substr(last.op.find('.') + 1).c_str());
  } else if (!r.updated_at.empty()) {
    std::printf("  %-24s %s\n", "updated", r.updated_at.c_str());
  }
  for (const std::string& m : view.merged) std::cout << "  merged from " << labelled(m) << "\n";
  if (full_history) {
    std::cout << "field history (" << view.changes.size() << " changes):\n";
    for (const auto& c : view.changes) {
      std::cout << "  " << c.at << "  " << c.actor << "  " << c.op.substr(c.op.find('.') + 1)
                << "  " << c.field << ": " << (c.old_value.empty() ? "(empty)" : c.old_value)
                << " -> " << (c.new_value.empty() ? "(empty)" : c.new_value);
      if (!c.reason.empty()) std::cout << "  reason: " << c.reason;
      std::cout << "  [entry " << c.entry << "]\n";
    }
  }
  if (r.spec->status_field()) {
    std::cout << "status history:\n";
    for (const auto& c : view.history) {
      std::cout << "  " << c.changed_on << "  " << c.new_status;
      if (!c.reported_by.empty()) std::cout << "  reported by " << c.reported_by;
      if (!c.source.empty()) std::cout << " (" << c.source << ")";
      if (!c.note.empty()) std::cout << ": " << c.note;
      std::cout << "\n";
    }
  }
  if (view.documented_persons) {
    std::cout << "documented persons buried here: " << *view.documented_persons << "\n";
  }
  if (!view.claims.empty()) {
    std::cout << "claims:\n";
    registry::Registry& reg = session.registry();
    for (const auto& c : view.claims) {
      const std::string source_name = reg.get(c.get("source")).get("name");
      std::cout << "  " << c.id() << "  " << c.get("topic");
      if (!c.get("figure").empty())
        std::cout << "  " << c.get("figure") << " (" << c.get("figure_kind") << ")";
      std::cout << "  " << c.get("source") << " " << source_name << "  " << c.get("claimed_on")
                << "  " << c.get("verification") << "\n";
    }
  }
  if (!view.custody.empty()) {
    std::cout << "custody:\n";
    for (const auto& c : view.custody) std::cout << "  " << c.id() << "  " << describe(c) << "\n";
  }
  if (!view.links.empty()) {
    std::cout << "links:\n";
    for (const auto& l : view.links) {
      std::cout << "  " << l.id() << "  " << labelled(l.get("from_record")) << " " << l.get("type")
                << " " << labelled(l.get("to_record"));
      if (!l.get("role").empty()) std::cout << " (" << l.get("role") << ")";
      std::cout << "  source " << labelled(l.get("source")) << "\n";
    }
  }
}

// "estimate:3 (all): 14342, 95% 12531-16836, log-linear [..], 4400 documented, 2026-11-29".
void print_estimate(const OrderedJson& e, const char* indent) {
  std::printf("%s%s (%s): %.0f, 95%% %.0f-%.0f, %s, %lld documented, %s\n", indent,
              e["id"].get<std::string>().c_str(), e["subject"].get<std::string>().c_str(),
              e["estimate"].get<double>(), e["interval"][0].get<double>(),
              e["interval"][1].get<double>(), e["method"].get<std::string>().c_str(),
              static_cast<long long>(e["documented"].get<int64_t>()),
              e["created_at"].get<std::string>().substr(0, 10).c_str());
  if (e.contains("warnings"))
    for (const auto& w : e["warnings"])
      std::printf("%s  warning: %s\n", indent, w.get<std::string>().c_str());
}

void print_summary(const OrderedJson& s, const Globals& g) {
  if (g.json) return print_json(s);
  std::cout << "Athar registry " << s["database"].get<std::string>() << " (schema "
            << s["schema_version"].get<int>() << ")\n\nrecords:\n";
  for (const auto& [kind, n] : s["counts"].items())
    std::printf("  %-12s %s\n", kind.c_str(),
                athar::core::with_thousands(n.get<uint64_t>()).c_str());
  if (s.contains("persons_after_linkage_decisions")) {
    const auto& a = s["persons_after_linkage_decisions"];
    std::cout << "\npersons after linkage decisions: "
              << athar::core::with_thousands(a["persons"].get<uint64_t>()) << " ("
              << athar::core::with_thousands(a["person_records"].get<uint64_t>())
              << " person records; " << a["same_person_decisions"].get<int64_t>()
              << " pairs decided the same person counted once";
    if (a["retracted_or_merged"].get<int64_t>() > 0)
      std::cout << "; " << a["retracted_or_merged"].get<int64_t>()
                << " retracted or merged records left out";
    std::cout << ")\n";
    if (a.contains("latest_linkage_run")) {
      std::cout << "  the latest linkage run grouped the "
                << athar::core::with_thousands(a["latest_linkage_run"]["records"].get<uint64_t>())
                << " records it read into "
                << athar::core::with_thousands(a["latest_linkage_run"]["entities"].get<uint64_t>())
                << " persons\n";
    }
  }
  std::cout << "\npersons by status:\n";
  for (const auto& [status, n] : s["persons_by_status"].items()) {
    std::printf("  %-12s %s\n", status.c_str(),
                athar::core::with_thousands(n.get<uint64_t>()).c_str());
  }
  std::cout << "\nsites: claims beside what is documented\n";
  for (const auto& site : s["sites"]) {
    std::cout << "  " << site["id"].get<std::string>() << "  "
              << site["name_lat"].get<std::string>();
    if (!site["name_ar"].get<std::string>().empty())
      std::cout << " / " << site["name_ar"].get<std::string>();
    std::cout << "  [" << site["governorate"].get<std::string>() << ", "
              << site["status"].get<std::string>() << "]\n";
    std::cout << "    documented persons: " << site["documented_persons"].get<int64_t>() << "\n";
    for (const auto& c : site["claims"]) {
      std::cout << "    claim " << c["id"].get<std::string>() << ": ";
      if (c.contains("figure")) {
        std::cout << c["figure"].get<int64_t>() << " (" << c["figure_kind"].get<std::string>()
                  << ")";
      } else {
        std::cout << c["topic"].get<std::string>();
      }
      std::cout << " per " << c["source_name"].get<std::string>();
      if (!c["claimed_on"].get<std::string>().empty())
        std::cout << ", " << c["claimed_on"].get<std::string>();
      std::cout << " - " << c["verification"].get<std::string>() << "\n";
    }
    for (const auto& e : site["estimates"]) print_estimate(e, "    ");
  }
  if (!s["estimates"].empty()) {
    std::cout << "\nestimates from the lists (governorates, whole registry)\n";
    for (const auto& e : s["estimates"]) print_estimate(e, "  ");
  }
}

const char* type_name(registry::FieldType type) {
  using registry::FieldType;
  switch (type) {
    case FieldType::kText:
      return "text";
    case FieldType::kChoice:
      return "choice";
    case FieldType::kGovernorate:
      return "governorate";
    case FieldType::kDate:
      return "date";
    case FieldType::kLatitude:
      return "latitude";
    case FieldType::kLongitude:
      return "longitude";
    case FieldType::kPolygon:
      return "polygon";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kLanguage:
      return "language";
    case FieldType::kUrl:
      return "url";
    case FieldType::kRef:
      return "id";
    case FieldType::kAnyRef:
      return "any id";
    case FieldType::kStatus:
      return "status";
    case FieldType::kTimestamp:
      return "timestamp";
    case FieldType::kSha256:
      return "sha256";
  }
  return "";
}

// The data dictionary as Markdown tables (docs/registry.md includes this output).
void print_data_dictionary() {
  for (const registry::KindSpec& kind : registry::kind_specs()) {
    std::cout << "### " << kind.name << " (`" << registry::format_record_id(kind.kind, 1)
              << "`)\n\n"
              << "| field | type | required | meaning |\n| --- | --- | --- | --- |\n";
    for (const auto& f : kind.fields) {
      std::string type = type_name(f.type);
      if (f.type == registry::FieldType::kRef)
        type += " of " + std::string(registry::kind_spec(f.ref_kind).name);
      if (!f.choices.empty()) {
        type += ": ";
        for (size_t c = 0; c < f.choices.size(); ++c)
          type += (c ? ", " : "") + std::string(f.choices[c]);
      }
      std::cout << "| `" << f.name << "` | " << type << " | " << (f.required ? "yes" : "") << " | "
                << f.help << (f.sensitive ? " (sensitive)" : "") << " |\n";
    }
    if (!kind.transitions.empty()) {
      std::cout << "\nAllowed status changes:";
      std::string_view from;
      for (const auto& t : kind.transitions) {
        if (t.from != from) {
          std::cout << (from.empty() ? "" : ";") << " " << t.from << " →";
          from = t.from;
        } else {
          std::cout << ",";
        }
        std::cout << " " << t.to;
      }
      std::cout << ".\n";
    }
    std::cout << "\n";
  }
}

std::string option_name(std::string_view field) {
  std::string out = "--";
  for (char c : field) out.push_back(c == '_' ? '-' : c);
  return out;
}

// `athar evidence add FILE...`: all the files into the vault or none, one line printed per file
// once their records are committed together: a printed line is an acknowledged, durable intake.
void add_evidence_command(CLI::App& noun, Globals& g, std::function<void()>& action) {
  struct Input {
    std::vector<std::string> files;
    registry::IngestOptions options;
  };
  auto input = std::make_shared<Input>();
  auto* add =
      noun.add_subcommand("add", "Store files as evidence, with a `collected` custody event");
  add->add_option("files", input->files, "files to store")->required();
  add->add_option("--collected-by", input->options.collected_by, "who collected them")->required();
  add->add_option("--collected-at", input->options.collected_at,
                  "when (YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])")
      ->required();
  add->add_option("--source", input->options.source, "source id the files came from");
  add->add_option("--site", input->options.site, "site id they concern");
  add->add_option("--place", input->options.place, "where they were collected");
  add->add_option("--note", input->options.note, "note");
  add->add_flag("--follow-symlinks", input->options.follow_symlinks,
                "store the files symbolic links point to (refused otherwise)");
  add->callback([&g, &action, input] {
    action = [&g, input] {
      AppSession s(g);
      const std::vector<std::filesystem::path> files(input->files.begin(), input->files.end());
      const auto stored = athar::app::add_evidence_files(s.session, files, input->options);
      for (size_t i = 0; i < stored.size(); ++i) {
        const auto& r = stored[i].result;
        const std::string& file = input->files[i];
        if (g.json) {
          OrderedJson line = {{"file", file}};
          line.update(stored[i].to_json());
          std::cout << line.dump() << std::endl;
        } else {
          std::cout << "stored " << r.evidence_id << " " << r.custody_id << " "
                    << athar::ledger::to_hex(r.sha256) << " " << file << std::endl;
          if (!r.stored_before.empty()) std::cout << "  note: " << r.stored_before << std::endl;
        }
      }
    };
  });
}

// `athar <kind> add|list|show|update`, options generated from the kind's fields.
std::string sizes_text(const std::vector<size_t>& sizes) {
  std::string out;
  for (size_t k = 1; k < sizes.size(); ++k) {
    if (!sizes[k]) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(sizes[k]) + " of " + std::to_string(k);
  }
  return out;
}

// Linkage of list files without a database: entities.csv, links.csv, field_problems.csv and
// skipped.csv in `out`.
void link_csv_files(const std::vector<std::string>& files, const athar::linkage::LinkageConfig& c,
                    bool skip_bad_rows, const std::string& out, const Globals& g) {
  namespace matching = athar::matching;
  const auto started = std::chrono::steady_clock::now();
  const auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  const matching::PersonLists lists = matching::read_person_lists(files, skip_bad_rows);
  const double seconds_reading = seconds_since(started);
  if (lists.data.size() < 2) {
    throw athar::core::InputError("linkage", "--csv", std::to_string(lists.data.size()),
                                  "at least two readable persons are needed");
  }
  const athar::linkage::LinkageResult r = athar::linkage::link(lists.data, c);
  const auto writing = std::chrono::steady_clock::now();
  if (!out.empty()) {
    std::filesystem::create_directories(out);
    std::ofstream entities(out + "/entities.csv");
    entities << "entity,list,record\n";
    for (uint32_t i = 0; i < lists.data.size(); ++i) {
      entities << r.cluster[i] << ',';
      athar::core::write_csv_cell(entities, lists.data.list_names()[lists.data.list(i)]);
      entities << ',';
      athar::core::write_csv_cell(entities, lists.where(i));
      entities << '\n';
    }
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    for (const auto& l : r.links) pairs.emplace_back(l.a, l.b);
    const auto explained = athar::linkage::explain(lists.data, c, r.model, pairs);
    std::ofstream links(out + "/links.csv");
    links << "record_a,record_b,probability";
    for (const auto& f : r.model.fields) {
      if (f.compared) links << ",weight_" << f.name;
    }
    links << "\n";
    for (size_t i = 0; i < explained.size(); ++i) {
      athar::core::write_csv_cell(links, lists.where(explained[i].a));
      links << ',';
      athar::core::write_csv_cell(links, lists.where(explained[i].b));
      links << ',' << r.links[i].probability;
      for (size_t f = 0; f < r.model.fields.size(); ++f) {
        if (r.model.fields[f].compared) links << ',' << explained[i].field_weights[f];
      }
      links << "\n";
    }
    std::ofstream skipped(out + "/skipped.csv");
    skipped << "record,reason\n";
    for (const auto& s : lists.skipped) {
      athar::core::write_csv_cell(skipped, s.where);
      skipped << ',';
      athar::core::write_csv_cell(skipped, s.reason);
      skipped << '\n';
    }
    std::ofstream problems(out + "/field_problems.csv");
    problems << "record,field,value,problem\n";
    for (const auto& p : lists.field_problems) {
      for (const std::string* cell : {&p.where, &p.field, &p.value, &p.problem}) {
        athar::core::write_csv_cell(problems, *cell);
        problems << (cell == &p.problem ? '\n' : ',');
      }
    }
    if (!entities || !links || !skipped || !problems)
      throw athar::core::Unavailable("cannot write to " + out);
  }
  size_t links_above = 0;
  for (const auto& l : r.links) links_above += l.probability >= c.threshold ? 1 : 0;
  if (g.json) {
    return print_json({{"records", lists.data.size()},
                       {"rows", lists.rows},
                       {"skipped_rows", lists.skipped.size()},
                       {"field_problems", lists.field_problems.size()},
                       {"lists", lists.data.list_names().size()},
                       {"candidate_pairs", r.candidate_pairs},
                       {"links", links_above},
                       {"entities", r.clusters},
                       {"entity_sizes", athar::app::entity_sizes_json(r.cluster_sizes)},
                       {"prior", r.model.prior},
                       {"threads", r.threads},
                       {"seconds",
                        {{"reading", seconds_reading},
                         {"preparing", r.seconds_prepare},
                         {"em", r.seconds_em},
                         {"scoring", r.seconds_scoring},
                         {"clustering", r.seconds_clustering},
                         {"writing", seconds_since(writing)},
                         {"total", seconds_since(started)}}}});
  }
  std::cout << lists.data.size() << " persons in " << lists.data.list_names().size() << " lists; "
            << r.candidate_pairs << " candidate pairs; " << links_above << " links at or above "
            << c.threshold << "; " << r.clusters << " entities (" << sizes_text(r.cluster_sizes)
            << ")\n";
  if (!lists.field_problems.empty()) {
    std::cerr << lists.field_problems.size() << " fields left empty for linkage"
              << (out.empty() ? "" : " (listed in " + out + "/field_problems.csv)") << ":\n";
    for (size_t i = 0; i < lists.field_problems.size() && i < 10; ++i) {
      const auto& p = lists.field_problems[i];
      std::cerr << "  " << athar::core::InputError(p.where, p.field, p.value, p.problem).what()
                << "\n";
    }
  }
  if (!lists.skipped.empty()) {
    std::cerr << lists.skipped.size() << " of " << lists.rows << " rows skipped"
              << (out.empty() ? "" : " (listed in " + out + "/skipped.csv)") << ":\n";
    for (size_t i = 0; i < lists.skipped.size() && i < 10; ++i)
      std::cerr << "  " << lists.skipped[i].reason << "\n";
  }
}

// `athar link` without a subcommand runs record linkage; `link review` and `link decide` are
// the analyst's side of it. The typed-link subcommands (add, list, ...) sit beside them.
void add_linkage_commands(CLI::App& noun, Globals& g, std::function<void()>& action) {
  namespace matching = athar::matching;
  noun.require_subcommand(0, 1);
  struct Options {
    matching::RunOptions run;
    std::vector<std::string> csv;
    std::string out;
    bool skip_bad_rows = false;
    size_t limit = 20;
    bool all = false;
    std::string a, b, decision, note;
  };
  auto o = std::make_shared<Options>();
  noun.add_option("--csv", o->csv,
                  "link these person lists (import persons columns; one list per file) "
                  "without a database");
  noun.add_option("--out", o->out,
                  "with --csv: write entities.csv, links.csv, field_problems.csv and skipped.csv "
                  "here");
  noun.add_flag("--skip-bad-rows", o->skip_bad_rows,
                "with --csv: leave out bad rows and report them instead of stopping");
  noun.add_option("--threshold", o->run.threshold, "match probability that joins an entity")
      ->capture_default_str();
  noun.add_option("--review-from", o->run.review_from,
                  "keep pairs from this probability for review")
      ->capture_default_str();
  noun.add_option("--role", o->run.role, "link persons of this role (\"\": all)")
      ->capture_default_str();
  noun.add_flag("--across-lists-only", o->run.across_sources_only,
                "never pair two persons of one list (lists without duplicates of their own)");
  noun.add_option("--threads", o->run.threads, "threads (default: every core)");
  noun.callback([&noun, &g, &action, o] {
    if (!noun.get_subcommands().empty()) return;
    action = [&g, o] {
      if (!o->csv.empty()) {
        athar::linkage::LinkageConfig c = matching::person_linkage_config();
        c.threshold = o->run.threshold;
        c.threads = o->run.threads;
        c.report_from = o->out.empty() ? 1.0 : o->run.review_from;
        c.link_only_across_lists = c.one_record_per_list = o->run.across_sources_only;
        return link_csv_files(o->csv, c, o->skip_bad_rows, o->out, g);
      }
      AppSession s(g);
      const athar::app::LinkageRun linked =
          with_progress_bar(!g.json, [&](const athar::core::Progress& progress) {
            matching::RunOptions run = o->run;
            run.progress = progress;
            return athar::app::run_linkage(s.session, run);
          });
      if (g.json) return print_json(linked.to_json());
      const matching::RunReport& r = linked.report;
      std::cout << "linkage run " << r.run << ": " << r.records << " persons in " << r.lists
                << " lists; " << r.candidates << " candidate pairs; " << r.links
                << " links at or above " << o->run.threshold << "; " << r.for_review
                << " pairs kept for review (from " << o->run.review_from << "); " << r.entities
                << " entities (" << sizes_text(r.cluster_sizes) << "); " << r.decisions_applied
                << " reviewed decisions respected\n";
    };
  });

  auto* review = noun.add_subcommand(
      "review",
      "Pairs of the latest linkage run to review, most probable first, with each "
      "field's weight");
  review->add_option("--limit", o->limit, "at most this many")->capture_default_str();
  review->add_flag("--all", o->all, "include pairs already decided");
  review->callback([&g, &action, o] {
    action = [&g, o] {
      AppSession s(g);
      const auto queue = athar::app::review_queue(s.session, {o->limit, o->all});
      if (g.json) return print_json(queue.to_json());
      const auto& pairs = queue.pairs;
      for (const auto& c : pairs) {
        char probability[16];
        std::snprintf(probability, sizeof probability, "%.4f", c.probability);
        std::cout << probability << "  " << c.a << "  " << c.b << "  "
                  << (c.decision.empty() ? "(not reviewed)" : c.decision) << "\n";
        std::cout << "    " << describe(s.session.registry().get(c.a)) << "\n    "
                  << describe(s.session.registry().get(c.b)) << "\n   ";
        for (const auto& w : c.explanation) {
          char weight[32];
          std::snprintf(weight, sizeof weight, " %s %+.1f", w.field.c_str(), w.weight);
          std::cout << weight;
        }
        std::cout << "\n";
      }
    };
  });

  auto* decide =
      noun.add_subcommand("decide",
                          "Record that two persons are the same person or different persons; every "
                          "later linkage run respects it");
  decide->add_option("a", o->a, "person id")->required();
  decide->add_option("b", o->b, "person id")->required();
  decide->add_option("decision", o->decision, "same or different")
      ->required()
      ->check(CLI::IsMember({"same", "different"}));
  decide->add_option("--note", o->note, "why (kept with the decision)");
  decide->callback([&g, &action, o] {
    action = [&g, o] {
      AppSession s(g);
      athar::app::decide_pair(s.session, o->a, o->b, o->decision, o->note);
      std::cout << o->a << " and " << o->b << ": " << o->decision << "\n";
    };
  });
}

// `athar person search NAME`: persons by any spelling of a name, in either script, best first.
void add_person_search_command(CLI::App& noun, Globals& g, std::function<void()>& action) {
  namespace matching = athar::matching;
  struct Options {
    std::vector<std::string> words;
    matching::SearchOptions search;
  };
  auto o = std::make_shared<Options>();
  auto* search = noun.add_subcommand(
      "search", "Find persons by name: any spelling, Arabic or Latin script, best match first");
  search->add_option("name", o->words, "a name or a full name (words may be separate arguments)")
      ->required();
  search->add_option("--limit", o->search.limit, "at most this many")->capture_default_str();
  search->add_option("--min-score", o->search.min_score, "leave out matches below (0 to 1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  search->callback([&g, &action, o] {
    action = [&g, o] {
      AppSession s(g);
      std::string query;
      for (const std::string& w : o->words) query += (query.empty() ? "" : " ") + w;
      const auto found = athar::app::search_persons(s.session, query, o->search);
      if (g.json) return print_json(found.to_json());
      const auto& hits = found.hits;
      if (hits.empty()) std::cout << "no person matches \"" << query << "\"\n";
      for (const auto& h : hits) {
        char score[16];
        std::snprintf(score, sizeof score, "%.2f", h.score);
        std::cout << h.id << "  " << score << "  " << h.name_ar
                  << (h.name_ar.empty() || h.name_lat.empty() ? "" : " / ") << h.name_lat;
        for (const std::string* fact : {&h.birth_date, &h.governorate, &h.status}) {
          if (!fact->empty()) std::cout << "  " << *fact;
        }
        std::cout << "\n";
      }
    };
  });
}

void add_kind_commands(CLI::App& app, const registry::KindSpec& kind, Globals& g,
                       std::function<void()>& action) {
  const bool is_link = kind.kind == registry::Kind::kLink;
  auto* noun = app.add_subcommand(
      std::string(kind.name),
      is_link ? "Typed links (add, list, show, update); without a subcommand: find the persons "
                "that are one person (record linkage), in the registry or in list files (--csv)"
              : "Add, list, show or update " + std::string(kind.plural));
  if (is_link) {
    add_linkage_commands(*noun, g, action);
  } else {
    noun->require_subcommand(1);
  }

  struct FieldInput {
    std::vector<std::string> values;
    std::vector<CLI::Option*> options, update_options, correct_options;
    registry::StatusReport report;
    std::string id;
    std::vector<std::string> where;
    size_t limit = 100, offset = 0;
    bool reveal = false, history = false, include_retracted = false;
    std::string listed_by, reason, duplicate;
  };
  auto input = std::make_shared<FieldInput>();
  input->values.resize(kind.fields.size());

  // Each subcommand has its own options over the shared values; `options` holds the ones of the
  // subcommand that runs (set by its callback).
  const auto field_options = [&kind, input](CLI::App* sub, bool for_add) {
    input->options.assign(kind.fields.size(), nullptr);
    for (size_t i = 0; i < kind.fields.size(); ++i) {
      const auto& f = kind.fields[i];
      std::string help(f.help);
      if (!f.choices.empty() && f.type != registry::FieldType::kStatus) {
        help += " {";
        for (size_t c = 0; c < f.choices.size(); ++c)
          help += (c ? "," : "") + std::string(f.choices[c]);
        help += "}";
      }
      if (for_add && f.required && f.type != registry::FieldType::kStatus) help += " (required)";
      input->options[i] = sub->add_option(option_name(f.name), input->values[i], help);
    }
    if (kind.status_field()) {
      sub->add_option("--changed-on", input->report.changed_on,
                      "date of the status change (default today)");
      sub->add_option("--reported-by", input->report.reported_by, "who reported the status");
      sub->add_option("--status-source", input->report.source, "source id for the status");
      sub->add_option("--status-note", input->report.note, "note on the status change");
    }
  };

  // Evidence records are made from files (`athar evidence add FILE...`), never typed in.
  if (kind.kind == registry::Kind::kEvidence) {
    add_evidence_command(*noun, g, action);
  } else {
    auto* add = noun->add_subcommand("add", "Add a " + std::string(kind.name));
    field_options(add, true);
    if (kind.kind == registry::Kind::kPerson) {
      add->add_option("--source", input->listed_by,
                      "source id that lists this person (linked listed_by; linkage reads it as "
                      "the person's list)");
    }
    add->callback([&kind, &g, &action, input] {
      action = [&kind, &g, input] {
        AppSession s(g);
        registry::FieldChanges values;
        for (size_t i = 0; i < kind.fields.size(); ++i) {
          if (!input->values[i].empty())
            values.emplace_back(std::string(kind.fields[i].name), input->values[i]);
        }
        std::vector<registry::Warning> warnings;
        const registry::Record stored = athar::app::add_record(
            s.session, kind, values, input->report, input->listed_by, &warnings);
        print_warnings(warnings);
        if (g.json) return print_json(registry::Registry::to_json(stored, false));
        std::cout << stored.id() << "\n";
      };
    });
  }

  auto* list = noun->add_subcommand("list", "List " + std::string(kind.plural));
  list->add_option("--where", input->where, "filter FIELD=VALUE (repeatable)");
  list->add_option("--limit", input->limit, "at most this many (0: all)")->default_val(100);
  list->add_option("--offset", input->offset, "skip this many");
  list->add_flag("--include-retracted", input->include_retracted,
                 "list retracted and merged records too");
  list->callback([&kind, &g, &action, input] {
    action = [&kind, &g, input] {
      AppSession s(g);
      registry::ListQuery q;
      q.limit = input->limit;
      q.offset = input->offset;
      q.include_retracted = input->include_retracted;
      for (const std::string& w : input->where) {
        const size_t eq = w.find('=');
        if (eq == std::string::npos) {
          throw athar::core::InputError("--where", "", w, "expected FIELD=VALUE");
        }
        q.equals.emplace_back(w.substr(0, eq), w.substr(eq + 1));
      }
      const auto page = athar::app::list_records(s.session, kind, q);
      const auto& records = page.records;
      if (g.json) {
        OrderedJson arr = OrderedJson::array();
        for (const auto& r : records) arr.push_back(registry::Registry::to_json(r, false));
        return print_json(arr);
      }
      for (const auto& r : records) {
        std::cout << r.id() << "  " << describe(r) << (r.retracted() ? "  [retracted]" : "")
                  << "\n";
      }
    };
  });

  if (kind.kind == registry::Kind::kPerson) add_person_search_command(*noun, g, action);

  auto* show = noun->add_subcommand(
      "show", "Show a " + std::string(kind.name) + " with its history, claims and links");
  show->add_option("id", input->id, "record id")->required();
  if (std::any_of(kind.fields.begin(), kind.fields.end(),
                  [](const registry::FieldSpec& f) { return f.sensitive; })) {
    show->add_flag("--reveal", input->reveal,
                   "show the sensitive fields in clear (needs the field key; the read is logged "
                   "in the ledger with your name)");
  }
  show->add_flag("--history", input->history,
                 "every change of every field: who, when, old and new value, and why");
  show->callback([&g, &action, input] {
    action = [&g, input] {
      AppSession s(g);
      show_record(s.session, input->id, g, input->reveal, input->history);
    };
  });

  auto* correct = noun->add_subcommand(
      "correct", "Correct fields of a " + std::string(kind.name) +
                     " entered wrongly, with a reason (a status correction is not a status "
                     "change: it enters no status history)");
  correct->add_option("id", input->id, "record id")->required();
  field_options(correct, false);
  input->correct_options = input->options;
  correct->add_option("--reason", input->reason, "what was wrong, on whose word")->required();
  correct->callback([&kind, &g, &action, input] {
    action = [&kind, &g, input] {
      AppSession s(g);
      registry::FieldChanges changes;
      for (size_t i = 0; i < kind.fields.size(); ++i) {
        if (input->correct_options[i]->count() > 0) {
          changes.emplace_back(std::string(kind.fields[i].name), input->values[i]);
        }
      }
      std::vector<registry::Warning> warnings;
      const registry::Record r =
          athar::app::correct_record(s.session, input->id, changes, input->reason, &warnings);
      print_warnings(warnings);
      if (g.json) return print_json(registry::Registry::to_json(r, false));
      std::cout << r.id() << " corrected (`athar " << kind.name << " show " << r.id()
                << " --history` shows the change)\n";
    };
  });

  auto* retract = noun->add_subcommand(
      "retract", "Retract a " + std::string(kind.name) +
                     ": it stays, marked with who and why, out of lists, counts and exports");
  retract->add_option("id", input->id, "record id")->required();
  retract->add_option("--reason", input->reason, "why it should not stand")->required();
  retract->callback([&g, &action, input] {
    action = [&g, input] {
      AppSession s(g);
      const registry::Record r = athar::app::retract_record(s.session, input->id, input->reason);
      if (g.json) return print_json(registry::Registry::to_json(r, false));
      std::cout << r.id() << " retracted\n";
    };
  });

  if (kind.kind != registry::Kind::kEvidence && kind.kind != registry::Kind::kCustody) {
    auto* merge = noun->add_subcommand(
        "merge", "Merge a duplicate " + std::string(kind.name) +
                     " into the one kept: the duplicate is retracted naming it, the kept one "
                     "takes the values it lacked; both histories stay");
    merge->add_option("kept", input->id, "the record kept")->required();
    merge->add_option("duplicate", input->duplicate, "the duplicate")->required();
    merge->add_option("--reason", input->reason, "who decided they are one, on what grounds")
        ->required();
    merge->callback([&g, &action, input] {
      action = [&g, input] {
        AppSession s(g);
        const auto [kept, duplicate] =
            athar::app::merge_records(s.session, input->id, input->duplicate, input->reason);
        if (g.json) {
          return print_json(OrderedJson{{"kept", registry::Registry::to_json(kept, false)},
                                        {"merged", registry::Registry::to_json(duplicate, false)}});
        }
        std::cout << duplicate.id() << " merged into " << kept.id() << "\n";
      };
    });
  }

  auto* update = noun->add_subcommand(
      "update", "Change fields of a " + std::string(kind.name) + " (an empty value clears one)");
  update->add_option("id", input->id, "record id")->required();
  field_options(update, false);
  input->update_options = input->options;
  update->callback([&kind, &g, &action, input] {
    action = [&kind, &g, input] {
      AppSession s(g);
      registry::FieldChanges changes;
      for (size_t i = 0; i < kind.fields.size(); ++i) {
        if (input->update_options[i]->count() > 0) {
          changes.emplace_back(std::string(kind.fields[i].name), input->values[i]);
        }
      }
      std::vector<registry::Warning> warnings;
      const registry::Record r =
          athar::app::update_record(s.session, input->id, changes, input->report, &warnings);
      print_warnings(warnings);
      if (g.json) return print_json(registry::Registry::to_json(r, false));
      std::cout << r.id() << " updated\n";
    };
  });
}

// The tree size a proof command was given: --size when present, the whole log otherwise.
std::optional<uint64_t> tree_size(const CLI::App& command, uint64_t given) {
  if (command.count("--size") == 0) return std::nullopt;
  return given;
}

// `athar checkpoint`, `athar verify` and `athar ledger ...`: the tamper-evident log.
// Seconds in "90", "90s", "15m", "1h", "7d"; InputError naming the option otherwise.
int64_t parse_duration(const std::string& option, const std::string& text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string unit(end, text.data() + text.size());
  const std::map<std::string, int64_t> units = {
      {"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
  if (ec != std::errc() || value < 0 || !units.count(unit)) {
    throw athar::core::InputError(option, option, text, "expected a duration such as 90s, 15m, 1h");
  }
  return value * units.at(unit);
}

void add_ledger_commands(CLI::App& app, Globals& g, std::function<void()>& action) {
  struct CheckpointInput {
    std::vector<std::string> witnesses, held;
    size_t quorum = 0;
    std::string if_older_than;
  };
  auto cp = std::make_shared<CheckpointInput>();
  auto* checkpoint =
      app.add_subcommand("checkpoint",
                         "Sign the ledger's current size and root (a C2SP checkpoint), cosigned by "
                         "witnesses when given");
  checkpoint->add_option("--witness", cp->witnesses,
                         "a witness's folder (athar log-witness init), asked to cosign; "
                         "repeatable");
  checkpoint->add_option("--quorum", cp->quorum,
                         "how many witnesses must cosign (default: all given); below it nothing "
                         "is kept");
  checkpoint->add_option("--if-older-than", cp->if_older_than,
                         "only sign when the newest checkpoint is older than this (15m, 1h, 1d): "
                         "for a steady cadence from cron, so that witnesses see the same ones");
  checkpoint->callback([&g, &action, cp] {
    action = [&g, cp] {
      AppSession s(g);
      athar::app::CheckpointOptions options;
      options.witnesses.assign(cp->witnesses.begin(), cp->witnesses.end());
      options.quorum = cp->quorum;
      if (!cp->if_older_than.empty())
        options.if_older_than_seconds = parse_duration("--if-older-than", cp->if_older_than);
      const auto signed_now = athar::app::sign_checkpoint(s.session, options);
      const auto& c = signed_now.checkpoint;
      if (!signed_now.new_one) {
        std::cerr << "athar: the newest checkpoint (" << c.num << ", " << c.created_at
                  << ") is recent enough; none signed\n";
        std::cout << c.note;
        return;
      }
      for (const auto& r : signed_now.refusals)
        std::cerr << "athar: witness refused: " << r << "\n";
      if (g.json) {
        return print_json({{"num", c.num},
                           {"size", c.size},
                           {"root", athar::ledger::to_base64(c.root)},
                           {"note", c.note}});
      }
      std::cout << c.note;
    };
  });

  auto* verify = app.add_subcommand(
      "verify", "Check every record, ledger entry and checkpoint; exit 0 only when all hold");
  verify
      ->add_option("--checkpoint", cp->held,
                   "a checkpoint kept outside the data folder (as handed out, or a witness's "
                   "latest.checkpoint): the log must not have been rolled back or rewritten "
                   "since; repeatable")
      ->check(CLI::ExistingFile);
  verify->callback([&g, &action, cp] {
    action = [&g, cp] {
      AppSession s(g);
      std::vector<registry::HeldCheckpoint> held;
      for (const std::string& file : cp->held) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        held.push_back({file, text.str()});
      }
      const athar::app::Verification verification = with_progress_bar(
          !g.json,
          [&](const athar::core::Progress& p) { return athar::app::verify(s.session, held, p); });
      const registry::VerifyReport& report = verification.report;
      if (g.json) {
        print_json(verification.to_json());
      } else {
        for (const auto& f : report.findings) {
          std::cout << f.subject << ": " << f.change << " (" << f.detail << ")\n";
        }
        for (const auto& w : report.warnings) std::cout << "warning: " << w << "\n";
        std::cout << (report.ok() ? "verified: " : "FAILED: ") << report.entries
                  << " ledger entries, " << report.records << " records, " << report.checkpoints
                  << " checkpoints, " << report.objects << " objects";
        if (report.held_checkpoints) {
          std::cout << ", " << report.held_checkpoints << " checkpoints held outside";
        }
        if (report.unreferenced_objects || report.leftover_files) {
          std::cout << " (" << report.unreferenced_objects << " objects without a record and "
                    << report.leftover_files << " leftover files from interrupted intakes)";
        }
        if (!report.ok()) std::cout << "; " << report.findings.size() << " problems";
        std::cout << std::endl;
      }
      if (!report.ok()) throw athar::core::Corruption("verification failed");
    };
  });

  auto* check = app.add_subcommand(
      "check",
      "List every plausibility warning in the registry: points outside Syria or their "
      "governorate, swapped coordinates, sites that look alike, photos far from their site, "
      "custody and status events out of date order, implausible ages");
  check->callback([&g, &action] {
    action = [&g] {
      AppSession s(g);
      const auto started = std::chrono::steady_clock::now();
      const registry::CheckReport report = with_progress_bar(
          !g.json,
          [&](const athar::core::Progress& p) { return athar::app::check_registry(s.session, p); });
      if (g.json) return print_json(athar::app::check_report_json(report));
      for (const auto& w : report.warnings) std::cout << w.text() << "\n";
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::printf("checked %s records in %.1f s: %s warnings\n",
                  athar::core::with_thousands(report.records).c_str(), seconds,
                  athar::core::with_thousands(report.warnings.size()).c_str());
    };
  });

  auto* ledger_cmd = app.add_subcommand("ledger", "Read the ledger: entries, proofs, checkpoints");
  ledger_cmd->require_subcommand(1);
  static uint64_t index = 0, size = 0, from = 0;
  auto* entry = ledger_cmd->add_subcommand("entry", "Print one entry (canonical JSON)");
  entry->add_option("index", index, "entry index, from 0")->required();
  entry->callback([&] {
    action = [&] {
      AppSession s(g);
      std::cout << athar::app::ledger_entry(s.session, index).text << "\n";
    };
  });
  auto* proof = ledger_cmd->add_subcommand("proof", "Inclusion proof of an entry (RFC 9162)");
  proof->add_option("index", index, "entry index, from 0")->required();
  proof->add_option("--size", size, "tree size (default: the whole log)");
  proof->callback([&, proof] {
    action = [&, proof] {
      AppSession s(g);
      print_json(athar::app::inclusion_proof(s.session, index, tree_size(*proof, size)).to_json());
    };
  });
  auto* consistency =
      ledger_cmd->add_subcommand("consistency", "Consistency proof between two sizes");
  consistency->add_option("from", from, "older tree size")->required();
  consistency->add_option("--size", size, "newer tree size (default: the whole log)");
  consistency->callback([&, consistency] {
    action = [&, consistency] {
      AppSession s(g);
      print_json(
          athar::app::consistency_proof(s.session, from, tree_size(*consistency, size)).to_json());
    };
  });
  ledger_cmd->add_subcommand("checkpoints", "Print every kept checkpoint")->callback([&] {
    action = [&] {
      AppSession s(g);
      for (const auto& c : athar::app::checkpoints(s.session).kept) std::cout << c.note << "\n";
    };
  });
}

// `athar log-witness ...`: the witness another organisation keeps for this log (C2SP
// tlog-witness), run on its own machine with its own folder and key; needs no data folder.
void add_log_witness_commands(CLI::App& app, std::function<void()>& action) {
  auto* w = app.add_subcommand(
      "log-witness",
      "Keep a witness for someone's ledger: cosign its checkpoints only while it grows by "
      "appends, so a rolled-back or rewritten log is caught");
  w->require_subcommand(1);
  struct Input {
    std::string dir, name, log_key, checkpoint, proof, out;
  };
  auto in = std::make_shared<Input>();
  auto* init = w->add_subcommand("init", "Make a witness folder with a new key");
  init->add_option("--dir", in->dir, "the witness's folder")->required();
  init->add_option("--name", in->name, "the witness's name (e.g. partner-ngo/witness)")->required();
  init->callback([&action, in] {
    action = [in] {
      athar::ledger::Witness::create(in->name, in->dir);
      std::cout << "witness " << in->name << " in " << in->dir
                << "\nwitness key: " << athar::ledger::Witness(in->dir).verifier_key_text() << "\n";
    };
  });
  auto* trust = w->add_subcommand("trust", "Accept checkpoints signed by a log's key");
  trust->add_option("--dir", in->dir, "the witness's folder")->required();
  trust->add_option("--log-key", in->log_key, "the log's verifier key (a .vkey file or the text)")
      ->required();
  trust->callback([&action, in] {
    action = [in] {
      std::string read_from;
      const auto key = athar::ledger::read_verifier_key(in->log_key, &read_from);
      athar::ledger::Witness(in->dir).trust_log(key);
      std::cout << "trusts " << key.name << " (key read from " << read_from << ")\n";
    };
  });
  auto* key = w->add_subcommand("key", "Print the witness's verifier key");
  key->add_option("--dir", in->dir, "the witness's folder")->required();
  key->callback([&action, in] {
    action = [in] { std::cout << athar::ledger::Witness(in->dir).verifier_key_text() << "\n"; };
  });
  auto* cosign = w->add_subcommand(
      "cosign",
      "Cosign a checkpoint handed over as a file, with the consistency proof from the "
      "size this witness last cosigned (`athar ledger consistency N --size M --json`)");
  cosign->add_option("--dir", in->dir, "the witness's folder")->required();
  cosign->add_option("--checkpoint", in->checkpoint, "the signed checkpoint")
      ->required()
      ->check(CLI::ExistingFile);
  cosign->add_option("--proof", in->proof, "the consistency proof (JSON)")
      ->check(CLI::ExistingFile);
  cosign->add_option("--out", in->out, "write the cosigned checkpoint here (default: print)");
  cosign->callback([&action, in] {
    action = [in] {
      const auto read = [](const std::string& path) {
        std::ifstream file(path, std::ios::binary);
        std::stringstream text;
        text << file.rdbuf();
        return text.str();
      };
      const std::string note = read(in->checkpoint);
      athar::ledger::Witness witness(in->dir);
      std::vector<athar::ledger::Hash> proof;
      if (!in->proof.empty()) {
        const auto json = athar::core::Json::parse(read(in->proof), nullptr, false);
        const auto last = witness.latest(note.substr(0, note.find('\n')));
        if (!json.is_object() || !json.contains("proof") || !json["proof"].is_array()) {
          throw athar::core::InputError(in->proof, "proof", "",
                                        "expected the JSON of `athar ledger consistency`");
        }
        if (last && json.value("size1", uint64_t{0}) != last->size) {
          throw athar::core::InputError(in->proof, "size1",
                                        std::to_string(json.value("size1", uint64_t{0})),
                                        "the proof must start at " + std::to_string(last->size) +
                                            ", the size this witness last cosigned");
        }
        for (const auto& h : json["proof"]) {
          const auto bytes = athar::core::base64_decode(h.is_string() ? h.get<std::string>() : "");
          if (!bytes || bytes->size() != 32) {
            throw athar::core::InputError(in->proof, "proof", h.dump(), "not a base64 hash");
          }
          athar::ledger::Hash hash;
          std::copy(bytes->begin(), bytes->end(), hash.begin());
          proof.push_back(hash);
        }
      }
      const std::string cosigned = note + witness.cosign(note, proof);
      if (in->out.empty()) {
        std::cout << cosigned;
      } else {
        std::ofstream(in->out, std::ios::binary) << cosigned;
        std::cout << "wrote " << in->out << "\n";
      }
    };
  });
}

// `athar bundle export|verify`: evidence packages for courts, checkable without the database.
void add_bundle_commands(CLI::App& app, Globals& g, std::function<void()>& action) {
  auto* bundle =
      app.add_subcommand("bundle", "Export or verify evidence bundles for outside parties");
  bundle->require_subcommand(1);
  struct Input {
    std::vector<std::string> evidence;
    std::string out, file, key;
    bool trust_bundle_key = false;
  };
  auto input = std::make_shared<Input>();
  auto* exp = bundle->add_subcommand(
      "export", "Write files, records, ledger proofs, checkpoint and key to one tar archive");
  exp->add_option("--evidence", input->evidence, "evidence ids")->required();
  exp->add_option("--out", input->out, "archive to write")->required();
  exp->callback([&g, &action, input] {
    action = [&g, input] {
      AppSession s(g);
      const auto summary =
          with_progress_bar(!g.json, [&](const athar::core::Progress& progress) {
            return athar::app::export_bundle(s.session, input->evidence, input->out, progress);
          }).summary;
      std::cout << "wrote " << input->out << ": " << summary.evidence << " files, "
                << summary.records << " records, " << summary.entries
                << " ledger entries with proofs against a checkpoint of " << summary.tree_size
                << " entries\n";
    };
  });
  auto* ver =
      bundle->add_subcommand("verify", "Check a bundle with nothing but the archive (and the key)");
  ver->add_option("file", input->file, "bundle archive")->required();
  ver->add_option("--key", input->key,
                  "the ledger's verifier key (a .vkey file or the key's text), obtained from the "
                  "custodian apart from the bundle");
  ver->add_flag("--trust-bundle-key", input->trust_bundle_key,
                "check with the key inside the bundle (a forger would ship their own: only for a "
                "first look)");
  ver->callback([&g, &action, input] {
    action = [&g, input] {
      std::optional<std::string> trusted;
      if (!input->key.empty()) {
        std::string read_from;
        const auto key = athar::ledger::read_verifier_key(input->key, &read_from);
        std::cerr << "athar: verifier key " << key.name << " read from " << read_from << "\n";
        std::ifstream key_file(input->key);
        std::stringstream text;
        if (key_file) text << key_file.rdbuf();
        trusted = key_file ? text.str() : input->key;
      } else if (!input->trust_bundle_key) {
        throw athar::core::InputError(
            "bundle verify", "--key", "",
            "give the ledger's verifier key obtained from its custodian (a bundle forged with a "
            "fresh key verifies against the key it carries), or --trust-bundle-key for a first "
            "look");
      }
      const auto r = registry::verify_bundle(input->file, trusted);
      for (const auto& f : r.findings)
        std::cout << f.subject << ": " << f.change << " (" << f.detail << ")\n";
      std::cout << (r.ok() ? "verified: " : "FAILED: ") << r.objects << " files, " << r.records
                << " records, " << r.entries << " ledger entries in the signed tree of "
                << r.tree_size << " entries of " << r.origin << "\n";
      if (r.key_from_bundle) {
        std::cout
            << "note: checked with the key inside the bundle; give --key with the key obtained "
               "from the custodian to rule out a substituted key\n";
      }
      std::cout.flush();
      if (!r.ok()) throw athar::core::Corruption("bundle verification failed");
    };
  });
}

// `athar simulate lists`: synthetic Syrian-style lists with their truth (linkage/simulate.h).
// The frequency table: the one given, else $ATHAR_FREQUENCIES, else the shipped West Asia table
// (app::default_frequency_table: beside the binary, never the working directory).
std::string default_frequencies() {
  const char* env = std::getenv("ATHAR_FREQUENCIES");
  return env && *env ? env : athar::app::default_frequency_table();
}
athar::kinship::FrequencyTable load_frequencies(const std::string& given) {
  return athar::kinship::FrequencyTable::read(given.empty() ? default_frequencies() : given);
}

// `athar kinship …`: DNA kinship tools (docs/kinship.md).
void add_kinship_commands(CLI::App& app, Globals& g, std::function<void()>& action) {
  namespace kinship = athar::kinship;
  auto* noun = app.add_subcommand("kinship", "DNA kinship: likelihood ratios for STR profiles");
  noun->require_subcommand(1);
  struct Options {
    std::string frequencies;
    std::vector<std::string> profiles;
    std::string a, b, relationship = "parent-child";
    double theta = 0, dropout = -1;
  };
  auto o = std::make_shared<Options>();
  auto* pair = noun->add_subcommand(
      "pair", "LR that two profiles are related as stated rather than unrelated, marker by marker");
  pair->add_option("a", o->a, "sample (a reference, or remains)")->required();
  pair->add_option("b", o->b, "sample")->required();
  pair->add_option("--profiles", o->profiles, "profile file(s): long or wide table")->required();
  pair->add_option("--relationship", o->relationship,
                   "same-person, parent-child, full-siblings, half-siblings, grandparent, "
                   "avuncular, first-cousins")
      ->capture_default_str();
  pair->add_option("--theta", o->theta, "Fst (Balding-Nichols), e.g. 0.01")->capture_default_str();
  pair->add_option("--dropout", o->dropout, "dropout probability for sample b (degraded remains)");
  pair->add_option("--frequencies", o->frequencies,
                   "allele frequency table (default: $ATHAR_FREQUENCIES, else "
                   "data/str-frequencies/west-asia.txt)");
  pair->callback([&g, &action, o] {
    action = [&g, o] {
      kinship::FrequencyTable table = load_frequencies(o->frequencies);
      std::vector<kinship::Profile> all;
      for (const std::string& file : o->profiles) {
        for (auto& p : kinship::read_profiles(file, table)) all.push_back(std::move(p));
      }
      const auto find = [&](const std::string& name) -> kinship::Profile {
        for (const auto& p : all) {
          if (p.sample == name) return p;
        }
        throw athar::core::NotFound("no sample " + name + " in the profile files");
      };
      const kinship::Profile a = find(o->a);
      kinship::Profile b = find(o->b);
      if (o->dropout >= 0) b.dropout = o->dropout;
      const auto added = table.add_unseen({a, b});
      const kinship::Relationship r = kinship::parse_relationship(o->relationship);
      const kinship::PairwiseResult result = kinship::pairwise_lr(table, a, b, r, o->theta);
      const auto genotype = [](const kinship::Genotype& x) {
        return kinship::allele_text(x.a) + "," + kinship::allele_text(x.b);
      };
      if (g.json) {
        OrderedJson markers = OrderedJson::array();
        for (const auto& m : result.per_marker) {
          markers.push_back({{"marker", table.marker(m.marker).name},
                             {"a", genotype(a.markers[m.marker])},
                             {"b", genotype(b.markers[m.marker])},
                             {"lr", m.lr}});
        }
        OrderedJson j = {{"relationship", kinship::relationship_name(r)},
                         {"a", a.sample},
                         {"b", b.sample},
                         {"theta", o->theta},
                         {"lr", result.lr},
                         {"log10_lr", result.log10_lr},
                         {"markers_compared", result.markers_compared},
                         {"inconsistent_markers", result.inconsistent_markers},
                         {"unseen_alleles", added},
                         {"markers", markers}};
        if (r == kinship::Relationship::kSamePerson)
          j["random_match_probability"] = result.random_match_probability;
        return print_json(j);
      }
      char line[160];
      std::snprintf(line, sizeof line, "%-16s %-12s %-12s %s\n", "marker", a.sample.c_str(),
                    b.sample.c_str(), "LR");
      std::cout << line;
      for (const auto& m : result.per_marker) {
        std::snprintf(line, sizeof line, "%-16s %-12s %-12s %.6g\n",
                      table.marker(m.marker).name.c_str(), genotype(a.markers[m.marker]).c_str(),
                      genotype(b.markers[m.marker]).c_str(), m.lr);
        std::cout << line;
      }
      std::snprintf(line, sizeof line, "%s LR %.6g (log10 %.3f) over %zu markers, %zu inconsistent",
                    kinship::relationship_name(r).c_str(), result.lr, result.log10_lr,
                    result.markers_compared, result.inconsistent_markers);
      std::cout << line << "; theta " << o->theta;
      if (r == kinship::Relationship::kSamePerson) {
        std::snprintf(line, sizeof line, "; random match probability %.3g",
                      result.random_match_probability);
        std::cout << line;
      }
      std::cout << "\n";
      for (const auto& u : added)
        std::cout << "allele not in the frequency table, given the minimum frequency: " << u
                  << "\n";
    };
  });
  // Families, their references and remains, read and checked together.
  // The screening use case's options, bound to the options below, and what the shell adds.
  struct Screening : athar::app::ScreenOptions {
    std::string out;
    size_t limit = 5;
    std::string family_id;
    bool by_family = false;
    double match_theta = 0.01;
    std::string with;
    size_t min_markers = 8;
  };
  auto sc = std::make_shared<Screening>();
  const auto load_table = [o]() { return load_frequencies(o->frequencies); };

  auto* screen = noun->add_subcommand(
      "screen", "Every remains sample against every family's missing members: candidates ranked");
  screen->add_option("--families", sc->families,
                     "families CSV (docs/kinship.md); without the three files: the registry's");
  screen->add_option("--references", sc->references, "reference profiles");
  screen->add_option("--remains", sc->remains, "remains profiles");
  screen->add_option("--threshold", sc->threshold, "LR at or above which a pair is a candidate")
      ->capture_default_str();
  screen->add_option("--prior", sc->prior,
                     "prior that remains are a given missing person (default 1/missing)");
  screen->add_option("--limit", sc->limit, "candidates shown per remains sample")
      ->capture_default_str();
  screen->add_option("--out", sc->out, "write every candidate to this CSV");
  screen->add_option("--mutation", sc->mutation, "none, equal, proportional or stepwise")
      ->capture_default_str();
  screen
      ->add_option("--male-rate", sc->male_rate,
                   "mutation rate from fathers for markers without one")
      ->capture_default_str();
  screen
      ->add_option("--female-rate", sc->female_rate,
                   "mutation rate from mothers for markers without one")
      ->capture_default_str();
  screen->add_option("--range", sc->range, "stepwise: each further step this much less likely")
      ->capture_default_str();
  screen->add_option("--mutation-rates", sc->rates_file,
                     "per-marker rates: marker<TAB>fathers'<TAB>mothers' (default: the shipped "
                     "AABB 2003 rates; docs/kinship.md)");
  screen
      ->add_option("--theta", sc->theta,
                   "Fst (Balding-Nichols) applied exactly to the candidates found without it")
      ->capture_default_str();
  screen->add_flag("--by-family", sc->by_family, "list the candidates per family, not per remains");
  screen->add_flag("--assign", sc->assign,
                   "join fragments of one body (direct matches) and give the most probable "
                   "assignment: each missing person at most one body");
  screen
      ->add_option("--assign-floor", sc->assign_floor,
                   "the assignment weighs every pair above this LR, below --threshold too")
      ->capture_default_str();
  screen->add_option("--for", sc->for_partner,
                     "screen for this partner institution: only donors who consented to sharing "
                     "with it");
  screen->add_flag("--consenting-only", sc->consenting_only,
                   "with --for: leave out the donors whose consent does not cover it");
  screen->add_option("--frequencies", o->frequencies, "allele frequency table");
  screen->callback([&g, &action, sc, load_table] {
    action = [&g, sc, load_table] {
      // A data folder only when the registry's profiles are screened.
      std::optional<AppSession> session;
      if (sc->families.empty() && sc->references.empty()) session.emplace(g);
      const athar::app::ScreenResult res =
          with_progress_bar(!g.json, [&](const athar::core::Progress& progress) {
            return athar::app::screen_remains(session ? &session->session : nullptr, load_table(),
                                              *sc, progress);
          });
      const auto& r = res.screening;
      const auto& remains = res.remains;
      const auto& families = res.families;
      if (!sc->out.empty()) {
        std::ofstream out(sc->out);
        res.write_csv(out);
        if (!out) throw athar::core::Unavailable("cannot write " + sc->out);
      }
      if (g.json) return print_json(res.to_json());
      std::cout << remains.size() << " remains against " << res.missing_persons
                << " missing persons in " << families.size() << " families: " << r.comparisons
                << " comparisons, " << r.candidates.size()
                << " candidates at LR >= " << sc->threshold << " (prior " << r.prior << ")\n"
                << athar::app::describe_mutation(res.mutation_model, res.mutation_rates) << "\n";
      if (!res.kept_run.empty()) std::cout << "kept as " << res.kept_run << "\n";
      if (!res.outside_consent.empty())
        std::cout << "left out, outside the donors' consent for " << sc->for_partner << ": "
                  << res.outside_consent.size() << " (first: " << res.outside_consent.front()
                  << ")\n";
      if (sc->assign) {
        std::cout << "joint assignment (" << *res.direct_matches
                  << " direct matches join fragments into bodies):\n";
        for (const auto& a : res.assignment) {
          std::string fragments;
          for (size_t i = 0; i < remains.size(); ++i) {
            if (res.body_of_remains[i] == a.body)
              fragments += (fragments.empty() ? "" : "+") + remains[i].sample;
          }
          char line[240];
          std::snprintf(line, sizeof line, "  %-24s -> %s %s  log10 LR %.2f%s\n", fragments.c_str(),
                        families[a.family].id.c_str(),
                        families[a.family].members[a.member].name.c_str(), a.log10_lr,
                        a.log10_lr >= std::log10(sc->threshold)
                            ? ""
                            : "  (below the reporting threshold: a second reviewer)");
          std::cout << line;
        }
        return;
      }
      std::vector<kinship::ScreeningCandidate> listed = r.candidates;
      if (sc->by_family) {
        std::stable_sort(listed.begin(), listed.end(), [](const auto& x, const auto& y) {
          if (x.family != y.family) return x.family < y.family;
          if (x.member != y.member) return x.member < y.member;
          return x.log10_lr > y.log10_lr;
        });
        size_t shown = 0;
        uint64_t last = UINT64_MAX;
        for (const auto& c : listed) {
          const uint64_t key = uint64_t{c.family} << 32 | c.member;
          if (key != last) {
            last = key;
            shown = 0;
            std::cout << families[c.family].id << " " << families[c.family].members[c.member].name
                      << "\n";
          }
          if (shown++ >= sc->limit) continue;
          char line[200];
          std::snprintf(
              line, sizeof line, "  %-14s log10 LR %7.2f  over %2u markers  posterior %.6f\n",
              remains[c.remains].sample.c_str(), c.log10_lr, c.markers_compared, c.posterior);
          std::cout << line;
        }
        return;
      }
      size_t shown = 0;
      uint32_t last = UINT32_MAX;
      for (const auto& c : r.candidates) {
        if (c.remains != last) {
          last = c.remains;
          shown = 0;
          std::cout << remains[c.remains].sample << "\n";
        }
        if (shown++ >= sc->limit) continue;
        char line[200];
        std::snprintf(
            line, sizeof line, "  %-14s %-12s log10 LR %7.2f  over %2u markers  posterior %.6f\n",
            families[c.family].id.c_str(), families[c.family].members[c.member].name.c_str(),
            c.log10_lr, c.markers_compared, c.posterior);
        std::cout << line;
      }
      for (const auto& u : res.unseen_alleles)
        std::cout << "allele not in the frequency table, given the minimum frequency: " << u
                  << "\n";
    };
  });

  auto lr_request = std::make_shared<athar::app::KinshipLrRequest>();
  auto* lr = noun->add_subcommand(
      "lr", "One family's missing member against one remains sample: the LR marker by marker");
  lr->add_option("family", lr_request->family, "family id")->required();
  lr->add_option("remains", lr_request->remains, "remains sample")->required();
  lr->add_option("--member", lr_request->member,
                 "the missing member (default: the family's only missing member)");
  lr->add_option("--families", sc->families,
                 "families CSV (docs/kinship.md); without the three files: the registry's");
  lr->add_option("--references", sc->references, "reference profiles");
  lr->add_option("--remains", sc->remains, "remains profiles");
  lr->add_option("--prior", lr_request->prior, "prior, for a posterior probability");
  lr->add_option("--mutation", sc->mutation, "none, equal, proportional or stepwise")
      ->capture_default_str();
  lr->add_option("--male-rate", sc->male_rate, "mutation rate from fathers for markers without one")
      ->capture_default_str();
  lr->add_option("--female-rate", sc->female_rate,
                 "mutation rate from mothers for markers without one")
      ->capture_default_str();
  lr->add_option("--range", sc->range, "stepwise: each further step this much less likely")
      ->capture_default_str();
  lr->add_option("--mutation-rates", sc->rates_file,
                 "per-marker rates (default: the shipped AABB 2003 rates)");
  lr->add_option("--theta", sc->theta, "Fst (Balding-Nichols)")->capture_default_str();
  lr->add_option("--frequencies", o->frequencies, "allele frequency table");
  lr->callback([&g, &action, sc, lr_request, load_table] {
    action = [&g, sc, lr_request, load_table] {
      std::optional<AppSession> session;
      if (sc->families.empty() && sc->references.empty()) session.emplace(g);
      const athar::app::KinshipLrResult r = athar::app::kinship_lr(
          session ? &session->session : nullptr, load_table(), *sc, *lr_request);
      if (g.json) return print_json(r.to_json());
      r.write_text(std::cout);
    };
  });

  auto* match = noun->add_subcommand(
      "match",
      "Direct matches: remains that are one person (fragments), or remains against "
      "personal references (a toothbrush, a razor)");
  match->add_option("--remains", sc->remains, "remains profiles")->required();
  match->add_option("--with", sc->with,
                    "personal reference profiles (default: the remains against each other)");
  match->add_option("--threshold", sc->match_threshold, "LR at or above which a pair is listed")
      ->capture_default_str();
  match->add_option("--theta", sc->match_theta, "Fst (Balding-Nichols)")->capture_default_str();
  match->add_option("--min-markers", sc->min_markers, "fewest markers compared")
      ->capture_default_str();
  match->add_option("--frequencies", o->frequencies, "allele frequency table");
  match->callback([&g, &action, sc, load_table] {
    action = [&g, sc, load_table] {
      kinship::FrequencyTable table = load_table();
      const auto remains = kinship::read_profiles(sc->remains, table);
      const auto others = sc->with.empty() ? remains : kinship::read_profiles(sc->with, table);
      std::vector<kinship::Profile> everyone = remains;
      everyone.insert(everyone.end(), others.begin(), others.end());
      table.add_unseen(everyone);
      const auto matches =
          kinship::direct_matches(table, remains, others, sc->with.empty(), sc->match_theta,
                                  sc->match_threshold, sc->min_markers);
      if (g.json) {
        OrderedJson list = OrderedJson::array();
        for (const auto& m : matches) {
          list.push_back({{"a", remains[m.a].sample},
                          {"b", others[m.b].sample},
                          {"log10_lr", m.log10_lr},
                          {"random_match_probability", m.random_match_probability},
                          {"markers_compared", m.markers_compared}});
        }
        return print_json(list);
      }
      for (const auto& m : matches) {
        char line[240];
        std::snprintf(line, sizeof line,
                      "%-16s %-16s log10 LR %6.2f  random match probability %.3g  %zu markers\n",
                      remains[m.a].sample.c_str(), others[m.b].sample.c_str(), m.log10_lr,
                      m.random_match_probability, m.markers_compared);
        std::cout << line;
      }
      std::cout << matches.size() << " direct matches at LR >= " << sc->match_threshold << "\n";
    };
  });

  auto* family = noun->add_subcommand("family", "Check families and draw their pedigrees");
  family->require_subcommand(1);
  auto* family_add = family->add_subcommand(
      "add", "Add the families of a families CSV to the registry (their references first)");
  family_add->add_option("file", sc->families, "families CSV (docs/kinship.md)")->required();
  family_add->add_option("--frequencies", o->frequencies, "allele frequency table");
  family_add->callback([&g, &action, sc, load_table] {
    action = [&g, sc, load_table] {
      const kinship::FrequencyTable table = load_table();
      AppSession s(g);
      const size_t n = athar::app::add_families(s.session, table, sc->families);
      std::cout << "added " << n << " families\n";
    };
  });
  struct Decide {
    athar::matching::KinshipDecision decision;
    athar::app::DecisionSettings settings;
  };
  auto decide_o = std::make_shared<Decide>();
  auto* decide = noun->add_subcommand(
      "decide",
      "Confirm or reject a candidate: remains against a family's (or a missing person's) "
      "missing member; the LR is recomputed exactly, a confirmation below the threshold waits "
      "for a second reviewer, a final one of a person's remains identifies them");
  decide->add_option("remains", decide_o->decision.remains, "remains profile (sample name)")
      ->required();
  decide->add_option("family", decide_o->decision.family, "family id, or a person id")->required();
  decide->add_option("decision", decide_o->decision.decision, "confirmed or rejected")
      ->required()
      ->check(CLI::IsMember({"confirmed", "rejected"}));
  decide->add_option("--reason", decide_o->decision.reason, "why (kept with the decision)")
      ->required();
  decide->add_option("--member", decide_o->decision.member,
                     "the missing member (default: the person, for a person's id)");
  decide->add_option("--shown", decide_o->decision.log10_lr, "the log10 LR you were shown");
  decide->add_option("--run", decide_o->decision.run,
                     "the kept screening run the candidate came from (kinship-run-N)");
  decide->add_option("--threshold", decide_o->settings.threshold, "reporting threshold (an LR)")
      ->capture_default_str();
  decide
      ->add_option("--mutation", decide_o->settings.mutation,
                   "none, equal, proportional or stepwise")
      ->capture_default_str();
  decide->add_option("--theta", decide_o->settings.theta, "Fst (Balding-Nichols)")
      ->capture_default_str();
  decide
      ->add_option("--lineage", decide_o->settings.lineage,
                   "weigh lineage markers too: y (Y-STR) or mt (mtDNA), a missing person's family")
      ->check(CLI::IsMember({"y", "mt"}));
  decide->add_option(
      "--lineage-database", decide_o->settings.lineage_database,
      "the population's haplotypes (with --lineage; default: the stored database of the line)");
  decide->callback([&g, &action, decide_o] {
    action = [&g, decide_o] {
      AppSession s(g);
      athar::matching::KinshipDecision d = decide_o->decision;
      if (d.member.empty()) d.member = d.family;
      const auto decided = athar::app::decide_kinship(s.session, d, decide_o->settings);
      const athar::app::KinshipDecisions one{{decided}};
      if (g.json) return print_json(one.to_json()[0]);
      std::cout << decided.remains << " as " << decided.family << " " << decided.member << ": "
                << decided.decision << " (log10 LR " << decided.exact_log10_lr << ", threshold "
                << decided.threshold << ")";
      if (decided.state == "awaiting_second_review")
        std::cout << "; below the threshold: awaiting a second reviewer";
      if (!decided.first_reviewer.empty())
        std::cout << "; second review of " << decided.first_reviewer << "'s confirmation";
      if (!decided.identified.empty())
        std::cout << "; identified: " << decided.identified << " is " << decided.family;
      std::cout << "\n";
    };
  });
  auto* decisions = noun->add_subcommand("decisions", "Decisions made on kinship candidates");
  decisions->callback([&g, &action] {
    action = [&g] {
      AppSession s(g);
      const auto listed = athar::app::read_kinship_decisions(s.session);
      if (g.json) return print_json(listed.to_json());
      for (const auto& d : listed.decisions) {
        std::cout << d.remains << "  " << d.family << " " << d.member << "  " << d.decision;
        if (!d.state.empty()) std::cout << " (" << d.state << ")";
        std::cout << "  log10 LR " << (d.exact_log10_lr.empty() ? d.log10_lr : d.exact_log10_lr)
                  << "  by " << d.decided_by
                  << (d.first_reviewer.empty() ? "" : " after " + d.first_reviewer)
                  << (d.identified.empty() ? "" : "  identified " + d.identified) << "\n";
      }
    };
  });

  struct Plan {
    std::string person;
    double threshold = 10000;
    size_t simulations = 300;
  };
  auto plan_o = std::make_shared<Plan>();
  auto* plan = noun->add_subcommand(
      "plan",
      "For a missing person: how well the relatives' samples can find them, and what one more "
      "relative's sample would bring");
  plan->add_option("person", plan_o->person, "the missing person's id")->required();
  plan->add_option("--threshold", plan_o->threshold, "reporting threshold (an LR)")
      ->capture_default_str();
  plan->add_option("--simulations", plan_o->simulations, "simulations per configuration")
      ->capture_default_str();
  plan->callback([&g, &action, plan_o] {
    action = [&g, plan_o] {
      AppSession s(g);
      const auto result = athar::app::plan_identification(s.session, plan_o->person,
                                                          plan_o->threshold, plan_o->simulations);
      if (g.json) return print_json(result.to_json());
      result.write_text(std::cout);
    };
  });

  auto fragments_threshold = std::make_shared<double>(1e6);
  auto* fragments = noun->add_subcommand(
      "fragments",
      "Join remains profiles that match one another directly into bodies: each fragment's "
      "remains record names the most complete one as its body");
  fragments->add_option("--threshold", *fragments_threshold, "direct-match LR")
      ->capture_default_str();
  fragments->callback([&g, &action, fragments_threshold] {
    action = [&g, fragments_threshold] {
      AppSession s(g);
      const auto joined = athar::app::join_fragments(s.session, *fragments_threshold);
      if (g.json) return print_json(joined.to_json());
      joined.write_text(std::cout);
    };
  });

  struct Report {
    athar::app::ReportRequest request;
    std::string lang = "en", out;
  };
  auto report_o = std::make_shared<Report>();
  auto* report = noun->add_subcommand(
      "report",
      "The identification report of a confirmed identification, in Arabic or English, as PDF "
      "(--out) or as text; issuing it is a ledger entry");
  report->add_option("person", report_o->request.person,
                     "the identified person's id (or give --remains and --family)");
  report->add_option("--remains", report_o->request.remains, "remains profile (sample name)");
  report->add_option("--family", report_o->request.family, "family id, or a person id");
  report->add_option("--member", report_o->request.member, "the missing member");
  report->add_option("--prior", report_o->request.prior,
                     "prior probability (default: the kept run's, else 1/(missing persons + 1))");
  report->add_option("--lang", report_o->lang, "en or ar")
      ->capture_default_str()
      ->check(CLI::IsMember({"en", "ar"}));
  report->add_option("--out", report_o->out, "write the PDF here");
  report->callback([&g, &action, report_o] {
    action = [&g, report_o] {
      AppSession s(g);
      const auto result = athar::app::identification_report(s.session, report_o->request);
      if (!report_o->out.empty()) {
        const std::string pdf = result.pdf(report_o->lang);
        std::ofstream file(report_o->out, std::ios::binary);
        file << pdf;
        file.close();
        if (!file) throw athar::core::Unavailable("cannot write the report to " + report_o->out);
      }
      if (g.json) return print_json(result.to_json());
      result.write_text(std::cout);
      if (!report_o->out.empty()) std::cout << "written to " << report_o->out << "\n";
    };
  });

  auto* runs = noun->add_subcommand("runs", "Screening runs kept: settings and candidates");
  runs->callback([&g, &action] {
    action = [&g] {
      AppSession s(g);
      s.session.require(athar::app::Permission::kRunAnalyses, "list screening runs");
      const auto kept = athar::matching::kept_screening_runs(s.session.registry());
      if (g.json) {
        OrderedJson list = OrderedJson::array();
        for (const auto& r : kept) {
          list.push_back({{"run", r.id()},
                          {"started_at", r.started_at},
                          {"started_by", r.started_by},
                          {"settings", athar::core::Json::parse(r.settings)},
                          {"frequencies_sha256", r.frequencies_sha256},
                          {"athar_version", r.athar_version},
                          {"remains", r.remains},
                          {"missing_persons", r.missing_persons},
                          {"candidates", athar::core::Json::parse(r.candidates)}});
        }
        return print_json(list);
      }
      for (const auto& r : kept) {
        std::cout << r.id() << "  " << r.started_at << " by " << r.started_by << ": " << r.remains
                  << " remains against " << r.missing_persons << " missing persons, "
                  << athar::core::Json::parse(r.candidates).size() << " candidates; " << r.settings
                  << "; frequencies " << r.frequencies_sha256.substr(0, 12) << "…, Athar "
                  << r.athar_version << "\n";
      }
    };
  });

  auto* profiles = noun->add_subcommand("profiles", "STR profiles kept in the registry");
  profiles->require_subcommand(1);
  auto* profiles_add = profiles->add_subcommand(
      "add", "Add the profiles of a file (long or wide table) as references or remains");
  profiles_add->add_option("file", sc->remains, "profile file")->required();
  profiles_add->add_option("--kind", sc->with, "reference or remains")
      ->required()
      ->check(CLI::IsMember({"reference", "remains"}));
  profiles_add->add_option("--frequencies", o->frequencies, "allele frequency table");
  profiles_add->callback([&g, &action, sc, load_table] {
    action = [&g, sc, load_table] {
      const kinship::FrequencyTable table = load_table();
      AppSession s(g);
      const size_t n = athar::app::add_genetic_profiles(s.session, table, sc->remains, sc->with);
      std::cout << "added " << n << " " << sc->with << " profiles\n";
    };
  });
  struct Haplotypes {
    std::string file, kind, lineage;
  };
  auto haplotypes_o = std::make_shared<Haplotypes>();
  auto* haplotypes =
      noun->add_subcommand("haplotypes", "Y-STR and mtDNA haplotypes kept in the registry");
  haplotypes->require_subcommand(1);
  auto* haplotypes_add = haplotypes->add_subcommand(
      "add", "Add the haplotypes of a file (CSV: sample, haplotype) as references or remains");
  haplotypes_add->add_option("file", haplotypes_o->file, "haplotype file")->required();
  haplotypes_add->add_option("--lineage", haplotypes_o->lineage, "y (Y-STR) or mt (mtDNA)")
      ->required()
      ->check(CLI::IsMember({"y", "mt"}));
  haplotypes_add->add_option("--kind", haplotypes_o->kind, "reference or remains")
      ->required()
      ->check(CLI::IsMember({"reference", "remains"}));
  haplotypes_add->callback([&g, &action, haplotypes_o] {
    action = [&g, haplotypes_o] {
      AppSession s(g);
      const auto lineage =
          haplotypes_o->lineage == "y" ? kinship::Lineage::kPaternal : kinship::Lineage::kMaternal;
      const size_t n =
          athar::app::add_haplotypes(s.session, lineage, haplotypes_o->file, haplotypes_o->kind);
      std::cout << "added " << n << " " << haplotypes_o->kind << " " << haplotypes_o->lineage
                << " haplotypes\n";
    };
  });
  auto* haplotypes_database = haplotypes->add_subcommand(
      "database",
      "Keep a population's haplotype database (CSV: haplotype, count) for a line, replacing the "
      "one before; comparisons, screenings and decisions weigh it when no file is given");
  haplotypes_database->add_option("file", haplotypes_o->file, "database file")->required();
  haplotypes_database->add_option("--lineage", haplotypes_o->lineage, "y (Y-STR) or mt (mtDNA)")
      ->required()
      ->check(CLI::IsMember({"y", "mt"}));
  haplotypes_database->callback([&g, &action, haplotypes_o] {
    action = [&g, haplotypes_o] {
      AppSession s(g);
      const auto lineage =
          haplotypes_o->lineage == "y" ? kinship::Lineage::kPaternal : kinship::Lineage::kMaternal;
      const auto stored =
          athar::app::store_lineage_database(s.session, lineage, haplotypes_o->file);
      if (g.json)
        return print_json(athar::core::OrderedJson{{"lineage", stored.lineage},
                                                   {"name", stored.name},
                                                   {"sha256", stored.sha256},
                                                   {"persons", stored.persons}});
      std::cout << "stored the " << stored.lineage << " database " << stored.name << ": "
                << stored.persons << " persons, SHA-256 " << stored.sha256 << "\n";
    };
  });
  struct Lineage {
    athar::app::LineageRequest request;
    std::string lineage;
    double threshold = 10;
  };
  auto lineage_o = std::make_shared<Lineage>();
  auto* lineage = noun->add_subcommand(
      "lineage",
      "A remains sample's Y-STR or mtDNA haplotype against a missing person's relatives on that "
      "line: counting-method frequency with its upper bound, the LR, and with the autosomal LR; "
      "without PERSON and REMAINS, every remains sample against every missing person (screening)");
  lineage->add_option("person", lineage_o->request.person, "the missing person's id");
  lineage->add_option("remains", lineage_o->request.remains, "remains sample name");
  lineage
      ->add_option("--threshold", lineage_o->threshold,
                   "screening: list the pairs whose lineage LR is at least this")
      ->capture_default_str();
  lineage->add_option("--lineage", lineage_o->lineage, "y (Y-STR) or mt (mtDNA)")
      ->required()
      ->check(CLI::IsMember({"y", "mt"}));
  lineage->add_option("--database", lineage_o->request.database,
                      "the population's haplotypes (CSV: haplotype, count); default: the stored "
                      "database of the line");
  lineage->add_option("--theta", lineage_o->request.options.theta, "θ for haplotypes")
      ->capture_default_str();
  lineage
      ->add_option("--confidence", lineage_o->request.options.confidence,
                   "of the frequency's upper bound")
      ->capture_default_str();
  lineage
      ->add_option("--y-mutation-rate", lineage_o->request.options.y_mutation_rate,
                   "per Y-STR locus and meiosis")
      ->capture_default_str();
  lineage->callback([&g, &action, lineage_o] {
    action = [&g, lineage_o] {
      AppSession s(g);
      lineage_o->request.lineage =
          lineage_o->lineage == "y" ? kinship::Lineage::kPaternal : kinship::Lineage::kMaternal;
      if (lineage_o->request.person.empty() != lineage_o->request.remains.empty())
        throw athar::core::InputError("kinship lineage",
                                      lineage_o->request.person.empty() ? "person" : "remains", "",
                                      "both PERSON and REMAINS, or neither (a screening)");
      if (lineage_o->request.person.empty()) {
        athar::app::LineageScreenRequest every;
        every.lineage = lineage_o->request.lineage;
        every.database = lineage_o->request.database;
        every.options = lineage_o->request.options;
        every.threshold = lineage_o->threshold;
        const auto result = athar::app::screen_lineage(s.session, every);
        if (g.json) return print_json(result.to_json());
        return result.write_text(std::cout);
      }
      const auto result = athar::app::kinship_lineage(s.session, lineage_o->request);
      if (g.json) return print_json(result.to_json());
      result.write_text(std::cout);
    };
  });
  auto* show = family->add_subcommand("show", "Check a families file and draw each pedigree");
  show->add_option("--families", sc->families, "families CSV (default: the registry's families)");
  show->add_option("--references", sc->references, "reference profiles (with --families)");
  show->add_option("id", sc->family_id, "only this family");
  show->add_option("--frequencies", o->frequencies, "allele frequency table");
  show->callback([&g, &action, sc, load_table] {
    action = [&g, sc, load_table] {
      const kinship::FrequencyTable table = load_table();
      std::vector<kinship::Family> families;
      if (sc->families.empty()) {
        AppSession s(g);
        families = athar::app::read_families(s.session, table).families;
      } else {
        if (sc->references.empty()) {
          throw athar::core::InputError("kinship family show", "--references", "",
                                        "a families file needs its reference profiles");
        }
        families = kinship::read_families(sc->families,
                                          kinship::read_profiles(sc->references, table), table);
      }
      size_t shown = 0;
      for (const auto& f : families) {
        if (!sc->family_id.empty() && f.id != sc->family_id) continue;
        std::cout << kinship::draw_family(f);
        ++shown;
      }
      if (!sc->family_id.empty() && shown == 0)
        throw athar::core::NotFound("no family " + sc->family_id + " in " + sc->families);
    };
  });
}

void add_simulate_commands(CLI::App& app, std::function<void()>& action) {
  auto* simulate = app.add_subcommand("simulate", "Make synthetic data with known truth");
  simulate->require_subcommand(1);
  auto config = std::make_shared<athar::linkage::SimulationConfig>();
  auto out = std::make_shared<std::string>();
  auto* lists = simulate->add_subcommand(
      "lists", "Synthetic victim lists (list-N.csv, importable) and truth.csv; no real person");
  lists->add_option("--population", config->population, "persons in the population")
      ->capture_default_str();
  lists->add_option("--seed", config->seed, "random seed")->capture_default_str();
  lists->add_option("--typo-rate", config->typo_rate, "share of name parts with a typo")
      ->capture_default_str();
  lists
      ->add_option("--heterogeneity", config->heterogeneity,
                   "variance of each person's visibility (gamma, mean 1), which multiplies every "
                   "list's chance of listing them; 0: everyone equally likely")
      ->capture_default_str();
  auto coverage = std::make_shared<std::vector<double>>();
  lists
      ->add_option("--coverage", *coverage,
                   "each list's expected share of the population, e.g. --coverage 0.35 0.3 0.25 "
                   "0.2 (default 0.5 0.35 0.2); the first list in Arabic script, the last in "
                   "Latin letters, those between mixed")
      ->check(CLI::Range(0.0, 1.0));
  auto duplicates = std::make_shared<double>(-1);
  lists
      ->add_option("--duplicates", *duplicates,
                   "share of its persons each list names twice (default 0.03, 0.02 and none for "
                   "the three default lists; 0.02 for lists given with --coverage)")
      ->check(CLI::Range(0.0, 1.0));
  lists->add_option("--out", *out, "folder to write")->required();
  auto families_config = std::make_shared<athar::kinship::FamilySimulationConfig>();
  auto frequencies = std::make_shared<std::string>();  // "": the shipped table
  auto* families = simulate->add_subcommand(
      "families", "Synthetic families with references and remains (DNA), with truth.csv");
  families->add_option("--families", families_config->families, "families")->capture_default_str();
  families->add_option("--remains", families_config->remains, "remains samples")
      ->capture_default_str();
  families
      ->add_option("--identified-share", families_config->identified_share,
                   "share of remains that are a family's missing person")
      ->capture_default_str();
  families
      ->add_option("--references", families_config->reference_kinds,
                   "kinds of reference: parent, sibling, grandparent")
      ->delimiter(',');
  families
      ->add_option("--max-references", families_config->max_references,
                   "1 to this many references per family")
      ->capture_default_str();
  families->add_option("--dropout", families_config->dropout, "remains' dropout probability")
      ->capture_default_str();
  families
      ->add_option("--lost-markers", families_config->lost_markers,
                   "share of markers that did not type in remains")
      ->capture_default_str();
  families->add_option("--seed", families_config->seed, "random seed")->capture_default_str();
  families
      ->add_option("--fragments", families_config->fragment_share,
                   "share of remains also found as a second, degraded fragment")
      ->capture_default_str();
  auto records = std::make_shared<bool>(false);
  families->add_flag("--records", *records,
                     "also write records.json: the grave, persons, remains and samples as "
                     "registry records to import");
  families->add_option("--frequencies", *frequencies,
                       "allele frequency table (default: the shipped West Asia table, found "
                       "beside the binary)");
  families->add_option("--out", *out, "folder to write")->required();
  families->callback([&action, families_config, frequencies, out, records] {
    action = [families_config, frequencies, out, records] {
      const auto table = load_frequencies(*frequencies);
      const auto sim = athar::kinship::simulate_families(table, *families_config);
      athar::kinship::write_family_simulation(sim, table, *out);
      if (*records) {
        std::ofstream file(*out + "/records.json");
        file << athar::app::simulated_case_records(sim).dump(1) << "\n";
        if (!file) throw athar::core::Unavailable("cannot write " + *out + "/records.json");
      }
      std::cout << "wrote " << sim.families.size() << " synthetic families ("
                << sim.references.size() << " references) and " << sim.remains.size()
                << " remains to " << *out << "\n";
    };
  });
  lists->callback([&action, config, out, coverage, duplicates] {
    if (!coverage->empty()) {
      config->lists.clear();
      for (size_t l = 0; l < coverage->size(); ++l) {
        const double latin = coverage->size() == 1 ? 0.0
                                                   : static_cast<double>(l) /
                                                         static_cast<double>(coverage->size() - 1);
        config->lists.push_back({(*coverage)[l], latin, 0.02});
      }
    }
    if (*duplicates >= 0) {
      for (auto& list : config->lists) list.duplicates = *duplicates;
    }
    action = [config, out] {
      const auto sim = athar::linkage::simulate_lists(*config);
      athar::linkage::write_simulation(sim, *out);
      std::cout << "wrote " << sim.records.size() << " records of " << sim.population
                << " synthetic persons in " << config->lists.size() << " lists to " << *out << "\n";
    };
  });
}

// `athar user`: accounts of the server, managed from the shell that holds the data folder.
void add_user_commands(CLI::App& app, Globals& g, std::function<void()>& action) {
  namespace app_ns = athar::app;
  auto* user = app.add_subcommand("user", "Accounts of the server: add, list, disable, role");
  user->require_subcommand(1);
  struct Options {
    std::string name, role;
    bool password_stdin = false;
  };
  // A password given on standard input (scripts), never on the command line.
  const auto read_password = [](bool from_stdin) {
    std::string password;
    if (from_stdin) std::getline(std::cin, password);
    return password;
  };
  auto o = std::make_shared<Options>();
  const auto role_of = [](const std::string& text) {
    const auto role = app_ns::parse_role(text);
    if (!role) {
      throw athar::core::InputError("account", "role", text,
                                    "one of admin, investigator, analyst, liaison, viewer");
    }
    return *role;
  };
  auto* add = user->add_subcommand(
      "add", "Add an account; prints its one-time password (give it in person)");
  add->add_option("name", o->name, "account name (a-z, 0-9, . _ -)")->required();
  add->add_option("--role", o->role, "admin, investigator, analyst, liaison or viewer")->required();
  add->add_flag("--password-stdin", o->password_stdin,
                "read the password from standard input instead of making one");
  add->callback([&g, &action, o, role_of, read_password] {
    action = [&g, o, role_of, read_password] {
      AppSession s(g);
      const auto made = app_ns::add_account(s.session, o->name, role_of(o->role),
                                            read_password(o->password_stdin));
      if (g.json) return print_json(made.to_json());
      std::cout << "added " << made.account.name << " (" << app_ns::role_name(made.account.role)
                << "); one-time password: " << made.one_time_password << "\n";
    };
  });
  user->add_subcommand("list", "List accounts")->callback([&g, &action] {
    action = [&g] {
      AppSession s(g);
      const auto accounts = app_ns::list_accounts(s.session);
      if (g.json) {
        OrderedJson arr = OrderedJson::array();
        for (const auto& a : accounts) arr.push_back(a.to_json());
        return print_json(arr);
      }
      for (const auto& a : accounts) {
        std::printf("%-24s %-13s %s%s\n", a.name.c_str(),
                    std::string(app_ns::role_name(a.role)).c_str(),
                    a.disabled ? "disabled" : "active", a.second_factor ? ", second factor" : "");
      }
    };
  });
  for (const bool disabling : {true, false}) {
    auto* cmd = user->add_subcommand(
        disabling ? "disable" : "enable",
        disabling ? "Disable an account and end its sessions" : "Enable a disabled account");
    cmd->add_option("name", o->name, "account name")->required();
    cmd->callback([&g, &action, o, disabling] {
      action = [&g, o, disabling] {
        AppSession s(g);
        const auto a = app_ns::set_disabled(s.session, o->name, disabling);
        if (g.json) return print_json(a.to_json());
        std::cout << a.name << (disabling ? " disabled" : " enabled") << "\n";
      };
    });
  }
  auto* password = user->add_subcommand(
      "password", "Set an account's password (read from standard input; 12 characters or more)");
  password->add_option("name", o->name, "account name")->required();
  password->add_flag("--password-stdin", o->password_stdin, "read it from standard input")
      ->required();
  password->callback([&g, &action, o, read_password] {
    action = [&g, o, read_password] {
      AppSession s(g);
      app_ns::set_password(s.session, o->name, read_password(true));
      if (!g.json) std::cout << "password of " << o->name << " set\n";
    };
  });
  auto* token = user->add_subcommand(
      "token", "Make an API token for an account (for scripts: Authorization: Bearer TOKEN)");
  token->add_option("name", o->name, "account name")->required();
  token->add_option("--label", o->role, "what the token is for");
  token->callback([&g, &action, o] {
    action = [&g, o] {
      AppSession s(g);
      // The token acts as the account, in its role: the admin hands it over.
      const auto accounts = app_ns::list_accounts(s.session);
      const auto it = std::find_if(accounts.begin(), accounts.end(),
                                   [&](const app_ns::Account& a) { return a.name == o->name; });
      if (it == accounts.end()) throw athar::core::NotFound("no account named " + o->name);
      app_ns::Session as(s.instance, {it->name, it->role});
      const auto credential = app_ns::create_api_token(as, o->role);
      if (g.json) {
        OrderedJson j = credential.to_json();
        j["token"] = credential.token;
        return print_json(j);
      }
      std::cout << credential.token << "\n";
    };
  });
  auto* role = user->add_subcommand("role", "Change an account's role");
  role->add_option("name", o->name, "account name")->required();
  role->add_option("role", o->role, "admin, investigator, analyst, liaison or viewer")->required();
  role->callback([&g, &action, o, role_of] {
    action = [&g, o, role_of] {
      AppSession s(g);
      const auto a = app_ns::set_role(s.session, o->name, role_of(o->role));
      if (g.json) return print_json(a.to_json());
      std::cout << a.name << " is now " << app_ns::role_name(a.role) << "\n";
    };
  });
}

// `athar serve`: the HTTP API over this data folder until SIGINT or SIGTERM.
void add_serve_command(CLI::App& app, Globals& g, std::function<void()>& action) {
  struct Options {
    std::string listen = "127.0.0.1:8080";
    athar::server::ServerOptions server;
    size_t max_upload_mib = 256;
  };
  auto o = std::make_shared<Options>();
  auto* serve =
      app.add_subcommand("serve", "Serve the HTTP API (JSON; OpenAPI at /api/openapi.json)");
  serve->add_option("--listen", o->listen, "HOST:PORT to listen on (PORT 0: any free port)")
      ->capture_default_str();
  serve->add_option("--tls-cert", o->server.certificate, "PEM certificate: serve HTTPS");
  serve->add_option("--tls-key", o->server.private_key, "PEM private key of the certificate");
  serve->add_option("--threads", o->server.threads, "connections served at once")
      ->capture_default_str();
  serve->add_option("--max-upload-mib", o->max_upload_mib, "largest evidence upload, MiB")
      ->capture_default_str();
  serve->add_option("--web", o->server.web_root,
                    "folder of the built web UI (default: the one shipped beside Athar)");
  serve->add_option("--tiles", o->server.tiles_url,
                    "an online map tile layer under the offline basemap (URL template with {z}, "
                    "{x}, {y}); none by default");
  serve->add_option("--tiles-attribution", o->server.tiles_attribution,
                    "the attribution the tile provider requires, shown on the map");
  serve->callback([&g, &action, o] {
    action = [&g, o] {
      const size_t colon = o->listen.rfind(':');
      int port = -1;
      if (colon != std::string::npos) {
        const char* begin = o->listen.data() + colon + 1;
        const char* end = o->listen.data() + o->listen.size();
        const auto [p, ec] = std::from_chars(begin, end, port);
        if (ec != std::errc() || p != end || port < 0 || port > 65535) port = -1;
      }
      if (port < 0) {
        throw athar::core::InputError("serve", "--listen", o->listen, "expected HOST:PORT");
      }
      o->server.host = o->listen.substr(0, colon);
      o->server.port = port;
      o->server.max_upload_bytes = o->max_upload_mib << 20;
      if (o->server.web_root.empty()) {
        std::string searched;
        o->server.web_root = athar::app::shipped_web_ui(&searched);
        o->server.web_ui_missing =
            "build it with `npm ci && npm run build` in web/, or set "
            "ATHAR_WEB_DIR (looked in " +
            searched + ")";
      }
      // SIGINT and SIGTERM are taken by one thread that stops the server; blocked before the
      // server's threads start, so that none of them gets the signal instead.
      sigset_t signals;
      sigemptyset(&signals);
      sigaddset(&signals, SIGINT);
      sigaddset(&signals, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &signals, nullptr);
      athar::app::Instance instance(existing_data_dir(g), keys_path(g));
      athar::server::HttpServer http(instance, o->server);
      const int bound = http.bind();
      std::thread stopper([&http, signals] {
        int received = 0;
        sigwait(&signals, &received);
        http.stop();
      });
      std::cout << "athar: serving " << g.data_dir << " on " << (http.tls() ? "https" : "http")
                << "://" << o->server.host << ":" << bound << "/ (Ctrl-C stops)\n"
                << (o->server.web_root.empty()
                        ? "athar: no web UI: " + o->server.web_ui_missing
                        : "athar: web UI from " + o->server.web_root.string())
                << std::endl;
      http.run();
      pthread_kill(stopper.native_handle(), SIGTERM);
      stopper.join();
    };
  });
}

int run(int argc, char** argv) {
  Globals g;
  g.actor = default_actor();
  CLI::App app{
      "Athar: registry and evidence for the investigation of mass graves and the search "
      "for the missing."};
  app.footer(kExitCodes);
  app.require_subcommand(1);
  app.fallthrough();  // global options (--data, --actor, --json) may follow the subcommand
  app.add_option("--data", g.data_dir,
                 "data folder (holds athar.db, or database-url for PostgreSQL)")
      ->envname("ATHAR_DATA")
      ->capture_default_str();
  app.add_option("--actor", g.actor, "who is writing, recorded with every change")
      ->envname("ATHAR_ACTOR");
  app.add_flag("--json", g.json, "print JSON instead of text");
  app.add_option("--keys", g.keys_dir, "folder of the ledger's signing key (default DATA/keys)")
      ->envname("ATHAR_KEYS");

  std::function<void()> action;

  auto init_url = std::make_shared<std::string>();
  auto* init = app.add_subcommand("init", "Create the data folder and an empty registry database");
  init->add_option("--db", *init_url,
                   "a PostgreSQL database to use instead of SQLite (postgresql://user@host/db; "
                   "it must exist and be empty; the password in ~/.pgpass or PGPASSWORD)");
  init->callback([&, init_url] {
    action = [&, init_url] {
      const auto created = athar::app::Instance::create(g.data_dir, keys_path(g), *init_url);
      if (g.json) return print_json(created.to_json());
      std::cout << "created " << created.database << " (schema " << created.schema_version << ")\n"
                << "ledger origin " << created.origin << "; signing key in "
                << keys_path(g).string() << "\nverifier key: " << created.verifier_key << "\n";
    };
  });

  auto migrate_to = std::make_shared<std::string>();
  auto migrate_from = std::make_shared<std::string>();
  auto* migrate = app.add_subcommand(
      "migrate",
      "Move the data folder's SQLite database to PostgreSQL, row for row (stop the server first)");
  migrate->add_option("--from", *migrate_from,
                      "the SQLite database that moves, sqlite:PATH (the data folder's athar.db, "
                      "the only one whose vault and keys are at hand; the default)");
  migrate
      ->add_option("--to", *migrate_to,
                   "an existing, empty PostgreSQL database (postgresql://user@host/db)")
      ->required();
  migrate->callback([&, migrate_to, migrate_from] {
    action = [&, migrate_to, migrate_from] {
      if (!migrate_from->empty()) {
        // Only the data folder's own database moves with its vault and keys: a --from that
        // names another file is refused rather than silently ignored.
        const std::string& from = *migrate_from;
        const std::filesystem::path own = std::filesystem::path(g.data_dir) / "athar.db";
        std::error_code error;
        if (from.rfind("sqlite:", 0) != 0 || !std::filesystem::exists(from.substr(7)) ||
            !std::filesystem::equivalent(from.substr(7), own, error)) {
          throw athar::core::InputError(
              "migrate", "--from", from,
              "expected sqlite:" + own.string() +
                  ", the data folder's own database (give --data the folder that holds it)");
        }
      }
      const auto moved = athar::app::migrate_to_postgresql(g.data_dir, *migrate_to);
      if (g.json) return print_json(moved.to_json());
      std::cout << "moved " << moved.rows << " rows in " << moved.tables.size() << " tables from "
                << moved.from << " to " << moved.to << "; the SQLite file is " << moved.moved_aside
                << "\nrun `athar verify`: the roots are the same\n";
    };
  });

  app.add_subcommand("summary",
                     "Counts, statuses, and each site's claims beside what is documented")
      ->callback([&] {
        action = [&] {
          AppSession s(g);
          print_summary(athar::app::summary(s.session), g);
        };
      });

  for (const registry::KindSpec& kind : registry::kind_specs())
    add_kind_commands(app, kind, g, action);

  add_ledger_commands(app, g, action);
  add_user_commands(app, g, action);
  add_serve_command(app, g, action);
  add_bundle_commands(app, g, action);
  add_log_witness_commands(app, action);
  add_simulate_commands(app, action);
  add_kinship_commands(app, g, action);
  athar::cli::add_estimate_command(app, g, action);

  auto* import_command = app.add_subcommand("import", "Import records (one transaction per file)");
  std::string import_file, csv_source, csv_role = "victim";
  auto* import_persons = import_command->add_subcommand(
      "persons", "Import persons from a UTF-8 CSV (columns: docs/registry.md)");
  import_persons->add_option("file", import_file, "CSV file")->required();
  import_persons->add_option("--source", csv_source, "source id that lists these persons");
  import_persons->add_option("--role", csv_role, "role when a row gives none")
      ->capture_default_str();
  bool import_check = false;
  import_persons->add_flag("--check", import_check,
                           "check every row and list every problem; write nothing");
  import_command->add_flag("--check", import_check,
                           "check every record and list every problem; write nothing");
  bool import_force = false;
  for (auto* command : {import_command, import_persons}) {
    command->add_flag("--force", import_force,
                      "import a file whose bytes were imported before (every record again)");
  }
  import_persons->callback([&] {
    action = [&] {
      AppSession s(g);
      print_report(
          with_progress_bar(!g.json,
                            [&](const athar::core::Progress& progress) {
                              return athar::app::import_records(
                                  s.session, import_file, athar::app::ImportFormat::kPersonsCsv,
                                  {csv_source, csv_role}, progress, import_check, import_force);
                            }),
          g);
    };
  });
  std::string json_file;
  import_command->add_option("file", json_file,
                             "JSON file of records of any kind (docs/registry.md)");
  import_command->callback([&] {
    if (import_persons->parsed()) return;
    if (json_file.empty()) throw CLI::RequiredError("import: a JSON file, or `persons FILE.csv`");
    action = [&] {
      AppSession s(g);
      print_report(with_progress_bar(!g.json,
                                     [&](const athar::core::Progress& progress) {
                                       return athar::app::import_records(
                                           s.session, json_file, athar::app::ImportFormat::kJson,
                                           {}, progress, import_check, import_force);
                                     }),
                   g);
    };
  });

  std::string export_format = "json", export_kind, export_out;
  bool include_sensitive = false, export_no_bom = false, export_force = false;
  auto* exp = app.add_subcommand("export", "Export the registry as JSON, or one kind as CSV");
  exp->add_option("--format", export_format, "json or csv")
      ->check(CLI::IsMember({"json", "csv"}))
      ->capture_default_str();
  exp->add_option("--kind", export_kind, "kind to export as CSV (e.g. persons)");
  exp->add_option("--out", export_out, "file to write (default: standard output)");
  exp->add_flag("--include-sensitive", include_sensitive,
                "include witness identities and contacts");
  exp->add_flag("--no-bom", export_no_bom,
                "CSV without the UTF-8 byte-order mark spreadsheets need to read Arabic");
  exp->add_flag("--force", export_force, "overwrite --out if it exists");
  exp->callback([&] {
    action = [&] {
      AppSession s(g);
      if (!export_out.empty() && std::filesystem::exists(export_out) && !export_force) {
        throw athar::core::InputError("export", "--out", export_out,
                                      "exists already; give --force to overwrite it");
      }
      const athar::app::ExportRequest request{export_format, export_kind, include_sensitive,
                                              !export_no_bom};
      if (export_out.empty()) return athar::app::export_records(s.session, request, std::cout);
      // Written beside the target and renamed when whole: a failed export leaves the old file.
      const std::string partial = export_out + ".partial";
      std::ofstream file(partial, std::ios::binary | std::ios::trunc);
      if (!file) throw athar::core::Unavailable("cannot write " + partial);
      athar::app::export_records(s.session, request, file);
      const auto bytes = file.tellp();
      file.close();
      std::filesystem::rename(partial, export_out);
      std::cerr << "wrote " << export_out << " ("
                << athar::core::with_thousands(static_cast<uint64_t>(bytes)) << " bytes, "
                << export_format << (export_format == "csv" ? " of " + export_kind : "") << ")\n";
    };
  });

  app.add_subcommand("governorates", "List Syria's governorates and their codes")->callback([&] {
    action = [] {
      for (const auto& gov : athar::core::governorates()) {
        std::cout << gov.code << "\t" << gov.name_en << "\t" << gov.name_ar << "\n";
      }
    };
  });
  app.add_subcommand("fields", "Print the data dictionary: every kind and its fields (Markdown)")
      ->callback([&] { action = print_data_dictionary; });
  app.add_subcommand("link-types", "List the link types and the kinds they join")->callback([&] {
    action = [] {
      for (const auto& t : registry::link_types()) {
        std::cout << t.name << "\t" << registry::kind_spec(t.from).name << " -> "
                  << registry::kind_spec(t.to).name << "\t" << t.help << "\n";
      }
    };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kUsageExit;
  }
  try {
    if (action) action();
    return 0;
  } catch (const athar::core::Error& e) {
    // With --json the error is JSON too, on stderr: its stable kind and the named field.
    if (g.json) {
      std::cerr << e.to_json().dump(2) << "\n";
    } else {
      std::cerr << "athar: " << e.what() << "\n";
    }
    return exit_code_of(e.kind());
  } catch (const std::exception& e) {
    if (g.json) {
      std::cerr << OrderedJson{{"error", "internal"}, {"message", e.what()}}.dump(
                       2, ' ', false, OrderedJson::error_handler_t::replace)
                << "\n";
    } else {
      std::cerr << "athar: internal error: " << e.what() << "\n";
    }
    return exit_code_of(ErrorKind::kInternal);
  }
}  // namespace

}  // namespace

int main(int argc, char** argv) {
  // Whatever athar creates (database, WAL, keys, exports, bundles) is the owner's alone.
  ::umask(077);
  return run(argc, argv);
}
