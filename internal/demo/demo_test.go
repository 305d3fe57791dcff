package demo_test

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestDemo makes the demo on each engine and checks that it tells the
// Silkeborg–Viborg story with its historic dates, that its four logins
// work with the rights they are printed with, and that the Silkeborg and
// Viborg IT chiefs each find something current to act on today.
func TestDemo(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := samspil.Now()
		created, err := demo.EnsureAt(ctx, db, now)
		if err != nil || !created {
			t.Fatalf("demo: %v %v", created, err)
		}
		t.Run("story", func(t *testing.T) { checkStory(t, db) })
		t.Run("history keeps its dates", func(t *testing.T) { checkHistory(t, db, now) })
		t.Run("what each IT chief finds today", func(t *testing.T) { checkPresent(t, db, now) })
		t.Run("initiatives", func(t *testing.T) { checkInitiatives(t, db) })
		t.Run("health warns early", func(t *testing.T) { checkHealth(t, db) })
		t.Run("relations", func(t *testing.T) { checkRelations(t, db) })
		t.Run("logins and their rights", func(t *testing.T) { checkLogins(t, db) })
		// A second run adds nothing.
		if again, err := demo.Ensure(ctx, db); err != nil || again {
			t.Fatalf("second run: %v %v", again, err)
		}
	})
}

// TestDemoOnAnotherDay makes the demo with the clock in July and just
// before Christmas, when the IT chiefs skip meetings, and checks that its
// present still falls around that day.
func TestDemoOnAnotherDay(t *testing.T) {
	for _, now := range []time.Time{time.Date(2028, 7, 20, 12, 30, 0, 0, samspil.Copenhagen()),
		time.Date(2029, 12, 20, 8, 0, 0, 0, samspil.Copenhagen())} {
		t.Run(now.Format("2006-01-02"), func(t *testing.T) {
			testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
				db.SetClock(func() time.Time { return now.UTC() })
				if _, err := demo.EnsureAt(context.Background(), db, now.UTC()); err != nil {
					t.Fatal(err)
				}
				checkHistory(t, db, now)
				checkPresent(t, db, now)
			})
		})
	}
}

func actorOf(t *testing.T, db *sqldb.DB, email string) *samspil.Actor {
	t.Helper()
	id, err := db.UserIDByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	return testkit.Actor(t, db, id)
}

// collab returns the Silkeborg–Viborg collaboration.
func collab(t *testing.T, db *sqldb.DB, actor *samspil.Actor) *samspil.Collaboration {
	t.Helper()
	page, err := db.ListCollaborations(context.Background(), actor, samspil.CollaborationFilter{Query: "Silkeborg–Viborg"})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("collaborations: %v %v", page, err)
	}
	return &page.Items[0]
}

