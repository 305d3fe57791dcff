package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/pdfdoc"
)

// The health report for the directors' meeting: a collaboration's health
// over a period, as a printable page and as a PDF with the same content
// (reportDoc writes both from one outline), in the reader's language.

// reportIndicator is one indicator of the report.
type reportIndicator struct {
	Name      string
	Chart     template.HTML // the period's line, for the page
	Points    []samspil.HealthPoint
	Top       int
	Threshold int
	Now       string // the value on the last day, in words
	Before    string // on the first day
	Warn      bool
}

// reportWarning is a warning that held in the period.
type reportWarning struct {
	Text        string
	From, Until samspil.Date
}

type healthReportData struct {
	C          *samspil.Collaboration
	R          *samspil.HealthReport
	FromValue  string
	ToValue    string
	PDFLink    string
	Title      string
	Subtitle   string
	Summary    string
	Now        []samspil.HealthWarning
	Period     []reportWarning
	Indicators []reportIndicator
	Diff       *samspil.OrgComparison
	DiffTable  diffTable
	Thresholds string
}

// healthReport shows the report as a page, or as a PDF when asked for one
// (format=pdf, or Accept: application/pdf).
func (w *Web) healthReport(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindCollaboration(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	q := r.URL.Query()
	from, to, err := reportDays(q.Get("from"), q.Get("to"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	lang := language(r)
	d, err := w.healthReportData(ctx, actor, c, from, to, lang)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if q.Get("format") == "pdf" || strings.Contains(r.Header.Get("Accept"), "application/pdf") {
		var buf bytes.Buffer
		if err := pdfdoc.Write(&buf, w.reportDoc(d, lang)); err != nil {
			w.fail(rw, r, err)
			return
		}
		writePDF(rw, buf.Bytes(), reportFileName(d.R))
		return
	}
	v := w.newView(r, "collaborations", d)
	v.Title = d.Title
	w.render(rw, r, http.StatusOK, "health_report", v)
}

// HealthReportDocument returns a collaboration's health report of a
// period as PDF or, when pdf is false, as the printable page's HTML, in
// lang: for the API, which serves the same documents.
func (w *Web) HealthReportDocument(ctx context.Context, actor *samspil.Actor, collabID string, from, to samspil.Date, lang string, pdf bool) ([]byte, error) {
	c, err := w.store.FindCollaboration(ctx, actor, collabID)
	if err != nil {
		return nil, err
	}
	d, err := w.healthReportData(ctx, actor, c, from, to, lang)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if pdf {
		err = pdfdoc.Write(&buf, w.reportDoc(d, lang))
		return buf.Bytes(), err
	}
	t, ok := w.pages[lang]["health_report"]
	if !ok {
		return nil, fmt.Errorf("no report template in %s", lang)
	}
	v := &view{Lang: lang, Actor: actor, Title: d.Title, Data: d, Fields: map[string]string{}, Today: samspil.Today(w.now()),
		Version: w.cfg.Version, Demo: w.cfg.Demo}
	err = t.ExecuteTemplate(&buf, "layout", v)
	return buf.Bytes(), err
}

// reportDays reads the period's days; empty ones take ReportPeriod's
// defaults in the store.
func reportDays(from, to string) (samspil.Date, samspil.Date, error) {
	var f, t samspil.Date
	var v samspil.Validation
	if from = strings.TrimSpace(from); from != "" {
		d, err := samspil.ParseDate(from)
		v.Check(err == nil, "from", "%q is not a date of the form YYYY-MM-DD such as 2026-01-31", from)
		f = d
	}
	if to = strings.TrimSpace(to); to != "" {
		d, err := samspil.ParseDate(to)
		v.Check(err == nil, "to", "%q is not a date of the form YYYY-MM-DD such as 2026-01-31", to)
		t = d
	}
	return f, t, v.Err()
}

// reportFileName names the PDF.
func reportFileName(r *samspil.HealthReport) string {
	return "sundhedsrapport-" + r.From.String() + "-" + r.To.String() + ".pdf"
}

// writePDF answers with a PDF shown in the browser, with a file name for
// saving it.
func writePDF(rw http.ResponseWriter, b []byte, name string) {
	rw.Header().Set("Content-Type", "application/pdf")
	rw.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("Content-Length", strconv.Itoa(len(b)))
	rw.WriteHeader(http.StatusOK)
	rw.Write(b)
}

// healthReportData computes the report and its outline in lang.
func (w *Web) healthReportData(ctx context.Context, actor *samspil.Actor, c *samspil.Collaboration, from, to samspil.Date, lang string) (*healthReportData, error) {
	rep, err := w.store.HealthReport(ctx, actor, c.ID, from, to)
	if err != nil {
		return nil, err
	}
	d := &healthReportData{C: c, R: rep, FromValue: rep.From.String(), ToValue: rep.To.String(),
		PDFLink: "/collaborations/" + c.ID + "/health/report?from=" + rep.From.String() + "&to=" + rep.To.String() + "&format=pdf",
		Title:   w.cat.text(lang, "report.title", c.Name),
		Subtitle: w.cat.text(lang, "report.subtitle", samspil.LongDate(rep.From, lang), samspil.LongDate(rep.To, lang),
			samspil.LongDate(samspil.Today(w.now()), lang)),
		Now: rep.End.Warnings}
	for _, s := range rep.Spans {
		d.Period = append(d.Period, reportWarning{Text: w.say(lang, s.Text), From: s.From, Until: s.Until})
	}
	d.Summary = w.cat.text(lang, "report.summary", len(rep.End.Warnings), samspil.LongDate(rep.To, lang), len(rep.Spans))
	th := rep.End.Thresholds
	for i, s := range rep.End.Series {
		ri := reportIndicator{Name: w.cat.text(lang, "health.indicator."+string(s.Indicator)), Top: 100, Threshold: th.Of(s.Indicator)}
		if s.Unit == samspil.UnitLevels {
			ri.Top = 4
		}
		for _, p := range s.Points {
			if !p.On.Before(rep.From) {
				ri.Points = append(ri.Points, p)
			}
		}
		ri.Now, ri.Warn = w.pointText(lang, s.Unit, s.Last()), s.Last().Warn
		ri.Before = w.pointText(lang, s.Unit, rep.Start.Series[i].Last())
		ri.Chart = healthLine("rl-"+string(s.Indicator), ri.Name, w.cat.text(lang, "report.chart_desc", ri.Before, ri.Now), ri.Points, ri.Top, ri.Threshold)
		d.Indicators = append(d.Indicators, ri)
	}
	if d.Diff, err = w.store.CollaborationDifferences(ctx, actor, c.ID); err != nil {
		return nil, err
	}
	d.DiffTable = w.diffTable(lang, d.Diff)
	d.Thresholds = w.cat.text(lang, "report.thresholds", th.Attendance, th.MeetingsHeld, th.ActionsOnTime, th.DecisionsReached,
		th.AmbitionSpread, th.BenefitsRealised, th.OptIn, th.WindowMonths)
	return d, nil
}

// pointText says an indicator's value in words.
func (w *Web) pointText(lang string, unit samspil.HealthUnit, p samspil.HealthPoint) string {
	switch {
	case !p.Known:
		return w.cat.text(lang, "health.nothing")
	case unit == samspil.UnitLevels:
		return w.cat.text(lang, "health.value_levels", p.Value)
	default:
		return w.cat.text(lang, "health.value_percent", p.Value, p.Num, p.Den)
	}
}

// reportDoc is the report's outline as a PDF document.
func (w *Web) reportDoc(d *healthReportData, lang string) *pdfdoc.Doc {
	t := func(key string, args ...any) string { return w.cat.text(lang, key, args...) }
	doc := &pdfdoc.Doc{Title: d.Title, Subtitle: d.Subtitle, Lang: lang, Footer: t("report.page"), Created: w.now()}
	now := pdfdoc.Section{Heading: t("report.now", samspil.LongDate(d.R.To, lang)), Text: []string{d.Summary}}
	for _, x := range d.Now {
		now.Bullets = append(now.Bullets, w.say(lang, x.Text)+" "+t("health.since", formatDate(x.Since, lang)))
	}
	if len(d.Now) == 0 {
		now.Text = append(now.Text, t("health.no_warnings", samspil.LongDate(d.R.To, lang)))
	}
	doc.Sections = append(doc.Sections, now)
	if len(d.Period) > 0 {
		tab := &pdfdoc.Table{Header: []string{t("report.col_warning"), t("report.col_from"), t("report.col_until")}, Widths: []float64{6, 1.3, 1.3}}
		for _, p := range d.Period {
			tab.Rows = append(tab.Rows, []string{p.Text, formatDate(p.From, lang), formatDate(p.Until, lang)})
		}
		doc.Sections = append(doc.Sections, pdfdoc.Section{Heading: t("report.period"), Table: tab})
	}
	ind := pdfdoc.Section{Heading: t("report.indicators"), Text: []string{t("report.indicators_hint")}}
	for _, ri := range d.Indicators {
		c := pdfdoc.Chart{Label: ri.Name, Note: t("report.chart_note", ri.Before, ri.Now), Top: ri.Top, Threshold: ri.Threshold,
			First: formatDate(d.R.From, lang), Last: formatDate(d.R.To, lang)}
		for _, p := range ri.Points {
			c.Values = append(c.Values, pdfdoc.Point{Value: p.Value, Known: p.Known, Warn: p.Warn})
		}
		ind.Charts = append(ind.Charts, c)
	}
	doc.Sections = append(doc.Sections, ind)
	share := func(p samspil.HealthPoint) string {
		if !p.Known {
			return "–"
		}
		return fmt.Sprintf("%d %% (%d/%d)", p.Value, p.Num, p.Den)
	}
	if m := d.R.End.Members; len(m) > 0 {
		tab := &pdfdoc.Table{Header: []string{t("field.organisation"), t("health.col_commitment"), t("health.indicator.attendance"),
			t("health.col_opt_in"), t("health.col_binding"), t("health.indicator.action_items")},
			Widths: []float64{2.2, 1.5, 1.3, 1.3, 1.3, 1.3}, Right: []bool{false, false, true, true, true, true}}
		for _, x := range m {
			tab.Rows = append(tab.Rows, []string{x.OrganizationName, t("term." + string(x.Commitment)), share(x.Attendance), share(x.OptIn),
				share(x.Binding), share(x.ActionItems)})
		}
		doc.Sections = append(doc.Sections, pdfdoc.Section{Heading: t("health.members"), Table: tab})
	}
	if f := d.R.End.Forums; len(f) > 0 {
		tab := &pdfdoc.Table{Header: []string{t("health.col_forum"), t("health.col_planned"), t("health.col_held"), t("health.col_cancelled"),
			t("health.col_unmarked")}, Widths: []float64{3, 1, 1, 1, 1.2}, Right: []bool{false, true, true, true, true}}
		for _, x := range f {
			tab.Rows = append(tab.Rows, []string{x.ForumName, strconv.Itoa(x.Planned), strconv.Itoa(x.Held), strconv.Itoa(x.Cancelled),
				strconv.Itoa(x.Unmarked)})
		}
		doc.Sections = append(doc.Sections, pdfdoc.Section{Heading: t("health.forums"),
			Text: []string{t("health.forums_caption", d.R.End.Thresholds.WindowMonths, samspil.LongDate(d.R.To, lang))}, Table: tab})
	}
	if len(d.Diff.Members) > 0 {
		sec := pdfdoc.Section{Heading: t("differences.heading"), Text: []string{t("differences.intro")}}
		for _, x := range d.Diff.Warnings {
			sec.Bullets = append(sec.Bullets, w.say(lang, x))
		}
		tab := &pdfdoc.Table{Header: append([]string{t("field.organisation")}, d.DiffTable.Header...), Widths: []float64{1.3, 1.3, 2, 1}}
		for _, r := range d.DiffTable.Rows {
			tab.Rows = append(tab.Rows, append([]string{r.Label}, r.Values...))
		}
		sec.Table = tab
		doc.Sections = append(doc.Sections, sec)
	}
	doc.Sections = append(doc.Sections, pdfdoc.Section{Heading: t("report.about"), Text: []string{d.Thresholds, t("health.intro")}})
	return doc
}
