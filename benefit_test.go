package samspil

import (
	"slices"
	"strings"
	"testing"
)

// calculatorParticipants are Silkeborg, Viborg and a small municipality
// taking part, with their fixed percentages, and one only interested.
func calculatorParticipants() ([]Participation, []FixedShare) {
	return []Participation{
			{OrganizationID: "silkeborg", OrganizationName: "Silkeborg Kommune", State: ParticipationBinding, Population: 97000},
			{OrganizationID: "aarhus", OrganizationName: "Aarhus Kommune", State: ParticipationInterested, Population: 370000},
			{OrganizationID: "viborg", OrganizationName: "Viborg Kommune", State: ParticipationVoluntary, Population: 97800},
			{OrganizationID: "samso", OrganizationName: "Samsø Kommune", State: ParticipationPledged, Population: 3700},
		}, []FixedShare{{OrganizationID: "silkeborg", BasisPoints: 4500}, {OrganizationID: "viborg", BasisPoints: 4500},
			{OrganizationID: "samso", BasisPoints: 1000}}
}

// TestCostShares: the organisations that take part share the costs
// (not one only interested); under every key that splits, the shares sum
// exactly to the budget (the staircase to its price per participant); a
// key that cannot split says why and hides none of the others.
func TestCostShares(t *testing.T) {
	parts, fixed := calculatorParticipants()
	x := &Initiative{ID: "i", Cost: CostSettings{Key: CostPerCapita, PopulationYear: 2025, FixedShares: fixed,
		Staircase: []StairStep{{From: 1, Price: 400_000_00}, {From: 3, Price: 250_000_00}}},
		Participations: parts, Budget: BudgetSummary{Development: 1_000_000_01, Operation: 99_999_99}}
	cs := x.CostShares()
	if len(cs.Participants) != 3 || cs.Participants[1].OrganizationID != "viborg" || cs.Participants[2].BasisPoints != 1000 {
		t.Fatalf("participants %+v", cs.Participants)
	}
	if cs.InitiativeID != "i" || cs.Chosen != CostPerCapita || cs.PopulationYear != 2025 || cs.Development != 1_000_000_01 || cs.Operation != 99_999_99 {
		t.Fatalf("calculator %+v", cs)
	}
	if len(cs.Keys) != len(CostKeys) {
		t.Fatalf("%d keys", len(cs.Keys))
	}
	for i, k := range cs.Keys {
		if k.Key != CostKeys[i] {
			t.Fatalf("key %d is %s, want %s", i, k.Key, CostKeys[i])
		}
		if k.Problem != "" {
			t.Fatalf("key %s: %s", k.Key, k.Problem)
		}
		if len(k.Development) != 3 || len(k.Operation) != 3 {
			t.Fatalf("key %s: shares %v %v", k.Key, k.Development, k.Operation)
		}
		dev, op := sumOf(k.Development), sumOf(k.Operation)
		if dev != k.DevelopmentTotal || op != k.OperationTotal {
			t.Fatalf("key %s: sums %v %v, totals %v %v", k.Key, dev, op, k.DevelopmentTotal, k.OperationTotal)
		}
		switch {
		case k.Key == CostStaircase:
			if k.Development[0] != 250_000_00 || dev != 750_000_00 || op != 750_000_00 {
				t.Fatalf("staircase %+v", k)
			}
		case dev != cs.Development || op != cs.Operation:
			t.Fatalf("key %s: shares sum to %v and %v, the budget is %v and %v", k.Key, dev, op, cs.Development, cs.Operation)
		}
	}
	if eq := keyOf(cs, CostEqual); eq.Development[0] != 333_333_34 || eq.Development[2] != 333_333_33 {
		t.Fatalf("equal %v", eq.Development)
	}
	if pc := keyOf(cs, CostPerCapita); !(pc.Development[1] > pc.Development[0] && pc.Development[0] > pc.Development[2]) {
		t.Fatalf("per capita %v", pc.Development)
	}

	// Percentages summing to 90 %: that key says so at "percentages"; the
	// others still split. Without staircase steps, the staircase says so.
	x.Cost.FixedShares = fixed[:2]
	x.Cost.Staircase = nil
	cs = x.CostShares()
	for _, k := range cs.Keys {
		switch k.Key {
		case CostFixedPercentages:
			if k.Problem == "" || k.Development != nil || !slices.Contains(fields(k.Err), "percentages") ||
				!strings.Contains(k.Problem, "percentages: must sum to 100 % (10000 basis points), not 9000") {
				t.Fatalf("fixed percentages %+v", k)
			}
		case CostStaircase:
			if !slices.Contains(fields(k.Err), "staircase") {
				t.Fatalf("staircase without steps %+v", k)
			}
		default:
			if k.Problem != "" || sumOf(k.Development) != cs.Development || sumOf(k.Operation) != cs.Operation {
				t.Fatalf("key %s with another key's problem: %+v", k.Key, k)
			}
		}
	}

	// Without participants every key says so; nothing panics.
	x.Participations, x.Budget = nil, BudgetSummary{}
	cs = x.CostShares()
	if cs.Participants == nil || len(cs.Participants) != 0 || cs.Development != 0 {
		t.Fatalf("without participants %+v", cs)
	}
	for _, k := range cs.Keys {
		if !slices.Contains(fields(k.Err), "participants") {
			t.Fatalf("key %s without participants: %+v", k.Key, k)
		}
	}
}

