package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/samspil/samspil"
)

var _ samspil.RoleService = (*DB)(nil)

// Role types and role assignments (KITOS's ItSystemRole, ItContractRole and
// DataProcessingRegistrationRole with their rights). An organisation's role
// types are seen by whoever sees the organisation and kept by its
// administrators (PermOrgUpdate, the rule for changing the organisation).
// Assignments are seen with their record and changed by whoever may change
// the record (writableUsage, writableContract, writableDataProcessing).
// Deleting a record deletes its assignments by the foreign key of its kind
// (migration 00026), on every delete path.
//
// Defaults: an organisation starts with samspil.DefaultRoleTypes, added
// when it is created (orglists.go).

const roleTypeSelect = `SELECT t.id, t.organization_id, t.object_kind, t.name, t.description, t.active, t.version, t.created_at, t.updated_at
	FROM role_types t`

func scanRoleType(r rowScanner) (samspil.RoleType, error) {
	var t samspil.RoleType
	var created, updated dbTime
	err := r.Scan(&t.ID, &t.OrganizationID, &t.ObjectKind, &t.Name, &t.Description, &t.Active, &t.Version, &created, &updated)
	t.CreatedAt, t.UpdatedAt = created.T, updated.T
	return t, err
}

// RoleTypes lists the organisation's role types of a kind.
func (db *DB) RoleTypes(ctx context.Context, actor *samspil.Actor, orgID string, kind samspil.RoleObjectKind) ([]samspil.RoleType, error) {
	var v samspil.Validation
	if !v.OneOf("object_kind", kind) {
		return nil, v.Err()
	}
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	return db.roleTypes(ctx, db.read, org.ID, kind)
}

func (db *DB) roleTypes(ctx context.Context, qr querier, orgID string, kind samspil.RoleObjectKind) ([]samspil.RoleType, error) {
	rows, err := qr.QueryContext(ctx, roleTypeSelect+` WHERE t.organization_id = $1 AND t.object_kind = $2 ORDER BY t.position, t.name_fold, t.id`,
		orgID, string(kind))
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanRoleType)
	if out == nil {
		out = []samspil.RoleType{}
	}
	return out, err
}

// FindRoleType returns a role type of a visible organisation.
func (db *DB) FindRoleType(ctx context.Context, actor *samspil.Actor, id string) (*samspil.RoleType, error) {
	return db.findRoleType(ctx, db.read, actor, id)
}

func (db *DB) findRoleType(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.RoleType, error) {
	t, err := scanRoleType(qr.QueryRowContext(ctx, roleTypeSelect+` WHERE t.id = $1`, id))
	if err != nil {
		return nil, errNoRows(err, "role type")
	}
	if _, err := db.findOrg(ctx, qr, actor, t.OrganizationID); err != nil {
		return nil, samspil.NotFound("role type")
	}
	return &t, nil
}

func roleTypeConflict() error {
	return samspil.ErrorAt(samspil.ECONFLICT, "name", "the organisation has a role type of this name for this kind of record already")
}

// CreateRoleType adds a role type to an organisation the actor administers.
func (db *DB) CreateRoleType(ctx context.Context, actor *samspil.Actor, orgID string, in samspil.RoleTypeInput) (*samspil.RoleType, error) {
	t := in.RoleType(orgID)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	id := newID()
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.findOrg(ctx, tx, tx.actor, orgID)
		if err != nil {
			return err
		}
		if err := tx.actor.Require(samspil.PermOrgUpdate, org.ID, org.Name); err != nil {
			return err
		}
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) FROM role_types WHERE organization_id = $1 AND object_kind = $2`,
			org.ID, string(t.ObjectKind)).Scan(&last); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO role_types (id, organization_id, object_kind, name, name_fold, description, active, position,
			version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, 1, $8, $8)`,
			id, org.ID, string(t.ObjectKind), t.Name, samspil.Fold(t.Name), t.Description, last+1, tx.now)
		if isUniqueViolation(err) {
			return roleTypeConflict()
		}
		if err != nil {
			return err
		}
		created, err := db.findRoleType(ctx, tx, samspil.SystemActor("store"), id)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "role_type.create", ObjectType: "role_type", ObjectID: id, After: created})
	})
	if err != nil {
		return nil, err
	}
	return db.FindRoleType(ctx, actor, id)
}

