package landscapeio

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the KITOS-style files in testdata")

// The KITOS-style workbooks in testdata look like the Excel exports of
// KITOS' overview grids: its column titles, extra columns this package
// ignores, dates as date cells (serial numbers with a date format) and
// amounts as numbers.
var kitosUsageSheet = [][]any{
	{"Status (Datofelter)", "Status (Livscyklus)", "Lokal System ID", "IT System", "Ansv. organisationsenhed", "Tidligere systemnavn",
		"Forretningstype", "KLE ID", "KLE navn", "Leverandør", "Rettighedshaver", "Ibrugtagningsdato", "Slutdato for anvendelse",
		"Livscyklus", "Arkiveringspligt", "IT systemet driftes", "Note"},
	{"Aktivt", "Aktivt", "SYS-001", "KMD Nexus", "Sundhed og Omsorg", "", "Fagsystem", "27.24.00, 27.24.02", "Hjemmehjælp",
		"KMD A/S", "Systematic A/S", kitosDate(2019, 3, 1), nil, "I drift", "Ja", "Eksternt", "Hoved\nsystem for ældreområdet"},
	{"Ikke aktivt", "Ikke aktivt", "", "SBSYS", "Borgerservice", "SBSYS 4", "ESDH", "", "", "", "Syddjurs Kommune",
		kitosDate(2012, 1, 1), kitosDate(2024, 6, 30), "Ikke i drift", "Nej", "", ""},
	{"Aktivt", "Aktivt", "", "Opus Løn", "Løn og Personale", "", "Løn", "", "", "KMD A/S", "KMD A/S",
		"01-01-2015", nil, "Under udfasning", "", "", ""},
	{nil},
	{"Aktivt", "", "", "Aula", "Skole og Dagtilbud", "", "", "", "", "", "Netcompany A/S", nil, nil, "Under indfasning", "", "", ""},
}

var kitosContractSheet = [][]any{
	{"Gyldig/Ikke Gyldig", "Kontrakt ID", "Overordnet kontrakt", "IT Kontrakt", "Gyldig fra", "Gyldig til", "Kritikalitet",
		"Ansvarlig org. enhed", "Leverandør", "Kontrakttype", "Indkøbsform", "Genanskaffelsesplan", "IT Systemer", "Reference",
		"Anskaffelse.", "Drift/år", "Andet", "Varighed", "Option", "Opsigelse (måneder)", "Uopsigelig til", "Opsagt"},
	{"Gyldig", "K-2019-17", "", "Nexus drift og vedligehold", kitosDate(2019, 3, 1), kitosDate(2023, 2, 28), "Høj",
		"Sundhed og Omsorg", "Systematic A/S", "Driftsaftale", "SKI 02.19", "Q3 | 2027", "KMD Nexus", "Kontrakt.pdf",
		250000, 1234567.5, 0, "4 år", "2 x 12 måneder", "6", kitosDate(2021, 2, 28), nil},
	{"Gyldig", "", "", "SBSYS licens", kitosDate(2012, 1, 1), nil, "", "", "Syddjurs Kommune", "", "Fælles indkøb", "",
		"SBSYS, Opus Løn", "", nil, 48000, nil, "Løbende", "Ingen", "3 md", nil, kitosDate(2024, 6, 30)},
}

func kitosDate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func writeKITOSFixture(t *testing.T, name, sheet string, rows [][]any) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
			if _, ok := v.(time.Time); ok {
				if err := f.SetCellStyle(sheet, cell, cell, dateStyle); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := f.SaveAs(filepath.Join("testdata", name)); err != nil {
		t.Fatal(err)
	}
}

func readFixture(t *testing.T, name, sheet string, rows [][]any) (samspil.ImportKind, []samspil.Record) {
	t.Helper()
	if *update {
		writeKITOSFixture(t, name, sheet, rows)
	}
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	return readAll(t, data, name)
}

