package sqldb_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// watchedPasswords counts password comparisons and can play a server too
// busy to make them.
type watchedPasswords struct {
	samspil.Passwords
	verifies atomic.Int64
	busy     atomic.Bool
}

func (w *watchedPasswords) Verify(ctx context.Context, hash, password string) (bool, error) {
	w.verifies.Add(1)
	if w.busy.Load() {
		return false, samspil.Errorf(samspil.EBUSY, "the server is busy; try again in a moment")
	}
	return w.Passwords.Verify(ctx, hash, password)
}

// forEachWatchedEngine runs fn per engine on a fresh database whose
// password comparisons are watched.
func forEachWatchedEngine(t *testing.T, fn func(t *testing.T, db *sqldb.DB, pw *watchedPasswords)) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			pw := &watchedPasswords{Passwords: testkit.Passwords()}
			db, err := sqldb.Open(ctx, testkit.NewDSN(t, e), sqldb.Options{Passwords: pw})
			must(t, err)
			t.Cleanup(func() { db.Close() })
			fn(t, db, pw)
		})
	}
}

// lastFailureReason is the reason of the newest login.failure event.
func lastFailureReason(t *testing.T, db *sqldb.DB) any {
	t.Helper()
	return jsonObject(t, allAudit(t, db, samspil.AuditFilter{Action: "login.failure"})[0].After)["reason"]
}

func TestLoginBusy(t *testing.T) {
	forEachWatchedEngine(t, func(t *testing.T, db *sqldb.DB, pw *watchedPasswords) {
		p := db.Policy()
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		lc := &loginCounter{t: t, db: db}

		// While no password can be checked, attempts are turned away busy,
		// each audited once, and not counted against the login name:
		// nothing was learnt from them.
		pw.busy.Store(true)
		for range p.LockAfter {
			lc.attempt(anna.User.Email, "wrong password", samspil.EBUSY)
		}
		if got := lastFailureReason(t, db); got != "busy" {
			t.Errorf("busy attempt audited with reason %v", got)
		}
		pw.busy.Store(false)
		lc.attempt(anna.User.Email, testkit.Password, "")
	})
}

func TestSetPasswordBusy(t *testing.T) {
	forEachWatchedEngine(t, func(t *testing.T, db *sqldb.DB, pw *watchedPasswords) {
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		session := login(t, db, anna.User.Email, testkit.Password)
		// When the current password cannot be checked in time, nothing changes.
		pw.busy.Store(true)
		err := db.SetPassword(ctx, anna.Actor, anna.User.ID, testkit.Password, newPassword)
		testkit.ErrCode(t, err, samspil.EBUSY)
		pw.busy.Store(false)
		if _, err := db.SessionActor(ctx, session); err != nil {
			t.Fatalf("a busy password change ended the session: %v", err)
		}
		login(t, db, anna.User.Email, testkit.Password)
	})
}
