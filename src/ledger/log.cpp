#include "ledger/log.h"

#include <algorithm>
#include <charconv>

#include "core/date.h"
#include "core/error.h"
#include "ledger/witness.h"

namespace athar::ledger {

namespace {

Hash blob_hash(const store::Statement& row, int column, std::string_view what) {
  const std::span<const uint8_t> blob = row.blob(column);
  if (blob.size() != 32) throw core::Corruption(std::string(what) + " is not a 32-byte hash");
  Hash h;
  std::copy(blob.begin(), blob.end(), h.begin());
  return h;
}

}  // namespace

Ledger::Ledger(store::Database& db) : db_(db) { reload(); }

void Ledger::reload() {
  store::Statement& count = db_.cached("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entries");
  count.step();
  const auto n = static_cast<uint64_t>(count.int64(0));
  count.reset();
  range_ = CompactRange::of(*this, n);
}

uint64_t Ledger::append(std::string_view entry, std::string_view subject, Chain chain) {
  return append_leaf(entry, leaf_hash(entry), subject, chain, false);
}

uint64_t Ledger::append_prepared(std::string_view entry, const Hash& leaf, std::string_view subject,
                                 Chain chain) {
  return append_leaf(entry, leaf, subject, chain, true);
}

std::optional<uint64_t> Ledger::head(std::string_view subject) const {
  store::Statement& get = db_.cached("SELECT idx FROM ledger_heads WHERE subject = ?");
  get.bind(1, subject);
  std::optional<uint64_t> out;
  if (get.step()) out = static_cast<uint64_t>(get.int64(0));
  get.reset();
  return out;
}

uint64_t Ledger::chains_from() const {
  store::Statement& get = db_.cached("SELECT value FROM settings WHERE key = 'record_chains_from'");
  uint64_t out = 0;
  bool well_formed = true;
  std::string text;
  if (get.step()) {
    text = get.string(0);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    well_formed = ec == std::errc() && end == text.data() + text.size() && !text.empty();
  }
  get.reset();
  if (!well_formed) {
    throw core::Corruption("the setting record_chains_from is not an entry index: '" + text + "'");
  }
  return out;
}

uint64_t Ledger::append_leaf(std::string_view entry, const Hash& leaf, std::string_view subject,
                             Chain chain, bool bulk) {
  const uint64_t index = range_.size();
  if (!subject.empty() && chain == Chain::kContinue) {
    store::Statement& put = db_.cached(
        "INSERT INTO ledger_heads(subject, idx) VALUES(?,?) "
        "ON CONFLICT(subject) DO UPDATE SET idx = excluded.idx");
    put.bind(1, subject);
    put.bind(2, static_cast<int64_t>(index));
    put.run();
  }
  static constexpr std::string_view kInsertEntry =
      "INSERT INTO ledger_entries(idx, entry, leaf_hash, subject) VALUES(?,?,?,?)";
  store::Statement& insert = bulk ? db_.bulk_insert(kInsertEntry) : db_.cached(kInsertEntry);
  insert.bind(1, static_cast<int64_t>(index));
  insert.bind_borrowed(2, entry);
  insert.bind_blob(3, leaf);
  insert.bind_text_or_null(4, subject);
  insert.run();
  completed_.clear();
  range_.append(leaf, completed_);
  for (const CompactRange::Node& node : completed_) {
    if (node.level < kLowestStoredLevel) continue;
    static constexpr std::string_view kInsertNode =
        "INSERT INTO ledger_nodes(level, idx, hash) VALUES(?,?,?)";
    store::Statement& put = bulk ? db_.bulk_insert(kInsertNode) : db_.cached(kInsertNode);
    put.bind(1, static_cast<int64_t>(node.level));
    put.bind(2, static_cast<int64_t>(node.index));
    put.bind_blob(3, node.hash);
    put.run();
  }
  return index;
}

Hash Ledger::perfect_subtree(unsigned level, uint64_t index) const {
  if (level >= kLowestStoredLevel) {
    store::Statement& get = db_.cached("SELECT hash FROM ledger_nodes WHERE level = ? AND idx = ?");
    get.bind(1, static_cast<int64_t>(level));
    get.bind(2, static_cast<int64_t>(index));
    if (!get.step()) {
      get.reset();
      throw core::Corruption("ledger node (level " + std::to_string(level) + ", index " +
                             std::to_string(index) + ") is missing");
    }
    const Hash h = blob_hash(get, 0, "ledger node");
    get.reset();
    return h;
  }
  // Rebuild a low subtree from its leaves.
  const uint64_t first = index << level, count = uint64_t{1} << level;
  store::Statement& leaves = db_.cached(
      "SELECT idx, leaf_hash FROM ledger_entries WHERE idx >= ? AND idx < ? ORDER BY idx");
  leaves.bind(1, static_cast<int64_t>(first));
  leaves.bind(2, static_cast<int64_t>(first + count));
  Hash level_hashes[1u << kLowestStoredLevel];
  uint64_t found = 0;
  while (leaves.step()) {
    if (static_cast<uint64_t>(leaves.int64(0)) != first + found) break;
    level_hashes[found++] = blob_hash(leaves, 1, "ledger leaf hash");
  }
  leaves.reset();
  if (found != count) {
    throw core::Corruption("ledger entry " + std::to_string(first + found) + " is missing");
  }
  for (uint64_t width = count; width > 1; width /= 2) {
    for (uint64_t i = 0; i < width / 2; ++i) {
      level_hashes[i] = node_hash(level_hashes[2 * i], level_hashes[2 * i + 1]);
    }
  }
  return level_hashes[0];
}

Hash Ledger::root_at(uint64_t tree_size) const {
  if (tree_size > size()) throw core::NotFound("the ledger has fewer entries than that size");
  return tree_size == size() ? root() : root_hash(*this, tree_size);
}

std::string Ledger::entry(uint64_t index) const {
  store::Statement& get = db_.cached("SELECT entry FROM ledger_entries WHERE idx = ?");
  get.bind(1, static_cast<int64_t>(index));
  if (!get.step()) {
    get.reset();
    throw core::NotFound("no ledger entry " + std::to_string(index));
  }
  std::string out = get.string(0);
  get.reset();
  return out;
}

Hash Ledger::stored_leaf_hash(uint64_t index) const { return perfect_subtree(0, index); }

std::vector<uint64_t> Ledger::entries_about(std::string_view subject) const {
  auto found = entries_about(std::set<std::string>{std::string(subject)});
  return found.empty() ? std::vector<uint64_t>{} : std::move(found.begin()->second);
}

std::map<std::string, std::vector<uint64_t>> Ledger::entries_about(
    const std::set<std::string>& subjects) const {
  // The subject column is not indexed (an index costs every append); a scan reads it alone.
  std::map<std::string, std::vector<uint64_t>> out;
  auto rows = db_.prepare("SELECT idx, subject FROM ledger_entries ORDER BY idx");
  while (rows->step()) {
    const std::string subject(rows->text(1));
    if (subjects.count(subject)) out[subject].push_back(static_cast<uint64_t>(rows->int64(0)));
  }
  return out;
}

std::vector<Hash> Ledger::inclusion_proof(uint64_t index, uint64_t tree_size) const {
  if (tree_size > size() || index >= tree_size) {
    throw core::NotFound("no entry " + std::to_string(index) + " in a ledger of size " +
                         std::to_string(tree_size));
  }
  return ledger::inclusion_proof(*this, index, tree_size);
}

std::vector<Hash> Ledger::consistency_proof(uint64_t size1, uint64_t size2) const {
  if (size1 == 0 || size1 > size2 || size2 > size()) {
    throw core::NotFound("no consistency proof from size " + std::to_string(size1) + " to " +
                         std::to_string(size2));
  }
  return ledger::consistency_proof(*this, size1, size2);
}

std::string origin(store::Database& db) {
  store::Statement& get = db.cached("SELECT value FROM settings WHERE key = 'ledger_origin'");
  std::string out;
  if (get.step()) out = get.string(0);
  get.reset();
  if (out.empty())
    throw core::NotFound("the ledger has no origin (was the database made by `athar init`?)");
  return out;
}

void set_origin(store::Database& db, std::string_view value) {
  store::Statement& put = db.cached("INSERT INTO settings(key, value) VALUES('ledger_origin', ?)");
  put.bind(1, value);
  put.run();
}

}  // namespace athar::ledger

