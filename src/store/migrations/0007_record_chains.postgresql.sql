-- PostgreSQL's version of 0007_record_chains.sql: the same statements in its functions (lpad,
-- regular expressions) instead of SQLite's printf and GLOB.
-- Record chains (docs/ledger-format.md): each entry about a subject names the subject's previous
-- entry. A record's newest entry is kept in its own row (ledger_head, written with the row, so
-- that keeping it costs no extra B-tree insert); other subjects' newest entries (DNA profiles,
-- families, linkage decisions, estimates) in ledger_heads. Both are derived from the log and
-- written in the same transaction as each append; `athar verify` recomputes them. Entries before
-- `record_chains_from` were written before chains began.
CREATE TABLE ledger_heads (
  subject TEXT PRIMARY KEY,
  idx BIGINT NOT NULL
);
CREATE INDEX migration_subjects ON ledger_entries(subject, idx);
ALTER TABLE sources ADD COLUMN ledger_head BIGINT;
UPDATE sources SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'source-' || lpad(sources.num::text, 4, '0'));
ALTER TABLE sites ADD COLUMN ledger_head BIGINT;
UPDATE sites SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'site-' || lpad(sites.num::text, 4, '0'));
ALTER TABLE units ADD COLUMN ledger_head BIGINT;
UPDATE units SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'unit-' || lpad(units.num::text, 4, '0'));
ALTER TABLE persons ADD COLUMN ledger_head BIGINT;
UPDATE persons SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'person-' || lpad(persons.num::text, 6, '0'));
ALTER TABLE witnesses ADD COLUMN ledger_head BIGINT;
UPDATE witnesses SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'W-' || lpad(witnesses.num::text, 4, '0'));
ALTER TABLE testimonies ADD COLUMN ledger_head BIGINT;
UPDATE testimonies SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'testimony-' || lpad(testimonies.num::text, 5, '0'));
ALTER TABLE events ADD COLUMN ledger_head BIGINT;
UPDATE events SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'event-' || lpad(events.num::text, 6, '0'));
ALTER TABLE claims ADD COLUMN ledger_head BIGINT;
UPDATE claims SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'claim-' || lpad(claims.num::text, 5, '0'));
ALTER TABLE links ADD COLUMN ledger_head BIGINT;
UPDATE links SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'link-' || lpad(links.num::text, 7, '0'));
ALTER TABLE evidence ADD COLUMN ledger_head BIGINT;
UPDATE evidence SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'evidence-' || lpad(evidence.num::text, 6, '0'));
ALTER TABLE custody ADD COLUMN ledger_head BIGINT;
UPDATE custody SET ledger_head = (SELECT MAX(idx) FROM ledger_entries WHERE subject = 'custody-' || lpad(custody.num::text, 6, '0'));
INSERT INTO ledger_heads(subject, idx)
  SELECT subject, MAX(idx) FROM ledger_entries
  WHERE subject IS NOT NULL AND subject !~ '^source-[0-9]' AND subject !~ '^site-[0-9]' AND subject !~ '^unit-[0-9]' AND subject !~ '^person-[0-9]' AND subject !~ '^W-[0-9]' AND subject !~ '^testimony-[0-9]' AND subject !~ '^event-[0-9]' AND subject !~ '^claim-[0-9]' AND subject !~ '^link-[0-9]' AND subject !~ '^evidence-[0-9]' AND subject !~ '^custody-[0-9]'
  GROUP BY subject;
DROP INDEX migration_subjects;
-- Highest id ever given per kind: a new record must not take an id the log has seen.
CREATE TABLE record_high_water (
  kind TEXT PRIMARY KEY,
  num BIGINT NOT NULL
);
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
