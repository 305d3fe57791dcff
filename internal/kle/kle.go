// Package kle reads editions of KLE (KL Emnesystematik), the Danish
// municipal task taxonomy, into samspil.Task values. Two formats are read:
//
//   - KL's official XML emneplan (root element <KLE-Emneplan>, e.g.
//     KLE-Emneplan_Version2-0_2015-08-01.xml or the KLE-REST "fuld version"
//     export), which holds main groups, groups and topics, including
//     historic ones;
//   - the OS2KLE text file (OS2KLE.txt), one line per current topic:
//     KLENummer='00.01.00':KLETitel='…':Keywords[Weight]=…
//
// Input is untrusted: it is read in one pass with bounded memory; its size,
// number of items, title length and XML nesting depth are capped, as are
// the length of an OS2KLE line and of a single XML token (text, comment or
// tag); XML documents with a DOCTYPE are refused. Every problem with the
// input is reported as a *samspil.Error that names the line (and, for XML,
// the element); exceeding the size or item limits is samspil.ETOOLARGE,
// everything else samspil.EINVALID.
package kle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

// Formats of an Edition.
const (
	FormatXML    = "kle-xml" // KL's XML emneplan
	FormatOS2KLE = "os2kle"  // OS2KLE text file
)

// Limits on untrusted input.
const (
	MaxInputBytes = 64 << 20  // bytes of input read at most
	MaxItems      = 100_000   // main groups, groups and topics together
	MaxTitleRunes = 1000      // characters of one title
	MaxLineBytes  = 256 << 10 // bytes of one OS2KLE line
	MaxXMLDepth   = 64        // nesting depth of XML elements
	MaxXMLToken   = 256 << 10 // bytes of one XML text, comment or tag
)

// Edition is one parsed KLE file.
type Edition struct {
	// Format is FormatXML or FormatOS2KLE.
	Format string
	// Published is the edition's publication date (YYYY-MM-DD) when the
	// file states it (XML <UdgivelsesDato>), else "".
	Published string
	// Tasks in file order; in XML files every parent precedes its
	// children. Historic XML items have ExpiredAt set.
	Tasks []samspil.Task
	// Levels the format carries: [1 2 3] for XML, [3] for OS2KLE (which
	// names no main groups or groups, although topics' ParentCode still
	// names their group). A code of one of these levels that is missing
	// from Tasks is not part of the edition; codes of other levels are
	// simply not described by it.
	Levels []int
}

// limits are the caps applied while parsing; tests lower them.
type limits struct {
	maxBytes      int64
	maxItems      int
	maxTitleRunes int
	maxLineBytes  int
	maxDepth      int
	maxTokenBytes int
}

var defaultLimits = limits{
	maxBytes:      MaxInputBytes,
	maxItems:      MaxItems,
	maxTitleRunes: MaxTitleRunes,
	maxLineBytes:  MaxLineBytes,
	maxDepth:      MaxXMLDepth,
	maxTokenBytes: MaxXMLToken,
}

// Parse reads a KLE edition in either format, telling them apart by the
// first non-blank characters (within the first 8 KiB): "<" starts XML,
// "KLENummer=" OS2KLE text.
func Parse(r io.Reader) (*Edition, error) { return parse(r, "", defaultLimits) }

// ParseXML reads KL's XML emneplan.
func ParseXML(r io.Reader) (*Edition, error) { return parse(r, FormatXML, defaultLimits) }

// ParseOS2KLE reads an OS2KLE text file.
func ParseOS2KLE(r io.Reader) (*Edition, error) { return parse(r, FormatOS2KLE, defaultLimits) }

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func parse(r io.Reader, format string, lim limits) (*Edition, error) {
	cr := &capReader{r: r, max: lim.maxBytes}
	br := bufio.NewReaderSize(cr, sniffBytes)
	if b, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	var (
		ed  *Edition
		err error
	)
	if format == "" {
		format, err = sniff(br)
	}
	switch {
	case err != nil:
	case format == FormatXML:
		ed, err = parseXML(br, lim)
	case format == FormatOS2KLE:
		ed, err = parseOS2KLE(br, lim)
	default:
		err = fmt.Errorf("kle: unknown format %q", format)
	}
	if err != nil {
		return nil, classify(err, cr, lim)
	}
	return ed, nil
}

