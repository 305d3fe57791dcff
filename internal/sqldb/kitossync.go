package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/samspil/samspil"
)

var _ samspil.KitosSyncService = (*DB)(nil)

// What the KITOS synchronisation owns and leaves. KITOS owns, of a usage,
// its lifecycle, dates, user band, notes and KLE deviations; of a contract,
// its name, supplier, systems, terms, procurement form, re-procurement
// quarter and notes; of a catalogue entry the organisation registered, its
// name, description, KLE tasks, vendor and (when KITOS's business type
// says one) category. The rest is samspil's: visibility, units, experience
// sharing, costs. A usage or contract deleted in KITOS is deleted here,
// unless it holds samspil's own data (experience sharing or units of a
// usage; costs of a contract): then it is kept, and the run says so.
// Catalogue entries are shared, so a system deleted in KITOS is never
// deleted here; the run says so when the organisation registered it.
// Relations between usages are KITOS's: those of a usage read are
// created, updated, and deleted when KITOS no longer has them. Of a data
// processing registration, samspil keeps its notes, kinds of personal
// data, oversight report address and visibility; one deleted in KITOS that
// has any of them is kept.

// kitosRunner plans and applies one run in a transaction.
type kitosRunner struct {
	db       *DB
	tx       *Tx
	org      *samspil.Organization
	snap     *samspil.KitosSnapshot
	run      *samspil.KitosSyncRun
	systems  map[string]string // KITOS system UUID -> samspil system ID
	kle      map[string]bool   // known KLE codes
	usageSys map[string]string // KITOS usage UUID -> samspil system ID
}

func (r *kitosRunner) change(kind string, op samspil.KitosChangeOp, uuid, name string, notes ...samspil.Phrase) {
	c := samspil.KitosChange{Kind: kind, Op: op, UUID: uuid, Name: name, Notes: notes}
	r.run.Changes = append(r.run.Changes, c)
	r.run.Count(c)
}

// refused is the note of a record samspil refuses.
func refused(err error) samspil.Phrase {
	path, msg := samspil.FieldPhrase(err)
	if path == "" {
		return samspil.Phrasef("samspil cannot take it: %s", msg)
	}
	return samspil.Phrasef("samspil cannot take its %s: %s", path, msg)
}

// unknownKLE is the note of KLE codes samspil does not know.
func unknownKLE(codes []string) []samspil.Phrase {
	if len(codes) == 0 {
		return nil
	}
	return []samspil.Phrase{samspil.Phrasef("KLE codes that samspil does not know were left out: %s", strings.Join(codes, ", "))}
}

// invalid reports whether err is a validation error of a record, which
// skips the record, rather than a failure of the run.
func invalid(err error) bool {
	code := samspil.ErrorCode(err)
	return code == samspil.EINVALID || code == samspil.ECONFLICT
}

// KitosState tells where the organisation's synchronisation stands.
func (db *DB) KitosState(ctx context.Context, actor *samspil.Actor, orgID, baseURL string) (*samspil.KitosState, error) {
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	if err := actor.Require(samspil.PermLandscapeWrite, org.ID, org.Name); err != nil {
		return nil, err
	}
	st := &samspil.KitosState{}
	var since dbTime
	err = db.read.QueryRowContext(ctx, `SELECT read_started_at FROM kitos_sync_runs WHERE organization_id = $1 AND base_url = $2
		ORDER BY finished_at DESC, id DESC LIMIT 1`, org.ID, baseURL).Scan(&since)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if since.Valid {
		st.Since = &since.T
	}
	var cp string
	err = db.read.QueryRowContext(ctx, `SELECT checkpoint_json FROM kitos_sync_checkpoints WHERE organization_id = $1 AND base_url = $2`,
		org.ID, baseURL).Scan(&cp)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if cp != "" {
		st.Checkpoint = []byte(cp)
	}
	return st, nil
}

// SaveKitosCheckpoint keeps how far a read got; nil clears it. It is read
// progress, not a change of the landscape: the run that applies is audited.
func (db *DB) SaveKitosCheckpoint(ctx context.Context, actor *samspil.Actor, orgID, baseURL string, checkpoint []byte) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		tx.Unaudited(kitosReadProgress)
		org, err := db.ownerFor(tx, orgID, "organization_id", samspil.PermLandscapeWrite)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM kitos_sync_checkpoints WHERE organization_id = $1 AND base_url = $2`, org.ID, baseURL); err != nil {
			return err
		}
		if checkpoint == nil {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO kitos_sync_checkpoints (organization_id, base_url, checkpoint_json, updated_at) VALUES ($1, $2, $3, $4)`,
			org.ID, baseURL, string(checkpoint), tx.now)
		return err
	})
}

