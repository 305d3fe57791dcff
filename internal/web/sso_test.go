package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/devidp"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// Single sign-on with OpenID Connect, through the pages, against an
// identity provider started in the test (internal/devidp): the real code
// flow with PKCE, state and nonce, the provider's signed ID token checked
// by go-oidc.

var ssoConfig = server.Config{Version: "test", SecureCookies: true, SSOAllowPrivate: true}

// ssoIdP is a provider started for a test and configured for Silkeborg.
type ssoIdP struct {
	idp      *devidp.Provider
	provider *samspil.IdentityProvider
	http     *http.Client

	mu     sync.Mutex
	groups []string // the groups claim of the next ID token, when set
	tamper func(claims map[string]any) (string, error)
}

const ssoSubject = "sub-mette-1"

// newIdP starts a provider that signs in one fictional person of
// Silkeborg at once (AutoLogin), and configures it in samspil.
func newIdP(t *testing.T, app *testkit.App, mutate func(c *devidp.Config, in *samspil.IdentityProviderInput)) *ssoIdP {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	cfg := devidp.Config{Issuer: "http://" + hs.Listener.Addr().String(), ClientID: "samspil-test", ClientSecret: "hemmelig-klient",
		Users:     []devidp.User{{Subject: ssoSubject, Email: "mette.sso@silkeborg.example", Name: "Mette Sso", Groups: []string{"samspil-admins"}}},
		AutoLogin: ssoSubject}
	in := samspil.IdentityProviderInput{Protocol: samspil.SSOOIDC, Name: "Silkeborg Entra ID",
		EmailDomains: []string{"silkeborg.example"},
		OIDC:         &samspil.OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Scopes: []string{"email", "profile"}},
		RoleClaim:    "groups",
		RoleMap: []samspil.RoleRule{{Value: "samspil-admins", Role: samspil.RoleAdmin}, {Value: "samspil-editors", Role: samspil.RoleEditor},
			{Value: "samspil-viewers", Role: samspil.RoleViewer}}}
	if mutate != nil {
		mutate(&cfg, &in)
	}
	idp, err := devidp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &ssoIdP{idp: idp, http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	idp.MintIDToken = func(claims map[string]any) (string, error) {
		s.mu.Lock()
		groups, tamper := s.groups, s.tamper
		s.mu.Unlock()
		if groups != nil {
			claims["groups"] = groups
		}
		if tamper != nil {
			return tamper(claims)
		}
		return idp.SignRS256(claims)
	}
	hs.Config.Handler = idp.Handler()
	hs.Start()
	t.Cleanup(hs.Close)
	if s.provider, err = app.DB.CreateIdentityProvider(context.Background(), testkit.System, testkit.Silkeborg, in); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *ssoIdP) setGroups(g ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups = g
}

func (s *ssoIdP) setTamper(f func(claims map[string]any) (string, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tamper = f
}

// start posts the provider's button on the login page and returns the
// provider's authorisation address it redirects to.
func (s *ssoIdP) start(t *testing.T, b *browser) *url.URL {
	t.Helper()
	res := b.Do("POST", "/login/sso/"+s.provider.ID, url.Values{"return_to": {"/account"}})
	u := leaving(t, res)
	if !strings.HasPrefix(u.String(), s.idp.Issuer()+"/authorize?") {
		t.Fatalf("redirect to %s, want the provider's authorize endpoint", u)
	}
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") == "" {
		t.Fatalf("authorisation request lacks PKCE, state or nonce: %s", u)
	}
	return u
}

