package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// The portfolio of joint initiatives: the board by phase (and its
// timeline), proposing an initiative, "Vores initiativer" with our
// commitments and shares, a collaboration's prioritisation, the lessons
// log and the export. The page of one initiative is initiative.go's.

// pageFunc registers a page with its permission (see routes).
type pageFunc func(pattern string, p samspil.Permission, h http.HandlerFunc)

// initiativesRoutes registers the portfolio pages of initiatives.
func (w *Web) initiativesRoutes(page pageFunc) {
	page("GET /initiatives", samspil.PermPublic, w.initiatives)
	page("GET /initiatives/new", samspil.PermInitiativeWrite, w.newInitiativePage)
	page("POST /initiatives", samspil.PermInitiativeWrite, w.proposeInitiative)
	page("GET /initiatives/mine", samspil.PermSignedIn, w.myInitiatives)
	page("GET /initiatives/export", samspil.PermPublic, w.exportInitiatives)
	page("GET /collaborations/{id}/prioritisation", samspil.PermPublic, w.prioritisation)
	page("POST /collaborations/{id}/prioritisation/weights", samspil.PermCollabManage, w.setPriorityWeights)
	page("POST /collaborations/{id}/prioritisation/rounds", samspil.PermCollabManage, w.recordPrioritisation)
	page("POST /initiatives/{id}/priority-score", samspil.PermCollabManage, w.scoreInitiative)
	page("GET /lessons", samspil.PermPublic, w.lessons)
}

// initiativeNames are the names of the initiatives' code words in the
// reader's language, for the pages' templates: phases, models and the
// states of a participation.
type initiativeNames struct {
	Phase map[samspil.InitiativePhase]string
	Model map[samspil.InitiativeModel]string
	State map[samspil.ParticipationState]string
}

// initiativeNameKeys are the catalogue's prefixes of those names.
const (
	phaseKey = "initiative_phase."
	modelKey = "initiative_model."
	stateKey = "participation_state."
)

func (w *Web) initiativeNames(lang string) initiativeNames {
	n := initiativeNames{Phase: map[samspil.InitiativePhase]string{}, Model: map[samspil.InitiativeModel]string{},
		State: map[samspil.ParticipationState]string{}}
	for _, p := range samspil.InitiativePhases {
		n.Phase[p] = w.cat.text(lang, phaseKey+string(p))
	}
	for _, m := range samspil.InitiativeModels {
		n.Model[m] = w.cat.text(lang, modelKey+string(m))
	}
	for _, s := range samspil.ParticipationStates {
		n.State[s] = w.cat.text(lang, stateKey+string(s))
	}
	return n
}

// firmness counts an initiative's participants by how firmly they take
// part.
type firmness struct {
	Binding, Voluntary, Pledged int
}

// Participants is how many take part, firmly or not.
func (f firmness) Participants() int { return f.Binding + f.Voluntary + f.Pledged }

func firmnessOf(x *samspil.Initiative) firmness {
	var f firmness
	for _, p := range x.Participations {
		switch p.State {
		case samspil.ParticipationBinding:
			f.Binding++
		case samspil.ParticipationVoluntary:
			f.Voluntary++
		case samspil.ParticipationPledged:
			f.Pledged++
		}
	}
	return f
}

// boardFilter is what the board, its timeline and the export show: the
// same query parameters for all three.
type boardFilter struct {
	Collaboration string
	Phase         string
	Query         string
	Task          string
	Mine          bool
}

func readBoardFilter(q url.Values) boardFilter {
	return boardFilter{Collaboration: strings.TrimSpace(q.Get("collaboration")), Phase: strings.TrimSpace(q.Get("phase")),
		Query: strings.TrimSpace(q.Get("q")), Task: strings.TrimSpace(q.Get("task")), Mine: q.Get("mine") == "1"}
}

// Values are the filter's query parameters, the empty ones left out.
func (f boardFilter) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"collaboration": f.Collaboration, "phase": f.Phase, "q": f.Query, "task": f.Task} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Mine {
		v.Set("mine", "1")
	}
	return v
}

