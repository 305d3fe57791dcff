-- +goose Up
-- An organisation marks a usage "happy to share experience" and names a
-- contact person, so that others looking for help with the system or its
-- KLE tasks find someone to ask. usage_tasks gets an index on its code so
-- that the usages covering a task are found without a scan.
ALTER TABLE usages ADD COLUMN share_experience BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE usages ADD COLUMN experience_contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE usages ADD COLUMN experience_contact_email TEXT NOT NULL DEFAULT '';
CREATE INDEX usage_tasks_code ON usage_tasks (code, usage_id);

-- +goose Down
DROP INDEX usage_tasks_code;
ALTER TABLE usages DROP COLUMN experience_contact_email;
ALTER TABLE usages DROP COLUMN experience_contact_name;
ALTER TABLE usages DROP COLUMN share_experience;
