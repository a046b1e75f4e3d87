-- A population's haplotype database for lineage comparisons (docs/kinship.md), one per line,
-- kept in the store as canonical text so that every comparison, screening and decision weighs
-- the same counts: a ledger entry ("kinship.lineage-database", subject lineage-database:y or
-- lineage-database:mt) whose hash covers the row. A newer database replaces the older one; the
-- ledger keeps the hash of each.
CREATE TABLE kinship_lineage_databases (
  lineage TEXT PRIMARY KEY CHECK (lineage IN ('y', 'mt')),
  name TEXT NOT NULL,
  content TEXT NOT NULL,
  persons INTEGER NOT NULL,
  added_at TEXT NOT NULL,
  added_by TEXT NOT NULL
);
