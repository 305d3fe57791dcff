package tabular

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Caps on the parts of an XLSX file besides the total of
// Limits.MaxUnzippedBytes. excelize parses the small XML parts (styles,
// workbook, relationships, theme, …) into memory when it opens a file, at
// many times their size, so they are kept small.
const (
	maxZipEntries     = 10_000
	maxXMLPartBytes   = 16 << 20 // one XML part other than those below
	maxCalcChainBytes = 64 << 20 // xl/calcChain.xml
	// excelize keeps worksheets and shared strings up to this size in
	// memory and unpacks larger ones to temporary files.
	excelizeXMLInMemory = 16 << 20
)

func openXLSX(br *bufio.Reader, opt Options) (t *Table, err error) {
	dir, err := os.MkdirTemp(opt.TmpDir, "tabular-")
	if err != nil {
		return nil, fmt.Errorf("tabular: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(dir)
		}
	}()
	path := filepath.Join(dir, "input.xlsx")
	size, err := spool(path, br)
	if err != nil {
		return nil, err
	}
	if err := checkZipFile(path, size, opt.Limits); err != nil {
		return nil, err
	}
	src := &xlsxSource{dir: dir, lim: opt.Limits}
	t = &Table{Format: FormatXLSX, src: src}
	err = protect(func() error { return src.open(path, opt, t) })
	if err != nil {
		_ = src.close()
		return nil, err
	}
	return t, nil
}

// spool copies the input to a file, so that the ZIP directory at its end
// can be read without holding the file in memory.
func spool(path string, r io.Reader) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("tabular: %w", err)
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("tabular: %w", cerr)
	}
	return n, err
}

func checkZipFile(path string, size int64, lim Limits) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	defer f.Close()
	return checkZip(f, size, lim)
}

// checkZip vets an XLSX file before excelize sees it: the number of parts
// and the sizes that the ZIP directory declares (so that a ZIP bomb is
// refused before anything is unpacked), then each part's true size and
// CRC (archive/zip stops reading a part past its declared size), and no
// XML part may hold a DOCTYPE or ENTITY declaration.
func checkZip(ra io.ReaderAt, size int64, lim Limits) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return invalid("the file is not a valid Excel workbook: it is not a readable ZIP archive (%v)", err)
	}
	if len(zr.File) > maxZipEntries {
		return tooLarge("the workbook has more than %d parts", maxZipEntries)
	}
	limit := uint64(lim.MaxUnzippedBytes)
	var total uint64
	for _, f := range zr.File {
		n := f.UncompressedSize64
		total += n
		if n > limit || total > limit {
			return tooLarge("the workbook unpacks to more than %s", sizeText(lim.MaxUnzippedBytes))
		}
		name := partName(f.Name)
		var partCap uint64
		switch {
		case isWorksheet(name):
		case name == "xl/sharedstrings.xml":
			partCap = limit / 4
		case name == "xl/calcchain.xml":
			partCap = maxCalcChainBytes
		case isXMLPart(name):
			partCap = maxXMLPartBytes
		}
		if partCap > 0 && n > partCap {
			return tooLarge("the workbook part %s unpacks to more than %s", f.Name, sizeText(int64(partCap)))
		}
	}
	buf := make([]byte, 64<<10)
	for _, f := range zr.File {
		if err := checkPart(f, buf); err != nil {
			return err
		}
	}
	return nil
}

var (
	doctype = []byte("<!DOCTYPE")
	entity  = []byte("<!ENTITY")
)

// checkPart reads one part through, which makes archive/zip check its
// size and CRC, and looks for declarations in XML parts.
func checkPart(f *zip.File, buf []byte) error {
	rc, err := f.Open()
	if err != nil {
		return invalid("the workbook is damaged: its part %s cannot be unpacked (%v)", f.Name, err)
	}
	defer rc.Close()
	xml := isXMLPart(partName(f.Name))
	const keep = 16 // bytes kept from the previous read, so that a match may straddle two
	carry := 0
	for {
		n, err := rc.Read(buf[carry:])
		if xml && n > 0 {
			b := buf[:carry+n]
			if bytes.Contains(b, doctype) || bytes.Contains(b, entity) {
				return invalid("the workbook part %s contains a DOCTYPE or ENTITY declaration, which Excel never writes; the file is refused", f.Name)
			}
			carry = copy(buf, b[max(0, len(b)-keep):])
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return invalid("the workbook is damaged: its part %s is corrupt (%v)", f.Name, err)
		}
	}
}

