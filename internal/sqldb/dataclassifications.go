package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/samspil/samspil"
)

var _ samspil.DataClassificationService = (*DB)(nil)

// An organisation's data classification levels (samspil's
// dataclassification.go). They are seen by whoever sees the organisation
// and kept by its administrators (PermOrgUpdate), as its role types are.
// A usage's level is checked against the list of the usage's organisation
// when it is written (checkDataClassification).

const dataClassificationSelect = `SELECT c.id, c.organization_id, c.key, c.name, c.description, c.active, c.version, c.created_at, c.updated_at
	FROM data_classifications c`

func scanDataClassification(r rowScanner) (samspil.DataClassificationLevel, error) {
	var l samspil.DataClassificationLevel
	var created, updated dbTime
	err := r.Scan(&l.ID, &l.OrganizationID, &l.Key, &l.Name, &l.Description, &l.Active, &l.Version, &created, &updated)
	l.CreatedAt, l.UpdatedAt = created.T, updated.T
	return l, err
}

// DataClassifications lists a visible organisation's levels in its order.
func (db *DB) DataClassifications(ctx context.Context, actor *samspil.Actor, orgID string) ([]samspil.DataClassificationLevel, error) {
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	return db.dataClassifications(ctx, db.read, org.ID)
}

func (db *DB) dataClassifications(ctx context.Context, qr querier, orgID string) ([]samspil.DataClassificationLevel, error) {
	rows, err := qr.QueryContext(ctx, dataClassificationSelect+` WHERE c.organization_id = $1 ORDER BY c.position, c.name_fold, c.id`, orgID)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanDataClassification)
	if out == nil {
		out = []samspil.DataClassificationLevel{}
	}
	return out, err
}

// FindDataClassification returns a level of a visible organisation.
func (db *DB) FindDataClassification(ctx context.Context, actor *samspil.Actor, id string) (*samspil.DataClassificationLevel, error) {
	return db.findDataClassification(ctx, db.read, actor, id)
}

func (db *DB) findDataClassification(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.DataClassificationLevel, error) {
	l, err := scanDataClassification(qr.QueryRowContext(ctx, dataClassificationSelect+` WHERE c.id = $1`, id))
	if err != nil {
		return nil, errNoRows(err, "data classification")
	}
	if _, err := db.findOrg(ctx, qr, actor, l.OrganizationID); err != nil {
		return nil, samspil.NotFound("data classification")
	}
	return &l, nil
}

func dataClassificationConflict() error {
	return samspil.ErrorAt(samspil.ECONFLICT, "name", "the organisation has a data classification of this name already")
}

// CreateDataClassification adds a level to an organisation the actor
// administers, last in its list. Its key is made from its name, with a
// number added when the organisation has the key already.
func (db *DB) CreateDataClassification(ctx context.Context, actor *samspil.Actor, orgID string, in samspil.DataClassificationInput) (*samspil.DataClassificationLevel, error) {
	l := in.Level(orgID)
	if err := l.Validate(); err != nil {
		return nil, err
	}
	id := newID()
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.findOrg(ctx, tx, tx.actor, orgID)
		if err != nil {
			return err
		}
		if err := tx.actor.Require(samspil.PermOrgUpdate, org.ID, org.Name); err != nil {
			return err
		}
		key, last, err := tx.freeClassificationKey(org.ID, l.Key)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO data_classifications (id, organization_id, key, name, name_fold, description, active, position,
			version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, 1, $8, $8)`,
			id, org.ID, string(key), l.Name, samspil.Fold(l.Name), l.Description, last+1, tx.now)
		if isUniqueViolation(err) {
			return dataClassificationConflict()
		}
		if err != nil {
			return err
		}
		created, err := db.findDataClassification(ctx, tx, samspil.SystemActor("store"), id)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "data_classification.create", ObjectType: "data_classification", ObjectID: id, After: created})
	})
	if err != nil {
		return nil, err
	}
	return db.FindDataClassification(ctx, actor, id)
}

// freeClassificationKey returns key, or key with the lowest number from 2
// on that the organisation does not have, and the last position of its
// list; it reads the organisation's keys once.
func (tx *Tx) freeClassificationKey(orgID string, key samspil.DataClassification) (samspil.DataClassification, int, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT key, position FROM data_classifications WHERE organization_id = $1`, orgID)
	if err != nil {
		return "", 0, err
	}
	taken, last := map[string]bool{}, 0
	_, err = collect(rows, func(r rowScanner) (struct{}, error) {
		var k string
		var pos int
		err := r.Scan(&k, &pos)
		taken[k], last = true, max(last, pos)
		return struct{}{}, err
	})
	if err != nil {
		return "", 0, err
	}
	free := key
	for n := 2; taken[string(free)]; n++ {
		suffix := fmt.Sprintf("_%d", n)
		free = samspil.DataClassification(strings.TrimRight(string(key)[:min(len(key), 40-len(suffix))], "_") + suffix)
	}
	return free, last, nil
}

// UpdateDataClassification renames, describes, deactivates or reactivates
// a level of an organisation the actor administers. Usages keep the level
// by its key, so a renamed level is renamed on every usage that has it.
func (db *DB) UpdateDataClassification(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.DataClassificationPatch) (*samspil.DataClassificationLevel, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.findDataClassification(ctx, tx, tx.actor, id)
		if err != nil {
			return err
		}
		org, err := db.findOrg(ctx, tx, tx.actor, before.OrganizationID)
		if err != nil {
			return err
		}
		if err := tx.actor.Require(samspil.PermOrgUpdate, org.ID, org.Name); err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after := p.Apply(*before)
		if err := after.Validate(); err != nil {
			return err
		}
		err = tx.execVersioned("data_classifications", "data classification", id, before.Version, `UPDATE data_classifications SET name = $1,
			name_fold = $2, description = $3, active = $4, version = $5, updated_at = $6 WHERE id = $7 AND version = $8`,
			after.Name, samspil.Fold(after.Name), after.Description, after.Active, before.Version+1, tx.now, id, before.Version)
		if isUniqueViolation(err) {
			return dataClassificationConflict()
		}
		if err != nil {
			return err
		}
		changed, err := db.findDataClassification(ctx, tx, samspil.SystemActor("store"), id)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "data_classification.update", ObjectType: "data_classification", ObjectID: id,
			Before: before, After: changed})
	})
	if err != nil {
		return nil, err
	}
	return db.FindDataClassification(ctx, actor, id)
}

// checkDataClassification checks a written usage's level: empty, the
// level it had before (which may since have been deactivated), or an
// active level of the usage's organisation. The error names the active
// levels.
func (tx *Tx) checkDataClassification(u *samspil.Usage, before samspil.DataClassification) error {
	key := u.DataClassification
	if key == "" || key == before {
		return nil
	}
	rows, err := tx.QueryContext(tx.ctx, `SELECT key, name, active FROM data_classifications WHERE organization_id = $1
		ORDER BY position, name_fold, id`, u.OrganizationID)
	if err != nil {
		return err
	}
	var offered []string
	found := false
	_, err = collect(rows, func(r rowScanner) (struct{}, error) {
		var k, name string
		var active bool
		err := r.Scan(&k, &name, &active)
		if active {
			offered = append(offered, k+" ("+name+")")
			found = found || k == string(key)
		}
		return struct{}{}, err
	})
	if err != nil || found {
		return err
	}
	return samspil.ErrorAt(samspil.EINVALID, "data_classification", "must be one of the organisation's data classifications: %s",
		strings.Join(offered, ", "))
}
