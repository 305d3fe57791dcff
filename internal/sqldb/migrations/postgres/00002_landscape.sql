-- +goose Up
-- The IT landscape: the shared system catalogue, each organisation's usages
-- and contracts, and a feed of deleted ids for syncing clients.
-- Dates without time are DATE columns; SQLite keeps them as 'YYYY-MM-DD' text.

CREATE TABLE systems (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    name_fold   TEXT COLLATE "C" NOT NULL,
    vendor_id   TEXT REFERENCES organizations (id),
    category    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    open_source BOOLEAN NOT NULL DEFAULT FALSE,
    os2_product BOOLEAN NOT NULL DEFAULT FALSE,
    homepage    TEXT NOT NULL DEFAULT '',
    owner_id    TEXT NOT NULL REFERENCES organizations (id),
    visibility  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX systems_name ON systems (name_fold, id);
CREATE INDEX systems_vendor ON systems (vendor_id);
CREATE INDEX systems_owner ON systems (owner_id);

CREATE TABLE system_tasks (
    system_id TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    code      TEXT NOT NULL,
    PRIMARY KEY (system_id, code)
);
CREATE INDEX system_tasks_code ON system_tasks (code);

CREATE TABLE usages (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    organization_id     TEXT NOT NULL REFERENCES organizations (id),
    system_id           TEXT NOT NULL REFERENCES systems (id),
    lifecycle           TEXT NOT NULL,
    from_date           DATE,
    until_date          DATE,
    responsible_unit_id TEXT REFERENCES org_units (id),
    user_band           TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    visibility          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (organization_id, system_id)
);
CREATE INDEX usages_system ON usages (system_id);
CREATE INDEX usages_updated ON usages (updated_at);

CREATE TABLE usage_units (
    usage_id TEXT NOT NULL REFERENCES usages (id) ON DELETE CASCADE,
    unit_id  TEXT NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (usage_id, unit_id)
);

CREATE TABLE usage_tasks (
    usage_id TEXT NOT NULL REFERENCES usages (id) ON DELETE CASCADE,
    code     TEXT NOT NULL,
    opt_out  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (usage_id, code)
);

CREATE TABLE contracts (
    id                    TEXT COLLATE "C" PRIMARY KEY,
    organization_id       TEXT NOT NULL REFERENCES organizations (id),
    name                  TEXT NOT NULL,
    name_fold             TEXT COLLATE "C" NOT NULL,
    supplier_id           TEXT REFERENCES organizations (id),
    start_date            DATE NOT NULL,
    duration_months       INTEGER NOT NULL DEFAULT 0,
    expiry                DATE,
    irrevocable_until     DATE,
    extension_count       INTEGER NOT NULL DEFAULT 0,
    extension_months      INTEGER NOT NULL DEFAULT 0,
    extensions_used       INTEGER NOT NULL DEFAULT 0,
    notice_months         INTEGER NOT NULL DEFAULT 0,
    notice_rule           TEXT NOT NULL,
    terminated_on         DATE,
    procurement_form      TEXT NOT NULL DEFAULT '',
    reprocurement_quarter TEXT NOT NULL DEFAULT '',
    has_costs             BOOLEAN NOT NULL DEFAULT FALSE,
    cost_acquisition      BIGINT NOT NULL DEFAULT 0,
    cost_operation        BIGINT NOT NULL DEFAULT 0,
    cost_other            BIGINT NOT NULL DEFAULT 0,
    external_ref          TEXT,
    notes                 TEXT NOT NULL DEFAULT '',
    visibility            TEXT NOT NULL,
    price_visibility      TEXT NOT NULL,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX contracts_organization ON contracts (organization_id, name_fold, id);
CREATE INDEX contracts_name ON contracts (name_fold, id);
CREATE UNIQUE INDEX contracts_external_ref ON contracts (organization_id, external_ref);

CREATE TABLE contract_systems (
    contract_id TEXT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    system_id   TEXT NOT NULL REFERENCES systems (id),
    PRIMARY KEY (contract_id, system_id)
);
CREATE INDEX contract_systems_system ON contract_systems (system_id);

-- Ids of deleted objects, with who could see them, so that clients syncing
-- with changed_since also learn what disappeared.
CREATE TABLE deletions (
    id              TEXT COLLATE "C" PRIMARY KEY,
    object_type     TEXT NOT NULL,
    object_id       TEXT NOT NULL,
    organization_id TEXT,
    visibility      TEXT NOT NULL,
    deleted_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX deletions_time ON deletions (deleted_at, id);

-- Uploaded import files, kept so that the commit reads the same bytes the
-- preview checked; removed a day after they are done.
CREATE TABLE imports (
    id              TEXT COLLATE "C" PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    user_id         TEXT REFERENCES users (id) ON DELETE SET NULL,
    file_name       TEXT NOT NULL,
    size            BIGINT NOT NULL,
    content         BYTEA,
    status          TEXT NOT NULL,
    report_json     TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX imports_organization ON imports (organization_id, id);

-- Calendar feeds: secret, revocable URLs that calendar clients subscribe to.
-- The URL holds a random secret; only its hash is stored. A feed shows what
-- its user may see at the time it is fetched.
CREATE TABLE calendar_feeds (
    id          TEXT COLLATE "C" PRIMARY KEY,
    secret_hash     TEXT NOT NULL UNIQUE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    scope           TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    last_used_at    TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);

-- KLE titles are searched case-insensitively through a folded copy; the
-- embedded edition is loaded again at the next start to fill it (editions
-- are now kept one row each, as kle:<hash>).
ALTER TABLE kle_topics ADD COLUMN title_fold TEXT NOT NULL DEFAULT '';
DELETE FROM reference_data WHERE name = 'kle';

-- +goose Down
DROP TABLE imports;
DROP TABLE calendar_feeds;
ALTER TABLE kle_topics DROP COLUMN title_fold;
DROP TABLE deletions;
DROP TABLE contract_systems;
DROP TABLE contracts;
DROP TABLE usage_tasks;
DROP TABLE usage_units;
DROP TABLE usages;
DROP TABLE system_tasks;
DROP TABLE systems;
