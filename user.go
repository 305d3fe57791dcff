package samspil

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who signs in to samspil. A user may belong to several
// organisations through memberships. The e-mail address is contact data,
// never the identity: sessions, tokens and audit events refer to ID, and
// single sign-on identities are (provider, subject) pairs.
type User struct {
	ID          string       `json:"id"`
	Email       string       `json:"email"`
	DisplayName string       `json:"display_name"`
	Disabled    bool         `json:"disabled"`
	Operator    bool         `json:"operator" doc:"Platform operator: runs the installation"`
	HasPassword bool         `json:"has_password" doc:"Whether the user has a local password"`
	LastLoginAt *time.Time   `json:"last_login_at,omitempty"`
	Memberships []Membership `json:"memberships" doc:"The memberships the caller may see"`
	Version     int          `json:"version"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// UserInput creates a user, normally together with a first membership.
type UserInput struct {
	Email       string `json:"email" maxLength:"254" format:"email"`
	DisplayName string `json:"display_name" minLength:"1" maxLength:"200"`
	Password    string `json:"password,omitempty" maxLength:"1024" doc:"Optional local password: at least 15 characters, not a common password"`
	// OrganizationID and Role make the first membership. Only platform
	// operators may create users without one.
	OrganizationID string `json:"organization_id,omitempty" doc:"Organisation ID or municipality code of the first membership"`
	Role           Role   `json:"role,omitempty"`
	Operator       bool   `json:"operator,omitempty" doc:"Only platform operators may create operators"`
}

// UserPatch changes a user; nil fields stay as they are.
type UserPatch struct {
	Email       *string `json:"email,omitempty" maxLength:"254" format:"email"`
	DisplayName *string `json:"display_name,omitempty" maxLength:"200"`
	Disabled    *bool   `json:"disabled,omitempty" doc:"Disabled users cannot sign in; their sessions and tokens stop working"`
	Operator    *bool   `json:"operator,omitempty" doc:"Only platform operators may change it"`
}

// Apply returns u with the patch applied.
func (p UserPatch) Apply(u User) User {
	setIf(&u.Email, p.Email)
	setIf(&u.DisplayName, p.DisplayName)
	setIf(&u.Disabled, p.Disabled)
	setIf(&u.Operator, p.Operator)
	u.Email = strings.TrimSpace(u.Email)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	return u
}

// Validate checks a user's own fields.
func (u *User) Validate() error {
	var v Validation
	v.Check(ValidEmail(u.Email), "email", "must be an e-mail address such as name@example.dk")
	v.Check(u.DisplayName != "", "display_name", "is required")
	v.Check(utf8.RuneCountInString(u.DisplayName) <= 200, "display_name", "must be at most 200 characters")
	return v.Err()
}

// ValidEmail reports whether s is a plain e-mail address (no display name).
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\t\r\n") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// UserFilter selects users in a list.
type UserFilter struct {
	OrganizationID string // only members of this organisation
	Query          string // matches name or e-mail
	ListOptions
}

// Identity links a user to a login at an external identity provider
// (OIDC issuer or SAML entity). The pair (Provider, Subject) is the identity.
type Identity struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	Provider  string    `json:"provider"`
	Subject   string    `json:"subject"`
	CreatedAt time.Time `json:"created_at"`
}

// UserService manages users.
type UserService interface {
	FindUser(ctx context.Context, actor *Actor, id string) (*User, error)
	ListUsers(ctx context.Context, actor *Actor, f UserFilter) (*Page[User], error)
	CreateUser(ctx context.Context, actor *Actor, in UserInput) (*User, error)
	UpdateUser(ctx context.Context, actor *Actor, id string, version int, p UserPatch) (*User, error)
	// SetPassword sets a user's local password. Users changing their own
	// password must give the current one; others need
	// Actor.MaySetPassword.
	SetPassword(ctx context.Context, actor *Actor, id, current, password string) error
	// AccountFacts returns what the rules about managing an account need
	// (Actor.MayManageAccount, MayDisableAccount) for each person of the
	// organisation, by user ID, to those who may read its people.
	AccountFacts(ctx context.Context, actor *Actor, orgID string) (map[string]AccountFacts, error)
	// LinkIdentity records an external login identity for a user.
	LinkIdentity(ctx context.Context, actor *Actor, userID, provider, subject string) (*Identity, error)
}

// Passwords hashes, verifies and judges passwords. The store gets one at
// start-up so that the domain stays free of hashing details.
type Passwords interface {
	// Check returns an EINVALID error (field "password") when the password is
	// too short, too common, a pattern, or too close to the person; context
	// holds words specific to the person (e-mail, name) that must not make
	// up the password.
	Check(password string, context ...string) error
	// Hash and Verify bound the hashing work in flight: when it cannot start
	// in time, or ctx ends first, they answer EBUSY.
	Hash(ctx context.Context, password string) (string, error)
	// Verify reports whether password matches hash. A hash that is "" never
	// matches, but Verify still spends the time of a real comparison.
	Verify(ctx context.Context, hash, password string) (bool, error)
}
