package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

// The pictures of an initiative's page, as server-rendered SVG with
// classes only (the Content-Security-Policy forbids inline styles; the
// colours are in app.css): its phases from idea to closed (or stopped)
// with the day each was entered, and its benefits planned against
// realised. Each has a title and a description for assistive technology,
// and the page shows the same facts as a list or a table beside it.

// Geometry of the phase chart, in viewBox units.
const (
	phWidth  = 720.0
	phStep   = 120.0 // between the nodes
	phLeft   = 60.0  // the first node's centre
	phNodeY  = 34.0
	phRadius = 13.0
	phHeight = 112.0
)

// phaseNode is one phase of the chart.
type phaseNode struct {
	Phase samspil.InitiativePhase
	State string // done, current, future, skipped (a phase a stopped initiative never reached) or stopped
	On    samspil.Date
}

// phaseNodes lays out the initiative's life: the phases from idea to
// operation, then closed or, for a stopped initiative, stopped; each with
// the day it was entered (the day the gate into it was passed; for the
// idea the day it was proposed).
func phaseNodes(x *samspil.Initiative) []phaseNode {
	proposed := x.ProposedOn
	if proposed.IsZero() {
		proposed = samspil.Today(x.CreatedAt)
	}
	entered := map[samspil.InitiativePhase]samspil.Date{samspil.PhaseIdea: proposed}
	for _, g := range x.Gates {
		entered[g.To] = g.On
	}
	if _, ok := entered[x.Phase]; !ok || x.Phase == samspil.PhaseIdea && len(x.Gates) == 0 {
		entered[x.Phase] = x.PhaseSince
	}
	last := samspil.PhaseClosed
	if x.Phase == samspil.PhaseStopped {
		last = samspil.PhaseStopped
	}
	phases := append(slicesUntil(samspil.InitiativePhases, samspil.PhaseOperation), last)
	reached := true // the phases before the current one were passed
	var out []phaseNode
	for _, p := range phases {
		n := phaseNode{Phase: p, On: entered[p]}
		_, was := entered[p]
		switch {
		case p == x.Phase && p == samspil.PhaseStopped:
			n.State, reached = "stopped", false
		case p == x.Phase:
			n.State, reached = "current", false
		case reached && was:
			n.State = "done"
		case x.Phase == samspil.PhaseStopped:
			n.State = "skipped"
		default:
			n.State = "future"
		}
		if n.State == "future" || n.State == "skipped" {
			n.On = samspil.Date{}
		}
		out = append(out, n)
	}
	return out
}

// slicesUntil returns the phases up to and including until.
func slicesUntil(ps []samspil.InitiativePhase, until samspil.InitiativePhase) []samspil.InitiativePhase {
	var out []samspil.InitiativePhase
	for _, p := range ps {
		out = append(out, p)
		if p == until {
			break
		}
	}
	return out
}

