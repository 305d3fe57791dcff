package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/testkit"
	"github.com/samspil/samspil/internal/web"
)

// Fixture people used throughout.
const (
	adminEmail  = "admin@silkeborg.example"
	viewerEmail = "viewer@silkeborg.example"
	viborgEmail = "someone@viborg.example"
)

// A strong password that is not the fixture password.
const newPassword = "lilla kaffekande over horisonten"

// ---------------------------------------------------------------- helpers

// browser is a client with its own cookie jar that sends the Sec-Fetch-Site
// header of a same-origin browser request and does not follow redirects.
// (testkit.App.Browser cannot be used for more than one browser per app:
// it sets the jar on httptest.Server.Client(), which is one shared client,
// so all its browsers share the jar made last.)
type browser struct {
	t    *testing.T
	app  *testkit.App
	http *http.Client
}

func newBrowser(t *testing.T, app *testkit.App) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, app: app, http: &http.Client{
		Transport:     app.HTTP.Client().Transport,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Do sends a request; body is nil or a form. Headers come in pairs and
// replace the defaults.
func (b *browser) Do(method, path string, form url.Values, headers ...string) *testkit.Response {
	b.t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.app.URL+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &testkit.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// Login posts the login form.
func (b *browser) Login(email, password string) *testkit.Response {
	b.t.Helper()
	return b.Do("POST", "/login", url.Values{"email": {email}, "password": {password}})
}

func body(r *testkit.Response) string { return string(r.Body) }

func mustContain(t *testing.T, r *testkit.Response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body(r), w) {
			t.Fatalf("response %d lacks %q:\n%s", r.Status, w, r.Body)
		}
	}
}

func mustNotContain(t *testing.T, r *testkit.Response, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body(r), w) {
			t.Fatalf("response %d contains %q:\n%s", r.Status, w, r.Body)
		}
	}
}

// location returns the parsed Location header of a redirect.
func location(t *testing.T, r *testkit.Response) *url.URL {
	t.Helper()
	l := r.Header.Get("Location")
	if l == "" {
		t.Fatalf("no Location header (status %d): %s", r.Status, r.Body)
	}
	u, err := url.Parse(l)
	if err != nil {
		t.Fatalf("Location %q: %v", l, err)
	}
	return u
}

// wantRedirect fails unless r is a 303 to path (query and fragment ignored).
func wantRedirect(t *testing.T, r *testkit.Response, path string) *url.URL {
	t.Helper()
	r.Want(t, http.StatusSeeOther)
	u := location(t, r)
	if u.Host != "" || u.Path != path {
		t.Fatalf("redirect to %q, want path %q", r.Header.Get("Location"), path)
	}
	return u
}

// sessionCookie returns the last samspil_session cookie that a response
// sets, or nil.
func sessionCookie(t *testing.T, r *testkit.Response) *http.Cookie {
	t.Helper()
	var found *http.Cookie
	for _, line := range r.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", line, err)
		}
		if c.Name == httpx.SessionCookie {
			found = c
		}
	}
	return found
}

// signIn returns a browser signed in as email, with the session secret.
func signIn(t *testing.T, app *testkit.App, email string) (*browser, string) {
	t.Helper()
	b := newBrowser(t, app)
	res := b.Login(email, testkit.Password)
	wantRedirect(t, res, "/")
	c := sessionCookie(t, res)
	if c == nil || c.Value == "" {
		t.Fatalf("login set no session cookie: %v", res.Header.Values("Set-Cookie"))
	}
	return b, c.Value
}

// withSession sends a request with nothing but the given session secret.
func withSession(t *testing.T, app *testkit.App, secret, method, path string) *testkit.Response {
	t.Helper()
	return newBrowser(t, app).Do(method, path, nil, "Cookie", httpx.SessionCookie+"="+secret)
}

// hiddenVersion returns the hidden version field of the form that posts to
// action.
func hiddenVersion(t *testing.T, page *testkit.Response, action string) string {
	t.Helper()
	re := regexp.MustCompile(`(?s)<form[^>]*action="` + regexp.QuoteMeta(action) + `".*?name="version" value="(\d+)"`)
	m := re.FindStringSubmatch(body(page))
	if m == nil {
		t.Fatalf("no form with a version posting to %s:\n%s", action, page.Body)
	}
	return m[1]
}

// hasForm tells whether the page has a form posting to action.
func hasForm(page *testkit.Response, action string) bool {
	return strings.Contains(body(page), `action="`+action+`"`)
}

func membershipOf(t *testing.T, app *testkit.App, userID, orgID string) *samspil.Membership {
	t.Helper()
	page, err := app.DB.ListMemberships(context.Background(), testkit.System, samspil.MembershipFilter{UserID: userID, OrganizationID: orgID})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 {
		t.Fatalf("user %s has %d memberships in %s", userID, len(page.Items), orgID)
	}
	return &page.Items[0]
}

func usersNamed(t *testing.T, app *testkit.App, email string) []samspil.User {
	t.Helper()
	page, err := app.DB.ListUsers(context.Background(), testkit.System, samspil.UserFilter{Query: email})
	if err != nil {
		t.Fatal(err)
	}
	var out []samspil.User
	for _, u := range page.Items {
		if strings.EqualFold(u.Email, email) {
			out = append(out, u)
		}
	}
	return out
}

func units(t *testing.T, app *testkit.App, orgID string) map[string]samspil.OrgUnit {
	t.Helper()
	page, err := app.DB.ListUnits(context.Background(), testkit.System, orgID, samspil.ListOptions{Limit: samspil.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]samspil.OrgUnit{}
	for _, u := range page.Items {
		out[u.Name] = u
	}
	return out
}

// ---------------------------------------------------------------- sign-in

func TestLoginSetsSecureSessionCookie(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		b := newBrowser(t, app)

		// A session id planted before login is not kept.
		res := b.Do("POST", "/login", url.Values{"email": {adminEmail}, "password": {testkit.Password}},
			"Cookie", httpx.SessionCookie+"=planted-by-an-attacker")
		wantRedirect(t, res, "/")
		first := sessionCookie(t, res)
		switch {
		case first == nil || first.Value == "" || first.Value == "planted-by-an-attacker":
			t.Fatalf("session cookie %v", first)
		case !first.HttpOnly:
			t.Error("session cookie is not HttpOnly")
		case !first.Secure:
			t.Error("session cookie is not Secure")
		case first.SameSite != http.SameSiteLaxMode:
			t.Errorf("session cookie SameSite %v, want Lax", first.SameSite)
		case first.Path != "/":
			t.Errorf("session cookie path %q", first.Path)
		}
		b.Do("GET", "/account", nil).Want(t, http.StatusOK)

		// Every login gets a new secret.
		second := sessionCookie(t, wantResponse(t, b.Login(adminEmail, testkit.Password), http.StatusSeeOther))
		if second == nil || second.Value == "" || second.Value == first.Value {
			t.Fatalf("second login: secret %v, first %q", second, first.Value)
		}
		withSession(t, app, second.Value, "GET", "/account").Want(t, http.StatusOK)

		// Login honours a local return_to.
		res = b.Do("POST", "/login", url.Values{"email": {adminEmail}, "password": {testkit.Password}, "return_to": {"/account"}})
		wantRedirect(t, res, "/account")
	})
}

func wantResponse(t *testing.T, r *testkit.Response, status int) *testkit.Response {
	t.Helper()
	return r.Want(t, status)
}

func TestLoginFailure(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		for _, c := range []struct{ email, password string }{
			{adminEmail, "forkert adgangskode til kontoen"},
			{"nobody@silkeborg.example", testkit.Password},
		} {
			b := newBrowser(t, app)
			res := b.Login(c.email, c.password).Want(t, http.StatusUnauthorized)
			mustContain(t, res, "Forkert e-mailadresse eller adgangskode.", `<html lang="da">`, `value="`+c.email+`"`)
			mustNotContain(t, res, c.password)
			if ck := sessionCookie(t, res); ck != nil && ck.Value != "" {
				t.Fatalf("failed login set a session cookie: %v", ck)
			}
			wantRedirect(t, b.Do("GET", "/account", nil), "/login")
		}
	})
}

// Failures from one address on many accounts pause sign-in from it: the
// page says so in Danish, answers 429 with Retry-After, and tells nothing
// about the account.
func TestLoginPausedForAddress(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		p := app.DB.Policy()
		for i := range p.SourceLockAfter {
			newBrowser(t, app).Login(fmt.Sprintf("gaet%d@silkeborg.example", i), "forkert adgangskode til kontoen").Want(t, http.StatusUnauthorized)
		}
		var pages []string
		for _, email := range []string{adminEmail, "nobody@silkeborg.example"} {
			res := newBrowser(t, app).Login(email, testkit.Password).Want(t, http.StatusTooManyRequests)
			mustContain(t, res, "For mange forkerte forsøg. Log ind er sat på pause et stykke tid; prøv igen senere.", `value="`+email+`"`)
			if got, want := res.Header.Get("Retry-After"), strconv.Itoa(int(p.SourceLockFor.Seconds())); got != want {
				t.Errorf("Retry-After %q, want %q", got, want)
			}
			if ck := sessionCookie(t, res); ck != nil && ck.Value != "" {
				t.Fatalf("paused login set a session cookie: %v", ck)
			}
			pages = append(pages, strings.ReplaceAll(body(res), email, ""))
		}
		if pages[0] != pages[1] {
			t.Error("the paused page differs for an account and for no account")
		}
	})
}

