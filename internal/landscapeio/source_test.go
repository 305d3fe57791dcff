package landscapeio

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

func TestDetectTemplates(t *testing.T) {
	for _, kind := range []samspil.ImportKind{samspil.ImportSystems, samspil.ImportUsages, samspil.ImportContracts} {
		for _, format := range []string{"csv", "xlsx"} {
			var buf bytes.Buffer
			if err := WriteTemplate(&buf, format, kind); err != nil {
				t.Fatal(err)
			}
			src, err := NewSource(opener(buf.Bytes(), nil), "skabelon."+format, tabular.Limits{})
			if err != nil {
				t.Fatalf("%s %s: %v", kind, format, err)
			}
			if src.Kind() != kind {
				t.Errorf("%s %s: kind %s", kind, format, src.Kind())
			}
			if !sameStrings(src.Header(), Headings(kind)) {
				t.Errorf("%s %s: header %q", kind, format, src.Header())
			}
			n := 0
			if err := src.Records(func(samspil.Record) bool { n++; return true }); err != nil || n != 0 {
				t.Errorf("%s %s: %d records, %v", kind, format, n, err)
			}
		}
	}
}

func TestDetectHeaders(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   samspil.ImportKind
	}{
		{[]string{"navn"}, samspil.ImportSystems},
		{[]string{" NAVN * ", "Kategori"}, samspil.ImportSystems},
		{[]string{"IT systemnavn", "Rettighedshaver", "KLE ID", "Forretningstype"}, samspil.ImportSystems},
		{[]string{"System"}, samspil.ImportUsages},
		{[]string{"Systemnavn", "Fra", "Til"}, samspil.ImportUsages},
		{[]string{"Status (Livscyklus)", "IT System", "Ansv. organisationsenhed", "Forretningstype", "KLE ID", "Ibrugtagningsdato",
			"Slutdato for anvendelse", "Livscyklus", "Rettighedshaver", "Leverandør", "Note"}, samspil.ImportUsages},
		{[]string{"Kontrakt", "Start"}, samspil.ImportContracts},
		{[]string{"Navn", "Start", "Leverandør"}, samspil.ImportContracts}, // "Navn" is also a contract's name
		{[]string{"Kontrakt ID", "IT Kontrakt", "Gyldig fra", "Gyldig til", "Leverandør", "IT Systemer", "Anskaffelse.", "Drift/år",
			"Andet", "Varighed", "Option", "Opsigelse (måneder)", "Uopsigelig til", "Opsagt"}, samspil.ImportContracts},
		{[]string{"IT Kontrakt", "Indgået", "Løbende", "Option forlæng", "Antal brugte optioner", "Opsigelsesfrist",
			"Inden udgangen af", "Kontrakten opsagt", "Udbudsform"}, samspil.ImportContracts},
		{[]string{"Systemnavn"}, samspil.ImportUsages}, // a tie goes to usages
	} {
		data := csvFile(t, tc.header)
		src, err := NewSource(opener(data, nil), "fil.csv", tabular.Limits{})
		if err != nil {
			t.Errorf("%q: %v", tc.header, err)
			continue
		}
		if src.Kind() != tc.want {
			t.Errorf("%q: kind %s, want %s", tc.header, src.Kind(), tc.want)
		}
	}
}

func TestDetectErrors(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   string
	}{
		{[]string{"Kolonne A", "Kolonne B"}, `landskab.csv is not a file of systems, usages or contracts: the first row must hold column headings such as Navn (systems), System (usages) or Kontrakt + Start (contracts)`},
		{[]string{"Kontrakt", "Udløber", "Optioner"}, "landskab.csv looks like a file of contracts but has no column Start / Indgået / Gyldig fra / Startdato"},
		{[]string{"IT Kontrakt", "Leverandør", "Gyldig til"}, "landskab.csv looks like a file of contracts but has no column Start / "},
		{[]string{"Livscyklus", "Ibrugtagningsdato"}, "landskab.csv looks like a file of usages but has no column System / IT System / IT-system / IT systemets navn / IT-systemets navn / Systemnavn"},
		{[]string{"Leverandør"}, "landskab.csv is not a file of systems"},
	} {
		_, err := NewSource(opener(csvFile(t, tc.header), nil), "landskab.csv", tabular.Limits{})
		var e *samspil.Error
		if !errors.As(err, &e) || e.Code != samspil.EINVALID || len(e.Fields) != 1 || e.Fields[0].Path != "file" {
			t.Errorf("%q: error %#v", tc.header, err)
			continue
		}
		if !strings.HasPrefix(e.Message, tc.want) {
			t.Errorf("%q: %q, want %q", tc.header, e.Message, tc.want)
		}
	}
	// Problems with the file itself come from tabular.
	_, err := NewSource(opener(nil, nil), "tom.csv", tabular.Limits{})
	if samspil.ErrorCode(err) != samspil.EINVALID {
		t.Errorf("empty file: %v", err)
	}
	_, err = NewSource(func() (io.ReadCloser, error) { return nil, errors.New("disk") }, "x.csv", tabular.Limits{})
	if err == nil || err.Error() != "disk" {
		t.Errorf("failing open: %v", err)
	}
}

