package sqldb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/samspil/samspil"
)

// This file writes generated data (samspil demo generate) in bulk: tens of
// millions of usages and contracts, where the per-row store methods would
// take days. Each batch is one transaction written through batchInsert with
// one audit event; the rows are checked with the domain's Validate methods
// as the per-row methods check them, and the foreign keys check the
// references.

// ErrGenerateRefused is the error of LoadGenerated when the database holds
// data that generated data must not be mixed with.
var ErrGenerateRefused = errors.New("the database is not empty")

// GeneratedBatch is what LoadGenerated writes in one transaction. The
// objects carry their ids; times and versions are the store's.
type GeneratedBatch struct {
	Label         string                 // names the batch in the audit event, e.g. "organisations 1-200"
	Organizations []samspil.Organization // vendors and municipalities, with their population figures
	Systems       []samspil.System
	Usages        []samspil.Usage
	Contracts     []samspil.Contract // with Systems: the ids of the systems each covers
	// RequireEmpty, when set, makes the batch check first that the
	// database holds no usages, no contracts, no organisation with one of
	// these national codes (by country) and none of the batch's
	// organisations and systems. Set it on the first batch of a run.
	RequireEmpty map[string][]string
	// Note is added to the audit event, e.g. the seed and sizes of the run.
	Note map[string]any
}

// GeneratedCounts are the rows of a batch.
type GeneratedCounts struct {
	Organizations int `json:"organizations"`
	Systems       int `json:"systems"`
	Usages        int `json:"usages"`
	Contracts     int `json:"contracts"`
	Rows          int `json:"rows"` // all rows written, with populations and the systems of contracts
}

// LoadGenerated writes a batch of generated data in one transaction with
// one audit event (demo.generate). Only platform operators and the system
// may load generated data.
func (db *DB) LoadGenerated(ctx context.Context, actor *samspil.Actor, b *GeneratedBatch) (GeneratedCounts, error) {
	var n GeneratedCounts
	if err := actor.Require(samspil.PermPlatformManage, "", ""); err != nil {
		return n, err
	}
	if err := b.validate(); err != nil {
		return n, err
	}
	if db.engine == SQLite {
		// One batch at a time sets and restores the bulk settings of the
		// one write connection.
		bulkMu.Lock()
		defer bulkMu.Unlock()
	}
	restore, err := db.bulkSettings(ctx)
	if err != nil {
		return n, err
	}
	defer restore()
	err = db.update(ctx, actor, func(tx *Tx) error {
		n = GeneratedCounts{}
		if db.engine == Postgres {
			// A crash loses the last batches whole, never part of one.
			if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
				return err
			}
		}
		if b.RequireEmpty != nil {
			if err := tx.checkGenerateTarget(b); err != nil {
				return err
			}
		}
		if err := tx.writeGenerated(b, &n); err != nil {
			return err
		}
		after := map[string]any{"batch": b.Label, "organizations": n.Organizations, "systems": n.Systems, "usages": n.Usages, "contracts": n.Contracts}
		for k, v := range b.Note {
			after[k] = v
		}
		return tx.Audit(auditEntry{Action: "demo.generate", ObjectType: "generated_data", ObjectID: b.Label, After: after})
	})
	if err != nil {
		return GeneratedCounts{}, err
	}
	return n, nil
}

// validate checks every object as the per-row store methods do, naming the
// object.
func (b *GeneratedBatch) validate() error {
	at := func(what string, i int, id string, err error) error {
		if err == nil && id == "" {
			err = samspil.ErrorAt(samspil.EINVALID, "id", "is required")
		}
		if err == nil {
			return nil
		}
		return samspil.RenameFields(err, func(p string) string { return what + "[" + strconv.Itoa(i) + "]." + p })
	}
	for i := range b.Organizations {
		if err := at("organizations", i, b.Organizations[i].ID, b.Organizations[i].Validate()); err != nil {
			return err
		}
	}
	for i := range b.Systems {
		s := &b.Systems[i]
		err := s.Validate()
		if err == nil && s.OwnerID == "" {
			err = samspil.ErrorAt(samspil.EINVALID, "owner_id", "is required")
		}
		if err := at("systems", i, s.ID, err); err != nil {
			return err
		}
	}
	for i := range b.Usages {
		if err := at("usages", i, b.Usages[i].ID, b.Usages[i].Validate()); err != nil {
			return err
		}
	}
	for i := range b.Contracts {
		if err := at("contracts", i, b.Contracts[i].ID, b.Contracts[i].Validate()); err != nil {
			return err
		}
	}
	return nil
}

