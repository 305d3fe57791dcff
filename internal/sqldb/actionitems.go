package sqldb

import (
	"context"
	"strings"

	"github.com/samspil/samspil"
)

var _ samspil.ActionItemService = (*DB)(nil)

const actionItemColumns = `a.id, a.collaboration_id, a.meeting_id, a.title, a.description, a.owner_user_id, u.display_name, a.organization_id, o.name,
	a.due, a.status, a.done_on, a.version, a.created_at, a.updated_at`

// actionItemFrom joins what an action item shows; c is its collaboration,
// for visibleCollabCond.
const actionItemFrom = ` FROM action_items a JOIN collaborations c ON c.id = a.collaboration_id
	LEFT JOIN users u ON u.id = a.owner_user_id LEFT JOIN organizations o ON o.id = a.organization_id`

func scanActionItem(r rowScanner) (samspil.ActionItem, error) {
	var a samspil.ActionItem
	var meeting, owner, ownerName, org, orgName *string
	var due, done nullDate
	var created, updated dbTime
	err := r.Scan(&a.ID, &a.CollaborationID, &meeting, &a.Title, &a.Description, &owner, &ownerName, &org, &orgName,
		&due, &a.Status, &done, &a.Version, &created, &updated)
	a.MeetingID, a.OwnerUserID, a.OwnerName, a.OrganizationID, a.OrganizationName = deref(meeting), deref(owner), deref(ownerName), deref(org), deref(orgName)
	a.Due, a.DoneOn, a.CreatedAt, a.UpdatedAt = due.Ptr(), done.Ptr(), created.T, updated.T
	return a, err
}

// FindActionItem returns an action item of a visible collaboration.
func (db *DB) FindActionItem(ctx context.Context, actor *samspil.Actor, id string) (*samspil.ActionItem, error) {
	return db.findActionItem(ctx, db.read, actor, id)
}

func (db *DB) findActionItem(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.ActionItem, error) {
	var q query
	q.cond("a.id = " + q.arg(id))
	q.cond(db.visibleDatedCond(&q, actor, db.dayOf("a.created_at")))
	a, err := scanActionItem(qr.QueryRowContext(ctx, "SELECT "+actionItemColumns+actionItemFrom+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "action item")
	}
	a.Overdue = a.IsOverdue(samspil.Today(db.now()))
	return &a, nil
}

