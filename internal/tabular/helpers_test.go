package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/samspil/samspil"
)

// Parts of a minimal workbook with one sheet, for tests that build XLSX
// files by hand.
const (
	contentTypesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	rootRelsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRelsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
)

// minimalParts returns the parts of a workbook whose only sheet is
// sheetXML and whose shared strings are sst (none if "").
func minimalParts(sheetXML, sst string) []part {
	parts := []part{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", rootRelsXML},
		{"xl/workbook.xml", workbookXML},
		{"xl/_rels/workbook.xml.rels", workbookRelsXML},
		{"xl/worksheets/sheet1.xml", sheetXML},
	}
	if sst != "" {
		parts = append(parts, part{"xl/sharedStrings.xml", sst})
	}
	return parts
}

type part struct{ name, data string }

// zipParts packs parts into a ZIP file.
func zipParts(t testing.TB, parts []part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetXML makes a worksheet of inline-string rows; "" cells are left out.
func sheetXML(rows ...[]string) string {
	var b strings.Builder
	b.WriteString(sheetHead)
	for _, row := range rows {
		b.WriteString("<row>")
		for _, c := range row {
			if c == "" {
				b.WriteString("<c/>")
				continue
			}
			b.WriteString(`<c t="inlineStr"><is><t xml:space="preserve">`)
			b.WriteString(xmlEscape(c))
			b.WriteString(`</t></is></c>`)
		}
		b.WriteString("</row>")
	}
	b.WriteString(sheetTail)
	return b.String()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#xD;").Replace(s)
}

// readAll opens data and returns the header and the rows with their lines.
func readAll(t testing.TB, data []byte, name string, opt Options) (header []string, rows [][]string, lines []int, err error) {
	t.Helper()
	tb, err := OpenWith(bytes.NewReader(data), name, opt)
	if err != nil {
		return nil, nil, nil, err
	}
	defer func() {
		if cerr := tb.Close(); cerr != nil {
			t.Errorf("Close: %v", cerr)
		}
	}()
	for tb.Next() {
		rows = append(rows, tb.Row())
		lines = append(lines, tb.Line())
	}
	return tb.Header, rows, lines, tb.Err()
}

// wantError checks that err is a *samspil.Error with the code, naming the
// field "file", whose message contains each of parts.
func wantError(t testing.TB, err error, code string, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s error mentioning %q", code, parts)
	}
	var se *samspil.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *samspil.Error", err, err)
	}
	if se.Code != code {
		t.Fatalf("error %q has code %s, want %s", se.Message, se.Code, code)
	}
	if len(se.Fields) != 1 || se.Fields[0].Path != "file" {
		t.Errorf("error %q has fields %+v, want one for \"file\"", se.Message, se.Fields)
	}
	for _, p := range parts {
		if !strings.Contains(se.Message, p) {
			t.Errorf("error %q does not mention %q", se.Message, p)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func equalRows(t testing.TB, got, want [][]string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows differ:\n got %q\nwant %q", got, want)
	}
}

// crc of data repeated n times.
func crcRepeat(crc uint32, data []byte, n int) uint32 {
	for range n {
		crc = crc32.Update(crc, crc32.IEEETable, data)
	}
	return crc
}
