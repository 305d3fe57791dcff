package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// collabFixture is the Silkeborg–Viborg collaboration (private, founded in
// 2014 by Silkeborg as secretariat, Viborg a member) with Silkeborg's
// administrator, Viborg's editor and Aarhus' administrator as an outsider.
type collabFixture struct {
	ID                 string
	Silkeborg, Viborg  *samspil.Organization
	SAdmin, VEditor    testkit.Person
	sBrowser, vBrowser *browser
}

func newCollabFixture(t *testing.T, app *testkit.App) *collabFixture {
	t.Helper()
	ctx := context.Background()
	f := &collabFixture{
		SAdmin:    testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin),
		VEditor:   testkit.NewPerson(t, app.DB, "editor@viborg.example", testkit.Viborg, samspil.RoleEditor),
		Silkeborg: testkit.Org(t, app.DB, testkit.Silkeborg),
		Viborg:    testkit.Org(t, app.DB, testkit.Viborg),
	}
	testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
	c, err := app.DB.CreateCollaboration(ctx, f.SAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde",
		Kind: samspil.KindPartnership, Start: samspil.NewDate(2014, 1, 1), Visibility: samspil.VisibilityPrivate, OrganizationID: f.Silkeborg.ID})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Join(t, app.DB, c.ID, samspil.InvitationInput{OrganizationID: f.Viborg.ID, Since: samspil.NewDate(2014, 1, 1)})
	f.ID = c.ID
	f.sBrowser, _ = signIn(t, app, "admin@silkeborg.example")
	f.vBrowser, _ = signIn(t, app, "editor@viborg.example")
	return f
}

