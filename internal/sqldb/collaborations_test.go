package sqldb_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// story is the Silkeborg–Viborg collaboration as founded in 2014, with
// people of both and of an outsider (Aarhus).
type story struct {
	db                        *sqldb.DB
	sAdmin, vAdmin, vViewer   testkit.Person
	aAdmin                    testkit.Person
	silkeborg, viborg, aarhus *samspil.Organization
	collab                    *samspil.Collaboration
}

func newStory(t *testing.T, db *sqldb.DB, vis samspil.Visibility) *story {
	t.Helper()
	ctx := context.Background()
	s := &story{db: db,
		sAdmin:    testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin),
		vAdmin:    testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin),
		vViewer:   testkit.NewPerson(t, db, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer),
		aAdmin:    testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin),
		silkeborg: testkit.Org(t, db, testkit.Silkeborg), viborg: testkit.Org(t, db, testkit.Viborg), aarhus: testkit.Org(t, db, testkit.Aarhus),
	}
	c, err := db.CreateCollaboration(ctx, s.sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde",
		Kind: samspil.KindPartnership, Purpose: "Forretningsstrategisk samarbejde om IT og digitalisering", Start: samspil.NewDate(2014, 1, 1),
		Exclusivity: samspil.ExclusivityExclusive, DecisionRule: samspil.RuleConsensus, Visibility: vis, OrganizationID: testkit.Silkeborg,
		CoFounders: []samspil.FounderInput{{OrganizationID: testkit.Viborg}}})
	must(t, err)
	// Viborg's administrator accepts for Viborg, as the directorates agreed
	// in December 2013.
	invs, err := db.ListInvitations(ctx, s.vAdmin.Actor, samspil.InvitationFilter{CollaborationID: c.ID, Status: samspil.InvitationPending})
	must(t, err)
	if len(invs.Items) != 1 || !invs.Items[0].Founding || invs.Items[0].OrganizationID != s.viborg.ID {
		t.Fatalf("invitations %+v", invs.Items)
	}
	_, err = db.AcceptInvitation(ctx, s.vAdmin.Actor, invs.Items[0].ID, samspil.Answer{On: ptr(samspil.NewDate(2013, 12, 16)),
		Reason: "Aftale mellem direktionerne"})
	must(t, err)
	s.collab, err = db.FindCollaboration(ctx, s.sAdmin.Actor, c.ID)
	must(t, err)
	// The actors are loaded again, as the next request would, to see their new partners.
	s.sAdmin.Actor, s.vAdmin.Actor = testkit.Actor(t, db, s.sAdmin.User.ID), testkit.Actor(t, db, s.vAdmin.User.ID)
	s.vViewer.Actor = testkit.Actor(t, db, s.vViewer.User.ID)
	return s
}

