package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/testkit"
	"github.com/samspil/samspil/internal/web"
	"github.com/xuri/excelize/v2"
)

// Page tests of the IT landscape: the catalogue, a system's page, the
// organisation's landscape, contracts, deadlines, imports and exports.

// Fixture people of the landscape tests.
const (
	lsEditorEmail  = "redaktor@silkeborg.example"
	lsViewerEmail  = "laeser@silkeborg.example"
	lsViborgEmail  = "redaktor@viborg.example"
	lsAarhusEmail  = "redaktor@aarhus.example"
	csvContentType = "text/csv; charset=utf-8"
	xlsxType       = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// lsFixture is three municipalities with an editor each, a viewer in
// Silkeborg and a vendor.
type lsFixture struct {
	app                       *testkit.App
	silkeborg, viborg, aarhus *samspil.Organization
	ed, viewer, vEd, aEd      testkit.Person
	vendor                    *samspil.Organization
}

func newLandscape(t *testing.T, app *testkit.App) *lsFixture {
	t.Helper()
	f := &lsFixture{app: app,
		silkeborg: testkit.Org(t, app.DB, testkit.Silkeborg),
		viborg:    testkit.Org(t, app.DB, testkit.Viborg),
		aarhus:    testkit.Org(t, app.DB, testkit.Aarhus),
		ed:        testkit.NewPerson(t, app.DB, lsEditorEmail, testkit.Silkeborg, samspil.RoleEditor),
		viewer:    testkit.NewPerson(t, app.DB, lsViewerEmail, testkit.Silkeborg, samspil.RoleViewer),
		vEd:       testkit.NewPerson(t, app.DB, lsViborgEmail, testkit.Viborg, samspil.RoleEditor),
		aEd:       testkit.NewPerson(t, app.DB, lsAarhusEmail, testkit.Aarhus, samspil.RoleEditor),
	}
	var err error
	f.vendor, err = app.DB.CreateOrganization(context.Background(), testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany,
		Name: "Netcompany", Visibility: samspil.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *lsFixture) system(t *testing.T, p testkit.Person, in samspil.SystemInput) *samspil.System {
	t.Helper()
	if in.Category == "" {
		in.Category = samspil.CategoryOther
	}
	s, err := f.app.DB.CreateSystem(context.Background(), p.Actor, in)
	if err != nil {
		t.Fatalf("create system %s: %v", in.Name, err)
	}
	return s
}

func (f *lsFixture) usage(t *testing.T, p testkit.Person, in samspil.UsageInput) *samspil.Usage {
	t.Helper()
	if in.Lifecycle == "" {
		in.Lifecycle = samspil.LifecycleOperational
	}
	u, err := f.app.DB.CreateUsage(context.Background(), p.Actor, in)
	if err != nil {
		t.Fatalf("create usage: %v", err)
	}
	return u
}

func (f *lsFixture) contract(t *testing.T, p testkit.Person, in samspil.ContractInput) *samspil.Contract {
	t.Helper()
	c, err := f.app.DB.CreateContract(context.Background(), p.Actor, in)
	if err != nil {
		t.Fatalf("create contract %s: %v", in.Name, err)
	}
	return c
}

// usagesOf returns an organisation's usages as the system actor sees them.
func usagesOf(t *testing.T, app *testkit.App, orgID string) []samspil.Usage {
	t.Helper()
	page, err := app.DB.ListUsages(context.Background(), testkit.System, samspil.UsageFilter{OrganizationID: orgID,
		ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func contractsOf(t *testing.T, app *testkit.App, orgID string) []samspil.Contract {
	t.Helper()
	page, err := app.DB.ListContracts(context.Background(), testkit.System, samspil.ContractFilter{OrganizationID: orgID,
		ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func systemsNamed(t *testing.T, app *testkit.App, name string) []samspil.System {
	t.Helper()
	page, err := app.DB.ListSystems(context.Background(), testkit.System, samspil.SystemFilter{Query: name,
		ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	var out []samspil.System
	for _, s := range page.Items {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

func date(y int, m time.Month, d int) *samspil.Date { x := samspil.NewDate(y, m, d); return &x }

// danishDate is how the pages show a date in Danish.
func danishDate(d *samspil.Date) string {
	if d == nil {
		return ""
	}
	return d.Time().Format("02.01.2006")
}

// ---------------------------------------------------------------- forms

var (
	reForm     = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	reAttr     = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*"([^"]*)")?`)
	reInput    = regexp.MustCompile(`<input\b([^>]*)>`)
	reSelect   = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	reOption   = regexp.MustCompile(`<option\b([^>]*)>`)
	reTextarea = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
)

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range reAttr.FindAllStringSubmatch(s, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}

// formFields returns what a browser would submit from the page's form that
// posts to action: inputs, checked boxes, the selected options and
// textareas.
func formFields(t *testing.T, page *testkit.Response, action string) url.Values {
	t.Helper()
	for _, m := range reForm.FindAllStringSubmatch(body(page), -1) {
		if attrs(m[1])["action"] != action {
			continue
		}
		return fieldsOf(m[2])
	}
	t.Fatalf("no form posting to %s:\n%s", action, page.Body)
	return nil
}

// fieldsOf returns what a browser submits from a form's inner HTML: inputs,
// checked boxes, the selected options and textareas.
func fieldsOf(inner string) url.Values {
	v := url.Values{}
	for _, in := range reInput.FindAllStringSubmatch(inner, -1) {
		a := attrs(in[1])
		if a["name"] == "" {
			continue
		}
		switch a["type"] {
		case "submit", "button", "file", "image", "reset":
			continue
		case "checkbox", "radio":
			if _, ok := a["checked"]; !ok {
				continue
			}
		}
		v.Add(a["name"], a["value"])
	}
	for _, s := range reSelect.FindAllStringSubmatch(inner, -1) {
		chosen := ""
		for i, o := range reOption.FindAllStringSubmatch(s[2], -1) {
			oa := attrs(o[1])
			if _, selected := oa["selected"]; i == 0 || selected {
				chosen = oa["value"]
			}
		}
		v.Add(attrs(s[1])["name"], chosen)
	}
	for _, ta := range reTextarea.FindAllStringSubmatch(inner, -1) {
		v.Add(attrs(ta[1])["name"], html.UnescapeString(strings.TrimPrefix(ta[2], "\n")))
	}
	return v
}

// with returns a copy of v with the given fields set (pairs).
func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

var reBetweenTags = regexp.MustCompile(`>\s+<`)

// squashed returns the page without the whitespace between tags.
func squashed(page *testkit.Response) *testkit.Response {
	return &testkit.Response{Status: page.Status, Header: page.Header, Body: reBetweenTags.ReplaceAll(page.Body, []byte("><"))}
}

var reInlineStyle = regexp.MustCompile(`(?i)<style\b|\sstyle\s*=`)

// noInlineStyle fails when a page carries inline styles, which the
// Content-Security-Policy forbids.
func noInlineStyle(t *testing.T, page *testkit.Response) {
	t.Helper()
	if m := reInlineStyle.FindString(body(page)); m != "" {
		t.Fatalf("the page has an inline style (%q):\n%s", m, page.Body)
	}
}

// fieldError fails unless the page shows msg as the error of a form field.
func fieldError(t *testing.T, page *testkit.Response, msg string) {
	t.Helper()
	re := regexp.MustCompile(`<span class="form-error-message"[^>]*>` + regexp.QuoteMeta(html.EscapeString(msg)) + `</span>`)
	if !re.MatchString(body(page)) {
		t.Fatalf("no field error %q on the page (status %d):\n%s", msg, page.Status, page.Body)
	}
}

// ---------------------------------------------------------------- catalogue

var reCatalogueRow = regexp.MustCompile(`<td><a href="/systems/([^"]+)">([^<]*)</a>`)

// catalogueNames returns the names of the systems listed, in order.
func catalogueNames(page *testkit.Response) []string {
	var names []string
	for _, m := range reCatalogueRow.FindAllStringSubmatch(body(page), -1) {
		names = append(names, html.UnescapeString(m[2]))
	}
	return names
}

func wantNames(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: %q, want %q", what, got, want)
	}
}

// userCount returns the number in the users column of a system's row.
func userCount(t *testing.T, page *testkit.Response, systemID string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<a href="/systems/` + regexp.QuoteMeta(systemID) + `">.*?<td class="num">(\d+)</td>`).FindStringSubmatch(body(page))
	if m == nil {
		t.Fatalf("no row with a user count for %s:\n%s", systemID, page.Body)
	}
	return m[1]
}

func TestCatalogueSearchAndFilters(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		nexus := f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", VendorID: f.vendor.ID, Category: samspil.CategoryHealth, Visibility: samspil.VisibilityPublic})
		f.system(t, f.ed, samspil.SystemInput{Name: "OS2forms", Category: samspil.CategorySelfService, OS2Product: true, OpenSource: true, Visibility: samspil.VisibilityPublic})
		f.system(t, f.ed, samspil.SystemInput{Name: "Sektorportal", Category: samspil.CategoryEconomy, Visibility: samspil.VisibilitySector})
		f.system(t, f.ed, samspil.SystemInput{Name: "Hemmelig Løn", Category: samspil.CategoryHRPayroll, Visibility: samspil.VisibilityPrivate})
		f.system(t, f.vEd, samspil.SystemInput{Name: "Viborgs Eget", Category: samspil.CategoryHRPayroll, Visibility: samspil.VisibilityPrivate})
		// Nexus is used publicly in Silkeborg, sector-wide in Viborg and privately in Aarhus.
		f.usage(t, f.ed, samspil.UsageInput{SystemID: nexus.ID, Visibility: samspil.VisibilityPublic})
		f.usage(t, f.vEd, samspil.UsageInput{SystemID: nexus.ID, Lifecycle: samspil.LifecyclePlanned, Visibility: samspil.VisibilitySector})
		f.usage(t, f.aEd, samspil.UsageInput{SystemID: nexus.ID, Lifecycle: samspil.LifecyclePhasingOut, Visibility: samspil.VisibilityPrivate})

		anon := newBrowser(t, app)
		viewer, _ := signIn(t, app, lsViewerEmail)
		aarhus, _ := signIn(t, app, lsAarhusEmail)

		// Anonymous readers see the public entries only, and only public usages count.
		page := anon.Do("GET", "/systems", nil).Want(t, http.StatusOK)
		mustContain(t, page, "<html", "<h1>Systemkatalog</h1>", "Netcompany")
		wantNames(t, "anonymous", catalogueNames(page), "Nexus Sundhed", "OS2forms")
		if n := userCount(t, page, nexus.ID); n != "1" {
			t.Fatalf("anonymous: Nexus has %s users, want 1 (the public usage)", n)
		}
		mustNotContain(t, page, `href="/systems/new"`)

		// A member sees sector entries and their own organisation's private ones.
		page = viewer.Do("GET", "/systems", nil).Want(t, http.StatusOK)
		wantNames(t, "Silkeborg viewer", catalogueNames(page), "Hemmelig Løn", "Nexus Sundhed", "OS2forms", "Sektorportal")
		if n := userCount(t, page, nexus.ID); n != "2" {
			t.Fatalf("Silkeborg viewer: Nexus has %s users, want 2 (public and sector usages)", n)
		}
		mustNotContain(t, page, `href="/systems/new"`) // a viewer cannot propose
		page = aarhus.Do("GET", "/systems", nil).Want(t, http.StatusOK)
		wantNames(t, "Aarhus editor", catalogueNames(page), "Nexus Sundhed", "OS2forms", "Sektorportal")
		if n := userCount(t, page, nexus.ID); n != "3" {
			t.Fatalf("Aarhus editor: Nexus has %s users, want 3 (with Aarhus' own private usage)", n)
		}
		mustContain(t, page, `href="/systems/new"`)

		// Search by name, by vendor, case-insensitively.
		page = anon.Do("GET", "/systems?q=nexus", nil).Want(t, http.StatusOK)
		wantNames(t, "q=nexus", catalogueNames(page), "Nexus Sundhed")
		mustContain(t, page, `name="q" type="search" value="nexus"`)
		page = anon.Do("GET", "/systems?q=NETCOMPANY", nil).Want(t, http.StatusOK)
		wantNames(t, "q=NETCOMPANY (vendor)", catalogueNames(page), "Nexus Sundhed")
		page = viewer.Do("GET", "/systems?q=l%C3%B8n", nil).Want(t, http.StatusOK)
		wantNames(t, "q=løn", catalogueNames(page), "Hemmelig Løn")
		page = anon.Do("GET", "/systems?q=l%C3%B8n", nil).Want(t, http.StatusOK)
		wantNames(t, "anonymous q=løn", catalogueNames(page))
		mustContain(t, page, "Ingen systemer passer til søgningen.")

		// Category filter.
		page = viewer.Do("GET", "/systems?category=hr_payroll", nil).Want(t, http.StatusOK)
		wantNames(t, "category=hr_payroll", catalogueNames(page), "Hemmelig Løn")
		mustContain(t, page, `<option value="hr_payroll" selected>`)
		page = anon.Do("GET", "/systems?category=self_service", nil).Want(t, http.StatusOK)
		wantNames(t, "category=self_service", catalogueNames(page), "OS2forms")

		// OS2 filter.
		page = viewer.Do("GET", "/systems?os2=true", nil).Want(t, http.StatusOK)
		wantNames(t, "os2=true", catalogueNames(page), "OS2forms")
		mustContain(t, page, `id="f-os2" name="os2" type="checkbox" value="true" checked`, `<span class="badge badge-info">OS2</span>`)
		page = viewer.Do("GET", "/systems?os2=true&q=nexus", nil).Want(t, http.StatusOK)
		wantNames(t, "os2=true&q=nexus", catalogueNames(page))

		// htmx gets only the results, not the page.
		page = viewer.Do("GET", "/systems?q=sektor", nil, "HX-Request", "true").Want(t, http.StatusOK)
		if !strings.HasPrefix(strings.TrimSpace(body(page)), `<section id="results"`) {
			t.Fatalf("fragment does not start with the results section:\n%s", page.Body)
		}
		mustNotContain(t, page, "<html", "<head", "<header", "<form", "<h1>")
		wantNames(t, "htmx q=sektor", catalogueNames(page), "Sektorportal")
		if v := page.Header.Get("Vary"); !strings.Contains(v, "HX-Request") {
			t.Fatalf("Vary %q lacks HX-Request", v)
		}
		// A history restore gets the whole page.
		page = viewer.Do("GET", "/systems?q=sektor", nil, "HX-Request", "true", "HX-History-Restore-Request", "true").Want(t, http.StatusOK)
		mustContain(t, page, "<html", "<form")
	})
}

// ---------------------------------------------------------------- system page

// mapClass returns the class of a municipality's path in the map.
func mapClass(t *testing.T, page *testkit.Response, code string) string {
	t.Helper()
	m := regexp.MustCompile(`<path class="([^"]*)" data-code="` + code + `"`).FindStringSubmatch(body(page))
	if m == nil {
		t.Fatalf("the map has no path for %s:\n%s", code, page.Body)
	}
	return m[1]
}

func TestSystemPageWhoUses(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		nexus := f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", VendorID: f.vendor.ID, Category: samspil.CategoryHealth,
			Visibility: samspil.VisibilityPublic, Tasks: []string{"00.01.00"}})
		f.usage(t, f.ed, samspil.UsageInput{SystemID: nexus.ID, From: date(2020, 3, 1), Visibility: samspil.VisibilityPublic})
		f.usage(t, f.vEd, samspil.UsageInput{SystemID: nexus.ID, Lifecycle: samspil.LifecyclePlanned, Visibility: samspil.VisibilitySector})
		f.usage(t, f.aEd, samspil.UsageInput{SystemID: nexus.ID, Lifecycle: samspil.LifecyclePhasingOut, Visibility: samspil.VisibilityPrivate})
		path := "/systems/" + nexus.ID

		// A row of the who-uses table, compared without the whitespace between tags.
		rowOf := func(org *samspil.Organization, class, lifecycle, from string) string {
			return `<tr><td><a href="/organizations/` + org.ID + `/landscape">` + org.Name + `</a></td><td><span class="dkmap-key ` +
				class + `"></span> ` + lifecycle + `</td><td>` + from + `</td></tr>`
		}
		silkeborgRow := rowOf(f.silkeborg, "uses", "I drift", "01.03.2020")
		viborgRow := rowOf(f.viborg, "plans", "Planlagt", "")
		aarhusRow := rowOf(f.aarhus, "phasing-out", "Udfasning", "")

		// A member of Silkeborg sees the public and the sector usage.
		viewer, _ := signIn(t, app, lsViewerEmail)
		page := viewer.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, squashed(page), silkeborgRow, viborgRow)
		mustContain(t, page, "<h1>Nexus Sundhed</h1>", "Netcompany", "<code>00.01.00</code>",
			`<svg xmlns="http://www.w3.org/2000/svg" class="dkmap" id="who-uses-map"`,
			"i drift (1)", "planlagt eller på vej ind (1)", "udfases (0)")
		mustNotContain(t, page, "Aarhus Kommune")
		if c := mapClass(t, page, testkit.Silkeborg); c != "muni uses" {
			t.Fatalf("Silkeborg on the map: class %q", c)
		}
		if c := mapClass(t, page, testkit.Viborg); c != "muni plans" {
			t.Fatalf("Viborg on the map: class %q", c)
		}
		if c := mapClass(t, page, testkit.Aarhus); c != "muni" {
			t.Fatalf("Aarhus' private usage shows on the map: class %q", c)
		}
		if !strings.Contains(body(page), `<a href="/organizations/`+f.silkeborg.ID+`/landscape" aria-label="`) || !strings.Contains(body(page), `role="group" aria-labelledby="who-uses-map-title`) {
			t.Fatalf("Silkeborg on the map is not a link to its landscape:\n%s", page.Body)
		}

		// Aarhus sees its own private usage as well.
		aarhus, _ := signIn(t, app, lsAarhusEmail)
		page = aarhus.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, squashed(page), silkeborgRow, viborgRow, aarhusRow)
		mustContain(t, page, "i drift (1)", "planlagt eller på vej ind (1)", "udfases (1)")
		if c := mapClass(t, page, testkit.Aarhus); c != "muni phasing-out" {
			t.Fatalf("Aarhus on the map: class %q", c)
		}

		// Anonymous readers see only the public usage.
		page = newBrowser(t, app).Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, squashed(page), silkeborgRow)
		mustContain(t, page, "i drift (1)", "planlagt eller på vej ind (0)", "udfases (0)")
		mustNotContain(t, page, "Viborg Kommune", "Aarhus Kommune", `action="/usages"`)
		if c := mapClass(t, page, testkit.Viborg); c != "muni" {
			t.Fatalf("anonymous: Viborg's sector usage shows on the map: class %q", c)
		}

		// A system nobody visibly uses says so.
		lonely := f.system(t, f.ed, samspil.SystemInput{Name: "Ubrugt", Visibility: samspil.VisibilityPublic})
		page = viewer.Do("GET", "/systems/"+lonely.ID, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Ingen organisation, du kan se, bruger systemet.", "i drift (0)")
	})
}

func TestSystemPagePrivateOfOtherOrganizationIsNotFound(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		secret := f.system(t, f.ed, samspil.SystemInput{Name: "Hemmelig Løn", Visibility: samspil.VisibilityPrivate})
		sector := f.system(t, f.ed, samspil.SystemInput{Name: "Sektorportal", Visibility: samspil.VisibilitySector})
		viborg, _ := signIn(t, app, lsViborgEmail)
		page := viborg.Do("GET", "/systems/"+secret.ID, nil).Want(t, http.StatusNotFound)
		mustContain(t, page, "systemet findes ikke eller er ikke synligt for dig")
		mustNotContain(t, page, "Hemmelig Løn")
		newBrowser(t, app).Do("GET", "/systems/"+secret.ID, nil).Want(t, http.StatusNotFound)
		newBrowser(t, app).Do("GET", "/systems/"+sector.ID, nil).Want(t, http.StatusNotFound)
		newBrowser(t, app).Do("GET", "/systems/no-such-system", nil).Want(t, http.StatusNotFound)
		// The owner's members and other members for sector entries do see them.
		viewer, _ := signIn(t, app, lsViewerEmail)
		mustContain(t, viewer.Do("GET", "/systems/"+secret.ID, nil).Want(t, http.StatusOK), "<h1>Hemmelig Løn</h1>")
		mustContain(t, viborg.Do("GET", "/systems/"+sector.ID, nil).Want(t, http.StatusOK), "<h1>Sektorportal</h1>")
	})
}

