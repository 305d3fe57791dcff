package web

import "testing"

// TestSentenceFindsItsFormat checks how a stored English sentence (a row
// error of an import) is shown in Danish: by the format it was written
// from, with the texts put into it translated too where they are messages,
// the reading that translates the most winning.
func TestSentenceFindsItsFormat(t *testing.T) {
	cat, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{"must not be empty", "må ikke være tom"},
		{`must be one of Planlagt, Pilot, not "Måske"`, `skal være en af Planlagt, Pilot, ikke "Måske"`},
		{`must be one of 1-10, 11-50, 51-200, 201-1000, 1001-5000, 5000+ or a number of users, not "mange"`,
			`skal være en af 1-10, 11-50, 51-200, 201-1000, 1001-5000, 5000+ eller et antal brugere, ikke "mange"`},
		{"the same contract as row 3", "samme kontrakt som række 3"},
		{`line 4 (text line 5), column 2 ("Navn"): the value is longer than 1000 bytes`,
			`linje 4 (tekstlinje 5), kolonne 2 ("Navn"): værdien er længere end 1000 byte`},
		{"no organisation in samspil matches Acme 12345678; it is left empty", "ingen organisation i samspil passer til Acme 12345678; feltet er ladt tomt"},
		{"Sagsbehandling is not in the catalogue; import the usages first", "Sagsbehandling er ikke i kataloget; importér anvendelserne først"},
		{"the organisation has several units called Borgerservice; give them different names before the import",
			"organisationen har flere enheder, der hedder Borgerservice; giv dem forskellige navne før importen"},
		{"the organisation has no unit called Løn; choose to create it or which unit it is",
			"organisationen har ingen enhed, der hedder Løn; vælg at oprette den eller hvilken enhed det er"},
		{`must be a date like 2026-01-31 or 31-01-2026, not "30-02-2024"`, `skal være en dato som 2026-01-31 eller 31-01-2026, ikke "30-02-2024"`},
		{"a sentence samspil never writes", "a sentence samspil never writes"},
		{"", ""},
	} {
		if got := cat.sentence("da", c.in); got != c.want {
			t.Errorf("sentence(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if got := cat.sentence("en", c.in); got != c.in {
			t.Errorf("in English %q became %q", c.in, got)
		}
	}
}
