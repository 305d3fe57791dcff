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
