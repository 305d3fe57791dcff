package sqldb_test

import (
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// initiativeWorld is the Silkeborg–Viborg partnership with the people of
// Silkeborg, Viborg and Aarhus (an outsider to the partnership).
type initiativeWorld struct {
	db                     *sqldb.DB
	sAdmin, sEditor        testkit.Person
	vAdmin, vEditor        testkit.Person
	aAdmin                 testkit.Person
	collab                 *samspil.Collaboration
	silkeborg, viborg, aar *samspil.Organization
}

func newInitiativeWorld(t *testing.T, db *sqldb.DB) *initiativeWorld {
	t.Helper()
	w := &initiativeWorld{db: db,
		sAdmin:    testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin),
		sEditor:   testkit.NewPerson(t, db, "editor@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor),
		vAdmin:    testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin),
		vEditor:   testkit.NewPerson(t, db, "editor@viborg.example", testkit.Viborg, samspil.RoleEditor),
		aAdmin:    testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin),
		silkeborg: testkit.Org(t, db, testkit.Silkeborg), viborg: testkit.Org(t, db, testkit.Viborg), aar: testkit.Org(t, db, testkit.Aarhus),
	}
	w.collab = testkit.Partnership(t, db, w.sAdmin.Actor)
	for _, p := range []*testkit.Person{&w.sAdmin, &w.sEditor, &w.vAdmin, &w.vEditor, &w.aAdmin} {
		p.Actor = testkit.Actor(t, db, p.User.ID)
	}
	return w
}

func (w *initiativeWorld) propose(t *testing.T, vis samspil.Visibility) *samspil.Initiative {
	t.Helper()
	x, err := w.db.ProposeInitiative(ctx, w.sEditor.Actor, samspil.InitiativeInput{Title: "Fælles borgerportal", CollaborationID: w.collab.ID,
		Model: samspil.ModelImplementation, Visibility: vis, Tasks: []string{"27.34.40"}, ContactName: "Mette Lund"})
	must(t, err)
	return x
}

