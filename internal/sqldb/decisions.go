package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

var _ samspil.DecisionService = (*DB)(nil)

const decisionColumns = `d.id, d.collaboration_id, d.forum_id, d.meeting_id, d.title, d.proposal, d.rule, d.quorum, d.binding, d.status,
	d.decided_on, d.version, d.created_at, d.updated_at, d.outcome_json`

func scanDecision(r rowScanner) (samspil.Decision, error) {
	var d samspil.Decision
	var forum, meeting, frozen *string
	var on nullDate
	var created, updated dbTime
	err := r.Scan(&d.ID, &d.CollaborationID, &forum, &meeting, &d.Title, &d.Proposal, &d.Rule, &d.Quorum, &d.Binding, &d.Status,
		&on, &d.Version, &created, &updated, &frozen)
	d.ForumID, d.MeetingID, d.DecidedOn, d.CreatedAt, d.UpdatedAt = deref(forum), deref(meeting), on.D, created.T, updated.T
	d.StrategyIDs, d.Votes, d.Proxies = []string{}, []samspil.Vote{}, []samspil.Proxy{}
	if err == nil && frozen != nil {
		d.Outcome, err = thawOutcome(*frozen)
	}
	return d, err
}

// frozenOutcome is a closed decision's outcome as stored: the explanation
// keeps its format and arguments, so that it is still translated.
type frozenOutcome struct {
	samspil.Outcome
	Format string `json:"explanation_format"`
	Args   []any  `json:"explanation_args"`
}

// freezeOutcome encodes an outcome for keeping.
func freezeOutcome(o samspil.Outcome) (string, error) {
	b, err := json.Marshal(frozenOutcome{Outcome: o, Format: o.Explanation.Format, Args: o.Explanation.Args})
	return string(b), err
}

// thawOutcome decodes a kept outcome; whole numbers among the explanation's
// arguments come back as ints.
func thawOutcome(s string) (samspil.Outcome, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var f frozenOutcome
	if err := dec.Decode(&f); err != nil {
		return samspil.Outcome{}, fmt.Errorf("decode kept outcome: %w", err)
	}
	for i, a := range f.Args {
		if n, ok := a.(json.Number); ok {
			if v, err := n.Int64(); err == nil {
				f.Args[i] = int(v)
			} else {
				f.Args[i] = n.String()
			}
		}
	}
	f.Outcome.Explanation = samspil.Phrase{Format: f.Format, Args: f.Args}
	if f.Outcome.Participants == nil {
		f.Outcome.Participants = []string{}
	}
	return f.Outcome, nil
}

// FindDecision returns a decision of a visible collaboration with its votes,
// proxies and computed outcome.
func (db *DB) FindDecision(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Decision, error) {
	return db.findDecision(ctx, db.read, actor, id)
}

func (db *DB) findDecision(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Decision, error) {
	var q query
	q.cond("d.id = " + q.arg(id))
	q.cond(db.visibleDatedCond(&q, actor, "d.decided_on"))
	d, err := scanDecision(qr.QueryRowContext(ctx, "SELECT "+decisionColumns+" FROM decisions d JOIN collaborations c ON c.id = d.collaboration_id"+
		q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "decision")
	}
	ds := []samspil.Decision{d}
	if err := db.finishDecisions(ctx, qr, actor, ds); err != nil {
		return nil, err
	}
	return &ds[0], nil
}