// authorize follows the authorisation address at the provider and returns
// the callback address it sends the browser back to.
func (s *ssoIdP) authorize(t *testing.T, auth *url.URL) *url.URL {
	t.Helper()
	res, err := s.http.Get(auth.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound && res.StatusCode != http.StatusSeeOther {
		t.Fatalf("provider answered %d, want a redirect", res.StatusCode)
	}
	u, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// leaving returns where a page that sends the browser on to another site
// (a meta refresh, with a link for browsers that do not follow it) sends
// it.
func leaving(t *testing.T, res *testkit.Response) *url.URL {
	t.Helper()
	res.Want(t, http.StatusOK)
	m := regexp.MustCompile(`<meta http-equiv="refresh" content="0; url=([^"]+)">`).FindSubmatch(res.Body)
	link := regexp.MustCompile(`<a class="button button-primary" id="continue" href="([^"]+)">`).FindSubmatch(res.Body)
	if m == nil || link == nil {
		t.Fatalf("no refresh or link to go on:\n%s", res.Body)
	}
	refresh, href := html.UnescapeString(string(m[1])), html.UnescapeString(string(link[1]))
	if refresh != href {
		t.Fatalf("the refresh goes to %s, the link to %s", refresh, href)
	}
	u, err := url.Parse(refresh)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// callback sends the browser to the callback address.
func callback(t *testing.T, b *browser, cb *url.URL) *testkit.Response {
	t.Helper()
	return b.Do("GET", cb.RequestURI(), nil)
}

// signInSSO runs the whole flow in browser b and returns the callback's
// answer.
func (s *ssoIdP) signIn(t *testing.T, b *browser) *testkit.Response {
	t.Helper()
	return callback(t, b, s.authorize(t, s.start(t, b)))
}

// signedIn reports whether the browser has a session.
func signedIn(t *testing.T, b *browser) bool {
	t.Helper()
	return b.Do("GET", "/account", nil).Status == http.StatusOK
}

// ssoUser finds the account of the provider's subject.
func ssoUser(t *testing.T, app *testkit.App, email string) *samspil.User {
	t.Helper()
	us := usersNamed(t, app, email)
	if len(us) != 1 {
		t.Fatalf("%d accounts with %s", len(us), email)
	}
	return &us[0]
}

// lastFailure returns the reason of the newest login.failure event, its
// subject and the number of them: of the organisation, or with orgID ""
// of the whole installation (a forged state names no provider, so its
// refusal belongs to no organisation).
func lastFailure(t *testing.T, app *testkit.App, orgID string) (reason, subject string, n int) {
	t.Helper()
	page, err := app.DB.ListAuditEvents(context.Background(), testkit.System, samspil.AuditFilter{OrganizationID: orgID, Action: "login.failure",
		ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) == 0 {
		return "", "", 0
	}
	var after map[string]string
	if err := json.Unmarshal(page.Items[0].After, &after); err != nil {
		t.Fatal(err)
	}
	return after["reason"], after["subject"], len(page.Items)
}

// The happy path: the first sign-in creates the account in the provider's
// organisation with the role its groups grant; later sign-ins follow the
// groups, up to taking the role away; logout ends the provider's session
// too; a disabled account loses its session at once.
func TestSSOSignIn(t *testing.T) {
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
		testkit.NewPerson(t, app.DB, "lokal-admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		s := newIdP(t, app, nil)

		login := newBrowser(t, app).Do("GET", "/login", nil).Want(t, http.StatusOK)
		mustContain(t, login, "Log ind med Silkeborg Entra ID", `action="/login/sso/`+s.provider.ID+`"`)

		b := newBrowser(t, app)
		res := s.signIn(t, b)
		wantRedirect(t, res, "/account")
		if c := sessionCookie(t, res); c == nil || c.Value == "" {
			t.Fatal("no session after sign-in")
		}
		if !signedIn(t, b) {
			t.Fatal("not signed in after the callback")
		}
		u := ssoUser(t, app, "mette.sso@silkeborg.example")
		if u.HasPassword {
			t.Error("an account made by single sign-on has a password")
		}
		if m := membershipOf(t, app, u.ID, silkeborg.ID); m.Role != samspil.RoleAdmin {
			t.Errorf("role %s, want admin", m.Role)
		}
		if len(u.Memberships) != 1 {
			t.Errorf("the provider made %d memberships, want 1 (its own organisation only)", len(u.Memberships))
		}

		// The groups change at the provider: the next sign-in follows.
		s.setGroups("samspil-viewers", "unknown-group")
		b2 := newBrowser(t, app)
		wantRedirect(t, s.signIn(t, b2), "/account")
		if m := membershipOf(t, app, u.ID, silkeborg.ID); m.Role != samspil.RoleViewer {
			t.Errorf("role %s after the groups changed, want viewer", m.Role)
		}
		if n := len(usersNamed(t, app, "mette.sso@silkeborg.example")); n != 1 {
			t.Errorf("%d accounts after the second sign-in, want 1", n)
		}

		// The provider grants nothing any more: the role goes, the sign-in fails.
		s.setGroups("someone-else")
		b3 := newBrowser(t, app)
		res = s.signIn(t, b3).Want(t, http.StatusForbidden)
		mustContain(t, res, "har ikke givet dig adgang til samspil")
		if signedIn(t, b3) {
			t.Error("signed in without a role")
		}
		page, err := app.DB.ListMemberships(ctx, testkit.System, samspil.MembershipFilter{UserID: u.ID})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("memberships after the provider took the role: %v %v", page, err)
		}
		if reason, subject, _ := lastFailure(t, app, silkeborg.ID); reason != "no_role" || subject != ssoSubject {
			t.Errorf("audit: reason %q subject %q", reason, subject)
		}

		// The sessions the provider vouched for ended with the role.
		if signedIn(t, b) || signedIn(t, b2) {
			t.Error("a session through the provider outlived the role it took away")
		}
		// A restored role signs in again.
		s.setGroups("samspil-editors")
		wantRedirect(t, s.signIn(t, b3), "/account")
		if m := membershipOf(t, app, u.ID, silkeborg.ID); m.Role != samspil.RoleEditor {
			t.Errorf("role %s, want editor", m.Role)
		}

		// Logout ends the provider's session too.
		res = b3.Do("POST", "/logout", nil)
		out := leaving(t, res)
		if !strings.HasPrefix(out.String(), s.idp.Issuer()+"/logout?") || out.Query().Get("client_id") != "samspil-test" ||
			!strings.HasSuffix(out.Query().Get("post_logout_redirect_uri"), "/login?done=logged_out") {
			t.Errorf("logout went to %s", out)
		}
		if signedIn(t, b3) {
			t.Error("still signed in after logout")
		}

		// A disabled account loses its sessions at once.
		b4 := newBrowser(t, app)
		wantRedirect(t, s.signIn(t, b4), "/account")
		u = ssoUser(t, app, "mette.sso@silkeborg.example")
		if _, err := app.DB.UpdateUser(ctx, testkit.System, u.ID, u.Version, samspil.UserPatch{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if signedIn(t, b4) {
			t.Error("a disabled account kept its session")
		}
		res = s.signIn(t, newBrowser(t, app)).Want(t, http.StatusUnauthorized)
		if reason, _, _ := lastFailure(t, app, silkeborg.ID); reason != "disabled" {
			t.Errorf("audit reason %q, want disabled", reason)
		}

		// Every success is audited with the provider and the subject.
		page2, err := app.DB.ListAuditEvents(ctx, testkit.System, samspil.AuditFilter{OrganizationID: silkeborg.ID, Action: "login.success"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page2.Items) != 4 {
			t.Fatalf("%d login.success events, want 4", len(page2.Items))
		}
		var after map[string]string
		json.Unmarshal(page2.Items[0].After, &after)
		if after["method"] != "oidc" || after["provider"] != s.provider.ID || after["subject"] != ssoSubject {
			t.Errorf("login.success event: %v", after)
		}
	})
}

// refusal is one case of the negative corpus: a sign-in that must be
// refused, leave no session and be audited with its reason.
type refusal struct {
	name   string
	setup  func(c *devidp.Config, in *samspil.IdentityProviderInput)
	tamper func(s *ssoIdP, claims map[string]any) (string, error)
	// run drives the flow when it is not the plain one; it returns the
	// answer that must refuse.
	run    func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response
	status int
	reason string
}

func signed(f func(s *ssoIdP, claims map[string]any)) func(s *ssoIdP, claims map[string]any) (string, error) {
	return func(s *ssoIdP, claims map[string]any) (string, error) {
		f(s, claims)
		return s.idp.SignRS256(claims)
	}
}

// The negative corpus of OpenID Connect: forged, stale, misdirected and
// replayed answers, and answers the provider signs but samspil must not
// accept. Each is refused with no session and audited with its reason.
func TestSSORefusals(t *testing.T) {
	now := func() int64 { return time.Now().Unix() }
	cases := []refusal{
		{name: "wrong issuer", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["iss"] = "https://login.evil.example" }), status: 401, reason: "bad_token"},
		{name: "wrong audience", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["aud"] = "another-client" }), status: 401, reason: "bad_token"},
		{name: "expired", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["iat"], c["exp"] = now()-600, now()-60 }), status: 401, reason: "bad_token"},
		{name: "issued in the future", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["iat"], c["exp"] = now()+3600, now()+7200 }), status: 401, reason: "bad_token"},
		{name: "bad nonce", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["nonce"] = "a-nonce-from-another-sign-in" }), status: 401, reason: "bad_nonce"},
		{name: "missing nonce", tamper: signed(func(_ *ssoIdP, c map[string]any) { delete(c, "nonce") }), status: 401, reason: "bad_nonce"},
		{name: "alg none", tamper: func(s *ssoIdP, c map[string]any) (string, error) { return s.idp.SignNone(c) }, status: 401, reason: "bad_token"},
		{name: "HS256 signed with the public key", tamper: func(s *ssoIdP, c map[string]any) (string, error) { return s.idp.SignHS256WithPublicKey(c) }, status: 401, reason: "bad_token"},
		{name: "unknown key id", tamper: func(s *ssoIdP, c map[string]any) (string, error) { return s.idp.SignUnknownKID(c) }, status: 401, reason: "bad_token"},
		{name: "other key, same key id", tamper: func(s *ssoIdP, c map[string]any) (string, error) { return s.idp.SignOtherKey(c) }, status: 401, reason: "bad_token"},
		{name: "payload changed after signing", tamper: func(s *ssoIdP, c map[string]any) (string, error) {
			tok, err := s.idp.SignRS256(c)
			if err != nil {
				return "", err
			}
			parts := strings.Split(tok, ".")
			c["sub"] = "someone-else"
			body, _ := json.Marshal(c)
			return parts[0] + "." + base64.RawURLEncoding.EncodeToString(body) + "." + parts[2], nil
		}, status: 401, reason: "bad_token"},
		{name: "several audiences without azp", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["aud"] = []string{"samspil-test", "another-client"} }), status: 401, reason: "bad_audience"},
		{name: "several audiences, azp another client", tamper: signed(func(_ *ssoIdP, c map[string]any) {
			c["aud"], c["azp"] = []string{"samspil-test", "another-client"}, "another-client"
		}), status: 401, reason: "bad_audience"},
		{name: "subject with control characters", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["sub"] = "mette\x00admin" }), status: 401, reason: "bad_claims"},
		{name: "subject too long", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["sub"] = strings.Repeat("x", 300) }), status: 401, reason: "bad_claims"},
		{name: "missing subject", tamper: signed(func(_ *ssoIdP, c map[string]any) { delete(c, "sub") }), status: 401, reason: "bad_claims"},
		{name: "groups of the wrong type", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["groups"] = map[string]any{"admin": true} }), status: 401, reason: "bad_claims"},
		{name: "no ID token", tamper: func(*ssoIdP, map[string]any) (string, error) { return "", nil }, status: 401, reason: "no_id_token"},
		{name: "wrong client secret", setup: func(_ *devidp.Config, in *samspil.IdentityProviderInput) { in.OIDC.ClientSecret = "not-the-secret" },
			status: 401, reason: "code_refused"},
		{name: "provider answers with an error", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			auth := s.start(t, b)
			return b.Do("GET", "/login/sso/callback?error=access_denied&error_description=nej&state="+url.QueryEscape(auth.Query().Get("state")), nil)
		}, status: 401, reason: "idp_error"},
		{name: "no code", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			auth := s.start(t, b)
			return b.Do("GET", "/login/sso/callback?state="+url.QueryEscape(auth.Query().Get("state")), nil)
		}, status: 401, reason: "no_code"},
		{name: "forged state", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			cb := s.authorize(t, s.start(t, b))
			q := cb.Query()
			q.Set("state", q.Get("state")+"x")
			cb.RawQuery = q.Encode()
			return callback(t, b, cb)
		}, status: 401, reason: "bad_state"},
		{name: "no state", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			cb := s.authorize(t, s.start(t, b))
			q := cb.Query()
			q.Del("state")
			cb.RawQuery = q.Encode()
			return callback(t, b, cb)
		}, status: 401, reason: "bad_state"},
		{name: "replayed callback", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			cb := s.authorize(t, s.start(t, b))
			wantRedirect(t, callback(t, b, cb), "/account")
			b.Do("POST", "/logout", nil)
			return callback(t, b, cb)
		}, status: 401, reason: "bad_state"},
		{name: "callback in another browser", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			cb := s.authorize(t, s.start(t, newBrowser(t, app)))
			return callback(t, b, cb)
		}, status: 401, reason: "wrong_browser"},
		{name: "flow past its time", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			cb := s.authorize(t, s.start(t, b))
			app.DB.SetClock(func() time.Time { return time.Now().Add(11 * time.Minute) })
			defer app.DB.SetClock(time.Now)
			return callback(t, b, cb)
		}, status: 401, reason: "expired"},
		{name: "code of another sign-in (PKCE)", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			other := s.authorize(t, s.start(t, newBrowser(t, app)))
			mine := s.authorize(t, s.start(t, b))
			q := mine.Query()
			q.Set("code", other.Query().Get("code"))
			mine.RawQuery = q.Encode()
			return callback(t, b, mine)
		}, status: 401, reason: "code_refused"},
		{name: "replayed code", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			first := newBrowser(t, app)
			used := s.authorize(t, s.start(t, first))
			wantRedirect(t, callback(t, first, used), "/account")
			mine := s.authorize(t, s.start(t, b))
			q := mine.Query()
			q.Set("code", used.Query().Get("code"))
			mine.RawQuery = q.Encode()
			return callback(t, b, mine)
		}, status: 401, reason: "code_refused"},
		{name: "configuration changed during the sign-in", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			cb := s.authorize(t, s.start(t, b))
			off := false
			if _, err := app.DB.UpdateIdentityProvider(context.Background(), testkit.System, s.provider.ID, s.provider.Version,
				samspil.IdentityProviderPatch{Enabled: &off}); err != nil {
				t.Fatal(err)
			}
			return callback(t, b, cb)
		}, status: 401, reason: "bad_state"},
		{name: "no role granted", tamper: signed(func(_ *ssoIdP, c map[string]any) { c["groups"] = []string{"samspil-others"} }), status: 403, reason: "no_role"},
		{name: "address of an existing account", run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			testkit.NewPerson(t, app.DB, "mette.sso@silkeborg.example", testkit.Viborg, samspil.RoleViewer)
			return s.signIn(t, b)
		}, status: 409, reason: "email_taken"},
		{name: "no e-mail address", tamper: signed(func(_ *ssoIdP, c map[string]any) { delete(c, "email") }), status: 403, reason: "no_email"},
		{name: "issuer without a discovery document", setup: func(c *devidp.Config, in *samspil.IdentityProviderInput) {
			in.OIDC.Issuer = c.Issuer + "/elsewhere"
		}, run: func(t *testing.T, app *testkit.App, s *ssoIdP, b *browser) *testkit.Response {
			return b.Do("POST", "/login/sso/"+s.provider.ID, nil)
		}, status: 502, reason: "discovery"},
	}
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				s := newIdP(t, app, func(cfg *devidp.Config, in *samspil.IdentityProviderInput) {
					in.EmailDomains = nil
					if c.setup != nil {
						c.setup(cfg, in)
					}
				})
				if c.tamper != nil {
					s.setTamper(func(claims map[string]any) (string, error) { return c.tamper(s, claims) })
				}
				t.Cleanup(func() { cleanSSOUsers(t, app) })
				_, _, before := lastFailure(t, app, "")
				b := newBrowser(t, app)
				var res *testkit.Response
				if c.run != nil {
					res = c.run(t, app, s, b)
				} else {
					res = s.signIn(t, b)
				}
				res.Want(t, c.status)
				if sessionCookie(t, res) != nil || signedIn(t, b) {
					t.Fatal("a refused sign-in left a session")
				}
				reason, _, after := lastFailure(t, app, "")
				if after != before+1 || reason != c.reason {
					t.Fatalf("audit: %d new login.failure events, the last with reason %q; want one with %q", after-before, reason, c.reason)
				}
				// Nothing reached an account through the refused answer.
				if us := usersNamed(t, app, "mette.sso@silkeborg.example"); len(us) > 0 && c.reason != "email_taken" && c.name != "replayed code" && c.name != "replayed callback" {
					t.Fatalf("a refused sign-in made an account: %+v", us)
				}
				for _, u := range usersNamed(t, app, "mette.sso@silkeborg.example") {
					if c.reason == "email_taken" && len(u.Memberships) != 1 {
						t.Fatalf("the existing account changed: %+v", u.Memberships)
					}
				}
			})
		}
		t.Logf("OIDC negative corpus: %d cases refused and audited", len(cases))
	})
}

