package web

import (
	"errors"
	"slices"
	"testing"

	"github.com/samspil/samspil"
)

func TestGroupingPoints(t *testing.T) {
	for _, c := range []struct {
		f      float64
		da, en string
	}{
		{0, "0,0", "0.0"}, {5134.25, "5.134,2", "5,134.2"}, {1234567.89, "1.234.567,9", "1,234,567.9"}, {-12.34, "-12,3", "-12.3"}, {-0.01, "0,0", "0.0"},
	} {
		if got := groupingPoints(c.f, "da"); got != c.da {
			t.Errorf("%v in Danish: %q, want %q", c.f, got, c.da)
		}
		if got := groupingPoints(c.f, "en"); got != c.en {
			t.Errorf("%v in English: %q, want %q", c.f, got, c.en)
		}
	}
}

// TestParseGrouping reads a grouping typed in: names with or without
// "Kommune", the map's short names and kommunekoder, any case and
// spacing; blank lines and empty names skipped; an unknown name or one
// not chosen is an error naming its line.
func TestParseGrouping(t *testing.T) {
	munis := []samspil.Organization{
		{ID: "kbh", Name: "Københavns Kommune", MunicipalityCode: "0101"},
		{ID: "silk", Name: "Silkeborg Kommune", MunicipalityCode: "0740"},
		{ID: "vib", Name: "Viborg Kommune", MunicipalityCode: "0791"},
		{ID: "bh", Name: "Bornholms Regionskommune", MunicipalityCode: "0400"},
	}
	chosen := map[string]bool{"kbh": true, "silk": true, "vib": true}
	got, err := parseGrouping("  københavn ,0740,\n\n Viborg   Kommune, ,\n", munis, chosen)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]string{{"kbh", "silk"}, {"vib"}}; !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for _, c := range []struct{ text, want string }{
		{"Silkeborg\nAtlantis", `line 2: no municipality is called "Atlantis"`},
		{"Silkeborg, Bornholm", "line 1: Bornholms Regionskommune is not among the organisations chosen"},
	} {
		_, err := parseGrouping(c.text, munis, chosen)
		var e *samspil.Error
		if !errors.As(err, &e) || e.Code != samspil.EINVALID || len(e.Fields) != 1 || e.Fields[0].Path != "compare" || e.Fields[0].Message != c.want {
			t.Errorf("%q: %v, want %q at compare", c.text, err, c.want)
		}
	}
}
