package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

const meetingColumns = `m.id, m.forum_id, f.name, f.time_zone, m.collaboration_id, m.title, m.start_at, m.end_at, m.location, m.occurrence,
	m.status, m.minutes, m.touched, m.version, m.created_at, m.updated_at`

const meetingFrom = ` FROM meetings m JOIN forums f ON f.id = m.forum_id JOIN collaborations c ON c.id = m.collaboration_id`

// scanMeeting reads a meeting; its times are shown in its forum's zone.
func scanMeeting(r rowScanner) (samspil.Meeting, error) {
	var m samspil.Meeting
	var zoneName string
	var start, end, occ, created, updated dbTime
	err := r.Scan(&m.ID, &m.ForumID, &m.ForumName, &zoneName, &m.CollaborationID, &m.Title, &start, &end, &m.Location, &occ,
		&m.Status, &m.Minutes, &m.Touched, &m.Version, &created, &updated)
	loc := zone(zoneName)
	m.Start, m.End, m.CreatedAt, m.UpdatedAt = start.T.In(loc), end.T.In(loc), created.T, updated.T
	if occ.Valid {
		t := occ.T.In(loc)
		m.Occurrence = &t
	}
	m.Agenda, m.Attendance = []samspil.AgendaItem{}, []samspil.Attendance{}
	return m, err
}

// FindMeeting returns a meeting of a visible collaboration.
func (db *DB) FindMeeting(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Meeting, error) {
	return db.findMeeting(ctx, db.read, actor, id)
}

func (db *DB) findMeeting(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Meeting, error) {
	var q query
	q.cond("m.id = " + q.arg(id))
	q.cond(db.visibleDatedCond(&q, actor, db.dayOf("m.start_at")))
	m, err := scanMeeting(qr.QueryRowContext(ctx, "SELECT "+meetingColumns+meetingFrom+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "meeting")
	}
	ms := []samspil.Meeting{m}
	if err := finishMeetings(ctx, qr, actor, ms); err != nil {
		return nil, err
	}
	return &ms[0], nil
}

// finishMeetings loads the agendas and the attendance of meetings. Who
// attended, and people's names, are shown to signed-in users only.
func finishMeetings(ctx context.Context, qr querier, actor *samspil.Actor, ms []samspil.Meeting) error {
	if len(ms) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(ms))
	for i := range ms {
		idx[ms[i].ID], ids[i] = i, ms[i].ID
	}
	var q query
	rows, err := qr.QueryContext(ctx, `SELECT a.meeting_id, a.id, a.position, a.title, a.description, a.owner_user_id, u.display_name, a.attachments_json
		FROM agenda_items a LEFT JOIN users u ON u.id = a.owner_user_id WHERE a.meeting_id IN `+q.in(ids)+` ORDER BY a.position, a.id`, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var meetingID, attachments string
		var owner, ownerName *string
		var it samspil.AgendaItem
		if err := rows.Scan(&meetingID, &it.ID, &it.Position, &it.Title, &it.Description, &owner, &ownerName, &attachments); err != nil {
			return err
		}
		it.OwnerUserID = deref(owner)
		if actor.SignedIn() {
			it.OwnerName = deref(ownerName)
		}
		if err := json.Unmarshal([]byte(attachments), &it.Attachments); err != nil {
			return err
		}
		if it.Attachments == nil {
			it.Attachments = []samspil.Attachment{}
		}
		m := &ms[idx[meetingID]]
		m.Agenda = append(m.Agenda, it)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if !actor.SignedIn() {
		return nil
	}
	var q2 query
	rows2, err := qr.QueryContext(ctx, `SELECT at.meeting_id, at.user_id, u.display_name, at.organization_id, o.name, at.status
		FROM attendance at JOIN users u ON u.id = at.user_id JOIN organizations o ON o.id = at.organization_id
		WHERE at.meeting_id IN `+q2.in(ids)+` ORDER BY o.name_fold, u.name_fold, u.id`, q2.args...)
	if err != nil {
		return err
	}
	defer rows2.Close()
	for rows2.Next() {
		var meetingID string
		var a samspil.Attendance
		if err := rows2.Scan(&meetingID, &a.UserID, &a.Name, &a.OrganizationID, &a.OrganizationName, &a.Status); err != nil {
			return err
		}
		m := &ms[idx[meetingID]]
		m.Attendance = append(m.Attendance, a)
	}
	return rows2.Err()
}

