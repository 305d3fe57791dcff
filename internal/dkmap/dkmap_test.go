package dkmap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const svgNS = "http://www.w3.org/2000/svg"

type xPath struct {
	Class string `xml:"class,attr"`
	Code  string `xml:"data-code,attr"`
	D     string `xml:"d,attr"`
	Style string `xml:"style,attr"`
	Title string `xml:"title"`
}

type xSVG struct {
	XMLName    xml.Name `xml:"http://www.w3.org/2000/svg svg"`
	ID         string   `xml:"id,attr"`
	ViewBox    string   `xml:"viewBox,attr"`
	Role       string   `xml:"role,attr"`
	Labelledby string   `xml:"aria-labelledby,attr"`
	Title      struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"title"`
	Desc *struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"desc"`
	Groups []struct {
		Paths []xPath `xml:"path"`
	} `xml:"g"`
	Links []struct {
		Href  string  `xml:"href,attr"`
		Paths []xPath `xml:"path"`
	} `xml:"a"`
	Rects []struct {
		Class string  `xml:"class,attr"`
		X     float64 `xml:"x,attr"`
		Y     float64 `xml:"y,attr"`
		W     float64 `xml:"width,attr"`
		H     float64 `xml:"height,attr"`
	} `xml:"rect"`
}

// muni is one municipality as found in the output.
type muni struct {
	xPath
	Href string
}

func render(t testing.TB, shades map[string]Shade, opt Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, shades, opt); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.String()
}

// wellFormed runs a strict XML decoder over the whole output and checks it
// is exactly one element.
func wellFormed(t *testing.T, out string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(out))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("output is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				t.Fatalf("text outside the root: %q", tok)
			}
		case xml.ProcInst, xml.Directive:
			t.Fatalf("unexpected %T", tok)
		}
	}
	if roots != 1 || depth != 0 {
		t.Fatalf("want one root element, got %d (depth %d)", roots, depth)
	}
}

func parse(t *testing.T, out string) (xSVG, map[string]muni) {
	t.Helper()
	wellFormed(t, out)
	var s xSVG
	if err := xml.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	byCode := map[string]muni{}
	add := func(p xPath, href string) {
		if _, dup := byCode[p.Code]; dup {
			t.Errorf("code %q drawn more than once", p.Code)
		}
		byCode[p.Code] = muni{p, href}
	}
	for _, g := range s.Groups {
		if len(g.Paths) != 1 {
			t.Fatalf("a <g> with %d paths", len(g.Paths))
		}
		add(g.Paths[0], "")
	}
	for _, a := range s.Links {
		if len(a.Paths) != 1 {
			t.Fatalf("an <a> with %d paths", len(a.Paths))
		}
		add(a.Paths[0], a.Href)
	}
	return s, byCode
}

var pathRE = regexp.MustCompile(`^(M-?\d+(\.\d)? -?\d+(\.\d)?L-?\d+(\.\d)? -?\d+(\.\d)?( -?\d+(\.\d)? -?\d+(\.\d)?)*Z)+$`)

// points parses path data as written by pathData.
func points(t *testing.T, d string) [][]Point {
	t.Helper()
	if !pathRE.MatchString(d) {
		t.Fatalf("path data not of the form M x y L x y … Z: %.80q", d)
	}
	var rings [][]Point
	for _, ring := range strings.Split(strings.TrimSuffix(d, "Z"), "Z") {
		f := strings.Fields(strings.NewReplacer("M", "", "L", " ").Replace(ring))
		var r []Point
		for i := 0; i+1 < len(f); i += 2 {
			x, err1 := strconv.ParseFloat(f[i], 64)
			y, err2 := strconv.ParseFloat(f[i+1], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("bad number in %q", ring)
			}
			r = append(r, Point{x, y})
		}
		rings = append(rings, r)
	}
	return rings
}

