package tabular

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/samspil/samspil"
	"github.com/xuri/excelize/v2"
)

// Writer writes one table as CSV or XLSX: WriteHeader once, then WriteRow
// for each row, then Close, which finishes the file (an XLSX file is only
// written to w at Close). Every row has as many cells as the header, and
// every header cell has a name. A cell that Excel would take for a formula
// is neutralised (see NeutralizeFormula). Rows whose cells are all empty
// are written, but reading skips them.
//
// Cells the other format could not carry are refused with a
// *samspil.Error (EINVALID) naming the line and column: invalid UTF-8 and
// NUL in both, and in XLSX control characters other than tab, line feed
// and carriage return, and cells longer than Excel's 32,767 characters.
// After an error the Writer only returns that error.
type Writer struct {
	xlsx  bool
	out   io.Writer
	bw    *bufio.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	sheet string

	textStyle, headerStyle int

	width  int // header width; 0 before WriteHeader
	line   int // lines written, the header included
	err    error
	closed bool
}

// Excel's limits.
const (
	xlsxMaxRows      = 1_048_576
	xlsxMaxColumns   = 16_384
	xlsxMaxCellChars = 32_767 // UTF-16 code units
)

// NewCSVWriter returns a Writer of CSV as Danish Excel opens it: UTF-8
// with a byte-order mark (so that æøå show right), ';' between cells and
// "\r\n" after each line. Cells holding ';', ',', tab, quotes or line
// breaks are quoted, with quotes doubled; line breaks inside cells are
// written as they are.
func NewCSVWriter(w io.Writer) *Writer {
	return &Writer{out: w, bw: bufio.NewWriterSize(w, 64<<10)}
}

// NewXLSXWriter returns a Writer of an XLSX workbook with one worksheet
// named sheet (made valid for Excel: at most 31 characters, none of
// : \ / ? * [ ], "Ark1" if empty). Cells are written as text, the header
// in bold and frozen.
func NewXLSXWriter(w io.Writer, sheet string) *Writer {
	wr := &Writer{xlsx: true, out: w, sheet: sheetName(sheet)}
	wr.err = wr.startXLSX()
	return wr
}

func (w *Writer) startXLSX() error {
	f := excelize.NewFile()
	w.f = f
	if w.sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", w.sheet); err != nil {
			return fmt.Errorf("tabular: sheet name %q: %w", w.sheet, err)
		}
	}
	var err error
	if w.textStyle, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	if w.headerStyle, err = f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}}); err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	if w.sw, err = f.NewStreamWriter(w.sheet); err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	if err = w.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	return nil
}

func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, "'")
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	if strings.TrimSpace(s) == "" || !utf8.ValidString(s) {
		s = "Ark1"
	}
	return s
}

// WriteHeader writes the header row; it must come first.
func (w *Writer) WriteHeader(header []string) error {
	if w.err != nil {
		return w.err
	}
	switch {
	case w.closed:
		return errors.New("tabular: write after Close")
	case w.width > 0:
		return errors.New("tabular: WriteHeader called twice")
	case len(header) == 0:
		return errors.New("tabular: a header needs at least one column")
	case w.xlsx && len(header) > xlsxMaxColumns:
		w.err = samspil.ErrorAt(samspil.ETOOLARGE, "file", "an Excel sheet holds at most %d columns", xlsxMaxColumns)
		return w.err
	}
	for i, h := range header {
		if h == "" {
			return fmt.Errorf("tabular: header column %d has no name", i+1)
		}
	}
	w.width = len(header)
	return w.write(header, true)
}

// WriteRow writes one row of as many cells as the header.
func (w *Writer) WriteRow(row []string) error {
	if w.err != nil {
		return w.err
	}
	switch {
	case w.closed:
		return errors.New("tabular: write after Close")
	case w.width == 0:
		return errors.New("tabular: WriteRow before WriteHeader")
	case len(row) != w.width:
		return fmt.Errorf("tabular: row has %d cells, the header %d", len(row), w.width)
	}
	return w.write(row, false)
}

func (w *Writer) write(cells []string, header bool) error {
	line := w.line + 1
	for i, c := range cells {
		if err := w.checkCell(c); err != "" {
			w.err = samspil.ErrorAt(samspil.EINVALID, "file", "line %d, column %d: %s", line, i+1, err)
			return w.err
		}
	}
	if w.xlsx {
		if line > xlsxMaxRows {
			w.err = samspil.ErrorAt(samspil.ETOOLARGE, "file", "an Excel sheet holds at most %d rows", xlsxMaxRows)
			return w.err
		}
		w.err = w.writeXLSX(cells, line, header)
	} else {
		w.err = w.writeCSV(cells)
	}
	if w.err != nil {
		return w.err
	}
	w.line = line
	return nil
}

// checkCell says what is wrong with a cell, or "".
func (w *Writer) checkCell(c string) string {
	if !utf8.ValidString(c) {
		return "the text is not valid UTF-8"
	}
	if !w.xlsx {
		if strings.IndexByte(c, 0) >= 0 {
			return "the text contains a NUL character"
		}
		return ""
	}
	n := 0
	for _, r := range c {
		if !xmlChar(r) {
			return fmt.Sprintf("the text contains the control character %U, which an Excel file cannot hold", r)
		}
		n += utf16.RuneLen(r)
	}
	if n > xlsxMaxCellChars {
		return fmt.Sprintf("the text is longer than the %d characters an Excel cell holds", xlsxMaxCellChars)
	}
	if !xlsxKeeps(c) {
		return "the text contains sequences like _x0041_ (Excel's escapes) that cannot be stored exactly as they are chained here"
	}
	return ""
}

