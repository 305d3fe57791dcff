package server_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/landscapeio"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/tabular"
	"github.com/samspil/samspil/internal/testkit"
)

// EnvRequireBrowser, when set, makes a missing Chromium fail the browser
// test instead of skipping it.
const EnvRequireBrowser = "SAMSPIL_TEST_REQUIRE_BROWSER"

// chromium returns the path of the Chromium binary, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	path := "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		} else {
			if os.Getenv(EnvRequireBrowser) != "" {
				t.Fatalf("%s is set but Chromium is not installed (/usr/bin/chromium)", EnvRequireBrowser)
			}
			t.Skip("Chromium is not installed (/usr/bin/chromium); set " + EnvRequireBrowser + " to make this a failure")
		}
	}
	return path
}

// browser is a headless Chromium driven by chromedp, with helpers that fail
// the test on the first error.
type browser struct {
	ctx       context.Context
	step      func(name string, err error)
	text      func(sel string) string
	eval      func(expr string) string
	navigated func(name, path string, actions ...chromedp.Action[chromedp.Void])
}

// openBrowser starts Chromium for a test; it closes with the test and fails
// it on any console error, CSP violation or uncaught exception.
func openBrowser(t *testing.T) *browser {
	t.Helper()
	return openBrowserFor(t, 60*time.Second)
}

// openBrowserFor is openBrowser for a test that needs longer than a minute.
func openBrowserFor(t *testing.T, timeout time.Duration) *browser {
	t.Helper()
	exe := chromium(t)

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)

	// Everything the page says on its console; errors fail the test.
	var (
		mu       sync.Mutex
		problems []string
	)
	consoleDone := make(chan struct{})
	messages := chromedp.Console(bctx)
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			csp := strings.Contains(m.Text, "Content Security Policy")
			if m.Type == chromedp.ConsoleError || m.IsException() || csp {
				if strings.HasSuffix(m.URL, "/favicon.ico") {
					continue // no favicon yet: the browser asks anyway
				}
				if strings.HasSuffix(m.URL, "/no-such-page") {
					continue // the not-found page, opened on purpose: the browser reports its 404
				}
				mu.Lock()
				problems = append(problems, m.String()+" ("+m.URL+")")
				mu.Unlock()
			}
		}
	}()

	// Report the console at the end, also when a step has failed.
	t.Cleanup(func() {
		cancelBrowser()
		<-consoleDone
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser console: %s", p)
		}
	})

	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		step("read "+sel, err)
		return strings.TrimSpace(s)
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		step("evaluate "+expr, err)
		return s
	}
	// navigated runs the actions that trigger a navigation and checks that
	// the page loaded with 200 at path.
	navigated := func(name, path string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		resp, err := chromedp.RunResponse(bctx, actions...)
		step(name, err)
		u, err := url.Parse(resp.URL)
		step(name+": parse URL", err)
		if resp.Status != 200 || u.Path != path {
			t.Fatalf("%s: %d at %s, want 200 at %s", name, resp.Status, resp.URL, path)
		}
	}

	return &browser{ctx: bctx, step: step, text: text, eval: eval, navigated: navigated}
}

