package sqldb

import (
	"context"

	"github.com/samspil/samspil"
)

var _ samspil.AuditService = (*DB)(nil)

const auditColumns = `id, time, actor_kind, actor_user_id, actor_label, organization_id, action, object_type, object_id, before_json, after_json, request_id`

func scanAudit(r rowScanner) (samspil.AuditEvent, error) {
	var e samspil.AuditEvent
	var t dbTime
	var userID, orgID, objectID, before, after, requestID *string
	err := r.Scan(&e.ID, &t, &e.ActorKind, &userID, &e.ActorLabel, &orgID, &e.Action, &e.ObjectType, &objectID, &before, &after, &requestID)
	e.Time, e.ActorUserID, e.OrganizationID, e.ObjectID, e.RequestID = t.T, deref(userID), deref(orgID), deref(objectID), deref(requestID)
	if before != nil {
		e.Before = []byte(*before)
	}
	if after != nil {
		e.After = []byte(*after)
	}
	return e, err
}

// visibleAuditCond: administrators read the log of their organisations;
// operators read everything, including events of no organisation (logins,
// tokens, reference data).
func visibleAuditCond(q *query, actor *samspil.Actor) string {
	if actor.IsOperator() {
		return "1 = 1"
	}
	return "organization_id IN " + q.in(actor.OrgsWhere(samspil.PermAuditRead))
}

// ListAuditEvents lists visible audit events, newest first.
func (db *DB) ListAuditEvents(ctx context.Context, actor *samspil.Actor, f samspil.AuditFilter) (*samspil.Page[samspil.AuditEvent], error) {
	var q query
	q.cond(visibleAuditCond(&q, actor))
	for col, v := range map[string]string{"organization_id": f.OrganizationID, "action": f.Action, "object_type": f.ObjectType, "object_id": f.ObjectID} {
		if v != "" {
			q.cond(col + " = " + q.arg(v))
		}
	}
	if f.Since != nil {
		q.cond("time >= " + q.arg(f.Since.UTC()))
	}
	if f.Until != nil {
		q.cond("time < " + q.arg(f.Until.UTC()))
	}
	if f.ChangedSince != nil {
		q.cond("time >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 1)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("id < " + q.arg(keys[0]))
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_events"+q.whereSQL()+" ORDER BY id DESC LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	events, err := collect(rows, scanAudit)
	if err != nil {
		return nil, err
	}
	return pageOf(events, limit, func(e samspil.AuditEvent) []string { return []string{e.ID} }), nil
}

// FindAuditEvent returns one visible audit event.
func (db *DB) FindAuditEvent(ctx context.Context, actor *samspil.Actor, id string) (*samspil.AuditEvent, error) {
	var q query
	q.cond("id = " + q.arg(id))
	q.cond(visibleAuditCond(&q, actor))
	e, err := scanAudit(db.read.QueryRowContext(ctx, "SELECT "+auditColumns+" FROM audit_events"+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "audit event")
	}
	return &e, nil
}
