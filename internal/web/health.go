package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Health: a collaboration's health panel (samspil.ComputeHealth), on today
// or, replayed, on a past day: the warnings in words with the numbers
// behind them and a link to the evidence, every indicator as a line from
// the start with its value in words, the members side by side, the
// forums' meetings, and who joins whose initiatives. The collaboration's
// managers set the thresholds here.

// healthIndicatorView is one indicator of the panel.
type healthIndicatorView struct {
	Indicator samspil.HealthIndicator
	Chart     template.HTML
	Now       samspil.HealthPoint
	Percent   bool
	Threshold int // -1 for none
	Warn      bool
}

// healthSettingField is one threshold of the settings form.
type healthSettingField struct {
	Name  string // the JSON name, also the form field's
	Value string
	Min   int
	Max   int
	Error string
}

type healthData struct {
	C          *samspil.Collaboration
	H          *samspil.Health
	Today      samspil.Date
	Replay     bool   // a past day
	AtValue    string // the day field as given
	AtError    string
	Indicators []healthIndicatorView
	Manages    bool
	Areas      []areaSpread
	Diff       *samspil.OrgComparison
	DiffTable  diffTable
	Settings   *samspil.HealthSettings
	Fields     []healthSettingField
	SettingErr string
	Open       bool // the settings form is open (after an error)
}

// health shows the panel.
func (w *Web) health(rw http.ResponseWriter, r *http.Request) {
	w.showHealth(rw, r, http.StatusOK, nil, nil)
}

// showHealth renders the panel; after a failed change of the settings,
// posted and formErr hold the form as posted and its errors.
func (w *Web) showHealth(rw http.ResponseWriter, r *http.Request, status int, posted url.Values, formErr error) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindCollaboration(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "collaborations", nil)
	today := samspil.Today(w.now())
	d := &healthData{C: c, Today: today, AtValue: strings.TrimSpace(r.URL.Query().Get("at"))}
	at, dayErr := w.healthDay(v.Lang, d.AtValue, today)
	if dayErr != "" {
		d.AtError, status = dayErr, http.StatusUnprocessableEntity
	}
	d.Replay = at != today
	if d.H, err = w.store.CollaborationHealth(ctx, actor, c.ID, at); err != nil {
		w.fail(rw, r, err)
		return
	}
	if d.Settings, err = w.store.HealthSettings(ctx, actor, c.ID); err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Manages = actor.MaySetHealthThresholds(c, today)
	if d.Diff, err = w.store.CollaborationDifferences(ctx, actor, c.ID); err != nil {
		w.fail(rw, r, err)
		return
	}
	d.DiffTable = w.diffTable(v.Lang, d.Diff)
	d.Indicators = w.healthIndicators(v.Lang, d.H)
	d.Areas = areaSpreads(d.H)
	d.Fields = healthFields(d.Settings.Thresholds, posted)
	if formErr != nil {
		w.withError(v, formErr)
		d.SettingErr, d.Open = v.Error, true
		for i := range d.Fields {
			d.Fields[i].Error = v.Fields["thresholds."+d.Fields[i].Name]
		}
	}
	v.Data = d
	v.Title = w.cat.text(v.Lang, "health.title", c.Name)
	w.render(rw, r, status, "health", v)
}

// healthDay reads the day of a health page's form: the day given, or today
// with the error to show at the field when it is no date or in the future.
func (w *Web) healthDay(lang, value string, today samspil.Date) (samspil.Date, string) {
	if value == "" {
		return today, ""
	}
	at, err := samspil.ParseDate(value)
	if err != nil {
		return today, w.cat.text(lang, "health.at_invalid")
	}
	if _, err := samspil.HealthDay(at, today); err != nil {
		return today, w.cat.text(lang, "health.at_future")
	}
	return at, ""
}

