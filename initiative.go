package samspil

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Joint initiatives (DESIGN §3.5 and the initiatives issue): the phases an
// initiative moves through, the gates between them and the must-criteria
// a proposal is qualified against. The rules are here, in the domain, so
// that the store, the API and the pages all ask the same questions.

// InitiativePhase is where an initiative is in its life.
type InitiativePhase string

// Phases, in order; closed and stopped are final.
const (
	PhaseIdea          InitiativePhase = "idea"
	PhaseQualification InitiativePhase = "qualification"
	PhaseAnalysis      InitiativePhase = "analysis"
	PhaseExecution     InitiativePhase = "execution"
	PhaseOperation     InitiativePhase = "operation"
	PhaseClosed        InitiativePhase = "closed"
	PhaseStopped       InitiativePhase = "stopped"
)

// InitiativePhases lists the phases in order, stopped last.
var InitiativePhases = []InitiativePhase{PhaseIdea, PhaseQualification, PhaseAnalysis, PhaseExecution, PhaseOperation, PhaseClosed, PhaseStopped}

// Final reports whether nothing follows the phase.
func (p InitiativePhase) Final() bool { return p == PhaseClosed || p == PhaseStopped }

// Next is the phase a gate from p leads to, and false from a final phase.
func (p InitiativePhase) Next() (InitiativePhase, bool) {
	for i, x := range InitiativePhases[:len(InitiativePhases)-2] {
		if x == p {
			return InitiativePhases[i+1], true
		}
	}
	return "", false
}

// InitiativeModel is how an initiative is carried out.
type InitiativeModel string

// Models.
const (
	ModelImplementation      InitiativeModel = "implementation"
	ModelProcurement         InitiativeModel = "procurement"
	ModelOperationsSupport   InitiativeModel = "operations_support"
	ModelBusinessDevelopment InitiativeModel = "business_development"
	ModelKnowledgeSharing    InitiativeModel = "knowledge_sharing"
	ModelOpenSourceProduct   InitiativeModel = "open_source_product"
)

// InitiativeModels lists the models.
var InitiativeModels = []InitiativeModel{ModelImplementation, ModelProcurement, ModelOperationsSupport, ModelBusinessDevelopment,
	ModelKnowledgeSharing, ModelOpenSourceProduct}

// Criterion is a must-criterion of qualification.
type Criterion string

// The must-criteria.
const (
	CriterionNeedConfirmed      Criterion = "need_confirmed"      // the need is confirmed by at least two organisations
	CriterionOwnerNamed         Criterion = "owner_named"         // a named owner
	CriterionCompetencesStaffed Criterion = "competences_staffed" // the competences it needs are staffed
	CriterionDevelopmentFunded  Criterion = "development_funded"  // funding for development
	CriterionMaintenanceFunded  Criterion = "maintenance_funded"  // funding for later maintenance
	CriterionLongTermOwnership  Criterion = "long_term_ownership" // who owns it in the long term
	CriterionStrategyGoal       Criterion = "strategy_goal"       // it serves a goal of a strategy
)

// Criteria lists the must-criteria in the order they are asked.
var Criteria = []Criterion{CriterionNeedConfirmed, CriterionOwnerNamed, CriterionCompetencesStaffed, CriterionDevelopmentFunded,
	CriterionMaintenanceFunded, CriterionLongTermOwnership, CriterionStrategyGoal}

// NeedConfirmations is how many organisations must confirm the need.
const NeedConfirmations = 2

// CriterionAnswer answers a must-criterion with its evidence.
type CriterionAnswer struct {
	Criterion Criterion `json:"criterion"`
	Met       bool      `json:"met"`
	Evidence  string    `json:"evidence" maxLength:"4000" doc:"What shows it: a document, a decision, a named person or budget line"`
	// ConfirmedBy are the organisations that confirm the need (the
	// need_confirmed criterion only).
	ConfirmedBy []string `json:"confirmed_by,omitempty" doc:"Organisations that confirm the need (need_confirmed only)"`
}

