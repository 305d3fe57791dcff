// Package testkit gives tests real databases: a fresh SQLite file always, and
// a fresh PostgreSQL database whenever SAMSPIL_TEST_PG names a server. Each
// database is migrated and holds the reference data; it is copied from a
// template made once, so tests stay fast.
package testkit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/refdata"
	"github.com/samspil/samspil/internal/sqldb"
)

// Environment variables that steer the engines.
const (
	// EnvPostgres is the admin URL of a PostgreSQL server for tests; "off"
	// turns PostgreSQL tests off. Unset, a server at DefaultPostgres is used
	// when one answers.
	EnvPostgres = "SAMSPIL_TEST_PG"
	// EnvRequirePostgres, when set, makes a missing PostgreSQL fail the tests
	// instead of leaving them out (CI sets it).
	EnvRequirePostgres = "SAMSPIL_TEST_REQUIRE_PG"
)

// PostgresURL returns the admin URL of the test PostgreSQL server, or ""
// when the tests run without one.
func PostgresURL() string { return postgresURL() }

// DefaultPostgres is tried when SAMSPIL_TEST_PG is unset.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=2"

// postgresURL returns the admin URL of the test PostgreSQL server, or "".
var postgresURL = sync.OnceValue(func() string {
	switch v := os.Getenv(EnvPostgres); v {
	case "off":
		return ""
	case "":
		db, err := sql.Open("pgx", DefaultPostgres)
		if err != nil {
			return ""
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if db.PingContext(ctx) != nil {
			return ""
		}
		return DefaultPostgres
	default:
		return v
	}
})

// TestArgon2 is a cheap but real argon2id setting, so that tests that sign in
// many times stay fast. The default cost is tested on its own.
var TestArgon2 = auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// testPasswords bounds the hashing in flight as the server does, with a
// long wait: parallel tests on a busy machine must not be turned away.
var testPasswords = sync.OnceValue(func() *auth.Passwords {
	return auth.NewPasswords(TestArgon2, auth.Limit{Wait: time.Minute})
})

// Passwords returns the password hasher that test databases use.
func Passwords() *auth.Passwords { return testPasswords() }

// Engines returns the engines to test on.
func Engines(t testing.TB) []sqldb.Engine {
	engines := []sqldb.Engine{sqldb.SQLite}
	if postgresURL() != "" {
		engines = append(engines, sqldb.Postgres)
	} else if os.Getenv(EnvRequirePostgres) != "" {
		t.Fatalf("%s is set but no PostgreSQL answers (%s): the PostgreSQL tests cannot run", EnvRequirePostgres, EnvPostgres)
	}
	return engines
}

// ForEachEngine runs fn as a subtest per engine with a fresh database.
func ForEachEngine(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			fn(t, NewDB(t, e))
		})
	}
}

