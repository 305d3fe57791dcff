package sqldb

import (
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// batchInsert collects rows and writes many at once through the engine's
// bulk path, so that an import of a million rows takes hundreds of round
// trips to the database instead of millions.
//
// PostgreSQL gets one COPY per batch (see bulkcopy.go), inside the
// transaction. SQLite gets prepared multi-row INSERT statements with plain
// ? parameters (it looks named parameters such as $7 up in a list, which
// would make a statement with thousands of them quadratic).
//
// Rows are written when a batch is full and by Flush. A batch that is given
// a pipe (see bulkpipe.go) writes its full batches in the background while
// the caller goes on adding rows; Flush waits until every row queued on the
// pipe is written. Without a pipe every write happens in Add or Flush.
type batchInsert struct {
	tx      *Tx
	table   string
	columns []batchColumn
	names   []string // the column names
	vals    []any    // the queued rows, row after row
	rows    int
	max     int // rows per write: one COPY, or several SQLite statements
	// SQLite: rows per INSERT statement, and the prepared statement of
	// that many rows, made once.
	stmtRows int
	full     *sql.Stmt
	// SQLite: the timestamptz columns, and the text the driver writes for
	// the first time seen in them (usually every row's: the transaction's),
	// asked of the driver once so that rows do not format it again each.
	timeCols  []int
	timeAsked bool
	timeKey   time.Time
	timeText  any
	// pipe, when set, writes full batches in the background.
	pipe *bulkPipe
	free chan []any // row buffers written by the pipe, for reuse
	// before runs before rows are written (or queued on the pipe), e.g. to
	// write (or queue) the batch of rows these rows refer to.
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

// Batch sizes. A COPY of 10,000 rows is a few megabytes; SQLite allows
// 32,766 parameters per statement.
const (
	batchRowsPostgres  = 10000
	batchRowsSQLite    = 5000
	sqliteStmtRows     = 500
	sqliteStmtMaxParam = 30000
)

func newBatchInsert(tx *Tx, table string, columns ...string) *batchInsert {
	b := &batchInsert{tx: tx, table: table}
	for _, c := range columns {
		b.columns = append(b.columns, col(c))
		b.names = append(b.names, b.columns[len(b.columns)-1].name)
	}
	b.max = batchRowsPostgres
	if tx.db.engine == SQLite {
		b.stmtRows = min(sqliteStmtRows, sqliteStmtMaxParam/len(columns))
		b.max = b.stmtRows * max(1, batchRowsSQLite/b.stmtRows)
		for i, c := range b.columns {
			if c.pgType == "timestamptz" {
				b.timeCols = append(b.timeCols, i)
			}
		}
	}
	return b
}

// Add queues one row; it writes the batch when it is full.
func (b *batchInsert) Add(values ...any) error {
	if len(values) != len(b.columns) {
		panic("batchInsert: wrong number of values")
	}
	if b.vals == nil {
		// Small batches stay small; full ones reuse their buffers.
		b.vals = make([]any, 0, min(b.max, 1024)*len(b.columns))
	}
	row := len(b.vals)
	b.vals = append(b.vals, values...)
	for _, i := range b.timeCols {
		if t, ok := b.vals[row+i].(time.Time); ok {
			if text := b.sqliteTime(t); text != nil {
				b.vals[row+i] = text
			}
		}
	}
	b.rows++
	if b.rows >= b.max {
		return b.queue()
	}
	return nil
}

// Flush writes the queued rows; with a pipe, it waits until everything
// queued on the pipe, by this batch or others, is written.
func (b *batchInsert) Flush() error {
	if err := b.queue(); err != nil {
		return err
	}
	if b.pipe != nil {
		return b.pipe.wait()
	}
	return nil
}

// queue writes the queued rows, or hands them to the pipe.
func (b *batchInsert) queue() error {
	if b.rows == 0 {
		if b.pipe != nil {
			return b.pipe.Err()
		}
		return nil
	}
	if b.before != nil {
		if err := b.before(); err != nil {
			return err
		}
	}
	rows, n := b.vals, b.rows
	b.vals, b.rows = nil, 0
	if b.pipe == nil {
		err := b.write(rows, n)
		b.vals = clearRows(rows)
		return err
	}
	if b.free == nil {
		b.free = make(chan []any, 2)
	}
	select {
	case buf := <-b.free:
		b.vals = buf
	default:
	}
	return b.pipe.submit(func() error {
		err := b.write(rows, n)
		select {
		case b.free <- clearRows(rows):
		default:
		}
		return err
	})
}

// clearRows empties a row buffer for reuse, dropping its references.
func clearRows(rows []any) []any {
	clear(rows)
	return rows[:0]
}

// write writes n rows. With a pipe it runs on the pipe's goroutine only.
func (b *batchInsert) write(rows []any, n int) error {
	if b.tx.db.engine == SQLite {
		return b.insertValues(rows, n)
	}
	return b.copyRows(rows, n)
}

// insertValues writes rows with multi-row INSERT statements; full
// statements, which all look alike, reuse one prepared statement.
func (b *batchInsert) insertValues(rows []any, n int) error {
	cols := len(b.columns)
	for from := 0; from < n; from += b.stmtRows {
		k := min(b.stmtRows, n-from)
		args := rows[from*cols : (from+k)*cols]
		if k < b.stmtRows {
			if _, err := b.tx.ExecContext(b.tx.ctx, b.valuesSQL(k), args...); err != nil {
				return err
			}
			continue
		}
		if b.full == nil {
			stmt, err := b.tx.PrepareContext(b.tx.ctx, b.valuesSQL(k))
			if err != nil {
				return err
			}
			b.full = stmt
		}
		if _, err := b.full.ExecContext(b.tx.ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// sqliteTime returns the text the driver writes for t when t is the first
// time this batch saw, or nil. The text is the driver's own, so that what
// is stored is what binding t would store.
func (b *batchInsert) sqliteTime(t time.Time) any {
	if b.timeAsked {
		if b.timeText != nil && t == b.timeKey {
			return b.timeText
		}
		return nil
	}
	b.timeAsked, b.timeKey = true, t
	var v any
	if err := b.tx.QueryRowContext(b.tx.ctx, `SELECT ?`, t).Scan(&v); err != nil {
		return nil
	}
	if text, ok := v.(string); ok {
		b.timeText = text
	}
	return b.timeText
}

// valuesSQL is the INSERT statement of k rows.
func (b *batchInsert) valuesSQL(k int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.columns)), ", ") + ")"
	return "INSERT INTO " + b.table + " (" + strings.Join(b.names, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", k), ", ")
}

// badValue is the error of a value that does not fit its column.
func (b *batchInsert) badValue(i, row int, v any) error {
	c := b.columns[i]
	return fmt.Errorf("batch column %s: row %d: %T for %s", c.name, row, v, c.pgType)
}
