-- record_versions.packed is compressed by Athar (registry/versions.h): stored out of line when
-- large, without PostgreSQL compressing it again (measured: about 5% of the server's time in a
-- person import went to pglz on these blobs).
ALTER TABLE record_versions ALTER COLUMN packed SET STORAGE EXTERNAL;