func TestKITOSUsages(t *testing.T) {
	kind, recs := readFixture(t, "kitos_usages.xlsx", "IT Systemer i anvendelse", kitosUsageSheet)
	if kind != samspil.ImportUsages {
		t.Fatalf("kind %s", kind)
	}
	want := []samspil.Record{
		{Line: 2, Usage: &samspil.UsageRecord{System: "KMD Nexus", Vendor: "Systematic A/S", Lifecycle: samspil.LifecycleOperational,
			From: date("2019-03-01"), ResponsibleUnit: "Sundhed og Omsorg", Notes: "Hoved\nsystem for ældreområdet"}},
		{Line: 3, Usage: &samspil.UsageRecord{System: "SBSYS", Vendor: "Syddjurs Kommune", Lifecycle: samspil.LifecycleRetired,
			From: date("2012-01-01"), Until: date("2024-06-30"), ResponsibleUnit: "Borgerservice"}},
		{Line: 4, Usage: &samspil.UsageRecord{System: "Opus Løn", Vendor: "KMD A/S", Lifecycle: samspil.LifecyclePhasingOut,
			From: date("2015-01-01"), ResponsibleUnit: "Løn og Personale"}},
		{Line: 6, Usage: &samspil.UsageRecord{System: "Aula", Vendor: "Netcompany A/S", Lifecycle: samspil.LifecyclePhasingIn,
			ResponsibleUnit: "Skole og Dagtilbud"}},
	}
	if !reflect.DeepEqual(recs, want) {
		for i := range recs {
			t.Errorf("got %s %v", dump(recs[i]), recs[i].Errs)
		}
		for i := range want {
			t.Errorf("want %s", dump(want[i]))
		}
	}
}

func TestKITOSContracts(t *testing.T) {
	kind, recs := readFixture(t, "kitos_contracts.xlsx", "IT Kontrakter", kitosContractSheet)
	if kind != samspil.ImportContracts {
		t.Fatalf("kind %s", kind)
	}
	want := []samspil.Record{
		{Line: 2, Contract: &samspil.ContractRecord{Name: "Nexus drift og vedligehold", Reference: "K-2019-17", Supplier: "Systematic A/S",
			Systems: []string{"KMD Nexus"}, Terms: samspil.ContractTerms{Start: *date("2019-03-01"), Expiry: date("2023-02-28"),
				IrrevocableUntil: date("2021-02-28"), ExtensionCount: 2, ExtensionMonths: 12, NoticeMonths: 6,
				ExtensionKind: samspil.ExtensionOption},
			ProcurementForm: samspil.ProcurementSKI, ReprocurementQuarter: "2027-Q3",
			Costs: &samspil.Costs{Operation: 123456750, OneOffAcquisition: 25000000}}},
		{Line: 3, Contract: &samspil.ContractRecord{Name: "SBSYS licens", Supplier: "Syddjurs Kommune", Systems: []string{"SBSYS", "Opus Løn"},
			Terms:           samspil.ContractTerms{Start: *date("2012-01-01"), NoticeMonths: 3, TerminatedOn: date("2024-06-30")},
			ProcurementForm: samspil.ProcurementJoint, Costs: &samspil.Costs{Operation: 4800000}}},
	}
	if !reflect.DeepEqual(recs, want) {
		for i := range recs {
			t.Errorf("got %s %v", dump(recs[i]), recs[i].Errs)
		}
		for i := range want {
			t.Errorf("want %s", dump(want[i]))
		}
	}
}

// kitosLifecycles are the words of KITOS' "Livscyklus" as its user interface
// writes them (kitos_frontend, src/app/shared/models/life-cycle-status.model.ts,
// LifeCycleStatusChoice), and the phase each is read as. KITOS' Undecided
// is an empty cell.
var kitosLifecycles = []struct {
	word string
	want samspil.Lifecycle
}{
	{"Ikke i drift", samspil.LifecycleRetired},
	{"Under afprøvning", samspil.LifecyclePilot},
	{"Under indfasning", samspil.LifecyclePhasingIn},
	{"I drift", samspil.LifecycleOperational},
	{"Under udfasning", samspil.LifecyclePhasingOut},
	{"", ""},
}

