package tabular

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"github.com/samspil/samspil"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

const bufSize = 64 << 10

func newBufReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, bufSize) }

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

func openCSV(br *bufio.Reader, opt Options) (*Table, error) {
	head, err := br.Peek(3)
	if err != nil && err != io.EOF {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		_, _ = br.Discard(len(bomUTF8))
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		// ExpectBOM reads the byte order from the mark and drops it.
		// Unpaired surrogates become U+FFFD.
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		br = newBufReader(transform.NewReader(br, dec))
	}
	comma := byte(opt.Comma)
	if comma == 0 {
		head, err := br.Peek(bufSize)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, err
		}
		comma = detectComma(head)
	}
	src := &csvSource{br: br, comma: comma, lim: opt.Limits, text: 1}
	return &Table{Format: FormatCSV, Comma: rune(comma), src: src}, nil
}

// detectComma picks the separator of the first line in head: the most
// frequent of ';', '\t' and ',' outside quotes, ';' on ties and when there
// is none.
func detectComma(head []byte) byte {
	var semi, tab, comma int
	quoted := false
loop:
	for _, b := range head {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ';':
			semi++
		case b == '\t':
			tab++
		case b == ',':
			comma++
		case b == '\n' || b == '\r':
			break loop
		}
	}
	switch {
	case semi >= tab && semi >= comma:
		return ';'
	case tab >= comma:
		return '\t'
	}
	return ','
}

// States of the CSV scanner.
const (
	stStart    = iota // at the start of a cell
	stUnquoted        // inside an unquoted cell
	stQuoted          // inside a quoted cell
	stQuote           // just after a quote inside a quoted cell
)

// csvSource scans RFC 4180 records from br. It copies the unquoted text of
// each record into buf and cuts one string into cells, so a row costs two
// allocations.
type csvSource struct {
	br     *bufio.Reader
	comma  byte
	lim    Limits
	header []string // nil while the header is read
	rest   []byte   // bytes of the last chunk after the last record
	rdErr  error    // the reader's error (io.EOF at the end); sticky
	skipLF bool     // the last record ended with '\r': skip a '\n' next
	eof    bool

	text     int // text line of the next byte, 1-based
	row      int // spreadsheet line of the current record
	recText  int // text line where the current record starts
	st       int
	seen     bool // the current record has a byte
	buf      []byte
	ends     []int // end of each finished cell in buf
	cellFrom int   // start of the current cell in buf
	quoteAt  int   // text line where the open quoted cell started
}

func (c *csvSource) setHeader(h []string) { c.header = h }

func (c *csvSource) close() error { return nil }

// where names the current record's line for messages, and its text line
// when a quoted line break came before.
func (c *csvSource) where(text int) samspil.Phrase {
	if text != c.row {
		return samspil.Phrasef("line %d (text line %d)", c.row, text)
	}
	return samspil.Phrasef("line %d", c.row)
}

func (c *csvSource) col() samspil.Phrase { return colLabel(len(c.ends), c.header) }

func (c *csvSource) next() ([]string, int, error) {
	if c.eof {
		return nil, c.row, io.EOF
	}
	c.row++
	c.recText = c.text
	c.st, c.seen = stStart, false
	c.buf, c.ends, c.cellFrom = c.buf[:0], c.ends[:0], 0
	for {
		chunk := c.rest
		c.rest = nil
		if len(chunk) == 0 {
			if c.rdErr != nil {
				return c.atEOF()
			}
			chunk, c.rdErr = c.br.ReadSlice('\n')
			if c.rdErr == bufio.ErrBufferFull {
				c.rdErr = nil
			}
			if c.skipLF && len(chunk) > 0 {
				c.skipLF = false
				if chunk[0] == '\n' {
					chunk = chunk[1:]
				}
			}
		}
		done, err := c.scan(chunk)
		if err != nil || done {
			if err != nil {
				c.eof = true
				return nil, c.row, err
			}
			cells, err := c.finish()
			return cells, c.row, err
		}
	}
}

// atEOF ends the last record when the input ends without a line break.
func (c *csvSource) atEOF() ([]string, int, error) {
	c.eof = true
	if c.rdErr != io.EOF {
		return nil, c.row, c.rdErr
	}
	if !c.seen {
		return nil, c.row, io.EOF
	}
	switch c.st {
	case stQuoted:
		return nil, c.row, invalid("%s, %s: a quoted value is not closed: the quote opened on text line %d has no closing quote before the end of the file",
			c.where(c.quoteAt), c.col(), c.quoteAt)
	}
	if err := c.endCell(); err != nil {
		return nil, c.row, err
	}
	cells, err := c.finish()
	return cells, c.row, err
}

