package sqldb

import (
	"context"
	"time"

	"github.com/samspil/samspil"
)

var _ samspil.OverviewService = (*DB)(nil)

// Overview gathers a person's start page: each block is one bounded query
// over the person's own organisations (a handful) or the person, through
// the same conditions as the lists it links to.
func (db *DB) Overview(ctx context.Context, actor *samspil.Actor, now time.Time) (*samspil.Overview, error) {
	if !actor.SignedIn() {
		return nil, samspil.Errorf(samspil.EUNAUTHORIZED, "sign in to see your overview")
	}
	today := samspil.Today(now)
	o := &samspil.Overview{Today: today}
	orgs := actor.OrgIDs()
	if len(orgs) > 0 {
		var q query
		rows, err := db.read.QueryContext(ctx, "SELECT id, name FROM organizations WHERE id IN "+q.in(orgs)+" ORDER BY name_fold, id", q.args...)
		if err != nil {
			return nil, err
		}
		if o.Organizations, err = collect(rows, func(r rowScanner) (samspil.OrgRef, error) {
			var x samspil.OrgRef
			return x, r.Scan(&x.ID, &x.Name)
		}); err != nil {
			return nil, err
		}
	}
	steps := []func(context.Context, *samspil.Actor, *samspil.Overview, time.Time) error{
		db.overviewDeadlines, db.overviewOversights, db.overviewVotes, db.overviewMeetings, db.overviewActionItems, db.overviewConsent,
	}
	for _, step := range steps {
		if err := step(ctx, actor, o, now); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// overviewDeadlines: the organisations' contracts whose next decision falls
// within samspil.OverviewHorizonMonths, most urgent first. It reads the
// terms of the organisations' contracts once, and whole rows for the few
// shown.
func (db *DB) overviewDeadlines(ctx context.Context, actor *samspil.Actor, o *samspil.Overview, now time.Time) error {
	orgs := actor.OrgIDs()
	if len(orgs) == 0 {
		return nil
	}
	var q query
	q.cond("c.organization_id IN " + q.in(orgs))
	all, err := db.computedContracts(ctx, q, samspil.ContractFilter{Sort: samspil.SortByUrgency}, contractTermSelects[db.engine], scanContractTerms)
	if err != nil {
		return err
	}
	until := o.Today.AddMonths(samspil.OverviewHorizonMonths)
	due := all[:0]
	for _, c := range all {
		if d := c.Deadlines.NextDecisionDate; d != nil && !d.Before(o.Today) && !d.After(until) {
			due = append(due, c)
		}
	}
	o.DeadlinesTotal = len(due)
	o.Deadlines, err = db.wholeContracts(ctx, actor, due[:min(len(due), samspil.OverviewLimit)])
	return err
}

// overviewOversights: the organisations' data processing registrations
// whose next oversight is overdue or falls within
// samspil.OverviewHorizonMonths, earliest first.
func (db *DB) overviewOversights(ctx context.Context, actor *samspil.Actor, o *samspil.Overview, now time.Time) error {
	orgs := actor.OrgIDs()
	if len(orgs) == 0 {
		return nil
	}
	until := o.Today.AddMonths(samspil.OverviewHorizonMonths)
	var due []samspil.DataProcessingRegistration
	o.OversightsTotal = 0
	for _, org := range orgs {
		regs, total, err := db.OversightsDue(ctx, actor, samspil.DataProcessingFilter{OrganizationID: org, OversightBy: &until}, samspil.OverviewLimit)
		if err != nil {
			return err
		}
		due = append(due, regs...)
		o.OversightsTotal += total
	}
	samspil.OrderByNextOversight(due)
	o.Oversights = due[:min(len(due), samspil.OverviewLimit)]
	return nil
}

// overviewVotes: the first votes waiting.
func (db *DB) overviewVotes(ctx context.Context, actor *samspil.Actor, o *samspil.Overview, now time.Time) error {
	var err error
	o.Votes, err = db.VotesWaiting(ctx, actor, samspil.OverviewLimit)
	return err
}

// VotesWaiting lists open decisions in which one of the actor's
// organisations is a voting member on the decision's day and has not
// voted, oldest first, at most limit (at most samspil.MaxPageSize).
func (db *DB) VotesWaiting(ctx context.Context, actor *samspil.Actor, limit int) ([]samspil.VoteWaiting, error) {
	orgs := actor.OrgIDs()
	if len(orgs) == 0 || limit <= 0 {
		return []samspil.VoteWaiting{}, nil
	}
	limit = min(limit, samspil.MaxPageSize)
	var q query
	rows, err := db.read.QueryContext(ctx, `SELECT d.id, d.title, `+dateColumn(db.engine, "d.decided_on")+`, c.id, c.name, o.id, o.name
		FROM decisions d JOIN collaborations c ON c.id = d.collaboration_id
		JOIN collaboration_members cm ON cm.collaboration_id = d.collaboration_id JOIN organizations o ON o.id = cm.organization_id
		WHERE d.status = 'open' AND cm.organization_id IN `+q.in(orgs)+`
		AND cm.since <= d.decided_on AND (cm.until IS NULL OR cm.until >= d.decided_on)
		AND cm.role <> 'observer' AND cm.commitment <> 'observer'
		AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.decision_id = d.id AND v.organization_id = cm.organization_id)
		ORDER BY d.decided_on, d.id, o.name_fold LIMIT `+q.arg(limit), q.args...)
	if err != nil {
		return nil, err
	}
	votes, err := collect(rows, func(r rowScanner) (samspil.VoteWaiting, error) {
		var v samspil.VoteWaiting
		err := r.Scan(&v.DecisionID, &v.Title, &v.DecidedOn, &v.CollaborationID, &v.CollaborationName, &v.OrganizationID, &v.OrganizationName)
		v.MayVote = actor.Represents(v.OrganizationID)
		return v, err
	})
	return nonNil(votes), err
}

// overviewMeetings: the next meetings of the forums the person sits in.
func (db *DB) overviewMeetings(ctx context.Context, actor *samspil.Actor, o *samspil.Overview, now time.Time) error {
	if actor.UserID == "" {
		return nil
	}
	page, err := db.ListMeetings(ctx, actor, samspil.MeetingFilter{UserID: actor.UserID, From: now.Add(-2 * time.Hour),
		ListOptions: samspil.ListOptions{Limit: 5}})
	if err != nil {
		return err
	}
	for _, m := range page.Items {
		if m.Status != samspil.MeetingCancelled {
			o.Meetings = append(o.Meetings, m)
		}
	}
	return nil
}

// overviewActionItems: the person's unfinished action items, by due day
// (so overdue first), those without one last.
func (db *DB) overviewActionItems(ctx context.Context, actor *samspil.Actor, o *samspil.Overview, now time.Time) error {
	if actor.UserID == "" {
		return nil
	}
	page, err := db.ListActionItems(ctx, actor, samspil.ActionItemFilter{OwnerUserID: actor.UserID, OpenOnly: true,
		ListOptions: samspil.ListOptions{Limit: samspil.OverviewLimit}})
	if err != nil {
		return err
	}
	o.ActionItems, o.MoreActionItems = page.Items, page.NextCursor != ""
	return nil
}

// overviewConsent: invitations and proposed adjustments waiting for the
// consent of an organisation the person gives consent for, and the
// person's own invitations to organisations.
func (db *DB) overviewConsent(ctx context.Context, actor *samspil.Actor, o *samspil.Overview, now time.Time) error {
	var err error
	if o.Invitations, err = db.InvitationsToAnswer(ctx, actor); err != nil {
		return err
	}
	if o.PersonInvitations, err = db.MyPersonInvitations(ctx, actor); err != nil {
		return err
	}
	if o.InitiativeInvitations, err = db.InitiativeInvitations(ctx, actor, samspil.OverviewLimit+1); err != nil {
		return err
	}
	if len(o.InitiativeInvitations) > samspil.OverviewLimit {
		o.InitiativeInvitations, o.MoreInitiativeInvitations = o.InitiativeInvitations[:samspil.OverviewLimit], true
	}
	orgs := actor.OrgsWhere(samspil.PermCollabConsent)
	if len(orgs) == 0 {
		return nil
	}
	var q query
	rows, err := db.read.QueryContext(ctx, `SELECT a.id, a.title, `+dateColumn(db.engine, "a.effective_on")+`, c.id, c.name, o.id, o.name
		FROM adjustment_approvals ap JOIN adjustments a ON a.id = ap.adjustment_id
		JOIN collaborations c ON c.id = a.collaboration_id JOIN organizations o ON o.id = ap.organization_id
		WHERE a.status = 'proposed' AND ap.state = 'pending' AND ap.organization_id IN `+q.in(orgs)+`
		ORDER BY a.effective_on, a.id, o.name_fold`, q.args...)
	if err != nil {
		return err
	}
	o.Approvals, err = collect(rows, func(r rowScanner) (samspil.ApprovalWaiting, error) {
		var a samspil.ApprovalWaiting
		return a, r.Scan(&a.AdjustmentID, &a.Title, &a.EffectiveOn, &a.CollaborationID, &a.CollaborationName, &a.OrganizationID, &a.OrganizationName)
	})
	return err
}