func TestSystemPageRegisterUsage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		os2 := f.system(t, f.ed, samspil.SystemInput{Name: "OS2forms", OS2Product: true, Visibility: samspil.VisibilityPublic})
		path := "/systems/" + os2.ID

		// A viewer gets no form, and cannot post one.
		viewer, _ := signIn(t, app, lsViewerEmail)
		if page := viewer.Do("GET", path, nil).Want(t, http.StatusOK); hasForm(page, "/usages") {
			t.Fatalf("a viewer gets the registration form:\n%s", page.Body)
		}
		viewer.Do("POST", "/usages", url.Values{"system_id": {os2.ID}, "organization_id": {f.silkeborg.ID}, "lifecycle": {"operational"},
			"visibility": {"sector"}}).Want(t, http.StatusForbidden)
		if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("a viewer's post wrote %d usages", n)
		}

		// An editor of Viborg registers a usage through the form.
		viborg, _ := signIn(t, app, lsViborgEmail)
		page := viborg.Do("GET", path, nil).Want(t, http.StatusOK)
		form := formFields(t, page, "/usages")
		if form.Get("system_id") != os2.ID || form.Get("organization_id") != f.viborg.ID || form.Get("lifecycle") != "operational" {
			t.Fatalf("the form's defaults: %v", form)
		}
		res := viborg.Do("POST", "/usages", with(form, "lifecycle", "pilot", "from", "2024-05-01"))
		u := wantRedirect(t, res, "/organizations/"+f.viborg.ID+"/landscape")
		landscape := viborg.Do("GET", u.String(), nil).Want(t, http.StatusOK)
		mustContain(t, landscape, "Anvendelsen er registreret.", `<a href="/systems/`+os2.ID+`">OS2forms</a>`, "Pilot", "01.05.2024")
		stored := usagesOf(t, app, f.viborg.ID)
		if len(stored) != 1 || stored[0].SystemID != os2.ID || stored[0].Lifecycle != samspil.LifecyclePilot ||
			stored[0].From.String() != "2024-05-01" || stored[0].Visibility != samspil.VisibilitySector {
			t.Fatalf("stored usages %+v", stored)
		}
		// The system page now shows Viborg using it.
		page = viborg.Do("GET", path, nil).Want(t, http.StatusOK)
		if c := mapClass(t, page, testkit.Viborg); c != "muni plans" {
			t.Fatalf("Viborg on the map after registering a pilot: %q", c)
		}

		// The form is not offered again; registering the same system again
		// is a conflict shown on the system page.
		if hasForm(page, "/usages") {
			t.Fatal("Viborg is offered to register the system again")
		}
		res = viborg.Do("POST", "/usages", with(form, "lifecycle", "planned"))
		res.Want(t, http.StatusConflict)
		mustContain(t, res, "<h1>OS2forms", "Viborg Kommune har allerede registreret systemet; ret den anvendelse i stedet")
		noInlineStyle(t, res)
		if again := usagesOf(t, app, f.viborg.ID); len(again) != 1 || again[0].Lifecycle != samspil.LifecyclePilot || again[0].Version != 1 {
			t.Fatalf("after the conflict: %+v", again)
		}

		// A bad date is shown at its field, and nothing is written.
		aarhus, _ := signIn(t, app, lsAarhusEmail)
		form = formFields(t, aarhus.Do("GET", path, nil).Want(t, http.StatusOK), "/usages")
		res = aarhus.Do("POST", "/usages", with(form, "from", "2024-02-30")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, `"2024-02-30" er ikke en dato på formen ÅÅÅÅ-MM-DD som 2026-01-31`)
		mustContain(t, res, "<h1>OS2forms")
		res = aarhus.Do("POST", "/usages", with(form, "until", "31-12-2030")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, `"31-12-2030" er ikke en dato på formen ÅÅÅÅ-MM-DD som 2026-01-31`)
		if n := len(usagesOf(t, app, f.aarhus.ID)); n != 0 {
			t.Fatalf("a bad date wrote %d usages", n)
		}
		// Until before from is refused by the domain at its field.
		res = aarhus.Do("POST", "/usages", with(form, "from", "2025-01-01", "until", "2024-01-01")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "må ikke ligge før fra-datoen")
		if n := len(usagesOf(t, app, f.aarhus.ID)); n != 0 {
			t.Fatalf("until before from wrote %d usages", n)
		}
	})
}

