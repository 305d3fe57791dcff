package landscapeio

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

// The fuzz targets take a header and a row, each as cells separated by
// tabs, and map the row as the header says. A row must never panic; its
// errors must name columns of the header, on the row's line; and a row
// read without errors must be written by the exporter as cells that read
// back as the same record.

func FuzzSystemRows(f *testing.F) {
	f.Add("Navn*\tLeverandør\tLeverandør CVR\tKategori\tKLE\tBeskrivelse\tOpen source\tOS2-produkt\tHjemmeside\tSynlighed",
		"Nexus\tSystematic A/S\t12345678\tSundhed og ældre\t27.24.00; 27.24.02\tOmsorg\tNej\tJa\thttps://x.dk\tSektor")
	f.Add("IT systemnavn\tRettighedshaver\tKLE ID\tForretningstype", "SBSYS\tSyddjurs\t00.01, 27\tESDH")
	f.Add("navn\tkategori\tOS2", "'=1+1\tcase_management\tx")
	fuzzRows(f, samspil.ImportSystems)
}

func FuzzUsageRows(f *testing.F) {
	f.Add("System*\tLeverandør\tLeverandør CVR\tLivscyklus\tFra\tTil\tAnsvarlig enhed\tAntal brugere\tSynlighed\tNoter",
		"Nexus\tSystematic\tDK 12345678\tI drift\t01-02-2020\t2031-12-31\tSundhed\t51-200\tPartnere\tNoter")
	f.Add("IT System\tAnsv. organisationsenhed\tIbrugtagningsdato\tSlutdato for anvendelse\tLivscyklus\tKLE ID",
		"Aula\tSkole\t43525\t45473.5\tUnder indfasning\t27.24.00")
	f.Add("system\tstatus\tantal brugere", "x\tIkke aktivt\t<10")
	fuzzRows(f, samspil.ImportUsages)
}

func FuzzContractRows(f *testing.F) {
	f.Add("Kontrakt*\tReference\tLeverandør\tLeverandør CVR\tSystemer\tStart*\tVarighed (måneder)\tUdløber\tUopsigelig til\tOptioner\t"+
		"Option (måneder)\tBrugte optioner\tOpsigelsesfrist (måneder)\tOpsigelse træder i kraft\tOpsagt til\tIndkøbsform\tGenanskaffelse\t"+
		"Anskaffelse pr. år\tDrift pr. år\tAndet pr. år\tSynlighed\tPrissynlighed\tNoter",
		"K\tK-1\tSystematic\t12345678\t\"A; B\"; C\t2024-02-29\t48\t\t2026-12-31\t2\t12\t1\t6\tkvartal\t\tSKI\t2028-Q4\t125000,50\t1.000,00\t0\tSektor\tPrivat\tx")
	f.Add("IT Kontrakt\tGyldig fra\tGyldig til\tVarighed\tLøbende\tOption forlæng\tOpsigelse (måneder)\tInden udgangen af\tIT Systemer\tOpsagt",
		"Nexus\t43525\t44985\t4 år\tNej\t2 x 12 måneder\t3 md\tMåned\tNexus, Aula\t")
	f.Add("Navn\tIndgået\tVarighed\tOption\tAnskaffelse.\tDrift/år\tAndet\tGenanskaffelsesplan",
		"x\t01.01.2024\tLøbende\tIngen\t0.30000000000000004\t1.5E3\t\tQ3 | 2027")
	fuzzRows(f, samspil.ImportContracts)
}

func fuzzRows(f *testing.F, kind samspil.ImportKind) {
	template, _, _ := kindByName[kind].bind(Headings(kind))
	f.Fuzz(func(t *testing.T, header, row string) {
		h := strings.Split(header, "\t")
		if len(h) > 64 {
			return
		}
		m, _, missing := kindByName[kind].bind(h)
		if len(missing) > 0 {
			return
		}
		cells := strings.Split(row, "\t")
		for len(cells) < len(h) {
			cells = append(cells, "")
		}
		cells = cells[:len(h)]
		rec, ok := m.mapRow(cells, 7, tabular.ParseDateFlexible)
		if !ok {
			for _, c := range cells {
				if strings.TrimSpace(c) != "" {
					t.Fatalf("row %q taken as blank", cells)
				}
			}
			return
		}
		if rec.Line != 7 {
			t.Fatalf("line %d", rec.Line)
		}
		if len(rec.Errs) > 0 {
			if rec.System != nil || rec.Usage != nil || rec.Contract != nil {
				t.Fatalf("a record and errors: %+v", rec)
			}
			for _, e := range rec.Errs {
				if e.Line != 7 || e.Message == "" || !slices.Contains(h, e.Column) {
					t.Fatalf("error %+v: not a column of %q", e, h)
				}
			}
			return
		}
		n := 0
		for _, p := range []bool{rec.System != nil, rec.Usage != nil, rec.Contract != nil} {
			if p {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("record %+v", rec)
		}
		if rec.Contract != nil {
			terms := rec.Contract.Terms
			terms.Normalize()
			if err := terms.Validate(); err != nil {
				t.Fatalf("terms read without errors are invalid: %v", err)
			}
		}
		out, ok := formatRecord(kind, rec)
		if !ok {
			t.Fatalf("cannot format %+v", rec)
		}
		// The typed cells of an XLSX export say what the text says.
		typed, ok := formatCells(kind, rec)
		if !ok || len(typed) != len(out) {
			t.Fatalf("typed cells %+v for %q", typed, out)
		}
		for i, c := range typed {
			if c.Text != out[i] {
				t.Fatalf("cell %d: typed text %q, text %q", i, c.Text, out[i])
			}
			switch c.Kind {
			case tabular.KindNumber, tabular.KindAmount:
				if v, err := tabular.ParseDecimal(c.Text); err != nil || v != c.Number {
					t.Fatalf("cell %d: %q reads as %v (%v), the cell holds %v", i, c.Text, v, err, c.Number)
				}
			case tabular.KindDate:
				if c.Text != c.Date.String() {
					t.Fatalf("cell %d: %q for the date %s", i, c.Text, c.Date)
				}
			}
		}
		back, ok := template.mapRow(out, 7, tabular.ParseDateFlexible)
		if !ok || !reflect.DeepEqual(back, rec) {
			t.Fatalf("row %q\nread as %s\nwritten as %q\nread back as %s %v", cells, dump(rec), out, dump(back), back.Errs)
		}
	})
}
