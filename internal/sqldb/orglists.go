package sqldb

import (
	"github.com/samspil/samspil"
)

// An organisation's own lists (KITOS's local option types): its role types
// (roles.go) and its data classification levels (dataclassifications.go).
// Every organisation starts with KITOS's defaults, added in the
// transaction that creates it, by whichever path (CreateOrganization, the
// organisation file, the reference data, generated data); migration 00027
// added them to the organisations that existed before.

// orgLists writes new organisations' default lists in batches.
type orgLists struct {
	roleTypes, levels *batchInsert
}

func (tx *Tx) newOrgLists() *orgLists {
	return &orgLists{
		roleTypes: newBatchInsert(tx, "role_types", "id text", "organization_id text", "object_kind text", "name text", "name_fold text",
			"description text", "active boolean", "position integer", "version integer", "created_at timestamptz", "updated_at timestamptz"),
		levels: newBatchInsert(tx, "data_classifications", "id text", "organization_id text", "key text", "name text", "name_fold text",
			"description text", "active boolean", "position integer", "version integer", "created_at timestamptz", "updated_at timestamptz"),
	}
}

// add queues the default lists of a new organisation and returns the rows
// it added, counted, and their names, for an audit image.
func (l *orgLists) add(orgID string) (rows int, names map[string]any, err error) {
	now := l.roleTypes.tx.now
	names = map[string]any{}
	for _, kind := range samspil.RoleObjectKinds {
		var added []string
		for i, d := range samspil.DefaultRoleTypes[kind] {
			if err := l.roleTypes.Add(newID(), orgID, string(kind), d.Name, samspil.Fold(d.Name), d.Description, true, i+1, 1, now, now); err != nil {
				return rows, nil, err
			}
			rows++
			added = append(added, d.Name)
		}
		names["role_types."+string(kind)] = added
	}
	var levels []string
	for i, d := range samspil.DefaultDataClassifications {
		if err := l.levels.Add(newID(), orgID, string(d.Key), d.Name, samspil.Fold(d.Name), "", true, i+1, 1, now, now); err != nil {
			return rows, nil, err
		}
		rows++
		levels = append(levels, d.Name)
	}
	names["data_classifications"] = levels
	return rows, names, nil
}

// Flush writes what is queued.
func (l *orgLists) Flush() error {
	if err := l.roleTypes.Flush(); err != nil {
		return err
	}
	return l.levels.Flush()
}

// seedOrgLists adds the default lists to a new organisation and returns
// their names, for the caller's audit event.
func (tx *Tx) seedOrgLists(orgID string) (map[string]any, error) {
	l := tx.newOrgLists()
	_, names, err := l.add(orgID)
	if err != nil {
		return nil, err
	}
	return names, l.Flush()
}

// seedOrgListsAudited seeds a new organisation's lists with an audit event
// of their own.
func (tx *Tx) seedOrgListsAudited(orgID string) error {
	seeded, err := tx.seedOrgLists(orgID)
	if err != nil {
		return err
	}
	return tx.Audit(auditEntry{OrgID: orgID, Action: "organization.seed_lists", ObjectType: "organization", ObjectID: orgID, After: seeded})
}