// UpdateRoleType renames, describes, deactivates or reactivates a role type
// of an organisation the actor administers.
func (db *DB) UpdateRoleType(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.RoleTypePatch) (*samspil.RoleType, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.findRoleType(ctx, tx, tx.actor, id)
		if err != nil {
			return err
		}
		org, err := db.findOrg(ctx, tx, tx.actor, before.OrganizationID)
		if err != nil {
			return err
		}
		if err := tx.actor.Require(samspil.PermOrgUpdate, org.ID, org.Name); err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after := p.Apply(*before)
		if err := after.Validate(); err != nil {
			return err
		}
		err = tx.execVersioned("role_types", "role type", id, before.Version, `UPDATE role_types SET name = $1, name_fold = $2, description = $3,
			active = $4, version = $5, updated_at = $6 WHERE id = $7 AND version = $8`,
			after.Name, samspil.Fold(after.Name), after.Description, after.Active, before.Version+1, tx.now, id, before.Version)
		if isUniqueViolation(err) {
			return roleTypeConflict()
		}
		if err != nil {
			return err
		}
		changed, err := db.findRoleType(ctx, tx, samspil.SystemActor("store"), id)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "role_type.update", ObjectType: "role_type", ObjectID: id, Before: before, After: changed})
	})
	if err != nil {
		return nil, err
	}
	return db.FindRoleType(ctx, actor, id)
}

// roleObject finds a visible record of a kind and returns its organisation.
func (db *DB) roleObject(ctx context.Context, qr querier, actor *samspil.Actor, kind samspil.RoleObjectKind, id string) (string, error) {
	switch kind {
	case samspil.RoleOnUsage:
		u, err := db.findUsage(ctx, qr, actor, id)
		if err != nil {
			return "", err
		}
		return u.OrganizationID, nil
	case samspil.RoleOnContract:
		c, err := db.findContract(ctx, qr, actor, id)
		if err != nil {
			return "", err
		}
		return c.OrganizationID, nil
	case samspil.RoleOnDataProcessing:
		r, err := db.findDataProcessing(ctx, qr, actor, id)
		if err != nil {
			return "", err
		}
		return r.OrganizationID, nil
	}
	var v samspil.Validation
	v.OneOf("object_kind", kind)
	return "", v.Err()
}

// writableRoleObject finds a record of a kind the actor may change, by the
// record's own write rule, and returns its organisation.
func (db *DB) writableRoleObject(tx *Tx, kind samspil.RoleObjectKind, id string) (string, error) {
	switch kind {
	case samspil.RoleOnUsage:
		u, err := db.writableUsage(tx, id)
		if err != nil {
			return "", err
		}
		return u.OrganizationID, nil
	case samspil.RoleOnContract:
		c, err := db.writableContract(tx, id)
		if err != nil {
			return "", err
		}
		return c.OrganizationID, nil
	case samspil.RoleOnDataProcessing:
		r, err := db.writableDataProcessing(tx, id)
		if err != nil {
			return "", err
		}
		return r.OrganizationID, nil
	}
	var v samspil.Validation
	v.OneOf("object_kind", kind)
	return "", v.Err()
}

// The name and e-mail of a user are the user's own; a user has left when
// disabled or no longer a member of the record's organisation.
const roleAssignmentSelect = `SELECT a.id, a.organization_id, a.object_kind, a.object_id, a.role_type_id, t.name, t.active,
	COALESCE(a.user_id, ''), COALESCE(u.display_name, a.name), COALESCE(u.email, a.email),
	CASE WHEN a.user_id IS NOT NULL AND (u.disabled OR m.id IS NULL) THEN 1 ELSE 0 END, a.created_at
	FROM role_assignments a JOIN role_types t ON t.id = a.role_type_id
	LEFT JOIN users u ON u.id = a.user_id
	LEFT JOIN memberships m ON m.user_id = a.user_id AND m.organization_id = a.organization_id`

func scanRoleAssignment(r rowScanner) (samspil.RoleAssignment, error) {
	var a samspil.RoleAssignment
	var left int
	var created dbTime
	err := r.Scan(&a.ID, &a.OrganizationID, &a.ObjectKind, &a.ObjectID, &a.RoleTypeID, &a.RoleTypeName, &a.RoleTypeActive,
		&a.UserID, &a.Name, &a.Email, &left, &created)
	a.Left, a.CreatedAt = left == 1, created.T
	return a, err
}

// RoleAssignments lists the roles on a visible record.
func (db *DB) RoleAssignments(ctx context.Context, actor *samspil.Actor, kind samspil.RoleObjectKind, objectID string) ([]samspil.RoleAssignment, error) {
	if _, err := db.roleObject(ctx, db.read, actor, kind, objectID); err != nil {
		return nil, err
	}
	return db.roleAssignments(ctx, db.read, kind, objectID)
}

