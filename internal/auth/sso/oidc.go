// Package sso speaks the single sign-on protocols with an organisation's
// identity provider: it builds the redirect that starts a sign-in and
// checks what comes back, and hands the store an samspil.SSOIdentity only
// when every check has passed. What a refusal was is a Refusal, whose
// reason goes to the audit log.
package sso

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/samspil/samspil"
)

// Refusal is a sign-in the protocol checks refused. Reason is a short
// code for the audit log; Err says what went wrong for the log of the
// server (the person signing in is told less).
type Refusal struct {
	Reason  string
	Subject string // who the provider said it was, when that was read before the refusal
	Err     error
}

func (r *Refusal) Error() string { return r.Reason + ": " + r.Err.Error() }
func (r *Refusal) Unwrap() error { return r.Err }

func refuse(reason string, format string, args ...any) *Refusal {
	return &Refusal{Reason: reason, Err: fmt.Errorf(format, args...)}
}

// signingAlgs are the ID token signatures accepted: asymmetric only, so
// that a key published for verifying can never sign (no "none", no HS256).
var signingAlgs = []string{oidc.RS256, oidc.RS384, oidc.RS512, oidc.PS256, oidc.PS384, oidc.PS512, oidc.ES256, oidc.ES384, oidc.ES512}

// maxSkew is how far an ID token's issue time may lie in the future.
const maxSkew = 2 * time.Minute

// rediscoverAfter is how long a provider's discovery document is kept.
const rediscoverAfter = 12 * time.Hour

// OIDC signs people in with OpenID Connect providers: the authorisation
// code flow with PKCE (S256), state and nonce. Discovery documents and key
// sets are cached per provider and version.
type OIDC struct {
	Client *Client
	Now    func() time.Time // the clock for ID token checks; nil is time.Now

	mu    sync.Mutex
	cache map[string]*oidcEntry
}

type oidcEntry struct {
	version    int
	issuer     string
	provider   *oidc.Provider
	verifier   *oidc.IDTokenVerifier
	endSession string
	fetched    time.Time
}

