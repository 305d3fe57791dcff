package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"github.com/samspil/samspil"
)

// ProposeAdjustment proposes a change of the working form. It takes effect
// on its effective date once every member whose terms it changes has
// approved it; one that changes no member's terms (it only stops forums or
// notes what happens to the strategy) is approved at once.
func (db *DB) ProposeAdjustment(ctx context.Context, actor *samspil.Actor, collabID string, in samspil.AdjustmentInput) (*samspil.Adjustment, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *samspil.Adjustment
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.managingCollab(tx, collabID)
		if err != nil {
			return err
		}
		if in.EffectiveOn.Before(c.Start) {
			return samspil.ErrorAt(samspil.EINVALID, "effective_on", "must not be before the collaboration starts (%s)", c.Start.String())
		}
		// Members may be named by municipality code too.
		for i := range in.Commitments {
			if in.Commitments[i].OrganizationID, err = resolveOrgID(ctx, tx, in.Commitments[i].OrganizationID); err != nil {
				return err
			}
		}
		for i := range in.Roles {
			if in.Roles[i].OrganizationID, err = resolveOrgID(ctx, tx, in.Roles[i].OrganizationID); err != nil {
				return err
			}
		}
		// Check every change before writing any.
		var v samspil.Validation
		for i, cc := range in.Commitments {
			if c.MemberOn(cc.OrganizationID, in.EffectiveOn) == nil {
				v.Add("commitments["+strconv.Itoa(i)+"].organization_id", "is not a member on %s", in.EffectiveOn.String())
			}
		}
		for i, rc := range in.Roles {
			m := c.MemberOn(rc.OrganizationID, in.EffectiveOn)
			if m == nil {
				v.Add("roles["+strconv.Itoa(i)+"].organization_id", "is not a member on %s", in.EffectiveOn.String())
				continue
			}
			// An observer has no vote: becoming one makes the commitment
			// "observer" unless the adjustment says otherwise.
			if rc.Role == samspil.MemberRoleObserver && !slices.ContainsFunc(in.Commitments, func(cc samspil.CommitmentChange) bool {
				return cc.OrganizationID == rc.OrganizationID
			}) {
				in.Commitments = append(in.Commitments, samspil.CommitmentChange{OrganizationID: rc.OrganizationID, Commitment: samspil.CommitmentObserver})
			}
		}
		// Each member's terms after the adjustment must make sense together.
		for i, rc := range in.Roles {
			if m := c.MemberOn(rc.OrganizationID, in.EffectiveOn); m != nil {
				after := *m
				after.Role = rc.Role
				for _, cc := range in.Commitments {
					if cc.OrganizationID == rc.OrganizationID {
						after.Commitment = cc.Commitment
					}
				}
				if after.Role == samspil.MemberRoleObserver && after.Commitment != samspil.CommitmentObserver {
					v.Add("roles["+strconv.Itoa(i)+"].role", "an observer's commitment must be observer")
				}
			}
		}
		for i, id := range in.DiscontinuedForums {
			var status string
			err := tx.QueryRowContext(ctx, `SELECT status FROM forums WHERE id = $1 AND collaboration_id = $2`, id, c.ID).Scan(&status)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				v.Add("discontinued_forum_ids["+strconv.Itoa(i)+"]", "is not a forum of %s", c.Name)
			case err != nil:
				return err
			case status != string(samspil.ForumActive):
				v.Add("discontinued_forum_ids["+strconv.Itoa(i)+"]", "has stopped already")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		concerned := in.Concerned(c)
		status := samspil.AdjustmentProposed
		if len(concerned) == 0 {
			status = samspil.AdjustmentApproved
		}
		prev := samspil.Exclusivity("")
		if in.Exclusivity != "" {
			prev = c.Exclusivity
		}
		id := newID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO adjustments (id, collaboration_id, title, summary, effective_on, exclusivity,
			previous_exclusivity, strategy_note, by_name, created_at, status, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)`,
			id, c.ID, in.Title, in.Summary, in.EffectiveOn, string(in.Exclusivity), string(prev), in.StrategyNote, actorLabel(actor), tx.now,
			string(status)); err != nil {
			return err
		}
		for _, cc := range in.Commitments {
			if _, err := tx.ExecContext(ctx, `INSERT INTO adjustment_changes (adjustment_id, organization_id, kind, to_value) VALUES ($1, $2, 'commitment', $3)`,
				id, cc.OrganizationID, string(cc.Commitment)); err != nil {
				return err
			}
		}
		for _, rc := range in.Roles {
			if _, err := tx.ExecContext(ctx, `INSERT INTO adjustment_changes (adjustment_id, organization_id, kind, to_value) VALUES ($1, $2, 'role', $3)`,
				id, rc.OrganizationID, string(rc.Role)); err != nil {
				return err
			}
		}
		for _, org := range concerned {
			if _, err := tx.ExecContext(ctx, `INSERT INTO adjustment_approvals (adjustment_id, organization_id, state) VALUES ($1, $2, 'pending')`,
				id, org); err != nil {
				return err
			}
		}
		for _, f := range in.DiscontinuedForums {
			if _, err := tx.ExecContext(ctx, `INSERT INTO adjustment_forums (adjustment_id, forum_id) VALUES ($1, $2)`, id, f); err != nil {
				return err
			}
		}
		a, err := db.findAdjustment(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "collaboration.adjustment.propose",
			ObjectType: "adjustment", ObjectID: id, After: a}); err != nil {
			return err
		}
		if status == samspil.AdjustmentApproved && !a.EffectiveOn.After(samspil.Today(tx.now)) {
			if err := db.applyAdjustment(tx, c, a); err != nil {
				return err
			}
		}
		out, err = db.findAdjustment(ctx, tx, actor, id)
		return err
	})
	return out, err
}

// lockedAdjustment finds a visible adjustment in a write transaction and
// locks its collaboration; it reads the adjustment again under the lock.
func (db *DB) lockedAdjustment(tx *Tx, id string) (*samspil.Adjustment, *samspil.Collaboration, error) {
	a, err := db.findAdjustment(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := db.lockedCollab(tx, a.CollaborationID)
	if err != nil {
		return nil, nil, asNotFound(err, "adjustment")
	}
	if a, err = db.findAdjustment(tx.ctx, tx, tx.actor, id); err != nil {
		return nil, nil, err
	}
	return a, c, nil
}

// ApproveAdjustment records a concerned organisation's approval. The last
// one needed makes the adjustment approved; its changes are made at once
// when its effective date has come, else on that day.
func (db *DB) ApproveAdjustment(ctx context.Context, actor *samspil.Actor, adjID string, in samspil.ApprovalInput) (*samspil.Adjustment, error) {
	return db.answerAdjustment(ctx, actor, adjID, in, samspil.ApprovalApproved)
}

// DeclineAdjustment records a concerned organisation's refusal: the
// adjustment never takes effect.
func (db *DB) DeclineAdjustment(ctx context.Context, actor *samspil.Actor, adjID string, in samspil.ApprovalInput) (*samspil.Adjustment, error) {
	return db.answerAdjustment(ctx, actor, adjID, in, samspil.ApprovalDeclined)
}

func (db *DB) answerAdjustment(ctx context.Context, actor *samspil.Actor, adjID string, in samspil.ApprovalInput, state samspil.ApprovalState) (*samspil.Adjustment, error) {
	var out *samspil.Adjustment
	err := db.update(ctx, actor, func(tx *Tx) error {
		a, c, err := db.lockedAdjustment(tx, adjID)
		if err != nil {
			return err
		}
		orgID, err := resolveOrgID(ctx, tx, in.OrganizationID)
		if err != nil {
			return err
		}
		if orgID == "" {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "is required")
		}
		ap := a.Approval(orgID)
		if ap == nil {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "the adjustment does not change the terms of this organisation")
		}
		if err := actor.Require(samspil.PermCollabConsent, orgID, ap.OrganizationName); err != nil {
			return err
		}
		if a.Status != samspil.AdjustmentProposed {
			return samspil.Errorf(samspil.ECONFLICT, "the adjustment is %s already", samspil.Term(a.Status))
		}
		if ap.State != samspil.ApprovalPending {
			return samspil.Errorf(samspil.ECONFLICT, "%s has answered already", ap.OrganizationName)
		}
		today := samspil.Today(tx.now)
		if err := in.Answer.Validate(today); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE adjustment_approvals SET state = $3, on_date = $4, by_name = $5, reason = $6, recorded_at = $7
			WHERE adjustment_id = $1 AND organization_id = $2`, a.ID, orgID, string(state), in.Answer.Day(today), actorLabel(actor),
			in.Answer.Reason, tx.now); err != nil {
			return err
		}
		status := a.Status
		switch {
		case state == samspil.ApprovalDeclined:
			status = samspil.AdjustmentDeclined
		case !slices.ContainsFunc(a.Approvals, func(o samspil.Approval) bool { return o.OrganizationID != orgID && o.State != samspil.ApprovalApproved }):
			status = samspil.AdjustmentApproved
		}
		if status != a.Status {
			if _, err := tx.ExecContext(ctx, `UPDATE adjustments SET status = $2, version = version + 1 WHERE id = $1`, a.ID, string(status)); err != nil {
				return err
			}
		}
		after, err := db.findAdjustment(ctx, tx, actor, a.ID)
		if err != nil {
			return err
		}
		e := auditEntry{OrgID: orgID, Action: "collaboration.adjustment.approve", ObjectType: "adjustment", ObjectID: a.ID, Before: a, After: after}
		if state == samspil.ApprovalDeclined {
			e = auditEntry{OrgID: orgID, Action: "collaboration.adjustment.decline", ObjectType: "adjustment", ObjectID: a.ID, Before: a, After: after}
		}
		if err := tx.Audit(e); err != nil {
			return err
		}
		if status == samspil.AdjustmentApproved && !a.EffectiveOn.After(today) {
			if err := db.applyAdjustment(tx, c, after); err != nil {
				return err
			}
		}
		out, err = db.findAdjustment(ctx, tx, actor, a.ID)
		return err
	})
	return out, err
}

