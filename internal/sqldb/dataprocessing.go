package sqldb

import (
	"context"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
)

var _ samspil.DataProcessingService = (*DB)(nil)

// dataProcessingSelects are the SELECT of a registration row r with its
// organisation o, per engine (see dateColumn).
var dataProcessingSelects = map[Engine]string{SQLite: dataProcessingSelectFor(SQLite), Postgres: dataProcessingSelectFor(Postgres)}

func dataProcessingSelectFor(e Engine) string {
	d := func(col string) string { return dateColumn(e, col) }
	return `SELECT r.id, r.organization_id, o.name, r.name, r.data_responsible, r.agreement_concluded, ` + d("r.agreement_date") + `,
	r.transfer_basis, r.third_countries, r.personal_data, r.oversight_interval, ` + d("r.last_oversight") + `, ` + d("r.planned_oversight") + `,
	r.oversight_result, r.oversight_document_url, r.notes, r.visibility, r.version, r.created_at, r.updated_at
	FROM data_processing_registrations r JOIN organizations o ON o.id = r.organization_id`
}

// splitSet reads a comma-separated set column.
func splitSet(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func scanDataProcessing(row rowScanner) (samspil.DataProcessingRegistration, error) {
	var r samspil.DataProcessingRegistration
	var agreement, last, planned nullDate
	var countries, kinds string
	var created, updated dbTime
	o := &r.Oversight
	err := row.Scan(&r.ID, &r.OrganizationID, &r.OrganizationName, &r.Name, &r.DataResponsible, &r.AgreementConcluded, &agreement,
		&r.TransferBasis, &countries, &kinds, &o.Interval, &last, &planned, &o.Result, &o.DocumentURL, &r.Notes, &r.Visibility,
		&r.Version, &created, &updated)
	r.AgreementDate, o.LastDate, o.PlannedDate = agreement.Ptr(), last.Ptr(), planned.Ptr()
	r.ThirdCountries = splitSet(countries)
	r.PersonalData = []samspil.PersonalDataKind{}
	for _, k := range splitSet(kinds) {
		r.PersonalData = append(r.PersonalData, samspil.PersonalDataKind(k))
	}
	r.NextOversight = samspil.NextOversightDate(o.LastDate, o.PlannedDate, o.Interval)
	r.CreatedAt, r.UpdatedAt = created.T, updated.T
	return r, err
}

// finishDataProcessing loads the usages, contracts and processors of the
// registrations, a page of ids at a time. Only the usages and contracts the
// actor may see are named.
func (db *DB) finishDataProcessing(ctx context.Context, qr querier, actor *samspil.Actor, regs []samspil.DataProcessingRegistration) error {
	idx := make(map[string]int, len(regs))
	for i := range regs {
		r := &regs[i]
		idx[r.ID] = i
		r.Usages, r.Contracts = []samspil.DataProcessingUsage{}, []samspil.DataProcessingContract{}
		r.Processors, r.SubProcessors = []samspil.DataProcessor{}, []samspil.DataProcessor{}
	}
	for start := 0; start < len(regs); start += samspil.MaxPageSize {
		ids := make([]string, 0, samspil.MaxPageSize)
		for _, r := range regs[start:min(start+samspil.MaxPageSize, len(regs))] {
			ids = append(ids, r.ID)
		}
		if err := db.loadDataProcessingLinks(ctx, qr, actor, regs, idx, ids); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) loadDataProcessingLinks(ctx context.Context, qr querier, actor *samspil.Actor, regs []samspil.DataProcessingRegistration,
	idx map[string]int, ids []string) error {
	var uq query
	uq.cond("du.registration_id IN " + uq.in(ids))
	uq.cond(visibleCond(&uq, actor, "u.organization_id", "u.visibility"))
	rows, err := qr.QueryContext(ctx, `SELECT du.registration_id, u.id, u.system_id, s.name FROM data_processing_usages du
		JOIN usages u ON u.id = du.usage_id JOIN systems s ON s.id = u.system_id`+uq.whereSQL()+` ORDER BY s.name_fold, u.id`, uq.args...)
	if err != nil {
		return err
	}
	if err := each(rows, func(r rowScanner) error {
		var id string
		var u samspil.DataProcessingUsage
		if err := r.Scan(&id, &u.ID, &u.SystemID, &u.SystemName); err != nil {
			return err
		}
		regs[idx[id]].Usages = append(regs[idx[id]].Usages, u)
		return nil
	}); err != nil {
		return err
	}
	var cq query
	cq.cond("dc.registration_id IN " + cq.in(ids))
	cq.cond(visibleCond(&cq, actor, "c.organization_id", "c.visibility"))
	rows, err = qr.QueryContext(ctx, `SELECT dc.registration_id, c.id, c.name FROM data_processing_contracts dc
		JOIN contracts c ON c.id = dc.contract_id`+cq.whereSQL()+` ORDER BY c.name_fold, c.id`, cq.args...)
	if err != nil {
		return err
	}
	if err := each(rows, func(r rowScanner) error {
		var id string
		var c samspil.DataProcessingContract
		if err := r.Scan(&id, &c.ID, &c.Name); err != nil {
			return err
		}
		regs[idx[id]].Contracts = append(regs[idx[id]].Contracts, c)
		return nil
	}); err != nil {
		return err
	}
	var pq query
	rows, err = qr.QueryContext(ctx, `SELECT dp.registration_id, dp.sub_processor, dp.organization_id, o.name, dp.country
		FROM data_processing_processors dp JOIN organizations o ON o.id = dp.organization_id
		WHERE dp.registration_id IN `+pq.in(ids)+` ORDER BY dp.registration_id, dp.sub_processor, dp.position`, pq.args...)
	if err != nil {
		return err
	}
	return each(rows, func(r rowScanner) error {
		var id string
		var sub bool
		var p samspil.DataProcessor
		if err := r.Scan(&id, &sub, &p.OrganizationID, &p.OrganizationName, &p.Country); err != nil {
			return err
		}
		reg := &regs[idx[id]]
		if sub {
			reg.SubProcessors = append(reg.SubProcessors, p)
		} else {
			reg.Processors = append(reg.Processors, p)
		}
		return nil
	})
}

// FindDataProcessing returns a visible registration.
func (db *DB) FindDataProcessing(ctx context.Context, actor *samspil.Actor, id string) (*samspil.DataProcessingRegistration, error) {
	return db.findDataProcessing(ctx, db.read, actor, id)
}

func (db *DB) findDataProcessing(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.DataProcessingRegistration, error) {
	var q query
	q.cond("r.id = " + q.arg(id))
	q.cond(visibleCond(&q, actor, "r.organization_id", "r.visibility"))
	r, err := scanDataProcessing(qr.QueryRowContext(ctx, dataProcessingSelects[db.engine]+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "data processing registration")
	}
	regs := []samspil.DataProcessingRegistration{r}
	if err := db.finishDataProcessing(ctx, qr, actor, regs); err != nil {
		return nil, err
	}
	return &regs[0], nil
}

// dataProcessingFilter turns a filter into conditions on the registration
// r and its organisation o.
func (db *DB) dataProcessingFilter(ctx context.Context, actor *samspil.Actor, f samspil.DataProcessingFilter) (query, error) {
	var q query
	q.cond(visibleCond(&q, actor, "r.organization_id", "r.visibility"))
	if f.OrganizationID != "" {
		id, err := resolveOrgID(ctx, db.read, f.OrganizationID)
		if err != nil {
			return q, err
		}
		q.cond("r.organization_id = " + q.arg(id))
	}
	if f.UsageID != "" {
		q.cond("r.id IN (SELECT registration_id FROM data_processing_usages WHERE usage_id = " + q.arg(f.UsageID) + ")")
	}
	if f.ContractID != "" {
		q.cond("r.id IN (SELECT registration_id FROM data_processing_contracts WHERE contract_id = " + q.arg(f.ContractID) + ")")
	}
	if f.ProcessorID != "" {
		q.cond("r.id IN (SELECT registration_id FROM data_processing_processors WHERE organization_id = " + q.arg(f.ProcessorID) + ")")
	}
	if f.OversightBy != nil {
		q.cond("r.next_oversight <= " + q.arg(f.OversightBy.String()))
	}
	if f.ChangedSince != nil {
		q.cond("r.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	return q, nil
}

// ListDataProcessing lists visible registrations by name.
func (db *DB) ListDataProcessing(ctx context.Context, actor *samspil.Actor, f samspil.DataProcessingFilter) (*samspil.Page[samspil.DataProcessingRegistration], error) {
	q, err := db.dataProcessingFilter(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	limit := f.PageSize()
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("(r.name_fold, r.id) > (" + q.arg(keys[0]) + ", " + q.arg(keys[1]) + ")")
	}
	rows, err := db.read.QueryContext(ctx, dataProcessingSelects[db.engine]+q.whereSQL()+" ORDER BY r.name_fold, r.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	regs, err := collect(rows, scanDataProcessing)
	if err != nil {
		return nil, err
	}
	page := pageOf(regs, limit, func(r samspil.DataProcessingRegistration) []string { return []string{samspil.Fold(r.Name), r.ID} })
	if page.Items == nil {
		page.Items = []samspil.DataProcessingRegistration{}
	}
	return page, db.finishDataProcessing(ctx, db.read, actor, page.Items)
}

// AllDataProcessing returns every visible registration that matches the
// filter, by name: the landscape, deadlines and calendar show them all.
func (db *DB) AllDataProcessing(ctx context.Context, actor *samspil.Actor, f samspil.DataProcessingFilter) ([]samspil.DataProcessingRegistration, error) {
	q, err := db.dataProcessingFilter(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, dataProcessingSelects[db.engine]+q.whereSQL()+" ORDER BY r.name_fold, r.id", q.args...)
	if err != nil {
		return nil, err
	}
	regs, err := collect(rows, scanDataProcessing)
	if err != nil {
		return nil, err
	}
	if regs == nil {
		regs = []samspil.DataProcessingRegistration{}
	}
	return regs, db.finishDataProcessing(ctx, db.read, actor, regs)
}

// OversightsDue returns the first limit registrations with a next
// oversight (on or before f.OversightBy when set), earliest first, and how
// many there are: the index on next_oversight keeps the order, and only
// the rows shown are read in full.
func (db *DB) OversightsDue(ctx context.Context, actor *samspil.Actor, f samspil.DataProcessingFilter, limit int) ([]samspil.DataProcessingRegistration, int, error) {
	q, err := db.dataProcessingFilter(ctx, actor, f)
	if err != nil {
		return nil, 0, err
	}
	q.cond("r.next_oversight IS NOT NULL")
	var total int
	if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM data_processing_registrations r"+q.whereSQL(), q.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, dataProcessingSelects[db.engine]+q.whereSQL()+" ORDER BY r.next_oversight, r.name_fold, r.id LIMIT "+
		q.arg(limit), q.args...)
	if err != nil {
		return nil, 0, err
	}
	regs, err := collect(rows, scanDataProcessing)
	if err != nil {
		return nil, 0, err
	}
	if regs == nil {
		regs = []samspil.DataProcessingRegistration{}
	}
	return regs, total, db.finishDataProcessing(ctx, db.read, actor, regs)
}

// DataProcessingCovering returns, by usage id, the visible registrations
// that cover each of the usages (at most samspil.MaxPageSize of them, a
// page of a list), by name; only their ids and names are read.
func (db *DB) DataProcessingCovering(ctx context.Context, actor *samspil.Actor, usageIDs []string) (map[string][]samspil.DataProcessingRegistration, error) {
	out := map[string][]samspil.DataProcessingRegistration{}
	if len(usageIDs) == 0 {
		return out, nil
	}
	if len(usageIDs) > samspil.MaxPageSize {
		return nil, samspil.Errorf(samspil.EINVALID, "at most %d usages at a time", samspil.MaxPageSize)
	}
	var q query
	q.cond("du.usage_id IN " + q.in(usageIDs))
	q.cond(visibleCond(&q, actor, "r.organization_id", "r.visibility"))
	rows, err := db.read.QueryContext(ctx, `SELECT du.usage_id, r.id, r.name FROM data_processing_usages du
		JOIN data_processing_registrations r ON r.id = du.registration_id`+q.whereSQL()+` ORDER BY r.name_fold, r.id`, q.args...)
	if err != nil {
		return nil, err
	}
	_, err = collect(rows, func(r rowScanner) (struct{}, error) {
		var usage string
		var reg samspil.DataProcessingRegistration
		err := r.Scan(&usage, &reg.ID, &reg.Name)
		out[usage] = append(out[usage], reg)
		return struct{}{}, err
	})
	return out, err
}

// checkDataProcessingRefs checks that the usages and contracts are the
// organisation's and visible to the actor, and resolves the processors.
func (db *DB) checkDataProcessingRefs(tx *Tx, r *samspil.DataProcessingRegistration) error {
	var v samspil.Validation
	if ids := r.UsageIDs(); len(ids) > 0 {
		var q query
		q.cond("u.id IN " + q.in(ids))
		q.cond("u.organization_id = " + q.arg(r.OrganizationID))
		q.cond(visibleCond(&q, tx.actor, "u.organization_id", "u.visibility"))
		rows, err := tx.QueryContext(tx.ctx, "SELECT u.id, u.system_id, s.name FROM usages u JOIN systems s ON s.id = u.system_id"+q.whereSQL(), q.args...)
		if err != nil {
			return err
		}
		found, err := collect(rows, func(row rowScanner) (samspil.DataProcessingUsage, error) {
			var u samspil.DataProcessingUsage
			return u, row.Scan(&u.ID, &u.SystemID, &u.SystemName)
		})
		if err != nil {
			return err
		}
		byID := map[string]samspil.DataProcessingUsage{}
		for _, u := range found {
			byID[u.ID] = u
		}
		for i := range r.Usages {
			u, ok := byID[r.Usages[i].ID]
			v.Check(ok, "usage_ids", "%s is not a usage of the organisation", r.Usages[i].ID)
			if ok {
				r.Usages[i] = u
			}
		}
	}
	if ids := r.ContractIDs(); len(ids) > 0 {
		var q query
		q.cond("c.id IN " + q.in(ids))
		q.cond("c.organization_id = " + q.arg(r.OrganizationID))
		q.cond(visibleCond(&q, tx.actor, "c.organization_id", "c.visibility"))
		rows, err := tx.QueryContext(tx.ctx, "SELECT c.id, c.name FROM contracts c"+q.whereSQL(), q.args...)
		if err != nil {
			return err
		}
		found, err := collect(rows, func(row rowScanner) (samspil.DataProcessingContract, error) {
			var c samspil.DataProcessingContract
			return c, row.Scan(&c.ID, &c.Name)
		})
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, c := range found {
			names[c.ID] = c.Name
		}
		for i := range r.Contracts {
			name, ok := names[r.Contracts[i].ID]
			v.Check(ok, "contract_ids", "%s is not a contract of the organisation", r.Contracts[i].ID)
			r.Contracts[i].Name = name
		}
	}
	for _, list := range []struct {
		path string
		ps   []samspil.DataProcessor
	}{{"processors", r.Processors}, {"sub_processors", r.SubProcessors}} {
		for i := range list.ps {
			path := list.path + "[" + strconv.Itoa(i) + "].organization_id"
			id, err := db.resolveCompany(tx, list.ps[i].OrganizationID, path)
			if err := v.Merge(err); err != nil {
				return err
			}
			if id != "" {
				list.ps[i].OrganizationID = id
			}
		}
	}
	return v.Err()
}

func (tx *Tx) writeDataProcessingLinks(r *samspil.DataProcessingRegistration) error {
	for _, table := range []string{"data_processing_usages", "data_processing_contracts", "data_processing_processors"} {
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM `+table+` WHERE registration_id = $1`, r.ID); err != nil {
			return err
		}
	}
	for _, u := range r.Usages {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO data_processing_usages (registration_id, usage_id) VALUES ($1, $2)`, r.ID, u.ID); err != nil {
			return err
		}
	}
	for _, c := range r.Contracts {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO data_processing_contracts (registration_id, contract_id) VALUES ($1, $2)`, r.ID, c.ID); err != nil {
			return err
		}
	}
	for sub, ps := range [][]samspil.DataProcessor{r.Processors, r.SubProcessors} {
		for i, p := range ps {
			if _, err := tx.ExecContext(tx.ctx, `INSERT INTO data_processing_processors (registration_id, sub_processor, position, organization_id, country)
				VALUES ($1, $2, $3, $4, $5)`, r.ID, sub == 1, i, p.OrganizationID, p.Country); err != nil {
				return err
			}
		}
	}
	return nil
}

// dataProcessingArgs are the column values of a registration, in the order
// of dataProcessingColumns.
func dataProcessingArgs(r *samspil.DataProcessingRegistration) []any {
	kinds := make([]string, len(r.PersonalData))
	for i, k := range r.PersonalData {
		kinds[i] = string(k)
	}
	o := r.Oversight
	return []any{r.Name, samspil.Fold(r.Name), string(r.DataResponsible), string(r.AgreementConcluded), dateValue(r.AgreementDate),
		string(r.TransferBasis), strings.Join(r.ThirdCountries, ","), strings.Join(kinds, ","), string(o.Interval), dateValue(o.LastDate),
		dateValue(o.PlannedDate), dateValue(r.NextOversight), o.Result, o.DocumentURL, r.Notes, string(r.Visibility)}
}

const dataProcessingColumns = `name, name_fold, data_responsible, agreement_concluded, agreement_date, transfer_basis, third_countries,
	personal_data, oversight_interval, last_oversight, planned_oversight, next_oversight, oversight_result, oversight_document_url, notes, visibility`

// auditDataProcessing is what the audit log keeps of a registration.
func auditDataProcessing(r *samspil.DataProcessingRegistration) any { return *r }

// CreateDataProcessing registers a data processing.
func (db *DB) CreateDataProcessing(ctx context.Context, actor *samspil.Actor, in samspil.DataProcessingInput) (*samspil.DataProcessingRegistration, error) {
	r := in.Registration()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var id string
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.ownerFor(tx, in.OrganizationID, "organization_id", samspil.PermLandscapeWrite)
		if err != nil {
			return err
		}
		created, err := db.createDataProcessingIn(tx, org.ID, r)
		if err != nil {
			return err
		}
		id = created.ID
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "data_processing.create", ObjectType: "data_processing_registration", ObjectID: id,
			After: auditDataProcessing(created)})
	})
	if err != nil {
		return nil, err
	}
	return db.FindDataProcessing(ctx, actor, id)
}

// createDataProcessingIn writes a validated registration of orgID in tx and
// returns it; the caller has checked the actor's right and writes the audit
// event.
func (db *DB) createDataProcessingIn(tx *Tx, orgID string, r samspil.DataProcessingRegistration) (*samspil.DataProcessingRegistration, error) {
	r.ID, r.OrganizationID = newID(), orgID
	if err := db.checkDataProcessingRefs(tx, &r); err != nil {
		return nil, err
	}
	args := append([]any{r.ID, r.OrganizationID}, dataProcessingArgs(&r)...)
	args = append(args, tx.now)
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO data_processing_registrations (id, organization_id, `+dataProcessingColumns+`, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1, $19, $19)`, args...); err != nil {
		return nil, err
	}
	if err := tx.writeDataProcessingLinks(&r); err != nil {
		return nil, err
	}
	return db.findDataProcessing(tx.ctx, tx, samspil.SystemActor("store"), r.ID)
}

// writableDataProcessing finds a visible registration the actor may change.
func (db *DB) writableDataProcessing(tx *Tx, id string) (*samspil.DataProcessingRegistration, error) {
	r, err := db.findDataProcessing(tx.ctx, tx, samspil.SystemActor("store"), id)
	if err != nil {
		return nil, err
	}
	if !tx.actor.CanSee(r.OrganizationID, r.Visibility) {
		return nil, samspil.NotFound("data processing registration")
	}
	if err := tx.actor.Require(samspil.PermLandscapeWrite, r.OrganizationID, r.OrganizationName); err != nil {
		return nil, err
	}
	return r, nil
}

// UpdateDataProcessing changes a registration.
func (db *DB) UpdateDataProcessing(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.DataProcessingPatch) (*samspil.DataProcessingRegistration, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.writableDataProcessing(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after, err := db.updateDataProcessingIn(tx, before, p)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: after.OrganizationID, Action: "data_processing.update", ObjectType: "data_processing_registration", ObjectID: id,
			Before: auditDataProcessing(before), After: auditDataProcessing(after)})
	})
	if err != nil {
		return nil, err
	}
	return db.FindDataProcessing(ctx, actor, id)
}

