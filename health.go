package samspil

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Collaboration health (DESIGN §3.4): indicators of how a collaboration
// works, month by month from its start, and warnings in words when an
// indicator crosses its threshold. Every indicator is a pure function of
// the recorded, dated history (HealthFacts) on a day, so the panel of a
// past day is what the history up to that day shows, not today's state:
//
//   - commitment: of the members' participations in the collaboration's
//     live initiatives (proposed by the day, not closed or stopped), the
//     share that is binding ("skal"), against voluntary or pledged ("kan")
//     and declined or withdrawn. Warned when at least CommitmentMoves
//     initiatives saw a member move from binding to voluntary, pledged or
//     withdrawn in the last LongWindowMonths, and for every member whose
//     membership moved from binding to voluntary in that time.
//   - opt_in: of the initiatives members proposed in the last
//     LongWindowMonths, how often another member (a member on the day of
//     the proposal) has taken part by the day. Warned per pair when a
//     member joined fewer than OptIn % of the last OptInLast initiatives
//     another proposed (at least MinOptIn of them); for two members this
//     is the partnership's symmetry, both ways.
//   - attendance: of the held meetings of the last WindowMonths at which a
//     member organisation was expected (someone was recorded for it), the
//     share at which at least one of its people was present. Warned per
//     member under Attendance % (at least MinMeetings meetings).
//   - meetings: of the meetings each forum's cadence planned in the last
//     WindowMonths up to the day, the share held; cancelled meetings and
//     past meetings still marked planned count as not held. Warned per
//     forum under MeetingsHeld % (at least two planned).
//   - action_items: of the action items due in the last WindowMonths (not
//     cancelled), the share done on or before their due day. Warned under
//     ActionsOnTime % (at least MinActionItems).
//   - decisions: of the decisions put to a vote in the last WindowMonths,
//     the share reached (closed, adopted or rejected), against deferred
//     (still open, or closed without a quorum). Warned under
//     DecisionsReached % (at least MinDecisions).
//   - ambitions: the largest spread of the members' declared ambition
//     levels over the areas (Align). Warned per area at AmbitionSpread
//     levels or more.
//   - benefits: of the money (else hours) benefits planned for the
//     collaboration's initiatives that have been in operation for
//     WindowMonths by the day (benefits take a while), the share realised
//     by the day (each benefit's newest realisation by the day). Warned
//     per kind under BenefitsRealised %.
//
// Percentages are whole, rounded down.

// HealthIndicator names an indicator of a collaboration's health.
type HealthIndicator string

// The indicators, in the order the panel shows them.
const (
	IndicatorCommitment  HealthIndicator = "commitment"
	IndicatorOptIn       HealthIndicator = "opt_in"
	IndicatorAttendance  HealthIndicator = "attendance"
	IndicatorMeetings    HealthIndicator = "meetings"
	IndicatorActionItems HealthIndicator = "action_items"
	IndicatorDecisions   HealthIndicator = "decisions"
	IndicatorAmbitions   HealthIndicator = "ambitions"
	IndicatorBenefits    HealthIndicator = "benefits"
)

// HealthIndicators lists the indicators in the panel's order.
var HealthIndicators = []HealthIndicator{IndicatorCommitment, IndicatorOptIn, IndicatorAttendance, IndicatorMeetings,
	IndicatorActionItems, IndicatorDecisions, IndicatorAmbitions, IndicatorBenefits}

// HealthUnit is what an indicator's values count.
type HealthUnit string

// Units.
const (
	UnitPercent HealthUnit = "percent" // whole percent of Num of Den
	UnitLevels  HealthUnit = "levels"  // ambition levels apart (0–4)
)

// HealthUnits lists the units.
var HealthUnits = []HealthUnit{UnitPercent, UnitLevels}

func init() {
	RegisterEnum(HealthIndicators)
	RegisterEnum(HealthUnits)
}

// HealthThresholds are where a collaboration's indicators raise warnings.
// Percentages are whole percent; a warning is raised below them (or, for
// AmbitionSpread and CommitmentMoves, at them or above).
type HealthThresholds struct {
	WindowMonths     int `json:"window_months" minimum:"1" maximum:"60" doc:"The months attendance, meetings, action items and decisions look back; default 12"`
	LongWindowMonths int `json:"long_window_months" minimum:"1" maximum:"120" doc:"The months commitment and opt-in look back; default 24"`
	Attendance       int `json:"attendance" minimum:"0" maximum:"100" doc:"Warn when a member attends fewer than this % of its meetings; default 75"`
	MinMeetings      int `json:"min_meetings" minimum:"1" maximum:"1000" doc:"...of at least this many meetings; default 4"`
	MeetingsHeld     int `json:"meetings_held" minimum:"0" maximum:"100" doc:"Warn when a forum holds fewer than this % of its planned meetings; default 75"`
	ActionsOnTime    int `json:"actions_on_time" minimum:"0" maximum:"100" doc:"Warn when fewer than this % of the action items due are done on time; default 60"`
	MinActionItems   int `json:"min_action_items" minimum:"1" maximum:"1000" doc:"...of at least this many items; default 3"`
	DecisionsReached int `json:"decisions_reached" minimum:"0" maximum:"100" doc:"Warn when fewer than this % of the decisions are reached; default 67"`
	MinDecisions     int `json:"min_decisions" minimum:"1" maximum:"1000" doc:"...of at least this many decisions; default 3"`
	AmbitionSpread   int `json:"ambition_spread" minimum:"1" maximum:"4" doc:"Warn when the members' ambitions in an area lie this many levels apart or more; default 2"`
	BenefitsRealised int `json:"benefits_realised" minimum:"0" maximum:"100" doc:"Warn when less than this % of the planned benefits is realised; default 50"`
	OptIn            int `json:"opt_in" minimum:"0" maximum:"100" doc:"Warn when a member joins fewer than this % of another's initiatives; default 50"`
	OptInLast        int `json:"opt_in_last" minimum:"1" maximum:"100" doc:"...of the last this many it proposed; default 6"`
	MinOptIn         int `json:"min_opt_in" minimum:"1" maximum:"100" doc:"...when it proposed at least this many; default 3"`
	CommitmentMoves  int `json:"commitment_moves" minimum:"1" maximum:"1000" doc:"Warn when this many initiatives or more saw a member move from binding to voluntary or out; default 1"`
}

