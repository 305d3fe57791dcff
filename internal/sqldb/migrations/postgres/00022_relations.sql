-- +goose Up
-- Relations between systems, as KITOS records them: the interfaces a
-- catalogue system exposes, and the relations from one usage of an
-- organisation to another of the same organisation, optionally through an
-- interface of the target's system and under a contract of the
-- organisation. A relation is found from both ends, and an organisation's
-- relations at once for what depends on a usage.
CREATE TABLE system_interfaces (
    id                TEXT COLLATE "C" PRIMARY KEY,
    system_id         TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    name_fold         TEXT NOT NULL,
    identifier        TEXT NOT NULL DEFAULT '',
    interface_version TEXT NOT NULL DEFAULT '',
    description       TEXT NOT NULL DEFAULT '',
    url               TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (system_id, name_fold, interface_version)
);

CREATE TABLE usage_relations (
    id              TEXT COLLATE "C" PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    from_usage_id   TEXT NOT NULL REFERENCES usages (id) ON DELETE CASCADE,
    to_usage_id     TEXT NOT NULL REFERENCES usages (id) ON DELETE CASCADE,
    interface_id    TEXT REFERENCES system_interfaces (id) ON DELETE SET NULL,
    frequency       TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    reference       TEXT NOT NULL DEFAULT '',
    contract_id     TEXT REFERENCES contracts (id) ON DELETE SET NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK (from_usage_id <> to_usage_id)
);
-- One relation per source, target and interface; no interface counts as
-- one value.
CREATE UNIQUE INDEX usage_relations_from ON usage_relations (from_usage_id, to_usage_id, COALESCE(interface_id, ''));
CREATE INDEX usage_relations_to ON usage_relations (to_usage_id);
CREATE INDEX usage_relations_org ON usage_relations (organization_id);
CREATE INDEX usage_relations_interface ON usage_relations (interface_id);
CREATE INDEX usage_relations_contract ON usage_relations (contract_id);

-- +goose Down
DROP TABLE usage_relations;
DROP TABLE system_interfaces;
