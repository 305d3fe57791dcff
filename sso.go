package samspil

import (
	"context"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Single sign-on. An organisation's administrators configure the identity
// provider its staff sign in with (OpenID Connect, e.g. Microsoft Entra ID;
// SAML, e.g. KOMBIT's Fælleskommunal Adgangsstyring). A person who signs in
// through it is identified by the pair (provider, subject), never by e-mail:
// the first sign-in creates their account in the provider's organisation,
// and every sign-in sets their role in that organisation, and only there,
// from what the provider grants. The provider speaks for its organisation
// because the organisation's own administrators chose it.

// SSOProtocol is the protocol an identity provider speaks.
type SSOProtocol string

// Protocols.
const (
	SSOOIDC SSOProtocol = "oidc" // OpenID Connect: authorisation code flow with PKCE
	SSOSAML SSOProtocol = "saml" // SAML 2.0 (OIOSAML 3: KOMBIT's Fælleskommunal Adgangsstyring)
)

// SSOProtocols lists the protocols that can be configured.
var SSOProtocols = []SSOProtocol{SSOOIDC, SSOSAML}

func init() { RegisterEnum(SSOProtocols) }

// IdentityProvider is an organisation's single sign-on configuration.
type IdentityProvider struct {
	ID               string      `json:"id"`
	OrganizationID   string      `json:"organization_id" readOnly:"true"`
	OrganizationName string      `json:"organization_name" readOnly:"true"`
	Protocol         SSOProtocol `json:"protocol"`
	Name             string      `json:"name" doc:"Shown on the login page: \"Log ind med <name>\""`
	Enabled          bool        `json:"enabled" doc:"Only enabled providers are offered on the login page and accept sign-ins"`
	EmailDomains     []string    `json:"email_domains" doc:"E-mail domains whose people are sent to this provider when they give their address on the login page"`
	OIDC             *OIDCConfig `json:"oidc,omitempty"`
	SAML             *SAMLConfig `json:"saml,omitempty"`
	RoleClaim        string      `json:"role_claim" doc:"The claim (OIDC) or attribute (SAML) whose values are mapped to roles, e.g. groups, or OIOSAML's privileges attribute"`
	RoleMap          []RoleRule  `json:"role_map" doc:"Claim values and the role each grants; the highest granted role wins"`
	DefaultRole      Role        `json:"default_role,omitempty" allowEmpty:"true" doc:"The role of a person the provider grants no mapped value; empty refuses them"`
	RequireSSO       bool        `json:"require_sso" doc:"Members of the organisation may not sign in with a password, except the break-glass accounts (platform operators set it)"`
	BreakGlass       []string    `json:"break_glass" doc:"IDs of users who may still sign in with a password when SSO is required (platform operators set it)"`
	Version          int         `json:"version"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
}

// OIDCConfig is how samspil talks to an OpenID Connect provider.
type OIDCConfig struct {
	Issuer       string   `json:"issuer" doc:"The issuer URL; its discovery document is read from <issuer>/.well-known/openid-configuration"`
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret,omitempty" writeOnly:"true" doc:"Write-only; empty on update keeps the secret"`
	HasSecret    bool     `json:"has_secret" readOnly:"true"`
	Scopes       []string `json:"scopes,omitempty" doc:"Scopes besides openid, e.g. email profile"`
}

// RoleRule maps one claim value (a group's name or id, an app role) to a
// role in the provider's organisation.
type RoleRule struct {
	Value string `json:"value" minLength:"1" maxLength:"500"`
	Role  Role   `json:"role"`
}

// IdentityProviderInput creates a provider.
type IdentityProviderInput struct {
	Protocol     SSOProtocol `json:"protocol"`
	Name         string      `json:"name" minLength:"1" maxLength:"100"`
	Enabled      *bool       `json:"enabled,omitempty" doc:"Whether it accepts sign-ins; default true"`
	EmailDomains []string    `json:"email_domains,omitempty" maxItems:"20"`
	OIDC         *OIDCConfig `json:"oidc,omitempty"`
	SAML         *SAMLConfig `json:"saml,omitempty"`
	RoleClaim    string      `json:"role_claim,omitempty" maxLength:"500"`
	RoleMap      []RoleRule  `json:"role_map,omitempty" maxItems:"200"`
	DefaultRole  Role        `json:"default_role,omitempty" allowEmpty:"true"`
	RequireSSO   bool        `json:"require_sso,omitempty"`
	BreakGlass   []string    `json:"break_glass,omitempty" maxItems:"20"`
}

// IdentityProviderPatch changes a provider; nil fields stay as they are.
type IdentityProviderPatch struct {
	Name         *string     `json:"name,omitempty" maxLength:"100"`
	Enabled      *bool       `json:"enabled,omitempty"`
	EmailDomains *[]string   `json:"email_domains,omitempty" maxItems:"20"`
	OIDC         *OIDCConfig `json:"oidc,omitempty" doc:"Replaces the OIDC settings; an empty client_secret keeps the stored one"`
	SAML         *SAMLConfig `json:"saml,omitempty" doc:"Replaces the SAML settings"`
	RoleClaim    *string     `json:"role_claim,omitempty" maxLength:"500"`
	RoleMap      *[]RoleRule `json:"role_map,omitempty" maxItems:"200"`
	DefaultRole  *Role       `json:"default_role,omitempty" allowEmpty:"true"`
	RequireSSO   *bool       `json:"require_sso,omitempty"`
	BreakGlass   *[]string   `json:"break_glass,omitempty" maxItems:"20"`
}

// New returns the provider the input describes, in organisation orgID.
func (in IdentityProviderInput) New(orgID string) IdentityProvider {
	p := IdentityProvider{OrganizationID: orgID, Protocol: in.Protocol, Name: in.Name, Enabled: in.Enabled == nil || *in.Enabled,
		EmailDomains: in.EmailDomains, OIDC: in.OIDC, SAML: in.SAML, RoleClaim: in.RoleClaim, RoleMap: in.RoleMap,
		DefaultRole: in.DefaultRole, RequireSSO: in.RequireSSO, BreakGlass: in.BreakGlass}
	p.normalize()
	return p
}

// Apply returns p with the patch applied. An OIDC patch without a client
// secret keeps the secret p has.
func (pt IdentityProviderPatch) Apply(p IdentityProvider) IdentityProvider {
	setIf(&p.Name, pt.Name)
	setIf(&p.Enabled, pt.Enabled)
	setIf(&p.EmailDomains, pt.EmailDomains)
	setIf(&p.RoleClaim, pt.RoleClaim)
	setIf(&p.RoleMap, pt.RoleMap)
	setIf(&p.DefaultRole, pt.DefaultRole)
	setIf(&p.RequireSSO, pt.RequireSSO)
	setIf(&p.BreakGlass, pt.BreakGlass)
	if pt.OIDC != nil {
		o := *pt.OIDC
		if o.ClientSecret == "" && p.OIDC != nil {
			o.ClientSecret = p.OIDC.ClientSecret
		}
		p.OIDC = &o
	}
	if pt.SAML != nil {
		c := *pt.SAML
		if p.SAML != nil { // samspil's own key and certificate stay
			c.SPKey, c.SPCertificate = p.SAML.SPKey, p.SAML.SPCertificate
		}
		p.SAML = &c
	}
	p.normalize()
	return p
}

// normalize trims the fields and brings domains to lower case without
// repeats, in the order given (so that an error's index names the domain
// as it was sent).
func (p *IdentityProvider) normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.RoleClaim = strings.TrimSpace(p.RoleClaim)
	domains := make([]string, 0, len(p.EmailDomains))
	for _, d := range p.EmailDomains {
		if d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@")); d != "" && !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
	}
	p.EmailDomains = domains
	for i := range p.RoleMap {
		p.RoleMap[i].Value = strings.TrimSpace(p.RoleMap[i].Value)
	}
	if p.RoleMap == nil {
		p.RoleMap = []RoleRule{}
	}
	if p.BreakGlass == nil {
		p.BreakGlass = []string{}
	}
	if o := p.OIDC; o != nil {
		o.Issuer = strings.TrimRight(strings.TrimSpace(o.Issuer), "/")
		o.ClientID = strings.TrimSpace(o.ClientID)
		o.ClientSecret = strings.TrimSpace(o.ClientSecret)
		o.HasSecret = o.ClientSecret != ""
		scopes := make([]string, 0, len(o.Scopes))
		for _, s := range o.Scopes {
			for _, f := range strings.Fields(s) {
				if f != "openid" && !slices.Contains(scopes, f) {
					scopes = append(scopes, f)
				}
			}
		}
		o.Scopes = scopes
	}
	if c := p.SAML; c != nil {
		c.MetadataXML = strings.TrimSpace(c.MetadataXML)
		c.MetadataURL = strings.TrimSpace(c.MetadataURL)
		c.CVRAttribute = strings.TrimSpace(c.CVRAttribute)
		c.AssuranceAttribute = strings.TrimSpace(c.AssuranceAttribute)
		if c.RoleFormat == "" {
			c.RoleFormat = SAMLRolesPlain
		}
		c.EntityID, c.SSOURL = "", ""
		if md, err := ParseIdPMetadata(c.MetadataXML); err == nil {
			c.EntityID, c.SSOURL = md.EntityID, md.SSOURL
		}
	}
}

