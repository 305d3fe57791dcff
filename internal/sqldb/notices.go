package sqldb

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/samspil/samspil"
)

var _ samspil.NoticeService = (*DB)(nil)

// Notices are looked for within these limits, so that an old open decision
// or a long-overdue action item does not start mailing when notices are
// switched on.
const (
	noticeVoteWindow    = 14 * 24 * time.Hour // decisions of the last two weeks (and coming ones)
	noticeOverdueWindow = 14 * 24 * time.Hour // action items overdue by at most two weeks
)

// recipient is a person who may get a notice.
type recipient struct {
	userID, email, name string
}

// NoticeSubjects finds what should be noticed at now: meetings of forums
// people sit in, decisions waiting for their organisation's vote, their
// action items coming due and their organisation's contract notice
// deadlines. People who opted out of a kind, disabled accounts and notices
// already queued are left out.
func (db *DB) NoticeSubjects(ctx context.Context, actor *samspil.Actor, now time.Time, h samspil.NoticeHorizons) ([]samspil.NoticeSubject, error) {
	if !actor.IsOperator() {
		return nil, samspil.Errorf(samspil.EFORBIDDEN, "only the system sends notices")
	}
	optOut, err := db.optOutSet(ctx)
	if err != nil {
		return nil, err
	}
	var out []samspil.NoticeSubject
	add := func(s samspil.NoticeSubject) {
		if !optOut[s.UserID+"/"+string(s.Kind)] {
			out = append(out, s)
		}
	}
	if err := db.meetingSubjects(ctx, actor, now, h.Meeting, add); err != nil {
		return nil, err
	}
	if err := db.voteSubjects(ctx, actor, now, add); err != nil {
		return nil, err
	}
	if err := db.actionSubjects(ctx, actor, now, h.Action, add); err != nil {
		return nil, err
	}
	if err := db.deadlineSubjects(ctx, actor, now, h.Deadline, add); err != nil {
		return nil, err
	}
	if err := db.consentSubjects(ctx, actor, now, add); err != nil {
		return nil, err
	}
	oversight := h.Oversight
	if oversight <= 0 {
		oversight = h.Deadline
	}
	if err := db.oversightSubjects(ctx, actor, now, oversight, add); err != nil {
		return nil, err
	}
	return db.notQueued(ctx, out)
}

// optOutSet returns "user/kind" for every opt-out.
func (db *DB) optOutSet(ctx context.Context) (map[string]bool, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT user_id, kind FROM notice_opt_outs`)
	if err != nil {
		return nil, err
	}
	pairs, err := collect(rows, func(r rowScanner) (string, error) {
		var u, k string
		err := r.Scan(&u, &k)
		return u + "/" + k, err
	})
	set := map[string]bool{}
	for _, p := range pairs {
		set[p] = true
	}
	return set, err
}

// meetingSubjects: planned meetings of active forums starting within the
// horizon, for each person sitting in the forum. A moved meeting is a new
// notice.
func (db *DB) meetingSubjects(ctx context.Context, actor *samspil.Actor, now time.Time, horizon time.Duration, add func(samspil.NoticeSubject)) error {
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, u.id, u.email, u.display_name FROM meetings m
		JOIN forums f ON f.id = m.forum_id JOIN forum_members fm ON fm.forum_id = f.id JOIN users u ON u.id = fm.user_id
		WHERE m.status = 'planned' AND f.status = 'active' AND u.disabled = FALSE AND m.start_at > $1 AND m.start_at <= $2
		ORDER BY m.start_at, m.id, u.id`, now, now.Add(horizon))
	if err != nil {
		return err
	}
	type row struct {
		meetingID string
		recipient
	}
	found, err := collect(rows, func(r rowScanner) (row, error) {
		var x row
		return x, r.Scan(&x.meetingID, &x.userID, &x.email, &x.name)
	})
	if err != nil {
		return err
	}
	meetings := map[string]*samspil.Meeting{}
	for _, x := range found {
		m := meetings[x.meetingID]
		if m == nil {
			if m, err = db.FindMeeting(ctx, actor, x.meetingID); err != nil {
				return err
			}
			meetings[x.meetingID] = m
		}
		add(samspil.NoticeSubject{Kind: samspil.NoticeMeeting, Key: "meeting:" + m.ID + ":" + strconv.FormatInt(m.Start.Unix(), 10) + ":" + x.userID,
			UserID: x.userID, Email: x.email, Name: x.name, Meeting: m})
	}
	return nil
}

