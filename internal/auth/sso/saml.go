package sso

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/samspil/samspil"
)

// SAML signs people in with SAML 2.0 identity providers (OIOSAML 3, as
// KOMBIT's Fælleskommunal Adgangsstyring speaks it): a signed
// AuthnRequest by the HTTP-Redirect binding, the Response by HTTP-POST.
// The library (crewjam/saml) stays behind this type: the rest of samspil
// sees samspil.SSOIdentity and Refusal.
type SAML struct {
	Client *Client
	// Assertions records each accepted assertion, so that it is accepted
	// once (across instances, in the database).
	Assertions AssertionStore
	Now        func() time.Time // nil is time.Now
}

// AssertionStore records accepted assertion ids; ConsumeAssertion answers
// an error with code ECONFLICT for an id it has recorded already.
type AssertionStore interface {
	ConsumeAssertion(ctx context.Context, providerID, assertionID string, expires time.Time) error
}

// MaxResponseSize caps a SAML response posted to the assertion consumer
// service, decoded.
const MaxResponseSize = 256 << 10

// ACSPath is the assertion consumer service of every SAML provider; the
// RelayState names the sign-in.
const ACSPath = "/login/sso/saml/acs"

// MetadataPath is where samspil's metadata for a provider is published,
// which is also its entity id there.
func MetadataPath(providerID string) string { return "/login/sso/" + providerID + "/metadata" }

// SLOPath is the single logout service of a provider.
func SLOPath(providerID string) string { return "/login/sso/" + providerID + "/slo" }

// NewSPKey makes samspil's key and self-signed certificate for one SAML
// provider, valid for ten years (PEM).
func NewSPKey(name string) (keyPEM, certPEM string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return "", "", err
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: name, Organization: []string{"samspil"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
		string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}

// serviceProvider builds the library's service provider for a provider,
// at the site's base address.
func (s *SAML) serviceProvider(ctx context.Context, p *samspil.IdentityProvider, base string) (*saml.ServiceProvider, error) {
	c := p.SAML
	if c == nil || c.SPKey == "" {
		return nil, refuse("configuration", "the provider has no SAML settings or no key")
	}
	kb, _ := pem.Decode([]byte(c.SPKey))
	cb, _ := pem.Decode([]byte(c.SPCertificate))
	if kb == nil || cb == nil {
		return nil, refuse("configuration", "the provider's key or certificate cannot be read")
	}
	key, err := x509.ParsePKCS1PrivateKey(kb.Bytes)
	if err != nil {
		return nil, refuse("configuration", "the provider's key: %w", err)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, refuse("configuration", "the provider's certificate: %w", err)
	}
	md, err := samlsp.ParseMetadata([]byte(c.MetadataXML))
	if err != nil {
		return nil, refuse("configuration", "the provider's metadata: %w", err)
	}
	meta, _ := url.Parse(base + MetadataPath(p.ID))
	acs, _ := url.Parse(base + ACSPath)
	slo, _ := url.Parse(base + SLOPath(p.ID))
	sp := &saml.ServiceProvider{
		EntityID: meta.String(), Key: key, Certificate: cert, MetadataURL: *meta, AcsURL: *acs, SloURL: *slo, IDPMetadata: md,
		LogoutBindings: []string{saml.HTTPRedirectBinding},
		HTTPClient:     s.Client.HTTP(), SignatureMethod: dsig.RSASHA256SignatureMethod,
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding}, AllowIDPInitiated: false,
		AuthnNameIDFormat: saml.PersistentNameIDFormat, RejectUnknownConditions: true, RejectSHA1Signatures: true,
		ReplayCache: replayCache{ctx: context.WithoutCancel(ctx), store: s.Assertions, providerID: p.ID},
	}
	if s.Now != nil {
		sp.Clock = dsig.NewFakeClockAt(s.Now())
	}
	return sp, nil
}

// Metadata is samspil's metadata for a provider: what its administrators
// give their identity provider.
func (s *SAML) Metadata(ctx context.Context, p *samspil.IdentityProvider, base string) ([]byte, error) {
	sp, err := s.serviceProvider(ctx, p, base)
	if err != nil {
		return nil, err
	}
	return xml.MarshalIndent(sp.Metadata(), "", "  ")
}

