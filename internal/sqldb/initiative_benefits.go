package sqldb

import (
	"cmp"
	"context"
	"slices"

	"github.com/samspil/samspil"
)

// The benefits of an initiative (gevinster): each belongs to one
// participant, which plans it and records what it realises through its own
// representatives. Those who see the initiative see its benefits.

const benefitColumns = `b.id, b.initiative_id, b.organization_id, o.name, b.kind, b.title, b.measure, b.planned, b.owner_name, b.plan,
	b.version, b.created_at, b.updated_at`

const benefitFrom = ` FROM initiative_benefits b JOIN organizations o ON o.id = b.organization_id`

func scanBenefit(r rowScanner) (samspil.Benefit, error) {
	var b samspil.Benefit
	var created, updated dbTime
	err := r.Scan(&b.ID, &b.InitiativeID, &b.OrganizationID, &b.OrganizationName, &b.Kind, &b.Title, &b.Measure, &b.Planned, &b.OwnerName,
		&b.Plan, &b.Version, &created, &updated)
	b.CreatedAt, b.UpdatedAt, b.Realisations = created.T, updated.T, []samspil.Realisation{}
	return b, err
}

// benefits returns the benefits selected by where (" WHERE ..." on b,
// with args),
// ordered by organisation name and title, each with its realisations
// oldest first and its newest realised value.
func (db *DB) benefits(ctx context.Context, qr querier, where string, args []any) ([]samspil.Benefit, error) {
	rows, err := qr.QueryContext(ctx, `SELECT `+benefitColumns+benefitFrom+where, args...)
	if err != nil {
		return nil, err
	}
	bs, err := collect(rows, scanBenefit)
	if err != nil || len(bs) == 0 {
		return nonNil(bs), err
	}
	slices.SortFunc(bs, func(a, b samspil.Benefit) int {
		return cmp.Or(cmp.Compare(samspil.Fold(a.OrganizationName), samspil.Fold(b.OrganizationName)), cmp.Compare(a.OrganizationID, b.OrganizationID),
			cmp.Compare(samspil.Fold(a.Title), samspil.Fold(b.Title)), cmp.Compare(a.ID, b.ID))
	})
	idx := make(map[string]*samspil.Benefit, len(bs))
	for i := range bs {
		idx[bs[i].ID] = &bs[i]
	}
	err = eachRow(ctx, qr, `SELECT r.benefit_id, r.id, `+dateColumn(db.engine, "r.on_date")+`, r.value, r.note, r.by_name, r.recorded_at
		FROM benefit_realisations r WHERE r.benefit_id IN (SELECT b.id FROM initiative_benefits b`+where+`)
		ORDER BY r.on_date, r.recorded_at, r.id`, args, func(r rowScanner) error {
		var id string
		var x samspil.Realisation
		var at dbTime
		if err := r.Scan(&id, &x.ID, &x.On, &x.Value, &x.Note, &x.ByName, &at); err != nil {
			return err
		}
		x.RecordedAt = at.T
		if b := idx[id]; b != nil {
			b.Realisations = append(b.Realisations, x)
			b.Realised = x.Value // the newest so far: by day, then by when it was recorded
		}
		return nil
	})
	return bs, err
}

// findBenefit returns a benefit of an initiative the actor sees.
func (db *DB) findBenefit(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Benefit, error) {
	var q query
	q.cond("b.id = " + q.arg(id))
	q.cond("b.initiative_id IN (SELECT i.id FROM initiatives i WHERE " + visibleInitiativeCond(&q, actor) + ")")
	bs, err := db.benefits(ctx, qr, q.whereSQL(), q.args)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, samspil.NotFound("benefit")
	}
	return &bs[0], nil
}

// ListBenefits lists the benefits of a visible initiative by organisation
// and title.
func (db *DB) ListBenefits(ctx context.Context, actor *samspil.Actor, id string) ([]samspil.Benefit, error) {
	visible, err := db.findInitiativeRow(ctx, db.read, actor, id)
	if err != nil {
		return nil, err
	}
	return db.benefits(ctx, db.read, " WHERE b.initiative_id = $1", []any{visible})
}

// PlanBenefit records a participant's planned benefit, by its own
// representatives: the organisation must own the initiative or take part in
// it (pledged, voluntary or binding).
func (db *DB) PlanBenefit(ctx context.Context, actor *samspil.Actor, id string, in samspil.BenefitInput) (*samspil.Benefit, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var benefitID string
	err := db.update(ctx, actor, func(tx *Tx) error {
		x, _, err := db.lockedInitiative(tx, id)
		if err != nil {
			return err
		}
		org, err := db.representedOrg(tx, in.OrganizationID, "organization_id", samspil.PermCollabRepresent)
		if err != nil {
			return err
		}
		if !x.TakesPart(org.ID) {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "%s neither owns nor takes part in the initiative", org.Name)
		}
		b := samspil.Benefit{ID: newID(), InitiativeID: x.ID, OrganizationID: org.ID, OrganizationName: org.Name, Kind: in.Kind, Title: in.Title,
			Measure: in.Measure, Planned: in.Planned, OwnerName: in.OwnerName, Plan: in.Plan, Realisations: []samspil.Realisation{}, Version: 1,
			CreatedAt: tx.now, UpdatedAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiative_benefits (id, initiative_id, organization_id, kind, title, measure, planned,
			owner_name, plan, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)`, b.ID, x.ID, org.ID,
			string(b.Kind), b.Title, b.Measure, int64(b.Planned), b.OwnerName, b.Plan, tx.now); err != nil {
			return err
		}
		if err := tx.touchInitiative(x.ID); err != nil {
			return err
		}
		benefitID = b.ID
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "initiative.benefit.plan", ObjectType: "benefit", ObjectID: b.ID, After: b})
	})
	if err != nil {
		return nil, err
	}
	return db.findBenefit(ctx, db.read, actor, benefitID)
}

// RecordRealisation records a realised value of a benefit, by the
// representatives of the organisation whose benefit it is.
func (db *DB) RecordRealisation(ctx context.Context, actor *samspil.Actor, benefitID string, in samspil.RealisationInput) (*samspil.Benefit, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		if err := in.Validate(samspil.Today(tx.now)); err != nil {
			return err
		}
		if _, err := db.findBenefit(ctx, tx, actor, benefitID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE initiative_benefits SET version = version WHERE id = $1`, benefitID); err != nil {
			return err
		}
		before, err := db.findBenefit(ctx, tx, samspil.SystemActor("store"), benefitID)
		if err != nil {
			return err
		}
		if err := actor.Require(samspil.PermCollabRepresent, before.OrganizationID, before.OrganizationName); err != nil {
			return err
		}
		r := samspil.Realisation{ID: newID(), On: in.On, Value: in.Value, Note: in.Note, ByName: actorLabel(actor), RecordedAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO benefit_realisations (id, benefit_id, on_date, value, note, by_name, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.ID, benefitID, r.On, int64(r.Value), r.Note, r.ByName, tx.now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE initiative_benefits SET version = version + 1, updated_at = $2 WHERE id = $1`, benefitID, tx.now); err != nil {
			return err
		}
		if err := tx.touchInitiative(before.InitiativeID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: before.OrganizationID, Action: "initiative.benefit.realise", ObjectType: "benefit", ObjectID: benefitID,
			After: r})
	})
	if err != nil {
		return nil, err
	}
	return db.findBenefit(ctx, db.read, actor, benefitID)
}