// voteSubjects: open decisions of the last two weeks and coming days, for
// the administrators and editors of each member that has a vote and has
// not voted.
func (db *DB) voteSubjects(ctx context.Context, actor *samspil.Actor, now time.Time, add func(samspil.NoticeSubject)) error {
	since := samspil.Today(now.Add(-noticeVoteWindow))
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM decisions WHERE status = 'open' AND decided_on >= $1 ORDER BY decided_on, id`, since)
	if err != nil {
		return err
	}
	ids, err := collect(rows, scanString)
	if err != nil {
		return err
	}
	for _, id := range ids {
		d, err := db.FindDecision(ctx, actor, id)
		if err != nil {
			return err
		}
		c, err := db.findCollab(ctx, db.read, actor, d.CollaborationID)
		if err != nil {
			return err
		}
		for i := range c.Members {
			m := &c.Members[i]
			if !m.ActiveOn(d.DecidedOn) || !m.Votes() || slices.ContainsFunc(d.Votes, func(v samspil.Vote) bool { return v.OrganizationID == m.OrganizationID }) {
				continue
			}
			people, err := db.representatives(ctx, m.OrganizationID)
			if err != nil {
				return err
			}
			for _, p := range people {
				add(samspil.NoticeSubject{Kind: samspil.NoticeVote, Key: "vote:" + d.ID + ":" + m.OrganizationID + ":" + p.userID,
					UserID: p.userID, Email: p.email, Name: p.name, Decision: d, OrgName: m.OrganizationName})
			}
		}
	}
	return nil
}

// noticeConsentWindow is how long an invitation or a proposed adjustment
// is noticed after it was made; the page shows it for as long as it waits.
const noticeConsentWindow = 60 * 24 * time.Hour

// consentSubjects: invitations to collaborations and proposed adjustments
// that wait for an organisation's answer, for the administrators who give
// its consent; each is noticed once to each of them.
func (db *DB) consentSubjects(ctx context.Context, actor *samspil.Actor, now time.Time, add func(samspil.NoticeSubject)) error {
	since := now.Add(-noticeConsentWindow)
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM collaboration_invitations WHERE status = 'pending' AND created_at >= $1
		ORDER BY created_at, id`, since)
	if err != nil {
		return err
	}
	ids, err := collect(rows, scanString)
	if err != nil {
		return err
	}
	for _, id := range ids {
		inv, err := db.FindInvitation(ctx, actor, id)
		if err != nil {
			return err
		}
		people, err := db.consenters(ctx, inv.OrganizationID)
		if err != nil {
			return err
		}
		for _, p := range people {
			add(samspil.NoticeSubject{Kind: samspil.NoticeConsent, Key: "invitation:" + inv.ID + ":" + p.userID, UserID: p.userID, Email: p.email,
				Name: p.name, Invitation: inv, OrgName: inv.OrganizationName, Collaboration: inv.CollaborationName})
		}
	}
	rows, err = db.read.QueryContext(ctx, `SELECT a.id, ap.organization_id, o.name, c.name FROM adjustment_approvals ap
		JOIN adjustments a ON a.id = ap.adjustment_id JOIN collaborations c ON c.id = a.collaboration_id
		JOIN organizations o ON o.id = ap.organization_id
		WHERE a.status = 'proposed' AND ap.state = 'pending' AND a.created_at >= $1 ORDER BY a.created_at, a.id, ap.organization_id`, since)
	if err != nil {
		return err
	}
	type waiting struct{ adjustment, org, orgName, collab string }
	found, err := collect(rows, func(r rowScanner) (waiting, error) {
		var w waiting
		return w, r.Scan(&w.adjustment, &w.org, &w.orgName, &w.collab)
	})
	if err != nil {
		return err
	}
	for _, w := range found {
		a, err := db.FindAdjustment(ctx, actor, w.adjustment)
		if err != nil {
			return err
		}
		people, err := db.consenters(ctx, w.org)
		if err != nil {
			return err
		}
		for _, p := range people {
			add(samspil.NoticeSubject{Kind: samspil.NoticeConsent, Key: "approval:" + a.ID + ":" + w.org + ":" + p.userID, UserID: p.userID,
				Email: p.email, Name: p.name, Adjustment: a, OrgName: w.orgName, Collaboration: w.collab})
		}
	}
	return nil
}

