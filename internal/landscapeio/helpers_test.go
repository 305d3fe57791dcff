package landscapeio

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

// opener returns an open function over data that counts its calls.
func opener(data []byte, calls *int) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		if calls != nil {
			*calls++
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
}

// csvFile writes rows (the first being the header) as our CSV writer does.
func csvFile(t testing.TB, rows ...[]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := tabular.NewCSVWriter(&buf)
	if err := w.WriteHeader(rows[0]); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if err := w.WriteRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readAll returns the records of a file.
func readAll(t testing.TB, data []byte, name string) (samspil.ImportKind, []samspil.Record) {
	t.Helper()
	src, err := NewSource(opener(data, nil), name, tabular.Limits{})
	if err != nil {
		t.Fatalf("NewSource: %v", err)
	}
	var recs []samspil.Record
	if err := src.Records(func(r samspil.Record) bool { recs = append(recs, r); return true }); err != nil {
		t.Fatalf("Records: %v", err)
	}
	return src.Kind(), recs
}

// mapOne maps one row under header with the mapper of kind, as the fuzz
// targets do; it fails when the header does not bind.
func mapOne(t testing.TB, kind samspil.ImportKind, header, row []string) samspil.Record {
	t.Helper()
	m, _, missing := kindByName[kind].bind(header)
	if len(missing) > 0 {
		t.Fatalf("header %q lacks %q", header, missing)
	}
	rec, ok := m.mapRow(row, 2, tabular.ParseDateFlexible)
	if !ok {
		t.Fatalf("row %q is blank", row)
	}
	return rec
}

// errColumns returns the columns of a record's errors.
func errColumns(rec samspil.Record) []string {
	var cols []string
	for _, e := range rec.Errs {
		cols = append(cols, e.Column)
	}
	return cols
}

func date(s string) *samspil.Date {
	d, err := samspil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func sameStrings(a, b []string) bool { return slices.Equal(a, b) }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
