package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestRouteInventory lists every route with its permission. Routes can only
// be registered through the router, which demands a known permission; this
// test fails when a route has none, or an unknown one.
func TestRouteInventory(t *testing.T) {
	app := testkit.NewApp(t, sqldb.SQLite)
	routes := app.Server.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes: the inventory is incomplete", len(routes))
	}
	seen := map[string]bool{}
	for _, r := range routes {
		rule, ok := samspil.Permissions[r.Permission]
		if r.Permission == "" || !ok {
			t.Errorf("route %s has no known permission (%q)", r.Pattern, r.Permission)
		}
		if seen[r.Pattern] {
			t.Errorf("route %s registered twice", r.Pattern)
		}
		seen[r.Pattern] = true
		// Changes are never public, and never on GET, except these, whose
		// credential is what they are posted with.
		publicWrites := map[string]string{
			"POST /login":                   "the password",
			"POST /language":                "only sets the reader's language cookie",
			"POST /join/{secret}":           "the secret of the invitation's link",
			"POST /password-reset":          "asks for a link, which goes to the address's owner; answered alike for every address",
			"POST /password-reset/{secret}": "the secret of the reset link",
			"POST /login/sso":               "starts a sign-in at the address's organisation's provider: records the flow's secrets, changes nothing else",
			"POST /login/sso/{provider}":    "starts a sign-in at the provider: records the flow's secrets, changes nothing else",
			"POST /login/sso/saml/acs":      "a SAML provider's response, kept with its sign-in (named by the secret state) until the browser finishes it",
			// GET /login/sso/callback is public and signs in: the provider
			// sends the browser there; its credentials are the state, the
			// browser's binding cookie and the provider's signed answer.
		}
		method := strings.SplitN(r.Pattern, " ", 2)[0]
		if _, ok := publicWrites[r.Pattern]; method != "GET" && rule.Anonymous && !ok {
			t.Errorf("route %s changes state without requiring sign-in", r.Pattern)
		}
		t.Logf("%-60s %s", r.Pattern, r.Permission)
	}
}

// TestRouterRefusesRoutesWithoutPermission shows that the route table
// cannot hold a route without a permission.
func TestRouterRefusesRoutesWithoutPermission(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	rt := httpx.NewRouter()
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	mustPanic("unknown permission", func() { rt.Handle("GET /x", samspil.Permission("nonsense"), nil, h) })
	mustPanic("empty permission", func() { rt.Handle("GET /y", "", nil, h) })
	mustPanic("undeclared API route", func() { rt.APIMux(nil).HandleFunc("GET /api/v1/secret", h) })
	mustPanic("no method", func() { rt.Handle("/z", samspil.PermPublic, nil, h) })
}

func TestOperationalEndpoints(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		anon := app.Anonymous(t)
		anon.Do("GET", "/healthz", nil).Want(t, http.StatusOK)
		anon.Do("GET", "/readyz", nil).Want(t, http.StatusOK)
		anon.Do("GET", "/api/v1/organizations/0740", nil).Want(t, http.StatusOK)
		anon.Do("GET", "/api/v1/organizations/0740/units", nil).Want(t, http.StatusOK)
		res := anon.Do("GET", "/metrics", nil).Want(t, http.StatusOK)
		body := string(res.Body)
		if !strings.Contains(body, `samspil_http_requests_total{method="GET",route="GET /api/v1/organizations/{id}",status="200"}`) {
			t.Fatalf("metrics lack the route-pattern label:\n%s", grep(body, "samspil_http"))
		}
		// Labels never carry ids or paths. (Only the request metrics' names
		// and labels are looked at: a value, such as a duration, may hold
		// the digits 0740.)
		var labels []string
		for _, l := range strings.Split(grep(body, "samspil_http"), "\n") {
			if i := strings.LastIndexByte(l, ' '); i > 0 {
				labels = append(labels, l[:i])
			}
		}
		if l := strings.Join(labels, "\n"); strings.Contains(l, "0740") || strings.Contains(l, "/units\"") && !strings.Contains(l, "{id}/units") {
			t.Fatalf("metrics carry a path:\n%s", grep(body, "samspil_http"))
		}
		if res.Header.Get("X-Request-Id") == "" {
			t.Fatal("no request id")
		}
		// A sane incoming request id is kept, a hostile one replaced.
		if got := anon.Do("GET", "/healthz", nil, "X-Request-Id", "abc-123-def-456").Header.Get("X-Request-Id"); got != "abc-123-def-456" {
			t.Fatalf("request id %q", got)
		}
		if got := anon.Do("GET", "/healthz", nil, "X-Request-Id", "<script>").Header.Get("X-Request-Id"); got == "<script>" {
			t.Fatal("hostile request id echoed")
		}
		// /readyz answers 503 while the database is unreachable.
		app.DB.Close()
		anon.Do("GET", "/readyz", nil).Want(t, http.StatusServiceUnavailable)
		anon.Do("GET", "/healthz", nil).Want(t, http.StatusOK)
	})
}

func grep(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
