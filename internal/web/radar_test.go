package web

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// svgNode is an element of a decoded SVG.
type svgNode struct {
	Name  string
	Attr  map[string]string
	Text  string // the character data directly inside it
	Kids  []*svgNode
	Scope *svgNode
}

// decodeSVG parses s strictly as XML, failing the test when it is not
// well-formed.
func decodeSVG(t *testing.T, s string) *svgNode {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = true
	root := &svgNode{}
	cur := root
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &svgNode{Name: tok.Name.Local, Attr: map[string]string{}, Scope: cur}
			for _, a := range tok.Attr {
				n.Attr[a.Name.Local] = a.Value
			}
			cur.Kids = append(cur.Kids, n)
			cur = n
		case xml.EndElement:
			cur = cur.Scope
		case xml.CharData:
			cur.Text += string(tok)
		}
	}
	if len(root.Kids) != 1 || root.Kids[0].Name != "svg" {
		t.Fatalf("want one <svg> element:\n%s", s)
	}
	return root.Kids[0]
}

// all returns the elements below n (n included) that match.
func (n *svgNode) all(match func(*svgNode) bool) []*svgNode {
	var out []*svgNode
	if match(n) {
		out = append(out, n)
	}
	for _, k := range n.Kids {
		out = append(out, k.all(match)...)
	}
	return out
}

func hasClass(n *svgNode, class string) bool {
	for _, c := range strings.Fields(n.Attr["class"]) {
		if c == class {
			return true
		}
	}
	return false
}

// points parses a polygon's points attribute.
func points(t *testing.T, s string) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, pair := range strings.Fields(s) {
		x, y, ok := strings.Cut(pair, ",")
		fx, err1 := strconv.ParseFloat(x, 64)
		fy, err2 := strconv.ParseFloat(y, 64)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("bad point %q in %q", pair, s)
		}
		out = append(out, [2]float64{fx, fy})
	}
	return out
}

var radarAxes = []string{"Fælles systemer", "Fælles processer", "Fælles organisation", "Fælles indkøb", "Fælles udvikling", "Fælles drift", "Videndeling"}

