package sqldb_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// freshDSN returns the address of a new, empty (unmigrated) database. For
// PostgreSQL it uses the server that testkit chose.
func freshDSN(t *testing.T, e sqldb.Engine) string {
	t.Helper()
	if e == sqldb.SQLite {
		return filepath.Join(t.TempDir(), "fresh.db")
	}
	base := testkit.NewDSN(t, sqldb.Postgres)
	adm, err := sql.Open("pgx", base)
	must(t, err)
	b := make([]byte, 6)
	rand.Read(b)
	name := "samspil_fresh_" + hex.EncodeToString(b)
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adm.Close()
		t.Fatalf("create database: %v", err)
	}
	// Runs before testkit drops the base database.
	t.Cleanup(func() {
		defer adm.Close()
		if _, err := adm.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	must(t, err)
	u.Path = "/" + name
	return u.String()
}

func openStore(t *testing.T, dsn string) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: testkit.Passwords()})
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// column is what the engines must agree on about a column.
type column struct {
	Type    string // a type class: text, integer, boolean, timestamp
	NotNull bool
}

// schema maps table -> column -> column description.
type schema map[string]map[string]column

// ignoredTables belong to the migration machinery, not to samspil, or are
// the engines' own indexes for the organisation search: SQLite's FTS
// index (migration 00015) and PostgreSQL's trigrams in name order (00017).
var ignoredTables = []string{"goose_db_version", "migration_lock",
	"organization_search", "organization_search_fts", "organization_search_fts_config",
	"organization_search_fts_data", "organization_search_fts_idx", "organization_search_terms",
	"organization_name_trigrams"}

// typeClass maps engine type names to the classes both engines share. JSON
// is text on SQLite and jsonb on PostgreSQL.
func typeClass(t *testing.T, engineType string) string {
	t.Helper()
	switch strings.ToLower(engineType) {
	case "text", "jsonb":
		return "text"
	case "integer", "bigint":
		return "integer"
	case "boolean":
		return "boolean"
	case "timestamp", "timestamp with time zone":
		return "timestamp"
	case "date":
		return "date"
	case "blob", "bytea":
		return "blob"
	}
	t.Errorf("unexpected column type %q: add it to typeClass", engineType)
	return engineType
}

func readSchema(t *testing.T, e sqldb.Engine, dsn string) schema {
	t.Helper()
	raw := openRaw(t, e, dsn)
	s := schema{}
	add := func(table, col, typ string, notNull bool) {
		if slices.Contains(ignoredTables, table) {
			return
		}
		if s[table] == nil {
			s[table] = map[string]column{}
		}
		s[table][col] = column{Type: typeClass(t, typ), NotNull: notNull}
	}
	switch e {
	case sqldb.SQLite:
		rows, err := raw.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
		must(t, err)
		var tables []string
		for rows.Next() {
			var n string
			must(t, rows.Scan(&n))
			tables = append(tables, n)
		}
		must(t, rows.Err())
		rows.Close()
		for _, table := range tables {
			rows, err := raw.QueryContext(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info($1)`, table)
			must(t, err)
			for rows.Next() {
				var name, typ string
				var notNull, pk int
				must(t, rows.Scan(&name, &typ, &notNull, &pk))
				// Primary keys are not null by intent (PostgreSQL enforces it;
				// the store always supplies the key).
				add(table, name, typ, notNull == 1 || pk > 0)
			}
			must(t, rows.Err())
			rows.Close()
		}
	case sqldb.Postgres:
		rows, err := raw.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
			FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`)
		must(t, err)
		for rows.Next() {
			var table, name, typ, nullable string
			must(t, rows.Scan(&table, &name, &typ, &nullable))
			add(table, name, typ, nullable == "NO")
		}
		must(t, rows.Err())
		rows.Close()
	}
	return s
}

func (s schema) tables() []string {
	var out []string
	for t := range s {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// diff lists the differences between two schemas, one per line.
func diffSchemas(a, b schema, nameA, nameB string) []string {
	var out []string
	for _, table := range a.tables() {
		if b[table] == nil {
			out = append(out, fmt.Sprintf("table %s only on %s", table, nameA))
			continue
		}
		for col, ca := range a[table] {
			cb, ok := b[table][col]
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("column %s.%s only on %s", table, col, nameA))
			case ca != cb:
				out = append(out, fmt.Sprintf("column %s.%s is %+v on %s but %+v on %s", table, col, ca, nameA, cb, nameB))
			}
		}
		for col := range b[table] {
			if _, ok := a[table][col]; !ok {
				out = append(out, fmt.Sprintf("column %s.%s only on %s", table, col, nameB))
			}
		}
	}
	for _, table := range b.tables() {
		if a[table] == nil {
			out = append(out, fmt.Sprintf("table %s only on %s", table, nameB))
		}
	}
	sort.Strings(out)
	return out
}

// migrateFresh migrates a new database and returns its address.
func migrateFresh(t *testing.T, e sqldb.Engine) string {
	t.Helper()
	dsn := freshDSN(t, e)
	db := openStore(t, dsn)
	must(t, db.Migrate(ctx))
	current, newest, err := db.SchemaVersion(ctx)
	must(t, err)
	if current != newest || newest == 0 {
		t.Fatalf("%s: schema version %d after migrating, newest %d", e, current, newest)
	}
	// Migrating an up-to-date database is a no-op.
	must(t, db.Migrate(ctx))
	return dsn
}

func TestMigrationFilesMatch(t *testing.T) {
	names := map[sqldb.Engine][]string{}
	for _, e := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		files, err := fs.Glob(sqldb.Migrations(e), "*.sql")
		must(t, err)
		if len(files) == 0 {
			t.Fatalf("no migrations for %s", e)
		}
		names[e] = files
	}
	if !slices.Equal(names[sqldb.SQLite], names[sqldb.Postgres]) {
		t.Fatalf("migration files differ:\nsqlite:   %v\npostgres: %v", names[sqldb.SQLite], names[sqldb.Postgres])
	}
}