func TestLoginPageWhenSignedIn(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		mustContain(t, newBrowser(t, app).Do("GET", "/login", nil).Want(t, http.StatusOK), `action="/login"`, `name="password"`)
		b, _ := signIn(t, app, adminEmail)
		wantRedirect(t, b.Do("GET", "/login", nil), "/")
		wantRedirect(t, b.Do("GET", "/login?return_to=%2Faccount", nil), "/account")
	})
}

func TestSignInRequired(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		anon := newBrowser(t, app)
		for _, path := range []string{
			"/account",
			"/organizations/" + testkit.Silkeborg + "/people",
			"/organizations/" + org.ID + "/audit?cursor=x",
		} {
			u := wantRedirect(t, anon.Do("GET", path, nil), "/login")
			if got := u.Query().Get("return_to"); got != path {
				t.Fatalf("GET %s: return_to %q", path, got)
			}
			// The login form carries return_to, and signing in goes back there.
			page := anon.Do("GET", u.String(), nil).Want(t, http.StatusOK)
			mustContain(t, page, `name="return_to" value="`+path+`"`)
			b := newBrowser(t, app)
			res := b.Do("POST", "/login", url.Values{"email": {adminEmail}, "password": {testkit.Password}, "return_to": {path}})
			res.Want(t, http.StatusSeeOther)
			if got := res.Header.Get("Location"); got != path {
				t.Fatalf("after login: Location %q, want %q", got, path)
			}
		}
		// A change without a session goes to the login page too, and changes nothing.
		wantRedirect(t, anon.Do("POST", "/organizations/"+org.ID+"/units", url.Values{"name": {"X"}, "kind": {"team"}}), "/login")
		if n := len(units(t, app, org.ID)); n != 0 {
			t.Fatalf("%d units after an anonymous post", n)
		}
	})
}

func TestReturnToMustBeLocal(t *testing.T) {
	hostile := []string{"https://evil.example", "//evil.example/x", `/\evil.example`, "evil.example", "javascript:alert(1)",
		"/\t/evil.example", "\t/evil.example", "/\r\n/evil.example", "/%09/evil.example", "/%2F/evil.example",
		"/\u202e/elpmaxe.live", "///evil.example", `/%5Cevil.example`}
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		// A NUL is refused at the edge, naming the parameter.
		res := newBrowser(t, app).Do("GET", "/login?return_to="+url.QueryEscape("/\x00/evil.example"), nil).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "return_to")
		for _, target := range hostile {
			// Not carried into the login form.
			page := newBrowser(t, app).Do("GET", "/login?return_to="+url.QueryEscape(target), nil).Want(t, http.StatusOK)
			mustContain(t, page, `name="return_to" value="/"`)
			// Not followed after login.
			b := newBrowser(t, app)
			res := b.Do("POST", "/login", url.Values{"email": {adminEmail}, "password": {testkit.Password}, "return_to": {target}})
			if got := res.Want(t, http.StatusSeeOther).Header.Get("Location"); got != "/" {
				t.Fatalf("login with return_to %q went to %q", target, got)
			}
			// Not followed when already signed in.
			if got := b.Do("GET", "/login?return_to="+url.QueryEscape(target), nil).Want(t, http.StatusSeeOther).Header.Get("Location"); got != "/" {
				t.Fatalf("signed-in login page with return_to %q went to %q", target, got)
			}
			// Not followed by the language switch.
			res = b.Do("POST", "/language", url.Values{"lang": {"da"}, "return_to": {target}})
			if got := res.Want(t, http.StatusSeeOther).Header.Get("Location"); got != "/organizations" {
				t.Fatalf("language switch with return_to %q went to %q", target, got)
			}
		}
	})
}

func TestLogout(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		b, secret := signIn(t, app, adminEmail)
		withSession(t, app, secret, "GET", "/account").Want(t, http.StatusOK)
		res := b.Do("POST", "/logout", url.Values{})
		u := wantRedirect(t, res, "/login")
		if c := sessionCookie(t, res); c == nil || c.Value != "" || c.MaxAge >= 0 {
			t.Fatalf("logout did not clear the cookie: %v", res.Header.Values("Set-Cookie"))
		}
		mustContain(t, b.Do("GET", u.String(), nil).Want(t, http.StatusOK), "Du er logget ud.")
		// The old secret is worthless now, also when sent by hand.
		wantRedirect(t, withSession(t, app, secret, "GET", "/account"), "/login")
		wantRedirect(t, b.Do("GET", "/account", nil), "/login")
		// Logging out without a session just goes to the login page.
		wantRedirect(t, newBrowser(t, app).Do("POST", "/logout", url.Values{}), "/login")
	})
}

// ---------------------------------------------------------------- directory

func TestDirectory(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		anon := newBrowser(t, app)
		res := anon.Do("GET", "/organizations?q=silkeborg", nil).Want(t, http.StatusOK)
		mustContain(t, res, "<html", "Silkeborg Kommune", `value="silkeborg"`)
		mustNotContain(t, res, "Viborg Kommune")

		res = anon.Do("GET", "/organizations?kind=region", nil).Want(t, http.StatusOK)
		mustContain(t, res, "5 organisationer vist", "Region Midtjylland", "Region Hovedstaden")
		if n := strings.Count(body(res), `<td><a href="/organizations/`); n != 5 {
			t.Fatalf("%d rows for kind=region, want 5", n)
		}
		mustNotContain(t, res, "Silkeborg Kommune")

		res = anon.Do("GET", "/organizations?kind=municipality&region=1082", nil).Want(t, http.StatusOK)
		mustContain(t, res, "Silkeborg Kommune", "Viborg Kommune", "Aarhus Kommune")
		mustNotContain(t, res, "Københavns Kommune", "Aalborg Kommune")
		res = anon.Do("GET", "/organizations?kind=municipality&region=1084", nil).Want(t, http.StatusOK)
		mustContain(t, res, "Københavns Kommune")
		mustNotContain(t, res, "Silkeborg Kommune")

		res = anon.Do("GET", "/organizations?q=zzzz-no-such-org", nil).Want(t, http.StatusOK)
		mustContain(t, res, "Ingen organisationer passer til søgningen.")

		// htmx gets only the results.
		res = anon.Do("GET", "/organizations?q=silkeborg", nil, "HX-Request", "true").Want(t, http.StatusOK)
		mustContain(t, res, `id="results"`, "Silkeborg Kommune")
		mustNotContain(t, res, "<html", "<head", "<header", "Viborg Kommune")
		if !strings.HasPrefix(strings.TrimSpace(body(res)), "<section id=\"results\"") {
			t.Fatalf("fragment does not start with the results section:\n%s", res.Body)
		}
		if v := res.Header.Get("Vary"); !strings.Contains(v, "HX-Request") {
			t.Fatalf("Vary %q lacks HX-Request", v)
		}
	})
}

// htmx restores history from the server on a cache miss with HX-Request and
// HX-History-Restore-Request; it swaps the answer into <body>, so the answer
// must be the whole page.
func TestDirectoryHistoryRestoreGetsWholePage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		res := newBrowser(t, app).Do("GET", "/organizations?q=silkeborg", nil, "HX-Request", "true", "HX-History-Restore-Request", "true").Want(t, http.StatusOK)
		mustContain(t, res, "<html", "<header", "Silkeborg Kommune")
	})
}

func TestOrganizationPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		anon := newBrowser(t, app)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		for _, id := range []string{testkit.Silkeborg, org.ID} {
			res := anon.Do("GET", "/organizations/"+id, nil).Want(t, http.StatusOK)
			mustContain(t, res, "<h1>Silkeborg Kommune</h1>", "<dd>0740</dd>", `href="/organizations?region=1082"`, "Region Midtjylland", "<dd>Kommune</dd>")
			// Anonymous readers get no people, audit or unit forms.
			mustNotContain(t, res, "/people\"", "/audit\"", `action="/organizations/`)
		}
		res := anon.Do("GET", "/organizations/9999", nil).Want(t, http.StatusNotFound)
		mustContain(t, res, "Det lykkedes ikke")
	})
}

// ---------------------------------------------------------------- people

