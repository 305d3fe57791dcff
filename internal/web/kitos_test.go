package web_test

import (
	"net/http"
	"testing"

	"github.com/samspil/samspil/internal/testkit"
)

// TestKitosPage shows the organisation's KITOS runs with their counts and
// changes, the notes in Danish, to its people only.
func TestKitosPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		path := "/organizations/" + f.silkeborg.ID + "/kitos"
		viewer, _ := signIn(t, app, lsViewerEmail)
		mustContain(t, viewer.Do("GET", path, nil).Want(t, http.StatusOK), "<h1>KITOS-synkronisering</h1>", "Der er ikke hentet noget fra KITOS endnu.")

		testkit.ExampleKitosRuns(t, app.DB, testkit.Silkeborg)
		page := viewer.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Første kørsel: alt hentet", "Ændringer siden", "<code>https://kitos.example</code>",
			"<strong>Oprettet</strong> · it-system <em>Borgerportal fra KITOS</em>",
			"KLE-numre, som samspil ikke kender, er udeladt: 99.99.99",
			"samspil kan ikke tage feltet name:",
			"dens it-system (11111111-0000-4000-8000-00000000a099) er ikke i samspils katalog",
			"leverandøren Ukendt Leverandør A/S er ikke i samspil",
			"KITOS har ingen første dag for kontrakten",
			"<strong>Slettet</strong> · kontrakt <em>Borgerportal-aftale</em>",
			"<strong>Beholdt</strong> · systemanvendelse <em>Borgerportal fra KITOS</em>",
			"slettet i KITOS, men beholdt: samspil har egne oplysninger om den",
			"slettet i KITOS, men synkroniseringen sletter ikke katalogopslag",
			"<strong>Oprettet</strong> · relation <em>Borgerportal fra KITOS → Lønsystem fra KITOS</em>",
			"snitfladen Løndata er udeladt", "frekvensen Efter behov kender samspil ikke", "referencen intranet/loen er ikke en webadresse",
			"anvendelsen, den relaterer til (11111111-0000-4000-8000-00000000b098), er ikke i samspil",
			"<strong>Oprettet</strong> · databehandling <em>Databehandling fra KITOS</em>",
			"dataansvarsvalget Egen kategori kender samspil ikke", "databehandleren Ukendt Hosting ApS er ikke i samspil",
			"landet XX er ikke en ISO 3166-1-landekode", "<strong>Slettet</strong> · databehandling <em>Databehandling fra KITOS</em>")

		// Another organisation's people and the public do not see it.
		viborg, _ := signIn(t, app, lsViborgEmail)
		viborg.Do("GET", path, nil).Want(t, http.StatusNotFound)
		anon := newBrowser(t, app)
		if res := anon.Do("GET", path, nil); res.Status != http.StatusSeeOther && res.Status != http.StatusNotFound {
			t.Errorf("anonymous: %d", res.Status)
		}
		// The landscape links to it for its editors.
		ed, _ := signIn(t, app, lsEditorEmail)
		mustContain(t, ed.Do("GET", "/organizations/"+f.silkeborg.ID+"/landscape", nil).Want(t, http.StatusOK), `href="`+path+`"`)
	})
}
