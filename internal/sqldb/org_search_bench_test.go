package sqldb_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
)

// BenchmarkOrgSearch measures the organisation search, the organisation
// list's q= and the search's organisations kind, on an existing database
// named by SAMSPIL_ORGSEARCH_DB (a SQLite path or a postgres:// URL), such
// as one that `samspil demo generate --orgs 100000 --usages-per-org 0
// --contracts-per-org 0` made. It reports the median and the 99th
// percentile of the calls as p50-ms and p99-ms; run it with a fixed count,
// e.g.
//
//	SAMSPIL_ORGSEARCH_DB=/tmp/orgs.db go test ./internal/sqldb -run '^$' -bench OrgSearch -benchtime 200x
//
// It migrates the database first. Without the variable it is skipped.
func BenchmarkOrgSearch(b *testing.B) {
	dsn := os.Getenv("SAMSPIL_ORGSEARCH_DB")
	if dsn == "" {
		b.Skip("SAMSPIL_ORGSEARCH_DB names no database")
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn, sqldb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	// A member of one organisation with one partner: the visibility
	// condition of a signed-in user, with its lists of organisations.
	first, err := db.ListOrganizations(ctx, samspil.SystemActor("bench"), samspil.OrganizationFilter{ListOptions: samspil.ListOptions{Limit: 2}})
	if err != nil || len(first.Items) < 2 {
		b.Fatalf("no organisations to search (%v)", err)
	}
	member := &samspil.Actor{Kind: samspil.ActorUser, UserID: "bench", Roles: map[string]samspil.Role{first.Items[0].ID: samspil.RoleAdmin},
		Partners: []string{first.Items[1].ID}}
	actors := []struct {
		name  string
		actor *samspil.Actor
	}{{"anonymous", samspil.Anonymous()}, {"member", member}, {"operator", samspil.SystemActor("bench")}}
	queries := []string{
		"ø",       // one letter, rare
		"st",      // two letters, common
		"qx",      // two letters, in no name
		"berg",    // four letters, common
		"comm",    // four letters, in half the names
		"rocheac", // rare
		"zzqq",    // in no name
		"030681",  // a municipality code
	}
	for _, a := range actors {
		for _, text := range queries {
			b.Run("list/"+a.name+"/"+text, func(b *testing.B) {
				measure(b, func() error {
					_, err := db.ListOrganizations(ctx, a.actor, samspil.OrganizationFilter{Query: text})
					return err
				})
			})
			if len([]rune(text)) < samspil.SearchMinRunes {
				continue
			}
			b.Run("search/"+a.name+"/"+text, func(b *testing.B) {
				measure(b, func() error {
					_, err := db.Search(ctx, a.actor, samspil.SearchQuery{Text: text, Kinds: []samspil.SearchKind{samspil.SearchOrganizations}})
					return err
				})
			})
		}
	}
}

// measure times b.N calls and reports their median and 99th percentile.
func measure(b *testing.B, call func() error) {
	durations := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	slices.Sort(durations)
	at := func(p float64) float64 {
		return float64(durations[min(len(durations)-1, int(p*float64(len(durations))))]) / 1e6
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
