// Package devidp is a small OpenID Connect identity provider for development
// and tests. It signs in fictional users, picked on a page or automatically,
// with the authorization code flow and PKCE (S256), and signs ID tokens with
// an RSA key it generates at start.
//
// It has two uses: newcomers run it next to the demo to try single sign-on
// (go run ./cmd/samspil-devidp), and tests run it with httptest as a provider
// that can be made to misbehave ([Provider.MintIDToken] and the Sign*
// methods), to prove that the relying party refuses bad tokens.
//
// It has no passwords and trusts anyone who reaches it: it must never be
// part of the production binary, so only tests and cmd/samspil-devidp
// import it.
//
// The issuer must be known before the provider is made, so in tests make
// the listener first:
//
//	srv := httptest.NewUnstartedServer(nil)
//	p, err := devidp.New(devidp.Config{Issuer: "http://" + srv.Listener.Addr().String(), ...})
//	srv.Config.Handler = p.Handler()
//	srv.Start()
package devidp

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// The demo's provider, as cmd/samspil-devidp runs it by default.
const (
	DemoAddr         = "127.0.0.1:9998"
	DemoIssuer       = "http://" + DemoAddr
	DemoClientID     = "samspil-demo"
	DemoClientSecret = "demo-secret"
	DemoRedirectURI  = "http://localhost:8080/login/sso/callback"
)

// DemoUsers returns four fictional users of Silkeborg Kommune: an
// administrator, an editor, a viewer and one without groups, to show that
// signing in at an identity provider grants nothing by itself.
func DemoUsers() []User {
	return []User{
		{Subject: "dev-silkeborg-1", Email: "mette.holm@silkeborg.dk", Name: "Mette Holm", Groups: []string{"samspil-admin"}},
		{Subject: "dev-silkeborg-2", Email: "jonas.brandt@silkeborg.dk", Name: "Jonas Brandt", Groups: []string{"samspil-editor"}},
		{Subject: "dev-silkeborg-3", Email: "sofie.lund@silkeborg.dk", Name: "Sofie Lund", Groups: []string{"samspil-viewer"}},
		{Subject: "dev-silkeborg-4", Email: "anders.krogh@silkeborg.dk", Name: "Anders Krogh"},
	}
}

// DemoConfig returns the configuration of the demo's provider: the demo
// issuer, client and redirect URI, and [DemoUsers].
func DemoConfig() Config {
	return Config{
		Issuer:       DemoIssuer,
		ClientID:     DemoClientID,
		ClientSecret: DemoClientSecret,
		RedirectURIs: []string{DemoRedirectURI},
		Users:        DemoUsers(),
	}
}

// Bounds and lifetimes.
const (
	DefaultTokenTTL = 5 * time.Minute  // of ID and access tokens, unless Config.TokenTTL says otherwise
	CodeTTL         = 60 * time.Second // of an authorization code
	RequestTTL      = 10 * time.Minute // of an authorization request waiting on the picker page
	MaxPending      = 10000            // pending requests, codes and access tokens, each
	MaxBody         = 64 << 10         // bytes of a form
	maxParam        = 2048             // bytes of state and nonce
)

// User is a fictional user the provider can sign in.
type User struct {
	Subject string         // immutable subject ("sub")
	Email   string         // "email", with "email_verified": true; omitted when empty
	Name    string         // "name"; omitted when empty
	Groups  []string       // emitted as the "groups" claim (array of strings); omitted when nil
	Extra   map[string]any // further claims merged into the ID token, may override
}

