package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// The portfolio: every collaboration an organisation is a member of,
// healthiest to weakest, each with its score over two years as a line,
// its warnings, and how the organisation does in it as a partner.

// portfolioRow is one collaboration of the portfolio.
type portfolioRow struct {
	S     samspil.HealthSummary
	Chart template.HTML
}

type portfolioData struct {
	Org     *samspil.Organization
	At      samspil.Date
	AtValue string
	AtError string
	Rows    []portfolioRow
}

// healthPortfolio shows the organisation's collaborations by health.
func (w *Web) healthPortfolio(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "organizations", nil)
	today, status := samspil.Today(w.now()), http.StatusOK
	d := &portfolioData{Org: org, AtValue: strings.TrimSpace(r.URL.Query().Get("at"))}
	if d.At, d.AtError = w.healthDay(v.Lang, d.AtValue, today); d.AtError != "" {
		status = http.StatusUnprocessableEntity
	}
	list, err := w.store.OrganizationHealth(ctx, actor, org.ID, d.At)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for i, s := range list {
		desc := w.cat.text(v.Lang, "portfolio.chart_desc", s.Score.Num, s.Score.Den)
		d.Rows = append(d.Rows, portfolioRow{S: s,
			Chart: healthLine("pf-"+strconv.Itoa(i), w.cat.text(v.Lang, "portfolio.chart_title", s.CollaborationName), desc, s.Scores, 100, -1)})
	}
	v.Data = d
	v.Title = w.cat.text(v.Lang, "portfolio.title", org.Name)
	w.render(rw, r, status, "health_portfolio", v)
}
