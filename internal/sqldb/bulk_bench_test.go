package sqldb_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/landscapeio"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/tabular"
	"github.com/samspil/samspil/internal/testkit"
)

// writeBulkUsageFile writes a CSV of n usages in our template, each of its
// own system, as samspil bench does.
func writeBulkUsageFile(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	must(tb, err)
	defer f.Close()
	header := landscapeio.Headings(samspil.ImportUsages)
	w := tabular.NewCSVWriter(bufio.NewWriterSize(f, 1<<20))
	must(tb, w.WriteHeader(header))
	cells := make([]string, len(header))
	col := func(name string) int {
		return slices.IndexFunc(header, func(h string) bool { return strings.TrimSuffix(h, "*") == name })
	}
	system, lifecycle, from, notes := col("System"), col("Livscyklus"), col("Fra"), col("Noter")
	phases := []string{"I drift", "I drift", "I drift", "Planlagt", "Udfasning"}
	for i := 0; i < n; i++ {
		clear(cells)
		cells[system] = "Benchmark-system " + strconv.Itoa(i+1)
		cells[lifecycle] = phases[i%len(phases)]
		cells[from] = fmt.Sprintf("%04d-%02d-01", 2010+i%15, 1+i%12)
		cells[notes] = "Genereret til måling"
		must(tb, w.WriteRow(cells))
	}
	must(tb, w.Close())
}

// bulkRows is the size of the import benchmarks: SAMSPIL_BULK_ROWS, or
// 100,000.
func bulkRows() int {
	if n, err := strconv.Atoi(os.Getenv("SAMSPIL_BULK_ROWS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

func benchmarkImportFile(b *testing.B, e sqldb.Engine) {
	if !slices.Contains(testkit.Engines(b), e) {
		b.Skip("no", e)
	}
	n := bulkRows()
	file := filepath.Join(b.TempDir(), "usages.csv")
	writeBulkUsageFile(b, file, n)
	open := func() (io.ReadCloser, error) { return os.Open(file) }
	src, err := landscapeio.NewSource(open, "usages.csv", tabular.Limits{})
	must(b, err)
	ctx := context.Background()
	cpu0 := processCPU()
	peak, stop := samplePeakHeap()
	for b.Loop() {
		b.StopTimer()
		db := testkit.NewDB(b, e)
		bulkVariant(b, db)
		b.StartTimer()
		report, err := db.CommitImport(ctx, samspil.SystemActor("bench"), testkit.Silkeborg, src, nil)
		must(b, err)
		if os.Getenv("SAMSPIL_BULK_VARIANT") == "rebuild" {
			for _, ix := range bulkIndexes {
				must(b, db.Exec(ctx, ix))
			}
		}
		if !report.Committed || report.Create != n {
			b.Fatalf("%+v", report)
		}
	}
	stop()
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-MiB")
	if cpu := processCPU() - cpu0; cpu > 0 {
		// On a busy machine the time a run takes says less than the
		// processor time it used.
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// bulkIndexes are the secondary indexes of systems and usages.
var bulkIndexes = []string{
	"CREATE INDEX systems_name ON systems (name_fold, id)",
	"CREATE INDEX systems_vendor ON systems (vendor_id)",
	"CREATE INDEX systems_owner ON systems (owner_id)",
	"CREATE INDEX systems_category ON systems (category, name_fold, id)",
	"CREATE INDEX usages_system ON usages (system_id)",
	"CREATE INDEX usages_updated ON usages (updated_at)",
}

// bulkVariant changes the fresh database as SAMSPIL_BULK_VARIANT asks,
// to measure what the import pays for: "noindex" drops the secondary
// indexes of systems and usages ("rebuild" also makes them again after
// the import, in the measured time), "nofk" turns off SQLite's foreign keys
// on its one write connection, "cache64" and "cache256" give it a page
// cache of 64 or 256 MiB, "tempmem" keeps its statement journals in
// memory.
func bulkVariant(b *testing.B, db *sqldb.DB) {
	ctx := context.Background()
	switch v := os.Getenv("SAMSPIL_BULK_VARIANT"); v {
	case "":
	case "noindex", "rebuild":
		for _, ix := range bulkIndexes {
			name := strings.Fields(ix)[2]
			must(b, db.Exec(ctx, "DROP INDEX IF EXISTS "+name))
		}
	case "nofk":
		if db.Engine() != sqldb.SQLite {
			b.Skip("nofk is for SQLite")
		}
		must(b, db.Exec(ctx, "PRAGMA foreign_keys = OFF"))
	case "cache64", "cache256", "tempmem":
		if db.Engine() != sqldb.SQLite {
			b.Skip(v, " is for SQLite")
		}
		pragma := map[string]string{"cache64": "cache_size = -65536", "cache256": "cache_size = -262144", "tempmem": "temp_store = MEMORY"}[v]
		must(b, db.Exec(ctx, "PRAGMA "+pragma))
	default:
		b.Fatalf("unknown SAMSPIL_BULK_VARIANT %q", v)
	}
}

// samplePeakHeap samples the heap in use every 20 ms, as samspil bench
// does, until stop is called.
func samplePeakHeap() (*atomic.Uint64, func()) {
	runtime.GC()
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return &peak, func() { close(done); <-stopped }
}

func BenchmarkImportPreview(b *testing.B) {
	n := bulkRows()
	file := filepath.Join(b.TempDir(), "usages.csv")
	writeBulkUsageFile(b, file, n)
	open := func() (io.ReadCloser, error) { return os.Open(file) }
	src, err := landscapeio.NewSource(open, "usages.csv", tabular.Limits{})
	must(b, err)
	db := testkit.NewDB(b, sqldb.SQLite)
	for b.Loop() {
		report, err := db.PreviewImport(context.Background(), samspil.SystemActor("bench"), testkit.Silkeborg, src, nil)
		must(b, err)
		if report.Create != n {
			b.Fatalf("%+v", report)
		}
	}
}

func BenchmarkImportFileSQLite(b *testing.B)   { benchmarkImportFile(b, sqldb.SQLite) }
func BenchmarkImportFilePostgres(b *testing.B) { benchmarkImportFile(b, sqldb.Postgres) }