// Excel escapes characters in cell text as _xHHHH_. excelize escapes a
// literal "_xHHHH_" on writing and unescapes on reading, but not
// faithfully for chained sequences ("_x0041_x0042_", found by fuzzing)
// or surrogate code points ("_xD800_"): xlsxKeeps replays what excelize
// v2.11.1 does (bstrMarshal and bstrUnmarshal in its lib.go) to find the
// texts it would change. FuzzReadCSV checks the replay against excelize.
var bstrPattern = regexp.MustCompile(`_x[a-fA-F0-9]{4}_`)

func xlsxKeeps(s string) bool {
	if !strings.Contains(s, "_x") {
		return true
	}
	return bstrDecode(bstrEncode(s)) == s
}

// bstrCode reports whether the four hex digits h name a character.
func bstrCode(h string) (string, bool) {
	v, err := strconv.Unquote(`"\u` + h + `"`)
	return v, err == nil
}

// bstrEncode is excelize's bstrMarshal.
func bstrEncode(s string) string {
	var b strings.Builder
	cursor := 0
	for _, m := range bstrPattern.FindAllStringIndex(s, -1) {
		b.WriteString(s[cursor:m[0]])
		sub := s[m[0]:m[1]]
		cursor = m[1]
		if sub == "_x005F_" {
			if m[1]+6 <= len(s) && bstrPattern.MatchString("_"+s[m[1]:m[1]+6]) {
				if _, ok := bstrCode(s[m[1]+1 : m[1]+5]); ok {
					b.WriteString(sub + "x005F" + sub)
					continue
				}
			}
			b.WriteString(sub + "x005F_")
			continue
		}
		if _, ok := bstrCode(sub[2:6]); ok {
			b.WriteString("_x005F" + sub)
		}
	}
	b.WriteString(s[cursor:])
	return b.String()
}

// bstrDecode is excelize's bstrUnmarshal.
func bstrDecode(s string) string {
	var b strings.Builder
	cursor := 0
	for _, m := range bstrPattern.FindAllStringIndex(s, -1) {
		b.WriteString(s[cursor:m[0]])
		sub := s[m[0]:m[1]]
		cursor = m[1]
		if sub == "_x005F_" {
			b.WriteString("_")
			continue
		}
		v, _ := bstrCode(sub[2:6])
		b.WriteString(v)
	}
	b.WriteString(s[cursor:])
	return b.String()
}

// xmlChar reports whether XML 1.0 allows r.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

func (w *Writer) writeCSV(cells []string) error {
	if w.line == 0 {
		if _, err := w.bw.Write(bomUTF8); err != nil {
			return fmt.Errorf("tabular: %w", err)
		}
	}
	for i, c := range cells {
		if i > 0 {
			_ = w.bw.WriteByte(';')
		}
		c = NeutralizeFormula(c)
		if !strings.ContainsAny(c, ";,\t\"\r\n") {
			_, _ = w.bw.WriteString(c)
			continue
		}
		_ = w.bw.WriteByte('"')
		for {
			i := strings.IndexByte(c, '"')
			if i < 0 {
				break
			}
			_, _ = w.bw.WriteString(c[:i+1])
			_ = w.bw.WriteByte('"')
			c = c[i+1:]
		}
		_, _ = w.bw.WriteString(c)
		_ = w.bw.WriteByte('"')
	}
	if _, err := w.bw.WriteString("\r\n"); err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	return nil
}

func (w *Writer) writeXLSX(cells []string, line int, header bool) error {
	vals := make([]any, len(cells))
	for i, c := range cells {
		switch {
		case header:
			vals[i] = excelize.Cell{StyleID: w.headerStyle, Value: c}
		case c == "":
			// no cell
		case NeutralizeFormula(c) != c:
			// A string, never a formula; the text format keeps Excel from
			// making it one when the cell is edited.
			vals[i] = excelize.Cell{StyleID: w.textStyle, Value: c}
		default:
			vals[i] = c
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, line)
	if err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	if err := w.sw.SetRow(cell, vals); err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	return nil
}

// Close finishes the file: it flushes CSV and writes the whole XLSX
// workbook to w. It does not close w.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if !w.xlsx {
		if w.err == nil && w.line == 0 {
			_, w.err = w.bw.Write(bomUTF8)
		}
		if err := w.bw.Flush(); err != nil && w.err == nil {
			w.err = fmt.Errorf("tabular: %w", err)
		}
		return w.err
	}
	if w.f == nil {
		return w.err
	}
	defer w.f.Close()
	if w.err != nil {
		return w.err
	}
	if err := w.sw.Flush(); err != nil {
		w.err = fmt.Errorf("tabular: %w", err)
		return w.err
	}
	if err := w.f.Write(w.out); err != nil {
		w.err = fmt.Errorf("tabular: %w", err)
	}
	return w.err
}

// NeutralizeFormula defuses formula injection ("CSV injection"): if the
// first character of s that is not a space, tab or line break is '=', or
// is '+', '-' or '@' followed by anything but digits, spaces, '.' and ','
// (so that "-12,5" and "+45 12 34 56 78" stay as they are), it returns s
// with an apostrophe in front, which Excel and LibreOffice show as text.
// Otherwise it returns s unchanged.
func NeutralizeFormula(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
		i++
	}
	if i == len(s) {
		return s
	}
	switch s[i] {
	case '=':
		return "'" + s
	case '+', '-', '@':
		if strings.Trim(s[i+1:], "0123456789 .,") != "" {
			return "'" + s
		}
	}
	return s
}
