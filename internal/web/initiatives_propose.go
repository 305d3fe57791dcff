package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// proposeData is the form to propose an initiative.
type proposeData struct {
	Form           url.Values
	Owners         []samspil.Organization
	Collaborations []samspil.Collaboration // those one of the owners is a member of today
	Models         []samspil.InitiativeModel
	Visibilities   []samspil.Visibility
	CostKeys       []samspil.CostKey
	Systems        []systemOption
	Strategies     []strategyGoals
	Names          initiativeNames
	// Invited are the organisations the proposal invites, as the form
	// names them (prefilled from the Muligheder page).
	Invited []invitedOption
}

// invitedOption is an organisation the proposal invites, a check box.
type invitedOption struct {
	ID, Name string
}

// maxPrefilledInvites bounds the organisations a link to the form may
// name; the store refuses more too.
const maxPrefilledInvites = 100

// proposePrefill are the fields a link to the form may fill (the
// Muligheder page's one-click actions): one value each, and the lists.
var (
	proposePrefill     = []string{"title", "description", "owner_id", "collaboration_id", "model", "visibility", "tasks", "cost_key"}
	proposePrefillList = []string{"system_ids", "invite"}
)

// systemOption is a catalogue system the form offers.
type systemOption struct {
	ID, Label string
	Selected  bool
}

// strategyGoals are a strategy's goals the form offers, each a check box
// whose value is "strategy ID:goal number".
type strategyGoals struct {
	Title string
	Goals []goalOption
}

type goalOption struct {
	Value, Label string
	Checked      bool
}

// newInitiativePage shows the form to propose an initiative, to those who
// may propose for an organisation.
func (w *Web) newInitiativePage(rw http.ResponseWriter, r *http.Request) {
	if len(httpx.ActorFrom(r.Context()).OrgsWhere(samspil.PermInitiativeWrite)) == 0 {
		w.fail(rw, r, samspil.Errorf(samspil.EFORBIDDEN, "only administrators and editors of an organisation may propose initiatives on its behalf"))
		return
	}
	form := url.Values{"model": {string(samspil.ModelImplementation)}, "visibility": {string(samspil.VisibilitySector)}}
	q := r.URL.Query()
	for _, k := range proposePrefill {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			form.Set(k, v)
		}
	}
	for _, k := range proposePrefillList {
		for _, v := range q[k] {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(form[k], v) && len(form[k]) < maxPrefilledInvites {
				form.Add(k, v)
			}
		}
	}
	w.showProposeForm(rw, r, http.StatusOK, nil, form)
}