// DefaultHealthThresholds are the thresholds of a collaboration that has
// set none.
func DefaultHealthThresholds() HealthThresholds {
	return HealthThresholds{WindowMonths: 12, LongWindowMonths: 24, Attendance: 75, MinMeetings: 4, MeetingsHeld: 75,
		ActionsOnTime: 60, MinActionItems: 3, DecisionsReached: 67, MinDecisions: 3, AmbitionSpread: 2, BenefitsRealised: 50,
		OptIn: 50, OptInLast: 6, MinOptIn: 3, CommitmentMoves: 1}
}

// Validate checks the thresholds, naming each field out of its range.
func (t *HealthThresholds) Validate() error {
	var v Validation
	for _, f := range []struct {
		name     string
		val      int
		min, max int
	}{
		{"window_months", t.WindowMonths, 1, 60}, {"long_window_months", t.LongWindowMonths, 1, 120},
		{"attendance", t.Attendance, 0, 100}, {"min_meetings", t.MinMeetings, 1, 1000},
		{"meetings_held", t.MeetingsHeld, 0, 100}, {"actions_on_time", t.ActionsOnTime, 0, 100},
		{"min_action_items", t.MinActionItems, 1, 1000}, {"decisions_reached", t.DecisionsReached, 0, 100},
		{"min_decisions", t.MinDecisions, 1, 1000}, {"ambition_spread", t.AmbitionSpread, 1, 4},
		{"benefits_realised", t.BenefitsRealised, 0, 100}, {"opt_in", t.OptIn, 0, 100},
		{"opt_in_last", t.OptInLast, 1, 100}, {"min_opt_in", t.MinOptIn, 1, 100},
		{"commitment_moves", t.CommitmentMoves, 1, 1000},
	} {
		v.Check(f.val >= f.min && f.val <= f.max, f.name, "must be between %d and %d", f.min, f.max)
	}
	v.Check(t.MinOptIn <= t.OptInLast || t.OptInLast < 1, "min_opt_in", "must not be more than opt_in_last")
	return v.Err()
}

// HealthMeeting is a meeting as health reads it.
type HealthMeeting struct {
	ForumID    string
	On         Date // the day it starts, in the forum's zone
	Planned    bool // an occurrence of the forum's cadence (not an extra meeting)
	Status     MeetingStatus
	Attendance []Attendance
}

// HealthFacts is the recorded history health is computed from. The store
// fills what the computation reads: of Collaboration its start and every
// membership (with names), of initiatives their owner, ProposedOn, gates
// and participations with their history, of decisions their day, status
// and outcome.
type HealthFacts struct {
	Collaboration Collaboration
	MemberEvents  []MemberEvent
	Forums        []Forum
	Meetings      []HealthMeeting
	ActionItems   []ActionItem
	Decisions     []Decision
	Ambitions     []Ambition
	Initiatives   []Initiative
	Benefits      []Benefit
}

// HealthPoint is an indicator's value on a day: Num of Den (a share, whole
// percent in Value) or, for ambitions, the spread in levels. Known is
// false when there was nothing to count.
type HealthPoint struct {
	On    Date `json:"on" format:"date"`
	Value int  `json:"value" doc:"Whole percent; for ambitions the spread in levels"`
	Num   int  `json:"num"`
	Den   int  `json:"den"`
	Known bool `json:"known" doc:"False when there was nothing to count"`
	Warn  bool `json:"warn" doc:"The indicator raised a warning on the day"`
}

// HealthSeries is an indicator over time: its value at the end of each
// month from the collaboration's start, the last point on the day asked.
type HealthSeries struct {
	Indicator HealthIndicator `json:"indicator"`
	Unit      HealthUnit      `json:"unit"`
	Points    []HealthPoint   `json:"points"`
}

// Last returns the series' point on the day asked.
func (s *HealthSeries) Last() HealthPoint {
	if len(s.Points) == 0 {
		return HealthPoint{}
	}
	return s.Points[len(s.Points)-1]
}

// HealthWarning is a warning in words with the numbers behind it.
type HealthWarning struct {
	Indicator      HealthIndicator `json:"indicator"`
	Key            string          `json:"key" doc:"Names the warning across days: the indicator and what it concerns"`
	Text           Phrase          `json:"text"`
	Num            int             `json:"num"`
	Den            int             `json:"den"`
	OrganizationID string          `json:"organization_id,omitempty"`
	ForumID        string          `json:"forum_id,omitempty"`
	Area           AmbitionArea    `json:"area,omitempty"`
	Since          Date            `json:"since" format:"date" doc:"The first month end (or the day) from which it has held without a break"`
	Evidence       string          `json:"evidence" doc:"The page that shows the evidence"`
}

// MemberHealth is how one member does as a partner on the day.
type MemberHealth struct {
	OrganizationID   string      `json:"organization_id"`
	OrganizationName string      `json:"organization_name"`
	Commitment       Commitment  `json:"commitment" doc:"Its membership's commitment on the day"`
	Attendance       HealthPoint `json:"attendance"`
	OptIn            HealthPoint `json:"opt_in" doc:"How often it joined the other members' initiatives"`
	Binding          HealthPoint `json:"binding" doc:"The share of its participations that is binding"`
	ActionItems      HealthPoint `json:"action_items" doc:"Its action items done on time"`
}

// ForumHealth is a forum's meetings in the window up to the day.
type ForumHealth struct {
	ForumID   string     `json:"forum_id"`
	ForumName string     `json:"forum_name"`
	Level     ForumLevel `json:"level"`
	Planned   int        `json:"planned"`
	Held      int        `json:"held"`
	Cancelled int        `json:"cancelled"`
	Unmarked  int        `json:"unmarked" doc:"Past meetings still marked planned: someone should record whether they were held"`
}

// OptInPair is how often one member joined the last initiatives another
// proposed.
type OptInPair struct {
	ProposerID   string `json:"proposer_id"`
	ProposerName string `json:"proposer_name"`
	JoinerID     string `json:"joiner_id"`
	JoinerName   string `json:"joiner_name"`
	Joined       int    `json:"joined"`
	Of           int    `json:"of"`
}

// CommitmentMix is the members' participations in live initiatives on the
// day by how firmly they take part.
type CommitmentMix struct {
	Binding   int `json:"binding"`
	Voluntary int `json:"voluntary" doc:"Voluntary or pledged"`
	Out       int `json:"out" doc:"Declined or withdrawn"`
}

