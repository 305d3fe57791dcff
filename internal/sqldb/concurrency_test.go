package sqldb_test

import (
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// raceTwo runs a and b at the same time. On PostgreSQL it forces the
// dangerous interleaving: a raw transaction locks the rows named by lockSQL,
// so that both store transactions read first and then queue up on their
// writes; only when both wait is the lock released. SQLite serialises write
// transactions, so there the two simply run concurrently.
func raceTwo(t *testing.T, e sqldb.Engine, raw *sql.DB, lockSQL string, lockArgs []any, a, b func() error) (errA, errB error) {
	t.Helper()
	var lockTx *sql.Tx
	if e == sqldb.Postgres {
		var err error
		lockTx, err = raw.BeginTx(ctx, nil)
		must(t, err)
		defer lockTx.Rollback()
		rows, err := lockTx.QueryContext(ctx, lockSQL, lockArgs...)
		must(t, err)
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		if n == 0 {
			t.Fatalf("%s locked no rows", lockSQL)
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errA = a() }()
	go func() { defer wg.Done(); errB = b() }()
	if lockTx != nil {
		waitForLockWaiters(t, raw, 2)
		must(t, lockTx.Commit())
	}
	wg.Wait()
	return errA, errB
}

// waitForLockWaiters waits until n sessions of this PostgreSQL database wait
// for a lock.
func waitForLockWaiters(t *testing.T, raw *sql.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var waiting int
		must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting))
		if waiting >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d transactions reached the lock", waiting, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exactlyOneStale checks the outcome of two changes made from the same
// version: one wins, the other is told that its copy is stale.
func exactlyOneStale(t *testing.T, errA, errB error) {
	t.Helper()
	codes := []string{samspil.ErrorCode(errA), samspil.ErrorCode(errB)}
	if !(codes[0] == "" && codes[1] == samspil.ESTALE || codes[0] == samspil.ESTALE && codes[1] == "") {
		t.Fatalf("two changes from the same version: want one success and one %q, got %q (%v) and %q (%v)",
			samspil.ESTALE, codes[0], errA, codes[1], errB)
	}
}

// Two people saving the same version at the same moment must not both
// succeed: the second save would silently undo the first (a lost update).
func TestConcurrentUpdatesSameVersion(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			db := openStore(t, dsn)
			raw := openRaw(t, e, dsn)
			admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
			anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
			s := testkit.Org(t, db, testkit.Silkeborg)
			unit, err := db.CreateUnit(ctx, admin.Actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "IT"})
			must(t, err)
			m := anna.User.Memberships[0]

			for _, c := range []struct {
				name    string
				table   string
				id      string
				version int
				change  func(version int, value string) error
				current func() string
			}{
				{"organization", "organizations", s.ID, s.Version,
					func(v int, value string) error {
						_, err := db.UpdateOrganization(ctx, admin.Actor, s.ID, v, samspil.OrganizationPatch{Name: &value})
						return err
					},
					func() string { return testkit.Org(t, db, s.ID).Name }},
				{"unit", "org_units", unit.ID, unit.Version,
					func(v int, value string) error {
						_, err := db.UpdateUnit(ctx, admin.Actor, testkit.Silkeborg, unit.ID, v, samspil.OrgUnitPatch{Name: &value})
						return err
					},
					func() string {
						u, err := db.FindUnit(ctx, admin.Actor, testkit.Silkeborg, unit.ID)
						must(t, err)
						return u.Name
					}},
				{"user", "users", anna.User.ID, anna.User.Version,
					func(v int, value string) error {
						_, err := db.UpdateUser(ctx, admin.Actor, anna.User.ID, v, samspil.UserPatch{DisplayName: &value})
						return err
					},
					func() string { return findUser(t, db, anna.User.ID).DisplayName }},
				{"membership", "memberships", m.ID, m.Version,
					func(v int, value string) error {
						role := samspil.Role(value)
						_, err := db.UpdateMembership(ctx, admin.Actor, m.ID, v, samspil.MembershipPatch{Role: &role})
						return err
					},
					func() string {
						got, err := db.FindMembership(ctx, admin.Actor, m.ID)
						must(t, err)
						return string(got.Role)
					}},
			} {
				t.Run(c.name, func(t *testing.T) {
					valueA, valueB := "A", "B"
					if c.name == "membership" {
						valueA, valueB = string(samspil.RoleEditor), string(samspil.RoleAdmin)
					}
					errA, errB := raceTwo(t, e, raw, fmt.Sprintf("SELECT id FROM %s WHERE id = $1 FOR UPDATE", c.table), []any{c.id},
						func() error { return c.change(c.version, valueA) },
						func() error { return c.change(c.version, valueB) })
					exactlyOneStale(t, errA, errB)
					want := valueA
					if errA != nil {
						want = valueB
					}
					if got := c.current(); got != want {
						t.Errorf("stored %q, but the change that succeeded set %q", got, want)
					}
				})
			}
		})
	}
}

