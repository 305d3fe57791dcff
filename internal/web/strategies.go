package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Strategies: the joint strategies of a collaboration and its members' own,
// which of them is in force for each member today, a form to register a
// strategy and buttons for the owners the reader acts for to record their
// adoption.

// coverageScope is the scope the coverage compares (the store's
// sqldb.CoverageScope) and the default scope of a new strategy.
const coverageScope = "digitalisation"

// adoptForm records one owner's adoption of a strategy.
type adoptForm struct {
	OrganizationID   string
	OrganizationName string
	AdoptedOn        *samspil.Date
	On               string // the day in the form
	Error            string
	Open             bool
}

// strategyRow is a strategy on the page with the adoption forms of the
// owners the reader acts for.
type strategyRow struct {
	samspil.Strategy
	CollabID string // the collaboration whose page shows it
	IsJoint  bool
	Adopt    []adoptForm
}

// coverageRow is one member's coverage today with its explanation made
// readable.
type coverageRow struct {
	samspil.StrategyCoverage
	Text samspil.Phrase
}

// strategyOwnerChoice is a member that can be ticked as an owner.
type strategyOwnerChoice struct {
	OrganizationID   string
	OrganizationName string
	Chosen           bool
}

type strategiesData struct {
	C         *samspil.Collaboration
	Today     samspil.Date
	Coverage  []coverageRow
	Joint     []strategyRow // the collaboration's joint strategies
	Members   []strategyRow // the members' other strategies
	CanCreate bool
	Owners    []strategyOwnerChoice
	Form      url.Values
	ShowForm  bool
}

// strategies shows the strategies of a collaboration and its members.
func (w *Web) strategies(rw http.ResponseWriter, r *http.Request) {
	w.showStrategies(rw, r, r.PathValue("id"), http.StatusOK, nil, nil)
}

// showStrategies renders the page of collaboration collabID; after a failed
// post formErr is set and form holds what was posted to the form that
// failed.
func (w *Web) showStrategies(rw http.ResponseWriter, r *http.Request, collabID string, status int, formErr error, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindCollaboration(ctx, actor, collabID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	today := samspil.Today(w.now())
	cov, err := w.store.Coverage(ctx, actor, c.ID, today)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	joint, err := w.store.ListStrategies(ctx, actor, c.ID, "")
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "collaborations", nil)
	v.Title = w.cat.text(v.Lang, "strategies.title", c.Name)
	if formErr != nil {
		w.withError(v, formErr)
	}
	failedAdoption := formErr != nil && form != nil && form.Has("adopted_on")
	d := strategiesData{C: c, Today: today, Form: form, ShowForm: formErr != nil && !failedAdoption}
	if !d.ShowForm {
		d.Form = nil
	}
	seen := map[string]bool{}
	for _, s := range joint {
		seen[s.ID] = true
		d.Joint = append(d.Joint, strategyRow{Strategy: s, CollabID: c.ID, IsJoint: s.Joint()})
	}
	members := map[string]bool{}
	for i := range c.Members {
		m := &c.Members[i]
		if !(m.ActiveOn(today) || m.Since.After(today)) || members[m.OrganizationID] {
			continue
		}
		members[m.OrganizationID] = true
		own, err := w.store.ListStrategies(ctx, actor, "", m.OrganizationID)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, s := range own {
			if !seen[s.ID] {
				seen[s.ID] = true
				d.Members = append(d.Members, strategyRow{Strategy: s, CollabID: c.ID, IsJoint: s.Joint()})
			}
		}
		if m.ActiveOn(today) {
			d.Owners = append(d.Owners, strategyOwnerChoice{OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName})
		}
	}
	slices.SortStableFunc(d.Members, func(a, b strategyRow) int { return a.From.Compare(b.From) })
	for _, cv := range cov {
		d.Coverage = append(d.Coverage, coverageRow{StrategyCoverage: cv, Text: w.coveragePhrase(v.Lang, cv.Explanation)})
	}

	// Adoption forms for the owners the reader acts for; the one that
	// failed shows its error.
	for _, rows := range [][]strategyRow{d.Joint, d.Members} {
		for i := range rows {
			s := &rows[i]
			for _, o := range s.Owners {
				if !actor.Represents(o.OrganizationID) {
					continue
				}
				af := adoptForm{OrganizationID: o.OrganizationID, OrganizationName: o.OrganizationName, AdoptedOn: o.AdoptedOn, On: today.String()}
				if o.AdoptedOn != nil {
					af.On = o.AdoptedOn.String()
				}
				if failedAdoption && r.PathValue("sid") == s.ID && form.Get("organization_id") == o.OrganizationID {
					af.Open, af.On = true, form.Get("adopted_on")
					af.Error = v.Fields["adopted_on"]
					if af.Error == "" {
						af.Error = v.Fields["organization_id"]
					}
				}
				s.Adopt = append(s.Adopt, af)
			}
		}
	}

	if actor.SignedIn() {
		owners := make([]samspil.StrategyOwner, len(d.Owners))
		for i, o := range d.Owners {
			owners[i] = samspil.StrategyOwner{OrganizationID: o.OrganizationID}
		}
		d.CanCreate = actor.MayRecordStrategy(c, owners, today)
	}
	// A new form has every member ticked, as for a joint strategy.
	for i := range d.Owners {
		d.Owners[i].Chosen = d.Form == nil || slices.Contains(d.Form["owners"], d.Owners[i].OrganizationID)
	}
	if d.Form == nil {
		// The default scope in the reader's words; createStrategy reads
		// them back as the code.
		d.Form = url.Values{"scope": {w.cat.text(v.Lang, "strategy.scope_digitalisation")}}
	}
	v.Data = d
	w.render(rw, r, status, "strategies", v)
}

