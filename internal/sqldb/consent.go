package sqldb

import (
	"context"

	"github.com/samspil/samspil"
)

// Consent: organisations join collaborations by accepting invitations,
// leave by their own decision, and choose which collaborations make
// partners. Adjustments and their approvals are in adjustments.go.

const invitationColumns = `i.id, i.collaboration_id, c.name, i.organization_id, o.name, i.role, i.commitment, i.since, i.message,
	i.founding, i.status, i.invited_by_name, i.answered_on, i.answered_by_name, i.reason, i.member_id, i.version, i.created_at, i.updated_at`

const invitationFrom = ` FROM collaboration_invitations i JOIN collaborations c ON c.id = i.collaboration_id
	JOIN organizations o ON o.id = i.organization_id`

func scanInvitation(r rowScanner) (samspil.Invitation, error) {
	var inv samspil.Invitation
	var since, answered nullDate
	var member *string
	var created, updated dbTime
	err := r.Scan(&inv.ID, &inv.CollaborationID, &inv.CollaborationName, &inv.OrganizationID, &inv.OrganizationName, &inv.Role,
		&inv.Commitment, &since, &inv.Message, &inv.Founding, &inv.Status, &inv.InvitedByName, &answered, &inv.AnsweredByName,
		&inv.Reason, &member, &inv.Version, &created, &updated)
	inv.Since, inv.AnsweredOn, inv.MemberID, inv.CreatedAt, inv.UpdatedAt = since.D, answered.Ptr(), deref(member), created.T, updated.T
	return inv, err
}

// visibleInvitationCond: an invitation is seen by the people of the invited
// organisation and of the collaboration's members (also former ones).
func visibleInvitationCond(q *query, actor *samspil.Actor) string {
	switch {
	case actor.IsOperator():
		return "1 = 1"
	case !actor.SignedIn():
		return "1 = 0"
	}
	orgs := q.in(actor.OrgIDs())
	return "i.organization_id IN " + orgs + " OR i.collaboration_id IN (SELECT cm.collaboration_id FROM collaboration_members cm WHERE cm.organization_id IN " +
		orgs + ")"
}

// FindInvitation returns a visible invitation.
func (db *DB) FindInvitation(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Invitation, error) {
	return db.findInvitation(ctx, db.read, actor, id)
}

func (db *DB) findInvitation(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Invitation, error) {
	var q query
	q.cond("i.id = " + q.arg(id))
	q.cond(visibleInvitationCond(&q, actor))
	inv, err := scanInvitation(qr.QueryRowContext(ctx, "SELECT "+invitationColumns+invitationFrom+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "invitation")
	}
	return &inv, nil
}

