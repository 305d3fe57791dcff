package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// DataProcessingOutput is one data processing registration with its ETag.
type DataProcessingOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.DataProcessingRegistration
}

// registerDataProcessing serves the data processing registrations
// ("databehandling", GDPR) of the organisations' landscapes, named as KITOS
// names them.
func (a *API) registerDataProcessing() {
	tags := []string{"Data processing"}
	const path = "/data-processing-registrations"
	register(a, huma.Operation{OperationID: "list-data-processing-registrations", Method: http.MethodGet, Path: path, Tags: tags,
		Summary:     "List data processing registrations",
		Description: "GDPR data processing registrations the caller may see, by name, each with its next oversight computed."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			OrganizationID string `query:"organization_id" maxLength:"64" doc:"Only this organisation (ID or municipality code); 422 if no organisation you can see has it"`
			UsageID        string `query:"usage_id" maxLength:"64" doc:"Only registrations that cover this usage"`
			ContractID     string `query:"contract_id" maxLength:"64" doc:"Only registrations that cover this contract"`
			ProcessorID    string `query:"processor_id" maxLength:"64" doc:"Only registrations with this processor or sub-processor (organisation ID or municipality code); 422 if no organisation you can see has it"`
			OversightBy    string `query:"oversight_by" format:"date" doc:"Only registrations whose next oversight is on or before this day"`
			ListParams
		}) (*PageOutput[samspil.DataProcessingRegistration], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			processorID, err := a.orgFilter(ctx, "processor_id", in.ProcessorID)
			if err != nil {
				return nil, err
			}
			f := samspil.DataProcessingFilter{OrganizationID: orgID, UsageID: in.UsageID, ContractID: in.ContractID, ProcessorID: processorID,
				ListOptions: in.options()}
			if in.OversightBy != "" {
				d, err := samspil.ParseDate(in.OversightBy)
				if err != nil {
					return nil, fail(ctx, samspil.ErrorAt(samspil.EINVALID, "oversight_by", "must be a valid date"), "query")
				}
				f.OversightBy = &d
			}
			page, err := a.store.ListDataProcessing(ctx, actor(ctx), f)
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.DataProcessingRegistration]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-data-processing-registration", Method: http.MethodGet, Path: path + "/{id}", Tags: tags,
		Summary: "Get a data processing registration"},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*DataProcessingOutput, error) {
			r, err := a.store.FindDataProcessing(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &DataProcessingOutput{ETag: etag(r.Version), Body: r}, nil
		})

	register(a, huma.Operation{OperationID: "create-data-processing-registration", Method: http.MethodPost, Path: path, Tags: tags,
		Summary: "Register a data processing", Description: "Private unless a visibility is given.", DefaultStatus: http.StatusCreated},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			Body samspil.DataProcessingInput
		}) (*DataProcessingOutput, error) {
			r, err := a.store.CreateDataProcessing(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &DataProcessingOutput{ETag: etag(r.Version), Location: Prefix + path + "/" + r.ID, Body: r}, nil
		})

	register(a, huma.Operation{OperationID: "update-data-processing-registration", Method: http.MethodPatch, Path: path + "/{id}", Tags: tags,
		Summary: "Change a data processing registration"},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.DataProcessingPatch
		}) (*DataProcessingOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			r, err := a.store.UpdateDataProcessing(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &DataProcessingOutput{ETag: etag(r.Version), Body: r}, nil
		})

	register(a, huma.Operation{OperationID: "delete-data-processing-registration", Method: http.MethodDelete, Path: path + "/{id}", Tags: tags,
		Summary: "Delete a data processing registration", DefaultStatus: http.StatusNoContent},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
		}) (*struct{}, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := a.store.DeleteDataProcessing(ctx, actor(ctx), in.ID, v); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})
}