// phaseChart draws the initiative's phases as one <svg>: a node per
// phase, the passed ones filled with a tick, the current one larger with
// a ring, the ones to come hollow, and a stop as a cross; under each its
// name and the day it was entered.
func (w *Web) phaseChart(x *samspil.Initiative, lang string) template.HTML {
	nodes := phaseNodes(x)
	text := func(key string, args ...any) string { return w.cat.text(lang, key, args...) }
	phase := func(p samspil.InitiativePhase) string { return text("term." + string(p)) }
	var desc []string
	for _, n := range nodes {
		switch n.State {
		case "done":
			desc = append(desc, text("initiative.chart_done", capitalize(phase(n.Phase)), formatDate(n.On, lang)))
		case "current", "stopped":
			desc = append(desc, text("initiative.chart_current", phase(n.Phase), formatDate(n.On, lang)))
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg class="phase-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="phase-chart-title phase-chart-desc">`, phWidth, phHeight)
	b.WriteString(`<title id="phase-chart-title">`)
	radarEscape(&b, text("initiative.chart_title"))
	b.WriteString(`</title><desc id="phase-chart-desc">`)
	radarEscape(&b, strings.Join(desc, " "))
	b.WriteString("</desc>\n")
	cx := func(i int) float64 { return phLeft + float64(i)*phStep }
	for i := 1; i < len(nodes); i++ {
		class := "ph-line"
		if s := nodes[i].State; s == "future" || s == "skipped" {
			class += " ph-line-ahead"
		}
		fmt.Fprintf(&b, `<line class="%s" x1="%s" y1="%s" x2="%s" y2="%s"/>`, class, radarNum(cx(i-1)+phRadius), radarNum(phNodeY),
			radarNum(cx(i)-phRadius), radarNum(phNodeY))
	}
	b.WriteString("\n")
	for i, n := range nodes {
		x0 := cx(i)
		fmt.Fprintf(&b, `<g class="ph-node ph-%s">`, n.State)
		switch n.State {
		case "current":
			fmt.Fprintf(&b, `<circle class="ph-ring" cx="%s" cy="%s" r="%s"/>`, radarNum(x0), radarNum(phNodeY), radarNum(phRadius+5))
			fmt.Fprintf(&b, `<circle class="ph-dot" cx="%s" cy="%s" r="%s"/>`, radarNum(x0), radarNum(phNodeY), radarNum(phRadius))
		case "done":
			fmt.Fprintf(&b, `<circle class="ph-dot" cx="%s" cy="%s" r="%s"/>`, radarNum(x0), radarNum(phNodeY), radarNum(phRadius))
			fmt.Fprintf(&b, `<path class="ph-tick" d="M%s %s l4 4 l8 -9"/>`, radarNum(x0-6), radarNum(phNodeY))
		case "stopped":
			fmt.Fprintf(&b, `<circle class="ph-dot" cx="%s" cy="%s" r="%s"/>`, radarNum(x0), radarNum(phNodeY), radarNum(phRadius))
			fmt.Fprintf(&b, `<path class="ph-cross" d="M%s %s l10 10 m0 -10 l-10 10"/>`, radarNum(x0-5), radarNum(phNodeY-5))
		default:
			fmt.Fprintf(&b, `<circle class="ph-dot" cx="%s" cy="%s" r="%s"/>`, radarNum(x0), radarNum(phNodeY), radarNum(phRadius))
		}
		fmt.Fprintf(&b, `<text class="ph-label" x="%s" y="%s" text-anchor="middle">`, radarNum(x0), radarNum(phNodeY+phRadius+26))
		radarEscape(&b, capitalize(phase(n.Phase)))
		b.WriteString(`</text>`)
		if !n.On.IsZero() {
			fmt.Fprintf(&b, `<text class="ph-date" x="%s" y="%s" text-anchor="middle">`, radarNum(x0), radarNum(phNodeY+phRadius+46))
			radarEscape(&b, formatDate(n.On, lang))
			b.WriteString(`</text>`)
		}
		b.WriteString("</g>\n")
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text above is escaped
}

// capitalize writes the first letter of s in upper case.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

// Geometry of the benefit chart, in viewBox units.
const (
	bcWidth    = 640.0
	bcLabelW   = 190.0 // the names' column
	bcBarMax   = 320.0 // the longest bar
	bcRow      = 46.0  // one participant: two bars
	bcBar      = 15.0
	bcTop      = 34.0 // below the legend
	bcNameMax  = 26   // characters of a name before it is shortened
	bcValueGap = 6.0
)

// benefitChart draws, per kind of benefit measured in money or hours, the
// planned and the realised benefit of each participant as two bars side
// by side; quality benefits have measures of their own and are only in
// the table. It returns nothing when there is nothing to draw.
func (w *Web) benefitChart(sums []benefitSum, lang string) template.HTML {
	var out strings.Builder
	for _, kind := range []samspil.BenefitKind{samspil.BenefitMoney, samspil.BenefitHours} {
		type row struct {
			name              string
			planned, realised samspil.DKK
		}
		var rows []row
		var most samspil.DKK
		for _, s := range sums {
			for _, k := range s.Summary {
				if k.Kind == kind {
					rows = append(rows, row{s.Name, k.Planned, k.Realised})
					most = max(most, k.Planned, k.Realised)
				}
			}
		}
		if len(rows) == 0 {
			continue
		}
		unit := func(d samspil.DKK) string { return benefitValue(d, kind, lang, w) }
		text := func(key string, args ...any) string { return w.cat.text(lang, key, args...) }
		id := "benefit-chart-" + string(kind)
		var desc []string
		for _, r := range rows {
			desc = append(desc, text("initiative.benefit_chart_row", r.name, unit(r.planned), unit(r.realised)))
		}
		height := bcTop + float64(len(rows))*bcRow + 6
		var b bytes.Buffer
		fmt.Fprintf(&b, `<svg class="benefit-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s-title %s-desc">`,
			bcWidth, height, id, id)
		fmt.Fprintf(&b, `<title id="%s-title">`, id)
		radarEscape(&b, text("initiative.benefit_chart_"+string(kind)))
		fmt.Fprintf(&b, `</title><desc id="%s-desc">`, id)
		radarEscape(&b, strings.Join(desc, "; "))
		b.WriteString("</desc>\n")
		// The legend: the planned bar outlined, the realised one filled.
		fmt.Fprintf(&b, `<rect class="bc-planned" x="%s" y="8" width="14" height="14"/><text class="bc-text" x="%s" y="20">`, radarNum(bcLabelW), radarNum(bcLabelW+20))
		radarEscape(&b, text("initiative.planned"))
		fmt.Fprintf(&b, `</text><rect class="bc-realised" x="%s" y="8" width="14" height="14"/><text class="bc-text" x="%s" y="20">`, radarNum(bcLabelW+130), radarNum(bcLabelW+150))
		radarEscape(&b, text("initiative.realised"))
		b.WriteString("</text>\n")
		bar := func(v samspil.DKK) float64 {
			if most <= 0 {
				return 0
			}
			return float64(v) / float64(most) * bcBarMax
		}
		for i, r := range rows {
			y := bcTop + float64(i)*bcRow
			name := r.name
			if utf8.RuneCountInString(name) > bcNameMax {
				name = string([]rune(name)[:bcNameMax-1]) + "…"
			}
			fmt.Fprintf(&b, `<text class="bc-name" x="%s" y="%s" text-anchor="end">`, radarNum(bcLabelW-8), radarNum(y+bcBar+4))
			radarEscape(&b, name)
			b.WriteString(`</text>`)
			for j, v := range []samspil.DKK{r.planned, r.realised} {
				class := []string{"bc-planned", "bc-realised"}[j]
				by := y + float64(j)*(bcBar+2)
				wd := max(bar(v), 1)
				fmt.Fprintf(&b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s"/>`, class, radarNum(bcLabelW), radarNum(by), radarNum(wd), radarNum(bcBar))
				fmt.Fprintf(&b, `<text class="bc-text" x="%s" y="%s">`, radarNum(bcLabelW+wd+bcValueGap), radarNum(by+bcBar-3))
				radarEscape(&b, unit(v))
				b.WriteString(`</text>`)
			}
			b.WriteString("\n")
		}
		b.WriteString(`</svg>`)
		out.WriteString(b.String())
	}
	return template.HTML(out.String()) // every text above is escaped
}

// benefitValue shows a benefit's value in its unit: kroner, hours, or the
// bare number of a quality measure.
func benefitValue(d samspil.DKK, kind samspil.BenefitKind, lang string, w *Web) string {
	n := kroner(d, lang)
	if d%100 == 0 {
		n = thousands(int(d/100), lang)
	}
	switch kind {
	case samspil.BenefitMoney:
		return w.cat.text(lang, "initiative.kroner", n)
	case samspil.BenefitHours:
		return w.cat.text(lang, "initiative.hours", n)
	}
	return n
}
