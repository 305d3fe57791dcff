package server_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// landscapeTables are the tables that grow with every organisation: a
// filtered list must reach their rows through an index.
var landscapeTables = []string{"usages", "contracts", "systems", "contract_systems", "system_tasks", "usage_tasks"}

// TestFilteredListsUseIndexes runs the filtered lists of the API and the
// pages as a municipality's administrator, records every query they read
// with, and asks each engine for its plan: none may read a landscape table
// in full. On PostgreSQL sequential scans are disabled for the EXPLAIN, so
// the plan shows a scan only where no index serves the query.
func TestFilteredListsUseIndexes(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		db := app.DB
		admin := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		viborg := testkit.NewPerson(t, db, "ed@viborg.example", testkit.Viborg, samspil.RoleEditor)
		var systems []*samspil.System
		for i, name := range []string{"Sag", "Arkiv", "Løn", "Skole"} {
			s, err := db.CreateSystem(ctx, admin.Actor, samspil.SystemInput{Name: name, Category: samspil.Categories[i], Tasks: []string{"00.01.00"}})
			if err != nil {
				t.Fatal(err)
			}
			systems = append(systems, s)
		}
		supplier := testkit.Org(t, db, testkit.Viborg)
		for _, p := range []struct {
			testkit.Person
			org string
		}{{admin, testkit.Silkeborg}, {viborg, testkit.Viborg}} {
			org := p.org
			for i, s := range systems {
				if _, err := db.CreateUsage(ctx, p.Actor, samspil.UsageInput{OrganizationID: org, SystemID: s.ID, Lifecycle: samspil.LifecycleOperational}); err != nil {
					t.Fatal(err)
				}
				if _, err := db.CreateContract(ctx, p.Actor, samspil.ContractInput{OrganizationID: org, Name: fmt.Sprintf("Kontrakt %d", i),
					SupplierID: supplier.ID, SystemIDs: []string{s.ID},
					ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), DurationMonths: 36, NoticeMonths: 3}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		org := testkit.Org(t, db, testkit.Silkeborg)
		sys := systems[0]
		requests := []string{
			"/api/v1/contracts?organization_id=0740",
			"/api/v1/contracts?organization_id=" + org.ID + "&sort=urgency&limit=100",
			"/api/v1/contracts?organization_id=0740&status=active",
			"/api/v1/contracts?system_id=" + sys.ID,
			"/api/v1/contracts?supplier_id=" + supplier.ID + "&organization_id=0740",
			"/api/v1/usages?organization_id=0740",
			"/api/v1/usages?system_id=" + sys.ID,
			"/api/v1/systems?vendor_id=" + supplier.ID,
			"/api/v1/systems?category=" + string(samspil.Categories[1]),
			"/api/v1/systems?task=00.01",
			"/api/v1/systems?task=00.01.00",
			"/api/v1/contracts?supplier_id=" + supplier.ID,
			"/api/v1/systems/" + sys.ID + "/who-uses",
			"/api/v1/systems/" + sys.ID,
		}
		pages := []string{
			"/organizations/" + org.ID + "/deadlines",
			"/organizations/" + org.ID + "/landscape",
			"/organizations/" + org.ID,
			"/systems/" + sys.ID,
		}

		type traced struct {
			query string
			args  []any
			from  string
		}
		var mu sync.Mutex
		var queries []traced
		var current string
		db.TraceReads(func(query string, args []any) {
			mu.Lock()
			defer mu.Unlock()
			queries = append(queries, traced{query, slices.Clone(args), current})
		})
		defer db.TraceReads(nil)
		api := app.Token(t, admin.User.ID)
		for _, path := range requests {
			mu.Lock()
			current = path
			mu.Unlock()
			api.Do("GET", path, nil).Want(t, http.StatusOK)
		}
		b := app.Browser(t)
		b.Login("admin@silkeborg.example", testkit.Password).Want(t, http.StatusSeeOther)
		for _, path := range pages {
			mu.Lock()
			current = path
			mu.Unlock()
			b.Do("GET", path, nil).Want(t, http.StatusOK)
		}
		db.TraceReads(nil)

		checked := 0
		for _, q := range queries {
			if q.from == "" || !mentionsLandscape(q.query) {
				continue
			}
			checked++
			scans, err := db.FullScans(ctx, q.query, q.args)
			if err != nil {
				t.Fatalf("explain %s: %v\n%s", q.from, err, q.query)
			}
			for _, table := range scans {
				if slices.Contains(landscapeTables, table) {
					t.Errorf("%s reads all of %s:\n%s", q.from, table, q.query)
				}
			}
		}
		if checked < len(requests)+len(pages) {
			t.Fatalf("only %d queries on the landscape tables were traced", checked)
		}
	})
}

func mentionsLandscape(query string) bool {
	for _, table := range landscapeTables {
		if strings.Contains(query, " "+table+" ") || strings.Contains(query, " "+table+"\n") {
			return true
		}
	}
	return false
}