func (db *DB) roleAssignments(ctx context.Context, qr querier, kind samspil.RoleObjectKind, objectID string) ([]samspil.RoleAssignment, error) {
	rows, err := qr.QueryContext(ctx, roleAssignmentSelect+` WHERE a.object_kind = $1 AND a.object_id = $2
		ORDER BY t.position, t.name_fold, COALESCE(u.name_fold, LOWER(a.name)), a.id`, string(kind), objectID)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanRoleAssignment)
	if out == nil {
		out = []samspil.RoleAssignment{}
	}
	return out, err
}

func (db *DB) findRoleAssignment(ctx context.Context, qr querier, kind samspil.RoleObjectKind, objectID, id string) (*samspil.RoleAssignment, error) {
	a, err := scanRoleAssignment(qr.QueryRowContext(ctx, roleAssignmentSelect+` WHERE a.id = $1 AND a.object_kind = $2 AND a.object_id = $3`,
		id, string(kind), objectID))
	if err != nil {
		return nil, errNoRows(err, "role assignment")
	}
	return &a, nil
}

// CreateRoleAssignment assigns a role on a record the actor may change: an
// active role type of the record's organisation and kind, to a current user
// of the organisation or to a named person with an e-mail address.
func (db *DB) CreateRoleAssignment(ctx context.Context, actor *samspil.Actor, kind samspil.RoleObjectKind, objectID string,
	in samspil.RoleAssignmentInput) (*samspil.RoleAssignment, error) {
	a, err := in.Assignment(kind, objectID)
	if err != nil {
		return nil, err
	}
	id := newID()
	err = db.update(ctx, actor, func(tx *Tx) error {
		orgID, err := db.writableRoleObject(tx, kind, objectID)
		if err != nil {
			return err
		}
		var tOrg, tKind string
		var active bool
		err = tx.QueryRowContext(ctx, `SELECT organization_id, object_kind, active FROM role_types WHERE id = $1`, a.RoleTypeID).Scan(&tOrg, &tKind, &active)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err != nil || tOrg != orgID || tKind != string(kind) {
			return samspil.ErrorAt(samspil.EINVALID, "role_type_id", "is not a role type of the organisation for this kind of record")
		}
		if !active {
			return samspil.ErrorAt(samspil.EINVALID, "role_type_id", "the role type is no longer in use")
		}
		if a.UserID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u JOIN memberships m ON m.user_id = u.id
				WHERE u.id = $1 AND m.organization_id = $2 AND NOT u.disabled`, a.UserID, orgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return samspil.ErrorAt(samspil.EINVALID, "user_id", "is not an active user of the organisation")
			}
		}
		var userID any
		if a.UserID != "" {
			userID = a.UserID
		}
		cols := map[samspil.RoleObjectKind]string{samspil.RoleOnUsage: "usage_id", samspil.RoleOnContract: "contract_id",
			samspil.RoleOnDataProcessing: "data_processing_id"}
		_, err = tx.ExecContext(ctx, `INSERT INTO role_assignments (id, organization_id, object_kind, object_id, `+cols[kind]+`, role_type_id,
			user_id, name, email, person, created_at) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10)`,
			id, orgID, string(kind), objectID, a.RoleTypeID, userID, a.Name, a.Email, a.Person(), tx.now)
		if isUniqueViolation(err) {
			field := "email"
			if a.UserID != "" {
				field = "user_id"
			}
			return samspil.ErrorAt(samspil.ECONFLICT, field, "this person holds this role on the record already")
		}
		if err != nil {
			return err
		}
		created, err := db.findRoleAssignment(ctx, tx, kind, objectID, id)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: orgID, Action: "role_assignment.create", ObjectType: "role_assignment", ObjectID: id, After: created})
	})
	if err != nil {
		return nil, err
	}
	return db.findRoleAssignment(ctx, db.read, kind, objectID, id)
}

// DeleteRoleAssignment removes a role from a record the actor may change.
func (db *DB) DeleteRoleAssignment(ctx context.Context, actor *samspil.Actor, kind samspil.RoleObjectKind, objectID, id string) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		orgID, err := db.writableRoleObject(tx, kind, objectID)
		if err != nil {
			return err
		}
		a, err := db.findRoleAssignment(ctx, tx, kind, objectID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_assignments WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: orgID, Action: "role_assignment.delete", ObjectType: "role_assignment", ObjectID: id, Before: a})
	})
}
