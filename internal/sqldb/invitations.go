package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/samspil/samspil"
)

// People join an organisation by invitation: an administrator invites an
// e-mail address; the person accepts through the invitation's link, which
// makes their account when they have none, or after signing in. Nothing an
// administrator is answered tells whether an address has an account.

var (
	_ samspil.PersonInvitationService = (*DB)(nil)
	_ samspil.PasswordResetService    = (*DB)(nil)
)

const personInvitationColumns = `i.id, i.organization_id, o.name, i.email, i.role, i.message, i.status, i.invited_by_name, i.expires_at,
	i.answered_at, i.version, i.created_at, i.updated_at`

const personInvitationFrom = ` FROM person_invitations i JOIN organizations o ON o.id = i.organization_id`

func scanPersonInvitation(r rowScanner) (samspil.PersonInvitation, error) {
	var inv samspil.PersonInvitation
	var expires, answered, created, updated dbTime
	err := r.Scan(&inv.ID, &inv.OrganizationID, &inv.OrganizationName, &inv.Email, &inv.Role, &inv.Message, &inv.Status, &inv.InvitedByName,
		&expires, &answered, &inv.Version, &created, &updated)
	inv.ExpiresAt, inv.AnsweredAt, inv.CreatedAt, inv.UpdatedAt = expires.T, answered.Ptr(), created.T, updated.T
	return inv, err
}

// InvitationPath is the path of an invitation's link, from its secret.
func InvitationPath(secret string) string { return "/join/" + secret }