// GateInput asks to move an initiative through a gate: to the next phase,
// or to stopped with a reason. Inside a collaboration the gate is passed
// by one of its decisions; outside, by a recorded approval of the owner.
type GateInput struct {
	To         InitiativePhase `json:"to"`
	On         Date            `json:"on" format:"date"`
	DecisionID string          `json:"decision_id,omitempty" doc:"The collaboration's decision that passes the gate (initiatives of a collaboration)"`
	ApprovedBy string          `json:"approved_by,omitempty" maxLength:"200" doc:"Who approved it for the owner (initiatives outside a collaboration)"`
	Reason     string          `json:"reason,omitempty" maxLength:"2000" doc:"Why it stops (required when to is stopped)"`
}

// CheckGate checks a gate from phase from by the rules: only to the next
// phase or to stopped (with a reason) from a phase that is not final; by a
// decision inside a collaboration (inCollaboration) or an approval outside
// it; and out of qualification only with every must-criterion met, with
// evidence, and the need confirmed by NeedConfirmations different
// organisations. Each problem names its field ("criteria.owner_named").
// Whether the decision exists and was adopted is the store's to check.
func CheckGate(from InitiativePhase, in GateInput, inCollaboration bool, answers []CriterionAnswer) error {
	var v Validation
	if !slices.Contains(InitiativePhases, in.To) || in.To == PhaseIdea {
		v.Add("to", "must be a phase after idea, or stopped")
		return v.Err()
	}
	next, open := from.Next()
	switch {
	case !open:
		v.Add("to", "the initiative is %s; nothing follows", Term(from))
	case in.To == PhaseStopped:
		v.Check(strings.TrimSpace(in.Reason) != "", "reason", "must say why the initiative stops")
	case in.To != next:
		v.Add("to", "must be %s (the next phase) or stopped", Term(next))
	}
	v.Check(!in.On.IsZero(), "on", "must be given")
	if inCollaboration {
		v.Check(in.DecisionID != "", "decision_id", "must name the collaboration's decision that passes the gate")
	} else {
		v.Check(strings.TrimSpace(in.ApprovedBy) != "", "approved_by", "must name who approved it for the owner")
	}
	if from == PhaseQualification && in.To == next {
		checkCriteria(&v, answers)
	}
	return v.Err()
}

// checkCriteria records every must-criterion that is not met with evidence.
func checkCriteria(v *Validation, answers []CriterionAnswer) {
	byCriterion := map[Criterion]CriterionAnswer{}
	for _, a := range answers {
		byCriterion[a.Criterion] = a
	}
	for _, c := range Criteria {
		a, ok := byCriterion[c]
		path := "criteria." + string(c)
		switch {
		case !ok || !a.Met:
			v.Add(path, "is not met: %s", Term(c))
		case strings.TrimSpace(a.Evidence) == "":
			v.Add(path, "needs its evidence")
		case c == CriterionNeedConfirmed && distinct(a.ConfirmedBy) < NeedConfirmations:
			v.Add(path, "needs the need confirmed by at least %d organisations", NeedConfirmations)
		}
	}
}

// distinct counts the different non-empty values.
func distinct(xs []string) int {
	seen := map[string]bool{}
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			seen[x] = true
		}
	}
	return len(seen)
}

func init() {
	RegisterEnum(InitiativePhases)
	RegisterEnum(InitiativeModels)
	RegisterEnum(Criteria)
	RegisterEnum(ParticipationStates)
	RegisterEnum(BudgetKinds)
	RegisterEnum(BenefitKinds)
}

