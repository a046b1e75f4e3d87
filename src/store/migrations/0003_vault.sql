-- Evidence: one record per stored object (its SHA-256 names the file under objects/), and
-- custody events (collected, transfer, copy to court, analysis, seal).
CREATE TABLE evidence (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  sha256 TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  media_type TEXT,
  captured_at TEXT,
  gps_latitude REAL,
  gps_longitude REAL,
  device TEXT,
  metadata TEXT,
  description TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);

CREATE TABLE custody (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  evidence INTEGER NOT NULL REFERENCES evidence(num),
  action TEXT NOT NULL,
  by_whom TEXT NOT NULL,
  at TEXT NOT NULL,
  place TEXT,
  to_whom TEXT,
  source INTEGER REFERENCES sources(num),
  site INTEGER REFERENCES sites(num),
  original_name TEXT,
  note TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);
CREATE INDEX custody_evidence ON custody(evidence);
