package sqldb_test

import (
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestOverview: "Mit overblik" shows each person what is due for them and
// their organisation, and nothing of anybody else's: Silkeborg's deadlines
// within six months (most urgent first, none passed or later), the votes
// waiting for Silkeborg (not those it cast, nor Viborg's), the person's
// next meetings with agendas, their open action items overdue first, and
// the consent waiting for Silkeborg.
func TestOverview(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)
		c, sk, vb := s.collab, s.silkeborg.ID, s.viborg.ID
		now := time.Date(2026, 12, 6, 10, 0, 0, 0, samspil.Copenhagen())
		copenhagenClock(db, now)
		today := samspil.Today(now)

		// Contracts: due in 20 days (notice), 100 days, 300 days, passed; and Viborg's due in 10.
		// With an extension option left, notice must be given before the
		// expiry or the contract extends: the decision is due then.
		terms := func(expiry samspil.Date, notice int) samspil.ContractTerms {
			tm := samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1), Expiry: &expiry, NoticeMonths: notice, NoticeRule: samspil.NoticeAnyDay}
			if notice > 0 {
				tm.ExtensionCount, tm.ExtensionMonths = 1, 12
			}
			return tm
		}
		mk := func(actor *samspil.Actor, org, name string, tm samspil.ContractTerms) *samspil.Contract {
			t.Helper()
			k, err := db.CreateContract(ctx, actor, samspil.ContractInput{OrganizationID: org, Name: name, ContractTerms: tm})
			must(t, err)
			return k
		}
		soon := mk(s.sAdmin.Actor, sk, "ESDH – drift", terms(today.AddDays(20).AddMonths(3), 3)) // last notice day in 20 days
		later := mk(s.sAdmin.Actor, sk, "Økonomisystem", terms(today.AddDays(100), 0))
		mk(s.sAdmin.Actor, sk, "Lønsystem", terms(today.AddDays(300), 0))
		mk(s.sAdmin.Actor, sk, "Udløbet aftale", terms(today.AddDays(-3), 0))
		mk(s.vAdmin.Actor, vb, "Viborgs ESDH", terms(today.AddDays(10), 0))

		// Decisions: one open that Silkeborg has voted on, one open waiting for both.
		voted, err := db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Fælles chatbot", Rule: samspil.RuleMajority, DecidedOn: today.AddDays(-2)})
		must(t, err)
		vote(t, db, s.sAdmin.Actor, voted, sk, samspil.VoteFor)
		waiting, err := db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Fælles udbud af ESDH", Rule: samspil.RuleMajority, DecidedOn: today.AddDays(-1)})
		must(t, err)

		// A forum with a meeting ahead and an agenda.
		in := itChiefs(s)
		in.FirstMeeting = now.AddDate(0, 0, 3)
		f, err := db.CreateForum(ctx, s.sAdmin.Actor, c.ID, in)
		must(t, err)
		ms := allMeetings(t, db, s.sAdmin.Actor, samspil.MeetingFilter{ForumID: f.ID, From: now})
		if len(ms) == 0 {
			t.Fatal("no meetings ahead")
		}
		_, err = db.AddAgendaItem(ctx, s.sAdmin.Actor, ms[0].ID, samspil.AgendaItemInput{Title: "Status på ESDH-udbuddet"})
		must(t, err)

		// Action items of Silkeborg's admin: one overdue, one ahead, one done; and one of Viborg's.
		yesterday, ahead := today.AddDays(-1), today.AddDays(9)
		must(t, errOf(db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "Senere", OwnerUserID: s.sAdmin.User.ID, Due: &ahead})))
		must(t, errOf(db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "For sent", OwnerUserID: s.sAdmin.User.ID, Due: &yesterday})))
		must(t, errOf(db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "Viborgs", OwnerUserID: s.vAdmin.User.ID, Due: &yesterday})))

		// An invitation waiting for Aarhus, not Silkeborg.
		_, err = db.Invite(ctx, s.sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: today})
		must(t, err)

		o, err := db.Overview(ctx, s.sAdmin.Actor, now)
		must(t, err)
		if len(o.Organizations) != 1 || o.Organizations[0].ID != sk || o.Today != today {
			t.Fatalf("organisations %+v, today %s", o.Organizations, o.Today)
		}
		if o.DeadlinesTotal != 2 || len(o.Deadlines) != 2 || o.Deadlines[0].ID != soon.ID || o.Deadlines[1].ID != later.ID {
			t.Fatalf("deadlines %d: %v", o.DeadlinesTotal, names(o.Deadlines))
		}
		if u := o.Deadlines[0].Urgency(today); u != samspil.UrgencyNow {
			t.Errorf("a deadline in 20 days has urgency %q", u)
		}
		if u := o.Deadlines[1].Urgency(today); u != samspil.UrgencyNone {
			t.Errorf("a deadline in 100 days has urgency %q", u)
		}
		if len(o.Votes) != 1 || o.Votes[0].DecisionID != waiting.ID || o.Votes[0].OrganizationID != sk || !o.Votes[0].MayVote {
			t.Fatalf("votes %+v", o.Votes)
		}
		if len(o.Meetings) == 0 || o.Meetings[0].ID != ms[0].ID || len(o.Meetings[0].Agenda) != 1 {
			t.Fatalf("meetings %+v", o.Meetings)
		}
		if len(o.ActionItems) != 2 || o.ActionItems[0].Title != "For sent" || !o.ActionItems[0].Overdue || o.ActionItems[1].Title != "Senere" {
			t.Fatalf("action items %+v", o.ActionItems)
		}
		if len(o.Invitations) != 0 || len(o.Approvals) != 0 {
			t.Fatalf("consent for Silkeborg: %+v %+v", o.Invitations, o.Approvals)
		}
		if o.MoreActionItems {
			t.Fatal("two action items, and the block says there are more")
		}
		for i := 0; i < samspil.OverviewLimit-1; i++ {
			must(t, errOf(db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "Endnu et punkt", OwnerUserID: s.sAdmin.User.ID})))
		}
		if o, err = db.Overview(ctx, s.sAdmin.Actor, now); err != nil || len(o.ActionItems) != samspil.OverviewLimit || !o.MoreActionItems {
			t.Fatalf("%d action items shown, more: %v (%v)", len(o.ActionItems), o.MoreActionItems, err)
		}

		// Aarhus's administrator sees the invitation, and nothing of Silkeborg's.
		a, err := db.Overview(ctx, s.aAdmin.Actor, now)
		must(t, err)
		if len(a.Invitations) != 1 || len(a.Deadlines) != 0 || len(a.Votes) != 0 || len(a.Meetings) != 0 || len(a.ActionItems) != 0 {
			t.Fatalf("Aarhus: %+v", a)
		}
		// Viborg's viewer: the waiting vote is Viborg's too, but the viewer may not cast it.
		v, err := db.Overview(ctx, s.vViewer.Actor, now)
		must(t, err)
		if len(v.Votes) != 2 || v.Votes[0].MayVote || v.Votes[0].OrganizationID != vb {
			t.Fatalf("Viborg's viewer: votes %+v", v.Votes)
		}
		if len(v.Deadlines) != 1 || v.Deadlines[0].Name != "Viborgs ESDH" {
			t.Fatalf("Viborg's viewer: deadlines %v", names(v.Deadlines))
		}
		// Anonymous has no overview.
		testkit.ErrCode(t, errOf(db.Overview(ctx, samspil.Anonymous(), now)), samspil.EUNAUTHORIZED)
	})
}

