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

// FeedLanguage is the language of a feed's texts: event titles,
// descriptions, reminders and dates. A feed is read by a calendar client,
// not by a person with a language choice, so the language is chosen when
// the feed is made (the pages take the reader's language) and kept.
type FeedLanguage string

// Feed languages.
const (
	FeedDanish  FeedLanguage = "da"
	FeedEnglish FeedLanguage = "en"
)

// FeedLanguages lists the valid languages, the default first.
var FeedLanguages = []FeedLanguage{FeedDanish, FeedEnglish}

func init() {
	RegisterEnum(FeedLanguages)
}

// Reminders of a feed: a reminder (an alarm in the calendar client) goes
// off this many days before each of its events — the last day to act on a
// contract, or a meeting. 0 means none. A deadline feed reminds two weeks
// ahead unless told otherwise; a meeting feed, whose events people see in
// their calendars anyway, only when asked.
const (
	DefaultFeedReminderDays = 14
	MaxFeedReminderDays     = 365
)

// DefaultReminderDays is a new feed's reminder when none is given.
func (s FeedScope) DefaultReminderDays() int {
	if s == FeedDeadlines {
		return DefaultFeedReminderDays
	}
	return 0
}

// FeedInput asks for a calendar feed.
type FeedInput struct {
	Scope          FeedScope `json:"scope"`
	OrganizationID string    `json:"organization_id,omitempty" maxLength:"64" doc:"The organisation of a deadlines or organization feed"`
	ForumID        string    `json:"forum_id,omitempty" maxLength:"64" doc:"The forum of a forum feed"`
	// ReminderDays is nil for the default (DefaultFeedReminderDays).
	ReminderDays *int         `json:"reminder_days,omitempty" minimum:"0" maximum:"365" doc:"Days before each event (the last day to act on a contract, or a meeting) that calendar clients remind; 0 for no reminders; defaults to 14 for a deadlines feed and 0 for a meeting feed"`
	Language     FeedLanguage `json:"language,omitempty" allowEmpty:"true" doc:"The language of the feed's texts; defaults to da"`
}

// Validate checks the input. Field paths are the JSON names.
func (in FeedInput) Validate() error {
	var v Validation
	v.OneOf("scope", in.Scope)
	if in.Language != "" {
		v.OneOf("language", in.Language)
	}
	if in.ReminderDays != nil {
		v.Check(*in.ReminderDays >= 0 && *in.ReminderDays <= MaxFeedReminderDays, "reminder_days",
			"must be between 0 and %d", MaxFeedReminderDays)
	}
	return v.Err()
}

// CalendarFeed is a secret, revocable URL a calendar client subscribes to.
// The secret of a deadlines feed is shown once, at creation; a meeting
// feed's address is kept so that its user can find it again (as calendar
// services do with their secret addresses), and revoking it ends it. The
// feed shows what its user may see when it is fetched, so a user who loses
// access loses the feed too.
type CalendarFeed struct {
	ID             string       `json:"id"`
	UserID         string       `json:"user_id"`
	OrganizationID string       `json:"organization_id"`
	Scope          FeedScope    `json:"scope"`
	ForumID        string       `json:"forum_id,omitempty"`
	ReminderDays   int          `json:"reminder_days" doc:"Days before each event that calendar clients remind; 0 for none"`
	Language       FeedLanguage `json:"language" doc:"The language of the feed's texts"`
	CreatedAt      time.Time    `json:"created_at"`
	LastUsedAt     *time.Time   `json:"last_used_at,omitempty"`
	RevokedAt      *time.Time   `json:"revoked_at,omitempty"`
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