func TestInitiativeProposeAndSee(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		x := w.propose(t, samspil.VisibilityPrivate)
		if x.Phase != samspil.PhaseIdea || x.OwnerID != w.silkeborg.ID || x.CollaborationName != w.collab.Name || len(x.Tasks) != 1 {
			t.Fatalf("proposed %+v", x)
		}
		if x.Cost.Key != w.collab.CostKey || len(x.Criteria) != len(samspil.Criteria) {
			t.Fatalf("cost %+v criteria %+v", x.Cost, x.Criteria)
		}
		// A member of the collaboration sees it; an outsider does not.
		if _, err := db.FindInitiative(ctx, w.vEditor.Actor, x.ID); err != nil {
			t.Fatalf("Viborg, a member, cannot see it: %v", err)
		}
		_, err := db.FindInitiative(ctx, w.aAdmin.Actor, x.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		page, err := db.ListInitiatives(ctx, w.aAdmin.Actor, samspil.InitiativeFilter{})
		must(t, err)
		if len(page.Items) != 0 {
			t.Fatalf("the outsider lists %+v", page.Items)
		}
		_, err = db.FindInitiative(ctx, samspil.Anonymous(), x.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)

		// Viborg cannot propose on Silkeborg's behalf; Aarhus is not a member.
		_, err = db.ProposeInitiative(ctx, w.vAdmin.Actor, samspil.InitiativeInput{Title: "X", OwnerID: testkit.Silkeborg, Model: samspil.ModelProcurement})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.ProposeInitiative(ctx, w.aAdmin.Actor, samspil.InitiativeInput{Title: "X", CollaborationID: w.collab.ID, Model: samspil.ModelProcurement})
		wantField(t, err, samspil.EINVALID, "collaboration_id")

		// Bad references name their field and change nothing.
		for field, in := range map[string]samspil.InitiativeInput{
			"tasks":      {Title: "X", Model: samspil.ModelProcurement, Tasks: []string{"99.99.99"}},
			"system_ids": {Title: "X", Model: samspil.ModelProcurement, SystemIDs: []string{"no-such-system"}},
			"model":      {Title: "X", Model: "big-bang"},
			"goals[0].strategy_id": {Title: "X", Model: samspil.ModelProcurement,
				Goals: []samspil.GoalRef{{StrategyID: "no-such-strategy", Goal: 1}}},
			"cost.fixed_shares[0].basis_points": {Title: "X", Model: samspil.ModelProcurement,
				Cost: &samspil.CostSettings{Key: samspil.CostFixedPercentages, FixedShares: []samspil.FixedShare{{OrganizationID: "x", BasisPoints: -1}}}},
		} {
			_, err := db.ProposeInitiative(ctx, w.sAdmin.Actor, in)
			wantField(t, err, samspil.EINVALID, field)
		}
		page, err = db.ListInitiatives(ctx, testkit.System, samspil.InitiativeFilter{})
		must(t, err)
		if len(page.Items) != 1 {
			t.Fatalf("bad input changed something: %d initiatives", len(page.Items))
		}

		// A sector initiative is seen by every signed-in organisation.
		open, err := db.ProposeInitiative(ctx, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Åben GIS-løsning", Model: samspil.ModelOpenSourceProduct})
		must(t, err)
		if _, err := db.FindInitiative(ctx, w.aAdmin.Actor, open.ID); err != nil {
			t.Fatalf("a sector initiative is hidden from Aarhus: %v", err)
		}
		up, err := db.UpdateInitiative(ctx, w.sEditor.Actor, open.ID, open.Version, samspil.InitiativePatch{Title: ptr("Åben GIS-platform")})
		must(t, err)
		if up.Title != "Åben GIS-platform" || up.Version != open.Version+1 {
			t.Fatalf("updated %+v", up)
		}
		_, err = db.UpdateInitiative(ctx, w.sEditor.Actor, open.ID, open.Version, samspil.InitiativePatch{Title: ptr("Y")})
		testkit.ErrCode(t, err, samspil.ESTALE)
		_, err = db.UpdateInitiative(ctx, w.aAdmin.Actor, up.ID, up.Version, samspil.InitiativePatch{Title: ptr("Y")})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
	})
}

