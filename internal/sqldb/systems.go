package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"github.com/samspil/samspil"
)

var _ samspil.SystemService = (*DB)(nil)

const systemSelect = `SELECT s.id, s.name, s.vendor_id, COALESCE(v.name, ''), s.category, s.description, s.open_source, s.os2_product,
	s.homepage, s.owner_id, s.visibility, s.version, s.created_at, s.updated_at, s.parent_id, s.former_names_json, s.deactivated,
	s.archive_recommendation
	FROM systems s LEFT JOIN organizations v ON v.id = s.vendor_id`

func scanSystem(r rowScanner) (samspil.System, error) {
	var s samspil.System
	var vendor *string
	var created, updated dbTime
	var parent *string
	var former string
	err := r.Scan(&s.ID, &s.Name, &vendor, &s.VendorName, &s.Category, &s.Description, &s.OpenSource, &s.OS2Product,
		&s.Homepage, &s.OwnerID, &s.Visibility, &s.Version, &created, &updated, &parent, &former, &s.Deactivated, &s.ArchiveRecommendation)
	s.VendorID, s.CreatedAt, s.UpdatedAt, s.ParentID = deref(vendor), created.T, updated.T, deref(parent)
	if err == nil {
		err = readJSONList(former, &s.FormerNames, "former names of system "+s.ID)
	}
	return s, err
}

// checkSystemParent checks that the parent of the entry id is a visible
// entry and not the entry itself or one of its parts.
func (db *DB) checkSystemParent(tx *Tx, id, parentID string) error {
	if parentID == "" {
		return nil
	}
	if _, err := db.findSystem(tx.ctx, tx, tx.actor, parentID); err != nil {
		if samspil.ErrorCode(err) == samspil.ENOTFOUND {
			return samspil.ErrorAt(samspil.EINVALID, "parent_id", "no system in the catalogue has this ID")
		}
		return err
	}
	// Walk up from the parent: meeting the entry means a cycle. The chain
	// is acyclic before the change, so the walk ends.
	for at := parentID; at != ""; {
		if at == id {
			return samspil.ErrorAt(samspil.EINVALID, "parent_id", "cannot be the system itself or one of its parts")
		}
		var next *string
		if err := tx.QueryRowContext(tx.ctx, `SELECT parent_id FROM systems WHERE id = $1`, at).Scan(&next); err != nil {
			return err
		}
		at = deref(next)
	}
	return nil
}

// writeSystemKITOSFields stores the KITOS fields of a written entry.
func (tx *Tx) writeSystemKITOSFields(s *samspil.System) error {
	former, err := jsonList(s.FormerNames)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `UPDATE systems SET parent_id = $1, former_names_json = $2, deactivated = $3, archive_recommendation = $4
		WHERE id = $5`, nullString(s.ParentID), former, s.Deactivated, string(s.ArchiveRecommendation), s.ID)
	return err
}

// loadSystemDetails fills in the KLE tasks and the number of visible usages.
func (db *DB) loadSystemDetails(ctx context.Context, qr querier, actor *samspil.Actor, systems []samspil.System) error {
	if len(systems) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(systems))
	for i, s := range systems {
		idx[s.ID], ids[i] = i, s.ID
		systems[i].Tasks = []string{}
	}
	var q query
	rows, err := qr.QueryContext(ctx, `SELECT system_id, code FROM system_tasks WHERE system_id IN `+q.in(ids)+` ORDER BY system_id, code`, q.args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return err
		}
		systems[idx[id]].Tasks = append(systems[idx[id]].Tasks, code)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var uq query
	uq.cond("u.system_id IN " + uq.in(ids))
	uq.cond(visibleCond(&uq, actor, "u.organization_id", "u.visibility"))
	rows, err = qr.QueryContext(ctx, `SELECT u.system_id, COUNT(*) FROM usages u`+uq.whereSQL()+` GROUP BY u.system_id`, uq.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		systems[idx[id]].UsageCount = n
	}
	return rows.Err()
}

// FindSystem returns a visible catalogue entry.
func (db *DB) FindSystem(ctx context.Context, actor *samspil.Actor, id string) (*samspil.System, error) {
	return db.findSystem(ctx, db.read, actor, id)
}

