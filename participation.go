package samspil

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Participation in an initiative is each organisation's own decision (the
// consent of DESIGN §3.6): it is invited, or joins on its own; it may be
// interested, take part voluntarily ("kan"), commit bindingly ("skal"), or
// in an OS2-style community pledge first and sign a binding agreement
// later; it may decline with a reason, and withdraw with a day and a
// reason. Every change is kept.

// ParticipationState is where an organisation stands in an initiative.
type ParticipationState string

// Participation states.
const (
	ParticipationInvited    ParticipationState = "invited"    // asked to take part; not answered yet
	ParticipationInterested ParticipationState = "interested" // follows it, has not decided
	ParticipationPledged    ParticipationState = "pledged"    // a pledge (tilsagn), before a binding agreement
	ParticipationVoluntary  ParticipationState = "voluntary"  // takes part where it makes sense: "kan"
	ParticipationBinding    ParticipationState = "binding"    // committed: "skal"
	ParticipationDeclined   ParticipationState = "declined"
	ParticipationWithdrawn  ParticipationState = "withdrawn"
)

// ParticipationStates lists the states, from asked to committed, then out.
var ParticipationStates = []ParticipationState{ParticipationInvited, ParticipationInterested, ParticipationPledged,
	ParticipationVoluntary, ParticipationBinding, ParticipationDeclined, ParticipationWithdrawn}

// Participates reports whether the organisation takes part: pledged,
// voluntary or binding. Only they share the costs.
func (s ParticipationState) Participates() bool {
	return s == ParticipationPledged || s == ParticipationVoluntary || s == ParticipationBinding
}

// Out reports whether the organisation has said no or left.
func (s ParticipationState) Out() bool {
	return s == ParticipationDeclined || s == ParticipationWithdrawn
}

// participationMoves says which states may follow each state; "" is an
// organisation without a participation yet.
var participationMoves = map[ParticipationState][]ParticipationState{
	"":                      {ParticipationInvited, ParticipationInterested, ParticipationPledged, ParticipationVoluntary, ParticipationBinding},
	ParticipationInvited:    {ParticipationInterested, ParticipationPledged, ParticipationVoluntary, ParticipationBinding, ParticipationDeclined},
	ParticipationInterested: {ParticipationPledged, ParticipationVoluntary, ParticipationBinding, ParticipationDeclined, ParticipationWithdrawn},
	ParticipationPledged:    {ParticipationVoluntary, ParticipationBinding, ParticipationWithdrawn},
	ParticipationVoluntary:  {ParticipationPledged, ParticipationBinding, ParticipationWithdrawn},
	ParticipationBinding:    {ParticipationVoluntary, ParticipationWithdrawn},
	ParticipationDeclined:   {ParticipationInvited, ParticipationInterested, ParticipationPledged, ParticipationVoluntary, ParticipationBinding},
	ParticipationWithdrawn:  {ParticipationInvited, ParticipationInterested, ParticipationPledged, ParticipationVoluntary, ParticipationBinding},
}

// CanMove reports whether a participation may go from one state to
// another.
func CanMove(from, to ParticipationState) bool { return slices.Contains(participationMoves[from], to) }

// ResourcePledge is a competence a participant puts into an initiative:
// sharing IT resources and competences, not only money.
type ResourcePledge struct {
	Competence    string `json:"competence" minLength:"1" maxLength:"200" doc:"e.g. project manager, GIS developer"`
	HoursPerMonth int    `json:"hours_per_month" minimum:"1" maximum:"744"`
}

// Participation is an organisation's current stand in an initiative, with
// its history.
type Participation struct {
	OrganizationID   string               `json:"organization_id"`
	OrganizationName string               `json:"organization_name" readOnly:"true"`
	State            ParticipationState   `json:"state"`
	Since            Date                 `json:"since" format:"date" doc:"The day of the current state"`
	Reason           string               `json:"reason,omitempty"`
	Population       int                  `json:"population" readOnly:"true" doc:"Inhabitants in the initiative's population year, for the per-capita keys"`
	Resources        []ResourcePledge     `json:"resources"`
	History          []ParticipationEvent `json:"history" readOnly:"true" doc:"Every state, oldest first"`
	Version          int                  `json:"version"`
}

