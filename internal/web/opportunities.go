package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/opportunity"
)

// The Muligheder page: where working together makes sense for one
// organisation, as its own people see it (the engine answers only to
// them; to anyone else the page does not exist). Three sections: ranked
// partner suggestions with their evidence in words and filters (region,
// size band, only organisations not yet partners); joint procurement
// windows with a timeline; harmonisation candidates against the
// partners. Every suggestion and window has its one-click actions: start
// an initiative with the organisations invited, invite to a collaboration
// the reader manages, open the organisation's page.

// Limits of the page.
const (
	oppPartnerLimit   = 25 // suggestions shown
	oppWindowLimit    = 30 // procurement windows shown
	oppTaskLimit      = 30 // harmonisation tasks shown (each looks its KLE title up)
	oppDefaultMonths  = 12
	oppMaxPopulation  = 1_000_000_000
	oppMaxQueryLength = 200
)

// oppMonthChoices are the window lengths the page offers.
var oppMonthChoices = []int{3, 6, 12, 18, 24, 36, 48, 60}

// opportunitiesData is the page's data.
type opportunitiesData struct {
	Org          *samspil.Organization
	Today        samspil.Date
	Form         opportunityForm
	Regions      []regionOption
	MonthChoices []int
	CanPropose   bool // the reader may propose initiatives for the organisation
	Suggestions  []suggestionView
	PartnersOK   bool // the partner query ran (its filters were valid)
	Windows      []windowView
	WindowsOK    bool
	Chart        template.HTML
	Harmonise    harmonisationView
}

// opportunityForm is the page's GET form as typed.
type opportunityForm struct {
	Region      string
	MinPop      string
	MaxPop      string
	NotPartners bool
	Months      int
}

// regionOption is a region of the organisation's country.
type regionOption struct {
	Code, Name string
}

// suggestionView is a partner suggestion as the page shows it.
type suggestionView struct {
	opportunity.Suggestion
	Rank        int
	RegionName  string
	ScoreText   string
	Evidence    []evidenceLine
	ProposeLink string       // "" when the reader may not propose
	InviteTo    []inviteLink // the collaborations the reader manages that the organisation is not a member of
}

// evidenceLine is one term of a score in words.
type evidenceLine struct {
	Text   string
	Points string // the points in words; "" for a term without points
}

// inviteLink opens a collaboration's invite form with the organisation
// chosen.
type inviteLink struct {
	Href, Collaboration string
}

// windowView is a procurement window as the page shows it.
type windowView struct {
	opportunity.Window
	Title       string // the system, or the category
	KindLabel   string // what the members' contracts have in common
	Evidence    string
	DaysLeft    int // until ActBy
	ProposeLink string
}

// harmonisationView is the harmonisation section.
type harmonisationView struct {
	Partners []harmonisationPartner
	Tasks    []harmonisationTask
	More     bool // more tasks than shown
}

type harmonisationPartner struct {
	OrgID, Name, Evidence string
}

type harmonisationTask struct {
	Code, Title string
	Ours        []opportunity.SystemRef
	Different   []opportunity.OrgSystems
	Shared      []opportunity.OrgSystems
}

// opportunities shows the Muligheder page of an organisation to its own
// people.
func (w *Web) opportunities(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	if w.cfg.Opportunities == nil {
		w.fail(rw, r, errors.New("web: the opportunity engine is not configured"))
		return
	}
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err == nil && !actor.MayAskOpportunities(org.ID) {
		err = samspil.NotFound("organization")
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	lang := language(r)
	d := &opportunitiesData{Org: org, Today: samspil.Today(w.now()), MonthChoices: oppMonthChoices,
		CanPropose: actor.Can(samspil.PermInitiativeWrite, org.ID)}
	regions, names, err := w.regions(ctx, actor)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, reg := range regions {
		if reg.Country == org.Country && reg.Region != "" {
			d.Regions = append(d.Regions, regionOption{Code: reg.Region, Name: reg.Name})
		}
	}
	q, months, formErr := d.readForm(r.URL.Query())
	if !slices.Contains(d.MonthChoices, months) { // a length typed into the address
		d.MonthChoices = append(slices.Clone(d.MonthChoices), months)
		slices.Sort(d.MonthChoices)
	}
	engine := w.cfg.Opportunities

	if formErr == nil || !hasField(formErr, "region", "min_population", "max_population") {
		suggestions, err := engine.PartnersFor(ctx, actor, org.ID, q)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		manages, err := w.managedCollaborations(ctx, actor, d.Today)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		d.PartnersOK = true
		for i, s := range suggestions {
			d.Suggestions = append(d.Suggestions, w.suggestionView(lang, d, i+1, s, names, manages))
		}
	}
	if formErr == nil || !hasField(formErr, "months") {
		windows, err := engine.WindowsFor(ctx, actor, org.ID, opportunity.WindowQuery{Months: months, Limit: oppWindowLimit})
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		d.WindowsOK = true
		for _, win := range windows {
			d.Windows = append(d.Windows, w.windowView(lang, d, win))
		}
		d.Chart = w.windowsChart(d.Windows, d.Today, lang)
	}
	h, err := engine.HarmonisationFor(ctx, actor, org.ID, opportunity.HarmonisationQuery{Limit: oppTaskLimit + 1})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if d.Harmonise, err = w.harmonisationView(ctx, lang, h); err != nil {
		w.fail(rw, r, err)
		return
	}

	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "opportunities.title", org.Name)
	status := http.StatusOK
	if formErr != nil {
		w.withError(v, formErr)
		status = httpx.Status(formErr)
	}
	w.render(rw, r, status, "opportunities", v)
}

