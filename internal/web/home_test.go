package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestHome: after signing in, "/" is "Mit overblik": a contract whose
// notice deadline is in 20 days is marked as needing action now, with the
// days left, and links to the full list; empty blocks say what would fill
// them; another organisation's person sees none of it; anonymous readers
// go to the directory. The deadlines page filters what needs action now.
func TestHome(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, app.DB, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		testkit.NewPerson(t, app.DB, "ed@viborg.example", testkit.Viborg, samspil.RoleEditor)
		silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
		today := samspil.Today(samspil.Now())
		expiry := today.AddDays(20).AddMonths(3)
		soon, err := app.DB.CreateContract(ctx, ed.Actor, samspil.ContractInput{OrganizationID: silkeborg.ID, Name: "ESDH – drift og support",
			ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1), Expiry: &expiry, NoticeMonths: 3, NoticeRule: samspil.NoticeAnyDay,
				ExtensionCount: 1, ExtensionMonths: 12}})
		if err != nil {
			t.Fatal(err)
		}
		far := today.AddMonths(10)
		if _, err := app.DB.CreateContract(ctx, ed.Actor, samspil.ContractInput{OrganizationID: silkeborg.ID, Name: "Lønsystem langt ude",
			ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1), Expiry: &far}}); err != nil {
			t.Fatal(err)
		}

		wantRedirect(t, newBrowser(t, app).Do("GET", "/", nil), "/organizations")

		b, _ := signIn(t, app, "ed@silkeborg.example")
		page := b.Do("GET", "/", nil).Want(t, http.StatusOK)
		days := samspil.DaysBetween(today, *soon.Deadlines.NextDecisionDate)
		mustContain(t, page, "<h1>Mit overblik</h1>", `aria-current="page"><span>Mit overblik</span>`,
			`href="/contracts/`+soon.ID+`"`, "ESDH – drift og support", "urgency urgency-now",
			"Om "+strconv.Itoa(days)+" dage – handl nu", "Alle frister for Silkeborg Kommune",
			"Ingen afstemninger venter på jeres organisation.", "Du har ingen kommende møder.",
			"Du har ingen åbne opfølgningspunkter.", "Intet venter på jeres samtykke.")
		mustNotContain(t, page, "Lønsystem langt ude")

		v, _ := signIn(t, app, "ed@viborg.example")
		mustNotContain(t, v.Do("GET", "/", nil).Want(t, http.StatusOK), "ESDH – drift og support")

		// In English.
		b.Do("POST", "/language", url.Values{"lang": {"en"}, "return_to": {"/"}})
		mustContain(t, b.Do("GET", "/", nil).Want(t, http.StatusOK), "<h1>My overview</h1>", "In "+strconv.Itoa(days)+" days – act now")
		b.Do("POST", "/language", url.Values{"lang": {"da"}, "return_to": {"/"}})

		// The deadlines page: all, or only what needs action now.
		all := b.Do("GET", "/organizations/"+silkeborg.ID+"/deadlines", nil).Want(t, http.StatusOK)
		mustContain(t, all, "ESDH – drift og support", "Lønsystem langt ude", `urgent-now`)
		now := b.Do("GET", "/organizations/"+silkeborg.ID+"/deadlines?urgency=now", nil).Want(t, http.StatusOK)
		mustContain(t, now, "ESDH – drift og support", `href="/organizations/`+silkeborg.ID+`/deadlines?urgency=now" aria-current="page"`)
		mustNotContain(t, now, "Lønsystem langt ude")
		b.Do("GET", "/organizations/"+silkeborg.ID+"/deadlines?urgency=yesterday", nil).Want(t, http.StatusUnprocessableEntity)
	})
}