// healthIndicators lays out the indicators with their lines.
func (w *Web) healthIndicators(lang string, h *samspil.Health) []healthIndicatorView {
	var out []healthIndicatorView
	for _, s := range h.Series {
		iv := healthIndicatorView{Indicator: s.Indicator, Now: s.Last(), Percent: s.Unit == samspil.UnitPercent, Threshold: h.Thresholds.Of(s.Indicator)}
		iv.Warn = iv.Now.Warn
		top := 100
		if !iv.Percent {
			top = 4
		}
		lo, hi, warned, known := 0, 0, 0, false
		for _, p := range s.Points {
			if !p.Known {
				continue
			}
			if !known || p.Value < lo {
				lo = p.Value
			}
			if !known || p.Value > hi {
				hi = p.Value
			}
			known = true
			if p.Warn {
				warned++
			}
		}
		name := w.cat.text(lang, "health.indicator."+string(s.Indicator))
		desc := w.cat.text(lang, "health.chart_none")
		if known {
			unit := w.cat.text(lang, "health.unit_"+string(s.Unit))
			desc = w.cat.text(lang, "health.chart_desc", samspil.LongDate(s.Points[0].On, lang), samspil.LongDate(s.Last().On, lang),
				strconv.Itoa(lo)+unit, strconv.Itoa(hi)+unit, warned)
		}
		iv.Chart = healthLine("hl-"+string(s.Indicator), name, desc, s.Points, top, iv.Threshold)
		out = append(out, iv)
	}
	return out
}

// healthThresholdNames are the thresholds in the form's order.
var healthThresholdNames = []struct {
	name     string
	min, max int
}{
	{"attendance", 0, 100}, {"min_meetings", 1, 1000}, {"meetings_held", 0, 100}, {"actions_on_time", 0, 100},
	{"min_action_items", 1, 1000}, {"decisions_reached", 0, 100}, {"min_decisions", 1, 1000}, {"ambition_spread", 1, 4},
	{"benefits_realised", 0, 100}, {"opt_in", 0, 100}, {"opt_in_last", 1, 100}, {"min_opt_in", 1, 100},
	{"commitment_moves", 1, 1000}, {"window_months", 1, 60}, {"long_window_months", 1, 120},
}

// thresholdRefs returns a pointer to each threshold by its name.
func thresholdRefs(t *samspil.HealthThresholds) map[string]*int {
	return map[string]*int{"window_months": &t.WindowMonths, "long_window_months": &t.LongWindowMonths, "attendance": &t.Attendance,
		"min_meetings": &t.MinMeetings, "meetings_held": &t.MeetingsHeld, "actions_on_time": &t.ActionsOnTime,
		"min_action_items": &t.MinActionItems, "decisions_reached": &t.DecisionsReached, "min_decisions": &t.MinDecisions,
		"ambition_spread": &t.AmbitionSpread, "benefits_realised": &t.BenefitsRealised, "opt_in": &t.OptIn,
		"opt_in_last": &t.OptInLast, "min_opt_in": &t.MinOptIn, "commitment_moves": &t.CommitmentMoves}
}

// healthFields fills the settings form: the posted values after an error,
// else the stored thresholds.
func healthFields(t samspil.HealthThresholds, posted url.Values) []healthSettingField {
	refs := thresholdRefs(&t)
	var out []healthSettingField
	for _, n := range healthThresholdNames {
		f := healthSettingField{Name: n.name, Min: n.min, Max: n.max, Value: strconv.Itoa(*refs[n.name])}
		if posted != nil {
			f.Value = posted.Get(n.name)
		}
		out = append(out, f)
	}
	return out
}