// InvitePerson invites an e-mail address to the organisation with a role.
func (db *DB) InvitePerson(ctx context.Context, actor *samspil.Actor, orgID string, in samspil.PersonInvitationInput) (*samspil.PersonInvitation, string, error) {
	if err := in.Validate(); err != nil {
		return nil, "", err
	}
	secret := newSecret()
	var out *samspil.PersonInvitation
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.findOrg(ctx, tx, actor, orgID)
		if err != nil {
			return err
		}
		if err := actor.Require(samspil.PermPeopleManage, org.ID, org.Name); err != nil {
			return err
		}
		fold := samspil.Fold(in.Email)
		var member int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.organization_id = $1 AND u.email_fold = $2`, org.ID, fold).Scan(&member); err != nil {
			return err
		}
		if member > 0 {
			return samspil.ErrorAt(samspil.ECONFLICT, "email", "the person is a member of %s already", org.Name)
		}
		// An invitation whose link has run out makes room for a new one.
		if _, err := tx.ExecContext(ctx, `UPDATE person_invitations SET status = 'withdrawn', version = version + 1, updated_at = $3
			WHERE organization_id = $1 AND email_fold = $2 AND status = 'pending' AND expires_at <= $3`, org.ID, fold, tx.now); err != nil {
			return err
		}
		id := newID()
		_, err = tx.ExecContext(ctx, `INSERT INTO person_invitations (id, organization_id, email, email_fold, role, message, secret_hash, status,
			invited_by_name, expires_at, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, 1, $10, $10)`,
			id, org.ID, in.Email, fold, string(in.Role), in.Message, hashSecret(secret), actorLabel(actor), tx.now.Add(samspil.PersonInvitationLifetime), tx.now)
		if isUniqueViolation(err) {
			return samspil.ErrorAt(samspil.ECONFLICT, "email", "this address is invited to %s already; withdraw that invitation to send a new one", org.Name)
		}
		if err != nil {
			return err
		}
		if out, err = db.findPersonInvitation(ctx, tx, "i.id = $1", id); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "person_invitation.create", ObjectType: "person_invitation", ObjectID: id, After: out})
	})
	if err != nil {
		return nil, "", err
	}
	out.AcceptURL = InvitationPath(secret)
	return out, secret, nil
}

func (db *DB) findPersonInvitation(ctx context.Context, qr querier, cond string, args ...any) (*samspil.PersonInvitation, error) {
	inv, err := scanPersonInvitation(qr.QueryRowContext(ctx, "SELECT "+personInvitationColumns+personInvitationFrom+" WHERE "+cond, args...))
	if err != nil {
		return nil, errNoRows(err, "invitation")
	}
	return &inv, nil
}

// ListPersonInvitations lists an organisation's invitations of people,
// newest first; its administrators may.
func (db *DB) ListPersonInvitations(ctx context.Context, actor *samspil.Actor, orgID string, opt samspil.ListOptions) (*samspil.Page[samspil.PersonInvitation], error) {
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	if !actor.Can(samspil.PermPeopleRead, org.ID) {
		return nil, samspil.NotFound("organization")
	}
	if err := actor.Require(samspil.PermPeopleManage, org.ID, org.Name); err != nil {
		return nil, err
	}
	var q query
	q.cond("i.organization_id = " + q.arg(org.ID))
	if opt.ChangedSince != nil {
		q.cond("i.updated_at >= " + q.arg(opt.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(opt.Cursor, 1)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("i.id < " + q.arg(keys[0]))
	}
	limit := opt.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+personInvitationColumns+personInvitationFrom+q.whereSQL()+" ORDER BY i.id DESC LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	invs, err := collect(rows, scanPersonInvitation)
	if err != nil {
		return nil, err
	}
	return pageOf(invs, limit, func(i samspil.PersonInvitation) []string { return []string{i.ID} }), nil
}

// WithdrawPersonInvitation takes back an invitation that is still open.
func (db *DB) WithdrawPersonInvitation(ctx context.Context, actor *samspil.Actor, id string) (*samspil.PersonInvitation, error) {
	var out *samspil.PersonInvitation
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.findPersonInvitation(ctx, tx, "i.id = $1", id)
		if err != nil {
			return err
		}
		if !actor.Can(samspil.PermPeopleRead, before.OrganizationID) {
			return samspil.NotFound("invitation")
		}
		if err := actor.Require(samspil.PermPeopleManage, before.OrganizationID, before.OrganizationName); err != nil {
			return err
		}
		if before.Status != samspil.InvitationPending {
			return samspil.Errorf(samspil.ECONFLICT, "the invitation is %s already", samspil.Term(before.Status))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE person_invitations SET status = 'withdrawn', version = version + 1, updated_at = $2 WHERE id = $1`,
			id, tx.now); err != nil {
			return err
		}
		if out, err = db.findPersonInvitation(ctx, tx, "i.id = $1", id); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: before.OrganizationID, Action: "person_invitation.withdraw", ObjectType: "person_invitation", ObjectID: id,
			Before: before, After: out})
	})
	return out, err
}

// userEmail returns the folded e-mail address of the actor's account.
func (db *DB) userEmail(ctx context.Context, qr querier, actor *samspil.Actor) (string, error) {
	if actor == nil || actor.UserID == "" {
		return "", samspil.Errorf(samspil.EUNAUTHORIZED, "sign in first")
	}
	var fold string
	err := qr.QueryRowContext(ctx, `SELECT email_fold FROM users WHERE id = $1`, actor.UserID).Scan(&fold)
	return fold, err
}

// MyPersonInvitations lists the open invitations to the signed-in person's
// e-mail address.
func (db *DB) MyPersonInvitations(ctx context.Context, actor *samspil.Actor) ([]samspil.PersonInvitation, error) {
	fold, err := db.userEmail(ctx, db.read, actor)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, "SELECT "+personInvitationColumns+personInvitationFrom+
		` WHERE i.email_fold = $1 AND i.status = 'pending' AND i.expires_at > $2 ORDER BY i.id DESC LIMIT 100`, fold, db.now())
	if err != nil {
		return nil, err
	}
	invs, err := collect(rows, scanPersonInvitation)
	return nonNil(invs), err
}