// Initiative is a joint project (initiativ, projekt, løsning): proposed by
// an owner organisation, inside a collaboration or open to any
// organisation, carried through phases and gates, with organisations that
// each decide for themselves whether and how firmly they take part.
type Initiative struct {
	ID                string          `json:"id"`
	Title             string          `json:"title"`
	Description       string          `json:"description"`
	OwnerID           string          `json:"owner_id" doc:"The organisation that owns the initiative"`
	OwnerName         string          `json:"owner_name" readOnly:"true"`
	CollaborationID   string          `json:"collaboration_id,omitempty" doc:"The collaboration it belongs to; empty for an initiative open to any organisation"`
	CollaborationName string          `json:"collaboration_name,omitempty" readOnly:"true"`
	Model             InitiativeModel `json:"model"`
	Phase             InitiativePhase `json:"phase" readOnly:"true"`
	PhaseSince        Date            `json:"phase_since" format:"date" readOnly:"true"`
	ProposedOn        Date            `json:"proposed_on" format:"date" readOnly:"true" doc:"The day it was proposed"`
	StopReason        string          `json:"stop_reason,omitempty" readOnly:"true"`
	Visibility        Visibility      `json:"visibility" doc:"Who sees it besides the owner, its participants and the members of its collaboration"`
	Tasks             []string        `json:"tasks" doc:"KLE codes of the tasks it serves"`
	Systems           []SystemRef     `json:"systems" doc:"Related systems of the catalogue"`
	Goals             []GoalRef       `json:"goals" doc:"The strategy goals it serves"`
	ExpectedBenefits  string          `json:"expected_benefits"`
	ContactName       string          `json:"contact_name"`
	ContactEmail      string          `json:"contact_email"`
	Cost              CostSettings    `json:"cost"`
	// Read-only parts, kept by their own operations.
	Budget            BudgetSummary      `json:"budget" readOnly:"true" doc:"The totals of its budget lines"`
	Criteria          []CriterionAnswer  `json:"criteria" readOnly:"true" doc:"Answers to the must-criteria; need_confirmed is computed from the organisations' own confirmations"`
	NeedConfirmations []NeedConfirmation `json:"need_confirmations" readOnly:"true"`
	Gates             []Gate             `json:"gates" readOnly:"true"`
	Participations    []Participation    `json:"participations" readOnly:"true"`
	Version           int                `json:"version"`
	CreatedAt         time.Time          `json:"created_at"`
	UpdatedAt         time.Time          `json:"updated_at"`
}

// SystemRef names a catalogue system.
type SystemRef struct {
	ID   string `json:"id"`
	Name string `json:"name" readOnly:"true"`
}

// GoalRef names a goal of a strategy: its number (from 1) in the
// strategy's list.
type GoalRef struct {
	StrategyID    string `json:"strategy_id"`
	Goal          int    `json:"goal" minimum:"1" doc:"The goal's number in the strategy, from 1"`
	StrategyTitle string `json:"strategy_title,omitempty" readOnly:"true"`
	GoalTitle     string `json:"goal_title,omitempty" readOnly:"true"`
}

// CostSettings say how an initiative's costs are shared: the chosen key and
// what the keys need.
type CostSettings struct {
	Key                   CostKey      `json:"key" doc:"The chosen cost key; the calculator shows every key"`
	PopulationYear        int          `json:"population_year,omitempty" doc:"The year of the population figures; 0 for each participant's newest"`
	DegressiveAbove       int          `json:"degressive_above,omitempty" doc:"Per capita degressive: inhabitants above this count less; default 150000"`
	DegressiveNumerator   int          `json:"degressive_numerator,omitempty" doc:"Per capita degressive: inhabitants above count numerator/denominator; default 1/2"`
	DegressiveDenominator int          `json:"degressive_denominator,omitempty"`
	SizeClasses           []SizeClass  `json:"size_classes,omitempty" maxItems:"20" doc:"Size classes; default OS2's four classes priced 1:2:3:4"`
	Staircase             []StairStep  `json:"staircase,omitempty" maxItems:"50" doc:"Staircase: the price per participant from a number of participants on"`
	FixedShares           []FixedShare `json:"fixed_shares,omitempty" maxItems:"200" doc:"Fixed percentages of the participants, summing to 100"`
}

