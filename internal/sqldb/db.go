// Package sqldb is the one store of samspil. It serves SQLite (embedded, the
// default) and PostgreSQL (production) through database/sql with the same
// hand-written SQL; dialect.go holds the few differences.
//
// Every exported method takes the acting *samspil.Actor and filters by it:
// nothing leaves this package that the actor may not see, and every change is
// written together with its audit event in one transaction.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/samspil/samspil"
)

// Engine names a database engine.
type Engine string

// Supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is the store. It is safe for concurrent use.
type DB struct {
	engine Engine
	dsn    string
	path   string    // SQLite file path
	write  *sql.DB   // SQLite: one connection, so writers never fight over the lock
	read   *readPool // SQLite: a pool of read-only connections; PostgreSQL: the same pool as write

	callers callerCache // recently identified sessions and tokens

	orgSearch orgSearchState // the organisation search's sample of names

	passwords samspil.Passwords
	policy    samspil.AuthPolicy
	now       func() time.Time
}

// Options configure a store.
type Options struct {
	Passwords samspil.Passwords  // required for users and logins
	Policy    samspil.AuthPolicy // zero means samspil.DefaultAuthPolicy
	ReadConns int                // SQLite read pool size; 0 means 4
}

// Open connects to the database named by dsn: a postgres:// or postgresql://
// URL, or otherwise the path of a SQLite file (created with its directory if
// missing). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	db := &DB{dsn: dsn, passwords: opt.Passwords, policy: opt.Policy, now: samspil.Now}
	if db.policy == (samspil.AuthPolicy{}) {
		db.policy = samspil.DefaultAuthPolicy
	}
	var err error
	if IsPostgresDSN(dsn) {
		db.engine = Postgres
		db.write, err = openPostgres(dsn)
		db.read = &readPool{DB: db.write}
	} else {
		db.engine = SQLite
		db.path = sqlitePath(dsn)
		if dir := filepath.Dir(db.path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		var read *sql.DB
		db.write, read, err = openSQLite(db.path, opt.ReadConns)
		db.read = &readPool{DB: read, cacheStmts: true}
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.write.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.engine, err)
	}
	return db, nil
}

// IsPostgresDSN reports whether dsn names a PostgreSQL server.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Engine returns the engine in use.
func (db *DB) Engine() Engine { return db.engine }

// Close closes all connections.
func (db *DB) Close() error {
	db.orgSearch.stopBackground()
	var errs []error
	if db.read != nil && db.read.DB != nil && db.read.DB != db.write {
		errs = append(errs, db.read.Close())
	}
	if db.write != nil {
		errs = append(errs, db.write.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// SetClock replaces the clock; tests use it to step over timeouts.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Now is the time on the store's clock, which stamps its writes.
func (db *DB) Now() time.Time { return db.now() }

// Policy returns the sign-in and session limits in force.
func (db *DB) Policy() samspil.AuthPolicy { return db.policy }