// SyncKitos applies a snapshot read from KITOS to the organisation's
// records through the store's write paths, in one transaction with one
// audit event (kitos.sync), and records the run. A dry run does the same
// and rolls it back: it writes nothing and reports what would change.
func (db *DB) SyncKitos(ctx context.Context, actor *samspil.Actor, orgID string, snap *samspil.KitosSnapshot, dryRun bool) (*samspil.KitosSyncRun, error) {
	var run *samspil.KitosSyncRun
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.ownerFor(tx, orgID, "organization_id", samspil.PermLandscapeWrite)
		if err != nil {
			return err
		}
		run = &samspil.KitosSyncRun{ID: newID(), OrganizationID: org.ID, BaseURL: snap.BaseURL, DryRun: dryRun, Full: snap.Full, Since: snap.Since,
			ReadStartedAt: snap.ReadStartedAt, FinishedAt: tx.now, Counts: map[string]samspil.KitosCounts{}, Changes: []samspil.KitosChange{}}
		r := &kitosRunner{db: db, tx: tx, org: org, snap: snap, run: run, systems: map[string]string{}, usageSys: map[string]string{}}
		for _, step := range []func() error{r.loadKLE, r.syncSystems, r.syncUsages, r.syncContracts, r.syncRelations, r.syncDataProcessing, r.syncDeletions} {
			if err := step(); err != nil {
				return err
			}
		}
		if dryRun {
			return errUnchanged
		}
		counts, err := json.Marshal(run.Counts)
		if err != nil {
			return err
		}
		changes, err := marshalChanges(run.Changes)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kitos_sync_runs (id, organization_id, base_url, full_read, since, read_started_at, finished_at,
			counts_json, changes_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, run.ID, org.ID, run.BaseURL, run.Full, nullTime(run.Since),
			run.ReadStartedAt.UTC(), tx.now, string(counts), changes); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM kitos_sync_checkpoints WHERE organization_id = $1 AND base_url = $2`, org.ID, run.BaseURL); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "kitos.sync", ObjectType: "kitos_sync_run", ObjectID: run.ID,
			After: map[string]any{"base_url": run.BaseURL, "full": run.Full, "since": run.Since, "counts": run.Counts, "changes": len(run.Changes)}})
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// loadKLE learns which of the snapshot's KLE codes samspil knows.
func (r *kitosRunner) loadKLE() error {
	var codes []string
	for _, s := range r.snap.Systems {
		codes = append(codes, s.Tasks...)
	}
	for _, u := range r.snap.Usages {
		for _, tc := range u.TaskChanges {
			codes = append(codes, tc.Code)
		}
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	r.kle = map[string]bool{}
	for chunk := range slices.Chunk(codes, 500) {
		var q query
		rows, err := r.tx.QueryContext(r.tx.ctx, "SELECT code FROM kle_topics WHERE code IN "+q.in(chunk), q.args...)
		if err != nil {
			return err
		}
		found, err := collect(rows, func(rs rowScanner) (string, error) {
			var s string
			return s, rs.Scan(&s)
		})
		if err != nil {
			return err
		}
		for _, c := range found {
			r.kle[c] = true
		}
	}
	return nil
}

// knownTasks keeps the KLE codes samspil knows and names the others.
func (r *kitosRunner) knownTasks(codes []string) (known []string, unknown []string) {
	known = []string{}
	for _, c := range codes {
		if r.kle[c] {
			known = append(known, c)
		} else {
			unknown = append(unknown, c)
		}
	}
	return known, unknown
}

// company finds a visible organisation by CVR number; "" when none is.
func (r *kitosRunner) company(cvr string) (string, error) {
	if !samspil.ValidCVR(cvr) {
		return "", nil
	}
	id, err := r.db.resolveCompany(r.tx, cvr, "cvr")
	if invalid(err) {
		return "", nil
	}
	return id, err
}

type kitosSystemRow struct {
	id, owner string
	kitos     *string
}

func (r *kitosRunner) syncSystems() error {
	tx := r.tx
	for _, ks := range r.snap.Systems {
		var row kitosSystemRow
		err := tx.QueryRowContext(tx.ctx, `SELECT id, owner_id, kitos_uuid FROM systems WHERE kitos_uuid = $1`, ks.UUID).Scan(&row.id, &row.owner, &row.kitos)
		if errors.Is(err, sql.ErrNoRows) {
			// An entry registered by hand under the same name: take it
			// rather than add a second one.
			var q query
			q.cond("s.name_fold = " + q.arg(samspil.Fold(ks.Name)))
			q.cond("s.kitos_uuid IS NULL")
			q.cond(visibleCond(&q, tx.actor, "s.owner_id", "s.visibility"))
			err = tx.QueryRowContext(tx.ctx, "SELECT s.id, s.owner_id, s.kitos_uuid FROM systems s"+q.whereSQL()+" ORDER BY s.owner_id = "+
				q.arg(r.org.ID)+" DESC, s.id LIMIT 1", q.args...).Scan(&row.id, &row.owner, &row.kitos)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		tasks, unknown := r.knownTasks(ks.Tasks)
		notes := unknownKLE(unknown)
		vendor, err := r.company(ks.VendorCVR)
		if err != nil {
			return err
		}
		if row.id == "" {
			s := samspil.SystemInput{Name: ks.Name, Description: ks.Description, Category: ks.Category, Tasks: tasks, VendorID: vendor}.System()
			if err := s.Validate(); err != nil {
				r.change("system", samspil.KitosSkipped, ks.UUID, ks.Name, refused(err))
				continue
			}
			created, err := r.db.createSystemIn(tx, r.org.ID, s)
			if invalid(err) {
				r.change("system", samspil.KitosSkipped, ks.UUID, ks.Name, refused(err))
				continue
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(tx.ctx, `UPDATE systems SET kitos_uuid = $1 WHERE id = $2`, ks.UUID, created.ID); err != nil {
				return err
			}
			r.systems[ks.UUID] = created.ID
			r.change("system", samspil.KitosCreate, ks.UUID, ks.Name, notes...)
			continue
		}
		r.systems[ks.UUID] = row.id
		if row.owner != r.org.ID {
			continue // another organisation's catalogue entry: used, not changed
		}
		if row.kitos == nil {
			if _, err := tx.ExecContext(tx.ctx, `UPDATE systems SET kitos_uuid = $1 WHERE id = $2`, ks.UUID, row.id); err != nil {
				return err
			}
			notes = append(notes, samspil.Phrasef("linked to the catalogue entry registered before"))
		}
		before, err := r.db.findSystem(tx.ctx, tx, samspil.SystemActor("store"), row.id)
		if err != nil {
			return err
		}
		p := samspil.SystemPatch{}
		if before.Name != ks.Name {
			p.Name = &ks.Name
		}
		if before.Description != ks.Description {
			p.Description = &ks.Description
		}
		if ks.Category != samspil.CategoryOther && before.Category != ks.Category {
			p.Category = &ks.Category
		}
		if !slices.Equal(before.Tasks, tasks) {
			p.Tasks = &tasks
		}
		if vendor != "" && before.VendorID != vendor {
			p.VendorID = &vendor
		}
		if p == (samspil.SystemPatch{}) {
			if row.kitos == nil {
				r.change("system", samspil.KitosUpdate, ks.UUID, ks.Name, notes...)
			}
			continue
		}
		if _, err := r.db.updateSystemIn(tx, before, p); invalid(err) {
			r.change("system", samspil.KitosSkipped, ks.UUID, ks.Name, refused(err))
			continue
		} else if err != nil {
			return err
		}
		r.change("system", samspil.KitosUpdate, ks.UUID, ks.Name, notes...)
	}
	return nil
}

// systemOf finds the samspil system of a KITOS system UUID: read in this
// run, or taken by an earlier one.
func (r *kitosRunner) systemOf(uuid string) (string, error) {
	if id, ok := r.systems[uuid]; ok {
		return id, nil
	}
	var id string
	err := r.tx.QueryRowContext(r.tx.ctx, `SELECT id FROM systems WHERE kitos_uuid = $1`, uuid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

func sameDate(a, b *samspil.Date) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func sameTaskChanges(a, b []samspil.TaskChange) bool {
	key := func(tcs []samspil.TaskChange) []string {
		out := make([]string, len(tcs))
		for i, tc := range tcs {
			out[i] = fmt.Sprintf("%s/%v", tc.Code, tc.OptOut)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}

func (r *kitosRunner) syncUsages() error {
	tx := r.tx
	for _, ku := range r.snap.Usages {
		name := ku.SystemName
		sysID, err := r.systemOf(ku.SystemUUID)
		if err != nil {
			return err
		}
		if sysID == "" {
			r.change("usage", samspil.KitosSkipped, ku.UUID, name, samspil.Phrasef("its system (%s) is not in samspil's catalogue", ku.SystemUUID))
			continue
		}
		var known []samspil.TaskChange
		var unknown []string
		for _, tc := range ku.TaskChanges {
			if r.kle[tc.Code] {
				known = append(known, tc)
			} else {
				unknown = append(unknown, tc.Code)
			}
		}
		if known == nil {
			known = []samspil.TaskChange{}
		}
		notes := unknownKLE(unknown)
		var id string
		var kitos *string
		err = tx.QueryRowContext(tx.ctx, `SELECT id, kitos_uuid FROM usages WHERE organization_id = $1 AND kitos_uuid = $2`, r.org.ID, ku.UUID).Scan(&id, &kitos)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(tx.ctx, `SELECT id, kitos_uuid FROM usages WHERE organization_id = $1 AND system_id = $2`, r.org.ID, sysID).Scan(&id, &kitos)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if id != "" && kitos != nil && *kitos != ku.UUID {
			r.change("usage", samspil.KitosSkipped, ku.UUID, name,
				samspil.Phrasef("the organisation has another usage of the system from KITOS already (%s)", *kitos))
			continue
		}
		if id == "" {
			u := samspil.UsageInput{SystemID: sysID, Lifecycle: ku.Lifecycle, From: ku.From, Until: ku.Until, UserBand: ku.UserBand,
				TaskChanges: known, Notes: ku.Notes}.Usage()
			if err := u.Validate(); err != nil {
				r.change("usage", samspil.KitosSkipped, ku.UUID, name, refused(err))
				continue
			}
			created, err := r.db.createUsageIn(tx, r.org, u)
			if invalid(err) {
				r.change("usage", samspil.KitosSkipped, ku.UUID, name, refused(err))
				continue
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(tx.ctx, `UPDATE usages SET kitos_uuid = $1 WHERE id = $2`, ku.UUID, created.ID); err != nil {
				return err
			}
			r.usageSys[ku.UUID] = sysID
			r.change("usage", samspil.KitosCreate, ku.UUID, name, notes...)
			continue
		}
		r.usageSys[ku.UUID] = sysID
		if kitos == nil {
			if _, err := tx.ExecContext(tx.ctx, `UPDATE usages SET kitos_uuid = $1 WHERE id = $2`, ku.UUID, id); err != nil {
				return err
			}
			notes = append(notes, samspil.Phrasef("linked to the usage registered before"))
		}
		before, err := r.db.findUsage(tx.ctx, tx, samspil.SystemActor("store"), id)
		if err != nil {
			return err
		}
		p := samspil.UsagePatch{}
		if before.Lifecycle != ku.Lifecycle {
			p.Lifecycle = &ku.Lifecycle
		}
		if !sameDate(before.From, ku.From) {
			p.From = orZeroDate(ku.From)
		}
		if !sameDate(before.Until, ku.Until) {
			p.Until = orZeroDate(ku.Until)
		}
		if before.UserBand != ku.UserBand {
			p.UserBand = &ku.UserBand
		}
		if before.Notes != ku.Notes {
			p.Notes = &ku.Notes
		}
		if !sameTaskChanges(before.TaskChanges, known) {
			p.TaskChanges = &known
		}
		if p == (samspil.UsagePatch{}) {
			if kitos == nil {
				r.change("usage", samspil.KitosUpdate, ku.UUID, name, notes...)
			}
			continue
		}
		if _, err := r.db.updateUsageIn(tx, before, p); invalid(err) {
			r.change("usage", samspil.KitosSkipped, ku.UUID, name, refused(err))
			continue
		} else if err != nil {
			return err
		}
		r.change("usage", samspil.KitosUpdate, ku.UUID, name, notes...)
	}
	return nil
}

// orZeroDate is a patch value for an optional date: the zero date clears.
func orZeroDate(d *samspil.Date) *samspil.Date {
	if d == nil {
		return &samspil.Date{}
	}
	return d
}

// usageSystem finds the samspil system of a KITOS usage of the
// organisation.
func (r *kitosRunner) usageSystem(uuid string) (string, error) {
	if id, ok := r.usageSys[uuid]; ok {
		return id, nil
	}
	var id string
	err := r.tx.QueryRowContext(r.tx.ctx, `SELECT system_id FROM usages WHERE organization_id = $1 AND kitos_uuid = $2`, r.org.ID, uuid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

func sameContractTerms(a, b samspil.ContractTerms) bool {
	return a.Start == b.Start && a.DurationMonths == b.DurationMonths && sameDate(a.Expiry, b.Expiry) && sameDate(a.IrrevocableUntil, b.IrrevocableUntil) &&
		a.ExtensionCount == b.ExtensionCount && a.ExtensionMonths == b.ExtensionMonths && a.ExtensionsUsed == b.ExtensionsUsed &&
		a.ExtensionKind == b.ExtensionKind && a.NoticeMonths == b.NoticeMonths && a.NoticeRule == b.NoticeRule && sameDate(a.TerminatedOn, b.TerminatedOn)
}

func (r *kitosRunner) syncContracts() error {
	tx := r.tx
	today := samspil.Today(tx.now)
	for _, kc := range r.snap.Contracts {
		if !kc.HasStart {
			r.change("contract", samspil.KitosSkipped, kc.UUID, kc.Name,
				samspil.Phrasef("KITOS has no first day of the contract (validFrom, Gyldig fra); samspil needs one"))
			continue
		}
		var systemIDs []string
		var notes []samspil.Phrase
		for _, u := range kc.UsageUUIDs {
			id, err := r.usageSystem(u)
			if err != nil {
				return err
			}
			if id == "" {
				notes = append(notes, samspil.Phrasef("a system usage it covers (%s) is not in samspil", u))
				continue
			}
			systemIDs = append(systemIDs, id)
		}
		slices.Sort(systemIDs)
		systemIDs = slices.Compact(systemIDs)
		if systemIDs == nil {
			systemIDs = []string{}
		}
		supplier, err := r.company(kc.SupplierCVR)
		if err != nil {
			return err
		}
		if supplier == "" && kc.SupplierName != "" {
			notes = append(notes, samspil.Phrasef("the supplier %s is not in samspil", kc.SupplierName))
		}
		var id string
		err = tx.QueryRowContext(tx.ctx, `SELECT id FROM contracts WHERE organization_id = $1 AND external_ref = $2`, r.org.ID, kc.UUID).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if id == "" {
			c := samspil.ContractInput{Name: kc.Name, SupplierID: supplier, SystemIDs: systemIDs, ContractTerms: kc.Terms, ProcurementForm: kc.ProcurementForm,
				ReprocurementQuarter: kc.ReprocurementQuarter, ExternalRef: kc.UUID, Notes: kc.Notes}.Contract()
			if err := c.ValidateOn(today); err != nil {
				r.change("contract", samspil.KitosSkipped, kc.UUID, kc.Name, refused(err))
				continue
			}
			if _, err := r.db.createContractIn(tx, r.org.ID, c); invalid(err) {
				r.change("contract", samspil.KitosSkipped, kc.UUID, kc.Name, refused(err))
				continue
			} else if err != nil {
				return err
			}
			r.change("contract", samspil.KitosCreate, kc.UUID, kc.Name, notes...)
			continue
		}
		before, err := r.db.findContract(tx.ctx, tx, samspil.SystemActor("store"), id)
		if err != nil {
			return err
		}
		p := samspil.ContractPatch{}
		if before.Name != kc.Name {
			p.Name = &kc.Name
		}
		if supplier != "" && before.SupplierID != supplier {
			p.SupplierID = &supplier
		}
		if !slices.Equal(before.SystemIDs(), systemIDs) {
			p.SystemIDs = &systemIDs
		}
		if !sameContractTerms(before.ContractTerms, kc.Terms) {
			terms := kc.Terms
			p.Terms = &terms
		}
		if before.ProcurementForm != kc.ProcurementForm {
			p.ProcurementForm = &kc.ProcurementForm
		}
		if before.ReprocurementQuarter != kc.ReprocurementQuarter {
			p.ReprocurementQuarter = &kc.ReprocurementQuarter
		}
		if before.Notes != kc.Notes {
			p.Notes = &kc.Notes
		}
		if p == (samspil.ContractPatch{}) {
			continue
		}
		if _, err := r.db.updateContractIn(tx, before, p); invalid(err) {
			r.change("contract", samspil.KitosSkipped, kc.UUID, kc.Name, refused(err))
			continue
		} else if err != nil {
			return err
		}
		r.change("contract", samspil.KitosUpdate, kc.UUID, kc.Name, notes...)
	}
	return nil
}

func (r *kitosRunner) syncDeletions() error {
	tx := r.tx
	for _, uuid := range r.snap.DeletedUsages {
		var id string
		err := tx.QueryRowContext(tx.ctx, `SELECT id FROM usages WHERE organization_id = $1 AND kitos_uuid = $2`, r.org.ID, uuid).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		u, err := r.db.findUsage(tx.ctx, tx, samspil.SystemActor("store"), id)
		if err != nil {
			return err
		}
		if u.ShareExperience || u.ExperienceContactName != "" || u.ExperienceContactEmail != "" || len(u.UsingUnitIDs) > 0 || u.ResponsibleUnitID != "" {
			r.change("usage", samspil.KitosKept, uuid, u.SystemName,
				samspil.Phrasef("deleted in KITOS, but kept: samspil holds its own data about it (experience sharing or units)"))
			continue
		}
		if err := tx.deleteUsageIn(u, u.Version); err != nil {
			return err
		}
		r.change("usage", samspil.KitosDelete, uuid, u.SystemName)
	}
	for _, uuid := range r.snap.DeletedContracts {
		var id string
		err := tx.QueryRowContext(tx.ctx, `SELECT id FROM contracts WHERE organization_id = $1 AND external_ref = $2`, r.org.ID, uuid).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		c, err := r.db.findContract(tx.ctx, tx, samspil.SystemActor("store"), id)
		if err != nil {
			return err
		}
		if c.Costs != nil {
			r.change("contract", samspil.KitosKept, uuid, c.Name, samspil.Phrasef("deleted in KITOS, but kept: samspil holds its costs"))
			continue
		}
		if err := tx.deleteContractIn(c, c.Version); err != nil {
			return err
		}
		r.change("contract", samspil.KitosDelete, uuid, c.Name)
	}
	for _, uuid := range r.snap.DeletedSystems {
		var name string
		err := tx.QueryRowContext(tx.ctx, `SELECT name FROM systems WHERE kitos_uuid = $1 AND owner_id = $2`, uuid, r.org.ID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		r.change("system", samspil.KitosKept, uuid, name,
			samspil.Phrasef("deleted in KITOS, but catalogue entries are not deleted by the synchronisation: others may use it"))
	}
	return nil
}

// ListKitosSyncRuns lists the organisation's last applied runs, newest
// first, for its members: the changes name its private contracts.
func (db *DB) ListKitosSyncRuns(ctx context.Context, actor *samspil.Actor, orgID string, limit int) ([]samspil.KitosSyncRun, error) {
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	if !actor.CanSee(org.ID, samspil.VisibilityPrivate) {
		return nil, samspil.NotFound("organization")
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, organization_id, base_url, full_read, since, read_started_at, finished_at, counts_json, changes_json
		FROM kitos_sync_runs WHERE organization_id = $1 ORDER BY finished_at DESC, id DESC LIMIT $2`, org.ID, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(rs rowScanner) (samspil.KitosSyncRun, error) {
		var run samspil.KitosSyncRun
		var since, started, finished dbTime
		var counts, changes string
		if err := rs.Scan(&run.ID, &run.OrganizationID, &run.BaseURL, &run.Full, &since, &started, &finished, &counts, &changes); err != nil {
			return run, err
		}
		if since.Valid {
			run.Since = &since.T
		}
		run.ReadStartedAt, run.FinishedAt = started.T, finished.T
		if err := json.Unmarshal([]byte(counts), &run.Counts); err != nil {
			return run, err
		}
		run.Changes, err = unmarshalChanges(changes)
		return run, err
	})
}

