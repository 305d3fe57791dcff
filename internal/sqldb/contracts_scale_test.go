package sqldb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestContractListsBeyondVariableLimit holds an organisation with more
// contracts than SQLite allows variables in one statement (32,766): the
// urgency order, the status filter and the full list used by the deadlines
// page must not put every contract into one IN list. Each contract names a
// system, so the systems are loaded for every one of them.
func TestContractListsBeyondVariableLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 33,000 contracts")
	}
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		copenhagenClock(db, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
		ed := testkit.NewPerson(t, db, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		sys, err := db.CreateSystem(ctx, ed.Actor, samspil.SystemInput{Name: "Sag", Category: samspil.CategoryCaseManagement})
		must(t, err)
		const n = 33000
		src := records{kind: samspil.ImportContracts}
		for i := range n {
			// Starts spread over ten years with a one-month notice: the
			// urgency order differs from the order of the names.
			rec := samspil.ContractRecord{Name: fmt.Sprintf("Kontrakt %05d", i), Systems: []string{sys.Name},
				Terms: samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1).AddDays((i * 7919) % 3650), DurationMonths: 48, NoticeMonths: 1}}
			src.recs = append(src.recs, samspil.Record{Line: i + 2, Contract: &rec})
		}
		report, err := db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, src, nil)
		must(t, err)
		if !report.Committed || report.Create != n {
			t.Fatalf("import: %+v", report.ErrorCount)
		}

		all, err := db.AllContracts(ctx, ed.Actor, samspil.ContractFilter{OrganizationID: "0740", Sort: samspil.SortByUrgency})
		must(t, err)
		if len(all) != n {
			t.Fatalf("all contracts: %d, want %d", len(all), n)
		}
		for i := range all {
			if len(all[i].Systems) != 1 || all[i].Systems[0].ID != sys.ID {
				t.Fatalf("%s has systems %v", all[i].Name, all[i].Systems)
			}
			if i > 0 && samspil.UrgencyLess(&all[i-1], &all[i]) > 0 {
				t.Fatalf("not in urgency order at %d: %s before %s", i, all[i-1].Name, all[i].Name)
			}
		}

		// The pages of the urgency order are the full list cut in pieces.
		f := samspil.ContractFilter{OrganizationID: testkit.Silkeborg, Sort: samspil.SortByUrgency, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}}
		seen := 0
		for pages := 0; ; pages++ {
			page, err := db.ListContracts(ctx, ed.Actor, f)
			must(t, err)
			for _, c := range page.Items {
				if c.ID != all[seen].ID || len(c.Systems) != 1 {
					t.Fatalf("page %d item %d: %s, want %s", pages, seen, c.Name, all[seen].Name)
				}
				seen++
			}
			if f.Cursor = page.NextCursor; f.Cursor == "" {
				break
			}
			if pages > 2 {
				break // the first pages and the last one are enough
			}
		}
		f.Cursor = ""
		f.Status = samspil.ContractExpired
		expired, err := db.AllContracts(ctx, ed.Actor, f)
		must(t, err)
		page, err := db.ListContracts(ctx, ed.Actor, f)
		must(t, err)
		if len(expired) == 0 || len(expired) == n || len(page.Items) != min(len(expired), samspil.MaxPageSize) || page.Items[0].ID != expired[0].ID {
			t.Fatalf("expired: %d of %d, first page %d", len(expired), n, len(page.Items))
		}
	})
}
