-- +goose Up
-- Whether a contract's extensions are options the buyer must exercise or
-- renewals that run unless notice is given. Every contract registered before
-- this column existed was computed as a renewal, so that is their kind.
ALTER TABLE contracts ADD COLUMN extension_kind TEXT NOT NULL DEFAULT 'automatic';

-- +goose Down
ALTER TABLE contracts DROP COLUMN extension_kind;