// checkGenerateTarget refuses a database that holds usages or contracts,
// an organisation with one of the national codes to be generated, or the
// batch's own organisations or systems (from an earlier run with the same
// seed).
func (tx *Tx) checkGenerateTarget(b *GeneratedBatch) error {
	for _, table := range []string{"usages", "contracts"} {
		var n int
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+table+` LIMIT 1) t`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: it holds %s already; generated data goes only into a database with nothing but the reference data (make one with samspil migrate)",
				ErrGenerateRefused, table)
		}
	}
	var clash []string
	for _, country := range slices.Sorted(mapKeys(b.RequireEmpty)) {
		want := map[string]bool{}
		for _, code := range b.RequireEmpty[country] {
			want[code] = true
		}
		rows, err := tx.QueryContext(tx.ctx, `SELECT municipality_code FROM organizations WHERE country = $1 AND municipality_code IS NOT NULL`, country)
		if err != nil {
			return err
		}
		for rows.Next() {
			var code string
			if err := rows.Scan(&code); err != nil {
				rows.Close()
				return err
			}
			if want[code] {
				clash = append(clash, country+" "+code)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(clash) > 0 {
		n := len(clash)
		slices.Sort(clash)
		if len(clash) > 5 {
			clash = append(clash[:5], "…")
		}
		return fmt.Errorf("%w: %d organisations have the national codes of generated ones already (%s); generated data goes only into a database with nothing but the reference data",
			ErrGenerateRefused, n, strings.Join(clash, ", "))
	}
	ids := func(table string, list []string) error {
		for from := 0; from < len(list); from += 500 {
			var q query
			var n int
			if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM `+table+` WHERE id IN `+q.in(list[from:min(from+500, len(list))]), q.args...).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("%w: it holds %s generated with this seed already", ErrGenerateRefused, table)
			}
		}
		return nil
	}
	orgIDs := make([]string, len(b.Organizations))
	for i := range b.Organizations {
		orgIDs[i] = b.Organizations[i].ID
	}
	systemIDs := make([]string, len(b.Systems))
	for i := range b.Systems {
		systemIDs[i] = b.Systems[i].ID
	}
	if err := ids("organizations", orgIDs); err != nil {
		return err
	}
	return ids("systems", systemIDs)
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// bulkMu serialises the batches of LoadGenerated on SQLite.
var bulkMu sync.Mutex

// bulkSettings gives SQLite room for a bulk load on its one write
// connection: a page cache for the indexes the load appends to (the
// default is 2 MiB); the journals of single statements in memory rather
// than in a temporary file that every multi-row INSERT writes its pages to
// (SQLite decides that when a transaction begins, so this runs before);
// and no waiting for the disk at checkpoints (synchronous OFF: a crash of
// samspil loses nothing committed, a crash of the machine during the load
// may damage the file, so generate into a new database). restore sets all
// three back. PostgreSQL keeps its settings.
func (db *DB) bulkSettings(ctx context.Context) (restore func(), err error) {
	if db.engine != SQLite {
		return func() {}, nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	settings := []struct{ name, bulk, before string }{{"cache_size", "-262144", ""}, {"temp_store", "MEMORY", ""}, {"synchronous", "OFF", ""}}
	for i := range settings {
		if err := conn.QueryRowContext(ctx, `PRAGMA `+settings[i].name).Scan(&settings[i].before); err != nil {
			return nil, err
		}
	}
	for _, p := range settings {
		if _, err := conn.ExecContext(ctx, `PRAGMA `+p.name+` = `+p.bulk); err != nil {
			return nil, err
		}
	}
	return func() {
		// The settings go with the connection: set them back on it, even
		// when the load was cancelled.
		ctx := context.WithoutCancel(ctx)
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return
		}
		defer conn.Close()
		for _, p := range settings {
			conn.ExecContext(ctx, `PRAGMA `+p.name+` = `+p.before)
		}
	}, nil
}

// writeGenerated writes the rows table by table, each table flushed before
// the tables that refer to it.
func (tx *Tx) writeGenerated(b *GeneratedBatch, n *GeneratedCounts) error {
	now := tx.now
	add := func(bi *batchInsert, values ...any) error {
		n.Rows++
		return bi.Add(values...)
	}
	orgs := newBatchInsert(tx, "organizations", "id text", "kind text", "name text", "name_fold text", "municipality_code text", "cvr text",
		"country text", "region text", "visibility text", "version integer", "created_at timestamptz", "updated_at timestamptz")
	for i := range b.Organizations {
		o := &b.Organizations[i]
		if err := add(orgs, o.ID, string(o.Kind), o.Name, samspil.Fold(o.Name), nullString(o.MunicipalityCode), nullString(o.CVR),
			o.Country, nullString(o.Region), string(o.Visibility), 1, now, now); err != nil {
			return err
		}
	}
	if err := orgs.Flush(); err != nil {
		return err
	}
	n.Organizations = len(b.Organizations)
	lists := tx.newOrgLists()
	for i := range b.Organizations {
		rows, _, err := lists.add(b.Organizations[i].ID)
		if err != nil {
			return err
		}
		n.Rows += rows
	}
	if err := lists.Flush(); err != nil {
		return err
	}
	pops := newBatchInsert(tx, "organization_populations", "organization_id text", "year integer", "inhabitants integer")
	for i := range b.Organizations {
		for _, p := range b.Organizations[i].Population {
			if err := add(pops, b.Organizations[i].ID, p.Year, p.Inhabitants); err != nil {
				return err
			}
		}
	}
	if err := pops.Flush(); err != nil {
		return err
	}

	systems := newBatchInsert(tx, "systems", "id text", "name text", "name_fold text", "vendor_id text", "category text",
		"description text", "open_source boolean", "os2_product boolean", "homepage text", "owner_id text", "visibility text",
		"version integer", "created_at timestamptz", "updated_at timestamptz")
	for i := range b.Systems {
		s := &b.Systems[i]
		if err := add(systems, s.ID, s.Name, samspil.Fold(s.Name), nullString(s.VendorID), string(s.Category), s.Description, s.OpenSource,
			s.OS2Product, s.Homepage, s.OwnerID, string(s.Visibility), 1, now, now); err != nil {
			return err
		}
	}
	if err := systems.Flush(); err != nil {
		return err
	}
	n.Systems = len(b.Systems)
	systemTasks := newBatchInsert(tx, "system_tasks", "system_id text", "code text")
	for i := range b.Systems {
		for _, code := range b.Systems[i].Tasks {
			if err := add(systemTasks, b.Systems[i].ID, code); err != nil {
				return err
			}
		}
	}
	if err := systemTasks.Flush(); err != nil {
		return err
	}

	usages := newBatchInsert(tx, "usages", "id text", "organization_id text", "system_id text", "lifecycle text", "from_date date",
		"until_date date", "responsible_unit_id text", "user_band text", "notes text", "visibility text", "version integer",
		"created_at timestamptz", "updated_at timestamptz")
	for i := range b.Usages {
		u := &b.Usages[i]
		if err := add(usages, u.ID, u.OrganizationID, u.SystemID, string(u.Lifecycle), dateValue(u.From), dateValue(u.Until),
			nullString(u.ResponsibleUnitID), string(u.UserBand), u.Notes, string(u.Visibility), 1, now, now); err != nil {
			return err
		}
	}
	if err := usages.Flush(); err != nil {
		return err
	}
	n.Usages = len(b.Usages)
	usageUnits := newBatchInsert(tx, "usage_units", "usage_id text", "unit_id text")
	usageTasks := newBatchInsert(tx, "usage_tasks", "usage_id text", "code text", "opt_out boolean")
	for i := range b.Usages {
		u := &b.Usages[i]
		for _, unit := range u.UsingUnitIDs {
			if err := add(usageUnits, u.ID, unit); err != nil {
				return err
			}
		}
		for _, tc := range u.TaskChanges {
			if err := add(usageTasks, u.ID, tc.Code, tc.OptOut); err != nil {
				return err
			}
		}
	}
	if err := usageUnits.Flush(); err != nil {
		return err
	}
	if err := usageTasks.Flush(); err != nil {
		return err
	}

	contracts := newBatchInsert(tx, "contracts", "id text", "organization_id text", "name text", "name_fold text", "supplier_id text",
		"start_date date", "duration_months integer", "expiry date", "irrevocable_until date", "extension_count integer",
		"extension_months integer", "extensions_used integer", "notice_months integer", "notice_rule text", "extension_kind text", "terminated_on date",
		"procurement_form text", "reprocurement_quarter text", "has_costs boolean", "cost_acquisition bigint", "cost_operation bigint",
		"cost_other bigint", "cost_one_off_acquisition bigint", "external_ref text", "notes text", "visibility text", "price_visibility text", "version integer",
		"created_at timestamptz", "updated_at timestamptz")
	folds := map[string]string{} // contract names repeat: fold each once
	for i := range b.Contracts {
		c := &b.Contracts[i]
		fold, ok := folds[c.Name]
		if !ok {
			fold = samspil.Fold(c.Name)
			folds[c.Name] = fold
		}
		t := &c.ContractTerms
		noticeRule, kind := t.NoticeRule, t.ExtensionKind
		if noticeRule == "" {
			noticeRule = samspil.NoticeAnyDay
		}
		if kind == "" {
			kind = samspil.ExtensionAutomatic
		}
		costs, has := samspil.Costs{}, c.Costs != nil
		if has {
			costs = *c.Costs
		}
		if err := add(contracts, c.ID, c.OrganizationID, c.Name, fold, nullString(c.SupplierID), t.Start.String(), t.DurationMonths,
			dateValue(t.Expiry), dateValue(t.IrrevocableUntil), t.ExtensionCount, t.ExtensionMonths, t.ExtensionsUsed, t.NoticeMonths,
			string(noticeRule), string(kind), dateValue(t.TerminatedOn), string(c.ProcurementForm), c.ReprocurementQuarter, has,
			int64(costs.Acquisition), int64(costs.Operation), int64(costs.Other), int64(costs.OneOffAcquisition), nullString(c.ExternalRef), c.Notes,
			string(c.Visibility), string(c.PriceVisibility), 1, now, now); err != nil {
			return err
		}
	}
	if err := contracts.Flush(); err != nil {
		return err
	}
	n.Contracts = len(b.Contracts)
	contractSystems := newBatchInsert(tx, "contract_systems", "contract_id text", "system_id text")
	for i := range b.Contracts {
		for _, s := range b.Contracts[i].Systems {
			if err := add(contractSystems, b.Contracts[i].ID, s.ID); err != nil {
				return err
			}
		}
	}
	return contractSystems.Flush()
}

// AnalyzeAfterBulkLoad vacuums PostgreSQL's tables and refreshes its
// statistics after a bulk load, which autovacuum would do only some time
// later: until then the planner takes the new tables for small ones and may
// scan them in full, and an index-only scan (the organisation search's
// walk in name order) still visits every row's page, as no page is yet
// known to be all visible. SQLite keeps no statistics unless ANALYZE is
// run, and samspil never runs it, so the plans of a generated database stay
// those of any other.
func (db *DB) AnalyzeAfterBulkLoad(ctx context.Context) error {
	if db.engine != Postgres {
		return nil
	}
	_, err := db.write.ExecContext(ctx, "VACUUM (ANALYZE)")
	return err
}
