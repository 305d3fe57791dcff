package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

func (a *API) registerAudit() {
	tags := []string{"Audit log"}
	register(a, huma.Operation{OperationID: "list-audit-events", Method: http.MethodGet, Path: "/audit-events", Tags: tags,
		Summary: "List audit events", Description: "Every change and sign-in, newest first, of the organisations whose audit log you may read."},
		samspil.PermAuditRead, func(ctx context.Context, in *struct {
			OrganizationID string    `query:"organization_id" maxLength:"64" doc:"Only events of this organisation (ID or municipality code); 422 if no organisation you can see has it"`
			Action         string    `query:"action" maxLength:"100" doc:"e.g. membership.update"`
			ObjectType     string    `query:"object_type" maxLength:"100"`
			ObjectID       string    `query:"object_id" maxLength:"64"`
			Since          time.Time `query:"since" doc:"Events at or after this time"`
			Until          time.Time `query:"until" doc:"Events before this time"`
			ListParams
		}) (*PageOutput[samspil.AuditEvent], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			f := samspil.AuditFilter{OrganizationID: orgID, Action: in.Action, ObjectType: in.ObjectType, ObjectID: in.ObjectID,
				ListOptions: in.options()}
			if !in.Since.IsZero() {
				f.Since = &in.Since
			}
			if !in.Until.IsZero() {
				f.Until = &in.Until
			}
			page, err := a.store.ListAuditEvents(ctx, actor(ctx), f)
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.AuditEvent]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-audit-event", Method: http.MethodGet, Path: "/audit-events/{id}", Tags: tags,
		Summary: "Get an audit event"},
		samspil.PermAuditRead, func(ctx context.Context, in *IDPath) (*struct{ Body *samspil.AuditEvent }, error) {
			e, err := a.store.FindAuditEvent(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body *samspil.AuditEvent }{Body: e}, nil
		})
}
