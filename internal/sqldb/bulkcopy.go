package sqldb

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/samspil/samspil"
)

// copyRows writes n rows to PostgreSQL with one COPY (binary) on the
// transaction's connection, so inside the transaction.
func (b *batchInsert) copyRows(rows []any, n int) error {
	if b.tx.conn == nil {
		return fmt.Errorf("batch insert into %s: the transaction has no connection for COPY", b.table)
	}
	src := &copySource{b: b, rows: rows, n: n, row: -1}
	return b.tx.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("batch insert into %s: COPY needs the pgx driver, not %T", b.table, dc)
		}
		written, err := c.Conn().CopyFrom(b.tx.ctx, pgx.Identifier{b.table}, b.names, src)
		if err != nil {
			return err
		}
		if written != int64(n) {
			return fmt.Errorf("batch insert into %s: COPY wrote %d of %d rows", b.table, written, n)
		}
		return nil
	})
}

// copySource hands the queued rows to pgx.Conn.CopyFrom, checking each
// value against its column type as it goes.
type copySource struct {
	b    *batchInsert
	rows []any
	n    int
	row  int
	err  error
}

func (s *copySource) Next() bool {
	s.row++
	return s.row < s.n && s.err == nil
}

func (s *copySource) Values() ([]any, error) {
	cols := len(s.b.columns)
	vals := s.rows[s.row*cols : (s.row+1)*cols]
	for i, v := range vals {
		if v == nil {
			continue
		}
		ok := true
		switch s.b.columns[i].pgType {
		case "text":
			_, ok = v.(string)
		case "date":
			// Dates come as "2006-01-02"; pgx writes time.Time as a date.
			switch d := v.(type) {
			case string:
				if day, err := samspil.ParseDate(d); err == nil {
					vals[i] = day.Time()
				}
			case time.Time:
			default:
				ok = false
			}
		case "boolean":
			_, ok = v.(bool)
		case "bigint", "integer":
			switch v.(type) {
			case int, int64, int32:
			default:
				ok = false
			}
		case "timestamptz":
			_, ok = v.(time.Time)
		}
		if !ok {
			s.err = s.b.badValue(i, s.row, v)
			return nil, s.err
		}
	}
	return vals, nil
}

func (s *copySource) Err() error { return s.err }
