package sqldb

import (
	"context"
	"strconv"

	"github.com/samspil/samspil"
)

var _ samspil.OrgUnitService = (*DB)(nil)

const unitColumns = `id, organization_id, parent_id, kind, name, it, version, created_at, updated_at`

func scanUnit(r rowScanner) (samspil.OrgUnit, error) {
	var u samspil.OrgUnit
	var parent *string
	var created, updated dbTime
	err := r.Scan(&u.ID, &u.OrganizationID, &parent, &u.Kind, &u.Name, &u.IT, &u.Version, &created, &updated)
	u.ParentID, u.CreatedAt, u.UpdatedAt = deref(parent), created.T, updated.T
	return u, err
}

// orgTree loads all units of an organisation, depth-first.
func orgTree(ctx context.Context, qr querier, orgID string) ([]samspil.OrgUnit, error) {
	rows, err := qr.QueryContext(ctx, "SELECT "+unitColumns+" FROM org_units WHERE organization_id = $1", orgID)
	if err != nil {
		return nil, err
	}
	units, err := collect(rows, scanUnit)
	if err != nil {
		return nil, err
	}
	return samspil.SortTree(units), nil
}

// ListUnits returns an organisation's unit tree depth-first; units are
// visible to whoever sees the organisation.
func (db *DB) ListUnits(ctx context.Context, actor *samspil.Actor, orgID string, opt samspil.ListOptions) (*samspil.Page[samspil.OrgUnit], error) {
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	tree, err := orgTree(ctx, db.read, org.ID)
	if err != nil {
		return nil, err
	}
	keys, err := decodeCursor(opt.Cursor, 1)
	if err != nil {
		return nil, err
	}
	start := 0
	if keys != nil {
		if start, err = strconv.Atoi(keys[0]); err != nil || start < 0 {
			return nil, errBadCursor()
		}
	}
	var units []samspil.OrgUnit
	pos := map[string]int{}
	for i := start; i < len(tree); i++ {
		u := tree[i]
		if opt.ChangedSince != nil && u.UpdatedAt.Before(*opt.ChangedSince) {
			continue
		}
		pos[u.ID] = i
		units = append(units, u)
	}
	return pageOf(units, opt.PageSize(), func(u samspil.OrgUnit) []string { return []string{strconv.Itoa(pos[u.ID] + 1)} }), nil
}

// UnitTree returns a visible organisation's whole unit tree, depth-first,
// reading it once where paging through ListUnits reads it for every page.
func (db *DB) UnitTree(ctx context.Context, actor *samspil.Actor, orgID string) ([]samspil.OrgUnit, error) {
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	return orgTree(ctx, db.read, org.ID)
}

// FindUnit returns one unit of a visible organisation.
func (db *DB) FindUnit(ctx context.Context, actor *samspil.Actor, orgID, unitID string) (*samspil.OrgUnit, error) {
	return db.findUnit(ctx, db.read, actor, orgID, unitID)
}

func (db *DB) findUnit(ctx context.Context, qr querier, actor *samspil.Actor, orgID, unitID string) (*samspil.OrgUnit, error) {
	org, err := db.findOrg(ctx, qr, actor, orgID)
	if err != nil {
		return nil, err
	}
	tree, err := orgTree(ctx, qr, org.ID)
	if err != nil {
		return nil, err
	}
	for _, u := range tree {
		if u.ID == unitID {
			return &u, nil
		}
	}
	return nil, samspil.NotFound("unit")
}

// writableOrg finds a visible organisation and checks that the actor may
// write its units.
func (db *DB) writableOrg(tx *Tx, orgID string) (*samspil.Organization, error) {
	org, err := db.findOrg(tx.ctx, tx, tx.actor, orgID)
	if err != nil {
		return nil, err
	}
	if err := tx.actor.Require(samspil.PermUnitsWrite, org.ID, org.Name); err != nil {
		return nil, err
	}
	// Checks on the tree must see concurrent changes to it.
	if err := tx.lockOrg(org.ID); err != nil {
		return nil, err
	}
	return org, nil
}

