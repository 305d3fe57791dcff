// Package landscapeio maps the rows of spreadsheet files (CSV or XLSX, read
// and written by package tabular) to the records of an import — systems,
// usages and contracts — and writes them back out.
//
// # Reading
//
// NewSource reads a file's header once and decides from its columns what
// the file holds; the returned Source is a samspil.RecordSource that reads
// the file again, row by row, each time its records are asked for (a
// preview and then a commit), so that no file is ever held in memory.
//
// Columns are found by their headings: those of our template (see the
// tables in columns.go) and the headings KITOS uses for the same things,
// compared without regard to case, surrounding spaces or a trailing "*".
// Other columns are ignored; KITOS exports have many.
//
// Every data row becomes a samspil.Record that holds either a record or,
// when cells cannot be read, one samspil.RowError per bad cell, naming the
// column by its heading as written in the file and saying in plain English
// what was expected. Rows without any text are skipped. Cell text is
// trimmed, and an empty cell is the zero value.
//
// A cell that starts with an apostrophe followed by what a spreadsheet
// would take for a formula ("'=SUM(A1)", "'-x") is read without the
// apostrophe: it is what NeutralizeFormula adds on export. The exporter
// doubles a leading apostrophe of such text so that it survives.
//
// # Writing
//
// NewExporter writes records as our template does, with Danish words for
// the values, so that reading the file back gives the same records. In CSV
// dates are written as 2026-01-31 and amounts with a decimal comma; in XLSX
// dates, numbers and amounts in kroner are typed cells with number formats,
// which a spreadsheet sorts, filters and calculates with. A file of
// contracts ends with the computed deadlines (ComputedHeadings), which
// reading ignores. WriteTemplate writes the headings alone.
package landscapeio

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

// Source reads the records of one uploaded file; see NewSource.
type Source struct {
	open   func() (io.ReadCloser, error)
	name   string
	lim    tabular.Limits
	header []string
	format string
	m      rowMapper
}

var _ samspil.RecordSource = (*Source)(nil)

// NewSource opens the file with open, reads its header and decides what
// kind of file it is from the columns. name is the file's name as
// uploaded; it names the file in errors and its extension helps tell the
// format. open is called again by every call of Records, so it must give
// the same bytes each time.
//
// A file whose header fits no kind, or lacks a column its kind requires,
// is an EINVALID *samspil.Error about the field "file"; so are the
// problems tabular finds with the file itself.
func NewSource(open func() (io.ReadCloser, error), name string, lim tabular.Limits) (*Source, error) {
	r, err := open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	t, err := tabular.Open(r, name, lim)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	m, err := detect(t.Header, name)
	if err != nil {
		return nil, err
	}
	return &Source{open: open, name: name, lim: lim, header: t.Header, format: t.Format, m: m}, nil
}

// Format is the file's format: tabular.FormatCSV or tabular.FormatXLSX.
func (s *Source) Format() string { return s.format }

// Kind tells what the file holds.
func (s *Source) Kind() samspil.ImportKind { return s.m.kind() }

// Header returns the file's header row as read.
func (s *Source) Header() []string { return slices.Clone(s.header) }

// Records reads the file from its start and calls fn with each row that
// is not blank, in order, until fn returns false or the rows end. An error
// is one that ends the reading of the file: a broken file (a
// *samspil.Error from tabular) or a failing reader.
func (s *Source) Records(fn func(samspil.Record) bool) error {
	r, err := s.open()
	if err != nil {
		return err
	}
	defer r.Close()
	t, err := tabular.Open(r, s.name, s.lim)
	if err != nil {
		return err
	}
	defer t.Close()
	if !slices.Equal(t.Header, s.header) {
		return samspil.ErrorAt(samspil.EINVALID, "file", "%s changed while it was being read; upload it again", s.name)
	}
	for t.Next() {
		rec, ok := s.m.mapRow(t.Row(), t.Line(), t.ParseDate)
		if !ok {
			continue
		}
		if !fn(rec) {
			return nil
		}
	}
	return t.Err()
}

var _ samspil.FileSource = (*Source)(nil)

// Heading returns the file's own heading of the column of the field key
// (the JSON path of the domain type, such as "responsible_unit"), as
// written in the file, or "" when the file has no such column.
func (s *Source) Heading(key string) string { return s.m.heading(key) }

// IgnoredColumns lists the headings of the file's columns that are not
// read, in the file's order.
func (s *Source) IgnoredColumns() []string { return s.m.ignored() }

// Show returns the headings of our template that the file gives values for
// and the record's values under them, as its import will store them.
func (s *Source) Show(rec samspil.Record) (headings, values []string) {
	row, ok := formatRecord(s.m.kind(), rec)
	if !ok {
		return nil, nil
	}
	all := Headings(s.m.kind())
	for i, show := range s.m.shown() {
		if show {
			headings = append(headings, strings.TrimSuffix(all[i], "*"))
			values = append(values, row[i])
		}
	}
	return headings, values
}

// ErrorHeading is the heading of the column WriteRows adds.
const ErrorHeading = "Fejl"