// partName is a ZIP entry's name as excelize matches it.
func partName(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
}

func isWorksheet(name string) bool { return strings.HasPrefix(name, "xl/worksheets/sheet") }

func isXMLPart(name string) bool {
	return strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") || strings.HasSuffix(name, ".vml")
}

// protect turns a panic in excelize, which parses untrusted input, into
// an error.
func protect(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = invalid("the workbook is damaged: the XLSX reader failed on it")
		}
	}()
	return fn()
}

// xlsxSource reads the rows of one worksheet with excelize's streaming
// iterator.
type xlsxSource struct {
	dir    string // temporary directory: the input and excelize's files
	lim    Limits
	f      *excelize.File
	rows   *excelize.Rows
	header []string
	line   int
	eof    bool
	wf     *wellFormed
}

func (x *xlsxSource) open(path string, opt Options, t *Table) error {
	lim := opt.Limits
	f, err := excelize.OpenFile(path, excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    lim.MaxUnzippedBytes,
		UnzipXMLSizeLimit: min(excelizeXMLInMemory, lim.MaxUnzippedBytes),
		TmpDir:            x.dir,
	})
	if f != nil {
		x.f = f
	}
	if err != nil {
		return invalid("the file is not a readable Excel workbook (%s)", cause(err))
	}
	x.wf = startCheck(path, f.CharsetReader)

	names := f.GetSheetList()
	sheet := ""
	if opt.Sheet != "" {
		for _, n := range names {
			if strings.EqualFold(n, opt.Sheet) {
				sheet = n
				break
			}
		}
		if sheet == "" {
			return invalid("the workbook has no sheet named %q; its sheets are: %s", opt.Sheet, quoteList(names))
		}
	} else {
		for _, n := range names {
			if vis, err := f.GetSheetVisible(n); err == nil && vis {
				sheet = n
				break
			}
		}
		if sheet == "" {
			return invalid("the workbook has no visible sheet")
		}
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		t.Date1904 = *props.Date1904
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return invalid("the sheet %q cannot be read (%s)", sheet, cause(err))
	}
	x.rows = rows
	t.Sheet = sheet
	return nil
}

// cause words an error of excelize or encoding/xml for a message; an XML
// syntax error's own line number, in the XML text, is left out.
func cause(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func (x *xlsxSource) setHeader(h []string) { x.header = h }

func (x *xlsxSource) next() (cells []string, line int, err error) {
	if x.eof {
		return nil, x.line, io.EOF
	}
	err = protect(func() error {
		if err := x.wf.result(false); err != nil {
			return err
		}
		if !x.rows.Next() {
			if err := x.rows.Error(); err != nil {
				return invalid("line %d: the worksheet cannot be read (%s)", x.line+1, cause(err))
			}
			// excelize ends quietly at malformed XML: only the check
			// tells a damaged sheet from its end.
			if err := x.wf.result(true); err != nil {
				return err
			}
			return io.EOF
		}
		x.line++
		var err error
		cells, err = x.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return invalid("line %d: the worksheet or its shared strings are damaged (%s)", x.line, cause(err))
		}
		return nil
	})
	if err == nil {
		cells, err = x.check(cells)
	}
	if err != nil {
		x.eof = true
		return nil, x.line, err
	}
	return cells, x.line, nil
}

