-- Record chains (docs/ledger-format.md): each entry about a subject names the subject's previous
-- entry. A record's newest entry is kept in its own row (ledger_head, written with the row, so
-- that keeping it costs no extra B-tree insert); other subjects' newest entries (DNA profiles,
-- families, linkage decisions, estimates) in ledger_heads. Both are derived from the log and
-- written in the same transaction as each append; `athar verify` recomputes them. Entries before
-- `record_chains_from` were written before chains began.
CREATE TABLE ledger_heads (
  subject TEXT PRIMARY KEY,
  idx INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX migration_subjects ON ledger_entries(subject, idx);
ALTER TABLE sources ADD COLUMN ledger_head INTEGER;
UPDATE sources SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'source-' || printf('%04d', sources.num));
ALTER TABLE sites ADD COLUMN ledger_head INTEGER;
UPDATE sites SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'site-' || printf('%04d', sites.num));
ALTER TABLE units ADD COLUMN ledger_head INTEGER;
UPDATE units SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'unit-' || printf('%04d', units.num));
ALTER TABLE persons ADD COLUMN ledger_head INTEGER;
UPDATE persons SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'person-' || printf('%06d', persons.num));
ALTER TABLE witnesses ADD COLUMN ledger_head INTEGER;
UPDATE witnesses SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'W-' || printf('%04d', witnesses.num));
ALTER TABLE testimonies ADD COLUMN ledger_head INTEGER;
UPDATE testimonies SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'testimony-' || printf('%05d', testimonies.num));
ALTER TABLE events ADD COLUMN ledger_head INTEGER;
UPDATE events SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'event-' || printf('%06d', events.num));
ALTER TABLE claims ADD COLUMN ledger_head INTEGER;
UPDATE claims SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'claim-' || printf('%05d', claims.num));
ALTER TABLE links ADD COLUMN ledger_head INTEGER;
UPDATE links SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'link-' || printf('%07d', links.num));
ALTER TABLE evidence ADD COLUMN ledger_head INTEGER;
UPDATE evidence SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'evidence-' || printf('%06d', evidence.num));
ALTER TABLE custody ADD COLUMN ledger_head INTEGER;
UPDATE custody SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'custody-' || printf('%06d', custody.num));
INSERT INTO ledger_heads(subject, idx)
  SELECT subject, MAX(idx) FROM ledger_entries
  WHERE subject IS NOT NULL AND subject NOT GLOB 'source-[0-9]*' AND subject NOT GLOB 'site-[0-9]*' AND subject NOT GLOB 'unit-[0-9]*' AND subject NOT GLOB 'person-[0-9]*' AND subject NOT GLOB 'W-[0-9]*' AND subject NOT GLOB 'testimony-[0-9]*' AND subject NOT GLOB 'event-[0-9]*' AND subject NOT GLOB 'claim-[0-9]*' AND subject NOT GLOB 'link-[0-9]*' AND subject NOT GLOB 'evidence-[0-9]*' AND subject NOT GLOB 'custody-[0-9]*'
  GROUP BY subject;
DROP INDEX migration_subjects;
-- Highest id ever given per kind: a new record must not take an id the log has seen.
CREATE TABLE record_high_water (
  kind TEXT PRIMARY KEY,
  num INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO record_high_water(kind, num) SELECT 'sources', COALESCE(MAX(num), 0) FROM sources;
INSERT INTO record_high_water(kind, num) SELECT 'sites', COALESCE(MAX(num), 0) FROM sites;
INSERT INTO record_high_water(kind, num) SELECT 'units', COALESCE(MAX(num), 0) FROM units;
INSERT INTO record_high_water(kind, num) SELECT 'persons', COALESCE(MAX(num), 0) FROM persons;
INSERT INTO record_high_water(kind, num) SELECT 'witnesses', COALESCE(MAX(num), 0) FROM witnesses;
INSERT INTO record_high_water(kind, num) SELECT 'testimonies', COALESCE(MAX(num), 0) FROM testimonies;
INSERT INTO record_high_water(kind, num) SELECT 'events', COALESCE(MAX(num), 0) FROM events;
INSERT INTO record_high_water(kind, num) SELECT 'claims', COALESCE(MAX(num), 0) FROM claims;
INSERT INTO record_high_water(kind, num) SELECT 'links', COALESCE(MAX(num), 0) FROM links;
INSERT INTO record_high_water(kind, num) SELECT 'evidence', COALESCE(MAX(num), 0) FROM evidence;
INSERT INTO record_high_water(kind, num) SELECT 'custody', COALESCE(MAX(num), 0) FROM custody;
INSERT INTO settings(key, value)
  SELECT 'record_chains_from', CAST(COALESCE(MAX(idx) + 1, 0) AS TEXT) FROM ledger_entries;
