-- +goose Up
-- Failed logins per source address (an IPv4 address, or the /64 of an IPv6
-- one) in the current window, whichever login names they tried.
CREATE TABLE login_source_throttle (
    source_key   TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE login_source_throttle;
