-- The tamper-evident ledger (docs/ledger-format.md): an append-only RFC 9162 Merkle log.

-- Installation settings: the ledger's origin line, fixed at `athar init`.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- One row per leaf, index from 0. `entry` is the canonical JSON that was hashed; `leaf_hash`
-- and `subject` are derived from it (kept for proofs and look-ups; `athar verify` rechecks them).
CREATE TABLE ledger_entries (
  idx INTEGER PRIMARY KEY,
  entry TEXT NOT NULL,
  leaf_hash BLOB NOT NULL,
  subject TEXT
);

-- Hashes of perfect subtrees of 2^level leaves starting at leaf idx << level, for levels at
-- and above the stored level (lower ones are recomputed from leaf hashes).
CREATE TABLE ledger_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed checkpoints (C2SP signed note), kept so that any two can be proved consistent.
CREATE TABLE ledger_checkpoints (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  size INTEGER NOT NULL,
  root BLOB NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL
);