func TestAllMunicipalities(t *testing.T) {
	out := render(t, nil, Options{Title: "Kort", ID: "m"})
	s, byCode := parse(t, out)

	ms := Municipalities()
	if len(ms) != 98 {
		t.Fatalf("Municipalities: %d, want 98", len(ms))
	}
	if len(byCode) != 98 || len(s.Groups) != 98 || len(s.Links) != 0 {
		t.Fatalf("drawn: %d municipalities in %d <g> and %d <a>, want 98 <g>", len(byCode), len(s.Groups), len(s.Links))
	}
	codeRE := regexp.MustCompile(`^\d{4}$`)
	for i, m := range ms {
		if i > 0 && ms[i-1].Code >= m.Code {
			t.Errorf("Municipalities not ordered by code at %s", m.Code)
		}
		p, ok := byCode[m.Code]
		if !ok || !codeRE.MatchString(m.Code) || m.Name == "" {
			t.Errorf("%q %q: missing or malformed", m.Code, m.Name)
			continue
		}
		if p.D == "" || p.Class != "muni" || p.Title != m.Name {
			t.Errorf("%s: d=%.20q class=%q title=%q", m.Code, p.D, p.Class, p.Title)
		}
	}
	for _, c := range []struct{ code, name string }{{"0101", "København"}, {"0147", "Frederiksberg"}, {"0740", "Silkeborg"}, {"0400", "Bornholm"}, {"0751", "Aarhus"}} {
		if byCode[c.code].Title != c.name {
			t.Errorf("%s: title %q, want %q", c.code, byCode[c.code].Title, c.name)
		}
	}
}

func TestSVGElement(t *testing.T) {
	out := render(t, nil, Options{Title: "Hvem bruger systemet?", Desc: "Blå: i drift.", ID: "sys-7"})
	s, _ := parse(t, out)
	w, h := ViewBox()
	if s.ViewBox != fmt.Sprintf("0 0 %g %g", w, h) || w != 1000 || h < 1100 || h > 1300 {
		t.Errorf("viewBox %q (ViewBox %g %g)", s.ViewBox, w, h)
	}
	if s.Role != "img" || s.ID != "sys-7" || s.Labelledby != "sys-7-title sys-7-desc" {
		t.Errorf("role %q id %q aria-labelledby %q", s.Role, s.ID, s.Labelledby)
	}
	if s.Title.ID != "sys-7-title" || s.Title.Text != "Hvem bruger systemet?" || s.Desc == nil || s.Desc.ID != "sys-7-desc" || s.Desc.Text != "Blå: i drift." {
		t.Errorf("title %+v desc %+v", s.Title, s.Desc)
	}
	if !strings.HasPrefix(out, `<svg xmlns="http://www.w3.org/2000/svg" `) {
		t.Errorf("output starts %.60q", out)
	}
	// CSP: no inline styles.
	if strings.Contains(out, "style") {
		t.Error("output contains \"style\"")
	}

	// Without Desc: no <desc>, labelled by the title alone; default title;
	// generated ids differ between maps.
	a, b := render(t, nil, Options{}), render(t, nil, Options{})
	sa, _ := parse(t, a)
	sb, _ := parse(t, b)
	if sa.Desc != nil || sa.Labelledby != sa.ID+"-title" || sa.Title.Text != "Danmarks kommuner" {
		t.Errorf("no desc: labelledby %q desc %+v title %q", sa.Labelledby, sa.Desc, sa.Title.Text)
	}
	if sa.ID == sb.ID || !strings.HasPrefix(sa.ID, "dkmap-") {
		t.Errorf("generated ids %q and %q", sa.ID, sb.ID)
	}
}

func TestPointsInViewBox(t *testing.T) {
	out := render(t, nil, Options{})
	s, byCode := parse(t, out)
	w, h := ViewBox()
	if len(s.Rects) != 1 || s.Rects[0].Class != "dkmap-inset" {
		t.Fatalf("want one inset frame, got %+v", s.Rects)
	}
	fr := s.Rects[0]
	frame := Rect{fr.X, fr.Y, fr.W, fr.H}
	if frame != Inset() {
		t.Errorf("frame %+v, Inset() %+v", frame, Inset())
	}
	view := Rect{0, 0, w, h}
	if !view.Contains(Point{frame.X, frame.Y}) || !view.Contains(Point{frame.X + frame.W, frame.Y + frame.H}) {
		t.Errorf("frame %+v outside the viewBox", frame)
	}
	inner := Rect{frame.X + 1, frame.Y + 1, frame.W - 2, frame.H - 2}
	var n int
	for code, m := range byCode {
		for _, r := range points(t, m.D) {
			if len(r) < 3 {
				t.Errorf("%s: ring with %d points", code, len(r))
			}
			for _, p := range r {
				n++
				if !view.Contains(p) {
					t.Errorf("%s: point %v outside the viewBox %v", code, p, view)
				}
				// Bornholm is inside its frame (not touching it); nothing
				// else comes near the frame.
				if code == bornholm && !inner.Contains(p) {
					t.Errorf("Bornholm point %v outside its frame %+v", p, frame)
				}
				if code != bornholm && (Rect{frame.X - 5, frame.Y - 5, frame.W + 10, frame.H + 10}).Contains(p) {
					t.Errorf("%s: point %v in or near the Bornholm inset", code, p)
				}
			}
		}
	}
	if n < 10000 {
		t.Errorf("only %d points drawn", n)
	}
}