// TestSearchPages: the search page groups what the reader may see; the
// header's suggestions come as a fragment; a kommunekode finds its
// municipality; too long a text is refused with the field named.
func TestSearchPages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		anon := newBrowser(t, app)
		page := anon.Do("GET", "/search?q=0740", nil).Want(t, http.StatusOK)
		mustContain(t, page, "<h1>Søg</h1>", `<h2 id="kind-organizations">Organisationer</h2>`, "Silkeborg Kommune", `value="0740"`)
		page = anon.Do("GET", "/search?q=kommune&kind=organizations", nil).Want(t, http.StatusOK)
		if n := strings.Count(body(page), `<li><a href="/organizations/`); n != samspil.SearchMaxPerKind {
			t.Fatalf("one kind shows %d hits, want %d", n, samspil.SearchMaxPerKind)
		}
		mustContain(t, page, "Flere organisationer")
		mustContain(t, anon.Do("GET", "/search?q=x", nil).Want(t, http.StatusOK), "Skriv mindst 2 tegn for at søge.")
		mustContain(t, anon.Do("GET", "/search?q=zzzqqq", nil).Want(t, http.StatusOK), "Intet fundet for »zzzqqq«.")
		anon.Do("GET", "/search?q="+strings.Repeat("a", 101), nil).Want(t, http.StatusUnprocessableEntity)

		frag := anon.Do("GET", "/search/suggest?q=silk", nil, "HX-Request", "true").Want(t, http.StatusOK)
		mustContain(t, frag, "Silkeborg Kommune", `href="/search?q=silk"`)
		mustNotContain(t, frag, "<html", "<header")
		if got := strings.TrimSpace(body(anon.Do("GET", "/search/suggest?q=s", nil).Want(t, http.StatusOK))); got != "" {
			t.Fatalf("one letter suggests %q", got)
		}
	})
}

// TestMinePages: the full lists behind the start page need a signed-in
// person and show only their own.
func TestMinePages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		for _, path := range []string{"/my/votes", "/my/meetings", "/my/action-items"} {
			wantRedirect(t, newBrowser(t, app).Do("GET", path, nil), "/login")
		}
		b, _ := signIn(t, app, "ed@silkeborg.example")
		mustContain(t, b.Do("GET", "/my/votes", nil).Want(t, http.StatusOK), "<h1>Afstemninger, der venter på jer</h1>", "Ingen afstemninger venter")
		mustContain(t, b.Do("GET", "/my/meetings", nil).Want(t, http.StatusOK), "<h1>Mine næste møder</h1>", "Du har ingen kommende møder.")
		mustContain(t, b.Do("GET", "/my/action-items", nil).Want(t, http.StatusOK), "<h1>Mine opfølgningspunkter</h1>", "Du har ingen åbne opfølgningspunkter.")
		b.Do("GET", "/my/meetings?cursor=garbage", nil).Want(t, http.StatusUnprocessableEntity)
	})
}

// TestHomeInitiativeInvitations: an invitation of the organisation to a
// joint initiative shows on the start page of its people who act for it,
// with whether they may commit, and not on another organisation's.
func TestHomeInitiativeInvitations(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		vAdmin := testkit.NewPerson(t, app.DB, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		x, err := app.DB.ProposeInitiative(ctx, vAdmin.Actor, samspil.InitiativeInput{Title: "Fælles chatbot til borgerservice",
			Model: samspil.ModelProcurement, Visibility: samspil.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.SetParticipation(ctx, vAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Silkeborg,
			State: samspil.ParticipationInvited}); err != nil {
			t.Fatal(err)
		}
		b, _ := signIn(t, app, "ed@silkeborg.example")
		mustContain(t, b.Do("GET", "/", nil).Want(t, http.StatusOK), "Initiativer, der venter på jeres svar",
			"Silkeborg Kommune er inviteret til at deltage i Fælles chatbot til borgerservice", `href="/initiatives/`+x.ID+`#participation"`,
			"du kan melde interesse; en administrator giver tilsagn")
		a, _ := signIn(t, app, "admin@aarhus.example")
		page := a.Do("GET", "/", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Ingen initiativer venter på jeres svar.")
		mustNotContain(t, page, "Fælles chatbot til borgerservice")
	})
}
