package web_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

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
	// plain makes the provider leave assertions unencrypted (it encrypts
	// them to samspil's certificate otherwise, as OIOSAML 3 asks), so that
	// the negative corpus can alter them.
	plain bool
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
		MetadataURL: *base.JoinPath("metadata"), SSOURL: *base.JoinPath("sso"), LogoutURL: *base.JoinPath("slo"), WantAuthnRequestsSigned: true}}
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
	md, err := samlsp.ParseMetadata(buf)
	if err == nil && s.plain {
		for i := range md.SPSSODescriptors {
			var keys []saml.KeyDescriptor
			for _, k := range md.SPSSODescriptors[i].KeyDescriptors {
				if k.Use != "encryption" {
					keys = append(keys, k)
				}
			}
			md.SPSSODescriptors[i].KeyDescriptors = keys
		}
	}
	return md, err
}

// person is who signs in at the provider, with OIOSAML's attributes.
func samlPerson(nameID string, attrs map[string][]string) *saml.Session {
	sess := &saml.Session{ID: "s-" + nameID, Index: "idx-" + nameID, NameID: nameID, NameIDFormat: string(saml.PersistentNameIDFormat),
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
		el := s.response(t, req, samlPerson("K-1", oiosaml(silkeborgCVR, "Substantial", "http://samspil.dk/roles/admin")))
		if child(el, "EncryptedAssertion") == nil {
			t.Fatal("the provider did not encrypt the assertion to samspil's certificate")
		}
		res := post(t, b, el, req.RelayState)
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

// samlCase is one answer of the SAML negative corpus.
type samlCase struct {
	name string
	sess *saml.Session // who signs in; nil is a good person of Silkeborg
	// assertion changes the assertion before the provider signs it;
	// response changes the request before the response is made and
	// signed; after changes the signed response.
	assertion func(req *saml.IdpAuthnRequest)
	response  func(req *saml.IdpAuthnRequest)
	after     func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element
	// run drives the case itself when the steps above do not say it.
	run    func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response
	status int
	reason string
}

// child returns the first child element with the local name tag.
func child(el *etree.Element, tag string) *etree.Element {
	for _, c := range el.ChildElements() {
		if c.Tag == tag {
			return c
		}
	}
	return nil
}

// unsign removes an element's own signature.
func unsign(el *etree.Element) *etree.Element {
	if sig := child(el, "Signature"); sig != nil {
		el.RemoveChild(sig)
	}
	return el
}

// nameID returns the assertion's NameID element.
func nameID(assertion *etree.Element) *etree.Element {
	return child(child(assertion, "Subject"), "NameID")
}

// signWith makes the response with another provider's key (same issuer).
func (s *samlIdP) other(t *testing.T) *saml.IdentityProvider {
	t.Helper()
	keyPEM, certPEM, err := sso.NewSPKey("evil IdP")
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := pem.Decode([]byte(keyPEM))
	cb, _ := pem.Decode([]byte(certPEM))
	key, _ := x509.ParsePKCS1PrivateKey(kb.Bytes)
	cert, _ := x509.ParseCertificate(cb.Bytes)
	o := *s.idp
	o.Key, o.Signer, o.Certificate = key, key, cert
	return &o
}

// The negative corpus of SAML: unsigned, re-signed, altered and wrapped
// responses (signature wrapping), two assertions, replays, answers for
// another audience, recipient, destination or request, outside their
// time, below the assurance level, for another CVR, comments in the
// NameID, and malformed or hostile XML. Each is refused with no session
// and audited with its reason.
func TestSAMLRefusals(t *testing.T) {
	good := func() *saml.Session {
		return samlPerson("K-7", oiosaml(silkeborgCVR, "Substantial", "http://samspil.dk/roles/admin"))
	}
	past := func(req *saml.IdpAuthnRequest) time.Time { return req.Now.Add(-2 * time.Hour) }
	cases := []samlCase{
		{name: "no signature at all", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			unsign(el)
			unsign(child(el, "Assertion"))
			return el
		}, status: 401, reason: "bad_response"},
		{name: "signed by another key", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			req := s.authnRequest(t, b)
			req.IDP = s.other(t)
			return post(t, b, s.response(t, req, good()), req.RelayState)
		}, status: 401, reason: "bad_response"},
		{name: "NameID changed after signing", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			nameID(child(el, "Assertion")).SetText("K-ADMIN")
			return el
		}, status: 401, reason: "bad_response"},
		{name: "privilege added after signing", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			for _, a := range child(child(el, "Assertion"), "AttributeStatement").ChildElements() {
				if a.SelectAttrValue("Name", "") == samspil.OIOSAMLCVR {
					a.ChildElements()[0].SetText("11111111")
				}
			}
			return el
		}, status: 401, reason: "bad_response"},
		{name: "assertion ID changed after signing", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			child(el, "Assertion").CreateAttr("ID", "id-forged")
			return el
		}, status: 401, reason: "bad_response"},
		{name: "wrapping: signed assertion moved into Extensions, forged one in its place", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			unsign(el)
			signed := child(el, "Assertion")
			forged := unsign(signed.Copy())
			forged.CreateAttr("ID", "id-forged")
			nameID(forged).SetText("K-ADMIN")
			el.RemoveChild(signed)
			ext := el.CreateElement("samlp:Extensions")
			ext.AddChild(signed)
			el.AddChild(forged)
			return el
		}, status: 401, reason: "bad_response"},
		{name: "wrapping: forged assertion before the signed one", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			unsign(el)
			signed := child(el, "Assertion")
			forged := unsign(signed.Copy())
			forged.CreateAttr("ID", "id-forged")
			nameID(forged).SetText("K-ADMIN")
			el.InsertChildAt(signed.Index(), forged)
			return el
		}, status: 401, reason: "bad_response"},
		{name: "wrapping: forged assertion with the same ID before the signed one", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			unsign(el)
			signed := child(el, "Assertion")
			forged := unsign(signed.Copy())
			nameID(forged).SetText("K-ADMIN")
			el.InsertChildAt(signed.Index(), forged)
			return el
		}, status: 401, reason: "bad_response"},
		{name: "wrapping: signed assertion inside the forged one's Subject", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			unsign(el)
			signed := child(el, "Assertion")
			forged := unsign(signed.Copy())
			forged.CreateAttr("ID", "id-forged")
			nameID(forged).SetText("K-ADMIN")
			el.RemoveChild(signed)
			child(forged, "Subject").AddChild(signed)
			el.AddChild(forged)
			return el
		}, status: 401, reason: "bad_response"},
		{name: "wrapping: the signed response's signature points at a copy in Extensions", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			original := el.Copy()
			nameID(child(el, "Assertion")).SetText("K-ADMIN")
			unsign(child(el, "Assertion"))
			el.CreateAttr("ID", "id-forged-response")
			ext := el.CreateElement("samlp:Extensions")
			ext.AddChild(original)
			return el
		}, status: 401, reason: "bad_response"},
		{name: "two signed assertions", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			req := s.authnRequest(t, b)
			el := s.response(t, req, good())
			second := child(el, "Assertion").Copy()
			unsign(el)
			el.AddChild(second)
			return post(t, b, el, req.RelayState)
		}, status: 401, reason: "bad_response"},
		{name: "replayed assertion (the same ID signed again)", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			first := newBrowser(t, app)
			req := s.authnRequest(t, first)
			if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, good()); err != nil {
				t.Fatal(err)
			}
			req.Assertion.ID = "id-once-only"
			if err := req.MakeResponse(); err != nil {
				t.Fatal(err)
			}
			wantRedirect(t, post(t, first, req.ResponseEl, req.RelayState), "/account")
			again := s.authnRequest(t, b)
			if err := (saml.DefaultAssertionMaker{}).MakeAssertion(again, good()); err != nil {
				t.Fatal(err)
			}
			again.Assertion.ID = "id-once-only"
			if err := again.MakeResponse(); err != nil {
				t.Fatal(err)
			}
			return post(t, b, again.ResponseEl, again.RelayState)
		}, status: 401, reason: "replayed"},
		{name: "replayed response", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			req := s.authnRequest(t, b)
			el := s.response(t, req, good())
			wantRedirect(t, post(t, b, el, req.RelayState), "/account")
			b.Do("POST", "/logout", nil)
			return post(t, b, el, req.RelayState)
		}, status: 401, reason: "bad_state"},
		{name: "another audience", assertion: func(req *saml.IdpAuthnRequest) {
			req.Assertion.Conditions.AudienceRestrictions[0].Audience.Value = "https://other-sp.example/metadata"
		}, status: 401, reason: "bad_response"},
		{name: "another recipient", assertion: func(req *saml.IdpAuthnRequest) {
			req.Assertion.Subject.SubjectConfirmations[0].SubjectConfirmationData.Recipient = "https://other-sp.example/acs"
		}, status: 401, reason: "bad_response"},
		{name: "another destination", response: func(req *saml.IdpAuthnRequest) {
			req.ACSEndpoint.Location = "https://other-sp.example/acs"
		}, status: 401, reason: "bad_response"},
		{name: "answers another request (InResponseTo)", assertion: func(req *saml.IdpAuthnRequest) {
			req.Assertion.Subject.SubjectConfirmations[0].SubjectConfirmationData.InResponseTo = "id-another-request"
			req.Request.ID = "id-another-request"
		}, status: 401, reason: "bad_response"},
		{name: "answer of another sign-in", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			mine := s.authnRequest(t, b)
			theirs := s.authnRequest(t, newBrowser(t, app))
			return post(t, b, s.response(t, theirs, good()), mine.RelayState)
		}, status: 401, reason: "bad_response"},
		{name: "started at the provider (no RelayState)", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			req := s.authnRequest(t, b)
			return post(t, b, s.response(t, req, good()), "")
		}, status: 401, reason: "unsolicited"},
		{name: "expired", assertion: func(req *saml.IdpAuthnRequest) {
			req.Assertion.Conditions.NotBefore = past(req).Add(-time.Hour)
			req.Assertion.Conditions.NotOnOrAfter = past(req)
			req.Assertion.Subject.SubjectConfirmations[0].SubjectConfirmationData.NotOnOrAfter = past(req)
		}, status: 401, reason: "bad_response"},
		{name: "not yet valid", assertion: func(req *saml.IdpAuthnRequest) {
			req.Assertion.Conditions.NotBefore = req.Now.Add(time.Hour)
			req.Assertion.Conditions.NotOnOrAfter = req.Now.Add(2 * time.Hour)
		}, status: 401, reason: "bad_response"},
		{name: "assurance level too low", sess: samlPerson("K-7", oiosaml(silkeborgCVR, "Low", "http://samspil.dk/roles/admin")), status: 401, reason: "low_assurance"},
		{name: "no assurance level", sess: samlPerson("K-7", oiosaml(silkeborgCVR, "", "http://samspil.dk/roles/admin")), status: 401, reason: "low_assurance"},
		{name: "another organisation's CVR", sess: samlPerson("K-7", oiosaml("29189927", "Substantial", "http://samspil.dk/roles/admin")), status: 401, reason: "wrong_cvr"},
		{name: "no CVR", sess: samlPerson("K-7", map[string][]string{samspil.OIOSAMLAssurance: {"High"}}), status: 401, reason: "wrong_cvr"},
		{name: "comment injected into the NameID", sess: samlPerson("mette@silkeborg.dk.evil.example", oiosaml(silkeborgCVR, "Substantial", "http://samspil.dk/roles/admin")),
			after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
				n := nameID(child(el, "Assertion"))
				n.SetText("mette@silkeborg.dk")
				n.CreateComment("x")
				n.CreateText(".evil.example")
				return el
			}, status: 401, reason: "comment"},
		{name: "privileges for another CVR only", sess: samlPerson("K-8", map[string][]string{samspil.OIOSAMLCVR: {silkeborgCVR},
			samspil.OIOSAMLAssurance: {"High"}, samspil.OIOSAMLPrivileges: {bpp("29189927", "http://samspil.dk/roles/admin")}}), status: 403, reason: "no_role"},
		{name: "status not success", after: func(t *testing.T, s *samlIdP, el *etree.Element) *etree.Element {
			unsign(el)
			child(child(el, "Status"), "StatusCode").CreateAttr("Value", "urn:oasis:names:tc:SAML:2.0:status:Requester")
			return el
		}, status: 401, reason: "bad_response"},
		{name: "not XML", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			req := s.authnRequest(t, b)
			return postRaw(t, b, []byte("<samlp:Response><unclosed>"), req.RelayState)
		}, status: 401, reason: "malformed"},
		{name: "entity expansion (billion laughs)", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			req := s.authnRequest(t, b)
			bomb := `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&c;</samlp:Response>`
			return postRaw(t, b, []byte(bomb), req.RelayState)
		}, status: 401, reason: "malformed"},
		{name: "not base64", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			req := s.authnRequest(t, b)
			return b.Do("POST", sso.ACSPath, url.Values{"SAMLResponse": {"%%% nicht base64 %%%"}, "RelayState": {req.RelayState}},
				"Sec-Fetch-Site", "cross-site")
		}, status: 401, reason: "malformed"},
		{name: "SHA-1 signature", run: func(t *testing.T, app *testkit.App, s *samlIdP, b *browser) *testkit.Response {
			req := s.authnRequest(t, b)
			o := *s.idp
			o.SignatureMethod = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
			req.IDP = &o
			return post(t, b, s.response(t, req, good()), req.RelayState)
		}, status: 401, reason: "bad_response"},
	}
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		s := newSAMLIdP(t, app, nil)
		s.plain = true
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Cleanup(func() { cleanSAMLUsers(t, app) })
				_, _, before := lastFailure(t, app, "")
				b := newBrowser(t, app)
				var res *testkit.Response
				if c.run != nil {
					res = c.run(t, app, s, b)
				} else {
					req := s.authnRequest(t, b)
					sess := c.sess
					if sess == nil {
						sess = good()
					}
					if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, sess); err != nil {
						t.Fatal(err)
					}
					if c.assertion != nil {
						c.assertion(req)
					}
					if err := req.MakeAssertionEl(); err != nil {
						t.Fatal(err)
					}
					if c.response != nil {
						c.response(req)
					}
					if err := req.MakeResponse(); err != nil {
						t.Fatal(err)
					}
					el := req.ResponseEl
					if c.after != nil {
						el = c.after(t, s, el)
					}
					res = post(t, b, el, req.RelayState)
				}
				res.Want(t, c.status)
				if sessionCookie(t, res) != nil || signedIn(t, b) {
					t.Fatal("a refused answer left a session")
				}
				reason, _, after := lastFailure(t, app, "")
				if after != before+1 || reason != c.reason {
					t.Fatalf("audit: %d new login.failure events, the last with reason %q; want one with %q", after-before, reason, c.reason)
				}
				for _, u := range usersNamed(t, app, "mette.saml@silkeborg.example") {
					if c.name != "replayed assertion (the same ID signed again)" && c.name != "replayed response" {
						t.Fatalf("a refused answer made an account: %+v", u)
					}
				}
			})
		}
		t.Logf("SAML negative corpus: %d cases refused and audited", len(cases))
	})
}