func TestKITOSLifecycles(t *testing.T) {
	header := []string{"IT System", "Livscyklus"}
	for _, tc := range kitosLifecycles {
		for _, word := range []string{tc.word, strings.ToUpper(tc.word), " " + tc.word + " "} {
			rec := mapOne(t, samspil.ImportUsages, header, []string{"Nexus", word})
			if len(rec.Errs) > 0 || rec.Usage.Lifecycle != tc.want {
				t.Errorf("%q: %+v %v, want %q", word, rec.Usage, rec.Errs, tc.want)
			}
		}
	}
}

// KITOS' status columns say whether a usage is active; they are never
// read as the lifecycle, whatever they hold.
func TestKITOSStatusIsNotTheLifecycle(t *testing.T) {
	for _, status := range []string{"Status", "Status (Datofelter)", "Status (Livscyklus)", "Status (Markeret kontrakt)"} {
		for _, value := range []string{"Aktivt", "Ikke aktivt", "I drift", "Under afprøvning"} {
			// Without a lifecycle column, the usage has no lifecycle.
			rec := mapOne(t, samspil.ImportUsages, []string{"IT System", status}, []string{"Nexus", value})
			if len(rec.Errs) > 0 || rec.Usage.Lifecycle != "" {
				t.Errorf("%s = %q: %+v %v", status, value, rec.Usage, rec.Errs)
			}
			// With one, the lifecycle column says it, wherever it stands.
			rec = mapOne(t, samspil.ImportUsages, []string{status, "IT System", "Livscyklus"}, []string{value, "Nexus", "Under udfasning"})
			if len(rec.Errs) > 0 || rec.Usage.Lifecycle != samspil.LifecyclePhasingOut {
				t.Errorf("%s = %q beside Livscyklus: %+v %v", status, value, rec.Usage, rec.Errs)
			}
		}
	}
	// A status word in the lifecycle column is an error naming it.
	rec := mapOne(t, samspil.ImportUsages, []string{"IT System", "Livscyklus"}, []string{"Nexus", "Aktivt"})
	if cols := errColumns(rec); !sameStrings(cols, []string{"Livscyklus"}) {
		t.Errorf("Aktivt as lifecycle: %v", rec.Errs)
	}
}

// Dates KITOS never writes are errors naming the row and the file's own
// heading, with the value read.
func TestKITOSBadDates(t *testing.T) {
	for _, v := range []string{"30-02-2024", "2024-02-30", "31.04.2023", "2024-13-01", "13/13/2024", "1899-12-31", "0001-01-01",
		"i går", "Q3 2024", "01-01-10000"} {
		for _, tc := range []struct {
			kind   samspil.ImportKind
			header []string
			row    []string
		}{
			{samspil.ImportUsages, []string{"IT System", "Ibrugtagningsdato"}, []string{"Nexus", v}},
			{samspil.ImportUsages, []string{"IT System", "Slutdato for anvendelse"}, []string{"Nexus", v}},
			{samspil.ImportContracts, []string{"IT Kontrakt", "Gyldig fra"}, []string{"K", v}},
			{samspil.ImportContracts, []string{"IT Kontrakt", "Gyldig fra", "Gyldig til"}, []string{"K", "01-01-2024", v}},
		} {
			rec := mapOne(t, tc.kind, tc.header, tc.row)
			col := tc.header[len(tc.header)-1]
			if len(rec.Errs) != 1 || rec.Errs[0].Line != 2 || rec.Errs[0].Column != col ||
				!strings.Contains(rec.Errs[0].Message, "must be a date") || !strings.Contains(rec.Errs[0].Message, `"`+v+`"`) {
				t.Errorf("%s = %q: %+v", col, v, rec.Errs)
			}
		}
	}
}

