package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// NoticeOptOuts are the kinds of e-mail notice a person does not want.
type NoticeOptOuts struct {
	OptOuts []samspil.NoticeKind `json:"opt_outs" maxItems:"10" doc:"meeting: a meeting of a forum you sit in, with its agenda; vote: a vote waiting for your organisation; action: an action item of yours coming due; deadline: a contract notice deadline of your organisation"`
}

func (a *API) registerNotices() {
	tags := []string{"Users"}
	register(a, huma.Operation{OperationID: "get-notice-opt-outs", Method: http.MethodGet, Path: "/users/me/notice-opt-outs", Tags: tags,
		Summary: "Your e-mail notice opt-outs"},
		samspil.PermSignedIn, func(ctx context.Context, _ *struct{}) (*struct{ Body NoticeOptOuts }, error) {
			kinds, err := a.store.NoticeOptOuts(ctx, actor(ctx), actor(ctx).UserID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body NoticeOptOuts }{NoticeOptOuts{kinds}}, nil
		})
	register(a, huma.Operation{OperationID: "set-notice-opt-outs", Method: http.MethodPut, Path: "/users/me/notice-opt-outs", Tags: tags,
		Summary: "Choose the e-mail notices you do not want", Description: "Replaces your opt-outs; an empty list means every notice."},
		samspil.PermSignedIn, func(ctx context.Context, in *struct{ Body NoticeOptOuts }) (*struct{ Body NoticeOptOuts }, error) {
			if in.Body.OptOuts == nil {
				in.Body.OptOuts = []samspil.NoticeKind{}
			}
			if err := a.store.SetNoticeOptOuts(ctx, actor(ctx), actor(ctx).UserID, in.Body.OptOuts); err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body NoticeOptOuts }{in.Body}, nil
		})
}