// Validate checks a provider's own fields. The organisation's membership of
// the break-glass users is the store's to check.
func (p *IdentityProvider) Validate() error {
	var v Validation
	v.OneOf("protocol", p.Protocol)
	v.Check(p.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(p.Name) <= 100, "name", "must be at most 100 characters")
	v.Check(len(p.EmailDomains) <= 20, "email_domains", "may hold at most 20 domains")
	for i, d := range p.EmailDomains {
		v.Check(validDomain(d), indexPath("email_domains", i), "must be a domain such as silkeborg.dk")
	}
	v.Check(len(p.RoleClaim) <= 500, "role_claim", "must be at most 500 characters")
	v.Check(len(p.RoleMap) <= 200, "role_map", "may hold at most 200 rules")
	seen := map[string]bool{}
	for i, r := range p.RoleMap {
		path := indexPath("role_map", i)
		v.Check(r.Value != "" && len(r.Value) <= 500, path+".value", "is required (at most 500 characters)")
		v.Check(!seen[r.Value], path+".value", "is mapped twice")
		seen[r.Value] = true
		v.OneOf(path+".role", r.Role)
	}
	if len(p.RoleMap) > 0 {
		v.Check(p.RoleClaim != "", "role_claim", "is required when values are mapped to roles")
	}
	if p.DefaultRole != "" {
		v.OneOf("default_role", p.DefaultRole)
	}
	v.Check(len(p.BreakGlass) <= 20, "break_glass", "may hold at most 20 accounts")
	switch p.Protocol {
	case SSOOIDC:
		o := p.OIDC
		if o == nil {
			v.Add("oidc", "is required for an OpenID Connect provider")
			break
		}
		v.Check(validIssuer(o.Issuer), "oidc.issuer", "must be an https URL without query or fragment, such as https://login.microsoftonline.com/<tenant>/v2.0")
		v.Check(o.ClientID != "" && len(o.ClientID) <= 500, "oidc.client_id", "is required (at most 500 characters)")
		v.Check(o.ClientSecret != "", "oidc.client_secret", "is required")
		v.Check(len(o.ClientSecret) <= 2000, "oidc.client_secret", "must be at most 2000 characters")
		v.Check(len(o.Scopes) <= 20, "oidc.scopes", "may hold at most 20 scopes")
		for i, s := range o.Scopes {
			v.Check(len(s) <= 100 && !strings.ContainsAny(s, "\"\\"), indexPath("oidc.scopes", i), "must be a scope name")
		}
	case SSOSAML:
		c := p.SAML
		if c == nil {
			v.Add("saml", "is required for a SAML provider")
			break
		}
		if c.MetadataXML == "" {
			v.Add("saml.metadata_xml", "is required: the identity provider's metadata, uploaded or read from its address")
		} else {
			checkIdPMetadata(&v, "saml.metadata_xml", c.MetadataXML)
		}
		v.Check(c.MetadataURL == "" || validIssuer(c.MetadataURL), "saml.metadata_url", "must be an https URL")
		v.Check(len(c.CVRAttribute) <= 500, "saml.cvr_attribute", "must be at most 500 characters")
		v.Check(len(c.AssuranceAttribute) <= 500, "saml.assurance_attribute", "must be at most 500 characters")
		v.OneOf("saml.role_format", c.RoleFormat)
		if c.MinAssurance != "" {
			v.OneOf("saml.min_assurance", c.MinAssurance)
			v.Check(c.AssuranceAttribute != "", "saml.assurance_attribute", "is required when a minimum assurance level is set")
		}
	}
	return v.Err()
}

