package sqldb

// What the tests of the bulk path use of batchInsert.

// BatchRows returns how many rows a batch of these columns writes at once
// (one COPY, or several SQLite statements), so that tests can go past it.
func (tx *Tx) BatchRows(columns ...string) int {
	return newBatchInsert(tx, "t", columns...).max
}

// SQLiteStatementRows returns how many rows one SQLite INSERT of a batch
// of these columns holds.
func (tx *Tx) SQLiteStatementRows(columns ...string) int {
	return newBatchInsert(tx, "t", columns...).stmtRows
}

// BulkInsert writes rows into table through a batchInsert, whose full
// batches a pipe writes in the background when piped, and flushes it.
func (tx *Tx) BulkInsert(table string, columns []string, rows [][]any, piped bool) error {
	b := newBatchInsert(tx, table, columns...)
	if piped {
		b.pipe = newBulkPipe()
		defer b.pipe.close()
	}
	for _, r := range rows {
		if err := b.Add(r...); err != nil {
			return err
		}
	}
	return b.Flush()
}
