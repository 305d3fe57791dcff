-- +goose Up
-- Collaborations and their governance: members with their history,
-- adjustments of the working form, founding documents, ambitions,
-- strategies, forums with their meetings, decisions with votes, action
-- items, and the notices the mail job sends.

CREATE TABLE collaborations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    name_fold     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    purpose       TEXT NOT NULL DEFAULT '',
    start_date    DATE NOT NULL,
    end_date      DATE,
    legal_form    TEXT NOT NULL,
    exclusivity   TEXT NOT NULL,
    decision_rule TEXT NOT NULL,
    cost_key      TEXT NOT NULL,
    visibility    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX collaborations_name ON collaborations (name_fold, id);

-- An organisation that leaves and joins again has two rows; the store keeps
-- them from overlapping.
CREATE TABLE collaboration_members (
    id               TEXT PRIMARY KEY,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    role             TEXT NOT NULL,
    commitment       TEXT NOT NULL,
    since            DATE NOT NULL,
    until            DATE,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX collaboration_members_collab ON collaboration_members (collaboration_id);
CREATE INDEX collaboration_members_org ON collaboration_members (organization_id);

CREATE TABLE adjustments (
    id                   TEXT PRIMARY KEY,
    collaboration_id     TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    title                TEXT NOT NULL,
    summary              TEXT NOT NULL DEFAULT '',
    effective_on         DATE NOT NULL,
    exclusivity          TEXT NOT NULL DEFAULT '',
    previous_exclusivity TEXT NOT NULL DEFAULT '',
    strategy_note        TEXT NOT NULL DEFAULT '',
    by_name              TEXT NOT NULL,
    created_at           TIMESTAMP NOT NULL
);
CREATE INDEX adjustments_collab ON adjustments (collaboration_id, effective_on);

CREATE TABLE member_events (
    id               TEXT PRIMARY KEY,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    kind             TEXT NOT NULL,
    on_date          DATE NOT NULL,
    from_value       TEXT NOT NULL DEFAULT '',
    to_value         TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    adjustment_id    TEXT REFERENCES adjustments (id) ON DELETE CASCADE,
    by_name          TEXT NOT NULL,
    recorded_at      TIMESTAMP NOT NULL
);
CREATE INDEX member_events_collab ON member_events (collaboration_id, on_date);

CREATE TABLE chair_terms (
    id               TEXT PRIMARY KEY,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    from_date        DATE NOT NULL,
    until_date       DATE
);
CREATE INDEX chair_terms_collab ON chair_terms (collaboration_id, from_date);

CREATE TABLE collaboration_documents (
    id               TEXT PRIMARY KEY,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    url              TEXT NOT NULL DEFAULT '',
    file_name        TEXT NOT NULL DEFAULT '',
    content_type     TEXT NOT NULL DEFAULT '',
    size             INTEGER NOT NULL DEFAULT 0,
    content          BLOB,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX collaboration_documents_collab ON collaboration_documents (collaboration_id);

CREATE TABLE ambitions (
    id               TEXT PRIMARY KEY,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    area             TEXT NOT NULL,
    level            INTEGER NOT NULL,
    explanation      TEXT NOT NULL DEFAULT '',
    declared_on      DATE NOT NULL,
    by_name          TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX ambitions_collab ON ambitions (collaboration_id, declared_on);

CREATE TABLE strategies (
    id               TEXT PRIMARY KEY,
    collaboration_id TEXT REFERENCES collaborations (id) ON DELETE SET NULL,
    title            TEXT NOT NULL,
    scope            TEXT NOT NULL,
    from_date        DATE NOT NULL,
    until_date       DATE,
    goals_json       TEXT NOT NULL DEFAULT '[]',
    visibility       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX strategies_collab ON strategies (collaboration_id);

CREATE TABLE strategy_owners (
    strategy_id     TEXT NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    position        INTEGER NOT NULL,
    adopted_on      DATE,
    PRIMARY KEY (strategy_id, organization_id)
);
CREATE INDEX strategy_owners_org ON strategy_owners (organization_id);

CREATE TABLE forums (
    id                  TEXT PRIMARY KEY,
    collaboration_id    TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    level               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    cadence             TEXT NOT NULL DEFAULT '',
    first_meeting       TIMESTAMP NOT NULL,
    duration_minutes    INTEGER NOT NULL,
    time_zone           TEXT NOT NULL,
    location            TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    discontinued_on     DATE,
    discontinued_reason TEXT NOT NULL DEFAULT '',
    generated_until     TIMESTAMP,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX forums_collab ON forums (collaboration_id);

CREATE TABLE adjustment_forums (
    adjustment_id TEXT NOT NULL REFERENCES adjustments (id) ON DELETE CASCADE,
    forum_id      TEXT NOT NULL REFERENCES forums (id) ON DELETE CASCADE,
    PRIMARY KEY (adjustment_id, forum_id)
);

CREATE TABLE forum_members (
    forum_id        TEXT NOT NULL REFERENCES forums (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (forum_id, user_id)
);
CREATE INDEX forum_members_user ON forum_members (user_id);
CREATE INDEX forum_members_org ON forum_members (organization_id);

-- A meeting generated from the cadence keeps the cadence's time in
-- occurrence, so that moving or cancelling it is remembered.
CREATE TABLE meetings (
    id               TEXT PRIMARY KEY,
    forum_id         TEXT NOT NULL REFERENCES forums (id) ON DELETE CASCADE,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    title            TEXT NOT NULL DEFAULT '',
    start_at         TIMESTAMP NOT NULL,
    end_at           TIMESTAMP NOT NULL,
    location         TEXT NOT NULL DEFAULT '',
    occurrence       TIMESTAMP,
    status           TEXT NOT NULL,
    minutes          TEXT NOT NULL DEFAULT '',
    touched          BOOLEAN NOT NULL DEFAULT FALSE,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (forum_id, occurrence)
);
CREATE INDEX meetings_forum_start ON meetings (forum_id, start_at);
CREATE INDEX meetings_collab_start ON meetings (collaboration_id, start_at);

CREATE TABLE agenda_items (
    id               TEXT PRIMARY KEY,
    meeting_id       TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    owner_user_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
    attachments_json TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id, position);

CREATE TABLE attendance (
    meeting_id      TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    status          TEXT NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE decisions (
    id               TEXT PRIMARY KEY,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    forum_id         TEXT REFERENCES forums (id) ON DELETE SET NULL,
    meeting_id       TEXT REFERENCES meetings (id) ON DELETE SET NULL,
    title            TEXT NOT NULL,
    proposal         TEXT NOT NULL DEFAULT '',
    rule             TEXT NOT NULL,
    quorum           INTEGER NOT NULL DEFAULT 0,
    binding          BOOLEAN NOT NULL DEFAULT FALSE,
    status           TEXT NOT NULL,
    decided_on       DATE NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX decisions_collab ON decisions (collaboration_id, decided_on);

CREATE TABLE decision_strategies (
    decision_id TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    strategy_id TEXT NOT NULL REFERENCES strategies (id) ON DELETE CASCADE,
    PRIMARY KEY (decision_id, strategy_id)
);

CREATE TABLE votes (
    id                 TEXT PRIMARY KEY,
    decision_id        TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    organization_id    TEXT NOT NULL REFERENCES organizations (id),
    choice             TEXT NOT NULL,
    proxy              BOOLEAN NOT NULL DEFAULT FALSE,
    cast_by_user_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
    cast_by_name       TEXT NOT NULL,
    cast_by_org_id     TEXT NOT NULL REFERENCES organizations (id),
    comment            TEXT NOT NULL DEFAULT '',
    cast_at            TIMESTAMP NOT NULL,
    UNIQUE (decision_id, organization_id)
);

CREATE TABLE decision_proxies (
    decision_id           TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    organization_id       TEXT NOT NULL REFERENCES organizations (id),
    proxy_organization_id TEXT NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (decision_id, organization_id)
);

CREATE TABLE action_items (
    id               TEXT PRIMARY KEY,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    meeting_id       TEXT REFERENCES meetings (id) ON DELETE SET NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    owner_user_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
    organization_id  TEXT REFERENCES organizations (id),
    due              DATE,
    status           TEXT NOT NULL,
    done_on          DATE,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX action_items_collab ON action_items (collaboration_id, due);
CREATE INDEX action_items_owner ON action_items (owner_user_id);

-- Calendar feeds now also show a forum's, a person's or an organisation's
-- meetings; target_id names the forum.
ALTER TABLE calendar_feeds ADD COLUMN target_id TEXT NOT NULL DEFAULT '';

-- Notices the mail job sends: one row per notice and person, keyed so that
-- the same notice is never sent twice, kept across restarts.
CREATE TABLE notices (
    id          TEXT PRIMARY KEY,
    dedupe_key  TEXT NOT NULL UNIQUE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_at TIMESTAMP NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    sent_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX notices_due ON notices (status, next_try_at);

CREATE TABLE notice_opt_outs (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- +goose Down
DROP TABLE notice_opt_outs;
DROP TABLE notices;
ALTER TABLE calendar_feeds DROP COLUMN target_id;
DROP TABLE action_items;
DROP TABLE decision_proxies;
DROP TABLE votes;
DROP TABLE decision_strategies;
DROP TABLE decisions;
DROP TABLE attendance;
DROP TABLE agenda_items;
DROP TABLE meetings;
DROP TABLE forum_members;
DROP TABLE adjustment_forums;
DROP TABLE forums;
DROP TABLE strategy_owners;
DROP TABLE strategies;
DROP TABLE ambitions;
DROP TABLE collaboration_documents;
DROP TABLE chair_terms;
DROP TABLE member_events;
DROP TABLE adjustments;
DROP TABLE collaboration_members;
DROP TABLE collaborations;
