package samspil

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"strings"
)

// SAML settings. An organisation's SAML identity provider is described by
// its metadata (an EntityDescriptor): its entity id, where to send people
// to sign in and the certificates its signatures are checked with. The
// attributes follow OIOSAML 3 (KOMBIT's Fælleskommunal Adgangsstyring) by
// default: the organisation's CVR number, the NSIS assurance level and the
// privileges.

// NSISLevel is an NSIS assurance level, from the lowest.
type NSISLevel string

// Levels.
const (
	NSISLow         NSISLevel = "Low"
	NSISSubstantial NSISLevel = "Substantial"
	NSISHigh        NSISLevel = "High"
)

// NSISLevels lists the levels from the lowest.
var NSISLevels = []NSISLevel{NSISLow, NSISSubstantial, NSISHigh}

// SAMLRoleFormat says how the role attribute's values are read.
type SAMLRoleFormat string

// Formats.
const (
	SAMLRolesPlain SAMLRoleFormat = "plain"       // each value is a group or role name
	SAMLRolesBPP   SAMLRoleFormat = "oiosaml_bpp" // OIOSAML's basic privilege profile: base64 XML, privileges scoped to the organisation's CVR
)

// SAMLRoleFormats lists the formats.
var SAMLRoleFormats = []SAMLRoleFormat{SAMLRolesPlain, SAMLRolesBPP}

func init() {
	RegisterEnum(NSISLevels)
	RegisterEnum(SAMLRoleFormats)
}

// OIOSAML 3's attribute names.
const (
	OIOSAMLCVR        = "https://data.gov.dk/model/core/eid/professional/cvr"
	OIOSAMLAssurance  = "https://data.gov.dk/concept/core/nsis/loa"
	OIOSAMLPrivileges = "https://data.gov.dk/model/core/eid/privilegesIntermediate"
)

// SAMLConfig is how samspil talks to a SAML identity provider.
type SAMLConfig struct {
	MetadataXML        string         `json:"metadata_xml,omitempty" maxLength:"1000000" doc:"The identity provider's metadata (an EntityDescriptor); or give metadata_url"`
	MetadataURL        string         `json:"metadata_url,omitempty" maxLength:"500" doc:"Where the metadata is read from, when it is not uploaded"`
	EntityID           string         `json:"entity_id,omitempty" readOnly:"true" doc:"The identity provider's entity id, from its metadata"`
	SSOURL             string         `json:"sso_url,omitempty" readOnly:"true" doc:"Where people sign in, from the metadata"`
	CVRAttribute       string         `json:"cvr_attribute,omitempty" doc:"The attribute with the organisation's CVR number; when the organisation has one, it must match"`
	AssuranceAttribute string         `json:"assurance_attribute,omitempty" doc:"The attribute with the NSIS assurance level"`
	MinAssurance       NSISLevel      `json:"min_assurance,omitempty" allowEmpty:"true" doc:"The lowest NSIS assurance level accepted; empty accepts any"`
	RoleFormat         SAMLRoleFormat `json:"role_format,omitempty" doc:"How role_claim's values are read: plain names, or OIOSAML privileges scoped to the organisation's CVR"`
	SPCertificate      string         `json:"sp_certificate,omitempty" readOnly:"true" doc:"samspil's certificate for this provider (PEM), which signs its requests"`
	SPKey              string         `json:"-"` // samspil's private key for this provider (PEM); only SSOProvider reads it
}

// DefaultSAML returns the OIOSAML 3 defaults.
func DefaultSAML() SAMLConfig {
	return SAMLConfig{CVRAttribute: OIOSAMLCVR, AssuranceAttribute: OIOSAMLAssurance, MinAssurance: NSISSubstantial, RoleFormat: SAMLRolesBPP}
}

// AssuranceAtLeast reports whether level is at least min; an unknown level
// is below every level.
func AssuranceAtLeast(level, min NSISLevel) bool {
	if min == "" {
		return true
	}
	li, mi := -1, -1
	for i, l := range NSISLevels {
		if strings.EqualFold(string(level), string(l)) {
			li = i
		}
		if l == min {
			mi = i
		}
	}
	return li >= 0 && li >= mi
}

// IdPMetadata is what samspil needs of an identity provider's metadata.
type IdPMetadata struct {
	EntityID string
	SSOURL   string // the HTTP-Redirect SingleSignOnService
	Certs    []*x509.Certificate
}

type mdEntity struct {
	XMLName  xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:metadata EntityDescriptor"`
	EntityID string   `xml:"entityID,attr"`
	IDP      []struct {
		Keys []struct {
			Use   string   `xml:"use,attr"`
			Certs []string `xml:"KeyInfo>X509Data>X509Certificate"`
		} `xml:"KeyDescriptor"`
		SSO []struct {
			Binding  string `xml:"Binding,attr"`
			Location string `xml:"Location,attr"`
		} `xml:"SingleSignOnService"`
	} `xml:"IDPSSODescriptor"`
}

const bindingRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

// ParseIdPMetadata reads an identity provider's metadata: one
// EntityDescriptor with an IDPSSODescriptor, a single sign-on service with
// the HTTP-Redirect binding at an https address (http on this machine),
// and at least one signing certificate. Its error says what is missing, at
// the field saml.metadata_xml.
func ParseIdPMetadata(doc string) (*IdPMetadata, error) {
	var v Validation
	md := checkIdPMetadata(&v, "saml.metadata_xml", doc)
	return md, v.Err()
}

func checkIdPMetadata(v *Validation, path, doc string) *IdPMetadata {
	if len(doc) > 1_000_000 {
		v.Add(path, "must be at most 1 MB")
		return nil
	}
	if strings.Contains(doc, "<!DOCTYPE") || strings.Contains(doc, "<!ENTITY") {
		v.Add(path, "must not contain a DOCTYPE")
		return nil
	}
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	var e mdEntity
	if err := dec.Decode(&e); err != nil {
		if strings.Contains(doc, "EntitiesDescriptor") {
			v.Add(path, "is a federation's list of entities; give the identity provider's own EntityDescriptor")
		} else {
			v.Add(path, "is not SAML metadata (an EntityDescriptor)")
		}
		return nil
	}
	md := &IdPMetadata{EntityID: strings.TrimSpace(e.EntityID)}
	if md.EntityID == "" || len(md.EntityID) > 500 {
		v.Add(path, "has no entityID")
		return nil
	}
	if len(e.IDP) != 1 {
		v.Add(path, "must describe one identity provider (IDPSSODescriptor)")
		return nil
	}
	for _, s := range e.IDP[0].SSO {
		if s.Binding == bindingRedirect {
			md.SSOURL = strings.TrimSpace(s.Location)
		}
	}
	if md.SSOURL == "" {
		v.Add(path, "has no SingleSignOnService with the HTTP-Redirect binding")
		return nil
	}
	if u, err := url.Parse(md.SSOURL); err != nil || !(u.Scheme == "https" || (u.Scheme == "http" && IsLoopbackHost(u.Hostname()))) {
		v.Add(path, "has a SingleSignOnService that is not an https address")
		return nil
	}
	for _, k := range e.IDP[0].Keys {
		if k.Use != "" && k.Use != "signing" {
			continue
		}
		for _, c := range k.Certs {
			der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c), ""))
			if err != nil {
				v.Add(path, "has a certificate that is not base64")
				return nil
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				v.Add(path, "has a certificate that cannot be read")
				return nil
			}
			md.Certs = append(md.Certs, cert)
		}
	}
	if len(md.Certs) == 0 {
		v.Add(path, "has no signing certificate")
		return nil
	}
	return md
}
