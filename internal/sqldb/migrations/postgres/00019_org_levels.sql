-- +goose Up
-- The organisational differences of a collaboration's members: a person's
-- title and level in their organisation, and the unit where the IT
-- function sits.
ALTER TABLE memberships ADD COLUMN position TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN level TEXT NOT NULL DEFAULT '';
ALTER TABLE org_units ADD COLUMN it BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE org_units DROP COLUMN it;
ALTER TABLE memberships DROP COLUMN level;
ALTER TABLE memberships DROP COLUMN position;