// Health is a collaboration's health on a day.
type Health struct {
	CollaborationID   string           `json:"collaboration_id"`
	CollaborationName string           `json:"collaboration_name"`
	At                Date             `json:"at" format:"date"`
	Thresholds        HealthThresholds `json:"thresholds"`
	Series            []HealthSeries   `json:"series" doc:"Every indicator month by month, in the panel's order"`
	Warnings          []HealthWarning  `json:"warnings" doc:"The warnings on the day"`
	Members           []MemberHealth   `json:"members" doc:"The members on the day, by name"`
	Forums            []ForumHealth    `json:"forums"`
	OptIn             []OptInPair      `json:"opt_in" doc:"For each ordered pair of members, how often the second joined the first's last initiatives"`
	Mix               CommitmentMix    `json:"commitment_mix"`
	Ambitions         []AreaAlignment  `json:"ambitions"`
	Spans             []HealthSpan     `json:"spans" doc:"Every warning of the month ends from the start to the day, as runs of months, oldest first"`
}

// HealthSpan is a warning that held at consecutive month ends (the last
// may be the day asked): from its first to its last, in the words of its
// last.
type HealthSpan struct {
	Indicator HealthIndicator `json:"indicator"`
	Key       string          `json:"key"`
	Text      Phrase          `json:"text"`
	From      Date            `json:"from" format:"date"`
	Until     Date            `json:"until" format:"date"`
}

// SpansIn returns the spans that held at some time from from to to.
func (h *Health) SpansIn(from, to Date) []HealthSpan {
	var out []HealthSpan
	for _, s := range h.Spans {
		if !s.Until.Before(from) && !s.From.After(to) {
			out = append(out, s)
		}
	}
	return out
}

// SeriesOf returns the series of an indicator.
func (h *Health) SeriesOf(ind HealthIndicator) *HealthSeries {
	for i := range h.Series {
		if h.Series[i].Indicator == ind {
			return &h.Series[i]
		}
	}
	return nil
}

// HealthSettings are a collaboration's thresholds and whether it shares
// its health with every signed-in user who may see the collaboration. Version 1 is the defaults, before
// anybody changed them.
type HealthSettings struct {
	CollaborationID string           `json:"collaboration_id" readOnly:"true"`
	Thresholds      HealthThresholds `json:"thresholds"`
	Shared          bool             `json:"shared" doc:"Whoever may see the collaboration (signed in) sees its health too, not only the members' people"`
	Version         int              `json:"version" readOnly:"true" doc:"1 while the defaults apply"`
}

// Validate checks the settings, naming a threshold by its path
// ("thresholds.attendance").
func (s *HealthSettings) Validate() error {
	return RenameFields(s.Thresholds.Validate(), func(path string) string { return "thresholds." + path })
}

// Score is the share of the indicators with something to count that
// raise no warning on the day: Num of Den indicators are fine.
func (h *Health) Score() HealthPoint { return h.scoreAt(-1) }

// scoreAt is the score at the i-th month end (the day asked when i < 0).
func (h *Health) scoreAt(i int) HealthPoint {
	p := HealthPoint{}
	for _, s := range h.Series {
		if len(s.Points) == 0 {
			continue
		}
		x := s.Last()
		if i >= 0 {
			x = s.Points[i]
		}
		p.On = x.On
		if x.Known || x.Warn {
			p.Den++
			if !x.Warn {
				p.Num++
			}
		}
	}
	p.Known = p.Den > 0
	if p.Known {
		p.Value = p.Num * 100 / p.Den
	}
	p.Warn = p.Known && p.Num < p.Den
	return p
}

// Scores returns the score at the last months month ends (fewer when the
// collaboration is younger), the day asked last.
func (h *Health) Scores(months int) []HealthPoint {
	n := 0
	if len(h.Series) > 0 {
		n = len(h.Series[0].Points)
	}
	out := []HealthPoint{}
	for i := max(n-months, 0); i < n; i++ {
		out = append(out, h.scoreAt(i))
	}
	return out
}

// HealthSummary is one collaboration in an organisation's portfolio: its
// score, the score over the last two years, its warnings, and how the
// organisation does in it as a partner.
type HealthSummary struct {
	CollaborationID   string          `json:"collaboration_id"`
	CollaborationName string          `json:"collaboration_name"`
	Score             HealthPoint     `json:"score" doc:"Indicators without a warning (num) of those with something to count (den)"`
	Scores            []HealthPoint   `json:"scores" doc:"The score at the last 24 month ends, the day asked last"`
	Warnings          []HealthWarning `json:"warnings"`
	Member            MemberHealth    `json:"member" doc:"The organisation as a partner in it"`
}

// PortfolioMonths is how many month ends a portfolio's lines show.
const PortfolioMonths = 24

// Summarize returns the collaboration's summary for the organisation.
func (h *Health) Summarize(orgID string) HealthSummary {
	s := HealthSummary{CollaborationID: h.CollaborationID, CollaborationName: h.CollaborationName, Score: h.Score(),
		Scores: h.Scores(PortfolioMonths), Warnings: h.Warnings}
	for _, m := range h.Members {
		if m.OrganizationID == orgID {
			s.Member = m
		}
	}
	return s
}

// SortPortfolio orders summaries from the healthiest to the weakest: by
// score, then by fewer warnings, then by name.
func SortPortfolio(ss []HealthSummary) {
	slices.SortStableFunc(ss, func(a, b HealthSummary) int {
		return cmp.Or(cmp.Compare(b.Score.Value, a.Score.Value), cmp.Compare(len(a.Warnings), len(b.Warnings)),
			strings.Compare(Fold(a.CollaborationName), Fold(b.CollaborationName)), strings.Compare(a.CollaborationID, b.CollaborationID))
	})
}

// HealthReport is a collaboration's health over a period, for the
// directors' meeting: the health on its first and last day, and the
// warnings that held at some month end in it (or on its last day).
type HealthReport struct {
	CollaborationID   string       `json:"collaboration_id"`
	CollaborationName string       `json:"collaboration_name"`
	From              Date         `json:"from" format:"date"`
	To                Date         `json:"to" format:"date"`
	Start             *Health      `json:"start" doc:"The health on the first day"`
	End               *Health      `json:"end" doc:"The health on the last day"`
	Spans             []HealthSpan `json:"spans" doc:"The warnings that held in the period"`
}

// HealthDay is the day health is asked for: at, or today when at is zero;
// a day in the future is refused, naming the field "at".
func HealthDay(at, today Date) (Date, error) {
	if at.IsZero() {
		return today, nil
	}
	if at.After(today) {
		return at, ErrorAt(EINVALID, "at", "must not be in the future: health is read from what has happened")
	}
	return at, nil
}