// cleanSSOUsers disables and renames the accounts a case made, so that the
// next case starts without them.
func cleanSSOUsers(t *testing.T, app *testkit.App) {
	t.Helper()
	for i, u := range usersNamed(t, app, "mette.sso@silkeborg.example") {
		email := "retired-" + strconv.Itoa(i) + "-" + u.ID + "@example.dk"
		if _, err := app.DB.UpdateUser(context.Background(), testkit.System, u.ID, u.Version, samspil.UserPatch{Email: &email}); err != nil {
			t.Fatal(err)
		}
	}
}

// An installation that has not allowed private addresses does not reach a
// provider on one, whatever an administrator configures: the sign-in does
// not start, and the refusal is audited.
func TestSSOPrivateAddressRefused(t *testing.T) {
	app := testkit.NewApp(t, sqldb.SQLite)
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
	s := newIdP(t, app, nil)
	res := newBrowser(t, app).Do("POST", "/login/sso/"+s.provider.ID, nil).Want(t, http.StatusBadGateway)
	mustContain(t, res, "kunne ikke startes")
	if reason, _, _ := lastFailure(t, app, silkeborg.ID); reason != "discovery" {
		t.Errorf("audit reason %q, want discovery", reason)
	}
}

// The same flow against an identity provider samspil's authors did not
// write (oauth2-proxy's mockoidc), so that the relying party is not only
// proven against its own test provider.
func TestSSOInteropMockOIDC(t *testing.T) {
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		m, err := mockoidc.Run()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Shutdown() })
		cfg := m.Config()
		p, err := app.DB.CreateIdentityProvider(context.Background(), testkit.System, testkit.Silkeborg, samspil.IdentityProviderInput{
			Protocol: samspil.SSOOIDC, Name: "Mock",
			OIDC:      &samspil.OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Scopes: []string{"email", "profile", "groups"}},
			RoleClaim: "groups", RoleMap: []samspil.RoleRule{{Value: "samspil-redaktører", Role: samspil.RoleEditor}}})
		if err != nil {
			t.Fatal(err)
		}
		m.QueueUser(&mockoidc.MockUser{Subject: "mock-4711", Email: "jonas.mock@silkeborg.example", EmailVerified: true,
			PreferredUsername: "jonas", Groups: []string{"samspil-redaktører"}})
		b := newBrowser(t, app)
		res := b.Do("POST", "/login/sso/"+p.ID, url.Values{"return_to": {"/account"}})
		idp := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		back, err := idp.Get(leaving(t, res).String())
		if err != nil {
			t.Fatal(err)
		}
		back.Body.Close()
		cb, err := url.Parse(back.Header.Get("Location"))
		if err != nil || cb.Path != "/login/sso/callback" {
			t.Fatalf("mockoidc answered %d to %q", back.StatusCode, back.Header.Get("Location"))
		}
		wantRedirect(t, callback(t, b, cb), "/account")
		if !signedIn(t, b) {
			t.Fatal("not signed in through mockoidc")
		}
		u := ssoUser(t, app, "jonas.mock@silkeborg.example")
		if m := membershipOf(t, app, u.ID, testkit.Org(t, app.DB, testkit.Silkeborg).ID); m.Role != samspil.RoleEditor {
			t.Errorf("role %s, want editor", m.Role)
		}
	})
}

