package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/samspil/samspil"
)

var _ samspil.MembershipService = (*DB)(nil)

const membershipSelect = `SELECT m.id, m.user_id, m.organization_id, m.role, m.position, m.level, u.display_name, u.email, o.name, m.version, m.created_at, m.updated_at
	FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.organization_id`

func scanMembership(r rowScanner) (samspil.Membership, error) {
	var m samspil.Membership
	var created, updated dbTime
	err := r.Scan(&m.ID, &m.UserID, &m.OrganizationID, &m.Role, &m.Position, &m.Level, &m.UserDisplayName, &m.UserEmail, &m.OrganizationName,
		&m.Version, &created, &updated)
	m.CreatedAt, m.UpdatedAt = created.T, updated.T
	return m, err
}

// visibleMembershipCond: the actor sees memberships in organisations where
// they may read people, and their own.
func visibleMembershipCond(q *query, actor *samspil.Actor) string {
	switch {
	case actor.IsOperator():
		return "1 = 1"
	case !actor.SignedIn():
		return "1 = 0"
	}
	return "m.user_id = " + q.arg(actor.UserID) + " OR m.organization_id IN " + q.in(actor.OrgsWhere(samspil.PermPeopleRead))
}

// FindMembership returns a visible membership.
func (db *DB) FindMembership(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Membership, error) {
	return db.findMembership(ctx, db.read, actor, id)
}

func (db *DB) findMembership(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Membership, error) {
	var q query
	q.cond("m.id = " + q.arg(id))
	q.cond(visibleMembershipCond(&q, actor))
	m, err := scanMembership(qr.QueryRowContext(ctx, membershipSelect+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "membership")
	}
	return &m, nil
}

