package sqldb

import (
	"strings"

	"github.com/samspil/samspil"
)

// An organisation's own lists (KITOS's local option types): its role types
// (roles.go) and its data classification levels (dataclassifications.go).
// Every organisation starts with KITOS's defaults, added in the
// transaction that creates it; migration 00027 added them to the
// organisations that existed before.

// seedOrgLists adds the default role types and data classification levels
// to a new organisation and returns what it added, for the caller's audit
// event.
func (tx *Tx) seedOrgLists(orgID string) (map[string]any, error) {
	var q query
	var rows []string
	seeded := map[string]any{}
	for _, kind := range samspil.RoleObjectKinds {
		var names []string
		for i, d := range samspil.DefaultRoleTypes[kind] {
			rows = append(rows, "("+q.arg(newID())+", "+q.arg(orgID)+", "+q.arg(string(kind))+", "+q.arg(d.Name)+", "+
				q.arg(samspil.Fold(d.Name))+", "+q.arg(d.Description)+", "+q.arg(i+1)+", TRUE, 1, "+q.arg(tx.now)+", "+q.arg(tx.now)+")")
			names = append(names, d.Name)
		}
		seeded["role_types."+string(kind)] = names
	}
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO role_types (id, organization_id, object_kind, name, name_fold, description, position,
		active, version, created_at, updated_at) VALUES `+strings.Join(rows, ", "), q.args...); err != nil {
		return nil, err
	}
	q, rows = query{}, nil
	var names []string
	for i, d := range samspil.DefaultDataClassifications {
		rows = append(rows, "("+q.arg(newID())+", "+q.arg(orgID)+", "+q.arg(string(d.Key))+", "+q.arg(d.Name)+", "+
			q.arg(samspil.Fold(d.Name))+", "+q.arg(i+1)+", "+q.arg(tx.now)+", "+q.arg(tx.now)+")")
		names = append(names, d.Name)
	}
	seeded["data_classifications"] = names
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO data_classifications (id, organization_id, key, name, name_fold, position,
		created_at, updated_at) VALUES `+strings.Join(rows, ", "), q.args...)
	return seeded, err
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
