package samspil

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestGrantedRoleExamples(t *testing.T) {
	p := IdentityProvider{RoleClaim: "groups", RoleMap: []RoleRule{{"g-view", RoleViewer}, {"g-admin", RoleAdmin}, {"g-edit", RoleEditor}}}
	for _, c := range []struct {
		values []string
		def    Role
		want   Role
	}{
		{nil, "", ""},
		{[]string{"other"}, "", ""},
		{[]string{"other"}, RoleViewer, RoleViewer},
		{[]string{"g-view"}, "", RoleViewer},
		{[]string{"g-view", "g-edit"}, "", RoleEditor},
		{[]string{"g-edit", "g-admin", "g-view"}, "", RoleAdmin},
		{[]string{"G-ADMIN"}, "", ""}, // exact: group ids are case-sensitive
		{[]string{"g-view"}, RoleAdmin, RoleViewer},
	} {
		p.DefaultRole = c.def
		if got := p.GrantedRole(c.values); got != c.want {
			t.Errorf("GrantedRole(%v) with default %q = %q, want %q", c.values, c.def, got, c.want)
		}
	}
}

// Property: the granted role is the highest role of the rules whose value
// arrived, or the default when none did; adding a value never lowers it,
// and the order of the values does not matter.
func TestGrantedRoleProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	pool := []string{"a", "b", "c", "d", "e", "f"}
	pick := func() []string {
		var out []string
		for _, v := range pool {
			if r.IntN(3) == 0 {
				out = append(out, v)
			}
		}
		return out
	}
	rank := func(role Role) int {
		if role == "" {
			return len(Roles)
		}
		return slices.Index(Roles, role)
	}
	for range 5000 {
		p := IdentityProvider{RoleClaim: "groups"}
		for _, v := range pick() {
			p.RoleMap = append(p.RoleMap, RoleRule{Value: v, Role: Roles[r.IntN(len(Roles))]})
		}
		if r.IntN(2) == 0 {
			p.DefaultRole = Roles[r.IntN(len(Roles))]
		}
		values := pick()
		got := p.GrantedRole(values)
		want := Role("")
		for _, rule := range p.RoleMap {
			if slices.Contains(values, rule.Value) && (want == "" || rank(rule.Role) < rank(want)) {
				want = rule.Role
			}
		}
		if want == "" {
			want = p.DefaultRole
		}
		if got != want {
			t.Fatalf("GrantedRole(%v) over %+v = %q, want %q", values, p, got, want)
		}
		more := append(slices.Clone(values), pool[r.IntN(len(pool))])
		if g := p.GrantedRole(more); len(p.MatchedValues(values)) > 0 && rank(g) > rank(got) {
			t.Fatalf("adding a value lowered the role: %q → %q", got, g)
		}
		rev := slices.Clone(values)
		slices.Reverse(rev)
		if p.GrantedRole(rev) != got {
			t.Fatalf("the order of %v changed the role", values)
		}
	}
}

func TestIdentityProviderValidate(t *testing.T) {
	good := func() IdentityProviderInput {
		return IdentityProviderInput{Protocol: SSOOIDC, Name: " Entra ID ", EmailDomains: []string{"@Silkeborg.DK", "silkeborg.dk"},
			OIDC:      &OIDCConfig{Issuer: "https://login.microsoftonline.com/t/v2.0/", ClientID: "c", ClientSecret: "s", Scopes: []string{"openid email", "profile", "email"}},
			RoleClaim: "groups", RoleMap: []RoleRule{{" g ", RoleAdmin}}}
	}
	p := good().New("org")
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Name != "Entra ID" || !p.Enabled || !slices.Equal(p.EmailDomains, []string{"silkeborg.dk"}) || p.OIDC.Issuer != "https://login.microsoftonline.com/t/v2.0" ||
		!slices.Equal(p.OIDC.Scopes, []string{"email", "profile"}) || p.RoleMap[0].Value != "g" || !p.OIDC.HasSecret {
		t.Fatalf("normalised %+v %+v", p, p.OIDC)
	}
	for _, c := range []struct {
		change func(in *IdentityProviderInput)
		path   string
	}{
		{func(in *IdentityProviderInput) { in.Name = "" }, "name"},
		{func(in *IdentityProviderInput) { in.Name = strings.Repeat("å", 101) }, "name"},
		{func(in *IdentityProviderInput) { in.Protocol = "kerberos" }, "protocol"},
		{func(in *IdentityProviderInput) { in.OIDC = nil }, "oidc"},
		{func(in *IdentityProviderInput) { in.OIDC.Issuer = "http://idp.example.dk" }, "oidc.issuer"},
		{func(in *IdentityProviderInput) { in.OIDC.Issuer = "https://user:pw@idp.example.dk" }, "oidc.issuer"},
		{func(in *IdentityProviderInput) { in.OIDC.Issuer = "https://idp.example.dk/#x" }, "oidc.issuer"},
		{func(in *IdentityProviderInput) { in.OIDC.Issuer = "javascript:alert(1)" }, "oidc.issuer"},
		{func(in *IdentityProviderInput) { in.OIDC.ClientID = " " }, "oidc.client_id"},
		{func(in *IdentityProviderInput) { in.OIDC.ClientSecret = "" }, "oidc.client_secret"},
		{func(in *IdentityProviderInput) { in.OIDC.Scopes = []string{`a"b`} }, "oidc.scopes[0]"},
		{func(in *IdentityProviderInput) { in.EmailDomains = []string{"localhost"} }, "email_domains[0]"},
		{func(in *IdentityProviderInput) { in.EmailDomains = []string{"a.dk", "-x.dk"} }, "email_domains[1]"},
		{func(in *IdentityProviderInput) { in.RoleMap = []RoleRule{{"g", "owner"}} }, "role_map[0].role"},
		{func(in *IdentityProviderInput) { in.RoleMap = []RoleRule{{"", RoleAdmin}} }, "role_map[0].value"},
		{func(in *IdentityProviderInput) { in.RoleMap = append(in.RoleMap, RoleRule{"g", RoleViewer}) }, "role_map[1].value"},
		{func(in *IdentityProviderInput) { in.RoleClaim = "" }, "role_claim"},
		{func(in *IdentityProviderInput) { in.DefaultRole = "guest" }, "default_role"},
	} {
		in := good()
		c.change(&in)
		p := in.New("org")
		err := p.Validate()
		e, ok := err.(*Error)
		if !ok || !slices.ContainsFunc(e.Fields, func(f FieldError) bool { return f.Path == c.path }) {
			t.Errorf("want an error at %s, got %v", c.path, err)
		}
	}
	// http is allowed for a provider on this machine only.
	in := good()
	in.OIDC.Issuer = "http://127.0.0.1:9998"
	if p := in.New("org"); p.Validate() != nil {
		t.Error("a loopback issuer was refused")
	}
}

