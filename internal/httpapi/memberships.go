package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// MembershipOutput is one membership with its ETag.
type MembershipOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Membership
}

func (a *API) registerMemberships() {
	tags := []string{"Memberships"}
	register(a, huma.Operation{OperationID: "list-memberships", Method: http.MethodGet, Path: "/memberships", Tags: tags,
		Summary: "List memberships", Description: "Who has which role in the organisations you belong to, by name."},
		samspil.PermPeopleRead, func(ctx context.Context, in *struct {
			OrganizationID string `query:"organization_id" maxLength:"64" doc:"Only this organisation (ID or municipality code); 422 if no organisation you can see has it"`
			UserID         string `query:"user_id" maxLength:"64" doc:"Only this user"`
			ListParams
		}) (*PageOutput[samspil.Membership], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			page, err := a.store.ListMemberships(ctx, actor(ctx), samspil.MembershipFilter{OrganizationID: orgID,
				UserID: userID(ctx, in.UserID), ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Membership]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-membership", Method: http.MethodGet, Path: "/memberships/{id}", Tags: tags,
		Summary: "Get a membership"},
		samspil.PermPeopleRead, func(ctx context.Context, in *IDPath) (*MembershipOutput, error) {
			m, err := a.store.FindMembership(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &MembershipOutput{ETag: etag(m.Version), Body: m}, nil
		})

	register(a, huma.Operation{OperationID: "create-membership", Method: http.MethodPost, Path: "/memberships", Tags: tags,
		Summary: "Add a user to an organisation", DefaultStatus: http.StatusCreated},
		samspil.PermPeopleManage, func(ctx context.Context, in *struct {
			Body samspil.MembershipInput
		}) (*MembershipOutput, error) {
			m, err := a.store.CreateMembership(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &MembershipOutput{ETag: etag(m.Version), Location: Prefix + "/memberships/" + m.ID, Body: m}, nil
		})

	register(a, huma.Operation{OperationID: "update-membership", Method: http.MethodPatch, Path: "/memberships/{id}", Tags: tags,
		Summary: "Change a member's role", Description: "The last administrator of an organisation keeps the role until someone else has it."},
		samspil.PermPeopleManage, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.MembershipPatch
		}) (*MembershipOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			m, err := a.store.UpdateMembership(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &MembershipOutput{ETag: etag(m.Version), Body: m}, nil
		})

	register(a, huma.Operation{OperationID: "delete-membership", Method: http.MethodDelete, Path: "/memberships/{id}", Tags: tags,
		Summary: "Remove a user from an organisation", DefaultStatus: http.StatusNoContent},
		samspil.PermPeopleManage, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
		}) (*struct{}, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := a.store.DeleteMembership(ctx, actor(ctx), in.ID, v); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})
}
