package sqldb_test

import (
	"slices"
	"strings"
	"testing"

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
