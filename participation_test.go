package samspil

import (
	"slices"
	"testing"
)

// TestParticipationMoves: nobody moves to the state it is in; an
// organisation without a participation is invited or joins on its own
// (never declined or withdrawn); only those who take part withdraw, only
// the asked decline; a pledge becomes binding; who is out may come back.
func TestParticipationMoves(t *testing.T) {
	for _, from := range append([]ParticipationState{""}, ParticipationStates...) {
		if CanMove(from, from) {
			t.Errorf("%q may move to itself", from)
		}
		for _, to := range ParticipationStates {
			err := CheckParticipationMove(from, to)
			if (err == nil) != CanMove(from, to) {
				t.Errorf("%q → %q: CheckParticipationMove %v, CanMove %v", from, to, err, CanMove(from, to))
			}
			if to == ParticipationWithdrawn && CanMove(from, to) && !from.Participates() && from != ParticipationInterested {
				t.Errorf("%q may withdraw without taking part", from)
			}
			if to == ParticipationDeclined && CanMove(from, to) && from != ParticipationInvited && from != ParticipationInterested {
				t.Errorf("%q may decline", from)
			}
		}
	}
	for _, tc := range []struct {
		from, to ParticipationState
		ok       bool
	}{
		{"", ParticipationInvited, true}, {"", ParticipationBinding, true}, {"", ParticipationDeclined, false}, {"", ParticipationWithdrawn, false},
		{ParticipationPledged, ParticipationBinding, true}, {ParticipationBinding, ParticipationVoluntary, true},
		{ParticipationBinding, ParticipationInvited, false}, {ParticipationWithdrawn, ParticipationVoluntary, true},
		{ParticipationInvited, ParticipationWithdrawn, false},
	} {
		if CanMove(tc.from, tc.to) != tc.ok {
			t.Errorf("%q → %q: want %v", tc.from, tc.to, tc.ok)
		}
	}
	if !ParticipationPledged.Participates() || ParticipationInterested.Participates() || !ParticipationDeclined.Out() {
		t.Error("Participates or Out is wrong")
	}
}

// TestMaySetParticipation: an organisation's participation is its own:
// its editors may show interest, only its administrators commit, decline
// or withdraw; only those who keep the initiative invite; another
// organisation's people may do none of it.
func TestMaySetParticipation(t *testing.T) {
	admin := &Actor{Kind: ActorUser, UserID: "a", Roles: map[string]Role{"viborg": RoleAdmin}}
	editor := &Actor{Kind: ActorUser, UserID: "e", Roles: map[string]Role{"viborg": RoleEditor}}
	viewer := &Actor{Kind: ActorUser, UserID: "v", Roles: map[string]Role{"viborg": RoleViewer}}
	operator := &Actor{Kind: ActorUser, UserID: "o", Operator: true}
	for _, tc := range []struct {
		who     *Actor
		org     string
		to      ParticipationState
		manages bool
		ok      bool
	}{
		{admin, "viborg", ParticipationBinding, false, true},
		{admin, "viborg", ParticipationWithdrawn, false, true},
		{admin, "silkeborg", ParticipationBinding, false, false},
		{admin, "silkeborg", ParticipationBinding, true, false}, // keeping the initiative does not commit others
		{admin, "silkeborg", ParticipationInvited, true, true},
		{admin, "silkeborg", ParticipationInvited, false, false},
		{editor, "viborg", ParticipationInterested, false, true},
		{editor, "viborg", ParticipationVoluntary, false, false},
		{editor, "viborg", ParticipationDeclined, false, false},
		{viewer, "viborg", ParticipationInterested, false, false},
		{operator, "viborg", ParticipationBinding, false, false}, // operators act for an organisation only through a role of their own
	} {
		if got := tc.who.MaySetParticipation(tc.org, tc.to, tc.manages); got != tc.ok {
			t.Errorf("%s for %s to %s (manages %v): %v, want %v", tc.who.UserID, tc.org, tc.to, tc.manages, got, tc.ok)
		}
		err := tc.who.RequireSetParticipation(tc.org, tc.org, tc.to, tc.manages)
		if (err == nil) != tc.ok || (err != nil && ErrorCode(err) != EFORBIDDEN) {
			t.Errorf("%s for %s to %s: Require says %v", tc.who.UserID, tc.org, tc.to, err)
		}
	}
}

