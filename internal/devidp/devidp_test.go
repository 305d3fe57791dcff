package devidp_test

import (
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/samspil/samspil/internal/devidp"
)

const (
	clientID     = "rp"
	clientSecret = "s3cret"
	redirectURI  = "http://rp.test/callback"
)

// clock is a settable clock for Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// idp is a provider served by httptest, with a client that does not
// follow redirects.
type idp struct {
	*devidp.Provider
	t     *testing.T
	clock *clock
	http  *http.Client
}

// newIDP serves a provider at the issuer http://127.0.0.1:port+path. By
// default it knows the demo users, allows redirectURI and signs in
// dev-silkeborg-1 at once; configure may change that.
func newIDP(t *testing.T, path string, configure func(*devidp.Config)) *idp {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	cfg := devidp.Config{
		Issuer:       "http://" + srv.Listener.Addr().String() + path,
		ClientID:     clientID,
		ClientSecret: clientSecret,
		RedirectURIs: []string{redirectURI},
		Users:        devidp.DemoUsers(),
		AutoLogin:    "dev-silkeborg-1",
		Now:          clk.Now,
	}
	if configure != nil {
		configure(&cfg)
	}
	p, err := devidp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = p.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &idp{Provider: p, t: t, clock: clk, http: client}
}

type reply struct {
	status int
	header http.Header
	body   string
}

// location returns the query of the redirect's target, after checking that
// it goes to prefix.
func (r reply) location(t *testing.T, prefix string) url.Values {
	t.Helper()
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, prefix+"?") {
		t.Fatalf("status %d, Location %q, want a redirect to %s?…; body %s", r.status, loc, prefix, r.body)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("status %d, body %q: %v", r.status, r.body, err)
	}
	return v
}

func (i *idp) do(req *http.Request) reply {
	i.t.Helper()
	res, err := i.http.Do(req)
	if err != nil {
		i.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		i.t.Fatal(err)
	}
	return reply{status: res.StatusCode, header: res.Header, body: string(body)}
}

func (i *idp) get(path string, query url.Values) reply {
	i.t.Helper()
	target := i.Issuer() + path
	if query != nil {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		i.t.Fatal(err)
	}
	return i.do(req)
}

func (i *idp) post(path string, form url.Values, prepare func(*http.Request)) reply {
	i.t.Helper()
	req, err := http.NewRequest(http.MethodPost, i.Issuer()+path, strings.NewReader(form.Encode()))
	if err != nil {
		i.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if prepare != nil {
		prepare(req)
	}
	return i.do(req)
}

// pkce returns a code verifier and its S256 challenge.
func pkce(seed string) (verifier, challenge string) {
	verifier = strings.Repeat(seed, 43/len(seed)+1)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authParams are a good authorization request's parameters.
func authParams(challenge, state, nonce string) url.Values {
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {redirectURI},
		"scope":                 {"openid email profile groups"},
		"code_challenge":        {challenge},
		"code_challenge_method": {"S256"},
	}
	if state != "" {
		q.Set("state", state)
	}
	if nonce != "" {
		q.Set("nonce", nonce)
	}
	return q
}

// login runs /authorize with AutoLogin and returns the code and its
// verifier.
func (i *idp) login(state, nonce string) (code, verifier string) {
	i.t.Helper()
	verifier, challenge := pkce("verifier-" + state)
	r := i.get("/authorize", authParams(challenge, state, nonce))
	if r.status != http.StatusFound {
		i.t.Fatalf("authorize: status %d, body %s", r.status, r.body)
	}
	q := r.location(i.t, redirectURI)
	if q.Get("state") != state || q.Get("iss") != i.Issuer() || q.Get("code") == "" {
		i.t.Fatalf("authorize redirected with %v, want a code, state %q and iss %q", q, state, i.Issuer())
	}
	return q.Get("code"), verifier
}

func basicAuth(id, secret string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret)) }
}

func tokenForm(code, verifier string) url.Values {
	return url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {redirectURI},
		"code_verifier": {verifier},
	}
}

// jwks fetches and decodes the provider's JWKS.
func (i *idp) jwks() jose.JSONWebKeySet {
	i.t.Helper()
	r := i.get("/jwks", nil)
	var set jose.JSONWebKeySet
	if err := json.Unmarshal([]byte(r.body), &set); err != nil || r.status != http.StatusOK {
		i.t.Fatalf("jwks: status %d, %v: %s", r.status, err, r.body)
	}
	return set
}

