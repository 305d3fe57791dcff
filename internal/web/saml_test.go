package web_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth/sso"
	"github.com/samspil/samspil/internal/testkit"
)

// Single sign-on with SAML 2.0 (OIOSAML 3) through the pages, against an
// identity provider made in the test with crewjam/saml's IdentityProvider:
// it reads samspil's signed AuthnRequest, and signs the response the test
// posts to the assertion consumer service, as the provider's page would.

const silkeborgCVR = "29189919"

// samlIdP is an identity provider for a test, configured for Silkeborg.
type samlIdP struct {
	idp      *saml.IdentityProvider
	provider *samspil.IdentityProvider
	app      *testkit.App
}

func bpp(cvr string, privileges ...string) string {
	x := `<bpp:PrivilegeList xmlns:bpp="http://digst.dk/oiosaml/basic_privilege_profile"><PrivilegeGroup Scope="urn:dk:gov:saml:cvrNumberIdentifier:` + cvr + `">`
	for _, p := range privileges {
		x += `<Privilege>` + p + `</Privilege>`
	}
	return base64.StdEncoding.EncodeToString([]byte(x + `</PrivilegeGroup></bpp:PrivilegeList>`))
}

// newSAMLIdP starts the provider and configures it for Silkeborg with
// OIOSAML's defaults: CVR, assurance Substantial, privileges mapped to
// roles.
func newSAMLIdP(t *testing.T, app *testkit.App, mutate func(c *samspil.SAMLConfig)) *samlIdP {
	t.Helper()
	ctx := context.Background()
	silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
	if silkeborg.CVR == "" {
		cvr := silkeborgCVR
		if _, err := app.DB.UpdateOrganization(ctx, testkit.System, silkeborg.ID, silkeborg.Version, samspil.OrganizationPatch{CVR: &cvr}); err != nil {
			t.Fatal(err)
		}
	}
	keyPEM, certPEM, err := sso.NewSPKey("test IdP")
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := pem.Decode([]byte(keyPEM))
	cb, _ := pem.Decode([]byte(certPEM))
	key, _ := x509.ParsePKCS1PrivateKey(kb.Bytes)
	cert, _ := x509.ParseCertificate(cb.Bytes)
	hs := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(hs.Close)
	base, _ := url.Parse(hs.URL)
	s := &samlIdP{app: app, idp: &saml.IdentityProvider{Key: key, Signer: key, Certificate: cert,
		MetadataURL: *base.JoinPath("metadata"), SSOURL: *base.JoinPath("sso"), WantAuthnRequestsSigned: true}}
	s.idp.ServiceProviderProvider = s
	md, err := xml.Marshal(s.idp.Metadata())
	if err != nil {
		t.Fatal(err)
	}
	c := samspil.DefaultSAML()
	c.MetadataXML = string(md)
	if mutate != nil {
		mutate(&c)
	}
	s.provider, err = app.DB.CreateIdentityProvider(ctx, testkit.System, testkit.Silkeborg, samspil.IdentityProviderInput{
		Protocol: samspil.SSOSAML, Name: "Fælleskommunal Adgangsstyring", SAML: &c, RoleClaim: samspil.OIOSAMLPrivileges,
		RoleMap: []samspil.RoleRule{{Value: "http://samspil.dk/roles/admin", Role: samspil.RoleAdmin},
			{Value: "http://samspil.dk/roles/read", Role: samspil.RoleViewer}}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// GetServiceProvider answers samspil's metadata, read from its address as a
// real provider would have it configured.
func (s *samlIdP) GetServiceProvider(r *http.Request, id string) (*saml.EntityDescriptor, error) {
	res, err := http.Get(id)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	buf, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	return samlsp.ParseMetadata(buf)
}

// person is who signs in at the provider, with OIOSAML's attributes.
func samlPerson(nameID string, attrs map[string][]string) *saml.Session {
	sess := &saml.Session{ID: "s-" + nameID, NameID: nameID, NameIDFormat: string(saml.PersistentNameIDFormat),
		UserEmail: "mette.saml@silkeborg.example", UserCommonName: "Mette Saml"}
	for name, vals := range attrs {
		a := saml.Attribute{Name: name, NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"}
		for _, v := range vals {
			a.Values = append(a.Values, saml.AttributeValue{Type: "xs:string", Value: v})
		}
		sess.CustomAttributes = append(sess.CustomAttributes, a)
	}
	return sess
}

func oiosaml(cvr, loa string, privileges ...string) map[string][]string {
	m := map[string][]string{}
	if cvr != "" {
		m[samspil.OIOSAMLCVR] = []string{cvr}
	}
	if loa != "" {
		m[samspil.OIOSAMLAssurance] = []string{loa}
	}
	if len(privileges) > 0 {
		m[samspil.OIOSAMLPrivileges] = []string{bpp(cvr, privileges...)}
	}
	return m
}

// authnRequest starts a sign-in in the browser and reads samspil's request
// at the provider.
func (s *samlIdP) authnRequest(t *testing.T, b *browser) *saml.IdpAuthnRequest {
	t.Helper()
	auth := leaving(t, b.Do("POST", "/login/sso/"+s.provider.ID, url.Values{"return_to": {"/account"}}))
	req, err := saml.NewIdpAuthnRequest(s.idp, httptest.NewRequest("GET", auth.String(), nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := req.Validate(); err != nil {
		t.Fatalf("the provider refuses samspil's request: %v", err)
	}
	return req
}

// response makes the provider's signed response to the request.
func (s *samlIdP) response(t *testing.T, req *saml.IdpAuthnRequest, sess *saml.Session) *etree.Element {
	t.Helper()
	if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, sess); err != nil {
		t.Fatal(err)
	}
	if err := req.MakeAssertionEl(); err != nil {
		t.Fatal(err)
	}
	if err := req.MakeResponse(); err != nil {
		t.Fatal(err)
	}
	return req.ResponseEl
}

// post posts a response to the assertion consumer service from the
// provider's site, and follows samspil to the callback.
func post(t *testing.T, b *browser, el *etree.Element, relayState string) *testkit.Response {
	t.Helper()
	doc := etree.NewDocument()
	doc.SetRoot(el.Copy())
	raw, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return postRaw(t, b, raw, relayState)
}

func postRaw(t *testing.T, b *browser, raw []byte, relayState string) *testkit.Response {
	t.Helper()
	res := b.Do("POST", sso.ACSPath, url.Values{"SAMLResponse": {base64.StdEncoding.EncodeToString(raw)}, "RelayState": {relayState}},
		"Sec-Fetch-Site", "cross-site", "Origin", "https://idp.example")
	if res.Status != http.StatusSeeOther {
		return res
	}
	return b.Do("GET", location(t, res).RequestURI(), nil)
}

// The happy path: a signed response with Silkeborg's CVR, assurance
// Substantial and an administrator's privilege signs in, creating the
// account with the role; samspil's metadata is served for the provider.
func TestSAMLSignIn(t *testing.T) {
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		s := newSAMLIdP(t, app, nil)
		md := newBrowser(t, app).Do("GET", "/login/sso/"+s.provider.ID+"/metadata", nil).Want(t, http.StatusOK)
		mustContain(t, md, "SPSSODescriptor", sso.ACSPath, "AuthnRequestsSigned=\"true\"")

		b := newBrowser(t, app)
		req := s.authnRequest(t, b)
		res := post(t, b, s.response(t, req, samlPerson("K-1", oiosaml(silkeborgCVR, "Substantial", "http://samspil.dk/roles/admin"))), req.RelayState)
		wantRedirect(t, res, "/account")
		if !signedIn(t, b) {
			t.Fatal("not signed in")
		}
		u := ssoUser(t, app, "mette.saml@silkeborg.example")
		if m := membershipOf(t, app, u.ID, testkit.Org(t, app.DB, testkit.Silkeborg).ID); m.Role != samspil.RoleAdmin {
			t.Errorf("role %s", m.Role)
		}
	})
}
