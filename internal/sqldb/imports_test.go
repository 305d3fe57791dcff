package sqldb_test

import (
	"context"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// records is a RecordSource over records in memory.
type records struct {
	kind samspil.ImportKind
	recs []samspil.Record
}

func (r records) Kind() samspil.ImportKind { return r.kind }

func (r records) Records(fn func(samspil.Record) bool) error {
	for _, rec := range r.recs {
		if !fn(rec) {
			break
		}
	}
	return nil
}

func usageRows(rows ...samspil.UsageRecord) records {
	src := records{kind: samspil.ImportUsages}
	for i := range rows {
		src.recs = append(src.recs, samspil.Record{Line: i + 2, Usage: &rows[i]})
	}
	return src
}

func TestImportUsages(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, db, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		unit, err := db.CreateUnit(ctx, ed.Actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "IT-drift"})
		must(t, err)
		nexus, err := db.CreateSystem(ctx, ed.Actor, samspil.SystemInput{Name: "Nexus", Category: samspil.CategoryHealth})
		must(t, err)
		from := samspil.NewDate(2020, 3, 1)
		src := usageRows(
			samspil.UsageRecord{System: "nexus", Lifecycle: samspil.LifecycleOperational, From: &from, ResponsibleUnit: "it-drift"},
			samspil.UsageRecord{System: "Ældresystemet Æble", Lifecycle: samspil.LifecyclePlanned},
		)
		before, err := db.Fingerprint(ctx)
		must(t, err)
		report, err := db.PreviewImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
		must(t, err)
		if report.ErrorCount != 0 || report.Create != 2 || report.NewSystems != 1 || report.Committed {
			t.Fatalf("preview: %+v", report)
		}
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("the preview wrote")
		}
		report, err = db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
		must(t, err)
		if !report.Committed || report.Create != 2 {
			t.Fatalf("commit: %+v", report)
		}
		usages, err := db.ListUsages(ctx, ed.Actor, samspil.UsageFilter{OrganizationID: testkit.Silkeborg})
		must(t, err)
		if len(usages.Items) != 2 {
			t.Fatalf("%d usages", len(usages.Items))
		}
		for _, u := range usages.Items {
			if u.SystemID == nexus.ID && (u.ResponsibleUnitID != unit.ID || u.From == nil || *u.From != from) {
				t.Fatalf("imported usage %+v", u)
			}
		}
		if n := countAudit(t, db, "import.commit"); n != 1 {
			t.Fatalf("%d import.commit events", n)
		}
		// The same file again changes nothing and writes no event.
		mark, _ := db.Fingerprint(ctx)
		report, err = db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
		must(t, err)
		if report.Unchanged != 2 || report.Create+report.Update+report.NewSystems != 0 || report.Committed {
			t.Fatalf("re-import: %+v", report)
		}
		if after, _ := db.Fingerprint(ctx); after != mark {
			t.Fatal("re-importing the same rows changed the database")
		}
		// One bad row stops the whole file; nothing is written.
		bad := usageRows(
			samspil.UsageRecord{System: "Nexus", Lifecycle: samspil.LifecycleRetired},
			samspil.UsageRecord{System: "Nyt", ResponsibleUnit: "Ukendt kontor"},
			samspil.UsageRecord{System: "NEXUS"},
		)
		report, err = db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, bad, nil)
		must(t, err)
		if report.Committed || report.ErrorCount != 2 || report.Errors[0].Line != 3 || report.Errors[0].Column != "Ansvarlig enhed" ||
			report.Errors[1].Line != 4 || report.Errors[1].Column != "System" {
			t.Fatalf("bad file: %+v", report)
		}
		if after, _ := db.Fingerprint(ctx); after != mark {
			t.Fatal("a file with errors changed the database")
		}
		// Viewers may not import; other organisations' editors neither.
		viewer := testkit.NewPerson(t, db, "v@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
		_, err = db.CommitImport(ctx, viewer.Actor, testkit.Silkeborg, src, nil)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
	})
}