// Any reports whether the filter narrows the portfolio.
func (f boardFilter) Any() bool { return len(f.Values()) > 0 }

// link returns path with the filter's parameters and extra ones.
func (f boardFilter) link(path string, extra ...string) string {
	v := f.Values()
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// storeFilter is the store's filter of the board's filter.
func (f boardFilter) storeFilter() samspil.InitiativeFilter {
	return samspil.InitiativeFilter{CollaborationID: f.Collaboration, Phase: samspil.InitiativePhase(f.Phase), Query: f.Query, Task: f.Task,
		Mine: f.Mine}
}

// portfolio returns every initiative the reader sees under the filter, by
// title, for the export. "Only my organisation's" keeps those an
// organisation of the reader owns or has a participation in.
func (w *Web) portfolio(ctx context.Context, actor *samspil.Actor, f boardFilter) ([]samspil.Initiative, error) {
	return allPages(func(cursor string) (*samspil.Page[samspil.Initiative], error) {
		sf := f.storeFilter()
		sf.ListOptions = samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}
		return w.store.ListInitiatives(ctx, actor, sf)
	})
}

// involves reports whether one of orgs owns the initiative or has a
// participation in it.
func involves(x *samspil.Initiative, orgs []string) bool {
	if slices.Contains(orgs, x.OwnerID) {
		return true
	}
	for _, p := range x.Participations {
		if slices.Contains(orgs, p.OrganizationID) {
			return true
		}
	}
	return false
}

// initiativeCard is an initiative on the board.
type initiativeCard struct {
	*samspil.Initiative
	Firm firmness
}

// boardColumn is a phase of the board with its first initiatives (at
// most boardColumnMax, or a page of the phase alone), how many the phase
// has, and the address of the phase's next initiatives.
type boardColumn struct {
	Phase samspil.InitiativePhase
	Cards []initiativeCard
	Total int
	More  string
}

// boardColumnMax is how many initiatives a column of the whole board
// shows; the phase alone (the phase filter) shows them a page at a time.
const boardColumnMax = 20

// boardPageSize is the page of a phase alone.
const boardPageSize = 100

// boardData is the portfolio page: the board, or with view=timeline the
// timeline.
type boardData struct {
	Filter         boardFilter
	Timeline       bool
	Columns        []boardColumn    // the open phases, in order
	Final          []initiativeCard // closed and stopped
	FinalTotal     int
	FinalMore      string
	Total          int
	Collaborations []samspil.Collaboration // to filter by
	Phases         []samspil.InitiativePhase
	Names          initiativeNames
	CanPropose     bool
	BoardLink      string
	TimelineLink   string
	ExportXLSX     string
	ExportCSV      string
	Chart          template.HTML
	ChartRows      []timelineRow
	ChartCapped    bool // more initiatives than the timeline shows
}