// AnswerPersonInvitation accepts or declines an open invitation to the
// signed-in person's own address. Accepting makes them a member with the
// invitation's role.
func (db *DB) AnswerPersonInvitation(ctx context.Context, actor *samspil.Actor, id string, accept bool) (*samspil.PersonInvitation, error) {
	var out *samspil.PersonInvitation
	err := db.update(ctx, actor, func(tx *Tx) error {
		fold, err := db.userEmail(ctx, tx, actor)
		if err != nil {
			return err
		}
		before, err := db.findPersonInvitation(ctx, tx, "i.id = $1 AND i.email_fold = $2", id, fold)
		if err != nil {
			return err
		}
		if before.Status != samspil.InvitationPending {
			return samspil.Errorf(samspil.ECONFLICT, "the invitation is %s already", samspil.Term(before.Status))
		}
		if !tx.now.Before(before.ExpiresAt) {
			return samspil.Errorf(samspil.ECONFLICT, "the invitation has run out; ask %s for a new one", before.OrganizationName)
		}
		out, err = db.answerPersonInvitation(tx, before, actor.UserID, accept)
		return err
	})
	return out, err
}

// answerPersonInvitation records the answer to an open invitation for the
// user, adding the membership when it is accepted.
func (db *DB) answerPersonInvitation(tx *Tx, before *samspil.PersonInvitation, userID string, accept bool) (*samspil.PersonInvitation, error) {
	status := samspil.InvitationDeclined
	if accept {
		status = samspil.InvitationAccepted
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO memberships (id, user_id, organization_id, role, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $5)`, newID(), userID, before.OrganizationID, string(before.Role), tx.now)
		if isUniqueViolation(err) {
			return nil, samspil.Errorf(samspil.ECONFLICT, "you are a member of %s already", before.OrganizationName)
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE person_invitations SET status = $2, user_id = $3, answered_at = $4, version = version + 1,
		updated_at = $4 WHERE id = $1`, before.ID, string(status), userID, tx.now); err != nil {
		return nil, err
	}
	out, err := db.findPersonInvitation(tx.ctx, tx, "i.id = $1", before.ID)
	if err != nil {
		return nil, err
	}
	if accept {
		return out, tx.Audit(auditEntry{OrgID: before.OrganizationID, Action: "person_invitation.accept", ObjectType: "person_invitation",
			ObjectID: before.ID, Before: before, After: out})
	}
	return out, tx.Audit(auditEntry{OrgID: before.OrganizationID, Action: "person_invitation.decline", ObjectType: "person_invitation",
		ObjectID: before.ID, Before: before, After: out})
}

// PersonInvitationByLink returns the open invitation a link's secret opens.
func (db *DB) PersonInvitationByLink(ctx context.Context, secret string) (*samspil.PersonInvitation, error) {
	return db.findPersonInvitation(ctx, db.read, "i.secret_hash = $1 AND i.status = 'pending' AND i.expires_at > $2", hashSecret(secret), db.now())
}

