-- +goose Up
-- On PostgreSQL this migration adds the organisation search's index of
-- the names' trigrams in name order. SQLite's FTS index (00015) serves
-- the same texts already: nothing to do here.
SELECT 1;

-- +goose Down
SELECT 1;
