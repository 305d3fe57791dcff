package sqldb

import (
	"context"
	"slices"

	"github.com/samspil/samspil"
)

var _ samspil.AmbitionService = (*DB)(nil)

const ambitionColumns = `a.id, a.collaboration_id, a.organization_id, o.name, a.area, a.level, a.explanation, a.declared_on, a.by_name, a.created_at`

func scanAmbition(r rowScanner) (samspil.Ambition, error) {
	var a samspil.Ambition
	var on nullDate
	var created dbTime
	err := r.Scan(&a.ID, &a.CollaborationID, &a.OrganizationID, &a.OrganizationName, &a.Area, &a.Level, &a.Explanation, &on, &a.ByName, &created)
	a.DeclaredOn, a.CreatedAt = on.D, created.T
	return a, err
}

// DeclareAmbitions records a member's ambition levels, one row per area;
// earlier declarations are kept. Only the member's own administrators and
// editors may declare for it, and only as a member on the day.
func (db *DB) DeclareAmbitions(ctx context.Context, actor *samspil.Actor, collabID string, in samspil.AmbitionInput) ([]samspil.Ambition, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out []samspil.Ambition
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.lockedCollab(tx, collabID)
		if err != nil {
			return err
		}
		on := in.DeclaredOn
		if on.IsZero() {
			on = samspil.Today(tx.now)
		}
		if on.After(samspil.Today(tx.now)) {
			return samspil.ErrorAt(samspil.EINVALID, "declared_on", "must not be in the future")
		}
		orgID, err := resolveOrgID(ctx, tx, in.OrganizationID)
		if err != nil {
			return err
		}
		if orgID == "" {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "is required")
		}
		m, err := representing(actor, c, orgID, on, "organization_id")
		if err != nil {
			return err
		}
		out = make([]samspil.Ambition, 0, len(in.Levels))
		for _, l := range in.Levels {
			a := samspil.Ambition{ID: newID(), CollaborationID: c.ID, OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName,
				Area: l.Area, Level: l.Level, Explanation: l.Explanation, DeclaredOn: on, ByName: actorLabel(actor), CreatedAt: tx.now}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ambitions (id, collaboration_id, organization_id, area, level, explanation, declared_on,
				by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, a.ID, c.ID, a.OrganizationID, string(a.Area), a.Level,
				a.Explanation, a.DeclaredOn, a.ByName, tx.now); err != nil {
				return err
			}
			out = append(out, a)
		}
		return tx.Audit(auditEntry{OrgID: m.OrganizationID, Action: "ambition.declare", ObjectType: "collaboration", ObjectID: c.ID, After: out})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListAmbitions returns every declaration of a visible collaboration,
// oldest first.
func (db *DB) ListAmbitions(ctx context.Context, actor *samspil.Actor, collabID string) ([]samspil.Ambition, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, err
	}
	return listAmbitions(ctx, db.read, c.ID)
}

func listAmbitions(ctx context.Context, qr querier, collabID string) ([]samspil.Ambition, error) {
	rows, err := qr.QueryContext(ctx, "SELECT "+ambitionColumns+` FROM ambitions a JOIN organizations o ON o.id = a.organization_id
		WHERE a.collaboration_id = $1 ORDER BY a.declared_on, a.created_at, a.id`, collabID)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanAmbition)
	if out == nil {
		out = []samspil.Ambition{}
	}
	return out, err
}

// alignmentInput returns a visible collaboration's declarations and the
// members active on the day (today when zero), with the day.
func (db *DB) alignmentInput(ctx context.Context, actor *samspil.Actor, collabID string, on samspil.Date) ([]samspil.Ambition, []string, samspil.Date, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, nil, on, err
	}
	if on.IsZero() {
		on = samspil.Today(db.now())
	}
	decls, err := listAmbitions(ctx, db.read, c.ID)
	if err != nil {
		return nil, nil, on, err
	}
	members := []string{}
	for _, m := range c.Members {
		if m.ActiveOn(on) {
			members = append(members, m.OrganizationID)
		}
	}
	return decls, members, on, nil
}

// Alignment compares the declared ambitions of the members active on the
// day (today when zero).
func (db *DB) Alignment(ctx context.Context, actor *samspil.Actor, collabID string, on samspil.Date) (*samspil.Alignment, error) {
	decls, members, on, err := db.alignmentInput(ctx, actor, collabID, on)
	if err != nil {
		return nil, err
	}
	al := samspil.Align(decls, members, on)
	if err := db.nameWarnings(ctx, actor, collabID, []samspil.Alignment{al}); err != nil {
		return nil, err
	}
	return &al, nil
}

// nameWarnings writes the members' names instead of their IDs into the
// warnings, which people read.
func (db *DB) nameWarnings(ctx context.Context, actor *samspil.Actor, collabID string, als []samspil.Alignment) error {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, m := range c.Members {
		names[m.OrganizationID] = m.OrganizationName
	}
	for i := range als {
		for j := range als[i].Warnings {
			w := &als[i].Warnings[j]
			args := slices.Clone(w.Args)
			for k, a := range args {
				if id, ok := a.(string); ok && names[id] != "" {
					args[k] = names[id]
				}
			}
			w.Args = args
		}
	}
	return nil
}

// AlignmentHistory compares the ambitions of the members active on the day
// (today when zero) on each day one of them declared, up to that day.
func (db *DB) AlignmentHistory(ctx context.Context, actor *samspil.Actor, collabID string, on samspil.Date) ([]samspil.Alignment, error) {
	decls, members, on, err := db.alignmentInput(ctx, actor, collabID, on)
	if err != nil {
		return nil, err
	}
	upTo := decls[:0:0]
	for _, d := range decls {
		if !d.DeclaredOn.After(on) {
			upTo = append(upTo, d)
		}
	}
	hist := samspil.AlignmentHistory(upTo, members)
	if err := db.nameWarnings(ctx, actor, collabID, hist); err != nil {
		return nil, err
	}
	return hist, nil
}