// verify checks token's RS256 signature against the JWKS and returns its
// claims.
func verify(t *testing.T, token string, set jose.JSONWebKeySet) map[string]any {
	t.Helper()
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := jws.Verify(set)
	if err != nil {
		t.Fatalf("verify with the JWKS: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// decodeSegment decodes one base64url JSON part of a compact JWT.
func decodeSegment(t *testing.T, token string, n int) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts", token, len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[n])
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDiscovery(t *testing.T) {
	i := newIDP(t, "", nil)
	r := i.get("/.well-known/openid-configuration", nil)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
	}
	doc := r.json(t)
	iss := i.Issuer()
	want := map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                iss + "/authorize",
		"token_endpoint":                        iss + "/token",
		"jwks_uri":                              iss + "/jwks",
		"userinfo_endpoint":                     iss + "/userinfo",
		"end_session_endpoint":                  iss + "/logout",
		"response_types_supported":              []any{"code"},
		"subject_types_supported":               []any{"public"},
		"id_token_signing_alg_values_supported": []any{"RS256"},
		"code_challenge_methods_supported":      []any{"S256"},
		"scopes_supported":                      []any{"openid", "email", "profile", "groups"},
		"token_endpoint_auth_methods_supported": []any{"client_secret_basic", "client_secret_post"},
		"grant_types_supported":                 []any{"authorization_code"},
	}
	for k, v := range want {
		if !reflect.DeepEqual(doc[k], v) {
			t.Errorf("%s = %v, want %v", k, doc[k], v)
		}
	}

	set := i.jwks()
	if len(set.Keys) != 1 {
		t.Fatalf("%d keys in the JWKS", len(set.Keys))
	}
	k := set.Keys[0]
	if k.KeyID != i.KeyID() || k.Algorithm != "RS256" || k.Use != "sig" || !k.IsPublic() || i.KeyID() == "" {
		t.Errorf("JWKS key kid %q alg %q use %q public %v, want kid %q, RS256, sig, public", k.KeyID, k.Algorithm, k.Use, k.IsPublic(), i.KeyID())
	}
	if rsaKey, ok := k.Key.(*rsa.PublicKey); !ok || rsaKey.N.BitLen() != 2048 {
		t.Errorf("JWKS key is %T, want a 2048-bit RSA key", k.Key)
	}
}

func TestCodeFlow(t *testing.T) {
	i := newIDP(t, "", nil)
	code, verifier := i.login("st-1", "n-1")

	r := i.post("/token", tokenForm(code, verifier), basicAuth(clientID, clientSecret))
	if r.status != http.StatusOK {
		t.Fatalf("token: status %d, body %s", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	tok := r.json(t)
	accessToken, _ := tok["access_token"].(string)
	idToken, _ := tok["id_token"].(string)
	if tok["token_type"] != "Bearer" || tok["expires_in"] != 300.0 || len(accessToken) < 40 || idToken == "" {
		t.Fatalf("token answer %v", tok)
	}

	header := decodeSegment(t, idToken, 0)
	if header["alg"] != "RS256" || header["kid"] != i.KeyID() {
		t.Errorf("ID token header %v, want RS256 and kid %q", header, i.KeyID())
	}
	claims := verify(t, idToken, i.jwks())
	now := i.clock.Now().Unix()
	want := map[string]any{
		"iss":            i.Issuer(),
		"aud":            clientID,
		"sub":            "dev-silkeborg-1",
		"nonce":          "n-1",
		"email":          "mette.holm@silkeborg.dk",
		"email_verified": true,
		"name":           "Mette Holm",
		"groups":         []any{"samspil-admin"},
		"iat":            float64(now),
		"exp":            float64(now + 300),
	}
	if !reflect.DeepEqual(claims, want) {
		t.Errorf("claims\n%v\nwant\n%v", claims, want)
	}

	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+accessToken) }
	req, _ := http.NewRequest(http.MethodGet, i.Issuer()+"/userinfo", nil)
	bearer(req)
	info := i.do(req)
	if info.status != http.StatusOK {
		t.Fatalf("userinfo: status %d, body %s", info.status, info.body)
	}
	wantInfo := map[string]any{"sub": "dev-silkeborg-1", "email": "mette.holm@silkeborg.dk", "email_verified": true, "name": "Mette Holm", "groups": []any{"samspil-admin"}}
	if got := info.json(t); !reflect.DeepEqual(got, wantInfo) {
		t.Errorf("userinfo %v, want %v", got, wantInfo)
	}

	// The code again: refused, counted, and the access token it gave is
	// revoked.
	r = i.post("/token", tokenForm(code, verifier), basicAuth(clientID, clientSecret))
	if got := r.json(t); r.status != http.StatusBadRequest || got["error"] != "invalid_grant" || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("second use: status %d, %v", r.status, got)
	}
	if n := i.RefusedCodes(); n != 1 {
		t.Errorf("RefusedCodes %d, want 1", n)
	}
	req, _ = http.NewRequest(http.MethodGet, i.Issuer()+"/userinfo", nil)
	bearer(req)
	if info := i.do(req); info.status != http.StatusUnauthorized || !strings.Contains(info.header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("userinfo after the code's reuse: status %d, WWW-Authenticate %q", info.status, info.header.Get("WWW-Authenticate"))
	}
}

