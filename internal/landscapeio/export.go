package landscapeio

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/tabular"
)

// Exporter writes records of one kind as a file of our template: the
// template's headings, then one row per record. It writes what it is
// given and looks nothing up. Reading the file with NewSource gives the
// same records back.
//
// In XLSX, dates, numbers and amounts are typed cells (see
// tabular.Writer), and a file of contracts has the deadlines computed from
// each contract's terms as columns after the template's (see
// ComputedHeadings): they are for people to sort and filter by, and reading
// the file ignores them.
type Exporter struct {
	kind samspil.ImportKind
	w    *tabular.Writer
	// today is the day whose deadlines WriteRecord computes; WriteContract
	// writes those the contract comes with.
	today func() samspil.Date
}

// ComputedHeadings are the headings of the columns a file of contracts
// has after the template's: the last day to give notice, the next
// decision date and the status, as computed for the day of the export.
var ComputedHeadings = []string{"Sidste frist for opsigelse (beregnet)", "Næste beslutning senest (beregnet)", "Status (beregnet)"}

// statusLabels are the Danish words of the statuses, as in the keys
// "status.*" of internal/web/i18n/da.json (a test keeps them equal).
var statusLabels = map[samspil.ContractStatus]string{
	samspil.ContractNotStarted: "Ikke startet",
	samspil.ContractActive:     "Aktiv",
	samspil.ContractInNotice:   "Opsagt",
	samspil.ContractExpired:    "Udløbet",
	samspil.ContractTerminated: "Ophørt",
}

// NewExporter starts a file of the kind in format "csv" or "xlsx" and
// writes its header. The file is complete after Close; an XLSX file is
// written to w only then.
func NewExporter(w io.Writer, format string, kind samspil.ImportKind) (*Exporter, error) {
	return newExporter(w, format, kind, true)
}

// newExporter starts a file; computed tells whether a file of contracts
// has the computed columns.
func newExporter(w io.Writer, format string, kind samspil.ImportKind, computed bool) (*Exporter, error) {
	k, ok := kindByName[kind]
	if !ok {
		return nil, fmt.Errorf("landscapeio: unknown kind %q", kind)
	}
	tw, err := newWriter(w, format, k)
	if err != nil {
		return nil, err
	}
	header, kinds := k.templateHeader(), k.columnKinds()
	if !computed || kind != samspil.ImportContracts {
		computed = false
	} else {
		header = append(header, ComputedHeadings...)
		kinds = append(kinds, tabular.KindDate, tabular.KindDate, tabular.KindText)
	}
	if err := tw.SetColumnKinds(kinds); err != nil {
		_ = tw.Close()
		return nil, err
	}
	if err := tw.WriteHeader(header); err != nil {
		_ = tw.Close()
		return nil, err
	}
	e := &Exporter{kind: kind, w: tw, today: func() samspil.Date { return samspil.Today(time.Now()) }}
	if !computed {
		e.today = nil
	}
	return e, nil
}

func newWriter(w io.Writer, format string, k kindSpec) (*tabular.Writer, error) {
	switch format {
	case tabular.FormatCSV:
		return tabular.NewCSVWriter(w), nil
	case tabular.FormatXLSX:
		return tabular.NewXLSXWriter(w, k.sheetName()), nil
	}
	return nil, fmt.Errorf("landscapeio: unknown format %q; use csv or xlsx", format)
}

// WriteTemplate writes an empty file of the kind for people to fill in:
// the template's headings and nothing else.
func WriteTemplate(w io.Writer, format string, kind samspil.ImportKind) error {
	e, err := newExporter(w, format, kind, false)
	if err != nil {
		return err
	}
	return e.Close()
}

// Headings returns our template's headings of the kind, in order.
func Headings(kind samspil.ImportKind) []string {
	k, ok := kindByName[kind]
	if !ok {
		return nil
	}
	return k.templateHeader()
}

// WriteSystem writes a catalogue entry with its vendor's CVR number ("" for
// none).
func (e *Exporter) WriteSystem(s *samspil.System, vendorCVR string) error {
	return e.WriteRecord(samspil.Record{System: SystemRecordOf(s, vendorCVR)})
}

// WriteUsage writes a usage with the name of its responsible unit and of
// its system's vendor ("" for none).
func (e *Exporter) WriteUsage(u *samspil.Usage, unitName, vendorName, vendorCVR string) error {
	return e.WriteRecord(samspil.Record{Usage: UsageRecordOf(u, unitName, vendorName, vendorCVR)})
}

// WriteContract writes a contract with its supplier's CVR number ("" for
// none), and its deadlines as the contract has them. Its costs are written
// when the contract has them (they are nil when the prices are not shared
// with the caller).
func (e *Exporter) WriteContract(c *samspil.Contract, supplierCVR string) error {
	return e.write(samspil.Record{Contract: ContractRecordOf(c, supplierCVR)}, &c.Deadlines)
}

// WriteRecord writes the record of the exporter's kind that rec holds; a
// contract's deadlines are computed for today.
func (e *Exporter) WriteRecord(rec samspil.Record) error {
	return e.write(rec, nil)
}