func TestInitiativeParticipationIsEachOrganisationsOwn(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		x := w.propose(t, samspil.VisibilityPrivate)
		set := func(p testkit.Person, org string, state samspil.ParticipationState, reason string) (*samspil.Participation, error) {
			return db.SetParticipation(ctx, p.Actor, x.ID, samspil.ParticipationInput{OrganizationID: org, State: state, Reason: reason})
		}
		// Viborg cannot commit Silkeborg, nor invite anyone; its editor may
		// show interest but not commit.
		_, err := set(w.vAdmin, testkit.Silkeborg, samspil.ParticipationBinding, "")
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = set(w.vAdmin, testkit.Aarhus, samspil.ParticipationInvited, "")
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = set(w.vEditor, testkit.Viborg, samspil.ParticipationBinding, "")
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		p, err := set(w.vEditor, testkit.Viborg, samspil.ParticipationInterested, "")
		must(t, err)
		if p.State != samspil.ParticipationInterested {
			t.Fatalf("interest %+v", p)
		}
		p, err = set(w.vAdmin, testkit.Viborg, samspil.ParticipationVoluntary, "")
		must(t, err)
		if p.State != samspil.ParticipationVoluntary || len(p.History) != 2 || p.Population == 0 {
			t.Fatalf("voluntary %+v", p)
		}
		// Silkeborg's editor invites Aarhus; Aarhus, once invited, sees the
		// private initiative and answers for itself.
		_, err = set(w.sEditor, testkit.Aarhus, samspil.ParticipationInvited, "")
		must(t, err)
		got, err := db.InitiativeInvitations(ctx, w.aAdmin.Actor, 10)
		must(t, err)
		if len(got) != 1 || got[0].InitiativeID != x.ID || !got[0].MayCommit {
			t.Fatalf("Aarhus's invitations %+v", got)
		}
		if _, err := db.FindInitiative(ctx, w.aAdmin.Actor, x.ID); err != nil {
			t.Fatalf("invited Aarhus cannot see it: %v", err)
		}
		_, err = set(w.aAdmin, testkit.Aarhus, samspil.ParticipationDeclined, "")
		wantField(t, err, samspil.EINVALID, "reason")
		_, err = set(w.sAdmin, testkit.Aarhus, samspil.ParticipationBinding, "")
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		p, err = set(w.aAdmin, testkit.Aarhus, samspil.ParticipationBinding, "")
		must(t, err)
		if p.State != samspil.ParticipationBinding || p.History[0].State != samspil.ParticipationInvited {
			t.Fatalf("binding %+v", p)
		}
		_, err = set(w.aAdmin, testkit.Aarhus, samspil.ParticipationBinding, "")
		testkit.ErrCode(t, err, samspil.ECONFLICT)
		_, err = set(w.aAdmin, testkit.Aarhus, samspil.ParticipationDeclined, "no")
		wantField(t, err, samspil.EINVALID, "state")
		p, err = set(w.aAdmin, testkit.Aarhus, samspil.ParticipationWithdrawn, "Budgettet rakte ikke")
		must(t, err)
		if len(p.History) != 3 || p.Reason != "Budgettet rakte ikke" {
			t.Fatalf("withdrawn %+v", p)
		}
	})
}

