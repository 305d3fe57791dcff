-- +goose Up
-- Organisations, units, people, roles, sessions, tokens and the audit log.
-- Times are TIMESTAMP columns written by the driver in UTC; ids are UUIDv7 text.

CREATE TABLE organizations (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    name              TEXT NOT NULL,
    name_fold         TEXT NOT NULL,
    municipality_code TEXT,
    cvr               TEXT,
    country           TEXT NOT NULL,
    region            TEXT,
    visibility        TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organizations_municipality_code ON organizations (country, municipality_code);
CREATE UNIQUE INDEX organizations_cvr ON organizations (cvr);
CREATE INDEX organizations_name ON organizations (name_fold, id);
CREATE INDEX organizations_updated ON organizations (updated_at);

CREATE TABLE organization_populations (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    year            INTEGER NOT NULL,
    inhabitants     INTEGER NOT NULL,
    PRIMARY KEY (organization_id, year)
);

CREATE TABLE org_units (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    parent_id       TEXT REFERENCES org_units (id),
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX org_units_organization ON org_units (organization_id);
CREATE INDEX org_units_parent ON org_units (parent_id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    email_fold    TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    name_fold     TEXT NOT NULL,
    password_hash TEXT,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    operator      BOOLEAN NOT NULL DEFAULT FALSE,
    last_login_at TIMESTAMP,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX users_name ON users (name_fold, id);

CREATE TABLE login_identities (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (provider, subject)
);
CREATE INDEX login_identities_user ON login_identities (user_id);

CREATE TABLE memberships (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    role            TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (user_id, organization_id)
);
CREATE INDEX memberships_organization ON memberships (organization_id, user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Browser sessions: the cookie holds a random secret; only its hash is stored.
CREATE TABLE sessions (
    secret_hash  TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Consecutive failed logins per login name (folded e-mail), known or not.
CREATE TABLE login_throttle (
    login_key    TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE audit_events (
    id              TEXT PRIMARY KEY,
    time            TIMESTAMP NOT NULL,
    actor_kind      TEXT NOT NULL,
    actor_user_id   TEXT,
    actor_label     TEXT NOT NULL,
    organization_id TEXT,
    action          TEXT NOT NULL,
    object_type     TEXT NOT NULL,
    object_id       TEXT,
    before_json     TEXT,
    after_json      TEXT,
    request_id      TEXT
);
CREATE INDEX audit_events_organization ON audit_events (organization_id, id);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id);

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
-- +goose StatementEnd

-- KLE taxonomy (KL Emnesystematik): main groups, groups and topics.
CREATE TABLE kle_topics (
    code        TEXT PRIMARY KEY,
    level       INTEGER NOT NULL,
    title       TEXT NOT NULL,
    parent_code TEXT,
    expired_at  TIMESTAMP,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX kle_topics_parent ON kle_topics (parent_code);

-- Which embedded reference data set has been loaded, by content hash.
CREATE TABLE reference_data (
    name       TEXT PRIMARY KEY,
    hash       TEXT NOT NULL,
    loaded_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE reference_data;
DROP TABLE kle_topics;
DROP TABLE audit_events;
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE memberships;
DROP TABLE login_identities;
DROP TABLE users;
DROP TABLE org_units;
DROP TABLE organization_populations;
DROP TABLE organizations;
