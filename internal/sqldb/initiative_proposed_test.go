package sqldb_test

import (
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestInitiativeProposedEarlier records a proposal made before samspil
// (as the demo records the projects of 2014): the initiative is in idea
// from that day, so its gates can carry their own days, but not days
// before it; a proposal in the future is refused at its field and changes
// nothing.
func TestInitiativeProposedEarlier(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		on := samspil.NewDate(2016, 2, 3)
		x, err := db.ProposeInitiative(ctx, w.sEditor.Actor, samspil.InitiativeInput{Title: "Fælles selvbetjening", Model: samspil.ModelBusinessDevelopment,
			ProposedOn: &on})
		must(t, err)
		if x.Phase != samspil.PhaseIdea || x.PhaseSince != on {
			t.Fatalf("proposed on %s: %s since %s", on, x.Phase, x.PhaseSince)
		}
		_, err = db.PassGate(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseQualification, On: on.AddDays(-1),
			ApprovedBy: "Direktionen"})
		wantField(t, err, samspil.EINVALID, "on")
		x, err = db.PassGate(ctx, w.sEditor.Actor, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseQualification, On: on.AddDays(91),
			ApprovedBy: "Direktionen"})
		must(t, err)
		if x.PhaseSince != on.AddDays(91) || len(x.Gates) != 1 || x.Gates[0].On != on.AddDays(91) {
			t.Fatalf("the gate of %s: %s since %s, %+v", on.AddDays(91), x.Phase, x.PhaseSince, x.Gates)
		}

		before, err := db.Fingerprint(ctx)
		must(t, err)
		tomorrow := samspil.Today(samspil.Now()).AddDays(1)
		_, err = db.ProposeInitiative(ctx, w.sEditor.Actor, samspil.InitiativeInput{Title: "I morgen", Model: samspil.ModelProcurement, ProposedOn: &tomorrow})
		wantField(t, err, samspil.EINVALID, "proposed_on")
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("a refused proposal changed the database")
		}
	})
}