func TestMigrationsGiveSameSchema(t *testing.T) {
	engines := testkit.Engines(t)
	schemas := map[sqldb.Engine]schema{}
	for _, e := range engines {
		schemas[e] = readSchema(t, e, migrateFresh(t, e))
	}
	lite := schemas[sqldb.SQLite]
	for _, want := range []string{"organizations", "org_units", "users", "memberships", "api_tokens", "sessions", "login_throttle", "audit_events", "kle_topics", "reference_data"} {
		if lite[want] == nil {
			t.Errorf("SQLite schema lacks table %s; has %v", want, lite.tables())
		}
	}
	for _, ignored := range ignoredTables {
		if lite[ignored] != nil {
			t.Errorf("table %s should be ignored", ignored)
		}
	}
	pg, ok := schemas[sqldb.Postgres]
	if !ok {
		t.Skipf("PostgreSQL not configured (%s): compared nothing", testkit.EnvPostgres)
	}
	if d := diffSchemas(lite, pg, "sqlite", "postgres"); len(d) > 0 {
		t.Errorf("SQLite and PostgreSQL schemas differ:\n%s", strings.Join(d, "\n"))
	}
}

func TestDiffSchemasFindsDifferences(t *testing.T) {
	a := schema{"t": {"id": {"text", true}, "x": {"integer", false}}, "only_a": {"id": {"text", true}}}
	b := schema{"t": {"id": {"text", true}, "x": {"integer", true}, "y": {"text", false}}}
	got := diffSchemas(a, b, "a", "b")
	want := []string{
		"column t.x is {Type:integer NotNull:false} on a but {Type:integer NotNull:true} on b",
		"column t.y only on b",
		"table only_a only on a",
	}
	if !slices.Equal(got, want) {
		t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := diffSchemas(b, b, "b", "b"); len(d) != 0 {
		t.Errorf("a schema differs from itself: %v", d)
	}
}

// Several instances starting at once on one new database all succeed, and
// the migrations run once.
func TestConcurrentMigrate(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := freshDSN(t, e)
			const n = 3
			stores := make([]*sqldb.DB, n)
			for i := range stores {
				stores[i] = openStore(t, dsn)
			}
			errs := make([]error, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, db := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = db.Migrate(ctx)
				}()
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("store %d: %v", i, err)
				}
			}
			if t.Failed() {
				return
			}
			for i, db := range stores {
				current, newest, err := db.SchemaVersion(ctx)
				must(t, err)
				if current != newest {
					t.Errorf("store %d sees schema version %d, newest %d", i, current, newest)
				}
			}
			raw := openRaw(t, e, dsn)
			var dups int
			must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT version_id FROM goose_db_version GROUP BY version_id HAVING COUNT(*) > 1) d`).Scan(&dups))
			if dups != 0 {
				t.Errorf("%d migrations were recorded more than once", dups)
			}
			// The database works for all of them.
			for i, db := range stores {
				_, err := db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: fmt.Sprintf("Forening %d", i)})
				must(t, err)
			}
		})
	}
}
