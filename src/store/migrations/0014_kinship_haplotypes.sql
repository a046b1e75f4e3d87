-- Lineage markers (docs/kinship.md): a sample's Y-STR haplotype (paternal line) or mtDNA
-- haplotype (maternal line), as canonical text, beside its autosomal STR profile and under the
-- same sample name. Each is a ledger entry ("kinship.haplotype", subject dna-y:NAME or
-- dna-mt:NAME) whose hash covers the row.
CREATE TABLE kinship_haplotypes (
  sample TEXT NOT NULL,
  lineage TEXT NOT NULL CHECK (lineage IN ('y', 'mt')),
  kind TEXT NOT NULL CHECK (kind IN ('reference', 'remains')),
  haplotype TEXT NOT NULL,
  added_at TEXT NOT NULL,
  added_by TEXT NOT NULL,
  PRIMARY KEY (sample, lineage)
);
