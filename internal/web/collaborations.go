package web

import (
	"net/http"
	"net/url"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// collaborationsData is the list of collaborations and the form to found one.
type collaborationsData struct {
	Query         string
	Page          *samspil.Page[samspil.Collaboration]
	Next          string
	Founders      []*samspil.Organization // organisations the reader may found a collaboration for
	Kinds         []samspil.CollaborationKind
	Exclusivities []samspil.Exclusivity
	Rules         []samspil.DecisionRule
	Form          url.Values
	ShowForm      bool
	Today         samspil.Date
}

// collaborations lists the collaborations the reader may see.
func (w *Web) collaborations(rw http.ResponseWriter, r *http.Request) {
	w.showCollaborations(rw, r, http.StatusOK, nil, url.Values{})
}

func (w *Web) showCollaborations(rw http.ResponseWriter, r *http.Request, status int, formErr error, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	q := r.URL.Query()
	d := collaborationsData{Query: q.Get("q"), Kinds: samspil.CollaborationKinds, Exclusivities: samspil.Exclusivities,
		Rules: samspil.DecisionRules, Form: form, Today: samspil.Today(samspil.Now())}
	page, err := w.store.ListCollaborations(ctx, actor, samspil.CollaborationFilter{Query: d.Query,
		ListOptions: samspil.ListOptions{Cursor: q.Get("cursor"), Limit: 100}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Page = page
	if page.NextCursor != "" {
		d.Next = "/collaborations?" + url.Values{"q": {d.Query}, "cursor": {page.NextCursor}}.Encode()
	}
	for _, id := range actor.OrgsWhere(samspil.PermCollabCreate) {
		if org, err := w.store.FindOrganization(ctx, actor, id); err == nil {
			d.Founders = append(d.Founders, org)
		}
	}
	if form.Get("organization_id") == "" && len(d.Founders) > 0 {
		form.Set("organization_id", d.Founders[0].ID)
	}
	v := w.newView(r, "collaborations", d)
	v.Title = w.cat.text(v.Lang, "collaborations.title")
	if formErr != nil {
		w.withError(v, formErr)
		d.ShowForm = true
		v.Data = d
	}
	w.render(rw, r, status, "collaborations", v)
}

// createCollaboration founds a collaboration from the form.
func (w *Web) createCollaboration(rw http.ResponseWriter, r *http.Request) {
	if !parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	f := r.PostForm
	in := samspil.CollaborationInput{Name: f.Get("name"), Kind: samspil.CollaborationKind(f.Get("kind")), Purpose: f.Get("purpose"),
		OrganizationID: f.Get("organization_id"), Visibility: samspil.Visibility(f.Get("visibility")),
		Exclusivity: samspil.Exclusivity(f.Get("exclusivity")), DecisionRule: samspil.DecisionRule(f.Get("decision_rule"))}
	var v samspil.Validation
	if s := f.Get("start"); s != "" {
		d, err := samspil.ParseDate(s)
		v.Check(err == nil, "start", "%q is not a date of the form YYYY-MM-DD such as 2026-01-31", s)
		in.Start = d
	}
	err := v.Err()
	var c *samspil.Collaboration
	if err == nil {
		c, err = w.store.CreateCollaboration(ctx, actor, in)
	}
	if err != nil {
		w.showCollaborations(rw, r, httpx.Status(err), err, f)
		return
	}
	http.Redirect(rw, r, "/collaborations/"+c.ID+"?done=collaboration_created", http.StatusSeeOther)
}

// collaborationData is one collaboration's page.
type collaborationData struct {
	C           *samspil.Collaboration
	Timeline    []samspil.TimelineEntry
	Adjustments []samspil.Adjustment
	Chairs      []samspil.ChairTerm
	Current     []samspil.Member
	Former      []samspil.Member
	Chair       string
	Today       samspil.Date
}

// collaboration shows a collaboration: its facts, members, history and
// founding documents.
func (w *Web) collaboration(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	id := r.PathValue("id")
	c, err := w.store.FindCollaboration(ctx, actor, id)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := collaborationData{C: c, Today: samspil.Today(samspil.Now())}
	if d.Timeline, err = w.store.Timeline(ctx, actor, id); err == nil {
		if d.Adjustments, err = w.store.ListAdjustments(ctx, actor, id); err == nil {
			d.Chairs, err = w.store.ChairTerms(ctx, actor, id)
		}
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, m := range c.Members {
		if m.ActiveOn(d.Today) || m.Since.After(d.Today) {
			d.Current = append(d.Current, m)
		} else {
			d.Former = append(d.Former, m)
		}
	}
	if chair := samspil.ChairOn(d.Chairs, c.Members, d.Today); chair != "" {
		for _, m := range c.Members {
			if m.OrganizationID == chair {
				d.Chair = m.OrganizationName
			}
		}
	}
	v := w.newView(r, "collaborations", d)
	v.Title = c.Name
	w.render(rw, r, http.StatusOK, "collaboration", v)
}

// collabSection is one page of a collaboration in its sub-navigation.
type collabSection struct {
	Key, Label, Path string
}

// collabSections are a collaboration's pages, in order.
var collabSections = []collabSection{
	{"overview", "collaboration.section_overview", ""},
	{"forums", "collaboration.section_forums", "/forums"},
	{"decisions", "collaboration.section_decisions", "/decisions"},
	{"ambitions", "collaboration.section_ambitions", "/ambitions"},
	{"strategies", "collaboration.section_strategies", "/strategies"},
	{"action_items", "collaboration.section_action_items", "/action-items"},
}

// collabNavItem is one link of the collab_nav partial.
type collabNavItem struct {
	Href, Label string
	Current     bool
}

// collabNav builds the sub-navigation of collaboration id in lang, with the
// section current marked.
func (w *Web) collabNav(lang, id, current string) []collabNavItem {
	var items []collabNavItem
	for _, s := range collabSections {
		items = append(items, collabNavItem{Href: "/collaborations/" + id + s.Path, Label: w.cat.text(lang, s.Label), Current: s.Key == current})
	}
	return items
}
