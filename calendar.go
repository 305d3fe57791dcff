package samspil

import (
	"context"
	"time"
)

// FeedScope says what a calendar feed shows.
type FeedScope string

// Feed scopes.
const (
	FeedDeadlines FeedScope = "deadlines" // an organisation's contract deadlines
)

// CalendarFeed is a secret, revocable URL a calendar client subscribes to.
// Its secret is shown once, at creation. The feed shows what its user may
// see when it is fetched, so a user who loses access loses the feed too.
type CalendarFeed struct {
	ID             string     `json:"id"`
	UserID         string     `json:"user_id"`
	OrganizationID string     `json:"organization_id"`
	Scope          FeedScope  `json:"scope" enum:"deadlines"`
	CreatedAt      time.Time  `json:"created_at"`
	LastUsedAt     *time.Time `json:"last_used_at,omitempty"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"`
}

// CalendarService manages calendar feeds.
type CalendarService interface {
	// CreateFeed makes a feed for the actor and returns it with its secret.
	CreateFeed(ctx context.Context, actor *Actor, orgID string, scope FeedScope) (*CalendarFeed, string, error)
	// ListFeeds lists the actor's feeds.
	ListFeeds(ctx context.Context, actor *Actor) ([]CalendarFeed, error)
	RevokeFeed(ctx context.Context, actor *Actor, id string) error
	// FeedActor resolves a feed secret to the feed and the actor of its
	// user. It answers ENOTFOUND when the secret is unknown or revoked or
	// the user is disabled, so that a feed URL reveals nothing.
	FeedActor(ctx context.Context, secret string) (*CalendarFeed, *Actor, error)
}
