package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"github.com/samspil/samspil"
)

// RecordAdjustment records a change of the working form and carries out its
// effects in the same transaction: the new exclusivity, members' new
// commitments (kept in the membership history with the adjustment as
// reason) and the forums that stop.
func (db *DB) RecordAdjustment(ctx context.Context, actor *samspil.Actor, collabID string, in samspil.AdjustmentInput) (*samspil.Adjustment, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out samspil.Adjustment
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.managingCollab(tx, collabID)
		if err != nil {
			return err
		}
		if in.EffectiveOn.Before(c.Start) {
			return samspil.ErrorAt(samspil.EINVALID, "effective_on", "must not be before the collaboration starts (%s)", c.Start.String())
		}
		a := samspil.Adjustment{ID: newID(), CollaborationID: c.ID, Title: in.Title, Summary: in.Summary, EffectiveOn: in.EffectiveOn,
			Exclusivity: in.Exclusivity, Commitments: in.Commitments, DiscontinuedForums: in.DiscontinuedForums, StrategyNote: in.StrategyNote,
			ByName: actorLabel(actor), CreatedAt: tx.now}
		if a.Commitments == nil {
			a.Commitments = []samspil.CommitmentChange{}
		}
		if a.DiscontinuedForums == nil {
			a.DiscontinuedForums = []string{}
		}
		if a.Exclusivity != "" {
			a.PreviousExclusive = c.Exclusivity
		}
		// Check every effect before writing any.
		var v samspil.Validation
		members := make([]*samspil.Member, len(in.Commitments))
		for i, cc := range in.Commitments {
			m := c.MemberOn(cc.OrganizationID, in.EffectiveOn)
			if m == nil {
				v.Add("commitments["+strconv.Itoa(i)+"].organization_id", "is not a member on %s", in.EffectiveOn.String())
				continue
			}
			members[i] = m
		}
		forums := map[string]string{}
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
			forums[id] = status
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO adjustments (id, collaboration_id, title, summary, effective_on, exclusivity,
			previous_exclusivity, strategy_note, by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			a.ID, c.ID, a.Title, a.Summary, a.EffectiveOn, string(a.Exclusivity), string(a.PreviousExclusive), a.StrategyNote, a.ByName, tx.now); err != nil {
			return err
		}
		if a.Exclusivity != "" && a.Exclusivity != c.Exclusivity {
			if _, err := tx.ExecContext(ctx, `UPDATE collaborations SET exclusivity = $2, version = version + 1, updated_at = $3 WHERE id = $1`,
				c.ID, string(a.Exclusivity), tx.now); err != nil {
				return err
			}
		}
		for i, cc := range in.Commitments {
			m := members[i]
			if m.Commitment == cc.Commitment {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE collaboration_members SET commitment = $2, version = version + 1, updated_at = $3 WHERE id = $1`,
				m.ID, string(cc.Commitment), tx.now); err != nil {
				return err
			}
			if err := db.memberEvent(tx, samspil.MemberEvent{CollaborationID: c.ID, OrganizationID: m.OrganizationID, Kind: samspil.MemberCommitment,
				On: a.EffectiveOn, From: string(m.Commitment), To: string(cc.Commitment), Reason: a.Title, AdjustmentID: a.ID}); err != nil {
				return err
			}
		}
		for _, id := range in.DiscontinuedForums {
			if _, err := tx.ExecContext(ctx, `INSERT INTO adjustment_forums (adjustment_id, forum_id) VALUES ($1, $2)`, a.ID, id); err != nil {
				return err
			}
			if err := stopForum(tx, id, a.EffectiveOn, a.Title); err != nil {
				return err
			}
		}
		out = a
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "collaboration.adjust", ObjectType: "adjustment", ObjectID: a.ID, After: a})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
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

// ListAdjustments returns a collaboration's adjustments, oldest first.
func (db *DB) ListAdjustments(ctx context.Context, actor *samspil.Actor, collabID string) ([]samspil.Adjustment, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, collaboration_id, title, summary, effective_on, exclusivity, previous_exclusivity,
		strategy_note, by_name, created_at FROM adjustments WHERE collaboration_id = $1 ORDER BY effective_on, created_at, id`, c.ID)
	if err != nil {
		return nil, err
	}
	adjs, err := collect(rows, func(r rowScanner) (samspil.Adjustment, error) {
		var a samspil.Adjustment
		var on nullDate
		var at dbTime
		err := r.Scan(&a.ID, &a.CollaborationID, &a.Title, &a.Summary, &on, &a.Exclusivity, &a.PreviousExclusive, &a.StrategyNote, &a.ByName, &at)
		a.EffectiveOn, a.CreatedAt = on.D, at.T
		a.Commitments, a.DiscontinuedForums = []samspil.CommitmentChange{}, []string{}
		return a, err
	})
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for i := range adjs {
		idx[adjs[i].ID] = i
	}
	rows, err = db.read.QueryContext(ctx, `SELECT adjustment_id, organization_id, to_value FROM member_events
		WHERE collaboration_id = $1 AND adjustment_id IS NOT NULL AND kind = 'commitment' ORDER BY recorded_at, id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var cc samspil.CommitmentChange
		if err := rows.Scan(&id, &cc.OrganizationID, &cc.Commitment); err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			adjs[i].Commitments = append(adjs[i].Commitments, cc)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows2, err := db.read.QueryContext(ctx, `SELECT af.adjustment_id, af.forum_id FROM adjustment_forums af
		JOIN adjustments a ON a.id = af.adjustment_id WHERE a.collaboration_id = $1 ORDER BY af.forum_id`, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows2.Close()
	for rows2.Next() {
		var id, forum string
		if err := rows2.Scan(&id, &forum); err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			adjs[i].DiscontinuedForums = append(adjs[i].DiscontinuedForums, forum)
		}
	}
	if adjs == nil {
		adjs = []samspil.Adjustment{}
	}
	return adjs, rows2.Err()
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
