package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Both folders hold the same version numbers; a test checks that both
// engines end with the same tables and columns.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Migrations returns the migration files of an engine.
func Migrations(e Engine) fs.FS {
	sub, err := fs.Sub(migrations, "migrations/"+string(e))
	if err != nil {
		panic(err)
	}
	return sub
}

// Migrate brings the schema up to date. It is safe when several instances
// start at once: PostgreSQL serialises them with an advisory lock, SQLite with
// a lease row.
func (db *DB) Migrate(ctx context.Context) error {
	return db.migrateTo(ctx, 0)
}

// migrateTo applies the migrations up to version, or all of them for 0.
func (db *DB) migrateTo(ctx context.Context, version int64) error {
	var opts []goose.ProviderOption
	var dialect goose.Dialect
	conn := db.write
	switch db.engine {
	case Postgres:
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 600))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	case SQLite:
		dialect = goose.DialectSQLite3
		opts = append(opts, goose.WithLocker(&sqliteLocker{lease: time.Minute}))
		// goose holds one connection while its locker takes another, so it
		// gets a small pool of its own instead of the single writer.
		mig, err := sql.Open("sqlite", sqliteDSN(db.path, true))
		if err != nil {
			return err
		}
		defer mig.Close()
		mig.SetMaxOpenConns(2)
		conn = mig
	}
	opts = append(opts, goose.WithDisableGlobalRegistry(true), goose.WithSlog(slog.New(slog.DiscardHandler)))
	p, err := goose.NewProvider(dialect, conn, Migrations(db.engine), opts...)
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	if version == 0 {
		_, err = p.Up(ctx)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	if err != nil {
		return fmt.Errorf("migrate %s database: %w", db.engine, err)
	}
	return nil
}

// SchemaVersion returns the applied and the newest known migration version.
func (db *DB) SchemaVersion(ctx context.Context) (current, newest int64, err error) {
	dialect := goose.DialectSQLite3
	if db.engine == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.read.DB, Migrations(db.engine), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

// sqliteLocker keeps two processes from migrating one SQLite file at once. It
// holds a lease row that it renews while migrating; a crashed holder's lease
// runs out so that the next start can proceed.
type sqliteLocker struct {
	lease  time.Duration
	holder string
	stop   context.CancelFunc
	done   chan struct{}
}

const sqliteLockDDL = `CREATE TABLE IF NOT EXISTS migration_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
)`

func (l *sqliteLocker) Lock(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, sqliteLockDDL); err != nil {
		return fmt.Errorf("create migration lock: %w", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	l.holder = hex.EncodeToString(b)
	deadline := time.Now().Add(10 * time.Minute)
	for {
		now := time.Now().UTC()
		res, err := db.ExecContext(ctx, `INSERT INTO migration_lock (id, holder, expires_at) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE migration_lock.expires_at < $3`, l.holder, now.Add(l.lease), now)
		if err != nil {
			return fmt.Errorf("take migration lock: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("another process holds the migration lock for over 10 minutes")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	renewCtx, stop := context.WithCancel(context.Background())
	l.stop, l.done = stop, make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(l.lease / 4)
		defer t.Stop()
		for {
			select {
			case <-renewCtx.Done():
				return
			case <-t.C:
				db.ExecContext(renewCtx, `UPDATE migration_lock SET expires_at = $1 WHERE holder = $2`,
					time.Now().UTC().Add(l.lease), l.holder)
			}
		}
	}()
	return nil
}

func (l *sqliteLocker) Unlock(ctx context.Context, db *sql.DB) error {
	if l.stop != nil {
		l.stop()
		<-l.done
	}
	_, err := db.ExecContext(ctx, `DELETE FROM migration_lock WHERE holder = $1`, l.holder)
	return err
}
