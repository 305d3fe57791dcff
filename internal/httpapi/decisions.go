package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// DecisionOutput is one decision with its ETag; the ETag changes with every
// vote and proxy, since they change what the decision shows.
type DecisionOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Decision
}

func (a *API) registerDecisions() {
	tags := []string{"Decisions"}
	register(a, huma.Operation{OperationID: "list-decisions", Method: http.MethodGet, Path: "/collaborations/{id}/decisions", Tags: tags,
		Summary: "List a collaboration's decisions", Description: "The newest day first, each with its votes and computed outcome."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			ForumID   string                 `query:"forum_id" maxLength:"64"`
			MeetingID string                 `query:"meeting_id" maxLength:"64"`
			Status    samspil.DecisionStatus `query:"status"`
			ListParams
		}) (*PageOutput[samspil.Decision], error) {
			page, err := a.store.ListDecisions(ctx, actor(ctx), samspil.DecisionFilter{CollaborationID: in.ID, ForumID: in.ForumID,
				MeetingID: in.MeetingID, Status: in.Status, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Decision]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "create-decision", Method: http.MethodPost, Path: "/collaborations/{id}/decisions", Tags: tags,
		Summary: "Put a proposal to the members", DefaultStatus: http.StatusCreated,
		Description: "The rule defaults to the collaboration's, the day of the vote to the meeting's day or today. " +
			"The members with a vote on that day and its chair decide."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.DecisionInput
		}) (*DecisionOutput, error) {
			d, err := a.store.CreateDecision(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &DecisionOutput{ETag: etag(d.Version), Location: Prefix + "/decisions/" + d.ID, Body: d}, nil
		})

	register(a, huma.Operation{OperationID: "get-decision", Method: http.MethodGet, Path: "/decisions/{id}", Tags: tags,
		Summary: "Get a decision", Description: "With its votes, proxies and the outcome computed from the votes as they stand."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*DecisionOutput, error) {
			d, err := a.store.FindDecision(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &DecisionOutput{ETag: etag(d.Version), Body: d}, nil
		})

	register(a, huma.Operation{OperationID: "cast-vote", Method: http.MethodPost, Path: "/decisions/{id}/votes", Tags: tags,
		Summary: "Vote for a member organisation",
		Description: "A member votes once; voting again while the decision is open changes its vote. The administrators and editors of the member " +
			"vote for it, or those of the member holding its proxy for this decision. Observers have no vote. A vote given earlier, such as at a past " +
			"meeting, is recorded with the day it was given (cast_on). Answers with the decision."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.VoteInput
		}) (*DecisionOutput, error) {
			d, err := a.store.CastVote(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &DecisionOutput{ETag: etag(d.Version), Body: d}, nil
		})

	register(a, huma.Operation{OperationID: "set-proxy", Method: http.MethodPut, Path: "/decisions/{id}/proxies", Tags: tags,
		Summary: "Give a member's proxy to another member",
		Description: "The holder, another member with a vote, may then vote for the giver on this decision. An empty proxy_organization_id " +
			"withdraws the proxy. The giver's administrators and editors, the secretariat and the chair may. Answers with the decision."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.Proxy
		}) (*DecisionOutput, error) {
			d, err := a.store.SetProxy(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &DecisionOutput{ETag: etag(d.Version), Body: d}, nil
		})

	register(a, huma.Operation{OperationID: "close-decision", Method: http.MethodPost, Path: "/decisions/{id}/close", Tags: tags,
		Summary: "Close a decision", Description: "It takes no more votes, and its outcome is final: without the quorum it ends as no_quorum."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
		}) (*DecisionOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			d, err := a.store.CloseDecision(ctx, actor(ctx), in.ID, v)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &DecisionOutput{ETag: etag(d.Version), Body: d}, nil
		})
}
