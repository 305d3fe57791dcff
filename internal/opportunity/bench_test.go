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
// and ranks partners for up to 1,000 random organisations, three rounds,
// reporting the build time, the index's heap and the medians of the
// rounds' p50 and p99, then the same for procurement windows (not with
// SAMSPIL_BENCH_PARTNERS_ONLY set). It is skipped without a database;
// `samspil bench opportunities` reports the same and more.
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
			askers := make([]string, min(1000, len(ids)))
			for i := range askers {
				askers[i] = ids[rng.IntN(len(ids))]
			}
			// Three rounds of each query over the askers; the figures are
			// the medians of the rounds' p50 and p99.
			rounds := func(ask func(id string) error) (p50, p99 float64) {
				var p50s, p99s []time.Duration
				for range 3 {
					times := make([]time.Duration, len(askers))
					for i, id := range askers {
						s := time.Now()
						if err := ask(id); err != nil {
							b.Fatal(err)
						}
						times[i] = time.Since(s)
					}
					slices.Sort(times)
					p50s, p99s = append(p50s, times[len(times)/2]), append(p99s, times[len(times)*99/100])
				}
				slices.Sort(p50s)
				slices.Sort(p99s)
				return float64(p50s[1].Microseconds()) / 1000, float64(p99s[1].Microseconds()) / 1000
			}
			for b.Loop() {
				p50, p99 := rounds(func(id string) error {
					_, err := x.Partners(id, opportunity.Query{Today: today})
					return err
				})
				b.ReportMetric(p50, "p50-ms")
				b.ReportMetric(p99, "p99-ms")
				if os.Getenv("SAMSPIL_BENCH_PARTNERS_ONLY") == "" {
					p50, p99 = rounds(func(id string) error {
						_, err := x.ProcurementWindows(id, opportunity.WindowQuery{Today: today})
						return err
					})
					b.ReportMetric(p50, "windows-p50-ms")
					b.ReportMetric(p99, "windows-p99-ms")
				}
			}
			b.ReportMetric(build.Seconds(), "build-s")
			b.ReportMetric(float64(after.HeapInuse-base.HeapInuse)/(1<<20), "index-MiB")
			runtime.KeepAlive(x)
		})
		db.Close()
	}
}
