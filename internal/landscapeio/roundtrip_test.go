package landscapeio

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/samspil/samspil"
)

// Texts that files mangle easily: Danish letters, quotes, separators,
// line breaks, and what spreadsheets take for formulas.
var awkward = []string{
	`Ældre- og sundhedssystem "Øst"; å`,
	"=HYPERLINK(\"http://x\";\"klik\")",
	"'=SUM(A1:A2)",
	"-Minus, et system",
	"+45 er ikke en formel",
	"@hjemme",
	"Linje 1\nLinje 2\r\nLinje 3",
	"Tab\tinde",
	"Semikolon; komma, og \"citat\"",
	`"Citeret fra start"`,
	"''=x",
	"_x0041_ er ikke et A", // Excel's escapes are kept, one at a time
}

func exportFile(t *testing.T, format string, kind samspil.ImportKind, write func(e *Exporter) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	e, err := NewExporter(&buf, format, kind)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(e); err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return buf.Bytes()
}

func checkRoundTrip(t *testing.T, format string, kind samspil.ImportKind, data []byte, want []samspil.Record) {
	t.Helper()
	gotKind, recs := readAll(t, data, "eksport."+format)
	if gotKind != kind {
		t.Fatalf("%s: kind %s", format, gotKind)
	}
	if len(recs) != len(want) {
		t.Fatalf("%s: %d records, want %d", format, len(recs), len(want))
	}
	for i := range recs {
		want[i].Line = i + 2
		if !reflect.DeepEqual(recs[i], want[i]) {
			t.Errorf("%s row %d:\ngot  %s\nwant %s", format, i+2, dump(recs[i]), dump(want[i]))
		}
	}
}

func dump(r samspil.Record) string {
	switch {
	case r.System != nil:
		return sprintf("%+v", *r.System)
	case r.Usage != nil:
		return sprintf("%+v from %s until %s", *r.Usage, r.Usage.From.StringOrEmpty(), r.Usage.Until.StringOrEmpty())
	case r.Contract != nil:
		c := *r.Contract
		return sprintf("%+v expiry %s irrevocable %s terminated %s costs %+v", c, c.Terms.Expiry.StringOrEmpty(),
			c.Terms.IrrevocableUntil.StringOrEmpty(), c.Terms.TerminatedOn.StringOrEmpty(), c.Costs)
	}
	return sprintf("%+v", r)
}

func TestRoundTripSystems(t *testing.T) {
	var systems []samspil.System
	for i, s := range awkward {
		systems = append(systems, samspil.System{Name: s, VendorName: awkward[(i+1)%len(awkward)], Category: samspil.Categories[i%len(samspil.Categories)],
			Tasks: [][]string{nil, {"27.24.00"}, {"00.01", "27", "27.24.02"}}[i%3], Description: awkward[(i+2)%len(awkward)],
			OpenSource: i%2 == 0, OS2Product: i%3 == 0, Homepage: "https://eksempel.dk/æøå?a=1;b=2",
			Visibility: samspil.Visibilities[i%len(samspil.Visibilities)]})
	}
	systems = append(systems, samspil.System{Name: "Minimal", Tasks: []string{}})
	for _, format := range []string{"csv", "xlsx"} {
		var want []samspil.Record
		data := exportFile(t, format, samspil.ImportSystems, func(e *Exporter) error {
			for i := range systems {
				cvr := ""
				if i%2 == 1 {
					cvr = "12345678"
				}
				if err := e.WriteSystem(&systems[i], cvr); err != nil {
					return err
				}
				want = append(want, samspil.Record{System: SystemRecordOf(&systems[i], cvr)})
			}
			return nil
		})
		checkRoundTrip(t, format, samspil.ImportSystems, data, want)
	}
}

func TestRoundTripUsages(t *testing.T) {
	var usages []samspil.Usage
	for i, s := range awkward {
		u := samspil.Usage{SystemName: s, Lifecycle: samspil.Lifecycles[i%len(samspil.Lifecycles)], UserBand: samspil.UserBands[i%len(samspil.UserBands)],
			Notes: awkward[(i+3)%len(awkward)], Visibility: samspil.Visibilities[i%len(samspil.Visibilities)]}
		if i%2 == 0 {
			u.From = date("2019-02-28")
		}
		if i%3 == 0 {
			u.Until = date("2031-12-31")
		}
		usages = append(usages, u)
	}
	usages = append(usages, samspil.Usage{SystemName: "Minimal"})
	for _, format := range []string{"csv", "xlsx"} {
		var want []samspil.Record
		data := exportFile(t, format, samspil.ImportUsages, func(e *Exporter) error {
			for i := range usages {
				unit, vendor := awkward[(i+4)%len(awkward)], awkward[(i+5)%len(awkward)]
				if i == len(usages)-1 {
					unit, vendor = "", ""
				}
				if err := e.WriteUsage(&usages[i], unit, vendor, "87654321"); err != nil {
					return err
				}
				want = append(want, samspil.Record{Usage: UsageRecordOf(&usages[i], unit, vendor, "87654321")})
			}
			return nil
		})
		checkRoundTrip(t, format, samspil.ImportUsages, data, want)
	}
}