// consenters are the enabled people of an organisation who give its
// consent (samspil.PermCollabConsent).
func (db *DB) consenters(ctx context.Context, orgID string) ([]recipient, error) {
	return db.holders(ctx, orgID, samspil.PermCollabConsent)
}

// representatives are the enabled people of an organisation who act for it
// (samspil.PermCollabRepresent).
func (db *DB) representatives(ctx context.Context, orgID string) ([]recipient, error) {
	return db.holders(ctx, orgID, samspil.PermCollabRepresent)
}

// holders are the enabled people whose role in the organisation holds p.
func (db *DB) holders(ctx context.Context, orgID string, p samspil.Permission) ([]recipient, error) {
	var roles []string
	for _, r := range samspil.Permissions[p].Roles {
		roles = append(roles, string(r))
	}
	var q query
	org := q.arg(orgID)
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.email, u.display_name FROM memberships ms JOIN users u ON u.id = ms.user_id
		WHERE ms.organization_id = `+org+` AND ms.role IN `+q.in(roles)+` AND u.disabled = FALSE ORDER BY u.id`, q.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (recipient, error) {
		var p recipient
		return p, r.Scan(&p.userID, &p.email, &p.name)
	})
}

// actionSubjects: unfinished action items due within the horizon (or
// overdue by at most two weeks), for their owner, or without one for the
// responsible organisation's representatives. A new due date is a new
// notice.
func (db *DB) actionSubjects(ctx context.Context, actor *samspil.Actor, now time.Time, horizon time.Duration, add func(samspil.NoticeSubject)) error {
	from, until := samspil.Today(now.Add(-noticeOverdueWindow)), samspil.Today(now.Add(horizon))
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM action_items WHERE status IN ('open', 'in_progress') AND due >= $1 AND due <= $2
		ORDER BY due, id`, from, until)
	if err != nil {
		return err
	}
	ids, err := collect(rows, scanString)
	if err != nil {
		return err
	}
	for _, id := range ids {
		a, err := db.FindActionItem(ctx, actor, id)
		if err != nil {
			return err
		}
		var people []recipient
		if a.OwnerUserID != "" {
			var p recipient
			var disabled bool
			if err := db.read.QueryRowContext(ctx, `SELECT id, email, display_name, disabled FROM users WHERE id = $1`, a.OwnerUserID).
				Scan(&p.userID, &p.email, &p.name, &disabled); err != nil {
				return err
			}
			if !disabled {
				people = append(people, p)
			}
		} else if a.OrganizationID != "" {
			if people, err = db.representatives(ctx, a.OrganizationID); err != nil {
				return err
			}
		}
		for _, p := range people {
			add(samspil.NoticeSubject{Kind: samspil.NoticeAction, Key: "action:" + a.ID + ":" + a.Due.String() + ":" + p.userID,
				UserID: p.userID, Email: p.email, Name: p.name, Action: a})
		}
	}
	return nil
}

// deadlineSubjects: contracts whose last day to give notice, or to
// exercise an option, falls within the horizon, for the representatives of
// the contract's organisation.
func (db *DB) deadlineSubjects(ctx context.Context, actor *samspil.Actor, now time.Time, horizon time.Duration, add func(samspil.NoticeSubject)) error {
	today, until := samspil.Today(now), samspil.Today(now.Add(horizon))
	people := map[string][]recipient{}
	return eachContract(ctx, db, actor, func(c *samspil.Contract) error {
		last := c.Deadlines.LastNoticeDate
		if x := c.Deadlines.OptionOpen(); x != nil {
			last = x
		}
		if last == nil || last.Before(today) || last.After(until) {
			return nil
		}
		if _, ok := people[c.OrganizationID]; !ok {
			var err error
			if people[c.OrganizationID], err = db.representatives(ctx, c.OrganizationID); err != nil {
				return err
			}
		}
		for _, p := range people[c.OrganizationID] {
			add(samspil.NoticeSubject{Kind: samspil.NoticeDeadline, Key: "deadline:" + c.ID + ":" + last.String() + ":" + p.userID,
				UserID: p.userID, Email: p.email, Name: p.name, Contract: c, OrgName: c.OrganizationName})
		}
		return nil
	})
}

