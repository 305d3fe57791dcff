package sqldb

import (
	"context"
	"fmt"
	"strings"
)

// Durability: what samspil promises about acknowledged writes rests on the
// database's settings. SQLite must journal in WAL mode with synchronous at
// least NORMAL (samspil sets both when it opens a file: a committed
// transaction survives a crash of the program; a power loss may take the
// last ones, as SQLite documents for WAL with NORMAL). PostgreSQL must
// have fsync, full_page_writes and synchronous_commit on (local, remote_write
// and the others that wait for the local disk are fine). CheckDurability
// says which setting falls short, and why that matters; `samspil serve`
// refuses to start on its answer unless told to accept the risk.

// DurabilityProblem is a setting that puts acknowledged writes at risk.
type DurabilityProblem struct {
	Setting string // e.g. "PostgreSQL synchronous_commit"
	Value   string // what it is
	Want    string // what samspil needs
	Risk    string // what can be lost
}

func (p DurabilityProblem) String() string {
	return fmt.Sprintf("%s is %s (need %s): %s", p.Setting, p.Value, p.Want, p.Risk)
}

// CheckDurability reads the database's durability settings.
func (db *DB) CheckDurability(ctx context.Context) ([]DurabilityProblem, error) {
	var out []DurabilityProblem
	if db.engine == SQLite {
		var mode string
		var sync int
		if err := db.write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			return nil, err
		}
		if err := db.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			return nil, err
		}
		if !strings.EqualFold(mode, "wal") {
			out = append(out, DurabilityProblem{"SQLite journal_mode", mode, "wal",
				"without the write-ahead log, readers block the writer and a crash during a checkpoint can corrupt the file (a network file system cannot keep WAL)"})
		}
		if sync < 1 {
			out = append(out, DurabilityProblem{"SQLite synchronous", sqliteSync(sync), "NORMAL or FULL",
				"with synchronous OFF, a crash of the machine can lose acknowledged writes or corrupt the database"})
		}
		return out, nil
	}
	for _, s := range []struct {
		name string
		bad  func(v string) bool
		want string
		risk string
	}{
		{"fsync", func(v string) bool { return v != "on" }, "on", "without fsync, a crash of the machine can corrupt the whole cluster"},
		{"full_page_writes", func(v string) bool { return v != "on" }, "on", "without full page writes, a crash during a write can leave torn pages that recovery cannot repair"},
		{"synchronous_commit", func(v string) bool { return v == "off" }, "on, local, remote_write or remote_apply",
			"with synchronous_commit off, a crash of the server loses the last acknowledged transactions"},
	} {
		var v string
		if err := db.write.QueryRowContext(ctx, `SELECT current_setting($1)`, s.name).Scan(&v); err != nil {
			return nil, err
		}
		if s.bad(strings.ToLower(v)) {
			out = append(out, DurabilityProblem{"PostgreSQL " + s.name, v, s.want, s.risk})
		}
	}
	return out, nil
}

func sqliteSync(n int) string {
	switch n {
	case 0:
		return "OFF"
	case 1:
		return "NORMAL"
	case 2:
		return "FULL"
	case 3:
		return "EXTRA"
	}
	return fmt.Sprint(n)
}

// sqliteIntegrityCheck runs SQLite's integrity_check through qr and returns
// the problems it reports, nothing when it answers "ok" (and only then).
func sqliteIntegrityCheck(ctx context.Context, qr querier) ([]string, error) {
	rows, err := qr.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, err
	}
	lines, err := collect(rows, func(r rowScanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	switch {
	case err != nil || (len(lines) == 1 && lines[0] == "ok"):
		return nil, err
	case len(lines) == 0:
		return []string{"integrity_check answered nothing"}, nil
	}
	return lines, nil
}

// CheckIntegrity checks the database's files for damage and returns what
// it finds (nothing when all is well): SQLite's integrity_check; on
// PostgreSQL, amcheck's verify_heapam on every table and bt_index_check on
// every index of samspil's schema. On PostgreSQL it installs the amcheck
// extension, which takes a superuser; the reliability checks use it on
// databases of their own.
func (db *DB) CheckIntegrity(ctx context.Context) ([]string, error) {
	if db.engine == SQLite {
		return sqliteIntegrityCheck(ctx, db.write)
	}
	if _, err := db.write.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS amcheck`); err != nil {
		return nil, fmt.Errorf("install amcheck: %w", err)
	}
	rows, err := db.write.QueryContext(ctx, `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_am am ON am.oid = c.relam
		WHERE n.nspname = 'public' AND (c.relkind = 'r' OR (c.relkind = 'i' AND am.amname = 'btree')) ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	type relation struct{ name, kind string }
	rels, err := collect(rows, func(r rowScanner) (relation, error) {
		var rel relation
		return rel, r.Scan(&rel.name, &rel.kind)
	})
	if err != nil {
		return nil, err
	}
	var found []string
	for _, rel := range rels {
		if rel.kind == "i" {
			// bt_index_check raises an error on damage; heapallindexed
			// also checks that every row of the table is in the index.
			if _, err := db.write.ExecContext(ctx, `SELECT bt_index_check($1::regclass, true)`, rel.name); err != nil {
				found = append(found, fmt.Sprintf("index %s: %v", rel.name, err))
			}
			continue
		}
		rows, err := db.write.QueryContext(ctx, `SELECT blkno, COALESCE(offnum, 0), msg FROM verify_heapam($1::regclass)`, rel.name)
		if err != nil {
			return nil, err
		}
		problems, err := collect(rows, func(r rowScanner) (string, error) {
			var block, offset int64
			var msg string
			err := r.Scan(&block, &offset, &msg)
			return fmt.Sprintf("table %s, block %d, item %d: %s", rel.name, block, offset, msg), err
		})
		if err != nil {
			return nil, err
		}
		found = append(found, problems...)
	}
	return found, nil
}