func TestPatchKeepsSecret(t *testing.T) {
	p := IdentityProviderInput{Protocol: SSOOIDC, Name: "x", OIDC: &OIDCConfig{Issuer: "https://a.dk", ClientID: "c", ClientSecret: "old"}}.New("o")
	after := IdentityProviderPatch{OIDC: &OIDCConfig{Issuer: "https://b.dk", ClientID: "c2"}}.Apply(p)
	if after.OIDC.ClientSecret != "old" || after.OIDC.Issuer != "https://b.dk" || p.OIDC.Issuer != "https://a.dk" {
		t.Fatalf("after %+v, before %+v", after.OIDC, p.OIDC)
	}
	after = IdentityProviderPatch{OIDC: &OIDCConfig{Issuer: "https://b.dk", ClientID: "c2", ClientSecret: "new"}}.Apply(p)
	if after.OIDC.ClientSecret != "new" {
		t.Fatal("a new secret was not taken")
	}
}

func TestMayUsePassword(t *testing.T) {
	req := IdentityProvider{Enabled: true, RequireSSO: true, BreakGlass: []string{"glass"}}
	off := req
	off.Enabled = false
	optional := IdentityProvider{Enabled: true}
	for _, c := range []struct {
		user string
		ps   []IdentityProvider
		want bool
	}{
		{"u", nil, true},
		{"u", []IdentityProvider{optional}, true},
		{"u", []IdentityProvider{req}, false},
		{"glass", []IdentityProvider{req}, true},
		{"u", []IdentityProvider{off}, true},
		{"glass", []IdentityProvider{req, {Enabled: true, RequireSSO: true}}, false},
	} {
		if got := MayUsePassword(c.user, c.ps); got != c.want {
			t.Errorf("MayUsePassword(%s, %+v) = %v", c.user, c.ps, got)
		}
	}
}

func TestProviderMayUpdateAccount(t *testing.T) {
	for _, c := range []struct {
		acc  AccountFacts
		want bool
	}{
		{AccountFacts{UserID: "u", Orgs: []string{"s"}}, true},
		{AccountFacts{UserID: "u", Orgs: []string{"s", "v"}}, false},
		{AccountFacts{UserID: "u", Orgs: []string{"v"}}, false},
		{AccountFacts{UserID: "u"}, false},
		{AccountFacts{UserID: "u", Orgs: []string{"s"}, Operator: true}, false},
	} {
		if got := ProviderMayUpdateAccount("s", c.acc); got != c.want {
			t.Errorf("%+v: %v", c.acc, got)
		}
	}
}

func TestSSOIdentityValidate(t *testing.T) {
	for _, c := range []struct {
		id SSOIdentity
		ok bool
	}{
		{SSOIdentity{Subject: "00u1abc"}, true},
		{SSOIdentity{Subject: ""}, false},
		{SSOIdentity{Subject: "a\x00b"}, false},
		{SSOIdentity{Subject: "a\u0085b"}, false},
		{SSOIdentity{Subject: strings.Repeat("x", 256)}, false},
		{SSOIdentity{Subject: "x", Name: "Mette\nHolm"}, false},
		{SSOIdentity{Subject: "x", RoleValues: make([]string, 1001)}, false},
	} {
		if err := c.id.Validate(); (err == nil) != c.ok {
			t.Errorf("%q: %v", c.id.Subject, err)
		}
	}
}