func (db *DB) findSystem(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.System, error) {
	var q query
	q.cond("s.id = " + q.arg(id))
	q.cond(visibleCond(&q, actor, "s.owner_id", "s.visibility"))
	s, err := scanSystem(qr.QueryRowContext(ctx, systemSelect+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "system")
	}
	systems := []samspil.System{s}
	if err := db.loadSystemDetails(ctx, qr, actor, systems); err != nil {
		return nil, err
	}
	return &systems[0], nil
}

var reKLEGroup = regexp.MustCompile(`^[0-9]{2}(\.[0-9]{2})?$`)

// ListSystems lists visible catalogue entries by name.
func (db *DB) ListSystems(ctx context.Context, actor *samspil.Actor, f samspil.SystemFilter) (*samspil.Page[samspil.System], error) {
	var q query
	q.cond(visibleCond(&q, actor, "s.owner_id", "s.visibility"))
	if s := samspil.Fold(f.Query); s != "" {
		p := q.arg(likeContains(s))
		q.cond("s.name_fold LIKE " + p + ` ESCAPE '\' OR v.name_fold LIKE ` + p + ` ESCAPE '\'`)
	}
	if f.Category != "" {
		q.cond("s.category = " + q.arg(string(f.Category)))
	}
	if f.VendorID != "" {
		q.cond("s.vendor_id = " + q.arg(f.VendorID))
	}
	if f.OwnerID != "" {
		q.cond("s.owner_id = " + q.arg(f.OwnerID))
	}
	if f.Task != "" {
		// The codes under a KLE main group or group share its digits, so
		// they form a range ("00.01" covers "00.01.00" to "00.01.99"), which
		// the index serves on both engines where LIKE would not. Pairs of
		// digits between dots sort the same in every collation.
		cond := "code = " + q.arg(f.Task)
		if reKLEGroup.MatchString(f.Task) {
			cond += " OR (code >= " + q.arg(f.Task+".00") + " AND code <= " + q.arg(f.Task+".99.99") + ")"
		}
		q.cond("s.id IN (SELECT system_id FROM system_tasks WHERE " + cond + ")")
	}
	if f.OS2 {
		q.cond("s.os2_product")
	}
	if f.ChangedSince != nil {
		q.cond("s.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("(s.name_fold, s.id) > (" + q.arg(keys[0]) + ", " + q.arg(keys[1]) + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, systemSelect+q.whereSQL()+" ORDER BY s.name_fold, s.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	systems, err := collect(rows, scanSystem)
	if err != nil {
		return nil, err
	}
	page := pageOf(systems, limit, func(s samspil.System) []string { return []string{samspil.Fold(s.Name), s.ID} })
	return page, db.loadSystemDetails(ctx, db.read, actor, page.Items)
}

// ownerFor resolves the organisation that registers something for the
// actor: the given one, or the actor's only organisation.
func (db *DB) ownerFor(tx *Tx, orgID, field string, perm samspil.Permission) (*samspil.Organization, error) {
	if orgID == "" {
		ids := tx.actor.OrgsWhere(perm)
		if len(ids) == 0 && len(tx.actor.OrgIDs()) == 1 {
			// A member of one organisation without the permission: say
			// that they may not, rather than ask which organisation.
			ids = tx.actor.OrgIDs()
		}
		if len(ids) != 1 {
			return nil, samspil.ErrorAt(samspil.EINVALID, field, "is required: say which organisation registers it")
		}
		orgID = ids[0]
	}
	org, err := db.findOrg(tx.ctx, tx, tx.actor, orgID)
	if err != nil {
		return nil, err
	}
	if err := tx.actor.Require(perm, org.ID, org.Name); err != nil {
		return nil, err
	}
	return org, nil
}

// resolveCompany finds a visible organisation by ID or CVR number for a
// vendor or supplier field.
func (db *DB) resolveCompany(tx *Tx, idOrCVR, field string) (string, error) {
	if idOrCVR == "" {
		return "", nil
	}
	var q query
	q.cond("o.id = " + q.arg(idOrCVR) + " OR o.cvr = " + q.arg(idOrCVR))
	q.cond(visibleOrgCond(&q, tx.actor))
	var id string
	err := tx.QueryRowContext(tx.ctx, "SELECT o.id FROM organizations o"+q.whereSQL(), q.args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", samspil.ErrorAt(samspil.EINVALID, field, "no organisation has this ID or CVR number")
	}
	return id, err
}

// checkTasksExist refuses KLE codes that are not in the taxonomy.
func (tx *Tx) checkTasksExist(field string, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	var q query
	rows, err := tx.QueryContext(tx.ctx, "SELECT code FROM kle_topics WHERE code IN "+q.in(codes), q.args...)
	if err != nil {
		return err
	}
	known, err := collect(rows, func(r rowScanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, c := range known {
		have[c] = true
	}
	var v samspil.Validation
	for _, c := range codes {
		v.Check(have[c], field, "%s is not in the KLE taxonomy", c)
	}
	return v.Err()
}

func (tx *Tx) writeSystemTasks(systemID string, codes []string) error {
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM system_tasks WHERE system_id = $1`, systemID); err != nil {
		return err
	}
	for _, c := range codes {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO system_tasks (system_id, code) VALUES ($1, $2)`, systemID, c); err != nil {
			return err
		}
	}
	return nil
}

// CreateSystem registers a catalogue entry on behalf of one of the actor's
// organisations.
func (db *DB) CreateSystem(ctx context.Context, actor *samspil.Actor, in samspil.SystemInput) (*samspil.System, error) {
	s := in.System()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var created *samspil.System
	err := db.update(ctx, actor, func(tx *Tx) error {
		owner, err := db.ownerFor(tx, in.OwnerID, "owner_id", samspil.PermLandscapeWrite)
		if err != nil {
			return err
		}
		if created, err = db.createSystemIn(tx, owner.ID, s); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: owner.ID, Action: "system.create", ObjectType: "system", ObjectID: created.ID, After: created})
	})
	if err != nil {
		return nil, err
	}
	return db.FindSystem(ctx, actor, created.ID)
}

// createSystemIn writes a validated catalogue entry of ownerID in tx and
// returns it; the caller has checked the actor's right and writes the audit
// event.
func (db *DB) createSystemIn(tx *Tx, ownerID string, s samspil.System) (*samspil.System, error) {
	var err error
	if s.VendorID, err = db.resolveCompany(tx, s.VendorID, "vendor_id"); err != nil {
		return nil, err
	}
	if err := tx.checkTasksExist("tasks", s.Tasks); err != nil {
		return nil, err
	}
	s.ID, s.OwnerID = newID(), ownerID
	if err := db.checkSystemParent(tx, s.ID, s.ParentID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO systems (id, name, name_fold, vendor_id, category, description, open_source, os2_product,
		homepage, owner_id, visibility, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12)`,
		s.ID, s.Name, samspil.Fold(s.Name), nullString(s.VendorID), string(s.Category), s.Description, s.OpenSource, s.OS2Product,
		s.Homepage, s.OwnerID, string(s.Visibility), tx.now); err != nil {
		return nil, err
	}
	if err := tx.writeSystemTasks(s.ID, s.Tasks); err != nil {
		return nil, err
	}
	if err := tx.writeSystemKITOSFields(&s); err != nil {
		return nil, err
	}
	return db.findSystem(tx.ctx, tx, samspil.SystemActor("store"), s.ID)
}

// writableSystem finds a visible entry that the actor may change: editors
// of the owning organisation, and operators.
func (db *DB) writableSystem(tx *Tx, id string) (*samspil.System, error) {
	s, err := db.findSystem(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, err
	}
	if !tx.actor.Can(samspil.PermLandscapeWrite, s.OwnerID) {
		return nil, samspil.Errorf(samspil.EFORBIDDEN, "only administrators and editors of the organisation that registered %s may change it", s.Name)
	}
	return s, nil
}

// UpdateSystem changes a catalogue entry.
func (db *DB) UpdateSystem(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.SystemPatch) (*samspil.System, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.writableSystem(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after, err := db.updateSystemIn(tx, before, p)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: after.OwnerID, Action: "system.update", ObjectType: "system", ObjectID: id, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return db.FindSystem(ctx, actor, id)
}

// updateSystemIn applies p to a writable entry in tx and returns the entry
// as changed; the caller writes the audit event.
func (db *DB) updateSystemIn(tx *Tx, before *samspil.System, p samspil.SystemPatch) (*samspil.System, error) {
	after := p.Apply(*before)
	if err := after.Validate(); err != nil {
		return nil, err
	}
	var err error
	if after.VendorID != before.VendorID {
		if after.VendorID, err = db.resolveCompany(tx, after.VendorID, "vendor_id"); err != nil {
			return nil, err
		}
	}
	if err := tx.checkTasksExist("tasks", after.Tasks); err != nil {
		return nil, err
	}
	id := before.ID
	if after.ParentID != before.ParentID {
		if err := db.checkSystemParent(tx, id, after.ParentID); err != nil {
			return nil, err
		}
	}
	after.Version, after.UpdatedAt = before.Version+1, tx.now
	if err := tx.execVersioned("systems", "system", id, before.Version, `UPDATE systems SET name = $1, name_fold = $2, vendor_id = $3,
		category = $4, description = $5, open_source = $6, os2_product = $7, homepage = $8, visibility = $9, version = $10, updated_at = $11
		WHERE id = $12 AND version = $13`, after.Name, samspil.Fold(after.Name), nullString(after.VendorID), string(after.Category),
		after.Description, after.OpenSource, after.OS2Product, after.Homepage, string(after.Visibility), after.Version, tx.now, id, before.Version); err != nil {
		return nil, err
	}
	if p.Tasks != nil {
		if err := tx.writeSystemTasks(id, after.Tasks); err != nil {
			return nil, err
		}
	}
	if err := tx.writeSystemKITOSFields(&after); err != nil {
		return nil, err
	}
	return &after, nil
}

// MergeSystems folds a duplicate catalogue entry into the surviving one:
// usages and contract references move to the survivor (an organisation that
// used both keeps its usage of the survivor), the duplicate's KLE tasks are
// added to the survivor, and the duplicate is deleted. One audit event
// records what moved.
func (db *DB) MergeSystems(ctx context.Context, actor *samspil.Actor, survivorID, duplicateID string) (*samspil.System, error) {
	if err := actor.Require(samspil.PermPlatformManage, "", ""); err != nil {
		return nil, err
	}
	if survivorID == duplicateID {
		return nil, samspil.ErrorAt(samspil.EINVALID, "duplicate_id", "must differ from the surviving entry")
	}
	err := db.update(ctx, actor, func(tx *Tx) error {
		survivor, err := db.findSystem(ctx, tx, actor, survivorID)
		if err != nil {
			return err
		}
		dup, err := db.findSystem(ctx, tx, actor, duplicateID)
		if err != nil {
			return err
		}
		// Usages of organisations that have both entries stay on the survivor;
		// the doubles are deleted, and the deletions feed tells syncing
		// clients so.
		rows, err := tx.QueryContext(ctx, `SELECT id, organization_id, visibility FROM usages WHERE system_id = $1 AND organization_id IN
			(SELECT organization_id FROM usages WHERE system_id = $2) ORDER BY id`, dup.ID, survivor.ID)
		if err != nil {
			return err
		}
		doubles, err := collect(rows, func(r rowScanner) (samspil.Usage, error) {
			var u samspil.Usage
			return u, r.Scan(&u.ID, &u.OrganizationID, &u.Visibility)
		})
		if err != nil {
			return err
		}
		for _, u := range doubles {
			if _, err := tx.ExecContext(ctx, `DELETE FROM usages WHERE id = $1`, u.ID); err != nil {
				return err
			}
			if err := tx.recordDeletion("usage", u.ID, u.OrganizationID, u.Visibility); err != nil {
				return err
			}
		}
		dropped := len(doubles)
		res, err := tx.ExecContext(ctx, `UPDATE usages SET system_id = $1, version = version + 1, updated_at = $2 WHERE system_id = $3`, survivor.ID, tx.now, dup.ID)
		if err != nil {
			return err
		}
		moved, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM contract_systems WHERE system_id = $1 AND contract_id IN
			(SELECT contract_id FROM contract_systems WHERE system_id = $2)`, dup.ID, survivor.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contract_systems SET system_id = $1 WHERE system_id = $2`, survivor.ID, dup.ID); err != nil {
			return err
		}
		// The duplicate's interfaces move too; one the survivor has under
		// the same name and version gives its relations to the survivor's.
		if _, err := tx.ExecContext(ctx, `UPDATE usage_relations SET interface_id = (SELECT si.id FROM system_interfaces si
			JOIN system_interfaces di ON di.name_fold = si.name_fold AND di.interface_version = si.interface_version
			WHERE si.system_id = $1 AND di.id = usage_relations.interface_id), version = version + 1, updated_at = $2
			WHERE interface_id IN (SELECT di.id FROM system_interfaces di JOIN system_interfaces si ON si.name_fold = di.name_fold
			AND si.interface_version = di.interface_version WHERE di.system_id = $3 AND si.system_id = $1)`, survivor.ID, tx.now, dup.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM system_interfaces WHERE system_id = $1 AND EXISTS (SELECT 1 FROM system_interfaces si
			WHERE si.system_id = $2 AND si.name_fold = system_interfaces.name_fold AND si.interface_version = system_interfaces.interface_version)`,
			dup.ID, survivor.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE system_interfaces SET system_id = $1 WHERE system_id = $2`, survivor.ID, dup.ID); err != nil {
			return err
		}
		tasks := append(append([]string{}, survivor.Tasks...), dup.Tasks...)
		if err := tx.writeSystemTasks(survivor.ID, normalizeCodes(tasks)); err != nil {
			return err
		}
		// The duplicate's parts move up to its parent, which cannot make a
		// cycle, whatever the survivor's place.
		if _, err := tx.ExecContext(ctx, `UPDATE systems SET parent_id = $1, version = version + 1, updated_at = $2 WHERE parent_id = $3`,
			nullString(dup.ParentID), tx.now, dup.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM systems WHERE id = $1`, dup.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE systems SET version = version + 1, updated_at = $1 WHERE id = $2`, tx.now, survivor.ID); err != nil {
			return err
		}
		if err := tx.recordDeletion("system", dup.ID, dup.OwnerID, dup.Visibility); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: survivor.OwnerID, Action: "system.merge", ObjectType: "system", ObjectID: survivor.ID, Before: dup,
			After: map[string]any{"survivor": survivor.ID, "duplicate": dup.ID, "usages_moved": moved, "usages_dropped_as_double": dropped}})
	})
	if err != nil {
		return nil, err
	}
	return db.FindSystem(ctx, actor, survivorID)
}

func normalizeCodes(codes []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range codes {
		if c = strings.TrimSpace(c); c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// WhoUses lists the visible usages of a visible system, by organisation
// name.
func (db *DB) WhoUses(ctx context.Context, actor *samspil.Actor, systemID string) ([]samspil.WhoUses, error) {
	if _, err := db.findSystem(ctx, db.read, actor, systemID); err != nil {
		return nil, err
	}
	var q query
	q.cond("u.system_id = " + q.arg(systemID))
	q.cond(visibleCond(&q, actor, "u.organization_id", "u.visibility"))
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.organization_id, o.name, COALESCE(o.municipality_code, ''), u.lifecycle, u.from_date, u.until_date, u.visibility
		FROM usages u JOIN organizations o ON o.id = u.organization_id`+q.whereSQL()+` ORDER BY o.name_fold, u.id`, q.args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(r rowScanner) (samspil.WhoUses, error) {
		var w samspil.WhoUses
		var from, until nullDate
		err := r.Scan(&w.UsageID, &w.OrganizationID, &w.OrganizationName, &w.MunicipalityCode, &w.Lifecycle, &from, &until, &w.Visibility)
		w.From, w.Until = from.Ptr(), until.Ptr()
		return w, err
	})
	if out == nil {
		out = []samspil.WhoUses{}
	}
	return out, err
}
