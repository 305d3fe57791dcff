package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/samspil/samspil"
)

var _ samspil.CalendarService = (*DB)(nil)

const feedColumns = `id, user_id, organization_id, scope, target_id, reminder_days, language, created_at, last_used_at, revoked_at`

func scanFeed(r rowScanner) (samspil.CalendarFeed, error) {
	var f samspil.CalendarFeed
	var created, used, revoked dbTime
	var target string
	err := r.Scan(&f.ID, &f.UserID, &f.OrganizationID, &f.Scope, &target, &f.ReminderDays, &f.Language, &created, &used, &revoked)
	if f.Scope == samspil.FeedForum {
		f.ForumID = target
	}
	f.CreatedAt, f.LastUsedAt, f.RevokedAt = created.T, used.Ptr(), revoked.Ptr()
	return f, err
}

// CreateFeed makes a calendar feed: of an organisation's deadlines (its
// members only), of a visible forum's meetings, of the meetings of the
// forums the actor sits in, or of those an organisation of the actor sits in.
// The feed keeps its reminder days (its scope's default unless given) and the language of its
// texts (Danish unless given).
func (db *DB) CreateFeed(ctx context.Context, actor *samspil.Actor, in samspil.FeedInput) (*samspil.CalendarFeed, string, error) {
	if !actor.SignedIn() || actor.UserID == "" {
		return nil, "", samspil.Errorf(samspil.EUNAUTHORIZED, "sign in to make a calendar feed")
	}
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	reminder, lang := in.Scope.DefaultReminderDays(), samspil.FeedLanguages[0]
	if in.ReminderDays != nil {
		reminder = *in.ReminderDays
	}
	if in.Language != "" {
		lang = in.Language
	}
	secret := newSecret()
	var f samspil.CalendarFeed
	err := db.update(ctx, actor, func(tx *Tx) error {
		f = samspil.CalendarFeed{ID: newID(), UserID: actor.UserID, Scope: in.Scope, ReminderDays: reminder, Language: lang, CreatedAt: tx.now}
		kept := secret // meeting feeds keep their secret; deadline feeds only its hash
		switch in.Scope {
		case samspil.FeedDeadlines, samspil.FeedOrganization:
			org, err := db.findOrg(ctx, tx, actor, in.OrganizationID)
			if err != nil {
				return err
			}
			if !actor.MemberOf(org.ID) && !actor.IsOperator() {
				return samspil.Errorf(samspil.EFORBIDDEN, "only members of %s may subscribe to its calendar", org.Name)
			}
			f.OrganizationID = org.ID
			if in.Scope == samspil.FeedDeadlines {
				kept = ""
			}
		case samspil.FeedForum:
			forum, err := db.findForum(ctx, tx, actor, in.ForumID)
			if err != nil {
				return err
			}
			f.ForumID = forum.ID
			f.OrganizationID = feedOrg(actor, &forum.Forum)
		case samspil.FeedPerson:
			f.OrganizationID = feedOrg(actor, nil)
		}
		if f.OrganizationID == "" {
			return samspil.Errorf(samspil.EFORBIDDEN, "only members of an organisation may make calendar feeds")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_feeds (id, secret_hash, secret, user_id, organization_id, scope, target_id,
			reminder_days, language, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, f.ID, hashSecret(secret), kept, f.UserID,
			f.OrganizationID, string(f.Scope), feedTarget(&f), f.ReminderDays, string(f.Language), tx.now); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: f.OrganizationID, Action: "calendar_feed.create", ObjectType: "calendar_feed", ObjectID: f.ID, After: f})
	})
	if err != nil {
		return nil, "", err
	}
	return &f, secret, nil
}

// feedWithSecret scans a feed row followed by its secret.
type feedWithSecret struct {
	r      rowScanner
	secret *string
}

func (f feedWithSecret) Scan(dest ...any) error { return f.r.Scan(append(dest, f.secret)...) }

// feedTarget is what a feed is of, kept in target_id: the forum of a forum
// feed, the organisation of an organization feed.
func feedTarget(f *samspil.CalendarFeed) string {
	switch f.Scope {
	case samspil.FeedForum:
		return f.ForumID
	case samspil.FeedOrganization:
		return f.OrganizationID
	}
	return ""
}