// storedPhrase keeps a phrase with its arguments in changes_json, so that
// the page shows the notes in the reader's language.
type storedPhrase struct {
	F string      `json:"f"`
	A []storedArg `json:"a,omitempty"`
}

type storedArg struct {
	S *string       `json:"s,omitempty"`
	N *int          `json:"n,omitempty"`
	T *string       `json:"t,omitempty"` // a samspil.Term
	P *storedPhrase `json:"p,omitempty"`
}

func storePhrase(p samspil.Phrase) storedPhrase {
	sp := storedPhrase{F: p.Format}
	for _, a := range p.Args {
		var sa storedArg
		switch v := a.(type) {
		case int:
			sa.N = &v
		case samspil.Term:
			t := string(v)
			sa.T = &t
		case samspil.Phrase:
			inner := storePhrase(v)
			sa.P = &inner
		case string:
			sa.S = &v
		default:
			s := fmt.Sprint(v)
			sa.S = &s
		}
		sp.A = append(sp.A, sa)
	}
	return sp
}

func (sp storedPhrase) phrase() samspil.Phrase {
	p := samspil.Phrase{Format: sp.F}
	for _, a := range sp.A {
		switch {
		case a.N != nil:
			p.Args = append(p.Args, *a.N)
		case a.T != nil:
			p.Args = append(p.Args, samspil.Term(*a.T))
		case a.P != nil:
			p.Args = append(p.Args, a.P.phrase())
		case a.S != nil:
			p.Args = append(p.Args, *a.S)
		default:
			p.Args = append(p.Args, "")
		}
	}
	return p
}

