package orgcsv_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/orgcsv"
)

func parse(text string) ([]samspil.OrganizationInput, error) {
	return orgcsv.Parse(strings.NewReader(text), "orgs.csv", 2026)
}

func TestParse(t *testing.T) {
	orgs, err := parse("country,code,name,region,population\n" +
		"SE,0180,Stockholms kommun,SE-AB,984748\n" +
		"no, 0301 ,Oslo kommune,NO-03,\n" +
		"DE,09162000,\"München, Landeshauptstadt\",DE-BY,1510378\n" +
		"DK,0740,Silkeborg Kommune,1082,100000\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 4 {
		t.Fatalf("%d organisations", len(orgs))
	}
	s := orgs[0]
	if s.Country != "SE" || s.MunicipalityCode != "0180" || s.Name != "Stockholms kommun" || s.Region != "SE-AB" || s.Kind != samspil.KindMunicipality ||
		len(s.Population) != 1 || s.Population[0] != (samspil.Population{Year: 2026, Inhabitants: 984748}) {
		t.Fatalf("Stockholm: %+v", s)
	}
	if o := orgs[1]; o.Country != "NO" || o.MunicipalityCode != "0301" || len(o.Population) != 0 {
		t.Fatalf("Oslo: %+v", o)
	}
	if orgs[2].Name != "München, Landeshauptstadt" {
		t.Fatalf("München: %+v", orgs[2])
	}

	// Excel's CSV: a byte-order mark, semicolons, the columns in another
	// order.
	orgs, err = parse("\ufeffname;code;country;population;region\r\nTallinn;0784;EE;457000;EE-37\r\n")
	if err != nil || len(orgs) != 1 || orgs[0].Name != "Tallinn" || orgs[0].Country != "EE" {
		t.Fatalf("semicolons: %+v %v", orgs, err)
	}
}

func TestParseErrors(t *testing.T) {
	const header = "country,code,name,region,population\n"
	for _, c := range []struct {
		name, text string
		want       []string // each error: row, column and message part
	}{
		{"duplicate code", header + "SE,0180,Stockholm,,1\nSE,0181,Södertälje,,2\nSE,0180,Stockholm igen,,3\n",
			[]string{"row 4, column code: SE 0180 appears twice: on row 2 too"}},
		{"same code in two countries is fine, unknown country is not", header + "SE,0301,A,,\nNO,0301,B,,\nXX,1,C,,\nDenmark,2,D,,\n",
			[]string{`row 4, column country: "XX" is not an ISO 3166-1`, `row 5, column country: "Denmark" is not`}},
		{"missing name and country", header + "SE,0180,,,1\n,0181,Södertälje,,1\n",
			[]string{"row 2, column name: is required", "row 3, column country: is required"}},
		{"population", header + "SE,0180,Stockholm,,984 748\nSE,0181,Södertälje,,-5\nSE,0182,Nacka,,tusind\n",
			[]string{`row 2, column population: "984 748" is not a whole number`, "row 3, column population: must not be negative",
				`row 4, column population: "tusind" is not a whole number`}},
		{"column count", header + "SE,0180,Stockholm,SE-AB\n", []string{"line 2: the line has 4 values, but the header has 5 columns"}},
		{"header", "country,code,name,population\nSE,0180,Stockholm,1\n", []string{"row 1: the header lacks the column region"}},
		{"unknown column", "country,code,name,region,population,mayor\nSE,0180,Stockholm,,1,X\n", []string{`row 1: column 6 of the header is "mayor"`}},
		{"domain rules", header + "DK,740,Silkeborg,1082,1\nSE,01 80,Stockholm,,1\nDK,0741,Ny,1099,1\n",
			[]string{"row 2, column code: must be 4 digits", "row 3, column code: must be a short code", "row 4, column region: must be a Danish region code"}},
		{"no rows", header, []string{"row 2: the file has no rows below the header"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			orgs, err := parse(c.text)
			if err == nil {
				t.Fatalf("no error; got %+v", orgs)
			}
			if orgs != nil {
				t.Fatalf("rows returned with the error: %+v", orgs)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error lacks %q:\n%v", w, err)
				}
			}
			var e *orgcsv.Error
			if errors.As(err, &e) && e.Total != len(c.want) {
				t.Errorf("%d errors, want %d:\n%v", e.Total, len(c.want), err)
			}
		})
	}
}
