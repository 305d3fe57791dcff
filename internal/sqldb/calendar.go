package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/samspil/samspil"
)

var _ samspil.CalendarService = (*DB)(nil)

const feedColumns = `id, user_id, organization_id, scope, created_at, last_used_at, revoked_at`

func scanFeed(r rowScanner) (samspil.CalendarFeed, error) {
	var f samspil.CalendarFeed
	var created, used, revoked dbTime
	err := r.Scan(&f.ID, &f.UserID, &f.OrganizationID, &f.Scope, &created, &used, &revoked)
	f.CreatedAt, f.LastUsedAt, f.RevokedAt = created.T, used.Ptr(), revoked.Ptr()
	return f, err
}

// CreateFeed makes a calendar feed of an organisation the actor can see.
func (db *DB) CreateFeed(ctx context.Context, actor *samspil.Actor, orgID string, scope samspil.FeedScope) (*samspil.CalendarFeed, string, error) {
	if !actor.SignedIn() || actor.UserID == "" {
		return nil, "", samspil.Errorf(samspil.EUNAUTHORIZED, "sign in to make a calendar feed")
	}
	if scope != samspil.FeedDeadlines {
		return nil, "", samspil.ErrorAt(samspil.EINVALID, "scope", "must be deadlines")
	}
	secret := newSecret()
	var f samspil.CalendarFeed
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.findOrg(ctx, tx, actor, orgID)
		if err != nil {
			return err
		}
		if !actor.MemberOf(org.ID) && !actor.IsOperator() {
			return samspil.Errorf(samspil.EFORBIDDEN, "only members of %s may subscribe to its deadlines", org.Name)
		}
		f = samspil.CalendarFeed{ID: newID(), UserID: actor.UserID, OrganizationID: org.ID, Scope: scope, CreatedAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_feeds (id, secret_hash, user_id, organization_id, scope, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, f.ID, hashSecret(secret), f.UserID, f.OrganizationID, string(scope), tx.now); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "calendar_feed.create", ObjectType: "calendar_feed", ObjectID: f.ID, After: f})
	})
	if err != nil {
		return nil, "", err
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
			return nil
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
