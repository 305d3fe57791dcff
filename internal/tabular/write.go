package tabular

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/samspil/samspil"
	"github.com/xuri/excelize/v2"
)

// Writer writes one table as CSV or XLSX: WriteHeader once, then WriteRow
// (text cells) or WriteCells (typed cells) for each row, then Close, which
// finishes the file (an XLSX file is only written to w at Close). Every row
// has as many cells as the header, and every header cell has a name. A
// text cell that Excel would take for a formula is neutralised (see
// NeutralizeFormula). Rows whose cells are all empty are written, but
// reading skips them.
//
// Typed cells (see Cell) are written to XLSX as what they are, so that a
// spreadsheet calculates, sorts and filters them as such: numbers as
// numbers, dates as date serial numbers in the format yyyy-mm-dd, amounts
// in kroner as numbers in the format #,##0.00 kr. CSV writes their text.
// Reading a typed cell back gives its raw value ("45322" for a date, see
// Table), which ParseDecimal and Table.ParseDate read.
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

	textStyle, headerStyle, dateStyle, amountStyle int
	kinds                                          []CellKind // of the columns, for their widths; nil if not given

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

// CellKind is what a cell of WriteCells holds.
type CellKind uint8

// Kinds of cells.
const (
	KindText   CellKind = iota // text, as WriteRow writes it
	KindNumber                 // a number, in the General format
	KindDate                   // a calendar date, in the format DateFormat
	KindAmount                 // an amount in kroner, in the format AmountFormat
)

// Number formats of typed XLSX cells. The amount format is Excel's Danish
// currency format: Danish Excel shows 1.250.000,50 kr., and LibreOffice
// reads the cell as a currency amount in DKK.
const (
	DateFormat   = "yyyy-mm-dd"
	AmountFormat = `#,##0.00\ [$kr.-406]`
)

// Cell is one cell of WriteCells. Text is what CSV writes, and what an
// XLSX file holds for a text cell; a typed cell's value is Number or Date.
// The text of a typed cell should read back as its value (as ParseDecimal
// and ParseDateFlexible read), so that both formats give the same table.
type Cell struct {
	Kind   CellKind
	Text   string
	Number float64      // KindNumber, KindAmount (kroner)
	Date   samspil.Date // KindDate
}

// TextCell returns a text cell.
func TextCell(s string) Cell { return Cell{Text: s} }

// NumberCell returns a number cell whose text in CSV is text.
func NumberCell(v float64, text string) Cell { return Cell{Kind: KindNumber, Number: v, Text: text} }

// AmountCell returns an amount in kroner whose text in CSV is text.
func AmountCell(kroner float64, text string) Cell {
	return Cell{Kind: KindAmount, Number: kroner, Text: text}
}

// DateCell returns a date cell, written in CSV as 2026-01-31.
func DateCell(d samspil.Date) Cell { return Cell{Kind: KindDate, Date: d, Text: d.String()} }

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
// : \ / ? * [ ], "Ark1" if empty). The header is bold and frozen and has
// an autofilter over the rows written; the columns are as wide as their
// headings (see SetColumnKinds).
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
	dateFormat, amountFormat := DateFormat, AmountFormat
	if w.dateStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	if w.amountStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &amountFormat}); err != nil {
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
	if w.xlsx {
		if w.err = w.setWidths(header); w.err != nil {
			return w.err
		}
	}
	cells := make([]Cell, len(header))
	for i, h := range header {
		cells[i] = Cell{Text: h}
	}
	return w.write(cells, true)
}

// SetColumnKinds tells an XLSX writer what the columns will hold, so that
// they are made wide enough to show it (Excel shows "#####" for a number or
// date wider than its column). It must come before WriteHeader; a CSV
// writer ignores it.
func (w *Writer) SetColumnKinds(kinds []CellKind) error {
	if w.width > 0 || w.closed {
		return errors.New("tabular: SetColumnKinds after WriteHeader")
	}
	w.kinds = slices.Clone(kinds)
	return nil
}

// WriteCells writes one row of as many typed cells as the header.
func (w *Writer) WriteCells(row []Cell) error {
	if err := w.ready(len(row)); err != nil {
		return err
	}
	return w.write(row, false)
}

