package sqldb_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// loginCounter checks that every login attempt writes exactly one audit
// event of the right kind.
type loginCounter struct {
	t                  *testing.T
	db                 *sqldb.DB
	successes, failure int
	last               error // the last attempt's error
}

func (c *loginCounter) attempt(email, password, wantCode string) string {
	c.t.Helper()
	return c.attemptFrom(netip.Addr{}, email, password, wantCode)
}

// attemptFrom tries to sign in from the source address src.
func (c *loginCounter) attemptFrom(src netip.Addr, email, password, wantCode string) string {
	c.t.Helper()
	secret, user, err := c.db.Login(ctx, samspil.LoginAttempt{Email: email, Password: password, Source: src})
	c.last = err
	if got := samspil.ErrorCode(err); got != wantCode {
		c.t.Fatalf("login %s from %v: want %q, got %q (%v)", email, src, wantCode, got, err)
	}
	if wantCode == "" {
		c.successes++
		if secret == "" || user == nil || user.ID == "" {
			c.t.Fatalf("login %s: secret %q user %+v", email, secret, user)
		}
	} else {
		c.failure++
		if secret != "" || user != nil {
			c.t.Fatalf("failed login %s returned a secret or user", email)
		}
	}
	if n := countAudit(c.t, c.db, "login.success"); n != c.successes {
		c.t.Fatalf("after login %s: %d login.success events, want %d", email, n, c.successes)
	}
	if n := countAudit(c.t, c.db, "login.failure"); n != c.failure {
		c.t.Fatalf("after login %s: %d login.failure events, want %d", email, n, c.failure)
	}
	return secret
}

func TestLogin(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		s := testkit.Org(t, db, testkit.Silkeborg)
		_, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "sso@silkeborg.dk", DisplayName: "SSO", OrganizationID: testkit.Silkeborg, Role: samspil.RoleViewer})
		must(t, err)
		lc := &loginCounter{t: t, db: db}

		secret := lc.attempt("  ANNA@Silkeborg.DK ", testkit.Password, "")
		a, err := db.SessionActor(ctx, secret)
		must(t, err)
		if a.UserID != anna.User.ID || a.Kind != samspil.ActorUser || a.RoleIn(s.ID) != samspil.RoleEditor || a.TokenID != "" {
			t.Fatalf("session actor %+v", a)
		}
		if u := findUser(t, db, anna.User.ID); u.LastLoginAt == nil {
			t.Errorf("last_login_at not set")
		}
		ok := allAudit(t, db, samspil.AuditFilter{Action: "login.success"})[0]
		if ok.ObjectID != anna.User.ID || ok.ActorUserID != anna.User.ID || ok.ActorKind != samspil.ActorUser {
			t.Errorf("login.success event %+v", ok)
		}

		lc.attempt(anna.User.Email, "wrong password entirely", samspil.EUNAUTHORIZED)
		_, _, wrongErr := db.Login(ctx, samspil.LoginAttempt{Email: anna.User.Email, Password: ""})
		lc.failure++
		lc.attempt("nobody@silkeborg.dk", testkit.Password, samspil.EUNAUTHORIZED)
		_, _, unknownErr := db.Login(ctx, samspil.LoginAttempt{Email: "nobody2@silkeborg.dk", Password: testkit.Password})
		lc.failure++
		lc.attempt("sso@silkeborg.dk", "", samspil.EUNAUTHORIZED)
		// The answer does not tell whether the account exists.
		if samspil.ErrorMessage(wrongErr) != samspil.ErrorMessage(unknownErr) {
			t.Errorf("wrong password says %q, unknown login says %q", samspil.ErrorMessage(wrongErr), samspil.ErrorMessage(unknownErr))
		}
		fail := allAudit(t, db, samspil.AuditFilter{Action: "login.failure"})[0]
		if fail.ActorKind != samspil.ActorAnonymous || jsonObject(t, fail.After)["reason"] != "no_password" {
			t.Errorf("login.failure event %+v %s", fail, fail.After)
		}

		// Each session is separate.
		second := lc.attempt(anna.User.Email, testkit.Password, "")
		if second == secret {
			t.Fatal("two logins share a session secret")
		}
		_, err = db.SessionActor(ctx, "no-such-session")
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		// A session secret is no API token, nor the other way round.
		_, err = db.TokenActor(ctx, secret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		_, tokSecret, err := db.CreateToken(ctx, anna.Actor, "", samspil.TokenInput{Name: "t"})
		must(t, err)
		_, err = db.SessionActor(ctx, tokSecret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
	})
}

