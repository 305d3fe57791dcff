package samspil

import (
	"context"
	"time"
)

// Membership gives a user a role in an organisation.
type Membership struct {
	ID               string    `json:"id"`
	UserID           string    `json:"user_id"`
	OrganizationID   string    `json:"organization_id"`
	Role             Role      `json:"role"`
	UserDisplayName  string    `json:"user_display_name" readOnly:"true"`
	UserEmail        string    `json:"user_email" readOnly:"true"`
	OrganizationName string    `json:"organization_name" readOnly:"true"`
	Version          int       `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// MembershipInput adds a user to an organisation.
type MembershipInput struct {
	UserID         string `json:"user_id,omitempty" doc:"The user's ID; or give email"`
	Email          string `json:"email,omitempty" doc:"The e-mail of an existing user; or give user_id"`
	OrganizationID string `json:"organization_id" doc:"Organisation ID or municipality code"`
	Role           Role   `json:"role"`
}

// MembershipPatch changes a membership's role.
type MembershipPatch struct {
	Role *Role `json:"role,omitempty"`
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
