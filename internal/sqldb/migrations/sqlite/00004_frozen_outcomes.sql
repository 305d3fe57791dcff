-- +goose Up
-- A closed decision keeps the outcome it was closed with, so that later
-- changes of membership do not rewrite history.
ALTER TABLE decisions ADD COLUMN outcome_json TEXT;

-- +goose Down
ALTER TABLE decisions DROP COLUMN outcome_json;
