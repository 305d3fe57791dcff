package sqldb

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/samspil/samspil"
)

var _ samspil.UploadService = (*DB)(nil)

const importColumns = `id, organization_id, file_name, size, status, report_json, created_at, updated_at`

func scanImport(r rowScanner) (samspil.Import, error) {
	var im samspil.Import
	var report *string
	var created, updated dbTime
	err := r.Scan(&im.ID, &im.OrganizationID, &im.FileName, &im.Size, &im.Status, &report, &created, &updated)
	im.CreatedAt, im.UpdatedAt = created.T, updated.T
	if err == nil && report != nil {
		im.Report = &samspil.ImportReport{}
		err = json.Unmarshal([]byte(*report), im.Report)
	}
	return im, err
}

// visibleImportCond: imports belong to the people who may change the
// organisation's landscape.
func visibleImportCond(q *query, actor *samspil.Actor) string {
	if actor.IsOperator() {
		return "1 = 1"
	}
	return "organization_id IN " + q.in(actor.OrgsWhere(samspil.PermLandscapeWrite))
}

// CreateImport keeps an uploaded file with its preview.
func (db *DB) CreateImport(ctx context.Context, actor *samspil.Actor, orgID, fileName string, content []byte, report *samspil.ImportReport) (*samspil.Import, error) {
	reportJSON, err := json.Marshal(report)
	if err != nil {
		return nil, err
	}
	var im samspil.Import
	err = db.update(ctx, actor, func(tx *Tx) error {
		tx.Unaudited(uploadBookkeeping)
		org, err := db.ownerFor(tx, orgID, "organization_id", samspil.PermLandscapeWrite)
		if err != nil {
			return err
		}
		// Uploads older than a day are of no further use.
		if _, err := tx.ExecContext(ctx, `DELETE FROM imports WHERE updated_at < $1`, tx.now.AddDate(0, 0, -1)); err != nil {
			return err
		}
		im = samspil.Import{ID: newID(), OrganizationID: org.ID, FileName: fileName, Size: int64(len(content)), Status: samspil.ImportPreviewed,
			Report: report, CreatedAt: tx.now, UpdatedAt: tx.now}
		_, err = tx.ExecContext(ctx, `INSERT INTO imports (id, organization_id, user_id, file_name, size, content, status, report_json, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, im.ID, org.ID, nullString(actor.UserID), fileName, im.Size, content,
			string(im.Status), string(reportJSON), tx.now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &im, nil
}

// FindImport returns an import of an organisation the actor may change.
func (db *DB) FindImport(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Import, error) {
	var q query
	q.cond("id = " + q.arg(id))
	q.cond(visibleImportCond(&q, actor))
	im, err := scanImport(db.read.QueryRowContext(ctx, "SELECT "+importColumns+" FROM imports"+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "import")
	}
	return &im, nil
}

// ImportContent returns the uploaded bytes of an import not yet committed.
func (db *DB) ImportContent(ctx context.Context, actor *samspil.Actor, id string) ([]byte, error) {
	var q query
	q.cond("id = " + q.arg(id))
	q.cond(visibleImportCond(&q, actor))
	var content []byte
	if err := db.read.QueryRowContext(ctx, "SELECT content FROM imports"+q.whereSQL(), q.args...).Scan(&content); err != nil {
		return nil, errNoRows(err, "import")
	}
	if content == nil {
		return nil, samspil.Errorf(samspil.ECONFLICT, "the import is finished; upload the file again")
	}
	return content, nil
}

// SetImportStatus records how an import went. It is bookkeeping: the
// import's own audit event is written with its commit. Only one commit of an
// import can start: committing follows previewed, and committed or failed
// follow committing; any other change is a conflict and changes nothing.
func (db *DB) SetImportStatus(ctx context.Context, actor *samspil.Actor, id string, status samspil.ImportStatus, report *samspil.ImportReport) error {
	if _, err := db.FindImport(ctx, actor, id); err != nil {
		return err
	}
	reportJSON, err := json.Marshal(report)
	if err != nil {
		return err
	}
	from := samspil.ImportCommitting
	switch status {
	case samspil.ImportCommitting:
		from = samspil.ImportPreviewed
	case samspil.ImportCommitted, samspil.ImportFailed:
	default:
		return fmt.Errorf("sqldb: no import can be set to status %q", status)
	}
	stmt := `UPDATE imports SET status = $1, report_json = $2, updated_at = $3 WHERE id = $4 AND status = $5`
	if status != samspil.ImportCommitting && (status != samspil.ImportCommitted || report == nil || report.Skipped == 0) {
		// A finished import drops its file, but for one whose commit left
		// rows with errors out: those can still be downloaded.
		stmt = `UPDATE imports SET status = $1, report_json = $2, updated_at = $3, content = NULL WHERE id = $4 AND status = $5`
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		tx.Unaudited(uploadBookkeeping)
		res, err := tx.ExecContext(ctx, stmt, string(status), string(reportJSON), tx.now, id, string(from))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return samspil.Errorf(samspil.ECONFLICT, "the import cannot be committed; upload the file again")
		}
		return nil
	})
}

// importCommitLock is the first key of the advisory locks that mark the
// imports being committed; the second is a hash of the import's ID.
const importCommitLock = 0x696d7074 // "impt"

// HoldImportCommit marks the commit of an import as under way until
// release is called. On PostgreSQL it is a session advisory lock on a
// connection of its own, which ends with the process that holds it (a
// crashed process's commit reads as interrupted at once). SQLite is served
// by one process, which knows its own commits: there it holds nothing.
func (db *DB) HoldImportCommit(ctx context.Context, id string) (func(), error) {
	if db.engine != Postgres {
		return func() {}, nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, hashtext($2))`, importCommitLock, id); err != nil {
		conn.Close()
		return nil, fmt.Errorf("mark the import's commit as under way: %w", err)
	}
	return func() {
		// The lock ends with the session; a connection that cannot unlock
		// is discarded rather than returned to the pool holding it.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, importCommitLock, id); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// ImportCommitHeld reports whether a process holds the commit of an import
// (HoldImportCommit); on SQLite, never.
func (db *DB) ImportCommitHeld(ctx context.Context, id string) (bool, error) {
	if db.engine != Postgres {
		return false, nil
	}
	var held bool
	err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid = $1::int4::oid AND objid = hashtext($2)::oid AND objsubid = 2)`, importCommitLock, id).Scan(&held)
	return held, err
}
