package sqldb

import (
	"context"

	"github.com/samspil/samspil"
)

var _ samspil.RelationService = (*DB)(nil)

// The interfaces of catalogue systems and the relations between an
// organisation's usages (KITOS's ItInterface and SystemRelation). An
// interface is seen with its system and changed by whoever may change the
// system (writableSystem); a relation is seen by whoever sees both its
// usages and changed by whoever may change the usage it starts from
// (writableUsage).

const interfaceSelect = `SELECT i.id, i.system_id, s.name, i.name, i.identifier, i.interface_version, i.description, i.url,
	i.version, i.created_at, i.updated_at FROM system_interfaces i JOIN systems s ON s.id = i.system_id`

func scanInterface(r rowScanner) (samspil.SystemInterface, error) {
	var i samspil.SystemInterface
	var created, updated dbTime
	err := r.Scan(&i.ID, &i.SystemID, &i.SystemName, &i.Name, &i.Identifier, &i.InterfaceVersion, &i.Description, &i.URL,
		&i.Version, &created, &updated)
	i.CreatedAt, i.UpdatedAt = created.T, updated.T
	return i, err
}

// SystemInterfaces lists the interfaces of a visible system by name.
func (db *DB) SystemInterfaces(ctx context.Context, actor *samspil.Actor, systemID string) ([]samspil.SystemInterface, error) {
	if _, err := db.findSystem(ctx, db.read, actor, systemID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, interfaceSelect+` WHERE i.system_id = $1 ORDER BY i.name_fold, i.interface_version, i.id`, systemID)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanInterface)
	if out == nil {
		out = []samspil.SystemInterface{}
	}
	return out, err
}

// UsableInterfaces lists the interfaces of the systems of an organisation's
// visible usages, by system and name, in one query.
func (db *DB) UsableInterfaces(ctx context.Context, actor *samspil.Actor, orgID string) ([]samspil.SystemInterface, error) {
	var q query
	q.cond("u.organization_id = " + q.arg(orgID))
	usageVisibleCond(&q, actor)
	rows, err := db.read.QueryContext(ctx, interfaceSelect+` WHERE i.system_id IN (SELECT u.system_id FROM usages u JOIN systems s ON s.id = u.system_id`+
		q.whereSQL()+`) ORDER BY s.name_fold, i.name_fold, i.interface_version, i.id`, q.args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanInterface)
	if out == nil {
		out = []samspil.SystemInterface{}
	}
	return out, err
}

// FindSystemInterface returns an interface of a visible system.
func (db *DB) FindSystemInterface(ctx context.Context, actor *samspil.Actor, id string) (*samspil.SystemInterface, error) {
	return db.findInterface(ctx, db.read, actor, id)
}

func (db *DB) findInterface(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.SystemInterface, error) {
	var q query
	q.cond("i.id = " + q.arg(id))
	q.cond(visibleCond(&q, actor, "s.owner_id", "s.visibility"))
	i, err := scanInterface(qr.QueryRowContext(ctx, interfaceSelect+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "interface")
	}
	return &i, nil
}

// interfaceConflict is the answer to a second interface of a system with
// the same name and version.
func interfaceConflict(i *samspil.SystemInterface) error {
	return samspil.ErrorAt(samspil.ECONFLICT, "name", "%s has an interface of this name and version already", i.SystemName)
}

