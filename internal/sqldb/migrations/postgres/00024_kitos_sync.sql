-- +goose Up
-- Synchronisation with KITOS. Systems and usages read from KITOS keep
-- KITOS's UUID, so that the next run updates them instead of adding them
-- again (contracts keep it in external_ref); so do relations between
-- usages and data processing registrations. A catalogue entry is one
-- KITOS system for everyone; a usage is the organisation's own.
ALTER TABLE systems ADD COLUMN kitos_uuid TEXT;
CREATE UNIQUE INDEX systems_kitos_uuid ON systems (kitos_uuid);
ALTER TABLE usages ADD COLUMN kitos_uuid TEXT;
CREATE UNIQUE INDEX usages_kitos_uuid ON usages (organization_id, kitos_uuid);
ALTER TABLE usage_relations ADD COLUMN kitos_uuid TEXT;
CREATE UNIQUE INDEX usage_relations_kitos_uuid ON usage_relations (organization_id, kitos_uuid);
ALTER TABLE data_processing_registrations ADD COLUMN kitos_uuid TEXT;
CREATE UNIQUE INDEX data_processing_kitos_uuid ON data_processing_registrations (organization_id, kitos_uuid);

-- The applied runs of an organisation's synchronisation with a KITOS
-- instance: the next run reads what changed from read_started_at of the
-- last one on.
CREATE TABLE kitos_sync_runs (
    id              TEXT COLLATE "C" PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    base_url        TEXT NOT NULL,
    full_read       BOOLEAN NOT NULL,
    since           TIMESTAMPTZ,
    read_started_at TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL,
    counts_json     TEXT NOT NULL,
    changes_json    TEXT NOT NULL
);
CREATE INDEX kitos_sync_runs_organization ON kitos_sync_runs (organization_id, finished_at);

-- How far a read that stopped half-way got, to continue from there.
CREATE TABLE kitos_sync_checkpoints (
    organization_id TEXT COLLATE "C" NOT NULL REFERENCES organizations (id),
    base_url        TEXT COLLATE "C" NOT NULL,
    checkpoint_json TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, base_url)
);

-- +goose Down
DROP TABLE kitos_sync_checkpoints;
DROP TABLE kitos_sync_runs;
DROP INDEX data_processing_kitos_uuid;
ALTER TABLE data_processing_registrations DROP COLUMN kitos_uuid;
DROP INDEX usage_relations_kitos_uuid;
ALTER TABLE usage_relations DROP COLUMN kitos_uuid;
DROP INDEX usages_kitos_uuid;
ALTER TABLE usages DROP COLUMN kitos_uuid;
DROP INDEX systems_kitos_uuid;
ALTER TABLE systems DROP COLUMN kitos_uuid;