func TestTokenRefusals(t *testing.T) {
	i := newIDP(t, "", nil)
	type tc struct {
		name    string
		form    func(code, verifier string) url.Values
		auth    func(*http.Request)
		status  int
		error   string
		refused bool // counted by RefusedCodes
	}
	good := basicAuth(clientID, clientSecret)
	cases := []tc{
		{"wrong verifier", func(c, v string) url.Values {
			f := tokenForm(c, v)
			f.Set("code_verifier", strings.Repeat("x", 43))
			return f
		}, good, 400, "invalid_grant", true},
		{"missing verifier", func(c, v string) url.Values {
			f := tokenForm(c, v)
			f.Del("code_verifier")
			return f
		}, good, 400, "invalid_grant", true},
		{"redirect_uri mismatch", func(c, v string) url.Values {
			f := tokenForm(c, v)
			f.Set("redirect_uri", "http://rp.test/other")
			return f
		}, good, 400, "invalid_grant", true},
		{"unknown code", func(c, v string) url.Values { return tokenForm("not-a-code", v) }, good, 400, "invalid_grant", true},
		{"wrong secret", tokenForm, basicAuth(clientID, "wrong"), 401, "invalid_client", false},
		{"wrong client", tokenForm, basicAuth("other", clientSecret), 401, "invalid_client", false},
		{"no client authentication", tokenForm, nil, 401, "invalid_client", false},
		{"wrong secret posted", func(c, v string) url.Values {
			f := tokenForm(c, v)
			f.Set("client_id", clientID)
			f.Set("client_secret", "wrong")
			return f
		}, nil, 401, "invalid_client", false},
		{"two authentication methods", func(c, v string) url.Values {
			f := tokenForm(c, v)
			f.Set("client_secret", clientSecret)
			return f
		}, good, 400, "invalid_request", false},
		{"other grant type", func(c, v string) url.Values {
			f := tokenForm(c, v)
			f.Set("grant_type", "client_credentials")
			return f
		}, good, 400, "unsupported_grant_type", false},
		{"repeated parameter", func(c, v string) url.Values {
			f := tokenForm(c, v)
			f.Add("code", c)
			return f
		}, good, 400, "invalid_request", false},
		{"oversized body", func(c, v string) url.Values {
			f := tokenForm(c, v)
			f.Set("padding", strings.Repeat("a", devidp.MaxBody))
			return f
		}, good, 400, "invalid_request", false},
	}
	refused := 0
	for n, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, verifier := i.login("st", "")
			r := i.post("/token", c.form(code, verifier), c.auth)
			if got := r.json(t); r.status != c.status || got["error"] != c.error || got["error_description"] == "" {
				t.Fatalf("status %d, %v; want %d %s", r.status, got, c.status, c.error)
			}
			if r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
			}
			if c.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
			if c.refused {
				refused++
			}
			if got := i.RefusedCodes(); got != refused {
				t.Errorf("RefusedCodes %d after case %d, want %d", got, n, refused)
			}
			// A refused client has not used the code up.
			if !c.refused {
				r := i.post("/token", tokenForm(code, verifier), good)
				if r.status != http.StatusOK {
					t.Errorf("the code after a refused client: status %d, body %s", r.status, r.body)
				}
			}
		})
	}

	t.Run("client_secret_post", func(t *testing.T) {
		code, verifier := i.login("st", "")
		f := tokenForm(code, verifier)
		f.Set("client_id", clientID)
		f.Set("client_secret", clientSecret)
		if r := i.post("/token", f, nil); r.status != http.StatusOK {
			t.Errorf("status %d, body %s", r.status, r.body)
		}
	})

	t.Run("expired code", func(t *testing.T) {
		before := i.RefusedCodes()
		code, verifier := i.login("st", "")
		i.clock.Add(devidp.CodeTTL)
		r := i.post("/token", tokenForm(code, verifier), good)
		if got := r.json(t); r.status != http.StatusBadRequest || got["error"] != "invalid_grant" {
			t.Errorf("status %d, %v", r.status, got)
		}
		if got := i.RefusedCodes(); got != before+1 {
			t.Errorf("RefusedCodes %d, want %d", got, before+1)
		}
	})
}

