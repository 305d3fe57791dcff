package sqldb

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/samspil/samspil"
)

// Timeline returns a collaboration's history as dated entries: founding,
// members joining and leaving, changed roles and commitments (the same
// change for several members on one day is one entry), adjustments, forums
// starting and stopping, strategies adopted (joint ones, and members' own,
// which replace a joint one for them), decisions closed, and the end.
func (db *DB) Timeline(ctx context.Context, actor *samspil.Actor, collabID string) ([]samspil.TimelineEntry, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, err
	}
	link := "/collaborations/" + c.ID
	out := []samspil.TimelineEntry{{On: c.Start, Kind: "founded", Text: samspil.Phrasef("%s was founded", c.Name), Link: link}}
	// The whole history is gathered, then cut once at the end for a former
	// member (historyUntil).
	events, err := db.memberEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	// Group equal changes on one day so that "both members went from
	// binding to voluntary" reads as one entry.
	type key struct {
		on       samspil.Date
		kind     samspil.MemberEventKind
		from, to string
	}
	groups := map[key][]string{}
	var order []key
	for _, e := range events {
		k := key{e.On, e.Kind, e.From, e.To}
		if e.Kind == samspil.MemberJoined {
			k.to = strings.SplitN(e.To, "/", 2)[0]
			k.from = ""
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], e.OrganizationName)
	}
	for _, k := range order {
		names := joinNames(groups[k])
		var text samspil.Phrase
		switch k.kind {
		case samspil.MemberJoined:
			text = samspil.Phrasef("%s joined as %s", names, samspil.Term(k.to))
		case samspil.MemberLeft:
			text = samspil.Phrasef("%s left", names)
		case samspil.MemberRoleChange:
			text = samspil.Phrasef("role changed from %s to %s for %s", samspil.Term(k.from), samspil.Term(k.to), names)
		case samspil.MemberCommitment:
			text = samspil.Phrasef("commitment changed from %s to %s for %s", samspil.Term(k.from), samspil.Term(k.to), names)
		}
		out = append(out, samspil.TimelineEntry{On: k.on, Kind: "member", Text: text, Link: link + "/members"})
	}
	adjs, err := db.adjustmentsWhere(ctx, db.read, "a.collaboration_id = $1", c.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range adjs {
		if a.Status != samspil.AdjustmentInEffect {
			continue // proposed, declined or withdrawn: not history
		}
		out = append(out, samspil.TimelineEntry{On: a.EffectiveOn, Kind: "adjustment", Text: samspil.Phrasef("adjustment: %s", a.Title),
			Link: link + "/adjustments"})
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, first_meeting, time_zone, discontinued_on, discontinued_reason FROM forums
		WHERE collaboration_id = $1 ORDER BY first_meeting, id`, c.ID)
	if err != nil {
		return nil, err
	}
	type forumRow struct {
		id, name, zone, reason string
		first                  dbTime
		stopped                nullDate
	}
	forums, err := collect(rows, func(r rowScanner) (forumRow, error) {
		var f forumRow
		return f, r.Scan(&f.id, &f.name, &f.first, &f.zone, &f.stopped, &f.reason)
	})
	if err != nil {
		return nil, err
	}
	for _, f := range forums {
		flink := "/forums/" + f.id
		out = append(out, samspil.TimelineEntry{On: samspil.Today(f.first.T), Kind: "forum_started", Text: samspil.Phrasef("%s started meeting", f.name), Link: flink})
		if f.stopped.Valid {
			out = append(out, samspil.TimelineEntry{On: f.stopped.D, Kind: "forum_stopped", Text: samspil.Phrasef("%s stopped: %s", f.name, f.reason), Link: flink})
		}
	}
	// Strategies adopted: the collaboration's joint ones, and the members'
	// own (which end a joint strategy for them), as far as the reader may
	// see them.
	var q query
	collab := q.arg(c.ID)
	vis := visibleStrategyCond(&q, actor)
	rows, err = db.read.QueryContext(ctx, `SELECT s.id, s.title, so.organization_id, o.name, so.adopted_on FROM strategies s
		JOIN strategy_owners so ON so.strategy_id = s.id JOIN organizations o ON o.id = so.organization_id
		WHERE so.adopted_on IS NOT NULL AND (s.collaboration_id = `+collab+` OR (s.collaboration_id IS NULL AND so.organization_id IN
		(SELECT organization_id FROM collaboration_members WHERE collaboration_id = `+collab+`))) AND `+vis+`
		ORDER BY so.adopted_on, so.position`, q.args...)
	if err != nil {
		return nil, err
	}
	type adoption struct {
		id, title, orgID, org string
		on                    nullDate
	}
	adoptions, err := collect(rows, func(r rowScanner) (adoption, error) {
		var a adoption
		return a, r.Scan(&a.id, &a.title, &a.orgID, &a.org, &a.on)
	})
	if err != nil {
		return nil, err
	}
	for _, a := range adoptions {
		if m := c.MemberOn(a.orgID, a.on.D); m == nil {
			continue // adopted while not a member
		}
		out = append(out, samspil.TimelineEntry{On: a.on.D, Kind: "strategy_adopted", Text: samspil.Phrasef("%s adopted the strategy %s", a.org, a.title),
			Link: "/strategies/" + a.id})
	}
	// Closed decisions, on the day they were decided, with their outcome.
	decisions, err := db.closedDecisions(ctx, actor, c.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range decisions {
		var text samspil.Phrase
		switch d.Outcome.Result {
		case samspil.OutcomeAdopted:
			text = samspil.Phrasef("decision adopted: %s", d.Title)
		case samspil.OutcomeRejected:
			text = samspil.Phrasef("decision rejected: %s", d.Title)
		case samspil.OutcomeNoQuorum:
			text = samspil.Phrasef("decision closed without quorum: %s", d.Title)
		default:
			text = samspil.Phrasef("decision closed: %s", d.Title)
		}
		out = append(out, samspil.TimelineEntry{On: d.DecidedOn, Kind: "decision", Text: text, Link: "/decisions/" + d.ID})
	}
	if c.End != nil {
		out = append(out, samspil.TimelineEntry{On: *c.End, Kind: "ended", Text: samspil.Phrasef("%s ended", c.Name), Link: link})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].On.Before(out[j].On) })
	// A former member reads the history up to its last day.
	until, err := db.historyUntil(ctx, db.read, actor, c)
	if err != nil {
		return nil, err
	}
	if until != nil {
		out = slices.DeleteFunc(out, func(e samspil.TimelineEntry) bool { return e.On.After(*until) })
	}
	return out, nil
}

// joinNames writes names as "A", "A & B" or "A, B & C", which reads the
// same in Danish and English.
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " & " + names[len(names)-1]
}

// closedDecisions returns the closed decisions of a collaboration that the
// actor may see, oldest first.
func (db *DB) closedDecisions(ctx context.Context, actor *samspil.Actor, collabID string) ([]samspil.Decision, error) {
	var out []samspil.Decision
	f := samspil.DecisionFilter{CollaborationID: collabID, Status: samspil.DecisionClosed, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}}
	for {
		p, err := db.ListDecisions(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			slices.Reverse(out)
			return out, nil
		}
		f.Cursor = p.NextCursor
	}
}