// ListMeetings lists the meetings of visible collaborations by start.
func (db *DB) ListMeetings(ctx context.Context, actor *samspil.Actor, f samspil.MeetingFilter) (*samspil.Page[samspil.Meeting], error) {
	var q query
	q.cond(db.visibleDatedCond(&q, actor, db.dayOf("m.start_at")))
	if f.CollaborationID != "" {
		q.cond("m.collaboration_id = " + q.arg(f.CollaborationID))
	}
	if f.ForumID != "" {
		q.cond("m.forum_id = " + q.arg(f.ForumID))
	}
	if f.UserID != "" {
		user := f.UserID
		if user == "me" {
			user = actor.UserID
		}
		q.cond("m.forum_id IN (SELECT fm.forum_id FROM forum_members fm WHERE fm.user_id = " + q.arg(user) + ")")
	}
	if f.OrganizationID != "" {
		id, err := resolveOrgID(ctx, db.read, f.OrganizationID)
		if err != nil {
			return nil, err
		}
		q.cond("m.forum_id IN (SELECT fm.forum_id FROM forum_members fm WHERE fm.organization_id = " + q.arg(id) + ")")
	}
	if !f.From.IsZero() {
		q.cond("m.start_at >= " + q.arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		q.cond("m.start_at < " + q.arg(f.To.UTC()))
	}
	if f.ChangedSince != nil {
		q.cond("m.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		after, err := time.Parse(time.RFC3339Nano, keys[0])
		if err != nil {
			return nil, errBadCursor()
		}
		a, b := q.arg(after.UTC()), q.arg(keys[1])
		q.cond("m.start_at > " + a + " OR (m.start_at = " + a + " AND m.id > " + b + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+meetingColumns+meetingFrom+q.whereSQL()+" ORDER BY m.start_at, m.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	ms, err := collect(rows, scanMeeting)
	if err != nil {
		return nil, err
	}
	if err := finishMeetings(ctx, db.read, actor, ms); err != nil {
		return nil, err
	}
	return pageOf(ms, limit, func(m samspil.Meeting) []string { return []string{m.Start.UTC().Format(time.RFC3339Nano), m.ID} }), nil
}

// meetingForChange finds a meeting in a write transaction, holding its
// collaboration's lock, and checks the actor's right to change it: the
// collaboration's managers may change anything; the people sitting in the
// forum may record it (agenda, minutes, attendance) unless manage is set. A
// meeting of an invisible collaboration is not found.
func (db *DB) meetingForChange(tx *Tx, id string, manage bool) (*samspil.Collaboration, *samspil.Meeting, error) {
	collabID, err := collabOf(tx, "meetings", id)
	if err != nil {
		return nil, nil, errNoRows(err, "meeting")
	}
	c, err := db.lockedCollab(tx, collabID)
	if err != nil {
		return nil, nil, asNotFound(err, "meeting")
	}
	m, err := db.findMeeting(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, nil, err
	}
	today := samspil.Today(tx.now)
	if manage {
		if !tx.actor.Manages(c, today) {
			return nil, nil, samspil.Errorf(samspil.EFORBIDDEN, "only the secretariat and the chair of %s may move or cancel its meetings", c.Name)
		}
		return c, m, nil
	}
	f, err := db.findForum(tx.ctx, tx, tx.actor, m.ForumID)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.actor.RequireRecordMeeting(c, &f.Forum, today); err != nil {
		return nil, nil, err
	}
	return c, m, nil
}

// touchMeeting marks a meeting as given content and counts a new version.
func touchMeeting(tx *Tx, id string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE meetings SET touched = TRUE, version = version + 1, updated_at = $2 WHERE id = $1`, id, tx.now)
	return err
}

// CreateMeeting adds an extra meeting to a forum. Nobody's cadence
// removes it.
func (db *DB) CreateMeeting(ctx context.Context, actor *samspil.Actor, forumID string, in samspil.MeetingInput) (*samspil.Meeting, error) {
	var out *samspil.Meeting
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, f, err := db.forumForChange(tx, forumID)
		if err != nil {
			return err
		}
		loc := zone(f.TimeZone)
		m := samspil.Meeting{ID: newID(), ForumID: f.ID, ForumName: f.Name, CollaborationID: f.CollaborationID, Title: strings.TrimSpace(in.Title),
			Start: in.Start.Truncate(time.Second).In(loc), End: in.End.Truncate(time.Second).In(loc), Location: strings.TrimSpace(in.Location),
			Status: samspil.MeetingPlanned, Touched: true, Version: 1, CreatedAt: tx.now, UpdatedAt: tx.now,
			Agenda: []samspil.AgendaItem{}, Attendance: []samspil.Attendance{}}
		if in.End.IsZero() {
			m.End = m.Start.Add(time.Duration(f.DurationMinutes) * time.Minute)
		}
		if m.Location == "" {
			m.Location = f.Location
		}
		if err := m.Validate(); err != nil {
			return err
		}
		if f.DiscontinuedOn != nil && samspil.DateOf(m.Start).After(*f.DiscontinuedOn) {
			return samspil.ErrorAt(samspil.EINVALID, "start", "must not be after the forum stopped (%s)", f.DiscontinuedOn.String())
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meetings (id, forum_id, collaboration_id, title, start_at, end_at, location, occurrence,
			status, minutes, touched, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, '', TRUE, 1, $9, $9)`,
			m.ID, m.ForumID, m.CollaborationID, m.Title, m.Start.UTC(), m.End.UTC(), m.Location, string(m.Status), tx.now); err != nil {
			return err
		}
		out = &m
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "meeting.create", ObjectType: "meeting", ObjectID: m.ID, After: m})
	})
	return out, err
}