// ListActionItems lists the action items of visible collaborations by due
// date, those without one last.
func (db *DB) ListActionItems(ctx context.Context, actor *samspil.Actor, f samspil.ActionItemFilter) (*samspil.Page[samspil.ActionItem], error) {
	var q query
	if f.CollaborationID != "" {
		c, err := db.findCollab(ctx, db.read, actor, f.CollaborationID)
		if err != nil {
			return nil, err
		}
		q.cond("a.collaboration_id = " + q.arg(c.ID))
	}
	q.cond(db.visibleDatedCond(&q, actor, db.dayOf("a.created_at")))
	if f.MeetingID != "" {
		q.cond("a.meeting_id = " + q.arg(f.MeetingID))
	}
	if f.OwnerUserID != "" {
		q.cond("a.owner_user_id = " + q.arg(f.OwnerUserID))
	}
	if f.OpenOnly {
		q.cond("a.status IN ('open', 'in_progress')")
	}
	if f.ChangedSince != nil {
		q.cond("a.updated_at >= " + q.arg(*f.ChangedSince))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	switch {
	case keys == nil:
	case keys[0] == "":
		q.cond("a.due IS NULL AND a.id > " + q.arg(keys[1]))
	default:
		if _, err := samspil.ParseDate(keys[0]); err != nil {
			return nil, errBadCursor()
		}
		d, id := q.arg(keys[0]), q.arg(keys[1])
		q.cond("a.due IS NULL OR a.due > " + d + " OR (a.due = " + d + " AND a.id > " + id + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+actionItemColumns+actionItemFrom+q.whereSQL()+
		" ORDER BY CASE WHEN a.due IS NULL THEN 1 ELSE 0 END, a.due, a.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	items, err := collect(rows, scanActionItem)
	if err != nil {
		return nil, err
	}
	today := samspil.Today(db.now())
	for i := range items {
		items[i].Overdue = items[i].IsOverdue(today)
	}
	return pageOf(items, limit, func(a samspil.ActionItem) []string { return []string{a.Due.StringOrEmpty(), a.ID} }), nil
}

// checkActionItem checks the references of an action item that differ from
// before (nil for a new item): the responsible organisation is a member
// today, the owner a person of a member and the meeting one of the
// collaboration.
func (db *DB) checkActionItem(tx *Tx, c *samspil.Collaboration, a, before *samspil.ActionItem) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if before == nil {
		before = &samspil.ActionItem{}
	}
	today := samspil.Today(tx.now)
	var v samspil.Validation
	if a.OrganizationID != "" && a.OrganizationID != before.OrganizationID {
		id, err := resolveOrgID(tx.ctx, tx, a.OrganizationID)
		if err != nil {
			return err
		}
		if m := c.MemberOn(id, today); m == nil {
			v.Add("organization_id", "is not a member of %s on %s", c.Name, today.String())
		} else {
			a.OrganizationID, a.OrganizationName = m.OrganizationID, m.OrganizationName
		}
	}
	if a.OwnerUserID != "" && a.OwnerUserID != before.OwnerUserID {
		var members []string
		for _, m := range c.Members {
			if m.ActiveOn(today) {
				members = append(members, m.OrganizationID)
			}
		}
		var q query
		uid := q.arg(a.OwnerUserID)
		var name string
		err := tx.QueryRowContext(tx.ctx, `SELECT u.display_name FROM users u WHERE u.id = `+uid+` AND u.disabled = FALSE AND EXISTS
			(SELECT 1 FROM memberships ms WHERE ms.user_id = u.id AND ms.organization_id IN `+q.in(members)+`)`, q.args...).Scan(&name)
		switch samspil.ErrorCode(errNoRows(err, "user")) {
		case "":
			a.OwnerName = name
		case samspil.ENOTFOUND:
			v.Add("owner_user_id", "is not a person of a member of %s", c.Name)
		default:
			return err
		}
	}
	if a.MeetingID != "" && a.MeetingID != before.MeetingID {
		if ok, err := belongsTo(tx, "meetings", a.MeetingID, c.ID); err != nil {
			return err
		} else if !ok {
			v.Add("meeting_id", "is not a meeting of %s", c.Name)
		}
	}
	return v.Err()
}

// CreateActionItem records an action item. Those who manage the
// collaboration and the administrators and editors of its members may.
func (db *DB) CreateActionItem(ctx context.Context, actor *samspil.Actor, collabID string, in samspil.ActionItemInput) (*samspil.ActionItem, error) {
	var out *samspil.ActionItem
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.lockedCollab(tx, collabID)
		if err != nil {
			return err
		}
		if err := actor.RequireRecordActionItems(c, samspil.Today(tx.now)); err != nil {
			return err
		}
		a := samspil.ActionItem{ID: newID(), CollaborationID: c.ID, MeetingID: in.MeetingID, Title: strings.TrimSpace(in.Title),
			Description: in.Description, OwnerUserID: in.OwnerUserID, OrganizationID: in.OrganizationID, Status: samspil.ActionOpen,
			Version: 1, CreatedAt: tx.now, UpdatedAt: tx.now}
		if in.Due != nil && !in.Due.IsZero() {
			d := *in.Due
			a.Due = &d
		}
		if err := db.checkActionItem(tx, c, &a, nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO action_items (id, collaboration_id, meeting_id, title, description, owner_user_id,
			organization_id, due, status, done_on, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, 1, $10, $10)`,
			a.ID, c.ID, nullString(a.MeetingID), a.Title, a.Description, nullString(a.OwnerUserID), nullString(a.OrganizationID),
			dateValue(a.Due), string(a.Status), tx.now); err != nil {
			return err
		}
		if err := tx.Audit(auditEntry{OrgID: a.OrganizationID, Action: "action_item.create", ObjectType: "action_item", ObjectID: a.ID, After: a}); err != nil {
			return err
		}
		out, err = db.findActionItem(ctx, tx, actor, a.ID)
		return err
	})
	return out, err
}

// UpdateActionItem changes an action item. Those who manage the
// collaboration, its owner and the administrators and editors of the
// responsible organisation may. Done records the day it was done (today,
// or the day given for an item recorded afterwards); any other status
// clears that day (ActionItemPatch.SetDoneOn).
func (db *DB) UpdateActionItem(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.ActionItemPatch) (*samspil.ActionItem, error) {
	var out *samspil.ActionItem
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.findActionItem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c, err := db.lockedCollab(tx, before.CollaborationID)
		if err != nil {
			return err
		}
		today := samspil.Today(tx.now)
		if err := actor.RequireChangeActionItem(c, before, today); err != nil {
			return err
		}
		a := p.Apply(*before)
		if err := db.checkActionItem(tx, c, &a, before); err != nil {
			return err
		}
		if a.OwnerUserID == "" {
			a.OwnerName = ""
		}
		if a.OrganizationID == "" {
			a.OrganizationName = ""
		}
		if err := p.SetDoneOn(*before, &a, today); err != nil {
			return err
		}
		if err := tx.execVersioned("action_items", "action item", id, version, `UPDATE action_items SET title = $3, description = $4,
			owner_user_id = $5, organization_id = $6, due = $7, status = $8, done_on = $9, version = version + 1, updated_at = $10
			WHERE id = $1 AND version = $2`, id, version, a.Title, a.Description, nullString(a.OwnerUserID), nullString(a.OrganizationID),
			dateValue(a.Due), string(a.Status), dateValue(a.DoneOn), tx.now); err != nil {
			return err
		}
		if out, err = db.findActionItem(ctx, tx, actor, id); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: out.OrganizationID, Action: "action_item.update", ObjectType: "action_item", ObjectID: id, Before: before, After: out})
	})
	return out, err
}
