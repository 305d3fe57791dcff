-- +goose Up
-- Failed logins per source address (an IPv4 address, or the /64 of an IPv6
-- one) in the current window, whichever login names they tried.
CREATE TABLE login_source_throttle (
    source_key   TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE login_source_throttle;
