package web

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/samspil/samspil"
)

// The timeline is a server-rendered SVG of an organisation's contracts: a
// bar per contract from its start to its next possible end, a mark on the
// last day to give notice, and a line for today. Colours come from CSS
// classes (the Content-Security-Policy forbids inline styles); the deadlines
// table beside it says the same in words and links each contract. The SVG is
// one picture (role="img") and so holds no links: assistive technology reads
// no content inside an image.

const (
	tlLabelWidth = 260.0
	tlWidth      = 1000.0
	tlRow        = 26.0
	tlTop        = 30.0
)

// timeline renders contracts (at most 60 rows) between two years before
// and five years after today.
func (w *Web) timeline(contracts []samspil.Contract, lang string) (template.HTML, error) {
	if len(contracts) == 0 {
		return "", nil
	}
	if len(contracts) > 60 {
		contracts = contracts[:60]
	}
	today := samspil.Today(w.now())
	from := samspil.NewDate(today.Year-2, 1, 1)
	to := samspil.NewDate(today.Year+5, 12, 31)
	span := float64(samspil.DaysBetween(from, to))
	x := func(d samspil.Date) float64 {
		f := float64(samspil.DaysBetween(from, d)) / span
		if f < 0 {
			f = 0
		}
		if f > 1 {
			f = 1
		}
		return tlLabelWidth + f*(tlWidth-tlLabelWidth-10)
	}
	height := tlTop + float64(len(contracts))*tlRow + 10
	var b bytes.Buffer
	esc := func(s string) string { return template.HTMLEscapeString(s) }
	fmt.Fprintf(&b, `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="tl-title">`, tlWidth, height)
	fmt.Fprintf(&b, `<title id="tl-title">%s</title>`, esc(w.cat.text(lang, "timeline.title")))
	for y := from.Year; y <= to.Year; y++ {
		px := x(samspil.NewDate(y, 1, 1))
		fmt.Fprintf(&b, `<line class="tl-grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, px, tlTop-8, px, height-6)
		fmt.Fprintf(&b, `<text class="tl-year" x="%.1f" y="%.1f">%d</text>`, px+3, tlTop-12, y)
	}
	for i, c := range contracts {
		y := tlTop + float64(i)*tlRow
		d := c.Deadlines
		fmt.Fprintf(&b, `<text class="tl-label" x="4" y="%.1f">%s</text>`, y+16, esc(truncate(c.Name, 34)))
		end := d.NextEnd
		if end == nil {
			end = d.CurrentEnd
		}
		open := end == nil
		last := to
		if end != nil {
			last = *end
		}
		class := "tl-bar " + string(d.Status)
		if open {
			class += " open"
		}
		x1, x2 := x(c.Start), x(last)
		if x2-x1 < 2 {
			x2 = x1 + 2
		}
		title := w.cat.text(lang, "status."+string(d.Status))
		if end != nil {
			title += ": " + formatDate(c.Start, lang) + " – " + formatDate(*end, lang)
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3"><title>%s</title></rect>`,
			class, x1, y+4, x2-x1, tlRow-10, esc(title))
		if d.LastNoticeDate != nil {
			nx := x(*d.LastNoticeDate)
			fmt.Fprintf(&b, `<path class="tl-notice" d="M%.1f %.1f l5 -8 h-10 z"><title>%s</title></path>`, nx, y+4, esc(w.cat.text(lang, "contract.last_notice_date")+" "+formatDate(*d.LastNoticeDate, lang)))
		}
		if ex := d.OptionOpen(); ex != nil {
			nx := x(*ex)
			fmt.Fprintf(&b, `<path class="tl-notice tl-option" d="M%.1f %.1f l5 -8 h-10 z"><title>%s</title></path>`, nx, y+4, esc(w.cat.text(lang, "contract.last_exercise_date")+" "+formatDate(*ex, lang)))
		}
	}
	tx := x(today)
	fmt.Fprintf(&b, `<line class="tl-today" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"><title>%s</title></line>`, tx, tlTop-8, tx, height-6,
		esc(w.cat.text(lang, "timeline.today")+" "+formatDate(today, lang)))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), nil // every value above is escaped or a number
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// The history chart is a server-rendered SVG of a collaboration's history:
// one lane per kind of event (the collaboration itself and its adjustments,
// members, forums, strategies, decisions), a mark per event on a time axis
// from the founding to today, and a line for today. Like the contract
// timeline it is one picture (role="img", named by its title and described
// by its desc) with classes only; the history list below it says each event
// in words and is where the links are.

