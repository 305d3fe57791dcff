package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// HealthSettingsOutput is a collaboration's health settings with their ETag.
type HealthSettingsOutput struct {
	ETag string `header:"ETag"`
	Body *samspil.HealthSettings
}

func (a *API) registerHealth() {
	tags := []string{"Collaboration health"}
	register(a, huma.Operation{OperationID: "get-health", Method: http.MethodGet, Path: "/collaborations/{id}/health", Tags: tags,
		Summary: "A collaboration's health on a day",
		Description: "Every indicator month by month from the collaboration's start to the day, the warnings on the day with the numbers " +
			"behind them, each member's and forum's figures, and the thresholds. A past day is computed from the history recorded up to " +
			"it. Only the people of the collaboration's members see it, unless the collaboration shares it; others get 404."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			At string `query:"at" format:"date" doc:"The day (YYYY-MM-DD); defaults to today"`
		}) (*struct{ Body *samspil.Health }, error) {
			at, err := (OnQuery{On: in.At}).day()
			if err != nil {
				return nil, fail(ctx, samspil.RenameFields(err, func(string) string { return "at" }), "query")
			}
			h, err := a.store.CollaborationHealth(ctx, actor(ctx), in.ID, at)
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &struct{ Body *samspil.Health }{h}, nil
		})

	register(a, huma.Operation{OperationID: "get-health-settings", Method: http.MethodGet, Path: "/collaborations/{id}/health/settings", Tags: tags,
		Summary: "A collaboration's health thresholds", Description: "Version 1 is the defaults, before anybody changed them."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*HealthSettingsOutput, error) {
			s, err := a.store.HealthSettings(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &HealthSettingsOutput{ETag: etag(s.Version), Body: s}, nil
		})

	register(a, huma.Operation{OperationID: "set-health-settings", Method: http.MethodPut, Path: "/collaborations/{id}/health/settings", Tags: tags,
		Summary: "Set a collaboration's health thresholds", Description: "By the collaboration's secretariat or chair. Every threshold is given."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.HealthSettings
		}) (*HealthSettingsOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			s, err := a.store.SetHealthSettings(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &HealthSettingsOutput{ETag: etag(s.Version), Body: s}, nil
		})
}
