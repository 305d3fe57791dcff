package sqldb

import (
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// batchInsert collects rows and writes many per statement, so that an
// import of a million rows takes hundreds of round trips to the database
// instead of millions.
//
// SQLite gets a multi-row VALUES list with plain ? parameters (it looks
// named parameters such as $7 up in a list, which would make a statement
// with thousands of them quadratic). PostgreSQL gets one array parameter
// per column, unnested, so that a statement of 10,000 rows has a dozen
// parameters to parse instead of 130,000.
type batchInsert struct {
	tx      *Tx
	table   string
	columns []batchColumn
	rows    int
	values  [][]any   // per row
	max     int       // rows per statement
	full    *sql.Stmt // the prepared statement of a full batch, made once
	// before runs before each write, e.g. to write the batch of rows these
	// rows refer to.
	before func() error
}

// batchColumn is a column and its PostgreSQL type.
type batchColumn struct {
	name, pgType string
}

// col declares a batch column: "name type".
func col(spec string) batchColumn {
	name, typ, _ := strings.Cut(spec, " ")
	return batchColumn{name: name, pgType: typ}
}

func newBatchInsert(tx *Tx, table string, columns ...string) *batchInsert {
	b := &batchInsert{tx: tx, table: table}
	for _, c := range columns {
		b.columns = append(b.columns, col(c))
	}
	b.max = 10000
	if tx.db.engine == SQLite {
		b.max = min(500, 30000/len(columns)) // SQLite allows 32,766 parameters
	}
	return b
}

// Add queues one row; it writes the batch when it is full.
func (b *batchInsert) Add(values ...any) error {
	if len(values) != len(b.columns) {
		panic("batchInsert: wrong number of values")
	}
	b.values = append(b.values, values)
	b.rows++
	if b.rows >= b.max {
		return b.Flush()
	}
	return nil
}

// Flush writes the queued rows.
func (b *batchInsert) Flush() error {
	if b.rows == 0 {
		return nil
	}
	if b.before != nil {
		if err := b.before(); err != nil {
			return err
		}
	}
	names := make([]string, len(b.columns))
	for i, c := range b.columns {
		names[i] = c.name
	}
	prefix := "INSERT INTO " + b.table + " (" + strings.Join(names, ", ") + ") "
	var err error
	if b.tx.db.engine == SQLite {
		err = b.flushValues(prefix)
	} else {
		err = b.flushUnnest(prefix)
	}
	b.rows, b.values = 0, b.values[:0]
	return err
}

func (b *batchInsert) flushValues(prefix string) error {
	args := make([]any, 0, b.rows*len(b.columns))
	for _, vals := range b.values {
		args = append(args, vals...)
	}
	return b.exec(func() string {
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.columns)), ", ") + ")"
		return prefix + "VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", b.rows), ", ")
	}, args)
}

// exec runs the statement text makes for the queued rows; full batches,
// which all look alike, reuse one prepared statement.
func (b *batchInsert) exec(text func() string, args []any) error {
	if b.rows < b.max {
		_, err := b.tx.ExecContext(b.tx.ctx, text(), args...)
		return err
	}
	if b.full == nil {
		stmt, err := b.tx.PrepareContext(b.tx.ctx, text())
		if err != nil {
			return err
		}
		b.full = stmt
	}
	_, err := b.full.ExecContext(b.tx.ctx, args...)
	return err
}

func (b *batchInsert) flushUnnest(prefix string) error {
	params := make([]string, len(b.columns))
	args := make([]any, len(b.columns))
	for i, c := range b.columns {
		params[i] = fmt.Sprintf("$%d::%s[]", i+1, c.pgType)
		arr, err := columnArray(c.pgType, b.values, i)
		if err != nil {
			return fmt.Errorf("batch column %s: %w", c.name, err)
		}
		args[i] = arr
	}
	return b.exec(func() string { return prefix + "SELECT * FROM unnest(" + strings.Join(params, ", ") + ")" }, args)
}

// columnArray collects column i of the rows into a slice pgx sends as an
// array; nil values become NULLs.
func columnArray(pgType string, rows [][]any, i int) (any, error) {
	switch pgType {
	case "text", "date":
		out := make([]*string, len(rows))
		for r, vals := range rows {
			switch v := vals[i].(type) {
			case nil:
			case string:
				out[r] = &v
			default:
				return nil, fmt.Errorf("row %d: %T for %s", r, v, pgType)
			}
		}
		return out, nil
	case "boolean":
		out := make([]bool, len(rows))
		for r, vals := range rows {
			v, ok := vals[i].(bool)
			if !ok {
				return nil, fmt.Errorf("row %d: %T for boolean", r, vals[i])
			}
			out[r] = v
		}
		return out, nil
	case "bigint", "integer":
		out := make([]int64, len(rows))
		for r, vals := range rows {
			switch v := vals[i].(type) {
			case int:
				out[r] = int64(v)
			case int64:
				out[r] = v
			default:
				return nil, fmt.Errorf("row %d: %T for %s", r, vals[i], pgType)
			}
		}
		return out, nil
	case "timestamptz":
		out := make([]time.Time, len(rows))
		for r, vals := range rows {
			v, ok := vals[i].(time.Time)
			if !ok {
				return nil, fmt.Errorf("row %d: %T for timestamptz", r, vals[i])
			}
			out[r] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("no array for type %s", pgType)
}
