package sqldb

import (
	"context"

	"github.com/samspil/samspil"
)

// An initiative's budget lines and the calculator that splits them among
// its participants under every cost key. The lines are read by those who
// see the initiative and kept by those who keep it
// (samspil.Actor.MayManageInitiative), while it is open.

const budgetLineColumns = `l.id, l.initiative_id, l.kind, l.title, l.description, l.amount, l.year, l.version, l.created_at, l.updated_at`

// scanBudgetLine scans a budget line and the initiative it belongs to.
func scanBudgetLine(r rowScanner) (samspil.BudgetLine, string, error) {
	var l samspil.BudgetLine
	var initiativeID string
	var created, updated dbTime
	err := r.Scan(&l.ID, &initiativeID, &l.Kind, &l.Title, &l.Description, &l.Amount, &l.Year, &l.Version, &created, &updated)
	l.CreatedAt, l.UpdatedAt = created.T, updated.T
	return l, initiativeID, err
}

// budgetLines returns the lines of an initiative: development first, then
// operation, each by year and in the order they were added.
func budgetLines(ctx context.Context, qr querier, initiativeID string) ([]samspil.BudgetLine, error) {
	rows, err := qr.QueryContext(ctx, `SELECT `+budgetLineColumns+` FROM initiative_budget_lines l WHERE l.initiative_id = $1
		ORDER BY l.kind, l.year, l.created_at, l.id`, initiativeID)
	if err != nil {
		return nil, err
	}
	lines, err := collect(rows, func(r rowScanner) (samspil.BudgetLine, error) {
		l, _, err := scanBudgetLine(r)
		return l, err
	})
	return nonNil(lines), err
}

// findBudgetLine returns a budget line of an initiative the actor sees,
// with the initiative's ID.
func (db *DB) findBudgetLine(ctx context.Context, qr querier, actor *samspil.Actor, lineID string) (*samspil.BudgetLine, string, error) {
	var q query
	q.cond("l.id = " + q.arg(lineID))
	q.cond(visibleInitiativeCond(&q, actor))
	l, initiativeID, err := scanBudgetLine(qr.QueryRowContext(ctx, `SELECT `+budgetLineColumns+` FROM initiative_budget_lines l
		JOIN initiatives i ON i.id = l.initiative_id`+q.whereSQL(), q.args...))
	if err != nil {
		return nil, "", errNoRows(err, "budget line")
	}
	return &l, initiativeID, nil
}

// ListBudgetLines lists the budget lines of a visible initiative.
func (db *DB) ListBudgetLines(ctx context.Context, actor *samspil.Actor, id string) ([]samspil.BudgetLine, error) {
	visible, err := db.findInitiativeRow(ctx, db.read, actor, id)
	if err != nil {
		return nil, err
	}
	return budgetLines(ctx, db.read, visible)
}

// findInitiativeRow returns the ID of an initiative the actor sees, or
// ENOTFOUND, without loading its parts.
func (db *DB) findInitiativeRow(ctx context.Context, qr querier, actor *samspil.Actor, id string) (string, error) {
	var q query
	q.cond("i.id = " + q.arg(id))
	q.cond(visibleInitiativeCond(&q, actor))
	var out string
	if err := qr.QueryRowContext(ctx, `SELECT i.id FROM initiatives i`+q.whereSQL(), q.args...).Scan(&out); err != nil {
		return "", errNoRows(err, "initiative")
	}
	return out, nil
}

// budgetInitiative is managedInitiative for a change of the budget: the
// initiative must be open.
func (db *DB) budgetInitiative(tx *Tx, id string) (*samspil.Initiative, error) {
	x, _, err := db.managedInitiative(tx, id)
	if err != nil {
		return nil, err
	}
	if x.Phase.Final() {
		return nil, samspil.Errorf(samspil.ECONFLICT, "the initiative is %s; its budget is kept as it was", samspil.Term(x.Phase))
	}
	return x, nil
}