// AcceptByLink accepts an invitation through its link for a person without
// an account: it makes the account, owned by the inviting organisation, and
// the membership. A person who has an account signs in and accepts instead.
func (db *DB) AcceptByLink(ctx context.Context, secret string, in samspil.NewAccountInput) (*samspil.User, error) {
	inv, err := db.PersonInvitationByLink(ctx, secret)
	if err != nil {
		return nil, err
	}
	u := samspil.UserPatch{DisplayName: &in.DisplayName}.Apply(samspil.User{Email: inv.Email})
	var v samspil.Validation
	v.Merge(u.Validate())
	v.Check(in.Password != "", "password", "is required")
	if in.Password != "" {
		v.Merge(db.passwords.Check(in.Password, inv.Email, u.DisplayName))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := db.passwords.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	var userID string
	err = db.update(ctx, samspil.Anonymous(), func(tx *Tx) error {
		before, err := db.findPersonInvitation(ctx, tx, "i.secret_hash = $1 AND i.status = 'pending' AND i.expires_at > $2", hashSecret(secret), tx.now)
		if err != nil {
			return err
		}
		var existing string
		err = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE email_fold = $1`, samspil.Fold(before.Email)).Scan(&existing)
		switch {
		case err == nil:
			return samspil.Errorf(samspil.ECONFLICT, "this address has an account already: sign in with it to accept the invitation")
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if userID, err = tx.insertUser(u, hash, before.OrganizationID); err != nil {
			return err
		}
		// From here the new person acts.
		tx.actor = &samspil.Actor{Kind: samspil.ActorUser, UserID: userID, Name: u.DisplayName}
		created, err := db.findUser(ctx, tx, samspil.SystemActor("store"), userID)
		if err != nil {
			return err
		}
		if err := tx.Audit(auditEntry{OrgID: before.OrganizationID, Action: "user.create", ObjectType: "user", ObjectID: userID, After: created}); err != nil {
			return err
		}
		_, err = db.answerPersonInvitation(tx, before, userID, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	return db.findUser(ctx, db.read, samspil.SystemActor("store"), userID)
}

// maxOpenResets caps the reset links of one account that work at once, so
// that asking again and again does not flood its owner with mail.
const maxOpenResets = 3

// RequestPasswordReset makes a reset link for the enabled account with
// this e-mail address, or returns nil when there is none (or too many links
// are open). The caller answers both cases alike.
func (db *DB) RequestPasswordReset(ctx context.Context, email string) (*samspil.User, string, error) {
	var userID string
	err := db.read.QueryRowContext(ctx, `SELECT id FROM users WHERE email_fold = $1 AND NOT disabled`, samspil.Fold(email)).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	secret := newSecret()
	made := false
	err = db.update(ctx, samspil.Anonymous(), func(tx *Tx) error {
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2`,
			userID, tx.now).Scan(&open); err != nil {
			return err
		}
		if open >= maxOpenResets {
			return errUnchanged
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets (secret_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hashSecret(secret), userID, tx.now, tx.now.Add(samspil.PasswordResetLifetime)); err != nil {
			return err
		}
		made = true
		return tx.Audit(auditEntry{Action: "user.password_reset.request", ObjectType: "user", ObjectID: userID})
	})
	if err != nil || !made {
		return nil, "", err
	}
	u, err := db.findUser(ctx, db.read, samspil.SystemActor("store"), userID)
	if err != nil {
		return nil, "", err
	}
	return u, secret, nil
}

// ResetPassword sets a new password with a reset link's secret, once; it
// ends the user's sessions and the other reset links.
func (db *DB) ResetPassword(ctx context.Context, secret, password string) error {
	bad := samspil.Errorf(samspil.ENOTFOUND, "the link has run out or was used already; ask for a new one")
	var userID, email, name string
	var expires, used dbTime
	err := db.read.QueryRowContext(ctx, `SELECT r.user_id, u.email, u.display_name, r.expires_at, r.used_at FROM password_resets r
		JOIN users u ON u.id = r.user_id WHERE r.secret_hash = $1 AND NOT u.disabled`, hashSecret(secret)).Scan(&userID, &email, &name, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return bad
	}
	if err != nil {
		return err
	}
	if used.Valid || !db.now().Before(expires.T) {
		return bad
	}
	if err := db.passwords.Check(password, email, name); err != nil {
		return err
	}
	hash, err := db.passwords.Hash(ctx, password)
	if err != nil {
		return err
	}
	return db.update(ctx, &samspil.Actor{Kind: samspil.ActorUser, UserID: userID, Name: name}, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $2 WHERE secret_hash = $1 AND used_at IS NULL AND expires_at > $2`,
			hashSecret(secret), tx.now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return bad
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, hash, tx.now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, userID, tx.now); err != nil {
			return err
		}
		return tx.Audit(auditEntry{Action: "user.password_reset", ObjectType: "user", ObjectID: userID})
	})
}