func TestPeopleInviteAndAdd(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		admin := testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		other := testkit.NewPerson(t, app.DB, viborgEmail, testkit.Viborg, samspil.RoleViewer)
		stranger := testkit.NewPerson(t, app.DB, "ole@aarhus.example", testkit.Aarhus, samspil.RoleViewer)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		// Silkeborg's administrator administers Viborg too.
		if _, err := app.DB.CreateMembership(ctx, testkit.System, samspil.MembershipInput{UserID: admin.User.ID, OrganizationID: testkit.Viborg,
			Role: samspil.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		b, _ := signIn(t, app, adminEmail)
		peoplePath := "/organizations/" + testkit.Silkeborg + "/people"
		invitePath := "/organizations/" + testkit.Silkeborg + "/invitations"

		page := b.Do("GET", peoplePath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Personer og roller", adminEmail, `action="/organizations/`+org.ID+`/people"`, `action="/organizations/`+org.ID+`/invitations"`)

		// A person of another of the administrator's organisations is added
		// directly, by e-mail.
		res := b.Do("POST", peoplePath, url.Values{"email": {strings.ToUpper(viborgEmail)}, "role": {"editor"}})
		u := wantRedirect(t, res, peoplePath)
		if got := u.Query().Get("done"); got != "member_added" {
			t.Fatalf("done=%q", got)
		}
		mustContain(t, b.Do("GET", u.String(), nil).Want(t, http.StatusOK), "Personen er tilføjet.", viborgEmail)
		if m := membershipOf(t, app, other.User.ID, org.ID); m.Role != samspil.RoleEditor {
			t.Fatalf("role %s", m.Role)
		}
		// Adding them again is a conflict with a Danish message.
		res = b.Do("POST", peoplePath, url.Values{"email": {viborgEmail}, "role": {"viewer"}}).Want(t, http.StatusConflict)
		mustContain(t, res, "brugeren er allerede medlem af Silkeborg Kommune; skift rollen i stedet")
		// A person of an organisation the administrator does not administer
		// answers exactly like an address without an account.
		known := b.Do("POST", peoplePath, url.Values{"email": {stranger.User.Email}, "role": {"viewer"}}).Want(t, http.StatusUnprocessableEntity)
		unknown := b.Do("POST", peoplePath, url.Values{"email": {"ingen@aarhus.example"}, "role": {"viewer"}}).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, known, "er ikke en person i en organisation, du er administrator af; invitér personen på e-mail i stedet")
		fieldError(t, unknown, "er ikke en person i en organisation, du er administrator af; invitér personen på e-mail i stedet")

		// Inviting by e-mail shows the link once, the same way whether or not
		// the address has an account.
		linkOf := func(res *testkit.Response) string {
			t.Helper()
			m := regexp.MustCompile(`id="new-link" class="form-input secret" readonly value="([^"]+)"`).FindStringSubmatch(body(res))
			if m == nil {
				t.Fatalf("no invitation link on the page:\n%s", res.Body)
			}
			return m[1]
		}
		res = b.Do("POST", invitePath, url.Values{"email": {"ny@silkeborg.example"}, "role": {"viewer"}}).Want(t, http.StatusCreated)
		mustContain(t, res, "Giv ny@silkeborg.example dette link.")
		newLink := linkOf(res)
		res = b.Do("POST", invitePath, url.Values{"email": {stranger.User.Email}, "role": {"editor"}}).Want(t, http.StatusCreated)
		mustContain(t, res, "Giv ole@aarhus.example dette link.")
		strangerLink := linkOf(res)
		page = b.Do("GET", peoplePath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Åbne invitationer", "ny@silkeborg.example", "ole@aarhus.example")
		mustNotContain(t, page, newLink)
		// Inviting the same address twice is a conflict at the field.
		res = b.Do("POST", invitePath, url.Values{"email": {"NY@silkeborg.example"}, "role": {"viewer"}}).Want(t, http.StatusConflict)
		fieldError(t, res, "adressen er allerede inviteret til Silkeborg Kommune; træk den invitation tilbage for at sende en ny")

		// The new person makes an account through the link; a weak password
		// is refused at its field and not echoed.
		path := strings.TrimPrefix(newLink, app.URL)
		anon := newBrowser(t, app)
		page = anon.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Invitation til Silkeborg Kommune", "Test admin inviterer dig til Silkeborg Kommune med rollen Læser.", `value="ny@silkeborg.example"`)
		res = anon.Do("POST", path, url.Values{"display_name": {"Ny Medarbejder"}, "password": {"kort"}}).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-password"`, "skal være mindst 15 tegn", `value="Ny Medarbejder"`)
		mustNotContain(t, res, `value="kort"`)
		if n := len(usersNamed(t, app, "ny@silkeborg.example")); n != 0 {
			t.Fatalf("weak password: %d users created", n)
		}
		u = wantRedirect(t, anon.Do("POST", path, url.Values{"display_name": {"Ny Medarbejder"}, "password": {newPassword}}), "/login")
		if u.Query().Get("done") != "account_created" {
			t.Fatalf("joined: %v", u)
		}
		created := usersNamed(t, app, "ny@silkeborg.example")
		if len(created) != 1 {
			t.Fatalf("%d users created", len(created))
		}
		if m := membershipOf(t, app, created[0].ID, org.ID); m.Role != samspil.RoleViewer {
			t.Fatalf("role %s", m.Role)
		}
		wantRedirect(t, newBrowser(t, app).Login("ny@silkeborg.example", newPassword), "/")
		// The link works once.
		anon.Do("GET", path, nil).Want(t, http.StatusNotFound)

		// A person with an account accepts after signing in: on the link's
		// page or on their account page.
		sp := strings.TrimPrefix(strangerLink, app.URL)
		ole, _ := signIn(t, app, stranger.User.Email)
		page = ole.Do("GET", sp, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Bliv medlem")
		page = ole.Do("GET", "/account", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Silkeborg Kommune inviterer dig med rollen Redaktør.")
		invs, err := app.DB.MyPersonInvitations(ctx, testkit.Actor(t, app.DB, stranger.User.ID))
		if err != nil || len(invs) != 1 {
			t.Fatalf("invitations %v %v", err, invs)
		}
		// Someone else cannot accept it for them.
		b.Do("POST", "/account/invitations/"+invs[0].ID+"/accept", url.Values{}).Want(t, http.StatusNotFound)
		u = wantRedirect(t, ole.Do("POST", "/account/invitations/"+invs[0].ID+"/accept", url.Values{}), "/account")
		if u.Query().Get("done") != "joined" {
			t.Fatalf("joined: %v", u)
		}
		if m := membershipOf(t, app, stranger.User.ID, org.ID); m.Role != samspil.RoleEditor {
			t.Fatalf("role %s", m.Role)
		}
		// The administrator cannot set the password of an account Aarhus made.
		if err := app.DB.SetPassword(ctx, testkit.Actor(t, app.DB, admin.User.ID), stranger.User.ID, "", newPassword); samspil.ErrorCode(err) != samspil.EFORBIDDEN {
			t.Fatalf("setting the password of another organisation's account: %v", err)
		}
	})
}

func TestPeopleChangeRoleAndRemove(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		admin := testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		viewer := testkit.NewPerson(t, app.DB, viewerEmail, testkit.Silkeborg, samspil.RoleViewer)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		b, _ := signIn(t, app, adminEmail)
		peoplePath := "/organizations/" + org.ID + "/people"
		vm := membershipOf(t, app, viewer.User.ID, org.ID)
		am := membershipOf(t, app, admin.User.ID, org.ID)
		roleAction := peoplePath + "/" + vm.ID + "/role"

		// Change the role with the version the page carries.
		page := b.Do("GET", peoplePath, nil).Want(t, http.StatusOK)
		version := hiddenVersion(t, page, roleAction)
		if version != strconv.Itoa(vm.Version) {
			t.Fatalf("page version %s, stored %d", version, vm.Version)
		}
		res := b.Do("POST", roleAction, url.Values{"role": {"editor"}, "version": {version}})
		u := wantRedirect(t, res, peoplePath)
		mustContain(t, b.Do("GET", u.String(), nil).Want(t, http.StatusOK), "Rollen er ændret.")
		if m := membershipOf(t, app, viewer.User.ID, org.ID); m.Role != samspil.RoleEditor || m.Version != vm.Version+1 {
			t.Fatalf("after change: %+v", m)
		}

		// The old version is stale now: refused with a Danish message, nothing changes.
		res = b.Do("POST", roleAction, url.Values{"role": {"admin"}, "version": {version}}).Want(t, http.StatusPreconditionFailed)
		mustContain(t, res, "har ændret det i mellemtiden", `role="alert"`)
		if m := membershipOf(t, app, viewer.User.ID, org.ID); m.Role != samspil.RoleEditor {
			t.Fatalf("stale change applied: %s", m.Role)
		}

		// The last administrator can be neither demoted nor removed: the page
		// offers neither, and a forged post is refused.
		page = b.Do("GET", peoplePath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Den sidste administrator; giv en anden rollen først")
		if hasForm(page, peoplePath+"/"+am.ID+"/remove") || hasForm(page, peoplePath+"/"+am.ID+"/role") || hasForm(page, peoplePath+"/"+am.ID+"/account") {
			t.Fatal("the last administrator's row offers to remove, demote or disable them")
		}
		adminVersion := strconv.Itoa(am.Version)
		res = b.Do("POST", peoplePath+"/"+am.ID+"/remove", url.Values{"version": {adminVersion}}).Want(t, http.StatusConflict)
		mustContain(t, res, "er den sidste administrator af Silkeborg Kommune; gør en anden til administrator først")
		res = b.Do("POST", peoplePath+"/"+am.ID+"/role", url.Values{"role": {"viewer"}, "version": {adminVersion}}).Want(t, http.StatusConflict)
		mustContain(t, res, "er den sidste administrator af Silkeborg Kommune")
		if m := membershipOf(t, app, admin.User.ID, org.ID); m.Role != samspil.RoleAdmin {
			t.Fatalf("last admin demoted: %s", m.Role)
		}

		// An invalid role is refused.
		page = b.Do("GET", peoplePath, nil).Want(t, http.StatusOK)
		res = b.Do("POST", roleAction, url.Values{"role": {"owner"}, "version": {hiddenVersion(t, page, roleAction)}}).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "skal være en af admin, editor, viewer")

		// Removing the other member works.
		removeAction := peoplePath + "/" + vm.ID + "/remove"
		res = b.Do("POST", removeAction, url.Values{"version": {hiddenVersion(t, page, removeAction)}})
		if got := wantRedirect(t, res, peoplePath).Query().Get("done"); got != "member_removed" {
			t.Fatalf("done=%q", got)
		}
		ms, err := app.DB.ListMemberships(context.Background(), testkit.System, samspil.MembershipFilter{UserID: viewer.User.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms.Items) != 0 {
			t.Fatalf("membership not removed: %+v", ms.Items)
		}
	})
}

func TestPeopleViewerCannotChange(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		admin := testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, viewerEmail, testkit.Silkeborg, samspil.RoleViewer)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		am := membershipOf(t, app, admin.User.ID, org.ID)
		v, _ := signIn(t, app, viewerEmail)
		peoplePath := "/organizations/" + org.ID + "/people"

		// The viewer reads the people page, without forms for changes.
		page := v.Do("GET", peoplePath, nil).Want(t, http.StatusOK)
		mustContain(t, page, adminEmail)
		for _, action := range []string{peoplePath, peoplePath + "/" + am.ID + "/role", peoplePath + "/" + am.ID + "/remove"} {
			if hasForm(page, action) {
				t.Fatalf("viewer sees a form posting to %s", action)
			}
		}

		refused := func(res *testkit.Response) {
			t.Helper()
			if res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
				t.Fatalf("viewer's change: status %d: %s", res.Status, res.Body)
			}
		}
		version := strconv.Itoa(am.Version)
		refused(v.Do("POST", peoplePath+"/"+am.ID+"/role", url.Values{"role": {"viewer"}, "version": {version}}))
		refused(v.Do("POST", peoplePath+"/"+am.ID+"/remove", url.Values{"version": {version}}))
		refused(v.Do("POST", peoplePath+"/"+am.ID+"/account", url.Values{"disabled": {"true"}, "version": {strconv.Itoa(admin.User.Version)}}))
		refused(v.Do("POST", peoplePath, url.Values{"email": {"ny@silkeborg.example"}, "display_name": {"Ny"}, "role": {"admin"}}))
		refused(v.Do("POST", "/organizations/"+org.ID+"/units", url.Values{"name": {"Skjult"}, "kind": {"team"}}))

		if m := membershipOf(t, app, admin.User.ID, org.ID); m.Role != samspil.RoleAdmin || m.Version != am.Version {
			t.Fatalf("admin membership changed: %+v", m)
		}
		if u, err := app.DB.FindUser(context.Background(), testkit.System, admin.User.ID); err != nil || u.Disabled {
			t.Fatalf("admin account: %+v %v", u, err)
		}
		if n := len(usersNamed(t, app, "ny@silkeborg.example")); n != 0 {
			t.Fatal("viewer created a user")
		}
		if n := len(units(t, app, org.ID)); n != 0 {
			t.Fatal("viewer created a unit")
		}

		// Someone from another municipality sees neither people nor audit.
		testkit.NewPerson(t, app.DB, viborgEmail, testkit.Viborg, samspil.RoleAdmin)
		o, _ := signIn(t, app, viborgEmail)
		o.Do("GET", peoplePath, nil).Want(t, http.StatusNotFound)
		o.Do("GET", "/organizations/"+org.ID+"/audit", nil).Want(t, http.StatusNotFound)
		refused(o.Do("POST", peoplePath+"/"+am.ID+"/role", url.Values{"role": {"viewer"}, "version": {version}}))
	})
}

