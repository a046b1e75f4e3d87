-- Screening runs over the registry's profiles, kept so that a result can be reproduced years
-- later (docs/identification.md): the settings as canonical JSON (threshold, prior, mutation
-- model and rates, θ, partner), the frequency table's and the rates' SHA-256, Athar's version,
-- the sizes, and every candidate at the threshold as canonical JSON. Each run is a ledger entry
-- ("kinship.run") whose hash covers the row.
CREATE TABLE kinship_runs (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  started_by TEXT NOT NULL,
  settings TEXT NOT NULL,
  frequencies_sha256 TEXT NOT NULL,
  athar_version TEXT NOT NULL,
  remains INTEGER NOT NULL,
  missing_persons INTEGER NOT NULL,
  candidates TEXT NOT NULL
);
-- The kept run a decision was made from, when it names one.
ALTER TABLE kinship_decisions ADD COLUMN run TEXT;