func TestCollaborationStory(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := newStory(t, db, samspil.VisibilityPrivate)
		c := s.collab
		if len(c.Members) != 2 || c.Members[0].Role != samspil.MemberRoleSecretariat || c.Members[1].OrganizationID != s.viborg.ID ||
			c.Members[1].Role != samspil.MemberRoleMember || c.Members[1].Commitment != samspil.CommitmentBinding {
			t.Fatalf("members %+v", c.Members)
		}
		// Viborg is a partner of Silkeborg now, not of Aarhus.
		if !slices.Contains(s.sAdmin.Actor.Partners, s.viborg.ID) || slices.Contains(s.aAdmin.Actor.Partners, s.viborg.ID) {
			t.Fatalf("partners %v / %v", s.sAdmin.Actor.Partners, s.aAdmin.Actor.Partners)
		}
		// A private collaboration: its members see it, Aarhus gets 404, and the list agrees.
		if _, err := db.FindCollaboration(ctx, s.vViewer.Actor, c.ID); err != nil {
			t.Fatal(err)
		}
		testkit.ErrCode(t, errOf(db.FindCollaboration(ctx, s.aAdmin.Actor, c.ID)), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.FindCollaboration(ctx, samspil.Anonymous(), c.ID)), samspil.ENOTFOUND)
		page, err := db.ListCollaborations(ctx, s.aAdmin.Actor, samspil.CollaborationFilter{})
		must(t, err)
		if len(page.Items) != 0 {
			t.Fatalf("Aarhus lists %d", len(page.Items))
		}

		// Only the secretariat manages: Viborg (a plain member) may not invite Aarhus; Aarhus may not either.
		_, err = db.Invite(ctx, s.vAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: samspil.NewDate(2015, 1, 1)})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.Invite(ctx, s.aAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: samspil.NewDate(2015, 1, 1)})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		// Bad input names the field and changes nothing.
		before, _ := db.Fingerprint(ctx)
		_, err = db.Invite(ctx, s.sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Viborg, Since: samspil.NewDate(2015, 1, 1)})
		wantField(t, err, samspil.ECONFLICT, "organization_id")
		_, err = db.Invite(ctx, s.sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: samspil.NewDate(2013, 1, 1)})
		wantField(t, err, samspil.EINVALID, "since")
		_, err = db.Invite(ctx, s.sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: samspil.NewDate(2015, 1, 1),
			Role: samspil.MemberRoleObserver, Commitment: samspil.CommitmentBinding})
		wantField(t, err, samspil.EINVALID, "commitment")
		_, err = db.UpdateCollaboration(ctx, s.sAdmin.Actor, c.ID, c.Version, samspil.CollaborationPatch{End: ptr(samspil.NewDate(2013, 12, 31))})
		wantField(t, err, samspil.EINVALID, "end")
		_, err = db.ProposeAdjustment(ctx, s.sAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "Tom", EffectiveOn: samspil.NewDate(2018, 11, 1)})
		wantField(t, err, samspil.EINVALID, "commitments")
		_, err = db.ProposeAdjustment(ctx, s.sAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "Aarhus", EffectiveOn: samspil.NewDate(2018, 11, 1),
			Commitments: []samspil.CommitmentChange{{OrganizationID: s.aarhus.ID, Commitment: samspil.CommitmentVoluntary}}})
		wantField(t, err, samspil.EINVALID, "commitments[0].organization_id")
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("refused input changed the database")
		}

		// November 2018: the adjustment, proposed by the secretariat and
		// approved by each municipality on the day of the memo.
		adj, err := db.ProposeAdjustment(ctx, s.sAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "Justeret samarbejdsform",
			Summary: "Samarbejde kun frivilligt, hvor det giver mening", EffectiveOn: samspil.NewDate(2018, 11, 1),
			Exclusivity: samspil.ExclusivityOpen, StrategyNote: "Den fælles strategi gælder, til hver kommune vedtager sin egen",
			Commitments: []samspil.CommitmentChange{{OrganizationID: s.silkeborg.ID, Commitment: samspil.CommitmentVoluntary},
				{OrganizationID: s.viborg.ID, Commitment: samspil.CommitmentVoluntary}}})
		must(t, err)
		if adj.PreviousExclusive != samspil.ExclusivityExclusive || adj.Status != samspil.AdjustmentProposed || len(adj.Approvals) != 2 {
			t.Fatalf("proposed %+v", adj)
		}
		memo := samspil.NewDate(2018, 11, 1)
		adj, err = db.ApproveAdjustment(ctx, s.sAdmin.Actor, adj.ID, samspil.ApprovalInput{OrganizationID: testkit.Silkeborg, Answer: samspil.Answer{On: &memo}})
		must(t, err)
		if adj.Status != samspil.AdjustmentProposed {
			t.Fatalf("one approval of two made it %s", adj.Status)
		}
		if got, _ := db.FindCollaboration(ctx, s.vViewer.Actor, c.ID); got.Exclusivity != samspil.ExclusivityExclusive {
			t.Fatal("the adjustment took effect before Viborg approved it")
		}
		adj, err = db.ApproveAdjustment(ctx, s.vAdmin.Actor, adj.ID, samspil.ApprovalInput{OrganizationID: testkit.Viborg, Answer: samspil.Answer{On: &memo}})
		must(t, err)
		if adj.Status != samspil.AdjustmentInEffect || adj.AppliedAt == nil {
			t.Fatalf("approved by both: %+v", adj)
		}
		for _, ap := range adj.Approvals {
			if ap.State != samspil.ApprovalApproved || ap.On == nil || *ap.On != memo || ap.ByName == "" {
				t.Fatalf("approval %+v", ap)
			}
		}
		got, err := db.FindCollaboration(ctx, s.vViewer.Actor, c.ID)
		must(t, err)
		if got.Exclusivity != samspil.ExclusivityOpen || got.Members[0].Commitment != samspil.CommitmentVoluntary ||
			got.Members[1].Commitment != samspil.CommitmentVoluntary {
			t.Fatalf("after the adjustment: %+v", got)
		}
		adjs, err := db.ListAdjustments(ctx, s.vViewer.Actor, c.ID)
		must(t, err)
		if len(adjs) != 1 || len(adjs[0].Commitments) != 2 || adjs[0].Title != "Justeret samarbejdsform" {
			t.Fatalf("adjustments %+v", adjs)
		}

		// The timeline tells the story, the change of both members in one entry.
		tl, err := db.Timeline(ctx, s.vViewer.Actor, c.ID)
		must(t, err)
		var lines []string
		for _, e := range tl {
			lines = append(lines, e.On.String()+" "+e.Text.String())
		}
		want := []string{
			"2014-01-01 Silkeborg–Viborg IT-samarbejde was founded",
			"2014-01-01 Silkeborg Kommune joined as secretariat",
			"2014-01-01 Viborg Kommune joined as member",
			"2018-11-01 commitment changed from binding to voluntary for Silkeborg Kommune & Viborg Kommune",
			"2018-11-01 adjustment: Justeret samarbejdsform",
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Fatalf("timeline:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}

		// Viborg leaves in 2026 by its own decision; Silkeborg cannot make it
		// leave. The history keeps it, and it is no partner any more after that day.
		leave := samspil.LeaveInput{OrganizationID: testkit.Viborg, Until: samspil.NewDate(2026, 1, 31), Reason: "Går over i fælles driftsenhed"}
		_, err = db.Leave(ctx, s.sAdmin.Actor, c.ID, leave)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		left, err := db.Leave(ctx, s.vAdmin.Actor, c.ID, leave)
		must(t, err)
		if left.Until == nil || left.ActiveOn(samspil.NewDate(2026, 2, 1)) {
			t.Fatalf("left %+v", left)
		}
		hist, err := db.MemberHistory(ctx, s.sAdmin.Actor, c.ID)
		must(t, err)
		last := hist[len(hist)-1]
		if last.Kind != samspil.MemberLeft || last.Reason != "Går over i fælles driftsenhed" || last.ByName == "" || last.On.String() != "2026-01-31" {
			t.Fatalf("history %+v", hist)
		}
		if p := testkit.Actor(t, db, s.sAdmin.User.ID).Partners; slices.Contains(p, s.viborg.ID) {
			t.Fatalf("Viborg is still a partner after leaving: %v", p)
		}
		// A former member still sees the collaboration it was part of.
		if _, err := db.FindCollaboration(ctx, s.vViewer.Actor, c.ID); err != nil {
			t.Fatal(err)
		}
		// Every change is audited, and the secretariat's administrators find
		// their changes in their organisation's log; Viborg's do not.
		for _, action := range []string{"collaboration.create", "collaboration.member.add", "collaboration.invitation.create",
			"collaboration.invitation.accept", "collaboration.adjustment.propose", "collaboration.adjustment.approve",
			"collaboration.adjustment.apply", "collaboration.member.leave"} {
			if countAudit(t, db, action) == 0 {
				t.Errorf("no %s audit event", action)
			}
		}
		if events := auditAs(t, db, s.sAdmin.Actor, samspil.AuditFilter{OrganizationID: s.silkeborg.ID, Action: "collaboration.adjustment.propose"}); len(events) != 1 {
			t.Errorf("Silkeborg's log has %d proposed adjustments", len(events))
		}
		// Each approval is in the log of the organisation that gave it.
		if events := auditAs(t, db, s.vAdmin.Actor, samspil.AuditFilter{OrganizationID: s.viborg.ID, Action: "collaboration.adjustment.approve"}); len(events) != 1 {
			t.Errorf("Viborg's log has %d approvals", len(events))
		}
		if events := auditAs(t, db, s.vAdmin.Actor, samspil.AuditFilter{OrganizationID: s.viborg.ID, Action: "collaboration.adjustment.propose"}); len(events) != 0 {
			t.Errorf("Viborg's log has %d proposals", len(events))
		}
	})
}

