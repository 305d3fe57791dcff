package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/devidp"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// Single sign-on through a real browser, against the development identity
// provider (internal/devidp) started in the test: its picker page, the
// redirects both ways, RP-initiated logout.

// ssoBrowserConfig lets the server reach the provider on 127.0.0.1.
var ssoBrowserConfig = server.Config{Version: "test", SecureCookies: true, SSOAllowPrivate: true}

// The provider's fictional users: an administrator by the groups claim,
// and a second user to pick from.
var ssoBrowserUsers = []devidp.User{
	{Subject: "browser-mette-1", Email: "mette.browser@silkeborg.example", Name: "Mette Browser", Groups: []string{"samspil-admins"}},
	{Subject: "browser-jonas-2", Email: "jonas.browser@silkeborg.example", Name: "Jonas Browser", Groups: []string{"samspil-editors"}},
}

// browserIdP is a devidp provider started for a browser test and
// configured for Silkeborg.
type browserIdP struct {
	idp      *devidp.Provider
	provider *samspil.IdentityProvider
	logouts  atomic.Int32 // requests to the provider's end_session endpoint
}

// startBrowserIdP starts a devidp provider with ssoBrowserUsers (autoLogin,
// when not empty, signs that subject in without the picker page) and
// configures it for Silkeborg as "Silkeborg Entra ID": the groups claim,
// samspil-admins administrators and samspil-editors editors. With no
// redirect URIs the provider accepts any callback and any address after
// logout.
func startBrowserIdP(t *testing.T, app *testkit.App, autoLogin string) *browserIdP {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	idp, err := devidp.New(devidp.Config{Issuer: "http://" + hs.Listener.Addr().String(), ClientID: "samspil-browser", ClientSecret: "hemmelig-browser-klient",
		Users: ssoBrowserUsers, AutoLogin: autoLogin})
	if err != nil {
		t.Fatal(err)
	}
	b := &browserIdP{idp: idp}
	h := idp.Handler()
	hs.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/logout" {
			b.logouts.Add(1)
		}
		h.ServeHTTP(w, r)
	})
	hs.Start()
	t.Cleanup(hs.Close)
	b.provider, err = app.DB.CreateIdentityProvider(context.Background(), testkit.System, testkit.Silkeborg, samspil.IdentityProviderInput{
		Protocol: samspil.SSOOIDC, Name: "Silkeborg Entra ID", Enabled: ptr(true), EmailDomains: []string{"silkeborg.example"},
		OIDC: &samspil.OIDCConfig{Issuer: idp.Issuer(), ClientID: "samspil-browser", ClientSecret: "hemmelig-browser-klient",
			Scopes: []string{"email", "profile"}},
		RoleClaim: "groups",
		RoleMap:   []samspil.RoleRule{{Value: "samspil-admins", Role: samspil.RoleAdmin}, {Value: "samspil-editors", Role: samspil.RoleEditor}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBrowserSSOSignIn signs in through the organisation's identity
// provider in Chromium: the button on the login page, the provider's
// picker page, back signed in as an administrator (the provider's groups);
// then, as that administrator, tries the provider from the organisation's
// sign-in page and reads the result; and logs out, which ends the
// provider's session and comes back to the login page. The console must
// stay clean throughout: a Content-Security-Policy that refuses a redirect
// to or from the provider fails the test.
func TestBrowserSSOSignIn(t *testing.T) {
	app := testkit.NewAppWith(t, sqldb.SQLite, ssoBrowserConfig)
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
	s := startBrowserIdP(t, app, "")
	p, mette := s.provider, ssoBrowserUsers[0]
	appOrigin, idpOrigin := origin(t, app.URL), origin(t, s.idp.Issuer())

	b := openBrowser(t)
	bctx, step, text, eval, navigated := b.ctx, b.step, b.text, b.eval, b.navigated
	_, err := chromedp.Run(bctx, chromedp.EmulateViewport(1280, 900))
	step("a desktop window", err)
	// at says where the browser is: the origin and path of the page.
	at := func() string { return eval(`location.origin + location.pathname`) }
	// onward presses a control whose form samspil answers with the page
	// that sends the browser on to the provider (at path via), and waits
	// until the browser has gone on to path.
	onward := func(name, via, path string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		navigated(name, via, actions...)
		step(name+": go on from "+via, followRefresh(bctx, path))
	}
	// pick chooses a fictional user on the provider's picker page, which
	// must be showing.
	pick := func(name string, u devidp.User, path string) {
		t.Helper()
		if got := at(); got != idpOrigin+"/authorize" {
			t.Fatalf("%s: the browser is at %s, want the provider's picker page %s/authorize", name, got, idpOrigin)
		}
		if got := text("main h1"); got != "Vælg en fiktiv bruger" {
			t.Fatalf("%s: the provider's page says %q", name, got)
		}
		if got := eval(`Array.from(document.querySelectorAll('main button[name="subject"] .name')).map(e => e.textContent.trim()).join("|")`); got != "Mette Browser|Jonas Browser" {
			t.Fatalf("%s: the picker offers %q", name, got)
		}
		navigated(name, path, chromedp.Click(chromedp.CSS(`main button[name="subject"][value="`+u.Subject+`"]`)))
		if got := eval(`location.origin`); got != appOrigin {
			t.Fatalf("%s: the provider sent the browser to %s, want samspil at %s", name, got, appOrigin)
		}
	}

	// The login page offers the provider.
	navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
	button := `main form[action="/login/sso/` + p.ID + `"] button[type="submit"]`
	if got := text(button); got != "Log ind med Silkeborg Entra ID" {
		t.Fatalf("the provider's button says %q", got)
	}
	if got := text("#sso-h"); got != "Log ind via din organisation" {
		t.Fatalf("the single sign-on section is headed %q", got)
	}

	// Sign in at the provider, as the administrator by its groups.
	onward("press Log ind med Silkeborg Entra ID", "/login/sso/"+p.ID, "/authorize", chromedp.Click(chromedp.CSS(button)))
	pick("pick Mette at the provider", mette, "/")
	if got := text("header .header-tools p.user"); got != mette.Name {
		t.Fatalf("signed in through the provider, but the header names %q", got)
	}
	if got := text(`header form[action="/logout"] button`); got != "Log ud" {
		t.Fatalf("signed in, but the header offers %q", got)
	}
	navigated("open the account page", "/account", chromedp.Navigate(app.URL+"/account"))
	if got := eval(`Array.from(document.querySelectorAll("main dl.facts dt")).map(dt => dt.textContent.trim() + "=" + dt.nextElementSibling.textContent.trim()).join("|")`); got != "Navn=Mette Browser|E-mailadresse="+mette.Email {
		t.Fatalf("account facts %q", got)
	}
	if got := eval(`Array.from(document.querySelectorAll("main ul li")).map(li => li.textContent.trim()).filter(s => s.startsWith("Silkeborg")).join("|")`); got != "Silkeborg Kommune: Administrator" {
		t.Fatalf("memberships on the account page %q, want Silkeborg Kommune: Administrator (from the groups claim)", got)
	}

	// As Silkeborg's administrator now, try the provider from the
	// organisation's sign-in page: the same picker, then the result.
	signInPage := "/organizations/" + silkeborg.ID + "/sign-in"
	navigated("open the sign-in page", signInPage, chromedp.Navigate(app.URL+signInPage))
	if got := text("#p-" + p.ID + "-h"); !strings.HasPrefix(got, "Silkeborg Entra ID") {
		t.Fatalf("the provider's card is headed %q", got)
	}
	try := `main form[action="` + signInPage + `/` + p.ID + `/test"] button[type="submit"]`
	// The button names the provider to screen readers only.
	if got := eval(`document.querySelector(` + jsString(try) + `).textContent.replace(/\s+/g, " ").trim()`); got != "Prøv log-ind Silkeborg Entra ID" {
		t.Fatalf("the try button says %q", got)
	}
	onward("press Prøv log-ind", signInPage+"/"+p.ID+"/test", "/authorize", chromedp.Click(chromedp.CSS(try)))
	pick("pick Mette to try", mette, "/login/sso/callback")
	if got := text("main h1"); got != "Prøvet log-ind via Silkeborg Entra ID" {
		t.Fatalf("the try result is headed %q", got)
	}
	facts := eval(`Array.from(document.querySelectorAll("main dl.facts dt")).map(dt => dt.textContent.trim() + "=" + dt.nextElementSibling.textContent.trim()).join("|")`)
	for _, want := range []string{
		"Subject (uforanderligt id)=" + mette.Subject,
		"E-mailadresse=" + mette.Email,
		"Navn=" + mette.Name,
		"Værdier i groups=samspil-admins",
		"Regler, der matcher=samspil-admins → Administrator",
		"Rolle i samspil=Administrator",
	} {
		if !strings.Contains("|"+facts+"|", "|"+want+"|") {
			t.Errorf("the try result lacks %q: %s", want, facts)
		}
	}
	if got := text("main dl.facts dd strong"); got != "Administrator" {
		t.Errorf("resulting role %q, want Administrator", got)
	}
	if got := eval(`Array.from(document.querySelectorAll("main table tbody tr")).map(tr => tr.cells[0].textContent.trim()).join(" ")`); !strings.Contains(" "+got+" ", " sub ") || !strings.Contains(" "+got+" ", " groups ") {
		t.Errorf("the claims table shows %q, want sub and groups among them", got)
	}
	if got := text("header .header-tools p.user"); got != mette.Name {
		t.Fatalf("after trying, the header names %q: trying must leave the session as it was", got)
	}

	// Logout ends samspil's session and the provider's: samspil sends the
	// browser to the provider's end_session endpoint, which (having no
	// registered redirect URIs, it accepts any) sends it back to samspil's
	// login page.
	onward("log out", "/logout", "/login", chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)))
	if got := at(); got != appOrigin+"/login" {
		t.Fatalf("after logout the browser is at %s, want samspil's login page", got)
	}
	if n := s.logouts.Load(); n != 1 {
		t.Errorf("the browser called the provider's end_session endpoint %d times on logout, want once", n)
	}
	if got := eval(`location.search`); got != "?done=logged_out" {
		t.Errorf("after logout the login page has the query %q", got)
	}
	if got := text("main .notice"); got != "Du er logget ud." {
		t.Fatalf("notice %q after logout", got)
	}
	if got := eval(`String(document.querySelector('form[action="/logout"]') === null)`); got != "true" {
		t.Fatal("still signed in after logging out")
	}
	navigated("the account page needs a session again", "/login", chromedp.Navigate(app.URL+"/account"))
}

// TestBrowserSSOPagesAccessible checks the pages of single sign-on with
// axe-core (WCAG 2.1 A and AA) and at 320 px: the login page offering a
// provider, the organisation's sign-in page with a provider configured (its
// edit form open) as its administrator, and the result of trying the
// provider.
func TestBrowserSSOPagesAccessible(t *testing.T) {
	axe := axeSource(t)
	app := testkit.NewAppWith(t, sqldb.SQLite, ssoBrowserConfig)
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
	admin := testkit.NewPerson(t, app.DB, "a11y-sso@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
	// The provider signs Mette in at once: the test checks samspil's
	// pages, not the provider's.
	p := startBrowserIdP(t, app, ssoBrowserUsers[0].Subject).provider

	b := openBrowser(t)
	// check makes sure the browser shows the page meant (each selector
	// matches), opens its collapsed blocks and checks it.
	check := func(who, path string, shows ...string) {
		t.Helper()
		for _, sel := range shows {
			if b.eval(`String(document.querySelectorAll(`+jsString(sel)+`).length)`) == "0" {
				t.Fatalf("%s on %s: the page shows no %s, so it is not the page meant to be checked", who, path, sel)
			}
		}
		b.eval(`String(Array.from(document.querySelectorAll("details")).map(d => d.open = true).length)`)
		checkAccessible(t, b, axe, who+" on "+path)
	}
	// visit opens the page at path and checks it.
	visit := func(who, path string, shows ...string) {
		t.Helper()
		b.navigated(who+" opens "+path, path, chromedp.Navigate(app.URL+path))
		check(who, path, shows...)
	}

	visit("anonymous", "/login", `form[action="/login/sso/`+p.ID+`"] button`, `form[action="/login/sso"] #f-sso-email`, "#f-password")

	b.step("fill in the login form", chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), admin.User.Email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testkit.Password),
	))
	b.navigated("sign in", "/", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	signIn := "/organizations/" + silkeborg.ID + "/sign-in"
	visit("Silkeborg's administrator", signIn, "#p-"+p.ID+"-h", `form[action$="/`+p.ID+`/test"]`, `#p-`+p.ID+`-role_map`, `form[action="`+signIn+`"] #np-issuer`)

	// Try the provider: it answers at once, and the result shows.
	b.navigated("try the provider", signIn+"/"+p.ID+"/test",
		chromedp.Click(chromedp.CSS(`main form[action="`+signIn+`/`+p.ID+`/test"] button[type="submit"]`)))
	b.step("go on to the provider and back", followRefresh(b.ctx, "/login/sso/callback"))
	check("Silkeborg's administrator", "the try result", "main dl.facts dd strong", "main table tbody tr")
}

// followRefresh waits until the page that sends the browser on (a meta
// refresh, see web.leaveFor) has brought it to a loaded page at path.
func followRefresh(ctx context.Context, path string) error {
	// The page is replaced while the browser goes on, which ends any
	// script running in it: ask again until the new page answers.
	deadline := time.Now().Add(10 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
		if err == nil && at == path {
			return nil
		}
		if err == nil {
			last = at
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the browser did not reach %s (last at %q)", path, last)
}

// origin returns the scheme and host of an absolute address.
func origin(t *testing.T, address string) string {
	t.Helper()
	u, err := url.Parse(address)
	if err != nil || u.Host == "" {
		t.Fatalf("not an absolute address: %q (%v)", address, err)
	}
	return u.Scheme + "://" + u.Host
}
