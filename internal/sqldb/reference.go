package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/samspil/samspil"
)

var (
	_ samspil.ReferenceService = (*DB)(nil)
	_ samspil.TaskService      = (*DB)(nil)
)

// lockReference takes the row lock of a reference data set for the rest of
// the transaction, so that instances starting together load it once, and
// reports whether the set with this hash is loaded already.
func (tx *Tx) lockReference(name, hash string) (loaded bool, err error) {
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO reference_data (name, hash, loaded_at) VALUES ($1, '', $2)
		ON CONFLICT (name) DO NOTHING`, name, tx.now); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE reference_data SET loaded_at = loaded_at WHERE name = $1`, name); err != nil {
		return false, err
	}
	var current string
	if err := tx.QueryRowContext(tx.ctx, `SELECT hash FROM reference_data WHERE name = $1`, name).Scan(&current); err != nil {
		return false, err
	}
	return current == hash, nil
}

func (tx *Tx) markReference(name, hash string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE reference_data SET hash = $1, loaded_at = $2 WHERE name = $3`, hash, tx.now, name)
	return err
}

// SyncReferenceOrganizations registers or updates the public organisations
// that ship with samspil in one transaction with one audit event.
func (db *DB) SyncReferenceOrganizations(ctx context.Context, actor *samspil.Actor, hash string, orgs []samspil.OrganizationInput) (bool, error) {
	if !actor.Can(samspil.PermPlatformManage, "") {
		return false, samspil.Errorf(samspil.EFORBIDDEN, "only platform operators may load reference data")
	}
	for i := range orgs {
		orgs[i].Normalize()
		o := orgs[i].Organization()
		if err := o.Validate(); err != nil {
			return false, err
		}
	}
	changed := false
	err := db.update(ctx, actor, func(tx *Tx) error {
		loaded, err := tx.lockReference("organizations", hash)
		if err != nil {
			return err
		}
		if loaded {
			return errUnchanged
		}
		added, updated := 0, 0
		for _, in := range orgs {
			var id string
			if in.MunicipalityCode != "" {
				err = tx.QueryRowContext(ctx, `SELECT id FROM organizations WHERE country = $1 AND municipality_code = $2`, in.Country, in.MunicipalityCode).Scan(&id)
			} else {
				err = tx.QueryRowContext(ctx, `SELECT id FROM organizations WHERE kind = $1 AND country = $2 AND region = $3`, string(in.Kind), in.Country, in.Region).Scan(&id)
			}
			switch {
			case errors.Is(err, sql.ErrNoRows):
				id = newID()
				added++
				_, err = tx.ExecContext(ctx, `INSERT INTO organizations
					(id, kind, name, name_fold, municipality_code, cvr, country, region, visibility, version, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)`,
					id, string(in.Kind), in.Name, samspil.Fold(in.Name), nullString(in.MunicipalityCode), nullString(in.CVR),
					in.Country, nullString(in.Region), string(in.Visibility), tx.now)
				if err == nil {
					// The lists are in the load's one audit event.
					_, err = tx.seedOrgLists(id)
				}
			case err == nil:
				updated++
				_, err = tx.ExecContext(ctx, `UPDATE organizations SET name = $1, name_fold = $2, region = $3, version = version + 1, updated_at = $4
					WHERE id = $5 AND (name <> $1 OR region IS DISTINCT FROM $3)`, in.Name, samspil.Fold(in.Name), nullString(in.Region), tx.now, id)
			}
			if err != nil {
				return err
			}
			for _, p := range in.Population {
				if _, err := tx.ExecContext(ctx, `INSERT INTO organization_populations (organization_id, year, inhabitants) VALUES ($1, $2, $3)
					ON CONFLICT (organization_id, year) DO UPDATE SET inhabitants = excluded.inhabitants`, id, p.Year, p.Inhabitants); err != nil {
					return err
				}
			}
		}
		changed = true
		if err := tx.markReference("organizations", hash); err != nil {
			return err
		}
		return tx.Audit(auditEntry{Action: "reference_data.load", ObjectType: "reference_data", ObjectID: "organizations",
			After: map[string]any{"organizations": len(orgs), "added": added, "checked": updated,
				"lists": "KITOS's default role types and data classification levels for each organisation added"}})
	})
	return changed, err
}

// LoadTasks makes a KLE edition current, or in a dry run reports what
// loading it would change.
func (db *DB) LoadTasks(ctx context.Context, actor *samspil.Actor, e samspil.TaskEdition) (*samspil.TaskLoadSummary, error) {
	if !actor.Can(samspil.PermPlatformManage, "") {
		return nil, samspil.Errorf(samspil.EFORBIDDEN, "only platform operators may load the KLE taxonomy")
	}
	if e.DryRun {
		return db.previewTasks(ctx, e)
	}
	var sum *samspil.TaskLoadSummary
	err := db.update(ctx, actor, func(tx *Tx) error {
		// Each edition is loaded once: the embedded one at the first start
		// of a binary that carries it, a file when an operator loads it.
		loaded, err := tx.lockReference("kle:"+e.Hash, e.Hash)
		if err != nil {
			return err
		}
		if loaded {
			sum = &samspil.TaskLoadSummary{Source: e.Source, Skipped: true}
			return errUnchanged
		}
		p, err := planTasks(ctx, tx, e)
		if err != nil {
			return err
		}
		sum = &p.sum
		if sum.ExpiresTooMany() && !e.AllowExpire {
			return errExpiresTooMany(sum)
		}
		for _, t := range p.insert {
			if _, err := tx.ExecContext(ctx, `INSERT INTO kle_topics (code, level, title, title_fold, parent_code, expired_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.Code, t.Level, t.Title, samspil.Fold(t.Title), nullString(t.ParentCode), nullTime(t.ExpiredAt), tx.now); err != nil {
				return err
			}
		}
		for _, t := range p.update {
			if _, err := tx.ExecContext(ctx, `UPDATE kle_topics SET level = $1, title = $2, title_fold = $3, parent_code = $4, expired_at = $5, updated_at = $6
				WHERE code = $7`, t.Level, t.Title, samspil.Fold(t.Title), nullString(t.ParentCode), nullTime(t.ExpiredAt), tx.now, t.Code); err != nil {
				return err
			}
		}
		for _, code := range p.expire {
			if _, err := tx.ExecContext(ctx, `UPDATE kle_topics SET expired_at = $1, updated_at = $1 WHERE code = $2`, tx.now, code); err != nil {
				return err
			}
		}
		if err := tx.markReference("kle:"+e.Hash, e.Hash); err != nil {
			return err
		}
		return tx.Audit(auditEntry{Action: "kle.load", ObjectType: "reference_data", ObjectID: "kle", After: sum})
	})
	if err != nil && sum != nil && sum.ExpiresTooMany() && !e.AllowExpire {
		return sum, err // the refusal comes with what the load would have changed
	}
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// errExpiresTooMany refuses a load that would expire too much of the
// taxonomy.
func errExpiresTooMany(sum *samspil.TaskLoadSummary) error {
	return samspil.Errorf(samspil.EINVALID, "the edition would expire %d of %d current topics (%d %%); a partial or older edition must not silently expire the taxonomy",
		sum.Expired, sum.Current, (sum.Expired*100+sum.Current/2)/sum.Current)
}