// ---------------------------------------------------------------- units

func TestUnits(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		b, _ := signIn(t, app, adminEmail)
		orgPath := "/organizations/" + org.ID
		add := func(name, kind, parent string) {
			t.Helper()
			res := b.Do("POST", orgPath+"/units", url.Values{"name": {name}, "kind": {kind}, "parent_id": {parent}})
			u := wantRedirect(t, res, orgPath)
			if got := u.Query().Get("done"); got != "unit_created" {
				t.Fatalf("create %s: redirect %q has done=%q", name, res.Header.Get("Location"), got)
			}
			if u.Fragment != "units" {
				t.Fatalf("create %s: redirect %q lacks #units", name, res.Header.Get("Location"))
			}
			mustContain(t, b.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK), "Enheden er tilføjet.", name)
		}
		add("Økonomi", "department", "")
		parent := units(t, app, org.ID)["Økonomi"]
		add("Løn", "office", parent.ID)
		child := units(t, app, org.ID)["Løn"]
		if child.ParentID != parent.ID {
			t.Fatalf("child's parent %q", child.ParentID)
		}

		// Invalid input is shown at the field, with the input kept.
		res := b.Do("POST", orgPath+"/units", url.Values{"name": {""}, "kind": {"team"}}).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-name"`, "skal udfyldes")

		// Rename with the page's version.
		action := orgPath + "/units/" + parent.ID
		page := b.Do("GET", action, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Løn") // the unit below it
		res = b.Do("POST", action, url.Values{"name": {"Økonomi og Løn"}, "kind": {"department"}, "parent_id": {""},
			"version": {hiddenVersion(t, page, action)}})
		if got := wantRedirect(t, res, orgPath).Query().Get("done"); got != "unit_updated" {
			t.Fatalf("rename: redirect %q", res.Header.Get("Location"))
		}
		if got := units(t, app, org.ID)["Økonomi og Løn"]; got.ID != parent.ID {
			t.Fatalf("rename not stored: %+v", units(t, app, org.ID))
		}

		// Moving a unit under its own child is refused, and the message says why.
		page = b.Do("GET", action, nil).Want(t, http.StatusOK)
		res = b.Do("POST", action, url.Values{"name": {"Økonomi og Løn"}, "kind": {"department"}, "parent_id": {child.ID},
			"version": {hiddenVersion(t, page, action)}}).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "en enhed kan ikke flyttes ind under sig selv eller sine egne underenheder")
		if got := units(t, app, org.ID)["Økonomi og Løn"]; got.ParentID != "" {
			t.Fatalf("cycle stored: parent %q", got.ParentID)
		}

		// A stale version is refused.
		res = b.Do("POST", action, url.Values{"name": {"Gammel"}, "kind": {"department"}, "version": {"1"}}).Want(t, http.StatusPreconditionFailed)
		mustContain(t, res, "har ændret det i mellemtiden")

		// Move the child to the top level.
		childAction := orgPath + "/units/" + child.ID
		page = b.Do("GET", childAction, nil).Want(t, http.StatusOK)
		res = b.Do("POST", childAction, url.Values{"name": {"Løn"}, "kind": {"office"}, "parent_id": {""},
			"version": {hiddenVersion(t, page, childAction)}})
		wantRedirect(t, res, orgPath)
		if got := units(t, app, org.ID)["Løn"]; got.ParentID != "" {
			t.Fatalf("move not stored: parent %q", got.ParentID)
		}
		// ... and back under the parent, then deleting the parent is refused.
		page = b.Do("GET", childAction, nil).Want(t, http.StatusOK)
		res = b.Do("POST", childAction, url.Values{"name": {"Løn"}, "kind": {"office"}, "parent_id": {parent.ID},
			"version": {hiddenVersion(t, page, childAction)}})
		wantRedirect(t, res, orgPath)
		page = b.Do("GET", action, nil).Want(t, http.StatusOK)
		res = b.Do("POST", action+"/delete", url.Values{"version": {hiddenVersion(t, page, action+"/delete")}}).Want(t, http.StatusConflict)
		mustContain(t, res, "Økonomi og Løn har 1 underenheder; flyt eller slet dem først")

		// Delete the child, then the parent.
		for _, a := range []string{childAction, action} {
			page = b.Do("GET", a, nil).Want(t, http.StatusOK)
			res = b.Do("POST", a+"/delete", url.Values{"version": {hiddenVersion(t, page, a+"/delete")}})
			u := wantRedirect(t, res, orgPath)
			if u.Query().Get("done") != "unit_deleted" {
				t.Fatalf("delete: redirect %q", res.Header.Get("Location"))
			}
		}
		if n := len(units(t, app, org.ID)); n != 0 {
			t.Fatalf("%d units left", n)
		}
		mustContain(t, b.Do("GET", orgPath, nil).Want(t, http.StatusOK), "Der er ikke registreret enheder endnu.")
	})
}

