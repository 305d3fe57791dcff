package samspil

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Consent (DESIGN §3.6): nothing binds or exposes an organisation without
// its own representatives. An organisation joins a collaboration by
// accepting an invitation, leaves when it decides, and an adjustment changes
// its terms only once it has approved. States of a membership: invited →
// member (accepted) | declined; member → left.

// The reasons samspil records itself in a membership's history (the pages
// translate them); people's own reasons are kept as they wrote them.
const (
	ReasonFounding = "founding member"
	ReasonAccepted = "accepted the invitation"
)

// InvitationStatus is where an invitation stands.
type InvitationStatus string

// Invitation statuses.
const (
	InvitationPending   InvitationStatus = "pending"
	InvitationAccepted  InvitationStatus = "accepted"
	InvitationDeclined  InvitationStatus = "declined"
	InvitationWithdrawn InvitationStatus = "withdrawn" // by those who invited, before an answer
)

// InvitationStatuses lists the valid statuses.
var InvitationStatuses = []InvitationStatus{InvitationPending, InvitationAccepted, InvitationDeclined, InvitationWithdrawn}

// Valid reports whether s is a known status.
func (s InvitationStatus) Valid() bool { return slices.Contains(InvitationStatuses, s) }

func init() {
	RegisterEnum(InvitationStatuses)
	RegisterEnum(AdjustmentStatuses)
	RegisterEnum(ApprovalStates)
}

// Invitation asks an organisation to become a member of a collaboration
// with a role and a commitment. Until its administrators accept it, the
// organisation is no member: it has no vote, is not counted for quorum, is
// nobody's partner through the collaboration and sits in none of its
// forums.
type Invitation struct {
	ID                string           `json:"id"`
	CollaborationID   string           `json:"collaboration_id"`
	CollaborationName string           `json:"collaboration_name" readOnly:"true"`
	OrganizationID    string           `json:"organization_id"`
	OrganizationName  string           `json:"organization_name" readOnly:"true"`
	Role              MemberRole       `json:"role"`
	Commitment        Commitment       `json:"commitment"`
	Since             Date             `json:"since" format:"date" doc:"The proposed first day of membership; an organisation that accepts later becomes a member on the day it accepts"`
	Message           string           `json:"message,omitempty"`
	Founding          bool             `json:"founding" doc:"Invited as a co-founder when the collaboration was founded"`
	Status            InvitationStatus `json:"status"`
	InvitedByName     string           `json:"invited_by_name" readOnly:"true"`
	AnsweredOn        *Date            `json:"answered_on,omitempty" format:"date" doc:"The day the organisation decided"`
	AnsweredByName    string           `json:"answered_by_name,omitempty" readOnly:"true"`
	Reason            string           `json:"reason,omitempty" doc:"The reason given with the answer or the withdrawal"`
	MemberID          string           `json:"member_id,omitempty" doc:"The membership made by accepting"`
	Version           int              `json:"version"`
	CreatedAt         time.Time        `json:"created_at"`
	UpdatedAt         time.Time        `json:"updated_at"`
}

// InvitationInput invites an organisation to a collaboration.
type InvitationInput struct {
	OrganizationID string     `json:"organization_id" doc:"Organisation ID or municipality code"`
	Role           MemberRole `json:"role,omitempty" allowEmpty:"true" doc:"Defaults to member"`
	Commitment     Commitment `json:"commitment,omitempty" allowEmpty:"true" doc:"Defaults to binding; observer for observers"`
	Since          Date       `json:"since,omitempty" format:"date" doc:"The proposed first day of membership; defaults to today, or the start of a collaboration that has not started"`
	Message        string     `json:"message,omitempty" maxLength:"2000"`
}

// Member returns the membership the invitation proposes, with defaults.
func (in InvitationInput) Member() Member {
	m := Member{Role: in.Role, Commitment: in.Commitment, Since: in.Since}
	if m.Role == "" {
		m.Role = MemberRoleMember
	}
	if m.Commitment == "" {
		m.Commitment = CommitmentBinding
		if m.Role == MemberRoleObserver {
			m.Commitment = CommitmentObserver
		}
	}
	return m
}

// FounderInput names a co-founder of a new collaboration: it is invited,
// and becomes a member when its administrators accept.
type FounderInput struct {
	OrganizationID string     `json:"organization_id" doc:"Organisation ID or municipality code"`
	Role           MemberRole `json:"role,omitempty" allowEmpty:"true" doc:"Defaults to member"`
	Commitment     Commitment `json:"commitment,omitempty" allowEmpty:"true" doc:"Defaults to binding; observer for observers"`
}

// Answer is an organisation's reply to an invitation or to a proposed
// change of its terms.
type Answer struct {
	On     *Date  `json:"on,omitempty" format:"date" doc:"The day the organisation decided; defaults to today. An earlier day records a decision taken before, e.g. when history is entered"`
	Reason string `json:"reason,omitempty" maxLength:"1000"`
}