func TestRoundTripContracts(t *testing.T) {
	start := *date("2024-02-29")
	terms := []samspil.ContractTerms{
		{Start: start, NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfMonth},
		{Start: start, DurationMonths: 48, ExtensionCount: 2, ExtensionMonths: 12, ExtensionsUsed: 1, NoticeMonths: 6,
			NoticeRule: samspil.NoticeEndOfQuarter, IrrevocableUntil: date("2026-12-31")},
		{Start: start, Expiry: date("2027-02-28"), NoticeMonths: 0, NoticeRule: samspil.NoticeAnyDay},
		{Start: start, Expiry: date("2027-02-28"), NoticeRule: samspil.NoticeEndOfYear, TerminatedOn: date("2025-12-31")},
	}
	costs := []*samspil.Costs{nil, {Acquisition: 12500050, Operation: 99, Other: 0}, {}, {Operation: 999_999_999_999_999}, {Operation: 100, OneOffAcquisition: 7500050}}
	var contracts []samspil.Contract
	for i, s := range awkward {
		c := samspil.ContractInput{Name: s, ContractTerms: terms[i%len(terms)],
			ExternalRef: awkward[(i+1)%len(awkward)], Notes: awkward[(i+2)%len(awkward)], Costs: costs[i%len(costs)],
			Visibility: samspil.VisibilitySector, PriceVisibility: samspil.Visibilities[i%3]}.Contract()
		if i%2 == 1 {
			c.ProcurementForm = samspil.ProcurementForms[i%len(samspil.ProcurementForms)]
			c.ReprocurementQuarter = "2028-Q4"
		}
		c.SupplierName = awkward[(i+3)%len(awkward)]
		for j := range i % 4 {
			c.Systems = append(c.Systems, samspil.ContractSystem{ID: "x", Name: awkward[(i+j)%len(awkward)]})
		}
		contracts = append(contracts, c)
	}
	for _, format := range []string{"csv", "xlsx"} {
		var want []samspil.Record
		data := exportFile(t, format, samspil.ImportContracts, func(e *Exporter) error {
			for i := range contracts {
				if err := e.WriteContract(&contracts[i], ""); err != nil {
					return err
				}
				want = append(want, samspil.Record{Contract: ContractRecordOf(&contracts[i], "")})
			}
			return nil
		})
		checkRoundTrip(t, format, samspil.ImportContracts, data, want)
	}
}

func TestExporterErrors(t *testing.T) {
	var buf bytes.Buffer
	if _, err := NewExporter(&buf, "ods", samspil.ImportSystems); err == nil {
		t.Error("ods accepted")
	}
	if _, err := NewExporter(&buf, "csv", "stuff"); err == nil {
		t.Error("unknown kind accepted")
	}
	e, err := NewExporter(&buf, "csv", samspil.ImportSystems)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WriteUsage(&samspil.Usage{}, "", "", ""); err == nil {
		t.Error("usage written to a systems file")
	}
	// Text a file cannot hold is refused by tabular.
	if err := e.WriteSystem(&samspil.System{Name: "a\x00b"}, ""); samspil.ErrorCode(err) != samspil.EINVALID {
		t.Errorf("NUL: %v", err)
	}
}

// TestExportFormats checks how values are written.
func TestExportFormats(t *testing.T) {
	c := samspil.ContractInput{Name: "K", ContractTerms: samspil.ContractTerms{Start: *date("2024-01-01"), DurationMonths: 36,
		NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfQuarter}, ProcurementForm: samspil.ProcurementSKI,
		Costs: &samspil.Costs{Acquisition: 12500050, Operation: 100000}}.Contract()
	row := formatRow(contractSpec, &contractRow{r: *ContractRecordOf(&c, "")})
	got := map[string]string{}
	for i, h := range Headings(samspil.ImportContracts) {
		got[h] = row[i]
	}
	for h, want := range map[string]string{"Start*": "2024-01-01", "Varighed (måneder)": "36", "Udløber": "", "Opsigelsesfrist (måneder)": "3",
		"Opsigelse træder i kraft": "udgangen af et kvartal", "Indkøbsform": "SKI-rammeaftale", "Anskaffelse pr. år": "125000,50",
		"Drift pr. år": "1000", "Andet pr. år": "0", "Synlighed": "Kun egen organisation", "Optioner": ""} {
		if got[h] != want {
			t.Errorf("%s = %q, want %q", h, got[h], want)
		}
	}
	s := samspil.System{Name: "S", Category: samspil.CategoryHRPayroll, Tasks: []string{"27.24.00", "27.24.02"}, OpenSource: true}
	row = formatRow(systemSpec, &systemRow{r: *SystemRecordOf(&s, "")})
	if want := []string{"S", "", "", "HR og løn", "27.24.00; 27.24.02", "", "Ja", "Nej", "", ""}; !sameStrings(row, want) {
		t.Errorf("system row %q, want %q", row, want)
	}
}