func keyOf(cs *CostShares, key CostKey) KeyShares {
	for _, k := range cs.Keys {
		if k.Key == key {
			return k
		}
	}
	return KeyShares{}
}

// TestBudgetLineInput: a negative amount, an unknown kind and an empty
// title name their fields.
func TestBudgetLineInput(t *testing.T) {
	in := BudgetLineInput{Kind: BudgetDevelopment, Title: "  Udvikling ", Amount: 0, Year: 2027, Description: " Fase 1 "}
	if err := in.Validate(); err != nil || in.Title != "Udvikling" || in.Description != "Fase 1" {
		t.Fatalf("%+v: %v", in, err)
	}
	for _, c := range []struct {
		in    BudgetLineInput
		field string
	}{
		{BudgetLineInput{Kind: BudgetDevelopment, Title: "X", Amount: -1}, "amount"},
		{BudgetLineInput{Kind: "capex", Title: "X"}, "kind"},
		{BudgetLineInput{Kind: BudgetOperation, Title: " "}, "title"},
		{BudgetLineInput{Kind: BudgetOperation, Title: "X", Year: 99}, "year"},
	} {
		err := c.in.Validate()
		if ErrorCode(err) != EINVALID || !slices.Contains(fields(err), c.field) {
			t.Errorf("%+v: %v, want %s", c.in, err, c.field)
		}
	}
}

// TestLessonInputNormalisesTags: tags trimmed, in lower case, sorted and
// each once; an empty tag dropped; too long or too many named.
func TestLessonInputNormalisesTags(t *testing.T) {
	today := NewDate(2026, 3, 1)
	in := LessonInput{InitiativeID: "i", OrganizationID: "o", Title: " Kan og skal ", WhatDidNot: "Frivillighed bar ikke",
		Tags: []string{" Organisation", "kan-skal", "ORGANISATION ", "", "  ", "Ambition"}}
	if err := in.Validate(today); err != nil {
		t.Fatal(err)
	}
	if want := []string{"ambition", "kan-skal", "organisation"}; !slices.Equal(in.Tags, want) || in.Title != "Kan og skal" {
		t.Fatalf("tags %q, title %q", in.Tags, in.Title)
	}
	in = LessonInput{CollaborationID: "c", OrganizationID: "o", Title: "X", WhatWorked: "Y"}
	if err := in.Validate(today); err != nil || in.Tags != nil {
		t.Fatalf("no tags: %v %v", in.Tags, err)
	}
	tomorrow := today.AddDays(1)
	for _, c := range []struct {
		in    LessonInput
		field string
	}{
		{LessonInput{CollaborationID: "c", OrganizationID: "o", Title: "X", WhatWorked: "Y", Tags: []string{"ok", strings.Repeat("æ", 51)}}, "tags[1]"},
		{LessonInput{CollaborationID: "c", OrganizationID: "o", Title: "X", WhatWorked: "Y", Tags: make([]string, 21)}, "tags"},
		{LessonInput{OrganizationID: "o", Title: "X", WhatWorked: "Y"}, "initiative_id"},
		{LessonInput{CollaborationID: "c", OrganizationID: "o", Title: " ", WhatWorked: "Y"}, "title"},
		{LessonInput{CollaborationID: "c", OrganizationID: "o", Title: "X"}, "what_worked"},
		{LessonInput{CollaborationID: "c", OrganizationID: "o", Title: "X", WhatWorked: "Y", On: &tomorrow}, "on"},
	} {
		err := c.in.Validate(today)
		if ErrorCode(err) != EINVALID || !slices.Contains(fields(err), c.field) {
			t.Errorf("%+v: %v, want %s", c.in, err, c.field)
		}
	}
}
