package samspil

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Imports bring an organisation's landscape in from a spreadsheet (CSV or
// XLSX, our template or a KITOS export) in two steps: a preview that checks
// every row and writes nothing, then a commit that writes all rows in one
// transaction, or none. Importing the same file again changes nothing: rows
// are matched by natural keys (a system by name, a usage by its system, a
// contract by its reference or name).

// ImportKind says what a file holds.
type ImportKind string

// Import kinds.
const (
	ImportSystems   ImportKind = "systems"
	ImportUsages    ImportKind = "usages"
	ImportContracts ImportKind = "contracts"
)

// ImportKinds lists the kinds.
var ImportKinds = []ImportKind{ImportSystems, ImportUsages, ImportContracts}

// SystemRecord is one row of a catalogue file.
type SystemRecord struct {
	Name        string
	Vendor      string // name of the vendor, matched against companies
	VendorCVR   string
	Category    Category
	Tasks       []string
	Description string
	OpenSource  bool
	OS2Product  bool
	Homepage    string
	Visibility  Visibility
}

// UsageRecord is one row of a usage file. The system is named; a system not
// in the catalogue is added to it.
type UsageRecord struct {
	System          string
	Vendor          string
	VendorCVR       string
	Lifecycle       Lifecycle
	From, Until     *Date
	ResponsibleUnit string // unit name, matched against the organisation's units
	UserBand        UserBand
	Notes           string
	Visibility      Visibility
}

// ContractRecord is one row of a contract file.
type ContractRecord struct {
	Name                 string
	Reference            string // external reference, e.g. the KITOS contract ID
	Supplier             string
	SupplierCVR          string
	Systems              []string // system names
	Terms                ContractTerms
	ProcurementForm      ProcurementForm
	ReprocurementQuarter string
	Costs                *Costs
	Notes                string
	Visibility           Visibility
	PriceVisibility      Visibility
}

// Record is one row read from a file: exactly one of the pointers is set,
// or Err says why the row could not be read (with the column).
type Record struct {
	Line     int // the row in the file, counting the header as 1
	System   *SystemRecord
	Usage    *UsageRecord
	Contract *ContractRecord
	Errs     []RowError
}

// RowError is a problem with one cell or row of a file.
type RowError struct {
	Line    int    `json:"line" doc:"Row in the file; the header is row 1"`
	Column  string `json:"column,omitempty" doc:"Column heading as in the file"`
	Message string `json:"message"`
}

// RecordSource reads a file's records in order; it is called once for the
// preview and again for the commit, so it must be able to start over.
type RecordSource interface {
	Kind() ImportKind
	// Records calls fn for each row until fn returns false or the rows end.
	Records(fn func(Record) bool) error
}

// RecordList is a RecordSource of records held in memory, for callers that
// make the records themselves (the bench, tests).
type RecordList struct {
	Of    ImportKind
	Items []Record
}

// Kind returns the kind of the records.
func (l RecordList) Kind() ImportKind { return l.Of }

// Records calls fn for each record until fn returns false.
func (l RecordList) Records(fn func(Record) bool) error {
	for _, rec := range l.Items {
		if !fn(rec) {
			break
		}
	}
	return nil
}

// FileSource is a RecordSource read from a file (package landscapeio's),
// which tells the importer what the preview shows of the file.
type FileSource interface {
	RecordSource
	// Heading returns the file's own heading of the column of a field
	// ("responsible_unit", "costs.operation"), as written in the file, or
	// "" when the file has no such column.
	Heading(key string) string
	// IgnoredColumns lists the file's headings that are not read.
	IgnoredColumns() []string
	// Show returns the headings of our template and a record's values
	// under them, as the preview shows a row.
	Show(rec Record) (headings, values []string)
}

// ImportOptions say how a preview or commit treats the rows.
type ImportOptions struct {
	// ValidOnly commits the rows without errors and skips the others.
	ValidOnly bool
	// Units say what each unit name of the file that the organisation does
	// not have stands for.
	Units []UnitChoice
	// RowErrors, when set, receives the errors of each row that has some,
	// all of them (the report keeps the first MaxReportedErrors).
	RowErrors func(line int, errs []RowError)
}

// UnitAction is what becomes of an unknown unit name of a file.
type UnitAction string

