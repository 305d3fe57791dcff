package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

func (a *API) registerSearch() {
	register(a, huma.Operation{OperationID: "search", Method: http.MethodGet, Path: "/search", Tags: []string{"Search"},
		Summary: "Search by name or kommunekode",
		Description: "Organisations, systems, contracts, collaborations, forums and decisions the caller may see whose name contains the text " +
			"(case-folded), and organisations whose municipality code or CVR equals it; grouped by kind. Text shorter than two characters finds nothing."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			Q     string               `query:"q" maxLength:"100" doc:"The text to look for"`
			Kind  []samspil.SearchKind `query:"kind,explode" doc:"Only these kinds; all when absent"`
			Limit int                  `query:"limit" minimum:"1" maximum:"50" default:"5" doc:"Hits of each kind at most"`
		}) (*struct{ Body *samspil.SearchResult }, error) {
			res, err := a.store.Search(ctx, actor(ctx), samspil.SearchQuery{Text: in.Q, Kinds: in.Kind, PerKind: in.Limit})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &struct{ Body *samspil.SearchResult }{Body: res}, nil
		})
}
