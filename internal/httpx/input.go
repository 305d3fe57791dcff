package httpx

import (
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

// Text input may not hold the NUL character (U+0000): PostgreSQL cannot
// store it in text, and nobody types it. The gate refuses it wherever a
// request carries text, on both engines alike: in the query, in path
// parameters and, while the handler reads it, in a JSON or form body.

// InputError is invalid input found by the HTTP layer rather than the
// store, with where it was: "query", "path" or "body". It unwraps to the
// *samspil.Error, whose field paths are relative to In.
type InputError struct {
	In  string
	Err *samspil.Error
}

func (e *InputError) Error() string { return e.In + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// CheckValues refuses values, and names, that hold U+0000, naming each
// field; in says where they came from ("query", "body").
func CheckValues(in string, values url.Values) error {
	var v samspil.Validation
	for _, name := range slices.Sorted(maps.Keys(values)) {
		bad := strings.ContainsRune(name, 0)
		for _, s := range values[name] {
			bad = bad || strings.ContainsRune(s, 0)
		}
		if bad {
			v.Add(fieldName(name), "must not contain the NUL character (U+0000)")
		}
	}
	return inputErr(in, v.Err())
}

// checkRequest refuses U+0000 in the query and in the path parameters
// (the wildcards of the route's pattern).
func checkRequest(params []string, r *http.Request) error {
	var v samspil.Validation
	for _, name := range params {
		if strings.ContainsRune(r.PathValue(name), 0) {
			v.Add(name, "must not contain the NUL character (U+0000)")
		}
	}
	if err := inputErr("path", v.Err()); err != nil {
		return err
	}
	if !strings.Contains(r.URL.RawQuery, "%00") && !strings.ContainsRune(r.URL.RawQuery, 0) {
		return nil
	}
	values, _ := url.ParseQuery(r.URL.RawQuery) // what cannot be parsed is the handler's to refuse
	return CheckValues("query", values)
}

// wildcards returns the names of the wildcards of a route pattern, such as
// id and path in "GET /x/{id}/{path...}".
func wildcards(pattern string) []string {
	var out []string
	for rest := pattern; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return out
		}
		name := strings.TrimSuffix(rest[i+1:i+j], "...")
		if name != "$" {
			out = append(out, name)
		}
		rest = rest[i+j+1:]
	}
}

func inputErr(in string, err error) error {
	if err == nil {
		return nil
	}
	return &InputError{In: in, Err: err.(*samspil.Error)}
}

// fieldName shows a name that itself holds U+0000 readably.
func fieldName(name string) string {
	return strings.ReplaceAll(name, "\x00", `\u0000`)
}

// scanBody wraps the body of r in a reader that checks the text of a JSON
// or URL-encoded form body as the handler reads it. The first string that
// holds U+0000 fails the read with an *InputError naming its path, e.g.
// goals[2].title, so that the handler refuses the request having changed
// nothing. The scan keeps a few bounded counters and the current path, never
// the body.
func scanBody(r *http.Request) *http.Request {
	if r.Body == nil || r.Body == http.NoBody {
		return r
	}
	var s scanner
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mt == "application/x-www-form-urlencoded":
		s = &formScanner{}
	case mt == "", mt == "application/json", strings.HasSuffix(mt, "+json"):
		// The API reads a body without a type as JSON.
		s = &jsonScanner{}
	default:
		return r
	}
	r2 := r.WithContext(r.Context())
	r2.Body = &scanReader{rc: r.Body, s: s}
	return r2
}

// scanner finds U+0000 in the text of a body, fed piece by piece.
type scanner interface {
	// feed scans the next bytes; it returns the path of a string holding
	// U+0000 and true once it meets one.
	feed(p []byte) (string, bool)
}

type scanReader struct {
	rc  io.ReadCloser
	s   scanner
	err error
}

func (r *scanReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.rc.Read(p)
	if path, found := r.s.feed(p[:n]); found {
		r.err = &InputError{In: "body", Err: samspil.ErrorAt(samspil.EINVALID, path, "must not contain the NUL character (U+0000)")}
		return 0, r.err
	}
	return n, err
}

func (r *scanReader) Close() error { return r.rc.Close() }

// Bounds of the scanners' memory: longer names are cut, deeper nesting is
// counted but not named.
const (
	maxNameBytes = 256
	maxDepth     = 64
)

// name collects a bounded field name.
type name struct {
	b   []byte
	cut bool
}

func (n *name) reset() { n.b, n.cut = n.b[:0], false }

func (n *name) add(c byte) {
	if len(n.b) < maxNameBytes {
		n.b = append(n.b, c)
	} else {
		n.cut = true
	}
}

func (n *name) addRune(r rune) {
	var buf [utf8.UTFMax]byte
	for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
		n.add(c)
	}
}

func (n *name) String() string {
	if n.cut {
		return string(n.b) + "…"
	}
	return string(n.b)
}

// formScanner scans an application/x-www-form-urlencoded body for %00 (or
// a raw NUL byte) in names and values.
type formScanner struct {
	key     name
	inValue bool // after the name's "="
	pct     int  // 0, or 1 or 2 hex digits of a %XX escape seen
	hex     byte // the digits so far
}