func TestAuthorizeErrors(t *testing.T) {
	i := newIDP(t, "", nil)
	_, challenge := pkce("v")
	cases := []struct {
		name   string
		change func(url.Values)
		page   bool   // a 400 page rather than a redirect
		error  string // in the redirect
	}{
		{"unknown client", func(q url.Values) { q.Set("client_id", "other") }, true, ""},
		{"redirect_uri not allowed", func(q url.Values) { q.Set("redirect_uri", "http://evil.test/callback") }, true, ""},
		{"redirect_uri missing", func(q url.Values) { q.Del("redirect_uri") }, true, ""},
		{"redirect_uri twice", func(q url.Values) { q.Add("redirect_uri", redirectURI) }, true, ""},
		{"no PKCE", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, false, "invalid_request"},
		{"plain PKCE", func(q url.Values) { q.Set("code_challenge_method", "plain") }, false, "invalid_request"},
		{"malformed challenge", func(q url.Values) { q.Set("code_challenge", "short") }, false, "invalid_request"},
		{"implicit flow", func(q url.Values) { q.Set("response_type", "id_token") }, false, "unsupported_response_type"},
		{"no openid scope", func(q url.Values) { q.Set("scope", "email profile") }, false, "invalid_scope"},
		{"nonce twice", func(q url.Values) { q.Add("nonce", "again") }, false, "invalid_request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := authParams(challenge, "st-9", "n")
			c.change(q)
			r := i.get("/authorize", q)
			if c.page {
				if r.status != http.StatusBadRequest || r.header.Get("Location") != "" || !strings.Contains(r.body, `lang="da"`) {
					t.Errorf("status %d, Location %q, want a 400 page", r.status, r.header.Get("Location"))
				}
				return
			}
			if r.status != http.StatusFound {
				t.Fatalf("status %d, want 302", r.status)
			}
			got := r.location(t, redirectURI)
			if got.Get("error") != c.error || got.Get("state") != "st-9" || got.Has("code") {
				t.Errorf("redirected with %v, want error %s and state st-9", got, c.error)
			}
		})
	}
}

func TestAnyRedirectURIWithoutList(t *testing.T) {
	i := newIDP(t, "", func(c *devidp.Config) { c.RedirectURIs = nil })
	_, challenge := pkce("v")
	for uri, ok := range map[string]bool{
		"https://anything.example/cb?x=1": true,
		"http://127.0.0.1:5555/cb":        true,
		"javascript:alert(1)":             false,
		"ftp://files.example/cb":          false,
		"/relative/cb":                    false,
		"https://a.example/cb#fragment":   false,
	} {
		q := authParams(challenge, "s", "")
		q.Set("redirect_uri", uri)
		r := i.get("/authorize", q)
		if ok {
			got := r.location(t, strings.SplitN(uri, "?", 2)[0])
			if got.Get("code") == "" || (strings.Contains(uri, "x=1") && got.Get("x") != "1") {
				t.Errorf("%s: redirected with %v", uri, got)
			}
		} else if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", uri, r.status)
		}
	}
}

var requestID = regexp.MustCompile(`name="request_id" value="([^"]+)"`)