func (w *Web) showProposeForm(rw http.ResponseWriter, r *http.Request, status int, formErr error, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	lang := language(r)
	d := proposeData{Form: form, Models: samspil.InitiativeModels, Visibilities: samspil.Visibilities, CostKeys: samspil.CostKeys,
		Names: w.initiativeNames(lang)}
	owners := actor.OrgsWhere(samspil.PermInitiativeWrite)
	for _, id := range owners {
		org, err := w.store.FindOrganization(ctx, actor, id)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		d.Owners = append(d.Owners, *org)
	}
	today := samspil.Today(w.now())
	collabs, err := allPages(func(cursor string) (*samspil.Page[samspil.Collaboration], error) {
		return w.store.ListCollaborations(ctx, actor, samspil.CollaborationFilter{ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for i := range collabs {
		for _, id := range owners {
			if collabs[i].MemberOn(id, today) != nil {
				d.Collaborations = append(d.Collaborations, collabs[i])
				break
			}
		}
	}
	systems, err := allPages(func(cursor string) (*samspil.Page[samspil.System], error) {
		return w.store.ListSystems(ctx, actor, samspil.SystemFilter{ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	chosen := map[string]bool{}
	for _, id := range form["system_ids"] {
		chosen[id] = true
	}
	for _, s := range systems {
		label := s.Name
		if s.VendorName != "" {
			label += " (" + s.VendorName + ")"
		}
		d.Systems = append(d.Systems, systemOption{ID: s.ID, Label: label, Selected: chosen[s.ID]})
	}
	strategies, err := w.store.ListStrategies(ctx, actor, "", "")
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	goals := map[string]bool{}
	for _, g := range form["goals"] {
		goals[g] = true
	}
	for _, s := range strategies {
		sg := strategyGoals{Title: s.Title}
		for i, g := range s.Goals {
			value := s.ID + ":" + strconv.Itoa(i+1)
			sg.Goals = append(sg.Goals, goalOption{Value: value, Label: strconv.Itoa(i+1) + ". " + g.Title, Checked: goals[value]})
		}
		if len(sg.Goals) > 0 {
			d.Strategies = append(d.Strategies, sg)
		}
	}
	for _, id := range form["invite"] {
		org, err := w.store.FindOrganization(ctx, actor, id)
		switch {
		case err == nil:
			if !slices.ContainsFunc(d.Invited, func(o invitedOption) bool { return o.ID == org.ID }) {
				d.Invited = append(d.Invited, invitedOption{ID: org.ID, Name: org.Name})
			}
		case samspil.ErrorCode(err) != samspil.ENOTFOUND:
			w.fail(rw, r, err)
			return
		}
	}
	if form.Get("owner_id") == "" && len(d.Owners) > 0 {
		form.Set("owner_id", d.Owners[0].ID)
	}
	v := w.newView(r, "initiatives", d)
	v.Title = w.cat.text(v.Lang, "initiative_new.title")
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "initiative_new", v)
}

// proposeInitiative records the proposal and goes to its page; a refused
// proposal shows the form again with each field's error and what was
// typed.
func (w *Web) proposeInitiative(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	f := r.PostForm
	in, err := initiativeForm(f)
	var x *samspil.Initiative
	if err == nil {
		x, err = w.store.ProposeInitiative(ctx, actor, in)
	}
	if err != nil {
		var e *samspil.Error
		if errors.As(err, &e) && (e.Code == samspil.EINVALID || len(e.Fields) > 0) {
			w.showProposeForm(rw, r, httpx.Status(err), proposeFields(err), f)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/initiatives/"+x.ID, "initiative_proposed")
}

// initiativeForm reads the proposal form: KLE codes separated by commas
// or spaces, systems by their IDs, goals as "strategy ID:goal number".
func initiativeForm(f url.Values) (samspil.InitiativeInput, error) {
	in := samspil.InitiativeInput{Title: f.Get("title"), Description: f.Get("description"), OwnerID: f.Get("owner_id"),
		CollaborationID: strings.TrimSpace(f.Get("collaboration_id")), Model: samspil.InitiativeModel(f.Get("model")),
		Visibility: samspil.Visibility(f.Get("visibility")), Tasks: strings.Fields(strings.ReplaceAll(f.Get("tasks"), ",", " ")),
		ExpectedBenefits: f.Get("expected_benefits"), ContactName: f.Get("contact_name"), ContactEmail: f.Get("contact_email")}
	for _, id := range f["system_ids"] {
		if id = strings.TrimSpace(id); id != "" {
			in.SystemIDs = append(in.SystemIDs, id)
		}
	}
	for _, id := range f["invite"] {
		if id = strings.TrimSpace(id); id != "" {
			in.Invite = append(in.Invite, id)
		}
	}
	var v samspil.Validation
	for _, g := range f["goals"] {
		sid, n, _ := strings.Cut(g, ":")
		goal, err := strconv.Atoi(n)
		if sid == "" || err != nil {
			v.Add("goals", "%q is not a goal of a strategy", g)
			continue
		}
		in.Goals = append(in.Goals, samspil.GoalRef{StrategyID: sid, Goal: goal})
	}
	if k := f.Get("cost_key"); k != "" {
		in.Cost = &samspil.CostSettings{Key: samspil.CostKey(k)}
	}
	return in, v.Err()
}

// proposeFields names the store's field paths as the form's fields: the
// goals as one, the cost key as its select.
func proposeFields(err error) error {
	return renameFields(err, func(path string) string {
		switch {
		case strings.HasPrefix(path, "goals"):
			return "goals"
		case strings.HasPrefix(path, "invite"):
			return "invite"
		case strings.HasPrefix(path, "cost."):
			return "cost_key"
		}
		return path
	})
}
