-- Victim-count estimates kept beside the claims (docs/estimate.md): for a site, a governorate or
-- the whole registry, what the lists document, the estimate and its interval, with the method,
-- the capture histories it came from and the settings, so that anyone can recompute it. Each row
-- has a ledger entry holding the SHA-256 of its canonical form.
CREATE TABLE estimates (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  subject TEXT NOT NULL,
  method TEXT NOT NULL,
  documented INTEGER NOT NULL,
  estimate REAL NOT NULL,
  low REAL NOT NULL,
  high REAL NOT NULL,
  lists TEXT NOT NULL,
  histories TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX estimates_subject ON estimates(subject);