// ListMemberships lists visible memberships by user name.
func (db *DB) ListMemberships(ctx context.Context, actor *samspil.Actor, f samspil.MembershipFilter) (*samspil.Page[samspil.Membership], error) {
	var q query
	q.cond(visibleMembershipCond(&q, actor))
	if f.OrganizationID != "" {
		id, err := resolveOrgID(ctx, db.read, f.OrganizationID)
		if err != nil {
			return nil, err
		}
		q.cond("m.organization_id = " + q.arg(id))
	}
	if f.UserID != "" {
		q.cond("m.user_id = " + q.arg(f.UserID))
	}
	if f.ChangedSince != nil {
		q.cond("m.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("(u.name_fold, m.id) > (" + q.arg(keys[0]) + ", " + q.arg(keys[1]) + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, membershipSelect+q.whereSQL()+" ORDER BY u.name_fold, m.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	ms, err := collect(rows, scanMembership)
	if err != nil {
		return nil, err
	}
	return pageOf(ms, limit, func(m samspil.Membership) []string { return []string{samspil.Fold(m.UserDisplayName), m.ID} }), nil
}

// membershipsOf returns the memberships of the given users that the actor
// may see, grouped by user.
func (db *DB) membershipsOf(ctx context.Context, qr querier, actor *samspil.Actor, userIDs []string) (map[string][]samspil.Membership, error) {
	out := map[string][]samspil.Membership{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var q query
	q.cond("m.user_id IN " + q.in(userIDs))
	q.cond(visibleMembershipCond(&q, actor))
	rows, err := qr.QueryContext(ctx, membershipSelect+q.whereSQL()+" ORDER BY o.name_fold, m.id", q.args...)
	if err != nil {
		return nil, err
	}
	ms, err := collect(rows, scanMembership)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out[m.UserID] = append(out[m.UserID], m)
	}
	return out, nil
}

// CreateMembership gives a person who already belongs to one of the
// administrator's organisations a role in another of them. Anyone else is
// invited by e-mail; an unknown account and one of another organisation
// answer alike, so that nothing tells whether an address has an account.
func (db *DB) CreateMembership(ctx context.Context, actor *samspil.Actor, in samspil.MembershipInput) (*samspil.Membership, error) {
	var v samspil.Validation
	v.OneOf("role", in.Role)
	v.Check(in.OrganizationID != "", "organization_id", "is required")
	v.Check(in.UserID != "" || in.Email != "", "user_id", "give user_id or email")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var m *samspil.Membership
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.findOrg(ctx, tx, actor, in.OrganizationID)
		if err != nil {
			return err
		}
		if err := actor.Require(samspil.PermPeopleManage, org.ID, org.Name); err != nil {
			return err
		}
		userID := in.UserID
		field := "user_id"
		if userID == "" {
			field = "email"
			err = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE email_fold = $1`, samspil.Fold(in.Email)).Scan(&userID)
		} else {
			err = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE id = $1`, userID).Scan(&userID)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		notYours := samspil.ErrorAt(samspil.EINVALID, field, "is not a person of an organisation you administer; invite them by e-mail instead")
		if err != nil {
			return notYours
		}
		if !actor.IsOperator() {
			acc, err := accountFacts(ctx, tx, userID)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(acc.Orgs, func(o string) bool { return actor.Can(samspil.PermPeopleManage, o) }) {
				return notYours
			}
		}
		id := newID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (id, user_id, organization_id, role, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $5)`, id, userID, org.ID, string(in.Role), tx.now); err != nil {
			if isUniqueViolation(err) {
				return samspil.ErrorAt(samspil.ECONFLICT, field, "the user is already a member of %s; change the role instead", org.Name)
			}
			return err
		}
		if m, err = db.findMembership(ctx, tx, samspil.SystemActor("store"), id); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "membership.create", ObjectType: "membership", ObjectID: id, After: m})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// manageableMembership finds a visible membership and checks that the actor
// may manage people in its organisation.
func (db *DB) manageableMembership(tx *Tx, id string, version int) (*samspil.Membership, error) {
	m, err := db.findMembership(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, err
	}
	if err := tx.actor.Require(samspil.PermPeopleManage, m.OrganizationID, m.OrganizationName); err != nil {
		return nil, err
	}
	if err := checkVersion(m.Version, version); err != nil {
		return nil, err
	}
	return m, nil
}

// checkNotLastAdmin refuses to take the admin role from the last working
// administrator of an organisation (samspil.LastAdmin). Disabled
// administrators do not count: taking the role from one of them leaves as
// many working administrators as before.
func (tx *Tx) checkNotLastAdmin(m *samspil.Membership) error {
	if m.Role != samspil.RoleAdmin {
		return nil // only an administrator can be the last one: nothing to count
	}
	// Two administrators demoting each other at once must not both pass.
	if err := tx.lockOrg(m.OrganizationID); err != nil {
		return err
	}
	var disabled bool
	if err := tx.QueryRowContext(tx.ctx, `SELECT disabled FROM users WHERE id = $1`, m.UserID).Scan(&disabled); err != nil {
		return err
	}
	var others int
	if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.organization_id = $1 AND m.role = 'admin' AND NOT u.disabled AND m.id <> $2`, m.OrganizationID, m.ID).Scan(&others); err != nil {
		return err
	}
	if samspil.LastAdmin(m.Role, disabled, others) {
		return samspil.Errorf(samspil.ECONFLICT, "%s is the last administrator of %s; make someone else administrator first", m.UserDisplayName, m.OrganizationName)
	}
	return nil
}

// UpdateMembership changes a member's role, title and level.
func (db *DB) UpdateMembership(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.MembershipPatch) (*samspil.Membership, error) {
	var after samspil.Membership
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.manageableMembership(tx, id, version)
		if err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		after = p.Apply(*before)
		if p.Role != nil {
			if *p.Role != samspil.RoleAdmin {
				if err := tx.checkNotLastAdmin(before); err != nil {
					return err
				}
			}
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		if err := tx.execVersioned("memberships", "membership", after.ID, before.Version, `UPDATE memberships SET role = $1, position = $2, level = $3,
			version = $4, updated_at = $5 WHERE id = $6 AND version = $7`,
			string(after.Role), after.Position, string(after.Level), after.Version, tx.now, after.ID, before.Version); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: after.OrganizationID, Action: "membership.update", ObjectType: "membership", ObjectID: after.ID, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// DeleteMembership removes a user from an organisation.
func (db *DB) DeleteMembership(ctx context.Context, actor *samspil.Actor, id string, version int) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		m, err := db.manageableMembership(tx, id, version)
		if err != nil {
			return err
		}
		if err := tx.checkNotLastAdmin(m); err != nil {
			return err
		}
		if err := tx.execVersioned("memberships", "membership", m.ID, m.Version, `DELETE FROM memberships WHERE id = $1 AND version = $2`, m.ID, m.Version); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: m.OrganizationID, Action: "membership.delete", ObjectType: "membership", ObjectID: m.ID, Before: m})
	})
}