// initiatives shows the portfolio the reader may see, as a board by phase
// or as a timeline.
func (w *Web) initiatives(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	q := r.URL.Query()
	f := readBoardFilter(q)
	lang := language(r)
	var err error
	d := boardData{Filter: f, Timeline: q.Get("view") == "timeline", Phases: samspil.InitiativePhases, Names: w.initiativeNames(lang),
		CanPropose: len(actor.OrgsWhere(samspil.PermInitiativeWrite)) > 0,
		BoardLink:  f.link("/initiatives"), TimelineLink: f.link("/initiatives", "view", "timeline"),
		ExportXLSX: f.link("/initiatives/export", "format", "xlsx"), ExportCSV: f.link("/initiatives/export", "format", "csv")}
	if d.Collaborations, err = allPages(func(cursor string) (*samspil.Page[samspil.Collaboration], error) {
		return w.store.ListCollaborations(ctx, actor, samspil.CollaborationFilter{ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	}); err != nil {
		w.fail(rw, r, err)
		return
	}
	if err := w.fillBoard(ctx, actor, &d, q.Get("cursor"), lang); err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "initiatives", d)
	v.Title = w.cat.text(v.Lang, "initiatives.title")
	w.render(rw, r, http.StatusOK, "initiatives", v)
}

// fillBoard reads what the board or its timeline shows: the counts by
// phase, and per phase its first initiatives (or, for the phase alone,
// the page at cursor); for the timeline, the first timelineMax
// initiatives. Each is one page of the store's list, so the page reads
// no more than it shows.
func (w *Web) fillBoard(ctx context.Context, actor *samspil.Actor, d *boardData, cursor, lang string) error {
	f := d.Filter
	counts, err := w.store.CountInitiatives(ctx, actor, f.storeFilter())
	if err != nil {
		return err
	}
	for p, n := range counts {
		if f.Phase == "" || string(p) == f.Phase {
			d.Total += n
		}
	}
	list := func(sf samspil.InitiativeFilter, limit int, cursor string) (*samspil.Page[samspil.Initiative], error) {
		sf.ListOptions = samspil.ListOptions{Cursor: cursor, Limit: limit}
		return w.store.ListInitiatives(ctx, actor, sf)
	}
	if d.Timeline {
		page, err := list(f.storeFilter(), timelineMax, "")
		if err != nil {
			return err
		}
		d.ChartCapped = page.NextCursor != ""
		w.fillTimeline(d, page.Items, lang)
		return nil
	}
	cards := func(xs []samspil.Initiative) []initiativeCard {
		out := make([]initiativeCard, len(xs))
		for i := range xs {
			out[i] = initiativeCard{Initiative: &xs[i], Firm: firmnessOf(&xs[i])}
		}
		return out
	}
	for _, p := range samspil.InitiativePhases {
		if p.Final() || (f.Phase != "" && string(p) != f.Phase) {
			continue
		}
		sf := f.storeFilter()
		sf.Phase = p
		limit, at := boardColumnMax, ""
		if f.Phase != "" {
			limit, at = boardPageSize, cursor
		}
		page, err := list(sf, limit, at)
		if err != nil {
			return err
		}
		col := boardColumn{Phase: p, Cards: cards(page.Items), Total: counts[p]}
		switch {
		case page.NextCursor != "" && f.Phase != "":
			col.More = f.link("/initiatives", "cursor", page.NextCursor)
		case page.NextCursor != "":
			col.More = f.link("/initiatives", "phase", string(p))
		}
		d.Columns = append(d.Columns, col)
	}
	if f.Phase == "" || samspil.InitiativePhase(f.Phase).Final() {
		// Closed and stopped below the board: the first ones, or the page
		// at cursor of the one filtered.
		sf := f.storeFilter()
		limit, at := boardColumnMax, ""
		if f.Phase == "" {
			sf.Ended = true
		} else {
			limit, at = boardPageSize, cursor
		}
		page, err := list(sf, limit, at)
		if err != nil {
			return err
		}
		d.Final = cards(page.Items)
		d.FinalTotal = counts[samspil.PhaseClosed] + counts[samspil.PhaseStopped]
		switch {
		case f.Phase != "":
			d.FinalTotal = counts[samspil.InitiativePhase(f.Phase)]
			if page.NextCursor != "" {
				d.FinalMore = f.link("/initiatives", "cursor", page.NextCursor)
			}
		case page.NextCursor != "":
			d.FinalMore = f.link("/initiatives", "phase", string(samspil.PhaseClosed))
		}
	}
	return nil
}

// fillTimeline draws the timeline of the initiatives: their phases from
// their gates, which the list carries.
func (w *Web) fillTimeline(d *boardData, xs []samspil.Initiative, lang string) {
	today := samspil.Today(w.now())
	d.ChartRows = initiativeSpans(xs, today)
	for _, row := range d.ChartRows {
		for i := range row.Spans {
			row.Spans[i].Days = spanDays(row.Spans[i], lang, w.cat.text(lang, "initiatives.timeline.today"))
		}
	}
	d.Chart = w.initiativeChart(d.ChartRows, today, lang, d.Names)
}