func TestGeography(t *testing.T) {
	ms := map[string]Municipality{}
	for _, m := range Municipalities() {
		ms[m.Code] = m
	}
	w, h := ViewBox()
	inset := Inset()
	// The inset is in the top right corner, with Bornholm inside.
	if inset.X+inset.W > w || inset.X < w/2 || inset.Y > h/10 {
		t.Errorf("inset %+v not in the top right corner", inset)
	}
	if b := ms[bornholm].Bounds; !inset.Contains(Point{b.X, b.Y}) || !inset.Contains(Point{b.X + b.W, b.Y + b.H}) {
		t.Errorf("Bornholm %+v outside the inset %+v", b, inset)
	}
	// Skagen (Frederikshavn) is the top of the main map, Gedser (Guldborgsund)
	// the bottom, Blåvandshuk (Varde) or Fanø the west and Amager
	// (Tårnby/Dragør/København) the east.
	top, bottom, west, east := "", "", "", ""
	for code, m := range ms {
		if code == bornholm {
			continue
		}
		b := m.Bounds
		if top == "" || b.Y < ms[top].Bounds.Y {
			top = code
		}
		if bottom == "" || b.Y+b.H > ms[bottom].Bounds.Y+ms[bottom].Bounds.H {
			bottom = code
		}
		if west == "" || b.X < ms[west].Bounds.X {
			west = code
		}
		if east == "" || b.X+b.W > ms[east].Bounds.X+ms[east].Bounds.W {
			east = code
		}
	}
	if top != "0813" || bottom != "0376" || (west != "0573" && west != "0563") || (east != "0185" && east != "0155" && east != "0101") {
		t.Errorf("extremes: top %s bottom %s west %s east %s", top, bottom, west, east)
	}
	if e := ms[east].Bounds; e.X+e.W < w-margin-1 {
		t.Errorf("main map does not fill the width: east edge %g", e.X+e.W)
	}
	if b := ms[bottom].Bounds; b.Y+b.H < h-margin-1 {
		t.Errorf("main map does not fill the height: south edge %g of %g", b.Y+b.H, h)
	}
	// Aspect ratio of Jutland-to-Zealand: Aarhus lies between Esbjerg and
	// København, north of both.
	aa, es, kb := ms["0751"].Anchor, ms["0561"].Anchor, ms["0101"].Anchor
	if !(es.X < aa.X && aa.X < kb.X && aa.Y < es.Y && aa.Y < kb.Y) {
		t.Errorf("Esbjerg %v Aarhus %v København %v", es, aa, kb)
	}
}

func TestAnchorsInside(t *testing.T) {
	g, err := load()
	if err != nil {
		t.Fatal(err)
	}
	w, h := ViewBox()
	view := Rect{0, 0, w, h}
	for i, m := range g.munis {
		if !inRings(m.Anchor, g.rings[i]) {
			t.Errorf("%s %s: anchor %v not inside", m.Code, m.Name, m.Anchor)
		}
		b := m.Bounds
		if !view.Contains(m.Centroid) || !(Rect{b.X, b.Y, b.W, b.H}).Contains(m.Centroid) {
			t.Errorf("%s: centroid %v outside its bounds %+v", m.Code, m.Centroid, b)
		}
	}
	// København's centroid accounts for the Frederiksberg hole, and the
	// anchor is not in Frederiksberg.
	kb, fb := g.index["0101"], g.index["0147"]
	if inRings(g.munis[kb].Anchor, g.rings[fb]) {
		t.Errorf("København's anchor %v lies in Frederiksberg", g.munis[kb].Anchor)
	}
}

