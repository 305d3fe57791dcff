package sqldb

import (
	"context"
	"strings"

	"github.com/samspil/samspil"
)

var _ samspil.UserService = (*DB)(nil)

const userColumns = `u.id, u.email, u.display_name, u.disabled, u.operator, u.password_hash IS NOT NULL, u.last_login_at, u.version, u.created_at, u.updated_at`

func scanUser(r rowScanner) (samspil.User, error) {
	var u samspil.User
	var lastLogin, created, updated dbTime
	err := r.Scan(&u.ID, &u.Email, &u.DisplayName, &u.Disabled, &u.Operator, &u.HasPassword, &lastLogin, &u.Version, &created, &updated)
	u.LastLoginAt, u.CreatedAt, u.UpdatedAt = lastLogin.Ptr(), created.T, updated.T
	return u, err
}

// visibleUserCond: the actor sees themselves and the members of the
// organisations where they may read people.
func visibleUserCond(q *query, actor *samspil.Actor) string {
	switch {
	case actor.IsOperator():
		return "1 = 1"
	case !actor.SignedIn():
		return "1 = 0"
	}
	return "u.id = " + q.arg(actor.UserID) + " OR u.id IN (SELECT m.user_id FROM memberships m WHERE m.organization_id IN " +
		q.in(actor.OrgsWhere(samspil.PermPeopleRead)) + ")"
}

// FindUser returns a visible user with the memberships the actor may see.
func (db *DB) FindUser(ctx context.Context, actor *samspil.Actor, id string) (*samspil.User, error) {
	return db.findUser(ctx, db.read, actor, id)
}