func TestPicker(t *testing.T) {
	users := append(devidp.DemoUsers(), devidp.User{Subject: "eve", Name: "Eve <script>alert(1)</script>", Email: "eve@example.dk"})
	i := newIDP(t, "", func(c *devidp.Config) { c.AutoLogin = ""; c.Users = users })
	verifier, challenge := pkce("picker")

	page := func() (reply, string) {
		t.Helper()
		r := i.get("/authorize", authParams(challenge, "", "n-p"))
		if r.status != http.StatusOK {
			t.Fatalf("status %d, body %s", r.status, r.body)
		}
		m := requestID.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no request id on the page:\n%s", r.body)
		}
		return r, m[1]
	}
	r, id := page()

	for _, want := range []string{
		`<html lang="da">`, "<title>Udviklings-IdP</title>", "Vælg en fiktiv bruger", "Kun til udvikling og test – ikke til produktion",
		"Mette Holm", "mette.holm@silkeborg.dk", "Jonas Brandt", "Sofie Lund", "Anders Krogh", "anders.krogh@silkeborg.dk",
		`value="dev-silkeborg-3"`, "Grupper: samspil-viewer", "Ingen grupper", ">Afvis</button>",
		"Eve &lt;script&gt;alert(1)&lt;/script&gt;",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, unwanted := range []string{"<script", "http://", "https://", "src="} {
		if strings.Contains(strings.ReplaceAll(r.body, redirectURI, ""), unwanted) {
			t.Errorf("the page has %q", unwanted)
		}
	}
	if n := strings.Count(r.body, `<form method="post" action="authorize">`); n != len(users)+1 {
		t.Errorf("%d forms, want one per user and one to refuse", n)
	}
	if got := len(requestID.FindAllString(r.body, -1)); got != len(users)+1 {
		t.Errorf("%d forms carry the request id", got)
	}
	// The Content-Security-Policy allows the page's style by its hash.
	csp := r.header.Get("Content-Security-Policy")
	style := r.body[strings.Index(r.body, "<style>")+len("<style>") : strings.Index(r.body, "</style>")]
	sum := sha256.Sum256([]byte(style))
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("Content-Security-Policy %q does not allow the style", csp)
	}

	// Pick Sofie Lund: a code, and no state as the request had none.
	r = i.post("/authorize", url.Values{"request_id": {id}, "subject": {"dev-silkeborg-3"}}, nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("pick: status %d, body %s", r.status, r.body)
	}
	q := r.location(t, redirectURI)
	if q.Has("state") || q.Get("code") == "" {
		t.Errorf("pick redirected with %v", q)
	}
	f := tokenForm(q.Get("code"), verifier)
	f.Set("client_id", clientID)
	f.Set("client_secret", clientSecret)
	tok := i.post("/token", f, nil).json(t)
	claims := verify(t, tok["id_token"].(string), i.jwks())
	if claims["sub"] != "dev-silkeborg-3" || claims["nonce"] != "n-p" || !reflect.DeepEqual(claims["groups"], []any{"samspil-viewer"}) {
		t.Errorf("claims %v", claims)
	}

	// The request is used up.
	if r := i.post("/authorize", url.Values{"request_id": {id}, "subject": {"dev-silkeborg-3"}}, nil); r.status != http.StatusBadRequest || r.header.Get("Location") != "" {
		t.Errorf("second pick: status %d, Location %q", r.status, r.header.Get("Location"))
	}

	// An unknown user is refused, and the request stays usable.
	_, id = page()
	if r := i.post("/authorize", url.Values{"request_id": {id}, "subject": {"nobody"}}, nil); r.status != http.StatusBadRequest {
		t.Errorf("unknown user: status %d", r.status)
	}
	if r := i.post("/authorize", url.Values{"request_id": {id}, "subject": {"dev-silkeborg-4"}}, nil); r.status != http.StatusSeeOther {
		t.Errorf("pick after an unknown user: status %d", r.status)
	}

	// Refusing sends access_denied with the state.
	r = i.get("/authorize", authParams(challenge, "st-deny", ""))
	id = requestID.FindStringSubmatch(r.body)[1]
	r = i.post("/authorize", url.Values{"request_id": {id}, "deny": {"1"}}, nil)
	if q := r.location(t, redirectURI); r.status != http.StatusSeeOther || q.Get("error") != "access_denied" || q.Get("state") != "st-deny" || q.Has("code") {
		t.Errorf("deny: status %d, %v", r.status, q)
	}

	// The picker cannot answer prompt=none.
	q = authParams(challenge, "st-none", "")
	q.Set("prompt", "none")
	if got := i.get("/authorize", q).location(t, redirectURI); got.Get("error") != "login_required" {
		t.Errorf("prompt=none: %v", got)
	}
}

func TestPendingRequestsBounded(t *testing.T) {
	i := newIDP(t, "", func(c *devidp.Config) { c.AutoLogin = "" })
	_, challenge := pkce("bound")
	target := "/authorize?" + authParams(challenge, "", "").Encode()
	var first, last string
	for n := range devidp.MaxPending + 1 {
		rec := httptest.NewRecorder()
		i.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		m := requestID.FindStringSubmatch(rec.Body.String())
		if m == nil {
			t.Fatalf("request %d: status %d", n, rec.Code)
		}
		if n == 0 {
			first = m[1]
		}
		last = m[1]
		i.clock.Add(time.Millisecond)
	}
	pick := func(id string) int {
		return i.post("/authorize", url.Values{"request_id": {id}, "subject": {"dev-silkeborg-1"}}, nil).status
	}
	if got := pick(first); got != http.StatusBadRequest {
		t.Errorf("the oldest request beyond the bound: status %d, want 400", got)
	}
	if got := pick(last); got != http.StatusSeeOther {
		t.Errorf("the newest request: status %d, want 303", got)
	}

	r := i.get("/authorize", authParams(challenge, "", ""))
	id := requestID.FindStringSubmatch(r.body)[1]
	i.clock.Add(devidp.RequestTTL)
	if got := pick(id); got != http.StatusBadRequest {
		t.Errorf("an expired request: status %d, want 400", got)
	}
}

