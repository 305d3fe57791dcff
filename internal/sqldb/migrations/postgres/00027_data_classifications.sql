-- +goose Up
-- An organisation's data classification levels (KITOS's local option type
-- "Klassifikation af data i systemet"): a usage records a level's key,
-- which stays when the level is renamed. Every organisation starts with
-- KITOS's default levels and, from this migration on, with KITOS's default
-- role types: the store adds both when it creates an organisation, and
-- this migration adds them to the organisations that exist, for each list
-- they do not have yet (role types were added on first reading before).
CREATE TABLE data_classifications (
    id              TEXT COLLATE "C" PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    key             TEXT NOT NULL,
    name            TEXT NOT NULL,
    name_fold       TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    position        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (organization_id, key),
    UNIQUE (organization_id, name_fold)
);

WITH d (kind, name, name_fold, position) AS (VALUES
    ('usage', 'Systemejer', 'systemejer', 1),
    ('usage', 'Systemansvarlig', 'systemansvarlig', 2),
    ('usage', 'Forretningsejer', 'forretningsejer', 3),
    ('usage', 'Superbrugeransvarlig', 'superbrugeransvarlig', 4),
    ('usage', 'Superbruger', 'superbruger', 5),
    ('usage', 'Sikkerhedsansvarlig', 'sikkerhedsansvarlig', 6),
    ('usage', 'Changemanager', 'changemanager', 7),
    ('usage', 'Dataejer', 'dataejer', 8),
    ('usage', 'Systemadministrator', 'systemadministrator', 9),
    ('contract', 'Kontraktejer', 'kontraktejer', 1),
    ('contract', 'Kontraktmanager', 'kontraktmanager', 2),
    ('contract', 'Juridisk rådgiver', 'juridisk rådgiver', 3),
    ('contract', 'Konsulent', 'konsulent', 4),
    ('contract', 'Fakturamodtager', 'fakturamodtager', 5),
    ('contract', 'Budgetansvarlig', 'budgetansvarlig', 6),
    ('data_processing', 'Standard Skriverolle', 'standard skriverolle', 1),
    ('data_processing', 'Standard Læserolle', 'standard læserolle', 2)
)
INSERT INTO role_types (id, organization_id, object_kind, name, name_fold, description, active, position, version, created_at, updated_at)
SELECT gen_random_uuid()::text, o.id, d.kind, d.name, d.name_fold, '', TRUE, d.position, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM organizations o CROSS JOIN d
WHERE NOT EXISTS (SELECT 1 FROM role_types t WHERE t.organization_id = o.id AND t.object_kind = d.kind);

WITH d (key, name, name_fold, position) AS (VALUES
    ('public', 'Offentlige data', 'offentlige data', 1),
    ('internal', 'Interne data', 'interne data', 2),
    ('confidential', 'Fortrolige data', 'fortrolige data', 3),
    ('secret', 'Hemmelige data', 'hemmelige data', 4)
)
INSERT INTO data_classifications (id, organization_id, key, name, name_fold, description, active, position, version, created_at, updated_at)
SELECT gen_random_uuid()::text, o.id, d.key, d.name, d.name_fold, '', TRUE, d.position, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM organizations o CROSS JOIN d;

-- A usage's level that is not one of its organisation's (none should be:
-- the four keys were the only values allowed) is added to the
-- organisation's list, inactive, so that no usage loses its value.
INSERT INTO data_classifications (id, organization_id, key, name, name_fold, description, active, position, version, created_at, updated_at)
SELECT gen_random_uuid()::text, u.organization_id, u.data_classification, u.data_classification, lower(u.data_classification), '', FALSE, 100, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM (SELECT DISTINCT organization_id, data_classification FROM usages WHERE data_classification <> '') u
WHERE NOT EXISTS (SELECT 1 FROM data_classifications c WHERE c.organization_id = u.organization_id AND c.key = u.data_classification);

-- +goose Down
DROP TABLE data_classifications;
