package sqldb_test

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

var src = netip.MustParseAddr("192.0.2.10")

func oidcProvider(name string) samspil.IdentityProviderInput {
	return samspil.IdentityProviderInput{Protocol: samspil.SSOOIDC, Name: name,
		OIDC:      &samspil.OIDCConfig{Issuer: "https://login.example.dk/" + name, ClientID: "c", ClientSecret: "s"},
		RoleClaim: "groups", RoleMap: []samspil.RoleRule{{Value: "admins", Role: samspil.RoleAdmin}, {Value: "staff", Role: samspil.RoleViewer}}}
}

// ssoActions are the actions of audit events, sorted: one sign-in writes
// them in one transaction.
func ssoActions(events []samspil.AuditEvent) []string {
	out := actions(events)
	slices.Sort(out)
	return out
}

// Identity providers in the store: kept by the organisation's
// administrators, requiring single sign-on by operators only, every change
// audited without the secret.
func TestIdentityProviderStore(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		_, err := db.CreateIdentityProvider(ctx, l.sEditor.Actor, l.silkeborg.ID, oidcProvider("x"))
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		in := oidcProvider("entra")
		in.EmailDomains = []string{"silkeborg.dk"}
		p, err := db.CreateIdentityProvider(ctx, admin.Actor, l.silkeborg.ID, in)
		must(t, err)
		if p.OIDC.ClientSecret != "" || !p.OIDC.HasSecret {
			t.Fatalf("the answer carries the secret: %+v", p.OIDC)
		}
		_, err = db.FindIdentityProvider(ctx, l.sViewer.Actor, p.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.FindIdentityProvider(ctx, l.vEditor.Actor, p.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)

		// Break-glass accounts are members, and named by operators only.
		mark := auditMark(t, db)
		glass := []string{admin.User.ID}
		_, err = db.UpdateIdentityProvider(ctx, admin.Actor, p.ID, 1, samspil.IdentityProviderPatch{BreakGlass: &glass})
		wantField(t, err, samspil.EFORBIDDEN, "require_sso")
		other := []string{l.vEditor.User.ID}
		_, err = db.UpdateIdentityProvider(ctx, testkit.System, p.ID, 1, samspil.IdentityProviderPatch{BreakGlass: &other})
		wantField(t, err, samspil.EINVALID, "break_glass[0]")
		on := true
		p, err = db.UpdateIdentityProvider(ctx, testkit.System, p.ID, 1, samspil.IdentityProviderPatch{RequireSSO: &on, BreakGlass: &glass})
		must(t, err)
		if !p.RequireSSO || !slices.Equal(p.BreakGlass, glass) {
			t.Fatalf("after requiring %+v", p)
		}
		if got := ssoActions(auditSince(t, db, mark)); !slices.Equal(got, []string{"identity_provider.update"}) {
			t.Fatalf("audit %v", got)
		}
		_, err = db.CreateIdentityProvider(ctx, admin.Actor, l.silkeborg.ID, func() samspil.IdentityProviderInput {
			in := oidcProvider("another")
			in.EmailDomains = []string{"Silkeborg.DK"}
			return in
		}())
		wantField(t, err, samspil.ECONFLICT, "email_domains[0]")
		opt, err := db.ProviderForEmail(ctx, "Someone@SILKEBORG.dk")
		must(t, err)
		if opt.ProviderID != p.ID {
			t.Fatalf("by e-mail %+v", opt)
		}
		_, err = db.ProviderForEmail(ctx, "a@viborg.dk")
		testkit.ErrCode(t, err, samspil.ENOTFOUND)

		mark = auditMark(t, db)
		testkit.ErrCode(t, db.DeleteIdentityProvider(ctx, admin.Actor, p.ID, 1), samspil.ESTALE)
		must(t, db.DeleteIdentityProvider(ctx, admin.Actor, p.ID, p.Version))
		if got := ssoActions(auditSince(t, db, mark)); !slices.Equal(got, []string{"identity_provider.delete"}) {
			t.Fatalf("audit %v", got)
		}
		for _, e := range allAudit(t, db, samspil.AuditFilter{ObjectID: p.ID}) {
			if strings.Contains(string(e.Before)+string(e.After), `"s"`) && strings.Contains(string(e.Before)+string(e.After), "client_secret") {
				t.Fatalf("an audit event carries the secret: %s %s", e.Before, e.After)
			}
		}
	})
}