// CreateSystemInterface registers an interface the system exposes.
func (db *DB) CreateSystemInterface(ctx context.Context, actor *samspil.Actor, systemID string, in samspil.SystemInterfaceInput) (*samspil.SystemInterface, error) {
	i := in.Interface(systemID)
	var id string
	err := db.update(ctx, actor, func(tx *Tx) error {
		s, err := db.writableSystem(tx, systemID)
		if err != nil {
			return err
		}
		if err := i.Validate(); err != nil {
			return err
		}
		i.ID, i.SystemName = newID(), s.Name
		_, err = tx.ExecContext(ctx, `INSERT INTO system_interfaces (id, system_id, name, name_fold, identifier, interface_version, description, url,
			version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
			i.ID, s.ID, i.Name, samspil.Fold(i.Name), i.Identifier, i.InterfaceVersion, i.Description, i.URL, tx.now)
		if isUniqueViolation(err) {
			return interfaceConflict(&i)
		}
		if err != nil {
			return err
		}
		created, err := db.findInterface(ctx, tx, samspil.SystemActor("store"), i.ID)
		if err != nil {
			return err
		}
		id = created.ID
		return tx.Audit(auditEntry{OrgID: s.OwnerID, Action: "system_interface.create", ObjectType: "system_interface", ObjectID: id, After: created})
	})
	if err != nil {
		return nil, err
	}
	return db.FindSystemInterface(ctx, actor, id)
}

// writableInterface finds a visible interface whose system the actor may
// change.
func (db *DB) writableInterface(tx *Tx, id string) (*samspil.SystemInterface, *samspil.System, error) {
	i, err := db.findInterface(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, nil, err
	}
	s, err := db.writableSystem(tx, i.SystemID)
	if err != nil {
		return nil, nil, err
	}
	return i, s, nil
}

// UpdateSystemInterface changes an interface.
func (db *DB) UpdateSystemInterface(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.SystemInterfacePatch) (*samspil.SystemInterface, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, s, err := db.writableInterface(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after := p.Apply(*before)
		if err := after.Validate(); err != nil {
			return err
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		err = tx.execVersioned("system_interfaces", "interface", id, before.Version, `UPDATE system_interfaces SET name = $1, name_fold = $2,
			identifier = $3, interface_version = $4, description = $5, url = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10`,
			after.Name, samspil.Fold(after.Name), after.Identifier, after.InterfaceVersion, after.Description, after.URL, after.Version, tx.now,
			id, before.Version)
		if isUniqueViolation(err) {
			return interfaceConflict(&after)
		}
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: s.OwnerID, Action: "system_interface.update", ObjectType: "system_interface", ObjectID: id, Before: before, After: after})
	})
	if err != nil {
		return nil, err
	}
	return db.FindSystemInterface(ctx, actor, id)
}

// DeleteSystemInterface removes an interface. The relations through it
// keep relating the usages, without an interface (as KITOS does); each of
// them gets a new version so that those who hold it see the change.
func (db *DB) DeleteSystemInterface(ctx context.Context, actor *samspil.Actor, id string, version int) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		i, s, err := db.writableInterface(tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE usage_relations SET interface_id = NULL, version = version + 1, updated_at = $1
			WHERE interface_id = $2`, tx.now, id)
		if err != nil {
			return err
		}
		released, _ := res.RowsAffected()
		if err := tx.execVersioned("system_interfaces", "interface", id, version, `DELETE FROM system_interfaces WHERE id = $1 AND version = $2`,
			id, version); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: s.OwnerID, Action: "system_interface.delete", ObjectType: "system_interface", ObjectID: id, Before: i,
			After: map[string]any{"relations_without_interface": released}})
	})
}

// relationSelect reads a relation r with its source usage fu and system fs,
// its target tu and ts, its organisation o, interface i and contract c.
const relationSelect = `SELECT r.id, r.organization_id, o.name, r.from_usage_id, fu.system_id, fs.name, r.to_usage_id, tu.system_id, ts.name,
	COALESCE(r.interface_id, ''), COALESCE(i.name, ''), r.frequency, r.description, r.reference,
	COALESCE(r.contract_id, ''), COALESCE(c.name, ''), COALESCE(c.visibility, ''), r.version, r.created_at, r.updated_at
	FROM usage_relations r JOIN organizations o ON o.id = r.organization_id
	JOIN usages fu ON fu.id = r.from_usage_id JOIN systems fs ON fs.id = fu.system_id
	JOIN usages tu ON tu.id = r.to_usage_id JOIN systems ts ON ts.id = tu.system_id
	LEFT JOIN system_interfaces i ON i.id = r.interface_id LEFT JOIN contracts c ON c.id = r.contract_id`