// ---------------------------------------------------------------- propose a system

func TestProposeSystem(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", "/systems/new", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		form := formFields(t, page, "/systems")
		if form.Get("owner_id") != f.silkeborg.ID || form.Get("visibility") != "sector" || form.Get("category") != "other" {
			t.Fatalf("the form's defaults: %v", form)
		}

		res := ed.Do("POST", "/systems", with(form, "name", "Borgerportal Ø", "vendor_id", f.vendor.ID, "category", "self_service",
			"tasks", "00.01.00, 00.03.00", "description", "Til borgere", "os2_product", "true"))
		u := location(t, res)
		res.Want(t, http.StatusSeeOther)
		created := systemsNamed(t, app, "Borgerportal Ø")
		if len(created) != 1 {
			t.Fatalf("%d systems created", len(created))
		}
		s := created[0]
		if u.Path != "/systems/"+s.ID || u.Query().Get("done") != "system_created" {
			t.Fatalf("redirect to %s", u)
		}
		if s.OwnerID != f.silkeborg.ID || s.VendorID != f.vendor.ID || s.Category != samspil.CategorySelfService || !s.OS2Product ||
			!slices.Equal(s.Tasks, []string{"00.01.00", "00.03.00"}) || s.Visibility != samspil.VisibilitySector {
			t.Fatalf("stored %+v", s)
		}
		mustContain(t, ed.Do("GET", u.String(), nil).Want(t, http.StatusOK), "Systemet er føjet til kataloget.",
			"<h1>Borgerportal Ø <span class=\"badge badge-info\">OS2</span></h1>", "<code>00.03.00</code>")

		// An empty name is refused at its field, the typed values kept.
		res = ed.Do("POST", "/systems", with(form, "name", "  ", "description", "Uden navn")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<span class="form-error-message" id="e-name">skal udfyldes</span>`, `aria-invalid="true" aria-describedby="e-name"`, ">Uden navn</textarea>")
		// An unknown KLE code is refused at its field, naming the code.
		res = ed.Do("POST", "/systems", with(form, "name", "KLE-fejl", "tasks", "00.01.00 99.99.99")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<span class="form-error-message" id="e-tasks">99.99.99 findes ikke i KLE</span>`, `value="00.01.00 99.99.99"`)
		// So is a code that is not a KLE code at all.
		res = ed.Do("POST", "/systems", with(form, "name", "KLE-fejl", "tasks", "27.x")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, `"27.x" er ikke et KLE-nummer som 27.24.00`)
		if n := len(systemsNamed(t, app, "KLE-fejl")); n != 0 {
			t.Fatalf("an unknown KLE code created %d systems", n)
		}

		// A viewer may not propose systems.
		viewer, _ := signIn(t, app, lsViewerEmail)
		viewer.Do("GET", "/systems/new", nil).Want(t, http.StatusForbidden)
		res = viewer.Do("POST", "/systems", with(form, "name", "Fra en læser")).Want(t, http.StatusForbidden)
		mustContain(t, res, "kun administratorer og redaktører i Silkeborg Kommune må ændre organisationens it-landskab")
		res = viewer.Do("POST", "/systems", url.Values{"name": {"Fra en læser"}, "category": {"other"}}).Want(t, http.StatusForbidden)
		if n := len(systemsNamed(t, app, "Fra en læser")); n != 0 {
			t.Fatalf("a viewer created %d systems", n)
		}
		// Anonymous readers are sent to sign in.
		wantRedirect(t, newBrowser(t, app).Do("GET", "/systems/new", nil), "/login")
	})
}

// ---------------------------------------------------------------- landscape page

