-- Kinship profiles and families are listed in the order they were added: SQLite's rowid says it.
-- PostgreSQL has no rowid; its script (0017_insertion_order.postgresql.sql) adds an identity
-- column `seq` that does (store/dialect.h, insertion_order). Nothing to do here.
SELECT 1;