// oversightSubjects: data processing registrations whose next oversight
// falls within the horizon, for the representatives of the registration's
// organisation, as contract deadlines are. A new next oversight is a new
// notice.
func (db *DB) oversightSubjects(ctx context.Context, actor *samspil.Actor, now time.Time, horizon time.Duration, add func(samspil.NoticeSubject)) error {
	today, until := samspil.Today(now), samspil.Today(now.Add(horizon))
	regs, err := db.AllDataProcessing(ctx, actor, samspil.DataProcessingFilter{OversightBy: &until})
	if err != nil {
		return err
	}
	people := map[string][]recipient{}
	for i := range regs {
		reg := &regs[i]
		next := reg.NextOversight
		if next == nil || next.Before(today) {
			continue
		}
		if _, ok := people[reg.OrganizationID]; !ok {
			if people[reg.OrganizationID], err = db.representatives(ctx, reg.OrganizationID); err != nil {
				return err
			}
		}
		for _, p := range people[reg.OrganizationID] {
			add(samspil.NoticeSubject{Kind: samspil.NoticeOversight, Key: "oversight:" + reg.ID + ":" + next.String() + ":" + p.userID,
				UserID: p.userID, Email: p.email, Name: p.name, DataProcessing: reg, OrgName: reg.OrganizationName})
		}
	}
	return nil
}

// eachContract calls fn for every contract the actor sees, a page at a
// time, so memory stays bounded however many contracts there are.
func eachContract(ctx context.Context, db *DB, actor *samspil.Actor, fn func(*samspil.Contract) error) error {
	f := samspil.ContractFilter{ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}}
	for {
		page, err := db.ListContracts(ctx, actor, f)
		if err != nil {
			return err
		}
		for i := range page.Items {
			if err := fn(&page.Items[i]); err != nil {
				return err
			}
		}
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			return nil
		}
	}
}

// notQueued leaves out the subjects whose notice is queued already.
func (db *DB) notQueued(ctx context.Context, subjects []samspil.NoticeSubject) ([]samspil.NoticeSubject, error) {
	queued := map[string]bool{}
	for start := 0; start < len(subjects); start += 500 {
		end := min(start+500, len(subjects))
		keys := make([]string, 0, end-start)
		for _, s := range subjects[start:end] {
			keys = append(keys, s.Key)
		}
		var q query
		rows, err := db.read.QueryContext(ctx, `SELECT dedupe_key FROM notices WHERE dedupe_key IN `+q.in(keys), q.args...)
		if err != nil {
			return nil, err
		}
		found, err := collect(rows, scanString)
		if err != nil {
			return nil, err
		}
		for _, k := range found {
			queued[k] = true
		}
	}
	out := []samspil.NoticeSubject{}
	for _, s := range subjects {
		if !queued[s.Key] {
			out = append(out, s)
		}
	}
	return out, nil
}

func scanString(r rowScanner) (string, error) {
	var s string
	return s, r.Scan(&s)
}

