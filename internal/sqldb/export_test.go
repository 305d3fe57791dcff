package sqldb

import (
	"context"
	"database/sql"
	"maps"
	"sync"

	"github.com/samspil/samspil"
)

// While the package's tests run, every audit event written is counted by
// its action, so that TestMain can name the actions no test produces.
var produced struct {
	sync.Mutex
	actions map[string]int
}

func init() {
	produced.actions = map[string]int{}
	auditHook = func(action string) {
		produced.Lock()
		produced.actions[action]++
		produced.Unlock()
	}
}

// ProducedAuditActions returns how many audit events of each action the
// tests have written so far.
func ProducedAuditActions() map[string]int {
	produced.Lock()
	defer produced.Unlock()
	return maps.Clone(produced.actions)
}

// What TestWriteNeedsAudit uses of the write transaction's rules.
var (
	ErrUnchanged  = errUnchanged
	ErrNotAudited = errNotAudited
)

// Update runs fn in a write transaction, as the store's methods do.
func (db *DB) Update(ctx context.Context, actor *samspil.Actor, fn func(tx *Tx) error) error {
	return db.update(ctx, actor, fn)
}

// UnauditedBecause declares the transaction unaudited for a reason given
// as a string, so that tests can also give one that is not allowed.
func (tx *Tx) UnauditedBecause(why string) {
	tx.Unaudited(unaudited(why))
}

// MigrateTo applies the migrations up to version, so that a test can put
// data into an older schema and see a later migration carry it over.
func (db *DB) MigrateTo(ctx context.Context, version int64) error {
	return db.migrateTo(ctx, version)
}

// Exec runs a statement on the writer, for a test that fills an older
// schema.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// SetOrgSearchWalk chooses how the organisation search finds names: rows
// > 0 walks the name index that far before the substring index takes
// over, rows < 0 goes to the index at once, 0 estimates from the sample.
func (db *DB) SetOrgSearchWalk(rows int) { db.orgSearch.walkRows.Store(int64(rows)) }

// TakeOrgSample takes the organisation search's sample of names now.
func (db *DB) TakeOrgSample(ctx context.Context) error {
	s, err := db.takeOrgSample(ctx)
	if err == nil {
		db.orgSearch.sample.Store(s)
	}
	return err
}

// SetOpportunityParts makes the opportunity facts of every organisation
// read in n parts (0: by processors) until the test ends.
func SetOpportunityParts(t interface{ Cleanup(func()) }, n int) {
	before := opportunityParts
	opportunityParts = n
	t.Cleanup(func() { opportunityParts = before })
}

// SnapshotTxs begins n read transactions that see one snapshot (for the
// tests of opportunityFacts's parts), and returns them with the function
// that ends them.
func (db *DB) SnapshotTxs(ctx context.Context, n int) ([]interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, func(), error) {
	txs, err := db.snapshotTxs(ctx, n)
	if err != nil {
		return nil, nil, err
	}
	var out []interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}
	for _, tx := range txs {
		out = append(out, tx.qr)
	}
	return out, func() {
		for _, tx := range txs {
			tx.end()
		}
	}, nil
}
