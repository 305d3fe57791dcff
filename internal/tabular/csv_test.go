package tabular

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/unicode"

	"github.com/samspil/samspil"
)

func TestCSVSeparatorDetection(t *testing.T) {
	tests := []struct {
		name, data string
		comma      rune
		header     []string
		rows       [][]string
	}{
		{"semicolon", "a;b;c\r\n1;2,5;3\r\n", ';', []string{"a", "b", "c"}, [][]string{{"1", "2,5", "3"}}},
		{"comma", "a,b,c\n1,2;5,3\n", ',', []string{"a", "b", "c"}, [][]string{{"1", "2;5", "3"}}},
		{"tab", "a\tb\tc\n1\t2;3\t,\n", '\t', []string{"a", "b", "c"}, [][]string{{"1", "2;3", ","}}},
		// Separators inside quotes in the header do not count.
		{"quoted commas", "\"a,b,c\";\"d,e\"\n1;2\n", ';', []string{"a,b,c", "d,e"}, [][]string{{"1", "2"}}},
		{"quoted semicolons", "\"x;y;z\",b\n1,2\n", ',', []string{"x;y;z", "b"}, [][]string{{"1", "2"}}},
		// A quoted line break in the header: the next text line is
		// still the header.
		{"header line break", "\"Navn\nlangt\";b;c\n1;2;3\n", ';', []string{"Navn\nlangt", "b", "c"}, [][]string{{"1", "2", "3"}}},
		{"tie goes to semicolon", "a;b,c\n1;2,3\n", ';', []string{"a", "b,c"}, [][]string{{"1", "2,3"}}},
		{"one column", "Navn\nÆble, Pære\n", ';', []string{"Navn"}, [][]string{{"Æble, Pære"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := Open(strings.NewReader(tt.data), "x.csv", Limits{})
			must(t, err)
			defer tb.Close()
			if tb.Comma != tt.comma || tb.Format != FormatCSV {
				t.Errorf("comma %q format %s, want %q csv", tb.Comma, tb.Format, tt.comma)
			}
			if !reflect.DeepEqual(tb.Header, tt.header) {
				t.Errorf("header %q, want %q", tb.Header, tt.header)
			}
			var rows [][]string
			for tb.Next() {
				rows = append(rows, tb.Row())
			}
			must(t, tb.Err())
			equalRows(t, rows, tt.rows)
		})
	}
	// Options.Comma overrides the detection.
	h, rows, _, err := readAll(t, []byte("a;b,c\n1;2,3\n"), "x.csv", Options{Comma: ','})
	must(t, err)
	equalRows(t, append([][]string{h}, rows...), [][]string{{"a;b", "c"}, {"1;2", "3"}})
	if _, err := OpenWith(strings.NewReader("a"), "x.csv", Options{Comma: '|'}); err == nil {
		t.Error("separator '|' accepted")
	}
}

func TestCSVQuoting(t *testing.T) {
	data := "\ufeffNavn;Note;Beløb\r\n" +
		"\"Æ;ø\";\"sagde \"\"hej\"\"\";\"1.234,56\"\r\n" +
		"\"to\nlinjer\";\"crlf\r\nbevaret\";\" mellemrum \"\r\n" +
		"ingen;\"\";-12,5\r\n" +
		" a ; b ;c\r\n"
	h, rows, lines, err := readAll(t, []byte(data), "x.csv", Options{})
	must(t, err)
	equalRows(t, [][]string{h}, [][]string{{"Navn", "Note", "Beløb"}})
	equalRows(t, rows, [][]string{
		{"Æ;ø", `sagde "hej"`, "1.234,56"},
		{"to\nlinjer", "crlf\r\nbevaret", " mellemrum "},
		{"ingen", "", "-12,5"},
		{" a ", " b ", "c"},
	})
	if want := []int{2, 3, 4, 5}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines %v, want %v (a row with quoted line breaks is one line)", lines, want)
	}
}