// WithdrawAdjustment takes back an adjustment that has not taken effect;
// the collaboration's managers may.
func (db *DB) WithdrawAdjustment(ctx context.Context, actor *samspil.Actor, adjID string, reason string) (*samspil.Adjustment, error) {
	var out *samspil.Adjustment
	err := db.update(ctx, actor, func(tx *Tx) error {
		a, c, err := db.lockedAdjustment(tx, adjID)
		if err != nil {
			return err
		}
		if err := actor.RequireManages(c, samspil.Today(tx.now)); err != nil {
			return err
		}
		if !a.Status.Open() {
			return samspil.Errorf(samspil.ECONFLICT, "the adjustment is %s already", samspil.Term(a.Status))
		}
		var v samspil.Validation
		v.Check(len([]rune(reason)) <= 1000, "reason", "must be at most 1000 characters")
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE adjustments SET status = 'withdrawn', reason = $2, version = version + 1 WHERE id = $1`,
			a.ID, reason); err != nil {
			return err
		}
		if out, err = db.findAdjustment(ctx, tx, actor, a.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(actor, c, samspil.Today(tx.now)), Action: "collaboration.adjustment.withdraw",
			ObjectType: "adjustment", ObjectID: a.ID, Before: a, After: out})
	})
	return out, err
}

// applyAdjustment makes an approved adjustment's changes: the new
// exclusivity, members' new commitments and roles (kept in the membership
// history with the adjustment as reason) and the forums that stop. A member
// that is no longer a member on the effective date is left out.
func (db *DB) applyAdjustment(tx *Tx, c *samspil.Collaboration, a *samspil.Adjustment) error {
	ctx := tx.ctx
	if a.Exclusivity != "" && a.Exclusivity != c.Exclusivity {
		if _, err := tx.ExecContext(ctx, `UPDATE collaborations SET exclusivity = $2, version = version + 1, updated_at = $3 WHERE id = $1`,
			c.ID, string(a.Exclusivity), tx.now); err != nil {
			return err
		}
	}
	type change struct {
		org, kind, to string
	}
	var changes []change
	for _, cc := range a.Commitments {
		changes = append(changes, change{cc.OrganizationID, string(samspil.MemberCommitment), string(cc.Commitment)})
	}
	for _, rc := range a.Roles {
		changes = append(changes, change{rc.OrganizationID, string(samspil.MemberRoleChange), string(rc.Role)})
	}
	for _, ch := range changes {
		m := c.MemberOn(ch.org, a.EffectiveOn)
		if m == nil {
			continue
		}
		from := string(m.Commitment)
		column := "commitment"
		if ch.kind == string(samspil.MemberRoleChange) {
			from, column = string(m.Role), "role"
		}
		if from == ch.to {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE collaboration_members SET `+column+` = $2, version = version + 1, updated_at = $3 WHERE id = $1`,
			m.ID, ch.to, tx.now); err != nil {
			return err
		}
		if column == "role" {
			m.Role = samspil.MemberRole(ch.to)
		} else {
			m.Commitment = samspil.Commitment(ch.to)
		}
		if err := db.memberEvent(tx, samspil.MemberEvent{CollaborationID: c.ID, OrganizationID: m.OrganizationID, Kind: samspil.MemberEventKind(ch.kind),
			On: a.EffectiveOn, From: from, To: ch.to, Reason: a.Title, AdjustmentID: a.ID}); err != nil {
			return err
		}
	}
	for _, id := range a.DiscontinuedForums {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM forums WHERE id = $1`, id).Scan(&status); err != nil {
			return err
		}
		if status != string(samspil.ForumActive) {
			continue
		}
		if err := stopForum(tx, id, a.EffectiveOn, a.Title); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE adjustments SET status = 'in_effect', applied_at = $2, version = version + 1 WHERE id = $1`,
		a.ID, tx.now); err != nil {
		return err
	}
	return tx.Audit(auditEntry{OrgID: "", Action: "collaboration.adjustment.apply", ObjectType: "adjustment", ObjectID: a.ID, After: a})
}