// ListInvitations lists visible invitations, newest first.
func (db *DB) ListInvitations(ctx context.Context, actor *samspil.Actor, f samspil.InvitationFilter) (*samspil.Page[samspil.Invitation], error) {
	var q query
	q.cond(visibleInvitationCond(&q, actor))
	if f.CollaborationID != "" {
		q.cond("i.collaboration_id = " + q.arg(f.CollaborationID))
	}
	if f.OrganizationID != "" {
		id, err := resolveOrgID(ctx, db.read, f.OrganizationID)
		if err != nil {
			return nil, err
		}
		q.cond("i.organization_id = " + q.arg(id))
	}
	if f.Status != "" {
		var v samspil.Validation
		if !v.OneOf("status", f.Status) {
			return nil, v.Err()
		}
		q.cond("i.status = " + q.arg(string(f.Status)))
	}
	if f.ChangedSince != nil {
		q.cond("i.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 1)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("i.id < " + q.arg(keys[0]))
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+invitationColumns+invitationFrom+q.whereSQL()+" ORDER BY i.id DESC LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	invs, err := collect(rows, scanInvitation)
	if err != nil {
		return nil, err
	}
	return pageOf(invs, limit, func(i samspil.Invitation) []string { return []string{i.ID} }), nil
}

// InvitationsToAnswer returns the pending invitations of the
// organisations whose answer the actor gives (PermCollabConsent), newest
// first: one query over the organisations' own pending invitations.
func (db *DB) InvitationsToAnswer(ctx context.Context, actor *samspil.Actor) ([]samspil.Invitation, error) {
	orgs := actor.OrgsWhere(samspil.PermCollabConsent)
	if len(orgs) == 0 {
		return []samspil.Invitation{}, nil
	}
	var q query
	q.cond("i.status = 'pending'")
	q.cond("i.organization_id IN " + q.in(orgs))
	rows, err := db.read.QueryContext(ctx, "SELECT "+invitationColumns+invitationFrom+q.whereSQL()+" ORDER BY i.id DESC", q.args...)
	if err != nil {
		return nil, err
	}
	invs, err := collect(rows, scanInvitation)
	return nonNil(invs), err
}

// Invite asks an organisation to become a member of a collaboration.
func (db *DB) Invite(ctx context.Context, actor *samspil.Actor, collabID string, in samspil.InvitationInput) (*samspil.Invitation, error) {
	var out *samspil.Invitation
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.managingCollab(tx, collabID)
		if err != nil {
			return err
		}
		org, err := db.findOrg(ctx, tx, actor, in.OrganizationID)
		if err != nil {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "is not an organisation you can see")
		}
		out, err = db.invite(tx, c, org, in, false, "")
		return err
	})
	return out, err
}

