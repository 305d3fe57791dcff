package samspil

import (
	"slices"
	"strings"
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

// The phase, model and criterion types become registered enumerations
// (RegisterEnum) when the API shows them; every registered one must appear
// in the OpenAPI document.

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