// FixedShare is one participant's share under fixed percentages.
type FixedShare struct {
	OrganizationID string `json:"organization_id"`
	BasisPoints    int    `json:"basis_points" minimum:"0" maximum:"10000" doc:"Hundredths of a per cent: 2500 is 25 %"`
}

// Params returns the parameters SplitCost takes.
func (c CostSettings) Params() CostParams {
	p := CostParams{DegressiveAbove: c.DegressiveAbove, SizeClasses: c.SizeClasses, Staircase: c.Staircase}
	if c.DegressiveDenominator > 0 {
		p.DegressiveFactor = [2]int{c.DegressiveNumerator, c.DegressiveDenominator}
	}
	return p
}

// Validate checks the settings' own fields; whether fixed shares sum to
// 100 % is checked against the participants by the calculator.
func (c *CostSettings) Validate() error {
	var v Validation
	v.OneOf("cost.key", c.Key)
	v.Check(c.PopulationYear == 0 || (c.PopulationYear >= 1900 && c.PopulationYear <= 2200), "cost.population_year", "must be a year such as 2025, or empty")
	v.Check(c.DegressiveAbove >= 0, "cost.degressive_above", "must not be negative")
	if c.DegressiveDenominator != 0 || c.DegressiveNumerator != 0 {
		v.Check(c.DegressiveDenominator > 0 && c.DegressiveNumerator >= 0 && c.DegressiveNumerator <= c.DegressiveDenominator,
			"cost.degressive_numerator", "must be between 0 and the denominator")
	}
	if len(c.SizeClasses) > 0 {
		var sv Validation
		checkSizeClasses(&sv, c.SizeClasses)
		v.Merge(RenameFields(sv.Err(), func(p string) string { return "cost." + p }))
	}
	if len(c.Staircase) > 0 {
		var sv Validation
		checkStaircase(&sv, c.Staircase)
		v.Merge(RenameFields(sv.Err(), func(p string) string { return "cost." + p }))
	}
	seen := map[string]bool{}
	for i, f := range c.FixedShares {
		path := "cost.fixed_shares[" + strconv.Itoa(i) + "]"
		v.Check(f.OrganizationID != "", path+".organization_id", "is required")
		v.Check(!seen[f.OrganizationID], path+".organization_id", "is listed twice")
		seen[f.OrganizationID] = true
		v.Check(f.BasisPoints >= 0 && f.BasisPoints <= 10000, path+".basis_points", "must be between 0 and 10000 (0 to 100 %%)")
	}
	return v.Err()
}

// NeedConfirmation is an organisation's own confirmation that it has the
// need an initiative answers.
type NeedConfirmation struct {
	OrganizationID   string `json:"organization_id"`
	OrganizationName string `json:"organization_name" readOnly:"true"`
	On               Date   `json:"on" format:"date"`
	Evidence         string `json:"evidence"`
	ByName           string `json:"by_name" readOnly:"true"`
}

// NeedConfirmationInput confirms the need for one organisation, by its own
// representatives.
type NeedConfirmationInput struct {
	OrganizationID string `json:"organization_id" doc:"The organisation that confirms (ID or municipality code)"`
	Evidence       string `json:"evidence" minLength:"1" maxLength:"4000" doc:"What shows the need: a case, a decision, figures"`
	On             *Date  `json:"on,omitempty" format:"date" doc:"Defaults to today"`
}

// Validate checks a confirmation's own fields on day today.
func (in *NeedConfirmationInput) Validate(today Date) error {
	in.Evidence = strings.TrimSpace(in.Evidence)
	var v Validation
	v.Check(in.OrganizationID != "", "organization_id", "is required")
	v.Check(in.Evidence != "", "evidence", "is required")
	v.Check(utf8.RuneCountInString(in.Evidence) <= 4000, "evidence", "must be at most 4000 characters")
	v.Check(in.On == nil || !in.On.After(today), "on", "must not be in the future")
	return v.Err()
}

