// Package tabular reads and writes tables — a header row and data rows of
// text cells — as CSV and XLSX, for imports and exports of untrusted files
// (for example the IT landscape exported from KITOS, usually through a
// Danish Excel). It knows nothing of what the columns mean.
//
// # Reading
//
// Open decides the format by content: a ZIP file ("PK\x03\x04") is read as
// an XLSX workbook, an OLE2 file (.xls, or a password-protected workbook)
// is refused, and anything else is read as CSV text — except that a file
// named .xlsx/.xlsm that is not a ZIP file is refused. The result is a
// streaming Table: the header is read at once, data rows one at a time, so
// a file with a million rows never sits in memory.
//
// The first non-blank row is the header. Every data row has exactly as many
// cells as the header. Rows whose cells are all empty (blank lines, ";;;"
// lines, empty spreadsheet rows) are skipped, but they still count in Line,
// which is the 1-based row number that a spreadsheet program shows for the
// row (the header usually being 1). Cells are returned verbatim: nothing is
// trimmed, no quote prefix is removed (a cell exported as "'=SUM(A1)" is
// read back as "'=SUM(A1)": the importer cannot know whether the apostrophe
// was typed by a person or added by NeutralizeFormula).
//
// CSV: a UTF-8 byte-order mark is dropped; UTF-16 text with a byte-order
// mark (Excel's "Unicode text") is transcoded; anything else must be valid
// UTF-8 without NUL characters (Danish Excel's plain "CSV" is Windows-1252
// and is refused with a hint to save as "CSV UTF-8"). The separator is ';',
// ',' or tab, whichever occurs most often outside quotes in the header line
// (ties and none go to ';', then tab, then ','); Options.Comma forces one.
// Quoting follows RFC 4180: a quoted cell may hold separators, line breaks
// (kept exactly, "\r\n" included) and doubled quotes; a quote inside an
// unquoted cell, or text after a closing quote, is an error naming the line
// and column. Lines may end in "\n", "\r\n" or a lone "\r".
//
// XLSX: the first visible sheet is read (Options.Sheet names another) with
// excelize's streaming row iterator. Cells are read as their stored raw
// values, not as displayed: text as typed, numbers in canonical form ("."
// decimal point, no grouping, possibly an exponent, and with float
// artefacts such as "0.30000000000000004" for computed cells), booleans as
// "0"/"1", and dates as serial numbers ("45322" is 2024-01-31) because a
// worksheet does not mark which numbers are dates; ParseDecimal, ExcelDate,
// ParseDateFlexible and Table.ParseDate read them. Displayed values were
// rejected on purpose: excelize formats them with US conventions ("1,234.56",
// "01-31-24"), which is ambiguous next to Danish text. The price is that
// leading zeros shown only through a number format ("0101" stored as the
// number 101) are not in the value.
//
// # Limits
//
// Input is read through Limits: the bytes of the file, the bytes an XLSX
// unpacks to, the number of data rows, header columns and the bytes of one
// cell. Exceeding one is a samspil.ETOOLARGE error, found while streaming
// and before anything big is buffered. An XLSX file is checked before
// excelize parses it: the number of parts and the sizes its ZIP directory
// declares (a ZIP bomb is refused before anything is unpacked; small XML
// parts, which excelize parses into memory, are capped at 16 MiB), each
// part's CRC and true size, and no XML part may hold a DOCTYPE or ENTITY
// declaration. excelize's own unzip limits are always set as well. While
// the rows stream, a background check reads the worksheets and shared
// strings as XML: excelize's row iterator stops quietly at malformed XML,
// and the check turns what would look like a shorter sheet into an error.
//
// # Errors
//
// Every problem with the input is a *samspil.Error (field "file") with
// code samspil.EINVALID or samspil.ETOOLARGE, whose message names the line
// and, where known, the column ("line 7, column 3 (\"Leverandør\"): …").
// Only a failing reader (a broken connection) is passed on, wrapped, as a
// plain error, which samspil.ErrorCode calls internal.
//
// # Writing
//
// NewCSVWriter writes what Danish Excel opens directly: UTF-8 with a
// byte-order mark, ';' separators and "\r\n" line ends. NewXLSXWriter
// streams one worksheet through excelize's StreamWriter, with the header
// bold, frozen and filtered. Rows are text (WriteRow) or typed cells
// (WriteCells): in XLSX numbers, dates and amounts are written as numbers
// with a number format, so that a spreadsheet calculates with them; CSV
// writes their text. Both neutralise formula injection (see
// NeutralizeFormula): in CSV a cell that would start a formula gets a
// leading apostrophe; in XLSX every text cell is written as a string, never
// as a formula, and such cells get the text number format "@" so that
// editing them in Excel does not turn them into formulas (typed cells hold
// numbers only). What one writes, the other reads back as the same values.
package tabular

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/samspil/samspil"
)

