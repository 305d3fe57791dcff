package sqldb

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
)

var _ samspil.ContractService = (*DB)(nil)

// contractSelects are the SELECT of a contract row, per engine (see
// dateColumn): contractSelects[db.engine].
var contractSelects = map[Engine]string{SQLite: contractSelectFor(SQLite), Postgres: contractSelectFor(Postgres)}

func contractSelectFor(e Engine) string {
	d := func(col string) string { return dateColumn(e, col) }
	return `SELECT c.id, c.organization_id, o.name, c.name, c.supplier_id, COALESCE(sp.name, ''),
	` + d("c.start_date") + `, c.duration_months, ` + d("c.expiry") + `, ` + d("c.irrevocable_until") + `, c.extension_count, c.extension_months, c.extensions_used,
	c.extension_kind, c.notice_months, c.notice_rule, ` + d("c.terminated_on") + `, c.procurement_form, c.reprocurement_quarter,
	c.has_costs, c.cost_acquisition, c.cost_operation, c.cost_other, c.cost_one_off_acquisition, c.external_ref, c.notes, c.visibility, c.price_visibility,
	c.version, c.created_at, c.updated_at
	FROM contracts c JOIN organizations o ON o.id = c.organization_id LEFT JOIN organizations sp ON sp.id = c.supplier_id`
}

// contractTermSelects read only what the urgency order needs: the id, the
// name and the terms, for every contract of a filter.
var contractTermSelects = map[Engine]string{SQLite: contractTermSelectFor(SQLite), Postgres: contractTermSelectFor(Postgres)}

func contractTermSelectFor(e Engine) string {
	d := func(col string) string { return dateColumn(e, col) }
	return `SELECT c.id, c.name, ` + d("c.start_date") + `, c.duration_months, ` + d("c.expiry") + `, ` + d("c.irrevocable_until") +
		`, c.extension_count, c.extension_months, c.extensions_used, c.extension_kind, c.notice_months, c.notice_rule, ` + d("c.terminated_on") +
		` FROM contracts c JOIN organizations o ON o.id = c.organization_id`
}

func scanContractTerms(r rowScanner) (samspil.Contract, error) {
	var c samspil.Contract
	var start, expiry, irrevocable, terminated nullDate
	t := &c.ContractTerms
	err := r.Scan(&c.ID, &c.Name, &start, &t.DurationMonths, &expiry, &irrevocable, &t.ExtensionCount, &t.ExtensionMonths, &t.ExtensionsUsed,
		&t.ExtensionKind, &t.NoticeMonths, &t.NoticeRule, &terminated)
	t.Start, t.Expiry, t.IrrevocableUntil, t.TerminatedOn = start.D, expiry.Ptr(), irrevocable.Ptr(), terminated.Ptr()
	return c, err
}

func scanContract(r rowScanner) (samspil.Contract, error) {
	var c samspil.Contract
	var supplier, externalRef *string
	var start nullDate
	var expiry, irrevocable, terminated nullDate
	var hasCosts bool
	var costs samspil.Costs
	var created, updated dbTime
	t := &c.ContractTerms
	err := r.Scan(&c.ID, &c.OrganizationID, &c.OrganizationName, &c.Name, &supplier, &c.SupplierName,
		&start, &t.DurationMonths, &expiry, &irrevocable, &t.ExtensionCount, &t.ExtensionMonths, &t.ExtensionsUsed,
		&t.ExtensionKind, &t.NoticeMonths, &t.NoticeRule, &terminated, &c.ProcurementForm, &c.ReprocurementQuarter,
		&hasCosts, &costs.Acquisition, &costs.Operation, &costs.Other, &costs.OneOffAcquisition, &externalRef, &c.Notes, &c.Visibility, &c.PriceVisibility,
		&c.Version, &created, &updated)
	c.SupplierID, c.ExternalRef = deref(supplier), deref(externalRef)
	t.Start, t.Expiry, t.IrrevocableUntil, t.TerminatedOn = start.D, expiry.Ptr(), irrevocable.Ptr(), terminated.Ptr()
	if hasCosts {
		c.Costs = &costs
	}
	c.CreatedAt, c.UpdatedAt = created.T, updated.T
	return c, err
}

