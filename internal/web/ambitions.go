package web

import (
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Ambitions: how far the members of a collaboration want to go together,
// area by area. The page shows today's alignment as a radar chart and in
// tables, the warnings, how the spread changed over time, and a form for
// each member the reader acts for.

// ambitionMember is an active member in the chart and its tables.
type ambitionMember struct {
	OrganizationID   string
	OrganizationName string
	Declared         bool // has declared at least one area by today
}

// ambitionCell is one member's standing in one area today.
type ambitionCell struct {
	OrganizationID   string
	OrganizationName string
	Declared         bool
	Level            int
	Explanation      string
	DeclaredOn       samspil.Date
	ByName           string
}

// ambitionAreaRow is one area of today's alignment.
type ambitionAreaRow struct {
	Area   samspil.AmbitionArea
	Cells  []ambitionCell // in the order of the members
	Spread int
	Wide   bool // two or more levels apart
	Some   bool // somebody declared the area
}

// ambitionHistoryRow is the alignment on one declaration day.
type ambitionHistoryRow struct {
	On        samspil.Date
	MaxSpread int
	Wide      []samspil.AmbitionArea // areas two or more levels apart that day
}

// ambitionFormLevel is one area in a declaration form.
type ambitionFormLevel struct {
	Area        samspil.AmbitionArea
	Level       string // "" for not declared in this form
	Other       string // a posted level that is none of the choices, shown selected with its error
	Explanation string
	LevelError  string
	ExplError   string
}

// ambitionForm is the declaration form of one member the reader acts for.
type ambitionForm struct {
	OrganizationID   string
	OrganizationName string
	DeclaredOn       string
	DateError        string
	Error            string // a problem with the whole declaration
	Levels           []ambitionFormLevel
	Open             bool
}

type ambitionsData struct {
	C           *samspil.Collaboration
	Today       samspil.Date
	Members     []ambitionMember
	Areas       []ambitionAreaRow
	Radar       template.HTML
	Furthest    string // the furthest pair in words
	Warnings    []samspil.Phrase
	History     []ambitionHistoryRow
	Forms       []ambitionForm
	LevelValues []int
}

// ambitions shows the members' ambitions and their alignment today.
func (w *Web) ambitions(rw http.ResponseWriter, r *http.Request) {
	w.showAmbitions(rw, r, http.StatusOK, nil)
}

// showAmbitions renders the page; after a failed declaration formErr is
// set and the posted form is shown again with its errors.
func (w *Web) showAmbitions(rw http.ResponseWriter, r *http.Request, status int, formErr error) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindCollaboration(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	today := samspil.Today(w.now())
	al, err := w.store.Alignment(ctx, actor, c.ID, today)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	history, err := w.store.AlignmentHistory(ctx, actor, c.ID, today)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	decls, err := w.store.ListAmbitions(ctx, actor, c.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "collaborations", nil)
	v.Title = w.cat.text(v.Lang, "ambitions.title", c.Name)
	if formErr != nil {
		w.withError(v, formErr)
	}
	lang := v.Lang

	d := ambitionsData{C: c, Today: today, LevelValues: []int{0, 1, 2, 3, 4}}
	names := map[string]string{}
	for _, m := range c.Members {
		names[m.OrganizationID] = m.OrganizationName
	}
	// The latest declaration of each member and area today; the store
	// lists them oldest first, as Align orders them.
	type key struct {
		org  string
		area samspil.AmbitionArea
	}
	latest := map[key]samspil.Ambition{}
	for _, a := range decls {
		if !a.DeclaredOn.After(today) {
			latest[key{a.OrganizationID, a.Area}] = a
		}
	}
	seen := map[string]bool{}
	for i := range c.Members {
		m := &c.Members[i]
		if !m.ActiveOn(today) || seen[m.OrganizationID] {
			continue
		}
		seen[m.OrganizationID] = true
		am := ambitionMember{OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName}
		for _, area := range samspil.AmbitionAreas {
			if _, ok := latest[key{m.OrganizationID, area}]; ok {
				am.Declared = true
			}
		}
		d.Members = append(d.Members, am)
	}

	var axes []string
	for _, aa := range al.Areas {
		axes = append(axes, w.cat.text(lang, "ambition_area."+string(aa.Area)))
		row := ambitionAreaRow{Area: aa.Area, Spread: aa.Spread, Wide: aa.Spread >= 2, Some: len(aa.Levels) > 0}
		for _, m := range d.Members {
			cell := ambitionCell{OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName}
			if level, ok := aa.Levels[m.OrganizationID]; ok {
				cell.Declared, cell.Level = true, level
				if a, ok := latest[key{m.OrganizationID, aa.Area}]; ok {
					cell.Explanation, cell.DeclaredOn, cell.ByName = a.Explanation, a.DeclaredOn, a.ByName
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		d.Areas = append(d.Areas, row)
	}
	var series []radarSeries
	for _, m := range d.Members {
		if !m.Declared {
			continue
		}
		s := radarSeries{Name: m.OrganizationName}
		for _, aa := range al.Areas {
			level, ok := aa.Levels[m.OrganizationID]
			if !ok {
				level = -1
			}
			s.Levels = append(s.Levels, level)
		}
		series = append(series, s)
	}
	if len(series) > 0 {
		d.Radar = radarChart("ambition-radar", w.cat.text(lang, "ambitions.radar_title", c.Name, formatDate(today, lang)),
			w.cat.text(lang, "ambitions.radar_desc"), axes, series)
	}
	if p := al.Furthest; p != nil {
		d.Furthest = w.cat.text(lang, "ambitions.furthest", orgName(names, p.A), orgName(names, p.B), p.Distance)
	}
	for _, p := range al.Warnings {
		d.Warnings = append(d.Warnings, w.alignmentPhrase(lang, p, names))
	}
	for _, h := range history {
		row := ambitionHistoryRow{On: h.On, MaxSpread: h.MaxSpread}
		for _, aa := range h.Areas {
			if aa.Spread >= 2 {
				row.Wide = append(row.Wide, aa.Area)
			}
		}
		d.History = append(d.History, row)
	}

	// A form for each member the reader acts for; the one that failed shows
	// what was posted and its errors.
	posted := ""
	if formErr != nil {
		posted = r.PostFormValue("organization_id")
	}
	for _, m := range d.Members {
		if !actor.Represents(m.OrganizationID) {
			continue
		}
		f := ambitionForm{OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName, DeclaredOn: today.String()}
		for _, area := range samspil.AmbitionAreas {
			fl := ambitionFormLevel{Area: area}
			if a, ok := latest[key{m.OrganizationID, area}]; ok {
				fl.Level, fl.Explanation = strconv.Itoa(a.Level), a.Explanation
			}
			f.Levels = append(f.Levels, fl)
		}
		if posted == m.OrganizationID {
			f.Open = true
			f.DeclaredOn = r.PostFormValue("declared_on")
			for i := range f.Levels {
				fl := &f.Levels[i]
				fl.Level = r.PostFormValue("level." + string(fl.Area))
				if n, err := strconv.Atoi(fl.Level); fl.Level != "" && (err != nil || n < samspil.LevelNone || n > samspil.LevelIntegrated) {
					fl.Other = fl.Level
				}
				fl.Explanation = r.PostFormValue("explanation." + string(fl.Area))
				fl.LevelError = v.Fields["level."+string(fl.Area)]
				fl.ExplError = v.Fields["explanation."+string(fl.Area)]
			}
			f.DateError = v.Fields["declared_on"]
			f.Error = v.Fields["levels"]
		}
		d.Forms = append(d.Forms, f)
	}
	v.Data = d
	w.render(rw, r, status, "ambitions", v)
}

// orgName returns the name of the organisation with the ID, or the ID.
func orgName(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// alignmentPhrase makes a warning of the alignment readable: the
// organisations it names by ID get their names, the areas their names in
// the reader's language and dates are shown as on the rest of the page.
func (w *Web) alignmentPhrase(lang string, p samspil.Phrase, names map[string]string) samspil.Phrase {
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		switch a := a.(type) {
		case string:
			if n, ok := names[a]; ok && n != "" {
				args[i] = n
			} else if samspil.AmbitionArea(a).Valid() {
				args[i] = w.cat.text(lang, "ambition_area."+a)
			} else {
				args[i] = a
			}
		default:
			args[i] = phraseArg(lang, a)
		}
	}
	return samspil.Phrase{Format: p.Format, Args: args}
}

// phraseArg shows dates in a phrase as sentences show them.
func phraseArg(lang string, a any) any {
	switch a := a.(type) {
	case samspil.Date:
		return samspil.LongDate(a, lang)
	case *samspil.Date:
		if a != nil {
			return samspil.LongDate(*a, lang)
		}
	}
	return a
}

// reLevelsPath matches the paths of a declaration's levels:
// levels[2].explanation.
var reLevelsPath = regexp.MustCompile(`^levels\[(\d+)\]\.(area|level|explanation)$`)

// declareAmbitions records the levels of one member from its form.
func (w *Web) declareAmbitions(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	var v samspil.Validation
	in := samspil.AmbitionInput{OrganizationID: r.PostFormValue("organization_id")}
	if on := formDate(&v, r, "declared_on"); on != nil {
		in.DeclaredOn = *on
	}
	var areas []samspil.AmbitionArea // the area of each entry of in.Levels
	for _, area := range samspil.AmbitionAreas {
		s := strings.TrimSpace(r.PostFormValue("level." + string(area)))
		if s == "" {
			continue
		}
		level, err := strconv.Atoi(s)
		if err != nil {
			v.Add("level."+string(area), "must be a whole number")
			continue
		}
		in.Levels = append(in.Levels, samspil.AmbitionLevel{Area: area, Level: level, Explanation: r.PostFormValue("explanation." + string(area))})
		areas = append(areas, area)
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.DeclareAmbitions(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	}
	if err == nil {
		redirect(rw, r, "/collaborations/"+r.PathValue("id")+"/ambitions", "ambitions_declared")
		return
	}
	if !inputError(err) {
		w.fail(rw, r, err)
		return
	}
	w.showAmbitions(rw, r, httpx.Status(err), ambitionFieldsOf(err, areas))
}

// ambitionFieldsOf renames the field paths of the store (levels[2].level)
// to those of the form (level.joint_procurement); the organisation's
// membership on the day is a problem of the date.
func ambitionFieldsOf(err error, areas []samspil.AmbitionArea) error {
	return renameFields(err, func(path string) string {
		if m := reLevelsPath.FindStringSubmatch(path); m != nil {
			i, _ := strconv.Atoi(m[1])
			field := m[2]
			if field == "area" {
				field = "level"
			}
			if i < len(areas) {
				return field + "." + string(areas[i])
			}
			return "levels"
		}
		if path == "organization_id" {
			return "declared_on"
		}
		return path
	})
}

// renameFields returns err with its field paths renamed (see
// samspil.RenameFields).
var renameFields = samspil.RenameFields