// Formats of a Table.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Limits bound what reading may cost. A zero field takes its default from
// DefaultLimits.
type Limits struct {
	// MaxBytes is the size of the file as given (before transcoding or
	// unpacking).
	MaxBytes int64
	// MaxUnzippedBytes is what an XLSX file may unpack to, all parts
	// together. The shared-strings part may take at most a quarter of it.
	MaxUnzippedBytes int64
	// MaxRows is the number of data rows after the header (blank rows not
	// counted).
	MaxRows int
	// MaxColumns is the number of header columns.
	MaxColumns int
	// MaxCellBytes is the size of one cell's text in UTF-8.
	MaxCellBytes int
}

// DefaultLimits are generous enough for an Excel sheet of 1,048,576 rows.
var DefaultLimits = Limits{
	MaxBytes:         200 << 20,
	MaxUnzippedBytes: 1 << 30,
	MaxRows:          2_000_000,
	MaxColumns:       200,
	MaxCellBytes:     32 << 10,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxUnzippedBytes <= 0 {
		l.MaxUnzippedBytes = d.MaxUnzippedBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = d.MaxCellBytes
	}
	return l
}

// Options tune OpenWith.
type Options struct {
	Limits Limits
	// Sheet names the XLSX sheet to read (case-insensitive); "" reads the
	// first visible sheet.
	Sheet string
	// Comma forces the CSV separator (';', ',' or '\t'); 0 detects it.
	Comma rune
	// TmpDir is where an XLSX file is copied and its large parts are
	// unpacked until Close; "" is os.TempDir(). It needs room for the file
	// plus up to Limits.MaxUnzippedBytes.
	TmpDir string
}

// Table is a streaming reader of one table. Read rows with
//
//	for t.Next() {
//		row := t.Row()
//		…
//	}
//	if err := t.Err(); err != nil { … }
//
// and Close it when done.
type Table struct {
	// Header holds the header row's cells.
	Header []string
	// Format is FormatCSV or FormatXLSX.
	Format string
	// Comma is the CSV separator that was used; 0 for XLSX.
	Comma rune
	// Sheet is the name of the XLSX sheet read; "" for CSV.
	Sheet string
	// Date1904 tells that the XLSX workbook counts dates from 1904
	// (old Mac Excel); Table.ParseDate takes it into account.
	Date1904 bool

	src    source
	lr     *limitReader
	lim    Limits
	row    []string
	line   int
	rows   int
	err    error
	done   bool
	closed bool
}

// source delivers the rows of a file in order.
type source interface {
	// next returns the cells of the next row and its line number; io.EOF
	// ends the rows. Blank rows may be returned as nil cells.
	next() (cells []string, line int, err error)
	// setHeader tells the source the header, which later rows must fit.
	setHeader(h []string)
	// close releases what the source holds.
	close() error
}

// Open reads the header of the file r and returns a Table to stream its
// rows. name is the file's name as uploaded; only its extension is used.
// A CSV file is read from r as the rows are; an XLSX file is copied to a
// temporary file and vetted first, since its ZIP directory is at its end.
func Open(r io.Reader, name string, lim Limits) (*Table, error) {
	return OpenWith(r, name, Options{Limits: lim})
}

// OpenWith is Open with more options.
func OpenWith(r io.Reader, name string, opt Options) (*Table, error) {
	opt.Limits = opt.Limits.withDefaults()
	switch opt.Comma {
	case 0, ';', ',', '\t':
	default:
		return nil, fmt.Errorf("tabular: unsupported separator %q", opt.Comma)
	}
	lr := &limitReader{r: r, left: opt.Limits.MaxBytes}
	t, err := open(lr, name, opt)
	if err != nil {
		return nil, classify(err, lr)
	}
	t.lr, t.lim = lr, opt.Limits
	if err := t.readHeader(); err != nil {
		_ = t.Close()
		return nil, classify(err, lr)
	}
	return t, nil
}

func open(lr *limitReader, name string, opt Options) (*Table, error) {
	br := newBufReader(lr)
	head, err := br.Peek(8)
	if err != nil && err != io.EOF {
		return nil, err
	}
	ext := strings.ToLower(name)
	if i := strings.LastIndexByte(ext, '.'); i >= 0 {
		ext = ext[i:]
	} else {
		ext = ""
	}
	switch {
	case len(head) == 0:
		return nil, invalid("the file is empty")
	case isZip(head):
		return openXLSX(br, opt)
	case string(head) == oleMagic:
		return nil, invalid("the file is an old Excel workbook (.xls) or a password-protected one; save it as an Excel workbook (.xlsx) without a password, or as CSV UTF-8")
	case ext == ".xlsx" || ext == ".xlsm" || ext == ".xltx" || ext == ".xltm":
		return nil, invalid("the file is named %s but is not an Excel workbook", ext)
	case ext == ".xls":
		return nil, invalid("the file is named .xls, an old Excel format that is not supported; save it as an Excel workbook (.xlsx) or as CSV UTF-8")
	}
	return openCSV(br, opt)
}

const oleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"

func isZip(head []byte) bool {
	s := string(head)
	return strings.HasPrefix(s, "PK\x03\x04") || strings.HasPrefix(s, "PK\x05\x06")
}

// readHeader reads the first non-blank row as the header.
func (t *Table) readHeader() error {
	for {
		cells, line, err := t.src.next()
		if err == io.EOF {
			return invalid("the file has no header row: it is empty")
		}
		if err != nil {
			return err
		}
		t.line = line
		if allEmpty(cells) {
			continue
		}
		if len(cells) > t.lim.MaxColumns {
			return tooLarge("line %d: the header has %d columns; at most %d are allowed", line, len(cells), t.lim.MaxColumns)
		}
		t.Header = cells
		t.src.setHeader(cells)
		return nil
	}
}

// Next advances to the next data row and reports whether there is one.
// It returns false at the end and on an error; Err tells which.
func (t *Table) Next() bool {
	if t.done {
		return false
	}
	for {
		cells, line, err := t.src.next()
		if err != nil {
			t.done, t.row = true, nil
			if err != io.EOF {
				t.err = classify(err, t.lr)
			}
			return false
		}
		t.line = line
		if allEmpty(cells) {
			continue
		}
		if t.rows >= t.lim.MaxRows {
			t.done, t.row = true, nil
			t.err = tooLarge("line %d: the file has more than %d rows", line, t.lim.MaxRows)
			return false
		}
		t.rows++
		t.row = cells
		return true
	}
}

// Row returns the current row's cells, as many as Header has. The slice
// is the caller's to keep.
func (t *Table) Row() []string { return t.row }

// Line returns the row number of the current row as a spreadsheet program
// shows it (1-based; the header is usually line 1). For CSV, a row whose
// quoted cells span several text lines is one line, as in Excel; error
// messages name the text line as well where the two differ.
func (t *Table) Line() int { return t.line }

// Err returns the error that ended Next, or nil at a clean end.
func (t *Table) Err() error { return t.err }

// Column returns the index of the header column whose name equals name,
// ignoring case and surrounding spaces, or -1.
func (t *Table) Column(name string) int {
	name = strings.TrimSpace(name)
	for i, h := range t.Header {
		if strings.EqualFold(strings.TrimSpace(h), name) {
			return i
		}
	}
	return -1
}

// Close releases the temporary files of an XLSX table. It may be called
// more than once.
func (t *Table) Close() error {
	if t.closed {
		return nil
	}
	t.closed, t.done = true, true
	return t.src.close()
}

func allEmpty(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// colLabel names column i (0-based) for messages: its number and, when
// the header is known, its name.
func colLabel(i int, header []string) samspil.Phrase {
	if i < len(header) && header[i] != "" {
		h := header[i]
		if len(h) > 40 {
			h = truncateUTF8(h, 40) + "…"
		}
		return samspil.Phrasef("column %d (%q)", i+1, h)
	}
	return samspil.Phrasef("column %d", i+1)
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func invalid(format string, args ...any) *samspil.Error {
	return samspil.ErrorAt(samspil.EINVALID, "file", format, args...)
}

func tooLarge(format string, args ...any) *samspil.Error {
	return samspil.ErrorAt(samspil.ETOOLARGE, "file", format, args...)
}

// errTooLarge is what limitReader returns past MaxBytes.
var errTooLarge = errors.New("tabular: input too large")

// limitReader passes at most left bytes of r on and then errTooLarge if r
// has more; it remembers r's own error so that classify can tell a failing
// reader from bad content.
type limitReader struct {
	r    io.Reader
	left int64
	max  int64
	err  error // r's last error other than io.EOF
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.max == 0 {
		l.max = l.left
	}
	if l.left <= 0 {
		var b [1]byte
		for range 100 {
			n, err := l.r.Read(b[:])
			if n > 0 {
				return 0, errTooLarge
			}
			if err != nil {
				return 0, l.note(err)
			}
		}
		return 0, io.ErrNoProgress
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, l.note(err)
}

func (l *limitReader) note(err error) error {
	if err != nil && err != io.EOF {
		l.err = err
	}
	return err
}

// classify turns what went wrong into the error Open or Next returns:
// problems with the input are *samspil.Error, a failing reader is passed
// on wrapped.
func classify(err error, lr *limitReader) error {
	var se *samspil.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return se
	case errors.Is(err, errTooLarge):
		return tooLarge("the file is larger than %s", sizeText(lr.max))
	case lr.err != nil && errors.Is(err, lr.err):
		return fmt.Errorf("tabular: reading input: %w", err)
	}
	return fmt.Errorf("tabular: %w", err)
}

func sizeText(n int64) samspil.Phrase {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return samspil.Phrasef("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return samspil.Phrasef("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return samspil.Phrasef("%d KiB", n>>10)
	}
	return samspil.Phrasef("%d bytes", n)
}
