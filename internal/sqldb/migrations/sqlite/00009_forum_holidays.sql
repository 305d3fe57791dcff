-- +goose Up
-- A forum's cadence may skip Danish public holidays and 24-31 December
-- (samspil.HolidayOn); the meetings it would have had are not planned.
ALTER TABLE forums ADD COLUMN skip_holidays BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE forums DROP COLUMN skip_holidays;