// NewDB returns a fresh, migrated database with reference data on engine e,
// closed and removed when the test ends.
func NewDB(t testing.TB, e sqldb.Engine) *sqldb.DB {
	t.Helper()
	dsn := NewDSN(t, e)
	db, err := sqldb.Open(context.Background(), dsn, sqldb.Options{Passwords: Passwords()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// NewDSN returns the address of a fresh migrated database with reference
// data on engine e, removed when the test ends.
func NewDSN(t testing.TB, e sqldb.Engine) string {
	t.Helper()
	switch e {
	case sqldb.SQLite:
		tpl, err := sqliteTemplate()
		if err != nil {
			t.Fatalf("prepare SQLite template: %v", err)
		}
		path := filepath.Join(t.TempDir(), "samspil.db")
		if err := copyFile(tpl, path); err != nil {
			t.Fatal(err)
		}
		return path
	case sqldb.Postgres:
		admin := postgresURL()
		if admin == "" {
			t.Fatalf("no PostgreSQL server for tests: set %s", EnvPostgres)
		}
		dsn, drop, err := newPostgresDB(admin)
		if err != nil {
			t.Fatalf("create PostgreSQL test database: %v", err)
		}
		t.Cleanup(drop)
		return dsn
	}
	t.Fatalf("unknown engine %q", e)
	return ""
}

// NewEmptyDSN returns a new, empty database: for SQLite the path of a file
// that does not exist yet, for PostgreSQL a database without tables (for
// restores and first starts).
func NewEmptyDSN(t testing.TB, e sqldb.Engine) string {
	t.Helper()
	if e == sqldb.SQLite {
		return filepath.Join(t.TempDir(), "empty.db")
	}
	admin := postgresURL()
	if admin == "" {
		t.Fatalf("no PostgreSQL server for tests: set %s", EnvPostgres)
	}
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "samspil_test_" + hex.EncodeToString(b)
	if _, err := adm.Exec("CREATE DATABASE " + name); err != nil {
		adm.Close()
		t.Fatalf("create an empty PostgreSQL database: %v", err)
	}
	t.Cleanup(func() {
		adm.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
		adm.Close()
	})
	return withDatabase(admin, name)
}

// templateKey identifies the schema and reference data a template holds.
func templateKey(e sqldb.Engine) string {
	h := sha256.New()
	fs.WalkDir(sqldb.Migrations(e), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(sqldb.Migrations(e), path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return nil
	})
	_, orgHash, _ := refdata.Organizations()
	_, kleHash, _ := refdata.Tasks()
	h.Write([]byte(orgHash + kleHash))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// prepare migrates a database and loads the reference data.
func prepare(dsn string) error {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: Passwords()})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	return refdata.Load(ctx, db)
}

var sqliteTemplate = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "samspil-tpl-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "template.db")
	if err := prepare(path); err != nil {
		return "", err
	}
	// Fold the WAL into the main file so that one file is the whole database.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return "", err
	}
	return path, nil
})

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// newPostgresDB creates a database from the template (making the template
// first if needed, under an advisory lock so that parallel test binaries make
// it once) and returns its URL and a function that drops it.
func newPostgresDB(admin string) (string, func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	defer adm.Close()
	conn, err := adm.Conn(ctx)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close()
	tpl := "samspil_tpl_" + templateKey(sqldb.Postgres)
	b := make([]byte, 6)
	rand.Read(b)
	name := "samspil_test_" + hex.EncodeToString(b)
	// Another checkout with other migrations (a second worktree testing at
	// the same time) drops this template when it builds its own; then it is
	// built again.
	for rebuild := 0; ; rebuild++ {
		if err := ensurePostgresTemplate(ctx, conn, admin, tpl); err != nil {
			return "", nil, err
		}
		for attempt := 0; ; attempt++ {
			_, err = conn.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tpl))
			if err == nil || attempt == 20 || !strings.Contains(err.Error(), "being accessed by other users") {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err == nil || rebuild == 5 || !strings.Contains(err.Error(), "does not exist") {
			break
		}
	}
	if err != nil {
		return "", nil, err
	}
	drop := func() {
		adm, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer adm.Close()
		adm.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	}
	return withDatabase(admin, name), drop, nil
}

// ensurePostgresTemplate builds the template tpl unless it exists, under
// an advisory lock, so that parallel test processes build it once.
func ensurePostgresTemplate(ctx context.Context, conn *sql.Conn, admin, tpl string) error {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(727271)"); err != nil {
		return err
	}
	var exists bool
	err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", tpl).Scan(&exists)
	if err == nil && !exists {
		err = makePostgresTemplate(ctx, conn, admin, tpl)
	}
	if _, uerr := conn.ExecContext(ctx, "SELECT pg_advisory_unlock(727271)"); err == nil {
		err = uerr
	}
	return err
}

func makePostgresTemplate(ctx context.Context, conn *sql.Conn, admin, tpl string) error {
	// Templates of older schemas are of no further use.
	rows, err := conn.QueryContext(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'samspil\\_tpl\\_%'")
	if err != nil {
		return err
	}
	var old []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		old = append(old, n)
	}
	rows.Close()
	for _, n := range old {
		conn.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", n))
	}
	building := tpl + "_building"
	conn.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", building))
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s", building)); err != nil {
		return err
	}
	if err := prepare(withDatabase(admin, building)); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, tpl))
	return err
}

// withDatabase returns the URL dsn pointing at database name.
func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// System is the actor for test set-up.
var System = samspil.SystemActor("test")
