package demo_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// checkInitiatives: the demo's joint initiatives. Before November 2018
// both municipalities committed bindingly and each gate was passed by an
// adopted decision of the collaboration on its day, two were closed and
// one stopped in 2018 with a reason; after it each joins where it makes
// sense: voluntary participations, a third municipality, Viborg declining
// and Silkeborg withdrawing with their reasons, budgets split by their
// keys, planned and realised benefits of every kind, the must-criteria
// met with evidence and the need confirmed by two organisations. An
// open-source product anyone may see has pledges with hours and one
// binding agreement; Silkeborg has invitations to answer; the
// collaboration's lessons of 2018 are recorded by both; its prioritisation
// shows what changed since its last round; and every proposal is in the
// audit log.
func checkInitiatives(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	sys := samspil.SystemActor("test")
	mette := actorOf(t, db, demo.SilkeborgChiefEmail)
	sk, vb := testkit.Org(t, db, "0740").ID, testkit.Org(t, db, "0791").ID
	sv := collab(t, db, mette)
	adjusted := samspil.NewDate(2018, 11, 7)

	page, err := db.ListInitiatives(ctx, sys, samspil.InitiativeFilter{ListOptions: samspil.ListOptions{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var all []*samspil.Initiative
	phases := map[samspil.InitiativePhase]int{}
	for _, x := range page.Items {
		whole, err := db.FindInitiative(ctx, sys, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, whole)
		phases[whole.Phase]++
		if !strings.HasPrefix(whole.Description, "Demo: ") {
			t.Errorf("%s is not labelled as demo data: %q", whole.Title, whole.Description)
		}
	}
	if want := map[samspil.InitiativePhase]int{samspil.PhaseIdea: 3, samspil.PhaseAnalysis: 2, samspil.PhaseOperation: 2,
		samspil.PhaseClosed: 2, samspil.PhaseStopped: 1}; !maps.Equal(phases, want) {
		t.Errorf("initiatives by phase %v, want %v", phases, want)
	}
	participation := func(x *samspil.Initiative, org string) *samspil.Participation {
		for i := range x.Participations {
			if x.Participations[i].OrganizationID == org {
				return &x.Participations[i]
			}
		}
		return nil
	}

	// Gates inside the collaboration are its adopted decisions, on their day.
	decisions, err := db.ListDecisions(ctx, sys, samspil.DecisionFilter{CollaborationID: sv.ID, ListOptions: samspil.ListOptions{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]samspil.Decision{}
	for _, d := range decisions.Items {
		byID[d.ID] = d
	}
	var before2018 []*samspil.Initiative
	for _, x := range all {
		if x.CollaborationID != sv.ID {
			continue
		}
		for _, g := range x.Gates {
			d, ok := byID[g.DecisionID]
			if !ok || d.Outcome.Result != samspil.OutcomeAdopted || d.DecidedOn != g.On {
				t.Errorf("%s: the gate to %s on %s is not an adopted decision of the collaboration on its day: %+v", x.Title, g.To, g.On, d)
			}
		}
		if len(x.Gates) > 0 && x.Gates[len(x.Gates)-1].On.Before(adjusted) {
			before2018 = append(before2018, x)
		}
	}
	final := map[samspil.InitiativePhase]int{}
	for _, x := range before2018 {
		final[x.Phase]++
		for _, org := range []string{sk, vb} {
			// Both bound themselves; Viborg took part in the self-service
			// platform only voluntarily from June 2017.
			p := participation(x, org)
			if p == nil || len(p.History) == 0 || p.History[0].State != samspil.ParticipationBinding {
				t.Errorf("%s before 2018: %s was not bound: %+v", x.Title, org, p)
				continue
			}
			want := samspil.ParticipationBinding
			if org == vb && x.Phase == samspil.PhaseStopped {
				want = samspil.ParticipationVoluntary
			}
			if p.State != want {
				t.Errorf("%s before 2018: %s is %s, want %s", x.Title, org, p.State, want)
			}
		}
		if x.Phase == samspil.PhaseStopped && (x.StopReason == "" || x.PhaseSince.Year != 2018) {
			t.Errorf("%s stopped on %s with reason %q", x.Title, x.PhaseSince, x.StopReason)
		}
	}
	if final[samspil.PhaseClosed] != 2 || final[samspil.PhaseStopped] != 1 || len(before2018) != 3 {
		t.Errorf("the binding projects before 2018: %v of %d", final, len(before2018))
	}

	// After 2018: voluntary, with others, declined and withdrawn for a
	// reason, budgets split, benefits planned and realised.
	var declined, withdrawn, third, qualified, shared int
	kinds := map[samspil.BenefitKind]int{}
	realisedAny := false
	for _, x := range all {
		if x.PhaseSince.Before(adjusted) {
			continue
		}
		voluntary := false
		for _, p := range x.Participations {
			switch {
			case p.State == samspil.ParticipationVoluntary && (p.OrganizationID == sk || p.OrganizationID == vb):
				voluntary = true
			case p.State == samspil.ParticipationDeclined && p.OrganizationID == vb && p.Reason != "":
				declined++
			case p.State == samspil.ParticipationWithdrawn && p.OrganizationID == sk && p.Reason != "" && !p.Since.IsZero() && len(p.Resources) == 0 &&
				slices.ContainsFunc(p.History, func(e samspil.ParticipationEvent) bool { return e.State == samspil.ParticipationVoluntary }):
				withdrawn++
			}
		}
		if voluntary && slices.ContainsFunc(x.Participations, func(p samspil.Participation) bool {
			return p.OrganizationID != sk && p.OrganizationID != vb && p.State == samspil.ParticipationVoluntary
		}) {
			third++
		}
		if x.Phase == samspil.PhaseQualification || x.Phase == samspil.PhaseAnalysis {
			met := 0
			for _, a := range x.Criteria {
				if a.Met && a.Evidence != "" {
					met++
				}
			}
			if met == len(samspil.Criteria) && len(x.NeedConfirmations) >= 2 {
				qualified++
			}
		}
		shares, err := db.CostShares(ctx, sys, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range shares.Keys {
			if k.Key == x.Cost.Key && k.Problem == "" && shares.Development > 0 && shares.Operation > 0 && k.DevelopmentTotal == shares.Development &&
				k.OperationTotal == shares.Operation && len(k.Development) == len(shares.Participants) && len(shares.Participants) >= 2 {
				shared++
			}
		}
		benefits, err := db.ListBenefits(ctx, sys, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range benefits {
			if b.Kind != samspil.BenefitQuality || b.Measure != "" {
				kinds[b.Kind]++
			}
			realisedAny = realisedAny || len(b.Realisations) > 0
		}
	}
	if declined != 1 || withdrawn != 1 || third < 1 || qualified < 1 || shared < 3 {
		t.Errorf("after 2018: %d declined by Viborg, %d withdrawn by Silkeborg, %d with a third municipality, %d qualified with the need "+
			"confirmed by two, %d budgets split by their key", declined, withdrawn, third, qualified, shared)
	}
	if len(kinds) != len(samspil.BenefitKinds) || !realisedAny {
		t.Errorf("benefits by kind %v, realised %v", kinds, realisedAny)
	}

	// The open-source product: seen by anyone, pledges with hours, one
	// pledge turned binding, split by size class.
	products := 0
	for _, x := range all {
		if x.Model != samspil.ModelOpenSourceProduct {
			continue
		}
		products++
		if _, err := db.FindInitiative(ctx, samspil.Anonymous(), x.ID); err != nil {
			t.Errorf("%s is not open to everyone: %v", x.Title, err)
		}
		pledged, hours, agreed := 0, 0, 0
		for _, p := range x.Participations {
			if p.State == samspil.ParticipationPledged {
				pledged++
			}
			for _, r := range p.Resources {
				hours += r.HoursPerMonth
			}
			if p.State == samspil.ParticipationBinding && slices.ContainsFunc(p.History, func(e samspil.ParticipationEvent) bool {
				return e.State == samspil.ParticipationPledged
			}) {
				agreed++
			}
		}
		if pledged < 3 || hours == 0 || agreed != 1 || x.Cost.Key != samspil.CostSizeClasses {
			t.Errorf("%s: %d pledges, %d hours a month, %d pledges turned binding, key %s", x.Title, pledged, hours, agreed, x.Cost.Key)
		}
	}
	if products != 1 {
		t.Errorf("%d open-source products", products)
	}

	// Silkeborg's IT chief has invitations to answer, and sees them among
	// Silkeborg's initiatives.
	invitations, err := db.InitiativeInvitations(ctx, mette, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(invitations, func(v samspil.InitiativeInvitation) bool { return v.OrganizationID == sk }) {
		t.Errorf("no invitation waits for Silkeborg: %+v", invitations)
	}
	ours, err := db.ListInitiatives(ctx, mette, samspil.InitiativeFilter{OrganizationID: sk})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ours.Items, func(x samspil.Initiative) bool {
		p := participation(&x, sk)
		return p != nil && p.State == samspil.ParticipationInvited
	}) {
		t.Error("Silkeborg's initiatives show no invitation")
	}

	// The collaboration's own lessons of 2018, by both municipalities, and
	// lessons drawn at the initiatives' gates.
	lessons, err := db.ListLessons(ctx, mette, samspil.LessonFilter{CollaborationID: sv.ID, ListOptions: samspil.ListOptions{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	own, atGates := map[string]int{}, 0
	var titles []string
	for _, l := range lessons.Items {
		if l.InitiativeID != "" {
			if l.Phase != "" {
				atGates++
			}
			continue
		}
		if l.On == adjusted && len(l.Tags) > 1 {
			own[l.OrganizationName]++
			titles = append(titles, l.Title)
		}
	}
	all2018 := strings.Join(titles, "\n")
	if own["Silkeborg Kommune"] == 0 || own["Viborg Kommune"] == 0 || len(titles) != 4 || atGates < 3 {
		t.Errorf("lessons of 2018 by organisation %v, %d at the gates", own, atGates)
	}
	for _, want := range []string{"organisatoriske forskelle", "»kan«", "ambitionsniveauet", "indkøb"} {
		if !strings.Contains(all2018, want) {
			t.Errorf("no lesson of 2018 about %q:\n%s", want, all2018)
		}
	}

	// The ranked list shows what changed since the last round.
	prio, err := db.Prioritisation(ctx, mette, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, r := range prio.Ranked {
		if r.Rank > 0 && r.PreviousRank > 0 && r.Rank != r.PreviousRank {
			moved++
		}
	}
	if prio.LastRoundOn == nil || len(prio.Ranked) < 3 || moved == 0 {
		t.Errorf("prioritisation: last round %v, %d ranked, %d moved", prio.LastRoundOn, len(prio.Ranked), moved)
	}

	// Every proposal is audited.
	audit, err := db.ListAuditEvents(ctx, sys, samspil.AuditFilter{Action: "initiative.create", ListOptions: samspil.ListOptions{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if len(audit.Items) != len(all) {
		t.Errorf("%d proposals audited, %d initiatives", len(audit.Items), len(all))
	}
}