func TestCSVLineEndingsAndBlankRows(t *testing.T) {
	for _, nl := range []string{"\n", "\r\n", "\r"} {
		data := strings.Join([]string{"", "a;b", "1;2", "", ";", "3;4", ""}, nl)
		h, rows, lines, err := readAll(t, []byte(data), "x.csv", Options{})
		must(t, err)
		equalRows(t, append([][]string{h}, rows...), [][]string{{"a", "b"}, {"1", "2"}, {"3", "4"}})
		if want := []int{3, 6}; !reflect.DeepEqual(lines, want) {
			t.Errorf("%q: lines %v, want %v", nl, lines, want)
		}
	}
	// No line break at the end, and an empty last cell.
	_, rows, _, err := readAll(t, []byte("a;b\n1;"), "x.csv", Options{})
	must(t, err)
	equalRows(t, rows, [][]string{{"1", ""}})
	_, rows, _, err = readAll(t, []byte("a;b\n1;\"x\""), "x.csv", Options{})
	must(t, err)
	equalRows(t, rows, [][]string{{"1", "x"}})
}

func TestCSVBOMAndHeaderOnly(t *testing.T) {
	for _, data := range []string{"\ufeffa;b", "\ufeffa;b\r\n", "\ufeffa;b\r\n\r\n", "a;b\n\n\n"} {
		tb, err := Open(strings.NewReader(data), "x.csv", Limits{})
		must(t, err)
		if !reflect.DeepEqual(tb.Header, []string{"a", "b"}) {
			t.Errorf("%q: header %q", data, tb.Header)
		}
		if tb.Next() {
			t.Errorf("%q: a row %q", data, tb.Row())
		}
		must(t, tb.Err())
		if tb.Column(" B ") != 1 || tb.Column("c") != -1 {
			t.Error("Column")
		}
		must(t, tb.Close())
		must(t, tb.Close())
	}
}

func TestEmptyFile(t *testing.T) {
	for _, data := range []string{"", "\ufeff", "\n\r\n", ";;\n"} {
		_, err := Open(strings.NewReader(data), "x.csv", Limits{})
		wantError(t, err, samspil.EINVALID, "empty")
	}
	_, err := Open(strings.NewReader(""), "x.xlsx", Limits{})
	wantError(t, err, samspil.EINVALID, "empty")
}

func TestCSVUTF16(t *testing.T) {
	text := "Navn\tKommune\r\nÆble\tHøje-Taastrup\r\n\"a\tb\"\tÅ\r\n"
	for _, endian := range []unicode.Endianness{unicode.LittleEndian, unicode.BigEndian} {
		enc := unicode.UTF16(endian, unicode.UseBOM).NewEncoder()
		data, err := enc.Bytes([]byte(text))
		must(t, err)
		h, rows, _, err := readAll(t, data, "eksport.txt", Options{})
		must(t, err)
		equalRows(t, append([][]string{h}, rows...), [][]string{{"Navn", "Kommune"}, {"Æble", "Høje-Taastrup"}, {"a\tb", "Å"}})
	}
}

func TestCSVInvalidText(t *testing.T) {
	// Danish Excel's plain "CSV" is Windows-1252: æ is 0xE6.
	_, _, _, err := readAll(t, []byte("Navn;By\nA;B\nK\xe6rby;Vejle\n"), "x.csv", Options{})
	wantError(t, err, samspil.EINVALID, "line 3, column 1 (\"Navn\")", "UTF-8", "CSV UTF-8")
	_, err = Open(strings.NewReader("Navn;B\xf8\n"), "x.csv", Limits{})
	wantError(t, err, samspil.EINVALID, "line 1, column 2", "UTF-8")
	// A separator that splits a multi-byte sequence (found by fuzzing:
	// the record's text without separators, "\xc3\xa6", is valid).
	_, _, _, err = readAll(t, []byte("a;b\n\xc3;\xa6\n"), "x.csv", Options{})
	wantError(t, err, samspil.EINVALID, "line 2, column 1 (\"a\")", "UTF-8")
	_, err = Open(strings.NewReader("\xef,\xbb\xbf"), "x.csv", Limits{})
	wantError(t, err, samspil.EINVALID, "line 1, column 1", "UTF-8")
	// UTF-16 without a byte-order mark has NULs.
	_, err = Open(strings.NewReader("N\x00a\x00v\x00n\x00"), "x.csv", Limits{})
	wantError(t, err, samspil.EINVALID, "line 1", "NUL")
}