// TestRecordsReopens checks that every call of Records reads the file
// again from its start and that fn can stop the reading.
func TestRecordsReopens(t *testing.T) {
	data := csvFile(t, []string{"System*", "Livscyklus"}, []string{"A", "I drift"}, []string{"", ""}, []string{"B", "Pilot"},
		[]string{"C", ""})
	calls := 0
	src, err := NewSource(opener(data, &calls), "u.csv", tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		var systems []string
		var lines []int
		if err := src.Records(func(r samspil.Record) bool {
			systems, lines = append(systems, r.Usage.System), append(lines, r.Line)
			return true
		}); err != nil {
			t.Fatal(err)
		}
		if !sameStrings(systems, []string{"A", "B", "C"}) || !reflect.DeepEqual(lines, []int{2, 4, 5}) {
			t.Errorf("systems %q on lines %v", systems, lines)
		}
	}
	n := 0
	if err := src.Records(func(samspil.Record) bool { n++; return false }); err != nil || n != 1 {
		t.Errorf("stopped after %d, %v", n, err)
	}
	if calls != 4 {
		t.Errorf("open called %d times, want 4", calls)
	}
	// A file that changes between the calls is refused.
	changed := csvFile(t, []string{"System*", "Noter"}, []string{"A", ""})
	src.open = opener(changed, nil)
	if err := src.Records(func(samspil.Record) bool { return true }); samspil.ErrorCode(err) != samspil.EINVALID {
		t.Errorf("changed file: %v", err)
	}
}