func TestLandscapeEditUsage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		nexus := f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		u := f.usage(t, f.ed, samspil.UsageInput{SystemID: nexus.ID, From: date(2020, 1, 1), Until: date(2030, 12, 31), Notes: "Hovedsystem",
			UserBand: "51-200", Visibility: samspil.VisibilitySector})
		path := "/organizations/" + f.silkeborg.ID + "/landscape"
		action := "/organizations/" + f.silkeborg.ID + "/usages/" + u.ID

		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, `<a href="/systems/`+nexus.ID+`">Nexus Sundhed</a>`, "01.01.2020", "31.12.2030", "I drift")
		page = ed.Do("GET", action, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		form := formFields(t, page, action)
		if form.Get("version") != "1" || form.Get("from") != "2020-01-01" || form.Get("until") != "2030-12-31" || form.Get("notes") != "Hovedsystem" ||
			form.Get("user_band") != "51-200" || form.Get("visibility") != "sector" || form.Get("lifecycle") != "operational" {
			t.Fatalf("the edit form: %v", form)
		}

		// Change the lifecycle and clear the end date by sending the field empty.
		res := ed.Do("POST", action, with(form, "lifecycle", "phasing_out", "until", ""))
		if got := wantRedirect(t, res, action).Query().Get("done"); got != "usage_updated" {
			t.Fatalf("done=%q", got)
		}
		stored, err := app.DB.FindUsage(ctx, f.ed.Actor, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Lifecycle != samspil.LifecyclePhasingOut || stored.Until != nil || stored.From.String() != "2020-01-01" ||
			stored.Notes != "Hovedsystem" || stored.UserBand != "51-200" || stored.Version != 2 {
			t.Fatalf("after the edit: %+v", stored)
		}
		page = ed.Do("GET", action+"?done=usage_updated", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Anvendelsen er gemt.", "Udfasning", "01.01.2020")
		mustNotContain(t, page, "31.12.2030")
		// Clearing the start date too.
		form2 := formFields(t, page, action)
		wantRedirect(t, ed.Do("POST", action, with(form2, "from", "")), action)
		if stored, err = app.DB.FindUsage(ctx, f.ed.Actor, u.ID); err != nil || stored.From != nil || stored.Version != 3 {
			t.Fatalf("after clearing from: %+v %v", stored, err)
		}

		// The old form (version 1) is stale: the error is shown and nothing changes.
		res = ed.Do("POST", action, with(form, "lifecycle", "retired")).Want(t, http.StatusPreconditionFailed)
		mustContain(t, res, "en anden har ændret det i mellemtiden (version 3, du har 1); genindlæs og prøv igen", `<details class="details edit-block" id="edit" open>`)
		if stored, err = app.DB.FindUsage(ctx, f.ed.Actor, u.ID); err != nil || stored.Lifecycle != samspil.LifecyclePhasingOut || stored.Version != 3 {
			t.Fatalf("after a stale post: %+v %v", stored, err)
		}
		// The usage posted through another organisation's path is not found there.
		ed.Do("POST", "/organizations/"+f.viborg.ID+"/usages/"+u.ID, with(form2, "version", "3", "lifecycle", "retired")).Want(t, http.StatusNotFound)
		ed.Do("POST", "/organizations/"+f.viborg.ID+"/usages/"+u.ID+"/delete", url.Values{"version": {"3"}}).Want(t, http.StatusNotFound)
		if stored, err = app.DB.FindUsage(ctx, f.ed.Actor, u.ID); err != nil || stored.Lifecycle != samspil.LifecyclePhasingOut || stored.Version != 3 {
			t.Fatalf("after a post through another path: %+v %v", stored, err)
		}
		// A bad date is refused too.
		res = ed.Do("POST", action, with(form2, "version", "3", "from", "i går")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `&#34;i går&#34; er ikke en dato på formen ÅÅÅÅ-MM-DD som 2026-01-31`)

		// A viewer sees no forms and may not post.
		viewer, _ := signIn(t, app, lsViewerEmail)
		vpage := viewer.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, vpage, "Nexus Sundhed")
		mustNotContain(t, vpage, `action="/organizations/`+f.silkeborg.ID+`/usages/`)
		viewer.Do("POST", action, with(form, "version", "3")).Want(t, http.StatusForbidden)
		viewer.Do("POST", action+"/delete", url.Values{"version": {"3"}}).Want(t, http.StatusForbidden)

		// Delete: a stale version is refused, the current one deletes.
		page = ed.Do("GET", action, nil).Want(t, http.StatusOK)
		del := formFields(t, page, action+"/delete")
		if del.Get("version") != "3" {
			t.Fatalf("delete form %v", del)
		}
		ed.Do("POST", action+"/delete", url.Values{"version": {"1"}}).Want(t, http.StatusPreconditionFailed)
		if _, err := app.DB.FindUsage(ctx, f.ed.Actor, u.ID); err != nil {
			t.Fatalf("a stale delete deleted: %v", err)
		}
		res = ed.Do("POST", action+"/delete", del)
		if got := wantRedirect(t, res, path).Query().Get("done"); got != "usage_deleted" {
			t.Fatalf("done=%q", got)
		}
		if _, err := app.DB.FindUsage(ctx, f.ed.Actor, u.ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Fatalf("after delete: %v", err)
		}
		page = ed.Do("GET", path+"?done=usage_deleted", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Anvendelsen er slettet.", "Der er ikke registreret systemer.")
		mustNotContain(t, page, `<a href="/systems/`+nexus.ID+`">`)
	})
}

// ---------------------------------------------------------------- contracts

func TestContractCreateShowEditDelete(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		nexus := f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		f.usage(t, f.ed, samspil.UsageInput{SystemID: nexus.ID})
		newPath := "/organizations/" + f.silkeborg.ID + "/contracts/new"
		action := "/organizations/" + f.silkeborg.ID + "/contracts"

		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", newPath, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, `<label class="form-label" for="s-`+nexus.ID+`">Nexus Sundhed</label>`)
		form := formFields(t, page, action)
		if form.Get("visibility") != "private" || form.Get("notice_months") != "3" || form.Get("notice_rule") != "any_day" ||
			form.Get("extension_kind") != "option" {
			t.Fatalf("the form's defaults: %v", form)
		}
		form = with(form, "name", "Nexus drift og support", "start", "2024-01-01", "expiry", "2039-12-31", "extension_count", "2", "extension_kind", "automatic",
			"extension_months", "12", "notice_months", "6", "notice_rule", "any_day", "cost_operation", "1.250.000,50",
			"cost_one_off_acquisition", "300.000", "visibility", "sector", "price_visibility", "private", "system_ids", nexus.ID)

		// Invalid terms: expiry before start, notice of 99 months. Shown at the fields, nothing written.
		res := ed.Do("POST", action, with(form, "expiry", "2023-12-31", "notice_months", "99")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal være på eller efter startdatoen (1. januar 2024)")
		fieldError(t, res, "skal være mellem 0 og 60")
		mustContain(t, res, `value="Nexus drift og support"`, `value="1.250.000,50"`)
		// A bad amount is shown at its field.
		res = ed.Do("POST", action, with(form, "cost_other", "mange penge")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal være et beløb i kroner som 125.000,50")
		// A start is required.
		res = ed.Do("POST", action, with(form, "start", "")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal udfyldes")
		if n := len(contractsOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("invalid posts wrote %d contracts", n)
		}

		// Create with Danish amounts.
		res = ed.Do("POST", action, form)
		res.Want(t, http.StatusSeeOther)
		u := location(t, res)
		stored := contractsOf(t, app, f.silkeborg.ID)
		if len(stored) != 1 {
			t.Fatalf("%d contracts", len(stored))
		}
		c := stored[0]
		if u.Path != "/contracts/"+c.ID || u.Query().Get("done") != "contract_created" {
			t.Fatalf("redirect to %s", u)
		}
		if c.Costs == nil || c.Costs.Operation != 125000050 || c.Costs.Acquisition != 0 || c.Costs.OneOffAcquisition != 30000000 || c.NoticeMonths != 6 || c.ExtensionCount != 2 ||
			c.Expiry.String() != "2039-12-31" || len(c.Systems) != 1 || c.Systems[0].ID != nexus.ID {
			t.Fatalf("stored %+v (costs %+v)", c, c.Costs)
		}
		page = ed.Do("GET", u.String(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Kontrakten er registreret.", "<h1>Nexus drift og support</h1>",
			"anskaffelse 0,00 kr., drift 1.250.000,50 kr., andet 0,00 kr.",
			"<dt>Anskaffelse (engangsbeløb)</dt><dd>300.000,00 kr.</dd>",
			`<div class="alert alert-info deadline-box status-active" role="status">`,
			`<p class="alert-heading">Aktiv · Næste beslutning senest: 30.06.2039</p>`,
			"Opsig kontrakten senest den 30. juni 2039, så den ophører den 31. december 2039; ellers forlænges den til den 31. december 2040 (2 af 2 forlængelser tilbage).",
			"<dt>Sidste frist for opsigelse</dt><dd>30.06.2039</dd>",
			`<a href="/systems/`+nexus.ID+`">Nexus Sundhed</a>`,
			`<svg class="timeline"`)
		if n := strings.Count(body(page), `<rect class="tl-bar active"`); n != 1 {
			t.Fatalf("%d timeline bars on the contract page", n)
		}
		if n := strings.Count(body(page), `<path class="tl-notice"`); n != 1 {
			t.Fatalf("%d notice marks on the contract page", n)
		}

		// Edit via ?edit=true: the form holds the stored values and the version.
		edit := ed.Do("GET", "/contracts/"+c.ID+"?edit=true", nil).Want(t, http.StatusOK)
		noInlineStyle(t, edit)
		eform := formFields(t, edit, "/contracts/"+c.ID)
		if eform.Get("version") != "1" || eform.Get("cost_operation") != "1.250.000,50" || eform.Get("cost_one_off_acquisition") != "300.000,00" || eform.Get("start") != "2024-01-01" ||
			eform.Get("expiry") != "2039-12-31" || eform.Get("system_ids") != nexus.ID || eform.Get("visibility") != "sector" {
			t.Fatalf("the edit form: %v", eform)
		}
		res = ed.Do("POST", "/contracts/"+c.ID, with(eform, "name", "Nexus drift (forlænget)", "extensions_used", "1"))
		if got := wantRedirect(t, res, "/contracts/"+c.ID).Query().Get("done"); got != "contract_updated" {
			t.Fatalf("done=%q", got)
		}
		page = ed.Do("GET", "/contracts/"+c.ID+"?done=contract_updated", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Kontrakten er gemt.", "<h1>Nexus drift (forlænget)</h1>", "drift 1.250.000,50 kr.",
			"Opsig kontrakten senest den 30. juni 2040, så den ophører den 31. december 2040; ellers forlænges den til den 31. december 2041 (1 af 2 forlængelser tilbage).")
		after, err := app.DB.FindContract(ctx, f.ed.Actor, c.ID)
		if err != nil || after.Version != 2 || after.Costs == nil || after.Costs.Operation != 125000050 || after.ExtensionsUsed != 1 {
			t.Fatalf("after the edit: %+v %v", after, err)
		}
		// The old form is stale.
		res = ed.Do("POST", "/contracts/"+c.ID, with(eform, "name", "Forældet")).Want(t, http.StatusPreconditionFailed)
		mustContain(t, res, "en anden har ændret det i mellemtiden (version 2, du har 1); genindlæs og prøv igen")
		// Invalid terms in the edit are shown at their fields.
		res = ed.Do("POST", "/contracts/"+c.ID, with(eform, "version", "2", "notice_months", "99")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal være mellem 0 og 60")
		if after, err = app.DB.FindContract(ctx, f.ed.Actor, c.ID); err != nil || after.Name != "Nexus drift (forlænget)" || after.Version != 2 {
			t.Fatalf("after refused edits: %+v %v", after, err)
		}

		// Delete with the page's form.
		del := formFields(t, page, "/contracts/"+c.ID+"/delete")
		if del.Get("version") != "2" {
			t.Fatalf("delete form %v", del)
		}
		res = ed.Do("POST", "/contracts/"+c.ID+"/delete", del)
		if got := wantRedirect(t, res, "/organizations/"+f.silkeborg.ID+"/deadlines").Query().Get("done"); got != "contract_deleted" {
			t.Fatalf("done=%q", got)
		}
		ed.Do("GET", "/contracts/"+c.ID, nil).Want(t, http.StatusNotFound)
		if n := len(contractsOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("%d contracts after delete", n)
		}
	})
}

func TestContractVisibility(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		terms := samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), Expiry: date(2039, 12, 31), NoticeMonths: 6}
		costs := &samspil.Costs{Operation: 125000050}
		hidden := f.contract(t, f.ed, samspil.ContractInput{OrganizationID: f.silkeborg.ID, Name: "Sektor med hemmelige priser", ContractTerms: terms,
			Costs: costs, Visibility: samspil.VisibilitySector, PriceVisibility: samspil.VisibilityPrivate})
		shared := f.contract(t, f.ed, samspil.ContractInput{OrganizationID: f.silkeborg.ID, Name: "Sektor med delte priser", ContractTerms: terms,
			Costs: &samspil.Costs{Acquisition: 9900}, Visibility: samspil.VisibilitySector, PriceVisibility: samspil.VisibilitySector})
		private := f.contract(t, f.ed, samspil.ContractInput{OrganizationID: f.silkeborg.ID, Name: "Privat aftale", ContractTerms: terms,
			Visibility: samspil.VisibilityPrivate})

		// Another organisation sees the sector contract but not its costs, and cannot change it.
		viborg, _ := signIn(t, app, lsViborgEmail)
		page := viborg.Do("GET", "/contracts/"+hidden.ID, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "<h1>Sektor med hemmelige priser</h1>", "Næste beslutning senest")
		mustNotContain(t, page, "1.250.000,50", "Årlige omkostninger", "?edit=true", `method="post" action="/contracts/`)
		page = viborg.Do("GET", "/contracts/"+hidden.ID+"?edit=true", nil).Want(t, http.StatusOK)
		mustNotContain(t, page, "1.250.000,50", `method="post" action="/contracts/`)
		edit := formFields(t, newBrowserSignedIn(t, app, lsEditorEmail).Do("GET", "/contracts/"+hidden.ID+"?edit=true", nil).Want(t, http.StatusOK), "/contracts/"+hidden.ID)
		viborg.Do("POST", "/contracts/"+hidden.ID, with(edit, "name", "Overtaget")).Want(t, http.StatusForbidden)
		viborg.Do("POST", "/contracts/"+hidden.ID+"/delete", url.Values{"version": {"1"}}).Want(t, http.StatusForbidden)
		if c, err := app.DB.FindContract(context.Background(), f.ed.Actor, hidden.ID); err != nil || c.Name != "Sektor med hemmelige priser" {
			t.Fatalf("after another organisation's posts: %+v %v", c, err)
		}
		// Prices shared with the sector are shown to it.
		mustContain(t, viborg.Do("GET", "/contracts/"+shared.ID, nil).Want(t, http.StatusOK), "Årlige omkostninger", "anskaffelse 99,00 kr.")
		// The owner's own members see the costs.
		viewer, _ := signIn(t, app, lsViewerEmail)
		page = viewer.Do("GET", "/contracts/"+hidden.ID, nil).Want(t, http.StatusOK)
		mustContain(t, page, "drift 1.250.000,50 kr.")
		mustNotContain(t, page, "?edit=true") // a viewer cannot edit

		// A private contract is not found by others, nor a sector one by anonymous readers.
		mustContain(t, viborg.Do("GET", "/contracts/"+private.ID, nil).Want(t, http.StatusNotFound), "kontrakten findes ikke eller er ikke synlig for dig")
		newBrowser(t, app).Do("GET", "/contracts/"+private.ID, nil).Want(t, http.StatusNotFound)
		newBrowser(t, app).Do("GET", "/contracts/"+hidden.ID, nil).Want(t, http.StatusNotFound)
		mustContain(t, viewer.Do("GET", "/contracts/"+private.ID, nil).Want(t, http.StatusOK), "<h1>Privat aftale</h1>")

		// Only editors of the organisation get the new-contract form.
		viborg.Do("GET", "/organizations/"+f.silkeborg.ID+"/contracts/new", nil).Want(t, http.StatusForbidden)
		viewer.Do("GET", "/organizations/"+f.silkeborg.ID+"/contracts/new", nil).Want(t, http.StatusForbidden)
	})
}

