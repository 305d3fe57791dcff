package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/samspil/samspil"
)

var _ samspil.TokenService = (*DB)(nil)

// Secrets (API tokens, session cookies) are 32 random bytes; only their
// SHA-256 is stored, so a copy of the database opens no doors.

// TokenPrefix starts every API token secret, so that scanners recognise
// leaked ones.
const TokenPrefix = "samspil_"

func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

const tokenColumns = `id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at`

func scanToken(r rowScanner) (samspil.Token, error) {
	var t samspil.Token
	var created, used, expires, revoked dbTime
	err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &used, &expires, &revoked)
	t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt = created.T, used.Ptr(), expires.Ptr(), revoked.Ptr()
	return t, err
}

// ownTokenCond: users see their own tokens, operators everyone's.
func ownTokenCond(q *query, actor *samspil.Actor) string {
	switch {
	case actor.IsOperator():
		return "1 = 1"
	case !actor.SignedIn():
		return "1 = 0"
	}
	return "user_id = " + q.arg(actor.UserID)
}

// ListTokens lists the tokens of a user (the actor when userID is ""),
// newest first.
func (db *DB) ListTokens(ctx context.Context, actor *samspil.Actor, userID string, opt samspil.ListOptions) (*samspil.Page[samspil.Token], error) {
	var q query
	q.cond(ownTokenCond(&q, actor))
	if userID == "" {
		userID = actor.UserID
	}
	q.cond("user_id = " + q.arg(userID))
	if opt.ChangedSince != nil {
		q.cond("created_at >= " + q.arg(opt.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(opt.Cursor, 1)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("id < " + q.arg(keys[0]))
	}
	limit := opt.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens"+q.whereSQL()+" ORDER BY id DESC LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	ts, err := collect(rows, scanToken)
	if err != nil {
		return nil, err
	}
	return pageOf(ts, limit, func(t samspil.Token) []string { return []string{t.ID} }), nil
}

// FindToken returns one of the actor's tokens.
func (db *DB) FindToken(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Token, error) {
	return db.findToken(ctx, db.read, actor, id)
}

func (db *DB) findToken(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Token, error) {
	var q query
	q.cond("id = " + q.arg(id))
	q.cond(ownTokenCond(&q, actor))
	t, err := scanToken(qr.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens"+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "token")
	}
	return &t, nil
}

// CreateToken makes an API token for a user. Users make their own; the
// command line (a system actor) makes them for anyone.
func (db *DB) CreateToken(ctx context.Context, actor *samspil.Actor, userID string, in samspil.TokenInput) (*samspil.Token, string, error) {
	if userID == "" {
		userID = actor.UserID
	}
	if !actor.SignedIn() || (actor.UserID != userID && actor.Kind != samspil.ActorSystem) {
		return nil, "", samspil.NotFound("user")
	}
	if err := in.Validate(db.now()); err != nil {
		return nil, "", err
	}
	secret := TokenPrefix + newSecret()
	t := samspil.Token{ID: newID(), UserID: userID, Name: in.Name, Prefix: secret[:len(TokenPrefix)+6]}
	if in.ExpiresAt != nil {
		e := in.ExpiresAt.UTC().Truncate(time.Microsecond)
		t.ExpiresAt = &e
	}
	err := db.update(ctx, actor, func(tx *Tx) error {
		var disabled bool
		if err := tx.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = $1`, userID).Scan(&disabled); err != nil {
			return errNoRows(err, "user")
		}
		if disabled {
			return samspil.Errorf(samspil.ECONFLICT, "the user is disabled")
		}
		t.CreatedAt = tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, prefix, secret_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, userID, t.Name, t.Prefix, hashSecret(secret), tx.now, nullTime(t.ExpiresAt)); err != nil {
			return err
		}
		return tx.Audit(auditEntry{Action: "token.create", ObjectType: "token", ObjectID: t.ID, After: t})
	})
	if err != nil {
		return nil, "", err
	}
	return &t, secret, nil
}

// RevokeToken stops a token from working.
func (db *DB) RevokeToken(ctx context.Context, actor *samspil.Actor, id string) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		t, err := db.findToken(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return errUnchanged
		}
		after := *t
		after.RevokedAt = &tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, tx.now, id); err != nil {
			return err
		}
		return tx.Audit(auditEntry{Action: "token.revoke", ObjectType: "token", ObjectID: id, Before: t, After: after})
	})
}
