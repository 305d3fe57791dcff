package sqldb_test

import (
	"slices"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// consentWorld is a private collaboration founded by Silkeborg with Viborg
// invited as co-founder, and the people of Silkeborg, Viborg and Aarhus.
type consentWorld struct {
	db                               *sqldb.DB
	sAdmin, vAdmin, vEditor, vViewer testkit.Person
	aAdmin                           testkit.Person
	silkeborg, viborg, aarhus        *samspil.Organization
	collab                           *samspil.Collaboration
	invitation                       *samspil.Invitation // Viborg's, pending
}

func newConsentWorld(t *testing.T, db *sqldb.DB, vis samspil.Visibility) *consentWorld {
	t.Helper()
	w := &consentWorld{db: db,
		sAdmin:    testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin),
		vAdmin:    testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin),
		vEditor:   testkit.NewPerson(t, db, "editor@viborg.example", testkit.Viborg, samspil.RoleEditor),
		vViewer:   testkit.NewPerson(t, db, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer),
		aAdmin:    testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin),
		silkeborg: testkit.Org(t, db, testkit.Silkeborg), viborg: testkit.Org(t, db, testkit.Viborg), aarhus: testkit.Org(t, db, testkit.Aarhus),
	}
	c, err := db.CreateCollaboration(ctx, w.sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde",
		Kind: samspil.KindPartnership, Start: samspil.NewDate(2014, 1, 1), Visibility: vis, DecisionRule: samspil.RuleMajority,
		Exclusivity:    samspil.ExclusivityExclusive,
		OrganizationID: testkit.Silkeborg, CoFounders: []samspil.FounderInput{{OrganizationID: testkit.Viborg}}})
	must(t, err)
	w.collab = c
	invs, err := db.ListInvitations(ctx, testkit.System, samspil.InvitationFilter{CollaborationID: c.ID})
	must(t, err)
	if len(invs.Items) != 1 {
		t.Fatalf("invitations %+v", invs.Items)
	}
	w.invitation = &invs.Items[0]
	return w
}

// reload loads the people's actors again, as their next request would.
func (w *consentWorld) reload(t *testing.T) {
	t.Helper()
	for _, p := range []*testkit.Person{&w.sAdmin, &w.vAdmin, &w.vEditor, &w.vViewer, &w.aAdmin} {
		p.Actor = testkit.Actor(t, w.db, p.User.ID)
	}
}

func (w *consentWorld) find(t *testing.T) *samspil.Collaboration {
	t.Helper()
	c, err := w.db.FindCollaboration(ctx, testkit.System, w.collab.ID)
	must(t, err)
	return c
}