// invite writes an invitation of org to c; the caller has checked the right
// to invite. path prefixes the field names of errors.
func (db *DB) invite(tx *Tx, c *samspil.Collaboration, org *samspil.Organization, in samspil.InvitationInput, founding bool, path string) (*samspil.Invitation, error) {
	field := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	m := in.Member()
	today := samspil.Today(tx.now)
	if m.Since.IsZero() {
		m.Since = today
		if c.Start.After(today) {
			m.Since = c.Start
		}
	}
	m.CollaborationID, m.OrganizationID, m.OrganizationName = c.ID, org.ID, org.Name
	if err := m.Validate(); err != nil {
		return nil, samspil.RenameFields(err, field)
	}
	var v samspil.Validation
	v.Check(len([]rune(in.Message)) <= 2000, field("message"), "must be at most 2000 characters")
	v.Check(!m.Since.Before(c.Start), field("since"), "must not be before the collaboration starts (%s)", c.Start.String())
	if c.End != nil {
		v.Check(!m.Since.After(*c.End), field("since"), "must not be after the collaboration ends (%s)", c.End.String())
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	for i := range c.Members {
		if o := &c.Members[i]; o.OrganizationID == org.ID && (o.Until == nil || !o.Until.Before(m.Since)) {
			return nil, samspil.ErrorAt(samspil.ECONFLICT, field("organization_id"), "%s is a member already", org.Name)
		}
	}
	inv := samspil.Invitation{ID: newID(), CollaborationID: c.ID, CollaborationName: c.Name, OrganizationID: org.ID, OrganizationName: org.Name,
		Role: m.Role, Commitment: m.Commitment, Since: m.Since, Message: in.Message, Founding: founding, Status: samspil.InvitationPending,
		InvitedByName: actorLabel(tx.actor), Version: 1, CreatedAt: tx.now, UpdatedAt: tx.now}
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO collaboration_invitations (id, collaboration_id, organization_id, role, commitment, since,
		message, founding, status, invited_by_name, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)`,
		inv.ID, c.ID, org.ID, string(inv.Role), string(inv.Commitment), inv.Since, inv.Message, founding, string(inv.Status), inv.InvitedByName, tx.now)
	if isUniqueViolation(err) {
		return nil, samspil.ErrorAt(samspil.ECONFLICT, field("organization_id"), "%s is invited already; wait for its answer or withdraw the invitation", org.Name)
	}
	if err != nil {
		return nil, err
	}
	if err := tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, today), Action: "collaboration.invitation.create", ObjectType: "collaboration_invitation",
		ObjectID: inv.ID, After: inv}); err != nil {
		return nil, err
	}
	return &inv, nil
}

// answerableInvitation finds a visible invitation in a write transaction,
// locks its collaboration, and checks that it waits for an answer and that
// the actor gives the invited organisation's consent.
func (db *DB) answerableInvitation(tx *Tx, id string) (*samspil.Invitation, *samspil.Collaboration, error) {
	inv, err := db.findInvitation(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := db.lockedCollab(tx, inv.CollaborationID)
	if err != nil {
		return nil, nil, asNotFound(err, "invitation")
	}
	// Read again under the lock: another answer may have come first.
	if inv, err = db.findInvitation(tx.ctx, tx, tx.actor, id); err != nil {
		return nil, nil, err
	}
	if !tx.actor.MayAnswerInvitation(inv) {
		return nil, nil, tx.actor.Require(samspil.PermCollabConsent, inv.OrganizationID, inv.OrganizationName)
	}
	if inv.Status != samspil.InvitationPending {
		return nil, nil, samspil.Errorf(samspil.ECONFLICT, "the invitation is %s already", samspil.Term(inv.Status))
	}
	return inv, c, nil
}

// AcceptInvitation makes the invited organisation a member from the
// proposed day, or from the day it decided when that is later.
func (db *DB) AcceptInvitation(ctx context.Context, actor *samspil.Actor, id string, a samspil.Answer) (*samspil.Invitation, error) {
	var out *samspil.Invitation
	err := db.update(ctx, actor, func(tx *Tx) error {
		inv, c, err := db.answerableInvitation(tx, id)
		if err != nil {
			return err
		}
		today := samspil.Today(tx.now)
		if err := a.Validate(today); err != nil {
			return err
		}
		on := a.Day(today)
		since := inv.Since
		if on.After(since) {
			since = on
		}
		if c.End != nil && since.After(*c.End) {
			return samspil.ErrorAt(samspil.EINVALID, "on", "%s ended on %s; the invitation can no longer be accepted", c.Name, c.End.String())
		}
		m := samspil.Member{CollaborationID: c.ID, OrganizationID: inv.OrganizationID, OrganizationName: inv.OrganizationName, Role: inv.Role,
			Commitment: inv.Commitment, Since: since}
		reason := a.Reason
		if reason == "" {
			reason = samspil.ReasonAccepted
		}
		if err := db.insertMember(tx, c, &m, reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE collaboration_invitations SET status = 'accepted', answered_on = $2, answered_by_name = $3,
			reason = $4, member_id = $5, version = version + 1, updated_at = $6 WHERE id = $1`,
			inv.ID, on, actorLabel(actor), a.Reason, m.ID, tx.now); err != nil {
			return err
		}
		if out, err = db.findInvitation(ctx, tx, actor, inv.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: inv.OrganizationID, Action: "collaboration.invitation.accept", ObjectType: "collaboration_invitation",
			ObjectID: inv.ID, Before: inv, After: out})
	})
	return out, err
}