namespace athar::ledger {

StoredCheckpoint publish_checkpoint(store::Database& db, const Ledger& ledger,
                                    const SigningKey& key) {
  return publish_checkpoint(db, ledger, key, {}, {}, 0);
}

StoredCheckpoint publish_checkpoint(store::Database& db, const Ledger& ledger,
                                    const SigningKey& key,
                                    const std::vector<std::string>& extensions,
                                    const std::vector<std::filesystem::path>& witnesses,
                                    size_t quorum, std::vector<std::string>* refusals) {
  StoredCheckpoint c;
  c.size = ledger.size();
  c.root = ledger.root();
  const Checkpoint signed_fields{origin(db), c.size, c.root, extensions};
  c.note = sign_checkpoint(signed_fields, key);
  std::string cosignatures;
  std::vector<std::string> refused;
  size_t cosigned = 0;
  for (const auto& dir : witnesses) {
    try {
      Witness witness(dir);
      const auto last = witness.latest(signed_fields.origin);
      std::vector<Hash> proof;
      if (last && last->size > 0 && last->size < c.size) {
        proof = ledger.consistency_proof(last->size, c.size);
      }
      cosignatures += witness.cosign(c.note, proof);
      ++cosigned;
    } catch (const core::Error& e) {
      refused.push_back(dir.string() + ": " + e.what());
    }
  }
  if (cosigned < quorum) {
    std::string message = "only " + std::to_string(cosigned) + " of " +
                          std::to_string(witnesses.size()) + " witnesses cosigned, " +
                          std::to_string(quorum) + " needed; nothing was kept";
    for (const auto& r : refused) message += "\n  " + r;
    throw core::Corruption(message);
  }
  if (refusals) *refusals = std::move(refused);
  c.note += cosignatures;
  c.created_at = core::utc_timestamp_now();
  store::Statement& put =
      db.cached("INSERT INTO ledger_checkpoints(size, root, note, created_at) VALUES(?,?,?,?)");
  put.bind(1, static_cast<int64_t>(c.size));
  put.bind_blob(2, c.root);
  put.bind(3, std::string_view(c.note));
  put.bind(4, std::string_view(c.created_at));
  put.run();
  c.num = db.last_insert_id();
  return c;
}

std::vector<StoredCheckpoint> stored_checkpoints(store::Database& db) {
  auto rows =
      db.prepare("SELECT num, size, root, note, created_at FROM ledger_checkpoints ORDER BY num");
  std::vector<StoredCheckpoint> out;
  while (rows->step()) {
    StoredCheckpoint c;
    c.num = rows->int64(0);
    c.size = static_cast<uint64_t>(rows->int64(1));
    const auto root = rows->blob(2);
    if (root.size() == c.root.size()) std::copy(root.begin(), root.end(), c.root.begin());
    c.note = rows->string(3);
    c.created_at = rows->string(4);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace athar::ledger
