package sqldb_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/opportunity"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestBaselineOnDemo proves on the demo (98 municipalities with their
// synthetic landscapes, the Silkeborg–Viborg partnership and the
// initiatives) that the SQL baseline and the opportunity index give every
// municipality the same ten best partners with the same scores and the
// same joint procurement windows for its systems.
func TestBaselineOnDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo")
	}
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		now := samspil.Now()
		if _, err := demo.EnsureAt(ctx, db, now); err != nil {
			t.Fatal(err)
		}
		var askers []string
		orgs, err := db.ListOrganizations(ctx, testkit.System, samspil.OrganizationFilter{Kind: samspil.KindMunicipality,
			ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
		must(t, err)
		for _, o := range orgs.Items {
			askers = append(askers, o.ID)
		}
		if len(askers) != 98 {
			t.Fatalf("%d municipalities in the demo, want 98", len(askers))
		}
		compareBaseline(t, db, samspil.Today(now), askers)
	})
}

// TestBaselineOnGenerated proves the same on a small generated set with
// every visibility of usages and contracts, made richer where the
// generator leaves things out: a collaboration makes three organisations
// partners (one of which does not count it), one organisation shares
// nothing, and an initiative gives a track record together.
func TestBaselineOnGenerated(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		g, err := demo.NewGenerator(demo.Config{Orgs: 60, Seed: 7, UsagesPerOrg: 40, ContractsPerOrg: 15})
		must(t, err)
		for _, b := range generatedBatches(g, 25) {
			_, err := db.LoadGenerated(ctx, testkit.System, b)
			must(t, err)
		}
		var ids []string
		for i := range 60 {
			ids = append(ids, g.Landscape(i).Organization.ID)
		}
		a, b, c, hidden := ids[0], ids[1], ids[2], ids[3]
		collab, err := db.CreateCollaboration(ctx, testkit.System, samspil.CollaborationInput{Name: "Generated partnership",
			Kind: samspil.KindPartnership, Start: samspil.NewDate(2020, 1, 1), Visibility: samspil.VisibilityPrivate, OrganizationID: a})
		must(t, err)
		testkit.Join(t, db, collab.ID, samspil.InvitationInput{OrganizationID: b, Since: samspil.NewDate(2020, 1, 1)})
		testkit.Join(t, db, collab.ID, samspil.InvitationInput{OrganizationID: c, Since: samspil.NewDate(2021, 1, 1)})
		_, err = db.SetPartnerSetting(ctx, testkit.System, c, collab.ID, samspil.PartnerSettingInput{Counts: false})
		must(t, err)
		o, err := db.FindOrganization(ctx, testkit.System, hidden)
		must(t, err)
		_, err = db.UpdateOrganization(ctx, testkit.System, hidden, o.Version, samspil.OrganizationPatch{Visibility: ptr(samspil.VisibilityPrivate)})
		must(t, err)
		x, err := db.ProposeInitiative(ctx, testkit.System, samspil.InitiativeInput{Title: "Fælles indkøb", OwnerID: a, Model: samspil.ModelProcurement})
		must(t, err)
		for i, org := range []string{b, ids[10], ids[11]} {
			st := []samspil.ParticipationState{samspil.ParticipationBinding, samspil.ParticipationPledged, samspil.ParticipationInterested}[i]
			_, err := db.SetParticipation(ctx, testkit.System, x.ID, samspil.ParticipationInput{OrganizationID: org, State: st})
			must(t, err)
		}
		compareBaseline(t, db, samspil.Today(samspil.Now()), ids)

		// Only the system asks; an unknown organisation and a window of the
		// wrong length are refused.
		today := samspil.Today(samspil.Now())
		admin := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		for _, actor := range []*samspil.Actor{admin.Actor, samspil.Anonymous(), nil} {
			_, err := db.BaselinePartners(ctx, actor, a, today, 10)
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, err = db.BaselineWindows(ctx, actor, a, today, 12, 10)
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		}
		_, err = db.BaselinePartners(ctx, testkit.System, "no-such-organisation", today, 10)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.BaselineWindows(ctx, testkit.System, "no-such-organisation", today, 12, 10)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		for _, months := range []int{-1, opportunity.MaxWindowMonths + 1} {
			_, err = db.BaselineWindows(ctx, testkit.System, a, today, months, 10)
			wantField(t, err, samspil.EINVALID, "months")
		}
	})
}