// Day returns the day of the answer: On, or today.
func (a Answer) Day(today Date) Date {
	if a.On == nil || a.On.IsZero() {
		return today
	}
	return *a.On
}

// Validate checks an answer given on day today.
func (a *Answer) Validate(today Date) error {
	a.Reason = strings.TrimSpace(a.Reason)
	var v Validation
	v.Check(!a.Day(today).After(today), "on", "must not be in the future: an organisation answers when it has decided")
	v.Check(utf8.RuneCountInString(a.Reason) <= 1000, "reason", "must be at most 1000 characters")
	return v.Err()
}

// InvitationFilter selects invitations in a list.
type InvitationFilter struct {
	CollaborationID string           // invitations to this collaboration
	OrganizationID  string           // invitations of this organisation (its ID)
	Status          InvitationStatus // only this status
	ListOptions
}

// LeaveInput ends an organisation's membership of a collaboration by its
// own decision.
type LeaveInput struct {
	OrganizationID string `json:"organization_id" doc:"The member that leaves (ID or municipality code)"`
	Until          Date   `json:"until" format:"date" doc:"The last day of membership"`
	Reason         string `json:"reason" minLength:"1" maxLength:"1000"`
	On             *Date  `json:"on,omitempty" format:"date" doc:"The day the organisation decided to leave; defaults to today"`
}

// Validate checks a leave's own fields on day today.
func (in *LeaveInput) Validate(today Date) error {
	in.Reason = strings.TrimSpace(in.Reason)
	var v Validation
	v.Check(!in.Until.IsZero(), "until", "is required")
	v.Check(in.Reason != "", "reason", "is required")
	v.Check(utf8.RuneCountInString(in.Reason) <= 1000, "reason", "must be at most 1000 characters")
	if in.On != nil && !in.On.IsZero() {
		v.Check(!in.On.After(today), "on", "must not be in the future: an organisation answers when it has decided")
	}
	return v.Err()
}

// AdjustmentStatus is where an adjustment stands.
type AdjustmentStatus string

// Adjustment statuses.
const (
	AdjustmentProposed  AdjustmentStatus = "proposed"  // waiting for the approval of the members it concerns
	AdjustmentApproved  AdjustmentStatus = "approved"  // approved by all it concerns; waiting for its effective date
	AdjustmentInEffect  AdjustmentStatus = "in_effect" // its changes are made
	AdjustmentDeclined  AdjustmentStatus = "declined"  // a member it concerns declined; it never takes effect
	AdjustmentWithdrawn AdjustmentStatus = "withdrawn" // withdrawn by the collaboration's managers before it took effect
)

// AdjustmentStatuses lists the valid statuses.
var AdjustmentStatuses = []AdjustmentStatus{AdjustmentProposed, AdjustmentApproved, AdjustmentInEffect, AdjustmentDeclined, AdjustmentWithdrawn}

// Valid reports whether s is a known status.
func (s AdjustmentStatus) Valid() bool { return slices.Contains(AdjustmentStatuses, s) }

// Open reports whether the adjustment may still be approved, declined or
// withdrawn.
func (s AdjustmentStatus) Open() bool { return s == AdjustmentProposed || s == AdjustmentApproved }

// RoleChange sets one member's role in an adjustment.
type RoleChange struct {
	OrganizationID string     `json:"organization_id" doc:"Organisation ID or municipality code"`
	Role           MemberRole `json:"role"`
}

// ApprovalState is a concerned organisation's answer to an adjustment.
type ApprovalState string

// Approval states.
const (
	ApprovalPending  ApprovalState = "pending"
	ApprovalApproved ApprovalState = "approved"
	ApprovalDeclined ApprovalState = "declined"
)

// ApprovalStates lists the valid states.
var ApprovalStates = []ApprovalState{ApprovalPending, ApprovalApproved, ApprovalDeclined}

// Approval is one concerned organisation's consent to an adjustment, with
// the day it was given and by whom.
type Approval struct {
	OrganizationID   string        `json:"organization_id"`
	OrganizationName string        `json:"organization_name" readOnly:"true"`
	State            ApprovalState `json:"state"`
	On               *Date         `json:"on,omitempty" format:"date" doc:"The day the organisation decided"`
	ByName           string        `json:"by_name,omitempty" doc:"Who recorded the answer"`
	Reason           string        `json:"reason,omitempty"`
	RecordedAt       *time.Time    `json:"recorded_at,omitempty"`
}

// ApprovalInput approves or declines an adjustment for one organisation.
type ApprovalInput struct {
	OrganizationID string `json:"organization_id" doc:"The concerned organisation that answers (ID or municipality code)"`
	Answer
}

