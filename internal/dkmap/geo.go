package dkmap

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
)

// The boundaries: see data/SOURCES.md.
//
//go:embed data/kommuner_boundaries_simplified.geojson
var boundariesJSON []byte

// Layout of the map, in viewBox units.
const (
	// Width is the width of the viewBox; the height follows from the shape of
	// Denmark (see ViewBox).
	Width = 1000
	// margin is kept free on every side of the main map and around the
	// Bornholm inset.
	margin = 10
	// insetPad is the space between Bornholm and its frame.
	insetPad = 8

	bornholm = "0400"
	// refLat is the latitude whose scale the projection keeps true.
	refLat = 56.0
)

// Point is a position in map coordinates (viewBox units, y grows downwards).
type Point struct{ X, Y float64 }

// Rect is an axis-parallel rectangle in map coordinates.
type Rect struct{ X, Y, W, H float64 }

// Contains reports whether p lies in r (edges included).
func (r Rect) Contains(p Point) bool {
	return p.X >= r.X && p.X <= r.X+r.W && p.Y >= r.Y && p.Y <= r.Y+r.H
}

// Municipality is one of the 98 municipalities as drawn on the map.
type Municipality struct {
	Code string // kommunekode, 4 digits, e.g. "0740"
	Name string // e.g. "Silkeborg"
	// Centroid is the area centroid of the whole municipality, islands
	// included (it may fall outside the municipality, e.g. in the sea).
	Centroid Point
	// Anchor is a point inside the municipality's largest part, near that
	// part's centroid: the place for a label or marker.
	Anchor Point
	// Bounds is the bounding box of the municipality's drawing.
	Bounds Rect
}

// geo is the parsed and projected data, built once.
type geo struct {
	height float64 // viewBox height
	inset  Rect    // frame around Bornholm
	frame  string  // its <rect> element
	munis  []Municipality
	// rings per municipality: closed rings (first point not repeated),
	// outer rings and holes alike, filled even-odd.
	rings [][][]Point
	pre   []string // per municipality: ` data-code="…" d="…"`
	index map[string]int
	size  int // bytes of all pre strings, to size the output buffer
}

var (
	geoOnce sync.Once
	geoData *geo
	geoErr  error
)

