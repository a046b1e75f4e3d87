#include "matching/estimate_store.h"

#include <cstdio>
#include <map>

#include "core/date.h"
#include "core/error.h"
#include "core/governorate.h"
#include "core/json.h"
#include "ledger/hash.h"
#include "matching/internal/histories.h"
#include "matching/internal/ledger_check.h"
#include "matching/linkage_draws.h"
#include "matching/person_linkage.h"
#include "registry/kinds.h"
#include "store/database.h"

namespace athar::matching {

namespace {

// Exact text of a stored number: %.17g reads back to the same double.
std::string number_text(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

std::string lists_json(const estimate::CaptureHistories& h) { return core::Json(h.lists).dump(); }
std::string histories_json(const estimate::CaptureHistories& h) {
  return core::Json(h.counts).dump();
}

std::string estimate_text(const StoredEstimate& e) {
  return matching_internal::record_hash_text({{"created_at", e.created_at},
                                              {"created_by", e.created_by},
                                              {"documented", number_text(e.documented)},
                                              {"estimate", number_text(e.estimate)},
                                              {"high", number_text(e.high)},
                                              {"histories", histories_json(e.histories)},
                                              {"lists", lists_json(e.histories)},
                                              {"low", number_text(e.low)},
                                              {"method", e.method},
                                              {"settings", e.settings},
                                              {"subject", e.subject}});
}

bool is_governorate_code(const std::string& s) {
  const auto g = core::find_governorate(s);
  return g && g->code == s;
}

}  // namespace

std::map<std::string, std::string> stratum_of_records(registry::Registry& registry, StratumBy by) {
  std::map<std::string, std::string> stratum_of_record;
  store::Database& db = registry.database();
  if (by == StratumBy::kSite) {
    auto links = db.prepare(
        "SELECT from_record, to_record FROM links WHERE type = 'buried_at' AND retraction IS "
        "NULL ORDER BY num");
    // A person linked to two sites votes for the first (links in order of entry).
    while (links->step()) stratum_of_record.emplace(links->string(0), links->string(1));
  } else {
    // One value per person: the column named, or for years the first date known, cut to its
    // year (dates are stored as YYYY, YYYY-MM or YYYY-MM-DD).
    const char* value = by == StratumBy::kGovernorate ? "governorate"
                        : by == StratumBy::kSex
                            ? "sex"
                            : "substr(COALESCE(disappeared_on, detained_on, died_on), 1, 4)";
    auto persons =
        db.prepare(std::string("SELECT num, ") + value + " FROM persons WHERE retraction IS NULL");
    while (persons->step()) {
      if (persons->is_null(1) || persons->string(1).empty()) continue;
      stratum_of_record[registry::format_record_id(registry::Kind::kPerson, persons->int64(0))] =
          persons->string(1);
    }
  }
  return stratum_of_record;
}

std::vector<std::pair<std::string, estimate::CaptureHistories>> capture_histories_by(
    registry::Registry& registry, StratumBy by) {
  // The run's own entities under the rule linkage draws use (histories_of).
  const std::vector<EntityRow> rows = entities(registry);  // read once
  LinkageDrawInput in;
  in.lists = matching_internal::list_names(rows);
  std::map<std::string, uint32_t> list_index;
  for (uint32_t i = 0; i < in.lists.size(); ++i) list_index[in.lists[i]] = i;
  const std::map<std::string, std::string> stratum = stratum_of_records(registry, by);
  std::vector<uint32_t> entity;
  for (const EntityRow& r : rows) {
    in.list_of_record.push_back(list_index.at(r.list));
    const auto it = stratum.find(r.record);
    in.stratum_of_record.push_back(it == stratum.end() ? "" : it->second);
    entity.push_back(static_cast<uint32_t>(r.entity));
  }
  return histories_of(in, entity);
}

void check_estimate_subject(registry::Registry& registry, const std::string& subject) {
  const auto id = registry::parse_record_id(subject);
  if (id && id->kind == registry::Kind::kSite) {
    registry.get(subject);  // NotFound when no such site
  } else if (subject != "all" && !is_governorate_code(subject)) {
    throw core::InputError("estimate", "subject", subject,
                           "a site id, a governorate code (athar governorates) or all");
  }
}

std::vector<int64_t> record_estimates(registry::Registry& registry,
                                      std::vector<StoredEstimate> estimates) {
  // Everything checked before anything is written; then one transaction.
  for (const StoredEstimate& e : estimates) {
    check_estimate_subject(registry, e.subject);
    // A percentile interval need not hold the point estimate (a biased bootstrap), but it must
    // be an interval.
    if (!(e.low <= e.high) || !(e.estimate >= 0)) {
      throw core::InputError("estimate", "interval", number_text(e.low) + "-" + number_text(e.high),
                             "needs low <= high and an estimate of 0 or more");
    }
  }
  const std::string at = core::utc_timestamp_now();
  store::Database& db = registry.database();
  registry::Registry::Transaction tx(registry);
  auto insert = db.prepare(
      "INSERT INTO estimates(subject, method, documented, estimate, low, high, lists, histories, "
      "settings, created_at, created_by) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  std::vector<int64_t> numbers;
  for (StoredEstimate& e : estimates) {
    if (e.settings.empty()) e.settings = "{}";
    e.created_at = at;
    e.created_by = registry.actor();
    e.documented = static_cast<double>(static_cast<int64_t>(e.documented));
    insert->reset();
    insert->bind(1, e.subject);
    insert->bind(2, e.method);
    insert->bind(3, static_cast<int64_t>(e.documented));
    insert->bind(4, e.estimate);
    insert->bind(5, e.low);
    insert->bind(6, e.high);
    insert->bind(7, lists_json(e.histories));
    insert->bind(8, histories_json(e.histories));
    insert->bind(9, e.settings);
    insert->bind(10, e.created_at);
    insert->bind(11, e.created_by);
    insert->step();
    e.num = db.last_insert_id();
    registry.append_ledger_entry("estimate.record", "estimate:" + std::to_string(e.num),
                                 ledger::sha256(estimate_text(e)));
    numbers.push_back(e.num);
  }
  tx.commit();
  return numbers;
}

int64_t record_estimate(registry::Registry& registry, StoredEstimate e) {
  return record_estimates(registry, {std::move(e)}).front();
}

std::vector<StoredEstimate> stored_estimates(registry::Registry& registry,
                                             const std::string& subject) {
  auto rows = registry.database().prepare(
      "SELECT num, subject, method, documented, estimate, low, high, lists, histories, settings, "
      "created_at, created_by FROM estimates WHERE ?1 = '' OR subject = ?1 ORDER BY num DESC");
  rows->bind(1, subject);
  std::vector<StoredEstimate> out;
  while (rows->step()) {
    StoredEstimate e;
    e.num = rows->int64(0);
    e.subject = rows->string(1);
    e.method = rows->string(2);
    e.documented = static_cast<double>(rows->int64(3));
    e.estimate = rows->real(4);
    e.low = rows->real(5);
    e.high = rows->real(6);
    try {
      e.histories.lists = core::Json::parse(rows->string(7)).get<std::vector<std::string>>();
      e.histories.counts = core::Json::parse(rows->string(8)).get<std::vector<double>>();
    } catch (const core::Json::exception&) {
      throw core::Corruption("stored estimate " + std::to_string(e.num) +
                             " has unreadable lists or histories");
    }
    e.settings = rows->string(9);
    e.created_at = rows->string(10);
    e.created_by = rows->string(11);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> check_estimates(registry::Registry& registry) {
  std::map<std::string, std::string> hashes;
  for (const StoredEstimate& e : stored_estimates(registry))
    hashes["estimate:" + std::to_string(e.num)] = ledger::to_hex(ledger::sha256(estimate_text(e)));
  return matching_internal::compare_with_ledger(
      registry, hashes, "no ledger entry records it (written behind Athar's back)");
}

}  // namespace athar::matching