// AuthURL is where the browser goes to sign in at the provider: a signed
// AuthnRequest by the HTTP-Redirect binding, with the state as RelayState.
// It records the request's id in the flow (as its nonce): the response
// must answer that request.
func (s *SAML) AuthURL(ctx context.Context, p *samspil.IdentityProvider, base string, f *samspil.SSOFlow) (string, error) {
	sp, err := s.serviceProvider(ctx, p, base)
	if err != nil {
		return "", err
	}
	req, err := sp.MakeAuthenticationRequest(sp.GetSSOBindingLocation(saml.HTTPRedirectBinding), saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", refuse("configuration", "making the request: %w", err)
	}
	f.Nonce = req.ID
	u, err := req.Redirect(f.State, sp)
	if err != nil {
		return "", refuse("configuration", "signing the request: %w", err)
	}
	return u.String(), nil
}

// DecodeResponse reads the SAMLResponse form field: base64 of at most
// MaxResponseSize bytes.
func DecodeResponse(field string) ([]byte, error) {
	if base64.StdEncoding.DecodedLen(len(field)) > MaxResponseSize+3 {
		return nil, refuse("too_large", "the response is larger than %d KiB", MaxResponseSize>>10)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(field), ""))
	if err != nil || len(raw) == 0 {
		return nil, refuse("malformed", "the response is not base64")
	}
	return raw, nil
}

// Finish checks a SAML response for the flow: the signature (of the
// response or of its one assertion) by a certificate of the provider's
// metadata, issuer, audience, recipient, destination, that it answers the
// flow's request, its validity period, and that the assertion was not
// accepted before; then the OIOSAML attributes: the organisation's CVR
// number (orgCVR, when it has one) and the assurance level.
func (s *SAML) Finish(ctx context.Context, p *samspil.IdentityProvider, base, orgCVR string, f *samspil.SSOFlow, raw []byte) (*samspil.SSOIdentity, error) {
	if len(raw) > MaxResponseSize {
		return nil, refuse("too_large", "the response is larger than %d KiB", MaxResponseSize>>10)
	}
	if err := noComments(raw); err != nil {
		return nil, err
	}
	sp, err := s.serviceProvider(ctx, p, base)
	if err != nil {
		return nil, err
	}
	assertion, err := sp.ParseXMLResponse(raw, []string{f.Nonce}, sp.AcsURL)
	if err != nil {
		var ir *saml.InvalidResponseError
		if errors.As(err, &ir) && ir.PrivateErr != nil {
			err = ir.PrivateErr
		}
		if errors.Is(err, saml.ErrAssertionReplayed) {
			return nil, refuse("replayed", "%w", err)
		}
		return nil, refuse("bad_response", "%w", err)
	}
	c := p.SAML
	if assertion.Subject == nil || assertion.Subject.NameID == nil {
		return nil, refuse("bad_claims", "the assertion has no NameID")
	}
	subject := strings.TrimSpace(assertion.Subject.NameID.Value)
	fail := func(reason, format string, args ...any) (*samspil.SSOIdentity, error) {
		r := refuse(reason, format, args...)
		r.Subject = subject
		return nil, r
	}
	attrs := map[string][]string{}
	claims := map[string]any{"NameID": subject}
	for _, st := range assertion.AttributeStatements {
		for _, a := range st.Attributes {
			for _, v := range a.Values {
				attrs[a.Name] = append(attrs[a.Name], strings.TrimSpace(v.Value))
			}
			claims[a.Name] = strings.Join(attrs[a.Name], ", ")
		}
	}
	if c.CVRAttribute != "" && orgCVR != "" {
		if got := attrs[c.CVRAttribute]; len(got) != 1 || got[0] != orgCVR {
			return fail("wrong_cvr", "the assertion is for CVR %v, not the organisation's %s", got, orgCVR)
		}
	}
	if c.MinAssurance != "" {
		got := attrs[c.AssuranceAttribute]
		if len(got) != 1 || !samspil.AssuranceAtLeast(samspil.NSISLevel(got[0]), c.MinAssurance) {
			return fail("low_assurance", "the assurance level %v is below %s", got, c.MinAssurance)
		}
	}
	id := &samspil.SSOIdentity{ProviderID: p.ID, Subject: subject, Claims: claims}
	for _, name := range []string{"https://data.gov.dk/model/core/eid/email", "email", "mail",
		"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "urn:oid:0.9.2342.19200300.100.1.3"} {
		if v := attrs[name]; len(v) == 1 && samspil.ValidEmail(v[0]) {
			id.Email = v[0]
			break
		}
	}
	for _, name := range []string{"https://data.gov.dk/model/core/eid/fullName", "displayName", "name", "urn:oid:2.5.4.3",
		"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "urn:oid:2.16.840.1.113730.3.1.241"} {
		if v := attrs[name]; len(v) == 1 && v[0] != "" {
			id.Name = v[0]
			break
		}
	}
	for _, st := range assertion.AuthnStatements {
		if st.SessionIndex != "" {
			id.SessionIndex = st.SessionIndex
		}
	}
	if id.Email == "" && samspil.ValidEmail(subject) {
		id.Email = subject
	}
	if p.RoleClaim != "" {
		vals := attrs[p.RoleClaim]
		if c.RoleFormat == samspil.SAMLRolesBPP {
			if vals, err = privileges(vals, orgCVR); err != nil {
				return fail("bad_claims", "%w", err)
			}
		}
		id.RoleValues = vals
	}
	if err := id.Validate(); err != nil {
		return fail("bad_claims", "%w", err)
	}
	return id, nil
}