// touchInitiative moves the initiative's updated_at on, so that a client
// that syncs changed initiatives fetches its budget or benefits again.
func (tx *Tx) touchInitiative(id string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE initiatives SET updated_at = $2 WHERE id = $1`, id, tx.now)
	return err
}

// AddBudgetLine adds a line to the budget of an open initiative.
func (db *DB) AddBudgetLine(ctx context.Context, actor *samspil.Actor, id string, in samspil.BudgetLineInput) (*samspil.BudgetLine, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var lineID string
	err := db.update(ctx, actor, func(tx *Tx) error {
		x, err := db.budgetInitiative(tx, id)
		if err != nil {
			return err
		}
		l := samspil.BudgetLine{ID: newID(), Kind: in.Kind, Title: in.Title, Description: in.Description, Amount: in.Amount, Year: in.Year,
			Version: 1, CreatedAt: tx.now, UpdatedAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiative_budget_lines (id, initiative_id, kind, title, description, amount, year,
			version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)`, l.ID, x.ID, string(l.Kind), l.Title, l.Description,
			int64(l.Amount), l.Year, tx.now); err != nil {
			return err
		}
		if err := tx.touchInitiative(x.ID); err != nil {
			return err
		}
		lineID = l.ID
		return tx.Audit(auditEntry{OrgID: initiativeOrg(x), Action: "initiative.budget.create", ObjectType: "initiative_budget_line",
			ObjectID: l.ID, After: l})
	})
	if err != nil {
		return nil, err
	}
	l, _, err := db.findBudgetLine(ctx, db.read, actor, lineID)
	return l, err
}

// keptBudgetLine finds a budget line the actor sees in a write transaction
// and checks that the actor may change the budget of its initiative, which
// is open; it returns the line as stored and the initiative.
func (db *DB) keptBudgetLine(tx *Tx, lineID string) (*samspil.BudgetLine, *samspil.Initiative, error) {
	_, initiativeID, err := db.findBudgetLine(tx.ctx, tx, tx.actor, lineID)
	if err != nil {
		return nil, nil, err
	}
	x, err := db.budgetInitiative(tx, initiativeID)
	if err != nil {
		return nil, nil, err
	}
	l, _, err := db.findBudgetLine(tx.ctx, tx, samspil.SystemActor("store"), lineID)
	if err != nil {
		return nil, nil, err
	}
	return l, x, nil
}

// UpdateBudgetLine replaces a budget line of the given version.
func (db *DB) UpdateBudgetLine(ctx context.Context, actor *samspil.Actor, lineID string, version int, in samspil.BudgetLineInput) (*samspil.BudgetLine, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, x, err := db.keptBudgetLine(tx, lineID)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after := *before
		after.Kind, after.Title, after.Description, after.Amount, after.Year = in.Kind, in.Title, in.Description, in.Amount, in.Year
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		if err := tx.execVersioned("initiative_budget_lines", "budget line", lineID, version, `UPDATE initiative_budget_lines
			SET kind = $1, title = $2, description = $3, amount = $4, year = $5, version = $6, updated_at = $7 WHERE id = $8 AND version = $9`,
			string(after.Kind), after.Title, after.Description, int64(after.Amount), after.Year, after.Version, tx.now, lineID, version); err != nil {
			return err
		}
		if err := tx.touchInitiative(x.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: initiativeOrg(x), Action: "initiative.budget.update", ObjectType: "initiative_budget_line",
			ObjectID: lineID, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	l, _, err := db.findBudgetLine(ctx, db.read, actor, lineID)
	return l, err
}

// DeleteBudgetLine removes a budget line of the given version.
func (db *DB) DeleteBudgetLine(ctx context.Context, actor *samspil.Actor, lineID string, version int) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		before, x, err := db.keptBudgetLine(tx, lineID)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		if err := tx.execVersioned("initiative_budget_lines", "budget line", lineID, version,
			`DELETE FROM initiative_budget_lines WHERE id = $1 AND version = $2`, lineID, version); err != nil {
			return err
		}
		if err := tx.touchInitiative(x.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: initiativeOrg(x), Action: "initiative.budget.delete", ObjectType: "initiative_budget_line",
			ObjectID: lineID, Before: before})
	})
}

// CostShares splits the budget of a visible initiative among its
// participants (pledged, voluntary or binding, in the order of the
// participations) under every key, with the population of the
// initiative's population year and the fixed percentages of its cost
// settings. A key that cannot split (percentages that do not sum to 100)
// says so in its Problem; the others are computed.
func (db *DB) CostShares(ctx context.Context, actor *samspil.Actor, id string) (*samspil.CostShares, error) {
	// The initiative's own row and its participations with their
	// populations are all the calculator needs.
	var q query
	q.cond("i.id = " + q.arg(id))
	q.cond(visibleInitiativeCond(&q, actor))
	x, err := scanInitiative(db.read.QueryRowContext(ctx, initiativeSelects[db.engine]+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "initiative")
	}
	xs := []samspil.Initiative{x}
	if err := db.finishInitiatives(ctx, db.read, actor, xs, false); err != nil {
		return nil, err
	}
	return xs[0].CostShares(), nil
}
