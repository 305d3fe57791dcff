package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// UserOutput is one user with their ETag.
type UserOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.User
}

// userID resolves "me" to the caller.
func userID(ctx context.Context, id string) string {
	if id == "me" {
		return actor(ctx).UserID
	}
	return id
}

// PasswordInput sets a password.
type PasswordInput struct {
	CurrentPassword string `json:"current_password,omitempty" maxLength:"1024" doc:"Required when you change your own password"`
	Password        string `json:"password" maxLength:"1024" doc:"At least 15 characters, not a common password"`
}

func (a *API) registerUsers() {
	tags := []string{"Users"}
	register(a, huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: "/users", Tags: tags,
		Summary: "List users", Description: "You see yourself and the members of the organisations you belong to."},
		samspil.PermPeopleRead, func(ctx context.Context, in *struct {
			OrganizationID string `query:"organization_id" maxLength:"64" doc:"Only members of this organisation (ID or municipality code); 422 if no organisation you can see has it"`
			Q              string `query:"q" maxLength:"200" doc:"Search in names and e-mail addresses"`
			ListParams
		}) (*PageOutput[samspil.User], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			page, err := a.store.ListUsers(ctx, actor(ctx), samspil.UserFilter{OrganizationID: orgID, Query: in.Q, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.User]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-user", Method: http.MethodGet, Path: "/users/{id}", Tags: tags,
		Summary: "Get a user", Description: "Use the id `me` for yourself."},
		samspil.PermPeopleRead, func(ctx context.Context, in *IDPath) (*UserOutput, error) {
			u, err := a.store.FindUser(ctx, actor(ctx), userID(ctx, in.ID))
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &UserOutput{ETag: etag(u.Version), Body: u}, nil
		})

	register(a, huma.Operation{OperationID: "create-user", Method: http.MethodPost, Path: "/users", Tags: tags,
		Summary: "Create a user", DefaultStatus: http.StatusCreated,
		Description: "Creates an account, with its first membership when an organisation is given. Administrators of organisations invite " +
			"people instead (POST /organizations/{id}/invitations)."},
		samspil.PermPlatformManage, func(ctx context.Context, in *struct {
			Body samspil.UserInput
		}) (*UserOutput, error) {
			u, err := a.store.CreateUser(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &UserOutput{ETag: etag(u.Version), Location: Prefix + "/users/" + u.ID, Body: u}, nil
		})

	register(a, huma.Operation{OperationID: "update-user", Method: http.MethodPatch, Path: "/users/{id}", Tags: tags,
		Summary:     "Change a user",
		Description: "You may change your own name and e-mail. Administrators of every organisation the user belongs to may also disable the account; only operators may grant the operator role."},
		samspil.PermPeopleManage, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.UserPatch
		}) (*UserOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			u, err := a.store.UpdateUser(ctx, actor(ctx), userID(ctx, in.ID), v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &UserOutput{ETag: etag(u.Version), Body: u}, nil
		})

	register(a, huma.Operation{OperationID: "set-password", Method: http.MethodPut, Path: "/users/{id}/password", Tags: tags,
		Summary: "Set a password", DefaultStatus: http.StatusNoContent,
		Description: "Give your current password to change your own. Operators, and the administrators of the organisation that made the account while it belongs to that organisation alone, may set it without. All the user's sessions end."},
		samspil.PermSignedIn, func(ctx context.Context, in *struct {
			IDPath
			Body PasswordInput
		}) (*struct{}, error) {
			if err := a.store.SetPassword(ctx, actor(ctx), userID(ctx, in.ID), in.Body.CurrentPassword, in.Body.Password); err != nil {
				return nil, fail(ctx, err, "body")
			}
			return nil, nil
		})
}
