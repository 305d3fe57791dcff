package sqldb

import "context"

// CountRows counts the rows of a table, for tests that check that a
// refusal wrote nothing.
func (db *DB) CountRows(ctx context.Context, table string) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n)
	return n, err
}
