-- DNA kinship data kept in the registry (docs/kinship.md): STR profiles of family references and
-- of remains, and family pedigrees. Genotypes and pedigrees are stored in their canonical text,
-- whose SHA-256 each record's ledger entry holds.
CREATE TABLE kinship_profiles (
  sample TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('reference', 'remains')),
  sex TEXT,
  dropout REAL NOT NULL DEFAULT 0,
  genotypes TEXT NOT NULL,
  added_at TEXT NOT NULL,
  added_by TEXT NOT NULL
);

CREATE TABLE kinship_families (
  id TEXT PRIMARY KEY,
  pedigree TEXT NOT NULL,
  added_at TEXT NOT NULL,
  added_by TEXT NOT NULL
);