// Of returns the threshold of an indicator as its line draws it: the
// percentage under which it warns, the spread of ambitions at which it
// warns, and -1 for commitment (warned by moves, not by its share).
func (t HealthThresholds) Of(ind HealthIndicator) int {
	switch ind {
	case IndicatorOptIn:
		return t.OptIn
	case IndicatorAttendance:
		return t.Attendance
	case IndicatorMeetings:
		return t.MeetingsHeld
	case IndicatorActionItems:
		return t.ActionsOnTime
	case IndicatorDecisions:
		return t.DecisionsReached
	case IndicatorAmbitions:
		return t.AmbitionSpread
	case IndicatorBenefits:
		return t.BenefitsRealised
	}
	return -1
}

// ReportPeriod checks a report's period against today: both days are
// optional (to defaults to today, from to a year before to), from must not
// follow to, and to must not be in the future.
func ReportPeriod(from, to, today Date) (Date, Date, error) {
	if to.IsZero() {
		to = today
	}
	if from.IsZero() {
		from = to.AddMonths(-12).AddDays(1)
	}
	var v Validation
	v.Check(!to.After(today), "to", "must not be in the future: health is read from what has happened")
	v.Check(!from.After(to), "from", "must not be after to")
	return from, to, v.Err()
}

// NewHealthReport computes the report of the period from..to.
func NewHealthReport(f *HealthFacts, from, to Date, th HealthThresholds) *HealthReport {
	end := ComputeHealth(f, to, th)
	r := &HealthReport{CollaborationID: end.CollaborationID, CollaborationName: end.CollaborationName, From: from, To: to,
		Start: ComputeHealth(f, from, th), End: end, Spans: end.SpansIn(from, to)}
	if r.Spans == nil {
		r.Spans = []HealthSpan{}
	}
	return r
}

// HealthService reads a collaboration's health. Only its members' people
// see it, unless the collaboration shares it (MaySeeHealth); its managers
// set the thresholds (MaySetHealthThresholds).
type HealthService interface {
	// CollaborationHealth computes the health on day at (today when zero)
	// from the history recorded up to it.
	CollaborationHealth(ctx context.Context, actor *Actor, collabID string, at Date) (*Health, error)
	// HealthReport computes the report of the period from..to (see
	// ReportPeriod for the defaults).
	HealthReport(ctx context.Context, actor *Actor, collabID string, from, to Date) (*HealthReport, error)
	// OrganizationHealth summarises, healthiest first, the collaborations
	// the organisation is a member of on day at (today when zero) whose
	// health the actor sees: the organisation's own people see them all.
	OrganizationHealth(ctx context.Context, actor *Actor, orgID string, at Date) ([]HealthSummary, error)
	// CollaborationDifferences compares the organisations of the active
	// members (CompareOrganisations).
	CollaborationDifferences(ctx context.Context, actor *Actor, collabID string) (*OrgComparison, error)
	HealthSettings(ctx context.Context, actor *Actor, collabID string) (*HealthSettings, error)
	SetHealthSettings(ctx context.Context, actor *Actor, collabID string, version int, in HealthSettings) (*HealthSettings, error)
}

// ComputeHealth computes the health of the collaboration on day at from
// its history, with thresholds th: the series from the end of the start
// month to at, and the warnings, members and forums on at. It orders the
// facts' initiatives' gates by day.
func ComputeHealth(f *HealthFacts, at Date, th HealthThresholds) *Health {
	hc := newHealthCalc(f, th)
	h := &Health{CollaborationID: f.Collaboration.ID, CollaborationName: f.Collaboration.Name, At: at, Thresholds: th,
		Warnings: []HealthWarning{}, Members: []MemberHealth{}, Forums: []ForumHealth{}, OptIn: []OptInPair{},
		Ambitions: []AreaAlignment{}, Spans: []HealthSpan{}}
	for _, ind := range HealthIndicators {
		unit := UnitPercent
		if ind == IndicatorAmbitions {
			unit = UnitLevels
		}
		h.Series = append(h.Series, HealthSeries{Indicator: ind, Unit: unit, Points: []HealthPoint{}})
	}
	var days []Date
	if start := f.Collaboration.Start; !start.IsZero() && !at.Before(start) {
		for d := start.EndOfMonth(); d.Before(at); d = d.AddDays(1).EndOfMonth() {
			days = append(days, d)
		}
	}
	days = append(days, at)
	open := map[string]int{} // warning key -> its current run in h.Spans
	var last *healthDay
	for k, d := range days {
		day := hc.on(d, k == len(days)-1)
		for i, p := range day.points {
			h.Series[i].Points = append(h.Series[i].Points, p)
		}
		seen := map[string]bool{}
		for _, w := range day.warnings {
			seen[w.Key] = true
			if i, ok := open[w.Key]; ok {
				h.Spans[i].Until, h.Spans[i].Text = d, w.Text
				continue
			}
			open[w.Key] = len(h.Spans)
			h.Spans = append(h.Spans, HealthSpan{Indicator: w.Indicator, Key: w.Key, Text: w.Text, From: d, Until: d})
		}
		for k := range open {
			if !seen[k] {
				delete(open, k)
			}
		}
		last = &day
	}
	for _, w := range last.warnings {
		w.Since = h.Spans[open[w.Key]].From
		h.Warnings = append(h.Warnings, w)
	}
	h.Members, h.Forums, h.OptIn, h.Mix, h.Ambitions = last.members, last.forums, last.pairs, last.mix, last.areas
	return h
}

// healthDay is everything computed for one day.
type healthDay struct {
	points   []HealthPoint // in the order of HealthIndicators
	warnings []HealthWarning
	members  []MemberHealth
	forums   []ForumHealth
	pairs    []OptInPair
	mix      CommitmentMix
	areas    []AreaAlignment
}

// healthCalc holds the facts in the orders the calculation reads them:
// meetings, decisions and action items by day, so that a day's window is
// found by binary search; each meeting's organisations and whether they
// came, counted once; each initiative's gates and each participation's
// events oldest first, with the first day an organisation took part.
type healthCalc struct {
	f         *HealthFacts
	th        HealthThresholds
	orgNames  map[string]string
	sortNames map[string]string // the folded names
	forumByID map[string]*Forum
	meetings  []healthMeetingDay // by day
	decisions []*Decision        // by day
	actions   []*ActionItem      // with a due day, not cancelled, by due day
	// per initiative (by its index in the facts), its participations'
	// events oldest first
	parts [][]partEvents
	// the members by index (orgIdx), and per initiative (by its index in
	// the facts): the first day each member took part (zero for never),
	// whether each was a member on the day of the proposal, and whether
	// its owner was; per member its initiatives, newest first
	orgIdx     map[string]int
	first      [][]Date
	asked      [][]bool
	ownerAsked []bool
	byOwner    [][]int
	// realisations of each benefit, oldest first
	benefits []Benefit
	// the last alignment computed, for the same declarations and members
	alignKey string
	align    Alignment
}

