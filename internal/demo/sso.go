package demo

import (
	"context"
	"fmt"

	"github.com/samspil/samspil"
)

// The demo's single sign-on: Silkeborg signs in through the development
// identity provider (go run ./cmd/samspil-devidp), whose fictional staff
// get their role in Silkeborg from their groups. These are the provider's
// defaults (internal/devidp: DemoIssuer, DemoClientID, DemoClientSecret),
// repeated here so that the development provider stays out of the
// production binary.
const (
	DevIdPIssuer       = "http://127.0.0.1:9998"
	devIdPClientID     = "samspil-demo"
	devIdPClientSecret = "demo-secret"
)

func ensureSSO(ctx context.Context, store Store) error {
	sys := samspil.SystemActor("demo")
	_, err := store.CreateIdentityProvider(ctx, sys, "0740", samspil.IdentityProviderInput{
		Protocol: samspil.SSOOIDC, Name: "Silkeborg (udviklings-IdP)", EmailDomains: []string{"silkeborg.dk"},
		OIDC: &samspil.OIDCConfig{Issuer: DevIdPIssuer, ClientID: devIdPClientID, ClientSecret: devIdPClientSecret,
			Scopes: []string{"email", "profile", "groups"}},
		RoleClaim: "groups",
		RoleMap: []samspil.RoleRule{{Value: "samspil-admin", Role: samspil.RoleAdmin}, {Value: "samspil-editor", Role: samspil.RoleEditor},
			{Value: "samspil-viewer", Role: samspil.RoleViewer}},
	})
	if err != nil {
		return fmt.Errorf("the demo's identity provider: %w", err)
	}
	return nil
}
