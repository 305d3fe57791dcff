package samspil

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// An initiative's money and what it brings: budget lines, the cost shares
// they give every participant, planned and realised benefits, and the
// lessons the participants draw.

// BudgetKind says whether a budget line is paid once or every year.
type BudgetKind string

// Budget kinds.
const (
	BudgetDevelopment BudgetKind = "development" // one-off development
	BudgetOperation   BudgetKind = "operation"   // yearly operation and maintenance
)

// BudgetKinds lists the kinds.
var BudgetKinds = []BudgetKind{BudgetDevelopment, BudgetOperation}

// BudgetLine is one line of an initiative's budget.
type BudgetLine struct {
	ID          string     `json:"id"`
	Kind        BudgetKind `json:"kind"`
	Title       string     `json:"title"`
	Amount      DKK        `json:"amount" doc:"DKK; a year's amount for operation"`
	Year        int        `json:"year,omitempty" doc:"The year a development cost falls in, or the first year of operation"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	Description string     `json:"description,omitempty"`
}

// BudgetLineInput adds or replaces a budget line.
type BudgetLineInput struct {
	Kind        BudgetKind `json:"kind"`
	Title       string     `json:"title" minLength:"1" maxLength:"300"`
	Amount      DKK        `json:"amount" doc:"DKK with at most two decimals, not negative"`
	Year        int        `json:"year,omitempty"`
	Description string     `json:"description,omitempty" maxLength:"4000"`
}

// Validate checks a budget line's own fields.
func (in *BudgetLineInput) Validate() error {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	var v Validation
	v.OneOf("kind", in.Kind)
	v.Check(in.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(in.Title) <= 300, "title", "must be at most 300 characters")
	v.Check(in.Amount >= 0, "amount", "must not be negative")
	v.Check(in.Amount <= 1e15, "amount", "is too large")
	v.Check(in.Year == 0 || (in.Year >= 1900 && in.Year <= 2200), "year", "must be a year such as 2027, or empty")
	v.Check(utf8.RuneCountInString(in.Description) <= 4000, "description", "must be at most 4000 characters")
	return v.Err()
}

// BudgetSummary is the totals of an initiative's budget lines.
type BudgetSummary struct {
	Development DKK `json:"development" doc:"One-off development, DKK"`
	Operation   DKK `json:"operation" doc:"Yearly operation, DKK a year"`
}

// CostShares is the calculator of an initiative: every participant's
// share of the development and the yearly operation under every key,
// side by side.
type CostShares struct {
	InitiativeID   string                `json:"initiative_id"`
	Chosen         CostKey               `json:"chosen" doc:"The initiative's chosen key"`
	PopulationYear int                   `json:"population_year,omitempty"`
	Development    DKK                   `json:"development" doc:"The one-off development budget"`
	Operation      DKK                   `json:"operation" doc:"The yearly operation budget"`
	Participants   []CostParticipantView `json:"participants" doc:"The organisations that take part (pledged, voluntary or binding)"`
	Keys           []KeyShares           `json:"keys" doc:"One entry per cost key, in the order of the keys"`
}

// CostParticipantView is a participant as the calculator sees it.
type CostParticipantView struct {
	OrganizationID   string             `json:"organization_id"`
	OrganizationName string             `json:"organization_name"`
	State            ParticipationState `json:"state"`
	Population       int                `json:"population"`
	BasisPoints      int                `json:"basis_points"`
}

// KeyShares is the split under one key: the shares in the order of the
// participants, or why the key cannot split (e.g. percentages missing).
type KeyShares struct {
	Key         CostKey `json:"key"`
	Development []DKK   `json:"development,omitempty"`
	Operation   []DKK   `json:"operation,omitempty"`
	// DevelopmentTotal and OperationTotal are the sums of the shares: the
	// budget, except under the staircase key, where the price per
	// participant makes the total.
	DevelopmentTotal DKK    `json:"development_total"`
	OperationTotal   DKK    `json:"operation_total"`
	Problem          string `json:"problem,omitempty" doc:"Why the key cannot split, e.g. percentages that do not sum to 100"`
	// Err is the problem as an error, for pages to translate.
	Err error `json:"-"`
}

// CostParticipants are the organisations that share the initiative's
// costs (those whose participation Participates), in the order of its
// participations, with their populations and fixed percentages.
func (x *Initiative) CostParticipants() []CostParticipantView {
	basis := make(map[string]int, len(x.Cost.FixedShares))
	for _, f := range x.Cost.FixedShares {
		basis[f.OrganizationID] = f.BasisPoints
	}
	out := []CostParticipantView{}
	for _, p := range x.Participations {
		if p.State.Participates() {
			out = append(out, CostParticipantView{OrganizationID: p.OrganizationID, OrganizationName: p.OrganizationName, State: p.State,
				Population: p.Population, BasisPoints: basis[p.OrganizationID]})
		}
	}
	return out
}

// CostShares splits the initiative's budget (its Budget totals) among its
// participants (CostParticipants) under every key, side by side. A key
// that cannot split says why instead of failing the others.
func (x *Initiative) CostShares() *CostShares {
	dev, op, ps := x.Budget.Development, x.Budget.Operation, x.CostParticipants()
	out := &CostShares{InitiativeID: x.ID, Chosen: x.Cost.Key, PopulationYear: x.Cost.PopulationYear, Development: dev, Operation: op,
		Participants: ps, Keys: []KeyShares{}}
	cps := make([]CostParticipant, len(ps))
	for i, p := range ps {
		cps[i] = CostParticipant{OrganizationID: p.OrganizationID, Population: p.Population, BasisPoints: p.BasisPoints}
	}
	params := x.Cost.Params()
	for _, key := range CostKeys {
		ks := KeyShares{Key: key}
		d, err := SplitCost(key, dev, cps, params)
		if err == nil {
			var o *CostSplit
			if o, err = SplitCost(key, op, cps, params); err == nil {
				ks.Development, ks.Operation, ks.DevelopmentTotal, ks.OperationTotal = d.Shares, o.Shares, d.Total, o.Total
			}
		}
		if err != nil {
			ks.Err, ks.Problem = err, problemText(err)
		}
		out.Keys = append(out.Keys, ks)
	}
	return out
}

// problemText is the English text of a split's problems, one per field.
func problemText(err error) string {
	e, ok := err.(*Error)
	if !ok || len(e.Fields) == 0 {
		return ErrorMessage(err)
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Path + ": " + f.Message
	}
	return strings.Join(parts, "; ")
}

// BenefitKind says how a benefit is measured.
type BenefitKind string

// Benefit kinds.
const (
	BenefitMoney   BenefitKind = "money"   // DKK a year
	BenefitHours   BenefitKind = "hours"   // hours a year
	BenefitQuality BenefitKind = "quality" // a value of a named measure
)

// BenefitKinds lists the kinds.
var BenefitKinds = []BenefitKind{BenefitMoney, BenefitHours, BenefitQuality}

// Benefit is a benefit one participant plans to realise (gevinst), with
// the values realised over time.
type Benefit struct {
	ID               string        `json:"id"`
	InitiativeID     string        `json:"initiative_id"`
	OrganizationID   string        `json:"organization_id"`
	OrganizationName string        `json:"organization_name" readOnly:"true"`
	Kind             BenefitKind   `json:"kind"`
	Title            string        `json:"title"`
	Measure          string        `json:"measure,omitempty" doc:"What is measured, for a quality benefit, e.g. citizen satisfaction 1-5"`
	Planned          DKK           `json:"planned" doc:"The planned value a year: DKK, hours, or the measure's value; two decimals"`
	OwnerName        string        `json:"owner_name" doc:"Who in the organisation answers for realising it"`
	Plan             string        `json:"plan,omitempty" doc:"How it will be realised"`
	Realisations     []Realisation `json:"realisations" readOnly:"true"`
	Realised         DKK           `json:"realised" readOnly:"true" doc:"The newest realised value"`
	Version          int           `json:"version"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
}