func (o *OIDC) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// entry returns the cached discovery of a provider, reading it when
// missing, stale, or of an older version of the configuration.
func (o *OIDC) entry(ctx context.Context, p *samspil.IdentityProvider) (*oidcEntry, error) {
	if p.OIDC == nil {
		return nil, refuse("configuration", "the provider has no OpenID Connect settings")
	}
	o.mu.Lock()
	e := o.cache[p.ID]
	o.mu.Unlock()
	if e != nil && e.version == p.Version && e.issuer == p.OIDC.Issuer && time.Since(e.fetched) < rediscoverAfter {
		return e, nil
	}
	// Key fetches outlive the request that first needed them.
	bg := oidc.ClientContext(context.WithoutCancel(ctx), o.Client.HTTP())
	dctx, cancel := context.WithTimeout(bg, o.Client.timeout())
	defer cancel()
	prov, err := oidc.NewProvider(dctx, p.OIDC.Issuer)
	if err != nil {
		return nil, refuse("discovery", "reading the discovery document of %s: %w", p.OIDC.Issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := prov.Claims(&meta); err != nil {
		return nil, refuse("discovery", "reading the discovery document of %s: %w", p.OIDC.Issuer, err)
	}
	e = &oidcEntry{version: p.Version, issuer: p.OIDC.Issuer, provider: prov, endSession: meta.EndSession, fetched: time.Now()}
	e.verifier = prov.VerifierContext(bg, &oidc.Config{ClientID: p.OIDC.ClientID, SupportedSigningAlgs: signingAlgs, Now: o.now})
	o.mu.Lock()
	if o.cache == nil {
		o.cache = map[string]*oidcEntry{}
	}
	o.cache[p.ID] = e
	o.mu.Unlock()
	return e, nil
}

func (o *OIDC) oauth(e *oidcEntry, p *samspil.IdentityProvider, redirectURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     p.OIDC.ClientID,
		ClientSecret: p.OIDC.ClientSecret,
		Endpoint:     e.provider.Endpoint(),
		RedirectURL:  redirectURL,
		Scopes:       append([]string{oidc.ScopeOpenID}, p.OIDC.Scopes...),
	}
}

// NewFlow returns the secrets of a new sign-in: state, browser binding,
// nonce and PKCE verifier.
func NewFlow(providerID string, purpose samspil.SSOPurpose, userID, returnTo string, ttl time.Duration) samspil.SSOFlow {
	return samspil.SSOFlow{State: randomString(), Binding: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(),
		ProviderID: providerID, Purpose: purpose, UserID: userID, ReturnTo: returnTo, ExpiresAt: time.Now().Add(ttl)}
}

func randomString() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// AuthURL is where the browser goes to sign in at the provider.
func (o *OIDC) AuthURL(ctx context.Context, p *samspil.IdentityProvider, redirectURL string, f samspil.SSOFlow) (string, error) {
	e, err := o.entry(ctx, p)
	if err != nil {
		return "", err
	}
	return o.oauth(e, p, redirectURL).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// Finish checks the provider's answer to the callback (its query) for the
// flow the state named, redeems the code and verifies the ID token:
// signature with the provider's published keys, issuer, audience, expiry,
// nonce and, with several audiences, the authorised party.
func (o *OIDC) Finish(ctx context.Context, p *samspil.IdentityProvider, redirectURL string, q url.Values, f *samspil.SSOFlow) (*samspil.SSOIdentity, error) {
	if e := q.Get("error"); e != "" {
		return nil, refuse("idp_error", "the provider answered %.100q: %.300q", e, q.Get("error_description"))
	}
	code := q.Get("code")
	if code == "" {
		return nil, refuse("no_code", "the callback carries no code")
	}
	e, err := o.entry(ctx, p)
	if err != nil {
		return nil, err
	}
	hctx := oidc.ClientContext(ctx, o.Client.HTTP())
	hctx = context.WithValue(hctx, oauth2.HTTPClient, o.Client.HTTP())
	tctx, cancel := context.WithTimeout(hctx, o.Client.timeout())
	defer cancel()
	tok, err := o.oauth(e, p, redirectURL).Exchange(tctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return nil, refuse("code_refused", "redeeming the code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, refuse("no_id_token", "the token answer carries no ID token")
	}
	idt, err := e.verifier.Verify(tctx, raw)
	if err != nil {
		return nil, refuse("bad_token", "%w", err)
	}
	subject := idt.Subject
	fail := func(reason, format string, args ...any) (*samspil.SSOIdentity, error) {
		r := refuse(reason, format, args...)
		r.Subject = subject
		return nil, r
	}
	if f.Nonce == "" || idt.Nonce != f.Nonce {
		return fail("bad_nonce", "the ID token's nonce is not the one this sign-in sent")
	}
	if idt.IssuedAt.After(o.now().Add(maxSkew)) {
		return fail("bad_token", "the ID token was issued in the future (%s)", idt.IssuedAt.Format(time.RFC3339))
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return fail("bad_claims", "reading the ID token's claims: %w", err)
	}
	if len(idt.Audience) > 1 {
		if azp, _ := claims["azp"].(string); azp != p.OIDC.ClientID {
			return fail("bad_audience", "the ID token has several audiences and is not authorised for this client (azp %q)", azp)
		}
	}
	id := &samspil.SSOIdentity{ProviderID: p.ID, Subject: subject, Claims: claims}
	id.Email = firstEmail(claims, "email", "preferred_username", "upn")
	id.Name = stringClaim(claims, "name")
	if id.Name == "" {
		id.Name = strings.TrimSpace(stringClaim(claims, "given_name") + " " + stringClaim(claims, "family_name"))
	}
	if p.RoleClaim != "" {
		vals, err := stringsClaim(claims, p.RoleClaim)
		if err != nil {
			return fail("bad_claims", "%w", err)
		}
		id.RoleValues = vals
	}
	if err := id.Validate(); err != nil {
		return fail("bad_claims", "%w", err)
	}
	return id, nil
}

// LogoutURL is where the browser goes to end its session at the provider
// too (RP-initiated logout), or "" when the provider offers none.
func (o *OIDC) LogoutURL(ctx context.Context, p *samspil.IdentityProvider, postLogout string) string {
	e, err := o.entry(ctx, p)
	if err != nil || e.endSession == "" {
		return ""
	}
	u, err := url.Parse(e.endSession)
	if err != nil || (u.Scheme != "https" && !(u.Scheme == "http" && samspil.IsLoopbackHost(u.Hostname()))) {
		return ""
	}
	q := u.Query()
	q.Set("client_id", p.OIDC.ClientID)
	q.Set("post_logout_redirect_uri", postLogout)
	u.RawQuery = q.Encode()
	return u.String()
}

func stringClaim(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return strings.TrimSpace(s)
}

func firstEmail(claims map[string]any, names ...string) string {
	for _, n := range names {
		if s := stringClaim(claims, n); samspil.ValidEmail(s) {
			return s
		}
	}
	return ""
}

// stringsClaim reads a claim that holds one string or a list of strings.
func stringsClaim(claims map[string]any, name string) ([]string, error) {
	switch v := claims[name].(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("the claim %q holds a %T, not a string", name, x)
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("the claim %q is a %T, not a string or a list of strings", name, v)
	}
}

// ReasonOf returns the audit reason of a sign-in error.
func ReasonOf(err error) (reason, subject string) {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason, r.Subject
	}
	return "error", ""
}