// TestInvitationConsent: an invited organisation is no member until its
// own administrators accept; nobody else can answer for it.
func TestInvitationConsent(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newConsentWorld(t, db, samspil.VisibilityPrivate)
		inv := w.invitation
		if !inv.Founding || inv.Status != samspil.InvitationPending || inv.Since != w.collab.Start || inv.Role != samspil.MemberRoleMember ||
			inv.Commitment != samspil.CommitmentBinding || inv.InvitedByName == "" {
			t.Fatalf("the co-founder's invitation: %+v", inv)
		}
		// Only the founder is a member: no vote for Viborg, no partners, no seat in a forum.
		c := w.find(t)
		if len(c.Members) != 1 || c.MemberOn(w.viborg.ID, samspil.NewDate(2015, 1, 1)) != nil {
			t.Fatalf("members before accepting: %+v", c.Members)
		}
		w.reload(t)
		if slices.Contains(w.sAdmin.Actor.Partners, w.viborg.ID) || slices.Contains(w.vAdmin.Actor.Partners, w.silkeborg.ID) {
			t.Fatalf("partners before accepting: %v / %v", w.sAdmin.Actor.Partners, w.vAdmin.Actor.Partners)
		}
		d, err := db.CreateDecision(ctx, w.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Fælles ESDH", DecidedOn: samspil.NewDate(2016, 1, 1)})
		must(t, err)
		if d.Outcome.NotVoted != 1 {
			t.Fatalf("an invited organisation counts among the voters: %+v", d.Outcome)
		}
		_, err = db.CastVote(ctx, w.vAdmin.Actor, d.ID, samspil.VoteInput{OrganizationID: testkit.Viborg, Choice: samspil.VoteFor})
		wantField(t, err, samspil.EINVALID, "organization_id")
		_, err = db.CreateForum(ctx, w.sAdmin.Actor, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
			FirstMeeting: time.Date(2014, 1, 9, 9, 0, 0, 0, samspil.Copenhagen()),
			Members:      []samspil.ForumMember{{UserID: w.vAdmin.User.ID, OrganizationID: w.viborg.ID}}})
		testkit.ErrCode(t, err, samspil.EINVALID)

		// The invited organisation sees the private collaboration and its
		// invitation; an outsider sees neither.
		if _, err := db.FindCollaboration(ctx, w.vViewer.Actor, c.ID); err != nil {
			t.Fatalf("the invited organisation does not see the collaboration: %v", err)
		}
		if _, err := db.FindInvitation(ctx, w.vViewer.Actor, inv.ID); err != nil {
			t.Fatal(err)
		}
		testkit.ErrCode(t, errOf(db.FindInvitation(ctx, w.aAdmin.Actor, inv.ID)), samspil.ENOTFOUND)
		page, err := db.ListInvitations(ctx, w.aAdmin.Actor, samspil.InvitationFilter{})
		must(t, err)
		if len(page.Items) != 0 {
			t.Fatalf("Aarhus lists %d invitations", len(page.Items))
		}

		// What waits for an answer: Viborg's administrators see the
		// invitation; Viborg's viewer, Silkeborg and Aarhus have nothing to answer.
		toAnswer := func(a *samspil.Actor) []string {
			invs, err := db.InvitationsToAnswer(ctx, a)
			must(t, err)
			var ids []string
			for _, i := range invs {
				ids = append(ids, i.ID)
			}
			return ids
		}
		if got := toAnswer(w.vAdmin.Actor); !slices.Equal(got, []string{inv.ID}) {
			t.Fatalf("Viborg's administrator has to answer %v", got)
		}
		for who, a := range map[string]*samspil.Actor{"Viborg's viewer": w.vViewer.Actor, "Silkeborg's administrator": w.sAdmin.Actor,
			"Aarhus's administrator": w.aAdmin.Actor} {
			if got := toAnswer(a); len(got) != 0 {
				t.Fatalf("%s has to answer %v", who, got)
			}
		}

		// Nobody but Viborg's administrators answers for Viborg; an operator
		// is not Viborg's representative either.
		op := testkit.NewPerson(t, db, "drift@samspil.example", testkit.Aarhus, samspil.RoleViewer)
		must(t, errOf(db.UpdateUser(ctx, testkit.System, op.User.ID, 1, samspil.UserPatch{Operator: ptr(true)})))
		unchanged(t, db, func() {
			for who, a := range map[string]*samspil.Actor{"Silkeborg's administrator": w.sAdmin.Actor, "Viborg's editor": w.vEditor.Actor,
				"Viborg's viewer": w.vViewer.Actor} {
				if _, err := db.AcceptInvitation(ctx, a, inv.ID, samspil.Answer{}); samspil.ErrorCode(err) != samspil.EFORBIDDEN {
					t.Errorf("%s accepts for Viborg: %v", who, err)
				}
				if _, err := db.DeclineInvitation(ctx, a, inv.ID, samspil.Answer{}); samspil.ErrorCode(err) != samspil.EFORBIDDEN {
					t.Errorf("%s declines for Viborg: %v", who, err)
				}
			}
			testkit.ErrCode(t, errOf(db.AcceptInvitation(ctx, w.aAdmin.Actor, inv.ID, samspil.Answer{})), samspil.ENOTFOUND)
			testkit.ErrCode(t, errOf(db.AcceptInvitation(ctx, samspil.Anonymous(), inv.ID, samspil.Answer{})), samspil.ENOTFOUND)
			testkit.ErrCode(t, errOf(db.AcceptInvitation(ctx, testkit.Actor(t, db, op.User.ID), inv.ID, samspil.Answer{})), samspil.EFORBIDDEN)
		})
		// A decision in the future is not an answer, and nothing changes.
		unchanged(t, db, func() {
			wantField(t, errOf(db.AcceptInvitation(ctx, w.vAdmin.Actor, inv.ID, samspil.Answer{On: ptr(samspil.Today(time.Now()).AddDays(2))})),
				samspil.EINVALID, "on")
		})

		// Viborg accepts, as decided in December 2013: it is a member from
		// the start, with the role and commitment it was invited with.
		got, err := db.AcceptInvitation(ctx, w.vAdmin.Actor, inv.ID, samspil.Answer{On: ptr(samspil.NewDate(2013, 12, 16)), Reason: "Aftale mellem direktionerne"})
		must(t, err)
		if got.Status != samspil.InvitationAccepted || got.AnsweredOn == nil || *got.AnsweredOn != samspil.NewDate(2013, 12, 16) ||
			got.AnsweredByName != w.vAdmin.User.DisplayName || got.MemberID == "" {
			t.Fatalf("accepted %+v", got)
		}
		m := w.find(t).MemberOn(w.viborg.ID, samspil.NewDate(2014, 1, 1))
		if m == nil || m.ID != got.MemberID || m.Commitment != samspil.CommitmentBinding {
			t.Fatalf("Viborg's membership: %+v", m)
		}
		// Answering again is a conflict; so is declining now.
		testkit.ErrCode(t, errOf(db.AcceptInvitation(ctx, w.vAdmin.Actor, inv.ID, samspil.Answer{})), samspil.ECONFLICT)
		testkit.ErrCode(t, errOf(db.DeclineInvitation(ctx, w.vAdmin.Actor, inv.ID, samspil.Answer{})), samspil.ECONFLICT)
		if got := toAnswer(w.vAdmin.Actor); len(got) != 0 {
			t.Fatalf("an answered invitation still waits: %v", got)
		}
		// Now Viborg is a partner, votes and may sit in a forum.
		w.reload(t)
		if !slices.Contains(w.sAdmin.Actor.Partners, w.viborg.ID) {
			t.Fatalf("partners after accepting: %v", w.sAdmin.Actor.Partners)
		}
		must(t, errOf(db.CastVote(ctx, w.vAdmin.Actor, d.ID, samspil.VoteInput{OrganizationID: testkit.Viborg, Choice: samspil.VoteFor})))
		// The acceptance is in Viborg's log, the invitation in Silkeborg's.
		if n := len(auditAs(t, db, w.vAdmin.Actor, samspil.AuditFilter{OrganizationID: w.viborg.ID, Action: "collaboration.invitation.accept"})); n != 1 {
			t.Errorf("Viborg's log has %d acceptances", n)
		}
		if n := len(auditAs(t, db, w.sAdmin.Actor, samspil.AuditFilter{OrganizationID: w.silkeborg.ID, Action: "collaboration.invitation.create"})); n != 1 {
			t.Errorf("Silkeborg's log has %d invitations", n)
		}

		// Aarhus is invited later and declines with a reason; it may be
		// invited again; a pending invitation may be withdrawn, by the
		// managers only.
		aInv, err := db.Invite(ctx, w.sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Commitment: samspil.CommitmentVoluntary,
			Message: "Vil I være med?"})
		must(t, err)
		if aInv.Since != samspil.Today(time.Now()) {
			t.Fatalf("an invitation to a running collaboration proposes today: %s", aInv.Since)
		}
		testkit.ErrCode(t, errOf(db.Invite(ctx, w.sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus})), samspil.ECONFLICT)
		testkit.ErrCode(t, errOf(db.Invite(ctx, w.vAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: "0101"})), samspil.EFORBIDDEN)
		declined, err := db.DeclineInvitation(ctx, w.aAdmin.Actor, aInv.ID, samspil.Answer{Reason: "Vi har ikke ressourcer i år"})
		must(t, err)
		if declined.Status != samspil.InvitationDeclined || declined.Reason != "Vi har ikke ressourcer i år" || declined.MemberID != "" {
			t.Fatalf("declined %+v", declined)
		}
		if w.find(t).MemberOn(w.aarhus.ID, samspil.Today(time.Now())) != nil {
			t.Fatal("a declined invitation made a member")
		}
		again, err := db.Invite(ctx, w.sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus})
		must(t, err)
		testkit.ErrCode(t, errOf(db.WithdrawInvitation(ctx, w.vAdmin.Actor, again.ID, "")), samspil.EFORBIDDEN)
		withdrawn, err := db.WithdrawInvitation(ctx, w.sAdmin.Actor, again.ID, "Forkert kommune")
		must(t, err)
		if withdrawn.Status != samspil.InvitationWithdrawn || withdrawn.Reason != "Forkert kommune" {
			t.Fatalf("withdrawn %+v", withdrawn)
		}
		testkit.ErrCode(t, errOf(db.AcceptInvitation(ctx, w.aAdmin.Actor, again.ID, samspil.Answer{})), samspil.ENOTFOUND) // Aarhus no longer invited: it does not see the private collaboration
		testkit.ErrCode(t, errOf(db.WithdrawInvitation(ctx, w.sAdmin.Actor, again.ID, "")), samspil.ECONFLICT)
		// The declined invitation stays on the record for its organisation.
		if n := len(auditAs(t, db, w.aAdmin.Actor, samspil.AuditFilter{OrganizationID: w.aarhus.ID, Action: "collaboration.invitation.decline"})); n != 1 {
			t.Errorf("Aarhus' log has %d refusals", n)
		}
		if n := countAudit(t, db, "collaboration.invitation.withdraw"); n != 1 {
			t.Errorf("%d withdrawals audited", n)
		}
	})
}

