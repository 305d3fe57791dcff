package sqldb

import (
	"strings"
)

// batchInsert collects rows and writes them with multi-row INSERT
// statements, so that an import of a million rows takes thousands of round
// trips to the database instead of millions.
type batchInsert struct {
	tx     *Tx
	prefix string // "INSERT INTO t (a, b, c) VALUES "
	cols   int
	rows   int
	args   []any
	max    int // rows per statement
	// before runs before each write, e.g. to write the batch of rows these
	// rows refer to.
	before func() error
}

func newBatchInsert(tx *Tx, table string, columns ...string) *batchInsert {
	// Both engines allow well over 30,000 parameters per statement.
	max := 30000 / len(columns)
	if max > 500 {
		max = 500
	}
	return &batchInsert{tx: tx, prefix: "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ", cols: len(columns), max: max}
}

// Add queues one row; it writes the batch when it is full.
func (b *batchInsert) Add(values ...any) error {
	if len(values) != b.cols {
		panic("batchInsert: wrong number of values")
	}
	b.args = append(b.args, values...)
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
	var sb strings.Builder
	sb.Grow(len(b.prefix) + b.rows*(b.cols*5+4))
	sb.WriteString(b.prefix)
	n := 1
	for r := 0; r < b.rows; r++ {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		sb.WriteString(placeholders(n, b.cols))
		sb.WriteByte(')')
		n += b.cols
	}
	_, err := b.tx.ExecContext(b.tx.ctx, sb.String(), b.args...)
	b.rows, b.args = 0, b.args[:0]
	return err
}