// CriteriaInput answers the must-criteria that the initiative's managers
// answer; need_confirmed is answered by the organisations themselves.
type CriteriaInput struct {
	Answers []CriterionAnswer `json:"answers" maxItems:"20"`
}

// Validate checks the answers: known criteria, each once, evidence for
// every criterion said to be met, and none on the need, which only the
// organisations that have it confirm.
func (in *CriteriaInput) Validate() error {
	var v Validation
	seen := map[Criterion]bool{}
	for i := range in.Answers {
		a := &in.Answers[i]
		a.Evidence = strings.TrimSpace(a.Evidence)
		path := "answers[" + strconv.Itoa(i) + "]"
		if !v.OneOf(path+".criterion", a.Criterion) {
			continue
		}
		v.Check(a.Criterion != CriterionNeedConfirmed, "criteria."+string(a.Criterion),
			"is answered by the organisations that have the need, each confirming it for itself")
		v.Check(!seen[a.Criterion], path+".criterion", "is answered twice")
		seen[a.Criterion] = true
		v.Check(!a.Met || a.Evidence != "", "criteria."+string(a.Criterion), "needs its evidence")
		v.Check(utf8.RuneCountInString(a.Evidence) <= 4000, path+".evidence", "must be at most 4000 characters")
		v.Check(len(a.ConfirmedBy) == 0, path+".confirmed_by", "is kept by the organisations' own confirmations")
	}
	return v.Err()
}

// NeedAnswer is the need_confirmed criterion as the confirmations answer
// it: met once NeedConfirmations different organisations confirmed.
func NeedAnswer(cs []NeedConfirmation) CriterionAnswer {
	a := CriterionAnswer{Criterion: CriterionNeedConfirmed}
	var evidence []string
	for _, c := range cs {
		a.ConfirmedBy = append(a.ConfirmedBy, c.OrganizationID)
		evidence = append(evidence, c.OrganizationName+": "+c.Evidence)
	}
	a.Evidence = strings.Join(evidence, "\n")
	a.Met = distinct(a.ConfirmedBy) >= NeedConfirmations
	return a
}

// Gate is a passed gate of an initiative.
type Gate struct {
	ID             string          `json:"id"`
	From           InitiativePhase `json:"from"`
	To             InitiativePhase `json:"to"`
	On             Date            `json:"on" format:"date"`
	DecisionID     string          `json:"decision_id,omitempty"`
	DecisionTitle  string          `json:"decision_title,omitempty" readOnly:"true"`
	ApprovedBy     string          `json:"approved_by,omitempty"`
	Reason         string          `json:"reason,omitempty"`
	RecordedByName string          `json:"recorded_by_name" readOnly:"true"`
	RecordedAt     time.Time       `json:"recorded_at" readOnly:"true"`
}

// InitiativeInput proposes an initiative.
type InitiativeInput struct {
	Title            string          `json:"title" minLength:"1" maxLength:"300"`
	Description      string          `json:"description,omitempty" maxLength:"20000"`
	OwnerID          string          `json:"owner_id,omitempty" doc:"The owner organisation (ID or municipality code); defaults to the proposer's only organisation"`
	CollaborationID  string          `json:"collaboration_id,omitempty" doc:"Propose it inside this collaboration; empty for open to any organisation"`
	Model            InitiativeModel `json:"model"`
	Visibility       Visibility      `json:"visibility,omitempty" allowEmpty:"true" doc:"Defaults to sector: open to every organisation"`
	Tasks            []string        `json:"tasks,omitempty" maxItems:"200" doc:"KLE codes"`
	SystemIDs        []string        `json:"system_ids,omitempty" maxItems:"100"`
	Goals            []GoalRef       `json:"goals,omitempty" maxItems:"50"`
	ExpectedBenefits string          `json:"expected_benefits,omitempty" maxLength:"10000"`
	ContactName      string          `json:"contact_name,omitempty" maxLength:"200"`
	ContactEmail     string          `json:"contact_email,omitempty" maxLength:"254"`
	Cost             *CostSettings   `json:"cost,omitempty" doc:"Defaults to the collaboration's cost key, or equal shares"`
	ProposedOn       *Date           `json:"proposed_on,omitempty" format:"date" doc:"The day it was proposed, to record an earlier proposal; defaults to today"`
	// Invite are organisations (IDs or municipality codes) invited to the
	// initiative as it is proposed, in the same transaction: the proposal
	// and every invitation are recorded, or none (the pages' one-click
	// actions from the Muligheder page use it).
	Invite []string `json:"-"`
}

