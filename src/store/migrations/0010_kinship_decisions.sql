-- Analysts' decisions on kinship candidates: a remains sample against a family's missing member,
-- confirmed or rejected, with the reason and the likelihood ratio shown when deciding
-- (log10, as text: what the reviewer saw). Each decision is a ledger entry
-- ("kinship.decision"); a later decision on the same candidate replaces the row, and its own
-- entry keeps the history. The identification workflow builds on these rows.
CREATE TABLE kinship_decisions (
  remains TEXT NOT NULL,
  family TEXT NOT NULL,
  member TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
  log10_lr TEXT NOT NULL,
  reason TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  PRIMARY KEY (remains, family, member)
);
