-- Record linkage over the registry's persons (docs/linkage.md): each run, the pairs it kept for
-- review with their explanations, each person's entity, and the analysts' decisions, which
-- every later run respects. Candidates and entities are those of the latest run.
CREATE TABLE linkage_runs (
  num INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  threshold REAL NOT NULL,
  review_from REAL NOT NULL,
  records INTEGER NOT NULL,
  candidates INTEGER NOT NULL,
  links INTEGER NOT NULL,
  entities INTEGER NOT NULL,
  model TEXT NOT NULL
);

CREATE TABLE match_candidates (
  record_a TEXT NOT NULL,
  record_b TEXT NOT NULL,
  probability REAL NOT NULL,
  explanation TEXT NOT NULL,
  PRIMARY KEY (record_a, record_b)
);
CREATE INDEX match_candidates_probability ON match_candidates(probability);

CREATE TABLE person_entities (
  record TEXT PRIMARY KEY,
  entity INTEGER NOT NULL,
  list TEXT NOT NULL
);
CREATE INDEX person_entities_entity ON person_entities(entity);

CREATE TABLE match_decisions (
  record_a TEXT NOT NULL,
  record_b TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('same', 'different')),
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (record_a, record_b),
  CHECK (record_a < record_b)
);