// Day returns the day the initiative was proposed: ProposedOn, or today.
func (in InitiativeInput) Day(today Date) Date {
	if in.ProposedOn == nil || in.ProposedOn.IsZero() {
		return today
	}
	return *in.ProposedOn
}

// Initiative returns the initiative the input proposes, with defaults; the
// store fills the cost key of a collaboration when none is given.
func (in InitiativeInput) Initiative() Initiative {
	x := Initiative{Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description), OwnerID: in.OwnerID,
		CollaborationID: in.CollaborationID, Model: in.Model, Visibility: in.Visibility, Tasks: normalizeTasks(in.Tasks),
		ExpectedBenefits: strings.TrimSpace(in.ExpectedBenefits), ContactName: strings.TrimSpace(in.ContactName),
		ContactEmail: strings.TrimSpace(in.ContactEmail), Phase: PhaseIdea, Goals: in.Goals}
	if x.Visibility == "" {
		x.Visibility = VisibilitySector
	}
	for _, id := range in.SystemIDs {
		x.Systems = append(x.Systems, SystemRef{ID: id})
	}
	if in.Cost != nil {
		x.Cost = *in.Cost
	}
	x.normalize()
	return x
}

func (x *Initiative) normalize() {
	if x.Tasks == nil {
		x.Tasks = []string{}
	}
	if x.Systems == nil {
		x.Systems = []SystemRef{}
	}
	if x.Goals == nil {
		x.Goals = []GoalRef{}
	}
}

// Validate checks an initiative's own fields.
func (x *Initiative) Validate() error {
	var v Validation
	v.Check(x.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(x.Title) <= 300, "title", "must be at most 300 characters")
	v.Check(utf8.RuneCountInString(x.Description) <= 20000, "description", "must be at most 20000 characters")
	v.OneOf("model", x.Model)
	v.OneOf("visibility", x.Visibility)
	checkTaskCodes(&v, "tasks", x.Tasks)
	v.Check(len(x.Tasks) <= 200, "tasks", "must be at most 200 codes")
	v.Check(len(x.Systems) <= 100, "system_ids", "must be at most 100 systems")
	seenSystem := map[string]bool{}
	for _, s := range x.Systems {
		v.Check(!seenSystem[s.ID], "system_ids", "lists %s twice", s.ID)
		seenSystem[s.ID] = true
	}
	v.Check(len(x.Goals) <= 50, "goals", "must be at most 50 goals")
	seenGoal := map[GoalRef]bool{}
	for i, g := range x.Goals {
		path := "goals[" + strconv.Itoa(i) + "]"
		v.Check(g.StrategyID != "", path+".strategy_id", "is required")
		v.Check(g.Goal >= 1, path+".goal", "must be the goal's number, from 1")
		key := GoalRef{StrategyID: g.StrategyID, Goal: g.Goal}
		v.Check(!seenGoal[key], path, "is listed twice")
		seenGoal[key] = true
	}
	v.Check(utf8.RuneCountInString(x.ExpectedBenefits) <= 10000, "expected_benefits", "must be at most 10000 characters")
	v.Check(utf8.RuneCountInString(x.ContactName) <= 200, "contact_name", "must be at most 200 characters")
	v.Check(x.ContactEmail == "" || ValidEmail(x.ContactEmail), "contact_email", "must be an e-mail address such as name@example.dk")
	if err := x.Cost.Validate(); err != nil {
		v.Merge(err)
	}
	return v.Err()
}

