package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// HealthSettingsOutput is a collaboration's health settings with their ETag.
type HealthSettingsOutput struct {
	ETag string `header:"ETag"`
	Body *samspil.HealthSettings
}

// HealthReporter writes a collaboration's health report of a period as
// PDF or HTML in a language.
type HealthReporter interface {
	HealthReportDocument(ctx context.Context, actor *samspil.Actor, collabID string, from, to samspil.Date, lang string, pdf bool) ([]byte, error)
}

// dayParam reads a day of the query parameter name (the zero Date when
// empty), answering a problem at query.<name> when it is no date.
func dayParam(ctx context.Context, name, value string) (samspil.Date, error) {
	d, err := (OnQuery{On: value}).day()
	if err != nil {
		return d, fail(ctx, samspil.RenameFields(err, func(string) string { return name }), "query")
	}
	return d, nil
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
			at, err := dayParam(ctx, "at", in.At)
			if err != nil {
				return nil, err
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

	register(a, huma.Operation{OperationID: "get-health-report", Method: http.MethodGet, Path: "/collaborations/{id}/health/report", Tags: tags,
		Summary: "A collaboration's health report of a period, for the directors' meeting",
		Description: "The warnings on the last day and those that held in the period, every indicator over the period, the members " +
			"and the forums: as PDF (Accept: application/pdf) or as the printable page (text/html), in Danish unless " +
			"Accept-Language asks for English. The period defaults to the year up to today.",
		Responses: map[string]*huma.Response{"200": {Description: "The report", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}},
			"text/html":       {Schema: &huma.Schema{Type: "string"}}}}}},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			From           string `query:"from" format:"date" doc:"The first day (YYYY-MM-DD); defaults to a year before to"`
			To             string `query:"to" format:"date" doc:"The last day (YYYY-MM-DD); defaults to today"`
			Accept         string `header:"Accept" doc:"application/pdf or text/html"`
			AcceptLanguage string `header:"Accept-Language" doc:"da (the default) or en"`
		}) (*struct {
			ContentType        string `header:"Content-Type"`
			ContentDisposition string `header:"Content-Disposition"`
			Body               []byte
		}, error) {
			from, err := dayParam(ctx, "from", in.From)
			if err != nil {
				return nil, err
			}
			to, err := dayParam(ctx, "to", in.To)
			if err != nil {
				return nil, err
			}
			pdf := !strings.Contains(in.Accept, "text/html")
			if a.Reports == nil {
				p := newProblem(http.StatusServiceUnavailable, "Reports are not available on this server.")
				p.Code, p.RequestID = samspil.EINTERNAL, samspil.RequestID(ctx)
				return nil, p
			}
			lang := "da"
			if strings.HasPrefix(strings.TrimSpace(in.AcceptLanguage), "en") {
				lang = "en"
			}
			b, err := a.Reports.HealthReportDocument(ctx, actor(ctx), in.ID, from, to, lang, pdf)
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			out := &struct {
				ContentType        string `header:"Content-Type"`
				ContentDisposition string `header:"Content-Disposition"`
				Body               []byte
			}{ContentType: "text/html; charset=utf-8", Body: b}
			if pdf {
				out.ContentType, out.ContentDisposition = "application/pdf", `inline; filename="sundhedsrapport.pdf"`
			}
			return out, nil
		})

	register(a, huma.Operation{OperationID: "get-organization-health", Method: http.MethodGet, Path: "/organizations/{id}/collaboration-health",
		Tags: tags, Summary: "The health of an organisation's collaborations, healthiest first",
		Description: "For each collaboration the organisation is a member of on the day and whose health the caller sees: the share of " +
			"its indicators without a warning, that share over the last 24 month ends, its warnings, and how the organisation does in " +
			"it as a partner."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			At string `query:"at" format:"date" doc:"The day (YYYY-MM-DD); defaults to today"`
		}) (*struct{ Body []samspil.HealthSummary }, error) {
			at, err := dayParam(ctx, "at", in.At)
			if err != nil {
				return nil, err
			}
			list, err := a.store.OrganizationHealth(ctx, actor(ctx), in.ID, at)
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &struct{ Body []samspil.HealthSummary }{list}, nil
		})

	register(a, huma.Operation{OperationID: "get-differences", Method: http.MethodGet, Path: "/collaborations/{id}/differences", Tags: tags,
		Summary: "The members' organisations side by side",
		Description: "Each active member's top level (sector directors or one board of directors), where its IT function sits, its size " +
			"and whom it sends to each active forum at which level, with warnings where they differ in ways that make joint decisions " +
			"hard. Seen by those who see the collaboration's health."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*struct{ Body *samspil.OrgComparison }, error) {
			c, err := a.store.CollaborationDifferences(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body *samspil.OrgComparison }{c}, nil
		})
}
