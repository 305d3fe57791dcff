package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/samspil/samspil"
)

var _ samspil.AuthService = (*DB)(nil)

// touchEvery limits how often a session's or token's last use is written.
const touchEvery = time.Minute

func errBadLogin() error {
	return samspil.Errorf(samspil.EUNAUTHORIZED, "wrong e-mail address or password")
}

// Login checks credentials, throttles repeated failures per login name
// (whether or not the account exists), and writes exactly one audit event per
// attempt in the transaction that records its outcome.
func (db *DB) Login(ctx context.Context, email, password string) (string, *samspil.User, error) {
	key := samspil.Fold(email)
	now := db.now()

	var lockedUntil dbTime
	err := db.read.QueryRowContext(ctx, `SELECT locked_until FROM login_throttle WHERE login_key = $1`, key).Scan(&lockedUntil)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", nil, err
	}
	var userID, name string
	var hash *string
	var disabled bool
	err = db.read.QueryRowContext(ctx, `SELECT id, display_name, password_hash, disabled FROM users WHERE email_fold = $1`, key).
		Scan(&userID, &name, &hash, &disabled)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", nil, err
	}
	// Always spend the time of a real comparison, so that response times do
	// not tell which accounts exist.
	ok, busy := db.passwords.Verify(ctx, deref(hash), password)

	locked := lockedUntil.Valid && lockedUntil.T.After(now)
	reason := ""
	switch {
	case locked:
		reason = "locked"
	case busy != nil:
		// Nothing was checked: the attempt is recorded but not counted.
		reason = "busy"
	case userID == "":
		reason = "unknown_login"
	case hash == nil:
		reason = "no_password"
	case !ok:
		reason = "wrong_password"
	case disabled:
		reason = "disabled"
	}
	if reason != "" {
		err := db.loginFailed(ctx, key, userID, reason, locked || busy != nil)
		if err == nil && busy != nil && !locked {
			err = busy
		}
		return "", nil, err
	}

	secret := newSecret()
	user := &samspil.User{}
	err = db.update(ctx, &samspil.Actor{Kind: samspil.ActorUser, UserID: userID, Name: name}, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE login_key = $1`, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, tx.now, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (secret_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)`,
			hashSecret(secret), userID, tx.now, tx.now.Add(db.policy.SessionLifetime)); err != nil {
			return err
		}
		u, err := db.findUser(ctx, tx, samspil.SystemActor("store"), userID)
		if err != nil {
			return err
		}
		*user = *u
		return tx.Audit(auditEntry{Action: "login.success", ObjectType: "user", ObjectID: userID, After: map[string]string{"method": "password"}})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, user, nil
}