// Unit actions.
const (
	UnitCreate UnitAction = "create" // create the unit at the top of the organisation
	UnitMap    UnitAction = "map"    // the name stands for an existing unit
)

// UnitActions lists the unit actions.
var UnitActions = []UnitAction{UnitCreate, UnitMap}

// UnitChoice says what an unknown unit name of a file stands for.
type UnitChoice struct {
	Name   string     `json:"name" doc:"The unit name as the file writes it" maxLength:"200"`
	Action UnitAction `json:"action" doc:"create: a new unit at the top of the organisation; map: the existing unit unit_id"`
	UnitID string     `json:"unit_id,omitempty" doc:"The organisation's unit the name stands for (action map)"`
}

// UnknownUnit is a responsible unit a file names that the organisation
// does not have.
type UnknownUnit struct {
	Name   string `json:"name" doc:"As the file writes it (first occurrence)"`
	Column string `json:"column" doc:"The file's heading of the column"`
	Rows   int    `json:"rows" doc:"How many rows name it"`
	Lines  []int  `json:"lines" doc:"The first rows that name it"`
}

// LineList lists the rows that name the unit: "2, 7", and "2, 7 …" when
// more rows than Lines name it.
func (u UnknownUnit) LineList() string {
	parts := make([]string, len(u.Lines))
	for i, l := range u.Lines {
		parts[i] = strconv.Itoa(l)
	}
	s := strings.Join(parts, ", ")
	if u.Rows > len(u.Lines) {
		s += " …"
	}
	return s
}

// RowAction is what the commit of a row does.
type RowAction string

// Row actions.
const (
	RowCreate    RowAction = "create"
	RowUpdate    RowAction = "update"
	RowUnchanged RowAction = "unchanged"
)

// RowActions lists the row actions.
var RowActions = []RowAction{RowCreate, RowUpdate, RowUnchanged}

// SampleRow is a valid row as the commit will import it.
type SampleRow struct {
	Line   int       `json:"line"`
	Action RowAction `json:"action"`
	Values []string  `json:"values" doc:"Under the report's sample_columns"`
}

// MaxSampleRows is how many valid rows a preview shows.
const MaxSampleRows = 10

// ImportReport is the outcome of a preview or a commit.
type ImportReport struct {
	Kind       ImportKind `json:"kind"`
	Rows       int        `json:"rows"`
	Create     int        `json:"create" doc:"Rows that add a record"`
	Update     int        `json:"update" doc:"Rows that change a record"`
	Unchanged  int        `json:"unchanged" doc:"Rows equal to what is stored"`
	NewSystems int        `json:"new_systems" doc:"Catalogue entries that usage or contract rows add"`
	Errors     []RowError `json:"errors" doc:"The first problems found; nothing is written while there are any"`
	ErrorCount int        `json:"error_count"`
	Warnings   []RowError `json:"warnings" doc:"Things that do not stop the import, e.g. an unknown vendor that is left empty"`
	Committed  bool       `json:"committed"`

	InvalidRows    int           `json:"invalid_rows" doc:"Rows with at least one error; a commit of the valid rows leaves them out"`
	Skipped        int           `json:"skipped" doc:"Rows with errors that a commit of the valid rows left out"`
	CreatedUnits   int           `json:"created_units" doc:"Units the commit created for unknown unit names"`
	IgnoredColumns []string      `json:"ignored_columns" doc:"Headings of the file that are not read"`
	UnknownUnits   []UnknownUnit `json:"unknown_units" doc:"Unit names of the file the organisation does not have; a commit says for each what it stands for"`
	SampleColumns  []string      `json:"sample_columns" doc:"The headings of the sample's values"`
	Sample         []SampleRow   `json:"sample" doc:"The first valid rows as they will be imported"`
}

// ValidRows is the number of rows without errors.
func (r *ImportReport) ValidRows() int { return r.Rows - r.InvalidRows }

// MaxReportedErrors caps the errors a report lists; ErrorCount has them all.
const MaxReportedErrors = 500

// AddError records a problem, keeping the first MaxReportedErrors.
func (r *ImportReport) AddError(e RowError) {
	r.ErrorCount++
	if len(r.Errors) < MaxReportedErrors {
		r.Errors = append(r.Errors, e)
	}
}

