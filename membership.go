package samspil

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ManagementLevel is how high a person stands in their organisation's
// hierarchy, so that the people a member sends to a forum can be compared
// with the others'.
type ManagementLevel string

// Levels, from the top.
const (
	LevelDirector ManagementLevel = "director" // direktør: the chief executive or a sector director
	LevelHead     ManagementLevel = "head"     // chef: head of a department or a function, e.g. the IT chief
	LevelManager  ManagementLevel = "manager"  // leder: leads an office or a team
	LevelStaff    ManagementLevel = "staff"    // medarbejder: consultant, project manager, specialist
)

// ManagementLevels lists the levels from the top.
var ManagementLevels = []ManagementLevel{LevelDirector, LevelHead, LevelManager, LevelStaff}

// Rank is the level's place from the top (0 for director), and -1 for
// none.
func (l ManagementLevel) Rank() int { return slices.Index(ManagementLevels, l) }

func init() { RegisterEnum(ManagementLevels) }

// Membership gives a user a role in an organisation.
type Membership struct {
	ID               string          `json:"id"`
	UserID           string          `json:"user_id"`
	OrganizationID   string          `json:"organization_id"`
	Role             Role            `json:"role"`
	Position         string          `json:"position,omitempty" doc:"The person's title in the organisation, e.g. kommunaldirektør"`
	Level            ManagementLevel `json:"level,omitempty" allowEmpty:"true" doc:"How high the person stands in the organisation's hierarchy"`
	UserDisplayName  string          `json:"user_display_name" readOnly:"true"`
	UserEmail        string          `json:"user_email" readOnly:"true"`
	OrganizationName string          `json:"organization_name" readOnly:"true"`
	Version          int             `json:"version"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
}

// MembershipInput gives a person who belongs to one of the
// administrator's organisations a role in another of them; anyone else is
// invited by e-mail (PersonInvitationInput).
type MembershipInput struct {
	UserID         string `json:"user_id,omitempty" doc:"The user's ID; or give email"`
	Email          string `json:"email,omitempty" doc:"The e-mail of a person in one of your organisations; or give user_id"`
	OrganizationID string `json:"organization_id" doc:"Organisation ID or municipality code"`
	Role           Role   `json:"role"`
}

// MembershipPatch changes a membership's role, the person's title and
// level.
type MembershipPatch struct {
	Role     *Role            `json:"role,omitempty"`
	Position *string          `json:"position,omitempty" maxLength:"200"`
	Level    *ManagementLevel `json:"level,omitempty" allowEmpty:"true" doc:"Empty for not recorded"`
}

// Apply returns m with the patch applied.
func (p MembershipPatch) Apply(m Membership) Membership {
	setIf(&m.Role, p.Role)
	setIf(&m.Position, p.Position)
	setIf(&m.Level, p.Level)
	return m
}

// Validate checks the patch's own fields.
func (p *MembershipPatch) Validate() error {
	var v Validation
	if p.Role != nil {
		v.OneOf("role", *p.Role)
	}
	if p.Position != nil {
		*p.Position = strings.TrimSpace(*p.Position)
		v.Check(utf8.RuneCountInString(*p.Position) <= 200, "position", "must be at most 200 characters")
	}
	if p.Level != nil && *p.Level != "" {
		v.OneOf("level", *p.Level)
	}
	return v.Err()
}

// MembershipFilter selects memberships in a list.
type MembershipFilter struct {
	OrganizationID string
	UserID         string
	ListOptions
}

// MembershipService manages memberships. Removing or demoting the last
// administrator of an organisation is refused.
type MembershipService interface {
	FindMembership(ctx context.Context, actor *Actor, id string) (*Membership, error)
	ListMemberships(ctx context.Context, actor *Actor, f MembershipFilter) (*Page[Membership], error)
	CreateMembership(ctx context.Context, actor *Actor, in MembershipInput) (*Membership, error)
	UpdateMembership(ctx context.Context, actor *Actor, id string, version int, p MembershipPatch) (*Membership, error)
	DeleteMembership(ctx context.Context, actor *Actor, id string, version int) error
}

// PersonInvitation asks a person, by e-mail address, to join an
// organisation with a role. The person accepts by following the link in
// the invitation (which makes an account when they have none) or, with an
// account already, after signing in. Nothing in it or in the answers to the
// administrator tells whether the address has an account.
type PersonInvitation struct {
	ID               string           `json:"id"`
	OrganizationID   string           `json:"organization_id"`
	OrganizationName string           `json:"organization_name" readOnly:"true"`
	Email            string           `json:"email"`
	Role             Role             `json:"role"`
	Message          string           `json:"message,omitempty"`
	Status           InvitationStatus `json:"status"`
	InvitedByName    string           `json:"invited_by_name" readOnly:"true"`
	ExpiresAt        time.Time        `json:"expires_at"`
	AnsweredAt       *time.Time       `json:"answered_at,omitempty"`
	AcceptURL        string           `json:"accept_url,omitempty" readOnly:"true" doc:"The link to accept it; shown once, when the invitation is made"`
	Version          int              `json:"version"`
	CreatedAt        time.Time        `json:"created_at"`
	UpdatedAt        time.Time        `json:"updated_at"`
}

// PersonInvitationLifetime is how long an invitation link works.
const PersonInvitationLifetime = 14 * 24 * time.Hour

// PersonInvitationInput invites a person to an organisation.
type PersonInvitationInput struct {
	Email   string `json:"email" maxLength:"254" format:"email"`
	Role    Role   `json:"role"`
	Message string `json:"message,omitempty" maxLength:"2000"`
}

// Validate checks an invitation's own fields.
func (in *PersonInvitationInput) Validate() error {
	in.Email = strings.TrimSpace(in.Email)
	var v Validation
	v.Check(ValidEmail(in.Email), "email", "must be an e-mail address such as name@example.dk")
	v.OneOf("role", in.Role)
	v.Check(utf8.RuneCountInString(in.Message) <= 2000, "message", "must be at most 2000 characters")
	return v.Err()
}

// NewAccountInput is what a person gives to make their account when
// accepting an invitation by its link.
type NewAccountInput struct {
	DisplayName string `json:"display_name" minLength:"1" maxLength:"200"`
	Password    string `json:"password" maxLength:"1024"`
}

// PersonInvitationService invites people to organisations. Administrators
// invite; the invited person answers.
type PersonInvitationService interface {
	// InvitePerson makes an invitation and returns it with the secret of
	// its link (AcceptURL holds the path). The answer is the same whether or
	// not the address has an account.
	InvitePerson(ctx context.Context, actor *Actor, orgID string, in PersonInvitationInput) (*PersonInvitation, string, error)
	ListPersonInvitations(ctx context.Context, actor *Actor, orgID string, opt ListOptions) (*Page[PersonInvitation], error)
	WithdrawPersonInvitation(ctx context.Context, actor *Actor, id string) (*PersonInvitation, error)
	// MyPersonInvitations lists the pending invitations to the signed-in
	// person's own e-mail address.
	MyPersonInvitations(ctx context.Context, actor *Actor) ([]PersonInvitation, error)
	// AnswerPersonInvitation accepts or declines an invitation to the
	// signed-in person's own e-mail address.
	AnswerPersonInvitation(ctx context.Context, actor *Actor, id string, accept bool) (*PersonInvitation, error)
	// PersonInvitationByLink returns the pending invitation a link's secret
	// opens.
	PersonInvitationByLink(ctx context.Context, secret string) (*PersonInvitation, error)
	// AcceptByLink accepts an invitation through its link for a person
	// without an account: it makes the account, owned by the inviting
	// organisation, and its membership, and returns the user.
	AcceptByLink(ctx context.Context, secret string, in NewAccountInput) (*User, error)
}

// PasswordResetLifetime is how long a password reset link works.
const PasswordResetLifetime = time.Hour

// PasswordResetService lets people set a new password through a link sent
// to their e-mail address.
type PasswordResetService interface {
	// RequestPasswordReset makes a reset link for the enabled account with
	// this e-mail address. It returns the user and the link's secret, or
	// nil and "" when there is no such account; the caller must answer both
	// cases alike.
	RequestPasswordReset(ctx context.Context, email string) (*User, string, error)
	// ResetPassword sets a new password with a link's secret, once, and ends
	// the user's sessions.
	ResetPassword(ctx context.Context, secret, password string) error
}