// finishContracts hides prices the actor may not see, computes the
// deadlines for today where they are not computed yet, and loads the
// systems of the contracts: by their ids, which are at most a page
// (MaxPageSize), so the IN list stays far below any engine's limit.
func (db *DB) finishContracts(ctx context.Context, qr querier, actor *samspil.Actor, contracts []samspil.Contract) error {
	if len(contracts) == 0 {
		return nil
	}
	if len(contracts) > samspil.MaxPageSize {
		panic("finishContracts: more contracts than a page; use contractSystemsWhere")
	}
	ids := make([]string, len(contracts))
	for i := range contracts {
		ids[i] = contracts[i].ID
	}
	var q query
	q.cond("cs.contract_id IN " + q.in(ids))
	return db.attachContractSystems(ctx, qr, actor, contracts, q, "")
}

// prepareContracts hides prices the actor may not see and computes the
// deadlines for today.
func (db *DB) prepareContracts(actor *samspil.Actor, contracts []samspil.Contract) {
	today := samspil.Today(db.now())
	for i := range contracts {
		c := &contracts[i]
		c.Systems = []samspil.ContractSystem{}
		if !actor.CanSee(c.OrganizationID, c.PriceVisibility) {
			c.Costs = nil
		}
		if c.Deadlines.Status == "" {
			c.Deadlines = c.ContractTerms.Deadlines(today)
		}
	}
}

// attachContractSystems prepares the contracts and loads their systems:
// the rows of contract_systems under the conditions of q, which may refer to
// the contract as c and its organisation as o when join is given. Only the
// systems the actor may see: a contract shown to others does not name a
// private catalogue entry.
func (db *DB) attachContractSystems(ctx context.Context, qr querier, actor *samspil.Actor, contracts []samspil.Contract, q query, join string) error {
	db.prepareContracts(actor, contracts)
	idx := make(map[string]int, len(contracts))
	for i := range contracts {
		idx[contracts[i].ID] = i
	}
	q.cond(visibleCond(&q, actor, "s.owner_id", "s.visibility"))
	rows, err := qr.QueryContext(ctx, `SELECT cs.contract_id, s.id, s.name FROM contract_systems cs JOIN systems s ON s.id = cs.system_id`+join+
		q.whereSQL()+` ORDER BY s.name_fold, s.id`, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var s samspil.ContractSystem
		if err := rows.Scan(&id, &s.ID, &s.Name); err != nil {
			return err
		}
		if i, ok := idx[id]; ok {
			contracts[i].Systems = append(contracts[i].Systems, s)
		}
	}
	return rows.Err()
}

// FindContract returns a visible contract.
func (db *DB) FindContract(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Contract, error) {
	return db.findContract(ctx, db.read, actor, id)
}

func (db *DB) findContract(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Contract, error) {
	var q query
	q.cond("c.id = " + q.arg(id))
	q.cond(visibleCond(&q, actor, "c.organization_id", "c.visibility"))
	c, err := scanContract(qr.QueryRowContext(ctx, contractSelects[db.engine]+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "contract")
	}
	contracts := []samspil.Contract{c}
	if err := db.finishContracts(ctx, qr, actor, contracts); err != nil {
		return nil, err
	}
	return &contracts[0], nil
}

