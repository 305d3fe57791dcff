package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// The bulk path: batches bigger than one write (a COPY on PostgreSQL,
// several multi-row INSERTs on SQLite), with and without a pipe writing in
// the background, write every row with its values, and a failure anywhere
// leaves nothing behind.

var (
	bulkSystemColumns = []string{"id text", "name text", "name_fold text", "vendor_id text", "category text",
		"description text", "open_source boolean", "os2_product boolean", "homepage text", "owner_id text", "visibility text",
		"version integer", "created_at timestamptz", "updated_at timestamptz"}
	bulkUsageColumns = []string{"id text", "organization_id text", "system_id text", "lifecycle text", "from_date date",
		"until_date date", "responsible_unit_id text", "user_band text", "notes text", "visibility text", "version integer",
		"created_at timestamptz", "updated_at timestamptz"}
)

// bulkRowsFor makes n systems and a usage of each for the organisation,
// with values that differ from row to row: NULLs, dates (a leap day
// among them), text a COPY or a statement could mangle.
func bulkRowsFor(orgID string, n int, now time.Time) (systems, usages [][]any) {
	lifecycles := []string{"planned", "operational", "phasing_out"}
	for i := 0; i < n; i++ {
		sysID := fmt.Sprintf("01900000-0000-7000-8000-%012d", i)
		name := fmt.Sprintf("Bulk-system %05d æøå \"'\\\t;", i)
		var vendor any
		if i%7 == 0 {
			vendor = orgID
		}
		systems = append(systems, []any{sysID, name, strings.ToLower(name), vendor, "other", fmt.Sprintf("line one\nline %d", i),
			i%2 == 0, i%3 == 0, "", orgID, "sector", 1 + i%4, now, now})
		from := time.Date(2000+i%30, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		if i%1000 == 0 {
			from = "2024-02-29"
		}
		var until any
		if i%2 == 1 {
			until = "2031-12-31"
		}
		usages = append(usages, []any{fmt.Sprintf("01910000-0000-7000-8000-%012d", i), orgID, sysID, lifecycles[i%3], from, until,
			nil, "", fmt.Sprintf("note %d", i), "sector", 1, now, now})
	}
	return systems, usages
}

func TestBulkInsertWritesEveryRow(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		actor := samspil.SystemActor("test")
		org, err := db.FindOrganization(ctx, actor, testkit.Silkeborg)
		must(t, err)
		for _, piped := range []bool{false, true} {
			t.Run(fmt.Sprintf("piped=%v", piped), func(t *testing.T) {
				err := db.Update(ctx, actor, func(tx *sqldb.Tx) error {
					n := 2*tx.BatchRows(bulkUsageColumns...) + tx.SQLiteStatementRows(bulkUsageColumns...) + 7
					now := time.Now().UTC().Truncate(time.Microsecond)
					systems, usages := bulkRowsFor(org.ID, n, now)
					if err := tx.BulkInsert("systems", bulkSystemColumns, systems, piped); err != nil {
						return err
					}
					if err := tx.BulkInsert("usages", bulkUsageColumns, usages, piped); err != nil {
						return err
					}
					checkBulkRows(t, tx, systems, usages, now)
					return sqldb.ErrUnchanged // leave the database as it was
				})
				must(t, err)
			})
		}
	})
}

