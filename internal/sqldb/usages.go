package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/samspil/samspil"
)

var _ samspil.UsageService = (*DB)(nil)

// usageColumns are what scanUsage reads of a usage u with its organisation
// o and system s; usageJoins joins those to u.
const (
	usageColumns = `SELECT u.id, u.organization_id, o.name, u.system_id, s.name, u.lifecycle, u.from_date, u.until_date,
	u.responsible_unit_id, u.user_band, u.notes, u.share_experience, u.experience_contact_name, u.experience_contact_email,
	u.visibility, u.version, u.created_at, u.updated_at, u.local_call_name, u.local_system_id, u.system_version, u.data_classification,
	u.main_contract_id, u.archive_duty, u.archive_period_years, u.ai_use, u.web_accessibility, u.web_accessibility_checked,
	u.web_accessibility_notes, u.references_json, COALESCE((SELECT dc.name FROM data_classifications dc
		WHERE dc.organization_id = u.organization_id AND dc.key = u.data_classification), '')`
	usageJoins  = ` JOIN organizations o ON o.id = u.organization_id JOIN systems s ON s.id = u.system_id`
	usageSelect = usageColumns + ` FROM usages u` + usageJoins
)

func scanUsage(r rowScanner) (samspil.Usage, error) {
	var u samspil.Usage
	var from, until nullDate
	var unit *string
	var created, updated dbTime
	var mainContract *string
	var checked nullDate
	var refs string
	k := &u.UsageKITOSFields
	err := r.Scan(&u.ID, &u.OrganizationID, &u.OrganizationName, &u.SystemID, &u.SystemName, &u.Lifecycle, &from, &until,
		&unit, &u.UserBand, &u.Notes, &u.ShareExperience, &u.ExperienceContactName, &u.ExperienceContactEmail,
		&u.Visibility, &u.Version, &created, &updated, &k.LocalCallName, &k.LocalSystemID, &k.SystemVersion, &k.DataClassification,
		&mainContract, &k.ArchiveDuty, &k.ArchivePeriodYears, &k.AIUse, &k.WebAccessibility, &checked, &k.WebAccessibilityNotes, &refs,
		&u.DataClassificationName)
	u.From, u.Until, u.ResponsibleUnitID, u.CreatedAt, u.UpdatedAt = from.Ptr(), until.Ptr(), deref(unit), created.T, updated.T
	k.MainContractID, k.WebAccessibilityChecked = deref(mainContract), checked.Ptr()
	if err == nil {
		err = readJSONList(refs, &k.References, "references of usage "+u.ID)
	}
	return u, err
}

// readJSONList reads a list kept as JSON text into dst, never leaving nil.
func readJSONList[T any](raw string, dst *[]T, what string) error {
	if err := json.Unmarshal([]byte(raw), dst); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if *dst == nil {
		*dst = []T{}
	}
	return nil
}

// jsonList returns a list as JSON text for a *_json column.
func jsonList[T any](list []T) (string, error) {
	if list == nil {
		list = []T{}
	}
	b, err := json.Marshal(list)
	return string(b), err
}

// loadUsageDetails fills in using units and task changes.
func loadUsageDetails(ctx context.Context, qr querier, usages []samspil.Usage) error {
	if len(usages) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(usages))
	for i, u := range usages {
		idx[u.ID], ids[i] = i, u.ID
		usages[i].UsingUnitIDs, usages[i].TaskChanges = []string{}, []samspil.TaskChange{}
	}
	var q query
	rows, err := qr.QueryContext(ctx, `SELECT usage_id, unit_id FROM usage_units WHERE usage_id IN `+q.in(ids)+` ORDER BY usage_id, unit_id`, q.args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, unit string
		if err := rows.Scan(&id, &unit); err != nil {
			rows.Close()
			return err
		}
		usages[idx[id]].UsingUnitIDs = append(usages[idx[id]].UsingUnitIDs, unit)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var tq query
	rows, err = qr.QueryContext(ctx, `SELECT usage_id, code, opt_out FROM usage_tasks WHERE usage_id IN `+tq.in(ids)+` ORDER BY usage_id, code`, tq.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var tc samspil.TaskChange
		if err := rows.Scan(&id, &tc.Code, &tc.OptOut); err != nil {
			return err
		}
		usages[idx[id]].TaskChanges = append(usages[idx[id]].TaskChanges, tc)
	}
	return rows.Err()
}