// contractFilter turns a filter into the conditions on the contract c and
// its organisation o. A municipality code is resolved to its organisation
// first, so the filter is one indexed column.
func (db *DB) contractFilter(ctx context.Context, actor *samspil.Actor, f samspil.ContractFilter) (query, error) {
	var q query
	q.cond(visibleCond(&q, actor, "c.organization_id", "c.visibility"))
	if f.OrganizationID != "" {
		id, err := resolveOrgID(ctx, db.read, f.OrganizationID)
		if err != nil {
			return q, err
		}
		q.cond("c.organization_id = " + q.arg(id))
	}
	if f.SystemID != "" {
		q.cond("c.id IN (SELECT contract_id FROM contract_systems WHERE system_id = " + q.arg(f.SystemID) + ")")
	}
	if f.SupplierID != "" {
		q.cond("c.supplier_id = " + q.arg(f.SupplierID))
	}
	if f.ChangedSince != nil {
		q.cond("c.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	return q, nil
}

// ListContracts lists visible contracts by name, or by urgency: the next
// decision first. Urgency depends on today, so that order is computed here,
// over all contracts that match the filter.
func (db *DB) ListContracts(ctx context.Context, actor *samspil.Actor, f samspil.ContractFilter) (*samspil.Page[samspil.Contract], error) {
	q, err := db.contractFilter(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	limit := f.PageSize()
	if f.Urgency != "" {
		var v samspil.Validation
		if !v.OneOf("urgency", f.Urgency) {
			return nil, v.Err()
		}
	}
	if f.Sort == samspil.SortByUrgency || f.Status != "" || f.Urgency != "" {
		return db.listContractsComputed(ctx, actor, q, f, limit)
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("(c.name_fold, c.id) > (" + q.arg(keys[0]) + ", " + q.arg(keys[1]) + ")")
	}
	rows, err := db.read.QueryContext(ctx, contractSelects[db.engine]+q.whereSQL()+" ORDER BY c.name_fold, c.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	contracts, err := collect(rows, scanContract)
	if err != nil {
		return nil, err
	}
	page := pageOf(contracts, limit, func(c samspil.Contract) []string { return []string{samspil.Fold(c.Name), c.ID} })
	if !f.On.IsZero() {
		for i := range page.Items {
			page.Items[i].Deadlines = page.Items[i].ContractTerms.AsOf(f.On).Deadlines(f.On)
		}
	}
	return page, db.finishContracts(ctx, db.read, actor, page.Items)
}

// deadlineDay is the day a filter's deadlines are computed for: its On, or
// today.
func (db *DB) deadlineDay(f samspil.ContractFilter) samspil.Date {
	if !f.On.IsZero() {
		return f.On
	}
	return samspil.Today(db.now())
}

// AllContracts returns every visible contract that matches the filter, in
// the filter's order, without pages: the deadlines list, the landscape page
// and the calendar feed show them all. It reads the contracts in one pass
// and their systems in one more, joined on the same filter.
func (db *DB) AllContracts(ctx context.Context, actor *samspil.Actor, f samspil.ContractFilter) ([]samspil.Contract, error) {
	q, err := db.contractFilter(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	all, err := db.computedContracts(ctx, q, f, contractSelects[db.engine], scanContract)
	if err != nil {
		return nil, err
	}
	sq := query{where: slices.Clone(q.where), args: slices.Clone(q.args)}
	return all, db.attachContractSystems(ctx, db.read, actor, all, sq,
		" JOIN contracts c ON c.id = cs.contract_id JOIN organizations o ON o.id = c.organization_id")
}

// computedContracts reads the contracts under q once (with selectSQL and
// scan: whole rows, or only the terms), computes their deadlines, keeps
// those of the filter's status and orders them.
func (db *DB) computedContracts(ctx context.Context, q query, f samspil.ContractFilter, selectSQL string,
	scan func(rowScanner) (samspil.Contract, error)) ([]samspil.Contract, error) {
	rows, err := db.read.QueryContext(ctx, selectSQL+q.whereSQL(), q.args...)
	if err != nil {
		return nil, err
	}
	all, err := collect(rows, scan)
	if err != nil {
		return nil, err
	}
	today := db.deadlineDay(f)
	n := 0
	for i := range all {
		terms := all[i].ContractTerms
		if !f.On.IsZero() {
			terms = terms.AsOf(today)
		}
		all[i].Deadlines = terms.Deadlines(today)
		if (f.Status == "" || all[i].Deadlines.Status == f.Status) && all[i].Urgency(today).Within(f.Urgency) {
			all[n] = all[i]
			n++
		}
	}
	all = all[:n]
	if f.Sort == samspil.SortByUrgency {
		samspil.OrderByUrgency(all)
	} else {
		samspil.OrderByName(all)
	}
	return all, nil
}

// listContractsComputed filters and orders by the computed deadlines; the
// cursor is a position in that order. Each page reads the matching
// contracts once; only the page's contracts get their systems.
func (db *DB) listContractsComputed(ctx context.Context, actor *samspil.Actor, q query, f samspil.ContractFilter, limit int) (*samspil.Page[samspil.Contract], error) {
	keys, err := decodeCursor(f.Cursor, 1)
	if err != nil {
		return nil, err
	}
	start := 0
	if keys != nil {
		if start, err = strconv.Atoi(keys[0]); err != nil || start < 0 {
			return nil, errBadCursor()
		}
	}
	// Order the terms of all, then read the whole rows of the page.
	all, err := db.computedContracts(ctx, q, f, contractTermSelects[db.engine], scanContractTerms)
	if err != nil {
		return nil, err
	}
	start = min(start, len(all))
	end := min(start+limit, len(all))
	page := &samspil.Page[samspil.Contract]{Items: []samspil.Contract{}}
	if end < len(all) {
		page.NextCursor = encodeCursor(strconv.Itoa(end))
	}
	if page.Items, err = db.wholeContracts(ctx, actor, all[start:end]); err != nil {
		return nil, err
	}
	return page, nil
}

// wholeContracts reads the whole rows of contracts read with their terms
// only (a page, at most samspil.MaxPageSize), keeping their order and
// computed deadlines; a contract deleted since is left out.
func (db *DB) wholeContracts(ctx context.Context, actor *samspil.Actor, terms []samspil.Contract) ([]samspil.Contract, error) {
	out := []samspil.Contract{}
	if len(terms) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(terms))
	for _, c := range terms {
		ids = append(ids, c.ID)
	}
	var pq query
	pq.cond("c.id IN " + pq.in(ids))
	rows, err := db.read.QueryContext(ctx, contractSelects[db.engine]+pq.whereSQL(), pq.args...)
	if err != nil {
		return nil, err
	}
	full, err := collect(rows, scanContract)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*samspil.Contract, len(full))
	for i := range full {
		byID[full[i].ID] = &full[i]
	}
	for _, c := range terms {
		if row, ok := byID[c.ID]; ok {
			row.Deadlines = c.Deadlines
			out = append(out, *row)
		}
	}
	return out, db.finishContracts(ctx, db.read, actor, out)
}

// checkContractRefs resolves the supplier and checks the systems exist and
// are visible.
func (db *DB) checkContractRefs(tx *Tx, c *samspil.Contract, supplierChanged bool) error {
	if supplierChanged {
		id, err := db.resolveCompany(tx, c.SupplierID, "supplier_id")
		if err != nil {
			return err
		}
		c.SupplierID = id
	}
	ids := c.SystemIDs()
	if len(ids) == 0 {
		return nil
	}
	var q query
	q.cond("s.id IN " + q.in(ids))
	q.cond(visibleCond(&q, tx.actor, "s.owner_id", "s.visibility"))
	rows, err := tx.QueryContext(tx.ctx, "SELECT s.id, s.name FROM systems s"+q.whereSQL(), q.args...)
	if err != nil {
		return err
	}
	found, err := collect(rows, func(r rowScanner) (samspil.ContractSystem, error) {
		var s samspil.ContractSystem
		return s, r.Scan(&s.ID, &s.Name)
	})
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, s := range found {
		names[s.ID] = s.Name
	}
	var v samspil.Validation
	for i := range c.Systems {
		name, ok := names[c.Systems[i].ID]
		v.Check(ok, "system_ids", "%s is not a system in the catalogue", c.Systems[i].ID)
		c.Systems[i].Name = name
	}
	return v.Err()
}

func (tx *Tx) writeContractSystems(c *samspil.Contract) error {
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM contract_systems WHERE contract_id = $1`, c.ID); err != nil {
		return err
	}
	for _, s := range c.Systems {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO contract_systems (contract_id, system_id) VALUES ($1, $2)`, c.ID, s.ID); err != nil {
			return err
		}
	}
	return nil
}

// contractArgs are the column values of a contract, in the order of the
// INSERT and UPDATE statements below.
func contractArgs(c *samspil.Contract) []any {
	t := c.ContractTerms
	costs, has := samspil.Costs{}, c.Costs != nil
	if has {
		costs = *c.Costs
	}
	return []any{c.Name, samspil.Fold(c.Name), nullString(c.SupplierID), t.Start.String(), t.DurationMonths, dateValue(t.Expiry),
		dateValue(t.IrrevocableUntil), t.ExtensionCount, t.ExtensionMonths, t.ExtensionsUsed, t.NoticeMonths, string(t.NoticeRule),
		dateValue(t.TerminatedOn), string(c.ProcurementForm), c.ReprocurementQuarter, has, int64(costs.Acquisition), int64(costs.Operation),
		int64(costs.Other), int64(costs.OneOffAcquisition), nullString(c.ExternalRef), c.Notes, string(c.Visibility), string(c.PriceVisibility),
		string(t.ExtensionKind)}
}

const contractColumns = `name, name_fold, supplier_id, start_date, duration_months, expiry, irrevocable_until, extension_count,
	extension_months, extensions_used, notice_months, notice_rule, terminated_on, procurement_form, reprocurement_quarter,
	has_costs, cost_acquisition, cost_operation, cost_other, cost_one_off_acquisition, external_ref, notes, visibility, price_visibility, extension_kind`

// contractInsert and contractUpdate write a contract row. contractInsert
// takes the id, the organisation, contractArgs and the time; contractUpdate
// contractArgs, the new version, the time, the id and the old version. The
// placeholders are counted from contractColumns, so a new column is added
// there and in contractArgs only.
var (
	contractColumnCount = strings.Count(contractColumns, ",") + 1
	contractInsert      = `INSERT INTO contracts (id, organization_id, ` + contractColumns + `, version, created_at, updated_at)
		VALUES (` + placeholders(1, contractColumnCount+2) + `, 1, ` + placeholders(contractColumnCount+3, 1) + `, ` + placeholders(contractColumnCount+3, 1) + `)`
	contractUpdate = `UPDATE contracts SET (` + contractColumns + `, version, updated_at) = (` + placeholders(1, contractColumnCount+2) + `)
		WHERE id = ` + placeholders(contractColumnCount+3, 1) + ` AND version = ` + placeholders(contractColumnCount+4, 1)
)

func externalRefTaken(ref string) error {
	return samspil.ErrorAt(samspil.ECONFLICT, "external_ref", "another contract of the organisation has the reference %s", ref)
}

// CreateContract registers a contract.
func (db *DB) CreateContract(ctx context.Context, actor *samspil.Actor, in samspil.ContractInput) (*samspil.Contract, error) {
	c := in.Contract()
	if err := c.ValidateOn(samspil.Today(db.now())); err != nil {
		return nil, err
	}
	var id string
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.ownerFor(tx, in.OrganizationID, "organization_id", samspil.PermLandscapeWrite)
		if err != nil {
			return err
		}
		c.ID, c.OrganizationID = newID(), org.ID
		if err := db.checkContractRefs(tx, &c, true); err != nil {
			return err
		}
		args := append([]any{c.ID, c.OrganizationID}, contractArgs(&c)...)
		args = append(args, tx.now)
		_, err = tx.ExecContext(ctx, contractInsert, args...)
		if isUniqueViolation(err) {
			return externalRefTaken(c.ExternalRef)
		}
		if err != nil {
			return err
		}
		if err := tx.writeContractSystems(&c); err != nil {
			return err
		}
		created, err := db.findContract(ctx, tx, samspil.SystemActor("store"), c.ID)
		if err != nil {
			return err
		}
		id = created.ID
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "contract.create", ObjectType: "contract", ObjectID: c.ID, After: auditContract(created)})
	})
	if err != nil {
		return nil, err
	}
	return db.FindContract(ctx, actor, id)
}