// The unit page looks the unit up among its path organisation's units only:
// another organisation's unit under that path, and any unit of an
// organisation the viewer may not see, are not found. Someone from another
// organisation reads a unit page without its forms, and their posts to
// change or delete the unit are refused and change nothing.
func TestUnitPageOtherOrganization(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		vAdmin := testkit.NewPerson(t, app.DB, viborgEmail, testkit.Viborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, viewerEmail, testkit.Silkeborg, samspil.RoleViewer)
		silkeborg, viborg := testkit.Org(t, app.DB, testkit.Silkeborg), testkit.Org(t, app.DB, testkit.Viborg)
		hidden, err := app.DB.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany,
			Name: "Lukket Leverandør ApS", Visibility: samspil.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		create := func(actor *samspil.Actor, orgID, name string) *samspil.OrgUnit {
			t.Helper()
			u, err := app.DB.CreateUnit(ctx, actor, orgID, samspil.OrgUnitInput{Name: name, Kind: samspil.UnitDepartment})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		sUnit := create(sAdmin.Actor, silkeborg.ID, "Økonomi")
		vUnit := create(vAdmin.Actor, viborg.ID, "Teknik og Miljø")
		hUnit := create(testkit.System, hidden.ID, "Hemmelig Afdeling")

		s, _ := signIn(t, app, adminEmail)
		sv, _ := signIn(t, app, viewerEmail)
		v, _ := signIn(t, app, viborgEmail)
		anon := newBrowser(t, app)
		unitPath := func(orgID, unitID string) string { return "/organizations/" + orgID + "/units/" + unitID }
		sPath, vPath := unitPath(silkeborg.ID, sUnit.ID), unitPath(viborg.ID, vUnit.ID)

		// Silkeborg's administrator gets the forms; the page is otherwise
		// the same for everyone.
		page := s.Do("GET", sPath, nil).Want(t, http.StatusOK)
		if !hasForm(page, sPath) || !hasForm(page, sPath+"/delete") {
			t.Fatalf("Silkeborg's administrator lacks the unit's forms:\n%s", page.Body)
		}
		for who, b := range map[string]*browser{"Viborg's administrator": v, "Silkeborg's viewer": sv, "anonymous": anon} {
			page := b.Do("GET", sPath, nil).Want(t, http.StatusOK)
			mustContain(t, page, "<h1>Økonomi</h1>")
			mustNotContain(t, page, "Ret enheden", `name="version"`)
			if hasForm(page, sPath) || hasForm(page, sPath+"/delete") {
				t.Fatalf("%s gets the unit's forms:\n%s", who, page.Body)
			}
		}

		// Another organisation's unit under this organisation's path, and a
		// unit of an organisation the reader may not see, are not found.
		for who, b := range map[string]*browser{"Silkeborg's administrator": s, "Viborg's administrator": v, "anonymous": anon} {
			for _, p := range []string{unitPath(silkeborg.ID, vUnit.ID), unitPath(viborg.ID, sUnit.ID),
				unitPath(hidden.ID, hUnit.ID), unitPath(silkeborg.ID, hUnit.ID)} {
				res := b.Do("GET", p, nil)
				if res.Status != http.StatusNotFound {
					t.Fatalf("%s: GET %s: status %d, want 404", who, p, res.Status)
				}
				mustNotContain(t, res, "Teknik og Miljø", "Hemmelig Afdeling", `name="version"`)
			}
		}

		// Changing or deleting a unit of another organisation is refused,
		// whether through its own organisation's path or another's.
		update := url.Values{"name": {"Overtaget"}, "kind": {"office"}, "parent_id": {""}, "version": {"1"}}
		del := url.Values{"version": {"1"}}
		for _, c := range []struct {
			who    string
			b      *browser
			path   string
			status int
		}{
			{"Viborg's administrator", v, sPath, http.StatusForbidden},
			{"Viborg's administrator", v, unitPath(viborg.ID, sUnit.ID), http.StatusNotFound},
			{"Silkeborg's administrator", s, vPath, http.StatusForbidden},
			{"Silkeborg's administrator", s, unitPath(silkeborg.ID, vUnit.ID), http.StatusNotFound},
			{"Silkeborg's administrator", s, unitPath(hidden.ID, hUnit.ID), http.StatusNotFound},
			{"Silkeborg's administrator", s, unitPath(silkeborg.ID, hUnit.ID), http.StatusNotFound},
		} {
			for _, post := range []struct {
				action string
				form   url.Values
			}{{c.path, update}, {c.path + "/delete", del}} {
				res := c.b.Do("POST", post.action, post.form)
				if res.Status != c.status {
					t.Fatalf("%s: POST %s: status %d, want %d: %s", c.who, post.action, res.Status, c.status, res.Body)
				}
				mustNotContain(t, res, "Teknik og Miljø", "Hemmelig Afdeling")
			}
		}

		for orgID, want := range map[string]*samspil.OrgUnit{silkeborg.ID: sUnit, viborg.ID: vUnit, hidden.ID: hUnit} {
			got := units(t, app, orgID)
			if len(got) != 1 || got[want.Name].ID != want.ID || got[want.Name].Version != 1 || got[want.Name].Kind != want.Kind {
				t.Fatalf("units of %s after refused changes: %+v", orgID, got)
			}
		}
	})
}

// ---------------------------------------------------------------- audit

func TestAuditPageForAdminsOnly(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, viewerEmail, testkit.Silkeborg, samspil.RoleViewer)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		b, _ := signIn(t, app, adminEmail)
		wantRedirect(t, b.Do("POST", "/organizations/"+org.ID+"/units", url.Values{"name": {"Revideret"}, "kind": {"team"}}), "/organizations/"+org.ID)

		auditPath := "/organizations/" + org.ID + "/audit"
		res := b.Do("GET", auditPath, nil).Want(t, http.StatusOK)
		mustContain(t, res, "<h1>Revisionslog</h1>", "unit.create", "Revideret")
		mustContain(t, b.Do("GET", "/organizations/"+org.ID, nil).Want(t, http.StatusOK), `href="`+auditPath+`"`)

		v, _ := signIn(t, app, viewerEmail)
		res = v.Do("GET", auditPath, nil).Want(t, http.StatusNotFound)
		mustNotContain(t, res, "unit.create")
		mustNotContain(t, v.Do("GET", "/organizations/"+org.ID, nil).Want(t, http.StatusOK), `href="`+auditPath+`"`)
	})
}

// ---------------------------------------------------------------- account

func TestAccountChangePassword(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		b, secret := signIn(t, app, adminEmail)
		_, otherSecret := signIn(t, app, adminEmail) // a second session, elsewhere
		mustContain(t, b.Do("GET", "/account", nil).Want(t, http.StatusOK), adminEmail, `action="/account/password"`)

		// A wrong current password is shown at its field; nothing changes.
		res := b.Do("POST", "/account/password", url.Values{"current_password": {"ikke den rigtige kode"}, "password": {newPassword}}).
			Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-current_password"`, "den nuværende adgangskode er forkert", `aria-invalid="true"`)
		withSession(t, app, secret, "GET", "/account").Want(t, http.StatusOK)

		// A weak new password is refused at its field.
		res = b.Do("POST", "/account/password", url.Values{"current_password": {testkit.Password}, "password": {"password"}}).
			Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-password"`)

		// Success signs out every session.
		res = b.Do("POST", "/account/password", url.Values{"current_password": {testkit.Password}, "password": {newPassword}})
		u := wantRedirect(t, res, "/login")
		if c := sessionCookie(t, res); c == nil || c.Value != "" || c.MaxAge >= 0 {
			t.Fatalf("password change did not clear the cookie: %v", res.Header.Values("Set-Cookie"))
		}
		mustContain(t, b.Do("GET", u.String(), nil).Want(t, http.StatusOK), "Adgangskoden er skiftet. Log ind med den nye.")
		wantRedirect(t, withSession(t, app, secret, "GET", "/account"), "/login")
		wantRedirect(t, withSession(t, app, otherSecret, "GET", "/account"), "/login")

		newBrowser(t, app).Login(adminEmail, testkit.Password).Want(t, http.StatusUnauthorized)
		wantRedirect(t, newBrowser(t, app).Login(adminEmail, newPassword), "/")
	})
}

var (
	reNewSecret   = regexp.MustCompile(`id="new-secret" readonly value="([^"]+)"`)
	reRevokeToken = regexp.MustCompile(`action="/account/tokens/([^"/]+)/revoke"`)
)

