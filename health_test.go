package samspil

import (
	"slices"
	"testing"
)

func d(s string) Date {
	x, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func dp(s string) *Date { x := d(s); return &x }

// healthStory is a small history whose indicators are computed by hand in
// TestComputeHealth.
func healthStory() *HealthFacts {
	c := Collaboration{ID: "c", Name: "Samarbejdet", Start: d("2020-01-01"), Members: []Member{
		{OrganizationID: "b", OrganizationName: "Beta", Commitment: CommitmentVoluntary, Since: d("2020-01-01")},
		{OrganizationID: "a", OrganizationName: "Alfa", Commitment: CommitmentBinding, Since: d("2020-01-01")},
	}}
	att := func(a, b AttendanceStatus) []Attendance {
		return []Attendance{{UserID: "ua", OrganizationID: "a", Status: a}, {UserID: "ub", OrganizationID: "b", Status: b}}
	}
	ev := func(state ParticipationState, on string) ParticipationEvent {
		return ParticipationEvent{State: state, On: d(on)}
	}
	gates := func(operation string) []Gate {
		return []Gate{{From: PhaseIdea, To: PhaseQualification, On: d("2020-02-10")},
			{From: PhaseQualification, To: PhaseAnalysis, On: d("2020-02-20")},
			{From: PhaseAnalysis, To: PhaseExecution, On: d("2020-03-01")},
			{From: PhaseExecution, To: PhaseOperation, On: d(operation)}}
	}
	money := func(kr int64) DKK { return DKK(kr * 100) }
	return &HealthFacts{
		Collaboration: c,
		// b's membership became voluntary after the day of the tests.
		MemberEvents: []MemberEvent{{OrganizationID: "b", Kind: MemberCommitment, On: d("2021-06-01"),
			From: string(CommitmentBinding), To: string(CommitmentVoluntary)}},
		Forums: []Forum{{ID: "f", Name: "Styregruppen", Level: ForumSteeringGroup}},
		Meetings: []HealthMeeting{
			{ForumID: "f", On: d("2020-03-01"), Planned: true, Status: MeetingHeld, Attendance: att(AttendancePresent, AttendancePresent)},
			{ForumID: "f", On: d("2020-06-01"), Planned: true, Status: MeetingHeld, Attendance: att(AttendancePresent, AttendanceExcused)},
			{ForumID: "f", On: d("2020-09-01"), Planned: true, Status: MeetingHeld, Attendance: att(AttendancePresent, AttendanceAbsent)},
			{ForumID: "f", On: d("2020-10-01"), Planned: false, Status: MeetingHeld, Attendance: att(AttendancePresent, AttendancePresent)},
			{ForumID: "f", On: d("2020-12-01"), Planned: true, Status: MeetingCancelled},
			{ForumID: "f", On: d("2021-03-01"), Planned: true, Status: MeetingPlanned},
		},
		ActionItems: []ActionItem{
			{OrganizationID: "a", Due: dp("2020-05-01"), Status: ActionDone, DoneOn: dp("2020-04-30")},
			{OrganizationID: "b", Due: dp("2020-06-01"), Status: ActionDone, DoneOn: dp("2020-06-10")},
			{OrganizationID: "b", Due: dp("2020-07-01"), Status: ActionOpen},
			{OrganizationID: "b", Due: dp("2020-08-01"), Status: ActionCancelled},
		},
		Decisions: []Decision{
			{ID: "d1", DecidedOn: d("2020-06-01"), Status: DecisionClosed, Outcome: Outcome{Result: OutcomeAdopted}},
			{ID: "d2", DecidedOn: d("2020-09-01"), Status: DecisionClosed, Outcome: Outcome{Result: OutcomeNoQuorum}},
			{ID: "d3", DecidedOn: d("2020-12-01"), Status: DecisionOpen, Outcome: Outcome{Result: OutcomePending}},
		},
		Ambitions: []Ambition{
			{ID: "1", OrganizationID: "a", Area: AreaSharedSystems, Level: 3, DeclaredOn: d("2020-01-10")},
			{ID: "2", OrganizationID: "b", Area: AreaSharedSystems, Level: 1, DeclaredOn: d("2020-01-10")},
		},
		Initiatives: []Initiative{
			{ID: "x1", OwnerID: "a", ProposedOn: d("2020-02-01"), Gates: gates("2020-03-15"), Participations: []Participation{
				{OrganizationID: "a", History: []ParticipationEvent{ev(ParticipationBinding, "2020-02-01")}},
				{OrganizationID: "b", History: []ParticipationEvent{ev(ParticipationVoluntary, "2020-11-01"), ev(ParticipationBinding, "2020-02-01")}},
			}},
			{ID: "x2", OwnerID: "a", ProposedOn: d("2020-04-01"), Participations: []Participation{
				{OrganizationID: "b", History: []ParticipationEvent{ev(ParticipationDeclined, "2020-04-10")}}}},
			{ID: "x3", OwnerID: "a", ProposedOn: d("2020-05-01"), Participations: []Participation{
				{OrganizationID: "b", History: []ParticipationEvent{ev(ParticipationInvited, "2020-05-02")}}}},
			{ID: "x4", OwnerID: "b", ProposedOn: d("2020-06-01"), Participations: []Participation{
				{OrganizationID: "a", History: []ParticipationEvent{ev(ParticipationVoluntary, "2020-06-05")}}}},
		},
		Benefits: []Benefit{
			{ID: "b1", InitiativeID: "x1", OrganizationID: "a", Kind: BenefitMoney, Planned: money(100000), Realisations: []Realisation{
				{On: d("2021-06-01"), Value: money(90000)}, {On: d("2020-12-01"), Value: money(20000)}}},
			{ID: "b2", InitiativeID: "x1", OrganizationID: "b", Kind: BenefitHours, Planned: money(1000), Realisations: []Realisation{
				{On: d("2021-01-01"), Value: money(600)}}},
			{ID: "b3", InitiativeID: "x2", OrganizationID: "a", Kind: BenefitMoney, Planned: money(500000)}, // x2 never runs
		},
	}
}

// TestComputeHealth checks every indicator against values computed by
// hand from healthStory (see the comments).
func TestComputeHealth(t *testing.T) {
	th := DefaultHealthThresholds()
	th.MinMeetings = 3
	h := ComputeHealth(healthStory(), d("2021-03-31"), th)

	// 15 month ends from January 2020, the last on the day asked.
	for _, s := range h.Series {
		if len(s.Points) != 15 || s.Points[0].On != d("2020-01-31") || s.Points[14].On != d("2021-03-31") {
			t.Fatalf("%s: %d points, %v .. %v", s.Indicator, len(s.Points), s.Points[0].On, s.Last().On)
		}
	}
	type want struct {
		num, den, value int
		warn            bool
	}
	for ind, w := range map[HealthIndicator]want{
		// live: x1 (a binding, b voluntary), x2 (b declined), x3 (b only
		// invited: not counted), x4 (a voluntary): 1 of 4.
		IndicatorCommitment: {1, 4, 25, true},
		// asked: x1, x2, x3 (b) and x4 (a); joined x1 and x4.
		IndicatorOptIn: {2, 4, 50, true},
		// held after 2020-03-31: 06-01, 09-01 and the extra 10-01; a 3 of
		// 3, b 1 of 3 (excused and absent are not present).
		IndicatorAttendance: {4, 6, 66, true},
		// planned 06-01, 09-01, 12-01 (cancelled), 2021-03-01 (unmarked).
		IndicatorMeetings: {2, 4, 50, true},
		// due 05-01 on time, 06-01 late, 07-01 open; 08-01 cancelled.
		IndicatorActionItems: {1, 3, 33, true},
		// adopted, no quorum, still open.
		IndicatorDecisions: {1, 3, 33, true},
		// shared systems 3 and 1.
		IndicatorAmbitions: {2, 4, 2, true},
		// money of x1 (in operation since 2020-03-15, a year before the
		// day): 20,000 of 100,000 kr. on the day; x2's benefit is not due.
		IndicatorBenefits: {20000, 100000, 20, true},
	} {
		p := h.SeriesOf(ind).Last()
		if got := (want{p.Num, p.Den, p.Value, p.Warn}); got != w || !p.Known {
			t.Errorf("%s: got %+v (known %v), want %+v", ind, got, p.Known, w)
		}
	}

	texts := map[string]string{}
	since := map[string]Date{}
	for _, w := range h.Warnings {
		texts[w.Key] = w.Text.String()
		since[w.Key] = w.Since
	}
	for key, text := range map[string]string{
		"commitment:initiatives":   "Commitment moved from binding to voluntary or out in 1 of 1 initiatives in the last 24 months",
		"opt_in:a>b":               "Beta has joined 1 of the last 3 initiatives Alfa proposed",
		"attendance:b":             "Beta attended 1 of 3 meetings in the last 12 months",
		"meetings:f":               "Styregruppen held 2 of 4 planned meetings in the last 12 months",
		"action_items:all":         "1 of 3 action items due in the last 12 months were done on time",
		"decisions:all":            "1 of 3 decisions in the last 12 months were reached; the others were deferred or lacked a quorum",
		"ambitions:shared_systems": "Ambition for shared_systems differs by 2 levels: Alfa 3, Beta 1",
		"benefits:money":           "Benefits realised: 20 % of the planned money a year (20000 of 100000 kr.)",
	} {
		if texts[key] != text {
			t.Errorf("warning %s: %q, want %q", key, texts[key], text)
		}
	}
	if len(h.Warnings) != 8 {
		t.Errorf("%d warnings, want 8: %v", len(h.Warnings), texts)
	}
	// Since: the meetings fell under 75 % only on the day asked; the
	// action items at the end of July 2020, when the third fell due; b's
	// move out of binding in November 2020.
	for key, want := range map[string]string{"meetings:f": "2021-03-31", "action_items:all": "2020-07-31",
		"commitment:initiatives": "2020-11-30", "ambitions:shared_systems": "2020-01-31"} {
		if since[key] != d(want) {
			t.Errorf("%s since %v, want %s", key, since[key], want)
		}
	}

	// The attendance warning for b (at least 3 meetings here) runs from
	// September 2020, when b had been present at 1 of 3, to the day.
	var spans []string
	for _, sp := range h.SpansIn(d("2020-01-01"), d("2021-03-31")) {
		if sp.Key == "attendance:b" {
			spans = append(spans, sp.From.String()+".."+sp.Until.String())
		}
	}
	if !slices.Equal(spans, []string{"2020-09-30..2021-03-31"}) {
		t.Errorf("attendance spans %v", spans)
	}
	if got := h.SpansIn(d("2019-01-01"), d("2019-12-31")); len(got) != 0 {
		t.Errorf("spans before the start: %+v", got)
	}
	if got := h.Mix; got != (CommitmentMix{Binding: 1, Voluntary: 2, Out: 1}) {
		t.Errorf("mix %+v", got)
	}
	if len(h.Forums) != 1 || h.Forums[0] != (ForumHealth{ForumID: "f", ForumName: "Styregruppen", Level: ForumSteeringGroup,
		Planned: 4, Held: 2, Cancelled: 1, Unmarked: 1}) {
		t.Errorf("forums %+v", h.Forums)
	}
	if len(h.Members) != 2 || h.Members[0].OrganizationName != "Alfa" || h.Members[1].OrganizationName != "Beta" {
		t.Fatalf("members %+v", h.Members)
	}
	a, b := h.Members[0], h.Members[1]
	if a.Commitment != CommitmentBinding || b.Commitment != CommitmentBinding {
		t.Errorf("commitments on the day: %s, %s; want binding (b's change came later)", a.Commitment, b.Commitment)
	}
	for name, c := range map[string]struct {
		got      HealthPoint
		num, den int
	}{
		"a attendance": {a.Attendance, 3, 3}, "b attendance": {b.Attendance, 1, 3},
		"a opt-in": {a.OptIn, 1, 1}, "b opt-in": {b.OptIn, 1, 3},
		"a binding": {a.Binding, 1, 2}, "b binding": {b.Binding, 0, 2},
		"a actions": {a.ActionItems, 1, 1}, "b actions": {b.ActionItems, 0, 2},
	} {
		if c.got.Num != c.num || c.got.Den != c.den {
			t.Errorf("%s: %d of %d, want %d of %d", name, c.got.Num, c.got.Den, c.num, c.den)
		}
	}
	if !slices.Equal(h.OptIn, []OptInPair{{ProposerID: "a", ProposerName: "Alfa", JoinerID: "b", JoinerName: "Beta", Joined: 1, Of: 3},
		{ProposerID: "b", ProposerName: "Beta", JoinerID: "a", JoinerName: "Alfa", Joined: 1, Of: 1}}) {
		t.Errorf("opt-in pairs %+v", h.OptIn)
	}
}

// TestHealthReplay checks that a past day is computed from the history up
// to it: at the end of 2020 the unmarked meeting of March 2021, b's
// realisation of January 2021 and the March 2020 meeting's leaving the
// window have not happened.
func TestHealthReplay(t *testing.T) {
	th := DefaultHealthThresholds()
	h := ComputeHealth(healthStory(), d("2020-12-31"), th)
	if p := h.SeriesOf(IndicatorMeetings).Last(); p.Num != 3 || p.Den != 4 || p.Warn {
		t.Errorf("meetings at the end of 2020: %+v, want 3 of 4 and no warning", p)
	}
	// Held in 2020: 03-01, 06-01, 09-01 and 10-01; b was present at two.
	if p := h.SeriesOf(IndicatorAttendance).Last(); p.Num != 6 || p.Den != 8 || !p.Warn {
		t.Errorf("attendance at the end of 2020: %+v, want 6 of 8 and a warning", p)
	}
	var texts []string
	for _, w := range h.Warnings {
		if w.Indicator == IndicatorMeetings || w.Indicator == IndicatorAttendance {
			texts = append(texts, w.Text.String())
		}
	}
	if !slices.Equal(texts, []string{"Beta attended 2 of 4 meetings in the last 12 months"}) {
		t.Errorf("warnings on meetings and attendance at the end of 2020: %q", texts)
	}
	// Before the start: one unknown point per indicator, no warnings.
	early := ComputeHealth(healthStory(), d("2019-06-30"), th)
	for _, s := range early.Series {
		if len(s.Points) != 1 || s.Points[0].Known {
			t.Errorf("%s before the start: %+v", s.Indicator, s.Points)
		}
	}
	if len(early.Warnings) != 0 || len(early.Members) != 0 {
		t.Errorf("before the start: %d warnings, %d members", len(early.Warnings), len(early.Members))
	}
}

// TestHealthThresholds checks that a threshold moves a warning and that
// the defaults are valid while values out of range name their field.
func TestHealthThresholds(t *testing.T) {
	th := DefaultHealthThresholds()
	if err := th.Validate(); err != nil {
		t.Fatal(err)
	}
	th.MeetingsHeld = 50 // 2 of 4 is not below 50 %
	h := ComputeHealth(healthStory(), d("2021-03-31"), th)
	if p := h.SeriesOf(IndicatorMeetings).Last(); p.Warn {
		t.Errorf("meetings warned at 50 %%: %+v", p)
	}
	bad := DefaultHealthThresholds()
	bad.Attendance, bad.WindowMonths = 101, 0
	err, _ := bad.Validate().(*Error)
	if err == nil || err.Code != EINVALID {
		t.Fatalf("validate: %v", err)
	}
	var fields []string
	for _, f := range err.Fields {
		fields = append(fields, f.Path)
	}
	if !slices.Equal(fields, []string{"window_months", "attendance"}) {
		t.Errorf("fields %v, want window_months and attendance", fields)
	}
}

// TestHealthScore checks the score and the portfolio's order on the
// story: on 2021-03-31 all 8 indicators have something to count and only
// attendance raises no warning (b was expected at 3 meetings, fewer than
// the default 4); at the end of February 2020 3 indicators count and the
// ambitions warn.
func TestHealthScore(t *testing.T) {
	h := ComputeHealth(healthStory(), d("2021-03-31"), DefaultHealthThresholds())
	if p := h.Score(); p.Num != 1 || p.Den != 8 || p.Value != 12 {
		t.Errorf("score on the day %+v", p)
	}
	scores := h.Scores(24)
	if len(scores) != 15 || scores[1].On != d("2020-02-29") {
		t.Fatalf("scores %+v", scores)
	}
	// February 2020: commitment (x1 live, both binding), opt-in (1 of 1),
	// ambitions (warns), meetings, attendance, decisions, action items and
	// benefits have nothing to count: 2 of 3 fine.
	if p := scores[1]; p.Num != 2 || p.Den != 3 {
		t.Errorf("score at the end of February 2020 %+v", p)
	}
	early := ComputeHealth(healthStory(), d("2020-02-29"), DefaultHealthThresholds()).Summarize("b")
	late := h.Summarize("b")
	if late.Member.OrganizationID != "b" || late.Member.Attendance.Den != 3 {
		t.Errorf("b as a partner %+v", late.Member)
	}
	early.CollaborationName, late.CollaborationName = "Å", "A"
	ps := []HealthSummary{late, early}
	SortPortfolio(ps)
	if ps[0].CollaborationName != "Å" {
		t.Errorf("the healthier is not first: %v, %v", ps[0].Score, ps[1].Score)
	}
}