// checkStory: both working forms, the director forums that stopped in
// 2018, the IT chiefs still meeting every 14 days, the joint strategy kept
// by Silkeborg after Viborg adopted its own, ambitions drifting apart, the
// description in its current form with the founding text kept.
func checkStory(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	anne := actorOf(t, db, demo.ViewerEmail)
	c := collab(t, db, anne)
	today := samspil.Today(samspil.Now())
	if c.Exclusivity != samspil.ExclusivityOpen || len(c.Members) != 2 || c.Members[0].Commitment != samspil.CommitmentVoluntary {
		t.Fatalf("the 2018 form: %+v", c)
	}
	if !strings.HasPrefix(c.Purpose, "Siden november 2018 et frivilligt samarbejde") || strings.Contains(c.Purpose, "søger hinanden først") {
		t.Errorf("the description is not its current form: %q", c.Purpose)
	}
	var founding string
	for _, d := range c.Documents {
		if d.Kind == samspil.DocDeclaration {
			_, content, err := db.DocumentContent(ctx, anne, c.ID, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			founding = string(content)
		}
	}
	if !strings.Contains(founding, "Kommunerne søger hinanden først") || len(c.Documents) != 2 {
		t.Errorf("the founding text is not kept: %d documents, %q", len(c.Documents), founding)
	}
	tl, err := db.Timeline(ctx, anne, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, e := range tl {
		text = append(text, e.On.String()+" "+e.Text.String())
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"2014-01-01 Silkeborg–Viborg IT- og digitaliseringssamarbejde was founded",
		"2014-05-07 decision adopted: Fælles ESDH-platform", "2017-05-03 decision rejected: Fælles IT-driftscenter",
		"2018-11-07 commitment changed from binding to voluntary for Silkeborg Kommune & Viborg Kommune",
		"2018-11-07 adjustment: Justeret samarbejdsform: frivilligt samarbejde, hvor det giver mening",
		"2018-11-07 Fælles direktionsmøde stopped: Justeret samarbejdsform", "2020-02-26 Viborg Kommune adopted the strategy"} {
		if !strings.Contains(all, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, all)
		}
	}
	forums, err := db.ListForums(ctx, anne, c.ID)
	if err != nil || len(forums) != 3 {
		t.Fatalf("forums %d %v", len(forums), err)
	}
	for _, f := range forums {
		active := f.Status == samspil.ForumActive
		if active != (f.Name == "IT-chefmøde") {
			t.Errorf("%s is %s", f.Name, f.Status)
		}
		if f.Name == "IT-chefmøde" {
			ms, err := db.ListMeetings(ctx, anne, samspil.MeetingFilter{ForumID: f.ID, From: time.Now(), To: time.Now().AddDate(0, 0, 60)})
			if err != nil || len(ms.Items) < 4 {
				t.Fatalf("coming IT chiefs' meetings: %d %v", len(ms.Items), err)
			}
			// Every other Thursday; an occurrence on a holiday is skipped
			// (the forum skips holidays) and listed as such.
			if !f.SkipHolidays {
				t.Error("the IT chiefs' forum does not skip holidays")
			}
			for i := 1; i < len(ms.Items); i++ {
				a, b := ms.Items[i-1].Start, ms.Items[i].Start
				gap := b.Sub(a)
				if gap < 13*24*time.Hour || gap > 15*24*time.Hour && !slices.ContainsFunc(f.SkippedMeetings, func(s samspil.SkippedMeeting) bool {
					return s.Occurrence.After(a) && s.Occurrence.Before(b)
				}) {
					t.Errorf("meetings %s and %s are %v apart with no skipped meeting between", a, b, gap)
				}
			}
		}
	}
	cov, err := db.Coverage(ctx, anne, c.ID, today)
	if err != nil || len(cov) != 2 {
		t.Fatalf("coverage %+v %v", cov, err)
	}
	for _, s := range cov {
		switch s.OrganizationName {
		case "Silkeborg Kommune":
			if !s.Joint || !s.PastPeriod {
				t.Errorf("Silkeborg: %+v", s)
			}
		case "Viborg Kommune":
			if s.Joint || !strings.Contains(s.StrategyTitle, "Viborg") {
				t.Errorf("Viborg: %+v", s)
			}
		}
	}
	hist, err := db.AlignmentHistory(ctx, anne, c.ID, today)
	if err != nil || len(hist) < 3 {
		t.Fatalf("alignment history %d %v", len(hist), err)
	}
	// Aligned at the start, apart before 2018, and apart again today on
	// joint operations.
	spreads := make([]int, len(hist))
	for i, a := range hist {
		spreads[i] = a.MaxSpread
	}
	if spreads[0] != 0 || slices.Max(spreads[:len(spreads)-1]) < 2 || spreads[len(spreads)-1] < 2 {
		t.Errorf("ambitions do not drift apart: %v", spreads)
	}
	public, err := db.ListCollaborations(ctx, samspil.Anonymous(), samspil.CollaborationFilter{})
	if err != nil || len(public.Items) != 1 || public.Items[0].Kind != samspil.KindProductCommunity {
		t.Fatalf("public collaborations %+v %v", public, err)
	}
}

// checkHistory: every past meeting of the collaboration's forums was held
// (with who attended for each municipality) or cancelled, none is still
// planned; every decision was taken at a meeting, on its day, and its
// votes were cast that day, so nothing in the past carries the day the
// demo was made.
func checkHistory(t *testing.T, db *sqldb.DB, now time.Time) {
	ctx := context.Background()
	mette := actorOf(t, db, demo.SilkeborgChiefEmail)
	c := collab(t, db, mette)
	today := samspil.Today(now)
	forums, err := db.ListForums(ctx, mette, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	meetings := map[string]*samspil.Meeting{}
	held := 0
	for _, f := range forums {
		f := samspil.MeetingFilter{ForumID: f.ID, To: now, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}}
		for {
			page, err := db.ListMeetings(ctx, mette, f)
			if err != nil {
				t.Fatal(err)
			}
			for i := range page.Items {
				m := &page.Items[i]
				meetings[m.ID] = m
				d := samspil.Today(m.Start)
				switch m.Status {
				case samspil.MeetingHeld:
					held++
					orgs := map[string]bool{}
					for _, a := range m.Attendance {
						orgs[a.OrganizationName] = true
					}
					if !orgs["Silkeborg Kommune"] || !orgs["Viborg Kommune"] {
						t.Errorf("%s on %s: attendance %+v", m.ForumName, d, m.Attendance)
					}
				case samspil.MeetingCancelled:
					// The IT chiefs skip the holidays; the director forums met
					// less and less in 2017 and 2018.
					drift := m.ForumName != "IT-chefmøde" && d.Year >= 2017 && d.Before(samspil.NewDate(2018, 11, 7))
					if !drift && (d.Month != time.July && d.Month != time.December && d.Month != time.January || !d.Before(today.AddDays(-56))) {
						t.Errorf("%s on %s was cancelled", m.ForumName, d)
					}
				default:
					t.Errorf("%s on %s is still %s", m.ForumName, d, m.Status)
				}
			}
			if f.Cursor = page.NextCursor; f.Cursor == "" {
				break
			}
		}
	}
	if held < 300 {
		t.Errorf("only %d meetings were held", held)
	}
	decisions, err := db.ListDecisions(ctx, mette, samspil.DecisionFilter{CollaborationID: c.ID, ListOptions: samspil.ListOptions{Limit: 100}})
	if err != nil || len(decisions.Items) != 20 { // 9 of the story, 11 that pass the initiatives' gates
		t.Fatalf("decisions %d %v", len(decisions.Items), err)
	}
	votes := 0
	for _, d := range decisions.Items {
		m := meetings[d.MeetingID]
		if m == nil || m.Status != samspil.MeetingHeld || d.DecidedOn != samspil.Today(m.Start) {
			t.Errorf("%s (%s) was not decided at a held meeting on its day", d.Title, d.DecidedOn)
			continue
		}
		if d.DecidedOn.After(today) || len(d.Votes) == 0 {
			t.Errorf("%s: decided on %s with %d votes", d.Title, d.DecidedOn, len(d.Votes))
		}
		for _, v := range d.Votes {
			votes++
			if v.CastOn != d.DecidedOn {
				t.Errorf("%s: %s voted on %s, its meeting was on %s", d.Title, v.OrganizationName, v.CastOn, d.DecidedOn)
			}
		}
		if d.Status == samspil.DecisionClosed && d.DecidedOn.After(samspil.NewDate(2023, 12, 31)) {
			t.Errorf("%s was closed, though decided on %s", d.Title, d.DecidedOn)
		}
	}
	if votes != 36 { // 34, and Silkeborg's alone on the two proposals Viborg did not vote on
		t.Errorf("%d votes, want 36", votes)
	}
}

// checkLogins signs in with the four printed logins and checks what each
// may do: each IT chief votes and gives consent for their own municipality
// only, the viewer changes nothing, the operator acts for no municipality.
func checkLogins(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	if len(demo.Logins) != 4 || demo.Logins[0].Email != demo.SilkeborgChiefEmail || !strings.Contains(demo.LoginText(), demo.Password) {
		t.Fatalf("the printed logins: %+v\n%s", demo.Logins, demo.LoginText())
	}
	actors := map[string]*samspil.Actor{}
	for _, l := range demo.Logins {
		if !strings.Contains(demo.LoginText(), l.Email) {
			t.Errorf("%s is not printed", l.Email)
		}
		secret, user, err := db.Login(ctx, samspil.LoginAttempt{Email: l.Email, Password: demo.Password, Source: netip.MustParseAddr("127.0.0.1")})
		if err != nil {
			t.Fatalf("sign in as %s: %v", l.Email, err)
		}
		if !strings.HasPrefix(user.DisplayName, l.Name) {
			t.Errorf("%s is %q, printed as %q", l.Email, user.DisplayName, l.Name)
		}
		if actors[l.Email], err = db.SessionActor(ctx, secret); err != nil {
			t.Fatal(err)
		}
	}
	mette, peter, anne, op := actors[demo.SilkeborgChiefEmail], actors[demo.ViborgChiefEmail], actors[demo.ViewerEmail], actors[demo.OperatorEmail]
	sys := samspil.SystemActor("test")
	sk, vb := testkit.Org(t, db, "0740").ID, testkit.Org(t, db, "0791").ID
	for _, x := range []struct {
		name                  string
		a                     *samspil.Actor
		votesFor, consentsFor []string
		operator              bool
	}{
		{"Silkeborg's IT chief", mette, []string{sk}, []string{sk}, false},
		{"Viborg's IT chief", peter, []string{vb}, []string{vb}, false},
		{"the viewer", anne, nil, nil, false},
		{"the operator", op, nil, nil, true},
	} {
		for _, org := range []string{sk, vb} {
			if x.a.Represents(org) != slices.Contains(x.votesFor, org) || x.a.ConsentsFor(org) != slices.Contains(x.consentsFor, org) {
				t.Errorf("%s: represents %s %v, gives its consent %v", x.name, org, x.a.Represents(org), x.a.ConsentsFor(org))
			}
		}
		if x.a.IsOperator() != x.operator {
			t.Errorf("%s: operator %v", x.name, x.a.IsOperator())
		}
	}

	c := collab(t, db, mette)
	open, err := db.ListDecisions(ctx, mette, samspil.DecisionFilter{CollaborationID: c.ID, Status: samspil.DecisionOpen})
	if err != nil || len(open.Items) != 2 {
		t.Fatalf("open decisions %d %v", len(open.Items), err)
	}
	pending := func(org string) *samspil.Invitation {
		p, err := db.ListInvitations(ctx, sys, samspil.InvitationFilter{OrganizationID: org, Status: samspil.InvitationPending})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("pending invitations of %s: %v %v", org, p, err)
		}
		return &p.Items[0]
	}
	skInv, vbInv := pending(sk), pending(vb)
	initiatives, err := db.InitiativeInvitations(ctx, mette, 10)
	if err != nil || len(initiatives) == 0 {
		t.Fatalf("invitations to initiatives for Silkeborg: %v %v", initiatives, err)
	}
	skInitiative := initiatives[0].InitiativeID
	before, err := db.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refused := func(what string, err error) {
		t.Helper()
		if samspil.ErrorCode(err) != samspil.EFORBIDDEN {
			t.Errorf("%s: %v, want forbidden", what, err)
		}
	}
	for _, d := range open.Items {
		refused("Silkeborg's IT chief votes for Viborg", onlyErr(db.CastVote(ctx, mette, d.ID, samspil.VoteInput{OrganizationID: vb, Choice: samspil.VoteFor})))
		refused("Viborg's IT chief votes for Silkeborg", onlyErr(db.CastVote(ctx, peter, d.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteFor})))
		refused("the viewer votes", onlyErr(db.CastVote(ctx, anne, d.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteFor})))
		refused("the operator votes", onlyErr(db.CastVote(ctx, op, d.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteFor})))
		refused("the viewer closes a decision", onlyErr(db.CloseDecision(ctx, anne, d.ID, d.Version)))
	}
	// Another municipality's invitation is not even seen.
	for _, err := range []error{onlyErr(db.AcceptInvitation(ctx, mette, vbInv.ID, samspil.Answer{})),
		onlyErr(db.AcceptInvitation(ctx, peter, skInv.ID, samspil.Answer{}))} {
		if samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("an IT chief answers for the other municipality: %v, want not found", err)
		}
	}
	refused("the viewer answers for Silkeborg", onlyErr(db.AcceptInvitation(ctx, anne, skInv.ID, samspil.Answer{})))
	refused("the viewer changes the description", onlyErr(db.UpdateCollaboration(ctx, anne, c.ID, c.Version,
		samspil.CollaborationPatch{Purpose: ptr("Ændret")})))
	refused("the viewer records an action item", onlyErr(db.CreateActionItem(ctx, anne, c.ID, samspil.ActionItemInput{Title: "Opgave"})))
	items, err := db.ListActionItems(ctx, anne, samspil.ActionItemFilter{CollaborationID: c.ID, OpenOnly: true})
	if err != nil || len(items.Items) == 0 {
		t.Fatalf("action items %v", err)
	}
	refused("the viewer closes an action item", onlyErr(db.UpdateActionItem(ctx, anne, items.Items[0].ID, items.Items[0].Version,
		samspil.ActionItemPatch{Status: ptr(samspil.ActionDone)})))
	next, err := db.ListMeetings(ctx, anne, samspil.MeetingFilter{CollaborationID: c.ID, From: time.Now(), ListOptions: samspil.ListOptions{Limit: 1}})
	if err != nil || len(next.Items) != 1 {
		t.Fatalf("next meeting %v", err)
	}
	refused("the viewer adds to an agenda", onlyErr(db.AddAgendaItem(ctx, anne, next.Items[0].ID, samspil.AgendaItemInput{Title: "Punkt"})))
	refused("the viewer records a contract", onlyErr(db.CreateContract(ctx, anne, samspil.ContractInput{OrganizationID: sk, Name: "Aftale",
		ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2026, 1, 1)}})))
	levels := []samspil.AmbitionLevel{}
	for _, area := range samspil.AmbitionAreas {
		levels = append(levels, samspil.AmbitionLevel{Area: area, Level: 1})
	}
	refused("the viewer declares ambitions", onlyErr(db.DeclareAmbitions(ctx, anne, c.ID, samspil.AmbitionInput{OrganizationID: sk, Levels: levels})))
	for _, x := range []struct {
		what string
		a    *samspil.Actor
		org  string
	}{{"the viewer joins an initiative for Silkeborg", anne, sk}, {"Viborg's IT chief joins an initiative for Silkeborg", peter, sk},
		{"Silkeborg's IT chief declines an initiative for Viborg", mette, vb}, {"the operator joins an initiative for Silkeborg", op, sk}} {
		refused(x.what, onlyErr(db.SetParticipation(ctx, x.a, skInitiative, samspil.ParticipationInput{OrganizationID: x.org,
			State: samspil.ParticipationDeclined, Reason: "Nej tak"})))
	}
	if after, _ := db.Fingerprint(ctx); after != before {
		t.Fatal("a refused change changed the database")
	}
	// What the IT chiefs may do for their own municipality, they can.
	if _, err := db.CastVote(ctx, mette, open.Items[0].ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteFor, Replace: true}); err != nil {
		t.Errorf("Silkeborg's IT chief votes for Silkeborg: %v", err)
	}
	if _, err := db.AcceptInvitation(ctx, peter, vbInv.ID, samspil.Answer{}); err != nil {
		t.Errorf("Viborg's IT chief accepts for Viborg: %v", err)
	}
	if _, err := db.SetParticipation(ctx, mette, skInitiative, samspil.ParticipationInput{OrganizationID: sk, State: samspil.ParticipationVoluntary}); err != nil {
		t.Errorf("Silkeborg's IT chief answers an initiative's invitation for Silkeborg: %v", err)
	}
}

