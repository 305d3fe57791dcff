package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// An organisation's data classification levels: the list a usage's
// data_classification is chosen from.

// DataClassificationOutput is one level with its ETag.
type DataClassificationOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.DataClassificationLevel
}

// DataClassificationPath names a level of an organisation.
type DataClassificationPath struct {
	IDPath
	LevelID string `path:"level_id" maxLength:"64" doc:"The level's ID"`
}

// dataClassification finds the level of the path, answering 404 unless it
// is the path's organisation's.
func (a *API) dataClassification(ctx context.Context, p DataClassificationPath) (*samspil.DataClassificationLevel, error) {
	l, err := a.store.FindDataClassification(ctx, actor(ctx), p.LevelID)
	if err == nil && l.OrganizationID != p.ID {
		err = samspil.NotFound("data classification")
	}
	if err != nil {
		return nil, fail(ctx, err, "path")
	}
	return l, nil
}

func (a *API) registerDataClassifications() {
	tags := []string{"Data classification"}
	base := "/organizations/{id}/data-classifications"
	register(a, huma.Operation{OperationID: "list-data-classifications", Method: http.MethodGet, Path: base, Tags: tags,
		Summary: "List an organisation's data classification levels",
		Description: "The levels the organisation's usages are classified by (a usage's data_classification is a level's key), " +
			"active and inactive, in its order. An organisation starts with KITOS's default levels: public, internal, confidential and secret."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*ItemsOutput[samspil.DataClassificationLevel], error) {
			list, err := a.store.DataClassifications(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			out := &ItemsOutput[samspil.DataClassificationLevel]{}
			out.Body.Items = list
			return out, nil
		})

	register(a, huma.Operation{OperationID: "create-data-classification", Method: http.MethodPost, Path: base, Tags: tags,
		Summary: "Add a data classification level to an organisation", DefaultStatus: http.StatusCreated,
		Description: "Administrators of the organisation may add levels; a new level comes last. Its key is made from its name " +
			"(lower-case ASCII letters and digits joined by underscores, æ, ø and å as ae, oe and aa), with a number added when the " +
			"organisation has the key already."},
		samspil.PermOrgUpdate, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.DataClassificationInput
		}) (*DataClassificationOutput, error) {
			l, err := a.store.CreateDataClassification(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &DataClassificationOutput{ETag: etag(l.Version), Location: Prefix + "/organizations/" + l.OrganizationID +
				"/data-classifications/" + l.ID, Body: l}, nil
		})

	register(a, huma.Operation{OperationID: "get-data-classification", Method: http.MethodGet, Path: base + "/{level_id}", Tags: tags,
		Summary: "Get a data classification level of an organisation"},
		samspil.PermPublic, func(ctx context.Context, in *DataClassificationPath) (*DataClassificationOutput, error) {
			l, err := a.dataClassification(ctx, *in)
			if err != nil {
				return nil, err
			}
			return &DataClassificationOutput{ETag: etag(l.Version), Body: l}, nil
		})

	register(a, huma.Operation{OperationID: "update-data-classification", Method: http.MethodPatch, Path: base + "/{level_id}", Tags: tags,
		Summary: "Rename, describe, deactivate or reactivate a data classification level",
		Description: "Administrators of the organisation may change its levels. The key stays, so usages keep their level under its new " +
			"name. An inactive level stays on the usages that have it but cannot be chosen for others."},
		samspil.PermOrgUpdate, func(ctx context.Context, in *struct {
			DataClassificationPath
			IfMatchHeader
			Body samspil.DataClassificationPatch
		}) (*DataClassificationOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if _, err := a.dataClassification(ctx, in.DataClassificationPath); err != nil {
				return nil, err
			}
			l, err := a.store.UpdateDataClassification(ctx, actor(ctx), in.LevelID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &DataClassificationOutput{ETag: etag(l.Version), Body: l}, nil
		})
}