// TestRecordsFileErrors checks that a broken row ends the reading with
// tabular's error, after the rows before it.
func TestRecordsFileErrors(t *testing.T) {
	data := []byte("System;Noter\r\nA;x\r\nB;\"open\r\n")
	src, err := NewSource(opener(data, nil), "u.csv", tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = src.Records(func(samspil.Record) bool { n++; return true })
	if n != 1 || samspil.ErrorCode(err) != samspil.EINVALID {
		t.Errorf("%d rows, error %v", n, err)
	}
	// Limits are passed on.
	src, err = NewSource(opener(csvFile(t, []string{"System"}, []string{"A"}, []string{"B"}), nil), "u.csv", tabular.Limits{MaxRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Records(func(samspil.Record) bool { return true }); samspil.ErrorCode(err) != samspil.ETOOLARGE {
		t.Errorf("too many rows: %v", err)
	}
}

func TestBadCells(t *testing.T) {
	header := []string{"IT System", "Ibrugtagningsdato", " til* ", "Livscyklus", "Antal brugere", "Synlighed", "Leverandør CVR", "Ukendt"}
	data := csvFile(t, header,
		[]string{"Nexus", "31-02-2024", "i går", "Kørende", "mange", "Hemmelig", "123", "whatever"},
		[]string{"", "2024-01-01", "", "", "", "", "", ""},
		[]string{"Ok", "01-02-2024", "45322", "I drift", "250", "Sektor", "DK 12345678", ""},
	)
	_, recs := readAll(t, data, "u.csv")
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	want := []samspil.RowError{
		{Line: 2, Column: "Ibrugtagningsdato", Message: `must be a date like 2026-01-31 or 31-01-2026, not "31-02-2024"`},
		{Line: 2, Column: " til* ", Message: `must be a date like 2026-01-31 or 31-01-2026, not "i går"`},
		{Line: 2, Column: "Livscyklus", Message: `must be one of Planlagt, Pilot, Indfasning, I drift, Udfasning, Afviklet, not "Kørende"`},
		{Line: 2, Column: "Antal brugere", Message: expectUserBand + `, not "mange"`},
		{Line: 2, Column: "Synlighed", Message: visibilities.expect + `, not "Hemmelig"`},
		{Line: 2, Column: "Leverandør CVR", Message: `must be a CVR number of 8 digits, not "123"`},
	}
	if !reflect.DeepEqual(recs[0].Errs, want) || recs[0].Usage != nil {
		t.Errorf("errors\n%v\nwant\n%v", recs[0].Errs, want)
	}
	if want := []samspil.RowError{{Line: 3, Column: "IT System", Message: "must not be empty"}}; !reflect.DeepEqual(recs[1].Errs, want) {
		t.Errorf("errors %v, want %v", recs[1].Errs, want)
	}
	u := recs[2].Usage
	wantU := &samspil.UsageRecord{System: "Ok", VendorCVR: "12345678", Lifecycle: samspil.LifecycleOperational, From: date("2024-02-01"),
		Until: date("2024-01-31"), UserBand: "201-1000", Visibility: samspil.VisibilitySector}
	if len(recs[2].Errs) > 0 || !reflect.DeepEqual(u, wantU) {
		t.Errorf("record %+v, errors %v", u, recs[2].Errs)
	}
}

func TestBadSystemAndContractCells(t *testing.T) {
	rec := mapOne(t, samspil.ImportSystems, []string{"Navn", "Kategori", "KLE", "Open source", "OS2-produkt"},
		[]string{"X", "Sundhed", "27.24.00; 27.2", "måske", "Ja"})
	if cols := errColumns(rec); !sameStrings(cols, []string{"Kategori", "KLE", "Open source"}) {
		t.Errorf("system errors %v", rec.Errs)
	}
	header := []string{"Kontrakt*", "Start*", "Varighed (måneder)", "Optioner", "Option (måneder)", "Opsigelsesfrist (måneder)",
		"Opsigelse træder i kraft", "Indkøbsform", "Genanskaffelse", "Anskaffelse pr. år", "Drift pr. år", "Andet pr. år"}
	rec = mapOne(t, samspil.ImportContracts, header,
		[]string{"K", "", "tre år", "2,5", "et år", "3 uger", "ugen", "Licitation", "2027", "-5", "12,345", "mange"})
	if cols := errColumns(rec); !sameStrings(cols, header[1:]) {
		t.Errorf("contract errors %v", rec.Errs)
	}
}

func TestContractTerms(t *testing.T) {
	kitos := []string{"IT Kontrakt", "Gyldig fra", "Gyldig til", "Varighed", "Løbende", "Option forlæng", "Antal brugte optioner",
		"Opsigelsesfrist", "Inden udgangen af", "Kontrakten opsagt", "Anskaffelse"}
	for _, tc := range []struct {
		name   string
		header []string
		row    []string
		want   samspil.ContractTerms
		errs   []string // columns
		costs  *samspil.Costs
	}{
		{"fixed with options", kitos, []string{"A", "01-01-2024", "", "3 år", "Nej", "2 x 12 måneder", "1", "6 mdr.", "Kvartal", "", ""},
			samspil.ContractTerms{Start: *date("2024-01-01"), DurationMonths: 36, ExtensionCount: 2, ExtensionMonths: 12, ExtensionsUsed: 1,
				NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfQuarter, ExtensionKind: samspil.ExtensionOption}, nil, nil},
		{"duration and expiry agree", kitos, []string{"A", "01-01-2024", "31-12-2026", "3 år", "", "Ingen", "", "3", "", "", "0"},
			samspil.ContractTerms{Start: *date("2024-01-01"), Expiry: date("2026-12-31"), NoticeMonths: 3}, nil, &samspil.Costs{}},
		{"duration and expiry disagree", kitos, []string{"A", "01-01-2024", "31-12-2027", "3 år", "", "", "", "", "", "", ""},
			samspil.ContractTerms{}, []string{"Varighed"}, nil},
		{"ongoing", kitos, []string{"A", "01-01-2024", "31-12-2027", "3 år", "Ja", "", "", "3 måneder", "Måned", "", "1.234,50"},
			samspil.ContractTerms{Start: *date("2024-01-01"), NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfMonth}, nil,
			&samspil.Costs{OneOffAcquisition: 123450}}, // KITOS' accumulated acquisition is paid once
		{"ongoing duration", kitos, []string{"A", "01-01-2024", "", "Løbende", "", "", "", "", "", "30-06-2025", ""},
			samspil.ContractTerms{Start: *date("2024-01-01"), TerminatedOn: date("2025-06-30")}, nil, nil},
		{"options of an open contract", kitos, []string{"A", "01-01-2024", "", "", "Ja", "1 år", "", "", "", "", ""},
			samspil.ContractTerms{}, []string{"Option forlæng"}, nil},
		{"too many used", kitos, []string{"A", "01-01-2024", "", "2 år", "", "1 år", "2", "", "", "", ""},
			samspil.ContractTerms{}, []string{"Antal brugte optioner"}, nil},
		{"terminated before start", kitos, []string{"A", "01-01-2024", "", "", "", "", "", "", "", "31-12-2023", ""},
			samspil.ContractTerms{}, []string{"Kontrakten opsagt"}, nil},
		{"notice too long", kitos, []string{"A", "01-01-2024", "", "", "", "", "", "99", "", "", ""},
			samspil.ContractTerms{}, []string{"Opsigelsesfrist"}, nil},
		{"template columns win", []string{"Kontrakt", "Start", "Udløber", "Optioner", "Option (måneder)", "Option"},
			[]string{"B", "2024-01-01", "2024-12-31", "3", "", "2 x 6 måneder"},
			samspil.ContractTerms{Start: *date("2024-01-01"), Expiry: date("2024-12-31"), ExtensionCount: 3, ExtensionMonths: 6,
				ExtensionKind: samspil.ExtensionOption}, nil, nil},
		{"KITOS's options with the kind given", []string{"Kontrakt", "Start", "Udløber", "Option", "Forlængelsestype"},
			[]string{"B", "2024-01-01", "2024-12-31", "2 x 6 måneder", "Automatisk"},
			samspil.ContractTerms{Start: *date("2024-01-01"), Expiry: date("2024-12-31"), ExtensionCount: 2, ExtensionMonths: 6,
				ExtensionKind: samspil.ExtensionAutomatic}, nil, nil},
		{"an unknown kind", []string{"Kontrakt", "Start", "Udløber", "Option", "Forlængelsestype"},
			[]string{"B", "2024-01-01", "2024-12-31", "2 x 6 måneder", "måske"},
			samspil.ContractTerms{}, []string{"Forlængelsestype"}, nil},
		{"løbende of the notice terms", []string{"Kontrakt", "Start", "Løbende", "Opsigelsesfrist"},
			[]string{"B", "2024-01-01", "Kvartal", "3"},
			samspil.ContractTerms{Start: *date("2024-01-01"), NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfQuarter}, nil, nil},
	} {
		rec := mapOne(t, samspil.ImportContracts, tc.header, tc.row)
		if tc.errs != nil {
			if cols := errColumns(rec); !sameStrings(cols, tc.errs) {
				t.Errorf("%s: errors %v, want columns %q", tc.name, rec.Errs, tc.errs)
			}
			continue
		}
		if len(rec.Errs) > 0 {
			t.Errorf("%s: errors %v", tc.name, rec.Errs)
			continue
		}
		if !reflect.DeepEqual(rec.Contract.Terms, tc.want) {
			t.Errorf("%s: terms\n%+v\nwant\n%+v", tc.name, rec.Contract.Terms, tc.want)
		}
		if !reflect.DeepEqual(rec.Contract.Costs, tc.costs) {
			t.Errorf("%s: costs %+v, want %+v", tc.name, rec.Contract.Costs, tc.costs)
		}
	}
}

func TestContractOtherFields(t *testing.T) {
	header := []string{"Kontrakt ID", "Reference", "IT Kontrakt", "Gyldig fra", "IT Systemer", "Udbudsform", "Genanskaffelsesplan",
		"Drift/år", "Andet", "Note", "Leverandør", "Prissynlighed", "Synlighed"}
	rec := mapOne(t, samspil.ImportContracts, header, []string{"K-17", "Dokument 4", "Nexus drift", "45292", "Nexus, Sensum Bosted",
		"SKI 02.19", "Q3 | 2027", "125000.5", "", "Se bilag", "Systematic A/S", "Privat", "Partnere"})
	want := &samspil.ContractRecord{Name: "Nexus drift", Reference: "K-17", Supplier: "Systematic A/S",
		Systems: []string{"Nexus", "Sensum Bosted"}, Terms: samspil.ContractTerms{Start: *date("2024-01-01")},
		ProcurementForm: samspil.ProcurementSKI, ReprocurementQuarter: "2027-Q3", Costs: &samspil.Costs{Operation: 12500050},
		Notes: "Se bilag", Visibility: samspil.VisibilityPartners, PriceVisibility: samspil.VisibilityPrivate}
	if len(rec.Errs) > 0 || !reflect.DeepEqual(rec.Contract, want) {
		t.Errorf("record\n%+v\nwant\n%+v\nerrors %v", rec.Contract, want, rec.Errs)
	}
	// Our own column splits only at semicolons.
	rec = mapOne(t, samspil.ImportContracts, []string{"Kontrakt", "Start", "Systemer"}, []string{"A", "2024-01-01", "Opus Løn, Økonomi; KMD"})
	if got := rec.Contract.Systems; !sameStrings(got, []string{"Opus Løn, Økonomi", "KMD"}) {
		t.Errorf("systems %q", got)
	}
}

func TestVendorPreference(t *testing.T) {
	rec := mapOne(t, samspil.ImportUsages, []string{"Leverandør", "IT System", "Rettighedshaver"}, []string{"Netcompany", "Nexus", "Systematic"})
	if rec.Usage.Vendor != "Systematic" {
		t.Errorf("vendor %q, want the rights holder", rec.Usage.Vendor)
	}
	rec = mapOne(t, samspil.ImportSystems, []string{"Navn", "Leverandør"}, []string{"Nexus", "Systematic"})
	if rec.System.Vendor != "Systematic" {
		t.Errorf("vendor %q", rec.System.Vendor)
	}
	// The first of two columns with one heading is read.
	rec = mapOne(t, samspil.ImportSystems, []string{"Navn", "Beskrivelse", "beskrivelse"}, []string{"Nexus", "a", "b"})
	if rec.System.Description != "a" {
		t.Errorf("description %q", rec.System.Description)
	}
}

func TestFormulaApostrophe(t *testing.T) {
	for in, want := range map[string]string{"'=SUM(A1)": "=SUM(A1)", "'-x": "-x", "'@x": "@x", "''=x": "'=x", "'abc": "'abc",
		"'-12": "'-12", "' =x": "=x", "'": "'", " '=x": "'=x"} {
		if got := cellText(in); got != want {
			t.Errorf("cellText(%q) = %q, want %q", in, got, want)
		}
	}
	for _, s := range []string{"=x", "'=x", "''=x", "'abc", "-x", "' =x", "'", "-12,5", "+45 12 34 56"} {
		if got := cellText(tabular.NeutralizeFormula(exportText(s))); got != strings.TrimSpace(s) {
			t.Errorf("%q: exported and read back as %q", s, got)
		}
	}
}

func TestWhitespaceRowsAreBlank(t *testing.T) {
	data := csvFile(t, []string{"Navn", "Beskrivelse"}, []string{" ", "\t"}, []string{"A", ""})
	_, recs := readAll(t, data, "s.csv")
	if len(recs) != 1 || recs[0].Line != 3 || recs[0].System.Name != "A" {
		t.Errorf("records %+v", recs)
	}
}

// TestTermMessages checks that validation messages of the terms name the
// columns of the file.
func TestTermMessages(t *testing.T) {
	rec := mapOne(t, samspil.ImportContracts, []string{"Kontrakt", "Gyldig fra", "Optioner", "Antal brugte optioner", "Opsigelsesfrist", "Uopsigelig til"},
		[]string{"x", "2024-01-01", "2", "3", "99", "2023-01-01"})
	want := []samspil.RowError{
		{Line: 2, Column: "Optioner", Message: "must be 0 for a contract without Udløber or Varighed (måneder)"},
		{Line: 2, Column: "Optioner", Message: "must be between 1 and 120"}, // the length of the options, which the file lacks
		{Line: 2, Column: "Antal brugte optioner", Message: "must be between 0 and Optioner (2)"},
		{Line: 2, Column: "Opsigelsesfrist", Message: "must be between 0 and 60"},
		{Line: 2, Column: "Uopsigelig til", Message: "must be on or after Gyldig fra (2024-01-01)"},
	}
	if !reflect.DeepEqual(rec.Errs, want) {
		t.Errorf("errors\n%v\nwant\n%v", rec.Errs, want)
	}
}
