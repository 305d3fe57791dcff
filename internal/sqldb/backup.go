package sqldb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/samspil/samspil"
)

// Backup and restore. A SQLite backup is a consistent copy of the file made
// while samspil runs (VACUUM INTO); a PostgreSQL backup is a pg_dump
// archive in the custom format, which pg_dump takes from one snapshot while
// samspil writes. Restore puts either back into a new database and checks
// it; the caller then opens and migrates it as any database.

// Backup writes a consistent copy of the database to path, which must not
// exist, while the database is in use.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return samspil.Errorf(samspil.ECONFLICT, "%s exists already; choose a new file", path)
	}
	if db.engine == SQLite {
		_, err := db.write.ExecContext(ctx, "VACUUM INTO $1", path)
		return err
	}
	uri, env, err := libpqConnection(db.dsn)
	if err != nil {
		return err
	}
	if err := runPGTool(ctx, env, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file="+path, "--dbname="+uri); err != nil {
		os.Remove(path) // no half-written archive left behind
		return err
	}
	return nil
}

// Magic numbers of the two kinds of backup.
var (
	sqliteMagic = []byte("SQLite format 3\x00")
	pgDumpMagic = []byte("PGDMP")
)

// Restore puts the backup in the file from into the database named by dsn:
// a SQLite backup into a new file (which must not exist), a pg_dump archive
// into an existing, empty PostgreSQL database. The restored SQLite file has
// passed integrity_check; a PostgreSQL restore runs in one transaction, so
// a failed one leaves the database empty.
func Restore(ctx context.Context, from, dsn string) error {
	f, err := os.Open(from)
	if err != nil {
		return samspil.Errorf(samspil.EINVALID, "the backup %s cannot be read: %v", from, err)
	}
	head := make([]byte, len(sqliteMagic))
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	switch {
	case bytes.Equal(head, sqliteMagic):
		if IsPostgresDSN(dsn) {
			return samspil.Errorf(samspil.EINVALID, "%s is a SQLite backup; it restores into a SQLite file, not into PostgreSQL", from)
		}
		return restoreSQLite(ctx, from, sqlitePath(dsn))
	case bytes.HasPrefix(head, pgDumpMagic):
		if !IsPostgresDSN(dsn) {
			return samspil.Errorf(samspil.EINVALID, "%s is a PostgreSQL backup (pg_dump); it restores into a PostgreSQL database, not into a SQLite file", from)
		}
		return restorePostgres(ctx, from, dsn)
	}
	return samspil.Errorf(samspil.EINVALID, "%s is not a samspil backup: neither a SQLite database nor a pg_dump archive in the custom format", from)
}

// sqlitePath is the file a SQLite DSN names.
func sqlitePath(dsn string) string {
	p := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

func restoreSQLite(ctx context.Context, from, path string) error {
	for _, p := range []string{path, path + "-wal"} {
		if _, err := os.Stat(p); err == nil {
			return samspil.Errorf(samspil.ECONFLICT, "%s exists already; restore into a new file", p)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	// Copy beside the target, check the copy, then move it into place: a
	// failed restore leaves nothing at path.
	tmp := path + ".restoring"
	if err := copyFile(from, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := sqliteIntegrity(ctx, tmp); err != nil {
		os.Remove(tmp)
		return samspil.Errorf(samspil.EINVALID, "%s is damaged: %v", from, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// sqliteIntegrity runs SQLite's integrity_check on a file no one uses.
func sqliteIntegrity(ctx context.Context, path string) error {
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	problems, err := sqliteIntegrityCheck(ctx, conn)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func restorePostgres(ctx context.Context, from, dsn string) error {
	conn, err := openPostgres(dsn)
	if err != nil {
		return err
	}
	var tables int
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&tables)
	conn.Close()
	if err != nil {
		return fmt.Errorf("connect to the database to restore into: %w", err)
	}
	if tables > 0 {
		return samspil.Errorf(samspil.ECONFLICT, "the database has %d tables already; restore into a new, empty database", tables)
	}
	uri, env, err := libpqConnection(dsn)
	if err != nil {
		return err
	}
	return runPGTool(ctx, env, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname="+uri, from)
}

// libpqConnection turns a PostgreSQL URL into one for PostgreSQL's own
// tools, with the password moved into their environment so that it does
// not show in the process list.
func libpqConnection(dsn string) (string, []string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, samspil.Errorf(samspil.EINVALID, "the database URL cannot be read: %v", err)
	}
	env := os.Environ()
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	return u.String(), env, nil
}

// runPGTool runs one of PostgreSQL's client programs and returns its
// complaint as the error.
func runPGTool(ctx context.Context, env []string, name string, args ...string) error {
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("%s is needed for PostgreSQL backups and is not installed (Debian: apt-get install postgresql-client): %w", name, err)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
