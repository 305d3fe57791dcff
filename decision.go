package samspil

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// DecisionRule says how a decision is made.
type DecisionRule string

// Decision rules.
const (
	RuleConsensus     DecisionRule = "consensus"      // adopted when no voter is against
	RuleUnanimity     DecisionRule = "unanimity"      // adopted when every voter is for
	RuleMajority      DecisionRule = "majority"       // more for than against; a tie rejects
	RuleMajorityChair DecisionRule = "majority_chair" // as majority, but the chair's vote decides a tie
	RuleOptIn         DecisionRule = "opt_in"         // each member decides for itself
)

// DecisionRules lists the valid rules.
var DecisionRules = []DecisionRule{RuleConsensus, RuleUnanimity, RuleMajority, RuleMajorityChair, RuleOptIn}

// Valid reports whether r is a known rule.
func (r DecisionRule) Valid() bool { return slices.Contains(DecisionRules, r) }

// VoteChoice is a member's vote.
type VoteChoice string

// Vote choices.
const (
	VoteFor     VoteChoice = "for"
	VoteAgainst VoteChoice = "against"
	VoteAbstain VoteChoice = "abstain"
	VoteOptOut  VoteChoice = "opt_out" // under opt_in: the member does not take part
)

// VoteChoices lists the valid choices.
var VoteChoices = []VoteChoice{VoteFor, VoteAgainst, VoteAbstain, VoteOptOut}

// Valid reports whether c is a known choice.
func (c VoteChoice) Valid() bool { return slices.Contains(VoteChoices, c) }

// Ballot is one member organisation's vote as the tally sees it.
type Ballot struct {
	OrganizationID string
	Choice         VoteChoice
	ProxyFor       bool // cast by a recorded proxy on the member's behalf
}

// Electorate is who may vote on a decision.
type Electorate struct {
	Voters []string // organisations with a vote: active members that are not observers
	Chair  string   // the organisation chairing on the day of the decision, or ""
	Quorum int      // how many voters must take part; 0 means more than half of them
}

// OutcomeResult is where a decision stands.
type OutcomeResult string

// Outcome results.
const (
	OutcomePending  OutcomeResult = "pending"   // votes may still change the result
	OutcomeAdopted  OutcomeResult = "adopted"   // under opt_in: adopted for those who opted in
	OutcomeRejected OutcomeResult = "rejected"  //
	OutcomeNoQuorum OutcomeResult = "no_quorum" // closed without enough voters taking part
)

// OutcomeResults lists the results.
var OutcomeResults = []OutcomeResult{OutcomePending, OutcomeAdopted, OutcomeRejected, OutcomeNoQuorum}

// Outcome is a decision's computed result, explained.
type Outcome struct {
	Result       OutcomeResult `json:"result"`
	Final        bool          `json:"final" doc:"No further ballot can change the result"`
	For          int           `json:"for"`
	Against      int           `json:"against"`
	Abstain      int           `json:"abstain"`
	OptOut       int           `json:"opt_out"`
	NotVoted     int           `json:"not_voted"`
	Quorum       int           `json:"quorum" doc:"Voters who must take part"`
	Participants []string      `json:"participants" doc:"Organisations the decision applies to: all voters, or under opt_in those who opted in"`
	Explanation  Phrase        `json:"explanation" doc:"Why the result is what it is"`
}

// DecisionStatus says whether a decision takes votes.
type DecisionStatus string

// Decision statuses.
const (
	DecisionOpen   DecisionStatus = "open"
	DecisionClosed DecisionStatus = "closed"
)

// DecisionStatuses lists the statuses.
var DecisionStatuses = []DecisionStatus{DecisionOpen, DecisionClosed}