// TestKITOSFileForThePreview checks what a KITOS file tells the preview:
// its own headings by field, the columns not read, and rows as they will
// be stored under our headings.
func TestKITOSFileForThePreview(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "kitos_usages.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewSource(opener(data, nil), "kitos_usages.xlsx", tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"responsible_unit": "Ansv. organisationsenhed", "system": "IT System", "from": "Ibrugtagningsdato",
		"lifecycle": "Livscyklus", "vendor": "Rettighedshaver", "user_band": ""} {
		if got := src.Heading(key); got != want {
			t.Errorf("Heading(%s) = %q, want %q", key, got, want)
		}
	}
	if got, want := src.IgnoredColumns(), []string{"Status (Datofelter)", "Status (Livscyklus)", "Lokal System ID", "Tidligere systemnavn",
		"Forretningstype", "KLE ID", "KLE navn", "Leverandør", "Arkiveringspligt", "IT systemet driftes"}; !slices.Equal(got, want) {
		t.Errorf("ignored %q", got)
	}
	var first samspil.Record
	_ = src.Records(func(r samspil.Record) bool { first = r; return false })
	headings, values := src.Show(first)
	if !slices.Equal(headings, []string{"System", "Leverandør", "Livscyklus", "Fra", "Til", "Ansvarlig enhed", "Noter"}) ||
		!slices.Equal(values, []string{"KMD Nexus", "Systematic A/S", "I drift", "2019-03-01", "", "Sundhed og Omsorg", "Hoved\nsystem for ældreområdet"}) {
		t.Errorf("Show: %q %q", headings, values)
	}
}

// TestWriteRows writes rows of a file back as they were, with their
// errors in a column Fejl: XLSX with typed cells, and a file of rows
// written so, uploaded again, has its column Fejl replaced.
func TestWriteRows(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "kitos_usages.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewSource(opener(data, nil), "kitos_usages.xlsx", tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := src.WriteRows(&buf, map[int]string{3: "Livscyklus: skal være en af …", 99: "no such row"}); err != nil {
		t.Fatal(err)
	}
	rows := func(b []byte, name string) [][]string {
		t.Helper()
		tb, err := tabular.Open(bytes.NewReader(b), name, tabular.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		defer tb.Close()
		out := [][]string{tb.Header}
		for tb.Next() {
			out = append(out, slices.Clone(tb.Row()))
		}
		return out
	}
	got := rows(buf.Bytes(), "fejl.xlsx")
	header := append(slices.Clone(kitosHeader(t)), "Fejl")
	if len(got) != 2 || !slices.Equal(got[0], header) || got[1][3] != "SBSYS" || got[1][len(header)-1] != "Livscyklus: skal være en af …" {
		t.Fatalf("written rows %q", got)
	}
	// The date cells are dates again: they read as the same date.
	written, err := NewSource(opener(buf.Bytes(), nil), "fejl.xlsx", tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var rec samspil.Record
	_ = written.Records(func(r samspil.Record) bool { rec = r; return false })
	if rec.Usage == nil || rec.Usage.From.String() != "2012-01-01" || rec.Usage.Until.String() != "2024-06-30" {
		t.Fatalf("read back %+v", rec)
	}
	if !slices.Contains(written.IgnoredColumns(), "Fejl") {
		t.Errorf("Fejl is read: ignored %q", written.IgnoredColumns())
	}
	var again bytes.Buffer
	if err := written.WriteRows(&again, map[int]string{2: "ny fejl"}); err != nil {
		t.Fatal(err)
	}
	got = rows(again.Bytes(), "igen.xlsx")
	if len(got) != 2 || !slices.Equal(got[0], header) || got[1][len(header)-1] != "ny fejl" {
		t.Fatalf("written again %q", got)
	}
	// CSV stays CSV.
	csv := csvFile(t, []string{"IT System", "Livscyklus", "Kritikalitet"}, []string{"A", "Aktivt", "Høj"}, []string{"B", "I drift", ""})
	csvSrc, err := NewSource(opener(csv, nil), "k.csv", tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := csvSrc.WriteRows(&buf, map[int]string{2: "Livscyklus: forkert"}); err != nil {
		t.Fatal(err)
	}
	if got := rows(buf.Bytes(), "k-fejl.csv"); len(got) != 2 || !slices.Equal(got[1], []string{"A", "Aktivt", "Høj", "Livscyklus: forkert"}) {
		t.Fatalf("csv %q", got)
	}
	if InvalidRowsName("kitos.xlsx", "xlsx") != "kitos-fejl.xlsx" || InvalidRowsName(".csv", "csv") != "import-fejl.csv" {
		t.Error("InvalidRowsName")
	}
}

func kitosHeader(t *testing.T) []string {
	var h []string
	for _, v := range kitosUsageSheet[0] {
		h = append(h, v.(string))
	}
	return h
}