// InitiativePatch changes an initiative's own fields; nil leaves a field
// as it is.
type InitiativePatch struct {
	Title            *string          `json:"title,omitempty" maxLength:"300"`
	Description      *string          `json:"description,omitempty" maxLength:"20000"`
	Model            *InitiativeModel `json:"model,omitempty"`
	Visibility       *Visibility      `json:"visibility,omitempty"`
	Tasks            *[]string        `json:"tasks,omitempty" maxItems:"200" doc:"Replaces all tasks"`
	SystemIDs        *[]string        `json:"system_ids,omitempty" maxItems:"100" doc:"Replaces all systems"`
	Goals            *[]GoalRef       `json:"goals,omitempty" maxItems:"50" doc:"Replaces all goals"`
	ExpectedBenefits *string          `json:"expected_benefits,omitempty" maxLength:"10000"`
	ContactName      *string          `json:"contact_name,omitempty" maxLength:"200"`
	ContactEmail     *string          `json:"contact_email,omitempty" maxLength:"254"`
	Cost             *CostSettings    `json:"cost,omitempty" doc:"Replaces the cost settings"`
}

// Apply returns x changed by the patch.
func (p InitiativePatch) Apply(x Initiative) Initiative {
	trim := func(s *string) *string {
		if s == nil {
			return nil
		}
		t := strings.TrimSpace(*s)
		return &t
	}
	setIf(&x.Title, trim(p.Title))
	setIf(&x.Description, trim(p.Description))
	setIf(&x.Model, p.Model)
	setIf(&x.Visibility, p.Visibility)
	if p.Tasks != nil {
		x.Tasks = normalizeTasks(*p.Tasks)
	}
	if p.SystemIDs != nil {
		x.Systems = nil
		for _, id := range *p.SystemIDs {
			x.Systems = append(x.Systems, SystemRef{ID: id})
		}
	}
	setIf(&x.Goals, p.Goals)
	setIf(&x.ExpectedBenefits, trim(p.ExpectedBenefits))
	setIf(&x.ContactName, trim(p.ContactName))
	setIf(&x.ContactEmail, trim(p.ContactEmail))
	setIf(&x.Cost, p.Cost)
	x.normalize()
	return x
}

// InitiativeFilter selects initiatives in a list.
type InitiativeFilter struct {
	CollaborationID string          // of this collaboration
	OrganizationID  string          // owned by or with a participation of this organisation (ID or municipality code)
	Phase           InitiativePhase // in this phase
	Open            bool            // not closed or stopped
	Ended           bool            // closed or stopped
	Mine            bool            // owned by or with a participation of one of the actor's organisations
	Query           string          // words of the title
	Task            string          // serving this KLE code or one below it
	ListOptions
}

