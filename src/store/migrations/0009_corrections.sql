-- Corrections, retractions and merges (docs/ledger-format.md, "Versions"). A retracted record
-- stays; its `retraction` holds {"at","by","reason"[,"merged_into"]} as canonical JSON and
-- enters its canonical form. `record_versions` keeps the canonical form each record entry
-- vouched for: per-field history is read from it, and `athar verify` names the
-- field and both values of a row changed behind Athar's back. A version hashes to its entry's
-- sha256, so a copy altered too is caught.
ALTER TABLE sources ADD COLUMN retraction TEXT;
ALTER TABLE sites ADD COLUMN retraction TEXT;
ALTER TABLE units ADD COLUMN retraction TEXT;
ALTER TABLE persons ADD COLUMN retraction TEXT;
ALTER TABLE witnesses ADD COLUMN retraction TEXT;
ALTER TABLE testimonies ADD COLUMN retraction TEXT;
ALTER TABLE events ADD COLUMN retraction TEXT;
ALTER TABLE claims ADD COLUMN retraction TEXT;
ALTER TABLE links ADD COLUMN retraction TEXT;
ALTER TABLE evidence ADD COLUMN retraction TEXT;
ALTER TABLE custody ADD COLUMN retraction TEXT;
-- Values as given where the canonical form loses how they were written (ذكر, ١٩٧٩, 33°30'N),
-- {"field":"as given"} as canonical JSON; part of the record's canonical form.
ALTER TABLE sources ADD COLUMN original TEXT;
ALTER TABLE sites ADD COLUMN original TEXT;
ALTER TABLE units ADD COLUMN original TEXT;
ALTER TABLE persons ADD COLUMN original TEXT;
ALTER TABLE witnesses ADD COLUMN original TEXT;
ALTER TABLE testimonies ADD COLUMN original TEXT;
ALTER TABLE events ADD COLUMN original TEXT;
ALTER TABLE claims ADD COLUMN original TEXT;
ALTER TABLE links ADD COLUMN original TEXT;
ALTER TABLE evidence ADD COLUMN original TEXT;
ALTER TABLE custody ADD COLUMN original TEXT;
-- A run of `entries` consecutive entries from `first_entry`: their canonical forms joined by
-- newlines and compressed with LZ4 (registry/versions.h).
CREATE TABLE record_versions (
  first_entry INTEGER PRIMARY KEY,
  entries INTEGER NOT NULL,
  packed BLOB NOT NULL
);
-- Files imported, by content hash: the same file again is refused unless forced.
CREATE TABLE imported_files (
  sha256 TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  records INTEGER NOT NULL
);
