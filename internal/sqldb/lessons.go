package sqldb

import (
	"context"
	"strings"

	"github.com/samspil/samspil"
)

// Lessons (erfaringer): what an organisation learned from an initiative or
// from a collaboration as a whole, recorded by its own representatives and
// searchable across everything the reader may see.

var lessonSelects = map[Engine]string{SQLite: lessonSelectFor(SQLite), Postgres: lessonSelectFor(Postgres)}

func lessonSelectFor(e Engine) string {
	return `SELECT l.id, COALESCE(l.initiative_id, ''), COALESCE(i.title, ''), COALESCE(l.collaboration_id, ''), COALESCE(c.name, ''),
	l.organization_id, o.name, l.phase, l.title, l.what_worked, l.what_did_not, l.tags, ` + dateColumn(e, "l.on_date") + `, l.by_name, l.created_at
	FROM lessons l JOIN organizations o ON o.id = l.organization_id LEFT JOIN initiatives i ON i.id = l.initiative_id
	LEFT JOIN collaborations c ON c.id = l.collaboration_id`
}

func scanLesson(r rowScanner) (samspil.Lesson, error) {
	var l samspil.Lesson
	var tags string
	var created dbTime
	err := r.Scan(&l.ID, &l.InitiativeID, &l.InitiativeTitle, &l.CollaborationID, &l.CollaborationName, &l.OrganizationID, &l.OrganizationName,
		&l.Phase, &l.Title, &l.WhatWorked, &l.WhatDidNot, &tags, &l.On, &l.ByName, &created)
	l.CreatedAt, l.Tags = created.T, splitTags(tags)
	return l, err
}

// joinTags keeps tags as ",a,b," so that one tag is matched exactly with
// LIKE '%,a,%'; no tags are "".
func joinTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return "," + strings.Join(tags, ",") + ","
}

func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.Split(s, ",") {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// ListLessons lists the visible lessons, newest first. Every word of the
// query must occur in the title, the texts or the tags; a tag matches one
// tag exactly.
func (db *DB) ListLessons(ctx context.Context, actor *samspil.Actor, f samspil.LessonFilter) (*samspil.Page[samspil.Lesson], error) {
	var q query
	q.cond(visibleLessonCond(&q, actor))
	for _, word := range strings.Fields(samspil.Fold(f.Query)) {
		q.cond("l.text_fold LIKE " + q.arg(likeContains(word)) + ` ESCAPE '\'`)
	}
	if tag := strings.ToLower(strings.TrimSpace(f.Tag)); tag != "" {
		q.cond("l.tags LIKE " + q.arg(likeContains(","+tag+",")) + ` ESCAPE '\'`)
	}
	if f.InitiativeID != "" {
		q.cond("l.initiative_id = " + q.arg(f.InitiativeID))
	}
	if f.CollaborationID != "" {
		q.cond("l.collaboration_id = " + q.arg(f.CollaborationID))
	}
	if f.ChangedSince != nil {
		q.cond("l.created_at >= " + q.arg(*f.ChangedSince))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		if _, err := samspil.ParseDate(keys[0]); err != nil {
			return nil, errBadCursor()
		}
		d, id := q.arg(keys[0]), q.arg(keys[1])
		q.cond("l.on_date < " + d + " OR (l.on_date = " + d + " AND l.id < " + id + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, lessonSelects[db.engine]+q.whereSQL()+" ORDER BY l.on_date DESC, l.id DESC LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	ls, err := collect(rows, scanLesson)
	if err != nil {
		return nil, err
	}
	return pageOf(ls, limit, func(l samspil.Lesson) []string { return []string{l.On.String(), l.ID} }), nil
}

// findLesson returns a lesson the actor sees.
func (db *DB) findLesson(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Lesson, error) {
	var q query
	q.cond("l.id = " + q.arg(id))
	q.cond(visibleLessonCond(&q, actor))
	l, err := scanLesson(qr.QueryRowContext(ctx, lessonSelects[db.engine]+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "lesson")
	}
	return &l, nil
}

// RecordLesson records a lesson for an organisation, by its own
// representatives. A lesson of an initiative is the owner's or a
// participant's (in any state but invited), and takes the initiative's
// collaboration and current phase; a lesson of a collaboration alone is a
// present or former member's.
func (db *DB) RecordLesson(ctx context.Context, actor *samspil.Actor, in samspil.LessonInput) (*samspil.Lesson, error) {
	var id string
	err := db.update(ctx, actor, func(tx *Tx) error {
		today := samspil.Today(tx.now)
		if err := in.Validate(today); err != nil {
			return err
		}
		org, err := db.representedOrg(tx, in.OrganizationID, "organization_id", samspil.PermCollabRepresent)
		if err != nil {
			return err
		}
		l := samspil.Lesson{ID: newID(), OrganizationID: org.ID, OrganizationName: org.Name, Title: in.Title, WhatWorked: in.WhatWorked,
			WhatDidNot: in.WhatDidNot, Tags: nonNil(in.Tags), On: today, ByName: actorLabel(actor), CreatedAt: tx.now}
		if in.On != nil && !in.On.IsZero() {
			l.On = *in.On
		}
		if in.InitiativeID != "" {
			x, err := db.findInitiative(ctx, tx, actor, in.InitiativeID)
			if samspil.ErrorCode(err) == samspil.ENOTFOUND {
				return samspil.ErrorAt(samspil.EINVALID, "initiative_id", "is not an initiative you can see")
			}
			if err != nil {
				return err
			}
			if !x.HasTakenPart(org.ID) {
				return samspil.ErrorAt(samspil.EINVALID, "organization_id", "%s neither owns nor has taken part in %s", org.Name, x.Title)
			}
			if in.CollaborationID != "" && in.CollaborationID != x.CollaborationID {
				return samspil.ErrorAt(samspil.EINVALID, "collaboration_id", "must be empty or the initiative's own collaboration")
			}
			l.InitiativeID, l.InitiativeTitle, l.CollaborationID, l.CollaborationName, l.Phase = x.ID, x.Title, x.CollaborationID, x.CollaborationName, x.Phase
		} else {
			c, err := db.findCollab(ctx, tx, actor, in.CollaborationID)
			if samspil.ErrorCode(err) == samspil.ENOTFOUND {
				return samspil.ErrorAt(samspil.EINVALID, "collaboration_id", "is not a collaboration you can see")
			}
			if err != nil {
				return err
			}
			if !c.HasBeenMember(org.ID, today) {
				return samspil.ErrorAt(samspil.EINVALID, "organization_id", "%s is not and has not been a member of %s", org.Name, c.Name)
			}
			l.CollaborationID, l.CollaborationName = c.ID, c.Name
		}
		text := samspil.Fold(strings.Join([]string{l.Title, l.WhatWorked, l.WhatDidNot, strings.Join(l.Tags, " ")}, "\n"))
		if _, err := tx.ExecContext(ctx, `INSERT INTO lessons (id, initiative_id, collaboration_id, organization_id, phase, title, what_worked,
			what_did_not, tags, text_fold, on_date, by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			l.ID, nullString(l.InitiativeID), nullString(l.CollaborationID), org.ID, string(l.Phase), l.Title, l.WhatWorked, l.WhatDidNot,
			joinTags(l.Tags), text, l.On, l.ByName, tx.now); err != nil {
			return err
		}
		id = l.ID
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "lesson.record", ObjectType: "lesson", ObjectID: l.ID, After: l})
	})
	if err != nil {
		return nil, err
	}
	return db.findLesson(ctx, db.read, actor, id)
}
