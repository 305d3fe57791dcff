package tabular

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

// The seed corpora are in testdata/fuzz/<FuzzName>/: ordinary files,
// Danish text, quoting and encoding edge cases and hostile input. Run, for
// example:
//
//	go test -run='^$' -fuzz=FuzzReadCSV -fuzztime=60s ./internal/tabular/
//	go test -run='^$' -fuzz=FuzzReadXLSX -fuzztime=60s ./internal/tabular/

var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxUnzippedBytes: 4 << 20, MaxRows: 500, MaxColumns: 20, MaxCellBytes: 2000}

// FuzzReadCSV reads arbitrary bytes as a CSV file; whatever it reads
// must survive a round trip through both writers.
func FuzzReadCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		header, rows, lines, err := readAll(t, data, "fuzz.csv", Options{Limits: fuzzLimits})
		checkOutcome(t, header, rows, lines, err, fuzzLimits)
		if err == nil {
			checkRoundTrips(t, header, rows)
		}
	})
}

// FuzzReadXLSX reads a workbook whose worksheet and shared strings are
// the fuzzer's (a first argument that is a whole ZIP file is read as it
// is); whatever it reads must survive a round trip through both writers.
func FuzzReadXLSX(f *testing.F) {
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		data := sheet
		if !bytes.HasPrefix(sheet, []byte("PK")) {
			data = zipParts(t, minimalParts(string(sheet), string(sst)))
		}
		header, rows, lines, err := readAll(t, data, "fuzz.xlsx", Options{Limits: fuzzLimits})
		checkOutcome(t, header, rows, lines, err, fuzzLimits)
		if err == nil {
			checkRoundTrips(t, header, rows)
		}
	})
}

// checkOutcome checks that reading gave either a well-formed table or a
// *samspil.Error about the file.
func checkOutcome(t *testing.T, header []string, rows [][]string, lines []int, err error, lim Limits) {
	t.Helper()
	if err != nil {
		var se *samspil.Error
		if !errors.As(err, &se) {
			t.Fatalf("error %v (%T) is not a *samspil.Error", err, err)
		}
		if se.Code != samspil.EINVALID && se.Code != samspil.ETOOLARGE {
			t.Fatalf("error %q has code %s", se.Message, se.Code)
		}
		if se.Message == "" || len(se.Fields) != 1 || se.Fields[0].Path != "file" {
			t.Fatalf("error %+v", se)
		}
	}
	if header == nil {
		if rows != nil {
			t.Fatal("rows without a header")
		}
		return
	}
	if allEmpty(header) || len(header) > lim.MaxColumns {
		t.Fatalf("header %q", header)
	}
	if len(rows) > lim.MaxRows {
		t.Fatalf("%d rows", len(rows))
	}
	prev := 0
	for i, row := range rows {
		if len(row) != len(header) || allEmpty(row) {
			t.Fatalf("row %d: %q for header %q", i, row, header)
		}
		if lines[i] <= prev || lines[i] < 2 {
			t.Fatalf("lines %v", lines)
		}
		prev = lines[i]
	}
	for _, row := range append([][]string{header}, rows...) {
		for _, c := range row {
			if !utf8.ValidString(c) || len(c) > lim.MaxCellBytes {
				t.Fatalf("cell %q", c)
			}
		}
	}
}

// checkRoundTrips writes a table with both writers and reads it back: CSV
// gives the neutralised cells, XLSX the cells exactly. Tables the writers
// refuse (empty header names, text an XLSX cell cannot hold) are skipped.
func checkRoundTrips(t *testing.T, header []string, rows [][]string) {
	t.Helper()
	for _, h := range header {
		if h == "" {
			return
		}
	}
	// The replay of excelize's escaping agrees with excelize.
	for _, row := range append([][]string{header}, rows...) {
		for _, c := range row {
			if strings.Contains(c, "_x") && strings.IndexFunc(c, func(r rune) bool { return !xmlChar(r) }) < 0 &&
				xlsxKeeps(c) != (excelizeRoundTrip(t, c) == c) {
				t.Fatalf("xlsxKeeps(%q) is wrong", c)
			}
		}
	}
	lim := fuzzLimits
	lim.MaxCellBytes++ // room for the apostrophe
	for _, xlsx := range []bool{false, true} {
		var buf bytes.Buffer
		w := NewCSVWriter(&buf)
		if xlsx {
			w = NewXLSXWriter(&buf, "Fuzz")
		}
		err := w.WriteHeader(header)
		for _, r := range rows {
			if err != nil {
				break
			}
			err = w.WriteRow(r)
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			if samspil.ErrorCode(err) == samspil.EINVALID && xlsx {
				continue // a control character, or too long for Excel
			}
			t.Fatalf("xlsx=%v: writing: %v", xlsx, err)
		}
		h2, rows2, _, err := readAll(t, buf.Bytes(), "rundtur", Options{Limits: lim})
		if err != nil {
			t.Fatalf("xlsx=%v: reading back: %v\n%q", xlsx, err, buf.String())
		}
		wantHeader, wantRows := header, rows
		if !xlsx {
			wantHeader = neutralized(header)
			wantRows = nil
			for _, r := range rows {
				wantRows = append(wantRows, neutralized(r))
			}
		}
		if !reflect.DeepEqual(h2, wantHeader) || !(len(rows2) == 0 && len(wantRows) == 0 || reflect.DeepEqual(rows2, wantRows)) {
			t.Fatalf("xlsx=%v: round trip differs:\n got %q %q\nwant %q %q", xlsx, h2, rows2, wantHeader, wantRows)
		}
	}
}