// UpdateMeeting moves, cancels or records a meeting; a changed meeting is
// kept when the cadence changes.
func (db *DB) UpdateMeeting(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.MeetingPatch) (*samspil.Meeting, error) {
	var out *samspil.Meeting
	err := db.update(ctx, actor, func(tx *Tx) error {
		manage := p.Title != nil || p.Start != nil || p.End != nil || p.Location != nil || (p.Status != nil && *p.Status != samspil.MeetingHeld)
		c, before, err := db.meetingForChange(tx, id, manage)
		if err != nil {
			return err
		}
		m := *before
		loc := before.Start.Location()
		if p.Title != nil {
			m.Title = strings.TrimSpace(*p.Title)
		}
		if p.Start != nil {
			length := m.End.Sub(m.Start)
			m.Start = p.Start.Truncate(time.Second).In(loc)
			m.End = m.Start.Add(length)
		}
		if p.End != nil {
			m.End = p.End.Truncate(time.Second).In(loc)
		}
		if p.Location != nil {
			m.Location = strings.TrimSpace(*p.Location)
		}
		if p.Status != nil {
			m.Status = *p.Status
		}
		if p.Minutes != nil {
			m.Minutes = *p.Minutes
		}
		if err := m.Validate(); err != nil {
			return err
		}
		if err := tx.execVersioned("meetings", "meeting", m.ID, version, `UPDATE meetings SET title = $3, start_at = $4, end_at = $5, location = $6,
			status = $7, minutes = $8, touched = TRUE, version = version + 1, updated_at = $9 WHERE id = $1 AND version = $2`,
			m.ID, version, m.Title, m.Start.UTC(), m.End.UTC(), m.Location, string(m.Status), m.Minutes, tx.now); err != nil {
			return err
		}
		m.Touched, m.Version, m.UpdatedAt = true, version+1, tx.now
		out = &m
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "meeting.update", ObjectType: "meeting", ObjectID: m.ID, Before: before, After: m})
	})
	return out, err
}