// TestFoundingForAFutureStart: the founders manage a collaboration before
// it starts; an invitation accepted after the proposed day makes a member
// from the day of the answer; an ended collaboration takes no new members.
func TestFoundingForAFutureStart(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newConsentWorld(t, db, samspil.VisibilitySector)
		today := samspil.Today(time.Now())
		future, err := db.CreateCollaboration(ctx, w.sAdmin.Actor, samspil.CollaborationInput{Name: "Fælles driftsenhed Midt",
			Kind: samspil.KindOperationsUnit, Start: today.AddMonths(6), OrganizationID: testkit.Silkeborg,
			CoFounders: []samspil.FounderInput{{OrganizationID: testkit.Aarhus, Role: samspil.MemberRoleChair}}})
		must(t, err)
		w.reload(t)
		// The secretariat prepares it before it starts: a forum, a document,
		// its details.
		_, err = db.CreateForum(ctx, w.sAdmin.Actor, future.ID, samspil.ForumInput{Name: "Styregruppe", Level: samspil.ForumSteeringGroup,
			FirstMeeting: today.AddMonths(7).StartIn(samspil.Copenhagen()).Add(10 * time.Hour)})
		must(t, err)
		_, err = db.UpdateCollaboration(ctx, w.sAdmin.Actor, future.ID, future.Version, samspil.CollaborationPatch{Purpose: ptr("Fælles drift fra næste år")})
		must(t, err)
		// The co-founder, until it accepts, does not manage it.
		testkit.ErrCode(t, errOf(db.UpdateCollaboration(ctx, w.aAdmin.Actor, future.ID, 2, samspil.CollaborationPatch{Purpose: ptr("X")})), samspil.EFORBIDDEN)
		invs, err := db.ListInvitations(ctx, w.aAdmin.Actor, samspil.InvitationFilter{CollaborationID: future.ID, OrganizationID: w.aarhus.ID})
		must(t, err)
		if len(invs.Items) != 1 || invs.Items[0].Role != samspil.MemberRoleChair {
			t.Fatalf("Aarhus' invitation %+v", invs.Items)
		}
		must(t, errOf(db.AcceptInvitation(ctx, w.aAdmin.Actor, invs.Items[0].ID, samspil.Answer{})))
		w.reload(t)
		m := testkit.Actor(t, db, w.aAdmin.User.ID)
		if _, err := db.UpdateCollaboration(ctx, m, future.ID, 2, samspil.CollaborationPatch{Purpose: ptr("Fælles drift fra næste år, med Aarhus som formand")}); err != nil {
			t.Fatalf("the co-founding chair cannot prepare it: %v", err)
		}
		got, err := db.FindCollaboration(ctx, testkit.System, future.ID)
		must(t, err)
		if am := got.MemberOn(w.aarhus.ID, future.Start); am == nil || am.Since != future.Start {
			t.Fatalf("Aarhus' membership of the future collaboration: %+v", got.Members)
		}

		// In the running collaboration, Viborg answers a year after the
		// proposed day: it is a member from the day it decided.
		c := w.collab
		on := samspil.NewDate(2015, 3, 1)
		acc, err := db.AcceptInvitation(ctx, w.vAdmin.Actor, w.invitation.ID, samspil.Answer{On: &on})
		must(t, err)
		if m := w.find(t).MemberOn(w.viborg.ID, on); m == nil || m.Since != on || m.ID != acc.MemberID {
			t.Fatalf("Viborg's membership: %+v", w.find(t).Members)
		}
		// An ended collaboration takes no new members.
		ended, err := db.CreateCollaboration(ctx, w.sAdmin.Actor, samspil.CollaborationInput{Name: "Afsluttet projekt", Kind: samspil.KindNetwork,
			Start: samspil.NewDate(2015, 1, 1), End: ptr(samspil.NewDate(2016, 12, 31)), OrganizationID: testkit.Silkeborg})
		must(t, err)
		inv, err := db.Invite(ctx, w.sAdmin.Actor, ended.ID, samspil.InvitationInput{OrganizationID: testkit.Viborg, Since: samspil.NewDate(2016, 1, 1)})
		must(t, err)
		unchanged(t, db, func() {
			wantField(t, errOf(db.AcceptInvitation(ctx, w.vAdmin.Actor, inv.ID, samspil.Answer{})), samspil.EINVALID, "on")
		})
		wantField(t, errOf(db.Invite(ctx, w.sAdmin.Actor, ended.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus})), samspil.EINVALID, "since")
		_ = c
	})
}