func TestCSVBadQuoting(t *testing.T) {
	tests := []struct{ data, want string }{
		{"a;b\n1;x\"y\n", `line 2, column 2 ("b"): a quote`},
		{"a;b\n1;\"x\"y\n", `line 2, column 2 ("b"): unexpected text after the closing quote`},
		{"a;b\n1;\"x\" \n", `line 2, column 2 ("b"): unexpected text after the closing quote`},
		{"a;b\n1;2\n\"open;3\n4;5\n", `line 3, column 1 ("a"): a quoted value is not closed`},
		// The row started on text line 2; its second cell opens a quote
		// on text line 3 that is never closed.
		{"a;b\n\"x\ny\";\"z\nw\n", `line 2 (text line 3), column 2 ("b"): a quoted value is not closed: the quote opened on text line 3`},
		{"a;b\n\"x\ny\";\"z\"q\n", `line 2 (text line 3), column 2 ("b"): unexpected text`},
		{"a\"b;c\n", `line 1, column 1: a quote`},
	}
	for _, tt := range tests {
		_, _, _, err := readAll(t, []byte(tt.data), "x.csv", Options{})
		wantError(t, err, samspil.EINVALID, tt.want)
	}
}

func TestCSVRaggedRows(t *testing.T) {
	_, rows, _, err := readAll(t, []byte("a;b;c\n1;2;3\n4;5\n"), "x.csv", Options{})
	wantError(t, err, samspil.EINVALID, "line 3: the line has 2 values, but the header has 3 columns")
	equalRows(t, rows, [][]string{{"1", "2", "3"}})
	_, _, _, err = readAll(t, []byte("a;b;c\n1;2;3;4\n"), "x.csv", Options{})
	wantError(t, err, samspil.EINVALID, "line 2: the line has more values than the header's 3 columns")
	_, _, _, err = readAll(t, []byte("a;b\n\"x\ny\";1;2\n"), "x.csv", Options{})
	wantError(t, err, samspil.EINVALID, "line 2 (text line 3): the line has more values")
}

func TestCSVLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("id;navn\n")
	for i := range 10 {
		b.WriteString(strings.Repeat("x", i) + ";y\n")
	}
	data := []byte(b.String())
	_, rows, _, err := readAll(t, data, "x.csv", Options{Limits: Limits{MaxRows: 10}})
	must(t, err)
	if len(rows) != 10 {
		t.Fatalf("%d rows", len(rows))
	}
	_, rows, _, err = readAll(t, data, "x.csv", Options{Limits: Limits{MaxRows: 9}})
	wantError(t, err, samspil.ETOOLARGE, "line 11", "more than 9 rows")
	if len(rows) != 9 {
		t.Errorf("%d rows before the error", len(rows))
	}

	_, err = Open(strings.NewReader("a;b;c;d\n"), "x.csv", Limits{MaxColumns: 3})
	wantError(t, err, samspil.ETOOLARGE, "line 1", "more than 3 columns")
	_, err = Open(strings.NewReader("a;b;c\n"), "x.csv", Limits{MaxColumns: 3})
	must(t, err)

	_, _, _, err = readAll(t, data, "x.csv", Options{Limits: Limits{MaxCellBytes: 8}})
	wantError(t, err, samspil.ETOOLARGE, "line 11, column 1 (\"id\")", "longer than 8 bytes")
	_, _, _, err = readAll(t, []byte("a;b\n1;\"12345\n6789\"\n"), "x.csv", Options{Limits: Limits{MaxCellBytes: 9}})
	wantError(t, err, samspil.ETOOLARGE, "line 2 (text line 3), column 2 (\"b\")", "longer than 9 bytes")

	_, _, _, err = readAll(t, data, "x.csv", Options{Limits: Limits{MaxBytes: int64(len(data))}})
	must(t, err)
	_, _, _, err = readAll(t, data, "x.csv", Options{Limits: Limits{MaxBytes: int64(len(data) - 1)}})
	wantError(t, err, samspil.ETOOLARGE, "larger than")
	// A huge unquoted cell or line is refused while it streams.
	big := "a\n" + strings.Repeat("x", 1<<20)
	_, _, _, err = readAll(t, []byte(big), "x.csv", Options{})
	wantError(t, err, samspil.ETOOLARGE, "line 2, column 1 (\"a\")", "longer than 32768 bytes")
	_, _, _, err = readAll(t, []byte(big), "x.csv", Options{Limits: Limits{MaxBytes: 1000}})
	wantError(t, err, samspil.ETOOLARGE, "the file is larger than 1000 bytes")
}

func TestReaderFailure(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := Open(iotest.ErrReader(boom), "x.csv", Limits{})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v does not wrap the reader's", err)
	}
	if samspil.ErrorCode(err) != samspil.EINTERNAL {
		t.Errorf("code %s", samspil.ErrorCode(err))
	}
	r := iotest.DataErrReader(strings.NewReader("a;b\n1;2\n3;4"))
	tb, err := Open(r, "x.csv", Limits{})
	must(t, err)
	n := 0
	for tb.Next() {
		n++
	}
	must(t, tb.Err())
	if n != 2 {
		t.Errorf("%d rows", n)
	}
	// The error comes while the header is read…
	_, err = Open(io.MultiReader(strings.NewReader("a;b\n1;2\n3;"), iotest.ErrReader(boom)), "x.csv", Limits{})
	if !errors.Is(err, boom) {
		t.Errorf("Open: %v", err)
	}
	// … or after some rows.
	rows := "a;b\n" + strings.Repeat("1;2\n", 100_000)
	tb, err = Open(io.MultiReader(strings.NewReader(rows), iotest.ErrReader(boom)), "x.csv", Limits{})
	must(t, err)
	n = 0
	for tb.Next() {
		n++
	}
	if !errors.Is(tb.Err(), boom) || samspil.ErrorCode(tb.Err()) != samspil.EINTERNAL {
		t.Errorf("Err %v", tb.Err())
	}
	if n != 100_000 {
		t.Errorf("%d rows before the error", n)
	}
}

func TestFormatByContent(t *testing.T) {
	_, err := Open(strings.NewReader("a;b\n"), "rapport.xlsx", Limits{})
	wantError(t, err, samspil.EINVALID, "named .xlsx but is not an Excel workbook")
	_, err = Open(bytes.NewReader([]byte(oleMagic+"rest")), "rapport.xlsx", Limits{})
	wantError(t, err, samspil.EINVALID, ".xls", "password")
	_, err = Open(strings.NewReader("a;b\n"), "gammel.xls", Limits{})
	wantError(t, err, samspil.EINVALID, ".xls")
	// A CSV file with another name is read as CSV.
	tb, err := Open(strings.NewReader("a;b\n"), "data.txt", Limits{})
	must(t, err)
	must(t, tb.Close())
	// A ZIP file is read as XLSX whatever its name.
	_, err = Open(bytes.NewReader(zipParts(t, []part{{"a.txt", "x"}})), "data.csv", Limits{})
	wantError(t, err, samspil.EINVALID, "not a readable Excel workbook")
}
