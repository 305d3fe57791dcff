// Package dkmap draws Denmark's 98 municipalities as an inline SVG map,
// each municipality coloured by a CSS class, e.g. to show which
// municipalities use an IT system.
//
// The output is an <svg> element to embed in an HTML page. It carries no
// style attribute and no <style> element (the site's Content-Security-Policy
// forbids inline styles): the colours come from the site stylesheet, see
// map.css in this package for the rules to copy. The only presentation
// attributes are fill-rule="evenodd" on the <svg> (so København's hole shows
// Frederiksberg) and fill="none" on the Bornholm inset frame; presentation
// attributes are not inline styles and CSP does not restrict them.
//
// The boundaries are embedded (data/, see data/SOURCES.md), parsed and
// projected on first use; every later Render only concatenates precomputed
// path strings.
package dkmap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Shade is how one municipality is drawn.
type Shade struct {
	// Class is a CSS class added to the municipality's path, e.g. "uses",
	// "plans", "phasing-out", "none"; it must match ^[a-z][a-z0-9-]*$.
	// Empty means Options.DefaultClass.
	Class string
	// Label is the tooltip and accessible name, e.g. "Silkeborg: driftsfase".
	// Empty means Options.DefaultLabel.
	Label string
	// Href, when set, makes the municipality a link. It must be a path on
	// this site: starting with "/" (not "//"), with an optional query and
	// fragment.
	Href string
}

// Options are the parts of the map not tied to one municipality.
type Options struct {
	// Title is the map's accessible name (the <title> of the <svg>).
	// Empty means "Danmarks kommuner".
	Title string
	// Desc is a longer description (the <desc>); may be empty.
	Desc string
	// DefaultClass is the class of municipalities without a Shade (or with
	// an empty Shade.Class); empty means none besides "muni".
	DefaultClass string
	// DefaultLabel gives the label of municipalities without a Shade (or
	// with an empty Shade.Label); nil means the municipality's name.
	DefaultLabel func(code, name string) string
	// ID is the id of the <svg>; its <title> and <desc> get ID+"-title" and
	// ID+"-desc". It must match ^[a-z][a-z0-9-]*$. Empty means "dkmap-N"
	// with N counting up, so that several maps on one page do not clash.
	ID string
}

// ErrInvalid is wrapped by the errors Render returns for bad input.
var ErrInvalid = errors.New("dkmap: invalid input")