// DeclineInvitation records that the invited organisation said no.
func (db *DB) DeclineInvitation(ctx context.Context, actor *samspil.Actor, id string, a samspil.Answer) (*samspil.Invitation, error) {
	var out *samspil.Invitation
	err := db.update(ctx, actor, func(tx *Tx) error {
		inv, _, err := db.answerableInvitation(tx, id)
		if err != nil {
			return err
		}
		today := samspil.Today(tx.now)
		if err := a.Validate(today); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE collaboration_invitations SET status = 'declined', answered_on = $2, answered_by_name = $3,
			reason = $4, version = version + 1, updated_at = $5 WHERE id = $1`, inv.ID, a.Day(today), actorLabel(actor), a.Reason, tx.now); err != nil {
			return err
		}
		if out, err = db.findInvitation(ctx, tx, actor, inv.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: inv.OrganizationID, Action: "collaboration.invitation.decline", ObjectType: "collaboration_invitation",
			ObjectID: inv.ID, Before: inv, After: out})
	})
	return out, err
}

// WithdrawInvitation takes back an invitation nobody has answered.
func (db *DB) WithdrawInvitation(ctx context.Context, actor *samspil.Actor, id string, reason string) (*samspil.Invitation, error) {
	var out *samspil.Invitation
	err := db.update(ctx, actor, func(tx *Tx) error {
		inv, err := db.findInvitation(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		c, err := db.managingCollab(tx, inv.CollaborationID)
		if err != nil {
			return asNotFound(err, "invitation")
		}
		if inv, err = db.findInvitation(ctx, tx, actor, id); err != nil {
			return err
		}
		if inv.Status != samspil.InvitationPending {
			return samspil.Errorf(samspil.ECONFLICT, "the invitation is %s already", samspil.Term(inv.Status))
		}
		var v samspil.Validation
		v.Check(len([]rune(reason)) <= 1000, "reason", "must be at most 1000 characters")
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE collaboration_invitations SET status = 'withdrawn', reason = $2, version = version + 1,
			updated_at = $3 WHERE id = $1`, inv.ID, reason, tx.now); err != nil {
			return err
		}
		if out, err = db.findInvitation(ctx, tx, actor, inv.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(actor, c, samspil.Today(tx.now)), Action: "collaboration.invitation.withdraw",
			ObjectType: "collaboration_invitation", ObjectID: inv.ID, Before: inv, After: out})
	})
	return out, err
}