// cleanSAMLUsers renames the accounts a case made.
func cleanSAMLUsers(t *testing.T, app *testkit.App) {
	t.Helper()
	for i, u := range usersNamed(t, app, "mette.saml@silkeborg.example") {
		email := "retired-saml-" + strconv.Itoa(i) + "-" + u.ID + "@example.dk"
		if _, err := app.DB.UpdateUser(context.Background(), testkit.System, u.ID, u.Version, samspil.UserPatch{Email: &email}); err != nil {
			t.Fatal(err)
		}
	}
}

// A SAML provider configured on the sign-in page: metadata pasted or read
// from its address (through the client that reaches only allowed
// addresses), bad metadata named, samspil's own metadata offered.
func TestSAMLSettingsForm(t *testing.T) {
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
		admin := testkit.NewPerson(t, app.DB, "saml-admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		s := newSAMLIdP(t, app, nil)
		md, err := xml.Marshal(s.idp.Metadata())
		if err != nil {
			t.Fatal(err)
		}
		mdServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/samlmetadata+xml")
			w.Write(md)
		}))
		t.Cleanup(mdServer.Close)

		b, _ := signIn(t, app, admin.User.Email)
		page := "/organizations/" + silkeborg.ID + "/sign-in"
		res := b.Do("GET", page, nil).Want(t, http.StatusOK)
		mustContain(t, res, `value="saml"`, "Identitetsudbyderens metadata (XML)", "SAML 2.0", s.idp.MetadataURL.String())
		form := url.Values{"protocol": {"saml"}, "name": {"KOMBIT"}, "enabled": {"on"}, "metadata_xml": {"<nej/>"},
			"cvr_attribute": {samspil.OIOSAMLCVR}, "assurance_attribute": {samspil.OIOSAMLAssurance}, "min_assurance": {"Substantial"},
			"role_format": {"oiosaml_bpp"}, "role_claim": {samspil.OIOSAMLPrivileges}, "role_map": {"http://samspil.dk/roles/admin = admin"}}
		mustContain(t, b.Do("POST", page, form).Want(t, http.StatusUnprocessableEntity), "er ikke SAML-metadata", `aria-invalid="true"`)
		form.Set("metadata_xml", "")
		form.Set("metadata_url", "http://192.0.2.1/metadata")
		mustContain(t, b.Do("POST", page, form).Want(t, http.StatusUnprocessableEntity), "skal være en https-adresse")
		form.Set("metadata_url", mdServer.URL+"/metadata")
		wantRedirect(t, b.Do("POST", page, form), page)
		ps, err := app.DB.ListIdentityProviders(ctx, admin.Actor, silkeborg.ID)
		if err != nil || len(ps) != 2 {
			t.Fatalf("providers %+v %v", ps, err)
		}
		var made *samspil.IdentityProvider
		for i := range ps {
			if ps[i].Name == "KOMBIT" {
				made = &ps[i]
			}
		}
		if made == nil || made.SAML.EntityID != s.idp.MetadataURL.String() || made.SAML.MetadataURL != mdServer.URL+"/metadata" ||
			made.SAML.SPCertificate == "" || made.SAML.MinAssurance != samspil.NSISSubstantial {
			t.Fatalf("made %+v", made)
		}
		res = b.Do("GET", page, nil).Want(t, http.StatusOK)
		mustContain(t, res, "/login/sso/"+made.ID+"/metadata", s.idp.SSOURL.String())
		spmd := newBrowser(t, app).Do("GET", "/login/sso/"+made.ID+"/metadata", nil).Want(t, http.StatusOK)
		mustContain(t, spmd, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", "X509Certificate")
		newBrowser(t, app).Do("GET", "/login/sso/"+made.ID+"x/metadata", nil).Want(t, http.StatusNotFound)
	})
}

