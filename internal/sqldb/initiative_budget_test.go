package sqldb_test

import (
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// participate records an organisation's own stand in an initiative, by p.
func (w *initiativeWorld) participate(t *testing.T, p testkit.Person, x *samspil.Initiative, org string, state samspil.ParticipationState) {
	t.Helper()
	_, err := w.db.SetParticipation(ctx, p.Actor, x.ID, samspil.ParticipationInput{OrganizationID: org, State: state})
	must(t, err)
}

// auditedActions lists the actions of the audit events about an object.
func auditedActions(t *testing.T, db *sqldb.DB, objectID string) []string {
	t.Helper()
	page, err := db.ListAuditEvents(ctx, testkit.System, samspil.AuditFilter{ObjectID: objectID})
	must(t, err)
	var out []string
	for _, e := range page.Items {
		out = append(out, e.Action)
	}
	return out
}

func dkk(kroner int64) samspil.DKK { return samspil.DKK(kroner * 100) }

func TestInitiativeBudgetLines(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		x := w.propose(t, samspil.VisibilityPrivate)
		op, err := db.AddBudgetLine(ctx, w.sEditor.Actor, x.ID, samspil.BudgetLineInput{Kind: samspil.BudgetOperation, Title: " Drift og support ",
			Amount: dkk(120000) + 1, Year: 2027})
		must(t, err)
		dev, err := db.AddBudgetLine(ctx, w.sEditor.Actor, x.ID, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Udvikling",
			Amount: dkk(1000000), Year: 2026})
		must(t, err)
		if op.Title != "Drift og support" || op.Version != 1 || op.Amount != dkk(120000)+1 {
			t.Fatalf("added %+v", op)
		}
		// A member of the collaboration reads the budget: development first.
		lines, err := db.ListBudgetLines(ctx, w.vEditor.Actor, x.ID)
		must(t, err)
		if len(lines) != 2 || lines[0].ID != dev.ID || lines[1].ID != op.ID {
			t.Fatalf("lines %+v", lines)
		}

		// Aarhus, an outsider, sees no budget of the private initiative, nor
		// any of its lines.
		_, err = db.ListBudgetLines(ctx, w.aAdmin.Actor, x.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.AddBudgetLine(ctx, w.aAdmin.Actor, x.ID, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "X", Amount: 1})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.UpdateBudgetLine(ctx, w.aAdmin.Actor, dev.ID, dev.Version, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "X"})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		if samspil.ErrorMessage(err) != "budget line not found" {
			t.Fatalf("an invisible line answers %q", samspil.ErrorMessage(err))
		}
		testkit.ErrCode(t, db.DeleteBudgetLine(ctx, w.aAdmin.Actor, dev.ID, dev.Version), samspil.ENOTFOUND)
		// Viborg sees the initiative but does not keep it.
		_, err = db.AddBudgetLine(ctx, w.vAdmin.Actor, x.ID, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "X", Amount: 1})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		testkit.ErrCode(t, db.DeleteBudgetLine(ctx, w.vAdmin.Actor, dev.ID, dev.Version), samspil.EFORBIDDEN)

		// Bad input names its field and changes nothing.
		for field, in := range map[string]samspil.BudgetLineInput{
			"amount": {Kind: samspil.BudgetDevelopment, Title: "Licenser", Amount: -1},
			"kind":   {Kind: "yearly", Title: "Licenser", Amount: 1},
			"title":  {Kind: samspil.BudgetDevelopment, Title: "  ", Amount: 1},
			"year":   {Kind: samspil.BudgetDevelopment, Title: "Licenser", Amount: 1, Year: 27},
		} {
			_, err := db.AddBudgetLine(ctx, w.sEditor.Actor, x.ID, in)
			wantField(t, err, samspil.EINVALID, field)
			_, err = db.UpdateBudgetLine(ctx, w.sEditor.Actor, dev.ID, dev.Version, in)
			wantField(t, err, samspil.EINVALID, field)
		}
		lines, err = db.ListBudgetLines(ctx, w.sEditor.Actor, x.ID)
		must(t, err)
		if len(lines) != 2 || lines[0].Amount != dkk(1000000) || lines[0].Version != 1 {
			t.Fatalf("bad input changed the budget: %+v", lines)
		}

		// Changes carry the version.
		up, err := db.UpdateBudgetLine(ctx, w.sEditor.Actor, dev.ID, dev.Version, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment,
			Title: "Udvikling og test", Amount: dkk(1200000), Year: 2026})
		must(t, err)
		if up.Version != 2 || up.Amount != dkk(1200000) || up.Title != "Udvikling og test" {
			t.Fatalf("updated %+v", up)
		}
		_, err = db.UpdateBudgetLine(ctx, w.sEditor.Actor, dev.ID, dev.Version, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Y"})
		testkit.ErrCode(t, err, samspil.ESTALE)
		testkit.ErrCode(t, db.DeleteBudgetLine(ctx, w.sEditor.Actor, dev.ID, dev.Version), samspil.ESTALE)
		must(t, db.DeleteBudgetLine(ctx, w.sEditor.Actor, up.ID, up.Version))
		testkit.ErrCode(t, db.DeleteBudgetLine(ctx, w.sEditor.Actor, up.ID, up.Version), samspil.ENOTFOUND)
		lines, err = db.ListBudgetLines(ctx, w.sEditor.Actor, x.ID)
		must(t, err)
		if len(lines) != 1 || lines[0].ID != op.ID {
			t.Fatalf("after the delete %+v", lines)
		}
		if got := auditedActions(t, db, dev.ID); len(got) != 3 {
			t.Fatalf("audit of the line %v", got)
		}

		// A stopped initiative keeps its budget as it was.
		open, err := db.ProposeInitiative(ctx, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Åben GIS", Model: samspil.ModelOpenSourceProduct})
		must(t, err)
		line, err := db.AddBudgetLine(ctx, w.sAdmin.Actor, open.ID, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Kort", Amount: 1})
		must(t, err)
		_, err = db.PassGate(ctx, w.sAdmin.Actor, open.ID, open.Version, samspil.GateInput{To: samspil.PhaseStopped, ApprovedBy: "Direktionen",
			Reason: "Et fælles produkt findes"})
		must(t, err)
		_, err = db.AddBudgetLine(ctx, w.sAdmin.Actor, open.ID, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Kort", Amount: 1})
		testkit.ErrCode(t, err, samspil.ECONFLICT)
		_, err = db.UpdateBudgetLine(ctx, w.sAdmin.Actor, line.ID, line.Version, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Kort", Amount: 2})
		testkit.ErrCode(t, err, samspil.ECONFLICT)
		testkit.ErrCode(t, db.DeleteBudgetLine(ctx, w.sAdmin.Actor, line.ID, line.Version), samspil.ECONFLICT)
	})
}

func TestInitiativeCostShares(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		x := w.propose(t, samspil.VisibilityPrivate)
		for _, in := range []samspil.BudgetLineInput{
			{Kind: samspil.BudgetDevelopment, Title: "Udvikling", Amount: dkk(1000000)},
			{Kind: samspil.BudgetDevelopment, Title: "Test", Amount: dkk(1000) + 1},
			{Kind: samspil.BudgetOperation, Title: "Drift", Amount: dkk(100000) + 1},
		} {
			_, err := db.AddBudgetLine(ctx, w.sEditor.Actor, x.ID, in)
			must(t, err)
		}
		// Percentages that sum to 90 % and a staircase that falls from the
		// third participant.
		cost := samspil.CostSettings{Key: samspil.CostFixedPercentages,
			FixedShares: []samspil.FixedShare{{OrganizationID: w.silkeborg.ID, BasisPoints: 6000}, {OrganizationID: w.viborg.ID, BasisPoints: 3000}},
			Staircase:   []samspil.StairStep{{From: 1, Price: dkk(500000)}, {From: 3, Price: dkk(300000)}}}
		x, err := db.UpdateInitiative(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.InitiativePatch{Cost: &cost})
		must(t, err)
		w.participate(t, w.sAdmin, x, testkit.Silkeborg, samspil.ParticipationBinding)
		w.participate(t, w.vAdmin, x, testkit.Viborg, samspil.ParticipationVoluntary)
		w.participate(t, w.sEditor, x, testkit.Aarhus, samspil.ParticipationInvited) // invited: not a participant yet

		_, err = db.CostShares(ctx, w.aAdmin.Actor, "no-such-initiative")
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		cs, err := db.CostShares(ctx, w.vEditor.Actor, x.ID)
		must(t, err)
		if cs.Chosen != samspil.CostFixedPercentages || cs.Development != dkk(1001000)+1 || cs.Operation != dkk(100000)+1 {
			t.Fatalf("calculator %+v", cs)
		}
		if len(cs.Participants) != 2 || cs.Participants[0].OrganizationID != w.silkeborg.ID || cs.Participants[1].OrganizationID != w.viborg.ID ||
			cs.Participants[0].State != samspil.ParticipationBinding || cs.Participants[1].BasisPoints != 3000 ||
			cs.Participants[0].Population == 0 || cs.Participants[1].Population == 0 {
			t.Fatalf("participants %+v", cs.Participants)
		}
		checkShares(t, cs)
		fixed := keyShares(t, cs, samspil.CostFixedPercentages)
		if fixed.Problem == "" || fixed.Development != nil {
			t.Fatalf("percentages summing to 90 split: %+v", fixed)
		}
		wantField(t, fixed.Err, samspil.EINVALID, "percentages")
		if eq := keyShares(t, cs, samspil.CostEqual); eq.Development[0] != dkk(500500)+1 || eq.Development[1] != dkk(500500) {
			t.Fatalf("equal split of two %+v", eq.Development)
		}
		if st := keyShares(t, cs, samspil.CostStaircase); st.Development[0] != dkk(500000) || st.DevelopmentTotal != dkk(1000000) {
			t.Fatalf("staircase of two %+v", st)
		}

		// Aarhus joins: the equal split is among three, the staircase price
		// falls, and with percentages summing to 100 that key splits too.
		w.participate(t, w.aAdmin, x, testkit.Aarhus, samspil.ParticipationBinding)
		x, err = db.FindInitiative(ctx, w.sEditor.Actor, x.ID)
		must(t, err)
		cost.FixedShares = append(cost.FixedShares, samspil.FixedShare{OrganizationID: w.aar.ID, BasisPoints: 1000})
		_, err = db.UpdateInitiative(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.InitiativePatch{Cost: &cost})
		must(t, err)
		cs, err = db.CostShares(ctx, w.aAdmin.Actor, x.ID)
		must(t, err)
		if len(cs.Participants) != 3 || cs.Participants[0].OrganizationID != w.aar.ID {
			t.Fatalf("participants after Aarhus joined %+v", cs.Participants)
		}
		checkShares(t, cs)
		for _, k := range cs.Keys {
			if k.Problem != "" {
				t.Fatalf("key %s: %s", k.Key, k.Problem)
			}
		}
		eq := keyShares(t, cs, samspil.CostEqual)
		if eq.Development[0] != 33366667 || eq.Development[1] != 33366667 || eq.Development[2] != 33366667 {
			t.Fatalf("equal split of three %+v", eq.Development)
		}
		if st := keyShares(t, cs, samspil.CostStaircase); st.Development[2] != dkk(300000) || st.OperationTotal != dkk(900000) {
			t.Fatalf("staircase of three %+v", st)
		}
		if f := keyShares(t, cs, samspil.CostFixedPercentages); f.Development[0] != 10010000 || f.Development[1] != 60060001 {
			t.Fatalf("fixed percentages %+v", f.Development)
		}

		// A participant that withdraws no longer shares the costs.
		_, err = db.SetParticipation(ctx, w.vAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Viborg,
			State: samspil.ParticipationWithdrawn, Reason: "Andre prioriteter"})
		must(t, err)
		cs, err = db.CostShares(ctx, w.sEditor.Actor, x.ID)
		must(t, err)
		if len(cs.Participants) != 2 || keyShares(t, cs, samspil.CostEqual).Development[0] != dkk(500500)+1 {
			t.Fatalf("after Viborg withdrew %+v", cs)
		}

		// The outsider sees no cost shares of a private initiative.
		y := w.propose(t, samspil.VisibilityPrivate)
		_, err = db.CostShares(ctx, w.aAdmin.Actor, y.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}

// keyShares returns the split under one key.
func keyShares(t *testing.T, cs *samspil.CostShares, key samspil.CostKey) samspil.KeyShares {
	t.Helper()
	for _, k := range cs.Keys {
		if k.Key == key {
			return k
		}
	}
	t.Fatalf("no key %s in %+v", key, cs.Keys)
	return samspil.KeyShares{}
}

// checkShares checks that every key that splits gives one share per
// participant, never negative, summing exactly to the budget (under the
// staircase, to the price times the participants).
func checkShares(t *testing.T, cs *samspil.CostShares) {
	t.Helper()
	if len(cs.Keys) != len(samspil.CostKeys) {
		t.Fatalf("%d keys, want %d", len(cs.Keys), len(samspil.CostKeys))
	}
	for _, k := range cs.Keys {
		if k.Problem != "" {
			continue
		}
		if len(k.Development) != len(cs.Participants) || len(k.Operation) != len(cs.Participants) {
			t.Fatalf("key %s: %d shares for %d participants", k.Key, len(k.Development), len(cs.Participants))
		}
		var dev, op samspil.DKK
		for i := range k.Development {
			if k.Development[i] < 0 || k.Operation[i] < 0 {
				t.Fatalf("key %s: negative share %+v", k.Key, k)
			}
			dev += k.Development[i]
			op += k.Operation[i]
		}
		if dev != k.DevelopmentTotal || op != k.OperationTotal {
			t.Fatalf("key %s: shares sum to %v and %v, totals say %v and %v", k.Key, dev, op, k.DevelopmentTotal, k.OperationTotal)
		}
		if k.Key != samspil.CostStaircase && (dev != cs.Development || op != cs.Operation) {
			t.Fatalf("key %s: shares sum to %v and %v, the budget is %v and %v", k.Key, dev, op, cs.Development, cs.Operation)
		}
	}
}
