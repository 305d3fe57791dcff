package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

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

func TestLoginSourceThrottle(t *testing.T) {
	forEachWatchedEngine(t, func(t *testing.T, db *sqldb.DB, pw *watchedPasswords) {
		clk := newClock(db)
		p := db.Policy()
		if p.SourceLockAfter != 20 || p.LockAfter != 5 {
			t.Fatalf("test assumes SourceLockAfter 20 and LockAfter 5, policy %+v", p)
		}
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		bo := testkit.NewPerson(t, db, "bo@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		lc := &loginCounter{t: t, db: db}
		attacker := netip.MustParseAddr("203.0.113.7")
		office := netip.MustParseAddr("198.51.100.20")

		// One address tries a password on many login names, none of them
		// often enough to lock it.
		for i := range p.SourceLockAfter - 1 {
			email := fmt.Sprintf("guess%d@silkeborg.dk", i)
			if i%5 == 0 {
				email = anna.User.Email // four failures: anna is not locked
			}
			lc.attemptFrom(attacker, email, "wrong password", samspil.EUNAUTHORIZED)
		}
		// A success does not forgive the address its failures.
		lc.attemptFrom(attacker, bo.User.Email, testkit.Password, "")
		lc.attemptFrom(attacker, "guess-last@silkeborg.dk", "wrong password", samspil.EUNAUTHORIZED)

		// The address is paused now: the right password for an account and
		// a guess at a name nobody has get the same answer, each after a
		// real comparison.
		verifies := pw.verifies.Load()
		lc.attemptFrom(attacker, bo.User.Email, testkit.Password, samspil.ELOCKED)
		known := lc.last
		if got := lastFailureReason(t, db); got != "source_locked" {
			t.Errorf("paused attempt audited with reason %v", got)
		}
		lc.attemptFrom(attacker, "nobody@silkeborg.dk", "wrong password", samspil.ELOCKED)
		unknown := lc.last
		if samspil.ErrorMessage(known) != samspil.ErrorMessage(unknown) {
			t.Errorf("paused: an account says %q, no account says %q", samspil.ErrorMessage(known), samspil.ErrorMessage(unknown))
		}
		if n := pw.verifies.Load() - verifies; n != 2 {
			t.Errorf("%d password comparisons for 2 paused attempts", n)
		}
		var e *samspil.Error
		if !errors.As(known, &e) || e.RetryAfter != p.SourceLockFor {
			t.Errorf("paused answer %#v, want RetryAfter %v", known, p.SourceLockFor)
		}
		// The same address written as IPv4-mapped IPv6 is the same source.
		lc.attemptFrom(netip.MustParseAddr("::ffff:203.0.113.7"), bo.User.Email, testkit.Password, samspil.ELOCKED)
		// Paused attempts count against no account: with anna's four
		// failures, five more would lock her.
		for range p.LockAfter {
			lc.attemptFrom(attacker, anna.User.Email, "wrong password", samspil.ELOCKED)
		}
		// Other addresses, and sign-ins without one, are unaffected.
		lc.attemptFrom(office, anna.User.Email, testkit.Password, "")
		lc.attemptFrom(netip.Addr{}, bo.User.Email, testkit.Password, "")

		// The pause ends after SourceLockFor, and the count starts afresh.
		clk.advance(p.SourceLockFor - time.Second)
		lc.attemptFrom(attacker, anna.User.Email, testkit.Password, samspil.ELOCKED)
		clk.advance(time.Second)
		lc.attemptFrom(attacker, anna.User.Email, testkit.Password, "")
		for i := range p.SourceLockAfter - 1 {
			lc.attemptFrom(attacker, fmt.Sprintf("again%d@silkeborg.dk", i), "wrong password", samspil.EUNAUTHORIZED)
		}
		lc.attemptFrom(attacker, anna.User.Email, testkit.Password, "")
	})
}

func TestLoginSourceWindow(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		p := db.Policy()
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		bo := testkit.NewPerson(t, db, "bo@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		lc := &loginCounter{t: t, db: db}
		guess := 0
		fail := func(src netip.Addr) {
			t.Helper()
			guess++
			lc.attemptFrom(src, fmt.Sprintf("guess%d@silkeborg.dk", guess), "wrong password", samspil.EUNAUTHORIZED)
		}

		// Failures spread over more than the window do not pause the address.
		src := netip.MustParseAddr("203.0.113.9")
		for range p.SourceLockAfter - 1 {
			fail(src)
		}
		clk.advance(p.SourceWindow)
		for range p.SourceLockAfter - 1 {
			fail(src)
		}
		lc.attemptFrom(src, anna.User.Email, testkit.Password, "")
		// Enough within one window do.
		fail(src)
		lc.attemptFrom(src, anna.User.Email, testkit.Password, samspil.ELOCKED)

		// An IPv6 source is its /64: a client cannot step to a fresh
		// address for each guess.
		a := netip.MustParseAddr("2001:db8:1:2::1")
		b := netip.MustParseAddr("2001:db8:1:2:ffff:ffff:ffff:fffe")
		for i := range p.SourceLockAfter {
			if i%2 == 0 {
				fail(a)
			} else {
				fail(b)
			}
		}
		lc.attemptFrom(a, bo.User.Email, testkit.Password, samspil.ELOCKED)
		lc.attemptFrom(netip.MustParseAddr("2001:db8:1:2::abcd"), bo.User.Email, testkit.Password, samspil.ELOCKED)
		lc.attemptFrom(netip.MustParseAddr("2001:db8:1:3::1"), bo.User.Email, testkit.Password, "")

		// Without a source, failures count per login name only.
		for range 2 * p.SourceLockAfter {
			fail(netip.Addr{})
		}
		lc.attemptFrom(netip.Addr{}, bo.User.Email, testkit.Password, "")

		// Once pauses and windows have run out, purging forgets them.
		clk.advance(p.SourceLockFor + p.SourceWindow)
		_, err := db.PurgeExpired(ctx)
		must(t, err)
		lc.attemptFrom(src, anna.User.Email, testkit.Password, "")
		lc.attemptFrom(a, bo.User.Email, testkit.Password, "")
	})
}

func TestLoginBusy(t *testing.T) {
	forEachWatchedEngine(t, func(t *testing.T, db *sqldb.DB, pw *watchedPasswords) {
		p := db.Policy()
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		lc := &loginCounter{t: t, db: db}
		src := netip.MustParseAddr("203.0.113.11")

		// While no password can be checked, attempts are turned away busy,
		// each audited once, and counted against neither the login name nor
		// the address: nothing was learnt from them.
		pw.busy.Store(true)
		for range p.LockAfter {
			lc.attemptFrom(src, anna.User.Email, "wrong password", samspil.EBUSY)
		}
		for i := range p.SourceLockAfter {
			lc.attemptFrom(src, fmt.Sprintf("guess%d@silkeborg.dk", i), "wrong password", samspil.EBUSY)
		}
		if got := lastFailureReason(t, db); got != "busy" {
			t.Errorf("busy attempt audited with reason %v", got)
		}
		pw.busy.Store(false)
		lc.attemptFrom(src, anna.User.Email, testkit.Password, "")
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
