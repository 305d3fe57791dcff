-- +goose Up
-- A calendar feed's reminder (days before each event that calendar clients
-- remind; 0 for none) and the language of its texts, both chosen when the
-- feed is made. Feeds made before get the defaults: Danish, and 14 days
-- for deadline feeds, none for meeting feeds.
ALTER TABLE calendar_feeds ADD COLUMN reminder_days INTEGER NOT NULL DEFAULT 14;
ALTER TABLE calendar_feeds ADD COLUMN language TEXT NOT NULL DEFAULT 'da';
UPDATE calendar_feeds SET reminder_days = 0 WHERE scope <> 'deadlines';

-- +goose Down
ALTER TABLE calendar_feeds DROP COLUMN language;
ALTER TABLE calendar_feeds DROP COLUMN reminder_days;
