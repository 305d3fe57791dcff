package tabular

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/samspil/samspil"
)

// excelWorkbook builds a workbook as Excel users make them: a hidden
// first sheet, typed cells, shared strings and an empty row.
func excelWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must(t, f.SetSheetName("Sheet1", "Skjult"))
	must(t, f.SetCellValue("Skjult", "A1", "hemmelig"))
	idx, err := f.NewSheet("Data")
	must(t, err)
	f.SetActiveSheet(idx)
	must(t, f.SetSheetVisible("Skjult", false))
	if vis, _ := f.GetSheetVisible("Skjult"); vis {
		t.Fatal("sheet not hidden")
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(t, err)
	moneyStyle, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	must(t, err)
	rows := [][]any{
		{"Navn", "Beløb", "Dato", "Aktiv", "Kode"},
		{"Æble & Pære A/S", 1234.56, time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), true, "0101"},
		nil,
		{"  mellemrum  ", -12.5, time.Date(2026, 12, 24, 10, 30, 0, 0, time.UTC), false, 101},
		{"=SUM(A1)", 0.1 + 0.2},
	}
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			must(t, f.SetCellValue("Data", cell, v))
		}
	}
	must(t, f.SetCellStyle("Data", "B2", "B5", moneyStyle))
	must(t, f.SetCellStyle("Data", "C2", "C4", dateStyle))
	buf, err := f.WriteToBuffer()
	must(t, err)
	return buf.Bytes()
}

func TestXLSXRawValues(t *testing.T) {
	data := excelWorkbook(t)
	tb, err := Open(bytes.NewReader(data), "landskab.xlsx", Limits{})
	must(t, err)
	defer tb.Close()
	if tb.Format != FormatXLSX || tb.Sheet != "Data" || tb.Date1904 || tb.Line() != 1 {
		t.Errorf("format %s sheet %q date1904 %v line %d", tb.Format, tb.Sheet, tb.Date1904, tb.Line())
	}
	if want := []string{"Navn", "Beløb", "Dato", "Aktiv", "Kode"}; !reflect.DeepEqual(tb.Header, want) {
		t.Errorf("header %q", tb.Header)
	}
	var rows [][]string
	var lines []int
	for tb.Next() {
		rows = append(rows, tb.Row())
		lines = append(lines, tb.Line())
	}
	must(t, tb.Err())
	equalRows(t, rows, [][]string{
		{"Æble & Pære A/S", "1234.56", "45322", "1", "0101"},
		{"  mellemrum  ", "-12.5", "46380.4375", "0", "101"},
		{"=SUM(A1)", "0.3", "", "", ""},
	})
	if want := []int{2, 4, 5}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
	// The helpers read the raw values.
	if v, err := ParseDecimal(rows[0][1]); err != nil || v != 1234.56 {
		t.Errorf("ParseDecimal: %v %v", v, err)
	}
	if d, err := tb.ParseDate(rows[1][2]); err != nil || !d.Equal(time.Date(2026, 12, 24, 10, 30, 0, 0, time.UTC)) {
		t.Errorf("ParseDate: %v %v", d, err)
	}

	// A hidden sheet is read when named.
	h, _, _, err := readAll(t, data, "x.xlsx", Options{Sheet: "skjult"})
	must(t, err)
	equalRows(t, [][]string{h}, [][]string{{"hemmelig"}})
	_, err = OpenWith(bytes.NewReader(data), "x.xlsx", Options{Sheet: "Kontrakter"})
	wantError(t, err, samspil.EINVALID, `no sheet named "Kontrakter"`, `"Skjult", "Data"`)
}

