package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"net/netip"
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
// (whether or not the account exists) and per source address (whichever
// login names it tries), and writes exactly one audit event per attempt in
// the transaction that records its outcome.
func (db *DB) Login(ctx context.Context, in samspil.LoginAttempt) (string, *samspil.User, error) {
	key := samspil.Fold(in.Email)
	source := sourceKey(in.Source)
	now := db.now()

	accountLock, err := db.lockedUntil(ctx, `SELECT locked_until FROM login_throttle WHERE login_key = $1`, key)
	if err != nil {
		return "", nil, err
	}
	var sourceLock dbTime
	if source != "" && db.policy.SourceLockAfter > 0 {
		if sourceLock, err = db.lockedUntil(ctx, `SELECT locked_until FROM login_source_throttle WHERE source_key = $1`, source); err != nil {
			return "", nil, err
		}
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
	ok, busy := db.passwords.Verify(ctx, deref(hash), in.Password)

	f := loginFailure{key: key, source: source, userID: userID}
	switch {
	case sourceLock.Valid && sourceLock.T.After(now):
		f.reason, f.err = "source_locked", retryAfter(samspil.Errorf(samspil.ELOCKED, "too many failed attempts from your network; sign-in is paused, try again later"), sourceLock.T.Sub(now))
	case accountLock.Valid && accountLock.T.After(now):
		f.reason, f.err = "locked", retryAfter(samspil.Errorf(samspil.ELOCKED, "too many failed attempts; sign-in is paused for this account, try again later"), accountLock.T.Sub(now))
	case busy != nil:
		// Nothing was checked: the attempt is recorded but not counted.
		f.reason, f.err = "busy", busy
	case userID == "":
		f.reason, f.count = "unknown_login", true
	case hash == nil:
		f.reason, f.count = "no_password", true
	case !ok:
		f.reason, f.count = "wrong_password", true
	case disabled:
		f.reason, f.count = "disabled", true
	}
	if f.reason == "" {
		// Only who knows the password learns that it is barred.
		barred, err := passwordBarred(ctx, db.read, userID)
		if err != nil {
			return "", nil, err
		}
		if barred {
			f.reason, f.err = "sso_required", samspil.Errorf(samspil.EFORBIDDEN, "your organisation requires sign-in through its identity provider; use its button on the login page")
		}
	}
	if f.reason != "" {
		return "", nil, db.loginFailed(ctx, f)
	}

	secret := newSecret()
	user := &samspil.User{}
	err = db.update(ctx, &samspil.Actor{Kind: samspil.ActorUser, UserID: userID, Name: name}, func(tx *Tx) error {
		// A success forgives the login name its failures, not the source:
		// one account's password must not let an address go on guessing
		// others'.
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

// lockedUntil reads a throttle row's lock; no row is no lock.
func (db *DB) lockedUntil(ctx context.Context, query, key string) (dbTime, error) {
	var until dbTime
	err := db.read.QueryRowContext(ctx, query, key).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return until, err
}

// retryAfter says when trying again can succeed. A paused sign-in answers
// the same whether or not the account exists.
func retryAfter(e *samspil.Error, d time.Duration) error {
	e.RetryAfter = d
	return e
}

// loginFailure is a failed login attempt: what it tried, why it failed,
// and whether it counts towards the throttles (an attempt refused before
// anything was checked does not).
type loginFailure struct {
	key, source, userID string
	reason              string
	count               bool
	err                 error // the answer; nil means wrong e-mail or password
}

// sourceKey is the throttle key of a client address: an IPv4 address as
// is, an IPv6 address by its /64 (what one subscriber usually gets, so a
// client cannot step to a fresh address for each attempt); "" without one.
func sourceKey(a netip.Addr) string {
	a = a.Unmap().WithZone("")
	switch {
	case !a.IsValid():
		return ""
	case a.Is4():
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// loginFailed counts a failure against the login name (locking it after too
// many in a row) and the source address (pausing it after too many in the
// window), and audits the attempt. It returns the error for the caller.
func (db *DB) loginFailed(ctx context.Context, f loginFailure) error {
	p := db.policy
	err := db.update(ctx, samspil.Anonymous(), func(tx *Tx) error {
		if f.count {
			var failures int
			if err := tx.QueryRowContext(ctx, `INSERT INTO login_throttle (login_key, failures, updated_at) VALUES ($1, 1, $2)
				ON CONFLICT (login_key) DO UPDATE SET failures = login_throttle.failures + 1, updated_at = excluded.updated_at
				RETURNING failures`, f.key, tx.now).Scan(&failures); err != nil {
				return err
			}
			if failures >= p.LockAfter {
				if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET failures = 0, locked_until = $1 WHERE login_key = $2`,
					tx.now.Add(p.LockFor), f.key); err != nil {
					return err
				}
			}
		}
		if f.count && f.source != "" && p.SourceLockAfter > 0 {
			// A window older than SourceWindow starts afresh.
			var failures int
			if err := tx.QueryRowContext(ctx, `INSERT INTO login_source_throttle (source_key, failures, window_start, updated_at) VALUES ($1, 1, $2, $2)
				ON CONFLICT (source_key) DO UPDATE SET
					failures = CASE WHEN login_source_throttle.window_start <= $3 THEN 1 ELSE login_source_throttle.failures + 1 END,
					window_start = CASE WHEN login_source_throttle.window_start <= $3 THEN excluded.window_start ELSE login_source_throttle.window_start END,
					updated_at = excluded.updated_at
				RETURNING failures`, f.source, tx.now, tx.now.Add(-p.SourceWindow)).Scan(&failures); err != nil {
				return err
			}
			if failures >= p.SourceLockAfter {
				if _, err := tx.ExecContext(ctx, `UPDATE login_source_throttle SET failures = 0, window_start = $1, locked_until = $2 WHERE source_key = $3`,
					tx.now, tx.now.Add(p.SourceLockFor), f.source); err != nil {
					return err
				}
			}
		}
		return tx.Audit(auditEntry{Action: "login.failure", ObjectType: "user", ObjectID: f.userID, After: map[string]string{"reason": f.reason}})
	})
	if err != nil {
		return err
	}
	if f.err != nil {
		return f.err
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
	now := db.now()
	if a := db.callers.get("session:"+h, now); a != nil {
		return a, nil
	}
	gen := db.callers.generation()
	var userID string
	var lastSeen, expires dbTime
	err := db.read.QueryRowContext(ctx, `SELECT user_id, last_seen_at, expires_at FROM sessions WHERE secret_hash = $1`, h).Scan(&userID, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, samspil.Errorf(samspil.EUNAUTHORIZED, "the session has ended; sign in again")
	}
	if err != nil {
		return nil, err
	}
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
		lastSeen.T = now
	}
	db.callers.put(gen, "session:"+h, a, now, expires.T, lastSeen.T.Add(db.policy.SessionIdle))
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
			return errUnchanged // ended in the meantime
		}
		return tx.Audit(auditEntry{Action: "logout", ObjectType: "user", ObjectID: userID})
	})
}

// TokenActor resolves an API token secret.
func (db *DB) TokenActor(ctx context.Context, secret string) (*samspil.Actor, error) {
	bad := samspil.Errorf(samspil.EUNAUTHORIZED, "the API token is not valid")
	h := hashSecret(secret)
	now := db.now()
	if a := db.callers.get("token:"+h, now); a != nil {
		return a, nil
	}
	gen := db.callers.generation()
	var id, userID string
	var used, expires, revoked dbTime
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, last_used_at, expires_at, revoked_at FROM api_tokens WHERE secret_hash = $1`,
		h).Scan(&id, &userID, &used, &expires, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if revoked.Valid || (expires.Valid && !now.Before(expires.T)) {
		return nil, bad
	}
	a, err := db.loadActor(ctx, userID)
	if samspil.ErrorCode(err) == samspil.EUNAUTHORIZED {
		return nil, bad // the token's user is disabled or gone
	}
	if err != nil {
		return nil, err // e.g. the database is unreachable: not the token's fault
	}
	a.TokenID = id
	if !used.Valid || now.Sub(used.T) >= touchEvery {
		if _, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
			return nil, err
		}
	}
	db.callers.put(gen, "token:"+h, a, now, expires.T)
	return a, nil
}

// PurgeExpired deletes sessions past their lifetime or idle limit,
// throttle rows whose lock and window have run out, and single sign-on
// flows and SAML assertions past their time; the server runs it
// periodically.
func (db *DB) PurgeExpired(ctx context.Context) (int64, error) {
	now := db.now()
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-db.policy.SessionIdle))
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if _, err = db.write.ExecContext(ctx, `DELETE FROM login_throttle WHERE updated_at <= $1 AND (locked_until IS NULL OR locked_until <= $2)`,
		now.Add(-24*time.Hour), now); err != nil {
		return n, err
	}
	if _, err = db.write.ExecContext(ctx, `DELETE FROM login_source_throttle WHERE window_start <= $1 AND (locked_until IS NULL OR locked_until <= $2)`,
		now.Add(-db.policy.SourceWindow), now); err != nil {
		return n, err
	}
	// Sign-ins at identity providers past their time, and SAML assertions
	// that could no longer be accepted anyway.
	for _, q := range []string{`DELETE FROM sso_flows WHERE expires_at <= $1`, `DELETE FROM saml_assertions WHERE expires_at <= $1`} {
		if _, err = db.write.ExecContext(ctx, q, now); err != nil {
			return n, err
		}
	}
	return n, nil
}

// UserIDByEmail finds a user for the command line, which acts in system
// scope.
func (db *DB) UserIDByEmail(ctx context.Context, email string) (string, error) {
	var id string
	err := db.read.QueryRowContext(ctx, `SELECT id FROM users WHERE email_fold = $1`, samspil.Fold(email)).Scan(&id)
	return id, errNoRows(err, "user")
}