// Concerned returns the organisations whose approval an adjustment of the
// collaboration c needs, sorted: the members whose commitment or role it
// changes, and, when it changes the exclusivity, every member with a vote on
// its effective date. Stopping forums and a note on the strategy change no
// member's terms.
func (in *AdjustmentInput) Concerned(c *Collaboration) []string {
	set := map[string]bool{}
	for _, cc := range in.Commitments {
		if m := c.MemberOn(cc.OrganizationID, in.EffectiveOn); m != nil && m.Commitment != cc.Commitment {
			set[cc.OrganizationID] = true
		}
	}
	for _, rc := range in.Roles {
		if m := c.MemberOn(rc.OrganizationID, in.EffectiveOn); m != nil && m.Role != rc.Role {
			set[rc.OrganizationID] = true
		}
	}
	if in.Exclusivity != "" && in.Exclusivity != c.Exclusivity {
		for i := range c.Members {
			if m := &c.Members[i]; m.ActiveOn(in.EffectiveOn) && m.Votes() {
				set[m.OrganizationID] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// checkRoleChanges adds the errors of an adjustment's role changes.
func checkRoleChanges(v *Validation, roles []RoleChange) {
	seen := map[string]bool{}
	for i, rc := range roles {
		path := "roles[" + strconv.Itoa(i) + "]"
		v.OneOf(path+".role", rc.Role)
		v.Check(!seen[rc.OrganizationID], path+".organization_id", "is listed twice")
		seen[rc.OrganizationID] = true
	}
}

// PartnerSetting says whether one of an organisation's collaborations makes
// its fellow members partners for the organisation's records shared with
// partners. By default every collaboration the organisation has accepted
// counts.
type PartnerSetting struct {
	CollaborationID   string `json:"collaboration_id"`
	CollaborationName string `json:"collaboration_name" readOnly:"true"`
	Counts            bool   `json:"counts" doc:"Whether its members see what the organisation shares with partners"`
	Active            bool   `json:"active" readOnly:"true" doc:"Whether the organisation is a member today"`
	Members           int    `json:"members" readOnly:"true" doc:"Its other members today"`
}

// PartnerSettingInput chooses whether a collaboration makes partners.
type PartnerSettingInput struct {
	Counts bool `json:"counts"`
}

// ConsentService is how organisations join, leave and agree to changes of
// their terms. Every answer is given by the organisation's own
// administrators (Actor.ConsentsFor).
type ConsentService interface {
	// Invite asks an organisation to become a member; the collaboration's
	// managers invite.
	Invite(ctx context.Context, actor *Actor, collabID string, in InvitationInput) (*Invitation, error)
	FindInvitation(ctx context.Context, actor *Actor, id string) (*Invitation, error)
	// ListInvitations lists the invitations the actor may see: those of the
	// collaborations they manage and those of their own organisations.
	ListInvitations(ctx context.Context, actor *Actor, f InvitationFilter) (*Page[Invitation], error)
	// InvitationsToAnswer returns the pending invitations of the
	// organisations whose answer the actor gives, newest first.
	InvitationsToAnswer(ctx context.Context, actor *Actor) ([]Invitation, error)
	// AcceptInvitation makes the invited organisation a member.
	// An answer given once is final: answering again is ECONFLICT.
	AcceptInvitation(ctx context.Context, actor *Actor, id string, a Answer) (*Invitation, error)
	DeclineInvitation(ctx context.Context, actor *Actor, id string, a Answer) (*Invitation, error)
	// WithdrawInvitation takes back an unanswered invitation; the
	// collaboration's managers may.
	WithdrawInvitation(ctx context.Context, actor *Actor, id string, reason string) (*Invitation, error)
	// Leave ends a membership by the member's own decision.
	Leave(ctx context.Context, actor *Actor, collabID string, in LeaveInput) (*Member, error)

	// ApproveAdjustment and DeclineAdjustment answer a proposed adjustment
	// for one concerned organisation. The last approval makes it take effect
	// on its effective date (at once when that has come).
	ApproveAdjustment(ctx context.Context, actor *Actor, adjID string, in ApprovalInput) (*Adjustment, error)
	DeclineAdjustment(ctx context.Context, actor *Actor, adjID string, in ApprovalInput) (*Adjustment, error)
	WithdrawAdjustment(ctx context.Context, actor *Actor, adjID string, reason string) (*Adjustment, error)
	// ApplyDueChanges makes the changes whose day has come: approved
	// adjustments take effect, and members that have left lose their seats in
	// forums and their votes on decisions after their last day. The server
	// runs it daily; only the system may. It returns how many it made.
	ApplyDueChanges(ctx context.Context, actor *Actor) (int, error)

	// PartnerSettings lists the organisation's collaborations and whether
	// each makes partners; its members may read it.
	PartnerSettings(ctx context.Context, actor *Actor, orgID string) ([]PartnerSetting, error)
	SetPartnerSetting(ctx context.Context, actor *Actor, orgID, collabID string, in PartnerSettingInput) (*PartnerSetting, error)
}
