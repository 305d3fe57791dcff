package kle

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

// The OS2KLE text file has one line per current topic:
//
//	KLENummer='00.01.00':KLETitel='Kommunens styrelse i almindelighed':Keywords[Weight]=Partistøtteloven §4[5];…
//
// Only the number and the title are read; the keywords are ignored. The
// title runs from KLETitel=' to the quote before ":Keywords" (or to a
// closing quote at the end of a line without keywords), so quotes and
// colons inside a title need no escaping; a backslash-escaped quote (\')
// is read as a quote. Blank lines (spaces and tabs only), a UTF-8 byte
// order mark and CRLF line ends are accepted. The file names no main
// groups or groups; a topic's ParentCode is derived from its number.

const (
	os2kleCode     = "KLENummer='"
	os2kleTitle    = ":KLETitel='"
	os2kleKeywords = "':Keywords"
)

func parseOS2KLE(r io.Reader, lim limits) (*Edition, error) {
	ed := &Edition{Format: FormatOS2KLE, Levels: []int{3}}
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	// The buffer grows up to the limit; room for the line end and one byte
	// more tells a line at the limit from one over it.
	sc.Buffer(make([]byte, 0, 4096), lim.maxLineBytes+3)
	sc.Split(scanLines)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSuffix(sc.Bytes(), []byte("\r"))
		if len(line) > lim.maxLineBytes {
			return nil, lineTooLong(n, lim)
		}
		t, err := parseOS2KLELine(line, n, lim)
		if err != nil {
			return nil, err
		}
		if t == nil {
			continue
		}
		if first, dup := seen[t.Code]; dup {
			return nil, invalid("line %d: topic %s appears twice (first on line %d)", n, t.Code, first)
		}
		if len(ed.Tasks) >= lim.maxItems {
			return nil, samspil.ErrorAt(samspil.ETOOLARGE, "file", "line %d: the file holds more than %d topics", n, lim.maxItems)
		}
		seen[t.Code] = n
		ed.Tasks = append(ed.Tasks, *t)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, lineTooLong(n+1, lim)
		}
		return nil, err
	}
	if len(ed.Tasks) == 0 {
		return nil, invalid("line %d: the file ends without a KLENummer line", n+1)
	}
	return ed, nil
}

func lineTooLong(n int, lim limits) error {
	return invalid("line %d: the line is longer than %s", n, sizeText(int64(lim.maxLineBytes)))
}

// scanLines splits at "\n" only, unlike bufio.ScanLines, which also drops
// a "\r" at the end of the input.
func scanLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// parseOS2KLELine reads line n, without its line end; blank lines give
// nil.
func parseOS2KLELine(raw []byte, n int, lim limits) (*samspil.Task, error) {
	if !utf8.Valid(raw) {
		return nil, invalid("line %d: the line is not valid UTF-8", n)
	}
	if len(bytes.Trim(raw, xmlSpace)) == 0 {
		return nil, nil
	}
	s := string(raw)
	if !strings.HasPrefix(s, os2kleCode) {
		return nil, invalid("line %d: expected KLENummer='NN.NN.NN':KLETitel='…'", n)
	}
	code, rest, ok := strings.Cut(s[len(os2kleCode):], "'")
	if !ok {
		return nil, invalid("line %d: KLENummer is not closed with '", n)
	}
	if !isCode(code, 3) {
		return nil, invalid("line %d: KLENummer %q is not a topic number (NN.NN.NN)", n, clip(code))
	}
	if !strings.HasPrefix(rest, os2kleTitle) {
		return nil, invalid("line %d: expected :KLETitel='…' after KLENummer='%s'", n, code)
	}
	rest = rest[len(os2kleTitle):]
	var title string
	if i := strings.Index(rest, os2kleKeywords); i >= 0 {
		title = rest[:i]
	} else if rest = strings.TrimRight(rest, " \t"); strings.HasSuffix(rest, "'") {
		title = rest[:len(rest)-1]
	} else {
		return nil, invalid("line %d: KLETitel of %s is not closed with '", n, code)
	}
	title, err := cleanTitle(strings.ReplaceAll(title, `\'`, `'`), lim.maxTitleRunes)
	if err != nil {
		return nil, invalid("line %d: KLETitel of %s: %s", n, code, err.Error())
	}
	return &samspil.Task{Code: code, Level: 3, Title: title, ParentCode: code[:5]}, nil
}