// finishDecisions loads the strategies (those the actor sees), votes and
// proxies of decisions and computes their outcomes.
func (db *DB) finishDecisions(ctx context.Context, qr querier, actor *samspil.Actor, ds []samspil.Decision) error {
	if len(ds) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(ds))
	var collabIDs []string
	for i := range ds {
		idx[ds[i].ID], ids[i] = i, ds[i].ID
		if !slices.Contains(collabIDs, ds[i].CollaborationID) {
			collabIDs = append(collabIDs, ds[i].CollaborationID)
		}
	}

	var q query
	in := q.in(ids)
	rows, err := qr.QueryContext(ctx, `SELECT ds.decision_id, ds.strategy_id FROM decision_strategies ds JOIN strategies s ON s.id = ds.strategy_id
		WHERE ds.decision_id IN `+in+` AND (`+visibleStrategyCond(&q, actor)+`) ORDER BY ds.strategy_id`, q.args...)
	if err != nil {
		return err
	}
	pairs, err := collect(rows, func(r rowScanner) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return err
	}
	for _, p := range pairs {
		d := &ds[idx[p[0]]]
		d.StrategyIDs = append(d.StrategyIDs, p[1])
	}

	var q2 query
	rows, err = qr.QueryContext(ctx, `SELECT v.decision_id, v.id, v.organization_id, o.name, v.choice, v.proxy, v.cast_by_name, v.cast_by_org_id,
		v.comment, v.cast_on, v.cast_at FROM votes v JOIN organizations o ON o.id = v.organization_id
		WHERE v.decision_id IN `+q2.in(ids)+` ORDER BY o.name_fold, v.id`, q2.args...)
	if err != nil {
		return err
	}
	type vote struct {
		decisionID string
		samspil.Vote
	}
	votes, err := collect(rows, func(r rowScanner) (vote, error) {
		var v vote
		var on nullDate
		var at dbTime
		err := r.Scan(&v.decisionID, &v.ID, &v.OrganizationID, &v.OrganizationName, &v.Choice, &v.ProxyFor, &v.CastByName,
			&v.CastByOrganization, &v.Comment, &on, &at)
		v.CastOn, v.CastAt = on.D, at.T
		if !on.Valid {
			v.CastOn = samspil.Today(at.T) // recorded before votes had a day of their own
		}
		return v, err
	})
	if err != nil {
		return err
	}
	for _, v := range votes {
		d := &ds[idx[v.decisionID]]
		d.Votes = append(d.Votes, v.Vote)
	}

	var q3 query
	rows, err = qr.QueryContext(ctx, `SELECT decision_id, organization_id, proxy_organization_id FROM decision_proxies
		WHERE decision_id IN `+q3.in(ids)+` ORDER BY organization_id`, q3.args...)
	if err != nil {
		return err
	}
	type proxy struct {
		decisionID string
		samspil.Proxy
	}
	proxies, err := collect(rows, func(r rowScanner) (proxy, error) {
		var p proxy
		return p, r.Scan(&p.decisionID, &p.OrganizationID, &p.ProxyOrganizationID)
	})
	if err != nil {
		return err
	}
	for _, p := range proxies {
		d := &ds[idx[p.decisionID]]
		d.Proxies = append(d.Proxies, p.Proxy)
	}

	cs := make([]samspil.Collaboration, len(collabIDs))
	for i, id := range collabIDs {
		cs[i].ID = id
	}
	if err := db.finishCollabs(ctx, qr, cs); err != nil {
		return err
	}
	for i := range cs {
		terms, err := chairTerms(ctx, qr, cs[i].ID)
		if err != nil {
			return err
		}
		for j := range ds {
			if d := &ds[j]; d.CollaborationID == cs[i].ID && d.Outcome.Result == "" {
				if d.Outcome, err = outcome(d, &cs[i], terms); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// electorate returns who votes on the decision: the members active on its
// day that are not observers, the chair of that day and the quorum.
func electorate(d *samspil.Decision, c *samspil.Collaboration, terms []samspil.ChairTerm) samspil.Electorate {
	e := samspil.Electorate{Voters: []string{}, Chair: samspil.ChairOn(terms, c.Members, d.DecidedOn), Quorum: d.Quorum}
	for i := range c.Members {
		if m := &c.Members[i]; m.ActiveOn(d.DecidedOn) && m.Votes() && !slices.Contains(e.Voters, m.OrganizationID) {
			e.Voters = append(e.Voters, m.OrganizationID)
		}
	}
	return e
}

// ballots returns the decision's votes as the tally sees them. Votes of
// organisations that no longer have a vote on the decision's day (their
// membership was changed after they voted) are left out, and so is the vote
// of skip, which the caller is about to replace.
func ballots(d *samspil.Decision, e samspil.Electorate, skip string) []samspil.Ballot {
	out := []samspil.Ballot{}
	for _, v := range d.Votes {
		if v.OrganizationID != skip && slices.Contains(e.Voters, v.OrganizationID) {
			out = append(out, samspil.Ballot{OrganizationID: v.OrganizationID, Choice: v.Choice, ProxyFor: v.ProxyFor})
		}
	}
	return out
}

// outcome computes where an open decision stands; a closed one keeps the
// outcome it was closed with.
func outcome(d *samspil.Decision, c *samspil.Collaboration, terms []samspil.ChairTerm) (samspil.Outcome, error) {
	e := electorate(d, c, terms)
	return samspil.Tally(d.Rule, e, ballots(d, e, ""), d.Status == samspil.DecisionClosed)
}

// ListDecisions lists the decisions of visible collaborations, the newest
// day first.
func (db *DB) ListDecisions(ctx context.Context, actor *samspil.Actor, f samspil.DecisionFilter) (*samspil.Page[samspil.Decision], error) {
	var q query
	if f.CollaborationID != "" {
		c, err := db.findCollab(ctx, db.read, actor, f.CollaborationID)
		if err != nil {
			return nil, err
		}
		q.cond("d.collaboration_id = " + q.arg(c.ID))
	}
	q.cond(db.visibleDatedCond(&q, actor, "d.decided_on"))
	if f.ForumID != "" {
		q.cond("d.forum_id = " + q.arg(f.ForumID))
	}
	if f.MeetingID != "" {
		q.cond("d.meeting_id = " + q.arg(f.MeetingID))
	}
	if f.Status != "" {
		var v samspil.Validation
		if !v.OneOf("status", f.Status) {
			return nil, v.Err()
		}
		q.cond("d.status = " + q.arg(string(f.Status)))
	}
	if f.ChangedSince != nil {
		q.cond("d.updated_at >= " + q.arg(*f.ChangedSince))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		if _, err := samspil.ParseDate(keys[0]); err != nil {
			return nil, errBadCursor()
		}
		a, b := q.arg(keys[0]), q.arg(keys[1])
		q.cond("d.decided_on < " + a + " OR (d.decided_on = " + a + " AND d.id < " + b + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+decisionColumns+" FROM decisions d JOIN collaborations c ON c.id = d.collaboration_id"+
		q.whereSQL()+" ORDER BY d.decided_on DESC, d.id DESC LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	ds, err := collect(rows, scanDecision)
	if err != nil {
		return nil, err
	}
	if err := db.finishDecisions(ctx, db.read, actor, ds); err != nil {
		return nil, err
	}
	return pageOf(ds, limit, func(d samspil.Decision) []string { return []string{d.DecidedOn.String(), d.ID} }), nil
}

// CreateDecision puts a proposal to the members of a collaboration; only
// those who manage the collaboration may.
func (db *DB) CreateDecision(ctx context.Context, actor *samspil.Actor, collabID string, in samspil.DecisionInput) (*samspil.Decision, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *samspil.Decision
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.managingCollab(tx, collabID)
		if err != nil {
			return err
		}
		d := samspil.Decision{ID: newID(), CollaborationID: c.ID, ForumID: in.ForumID, MeetingID: in.MeetingID, Title: in.Title,
			Proposal: in.Proposal, Rule: in.Rule, Quorum: in.Quorum, Binding: in.Binding, Status: samspil.DecisionOpen, DecidedOn: in.DecidedOn,
			StrategyIDs: []string{}, Version: 1, CreatedAt: tx.now, UpdatedAt: tx.now}
		if d.Rule == "" {
			d.Rule = c.DecisionRule
		}
		var v samspil.Validation
		if d.ForumID != "" {
			if ok, err := belongsTo(tx, "forums", d.ForumID, c.ID); err != nil {
				return err
			} else if !ok {
				v.Add("forum_id", "is not a forum of %s", c.Name)
			}
		}
		if d.MeetingID != "" {
			var collab, forum string
			var start dbTime
			err := tx.QueryRowContext(ctx, `SELECT collaboration_id, forum_id, start_at FROM meetings WHERE id = $1`, d.MeetingID).Scan(&collab, &forum, &start)
			switch {
			case errors.Is(err, sql.ErrNoRows) || (err == nil && collab != c.ID):
				v.Add("meeting_id", "is not a meeting of %s", c.Name)
			case err != nil:
				return err
			case d.ForumID != "" && d.ForumID != forum:
				v.Add("meeting_id", "is a meeting of another forum")
			default:
				d.ForumID = forum
				if d.DecidedOn.IsZero() {
					d.DecidedOn = samspil.Today(start.T)
				}
			}
		}
		if d.DecidedOn.IsZero() {
			d.DecidedOn = samspil.Today(tx.now)
		}
		for i, id := range in.StrategyIDs {
			path := "strategy_ids[" + strconv.Itoa(i) + "]"
			if slices.Contains(d.StrategyIDs, id) {
				v.Add(path, "is listed twice")
				continue
			}
			if _, err := db.findStrategy(ctx, tx, actor, id); samspil.ErrorCode(err) == samspil.ENOTFOUND {
				v.Add(path, "is not a strategy you can see")
				continue
			} else if err != nil {
				return err
			}
			d.StrategyIDs = append(d.StrategyIDs, id)
		}
		switch {
		case d.DecidedOn.Before(c.Start):
			v.Add("decided_on", "must not be before the collaboration starts (%s)", c.Start.String())
		case c.End != nil && d.DecidedOn.After(*c.End):
			v.Add("decided_on", "must not be after the collaboration ends (%s)", c.End.String())
		default:
			terms, err := chairTerms(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			if len(electorate(&d, c, terms).Voters) == 0 {
				v.Add("decided_on", "no member has a vote on %s", d.DecidedOn.String())
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO decisions (id, collaboration_id, forum_id, meeting_id, title, proposal, rule, quorum, binding,
			status, decided_on, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12)`,
			d.ID, c.ID, nullString(d.ForumID), nullString(d.MeetingID), d.Title, d.Proposal, string(d.Rule), d.Quorum, d.Binding,
			string(d.Status), d.DecidedOn, tx.now); err != nil {
			return err
		}
		for _, id := range d.StrategyIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO decision_strategies (decision_id, strategy_id) VALUES ($1, $2)`, d.ID, id); err != nil {
				return err
			}
		}
		if err := tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "decision.create", ObjectType: "decision", ObjectID: d.ID, After: d}); err != nil {
			return err
		}
		out, err = db.findDecision(ctx, tx, actor, d.ID)
		return err
	})
	return out, err
}

// belongsTo reports whether the row id of table (forums or meetings)
// belongs to the collaboration.
func belongsTo(tx *Tx, table, id, collabID string) (bool, error) {
	var collab string
	err := tx.QueryRowContext(tx.ctx, `SELECT collaboration_id FROM `+table+` WHERE id = $1`, id).Scan(&collab)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && collab == collabID, err
}

// lockedDecision finds a decision the actor can see in a write transaction,
// locks its row until the transaction ends and reads it again with its
// collaboration and chair terms, so that the votes seen are the latest.
func (db *DB) lockedDecision(tx *Tx, id string) (*samspil.Decision, *samspil.Collaboration, []samspil.ChairTerm, error) {
	var q query
	q.cond("d.id = " + q.arg(id))
	q.cond(db.visibleDatedCond(&q, tx.actor, "d.decided_on"))
	var found string
	if err := tx.QueryRowContext(tx.ctx, "SELECT d.id FROM decisions d JOIN collaborations c ON c.id = d.collaboration_id"+q.whereSQL(),
		q.args...).Scan(&found); err != nil {
		return nil, nil, nil, errNoRows(err, "decision")
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE decisions SET version = version WHERE id = $1`, id); err != nil {
		return nil, nil, nil, err
	}
	d, err := db.findDecision(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := db.findCollab(tx.ctx, tx, tx.actor, d.CollaborationID)
	if err != nil {
		return nil, nil, nil, err
	}
	terms, err := chairTerms(tx.ctx, tx, c.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	return d, c, terms, nil
}

// errClosed is the error for a change of a closed decision.
func errClosed(d *samspil.Decision) error {
	return samspil.Errorf(samspil.ECONFLICT, "the decision %s is closed", d.Title)
}

// voter returns the membership of orgID on the decision's day when it has a
// vote, or an EINVALID error about field that names the problem.
func voter(d *samspil.Decision, c *samspil.Collaboration, orgID, field string) (*samspil.Member, error) {
	if orgID == "" {
		return nil, samspil.ErrorAt(samspil.EINVALID, field, "is required")
	}
	m := c.MemberOn(orgID, d.DecidedOn)
	if m == nil {
		return nil, samspil.ErrorAt(samspil.EINVALID, field, "is not a member of %s on %s", c.Name, d.DecidedOn.String())
	}
	if !m.Votes() {
		return nil, samspil.ErrorAt(samspil.EINVALID, field, "%s is an observer and has no vote", m.OrganizationName)
	}
	return m, nil
}

// onlyErr returns the error of a call's two results.
func onlyErr[T any](_ T, err error) error { return err }

// voteAudit is a vote as its audit event records it.
type voteAudit struct {
	DecisionID string `json:"decision_id"`
	samspil.Vote
}

// CastVote records a member's vote, or changes it while the decision is
// open. The actor must be an administrator or editor of the member, or of
// the member recorded as its proxy for this decision.
func (db *DB) CastVote(ctx context.Context, actor *samspil.Actor, decisionID string, in samspil.VoteInput) (*samspil.Decision, error) {
	var out *samspil.Decision
	err := db.update(ctx, actor, func(tx *Tx) error {
		d, c, terms, err := db.lockedDecision(tx, decisionID)
		if err != nil {
			return err
		}
		if d.Status != samspil.DecisionOpen {
			return errClosed(d)
		}
		orgID, err := resolveOrgID(ctx, tx, in.OrganizationID)
		if err != nil {
			return err
		}
		m, err := voter(d, c, orgID, "organization_id")
		if err != nil {
			return err
		}
		proxy, castBy := false, m.OrganizationID
		if !actor.Represents(m.OrganizationID) {
			// A proxy counts while its holder has a vote on the decision's day.
			i := slices.IndexFunc(d.Proxies, func(p samspil.Proxy) bool { return p.OrganizationID == m.OrganizationID })
			if i < 0 || !actor.Represents(d.Proxies[i].ProxyOrganizationID) || onlyErr(voter(d, c, d.Proxies[i].ProxyOrganizationID, "")) != nil {
				return samspil.Errorf(samspil.EFORBIDDEN, "only administrators and editors of %s, or of the member holding its proxy, may vote for it",
					m.OrganizationName)
			}
			proxy, castBy = true, d.Proxies[i].ProxyOrganizationID
		}
		var v samspil.Validation
		v.OneOf("choice", in.Choice)
		if in.Choice == samspil.VoteOptOut && d.Rule != samspil.RuleOptIn {
			v.Add("choice", "opt_out is only possible when each member decides for itself (opt_in)")
		}
		v.Check(utf8.RuneCountInString(in.Comment) <= 2000, "comment", "must be at most 2000 characters")
		castOn := castDay(&v, d, in.CastOn, samspil.Today(tx.now))
		if err := v.Err(); err != nil {
			return err
		}
		// The tally checks the vote set the change leaves before anything is written.
		e := electorate(d, c, terms)
		bs := append(ballots(d, e, m.OrganizationID), samspil.Ballot{OrganizationID: m.OrganizationID, Choice: in.Choice, ProxyFor: proxy})
		if _, err := samspil.Tally(d.Rule, e, bs, false); err != nil {
			return err
		}
		vote := samspil.Vote{ID: newID(), OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName, Choice: in.Choice, ProxyFor: proxy,
			CastByName: actorLabel(actor), CastByOrganization: castBy, Comment: in.Comment, CastOn: castOn, CastAt: tx.now}
		i := slices.IndexFunc(d.Votes, func(v samspil.Vote) bool { return v.OrganizationID == m.OrganizationID })
		if i >= 0 && !in.Replace {
			return samspil.ErrorAt(samspil.ECONFLICT, "organization_id", "%s has voted already; to change its vote, say so (replace)", m.OrganizationName)
		}
		if i >= 0 {
			before := d.Votes[i]
			vote.ID = before.ID
			if _, err := tx.ExecContext(ctx, `UPDATE votes SET choice = $2, proxy = $3, cast_by_user_id = $4, cast_by_name = $5, cast_by_org_id = $6,
				comment = $7, cast_on = $8, cast_at = $9 WHERE id = $1`, vote.ID, string(vote.Choice), vote.ProxyFor, nullString(actor.UserID),
				vote.CastByName, vote.CastByOrganization, vote.Comment, vote.CastOn, tx.now); err != nil {
				return err
			}
			if err := tx.Audit(auditEntry{OrgID: m.OrganizationID, Action: "decision.vote.change", ObjectType: "vote", ObjectID: vote.ID,
				Before: voteAudit{d.ID, before}, After: voteAudit{d.ID, vote}}); err != nil {
				return err
			}
		} else {
			if _, err := tx.ExecContext(ctx, `INSERT INTO votes (id, decision_id, organization_id, choice, proxy, cast_by_user_id, cast_by_name,
				cast_by_org_id, comment, cast_on, cast_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, vote.ID, d.ID, vote.OrganizationID,
				string(vote.Choice), vote.ProxyFor, nullString(actor.UserID), vote.CastByName, vote.CastByOrganization, vote.Comment, vote.CastOn,
				tx.now); err != nil {
				return err
			}
			if err := tx.Audit(auditEntry{OrgID: m.OrganizationID, Action: "decision.vote", ObjectType: "vote", ObjectID: vote.ID,
				After: voteAudit{d.ID, vote}}); err != nil {
				return err
			}
		}
		if out, err = db.touchDecision(tx, d.ID); err != nil {
			return err
		}
		return nil
	})
	return out, err
}