// stopForum discontinues a forum from a day and removes its later meetings
// that nobody has touched.
func stopForum(tx *Tx, forumID string, on samspil.Date, reason string) error {
	if _, err := tx.ExecContext(tx.ctx, `UPDATE forums SET status = $2, discontinued_on = $3, discontinued_reason = $4, version = version + 1,
		updated_at = $5 WHERE id = $1`, forumID, string(samspil.ForumDiscontinued), on, reason, tx.now); err != nil {
		return err
	}
	// Meetings on the day itself (in Denmark) still take place.
	_, err := tx.ExecContext(tx.ctx, `DELETE FROM meetings WHERE forum_id = $1 AND touched = FALSE AND start_at >= $2`, forumID, on.AddDays(1).StartIn(samspil.Copenhagen()))
	return err
}

const adjustmentColumns = `a.id, a.collaboration_id, a.title, a.summary, a.effective_on, a.exclusivity, a.previous_exclusivity,
	a.strategy_note, a.by_name, a.created_at, a.status, a.applied_at, a.reason, a.version`

func scanAdjustment(r rowScanner) (samspil.Adjustment, error) {
	var a samspil.Adjustment
	var on nullDate
	var at, applied dbTime
	err := r.Scan(&a.ID, &a.CollaborationID, &a.Title, &a.Summary, &on, &a.Exclusivity, &a.PreviousExclusive, &a.StrategyNote, &a.ByName, &at,
		&a.Status, &applied, &a.Reason, &a.Version)
	a.EffectiveOn, a.CreatedAt, a.AppliedAt = on.D, at.T, applied.Ptr()
	a.Commitments, a.Roles, a.DiscontinuedForums, a.Approvals = []samspil.CommitmentChange{}, []samspil.RoleChange{}, []string{}, []samspil.Approval{}
	return a, err
}