// indexPath names an element of a list field, e.g. role_map[2].
func indexPath(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// validDomain reports whether d looks like an e-mail domain: labels of
// letters, digits and hyphens, at least two of them.
func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r > 127) {
				return false
			}
		}
	}
	return true
}

// validIssuer reports whether s can be an OIDC issuer: https, or http on
// a loopback address (a provider run beside samspil, such as the
// development provider); no query, fragment or user information.
func validIssuer(s string) bool {
	if len(s) > 500 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return IsLoopbackHost(u.Hostname())
	}
	return false
}

// IsLoopbackHost reports whether host names this machine: localhost or a
// loopback address.
func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// GrantedRole returns the role the provider grants a person whose role
// claim holds values: the highest role any mapped value grants, else the
// default role; "" when it grants none. Values are compared exactly (group
// ids and app roles are case-sensitive at the providers).
func (p *IdentityProvider) GrantedRole(values []string) Role {
	best := -1
	for _, r := range p.RoleMap {
		if slices.Contains(values, r.Value) {
			if i := slices.Index(Roles, r.Role); i >= 0 && (best < 0 || i < best) {
				best = i
			}
		}
	}
	if best >= 0 {
		return Roles[best]
	}
	return p.DefaultRole
}

// MatchedValues returns the values that a rule maps, in the order of the
// rules: what the "try login" page shows beside the role.
func (p *IdentityProvider) MatchedValues(values []string) []RoleRule {
	var out []RoleRule
	for _, r := range p.RoleMap {
		if slices.Contains(values, r.Value) {
			out = append(out, r)
		}
	}
	return out
}

