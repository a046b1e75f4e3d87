-- A kinship decision that weighed lineage markers too (docs/identification.md): the lineage
-- comparison it used (line, LR, relative, database by SHA-256 and size) as canonical JSON. The
-- reporting threshold then applies to the product of the autosomal and the lineage LR.
ALTER TABLE kinship_decisions ADD COLUMN lineage TEXT;