// TestLeaving: a member leaves by its own decision only; it keeps reading
// the collaboration, and loses its votes on later decisions, its forum
// seats and its partners.
func TestLeaving(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		w := newConsentWorld(t, db, samspil.VisibilityPrivate)
		must(t, errOf(db.AcceptInvitation(ctx, w.vAdmin.Actor, w.invitation.ID, samspil.Answer{On: ptr(samspil.NewDate(2014, 1, 1))})))
		w.reload(t)
		c := w.find(t)
		today := samspil.Today(clk.now())
		// A forum in which Viborg's administrator sits, a decision dated next
		// month with Viborg's vote, and a usage Viborg shares with partners.
		f, err := db.CreateForum(ctx, w.sAdmin.Actor, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
			FirstMeeting: time.Date(2014, 1, 9, 9, 0, 0, 0, samspil.Copenhagen()), Cadence: "FREQ=MONTHLY;BYDAY=2TH",
			Members: []samspil.ForumMember{{UserID: w.vAdmin.User.ID, OrganizationID: w.viborg.ID}}})
		must(t, err)
		later, err := db.CreateDecision(ctx, w.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Fælles mødebooking", DecidedOn: today.AddMonths(1)})
		must(t, err)
		earlier, err := db.CreateDecision(ctx, w.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Fælles ESDH", DecidedOn: today.AddDays(-3)})
		must(t, err)
		for _, d := range []*samspil.Decision{later, earlier} {
			must(t, errOf(db.CastVote(ctx, w.vAdmin.Actor, d.ID, samspil.VoteInput{OrganizationID: testkit.Viborg, Choice: samspil.VoteFor})))
		}
		sys, err := db.CreateSystem(ctx, w.vAdmin.Actor, samspil.SystemInput{Name: "Viborgs ESDH", Category: samspil.CategoryCaseManagement,
			Visibility: samspil.VisibilityPublic})
		must(t, err)
		use, err := db.CreateUsage(ctx, w.vAdmin.Actor, samspil.UsageInput{OrganizationID: testkit.Viborg, SystemID: sys.ID,
			Lifecycle: samspil.LifecycleOperational, Visibility: samspil.VisibilityPartners})
		must(t, err)
		must(t, errOf(db.FindUsage(ctx, w.sAdmin.Actor, use.ID)))

		// Nobody else makes Viborg leave, and bad input changes nothing.
		leave := samspil.LeaveInput{OrganizationID: testkit.Viborg, Until: today.AddDays(-1), Reason: "Går over i fælles driftsenhed"}
		unchanged(t, db, func() {
			testkit.ErrCode(t, errOf(db.Leave(ctx, w.sAdmin.Actor, c.ID, leave)), samspil.EFORBIDDEN)
			testkit.ErrCode(t, errOf(db.Leave(ctx, w.vEditor.Actor, c.ID, leave)), samspil.EFORBIDDEN)
			testkit.ErrCode(t, errOf(db.Leave(ctx, w.aAdmin.Actor, c.ID, leave)), samspil.ENOTFOUND)
			wantField(t, errOf(db.Leave(ctx, w.aAdmin.Actor, c.ID, samspil.LeaveInput{OrganizationID: testkit.Aarhus, Until: today})), samspil.EINVALID, "reason")
			wantField(t, errOf(db.Leave(ctx, w.vAdmin.Actor, c.ID, samspil.LeaveInput{OrganizationID: testkit.Viborg, Until: samspil.NewDate(2013, 1, 1), Reason: "x"})),
				samspil.EINVALID, "until")
			wantField(t, errOf(db.Leave(ctx, w.sAdmin.Actor, c.ID, samspil.LeaveInput{OrganizationID: testkit.Aarhus, Until: today, Reason: "x"})),
				samspil.EINVALID, "organization_id")
		})

		// Viborg leaves as of yesterday.
		m, err := db.Leave(ctx, w.vAdmin.Actor, c.ID, leave)
		must(t, err)
		if m.Until == nil || *m.Until != leave.Until {
			t.Fatalf("left %+v", m)
		}
		w.reload(t)
		if slices.Contains(w.sAdmin.Actor.Partners, w.viborg.ID) {
			t.Fatal("Viborg is still Silkeborg's partner after leaving")
		}
		testkit.ErrCode(t, errOf(db.FindUsage(ctx, w.sAdmin.Actor, use.ID)), samspil.ENOTFOUND)
		seen, err := db.FindCollaboration(ctx, w.vViewer.Actor, c.ID)
		if err != nil {
			t.Fatalf("a former member lost sight of the collaboration: %v", err)
		}
		// It reads the history of this private collaboration up to its last
		// day: the decision dated before it, not the one after.
		if seen.HistoryUntil == nil || *seen.HistoryUntil != leave.Until {
			t.Fatalf("history until %v", seen.HistoryUntil)
		}
		if full, _ := db.FindCollaboration(ctx, w.sAdmin.Actor, c.ID); full.HistoryUntil != nil {
			t.Fatalf("a member's history is cut at %v", full.HistoryUntil)
		}
		must(t, errOf(db.FindDecision(ctx, w.vViewer.Actor, earlier.ID)))
		testkit.ErrCode(t, errOf(db.FindDecision(ctx, w.vViewer.Actor, later.ID)), samspil.ENOTFOUND)
		decs, err := db.ListDecisions(ctx, w.vViewer.Actor, samspil.DecisionFilter{CollaborationID: c.ID})
		must(t, err)
		if len(decs.Items) != 1 || decs.Items[0].ID != earlier.ID {
			t.Fatalf("a former member lists %d decisions", len(decs.Items))
		}
		meetings, err := db.ListMeetings(ctx, w.vViewer.Actor, samspil.MeetingFilter{CollaborationID: c.ID, From: clk.now().AddDate(-20, 0, 0),
			To: clk.now().AddDate(1, 0, 0), ListOptions: samspil.ListOptions{Limit: 500}})
		must(t, err)
		for _, mt := range meetings.Items {
			if samspil.DateOf(mt.Start).After(leave.Until) {
				t.Fatalf("a former member sees the meeting of %s", mt.Start)
			}
		}
		if len(meetings.Items) == 0 {
			t.Fatal("a former member sees none of the meetings before it left")
		}
		gotF, err := db.FindForum(ctx, testkit.System, f.ID)
		must(t, err)
		if len(gotF.Members) != 0 {
			t.Fatalf("Viborg still sits in the forum: %+v", gotF.Members)
		}
		for d, want := range map[*samspil.Decision]int{later: 0, earlier: 1} {
			got, err := db.FindDecision(ctx, testkit.System, d.ID)
			must(t, err)
			if len(got.Votes) != want {
				t.Errorf("%s has %d votes, want %d", got.Title, len(got.Votes), want)
			}
		}
		hist, err := db.MemberHistory(ctx, w.vViewer.Actor, c.ID)
		must(t, err)
		if last := hist[len(hist)-1]; last.Kind != samspil.MemberLeft || last.On != leave.Until || last.Reason != leave.Reason {
			t.Fatalf("history %+v", hist)
		}
		// Leaving twice is refused: it is no member any more.
		wantField(t, errOf(db.Leave(ctx, w.vAdmin.Actor, c.ID, leave)), samspil.EINVALID, "organization_id")
		if n := len(auditAs(t, db, w.vAdmin.Actor, samspil.AuditFilter{OrganizationID: w.viborg.ID, Action: "collaboration.member.leave"})); n != 1 {
			t.Errorf("Viborg's log has %d leavings", n)
		}

		// Aarhus joins and gives notice to leave next month: until then it
		// votes and sits; the daily run takes its seat after its last day.
		testkit.Join(t, db, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: samspil.NewDate(2020, 1, 1)})
		w.reload(t)
		_, err = db.UpdateForum(ctx, w.sAdmin.Actor, f.ID, gotF.Version, samspil.ForumPatch{Members: &[]samspil.ForumMember{{UserID: w.aAdmin.User.ID,
			OrganizationID: w.aarhus.ID}}})
		must(t, err)
		next, err := db.CreateDecision(ctx, w.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Næste år", DecidedOn: today.AddMonths(3)})
		must(t, err)
		must(t, errOf(db.CastVote(ctx, w.aAdmin.Actor, next.ID, samspil.VoteInput{OrganizationID: testkit.Aarhus, Choice: samspil.VoteAgainst})))
		last := today.AddMonths(1)
		must(t, errOf(db.Leave(ctx, w.aAdmin.Actor, c.ID, samspil.LeaveInput{OrganizationID: testkit.Aarhus, Until: last, Reason: "Opsagt"})))
		if got, _ := db.FindForum(ctx, testkit.System, f.ID); len(got.Members) != 1 {
			t.Fatal("a member giving notice lost its seat before its last day")
		}
		if n, err := db.ApplyDueChanges(ctx, testkit.System); err != nil || n != 0 {
			t.Fatalf("due changes before the last day: %d %v", n, err)
		}
		testkit.ErrCode(t, errOf(db.ApplyDueChanges(ctx, w.sAdmin.Actor)), samspil.EFORBIDDEN)
		clk.advance(45 * 24 * time.Hour)
		if n, err := db.ApplyDueChanges(ctx, testkit.System); err != nil || n != 1 {
			t.Fatalf("due changes after the last day: %d %v", n, err)
		}
		if got, _ := db.FindForum(ctx, testkit.System, f.ID); len(got.Members) != 0 {
			t.Fatal("a member that left keeps its seat")
		}
		if got, _ := db.FindDecision(ctx, testkit.System, next.ID); len(got.Votes) != 0 {
			t.Fatal("a member that left keeps its vote on a later decision")
		}
		if n, err := db.ApplyDueChanges(ctx, testkit.System); err != nil || n != 0 {
			t.Fatalf("the daily run repeats itself: %d %v", n, err)
		}
		if n := len(auditAs(t, db, w.aAdmin.Actor, samspil.AuditFilter{OrganizationID: w.aarhus.ID, Action: "collaboration.member.departed"})); n != 1 {
			t.Errorf("Aarhus' log has %d departures", n)
		}
	})
}

