package sqldb

import (
	"context"
	"database/sql/driver"

	"github.com/samspil/samspil"
)

// recordDeletion keeps the id of a deleted object, with who could see it,
// for the deleted-ids feed.
func (tx *Tx) recordDeletion(objectType, objectID, orgID string, v samspil.Visibility) error {
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO deletions (id, object_type, object_id, organization_id, visibility, deleted_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, newID(), objectType, objectID, nullString(orgID), string(v), tx.now)
	return err
}

// ListDeletions lists the ids of deleted objects the actor could see,
// oldest first, so that a client can page forward from where it stopped.
func (db *DB) ListDeletions(ctx context.Context, actor *samspil.Actor, f samspil.DeletionFilter) (*samspil.Page[samspil.Deletion], error) {
	var q query
	q.cond(visibleCond(&q, actor, "organization_id", "visibility"))
	if f.ObjectType != "" {
		q.cond("object_type = " + q.arg(f.ObjectType))
	}
	if f.ChangedSince != nil {
		q.cond("deleted_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 1)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("id > " + q.arg(keys[0]))
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, `SELECT id, object_type, object_id, deleted_at FROM deletions`+q.whereSQL()+` ORDER BY id LIMIT `+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	items, err := collect(rows, func(r rowScanner) (samspil.Deletion, error) {
		var d samspil.Deletion
		var at dbTime
		err := r.Scan(&d.ID, &d.ObjectType, &d.ObjectID, &at)
		d.DeletedAt = at.T
		return d, err
	})
	if err != nil {
		return nil, err
	}
	return pageOf(items, limit, func(d samspil.Deletion) []string { return []string{d.ID} }), nil
}

// nullDate scans an optional date column.
type nullDate struct {
	D     samspil.Date
	Valid bool
}

// Scan implements sql.Scanner.
func (n *nullDate) Scan(v any) error {
	if v == nil {
		*n = nullDate{}
		return nil
	}
	n.Valid = true
	return n.D.Scan(v)
}

// Ptr returns the date, or nil for NULL.
func (n nullDate) Ptr() *samspil.Date {
	if !n.Valid {
		return nil
	}
	d := n.D
	return &d
}

// dateValue returns NULL or the date as 'YYYY-MM-DD', which both engines
// store and compare as dates.
func dateValue(d *samspil.Date) driver.Value {
	if d == nil || d.IsZero() {
		return nil
	}
	return d.String()
}