// Leave ends an organisation's membership on its last day, by the decision
// of its own administrators. From the day after, it is no member: its
// partners-shared records are no longer shown to the others through this
// collaboration, and it keeps reading the collaboration as a former member.
// When that day has passed, it loses its forum seats and its votes on open
// decisions dated after it at once; otherwise the daily run does it then.
func (db *DB) Leave(ctx context.Context, actor *samspil.Actor, collabID string, in samspil.LeaveInput) (*samspil.Member, error) {
	today := samspil.Today(db.now())
	if err := in.Validate(today); err != nil {
		return nil, err
	}
	var out samspil.Member
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.lockedCollab(tx, collabID)
		if err != nil {
			return err
		}
		orgID, err := resolveOrgID(ctx, tx, in.OrganizationID)
		if err != nil {
			return err
		}
		var m *samspil.Member
		for i := range c.Members {
			if o := &c.Members[i]; o.OrganizationID == orgID && o.Until == nil {
				m = o
			}
		}
		if m == nil {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "is not a member of %s", c.Name)
		}
		if !actor.MayLeave(m) {
			return actor.Require(samspil.PermCollabConsent, m.OrganizationID, m.OrganizationName)
		}
		if in.Until.Before(m.Since) {
			return samspil.ErrorAt(samspil.EINVALID, "until", "must not be before the membership starts (%s)", m.Since.String())
		}
		before := *m
		after := *m
		until := in.Until
		after.Until = &until
		if err := tx.execVersioned("collaboration_members", "member", m.ID, m.Version, `UPDATE collaboration_members SET until = $3,
			version = version + 1, updated_at = $4 WHERE id = $1 AND version = $2`, m.ID, m.Version, until, tx.now); err != nil {
			return err
		}
		after.Version, after.UpdatedAt = m.Version+1, tx.now
		if err := db.memberEvent(tx, samspil.MemberEvent{CollaborationID: c.ID, OrganizationID: m.OrganizationID, Kind: samspil.MemberLeft,
			On: until, Reason: in.Reason}); err != nil {
			return err
		}
		if err := tx.Audit(auditEntry{OrgID: m.OrganizationID, Action: "collaboration.member.leave", ObjectType: "collaboration_member",
			ObjectID: m.ID, Before: before, After: after}); err != nil {
			return err
		}
		if until.Before(today) {
			if _, err := db.departed(tx, c.ID, m.OrganizationID, until); err != nil {
				return err
			}
		}
		out = after
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// departed removes what a member that left keeps after its last day: its
// seats in the collaboration's forums, and its votes and proxies on open
// decisions dated after that day. It reports whether anything was removed.
func (db *DB) departed(tx *Tx, collabID, orgID string, until samspil.Date) (bool, error) {
	var n int64
	for _, st := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM votes WHERE decision_id IN (SELECT id FROM decisions WHERE collaboration_id = $1 AND status = 'open' AND decided_on > $3)
			AND (organization_id = $2 OR (proxy AND cast_by_org_id = $2))`, []any{collabID, orgID, until}},
		{`DELETE FROM decision_proxies WHERE decision_id IN (SELECT id FROM decisions WHERE collaboration_id = $1 AND status = 'open' AND decided_on > $3)
			AND (organization_id = $2 OR proxy_organization_id = $2)`, []any{collabID, orgID, until}},
		{`DELETE FROM forum_members WHERE organization_id = $2 AND forum_id IN (SELECT id FROM forums WHERE collaboration_id = $1)`,
			[]any{collabID, orgID}},
	} {
		res, err := tx.ExecContext(tx.ctx, st.sql, st.args...)
		if err != nil {
			return false, err
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n > 0, nil
}

// ApplyDueChanges applies approved adjustments whose effective day has
// come and clears what members that left keep after their last day.
func (db *DB) ApplyDueChanges(ctx context.Context, actor *samspil.Actor) (int, error) {
	if actor == nil || actor.Kind != samspil.ActorSystem {
		return 0, samspil.Errorf(samspil.EFORBIDDEN, "only the system applies due changes")
	}
	today := samspil.Today(db.now())
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM adjustments WHERE status = 'approved' AND effective_on <= $1 ORDER BY effective_on, id`, today)
	if err != nil {
		return 0, err
	}
	due, err := collect(rows, func(r rowScanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range due {
		applied := false
		err := db.update(ctx, actor, func(tx *Tx) error {
			applied = false // a busy retry runs the closure again
			a, c, err := db.lockedAdjustment(tx, id)
			if err != nil {
				return err
			}
			if a.Status != samspil.AdjustmentApproved || a.EffectiveOn.After(today) {
				return errUnchanged // another instance applied it first
			}
			applied = true
			return db.applyAdjustment(tx, c, a)
		})
		if err != nil {
			return n, err
		}
		if applied {
			n++
		}
	}
	// Members whose last day has passed and who still hold seats or votes.
	rows, err = db.read.QueryContext(ctx, `SELECT m.collaboration_id, m.organization_id, MAX(m.until) FROM collaboration_members m
		WHERE m.until < $1
		AND NOT EXISTS (SELECT 1 FROM collaboration_members a WHERE a.collaboration_id = m.collaboration_id AND a.organization_id = m.organization_id
			AND (a.until IS NULL OR a.until >= $1))
		AND (EXISTS (SELECT 1 FROM forum_members fm JOIN forums f ON f.id = fm.forum_id WHERE f.collaboration_id = m.collaboration_id
				AND fm.organization_id = m.organization_id)
			OR EXISTS (SELECT 1 FROM votes v JOIN decisions d ON d.id = v.decision_id WHERE d.collaboration_id = m.collaboration_id
				AND d.status = 'open' AND d.decided_on > m.until AND (v.organization_id = m.organization_id OR v.cast_by_org_id = m.organization_id))
			OR EXISTS (SELECT 1 FROM decision_proxies p JOIN decisions d ON d.id = p.decision_id WHERE d.collaboration_id = m.collaboration_id
				AND d.status = 'open' AND d.decided_on > m.until AND (p.organization_id = m.organization_id OR p.proxy_organization_id = m.organization_id)))
		GROUP BY m.collaboration_id, m.organization_id`, today)
	if err != nil {
		return n, err
	}
	type departure struct {
		collab, org string
		until       nullDate
	}
	gone, err := collect(rows, func(r rowScanner) (departure, error) {
		var d departure
		return d, r.Scan(&d.collab, &d.org, &d.until)
	})
	if err != nil {
		return n, err
	}
	for _, d := range gone {
		changed := false
		err := db.update(ctx, actor, func(tx *Tx) error {
			var err error
			if changed, err = db.departed(tx, d.collab, d.org, d.until.D); err != nil {
				return err
			}
			if !changed {
				return errUnchanged
			}
			return tx.Audit(auditEntry{OrgID: d.org, Action: "collaboration.member.departed", ObjectType: "collaboration", ObjectID: d.collab,
				After: map[string]string{"until": d.until.D.String()}})
		})
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	return n, nil
}

// PartnerSettings lists the organisation's collaborations (those it is or
// was a member of) and whether each makes partners.
func (db *DB) PartnerSettings(ctx context.Context, actor *samspil.Actor, orgID string) ([]samspil.PartnerSetting, error) {
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	if !actor.Can(samspil.PermPeopleRead, org.ID) {
		return nil, samspil.NotFound("organization")
	}
	return db.partnerSettings(ctx, db.read, org.ID, "")
}

func (db *DB) partnerSettings(ctx context.Context, qr querier, orgID, collabID string) ([]samspil.PartnerSetting, error) {
	today := samspil.Today(db.now())
	var q query
	o, d := q.arg(orgID), q.arg(today)
	cond := ""
	if collabID != "" {
		cond = " AND c.id = " + q.arg(collabID)
	}
	rows, err := qr.QueryContext(ctx, `SELECT c.id, c.name,
		NOT EXISTS (SELECT 1 FROM partner_exclusions pe WHERE pe.organization_id = `+o+` AND pe.collaboration_id = c.id),
		EXISTS (SELECT 1 FROM collaboration_members a WHERE a.collaboration_id = c.id AND a.organization_id = `+o+`
			AND a.since <= `+d+` AND (a.until IS NULL OR a.until >= `+d+`)),
		(SELECT COUNT(DISTINCT b.organization_id) FROM collaboration_members b WHERE b.collaboration_id = c.id AND b.organization_id <> `+o+`
			AND b.since <= `+d+` AND (b.until IS NULL OR b.until >= `+d+`))
		FROM collaborations c WHERE c.id IN (SELECT m.collaboration_id FROM collaboration_members m WHERE m.organization_id = `+o+`)`+cond+`
		ORDER BY c.name_fold, c.id`, q.args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(r rowScanner) (samspil.PartnerSetting, error) {
		var s samspil.PartnerSetting
		return s, r.Scan(&s.CollaborationID, &s.CollaborationName, &s.Counts, &s.Active, &s.Members)
	})
	if out == nil {
		out = []samspil.PartnerSetting{}
	}
	return out, err
}

// SetPartnerSetting chooses whether one of the organisation's
// collaborations makes its fellow members partners.
func (db *DB) SetPartnerSetting(ctx context.Context, actor *samspil.Actor, orgID, collabID string, in samspil.PartnerSettingInput) (*samspil.PartnerSetting, error) {
	var out *samspil.PartnerSetting
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.findOrg(ctx, tx, actor, orgID)
		if err != nil {
			return err
		}
		if err := actor.Require(samspil.PermCollabConsent, org.ID, org.Name); err != nil {
			if !actor.Can(samspil.PermPeopleRead, org.ID) {
				return samspil.NotFound("organization")
			}
			return err
		}
		before, err := db.partnerSettings(ctx, tx, org.ID, collabID)
		if err != nil {
			return err
		}
		if len(before) == 0 {
			return samspil.NotFound("collaboration")
		}
		if before[0].Counts == in.Counts {
			out = &before[0]
			return errUnchanged
		}
		if in.Counts {
			_, err = tx.ExecContext(ctx, `DELETE FROM partner_exclusions WHERE organization_id = $1 AND collaboration_id = $2`, org.ID, collabID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO partner_exclusions (organization_id, collaboration_id, created_at) VALUES ($1, $2, $3)`,
				org.ID, collabID, tx.now)
		}
		if err != nil {
			return err
		}
		after := before[0]
		after.Counts = in.Counts
		out = &after
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "organization.partners", ObjectType: "collaboration", ObjectID: collabID,
			Before: before[0], After: after})
	})
	return out, err
}
