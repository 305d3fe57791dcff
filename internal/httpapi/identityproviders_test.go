package httpapi_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"

	"github.com/crewjam/saml"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth/sso"
	"github.com/samspil/samspil/internal/testkit"
)

// An organisation's identity providers through the API: kept by its
// administrators, hidden from everyone else, the secret write-only; bad
// input names the field and changes nothing; requiring single sign-on is
// for operators, and then bars the passwords of all but the break-glass
// accounts.
func TestIdentityProvidersAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		base := "/api/v1/organizations/" + w.silkeborg.ID + "/identity-providers"
		good := func() map[string]any {
			return map[string]any{"protocol": "oidc", "name": "Silkeborg Entra ID", "enabled": true, "email_domains": []string{"@Silkeborg.example"},
				"oidc": map[string]any{"issuer": "https://login.microsoftonline.com/tenant-1/v2.0/", "client_id": "app-1",
					"client_secret": "super-hemmelig", "scopes": []string{"openid email", "profile"}},
				"role_claim": "groups", "role_map": []map[string]any{{"value": "g-admins", "role": "admin"}, {"value": "g-all", "role": "viewer"}}}
		}

		// Bad input: the field is named, nothing is created.
		for _, c := range []struct {
			change func(m map[string]any)
			field  string
		}{
			{func(m map[string]any) { m["oidc"].(map[string]any)["issuer"] = "http://login.example.dk" }, "body.oidc.issuer"},
			{func(m map[string]any) { m["oidc"].(map[string]any)["issuer"] = "https://idp.example.dk/?tenant=1" }, "body.oidc.issuer"},
			{func(m map[string]any) { m["oidc"].(map[string]any)["client_secret"] = "" }, "body.oidc.client_secret"},
			{func(m map[string]any) { delete(m, "oidc") }, "body.oidc"},
			{func(m map[string]any) { m["role_map"] = []map[string]any{{"value": "g", "role": "owner"}} }, "body.role_map[0].role"},
			{func(m map[string]any) {
				m["role_map"] = []map[string]any{{"value": "g", "role": "admin"}, {"value": "g", "role": "viewer"}}
			}, "body.role_map[1].value"},
			{func(m map[string]any) { m["role_claim"] = "" }, "body.role_claim"},
			{func(m map[string]any) { m["email_domains"] = []string{"silkeborg"} }, "body.email_domains[0]"},
			{func(m map[string]any) { m["name"] = "  " }, "body.name"},
			{func(m map[string]any) { m["protocol"] = "kerberos" }, "body.protocol"},
		} {
			in := good()
			c.change(in)
			wantProblem(t, w.asSAdmin.Do("POST", base, in), 422, c.field)
		}
		wantProblem(t, w.asSAdmin.Do("POST", base, map[string]any{"protocol": "oidc", "name": "x", "require_sso": true,
			"oidc": good()["oidc"]}), 403, "body.require_sso")
		var list struct{ Items []samspil.IdentityProvider }
		w.asSAdmin.Do("GET", base, nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("a refused input created %+v", list.Items)
		}

		// Created: normalised, the secret kept but never shown.
		res := w.asSAdmin.Do("POST", base, good()).Want(t, 201)
		if strings.Contains(string(res.Body), "super-hemmelig") {
			t.Fatal("the answer shows the client secret")
		}
		var p samspil.IdentityProvider
		res.JSON(t, &p)
		if p.OIDC.Issuer != "https://login.microsoftonline.com/tenant-1/v2.0" || !p.OIDC.HasSecret || len(p.OIDC.Scopes) != 2 ||
			p.OIDC.Scopes[0] != "email" || p.EmailDomains[0] != "silkeborg.example" || res.Header.Get("Location") != base+"/"+p.ID {
			t.Fatalf("created %+v %+v", p, p.OIDC)
		}
		full, err := app.DB.SSOProvider(ctx, p.ID)
		if err != nil || full.OIDC.ClientSecret != "super-hemmelig" {
			t.Fatalf("stored secret %v %v", full, err)
		}
		events, err := app.DB.ListAuditEvents(ctx, testkit.System, samspil.AuditFilter{ObjectID: p.ID})
		if err != nil || len(events.Items) != 1 || strings.Contains(string(events.Items[0].After), "super-hemmelig") {
			t.Fatalf("audit %+v %v", events, err)
		}

		// Seen and kept only by the organisation's administrators.
		w.asSEditor.Do("GET", base, nil).Want(t, 403)
		w.asSViewer.Do("GET", base+"/"+p.ID, nil).Want(t, 404)
		w.asVAd.Do("GET", base+"/"+p.ID, nil).Want(t, 404)
		w.asVAd.Do("GET", "/api/v1/organizations/"+w.viborg.ID+"/identity-providers/"+p.ID, nil).Want(t, 404)
		w.asVAd.Do("PATCH", base+"/"+p.ID, map[string]any{"name": "Overtaget"}, "If-Match", `"1"`).Want(t, 404)
		w.asVAd.Do("DELETE", base+"/"+p.ID, nil, "If-Match", `"1"`).Want(t, 404)
		w.asSAdmin.Do("GET", "/api/v1/organizations/0740/identity-providers/"+p.ID, nil).Want(t, 200)

		// A domain belongs to one provider.
		other := good()
		other["name"] = "Andet"
		wantProblem(t, w.asSAdmin.Do("POST", base, other), 409, "body.email_domains[0]")

		// Changes: an empty secret keeps the stored one; versions guard.
		w.asSAdmin.Do("PATCH", base+"/"+p.ID, map[string]any{"oidc": map[string]any{"issuer": "https://idp.silkeborg.example",
			"client_id": "app-2"}}, "If-Match", `"1"`).Want(t, 200).JSON(t, &p)
		if full, _ = app.DB.SSOProvider(ctx, p.ID); full.OIDC.ClientSecret != "super-hemmelig" || full.OIDC.ClientID != "app-2" {
			t.Fatalf("after the change: %+v", full.OIDC)
		}
		w.asSAdmin.Do("PATCH", base+"/"+p.ID, map[string]any{"name": "x"}, "If-Match", `"1"`).Want(t, 412)
		wantProblem(t, w.asSAdmin.Do("PATCH", base+"/"+p.ID, map[string]any{"require_sso": true}, "If-Match", `"2"`), 403, "body.require_sso")

		// An operator requires single sign-on with one break-glass account.
		op, err := app.DB.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "drift@samspil.example", DisplayName: "Drift",
			Password: testkit.Password, Operator: true})
		if err != nil {
			t.Fatal(err)
		}
		asOp := app.Token(t, op.ID)
		wantProblem(t, asOp.Do("PATCH", base+"/"+p.ID, map[string]any{"break_glass": []string{w.vAdmin.User.ID}}, "If-Match", `"2"`),
			422, "body.break_glass[0]")
		asOp.Do("PATCH", base+"/"+p.ID, map[string]any{"require_sso": true, "break_glass": []string{w.sAdmin.User.ID}},
			"If-Match", `"2"`).Want(t, 200).JSON(t, &p)
		if !p.RequireSSO || len(p.BreakGlass) != 1 {
			t.Fatalf("after requiring: %+v", p)
		}
		login := func(email string) int {
			b := app.Browser(t)
			return b.Do("POST", "/login", url.Values{"email": {email}, "password": {testkit.Password}}).Status
		}
		if s := login(w.sEditor.User.Email); s != 403 {
			t.Errorf("an editor of an organisation requiring single sign-on signed in with a password: %d", s)
		}
		if s := login(w.sAdmin.User.Email); s != 303 {
			t.Errorf("the break-glass account was refused: %d", s)
		}
		if s := login(w.vAdmin.User.Email); s != 303 {
			t.Errorf("a member of another organisation was refused: %d", s)
		}
		fails, err := app.DB.ListAuditEvents(ctx, testkit.System, samspil.AuditFilter{Action: "login.failure", ObjectID: w.sEditor.User.ID})
		if err != nil || len(fails.Items) != 1 || !strings.Contains(string(fails.Items[0].After), "sso_required") {
			t.Fatalf("audit of the refused password: %+v %v", fails, err)
		}
		// The wrong password says nothing about single sign-on.
		b := app.Browser(t)
		if res := b.Do("POST", "/login", url.Values{"email": {w.sEditor.User.Email}, "password": {"forkert adgangskode her"}}); res.Status != 401 ||
			strings.Contains(string(res.Body), "identitetsudbyder") {
			t.Errorf("a wrong password answered %d: %s", res.Status, res.Body)
		}

		// Deleted: gone, with its identities.
		w.asSAdmin.Do("DELETE", base+"/"+p.ID, nil, "If-Match", `"2"`).Want(t, 412)
		w.asSAdmin.Do("DELETE", base+"/"+p.ID, nil, "If-Match", `"3"`).Want(t, 204)
		w.asSAdmin.Do("GET", base+"/"+p.ID, nil).Want(t, 404)
		if s := login(w.sEditor.User.Email); s != 303 {
			t.Errorf("passwords stay barred after the provider is gone: %d", s)
		}
	})
}

