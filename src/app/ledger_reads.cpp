#include "app/ledger_reads.h"

#include <algorithm>
#include <climits>
#include <ctime>

#include "core/error.h"
#include "ledger/checkpoint.h"

namespace athar::app {

namespace {
core::OrderedJson hashes_json(const std::vector<ledger::Hash>& hashes) {
  core::OrderedJson out = core::OrderedJson::array();
  for (const auto& h : hashes) out.push_back(ledger::to_base64(h));
  return out;
}

uint64_t size_or_whole(std::optional<uint64_t> given, uint64_t log_size) {
  if (given && *given == 0) {
    throw core::InputError("ledger", "size", "0", "a proof needs a tree of 1 or more");
  }
  if (given && *given > log_size) {
    throw core::NotFound("the log has " + std::to_string(log_size) + " entries, not " +
                         std::to_string(*given));
  }
  return given.value_or(log_size);
}
}  // namespace

core::OrderedJson LedgerEntry::to_json() const {
  core::OrderedJson j = {
      {"index", index}, {"entry", core::OrderedJson::parse(text)}, {"text", text}};
  if (version) j["version"] = *version;
  return j;
}

LedgerEntry ledger_entry(Session& session, uint64_t index) {
  session.require(Permission::kReadLedger, "read the ledger");
  registry::Registry& registry = session.registry();
  return {index, registry.ledger().entry(index), registry.vouched_version(index)};
}

core::OrderedJson LedgerPage::to_json() const {
  core::OrderedJson out = core::OrderedJson::array();
  for (const LedgerEntry& e : entries) out.push_back(e.to_json());
  return {{"size", size}, {"entries", std::move(out)}};
}

LedgerPage recent_entries(Session& session, std::optional<uint64_t> before, size_t limit) {
  session.require(Permission::kReadLedger, "read the ledger");
  auto& ledger = session.registry().ledger();
  ledger.reload();
  LedgerPage page;
  page.size = ledger.size();
  uint64_t end = std::min(before.value_or(page.size), page.size);
  for (; end > 0 && page.entries.size() < limit; --end) {
    page.entries.push_back({end - 1, ledger.entry(end - 1), std::nullopt});
  }
  return page;
}

std::string verifier_key(const Instance& instance) {
  return ledger::verifier_key_text(ledger::load_verifier_key(instance.keys_dir()));
}

core::OrderedJson InclusionProof::to_json() const {
  return {{"leafIdx", index},
          {"treeSize", tree_size},
          {"leafHash", ledger::to_base64(leaf_hash)},
          {"root", ledger::to_base64(root)},
          {"proof", hashes_json(proof)}};
}

InclusionProof inclusion_proof(Session& session, uint64_t index,
                               std::optional<uint64_t> tree_size) {
  session.require(Permission::kReadLedger, "read ledger proofs");
  auto& ledger = session.registry().ledger();
  ledger.reload();
  InclusionProof out;
  out.tree_size = size_or_whole(tree_size, ledger.size());
  if (index >= out.tree_size) {
    throw core::NotFound("no ledger entry " + std::to_string(index) + " in a tree of " +
                         std::to_string(out.tree_size) + " entries");
  }
  out.index = index;
  out.leaf_hash = ledger.stored_leaf_hash(index);
  out.root = ledger.root_at(out.tree_size);
  out.proof = ledger.inclusion_proof(index, out.tree_size);
  return out;
}

core::OrderedJson ConsistencyProof::to_json() const {
  return {{"size1", size1},
          {"size2", size2},
          {"root1", ledger::to_base64(root1)},
          {"root2", ledger::to_base64(root2)},
          {"proof", hashes_json(proof)}};
}

ConsistencyProof consistency_proof(Session& session, uint64_t from,
                                   std::optional<uint64_t> tree_size) {
  session.require(Permission::kReadLedger, "read ledger proofs");
  auto& ledger = session.registry().ledger();
  ledger.reload();
  ConsistencyProof out;
  out.size2 = size_or_whole(tree_size, ledger.size());
  if (from == 0 || from > out.size2) {
    throw core::InputError("ledger consistency", "from", std::to_string(from),
                           "must be between 1 and the newer size " + std::to_string(out.size2));
  }
  out.size1 = from;
  out.root1 = ledger.root_at(from);
  out.root2 = ledger.root_at(out.size2);
  out.proof = ledger.consistency_proof(from, out.size2);
  return out;
}

core::OrderedJson Checkpoints::to_json() const {
  core::OrderedJson out = core::OrderedJson::array();
  for (const auto& c : kept) {
    out.push_back({{"num", c.num},
                   {"size", c.size},
                   {"root", ledger::to_base64(c.root)},
                   {"created_at", c.created_at},
                   {"note", c.note}});
  }
  return out;
}

Checkpoints checkpoints(Session& session) {
  session.require(Permission::kReadAggregates, "read checkpoints");
  return {ledger::stored_checkpoints(session.database())};
}

core::OrderedJson SignedCheckpoint::to_json() const {
  return {{"num", checkpoint.num},
          {"size", checkpoint.size},
          {"root", ledger::to_base64(checkpoint.root)},
          {"note", checkpoint.note},
          {"new", new_one},
          {"refusals", refusals}};
}

namespace {
// Seconds since a stored UTC timestamp (YYYY-MM-DDTHH:MM:SSZ); a large number when unreadable.
int64_t seconds_since(const std::string& timestamp) {
  std::tm tm{};
  if (!strptime(timestamp.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return INT64_MAX;
  return static_cast<int64_t>(std::time(nullptr) - timegm(&tm));
}
}  // namespace

SignedCheckpoint sign_checkpoint(Session& session, const CheckpointOptions& options) {
  session.require(Permission::kWriteRecords, "sign checkpoints");
  const size_t quorum = options.quorum ? options.quorum : options.witnesses.size();
  if (quorum > options.witnesses.size()) {
    throw core::InputError(
        "checkpoint", "quorum", std::to_string(quorum),
        "is more than the " + std::to_string(options.witnesses.size()) + " witnesses given");
  }
  const auto key = ledger::load_signing_key(session.instance().keys_dir());
  registry::Registry& reg = session.registry();
  store::Transaction tx(reg.database());
  reg.ledger().reload();  // the writer lock is held: the log as it is now
  SignedCheckpoint out;
  if (options.if_older_than_seconds > 0) {
    const auto kept = ledger::stored_checkpoints(reg.database());
    if (!kept.empty() && seconds_since(kept.back().created_at) < options.if_older_than_seconds) {
      out.checkpoint = kept.back();
      out.new_one = false;
      return out;
    }
  }
  out.checkpoint = reg.checkpoint(key, options.witnesses, quorum, &out.refusals);
  tx.commit();
  return out;
}

}  // namespace athar::app