// relationScanner scans a relation for the actor: the contract that
// governs it is named only to those who see the contract.
func relationScanner(actor *samspil.Actor) func(rowScanner) (samspil.UsageRelation, error) {
	return func(rs rowScanner) (samspil.UsageRelation, error) {
		var r samspil.UsageRelation
		var contractVis samspil.Visibility
		var created, updated dbTime
		err := rs.Scan(&r.ID, &r.OrganizationID, &r.OrganizationName, &r.FromUsageID, &r.FromSystemID, &r.FromSystemName,
			&r.ToUsageID, &r.ToSystemID, &r.ToSystemName, &r.InterfaceID, &r.InterfaceName, &r.Frequency, &r.Description, &r.Reference,
			&r.ContractID, &r.ContractName, &contractVis, &r.Version, &created, &updated)
		r.CreatedAt, r.UpdatedAt = created.T, updated.T
		if r.ContractID != "" && !actor.CanSee(r.OrganizationID, contractVis) {
			r.ContractID, r.ContractName = "", ""
		}
		return r, err
	}
}

// relationVisibleCond adds the conditions under which the actor sees a
// relation: both its usages.
func relationVisibleCond(q *query, actor *samspil.Actor) {
	usageVisibleAs(q, actor, "fu", "fs")
	usageVisibleAs(q, actor, "tu", "ts")
}

// relations reads the visible relations under q's conditions.
func (db *DB) relations(ctx context.Context, qr querier, actor *samspil.Actor, q query, order string) ([]samspil.UsageRelation, error) {
	relationVisibleCond(&q, actor)
	rows, err := qr.QueryContext(ctx, relationSelect+q.whereSQL()+" ORDER BY "+order, q.args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, relationScanner(actor))
	if out == nil {
		out = []samspil.UsageRelation{}
	}
	return out, err
}

const (
	outgoingOrder = "o.name_fold, fs.name_fold, ts.name_fold, r.id"
	incomingOrder = "o.name_fold, ts.name_fold, fs.name_fold, r.id"
)

// UsageRelations lists the visible relations from and to a visible usage.
func (db *DB) UsageRelations(ctx context.Context, actor *samspil.Actor, usageID string) (*samspil.UsageRelations, error) {
	if _, err := db.findUsage(ctx, db.read, actor, usageID); err != nil {
		return nil, err
	}
	var out samspil.UsageRelations
	var oq, iq query
	oq.cond("r.from_usage_id = " + oq.arg(usageID))
	iq.cond("r.to_usage_id = " + iq.arg(usageID))
	var err error
	if out.Outgoing, err = db.relations(ctx, db.read, actor, oq, outgoingOrder); err != nil {
		return nil, err
	}
	if out.Incoming, err = db.relations(ctx, db.read, actor, iq, incomingOrder); err != nil {
		return nil, err
	}
	return &out, nil
}

// SystemRelations lists the visible relations from and to the usages of a
// visible system, by organisation.
func (db *DB) SystemRelations(ctx context.Context, actor *samspil.Actor, systemID string) (*samspil.UsageRelations, error) {
	if _, err := db.findSystem(ctx, db.read, actor, systemID); err != nil {
		return nil, err
	}
	var out samspil.UsageRelations
	var oq, iq query
	oq.cond("fu.system_id = " + oq.arg(systemID))
	iq.cond("tu.system_id = " + iq.arg(systemID))
	var err error
	if out.Outgoing, err = db.relations(ctx, db.read, actor, oq, outgoingOrder); err != nil {
		return nil, err
	}
	if out.Incoming, err = db.relations(ctx, db.read, actor, iq, incomingOrder); err != nil {
		return nil, err
	}
	return &out, nil
}

// FindUsageRelation returns a visible relation.
func (db *DB) FindUsageRelation(ctx context.Context, actor *samspil.Actor, id string) (*samspil.UsageRelation, error) {
	return db.findRelation(ctx, db.read, actor, id)
}

func (db *DB) findRelation(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.UsageRelation, error) {
	var q query
	q.cond("r.id = " + q.arg(id))
	relationVisibleCond(&q, actor)
	r, err := relationScanner(actor)(qr.QueryRowContext(ctx, relationSelect+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "relation")
	}
	return &r, nil
}

