-- +goose Up
-- The opportunity index reads the audit log's newest events, by time, to
-- learn which organisations changed, also on other instances.
CREATE INDEX audit_events_time ON audit_events (time);

-- +goose Down
DROP INDEX audit_events_time;