// checkAgendaItem validates an agenda item of meeting m in collaboration c
// and returns it cleaned.
func (db *DB) checkAgendaItem(tx *Tx, c *samspil.Collaboration, m *samspil.Meeting, in samspil.AgendaItemInput) (samspil.AgendaItemInput, error) {
	in.Title = strings.TrimSpace(in.Title)
	in.OwnerUserID = strings.TrimSpace(in.OwnerUserID)
	var v samspil.Validation
	v.Check(in.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(in.Title) <= 300, "title", "must be at most 300 characters")
	v.Check(utf8.RuneCountInString(in.Description) <= 20000, "description", "must be at most 20000 characters")
	v.Check(len(in.Attachments) <= 20, "attachments", "must be at most 20 links")
	atts := make([]samspil.Attachment, len(in.Attachments))
	for i, a := range in.Attachments {
		path := "attachments[" + strconv.Itoa(i) + "]"
		a.Title, a.URL = strings.TrimSpace(a.Title), strings.TrimSpace(a.URL)
		v.Check(a.Title != "", path+".title", "is required")
		v.Check(utf8.RuneCountInString(a.Title) <= 200, path+".title", "must be at most 200 characters")
		u, err := url.Parse(a.URL)
		v.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(a.URL) <= 2000, path+".url",
			"must be an http or https address")
		atts[i] = a
	}
	in.Attachments = atts
	if in.OwnerUserID != "" {
		ok, err := mayOwnAgendaItem(tx, c, m, in.OwnerUserID)
		if err != nil {
			return in, err
		}
		v.Check(ok, "owner_user_id", "must sit in the forum or be a user of a member organisation")
	}
	return in, v.Err()
}

// mayOwnAgendaItem reports whether a person may own a point on the agenda:
// they sit in the forum, or belong to an organisation that is a member of
// the collaboration on the day of the meeting.
func mayOwnAgendaItem(tx *Tx, c *samspil.Collaboration, m *samspil.Meeting, userID string) (bool, error) {
	var one int
	err := tx.QueryRowContext(tx.ctx, `SELECT 1 FROM forum_members WHERE forum_id = $1 AND user_id = $2`, m.ForumID, userID).Scan(&one)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	rows, err := tx.QueryContext(tx.ctx, `SELECT organization_id FROM memberships WHERE user_id = $1`, userID)
	if err != nil {
		return false, err
	}
	orgs, err := collect(rows, func(r rowScanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return false, err
	}
	day := samspil.DateOf(m.Start)
	for _, o := range orgs {
		if c.MemberOn(o, day) != nil {
			return true, nil
		}
	}
	return false, nil
}

// AddAgendaItem appends a point to a meeting's agenda.
func (db *DB) AddAgendaItem(ctx context.Context, actor *samspil.Actor, meetingID string, in samspil.AgendaItemInput) (*samspil.Meeting, error) {
	var out *samspil.Meeting
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, m, err := db.meetingForChange(tx, meetingID, false)
		if err != nil {
			return err
		}
		in, err := db.checkAgendaItem(tx, c, m, in)
		if err != nil {
			return err
		}
		it := samspil.AgendaItem{ID: newID(), Position: len(m.Agenda) + 1, Title: in.Title, Description: in.Description,
			OwnerUserID: in.OwnerUserID, Attachments: in.Attachments}
		for _, x := range m.Agenda {
			it.Position = max(it.Position, x.Position+1)
		}
		atts, err := json.Marshal(it.Attachments)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agenda_items (id, meeting_id, position, title, description, owner_user_id, attachments_json)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, it.ID, m.ID, it.Position, it.Title, it.Description, nullString(it.OwnerUserID), string(atts)); err != nil {
			return err
		}
		if err := touchMeeting(tx, m.ID); err != nil {
			return err
		}
		if out, err = db.findMeeting(ctx, tx, actor, m.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "meeting.agenda.add", ObjectType: "agenda_item", ObjectID: it.ID, After: agendaAudit(m.ID, it)})
	})
	return out, err
}

// agendaAudit is the audit payload of an agenda item: the item and its
// meeting.
func agendaAudit(meetingID string, it samspil.AgendaItem) any {
	return struct {
		MeetingID string `json:"meeting_id"`
		samspil.AgendaItem
	}{meetingID, it}
}

// agendaItem returns the point of the meeting's agenda with the ID.
func agendaItem(m *samspil.Meeting, id string) (*samspil.AgendaItem, error) {
	for i := range m.Agenda {
		if m.Agenda[i].ID == id {
			return &m.Agenda[i], nil
		}
	}
	return nil, samspil.NotFound("agenda item")
}

