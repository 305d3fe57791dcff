-- +goose Up
-- Collaboration health reads the day each initiative was proposed (the
-- phase's day changes at every gate). Initiatives recorded before keep the
-- earliest day their history shows.
ALTER TABLE initiatives ADD COLUMN proposed_on DATE;
UPDATE initiatives SET proposed_on = LEAST(phase_since,
    (SELECT MIN(g.on_date) FROM initiative_gates g WHERE g.initiative_id = initiatives.id),
    (SELECT MIN(e.on_date) FROM participation_events e WHERE e.initiative_id = initiatives.id));

-- A collaboration's own thresholds of its health warnings (absent: the
-- defaults) and whether every signed-in user may see its health (else its
-- members' people only).
CREATE TABLE collaboration_health_settings (
    collaboration_id TEXT COLLATE "C" PRIMARY KEY REFERENCES collaborations (id) ON DELETE CASCADE,
    thresholds_json  TEXT NOT NULL,
    shared           BOOLEAN NOT NULL DEFAULT FALSE,
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE collaboration_health_settings;
ALTER TABLE initiatives DROP COLUMN proposed_on;