func TestInitiativeGates(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		x := w.propose(t, samspil.VisibilityPrivate)
		today := samspil.Today(samspil.Now())
		// Inside a collaboration a gate needs one of its adopted decisions.
		_, err := db.PassGate(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseQualification, ApprovedBy: "Mette"})
		wantField(t, err, samspil.EINVALID, "decision_id")
		d, err := db.CreateDecision(ctx, w.sAdmin.Actor, w.collab.ID, samspil.DecisionInput{Title: "Borgerportalen kvalificeres", Rule: samspil.RuleMajority, DecidedOn: today})
		must(t, err)
		_, err = db.PassGate(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseQualification, DecisionID: d.ID})
		wantField(t, err, samspil.EINVALID, "decision_id") // not adopted yet
		for _, org := range []string{testkit.Silkeborg, testkit.Viborg} {
			actor := w.sAdmin.Actor
			if org == testkit.Viborg {
				actor = w.vAdmin.Actor
			}
			_, err := db.CastVote(ctx, actor, d.ID, samspil.VoteInput{OrganizationID: org, Choice: samspil.VoteFor})
			must(t, err)
		}
		x, err = db.PassGate(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseQualification, DecisionID: d.ID})
		must(t, err)
		if x.Phase != samspil.PhaseQualification || len(x.Gates) != 1 || x.Gates[0].DecisionTitle != d.Title {
			t.Fatalf("after the gate %+v", x)
		}
		// Out of qualification only with every criterion met.
		d2, err := db.CreateDecision(ctx, w.sAdmin.Actor, w.collab.ID, samspil.DecisionInput{Title: "Analyse", Rule: samspil.RuleMajority, DecidedOn: today})
		must(t, err)
		for _, org := range []string{testkit.Silkeborg, testkit.Viborg} {
			actor := w.sAdmin.Actor
			if org == testkit.Viborg {
				actor = w.vAdmin.Actor
			}
			_, err := db.CastVote(ctx, actor, d2.ID, samspil.VoteInput{OrganizationID: org, Choice: samspil.VoteFor})
			must(t, err)
		}
		_, err = db.PassGate(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseAnalysis, DecisionID: d2.ID})
		wantField(t, err, samspil.EINVALID, "criteria.owner_named")
		wantField(t, err, samspil.EINVALID, "criteria.need_confirmed")

		// Each organisation confirms its own need; not another's.
		_, err = db.ConfirmNeed(ctx, w.sEditor.Actor, x.ID, samspil.NeedConfirmationInput{OrganizationID: testkit.Viborg, Evidence: "x"})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.ConfirmNeed(ctx, w.sEditor.Actor, x.ID, samspil.NeedConfirmationInput{OrganizationID: testkit.Silkeborg, Evidence: "Borgerhenvendelser 2026"})
		must(t, err)
		x, err = db.ConfirmNeed(ctx, w.vEditor.Actor, x.ID, samspil.NeedConfirmationInput{OrganizationID: testkit.Viborg, Evidence: "Kanalstrategi"})
		must(t, err)
		var answers []samspil.CriterionAnswer
		for _, c := range samspil.Criteria[1:] {
			answers = append(answers, samspil.CriterionAnswer{Criterion: c, Met: true, Evidence: "Se bilag"})
		}
		_, err = db.AnswerCriteria(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.CriteriaInput{Answers: append(answers,
			samspil.CriterionAnswer{Criterion: samspil.CriterionNeedConfirmed, Met: true, Evidence: "we say so"})})
		wantField(t, err, samspil.EINVALID, "criteria.need_confirmed")
		x, err = db.AnswerCriteria(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.CriteriaInput{Answers: answers})
		must(t, err)
		x, err = db.PassGate(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseAnalysis, DecisionID: d2.ID})
		must(t, err)
		if x.Phase != samspil.PhaseAnalysis || len(x.Gates) != 2 {
			t.Fatalf("after qualification %+v", x)
		}
		// Stopping needs a reason; a stopped initiative takes no one.
		_, err = db.PassGate(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseStopped, DecisionID: d2.ID})
		wantField(t, err, samspil.EINVALID, "reason")
		x, err = db.PassGate(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseStopped, DecisionID: d2.ID, Reason: "Markedet leverer"})
		must(t, err)
		if x.Phase != samspil.PhaseStopped || x.StopReason != "Markedet leverer" {
			t.Fatalf("stopped %+v", x)
		}
		_, err = db.SetParticipation(ctx, w.vAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Viborg, State: samspil.ParticipationBinding})
		testkit.ErrCode(t, err, samspil.ECONFLICT)

		// Outside a collaboration the owner's approval passes the gate.
		open, err := db.ProposeInitiative(ctx, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Åben GIS", Model: samspil.ModelOpenSourceProduct})
		must(t, err)
		_, err = db.PassGate(ctx, w.sAdmin.Actor, open.ID, open.Version, samspil.GateInput{To: samspil.PhaseQualification})
		wantField(t, err, samspil.EINVALID, "approved_by")
		open, err = db.PassGate(ctx, w.sAdmin.Actor, open.ID, open.Version, samspil.GateInput{To: samspil.PhaseQualification, ApprovedBy: "Direktionen i Silkeborg"})
		must(t, err)
		if open.Gates[0].ApprovedBy != "Direktionen i Silkeborg" {
			t.Fatalf("gate %+v", open.Gates)
		}
	})
}

