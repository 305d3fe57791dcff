package sqldb

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

var _ samspil.ImportService = (*DB)(nil)

// PreviewImport checks every record and reports what a commit would do.
// It only reads.
func (db *DB) PreviewImport(ctx context.Context, actor *samspil.Actor, orgID string, src samspil.RecordSource, progress samspil.Progress) (*samspil.ImportReport, error) {
	return db.PreviewImportWith(ctx, actor, orgID, src, samspil.ImportOptions{}, progress)
}

// PreviewImportWith is PreviewImport with options. Unit names the
// organisation does not have are listed in the report; without a choice
// for them they are no error yet, as the commit is given the choices.
func (db *DB) PreviewImportWith(ctx context.Context, actor *samspil.Actor, orgID string, src samspil.RecordSource, opt samspil.ImportOptions, progress samspil.Progress) (*samspil.ImportReport, error) {
	im, err := db.newImporter(ctx, db.read, actor, orgID, src, opt)
	if err != nil {
		return nil, err
	}
	if err := im.run(src, progress); err != nil {
		return nil, err
	}
	return im.report, nil
}

// CommitImport checks the records and, when none has an error, writes them
// all in one transaction with one audit event.
func (db *DB) CommitImport(ctx context.Context, actor *samspil.Actor, orgID string, src samspil.RecordSource, progress samspil.Progress) (*samspil.ImportReport, error) {
	return db.CommitImportWith(ctx, actor, orgID, src, samspil.ImportOptions{}, progress)
}

// CommitImportWith checks the records and writes them in one transaction
// with one audit event: all of them when none has an error, or with
// opt.ValidOnly those without errors. Units the choices create are created
// in the same transaction, each with its own audit event; a unit name
// without a choice is an error of its rows. On SQLite, whose one writer
// blocks all others, the check runs first on the read side, so that a file
// with errors never holds the write lock; the check inside the transaction
// is the one that counts.
func (db *DB) CommitImportWith(ctx context.Context, actor *samspil.Actor, orgID string, src samspil.RecordSource, opt samspil.ImportOptions, progress samspil.Progress) (*samspil.ImportReport, error) {
	opt.RowErrors = nil
	var report *samspil.ImportReport
	if db.engine == SQLite {
		var err error
		im, err := db.newImporter(ctx, db.read, actor, orgID, src, opt)
		if err != nil {
			return nil, err
		}
		im.strictUnits = true
		if err := im.run(src, nil); err != nil {
			return nil, err
		}
		report = im.report
		if report.ErrorCount > 0 && !opt.ValidOnly {
			return report, nil
		}
	}
	errRowErrors := errors.New("rows have errors")
	err := db.update(ctx, actor, func(tx *Tx) (err error) {
		im, err := db.newImporter(ctx, tx, actor, orgID, src, opt)
		if err != nil {
			return err
		}
		im.tx = tx
		im.strictUnits = true
		// The new rows are written in the background while the next ones
		// are read and checked; see bulkpipe.go.
		im.pipe = newBulkPipe()
		defer func() {
			// A failed write is the cause of what failed after it (on
			// PostgreSQL the transaction is aborted), so it is the error.
			if perr := im.pipe.close(); perr != nil {
				err = perr
			}
		}()
		if err := im.run(src, progress); err != nil {
			return err
		}
		report = im.report
		if report.ErrorCount > 0 && !opt.ValidOnly {
			return errRowErrors // someone changed the data since the check above
		}
		report.Skipped = report.InvalidRows
		if err := im.flush(); err != nil {
			return err
		}
		if report.Create+report.Update+report.NewSystems+report.CreatedUnits == 0 {
			return errUnchanged
		}
		report.Committed = true
		summary := *report
		summary.Errors, summary.Warnings, summary.Sample, summary.SampleColumns = nil, nil, nil, nil
		return tx.Audit(auditEntry{OrgID: im.org.ID, Action: "import.commit", ObjectType: "import", ObjectID: newID(), After: summary})
	})
	if errors.Is(err, errRowErrors) {
		return report, nil
	}
	if err != nil {
		return nil, err
	}
	return report, nil
}