// TestParticipationInput: a refusal and a withdrawal need a reason, a day
// ahead is refused, pledged resources need a competence and sensible hours.
func TestParticipationInput(t *testing.T) {
	today := NewDate(2026, 12, 6)
	tomorrow := today.AddDays(1)
	for _, tc := range []struct {
		in   ParticipationInput
		want []string
	}{
		{ParticipationInput{OrganizationID: "x", State: ParticipationDeclined}, []string{"reason"}},
		{ParticipationInput{OrganizationID: "x", State: ParticipationWithdrawn, Reason: "  "}, []string{"reason"}},
		{ParticipationInput{OrganizationID: "x", State: "maybe"}, []string{"state"}},
		{ParticipationInput{State: ParticipationBinding, On: &tomorrow}, []string{"organization_id", "on"}},
		{ParticipationInput{OrganizationID: "x", State: ParticipationPledged, Resources: &[]ResourcePledge{{Competence: "", HoursPerMonth: 0}}},
			[]string{"resources[0].competence", "resources[0].hours_per_month"}},
		{ParticipationInput{OrganizationID: "x", State: ParticipationPledged, Resources: &[]ResourcePledge{{Competence: "GIS-udvikler", HoursPerMonth: 20}}}, nil},
	} {
		got := fields(tc.in.Validate(today))
		for _, f := range tc.want {
			if !slices.Contains(got, f) {
				t.Errorf("%+v: want field %s, got %v", tc.in, f, got)
			}
		}
		if tc.want == nil && got != nil {
			t.Errorf("%+v: unexpected %v", tc.in, got)
		}
	}
}

// TestCriteriaInput: the need is confirmed by the organisations
// themselves, not answered by the managers; a criterion said to be met
// needs its evidence; unknown and repeated criteria are refused.
func TestCriteriaInput(t *testing.T) {
	in := CriteriaInput{Answers: []CriterionAnswer{
		{Criterion: CriterionNeedConfirmed, Met: true, Evidence: "vi siger det"},
		{Criterion: CriterionOwnerNamed, Met: true},
		{Criterion: CriterionStrategyGoal, Met: true, Evidence: "Mål 2"}, {Criterion: CriterionStrategyGoal, Met: false},
		{Criterion: "fun"},
	}}
	got := fields(in.Validate())
	for _, f := range []string{"criteria.need_confirmed", "criteria.owner_named", "answers[3].criterion", "answers[4].criterion"} {
		if !slices.Contains(got, f) {
			t.Errorf("want %s in %v", f, got)
		}
	}
	a := NeedAnswer([]NeedConfirmation{{OrganizationID: "s", OrganizationName: "Silkeborg", Evidence: "A"}})
	if a.Met {
		t.Error("one confirmation meets the need")
	}
	a = NeedAnswer([]NeedConfirmation{{OrganizationID: "s", Evidence: "A"}, {OrganizationID: "v", Evidence: "B"}})
	if !a.Met || len(a.ConfirmedBy) != 2 {
		t.Errorf("two confirmations: %+v", a)
	}
}

// TestCostSettingsValidate names each bad setting under cost.
func TestCostSettingsValidate(t *testing.T) {
	c := CostSettings{Key: "by-mood", PopulationYear: 20, DegressiveNumerator: 3, DegressiveDenominator: 2,
		SizeClasses: []SizeClass{{UpTo: 100, Price: 1}, {UpTo: 50, Price: 2}}, Staircase: []StairStep{{From: 2, Price: 10}},
		FixedShares: []FixedShare{{OrganizationID: "a", BasisPoints: 12000}, {OrganizationID: "a", BasisPoints: 10}}}
	got := fields(c.Validate())
	for _, f := range []string{"cost.key", "cost.population_year", "cost.degressive_numerator", "cost.size_classes[1].up_to",
		"cost.staircase[0].from", "cost.fixed_shares[0].basis_points", "cost.fixed_shares[1].organization_id"} {
		if !slices.Contains(got, f) {
			t.Errorf("want %s in %v", f, got)
		}
	}
	ok := CostSettings{Key: CostSizeClasses}
	if err := ok.Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestWhoPlansBenefitsAndDrawsLessons: the owner and those who take part
// plan benefits; the owner and everyone who has answered (also by saying
// no or leaving) draw lessons; an invitation alone gives neither.
func TestWhoPlansBenefitsAndDrawsLessons(t *testing.T) {
	x := &Initiative{OwnerID: "s", Participations: []Participation{{OrganizationID: "v", State: ParticipationBinding},
		{OrganizationID: "a", State: ParticipationInvited}, {OrganizationID: "h", State: ParticipationDeclined},
		{OrganizationID: "f", State: ParticipationInterested}}}
	for org, want := range map[string][2]bool{"s": {true, true}, "v": {true, true}, "a": {false, false}, "h": {false, true},
		"f": {false, true}, "x": {false, false}} {
		if got := [2]bool{x.TakesPart(org), x.HasTakenPart(org)}; got != want {
			t.Errorf("%s: TakesPart, HasTakenPart = %v, want %v", org, got, want)
		}
	}
	c := &Collaboration{Members: []Member{{OrganizationID: "v", Since: NewDate(2014, 1, 1), Until: ptrDate(NewDate(2018, 11, 1))},
		{OrganizationID: "a", Since: NewDate(2027, 1, 1)}}}
	today := NewDate(2026, 12, 6)
	if !c.HasBeenMember("v", today) || c.HasBeenMember("a", today) || c.HasBeenMember("s", today) {
		t.Error("HasBeenMember: a former member has been one, a future member not yet, a stranger never")
	}
}

func ptrDate(d Date) *Date { return &d }