// coveragePhrase shows the dates of a coverage explanation as the pages
// do, and the compared scope in the reader's language.
func (w *Web) coveragePhrase(lang string, p samspil.Phrase) samspil.Phrase {
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		args[i] = phraseArg(lang, a)
	}
	if strings.HasPrefix(p.Format, "no strategy of scope ") && len(args) > 0 && args[0] == coverageScope {
		args[0] = w.cat.text(lang, "strategy.scope_digitalisation")
	}
	return samspil.Phrase{Format: p.Format, Args: args}
}

// scopeCode turns the digitalisation scope as written in either language
// ("digitalisering", "Digitalisation") into its code; other scopes are
// kept as written.
func (w *Web) scopeCode(scope string) string {
	for _, lang := range languages {
		if samspil.Fold(scope) == samspil.Fold(w.cat.text(lang, "strategy.scope_digitalisation")) {
			return coverageScope
		}
	}
	return scope
}

// reStrategyPath matches the paths of a strategy's owners and goals.
var reStrategyPath = regexp.MustCompile(`^(owners|goals)\[\d+\]`)

// createStrategy registers a strategy from the form: a joint strategy of
// the collaboration when it has several owners, else the one owner's own.
func (w *Web) createStrategy(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var v samspil.Validation
	in := samspil.StrategyInput{Title: f.Get("title"), Scope: w.scopeCode(f.Get("scope"))}
	if from := formDate(&v, r, "from"); from != nil {
		in.From = *from
	}
	in.Until = formDate(&v, r, "until")
	for _, id := range f["owners"] {
		if id != "" {
			in.Owners = append(in.Owners, samspil.StrategyOwner{OrganizationID: id})
		}
	}
	if len(in.Owners) > 1 {
		in.CollaborationID = r.PathValue("id")
	}
	for _, line := range strings.Split(f.Get("goals"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Goals = append(in.Goals, samspil.Goal{Title: line})
		}
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.CreateStrategy(r.Context(), httpx.ActorFrom(r.Context()), in)
	}
	if err == nil {
		redirect(rw, r, "/collaborations/"+r.PathValue("id")+"/strategies", "strategy_created")
		return
	}
	if !inputError(err) {
		w.fail(rw, r, err)
		return
	}
	err = renameFields(err, func(path string) string {
		if m := reStrategyPath.FindStringSubmatch(path); m != nil {
			return m[1]
		}
		if path == "collaboration_id" {
			return "owners"
		}
		return path
	})
	w.showStrategies(rw, r, r.PathValue("id"), httpx.Status(err), err, f)
}

// adoptStrategy records the day an owner adopted a strategy and returns to
// the collaboration's strategies.
func (w *Web) adoptStrategy(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	var v samspil.Validation
	on := formDate(&v, r, "adopted_on")
	err := v.Err()
	if err == nil {
		var day samspil.Date
		if on != nil {
			day = *on
		}
		_, err = w.store.AdoptStrategy(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("sid"), r.PostFormValue("organization_id"), day)
	}
	collabID := r.PostFormValue("collaboration_id")
	if err == nil {
		back := "/collaborations"
		if collabID != "" {
			back = "/collaborations/" + url.PathEscape(collabID) + "/strategies"
		}
		redirect(rw, r, back, "strategy_adopted")
		return
	}
	if !inputError(err) || collabID == "" {
		w.fail(rw, r, err)
		return
	}
	form := r.PostForm
	if !form.Has("adopted_on") {
		form.Set("adopted_on", "")
	}
	w.showStrategies(rw, r, collabID, httpx.Status(err), err, form)
}
