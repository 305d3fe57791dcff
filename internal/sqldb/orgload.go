package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"

	"github.com/samspil/samspil"
)

// OrganizationLoad counts what LoadOrganizations did.
type OrganizationLoad struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// LoadOrganizations registers a list of organisations keyed by country and
// national code (samspil orgs load): one that is new is created, one that
// exists has its name, region and the population figures given updated
// (figures of other years stay). All are written in one transaction with
// an audit event each (organization.create or organization.update), or
// none is when one is invalid. Only platform operators may load
// organisations.
func (db *DB) LoadOrganizations(ctx context.Context, actor *samspil.Actor, ins []samspil.OrganizationInput) (OrganizationLoad, error) {
	var sum OrganizationLoad
	if err := actor.Require(samspil.PermOrgCreate, "", ""); err != nil {
		return sum, err
	}
	orgs := make([]samspil.Organization, len(ins))
	var v samspil.Validation
	first := map[[2]string]bool{}
	for i := range ins {
		in := ins[i]
		in.Normalize()
		o := in.Organization()
		samspil.SortPopulation(o.Population)
		path := "organizations[" + strconv.Itoa(i) + "]."
		if err := o.Validate(); err != nil {
			return sum, samspil.RenameFields(err, func(p string) string { return path + p })
		}
		key := [2]string{o.Country, o.MunicipalityCode}
		v.Check(o.MunicipalityCode != "", path+"municipality_code", "is required")
		v.Check(o.MunicipalityCode == "" || !first[key], path+"municipality_code", "appears twice")
		first[key] = true
		orgs[i] = o
	}
	if err := v.Err(); err != nil {
		return sum, err
	}
	err := db.update(ctx, actor, func(tx *Tx) error {
		sum = OrganizationLoad{}
		for i := range orgs {
			o := &orgs[i]
			var id string
			err := tx.QueryRowContext(ctx, `SELECT id FROM organizations WHERE country = $1 AND municipality_code = $2`, o.Country, o.MunicipalityCode).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if err := tx.createLoadedOrg(o); err != nil {
					return err
				}
				sum.Created++
				continue
			case err != nil:
				return err
			}
			changed, err := db.updateLoadedOrg(tx, id, o)
			if err != nil {
				return err
			}
			if changed {
				sum.Updated++
			} else {
				sum.Unchanged++
			}
		}
		if sum.Created+sum.Updated == 0 {
			return errUnchanged
		}
		return nil
	})
	if err != nil {
		return OrganizationLoad{}, err
	}
	return sum, nil
}

func (tx *Tx) createLoadedOrg(o *samspil.Organization) error {
	if err := tx.checkOrgUnique(o); err != nil {
		return err
	}
	o.ID, o.Version, o.CreatedAt, o.UpdatedAt = newID(), 1, tx.now, tx.now
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO organizations
		(id, kind, name, name_fold, municipality_code, cvr, country, region, visibility, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)`,
		o.ID, string(o.Kind), o.Name, samspil.Fold(o.Name), nullString(o.MunicipalityCode), nullString(o.CVR),
		o.Country, nullString(o.Region), string(o.Visibility), tx.now); err != nil {
		return err
	}
	if err := tx.writePopulations(o.ID, o.Population); err != nil {
		return err
	}
	if err := tx.Audit(auditEntry{OrgID: o.ID, Action: "organization.create", ObjectType: "organization", ObjectID: o.ID, After: o}); err != nil {
		return err
	}
	return tx.seedOrgListsAudited(o.ID)
}

// updateLoadedOrg gives the organisation id the name, region and
// population figures of o, and reports whether that changed it.
func (db *DB) updateLoadedOrg(tx *Tx, id string, o *samspil.Organization) (bool, error) {
	before, err := db.findOrg(tx.ctx, tx, samspil.SystemActor("store"), id)
	if err != nil {
		return false, err
	}
	after := *before
	after.Name, after.Region = o.Name, o.Region
	after.Population = slices.Clone(before.Population)
	for _, p := range o.Population {
		i := slices.IndexFunc(after.Population, func(q samspil.Population) bool { return q.Year == p.Year })
		if i < 0 {
			after.Population = append(after.Population, p)
		} else {
			after.Population[i] = p
		}
	}
	samspil.SortPopulation(after.Population)
	if after.Name == before.Name && after.Region == before.Region && slices.Equal(after.Population, before.Population) {
		return false, nil
	}
	if err := after.Validate(); err != nil {
		return false, err
	}
	after.Version, after.UpdatedAt = before.Version+1, tx.now
	if err := tx.execVersioned("organizations", "organization", id, before.Version, `UPDATE organizations SET name = $1, name_fold = $2, region = $3,
		version = $4, updated_at = $5 WHERE id = $6 AND version = $7`,
		after.Name, samspil.Fold(after.Name), nullString(after.Region), after.Version, tx.now, id, before.Version); err != nil {
		return false, err
	}
	if !slices.Equal(after.Population, before.Population) {
		if err := tx.writePopulations(id, after.Population); err != nil {
			return false, err
		}
	}
	return true, tx.Audit(auditEntry{OrgID: id, Action: "organization.update", ObjectType: "organization", ObjectID: id, Before: before, After: after})
}
