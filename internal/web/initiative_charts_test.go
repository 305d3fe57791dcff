package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
)

// phaseStates returns each phase node's state and the texts under it.
func phaseStates(t *testing.T, svg *svgNode) (states []string, texts [][]string) {
	t.Helper()
	for _, g := range svg.all(func(n *svgNode) bool { return n.Name == "g" && hasClass(n, "ph-node") }) {
		for _, c := range strings.Fields(g.Attr["class"]) {
			if c != "ph-node" {
				states = append(states, strings.TrimPrefix(c, "ph-"))
			}
		}
		var ts []string
		for _, k := range g.all(func(n *svgNode) bool { return n.Name == "text" }) {
			ts = append(ts, k.Text)
		}
		texts = append(texts, ts)
	}
	return states, texts
}

// TestPhaseChart: the picture of the phases marks the passed ones with the
// day each was entered, the current one, and those ahead; a stopped
// initiative ends in "Stoppet" with the phases it never reached apart. It
// is one well-formed <svg> with a title and a description.
func TestPhaseChart(t *testing.T) {
	site, err := loadSite()
	if err != nil {
		t.Fatal(err)
	}
	d := func(y int, m time.Month, day int) samspil.Date { return samspil.NewDate(y, m, day) }
	x := &samspil.Initiative{Phase: samspil.PhaseAnalysis, PhaseSince: d(2026, 3, 2), CreatedAt: time.Date(2025, 11, 3, 10, 0, 0, 0, time.UTC),
		Gates: []samspil.Gate{{From: samspil.PhaseIdea, To: samspil.PhaseQualification, On: d(2026, 1, 15)},
			{From: samspil.PhaseQualification, To: samspil.PhaseAnalysis, On: d(2026, 3, 2)}}}
	out := string(site.phaseChart(x, "da"))
	svg := decodeSVG(t, out)
	if svg.Attr["role"] != "img" || svg.Attr["aria-labelledby"] != "phase-chart-title phase-chart-desc" {
		t.Fatalf("the chart is not an image with a title and a description: %v", svg.Attr)
	}
	titles := svg.all(func(n *svgNode) bool { return n.Name == "title" || n.Name == "desc" })
	if len(titles) != 2 || titles[0].Text != "Initiativets faser" ||
		titles[1].Text != "Idé fra 03.11.2025. Kvalificering fra 15.01.2026. Nu: analyse siden 02.03.2026." {
		t.Fatalf("title and description: %q %q", titles[0].Text, titles[len(titles)-1].Text)
	}
	states, texts := phaseStates(t, svg)
	if got := strings.Join(states, " "); got != "done done current future future future" {
		t.Fatalf("states %s", got)
	}
	want := [][]string{{"Idé", "03.11.2025"}, {"Kvalificering", "15.01.2026"}, {"Analyse", "02.03.2026"}, {"Gennemførelse"}, {"Drift"}, {"Afsluttet"}}
	for i := range want {
		if strings.Join(texts[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("node %d shows %q, want %q", i, texts[i], want[i])
		}
	}

	// Stopped in analysis: the phases after it were never reached.
	x.Gates = append(x.Gates, samspil.Gate{From: samspil.PhaseAnalysis, To: samspil.PhaseStopped, On: d(2026, 6, 1), Reason: "Ikke nok deltagere"})
	x.Phase, x.PhaseSince = samspil.PhaseStopped, d(2026, 6, 1)
	svg = decodeSVG(t, string(site.phaseChart(x, "da")))
	states, texts = phaseStates(t, svg)
	if got := strings.Join(states, " "); got != "done done done skipped skipped stopped" {
		t.Fatalf("stopped: states %s", got)
	}
	if strings.Join(texts[5], "|") != "Stoppet|01.06.2026" || len(texts[3]) != 1 {
		t.Fatalf("stopped: %q", texts)
	}
	if len(svg.all(func(n *svgNode) bool { return hasClass(n, "ph-cross") })) != 1 {
		t.Fatal("the stop is not drawn as a cross")
	}

	// A new idea: only the day it was proposed.
	x = &samspil.Initiative{Phase: samspil.PhaseIdea, PhaseSince: d(2026, 5, 5), CreatedAt: time.Date(2026, 5, 5, 8, 0, 0, 0, time.UTC)}
	states, texts = phaseStates(t, decodeSVG(t, string(site.phaseChart(x, "en"))))
	if strings.Join(states, " ") != "current future future future future future" || strings.Join(texts[0], "|") != "Idea|5 May 2026" {
		t.Fatalf("new idea: %v %q", states, texts)
	}
	// An initiative recorded afterwards shows the day it was proposed, not
	// the day it was recorded.
	x = &samspil.Initiative{Phase: samspil.PhaseQualification, PhaseSince: d(2019, 4, 2), ProposedOn: d(2019, 3, 1),
		CreatedAt: time.Date(2026, 5, 5, 8, 0, 0, 0, time.UTC),
		Gates:     []samspil.Gate{{From: samspil.PhaseIdea, To: samspil.PhaseQualification, On: d(2019, 4, 2)}}}
	if _, texts = phaseStates(t, decodeSVG(t, string(site.phaseChart(x, "en")))); strings.Join(texts[0], "|") != "Idea|1 Mar 2019" {
		t.Fatalf("initiative recorded afterwards: %q", texts[0])
	}
}

// TestBenefitChart: a chart per kind measured in money or hours, with a
// participant's planned and realised benefit as two bars whose lengths
// follow the values; quality benefits are left to the table.
func TestBenefitChart(t *testing.T) {
	site, err := loadSite()
	if err != nil {
		t.Fatal(err)
	}
	kr := func(n int64) samspil.DKK { return samspil.DKK(n * 100) }
	sums := benefitSums([]samspil.Benefit{
		{OrganizationID: "v", OrganizationName: "Viborg Kommune", Kind: samspil.BenefitMoney, Planned: kr(300000), Realised: kr(120000)},
		{OrganizationID: "v", OrganizationName: "Viborg Kommune", Kind: samspil.BenefitHours, Planned: kr(800)},
		{OrganizationID: "a", OrganizationName: "Aarhus Kommune", Kind: samspil.BenefitMoney, Planned: kr(150000), Realised: kr(150000)},
		{OrganizationID: "s", OrganizationName: "Skive Kommune", Kind: samspil.BenefitQuality, Measure: "Tilfredshed 1–5", Planned: kr(4)},
	})
	if len(sums) != 2 || sums[0].Money == nil || sums[0].Hours == nil || sums[1].Hours != nil {
		t.Fatalf("sums %+v", sums)
	}
	out := string(site.benefitChart(sums, "da"))
	charts := strings.SplitAfter(out, "</svg>")
	if len(charts) != 3 || charts[2] != "" {
		t.Fatalf("want two charts (money, hours):\n%s", out)
	}
	money := decodeSVG(t, charts[0])
	if money.Attr["role"] != "img" {
		t.Fatal("the chart is not an image")
	}
	desc := money.all(func(n *svgNode) bool { return n.Name == "desc" })
	if len(desc) != 1 || desc[0].Text != "Viborg Kommune: planlagt 300.000 kr., realiseret 120.000 kr.; Aarhus Kommune: planlagt 150.000 kr., realiseret 150.000 kr." {
		t.Fatalf("desc %+v", desc)
	}
	var widths []string
	for _, r := range money.all(func(n *svgNode) bool { return n.Name == "rect" && n.Attr["height"] != "14" }) {
		w, err := strconv.ParseFloat(r.Attr["width"], 64)
		if err != nil {
			t.Fatal(err)
		}
		widths = append(widths, strconv.FormatFloat(w, 'f', 0, 64))
	}
	// The longest bar is the largest value; the others in proportion.
	if got := strings.Join(widths, " "); got != "320 128 160 160" {
		t.Fatalf("bar widths %s", got)
	}
	hours := decodeSVG(t, charts[1])
	if d := hours.all(func(n *svgNode) bool { return n.Name == "desc" }); d[0].Text != "Viborg Kommune: planlagt 800 timer, realiseret 0 timer" {
		t.Fatalf("hours desc %q", d[0].Text)
	}
	if site.benefitChart(nil, "da") != "" {
		t.Fatal("a chart without benefits")
	}
}

// TestInitiativeTextsInCatalogues: the texts the page builds its keys for
// in Go (the participation choices, the charts' titles, the code words of
// the enumerations it shows) are in both catalogues.
func TestInitiativeTextsInCatalogues(t *testing.T) {
	site, err := loadSite()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"initiative.benefit_chart_money", "initiative.benefit_chart_hours"}
	for _, texts := range moveTexts {
		keys = append(keys, texts[0], texts[1])
	}
	for _, s := range samspil.ParticipationStates {
		if s != samspil.ParticipationInvited {
			if _, ok := moveTexts[s]; !ok {
				t.Errorf("no texts for the choice %s", s)
			}
		}
		keys = append(keys, "term."+string(s))
	}
	for _, p := range samspil.InitiativePhases {
		keys = append(keys, "term."+string(p))
	}
	for _, m := range samspil.InitiativeModels {
		keys = append(keys, "term."+string(m))
	}
	for _, c := range samspil.Criteria {
		keys = append(keys, "term."+string(c), "field."+string(c))
	}
	for _, k := range keys {
		for _, lang := range languages {
			if site.cat.texts[lang][k] == "" {
				t.Errorf("%q is missing from %s.json", k, lang)
			}
		}
	}
}