// setHealthSettings changes the thresholds and sharing from the form.
func (w *Web) setHealthSettings(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		w.fail(rw, r, samspil.Errorf(samspil.EINVALID, "the form could not be read"))
		return
	}
	in := samspil.HealthSettings{Shared: r.PostForm.Get("shared") == "1"}
	refs := thresholdRefs(&in.Thresholds)
	var v samspil.Validation
	for _, n := range healthThresholdNames {
		raw := strings.TrimSpace(r.PostForm.Get(n.name))
		x, err := strconv.Atoi(raw)
		v.Check(err == nil, "thresholds."+n.name, "must be a whole number")
		*refs[n.name] = x
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err := v.Err()
	if err == nil {
		_, err = w.store.SetHealthSettings(ctx, actor, r.PathValue("id"), version, in)
	}
	if err != nil {
		if code := samspil.ErrorCode(err); code == samspil.ENOTFOUND || code == samspil.EFORBIDDEN {
			w.fail(rw, r, err)
			return
		}
		w.showHealth(rw, r, httpx.Status(err), r.PostForm, err)
		return
	}
	http.Redirect(rw, r, "/collaborations/"+r.PathValue("id")+"/health?done=health_settings", http.StatusSeeOther)
}

// diffTable is the members side by side: a row per member (Label its
// name), a column per aspect compared (Header), so that it reads the same
// for two members and for fifty.
type diffTable struct {
	Header []string
	Rows   []diffRow
}

// diffRow is one member and its value of each aspect.
type diffRow struct {
	Label  string
	Values []string
}

// diffTable lays out the members' organisations side by side.
func (w *Web) diffTable(lang string, c *samspil.OrgComparison) diffTable {
	t := func(key string, args ...any) string { return w.cat.text(lang, key, args...) }
	tab := diffTable{Header: []string{t("differences.structure"), t("differences.it"), t("differences.population")}}
	for _, f := range c.Forums {
		tab.Header = append(tab.Header, t("differences.forum", f.ForumName, t("forum_level."+string(f.Level))))
	}
	for _, m := range c.Members {
		structure := t("structure." + string(m.Structure))
		if m.Structure == samspil.StructureSectorDirectors {
			structure = t("differences.directorates", structure, m.Directorates)
		}
		it := t("differences.not_recorded")
		if len(m.IT) > 0 { // from the top down to the IT unit, as a path
			path := slices.Clone(m.IT)
			slices.Reverse(path)
			it = strings.Join(path, " › ")
		}
		pop := "–"
		if m.Population > 0 {
			pop = thousands(m.Population, lang)
		}
		row := diffRow{Label: m.OrganizationName, Values: []string{structure, it, pop}}
		for _, f := range c.Forums {
			var names []string
			for _, r := range f.Seats[m.OrganizationID] {
				name := r.Name
				if r.Level != "" {
					name += " – " + t("term."+string(r.Level))
				}
				names = append(names, name)
			}
			if len(names) == 0 {
				names = []string{t("differences.no_seat")}
			}
			row.Values = append(row.Values, strings.Join(names, "; "))
		}
		tab.Rows = append(tab.Rows, row)
	}
	return tab
}

// areaSpread is one ambition area on the day: how far apart, and each
// member's level.
type areaSpread struct {
	Area   samspil.AmbitionArea
	Spread int
	Wide   bool   // at the threshold or more
	Levels string // "Silkeborg Kommune 3, Viborg Kommune 0", the highest first
}

// areaSpreads lays out the members' ambitions per area on the day.
func areaSpreads(h *samspil.Health) []areaSpread {
	var out []areaSpread
	for _, aa := range h.Ambitions {
		if len(aa.Levels) == 0 {
			continue
		}
		row := areaSpread{Area: aa.Area, Spread: aa.Spread, Wide: len(aa.Levels) > 1 && aa.Spread >= h.Thresholds.AmbitionSpread}
		type level struct {
			name  string
			level int
		}
		var ls []level
		for _, m := range h.Members {
			if l, ok := aa.Levels[m.OrganizationID]; ok {
				ls = append(ls, level{m.OrganizationName, l})
			}
		}
		slices.SortStableFunc(ls, func(a, b level) int { return b.level - a.level })
		var parts []string
		for _, l := range ls {
			parts = append(parts, l.name+" "+strconv.Itoa(l.level))
		}
		row.Levels = strings.Join(parts, ", ")
		out = append(out, row)
	}
	return out
}
