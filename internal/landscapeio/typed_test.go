package landscapeio

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
	"github.com/samspil/samspil/internal/testkit/soffice"
)

// typedContracts are contracts whose deadlines are computed for 2026-06-15.
func typedContracts() []samspil.Contract {
	today := *date("2026-06-15")
	start := *date("2024-02-29")
	ins := []samspil.ContractInput{
		// 48 months with two options of 12 months, six months' notice to
		// the end of a quarter; with costs, one at the largest amount.
		{Name: "=HYPERLINK(\"http://x\";\"klik\")", ContractTerms: samspil.ContractTerms{Start: start, DurationMonths: 48, ExtensionCount: 2,
			ExtensionMonths: 12, NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfQuarter},
			Costs: &samspil.Costs{Acquisition: 12500050, Operation: 999_999_999_999_999, Other: 0}},
		{Name: "Løbende drift", ContractTerms: samspil.ContractTerms{Start: start, NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfMonth}},
		{Name: "Udløbet", ContractTerms: samspil.ContractTerms{Start: start, Expiry: date("2025-12-31")}},
	}
	var out []samspil.Contract
	for _, in := range ins {
		in.Visibility, in.PriceVisibility = samspil.VisibilitySector, samspil.VisibilitySector
		c := in.Contract()
		c.ContractTerms.Normalize()
		c.Deadlines = c.ContractTerms.Deadlines(today)
		out = append(out, c)
	}
	return out
}