type sysRef struct {
	id, name, vendorID, ownerID string
}

type usageRef struct {
	id      string
	version int
	fields  string // the comparable fields, for "unchanged"
}

type contractRef struct {
	id      string
	version int
	c       samspil.Contract
}

// importer holds what a run needs to know about the organisation and the
// catalogue; the records themselves stream through.
type importer struct {
	db     *DB
	ctx    context.Context
	qr     querier
	tx     *Tx // nil in a preview
	actor  *samspil.Actor
	org    *samspil.Organization
	kind   samspil.ImportKind
	report *samspil.ImportReport

	systems     map[string][]sysRef           // name fold -> visible catalogue entries
	companies   map[string]string             // CVR and name fold -> organisation ID
	units       map[string]string             // name fold -> unit ID ("" when ambiguous)
	unitIDs     map[string]bool               // the organisation's units
	choices     map[string]samspil.UnitChoice // unknown unit name fold -> what it stands for
	unknown     map[string]int                // unknown unit name fold -> index in report.UnknownUnits
	strictUnits bool                          // a unit name without a choice is an error (commit)
	file        samspil.FileSource            // the file's headings, when the records come from one
	opt         samspil.ImportOptions
	rowErrs     []samspil.RowError // the errors of the row being checked
	tasks       map[string]bool
	usages      map[string]usageRef    // system ID -> the organisation's usage
	contracts   map[string]contractRef // reference or name fold -> contract
	seen        keySet                 // natural key -> first line
	pipe        *bulkPipe              // writes the batches below in the background (commit only)
	newSystems  *batchInsert
	newUsages   *batchInsert
	systemTasks *batchInsert
	// The organisation and the time as values for the batches, made once
	// rather than for every row.
	orgValue, nowValue any
}

func (db *DB) newImporter(ctx context.Context, qr querier, actor *samspil.Actor, orgID string, src samspil.RecordSource, opt samspil.ImportOptions) (*importer, error) {
	org, err := db.findOrg(ctx, qr, actor, orgID)
	if err != nil {
		return nil, err
	}
	if err := actor.Require(samspil.PermLandscapeWrite, org.ID, org.Name); err != nil {
		return nil, err
	}
	kind := src.Kind()
	im := &importer{db: db, ctx: ctx, qr: qr, actor: actor, org: org, kind: kind, opt: opt,
		report: &samspil.ImportReport{Kind: kind, Errors: []samspil.RowError{}, Warnings: []samspil.RowError{},
			IgnoredColumns: []string{}, UnknownUnits: []samspil.UnknownUnit{}, Sample: []samspil.SampleRow{}},
		systems: map[string][]sysRef{}, companies: map[string]string{}, units: map[string]string{}, unitIDs: map[string]bool{},
		choices: map[string]samspil.UnitChoice{}, unknown: map[string]int{}, tasks: map[string]bool{},
		usages: map[string]usageRef{}, contracts: map[string]contractRef{}}
	if f, ok := src.(samspil.FileSource); ok {
		im.file = f
		im.report.IgnoredColumns = append(im.report.IgnoredColumns, f.IgnoredColumns()...)
	}
	if err := im.load(); err != nil {
		return nil, err
	}
	if err := im.checkChoices(); err != nil {
		return nil, err
	}
	return im, nil
}

// checkChoices reads the unit choices: each says create, or names a unit
// of the organisation.
func (im *importer) checkChoices() error {
	var v samspil.Validation
	for i, c := range im.opt.Units {
		path := "units[" + strconv.Itoa(i) + "]"
		v.OneOf(path+".action", c.Action)
		switch c.Action {
		case samspil.UnitCreate:
			v.Check(strings.TrimSpace(c.Name) != "", path+".name", "is required")
			v.Check(utf8.RuneCountInString(strings.TrimSpace(c.Name)) <= 200, path+".name", "must be at most 200 characters")
		case samspil.UnitMap:
			v.Check(im.unitIDs[c.UnitID], path+".unit_id", "is not a unit of this organisation")
		}
		im.choices[samspil.Fold(c.Name)] = c
	}
	return v.Err()
}

