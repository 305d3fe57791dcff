package samspil

import (
	"context"
	"time"
)

// Urgency says how soon someone must act by a date: marked within three
// months, strongly within 30 days (and on the day itself).
type Urgency string

// Urgencies.
const (
	UrgencyNone Urgency = ""     // more than three months away, or passed
	UrgencySoon Urgency = "soon" // within three months
	UrgencyNow  Urgency = "now"  // within 30 days: needs action now
)

// Urgencies lists the urgencies a list can be filtered by.
var Urgencies = []Urgency{UrgencySoon, UrgencyNow}

func init() { RegisterEnum(Urgencies) }

// Within reports whether urgency u is at least as urgent as the filter f
// asks: "now" keeps only what needs action now, "soon" also what is
// marked, "" everything.
func (u Urgency) Within(f Urgency) bool {
	switch f {
	case UrgencyNow:
		return u == UrgencyNow
	case UrgencySoon:
		return u != UrgencyNone
	}
	return true
}

// UrgencyNowDays is how many days ahead a deadline needs action now.
const UrgencyNowDays = 30

// UrgencySoonMonths is how many months ahead a deadline is marked.
const UrgencySoonMonths = 3

// UrgencyOf returns the urgency, on the day today, of acting by the day by;
// a day already passed has none (nothing can be done by it any more).
func UrgencyOf(today Date, by *Date) Urgency {
	if by == nil || by.Before(today) {
		return UrgencyNone
	}
	switch {
	case !by.After(today.AddDays(UrgencyNowDays)):
		return UrgencyNow
	case !by.After(today.AddMonths(UrgencySoonMonths)):
		return UrgencySoon
	}
	return UrgencyNone
}

// Urgency is the urgency of the contract's next decision on the day today.
func (c *Contract) Urgency(today Date) Urgency { return UrgencyOf(today, c.Deadlines.NextDecisionDate) }

// DaysLeft is the number of days from today to the contract's next
// decision, or -1 without one.
func (c *Contract) DaysLeft(today Date) int {
	if d := c.Deadlines.NextDecisionDate; d != nil {
		return DaysBetween(today, *d)
	}
	return -1
}

// OverviewHorizonMonths is how far ahead the start page looks for notice
// deadlines.
const OverviewHorizonMonths = 6

// OverviewLimit is how many entries each block of the start page shows;
// each block links to its full list.
const OverviewLimit = 8

// Overview is a person's start page, "Mit overblik": what is due for them
// and the organisations they belong to.
type Overview struct {
	Today         Date
	Organizations []OrgRef // the person's organisations
	// Deadlines are the organisations' contracts with a decision due within
	// OverviewHorizonMonths, most urgent first.
	Deadlines      []Contract
	DeadlinesTotal int
	// Oversights are the organisations' data processing registrations
	// whose next oversight is overdue or falls within
	// OverviewHorizonMonths, earliest first.
	Oversights      []DataProcessingRegistration
	OversightsTotal int
	// Votes are open decisions in which one of the organisations has a
	// vote and has not voted.
	Votes []VoteWaiting
	// Meetings are the person's next meetings (forums they sit in), with
	// their agendas.
	Meetings []Meeting
	// ActionItems are the person's unfinished action items, overdue first;
	// MoreActionItems tells that there are more than shown.
	ActionItems     []ActionItem
	MoreActionItems bool
	// Invitations to collaborations and adjustments waiting for the
	// consent of an organisation the person gives consent for; and
	// invitations of the person to join organisations.
	Invitations       []Invitation
	Approvals         []ApprovalWaiting
	PersonInvitations []PersonInvitation
	// InitiativeInvitations are invitations to joint initiatives waiting
	// for the answer of an organisation the person acts for;
	// MoreInitiativeInvitations tells that there are more than shown.
	InitiativeInvitations     []InitiativeInvitation
	MoreInitiativeInvitations bool
}

// OrgRef names an organisation.
type OrgRef struct {
	ID   string
	Name string
}

// VoteWaiting is a decision that waits for an organisation's vote.
type VoteWaiting struct {
	DecisionID        string
	Title             string
	DecidedOn         Date
	CollaborationID   string
	CollaborationName string
	OrganizationID    string
	OrganizationName  string
	MayVote           bool // the person may vote for the organisation
}

// ApprovalWaiting is a proposed adjustment that waits for an
// organisation's approval.
type ApprovalWaiting struct {
	AdjustmentID      string
	Title             string
	EffectiveOn       Date
	CollaborationID   string
	CollaborationName string
	OrganizationID    string
	OrganizationName  string
}

// OverviewService gives a person's start page, and the full list behind
// its block of votes (the other blocks link to lists that exist anyway).
type OverviewService interface {
	Overview(ctx context.Context, actor *Actor, now time.Time) (*Overview, error)
	VotesWaiting(ctx context.Context, actor *Actor, limit int) ([]VoteWaiting, error)
}
