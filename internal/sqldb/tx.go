package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/samspil/samspil"
)

// querier is what both *sql.DB and *sql.Tx offer; read helpers take one so
// that they work inside and outside a write transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Tx is a write transaction. Every change made through it must be recorded
// with Audit before it commits: update refuses to commit a transaction that
// wrote no audit event, unless it found nothing to change (errUnchanged) or
// declared itself Unaudited for one of the reasons in unauditedReasons.
type Tx struct {
	*sql.Tx
	conn      *sql.Conn // the connection of the transaction, for the driver's bulk paths (see bulkcopy.go)
	ctx       context.Context
	db        *DB
	now       time.Time
	actor     *samspil.Actor
	audited   int       // audit events written
	unaudited unaudited // why the transaction may commit without an audit event
}

// errUnchanged is what a write transaction's function returns when it finds
// nothing to change (the session has ended already, the token is revoked
// already, the proxy is as asked): update rolls the transaction back and
// returns nil.
var errUnchanged = errors.New("nothing changed")

// errNotAudited is the error of a write transaction that would commit
// without an audit event.
var errNotAudited = errors.New("write transaction recorded no audit event")

// unaudited names why a write transaction may commit without an audit
// event. Only the reasons in unauditedReasons are accepted.
type unaudited string

const (
	// noticeQueue: queueing, claiming and finishing e-mail notices is the
	// delivery state of messages about changes audited elsewhere.
	noticeQueue unaudited = "notice queue"
	// uploadBookkeeping: an uploaded file, its preview and its status until
	// it is committed; the commit itself is audited (import.commit).
	uploadBookkeeping unaudited = "upload bookkeeping"
	// meetingWatermark: how far a forum's meetings have been generated,
	// moved on by the daily job when it added no meeting (when it adds
	// some, forum.meetings.extend is audited).
	meetingWatermark unaudited = "meeting generation watermark"
	// kitosReadProgress: how far a read from KITOS got, kept so that a run
	// that stops continues there; the run that applies it is audited
	// (kitos.sync).
	kitosReadProgress unaudited = "KITOS read progress"
)

// unauditedReasons are the only reasons a write transaction may commit
// without an audit event. Keep the list short: a change someone made is
// audited.
var unauditedReasons = []unaudited{noticeQueue, uploadBookkeeping, meetingWatermark, kitosReadProgress}

// Unaudited declares that the transaction may commit without an audit
// event, for one of the reasons in unauditedReasons; update refuses any
// other. Audit events written anyway are kept as usual.
func (tx *Tx) Unaudited(why unaudited) {
	tx.unaudited = why
}

// auditHook, when set (by the package's tests), is told the action of every
// audit event written.
var auditHook func(action string)

// update runs fn in a write transaction on behalf of actor and commits it. On
// SQLite a transaction that meets a lock held by another process is retried a
// few times before the error is returned.
//
// The transaction commits only when fn wrote an audit event (tx.Audit) or
// declared it Unaudited; otherwise it is rolled back and update returns an
// internal error wrapping errNotAudited. When fn returns errUnchanged, the
// transaction is rolled back and update returns nil.
func (db *DB) update(ctx context.Context, actor *samspil.Actor, fn func(tx *Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = db.updateOnce(ctx, actor, fn)
		if err == nil {
			db.callers.forget() // the change may concern who someone is
		}
		if !isBusy(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 50 * time.Millisecond):
		}
	}
	return err
}