func load() (*geo, error) {
	geoOnce.Do(func() { geoData, geoErr = build(boundariesJSON) })
	return geoData, geoErr
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Properties struct {
			Code string `json:"kommunekode"`
			Name string `json:"navn"`
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// lonLat is a polygon list: polygons → rings → positions [lon, lat].
type lonLat [][][][2]float64

// build parses the GeoJSON and projects it.
//
// Projection: equirectangular ("plate carrée") with the x axis shrunk by
// cos 56°, the mid latitude of Denmark: x = lon·cos 56°, y = −lat. Within
// Denmark (54.6°–57.8° N) the east-west scale is off by at most ±5 %, which
// is invisible at this size, and the formula needs no library. Everything
// but Bornholm is then scaled uniformly to fill the width less the margin;
// Bornholm, at the same scale, is moved into a framed inset in the top
// right corner, where the Kattegat leaves the map empty.
func build(data []byte) (*geo, error) {
	var fc featureCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("dkmap: boundaries: %w", err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		return nil, fmt.Errorf("dkmap: boundaries: not a FeatureCollection with features")
	}
	kx := math.Cos(refLat * math.Pi / 180)

	type raw struct {
		code, name string
		polys      [][][]Point // unscaled projected coordinates
	}
	raws := make([]raw, 0, len(fc.Features))
	seen := map[string]bool{}
	for _, f := range fc.Features {
		code, name := f.Properties.Code, f.Properties.Name
		if len(code) != 4 || name == "" || seen[code] {
			return nil, fmt.Errorf("dkmap: boundaries: bad or repeated feature %q %q", code, name)
		}
		seen[code] = true
		var polys lonLat
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("dkmap: boundaries: %s: %w", code, err)
			}
			polys = lonLat{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("dkmap: boundaries: %s: %w", code, err)
			}
		default:
			return nil, fmt.Errorf("dkmap: boundaries: %s: geometry type %q", code, f.Geometry.Type)
		}
		r := raw{code: code, name: name}
		for _, poly := range polys {
			var pp [][]Point
			for _, ring := range poly {
				pr := make([]Point, len(ring))
				for i, c := range ring {
					pr[i] = Point{c[0] * kx, -c[1]}
				}
				pp = append(pp, pr)
			}
			r.polys = append(r.polys, pp)
		}
		raws = append(raws, r)
	}
	sort.Slice(raws, func(i, j int) bool { return raws[i].code < raws[j].code })

	// Bounding boxes of the main map and of Bornholm.
	main, bh := emptyBox(), emptyBox()
	for _, r := range raws {
		b := &main
		if r.code == bornholm {
			b = &bh
		}
		for _, poly := range r.polys {
			for _, ring := range poly {
				for _, p := range ring {
					b.add(p)
				}
			}
		}
	}
	if main.empty() || bh.empty() {
		return nil, fmt.Errorf("dkmap: boundaries: no main map or no Bornholm")
	}
	scale := (Width - 2*margin) / (main.maxX - main.minX)
	g := &geo{
		height: math.Ceil((main.maxY-main.minY)*scale + 2*margin),
		index:  make(map[string]int, len(raws)),
	}
	bw, bhh := (bh.maxX-bh.minX)*scale, (bh.maxY-bh.minY)*scale
	g.inset = Rect{
		X: Width - margin - bw - 2*insetPad,
		Y: margin,
		W: bw + 2*insetPad,
		H: bhh + 2*insetPad,
	}
	g.inset = Rect{X: round1(g.inset.X), Y: round1(g.inset.Y), W: round1(g.inset.W), H: round1(g.inset.H)}
	g.frame = fmt.Sprintf(`<rect class="dkmap-inset" x="%g" y="%g" width="%g" height="%g" fill="none"/>`+"\n",
		g.inset.X, g.inset.Y, g.inset.W, g.inset.H)

	for _, r := range raws {
		// Map coordinates, in integer tenths so that rounding is exact and
		// shared borders stay identical in both neighbours.
		ox, oy := main.minX, main.minY
		dx, dy := float64(margin), float64(margin)
		if r.code == bornholm {
			ox, oy = bh.minX, bh.minY
			dx, dy = g.inset.X+insetPad, g.inset.Y+insetPad
		}
		m := Municipality{Code: r.code, Name: r.name}
		var rings [][]Point
		var parts [][][]Point // rings grouped by polygon, for the anchor
		for _, poly := range r.polys {
			var part [][]Point
			for _, ring := range poly {
				var out []Point
				for _, p := range ring {
					q := Point{round1((p.X-ox)*scale + dx), round1((p.Y-oy)*scale + dy)}
					if len(out) > 0 && out[len(out)-1] == q {
						continue
					}
					out = append(out, q)
				}
				for len(out) > 1 && out[len(out)-1] == out[0] {
					out = out[:len(out)-1]
				}
				if len(out) < 3 || ringArea(out) == 0 {
					continue // an islet smaller than the rounding
				}
				part = append(part, out)
				rings = append(rings, out)
			}
			if len(part) > 0 {
				parts = append(parts, part)
			}
		}
		if len(rings) == 0 {
			return nil, fmt.Errorf("dkmap: boundaries: %s has nothing left to draw", r.code)
		}
		m.Bounds = bounds(rings)
		m.Centroid = centroid(rings)
		m.Anchor = anchor(parts)

		d := pathData(rings)
		pre := ` data-code="` + m.Code + `" d="` + d + `"`
		g.index[m.Code] = len(g.munis)
		g.munis = append(g.munis, m)
		g.rings = append(g.rings, rings)
		g.pre = append(g.pre, pre)
		g.size += len(pre)
	}
	return g, nil
}

type box struct{ minX, minY, maxX, maxY float64 }

