-- Remains recovered from sites and DNA samples (remains, relatives' references, personal items):
-- the records of the identification workflow (docs/identification.md). Columns as the data
-- dictionary (registry/kinds.cpp) lists them; donor_name and donor_contact hold sealed values.
CREATE TABLE remains (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  site INTEGER NOT NULL REFERENCES sites(num),
  label TEXT NOT NULL,
  position TEXT,
  latitude REAL,
  longitude REAL,
  recovered_on TEXT NOT NULL,
  recovered_by TEXT,
  condition TEXT,
  commingled TEXT,
  estimated_sex TEXT,
  age_min INTEGER,
  age_max INTEGER,
  body INTEGER REFERENCES remains(num),
  person INTEGER REFERENCES persons(num),
  status TEXT NOT NULL,
  description TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT,
  ledger_head INTEGER,
  retraction TEXT,
  original TEXT
);
CREATE INDEX remains_site ON remains(site);
CREATE INDEX remains_person ON remains(person);

CREATE TABLE samples (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  sample_number TEXT NOT NULL,
  lab TEXT,
  taken_on TEXT,
  taken_by TEXT,
  material TEXT,
  remains INTEGER REFERENCES remains(num),
  missing_person INTEGER REFERENCES persons(num),
  relation TEXT,
  donor_sex TEXT,
  donor_name TEXT,
  donor_contact TEXT,
  consent TEXT,
  consent_partners TEXT,
  consent_on TEXT,
  profile TEXT,
  note TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT,
  ledger_head INTEGER,
  retraction TEXT,
  original TEXT
);
CREATE INDEX samples_remains ON samples(remains);
CREATE INDEX samples_missing_person ON samples(missing_person);