// noComments refuses a response with an XML comment in it. A comment
// inside a NameID or an attribute value is invisible to the signature
// (exclusive canonicalisation drops comments), so an assertion signed for
// "mette@silkeborg.dk.evil.example" could be shown to a reader that stops
// at the comment as "mette@silkeborg.dk". Identity providers do not send
// comments, so none is accepted.
func noComments(raw []byte) error {
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(raw); err != nil {
		return refuse("malformed", "the response is not XML: %w", err)
	}
	var walk func(t etree.Token) bool
	walk = func(t etree.Token) bool {
		switch x := t.(type) {
		case *etree.Comment:
			return true
		case *etree.Element:
			for _, c := range x.Child {
				if walk(c) {
					return true
				}
			}
		}
		return false
	}
	if walk(&doc.Element) {
		return refuse("comment", "the response contains an XML comment")
	}
	return nil
}

// privileges reads OIOSAML's basic privilege profile: each value is a
// base64 PrivilegeList, whose PrivilegeGroups scope privileges to a CVR
// number; it returns the privileges scoped to the organisation's.
func privileges(values []string, orgCVR string) ([]string, error) {
	type list struct {
		Groups []struct {
			Scope      string   `xml:"Scope,attr"`
			Privileges []string `xml:"Privilege"`
		} `xml:"PrivilegeGroup"`
	}
	var out []string
	for _, v := range values {
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("a privilege list is not base64")
		}
		if bytes.Contains(raw, []byte("<!DOCTYPE")) {
			return nil, fmt.Errorf("a privilege list has a DOCTYPE")
		}
		var l list
		dec := xml.NewDecoder(bytes.NewReader(raw))
		dec.Strict = true
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("a privilege list is not XML: %w", err)
		}
		for _, g := range l.Groups {
			if orgCVR != "" && strings.TrimSpace(g.Scope) == "urn:dk:gov:saml:cvrNumberIdentifier:"+orgCVR {
				for _, p := range g.Privileges {
					out = append(out, strings.TrimSpace(p))
				}
			}
		}
	}
	return out, nil
}

// replayCache is the library's replay cache over the store.
type replayCache struct {
	ctx        context.Context
	store      AssertionStore
	providerID string
}

func (r replayCache) Consume(assertionID string, expires time.Time) error {
	if r.store == nil {
		return errors.New("no store for accepted assertions")
	}
	err := r.store.ConsumeAssertion(r.ctx, r.providerID, assertionID, expires)
	if samspil.ErrorCode(err) == samspil.ECONFLICT {
		return saml.ErrAssertionReplayed
	}
	return err
}

// FetchMetadata reads an identity provider's metadata from its address,
// through the client (public addresses only, unless allowed; at most
// MaxResponseBytes). Its error is a samspil.Error at saml.metadata_url.
func (s *SAML) FetchMetadata(ctx context.Context, address string) (string, error) {
	bad := func() error {
		return samspil.ErrorAt(samspil.EINVALID, "saml.metadata_url", "could not be read; upload the metadata instead")
	}
	u, err := url.Parse(address)
	if err != nil || !(u.Scheme == "https" || (u.Scheme == "http" && samspil.IsLoopbackHost(u.Hostname()))) {
		return "", samspil.ErrorAt(samspil.EINVALID, "saml.metadata_url", "must be an https URL")
	}
	ctx, cancel := context.WithTimeout(ctx, s.Client.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", bad()
	}
	res, err := s.Client.HTTP().Do(req)
	if err != nil {
		return "", bad()
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", bad()
	}
	body, err := io.ReadAll(res.Body)
	if err != nil || len(body) >= MaxResponseBytes {
		return "", bad()
	}
	return string(body), nil
}

// LogoutURL is where the browser goes to end the provider's session too (a
// signed LogoutRequest by the HTTP-Redirect binding), or "" when the
// provider offers no single logout.
func (s *SAML) LogoutURL(ctx context.Context, p *samspil.IdentityProvider, base, subject, sessionIndex string) string {
	sp, err := s.serviceProvider(ctx, p, base)
	if err != nil || subject == "" || sp.GetSLOBindingLocation(saml.HTTPRedirectBinding) == "" {
		return ""
	}
	u, err := sp.MakeRedirectLogoutRequest(subject, "", saml.WithSessionIndex(sessionIndex))
	if err != nil {
		return ""
	}
	return u.String()
}