// TestInitiativeListCarriesTotals: a list of initiatives carries what the
// portfolio views need without reading each one again: participations,
// gates, budget totals by kind and the criteria with the need answered.
func TestInitiativeListCarriesTotals(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		x, err := db.ProposeInitiative(ctx, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Åben GIS", Model: samspil.ModelOpenSourceProduct})
		must(t, err)
		for _, l := range []samspil.BudgetLineInput{{Kind: samspil.BudgetDevelopment, Title: "Udvikling", Amount: 100000_00},
			{Kind: samspil.BudgetDevelopment, Title: "Test", Amount: 2500_50}, {Kind: samspil.BudgetOperation, Title: "Drift", Amount: 30000_00}} {
			_, err := db.AddBudgetLine(ctx, w.sAdmin.Actor, x.ID, l)
			must(t, err)
		}
		x, err = db.FindInitiative(ctx, w.sAdmin.Actor, x.ID)
		must(t, err)
		_, err = db.PassGate(ctx, w.sAdmin.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseQualification, ApprovedBy: "Direktionen"})
		must(t, err)
		_, err = db.ConfirmNeed(ctx, w.vEditor.Actor, x.ID, samspil.NeedConfirmationInput{OrganizationID: testkit.Viborg, Evidence: "Kortopgaver"})
		must(t, err)
		_, err = db.ConfirmNeed(ctx, w.sEditor.Actor, x.ID, samspil.NeedConfirmationInput{OrganizationID: testkit.Silkeborg, Evidence: "Kortopgaver"})
		must(t, err)
		page, err := db.ListInitiatives(ctx, w.aAdmin.Actor, samspil.InitiativeFilter{})
		must(t, err)
		if len(page.Items) != 1 {
			t.Fatalf("listed %d", len(page.Items))
		}
		got := page.Items[0]
		if got.Budget.Development != 102500_50 || got.Budget.Operation != 30000_00 || len(got.Gates) != 1 || !got.Criteria[0].Met {
			t.Fatalf("listed budget %+v, gates %d, need %+v", got.Budget, len(got.Gates), got.Criteria[0])
		}
	})
}

// TestInitiativeVisibleCondMatchesCanSeeInitiative: the SQL condition
// under which the store lists initiatives agrees with the domain's
// Actor.CanSeeInitiative for every visibility, inside the private
// partnership and outside it, with and without an outsider taking part.
func TestInitiativeVisibleCondMatchesCanSeeInitiative(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		collab, err := db.FindCollaboration(ctx, testkit.System, w.collab.ID)
		must(t, err)
		var ids []string
		for _, v := range samspil.Visibilities {
			for _, inside := range []bool{true, false} {
				for _, aarhusTakesPart := range []bool{false, true} {
					in := samspil.InitiativeInput{Title: "Synlighed " + string(v), Model: samspil.ModelKnowledgeSharing, Visibility: v}
					if inside {
						in.CollaborationID = w.collab.ID
					}
					x, err := db.ProposeInitiative(ctx, w.sEditor.Actor, in)
					must(t, err)
					if aarhusTakesPart {
						_, err := db.SetParticipation(ctx, w.sEditor.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Aarhus,
							State: samspil.ParticipationInvited})
						must(t, err)
					}
					ids = append(ids, x.ID)
				}
			}
		}
		for _, a := range []struct {
			name  string
			actor *samspil.Actor
		}{{"anonymous", samspil.Anonymous()}, {"owner's editor", w.sEditor.Actor}, {"member Viborg", w.vEditor.Actor},
			{"outsider Aarhus", w.aAdmin.Actor}, {"system", testkit.System}} {
			listed := map[string]bool{}
			page, err := db.ListInitiatives(ctx, a.actor, samspil.InitiativeFilter{ListOptions: samspil.ListOptions{Limit: 500}})
			must(t, err)
			for _, x := range page.Items {
				listed[x.ID] = true
			}
			for _, id := range ids {
				x, err := db.FindInitiative(ctx, testkit.System, id)
				must(t, err)
				participant, member := false, false
				for _, p := range x.Participations {
					participant = participant || a.actor.MemberOf(p.OrganizationID)
				}
				if x.CollaborationID != "" {
					for _, m := range collab.Members {
						member = member || a.actor.MemberOf(m.OrganizationID)
					}
				}
				if want := a.actor.CanSeeInitiative(x, participant, member); listed[id] != want {
					t.Errorf("%s, %s initiative (collaboration %q, %d participations): listed %v, CanSeeInitiative %v",
						a.name, x.Visibility, x.CollaborationID, len(x.Participations), listed[id], want)
				}
			}
		}
	})
}