func (db *DB) updateOnce(ctx context.Context, actor *samspil.Actor, fn func(tx *Tx) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return fmt.Errorf("begin transaction: %w", err)
	}
	// The connection goes back to the pool once the transaction has ended
	// (Rollback after Commit does nothing).
	defer func() {
		sqlTx.Rollback()
		conn.Close()
	}()
	tx := &Tx{Tx: sqlTx, conn: conn, ctx: ctx, db: db, now: db.now(), actor: actor}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		if errors.Is(err, errUnchanged) {
			return nil
		}
		return err
	}
	if tx.unaudited != "" && !slices.Contains(unauditedReasons, tx.unaudited) {
		sqlTx.Rollback()
		return fmt.Errorf("sqldb: %s: %q is not a reason to leave a write unaudited (see unauditedReasons)", updateCaller(), tx.unaudited)
	}
	if tx.audited == 0 && tx.unaudited == "" {
		sqlTx.Rollback()
		return fmt.Errorf("sqldb: %s: %w: every change needs tx.Audit in its transaction; return errUnchanged when nothing changed", updateCaller(), errNotAudited)
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// updateCaller names the store method that called update, for the error of
// a transaction that went wrong; it is called from updateOnce only.
func updateCaller() string {
	pc, _, _, ok := runtime.Caller(3) // updateCaller <- updateOnce <- update <- the method
	if !ok {
		return "update"
	}
	name := runtime.FuncForPC(pc).Name()
	return name[strings.LastIndex(name, "/")+1:]
}

// newID returns a new UUIDv7: unique, and ordered by creation time.
func newID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// auditEntry describes one audit event.
type auditEntry struct {
	OrgID      string
	Action     string
	ObjectType string
	ObjectID   string
	Before     any // marshalled to JSON; nil for none
	After      any
}

// Audit writes the audit event of a change in the same transaction.
func (tx *Tx) Audit(e auditEntry) error {
	return tx.auditAs(tx.actor, e)
}

func (tx *Tx) auditAs(actor *samspil.Actor, e auditEntry) error {
	before, err := marshalAudit(e.Before)
	if err != nil {
		return err
	}
	after, err := marshalAudit(e.After)
	if err != nil {
		return err
	}
	kind, userID, label := samspil.ActorAnonymous, "", ""
	if actor != nil {
		kind, userID = actor.Kind, actor.UserID
		label = actor.Name
		if actor.Kind == samspil.ActorSystem {
			label = actor.Label
		}
	}
	if kind == "" {
		kind = samspil.ActorAnonymous
	}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO audit_events
		(id, time, actor_kind, actor_user_id, actor_label, organization_id, action, object_type, object_id, before_json, after_json, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		newID(), tx.now, string(kind), nullString(userID), label, nullString(e.OrgID), e.Action, e.ObjectType,
		nullString(e.ObjectID), before, after, nullString(samspil.RequestID(tx.ctx)))
	if err != nil {
		return fmt.Errorf("write audit event: %w", err)
	}
	tx.audited++
	if auditHook != nil {
		auditHook(e.Action)
	}
	return nil
}

func marshalAudit(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode audit payload: %w", err)
	}
	return string(b), nil
}

// errNoRows maps sql.ErrNoRows to a not-found error for objectType.
func errNoRows(err error, objectType string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return samspil.NotFound(objectType)
	}
	return err
}

// execVersioned runs an UPDATE or DELETE of the object id in table whose
// WHERE clause also matches the expected version. When no row matched,
// another transaction changed (ESTALE) or deleted (ENOTFOUND) the object
// after this one read it. Reading and comparing the version first is not
// enough on PostgreSQL, where two transactions may both read the old version
// before either writes.
func (tx *Tx) execVersioned(table, objectType, id string, expected int, query string, args ...any) error {
	res, err := tx.ExecContext(tx.ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil || n > 0 {
		return err
	}
	var stored int
	if err := tx.QueryRowContext(tx.ctx, `SELECT version FROM `+table+` WHERE id = $1`, id).Scan(&stored); err != nil {
		return errNoRows(err, objectType)
	}
	if err := checkVersion(stored, expected); err != nil {
		return err
	}
	return fmt.Errorf("%s %s: version %d matches, but no row was written", objectType, id, stored)
}

// lockOrg holds the row lock of an organisation until the transaction ends,
// so that checks spanning several rows of it (the unit tree has no cycle,
// an administrator remains) see every change committed before them. It is a
// portable no-op UPDATE; SQLite holds its write lock for the whole
// transaction anyway.
func (tx *Tx) lockOrg(orgID string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE organizations SET version = version WHERE id = $1`, orgID)
	return err
}

// checkVersion compares the stored and the expected version of an object.
func checkVersion(stored, expected int) error {
	if stored != expected {
		return samspil.Errorf(samspil.ESTALE, "someone else changed it in the meantime (version %d, you have %d); reload and try again", stored, expected)
	}
	return nil
}