// checkBulkRows reads back, in the transaction, every row written.
func checkBulkRows(t *testing.T, tx *sqldb.Tx, systems, usages [][]any, now time.Time) {
	t.Helper()
	ctx := context.Background()
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.name, s.name_fold, COALESCE(s.vendor_id, ''), s.description, s.open_source, s.os2_product,
		s.owner_id, s.version, s.created_at, s.updated_at, u.id, u.lifecycle, CAST(u.from_date AS TEXT), COALESCE(CAST(u.until_date AS TEXT), ''),
		u.responsible_unit_id IS NULL, u.notes, u.created_at
		FROM systems s JOIN usages u ON u.system_id = s.id WHERE s.name LIKE 'Bulk-system %' ORDER BY s.id`)
	must(t, err)
	defer rows.Close()
	i := 0
	for rows.Next() {
		var sysID, name, fold, vendor, desc, owner, usageID, lifecycle, from, until, notes string
		var open, os2, noUnit bool
		var version int
		var created, updated, usageCreated time.Time
		must(t, rows.Scan(&sysID, &name, &fold, &vendor, &desc, &open, &os2, &owner, &version, &created, &updated,
			&usageID, &lifecycle, &from, &until, &noUnit, &notes, &usageCreated))
		if i >= len(systems) {
			t.Fatalf("more rows than the %d written", len(systems))
		}
		s, u := systems[i], usages[i]
		wantVendor, _ := s[3].(string)
		wantUntil, _ := u[5].(string)
		got := []any{sysID, name, fold, vendor, desc, open, os2, owner, version, usageID, lifecycle, from, until, noUnit, notes}
		want := []any{s[0], s[1], s[2], wantVendor, s[5], s[6], s[7], s[9], s[11], u[0], u[3], u[4], wantUntil, true, u[8]}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("row %d, value %d: %#v, want %#v", i, k, got[k], want[k])
			}
		}
		if !created.Equal(now) || !updated.Equal(now) || !usageCreated.Equal(now) {
			t.Fatalf("row %d: times %v, %v, %v, want %v", i, created, updated, usageCreated, now)
		}
		i++
	}
	must(t, rows.Err())
	if i != len(systems) {
		t.Fatalf("%d rows read back, %d written", i, len(systems))
	}
}

func TestBulkInsertFailureLeavesNothing(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		actor := samspil.SystemActor("test")
		org, err := db.FindOrganization(ctx, actor, testkit.Silkeborg)
		must(t, err)
		before, err := db.Fingerprint(ctx)
		must(t, err)
		for _, piped := range []bool{false, true} {
			t.Run(fmt.Sprintf("piped=%v", piped), func(t *testing.T) {
				var added int
				err := db.Update(ctx, actor, func(tx *sqldb.Tx) error {
					batch := tx.BatchRows(bulkSystemColumns...)
					systems, _ := bulkRowsFor(org.ID, 3*batch, time.Now().UTC())
					// The second write fails: a row repeats the id of the first.
					systems[batch+batch/2][0] = systems[0][0]
					added = len(systems)
					return tx.BulkInsert("systems", bulkSystemColumns, systems, piped)
				})
				if err == nil || !strings.Contains(strings.ToLower(err.Error()), "unique") && !strings.Contains(err.Error(), "duplicate key") {
					t.Fatalf("%d rows with a repeated id: %v, want the unique violation", added, err)
				}
				if after, _ := db.Fingerprint(ctx); after != before {
					t.Fatal("the failed bulk insert left rows behind")
				}
			})
		}
	})
}

// failingSource is a usage file that breaks while it is read: after fail
// records of pass failPass (the first pass is 1) it returns an error.
type failingSource struct {
	records  records
	fail     int
	failPass int
	passes   int
	onRecord func(i int) // called before each record of the failing pass
}

var errBrokenFile = errors.New("the connection broke while the file was read")

func (s *failingSource) Kind() samspil.ImportKind { return s.records.Kind() }

func (s *failingSource) Records(fn func(samspil.Record) bool) error {
	s.passes++
	for i, rec := range s.records.recs {
		if s.passes == s.failPass {
			if i == s.fail {
				return errBrokenFile
			}
			if s.onRecord != nil {
				s.onRecord(i)
			}
		}
		if !fn(rec) {
			return nil
		}
	}
	return nil
}

// bulkUsageFile is a usage file of n rows: the first changes the usage of
// Nexus, the second adds a usage of Aula, the rest add systems.
func bulkUsageFile(n int) records {
	var rows []samspil.UsageRecord
	rows = append(rows, samspil.UsageRecord{System: "Nexus", Lifecycle: samspil.LifecyclePhasingOut})
	rows = append(rows, samspil.UsageRecord{System: "aula", Lifecycle: samspil.LifecyclePilot, Notes: "pilot i 2 skoler"})
	lifecycles := []samspil.Lifecycle{samspil.LifecyclePlanned, samspil.LifecycleOperational, samspil.LifecyclePhasingIn}
	for i := 2; i < n; i++ {
		r := samspil.UsageRecord{System: fmt.Sprintf("Bulk-import %06d", i), Lifecycle: lifecycles[i%3], Notes: fmt.Sprintf("række %d", i)}
		if i%4 != 0 {
			from := samspil.NewDate(2000+i%25, time.Month(1+i%12), 1+i%28)
			r.From = &from
		}
		rows = append(rows, r)
	}
	return usageRows(rows...)
}

func TestImportManyRowsInOneTransaction(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, db, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		org, err := db.FindOrganization(ctx, ed.Actor, testkit.Silkeborg)
		must(t, err)
		nexus, err := db.CreateSystem(ctx, ed.Actor, samspil.SystemInput{Name: "Nexus", Category: samspil.CategoryHealth})
		must(t, err)
		aula, err := db.CreateSystem(ctx, ed.Actor, samspil.SystemInput{Name: "Aula", Category: samspil.CategoryOther})
		must(t, err)
		_, err = db.CreateUsage(ctx, ed.Actor, samspil.UsageInput{OrganizationID: org.ID, SystemID: nexus.ID, Lifecycle: samspil.LifecycleOperational})
		must(t, err)
		var batch int
		must(t, db.Update(ctx, ed.Actor, func(tx *sqldb.Tx) error {
			batch = tx.BatchRows(bulkUsageColumns...)
			return sqldb.ErrUnchanged
		}))
		n := 2*batch + batch/2 + 3
		src := bulkUsageFile(n)

		preview, err := db.PreviewImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
		must(t, err)
		report, err := db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
		must(t, err)
		if !report.Committed || report.ErrorCount != 0 || report.Rows != n || report.Create != n-1 || report.Update != 1 || report.NewSystems != n-2 {
			t.Fatalf("commit of %d rows: %+v", n, report)
		}
		if preview.Create != report.Create || preview.Update != report.Update || preview.NewSystems != report.NewSystems {
			t.Fatalf("preview %+v, commit %+v", preview, report)
		}
		if got := countAudit(t, db, "import.commit"); got != 1 {
			t.Fatalf("%d import.commit events, want 1", got)
		}

		// Every row is there with its values.
		type stored struct {
			lifecycle, from, notes, owner, fold, category string
			version                                       int
		}
		got := map[string]stored{}
		must(t, db.Update(ctx, ed.Actor, func(tx *sqldb.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT s.name, u.lifecycle, COALESCE(CAST(u.from_date AS TEXT), ''), u.notes, u.version,
				s.owner_id, s.name_fold, s.category FROM usages u JOIN systems s ON s.id = u.system_id WHERE u.organization_id = $1`, org.ID)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var name string
				var s stored
				if err := rows.Scan(&name, &s.lifecycle, &s.from, &s.notes, &s.version, &s.owner, &s.fold, &s.category); err != nil {
					return err
				}
				got[name] = s
			}
			if err := rows.Err(); err != nil {
				return err
			}
			return sqldb.ErrUnchanged
		}))
		if len(got) != n {
			t.Fatalf("%d usages of the organisation, want %d", len(got), n)
		}
		if s := got["Nexus"]; s.lifecycle != string(samspil.LifecyclePhasingOut) || s.version != 2 {
			t.Fatalf("the usage of Nexus: %+v", s)
		}
		if s := got["Aula"]; s.lifecycle != string(samspil.LifecyclePilot) || s.notes != "pilot i 2 skoler" || s.version != 1 || s.category != string(aula.Category) {
			t.Fatalf("the usage of Aula: %+v", s)
		}
		for _, rec := range src.recs[2:] {
			r := rec.Usage
			s, ok := got[r.System]
			want := stored{lifecycle: string(r.Lifecycle), from: r.From.StringOrEmpty(), notes: r.Notes, owner: org.ID,
				fold: strings.ToLower(r.System), category: string(samspil.CategoryOther), version: 1}
			if !ok || s != want {
				t.Fatalf("line %d (%s): %+v, want %+v", rec.Line, r.System, s, want)
			}
		}
	})
}

