-- +goose Up
-- What a contract's acquisition cost once (KITOS' accumulated
-- "Anskaffelse."), beside the yearly costs.
ALTER TABLE contracts ADD COLUMN cost_one_off_acquisition BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE contracts DROP COLUMN cost_one_off_acquisition;
