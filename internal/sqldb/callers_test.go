package sqldb_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestCallerChangesTakeEffectAtOnce: a caller identified once is
// remembered, but a revoked token, a changed role, a removed membership and
// a disabled account count from the next request on the same instance.
func TestCallerChangesTakeEffectAtOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		admin := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		p := testkit.NewPerson(t, db, "p@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		tok, secret, err := db.CreateToken(ctx, p.Actor, "", samspil.TokenInput{Name: "ci"})
		must(t, err)
		session, _, err := db.Login(ctx, samspil.LoginAttempt{Email: "p@silkeborg.example", Password: testkit.Password})
		must(t, err)
		org := testkit.Org(t, db, testkit.Silkeborg)

		reads := countReads(db)
		for range 3 {
			a, err := db.TokenActor(ctx, secret)
			must(t, err)
			if a.Roles[org.ID] != samspil.RoleEditor || a.TokenID != tok.ID {
				t.Fatalf("token actor %+v", a)
			}
			a.Roles[org.ID] = samspil.RoleAdmin // a handler's change stays its own
			_, err = db.SessionActor(ctx, session)
			must(t, err)
		}
		if n := reads.Load(); n > 8 {
			t.Errorf("three requests each by token and session read %d times; a known caller should need none", n)
		}
		db.TraceReads(nil)

		// A role change.
		ms, err := db.ListMemberships(ctx, admin.Actor, samspil.MembershipFilter{UserID: p.User.ID})
		must(t, err)
		m := ms.Items[0]
		viewer := samspil.RoleViewer
		_, err = db.UpdateMembership(ctx, admin.Actor, m.ID, m.Version, samspil.MembershipPatch{Role: &viewer})
		must(t, err)
		for _, get := range []func() (*samspil.Actor, error){
			func() (*samspil.Actor, error) { return db.TokenActor(ctx, secret) },
			func() (*samspil.Actor, error) { return db.SessionActor(ctx, session) },
		} {
			a, err := get()
			must(t, err)
			if a.Roles[org.ID] != samspil.RoleViewer {
				t.Fatalf("after the role change: %v", a.Roles)
			}
		}

		// A revoked token.
		must(t, db.RevokeToken(ctx, p.Actor, tok.ID))
		if _, err := db.TokenActor(ctx, secret); samspil.ErrorCode(err) != samspil.EUNAUTHORIZED {
			t.Fatalf("revoked token: %v", err)
		}

		// A disabled account.
		u, err := db.FindUser(ctx, admin.Actor, p.User.ID)
		must(t, err)
		yes := true
		_, err = db.UpdateUser(ctx, admin.Actor, u.ID, u.Version, samspil.UserPatch{Disabled: &yes})
		must(t, err)
		if _, err := db.SessionActor(ctx, session); samspil.ErrorCode(err) != samspil.EUNAUTHORIZED {
			t.Fatalf("disabled account's session: %v", err)
		}
	})
}

// TestCallerChangesReachOtherInstances: two instances share a database. A
// token revoked and a membership removed on one count on the other within
// half a second (the cache's lifetime), and at once after its own commits.
func TestCallerChangesReachOtherInstances(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			a := openDB(t, dsn)
			b := openDB(t, dsn)
			start := time.Now()
			clockA, clockB := &clock{t: start}, &clock{t: start}
			a.SetClock(clockA.now)
			b.SetClock(clockB.now)
			admin := testkit.NewPerson(t, a, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
			p := testkit.NewPerson(t, a, "p@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
			tok, secret, err := a.CreateToken(ctx, p.Actor, "", samspil.TokenInput{Name: "ci"})
			must(t, err)
			session, _, err := a.Login(ctx, samspil.LoginAttempt{Email: "p@silkeborg.example", Password: testkit.Password})
			must(t, err)
			_, err = b.TokenActor(ctx, secret)
			must(t, err)
			_, err = b.SessionActor(ctx, session)
			must(t, err)

			must(t, a.RevokeToken(ctx, p.Actor, tok.ID))
			ms, err := a.ListMemberships(ctx, admin.Actor, samspil.MembershipFilter{UserID: p.User.ID})
			must(t, err)
			must(t, a.DeleteMembership(ctx, admin.Actor, ms.Items[0].ID, ms.Items[0].Version))
			if _, err := a.TokenActor(ctx, secret); samspil.ErrorCode(err) != samspil.EUNAUTHORIZED {
				t.Fatalf("the instance that revoked still accepts the token: %v", err)
			}

			clockB.advance(500 * time.Millisecond)
			if _, err := b.TokenActor(ctx, secret); samspil.ErrorCode(err) != samspil.EUNAUTHORIZED {
				t.Fatalf("half a second after the revocation the other instance still accepts the token: %v", err)
			}
			actor, err := b.SessionActor(ctx, session)
			must(t, err)
			if len(actor.Roles) != 0 {
				t.Fatalf("half a second after the membership ended the other instance still sees roles %v", actor.Roles)
			}
		})
	}
}

func openDB(t *testing.T, dsn string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: testkit.Passwords()})
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// countReads counts the read queries of db from now on.
func countReads(db *sqldb.DB) *atomic.Int64 {
	var n atomic.Int64
	db.TraceReads(func(string, []any) { n.Add(1) })
	return &n
}