// Single logout both ways: samspil's logout sends a signed LogoutRequest to
// the provider and takes its answer; the provider's own LogoutRequest (its
// session ended elsewhere) ends the sessions it started for that person,
// audited, and is answered.
func TestSAMLSingleLogout(t *testing.T) {
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		s := newSAMLIdP(t, app, nil)
		signInAs := func(b *browser) {
			t.Helper()
			req := s.authnRequest(t, b)
			wantRedirect(t, post(t, b, s.response(t, req, samlPerson("K-42", oiosaml(silkeborgCVR, "High", "http://samspil.dk/roles/admin"))), req.RelayState), "/account")
		}

		// samspil's logout: the provider reads a signed LogoutRequest for
		// the person and session, and its answer brings the browser back.
		b := newBrowser(t, app)
		signInAs(b)
		out := leaving(t, b.Do("POST", "/logout", nil))
		if !strings.HasPrefix(out.String(), s.idp.LogoutURL.String()+"?") || out.Query().Get("Signature") == "" {
			t.Fatalf("logout went to %s", out)
		}
		lr, err := saml.NewIdpLogoutRequest(s.idp, httptest.NewRequest("GET", out.String(), nil))
		if err != nil {
			t.Fatal(err)
		}
		if err := lr.Validate(); err != nil {
			t.Fatalf("the provider refuses samspil's LogoutRequest: %v", err)
		}
		if lr.Request.NameID == nil || lr.Request.NameID.Value != "K-42" || lr.Request.SessionIndex == nil || lr.Request.SessionIndex.Value == "" {
			t.Fatalf("the LogoutRequest names %+v", lr.Request)
		}
		rec := httptest.NewRecorder()
		if err := lr.WriteLogoutResponse(rec, lr.MakeLogoutResponse(saml.StatusSuccess)); err != nil {
			t.Fatal(err)
		}
		back, err := url.Parse(rec.Header().Get("Location"))
		if err != nil || back.Path != sso.SLOPath(s.provider.ID) {
			t.Fatalf("the provider answers to %q", rec.Header().Get("Location"))
		}
		wantRedirect(t, b.Do("GET", back.RequestURI(), nil), "/login")
		if signedIn(t, b) {
			t.Fatal("signed in after logout")
		}

		// The provider's own LogoutRequest ends both of the person's
		// sessions, and none of anyone else's.
		b1, b2, other := newBrowser(t, app), newBrowser(t, app), newBrowser(t, app)
		signInAs(b1)
		signInAs(b2)
		testkit.NewPerson(t, app.DB, "lokal@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
		wantRedirect(t, other.Login("lokal@silkeborg.example", testkit.Password), "/")
		sender := s.asSender(t)
		req, err := sender.MakeRedirectLogoutRequest("K-42", "rs-1")
		if err != nil {
			t.Fatal(err)
		}
		res := newBrowser(t, app).Do("GET", req.RequestURI(), nil).Want(t, http.StatusSeeOther)
		answer := location(t, res)
		if !strings.HasPrefix(answer.String(), s.idp.LogoutURL.String()+"?") || answer.Query().Get("SAMLResponse") == "" || answer.Query().Get("RelayState") != "rs-1" {
			t.Fatalf("answered to %s", answer)
		}
		if signedIn(t, b1) || signedIn(t, b2) || !signedIn(t, other) {
			t.Fatal("the provider's logout ended the wrong sessions")
		}
		events, err := app.DB.ListAuditEvents(ctx, testkit.System, samspil.AuditFilter{Action: "logout", ListOptions: samspil.ListOptions{Limit: 1}})
		if err != nil || len(events.Items) != 1 || !strings.Contains(string(events.Items[0].After), "K-42") {
			t.Fatalf("audit %+v %v", events, err)
		}

		// A LogoutRequest signed by anyone else ends nothing.
		b3 := newBrowser(t, app)
		signInAs(b3)
		forger := s.asSender(t)
		keyPEM, _, _ := sso.NewSPKey("forger")
		kb, _ := pem.Decode([]byte(keyPEM))
		forger.Key, _ = x509.ParsePKCS1PrivateKey(kb.Bytes)
		forged, err := forger.MakeRedirectLogoutRequest("K-42", "")
		if err != nil {
			t.Fatal(err)
		}
		newBrowser(t, app).Do("GET", forged.RequestURI(), nil).Want(t, http.StatusUnprocessableEntity)
		if !signedIn(t, b3) {
			t.Fatal("a forged LogoutRequest ended a session")
		}
	})
}