func ambitionCount(t *testing.T, app *testkit.App, collabID string) int {
	t.Helper()
	list, err := app.DB.ListAmbitions(context.Background(), testkit.System, collabID)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// levels fills a declaration form: pairs of area and level, with an
// explanation for each.
func levels(form url.Values, kv ...string) url.Values {
	out := with(form)
	for i := 0; i+1 < len(kv); i += 2 {
		out["level."+kv[i]] = []string{kv[i+1]}
		out["explanation."+kv[i]] = []string{"Begrundelse for " + kv[i] + " på niveau " + kv[i+1] + "."}
	}
	return out
}

var rePolygon = regexp.MustCompile(`<polygon class="radar-series[^"]*"`)

// radarSVG returns the radar chart of an ambitions page.
func radarSVG(t *testing.T, page *testkit.Response) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<svg xmlns="http://www.w3.org/2000/svg" class="radar".*?</svg>`).FindString(body(page))
	if m == "" {
		t.Fatalf("no radar chart on the page:\n%s", page.Body)
	}
	return m
}

func TestAmbitionsPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newCollabFixture(t, app)
		path := "/collaborations/" + f.ID + "/ambitions"
		today := samspil.Today(samspil.Now())

		// Nobody has declared: no chart, and both members are named in the
		// warnings, not their IDs.
		page := f.sBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Ingen medlemmer har angivet ambitioner endnu.", "Silkeborg Kommune har ikke angivet nogen ambitioner",
			"Viborg Kommune har ikke angivet nogen ambitioner", `<nav class="tab-container"`, `href="`+path+`" aria-current="page"`)
		mustNotContain(t, page, f.Silkeborg.ID+" har", `class="radar"`)

		// Silkeborg's administrator has Silkeborg's form only.
		mustContain(t, page, `name="organization_id" value="`+f.Silkeborg.ID+`"`, `name="declared_on" type="date" required value="`+today.String()+`"`)
		mustNotContain(t, page, `name="organization_id" value="`+f.Viborg.ID+`"`)
		form := formFields(t, page, path)

		// Silkeborg first declared in 2016.
		res := f.sBrowser.Do("POST", path, levels(with(form, "declared_on", "2016-01-01"), "shared_systems", "4", "knowledge_sharing", "4"))
		if u := wantRedirect(t, res, path); u.Query().Get("done") != "ambitions_declared" {
			t.Fatalf("done %q", u.Query().Get("done"))
		}
		page = f.sBrowser.Do("GET", path+"?done=ambitions_declared", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Ambitionerne er gemt.", "Silkeborg Kommune angav sidst sine ambitioner den 1. januar 2016, for mere end to år siden")

		// Bad input changes nothing and shows the message at the field.
		n := ambitionCount(t, app, f.ID)
		res = f.sBrowser.Do("POST", path, levels(form, "shared_systems", "5", "shared_processes", "2")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal være mellem 0 og 4")
		mustContain(t, res, `<option value="5" selected>5</option>`, `aria-invalid="true" aria-describedby="e-`+f.Silkeborg.ID+`-level-shared_systems"`)
		res = f.sBrowser.Do("POST", path, levels(form, "shared_systems", "tre")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal være et helt tal")
		res = f.sBrowser.Do("POST", path, with(form, "declared_on", "2999-01-01", "level.shared_systems", "1")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "må ikke ligge i fremtiden")
		if got := ambitionCount(t, app, f.ID); got != n {
			t.Fatalf("refused declarations stored %d rows", got-n)
		}

		// Today both declare through the form: shared systems lie 2 apart.
		res = f.sBrowser.Do("POST", path, levels(form, "shared_systems", "3", "shared_processes", "2", "shared_organisation", "1",
			"joint_procurement", "2", "joint_development", "2", "joint_operations", "1", "knowledge_sharing", "4"))
		wantRedirect(t, res, path)
		vpage := f.vBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		// Viborg's editor sees only Viborg's form, with today's date.
		mustContain(t, vpage, `name="organization_id" value="`+f.Viborg.ID+`"`)
		mustNotContain(t, vpage, `name="organization_id" value="`+f.Silkeborg.ID+`"`)
		vform := formFields(t, vpage, path)
		res = f.vBrowser.Do("POST", path, levels(vform, "shared_systems", "1", "shared_processes", "2", "shared_organisation", "1",
			"joint_procurement", "3", "joint_development", "2", "joint_operations", "1", "knowledge_sharing", "4"))
		wantRedirect(t, res, path)

		// A forged post for Silkeborg is refused and changes nothing.
		n = ambitionCount(t, app, f.ID)
		f.vBrowser.Do("POST", path, levels(with(vform, "organization_id", f.Silkeborg.ID), "shared_systems", "0")).Want(t, http.StatusForbidden)
		if got := ambitionCount(t, app, f.ID); got != n {
			t.Fatalf("a forged declaration stored %d rows", got-n)
		}

		page = f.sBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		svg := radarSVG(t, page)
		if got := len(rePolygon.FindAllString(svg, -1)); got != 2 {
			t.Fatalf("%d member polygons, want 2:\n%s", got, svg)
		}
		legend := regexp.MustCompile(`(?s)<g class="radar-legend">.*?</g>`).FindString(svg)
		if !strings.Contains(legend, ">Silkeborg Kommune</text>") || !strings.Contains(legend, ">Viborg Kommune</text>") {
			t.Fatalf("the legend does not name both members: %s", legend)
		}
		mustContain(t, page, `role="img" aria-labelledby="ambition-radar-title ambition-radar-desc"`,
			`<title id="ambition-radar-title">Ambitionsniveauer i Silkeborg–Viborg IT-samarbejde den `+danishDate(&today)+`</title>`,
			// The spread of 2 in shared systems is highlighted, with its
			// warning in Danish and the furthest pair in words.
			`<section class="ambition-area spread-wide" id="area-shared_systems">`,
			`<p class="spread spread-wide">Spredning: <strong>2 – langt fra hinanden</strong></p>`,
			"<li>Fælles systemer: ambitionerne ligger 2 niveauer fra hinanden</li>",
			"Silkeborg Kommune og Viborg Kommune ligger længst fra hinanden: samlet afstand 3",
			"Begrundelse for joint_procurement på niveau 3.", "3 – fælles løsninger")
		mustContain(t, squashed(page), `<section class="ambition-area" id="area-joint_procurement">`,
			`<tr class="spread-wide"><th scope="row">Fælles systemer</th><td class="num">3</td><td class="num">1</td><td class="num"><strong>2</strong></td></tr>`,
			// Over time: Silkeborg alone in 2016, both today.
			`<tr><td><time datetime="2016-01-01">01.01.2016</time></td><td class="num">0</td><td>–</td></tr>`,
			`<tr class="spread-wide"><td><time datetime="`+today.String()+`">`+danishDate(&today)+`</time></td><td class="num">2</td><td>Fælles systemer</td></tr>`)
		mustNotContain(t, page, "ambitions lie", "for mere end to år siden", `<section class="ambition-area spread-wide" id="area-joint_procurement">`)

		// In English.
		en := f.vBrowser.Do("GET", path, nil, "Cookie", "samspil_lang=en").Want(t, http.StatusOK)
		mustContain(t, en, "Shared systems: ambitions lie 2 levels apart", "Silkeborg Kommune and Viborg Kommune lie furthest apart")

		// A viewer reads the page but declares nothing.
		testkit.NewPerson(t, app.DB, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
		viewer, _ := signIn(t, app, "viewer@viborg.example")
		vp := viewer.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, vp, "Fælles systemer: ambitionerne ligger 2 niveauer fra hinanden")
		mustNotContain(t, vp, `action="`+path+`"`)
		viewer.Do("POST", path, levels(with(vform), "shared_systems", "2")).Want(t, http.StatusForbidden)
		if got := ambitionCount(t, app, f.ID); got != n {
			t.Fatal("a viewer's declaration was stored")
		}
	})
}

// TestCollaborationSectionsHiddenFromOutsiders: the ambitions, strategies
// and action items of a private collaboration are not found by others.
func TestCollaborationSectionsHiddenFromOutsiders(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newCollabFixture(t, app)
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		for _, section := range []string{"ambitions", "strategies", "action-items"} {
			path := "/collaborations/" + f.ID + "/" + section
			f.sBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
			res := outsider.Do("GET", path, nil).Want(t, http.StatusNotFound)
			mustNotContain(t, res, "Silkeborg–Viborg")
			app.Anonymous(t).Do("GET", path, nil).Want(t, http.StatusNotFound)
		}
		// Posts are refused the same way, and store nothing.
		outsider.Do("POST", "/collaborations/"+f.ID+"/ambitions", url.Values{"organization_id": {testkit.Aarhus}, "level.shared_systems": {"2"}}).Want(t, http.StatusNotFound)
		outsider.Do("POST", "/collaborations/"+f.ID+"/action-items", url.Values{"title": {"Kig ind"}}).Want(t, http.StatusNotFound)
		if ambitionCount(t, app, f.ID) != 0 {
			t.Fatal("an outsider declared ambitions")
		}
	})
}