// TestAdjustmentConsent: an adjustment changes a member's terms only once
// that member has approved; one refusal stops it; it takes effect on its
// day.
func TestAdjustmentConsent(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		w := newConsentWorld(t, db, samspil.VisibilitySector)
		must(t, errOf(db.AcceptInvitation(ctx, w.vAdmin.Actor, w.invitation.ID, samspil.Answer{On: ptr(samspil.NewDate(2014, 1, 1))})))
		w.reload(t)
		c := w.find(t)
		today := samspil.Today(clk.now())

		// Viborg would become binding... no: voluntary; only Viborg is
		// concerned; Silkeborg cannot approve for it.
		a, err := db.ProposeAdjustment(ctx, w.sAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "Viborg frivillig", EffectiveOn: samspil.NewDate(2016, 1, 1),
			Commitments: []samspil.CommitmentChange{{OrganizationID: w.viborg.ID, Commitment: samspil.CommitmentVoluntary}}})
		must(t, err)
		if a.Status != samspil.AdjustmentProposed || len(a.Approvals) != 1 || a.Approvals[0].OrganizationID != w.viborg.ID ||
			a.Approvals[0].State != samspil.ApprovalPending || a.Version != 1 {
			t.Fatalf("proposed %+v", a)
		}
		testkit.ErrCode(t, errOf(db.ProposeAdjustment(ctx, w.vAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "X", EffectiveOn: today,
			Exclusivity: samspil.ExclusivityOpen})), samspil.EFORBIDDEN)
		unchanged(t, db, func() {
			testkit.ErrCode(t, errOf(db.ApproveAdjustment(ctx, w.sAdmin.Actor, a.ID, samspil.ApprovalInput{OrganizationID: testkit.Viborg})), samspil.EFORBIDDEN)
			testkit.ErrCode(t, errOf(db.ApproveAdjustment(ctx, w.vEditor.Actor, a.ID, samspil.ApprovalInput{OrganizationID: testkit.Viborg})), samspil.EFORBIDDEN)
			wantField(t, errOf(db.ApproveAdjustment(ctx, w.sAdmin.Actor, a.ID, samspil.ApprovalInput{OrganizationID: testkit.Silkeborg})),
				samspil.EINVALID, "organization_id")
			wantField(t, errOf(db.ApproveAdjustment(ctx, w.vAdmin.Actor, a.ID, samspil.ApprovalInput{OrganizationID: testkit.Viborg,
				Answer: samspil.Answer{On: ptr(today.AddDays(1))}})), samspil.EINVALID, "on")
		})
		// Viborg declines: the adjustment never takes effect.
		a, err = db.DeclineAdjustment(ctx, w.vAdmin.Actor, a.ID, samspil.ApprovalInput{OrganizationID: testkit.Viborg, Answer: samspil.Answer{Reason: "Vi holder fast"}})
		must(t, err)
		if a.Status != samspil.AdjustmentDeclined || a.Approvals[0].State != samspil.ApprovalDeclined || a.Approvals[0].Reason != "Vi holder fast" {
			t.Fatalf("declined %+v", a)
		}
		if m := w.find(t).MemberOn(w.viborg.ID, today); m.Commitment != samspil.CommitmentBinding {
			t.Fatalf("a declined adjustment changed Viborg: %+v", m)
		}
		testkit.ErrCode(t, errOf(db.ApproveAdjustment(ctx, w.vAdmin.Actor, a.ID, samspil.ApprovalInput{OrganizationID: testkit.Viborg})), samspil.ECONFLICT)
		testkit.ErrCode(t, errOf(db.WithdrawAdjustment(ctx, w.sAdmin.Actor, a.ID, "")), samspil.ECONFLICT)

		// A proposal may be withdrawn by the managers before it takes effect.
		b, err := db.ProposeAdjustment(ctx, w.sAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "Åbent samarbejde", EffectiveOn: samspil.NewDate(2018, 11, 1),
			Exclusivity: samspil.ExclusivityOpen})
		must(t, err)
		if len(b.Approvals) != 2 {
			t.Fatalf("a new exclusivity concerns every voting member: %+v", b.Approvals)
		}
		testkit.ErrCode(t, errOf(db.WithdrawAdjustment(ctx, w.vAdmin.Actor, b.ID, "")), samspil.EFORBIDDEN)
		b, err = db.WithdrawAdjustment(ctx, w.sAdmin.Actor, b.ID, "Vi venter til efter valget")
		must(t, err)
		if b.Status != samspil.AdjustmentWithdrawn || b.Reason != "Vi venter til efter valget" {
			t.Fatalf("withdrawn %+v", b)
		}
		testkit.ErrCode(t, errOf(db.ApproveAdjustment(ctx, w.vAdmin.Actor, b.ID, samspil.ApprovalInput{OrganizationID: testkit.Viborg})), samspil.ECONFLICT)

		// A change dated next month, approved now, takes effect on its day:
		// the daily run makes it.
		next := today.AddMonths(1)
		f, err := db.CreateForum(ctx, w.sAdmin.Actor, c.ID, samspil.ForumInput{Name: "Direktionsmøde", Level: samspil.ForumDirectors,
			FirstMeeting: time.Date(2014, 2, 5, 10, 0, 0, 0, samspil.Copenhagen()), Cadence: "FREQ=MONTHLY;BYDAY=1WE"})
		must(t, err)
		d, err := db.ProposeAdjustment(ctx, w.sAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "Viborg bliver formand", EffectiveOn: next,
			Roles: []samspil.RoleChange{{OrganizationID: w.viborg.ID, Role: samspil.MemberRoleChair}}, DiscontinuedForums: []string{f.ID}})
		must(t, err)
		d, err = db.ApproveAdjustment(ctx, w.vAdmin.Actor, d.ID, samspil.ApprovalInput{OrganizationID: testkit.Viborg})
		must(t, err)
		if d.Status != samspil.AdjustmentApproved || d.AppliedAt != nil {
			t.Fatalf("approved for next month: %+v", d)
		}
		if m := w.find(t).MemberOn(w.viborg.ID, today); m.Role != samspil.MemberRoleMember {
			t.Fatal("an adjustment for next month took effect today")
		}
		if n, err := db.ApplyDueChanges(ctx, testkit.System); err != nil || n != 0 {
			t.Fatalf("due changes today: %d %v", n, err)
		}
		clk.advance(40 * 24 * time.Hour)
		if n, err := db.ApplyDueChanges(ctx, testkit.System); err != nil || n != 1 {
			t.Fatalf("due changes next month: %d %v", n, err)
		}
		d, err = db.FindAdjustment(ctx, w.vViewer.Actor, d.ID)
		must(t, err)
		if d.Status != samspil.AdjustmentInEffect || d.AppliedAt == nil {
			t.Fatalf("after its day: %+v", d)
		}
		if m := w.find(t).MemberOn(w.viborg.ID, next); m.Role != samspil.MemberRoleChair {
			t.Fatalf("Viborg's role after the adjustment: %+v", m)
		}
		if got, _ := db.FindForum(ctx, testkit.System, f.ID); got.Status != samspil.ForumDiscontinued || *got.DiscontinuedOn != next {
			t.Fatalf("the forum after the adjustment: %s %v", got.Status, got.DiscontinuedOn)
		}
		if n, _ := db.ApplyDueChanges(ctx, testkit.System); n != 0 {
			t.Fatalf("applied twice: %d", n)
		}
		// An adjustment that changes nobody's terms needs no approval.
		e, err := db.ProposeAdjustment(ctx, w.sAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "Strategien", EffectiveOn: samspil.NewDate(2019, 1, 1),
			StrategyNote: "Den fælles strategi gælder, til hver kommune vedtager sin egen."})
		must(t, err)
		if e.Status != samspil.AdjustmentInEffect || len(e.Approvals) != 0 {
			t.Fatalf("a note on the strategy: %+v", e)
		}
		// Only adjustments in effect are on the timeline.
		tl, err := db.Timeline(ctx, w.vViewer.Actor, c.ID)
		must(t, err)
		var adjustments []string
		for _, en := range tl {
			if en.Kind == "adjustment" {
				adjustments = append(adjustments, en.Text.String())
			}
		}
		if !slices.Equal(adjustments, []string{"adjustment: Strategien", "adjustment: Viborg bliver formand"}) {
			t.Fatalf("adjustments on the timeline: %v", adjustments)
		}
		// Each answer is in the log of the organisation that gave it.
		for action, org := range map[string]*samspil.Organization{"collaboration.adjustment.decline": w.viborg, "collaboration.adjustment.approve": w.viborg,
			"collaboration.adjustment.withdraw": w.silkeborg, "collaboration.adjustment.propose": w.silkeborg} {
			if len(allAudit(t, db, samspil.AuditFilter{OrganizationID: org.ID, Action: action})) == 0 {
				t.Errorf("no %s in the log of %s", action, org.Name)
			}
		}
	})
}