// AddWarning records a warning, keeping the first MaxReportedErrors.
func (r *ImportReport) AddWarning(e RowError) {
	if len(r.Warnings) < MaxReportedErrors {
		r.Warnings = append(r.Warnings, e)
	}
}

// Progress receives the number of rows handled so far.
type Progress func(rows int)

// ImportStatus is where an uploaded import is.
type ImportStatus string

// Import statuses.
const (
	ImportPreviewed  ImportStatus = "previewed"
	ImportCommitting ImportStatus = "committing"
	ImportCommitted  ImportStatus = "committed"
	ImportFailed     ImportStatus = "failed"
)

// ImportStatuses lists the statuses.
var ImportStatuses = []ImportStatus{ImportPreviewed, ImportCommitting, ImportCommitted, ImportFailed}

// Import is an uploaded file waiting for, or past, its commit.
type Import struct {
	ID             string        `json:"id"`
	OrganizationID string        `json:"organization_id"`
	FileName       string        `json:"file_name"`
	Size           int64         `json:"size"`
	Status         ImportStatus  `json:"status"`
	Report         *ImportReport `json:"report"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// Committable tells whether an import may be committed as it was
// previewed: all its rows when none has an error, or with validOnly its
// rows without errors, when there are any.
func (im *Import) Committable(validOnly bool) bool {
	if im.Status != ImportPreviewed || im.Report == nil {
		return false
	}
	if validOnly {
		return im.Report.ValidRows() > 0
	}
	return im.Report.ErrorCount == 0
}

// CheckChoices checks that choices say what each unknown unit of the
// report stands for, as a Validation error about path.
func (r *ImportReport) CheckChoices(path string, choices []UnitChoice) error {
	var v Validation
	chosen := map[string]bool{}
	for _, c := range choices {
		chosen[Fold(c.Name)] = true
	}
	for _, u := range r.UnknownUnits {
		v.Check(chosen[Fold(u.Name)], path, "the organisation has no unit called %s; choose to create it (create) or which unit it is (map)", u.Name)
	}
	return v.Err()
}

// ImportService runs imports.
type ImportService interface {
	// PreviewImport checks every record against the organisation's data and
	// reports what a commit would do; it writes nothing.
	PreviewImport(ctx context.Context, actor *Actor, orgID string, src RecordSource, progress Progress) (*ImportReport, error)
	// CommitImport checks again and, when there are no errors, writes all
	// records in one transaction with one audit event.
	CommitImport(ctx context.Context, actor *Actor, orgID string, src RecordSource, progress Progress) (*ImportReport, error)
	// PreviewImportWith is PreviewImport with options: the unit choices
	// the commit will be given, and the errors of every row.
	PreviewImportWith(ctx context.Context, actor *Actor, orgID string, src RecordSource, opt ImportOptions, progress Progress) (*ImportReport, error)
	// CommitImportWith is CommitImport with options: the valid rows only
	// (all of them in one transaction, or none), and what the unknown unit
	// names stand for, the new units created in the same transaction.
	CommitImportWith(ctx context.Context, actor *Actor, orgID string, src RecordSource, opt ImportOptions, progress Progress) (*ImportReport, error)
}

// UploadService keeps uploaded import files between the preview and the
// commit. Administrators and editors of the organisation see its imports.
type UploadService interface {
	CreateImport(ctx context.Context, actor *Actor, orgID, fileName string, content []byte, report *ImportReport) (*Import, error)
	FindImport(ctx context.Context, actor *Actor, id string) (*Import, error)
	// ImportContent returns the uploaded bytes of an import not yet
	// committed, or committed with rows left out (Report.Skipped).
	ImportContent(ctx context.Context, actor *Actor, id string) ([]byte, error)
	// SetImportStatus records how an import went; a finished import drops
	// its content.
	SetImportStatus(ctx context.Context, actor *Actor, id string, status ImportStatus, report *ImportReport) error
	// HoldImportCommit marks the commit of an import as under way in this
	// process until release is called, or the process ends; so that every
	// instance sharing the database tells a commit under way on another
	// from one that was interrupted (ImportCommitHeld).
	HoldImportCommit(ctx context.Context, id string) (release func(), err error)
	// ImportCommitHeld reports whether another process holds the commit of
	// an import. A process knows its own commits.
	ImportCommitHeld(ctx context.Context, id string) (bool, error)
}
