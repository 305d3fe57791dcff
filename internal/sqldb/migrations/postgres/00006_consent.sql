-- +goose Up
-- Consent: organisations join collaborations by accepting invitations,
-- adjustments take effect once the members they concern approve, each
-- organisation chooses which collaborations make partners, and people join
-- organisations by invitation. Existing memberships were agreed before
-- samspil recorded consent: they are kept as accepted on their first day,
-- and existing adjustments as approved on their effective date.

CREATE TABLE collaboration_invitations (
    id               TEXT COLLATE "C" PRIMARY KEY,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    role             TEXT NOT NULL,
    commitment       TEXT NOT NULL,
    since            DATE NOT NULL,
    message          TEXT NOT NULL DEFAULT '',
    founding         BOOLEAN NOT NULL DEFAULT FALSE,
    status           TEXT NOT NULL,
    invited_by_name  TEXT NOT NULL,
    answered_on      DATE,
    answered_by_name TEXT NOT NULL DEFAULT '',
    reason           TEXT NOT NULL DEFAULT '',
    member_id        TEXT REFERENCES collaboration_members (id) ON DELETE SET NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX collaboration_invitations_collab ON collaboration_invitations (collaboration_id, status);
CREATE INDEX collaboration_invitations_org ON collaboration_invitations (organization_id, status);
CREATE UNIQUE INDEX collaboration_invitations_pending ON collaboration_invitations (collaboration_id, organization_id)
    WHERE status = 'pending';

INSERT INTO collaboration_invitations (id, collaboration_id, organization_id, role, commitment, since, founding, status,
    invited_by_name, answered_on, answered_by_name, member_id, version, created_at, updated_at)
SELECT 'mig-' || m.id, m.collaboration_id, m.organization_id, m.role, m.commitment, m.since, m.since = c.start_date, 'accepted',
    'samspil 00006', m.since, 'samspil 00006', m.id, 1, m.created_at, m.created_at
FROM collaboration_members m JOIN collaborations c ON c.id = m.collaboration_id;

ALTER TABLE adjustments ADD COLUMN status TEXT NOT NULL DEFAULT 'in_effect';
ALTER TABLE adjustments ADD COLUMN applied_at TIMESTAMPTZ;
ALTER TABLE adjustments ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE adjustments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
UPDATE adjustments SET applied_at = created_at;
CREATE INDEX adjustments_due ON adjustments (status, effective_on);

-- What an adjustment changes for each member: its commitment or its role.
CREATE TABLE adjustment_changes (
    adjustment_id   TEXT NOT NULL REFERENCES adjustments (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    kind            TEXT NOT NULL,
    to_value        TEXT NOT NULL,
    PRIMARY KEY (adjustment_id, organization_id, kind)
);
INSERT INTO adjustment_changes (adjustment_id, organization_id, kind, to_value)
SELECT adjustment_id, organization_id, kind, MAX(to_value) FROM member_events
WHERE adjustment_id IS NOT NULL AND kind IN ('commitment', 'role')
GROUP BY adjustment_id, organization_id, kind;

-- The consent of each member an adjustment concerns.
CREATE TABLE adjustment_approvals (
    adjustment_id   TEXT NOT NULL REFERENCES adjustments (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    state           TEXT NOT NULL,
    on_date         DATE,
    by_name         TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    recorded_at     TIMESTAMPTZ,
    PRIMARY KEY (adjustment_id, organization_id)
);
CREATE INDEX adjustment_approvals_org ON adjustment_approvals (organization_id, state);
INSERT INTO adjustment_approvals (adjustment_id, organization_id, state, on_date, by_name, recorded_at)
SELECT DISTINCT ch.adjustment_id, ch.organization_id, 'approved', a.effective_on, 'samspil 00006', a.created_at
FROM adjustment_changes ch JOIN adjustments a ON a.id = ch.adjustment_id;
INSERT INTO adjustment_approvals (adjustment_id, organization_id, state, on_date, by_name, recorded_at)
SELECT DISTINCT a.id, m.organization_id, 'approved', a.effective_on, 'samspil 00006', a.created_at
FROM adjustments a JOIN collaboration_members m ON m.collaboration_id = a.collaboration_id
WHERE a.exclusivity <> '' AND a.exclusivity <> a.previous_exclusivity
    AND m.since <= a.effective_on AND (m.until IS NULL OR m.until >= a.effective_on)
    AND m.role <> 'observer' AND m.commitment <> 'observer'
ON CONFLICT (adjustment_id, organization_id) DO NOTHING;

-- Collaborations an organisation does not count for partners: their
-- members do not see what it shares with partners. By default all count.
CREATE TABLE partner_exclusions (
    organization_id  TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    collaboration_id TEXT NOT NULL REFERENCES collaborations (id) ON DELETE CASCADE,
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, collaboration_id)
);
CREATE INDEX partner_exclusions_collab ON partner_exclusions (collaboration_id);

-- People are invited to an organisation by e-mail.
CREATE TABLE person_invitations (
    id              TEXT COLLATE "C" PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    email_fold      TEXT NOT NULL,
    role            TEXT NOT NULL,
    message         TEXT NOT NULL DEFAULT '',
    secret_hash     TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    invited_by_name TEXT NOT NULL,
    user_id         TEXT REFERENCES users (id) ON DELETE SET NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    answered_at     TIMESTAMPTZ,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_invitations_org ON person_invitations (organization_id, status, created_at);
CREATE INDEX person_invitations_email ON person_invitations (email_fold, status);
CREATE UNIQUE INDEX person_invitations_pending ON person_invitations (organization_id, email_fold) WHERE status = 'pending';

-- The organisation whose administrator or invitation made an account; only
-- its administrators may set the password of an account that belongs to it
-- alone. Known for existing accounts from the audit log.
ALTER TABLE users ADD COLUMN created_by_org TEXT REFERENCES organizations (id);
UPDATE users SET created_by_org = (SELECT MIN(e.organization_id) FROM audit_events e
    WHERE e.action = 'user.create' AND e.object_type = 'user' AND e.object_id = users.id);

-- Password reset links sent by e-mail; only a hash of the secret is kept.
CREATE TABLE password_resets (
    secret_hash TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- +goose Down
DROP TABLE password_resets;
ALTER TABLE users DROP COLUMN created_by_org;
DROP TABLE person_invitations;
DROP TABLE partner_exclusions;
DROP TABLE adjustment_approvals;
DROP TABLE adjustment_changes;
DROP INDEX adjustments_due;
ALTER TABLE adjustments DROP COLUMN version;
ALTER TABLE adjustments DROP COLUMN reason;
ALTER TABLE adjustments DROP COLUMN applied_at;
ALTER TABLE adjustments DROP COLUMN status;
DROP TABLE collaboration_invitations;