func TestLoginLock(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		policy := db.Policy()
		if policy.LockAfter != 5 {
			t.Fatalf("test assumes LockAfter 5, policy has %d", policy.LockAfter)
		}
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		bo := testkit.NewPerson(t, db, "bo@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		lc := &loginCounter{t: t, db: db}

		// Failures must be consecutive: a success starts the count again.
		for i := 0; i < 4; i++ {
			lc.attempt(anna.User.Email, "wrong password no "+string(rune('a'+i)), samspil.EUNAUTHORIZED)
		}
		lc.attempt(anna.User.Email, testkit.Password, "")

		// Five failures in a row (the login name is case-insensitive) lock it.
		for i := 0; i < 5; i++ {
			email := anna.User.Email
			if i%2 == 1 {
				email = "Anna@SILKEBORG.dk"
			}
			lc.attempt(email, "wrong password", samspil.EUNAUTHORIZED)
		}
		lc.attempt(anna.User.Email, testkit.Password, samspil.ELOCKED)
		lc.attempt(anna.User.Email, "wrong password", samspil.ELOCKED)

		// Another account is unaffected.
		lc.attempt(bo.User.Email, testkit.Password, "")

		// Unknown login names lock the same way, so the lock reveals nothing.
		for i := 0; i < 5; i++ {
			lc.attempt("nobody@silkeborg.dk", "wrong password", samspil.EUNAUTHORIZED)
		}
		lc.attempt("nobody@silkeborg.dk", "wrong password", samspil.ELOCKED)

		// The lock ends after LockFor.
		clk.advance(policy.LockFor - time.Second)
		lc.attempt(anna.User.Email, testkit.Password, samspil.ELOCKED)
		clk.advance(time.Second)
		secret := lc.attempt(anna.User.Email, testkit.Password, "")
		if _, err := db.SessionActor(ctx, secret); err != nil {
			t.Fatalf("session after the lock: %v", err)
		}
		// And the count starts from zero again.
		for i := 0; i < 4; i++ {
			lc.attempt(anna.User.Email, "wrong password", samspil.EUNAUTHORIZED)
		}
		lc.attempt(anna.User.Email, testkit.Password, "")
	})
}

func TestSessionIdleTimeout(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		idle := db.Policy().SessionIdle
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		secret := login(t, db, anna.User.Email, testkit.Password)

		// Use keeps the session alive past the idle limit counted from sign-in.
		clk.advance(idle - time.Minute)
		if _, err := db.SessionActor(ctx, secret); err != nil {
			t.Fatalf("used just before the idle limit: %v", err)
		}
		clk.advance(idle - time.Minute)
		if _, err := db.SessionActor(ctx, secret); err != nil {
			t.Fatalf("used again just before the idle limit: %v", err)
		}
		// Left alone for the idle limit, it ends.
		clk.advance(idle)
		_, err := db.SessionActor(ctx, secret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		// And stays ended.
		clk.advance(-idle + time.Minute)
		_, err = db.SessionActor(ctx, secret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
	})
}

func TestSessionLifetime(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		p := db.Policy()
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		secret := login(t, db, anna.User.Email, testkit.Password)

		step := p.SessionIdle / 2
		elapsed := time.Duration(0)
		for elapsed+step < p.SessionLifetime {
			elapsed += step
			clk.advance(step)
			if _, err := db.SessionActor(ctx, secret); err != nil {
				t.Fatalf("busy session ended after %v (lifetime %v): %v", elapsed, p.SessionLifetime, err)
			}
		}
		clk.advance(p.SessionLifetime - elapsed)
		_, err := db.SessionActor(ctx, secret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
	})
}

func TestLogout(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		laptop := login(t, db, anna.User.Email, testkit.Password)
		phone := login(t, db, anna.User.Email, testkit.Password)

		must(t, db.Logout(ctx, laptop))
		_, err := db.SessionActor(ctx, laptop)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		if _, err := db.SessionActor(ctx, phone); err != nil {
			t.Fatalf("logging out one session ended another: %v", err)
		}
		if n := countAudit(t, db, "logout"); n != 1 {
			t.Errorf("%d logout events, want 1", n)
		}
		// Logging out twice, or with an unknown secret, is harmless and not audited.
		must(t, db.Logout(ctx, laptop))
		must(t, db.Logout(ctx, "no-such-session"))
		if n := countAudit(t, db, "logout"); n != 1 {
			t.Errorf("%d logout events, want 1", n)
		}
	})
}

func TestPurgeExpired(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		p := db.Policy()
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		old := login(t, db, anna.User.Email, testkit.Password)
		clk.advance(p.SessionIdle / 2)
		young := login(t, db, anna.User.Email, testkit.Password)

		n, err := db.PurgeExpired(ctx)
		must(t, err)
		if n != 0 {
			t.Fatalf("purged %d live sessions", n)
		}
		clk.advance(p.SessionIdle / 2)
		n, err = db.PurgeExpired(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("purged %d sessions, want the 1 idle one", n)
		}
		_, err = db.SessionActor(ctx, old)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		if _, err := db.SessionActor(ctx, young); err != nil {
			t.Fatalf("purge ended a live session: %v", err)
		}

		// Failed attempts from long ago are forgotten once purged: four
		// yesterday and one today do not lock the login.
		for i := 0; i < p.LockAfter-1; i++ {
			_, _, err := db.Login(ctx, samspil.LoginAttempt{Email: anna.User.Email, Password: "wrong password"})
			testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		}
		clk.advance(25 * time.Hour)
		_, err = db.PurgeExpired(ctx)
		must(t, err)
		_, _, err = db.Login(ctx, samspil.LoginAttempt{Email: anna.User.Email, Password: "wrong password"})
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		login(t, db, anna.User.Email, testkit.Password)
	})
}
