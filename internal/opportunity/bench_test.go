package opportunity_test

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/opportunity"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// BenchmarkPartners builds the index from a generated database (named by
// SAMSPIL_BENCH_OPPORTUNITY_DB, one DSN or several separated by spaces)
// and ranks partners for up to 1,000 random organisations, reporting the
// build time, the index's heap and the query's p50 and p99. It is skipped
// without a database; `samspil bench opportunities` is to take it over.
func BenchmarkPartners(b *testing.B) {
	dsns := strings.Fields(os.Getenv("SAMSPIL_BENCH_OPPORTUNITY_DB"))
	if len(dsns) == 0 {
		b.Skip("SAMSPIL_BENCH_OPPORTUNITY_DB names no generated database")
	}
	ctx := context.Background()
	for _, dsn := range dsns {
		db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: testkit.Passwords()})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(db.Engine()), func(b *testing.B) {
			today := samspil.Today(samspil.Now())
			var base runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&base)
			start := time.Now()
			builder := opportunity.NewBuilder()
			if err := db.OpportunityFactsInto(ctx, testkit.System, today, builder); err != nil {
				b.Fatal(err)
			}
			x := builder.Index()
			build := time.Since(start)
			ids := x.Select("", opportunity.Selection{Kind: samspil.KindMunicipality})
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			rng := rand.New(rand.NewPCG(1, 1))
			var times, windows []time.Duration
			for b.Loop() {
				for range min(1000, len(ids)) {
					id := ids[rng.IntN(len(ids))]
					s := time.Now()
					if _, err := x.Partners(id, opportunity.Query{Today: today}); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(s))
					s = time.Now()
					if _, err := x.ProcurementWindows(id, opportunity.WindowQuery{Today: today}); err != nil {
						b.Fatal(err)
					}
					windows = append(windows, time.Since(s))
				}
			}
			slices.Sort(times)
			slices.Sort(windows)
			b.ReportMetric(float64(windows[len(windows)/2].Microseconds())/1000, "windows-p50-ms")
			b.ReportMetric(float64(windows[len(windows)*99/100].Microseconds())/1000, "windows-p99-ms")
			b.ReportMetric(build.Seconds(), "build-s")
			b.ReportMetric(float64(after.HeapInuse-base.HeapInuse)/(1<<20), "index-MiB")
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			runtime.KeepAlive(x)
		})
		db.Close()
	}
}
