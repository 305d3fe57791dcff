package sqldb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Fingerprint returns a hash of the contents of every table, so that tests
// (and operators checking a restored backup) can tell whether anything
// changed. Rows are hashed in the order of their columns' values.
func (db *DB) Fingerprint(ctx context.Context) (string, error) {
	h := sha256.New()
	err := db.walkTables(ctx, func(table string, cols []string) func([]any) {
		fmt.Fprintf(h, "table %s %v\n", table, cols)
		return func(vals []any) { hashRow(h, vals) }
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// OrganizationChecksums returns a hash per organisation of the rows that
// carry its id (its own row, and every table's rows with its
// organization_id), and under "" a hash of all other rows. An operator
// compares them before and after a restore, or between two copies, and
// learns which organisations' data differ.
func (db *DB) OrganizationChecksums(ctx context.Context) (map[string]string, error) {
	hashes := map[string]hash.Hash{}
	of := func(org string) hash.Hash {
		h, ok := hashes[org]
		if !ok {
			h = sha256.New()
			hashes[org] = h
		}
		return h
	}
	err := db.walkTables(ctx, func(table string, cols []string) func([]any) {
		col := slices.Index(cols, "organization_id")
		if table == "organizations" {
			col = slices.Index(cols, "id")
		}
		return func(vals []any) {
			org := ""
			if col >= 0 && vals[col] != nil {
				org = fmt.Sprint(vals[col])
			}
			h := of(org)
			fmt.Fprintf(h, "%s\x1e", table)
			hashRow(h, vals)
		}
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(hashes))
	for org, h := range hashes {
		out[org] = hex.EncodeToString(h.Sum(nil))
	}
	return out, nil
}

func hashRow(h hash.Hash, vals []any) {
	for _, v := range vals {
		fmt.Fprintf(h, "%v\x1f", v)
	}
	h.Write([]byte{'\n'})
}

// walkTables reads every table in name order and its rows in a fixed
// order; visit is told each table's columns and returns what to do with a
// row.
func (db *DB) walkTables(ctx context.Context, visit func(table string, cols []string) func(vals []any)) error {
	var q string
	switch db.engine {
	case SQLite:
		// Virtual tables (the organisation search's FTS5 index, which
		// cannot be read in full) keep their rows in tables read here.
		q = `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'`
	case Postgres:
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	tables, err := collect(rows, func(r rowScanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return err
	}
	sort.Strings(tables)
	for _, t := range tables {
		// Ordered by every column, which includes the primary key: the
		// same rows come in the same order from any copy, whatever their
		// physical order.
		rows, err := db.read.QueryContext(ctx, `SELECT * FROM `+t+` LIMIT 0`)
		if err != nil {
			return err
		}
		cols, _ := rows.Columns()
		rows.Close()
		order := make([]string, len(cols))
		for i := range cols {
			order[i] = strconv.Itoa(i + 1)
		}
		rows, err = db.read.QueryContext(ctx, `SELECT * FROM `+t+` ORDER BY `+strings.Join(order, ", "))
		if err != nil {
			return err
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		row := visit(t, cols)
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			row(vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
