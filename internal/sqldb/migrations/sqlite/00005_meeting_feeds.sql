-- +goose Up
-- A meeting feed keeps its secret so that its user can find the address
-- again; deadline feeds keep only the hash, as before.
ALTER TABLE calendar_feeds ADD COLUMN secret TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE calendar_feeds DROP COLUMN secret;
