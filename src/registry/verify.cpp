#include "registry/verify.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <future>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/error.h"
#include "core/json.h"
#include "core/parallel.h"
#include "ledger/merkle.h"
#include "ledger/state.h"
#include "store/dialect.h"

namespace athar::registry {

namespace {

constexpr uint64_t kNone = ~uint64_t{0};

struct LastEntry {
  uint64_t index;
  std::string sha256;
  uint64_t added = kNone;  // the subject's registry.add entry
};

// What verify reads of an entry. Entries are flat canonical JSON objects of strings.
struct EntryFields {
  std::string op, prev, record, sha256;
  bool has_prev = false;
};

// Reads a flat object of string values without building a JSON document (verify reads a
// million entries); false for anything else, which then goes through the full parser.
bool parse_flat_entry(std::string_view text, EntryFields& out) {
  out.has_prev = false;
  out.op.clear();
  out.prev.clear();
  out.record.clear();
  out.sha256.clear();
  size_t i = 0;
  const auto string = [&](std::string* into) -> bool {
    if (i >= text.size() || text[i] != '"') return false;
    ++i;
    while (i < text.size() && text[i] != '"') {
      char c = text[i++];
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        if (i >= text.size()) return false;
        switch (text[i++]) {
          case '"':
            c = '"';
            break;
          case '\\':
            c = '\\';
            break;
          case '/':
            c = '/';
            break;
          case 'b':
            c = '\b';
            break;
          case 'f':
            c = '\f';
            break;
          case 'n':
            c = '\n';
            break;
          case 'r':
            c = '\r';
            break;
          case 't':
            c = '\t';
            break;
          default:
            return false;  // \u escapes: the full parser
        }
      }
      if (into) into->push_back(c);
    }
    if (i >= text.size()) return false;
    ++i;
    return true;
  };
  if (text.empty() || text[i++] != '{') return false;
  std::string key;
  while (true) {
    key.clear();
    if (!string(&key) || i >= text.size() || text[i++] != ':') return false;
    std::string* into = key == "op"       ? &out.op
                        : key == "prev"   ? &out.prev
                        : key == "record" ? &out.record
                        : key == "sha256" ? &out.sha256
                                          : nullptr;
    if (key == "prev") out.has_prev = true;
    if (!string(into) || i >= text.size()) return false;
    const char next = text[i++];
    if (next == '}') return i == text.size() && !out.record.empty() && !out.sha256.empty();
    if (next != ',') return false;
  }
}

// The same through the full JSON parser; false when it is not a well-formed entry.
bool parse_entry(std::string_view text, EntryFields& out) {
  if (parse_flat_entry(text, out)) return true;
  const core::Json entry = core::Json::parse(text, nullptr, false);
  if (entry.is_discarded() || !entry.is_object() || !entry.contains("record") ||
      !entry.contains("sha256") || !entry["record"].is_string() || !entry["sha256"].is_string()) {
    return false;
  }
  out.record = entry["record"].get<std::string>();
  out.sha256 = entry["sha256"].get<std::string>();
  out.op = entry.value("op", "");
  out.has_prev = entry.contains("prev");
  out.prev = out.has_prev && entry["prev"].is_string() ? entry["prev"].get<std::string>() : "";
  return true;
}

std::optional<uint64_t> parse_index(const std::string& text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// The per-subject chain (docs/ledger-format.md, "Record chains"): a record is added once, and
// every later entry about it names the one before. A copied, replayed or reused-id entry breaks
// it. Entries before `chains_from` predate chains and carry no link.
void check_chain(uint64_t index, uint64_t chains_from, const EntryFields& entry,
                 const std::string& subject, std::unordered_map<std::string, LastEntry>& last,
                 VerifyReport& report) {
  const auto name = [&] { return "ledger entry " + std::to_string(index); };
  const std::string& op = entry.op;
  std::optional<uint64_t> prev;
  if (entry.has_prev) {
    prev = parse_index(entry.prev);
    if (!prev) {
      report.findings.push_back({name(), "altered", "its previous-entry link is not an index"});
      return;
    }
    if (index < chains_from) {
      report.findings.push_back({"setting record_chains_from", "altered",
                                 "says chains began at entry " + std::to_string(chains_from) +
                                     ", yet entry " + std::to_string(index) + " carries a link"});
    }
  }
  auto it = last.find(subject);
  if (op == "registry.add") {
    if (it != last.end() && it->second.added != kNone) {
      report.findings.push_back({subject, "duplicate",
                                 "ledger entry " + std::to_string(index) +
                                     " adds it again (first added in entry " +
                                     std::to_string(it->second.added) + "): an id was reused"});
    } else if (it != last.end() && index >= chains_from) {
      report.findings.push_back({name(), "unexpected",
                                 "adds " + subject + ", which entry " +
                                     std::to_string(it->second.index) + " was already about"});
    }
    if (prev) report.findings.push_back({name(), "altered", "an add names a previous entry"});
    return;
  }
  if (index < chains_from) return;
  if (it == last.end()) {
    if (prev) {
      report.findings.push_back({name(), "unexpected",
                                 "names entry " + std::to_string(*prev) + " as " + subject +
                                     "'s previous one, but no earlier entry is about " + subject});
    } else if (op == "registry.update") {
      report.findings.push_back(
          {name(), "unexpected", "updates " + subject + ", which no earlier entry adds"});
    }
    return;
  }
  if (!prev) {
    report.findings.push_back({name(), "unexpected",
                               "does not name " + subject + "'s previous entry (" +
                                   std::to_string(it->second.index) + ")"});
  } else if (*prev != it->second.index) {
    report.findings.push_back({name(), "duplicate",
                               "continues " + subject + " from entry " + std::to_string(*prev) +
                                   ", but its newest entry then was " +
                                   std::to_string(it->second.index) +
                                   ": a copied or replayed entry"});
  }
}

// Reads every entry in order, recomputing leaves into `tree` and noting each record's last
// entry. Gaps and entries whose stored leaf hash disagrees with their text are findings.
using Heads = std::vector<std::pair<std::string, uint64_t>>;

// Each subject's newest entry as it stood after the first `size` entries (copied: the caller
// goes on changing `last`).
Heads heads_of(const std::unordered_map<std::string, LastEntry>& last) {
  Heads heads;
  heads.reserve(last.size());
  for (const auto& [subject, entry] : last) heads.emplace_back(subject, entry.index);
  return heads;
}

// The state map of those heads: sorted and hashed (on another core, beside the record checks).
ledger::StateTree state_of(Heads heads) { return ledger::build_state(std::move(heads)); }

// `state_at`: the size of the checkpoint whose state map is to be recomputed (see below).
void check_entries(store::Database& db, const ledger::Ledger& ledger, ledger::MemoryTree& tree,
                   std::unordered_map<std::string, LastEntry>& last, VerifyReport& report,
                   uint64_t state_at, std::optional<Heads>& state, const core::Progress& progress) {
  const uint64_t log_size = ledger.size();  // for progress only: the rows are what is checked
  uint64_t chains_from = 0;
  try {
    chains_from = ledger.chains_from();
  } catch (const core::Corruption& e) {
    report.findings.push_back({"setting record_chains_from", "altered", e.what()});
  }
  auto rows = db.prepare("SELECT idx, entry, leaf_hash, subject FROM ledger_entries ORDER BY idx");
  uint64_t expected = 0;
  EntryFields entry;  // reused: its strings keep their buffers
  while (rows->step()) {
    const auto index = static_cast<uint64_t>(rows->int64(0));
    if (index == state_at) state = heads_of(last);
    if (index != expected) {
      report.findings.push_back({"ledger entries " + std::to_string(expected) +
                                     (index - 1 > expected ? "-" + std::to_string(index - 1) : ""),
                                 "missing", "deleted from the log"});
    }
    expected = index + 1;
    ++report.entries;
    progress.items(report.entries, log_size, "ledger entries");
    const std::string_view text = rows->text(1);
    const ledger::Hash leaf = ledger::leaf_hash(text);
    tree.append(leaf);
    const auto stored = rows->blob(2);
    if (!std::equal(stored.begin(), stored.end(), leaf.begin(), leaf.end())) {
      report.findings.push_back({"ledger entry " + std::to_string(index), "altered",
                                 "its text no longer hashes to its leaf hash"});
    }
    if (!parse_entry(text, entry)) {
      report.findings.push_back({"ledger entry " + std::to_string(index), "altered",
                                 "it is not a well-formed ledger entry"});
      continue;
    }
    const std::string& record = entry.record;
    if (rows->text(3) != record) {
      report.findings.push_back({"ledger entry " + std::to_string(index), "altered",
                                 "its subject column does not match its text"});
    }
    check_chain(index, chains_from, entry, record, last, report);
    LastEntry& newest = last[record];
    if (newest.added == kNone && entry.op == "registry.add") newest.added = index;
    newest.index = index;
    newest.sha256 = entry.sha256;
  }
  if (expected == state_at) state = heads_of(last);
  if (chains_from > expected) {
    report.findings.push_back({"setting record_chains_from", "altered",
                               "says chains began at entry " + std::to_string(chains_from) +
                                   ", past the log's end (" + std::to_string(expected) + ")"});
  }
}

// Heads are derived from the log (ledger_heads for subjects that are not records, each
// record's row for records, checked in check_records); a head that points elsewhere would let an
// update build on the wrong entry.
void check_heads(store::Database& db, const std::unordered_map<std::string, LastEntry>& last,
                 VerifyReport& report) {
  auto rows = db.prepare("SELECT subject, idx FROM ledger_heads");
  size_t matched = 0, non_records = 0;
  for (const auto& [subject, entry] : last) non_records += parse_record_id(subject) ? 0 : 1;
  while (rows->step()) {
    const std::string subject = rows->string(0);
    const auto index = static_cast<uint64_t>(rows->int64(1));
    auto it = last.find(subject);
    if (parse_record_id(subject)) {
      report.findings.push_back({"ledger head " + subject, "unexpected",
                                 "a record's head is kept in its row, not in ledger_heads"});
      continue;
    }
    if (it == last.end()) {
      report.findings.push_back(
          {"ledger head " + subject, "unexpected", "no ledger entry is about " + subject});
      continue;
    }
    ++matched;
    if (it->second.index != index) {
      report.findings.push_back({"ledger head " + subject, "altered",
                                 "points at entry " + std::to_string(index) +
                                     "; the newest entry about it is " +
                                     std::to_string(it->second.index)});
    }
  }
  if (matched == non_records) return;
  std::vector<std::pair<uint64_t, std::string>> headless;
  auto present = db.prepare("SELECT 1 FROM ledger_heads WHERE subject = ?");
  for (const auto& [subject, entry] : last) {
    if (parse_record_id(subject)) continue;
    present->bind(1, std::string_view(subject));
    if (!present->step()) headless.emplace_back(entry.index, subject);
    present->reset();
  }
  std::sort(headless.begin(), headless.end());
  for (const auto& [index, subject] : headless) {
    report.findings.push_back({"ledger head " + subject, "missing",
                               "the newest entry about it is " + std::to_string(index)});
  }
}

void check_nodes(store::Database& db, const ledger::MemoryTree& tree, VerifyReport& report) {
  auto rows = db.prepare("SELECT level, idx, hash FROM ledger_nodes ORDER BY level, idx");
  const auto& levels = tree.levels();
  std::vector<uint64_t> stored_per_level(levels.size(), 0);
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
    } else {
      ++stored_per_level[level];
    }
  }
  // Every complete subtree from the lowest stored level up is written with the entry that
  // completes it; one missing means entries were added without Athar (or nodes deleted).
  for (size_t level = ledger::kLowestStoredLevel; level < levels.size(); ++level) {
    if (stored_per_level[level] < levels[level].size()) {
      report.findings.push_back({"ledger nodes of level " + std::to_string(level), "missing",
                                 std::to_string(levels[level].size() - stored_per_level[level]) +
                                     " of " + std::to_string(levels[level].size()) +
                                     " subtree hashes are not stored"});
    }
  }
}

