package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// strategyNamed returns the one stored strategy with the title.
func strategyNamed(t *testing.T, app *testkit.App, orgID, title string) *samspil.Strategy {
	t.Helper()
	list, err := app.DB.ListStrategies(context.Background(), testkit.System, "", orgID)
	if err != nil {
		t.Fatal(err)
	}
	var found *samspil.Strategy
	for i := range list {
		if list[i].Title == title {
			if found != nil {
				t.Fatalf("two strategies %q", title)
			}
			found = &list[i]
		}
	}
	if found == nil {
		t.Fatalf("no strategy %q of %s", title, orgID)
	}
	return found
}

// coverageRow returns the coverage row of an organisation, squashed.
func coverageRowOf(t *testing.T, page *testkit.Response, orgID string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr id="coverage-` + regexp.QuoteMeta(orgID) + `"[^>]*>.*?</tr>`).FindString(body(squashed(page)))
	if m == "" {
		t.Fatalf("no coverage row of %s:\n%s", orgID, page.Body)
	}
	return m
}

func wantIn(t *testing.T, what, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !regexp.MustCompile(regexp.QuoteMeta(w)).MatchString(s) {
			t.Fatalf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

func TestStrategiesPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newCollabFixture(t, app)
		path := "/collaborations/" + f.ID + "/strategies"

		page := f.sBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Der er ikke registreret fælles strategier.", `href="`+path+`" aria-current="page"`,
			"ingen strategi med emnet &#34;digitalisering&#34; er vedtaget af Viborg Kommune")
		form := formFields(t, page, path)
		if form.Get("scope") != "digitalisering" || len(form["owners"]) != 2 { // the default scope in Danish, stored as its code
			t.Fatalf("a new strategy's form: %v", form)
		}

		// A missing title is refused at the field; nothing is stored.
		res := f.sBrowser.Do("POST", path, with(form, "from", "2015-01-01")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal udfyldes")
		mustContain(t, res, `<details class="details edit-block" open>`)
		if list, _ := app.DB.ListStrategies(context.Background(), testkit.System, f.ID, ""); len(list) != 0 {
			t.Fatal("a refused form stored a strategy")
		}
		res = f.sBrowser.Do("POST", path, with(form, "title", "X", "from", "2015-01-01", "until", "2014-01-01")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "må ikke ligge før fra-datoen")

		// The joint strategy of 2015–2018, with both as owners.
		joint := "Fælles digitaliseringsstrategi 2015–2018"
		res = f.sBrowser.Do("POST", path, with(form, "title", joint, "from", "2015-01-01", "until", "2018-12-31",
			"goals", "Fælles ESDH\r\n\r\n  Fælles drift af infrastruktur  \n"))
		if u := wantRedirect(t, res, path); u.Query().Get("done") != "strategy_created" {
			t.Fatalf("done %q", u.Query().Get("done"))
		}
		js := strategyNamed(t, app, f.Silkeborg.ID, joint)
		if !js.Joint() || js.CollaborationID != f.ID || len(js.Goals) != 2 || js.Goals[1].Title != "Fælles drift af infrastruktur" || js.Scope != "digitalisation" {
			t.Fatalf("joint strategy %+v", js)
		}
		adopt := "/strategies/" + js.ID + "/adoptions"

		// Each owner records its own adoption: Silkeborg's administrator
		// sees Silkeborg's button only.
		page = f.sBrowser.Do("GET", path+"?done=strategy_created", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Strategien er registreret.", "<li>Fælles ESDH</li>", "Silkeborg Kommune: <em>ikke vedtaget</em>",
			`name="organization_id" value="`+f.Silkeborg.ID+`"`)
		mustNotContain(t, page, `name="organization_id" value="`+f.Viborg.ID+`"`)
		res = f.sBrowser.Do("POST", adopt, with(formFields(t, page, adopt), "adopted_on", "2015-03-01"))
		if u := wantRedirect(t, res, path); u.Query().Get("done") != "strategy_adopted" {
			t.Fatalf("done %q", u.Query().Get("done"))
		}
		vpage := f.vBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		vadopt := formFields(t, vpage, adopt)
		if vadopt.Get("organization_id") != f.Viborg.ID {
			t.Fatalf("Viborg's editor adopts for %q", vadopt.Get("organization_id"))
		}
		// A bad day is shown at the form; a forged adoption for Silkeborg is
		// refused.
		res = f.vBrowser.Do("POST", adopt, with(vadopt, "adopted_on", "1. april")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, `"1. april" er ikke en dato på formen ÅÅÅÅ-MM-DD som 2026-01-31`)
		f.vBrowser.Do("POST", adopt, with(vadopt, "organization_id", f.Silkeborg.ID, "adopted_on", "2016-01-01")).Want(t, http.StatusForbidden)
		wantRedirect(t, f.vBrowser.Do("POST", adopt, with(vadopt, "adopted_on", "2015-04-01")), path)

		// In 2019 Viborg adopts a strategy of its own.
		own := "Viborg Kommunes digitaliseringsstrategi"
		vform := formFields(t, f.vBrowser.Do("GET", path, nil).Want(t, http.StatusOK), path)
		vform.Del("owners")
		res = f.vBrowser.Do("POST", path, with(vform, "title", own, "from", "2019-01-01", "owners", f.Viborg.ID, "goals", "Digital først"))
		wantRedirect(t, res, path)
		ownS := strategyNamed(t, app, f.Viborg.ID, own)
		if ownS.Joint() || ownS.CollaborationID != "" {
			t.Fatalf("own strategy %+v", ownS)
		}
		vpage = f.vBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		wantRedirect(t, f.vBrowser.Do("POST", "/strategies/"+ownS.ID+"/adoptions", with(formFields(t, vpage, "/strategies/"+ownS.ID+"/adoptions"),
			"adopted_on", "2019-02-01")), path)
		adopted := map[string]string{}
		for _, o := range strategyNamed(t, app, f.Silkeborg.ID, joint).Owners {
			adopted[o.OrganizationID] = o.AdoptedOn.StringOrEmpty()
		}
		if adopted[f.Silkeborg.ID] != "2015-03-01" || adopted[f.Viborg.ID] != "2015-04-01" {
			t.Fatalf("adoptions %v", adopted)
		}

		// Coverage today: Viborg on its own, Silkeborg still on the joint
		// one, past its period.
		page = f.sBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		esc := html.EscapeString
		vrow := coverageRowOf(t, page, f.Viborg.ID)
		wantIn(t, "Viborg's coverage", vrow, `class="coverage-row"`, ">"+own+"</a>", `<span class="badge badge-info">egen</span>`, "01.02.2019",
			"strategien "+esc(`"`+own+`"`)+", vedtaget 1. februar 2019, gælder")
		mustNotContainIn(t, vrow, "ud over sin periode")
		srow := coverageRowOf(t, page, f.Silkeborg.ID)
		wantIn(t, "Silkeborg's coverage", srow, `class="coverage-row past-period"`, ">"+joint+"</a>", `<span class="badge badge-info">fælles</span>`,
			`<strong class="badge badge-warning past-period">ud over sin periode</strong>`,
			"den fælles strategi "+esc(`"`+joint+`"`)+", vedtaget 1. marts 2015, gælder ud over sin periode, der sluttede 31. december 2018, indtil en nyere egen strategi afløser den")
		// Both strategies are listed with owners, periods and goals.
		mustContain(t, page, "Samarbejdets fælles strategier", "Medlemmernes strategier", "01.01.2015 – 31.12.2018", "01.01.2019 – uden slutdato",
			"Viborg Kommune: vedtaget 01.04.2015", "<li>Digital først</li>")

		// An outsider cannot adopt.
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		outsider.Do("POST", adopt, with(vadopt, "organization_id", testkit.Aarhus)).Want(t, http.StatusNotFound)
	})
}

func mustNotContainIn(t *testing.T, s, unwanted string) {
	t.Helper()
	if regexp.MustCompile(regexp.QuoteMeta(unwanted)).MatchString(s) {
		t.Fatalf("%q in %s", unwanted, s)
	}
}