// healthMeetingDay is a meeting with its organisations counted once.
type healthMeetingDay struct {
	*HealthMeeting
	orgs []orgPresence
}

// orgPresence is whether an organisation expected at a meeting came; idx
// is its index (orgIdx), or the index after the members' for one that
// never was a member.
type orgPresence struct {
	org     string
	idx     int
	present bool
}

// partEvents is one organisation's participation events in an initiative,
// oldest first, with its index as in orgPresence.
type partEvents struct {
	idx int
	evs []ParticipationEvent
}

func newHealthCalc(f *HealthFacts, th HealthThresholds) *healthCalc {
	hc := &healthCalc{f: f, th: th, orgNames: map[string]string{}, sortNames: map[string]string{}, forumByID: map[string]*Forum{},
		orgIdx: map[string]int{}}
	for _, m := range f.Collaboration.Members {
		hc.orgNames[m.OrganizationID], hc.sortNames[m.OrganizationID] = m.OrganizationName, Fold(m.OrganizationName)
		if _, ok := hc.orgIdx[m.OrganizationID]; !ok {
			hc.orgIdx[m.OrganizationID] = len(hc.orgIdx)
		}
	}
	n := len(hc.orgIdx)
	hc.byOwner = make([][]int, n)
	for i := range f.Forums {
		hc.forumByID[f.Forums[i].ID] = &f.Forums[i]
	}
	for i := range f.Meetings {
		m := healthMeetingDay{HealthMeeting: &f.Meetings[i]}
		for _, a := range m.Attendance {
			j := slices.IndexFunc(m.orgs, func(p orgPresence) bool { return p.org == a.OrganizationID })
			if j < 0 {
				m.orgs = append(m.orgs, orgPresence{org: a.OrganizationID, idx: hc.indexOf(a.OrganizationID)})
				j = len(m.orgs) - 1
			}
			m.orgs[j].present = m.orgs[j].present || a.Status == AttendancePresent
		}
		hc.meetings = append(hc.meetings, m)
	}
	slices.SortStableFunc(hc.meetings, func(a, b healthMeetingDay) int { return a.On.Compare(b.On) })
	for i := range f.Decisions {
		hc.decisions = append(hc.decisions, &f.Decisions[i])
	}
	slices.SortStableFunc(hc.decisions, func(a, b *Decision) int { return a.DecidedOn.Compare(b.DecidedOn) })
	for i := range f.ActionItems {
		if a := &f.ActionItems[i]; a.Due != nil && a.Status != ActionCancelled {
			hc.actions = append(hc.actions, a)
		}
	}
	slices.SortStableFunc(hc.actions, func(a, b *ActionItem) int { return a.Due.Compare(*b.Due) })
	for i := range f.Initiatives {
		x := &f.Initiatives[i]
		slices.SortStableFunc(x.Gates, func(a, b Gate) int { return cmp.Or(a.On.Compare(b.On), a.RecordedAt.Compare(b.RecordedAt)) })
		first, asked := make([]Date, n), make([]bool, n)
		var parts []partEvents
		for _, p := range x.Participations {
			evs := slices.Clone(p.History)
			slices.SortStableFunc(evs, func(a, b ParticipationEvent) int {
				return cmp.Or(a.On.Compare(b.On), a.RecordedAt.Compare(b.RecordedAt))
			})
			parts = append(parts, partEvents{idx: hc.indexOf(p.OrganizationID), evs: evs})
			b, member := hc.orgIdx[p.OrganizationID]
			for _, e := range evs {
				if member && e.State.Participates() {
					first[b] = e.On
					break
				}
			}
		}
		for id, b := range hc.orgIdx {
			asked[b] = f.Collaboration.MemberOn(id, x.ProposedOn) != nil
		}
		hc.parts = append(hc.parts, parts)
		hc.first, hc.asked = append(hc.first, first), append(hc.asked, asked)
		owner, member := hc.orgIdx[x.OwnerID]
		hc.ownerAsked = append(hc.ownerAsked, member && asked[owner])
		if member {
			hc.byOwner[owner] = append(hc.byOwner[owner], i)
		}
	}
	for _, xs := range hc.byOwner {
		slices.SortStableFunc(xs, func(p, q int) int {
			a, b := &f.Initiatives[p], &f.Initiatives[q]
			return cmp.Or(b.ProposedOn.Compare(a.ProposedOn), strings.Compare(a.ID, b.ID))
		})
	}
	hc.benefits = slices.Clone(f.Benefits)
	for i := range hc.benefits {
		rs := slices.Clone(hc.benefits[i].Realisations)
		slices.SortStableFunc(rs, func(a, b Realisation) int {
			return cmp.Or(a.On.Compare(b.On), a.RecordedAt.Compare(b.RecordedAt))
		})
		hc.benefits[i].Realisations = rs
	}
	return hc
}

// indexOf is an organisation's index (orgIdx), or the index after the
// members' for one that never was a member.
func (hc *healthCalc) indexOf(orgID string) int {
	if i, ok := hc.orgIdx[orgID]; ok {
		return i
	}
	return len(hc.orgIdx)
}

// window returns the range [lo, hi) of the n items sorted by day (day(i))
// whose day lies in the months before d (inWindow).
func window(n int, day func(i int) Date, d Date, months int) (int, int) {
	from := d.AddMonths(-months)
	lo := sort.Search(n, func(i int) bool { return day(i).After(from) })
	hi := sort.Search(n, func(i int) bool { return day(i).After(d) })
	return lo, max(lo, hi)
}

// alignOn is Align for the members on day d, computed again only when a
// declaration was made since the last day asked or the members changed:
// what health reads of it (areas, spreads, the pair furthest apart) depends
// on nothing else. (Its warnings about old declarations do, and health
// does not read them.)
func (hc *healthCalc) alignOn(members []string, d Date) Alignment {
	declared := 0
	for i := range hc.f.Ambitions {
		if !hc.f.Ambitions[i].DeclaredOn.After(d) {
			declared++
		}
	}
	key := strconv.Itoa(declared) + "|" + strings.Join(members, ",")
	if key != hc.alignKey {
		hc.alignKey, hc.align = key, Align(hc.f.Ambitions, members, d)
	}
	return hc.align
}

