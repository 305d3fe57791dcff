package landscapeio

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

const usageHeader = "\ufeffSystem*;Leverandør;Leverandør CVR;Livscyklus;Fra;Til;Ansvarlig enhed;Antal brugere;Synlighed;Noter\r\n"

// usageLine writes row i of a generated usage file.
func usageLine(dst []byte, i int) []byte {
	return fmt.Appendf(dst, "System nr. %d;Systematic A/S;12345678;I drift;%02d-02-2020;2031-12-31;Sundhed og Omsorg;51-200;Sektor;\"Noter; række %d\"\r\n",
		i, 1+i%28, i)
}

// genReader produces a usage file of n rows as it is read, so that a
// file of any size takes no memory of its own.
type genReader struct {
	n, i int
	buf  []byte
	rest []byte
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.rest) == 0 {
		if g.i > g.n {
			return 0, io.EOF
		}
		if g.i == 0 {
			g.buf = append(g.buf[:0], usageHeader...)
		} else {
			g.buf = usageLine(g.buf[:0], g.i)
		}
		g.rest = g.buf
		g.i++
	}
	n := copy(p, g.rest)
	g.rest = g.rest[n:]
	return n, nil
}

func generated(n int) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(&genReader{n: n}), nil }
}

// TestMillionRows streams a file of 1,000,000 rows, twice as an import
// does.
func TestMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	const n = 1_000_000
	src, err := NewSource(generated(n), "stor.csv", tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for pass := range 2 {
		start := time.Now()
		rows, bad, last := 0, 0, 0
		err := src.Records(func(r samspil.Record) bool {
			rows++
			if len(r.Errs) > 0 || r.Usage == nil {
				bad++
			}
			last = r.Line
			return true
		})
		if err != nil || rows != n || bad != 0 || last != n+1 {
			t.Fatalf("pass %d: %d rows, %d bad, last line %d, %v", pass, rows, bad, last, err)
		}
		t.Logf("pass %d: %d rows in %v", pass, rows, time.Since(start).Round(time.Millisecond))
	}
}

// TestBoundedMemory checks that the heap does not grow with the file:
// 200,000 rows (about 25 MB of CSV) stream through with the heap in use
// staying within 64 MiB of where it started.
func TestBoundedMemory(t *testing.T) {
	const n = 200_000
	const limit = 64 << 20
	src, err := NewSource(generated(n), "stor.csv", tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	rows := 0
	err = src.Records(func(r samspil.Record) bool {
		rows++
		if rows%10_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return true
	})
	if err != nil || rows != n {
		t.Fatalf("%d rows, %v", rows, err)
	}
	growth := int64(peak) - int64(base)
	t.Logf("heap in use: %.1f MiB at the start, peak %.1f MiB, growth %.1f MiB over %d rows",
		float64(base)/(1<<20), float64(peak)/(1<<20), float64(growth)/(1<<20), n)
	if growth > limit {
		t.Errorf("the heap grew by %d MiB", growth>>20)
	}
}

// BenchmarkUsageRecords reads a CSV file of 100,000 usages held in memory.
func BenchmarkUsageRecords(b *testing.B) {
	const n = 100_000
	data, err := io.ReadAll(&genReader{n: n})
	if err != nil {
		b.Fatal(err)
	}
	src, err := NewSource(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, "stor.csv", tabular.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		if err := src.Records(func(samspil.Record) bool { rows++; return true }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkUsageRecordsXLSX reads an XLSX file of 100,000 usages.
func BenchmarkUsageRecordsXLSX(b *testing.B) {
	const n = 100_000
	var buf bytes.Buffer
	e, err := NewExporter(&buf, "xlsx", samspil.ImportUsages)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		u := samspil.Usage{SystemName: fmt.Sprintf("System nr. %d", i), Lifecycle: samspil.LifecycleOperational, From: date("2020-02-01"),
			UserBand: "51-200", Notes: "Noter", Visibility: samspil.VisibilitySector}
		if err := e.WriteUsage(&u, "Sundhed og Omsorg", "Systematic A/S", "12345678"); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	src, err := NewSource(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, "stor.xlsx", tabular.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		if err := src.Records(func(samspil.Record) bool { rows++; return true }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
