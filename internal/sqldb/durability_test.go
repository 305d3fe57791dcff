package sqldb_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// The store's own settings are durable on both engines; a setting that
// risks acknowledged writes is found and named.
func TestCheckDurability(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		problems, err := db.CheckDurability(ctx)
		must(t, err)
		if len(problems) != 0 {
			t.Fatalf("samspil's own settings are not durable: %v", problems)
		}
	})
	t.Run("sqlite synchronous off", func(t *testing.T) {
		db := testkit.NewDB(t, sqldb.SQLite)
		must(t, db.Exec(ctx, `PRAGMA synchronous = OFF`))
		problems, err := db.CheckDurability(ctx)
		must(t, err)
		if len(problems) != 1 || problems[0].Setting != "SQLite synchronous" || problems[0].Value != "OFF" {
			t.Fatalf("problems %v", problems)
		}
	})
	t.Run("sqlite journal in memory", func(t *testing.T) {
		db := testkit.NewDB(t, sqldb.SQLite)
		must(t, db.Exec(ctx, `PRAGMA journal_mode = MEMORY`))
		problems, err := db.CheckDurability(ctx)
		must(t, err)
		if len(problems) != 1 || problems[0].Setting != "SQLite journal_mode" || !strings.EqualFold(problems[0].Value, "memory") {
			t.Fatalf("problems %v", problems)
		}
	})
	t.Run("postgres synchronous_commit off", func(t *testing.T) {
		if !slices.Contains(testkit.Engines(t), sqldb.Postgres) {
			t.Skip("no PostgreSQL")
		}
		dsn := testkit.NewDSN(t, sqldb.Postgres)
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		db, err := sqldb.Open(ctx, dsn+sep+"synchronous_commit=off", sqldb.Options{Passwords: testkit.Passwords()})
		must(t, err)
		t.Cleanup(func() { db.Close() })
		problems, err := db.CheckDurability(ctx)
		must(t, err)
		if len(problems) != 1 || problems[0].Setting != "PostgreSQL synchronous_commit" || problems[0].Value != "off" {
			t.Fatalf("problems %v", problems)
		}
	})
}

// CheckIntegrity finds nothing in a sound database, on both engines, and
// finds a damaged SQLite file.
func TestCheckIntegrity(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		testkit.NewPerson(t, db, "ann@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		if found, err := db.CheckIntegrity(ctx); err != nil || len(found) > 0 {
			t.Fatalf("a sound database: %v %v", found, err)
		}
	})
	t.Run("damaged SQLite", func(t *testing.T) {
		path := testkit.NewDSN(t, sqldb.SQLite)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The last pages hold the most recent tables' rows and indexes.
		for i := len(b) - 3*4096; i < len(b)-4096; i++ {
			b[i] ^= 0xa5
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := sqldb.Open(ctx, path, sqldb.Options{})
		if err != nil {
			return // damaged beyond opening: found as well
		}
		defer db.Close()
		found, err := db.CheckIntegrity(ctx)
		if err == nil && len(found) == 0 {
			t.Fatal("the damage went unnoticed")
		}
	})
}