// members returns the organisations that are members on day d, by name.
func (hc *healthCalc) members(d Date) []string {
	var ids []string
	for i := range hc.f.Collaboration.Members {
		if m := &hc.f.Collaboration.Members[i]; m.ActiveOn(d) && !slices.Contains(ids, m.OrganizationID) {
			ids = append(ids, m.OrganizationID)
		}
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(strings.Compare(hc.sortNames[a], hc.sortNames[b]), strings.Compare(a, b))
	})
	return ids
}

// commitmentOn returns a member's commitment on day d: its membership's
// commitment today, with the recorded changes after d undone.
func (hc *healthCalc) commitmentOn(orgID string, d Date) Commitment {
	c := hc.f.Collaboration.MemberOn(orgID, d).Commitment
	evs := hc.f.MemberEvents
	for i := len(evs) - 1; i >= 0; i-- {
		if e := &evs[i]; e.OrganizationID == orgID && e.Kind == MemberCommitment && e.On.After(d) {
			c = Commitment(e.From)
		}
	}
	return c
}

// phaseOn returns an initiative's phase on day d, "" before its proposal;
// its gates are in the order they were passed (newHealthCalc sorts them).
func phaseOn(x *Initiative, d Date) InitiativePhase {
	if x.ProposedOn.After(d) {
		return ""
	}
	p := PhaseIdea
	for _, g := range x.Gates {
		if g.On.After(d) {
			break
		}
		p = g.To
	}
	return p
}

// operatingBy reports whether the initiative reached operation by day d.
func operatingBy(x *Initiative, d Date) bool {
	for _, g := range x.Gates {
		if g.To == PhaseOperation && !g.On.After(d) {
			return true
		}
	}
	return false
}

// share makes a point of num of den.
func share(d Date, num, den int) HealthPoint {
	p := HealthPoint{On: d, Num: num, Den: den, Known: den > 0}
	if den > 0 {
		p.Value = num * 100 / den
	}
	return p
}

// below reports whether num of den is under pct percent.
func below(num, den, pct int) bool { return num*100 < pct*den }

// inWindow reports whether day x lies in the months before d: after d
// less months, up to and including d.
func inWindow(x, d Date, months int) bool { return x.After(d.AddMonths(-months)) && !x.After(d) }

// on computes every indicator on day d; the pairs of opt-in are kept only
// for the last day.
func (hc *healthCalc) on(d Date, last bool) healthDay {
	day := healthDay{points: make([]HealthPoint, len(HealthIndicators))}
	dc := &dayCalc{hc: hc, d: d, last: last, day: &day, members: hc.members(d), isMember: map[string]bool{},
		memberMask: make([]bool, len(hc.orgIdx)+1), // the last index stands for organisations that never were members
		mh:         map[string]*MemberHealth{}, collabPath: "/collaborations/" + hc.f.Collaboration.ID}
	for _, id := range dc.members {
		dc.isMember[id] = true
		dc.memberMask[hc.orgIdx[id]] = true
		dc.mh[id] = &MemberHealth{OrganizationID: id, OrganizationName: hc.orgNames[id], Commitment: hc.commitmentOn(id, d)}
	}
	dc.commitment()
	dc.optIn()
	dc.meetings()
	dc.actionItems()
	dc.decisions()
	dc.ambitions()
	dc.benefits()
	for _, w := range day.warnings {
		day.points[slices.Index(HealthIndicators, w.Indicator)].Warn = true
	}
	for _, id := range dc.members {
		day.members = append(day.members, *dc.mh[id])
	}
	if day.members == nil {
		day.members = []MemberHealth{}
	}
	return day
}

// dayCalc is the calculation of one day: the members on it (as IDs, a set
// and a mask of indexes), their figures, and the day's results.
type dayCalc struct {
	hc         *healthCalc
	d          Date
	last       bool
	members    []string
	isMember   map[string]bool
	memberMask []bool
	mh         map[string]*MemberHealth
	day        *healthDay
	collabPath string
}

// warn records a warning of the indicator; key names what it concerns.
func (dc *dayCalc) warn(ind HealthIndicator, key string, w HealthWarning) {
	w.Indicator, w.Key = ind, string(ind)+":"+key
	dc.day.warnings = append(dc.day.warnings, w)
}

// commitment counts the members' participations in the live initiatives and the moves out of binding.
func (dc *dayCalc) commitment() {
	f, th, c, hc, d := dc.hc.f, dc.hc.th, &dc.hc.f.Collaboration, dc.hc, dc.d
	members, isMember, memberMask, mh, day, collabPath := dc.members, dc.isMember, dc.memberMask, dc.mh, dc.day, dc.collabPath
	var mix CommitmentMix
	memberMix := make([]CommitmentMix, len(hc.orgIdx))
	moved, hadBinding := 0, 0
	from := d.AddMonths(-th.LongWindowMonths)
	for i := range f.Initiatives {
		x := &f.Initiatives[i]
		ph := phaseOn(x, d)
		live := ph != "" && !ph.Final()
		bound, movedHere := false, false
		for _, pe := range hc.parts[i] {
			if !memberMask[pe.idx] {
				continue
			}
			prev := ParticipationState("") // after the loop: the state on d
			for _, e := range pe.evs {
				if e.On.After(d) {
					break
				}
				if e.On.After(from) {
					if prev == ParticipationBinding && (e.State == ParticipationVoluntary || e.State == ParticipationPledged ||
						e.State == ParticipationWithdrawn) {
						movedHere = true
					}
					if e.State == ParticipationBinding || prev == ParticipationBinding {
						bound = true
					}
				}
				prev = e.State
			}
			if prev == ParticipationBinding {
				bound = true
			}
			if live {
				mm := &memberMix[pe.idx]
				switch {
				case prev == ParticipationBinding:
					mix.Binding++
					mm.Binding++
				case prev == ParticipationVoluntary || prev == ParticipationPledged:
					mix.Voluntary++
					mm.Voluntary++
				case prev.Out():
					mix.Out++
					mm.Out++
				}
			}
		}
		if bound {
			hadBinding++
		}
		if movedHere {
			moved++
		}
	}
	day.mix = mix
	day.points[0] = share(d, mix.Binding, mix.Binding+mix.Voluntary+mix.Out)
	if moved >= th.CommitmentMoves {
		dc.warn(IndicatorCommitment, "initiatives", HealthWarning{Num: moved, Den: hadBinding, Evidence: "/initiatives?collaboration=" + c.ID,
			Text: Phrasef("Commitment moved from binding to voluntary or out in %d of %d initiatives in the last %d months", moved, hadBinding, th.LongWindowMonths)})
	}
	for _, e := range f.MemberEvents {
		if e.Kind == MemberCommitment && e.From == string(CommitmentBinding) && e.To == string(CommitmentVoluntary) &&
			inWindow(e.On, d, th.LongWindowMonths) && isMember[e.OrganizationID] {
			dc.warn(IndicatorCommitment, "member:"+e.OrganizationID, HealthWarning{Num: 1, Den: 1, OrganizationID: e.OrganizationID,
				Evidence: collabPath + "#members",
				Text:     Phrasef("%s moved its membership from binding to voluntary on %s", hc.orgNames[e.OrganizationID], e.On)})
		}
	}
	for _, id := range members {
		mm := memberMix[hc.orgIdx[id]]
		mh[id].Binding = share(d, mm.Binding, mm.Binding+mm.Voluntary+mm.Out)
	}
}