// Config configures a [Provider].
type Config struct {
	// Issuer is required, e.g. "http://127.0.0.1:9998". It must equal the
	// URL the handler is served at, without a trailing slash. When it has a
	// path, e.g. "http://127.0.0.1:1234/idp", the handler serves under it.
	Issuer string
	// ClientID and ClientSecret are the one client's credentials; the token
	// endpoint accepts client_secret_basic and client_secret_post.
	ClientID, ClientSecret string
	// RedirectURIs are the allowed redirect_uri values (exact match). When
	// empty any http or https URI is accepted, which suits tests.
	RedirectURIs []string
	// Users are shown on the picker page.
	Users []User
	// AutoLogin, when set, makes /authorize sign this subject in at once,
	// without the picker page, for tests without a browser.
	AutoLogin string
	// TokenTTL is the ID and access tokens' lifetime; default 5 minutes.
	TokenTTL time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Provider is an OpenID Connect identity provider. Its methods are safe for
// concurrent use; set MintIDToken before serving.
type Provider struct {
	// MintIDToken, when set, replaces the default minting
	// ([Provider.SignRS256]): it receives the claims the provider would
	// sign, already complete (iss, sub, aud, exp, iat, nonce if the request
	// had one, email, email_verified, name, groups and the user's extra
	// claims), and returns the compact ID token to hand out. Tests use it
	// with the Sign* methods to tamper.
	MintIDToken func(claims map[string]any) (string, error)

	cfg       Config
	key       *rsa.PrivateKey
	kid       string
	publicPEM []byte // PKIX "PUBLIC KEY" PEM of key's public half
	discovery []byte
	jwks      []byte
	handler   http.Handler

	otherKey    *rsa.PrivateKey // for SignOtherKey, made on first use
	otherKeyErr error
	otherOnce   sync.Once

	mu       sync.Mutex
	requests *store[authRequest] // by request id, waiting on the picker page
	codes    *store[*codeGrant]  // by code
	tokens   *store[string]      // subject by access token
	refused  int
}

// authRequest is what /authorize was asked.
type authRequest struct {
	redirectURI string
	state       string
	nonce       string
	challenge   string // S256 code challenge
	scope       string
}

// codeGrant is an issued authorization code.
type codeGrant struct {
	authRequest
	subject     string
	used        bool
	accessToken string // issued for the code, revoked when the code is used again
}

// New validates cfg and makes a provider with a new RSA-2048 signing key
// under a random key id.
func New(cfg Config) (*Provider, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.RedirectURIs = slices.Clone(cfg.RedirectURIs)
	cfg.Users = slices.Clone(cfg.Users)
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("devidp: generate signing key: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("devidp: encode public key: %w", err)
	}
	p := &Provider{
		cfg:       cfg,
		key:       key,
		kid:       randomString(12),
		publicPEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
		requests:  newStore[authRequest](MaxPending),
		codes:     newStore[*codeGrant](MaxPending),
		tokens:    newStore[string](MaxPending),
	}
	if p.discovery, err = json.Marshal(p.discoveryDocument()); err != nil {
		return nil, fmt.Errorf("devidp: encode discovery document: %w", err)
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: p.kid, Algorithm: string(jose.RS256), Use: "sig"}}}
	if p.jwks, err = json.Marshal(set); err != nil {
		return nil, fmt.Errorf("devidp: encode JWKS: %w", err)
	}
	p.handler = p.routes()
	return p, nil
}

func (c Config) validate() error {
	u, err := url.Parse(c.Issuer)
	switch {
	case c.Issuer == "":
		return errors.New("devidp: Issuer is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("devidp: Issuer %q must be an http or https URL", c.Issuer)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.RawFragment != "":
		return fmt.Errorf("devidp: Issuer %q must have no user, query or fragment", c.Issuer)
	case strings.HasSuffix(c.Issuer, "/"):
		return fmt.Errorf("devidp: Issuer %q must not end in a slash", c.Issuer)
	case u.RawPath != "":
		return fmt.Errorf("devidp: Issuer %q must have a path that needs no escaping", c.Issuer)
	case c.ClientID == "":
		return errors.New("devidp: ClientID is required")
	case c.ClientSecret == "":
		return errors.New("devidp: ClientSecret is required")
	}
	for _, uri := range c.RedirectURIs {
		if _, ok := parseRedirect(uri); !ok {
			return fmt.Errorf("devidp: redirect URI %q must be an absolute http or https URL without user or fragment", uri)
		}
	}
	seen := make(map[string]bool, len(c.Users))
	for _, u := range c.Users {
		switch {
		case u.Subject == "":
			return errors.New("devidp: a user has no Subject")
		case seen[u.Subject]:
			return fmt.Errorf("devidp: subject %q is given twice", u.Subject)
		}
		seen[u.Subject] = true
	}
	if c.AutoLogin != "" && !seen[c.AutoLogin] {
		return fmt.Errorf("devidp: AutoLogin %q is none of the users' subjects", c.AutoLogin)
	}
	return nil
}

// Issuer returns the issuer URL.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

// KeyID returns the signing key's id ("kid").
func (p *Provider) KeyID() string { return p.kid }

// RefusedCodes returns how often the token endpoint refused a code with
// invalid_grant: unknown, expired or already used, or presented with the
// wrong redirect_uri or code_verifier.
func (p *Provider) RefusedCodes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused
}

