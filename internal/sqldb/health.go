package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/samspil/samspil"
)

var _ samspil.HealthService = (*DB)(nil)

// CollaborationHealth computes a collaboration's health on day at (today
// when zero) from its recorded history: one query per kind of record, each
// by the collaboration's indexed column, and the computation in the domain
// (samspil.ComputeHealth). Who may not see it gets "not found".
func (db *DB) CollaborationHealth(ctx context.Context, actor *samspil.Actor, collabID string, at samspil.Date) (*samspil.Health, error) {
	at, err := samspil.HealthDay(at, samspil.Today(db.now()))
	if err != nil {
		return nil, err
	}
	f, settings, err := db.healthInput(ctx, actor, collabID)
	if err != nil {
		return nil, err
	}
	return samspil.ComputeHealth(f, at, settings.Thresholds), nil
}

// healthInput returns the history and settings of a collaboration whose
// health the actor sees.
func (db *DB) healthInput(ctx context.Context, actor *samspil.Actor, collabID string) (*samspil.HealthFacts, *samspil.HealthSettings, error) {
	c, settings, err := db.healthCollab(ctx, actor, collabID)
	if err != nil {
		return nil, nil, err
	}
	f, err := db.healthFacts(ctx, c)
	return f, settings, err
}

// HealthReport computes a collaboration's health report of a period.
func (db *DB) HealthReport(ctx context.Context, actor *samspil.Actor, collabID string, from, to samspil.Date) (*samspil.HealthReport, error) {
	from, to, err := samspil.ReportPeriod(from, to, samspil.Today(db.now()))
	if err != nil {
		return nil, err
	}
	f, settings, err := db.healthInput(ctx, actor, collabID)
	if err != nil {
		return nil, err
	}
	return samspil.NewHealthReport(f, from, to, settings.Thresholds), nil
}

// OrganizationHealth summarises the collaborations the organisation is a
// member of on day at whose health the actor sees, healthiest first.
func (db *DB) OrganizationHealth(ctx context.Context, actor *samspil.Actor, orgID string, at samspil.Date) ([]samspil.HealthSummary, error) {
	today := samspil.Today(db.now())
	at, err := samspil.HealthDay(at, today)
	if err != nil {
		return nil, err
	}
	org, err := db.FindOrganization(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	out := []samspil.HealthSummary{}
	f := samspil.CollaborationFilter{OrganizationID: org.ID, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}}
	for {
		page, err := db.ListCollaborations(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		for i := range page.Items {
			c := &page.Items[i]
			if c.MemberOn(org.ID, at) == nil {
				continue
			}
			settings, err := healthSettings(ctx, db.read, c.ID)
			if err != nil {
				return nil, err
			}
			if !actor.MaySeeHealth(c, today, settings.Shared) {
				continue
			}
			facts, err := db.healthFacts(ctx, c)
			if err != nil {
				return nil, err
			}
			out = append(out, samspil.ComputeHealth(facts, at, settings.Thresholds).Summarize(org.ID))
		}
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			break
		}
	}
	samspil.SortPortfolio(out)
	return out, nil
}