// newBrowserSignedIn returns a browser signed in as email.
func newBrowserSignedIn(t *testing.T, app *testkit.App, email string) *browser {
	t.Helper()
	b, _ := signIn(t, app, email)
	return b
}

// ---------------------------------------------------------------- deadlines

var (
	reDeadlineRow = regexp.MustCompile(`(?s)<tr class="status-[a-z_]+(?: urgent-[a-z]+)?">\s*<td><a href="/contracts/([^"]+)">.*?</td>\s*<td>[^<]*</td>\s*<td>([^<]*)(?:<br>.*?)?</td>`)
	reTimelineRow = regexp.MustCompile(`<text class="tl-label" x="4" y="[0-9.]+">([^<]+)</text>`)
)

func TestDeadlinesPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		org := f.silkeborg.ID
		mk := func(name string, vis samspil.Visibility, terms samspil.ContractTerms) *samspil.Contract {
			return f.contract(t, f.ed, samspil.ContractInput{OrganizationID: org, Name: name, Visibility: vis, ContractTerms: terms})
		}
		// Created in an order that is neither alphabetical nor urgent.
		alfa := mk("Alfa licens", samspil.VisibilityPublic, samspil.ContractTerms{Start: samspil.NewDate(2021, 1, 1), Expiry: date(2045, 12, 31)})
		sektor := mk("Sektor aftale", samspil.VisibilitySector, samspil.ContractTerms{Start: samspil.NewDate(2021, 1, 1), Expiry: date(2043, 12, 31)})
		zeta := mk("Zeta løbende", samspil.VisibilityPublic, samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1), NoticeMonths: 3,
			NoticeRule: samspil.NoticeEndOfQuarter})
		privat := mk("Privat aftale", samspil.VisibilityPrivate, samspil.ContractTerms{Start: samspil.NewDate(2021, 1, 1), Expiry: date(2042, 12, 31)})
		midt := mk("Midt kontrakt", samspil.VisibilityPublic, samspil.ContractTerms{Start: samspil.NewDate(2022, 1, 1), Expiry: date(2040, 6, 30),
			ExtensionCount: 1, ExtensionMonths: 12, NoticeMonths: 3})
		path := "/organizations/" + org + "/deadlines"

		check := func(b *browser, who string, want ...*samspil.Contract) {
			t.Helper()
			page := b.Do("GET", path, nil).Want(t, http.StatusOK)
			noInlineStyle(t, page)
			var gotIDs, wantIDs, tlNames, wantNames []string
			rows := reDeadlineRow.FindAllStringSubmatch(body(page), -1)
			for _, m := range rows {
				gotIDs = append(gotIDs, m[1])
			}
			for _, c := range want {
				wantIDs = append(wantIDs, c.ID)
				wantNames = append(wantNames, c.Name)
			}
			if !slices.Equal(gotIDs, wantIDs) {
				t.Fatalf("%s: rows %v, want %v:\n%s", who, gotIDs, wantIDs, page.Body)
			}
			// The first row is the earliest decision.
			stored, err := app.DB.FindContract(context.Background(), testkit.System, want[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if rows[0][2] != danishDate(stored.Deadlines.NextDecisionDate) || rows[0][2] == "" {
				t.Fatalf("%s: the first row's decision date %q, want %q", who, rows[0][2], danishDate(stored.Deadlines.NextDecisionDate))
			}
			// One bar per contract, in the same order, and a notice mark where there is a last notice date.
			if !strings.Contains(body(page), `<svg class="timeline"`) {
				t.Fatalf("%s: no timeline", who)
			}
			if n := strings.Count(body(page), `<rect class="tl-bar`); n != len(want) {
				t.Fatalf("%s: %d timeline bars, want %d", who, n, len(want))
			}
			// The timeline is one picture (role="img") and holds no links;
			// the table links each contract.
			for _, m := range reTimelineRow.FindAllStringSubmatch(body(page), -1) {
				tlNames = append(tlNames, html.UnescapeString(m[1]))
			}
			if !slices.Equal(tlNames, wantNames) {
				t.Fatalf("%s: timeline rows %v, want %v", who, tlNames, wantNames)
			}
			svg := body(page)[strings.Index(body(page), `<svg class="timeline"`):]
			if svg = svg[:strings.Index(svg, "</svg>")]; !strings.Contains(svg, `role="img"`) || strings.Contains(svg, "<a ") {
				t.Fatalf("%s: the timeline is no picture without links: %s", who, svg)
			}
			notices := 0
			for _, c := range want {
				s, err := app.DB.FindContract(context.Background(), testkit.System, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if s.Deadlines.LastNoticeDate != nil {
					notices++
				}
			}
			if n := strings.Count(body(page), `<path class="tl-notice"`); n != notices {
				t.Fatalf("%s: %d notice marks, want %d", who, n, notices)
			}
		}
		// Zeta (open-ended, notice to a quarter's end) is due within months; then Midt (2040), Privat (2042), Sektor (2043), Alfa (2045).
		viewer, _ := signIn(t, app, lsViewerEmail)
		check(viewer, "Silkeborg viewer", zeta, midt, privat, sektor, alfa)
		viborg, _ := signIn(t, app, lsViborgEmail)
		check(viborg, "Viborg editor", zeta, midt, sektor, alfa)
		anon := newBrowser(t, app)
		check(anon, "anonymous", zeta, midt, alfa)
		page := anon.Do("GET", path, nil)
		mustNotContain(t, page, "Privat aftale", "Sektor aftale", "/contracts/new")
		// The notice marks are Zeta's and Midt's.
		if n := strings.Count(body(page), `<path class="tl-notice"`); n != 2 {
			t.Fatalf("anonymous: %d notice marks, want 2 (Zeta and Midt)", n)
		}
		// Without contracts the page says so.
		page = anon.Do("GET", "/organizations/"+f.aarhus.ID+"/deadlines", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Der er ingen kontrakter, du kan se.")
		mustNotContain(t, page, `<svg class="timeline"`)
	})
}

// TestDeadlinesPageInPages: a municipality with more contracts than a page
// sees the most urgent first, and the rest through "next page", each once.
func TestDeadlinesPageInPages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		org := f.silkeborg.ID
		const n = 230
		src := samspil.RecordList{Of: samspil.ImportContracts}
		for i := range n {
			rec := samspil.ContractRecord{Name: fmt.Sprintf("Kontrakt %03d", i), Terms: samspil.ContractTerms{
				Start: samspil.NewDate(2021, 1, 1).AddDays(i * 11), DurationMonths: 60, NoticeMonths: 1}}
			src.Items = append(src.Items, samspil.Record{Line: i + 2, Contract: &rec})
		}
		report, err := app.DB.CommitImport(context.Background(), f.ed.Actor, org, src, nil)
		if err != nil || !report.Committed {
			t.Fatalf("import: %v %+v", err, report)
		}
		all, err := app.DB.AllContracts(context.Background(), f.ed.Actor, samspil.ContractFilter{OrganizationID: org, Sort: samspil.SortByUrgency})
		if err != nil || len(all) != n {
			t.Fatalf("all contracts: %d %v", len(all), err)
		}
		viewer, _ := signIn(t, app, lsViewerEmail)
		path := "/organizations/" + org + "/deadlines"
		var got []string
		for pages := 0; path != ""; pages++ {
			if pages > 3 {
				t.Fatal("the pages do not end")
			}
			page := viewer.Do("GET", path, nil).Want(t, http.StatusOK)
			for _, m := range reDeadlineRow.FindAllStringSubmatch(body(page), -1) {
				got = append(got, m[1])
			}
			if pages == 0 {
				mustContain(t, page, `<svg class="timeline"`)
				mustNotContain(t, page, "Første side")
			} else {
				mustContain(t, page, "Første side")
			}
			path = ""
			if m := regexp.MustCompile(`<a href="([^"]+)">Næste side</a>`).FindStringSubmatch(body(page)); m != nil {
				path = html.UnescapeString(m[1])
			}
		}
		var want []string
		for _, c := range all {
			want = append(want, c.ID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("the pages list %d contracts, want the %d in urgency order", len(got), len(want))
		}
	})
}