func TestXLSXRowShapes(t *testing.T) {
	sheet := sheetHead +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>id</t></is></c><c r="B3" t="inlineStr"><is><t>navn</t></is></c><c r="C3" t="inlineStr"><is><t>note</t></is></c></row>` +
		`<row r="4"><c r="A4"><v>1</v></c><c r="B4"><v>0.30000000000000004</v></c></row>` +
		`<row r="6"><c r="B6" t="s"><v>0</v></c><c r="C6"><f>1+1</f><v>2</v></c></row>` +
		`<row r="7"><c r="A7" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="D7"/></row>` +
		sheetTail
	sst := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>Østergård</t></si></sst>`
	h, rows, lines, err := readAll(t, zipParts(t, minimalParts(sheet, sst)), "x.xlsx", Options{})
	must(t, err)
	equalRows(t, [][]string{h}, [][]string{{"id", "navn", "note"}})
	// Short rows are padded; formulas give their cached values; numbers
	// are as stored.
	equalRows(t, rows, [][]string{{"1", "0.30000000000000004", ""}, {"", "Østergård", "2"}, {"xy", "", ""}})
	if want := []int{4, 6, 7}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}

	// A value right of the header.
	sheet = sheetXML([]string{"a", "b"}, []string{"1", "2"}, []string{"3", "", "x"})
	_, rows, _, err = readAll(t, zipParts(t, minimalParts(sheet, "")), "x.xlsx", Options{})
	wantError(t, err, samspil.EINVALID, "line 3, column 3: a value to the right of the header's last column (2)")
	equalRows(t, rows, [][]string{{"1", "2"}})

	// A header-only sheet, and an empty one.
	tb, err := Open(bytes.NewReader(zipParts(t, minimalParts(sheetXML([]string{"a", "b"}), ""))), "x.xlsx", Limits{})
	must(t, err)
	if tb.Next() || tb.Err() != nil {
		t.Error("rows in a header-only sheet")
	}
	must(t, tb.Close())
	_, err = Open(bytes.NewReader(zipParts(t, minimalParts(sheetXML(), ""))), "x.xlsx", Limits{})
	wantError(t, err, samspil.EINVALID, "no header row")
}

func TestXLSXDate1904(t *testing.T) {
	parts := minimalParts(sheetXML([]string{"dato"}), "")
	parts[2].data = strings.Replace(workbookXML, "<sheets>", `<workbookPr date1904="1"/><sheets>`, 1)
	tb, err := Open(bytes.NewReader(zipParts(t, parts)), "x.xlsx", Limits{})
	must(t, err)
	defer tb.Close()
	if !tb.Date1904 {
		t.Fatal("Date1904 not set")
	}
	d, err := tb.ParseDate("43860")
	must(t, err)
	if want := time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC); !d.Equal(want) {
		t.Errorf("%v, want %v", d, want)
	}
}

func TestXLSXLimits(t *testing.T) {
	var rows [][]string
	rows = append(rows, []string{"a", "b", "c"})
	for i := range 20 {
		rows = append(rows, []string{fmt.Sprint(i), strings.Repeat("x", i), "z"})
	}
	data := zipParts(t, minimalParts(sheetXML(rows...), ""))
	_, got, _, err := readAll(t, data, "x.xlsx", Options{Limits: Limits{MaxRows: 20}})
	must(t, err)
	equalRows(t, got, rows[1:])
	_, _, _, err = readAll(t, data, "x.xlsx", Options{Limits: Limits{MaxRows: 19}})
	wantError(t, err, samspil.ETOOLARGE, "line 21", "more than 19 rows")
	_, _, _, err = readAll(t, data, "x.xlsx", Options{Limits: Limits{MaxColumns: 2}})
	wantError(t, err, samspil.ETOOLARGE, "line 1", "3 columns", "at most 2")
	_, _, _, err = readAll(t, data, "x.xlsx", Options{Limits: Limits{MaxCellBytes: 10}})
	wantError(t, err, samspil.ETOOLARGE, `line 13, column 2 ("b")`, "longer than 10 bytes")
	_, _, _, err = readAll(t, data, "x.xlsx", Options{Limits: Limits{MaxBytes: int64(len(data) - 1)}})
	wantError(t, err, samspil.ETOOLARGE, "the file is larger than")
	_, _, _, err = readAll(t, data, "x.xlsx", Options{Limits: Limits{MaxUnzippedBytes: 2000}})
	wantError(t, err, samspil.ETOOLARGE, "unpacks to more than 2000 bytes")

	// Shared strings may take a quarter of MaxUnzippedBytes.
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + strings.Repeat("<si><t>æøå</t></si>", 5000) + `</sst>`
	data = zipParts(t, minimalParts(sheetXML([]string{"a"}), sst))
	_, _, _, err = readAll(t, data, "x.xlsx", Options{Limits: Limits{MaxUnzippedBytes: 200_000}})
	wantError(t, err, samspil.ETOOLARGE, "xl/sharedStrings.xml unpacks to more than 50000 bytes")
	_, _, _, err = readAll(t, data, "x.xlsx", Options{Limits: Limits{MaxUnzippedBytes: 500_000}})
	must(t, err)
	// Other XML parts are capped at 16 MiB.
	parts := minimalParts(sheetXML([]string{"a"}), "")
	parts = append(parts, part{"xl/styles.xml", "<styleSheet>" + strings.Repeat(" ", 17<<20) + "</styleSheet>"})
	_, _, _, err = readAll(t, zipParts(t, parts), "x.xlsx", Options{})
	wantError(t, err, samspil.ETOOLARGE, "xl/styles.xml unpacks to more than 16 MiB")
}