var (
	classRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	idSeq   atomic.Uint64
	bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// Municipalities returns the 98 municipalities ordered by code, with their
// positions on the map (Bornholm's as drawn in its inset).
func Municipalities() []Municipality {
	g, err := load()
	if err != nil {
		return nil
	}
	return append([]Municipality(nil), g.munis...)
}

// ViewBox returns the width and height of the map's viewBox ("0 0 w h").
func ViewBox() (w, h float64) {
	g, err := load()
	if err != nil {
		return 0, 0
	}
	return Width, g.height
}

// Inset returns the frame around Bornholm, in map coordinates.
func Inset() Rect {
	g, err := load()
	if err != nil {
		return Rect{}
	}
	return g.inset
}

// Render writes the map as one <svg> element. shades is keyed by
// kommunekode ("0740"); a code that is not one of the 98 is an error, as is
// a bad class, id or href. Nothing is written when Render fails on input.
// The output is the same XML for HTML and XHTML pages. A map without links
// has role="img"; one with links has role="group", and each link is named by
// its municipality's label.
func Render(w io.Writer, shades map[string]Shade, opt Options) error {
	g, err := load()
	if err != nil {
		return err
	}
	if opt.DefaultClass != "" && !classRE.MatchString(opt.DefaultClass) {
		return fmt.Errorf("%w: default class %q", ErrInvalid, opt.DefaultClass)
	}
	if opt.ID != "" && !classRE.MatchString(opt.ID) {
		return fmt.Errorf("%w: id %q", ErrInvalid, opt.ID)
	}
	for code, s := range shades {
		if _, ok := g.index[code]; !ok {
			return fmt.Errorf("%w: no municipality with code %q", ErrInvalid, code)
		}
		if s.Class != "" && !classRE.MatchString(s.Class) {
			return fmt.Errorf("%w: %s: class %q", ErrInvalid, code, s.Class)
		}
		if s.Href != "" && !localPath(s.Href) {
			return fmt.Errorf("%w: %s: href %q is not a path on this site", ErrInvalid, code, s.Href)
		}
	}
	id := opt.ID
	if id == "" {
		id = "dkmap-" + strconv.FormatUint(idSeq.Add(1), 10)
	}
	title := opt.Title
	if title == "" {
		title = "Danmarks kommuner"
	}

	b := bufPool.Get().(*bytes.Buffer)
	defer func() {
		if b.Cap() <= 1<<20 {
			b.Reset()
			bufPool.Put(b)
		}
	}()
	b.Reset()
	b.Grow(g.size + len(g.munis)*160 + 1024)

	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="dkmap" id="`)
	b.WriteString(id)
	b.WriteString(`" viewBox="0 0 `)
	b.WriteString(strconv.Itoa(Width))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatFloat(g.height, 'f', -1, 64))
	// A map without links is one picture (role="img"); a map whose
	// municipalities link somewhere is a group of graphics, so that the links
	// stay in the keyboard order and assistive technology reads them (an
	// image's content is hidden from it, and links inside role="img" are an
	// accessibility error).
	role := "img"
	for _, s := range shades {
		if s.Href != "" {
			role = "group"
			break
		}
	}
	b.WriteString(`" fill-rule="evenodd" role="`)
	b.WriteString(role)
	b.WriteString(`" aria-labelledby="`)
	b.WriteString(id)
	b.WriteString(`-title`)
	if opt.Desc != "" {
		b.WriteString(` `)
		b.WriteString(id)
		b.WriteString(`-desc`)
	}
	b.WriteString(`"><title id="`)
	b.WriteString(id)
	b.WriteString(`-title">`)
	escape(b, title)
	b.WriteString(`</title>`)
	if opt.Desc != "" {
		b.WriteString(`<desc id="`)
		b.WriteString(id)
		b.WriteString(`-desc">`)
		escape(b, opt.Desc)
		b.WriteString(`</desc>`)
	}
	b.WriteString("\n")

	for i, m := range g.munis {
		s := shades[m.Code]
		class, label := s.Class, s.Label
		if class == "" {
			class = opt.DefaultClass
		}
		if label == "" {
			if opt.DefaultLabel != nil {
				label = opt.DefaultLabel(m.Code, m.Name)
			}
			if label == "" {
				label = m.Name
			}
		}
		if s.Href != "" {
			b.WriteString(`<a href="`)
			escape(b, s.Href)
			b.WriteString(`" aria-label="`)
			escape(b, label)
			b.WriteString(`">`)
		} else {
			b.WriteString(`<g>`)
		}
		b.WriteString(`<path class="muni`)
		if class != "" {
			b.WriteByte(' ')
			b.WriteString(class)
		}
		b.WriteByte('"')
		b.WriteString(g.pre[i])
		b.WriteString(`><title>`)
		escape(b, label)
		b.WriteString(`</title></path>`)
		if s.Href != "" {
			b.WriteString("</a>\n")
		} else {
			b.WriteString("</g>\n")
		}
	}
	b.WriteString(g.frame)
	b.WriteString("</svg>\n")
	_, err = w.Write(b.Bytes())
	return err
}

// localPath reports whether href is a path on this site: it starts with one
// "/", has no scheme, host or user, no control characters, spaces or
// backslashes (browsers read "/\evil" as "//evil").
func localPath(href string) bool {
	if !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
		return false
	}
	for i := 0; i < len(href); i++ {
		if c := href[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	if !utf8.ValidString(href) {
		return false
	}
	u, err := url.Parse(href)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && strings.HasPrefix(u.Path, "/")
}

// escape writes s as XML character data, safe in text and in a quoted
// attribute: encoding/xml escapes & < > " ' and tab/newline/CR, and replaces
// characters XML does not allow (control characters, invalid UTF-8) by
// U+FFFD. Strings with none of these (the usual case) are copied as they
// are, which saves an allocation each. Writing to a bytes.Buffer cannot fail.
func escape(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch {
		case r < ' ', r == '&', r == '<', r == '>', r == '"', r == '\'',
			r >= utf8.RuneError: // invalid UTF-8, U+FFFD, U+FFFE, U+FFFF, …
			_ = xml.EscapeText(b, []byte(s))
			return
		}
	}
	b.WriteString(s)
}