// auditContract is what the audit log keeps of a contract: everything but
// the computed deadlines, which change with the date, not with the data.
func auditContract(c *samspil.Contract) any {
	cp := *c
	cp.Deadlines = samspil.Deadlines{}
	return cp
}

// writableContract finds a visible contract that the actor may change.
func (db *DB) writableContract(tx *Tx, id string) (*samspil.Contract, error) {
	c, err := db.findContract(tx.ctx, tx, samspil.SystemActor("store"), id)
	if err != nil {
		return nil, err
	}
	if !tx.actor.CanSee(c.OrganizationID, c.Visibility) {
		return nil, samspil.NotFound("contract")
	}
	if err := tx.actor.Require(samspil.PermLandscapeWrite, c.OrganizationID, c.OrganizationName); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateContract changes a contract.
func (db *DB) UpdateContract(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.ContractPatch) (*samspil.Contract, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.writableContract(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after := p.Apply(*before)
		validate := after.Validate
		if p.Terms != nil {
			// New terms are checked against today too; a patch that leaves
			// them alone is not refused for what time has made of them.
			validate = func() error { return after.ValidateOn(samspil.Today(tx.now)) }
		}
		if err := validate(); err != nil {
			return err
		}
		if err := db.checkContractRefs(tx, &after, after.SupplierID != before.SupplierID); err != nil {
			return err
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		args := append(contractArgs(&after), after.Version, tx.now, id, before.Version)
		err = tx.execVersioned("contracts", "contract", id, before.Version, contractUpdate, args...)
		if isUniqueViolation(err) {
			return externalRefTaken(after.ExternalRef)
		}
		if err != nil {
			return err
		}
		if p.SystemIDs != nil {
			if err := tx.writeContractSystems(&after); err != nil {
				return err
			}
		}
		return tx.Audit(auditEntry{OrgID: after.OrganizationID, Action: "contract.update", ObjectType: "contract", ObjectID: id,
			Before: auditContract(before), After: auditContract(&after)})
	})
	if err != nil {
		return nil, err
	}
	return db.FindContract(ctx, actor, id)
}

// DeleteContract removes a contract.
func (db *DB) DeleteContract(ctx context.Context, actor *samspil.Actor, id string, version int) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.writableContract(tx, id)
		if err != nil {
			return err
		}
		if err := tx.execVersioned("contracts", "contract", id, version, `DELETE FROM contracts WHERE id = $1 AND version = $2`, id, version); err != nil {
			return err
		}
		if err := tx.recordDeletion("contract", id, c.OrganizationID, c.Visibility); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: c.OrganizationID, Action: "contract.delete", ObjectType: "contract", ObjectID: id, Before: auditContract(c)})
	})
}