// compareBaseline builds the index from the store's facts and checks, for
// every asker, that the baseline gives the same ten best partners (ids and
// scores to three decimals) and the same windows of kind system (system,
// members with their contracts, first and last decision, day to act by).
// It fails when the comparison would prove nothing: no shared system, no
// joint procurement and no window anywhere.
func compareBaseline(t *testing.T, db *sqldb.DB, today samspil.Date, askers []string) {
	t.Helper()
	facts, err := db.OpportunityFacts(ctx, testkit.System, today)
	must(t, err)
	x := opportunity.Build(facts)
	var shared, joint, windows, members, partnersTerms int
	for _, asker := range askers {
		want, err := x.Partners(asker, opportunity.Query{Today: today, Limit: 10})
		must(t, err)
		got, err := db.BaselinePartners(ctx, testkit.System, asker, today, 10)
		must(t, err)
		if w, g := partnerList(want), partnerList(got); w != g {
			t.Errorf("partners of %s:\nindex    %s\nbaseline %s", asker, w, g)
		}
		for _, s := range want {
			for _, term := range s.Terms {
				switch term.Kind {
				case opportunity.TermSharedSystem, opportunity.TermOtherSystems:
					shared++
				case opportunity.TermJointProcurement:
					joint++
				case opportunity.TermCollaboration, opportunity.TermInitiative:
					partnersTerms++
				}
			}
		}

		all, err := x.ProcurementWindows(asker, opportunity.WindowQuery{Today: today, Limit: 10000})
		must(t, err)
		var wantW []opportunity.Window
		for _, w := range all {
			if w.Kind == opportunity.WindowSystem {
				wantW = append(wantW, w)
			}
		}
		gotW, err := db.BaselineWindows(ctx, testkit.System, asker, today, 0, 10000)
		must(t, err)
		if w, g := windowList(wantW), windowList(gotW); w != g {
			t.Errorf("windows of %s:\nindex    %s\nbaseline %s", asker, w, g)
		}
		windows += len(wantW)
		for _, w := range wantW {
			members += len(w.Members)
		}
	}
	t.Logf("%d askers: %d shared-system terms, %d joint procurement terms, %d track-record terms, %d windows with %d members",
		len(askers), shared, joint, partnersTerms, windows, members)
	if shared == 0 || joint == 0 || windows == 0 || members <= 2*windows {
		t.Fatalf("the comparison proves little: %d shared-system terms, %d joint procurement terms, %d windows with %d members",
			shared, joint, windows, members)
	}
}

// partnerList writes suggestions as "id score" lines, scores to three
// decimals.
func partnerList(ss []opportunity.Suggestion) string {
	var b strings.Builder
	for _, s := range ss {
		fmt.Fprintf(&b, "\n  %s %s %.3f", s.OrgID, s.Name, math.Round(s.Score*1000)/1000)
	}
	return b.String()
}

// windowList writes windows by system: dates and members with their
// contracts and dates, members sorted.
func windowList(ws []opportunity.Window) string {
	lines := make([]string, 0, len(ws))
	for _, w := range ws {
		var ms []string
		for _, m := range w.Members {
			ms = append(ms, fmt.Sprintf("%s/%s %s %s", m.OrgID, m.ContractID, m.NextDecision, m.ActBy))
		}
		slices.Sort(ms)
		lines = append(lines, fmt.Sprintf("\n  %s %s (%s) %s..%s act by %s: %s", w.SystemID, w.SystemName, w.Category, w.From, w.To, w.ActBy,
			strings.Join(ms, ", ")))
	}
	slices.Sort(lines)
	return strings.Join(lines, "")
}