// MayUsePassword reports whether a user may sign in with a password, given
// the providers that require single sign-on in the organisations the user
// belongs to: only when none requires it, or the user is a break-glass
// account of every one that does.
func MayUsePassword(userID string, requiring []IdentityProvider) bool {
	for _, p := range requiring {
		if p.RequireSSO && p.Enabled && !slices.Contains(p.BreakGlass, userID) {
			return false
		}
	}
	return true
}

// ProviderMayUpdateAccount reports whether an organisation's identity
// provider may take a changed name and address into an account: when the
// organisation's administrators may manage the account (MayManageAccount),
// that is when the account belongs to that organisation only. An account
// that belongs to another organisation too keeps what it has.
func ProviderMayUpdateAccount(orgID string, acc AccountFacts) bool {
	a := &Actor{Kind: ActorUser, Roles: map[string]Role{orgID: RoleAdmin}}
	return a.MayManageAccount(acc)
}

// MayConfigureSSO reports whether the actor may configure the
// organisation's identity providers: its administrators and operators.
func (a *Actor) MayConfigureSSO(orgID string) bool { return a.Can(PermSignInManage, orgID) }

// MayRequireSSO reports whether the actor may require single sign-on for an
// organisation or name its break-glass accounts: platform operators only,
// since it can lock an organisation's own administrators out of a
// password they rely on.
func (a *Actor) MayRequireSSO() bool { return a.IsOperator() }

// SSOPurpose says why a sign-in at a provider was started.
type SSOPurpose string

// Purposes.
const (
	SSOLoginPurpose SSOPurpose = "login" // sign in, creating the account on first use
	SSOLinkPurpose  SSOPurpose = "link"  // link the provider's identity to the signed-in account
	SSOTestPurpose  SSOPurpose = "test"  // an administrator tries the configuration: show what arrived, start no session
)

// SSOPurposes lists the purposes. (Internal to a sign-in, so not an
// enumeration of the API.)
var SSOPurposes = []SSOPurpose{SSOLoginPurpose, SSOLinkPurpose, SSOTestPurpose}

// SSOFlow is a sign-in under way at a provider: what the callback needs to
// finish it. State and Binding are secrets held by the browser (in the
// redirect and in a cookie); the store keeps only their hashes.
type SSOFlow struct {
	State      string
	Binding    string
	ProviderID string
	Purpose    SSOPurpose
	UserID     string // the signed-in user, for link and test
	Nonce      string
	Verifier   string // the PKCE code verifier
	ReturnTo   string
	ExpiresAt  time.Time
	// SAMLResponse is the response a SAML provider posted for the flow,
	// kept until the browser comes to the callback.
	SAMLResponse []byte
}

// SSOIdentity is who a provider says signed in, after the protocol checks
// have passed.
type SSOIdentity struct {
	ProviderID   string
	Subject      string
	Email        string
	Name         string
	RoleValues   []string       // the values of the provider's role claim
	Claims       map[string]any // everything that arrived, for the "try login" page
	Source       netip.Addr
	SessionIndex string // the SAML provider's session index, for single logout
}

// SSOSession is how a session was started through a provider.
type SSOSession struct {
	ProviderID   string
	Subject      string
	SessionIndex string
}

