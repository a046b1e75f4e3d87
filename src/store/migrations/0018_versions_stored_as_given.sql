-- Kept record versions (record_versions.packed) are compressed by Athar before they are stored.
-- SQLite stores a blob as given; PostgreSQL would try to compress it again, for nothing (its
-- script, 0018_versions_stored_as_given.postgresql.sql). Nothing to do here.
SELECT 1;
