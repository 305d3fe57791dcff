package server_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
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

// TestBrowserJourney drives a real browser through the pages: sign in,
// search the directory with htmx, open an organisation, switch to English,
// sign out. The pages' CSP allows no inline script and no eval, so the test
// waits with DOM queries (which the DevTools protocol runs outside the page)
// and never with chromedp.Poll (which compiles its predicate with new
// Function inside the page); and it fails on any console error, CSP
// violation or uncaught exception.
func TestBrowserJourney(t *testing.T) {
	exe := chromium(t)
	app := testkit.NewApp(t, sqldb.SQLite)
	const email = "browser@silkeborg.example"
	testkit.NewPerson(t, app.DB, email, testkit.Silkeborg, samspil.RoleAdmin)
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
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
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

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
				mu.Lock()
				problems = append(problems, m.String()+" ("+m.URL+")")
				mu.Unlock()
			}
		}
	}()

	// Report the console at the end, also when a step has failed.
	defer func() {
		cancelBrowser()
		<-consoleDone
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser console: %s", p)
		}
	}()

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

	// Sign in.
	navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
	step("fill in the login form", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testkit.Password),
	))
	navigated("sign in", "/organizations", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	if got := text(`header form[action="/logout"] button`); got != "Log ud" {
		t.Fatalf("signed in, but the header offers %q", got)
	}

	// Search the directory; htmx updates the results in place.
	navigated("open the directory", "/organizations", chromedp.Click(chromedp.CSS(`header.site nav a[href="/organizations"]`)))
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
	if got := text(`header.site nav a[href="/organizations"]`); got != "Organisations" {
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
