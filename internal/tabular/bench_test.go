package tabular

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// benchFile writes a table of n rows and 8 columns, like an exported IT
// landscape, with the given writer and returns its path.
func benchFile(b *testing.B, n int, xlsx bool) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "landskab")
	f, err := os.Create(path)
	must(b, err)
	bw := bufio.NewWriter(f)
	w := NewCSVWriter(bw)
	if xlsx {
		w = NewXLSXWriter(bw, "Systemer")
	}
	must(b, w.WriteHeader([]string{"ID", "System", "Leverandør", "Kommune", "Beløb", "Ibrugtaget", "Status", "Note"}))
	for i := range n {
		id := strconv.Itoa(i)
		must(b, w.WriteRow([]string{id, "System " + id, "Leverandør A/S", "Høje-Taastrup", "1234,56", "31-01-2026", "I drift", "Bemærkning; \"citat\" æøå " + id}))
	}
	must(b, w.Close())
	must(b, bw.Flush())
	must(b, f.Close())
	return path
}

func benchRead(b *testing.B, path, name string, want int) {
	var rows int
	var elapsed time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		f, err := os.Open(path)
		must(b, err)
		tb, err := Open(f, name, Limits{})
		must(b, err)
		rows = 0
		for tb.Next() {
			rows++
		}
		must(b, tb.Err())
		must(b, tb.Close())
		must(b, f.Close())
		elapsed += time.Since(start)
	}
	if rows != want {
		b.Fatalf("%d rows, want %d", rows, want)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rows*b.N), "ns/row")
}

// BenchmarkReadCSV reads a CSV file of 1,000,000 rows of 8 columns
// (about 100 MB).
func BenchmarkReadCSV(b *testing.B) {
	const n = 1_000_000
	benchRead(b, benchFile(b, n, false), "landskab.csv", n)
}

// BenchmarkReadXLSX reads an XLSX file of 100,000 rows of 8 columns;
// excelize's row iterator is the cost.
func BenchmarkReadXLSX(b *testing.B) {
	const n = 100_000
	benchRead(b, benchFile(b, n, true), "landskab.xlsx", n)
}