// Realisation is a realised value of a benefit, as measured on a day.
type Realisation struct {
	ID         string    `json:"id"`
	On         Date      `json:"on" format:"date"`
	Value      DKK       `json:"value" doc:"The realised value a year, in the benefit's unit"`
	Note       string    `json:"note,omitempty"`
	ByName     string    `json:"by_name" readOnly:"true"`
	RecordedAt time.Time `json:"recorded_at" readOnly:"true"`
}

// BenefitInput plans a benefit for one participant, by its own
// representatives.
type BenefitInput struct {
	OrganizationID string      `json:"organization_id" doc:"The participant whose benefit it is (ID or municipality code)"`
	Kind           BenefitKind `json:"kind"`
	Title          string      `json:"title" minLength:"1" maxLength:"300"`
	Measure        string      `json:"measure,omitempty" maxLength:"300"`
	Planned        DKK         `json:"planned"`
	OwnerName      string      `json:"owner_name" minLength:"1" maxLength:"200"`
	Plan           string      `json:"plan,omitempty" maxLength:"4000"`
}

// Validate checks a benefit's own fields.
func (in *BenefitInput) Validate() error {
	in.Title, in.Measure, in.OwnerName, in.Plan = strings.TrimSpace(in.Title), strings.TrimSpace(in.Measure),
		strings.TrimSpace(in.OwnerName), strings.TrimSpace(in.Plan)
	var v Validation
	v.Check(in.OrganizationID != "", "organization_id", "is required")
	v.OneOf("kind", in.Kind)
	v.Check(in.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(in.Title) <= 300, "title", "must be at most 300 characters")
	v.Check(in.Kind != BenefitQuality || in.Measure != "", "measure", "must say what is measured")
	v.Check(utf8.RuneCountInString(in.Measure) <= 300, "measure", "must be at most 300 characters")
	v.Check(in.Planned >= 0, "planned", "must not be negative")
	v.Check(in.OwnerName != "", "owner_name", "must name who answers for realising it")
	v.Check(utf8.RuneCountInString(in.OwnerName) <= 200, "owner_name", "must be at most 200 characters")
	v.Check(utf8.RuneCountInString(in.Plan) <= 4000, "plan", "must be at most 4000 characters")
	return v.Err()
}