// ListAdjustments returns a collaboration's adjustments, oldest first.
func (db *DB) ListAdjustments(ctx context.Context, actor *samspil.Actor, collabID string) ([]samspil.Adjustment, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, err
	}
	adjs, err := db.adjustmentsWhere(ctx, db.read, "a.collaboration_id = $1", c.ID)
	if err != nil {
		return nil, err
	}
	until, err := db.historyUntil(ctx, db.read, actor, c)
	if err != nil || until == nil {
		return adjs, err
	}
	return slices.DeleteFunc(adjs, func(a samspil.Adjustment) bool { return a.EffectiveOn.After(*until) }), nil
}

// FindAdjustment returns an adjustment of a visible collaboration.
func (db *DB) FindAdjustment(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Adjustment, error) {
	return db.findAdjustment(ctx, db.read, actor, id)
}

func (db *DB) findAdjustment(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Adjustment, error) {
	var q query
	q.cond("a.id = " + q.arg(id))
	q.cond(db.visibleDatedCond(&q, actor, "a.effective_on"))
	var collabID string
	err := qr.QueryRowContext(ctx, "SELECT a.collaboration_id FROM adjustments a JOIN collaborations c ON c.id = a.collaboration_id"+q.whereSQL(),
		q.args...).Scan(&collabID)
	if err != nil {
		return nil, errNoRows(err, "adjustment")
	}
	adjs, err := db.adjustmentsWhere(ctx, qr, "a.id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(adjs) == 0 {
		return nil, samspil.NotFound("adjustment")
	}
	return &adjs[0], nil
}