// castDay returns the day a vote was given: given, or today when it is
// zero. A vote recorded afterwards (the votes of a past meeting) carries an
// earlier day, but not one in the future nor one before the decision was
// put to the members: its day, or the day it was recorded when that is
// earlier (a proposal put before the meeting that decides it).
func castDay(v *samspil.Validation, d *samspil.Decision, given, today samspil.Date) samspil.Date {
	if given.IsZero() {
		return today
	}
	put := d.DecidedOn
	if recorded := samspil.Today(d.CreatedAt); recorded.Before(put) {
		put = recorded
	}
	switch {
	case given.After(today):
		v.Add("cast_on", "must not be in the future")
	case given.Before(put):
		v.Add("cast_on", "must not be before the decision was put to the members (%s)", put.String())
	}
	return given
}

// touchDecision moves a decision to its next version after its votes or
// proxies changed, so that its ETag changes with what it shows, and returns
// it.
func (db *DB) touchDecision(tx *Tx, id string) (*samspil.Decision, error) {
	if _, err := tx.ExecContext(tx.ctx, `UPDATE decisions SET version = version + 1, updated_at = $2 WHERE id = $1`, id, tx.now); err != nil {
		return nil, err
	}
	return db.findDecision(tx.ctx, tx, tx.actor, id)
}

