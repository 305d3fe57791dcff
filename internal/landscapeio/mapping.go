package landscapeio

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

// field is one column of a kind of file, read into and written from the
// builder B of the kind's records.
type field[B any] struct {
	// key names the value, as the JSON path of the domain type where there
	// is one (validation errors name fields by it).
	key string
	// heading is the column's heading in our template, with "*" when the
	// column is required; "" for a column read only from KITOS files.
	heading string
	// names are the headings the column is found by, in order of
	// preference when a file has several of them; heading is among them.
	names []string
	// required columns must be in the header and have a value in each row.
	required bool
	// parse reads the trimmed, non-empty text v of a cell into b, reporting
	// a bad value with rc.bad.
	parse func(b *B, v string, rc *rowCtx)
	// format writes the value for export; nil for columns without heading.
	format func(b *B) string
	// cell writes the value for export as a typed cell (a number, date or
	// amount) whose text is format's; nil for text.
	cell func(b *B) tabular.Cell
	// kind is what cell writes, for the column's width.
	kind tabular.CellKind
}

// spec is what a kind of file holds.
type spec[B any] struct {
	kind  samspil.ImportKind
	sheet string // the XLSX sheet name of exports
	// fields are in template order, columns only read from KITOS files last.
	fields []field[B]
	// finish checks and completes a row whose cells were read without error.
	finish func(b *B, rc *rowCtx)
	// record returns the record of a finished row.
	record func(b *B) samspil.Record
}

// kindSpec is a spec without its type parameter.
type kindSpec interface {
	bind(header []string) (m rowMapper, matched int, missing []string)
	requiredHeadings() []string
	templateHeader() []string
	// columnKinds are the kinds of the template's columns, in its order.
	columnKinds() []tabular.CellKind
	sheetName() string
}

// rowMapper maps the rows of a file with a known header.
type rowMapper interface {
	kind() samspil.ImportKind
	// mapRow maps the cells of the row on line; ok is false for a blank row.
	mapRow(cells []string, line int, date func(string) (time.Time, error)) (rec samspil.Record, ok bool)
	// heading returns the file's heading of the field key, or "".
	heading(key string) string
	// ignored returns the file's headings that no field reads.
	ignored() []string
	// shown tells, for each of the template's columns, whether the preview
	// shows it: the file has it, or it is settled from columns the file has.
	shown() []bool
	// cellKind is what the field read from the file's column col holds.
	cellKind(col int) tabular.CellKind
}

// kinds lists the specs in the order a header that fits several equally
// well is given to: contracts, whose required columns are the most
// specific, then usages (a usage file adds its systems to the catalogue
// anyway), then systems.
var kinds = []kindSpec{contractSpec, usageSpec, systemSpec}

var kindByName = map[samspil.ImportKind]kindSpec{
	samspil.ImportSystems:   systemSpec,
	samspil.ImportUsages:    usageSpec,
	samspil.ImportContracts: contractSpec,
}

// normHeading is the form in which headings are compared: lower case,
// without surrounding spaces or a trailing "*", inner runs of spaces as one.
func normHeading(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, "*"))
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), unicode.IsSpace), " ")
}

func (s *spec[B]) sheetName() string { return s.sheet }

func (s *spec[B]) requiredHeadings() []string {
	var out []string
	for _, f := range s.fields {
		if f.required {
			out = append(out, f.heading)
		}
	}
	return out
}

func (s *spec[B]) templateHeader() []string {
	var out []string
	for _, f := range s.fields {
		if f.heading != "" {
			out = append(out, f.heading)
		}
	}
	return out
}

func (s *spec[B]) columnKinds() []tabular.CellKind {
	var out []tabular.CellKind
	for _, f := range s.fields {
		if f.heading != "" {
			out = append(out, f.kind)
		}
	}
	return out
}

// boundCol is a field found in a header.
type boundCol[B any] struct {
	f     *field[B]
	idx   int  // column in the file
	alias bool // found by another name than the template heading
}

// binding is a spec bound to a header.
type binding[B any] struct {
	spec   *spec[B]
	header []string
	cols   []boundCol[B]
	keyCol map[string]int // field key to column in the file
}

// bind finds the spec's fields in header: each by the first of its names
// that a column has (the first such column when several have it). It
// returns how many fields were found and the headings of required fields
// that were not.
func (s *spec[B]) bind(header []string) (rowMapper, int, []string) {
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = normHeading(h)
	}
	taken := make([]bool, len(header))
	b := &binding[B]{spec: s, header: header, keyCol: map[string]int{}}
	var missing []string
	for i := range s.fields {
		f := &s.fields[i]
		idx := -1
	names:
		for _, name := range f.names {
			n := normHeading(name)
			for j := range norm {
				if norm[j] == n && !taken[j] {
					idx = j
					break names
				}
			}
		}
		if idx < 0 {
			if f.required {
				missing = append(missing, describe(f.heading, f.names))
			}
			continue
		}
		taken[idx] = true
		b.cols = append(b.cols, boundCol[B]{f: f, idx: idx, alias: norm[idx] != normHeading(f.heading)})
		b.keyCol[f.key] = idx
	}
	// Cells are read left to right, so that errors come in the file's order.
	slices.SortFunc(b.cols, func(x, y boundCol[B]) int { return x.idx - y.idx })
	return b, len(b.cols), missing
}

