package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// The interfaces of catalogue systems and the relations between an
// organisation's usages, as KITOS records them.

// InterfaceOutput is one interface with its ETag.
type InterfaceOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.SystemInterface
}

// RelationOutput is one relation with its ETag.
type RelationOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.UsageRelation
}

// RelationsOutput is the relations of a usage or system both ways.
type RelationsOutput struct {
	Body *samspil.UsageRelations
}

// InterfacePath names an interface of a system.
type InterfacePath struct {
	IDPath
	InterfaceID string `path:"interface_id" maxLength:"64" doc:"The interface's ID"`
}

// RelationPath names a relation from a usage.
type RelationPath struct {
	IDPath
	RelationID string `path:"relation_id" maxLength:"64" doc:"The relation's ID"`
}

// systemInterface finds the interface of the path, answering 404 unless it
// is the path's system's.
func (a *API) systemInterface(ctx context.Context, p InterfacePath) (*samspil.SystemInterface, error) {
	i, err := a.store.FindSystemInterface(ctx, actor(ctx), p.InterfaceID)
	if err == nil && i.SystemID != p.ID {
		err = samspil.NotFound("interface")
	}
	if err != nil {
		return nil, fail(ctx, err, "path")
	}
	return i, nil
}

// usageRelation finds the relation of the path, answering 404 unless it
// starts from the path's usage.
func (a *API) usageRelation(ctx context.Context, p RelationPath) (*samspil.UsageRelation, error) {
	r, err := a.store.FindUsageRelation(ctx, actor(ctx), p.RelationID)
	if err == nil && r.FromUsageID != p.ID {
		err = samspil.NotFound("relation")
	}
	if err != nil {
		return nil, fail(ctx, err, "path")
	}
	return r, nil
}