// Handler returns the handler of all endpoints, under the issuer's path:
// /.well-known/openid-configuration, /jwks, /authorize, /token, /userinfo
// and /logout.
func (p *Provider) Handler() http.Handler { return p.handler }

func (p *Provider) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.serveDiscovery)
	mux.HandleFunc("GET /jwks", p.serveJWKS)
	mux.HandleFunc("GET /authorize", p.serveAuthorize)
	mux.HandleFunc("POST /authorize", p.servePick)
	mux.HandleFunc("POST /token", p.serveToken)
	mux.HandleFunc("GET /userinfo", p.serveUserinfo)
	mux.HandleFunc("POST /userinfo", p.serveUserinfo)
	mux.HandleFunc("GET /logout", p.serveLogout)
	mux.HandleFunc("POST /logout", p.serveLogout)

	var h http.Handler = mux
	if path := p.issuerPath(); path != "" {
		h = http.StripPrefix(path, mux)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

func (p *Provider) issuerPath() string {
	u, _ := url.Parse(p.cfg.Issuer) // validated by New
	return u.Path
}

// discoveryDocument is the OpenID Provider Metadata.
func (p *Provider) discoveryDocument() map[string]any {
	iss := p.cfg.Issuer
	return map[string]any{
		"issuer":                                         iss,
		"authorization_endpoint":                         iss + "/authorize",
		"token_endpoint":                                 iss + "/token",
		"jwks_uri":                                       iss + "/jwks",
		"userinfo_endpoint":                              iss + "/userinfo",
		"end_session_endpoint":                           iss + "/logout",
		"response_types_supported":                       []string{"code"},
		"response_modes_supported":                       []string{"query"},
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          []string{"RS256"},
		"code_challenge_methods_supported":               []string{"S256"},
		"scopes_supported":                               []string{"openid", "email", "profile", "groups"},
		"claims_supported":                               []string{"iss", "sub", "aud", "exp", "iat", "nonce", "email", "email_verified", "name", "groups"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_basic", "client_secret_post"},
		"grant_types_supported":                          []string{"authorization_code"},
		"authorization_response_iss_parameter_supported": true,
	}
}

func (p *Provider) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	writeRawJSON(w, http.StatusOK, p.discovery)
}

func (p *Provider) serveJWKS(w http.ResponseWriter, r *http.Request) {
	writeRawJSON(w, http.StatusOK, p.jwks)
}

// serveAuthorize starts the authorization code flow. Until client_id and
// redirect_uri are known to be good, errors are shown on a page; after
// that they go back to the client as the specification says.
func (p *Provider) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case len(q["client_id"]) > 1 || len(q["redirect_uri"]) > 1:
		p.errorPage(w, http.StatusBadRequest, "client_id eller redirect_uri er angivet mere end én gang.")
		return
	case q.Get("client_id") != p.cfg.ClientID:
		p.errorPage(w, http.StatusBadRequest, "Klienten (client_id) er ukendt.")
		return
	case !p.redirectAllowed(q.Get("redirect_uri")):
		p.errorPage(w, http.StatusBadRequest, "Adressen, klienten vil sendes tilbage til (redirect_uri), er ikke godkendt.")
		return
	}
	req := authRequest{
		redirectURI: q.Get("redirect_uri"),
		state:       q.Get("state"),
		nonce:       q.Get("nonce"),
		challenge:   q.Get("code_challenge"),
		scope:       q.Get("scope"),
	}
	fail := func(code, description string) {
		p.redirectError(w, r, req, http.StatusFound, code, description)
	}
	for name, values := range q {
		if len(values) > 1 {
			fail("invalid_request", name+" is given more than once")
			return
		}
	}
	switch rt := q.Get("response_type"); {
	case rt == "":
		fail("invalid_request", "response_type is required")
		return
	case rt != "code":
		fail("unsupported_response_type", "only response_type=code is supported")
		return
	}
	switch {
	case !slices.Contains(strings.Fields(req.scope), "openid"):
		fail("invalid_scope", "scope must contain openid")
	case req.challenge == "":
		fail("invalid_request", "PKCE is required: code_challenge is missing")
	case q.Get("code_challenge_method") != "S256":
		fail("invalid_request", "code_challenge_method must be S256")
	case !validChallenge(req.challenge):
		fail("invalid_request", "code_challenge must be the base64url SHA-256 of the code_verifier, 43 characters")
	case len(req.state) > maxParam || len(req.nonce) > maxParam:
		fail("invalid_request", "state or nonce is too long")
	case q.Has("request") || q.Has("request_uri"):
		fail("request_not_supported", "request objects are not supported")
	case p.cfg.AutoLogin != "":
		p.redirectCode(w, r, req, p.cfg.AutoLogin, http.StatusFound)
	case q.Get("prompt") == "none":
		fail("login_required", "the user must pick a fictional user")
	default:
		id := randomString(32)
		now := p.cfg.Now()
		p.mu.Lock()
		p.requests.put(now, id, req, now.Add(RequestTTL))
		p.mu.Unlock()
		p.pickerPage(w, id, req)
	}
}