// Validate checks what a provider sent before it can reach an account.
func (id *SSOIdentity) Validate() error {
	var v Validation
	v.Check(id.Subject != "" && len(id.Subject) <= 255 && utf8.ValidString(id.Subject) && !hasControl(id.Subject),
		"sub", "must be 1 to 255 characters without control characters")
	v.Check(len(id.Email) <= 254, "email", "must be at most 254 characters")
	v.Check(utf8.RuneCountInString(id.Name) <= 200 && !hasControl(id.Name), "name", "must be at most 200 characters without control characters")
	v.Check(len(id.RoleValues) <= 1000, "roles", "may hold at most 1000 values")
	v.Check(len(id.SessionIndex) <= 255 && !hasControl(id.SessionIndex), "session_index", "must be at most 255 characters without control characters")
	return v.Err()
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) })
}

// SignInOption is a provider offered on the login page.
type SignInOption struct {
	ProviderID       string
	Name             string
	OrganizationName string
}

// SSOLink is a provider of one of a person's organisations, and whether
// the person's account is linked to an identity there.
type SSOLink struct {
	ProviderID       string
	Name             string
	OrganizationName string
	Linked           bool
}

// SSOService configures identity providers and finishes sign-ins through
// them. The sign-in methods act in system scope, like AuthService: they are
// the gate.
type SSOService interface {
	ListIdentityProviders(ctx context.Context, actor *Actor, orgID string) ([]IdentityProvider, error)
	FindIdentityProvider(ctx context.Context, actor *Actor, id string) (*IdentityProvider, error)
	CreateIdentityProvider(ctx context.Context, actor *Actor, orgID string, in IdentityProviderInput) (*IdentityProvider, error)
	UpdateIdentityProvider(ctx context.Context, actor *Actor, id string, version int, p IdentityProviderPatch) (*IdentityProvider, error)
	DeleteIdentityProvider(ctx context.Context, actor *Actor, id string, version int) error

	// SignInOptions lists the enabled providers for the login page.
	SignInOptions(ctx context.Context) ([]SignInOption, error)
	// ProviderForEmail finds the enabled provider of an e-mail address's
	// domain; ENOTFOUND when none.
	ProviderForEmail(ctx context.Context, email string) (*SignInOption, error)
	// SAMLMetadataSources lists the SAML providers whose metadata is read
	// from an address, for the job that reads it again.
	SAMLMetadataSources(ctx context.Context) ([]IdentityProvider, error)
	// SSOProvider returns a provider's whole configuration, secret
	// included, for the protocol code.
	SSOProvider(ctx context.Context, id string) (*IdentityProvider, error)
	// StartSSO records a sign-in under way.
	StartSSO(ctx context.Context, f SSOFlow) error
	// FinishSSO takes the flow of a state once: a second call with the
	// same state answers EUNAUTHORIZED, as does a flow past its time or
	// one started in another browser (binding); each refusal is audited.
	FinishSSO(ctx context.Context, state, binding string, source netip.Addr) (*SSOFlow, error)
	// StashSAMLResponse keeps a SAML response posted for a sign-in under
	// way until the browser finishes it.
	StashSAMLResponse(ctx context.Context, state string, response []byte) error
	// ConsumeAssertion records an accepted SAML assertion; ECONFLICT when
	// it was accepted before.
	ConsumeAssertion(ctx context.Context, providerID, assertionID string, expires time.Time) error
	// SSOLogin signs in the person the provider vouches for: it creates
	// their account on first sign-in, sets their role in the provider's
	// organisation from what the provider grants, starts a session and
	// audits all of it in one transaction.
	SSOLogin(ctx context.Context, id SSOIdentity) (token string, user *User, err error)
	// LinkSSO links the provider's identity to the signed-in user, who must
	// belong to the provider's organisation.
	LinkSSO(ctx context.Context, actor *Actor, id SSOIdentity) error
	// SSOFailed audits a refused sign-in at a provider.
	SSOFailed(ctx context.Context, providerID, subject, reason string, source netip.Addr) error
	// AccountSSO lists the enabled providers of the actor's organisations
	// and whether the actor's account is linked at each.
	AccountSSO(ctx context.Context, actor *Actor) ([]SSOLink, error)
	// SessionSSO returns how a session was started: through which
	// provider, for which subject; nil for a password sign-in.
	SessionSSO(ctx context.Context, token string) (*SSOSession, error)
	// EndSSOSessions ends the sessions a provider started for a subject
	// (the provider's single logout), audited; it returns how many.
	EndSSOSessions(ctx context.Context, providerID, subject string) (int, error)
}
