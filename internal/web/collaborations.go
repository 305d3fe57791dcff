package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"

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
	Orgs          []orgGroup // organisations that may be co-founders
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
	if len(d.Founders) > 0 {
		if d.Orgs, err = w.orgGroups(ctx, actor, nil); err != nil {
			w.fail(rw, r, err)
			return
		}
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
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	f := r.PostForm
	in := samspil.CollaborationInput{Name: f.Get("name"), Kind: samspil.CollaborationKind(f.Get("kind")), Purpose: f.Get("purpose"),
		OrganizationID: f.Get("organization_id"), Visibility: samspil.Visibility(f.Get("visibility")),
		Exclusivity: samspil.Exclusivity(f.Get("exclusivity")), DecisionRule: samspil.DecisionRule(f.Get("decision_rule"))}
	var v samspil.Validation
	for _, id := range f["co_founder"] {
		if id != "" && id != in.OrganizationID {
			in.CoFounders = append(in.CoFounders, samspil.FounderInput{OrganizationID: id})
		}
	}
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
		w.showCollaborations(rw, r, httpx.Status(err), renameFields(err, func(path string) string {
			if strings.HasPrefix(path, "co_founders[") {
				return "co_founder"
			}
			return path
		}), f)
		return
	}
	http.Redirect(rw, r, "/collaborations/"+c.ID+"?done=collaboration_created", http.StatusSeeOther)
}

// collaborationData is one collaboration's page; its managers also get the
// forms to run it (see collaboration_manage.go).
type collaborationData struct {
	actor       *samspil.Actor
	C           *samspil.Collaboration
	Invitations []samspil.Invitation // pending ones, and those declined
	Timeline    []samspil.TimelineEntry
	Chart       template.HTML // the history as a picture (timeline.go)
	Adjustments []adjustmentView
	History     []memberEventRow
	Chairs      []samspil.ChairTerm
	Current     []samspil.Member
	Former      []samspil.Member
	Chair       string
	Today       samspil.Date

	CanManage     bool
	Open          string     // the form to show open after an error
	Form          url.Values // what that form posted
	defaults      map[string]url.Values
	Orgs          []orgGroup      // organisations that may join
	Forums        []samspil.Forum // the forums an adjustment may discontinue: the active ones, and any the form was refused for
	ActiveForums  []samspil.Forum
	Roles         []samspil.MemberRole
	Commitments   []samspil.Commitment
	Exclusivities []samspil.Exclusivity
	LegalForms    []samspil.LegalForm
	Rules         []samspil.DecisionRule
	CostKeys      []samspil.CostKey
	Visibilities  []samspil.Visibility
	DocKinds      []samspil.DocumentKind
}

// collaboration shows a collaboration: its facts, members, history and
// founding documents.
func (w *Web) collaboration(rw http.ResponseWriter, r *http.Request) {
	w.showCollaboration(rw, r, http.StatusOK, nil, "", nil)
}

// showCollaboration renders a collaboration's page with status; after a
// failed post, open names the form to show open with what it posted and
// formErr's messages.
func (w *Web) showCollaboration(rw http.ResponseWriter, r *http.Request, status int, formErr error, open string, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindCollaboration(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := collaborationData{actor: actor, C: c, Today: samspil.Today(w.now()), Open: open, Form: form}
	var (
		adjustments []samspil.Adjustment
		events      []samspil.MemberEvent
		forums      []samspil.Forum
	)
	if d.Timeline, err = w.store.Timeline(ctx, actor, c.ID); err == nil {
		if adjustments, err = w.store.ListAdjustments(ctx, actor, c.ID); err == nil {
			if d.Chairs, err = w.store.ChairTerms(ctx, actor, c.ID); err == nil {
				if events, err = w.store.MemberHistory(ctx, actor, c.ID); err == nil {
					if forums, err = w.store.ListForums(ctx, actor, c.ID); err == nil {
						d.Invitations, err = w.collabInvitations(ctx, actor, c.ID)
					}
				}
			}
		}
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, m := range c.Members {
		if isCurrent(&m, d.Today) {
			d.Current = append(d.Current, m)
		} else {
			d.Former = append(d.Former, m)
		}
	}
	if chair := samspil.ChairOn(d.Chairs, c.Members, d.Today); chair != "" {
		d.Chair = memberName(c, chair)
	}
	d.Adjustments = adjustmentViews(c, adjustments, forums)
	d.History = memberEventRows(events)
	d.Chart = w.historyChart(d.Timeline, d.Today, language(r))
	if d.CanManage = actor.Manages(c, d.Today); d.CanManage {
		if err := w.manageChoices(ctx, actor, &d, forums); err != nil {
			w.fail(rw, r, err)
			return
		}
	}
	// A link may choose the organisation to invite (the Muligheder page's
	// "Inviter til samarbejde"): the invite form opens with it chosen.
	if org := r.URL.Query().Get("invite"); d.CanManage && open == "" && r.Method == http.MethodGet && org != "" {
		d.Open = formInvite
		d.defaults[formInvite].Set("organization_id", org)
	}
	v := w.newView(r, "collaborations", d)
	v.Title = c.Name
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "collaboration", v)
}

// collabInvitations returns the invitations to the collaboration the
// reader may see that still matter: those waiting for an answer and those
// declined.
func (w *Web) collabInvitations(ctx context.Context, actor *samspil.Actor, collabID string) ([]samspil.Invitation, error) {
	if !actor.SignedIn() {
		return nil, nil
	}
	all, err := allPages(func(cursor string) (*samspil.Page[samspil.Invitation], error) {
		return w.store.ListInvitations(ctx, actor, samspil.InvitationFilter{CollaborationID: collabID,
			ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		return nil, err
	}
	var out []samspil.Invitation
	for _, inv := range all {
		if inv.Status == samspil.InvitationPending || inv.Status == samspil.InvitationDeclined {
			out = append(out, inv)
		}
	}
	return out, nil
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
	{"health", "collaboration.section_health", "/health"}, // its members' people only (MaySeeHealth)
}

// collabNavItem is one link of the collab_nav partial.
type collabNavItem struct {
	Href, Label string
	Current     bool
}

// collabNav builds the sub-navigation of collaboration c in lang for the
// reader of view v, with the section current marked. Health is listed for the
// people of its members (a collaboration that shares its health is reached
// from its page, current marks it there too).
func (w *Web) collabNav(lang string, v *view, c *samspil.Collaboration, current string) []collabNavItem {
	var items []collabNavItem
	for _, s := range collabSections {
		if s.Key == "health" && current != "health" && !v.Actor.MaySeeHealth(c, v.Today, false) {
			continue
		}
		items = append(items, collabNavItem{Href: "/collaborations/" + c.ID + s.Path, Label: w.cat.text(lang, s.Label), Current: s.Key == current})
	}
	return items
}
