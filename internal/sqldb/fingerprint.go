package sqldb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
)

// Fingerprint returns a hash of the contents of every table, so that tests
// (and operators checking a restored backup) can tell whether anything
// changed. Rows are hashed in primary-key order.
func (db *DB) Fingerprint(ctx context.Context) (string, error) {
	var q string
	switch db.engine {
	case SQLite:
		// Virtual tables (the organisation search's FTS5 index, which
		// cannot be read in full) keep their rows in tables hashed here.
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'`
	case Postgres:
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return "", err
	}
	tables, err := collect(rows, func(r rowScanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return "", err
	}
	sort.Strings(tables)
	h := sha256.New()
	for _, t := range tables {
		rows, err := db.read.QueryContext(ctx, `SELECT * FROM `+t+` ORDER BY 1`)
		if err != nil {
			return "", err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintf(h, "table %s %v\n", t, cols)
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", err
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%v\x1f", v)
			}
			h.Write([]byte{'\n'})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