// SetProxy lets another voting member vote for a member on one decision;
// an empty proxy organisation withdraws the proxy. Those who manage the
// collaboration and the giving member's administrators and editors may.
func (db *DB) SetProxy(ctx context.Context, actor *samspil.Actor, decisionID string, p samspil.Proxy) (*samspil.Decision, error) {
	var out *samspil.Decision
	err := db.update(ctx, actor, func(tx *Tx) error {
		d, c, _, err := db.lockedDecision(tx, decisionID)
		if err != nil {
			return err
		}
		if d.Status != samspil.DecisionOpen {
			return errClosed(d)
		}
		giverID, err := resolveOrgID(ctx, tx, p.OrganizationID)
		if err != nil {
			return err
		}
		giver, err := voter(d, c, giverID, "organization_id")
		if err != nil {
			return err
		}
		if !actor.MayGiveProxy(c, giver.OrganizationID, samspil.Today(tx.now)) {
			return samspil.Errorf(samspil.EFORBIDDEN, "only administrators and editors of %s, the secretariat and the chair may give its proxy",
				giver.OrganizationName)
		}
		holderID, err := resolveOrgID(ctx, tx, p.ProxyOrganizationID)
		if err != nil {
			return err
		}
		if holderID != "" {
			if holderID == giver.OrganizationID {
				return samspil.ErrorAt(samspil.EINVALID, "proxy_organization_id", "must be another member than the one giving the proxy")
			}
			if _, err := voter(d, c, holderID, "proxy_organization_id"); err != nil {
				return err
			}
		}
		var before *samspil.Proxy
		if i := slices.IndexFunc(d.Proxies, func(x samspil.Proxy) bool { return x.OrganizationID == giver.OrganizationID }); i >= 0 {
			before = &d.Proxies[i]
		}
		after := &samspil.Proxy{OrganizationID: giver.OrganizationID, ProxyOrganizationID: holderID}
		switch {
		case holderID == "" && before == nil, before != nil && *before == *after:
			out = d
			return errUnchanged
		case holderID == "":
			after = nil
			_, err = tx.ExecContext(ctx, `DELETE FROM decision_proxies WHERE decision_id = $1 AND organization_id = $2`, d.ID, giver.OrganizationID)
		default:
			_, err = tx.ExecContext(ctx, `INSERT INTO decision_proxies (decision_id, organization_id, proxy_organization_id) VALUES ($1, $2, $3)
				ON CONFLICT (decision_id, organization_id) DO UPDATE SET proxy_organization_id = excluded.proxy_organization_id`,
				d.ID, giver.OrganizationID, holderID)
		}
		if err != nil {
			return err
		}
		audit := auditEntry{OrgID: giver.OrganizationID, Action: "decision.proxy", ObjectType: "decision", ObjectID: d.ID}
		if before != nil {
			audit.Before = before
		}
		if after != nil {
			audit.After = after
		}
		if err := tx.Audit(audit); err != nil {
			return err
		}
		out, err = db.touchDecision(tx, d.ID)
		return err
	})
	return out, err
}

