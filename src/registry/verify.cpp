#include "registry/verify.h"

#include <algorithm>
#include <unordered_map>

#include "core/error.h"
#include "core/json.h"
#include "ledger/merkle.h"

namespace athar::registry {

namespace {

struct LastEntry {
  uint64_t index;
  std::string sha256;
};

// Reads every entry in order, recomputing leaves into `tree` and noting each record's last
// entry. Gaps and entries whose stored leaf hash disagrees with their text are findings.
void check_entries(store::Database& db, ledger::MemoryTree& tree,
                   std::unordered_map<std::string, LastEntry>& last, VerifyReport& report) {
  auto rows = db.prepare("SELECT idx, entry, leaf_hash, subject FROM ledger_entries ORDER BY idx");
  uint64_t expected = 0;
  while (rows->step()) {
    const auto index = static_cast<uint64_t>(rows->int64(0));
    if (index != expected) {
      report.findings.push_back({"ledger entries " + std::to_string(expected) +
                                     (index - 1 > expected ? "-" + std::to_string(index - 1) : ""),
                                 "missing", "deleted from the log"});
    }
    expected = index + 1;
    ++report.entries;
    const std::string_view text = rows->text(1);
    const ledger::Hash leaf = ledger::leaf_hash(text);
    tree.append(leaf);
    const auto stored = rows->blob(2);
    if (!std::equal(stored.begin(), stored.end(), leaf.begin(), leaf.end())) {
      report.findings.push_back({"ledger entry " + std::to_string(index), "altered",
                                 "its text no longer hashes to its leaf hash"});
    }
    const core::Json entry = core::Json::parse(text, nullptr, false);
    if (entry.is_discarded() || !entry.is_object() || !entry.contains("record") ||
        !entry.contains("sha256") || !entry["record"].is_string() || !entry["sha256"].is_string()) {
      report.findings.push_back({"ledger entry " + std::to_string(index), "altered",
                                 "it is not a well-formed ledger entry"});
      continue;
    }
    const std::string record = entry["record"].get<std::string>();
    if (rows->text(3) != record) {
      report.findings.push_back({"ledger entry " + std::to_string(index), "altered",
                                 "its subject column does not match its text"});
    }
    last[record] = {index, entry["sha256"].get<std::string>()};
  }
}

void check_nodes(store::Database& db, const ledger::MemoryTree& tree, VerifyReport& report) {
  auto rows = db.prepare("SELECT level, idx, hash FROM ledger_nodes ORDER BY level, idx");
  const auto& levels = tree.levels();
  while (rows->step()) {
    const auto level = static_cast<size_t>(rows->int64(0));
    const auto index = static_cast<size_t>(rows->int64(1));
    const auto stored = rows->blob(2);
    const std::string name = "ledger node " + std::to_string(level) + "/" + std::to_string(index);
    if (level >= levels.size() || index >= levels[level].size()) {
      report.findings.push_back({name, "unexpected", "no such subtree in the recomputed log"});
    } else if (!std::equal(stored.begin(), stored.end(), levels[level][index].begin(),
                           levels[level][index].end())) {
      report.findings.push_back({name, "altered", "differs from the recomputed subtree hash"});
    }
  }
}

void check_checkpoints(store::Database& db, const ledger::MemoryTree& tree,
                       const ledger::VerifierKey& key, VerifyReport& report) {
  std::string origin;
  try {
    origin = ledger::origin(db);
  } catch (const core::NotFound&) {
    report.findings.push_back({"ledger", "altered", "the ledger origin setting is missing"});
  }
  for (const ledger::StoredCheckpoint& stored : ledger::stored_checkpoints(db)) {
    ++report.checkpoints;
    const std::string name = "checkpoint " + std::to_string(stored.num);
    ledger::Checkpoint c;
    try {
      c = ledger::open_checkpoint(stored.note, key);
    } catch (const core::Corruption& e) {
      report.findings.push_back({name, "bad signature", e.what()});
      continue;
    }
    if (c.origin != origin) {
      report.findings.push_back(
          {name, "altered", "signed for origin " + c.origin + ", not " + origin});
    }
    if (c.size > tree.size()) {
      report.findings.push_back({name, "log truncated",
                                 "it covers " + std::to_string(c.size) + " entries, the log has " +
                                     std::to_string(tree.size())});
      continue;
    }
    // What an outside verifier holding this checkpoint checks: the present log proves
    // consistent with it.
    const ledger::Hash now = ledger::root_hash(tree, tree.size());
    std::vector<ledger::Bytes> proof;
    if (c.size > 0) {
      for (const auto& h : ledger::consistency_proof(tree, c.size, tree.size())) {
        proof.emplace_back(h.begin(), h.end());
      }
    }
    if (c.size == 0 ? c.root != ledger::empty_root()
                    : !ledger::verify_consistency(c.size, tree.size(), c.root, now, proof)) {
      report.findings.push_back({name, "log rewritten",
                                 "the log's first " + std::to_string(c.size) +
                                     " entries no longer hash to the signed root; the "
                                     "consistency proof fails"});
    }
  }
}

void check_records(Registry& registry, std::unordered_map<std::string, LastEntry>& last,
                   VerifyReport& report) {
  const auto histories = registry.status_histories();
  static const std::vector<StatusChange> kNoHistory;
  for (const KindSpec& kind : kind_specs()) {
    ListQuery page;
    page.limit = 20000;
    while (true) {
      const std::vector<Record> records = registry.list(kind, page);
      for (const Record& r : records) {
        ++report.records;
        const std::string id = r.id();
        auto h = histories.find(id);
        const std::string hash = ledger::to_hex(
            ledger::sha256(canonical_record(r, h == histories.end() ? kNoHistory : h->second)));
        auto entry = last.find(id);
        if (entry == last.end()) {
          report.findings.push_back(
              {id, "unexpected", "no ledger entry records it (written behind Athar's back)"});
          continue;
        }
        if (entry->second.sha256 != hash) {
          report.findings.push_back(
              {id, "altered",
               "differs from its last ledger entry (" + std::to_string(entry->second.index) + ")"});
        }
        last.erase(entry);
      }
      if (records.size() < page.limit) break;
      page.offset += page.limit;
    }
  }
  // Entries left are about records no longer there. Evidence objects are checked by the vault.
  std::vector<std::pair<uint64_t, std::string>> gone;
  for (const auto& [id, entry] : last) {
    if (parse_record_id(id)) gone.emplace_back(entry.index, id);
  }
  std::sort(gone.begin(), gone.end());
  for (const auto& [index, id] : gone) {
    report.findings.push_back(
        {id, "missing", "deleted; its last ledger entry is " + std::to_string(index)});
  }
}

void check_objects(Registry& registry, const vault::ObjectStore& objects, VerifyReport& report) {
  const vault::ObjectCheck check = objects.check();
  report.objects = check.intact.size() + check.altered.size();
  report.leftover_files = check.stray.size();
  std::unordered_map<std::string, bool> referenced;  // hex -> intact
  for (const ledger::Hash& h : check.intact) referenced[ledger::to_hex(h)] = false;
  for (const std::string& name : check.altered) {
    report.findings.push_back(
        {"object " + name, "altered", "its bytes no longer hash to its name"});
  }
  ListQuery page;
  page.limit = 20000;
  while (true) {
    const auto records = registry.list(kind_spec(Kind::kEvidence), page);
    for (const Record& e : records) {
      const std::string& hex = e.get("sha256");
      auto it = referenced.find(hex);
      if (it != referenced.end()) {
        it->second = true;
      } else if (std::find(check.altered.begin(), check.altered.end(), hex) ==
                 check.altered.end()) {
        report.findings.push_back(
            {"object " + hex, "missing", "the file of " + e.id() + " is gone"});
      }
    }
    if (records.size() < page.limit) break;
    page.offset += page.limit;
  }
  for (const auto& [hex, used] : referenced) report.unreferenced_objects += used ? 0 : 1;
}

}  // namespace

VerifyReport verify_registry(Registry& registry, const ledger::VerifierKey& key,
                             const vault::ObjectStore* objects) {
  VerifyReport report;
  ledger::MemoryTree tree;
  std::unordered_map<std::string, LastEntry> last;
  store::Database& db = registry.database();
  check_entries(db, tree, last, report);
  check_nodes(db, tree, report);
  check_checkpoints(db, tree, key, report);
  check_records(registry, last, report);
  if (objects) check_objects(registry, *objects, report);
  return report;
}

}  // namespace athar::registry