// checkPresent: on the demo's day, each IT chief has contract notice
// deadlines within six months, a vote waiting for their municipality, the
// next meetings with agendas, their action items with one overdue, and an
// invitation waiting for their municipality's answer. The e-mail notices
// see the same.
func checkPresent(t *testing.T, db *sqldb.DB, now time.Time) {
	ctx := context.Background()
	today := samspil.Today(now)
	subjects, err := db.NoticeSubjects(ctx, samspil.SystemActor("test"), now, samspil.NoticeHorizons{Meeting: 45 * 24 * time.Hour,
		Action: 14 * 24 * time.Hour, Deadline: 183 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for _, chief := range []struct{ email, code string }{{demo.SilkeborgChiefEmail, "0740"}, {demo.ViborgChiefEmail, "0791"}} {
		a := actorOf(t, db, chief.email)
		org := testkit.Org(t, db, chief.code)
		contracts, err := db.AllContracts(ctx, a, samspil.ContractFilter{OrganizationID: org.ID})
		if err != nil {
			t.Fatal(err)
		}
		deadlines := 0
		for _, c := range contracts {
			if last := c.Deadlines.LastNoticeDate; last != nil && !last.Before(today) && !last.After(today.AddMonths(6)) {
				deadlines++
			}
		}
		waiting := 0
		open, err := db.ListDecisions(ctx, a, samspil.DecisionFilter{Status: samspil.DecisionOpen})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range open.Items {
			if !slices.ContainsFunc(d.Votes, func(v samspil.Vote) bool { return v.OrganizationID == org.ID }) && a.Represents(org.ID) {
				waiting++
			}
		}
		// The next three meetings that take place, within two months.
		meetings, err := db.ListMeetings(ctx, a, samspil.MeetingFilter{UserID: a.UserID, From: now, To: now.AddDate(0, 2, 0)})
		if err != nil {
			t.Fatal(err)
		}
		agendas, planned := 0, 0
		for _, m := range meetings.Items {
			if m.Status == samspil.MeetingPlanned && planned < 3 {
				planned++
				if len(m.Agenda) > 0 {
					agendas++
				}
			}
		}
		items, err := db.ListActionItems(ctx, a, samspil.ActionItemFilter{OwnerUserID: a.UserID, OpenOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, it := range items.Items {
			if it.Overdue {
				overdue++
			}
		}
		invitations, err := db.ListInvitations(ctx, a, samspil.InvitationFilter{OrganizationID: org.ID, Status: samspil.InvitationPending})
		if err != nil {
			t.Fatal(err)
		}
		answerable := 0
		for i := range invitations.Items {
			if a.MayAnswerInvitation(&invitations.Items[i]) {
				answerable++
			}
		}
		if deadlines < 2 || waiting != 1 || agendas != 3 || overdue != 1 || len(items.Items) < 2 || answerable != 1 {
			t.Errorf("%s on %s: %d notice deadlines within six months, %d votes waiting, %d next meetings with agendas, %d open action items "+
				"(%d overdue), %d invitations to answer", chief.email, today, deadlines, waiting, agendas, len(items.Items), overdue, answerable)
		}
		kinds := map[samspil.NoticeKind]int{}
		for _, s := range subjects {
			if s.UserID == a.UserID {
				kinds[s.Kind]++
			}
		}
		for _, k := range samspil.NoticeKinds {
			if kinds[k] == 0 {
				t.Errorf("%s gets no %s notice: %v", chief.email, k, kinds)
			}
		}
	}
}

func onlyErr[T any](_ T, err error) error { return err }

func ptr[T any](v T) *T { return &v }

// checkHealth checks that the health panel tells the story's lessons
// while there was still time to act: nothing to warn of until the
// ambitions parted in September 2016, and in 2017 and 2018, before the
// adjustment of 7 November 2018, warnings of every kind the story holds,
// with the numbers counted by hand from the demo's history.
func checkHealth(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	viewer := actorOf(t, db, demo.ViewerEmail)
	c := collab(t, db, viewer)
	at := func(day samspil.Date) *samspil.Health {
		t.Helper()
		h, err := db.CollaborationHealth(ctx, viewer, c.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	// Every month end from the start to August 2016 is free of warnings.
	early := at(samspil.NewDate(2016, 8, 31))
	for _, s := range early.Series {
		for _, p := range s.Points {
			if p.Warn {
				t.Errorf("%s warned on %s", s.Indicator, p.On)
			}
		}
	}
	if n := len(at(samspil.NewDate(2015, 12, 31)).Warnings); n != 0 {
		t.Errorf("%d warnings at the end of 2015", n)
	}
	texts := func(h *samspil.Health) map[string]string {
		out := map[string]string{}
		for _, w := range h.Warnings {
			out[w.Text.String()] = w.Since.String()
		}
		return out
	}
	for day, want := range map[samspil.Date]map[string]string{
		// 2017: Viborg's self-service participation became voluntary on 7
		// June; the directors cancelled February and November, management
		// July and September; of the decisions of 3 May and 2 August 2017
		// the purchasing function lacked Viborg's vote; the ESDH and
		// telephony benefits realised 300,000 + 100,000 + 250,000 of
		// 1,200,000 + 900,000 + 300,000 kr.
		samspil.NewDate(2017, 12, 31): {
			"Commitment moved from binding to voluntary or out in 1 of 3 initiatives in the last 24 months":    "2017-06-30",
			"Fælles direktionsmøde held 2 of 4 planned meetings in the last 12 months":                         "2017-11-30",
			"Koncernledelsen og Strategisk Lederforum held 4 of 6 planned meetings in the last 12 months":      "2017-09-30",
			"2 of 3 decisions in the last 12 months were reached; the others were deferred or lacked a quorum": "2017-11-30",
			"Ambition for shared_organisation differs by 3 levels: Silkeborg Kommune 3, Viborg Kommune 0":      "2016-09-30",
			"Ambition for joint_operations differs by 2 levels: Silkeborg Kommune 3, Viborg Kommune 1":         "2016-09-30",
			"Benefits realised: 27 % of the planned money a year (650000 of 2400000 kr.)":                      "2017-05-31",
			// Of the follow-ups due in 2017 only March\'s was done on time.
			"1 of 4 action items due in the last 12 months were done on time": "2017-10-31",
		},
		// A week before the adjustment: the directors met once in a year
		// (May), management twice (November and May); Viborg sent apologies
		// to every other IT chiefs' meeting from March 2017.
		samspil.NewDate(2018, 10, 31): {
			"Fælles direktionsmøde held 1 of 4 planned meetings in the last 12 months":                    "2017-11-30",
			"Koncernledelsen og Strategisk Lederforum held 2 of 6 planned meetings in the last 12 months": "2017-09-30",
			"Benefits realised: 30 % of the planned money a year (720000 of 2400000 kr.)":                 "2017-05-31",
			"0 of 3 action items due in the last 12 months were done on time":                             "2017-10-31",
		},
	} {
		got := texts(at(day))
		for text, since := range want {
			if got[text] != since {
				t.Errorf("%s: warning %q since %q, want since %s (warnings: %v)", day, text, got[text], since, got)
			}
		}
	}
	// The organisations side by side: Viborg's sector directors against
	// Silkeborg's one board, and IT under each.
	diff, err := db.CollaborationDifferences(ctx, viewer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(diff.Members) != 2 || diff.Members[0].Structure != samspil.StructureOneBoard || diff.Members[1].Structure != samspil.StructureSectorDirectors ||
		diff.Members[1].Directorates != 4 || strings.Join(diff.Members[0].IT, " < ") != "Digitalisering og IT < Direktionen" ||
		strings.Join(diff.Members[1].IT, " < ") != "IT og Digitalisering < Direktørområde Økonomi og Personale" {
		t.Errorf("members side by side %+v", diff.Members)
	}
	if len(diff.Warnings) != 1 || diff.Warnings[0].String() != "Sector directors at Viborg Kommune, one board of directors at Silkeborg Kommune: "+
		"a joint decision may need several directors on one side and one board on the other" {
		t.Errorf("differences' warnings %v", diff.Warnings)
	}
	if len(diff.Forums) != 1 || diff.Forums[0].Highest[diff.Members[0].OrganizationID] != samspil.LevelHead {
		t.Errorf("forums today %+v", diff.Forums)
	}

	h := at(samspil.NewDate(2018, 10, 31))
	for _, w := range h.Warnings {
		if w.Indicator == samspil.IndicatorAttendance && w.OrganizationID != "" && !strings.HasPrefix(w.Text.String(), "Viborg Kommune attended ") {
			t.Errorf("attendance warning %s", w.Text)
		}
	}
	if p := h.SeriesOf(samspil.IndicatorAttendance).Last(); !p.Warn {
		t.Errorf("no attendance warning a week before the adjustment: %+v", p)
	}
}

// checkRelations checks that Silkeborg's systems are related as the demo
// says: the professional systems file in the ESDH through its interface,
// the school system reaches it through the social system, so phasing out
// the ESDH hits several systems, one of them two relations away.
func checkRelations(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	sys := samspil.SystemActor("test")
	usages, err := db.ListUsages(ctx, sys, samspil.UsageFilter{OrganizationID: "0740", ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range usages.Items {
		s, err := db.FindSystem(ctx, sys, u.SystemID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Category != samspil.CategoryCaseManagement {
			continue
		}
		deps, err := db.UsageDependents(ctx, sys, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(deps) < 4 || deps[len(deps)-1].Depth != 2 {
			t.Fatalf("what phasing out %s hits: %+v", u.SystemName, deps)
		}
		rels, err := db.UsageRelations(ctx, sys, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rels.Incoming[0].InterfaceName != "Journaliserings-API" {
			t.Errorf("relation to the ESDH %+v", rels.Incoming[0])
		}
		return
	}
	t.Fatal("Silkeborg has no ESDH in the demo")
}