// RealisationInput records a realised value of a benefit.
type RealisationInput struct {
	On    Date   `json:"on" format:"date"`
	Value DKK    `json:"value"`
	Note  string `json:"note,omitempty" maxLength:"2000"`
}

// Validate checks a realisation on day today.
func (in *RealisationInput) Validate(today Date) error {
	in.Note = strings.TrimSpace(in.Note)
	var v Validation
	v.Check(!in.On.IsZero(), "on", "is required")
	v.Check(!in.On.After(today), "on", "must not be in the future: record what was realised")
	v.Check(in.Value >= 0, "value", "must not be negative")
	v.Check(utf8.RuneCountInString(in.Note) <= 2000, "note", "must be at most 2000 characters")
	return v.Err()
}

// BenefitSummary sums planned and realised benefits of one kind, for an
// initiative or one participant.
type BenefitSummary struct {
	Kind     BenefitKind `json:"kind"`
	Planned  DKK         `json:"planned"`
	Realised DKK         `json:"realised"`
}

// SummarizeBenefits sums the benefits by kind, in the order of the kinds;
// kinds without benefits are left out. Quality benefits of different
// measures are not summed: use them one by one.
func SummarizeBenefits(bs []Benefit) []BenefitSummary {
	var out []BenefitSummary
	for _, k := range BenefitKinds {
		if k == BenefitQuality {
			continue
		}
		s, any := BenefitSummary{Kind: k}, false
		for _, b := range bs {
			if b.Kind == k {
				s.Planned += b.Planned
				s.Realised += b.Realised
				any = true
			}
		}
		if any {
			out = append(out, s)
		}
	}
	return out
}

