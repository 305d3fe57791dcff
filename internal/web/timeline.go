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
// table beside it says the same in words.

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
		fmt.Fprintf(&b, `<a href="/contracts/%s"><text class="tl-label" x="4" y="%.1f">%s</text></a>`, esc(c.ID), y+16, esc(truncate(c.Name, 34)))
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
			title += ": " + c.Start.String() + " – " + end.String()
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3"><title>%s</title></rect>`,
			class, x1, y+4, x2-x1, tlRow-10, esc(title))
		if d.LastNoticeDate != nil {
			nx := x(*d.LastNoticeDate)
			fmt.Fprintf(&b, `<path class="tl-notice" d="M%.1f %.1f l5 -8 h-10 z"><title>%s</title></path>`, nx, y+4, esc(w.cat.text(lang, "contract.last_notice_date")+" "+d.LastNoticeDate.String()))
		}
	}
	tx := x(today)
	fmt.Fprintf(&b, `<line class="tl-today" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"><title>%s</title></line>`, tx, tlTop-8, tx, height-6,
		esc(w.cat.text(lang, "timeline.today")+" "+today.String()))
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
