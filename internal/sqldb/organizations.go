package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"github.com/samspil/samspil"
)

var _ samspil.OrganizationService = (*DB)(nil)

const orgColumns = `o.id, o.kind, o.name, o.municipality_code, o.cvr, o.country, o.region, o.visibility, o.version, o.created_at, o.updated_at`

type rowScanner interface{ Scan(dest ...any) error }

func scanOrg(r rowScanner) (samspil.Organization, error) {
	var o samspil.Organization
	var code, cvr, region *string
	var created, updated dbTime
	err := r.Scan(&o.ID, &o.Kind, &o.Name, &code, &cvr, &o.Country, &region, &o.Visibility, &o.Version, &created, &updated)
	o.MunicipalityCode, o.CVR, o.Region = deref(code), deref(cvr), deref(region)
	o.CreatedAt, o.UpdatedAt = created.T, updated.T
	return o, err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var reDigits4 = regexp.MustCompile(`^[0-9]{4}$`)

// FindOrganization returns an organisation by ID, or by municipality code
// (Danish kommunekode) when id is four digits.
func (db *DB) FindOrganization(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Organization, error) {
	return db.findOrg(ctx, db.read, actor, id)
}

func (db *DB) findOrg(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Organization, error) {
	var q query
	if reDigits4.MatchString(id) {
		q.cond("o.country = 'DK' AND o.municipality_code = " + q.arg(id))
	} else {
		q.cond("o.id = " + q.arg(id))
	}
	q.cond(visibleOrgCond(&q, actor))
	o, err := scanOrg(qr.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organizations o"+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "organization")
	}
	orgs := []samspil.Organization{o}
	if err := db.loadPopulations(ctx, qr, orgs); err != nil {
		return nil, err
	}
	return &orgs[0], nil
}

// ListOrganizations lists visible organisations by name.
func (db *DB) ListOrganizations(ctx context.Context, actor *samspil.Actor, f samspil.OrganizationFilter) (*samspil.Page[samspil.Organization], error) {
	var q query
	q.cond(visibleOrgCond(&q, actor))
	if f.Kind != "" {
		q.cond("o.kind = " + q.arg(string(f.Kind)))
	}
	if f.Region != "" {
		q.cond("o.region = " + q.arg(f.Region))
	}
	if s := samspil.Fold(f.Query); s != "" {
		p := q.arg(likeContains(s))
		q.cond("o.name_fold LIKE " + p + ` ESCAPE '\' OR o.municipality_code = ` + q.arg(s) + " OR o.cvr = " + q.arg(s))
	}
	if f.ChangedSince != nil {
		q.cond("o.updated_at >= " + q.arg(f.ChangedSince.UTC()))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		q.cond("(o.name_fold, o.id) > (" + q.arg(keys[0]) + ", " + q.arg(keys[1]) + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+orgColumns+" FROM organizations o"+q.whereSQL()+
		" ORDER BY o.name_fold, o.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	orgs, err := collect(rows, scanOrg)
	if err != nil {
		return nil, err
	}
	page := pageOf(orgs, limit, func(o samspil.Organization) []string { return []string{samspil.Fold(o.Name), o.ID} })
	if err := db.loadPopulations(ctx, db.read, page.Items); err != nil {
		return nil, err
	}
	return page, nil
}

func (db *DB) loadPopulations(ctx context.Context, qr querier, orgs []samspil.Organization) error {
	if len(orgs) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		idx[o.ID] = i
		ids[i] = o.ID
		orgs[i].Population = []samspil.Population{}
	}
	var q query
	rows, err := qr.QueryContext(ctx, "SELECT organization_id, year, inhabitants FROM organization_populations WHERE organization_id IN "+
		q.in(ids)+" ORDER BY organization_id, year DESC", q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p samspil.Population
		if err := rows.Scan(&id, &p.Year, &p.Inhabitants); err != nil {
			return err
		}
		i := idx[id]
		orgs[i].Population = append(orgs[i].Population, p)
	}
	return rows.Err()
}

// CreateOrganization registers an organisation (platform operators only).
func (db *DB) CreateOrganization(ctx context.Context, actor *samspil.Actor, in samspil.OrganizationInput) (*samspil.Organization, error) {
	if err := actor.Require(samspil.PermOrgCreate, "", ""); err != nil {
		return nil, err
	}
	in.Normalize()
	o := in.Organization()
	samspil.SortPopulation(o.Population)
	if err := o.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, actor, func(tx *Tx) error {
		if err := tx.checkOrgUnique(&o); err != nil {
			return err
		}
		o.ID, o.Version, o.CreatedAt, o.UpdatedAt = newID(), 1, tx.now, tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO organizations
			(id, kind, name, name_fold, municipality_code, cvr, country, region, visibility, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)`,
			o.ID, string(o.Kind), o.Name, samspil.Fold(o.Name), nullString(o.MunicipalityCode), nullString(o.CVR),
			o.Country, nullString(o.Region), string(o.Visibility), tx.now)
		if err != nil {
			return err
		}
		if err := tx.writePopulations(o.ID, o.Population); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: o.ID, Action: "organization.create", ObjectType: "organization", ObjectID: o.ID, After: o})
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// checkOrgUnique names the field when another organisation already has the
// municipality code or CVR number.
func (tx *Tx) checkOrgUnique(o *samspil.Organization) error {
	var v samspil.Validation
	var n int
	if o.MunicipalityCode != "" {
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM organizations WHERE country = $1 AND municipality_code = $2 AND id <> $3`,
			o.Country, o.MunicipalityCode, o.ID).Scan(&n); err != nil {
			return err
		}
		v.Check(n == 0, "municipality_code", "another organisation has municipality code %s", o.MunicipalityCode)
	}
	if o.CVR != "" {
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM organizations WHERE cvr = $1 AND id <> $2`, o.CVR, o.ID).Scan(&n); err != nil {
			return err
		}
		v.Check(n == 0, "cvr", "another organisation has CVR number %s", o.CVR)
	}
	if err := v.Err(); err != nil {
		err.(*samspil.Error).Code = samspil.ECONFLICT
		return err
	}
	return nil
}

func (tx *Tx) writePopulations(orgID string, ps []samspil.Population) error {
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM organization_populations WHERE organization_id = $1`, orgID); err != nil {
		return err
	}
	for _, p := range ps {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO organization_populations (organization_id, year, inhabitants) VALUES ($1, $2, $3)`,
			orgID, p.Year, p.Inhabitants); err != nil {
			return err
		}
	}
	return nil
}

// UpdateOrganization changes an organisation's details. Administrators of the
// organisation may change them; only platform operators may change its
// municipality code.
func (db *DB) UpdateOrganization(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.OrganizationPatch) (*samspil.Organization, error) {
	var after samspil.Organization
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.findOrg(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := actor.Require(samspil.PermOrgUpdate, before.ID, before.Name); err != nil {
			return err
		}
		if p.MunicipalityCode != nil && *p.MunicipalityCode != before.MunicipalityCode && !actor.IsOperator() {
			return samspil.Errorf(samspil.EFORBIDDEN, "only platform operators may change a municipality code")
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after = p.Apply(*before)
		after.Name = strings.TrimSpace(after.Name)
		samspil.SortPopulation(after.Population)
		if err := after.Validate(); err != nil {
			return err
		}
		if err := tx.checkOrgUnique(&after); err != nil {
			return err
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		err = tx.execVersioned("organizations", "organization", after.ID, before.Version, `UPDATE organizations SET name = $1, name_fold = $2, municipality_code = $3, cvr = $4,
			region = $5, visibility = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10`,
			after.Name, samspil.Fold(after.Name), nullString(after.MunicipalityCode), nullString(after.CVR),
			nullString(after.Region), string(after.Visibility), after.Version, tx.now, after.ID, before.Version)
		if err != nil {
			return err
		}
		if p.Population != nil {
			if err := tx.writePopulations(after.ID, after.Population); err != nil {
				return err
			}
		}
		return tx.Audit(auditEntry{OrgID: after.ID, Action: "organization.update", ObjectType: "organization", ObjectID: after.ID, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// resolveOrgID turns a municipality code into its organisation's ID; other
// values are returned unchanged. Filters resolve the code first, so that
// they compare one indexed column instead of joining organizations.
func resolveOrgID(ctx context.Context, qr querier, id string) (string, error) {
	if !reDigits4.MatchString(id) {
		return id, nil
	}
	var out string
	err := qr.QueryRowContext(ctx, `SELECT id FROM organizations WHERE country = 'DK' AND municipality_code = $1`, id).Scan(&out)
	if errors.Is(err, sql.ErrNoRows) {
		return id, nil
	}
	return out, err
}