func (db *DB) findUser(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.User, error) {
	var q query
	q.cond("u.id = " + q.arg(id))
	q.cond(visibleUserCond(&q, actor))
	u, err := scanUser(qr.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u"+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "user")
	}
	ms, err := db.membershipsOf(ctx, qr, actor, []string{u.ID})
	if err != nil {
		return nil, err
	}
	u.Memberships = nonNil(ms[u.ID])
	return &u, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ListUsers lists visible users by name.
func (db *DB) ListUsers(ctx context.Context, actor *samspil.Actor, f samspil.UserFilter) (*samspil.Page[samspil.User], error) {
	var q query
	q.cond(visibleUserCond(&q, actor))
	if f.OrganizationID != "" {
		id, err := resolveOrgID(ctx, db.read, f.OrganizationID)
		if err != nil {
			return nil, err
		}
		q.cond("u.id IN (SELECT m.user_id FROM memberships m WHERE m.organization_id = " + q.arg(id) + ")")
	}
	if s := samspil.Fold(f.Query); s != "" {
		p := q.arg(likeContains(s))
		q.cond("u.name_fold LIKE " + p + ` ESCAPE '\' OR u.email_fold LIKE ` + p + ` ESCAPE '\'`)
	}
	if f.ChangedSince != nil {
		q.cond("u.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("(u.name_fold, u.id) > (" + q.arg(keys[0]) + ", " + q.arg(keys[1]) + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users u"+q.whereSQL()+" ORDER BY u.name_fold, u.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	users, err := collect(rows, scanUser)
	if err != nil {
		return nil, err
	}
	page := pageOf(users, limit, func(u samspil.User) []string { return []string{samspil.Fold(u.DisplayName), u.ID} })
	ids := make([]string, len(page.Items))
	for i, u := range page.Items {
		ids[i] = u.ID
	}
	ms, err := db.membershipsOf(ctx, db.read, actor, ids)
	if err != nil {
		return nil, err
	}
	for i := range page.Items {
		page.Items[i].Memberships = nonNil(ms[page.Items[i].ID])
	}
	return page, nil
}

// CreateUser creates an account, with its first membership when an
// organisation is given. Only platform operators (and the command line)
// create accounts directly: administrators invite people by e-mail, so that
// no answer tells them whether an address has an account elsewhere.
func (db *DB) CreateUser(ctx context.Context, actor *samspil.Actor, in samspil.UserInput) (*samspil.User, error) {
	if !actor.IsOperator() {
		return nil, samspil.Errorf(samspil.EFORBIDDEN, "only platform operators create accounts; invite people by e-mail instead")
	}
	u := samspil.UserPatch{Email: &in.Email, DisplayName: &in.DisplayName}.Apply(samspil.User{Operator: in.Operator})
	var v samspil.Validation
	v.Merge(u.Validate())
	if in.OrganizationID != "" {
		v.OneOf("role", in.Role)
	}
	if in.Password != "" {
		if err := v.Merge(db.passwords.Check(in.Password, in.Email, in.DisplayName)); err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var hash string
	if in.Password != "" {
		var err error
		if hash, err = db.passwords.Hash(ctx, in.Password); err != nil {
			return nil, err
		}
	}
	var created *samspil.User
	err := db.update(ctx, actor, func(tx *Tx) error {
		var org *samspil.Organization
		if in.OrganizationID != "" {
			var err error
			if org, err = db.findOrg(ctx, tx, actor, in.OrganizationID); err != nil {
				return err
			}
		}
		orgID := ""
		if org != nil {
			orgID = org.ID
		}
		id, err := tx.insertUser(u, hash, orgID)
		if err != nil {
			return err
		}
		if org != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (id, user_id, organization_id, role, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, 1, $5, $5)`, newID(), id, org.ID, string(in.Role), tx.now); err != nil {
				return err
			}
		}
		if created, err = db.findUser(ctx, tx, samspil.SystemActor("store"), id); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: orgID, Action: "user.create", ObjectType: "user", ObjectID: id, After: created})
	})
	if err != nil {
		return nil, err
	}
	return db.FindUser(ctx, actor, created.ID)
}

// insertUser writes a new user row, made for the organisation createdBy
// ("" for none), and returns its id.
func (tx *Tx) insertUser(u samspil.User, passwordHash, createdBy string) (string, error) {
	id := newID()
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO users (id, email, email_fold, display_name, name_fold, password_hash, disabled, operator,
		created_by_org, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $8, 1, $9, $9)`,
		id, u.Email, samspil.Fold(u.Email), u.DisplayName, samspil.Fold(u.DisplayName), nullString(passwordHash), u.Operator, nullString(createdBy), tx.now)
	if isUniqueViolation(err) {
		return "", emailTaken()
	}
	return id, err
}

func emailTaken() error {
	return samspil.ErrorAt(samspil.ECONFLICT, "email", "a user with this e-mail address exists already; add them as a member instead")
}

// accountFacts loads what the rules about managing an account need.
func accountFacts(ctx context.Context, qr querier, userID string) (samspil.AccountFacts, error) {
	facts, err := accountFactsWhere(ctx, qr, "u.id = $1", userID)
	if err != nil {
		return samspil.AccountFacts{}, err
	}
	acc, ok := facts[userID]
	if !ok {
		return acc, samspil.NotFound("user")
	}
	return acc, nil
}

// AccountFacts returns the account facts of the organisation's people, to
// those who may read its people: one pass over their memberships.
func (db *DB) AccountFacts(ctx context.Context, actor *samspil.Actor, orgID string) (map[string]samspil.AccountFacts, error) {
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	if !actor.Can(samspil.PermPeopleRead, org.ID) {
		return nil, samspil.NotFound("organization")
	}
	return accountFactsWhere(ctx, db.read, "u.id IN (SELECT m.user_id FROM memberships m WHERE m.organization_id = $1)", org.ID)
}

// accountFactsWhere loads the account facts of the users matching cond
// (on users u), by user ID.
func accountFactsWhere(ctx context.Context, qr querier, cond string, args ...any) (map[string]samspil.AccountFacts, error) {
	rows, err := qr.QueryContext(ctx, `SELECT u.id, u.operator, u.created_by_org, m.organization_id FROM users u
		LEFT JOIN memberships m ON m.user_id = u.id WHERE `+cond+` ORDER BY u.id, m.organization_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]samspil.AccountFacts{}
	for rows.Next() {
		var acc samspil.AccountFacts
		var createdBy, org *string
		if err := rows.Scan(&acc.UserID, &acc.Operator, &createdBy, &org); err != nil {
			return nil, err
		}
		if prev, ok := out[acc.UserID]; ok {
			acc.Orgs = prev.Orgs
		}
		acc.CreatedBy = deref(createdBy)
		if org != nil {
			acc.Orgs = append(acc.Orgs, *org)
		}
		out[acc.UserID] = acc
	}
	return out, rows.Err()
}

// canManageUser reports whether the actor may manage the account
// (samspil.Actor.MayManageAccount) and the organisation its changes are
// recorded under: one the actor administers, else its first.
func (db *DB) canManageUser(ctx context.Context, qr querier, actor *samspil.Actor, userID string) (bool, string, error) {
	acc, err := accountFacts(ctx, qr, userID)
	if err != nil {
		return false, "", err
	}
	return actor.MayManageAccount(acc), auditOrgOf(actor, acc), nil
}

// auditOrgOf is the organisation a change of the account is recorded under:
// one of its organisations the actor administers, else its first, else "".
func auditOrgOf(actor *samspil.Actor, acc samspil.AccountFacts) string {
	for _, org := range acc.Orgs {
		if actor.Can(samspil.PermPeopleManage, org) {
			return org
		}
	}
	if len(acc.Orgs) > 0 {
		return acc.Orgs[0]
	}
	return ""
}

// UpdateUser changes a user's account. Users may change their own name and
// e-mail; administrators of all the user's organisations may also disable
// the account; only operators may grant or take the operator role.
func (db *DB) UpdateUser(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.UserPatch) (*samspil.User, error) {
	var after samspil.User
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.findUser(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		acc, err := accountFacts(ctx, tx, id)
		if err != nil {
			return err
		}
		manage, orgID, self := actor.MayManageAccount(acc), auditOrgOf(actor, acc), actor.UserID == id
		switch {
		case !manage && !self:
			return samspil.Errorf(samspil.EFORBIDDEN, "only administrators of every organisation %s belongs to may change the account", before.DisplayName)
		case p.Disabled != nil && *p.Disabled != before.Disabled && !manage:
			return samspil.Errorf(samspil.EFORBIDDEN, "only administrators may disable or enable accounts")
		case p.Disabled != nil && *p.Disabled && !actor.MayDisableAccount(acc):
			return samspil.Errorf(samspil.ECONFLICT, "you may not disable your own account")
		case p.Operator != nil && *p.Operator != before.Operator && !actor.IsOperator():
			return samspil.Errorf(samspil.EFORBIDDEN, "only platform operators may change the operator role")
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		if p.Disabled != nil && *p.Disabled && !before.Disabled {
			// Disabling the last working administrator would leave an
			// organisation nobody can manage.
			ms, err := db.membershipsOf(ctx, tx, samspil.SystemActor("store"), []string{id})
			if err != nil {
				return err
			}
			for _, m := range ms[id] {
				if err := tx.checkNotLastAdmin(&m); err != nil {
					return err
				}
			}
		}
		after = p.Apply(*before)
		if err := after.Validate(); err != nil {
			return err
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		err = tx.execVersioned("users", "user", id, before.Version, `UPDATE users SET email = $1, email_fold = $2, display_name = $3, name_fold = $4, disabled = $5, operator = $6,
			version = $7, updated_at = $8 WHERE id = $9 AND version = $10`, after.Email, samspil.Fold(after.Email), after.DisplayName, samspil.Fold(after.DisplayName),
			after.Disabled, after.Operator, after.Version, tx.now, id, before.Version)
		if isUniqueViolation(err) {
			return emailTaken()
		}
		if err != nil {
			return err
		}
		if after.Disabled && !before.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return err
			}
		}
		return tx.Audit(auditEntry{OrgID: orgID, Action: "user.update", ObjectType: "user", ObjectID: id, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// SetPassword sets a local password and ends the user's sessions.
func (db *DB) SetPassword(ctx context.Context, actor *samspil.Actor, id, current, password string) error {
	u, err := db.FindUser(ctx, actor, id)
	if err != nil {
		return err
	}
	acc, err := accountFacts(ctx, db.read, id)
	if err != nil {
		return err
	}
	orgID := auditOrgOf(actor, acc)
	self := actor.UserID == id
	if !self && !actor.MaySetPassword(acc) {
		return samspil.Errorf(samspil.EFORBIDDEN, "only the administrators of the organisation that made the account, when it belongs to that organisation alone, may set the password of %s; the owner can reset it through a link sent by e-mail", u.DisplayName)
	}
	if self {
		var hash *string
		if err := db.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, id).Scan(&hash); err != nil {
			return err
		}
		if hash != nil {
			ok, err := db.passwords.Verify(ctx, *hash, current)
			if err != nil {
				return err
			}
			if !ok {
				return samspil.ErrorAt(samspil.EINVALID, "current_password", "the current password is wrong")
			}
		}
	}
	if err := db.passwords.Check(password, u.Email, u.DisplayName); err != nil {
		return err
	}
	hash, err := db.passwords.Hash(ctx, password)
	if err != nil {
		return err
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, tx.now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: orgID, Action: "user.password", ObjectType: "user", ObjectID: id})
	})
}

// LinkIdentity records an external login identity for a user.
func (db *DB) LinkIdentity(ctx context.Context, actor *samspil.Actor, userID, provider, subject string) (*samspil.Identity, error) {
	provider, subject = strings.TrimSpace(provider), strings.TrimSpace(subject)
	var v samspil.Validation
	v.Check(provider != "" && len(provider) <= 500, "provider", "is required (at most 500 characters)")
	v.Check(subject != "" && len(subject) <= 500, "subject", "is required (at most 500 characters)")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var ident samspil.Identity
	err := db.update(ctx, actor, func(tx *Tx) error {
		if _, err := db.findUser(ctx, tx, actor, userID); err != nil {
			return err
		}
		manage, orgID, err := db.canManageUser(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		if !manage {
			return samspil.Errorf(samspil.EFORBIDDEN, "only administrators of every organisation the user belongs to may link identities")
		}
		ident = samspil.Identity{ID: newID(), UserID: userID, Provider: provider, Subject: subject, CreatedAt: tx.now}
		_, err = tx.ExecContext(ctx, `INSERT INTO login_identities (id, user_id, provider, subject, created_at) VALUES ($1, $2, $3, $4, $5)`,
			ident.ID, userID, provider, subject, tx.now)
		if isUniqueViolation(err) {
			return samspil.Errorf(samspil.ECONFLICT, "this identity is linked to a user already")
		}
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: orgID, Action: "identity.link", ObjectType: "user", ObjectID: userID, After: ident})
	})
	if err != nil {
		return nil, err
	}
	return &ident, nil
}
