package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// An organisation's identity providers: how its people sign in with single
// sign-on. Only who may configure the organisation's sign-in sees them;
// the client secret is write-only.

// IdentityProviderOutput is one provider with its ETag.
type IdentityProviderOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.IdentityProvider
}

// IdentityProviderPath names a provider of an organisation.
type IdentityProviderPath struct {
	IDPath
	ProviderID string `path:"provider_id" maxLength:"64" doc:"The identity provider's ID"`
}

// identityProvider finds the provider of the path, answering 404 unless it
// is the path's organisation's.
func (a *API) identityProvider(ctx context.Context, p IdentityProviderPath) (*samspil.IdentityProvider, error) {
	ip, err := a.store.FindIdentityProvider(ctx, actor(ctx), p.ProviderID)
	if err == nil && ip.OrganizationID != p.ID {
		if o, oerr := a.store.FindOrganization(ctx, actor(ctx), p.ID); oerr != nil || o.ID != ip.OrganizationID {
			err = samspil.NotFound("identity_provider")
		}
	}
	if err != nil {
		return nil, fail(ctx, err, "path")
	}
	return ip, nil
}

// samlMetadata reads the metadata of SAML settings given by their address
// only.
func (a *API) samlMetadata(ctx context.Context, c *samspil.SAMLConfig) error {
	if c == nil || strings.TrimSpace(c.MetadataXML) != "" || strings.TrimSpace(c.MetadataURL) == "" || a.FetchSAMLMetadata == nil {
		return nil
	}
	md, err := a.FetchSAMLMetadata(ctx, strings.TrimSpace(c.MetadataURL))
	if err != nil {
		return err
	}
	c.MetadataXML = md
	return nil
}

func (a *API) registerIdentityProviders() {
	tags := []string{"Single sign-on"}
	base := "/organizations/{id}/identity-providers"
	register(a, huma.Operation{OperationID: "list-identity-providers", Method: http.MethodGet, Path: base, Tags: tags,
		Summary: "List an organisation's identity providers",
		Description: "The OpenID Connect and SAML 2.0 providers the organisation's people sign in with. For OpenID Connect, " +
			"register <site>/login/sso/callback as the redirect URI at the provider; for SAML, give the provider samspil's " +
			"metadata at <site>/login/sso/{provider_id}/metadata."},
		samspil.PermSignInManage, func(ctx context.Context, in *IDPath) (*ItemsOutput[samspil.IdentityProvider], error) {
			list, err := a.store.ListIdentityProviders(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			out := &ItemsOutput[samspil.IdentityProvider]{}
			out.Body.Items = list
			return out, nil
		})

	register(a, huma.Operation{OperationID: "create-identity-provider", Method: http.MethodPost, Path: base, Tags: tags,
		Summary: "Add an identity provider to an organisation", DefaultStatus: http.StatusCreated,
		Description: "People who sign in through the provider get an account of the organisation on their first sign-in, and " +
			"at every sign-in the role the provider grants them through role_claim and role_map (or default_role); a person it " +
			"grants nothing is refused. Requiring single sign-on and naming break-glass accounts is for platform operators."},
		samspil.PermSignInManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.IdentityProviderInput
		}) (*IdentityProviderOutput, error) {
			if err := a.samlMetadata(ctx, in.Body.SAML); err != nil {
				return nil, fail(ctx, err, "body")
			}
			p, err := a.store.CreateIdentityProvider(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &IdentityProviderOutput{ETag: etag(p.Version), Location: Prefix + "/organizations/" + p.OrganizationID +
				"/identity-providers/" + p.ID, Body: p}, nil
		})

	register(a, huma.Operation{OperationID: "get-identity-provider", Method: http.MethodGet, Path: base + "/{provider_id}", Tags: tags,
		Summary: "Get an identity provider of an organisation"},
		samspil.PermSignInManage, func(ctx context.Context, in *IdentityProviderPath) (*IdentityProviderOutput, error) {
			p, err := a.identityProvider(ctx, *in)
			if err != nil {
				return nil, err
			}
			return &IdentityProviderOutput{ETag: etag(p.Version), Body: p}, nil
		})

	register(a, huma.Operation{OperationID: "update-identity-provider", Method: http.MethodPatch, Path: base + "/{provider_id}", Tags: tags,
		Summary: "Change an identity provider",
		Description: "A changed configuration ends the sign-ins under way with the old one. An empty oidc.client_secret keeps " +
			"the stored secret."},
		samspil.PermSignInManage, func(ctx context.Context, in *struct {
			IdentityProviderPath
			IfMatchHeader
			Body samspil.IdentityProviderPatch
		}) (*IdentityProviderOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if _, err := a.identityProvider(ctx, in.IdentityProviderPath); err != nil {
				return nil, err
			}
			if err := a.samlMetadata(ctx, in.Body.SAML); err != nil {
				return nil, fail(ctx, err, "body")
			}
			p, err := a.store.UpdateIdentityProvider(ctx, actor(ctx), in.ProviderID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &IdentityProviderOutput{ETag: etag(p.Version), Body: p}, nil
		})

	register(a, huma.Operation{OperationID: "delete-identity-provider", Method: http.MethodDelete, Path: base + "/{provider_id}", Tags: tags,
		Summary: "Delete an identity provider", DefaultStatus: http.StatusNoContent,
		Description: "The identities it vouched for and the sessions started through it end; the accounts stay."},
		samspil.PermSignInManage, func(ctx context.Context, in *struct {
			IdentityProviderPath
			IfMatchHeader
		}) (*struct{}, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if _, err := a.identityProvider(ctx, in.IdentityProviderPath); err != nil {
				return nil, err
			}
			if err := a.store.DeleteIdentityProvider(ctx, actor(ctx), in.ProviderID, v); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})
}