type storedChange struct {
	Kind  string                `json:"kind"`
	Op    samspil.KitosChangeOp `json:"op"`
	UUID  string                `json:"uuid"`
	Name  string                `json:"name"`
	Notes []storedPhrase        `json:"notes,omitempty"`
}

func marshalChanges(changes []samspil.KitosChange) (string, error) {
	out := make([]storedChange, len(changes))
	for i, c := range changes {
		out[i] = storedChange{Kind: c.Kind, Op: c.Op, UUID: c.UUID, Name: c.Name}
		for _, n := range c.Notes {
			out[i].Notes = append(out[i].Notes, storePhrase(n))
		}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func unmarshalChanges(s string) ([]samspil.KitosChange, error) {
	var stored []storedChange
	if err := json.Unmarshal([]byte(s), &stored); err != nil {
		return nil, err
	}
	out := make([]samspil.KitosChange, len(stored))
	for i, c := range stored {
		out[i] = samspil.KitosChange{Kind: c.Kind, Op: c.Op, UUID: c.UUID, Name: c.Name}
		for _, n := range c.Notes {
			out[i].Notes = append(out[i].Notes, n.phrase())
		}
	}
	return out, nil
}

// usageByKitos finds the organisation's usage with the KITOS UUID; "" when
// samspil has none.
func (r *kitosRunner) usageByKitos(uuid string) (string, error) {
	var id string
	err := r.tx.QueryRowContext(r.tx.ctx, `SELECT id FROM usages WHERE organization_id = $1 AND kitos_uuid = $2`, r.org.ID, uuid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// syncRelations brings the relations of the usages read in step: KITOS
// keeps a usage's outgoing relations on the usage, so those of a usage read
// that are no longer there were removed in KITOS.
func (r *kitosRunner) syncRelations() error {
	tx := r.tx
	store := samspil.SystemActor("store")
	for _, ku := range r.snap.Usages {
		fromID, err := r.usageByKitos(ku.UUID)
		if err != nil {
			return err
		}
		if fromID == "" {
			continue // the usage was skipped
		}
		from, err := r.db.findUsage(tx.ctx, tx, store, fromID)
		if err != nil {
			return err
		}
		keep := map[string]bool{}
		for _, kr := range ku.Relations {
			keep[kr.UUID] = true
			name := from.SystemName + " → " + kr.ToName
			toID, err := r.usageByKitos(kr.ToUsageUUID)
			if err != nil {
				return err
			}
			if toID == "" {
				r.change("relation", samspil.KitosSkipped, kr.UUID, name, samspil.Phrasef("the usage it relates to (%s) is not in samspil", kr.ToUsageUUID))
				continue
			}
			var notes []samspil.Phrase
			contractID := ""
			if kr.ContractUUID != "" {
				err := tx.QueryRowContext(tx.ctx, `SELECT id FROM contracts WHERE organization_id = $1 AND external_ref = $2`, r.org.ID, kr.ContractUUID).Scan(&contractID)
				if errors.Is(err, sql.ErrNoRows) {
					notes = append(notes, samspil.Phrasef("the contract that governs it (%s) is not in samspil", kr.ContractUUID))
				} else if err != nil {
					return err
				}
			}
			if kr.InterfaceName != "" {
				notes = append(notes, samspil.Phrasef("the interface %s is left out: the synchronisation reads no interfaces", kr.InterfaceName))
			}
			if kr.FrequencyName != "" {
				notes = append(notes, samspil.Phrasef("the frequency %s is unknown to samspil and left out", kr.FrequencyName))
			}
			reference := kr.Reference
			if reference != "" && !strings.HasPrefix(reference, "http://") && !strings.HasPrefix(reference, "https://") {
				notes = append(notes, samspil.Phrasef("the reference %s is no web address and left out", reference))
				reference = ""
			}
			var id string
			var kitos *string
			err = tx.QueryRowContext(tx.ctx, `SELECT id, kitos_uuid FROM usage_relations WHERE organization_id = $1 AND kitos_uuid = $2`,
				r.org.ID, kr.UUID).Scan(&id, &kitos)
			if errors.Is(err, sql.ErrNoRows) {
				// A relation registered by hand between the same usages
				// (without an interface) is taken over.
				err = tx.QueryRowContext(tx.ctx, `SELECT id, kitos_uuid FROM usage_relations WHERE from_usage_id = $1 AND to_usage_id = $2
					AND interface_id IS NULL`, from.ID, toID).Scan(&id, &kitos)
			}
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if id != "" && kitos != nil && *kitos != kr.UUID {
				r.change("relation", samspil.KitosSkipped, kr.UUID, name, samspil.Phrasef("another relation from KITOS joins the same usages (%s)", *kitos))
				continue
			}
			if id == "" {
				rel := samspil.UsageRelationInput{ToUsageID: toID, Frequency: kr.Frequency, Description: kr.Description, Reference: reference,
					ContractID: contractID}.Relation(from.ID)
				created, err := r.db.createRelationIn(tx, from, rel)
				if invalid(err) {
					r.change("relation", samspil.KitosSkipped, kr.UUID, name, refused(err))
					continue
				}
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(tx.ctx, `UPDATE usage_relations SET kitos_uuid = $1 WHERE id = $2`, kr.UUID, created.ID); err != nil {
					return err
				}
				r.change("relation", samspil.KitosCreate, kr.UUID, name, notes...)
				continue
			}
			if kitos == nil {
				if _, err := tx.ExecContext(tx.ctx, `UPDATE usage_relations SET kitos_uuid = $1 WHERE id = $2`, kr.UUID, id); err != nil {
					return err
				}
				notes = append(notes, samspil.Phrasef("linked to the relation registered before"))
			}
			before, err := r.db.findRelation(tx.ctx, tx, store, id)
			if err != nil {
				return err
			}
			p := samspil.UsageRelationPatch{}
			if before.ToUsageID != toID {
				p.ToUsageID = &toID
			}
			if before.Frequency != kr.Frequency {
				p.Frequency = &kr.Frequency
			}
			if before.Description != kr.Description {
				p.Description = &kr.Description
			}
			if before.Reference != reference {
				p.Reference = &reference
			}
			if before.ContractID != contractID {
				p.ContractID = &contractID
			}
			if p == (samspil.UsageRelationPatch{}) {
				if kitos == nil {
					r.change("relation", samspil.KitosUpdate, kr.UUID, name, notes...)
				}
				continue
			}
			if _, err := r.db.updateRelationIn(tx, before, from, p); invalid(err) {
				r.change("relation", samspil.KitosSkipped, kr.UUID, name, refused(err))
				continue
			} else if err != nil {
				return err
			}
			r.change("relation", samspil.KitosUpdate, kr.UUID, name, notes...)
		}
		rows, err := tx.QueryContext(tx.ctx, `SELECT id, kitos_uuid, version FROM usage_relations WHERE from_usage_id = $1 AND kitos_uuid IS NOT NULL`, from.ID)
		if err != nil {
			return err
		}
		type gone struct {
			id, uuid string
			version  int
		}
		all, err := collect(rows, func(rs rowScanner) (gone, error) {
			var g gone
			return g, rs.Scan(&g.id, &g.uuid, &g.version)
		})
		if err != nil {
			return err
		}
		for _, g := range all {
			if keep[g.uuid] {
				continue
			}
			rel, err := r.db.findRelation(tx.ctx, tx, store, g.id)
			if err != nil {
				return err
			}
			if err := tx.deleteRelationIn(g.id, g.version); err != nil {
				return err
			}
			r.change("relation", samspil.KitosDelete, g.uuid, rel.FromSystemName+" → "+rel.ToSystemName)
		}
	}
	return nil
}

// processors finds the data processors in samspil by CVR number; those
// samspil does not have are left out and named in the notes.
func (r *kitosRunner) processors(kps []samspil.KitosProcessor, notes *[]samspil.Phrase) ([]samspil.DataProcessor, error) {
	out := []samspil.DataProcessor{}
	for _, kp := range kps {
		id, err := r.company(kp.CVR)
		if err != nil {
			return nil, err
		}
		if id == "" {
			*notes = append(*notes, samspil.Phrasef("the data processor %s is not in samspil", kp.Name))
			continue
		}
		c := kp.Country
		if c != "" && !samspil.KnownCountry(c) {
			*notes = append(*notes, samspil.Phrasef("the country %s is no ISO 3166-1 country code and left out", c))
			c = ""
		}
		out = append(out, samspil.DataProcessor{OrganizationID: id, Country: c})
	}
	return out, nil
}

func sameProcessors(a, b []samspil.DataProcessor) bool {
	return slices.EqualFunc(a, b, func(x, y samspil.DataProcessor) bool {
		return x.OrganizationID == y.OrganizationID && x.Country == y.Country
	})
}

func sameOversight(a, b samspil.Oversight) bool {
	return a.Interval == b.Interval && sameDate(a.LastDate, b.LastDate) && sameDate(a.PlannedDate, b.PlannedDate) && a.Result == b.Result
}

// syncDataProcessing brings the data processing registrations read in
// step. KITOS owns all of a registration but its notes, the kinds of
// personal data, the oversight report's address and the visibility.
func (r *kitosRunner) syncDataProcessing() error {
	tx := r.tx
	store := samspil.SystemActor("store")
	for _, kd := range r.snap.DataProcessing {
		var notes []samspil.Phrase
		if kd.DataResponsibleName != "" {
			notes = append(notes, samspil.Phrasef("the data responsible option %s is unknown to samspil and left out", kd.DataResponsibleName))
		}
		if kd.TransferBasisName != "" {
			notes = append(notes, samspil.Phrasef("the basis for transfer %s is unknown to samspil and left out", kd.TransferBasisName))
		}
		processors, err := r.processors(kd.Processors, &notes)
		if err != nil {
			return err
		}
		subs, err := r.processors(kd.SubProcessors, &notes)
		if err != nil {
			return err
		}
		countries := []string{}
		for _, c := range kd.ThirdCountries {
			if samspil.KnownCountry(c) {
				countries = append(countries, c)
			} else {
				notes = append(notes, samspil.Phrasef("the country %s is no ISO 3166-1 country code and left out", c))
			}
		}
		usageIDs := []string{}
		for _, u := range kd.UsageUUIDs {
			id, err := r.usageByKitos(u)
			if err != nil {
				return err
			}
			if id == "" {
				notes = append(notes, samspil.Phrasef("a system usage it covers (%s) is not in samspil", u))
				continue
			}
			usageIDs = append(usageIDs, id)
		}
		contractIDs := []string{}
		for _, c := range kd.ContractUUIDs {
			var id string
			err := tx.QueryRowContext(tx.ctx, `SELECT id FROM contracts WHERE organization_id = $1 AND external_ref = $2`, r.org.ID, c).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				notes = append(notes, samspil.Phrasef("a contract it covers (%s) is not in samspil", c))
				continue
			}
			if err != nil {
				return err
			}
			contractIDs = append(contractIDs, id)
		}
		var id string
		err = tx.QueryRowContext(tx.ctx, `SELECT id FROM data_processing_registrations WHERE organization_id = $1 AND kitos_uuid = $2`,
			r.org.ID, kd.UUID).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if id == "" {
			reg := samspil.DataProcessingInput{Name: kd.Name, DataResponsible: kd.DataResponsible, UsageIDs: usageIDs, ContractIDs: contractIDs,
				AgreementConcluded: kd.AgreementConcluded, AgreementDate: kd.AgreementDate, Processors: processors, SubProcessors: subs,
				TransferBasis: kd.TransferBasis, ThirdCountries: countries, Oversight: kd.Oversight}.Registration()
			if err := reg.Validate(); err != nil {
				r.change("data_processing", samspil.KitosSkipped, kd.UUID, kd.Name, refused(err))
				continue
			}
			created, err := r.db.createDataProcessingIn(tx, r.org.ID, reg)
			if invalid(err) {
				r.change("data_processing", samspil.KitosSkipped, kd.UUID, kd.Name, refused(err))
				continue
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(tx.ctx, `UPDATE data_processing_registrations SET kitos_uuid = $1 WHERE id = $2`, kd.UUID, created.ID); err != nil {
				return err
			}
			r.change("data_processing", samspil.KitosCreate, kd.UUID, kd.Name, notes...)
			continue
		}
		before, err := r.db.findDataProcessing(tx.ctx, tx, store, id)
		if err != nil {
			return err
		}
		// The wanted registration, normalised as the store keeps it, to
		// compare with what samspil has.
		want := samspil.DataProcessingInput{Name: kd.Name, UsageIDs: usageIDs, ContractIDs: contractIDs, ThirdCountries: countries,
			Oversight: kd.Oversight, Processors: processors, SubProcessors: subs}.Registration()
		p := samspil.DataProcessingPatch{}
		if before.Name != want.Name {
			p.Name = &kd.Name
		}
		if before.DataResponsible != kd.DataResponsible {
			p.DataResponsible = &kd.DataResponsible
		}
		if !slices.Equal(before.UsageIDs(), want.UsageIDs()) {
			p.UsageIDs = &usageIDs
		}
		if !slices.Equal(before.ContractIDs(), want.ContractIDs()) {
			p.ContractIDs = &contractIDs
		}
		if before.AgreementConcluded != kd.AgreementConcluded {
			p.AgreementConcluded = &kd.AgreementConcluded
		}
		if !sameDate(before.AgreementDate, kd.AgreementDate) {
			p.AgreementDate = orZeroDate(kd.AgreementDate)
		}
		if !sameProcessors(before.Processors, want.Processors) {
			p.Processors = &processors
		}
		if !sameProcessors(before.SubProcessors, want.SubProcessors) {
			p.SubProcessors = &subs
		}
		if before.TransferBasis != kd.TransferBasis {
			p.TransferBasis = &kd.TransferBasis
		}
		if !slices.Equal(before.ThirdCountries, want.ThirdCountries) {
			p.ThirdCountries = &countries
		}
		if !sameOversight(before.Oversight, want.Oversight) {
			o := kd.Oversight
			o.DocumentURL = before.Oversight.DocumentURL // samspil's
			p.Oversight = &o
		}
		if reflect.DeepEqual(p, samspil.DataProcessingPatch{}) {
			continue
		}
		if _, err := r.db.updateDataProcessingIn(tx, before, p); invalid(err) {
			r.change("data_processing", samspil.KitosSkipped, kd.UUID, kd.Name, refused(err))
			continue
		} else if err != nil {
			return err
		}
		r.change("data_processing", samspil.KitosUpdate, kd.UUID, kd.Name, notes...)
	}
	for _, uuid := range r.snap.DeletedDataProcessing {
		var id string
		err := tx.QueryRowContext(tx.ctx, `SELECT id FROM data_processing_registrations WHERE organization_id = $1 AND kitos_uuid = $2`,
			r.org.ID, uuid).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		d, err := r.db.findDataProcessing(tx.ctx, tx, store, id)
		if err != nil {
			return err
		}
		if d.Notes != "" || len(d.PersonalData) > 0 || d.Oversight.DocumentURL != "" {
			r.change("data_processing", samspil.KitosKept, uuid, d.Name,
				samspil.Phrasef("deleted in KITOS, but kept: samspil holds its own data about it (notes, kinds of personal data or the oversight report)"))
			continue
		}
		if err := tx.deleteDataProcessingIn(d, d.Version); err != nil {
			return err
		}
		r.change("data_processing", samspil.KitosDelete, uuid, d.Name)
	}
	return nil
}