// check limits the cells of a row and fits a data row to the header.
func (x *xlsxSource) check(cells []string) ([]string, error) {
	for i, c := range cells {
		if len(c) > x.lim.MaxCellBytes {
			return nil, tooLarge("line %d, %s: the value is longer than %d bytes", x.line, colLabel(i, x.header), x.lim.MaxCellBytes)
		}
		if !utf8.ValidString(c) {
			return nil, invalid("line %d, %s: the text is not valid UTF-8", x.line, colLabel(i, x.header))
		}
	}
	if x.header == nil {
		// Excel drops empty cells at the end of a row; a header cell that
		// is empty at the end carries no name.
		return cells, nil
	}
	w := len(x.header)
	if len(cells) > w {
		for i := w; i < len(cells); i++ {
			if cells[i] != "" {
				return nil, invalid("line %d, %s: a value to the right of the header's last column (%d)", x.line, colLabel(i, nil), w)
			}
		}
		cells = cells[:w:w]
	}
	if len(cells) < w && !allEmpty(cells) {
		cells = append(cells, make([]string, w-len(cells))...)
	}
	return cells, nil
}

func (x *xlsxSource) close() error {
	var err error
	x.wf.cancel()
	if x.rows != nil {
		_ = x.rows.Close()
	}
	if x.f != nil {
		err = x.f.Close()
	}
	if rerr := os.RemoveAll(x.dir); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("tabular: %w", err)
	}
	return nil
}

// wellFormed checks in the background that the worksheets and the shared
// strings are well-formed XML. excelize's row iterator ignores XML errors
// and just ends (as does its reader of large shared-string tables), so a
// damaged sheet would otherwise look like a shorter one. The check runs
// beside the iteration (it costs about a quarter of it) and is consulted
// between rows and at the end.
type wellFormed struct {
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	err      error
}

type charsetReader = func(charset string, input io.Reader) (io.Reader, error)

func startCheck(path string, cs charsetReader) *wellFormed {
	w := &wellFormed{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		w.err = protect(func() error { return checkWorksheets(path, cs, w.stop) })
	}()
	return w
}

// result returns the check's error; wait waits for the check to finish.
func (w *wellFormed) result(wait bool) error {
	if w == nil {
		return nil
	}
	if wait {
		<-w.done
	}
	select {
	case <-w.done:
		if w.err == errStopped {
			return nil
		}
		return w.err
	default:
		return nil
	}
}

func (w *wellFormed) cancel() {
	if w == nil {
		return
	}
	w.stopOnce.Do(func() { close(w.stop) })
	<-w.done
}

var errStopped = errors.New("tabular: check stopped")

func checkWorksheets(path string, cs charsetReader, stop <-chan struct{}) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return invalid("the file is not a valid Excel workbook (%v)", err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if name := partName(f.Name); !isWorksheet(name) && name != "xl/sharedstrings.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return invalid("the workbook is damaged: its part %s cannot be unpacked (%v)", f.Name, err)
		}
		err = checkXML(rc, f.Name, cs, stop)
		_ = rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// checkXML reads one worksheet or shared-strings part as excelize's
// decoder does and fails where that decoder would.
func checkXML(r io.Reader, name string, cs charsetReader, stop <-chan struct{}) error {
	d := xml.NewDecoder(r)
	d.CharsetReader = cs
	var stack []xml.Name
	row := 0
	damaged := func(format string, args ...any) error {
		if !isWorksheet(partName(name)) {
			return invalid("the workbook part %s is damaged: %s", name, fmt.Sprintf(format, args...))
		}
		return invalid("line %d: the worksheet %s is damaged: %s", max(row, 1), name, fmt.Sprintf(format, args...))
	}
	for n := 0; ; n++ {
		if n&4095 == 0 {
			select {
			case <-stop:
				return errStopped
			default:
			}
		}
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(stack) > 0 {
				return damaged("it ends inside <%s>", stack[len(stack)-1].Local)
			}
			return nil
		}
		if err != nil {
			return damaged("%s", cause(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name)
			if t.Name.Local == "row" {
				row++
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if r, err := strconv.Atoi(a.Value); err == nil {
							row = r
						}
					}
				}
			}
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != t.Name {
				return damaged("unexpected end tag </%s>", t.Name.Local)
			}
			stack = stack[:len(stack)-1]
		case xml.Directive:
			return damaged("it contains a declaration (<!%s…>)", clip(string(t)))
		}
	}
}