// servePick receives the picker page's form: request_id and either a
// subject or "deny".
func (p *Provider) servePick(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		p.errorPage(w, http.StatusBadRequest, "Formularen kunne ikke læses.")
		return
	}
	id := r.PostForm.Get("request_id")
	deny := r.PostForm.Has("deny")
	subject := r.PostForm.Get("subject")
	_, known := p.user(subject)

	now := p.cfg.Now()
	p.mu.Lock()
	req, ok := p.requests.get(now, id)
	if ok && (deny || known) {
		p.requests.delete(id)
	}
	p.mu.Unlock()

	switch {
	case !ok:
		p.errorPage(w, http.StatusBadRequest, "Login-anmodningen er ukendt eller udløbet. Start forfra hos tjenesten.")
	case deny:
		p.redirectError(w, r, req, http.StatusSeeOther, "access_denied", "the user declined")
	case !known:
		p.errorPage(w, http.StatusBadRequest, "Den valgte bruger findes ikke.")
	default:
		p.redirectCode(w, r, req, subject, http.StatusSeeOther)
	}
}

// redirectCode issues a one-time code for subject and sends the browser
// back to the client with it.
func (p *Provider) redirectCode(w http.ResponseWriter, r *http.Request, req authRequest, subject string, status int) {
	code := randomString(32)
	now := p.cfg.Now()
	p.mu.Lock()
	p.codes.put(now, code, &codeGrant{authRequest: req, subject: subject}, now.Add(CodeTTL))
	p.mu.Unlock()
	p.redirectBack(w, r, req, status, url.Values{"code": {code}})
}

// redirectError sends the browser back to the client with an error
// (RFC 6749, section 4.1.2.1).
func (p *Provider) redirectError(w http.ResponseWriter, r *http.Request, req authRequest, status int, code, description string) {
	p.redirectBack(w, r, req, status, url.Values{"error": {code}, "error_description": {description}})
}

// redirectBack redirects to the request's redirect URI with params added to
// its query, and state and iss (RFC 9207).
func (p *Provider) redirectBack(w http.ResponseWriter, r *http.Request, req authRequest, status int, params url.Values) {
	u, _ := url.Parse(req.redirectURI) // checked by redirectAllowed
	q := u.Query()
	maps.Copy(q, params)
	if req.state != "" {
		q.Set("state", req.state)
	}
	q.Set("iss", p.cfg.Issuer)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), status)
}

// serveToken exchanges a code for tokens (RFC 6749, section 4.1.3, and
// RFC 7636, section 4.6).
func (p *Provider) serveToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "the body must be a form of at most 64 KiB")
		return
	}
	form := r.PostForm
	for name, values := range form {
		if len(values) > 1 {
			writeTokenError(w, http.StatusBadRequest, "invalid_request", name+" is given more than once")
			return
		}
	}
	if _, _, basic := r.BasicAuth(); basic && form.Has("client_secret") {
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "use one client authentication method, not both")
		return
	}
	if !p.clientAuthenticated(r, form) {
		w.Header().Set("WWW-Authenticate", `Basic realm="devidp"`)
		writeTokenError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	switch gt := form.Get("grant_type"); {
	case gt == "":
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
		return
	case gt != "authorization_code":
		writeTokenError(w, http.StatusBadRequest, "unsupported_grant_type", "only authorization_code is supported")
		return
	case form.Get("code") == "":
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "code is required")
		return
	}

	grant, accessToken, refusal := p.redeem(form.Get("code"), form.Get("redirect_uri"), form.Get("code_verifier"))
	if refusal != "" {
		writeTokenError(w, http.StatusBadRequest, "invalid_grant", refusal)
		return
	}
	user, _ := p.user(grant.subject)
	mint := p.MintIDToken
	if mint == nil {
		mint = p.SignRS256
	}
	idToken, err := mint(p.idTokenClaims(grant, user))
	if err != nil {
		p.mu.Lock()
		p.tokens.delete(accessToken)
		p.mu.Unlock()
		writeTokenError(w, http.StatusInternalServerError, "server_error", "the ID token could not be made")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": accessToken,
		"token_type":   "Bearer",
		"expires_in":   int64(p.cfg.TokenTTL / time.Second),
		"id_token":     idToken,
		"scope":        grant.scope,
	})
}