// One checkpoint against the recomputed log: signature, origin, size, and that the log's first
// `size` entries still hash to its root (what an outside verifier holding it checks).
void check_checkpoint(const std::string& name, const std::string& note, const std::string& origin,
                      const ledger::MemoryTree& tree, const ledger::VerifierKey& key,
                      const std::string& too_short, VerifyReport& report) {
  ledger::Checkpoint c;
  {
    try {
      c = ledger::open_checkpoint(note, key);
    } catch (const core::Corruption& e) {
      report.findings.push_back({name, "bad signature", e.what()});
      return;
    }
    if (c.origin != origin) {
      report.findings.push_back(
          {name, "altered", "signed for origin " + c.origin + ", not " + origin});
    }
    if (c.size > tree.size()) {
      report.findings.push_back({name, too_short,
                                 "it covers " + std::to_string(c.size) + " entries, the log has " +
                                     std::to_string(tree.size())});
      return;
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

void check_checkpoints(store::Database& db, const ledger::MemoryTree& tree,
                       const ledger::VerifierKey& key, VerifyReport& report) {
  std::string origin;
  try {
    origin = ledger::origin(db);
  } catch (const core::NotFound&) {
    report.findings.push_back({"ledger", "altered", "the ledger origin setting is missing"});
  }
  int64_t expected_num = 1;
  for (const ledger::StoredCheckpoint& stored : ledger::stored_checkpoints(db)) {
    ++report.checkpoints;
    if (stored.num != expected_num) {
      report.findings.push_back(
          {"checkpoints " + std::to_string(expected_num) +
               (stored.num - 1 > expected_num ? "-" + std::to_string(stored.num - 1) : ""),
           "missing", "deleted from the data folder"});
    }
    expected_num = stored.num + 1;
    check_checkpoint("checkpoint " + std::to_string(stored.num), stored.note, origin, tree, key,
                     "log truncated", report);
  }
  // AUTOINCREMENT remembers the highest number ever given: checkpoints deleted from the end.
  const int64_t highest = store::highest_key(db, "ledger_checkpoints");
  if (highest >= expected_num) {
    report.findings.push_back({"checkpoints " + std::to_string(expected_num) +
                                   (highest > expected_num ? "-" + std::to_string(highest) : ""),
                               "missing", "deleted from the data folder"});
  }
  if (report.checkpoints == 0 && tree.size() > 0) {
    report.warnings.push_back(
        "no checkpoint: nothing kept outside can vouch for this log; run `athar checkpoint` "
        "(with --witness) and hand the checkpoint to someone outside");
  }
}

void check_held_checkpoints(store::Database& db, const ledger::MemoryTree& tree,
                            const ledger::VerifierKey& key, const std::vector<HeldCheckpoint>& held,
                            VerifyReport& report) {
  std::string origin;
  try {
    origin = ledger::origin(db);
  } catch (const core::NotFound&) {
  }
  for (const HeldCheckpoint& h : held) {
    ++report.held_checkpoints;
    check_checkpoint("checkpoint held in " + h.name, h.note, origin, tree, key, "log rolled back",
                     report);
  }
}

// Sensitive values are stored sealed; with the field key each must decrypt where it stands.
void check_sealed(const Registry& registry, const Record& r, uint64_t& unchecked,
                  VerifyReport& report) {
  for (size_t i = 0; i < r.spec->fields.size(); ++i) {
    const FieldSpec& f = r.spec->fields[i];
    if (!f.sensitive || r.values[i].empty()) continue;
    if (!FieldCipher::is_sealed(r.values[i])) {
      report.findings.push_back(
          {r.id(), "in clear", "its " + std::string(f.name) + " is stored unencrypted"});
    } else if (const FieldCipher* cipher = registry.field_cipher()) {
      try {
        cipher->open(r.spec->plural, f.name, r.values[i]);
      } catch (const core::Corruption& e) {
        report.findings.push_back({r.id(), "altered", e.what()});
      }
    } else {
      ++unchecked;
    }
  }
}

// Names the fields a row changed behind Athar's back and both values, from the version kept
// beside the entry that vouches for it (itself checked against the entry's hash).
std::string what_changed(
    const Registry& registry, const Record& r,
    const std::unordered_map<std::string, std::vector<StatusChange>>& histories, uint64_t index) {
  const std::string base = "differs from its last ledger entry (" + std::to_string(index) + ")";
  const std::optional<std::string> vouched = registry.vouched_version(index);
  if (!vouched) {
    return base +
           "; the copy of that version kept beside the ledger is missing or was altered "
           "too, so the old values cannot be named";
  }
  static const std::vector<StatusChange> kNoHistory;
  auto h = histories.find(r.id());
  const core::Json now =
      core::Json::parse(canonical_record(r, h == histories.end() ? kNoHistory : h->second));
  const core::Json was = core::Json::parse(*vouched);
  std::string detail;
  for (const FieldChange& c : diff_versions(was, now)) {
    detail += detail.empty() ? ": " : "; ";
    detail += "its " + c.field + " is " +
              (c.new_value.empty() ? "empty" : "'" + c.new_value + "'") +
              " where the ledger vouches for " +
              (c.old_value.empty() ? "nothing" : "'" + c.old_value + "'");
  }
  for (const char* stamp : {"created_at", "created_by", "updated_at"}) {
    if (was.value(stamp, "") != now.value(stamp, "")) {
      detail += detail.empty() ? ": " : "; ";
      detail += std::string("its ") + stamp + " is '" + now.value(stamp, "") +
                "' where the ledger vouches for '" + was.value(stamp, "") + "'";
    }
  }
  return base + detail;
}

void check_records(Registry& registry, std::unordered_map<std::string, LastEntry>& last,
                   VerifyReport& report, const core::Progress& progress) {
  uint64_t sealed_unchecked = 0;
  const auto histories = registry.status_histories();
  static const std::vector<StatusChange> kNoHistory;
  for (const KindSpec& kind : kind_specs()) {
    progress(static_cast<double>(&kind - kind_specs().data()) / kind_specs().size(), "records");
    ListQuery page;
    page.limit = 20000;
    page.include_retracted = true;
    std::vector<std::string> hashes;
    while (true) {
      const std::vector<Record> records = registry.list(kind, page);
      // Canonical forms and their hashes on both cores; the comparisons below in order.
      hashes.assign(records.size(), {});
      constexpr size_t kChunk = 1000;
      core::parallel_chunks(core::thread_count(0), (records.size() + kChunk - 1) / kChunk,
                            [&](unsigned, size_t chunk) {
                              const size_t end = std::min(records.size(), (chunk + 1) * kChunk);
                              for (size_t i = chunk * kChunk; i < end; ++i) {
                                auto h = histories.find(records[i].id());
                                hashes[i] = ledger::to_hex(ledger::sha256(canonical_record(
                                    records[i], h == histories.end() ? kNoHistory : h->second)));
                              }
                            });
      for (size_t i = 0; i < records.size(); ++i) {
        const Record& r = records[i];
        const std::string& hash = hashes[i];
        ++report.records;
        const std::string id = r.id();
        check_sealed(registry, r, sealed_unchecked, report);
        auto entry = last.find(id);
        if (entry == last.end()) {
          report.findings.push_back(
              {id, "unexpected", "no ledger entry records it (written behind Athar's back)"});
          continue;
        }
        if (entry->second.sha256 != hash) {
          report.findings.push_back(
              {id, "altered", what_changed(registry, r, histories, entry->second.index)});
        }
        if (r.ledger_head != static_cast<int64_t>(entry->second.index)) {
          report.findings.push_back({"ledger head " + id, r.ledger_head < 0 ? "missing" : "altered",
                                     "its row names entry " + std::to_string(r.ledger_head) +
                                         "; the newest entry about it is " +
                                         std::to_string(entry->second.index)});
        }
        last.erase(entry);
      }
      if (records.size() < page.limit) break;
      page.after_num = records.back().num;
    }
  }
  if (sealed_unchecked) {
    report.warnings.push_back(std::to_string(sealed_unchecked) +
                              " sensitive values were checked against the ledger but not "
                              "decrypted: the field key (keys/fields.key) is not here");
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
  std::set<std::string> not_own;  // hex names of objects the vault does not hold as its own
  for (const auto& [path, why] : check.not_own) {
    const std::filesystem::path p(path);
    const std::string name = p.parent_path().filename().string() + p.filename().string();
    not_own.insert(name);
    report.findings.push_back({"vault file " + path, "not the vault's own", why});
  }
  ListQuery page;
  page.limit = 20000;
  page.include_retracted = true;
  while (true) {
    const auto records = registry.list(kind_spec(Kind::kEvidence), page);
    for (const Record& e : records) {
      const std::string& hex = e.get("sha256");
      auto it = referenced.find(hex);
      if (it != referenced.end()) {
        it->second = true;
      } else if (std::find(check.altered.begin(), check.altered.end(), hex) ==
                     check.altered.end() &&
                 !not_own.count(hex)) {
        report.findings.push_back(
            {"object " + hex, "missing", "the file of " + e.id() + " is gone"});
      }
    }
    if (records.size() < page.limit) break;
    page.after_num = records.back().num;
  }
  for (const auto& [hex, used] : referenced) report.unreferenced_objects += used ? 0 : 1;
}

}  // namespace

VerifyReport verify_registry(Registry& registry, const ledger::VerifierKey& key,
                             const vault::ObjectStore* objects,
                             const std::vector<HeldCheckpoint>& held,
                             const core::Progress& progress) {
  VerifyReport report;
  ledger::MemoryTree tree;
  std::unordered_map<std::string, LastEntry> last;
  store::Database& db = registry.database();
  // One snapshot: writers in other processes neither add nor remove anything mid-check.
  store::ReadTransaction snapshot(db);
  // The newest checkpoint's state map is recomputed from the log as it stood at its size: what
  // bundles prove records' latest versions against.
  const auto kept = ledger::stored_checkpoints(db);
  std::optional<ledger::StateCommitment> signed_state;
  try {
    if (!kept.empty())
      signed_state = ledger::state_commitment(ledger::open_checkpoint(kept.back().note, key));
  } catch (const core::Corruption&) {  // named by check_checkpoints
  }
  std::optional<Heads> heads;
  check_entries(db, registry.ledger(), tree, last, report,
                signed_state ? kept.back().size : ~uint64_t{0}, heads, progress.part(0, 0.6));
  // Sorted and hashed on the second core while this one checks heads, nodes and records.
  std::future<std::optional<ledger::StateTree>> state =
      std::async(std::launch::async, [heads = std::move(heads)]() mutable {
        return heads ? std::optional<ledger::StateTree>(state_of(std::move(*heads))) : std::nullopt;
      });
  check_heads(db, last, report);
  check_nodes(db, tree, report);
  check_checkpoints(db, tree, key, report);
  check_held_checkpoints(db, tree, key, held, report);
  check_records(registry, last, report, progress.part(0.6, 0.85));
  if (objects) {
    progress(0.85, "evidence objects");
    check_objects(registry, *objects, report);
  }
  const std::optional<ledger::StateTree> recomputed = state.get();
  if (signed_state && recomputed &&
      (recomputed->size() != signed_state->count || recomputed->root() != signed_state->root)) {
    report.findings.push_back({"checkpoint " + std::to_string(kept.back().num), "altered",
                               "the state map it signs is not the one the log had at its size"});
  }
  return report;
}

}  // namespace athar::registry
