package httpapi

import (
	"context"
	"mime"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// CollaborationOutput is one collaboration with its ETag.
type CollaborationOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Collaboration
}

// MemberOutput is one membership with its ETag.
type MemberOutput struct {
	ETag string `header:"ETag"`
	Body *samspil.Member
}

// DocumentPath selects a founding document of a collaboration.
type DocumentPath struct {
	ID    string `path:"id" maxLength:"64" doc:"The collaboration's ID"`
	DocID string `path:"doc_id" maxLength:"64"`
}

func (a *API) registerCollaborations() {
	tags := []string{"Collaborations"}
	register(a, huma.Operation{OperationID: "list-collaborations", Method: http.MethodGet, Path: "/collaborations", Tags: tags,
		Summary: "List collaborations", Description: "By name. Members see their own collaborations (also former ones); others see what is shared with them."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			OrganizationID string `query:"organization_id" maxLength:"64" doc:"Only collaborations this organisation is or was a member of (ID or municipality code); 422 if no organisation you can see has it"`
			Query          string `query:"q" maxLength:"200" doc:"Part of the name"`
			ListParams
		}) (*PageOutput[samspil.Collaboration], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			page, err := a.store.ListCollaborations(ctx, actor(ctx), samspil.CollaborationFilter{OrganizationID: orgID, Query: in.Query,
				ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Collaboration]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "create-collaboration", Method: http.MethodPost, Path: "/collaborations", Tags: tags,
		Summary: "Found a collaboration", DefaultStatus: http.StatusCreated,
		Description: "The founding organisation becomes the first member, as secretariat unless another role is given. Co-founders are invited " +
			"and become members when their own administrators accept."},
		samspil.PermCollabCreate, func(ctx context.Context, in *struct {
			Body samspil.CollaborationInput
		}) (*CollaborationOutput, error) {
			c, err := a.store.CreateCollaboration(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &CollaborationOutput{ETag: etag(c.Version), Location: Prefix + "/collaborations/" + c.ID, Body: c}, nil
		})

	register(a, huma.Operation{OperationID: "get-collaboration", Method: http.MethodGet, Path: "/collaborations/{id}", Tags: tags,
		Summary: "Get a collaboration", Description: "With its current and former members and its founding documents."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*CollaborationOutput, error) {
			c, err := a.store.FindCollaboration(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &CollaborationOutput{ETag: etag(c.Version), Body: c}, nil
		})

	register(a, huma.Operation{OperationID: "update-collaboration", Method: http.MethodPatch, Path: "/collaborations/{id}", Tags: tags,
		Summary: "Change a collaboration's details", Description: "To change the working form with an effective date, record an adjustment instead."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.CollaborationPatch
		}) (*CollaborationOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			c, err := a.store.UpdateCollaboration(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &CollaborationOutput{ETag: etag(c.Version), Body: c}, nil
		})

	register(a, huma.Operation{OperationID: "member-history", Method: http.MethodGet, Path: "/collaborations/{id}/member-history", Tags: tags,
		Summary: "Membership history", Description: "Every join, leave and change of role or commitment, oldest first, with who recorded it and why."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*struct{ Body []samspil.MemberEvent }, error) {
			events, err := a.store.MemberHistory(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body []samspil.MemberEvent }{events}, nil
		})

	register(a, huma.Operation{OperationID: "get-chair-terms", Method: http.MethodGet, Path: "/collaborations/{id}/chair-terms", Tags: tags,
		Summary: "The chair rotation"},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*struct{ Body []samspil.ChairTerm }, error) {
			terms, err := a.store.ChairTerms(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body []samspil.ChairTerm }{terms}, nil
		})

	register(a, huma.Operation{OperationID: "set-chair-terms", Method: http.MethodPut, Path: "/collaborations/{id}/chair-terms", Tags: tags,
		Summary: "Replace the chair rotation", Description: "Terms must not overlap; each chair must be a voting member when its term starts."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body []samspil.ChairTerm `maxItems:"200"`
		}) (*struct{ Body []samspil.ChairTerm }, error) {
			terms, err := a.store.SetChairTerms(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body []samspil.ChairTerm }{terms}, nil
		})

	register(a, huma.Operation{OperationID: "list-adjustments", Method: http.MethodGet, Path: "/collaborations/{id}/adjustments", Tags: tags,
		Summary: "List adjustments of the working form", Description: "Oldest first."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*struct{ Body []samspil.Adjustment }, error) {
			adjs, err := a.store.ListAdjustments(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body []samspil.Adjustment }{adjs}, nil
		})

	register(a, huma.Operation{OperationID: "propose-adjustment", Method: http.MethodPost, Path: "/collaborations/{id}/adjustments", Tags: tags,
		Summary: "Propose an adjustment of the working form", DefaultStatus: http.StatusCreated,
		Description: "Changes the exclusivity, members' commitments and roles and stops forums from the effective date, in one step, " +
			"once every member whose terms it changes has approved it (POST /adjustments/{id}/approve); nothing is written when any part is invalid."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.AdjustmentInput
		}) (*AdjustmentOutput, error) {
			adj, err := a.store.ProposeAdjustment(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &AdjustmentOutput{Location: Prefix + "/adjustments/" + adj.ID, Body: adj}, nil
		})

	register(a, huma.Operation{OperationID: "timeline", Method: http.MethodGet, Path: "/collaborations/{id}/timeline", Tags: tags,
		Summary: "A collaboration's history", Description: "Founding, members, commitments, adjustments, forums and strategies as dated entries, oldest first."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*struct{ Body []samspil.TimelineEntry }, error) {
			tl, err := a.store.Timeline(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body []samspil.TimelineEntry }{tl}, nil
		})

	register(a, huma.Operation{OperationID: "add-document-link", Method: http.MethodPost, Path: "/collaborations/{id}/documents", Tags: tags,
		Summary: "Add a founding document as a link", DefaultStatus: http.StatusCreated},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.DocumentInput
		}) (*struct{ Body *samspil.Document }, error) {
			d, err := a.store.AddDocument(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body *samspil.Document }{d}, nil
		})

	register(a, huma.Operation{OperationID: "upload-document", Method: http.MethodPost, Path: "/collaborations/{id}/documents/files", Tags: tags,
		Summary: "Upload a founding document", DefaultStatus: http.StatusCreated, MaxBodyBytes: samspil.MaxDocumentBytes,
		Description: "Send the file as the request body, at most 10 MiB."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Kind        samspil.DocumentKind `query:"kind" required:"true"`
			Title       string               `query:"title" maxLength:"200" required:"true"`
			FileName    string               `query:"file_name" maxLength:"200" required:"true"`
			ContentType string               `header:"Content-Type"`
			RawBody     []byte               `contentType:"application/octet-stream"`
		}) (*struct{ Body *samspil.Document }, error) {
			content := in.RawBody
			if content == nil {
				content = []byte{}
			}
			ct, _, err := mime.ParseMediaType(in.ContentType)
			if err != nil {
				ct = "application/octet-stream"
			}
			d, err := a.store.AddDocument(ctx, actor(ctx), in.ID, samspil.DocumentInput{Kind: in.Kind, Title: in.Title, FileName: in.FileName,
				ContentType: ct, Content: content})
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body *samspil.Document }{d}, nil
		})

	register(a, huma.Operation{OperationID: "get-document", Method: http.MethodGet, Path: "/collaborations/{id}/documents/{doc_id}", Tags: tags,
		Summary: "Download an uploaded founding document"},
		samspil.PermPublic, func(ctx context.Context, in *DocumentPath) (*struct {
			ContentType        string `header:"Content-Type"`
			ContentDisposition string `header:"Content-Disposition"`
			Body               []byte
		}, error) {
			d, content, err := a.store.DocumentContent(ctx, actor(ctx), in.ID, in.DocID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct {
				ContentType        string `header:"Content-Type"`
				ContentDisposition string `header:"Content-Disposition"`
				Body               []byte
			}{ContentType: samspil.SafeDocumentType(d.ContentType), ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": d.FileName}), Body: content}, nil
		})

	register(a, huma.Operation{OperationID: "delete-document", Method: http.MethodDelete, Path: "/collaborations/{id}/documents/{doc_id}", Tags: tags,
		Summary: "Remove a founding document", DefaultStatus: http.StatusNoContent},
		samspil.PermCollabManage, func(ctx context.Context, in *DocumentPath) (*struct{}, error) {
			if err := a.store.DeleteDocument(ctx, actor(ctx), in.ID, in.DocID); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})
}