// TestPartnerChoice: an organisation chooses which of its collaborations
// make partners; only its administrators may.
func TestPartnerChoice(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newConsentWorld(t, db, samspil.VisibilitySector)
		must(t, errOf(db.AcceptInvitation(ctx, w.vAdmin.Actor, w.invitation.ID, samspil.Answer{On: ptr(samspil.NewDate(2014, 1, 1))})))
		w.reload(t)
		sys, err := db.CreateSystem(ctx, w.vAdmin.Actor, samspil.SystemInput{Name: "Viborgs ESDH", Category: samspil.CategoryCaseManagement,
			Visibility: samspil.VisibilityPublic})
		must(t, err)
		use, err := db.CreateUsage(ctx, w.vAdmin.Actor, samspil.UsageInput{OrganizationID: testkit.Viborg, SystemID: sys.ID,
			Lifecycle: samspil.LifecycleOperational, Visibility: samspil.VisibilityPartners})
		must(t, err)
		must(t, errOf(db.FindUsage(ctx, w.sAdmin.Actor, use.ID)))

		settings, err := db.PartnerSettings(ctx, w.vViewer.Actor, testkit.Viborg)
		must(t, err)
		if len(settings) != 1 || !settings[0].Counts || !settings[0].Active || settings[0].Members != 1 || settings[0].CollaborationID != w.collab.ID {
			t.Fatalf("settings %+v", settings)
		}
		testkit.ErrCode(t, errOf(db.PartnerSettings(ctx, w.sAdmin.Actor, testkit.Viborg)), samspil.ENOTFOUND)
		unchanged(t, db, func() {
			testkit.ErrCode(t, errOf(db.SetPartnerSetting(ctx, w.vEditor.Actor, testkit.Viborg, w.collab.ID, samspil.PartnerSettingInput{})), samspil.EFORBIDDEN)
			testkit.ErrCode(t, errOf(db.SetPartnerSetting(ctx, w.sAdmin.Actor, testkit.Viborg, w.collab.ID, samspil.PartnerSettingInput{})), samspil.ENOTFOUND)
			testkit.ErrCode(t, errOf(db.SetPartnerSetting(ctx, w.vAdmin.Actor, testkit.Viborg, "no-such-collaboration", samspil.PartnerSettingInput{})), samspil.ENOTFOUND)
			// Choosing what is chosen already changes nothing.
			must(t, errOf(db.SetPartnerSetting(ctx, w.vAdmin.Actor, testkit.Viborg, w.collab.ID, samspil.PartnerSettingInput{Counts: true})))
		})
		// Viborg stops sharing with the members of this collaboration:
		// Silkeborg no longer sees Viborg's usage, while Viborg still sees
		// Silkeborg's (Silkeborg has not chosen so).
		s, err := db.SetPartnerSetting(ctx, w.vAdmin.Actor, testkit.Viborg, w.collab.ID, samspil.PartnerSettingInput{Counts: false})
		must(t, err)
		if s.Counts {
			t.Fatalf("setting %+v", s)
		}
		w.reload(t)
		if slices.Contains(w.sAdmin.Actor.Partners, w.viborg.ID) || !slices.Contains(w.vAdmin.Actor.Partners, w.silkeborg.ID) {
			t.Fatalf("partners: Silkeborg %v, Viborg %v", w.sAdmin.Actor.Partners, w.vAdmin.Actor.Partners)
		}
		testkit.ErrCode(t, errOf(db.FindUsage(ctx, w.sAdmin.Actor, use.ID)), samspil.ENOTFOUND)
		if n := len(auditAs(t, db, w.vAdmin.Actor, samspil.AuditFilter{OrganizationID: w.viborg.ID, Action: "organization.partners"})); n != 1 {
			t.Errorf("Viborg's log has %d partner choices", n)
		}
		// And back.
		must(t, errOf(db.SetPartnerSetting(ctx, w.vAdmin.Actor, testkit.Viborg, w.collab.ID, samspil.PartnerSettingInput{Counts: true})))
		must(t, errOf(db.FindUsage(ctx, testkit.Actor(t, db, w.sAdmin.User.ID), use.ID)))
	})
}