func emptyBox() box { return box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func (b *box) add(p Point) {
	b.minX, b.maxX = min(b.minX, p.X), max(b.maxX, p.X)
	b.minY, b.maxY = min(b.minY, p.Y), max(b.maxY, p.Y)
}

func (b box) empty() bool { return b.minX > b.maxX }

func bounds(rings [][]Point) Rect {
	b := emptyBox()
	for _, r := range rings {
		for _, p := range r {
			b.add(p)
		}
	}
	return Rect{b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY}
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// ringArea is the signed shoelace area.
func ringArea(r []Point) float64 {
	var a float64
	for i, p := range r {
		q := r[(i+1)%len(r)]
		a += p.X*q.Y - q.X*p.Y
	}
	return a / 2
}

// centroid is the area centroid of rings filled even-odd, assuming (as the
// data has it) that holes lie inside outer rings: a ring inside an odd
// number of other rings counts negatively.
func centroid(rings [][]Point) Point {
	var a, cx, cy float64
	for i, r := range rings {
		sign := 1.0
		for j, o := range rings {
			if i != j && inRing(r[0], o) {
				sign = -sign
			}
		}
		ra := math.Abs(ringArea(r)) * sign
		c := ringCentroid(r)
		a += ra
		cx += c.X * ra
		cy += c.Y * ra
	}
	if a == 0 {
		return rings[0][0]
	}
	return Point{cx / a, cy / a}
}

func ringCentroid(r []Point) Point {
	var a, cx, cy float64
	for i, p := range r {
		q := r[(i+1)%len(r)]
		c := p.X*q.Y - q.X*p.Y
		a += c
		cx += (p.X + q.X) * c
		cy += (p.Y + q.Y) * c
	}
	if a == 0 {
		return r[0]
	}
	return Point{cx / (3 * a), cy / (3 * a)}
}

// inRing is the even-odd point-in-ring test.
func inRing(p Point, r []Point) bool {
	in := false
	for i, a := range r {
		b := r[(i+1)%len(r)]
		if (a.Y > p.Y) != (b.Y > p.Y) && p.X < a.X+(p.Y-a.Y)*(b.X-a.X)/(b.Y-a.Y) {
			in = !in
		}
	}
	return in
}

// inRings is the even-odd point-in-area test over several rings.
func inRings(p Point, rings [][]Point) bool {
	in := false
	for _, r := range rings {
		if inRing(p, r) {
			in = !in
		}
	}
	return in
}

// anchor returns a point inside the largest part: its centroid when that is
// inside, else the middle of the widest inside stretch of the horizontal
// line through the centroid (or, failing that, through the part's middle).
func anchor(parts [][][]Point) Point {
	best, bestA := 0, -1.0
	for i, part := range parts {
		if a := math.Abs(ringArea(part[0])); a > bestA {
			best, bestA = i, a
		}
	}
	part := parts[best]
	c := centroid(part)
	if inRings(c, part) {
		return c
	}
	b := bounds(part)
	for _, y := range []float64{c.Y, b.Y + b.H/2, b.Y + b.H/3, b.Y + 2*b.H/3} {
		if p, ok := widestSpan(part, y+0.05); ok { // off the 0.1 grid of vertices
			return p
		}
	}
	return part[0][0]
}

func widestSpan(rings [][]Point, y float64) (Point, bool) {
	var xs []float64
	for _, r := range rings {
		for i, a := range r {
			b := r[(i+1)%len(r)]
			if (a.Y > y) != (b.Y > y) {
				xs = append(xs, a.X+(y-a.Y)*(b.X-a.X)/(b.Y-a.Y))
			}
		}
	}
	sort.Float64s(xs)
	best, w := Point{}, 0.0
	for i := 0; i+1 < len(xs); i += 2 {
		if xs[i+1]-xs[i] > w {
			w = xs[i+1] - xs[i]
			best = Point{(xs[i] + xs[i+1]) / 2, y}
		}
	}
	return best, w > 0
}

// pathData is SVG path data: per ring "M x y L x y x y … Z" (after L further
// pairs are implicit line-tos), numbers with at most one decimal.
func pathData(rings [][]Point) string {
	var b []byte
	for _, r := range rings {
		for i, p := range r {
			switch i {
			case 0:
				b = append(b, 'M')
			case 1:
				b = append(b, 'L')
			default:
				b = append(b, ' ')
			}
			b = appendNum(b, p.X)
			b = append(b, ' ')
			b = appendNum(b, p.Y)
		}
		b = append(b, 'Z')
	}
	return string(b)
}

// appendNum appends v, a multiple of 0.1, as "12.3" or "12".
func appendNum(b []byte, v float64) []byte {
	t := int64(math.Round(v * 10))
	if t < 0 {
		b = append(b, '-')
		t = -t
	}
	b = strconv.AppendInt(b, t/10, 10)
	if t%10 != 0 {
		b = append(b, '.', byte('0'+t%10))
	}
	return b
}