// CreateUnit adds a unit to an organisation's tree.
func (db *DB) CreateUnit(ctx context.Context, actor *samspil.Actor, orgID string, in samspil.OrgUnitInput) (*samspil.OrgUnit, error) {
	var u samspil.OrgUnit
	err := db.update(ctx, actor, func(tx *Tx) (err error) {
		u, err = db.createUnit(tx, orgID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// createUnit adds a unit in tx with its audit event: the write path of
// CreateUnit, which an import that creates units takes too.
func (db *DB) createUnit(tx *Tx, orgID string, in samspil.OrgUnitInput) (samspil.OrgUnit, error) {
	org, err := db.writableOrg(tx, orgID)
	if err != nil {
		return samspil.OrgUnit{}, err
	}
	u := samspil.OrgUnitPatch{ParentID: &in.ParentID, Kind: &in.Kind, Name: &in.Name, IT: &in.IT}.Apply(samspil.OrgUnit{})
	u.OrganizationID = org.ID
	if err := u.Validate(); err != nil {
		return samspil.OrgUnit{}, err
	}
	tree, err := orgTree(tx.ctx, tx, org.ID)
	if err != nil {
		return samspil.OrgUnit{}, err
	}
	if err := checkParent(tree, u); err != nil {
		return samspil.OrgUnit{}, err
	}
	u.ID, u.Version, u.CreatedAt, u.UpdatedAt = newID(), 1, tx.now, tx.now
	u.Depth = depthUnder(tree, u.ParentID)
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO org_units (id, organization_id, parent_id, kind, name, it, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)`, u.ID, u.OrganizationID, nullString(u.ParentID), string(u.Kind), u.Name, u.IT, tx.now); err != nil {
		return samspil.OrgUnit{}, err
	}
	return u, tx.Audit(auditEntry{OrgID: org.ID, Action: "unit.create", ObjectType: "unit", ObjectID: u.ID, After: u})
}

// checkParent verifies that u's parent is a unit of the same organisation and
// that moving u there makes no cycle.
func checkParent(tree []samspil.OrgUnit, u samspil.OrgUnit) error {
	if u.ParentID == "" {
		return nil
	}
	parents := map[string]string{}
	for _, t := range tree {
		parents[t.ID] = t.ParentID
	}
	if _, ok := parents[u.ParentID]; !ok {
		var v samspil.Validation
		v.Add("parent_id", "is not a unit of this organisation")
		return v.Err()
	}
	return samspil.CheckMove(u.ID, u.ParentID, parents)
}

func depthUnder(tree []samspil.OrgUnit, parentID string) int {
	for _, t := range tree {
		if t.ID == parentID {
			return t.Depth + 1
		}
	}
	return 0
}

// UpdateUnit renames, re-kinds or moves a unit. Moving a unit under itself or
// one of its descendants is refused.
func (db *DB) UpdateUnit(ctx context.Context, actor *samspil.Actor, orgID, unitID string, version int, p samspil.OrgUnitPatch) (*samspil.OrgUnit, error) {
	var after samspil.OrgUnit
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.findUnit(ctx, tx, actor, orgID, unitID)
		if err != nil {
			return err
		}
		if _, err := db.writableOrg(tx, before.OrganizationID); err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after = p.Apply(*before)
		if err := after.Validate(); err != nil {
			return err
		}
		tree, err := orgTree(ctx, tx, before.OrganizationID)
		if err != nil {
			return err
		}
		if err := checkParent(tree, after); err != nil {
			return err
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		after.Depth = depthUnder(tree, after.ParentID)
		if err := tx.execVersioned("org_units", "unit", after.ID, before.Version, `UPDATE org_units SET parent_id = $1, kind = $2, name = $3, it = $4,
			version = $5, updated_at = $6 WHERE id = $7 AND version = $8`,
			nullString(after.ParentID), string(after.Kind), after.Name, after.IT, after.Version, tx.now, after.ID, before.Version); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: after.OrganizationID, Action: "unit.update", ObjectType: "unit", ObjectID: after.ID, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// DeleteUnit removes a unit without sub-units.
func (db *DB) DeleteUnit(ctx context.Context, actor *samspil.Actor, orgID, unitID string, version int) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		u, err := db.findUnit(ctx, tx, actor, orgID, unitID)
		if err != nil {
			return err
		}
		if _, err := db.writableOrg(tx, u.OrganizationID); err != nil {
			return err
		}
		if err := checkVersion(u.Version, version); err != nil {
			return err
		}
		var children int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units WHERE parent_id = $1`, u.ID).Scan(&children); err != nil {
			return err
		}
		if children > 0 {
			return samspil.Errorf(samspil.ECONFLICT, "%s has %d sub-units; move or delete them first", u.Name, children)
		}
		if err := tx.execVersioned("org_units", "unit", u.ID, u.Version, `DELETE FROM org_units WHERE id = $1 AND version = $2`, u.ID, u.Version); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: u.OrganizationID, Action: "unit.delete", ObjectType: "unit", ObjectID: u.ID, Before: u})
	})
}