// readForm reads the page's filters into the engine's query and the
// window length; bad values are field errors, each naming its field.
func (d *opportunitiesData) readForm(q url.Values) (opportunity.Query, int, error) {
	f := opportunityForm{Region: strings.TrimSpace(q.Get("region")), MinPop: strings.TrimSpace(q.Get("min_population")),
		MaxPop: strings.TrimSpace(q.Get("max_population")), Months: oppDefaultMonths}
	switch q.Get("not_partners") {
	case "", "0", "false":
	default:
		f.NotPartners = true
	}
	var v samspil.Validation
	query := opportunity.Query{Region: f.Region, NotPartners: f.NotPartners, Limit: oppPartnerLimit}
	if f.Region != "" && !slices.ContainsFunc(d.Regions, func(r regionOption) bool { return r.Code == f.Region }) {
		v.Add("region", "is not a region of the organisation's country")
		f.Region = truncate(f.Region, oppMaxQueryLength)
	}
	query.MinPop = readPopulation(&v, "min_population", &f.MinPop)
	query.MaxPop = readPopulation(&v, "max_population", &f.MaxPop)
	if query.MaxPop > 0 && query.MinPop > query.MaxPop {
		v.Add("max_population", "must be at least the smallest size, %d inhabitants", query.MinPop)
	}
	if m := strings.TrimSpace(q.Get("months")); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > opportunity.MaxWindowMonths {
			v.Add("months", "must be from 1 to %d", opportunity.MaxWindowMonths)
		} else {
			f.Months = n
		}
	}
	d.Form = f
	return query, f.Months, v.Err()
}

// readPopulation reads a number of inhabitants, written with or without
// thousands separators ("25.000"); "" is no bound.
func readPopulation(v *samspil.Validation, field string, s *string) int {
	if *s == "" {
		return 0
	}
	plain := strings.NewReplacer(".", "", ",", "", " ", "", "\u00a0", "").Replace(*s)
	n, err := strconv.Atoi(plain)
	if err != nil || n < 0 || n > oppMaxPopulation {
		v.Add(field, "must be a whole number of inhabitants, such as 25.000")
		*s = truncate(*s, oppMaxQueryLength)
		return 0
	}
	return n
}

// hasField reports whether err names one of the fields.
func hasField(err error, fields ...string) bool {
	var e *samspil.Error
	if !errors.As(err, &e) {
		return false
	}
	for _, f := range e.Fields {
		if slices.Contains(fields, f.Path) {
			return true
		}
	}
	return false
}