// Decision is a proposal put to a collaboration's members (beslutning).
type Decision struct {
	ID              string         `json:"id"`
	CollaborationID string         `json:"collaboration_id"`
	ForumID         string         `json:"forum_id,omitempty"`
	MeetingID       string         `json:"meeting_id,omitempty"`
	Title           string         `json:"title"`
	Proposal        string         `json:"proposal,omitempty" doc:"Markdown"`
	Rule            DecisionRule   `json:"rule"`
	Quorum          int            `json:"quorum" doc:"Voters who must take part; 0 means more than half"`
	Binding         bool           `json:"binding" doc:"Binds the members, or only advises"`
	Status          DecisionStatus `json:"status"`
	DecidedOn       Date           `json:"decided_on" format:"date" doc:"The day of the vote; the chair and members of that day count"`
	StrategyIDs     []string       `json:"strategy_ids" doc:"Strategies the decision serves"`
	Votes           []Vote         `json:"votes" readOnly:"true"`
	Proxies         []Proxy        `json:"proxies" readOnly:"true"`
	Outcome         Outcome        `json:"outcome" readOnly:"true"`
	Version         int            `json:"version"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
}

// Vote is one member organisation's recorded vote.
type Vote struct {
	ID                 string     `json:"id"`
	OrganizationID     string     `json:"organization_id"`
	OrganizationName   string     `json:"organization_name"`
	Choice             VoteChoice `json:"choice"`
	ProxyFor           bool       `json:"proxy" doc:"Cast by the member's recorded proxy"`
	CastByName         string     `json:"cast_by_name"`
	CastByOrganization string     `json:"cast_by_organization_id"`
	Comment            string     `json:"comment,omitempty"`
	CastOn             Date       `json:"cast_on" format:"date" doc:"The day the member voted: the day it was recorded, or the earlier day given when it was recorded afterwards (e.g. at a past meeting)"`
	CastAt             time.Time  `json:"cast_at" doc:"When the vote was recorded in samspil"`
}

// Proxy lets one member organisation vote for another on one decision.
type Proxy struct {
	OrganizationID      string `json:"organization_id" doc:"The member that gives the proxy"`
	ProxyOrganizationID string `json:"proxy_organization_id" doc:"The member that votes on its behalf"`
}

// DecisionInput puts a proposal to the members.
type DecisionInput struct {
	ForumID     string       `json:"forum_id,omitempty"`
	MeetingID   string       `json:"meeting_id,omitempty"`
	Title       string       `json:"title" minLength:"1" maxLength:"300"`
	Proposal    string       `json:"proposal,omitempty" maxLength:"20000"`
	Rule        DecisionRule `json:"rule,omitempty" allowEmpty:"true" doc:"Defaults to the collaboration's rule"`
	Quorum      int          `json:"quorum,omitempty" minimum:"0" maximum:"1000"`
	Binding     bool         `json:"binding,omitempty"`
	DecidedOn   Date         `json:"decided_on,omitempty" format:"date" doc:"Defaults to the meeting's day, else today"`
	StrategyIDs []string     `json:"strategy_ids,omitempty" maxItems:"20"`
}

// Validate checks a decision's own fields.
func (in *DecisionInput) Validate() error {
	var v Validation
	in.Title = strings.TrimSpace(in.Title)
	v.Check(in.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(in.Title) <= 300, "title", "must be at most 300 characters")
	v.Check(utf8.RuneCountInString(in.Proposal) <= 20000, "proposal", "must be at most 20000 characters")
	if in.Rule != "" {
		v.OneOf("rule", in.Rule)
	}
	v.Check(in.Quorum >= 0 && in.Quorum <= 1000, "quorum", "must be between 0 and 1000")
	return v.Err()
}

// VoteInput casts an organisation's vote.
type VoteInput struct {
	OrganizationID string     `json:"organization_id" doc:"The member organisation the vote is for"`
	Choice         VoteChoice `json:"choice"`
	Comment        string     `json:"comment,omitempty" maxLength:"2000"`
	Replace        bool       `json:"replace,omitempty" doc:"Change the organisation's earlier vote; without it a second vote is refused with 409"`
	// CastOn records a vote given earlier, such as at a past meeting whose
	// votes are entered afterwards.
	CastOn Date `json:"cast_on,omitempty" format:"date" doc:"The day the member voted, for a vote recorded afterwards (e.g. at a past meeting); defaults to today. Not in the future, and not before the decision was put to the members (its day, or the day it was recorded when that is earlier)"`
}

// DecisionFilter selects decisions.
type DecisionFilter struct {
	CollaborationID string
	ForumID         string
	MeetingID       string
	Status          DecisionStatus
	ListOptions
}

// DecisionService manages decisions and votes. Secretariats and chairs put
// proposals and close them; each member's representatives (or its recorded
// proxy) vote for that member only; observers cannot vote; a member votes
// once, and may change its vote while the decision is open by saying so
// (VoteInput.Replace).
type DecisionService interface {
	FindDecision(ctx context.Context, actor *Actor, id string) (*Decision, error)
	ListDecisions(ctx context.Context, actor *Actor, f DecisionFilter) (*Page[Decision], error)
	CreateDecision(ctx context.Context, actor *Actor, collabID string, in DecisionInput) (*Decision, error)
	CastVote(ctx context.Context, actor *Actor, decisionID string, in VoteInput) (*Decision, error)
	SetProxy(ctx context.Context, actor *Actor, decisionID string, p Proxy) (*Decision, error)
	CloseDecision(ctx context.Context, actor *Actor, decisionID string, version int) (*Decision, error)
}
