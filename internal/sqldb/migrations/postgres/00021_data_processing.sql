-- +goose Up
-- Data processing registrations ("databehandling", GDPR): who processes
-- personal data for an organisation, under which agreement, covering which
-- usages and contracts, and how the organisation oversees it. The sets of
-- third countries and kinds of personal data are comma-separated codes;
-- next_oversight is the planned oversight or the last plus the interval,
-- kept so that deadlines and notices find the coming ones by an index.
CREATE TABLE data_processing_registrations (
    id                     TEXT COLLATE "C" PRIMARY KEY,
    organization_id        TEXT NOT NULL REFERENCES organizations (id),
    name                   TEXT NOT NULL,
    name_fold              TEXT COLLATE "C" NOT NULL,
    data_responsible       TEXT NOT NULL DEFAULT '',
    agreement_concluded    TEXT NOT NULL DEFAULT '',
    agreement_date         DATE,
    transfer_basis         TEXT NOT NULL DEFAULT '',
    third_countries        TEXT NOT NULL DEFAULT '',
    personal_data          TEXT NOT NULL DEFAULT '',
    oversight_interval     TEXT NOT NULL DEFAULT '',
    last_oversight         DATE,
    planned_oversight      DATE,
    next_oversight         DATE,
    oversight_result       TEXT NOT NULL DEFAULT '',
    oversight_document_url TEXT NOT NULL DEFAULT '',
    notes                  TEXT NOT NULL DEFAULT '',
    visibility             TEXT NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX data_processing_organization ON data_processing_registrations (organization_id, name_fold, id);
CREATE INDEX data_processing_name ON data_processing_registrations (name_fold, id);
CREATE INDEX data_processing_next_oversight ON data_processing_registrations (next_oversight);
CREATE INDEX data_processing_updated ON data_processing_registrations (updated_at);

CREATE TABLE data_processing_usages (
    registration_id TEXT NOT NULL REFERENCES data_processing_registrations (id) ON DELETE CASCADE,
    usage_id        TEXT NOT NULL REFERENCES usages (id) ON DELETE CASCADE,
    PRIMARY KEY (registration_id, usage_id)
);
CREATE INDEX data_processing_usages_usage ON data_processing_usages (usage_id);

CREATE TABLE data_processing_contracts (
    registration_id TEXT NOT NULL REFERENCES data_processing_registrations (id) ON DELETE CASCADE,
    contract_id     TEXT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    PRIMARY KEY (registration_id, contract_id)
);
CREATE INDEX data_processing_contracts_contract ON data_processing_contracts (contract_id);

-- The processors and sub-processors, in the order given, each a supplier
-- organisation and the country where it processes the data.
CREATE TABLE data_processing_processors (
    registration_id TEXT NOT NULL REFERENCES data_processing_registrations (id) ON DELETE CASCADE,
    sub_processor   BOOLEAN NOT NULL,
    position        INTEGER NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    country         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (registration_id, sub_processor, position)
);
CREATE INDEX data_processing_processors_organization ON data_processing_processors (organization_id);

-- +goose Down
DROP TABLE data_processing_processors;
DROP TABLE data_processing_contracts;
DROP TABLE data_processing_usages;
DROP TABLE data_processing_registrations;