// asSender is the provider as the sender of a LogoutRequest to samspil:
// crewjam/saml makes LogoutRequests as a service provider does, so this is
// one with the provider's entity id and key, whose "identity provider" is
// samspil's single logout service.
func (s *samlIdP) asSender(t *testing.T) *saml.ServiceProvider {
	t.Helper()
	slo := s.app.URL + sso.SLOPath(s.provider.ID)
	return &saml.ServiceProvider{EntityID: s.idp.MetadataURL.String(), Key: s.idp.Key.(*rsa.PrivateKey), Certificate: s.idp.Certificate,
		SignatureMethod: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
		IDPMetadata: &saml.EntityDescriptor{EntityID: slo, IDPSSODescriptors: []saml.IDPSSODescriptor{{
			SSODescriptor: saml.SSODescriptor{SingleLogoutServices: []saml.Endpoint{{Binding: saml.HTTPRedirectBinding, Location: slo}}}}}}}
}

// Trying a SAML provider from the sign-in page shows the attributes that
// arrived and the role they give, and signs nobody in.
func TestSAMLTry(t *testing.T) {
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
		admin := testkit.NewPerson(t, app.DB, "proev@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		s := newSAMLIdP(t, app, nil)
		b, secret := signIn(t, app, admin.User.Email)
		auth := leaving(t, b.Do("POST", "/organizations/"+silkeborg.ID+"/sign-in/"+s.provider.ID+"/test", nil))
		req, err := saml.NewIdpAuthnRequest(s.idp, httptest.NewRequest("GET", auth.String(), nil))
		if err != nil {
			t.Fatal(err)
		}
		if err := req.Validate(); err != nil {
			t.Fatal(err)
		}
		res := post(t, b, s.response(t, req, samlPerson("K-99", oiosaml(silkeborgCVR, "High", "http://samspil.dk/roles/read"))), req.RelayState)
		res.Want(t, http.StatusOK)
		mustContain(t, res, "Prøvet log-ind via Fælleskommunal Adgangsstyring", "K-99", "<strong>Læser</strong>", samspil.OIOSAMLCVR)
		if c := sessionCookie(t, res); c != nil {
			t.Fatal("trying started a session")
		}
		if len(usersNamed(t, app, "mette.saml@silkeborg.example")) != 0 {
			t.Fatal("trying made an account")
		}
		withSession(t, app, secret, "GET", "/account").Want(t, http.StatusOK)
	})
}