// LogoutResponse checks the provider's answer to samspil's LogoutRequest.
func (s *SAML) LogoutResponse(ctx context.Context, p *samspil.IdentityProvider, base string, r *http.Request) error {
	sp, err := s.serviceProvider(ctx, p, base)
	if err != nil {
		return err
	}
	// samspil keeps no ids of its LogoutRequests (its session ended before
	// the browser left), so the deprecated check without them is the one.
	return sp.ValidateLogoutResponseRequest(r)
}

// LogoutRequest checks a provider's own LogoutRequest (its session ended
// elsewhere) and returns the subject whose sessions end and where to send
// the browser with samspil's LogoutResponse.
func (s *SAML) LogoutRequest(ctx context.Context, p *samspil.IdentityProvider, base string, r *http.Request) (subject, answer string, err error) {
	sp, err := s.serviceProvider(ctx, p, base)
	if err != nil {
		return "", "", err
	}
	lr, err := sp.ValidateLogoutRequest(r)
	if err != nil {
		return "", "", refuse("bad_logout", "%w", err)
	}
	if lr.NameID == nil || strings.TrimSpace(lr.NameID.Value) == "" {
		return "", "", refuse("bad_logout", "the logout request names nobody")
	}
	u, err := sp.MakeRedirectLogoutResponse(lr.ID, r.URL.Query().Get("RelayState"))
	if err != nil {
		return "", "", refuse("bad_logout", "%w", err)
	}
	return strings.TrimSpace(lr.NameID.Value), u.String(), nil
}

// MetadataStore is what reading the providers' metadata again needs of the
// store.
type MetadataStore interface {
	SAMLMetadataSources(ctx context.Context) ([]samspil.IdentityProvider, error)
	UpdateIdentityProvider(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.IdentityProviderPatch) (*samspil.IdentityProvider, error)
}

// RefreshMetadata reads again the metadata of every SAML provider that has
// an address for it, and stores what changed (a new signing certificate
// before a rollover, a moved sign-in address), audited. Metadata that
// cannot be read, or does not pass the checks, leaves the provider as it
// was; the errors are returned together.
func (s *SAML) RefreshMetadata(ctx context.Context, store MetadataStore) (changed int, err error) {
	ps, err := store.SAMLMetadataSources(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, p := range ps {
		md, err := s.FetchMetadata(ctx, p.SAML.MetadataURL)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s): %w", p.Name, p.ID, err))
			continue
		}
		if sameMetadata(md, p.SAML.MetadataXML) {
			continue
		}
		c := *p.SAML
		c.MetadataXML = md
		if _, err := store.UpdateIdentityProvider(ctx, samspil.SystemActor("sso: metadata refresh"), p.ID, p.Version,
			samspil.IdentityProviderPatch{SAML: &c}); err != nil {
			errs = append(errs, fmt.Errorf("%s (%s): %w", p.Name, p.ID, err))
			continue
		}
		changed++
	}
	return changed, errors.Join(errs...)
}

// sameMetadata reports whether two metadata documents say the same of what
// samspil uses (entity id, sign-in and logout addresses, signing
// certificates), whatever else differs (a validUntil that moves with every
// reading, the order of elements).
func sameMetadata(a, b string) bool {
	if strings.TrimSpace(a) == strings.TrimSpace(b) {
		return true
	}
	ma, erra := samspil.ParseIdPMetadata(a)
	mb, errb := samspil.ParseIdPMetadata(b)
	if erra != nil || errb != nil || ma.EntityID != mb.EntityID || ma.SSOURL != mb.SSOURL || len(ma.Certs) != len(mb.Certs) {
		return false
	}
	da, db := map[string]bool{}, map[string]bool{}
	for i := range ma.Certs {
		da[string(ma.Certs[i].Raw)], db[string(mb.Certs[i].Raw)] = true, true
	}
	for k := range da {
		if !db[k] {
			return false
		}
	}
	return sloLocation(a) == sloLocation(b)
}

// sloLocation is the HTTP-Redirect single logout address of metadata.
func sloLocation(doc string) string {
	md, err := samlsp.ParseMetadata([]byte(doc))
	if err != nil {
		return ""
	}
	for _, d := range md.IDPSSODescriptors {
		for _, e := range d.SingleLogoutServices {
			if e.Binding == saml.HTTPRedirectBinding {
				return e.Location
			}
		}
	}
	return ""
}