// ---------------------------------------------------------------- imports

// upload posts a file to the import form as multipart/form-data, streaming
// the content.
func upload(t *testing.T, b *browser, orgID, name string, content io.Reader) *testkit.Response {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", name)
		if err == nil {
			_, err = io.Copy(part, content)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest("POST", b.app.URL+"/organizations/"+orgID+"/import", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := b.http.Do(req)
	pr.Close() // ends the writer if the server stopped reading
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &testkit.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

var reImportPath = regexp.MustCompile(`^/imports/([^/?#]+)$`)

// uploadPreview uploads a file and returns the import's path.
func uploadPreview(t *testing.T, b *browser, orgID, name, content string) string {
	t.Helper()
	res := upload(t, b, orgID, name, strings.NewReader(content))
	res.Want(t, http.StatusSeeOther)
	u := location(t, res)
	if !reImportPath.MatchString(u.Path) {
		t.Fatalf("upload went to %s", u)
	}
	return u.Path
}

// fact returns the <dd> after a <dt> label.
func fact(t *testing.T, page *testkit.Response, label string) string {
	t.Helper()
	m := regexp.MustCompile(`<dt>` + regexp.QuoteMeta(label) + `</dt><dd>([^<]*)</dd>`).FindStringSubmatch(body(page))
	if m == nil {
		t.Fatalf("no %q on the page:\n%s", label, page.Body)
	}
	return m[1]
}

func wantFacts(t *testing.T, page *testkit.Response, kv ...string) {
	t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if got := fact(t, page, kv[i]); got != kv[i+1] {
			t.Fatalf("%s: %q, want %q:\n%s", kv[i], got, kv[i+1], page.Body)
		}
	}
}

// waitCommitted polls the import page until the commit has finished.
func waitCommitted(t *testing.T, b *browser, path string) *testkit.Response {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		page := b.Do("GET", path, nil).Want(t, http.StatusOK)
		switch {
		case strings.Contains(body(page), "Importen er gemt."):
			return page
		case strings.Contains(body(page), "Importen blev ikke gemt."), strings.Contains(body(page), "Importen blev afbrudt"):
			t.Fatalf("the import failed:\n%s", page.Body)
		case time.Now().After(deadline):
			t.Fatalf("the import did not finish within 10 s:\n%s", page.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const usagesCSV = "System*;Livscyklus;Fra;Noter\r\nNexus Sundhed;I drift;2023-01-01;Fra importen\r\nOS2forms;Planlagt;;\r\n"

func TestImportUploadPreviewCommit(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		nexus := f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		os2 := f.system(t, f.ed, samspil.SystemInput{Name: "OS2forms", Visibility: samspil.VisibilityPublic})
		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", "/organizations/"+f.silkeborg.ID+"/import", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, `action="/organizations/`+f.silkeborg.ID+`/import" enctype="multipart/form-data"`, `name="file" type="file"`)

		path := uploadPreview(t, ed, f.silkeborg.ID, "anvendelser.csv", usagesCSV)
		page = ed.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "anvendelser.csv")
		wantFacts(t, page, "Indhold", "Systemer i brug", "Rækker", "2", "Nye", "2", "Ændrede", "0", "Uændrede", "0")
		mustNotContain(t, page, `class="import-errors"`)
		if !hasForm(page, path+"/commit") {
			t.Fatalf("no commit button:\n%s", page.Body)
		}
		if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("the preview wrote %d usages", n)
		}

		// Another organisation's editor cannot see or commit it.
		viborg, _ := signIn(t, app, lsViborgEmail)
		viborg.Do("GET", path, nil).Want(t, http.StatusNotFound)
		viborg.Do("POST", path+"/commit", url.Values{}).Want(t, http.StatusNotFound)
		// Nor can a viewer of the same organisation.
		viewer, _ := signIn(t, app, lsViewerEmail)
		viewer.Do("GET", path, nil).Want(t, http.StatusNotFound)
		viewer.Do("GET", "/organizations/"+f.silkeborg.ID+"/import", nil).Want(t, http.StatusForbidden)
		if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("refused commits wrote %d usages", n)
		}

		// A form that cannot be read commits nothing.
		ed.Do("POST", path+"/commit", url.Values{"valid_only": {"tru\x00e"}}).Want(t, http.StatusUnprocessableEntity)
		if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("an unreadable commit form wrote %d usages", n)
		}

		// Commit: it runs in the background and the page shows when it is done.
		wantRedirect(t, ed.Do("POST", path+"/commit", url.Values{}), path)
		page = waitCommitted(t, ed, path)
		if hasForm(page, path+"/commit") {
			t.Fatalf("a committed import still has a commit button:\n%s", page.Body)
		}
		stored := usagesOf(t, app, f.silkeborg.ID)
		bySystem := map[string]samspil.Usage{}
		for _, u := range stored {
			bySystem[u.SystemID] = u
		}
		if len(stored) != 2 || bySystem[nexus.ID].Lifecycle != samspil.LifecycleOperational || bySystem[nexus.ID].From.String() != "2023-01-01" ||
			bySystem[nexus.ID].Notes != "Fra importen" || bySystem[os2.ID].Lifecycle != samspil.LifecyclePlanned {
			t.Fatalf("after the commit: %+v", stored)
		}
		// Committing again is refused.
		ed.Do("POST", path+"/commit", url.Values{}).Want(t, http.StatusConflict)
		if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 2 {
			t.Fatalf("%d usages after a second commit", n)
		}

		// The same file again changes nothing.
		again := uploadPreview(t, ed, f.silkeborg.ID, "anvendelser.csv", usagesCSV)
		if again == path {
			t.Fatalf("the second upload got the first import's page")
		}
		page = ed.Do("GET", again, nil).Want(t, http.StatusOK)
		wantFacts(t, page, "Rækker", "2", "Nye", "0", "Ændrede", "0", "Uændrede", "2")
	})
}

// An import another instance sharing the database is committing (its
// commit held there, its progress kept there) shows as under way, and the
// page keeps asking; once nobody holds it, as interrupted. SQLite is
// served by one process: a commit it does not run itself was interrupted.
func TestImportCommittingElsewhere(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		f.system(t, f.ed, samspil.SystemInput{Name: "OS2forms", Visibility: samspil.VisibilityPublic})
		ed, _ := signIn(t, app, lsEditorEmail)
		path := uploadPreview(t, ed, f.silkeborg.ID, "anvendelser.csv", usagesCSV)
		id := strings.TrimPrefix(path, "/imports/")
		im, err := app.DB.FindImport(ctx, testkit.System, id)
		if err != nil {
			t.Fatal(err)
		}
		// The other instance: the commit held on a connection of its own,
		// the status stored.
		release, err := app.DB.HoldImportCommit(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := app.DB.SetImportStatus(ctx, testkit.System, id, samspil.ImportCommitting, im.Report); err != nil {
			release()
			t.Fatal(err)
		}
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		if app.DB.Engine() == "postgres" {
			mustContain(t, page, `hx-get="/imports/`+id+`"`, "en anden af platformens servere gemmer importen")
			mustNotContain(t, page, "Importen blev afbrudt")
		} else {
			mustContain(t, page, "Importen blev afbrudt")
			mustNotContain(t, page, `hx-get="/imports/`)
		}
		release()
		page = ed.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Importen blev afbrudt")
		mustNotContain(t, page, `hx-get="/imports/`, "en anden af platformens servere")
	})
}