func (e *Exporter) write(rec samspil.Record, dl *samspil.Deadlines) error {
	row, ok := formatCells(e.kind, rec)
	if !ok {
		return fmt.Errorf("landscapeio: a file of %s holds no such record", e.kind)
	}
	if e.today != nil {
		if dl == nil {
			terms := rec.Contract.Terms
			terms.Normalize()
			d := terms.Deadlines(e.today())
			dl = &d
		}
		row = append(row, dateCell(dl.LastNoticeDate), dateCell(dl.NextDecisionDate), tabular.TextCell(statusLabels[dl.Status]))
	}
	return e.w.WriteCells(row)
}

// formatRecord returns the template's cells of the record of kind that
// rec holds as text; ok is false when it holds none.
func formatRecord(kind samspil.ImportKind, rec samspil.Record) (row []string, ok bool) {
	switch {
	case kind == samspil.ImportSystems && rec.System != nil:
		return formatRow(systemSpec, &systemRow{r: *rec.System}), true
	case kind == samspil.ImportUsages && rec.Usage != nil:
		return formatRow(usageSpec, &usageRow{r: *rec.Usage}), true
	case kind == samspil.ImportContracts && rec.Contract != nil:
		return formatRow(contractSpec, &contractRow{r: *rec.Contract}), true
	}
	return nil, false
}

// formatCells returns the template's cells of the record of kind that rec
// holds, typed; ok is false when it holds none.
func formatCells(kind samspil.ImportKind, rec samspil.Record) (row []tabular.Cell, ok bool) {
	switch {
	case kind == samspil.ImportSystems && rec.System != nil:
		return cellRow(systemSpec, &systemRow{r: *rec.System}), true
	case kind == samspil.ImportUsages && rec.Usage != nil:
		return cellRow(usageSpec, &usageRow{r: *rec.Usage}), true
	case kind == samspil.ImportContracts && rec.Contract != nil:
		return cellRow(contractSpec, &contractRow{r: *rec.Contract}), true
	}
	return nil, false
}

// Close finishes the file.
func (e *Exporter) Close() error { return e.w.Close() }

// formatRow writes the template's cells of a record as text.
func formatRow[B any](s *spec[B], b *B) []string {
	row := make([]string, 0, len(s.fields))
	for _, f := range s.fields {
		if f.heading != "" {
			row = append(row, exportText(f.format(b)))
		}
	}
	return row
}

// cellRow writes the template's cells of a record, typed where the column
// is: the text of each is formatRow's.
func cellRow[B any](s *spec[B], b *B) []tabular.Cell {
	row := make([]tabular.Cell, 0, len(s.fields))
	for _, f := range s.fields {
		switch {
		case f.heading == "":
		case f.cell != nil:
			row = append(row, f.cell(b))
		default:
			row = append(row, tabular.TextCell(exportText(f.format(b))))
		}
	}
	return row
}

// SystemRecordOf returns the record that exports a catalogue entry.
func SystemRecordOf(s *samspil.System, vendorCVR string) *samspil.SystemRecord {
	return &samspil.SystemRecord{Name: s.Name, Vendor: s.VendorName, VendorCVR: vendorCVR, Category: s.Category,
		Tasks: nilIfEmpty(s.Tasks), Description: s.Description, OpenSource: s.OpenSource, OS2Product: s.OS2Product,
		Homepage: s.Homepage, Visibility: s.Visibility}
}

// UsageRecordOf returns the record that exports a usage.
func UsageRecordOf(u *samspil.Usage, unitName, vendorName, vendorCVR string) *samspil.UsageRecord {
	return &samspil.UsageRecord{System: u.SystemName, Vendor: vendorName, VendorCVR: vendorCVR, Lifecycle: u.Lifecycle,
		From: dateCopy(u.From), Until: dateCopy(u.Until), ResponsibleUnit: unitName, UserBand: u.UserBand, Notes: u.Notes,
		Visibility: u.Visibility}
}

// ContractRecordOf returns the record that exports a contract.
func ContractRecordOf(c *samspil.Contract, supplierCVR string) *samspil.ContractRecord {
	r := &samspil.ContractRecord{Name: c.Name, Reference: c.ExternalRef, Supplier: c.SupplierName, SupplierCVR: supplierCVR,
		Terms: c.ContractTerms, ProcurementForm: c.ProcurementForm, ReprocurementQuarter: c.ReprocurementQuarter,
		Notes: c.Notes, Visibility: c.Visibility, PriceVisibility: c.PriceVisibility}
	for _, s := range c.Systems {
		r.Systems = append(r.Systems, s.Name)
	}
	r.Terms.Expiry = dateCopy(r.Terms.Expiry)
	r.Terms.IrrevocableUntil = dateCopy(r.Terms.IrrevocableUntil)
	r.Terms.TerminatedOn = dateCopy(r.Terms.TerminatedOn)
	if c.Costs != nil {
		costs := *c.Costs
		r.Costs = &costs
	}
	return r
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// dateCopy copies an optional date; the zero date is no date.
func dateCopy(d *samspil.Date) *samspil.Date {
	if d == nil || d.IsZero() {
		return nil
	}
	v := *d
	return &v
}