// CloseDecision closes a decision: it takes no more votes and its outcome
// is final. Only those who manage the collaboration may.
func (db *DB) CloseDecision(ctx context.Context, actor *samspil.Actor, decisionID string, version int) (*samspil.Decision, error) {
	var out *samspil.Decision
	err := db.update(ctx, actor, func(tx *Tx) error {
		d, _, _, err := db.lockedDecision(tx, decisionID)
		if err != nil {
			return err
		}
		if _, err := db.managingCollab(tx, d.CollaborationID); err != nil {
			return err
		}
		if err := checkVersion(d.Version, version); err != nil {
			return err
		}
		if d.Status != samspil.DecisionOpen {
			return errClosed(d)
		}
		// The outcome is computed as closed and kept as it is now.
		c, err := db.findCollab(ctx, tx, tx.actor, d.CollaborationID)
		if err != nil {
			return err
		}
		terms, err := chairTerms(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		closed := *d
		closed.Status = samspil.DecisionClosed
		o, err := outcome(&closed, c, terms)
		if err != nil {
			return err
		}
		final, err := freezeOutcome(o)
		if err != nil {
			return err
		}
		if err := tx.execVersioned("decisions", "decision", d.ID, version, `UPDATE decisions SET status = $3, outcome_json = $4, version = version + 1,
			updated_at = $5 WHERE id = $1 AND version = $2`, d.ID, version, string(samspil.DecisionClosed), final, tx.now); err != nil {
			return err
		}
		if out, err = db.findDecision(ctx, tx, actor, d.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "decision.close", ObjectType: "decision", ObjectID: d.ID, Before: d, After: out})
	})
	return out, err
}