// The daily refresh reads a provider's metadata again from its address:
// a new signing certificate is stored (audited, samspil's own key kept),
// the same metadata changes nothing, and metadata that cannot be read or
// does not pass the checks leaves the provider as it was.
func TestSAMLMetadataRefresh(t *testing.T) {
	testkit.ForEachAppWith(t, ssoConfig, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		s := newSAMLIdP(t, app, nil)
		first, err := xml.Marshal(s.idp.Metadata())
		if err != nil {
			t.Fatal(err)
		}
		served := string(first)
		mdServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(served)) }))
		t.Cleanup(mdServer.Close)
		c := *s.provider.SAML
		c.MetadataURL = mdServer.URL
		p, err := app.DB.UpdateIdentityProvider(ctx, testkit.System, s.provider.ID, s.provider.Version, samspil.IdentityProviderPatch{SAML: &c})
		if err != nil {
			t.Fatal(err)
		}
		before, err := app.DB.SSOProvider(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		refresher := &sso.SAML{Client: &sso.Client{AllowPrivate: true}, Assertions: app.DB}
		if n, err := refresher.RefreshMetadata(ctx, app.DB); err != nil || n != 0 {
			t.Fatalf("unchanged metadata: %d changed, %v", n, err)
		}

		// The provider rolls its certificate over.
		rolled := s.other(t)
		next, err := xml.Marshal(rolled.Metadata())
		if err != nil {
			t.Fatal(err)
		}
		served = string(next)
		if n, err := refresher.RefreshMetadata(ctx, app.DB); err != nil || n != 1 {
			t.Fatalf("rolled metadata: %d changed, %v", n, err)
		}
		after, err := app.DB.SSOProvider(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.SAML.MetadataXML != string(next) || after.SAML.SPKey != before.SAML.SPKey || after.SAML.SPCertificate != before.SAML.SPCertificate {
			t.Fatal("the refresh did not store the new metadata, or changed samspil's key")
		}
		events, err := app.DB.ListAuditEvents(ctx, testkit.System, samspil.AuditFilter{ObjectID: p.ID, ListOptions: samspil.ListOptions{Limit: 1}})
		if err != nil || len(events.Items) != 1 || events.Items[0].ActorLabel != "sso: metadata refresh" {
			t.Fatalf("audit %+v %v", events, err)
		}
		// Sign-ins now take the new certificate's signatures.
		s.idp = rolled
		s.plain = true
		b := newBrowser(t, app)
		req := s.authnRequest(t, b)
		wantRedirect(t, post(t, b, s.response(t, req, samlPerson("K-5", oiosaml(silkeborgCVR, "High", "http://samspil.dk/roles/admin"))), req.RelayState), "/account")

		// Broken metadata changes nothing.
		served = "<html>vedligeholdelse</html>"
		if n, err := refresher.RefreshMetadata(ctx, app.DB); err == nil || n != 0 {
			t.Fatalf("broken metadata: %d changed, %v", n, err)
		}
		mdServer.Close()
		if n, err := refresher.RefreshMetadata(ctx, app.DB); err == nil || n != 0 {
			t.Fatalf("unreachable metadata: %d changed, %v", n, err)
		}
		if again, _ := app.DB.SSOProvider(ctx, p.ID); again.SAML.MetadataXML != string(next) {
			t.Fatal("a failed refresh changed the stored metadata")
		}
	})
}