// updateDataProcessingIn applies p to a writable registration in tx and
// returns it as changed; the caller writes the audit event.
func (db *DB) updateDataProcessingIn(tx *Tx, before *samspil.DataProcessingRegistration, p samspil.DataProcessingPatch) (*samspil.DataProcessingRegistration, error) {
	id := before.ID
	after := p.Apply(*before)
	if err := after.Validate(); err != nil {
		return nil, err
	}
	if err := db.checkDataProcessingRefs(tx, &after); err != nil {
		return nil, err
	}
	after.Version, after.UpdatedAt = before.Version+1, tx.now
	args := append(dataProcessingArgs(&after), after.Version, tx.now, id, before.Version)
	if err := tx.execVersioned("data_processing_registrations", "data processing registration", id, before.Version,
		`UPDATE data_processing_registrations SET (`+dataProcessingColumns+`, version, updated_at) =
		($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) WHERE id = $19 AND version = $20`, args...); err != nil {
		return nil, err
	}
	if err := tx.writeDataProcessingLinks(&after); err != nil {
		return nil, err
	}
	return &after, nil
}

// DeleteDataProcessing removes a registration.
func (db *DB) DeleteDataProcessing(ctx context.Context, actor *samspil.Actor, id string, version int) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		r, err := db.writableDataProcessing(tx, id)
		if err != nil {
			return err
		}
		if err := tx.deleteDataProcessingIn(r, version); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: r.OrganizationID, Action: "data_processing.delete", ObjectType: "data_processing_registration", ObjectID: id,
			Before: auditDataProcessing(r)})
	})
}

// deleteDataProcessingIn removes a writable registration at version and
// records the deletion; the caller writes the audit event.
func (tx *Tx) deleteDataProcessingIn(r *samspil.DataProcessingRegistration, version int) error {
	if err := tx.execVersioned("data_processing_registrations", "data processing registration", r.ID, version,
		`DELETE FROM data_processing_registrations WHERE id = $1 AND version = $2`, r.ID, version); err != nil {
		return err
	}
	return tx.recordDeletion("data_processing_registration", r.ID, r.OrganizationID, r.Visibility)
}
