package samspil

import (
	"context"
	"net/netip"
	"strings"
	"time"
)

// Token is a named API token of one user. Its secret is shown once, at
// creation; only a hash is stored.
type Token struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix" doc:"The first characters of the secret, to recognise it"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// TokenInput creates a token.
type TokenInput struct {
	Name      string     `json:"name" minLength:"1" maxLength:"100"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"Optional expiry; without it the token lives until revoked"`
}

// Validate checks a token input at time now.
func (in *TokenInput) Validate(now time.Time) error {
	in.Name = strings.TrimSpace(in.Name)
	var v Validation
	v.Check(in.Name != "", "name", "is required")
	v.Check(len(in.Name) <= 100, "name", "must be at most 100 characters")
	if in.ExpiresAt != nil {
		v.Check(in.ExpiresAt.After(now), "expires_at", "must be in the future")
	}
	return v.Err()
}

// TokenService manages API tokens. Users manage their own tokens; platform
// operators may see and revoke anyone's.
type TokenService interface {
	ListTokens(ctx context.Context, actor *Actor, userID string, opt ListOptions) (*Page[Token], error)
	FindToken(ctx context.Context, actor *Actor, id string) (*Token, error)
	// CreateToken returns the token and its secret, which is not stored.
	CreateToken(ctx context.Context, actor *Actor, userID string, in TokenInput) (*Token, string, error)
	RevokeToken(ctx context.Context, actor *Actor, id string) error
}

// AuthPolicy holds the limits of sign-in and sessions.
type AuthPolicy struct {
	SessionIdle     time.Duration // a session ends after this long without use
	SessionLifetime time.Duration // and in any case this long after sign-in
	LockAfter       int           // consecutive failed logins for one login name before a soft lock
	LockFor         time.Duration // how long the soft lock lasts
	// Failed logins from one source address, whichever login names they
	// tried, pause sign-in from that address: SourceLockAfter failures
	// within SourceWindow pause it for SourceLockFor. SourceLockAfter 0
	// turns this off.
	SourceLockAfter int
	SourceWindow    time.Duration
	SourceLockFor   time.Duration
}

// DefaultAuthPolicy is the policy unless configured otherwise. The source
// limit leaves room for an office of people behind one address mistyping
// now and then, and stops one address from trying a password on account
// after account.
var DefaultAuthPolicy = AuthPolicy{
	SessionIdle:     2 * time.Hour,
	SessionLifetime: 12 * time.Hour,
	LockAfter:       5,
	LockFor:         15 * time.Minute,
	SourceLockAfter: 20,
	SourceWindow:    15 * time.Minute,
	SourceLockFor:   15 * time.Minute,
}

// LoginAttempt is one try at signing in with an e-mail address and a
// password.
type LoginAttempt struct {
	Email    string
	Password string
	// Source is the client's address as the HTTP layer sees it (behind a
	// proxy, the address the proxy reports). Failures are throttled per
	// source as well as per login name; without a source (the zero Addr)
	// only per login name.
	Source netip.Addr
}

// AuthService signs people in and resolves credentials to actors. It acts in
// system scope: it is the gate in front of every other service.
type AuthService interface {
	// Login checks an e-mail and password, records the attempt in the audit
	// log and, on success, starts a session and returns its secret token.
	// Failures answer EUNAUTHORIZED, ELOCKED while the login name or the
	// source address is paused, or EBUSY when the password could not be
	// checked in time; none of the answers tells whether the account exists.
	Login(ctx context.Context, in LoginAttempt) (token string, user *User, err error)
	// SessionActor resolves a session token. It answers EUNAUTHORIZED when
	// the session is unknown, idle too long, past its lifetime, or its user
	// is disabled.
	SessionActor(ctx context.Context, token string) (*Actor, error)
	// Logout ends a session.
	Logout(ctx context.Context, token string) error
	// TokenActor resolves an API token secret.
	TokenActor(ctx context.Context, secret string) (*Actor, error)
}

// Services is everything the HTTP layers use of the store.
type Services interface {
	OrganizationService
	OrgUnitService
	UserService
	MembershipService
	PersonInvitationService
	PasswordResetService
	AuditService
	TokenService
	AuthService
	SystemService
	RelationService
	UsageService
	ContractService
	DataProcessingService
	TaskService
	DeletionService
	ImportService
	UploadService
	CalendarService
	CollaborationService
	NoticeService
	DecisionService
	AmbitionService
	StrategyService
	ActionItemService
	ForumService
	SearchService
	OverviewService
	InitiativeService
	HealthService
	KitosSyncService
	RoleService
	DataClassificationService
	SSOService
}