// Lesson is what participants learned (erfaring), at a gate, at closing or
// from a collaboration as a whole.
type Lesson struct {
	ID                string          `json:"id"`
	InitiativeID      string          `json:"initiative_id,omitempty"`
	InitiativeTitle   string          `json:"initiative_title,omitempty" readOnly:"true"`
	CollaborationID   string          `json:"collaboration_id,omitempty"`
	CollaborationName string          `json:"collaboration_name,omitempty" readOnly:"true"`
	OrganizationID    string          `json:"organization_id" doc:"The organisation whose lesson it is"`
	OrganizationName  string          `json:"organization_name" readOnly:"true"`
	Phase             InitiativePhase `json:"phase,omitempty" doc:"The phase it was drawn in, for a lesson of an initiative"`
	Title             string          `json:"title"`
	WhatWorked        string          `json:"what_worked,omitempty"`
	WhatDidNot        string          `json:"what_did_not,omitempty"`
	Tags              []string        `json:"tags"`
	On                Date            `json:"on" format:"date"`
	ByName            string          `json:"by_name" readOnly:"true"`
	CreatedAt         time.Time       `json:"created_at"`
}

// LessonInput records a lesson for one organisation, by its own
// representatives, about an initiative it takes part in or owns, or a
// collaboration it is or was a member of.
type LessonInput struct {
	InitiativeID    string   `json:"initiative_id,omitempty" doc:"The initiative it comes from; or give collaboration_id"`
	CollaborationID string   `json:"collaboration_id,omitempty" doc:"The collaboration it comes from, for a lesson about it as a whole"`
	OrganizationID  string   `json:"organization_id" doc:"The organisation whose lesson it is (ID or municipality code)"`
	Title           string   `json:"title" minLength:"1" maxLength:"300"`
	WhatWorked      string   `json:"what_worked,omitempty" maxLength:"10000"`
	WhatDidNot      string   `json:"what_did_not,omitempty" maxLength:"10000"`
	Tags            []string `json:"tags,omitempty" maxItems:"20"`
	On              *Date    `json:"on,omitempty" format:"date" doc:"Defaults to today"`
}

// Validate checks a lesson's own fields on day today, and normalizes its
// tags (trimmed, lower case, sorted, once each).
func (in *LessonInput) Validate(today Date) error {
	in.Title, in.WhatWorked, in.WhatDidNot = strings.TrimSpace(in.Title), strings.TrimSpace(in.WhatWorked), strings.TrimSpace(in.WhatDidNot)
	var v Validation
	v.Check(in.InitiativeID != "" || in.CollaborationID != "", "initiative_id", "must name the initiative or the collaboration the lesson comes from")
	v.Check(in.OrganizationID != "", "organization_id", "is required")
	v.Check(in.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(in.Title) <= 300, "title", "must be at most 300 characters")
	v.Check(in.WhatWorked != "" || in.WhatDidNot != "", "what_worked", "say what worked or what did not")
	v.Check(utf8.RuneCountInString(in.WhatWorked) <= 10000, "what_worked", "must be at most 10000 characters")
	v.Check(utf8.RuneCountInString(in.WhatDidNot) <= 10000, "what_did_not", "must be at most 10000 characters")
	v.Check(in.On == nil || !in.On.After(today), "on", "must not be in the future")
	v.Check(len(in.Tags) <= 20, "tags", "must be at most 20 tags")
	seen := map[string]bool{}
	var tags []string
	for i, t := range in.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		v.Check(utf8.RuneCountInString(t) <= 50, "tags["+strconv.Itoa(i)+"]", "must be at most 50 characters")
		if t != "" && !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	slices.Sort(tags)
	in.Tags = tags
	return v.Err()
}

// LessonFilter selects lessons in the log.
type LessonFilter struct {
	Query           string // words of the title or the text
	Tag             string
	InitiativeID    string
	CollaborationID string
	ListOptions
}