func (a *API) registerRelations() {
	tags := []string{"Interfaces and relations"}
	register(a, huma.Operation{OperationID: "list-system-interfaces", Method: http.MethodGet, Path: "/systems/{id}/interfaces", Tags: tags,
		Summary: "List a system's interfaces", Description: "The interfaces the catalogue system exposes (KITOS: snitflader), by name."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*ItemsOutput[samspil.SystemInterface], error) {
			list, err := a.store.SystemInterfaces(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			out := &ItemsOutput[samspil.SystemInterface]{}
			out.Body.Items = list
			return out, nil
		})

	register(a, huma.Operation{OperationID: "create-system-interface", Method: http.MethodPost, Path: "/systems/{id}/interfaces", Tags: tags,
		Summary: "Register an interface of a system", DefaultStatus: http.StatusCreated,
		Description: "Administrators and editors of the organisation that registered the system may register its interfaces."},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.SystemInterfaceInput
		}) (*InterfaceOutput, error) {
			i, err := a.store.CreateSystemInterface(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &InterfaceOutput{ETag: etag(i.Version), Location: Prefix + "/systems/" + i.SystemID + "/interfaces/" + i.ID, Body: i}, nil
		})

	register(a, huma.Operation{OperationID: "get-system-interface", Method: http.MethodGet, Path: "/systems/{id}/interfaces/{interface_id}", Tags: tags,
		Summary: "Get an interface of a system"},
		samspil.PermPublic, func(ctx context.Context, in *InterfacePath) (*InterfaceOutput, error) {
			i, err := a.systemInterface(ctx, *in)
			if err != nil {
				return nil, err
			}
			return &InterfaceOutput{ETag: etag(i.Version), Body: i}, nil
		})

	register(a, huma.Operation{OperationID: "update-system-interface", Method: http.MethodPatch, Path: "/systems/{id}/interfaces/{interface_id}", Tags: tags,
		Summary: "Change an interface of a system"},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			InterfacePath
			IfMatchHeader
			Body samspil.SystemInterfacePatch
		}) (*InterfaceOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if _, err := a.systemInterface(ctx, in.InterfacePath); err != nil {
				return nil, err
			}
			i, err := a.store.UpdateSystemInterface(ctx, actor(ctx), in.InterfaceID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &InterfaceOutput{ETag: etag(i.Version), Body: i}, nil
		})

	register(a, huma.Operation{OperationID: "delete-system-interface", Method: http.MethodDelete, Path: "/systems/{id}/interfaces/{interface_id}", Tags: tags,
		Summary: "Delete an interface of a system", DefaultStatus: http.StatusNoContent,
		Description: "Relations through the interface keep relating their usages, without an interface."},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			InterfacePath
			IfMatchHeader
		}) (*struct{}, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if _, err := a.systemInterface(ctx, in.InterfacePath); err != nil {
				return nil, err
			}
			if err := a.store.DeleteSystemInterface(ctx, actor(ctx), in.InterfaceID, v); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})

	register(a, huma.Operation{OperationID: "list-system-relations", Method: http.MethodGet, Path: "/systems/{id}/relations", Tags: tags,
		Summary: "Relations of a system's usages", Description: "The relations from and to the usages of the system, as far as the caller sees both usages of each."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*RelationsOutput, error) {
			rels, err := a.store.SystemRelations(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &RelationsOutput{Body: rels}, nil
		})

	register(a, huma.Operation{OperationID: "list-usage-relations", Method: http.MethodGet, Path: "/usages/{id}/relations", Tags: tags,
		Summary: "Relations of a usage", Description: "The relations from the usage to other usages of its organisation and from them to it, " +
			"as far as the caller sees both usages of each."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*RelationsOutput, error) {
			rels, err := a.store.UsageRelations(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &RelationsOutput{Body: rels}, nil
		})

	register(a, huma.Operation{OperationID: "create-usage-relation", Method: http.MethodPost, Path: "/usages/{id}/relations", Tags: tags,
		Summary: "Relate a usage to another", DefaultStatus: http.StatusCreated,
		Description: "The usage uses another usage of the same organisation, optionally through an interface that the other usage's system exposes " +
			"and under a contract of the organisation. Administrators and editors of the organisation may."},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.UsageRelationInput
		}) (*RelationOutput, error) {
			r, err := a.store.CreateUsageRelation(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &RelationOutput{ETag: etag(r.Version), Location: Prefix + "/usages/" + r.FromUsageID + "/relations/" + r.ID, Body: r}, nil
		})

	register(a, huma.Operation{OperationID: "get-usage-relation", Method: http.MethodGet, Path: "/usages/{id}/relations/{relation_id}", Tags: tags,
		Summary: "Get a relation of a usage"},
		samspil.PermPublic, func(ctx context.Context, in *RelationPath) (*RelationOutput, error) {
			r, err := a.usageRelation(ctx, *in)
			if err != nil {
				return nil, err
			}
			return &RelationOutput{ETag: etag(r.Version), Body: r}, nil
		})

	register(a, huma.Operation{OperationID: "update-usage-relation", Method: http.MethodPatch, Path: "/usages/{id}/relations/{relation_id}", Tags: tags,
		Summary: "Change a relation of a usage", Description: "A new target drops an interface its system does not expose, unless the change names one."},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			RelationPath
			IfMatchHeader
			Body samspil.UsageRelationPatch
		}) (*RelationOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if _, err := a.usageRelation(ctx, in.RelationPath); err != nil {
				return nil, err
			}
			r, err := a.store.UpdateUsageRelation(ctx, actor(ctx), in.RelationID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &RelationOutput{ETag: etag(r.Version), Body: r}, nil
		})

	register(a, huma.Operation{OperationID: "delete-usage-relation", Method: http.MethodDelete, Path: "/usages/{id}/relations/{relation_id}", Tags: tags,
		Summary: "Delete a relation of a usage", DefaultStatus: http.StatusNoContent},
		samspil.PermLandscapeWrite, func(ctx context.Context, in *struct {
			RelationPath
			IfMatchHeader
		}) (*struct{}, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if _, err := a.usageRelation(ctx, in.RelationPath); err != nil {
				return nil, err
			}
			if err := a.store.DeleteUsageRelation(ctx, actor(ctx), in.RelationID, v); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})

	register(a, huma.Operation{OperationID: "usage-dependents", Method: http.MethodGet, Path: "/usages/{id}/dependents", Tags: tags,
		Summary: "What is hit if the usage is phased out", Description: "The usages that relate to the usage, directly or through others, " +
			"each once with its shortest path, by depth. Only relations whose usages the caller sees count."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*ItemsOutput[samspil.Dependent], error) {
			deps, err := a.store.UsageDependents(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			out := &ItemsOutput[samspil.Dependent]{}
			out.Body.Items = deps
			return out, nil
		})
}