// QueueNotice queues a notice unless one with its key exists.
func (db *DB) QueueNotice(ctx context.Context, actor *samspil.Actor, n samspil.Notice) (bool, error) {
	if !actor.IsOperator() {
		return false, samspil.Errorf(samspil.EFORBIDDEN, "only the system sends notices")
	}
	queued := false
	err := db.update(ctx, actor, func(tx *Tx) error {
		tx.Unaudited(noticeQueue)
		next := n.NextTryAt
		if next.IsZero() {
			next = tx.now
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO notices (id, dedupe_key, user_id, kind, subject, body, status, attempts, next_try_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING`,
			newID(), n.Key, n.UserID, string(n.Kind), n.Subject, n.Body, next, tx.now)
		if err != nil {
			return err
		}
		count, err := res.RowsAffected()
		queued = count == 1
		return err
	})
	return queued, err
}

// staleSending is how long a claimed notice may stay unsent before its
// sender is taken to have stopped.
const staleSending = 15 * time.Minute

// ClaimNotices claims pending notices that are due, oldest first. A notice
// still "sending" long after it was claimed belonged to a sender that
// stopped; it may have gone out, so it becomes unknown rather than be sent
// twice.
func (db *DB) ClaimNotices(ctx context.Context, actor *samspil.Actor, now time.Time, limit int) ([]samspil.Notice, error) {
	if !actor.IsOperator() {
		return nil, samspil.Errorf(samspil.EFORBIDDEN, "only the system sends notices")
	}
	var out []samspil.Notice
	err := db.update(ctx, actor, func(tx *Tx) error {
		tx.Unaudited(noticeQueue)
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET status = 'unknown', last_error = 'the sender stopped while sending'
			WHERE status = 'sending' AND next_try_at < $1`, now.Add(-staleSending)); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT n.id, n.dedupe_key, n.user_id, u.email, n.kind, n.subject, n.body, n.attempts, n.created_at
			FROM notices n JOIN users u ON u.id = n.user_id WHERE n.status = 'pending' AND n.next_try_at <= $1
			ORDER BY n.next_try_at, n.id LIMIT $2`, now, limit)
		if err != nil {
			return err
		}
		notices, err := collect(rows, func(r rowScanner) (samspil.Notice, error) {
			var n samspil.Notice
			var created dbTime
			err := r.Scan(&n.ID, &n.Key, &n.UserID, &n.Email, &n.Kind, &n.Subject, &n.Body, &n.Attempts, &created)
			n.CreatedAt, n.Status = created.T, samspil.NoticeSending
			return n, err
		})
		if err != nil {
			return err
		}
		for i := range notices {
			n := &notices[i]
			// Claimed only if still pending: of two senders, one gets it.
			res, err := tx.ExecContext(ctx, `UPDATE notices SET status = 'sending', attempts = attempts + 1, next_try_at = $2
				WHERE id = $1 AND status = 'pending'`, n.ID, now)
			if err != nil {
				return err
			}
			if count, err := res.RowsAffected(); err != nil {
				return err
			} else if count == 1 {
				n.Attempts++
				out = append(out, *n)
			}
		}
		return nil
	})
	return out, err
}

// FinishNotice records how sending a claimed notice went.
func (db *DB) FinishNotice(ctx context.Context, actor *samspil.Actor, id string, status samspil.NoticeStatus, lastError string, next time.Time) error {
	if !actor.IsOperator() {
		return samspil.Errorf(samspil.EFORBIDDEN, "only the system sends notices")
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		tx.Unaudited(noticeQueue)
		var err error
		switch status {
		case samspil.NoticeSent:
			_, err = tx.ExecContext(ctx, `UPDATE notices SET status = 'sent', sent_at = $2, last_error = '' WHERE id = $1 AND status = 'sending'`, id, tx.now)
		case samspil.NoticeFailed, samspil.NoticePending:
			_, err = tx.ExecContext(ctx, `UPDATE notices SET status = $2, last_error = $3, next_try_at = $4 WHERE id = $1 AND status = 'sending'`,
				id, string(status), lastError, next)
		default:
			return samspil.ErrorAt(samspil.EINVALID, "status", "must be one of sent, failed, pending")
		}
		return err
	})
}

// NoticeOptOuts returns the kinds of notice the user does not want.
func (db *DB) NoticeOptOuts(ctx context.Context, actor *samspil.Actor, userID string) ([]samspil.NoticeKind, error) {
	if actor.UserID != userID && !actor.IsOperator() {
		return nil, samspil.NotFound("user")
	}
	rows, err := db.read.QueryContext(ctx, `SELECT kind FROM notice_opt_outs WHERE user_id = $1 ORDER BY kind`, userID)
	if err != nil {
		return nil, err
	}
	kinds, err := collect(rows, func(r rowScanner) (samspil.NoticeKind, error) {
		var k samspil.NoticeKind
		return k, r.Scan(&k)
	})
	if kinds == nil {
		kinds = []samspil.NoticeKind{}
	}
	return kinds, err
}

// SetNoticeOptOuts replaces the kinds of notice the user does not want.
func (db *DB) SetNoticeOptOuts(ctx context.Context, actor *samspil.Actor, userID string, kinds []samspil.NoticeKind) error {
	if actor.UserID != userID && !actor.IsOperator() {
		return samspil.NotFound("user")
	}
	var v samspil.Validation
	for i, k := range kinds {
		v.OneOf("opt_outs["+strconv.Itoa(i)+"]", k)
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.NoticeOptOuts(ctx, actor, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM notice_opt_outs WHERE user_id = $1`, userID); err != nil {
			return err
		}
		seen := map[samspil.NoticeKind]bool{}
		for _, k := range kinds {
			if seen[k] {
				continue
			}
			seen[k] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO notice_opt_outs (user_id, kind) VALUES ($1, $2)`, userID, string(k)); err != nil {
				return err
			}
		}
		return tx.Audit(auditEntry{Action: "user.notice_opt_outs", ObjectType: "user", ObjectID: userID, Before: before, After: kinds})
	})
}
