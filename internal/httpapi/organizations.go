package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// OrganizationOutput is one organisation with its ETag.
type OrganizationOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Organization
}

func orgOutput(o *samspil.Organization) *OrganizationOutput {
	return &OrganizationOutput{ETag: etag(o.Version), Body: o}
}

// PageOutput is one page of a list.
type PageOutput[T any] struct {
	Body *samspil.Page[T]
}

// IDPath selects an object.
type IDPath struct {
	ID string `path:"id" maxLength:"64" doc:"The object's ID"`
}

// IfMatchHeader carries the ETag of the version a change is based on.
type IfMatchHeader struct {
	IfMatch string `header:"If-Match" doc:"The ETag of the version you change; required. 412 if it is not the current one"`
}

func (a *API) registerOrganizations() {
	tags := []string{"Organisations"}
	register(a, huma.Operation{OperationID: "list-organizations", Method: http.MethodGet, Path: "/organizations", Tags: tags,
		Summary: "List organisations", Description: "Municipalities, regions, agencies, communities and companies the caller may see, by name."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			Kind   samspil.OrgKind `query:"kind" doc:"Only this kind"`
			Region string          `query:"region" maxLength:"16" doc:"Only this region code (in Denmark 1081-1085)"`
			Q      string          `query:"q" maxLength:"200" doc:"Search in names, municipality codes and CVR numbers"`
			ListParams
		}) (*PageOutput[samspil.Organization], error) {
			page, err := a.store.ListOrganizations(ctx, actor(ctx), samspil.OrganizationFilter{
				Kind: in.Kind, Region: in.Region, Query: in.Q, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Organization]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-organization", Method: http.MethodGet, Path: "/organizations/{id}", Tags: tags,
		Summary: "Get an organisation", Description: "The id may also be a Danish municipality code (kommunekode), e.g. 0740."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*OrganizationOutput, error) {
			o, err := a.store.FindOrganization(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return orgOutput(o), nil
		})

	register(a, huma.Operation{OperationID: "create-organization", Method: http.MethodPost, Path: "/organizations", Tags: tags,
		Summary: "Register an organisation", DefaultStatus: http.StatusCreated},
		samspil.PermOrgCreate, func(ctx context.Context, in *struct {
			Body samspil.OrganizationInput
		}) (*OrganizationOutput, error) {
			o, err := a.store.CreateOrganization(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			out := orgOutput(o)
			out.Location = Prefix + "/organizations/" + o.ID
			return out, nil
		})

	register(a, huma.Operation{OperationID: "update-organization", Method: http.MethodPatch, Path: "/organizations/{id}", Tags: tags,
		Summary: "Change an organisation", Description: "Fields left out stay as they are. Only platform operators may change a municipality code."},
		samspil.PermOrgUpdate, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.OrganizationPatch
		}) (*OrganizationOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			o, err := a.store.UpdateOrganization(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return orgOutput(o), nil
		})
}

// orgFilter resolves an organisation filter of a list (organization_id,
// vendor_id, ...), given as an organisation ID or a four-digit municipality
// code, to the ID of an organisation the caller may see; "" stays "". Any
// other value is refused with 422 at the query parameter, never answered
// with an empty list; an organisation the caller may not see answers exactly
// like one that does not exist.
func (a *API) orgFilter(ctx context.Context, param, ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	o, err := a.store.FindOrganization(ctx, actor(ctx), ref)
	switch {
	case samspil.ErrorCode(err) == samspil.ENOTFOUND:
		return "", fail(ctx, samspil.ErrorAt(samspil.EINVALID, param, "is not the ID or municipality code of an organisation"), "query")
	case err != nil:
		return "", fail(ctx, err, "query")
	}
	return o.ID, nil
}