func TestImportFailingMidwayLeavesNothing(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, db, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		var batch int
		must(t, db.Update(ctx, ed.Actor, func(tx *sqldb.Tx) error {
			batch = tx.BatchRows(bulkUsageColumns...)
			return sqldb.ErrUnchanged
		}))
		n := 3 * batch
		// SQLite checks the file first on the read side; the pass that
		// writes is the second.
		pass := 1
		if db.Engine() == sqldb.SQLite {
			pass = 2
		}
		before, err := db.Fingerprint(ctx)
		must(t, err)

		t.Run("the file breaks", func(t *testing.T) {
			src := &failingSource{records: bulkUsageFile(n), fail: 2*batch + batch/2, failPass: pass}
			report, err := db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
			if !errors.Is(err, errBrokenFile) {
				t.Fatalf("commit of a file that breaks after %d of %d rows: %+v, %v", src.fail, n, report, err)
			}
			if src.passes != pass {
				t.Fatalf("the file was read %d times, want %d", src.passes, pass)
			}
		})
		t.Run("the request is cancelled", func(t *testing.T) {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			src := &failingSource{records: bulkUsageFile(n), fail: -1, failPass: pass,
				onRecord: func(i int) {
					if i == 2*batch {
						cancel()
					}
				}}
			report, err := db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
			if err == nil {
				t.Fatalf("commit cancelled after %d of %d rows: %+v", 2*batch, n, report)
			}
		})
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("a failed import left rows behind")
		}
		if got := countAudit(t, db, "import.commit"); got != 0 {
			t.Fatalf("%d import.commit events after failed imports", got)
		}
	})
}