// CollaborationDifferences compares the organisations of the
// collaboration's active members: their top level, where IT sits, their
// size and whom they send to each active forum. Who sees the health sees
// it.
func (db *DB) CollaborationDifferences(ctx context.Context, actor *samspil.Actor, collabID string) (*samspil.OrgComparison, error) {
	c, _, err := db.healthCollab(ctx, actor, collabID)
	if err != nil {
		return nil, err
	}
	today := samspil.Today(db.now())
	var profiles []samspil.OrgProfile
	index := map[string]int{}
	for _, m := range c.Members {
		if _, seen := index[m.OrganizationID]; seen || !m.ActiveOn(today) {
			continue
		}
		index[m.OrganizationID] = len(profiles)
		profiles = append(profiles, samspil.OrgProfile{OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName,
			People: map[string]samspil.Representative{}})
	}
	// Three queries for all the members: their populations, units and
	// people. Former members' rows are read too and left out.
	members := `SELECT cm.organization_id FROM collaboration_members cm WHERE cm.collaboration_id = $1`
	err = eachRow(ctx, db.read, `SELECT o.id, `+newestPopulation+` FROM organizations o WHERE o.id IN (`+members+`)`, []any{c.ID},
		func(r rowScanner) error {
			var id string
			var pop sql.NullInt64
			if err := r.Scan(&id, &pop); err != nil {
				return err
			}
			if i, ok := index[id]; ok {
				profiles[i].Population = int(pop.Int64)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, db.read, "SELECT "+unitColumns+" FROM org_units WHERE organization_id IN ("+members+")", []any{c.ID},
		func(r rowScanner) error {
			u, err := scanUnit(r)
			if err != nil {
				return err
			}
			if i, ok := index[u.OrganizationID]; ok {
				profiles[i].Units = append(profiles[i].Units, u)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, db.read, `SELECT m.organization_id, m.user_id, u.display_name, m.position, m.level FROM memberships m
		JOIN users u ON u.id = m.user_id WHERE m.organization_id IN (`+members+`)`, []any{c.ID}, func(r rowScanner) error {
		var org string
		var rep samspil.Representative
		if err := r.Scan(&org, &rep.UserID, &rep.Name, &rep.Position, &rep.Level); err != nil {
			return err
		}
		if i, ok := index[org]; ok {
			profiles[i].People[rep.UserID] = rep
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range profiles {
		profiles[i].Units = samspil.SortTree(profiles[i].Units)
	}
	forums, err := db.ListForums(ctx, actor, c.ID)
	if err != nil {
		return nil, err
	}
	return samspil.CompareOrganisations(c.ID, profiles, forums), nil
}

// healthCollab returns the collaboration and its health settings when the
// actor may see its health, else "not found".
func (db *DB) healthCollab(ctx context.Context, actor *samspil.Actor, collabID string) (*samspil.Collaboration, *samspil.HealthSettings, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, nil, err
	}
	s, err := healthSettings(ctx, db.read, c.ID)
	if err != nil {
		return nil, nil, err
	}
	if !actor.MaySeeHealth(c, samspil.Today(db.now()), s.Shared) {
		return nil, nil, samspil.NotFound("collaboration")
	}
	return c, s, nil
}

// healthSettings reads a collaboration's settings, the defaults (version
// 1, no row) when it has none.
func healthSettings(ctx context.Context, qr querier, collabID string) (*samspil.HealthSettings, error) {
	s := &samspil.HealthSettings{CollaborationID: collabID, Thresholds: samspil.DefaultHealthThresholds(), Version: 1}
	var raw string
	err := qr.QueryRowContext(ctx, `SELECT thresholds_json, shared, version FROM collaboration_health_settings WHERE collaboration_id = $1`,
		collabID).Scan(&raw, &s.Shared, &s.Version)
	if err == sql.ErrNoRows {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(raw), &s.Thresholds); err != nil {
		return nil, fmt.Errorf("health thresholds of %s: %w", collabID, err)
	}
	return s, nil
}

// HealthSettings returns the collaboration's thresholds and sharing.
func (db *DB) HealthSettings(ctx context.Context, actor *samspil.Actor, collabID string) (*samspil.HealthSettings, error) {
	_, s, err := db.healthCollab(ctx, actor, collabID)
	return s, err
}

// SetHealthSettings changes the collaboration's thresholds and sharing;
// only its managers may. version is the settings' version (1 while the
// defaults apply; the first change stores version 2).
func (db *DB) SetHealthSettings(ctx context.Context, actor *samspil.Actor, collabID string, version int, in samspil.HealthSettings) (*samspil.HealthSettings, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *samspil.HealthSettings
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.lockedCollab(tx, collabID)
		if err != nil {
			return err
		}
		today := samspil.Today(tx.now)
		before, err := healthSettings(tx.ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if !actor.MaySeeHealth(c, today, before.Shared) {
			return samspil.NotFound("collaboration")
		}
		if err := tx.actor.RequireSetHealthThresholds(c, today); err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		raw, err := json.Marshal(in.Thresholds)
		if err != nil {
			return err
		}
		after := &samspil.HealthSettings{CollaborationID: c.ID, Thresholds: in.Thresholds, Shared: in.Shared, Version: before.Version + 1}
		if before.Version == 1 {
			_, err = tx.ExecContext(tx.ctx, `INSERT INTO collaboration_health_settings (collaboration_id, thresholds_json, shared, version, updated_at)
				VALUES ($1, $2, $3, 2, $4)`, c.ID, string(raw), in.Shared, tx.now)
		} else {
			err = tx.execVersioned("collaboration_health_settings", "health settings", c.ID, before.Version,
				`UPDATE collaboration_health_settings SET thresholds_json = $1, shared = $2, version = $3, updated_at = $4
				WHERE collaboration_id = $5 AND version = $6`, string(raw), in.Shared, after.Version, tx.now, c.ID, before.Version)
		}
		if err != nil {
			return err
		}
		out = after
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, today), Action: "collaboration.health_settings", ObjectType: "collaboration",
			ObjectID: c.ID, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// healthFacts reads the recorded history of a collaboration that health
// is computed from.
func (db *DB) healthFacts(ctx context.Context, c *samspil.Collaboration) (*samspil.HealthFacts, error) {
	f := &samspil.HealthFacts{Collaboration: *c}
	var err error
	if f.MemberEvents, err = db.memberEvents(ctx, c.ID); err != nil {
		return nil, err
	}
	if f.Ambitions, err = listAmbitions(ctx, db.read, c.ID); err != nil {
		return nil, err
	}
	if err := db.healthMeetings(ctx, f); err != nil {
		return nil, err
	}
	if err := db.healthGovernance(ctx, f); err != nil {
		return nil, err
	}
	if err := db.healthInitiatives(ctx, f); err != nil {
		return nil, err
	}
	return f, nil
}

// healthMeetings reads the forums, their meetings (the day each starts in
// its forum's zone) and who attended.
func (db *DB) healthMeetings(ctx context.Context, f *samspil.HealthFacts) error {
	id := f.Collaboration.ID
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, level, time_zone FROM forums WHERE collaboration_id = $1 ORDER BY id`, id)
	if err != nil {
		return err
	}
	zones := map[string]string{}
	f.Forums, err = collect(rows, func(r rowScanner) (samspil.Forum, error) {
		var fr samspil.Forum
		err := r.Scan(&fr.ID, &fr.Name, &fr.Level, &fr.TimeZone)
		zones[fr.ID] = fr.TimeZone
		return fr, err
	})
	if err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT id, forum_id, start_at, occurrence IS NOT NULL, status FROM meetings
		WHERE collaboration_id = $1 ORDER BY start_at, id`, id)
	if err != nil {
		return err
	}
	index := map[string]int{}
	i := 0
	f.Meetings, err = collect(rows, func(r rowScanner) (samspil.HealthMeeting, error) {
		var m samspil.HealthMeeting
		var mid string
		var start dbTime
		err := r.Scan(&mid, &m.ForumID, &start, &m.Planned, &m.Status)
		m.On = samspil.DateOf(start.T.In(zone(zones[m.ForumID])))
		index[mid] = i
		i++
		return m, err
	})
	if err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT a.meeting_id, a.organization_id, a.status FROM attendance a
		JOIN meetings m ON m.id = a.meeting_id WHERE m.collaboration_id = $1`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var mid string
		var a samspil.Attendance
		if err := rows.Scan(&mid, &a.OrganizationID, &a.Status); err != nil {
			return err
		}
		if j, ok := index[mid]; ok {
			f.Meetings[j].Attendance = append(f.Meetings[j].Attendance, a)
		}
	}
	return rows.Err()
}

// healthGovernance reads the action items and decisions.
func (db *DB) healthGovernance(ctx context.Context, f *samspil.HealthFacts) error {
	id := f.Collaboration.ID
	rows, err := db.read.QueryContext(ctx, `SELECT id, COALESCE(organization_id, ''), `+dateColumn(db.engine, "due")+`, status, `+
		dateColumn(db.engine, "done_on")+` FROM action_items WHERE collaboration_id = $1 ORDER BY id`, id)
	if err != nil {
		return err
	}
	f.ActionItems, err = collect(rows, func(r rowScanner) (samspil.ActionItem, error) {
		var a samspil.ActionItem
		var due, done nullDate
		err := r.Scan(&a.ID, &a.OrganizationID, &due, &a.Status, &done)
		a.Due, a.DoneOn = due.Ptr(), done.Ptr()
		return a, err
	})
	if err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, "SELECT "+decisionColumns+" FROM decisions d WHERE d.collaboration_id = $1 ORDER BY d.decided_on, d.id", id)
	if err != nil {
		return err
	}
	f.Decisions, err = collect(rows, scanDecision)
	return err
}

// healthInitiatives reads the collaboration's initiatives with their gates
// and participations' histories, and their benefits with realisations.
func (db *DB) healthInitiatives(ctx context.Context, f *samspil.HealthFacts) error {
	id := f.Collaboration.ID
	rows, err := db.read.QueryContext(ctx, `SELECT id, owner_id, `+dateColumn(db.engine, "proposed_on")+`, phase
		FROM initiatives WHERE collaboration_id = $1 ORDER BY id`, id)
	if err != nil {
		return err
	}
	f.Initiatives, err = collect(rows, func(r rowScanner) (samspil.Initiative, error) {
		var x samspil.Initiative
		err := r.Scan(&x.ID, &x.OwnerID, &x.ProposedOn, &x.Phase)
		return x, err
	})
	if err != nil {
		return err
	}
	index := make(map[string]int, len(f.Initiatives))
	for i := range f.Initiatives {
		index[f.Initiatives[i].ID] = i
	}
	if err := eachRow(ctx, db.read, `SELECT g.initiative_id, g.from_phase, g.to_phase, `+dateColumn(db.engine, "g.on_date")+`, g.recorded_at
		FROM initiative_gates g JOIN initiatives i ON i.id = g.initiative_id WHERE i.collaboration_id = $1 ORDER BY g.on_date, g.recorded_at`, []any{id}, func(r rowScanner) error {
		var xid string
		var g samspil.Gate
		var at dbTime
		if err := r.Scan(&xid, &g.From, &g.To, &g.On, &at); err != nil {
			return err
		}
		g.RecordedAt = at.T
		if j, ok := index[xid]; ok {
			f.Initiatives[j].Gates = append(f.Initiatives[j].Gates, g)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := eachRow(ctx, db.read, `SELECT e.initiative_id, e.organization_id, e.state, `+dateColumn(db.engine, "e.on_date")+`, e.recorded_at
		FROM participation_events e JOIN initiatives i ON i.id = e.initiative_id WHERE i.collaboration_id = $1
		ORDER BY e.initiative_id, e.organization_id, e.on_date, e.recorded_at`, []any{id}, func(r rowScanner) error {
		var xid, org string
		var e samspil.ParticipationEvent
		var at dbTime
		if err := r.Scan(&xid, &org, &e.State, &e.On, &at); err != nil {
			return err
		}
		e.RecordedAt = at.T
		j, ok := index[xid]
		if !ok {
			return nil
		}
		x := &f.Initiatives[j]
		if n := len(x.Participations); n == 0 || x.Participations[n-1].OrganizationID != org {
			x.Participations = append(x.Participations, samspil.Participation{OrganizationID: org})
		}
		p := &x.Participations[len(x.Participations)-1]
		p.History = append(p.History, e)
		p.State, p.Since = e.State, e.On
		return nil
	}); err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT b.id, b.initiative_id, b.organization_id, b.kind, b.planned
		FROM initiative_benefits b JOIN initiatives i ON i.id = b.initiative_id WHERE i.collaboration_id = $1 ORDER BY b.id`, id)
	if err != nil {
		return err
	}
	if f.Benefits, err = collect(rows, func(r rowScanner) (samspil.Benefit, error) {
		var b samspil.Benefit
		err := r.Scan(&b.ID, &b.InitiativeID, &b.OrganizationID, &b.Kind, &b.Planned)
		return b, err
	}); err != nil {
		return err
	}
	bindex := make(map[string]int, len(f.Benefits))
	for i := range f.Benefits {
		bindex[f.Benefits[i].ID] = i
	}
	return eachRow(ctx, db.read, `SELECT r.benefit_id, `+dateColumn(db.engine, "r.on_date")+`, r.value, r.recorded_at
		FROM benefit_realisations r JOIN initiative_benefits b ON b.id = r.benefit_id JOIN initiatives i ON i.id = b.initiative_id
		WHERE i.collaboration_id = $1 ORDER BY r.on_date, r.recorded_at`, []any{id}, func(r rowScanner) error {
		var bid string
		var re samspil.Realisation
		var at dbTime
		if err := r.Scan(&bid, &re.On, &re.Value, &at); err != nil {
			return err
		}
		re.RecordedAt = at.T
		if j, ok := bindex[bid]; ok {
			f.Benefits[j].Realisations = append(f.Benefits[j].Realisations, re)
		}
		return nil
	})
}