// A SAML provider through the API: its metadata read and checked, samspil's
// certificate for it shown, its key never.
func TestSAMLProviderAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		base := "/api/v1/organizations/" + w.silkeborg.ID + "/identity-providers"
		keyPEM, certPEM, err := sso.NewSPKey("idp")
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := pem.Decode([]byte(keyPEM))
		cb, _ := pem.Decode([]byte(certPEM))
		key, _ := x509.ParsePKCS1PrivateKey(kb.Bytes)
		cert, _ := x509.ParseCertificate(cb.Bytes)
		mdURL, _ := url.Parse("https://adgangsstyring.example/runtime/saml2/metadata.idp")
		ssoURL, _ := url.Parse("https://adgangsstyring.example/runtime/saml2/issue.idp")
		md, err := xml.Marshal((&saml.IdentityProvider{Key: key, Certificate: cert, MetadataURL: *mdURL, SSOURL: *ssoURL}).Metadata())
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]any{"protocol": "saml", "name": "Fælleskommunal Adgangsstyring",
			"saml": map[string]any{"metadata_xml": "<EntityDescriptor/>", "min_assurance": "Substantial",
				"assurance_attribute": samspil.OIOSAMLAssurance, "role_format": "oiosaml_bpp"},
			"role_claim": samspil.OIOSAMLPrivileges, "role_map": []map[string]any{{"value": "urn:samspil:admin", "role": "admin"}}}
		wantProblem(t, w.asSAdmin.Do("POST", base, in), 422, "body.saml.metadata_xml")
		in["saml"].(map[string]any)["metadata_xml"] = `<!DOCTYPE x [<!ENTITY a "b">]>` + string(md)
		wantProblem(t, w.asSAdmin.Do("POST", base, in), 422, "body.saml.metadata_xml")
		in["saml"].(map[string]any)["metadata_xml"] = string(md)
		in["saml"].(map[string]any)["min_assurance"] = "Medium"
		wantProblem(t, w.asSAdmin.Do("POST", base, in), 422, "body.saml.min_assurance")
		in["saml"].(map[string]any)["min_assurance"] = "Substantial"
		res := w.asSAdmin.Do("POST", base, in).Want(t, 201)
		if strings.Contains(string(res.Body), "PRIVATE KEY") {
			t.Fatal("the answer shows samspil's key")
		}
		var p samspil.IdentityProvider
		res.JSON(t, &p)
		if p.SAML == nil || p.SAML.EntityID != mdURL.String() || p.SAML.SSOURL != ssoURL.String() || !strings.Contains(p.SAML.SPCertificate, "BEGIN CERTIFICATE") {
			t.Fatalf("created %+v", p.SAML)
		}
		full, err := app.DB.SSOProvider(ctx, p.ID)
		if err != nil || !strings.Contains(full.SAML.SPKey, "PRIVATE KEY") {
			t.Fatalf("the key is not kept: %v", err)
		}
		events, err := app.DB.ListAuditEvents(ctx, testkit.System, samspil.AuditFilter{ObjectID: p.ID})
		if err != nil || len(events.Items) != 1 || strings.Contains(string(events.Items[0].After), "PRIVATE KEY") {
			t.Fatalf("audit %+v %v", events, err)
		}
		// A changed setting keeps the key and certificate.
		w.asSAdmin.Do("PATCH", base+"/"+p.ID, map[string]any{"saml": map[string]any{"metadata_xml": string(md), "min_assurance": "High",
			"assurance_attribute": samspil.OIOSAMLAssurance}}, "If-Match", `"1"`).Want(t, 200)
		after, err := app.DB.SSOProvider(ctx, p.ID)
		if err != nil || after.SAML.SPKey != full.SAML.SPKey || after.SAML.SPCertificate != full.SAML.SPCertificate || after.SAML.MinAssurance != "High" {
			t.Fatalf("after the change: %+v %v", after.SAML, err)
		}
	})
}