// optIn counts how often members join what other members propose, overall and pair by pair.
func (dc *dayCalc) optIn() {
	f, th, c, hc, d := dc.hc.f, dc.hc.th, &dc.hc.f.Collaboration, dc.hc, dc.d
	last, members, mh, day := dc.last, dc.members, dc.mh, dc.day
	asked, joined := 0, 0
	memberAsked, memberJoined := map[string]int{}, map[string]int{}
	for i := range f.Initiatives {
		x := &f.Initiatives[i]
		if x.ProposedOn.After(d) || !inWindow(x.ProposedOn, d, th.LongWindowMonths) || !hc.ownerAsked[i] {
			continue
		}
		for _, other := range members {
			b := hc.orgIdx[other]
			if other == x.OwnerID || !hc.asked[i][b] {
				continue
			}
			asked++
			memberAsked[other]++
			if hc.took(i, b, d) {
				joined++
				memberJoined[other]++
			}
		}
	}
	day.points[1] = share(d, joined, asked)
	for _, id := range members {
		mh[id].OptIn = share(d, memberJoined[id], memberAsked[id])
	}
	idx := make([]int, len(members))
	for k, id := range members {
		idx[k] = hc.orgIdx[id]
	}
	for ka, a := range members {
		xs := hc.byOwner[idx[ka]] // newest first
		for len(xs) > 0 && f.Initiatives[xs[0]].ProposedOn.After(d) {
			xs = xs[1:]
		}
		for kb, bID := range members {
			if ka == kb {
				continue
			}
			b := idx[kb]
			of, took := 0, 0
			for _, i := range xs {
				if of == th.OptInLast {
					break
				}
				if !hc.asked[i][b] {
					continue
				}
				of++
				if hc.took(i, b, d) {
					took++
				}
			}
			if of == 0 {
				continue
			}
			pair := OptInPair{ProposerID: a, ProposerName: hc.orgNames[a], JoinerID: bID, JoinerName: hc.orgNames[bID], Joined: took, Of: of}
			if last {
				day.pairs = append(day.pairs, pair)
			}
			if of >= th.MinOptIn && below(took, of, th.OptIn) {
				dc.warn(IndicatorOptIn, a+">"+bID, HealthWarning{Num: took, Den: of, OrganizationID: bID,
					Evidence: "/initiatives?collaboration=" + c.ID,
					Text:     Phrasef("%s has joined %d of the last %d initiatives %s proposed", pair.JoinerName, took, of, pair.ProposerName)})
			}
		}
	}
	if day.pairs == nil {
		day.pairs = []OptInPair{}
	}
}

// meetings counts the attendance of each member and the meetings each forum held, over the window.
func (dc *dayCalc) meetings() {
	th, hc, d := dc.hc.th, dc.hc, dc.d
	members, memberMask, mh, day, collabPath := dc.members, dc.memberMask, dc.mh, dc.day, dc.collabPath
	expected, present := make([]int, len(hc.orgIdx)+1), make([]int, len(hc.orgIdx)+1)
	forums := map[string]*ForumHealth{}
	lo, hi := window(len(hc.meetings), func(i int) Date { return hc.meetings[i].On }, d, th.WindowMonths)
	for _, m := range hc.meetings[lo:hi] {
		if m.Planned {
			fh := forums[m.ForumID]
			if fh == nil {
				fr := hc.forumByID[m.ForumID]
				if fr == nil {
					continue
				}
				fh = &ForumHealth{ForumID: fr.ID, ForumName: fr.Name, Level: fr.Level}
				forums[m.ForumID] = fh
			}
			fh.Planned++
			switch m.Status {
			case MeetingHeld:
				fh.Held++
			case MeetingCancelled:
				fh.Cancelled++
			default:
				fh.Unmarked++
			}
		}
		if m.Status != MeetingHeld {
			continue
		}
		for _, p := range m.orgs {
			if memberMask[p.idx] {
				expected[p.idx]++
				if p.present {
					present[p.idx]++
				}
			}
		}
	}
	allExp, allPresent := 0, 0
	for _, id := range members {
		k := hc.orgIdx[id]
		allExp += expected[k]
		allPresent += present[k]
		mh[id].Attendance = share(d, present[k], expected[k])
		if expected[k] >= th.MinMeetings && below(present[k], expected[k], th.Attendance) {
			dc.warn(IndicatorAttendance, id, HealthWarning{Num: present[k], Den: expected[k], OrganizationID: id,
				Evidence: collabPath + "/forums",
				Text: Phrasef("%s attended %d of %d meetings in the last %d months", hc.orgNames[id], present[k], expected[k],
					th.WindowMonths)})
		}
	}
	day.points[2] = share(d, allPresent, allExp)
	planned, held := 0, 0
	for _, fh := range forums {
		day.forums = append(day.forums, *fh)
		planned += fh.Planned
		held += fh.Held
	}
	slices.SortFunc(day.forums, func(a, b ForumHealth) int {
		return cmp.Or(slices.Index(ForumLevels, a.Level)-slices.Index(ForumLevels, b.Level), strings.Compare(a.ForumName, b.ForumName),
			strings.Compare(a.ForumID, b.ForumID))
	})
	for _, fh := range day.forums {
		if fh.Planned >= 2 && below(fh.Held, fh.Planned, th.MeetingsHeld) {
			dc.warn(IndicatorMeetings, fh.ForumID, HealthWarning{Num: fh.Held, Den: fh.Planned, ForumID: fh.ForumID,
				Evidence: "/forums/" + fh.ForumID,
				Text:     Phrasef("%s held %d of %d planned meetings in the last %d months", fh.ForumName, fh.Held, fh.Planned, th.WindowMonths)})
		}
	}
	if day.forums == nil {
		day.forums = []ForumHealth{}
	}
	day.points[3] = share(d, held, planned)
}

