-- Kinship decisions as the identification workflow makes them (docs/identification.md): the LR
-- recomputed exactly when deciding and the model it was computed with, the reporting threshold,
-- whether a confirmation below it awaits a second reviewer (and who the first was), and the
-- remains record an identification named. Empty for decisions made before.
ALTER TABLE kinship_decisions ADD COLUMN exact_log10_lr TEXT;
ALTER TABLE kinship_decisions ADD COLUMN model TEXT;
ALTER TABLE kinship_decisions ADD COLUMN threshold TEXT;
ALTER TABLE kinship_decisions ADD COLUMN state TEXT;
ALTER TABLE kinship_decisions ADD COLUMN first_reviewer TEXT;
ALTER TABLE kinship_decisions ADD COLUMN identified TEXT;