// loginFailed counts a failure (unless nothing was checked), locks the
// login name after too many in a row, and audits the attempt. It returns
// the error for the caller; nil when the caller has its own.
func (db *DB) loginFailed(ctx context.Context, key, userID, reason string, unchecked bool) error {
	err := db.update(ctx, samspil.Anonymous(), func(tx *Tx) error {
		if !unchecked {
			var failures int
			if err := tx.QueryRowContext(ctx, `INSERT INTO login_throttle (login_key, failures, updated_at) VALUES ($1, 1, $2)
				ON CONFLICT (login_key) DO UPDATE SET failures = login_throttle.failures + 1, updated_at = excluded.updated_at
				RETURNING failures`, key, tx.now).Scan(&failures); err != nil {
				return err
			}
			if failures >= db.policy.LockAfter {
				if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET failures = 0, locked_until = $1 WHERE login_key = $2`,
					tx.now.Add(db.policy.LockFor), key); err != nil {
					return err
				}
			}
		}
		return tx.Audit(auditEntry{Action: "login.failure", ObjectType: "user", ObjectID: userID, After: map[string]string{"reason": reason}})
	})
	switch {
	case err != nil:
		return err
	case reason == "locked":
		return samspil.Errorf(samspil.ELOCKED, "too many failed attempts; sign-in is paused for this account, try again later")
	case unchecked:
		return nil
	}
	return errBadLogin()
}

// loadActor builds the actor of an enabled user.
func (db *DB) loadActor(ctx context.Context, userID string) (*samspil.Actor, error) {
	a := &samspil.Actor{Kind: samspil.ActorUser, UserID: userID, Roles: map[string]samspil.Role{}}
	var disabled bool
	err := db.read.QueryRowContext(ctx, `SELECT display_name, disabled, operator FROM users WHERE id = $1`, userID).Scan(&a.Name, &disabled, &a.Operator)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && disabled) {
		return nil, samspil.Errorf(samspil.EUNAUTHORIZED, "the account is disabled")
	}
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT organization_id, role FROM memberships WHERE user_id = $1`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var org string
		var role samspil.Role
		if err := rows.Scan(&org, &role); err != nil {
			return nil, err
		}
		a.Roles[org] = role
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if a.Partners, err = partnersOf(ctx, db.read, a.OrgIDs(), samspil.Today(db.now())); err != nil {
		return nil, err
	}
	return a, nil
}

// ActorForUser returns the actor of a user; the command line uses it to act
// as someone.
func (db *DB) ActorForUser(ctx context.Context, userID string) (*samspil.Actor, error) {
	return db.loadActor(ctx, userID)
}

// SessionActor resolves a session cookie's secret.
func (db *DB) SessionActor(ctx context.Context, secret string) (*samspil.Actor, error) {
	h := hashSecret(secret)
	var userID string
	var lastSeen, expires dbTime
	err := db.read.QueryRowContext(ctx, `SELECT user_id, last_seen_at, expires_at FROM sessions WHERE secret_hash = $1`, h).Scan(&userID, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, samspil.Errorf(samspil.EUNAUTHORIZED, "the session has ended; sign in again")
	}
	if err != nil {
		return nil, err
	}
	now := db.now()
	if !now.Before(expires.T) || !now.Before(lastSeen.T.Add(db.policy.SessionIdle)) {
		if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE secret_hash = $1`, h); err != nil {
			return nil, err
		}
		return nil, samspil.Errorf(samspil.EUNAUTHORIZED, "the session has ended; sign in again")
	}
	a, err := db.loadActor(ctx, userID)
	if err != nil {
		return nil, err
	}
	if now.Sub(lastSeen.T) >= touchEvery {
		if _, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE secret_hash = $2`, now, h); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Logout ends a session and audits it.
func (db *DB) Logout(ctx context.Context, secret string) error {
	h := hashSecret(secret)
	var userID string
	err := db.read.QueryRowContext(ctx, `SELECT user_id FROM sessions WHERE secret_hash = $1`, h).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	actor, err := db.loadActor(ctx, userID)
	if err != nil {
		actor = &samspil.Actor{Kind: samspil.ActorUser, UserID: userID}
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE secret_hash = $1`, h)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return tx.Audit(auditEntry{Action: "logout", ObjectType: "user", ObjectID: userID})
	})
}

// TokenActor resolves an API token secret.
func (db *DB) TokenActor(ctx context.Context, secret string) (*samspil.Actor, error) {
	bad := samspil.Errorf(samspil.EUNAUTHORIZED, "the API token is not valid")
	var id, userID string
	var used, expires, revoked dbTime
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, last_used_at, expires_at, revoked_at FROM api_tokens WHERE secret_hash = $1`,
		hashSecret(secret)).Scan(&id, &userID, &used, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	now := db.now()
	if revoked.Valid || (expires.Valid && !now.Before(expires.T)) {
		return nil, bad
	}
	a, err := db.loadActor(ctx, userID)
	if err != nil {
		return nil, bad
	}
	a.TokenID = id
	if !used.Valid || now.Sub(used.T) >= touchEvery {
		if _, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// PurgeExpired deletes sessions past their lifetime or idle limit and
// throttle rows whose lock has run out; the server runs it periodically.
func (db *DB) PurgeExpired(ctx context.Context) (int64, error) {
	now := db.now()
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-db.policy.SessionIdle))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	_, err = db.write.ExecContext(ctx, `DELETE FROM login_throttle WHERE updated_at <= $1 AND (locked_until IS NULL OR locked_until <= $2)`,
		now.Add(-24*time.Hour), now)
	return n, err
}

// UserIDByEmail finds a user for the command line, which acts in system
// scope.
func (db *DB) UserIDByEmail(ctx context.Context, email string) (string, error) {
	var id string
	err := db.read.QueryRowContext(ctx, `SELECT id FROM users WHERE email_fold = $1`, samspil.Fold(email)).Scan(&id)
	return id, errNoRows(err, "user")
}
