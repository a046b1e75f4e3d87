-- Record chains (docs/ledger-format.md): each entry about a subject names the subject's previous
-- entry, and ledger_heads keeps each subject's newest entry so that a write finds it in one
-- look-up. Derived from the log, written in the same transaction as each append; `athar verify`
-- recomputes it. Entries before `record_chains_from` were written before chains began.
CREATE TABLE ledger_heads (
  subject TEXT PRIMARY KEY,
  idx INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO ledger_heads(subject, idx)
  SELECT subject, MAX(idx) FROM ledger_entries WHERE subject IS NOT NULL GROUP BY subject;
INSERT INTO settings(key, value)
  SELECT 'record_chains_from', CAST(COALESCE(MAX(idx) + 1, 0) AS TEXT) FROM ledger_entries;