func TestClaimsOfUsers(t *testing.T) {
	users := []devidp.User{
		{Subject: "no-groups", Email: "anders@example.dk", Name: "Anders"},
		{Subject: "empty-groups", Groups: []string{}},
		{Subject: "extra", Email: "x@example.dk", Groups: []string{"a", "b"}, Extra: map[string]any{"email_verified": false, "iss": "https://override.example", "acr": "dev"}},
	}
	for _, u := range users {
		t.Run(u.Subject, func(t *testing.T) {
			i := newIDP(t, "", func(c *devidp.Config) { c.Users = users; c.AutoLogin = u.Subject })
			code, verifier := i.login("s", "")
			tok := i.post("/token", tokenForm(code, verifier), basicAuth(clientID, clientSecret)).json(t)
			claims := verify(t, tok["id_token"].(string), i.jwks())
			if _, ok := claims["nonce"]; ok {
				t.Errorf("a nonce without one in the request: %v", claims)
			}
			switch u.Subject {
			case "no-groups":
				if _, ok := claims["groups"]; ok || claims["email"] != "anders@example.dk" {
					t.Errorf("claims %v, want email and no groups", claims)
				}
			case "empty-groups":
				if g, ok := claims["groups"]; !ok || !reflect.DeepEqual(g, []any{}) {
					t.Errorf("groups %v (present %v), want []", g, ok)
				}
				if _, ok := claims["email"]; ok {
					t.Errorf("an email claim for a user without one")
				}
			case "extra":
				if claims["email_verified"] != false || claims["iss"] != "https://override.example" || claims["acr"] != "dev" || !reflect.DeepEqual(claims["groups"], []any{"a", "b"}) {
					t.Errorf("claims %v, want the extra claims to override", claims)
				}
			}
		})
	}
}

func TestMintIDToken(t *testing.T) {
	i := newIDP(t, "", nil)
	var minted map[string]any
	i.MintIDToken = func(claims map[string]any) (string, error) {
		minted = claims
		return i.SignNone(claims)
	}
	code, verifier := i.login("st", "n-mint")
	tok := i.post("/token", tokenForm(code, verifier), basicAuth(clientID, clientSecret)).json(t)
	idToken := tok["id_token"].(string)
	if h := decodeSegment(t, idToken, 0); !reflect.DeepEqual(h, map[string]any{"alg": "none"}) {
		t.Errorf("header %v, want the tampered token", h)
	}
	for _, k := range []string{"iss", "sub", "aud", "exp", "iat", "nonce", "email", "name", "groups"} {
		if _, ok := minted[k]; !ok {
			t.Errorf("MintIDToken got no %s: %v", k, minted)
		}
	}
	if minted["nonce"] != "n-mint" || minted["aud"] != clientID || minted["iss"] != i.Issuer() {
		t.Errorf("MintIDToken got %v", minted)
	}

	i.MintIDToken = func(map[string]any) (string, error) { return "", errors.New("broken") }
	code, verifier = i.login("st", "")
	r := i.post("/token", tokenForm(code, verifier), basicAuth(clientID, clientSecret))
	if got := r.json(t); r.status != http.StatusInternalServerError || got["error"] != "server_error" {
		t.Errorf("failing MintIDToken: status %d, %v", r.status, got)
	}
}