func (b *binding[B]) kind() samspil.ImportKind { return b.spec.kind }

func (b *binding[B]) heading(key string) string {
	if col, ok := b.keyCol[key]; ok {
		return strings.TrimSpace(b.header[col])
	}
	return ""
}

func (b *binding[B]) ignored() []string {
	read := make([]bool, len(b.header))
	for _, c := range b.cols {
		read[c.idx] = true
	}
	var out []string
	for i, h := range b.header {
		if !read[i] && strings.TrimSpace(h) != "" {
			out = append(out, strings.TrimSpace(h))
		}
	}
	return out
}

func (b *binding[B]) shown() []bool {
	var out []bool
	for _, f := range b.spec.fields {
		if f.heading == "" {
			continue
		}
		_, has := b.keyCol[f.key]
		for _, from := range settledBy[f.key] {
			_, ok := b.keyCol[from]
			has = has || ok
		}
		out = append(out, has)
	}
	return out
}

// settledBy are the columns, read only from KITOS files, that settle a
// template column (see finishContract).
var settledBy = map[string][]string{
	"duration_months":  {"ongoing"},
	"expiry":           {"ongoing"},
	"extension_count":  {"options"},
	"extension_months": {"options"},
	"notice_rule":      {"ongoing"},
}

func (b *binding[B]) cellKind(col int) tabular.CellKind {
	for _, c := range b.cols {
		if c.idx == col {
			return c.f.kind
		}
	}
	return tabular.KindText
}

func (b *binding[B]) mapRow(cells []string, line int, date func(string) (time.Time, error)) (samspil.Record, bool) {
	blank := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			blank = false
			break
		}
	}
	if blank {
		return samspil.Record{}, false
	}
	rc := &rowCtx{header: b.header, line: line, parseDate: date, keyCol: b.keyCol}
	var v B
	for _, bc := range b.cols {
		text := ""
		if bc.idx < len(cells) {
			text = cellText(cells[bc.idx])
		}
		rc.col, rc.alias, rc.value = bc.idx, bc.alias, text
		if text == "" {
			if bc.f.required {
				rc.bad("must not be empty")
			}
			continue
		}
		bc.f.parse(&v, text, rc)
	}
	if len(rc.errs) == 0 && b.spec.finish != nil {
		b.spec.finish(&v, rc)
	}
	if len(rc.errs) > 0 {
		return samspil.Record{Line: line, Errs: rc.errs}, true
	}
	rec := b.spec.record(&v)
	rec.Line = line
	return rec, true
}

// describe names a column by its heading and other names: "Start /
// Indgået / Gyldig fra", words of no language, as they go into messages.
func describe(heading string, names []string) string {
	var alts []string
	for _, n := range names {
		if normHeading(n) != normHeading(heading) {
			alts = append(alts, n)
		}
	}
	d := strings.TrimSuffix(heading, "*")
	if len(alts) > 0 {
		d += " / " + strings.Join(alts, " / ")
	}
	return d
}

// rowCtx is the state of mapping one row.
type rowCtx struct {
	header    []string
	line      int
	parseDate func(string) (time.Time, error)
	keyCol    map[string]int
	col       int    // the column being read
	alias     bool   // whether its heading is another than the template's
	value     string // its text
	errs      []samspil.RowError
}

// bad reports the cell being read as bad: msg says what it must be, and
// the value read is added.
func (rc *rowCtx) bad(msg string) {
	if rc.value != "" {
		msg += `, not "` + clip(rc.value) + `"`
	}
	rc.errs = append(rc.errs, samspil.RowError{Line: rc.line, Column: rc.header[rc.col], Message: msg})
}

// fail reports the cell being read as bad with msg alone.
func (rc *rowCtx) fail(msg string) {
	rc.errs = append(rc.errs, samspil.RowError{Line: rc.line, Column: rc.header[rc.col], Message: msg})
}

// badAt reports a problem with the row at the column of the field key, or
// at fallback's when the file has no column for key.
func (rc *rowCtx) badAt(key, fallback, msg string) {
	col, ok := rc.keyCol[key]
	if !ok {
		col = rc.keyCol[fallback]
	}
	rc.errs = append(rc.errs, samspil.RowError{Line: rc.line, Column: rc.header[col], Message: msg})
}

// heading returns the file's heading of the field key for a message,
// without surrounding spaces or "*", or "".
func (rc *rowCtx) heading(key string) string {
	if col, ok := rc.keyCol[key]; ok {
		return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rc.header[col]), "*"))
	}
	return ""
}

// has reports whether the file has a column for the field key.
func (rc *rowCtx) has(key string) bool {
	_, ok := rc.keyCol[key]
	return ok
}

// cellText is the text of a cell as the value of a field: without the
// apostrophe that neutralises a formula (see the package documentation),
// and trimmed.
func cellText(s string) string {
	if strings.HasPrefix(s, "'") && looksLikeFormula(strings.TrimLeft(s, "'")) {
		s = s[1:]
	}
	return strings.TrimSpace(s)
}

// exportText is the cell text that cellText reads back as s.
func exportText(s string) string {
	if strings.HasPrefix(s, "'") && looksLikeFormula(strings.TrimLeft(s, "'")) {
		return "'" + s
	}
	return s
}

func looksLikeFormula(s string) bool { return s != "" && tabular.NeutralizeFormula(s) != s }

// clip shortens a value for a message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}