// actionItems counts the action items due in the window done on time.
func (dc *dayCalc) actionItems() {
	th, hc, d := dc.hc.th, dc.hc, dc.d
	members, mh, day, collabPath := dc.members, dc.mh, dc.day, dc.collabPath
	due, onTime := 0, 0
	memberDue, memberOnTime := map[string]int{}, map[string]int{}
	lo, hi := window(len(hc.actions), func(i int) Date { return *hc.actions[i].Due }, d, th.WindowMonths)
	for _, a := range hc.actions[lo:hi] {
		ok := a.DoneOn != nil && !a.DoneOn.After(*a.Due) && !a.DoneOn.After(d)
		due++
		memberDue[a.OrganizationID]++
		if ok {
			onTime++
			memberOnTime[a.OrganizationID]++
		}
	}
	day.points[4] = share(d, onTime, due)
	for _, id := range members {
		mh[id].ActionItems = share(d, memberOnTime[id], memberDue[id])
	}
	if due >= th.MinActionItems && below(onTime, due, th.ActionsOnTime) {
		dc.warn(IndicatorActionItems, "all", HealthWarning{Num: onTime, Den: due, Evidence: collabPath + "/action-items",
			Text: Phrasef("%d of %d action items due in the last %d months were done on time", onTime, due, th.WindowMonths)})
	}
}

// decisions counts the decisions put to a vote in the window that were reached.
func (dc *dayCalc) decisions() {
	th, hc, d := dc.hc.th, dc.hc, dc.d
	day, collabPath := dc.day, dc.collabPath
	total, reached := 0, 0
	lo, hi := window(len(hc.decisions), func(i int) Date { return hc.decisions[i].DecidedOn }, d, th.WindowMonths)
	for _, x := range hc.decisions[lo:hi] {
		total++
		if x.Status == DecisionClosed && (x.Outcome.Result == OutcomeAdopted || x.Outcome.Result == OutcomeRejected) {
			reached++
		}
	}
	day.points[5] = share(d, reached, total)
	if total >= th.MinDecisions && below(reached, total, th.DecisionsReached) {
		dc.warn(IndicatorDecisions, "all", HealthWarning{Num: reached, Den: total, Evidence: collabPath + "/decisions",
			Text: Phrasef("%d of %d decisions in the last %d months were reached; the others were deferred or lacked a quorum",
				reached, total, th.WindowMonths)})
	}
}

// ambitions compares the members' ambitions on the day, area by area.
func (dc *dayCalc) ambitions() {
	th, hc, d := dc.hc.th, dc.hc, dc.d
	members, day, collabPath := dc.members, dc.day, dc.collabPath
	al := hc.alignOn(members, d)
	day.areas = al.Areas
	day.points[6] = HealthPoint{On: d, Value: al.MaxSpread, Num: al.MaxSpread, Den: 4, Known: al.Furthest != nil}
	for _, aa := range al.Areas {
		if len(aa.Levels) < 2 || aa.Spread < th.AmbitionSpread {
			continue
		}
		lo, hi := "", ""
		for _, id := range members {
			if l, ok := aa.Levels[id]; ok {
				if l == aa.Min && lo == "" {
					lo = id
				}
				if l == aa.Max && hi == "" {
					hi = id
				}
			}
		}
		dc.warn(IndicatorAmbitions, string(aa.Area), HealthWarning{Num: aa.Spread, Den: 4, Area: aa.Area, Evidence: collabPath + "/ambitions",
			Text: Phrasef("Ambition for %s differs by %d levels: %s %d, %s %d", Term(aa.Area), aa.Spread,
				hc.orgNames[hi], aa.Max, hc.orgNames[lo], aa.Min)})
	}
}

// benefits sums the benefits realised of the initiatives in operation for the window's months.
func (dc *dayCalc) benefits() {
	f, th, c, hc, d := dc.hc.f, dc.hc.th, &dc.hc.f.Collaboration, dc.hc, dc.d
	day := dc.day
	inOperation := map[string]bool{}
	for i := range f.Initiatives {
		if operatingBy(&f.Initiatives[i], d.AddMonths(-th.WindowMonths)) {
			inOperation[f.Initiatives[i].ID] = true
		}
	}
	sums := map[BenefitKind][2]DKK{}
	for i := range hc.benefits {
		b := &hc.benefits[i]
		if !inOperation[b.InitiativeID] || b.Kind == BenefitQuality {
			continue
		}
		var realised DKK
		for _, r := range b.Realisations {
			if r.On.After(d) {
				break
			}
			realised = r.Value
		}
		s := sums[b.Kind]
		s[0] += b.Planned
		s[1] += realised
		sums[b.Kind] = s
	}
	day.points[7] = HealthPoint{On: d}
	for _, k := range []BenefitKind{BenefitMoney, BenefitHours} {
		s := sums[k]
		if s[0] <= 0 {
			continue
		}
		pct := int(s[1] * 100 / s[0])
		if !day.points[7].Known {
			day.points[7] = HealthPoint{On: d, Value: pct, Num: int(s[1] / 100), Den: int(s[0] / 100), Known: true}
		}
		if int64(s[1])*100 < int64(th.BenefitsRealised)*int64(s[0]) {
			text := Phrasef("Benefits realised: %d %% of the planned money a year (%d of %d kr.)", pct, Number(s[1]/100), Number(s[0]/100))
			if k == BenefitHours {
				text = Phrasef("Benefits realised: %d %% of the planned hours a year (%d of %d hours)", pct, Number(s[1]/100), Number(s[0]/100))
			}
			dc.warn(IndicatorBenefits, string(k), HealthWarning{Num: int(s[1] / 100), Den: int(s[0] / 100),
				Evidence: "/initiatives?collaboration=" + c.ID, Text: text})
		}
	}
}

// took reports whether the organisation with index b took part in the
// i-th initiative (pledged, voluntary or binding) at any time by day d.
func (hc *healthCalc) took(i, b int, d Date) bool {
	first := hc.first[i][b]
	return !first.IsZero() && !first.After(d)
}
