package sqldb

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/samspil/samspil"
)

// A cursor is the sort key of the last row of a page, encoded opaquely. The
// next page starts after it (keyset paging), so pages stay consistent while
// rows are added.

func encodeCursor(keys ...string) string {
	b, _ := json.Marshal(keys)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the n keys of a cursor, nil for an empty cursor, or an
// EINVALID error naming the cursor parameter.
func decodeCursor(s string, n int) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errBadCursor()
	}
	var keys []string
	if err := json.Unmarshal(b, &keys); err != nil || len(keys) != n {
		return nil, errBadCursor()
	}
	return keys, nil
}

// errBadCursor is the error for a cursor this list did not make.
func errBadCursor() error {
	return samspil.ErrorAt(samspil.EINVALID, "cursor", "is not a cursor from this list; use next_cursor from a previous page")
}

// pageOf trims rows fetched with limit+1 to a page and sets its cursor from
// the last row's keys.
func pageOf[T any](rows []T, limit int, keys func(T) []string) *samspil.Page[T] {
	p := &samspil.Page[T]{Items: rows}
	if len(rows) > limit {
		p.Items = rows[:limit]
		p.NextCursor = encodeCursor(keys(p.Items[limit-1])...)
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}

// query builds a SELECT with numbered placeholders.
type query struct {
	where []string
	args  []any
}

// arg adds a value and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// cond adds a WHERE condition.
func (q *query) cond(c string) { q.where = append(q.where, c) }

// in adds values and returns "($i, $j, ...)"; an empty list gives "(NULL)",
// which matches nothing.
func (q *query) in(vals []string) string {
	if len(vals) == 0 {
		return "(NULL)"
	}
	start := len(q.args) + 1
	for _, v := range vals {
		q.args = append(q.args, v)
	}
	return "(" + placeholders(start, len(vals)) + ")"
}

// whereSQL returns " WHERE a AND b" or "".
func (q *query) whereSQL() string {
	if len(q.where) == 0 {
		return ""
	}
	s := " WHERE "
	for i, w := range q.where {
		if i > 0 {
			s += " AND "
		}
		s += "(" + w + ")"
	}
	return s
}

// collect scans all rows with scan and closes them.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// each calls fn for every row and closes the rows.
func each(rows *sql.Rows, fn func(rowScanner) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