// scan consumes chunk (which holds at most one '\n', at its end) and
// reports whether the record ended; bytes after the end go to c.rest.
func (c *csvSource) scan(chunk []byte) (bool, error) {
	comma := c.comma
	i := 0
	for i < len(chunk) {
		c.seen = true
		switch c.st {
		case stStart:
			switch b := chunk[i]; b {
			case '"':
				c.st, c.quoteAt = stQuoted, c.text
				i++
			case comma:
				if err := c.endCell(); err != nil {
					return false, err
				}
				i++
			case '\n', '\r':
				return true, c.endRecord(chunk, i)
			default:
				c.st = stUnquoted
			}
		case stUnquoted:
			j := i
			for j < len(chunk) {
				b := chunk[j]
				if b == comma || b == '"' || b == '\n' || b == '\r' {
					break
				}
				j++
			}
			if err := c.add(chunk[i:j]); err != nil {
				return false, err
			}
			i = j
			if i == len(chunk) {
				break
			}
			switch chunk[i] {
			case comma:
				if err := c.endCell(); err != nil {
					return false, err
				}
				c.st = stStart
				i++
			case '"':
				return false, invalid("%s, %s: a quote (\") inside a value that does not start with a quote; put the whole value in quotes and double the quote (\"\")",
					c.where(c.text), c.col())
			default:
				return true, c.endRecord(chunk, i)
			}
		case stQuoted:
			j := bytes.IndexByte(chunk[i:], '"')
			if j < 0 {
				if err := c.add(chunk[i:]); err != nil {
					return false, err
				}
				if chunk[len(chunk)-1] == '\n' {
					c.text++
				}
				i = len(chunk)
				break
			}
			if err := c.add(chunk[i : i+j]); err != nil {
				return false, err
			}
			i += j + 1
			c.st = stQuote
		case stQuote:
			switch b := chunk[i]; b {
			case '"':
				if err := c.add(chunk[i : i+1]); err != nil {
					return false, err
				}
				c.st = stQuoted
				i++
			case comma:
				if err := c.endCell(); err != nil {
					return false, err
				}
				c.st = stStart
				i++
			case '\n', '\r':
				return true, c.endRecord(chunk, i)
			default:
				return false, invalid("%s, %s: unexpected text after the closing quote of a quoted value; a quote inside a quoted value must be doubled (\"\")",
					c.where(c.text), c.col())
			}
		}
	}
	return false, nil
}

// endRecord ends the record at the line break chunk[i].
func (c *csvSource) endRecord(chunk []byte, i int) error {
	if chunk[i] == '\r' {
		i++
		if i == len(chunk) {
			c.skipLF = true
		} else if chunk[i] == '\n' {
			i++
		}
	} else {
		i++
	}
	c.rest = chunk[i:]
	err := c.endCell()
	c.text++
	return err
}

// add appends unquoted cell text.
func (c *csvSource) add(b []byte) error {
	if len(c.buf)-c.cellFrom+len(b) > c.lim.MaxCellBytes {
		return tooLarge("%s, %s: the value is longer than %d bytes", c.where(c.text), c.col(), c.lim.MaxCellBytes)
	}
	c.buf = append(c.buf, b...)
	return nil
}

// endCell finishes the current cell.
func (c *csvSource) endCell() error {
	n := len(c.ends) + 1
	switch {
	case c.header == nil && n > c.lim.MaxColumns:
		return tooLarge("%s: the header has more than %d columns", c.where(c.text), c.lim.MaxColumns)
	case c.header != nil && n > len(c.header):
		return invalid("%s: the line has more values than the header's %d columns (is there a separator %q too many, or a value that should be quoted?)",
			c.where(c.text), len(c.header), string(c.comma))
	}
	c.ends = append(c.ends, len(c.buf))
	c.cellFrom = len(c.buf)
	return nil
}

// finish checks the record and cuts it into cells.
func (c *csvSource) finish() ([]string, error) {
	blank := len(c.ends) == 1 && len(c.buf) == 0
	if c.header != nil && len(c.ends) != len(c.header) && !blank {
		return nil, invalid("%s: the line has %d values, but the header has %d columns",
			c.where(c.recText), len(c.ends), len(c.header))
	}
	if bad := firstInvalid(c.buf, c.ends); bad >= 0 {
		col := 0
		for col < len(c.ends) && c.ends[col] <= bad {
			col++
		}
		if c.buf[bad] == 0 {
			return nil, invalid("%s, %s: the value contains a NUL character; the file does not look like text (UTF-16 without a byte-order mark?)",
				c.where(c.recText), colLabel(col, c.header))
		}
		return nil, invalid("%s, %s: the text is not valid UTF-8 (byte 0x%02X); save the file as \"CSV UTF-8\"",
			c.where(c.recText), colLabel(col, c.header), c.buf[bad])
	}
	if blank {
		return nil, nil
	}
	s := string(c.buf)
	cells := make([]string, len(c.ends))
	from := 0
	for i, end := range c.ends {
		cells[i] = s[from:end]
		from = end
	}
	return cells, nil
}

// firstInvalid returns the offset in b of the first byte that is NUL or
// not part of valid UTF-8 within its cell, or -1. The cells end at ends;
// checking b as a whole is not enough, since a separator may split a
// multi-byte sequence ("\xef;\xbb\xbf").
func firstInvalid(b []byte, ends []int) int {
	if utf8.Valid(b) && bytes.IndexByte(b, 0) < 0 {
		for _, e := range ends {
			if e < len(b) && !utf8.RuneStart(b[e]) {
				// The cell before e ends in a partial sequence.
				for i := e - 1; i >= 0; i-- {
					if utf8.RuneStart(b[i]) {
						return i
					}
				}
			}
		}
		return -1
	}
	from := 0
	for k := 0; k <= len(ends); k++ {
		end := len(b)
		if k < len(ends) {
			end = ends[k]
		}
		for i := from; i < end; {
			if b[i] == 0 {
				return i
			}
			if b[i] < utf8.RuneSelf {
				i++
				continue
			}
			r, n := utf8.DecodeRune(b[i:end])
			if r == utf8.RuneError && n == 1 {
				return i
			}
			i += n
		}
		from = end
	}
	return -1
}
