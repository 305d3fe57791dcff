-- +goose Up
-- Single sign-on: an organisation's identity providers. A person who signs
-- in through one is the login identity (provider id, subject); the
-- provider's e-mail domains send people to it from the login page, and
-- when it requires single sign-on only its break-glass accounts keep their
-- passwords. A SAML provider has samspil's own key and certificate for it,
-- which sign its requests. sso_flows holds the sign-ins under way (state,
-- nonce or SAML request id, PKCE verifier, and a SAML response until the
-- browser brings its binding cookie), so that any instance can finish what
-- another started.
CREATE TABLE identity_providers (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    protocol        TEXT NOT NULL,
    name            TEXT NOT NULL,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    settings        TEXT NOT NULL,
    client_secret   TEXT NOT NULL DEFAULT '',
    role_claim      TEXT NOT NULL DEFAULT '',
    role_map        TEXT NOT NULL DEFAULT '[]',
    default_role    TEXT NOT NULL DEFAULT '',
    require_sso     BOOLEAN NOT NULL DEFAULT FALSE,
    sp_key          TEXT NOT NULL DEFAULT '',
    sp_cert         TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX identity_providers_organization ON identity_providers (organization_id);

CREATE TABLE identity_provider_domains (
    domain      TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE
);
CREATE INDEX identity_provider_domains_provider ON identity_provider_domains (provider_id);

CREATE TABLE identity_provider_break_glass (
    provider_id TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (provider_id, user_id)
);
CREATE INDEX identity_provider_break_glass_user ON identity_provider_break_glass (user_id);

CREATE TABLE sso_flows (
    state_hash   TEXT PRIMARY KEY,
    binding_hash TEXT NOT NULL,
    provider_id  TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    purpose      TEXT NOT NULL,
    user_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
    nonce        TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    return_to    TEXT NOT NULL,
    saml_response TEXT,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sso_flows_expires ON sso_flows (expires_at);

-- The SAML assertions accepted, each once, until they expire.
CREATE TABLE saml_assertions (
    provider_id  TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    assertion_id TEXT NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (provider_id, assertion_id)
);
CREATE INDEX saml_assertions_expires ON saml_assertions (expires_at);

-- A session started through a provider remembers it, and for SAML the
-- subject and the provider's session index, for single logout.
ALTER TABLE sessions ADD COLUMN provider_id TEXT;
ALTER TABLE sessions ADD COLUMN sso_subject TEXT;
ALTER TABLE sessions ADD COLUMN sso_session_index TEXT;
CREATE INDEX sessions_sso ON sessions (provider_id, sso_subject);

-- +goose Down
DROP INDEX sessions_sso;
ALTER TABLE sessions DROP COLUMN sso_session_index;
ALTER TABLE sessions DROP COLUMN sso_subject;
ALTER TABLE sessions DROP COLUMN provider_id;
DROP TABLE saml_assertions;
DROP TABLE sso_flows;
DROP TABLE identity_provider_break_glass;
DROP TABLE identity_provider_domains;
DROP TABLE identity_providers;