// col names a column for a row error: the file's own heading of the field
// key, or our template's heading when the records come from elsewhere.
func (im *importer) col(key, template string) string {
	if im.file != nil {
		if h := im.file.Heading(key); h != "" {
			return h
		}
	}
	return template
}

// addError records a problem of the row being checked.
func (im *importer) addError(e samspil.RowError) {
	im.rowErrs = append(im.rowErrs, e)
	im.report.AddError(e)
}

// load reads the lookups: the visible catalogue, companies, the
// organisation's units, KLE codes, usages and contracts.
func (im *importer) load() error {
	var q query
	q.cond(visibleCond(&q, im.actor, "s.owner_id", "s.visibility"))
	rows, err := im.qr.QueryContext(im.ctx, "SELECT s.id, s.name, COALESCE(s.vendor_id, ''), s.owner_id FROM systems s"+q.whereSQL(), q.args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s sysRef
		if err := rows.Scan(&s.id, &s.name, &s.vendorID, &s.ownerID); err != nil {
			rows.Close()
			return err
		}
		k := samspil.Fold(s.name)
		im.systems[k] = append(im.systems[k], s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var oq query
	oq.cond("o.kind IN ('company', 'community')")
	oq.cond(visibleOrgCond(&oq, im.actor))
	rows, err = im.qr.QueryContext(im.ctx, "SELECT o.id, o.name, COALESCE(o.cvr, '') FROM organizations o"+oq.whereSQL(), oq.args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, name, cvr string
		if err := rows.Scan(&id, &name, &cvr); err != nil {
			rows.Close()
			return err
		}
		im.companies[samspil.Fold(name)] = id
		if cvr != "" {
			im.companies[cvr] = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	units, err := orgTree(im.ctx, im.qr, im.org.ID)
	if err != nil {
		return err
	}
	for _, u := range units {
		im.unitIDs[u.ID] = true
		k := samspil.Fold(u.Name)
		if _, dup := im.units[k]; dup {
			im.units[k] = "" // two units have this name
		} else {
			im.units[k] = u.ID
		}
	}
	rows, err = im.qr.QueryContext(im.ctx, "SELECT code FROM kle_topics")
	if err != nil {
		return err
	}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			rows.Close()
			return err
		}
		im.tasks[code] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	switch im.kind {
	case samspil.ImportUsages:
		rows, err := im.qr.QueryContext(im.ctx, usageSelect+" WHERE u.organization_id = $1", im.org.ID)
		if err != nil {
			return err
		}
		us, err := collect(rows, scanUsage)
		if err != nil {
			return err
		}
		for _, u := range us {
			im.usages[u.SystemID] = usageRef{id: u.ID, version: u.Version, fields: usageFields(&u)}
		}
	case samspil.ImportContracts:
		rows, err := im.qr.QueryContext(im.ctx, contractSelects[im.db.engine]+" WHERE c.organization_id = $1", im.org.ID)
		if err != nil {
			return err
		}
		cs, err := collect(rows, scanContract)
		if err != nil {
			return err
		}
		if err := im.db.finishContracts(im.ctx, im.qr, samspil.SystemActor("import"), cs); err != nil {
			return err
		}
		for _, c := range cs {
			im.contracts[contractKey(c.ExternalRef, c.Name)] = contractRef{id: c.ID, version: c.Version, c: c}
		}
	}
	return nil
}

func contractKey(ref, name string) string {
	if ref != "" {
		return "ref:" + samspil.Fold(ref)
	}
	return "name:" + samspil.Fold(name)
}

// run checks (and in a commit, writes) every record.
func (im *importer) run(src samspil.RecordSource, progress samspil.Progress) error {
	var failed error
	err := src.Records(func(rec samspil.Record) bool {
		im.report.Rows++
		im.rowErrs = im.rowErrs[:0]
		for _, e := range rec.Errs {
			im.addError(e)
		}
		create, update, unchanged := im.report.Create, im.report.Update, im.report.Unchanged
		if len(rec.Errs) == 0 {
			switch {
			case rec.Usage != nil:
				failed = im.usage(rec.Line, rec.Usage)
			case rec.Contract != nil:
				failed = im.contract(rec.Line, rec.Contract)
			case rec.System != nil:
				failed = im.system(rec.Line, rec.System)
			}
		}
		if len(im.rowErrs) > 0 {
			im.report.InvalidRows++
			if im.opt.RowErrors != nil {
				im.opt.RowErrors(rec.Line, slices.Clone(im.rowErrs))
			}
		} else if im.file != nil && len(im.report.Sample) < samspil.MaxSampleRows {
			action := samspil.RowUnchanged
			switch {
			case im.report.Create > create:
				action = samspil.RowCreate
			case im.report.Update > update:
				action = samspil.RowUpdate
			case im.report.Unchanged == unchanged:
				action = ""
			}
			if action != "" {
				headings, values := im.file.Show(rec)
				im.report.SampleColumns = headings
				im.report.Sample = append(im.report.Sample, samspil.SampleRow{Line: rec.Line, Action: action, Values: values})
			}
		}
		if progress != nil && im.report.Rows%10000 == 0 {
			progress(im.report.Rows)
		}
		return failed == nil
	})
	if progress != nil {
		progress(im.report.Rows)
	}
	if failed != nil {
		return failed
	}
	return err
}

// flush writes what the batches still hold.
func (im *importer) flush() error {
	for _, b := range []*batchInsert{im.newSystems, im.systemTasks, im.newUsages} {
		if b != nil {
			if err := b.Flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// duplicate reports whether a natural key (kind and key) appeared on an
// earlier line.
func (im *importer) duplicate(line int, kind, key, column, what string) bool {
	if first, ok := im.seen.first(kind, key, line); ok {
		im.addError(samspil.RowError{Line: line, Column: column, Message: "the same " + what + " as row " + strconv.Itoa(first)})
		return true
	}
	return false
}

// fieldErrors turns a validation error into row errors, naming columns of
// our template for the fields.
func (im *importer) fieldErrors(line int, err error, columns map[string]string) bool {
	if err == nil {
		return false
	}
	var e *samspil.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		im.addError(samspil.RowError{Line: line, Message: samspil.ErrorMessage(err)})
		return true
	}
	for _, f := range e.Fields {
		key := strings.SplitN(f.Path, "[", 2)[0]
		col := im.col(key, columns[key])
		if col == "" {
			col = f.Path
		}
		im.addError(samspil.RowError{Line: line, Column: col, Message: f.Message})
	}
	return true
}

// company resolves a vendor or supplier by CVR or name; an unknown one is
// left empty with a warning.
func (im *importer) company(line int, name, cvr, column string) string {
	if cvr != "" {
		if id, ok := im.companies[cvr]; ok {
			return id
		}
	}
	if name != "" {
		if id, ok := im.companies[samspil.Fold(name)]; ok {
			return id
		}
	}
	if name != "" || cvr != "" {
		im.report.AddWarning(samspil.RowError{Line: line, Column: column, Message: "no organisation in samspil matches " + strings.TrimSpace(name+" "+cvr) + "; it is left empty"})
	}
	return ""
}

// findSystem finds a catalogue entry by name, using the vendor to choose
// between entries of the same name. It returns nil for none.
func (im *importer) findSystem(line int, name, vendorID, column string) (*sysRef, bool) {
	return im.findSystemFold(line, name, samspil.Fold(name), vendorID, column)
}

// findSystemFold is findSystem with the name folded already.
func (im *importer) findSystemFold(line int, name, fold, vendorID, column string) (*sysRef, bool) {
	matches := im.systems[fold]
	if len(matches) == 1 {
		return &matches[0], true
	}
	for i := range matches {
		if vendorID != "" && matches[i].vendorID == vendorID {
			return &matches[i], true
		}
	}
	if len(matches) > 1 {
		im.addError(samspil.RowError{Line: line, Column: column, Message: "several catalogue entries are called " + name + "; give the vendor to choose one"})
		return nil, false
	}
	return nil, true
}

var usageFileColumns = map[string]string{"lifecycle": "Livscyklus", "from": "Fra", "until": "Til", "user_band": "Antal brugere",
	"notes": "Noter", "visibility": "Synlighed", "task_changes": "KLE"}

func usageFields(u *samspil.Usage) string {
	return strings.Join([]string{string(u.Lifecycle), u.From.StringOrEmpty(), u.Until.StringOrEmpty(), u.ResponsibleUnitID, string(u.UserBand), u.Notes, string(u.Visibility)}, "\x1f")
}

func (im *importer) usage(line int, r *samspil.UsageRecord) error {
	fold := samspil.Fold(r.System)
	systemCol := im.col("system", "System")
	if im.duplicate(line, "usage:", fold, systemCol, "system") {
		return nil
	}
	vendorID := im.company(line, r.Vendor, r.VendorCVR, im.vendorCol("vendor", "vendor_cvr"))
	sys, ok := im.findSystemFold(line, r.System, fold, vendorID, systemCol)
	if !ok {
		return nil
	}
	u := samspil.UsageInput{Lifecycle: r.Lifecycle, From: r.From, Until: r.Until, UserBand: r.UserBand, Notes: r.Notes, Visibility: r.Visibility}.Usage()
	if u.Lifecycle == "" {
		u.Lifecycle = samspil.LifecycleOperational
	}
	if im.fieldErrors(line, u.Validate(), usageFileColumns) {
		return nil
	}
	if r.ResponsibleUnit != "" {
		id, err := im.unit(line, r.ResponsibleUnit)
		if err != nil || id == "" {
			return err
		}
		u.ResponsibleUnitID = id
	}
	var systemID string
	if sys == nil {
		im.report.NewSystems++
		if im.tx != nil {
			systemID = newID()
			if err := im.insertSystem(samspil.System{ID: systemID, Name: strings.TrimSpace(r.System), VendorID: vendorID, Category: samspil.CategoryOther,
				OwnerID: im.org.ID, Visibility: samspil.VisibilitySector}); err != nil {
				return err
			}
		}
	} else {
		systemID = sys.id
		if existing, ok := im.usages[systemID]; ok {
			if existing.fields == usageFields(&u) {
				im.report.Unchanged++
				return nil
			}
			im.report.Update++
			if im.tx != nil {
				return im.tx.execVersioned("usages", "usage", existing.id, existing.version, `UPDATE usages SET lifecycle = $1, from_date = $2, until_date = $3,
					responsible_unit_id = $4, user_band = $5, notes = $6, visibility = $7, version = version + 1, updated_at = $8 WHERE id = $9 AND version = $10`,
					string(u.Lifecycle), dateValue(u.From), dateValue(u.Until), nullString(u.ResponsibleUnitID), string(u.UserBand), u.Notes, string(u.Visibility),
					im.tx.now, existing.id, existing.version)
			}
			return nil
		}
	}
	im.report.Create++
	if im.tx == nil {
		return nil
	}
	if im.newUsages == nil {
		im.newUsages = newBatchInsert(im.tx, "usages", "id text", "organization_id text", "system_id text", "lifecycle text", "from_date date",
			"until_date date", "responsible_unit_id text", "user_band text", "notes text", "visibility text", "version integer",
			"created_at timestamptz", "updated_at timestamptz")
		im.newUsages.pipe = im.pipe
		im.newUsages.before = im.queueSystems // usages refer to systems of the system batch
		im.orgValue, im.nowValue = im.org.ID, im.tx.now
	}
	return im.newUsages.Add(newID(), im.orgValue, systemID, string(u.Lifecycle), dateValue(u.From), dateValue(u.Until),
		nullString(u.ResponsibleUnitID), string(u.UserBand), u.Notes, string(u.Visibility), 1, im.nowValue, im.nowValue)
}

// vendorCol names the column of a vendor or supplier: its name's, or its
// CVR number's when the file has only that.
func (im *importer) vendorCol(nameKey, cvrKey string) string {
	if im.file != nil && im.file.Heading(nameKey) == "" {
		if h := im.file.Heading(cvrKey); h != "" {
			return h
		}
	}
	return im.col(nameKey, "Leverandør")
}

// unit resolves a responsible unit by name. A name the organisation does
// not have stands for what the import's choice says: a new unit at the top
// of the organisation, created in a commit through the store's write path,
// or an existing unit. Without a choice, a preview lists the name and a
// commit reports it as an error of the row. It returns "" when the row has
// an error.
func (im *importer) unit(line int, name string) (string, error) {
	column := im.col("responsible_unit", "Ansvarlig enhed")
	fold := samspil.Fold(name)
	id, known := im.units[fold]
	switch {
	case known && id == "":
		im.addError(samspil.RowError{Line: line, Column: column, Message: "the organisation has several units called " + name +
			"; give them different names before the import"})
		return "", nil
	case known:
		return id, nil
	}
	choice, chosen := im.choices[fold]
	if !chosen {
		if im.strictUnits {
			im.addError(samspil.RowError{Line: line, Column: column, Message: "the organisation has no unit called " + name +
				"; choose to create it or which unit it is"})
			return "", nil
		}
		if i, ok := im.unknown[fold]; ok {
			uu := &im.report.UnknownUnits[i]
			uu.Rows++
			if len(uu.Lines) < samspil.MaxSampleRows {
				uu.Lines = append(uu.Lines, line)
			}
		} else {
			im.unknown[fold] = len(im.report.UnknownUnits)
			im.report.UnknownUnits = append(im.report.UnknownUnits, samspil.UnknownUnit{Name: strings.TrimSpace(name), Column: column, Rows: 1, Lines: []int{line}})
		}
		return "new:" + fold, nil // a unit to come, which no usage has yet
	}
	if choice.Action == samspil.UnitMap {
		im.units[fold] = choice.UnitID
		return choice.UnitID, nil
	}
	in := samspil.OrgUnitInput{Kind: samspil.UnitDepartment, Name: name}
	if im.tx == nil {
		id = "new:" + fold
	} else {
		u, err := im.db.createUnit(im.tx, im.org.ID, in)
		if err != nil {
			return "", err
		}
		id = u.ID
	}
	im.units[fold] = id
	im.report.CreatedUnits++
	return id, nil
}

func (im *importer) insertSystem(s samspil.System) error {
	if im.newSystems == nil {
		im.newSystems = newBatchInsert(im.tx, "systems", "id text", "name text", "name_fold text", "vendor_id text", "category text",
			"description text", "open_source boolean", "os2_product boolean", "homepage text", "owner_id text", "visibility text",
			"version integer", "created_at timestamptz", "updated_at timestamptz")
		im.systemTasks = newBatchInsert(im.tx, "system_tasks", "system_id text", "code text")
		im.newSystems.pipe, im.systemTasks.pipe = im.pipe, im.pipe
		im.systemTasks.before = im.queueSystems
		im.orgValue, im.nowValue = im.org.ID, im.tx.now
	}
	owner := im.orgValue
	if s.OwnerID != im.org.ID {
		owner = s.OwnerID
	}
	if err := im.newSystems.Add(s.ID, s.Name, samspil.Fold(s.Name), nullString(s.VendorID), string(s.Category), s.Description, s.OpenSource,
		s.OS2Product, s.Homepage, owner, string(s.Visibility), 1, im.nowValue, im.nowValue); err != nil {
		return err
	}
	for _, code := range s.Tasks {
		if err := im.systemTasks.Add(s.ID, code); err != nil {
			return err
		}
	}
	return nil
}

// queueSystems writes (or queues on the pipe, ahead of them) the pending
// catalogue entries, before rows that refer to them.
func (im *importer) queueSystems() error {
	if im.newSystems == nil {
		return nil
	}
	return im.newSystems.queue()
}

var systemFileColumns = map[string]string{"name": "Navn", "category": "Kategori", "tasks": "KLE", "description": "Beskrivelse",
	"homepage": "Hjemmeside", "visibility": "Synlighed"}

func (im *importer) system(line int, r *samspil.SystemRecord) error {
	nameCol := im.col("name", "Navn")
	if im.duplicate(line, "system:", samspil.Fold(r.Name), nameCol, "system") {
		return nil
	}
	vendorID := im.company(line, r.Vendor, r.VendorCVR, im.vendorCol("vendor", "vendor_cvr"))
	in := samspil.SystemInput{Name: r.Name, VendorID: vendorID, Category: r.Category, Tasks: r.Tasks, Description: r.Description,
		OpenSource: r.OpenSource, OS2Product: r.OS2Product, Homepage: r.Homepage, OwnerID: im.org.ID, Visibility: r.Visibility}
	if in.Category == "" {
		in.Category = samspil.CategoryOther
	}
	s := in.System()
	if im.fieldErrors(line, s.Validate(), systemFileColumns) {
		return nil
	}
	for _, code := range s.Tasks {
		if !im.tasks[code] {
			im.addError(samspil.RowError{Line: line, Column: im.col("tasks", "KLE"), Message: code + " is not in the KLE taxonomy"})
			return nil
		}
	}
	existing, ok := im.findSystem(line, s.Name, vendorID, nameCol)
	if !ok {
		return nil
	}
	if existing != nil {
		if existing.ownerID != im.org.ID {
			im.report.Unchanged++
			im.report.AddWarning(samspil.RowError{Line: line, Column: nameCol, Message: "the catalogue has " + s.Name + " already, registered by another organisation; it is left as it is"})
			return nil
		}
		return im.updateSystem(line, existing.id, s)
	}
	im.report.Create++
	if im.tx == nil {
		return nil
	}
	s.ID = newID()
	return im.insertSystem(s)
}

// updateSystem changes an entry the organisation owns when the row differs.
func (im *importer) updateSystem(line int, id string, s samspil.System) error {
	before, err := im.db.findSystem(im.ctx, im.qr, samspil.SystemActor("import"), id)
	if err != nil {
		return err
	}
	same := before.Name == s.Name && before.VendorID == s.VendorID && before.Category == s.Category && slices.Equal(before.Tasks, s.Tasks) &&
		before.Description == s.Description && before.OpenSource == s.OpenSource && before.OS2Product == s.OS2Product &&
		before.Homepage == s.Homepage && before.Visibility == s.Visibility
	if same {
		im.report.Unchanged++
		return nil
	}
	im.report.Update++
	if im.tx == nil {
		return nil
	}
	if err := im.tx.execVersioned("systems", "system", id, before.Version, `UPDATE systems SET name = $1, name_fold = $2, vendor_id = $3, category = $4,
		description = $5, open_source = $6, os2_product = $7, homepage = $8, visibility = $9, version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12`,
		s.Name, samspil.Fold(s.Name), nullString(s.VendorID), string(s.Category), s.Description, s.OpenSource, s.OS2Product, s.Homepage,
		string(s.Visibility), im.tx.now, id, before.Version); err != nil {
		return err
	}
	return im.tx.writeSystemTasks(id, s.Tasks)
}

var contractFileColumns = map[string]string{"name": "Kontrakt", "start": "Start", "duration_months": "Varighed (måneder)", "expiry": "Udløber",
	"irrevocable_until": "Uopsigelig til", "extension_count": "Optioner", "extension_months": "Option (måneder)", "extensions_used": "Brugte optioner", "extension_kind": "Forlængelsestype",
	"notice_months": "Opsigelsesfrist (måneder)", "notice_rule": "Opsigelse træder i kraft", "terminated_on": "Opsagt til",
	"procurement_form": "Indkøbsform", "reprocurement_quarter": "Genanskaffelse", "costs.acquisition": "Anskaffelse pr. år",
	"costs.operation": "Drift pr. år", "costs.other": "Andet pr. år", "costs.one_off_acquisition": "Anskaffelse (engangsbeløb)", "external_ref": "Reference", "notes": "Noter",
	"visibility": "Synlighed", "price_visibility": "Prissynlighed"}

func (im *importer) contract(line int, r *samspil.ContractRecord) error {
	key := contractKey(r.Reference, r.Name)
	keyCol := im.col("name", "Kontrakt")
	if r.Reference != "" {
		keyCol = im.col("external_ref", "Reference")
	}
	if im.duplicate(line, "contract:", key, keyCol, "contract") {
		return nil
	}
	systemsCol := im.col("systems", "Systemer")
	in := samspil.ContractInput{Name: r.Name, SupplierID: im.company(line, r.Supplier, r.SupplierCVR, im.vendorCol("supplier", "supplier_cvr")), ContractTerms: r.Terms,
		ProcurementForm: r.ProcurementForm, ReprocurementQuarter: r.ReprocurementQuarter, Costs: r.Costs, ExternalRef: r.Reference,
		Notes: r.Notes, Visibility: r.Visibility, PriceVisibility: r.PriceVisibility}
	for _, name := range r.Systems {
		sys, ok := im.findSystem(line, name, "", systemsCol)
		if !ok {
			return nil
		}
		if sys == nil {
			im.addError(samspil.RowError{Line: line, Column: systemsCol, Message: name + " is not in the catalogue; import the usages first"})
			return nil
		}
		in.SystemIDs = append(in.SystemIDs, sys.id)
	}
	c := in.Contract()
	c.OrganizationID = im.org.ID
	existing, ok := im.contracts[key]
	if ok && r.Terms.ExtensionKind == "" {
		c.ExtensionKind = existing.c.ExtensionKind // a file without the kind keeps what the contract says
	}
	if im.fieldErrors(line, c.ValidateOn(samspil.Today(im.db.now())), contractFileColumns) {
		return nil
	}
	if ok {
		if sameContract(&existing.c, &c) {
			im.report.Unchanged++
			return nil
		}
		im.report.Update++
		if im.tx == nil {
			return nil
		}
		c.ID = existing.id
		args := append(contractArgs(&c), existing.version+1, im.tx.now, c.ID, existing.version)
		if err := im.tx.execVersioned("contracts", "contract", c.ID, existing.version, contractUpdate, args...); err != nil {
			return err
		}
		return im.tx.writeContractSystems(&c)
	}
	im.report.Create++
	if im.tx == nil {
		return nil
	}
	c.ID = newID()
	args := append([]any{c.ID, c.OrganizationID}, contractArgs(&c)...)
	args = append(args, im.tx.now)
	if _, err := im.tx.ExecContext(im.ctx, contractInsert, args...); err != nil {
		return err
	}
	return im.tx.writeContractSystems(&c)
}

// sameContract compares the stored fields of two contracts.
func sameContract(a, b *samspil.Contract) bool {
	ca, cb := a.Costs, b.Costs
	costsSame := (ca == nil && cb == nil) || (ca != nil && cb != nil && *ca == *cb)
	sa, sb := a.SystemIDs(), b.SystemIDs()
	slices.Sort(sa)
	slices.Sort(sb)
	return a.Name == b.Name && a.SupplierID == b.SupplierID && slices.Equal(sa, sb) && sameTerms(a.ContractTerms, b.ContractTerms) &&
		a.ProcurementForm == b.ProcurementForm && a.ReprocurementQuarter == b.ReprocurementQuarter && costsSame && a.ExternalRef == b.ExternalRef &&
		a.Notes == b.Notes && a.Visibility == b.Visibility && a.PriceVisibility == b.PriceVisibility
}

func sameTerms(a, b samspil.ContractTerms) bool {
	eq := func(x, y *samspil.Date) bool { return x.StringOrEmpty() == y.StringOrEmpty() }
	return a.Start == b.Start && a.DurationMonths == b.DurationMonths && eq(a.Expiry, b.Expiry) && eq(a.IrrevocableUntil, b.IrrevocableUntil) &&
		a.ExtensionCount == b.ExtensionCount && a.ExtensionMonths == b.ExtensionMonths && a.ExtensionsUsed == b.ExtensionsUsed &&
		a.NoticeMonths == b.NoticeMonths && a.NoticeRule == b.NoticeRule && eq(a.TerminatedOn, b.TerminatedOn) && a.ExtensionKind == b.ExtensionKind
}