// Sign-ins through a provider in the store: the first creates the
// account, later ones follow the granted role, a role no longer granted is
// taken (except from the last administrator), a flow is taken once, an
// assertion accepted once.
func TestSSOLoginStore(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		p, err := db.CreateIdentityProvider(ctx, testkit.System, l.silkeborg.ID, oidcProvider("entra"))
		must(t, err)
		id := samspil.SSOIdentity{ProviderID: p.ID, Subject: "sub-1", Email: "ny@silkeborg.dk", Name: "Ny Medarbejder", RoleValues: []string{"admins"}}

		mark := auditMark(t, db)
		_, u, err := db.SSOLogin(ctx, id)
		must(t, err)
		if got := ssoActions(auditSince(t, db, mark)); !slices.Equal(got, []string{"login.success", "membership.create", "user.create"}) {
			t.Fatalf("first sign-in audited %v", got)
		}
		if len(u.Memberships) != 1 || u.Memberships[0].Role != samspil.RoleAdmin || u.Memberships[0].OrganizationID != l.silkeborg.ID {
			t.Fatalf("account %+v", u.Memberships)
		}

		// The only administrator keeps the role the provider no longer grants.
		mark = auditMark(t, db)
		id.RoleValues = []string{"staff"}
		_, _, err = db.SSOLogin(ctx, id)
		must(t, err)
		if got := ssoActions(auditSince(t, db, mark)); !slices.Equal(got, []string{"login.success", "membership.sso_kept"}) {
			t.Fatalf("demoting the last administrator audited %v", got)
		}
		testkit.NewPerson(t, db, "admin2@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)

		// With another administrator the role follows, and the name too.
		mark = auditMark(t, db)
		id.Name = "Ny Medarbejder (IT)"
		_, u, err = db.SSOLogin(ctx, id)
		must(t, err)
		events := auditSince(t, db, mark)
		if got := ssoActions(events); !slices.Equal(got, []string{"login.success", "membership.update", "user.update"}) {
			t.Fatalf("second sign-in audited %v", got)
		}
		for _, e := range events {
			if e.Action == "membership.update" && (!strings.Contains(e.ActorLabel, p.ID) || !strings.Contains(e.ActorLabel, "sub-1")) {
				t.Fatalf("the role change does not name the provider and subject: %q", e.ActorLabel)
			}
		}
		if u.Memberships[0].Role != samspil.RoleViewer || u.DisplayName != "Ny Medarbejder (IT)" {
			t.Fatalf("after: %s %+v", u.DisplayName, u.Memberships)
		}

		// A member of another organisation too keeps name and address.
		_, err = db.CreateMembership(ctx, testkit.System, samspil.MembershipInput{UserID: u.ID, OrganizationID: testkit.Viborg, Role: samspil.RoleViewer})
		must(t, err)
		id.Name, id.Email = "Overtaget", "overtaget@silkeborg.dk"
		_, u, err = db.SSOLogin(ctx, id)
		must(t, err)
		if u.DisplayName != "Ny Medarbejder (IT)" || u.Email != "ny@silkeborg.dk" {
			t.Fatalf("Silkeborg's provider changed an account Viborg has too: %s %s", u.DisplayName, u.Email)
		}

		// Nothing granted: the membership goes, the sign-in fails.
		mark = auditMark(t, db)
		id.RoleValues = nil
		_, _, err = db.SSOLogin(ctx, id)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		if got := ssoActions(auditSince(t, db, mark)); !slices.Equal(got, []string{"login.failure", "membership.delete"}) {
			t.Fatalf("taking the role audited %v", got)
		}
		a := testkit.Actor(t, db, u.ID)
		if a.MemberOf(l.silkeborg.ID) || !a.MemberOf(l.viborg.ID) {
			t.Fatalf("memberships after: %+v", a.Roles)
		}

		// The same address from a second provider reaches no account.
		q, err := db.CreateIdentityProvider(ctx, testkit.System, l.viborg.ID, oidcProvider("viborg"))
		must(t, err)
		_, _, err = db.SSOLogin(ctx, samspil.SSOIdentity{ProviderID: q.ID, Subject: "sub-1", Email: "ny@silkeborg.dk", RoleValues: []string{"admins"}})
		testkit.ErrCode(t, err, samspil.ECONFLICT)
		if testkit.Actor(t, db, u.ID).RoleIn(l.viborg.ID) != samspil.RoleViewer {
			t.Fatal("another provider's identity changed the account")
		}

		// Linking: the signed-in user of the provider's organisation.
		mark = auditMark(t, db)
		err = db.LinkSSO(ctx, l.vEditor.Actor, samspil.SSOIdentity{ProviderID: q.ID, Subject: "viborg-7"})
		must(t, err)
		err = db.LinkSSO(ctx, l.sEditor.Actor, samspil.SSOIdentity{ProviderID: q.ID, Subject: "viborg-8"})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		err = db.LinkSSO(ctx, l.vEditor.Actor, samspil.SSOIdentity{ProviderID: q.ID, Subject: "viborg-7"})
		testkit.ErrCode(t, err, samspil.ECONFLICT)
		if got := ssoActions(auditSince(t, db, mark)); !slices.Equal(got, []string{"identity.link"}) {
			t.Fatalf("linking audited %v", got)
		}
	})
}