func exportTyped(t *testing.T, format string, contracts []samspil.Contract) []byte {
	t.Helper()
	return exportFile(t, format, samspil.ImportContracts, func(e *Exporter) error {
		for i := range contracts {
			if err := e.WriteContract(&contracts[i], ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestContractExportTyped checks the cells of an exported XLSX file of
// contracts: dates, numbers and amounts are typed with their formats, text
// is text and never a formula, the computed deadlines are date columns
// after the template's, the header is frozen and filtered; and reading the
// file back gives the records, the computed columns ignored.
func TestContractExportTyped(t *testing.T) {
	contracts := typedContracts()
	data := exportTyped(t, "xlsx", contracts)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "Kontrakter"
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := append(Headings(samspil.ImportContracts), ComputedHeadings...)
	if !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("header %q", rows[0])
	}
	col := func(h string) int {
		i := slices.Index(wantHeader, h)
		if i < 0 {
			t.Fatalf("no column %q", h)
		}
		return i + 1
	}
	cell := func(h string, row int) (ref string, typ excelize.CellType, numFmt string, raw string) {
		t.Helper()
		ref, _ = excelize.CoordinatesToCellName(col(h), row)
		typ, err := f.GetCellType(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		id, err := f.GetCellStyle(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt != nil {
			numFmt = *st.CustomNumFmt
		}
		raw, _ = f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
			t.Fatalf("%s holds the formula %q", ref, formula)
		}
		return ref, typ, numFmt, raw
	}
	serial := func(d samspil.Date) string { return strconv.FormatFloat(tabular.DateSerial(d), 'f', -1, 64) }
	for i, c := range contracts {
		row := i + 2
		checks := []struct {
			heading, numFmt, raw string
			number               bool
		}{
			{"Kontrakt*", "", c.Name, false},
			{"Start*", tabular.DateFormat, serial(c.Start), true},
			{"Status (beregnet)", "", statusLabels[c.Deadlines.Status], false},
		}
		if c.DurationMonths > 0 {
			checks = append(checks, struct {
				heading, numFmt, raw string
				number               bool
			}{"Varighed (måneder)", "", "48", true})
		}
		if c.Costs != nil {
			checks = append(checks, []struct {
				heading, numFmt, raw string
				number               bool
			}{{"Anskaffelse pr. år", tabular.AmountFormat, "125000.5", true}, {"Drift pr. år", tabular.AmountFormat, "9999999999999.99", true},
				{"Andet pr. år", tabular.AmountFormat, "0", true}}...)
		}
		for h, d := range map[string]*samspil.Date{"Sidste frist for opsigelse (beregnet)": c.Deadlines.LastNoticeDate,
			"Næste beslutning senest (beregnet)": c.Deadlines.NextDecisionDate, "Udløber": c.Expiry} {
			if d != nil {
				checks = append(checks, struct {
					heading, numFmt, raw string
					number               bool
				}{h, tabular.DateFormat, serial(*d), true})
			} else if ref, typ, _, raw := cell(h, row); raw != "" || typ != excelize.CellTypeUnset {
				t.Errorf("%s (%s of %s) holds %q", ref, h, c.Name, raw)
			}
		}
		for _, ch := range checks {
			ref, typ, numFmt, raw := cell(ch.heading, row)
			wantType := excelize.CellTypeInlineString
			if ch.number {
				wantType = excelize.CellTypeUnset // a number: no t attribute
			}
			if typ != wantType || numFmt != ch.numFmt || raw != ch.raw {
				t.Errorf("%s (%s of %s): type %v format %q value %q, want %v %q %q", ref, ch.heading, c.Name, typ, numFmt, raw, wantType, ch.numFmt, ch.raw)
			}
		}
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Fatalf("panes %+v %v", panes, err)
	}
	var filter string
	for _, n := range f.GetDefinedName() {
		if n.Name == "_xlnm._FilterDatabase" {
			filter = n.RefersTo
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(wantHeader), len(contracts)+1)
	if filter != "'Kontrakter'!$A$1:$"+strings.TrimRight(last, "0123456789")+"$4" {
		t.Fatalf("autofilter over %q", filter)
	}

	// Reading it back gives the records; the computed columns are ignored.
	var want []samspil.Record
	for i := range contracts {
		want = append(want, samspil.Record{Contract: ContractRecordOf(&contracts[i], "")})
	}
	checkRoundTrip(t, "xlsx", samspil.ImportContracts, data, want)
	checkRoundTrip(t, "csv", samspil.ImportContracts, exportTyped(t, "csv", contracts), want)

	// The template for people to fill in has no computed columns.
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, "xlsx", samspil.ImportContracts); err != nil {
		t.Fatal(err)
	}
	if tab, err := tabular.Open(bytes.NewReader(buf.Bytes()), "skabelon.xlsx", tabular.Limits{}); err != nil || !slices.Equal(tab.Header, Headings(samspil.ImportContracts)) {
		t.Fatalf("template header %v %v", tab, err)
	} else {
		tab.Close()
	}
}

// TestWriteRecordComputesDeadlines checks that a contract written as a
// record gets its deadlines computed for the exporter's day, in CSV as in
// XLSX.
func TestWriteRecordComputesDeadlines(t *testing.T) {
	c := typedContracts()[1] // runs until notice: 3 months to the end of a month
	for _, format := range []string{"csv", "xlsx"} {
		var buf bytes.Buffer
		e, err := NewExporter(&buf, format, samspil.ImportContracts)
		if err != nil {
			t.Fatal(err)
		}
		e.today = func() samspil.Date { return *date("2026-06-15") }
		if err := e.WriteRecord(samspil.Record{Contract: ContractRecordOf(&c, "")}); err != nil {
			t.Fatal(err)
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		tab, err := tabular.Open(bytes.NewReader(buf.Bytes()), "x."+format, tabular.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if !tab.Next() {
			t.Fatalf("%s: no row: %v", format, tab.Err())
		}
		row := tab.Row()
		got := map[string]string{}
		for i, h := range ComputedHeadings {
			v := row[tab.Column(h)]
			if i < 2 {
				d, err := tab.ParseDate(v)
				if err != nil {
					t.Fatalf("%s: %s %q: %v", format, h, v, err)
				}
				v = samspil.DateOf(d).String()
			}
			got[h] = v
		}
		tab.Close()
		// Notice given on 2026-06-30 takes effect 2026-09-30.
		want := map[string]string{ComputedHeadings[0]: "2026-06-30", ComputedHeadings[1]: "2026-06-30", ComputedHeadings[2]: "Aktiv"}
		for h, w := range want {
			if got[h] != w {
				t.Errorf("%s: %s = %q, want %q", format, h, got[h], w)
			}
		}
	}
}

// TestExportReadByLibreOffice has LibreOffice, an independent reader of
// XLSX files, convert an exported file of contracts to OpenDocument and
// checks the types it sees: dates as dates, whole numbers as numbers,
// amounts as DKK currency, text (also formula-like text) as strings with no
// formula, and the header row filtered.
func TestExportReadByLibreOffice(t *testing.T) {
	contracts := typedContracts()
	fods := soffice.ReadXLSX(t, "kontrakter", exportTyped(t, "xlsx", contracts))
	sheet := readFODS(t, fods)
	if len(sheet.rows) != len(contracts)+1 {
		t.Fatalf("LibreOffice reads %d rows", len(sheet.rows))
	}
	header := sheet.rows[0]
	colOf := func(h string) int {
		for i, c := range header {
			if c.text == h {
				return i
			}
		}
		t.Fatalf("LibreOffice reads no column %q in %v", h, header)
		return -1
	}
	for i, c := range contracts {
		row := sheet.rows[i+1]
		at := func(h string) odsCell {
			if j := colOf(h); j < len(row) {
				return row[j]
			}
			return odsCell{}
		}
		want := map[string]odsCell{
			"Kontrakt*":         {typ: "string", text: c.Name},
			"Start*":            {typ: "date", value: c.Start.String()},
			"Status (beregnet)": {typ: "string", text: statusLabels[c.Deadlines.Status]},
		}
		if c.DurationMonths > 0 {
			want["Varighed (måneder)"] = odsCell{typ: "float", value: "48"}
		}
		if c.Costs != nil {
			want["Anskaffelse pr. år"] = odsCell{typ: "currency", value: "125000.5", currency: "DKK"}
			want["Drift pr. år"] = odsCell{typ: "currency", value: "9999999999999.99", currency: "DKK"}
			want["Andet pr. år"] = odsCell{typ: "currency", value: "0", currency: "DKK"}
		}
		if d := c.Deadlines.LastNoticeDate; d != nil {
			want["Sidste frist for opsigelse (beregnet)"] = odsCell{typ: "date", value: d.String()}
		}
		if d := c.Deadlines.NextDecisionDate; d != nil {
			want["Næste beslutning senest (beregnet)"] = odsCell{typ: "date", value: d.String()}
		}
		if c.Expiry != nil {
			want["Udløber"] = odsCell{typ: "date", value: c.Expiry.String()}
		}
		for h, w := range want {
			got := at(h)
			if got.typ != w.typ || (w.value != "" && got.value != w.value) || (w.text != "" && got.text != w.text) ||
				got.currency != w.currency || got.formula != "" {
				t.Errorf("%s: LibreOffice reads %s as %+v, want %+v", c.Name, h, got, w)
			}
		}
	}
	if !sheet.filtered {
		t.Error("LibreOffice finds no autofilter")
	}
}

// odsCell is a cell of a flat OpenDocument spreadsheet as LibreOffice
// wrote it.
type odsCell struct {
	typ      string // office:value-type: string, float, date, currency, …
	value    string // office:value or office:date-value
	currency string
	formula  string
	text     string
}

type odsSheet struct {
	rows     [][]odsCell
	filtered bool // a database range with filter buttons
}

// readFODS reads the first table of a flat OpenDocument spreadsheet,
// without the empty cells at the ends of rows.
func readFODS(t *testing.T, data []byte) odsSheet {
	t.Helper()
	const (
		tableNS  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
		officeNS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
		textNS   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	)
	attr := func(e xml.StartElement, space, local string) string {
		for _, a := range e.Attr {
			if a.Name.Space == space && a.Name.Local == local {
				return a.Value
			}
		}
		return ""
	}
	var s odsSheet
	d := xml.NewDecoder(bytes.NewReader(data))
	tables, inCell, inP := 0, false, false
	var row []odsCell
	var cell odsCell
	repeat := 1
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("LibreOffice's file: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch {
			case e.Name.Space == tableNS && e.Name.Local == "table":
				tables++
			case e.Name.Space == tableNS && e.Name.Local == "database-range" && attr(e, tableNS, "display-filter-buttons") == "true":
				s.filtered = true
			case tables != 1:
			case e.Name.Space == tableNS && e.Name.Local == "table-row":
				row = nil
			case e.Name.Space == tableNS && (e.Name.Local == "table-cell" || e.Name.Local == "covered-table-cell"):
				inCell = true
				cell = odsCell{typ: attr(e, officeNS, "value-type"), currency: attr(e, officeNS, "currency"), formula: attr(e, tableNS, "formula")}
				cell.value = attr(e, officeNS, "value")
				if v := attr(e, officeNS, "date-value"); v != "" {
					cell.value = v
				}
				repeat = 1
				if n := attr(e, tableNS, "number-columns-repeated"); n != "" && len(n) < 4 {
					repeat = 0
					for _, c := range n {
						repeat = repeat*10 + int(c-'0')
					}
				}
			case inCell && e.Name.Space == textNS && e.Name.Local == "p":
				if cell.text != "" {
					cell.text += "\n"
				}
				inP = true
			}
		case xml.CharData:
			if inP {
				cell.text += string(e)
			}
		case xml.EndElement:
			switch {
			case e.Name.Space == textNS && e.Name.Local == "p":
				inP = false
			case tables != 1:
			case e.Name.Space == tableNS && (e.Name.Local == "table-cell" || e.Name.Local == "covered-table-cell"):
				inCell = false
				for range repeat {
					row = append(row, cell)
				}
			case e.Name.Space == tableNS && e.Name.Local == "table-row":
				for len(row) > 0 && row[len(row)-1] == (odsCell{}) {
					row = row[:len(row)-1]
				}
				if len(row) > 0 {
					s.rows = append(s.rows, row)
				}
			}
		}
	}
	return s
}