// WriteRows writes the rows of the file on the given lines again, as the
// file has them and in its format (CSV or XLSX), under its header and a
// last column Fejl that holds msgs[line]. A column Fejl the file has (a
// file of rows written so before) is replaced. In XLSX, the cells of dates,
// numbers and amounts are typed cells again.
func (s *Source) WriteRows(w io.Writer, msgs map[int]string) error {
	r, err := s.open()
	if err != nil {
		return err
	}
	defer r.Close()
	t, err := tabular.Open(r, s.name, s.lim)
	if err != nil {
		return err
	}
	defer t.Close()
	var tw *tabular.Writer
	if t.Format == tabular.FormatXLSX {
		sheet := t.Sheet
		if sheet == "" {
			sheet = ErrorHeading
		}
		tw = tabular.NewXLSXWriter(w, sheet)
	} else {
		tw = tabular.NewCSVWriter(w)
	}
	header := slices.Clone(t.Header)
	errCol := -1
	for i, h := range header {
		switch {
		case normHeading(h) == normHeading(ErrorHeading):
			errCol = i
		case strings.TrimSpace(h) == "":
			header[i] = "Kolonne " + strconv.Itoa(i+1)
		}
	}
	if errCol < 0 {
		errCol = len(header)
		header = append(header, ErrorHeading)
	}
	kinds := make([]tabular.CellKind, len(header))
	for i := range kinds {
		kinds[i] = s.m.cellKind(i)
	}
	if t.Format == tabular.FormatXLSX {
		if err := tw.SetColumnKinds(kinds); err != nil {
			return err
		}
	}
	if err := tw.WriteHeader(header); err != nil {
		return err
	}
	for t.Next() {
		msg, ok := msgs[t.Line()]
		if !ok {
			continue
		}
		row := make([]tabular.Cell, len(header))
		for i, v := range t.Row() {
			if i < len(row) && i != errCol {
				row[i] = s.cell(t, kinds[i], v)
			}
		}
		row[errCol] = tabular.TextCell(msg)
		if err := tw.WriteCells(row); err != nil {
			return err
		}
	}
	if err := t.Err(); err != nil {
		return err
	}
	return tw.Close()
}

// cell is a cell of WriteRows: in XLSX, typed as the file had it.
func (s *Source) cell(t *tabular.Table, kind tabular.CellKind, v string) tabular.Cell {
	if t.Format != tabular.FormatXLSX || v == "" {
		return tabular.TextCell(v)
	}
	switch kind {
	case tabular.KindDate:
		if d, ok := tabular.ExcelDate(v); ok && !strings.ContainsAny(v, "-/.") {
			return tabular.DateCell(samspil.DateOf(d))
		}
	case tabular.KindNumber, tabular.KindAmount:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			if kind == tabular.KindAmount {
				return tabular.AmountCell(f, v)
			}
			return tabular.NumberCell(f, v)
		}
	}
	return tabular.TextCell(v)
}

// WriteInvalidRows checks the file's rows again against the
// organisation's data, as a preview does, and writes those with errors
// back with WriteRows, each with its messages in the words of say (the
// reader's language) after the heading of their column.
func WriteInvalidRows(ctx context.Context, store samspil.ImportService, actor *samspil.Actor, orgID string, src *Source,
	say func(string) string, w io.Writer) error {
	msgs := map[int]string{}
	_, err := store.PreviewImportWith(ctx, actor, orgID, src, samspil.ImportOptions{RowErrors: func(line int, errs []samspil.RowError) {
		parts := make([]string, len(errs))
		for i, e := range errs {
			parts[i] = say(e.Message)
			if e.Column != "" {
				parts[i] = strings.TrimSpace(e.Column) + ": " + parts[i]
			}
		}
		msgs[line] = strings.Join(parts, "; ")
	}}, nil)
	if err != nil {
		return err
	}
	return src.WriteRows(w, msgs)
}

// InvalidRowsName is the name of the file WriteInvalidRows writes for an
// upload: "kitos.xlsx" gives "kitos-fejl.xlsx".
func InvalidRowsName(name, format string) string {
	base := strings.TrimSuffix(name, filepath.Ext(name))
	if base == "" {
		base = "import"
	}
	return base + "-fejl." + format
}

// detect binds the header to the kind whose columns it fits best.
func detect(header []string, name string) (rowMapper, error) {
	type fit struct {
		m       rowMapper
		matched int
		missing []string
	}
	var best *fit
	var partial []fit
	for _, k := range kinds { // in order of preference on a tie
		m, matched, missing := k.bind(header)
		f := fit{m, matched, missing}
		if len(missing) == 0 {
			if best == nil || matched > best.matched {
				best = &f
			}
			continue
		}
		partial = append(partial, f)
	}
	if best != nil {
		return best.m, nil
	}
	// No kind fits. When one kind matches more columns than the others, the
	// file is most likely meant as that kind and lacks a required column.
	slices.SortStableFunc(partial, func(a, b fit) int { return b.matched - a.matched })
	if len(partial) > 0 && partial[0].matched > 0 && (len(partial) == 1 || partial[0].matched > partial[1].matched) {
		column := partial[0].missing[0]
		// One message per kind, so that each is a whole sentence to translate.
		switch partial[0].m.kind() {
		case samspil.ImportSystems:
			return nil, samspil.ErrorAt(samspil.EINVALID, "file", "%s looks like a file of systems but has no column %s", name, column)
		case samspil.ImportUsages:
			return nil, samspil.ErrorAt(samspil.EINVALID, "file", "%s looks like a file of usages but has no column %s", name, column)
		}
		return nil, samspil.ErrorAt(samspil.EINVALID, "file", "%s looks like a file of contracts but has no column %s", name, column)
	}
	return nil, samspil.ErrorAt(samspil.EINVALID, "file",
		"%s is not a file of systems, usages or contracts: the first row must hold column headings such as %s (systems), %s (usages) or %s (contracts)",
		name, requiredHeadings(samspil.ImportSystems), requiredHeadings(samspil.ImportUsages), requiredHeadings(samspil.ImportContracts))
}

// requiredHeadings lists the required headings of a kind: "Kontrakt +
// Start".
func requiredHeadings(k samspil.ImportKind) string {
	var req []string
	for _, h := range kindByName[k].requiredHeadings() {
		req = append(req, strings.TrimSuffix(h, "*"))
	}
	return strings.Join(req, " + ")
}