// clientAuthenticated checks client_secret_basic or, without an
// Authorization header, client_secret_post.
func (p *Provider) clientAuthenticated(r *http.Request, form url.Values) bool {
	id, secret, basic := r.BasicAuth()
	if !basic {
		return equal(form.Get("client_id"), p.cfg.ClientID) && equal(form.Get("client_secret"), p.cfg.ClientSecret)
	}
	// RFC 6749, section 2.3.1, form-encodes both before Basic encoding;
	// accept them as sent too, as many clients skip that.
	matches := func(got, want string) bool {
		decoded, err := url.QueryUnescape(got)
		return equal(got, want) || (err == nil && equal(decoded, want))
	}
	if form.Has("client_id") && !equal(form.Get("client_id"), p.cfg.ClientID) {
		return false
	}
	return matches(id, p.cfg.ClientID) && matches(secret, p.cfg.ClientSecret)
}

// redeem uses up a code and issues an access token for it, or says why
// the code is refused. Any attempt uses the code up, so that a verifier
// cannot be guessed, and a second use revokes the access token of the
// first (RFC 6749, section 4.1.2).
func (p *Provider) redeem(code, redirectURI, verifier string) (grant *codeGrant, accessToken, refusal string) {
	now := p.cfg.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.codes.get(now, code)
	switch {
	case !ok:
		refusal = "the code is unknown or expired"
	case g.used:
		p.tokens.delete(g.accessToken)
		refusal = "the code has already been used"
	case redirectURI != g.redirectURI:
		refusal = "redirect_uri differs from the authorization request's"
	case !verifierMatches(verifier, g.challenge):
		refusal = "code_verifier is missing or does not match the code_challenge"
	}
	if ok {
		g.used = true
	}
	if refusal != "" {
		p.refused++
		return nil, "", refusal
	}
	g.accessToken = randomString(32)
	p.tokens.put(now, g.accessToken, g.subject, now.Add(p.cfg.TokenTTL))
	return g, g.accessToken, ""
}

// idTokenClaims returns the claims of the ID token for a redeemed code.
func (p *Provider) idTokenClaims(g *codeGrant, u User) map[string]any {
	now := p.cfg.Now()
	claims := map[string]any{
		"iss": p.cfg.Issuer,
		"sub": u.Subject,
		"aud": p.cfg.ClientID,
		"iat": now.Unix(),
		"exp": now.Add(p.cfg.TokenTTL).Unix(),
	}
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	maps.Copy(claims, profileClaims(u))
	maps.Copy(claims, u.Extra)
	return claims
}

// profileClaims returns the user's email, email_verified, name and groups
// claims, those that are set.
func profileClaims(u User) map[string]any {
	claims := map[string]any{}
	if u.Email != "" {
		claims["email"] = u.Email
		claims["email_verified"] = true
	}
	if u.Name != "" {
		claims["name"] = u.Name
	}
	if u.Groups != nil {
		claims["groups"] = slices.Clone(u.Groups)
	}
	return claims
}

// serveUserinfo answers a bearer access token with the user's claims.
func (p *Provider) serveUserinfo(w http.ResponseWriter, r *http.Request) {
	token, ok := bearerToken(r)
	var subject string
	if ok {
		p.mu.Lock()
		subject, ok = p.tokens.get(p.cfg.Now(), token)
		p.mu.Unlock()
	}
	user, known := p.user(subject)
	if !ok || !known {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeTokenError(w, http.StatusUnauthorized, "invalid_token", "the access token is missing, unknown or expired")
		return
	}
	claims := profileClaims(user)
	claims["sub"] = user.Subject
	writeJSON(w, http.StatusOK, claims)
}