// TestPartnersVisibility checks that a usage shared with partners is seen by
// the members of an active collaboration with its owner and by nobody else.
func TestPartnersVisibility(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := newStory(t, db, samspil.VisibilitySector)
		sys, err := db.CreateSystem(ctx, s.sAdmin.Actor, samspil.SystemInput{Name: "Fælles ESDH", Category: samspil.CategoryCaseManagement,
			Visibility: samspil.VisibilityPublic})
		must(t, err)
		u, err := db.CreateUsage(ctx, s.sAdmin.Actor, samspil.UsageInput{OrganizationID: testkit.Silkeborg, SystemID: sys.ID,
			Lifecycle: samspil.LifecycleOperational, Visibility: samspil.VisibilityPartners})
		must(t, err)
		if _, err := db.FindUsage(ctx, s.vViewer.Actor, u.ID); err != nil {
			t.Fatalf("a partner does not see it: %v", err)
		}
		if !s.vViewer.Actor.CanSee(s.silkeborg.ID, samspil.VisibilityPartners) || s.aAdmin.Actor.CanSee(s.silkeborg.ID, samspil.VisibilityPartners) {
			t.Fatal("CanSee disagrees with the store")
		}
		testkit.ErrCode(t, errOf(db.FindUsage(ctx, s.aAdmin.Actor, u.ID)), samspil.ENOTFOUND)
		who, err := db.WhoUses(ctx, s.aAdmin.Actor, sys.ID)
		must(t, err)
		if len(who) != 0 {
			t.Fatalf("Aarhus sees %d users", len(who))
		}
		who, err = db.WhoUses(ctx, s.vViewer.Actor, sys.ID)
		must(t, err)
		if len(who) != 1 {
			t.Fatalf("Viborg sees %d users", len(who))
		}
	})
}

