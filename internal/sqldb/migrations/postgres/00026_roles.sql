-- +goose Up
-- Roles on records, as KITOS has them: an organisation's role types for
-- each kind of record (usage, contract, data processing registration), and
-- the people assigned to them on its records. An assignment names its
-- record twice: object_kind and object_id for reading, and the one column
-- of its kind (usage_id, contract_id, data_processing_id) so that deleting
-- the record, by whatever path, deletes its assignments with it.
CREATE TABLE role_types (
    id              TEXT COLLATE "C" PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    object_kind     TEXT NOT NULL,
    name            TEXT NOT NULL,
    name_fold       TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    position        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (organization_id, object_kind, name_fold)
);

CREATE TABLE role_assignments (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    organization_id    TEXT NOT NULL REFERENCES organizations (id),
    object_kind        TEXT NOT NULL,
    object_id          TEXT NOT NULL,
    usage_id           TEXT REFERENCES usages (id) ON DELETE CASCADE,
    contract_id        TEXT REFERENCES contracts (id) ON DELETE CASCADE,
    data_processing_id TEXT REFERENCES data_processing_registrations (id) ON DELETE CASCADE,
    role_type_id       TEXT NOT NULL REFERENCES role_types (id),
    user_id            TEXT REFERENCES users (id),
    name               TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    person             TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    CHECK ((object_kind = 'usage' AND usage_id = object_id AND contract_id IS NULL AND data_processing_id IS NULL)
        OR (object_kind = 'contract' AND contract_id = object_id AND usage_id IS NULL AND data_processing_id IS NULL)
        OR (object_kind = 'data_processing' AND data_processing_id = object_id AND usage_id IS NULL AND contract_id IS NULL)),
    CHECK ((user_id IS NOT NULL AND person = 'user:' || user_id) OR (user_id IS NULL AND name <> '' AND email <> ''))
);
-- One assignment per record, role type and person (a user, or an e-mail
-- address folded).
CREATE UNIQUE INDEX role_assignments_object ON role_assignments (object_kind, object_id, role_type_id, person);
CREATE INDEX role_assignments_role_type ON role_assignments (role_type_id);
CREATE INDEX role_assignments_user ON role_assignments (user_id);
CREATE INDEX role_assignments_usage ON role_assignments (usage_id);
CREATE INDEX role_assignments_contract ON role_assignments (contract_id);
CREATE INDEX role_assignments_data_processing ON role_assignments (data_processing_id);

-- +goose Down
DROP TABLE role_assignments;
DROP TABLE role_types;
