-- Registry schema, version 1. Every record table has an integer key `num` (AUTOINCREMENT, so
-- never reused) from which the quotable id is formed (site-0003, person-001234), and who/when
-- columns. Column names equal the field names of src/registry/kinds.cpp.

CREATE TABLE sources (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  author TEXT,
  url TEXT,
  published_on TEXT,
  reliability TEXT,
  description TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);

CREATE TABLE sites (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  name_ar TEXT,
  name_lat TEXT,
  latitude REAL NOT NULL,
  longitude REAL NOT NULL,
  polygon TEXT,
  location_note TEXT,
  governorate TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);

CREATE TABLE units (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  name_ar TEXT,
  name_lat TEXT,
  kind TEXT NOT NULL,
  parent INTEGER REFERENCES units(num),
  place TEXT,
  governorate TEXT,
  latitude REAL,
  longitude REAL,
  description TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);

CREATE TABLE persons (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  role TEXT NOT NULL,
  given_name_ar TEXT, father_name_ar TEXT, grandfather_name_ar TEXT, family_name_ar TEXT,
  mother_name_ar TEXT, mother_family_name_ar TEXT,
  given_name_lat TEXT, father_name_lat TEXT, grandfather_name_lat TEXT, family_name_lat TEXT,
  mother_name_lat TEXT, mother_family_name_lat TEXT,
  sex TEXT NOT NULL,
  birth_date TEXT,
  birthplace TEXT,
  governorate TEXT,
  status TEXT,
  disappeared_on TEXT,
  detained_on TEXT,
  died_on TEXT,
  notes TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);

-- A witness is known to the registry by a pseudonym (W-0007). Identity and contact are kept
-- apart from testimonies so that they can be encrypted and access-controlled.
CREATE TABLE witnesses (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  identity TEXT,
  contact TEXT,
  notes TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);

CREATE TABLE testimonies (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  witness INTEGER NOT NULL REFERENCES witnesses(num),
  given_on TEXT NOT NULL,
  place TEXT,
  language TEXT NOT NULL,
  recorded_by TEXT,
  content TEXT,
  recording TEXT,
  summary TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);

CREATE TABLE events (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  started_on TEXT,
  ended_on TEXT,
  place TEXT,
  site INTEGER REFERENCES sites(num),
  unit INTEGER REFERENCES units(num),
  latitude REAL,
  longitude REAL,
  description TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);

CREATE TABLE claims (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  source INTEGER NOT NULL REFERENCES sources(num),
  subject TEXT NOT NULL,
  topic TEXT NOT NULL,
  figure INTEGER,
  figure_kind TEXT,
  claimed_on TEXT,
  statement TEXT,
  quote TEXT,
  verification TEXT NOT NULL,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);
CREATE INDEX claims_subject ON claims(subject);

-- Typed links between records; every link names the source that establishes it.
CREATE TABLE links (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  from_record TEXT NOT NULL,
  type TEXT NOT NULL,
  to_record TEXT NOT NULL,
  source INTEGER NOT NULL REFERENCES sources(num),
  role TEXT,
  note TEXT,
  created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT
);
CREATE INDEX links_from ON links(from_record);
CREATE INDEX links_to ON links(to_record);

-- Status over time: site status, claim verification, person status. The record's own column
-- holds the latest; this table holds every change with who reported it and when.
CREATE TABLE status_changes (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  record TEXT NOT NULL,
  field TEXT NOT NULL,
  old_status TEXT,
  new_status TEXT NOT NULL,
  changed_on TEXT NOT NULL,
  reported_by TEXT,
  source INTEGER REFERENCES sources(num),
  note TEXT,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE INDEX status_changes_record ON status_changes(record);