// adjustmentsWhere loads adjustments matching cond (with one argument arg)
// with their changes, forums and approvals.
func (db *DB) adjustmentsWhere(ctx context.Context, qr querier, cond string, arg string) ([]samspil.Adjustment, error) {
	rows, err := qr.QueryContext(ctx, `SELECT `+adjustmentColumns+` FROM adjustments a WHERE `+cond+` ORDER BY a.effective_on, a.created_at, a.id`, arg)
	if err != nil {
		return nil, err
	}
	adjs, err := collect(rows, scanAdjustment)
	if err != nil {
		return nil, err
	}
	if len(adjs) == 0 {
		return []samspil.Adjustment{}, nil
	}
	idx := map[string]int{}
	for i := range adjs {
		idx[adjs[i].ID] = i
	}
	rows, err = qr.QueryContext(ctx, `SELECT ch.adjustment_id, ch.organization_id, ch.kind, ch.to_value FROM adjustment_changes ch
		JOIN adjustments a ON a.id = ch.adjustment_id JOIN organizations o ON o.id = ch.organization_id
		WHERE `+cond+` ORDER BY o.name_fold, ch.organization_id`, arg)
	if err != nil {
		return nil, err
	}
	err = each(rows, func(r rowScanner) error {
		var id, org, kind, to string
		if err := r.Scan(&id, &org, &kind, &to); err != nil {
			return err
		}
		a := &adjs[idx[id]]
		if kind == "role" {
			a.Roles = append(a.Roles, samspil.RoleChange{OrganizationID: org, Role: samspil.MemberRole(to)})
		} else {
			a.Commitments = append(a.Commitments, samspil.CommitmentChange{OrganizationID: org, Commitment: samspil.Commitment(to)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = qr.QueryContext(ctx, `SELECT af.adjustment_id, af.forum_id FROM adjustment_forums af
		JOIN adjustments a ON a.id = af.adjustment_id WHERE `+cond+` ORDER BY af.forum_id`, arg)
	if err != nil {
		return nil, err
	}
	err = each(rows, func(r rowScanner) error {
		var id, forum string
		if err := r.Scan(&id, &forum); err != nil {
			return err
		}
		a := &adjs[idx[id]]
		a.DiscontinuedForums = append(a.DiscontinuedForums, forum)
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = qr.QueryContext(ctx, `SELECT ap.adjustment_id, ap.organization_id, o.name, ap.state, ap.on_date, ap.by_name, ap.reason, ap.recorded_at
		FROM adjustment_approvals ap JOIN adjustments a ON a.id = ap.adjustment_id JOIN organizations o ON o.id = ap.organization_id
		WHERE `+cond+` ORDER BY o.name_fold, ap.organization_id`, arg)
	if err != nil {
		return nil, err
	}
	err = each(rows, func(r rowScanner) error {
		var id string
		var ap samspil.Approval
		var on nullDate
		var at dbTime
		if err := r.Scan(&id, &ap.OrganizationID, &ap.OrganizationName, &ap.State, &on, &ap.ByName, &ap.Reason, &at); err != nil {
			return err
		}
		ap.On, ap.RecordedAt = on.Ptr(), at.Ptr()
		a := &adjs[idx[id]]
		a.Approvals = append(a.Approvals, ap)
		return nil
	})
	return adjs, err
}

// AddDocument adds a founding document: a link or an uploaded file.
func (db *DB) AddDocument(ctx context.Context, actor *samspil.Actor, collabID string, in samspil.DocumentInput) (*samspil.Document, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var d samspil.Document
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.managingCollab(tx, collabID)
		if err != nil {
			return err
		}
		d = samspil.Document{ID: newID(), CollaborationID: c.ID, Kind: in.Kind, Title: in.Title, URL: in.URL, FileName: in.FileName,
			ContentType: in.ContentType, Size: int64(len(in.Content)), CreatedAt: tx.now}
		var content any
		if in.Content != nil {
			content = in.Content
			if d.ContentType == "" {
				d.ContentType = "application/octet-stream"
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO collaboration_documents (id, collaboration_id, kind, title, url, file_name, content_type,
			size, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			d.ID, c.ID, string(d.Kind), d.Title, d.URL, d.FileName, d.ContentType, d.Size, content, tx.now); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "collaboration.document.add", ObjectType: "collaboration_document", ObjectID: d.ID, After: d})
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// DocumentContent returns an uploaded document and its bytes.
func (db *DB) DocumentContent(ctx context.Context, actor *samspil.Actor, collabID, docID string) (*samspil.Document, []byte, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(c.Documents, func(d samspil.Document) bool { return d.ID == docID })
	if i < 0 || c.Documents[i].URL != "" {
		return nil, nil, samspil.NotFound("document")
	}
	var content []byte
	if err := db.read.QueryRowContext(ctx, `SELECT content FROM collaboration_documents WHERE id = $1`, docID).Scan(&content); err != nil {
		return nil, nil, errNoRows(err, "document")
	}
	return &c.Documents[i], content, nil
}

// DeleteDocument removes a founding document.
func (db *DB) DeleteDocument(ctx context.Context, actor *samspil.Actor, collabID, docID string) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.managingCollab(tx, collabID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(c.Documents, func(d samspil.Document) bool { return d.ID == docID })
		if i < 0 {
			return samspil.NotFound("document")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM collaboration_documents WHERE id = $1`, docID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "collaboration.document.delete", ObjectType: "collaboration_document", ObjectID: docID, Before: c.Documents[i]})
	})
}