func TestAccountTokens(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		b, _ := signIn(t, app, adminEmail)

		// An invalid lifetime is refused at its field.
		res := b.Do("POST", "/account/tokens", url.Values{"name": {"ci"}, "expires_in_days": {"0"}}).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-expires_in_days"`, "skal være et antal dage fra 1 til 3650", `value="ci"`)
		res = b.Do("POST", "/account/tokens", url.Values{"name": {""}}).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-name"`, "skal udfyldes")

		// The secret is shown once.
		res = b.Do("POST", "/account/tokens", url.Values{"name": {"ci"}, "expires_in_days": {"30"}}).Want(t, http.StatusCreated)
		mustContain(t, res, "Nøglen er oprettet. Kopiér den nu; den bliver ikke vist igen.")
		m := reNewSecret.FindStringSubmatch(body(res))
		if m == nil {
			t.Fatalf("no secret on the page:\n%s", res.Body)
		}
		secret := m[1]
		api := newBrowser(t, app)
		api.Do("GET", "/api/v1/users/me", nil, "Authorization", "Bearer "+secret).Want(t, http.StatusOK)
		page := b.Do("GET", "/account", nil).Want(t, http.StatusOK)
		mustNotContain(t, page, secret, `id="new-secret"`)
		mustContain(t, page, "<td>ci</td>")

		// Revoke it.
		ids := reRevokeToken.FindAllStringSubmatch(body(page), -1)
		if len(ids) != 1 {
			t.Fatalf("%d revoke forms", len(ids))
		}
		res = b.Do("POST", "/account/tokens/"+ids[0][1]+"/revoke", url.Values{})
		u := wantRedirect(t, res, "/account")
		if u.Query().Get("done") != "token_revoked" || u.Fragment != "tokens" {
			t.Fatalf("revoke redirect %q", res.Header.Get("Location"))
		}
		page = b.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		mustContain(t, page, "API-nøglen er tilbagekaldt.", "Tilbagekaldt")
		if reRevokeToken.MatchString(body(page)) {
			t.Fatal("revoked token still has a revoke form")
		}
		api.Do("GET", "/api/v1/users/me", nil, "Authorization", "Bearer "+secret).Want(t, http.StatusUnauthorized)

		// Someone else cannot revoke a token of mine.
		res = b.Do("POST", "/account/tokens", url.Values{"name": {"second"}}).Want(t, http.StatusCreated)
		secret = reNewSecret.FindStringSubmatch(body(res))[1]
		id := reRevokeToken.FindAllStringSubmatch(body(res), -1)
		testkit.NewPerson(t, app.DB, viewerEmail, testkit.Silkeborg, samspil.RoleViewer)
		v, _ := signIn(t, app, viewerEmail)
		for _, m := range id {
			if res := v.Do("POST", "/account/tokens/"+m[1]+"/revoke", url.Values{}); res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
				t.Fatalf("other user's revoke: %d", res.Status)
			}
		}
		api.Do("GET", "/api/v1/users/me", nil, "Authorization", "Bearer "+secret).Want(t, http.StatusOK)
	})
}

// ---------------------------------------------------------------- language

func TestLanguageSwitch(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		b := newBrowser(t, app)
		page := b.Do("GET", "/organizations", nil).Want(t, http.StatusOK)
		mustContain(t, page, `<html lang="da">`, "<h1>Organisationer</h1>", `name="lang" value="en"`)

		// An unknown language is refused and sets nothing.
		res := b.Do("POST", "/language", url.Values{"lang": {"de"}, "return_to": {"/organizations"}}).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "skal være da eller en")
		for _, line := range res.Header.Values("Set-Cookie") {
			if strings.HasPrefix(line, "samspil_lang=") {
				t.Fatalf("unknown language set a cookie: %s", line)
			}
		}
		mustContain(t, b.Do("GET", "/organizations", nil).Want(t, http.StatusOK), `<html lang="da">`)

		res = b.Do("POST", "/language", url.Values{"lang": {"en"}, "return_to": {"/organizations?q=silkeborg"}})
		u := wantRedirect(t, res, "/organizations")
		if u.Query().Get("q") != "silkeborg" {
			t.Fatalf("language switch lost the query: %q", res.Header.Get("Location"))
		}
		var lang *http.Cookie
		for _, line := range res.Header.Values("Set-Cookie") {
			if c, err := http.ParseSetCookie(line); err == nil && c.Name == "samspil_lang" {
				lang = c
			}
		}
		if lang == nil || lang.Value != "en" || lang.Path != "/" || lang.SameSite != http.SameSiteLaxMode {
			t.Fatalf("language cookie %v", lang)
		}
		page = b.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		mustContain(t, page, `<html lang="en">`, "<h1>Organisations</h1>", "Search by name or municipality code", "Silkeborg Kommune", `name="lang" value="da"`)
		mustNotContain(t, page, "<h1>Organisationer</h1>")

		// Errors come in English too.
		res = b.Login(adminEmail, "not the right password at all").Want(t, http.StatusUnauthorized)
		mustContain(t, res, `<html lang="en">`, "Wrong e-mail address or password.")
		wantRedirect(t, b.Login(adminEmail, testkit.Password), "/")
		mustContain(t, b.Do("GET", "/account", nil).Want(t, http.StatusOK), "<h1>My account</h1>")
		res = b.Do("POST", "/account/password", url.Values{"current_password": {"wrong wrong wrong"}, "password": {newPassword}}).
			Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "the current password is wrong")

		// And back.
		wantRedirect(t, b.Do("POST", "/language", url.Values{"lang": {"da"}}), "/organizations")
		mustContain(t, b.Do("GET", "/organizations", nil).Want(t, http.StatusOK), `<html lang="da">`)
	})
}

// ---------------------------------------------------------------- hardening

func TestSecurityHeadersAndNoInlineCode(t *testing.T) {
	reTag := regexp.MustCompile(`<script\b[^>]*>`)
	reInline := regexp.MustCompile(`(?i)\s(on[a-z]+|style)\s*=`)
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		b, _ := signIn(t, app, adminEmail)
		wantRedirect(t, b.Do("POST", "/organizations/"+org.ID+"/units", url.Values{"name": {"Enhed"}, "kind": {"team"}}), "/organizations/"+org.ID)
		for _, c := range []struct {
			client *browser
			path   string
			status int
		}{
			{newBrowser(t, app), "/login", http.StatusOK},
			{newBrowser(t, app), "/organizations", http.StatusOK},
			{newBrowser(t, app), "/organizations/9999", http.StatusNotFound},
			{b, "/organizations/" + org.ID, http.StatusOK},
			{b, "/organizations/" + org.ID + "/people", http.StatusOK},
			{b, "/organizations/" + org.ID + "/audit", http.StatusOK},
			{b, "/account", http.StatusOK},
		} {
			res := c.client.Do("GET", c.path, nil).Want(t, c.status)
			csp := res.Header.Get("Content-Security-Policy")
			switch {
			case csp == "":
				t.Errorf("%s: no Content-Security-Policy", c.path)
			case strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval"):
				t.Errorf("%s: CSP allows inline code: %s", c.path, csp)
			case !strings.Contains(csp, "frame-ancestors 'none'"):
				t.Errorf("%s: CSP allows framing: %s", c.path, csp)
			case !strings.Contains(csp, "script-src 'self'"):
				t.Errorf("%s: CSP script-src: %s", c.path, csp)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s: X-Content-Type-Options %q", c.path, got)
			}
			if got := res.Header.Get("Referrer-Policy"); !slices.Contains([]string{"same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin"}, got) {
				t.Errorf("%s: Referrer-Policy %q", c.path, got)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s: Cache-Control %q", c.path, got)
			}
			// Nothing on the page needs what the CSP forbids.
			for _, tag := range reTag.FindAllString(body(res), -1) {
				if !strings.Contains(tag, " src=") {
					t.Errorf("%s: inline script %s", c.path, tag)
				}
			}
			if m := reInline.FindString(body(res)); m != "" {
				t.Errorf("%s: inline handler or style %q", c.path, m)
			}
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		b, secret := signIn(t, app, adminEmail)
		unitsPath := "/organizations/" + org.ID + "/units"
		form := url.Values{"name": {"Fra et andet websted"}, "kind": {"team"}}

		b.Do("POST", unitsPath, form, "Sec-Fetch-Site", "cross-site").Want(t, http.StatusForbidden)
		b.Do("POST", unitsPath, form, "Sec-Fetch-Site", "same-site").Want(t, http.StatusForbidden)
		b.Do("POST", unitsPath, form, "Sec-Fetch-Site", "", "Origin", "https://evil.example").Want(t, http.StatusForbidden)
		b.Do("POST", "/logout", url.Values{}, "Sec-Fetch-Site", "cross-site").Want(t, http.StatusForbidden)
		b.Do("POST", "/language", url.Values{"lang": {"en"}}, "Sec-Fetch-Site", "cross-site").Want(t, http.StatusForbidden)
		b.Do("POST", "/login", url.Values{"email": {adminEmail}, "password": {testkit.Password}}, "Sec-Fetch-Site", "cross-site").Want(t, http.StatusForbidden)
		if n := len(units(t, app, org.ID)); n != 0 {
			t.Fatalf("a cross-origin post created %d units", n)
		}
		withSession(t, app, secret, "GET", "/account").Want(t, http.StatusOK) // still signed in
		mustContain(t, b.Do("GET", "/organizations", nil).Want(t, http.StatusOK), `<html lang="da">`)

		// The same post from our own origin goes through (the check is not blanket).
		wantRedirect(t, b.Do("POST", unitsPath, form, "Sec-Fetch-Site", "", "Origin", app.URL), "/organizations/"+org.ID)
		if n := len(units(t, app, org.ID)); n != 1 {
			t.Fatalf("same-origin post: %d units", n)
		}
	})
}