func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// serveLogout ends the session (there is none to end) and sends the
// browser to post_logout_redirect_uri when that is allowed, else shows a
// page (OpenID Connect RP-Initiated Logout 1.0).
func (p *Provider) serveLogout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		p.errorPage(w, http.StatusBadRequest, "Formularen kunne ikke læses.")
		return
	}
	target := r.Form.Get("post_logout_redirect_uri")
	clientID := r.Form.Get("client_id")
	if target != "" && (clientID == "" || clientID == p.cfg.ClientID) && p.postLogoutAllowed(target) {
		u, _ := url.Parse(target) // checked by postLogoutAllowed
		if state := r.Form.Get("state"); state != "" && len(state) <= maxParam {
			q := u.Query()
			q.Set("state", state)
			u.RawQuery = q.Encode()
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, u.String(), http.StatusFound)
		return
	}
	p.logoutPage(w, target)
}

// redirectAllowed reports whether uri may be a redirect_uri: one of
// Config.RedirectURIs, or any http or https URI when there are none.
func (p *Provider) redirectAllowed(uri string) bool {
	if _, ok := parseRedirect(uri); !ok {
		return false
	}
	return len(p.cfg.RedirectURIs) == 0 || slices.Contains(p.cfg.RedirectURIs, uri)
}

// postLogoutAllowed reports whether uri may be a post_logout_redirect_uri:
// an allowed redirect URI, or one with the origin of one.
func (p *Provider) postLogoutAllowed(uri string) bool {
	u, ok := parseRedirect(uri)
	if !ok {
		return false
	}
	if p.redirectAllowed(uri) {
		return true
	}
	for _, allowed := range p.cfg.RedirectURIs {
		if a, _ := parseRedirect(allowed); origin(a) == origin(u) {
			return true
		}
	}
	return false
}

// parseRedirect parses an absolute http or https URL without user
// information or fragment.
func parseRedirect(uri string) (*url.URL, bool) {
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" || strings.Contains(uri, "#") {
		return nil, false
	}
	return u, true
}

func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

func (p *Provider) user(subject string) (User, bool) {
	for _, u := range p.cfg.Users {
		if u.Subject == subject && subject != "" {
			return u, true
		}
	}
	return User{}, false
}

// validChallenge reports whether s looks like an S256 code challenge: the
// unpadded base64url encoding of 32 bytes.
func validChallenge(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == sha256.Size
}

// verifierMatches reports whether verifier is a valid code verifier (RFC
// 7636, section 4.1) whose S256 hash is challenge.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	for _, c := range []byte(verifier) {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0) {
			return false
		}
	}
	sum := sha256.Sum256([]byte(verifier))
	return equal(base64.RawURLEncoding.EncodeToString(sum[:]), challenge)
}

func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// randomString returns n random bytes, base64url encoded.
func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails, see its documentation
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the answer failed", http.StatusInternalServerError)
		return
	}
	writeRawJSON(w, status, body)
}

func writeRawJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	w.Write(body)
}

// writeTokenError writes an error as RFC 6749, section 5.2, says.
func writeTokenError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// store holds short-lived entries under random keys, at most limit of them.
// It is guarded by the provider's mutex.
type store[T any] struct {
	limit     int
	entries   map[string]entry[T]
	lastSweep time.Time
}

type entry[T any] struct {
	value   T
	expires time.Time
}

func newStore[T any](limit int) *store[T] {
	return &store[T]{limit: limit, entries: make(map[string]entry[T])}
}

// put adds value under key until expires. It drops expired entries now and
// then, and when the store is full the entry that expires first.
func (s *store[T]) put(now time.Time, key string, value T, expires time.Time) {
	if len(s.entries) >= s.limit || now.Sub(s.lastSweep) > time.Minute {
		s.sweep(now)
	}
	if len(s.entries) >= s.limit {
		first := ""
		for k, e := range s.entries {
			if first == "" || e.expires.Before(s.entries[first].expires) {
				first = k
			}
		}
		delete(s.entries, first)
	}
	s.entries[key] = entry[T]{value: value, expires: expires}
}

// get returns the value under key unless it is missing or expired.
func (s *store[T]) get(now time.Time, key string) (T, bool) {
	e, ok := s.entries[key]
	if !ok || !now.Before(e.expires) {
		var zero T
		return zero, false
	}
	return e.value, true
}

func (s *store[T]) delete(key string) { delete(s.entries, key) }

