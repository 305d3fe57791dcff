package samspil

import (
	"context"
	"time"
)

// FeedScope says what a calendar feed shows.
type FeedScope string

// Feed scopes.
const (
	FeedDeadlines    FeedScope = "deadlines"    // an organisation's contract deadlines
	FeedForum        FeedScope = "forum"        // one forum's meetings
	FeedPerson       FeedScope = "person"       // the meetings of every forum its user sits in
	FeedOrganization FeedScope = "organization" // the meetings of every forum in which someone sits for an organisation
)

// FeedScopes lists the valid scopes.
var FeedScopes = []FeedScope{FeedDeadlines, FeedForum, FeedPerson, FeedOrganization}

// FeedInput asks for a calendar feed.
type FeedInput struct {
	Scope          FeedScope `json:"scope"`
	OrganizationID string    `json:"organization_id,omitempty" maxLength:"64" doc:"The organisation of a deadlines or organization feed"`
	ForumID        string    `json:"forum_id,omitempty" maxLength:"64" doc:"The forum of a forum feed"`
}

// CalendarFeed is a secret, revocable URL a calendar client subscribes to.
// The secret of a deadlines feed is shown once, at creation; a meeting
// feed's address is kept so that its user can find it again (as calendar
// services do with their secret addresses), and revoking it ends it. The
// feed shows what its user may see when it is fetched, so a user who loses
// access loses the feed too.
type CalendarFeed struct {
	ID             string     `json:"id"`
	UserID         string     `json:"user_id"`
	OrganizationID string     `json:"organization_id"`
	Scope          FeedScope  `json:"scope"`
	ForumID        string     `json:"forum_id,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	LastUsedAt     *time.Time `json:"last_used_at,omitempty"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"`
}

// CalendarService manages calendar feeds.
type CalendarService interface {
	// CreateFeed makes a feed for the actor and returns it with its secret.
	CreateFeed(ctx context.Context, actor *Actor, in FeedInput) (*CalendarFeed, string, error)
	// MeetingFeed returns the actor's newest active meeting feed of the
	// scope with its secret, or ENOTFOUND. target is the forum of a forum
	// feed, the organisation of an organization feed, "" for a person feed.
	MeetingFeed(ctx context.Context, actor *Actor, scope FeedScope, target string) (*CalendarFeed, string, error)
	// ListFeeds lists the actor's feeds.
	ListFeeds(ctx context.Context, actor *Actor) ([]CalendarFeed, error)
	RevokeFeed(ctx context.Context, actor *Actor, id string) error
	// FeedActor resolves a feed secret to the feed and the actor of its
	// user. It answers ENOTFOUND when the secret is unknown or revoked or
	// the user is disabled, so that a feed URL reveals nothing.
	FeedActor(ctx context.Context, secret string) (*CalendarFeed, *Actor, error)
}