// checkRelationRefs checks what the relation from the usage from refers
// to, as the actor sees it: a target usage of the same organisation, an
// interface its system exposes, a contract of the organisation. What the
// actor cannot see is answered as if it did not exist.
func (db *DB) checkRelationRefs(tx *Tx, from *samspil.Usage, r *samspil.UsageRelation) error {
	var v samspil.Validation
	to, err := db.findUsage(tx.ctx, tx, tx.actor, r.ToUsageID)
	switch {
	case samspil.ErrorCode(err) == samspil.ENOTFOUND:
		v.Add("to_usage_id", "no usage you can see has this ID")
	case err != nil:
		return err
	case to.OrganizationID != from.OrganizationID:
		v.Add("to_usage_id", "must be a usage of the same organisation (%s)", from.OrganizationName)
	}
	if r.InterfaceID != "" && to != nil {
		i, err := db.findInterface(tx.ctx, tx, tx.actor, r.InterfaceID)
		switch {
		case samspil.ErrorCode(err) == samspil.ENOTFOUND:
			v.Add("interface_id", "no interface you can see has this ID")
		case err != nil:
			return err
		case i.SystemID != to.SystemID:
			// KITOS: the interface must be exposed by the system related to.
			v.Add("interface_id", "is not an interface of %s, the system related to", to.SystemName)
		}
	}
	if r.ContractID != "" {
		c, err := db.findContract(tx.ctx, tx, tx.actor, r.ContractID)
		switch {
		case samspil.ErrorCode(err) == samspil.ENOTFOUND:
			v.Add("contract_id", "no contract you can see has this ID")
		case err != nil:
			return err
		case c.OrganizationID != from.OrganizationID:
			v.Add("contract_id", "must be a contract of the same organisation (%s)", from.OrganizationName)
		}
	}
	return v.Err()
}

// relationConflict answers a second relation between the same usages
// through the same interface.
func relationConflict() error {
	return samspil.ErrorAt(samspil.ECONFLICT, "to_usage_id", "a relation to this usage through this interface exists already; change that one instead")
}

// CreateUsageRelation registers a relation from a usage the actor may
// change to another usage of its organisation.
func (db *DB) CreateUsageRelation(ctx context.Context, actor *samspil.Actor, fromUsageID string, in samspil.UsageRelationInput) (*samspil.UsageRelation, error) {
	r := in.Relation(fromUsageID)
	var id string
	err := db.update(ctx, actor, func(tx *Tx) error {
		from, err := db.writableUsage(tx, fromUsageID)
		if err != nil {
			return err
		}
		created, err := db.createRelationIn(tx, from, r)
		if err != nil {
			return err
		}
		id = created.ID
		return tx.Audit(auditEntry{OrgID: from.OrganizationID, Action: "usage_relation.create", ObjectType: "usage_relation", ObjectID: id, After: created})
	})
	if err != nil {
		return nil, err
	}
	return db.FindUsageRelation(ctx, actor, id)
}