// A sign-in under way is taken once, even by callbacks racing, and only by
// the browser that started it; a SAML response is kept once; an assertion
// accepted once; purging forgets what is past.
func TestSSOFlowsStore(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		clk := newClock(db)
		p, err := db.CreateIdentityProvider(ctx, testkit.System, l.silkeborg.ID, oidcProvider("entra"))
		must(t, err)
		flow := func(state string) samspil.SSOFlow {
			return samspil.SSOFlow{State: state + strings.Repeat("s", 40), Binding: strings.Repeat("b", 40), ProviderID: p.ID,
				Purpose: samspil.SSOLoginPurpose, Nonce: "n", Verifier: "v", ReturnTo: "/", ExpiresAt: clk.now().Add(10 * time.Minute)}
		}
		bad := flow("x")
		bad.Purpose = "steal"
		wantField(t, db.StartSSO(ctx, bad), samspil.EINVALID, "purpose")

		f := flow("a")
		must(t, db.StartSSO(ctx, f))
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := db.FinishSSO(ctx, f.State, f.Binding, src); err == nil {
					mu.Lock()
					won++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if won != 1 {
			t.Fatalf("%d racing callbacks finished one sign-in", won)
		}

		g := flow("b")
		must(t, db.StartSSO(ctx, g))
		_, err = db.FinishSSO(ctx, g.State, strings.Repeat("c", 40), src)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		_, err = db.FinishSSO(ctx, g.State, g.Binding, src)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED) // a wrong browser used it up

		h := flow("c")
		must(t, db.StartSSO(ctx, h))
		must(t, db.StashSAMLResponse(ctx, h.State, []byte("<Response/>")))
		testkit.ErrCode(t, db.StashSAMLResponse(ctx, h.State, []byte("<Other/>")), samspil.EUNAUTHORIZED)
		got, err := db.FinishSSO(ctx, h.State, h.Binding, src)
		must(t, err)
		if string(got.SAMLResponse) != "<Response/>" {
			t.Fatalf("kept %q", got.SAMLResponse)
		}

		i := flow("d")
		must(t, db.StartSSO(ctx, i))
		clk.advance(11 * time.Minute)
		_, err = db.FinishSSO(ctx, i.State, i.Binding, src)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		reasons := map[string]int{}
		for _, e := range allAudit(t, db, samspil.AuditFilter{Action: "login.failure"}) {
			var after map[string]string
			must(t, json.Unmarshal(e.After, &after))
			reasons[after["reason"]]++
		}
		if reasons["bad_state"] != 8-1+1 || reasons["wrong_browser"] != 1 || reasons["expired"] != 1 {
			t.Fatalf("refusals audited %v", reasons)
		}

		must(t, db.ConsumeAssertion(ctx, p.ID, "id-1", clk.now().Add(time.Hour)))
		testkit.ErrCode(t, db.ConsumeAssertion(ctx, p.ID, "id-1", clk.now().Add(time.Hour)), samspil.ECONFLICT)
		must(t, db.ConsumeAssertion(ctx, p.ID, "id-2", clk.now().Add(time.Minute)))
		must(t, db.StartSSO(ctx, flow("e")))
		clk.advance(20 * time.Minute)
		_, err = db.PurgeExpired(ctx)
		must(t, err)
		if n := countRows(t, db, "sso_flows"); n != 0 {
			t.Errorf("%d flows past their time after purging", n)
		}
		if n := countRows(t, db, "saml_assertions"); n != 1 {
			t.Errorf("%d assertions kept after purging, want the one still valid", n)
		}
	})
}
