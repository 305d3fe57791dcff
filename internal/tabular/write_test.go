package tabular

import (
	"bytes"
	"math"
	"strconv"
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

// TestXLSXTypedCells writes typed cells: in XLSX numbers, dates and
// amounts are numbers with their formats (dates from 1900-03-01 on; earlier
// ones as text), text stays text and formula-like text is never a formula;
// the header is frozen and filtered and the columns are wide enough. CSV
// writes their text. Both read back as the same values.
func TestXLSXTypedCells(t *testing.T) {
	header := []string{"Navn", "Måneder", "Start", "Drift pr. år"}
	kinds := []CellKind{KindText, KindNumber, KindDate, KindAmount}
	rows := [][]Cell{
		{TextCell("=SUM(A1:A2)"), NumberCell(36, "36"), DateCell(samspil.NewDate(2024, 1, 31)), AmountCell(1250000.5, "1250000,50")},
		{TextCell("Løn"), NumberCell(0.25, "0,25"), DateCell(samspil.NewDate(2028, 2, 29)), AmountCell(9999999999999.99, "9999999999999,99")},
		{TextCell("Gammel"), TextCell(""), DateCell(samspil.NewDate(1900, 2, 28)), AmountCell(0, "0")},
	}
	for _, format := range []string{FormatCSV, FormatXLSX} {
		var buf bytes.Buffer
		w := NewCSVWriter(&buf)
		if format == FormatXLSX {
			w = NewXLSXWriter(&buf, "Kontrakter")
		}
		must(t, w.SetColumnKinds(kinds))
		must(t, w.WriteHeader(header))
		if w.SetColumnKinds(kinds) == nil {
			t.Errorf("%s: SetColumnKinds after the header", format)
		}
		for _, r := range rows {
			must(t, w.WriteCells(r))
		}
		must(t, w.Close())

		tab, err := Open(bytes.NewReader(buf.Bytes()), "eksport."+format, Limits{})
		must(t, err)
		var got [][]string
		for tab.Next() {
			got = append(got, tab.Row())
		}
		must(t, tab.Err())
		if len(got) != len(rows) {
			t.Fatalf("%s: %d rows", format, len(got))
		}
		for i, r := range rows {
			// The formula-like text comes back as it was in XLSX, with the
			// apostrophe in CSV.
			if want := map[string]string{FormatCSV: "'=SUM(A1:A2)", FormatXLSX: "=SUM(A1:A2)"}[format]; i == 0 && got[i][0] != want {
				t.Errorf("%s: text %q, want %q", format, got[i][0], want)
			}
			if r[1].Kind == KindNumber {
				if v, err := ParseDecimal(got[i][1]); err != nil || v != r[1].Number {
					t.Errorf("%s row %d: number %q (%v)", format, i, got[i][1], err)
				}
			}
			if d, err := tab.ParseDate(got[i][2]); err != nil || samspil.DateOf(d) != r[2].Date {
				t.Errorf("%s row %d: date %q is %v (%v), want %s", format, i, got[i][2], d, err, r[2].Date)
			}
			if v, err := ParseDecimal(got[i][3]); err != nil || v != r[3].Number {
				t.Errorf("%s row %d: amount %q (%v)", format, i, got[i][3], err)
			}
		}
		if format == FormatCSV {
			if !strings.Contains(buf.String(), "\r\n'=SUM(A1:A2);36;2024-01-31;\"1250000,50\"\r\n") {
				t.Errorf("CSV %q", buf.String())
			}
			continue
		}
		// The serial numbers XLSX holds.
		for i, want := range []string{"45322", "46812", "1900-02-28"} {
			if got[i][2] != want {
				t.Errorf("date cell of row %d holds %q, want %q", i, got[i][2], want)
			}
		}

		f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		must(t, err)
		defer f.Close()
		const sheet = "Kontrakter"
		format := func(ref string) (int, string) {
			t.Helper()
			id, err := f.GetCellStyle(sheet, ref)
			must(t, err)
			st, err := f.GetStyle(id)
			must(t, err)
			custom := ""
			if st.CustomNumFmt != nil {
				custom = *st.CustomNumFmt
			}
			return st.NumFmt, custom
		}
		for ref, want := range map[string]struct {
			typ    excelize.CellType
			custom string
		}{
			"B2": {excelize.CellTypeUnset, ""}, "C2": {excelize.CellTypeUnset, DateFormat}, "D2": {excelize.CellTypeUnset, AmountFormat},
			"C4": {excelize.CellTypeInlineString, ""}, "A2": {excelize.CellTypeInlineString, ""},
		} {
			typ, err := f.GetCellType(sheet, ref)
			must(t, err)
			if _, custom := format(ref); typ != want.typ || custom != want.custom {
				t.Errorf("%s: type %v format %q, want %v %q", ref, typ, custom, want.typ, want.custom)
			}
			if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
				t.Errorf("%s: formula %q", ref, formula)
			}
		}
		if n, _ := format("A2"); n != 49 {
			t.Errorf("formula-like text has number format %d, want 49 (text)", n)
		}
		panes, err := f.GetPanes(sheet)
		must(t, err)
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("panes %+v", panes)
		}
		var filter string
		for _, n := range f.GetDefinedName() {
			if n.Name == "_xlnm._FilterDatabase" {
				filter = n.RefersTo
			}
		}
		if filter != "'Kontrakter'!$A$1:$D$4" {
			t.Errorf("autofilter over %q", filter)
		}
		for col, least := range map[string]float64{"A": 14, "B": 10, "C": 12, "D": 18} {
			if w, err := f.GetColWidth(sheet, col); err != nil || w < least {
				t.Errorf("column %s is %v wide (%v), want at least %v", col, w, err, least)
			}
		}
	}

	var buf bytes.Buffer
	w := NewXLSXWriter(&buf, "x")
	must(t, w.WriteHeader([]string{"a"}))
	wantError(t, w.WriteCells([]Cell{NumberCell(math.NaN(), "NaN")}), samspil.EINVALID, "line 2, column 1: the number is not finite")
	if w.WriteCells([]Cell{TextCell("a"), TextCell("b")}) == nil {
		t.Error("a row wider than the header")
	}
}

func TestDateSerial(t *testing.T) {
	for _, d := range []samspil.Date{samspil.NewDate(1900, 3, 1), samspil.NewDate(2024, 1, 31), samspil.NewDate(2028, 2, 29), samspil.NewDate(9999, 12, 31)} {
		got, ok := ExcelDate(strconv.FormatFloat(DateSerial(d), 'f', -1, 64))
		if !ok || samspil.DateOf(got) != d {
			t.Errorf("%s: serial %v reads as %v", d, DateSerial(d), got)
		}
	}
	if DateSerial(samspil.NewDate(1900, 3, 1)) != 61 || DateSerial(samspil.NewDate(2024, 1, 31)) != 45322 {
		t.Error("serials")
	}
}
