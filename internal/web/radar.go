package web

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"math"
	"strconv"
)

// The radar chart is a server-rendered SVG of the members' ambitions: one
// axis per ambition area, the levels 0–4 as rings, and one polygon per
// member. The Content-Security-Policy forbids inline styles, so the chart
// uses presentation attributes (stroke, fill, stroke-dasharray), which CSP
// does not restrict, and classes that a stylesheet may refine. Members
// differ by colour, by dash pattern and by the shape of their vertices, so
// that colour is never the only cue; the page shows the same numbers in a
// table beside the chart.

// Geometry of the chart, in viewBox units.
const (
	radarWidth    = 640.0
	radarCX       = 320.0 // centre
	radarCY       = 205.0
	radarRadius   = 145.0 // the ring of the highest level
	radarMaxLevel = 4
	radarLegendDY = 24.0 // height of one legend row
)

// radarStyle is how one member is drawn.
type radarStyle struct {
	colour string
	dash   string // stroke-dasharray; empty for a solid line
}

// radarStyles are colours that colour-blind readers can tell apart
// (after Okabe and Ito), each with its own dash pattern.
var radarStyles = []radarStyle{
	{"#0072b2", ""},
	{"#d55e00", "9 5"},
	{"#009e73", "2 4"},
	{"#cc79a7", "12 4 2 4"},
	{"#e69f00", "6 2"},
	{"#56b4e9", "1 3"},
	{"#1d2330", "10 3 2 3 2 3"},
}

// radarSeries is one polygon of the chart: a name and a level per axis.
type radarSeries struct {
	Name   string
	Levels []int // per axis; a negative level (not declared) is drawn at the centre without a vertex mark
}

