package sqldb_test

import (
	"testing"

	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestImportCommitHeld: two instances share a database. A commit one of
// them holds reads as under way on the other until it is released, on
// PostgreSQL; SQLite is served by one process, which knows its own
// commits, and reads none as held.
func TestImportCommitHeld(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			a, b := openDB(t, dsn), openDB(t, dsn)
			held := func(id string) bool {
				t.Helper()
				h, err := b.ImportCommitHeld(ctx, id)
				must(t, err)
				return h
			}
			if held("import-1") {
				t.Fatal("a commit nobody holds reads as held")
			}
			release, err := a.HoldImportCommit(ctx, "import-1")
			must(t, err)
			if got, want := held("import-1"), e == sqldb.Postgres; got != want {
				t.Fatalf("a commit held by the other instance reads as held: %v, want %v", got, want)
			}
			if held("import-2") {
				t.Fatal("another import's commit reads as held")
			}
			release()
			if held("import-1") {
				t.Fatal("a released commit still reads as held")
			}
			// The connection that held it goes back to the pool without the
			// lock: holding it again and releasing works the same.
			release, err = a.HoldImportCommit(ctx, "import-1")
			must(t, err)
			if got, want := held("import-1"), e == sqldb.Postgres; got != want {
				t.Fatalf("held again: %v, want %v", got, want)
			}
			release()
			if held("import-1") {
				t.Fatal("released again, still held")
			}
		})
	}
}
