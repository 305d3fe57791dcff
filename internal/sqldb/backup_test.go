package sqldb_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// A backup made while the database is in use restores into a new database
// with the same checksum for every organisation; a change to one
// organisation changes its checksum only.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			db := testkit.NewDB(t, e)
			ann := testkit.NewPerson(t, db, "ann@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
			for _, name := range []string{"Digitalisering", "Borgerservice"} {
				if _, err := db.CreateUnit(ctx, ann.Actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: name}); err != nil {
					t.Fatal(err)
				}
			}
			before, err := db.OrganizationChecksums(ctx)
			if err != nil {
				t.Fatal(err)
			}
			backup := filepath.Join(t.TempDir(), "backup")
			if err := db.Backup(ctx, backup); err != nil {
				t.Fatal(err)
			}
			testkit.ErrCode(t, db.Backup(ctx, backup), samspil.ECONFLICT) // never over an existing file

			// A change after the backup is in the live database only, and
			// in its organisation's checksum only.
			if _, err := db.CreateUnit(ctx, ann.Actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitTeam, Name: "Efter sikringen"}); err != nil {
				t.Fatal(err)
			}
			after, err := db.OrganizationChecksums(ctx)
			if err != nil {
				t.Fatal(err)
			}
			silkeborg := testkit.Org(t, db, testkit.Silkeborg).ID
			for org, sum := range after {
				if changed := sum != before[org]; changed != (org == silkeborg) {
					t.Errorf("organisation %q: changed %v after a change in Silkeborg", org, changed)
				}
			}
			if len(before) < 100 {
				t.Fatalf("%d checksums: one per organisation expected", len(before))
			}

			target := testkit.NewEmptyDSN(t, e)
			if err := sqldb.Restore(ctx, backup, target); err != nil {
				t.Fatal(err)
			}
			restored, err := sqldb.Open(ctx, target, sqldb.Options{Passwords: testkit.Passwords()})
			if err != nil {
				t.Fatal(err)
			}
			defer restored.Close()
			if err := restored.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := restored.OrganizationChecksums(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(before) {
				t.Fatalf("%d checksums restored, %d backed up", len(got), len(before))
			}
			for org, sum := range before {
				if got[org] != sum {
					t.Errorf("organisation %q differs after the restore", org)
				}
			}
			// The restored database works: Ann signs in and sees her units.
			if _, _, err := restored.Login(ctx, samspil.LoginAttempt{Email: "ann@silkeborg.example", Password: testkit.Password}); err != nil {
				t.Fatalf("sign in on the restored database: %v", err)
			}
			units, err := restored.ListUnits(ctx, testkit.Actor(t, restored, ann.User.ID), testkit.Silkeborg, samspil.ListOptions{Limit: 50})
			if err != nil || len(units.Items) != 2 {
				t.Fatalf("units after the restore: %v %v", units, err)
			}

			// Never into a database in use.
			testkit.ErrCode(t, sqldb.Restore(ctx, backup, target), samspil.ECONFLICT)
		})
	}
}

// Restore refuses what it cannot restore, and leaves nothing behind.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := testkit.NewDB(t, sqldb.SQLite)
	good := filepath.Join(dir, "good.db")
	if err := db.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	// A backup with a damaged page in the middle.
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "damaged.db")
	for i := len(b) / 2; i < len(b)/2+4096 && i < len(b); i++ {
		b[i] = 0x5a
	}
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a backup"), 0o600)
	pgDSN := "postgres://nobody@127.0.0.1:1/none"

	for _, c := range []struct {
		from, to, code, says string
	}{
		{damaged, filepath.Join(dir, "a.db"), samspil.EINVALID, "damaged"},
		{text, filepath.Join(dir, "b.db"), samspil.EINVALID, "not a samspil backup"},
		{filepath.Join(dir, "missing"), filepath.Join(dir, "c.db"), samspil.EINVALID, "cannot be read"},
		{good, pgDSN, samspil.EINVALID, "SQLite backup"},
		{good, good, samspil.ECONFLICT, "exists already"},
	} {
		err := sqldb.Restore(ctx, c.from, c.to)
		testkit.ErrCode(t, err, c.code)
		if !strings.Contains(err.Error(), c.says) {
			t.Errorf("restore %s into %s: %v; want it to say %q", c.from, c.to, err, c.says)
		}
		if c.to != good && c.to != pgDSN {
			if _, err := os.Stat(c.to); err == nil {
				t.Errorf("a refused restore left %s", c.to)
			}
			if _, err := os.Stat(c.to + ".restoring"); err == nil {
				t.Errorf("a refused restore left %s.restoring", c.to)
			}
		}
	}
}