// radarChart renders a radar chart with the given axes (at least three) as
// one <svg> element. id must be a plain identifier chosen by the caller (it
// names the <title> and <desc>); every text is escaped.
func radarChart(id, title, desc string, axes []string, series []radarSeries) template.HTML {
	n := len(axes)
	if n < 3 {
		return ""
	}
	point := func(axis int, level int) (float64, float64) {
		level = max(0, min(level, radarMaxLevel))
		r := radarRadius * float64(level) / radarMaxLevel
		a := -math.Pi/2 + 2*math.Pi*float64(axis)/float64(n)
		return radarCX + r*math.Cos(a), radarCY + r*math.Sin(a)
	}
	legendTop := radarCY + radarRadius + 48
	height := legendTop + float64(len(series))*radarLegendDY + 8

	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="radar" id="`)
	radarEscape(&b, id)
	b.WriteString(`" viewBox="0 0 ` + radarNum(radarWidth) + ` ` + radarNum(height) + `" width="` + radarNum(radarWidth) + `" height="` + radarNum(height) +
		`" font-size="13" role="img" aria-labelledby="`)
	radarEscape(&b, id+"-title")
	if desc != "" {
		b.WriteString(` `)
		radarEscape(&b, id+"-desc")
	}
	b.WriteString(`"><title id="`)
	radarEscape(&b, id+"-title")
	b.WriteString(`">`)
	radarEscape(&b, title)
	b.WriteString(`</title>`)
	if desc != "" {
		b.WriteString(`<desc id="`)
		radarEscape(&b, id+"-desc")
		b.WriteString(`">`)
		radarEscape(&b, desc)
		b.WriteString(`</desc>`)
	}
	b.WriteString("\n")

	// The rings of the levels and the axes, as paths: the only polygons are
	// the members'.
	var grid bytes.Buffer
	for level := 1; level <= radarMaxLevel; level++ {
		for i := 0; i < n; i++ {
			x, y := point(i, level)
			if i == 0 {
				grid.WriteString("M")
			} else {
				grid.WriteString(" L")
			}
			grid.WriteString(radarNum(x) + " " + radarNum(y))
		}
		grid.WriteString(" Z ")
	}
	b.WriteString(`<path class="radar-ring" d="` + grid.String() + `" fill="none" stroke="#c9ced8" stroke-width="1"/>` + "\n")
	grid.Reset()
	for i := 0; i < n; i++ {
		x, y := point(i, radarMaxLevel)
		grid.WriteString("M" + radarNum(radarCX) + " " + radarNum(radarCY) + " L" + radarNum(x) + " " + radarNum(y) + " ")
	}
	b.WriteString(`<path class="radar-axis" d="` + grid.String() + `" fill="none" stroke="#9aa3b5" stroke-width="1"/>` + "\n")
	for level := 0; level <= radarMaxLevel; level++ {
		_, y := point(0, level)
		b.WriteString(`<text class="radar-level" x="` + radarNum(radarCX+5) + `" y="` + radarNum(y-3) + `" fill="#596275" font-size="11">` +
			strconv.Itoa(level) + `</text>`)
	}
	b.WriteString("\n")
	for i, label := range axes {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		cos, sin := math.Cos(a), math.Sin(a)
		x, y := radarCX+(radarRadius+12)*cos, radarCY+(radarRadius+12)*sin
		anchor := "middle"
		switch {
		case cos > 0.2:
			anchor = "start"
		case cos < -0.2:
			anchor = "end"
		}
		switch {
		case sin > 0.5:
			y += 12
		case sin > -0.5:
			y += 4
		default:
			y -= 6 // clear of the level numbers on the first axis
		}
		b.WriteString(`<text class="radar-axis-label" x="` + radarNum(x) + `" y="` + radarNum(y) + `" text-anchor="` + anchor + `" fill="#1d2330">`)
		radarEscape(&b, label)
		b.WriteString("</text>\n")
	}

	for s, ser := range series {
		st := radarStyles[s%len(radarStyles)]
		var pts bytes.Buffer
		for i := 0; i < n; i++ {
			level := -1
			if i < len(ser.Levels) {
				level = ser.Levels[i]
			}
			x, y := point(i, level)
			if i > 0 {
				pts.WriteString(" ")
			}
			pts.WriteString(radarNum(x) + "," + radarNum(y))
		}
		cls := "radar-series radar-s" + strconv.Itoa(s%len(radarStyles))
		b.WriteString(`<g class="` + cls + `"><polygon class="` + cls + `" points="` + pts.String() + `" fill="` + st.colour +
			`" fill-opacity="0.08" stroke="` + st.colour + `" stroke-width="2.5" stroke-linejoin="round"`)
		if st.dash != "" {
			b.WriteString(` stroke-dasharray="` + st.dash + `"`)
		}
		b.WriteString(`><title>`)
		radarEscape(&b, ser.Name)
		b.WriteString(`</title></polygon>`)
		for i := 0; i < n && i < len(ser.Levels); i++ {
			if ser.Levels[i] < 0 {
				continue
			}
			x, y := point(i, ser.Levels[i])
			radarMark(&b, s, x, y, st.colour)
			b.WriteString(`<title>`)
			radarEscape(&b, ser.Name+": "+axes[i]+" "+strconv.Itoa(max(0, min(ser.Levels[i], radarMaxLevel))))
			b.WriteString(`</title></`)
			b.WriteString(radarMarkElement(s))
			b.WriteString(`>`)
		}
		b.WriteString("</g>\n")
	}

	// The legend: a sample of each member's line and mark, and its name.
	b.WriteString(`<g class="radar-legend">`)
	for s, ser := range series {
		st := radarStyles[s%len(radarStyles)]
		y := legendTop + float64(s)*radarLegendDY
		b.WriteString(`<line x1="20" y1="` + radarNum(y) + `" x2="76" y2="` + radarNum(y) + `" stroke="` + st.colour + `" stroke-width="2.5"`)
		if st.dash != "" {
			b.WriteString(` stroke-dasharray="` + st.dash + `"`)
		}
		b.WriteString(`/>`)
		radarMark(&b, s, 48, y, st.colour)
		b.WriteString(`</` + radarMarkElement(s) + `>`)
		b.WriteString(`<text x="86" y="` + radarNum(y+4) + `" fill="#1d2330">`)
		radarEscape(&b, ser.Name)
		b.WriteString("</text>\n")
	}
	b.WriteString("</g></svg>\n")
	return template.HTML(b.String()) // every text above is escaped; the rest are numbers and constants
}

// radarMarkElement is the element of series s's vertex marks: circles,
// squares and diamonds in turn.
func radarMarkElement(s int) string {
	if s%3 == 0 {
		return "circle"
	}
	return "rect"
}

// radarMark opens the element of a vertex mark of series s at (x, y); the
// caller adds a <title> or nothing and closes it.
func radarMark(b *bytes.Buffer, s int, x, y float64, colour string) {
	switch s % 3 {
	case 0:
		b.WriteString(`<circle class="radar-mark" cx="` + radarNum(x) + `" cy="` + radarNum(y) + `" r="4.5" fill="` + colour + `">`)
	case 1:
		b.WriteString(`<rect class="radar-mark" x="` + radarNum(x-4) + `" y="` + radarNum(y-4) + `" width="8" height="8" fill="` + colour + `">`)
	default: // a diamond: a square turned by 45 degrees
		b.WriteString(`<rect class="radar-mark" x="` + radarNum(x-4) + `" y="` + radarNum(y-4) + `" width="8" height="8" fill="` + colour +
			`" transform="rotate(45 ` + radarNum(x) + ` ` + radarNum(y) + `)">`)
	}
}

// radarNum formats a coordinate.
func radarNum(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// radarEscape writes s as XML character data, safe in text and in quoted
// attributes; characters XML does not allow become U+FFFD.
func radarEscape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // writing to a bytes.Buffer cannot fail
}