func TestImportErrorsAndRefusals(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		f.system(t, f.ed, samspil.SystemInput{Name: "OS2forms", Visibility: samspil.VisibilityPublic})
		ed, _ := signIn(t, app, lsEditorEmail)

		// A file with errors shows them by row and column, and has no commit button.
		bad := "System*;Livscyklus;Fra\r\nNexus Sundhed;Måske;2023-01-01\r\nOS2forms;I drift;2023-13-01\r\n"
		path := uploadPreview(t, ed, f.silkeborg.ID, "fejl.csv", bad)
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, `<table class="table table--zebra import-errors">`, "Filen har 2 fejl.",
			`<tr><td class="num">2</td><td>Livscyklus</td>`, `<tr><td class="num">3</td><td>Fra</td>`)
		if hasForm(page, path+"/commit") {
			t.Fatalf("a file with errors has a commit button:\n%s", page.Body)
		}
		res := ed.Do("POST", path+"/commit", url.Values{}).Want(t, http.StatusConflict)
		mustContain(t, res, "importen kan ikke gemmes; upload filen igen")
		if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("a file with errors wrote %d usages", n)
		}
		// The page still says it was not committed.
		mustNotContain(t, ed.Do("GET", path, nil).Want(t, http.StatusOK), "Importen er gemt.")

		// A file that is not a landscape file is refused with a message at the file field.
		res = upload(t, ed, f.silkeborg.ID, "personer.csv", strings.NewReader("Fornavn;Efternavn\r\nAnne;Hansen\r\n")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<span class="form-error-message" id="e-file">personer.csv`, `aria-invalid="true" aria-describedby="e-file"`)
		// A post without a file too.
		res = upload(t, ed, f.silkeborg.ID, "", strings.NewReader("")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<span class="form-error-message" id="e-file">vælg en CSV- eller XLSX-fil</span>`)

		// An editor of another organisation cannot upload here.
		viborg, _ := signIn(t, app, lsViborgEmail)
		upload(t, viborg, f.silkeborg.ID, "anvendelser.csv", strings.NewReader(usagesCSV)).Want(t, http.StatusForbidden)
		if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("%d usages", n)
		}
	})
}

// TestImportUnitChoiceAmongManyUnits: an organisation with more units than
// a page of the list holds offers every one of them for an unknown unit
// name of a file, and the import takes the one chosen.
func TestImportUnitChoiceAmongManyUnits(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		// The tree is sorted by name, so the last unit is beyond the first
		// samspil.MaxPageSize.
		for i := range samspil.MaxPageSize {
			if _, err := app.DB.CreateUnit(ctx, testkit.System, f.silkeborg.ID, samspil.OrgUnitInput{Kind: samspil.UnitTeam,
				Name: fmt.Sprintf("Afdeling %03d", i+1)}); err != nil {
				t.Fatal(err)
			}
		}
		last, err := app.DB.CreateUnit(ctx, testkit.System, f.silkeborg.ID, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "Økonomi"})
		if err != nil {
			t.Fatal(err)
		}
		ed, _ := signIn(t, app, lsEditorEmail)
		path := uploadPreview(t, ed, f.silkeborg.ID, "kitos.csv", "IT System;Ansv. organisationsenhed;Livscyklus\r\nOpus Løn;Løn;I drift\r\n")
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<label class="form-label" for="f-unit_0">Løn (række 2)</label>`, `<option value="`+last.ID+`">Økonomi</option>`,
			`<option value="`+units(t, app, f.silkeborg.ID)["Afdeling 001"].ID+`">Afdeling 001</option>`)
		wantRedirect(t, ed.Do("POST", path+"/commit", url.Values{"unit_0": {last.ID}}), path)
		waitCommitted(t, ed, path)
		if got := usagesOf(t, app, f.silkeborg.ID); len(got) != 1 || got[0].ResponsibleUnitID != last.ID {
			t.Fatalf("after the commit: %+v", got)
		}
	})
}

// TestImportKITOSValidRows imports a KITOS export with errors and unknown
// units: the preview lists the ignored columns, the unknown units with a
// choice each, a sample of the valid rows and every error by row and the
// file's own heading in Danish; the rows with errors download with a
// column Fejl, and the valid rows commit with the unit choices.
func TestImportKITOSValidRows(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		lon, err := app.DB.CreateUnit(ctx, f.ed.Actor, f.silkeborg.ID, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "Løn og Personale"})
		if err != nil {
			t.Fatal(err)
		}
		ed, _ := signIn(t, app, lsEditorEmail)
		file := "Status (Livscyklus);IT System;Ansv. organisationsenhed;Livscyklus;Ibrugtagningsdato;Kritikalitet\r\n" +
			"Aktivt;Nexus Sundhed;Sundhed og Omsorg;Under afprøvning;01-03-2019;Høj\r\n" +
			"Aktivt;Opus Løn;Løn;I drift;;\r\n" +
			"Aktivt;Aula;Sundhed og Omsorg;Aktivt;;\r\n" +
			"Aktivt;Nexus Sundhed;Sundhed og Omsorg;I drift;;\r\n"
		path := uploadPreview(t, ed, f.silkeborg.ID, "kitos.csv", file)
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		wantFacts(t, page, "Rækker", "4", "Rækker med fejl", "2")
		mustContain(t, page, "Kolonner, der ikke læses: <q>Status (Livscyklus)</q>, <q>Kritikalitet</q>",
			"Filen har 2 fejl i 2 rækker. Du kan gemme de 2 gyldige rækker",
			`<tr><td class="num">4</td><td>Livscyklus</td><td>skal være en af Planlagt, Pilot`,
			`<tr><td class="num">5</td><td>IT System</td><td>samme system som række 2</td>`,
			`<table class="table table--zebra import-sample">`, `<td class="num">2</td><td>Ny</td><td>Nexus Sundhed</td><td>Pilot</td>`,
			`<label class="form-label" for="f-unit_0">Sundhed og Omsorg (række 2)</label>`, `<option value="create" selected>`,
			`<option value="`+lon.ID+`">Løn og Personale</option>`, `href="`+path+`/invalid-rows"`, "Gem de 2 gyldige rækker")

		// The rows with errors download as the file was, with their errors in Danish.
		res := ed.Do("GET", path+"/invalid-rows", nil).Want(t, http.StatusOK)
		if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "kitos-fejl.csv") {
			t.Fatalf("download %q", cd)
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(res.Body), "\ufeff")), "\r\n")
		if len(lines) != 3 || !strings.HasSuffix(lines[0], ";Fejl") || !strings.HasPrefix(lines[1], "Aktivt;Aula;Sundhed og Omsorg;Aktivt;") ||
			!strings.Contains(lines[1], "Livscyklus: skal være en af Planlagt") || !strings.HasSuffix(lines[2], "IT System: samme system som række 2") {
			t.Fatalf("invalid rows:\n%s", res.Body)
		}
		// Nobody else may download them: not a viewer of the organisation, nor another's editor.
		viewer, _ := signIn(t, app, lsViewerEmail)
		viewer.Do("GET", path+"/invalid-rows", nil).Want(t, http.StatusNotFound)
		viborg, _ := signIn(t, app, lsViborgEmail)
		viborg.Do("GET", path+"/invalid-rows", nil).Want(t, http.StatusNotFound)

		// A commit without the valid rows is refused; with them it saves
		// them and the unit choices in one go.
		ed.Do("POST", path+"/commit", url.Values{"unit_0": {"create"}, "unit_1": {lon.ID}}).Want(t, http.StatusConflict)
		if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("a refused commit wrote %d usages", n)
		}
		res = ed.Do("POST", path+"/commit", url.Values{"valid_only": {"true"}, "unit_0": {"create"}})
		res.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-unit_1">vælg at oprette enheden eller hvilken enhed det er</span>`)
		wantRedirect(t, ed.Do("POST", path+"/commit", url.Values{"valid_only": {"true"}, "unit_0": {"create"}, "unit_1": {lon.ID}}), path)
		page = waitCommitted(t, ed, path)
		wantFacts(t, page, "Nye", "2", "Rækker med fejl, der ikke blev gemt", "2", "Nye enheder", "1")
		mustContain(t, page, `href="`+path+`/invalid-rows"`, "De 2 rækker med fejl blev ikke gemt.")
		mustNotContain(t, page, "intet er gemt")
		units, err := app.DB.ListUnits(ctx, f.ed.Actor, f.silkeborg.ID, samspil.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var created string
		for _, u := range units.Items {
			if u.Name == "Sundhed og Omsorg" {
				created = u.ID
			}
		}
		byUnit := map[string]samspil.Lifecycle{}
		for _, u := range usagesOf(t, app, f.silkeborg.ID) {
			byUnit[u.ResponsibleUnitID] = u.Lifecycle
		}
		if created == "" || len(byUnit) != 2 || byUnit[created] != samspil.LifecyclePilot || byUnit[lon.ID] != samspil.LifecycleOperational {
			t.Fatalf("after the commit: units %+v, usages by unit %+v", units.Items, byUnit)
		}
		// The rows left out still download after the commit.
		ed.Do("GET", path+"/invalid-rows", nil).Want(t, http.StatusOK)
	})
}

// repeat reads a string over and over.
type repeat struct {
	s   string
	off int
}

func (r *repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.s[r.off:])
		n += c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}

func TestImportTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 100 MiB")
	}
	const maxUpload = 50 << 20
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		ed, _ := signIn(t, app, lsEditorEmail)
		header := "System*;Livscyklus;Noter\r\n"
		// One byte over the limit, and well over it (beyond the slack the body reader allows).
		for _, size := range []int64{maxUpload + 1, maxUpload + 3<<20} {
			content := io.MultiReader(strings.NewReader(header), io.LimitReader(&repeat{s: "Nexus Sundhed;I drift;fyld\r\n"}, size-int64(len(header))))
			res := upload(t, ed, f.silkeborg.ID, "stor.csv", content).Want(t, http.StatusRequestEntityTooLarge)
			mustContain(t, res, `<span class="form-error-message" id="e-file">filen er større end 50 MiB</span>`)
			if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 0 {
				t.Fatalf("an oversized file wrote %d usages", n)
			}
		}
	})
}

