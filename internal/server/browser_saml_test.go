package server_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth/sso"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// Single sign-on with SAML 2.0 (OIOSAML 3) through a real browser, against
// an identity provider started in the test with crewjam/saml's
// IdentityProvider. The provider serves HTTP at localhost while samspil is
// at 127.0.0.1: two sites, so its page posts the response to samspil's
// assertion consumer service cross-site, as KOMBIT's would.

// samlBrowserCVR is Silkeborg Kommune's CVR number.
const samlBrowserCVR = "29189919"

// samlBrowserAdmin is the OIOSAML privilege the provider maps to
// administrator.
const samlBrowserAdmin = "http://samspil.dk/roles/admin"

// browserSAMLIdP is a crewjam identity provider serving HTTP for a browser
// test, configured in samspil for Silkeborg. It signs everyone in as
// person, without a login page of its own.
type browserSAMLIdP struct {
	idp      *saml.IdentityProvider
	provider *samspil.IdentityProvider
	person   *saml.Session

	mu        sync.Mutex
	errs      []string // what the provider refused or failed at
	ssoGets   []url.Values
	issuers   []string // the issuers of the requests it answered with a session
	relays    []string // their RelayState
	mdFetches []string // samspil's metadata addresses it read
}

func (s *browserSAMLIdP) record(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// GetSession signs the person in at once.
func (s *browserSAMLIdP) GetSession(w http.ResponseWriter, r *http.Request, req *saml.IdpAuthnRequest) *saml.Session {
	s.record(func() {
		issuer := ""
		if req.Request.Issuer != nil {
			issuer = req.Request.Issuer.Value
		}
		s.issuers = append(s.issuers, issuer)
		s.relays = append(s.relays, req.RelayState)
	})
	return s.person
}

// GetServiceProvider reads samspil's metadata from its address (the
// entity id), as a provider given that address would.
func (s *browserSAMLIdP) GetServiceProvider(r *http.Request, id string) (*saml.EntityDescriptor, error) {
	res, err := http.Get(id)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("samspil's metadata at %s: status %d", id, res.StatusCode)
	}
	buf, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	s.record(func() { s.mdFetches = append(s.mdFetches, id) })
	return samlsp.ParseMetadata(buf)
}

// problems returns what the provider refused or failed at.
func (s *browserSAMLIdP) problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errs...)
}

// samlBrowserPrivileges is an OIOSAML basic privilege list (base64) with
// privileges scoped to a CVR number.
func samlBrowserPrivileges(cvr string, privileges ...string) string {
	x := `<bpp:PrivilegeList xmlns:bpp="http://digst.dk/oiosaml/basic_privilege_profile"><PrivilegeGroup Scope="urn:dk:gov:saml:cvrNumberIdentifier:` + cvr + `">`
	for _, p := range privileges {
		x += `<Privilege>` + p + `</Privilege>`
	}
	return base64.StdEncoding.EncodeToString([]byte(x + `</PrivilegeGroup></bpp:PrivilegeList>`))
}