func TestShades(t *testing.T) {
	shades := map[string]Shade{
		"0740": {Class: "uses", Label: "Silkeborg: driftsfase", Href: "/systems/42?kommune=0740#drift"},
		"0101": {Class: "phasing-out", Label: "København: udfases"},
		"0400": {Class: "plans"},            // default label
		"0147": {Label: "Frederiksberg: ?"}, // default class
	}
	out := render(t, shades, Options{
		DefaultClass: "none",
		DefaultLabel: func(code, name string) string { return name + " (" + code + "): ikke i brug" },
	})
	s, byCode := parse(t, out)
	if len(byCode) != 98 || len(s.Links) != 1 {
		t.Fatalf("%d municipalities, %d links", len(byCode), len(s.Links))
	}
	want := map[string]muni{
		"0740": {xPath{Class: "muni uses", Title: "Silkeborg: driftsfase"}, "/systems/42?kommune=0740#drift"},
		"0101": {xPath{Class: "muni phasing-out", Title: "København: udfases"}, ""},
		"0400": {xPath{Class: "muni plans", Title: "Bornholm (0400): ikke i brug"}, ""},
		"0147": {xPath{Class: "muni none", Title: "Frederiksberg: ?"}, ""},
		"0751": {xPath{Class: "muni none", Title: "Aarhus (0751): ikke i brug"}, ""},
	}
	for code, w := range want {
		got := byCode[code]
		if got.Class != w.Class || got.Title != w.Title || got.Href != w.Href {
			t.Errorf("%s: class %q title %q href %q; want %q %q %q", code, got.Class, got.Title, got.Href, w.Class, w.Title, w.Href)
		}
	}
	for code, m := range byCode {
		if _, ok := want[code]; !ok && (m.Class != "muni none" || !strings.HasSuffix(m.Title, "("+code+"): ikke i brug")) {
			t.Errorf("%s: class %q title %q", code, m.Class, m.Title)
		}
	}
	// The link wraps Silkeborg's path.
	if s.Links[0].Paths[0].Code != "0740" {
		t.Errorf("link around %s", s.Links[0].Paths[0].Code)
	}
}

func TestEscaping(t *testing.T) {
	label := `Silkeborg <b>"drift" & 'test'</b>` + "\n\x01"
	href := `/systems/x?a=1&b=<c>"d'#e`
	out := render(t, map[string]Shade{"0740": {Class: "uses", Label: label, Href: href}}, Options{
		Title: `Kort & <title> "x"`,
		Desc:  `</desc><script>alert(1)</script>`,
		DefaultLabel: func(code, name string) string {
			if code == "0101" {
				return `<img src=x onerror=alert(1)>`
			}
			return ""
		},
	})
	for _, bad := range []string{"<b>", "<script>", "<img", "<title> ", `"drift"`, "& ", "\x01", `b=<c>"d'`} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains unescaped %q", bad)
		}
	}
	s, byCode := parse(t, out)
	if got := byCode["0740"]; got.Title != `Silkeborg <b>"drift" & 'test'</b>`+"\n\uFFFD" || got.Href != href {
		t.Errorf("round trip: title %q href %q", got.Title, got.Href)
	}
	if byCode["0101"].Title != `<img src=x onerror=alert(1)>` || byCode["0147"].Title != "Frederiksberg" {
		t.Errorf("default labels: %q %q", byCode["0101"].Title, byCode["0147"].Title)
	}
	if s.Title.Text != `Kort & <title> "x"` || s.Desc.Text != `</desc><script>alert(1)</script>` {
		t.Errorf("title %q desc %q", s.Title.Text, s.Desc.Text)
	}
}

func TestRefused(t *testing.T) {
	bad := []struct {
		name   string
		shades map[string]Shade
		opt    Options
	}{
		{"capital class", map[string]Shade{"0740": {Class: "Uses"}}, Options{}},
		{"class with space", map[string]Shade{"0740": {Class: "uses x"}}, Options{}},
		{"class with quote", map[string]Shade{"0740": {Class: `uses" onclick="x`}}, Options{}},
		{"class with digit first", map[string]Shade{"0740": {Class: "1st"}}, Options{}},
		{"class with underscore", map[string]Shade{"0740": {Class: "phasing_out"}}, Options{}},
		{"bad default class", nil, Options{DefaultClass: "none;"}},
		{"bad id", nil, Options{ID: "a b"}},
		{"absolute href", map[string]Shade{"0740": {Href: "https://example.org/x"}}, Options{}},
		{"protocol-relative href", map[string]Shade{"0740": {Href: "//example.org/x"}}, Options{}},
		{"backslash href", map[string]Shade{"0740": {Href: `/\example.org`}}, Options{}},
		{"javascript href", map[string]Shade{"0740": {Href: "javascript:alert(1)"}}, Options{}},
		{"relative href", map[string]Shade{"0740": {Href: "systems/1"}}, Options{}},
		{"fragment href", map[string]Shade{"0740": {Href: "#x"}}, Options{}},
		{"href with leading space", map[string]Shade{"0740": {Href: " /systems"}}, Options{}},
		{"href with tab", map[string]Shade{"0740": {Href: "/\t/example.org"}}, Options{}},
		{"href with newline", map[string]Shade{"0740": {Href: "/x\n"}}, Options{}},
		{"unpadded code", map[string]Shade{"740": {Class: "uses"}}, Options{}},
		{"Christiansø", map[string]Shade{"0411": {Class: "uses"}}, Options{}},
	}
	for _, c := range bad {
		var b bytes.Buffer
		err := Render(&b, c.shades, c.opt)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", c.name, err)
		}
		if b.Len() != 0 {
			t.Errorf("%s: %d bytes written despite the error", c.name, b.Len())
		}
	}
	for _, h := range []string{"/", "/systems/1", "/systems/1?k=0740&x=%20y", "/a/b#c", "/æøå"} {
		if err := Render(io.Discard, map[string]Shade{"0740": {Href: h}}, Options{}); err != nil {
			t.Errorf("href %q refused: %v", h, err)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("boom") }

func TestWriteError(t *testing.T) {
	if err := Render(failWriter{}, nil, Options{}); err == nil || err.Error() != "boom" {
		t.Errorf("err = %v", err)
	}
}

func TestConcurrent(t *testing.T) {
	want := render(t, nil, Options{ID: "x"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				var b bytes.Buffer
				if err := Render(&b, nil, Options{ID: "x"}); err != nil || b.String() != want {
					t.Error("concurrent Render differs")
				}
			}
		})
	}
	wg.Wait()
}