func TestOversizedFormRefused(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		b, _ := signIn(t, app, adminEmail)
		big := strings.Repeat("x", 65<<10)

		b.Do("POST", "/organizations/"+org.ID+"/units", url.Values{"name": {big}, "kind": {"team"}}).Want(t, http.StatusRequestEntityTooLarge)
		newBrowser(t, app).Do("POST", "/login", url.Values{"email": {adminEmail}, "password": {big}}).Want(t, http.StatusRequestEntityTooLarge)
		if n := len(units(t, app, org.ID)); n != 0 {
			t.Fatalf("oversized post created %d units", n)
		}
		// Without Content-Length (chunked) too.
		req, err := http.NewRequest("POST", app.URL+"/login", io.MultiReader(strings.NewReader("email=a%40b.dk&password="), strings.NewReader(big)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.ContentLength = -1
		res, err := app.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("chunked oversized form: %d", res.StatusCode)
		}
		// Just under the limit is an ordinary (failed) login.
		newBrowser(t, app).Do("POST", "/login", url.Values{"email": {adminEmail}, "password": {big[:60<<10]}}).Want(t, http.StatusUnauthorized)
	})
}

// A form whose body does not arrive within web.FormReadTimeout is refused
// as one that cannot be read, and changes nothing.
func TestSlowFormRefused(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		_, session := signIn(t, app, adminEmail)
		conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(web.FormReadTimeout + 20*time.Second))
		form := "kind=team&name=Langsom+enhed"
		fmt.Fprintf(conn, "POST /organizations/%s/units HTTP/1.1\r\nHost: samspil.test\r\nCookie: %s=%s\r\n"+
			"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", org.ID, httpx.SessionCookie, session, len(form)+100, form)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer to a form that never arrived: %v", err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a form that never arrived: %d", res.StatusCode)
		}
		if n := len(units(t, app, org.ID)); n != 0 {
			t.Fatalf("a form that never arrived created %d units", n)
		}
	})
}

func TestStaticAssets(t *testing.T) {
	reAsset := regexp.MustCompile(`(?:href|src)="(/static/[^"#]+)(?:#[^"]*)?"`)
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		anon := newBrowser(t, app)
		page := anon.Do("GET", "/organizations", nil).Want(t, http.StatusOK)
		var paths []string
		for _, m := range reAsset.FindAllStringSubmatch(body(page), -1) {
			paths = append(paths, m[1])
		}
		if len(paths) < 2 {
			t.Fatalf("page links %d assets: %v", len(paths), paths)
		}
		reHashed := regexp.MustCompile(`\.[0-9a-f]{8,}\.(css|js|svg)$`)
		wantType := map[string]string{".css": "text/css", ".js": "javascript", ".svg": "image/svg+xml"}
		for _, p := range paths {
			if !reHashed.MatchString(p) {
				t.Errorf("asset %s has no content hash in its name", p)
			}
			res := anon.Do("GET", p, nil)
			if res.Status != http.StatusOK {
				t.Errorf("GET %s: %d", p, res.Status)
				continue
			}
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=") {
				t.Errorf("%s: Cache-Control %q", p, cc)
			}
			if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, wantType[filepath.Ext(p)]) {
				t.Errorf("%s: Content-Type %q", p, ct)
			}
			if len(res.Body) == 0 {
				t.Errorf("%s: empty", p)
			}
		}
		for _, p := range []string{"/static/app.css", "/static/app.0000000000.css", "/static/nothing.js", "/static/vendor/htmx.min.js"} {
			if res := anon.Do("GET", p, nil); res.Status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, res.Status)
			}
		}
	})
}

// ---------------------------------------------------------------- catalogue

func loadCatalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("i18n", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	return m
}

// templateKeys returns the keys of t calls in the templates: literal keys,
// and prefixes of computed ones ({{t (print "role." .Role)}}).
func templateKeys(t *testing.T) (keys map[string][]string, prefixes map[string][]string) {
	t.Helper()
	keys, prefixes = map[string][]string{}, map[string][]string{}
	files, err := filepath.Glob(filepath.Join("templates", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v %v", files, err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		tr := parse.New(file)
		tr.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := tr.Parse(string(src), "", "", trees); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var walk func(n parse.Node)
		walk = func(n parse.Node) {
			switch n := n.(type) {
			case *parse.ListNode:
				if n != nil {
					for _, c := range n.Nodes {
						walk(c)
					}
				}
			case *parse.ActionNode:
				walk(n.Pipe)
			case *parse.IfNode:
				walk(n.Pipe)
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walk(n.Pipe)
				walk(n.List)
				walk(n.ElseList)
			case *parse.WithNode:
				walk(n.Pipe)
				walk(n.List)
				walk(n.ElseList)
			case *parse.TemplateNode:
				walk(n.Pipe)
			case *parse.PipeNode:
				if n != nil {
					for _, c := range n.Cmds {
						walk(c)
					}
				}
			case *parse.CommandNode:
				if len(n.Args) >= 2 {
					if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "t" {
						switch a := n.Args[1].(type) {
						case *parse.StringNode:
							keys[a.Text] = append(keys[a.Text], file)
						case *parse.PipeNode:
							if len(a.Cmds) == 1 && len(a.Cmds[0].Args) == 3 {
								if p, ok := a.Cmds[0].Args[0].(*parse.IdentifierNode); ok && p.Ident == "print" {
									if s, ok := a.Cmds[0].Args[1].(*parse.StringNode); ok {
										prefixes[s.Text] = append(prefixes[s.Text], file)
										break
									}
								}
							}
							t.Errorf("%s: t with a computed key the test does not understand: %s", file, n)
						default:
							t.Errorf("%s: t with a key the test does not understand: %s", file, n)
						}
					}
				}
				for _, a := range n.Args {
					walk(a)
				}
			}
		}
		for _, tree := range trees {
			walk(tree.Root)
		}
	}
	return keys, prefixes
}

// goTextKeys returns the literal keys of text(lang, "key") calls and of
// "done" confirmations (redirect(..., "key") shows "done.key") in the
// package's Go files.
func goTextKeys(t *testing.T) map[string][]string {
	t.Helper()
	keys := map[string][]string{}
	forEachCall(t, ".", func(pos token.Position, name string, args []ast.Expr) {
		lit := func(i int) (string, bool) {
			if i >= len(args) {
				return "", false
			}
			return stringLit(args[i])
		}
		switch name[strings.LastIndex(name, ".")+1:] {
		case "text":
			if k, ok := lit(1); ok {
				keys[k] = append(keys[k], pos.String())
			}
		case "redirect", "afterPeopleChange", "afterForumChange", "afterMeetingChange", "afterDecisionChange":
			if k, ok := lit(len(args) - 1); ok && k != "" {
				keys["done."+k] = append(keys["done."+k], pos.String())
			}
		}
	})
	// Confirmations chosen before the redirect: done := "member_added".
	fset, files := parseDir(t, ".")
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == "done" {
					if k, ok := stringLit(as.Rhs[i]); ok {
						keys["done."+k] = append(keys["done."+k], fset.Position(as.Pos()).String())
					}
				}
			}
			return true
		})
	}
	return keys
}