func (s *formScanner) feed(p []byte) (string, bool) {
	for _, c := range p {
		if s.pct > 0 {
			d, ok := unhex(c)
			if !ok { // not an escape: ParseForm refuses the body
				s.pct = 0
				continue
			}
			s.hex = s.hex<<4 | d
			if s.pct++; s.pct <= 2 {
				continue
			}
			s.pct = 0
			if path, found := s.decoded(s.hex); found {
				return path, true
			}
			continue
		}
		switch c {
		case '%':
			s.pct, s.hex = 1, 0
		case '&':
			s.key.reset()
			s.inValue = false
		case '=':
			if !s.inValue {
				s.inValue = true
				continue
			}
			if path, found := s.decoded(c); found {
				return path, true
			}
		case '+':
			if path, found := s.decoded(' '); found {
				return path, true
			}
		default:
			if path, found := s.decoded(c); found {
				return path, true
			}
		}
	}
	return "", false
}

// decoded takes one decoded byte of a name or value.
func (s *formScanner) decoded(c byte) (string, bool) {
	if c == 0 {
		if s.inValue {
			return s.key.String(), true
		}
		return s.key.String() + `\u0000`, true
	}
	if !s.inValue {
		s.key.add(c)
	}
	return "", false
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// jsonScanner follows the structure of a JSON text far enough to name the
// path of every string and finds the escape \u0000 in keys and values. (A
// raw NUL byte is not valid JSON; the decoder refuses it.) It stops scanning
// at anything that is not JSON: the decoder refuses that too.
type jsonScanner struct {
	stack    [maxDepth]frame
	depth    int // frames in use
	deeper   int // levels beyond maxDepth
	inString bool
	isKey    bool
	esc      int  // 0; 1 after a backslash; 2-5 within \uXXXX
	u        rune // the \uXXXX digits so far
	key      name
	started  bool // a top-level value has begun
	stopped  bool
}

type frame struct {
	array     bool
	index     int
	key       string
	expectKey bool
}

func (s *jsonScanner) feed(p []byte) (string, bool) {
	if s.stopped {
		return "", false
	}
	for _, c := range p {
		if s.inString {
			if path, found := s.stringByte(c); found {
				return path, true
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n', ':':
		case '{', '[':
			if !s.begin() {
				return "", false
			}
			if s.depth < maxDepth {
				s.stack[s.depth] = frame{array: c == '[', expectKey: c == '{'}
				s.depth++
			} else {
				s.deeper++
			}
		case '}', ']':
			switch {
			case s.deeper > 0:
				s.deeper--
			case s.depth > 0:
				s.depth--
			default:
				s.stopped = true
				return "", false
			}
		case ',':
			if s.deeper > 0 {
				continue
			}
			if s.depth == 0 {
				s.stopped = true
				return "", false
			}
			if f := &s.stack[s.depth-1]; f.array {
				f.index++
			} else {
				f.expectKey = true
			}
		case '"':
			if !s.begin() {
				return "", false
			}
			s.inString, s.esc = true, 0
			s.isKey = s.deeper == 0 && s.depth > 0 && !s.stack[s.depth-1].array && s.stack[s.depth-1].expectKey
			if s.isKey {
				s.key.reset()
			}
		default: // numbers, true, false, null
			if !s.begin() {
				return "", false
			}
		}
	}
	return "", false
}

// begin notes the start of a value. Nothing may follow the top-level value
// (the rest of a top-level number or literal would, but holds no text).
func (s *jsonScanner) begin() bool {
	if s.depth == 0 && s.deeper == 0 {
		if s.started {
			s.stopped = true
			return false
		}
		s.started = true
	}
	return true
}

func (s *jsonScanner) stringByte(c byte) (string, bool) {
	switch {
	case s.esc == 0 && c == '\\':
		s.esc = 1
	case s.esc == 0 && c == '"':
		s.inString = false
		if s.isKey {
			f := &s.stack[s.depth-1]
			f.key, f.expectKey = s.key.String(), false
		}
	case s.esc == 0:
		if s.isKey {
			s.key.add(c)
		}
	case s.esc == 1:
		if c == 'u' {
			s.esc, s.u = 2, 0
			return "", false
		}
		s.esc = 0
		if s.isKey {
			s.key.add(unescape(c))
		}
	default: // a hex digit of \uXXXX
		d, ok := unhex(c)
		if !ok {
			s.stopped, s.inString = true, false
			return "", false
		}
		s.u = s.u<<4 | rune(d)
		if s.esc++; s.esc <= 5 {
			return "", false
		}
		s.esc = 0
		if s.u == 0 {
			return s.path(), true
		}
		if s.isKey {
			s.key.addRune(s.u)
		}
	}
	return "", false
}

func unescape(c byte) byte {
	switch c {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c // " \ /
}

// path names the string being scanned, e.g. goals[2].title; a key that
// holds U+0000 is named as far as it was read.
func (s *jsonScanner) path() string {
	var b strings.Builder
	for i := range s.depth {
		f := &s.stack[i]
		last := i == s.depth-1
		switch {
		case f.array:
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		case last && s.isKey:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key.String() + `\u0000`)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
	}
	if s.deeper > 0 {
		b.WriteString("…")
	}
	return b.String()
}