func TestSignHelpers(t *testing.T) {
	i := newIDP(t, "", nil)
	set := i.jwks()
	claims := map[string]any{"iss": i.Issuer(), "sub": "dev-silkeborg-2", "aud": clientID}
	mustSign := func(sign func(map[string]any) (string, error)) string {
		t.Helper()
		token, err := sign(claims)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeSegment(t, token, 1); got["sub"] != "dev-silkeborg-2" || got["iss"] != i.Issuer() {
			t.Errorf("payload %v", got)
		}
		return token
	}
	publicKey := set.Keys[0].Key.(*rsa.PublicKey)

	t.Run("RS256", func(t *testing.T) {
		token := mustSign(i.SignRS256)
		if h := decodeSegment(t, token, 0); h["alg"] != "RS256" || h["kid"] != i.KeyID() || h["typ"] != "JWT" {
			t.Errorf("header %v", h)
		}
		if got := verify(t, token, set); got["sub"] != "dev-silkeborg-2" {
			t.Errorf("claims %v", got)
		}
	})

	t.Run("none", func(t *testing.T) {
		token := mustSign(i.SignNone)
		if h := decodeSegment(t, token, 0); !reflect.DeepEqual(h, map[string]any{"alg": "none"}) {
			t.Errorf("header %v", h)
		}
		if !strings.HasSuffix(token, ".") || strings.Count(token, ".") != 2 {
			t.Errorf("token %q does not end in an empty signature", token)
		}
		if _, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256}); err == nil {
			t.Errorf("go-jose parses an alg none token as RS256")
		}
	})

	t.Run("HS256 with the public key", func(t *testing.T) {
		token := mustSign(i.SignHS256WithPublicKey)
		if h := decodeSegment(t, token, 0); h["alg"] != "HS256" || h["kid"] != i.KeyID() {
			t.Errorf("header %v", h)
		}
		secret := i.PublicKeyPEM()
		block, rest := pem.Decode(secret)
		if block == nil || block.Type != "PUBLIC KEY" || len(rest) != 0 {
			t.Fatalf("PublicKeyPEM is not one PUBLIC KEY block: %q", secret)
		}
		parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil || !publicKey.Equal(parsed) {
			t.Fatalf("PublicKeyPEM is not the JWKS's key: %v", err)
		}
		dot := strings.LastIndex(token, ".")
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(token[:dot]))
		if got := base64.RawURLEncoding.EncodeToString(mac.Sum(nil)); got != token[dot+1:] {
			t.Errorf("signature %s, want HMAC-SHA256 with the PEM: %s", token[dot+1:], got)
		}
		jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.HS256})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jws.Verify(secret); err != nil {
			t.Errorf("go-jose does not verify it with the PEM as HMAC key: %v", err)
		}
	})

	t.Run("unknown kid", func(t *testing.T) {
		token := mustSign(i.SignUnknownKID)
		h := decodeSegment(t, token, 0)
		kid, _ := h["kid"].(string)
		if h["alg"] != "RS256" || kid == "" || kid == i.KeyID() || len(set.Key(kid)) != 0 {
			t.Errorf("header %v, want RS256 and a kid not in the JWKS", h)
		}
		jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jws.Verify(set); !errors.Is(err, jose.ErrJWKSKidNotFound) {
			t.Errorf("verify with the JWKS: %v, want kid not found", err)
		}
		if _, err := jws.Verify(publicKey); err != nil {
			t.Errorf("not signed with the provider's key: %v", err)
		}
	})

	t.Run("other key", func(t *testing.T) {
		token := mustSign(i.SignOtherKey)
		if h := decodeSegment(t, token, 0); h["alg"] != "RS256" || h["kid"] != i.KeyID() {
			t.Errorf("header %v", h)
		}
		jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jws.Verify(set); err == nil {
			t.Errorf("a token signed with another key verifies with the JWKS")
		}
		again := mustSign(i.SignOtherKey)
		jws2, _ := jose.ParseSignedCompact(again, []jose.SignatureAlgorithm{jose.RS256})
		if !reflect.DeepEqual(jws.Signatures[0].Signature, jws2.Signatures[0].Signature) {
			t.Errorf("SignOtherKey uses a new key each time") // RS256 (PKCS #1 v1.5) is deterministic
		}
	})
}

