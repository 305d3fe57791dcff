package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// UnitOutput is one unit with its ETag.
type UnitOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.OrgUnit
}

// UnitPath selects a unit of an organisation.
type UnitPath struct {
	ID     string `path:"id" maxLength:"64" doc:"The organisation's ID or municipality code"`
	UnitID string `path:"unit_id" maxLength:"64"`
}

func (a *API) registerUnits() {
	tags := []string{"Organisational units"}
	register(a, huma.Operation{OperationID: "list-units", Method: http.MethodGet, Path: "/organizations/{id}/units", Tags: tags,
		Summary: "List an organisation's units", Description: "The whole tree, depth-first: parents before their children, siblings by name; depth tells the level."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			ListParams
		}) (*PageOutput[samspil.OrgUnit], error) {
			page, err := a.store.ListUnits(ctx, actor(ctx), in.ID, in.options())
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.OrgUnit]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-unit", Method: http.MethodGet, Path: "/organizations/{id}/units/{unit_id}", Tags: tags,
		Summary: "Get a unit"},
		samspil.PermPublic, func(ctx context.Context, in *UnitPath) (*UnitOutput, error) {
			u, err := a.store.FindUnit(ctx, actor(ctx), in.ID, in.UnitID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &UnitOutput{ETag: etag(u.Version), Body: u}, nil
		})

	register(a, huma.Operation{OperationID: "create-unit", Method: http.MethodPost, Path: "/organizations/{id}/units", Tags: tags,
		Summary: "Add a unit", DefaultStatus: http.StatusCreated},
		samspil.PermUnitsWrite, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.OrgUnitInput
		}) (*UnitOutput, error) {
			u, err := a.store.CreateUnit(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &UnitOutput{ETag: etag(u.Version), Location: Prefix + "/organizations/" + u.OrganizationID + "/units/" + u.ID, Body: u}, nil
		})

	register(a, huma.Operation{OperationID: "update-unit", Method: http.MethodPatch, Path: "/organizations/{id}/units/{unit_id}", Tags: tags,
		Summary: "Rename or move a unit", Description: "Moving a unit under itself or one of its own sub-units is refused."},
		samspil.PermUnitsWrite, func(ctx context.Context, in *struct {
			UnitPath
			IfMatchHeader
			Body samspil.OrgUnitPatch
		}) (*UnitOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			u, err := a.store.UpdateUnit(ctx, actor(ctx), in.ID, in.UnitID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &UnitOutput{ETag: etag(u.Version), Body: u}, nil
		})

	register(a, huma.Operation{OperationID: "delete-unit", Method: http.MethodDelete, Path: "/organizations/{id}/units/{unit_id}", Tags: tags,
		Summary: "Delete a unit", Description: "A unit with sub-units cannot be deleted; move or delete them first.", DefaultStatus: http.StatusNoContent},
		samspil.PermUnitsWrite, func(ctx context.Context, in *struct {
			UnitPath
			IfMatchHeader
		}) (*struct{}, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := a.store.DeleteUnit(ctx, actor(ctx), in.ID, in.UnitID, v); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})
}