func TestImportContracts(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, db, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		_, err := db.CreateSystem(ctx, ed.Actor, samspil.SystemInput{Name: "Nexus", Category: samspil.CategoryHealth})
		must(t, err)
		row := samspil.ContractRecord{Name: "Nexus drift", Reference: "K-17", Systems: []string{"Nexus"},
			Terms: samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), DurationMonths: 48, NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfMonth},
			Costs: &samspil.Costs{Operation: 125000050},
		}
		src := records{kind: samspil.ImportContracts, recs: []samspil.Record{{Line: 2, Contract: &row}}}
		report, err := db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
		must(t, err)
		if !report.Committed || report.Create != 1 {
			t.Fatalf("commit: %+v", report)
		}
		page, err := db.ListContracts(ctx, ed.Actor, samspil.ContractFilter{OrganizationID: testkit.Silkeborg})
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].Costs.Operation != 125000050 || page.Items[0].ExternalRef != "K-17" || len(page.Items[0].Systems) != 1 {
			t.Fatalf("imported contract %+v", page.Items)
		}
		report, err = db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
		must(t, err)
		if report.Unchanged != 1 || report.Committed {
			t.Fatalf("re-import: %+v", report)
		}
		// A changed row with the same reference updates the contract.
		row.Name, row.Terms.NoticeMonths = "Nexus drift og support", 3
		report, err = db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
		must(t, err)
		if report.Update != 1 || !report.Committed {
			t.Fatalf("update: %+v", report)
		}
		c, err := db.FindContract(ctx, ed.Actor, page.Items[0].ID)
		must(t, err)
		if c.Name != "Nexus drift og support" || c.NoticeMonths != 3 || c.Version != 2 {
			t.Fatalf("after update %+v", c)
		}
		// Unknown systems and invalid terms are errors naming the column.
		bad := samspil.ContractRecord{Name: "X", Systems: []string{"Findes ikke"}, Terms: samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1)}}
		bad2 := samspil.ContractRecord{Name: "Y", Terms: samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), NoticeMonths: 99}}
		report, err = db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, records{kind: samspil.ImportContracts,
			recs: []samspil.Record{{Line: 2, Contract: &bad}, {Line: 3, Contract: &bad2}}}, nil)
		must(t, err)
		if report.Committed || report.ErrorCount != 2 || report.Errors[0].Column != "Systemer" || report.Errors[1].Column != "Opsigelsesfrist (måneder)" {
			t.Fatalf("bad rows: %+v", report)
		}
	})
}

// TestImportStatusClaimsOnce checks that of two commits of one upload only
// the first can start, and that a finished import cannot change again.
func TestImportStatusClaimsOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, db, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		report := &samspil.ImportReport{Kind: samspil.ImportUsages, Rows: 1, Create: 1}
		im, err := db.CreateImport(ctx, ed.Actor, testkit.Silkeborg, "usages.csv", []byte("System\r\nNyt\r\n"), report)
		must(t, err)
		if err := db.SetImportStatus(ctx, ed.Actor, im.ID, samspil.ImportCommitted, report); samspil.ErrorCode(err) != samspil.ECONFLICT {
			t.Fatalf("committed without committing first: %v", err)
		}
		must(t, db.SetImportStatus(ctx, ed.Actor, im.ID, samspil.ImportCommitting, report))
		if err := db.SetImportStatus(ctx, ed.Actor, im.ID, samspil.ImportCommitting, report); samspil.ErrorCode(err) != samspil.ECONFLICT {
			t.Fatalf("a second commit started: %v", err)
		}
		must(t, db.SetImportStatus(ctx, ed.Actor, im.ID, samspil.ImportCommitted, report))
		if err := db.SetImportStatus(ctx, ed.Actor, im.ID, samspil.ImportFailed, report); samspil.ErrorCode(err) != samspil.ECONFLICT {
			t.Fatalf("a finished import changed: %v", err)
		}
		got, err := db.FindImport(ctx, ed.Actor, im.ID)
		must(t, err)
		if got.Status != samspil.ImportCommitted {
			t.Fatalf("status %q", got.Status)
		}
		if _, err := db.ImportContent(ctx, ed.Actor, im.ID); err == nil {
			t.Fatal("a finished import kept its file")
		}
	})
}
