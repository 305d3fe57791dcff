package web

import (
	"bytes"
	"fmt"
	"html/template"
	"time"

	"github.com/samspil/samspil"
)

// The windows chart is a server-rendered SVG of an organisation's joint
// procurement windows, in the style of the contract timeline (its classes
// and colours): a row per window with a bar from the first to the last
// next decision of its members, a mark on the latest day to act together,
// and a line for today. It is one picture (role="img", named by its title
// and described by its desc); the list of windows beside it says every
// date in words and holds the links.

const (
	owLabelWidth = 240.0
	owWidth      = 1000.0
	owRow        = 26.0
	owTop        = 30.0
)

// windowsChart draws the windows; "" when there are none.
func (w *Web) windowsChart(windows []windowView, today samspil.Date, lang string) template.HTML {
	if len(windows) == 0 {
		return ""
	}
	first, last, soonest := today, today, windows[0].ActBy
	for _, win := range windows {
		for _, d := range []samspil.Date{win.From, win.ActBy} {
			if d.Before(first) {
				first = d
			}
		}
		if win.To.After(last) {
			last = win.To
		}
		if win.ActBy.Before(soonest) {
			soonest = win.ActBy
		}
	}
	from := samspil.NewDate(first.Year, first.Month, 1)
	to := samspil.NewDate(last.Year, last.Month, 1).AddMonths(1)
	span := float64(samspil.DaysBetween(from, to))
	x := func(d samspil.Date) float64 {
		f := float64(samspil.DaysBetween(from, d)) / span
		return owLabelWidth + min(max(f, 0), 1)*(owWidth-owLabelWidth-10)
	}
	height := owTop + float64(len(windows))*owRow + 10
	esc := template.HTMLEscapeString
	text := func(key string, args ...any) string { return esc(w.cat.text(lang, key, args...)) }
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg class="timeline windows-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="ow-title ow-desc">`,
		owWidth, height)
	fmt.Fprintf(&b, `<title id="ow-title">%s</title>`, text("opportunities.chart_title"))
	fmt.Fprintf(&b, `<desc id="ow-desc">%s</desc>`, text("opportunities.chart_desc", len(windows), formatDate(from, lang),
		formatDate(to.AddDays(-1), lang), formatDate(soonest, lang)))
	// Ticks: every quarter over three years or less, else every year.
	months := (to.Year-from.Year)*12 + int(to.Month) - int(from.Month)
	step := 3
	if months > 36 {
		step = 12
	}
	tick := samspil.NewDate(from.Year, time.Month(((int(from.Month)-1)/step)*step+1), 1)
	for ; !tick.After(to); tick = tick.AddMonths(step) {
		if tick.Before(from) {
			continue
		}
		px := x(tick)
		label := fmt.Sprint(tick.Year)
		if step == 3 {
			label = w.cat.text(lang, "opportunities.chart_quarter", (int(tick.Month)-1)/3+1, tick.Year)
		}
		fmt.Fprintf(&b, `<line class="tl-grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, px, owTop-8, px, height-6)
		fmt.Fprintf(&b, `<text class="tl-year" x="%.1f" y="%.1f">%s</text>`, px+3, owTop-12, esc(label))
	}
	for i, win := range windows {
		y := owTop + float64(i)*owRow
		fmt.Fprintf(&b, `<text class="tl-label" x="4" y="%.1f">%s</text>`, y+16, esc(truncate(win.Title, 30)+" ("+fmt.Sprint(len(win.Members))+")"))
		x1, x2 := x(win.From), x(win.To)
		if x2-x1 < 4 {
			x2 = x1 + 4
		}
		fmt.Fprintf(&b, `<rect class="tl-bar active" x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3"><title>%s</title></rect>`,
			x1, y+4, x2-x1, owRow-10, text("opportunities.chart_bar", win.Title, formatDate(win.From, lang), formatDate(win.To, lang)))
		fmt.Fprintf(&b, `<path class="tl-notice" d="M%.1f %.1f l5 -8 h-10 z"><title>%s</title></path>`, x(win.ActBy), y+4,
			text("opportunities.chart_act_by", formatDate(win.ActBy, lang)))
	}
	tx := x(today)
	fmt.Fprintf(&b, `<line class="tl-today" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"><title>%s</title></line>`, tx, owTop-8, tx, height-6,
		esc(w.cat.text(lang, "timeline.today")+" "+formatDate(today, lang)))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every value above is escaped or a number
}