// startBrowserSAMLIdP starts the provider at localhost, signing person in,
// gives Silkeborg its CVR number, and configures the provider for
// Silkeborg as "Fælleskommunal Adgangsstyring" with OIOSAML's defaults
// (CVR, assurance Substantial, privileges) and the administrator privilege
// mapped to administrator.
func startBrowserSAMLIdP(t *testing.T, app *testkit.App, person *saml.Session) *browserSAMLIdP {
	t.Helper()
	ctx := context.Background()
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
	if silkeborg.CVR != samlBrowserCVR {
		cvr := samlBrowserCVR
		if _, err := app.DB.UpdateOrganization(ctx, testkit.System, silkeborg.ID, silkeborg.Version, samspil.OrganizationPatch{CVR: &cvr}); err != nil {
			t.Fatal(err)
		}
	}
	keyPEM, certPEM, err := sso.NewSPKey("browser test IdP")
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := pem.Decode([]byte(keyPEM))
	cb, _ := pem.Decode([]byte(certPEM))
	key, err := x509.ParsePKCS1PrivateKey(kb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		t.Fatal(err)
	}

	hs := httptest.NewUnstartedServer(nil)
	base, err := url.Parse("http://localhost:" + strconv.Itoa(hs.Listener.Addr().(*net.TCPAddr).Port) + "/")
	if err != nil {
		t.Fatal(err)
	}
	s := &browserSAMLIdP{person: person}
	s.idp = &saml.IdentityProvider{Key: key, Signer: key, Certificate: cert,
		MetadataURL: *base.JoinPath("metadata"), SSOURL: *base.JoinPath("sso"),
		WantAuthnRequestsSigned: true, SessionProvider: s, ServiceProviderProvider: s,
		OnError: func(w http.ResponseWriter, r *http.Request, status int, err error) {
			s.record(func() { s.errs = append(s.errs, fmt.Sprintf("%s %s: %d %v", r.Method, r.URL.Path, status, err)) })
			http.Error(w, http.StatusText(status), status)
		}}
	h := s.idp.Handler()
	hs.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == s.idp.SSOURL.Path {
			q := r.URL.Query()
			s.record(func() { s.ssoGets = append(s.ssoGets, q) })
		}
		h.ServeHTTP(w, r)
	})
	hs.Start()
	t.Cleanup(hs.Close)

	md, err := xml.Marshal(s.idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	c := samspil.DefaultSAML()
	c.MetadataXML = string(md)
	s.provider, err = app.DB.CreateIdentityProvider(ctx, testkit.System, testkit.Silkeborg, samspil.IdentityProviderInput{
		Protocol: samspil.SSOSAML, Name: "Fælleskommunal Adgangsstyring", Enabled: ptr(true), SAML: &c,
		RoleClaim: samspil.OIOSAMLPrivileges,
		RoleMap:   []samspil.RoleRule{{Value: samlBrowserAdmin, Role: samspil.RoleAdmin}}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBrowserSAMLSignIn signs in through the organisation's SAML identity
// provider in Chromium: the button on the login page, samspil's page that
// sends the browser on with a signed AuthnRequest (the provider checks the
// signature), the provider's page that posts the response back to the
// assertion consumer service from the provider's site, and the callback
// that signs the person in as Silkeborg's administrator (the privilege
// scoped to Silkeborg's CVR). Then the account page and logout, which
// (SAML having no RP-initiated logout in samspil) comes straight back to
// the login page. The console must stay clean throughout.
func TestBrowserSAMLSignIn(t *testing.T) {
	app := testkit.NewAppWith(t, sqldb.SQLite, ssoBrowserConfig)
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
	const (
		name   = "Birgitte Saml Browser"
		email  = "birgitte.saml@silkeborg.example"
		nameID = "https://data.gov.dk/model/core/eid/professional/uuid/0f5c7a8e-3b1d-4c2a-9e61-7d2b8c4f1a05"
	)
	attr := func(name string, values ...string) saml.Attribute {
		a := saml.Attribute{Name: name, NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"}
		for _, v := range values {
			a.Values = append(a.Values, saml.AttributeValue{Type: "xs:string", Value: v})
		}
		return a
	}
	now := time.Now()
	person := &saml.Session{ID: "browser-saml-1", CreateTime: now, ExpireTime: now.Add(time.Hour), Index: "idx-browser-saml-1",
		NameID: nameID, NameIDFormat: string(saml.PersistentNameIDFormat), UserEmail: email, UserCommonName: name,
		CustomAttributes: []saml.Attribute{
			attr(samspil.OIOSAMLCVR, samlBrowserCVR),
			attr(samspil.OIOSAMLAssurance, string(samspil.NSISSubstantial)),
			attr(samspil.OIOSAMLPrivileges, samlBrowserPrivileges(samlBrowserCVR, samlBrowserAdmin)),
		}}
	s := startBrowserSAMLIdP(t, app, person)
	p := s.provider
	appOrigin, idpOrigin := origin(t, app.URL), origin(t, s.idp.SSOURL.String())
	if appOrigin == idpOrigin || !strings.HasPrefix(idpOrigin, "http://localhost:") {
		t.Fatalf("the provider is at %s and samspil at %s: they must be two sites", idpOrigin, appOrigin)
	}
	entityID := app.URL + sso.MetadataPath(p.ID)

	b := openBrowser(t)
	bctx, step, text, eval, navigated := b.ctx, b.step, b.text, b.eval, b.navigated
	_, err := chromedp.Run(bctx, chromedp.EmulateViewport(1280, 900))
	step("a desktop window", err)
	at := func() string { return eval(`location.origin + location.pathname`) }

	// The login page offers the provider.
	navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
	button := `main form[action="/login/sso/` + p.ID + `"] button[type="submit"]`
	if got := text(button); got != "Log ind med Fælleskommunal Adgangsstyring" {
		t.Fatalf("the provider's button says %q", got)
	}

	// Press it: samspil's page sends the browser on to the provider, whose
	// page posts the response to samspil, which signs the person in and
	// goes on to the front page.
	navigated("press Log ind med Fælleskommunal Adgangsstyring", "/login/sso/"+p.ID, chromedp.Click(chromedp.CSS(button)))
	if err := followRefresh(bctx, "/"); err != nil {
		page, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`location.href + " " + document.title + ": " + ((document.querySelector("main") || document.body || {}).textContent || "").replace(/\s+/g, " ").trim().slice(0, 300)`))
		t.Fatalf("go on to the provider and back: %v\nthe browser shows %s\nthe provider's errors: %q", err, page, s.problems())
	}
	if got := at(); got != appOrigin+"/" {
		t.Fatalf("after the provider the browser is at %s, want samspil's front page %s/", got, appOrigin)
	}
	if errs := s.problems(); len(errs) > 0 {
		t.Fatalf("the provider refused or failed: %q", errs)
	}

	// The provider had one signed request from samspil, by the
	// HTTP-Redirect binding, and read samspil's metadata at its entity id.
	s.mu.Lock()
	ssoGets, issuers, relays, mdFetches := s.ssoGets, s.issuers, s.relays, s.mdFetches
	s.mu.Unlock()
	if len(ssoGets) != 1 {
		t.Fatalf("the browser came to the provider's SSO address %d times, want once", len(ssoGets))
	}
	q := ssoGets[0]
	if q.Get("SAMLRequest") == "" || q.Get("Signature") == "" || q.Get("SigAlg") != "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" || q.Get("RelayState") == "" {
		t.Errorf("the request at the provider is not a signed HTTP-Redirect AuthnRequest with a RelayState: SAMLRequest %t, Signature %t, SigAlg %q, RelayState %q",
			q.Get("SAMLRequest") != "", q.Get("Signature") != "", q.Get("SigAlg"), q.Get("RelayState"))
	}
	if len(issuers) != 1 || issuers[0] != entityID || relays[0] != q.Get("RelayState") {
		t.Errorf("the provider signed in requests from %q (RelayState %q), want one from %s", issuers, relays, entityID)
	}
	if len(mdFetches) == 0 || mdFetches[0] != entityID {
		t.Errorf("the provider read samspil's metadata at %q, want %s", mdFetches, entityID)
	}

	// Signed in, as the person the provider named.
	if got := text("header .header-tools p.user"); got != name {
		t.Fatalf("signed in through the provider, but the header names %q", got)
	}
	if got := text(`header form[action="/logout"] button`); got != "Log ud" {
		t.Fatalf("signed in, but the header offers %q", got)
	}
	navigated("open the account page", "/account", chromedp.Navigate(app.URL+"/account"))
	if got := eval(`Array.from(document.querySelectorAll("main dl.facts dt")).map(dt => dt.textContent.trim() + "=" + dt.nextElementSibling.textContent.trim()).join("|")`); got != "Navn="+name+"|E-mailadresse="+email {
		t.Fatalf("account facts %q", got)
	}
	if got := eval(`Array.from(document.querySelectorAll("main ul li")).map(li => li.textContent.trim()).filter(s => s.startsWith("Silkeborg")).join("|")`); got != "Silkeborg Kommune: Administrator" {
		t.Fatalf("memberships on the account page %q, want Silkeborg Kommune: Administrator (from the privilege scoped to Silkeborg's CVR)", got)
	}
	ms, err := app.DB.ListMemberships(context.Background(), testkit.System, samspil.MembershipFilter{OrganizationID: silkeborg.ID, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, m := range ms.Items {
		if m.UserEmail == email {
			roles = append(roles, string(m.Role))
		}
	}
	if len(roles) != 1 || roles[0] != string(samspil.RoleAdmin) {
		t.Fatalf("%s's memberships of Silkeborg: %q, want one as %s", email, roles, samspil.RoleAdmin)
	}

	// Logout ends samspil's session and comes back to the login page: the
	// provider is not visited again.
	navigated("log out", "/login", chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)))
	if got := eval(`location.search`); got != "?done=logged_out" {
		t.Errorf("after logout the login page has the query %q", got)
	}
	if got := text("main .notice"); got != "Du er logget ud." {
		t.Fatalf("notice %q after logout", got)
	}
	if got := eval(`String(document.querySelector('form[action="/logout"]') === null)`); got != "true" {
		t.Fatal("still signed in after logging out")
	}
	s.mu.Lock()
	visits := len(s.ssoGets)
	s.mu.Unlock()
	if visits != 1 {
		t.Errorf("the browser went to the provider's SSO address %d times in all, want once", visits)
	}
	navigated("the account page needs a session again", "/login", chromedp.Navigate(app.URL+"/account"))
}
