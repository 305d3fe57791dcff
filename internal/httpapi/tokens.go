package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// NewToken is a created token with its secret, shown only this once.
type NewToken struct {
	Token  *samspil.Token `json:"token"`
	Secret string         `json:"secret" doc:"Send it as 'Authorization: Bearer <secret>'. It is not stored and cannot be shown again"`
}

func (a *API) registerTokens() {
	tags := []string{"API tokens"}
	register(a, huma.Operation{OperationID: "list-tokens", Method: http.MethodGet, Path: "/tokens", Tags: tags,
		Summary: "List your API tokens", Description: "Newest first, including revoked ones."},
		samspil.PermSignedIn, func(ctx context.Context, in *struct {
			UserID string `query:"user_id" maxLength:"64" doc:"Operators only: another user's tokens"`
			ListParams
		}) (*PageOutput[samspil.Token], error) {
			page, err := a.store.ListTokens(ctx, actor(ctx), userID(ctx, in.UserID), in.options())
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Token]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-token", Method: http.MethodGet, Path: "/tokens/{id}", Tags: tags,
		Summary: "Get an API token"},
		samspil.PermSignedIn, func(ctx context.Context, in *IDPath) (*struct{ Body *samspil.Token }, error) {
			t, err := a.store.FindToken(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body *samspil.Token }{Body: t}, nil
		})

	register(a, huma.Operation{OperationID: "create-token", Method: http.MethodPost, Path: "/tokens", Tags: tags,
		Summary: "Create an API token", Description: "The token acts as you. Its secret is in the answer and nowhere else.", DefaultStatus: http.StatusCreated},
		samspil.PermSignedIn, func(ctx context.Context, in *struct {
			Body samspil.TokenInput
		}) (*struct{ Body NewToken }, error) {
			t, secret, err := a.store.CreateToken(ctx, actor(ctx), "", in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body NewToken }{Body: NewToken{Token: t, Secret: secret}}, nil
		})

	register(a, huma.Operation{OperationID: "revoke-token", Method: http.MethodDelete, Path: "/tokens/{id}", Tags: tags,
		Summary: "Revoke an API token", DefaultStatus: http.StatusNoContent},
		samspil.PermSignedIn, func(ctx context.Context, in *IDPath) (*struct{}, error) {
			if err := a.store.RevokeToken(ctx, actor(ctx), in.ID); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})
}