// Two administrators demoting each other at the same moment must not leave
// the organisation without an administrator.
func TestConcurrentDemotionKeepsAnAdmin(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			db := openStore(t, dsn)
			raw := openRaw(t, e, dsn)
			org := newOrg(t, db, "OS2", samspil.VisibilitySector)
			a := testkit.NewPerson(t, db, "a@os2.dk", org.ID, samspil.RoleAdmin)
			b := testkit.NewPerson(t, db, "b@os2.dk", org.ID, samspil.RoleAdmin)
			ma, mb := a.User.Memberships[0], b.User.Memberships[0]

			editor := samspil.RoleEditor
			errA, errB := raceTwo(t, e, raw, "SELECT id FROM memberships WHERE id IN ($1, $2) FOR UPDATE", []any{ma.ID, mb.ID},
				func() error {
					_, err := db.UpdateMembership(ctx, a.Actor, mb.ID, 1, samspil.MembershipPatch{Role: &editor})
					return err
				},
				func() error {
					_, err := db.UpdateMembership(ctx, b.Actor, ma.ID, 1, samspil.MembershipPatch{Role: &editor})
					return err
				})
			var admins int
			must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE organization_id = $1 AND role = 'admin'`, org.ID).Scan(&admins))
			if admins == 0 {
				t.Fatalf("both demotions succeeded (%v, %v): the organisation has no administrator left", errA, errB)
			}
			codes := []string{samspil.ErrorCode(errA), samspil.ErrorCode(errB)}
			if !(codes[0] == "" && codes[1] == samspil.ECONFLICT || codes[0] == samspil.ECONFLICT && codes[1] == "") {
				t.Errorf("want one demotion to succeed and one conflict, got %v and %v", errA, errB)
			}
		})
	}
}

// Two people moving two units under each other at the same moment must not
// make a cycle, which would make both units vanish from the tree.
func TestConcurrentMovesMakeNoCycle(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			db := openStore(t, dsn)
			raw := openRaw(t, e, dsn)
			ed := testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
			x, err := db.CreateUnit(ctx, ed.Actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "X"})
			must(t, err)
			y, err := db.CreateUnit(ctx, ed.Actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "Y"})
			must(t, err)

			errA, errB := raceTwo(t, e, raw, "SELECT id FROM org_units WHERE id IN ($1, $2) FOR UPDATE", []any{x.ID, y.ID},
				func() error {
					_, err := db.UpdateUnit(ctx, ed.Actor, testkit.Silkeborg, x.ID, 1, samspil.OrgUnitPatch{ParentID: &y.ID})
					return err
				},
				func() error {
					_, err := db.UpdateUnit(ctx, ed.Actor, testkit.Silkeborg, y.ID, 1, samspil.OrgUnitPatch{ParentID: &x.ID})
					return err
				})
			tree := listUnits(t, db, ed.Actor, testkit.Silkeborg)
			if len(tree) != 2 {
				t.Fatalf("moves (%v, %v) left %d of 2 units in the tree:\n%s", errA, errB, len(tree), treeString(tree))
			}
			codes := []string{samspil.ErrorCode(errA), samspil.ErrorCode(errB)}
			if !(codes[0] == "" && codes[1] == samspil.EINVALID || codes[0] == samspil.EINVALID && codes[1] == "") {
				t.Errorf("want one move to succeed and one to be refused, got %v and %v", errA, errB)
			}
		})
	}
}

// Renaming a unit while someone else deletes it must not report success for
// a change that was never stored.
func TestConcurrentUpdateAndDelete(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			db := openStore(t, dsn)
			raw := openRaw(t, e, dsn)
			ed := testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
			u, err := db.CreateUnit(ctx, ed.Actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "IT"})
			must(t, err)

			errUpdate, errDelete := raceTwo(t, e, raw, "SELECT id FROM org_units WHERE id = $1 FOR UPDATE", []any{u.ID},
				func() error {
					_, err := db.UpdateUnit(ctx, ed.Actor, testkit.Silkeborg, u.ID, 1, samspil.OrgUnitPatch{Name: ptr("Digitalisering")})
					return err
				},
				func() error { return db.DeleteUnit(ctx, ed.Actor, testkit.Silkeborg, u.ID, 1) })
			if (errUpdate == nil) == (errDelete == nil) {
				t.Fatalf("want exactly one of the two to succeed, got update: %v, delete: %v", errUpdate, errDelete)
			}
			_, findErr := db.FindUnit(ctx, ed.Actor, testkit.Silkeborg, u.ID)
			switch {
			case errUpdate == nil && findErr != nil:
				t.Errorf("the rename succeeded, but the unit is gone: %v", findErr)
			case errDelete == nil && findErr == nil:
				t.Errorf("the delete succeeded, but the unit is still there")
			}
			if c := samspil.ErrorCode(errUpdate) + samspil.ErrorCode(errDelete); c != samspil.ESTALE && c != samspil.ENOTFOUND {
				t.Errorf("the loser got %q, want %q or %q", c, samspil.ESTALE, samspil.ENOTFOUND)
			}
			// Only what happened is in the audit log.
			if n := countAudit(t, db, "unit.update") + countAudit(t, db, "unit.delete"); n != 1 {
				t.Errorf("%d unit.update/unit.delete events, want 1", n)
			}
		})
	}
}