// The organisation's sign-in page: its administrators add and change a
// provider (bad input named, nothing stored), try it without signing
// anyone in, and people link their existing accounts.
func TestSSOSettingsPage(t *testing.T) {
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
		admin := testkit.NewPerson(t, app.DB, "it-chef@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "redaktoer@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		testkit.NewPerson(t, app.DB, "it-chef@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		page := "/organizations/" + silkeborg.ID + "/sign-in"

		// A provider to talk to, not yet configured in samspil.
		hs := httptest.NewUnstartedServer(nil)
		issuer := "http://" + hs.Listener.Addr().String()
		idp, err := devidp.New(devidp.Config{Issuer: issuer, ClientID: "samspil", ClientSecret: "klient-hemmelighed",
			Users:     []devidp.User{{Subject: "entra-77", Email: "it-chef@silkeborg.example", Name: "IT-chefen", Groups: []string{"sb-admins"}}},
			AutoLogin: "entra-77"})
		if err != nil {
			t.Fatal(err)
		}
		hs.Config.Handler = idp.Handler()
		hs.Start()
		t.Cleanup(hs.Close)
		s := &ssoIdP{idp: idp, http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

		ed, _ := signIn(t, app, "redaktoer@silkeborg.example")
		ed.Do("GET", page, nil).Want(t, http.StatusForbidden)
		va, _ := signIn(t, app, "it-chef@viborg.example")
		va.Do("GET", page, nil).Want(t, http.StatusForbidden)
		org := ed.Do("GET", "/organizations/"+silkeborg.ID, nil).Want(t, http.StatusOK)
		mustNotContain(t, org, `href="`+page+`"`)

		b, _ := signIn(t, app, "it-chef@silkeborg.example")
		mustContain(t, b.Do("GET", "/organizations/"+silkeborg.ID, nil), `href="`+page+`"`)
		res := b.Do("GET", page, nil).Want(t, http.StatusOK)
		mustContain(t, res, "/login/sso/callback", "Ny identitetsudbyder")
		mustNotContain(t, res, "Platformsdrift") // operators' settings

		form := url.Values{"protocol": {"oidc"}, "name": {"Silkeborg Entra ID"}, "enabled": {"on"}, "issuer": {"http://idp.example.dk"}, "client_id": {"samspil"},
			"client_secret": {"klient-hemmelighed"}, "scopes": {"email profile"}, "email_domains": {"silkeborg.example"},
			"role_claim": {"groups"}, "role_map": {"sb-admins = admin\nsb-all = viewer"}, "default_role": {""}}
		res = b.Do("POST", page, form).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "skal være en https-adresse", `id="np-issuer"`, `aria-invalid="true"`)
		form.Set("issuer", issuer)
		form.Set("role_map", "sb-admins admin")
		mustContain(t, b.Do("POST", page, form).Want(t, http.StatusUnprocessableEntity), "linje 1 skal lyde værdi = rolle")
		if ps, _ := app.DB.ListIdentityProviders(ctx, admin.Actor, silkeborg.ID); len(ps) != 0 {
			t.Fatalf("a refused form stored %+v", ps)
		}
		form.Set("role_map", "sb-admins = admin\nsb-all = viewer")
		wantRedirect(t, b.Do("POST", page, form), page)
		ps, err := app.DB.ListIdentityProviders(ctx, admin.Actor, silkeborg.ID)
		if err != nil || len(ps) != 1 || len(ps[0].RoleMap) != 2 || ps[0].RoleMap[0].Role != samspil.RoleAdmin {
			t.Fatalf("stored %+v %v", ps, err)
		}
		s.provider = &ps[0]
		res = b.Do("GET", page, nil).Want(t, http.StatusOK)
		mustContain(t, res, "Silkeborg Entra ID", "Prøv log-ind", "Der er gemt en hemmelighed")
		mustNotContain(t, res, "klient-hemmelighed")

		// Saving without a secret keeps it.
		edit := url.Values{"version": {"1"}, "name": {"Entra ID"}, "enabled": {"on"}, "issuer": {issuer}, "client_id": {"samspil"},
			"scopes": {"email"}, "role_claim": {"groups"}, "role_map": {"sb-admins = admin"}}
		wantRedirect(t, b.Do("POST", page+"/"+s.provider.ID, edit), page)
		full, err := app.DB.SSOProvider(ctx, s.provider.ID)
		if err != nil || full.OIDC.ClientSecret != "klient-hemmelighed" || full.Name != "Entra ID" {
			t.Fatalf("after saving: %+v %v", full, err)
		}
		s.provider = full
		b.Do("POST", page+"/"+s.provider.ID, edit).Want(t, http.StatusPreconditionFailed)

		// Trying it shows what arrived and starts no session.
		res = b.Do("POST", page+"/"+s.provider.ID+"/test", nil)
		res = callback(t, b, s.authorize(t, leaving(t, res))).Want(t, http.StatusOK)
		mustContain(t, res, "Prøvet log-ind via Entra ID", "entra-77", "<strong>Administrator</strong>", "sb-admins")
		if sessionCookie(t, res) != nil {
			t.Fatal("trying the provider started a session")
		}
		// Another browser cannot finish an administrator's try.
		res = b.Do("POST", page+"/"+s.provider.ID+"/test", nil)
		cb := s.authorize(t, leaving(t, res))
		callback(t, newBrowser(t, app), cb).Want(t, http.StatusUnauthorized)

		// The administrator links their account, then signs in through the
		// provider as that same account.
		acct := b.Do("GET", "/account", nil).Want(t, http.StatusOK)
		mustContain(t, acct, "Knyt til Entra ID")
		res = b.Do("POST", "/account/sso/"+s.provider.ID, nil)
		wantRedirect(t, callback(t, b, s.authorize(t, leaving(t, res))), "/account")
		mustContain(t, b.Do("GET", "/account", nil), "Knyttet til Entra ID")
		fresh := newBrowser(t, app)
		wantRedirect(t, s.signIn(t, fresh), "/account")
		if n := len(usersNamed(t, app, "it-chef@silkeborg.example")); n != 1 {
			t.Fatalf("%d accounts after signing in through the linked provider", n)
		}
		page2, err := app.DB.ListAuditEvents(ctx, testkit.System, samspil.AuditFilter{Action: "login.success", ObjectID: admin.User.ID,
			ListOptions: samspil.ListOptions{Limit: 1}})
		if err != nil || len(page2.Items) != 1 || !strings.Contains(string(page2.Items[0].After), "entra-77") {
			t.Fatalf("the sign-in through the link: %+v %v", page2, err)
		}

		// Deleting the provider ends the sessions it started.
		del := url.Values{"version": {strconv.Itoa(s.provider.Version)}}
		wantRedirect(t, b.Do("POST", page+"/"+s.provider.ID+"/delete", del), page)
		if signedIn(t, fresh) {
			t.Error("a session through a deleted provider lives on")
		}
	})
}