func TestTemplateKeysInCatalogues(t *testing.T) {
	da, en := loadCatalogue(t, "da"), loadCatalogue(t, "en")
	keys, prefixes := templateKeys(t)
	for k, where := range goTextKeys(t) {
		keys[k] = append(keys[k], where...)
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys: the parsing misses calls", len(keys))
	}
	for _, k := range []string{"login.title", "directory.count", "done.unit_created", "done.member_added", "done.account_disabled", "error.internal"} {
		if keys[k] == nil {
			t.Fatalf("key %s not found in the templates or Go code: the parsing misses calls", k)
		}
	}
	// Computed keys: every value the prefix is printed with.
	families := map[string][]string{
		"role.":              strs(samspil.Roles),
		"kind.":              strs(samspil.OrgKinds),
		"unitkind.":          strs(samspil.UnitKinds),
		"visibility.":        strs(samspil.Visibilities),
		"actor.":             strs([]samspil.ActorKind{samspil.ActorAnonymous, samspil.ActorUser, samspil.ActorSystem}),
		"category.":          strs(samspil.Categories),
		"lifecycle.":         strs(samspil.Lifecycles),
		"frequency.":         strs(samspil.RelationFrequencies),
		"role_kind.":         strs(samspil.RoleObjectKinds),
		"notice.":            strs(samspil.NoticeRules),
		"extension.":         strs(samspil.ExtensionKinds),
		"extension_hint.":    strs(samspil.ExtensionKinds),
		"procurement.":       strs(samspil.ProcurementForms),
		"collab_kind.":       strs(samspil.CollaborationKinds),
		"legal_form.":        strs(samspil.LegalForms),
		"exclusivity.":       strs(samspil.Exclusivities),
		"decision_rule.":     strs(samspil.DecisionRules),
		"cost_key.":          strs(samspil.CostKeys),
		"doc_kind.":          strs(samspil.DocumentKinds),
		"notice_kind.":       strs(samspil.NoticeKinds),
		"dpr_responsible.":   strs(samspil.DataResponsibles),
		"dpr_answer.":        strs(samspil.YesNoIrrelevants),
		"dpr_transfer.":      strs(samspil.TransferBases),
		"dpr_interval.":      strs(samspil.OversightIntervals),
		"dpr_data.":          strs(samspil.PersonalDataKinds),
		"term.":              append(strs(samspil.MemberRoles), strs(samspil.Commitments)...),
		"invitation_status.": strs(samspil.InvitationStatuses),
		"adjustment_status.": strs(samspil.AdjustmentStatuses),
		"approval_state.":    strs(samspil.ApprovalStates),
		"member_reason.":     {"founding", "accepted"},
		"import.kind.":       strs([]samspil.ImportKind{samspil.ImportSystems, samspil.ImportUsages, samspil.ImportContracts}),
		"import.action.":     {"create", "update", "unchanged"},
		"kitos.op.":          strs([]samspil.KitosChangeOp{samspil.KitosCreate, samspil.KitosUpdate, samspil.KitosDelete, samspil.KitosKept, samspil.KitosSkipped}),
		"kitos.kind.":        {"system", "usage", "contract", "relation", "data_processing"},
		"kitos.kinds.":       {"system", "usage", "contract", "relation", "data_processing"},
		"status.": strs([]samspil.ContractStatus{samspil.ContractNotStarted, samspil.ContractActive, samspil.ContractInNotice,
			samspil.ContractExpired, samspil.ContractTerminated}),
		"ambition_area.":     strs(samspil.AmbitionAreas),
		"health.indicator.":  strs(samspil.HealthIndicators),
		"health.about.":      strs(samspil.HealthIndicators),
		"health.threshold.":  jsonNames(reflect.TypeFor[samspil.HealthThresholds]()),
		"ambition_level.":    {"0", "1", "2", "3", "4"},
		"action_status.":     strs(samspil.ActionStatuses),
		"action_status.set_": strs(samspil.ActionStatuses),

		// Forums, meetings and decisions.
		"forum_level.":     strs(samspil.ForumLevels),
		"forum_status.":    strs([]samspil.ForumStatus{samspil.ForumActive, samspil.ForumDiscontinued}),
		"cadence_freq.":    {"none", "weekly", "monthly"},
		"meeting_status.":  strs(samspil.MeetingStatuses),
		"meeting.mark_":    strs(samspil.MeetingStatuses),
		"attendance.":      strs([]samspil.AttendanceStatus{samspil.AttendancePresent, samspil.AttendanceAbsent, samspil.AttendanceExcused}),
		"decision_status.": strs([]samspil.DecisionStatus{samspil.DecisionOpen, samspil.DecisionClosed}),
		"outcome.":         strs([]samspil.OutcomeResult{samspil.OutcomePending, samspil.OutcomeAdopted, samspil.OutcomeRejected, samspil.OutcomeNoQuorum}),
		"vote.":            strs(samspil.VoteChoices),

		// The start page and search.
		"urgency.":        strs(samspil.Urgencies),
		"urgency.label.":  append(strs(samspil.Urgencies), "later"),
		"deadlines.none.": strs(samspil.Urgencies),
		"search.kind.":    strs(samspil.SearchKinds),
		"search.more.":    strs(samspil.SearchKinds),

		// The fields kept as in KITOS.
		"archive_duty.":           strs(samspil.ArchiveDuties),
		"archive_recommendation.": strs(samspil.ArchiveRecommendations),
		"contract_type.":          strs(samspil.ContractTypes),
		"criticality.":            strs(samspil.Criticalities),
		"payment_model.":          strs(samspil.PaymentModels),
		"yes_no_undecided.":       strs(samspil.YesNoUndecidedChoices),
		"yes_no_partially.":       strs(samspil.YesNoPartiallyChoices),
	}
	for prefix, where := range prefixes {
		values, ok := families[prefix]
		if !ok {
			t.Errorf("%v: computed key %q...: tell the test which values it takes", where, prefix)
			continue
		}
		for _, v := range values {
			keys[prefix+v] = append(keys[prefix+v], where...)
		}
	}
	for k, where := range keys {
		if da[k] == "" {
			t.Errorf("%q (used in %v) is missing from da.json", k, dedupe(where))
		}
		if strings.Contains(k, " ") {
			continue // a translated error message: Danish only
		}
		if en[k] == "" {
			t.Errorf("%q (used in %v) is missing from en.json", k, dedupe(where))
		}
	}
}

// jsonNames returns the JSON names of a struct type's fields.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func dedupe(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// ---------------------------------------------------------------- domain errors

func stringLit(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

// parseDir parses the non-test Go files of dir.
func parseDir(t *testing.T, dir string) (*token.FileSet, []*ast.File) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	fset := token.NewFileSet()
	var out []*ast.File
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return fset, out
}

// forEachCall calls fn for every call expression in the non-test Go files of
// dir, with the called name: "f", "pkg.F" or "x.M" (just "M" when the
// receiver is not a plain identifier).
func forEachCall(t *testing.T, dir string, fn func(pos token.Position, name string, args []ast.Expr)) {
	t.Helper()
	fset, files := parseDir(t, dir)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			switch fun := call.Fun.(type) {
			case *ast.Ident:
				fn(fset.Position(call.Pos()), fun.Name, call.Args)
			case *ast.SelectorExpr:
				name := fun.Sel.Name
				if x, ok := fun.X.(*ast.Ident); ok {
					name = x.Name + "." + name
				}
				fn(fset.Position(call.Pos()), name, call.Args)
			}
			return true
		})
	}
}

// TestDomainErrorsTranslated checks that every message format of a samspil
// error made in the domain, the store, password checks and the pages has a
// Danish translation.
func TestDomainErrorsTranslated(t *testing.T) {
	da := loadCatalogue(t, "da")
	root := filepath.Join("..", "..")
	dirs := []string{root, filepath.Join(root, "internal", "sqldb"), filepath.Join(root, "internal", "auth"), ".",
		filepath.Join(root, "internal", "httpx"), filepath.Join(root, "internal", "landscapeio"),
		filepath.Join(root, "internal", "tabular"), filepath.Join(root, "internal", "kle"), filepath.Join(root, "internal", "mail"), filepath.Join(root, "internal", "rrule"),
		filepath.Join(root, "internal", "opportunity")}
	formats := map[string][]string{}
	for _, dir := range dirs {
		forEachCall(t, dir, func(pos token.Position, name string, args []ast.Expr) {
			arg := -1
			switch {
			case name == "Errorf" || name == "samspil.Errorf":
				arg = 1
			case name == "ErrorAt" || name == "samspil.ErrorAt":
				arg = 2
			case name == "Phrasef" || name == "samspil.Phrasef":
				arg = 0
			case name == "weakPassword":
				arg = 0
			case strings.HasSuffix(name, ".Add") && len(args) >= 2: // (*Validation).Add(path, format, ...)
				arg = 1
			case strings.HasSuffix(name, ".Check") && len(args) >= 3: // (*Validation).Check(ok, path, format, ...)
				arg = 2
			case name == "NotFound" || name == "samspil.NotFound" || name == "errNoRows":
				// The message is "<object type> not found", one key per type.
				if s, ok := stringLit(args[len(args)-1]); ok {
					formats[s+" not found"] = append(formats[s+" not found"], pos.String())
				}
				return
			}
			if arg < 0 || arg >= len(args) {
				return
			}
			if s, ok := stringLit(args[arg]); ok {
				formats[s] = append(formats[s], pos.String())
			}
		})
	}
	// The parsing must find the calls it is meant to find.
	if len(formats) < 50 {
		t.Fatalf("found only %d message formats", len(formats))
	}
	for _, f := range []string{"unit not found", "membership not found", "is required", "the current password is wrong",
		"must be at least %d characters; a few unrelated words make a good one", "must be one of da, en",
		"a unit cannot be moved under itself or one of its own sub-units"} {
		if formats[f] == nil {
			t.Fatalf("format %q not found: the parsing misses calls", f)
		}
	}
	for f, where := range formats {
		if da[f] == "" {
			t.Errorf("%q (%s) has no Danish translation in da.json", f, strings.Join(where, ", "))
			continue
		}
		if got, want := verbs(da[f]), verbs(f); !slices.Equal(got, want) {
			t.Errorf("%q: the Danish text has verbs %v, the format %v", f, got, want)
		}
	}
}

var reVerb = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

// verbs returns the fmt verbs of a format, so that a translation takes the
// same arguments.
func verbs(format string) []string { return reVerb.FindAllString(format, -1) }