func TestRadarChart(t *testing.T) {
	series := []radarSeries{
		{Name: "Silkeborg Kommune", Levels: []int{3, 3, 1, 4, 2, 2, 4}},
		{Name: "Viborg Kommune", Levels: []int{1, 2, 0, 4, 2, 1, 4}},
		{Name: `Kommune <&> "x"`, Levels: []int{0, 0, 0, 0, 0, 0, -1}},
	}
	out := string(radarChart("r1", "Ambitioner <i dag>", "Beskrivelse & mere", radarAxes, series))
	svg := decodeSVG(t, out)
	if strings.Contains(out, "style") {
		t.Fatalf("the SVG has a style:\n%s", out)
	}

	// Accessible name and description.
	if svg.Attr["role"] != "img" || svg.Attr["aria-labelledby"] != "r1-title r1-desc" {
		t.Fatalf("svg attributes %v", svg.Attr)
	}
	titles := svg.all(func(n *svgNode) bool { return n.Name == "title" && n.Attr["id"] == "r1-title" })
	descs := svg.all(func(n *svgNode) bool { return n.Name == "desc" && n.Attr["id"] == "r1-desc" })
	if len(titles) != 1 || titles[0].Text != "Ambitioner <i dag>" || len(descs) != 1 || descs[0].Text != "Beskrivelse & mere" {
		t.Fatalf("title %v, desc %v", titles, descs)
	}

	// One polygon per member, each named.
	polys := svg.all(func(n *svgNode) bool { return n.Name == "polygon" })
	if len(polys) != len(series) {
		t.Fatalf("%d polygons, want %d", len(polys), len(series))
	}
	strokes := map[string]bool{}
	for i, p := range polys {
		if !hasClass(p, "radar-series") {
			t.Fatalf("polygon %d has class %q", i, p.Attr["class"])
		}
		if len(p.Kids) != 1 || p.Kids[0].Name != "title" || p.Kids[0].Text != series[i].Name {
			t.Fatalf("polygon %d is not named %q", i, series[i].Name)
		}
		strokes[p.Attr["stroke"]+"/"+p.Attr["stroke-dasharray"]] = true
		pts := points(t, p.Attr["points"])
		if len(pts) != len(radarAxes) {
			t.Fatalf("polygon %d has %d points", i, len(pts))
		}
		for axis, pt := range pts {
			level := series[i].Levels[axis]
			r := math.Hypot(pt[0]-radarCX, pt[1]-radarCY)
			switch {
			case level <= 0:
				if pt != [2]float64{radarCX, radarCY} {
					t.Fatalf("%s, axis %d, level %d: %v, want the centre (%v, %v)", series[i].Name, axis, level, pt, radarCX, radarCY)
				}
			default:
				if want := radarRadius * float64(level) / 4; math.Abs(r-want) > 0.02 {
					t.Fatalf("%s, axis %d, level %d: %.2f from the centre, want %.2f", series[i].Name, axis, level, r, want)
				}
			}
		}
		// Level 4 lies on the outer ring, on its axis: the first axis
		// points straight up.
		if series[i].Levels[0] == 4 && (math.Abs(pts[0][0]-radarCX) > 0.01 || math.Abs(pts[0][1]-(radarCY-radarRadius)) > 0.01) {
			t.Fatalf("level 4 on the first axis at %v", pts[0])
		}
	}
	if len(strokes) != len(series) {
		t.Fatalf("members share a stroke: %v", strokes)
	}
	// Silkeborg's level 4 in joint procurement is on the outer ring.
	pts := points(t, polys[0].Attr["points"])
	if r := math.Hypot(pts[3][0]-radarCX, pts[3][1]-radarCY); math.Abs(r-radarRadius) > 0.02 {
		t.Fatalf("level 4 at %.2f from the centre, want the outer ring %.2f", r, radarRadius)
	}

	// The legend names every member; names are escaped.
	var legend []string
	for _, g := range svg.all(func(n *svgNode) bool { return hasClass(n, "radar-legend") }) {
		for _, tx := range g.all(func(n *svgNode) bool { return n.Name == "text" }) {
			legend = append(legend, tx.Text)
		}
	}
	if strings.Join(legend, "|") != `Silkeborg Kommune|Viborg Kommune|Kommune <&> "x"` {
		t.Fatalf("legend %q", legend)
	}
	if !strings.Contains(out, "Kommune &lt;&amp;&gt; &#34;x&#34;") || strings.Contains(out, "<&>") {
		t.Fatalf("the name is not escaped:\n%s", out)
	}
	// Axis labels.
	var labels []string
	for _, tx := range svg.all(func(n *svgNode) bool { return hasClass(n, "radar-axis-label") }) {
		labels = append(labels, tx.Text)
	}
	if strings.Join(labels, "|") != strings.Join(radarAxes, "|") {
		t.Fatalf("axis labels %q", labels)
	}
	// A level not declared gets no vertex mark: 7 + 7 + 6 marks, and one
	// in the legend per member.
	if marks := svg.all(func(n *svgNode) bool { return hasClass(n, "radar-mark") }); len(marks) != 7+7+6+3 {
		t.Fatalf("%d vertex marks", len(marks))
	}
}

func TestRadarChartNeedsThreeAxes(t *testing.T) {
	if out := radarChart("r", "t", "", radarAxes[:2], []radarSeries{{Name: "A", Levels: []int{1, 2}}}); out != "" {
		t.Fatalf("two axes drew %q", out)
	}
	// Without a description the SVG names only its title, and control
	// characters do not break the XML.
	out := string(radarChart("r", "a\x01b", "", radarAxes, []radarSeries{{Name: "x\x00y", Levels: []int{9, -3, 1}}}))
	svg := decodeSVG(t, out)
	if svg.Attr["aria-labelledby"] != "r-title" {
		t.Fatalf("aria-labelledby %q", svg.Attr["aria-labelledby"])
	}
	pts := points(t, svg.all(func(n *svgNode) bool { return n.Name == "polygon" })[0].Attr["points"])
	if r := math.Hypot(pts[0][0]-radarCX, pts[0][1]-radarCY); math.Abs(r-radarRadius) > 0.02 {
		t.Fatalf("level 9 is not kept to the outer ring: %.2f", r)
	}
	if pts[1] != [2]float64{radarCX, radarCY} || pts[6] != [2]float64{radarCX, radarCY} {
		t.Fatalf("missing levels are not at the centre: %v", pts)
	}
}