// TestBrowserJourney drives a real browser through the pages: sign in,
// search the directory with htmx, open an organisation, switch to English,
// sign out. The pages' CSP allows no inline script and no eval, so the test
// waits with DOM queries (which the DevTools protocol runs outside the page)
// and never with chromedp.Poll (which compiles its predicate with new
// Function inside the page); and it fails on any console error, CSP
// violation or uncaught exception.
func TestBrowserJourney(t *testing.T) {
	app := testkit.NewApp(t, sqldb.SQLite)
	const email = "browser@silkeborg.example"
	testkit.NewPerson(t, app.DB, email, testkit.Silkeborg, samspil.RoleAdmin)
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
	b := openBrowser(t)
	bctx, step, text, eval, navigated := b.ctx, b.step, b.text, b.eval, b.navigated
	// A desktop window: the header shows its menu and tools (narrower, they
	// are behind the menu button; TestBrowserEveryPageAccessible checks that).
	_, err := chromedp.Run(bctx, chromedp.EmulateViewport(1280, 900))
	step("a desktop window", err)

	// Sign in.
	navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
	step("fill in the login form", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testkit.Password),
	))
	navigated("sign in", "/", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	if got := text(`header form[action="/logout"] button`); got != "Log ud" {
		t.Fatalf("signed in, but the header offers %q", got)
	}

	// Search the directory; htmx updates the results in place.
	navigated("open the directory", "/organizations", chromedp.Click(chromedp.CSS(`header .navigation-menu nav a[href="/organizations"]`)))
	if got := eval(`typeof htmx`); got != "object" {
		t.Fatalf("htmx is not loaded (typeof htmx = %q)", got)
	}
	const one = "1 organisationer vist"
	if got := text("#results p.count"); got == one {
		t.Fatalf("the directory shows %q before any search", got)
	}
	eval(`window.samspilMarker = "same page"`)
	step("type a search", chromedp.Do(bctx, chromedp.SendKeys(chromedp.CSS("#f-q"), "Silkeborg")))
	step("wait for the results", chromedp.Do(bctx,
		chromedp.WaitVisible(chromedp.Search(`//p[@class="count"][normalize-space(.)="`+one+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#results a[href="/organizations/`+silkeborg.ID+`"]`)),
	))
	if got := eval(`window.samspilMarker || "reloaded"`); got != "same page" {
		t.Fatalf("the search reloaded the page instead of updating the results (%s)", got)
	}
	if got := eval(`Array.from(document.querySelectorAll("#results tbody a")).map(a => a.textContent.trim()).join("|")`); got != "Silkeborg Kommune" {
		t.Fatalf("results: %q", got)
	}
	if got := eval(`String(document.querySelectorAll("#results").length)`); got != "1" {
		t.Fatalf("%s elements with id=results after the search: htmx nests the results", got)
	}
	if got := eval(`new URLSearchParams(location.search).get("q") || ""`); got != "Silkeborg" {
		t.Fatalf("the address does not carry the search: q=%q", got)
	}

	// Open the organisation.
	navigated("open Silkeborg Kommune", "/organizations/"+silkeborg.ID,
		chromedp.Click(chromedp.CSS(`#results a[href="/organizations/`+silkeborg.ID+`"]`)))
	if got := text("main h1"); got != "Silkeborg Kommune" {
		t.Fatalf("heading %q", got)
	}
	if got := text("#units-h"); got != "Organisationsenheder" {
		t.Fatalf("units heading %q", got)
	}

	// Switch to English; the same page comes back in English.
	if got := text(`header form[action="/language"] button[name="lang"]`); got != "English" {
		t.Fatalf("language button %q", got)
	}
	navigated("switch to English", "/organizations/"+silkeborg.ID,
		chromedp.Click(chromedp.CSS(`header form[action="/language"] button[name="lang"]`)))
	if got := eval(`document.documentElement.lang`); got != "en" {
		t.Fatalf(`html lang=%q, want "en"`, got)
	}
	if got := text("main h1"); got != "Silkeborg Kommune" {
		t.Fatalf("heading %q", got)
	}
	if got := text("#units-h"); got != "Organisational units" {
		t.Fatalf("units heading %q in English", got)
	}
	if got := text(`header .navigation-menu nav a[href="/organizations"]`); got != "Organisations" {
		t.Fatalf("navigation %q in English", got)
	}

	// Sign out.
	navigated("sign out", "/login", chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)))
	step("the login form", chromedp.Do(bctx, chromedp.WaitVisible(chromedp.CSS("#f-email"))))
	if got := text("main .notice"); got != "You have signed out." {
		t.Fatalf("notice %q", got)
	}
	if got := eval(`String(document.querySelector('form[action="/logout"]') === null)`); got != "true" {
		t.Fatal("still signed in after signing out")
	}
	navigated("the account page needs a session again", "/login", chromedp.Navigate(app.URL+"/account"))
}

// TestBrowserImport uploads a small XLSX of contracts through the pages,
// reads the preview, commits it, follows the progress and finds the
// contract on the deadlines timeline.
func TestBrowserImport(t *testing.T) {
	app := testkit.NewApp(t, sqldb.SQLite)
	const email = "import@silkeborg.example"
	ed := testkit.NewPerson(t, app.DB, email, testkit.Silkeborg, samspil.RoleEditor)
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
	if _, err := app.DB.CreateSystem(context.Background(), ed.Actor, samspil.SystemInput{Name: "Nexus", Category: samspil.CategoryHealth}); err != nil {
		t.Fatal(err)
	}
	// The file: one contract in our template, with Danish text and dates.
	file := filepath.Join(t.TempDir(), "kontrakter.xlsx")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	header := landscapeio.Headings(samspil.ImportContracts)
	cells := map[string]string{"Kontrakt": "Nexus – drift og ændringer", "Reference": "SKI-02.19", "Systemer": "Nexus",
		"Start": "01-07-2024", "Varighed (måneder)": "48", "Optioner": "1", "Option (måneder)": "12", "Opsigelsesfrist (måneder)": "6", "Opsigelse træder i kraft": "løbende måned",
		"Drift pr. år": "1.250.000,50"}
	row := make([]string, len(header))
	for i, h := range header {
		row[i] = cells[strings.TrimSuffix(h, "*")]
	}
	w := tabular.NewXLSXWriter(f, "Kontrakter")
	if err := w.WriteHeader(header); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRow(row); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	b := openBrowser(t)
	b.navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
	b.step("fill in the login form", chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testkit.Password),
	))
	b.navigated("sign in", "/", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	b.navigated("open the import page", "/organizations/"+silkeborg.ID+"/import", chromedp.Navigate(app.URL+"/organizations/"+silkeborg.ID+"/import"))
	b.step("choose the file", chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file})))
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[enctype="multipart/form-data"] button[type="submit"]`)))
	b.step("upload", err)
	if resp.Status != 200 || !strings.Contains(resp.URL, "/imports/") {
		t.Fatalf("upload answered %d at %s", resp.Status, resp.URL)
	}
	// The preview: one new contract, no errors, a commit button.
	if got := b.eval(`Array.from(document.querySelectorAll("dl.facts dt")).map(dt => dt.textContent.trim() + "=" + dt.nextElementSibling.textContent.trim()).join("|")`); !strings.Contains(got, "Nye=1") || !strings.Contains(got, "Rækker=1") {
		t.Fatalf("preview facts %q", got)
	}
	if got := b.eval(`String(document.querySelectorAll(".import-errors").length)`); got != "0" {
		t.Fatal("the preview shows errors")
	}
	b.step("commit", chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`form[action$="/commit"] button`))))
	// The commit runs in the background; the page follows it until done.
	b.step("wait until saved", chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(`#import-status .notice`))))
	if got := b.text(`#import-status .notice`); got != "Importen er gemt." {
		t.Fatalf("status %q", got)
	}
	b.navigated("open the deadlines", "/organizations/"+silkeborg.ID+"/deadlines", chromedp.Navigate(app.URL+"/organizations/"+silkeborg.ID+"/deadlines"))
	if got := b.eval(`Array.from(document.querySelectorAll("svg.timeline .tl-label")).map(e => e.textContent).join("|")`); got != "Nexus – drift og ændringer" {
		t.Fatalf("timeline labels %q", got)
	}
	if got := b.eval(`String(document.querySelectorAll("svg.timeline .tl-notice").length)`); got != "1" {
		t.Fatalf("%s notice marks on the timeline, want 1", got)
	}
	if got := b.text("table.deadlines tbody tr td:nth-child(4)"); got != "31.12.2027" {
		t.Fatalf("last notice date %q, want 31.12.2027 (six months before the end of June 2028)", got)
	}
}

