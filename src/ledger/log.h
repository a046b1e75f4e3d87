// The ledger: an append-only Merkle log of canonical JSON entries, stored through athar::store.
//
// Appends join the caller's transaction, so a registry write and its entry commit together or
// not at all. Proofs read O(log n) stored subtree hashes, never the whole log.
//
//   Ledger ledger(db);
//   store::Transaction tx(db);
//   uint64_t index = ledger.append(entry_json, "site-0003");
//   tx.commit();                       // on rollback instead: ledger.reload()
//   auto proof = ledger.inclusion_proof(index, ledger.size());
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/merkle.h"
#include "store/database.h"

namespace athar::ledger {

// How an append relates to the earlier entries about its subject (docs/ledger-format.md).
enum class Chain {
  kContinue,      // ledger_heads keeps the subject's newest entry: this one, from now
  kKeptByCaller,  // the caller keeps the subject's newest entry itself (a record, in its row)
};

// Subtrees below this level are not stored; they are rebuilt from at most 2^level leaf hashes.
inline constexpr unsigned kLowestStoredLevel = 4;

class Ledger : public NodeSource {
 public:
  explicit Ledger(store::Database& db);

  uint64_t size() const { return range_.size(); }
  // Appends `entry` (its subject: the record or evidence id it concerns); returns its index.
  // The subject's head (its newest entry) moves to it in the same transaction.
  uint64_t append(std::string_view entry, std::string_view subject, Chain chain = Chain::kContinue);
  // The same, with the entry's leaf hash computed by the caller (on another thread), for bulk
  // writers: the rows go through store::Database::bulk_insert (COPY on PostgreSQL).
  uint64_t append_prepared(std::string_view entry, const Hash& leaf, std::string_view subject,
                           Chain chain = Chain::kContinue);
  // The index of the newest entry about `subject`, if any (one look-up in ledger_heads; not for
  // subjects whose head the caller keeps).
  std::optional<uint64_t> head(std::string_view subject) const;
  // Index where record chains began: entries before it were written without a `prev` link.
  uint64_t chains_from() const;
  Hash root() const { return range_.root(); }
  Hash root_at(uint64_t tree_size) const;

  std::string entry(uint64_t index) const;  // NotFound past the end
  Hash stored_leaf_hash(uint64_t index) const;
  // Indexes of the entries about `subject`, oldest first.
  std::vector<uint64_t> entries_about(std::string_view subject) const;
  // The same for several subjects, in one pass over the log.
  std::map<std::string, std::vector<uint64_t>> entries_about(
      const std::set<std::string>& subjects) const;

  std::vector<Hash> inclusion_proof(uint64_t index, uint64_t tree_size) const;
  std::vector<Hash> consistency_proof(uint64_t size1, uint64_t size2) const;

  // Re-reads the log's right edge from the store: after a rolled-back transaction, and at the
  // start of every write transaction, since other processes may have appended since.
  void reload();

  Hash perfect_subtree(unsigned level, uint64_t index) const override;

 private:
  uint64_t append_leaf(std::string_view entry, const Hash& leaf, std::string_view subject,
                       Chain chain, bool bulk);

  store::Database& db_;
  CompactRange range_;
  std::vector<CompactRange::Node> completed_;  // reused by append
};

// The ledger's origin line (`athar/<random>`), set once at init.
std::string origin(store::Database& db);
void set_origin(store::Database& db, std::string_view origin);

}  // namespace athar::ledger

#include "ledger/checkpoint.h"

namespace athar::ledger {

struct StoredCheckpoint {
  int64_t num = 0;
  uint64_t size = 0;
  Hash root{};
  std::string note;  // the signed note as published
  std::string created_at;
};

// Signs the ledger's current size and root with `key` and keeps the note; joins the caller's
// transaction. The origin is the database's.
StoredCheckpoint publish_checkpoint(store::Database& db, const Ledger& ledger,
                                    const SigningKey& key);
// The same with body extension lines (the registry's state map, ledger/state.h), cosigned by
// witnesses (ledger/witness.h) before it is kept: each folder in `witnesses` is asked in turn
// with the consistency proof from the size it last cosigned. Unless at least `quorum` cosign,
// nothing is kept and Corruption names every refusal; `refusals` receives those of witnesses
// that refused while the quorum was still met.
StoredCheckpoint publish_checkpoint(store::Database& db, const Ledger& ledger,
                                    const SigningKey& key,
                                    const std::vector<std::string>& extensions,
                                    const std::vector<std::filesystem::path>& witnesses,
                                    size_t quorum, std::vector<std::string>* refusals = nullptr);
// Every kept checkpoint, oldest first, as stored (signatures not checked here).
std::vector<StoredCheckpoint> stored_checkpoints(store::Database& db);

}  // namespace athar::ledger
