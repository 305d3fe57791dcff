package web

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"strconv"

	"github.com/samspil/samspil"
)

// The health panel's pictures: one line per indicator, month by month from
// the collaboration's start, as server-rendered SVG with presentation
// attributes and classes only (the Content-Security-Policy forbids inline
// styles). A dashed line marks the threshold, and the months in which the
// indicator raised a warning carry a mark whose shape, not only its
// colour, tells them apart. The figure has a title and a description for
// assistive technology; the page states the same numbers in words and
// tables beside it.

// Geometry of an indicator line, in viewBox units.
const (
	hlWidth  = 320.0
	hlHeight = 96.0
	hlLeft   = 4.0
	hlRight  = 4.0
	hlTop    = 8.0
	hlBottom = 22.0 // room for the first and last year
)

// healthLine renders an indicator's points as one <svg> element. top is
// the value at the top of the chart (100 for percent, 4 for levels);
// threshold is drawn when it is 0 or more. id must be a plain identifier
// chosen by the caller; every text is escaped.
func healthLine(id, title, desc string, pts []samspil.HealthPoint, top, threshold int) template.HTML {
	if len(pts) == 0 || top <= 0 {
		return ""
	}
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	plotW, plotH := hlWidth-hlLeft-hlRight, hlHeight-hlTop-hlBottom
	x := func(i int) float64 {
		if len(pts) == 1 {
			return hlLeft + plotW/2
		}
		return hlLeft + plotW*float64(i)/float64(len(pts)-1)
	}
	y := func(v int) float64 { return hlTop + plotH*(1-float64(min(max(v, 0), top))/float64(top)) }

	var b bytes.Buffer
	b.WriteString(`<svg class="health-line" viewBox="0 0 ` + f(hlWidth) + ` ` + f(hlHeight) + `" role="img" aria-labelledby="` + id + `-t ` + id + `-d" xmlns="http://www.w3.org/2000/svg">`)
	b.WriteString(`<title id="` + id + `-t">` + esc(title) + `</title><desc id="` + id + `-d">` + esc(desc) + `</desc>`)
	b.WriteString(`<line class="axis" x1="` + f(hlLeft) + `" y1="` + f(hlTop+plotH) + `" x2="` + f(hlWidth-hlRight) + `" y2="` + f(hlTop+plotH) + `" stroke="#6f7177" stroke-width="1"/>`)
	if threshold >= 0 {
		b.WriteString(`<line class="threshold" x1="` + f(hlLeft) + `" y1="` + f(y(threshold)) + `" x2="` + f(hlWidth-hlRight) + `" y2="` + f(y(threshold)) +
			`" stroke="#b0292e" stroke-width="1" stroke-dasharray="4 3"/>`)
	}
	// The line, broken where there was nothing to count.
	var path bytes.Buffer
	pen := false
	for i, p := range pts {
		if !p.Known {
			pen = false
			continue
		}
		if pen {
			path.WriteString(" L")
		} else {
			if path.Len() > 0 {
				path.WriteString(" ")
			}
			path.WriteString("M")
		}
		path.WriteString(f(x(i)) + " " + f(y(p.Value)))
		pen = true
	}
	if path.Len() > 0 {
		b.WriteString(`<path class="value" d="` + path.String() + `" fill="none" stroke="#0059b3" stroke-width="2" stroke-linejoin="round"/>`)
	}
	for i, p := range pts {
		if p.Known && p.Warn {
			cx, cy := x(i), y(p.Value)
			// A small cross: a warning month, not only a red dot.
			b.WriteString(`<path class="warn" d="M` + f(cx-3) + ` ` + f(cy-3) + ` L` + f(cx+3) + ` ` + f(cy+3) + ` M` + f(cx-3) + ` ` + f(cy+3) +
				` L` + f(cx+3) + ` ` + f(cy-3) + `" stroke="#b0292e" stroke-width="1.5"/>`)
		}
	}
	if last := pts[len(pts)-1]; last.Known {
		b.WriteString(`<circle class="now" cx="` + f(x(len(pts)-1)) + `" cy="` + f(y(last.Value)) + `" r="3.5" fill="#0059b3"/>`)
	}
	first, lastDay := pts[0].On, pts[len(pts)-1].On
	b.WriteString(`<text x="` + f(hlLeft) + `" y="` + f(hlHeight-6) + `" font-size="11" fill="#1a1a1a">` + strconv.Itoa(first.Year) + `</text>`)
	if lastDay.Year != first.Year {
		b.WriteString(`<text x="` + f(hlWidth-hlRight) + `" y="` + f(hlHeight-6) + `" font-size="11" fill="#1a1a1a" text-anchor="end">` +
			strconv.Itoa(lastDay.Year) + `</text>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec G203 -- built from numbers and escaped text
}