// With many providers the login page offers a list instead of a button
// each, and choosing from it starts the sign-in.
func TestSSOLoginPageManyProviders(t *testing.T) {
	app := testkit.NewAppWith(t, sqldb.SQLite, ssoConfig)
	var last *samspil.IdentityProvider
	for i, code := range []string{"0740", "0791", "0751", "0746", "0756", "0779", "0710", "0766", "0727"} {
		p, err := app.DB.CreateIdentityProvider(context.Background(), testkit.System, code, samspil.IdentityProviderInput{Protocol: samspil.SSOOIDC,
			Name: "Entra ID " + strconv.Itoa(i), OIDC: &samspil.OIDCConfig{Issuer: "https://127.0.0.1:1/" + code, ClientID: "c", ClientSecret: "s"}})
		if err != nil {
			t.Fatal(err)
		}
		last = p
	}
	b := newBrowser(t, app)
	page := b.Do("GET", "/login", nil).Want(t, http.StatusOK)
	mustContain(t, page, `<select class="form-select" id="f-sso-provider" name="provider">`, `<option value="`+last.ID+`">`)
	mustNotContain(t, page, `action="/login/sso/`+last.ID+`"`)
	// The choice starts a sign-in at that provider (which cannot be
	// reached here: it is refused at the address check and audited).
	res := b.Do("POST", "/login/sso", url.Values{"provider": {last.ID}}).Want(t, http.StatusBadGateway)
	mustContain(t, res, "Log-ind via Entra ID 8 kunne ikke startes")
}