func (s *store[T]) sweep(now time.Time) {
	s.lastSweep = now
	for k, e := range s.entries {
		if !now.Before(e.expires) {
			delete(s.entries, k)
		}
	}
}

// pickerPage shows the fictional users to pick from.
func (p *Provider) pickerPage(w http.ResponseWriter, requestID string, req authRequest) {
	render(w, http.StatusOK, "picker", map[string]any{
		"ClientID":    p.cfg.ClientID,
		"RedirectURI": req.redirectURI,
		"RequestID":   requestID,
		"Users":       p.cfg.Users,
	})
}

// errorPage shows message, in Danish, when the browser cannot be sent
// back to the client.
func (p *Provider) errorPage(w http.ResponseWriter, status int, message string) {
	render(w, status, "error", message)
}

// logoutPage says the user is signed out; refused is a
// post_logout_redirect_uri that was not allowed, if any.
func (p *Provider) logoutPage(w http.ResponseWriter, refused string) {
	render(w, http.StatusOK, "logout", refused)
}

func render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "rendering the page failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pageCSS is the pages' only style. The Content-Security-Policy allows it by
// its hash, and no script, image, font or other resource at all.
const pageCSS = `
body{margin:0;font:1rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f4f2}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem}
.notice{margin:0 0 1.5rem;padding:.75rem 1rem;border:2px solid #8a5a00;background:#fff4d6;font-weight:bold}
ul{list-style:none;margin:0;padding:0}
li{margin:0 0 1rem}
button{display:block;width:100%;padding:.75rem 1rem;font:inherit;text-align:left;color:inherit;background:#fff;border:1px solid #767676;border-radius:4px;cursor:pointer}
button:hover{background:#eef3fb}
button:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.name{display:block;font-weight:bold}
.groups,.help{margin:.25rem 0 0;font-size:.875rem;color:#4a4a4a}
.deny{width:auto;margin-top:1.5rem}
code{overflow-wrap:anywhere}
`

var pageCSP = func() string {
	sum := sha256.Sum256([]byte(pageCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; frame-ancestors 'none'; base-uri 'none'"
}()

var pages = template.Must(template.New("pages").Funcs(template.FuncMap{"join": strings.Join}).Parse(`
{{define "top"}}<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.}}</title>
<style>` + pageCSS + `</style>
</head>
<body>
<main>
<p class="notice" role="note">Kun til udvikling og test – ikke til produktion</p>
{{end}}

{{define "bottom"}}</main>
</body>
</html>
{{end}}

{{define "picker"}}{{template "top" "Udviklings-IdP"}}
<h1>Vælg en fiktiv bruger</h1>
<p>Klienten <code>{{.ClientID}}</code> beder dig logge ind. Bagefter sendes du tilbage til <code>{{.RedirectURI}}</code>.</p>
{{with .Users}}<ul>
{{range $i, $u := .}}<li>
<form method="post" action="authorize">
<input type="hidden" name="request_id" value="{{$.RequestID}}">
<button type="submit" name="subject" value="{{$u.Subject}}" aria-describedby="groups-{{$i}}"><span class="name">{{or $u.Name $u.Subject}}</span> <span class="email">{{$u.Email}}</span></button>
<p class="groups" id="groups-{{$i}}">{{if $u.Groups}}Grupper: {{join $u.Groups ", "}}{{else}}Ingen grupper{{end}}</p>
</form>
</li>
{{end}}</ul>
{{else}}<p>Der er ingen fiktive brugere at vælge imellem.</p>
{{end}}<form method="post" action="authorize">
<input type="hidden" name="request_id" value="{{.RequestID}}">
<button type="submit" name="deny" value="1" class="deny" aria-describedby="deny-help">Afvis</button>
<p class="help" id="deny-help">Sender dig tilbage til tjenesten uden at logge ind.</p>
</form>
{{template "bottom"}}{{end}}

{{define "error"}}{{template "top" "Fejl – Udviklings-IdP"}}
<h1>Login kan ikke gennemføres</h1>
<p>{{.}}</p>
{{template "bottom"}}{{end}}

{{define "logout"}}{{template "top" "Logget ud – Udviklings-IdP"}}
<h1>Du er logget ud af udviklings-IdP'en</h1>
{{if .}}<p>Du sendes ikke tilbage til <code>{{.}}</code>, da adressen ikke er godkendt for klienten.</p>
{{end}}<p>Du kan lukke vinduet.</p>
{{template "bottom"}}{{end}}
`))
