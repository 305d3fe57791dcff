-- +goose Up
-- The day a member voted. A vote recorded afterwards (e.g. the votes of a
-- past meeting) carries the day it was given, while cast_at keeps when it
-- was recorded. Votes recorded before this column have none: their day is
-- that of cast_at in Copenhagen, which the store computes when it reads them.
ALTER TABLE votes ADD COLUMN cast_on DATE;

-- +goose Down
ALTER TABLE votes DROP COLUMN cast_on;