// TestPersonInvitationsStore: invitations of people are answered by the
// invited person only, may be withdrawn by the administrators, and run out.
func TestPersonInvitationsStore(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		admin := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		editor := testkit.NewPerson(t, db, "editor@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		ole := testkit.NewPerson(t, db, "ole@aarhus.example", testkit.Aarhus, samspil.RoleViewer)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)

		unchanged(t, db, func() {
			testkit.ErrCode(t, errOf3(db.InvitePerson(ctx, editor.Actor, testkit.Silkeborg, samspil.PersonInvitationInput{Email: "x@x.example", Role: samspil.RoleViewer})), samspil.EFORBIDDEN)
			wantField(t, errOf3(db.InvitePerson(ctx, admin.Actor, testkit.Silkeborg, samspil.PersonInvitationInput{Email: "ikke en adresse", Role: samspil.RoleViewer})), samspil.EINVALID, "email")
			wantField(t, errOf3(db.InvitePerson(ctx, admin.Actor, testkit.Silkeborg, samspil.PersonInvitationInput{Email: "x@x.example", Role: "boss"})), samspil.EINVALID, "role")
			wantField(t, errOf3(db.InvitePerson(ctx, admin.Actor, testkit.Silkeborg, samspil.PersonInvitationInput{Email: editor.User.Email, Role: samspil.RoleViewer})), samspil.ECONFLICT, "email")
		})
		inv, secret, err := db.InvitePerson(ctx, admin.Actor, testkit.Silkeborg, samspil.PersonInvitationInput{Email: "Ole@Aarhus.example", Role: samspil.RoleEditor,
			Message: "Velkommen"})
		must(t, err)
		if secret == "" || inv.AcceptURL != sqldb.InvitationPath(secret) || inv.Status != samspil.InvitationPending || inv.ExpiresAt.Sub(clk.now()) != samspil.PersonInvitationLifetime {
			t.Fatalf("invitation %+v", inv)
		}
		// Only the person with that address answers it.
		testkit.ErrCode(t, errOf(db.AnswerPersonInvitation(ctx, vAdmin.Actor, inv.ID, true)), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.AnswerPersonInvitation(ctx, admin.Actor, inv.ID, true)), samspil.ENOTFOUND)
		mine, err := db.MyPersonInvitations(ctx, ole.Actor)
		must(t, err)
		if len(mine) != 1 || mine[0].ID != inv.ID {
			t.Fatalf("Ole's invitations %+v", mine)
		}
		// The link cannot make a second account for an address that has one.
		testkit.ErrCode(t, errOf(db.AcceptByLink(ctx, secret, samspil.NewAccountInput{DisplayName: "Falsk Ole", Password: testkit.Password})), samspil.ECONFLICT)
		declined, err := db.AnswerPersonInvitation(ctx, ole.Actor, inv.ID, false)
		must(t, err)
		if declined.Status != samspil.InvitationDeclined {
			t.Fatalf("declined %+v", declined)
		}
		if a := testkit.Actor(t, db, ole.User.ID); a.MemberOf(testkit.Org(t, db, testkit.Silkeborg).ID) {
			t.Fatal("a declined invitation made a member")
		}
		testkit.ErrCode(t, errOf(db.AnswerPersonInvitation(ctx, ole.Actor, inv.ID, true)), samspil.ECONFLICT)
		testkit.ErrCode(t, errOf(db.PersonInvitationByLink(ctx, secret)), samspil.ENOTFOUND)

		// A new invitation may be withdrawn by an administrator only.
		again, _, err := db.InvitePerson(ctx, admin.Actor, testkit.Silkeborg, samspil.PersonInvitationInput{Email: "ny@silkeborg.example", Role: samspil.RoleViewer})
		must(t, err)
		testkit.ErrCode(t, errOf(db.WithdrawPersonInvitation(ctx, editor.Actor, again.ID)), samspil.EFORBIDDEN)
		testkit.ErrCode(t, errOf(db.WithdrawPersonInvitation(ctx, vAdmin.Actor, again.ID)), samspil.ENOTFOUND)
		w, err := db.WithdrawPersonInvitation(ctx, admin.Actor, again.ID)
		must(t, err)
		if w.Status != samspil.InvitationWithdrawn {
			t.Fatalf("withdrawn %+v", w)
		}
		testkit.ErrCode(t, errOf(db.WithdrawPersonInvitation(ctx, admin.Actor, again.ID)), samspil.ECONFLICT)
		list, err := db.ListPersonInvitations(ctx, admin.Actor, testkit.Silkeborg, samspil.ListOptions{})
		must(t, err)
		if len(list.Items) != 2 || list.Items[0].ID != again.ID {
			t.Fatalf("list %+v", list.Items)
		}
		testkit.ErrCode(t, errOf(db.ListPersonInvitations(ctx, editor.Actor, testkit.Silkeborg, samspil.ListOptions{})), samspil.EFORBIDDEN)
		testkit.ErrCode(t, errOf(db.ListPersonInvitations(ctx, vAdmin.Actor, testkit.Silkeborg, samspil.ListOptions{})), samspil.ENOTFOUND)

		// An invitation runs out after its lifetime; a new one may then be made.
		late, lateSecret, err := db.InvitePerson(ctx, admin.Actor, testkit.Silkeborg, samspil.PersonInvitationInput{Email: "sen@silkeborg.example", Role: samspil.RoleViewer})
		must(t, err)
		clk.advance(samspil.PersonInvitationLifetime + time.Minute)
		testkit.ErrCode(t, errOf(db.PersonInvitationByLink(ctx, lateSecret)), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.AcceptByLink(ctx, lateSecret, samspil.NewAccountInput{DisplayName: "Sen", Password: testkit.Password})), samspil.ENOTFOUND)
		if _, _, err := db.InvitePerson(ctx, admin.Actor, testkit.Silkeborg, samspil.PersonInvitationInput{Email: "sen@silkeborg.example", Role: samspil.RoleViewer}); err != nil {
			t.Fatalf("a new invitation after the old one ran out: %v", err)
		}
		_ = late
		for _, action := range []string{"person_invitation.decline", "person_invitation.withdraw"} {
			if len(allAudit(t, db, samspil.AuditFilter{Action: action})) == 0 {
				t.Errorf("no %s audit event", action)
			}
		}
	})
}

