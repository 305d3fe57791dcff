-- +goose Up
-- Trigram indexes for the search, which matches names by substring
-- (name_fold LIKE '%text%'): without them a search that finds little reads
-- every visible row of a kind. pg_trgm is a trusted extension (PostgreSQL
-- 13+), so the database owner that runs the migrations may create it
-- without being a superuser. A GIN index serves LIKE with three or more
-- characters between the wildcards; a shorter text may still read every
-- visible row. The indexes keep GIN's default fastupdate: new entries wait
-- in a pending list (at most gin_pending_list_limit, 4 MB) that a later
-- insert or autovacuum merges in bulk. With fastupdate off, the bench's
-- import of a million usages (a system each) took 2.6 times as long.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX organizations_name_trgm ON organizations USING gin (name_fold gin_trgm_ops);
CREATE INDEX systems_name_trgm ON systems USING gin (name_fold gin_trgm_ops);
CREATE INDEX contracts_name_trgm ON contracts USING gin (name_fold gin_trgm_ops);
CREATE INDEX collaborations_name_trgm ON collaborations USING gin (name_fold gin_trgm_ops);

-- +goose Down
-- The extension stays: other objects in the database (an operator's own
-- indexes or queries) may use it, DROP EXTENSION would fail or, with
-- CASCADE, take them along, and an unused extension costs nothing.
DROP INDEX collaborations_name_trgm;
DROP INDEX contracts_name_trgm;
DROP INDEX systems_name_trgm;
DROP INDEX organizations_name_trgm;