// An upload said to be over the limit is refused with 413 at the file field
// before any of it is read, and writes nothing.
func TestImportSaidTooLarge(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		_, session := signIn(t, app, lsEditorEmail)
		conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		fmt.Fprintf(conn, "POST /organizations/%s/import HTTP/1.1\r\nHost: samspil.test\r\nCookie: %s=%s\r\nSec-Fetch-Site: same-origin\r\n"+
			"Content-Type: multipart/form-data; boundary=grense\r\nContent-Length: %d\r\n\r\n", f.silkeborg.ID, httpx.SessionCookie, session,
			web.MaxUploadBytes+2<<20) // and none of it sent
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer while the body was not sent: %v", err)
		}
		defer res.Body.Close()
		page, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(page), `id="e-file">filen er større end 50 MiB</span>`) {
			t.Fatalf("%d:\n%s", res.StatusCode, page)
		}
		if n := len(usagesOf(t, app, f.silkeborg.ID)); n != 0 {
			t.Fatalf("a refused upload wrote %d usages", n)
		}
	})
}

// ---------------------------------------------------------------- exports and templates

func wantDownload(t *testing.T, res *testkit.Response, contentType, filename string) {
	t.Helper()
	res.Want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != contentType {
		t.Fatalf("Content-Type %q, want %q", ct, contentType)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="`+filename+`"` {
		t.Fatalf("Content-Disposition %q, want an attachment named %s", cd, filename)
	}
}

// readCSV parses an exported CSV: byte-order mark, ';' between cells.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("the CSV has no byte-order mark: %q", b[:min(len(b), 20)])
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v\n%s", err, b)
	}
	return rows
}

// column returns the values of a column by heading, keyed by the first
// column (the system).
func column(t *testing.T, rows [][]string, heading string) map[string]string {
	t.Helper()
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	i := slices.Index(rows[0], heading)
	if i < 0 {
		t.Fatalf("no column %q in %q", heading, rows[0])
	}
	out := map[string]string{}
	for _, r := range rows[1:] {
		out[r[0]] = r[i]
	}
	return out
}

func TestExportUsages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		nexus := f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		os2 := f.system(t, f.ed, samspil.SystemInput{Name: "OS2forms", Visibility: samspil.VisibilityPublic})
		f.usage(t, f.ed, samspil.UsageInput{SystemID: nexus.ID, Notes: "=SUM(A1:A2)", Visibility: samspil.VisibilityPublic})
		f.usage(t, f.ed, samspil.UsageInput{SystemID: os2.ID, Lifecycle: samspil.LifecyclePlanned, Notes: "Intern", Visibility: samspil.VisibilityPrivate})
		path := "/organizations/" + f.silkeborg.ID + "/export"
		ed, _ := signIn(t, app, lsEditorEmail)

		res := ed.Do("GET", path+"?what=usages&format=csv", nil)
		wantDownload(t, res, csvContentType, "samspil-0740-usages.csv")
		rows := readCSV(t, res.Body)
		if rows[0][0] != "System*" || len(rows) != 3 {
			t.Fatalf("CSV rows %q", rows)
		}
		notes := column(t, rows, "Noter")
		if notes["Nexus Sundhed"] != "'=SUM(A1:A2)" || notes["OS2forms"] != "Intern" {
			t.Fatalf("notes %q: a formula must be neutralised with an apostrophe", notes)
		}
		if lc := column(t, rows, "Livscyklus"); lc["Nexus Sundhed"] != "I drift" || lc["OS2forms"] != "Planlagt" {
			t.Fatalf("lifecycles %q", lc)
		}

		// Anonymous readers export only the public usages.
		res = newBrowser(t, app).Do("GET", path+"?what=usages&format=csv", nil)
		wantDownload(t, res, csvContentType, "samspil-0740-usages.csv")
		if rows := readCSV(t, res.Body); len(rows) != 2 || rows[1][0] != "Nexus Sundhed" {
			t.Fatalf("anonymous export %q", rows)
		}

		// XLSX.
		res = ed.Do("GET", path+"?what=usages&format=xlsx", nil)
		wantDownload(t, res, xlsxType, "samspil-0740-usages.xlsx")
		book, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("open XLSX: %v", err)
		}
		defer book.Close()
		sheet := book.GetSheetName(0)
		xrows, err := book.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(xrows) != 3 || xrows[0][0] != "System*" {
			t.Fatalf("XLSX rows %q", xrows)
		}
		// In XLSX the text stays as it is, in a text cell: never a formula,
		// and formatted as text so that editing it does not make it one.
		if xnotes := column(t, xrows, "Noter"); xnotes["Nexus Sundhed"] != "=SUM(A1:A2)" || xnotes["OS2forms"] != "Intern" {
			t.Fatalf("XLSX notes %q", xnotes)
		}
		for r := 1; r <= len(xrows); r++ {
			for c := 1; c <= len(xrows[0]); c++ {
				cell, _ := excelize.CoordinatesToCellName(c, r)
				if formula, _ := book.GetCellFormula(sheet, cell); formula != "" {
					t.Fatalf("XLSX cell %s holds a formula %q", cell, formula)
				}
			}
		}
		noteCell, _ := excelize.CoordinatesToCellName(slices.Index(xrows[0], "Noter")+1, 2)
		if v, _ := book.GetCellValue(sheet, noteCell); v != "=SUM(A1:A2)" {
			t.Fatalf("XLSX %s is %q, want Nexus' note", noteCell, v)
		}
		if typ, err := book.GetCellType(sheet, noteCell); err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Fatalf("XLSX %s has type %v (%v), want a string", noteCell, typ, err)
		}
		styleID, err := book.GetCellStyle(sheet, noteCell)
		if err != nil {
			t.Fatal(err)
		}
		if style, err := book.GetStyle(styleID); err != nil || style.NumFmt != 49 {
			t.Fatalf("XLSX %s: number format %v (%v), want 49 (text)", noteCell, style, err)
		}

		// Other kinds download too.
		wantDownload(t, ed.Do("GET", path+"?what=systems&format=csv", nil), csvContentType, "samspil-0740-systems.csv")
		wantDownload(t, ed.Do("GET", path+"?what=contracts&format=xlsx", nil), xlsxType, "samspil-0740-contracts.xlsx")

		// A bad choice is refused.
		for _, q := range []string{"what=people&format=csv", "what=usages&format=pdf", "what=&format=", ""} {
			res := ed.Do("GET", path+"?"+q, nil).Want(t, http.StatusUnprocessableEntity)
			mustContain(t, res, "vælg systemer, anvendelser eller kontrakter som csv eller xlsx")
			if cd := res.Header.Get("Content-Disposition"); cd != "" {
				t.Fatalf("?%s: Content-Disposition %q on an error", q, cd)
			}
		}
		ed.Do("GET", "/organizations/9999/export?what=usages&format=csv", nil).Want(t, http.StatusNotFound)
	})
}

func TestImportTemplates(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		anon := newBrowser(t, app)
		res := anon.Do("GET", "/templates/usages.csv", nil)
		wantDownload(t, res, csvContentType, "samspil-usages.csv")
		rows := readCSV(t, res.Body)
		if len(rows) != 1 || rows[0][0] != "System*" || !slices.Contains(rows[0], "Livscyklus") {
			t.Fatalf("CSV template %q", rows)
		}
		res = anon.Do("GET", "/templates/usages.xlsx", nil)
		wantDownload(t, res, xlsxType, "samspil-usages.xlsx")
		book, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("open XLSX template: %v", err)
		}
		defer book.Close()
		xrows, err := book.GetRows(book.GetSheetName(0))
		if err != nil || len(xrows) == 0 || xrows[0][0] != "System*" {
			t.Fatalf("XLSX template %q %v", xrows, err)
		}
		wantDownload(t, anon.Do("GET", "/templates/contracts.csv", nil), csvContentType, "samspil-contracts.csv")
		wantDownload(t, anon.Do("GET", "/templates/systems.xlsx", nil), xlsxType, "samspil-systems.xlsx")
		for _, p := range []string{"/templates/people.csv", "/templates/usages.pdf", "/templates/usages", "/templates/usages.csv.exe", "/templates/.csv"} {
			if res := anon.Do("GET", p, nil); res.Status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, res.Status)
			}
		}
	})
}

// The landscape page holds at any size: its usages a page at a time, its
// most urgent contracts with a link to all of them, and each usage's form
// on the usage's own page.
func TestLandscapePages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		var names []string
		for i := range 101 {
			s := f.system(t, f.ed, samspil.SystemInput{Name: fmt.Sprintf("System %03d", i), Visibility: samspil.VisibilityPublic})
			f.usage(t, f.ed, samspil.UsageInput{SystemID: s.ID})
			names = append(names, s.Name)
		}
		for i := range 26 {
			f.contract(t, f.ed, samspil.ContractInput{Name: fmt.Sprintf("Kontrakt %02d", i), ContractTerms: samspil.ContractTerms{
				Start: *date(2026, 1, 1), DurationMonths: 24 + i}})
		}
		path := "/organizations/" + f.silkeborg.ID + "/landscape"
		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		body := string(page.Body)
		mustContain(t, page, ">System 099<", ">Kontrakt 00<", ">Kontrakt 24<", "De 25 kontrakter med de nærmeste frister.",
			`<a href="/organizations/`+f.silkeborg.ID+`/deadlines">Se alle kontrakter og frister</a>`)
		mustNotContain(t, page, ">System 100<", ">Kontrakt 25<", `<form method="post" action="/organizations/`+f.silkeborg.ID+`/usages/`)
		next := regexp.MustCompile(`href="(/organizations/[^"]+/landscape\?usages=[^"#]+)#usages-h"`).FindStringSubmatch(body)
		if next == nil {
			t.Fatalf("no link to the next usages:\n%s", body)
		}
		page = ed.Do("GET", html.UnescapeString(next[1]), nil).Want(t, http.StatusOK)
		mustContain(t, page, ">System 100<", `href="`+path+`#usages-h"`)
		mustNotContain(t, page, ">System 099<")
		ed.Do("GET", path+"?usages=not-a-cursor", nil).Want(t, http.StatusUnprocessableEntity)
	})
}
