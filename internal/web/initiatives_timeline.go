package web

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"

	"github.com/samspil/samspil"
)

// The portfolio's timeline is a server-rendered SVG: a row per initiative,
// its phases one after the other as coloured bars from the day it was
// proposed through its gates to today, and a mark where it closed or
// stopped. Like the other charts it is one picture (role="img", named by
// its title, described by its desc) with classes only; the table beside it
// says every phase with its days in words and links each initiative, and
// each bar's tooltip names its phase, so that no colour has to be told
// apart.

const (
	itLabelWidth = 240.0
	itWidth      = 1000.0
	itRow        = 26.0
	itTop        = 30.0
	timelineMax  = 60 // rows of the timeline
)

// phaseSpan is a phase an initiative was in, from a day to a day (today
// for the current phase); a final phase has From == To.
type phaseSpan struct {
	Phase    samspil.InitiativePhase
	From, To samspil.Date
	Current  bool
	Days     string // the days in words, for the table (see spanDays)
}

// timelineRow is an initiative on the timeline.
type timelineRow struct {
	ID, Title string
	Phase     samspil.InitiativePhase
	Spans     []phaseSpan
}

// initiativeSpans returns each initiative's phases from its gates: idea
// from the day it was proposed (or its first gate, for history recorded
// afterwards), each gate starting the phase it leads to.
func initiativeSpans(xs []samspil.Initiative, today samspil.Date) []timelineRow {
	rows := make([]timelineRow, 0, len(xs))
	for _, x := range xs {
		gates := slices.Clone(x.Gates)
		slices.SortStableFunc(gates, func(a, b samspil.Gate) int { return a.On.Compare(b.On) })
		start := samspil.Today(x.CreatedAt)
		if x.CreatedAt.IsZero() || x.PhaseSince.Before(start) {
			start = x.PhaseSince
		}
		if len(gates) > 0 && gates[0].On.Before(start) {
			start = gates[0].On
		}
		row := timelineRow{ID: x.ID, Title: x.Title, Phase: x.Phase}
		phase := samspil.PhaseIdea
		if len(gates) == 0 {
			phase = x.Phase
		} else if gates[0].From != "" {
			phase = gates[0].From
		}
		from := start
		for _, g := range gates {
			row.Spans = append(row.Spans, phaseSpan{Phase: phase, From: from, To: g.On})
			phase, from = g.To, g.On
		}
		last := phaseSpan{Phase: phase, From: from, To: today, Current: true}
		if phase.Final() || today.Before(from) {
			last.To = from
		}
		row.Spans = append(row.Spans, last)
		rows = append(rows, row)
	}
	return rows
}

// initiativeChart renders the rows; "" when there are none.
func (w *Web) initiativeChart(rows []timelineRow, today samspil.Date, lang string, names initiativeNames) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	first := today
	for _, r := range rows {
		if f := r.Spans[0].From; f.Before(first) {
			first = f
		}
	}
	from := samspil.NewDate(first.Year, 1, 1)
	to := samspil.NewDate(today.Year, 12, 31)
	span := float64(samspil.DaysBetween(from, to))
	x := func(d samspil.Date) float64 {
		return itLabelWidth + float64(samspil.DaysBetween(from, d))/span*(itWidth-itLabelWidth-12)
	}
	height := itTop + float64(len(rows))*itRow + 8
	esc := template.HTMLEscapeString
	text := func(key string, args ...any) string { return esc(w.cat.text(lang, key, args...)) }
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg class="initiative-timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="it-title it-desc">`, itWidth, height)
	fmt.Fprintf(&b, `<title id="it-title">%s</title>`, text("initiatives.timeline.title"))
	fmt.Fprintf(&b, `<desc id="it-desc">%s</desc>`, text("initiatives.timeline.desc", len(rows), from.Year))
	step := 1
	if years := to.Year - from.Year; years > 12 {
		step = (years + 11) / 12
	}
	for y := from.Year; y <= to.Year; y += step {
		px := x(samspil.NewDate(y, 1, 1))
		fmt.Fprintf(&b, `<line class="tl-grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, px, itTop-8, px, height-4)
		fmt.Fprintf(&b, `<text class="tl-year" x="%.1f" y="%.1f">%d</text>`, px+3, itTop-12, y)
	}
	for i, r := range rows {
		y := itTop + float64(i)*itRow
		fmt.Fprintf(&b, `<text class="tl-label" x="4" y="%.1f">%s</text>`, y+16, esc(truncate(r.Title, 32)))
		for _, s := range r.Spans {
			title := esc(r.Title + " · " + names.Phase[s.Phase] + ": " + spanDays(s, lang, w.cat.text(lang, "initiatives.timeline.today")))
			if s.Phase.Final() {
				cx := x(s.From)
				fmt.Fprintf(&b, `<path class="it-mark ip-%s" d="M%.1f %.1f l7 7 l-7 7 l-7 -7 z"><title>%s</title></path>`, esc(string(s.Phase)), cx, y+4, title)
				continue
			}
			x1, x2 := x(s.From), x(s.To)
			if x2-x1 < 4 { // a phase of a day or two still shows
				x2 = x1 + 4
			}
			fmt.Fprintf(&b, `<rect class="it-bar ip-%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s</title></rect>`,
				esc(string(s.Phase)), x1, y+5, x2-x1, itRow-10, title)
		}
	}
	tx := x(today)
	fmt.Fprintf(&b, `<line class="tl-today" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"><title>%s</title></line>`, tx, itTop-8, tx, height-4,
		esc(w.cat.text(lang, "timeline.today")+" "+formatDate(today, lang)))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every value above is escaped or a number
}

// spanDays says a phase's days: "01.02.2020 – 03.04.2021", "01.02.2020 –
// i dag" for the current phase, one day for a final phase.
func spanDays(s phaseSpan, lang, todayWord string) string {
	switch {
	case s.Phase.Final():
		return formatDate(s.From, lang)
	case s.Current:
		return formatDate(s.From, lang) + " – " + todayWord
	}
	return formatDate(s.From, lang) + " – " + formatDate(s.To, lang)
}