// TestPasswordReset: a reset link sets a new password once, within its
// hour; asking tells nothing about whether the address has an account.
func TestPasswordReset(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		p := testkit.NewPerson(t, db, "glemsom@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
		session := login(t, db, p.User.Email, testkit.Password)

		u, secret, err := db.RequestPasswordReset(ctx, "ingen@silkeborg.example")
		if err != nil || u != nil || secret != "" {
			t.Fatalf("an unknown address: %v %v %q", u, err, secret)
		}
		u, secret, err = db.RequestPasswordReset(ctx, "GLEMSOM@silkeborg.example")
		must(t, err)
		if u == nil || u.ID != p.User.ID || secret == "" {
			t.Fatalf("reset for %+v %q", u, secret)
		}
		unchanged(t, db, func() {
			wantField(t, db.ResetPassword(ctx, secret, "kort"), samspil.EINVALID, "password")
			testkit.ErrCode(t, db.ResetPassword(ctx, "not-a-secret", newPassword), samspil.ENOTFOUND)
		})
		must(t, db.ResetPassword(ctx, secret, newPassword))
		_, err = db.SessionActor(ctx, session)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		login(t, db, p.User.Email, newPassword)
		testkit.ErrCode(t, db.ResetPassword(ctx, secret, "endnu et nyt og langt kodeord"), samspil.ENOTFOUND)

		// Links run out after an hour, and at most three work at once.
		_, old, err := db.RequestPasswordReset(ctx, p.User.Email)
		must(t, err)
		for i := 0; i < 2; i++ {
			must(t, errOf3(db.RequestPasswordReset(ctx, p.User.Email)))
		}
		if u, s, err := db.RequestPasswordReset(ctx, p.User.Email); err != nil || u != nil || s != "" {
			t.Fatalf("a fourth open link: %v %q %v", u, s, err)
		}
		clk.advance(samspil.PasswordResetLifetime + time.Minute)
		testkit.ErrCode(t, db.ResetPassword(ctx, old, "endnu et nyt og langt kodeord"), samspil.ENOTFOUND)
		// A disabled account gets no link.
		must(t, errOf(db.UpdateUser(ctx, testkit.System, p.User.ID, findUser(t, db, p.User.ID).Version, samspil.UserPatch{Disabled: ptr(true)})))
		if u, s, err := db.RequestPasswordReset(ctx, p.User.Email); err != nil || u != nil || s != "" {
			t.Fatalf("a disabled account: %v %q %v", u, s, err)
		}
		if countAudit(t, db, "user.password_reset") != 1 || countAudit(t, db, "user.password_reset.request") != 4 {
			t.Errorf("audited: %d resets, %d requests", countAudit(t, db, "user.password_reset"), countAudit(t, db, "user.password_reset.request"))
		}
	})
}

func errOf3[A, B any](_ A, _ B, err error) error { return err }

// TestHistoryUntilMatchesDatedCond: for every visibility and every kind of
// reader, the decisions a list answers (the dated condition in SQL) are
// exactly those the collaboration's history limit (samspil.Actor.
// HistoryUntil, in Go) lets the reader see.
func TestHistoryUntilMatchesDatedCond(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		sAdmin := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		vViewer := testkit.NewPerson(t, db, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
		aAdmin := testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		op := testkit.NewPerson(t, db, "drift@example.org", "0461", samspil.RoleViewer)
		must(t, errOf(db.UpdateUser(ctx, testkit.System, op.User.ID, 1, samspil.UserPatch{Operator: ptr(true)})))
		left := samspil.NewDate(2018, 12, 31)
		type made struct {
			c         *samspil.Collaboration
			decisions map[string]samspil.Date
		}
		var all []made
		for _, v := range samspil.Visibilities {
			c, err := db.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Samarbejde " + string(v), Kind: samspil.KindNetwork,
				Start: samspil.NewDate(2014, 1, 1), Visibility: v, OrganizationID: testkit.Silkeborg})
			must(t, err)
			testkit.Join(t, db, c.ID, samspil.InvitationInput{OrganizationID: testkit.Viborg, Since: samspil.NewDate(2014, 1, 1)})
			must(t, errOf(db.Leave(ctx, testkit.System, c.ID, samspil.LeaveInput{OrganizationID: testkit.Viborg, Until: left, Reason: "Udtrådt"})))
			// Aarhus is a current member of the partners collaboration's
			// sibling, which makes it Silkeborg's partner.
			m := made{c: c, decisions: map[string]samspil.Date{}}
			for _, on := range []samspil.Date{samspil.NewDate(2016, 5, 1), left, left.AddDays(1), samspil.NewDate(2024, 1, 1)} {
				d, err := db.CreateDecision(ctx, testkit.System, c.ID, samspil.DecisionInput{Title: "Beslutning " + on.String(), DecidedOn: on})
				must(t, err)
				m.decisions[d.ID] = on
			}
			all = append(all, m)
		}
		partners, err := db.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Partnerskab", Kind: samspil.KindPartnership,
			Start: samspil.NewDate(2014, 1, 1), Visibility: samspil.VisibilityPrivate, OrganizationID: testkit.Silkeborg})
		must(t, err)
		testkit.Join(t, db, partners.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: samspil.NewDate(2014, 1, 1)})

		for _, reader := range []struct {
			name  string
			actor *samspil.Actor
		}{{"anonymous", samspil.Anonymous()}, {"former member", testkit.Actor(t, db, vViewer.User.ID)}, {"member", testkit.Actor(t, db, sAdmin.User.ID)},
			{"partner", testkit.Actor(t, db, aAdmin.User.ID)}, {"operator", testkit.Actor(t, db, op.User.ID)}} {
			for _, m := range all {
				seen, err := db.FindCollaboration(ctx, reader.actor, m.c.ID)
				if samspil.ErrorCode(err) == samspil.ENOTFOUND {
					seen = nil
				} else {
					must(t, err)
				}
				page, err := db.ListDecisions(ctx, reader.actor, samspil.DecisionFilter{ListOptions: samspil.ListOptions{Limit: 500}})
				must(t, err)
				listed := map[string]bool{}
				for _, d := range page.Items {
					listed[d.ID] = true
				}
				// The case the test is about: the former member of the
				// private collaboration reads its history up to its last day.
				if reader.name == "former member" && m.c.Visibility == samspil.VisibilityPrivate &&
					(seen == nil || seen.HistoryUntil == nil || *seen.HistoryUntil != left) {
					t.Fatalf("the former member's history of the private collaboration is not cut on %s: %+v", left, seen)
				}
				for id, on := range m.decisions {
					want := seen != nil && (seen.HistoryUntil == nil || !on.After(*seen.HistoryUntil))
					if listed[id] != want {
						t.Errorf("%s, %s collaboration, decision of %s: listed %v, history allows %v (until %v)", reader.name, m.c.Visibility, on,
							listed[id], want, seen)
					}
				}
			}
		}
	})
}
