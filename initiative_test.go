package samspil

import (
	"slices"
	"testing"
)

func metAll() []CriterionAnswer {
	var out []CriterionAnswer
	for _, c := range Criteria {
		a := CriterionAnswer{Criterion: c, Met: true, Evidence: "Referat fra it-chefmødet"}
		if c == CriterionNeedConfirmed {
			a.ConfirmedBy = []string{"silkeborg", "viborg"}
		}
		out = append(out, a)
	}
	return out
}

// fields returns the paths of a validation error's fields.
func fields(err error) []string {
	var out []string
	if e, ok := err.(*Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Path)
		}
	}
	return out
}

// TestPhasesInOrder: every open phase leads to the next; closed and
// stopped are final.
func TestPhasesInOrder(t *testing.T) {
	want := []InitiativePhase{PhaseIdea, PhaseQualification, PhaseAnalysis, PhaseExecution, PhaseOperation, PhaseClosed}
	p := PhaseIdea
	for i := 1; i < len(want); i++ {
		next, ok := p.Next()
		if !ok || next != want[i] || p.Final() {
			t.Fatalf("after %s: %s %v", p, next, ok)
		}
		p = next
	}
	for _, f := range []InitiativePhase{PhaseClosed, PhaseStopped} {
		if _, ok := f.Next(); ok || !f.Final() {
			t.Fatalf("%s is not final", f)
		}
	}
}

// TestCheckGate: the gate rules, each problem at its field.
func TestCheckGate(t *testing.T) {
	on := NewDate(2019, 3, 1)
	byDecision := GateInput{To: PhaseAnalysis, On: on, DecisionID: "d1"}
	if err := CheckGate(PhaseQualification, byDecision, true, metAll()); err != nil {
		t.Fatalf("a qualified initiative with a decision: %v", err)
	}
	if err := CheckGate(PhaseQualification, GateInput{To: PhaseAnalysis, On: on, ApprovedBy: "Mette Lund"}, false, metAll()); err != nil {
		t.Fatalf("outside a collaboration, approved by the owner: %v", err)
	}
	if err := CheckGate(PhaseIdea, GateInput{To: PhaseQualification, On: on, DecisionID: "d1"}, true, nil); err != nil {
		t.Fatalf("an idea goes to qualification without criteria: %v", err)
	}
	if err := CheckGate(PhaseExecution, GateInput{To: PhaseStopped, On: on, DecisionID: "d1", Reason: "Viborg trak sig"}, true, nil); err != nil {
		t.Fatalf("stopping with a reason: %v", err)
	}

	// Every must-criterion missing is named, and nothing else.
	err := CheckGate(PhaseQualification, byDecision, true, nil)
	var want []string
	for _, c := range Criteria {
		want = append(want, "criteria."+string(c))
	}
	if ErrorCode(err) != EINVALID || !slices.Equal(fields(err), want) {
		t.Fatalf("no answers: %v", fields(err))
	}
	for _, c := range []struct {
		name   string
		change func([]CriterionAnswer) []CriterionAnswer
		field  string
	}{
		{"not met", func(a []CriterionAnswer) []CriterionAnswer { a[3].Met = false; return a }, "criteria.development_funded"},
		{"no evidence", func(a []CriterionAnswer) []CriterionAnswer { a[1].Evidence = "  "; return a }, "criteria.owner_named"},
		{"need of one organisation", func(a []CriterionAnswer) []CriterionAnswer {
			a[0].ConfirmedBy = []string{"silkeborg", "silkeborg", ""}
			return a
		},
			"criteria.need_confirmed"},
		{"missing answer", func(a []CriterionAnswer) []CriterionAnswer { return a[:6] }, "criteria.strategy_goal"},
	} {
		err := CheckGate(PhaseQualification, byDecision, true, c.change(metAll()))
		if got := fields(err); !slices.Equal(got, []string{c.field}) {
			t.Errorf("%s: %v, want %s", c.name, got, c.field)
		}
	}
	for _, c := range []struct {
		name     string
		from     InitiativePhase
		in       GateInput
		inCollab bool
		field    string
	}{
		{"skipping a phase", PhaseIdea, GateInput{To: PhaseAnalysis, On: on, DecisionID: "d1"}, true, "to"},
		{"going back", PhaseExecution, GateInput{To: PhaseAnalysis, On: on, DecisionID: "d1"}, true, "to"},
		{"after the end", PhaseClosed, GateInput{To: PhaseStopped, On: on, DecisionID: "d1", Reason: "x"}, true, "to"},
		{"unknown phase", PhaseIdea, GateInput{To: "pilot", On: on, DecisionID: "d1"}, true, "to"},
		{"stop without a reason", PhaseAnalysis, GateInput{To: PhaseStopped, On: on, DecisionID: "d1"}, true, "reason"},
		{"no day", PhaseAnalysis, GateInput{To: PhaseExecution, DecisionID: "d1"}, true, "on"},
		{"no decision in a collaboration", PhaseAnalysis, GateInput{To: PhaseExecution, On: on, ApprovedBy: "Mette"}, true, "decision_id"},
		{"no approval outside", PhaseAnalysis, GateInput{To: PhaseExecution, On: on, DecisionID: "d1"}, false, "approved_by"},
	} {
		err := CheckGate(c.from, c.in, c.inCollab, metAll())
		if got := fields(err); !slices.Equal(got, []string{c.field}) {
			t.Errorf("%s: %v, want %s", c.name, got, c.field)
		}
	}
}
