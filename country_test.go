package samspil

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCountries(t *testing.T) {
	if !slices.IsSortedFunc(Countries, func(a, b Country) int { return strings.Compare(a.Code, b.Code) }) {
		t.Fatal("Countries is not sorted by code")
	}
	if len(Countries) != 250 { // the 249 assigned codes and XK
		t.Errorf("%d countries", len(Countries))
	}
	europe := 0
	for i, c := range Countries {
		if len(c.Code) != 2 || strings.ToUpper(c.Code) != c.Code || c.Name == "" || (i > 0 && Countries[i-1].Code == c.Code) {
			t.Fatalf("country %+v", c)
		}
		if c.Europe {
			europe++
		}
	}
	// Every country of Europe, EU or not.
	for _, code := range strings.Fields("AD AL AT BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GR HR HU IE IS IT LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM UA VA XK") {
		if i, ok := countryIndex(code); !ok || !Countries[i].Europe {
			t.Errorf("%s is not a European country in the list", code)
		}
	}
	if europe < 50 {
		t.Errorf("%d European countries", europe)
	}
	for _, code := range []string{"", "dk", "DNK", "EU", "UK", "QQ", "ZZ"} {
		if KnownCountry(code) {
			t.Errorf("%q is known", code)
		}
	}
	if CountryName("SE") != "Sweden" || CountryName("QQ") != "" {
		t.Errorf("names: %q %q", CountryName("SE"), CountryName("QQ"))
	}
}

func TestMunicipalityCodes(t *testing.T) {
	for _, c := range []struct {
		country, code string
		ok            bool
	}{
		{"DK", "0740", true}, {"DK", "740", false}, {"DK", "07400", false}, {"DK", "07a0", false},
		{"SE", "0180", true}, {"FI", "091", true}, {"DE", "09162000", true}, {"FR", "2A004", true}, {"NL", "GM0363", true},
		{"GB", "E06000001", true}, {"PT", "11-06", true}, {"SE", "123456789012", true},
		{"SE", "1234567890123", false}, {"SE", "", false}, {"SE", "01 80", false}, {"SE", "-018", false}, {"SE", "018-", false}, {"SE", "01.80", false},
	} {
		if got := ValidMunicipalityCode(c.country, c.code); got != c.ok {
			t.Errorf("%s %q: valid %v, want %v", c.country, c.code, got, c.ok)
		}
	}
}

func TestOrganizationCountryAndCode(t *testing.T) {
	fields := func(o Organization) []string {
		var e *Error
		if err := o.Validate(); !errors.As(err, &e) {
			return nil
		}
		var out []string
		for _, f := range e.Fields {
			out = append(out, f.Path+": "+f.Message)
		}
		return out
	}
	for _, c := range []struct {
		o    Organization
		want []string
	}{
		{Organization{Kind: KindMunicipality, Name: "Sala kommun", Country: "SE", MunicipalityCode: "1981", Visibility: VisibilityPublic}, nil},
		{Organization{Kind: KindMunicipality, Name: "Gemeente Amsterdam", Country: "NL", MunicipalityCode: "GM0363", Visibility: VisibilityPublic}, nil},
		{Organization{Kind: KindMunicipality, Name: "Landeshauptstadt München", Country: "DE", MunicipalityCode: "09162000", Region: "DE-BY", Visibility: VisibilityPublic}, nil},
		// Outside Denmark the code may be left out; in Denmark it may not,
		// and it has 4 digits.
		{Organization{Kind: KindMunicipality, Name: "Sala kommun", Country: "SE", Visibility: VisibilityPublic}, nil},
		{Organization{Kind: KindMunicipality, Name: "X", Country: "DK", Visibility: VisibilityPublic}, []string{"municipality_code: is required for Danish municipalities"}},
		{Organization{Kind: KindMunicipality, Name: "X", Country: "DK", MunicipalityCode: "GM0363", Visibility: VisibilityPublic}, []string{"municipality_code: must be 4 digits, e.g. 0740"}},
		{Organization{Kind: KindMunicipality, Name: "X", Country: "SE", MunicipalityCode: "01 80", Visibility: VisibilityPublic}, []string{"municipality_code: must be a short code of letters, digits and dashes"}},
		{Organization{Kind: KindCommunity, Name: "X", Country: "SE", MunicipalityCode: "0180", Visibility: VisibilityPublic}, []string{"municipality_code: is only for municipalities"}},
		{Organization{Kind: KindCommunity, Name: "X", Country: "QQ", Visibility: VisibilityPublic}, []string{"country: must be an ISO 3166-1 alpha-2 code such as DK"}},
	} {
		if got := fields(c.o); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %q, want %q", c.o, got, c.want)
		}
	}
}
