package sqldb_test

import (
	"strconv"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// adopt makes the partnership adopt a decision, both members voting for.
func (w *initiativeWorld) adopt(t *testing.T, title string) *samspil.Decision {
	t.Helper()
	d, err := w.db.CreateDecision(ctx, w.sAdmin.Actor, w.collab.ID, samspil.DecisionInput{Title: title, Rule: samspil.RuleMajority,
		DecidedOn: samspil.Today(samspil.Now())})
	must(t, err)
	for _, v := range []struct {
		p   testkit.Person
		org string
	}{{w.sAdmin, testkit.Silkeborg}, {w.vAdmin, testkit.Viborg}} {
		_, err := w.db.CastVote(ctx, v.p.Actor, d.ID, samspil.VoteInput{OrganizationID: v.org, Choice: samspil.VoteFor})
		must(t, err)
	}
	return d
}

// ranking returns the titles of the ranked initiatives with their rank
// and what changed, in order.
func ranking(p *samspil.Prioritisation) []string {
	var out []string
	for _, r := range p.Ranked {
		out = append(out, r.Title+"|"+strconv.Itoa(r.Rank)+"|"+r.Change.String())
	}
	return out
}

func wantRanking(t *testing.T, p *samspil.Prioritisation, want ...string) {
	t.Helper()
	got := ranking(p)
	if len(got) != len(want) {
		t.Fatalf("ranking %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("ranking %q, want %q", got, want)
		}
	}
}

func TestPrioritisation(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		propose := func(title string) *samspil.Initiative {
			x, err := db.ProposeInitiative(ctx, w.sEditor.Actor, samspil.InitiativeInput{Title: title, CollaborationID: w.collab.ID,
				Model: samspil.ModelImplementation, Visibility: samspil.VisibilityPrivate})
			must(t, err)
			return x
		}
		portal, post, robots := propose("Borgerportal"), propose("Digital post"), propose("Robotter i økonomi")

		// Before any scores: the defaults, every initiative unranked.
		p, err := db.Prioritisation(ctx, w.vEditor.Actor, w.collab.ID)
		must(t, err)
		if p.Weights != samspil.DefaultPriorityWeights || p.LastRoundOn != nil || len(p.Dropped) != 0 {
			t.Fatalf("first look %+v", p)
		}
		wantRanking(t, p, "Borgerportal|0|first prioritisation", "Digital post|0|first prioritisation", "Robotter i økonomi|0|first prioritisation")
		_, err = db.Prioritisation(ctx, w.aAdmin.Actor, w.collab.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)

		// Only the collaboration's managers score and weigh.
		_, err = db.ScoreInitiative(ctx, w.vAdmin.Actor, portal.ID, samspil.PriorityScore{Benefit: 5, Urgency: 5, Feasibility: 5, Cost: 1})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.SetPriorityWeights(ctx, w.vAdmin.Actor, w.collab.ID, samspil.PriorityWeights{Benefit: 1})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.ScoreInitiative(ctx, w.aAdmin.Actor, portal.ID, samspil.PriorityScore{Benefit: 5, Urgency: 5, Feasibility: 5, Cost: 1})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.RecordPrioritisation(ctx, w.aAdmin.Actor, w.collab.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		// Bad input names its field and changes nothing.
		_, err = db.ScoreInitiative(ctx, w.sEditor.Actor, portal.ID, samspil.PriorityScore{Benefit: 6, Urgency: 5, Feasibility: 5, Cost: 1})
		wantField(t, err, samspil.EINVALID, "benefit")
		_, err = db.SetPriorityWeights(ctx, w.sEditor.Actor, w.collab.ID, samspil.PriorityWeights{Urgency: 11})
		wantField(t, err, samspil.EINVALID, "urgency")
		_, err = db.SetPriorityWeights(ctx, w.sEditor.Actor, w.collab.ID, samspil.PriorityWeights{})
		wantField(t, err, samspil.EINVALID, "benefit")
		open, err := db.ProposeInitiative(ctx, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Åben GIS", Model: samspil.ModelOpenSourceProduct})
		must(t, err)
		_, err = db.ScoreInitiative(ctx, w.sAdmin.Actor, open.ID, samspil.PriorityScore{Benefit: 5, Urgency: 5, Feasibility: 5, Cost: 1})
		wantField(t, err, samspil.EINVALID, "initiative_id")
		p, err = db.Prioritisation(ctx, w.sEditor.Actor, w.collab.ID)
		must(t, err)
		if p.Weights != samspil.DefaultPriorityWeights || p.Ranked[0].Score != nil {
			t.Fatalf("bad input changed the prioritisation %+v", p)
		}

		// Scored initiatives rank by their weighted score; the unscored last.
		_, err = db.ScoreInitiative(ctx, w.sEditor.Actor, post.ID, samspil.PriorityScore{Benefit: 3, Urgency: 3, Feasibility: 3, Cost: 3})
		must(t, err)
		p, err = db.ScoreInitiative(ctx, w.sEditor.Actor, portal.ID, samspil.PriorityScore{Benefit: 5, Urgency: 4, Feasibility: 3, Cost: 2,
			Note: "Mange henvendelser"})
		must(t, err)
		wantRanking(t, p, "Borgerportal|1|first prioritisation", "Digital post|2|first prioritisation", "Robotter i økonomi|0|first prioritisation")
		if p.Ranked[0].Value != 420 || p.Ranked[0].Score.Note != "Mange henvendelser" || len(p.Ranked[0].Reasons) != 4 {
			t.Fatalf("the first %+v", p.Ranked[0])
		}
		// A round records the ranking; the next shows what changed.
		p, err = db.RecordPrioritisation(ctx, w.sEditor.Actor, w.collab.ID)
		must(t, err)
		if p.LastRoundOn == nil || *p.LastRoundOn != samspil.Today(samspil.Now()) || p.LastRoundBy == "" {
			t.Fatalf("after the round %+v", p)
		}
		wantRanking(t, p, "Borgerportal|1|unchanged", "Digital post|2|unchanged", "Robotter i økonomi|0|not scored yet")
		p, err = db.ScoreInitiative(ctx, w.sEditor.Actor, robots.ID, samspil.PriorityScore{Benefit: 5, Urgency: 5, Feasibility: 4, Cost: 1})
		must(t, err)
		wantRanking(t, p, "Robotter i økonomi|1|new since the last prioritisation", "Borgerportal|2|down 1 from 1", "Digital post|3|down 1 from 2")
		// Rescoring replaces the scores.
		p, err = db.ScoreInitiative(ctx, w.sEditor.Actor, post.ID, samspil.PriorityScore{Benefit: 5, Urgency: 5, Feasibility: 5, Cost: 1})
		must(t, err)
		wantRanking(t, p, "Digital post|1|up 1 from 2", "Robotter i økonomi|2|new since the last prioritisation", "Borgerportal|3|down 2 from 1")

		// Weights count: cost alone puts the cheapest first.
		p, err = db.SetPriorityWeights(ctx, w.sEditor.Actor, w.collab.ID, samspil.PriorityWeights{Cost: 10})
		must(t, err)
		if p.Weights != (samspil.PriorityWeights{Cost: 10}) {
			t.Fatalf("weights %+v", p.Weights)
		}
		wantRanking(t, p, "Digital post|1|up 1 from 2", "Robotter i økonomi|2|new since the last prioritisation", "Borgerportal|3|down 2 from 1")
		if p.Ranked[2].Value != 400 {
			t.Fatalf("Borgerportal under cost alone %+v", p.Ranked[2])
		}
		p, err = db.SetPriorityWeights(ctx, w.sEditor.Actor, w.collab.ID, samspil.PriorityWeights{Benefit: 1, Feasibility: 3})
		must(t, err)
		wantRanking(t, p, "Digital post|1|up 1 from 2", "Robotter i økonomi|2|new since the last prioritisation", "Borgerportal|3|down 2 from 1")
		if p.Ranked[1].Value != 425 || p.Ranked[2].Value != 350 {
			t.Fatalf("values %+v", p.Ranked)
		}

		// A stopped initiative leaves the ranking and shows as dropped; it is
		// scored no more.
		p, err = db.RecordPrioritisation(ctx, w.sEditor.Actor, w.collab.ID)
		must(t, err)
		d := w.adopt(t, "Digital post stoppes")
		post, err = db.FindInitiative(ctx, w.sEditor.Actor, post.ID)
		must(t, err)
		_, err = db.PassGate(ctx, w.sEditor.Actor, post.ID, post.Version, samspil.GateInput{To: samspil.PhaseStopped, DecisionID: d.ID,
			Reason: "Løst nationalt"})
		must(t, err)
		p, err = db.Prioritisation(ctx, w.vEditor.Actor, w.collab.ID)
		must(t, err)
		wantRanking(t, p, "Robotter i økonomi|1|up 1 from 2", "Borgerportal|2|up 1 from 3")
		if len(p.Dropped) != 1 || p.Dropped[0].InitiativeID != post.ID || p.Dropped[0].PreviousRank != 1 || p.Dropped[0].Phase != samspil.PhaseStopped ||
			p.Dropped[0].Change.String() != "stopped since the last prioritisation" {
			t.Fatalf("dropped %+v", p.Dropped)
		}
		_, err = db.ScoreInitiative(ctx, w.sEditor.Actor, post.ID, samspil.PriorityScore{Benefit: 1, Urgency: 1, Feasibility: 1, Cost: 1})
		testkit.ErrCode(t, err, samspil.ECONFLICT)

		// Every change is audited under the collaboration or the initiative.
		if got := auditedActions(t, db, w.collab.ID); !containsAll(got, "prioritisation.weights", "prioritisation.round") {
			t.Fatalf("audit of the collaboration %v", got)
		}
		if got := auditedActions(t, db, portal.ID); !containsAll(got, "initiative.score") {
			t.Fatalf("audit of the initiative %v", got)
		}
	})
}

func containsAll(got []string, want ...string) bool {
	seen := map[string]bool{}
	for _, g := range got {
		seen[g] = true
	}
	for _, w := range want {
		if !seen[w] {
			return false
		}
	}
	return true
}

// TestPrioritisationShowsWhatTheReaderSees: a reader who sees the
// collaboration but not one of its initiatives sees the others in their
// places in the collaboration's ranking.
func TestPrioritisationShowsWhatTheReaderSees(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		net, err := db.CreateCollaboration(ctx, w.aAdmin.Actor, samspil.CollaborationInput{Name: "Østjysk netværk", Kind: samspil.KindNetwork,
			Start: samspil.NewDate(2020, 1, 1), Visibility: samspil.VisibilitySector, OrganizationID: testkit.Aarhus})
		must(t, err)
		propose := func(title string, v samspil.Visibility, s samspil.PriorityScore) *samspil.Initiative {
			x, err := db.ProposeInitiative(ctx, w.aAdmin.Actor, samspil.InitiativeInput{Title: title, CollaborationID: net.ID,
				Model: samspil.ModelKnowledgeSharing, Visibility: v})
			must(t, err)
			_, err = db.ScoreInitiative(ctx, w.aAdmin.Actor, x.ID, s)
			must(t, err)
			return x
		}
		hidden := propose("Intern it-sikkerhed", samspil.VisibilityPrivate, samspil.PriorityScore{Benefit: 5, Urgency: 5, Feasibility: 5, Cost: 1})
		shared := propose("Fælles GIS", samspil.VisibilitySector, samspil.PriorityScore{Benefit: 2, Urgency: 2, Feasibility: 2, Cost: 2})

		p, err := db.Prioritisation(ctx, w.aAdmin.Actor, net.ID)
		must(t, err)
		wantRanking(t, p, "Intern it-sikkerhed|1|first prioritisation", "Fælles GIS|2|first prioritisation")
		p, err = db.Prioritisation(ctx, w.sEditor.Actor, net.ID)
		must(t, err)
		wantRanking(t, p, "Fælles GIS|2|first prioritisation")
		if p.Ranked[0].InitiativeID != shared.ID {
			t.Fatalf("Silkeborg sees %+v", p.Ranked)
		}
		// Silkeborg reads the network's prioritisation but does not change it.
		_, err = db.ScoreInitiative(ctx, w.sAdmin.Actor, shared.ID, samspil.PriorityScore{Benefit: 5, Urgency: 5, Feasibility: 5, Cost: 1})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.ScoreInitiative(ctx, w.sAdmin.Actor, hidden.ID, samspil.PriorityScore{Benefit: 5, Urgency: 5, Feasibility: 5, Cost: 1})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.RecordPrioritisation(ctx, w.sAdmin.Actor, net.ID)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.SetPriorityWeights(ctx, w.sAdmin.Actor, net.ID, samspil.PriorityWeights{Benefit: 1})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
	})
}