func TestUserinfoRefusesBadTokens(t *testing.T) {
	i := newIDP(t, "", nil)
	for _, auth := range []string{"", "Bearer ", "Bearer nonsense", "Basic " + base64.StdEncoding.EncodeToString([]byte("rp:s3cret"))} {
		req, _ := http.NewRequest(http.MethodGet, i.Issuer()+"/userinfo", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if r := i.do(req); r.status != http.StatusUnauthorized {
			t.Errorf("Authorization %q: status %d", auth, r.status)
		}
	}

	code, verifier := i.login("s", "")
	access := i.post("/token", tokenForm(code, verifier), basicAuth(clientID, clientSecret)).json(t)["access_token"].(string)
	i.clock.Add(devidp.DefaultTokenTTL)
	req, _ := http.NewRequest(http.MethodGet, i.Issuer()+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	if r := i.do(req); r.status != http.StatusUnauthorized {
		t.Errorf("expired access token: status %d", r.status)
	}
}

func TestLogout(t *testing.T) {
	i := newIDP(t, "", nil)
	cases := []struct {
		query    url.Values
		location string // "" for the page
	}{
		{url.Values{"post_logout_redirect_uri": {redirectURI}, "state": {"s1"}}, redirectURI + "?state=s1"},
		{url.Values{"post_logout_redirect_uri": {"http://rp.test/"}}, "http://rp.test/"},
		{url.Values{"post_logout_redirect_uri": {"http://rp.test/bye?x=1"}, "state": {"s2"}, "client_id": {clientID}}, "http://rp.test/bye?state=s2&x=1"},
		{url.Values{"post_logout_redirect_uri": {"http://evil.test/"}}, ""},
		{url.Values{"post_logout_redirect_uri": {"http://rp.test:8080/"}}, ""},
		{url.Values{"post_logout_redirect_uri": {"http://rp.test/"}, "client_id": {"other"}}, ""},
		{nil, ""},
	}
	for _, c := range cases {
		r := i.get("/logout", c.query)
		if c.location != "" {
			if r.status != http.StatusFound || r.header.Get("Location") != c.location {
				t.Errorf("%v: status %d, Location %q, want 302 to %s", c.query, r.status, r.header.Get("Location"), c.location)
			}
			continue
		}
		if r.status != http.StatusOK || r.header.Get("Location") != "" || !strings.Contains(r.body, "Du er logget ud af udviklings-IdP'en") {
			t.Errorf("%v: status %d, Location %q, want the page; body %s", c.query, r.status, r.header.Get("Location"), r.body)
		}
	}
}

func TestIssuerWithPath(t *testing.T) {
	i := newIDP(t, "/idp", nil)
	if !strings.HasSuffix(i.Issuer(), "/idp") {
		t.Fatalf("issuer %s", i.Issuer())
	}
	doc := i.get("/.well-known/openid-configuration", nil).json(t)
	if doc["issuer"] != i.Issuer() || doc["token_endpoint"] != i.Issuer()+"/token" {
		t.Errorf("discovery %v", doc)
	}
	root := strings.TrimSuffix(i.Issuer(), "/idp")
	res, err := i.http.Get(root + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("discovery outside the issuer's path: status %d", res.StatusCode)
	}
	code, verifier := i.login("s", "n")
	tok := i.post("/token", tokenForm(code, verifier), basicAuth(clientID, clientSecret)).json(t)
	if claims := verify(t, tok["id_token"].(string), i.jwks()); claims["iss"] != i.Issuer() {
		t.Errorf("iss %v", claims["iss"])
	}
}

func TestNewValidates(t *testing.T) {
	good := devidp.DemoConfig()
	cases := map[string]func(*devidp.Config){
		"no issuer":            func(c *devidp.Config) { c.Issuer = "" },
		"trailing slash":       func(c *devidp.Config) { c.Issuer += "/" },
		"not http":             func(c *devidp.Config) { c.Issuer = "ftp://127.0.0.1:9998" },
		"no host":              func(c *devidp.Config) { c.Issuer = "http://" },
		"query":                func(c *devidp.Config) { c.Issuer += "?x=1" },
		"no client id":         func(c *devidp.Config) { c.ClientID = "" },
		"no secret":            func(c *devidp.Config) { c.ClientSecret = "" },
		"relative redirect":    func(c *devidp.Config) { c.RedirectURIs = []string{"/callback"} },
		"redirect fragment":    func(c *devidp.Config) { c.RedirectURIs = []string{"http://a.test/cb#x"} },
		"no subject":           func(c *devidp.Config) { c.Users = append(c.Users, devidp.User{Name: "X"}) },
		"subject twice":        func(c *devidp.Config) { c.Users = append(c.Users, c.Users[0]) },
		"unknown auto login":   func(c *devidp.Config) { c.AutoLogin = "nobody" },
		"auto login, no users": func(c *devidp.Config) { c.Users = nil; c.AutoLogin = "dev-silkeborg-1" },
	}
	for name, change := range cases {
		cfg := good
		cfg.Users = devidp.DemoUsers()
		change(&cfg)
		if _, err := devidp.New(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	p, err := devidp.New(good)
	if err != nil {
		t.Fatal(err)
	}
	if p.Issuer() != devidp.DemoIssuer || len(p.KeyID()) < 16 {
		t.Errorf("issuer %q, kid %q", p.Issuer(), p.KeyID())
	}
}

func TestDemoUsers(t *testing.T) {
	users := devidp.DemoUsers()
	if len(users) != 4 {
		t.Fatalf("%d demo users", len(users))
	}
	for n, u := range users {
		if u.Subject == "" || !strings.HasSuffix(u.Email, "@silkeborg.dk") || u.Name == "" {
			t.Errorf("demo user %d: %+v", n, u)
		}
	}
	if users[3].Groups != nil {
		t.Errorf("the last demo user has groups %v, want none", users[3].Groups)
	}
	users[0].Groups[0] = "changed"
	if devidp.DemoUsers()[0].Groups[0] != "samspil-admin" {
		t.Errorf("DemoUsers shares its slices")
	}
}