// feedOrg picks the organisation a feed is recorded under: the actor's
// organisation that sits in the forum, else the actor's first.
func feedOrg(actor *samspil.Actor, forum *samspil.Forum) string {
	if forum != nil {
		for _, m := range forum.Members {
			if m.UserID == actor.UserID && actor.MemberOf(m.OrganizationID) {
				return m.OrganizationID
			}
		}
	}
	if ids := actor.OrgIDs(); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// MeetingFeed returns the actor's newest active meeting feed of the scope
// and target (the forum, the organisation, or "" for a person feed) with its
// secret.
func (db *DB) MeetingFeed(ctx context.Context, actor *samspil.Actor, scope samspil.FeedScope, target string) (*samspil.CalendarFeed, string, error) {
	if scope == samspil.FeedDeadlines || actor.UserID == "" {
		return nil, "", samspil.NotFound("calendar feed")
	}
	if scope == samspil.FeedOrganization {
		// An organisation may be named by its municipality code.
		org, err := db.findOrg(ctx, db.read, actor, target)
		if err != nil {
			return nil, "", samspil.NotFound("calendar feed")
		}
		target = org.ID
	}
	var secret string
	row := db.read.QueryRowContext(ctx, `SELECT `+feedColumns+`, secret FROM calendar_feeds WHERE user_id = $1 AND scope = $2 AND target_id = $3
		AND revoked_at IS NULL AND secret <> '' ORDER BY created_at DESC, id DESC LIMIT 1`, actor.UserID, string(scope), target)
	f, err := scanFeed(feedWithSecret{row, &secret})
	if err != nil {
		return nil, "", errNoRows(err, "calendar feed")
	}
	return &f, secret, nil
}

// ListFeeds lists the actor's own feeds, newest first.
func (db *DB) ListFeeds(ctx context.Context, actor *samspil.Actor) ([]samspil.CalendarFeed, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+feedColumns+` FROM calendar_feeds WHERE user_id = $1 ORDER BY id DESC`, actor.UserID)
	if err != nil {
		return nil, err
	}
	feeds, err := collect(rows, scanFeed)
	if feeds == nil {
		feeds = []samspil.CalendarFeed{}
	}
	return feeds, err
}

// RevokeFeed stops one of the actor's feeds (operators may stop anyone's).
func (db *DB) RevokeFeed(ctx context.Context, actor *samspil.Actor, id string) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		f, err := scanFeed(tx.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM calendar_feeds WHERE id = $1`, id))
		if err != nil {
			return errNoRows(err, "calendar feed")
		}
		if f.UserID != actor.UserID && !actor.IsOperator() {
			return samspil.NotFound("calendar feed")
		}
		if f.RevokedAt != nil {
			return errUnchanged
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calendar_feeds SET revoked_at = $1 WHERE id = $2`, tx.now, id); err != nil {
			return err
		}
		after := f
		after.RevokedAt = &tx.now
		return tx.Audit(auditEntry{OrgID: f.OrganizationID, Action: "calendar_feed.revoke", ObjectType: "calendar_feed", ObjectID: id, Before: f, After: after})
	})
}

// FeedActor resolves a feed secret.
func (db *DB) FeedActor(ctx context.Context, secret string) (*samspil.CalendarFeed, *samspil.Actor, error) {
	f, err := scanFeed(db.read.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM calendar_feeds WHERE secret_hash = $1`, hashSecret(secret)))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && f.RevokedAt != nil) {
		return nil, nil, samspil.NotFound("calendar feed")
	}
	if err != nil {
		return nil, nil, err
	}
	actor, err := db.loadActor(ctx, f.UserID)
	if err != nil {
		return nil, nil, samspil.NotFound("calendar feed")
	}
	now := db.now()
	if f.LastUsedAt == nil || now.Sub(*f.LastUsedAt) >= touchEvery {
		if _, err := db.write.ExecContext(ctx, `UPDATE calendar_feeds SET last_used_at = $1 WHERE id = $2`, now, f.ID); err != nil {
			return nil, nil, err
		}
	}
	return &f, actor, nil
}