// createRelationIn writes a relation from a writable usage in tx and
// returns it; the caller writes the audit event.
func (db *DB) createRelationIn(tx *Tx, from *samspil.Usage, r samspil.UsageRelation) (*samspil.UsageRelation, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if err := db.checkRelationRefs(tx, from, &r); err != nil {
		return nil, err
	}
	r.ID = newID()
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO usage_relations (id, organization_id, from_usage_id, to_usage_id, interface_id, frequency,
		description, reference, contract_id, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)`,
		r.ID, from.OrganizationID, from.ID, r.ToUsageID, nullString(r.InterfaceID), string(r.Frequency), r.Description, r.Reference,
		nullString(r.ContractID), tx.now)
	if isUniqueViolation(err) {
		return nil, relationConflict()
	}
	if err != nil {
		return nil, err
	}
	return db.findRelation(tx.ctx, tx, samspil.SystemActor("store"), r.ID)
}

// writableRelation finds a visible relation whose source usage the actor
// may change.
func (db *DB) writableRelation(tx *Tx, id string) (*samspil.UsageRelation, *samspil.Usage, error) {
	r, err := db.findRelation(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, nil, err
	}
	from, err := db.writableUsage(tx, r.FromUsageID)
	if err != nil {
		return nil, nil, err
	}
	return r, from, nil
}

// UpdateUsageRelation changes a relation. A new target drops an interface
// its system does not expose, as KITOS does, unless the patch names one.
func (db *DB) UpdateUsageRelation(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.UsageRelationPatch) (*samspil.UsageRelation, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, from, err := db.writableRelation(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		changed, err := db.updateRelationIn(tx, before, from, p)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: from.OrganizationID, Action: "usage_relation.update", ObjectType: "usage_relation", ObjectID: id,
			Before: before, After: changed})
	})
	if err != nil {
		return nil, err
	}
	return db.FindUsageRelation(ctx, actor, id)
}

// updateRelationIn applies p to a writable relation in tx and returns it
// as changed; the caller writes the audit event.
func (db *DB) updateRelationIn(tx *Tx, before *samspil.UsageRelation, from *samspil.Usage, p samspil.UsageRelationPatch) (*samspil.UsageRelation, error) {
	ctx, id := tx.ctx, before.ID
	// Whoever may change the source sees the organisation's contracts,
	// so before names the contract, if any.
	after := p.Apply(*before)
	if err := after.Validate(); err != nil {
		return nil, err
	}
	if p.ToUsageID != nil && after.ToUsageID != before.ToUsageID && p.InterfaceID == nil && after.InterfaceID != "" {
		var exposed int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM system_interfaces i JOIN usages u ON u.system_id = i.system_id
			WHERE i.id = $1 AND u.id = $2`, after.InterfaceID, after.ToUsageID).Scan(&exposed); err != nil {
			return nil, err
		}
		if exposed == 0 {
			after.InterfaceID = ""
		}
	}
	if err := db.checkRelationRefs(tx, from, &after); err != nil {
		return nil, err
	}
	err := tx.execVersioned("usage_relations", "relation", id, before.Version, `UPDATE usage_relations SET to_usage_id = $1, interface_id = $2,
		frequency = $3, description = $4, reference = $5, contract_id = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10`,
		after.ToUsageID, nullString(after.InterfaceID), string(after.Frequency), after.Description, after.Reference, nullString(after.ContractID),
		before.Version+1, tx.now, id, before.Version)
	if isUniqueViolation(err) {
		return nil, relationConflict()
	}
	if err != nil {
		return nil, err
	}
	return db.findRelation(ctx, tx, samspil.SystemActor("store"), id)
}

// DeleteUsageRelation removes a relation.
func (db *DB) DeleteUsageRelation(ctx context.Context, actor *samspil.Actor, id string, version int) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		r, from, err := db.writableRelation(tx, id)
		if err != nil {
			return err
		}
		if err := tx.deleteRelationIn(id, version); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: from.OrganizationID, Action: "usage_relation.delete", ObjectType: "usage_relation", ObjectID: id, Before: r})
	})
}

// deleteRelationIn removes a writable relation at version; the caller
// writes the audit event.
func (tx *Tx) deleteRelationIn(id string, version int) error {
	return tx.execVersioned("usage_relations", "relation", id, version, `DELETE FROM usage_relations WHERE id = $1 AND version = $2`, id, version)
}

// UsageDependents lists the usages hit when a visible usage is phased out:
// Dependents over the organisation's relations the actor sees, read in one
// query.
func (db *DB) UsageDependents(ctx context.Context, actor *samspil.Actor, usageID string) ([]samspil.Dependent, error) {
	u, err := db.findUsage(ctx, db.read, actor, usageID)
	if err != nil {
		return nil, err
	}
	var q query
	q.cond("r.organization_id = " + q.arg(u.OrganizationID))
	rels, err := db.relations(ctx, db.read, actor, q, "r.id")
	if err != nil {
		return nil, err
	}
	return samspil.Dependents(u.ID, rels), nil
}