// FindUsage returns a visible usage.
func (db *DB) FindUsage(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Usage, error) {
	return db.findUsage(ctx, db.read, actor, id)
}

// usageVisibleCond adds the conditions under which the actor sees a usage:
// the usage is visible, and so is its system unless the usage is the
// actor's organisation's own, so that a usage shown to others does not
// name a private catalogue entry.
func usageVisibleCond(q *query, actor *samspil.Actor) { usageVisibleAs(q, actor, "u", "s") }

// usageVisibleAs is usageVisibleCond for the usage aliased u and its system
// aliased s.
func usageVisibleAs(q *query, actor *samspil.Actor, u, s string) {
	q.cond(visibleCond(q, actor, u+".organization_id", u+".visibility"))
	q.cond(visibleCond(q, actor, s+".owner_id", s+".visibility") + " OR " + u + ".organization_id IN " + q.in(actor.OrgIDs()))
}

func (db *DB) findUsage(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Usage, error) {
	var q query
	q.cond("u.id = " + q.arg(id))
	usageVisibleCond(&q, actor)
	u, err := scanUsage(qr.QueryRowContext(ctx, usageSelect+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "usage")
	}
	usages := []samspil.Usage{u}
	if err := loadUsageDetails(ctx, qr, usages); err != nil {
		return nil, err
	}
	return &usages[0], nil
}

