package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// Roles on records, as KITOS has them: an organisation's role types for
// each kind of record, and the people assigned to them on its usages,
// contracts and data processing registrations.

// RoleTypeOutput is one role type with its ETag.
type RoleTypeOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.RoleType
}

// RoleAssignmentOutput is one role assignment.
type RoleAssignmentOutput struct {
	Location string `header:"Location"`
	Body     *samspil.RoleAssignment
}

// RoleTypePath names a role type of an organisation.
type RoleTypePath struct {
	IDPath
	RoleTypeID string `path:"role_type_id" maxLength:"64" doc:"The role type's ID"`
}

// RoleAssignmentPath names a role assignment on a record.
type RoleAssignmentPath struct {
	IDPath
	RoleID string `path:"role_id" maxLength:"64" doc:"The role assignment's ID"`
}

// roleType finds the role type of the path, answering 404 unless it is the
// path's organisation's.
func (a *API) roleType(ctx context.Context, p RoleTypePath) (*samspil.RoleType, error) {
	t, err := a.store.FindRoleType(ctx, actor(ctx), p.RoleTypeID)
	if err == nil && t.OrganizationID != p.ID {
		err = samspil.NotFound("role type")
	}
	if err != nil {
		return nil, fail(ctx, err, "path")
	}
	return t, nil
}

func (a *API) registerRoles() {
	tags := []string{"Roles"}
	register(a, huma.Operation{OperationID: "list-role-types", Method: http.MethodGet, Path: "/organizations/{id}/role-types", Tags: tags,
		Summary: "List an organisation's role types",
		Description: "The roles the organisation assigns people to on its records of one kind, active and inactive, in its order. " +
			"An organisation starts with KITOS's default role types."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			ObjectKind samspil.RoleObjectKind `query:"object_kind" required:"true" doc:"The kind of record"`
		}) (*ItemsOutput[samspil.RoleType], error) {
			list, err := a.store.RoleTypes(ctx, actor(ctx), in.ID, in.ObjectKind)
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			out := &ItemsOutput[samspil.RoleType]{}
			out.Body.Items = list
			return out, nil
		})

	register(a, huma.Operation{OperationID: "create-role-type", Method: http.MethodPost, Path: "/organizations/{id}/role-types", Tags: tags,
		Summary: "Add a role type to an organisation", DefaultStatus: http.StatusCreated,
		Description: "Administrators of the organisation may add role types."},
		samspil.PermOrgUpdate, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.RoleTypeInput
		}) (*RoleTypeOutput, error) {
			t, err := a.store.CreateRoleType(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &RoleTypeOutput{ETag: etag(t.Version), Location: Prefix + "/organizations/" + t.OrganizationID + "/role-types/" + t.ID, Body: t}, nil
		})

	register(a, huma.Operation{OperationID: "get-role-type", Method: http.MethodGet, Path: "/organizations/{id}/role-types/{role_type_id}", Tags: tags,
		Summary: "Get a role type of an organisation"},
		samspil.PermPublic, func(ctx context.Context, in *RoleTypePath) (*RoleTypeOutput, error) {
			t, err := a.roleType(ctx, *in)
			if err != nil {
				return nil, err
			}
			return &RoleTypeOutput{ETag: etag(t.Version), Body: t}, nil
		})

	register(a, huma.Operation{OperationID: "update-role-type", Method: http.MethodPatch, Path: "/organizations/{id}/role-types/{role_type_id}", Tags: tags,
		Summary: "Rename, describe, deactivate or reactivate a role type",
		Description: "Administrators of the organisation may change its role types. An inactive role type keeps its assignments " +
			"but is not offered for new ones."},
		samspil.PermOrgUpdate, func(ctx context.Context, in *struct {
			RoleTypePath
			IfMatchHeader
			Body samspil.RoleTypePatch
		}) (*RoleTypeOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if _, err := a.roleType(ctx, in.RoleTypePath); err != nil {
				return nil, err
			}
			t, err := a.store.UpdateRoleType(ctx, actor(ctx), in.RoleTypeID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &RoleTypeOutput{ETag: etag(t.Version), Body: t}, nil
		})

	for _, r := range []struct {
		kind       samspil.RoleObjectKind
		path, name string
	}{
		{samspil.RoleOnUsage, "/usages/{id}/roles", "usage"},
		{samspil.RoleOnContract, "/contracts/{id}/roles", "contract"},
		{samspil.RoleOnDataProcessing, "/data-processing-registrations/{id}/roles", "data-processing"},
	} {
		kind, base := r.kind, r.path
		register(a, huma.Operation{OperationID: "list-" + r.name + "-roles", Method: http.MethodGet, Path: base, Tags: tags,
			Summary: "List the roles on a " + string(kind) + " record",
			Description: "The people assigned to roles on the record, by role type and name; whoever sees the record sees them. " +
				"A user who has been disabled or left the organisation keeps the role, marked left."},
			samspil.PermPublic, func(ctx context.Context, in *IDPath) (*ItemsOutput[samspil.RoleAssignment], error) {
				list, err := a.store.RoleAssignments(ctx, actor(ctx), kind, in.ID)
				if err != nil {
					return nil, fail(ctx, err, "path")
				}
				out := &ItemsOutput[samspil.RoleAssignment]{}
				out.Body.Items = list
				return out, nil
			})

		register(a, huma.Operation{OperationID: "create-" + r.name + "-role", Method: http.MethodPost, Path: base, Tags: tags,
			Summary: "Assign a role on a " + string(kind) + " record", DefaultStatus: http.StatusCreated,
			Description: "Whoever may change the record may assign an active role type of its organisation to a user of the organisation " +
				"(user_id) or to a person without an account (name and email). The same person holds a role on a record once."},
			samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
				IDPath
				Body samspil.RoleAssignmentInput
			}) (*RoleAssignmentOutput, error) {
				ra, err := a.store.CreateRoleAssignment(ctx, actor(ctx), kind, in.ID, in.Body)
				if err != nil {
					return nil, fail(ctx, err, "body")
				}
				return &RoleAssignmentOutput{Location: Prefix + base[:len(base)-len("{id}/roles")] + in.ID + "/roles/" + ra.ID, Body: ra}, nil
			})

		register(a, huma.Operation{OperationID: "delete-" + r.name + "-role", Method: http.MethodDelete, Path: base + "/{role_id}", Tags: tags,
			Summary: "Remove a role from a " + string(kind) + " record", DefaultStatus: http.StatusNoContent,
			Description: "Whoever may change the record may remove its roles."},
			samspil.PermLandscapeWrite, func(ctx context.Context, in *RoleAssignmentPath) (*struct{}, error) {
				if err := a.store.DeleteRoleAssignment(ctx, actor(ctx), kind, in.ID, in.RoleID); err != nil {
					return nil, fail(ctx, err, "path")
				}
				return nil, nil
			})
	}
}