// ParticipationEvent is one change of a participation.
type ParticipationEvent struct {
	State      ParticipationState `json:"state"`
	On         Date               `json:"on" format:"date"`
	Reason     string             `json:"reason,omitempty"`
	ByName     string             `json:"by_name"`
	RecordedAt time.Time          `json:"recorded_at"`
}

// ParticipationInput records an organisation's stand: its own answer, or
// an invitation by the initiative's managers (state invited).
type ParticipationInput struct {
	OrganizationID string             `json:"organization_id" doc:"The organisation (ID or municipality code)"`
	State          ParticipationState `json:"state"`
	On             *Date              `json:"on,omitempty" format:"date" doc:"The day it was decided; defaults to today"`
	Reason         string             `json:"reason,omitempty" maxLength:"2000" doc:"Required when declining or withdrawing"`
	Resources      *[]ResourcePledge  `json:"resources,omitempty" maxItems:"50" doc:"Replaces the pledged resources"`
}

// Day returns the day of the input: On, or today.
func (in ParticipationInput) Day(today Date) Date {
	if in.On == nil || in.On.IsZero() {
		return today
	}
	return *in.On
}

// Validate checks the input's own fields on day today.
func (in *ParticipationInput) Validate(today Date) error {
	in.Reason = strings.TrimSpace(in.Reason)
	var v Validation
	v.Check(in.OrganizationID != "", "organization_id", "is required")
	v.OneOf("state", in.State)
	v.Check(!in.Day(today).After(today), "on", "must not be in the future: an organisation answers when it has decided")
	v.Check(!in.State.Out() || in.Reason != "", "reason", "must say why")
	v.Check(utf8.RuneCountInString(in.Reason) <= 2000, "reason", "must be at most 2000 characters")
	if in.Resources != nil {
		for i, r := range *in.Resources {
			path := "resources[" + strconv.Itoa(i) + "]"
			v.Check(strings.TrimSpace(r.Competence) != "", path+".competence", "is required")
			v.Check(utf8.RuneCountInString(r.Competence) <= 200, path+".competence", "must be at most 200 characters")
			v.Check(r.HoursPerMonth >= 1 && r.HoursPerMonth <= 744, path+".hours_per_month", "must be between 1 and 744")
		}
	}
	return v.Err()
}

// CheckParticipationMove checks a change of a participation from state from (""
// for none) to state to.
func CheckParticipationMove(from, to ParticipationState) error {
	if from == to {
		return ErrorAt(ECONFLICT, "state", "the organisation is %s already", Term(to))
	}
	if !CanMove(from, to) {
		if from == "" {
			return ErrorAt(EINVALID, "state", "an organisation that does not take part cannot be %s", Term(to))
		}
		return ErrorAt(EINVALID, "state", "cannot go from %s to %s", Term(from), Term(to))
	}
	return nil
}

// TakesPart reports whether the organisation owns the initiative or takes
// part in it (pledged, voluntary or binding): its benefits are planned and
// realised for the initiative.
func (x *Initiative) TakesPart(orgID string) bool {
	return x.OwnerID == orgID || x.stateOf(orgID).Participates()
}

// HasTakenPart reports whether the organisation owns the initiative or has
// answered it in any way (all states but invited, declined and withdrawn
// too): it may draw lessons from it.
func (x *Initiative) HasTakenPart(orgID string) bool {
	s := x.stateOf(orgID)
	return x.OwnerID == orgID || (s != "" && s != ParticipationInvited)
}

// stateOf is the organisation's state in the initiative, "" for none.
func (x *Initiative) stateOf(orgID string) ParticipationState {
	for _, p := range x.Participations {
		if p.OrganizationID == orgID {
			return p.State
		}
	}
	return ""
}

// HasBeenMember reports whether the organisation is or was a member of the
// collaboration by day d: it may draw lessons from the collaboration.
func (c *Collaboration) HasBeenMember(orgID string, d Date) bool {
	for _, m := range c.Members {
		if m.OrganizationID == orgID && !m.Since.After(d) {
			return true
		}
	}
	return false
}