// UpdateAgendaItem changes a point on a meeting's agenda.
func (db *DB) UpdateAgendaItem(ctx context.Context, actor *samspil.Actor, meetingID, itemID string, in samspil.AgendaItemInput) (*samspil.Meeting, error) {
	var out *samspil.Meeting
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, m, err := db.meetingForChange(tx, meetingID, false)
		if err != nil {
			return err
		}
		before, err := agendaItem(m, itemID)
		if err != nil {
			return err
		}
		in, err := db.checkAgendaItem(tx, c, m, in)
		if err != nil {
			return err
		}
		it := samspil.AgendaItem{ID: before.ID, Position: before.Position, Title: in.Title, Description: in.Description,
			OwnerUserID: in.OwnerUserID, Attachments: in.Attachments}
		atts, err := json.Marshal(it.Attachments)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET title = $3, description = $4, owner_user_id = $5, attachments_json = $6
			WHERE id = $1 AND meeting_id = $2`, it.ID, m.ID, it.Title, it.Description, nullString(it.OwnerUserID), string(atts)); err != nil {
			return err
		}
		if err := touchMeeting(tx, m.ID); err != nil {
			return err
		}
		if out, err = db.findMeeting(ctx, tx, actor, m.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "meeting.agenda.update", ObjectType: "agenda_item", ObjectID: it.ID,
			Before: agendaAudit(m.ID, *before), After: agendaAudit(m.ID, it)})
	})
	return out, err
}

// DeleteAgendaItem removes a point from a meeting's agenda; the later
// points move up.
func (db *DB) DeleteAgendaItem(ctx context.Context, actor *samspil.Actor, meetingID, itemID string) (*samspil.Meeting, error) {
	var out *samspil.Meeting
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, m, err := db.meetingForChange(tx, meetingID, false)
		if err != nil {
			return err
		}
		before, err := agendaItem(m, itemID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agenda_items WHERE id = $1 AND meeting_id = $2`, itemID, m.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_items SET position = position - 1 WHERE meeting_id = $1 AND position > $2`,
			m.ID, before.Position); err != nil {
			return err
		}
		if err := touchMeeting(tx, m.ID); err != nil {
			return err
		}
		if out, err = db.findMeeting(ctx, tx, actor, m.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "meeting.agenda.delete", ObjectType: "agenda_item", ObjectID: itemID, Before: agendaAudit(m.ID, *before)})
	})
	return out, err
}

// SetAttendance replaces who attended a meeting. Each person must be a user
// of an organisation that is a member of the collaboration on the day of
// the meeting.
func (db *DB) SetAttendance(ctx context.Context, actor *samspil.Actor, meetingID string, att []samspil.Attendance) (*samspil.Meeting, error) {
	var out *samspil.Meeting
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, m, err := db.meetingForChange(tx, meetingID, false)
		if err != nil {
			return err
		}
		day := samspil.DateOf(m.Start)
		list := make([]samspil.Attendance, len(att))
		copy(list, att)
		var v samspil.Validation
		seen := map[string]bool{}
		for i := range list {
			a := &list[i]
			path := "attendance[" + strconv.Itoa(i) + "]"
			a.UserID, a.OrganizationID = strings.TrimSpace(a.UserID), strings.TrimSpace(a.OrganizationID)
			v.OneOf(path+".status", a.Status)
			if a.UserID == "" {
				v.Add(path+".user_id", "is required")
				continue
			}
			if seen[a.UserID] {
				v.Add(path+".user_id", "is listed twice")
				continue
			}
			seen[a.UserID] = true
			if err := v.Merge(db.personOf(tx, c, day, &a.UserID, &a.OrganizationID, &a.Name, &a.OrganizationName, path)); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM attendance WHERE meeting_id = $1`, m.ID); err != nil {
			return err
		}
		for _, a := range list {
			if _, err := tx.ExecContext(ctx, `INSERT INTO attendance (meeting_id, user_id, organization_id, status) VALUES ($1, $2, $3, $4)`,
				m.ID, a.UserID, a.OrganizationID, string(a.Status)); err != nil {
				return err
			}
		}
		if err := touchMeeting(tx, m.ID); err != nil {
			return err
		}
		if out, err = db.findMeeting(ctx, tx, actor, m.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "meeting.attendance", ObjectType: "meeting", ObjectID: m.ID, Before: m.Attendance, After: out.Attendance})
	})
	return out, err
}