// InitiativeInvitation is an invitation to an initiative waiting for an
// organisation's answer, for its start page.
type InitiativeInvitation struct {
	InitiativeID     string `json:"initiative_id"`
	InitiativeTitle  string `json:"initiative_title"`
	OrganizationID   string `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	OwnerName        string `json:"owner_name"`
	Since            Date   `json:"since" format:"date" doc:"The day of the invitation"`
	// MayCommit says whether the reader gives the organisation's consent:
	// its administrators commit, its editors may only show interest.
	MayCommit bool `json:"may_commit" doc:"Whether the caller may commit the organisation; otherwise only show its interest"`
}

// InitiativeService keeps joint initiatives. Every method filters by the
// actor: an initiative the actor may not see is not found. The rules are
// the domain's: CheckGate, CheckParticipationMove, MayManageInitiative,
// MaySetParticipation.
type InitiativeService interface {
	FindInitiative(ctx context.Context, actor *Actor, id string) (*Initiative, error)
	ListInitiatives(ctx context.Context, actor *Actor, f InitiativeFilter) (*Page[Initiative], error)
	// CountInitiatives counts the initiatives of the filter (its phase
	// and paging left out) by phase, for the board's columns.
	CountInitiatives(ctx context.Context, actor *Actor, f InitiativeFilter) (map[InitiativePhase]int, error)
	// ProposeInitiative records a new initiative in phase idea; the
	// proposer acts for the owner (PermInitiativeWrite), and inside a
	// collaboration the owner must be a member of it.
	ProposeInitiative(ctx context.Context, actor *Actor, in InitiativeInput) (*Initiative, error)
	UpdateInitiative(ctx context.Context, actor *Actor, id string, version int, p InitiativePatch) (*Initiative, error)
	// AnswerCriteria replaces the answers to the must-criteria the
	// initiative's managers answer.
	AnswerCriteria(ctx context.Context, actor *Actor, id string, version int, in CriteriaInput) (*Initiative, error)
	// ConfirmNeed records an organisation's own confirmation of the need,
	// by its representatives.
	ConfirmNeed(ctx context.Context, actor *Actor, id string, in NeedConfirmationInput) (*Initiative, error)
	// PassGate moves the initiative through a gate by CheckGate; inside a
	// collaboration the decision must be the collaboration's and adopted.
	PassGate(ctx context.Context, actor *Actor, id string, version int, in GateInput) (*Initiative, error)
	// SetParticipation records an organisation's stand: its own answer,
	// or an invitation by the initiative's managers.
	SetParticipation(ctx context.Context, actor *Actor, id string, in ParticipationInput) (*Participation, error)
	// InitiativeInvitations lists the invitations waiting for an answer of
	// the organisations the actor acts for (administrators and editors),
	// newest first, at most limit.
	InitiativeInvitations(ctx context.Context, actor *Actor, limit int) ([]InitiativeInvitation, error)

	ListBudgetLines(ctx context.Context, actor *Actor, id string) ([]BudgetLine, error)
	AddBudgetLine(ctx context.Context, actor *Actor, id string, in BudgetLineInput) (*BudgetLine, error)
	UpdateBudgetLine(ctx context.Context, actor *Actor, lineID string, version int, in BudgetLineInput) (*BudgetLine, error)
	DeleteBudgetLine(ctx context.Context, actor *Actor, lineID string, version int) error
	// CostShares splits the budget among the participants under every key.
	CostShares(ctx context.Context, actor *Actor, id string) (*CostShares, error)

	ListBenefits(ctx context.Context, actor *Actor, id string) ([]Benefit, error)
	// PlanBenefit records a participant's planned benefit, by its own
	// representatives.
	PlanBenefit(ctx context.Context, actor *Actor, id string, in BenefitInput) (*Benefit, error)
	RecordRealisation(ctx context.Context, actor *Actor, benefitID string, in RealisationInput) (*Benefit, error)

	ListLessons(ctx context.Context, actor *Actor, f LessonFilter) (*Page[Lesson], error)
	// RecordLesson records a lesson for an organisation, by its own
	// representatives: an owner or participant of the initiative, or a
	// present or former member of the collaboration.
	RecordLesson(ctx context.Context, actor *Actor, in LessonInput) (*Lesson, error)

	// Prioritisation ranks the collaboration's open initiatives.
	Prioritisation(ctx context.Context, actor *Actor, collabID string) (*Prioritisation, error)
	SetPriorityWeights(ctx context.Context, actor *Actor, collabID string, w PriorityWeights) (*Prioritisation, error)
	ScoreInitiative(ctx context.Context, actor *Actor, initiativeID string, s PriorityScore) (*Prioritisation, error)
	// RecordPrioritisation keeps the current ranking as a round, so that
	// the next one shows what changed.
	RecordPrioritisation(ctx context.Context, actor *Actor, collabID string) (*Prioritisation, error)
}