// WriteRow writes one row of as many cells as the header.
func (w *Writer) WriteRow(row []string) error {
	if err := w.ready(len(row)); err != nil {
		return err
	}
	cells := make([]Cell, len(row))
	for i, c := range row {
		cells[i] = Cell{Text: c}
	}
	return w.write(cells, false)
}

// ready checks that a row of n cells may be written.
func (w *Writer) ready(n int) error {
	if w.err != nil {
		return w.err
	}
	switch {
	case w.closed:
		return errors.New("tabular: write after Close")
	case w.width == 0:
		return errors.New("tabular: a row written before WriteHeader")
	case n != w.width:
		return fmt.Errorf("tabular: row has %d cells, the header %d", n, w.width)
	}
	return nil
}

func (w *Writer) write(cells []Cell, header bool) error {
	line := w.line + 1
	for i, c := range cells {
		msg := w.checkCell(c.Text)
		if msg == "" && (c.Kind == KindNumber || c.Kind == KindAmount) && (math.IsNaN(c.Number) || math.IsInf(c.Number, 0)) {
			msg = "the number is not finite"
		}
		if msg != "" {
			w.err = samspil.ErrorAt(samspil.EINVALID, "file", "line %d, column %d: %s", line, i+1, msg)
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

func (w *Writer) writeCSV(cells []Cell) error {
	if w.line == 0 {
		if _, err := w.bw.Write(bomUTF8); err != nil {
			return fmt.Errorf("tabular: %w", err)
		}
	}
	for i, cell := range cells {
		if i > 0 {
			_ = w.bw.WriteByte(';')
		}
		c := NeutralizeFormula(cell.Text)
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

func (w *Writer) writeXLSX(cells []Cell, line int, header bool) error {
	vals := make([]any, len(cells))
	for i, cell := range cells {
		c := cell.Text
		switch {
		case header:
			vals[i] = excelize.Cell{StyleID: w.headerStyle, Value: c}
		case cell.Kind == KindNumber:
			vals[i] = cell.Number
		case cell.Kind == KindAmount:
			vals[i] = excelize.Cell{StyleID: w.amountStyle, Value: cell.Number}
		case cell.Kind == KindDate && dateSerialOK(cell.Date):
			vals[i] = excelize.Cell{StyleID: w.dateStyle, Value: DateSerial(cell.Date)}
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
	if w.line > 0 {
		// The autofilter over the header and the rows written. The stream
		// writer writes the worksheet's filter at Flush, and the hidden
		// name Excel keeps it under goes into the workbook.
		last, err := excelize.CoordinatesToCellName(w.width, max(w.line, 2))
		if err == nil {
			err = w.f.AutoFilter(w.sheet, "A1:"+last, nil)
		}
		if err != nil {
			w.err = fmt.Errorf("tabular: %w", err)
			return w.err
		}
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

// DateSerial returns the Excel serial number of a date from 1900-03-01 on
// in the 1900 date system, as ExcelDate reads it: 45322 is 2024-01-31.
func DateSerial(d samspil.Date) float64 {
	// In seconds since 1970: a time.Duration overflows after 292 years.
	return float64((d.Time().Unix() - time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()) / 86400)
}

// dateSerialOK reports whether d is written as a date serial: from
// 1900-03-01 to 9999-12-31. Earlier dates are written as text (ISO), which
// reading takes as the same date: before 1900-03-01 Excel counts a day
// that never was (1900-02-29) and other programs do not, so a serial
// number would not name one day.
func dateSerialOK(d samspil.Date) bool {
	return !d.Before(samspil.NewDate(1900, 3, 1)) && !d.After(samspil.NewDate(9999, 12, 31))
}

// setWidths sets the widths of the columns before the first row: as wide
// as the heading, and at least as wide as the kind of cell needs.
func (w *Writer) setWidths(header []string) error {
	for i, h := range header {
		width := float64(utf8.RuneCountInString(h)) + 3
		kind := KindText
		if i < len(w.kinds) {
			kind = w.kinds[i]
		}
		switch kind {
		case KindText:
			width = max(width, 14)
		case KindNumber:
			width = max(width, 10)
		case KindDate:
			width = max(width, 12)
		case KindAmount:
			width = max(width, 18)
		}
		if err := w.sw.SetColWidth(i+1, i+1, min(width, 50)); err != nil {
			return fmt.Errorf("tabular: %w", err)
		}
	}
	return nil
}