// TestXLSXDamaged checks that a damaged worksheet is an error, where
// excelize's row iterator on its own would just stop early.
func TestXLSXDamaged(t *testing.T) {
	good := sheetXML([]string{"a", "b"}, []string{"1", "2"}, []string{"3", "4"}, []string{"5", "6"})
	tests := []struct {
		name, sheet string
		want        []string
	}{
		{"bare ampersand", strings.Replace(good, "<t xml:space=\"preserve\">3", "<t>AT&T 3", 1), []string{"line 3: the worksheet xl/worksheets/sheet1.xml is damaged"}},
		{"truncated", good[:len(good)-len(sheetTail)-30], []string{"is damaged", "unexpected EOF"}},
		{"bad nesting", strings.Replace(good, "</is></c></row><row><c t=\"inlineStr\"><is><t xml:space=\"preserve\">5", "</c></is></row><row><c t=\"inlineStr\"><is><t xml:space=\"preserve\">5", 1), []string{"line 3", "unexpected end tag"}},
		{"control character", strings.Replace(good, ">5<", ">\x01<", 1), []string{"line 4", "is damaged"}},
		{"invalid UTF-8", strings.Replace(good, ">5<", ">\xe6<", 1), []string{"line 4", "is damaged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := readAll(t, zipParts(t, minimalParts(tt.sheet, "")), "x.xlsx", Options{})
			wantError(t, err, samspil.EINVALID, tt.want...)
		})
	}

	// A part whose CRC does not match.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range minimalParts(good, "") {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Store})
		must(t, err)
		_, err = w.Write([]byte(p.data))
		must(t, err)
	}
	must(t, zw.Close())
	data := buf.Bytes()
	i := bytes.Index(data, []byte("<t xml:space=\"preserve\">3"))
	data[i+len("<t xml:space=\"preserve\">")] = '9'
	_, _, _, err := readAll(t, data, "x.xlsx", Options{})
	wantError(t, err, samspil.EINVALID, "xl/worksheets/sheet1.xml is corrupt", "checksum")

	// Damaged shared strings.
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a</t></si><si><t>b</t></sst>`
	sheet := sheetHead + `<row><c t="s"><v>0</v></c></row><row><c t="s"><v>0</v></c></row>` + sheetTail
	_, _, _, err = readAll(t, zipParts(t, minimalParts(sheet, sst)), "x.xlsx", Options{})
	wantError(t, err, samspil.EINVALID, "damaged")

	for _, bad := range [][]byte{
		[]byte("PK\x03\x04 not really a zip file"),
		zipParts(t, []part{{"xl/workbook.xml", "<workbook/>"}}),
		zipParts(t, minimalParts(good, "<sst><si><t>x</si></sst>")),
	} {
		_, _, _, err = readAll(t, bad, "x.xlsx", Options{})
		wantError(t, err, samspil.EINVALID)
	}
}

func TestXLSXDoctype(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>`
	xxe := `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`
	sheet := strings.Replace(sheetXML([]string{"a"}, []string{"&xxe;"}), `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`, xxe, 1)
	sheet = strings.Replace(sheet, "&amp;xxe;", "&xxe;", 1)
	parts := minimalParts(sheet, "")
	_, _, _, err := readAll(t, zipParts(t, parts), "x.xlsx", Options{})
	wantError(t, err, samspil.EINVALID, "xl/worksheets/sheet1.xml contains a DOCTYPE or ENTITY declaration")

	parts = minimalParts(sheetXML([]string{"a"}), "")
	parts[2].data = strings.Replace(workbookXML, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`, laughs, 1)
	_, _, _, err = readAll(t, zipParts(t, parts), "x.xlsx", Options{})
	wantError(t, err, samspil.EINVALID, "xl/workbook.xml contains a DOCTYPE")

	// A declaration after a long comment, straddling two reads.
	for pad := 65536 - 20; pad < 65536+4; pad++ {
		parts = minimalParts(sheetXML([]string{"a"}), "")
		parts[0].data = "<!--" + strings.Repeat("-", pad) + "-->" + "<!ENTITY x 'y'>" + contentTypesXML
		_, _, _, err = readAll(t, zipParts(t, parts), "x.xlsx", Options{})
		wantError(t, err, samspil.EINVALID, "[Content_Types].xml contains a DOCTYPE or ENTITY")
	}
}

// bombSheet returns a deflated worksheet of n MiB of rows, made by
// repeating one deflated MiB (a sync-flushed deflate stream may be
// concatenated), with its CRC and size; a few hundred KiB in all.
func bombSheet(t testing.TB, mib int) (deflated []byte, crc uint32, size uint64) {
	t.Helper()
	row := []byte(`<row><c t="inlineStr"><is><t>bombe</t></is></c></row>`)
	chunk := bytes.Repeat(row, (1<<20)/len(row))
	compress := func(b []byte) []byte {
		var buf bytes.Buffer
		w, err := flate.NewWriter(&buf, flate.BestCompression)
		must(t, err)
		_, err = w.Write(b)
		must(t, err)
		must(t, w.Flush())
		return buf.Bytes()
	}
	head, tail := []byte(sheetHead+`<row><c t="inlineStr"><is><t>a</t></is></c></row>`), []byte(sheetTail)
	var out bytes.Buffer
	out.Write(compress(head))
	c := compress(chunk)
	for range mib {
		out.Write(c)
	}
	out.Write(compress(tail))
	out.Write([]byte{0x03, 0x00}) // the final, empty block
	crc = crc32.Update(0, crc32.IEEETable, head)
	crc = crcRepeat(crc, chunk, mib)
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	return out.Bytes(), crc, uint64(len(head)) + uint64(mib)*uint64(len(chunk)) + uint64(len(tail))
}

// bombXLSX packs the bomb sheet into a workbook whose directory declares
// declared as the sheet's size.
func bombXLSX(t testing.TB, deflated []byte, crc uint32, declared uint64) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range minimalParts("", "") {
		if p.name == "xl/worksheets/sheet1.xml" {
			w, err := zw.CreateRaw(&zip.FileHeader{
				Name: p.name, Method: zip.Deflate, CRC32: crc,
				CompressedSize64: uint64(len(deflated)), UncompressedSize64: declared,
			})
			must(t, err)
			_, err = w.Write(deflated)
			must(t, err)
			continue
		}
		w, err := zw.Create(p.name)
		must(t, err)
		_, err = w.Write([]byte(p.data))
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

func TestXLSXZipBomb(t *testing.T) {
	start := time.Now()
	deflated, crc, size := bombSheet(t, 300)
	t.Logf("sheet of %d MiB deflated to %d KiB", size>>20, len(deflated)>>10)
	if len(deflated) > 1<<20 {
		t.Fatalf("bomb is %d bytes", len(deflated))
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	// Declared honestly: refused by the size in the directory, before
	// anything is unpacked.
	honest := bombXLSX(t, deflated, crc, size)
	_, _, _, err := readAll(t, honest, "bombe.xlsx", Options{Limits: Limits{MaxUnzippedBytes: 100 << 20}})
	wantError(t, err, samspil.ETOOLARGE, "unpacks to more than 100 MiB")
	// With the default limit of 1 GiB, a sheet declared larger.
	_, _, _, err = readAll(t, bombXLSX(t, deflated, crc, 5<<30), "bombe.xlsx", Options{})
	wantError(t, err, samspil.ETOOLARGE, "unpacks to more than 1 GiB")
	// Declared small: archive/zip stops at the declared size.
	_, _, _, err = readAll(t, bombXLSX(t, deflated, crc, 1<<20), "bombe.xlsx", Options{})
	wantError(t, err, samspil.EINVALID, "xl/worksheets/sheet1.xml is corrupt")

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
		t.Errorf("reading the bombs allocated %d MiB", grown>>20)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestXLSXTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	data := excelWorkbook(t)
	tb, err := OpenWith(bytes.NewReader(data), "x.xlsx", Options{TmpDir: dir})
	must(t, err)
	for tb.Next() {
	}
	must(t, tb.Err())
	must(t, tb.Close())
	_, err = OpenWith(bytes.NewReader(zipParts(t, minimalParts(sheetXML(), ""))), "x.xlsx", Options{TmpDir: dir})
	wantError(t, err, samspil.EINVALID)
	// Closing early stops the background check.
	tb, err = OpenWith(bytes.NewReader(data), "x.xlsx", Options{TmpDir: dir})
	must(t, err)
	must(t, tb.Close())
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	_ = os.RemoveAll(dir)
}
