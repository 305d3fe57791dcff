package tabular

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/samspil/samspil"
)

var roundTripHeader = []string{"System", "Leverandør", "Beløb", "Note"}

var roundTripRows = [][]string{
	{"Æble & Pære", "Østergård; \"Åben\" ApS", "1234,56", "to\nlinjer"},
	{"crlf", "a\r\nb", "-12,5", "lone\rcr"},
	{"=HYPERLINK(\"http://evil\",\"klik\")", "+SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)"},
	{"\t=1+2", "\r-1+1", " =x", "'allerede"},
	{"-", "+45 12 34 56 78", "1.234.567,89", "-0,5"},
	{" mellemrum ", "\t", "æøå ÆØÅ é ü ß 😀", "_x0041_ _x005F_x0041_"},
	{"", "", "", "sidste"},
	{"komma, her", "tab\there", "semikolon;her", `"citeret"`},
}

// neutralized is what a CSV round trip gives for row.
func neutralized(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = NeutralizeFormula(c)
	}
	return out
}

func writeTable(t *testing.T, w *Writer, header []string, rows [][]string) {
	t.Helper()
	must(t, w.WriteHeader(header))
	for _, r := range rows {
		must(t, w.WriteRow(r))
	}
	must(t, w.Close())
}

func TestCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	writeTable(t, NewCSVWriter(&buf), roundTripHeader, roundTripRows)
	out := buf.String()

	// The bytes Excel sees.
	if !strings.HasPrefix(out, "\ufeffSystem;Leverandør;Beløb;Note\r\n") {
		t.Errorf("start %q", out[:40])
	}
	for _, want := range []string{
		"\r\nÆble & Pære;\"Østergård; \"\"Åben\"\" ApS\";\"1234,56\";\"to\nlinjer\"\r\n",
		"\r\n\"'=HYPERLINK(\"\"http://evil\"\",\"\"klik\"\")\";'+SUM(A1:A2);'-2+3+cmd|' /C calc'!A0;'@SUM(1)\r\n",
		"\r\n\"'\t=1+2\";\"'\r-1+1\";' =x;'allerede\r\n",
		"\r\n-;+45 12 34 56 78;\"1.234.567,89\";\"-0,5\"\r\n",
		"\r\n;;;sidste\r\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
	if !strings.HasSuffix(out, "\"\"\"citeret\"\"\"\r\n") {
		t.Errorf("end %q", out[len(out)-20:])
	}

	h, rows, _, err := readAll(t, buf.Bytes(), "eksport.csv", Options{})
	must(t, err)
	equalRows(t, [][]string{h}, [][]string{roundTripHeader})
	var want [][]string
	for _, r := range roundTripRows {
		want = append(want, neutralized(r))
	}
	equalRows(t, rows, want)
	// Decimal commas read back as numbers.
	if v, err := ParseDecimal(rows[0][2]); err != nil || v != 1234.56 {
		t.Errorf("%q: %v %v", rows[0][2], v, err)
	}
	if v, err := ParseDecimal(rows[4][2]); err != nil || v != 1234567.89 {
		t.Errorf("%q: %v %v", rows[4][2], v, err)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	writeTable(t, NewXLSXWriter(&buf, "IT-landskab"), roundTripHeader, roundTripRows)

	// The cells Excel sees: strings, never formulas, and the
	// formula-like ones in the text format.
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	must(t, err)
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "IT-landskab" {
		t.Errorf("sheets %q", got)
	}
	for _, ref := range []string{"A4", "B4", "C4", "D4", "A5", "B5", "C5"} {
		formula, err := f.GetCellFormula("IT-landskab", ref)
		must(t, err)
		typ, err := f.GetCellType("IT-landskab", ref)
		must(t, err)
		if formula != "" || typ != excelize.CellTypeInlineString {
			t.Errorf("%s: formula %q type %v", ref, formula, typ)
		}
		style, err := f.GetCellStyle("IT-landskab", ref)
		must(t, err)
		st, err := f.GetStyle(style)
		must(t, err)
		if st.NumFmt != 49 {
			t.Errorf("%s: number format %d, want 49 (text)", ref, st.NumFmt)
		}
	}
	if v, _ := f.GetCellValue("IT-landskab", "A4"); v != roundTripRows[2][0] {
		t.Errorf("A4 = %q", v)
	}

	// Reading back gives exactly what was written: no apostrophes.
	h, rows, lines, err := readAll(t, buf.Bytes(), "eksport.xlsx", Options{})
	must(t, err)
	equalRows(t, [][]string{h}, [][]string{roundTripHeader})
	equalRows(t, rows, roundTripRows)
	if lines[0] != 2 || lines[len(lines)-1] != len(roundTripRows)+1 {
		t.Errorf("lines %v", lines)
	}
}

func TestNeutralizeFormula(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+2", "'=1+2"},
		{"+1+2", "'+1+2"},
		{"-1+2", "'-1+2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r\n+x", "'\r\n+x"},
		{"  =x", "'  =x"},
		{"=", "'="},
		{"-12,5", "-12,5"},
		{"-1.234,50", "-1.234,50"},
		{"+45 12 34 56 78", "+45 12 34 56 78"},
		{"-", "-"},
		{"@", "@"},
		{"--1", "'--1"},
		{"-1e5", "'-1e5"},
		{"a=b", "a=b"},
		{"'=x", "'=x"},
		{"", ""},
		{" \t", " \t"},
		{"Æble", "Æble"},
	}
	for _, tt := range tests {
		if got := NeutralizeFormula(tt.in); got != tt.want {
			t.Errorf("NeutralizeFormula(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriterErrors(t *testing.T) {
	for _, xlsx := range []bool{false, true} {
		newW := func() (*Writer, *bytes.Buffer) {
			var buf bytes.Buffer
			if xlsx {
				return NewXLSXWriter(&buf, ""), &buf
			}
			return NewCSVWriter(&buf), &buf
		}
		w, _ := newW()
		if w.WriteRow([]string{"x"}) == nil {
			t.Error("row before header")
		}
		if w.WriteHeader(nil) == nil || w.WriteHeader([]string{"a", ""}) == nil {
			t.Error("bad header accepted")
		}
		must(t, w.WriteHeader([]string{"a", "b"}))
		if w.WriteHeader([]string{"a", "b"}) == nil {
			t.Error("second header")
		}
		if w.WriteRow([]string{"x"}) == nil {
			t.Error("short row accepted")
		}
		must(t, w.WriteRow([]string{"x", "y"}))
		err := w.WriteRow([]string{"ok", "K\xe6rby"})
		wantError(t, err, samspil.EINVALID, "line 3, column 2: the text is not valid UTF-8")
		if w.WriteRow([]string{"x", "y"}) != err || w.Close() != err {
			t.Error("error not sticky")
		}

		w, _ = newW()
		must(t, w.WriteHeader([]string{"a"}))
		err = w.WriteRow([]string{"nul\x00"})
		if xlsx {
			wantError(t, err, samspil.EINVALID, "line 2, column 1", "U+0000")
		} else {
			wantError(t, err, samspil.EINVALID, "line 2, column 1", "NUL")
		}
		if xlsx {
			w, _ = newW()
			must(t, w.WriteHeader([]string{"a"}))
			wantError(t, w.WriteRow([]string{"bell\x07"}), samspil.EINVALID, "U+0007")
			w, _ = newW()
			must(t, w.WriteHeader([]string{"a"}))
			must(t, w.WriteRow([]string{strings.Repeat("ø", 32767)}))
			wantError(t, w.WriteRow([]string{strings.Repeat("😀", 16384)}), samspil.EINVALID, "longer than the 32767 characters")
		}

		// An empty table is a valid file with no header.
		w, buf := newW()
		must(t, w.Close())
		if w.WriteHeader([]string{"a"}) == nil {
			t.Error("write after Close")
		}
		_, err = Open(bytes.NewReader(buf.Bytes()), "x", Limits{})
		wantError(t, err, samspil.EINVALID)
	}
	if got := sheetName("Kontrakter: 2026/27 [udkast]*?"); got != "Kontrakter_ 2026_27 _udkast___" {
		t.Errorf("sheetName %q", got)
	}
	if got := sheetName("'"); got != "Ark1" {
		t.Errorf("sheetName %q", got)
	}
}

// excelizeRoundTrip stores s in an inline-string cell with excelize's
// StreamWriter and reads it back with its row iterator, as Writer and
// Table do, but without Writer's checks.
func excelizeRoundTrip(t testing.TB, s string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	must(t, err)
	must(t, sw.SetRow("A1", []any{s}))
	must(t, sw.Flush())
	buf, err := f.WriteToBuffer()
	must(t, err)
	g, err := excelize.OpenReader(buf, excelize.Options{RawCellValue: true})
	must(t, err)
	defer g.Close()
	rows, err := g.Rows("Sheet1")
	must(t, err)
	defer rows.Close()
	if !rows.Next() {
		return ""
	}
	cells, err := rows.Columns(excelize.Options{RawCellValue: true})
	must(t, err)
	if len(cells) == 0 {
		return ""
	}
	return cells[0]
}

// TestXLSXEscapes checks xlsxKeeps, the replay of excelize's escaping,
// against excelize itself.
func TestXLSXEscapes(t *testing.T) {
	for _, s := range []string{
		"_x0041_", "a_x0041_b_x0042_", "_x005F_", "_x005f_", "_x005F_x0041_", "_x005F_x005F_",
		"_x0000_x0000_", "_x0041_x005F_", "_x005F_x005F_x0041_", "_xD800_", "_xdfff_", "_xFFFF_",
		"_x_", "_x004_", "__x0041__", "x0041_", "_x0041", "_X0041_", "_x0041_ _x0042_x",
	} {
		got := excelizeRoundTrip(t, s)
		if keeps := xlsxKeeps(s); keeps != (got == s) {
			t.Errorf("%q: xlsxKeeps %v, but excelize gives back %q", s, keeps, got)
		}
	}
	var buf bytes.Buffer
	w := NewXLSXWriter(&buf, "x")
	must(t, w.WriteHeader([]string{"a"}))
	wantError(t, w.WriteRow([]string{"_x0000_x0000_"}), samspil.EINVALID, "line 2, column 1", "_x0041_")
}