// managedCollaborations returns the collaborations the reader manages
// that have not ended, by name: those it can invite organisations to.
func (w *Web) managedCollaborations(ctx context.Context, actor *samspil.Actor, today samspil.Date) ([]samspil.Collaboration, error) {
	if !actor.SignedIn() {
		return nil, nil
	}
	var out []samspil.Collaboration
	seen := map[string]bool{}
	for _, orgID := range actor.OrgsWhere(samspil.PermCollabManage) {
		all, err := allPages(func(cursor string) (*samspil.Page[samspil.Collaboration], error) {
			return w.store.ListCollaborations(ctx, actor, samspil.CollaborationFilter{OrganizationID: orgID,
				ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		})
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			if !seen[c.ID] && (c.End == nil || !c.End.Before(today)) && actor.Manages(&c, today) {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
	}
	slices.SortFunc(out, func(a, b samspil.Collaboration) int {
		return strings.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name))
	})
	return out, nil
}

// suggestionView writes a suggestion's evidence in lang and its actions.
func (w *Web) suggestionView(lang string, d *opportunitiesData, rank int, s opportunity.Suggestion, regionNames map[string]string,
	manages []samspil.Collaboration) suggestionView {
	v := suggestionView{Suggestion: s, Rank: rank, RegionName: regionNames[s.Region], ScoreText: oppPoints(s.Score, lang)}
	for _, t := range s.Terms {
		line := evidenceLine{Text: capitalize(w.sayPhrase(lang, t.Evidence()))}
		switch {
		case t.Points >= 0.05:
			line.Points = w.cat.text(lang, "opportunities.points", oppPoints(t.Points, lang))
		case t.Points > 0: // shows as 0,0
			line.Points = w.cat.text(lang, "opportunities.points_tiny")
		}
		v.Evidence = append(v.Evidence, line)
	}
	if d.CanPropose {
		v.ProposeLink = proposeLink(url.Values{"owner_id": {d.Org.ID}, "invite": {s.OrgID}})
	}
	for i := range manages {
		c := &manages[i]
		if c.MemberOn(s.OrgID, d.Today) != nil {
			continue
		}
		v.InviteTo = append(v.InviteTo, inviteLink{Href: "/collaborations/" + url.PathEscape(c.ID) + "?" +
			url.Values{"invite": {s.OrgID}}.Encode() + "#invitations", Collaboration: c.Name})
	}
	return v
}

// windowView writes a window's evidence in lang and its action: propose
// a joint procurement with every other member invited.
func (w *Web) windowView(lang string, d *opportunitiesData, win opportunity.Window) windowView {
	v := windowView{Window: win, Evidence: capitalize(w.sayPhrase(lang, win.Evidence)), DaysLeft: samspil.DaysBetween(d.Today, win.ActBy)}
	if win.Kind == opportunity.WindowSystem {
		v.Title, v.KindLabel = win.SystemName, w.cat.text(lang, "opportunities.window_kind_system")
	} else {
		v.Title, v.KindLabel = w.categoryName(lang, win.Category), w.cat.text(lang, "opportunities.window_kind_category")
	}
	if !d.CanPropose {
		return v
	}
	q := url.Values{"owner_id": {d.Org.ID}, "model": {string(samspil.ModelProcurement)},
		"title": {w.cat.text(lang, "opportunities.procurement_title", v.Title)}, "description": {v.Evidence}}
	for _, m := range win.Members {
		if m.SystemID != "" && !slices.Contains(q["system_ids"], m.SystemID) {
			q.Add("system_ids", m.SystemID)
		}
		if m.OrgID != d.Org.ID && !slices.Contains(q["invite"], m.OrgID) {
			q.Add("invite", m.OrgID)
		}
	}
	v.ProposeLink = proposeLink(q)
	return v
}

// categoryName names a system category in lang.
func (w *Web) categoryName(lang, category string) string {
	if w.cat.has("category." + category) {
		return w.cat.text(lang, "category."+category)
	}
	return category
}

// proposeLink is the address of the proposal form prefilled with q.
func proposeLink(q url.Values) string { return "/initiatives/new?" + q.Encode() }

// harmonisationView looks up the KLE titles of the tasks compared.
func (w *Web) harmonisationView(ctx context.Context, lang string, h *opportunity.Harmonisation) (harmonisationView, error) {
	var v harmonisationView
	for _, p := range h.Partners {
		v.Partners = append(v.Partners, harmonisationPartner{OrgID: p.OrgID, Name: p.Name, Evidence: capitalize(w.sayPhrase(lang, p.Evidence))})
	}
	tasks := h.Tasks
	if len(tasks) > oppTaskLimit {
		tasks, v.More = tasks[:oppTaskLimit], true
	}
	for _, t := range tasks {
		ht := harmonisationTask{Code: t.Task, Ours: t.OurSystems, Different: t.Different, Shared: t.Shared}
		task, err := w.store.FindTask(ctx, t.Task)
		switch {
		case err == nil:
			ht.Title = task.Title
		case samspil.ErrorCode(err) != samspil.ENOTFOUND:
			return v, err
		}
		v.Tasks = append(v.Tasks, ht)
	}
	return v, nil
}

// oppPoints shows a score with one decimal: 5,3 in Danish, 5.3 in English.
func oppPoints(f float64, lang string) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if lang == "da" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