// sniffBytes is how far Parse looks for the first non-blank character.
const sniffBytes = 8 << 10

// sniff tells the format from the first non-blank bytes without consuming
// them.
func sniff(br *bufio.Reader) (string, error) {
	head, err := br.Peek(br.Size())
	if err != nil && err != io.EOF {
		return "", err
	}
	rest := bytes.TrimLeft(head, xmlSpace)
	switch {
	case len(rest) == 0 && err == io.EOF:
		return "", invalid("line 1: the file is empty")
	case bytes.HasPrefix(rest, []byte("<")):
		return FormatXML, nil
	case bytes.HasPrefix(rest, []byte("KLENummer=")):
		return FormatOS2KLE, nil
	}
	return "", invalid("line %d: not a KLE file: expected KL's XML emneplan (<KLE-Emneplan>) or OS2KLE text (KLENummer='…')",
		1+bytes.Count(head[:len(head)-len(rest)], []byte("\n")))
}

// classify turns what went wrong into the error Parse returns: problems
// with the input are *samspil.Error, a failing reader is passed on.
func classify(err error, cr *capReader, lim limits) error {
	var se *samspil.Error
	switch {
	case errors.Is(err, errTooLarge):
		return samspil.ErrorAt(samspil.ETOOLARGE, "file", "the file is larger than %s", sizeText(lim.maxBytes))
	case errors.As(err, &se):
		return se
	case cr.err != nil && errors.Is(err, cr.err):
		return fmt.Errorf("kle: reading input: %w", err)
	}
	var de *decoderError
	if errors.As(err, &de) {
		return invalid("line %d: %s", de.line, cleanMessage(de.err.Error()))
	}
	return fmt.Errorf("kle: %w", err) // not expected: every input problem is handled above
}

func invalid(format string, args ...any) *samspil.Error {
	return samspil.ErrorAt(samspil.EINVALID, "file", format, args...)
}

var errTooLarge = errors.New("kle: input too large")

// capReader reads at most max bytes and then fails with errTooLarge; it
// remembers the error of the underlying reader so that it can be told
// apart from problems with the input.
type capReader struct {
	r   io.Reader
	n   int64
	max int64
	err error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n > c.max {
		return 0, errTooLarge
	}
	if room := c.max - c.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return 0, errTooLarge
	}
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// isCode reports whether s is a KLE number of the given level: "27",
// "27.24" or "27.24.00".
func isCode(s string, level int) bool {
	if len(s) != 3*level-1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i%3 == 2 {
			if s[i] != '.' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// codeFormats describes each level's code for error messages.
var codeFormats = [...]string{1: "NN", 2: "NN.NN", 3: "NN.NN.NN"}

// levelNames name the levels in error messages.
var levelNames = [...]string{1: "main group", 2: "group", 3: "topic"}

// cleanTitle trims a title and collapses runs of white space into one
// space; it refuses empty and over-long titles and control characters.
func cleanTitle(s string, maxRunes int) (string, error) {
	if !utf8.ValidString(s) {
		return "", errors.New("the title is not valid UTF-8")
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", errors.New("the title is empty")
	}
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return "", fmt.Errorf("the title is longer than %d characters", maxRunes)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", fmt.Errorf("the title contains the control character %U", r)
		}
	}
	return s, nil
}

// parseDate reads a YYYY-MM-DD date as midnight UTC.
func parseDate(s string) (time.Time, bool) {
	if len(s) != len(time.DateOnly) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// sizeText formats a byte count for messages: "64 MiB", "1000 bytes".
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