func TestSharedBordersIdentical(t *testing.T) {
	// Neighbours must share exactly the same rounded vertices, or the map
	// shows slivers: every segment on a land border appears twice. Count
	// segments that appear exactly twice, as a smoke test of the rounding.
	g, err := load()
	if err != nil {
		t.Fatal(err)
	}
	type seg struct{ a, b Point }
	count := map[seg]int{}
	for _, rings := range g.rings {
		for _, r := range rings {
			for i, a := range r {
				b := r[(i+1)%len(r)]
				if b.X < a.X || (b.X == a.X && b.Y < a.Y) {
					a, b = b, a
				}
				count[seg{a, b}]++
			}
		}
	}
	shared := 0
	for _, n := range count {
		if n == 2 {
			shared++
		}
	}
	if shared < 2000 {
		t.Errorf("only %d shared border segments", shared)
	}
}

func benchShades() map[string]Shade {
	shades := map[string]Shade{}
	classes := []string{"uses", "plans", "phasing-out", "none"}
	for i, m := range Municipalities() {
		s := Shade{Class: classes[i%len(classes)], Label: m.Name + ": driftsfase"}
		if i%2 == 0 {
			s.Href = "/systems/42/kommuner/" + m.Code
		}
		shades[m.Code] = s
	}
	return shades
}

// BenchmarkRender renders all 98 municipalities, each with a class and a
// label and half of them linked.
func BenchmarkRender(b *testing.B) {
	shades := benchShades()
	opt := Options{Title: "Hvem bruger systemet?", Desc: "Kommuner efter status.", ID: "bench"}
	var n int64
	if err := Render(io.Discard, shades, opt); err != nil { // first call parses
		b.Fatal(err)
	}
	var buf bytes.Buffer
	_ = Render(&buf, shades, opt)
	n = int64(buf.Len())
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, shades, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild is the one-off cost of parsing and projecting the data.
func BenchmarkBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := build(boundariesJSON); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEscapeMatchesEncodingXML(t *testing.T) {
	for _, s := range []string{"", "Silkeborg", "Ærø: æøå ÆØÅ", "a&b", "<", ">", `"`, "'", "\t\n\r", "\x00\x01\x1f\x7f",
		"\xff\xfe", "ok \uFFFD", "\uFFFE\uFFFF", "emoji 🗺️", "Høje-Taastrup: «drift» – 2025"} {
		var got, want bytes.Buffer
		escape(&got, s)
		if err := xml.EscapeText(&want, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("escape(%q) = %q, xml.EscapeText: %q", s, got.String(), want.String())
		}
	}
}

// TestRoleWithLinks: links inside role="img" are hidden from assistive
// technology, so a map with links is a group whose links are named.
func TestRoleWithLinks(t *testing.T) {
	out := render(t, map[string]Shade{"0740": {Class: "uses", Label: "Silkeborg: i drift", Href: "/organizations/x"}}, Options{ID: "m"})
	s, byCode := parse(t, out)
	if s.Role != "group" || s.Labelledby != "m-title" {
		t.Errorf("with a link: role %q aria-labelledby %q", s.Role, s.Labelledby)
	}
	if byCode["0740"].Href != "/organizations/x" || !strings.Contains(out, `<a href="/organizations/x" aria-label="Silkeborg: i drift">`) {
		t.Errorf("the link is not named by its label: %q", byCode["0740"])
	}
	if s, _ := parse(t, render(t, map[string]Shade{"0740": {Class: "uses"}}, Options{})); s.Role != "img" {
		t.Errorf("without links: role %q, want img", s.Role)
	}
}