func errOf[T any](_ T, err error) error { return err }

// TestJointStrategyOfPrivateCollaboration: a joint strategy of a
// members-only collaboration is shown to the members, not to everyone.
func TestJointStrategyOfPrivateCollaboration(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := newStory(t, db, samspil.VisibilityPrivate)
		joint, err := db.CreateStrategy(ctx, s.sAdmin.Actor, samspil.StrategyInput{CollaborationID: s.collab.ID, Title: "Fælles strategi",
			From: samspil.NewDate(2015, 1, 1), Owners: []samspil.StrategyOwner{{OrganizationID: testkit.Silkeborg}, {OrganizationID: testkit.Viborg}}})
		must(t, err)
		if joint.Visibility != samspil.VisibilityPartners {
			t.Fatalf("visibility %q", joint.Visibility)
		}
		if _, err := db.FindStrategy(ctx, s.vViewer.Actor, joint.ID); err != nil {
			t.Fatalf("a member's viewer: %v", err)
		}
		testkit.ErrCode(t, errOf(db.FindStrategy(ctx, s.aAdmin.Actor, joint.ID)), samspil.ENOTFOUND)
		// Given explicitly, the visibility is kept.
		open, err := db.CreateStrategy(ctx, s.sAdmin.Actor, samspil.StrategyInput{CollaborationID: s.collab.ID, Title: "Åben strategi",
			From: samspil.NewDate(2015, 1, 1), Visibility: samspil.VisibilityPublic, Owners: []samspil.StrategyOwner{{OrganizationID: testkit.Silkeborg}}})
		must(t, err)
		if _, err := db.FindStrategy(ctx, samspil.Anonymous(), open.ID); err != nil {
			t.Fatalf("a public strategy: %v", err)
		}
	})
}