// TestBrowserImportKITOSValidRows uploads a KITOS export with a row that
// has an error and a unit Silkeborg does not have, reads the sample and
// the error on the preview, maps the unknown unit to an existing one and
// commits the valid rows.
func TestBrowserImportKITOSValidRows(t *testing.T) {
	app := testkit.NewApp(t, sqldb.SQLite)
	const email = "kitos@silkeborg.example"
	ed := testkit.NewPerson(t, app.DB, email, testkit.Silkeborg, samspil.RoleEditor)
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
	unit, err := app.DB.CreateUnit(context.Background(), ed.Actor, silkeborg.ID, samspil.OrgUnitInput{Kind: samspil.UnitDepartment, Name: "Sundhed og Omsorg"})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "kitos.csv")
	if err := os.WriteFile(file, []byte("Status (Livscyklus);IT System;Ansv. organisationsenhed;Livscyklus;Ibrugtagningsdato\r\n"+
		"Aktivt;Nexus;Sundhed & Omsorg;Under afprøvning;01-03-2019\r\n"+
		"Aktivt;Aula;Sundhed & Omsorg;I drift;30-02-2024\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b := openBrowser(t)
	b.navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
	b.step("fill in the login form", chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testkit.Password),
	))
	b.navigated("sign in", "/", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	b.navigated("open the import page", "/organizations/"+silkeborg.ID+"/import", chromedp.Navigate(app.URL+"/organizations/"+silkeborg.ID+"/import"))
	b.step("choose the file", chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file})))
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[enctype="multipart/form-data"] button[type="submit"]`)))
	b.step("upload", err)
	if resp.Status != 200 || !strings.Contains(resp.URL, "/imports/") {
		t.Fatalf("upload answered %d at %s", resp.Status, resp.URL)
	}
	if got := b.text("table.import-errors tbody tr td:nth-child(2)"); got != "Ibrugtagningsdato" {
		t.Fatalf("error column %q", got)
	}
	if got := b.eval(`Array.from(document.querySelectorAll("table.import-sample tbody td")).map(td => td.textContent).join("|")`); got != "2|Ny|Nexus|Pilot|2019-03-01|Sundhed & Omsorg" {
		t.Fatalf("sample %q", got)
	}
	if got := b.text(`label[for="f-unit_0"]`); got != "Sundhed & Omsorg (række 2)" {
		t.Fatalf("unknown unit %q", got)
	}
	b.step("map the unit", chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS("#f-unit_0"), unit.ID)))
	b.step("commit the valid rows", chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`form[action$="/commit"] button`))))
	b.step("wait until saved", chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(`#import-status .notice`))))
	usages, err := app.DB.ListUsages(context.Background(), ed.Actor, samspil.UsageFilter{OrganizationID: silkeborg.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(usages.Items) != 1 || usages.Items[0].ResponsibleUnitID != unit.ID || usages.Items[0].Lifecycle != samspil.LifecyclePilot {
		t.Fatalf("usages %+v", usages.Items)
	}
	if got := b.eval(`String(document.querySelectorAll('a[href$="/invalid-rows"]').length)`); got != "1" {
		t.Fatal("no download of the rows left out after the commit")
	}
}