// previewTasks reports what loading the edition would change, reading in
// one transaction that it rolls back.
func (db *DB) previewTasks(ctx context.Context, e samspil.TaskEdition) (*samspil.TaskLoadSummary, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var hash string
	err = tx.QueryRowContext(ctx, `SELECT hash FROM reference_data WHERE name = $1`, "kle:"+e.Hash).Scan(&hash)
	switch {
	case err == nil && hash == e.Hash:
		return &samspil.TaskLoadSummary{Source: e.Source, Skipped: true, DryRun: true}, nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	p, err := planTasks(ctx, tx, e)
	if err != nil {
		return nil, err
	}
	p.sum.DryRun = true
	return &p.sum, nil
}

// taskPlan is what loading an edition changes: the summary and the rows to
// insert, update and mark expired.
type taskPlan struct {
	sum    samspil.TaskLoadSummary
	insert []samspil.Task
	update []samspil.Task
	expire []string
}

// planTasks compares an edition with the stored taxonomy.
func planTasks(ctx context.Context, q querier, e samspil.TaskEdition) (*taskPlan, error) {
	p := &taskPlan{sum: samspil.TaskLoadSummary{Source: e.Source}}
	sum := &p.sum
	levels := map[int]bool{}
	for _, l := range e.Levels {
		levels[l] = true
	}
	existing := map[string]samspil.Task{}
	folded := map[string]string{}
	rows, err := q.QueryContext(ctx, `SELECT code, level, title, parent_code, expired_at, title_fold FROM kle_topics`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var t samspil.Task
		var parent *string
		var expired dbTime
		var fold string
		if err := rows.Scan(&t.Code, &t.Level, &t.Title, &parent, &expired, &fold); err != nil {
			rows.Close()
			return nil, err
		}
		t.ParentCode, t.ExpiredAt = deref(parent), expired.Ptr()
		existing[t.Code], folded[t.Code] = t, fold
		if t.ExpiredAt == nil && levels[t.Level] {
			sum.Current++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, t := range e.Tasks {
		seen[t.Code] = true
		old, ok := existing[t.Code]
		switch {
		case !ok:
			// Historic items of an edition arrive expired.
			if t.ExpiredAt == nil {
				sum.AddedTasks = append(sum.AddedTasks, samspil.TaskEditionChange{Code: t.Code, Title: t.Title})
			}
			p.insert = append(p.insert, t)
		case old.Title != t.Title || old.ParentCode != t.ParentCode || (old.ExpiredAt == nil) != (t.ExpiredAt == nil) || folded[t.Code] != samspil.Fold(t.Title):
			if old.Title != t.Title {
				sum.RenamedTasks = append(sum.RenamedTasks, samspil.TaskEditionChange{Code: t.Code, Title: t.Title, OldTitle: old.Title})
			}
			switch {
			case old.ExpiredAt == nil && t.ExpiredAt != nil:
				sum.ExpiredTasks = append(sum.ExpiredTasks, samspil.TaskEditionChange{Code: t.Code, Title: t.Title})
			case old.ExpiredAt != nil && t.ExpiredAt == nil:
				sum.AddedTasks = append(sum.AddedTasks, samspil.TaskEditionChange{Code: t.Code, Title: t.Title}) // back in use
			}
			p.update = append(p.update, t)
		}
	}
	for code, old := range existing {
		if !seen[code] && old.ExpiredAt == nil && levels[old.Level] {
			sum.ExpiredTasks = append(sum.ExpiredTasks, samspil.TaskEditionChange{Code: code, Title: old.Title})
			p.expire = append(p.expire, code)
		}
	}
	byCode := func(a, b samspil.TaskEditionChange) int { return strings.Compare(a.Code, b.Code) }
	slices.SortFunc(sum.AddedTasks, byCode)
	slices.SortFunc(sum.RenamedTasks, byCode)
	slices.SortFunc(sum.ExpiredTasks, byCode)
	slices.Sort(p.expire)
	sum.Added, sum.Renamed, sum.Expired = len(sum.AddedTasks), len(sum.RenamedTasks), len(sum.ExpiredTasks)
	return p, nil
}

// CountTasks returns the number of current KLE nodes by level.
func (db *DB) CountTasks(ctx context.Context) (map[int]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT level, COUNT(*) FROM kle_topics WHERE expired_at IS NULL GROUP BY level`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var level, n int
		if err := rows.Scan(&level, &n); err != nil {
			return nil, err
		}
		out[level] = n
	}
	return out, rows.Err()
}

func scanTask(r rowScanner) (samspil.Task, error) {
	var t samspil.Task
	var parent *string
	var expired dbTime
	err := r.Scan(&t.Code, &t.Level, &t.Title, &parent, &expired)
	t.ParentCode, t.ExpiredAt = deref(parent), expired.Ptr()
	return t, err
}

// ListTasks lists KLE nodes in code order.
func (db *DB) ListTasks(ctx context.Context, f samspil.TaskFilter) (*samspil.Page[samspil.Task], error) {
	var q query
	if !f.IncludeExpired {
		q.cond("expired_at IS NULL")
	}
	if f.Level != 0 {
		q.cond("level = " + q.arg(f.Level))
	}
	if f.ParentCode != "" {
		q.cond("parent_code = " + q.arg(f.ParentCode))
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		if samspil.ValidTaskCode(strings.TrimSuffix(s, ".")) {
			q.cond("code LIKE " + q.arg(likePrefix(s)) + ` ESCAPE '\'`)
		} else {
			q.cond("title_fold LIKE " + q.arg(likeContains(samspil.Fold(s))) + ` ESCAPE '\'`)
		}
	}
	keys, err := decodeCursor(f.Cursor, 1)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("code > " + q.arg(keys[0]))
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT code, level, title, parent_code, expired_at FROM kle_topics"+q.whereSQL()+
		" ORDER BY code LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	tasks, err := collect(rows, scanTask)
	if err != nil {
		return nil, err
	}
	return pageOf(tasks, limit, func(t samspil.Task) []string { return []string{t.Code} }), nil
}

// FindTask returns one KLE node, expired or not.
func (db *DB) FindTask(ctx context.Context, code string) (*samspil.Task, error) {
	t, err := scanTask(db.read.QueryRowContext(ctx, "SELECT code, level, title, parent_code, expired_at FROM kle_topics WHERE code = $1", code))
	if err != nil {
		return nil, errNoRows(err, "task")
	}
	return &t, nil
}
