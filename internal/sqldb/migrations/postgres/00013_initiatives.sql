-- +goose Up
-- Joint initiatives: proposed by an owner organisation, inside a
-- collaboration or open to any organisation; qualified against the
-- must-criteria, passed through gates by a decision or the owner's
-- approval; each organisation's own participation with its history; the
-- budget, planned and realised benefits, lessons, and the prioritisation of
-- a collaboration's portfolio.

CREATE TABLE initiatives (
    id                TEXT COLLATE "C" PRIMARY KEY,
    title             TEXT NOT NULL,
    title_fold        TEXT COLLATE "C" NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    owner_id          TEXT NOT NULL REFERENCES organizations (id),
    collaboration_id  TEXT REFERENCES collaborations (id),
    model             TEXT NOT NULL,
    phase             TEXT NOT NULL,
    phase_since       DATE NOT NULL,
    stop_reason       TEXT NOT NULL DEFAULT '',
    visibility        TEXT NOT NULL,
    expected_benefits TEXT NOT NULL DEFAULT '',
    contact_name      TEXT NOT NULL DEFAULT '',
    contact_email     TEXT NOT NULL DEFAULT '',
    cost_json         TEXT NOT NULL DEFAULT '{}',
    criteria_json     TEXT NOT NULL DEFAULT '[]',
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX initiatives_owner ON initiatives (owner_id);
CREATE INDEX initiatives_collab ON initiatives (collaboration_id, phase);
CREATE INDEX initiatives_phase ON initiatives (phase, title_fold);
CREATE INDEX initiatives_title ON initiatives (title_fold, id);

CREATE TABLE initiative_tasks (
    initiative_id TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    code          TEXT COLLATE "C" NOT NULL REFERENCES kle_topics (code),
    PRIMARY KEY (initiative_id, code)
);
CREATE INDEX initiative_tasks_code ON initiative_tasks (code);

CREATE TABLE initiative_systems (
    initiative_id TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    system_id     TEXT NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    PRIMARY KEY (initiative_id, system_id)
);
CREATE INDEX initiative_systems_system ON initiative_systems (system_id);

CREATE TABLE initiative_goals (
    initiative_id TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    strategy_id   TEXT NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    goal          INTEGER NOT NULL,
    PRIMARY KEY (initiative_id, strategy_id, goal)
);

-- Each organisation confirms the need for itself.
CREATE TABLE initiative_need_confirmations (
    initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    on_date         DATE NOT NULL,
    evidence        TEXT NOT NULL,
    by_name         TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (initiative_id, organization_id)
);

CREATE TABLE initiative_gates (
    id               TEXT COLLATE "C" PRIMARY KEY,
    initiative_id    TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    from_phase       TEXT NOT NULL,
    to_phase         TEXT NOT NULL,
    on_date          DATE NOT NULL,
    decision_id      TEXT REFERENCES decisions (id),
    approved_by      TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    recorded_by_name TEXT NOT NULL,
    recorded_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX initiative_gates_initiative ON initiative_gates (initiative_id, on_date);
CREATE INDEX initiative_gates_decision ON initiative_gates (decision_id);

-- An organisation's current stand, and every change of it.
CREATE TABLE initiative_participations (
    initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    state           TEXT NOT NULL,
    since           DATE NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    resources_json  TEXT NOT NULL DEFAULT '[]',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (initiative_id, organization_id)
);
CREATE INDEX initiative_participations_org ON initiative_participations (organization_id, state);

CREATE TABLE participation_events (
    id              TEXT COLLATE "C" PRIMARY KEY,
    initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    state           TEXT NOT NULL,
    on_date         DATE NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    by_name         TEXT NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX participation_events_initiative ON participation_events (initiative_id, organization_id, recorded_at);

CREATE TABLE initiative_budget_lines (
    id            TEXT COLLATE "C" PRIMARY KEY,
    initiative_id TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    amount        BIGINT NOT NULL,
    year          INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX initiative_budget_lines_initiative ON initiative_budget_lines (initiative_id);

CREATE TABLE initiative_benefits (
    id              TEXT COLLATE "C" PRIMARY KEY,
    initiative_id   TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    measure         TEXT NOT NULL DEFAULT '',
    planned         BIGINT NOT NULL,
    owner_name      TEXT NOT NULL,
    plan            TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX initiative_benefits_initiative ON initiative_benefits (initiative_id, organization_id);
CREATE INDEX initiative_benefits_org ON initiative_benefits (organization_id);

CREATE TABLE benefit_realisations (
    id          TEXT COLLATE "C" PRIMARY KEY,
    benefit_id  TEXT NOT NULL REFERENCES initiative_benefits (id) ON DELETE CASCADE,
    on_date     DATE NOT NULL,
    value       BIGINT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    by_name     TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX benefit_realisations_benefit ON benefit_realisations (benefit_id, on_date);

-- Lessons of an initiative or of a collaboration as a whole. text_fold
-- holds the folded title, text and tags the log's search matches; tags
-- are kept as ",tag,tag," so one tag is matched exactly.
CREATE TABLE lessons (
    id               TEXT COLLATE "C" PRIMARY KEY,
    initiative_id    TEXT REFERENCES initiatives (id) ON DELETE CASCADE,
    collaboration_id TEXT REFERENCES collaborations (id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    phase            TEXT NOT NULL DEFAULT '',
    title            TEXT NOT NULL,
    what_worked      TEXT NOT NULL DEFAULT '',
    what_did_not     TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '',
    text_fold        TEXT COLLATE "C" NOT NULL,
    on_date          DATE NOT NULL,
    by_name          TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX lessons_initiative ON lessons (initiative_id);
CREATE INDEX lessons_collab ON lessons (collaboration_id);
CREATE INDEX lessons_on ON lessons (on_date, id);

-- The prioritisation of a collaboration's portfolio: its weights, each
-- initiative's scores, and the rounds it recorded, to show what changed.
CREATE TABLE priority_weights (
    collaboration_id TEXT COLLATE "C" PRIMARY KEY REFERENCES collaborations (id) ON DELETE CASCADE,
    benefit          INTEGER NOT NULL,
    urgency          INTEGER NOT NULL,
    feasibility      INTEGER NOT NULL,
    cost             INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE initiative_scores (
    initiative_id TEXT COLLATE "C" PRIMARY KEY REFERENCES initiatives (id) ON DELETE CASCADE,
    benefit       INTEGER NOT NULL,
    urgency       INTEGER NOT NULL,
    feasibility   INTEGER NOT NULL,
    cost          INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    by_name       TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE prioritisation_rounds (
    id               TEXT COLLATE "C" PRIMARY KEY,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    on_date          DATE NOT NULL,
    weights_json     TEXT NOT NULL,
    ranking_json     TEXT NOT NULL,
    by_name          TEXT NOT NULL,
    recorded_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX prioritisation_rounds_collab ON prioritisation_rounds (collaboration_id, recorded_at);

-- +goose Down
DROP TABLE prioritisation_rounds;
DROP TABLE initiative_scores;
DROP TABLE priority_weights;
DROP TABLE lessons;
DROP TABLE benefit_realisations;
DROP TABLE initiative_benefits;
DROP TABLE initiative_budget_lines;
DROP TABLE participation_events;
DROP TABLE initiative_participations;
DROP TABLE initiative_gates;
DROP TABLE initiative_need_confirmations;
DROP TABLE initiative_goals;
DROP TABLE initiative_systems;
DROP TABLE initiative_tasks;
DROP TABLE initiatives;