// ListUsages lists visible usages by organisation and system name.
func (db *DB) ListUsages(ctx context.Context, actor *samspil.Actor, f samspil.UsageFilter) (*samspil.Page[samspil.Usage], error) {
	var q query
	usageVisibleCond(&q, actor)
	if f.OrganizationID != "" {
		id, err := resolveOrgID(ctx, db.read, f.OrganizationID)
		if err != nil {
			return nil, err
		}
		q.cond("u.organization_id = " + q.arg(id))
	}
	if f.SystemID != "" {
		q.cond("u.system_id = " + q.arg(f.SystemID))
	}
	if f.Lifecycle != "" {
		q.cond("u.lifecycle = " + q.arg(string(f.Lifecycle)))
	}
	if f.ChangedSince != nil {
		q.cond("u.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 3)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("(o.name_fold, s.name_fold, u.id) > (" + q.arg(keys[0]) + ", " + q.arg(keys[1]) + ", " + q.arg(keys[2]) + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, usageSelect+q.whereSQL()+" ORDER BY o.name_fold, s.name_fold, u.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	usages, err := collect(rows, scanUsage)
	if err != nil {
		return nil, err
	}
	page := pageOf(usages, limit, func(u samspil.Usage) []string {
		return []string{samspil.Fold(u.OrganizationName), samspil.Fold(u.SystemName), u.ID}
	})
	return page, loadUsageDetails(ctx, db.read, page.Items)
}

// checkUsageRefs checks that the units belong to the usage's organisation
// and the KLE codes exist.
func (tx *Tx) checkUsageRefs(u *samspil.Usage) error {
	var v samspil.Validation
	units := append([]string{}, u.UsingUnitIDs...)
	if u.ResponsibleUnitID != "" {
		units = append(units, u.ResponsibleUnitID)
	}
	if len(units) > 0 {
		var q query
		rows, err := tx.QueryContext(tx.ctx, "SELECT id FROM org_units WHERE organization_id = "+q.arg(u.OrganizationID)+" AND id IN "+q.in(units), q.args...)
		if err != nil {
			return err
		}
		found, err := collect(rows, func(r rowScanner) (string, error) {
			var s string
			return s, r.Scan(&s)
		})
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, id := range found {
			have[id] = true
		}
		if u.ResponsibleUnitID != "" {
			v.Check(have[u.ResponsibleUnitID], "responsible_unit_id", "is not a unit of the organisation")
		}
		for _, id := range u.UsingUnitIDs {
			v.Check(have[id], "using_unit_ids", "%s is not a unit of the organisation", id)
		}
	}
	codes := make([]string, len(u.TaskChanges))
	for i, tc := range u.TaskChanges {
		codes[i] = tc.Code
	}
	if err := v.Merge(tx.checkTasksExist("task_changes", codes)); err != nil {
		return err
	}
	if u.MainContractID != "" {
		var n int
		err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM contracts c JOIN contract_systems cs ON cs.contract_id = c.id
			WHERE c.id = $1 AND c.organization_id = $2 AND cs.system_id = $3`, u.MainContractID, u.OrganizationID, u.SystemID).Scan(&n)
		if err != nil {
			return err
		}
		v.Check(n > 0, "main_contract_id", "is not a contract of the organisation that covers the system")
	}
	return v.Err()
}

// writeUsageKITOSFields stores the KITOS fields of a written usage.
func (tx *Tx) writeUsageKITOSFields(u *samspil.Usage) error {
	k := u.UsageKITOSFields
	refs, err := jsonList(k.References)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `UPDATE usages SET local_call_name = $1, local_system_id = $2, system_version = $3, data_classification = $4,
		main_contract_id = $5, archive_duty = $6, archive_period_years = $7, ai_use = $8, web_accessibility = $9, web_accessibility_checked = $10,
		web_accessibility_notes = $11, references_json = $12 WHERE id = $13`,
		k.LocalCallName, k.LocalSystemID, k.SystemVersion, string(k.DataClassification), nullString(k.MainContractID), string(k.ArchiveDuty),
		k.ArchivePeriodYears, string(k.AIUse), string(k.WebAccessibility), dateValue(k.WebAccessibilityChecked), k.WebAccessibilityNotes, refs, u.ID)
	return err
}

func (tx *Tx) writeUsageDetails(u *samspil.Usage) error {
	for _, stmt := range []string{`DELETE FROM usage_units WHERE usage_id = $1`, `DELETE FROM usage_tasks WHERE usage_id = $1`} {
		if _, err := tx.ExecContext(tx.ctx, stmt, u.ID); err != nil {
			return err
		}
	}
	for _, unit := range u.UsingUnitIDs {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO usage_units (usage_id, unit_id) VALUES ($1, $2)`, u.ID, unit); err != nil {
			return err
		}
	}
	for _, tc := range u.TaskChanges {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO usage_tasks (usage_id, code, opt_out) VALUES ($1, $2, $3)`, u.ID, tc.Code, tc.OptOut); err != nil {
			return err
		}
	}
	return nil
}

// CreateUsage registers that an organisation uses a system.
func (db *DB) CreateUsage(ctx context.Context, actor *samspil.Actor, in samspil.UsageInput) (*samspil.Usage, error) {
	u := in.Usage()
	var v samspil.Validation
	v.Check(in.SystemID != "", "system_id", "is required")
	v.Merge(u.Validate())
	if err := v.Err(); err != nil {
		return nil, err
	}
	var id string
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.ownerFor(tx, in.OrganizationID, "organization_id", samspil.PermLandscapeWrite)
		if err != nil {
			return err
		}
		created, err := db.createUsageIn(tx, org, u)
		if err != nil {
			return err
		}
		id = created.ID
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "usage.create", ObjectType: "usage", ObjectID: id, After: created})
	})
	if err != nil {
		return nil, err
	}
	return db.FindUsage(ctx, actor, id)
}

// createUsageIn writes a validated usage of org in tx and returns it; the
// caller has checked the actor's right and writes the audit event.
func (db *DB) createUsageIn(tx *Tx, org *samspil.Organization, u samspil.Usage) (*samspil.Usage, error) {
	ctx := tx.ctx
	sys, err := db.findSystem(ctx, tx, tx.actor, u.SystemID)
	if err != nil {
		if samspil.ErrorCode(err) == samspil.ENOTFOUND {
			return nil, samspil.ErrorAt(samspil.EINVALID, "system_id", "no system in the catalogue has this ID")
		}
		return nil, err
	}
	if sys.Deactivated {
		return nil, samspil.ErrorAt(samspil.EINVALID, "system_id", "%s is deactivated in the catalogue and cannot get new usages", sys.Name)
	}
	u.ID, u.OrganizationID = newID(), org.ID
	if err := tx.checkUsageRefs(&u); err != nil {
		return nil, err
	}
	if err := tx.checkDataClassification(&u, ""); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO usages (id, organization_id, system_id, lifecycle, from_date, until_date, responsible_unit_id,
		user_band, notes, visibility, version, created_at, updated_at, share_experience, experience_contact_name, experience_contact_email)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11, $12, $13, $14)`,
		u.ID, u.OrganizationID, u.SystemID, string(u.Lifecycle), dateValue(u.From), dateValue(u.Until), nullString(u.ResponsibleUnitID),
		string(u.UserBand), u.Notes, string(u.Visibility), tx.now, u.ShareExperience, u.ExperienceContactName, u.ExperienceContactEmail)
	if isUniqueViolation(err) {
		return nil, samspil.ErrorAt(samspil.ECONFLICT, "system_id", "%s has registered this system already; change that usage instead", org.Name)
	}
	if err != nil {
		return nil, err
	}
	if err := tx.writeUsageDetails(&u); err != nil {
		return nil, err
	}
	if err := tx.writeUsageKITOSFields(&u); err != nil {
		return nil, err
	}
	return db.findUsage(ctx, tx, samspil.SystemActor("store"), u.ID)
}

// writableUsage finds a visible usage that the actor may change.
func (db *DB) writableUsage(tx *Tx, id string) (*samspil.Usage, error) {
	u, err := db.findUsage(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, err
	}
	if err := tx.actor.Require(samspil.PermLandscapeWrite, u.OrganizationID, u.OrganizationName); err != nil {
		return nil, err
	}
	return u, nil
}

// UpdateUsage changes a usage.
func (db *DB) UpdateUsage(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.UsagePatch) (*samspil.Usage, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.writableUsage(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after, err := db.updateUsageIn(tx, before, p)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: after.OrganizationID, Action: "usage.update", ObjectType: "usage", ObjectID: id, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return db.FindUsage(ctx, actor, id)
}

// updateUsageIn applies p to a writable usage in tx and returns it as
// changed; the caller writes the audit event.
func (db *DB) updateUsageIn(tx *Tx, before *samspil.Usage, p samspil.UsagePatch) (*samspil.Usage, error) {
	after := p.Apply(*before)
	if err := after.Validate(); err != nil {
		return nil, err
	}
	if err := tx.checkUsageRefs(&after); err != nil {
		return nil, err
	}
	if err := tx.checkDataClassification(&after, before.DataClassification); err != nil {
		return nil, err
	}
	id := before.ID
	after.Version, after.UpdatedAt = before.Version+1, tx.now
	if err := tx.execVersioned("usages", "usage", id, before.Version, `UPDATE usages SET lifecycle = $1, from_date = $2, until_date = $3,
		responsible_unit_id = $4, user_band = $5, notes = $6, visibility = $7, version = $8, updated_at = $9, share_experience = $12,
		experience_contact_name = $13, experience_contact_email = $14 WHERE id = $10 AND version = $11`,
		string(after.Lifecycle), dateValue(after.From), dateValue(after.Until), nullString(after.ResponsibleUnitID), string(after.UserBand),
		after.Notes, string(after.Visibility), after.Version, tx.now, id, before.Version, after.ShareExperience, after.ExperienceContactName,
		after.ExperienceContactEmail); err != nil {
		return nil, err
	}
	if err := tx.writeUsageDetails(&after); err != nil {
		return nil, err
	}
	if err := tx.writeUsageKITOSFields(&after); err != nil {
		return nil, err
	}
	return &after, nil
}

// DeleteUsage removes a usage.
func (db *DB) DeleteUsage(ctx context.Context, actor *samspil.Actor, id string, version int) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		u, err := db.writableUsage(tx, id)
		if err != nil {
			return err
		}
		if err := tx.deleteUsageIn(u, version); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: u.OrganizationID, Action: "usage.delete", ObjectType: "usage", ObjectID: id, Before: u})
	})
}

// deleteUsageIn removes a writable usage at version and records the
// deletion; the caller writes the audit event.
func (tx *Tx) deleteUsageIn(u *samspil.Usage, version int) error {
	if err := tx.execVersioned("usages", "usage", u.ID, version, `DELETE FROM usages WHERE id = $1 AND version = $2`, u.ID, version); err != nil {
		return err
	}
	return tx.recordDeletion("usage", u.ID, u.OrganizationID, u.Visibility)
}
