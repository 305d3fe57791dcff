package landscapeio

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

func TestParseLifecycle(t *testing.T) {
	for in, want := range map[string]samspil.Lifecycle{
		"Planlagt": "planned", "planned": "planned", "Pilot": "pilot", "Indfasning": "phasing_in", "phasing_in": "phasing_in",
		"Under indfasning": "phasing_in", "I drift": "operational", "i  DRIFT": "operational", "Drift": "operational",
		"operational": "operational", "Udfasning": "phasing_out", "phasing-out": "phasing_out", "Under udfasning": "phasing_out",
		"Afviklet": "retired", "retired": "retired", "Ikke i drift": "retired", "Ikke angivet": "",
	} {
		got, ok := lifecycles.parse(in)
		if !ok || got != want {
			t.Errorf("lifecycle %q = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"drifts", "x", "I drift!"} {
		if got, ok := lifecycles.parse(in); ok {
			t.Errorf("lifecycle %q = %q, want an error", in, got)
		}
	}
}

func TestParseVisibility(t *testing.T) {
	for in, want := range map[string]samspil.Visibility{
		"Privat": "private", "Kun egen organisation": "private", "private": "private", "Lokal": "private",
		"Partnere": "partners", "Samarbejdspartnere": "partners", "partners": "partners",
		"Sektor": "sector", "Alle tilmeldte organisationer": "sector", "SECTOR": "sector",
		"Offentlig": "public", "public": "public",
	} {
		got, ok := visibilities.parse(in)
		if !ok || got != want {
			t.Errorf("visibility %q = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := visibilities.parse("Hemmelig"); ok {
		t.Error("Hemmelig is a visibility")
	}
}

func TestParseCategory(t *testing.T) {
	for in, want := range map[string]samspil.Category{
		"Sags- og dokumenthåndtering": samspil.CategoryCaseManagement, "case_management": samspil.CategoryCaseManagement,
		"økonomi": samspil.CategoryEconomy, "HR og løn": samspil.CategoryHRPayroll, "It-infrastruktur": samspil.CategoryInfrastructure,
		"IT infrastruktur": samspil.CategoryInfrastructure, "Teknik og miljø": samspil.CategoryTechnical,
		"technical_environment": samspil.CategoryTechnical, "Andet": samspil.CategoryOther,
	} {
		got, ok := categories.parse(in)
		if !ok || got != want {
			t.Errorf("category %q = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := categories.parse("Sundhed"); ok {
		t.Error("Sundhed is a category")
	}
}

// TestCategoryLabelsMatchCatalogue keeps the Danish labels equal to the
// web catalogue's.
func TestCategoryLabelsMatchCatalogue(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "web", "i18n", "da.json"))
	if err != nil {
		t.Skipf("no catalogue: %v", err)
	}
	var da map[string]string
	if err := json.Unmarshal(b, &da); err != nil {
		t.Fatal(err)
	}
	for _, c := range samspil.Categories {
		if got, want := categoryLabels[c], da["category."+string(c)]; got != want {
			t.Errorf("category %s: label %q, catalogue %q", c, got, want)
		}
	}
	for _, l := range samspil.Lifecycles {
		if got, want := lifecycles.format(l), da["lifecycle."+string(l)]; got != want {
			t.Errorf("lifecycle %s: word %q, catalogue %q", l, got, want)
		}
	}
	for _, v := range samspil.Visibilities {
		if got, want := visibilities.format(v), da["visibility."+string(v)]; got != want {
			t.Errorf("visibility %s: word %q, catalogue %q", v, got, want)
		}
	}
	for _, f := range samspil.ProcurementForms {
		if got, want := procurementForms.format(f), da["procurement."+string(f)]; got != want {
			t.Errorf("procurement form %s: word %q, catalogue %q", f, got, want)
		}
	}
	for _, s := range samspil.ContractStatuses {
		if got, want := statusLabels[s], da["status."+string(s)]; got != want {
			t.Errorf("status %s: word %q, catalogue %q", s, got, want)
		}
	}
}

func TestParseProcurement(t *testing.T) {
	for in, want := range map[string]samspil.ProcurementForm{
		"EU-udbud": "eu_tender", "eu udbud": "eu_tender", "Udbud": "eu_tender", "SKI": "ski_framework",
		"SKI-rammeaftale": "ski_framework", "SKI 02.19": "ski_framework", "Direkte tildeling": "direct_award",
		"Fælles indkøb": "joint_procurement", "Andet": "other", "ski_framework": "ski_framework",
	} {
		got, ok := parseProcurement(in)
		if !ok || got != want {
			t.Errorf("procurement %q = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := parseProcurement("Licitation på månen"); ok {
		t.Error("unknown form read")
	}
}

func TestParseNoticeRule(t *testing.T) {
	for in, want := range map[string]samspil.NoticeRule{
		"når som helst": "any_day", "any_day": "any_day", "løbende måned": "end_of_month", "udgangen af en måned": "end_of_month",
		"Måned": "end_of_month", "end_of_month": "end_of_month", "kvartal": "end_of_quarter", "Kvartal": "end_of_quarter",
		"år": "end_of_year", "År": "end_of_year", "Kalenderår": "end_of_year", "end_of_year": "end_of_year",
		"til udgangen af en måned (løbende måned)": "end_of_month",
	} {
		got, ok := noticeRules.parse(in)
		if !ok || got != want {
			t.Errorf("notice rule %q = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := noticeRules.parse("uge"); ok {
		t.Error("uge is a notice rule")
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]bool{"Ja": true, "ja": true, "JA": true, "x": true, "X": true, "true": true, "1": true,
		"Nej": false, "nej": false, "false": false, "0": false} {
		got, ok := parseBool(in)
		if !ok || got != want {
			t.Errorf("bool %q = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"måske", "2", "jaja"} {
		if _, ok := parseBool(in); ok {
			t.Errorf("bool %q read", in)
		}
	}
}

func TestParseDateCell(t *testing.T) {
	for in, want := range map[string]string{
		"2026-01-31": "2026-01-31", "31-01-2026": "2026-01-31", "31.01.2026": "2026-01-31", "31/01/2026": "2026-01-31",
		"1.2.2026": "2026-02-01", "45322": "2024-01-31", "45322.75": "2024-01-31", "2026-01-31T00:00:00+01:00": "2026-01-31",
		"2026-01-31 10:15": "2026-01-31", "29-02-2024": "2024-02-29",
	} {
		rc := &rowCtx{header: []string{"Fra"}, parseDate: tabular.ParseDateFlexible, value: in}
		got, ok := rc.parseDateCell(in)
		if !ok || got.String() != want {
			t.Errorf("date %q = %s, %v (%v); want %s", in, got, ok, rc.errs, want)
		}
	}
	for _, in := range []string{"2026-02-30", "30-02-2026", "31-01-26", "01-01-0001", "0001-01-01T00:00:00", "i morgen", "2026-01-31x",
		"2026-13-01", "12/31/2026"} {
		rc := &rowCtx{header: []string{"Fra"}, parseDate: tabular.ParseDateFlexible, value: in}
		if got, ok := rc.parseDateCell(in); ok {
			t.Errorf("date %q = %s, want an error", in, got)
		} else if len(rc.errs) != 1 || !strings.HasPrefix(rc.errs[0].Message, "must be a date like 2026-01-31 or 31-01-2026") {
			t.Errorf("date %q: errors %v", in, rc.errs)
		}
	}
}

func TestParseMonths(t *testing.T) {
	for in, want := range map[string]int{
		"36": 36, "36,0": 36, "0": 0, "3 år": 36, "2 år og 6 måneder": 30, "2 år, 6 mdr.": 30, "6 mdr.": 6, "6 mdr": 6,
		"3 måneder": 3, "1 år 6 md": 18, "18mdr": 18, "1 year and 6 months": 18, "12 Måneder": 12, "1 måned": 1,
	} {
		got, ok := parseMonths(in)
		if !ok || got != want {
			t.Errorf("months %q = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"3,5", "-3", "tre år", "3 uger", "år 3", "3 år 6", "år", "2 2 år", "og"} {
		if got, ok := parseMonths(in); ok {
			t.Errorf("months %q = %d, want an error", in, got)
		}
	}
}

func TestParseOptions(t *testing.T) {
	type opt struct{ n, m int }
	for in, want := range map[string]opt{
		"Ingen": {0, 0}, "0": {0, 0}, "2 x 12 måneder": {2, 12}, "2x1 år": {2, 12}, "2 × 6 mdr.": {2, 6}, "1 år": {1, 12},
		"12 måneder": {1, 12}, "1+1 år": {2, 12}, "1 + 1 + 1 år": {3, 12}, "3 gange 1 år": {3, 12},
	} {
		n, m, ok := parseOptions(in)
		if !ok || n != want.n || m != want.m {
			t.Errorf("options %q = %d x %d, %v; want %v", in, n, m, ok, want)
		}
	}
	for _, in := range []string{"2", "2 x", "x 12 måneder", "1+2 år", "0 x 12 måneder", "mange"} {
		if n, m, ok := parseOptions(in); ok {
			t.Errorf("options %q = %d x %d, want an error", in, n, m)
		}
	}
}

func TestParseQuarter(t *testing.T) {
	for in, want := range map[string]string{
		"2027-Q3": "2027-Q3", "2027 Q3": "2027-Q3", "2027q3": "2027-Q3", "Q3 2027": "2027-Q3", "Q3 | 2027": "2027-Q3",
		"3. kvartal 2027": "2027-Q3", "2027 | Q1": "2027-Q1", "K4 2026": "2026-Q4",
	} {
		got, ok := parseQuarter(in)
		if !ok || got != want {
			t.Errorf("quarter %q = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"2027", "Q5 2027", "2027-Q0", "3 2027", "27-Q3"} {
		if got, ok := parseQuarter(in); ok {
			t.Errorf("quarter %q = %q, want an error", in, got)
		}
	}
}

func TestParseCVRTasksBands(t *testing.T) {
	for in, want := range map[string]string{"12345678": "12345678", "DK12345678": "12345678", "dk 12 34 56 78": "12345678"} {
		if got, ok := parseCVR(in); !ok || got != want {
			t.Errorf("CVR %q = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"1234567", "123456789", "1234567a"} {
		if _, ok := parseCVR(in); ok {
			t.Errorf("CVR %q read", in)
		}
	}
	if got, bad := parseTasks("27.24.00; 27.24.02,00.01  02"); bad != "" || !slices.Equal(got, []string{"27.24.00", "27.24.02", "00.01", "02"}) {
		t.Errorf("tasks = %q, bad %q", got, bad)
	}
	if _, bad := parseTasks("27.24.00; 27.2"); bad != "27.2" {
		t.Errorf("bad task = %q", bad)
	}
	for in, want := range map[string]samspil.UserBand{"1-10": "1-10", "1 - 10": "1-10", "5000+": "5000+", "<10": "1-10", "10-50": "11-50",
		"50-100": "51-200", "250": "201-1000", "5000": "1001-5000", "5001": "5000+", "1": "1-10", "11 – 50": "11-50"} {
		if got, ok := parseUserBand(in); !ok || got != want {
			t.Errorf("band %q = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{">100", "0", "mange", "2,5"} {
		if got, ok := parseUserBand(in); ok {
			t.Errorf("band %q = %q, want an error", in, got)
		}
	}
}

func TestParseNames(t *testing.T) {
	for in, want := range map[string][]string{
		"A; B;C":                 {"A", "B", "C"},
		`"A; B"; C`:              {"A; B", "C"},
		`"Say ""hi"""; x`:        {`Say "hi"`, "x"},
		`Nexus "Pro"; Other`:     {`Nexus "Pro"`, "Other"},
		`"Pro" Nexus; Other`:     {`"Pro" Nexus`, "Other"},
		`"unclosed; x`:           {`"unclosed`, "x"},
		" ; ;":                   nil,
		"Linje\nto; tre":         {"Linje\nto", "tre"},
		`"a"`:                    {"a"},
		`"a" ;"b"`:               {"a", "b"},
		"Opus Løn, Økonomi; KMD": {"Opus Løn, Økonomi", "KMD"},
	} {
		if got := parseNames(in, ';'); !slices.Equal(got, want) {
			t.Errorf("names %q = %q, want %q", in, got, want)
		}
	}
	for _, names := range [][]string{{"A; B", `"Q"`, `x"y`, "Æble", "=1+1"}, {`"`}, {`""`, `a"";b`}} {
		if got := parseNames(formatNames(names, ';'), ';'); !slices.Equal(got, names) {
			t.Errorf("names %q: format %q reads back as %q", names, formatNames(names, ';'), got)
		}
	}
}

func TestParseKroner(t *testing.T) {
	for in, want := range map[string]samspil.DKK{
		"125000,50": 12500050, "125.000,50": 12500050, "125 000,50": 12500050, "125000.5": 12500050, "0": 0, "0,01": 1,
		"1234": 123400, "1.5E3": 150000, "0.30000000000000004": 30, "125000.49999999999": 12500050, "0,10": 10,
		"9999999999999,99": 999999999999999, "19,99": 1999, "1.234.567": 123456700,
	} {
		got, msg := parseKroner(in)
		if msg != "" || got != want {
			t.Errorf("kroner %q = %d (%s), want %d", in, got, msg, want)
		}
	}
	for in, want := range map[string]string{
		"-1": "must not be negative", "12,345": "must have at most two decimals", "1.5E-3": "must have at most two decimals",
		"10000000000000": "must be less than", "tusind": "must be an amount", "1,2,3": "must be an amount",
		"1.000": "is ambiguous", "12.500": "is ambiguous", "-1.000": "is ambiguous",
	} {
		if got, msg := parseKroner(in); !strings.HasPrefix(msg, want) {
			t.Errorf("kroner %q = %d, %q; want %q", in, got, msg, want)
		}
	}
}

// TestKronerRoundTrip checks that every amount up to 15 digits of øre
// survives formatKroner and parseKroner, also through the raw form XLSX
// stores numbers in.
func TestKronerRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := []samspil.DKK{0, 1, 10, 99, 100, 101, 999_999_999_999_999, 100_000_000_000_000, 12500050}
	for digits := 1; digits <= 15; digits++ {
		limit := int64(1)
		for range digits {
			limit *= 10
		}
		for range 2000 {
			vals = append(vals, samspil.DKK(r.Int64N(limit)))
		}
	}
	for _, v := range vals {
		s := formatKroner(v)
		if got, msg := parseKroner(s); msg != "" || got != v {
			t.Fatalf("%d: %q reads as %d (%s)", v, s, got, msg)
		}
		// As a workbook holds the number: a float in its shortest form.
		f, _ := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		raw := strconv.FormatFloat(f, 'g', -1, 64)
		if got, msg := parseKroner(raw); msg != "" || got != v {
			t.Fatalf("%d: raw %q reads as %d (%s)", v, raw, got, msg)
		}
		// As a workbook holds the result of a sum: off by a unit in the
		// last place.
		for _, g := range []float64{nextUp(f), nextDown(f)} {
			if f == 0 {
				break
			}
			raw := strconv.FormatFloat(g, 'g', -1, 64)
			if got, msg := parseKroner(raw); msg != "" || got != v {
				t.Fatalf("%d: computed %q reads as %d (%s)", v, raw, got, msg)
			}
		}
	}
}

func TestHeadingNormalisation(t *testing.T) {
	for in, want := range map[string]string{"Navn*": "navn", "  NAVN *  ": "navn", "Ansv.  organisationsenhed": "ansv. organisationsenhed",
		"Leverandør\u00a0CVR": "leverandør cvr", "Start*": "start"} {
		if got := normHeading(in); got != want {
			t.Errorf("normHeading(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestColumnTables checks the tables: every template heading is among
// its column's names, and no heading names two columns of a kind.
func TestColumnTables(t *testing.T) {
	check := func(kind samspil.ImportKind, heads []string, names [][]string, keys []string) {
		seen := map[string]string{}
		for i, ns := range names {
			if heads[i] != "" && !slices.ContainsFunc(ns, func(n string) bool { return normHeading(n) == normHeading(heads[i]) }) {
				t.Errorf("%s: %q is not among its names %q", kind, heads[i], ns)
			}
			for _, n := range ns {
				if k, ok := seen[normHeading(n)]; ok {
					t.Errorf("%s: %q names both %s and %s", kind, n, k, keys[i])
				}
				seen[normHeading(n)] = keys[i]
			}
		}
	}
	collect := func(fields any) ([]string, [][]string, []string) {
		var heads, keys []string
		var names [][]string
		switch fs := fields.(type) {
		case []field[systemRow]:
			for _, f := range fs {
				heads, names, keys = append(heads, f.heading), append(names, f.names), append(keys, f.key)
			}
		case []field[usageRow]:
			for _, f := range fs {
				heads, names, keys = append(heads, f.heading), append(names, f.names), append(keys, f.key)
			}
		case []field[contractRow]:
			for _, f := range fs {
				heads, names, keys = append(heads, f.heading), append(names, f.names), append(keys, f.key)
			}
		}
		return heads, names, keys
	}
	for kind, fields := range map[samspil.ImportKind]any{samspil.ImportSystems: systemSpec.fields,
		samspil.ImportUsages: usageSpec.fields, samspil.ImportContracts: contractSpec.fields} {
		h, n, k := collect(fields)
		check(kind, h, n, k)
	}
	for _, f := range contractSpec.fields {
		if h, ok := termHeadings[f.key]; ok && h != strings.TrimSuffix(f.heading, "*") {
			t.Errorf("termHeadings[%s] = %q, the table says %q", f.key, h, f.heading)
		}
	}
	if len(termHeadings) != len(termKeys) {
		t.Errorf("%d term headings for %d keys", len(termHeadings), len(termKeys))
	}
	want := map[samspil.ImportKind][]string{
		samspil.ImportSystems: {"Navn*", "Leverandør", "Leverandør CVR", "Kategori", "KLE", "Beskrivelse", "Open source", "OS2-produkt",
			"Hjemmeside", "Synlighed"},
		samspil.ImportUsages: {"System*", "Leverandør", "Leverandør CVR", "Livscyklus", "Fra", "Til", "Ansvarlig enhed", "Antal brugere",
			"Synlighed", "Noter"},
		samspil.ImportContracts: {"Kontrakt*", "Reference", "Leverandør", "Leverandør CVR", "Systemer", "Start*", "Varighed (måneder)",
			"Udløber", "Uopsigelig til", "Optioner", "Option (måneder)", "Brugte optioner", "Forlængelsestype", "Opsigelsesfrist (måneder)",
			"Opsigelse træder i kraft", "Opsagt til", "Indkøbsform", "Genanskaffelse", "Anskaffelse pr. år", "Drift pr. år",
			"Andet pr. år", "Anskaffelse (engangsbeløb)", "Synlighed", "Prissynlighed", "Noter"},
	}
	for kind, heads := range want {
		if got := Headings(kind); !slices.Equal(got, heads) {
			t.Errorf("%s headings = %q, want %q", kind, got, heads)
		}
	}
}

func nextUp(f float64) float64 { return math.Nextafter(f, math.Inf(1)) }

func nextDown(f float64) float64 {
	if f == 0 {
		return 0
	}
	return math.Nextafter(f, math.Inf(-1))
}
