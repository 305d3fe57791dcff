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
	"io"
	"slices"
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
	return &Source{open: open, name: name, lim: lim, header: t.Header, m: m}, nil
}

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