func names(cs []samspil.Contract) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// TestSearch: the search finds by name (case-folded, Danish letters too)
// and organisations by kommunekode, only what the actor may see, grouped
// in the order of samspil.SearchKinds, cut at the limit with "more".
func TestSearch(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)
		c, sk := s.collab, s.silkeborg.ID
		k, err := db.CreateContract(ctx, s.sAdmin.Actor, samspil.ContractInput{OrganizationID: sk, Name: "Økonomisystem – drift",
			Visibility: samspil.VisibilityPrivate, ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1)}})
		must(t, err)
		f, err := db.CreateForum(ctx, s.sAdmin.Actor, c.ID, itChiefs(s))
		must(t, err)
		d, err := db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Fælles ØKONOMI-udbud", DecidedOn: samspil.NewDate(2016, 3, 1)})
		must(t, err)

		find := func(actor *samspil.Actor, q samspil.SearchQuery) map[samspil.SearchKind][]string {
			t.Helper()
			res, err := db.Search(ctx, actor, q)
			must(t, err)
			out := map[samspil.SearchKind][]string{}
			last := -1
			for _, g := range res.Groups {
				i := indexOf(samspil.SearchKinds, g.Kind)
				if i <= last || len(g.Hits) == 0 {
					t.Fatalf("groups out of order or empty: %+v", res.Groups)
				}
				last = i
				for _, h := range g.Hits {
					out[g.Kind] = append(out[g.Kind], h.ID)
				}
			}
			return out
		}
		got := find(s.sAdmin.Actor, samspil.SearchQuery{Text: "økonomi"})
		if len(got[samspil.SearchContracts]) != 1 || got[samspil.SearchContracts][0] != k.ID || len(got[samspil.SearchDecisions]) != 1 || got[samspil.SearchDecisions][0] != d.ID {
			t.Fatalf("Silkeborg finds %v", got)
		}
		// Viborg (a partner) sees the collaboration's decision, not Silkeborg's private contract; Aarhus neither.
		got = find(s.vAdmin.Actor, samspil.SearchQuery{Text: "ØKONOMI"})
		if len(got[samspil.SearchContracts]) != 0 || len(got[samspil.SearchDecisions]) != 1 {
			t.Fatalf("Viborg finds %v", got)
		}
		got = find(s.aAdmin.Actor, samspil.SearchQuery{Text: "økonomi"})
		if len(got[samspil.SearchContracts])+len(got[samspil.SearchDecisions]) != 0 {
			t.Fatalf("Aarhus finds %v", got)
		}
		if got = find(s.aAdmin.Actor, samspil.SearchQuery{Text: "it-chef"}); len(got[samspil.SearchForums]) != 0 {
			t.Fatalf("Aarhus finds the private collaboration's forum: %v", got)
		}
		if got = find(s.vViewer.Actor, samspil.SearchQuery{Text: "IT-CHEF"}); len(got[samspil.SearchForums]) != 1 || got[samspil.SearchForums][0] != f.ID {
			t.Fatalf("Viborg's viewer finds forums %v", got)
		}
		// A private initiative of the collaboration: found by its members,
		// not by Aarhus.
		x, err := db.ProposeInitiative(ctx, s.sAdmin.Actor, samspil.InitiativeInput{Title: "Fælles økonomistyring", CollaborationID: c.ID,
			Model: samspil.ModelImplementation, Visibility: samspil.VisibilityPrivate})
		must(t, err)
		if got = find(s.vViewer.Actor, samspil.SearchQuery{Text: "ØKONOMISTYRING"}); len(got[samspil.SearchInitiatives]) != 1 || got[samspil.SearchInitiatives][0] != x.ID {
			t.Fatalf("Viborg's viewer finds initiatives %v", got)
		}
		if got = find(s.aAdmin.Actor, samspil.SearchQuery{Text: "økonomistyring"}); len(got[samspil.SearchInitiatives]) != 0 {
			t.Fatalf("Aarhus finds the private initiative: %v", got)
		}
		// A kommunekode finds its municipality, also for anonymous readers.
		if got = find(samspil.Anonymous(), samspil.SearchQuery{Text: "0740"}); len(got[samspil.SearchOrganizations]) != 1 || got[samspil.SearchOrganizations][0] != sk {
			t.Fatalf("0740 finds %v", got)
		}
		// One kind, cut at the limit, says there is more.
		res, err := db.Search(ctx, samspil.Anonymous(), samspil.SearchQuery{Text: "kommune", Kinds: []samspil.SearchKind{samspil.SearchOrganizations}, PerKind: 3})
		must(t, err)
		if len(res.Groups) != 1 || len(res.Groups[0].Hits) != 3 || !res.Groups[0].More || res.Groups[0].Hits[0].Path != "/organizations/"+res.Groups[0].Hits[0].ID {
			t.Fatalf("limited search %+v", res.Groups)
		}
		// Too short finds nothing; bad input names the field.
		if res, err := db.Search(ctx, s.sAdmin.Actor, samspil.SearchQuery{Text: " ø "}); err != nil || len(res.Groups) != 0 {
			t.Fatalf("one letter: %+v %v", res, err)
		}
		wantField(t, errOf(db.Search(ctx, s.sAdmin.Actor, samspil.SearchQuery{Text: "ab", Kinds: []samspil.SearchKind{"people"}})), samspil.EINVALID, "kind")
		wantField(t, errOf(db.Search(ctx, s.sAdmin.Actor, samspil.SearchQuery{Text: "ab", PerKind: 51})), samspil.EINVALID, "limit")
		long := make([]byte, 101)
		for i := range long {
			long[i] = 'a'
		}
		wantField(t, errOf(db.Search(ctx, s.sAdmin.Actor, samspil.SearchQuery{Text: string(long)})), samspil.EINVALID, "q")
	})
}

func indexOf[T comparable](xs []T, x T) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}
