package sqldb_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestWriteNeedsAudit: a write transaction commits only with an audit event,
// unless it changed nothing or is bookkeeping of an allowed kind.
func TestWriteNeedsAudit(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		write := func(tx *sqldb.Tx, key string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO login_throttle (login_key, failures, updated_at) VALUES ($1, 1, $2)`, key, samspil.Now())
			return err
		}

		unchanged(t, db, func() {
			// A forgotten audit event is a loud internal error naming the
			// method, and nothing is kept.
			err := db.Update(ctx, testkit.System, func(tx *sqldb.Tx) error { return write(tx, "forgotten") })
			if !errors.Is(err, sqldb.ErrNotAudited) || samspil.ErrorCode(err) != samspil.EINTERNAL || !strings.Contains(err.Error(), "(*DB).Update") {
				t.Fatalf("a write without audit event: %v", err)
			}
			// Nothing changed: rolled back, and no error.
			must(t, db.Update(ctx, testkit.System, func(tx *sqldb.Tx) error {
				if err := write(tx, "unchanged"); err != nil {
					return err
				}
				return sqldb.ErrUnchanged
			}))
			// Only the listed reasons excuse a write from its audit event.
			err = db.Update(ctx, testkit.System, func(tx *sqldb.Tx) error {
				tx.UnauditedBecause("too small to mention")
				return write(tx, "excuse")
			})
			if samspil.ErrorCode(err) != samspil.EINTERNAL || !strings.Contains(err.Error(), "too small to mention") {
				t.Fatalf("a write unaudited for no allowed reason: %v", err)
			}
		})

		// Bookkeeping of an allowed kind commits without an audit event.
		before, err := db.Fingerprint(ctx)
		must(t, err)
		mark := auditMark(t, db)
		must(t, db.Update(ctx, testkit.System, func(tx *sqldb.Tx) error {
			tx.UnauditedBecause("notice queue")
			return write(tx, "bookkeeping")
		}))
		if after, _ := db.Fingerprint(ctx); after == before {
			t.Fatal("bookkeeping of the notice queue was not committed")
		}
		wantAudit(t, db, mark)
	})
}