const (
	hcLabelWidth = 170.0
	hcWidth      = 1000.0
	hcLane       = 34.0
	hcTop        = 30.0
)

// historyLanes orders the lanes; each names the event kinds drawn in it.
var historyLanes = []struct {
	key   string
	kinds []string
}{
	{"collaboration", []string{"founded", "adjustment", "ended"}},
	{"members", []string{"member"}},
	{"forums", []string{"forum_started", "forum_stopped"}},
	{"strategies", []string{"strategy_adopted"}},
	{"decisions", []string{"decision"}},
}

// historyChart renders a collaboration's history; "" when it has no events.
func (w *Web) historyChart(entries []samspil.TimelineEntry, today samspil.Date, lang string) template.HTML {
	if len(entries) == 0 {
		return ""
	}
	lane := map[string]int{}
	for i, l := range historyLanes {
		for _, k := range l.kinds {
			lane[k] = i
		}
	}
	first, last := entries[0].On, today
	for _, e := range entries {
		if e.On.Before(first) {
			first = e.On
		}
		if e.On.After(last) {
			last = e.On
		}
	}
	from := samspil.NewDate(first.Year, 1, 1)
	to := samspil.NewDate(last.Year, 12, 31)
	span := float64(samspil.DaysBetween(from, to))
	x := func(d samspil.Date) float64 {
		return hcLabelWidth + float64(samspil.DaysBetween(from, d))/span*(hcWidth-hcLabelWidth-12)
	}
	height := hcTop + float64(len(historyLanes))*hcLane + 8
	esc := template.HTMLEscapeString
	text := func(key string, args ...any) string { return esc(w.cat.text(lang, key, args...)) }
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg class="history-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="hc-title hc-desc">`, hcWidth, height)
	fmt.Fprintf(&b, `<title id="hc-title">%s</title>`, text("history_chart.title"))
	fmt.Fprintf(&b, `<desc id="hc-desc">%s</desc>`, text("history_chart.desc", len(entries), formatDate(first, lang), formatDate(today, lang)))
	step := 1
	if years := to.Year - from.Year; years > 12 {
		step = (years + 11) / 12
	}
	for y := from.Year; y <= to.Year; y += step {
		px := x(samspil.NewDate(y, 1, 1))
		fmt.Fprintf(&b, `<line class="tl-grid" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, px, hcTop-8, px, height-4)
		fmt.Fprintf(&b, `<text class="tl-year" x="%.1f" y="%.1f">%d</text>`, px+3, hcTop-12, y)
	}
	for i, l := range historyLanes {
		y := hcTop + float64(i)*hcLane
		fmt.Fprintf(&b, `<line class="hc-lane" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, hcLabelWidth, y+hcLane/2, hcWidth-12, y+hcLane/2)
		fmt.Fprintf(&b, `<text class="tl-label" x="4" y="%.1f">%s</text>`, y+hcLane/2+4, text("history_chart.lane."+l.key))
	}
	for _, e := range entries {
		i, ok := lane[e.Kind]
		if !ok {
			continue
		}
		cx, cy := x(e.On), hcTop+float64(i)*hcLane+hcLane/2
		title := esc(formatDate(e.On, lang) + ": " + w.say(lang, e.Text))
		switch e.Kind {
		case "adjustment", "strategy_adopted":
			fmt.Fprintf(&b, `<path class="hc-mark hc-%s" d="M%.1f %.1f l7 7 l-7 7 l-7 -7 z"><title>%s</title></path>`, esc(e.Kind), cx, cy-7, title)
		case "forum_stopped", "ended":
			fmt.Fprintf(&b, `<rect class="hc-mark hc-%s" x="%.1f" y="%.1f" width="11" height="11"><title>%s</title></rect>`, esc(e.Kind), cx-5.5, cy-5.5, title)
		default:
			fmt.Fprintf(&b, `<circle class="hc-mark hc-%s" cx="%.1f" cy="%.1f" r="6"><title>%s</title></circle>`, esc(e.Kind), cx, cy, title)
		}
	}
	tx := x(today)
	fmt.Fprintf(&b, `<line class="tl-today" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"><title>%s</title></line>`, tx, hcTop-8, tx, height-4,
		esc(w.cat.text(lang, "timeline.today")+" "+formatDate(today, lang)))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every value above is escaped or a number
}
