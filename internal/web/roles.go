package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Roles on records (KITOS's roles): the "Roller" section of the usage,
// contract and data processing pages and its forms, and the page of an
// organisation's own lists: its role types and its data classification
// levels. The section is one partial (templates/partials_roles.html) that
// each record page includes with its Roles data.

// roleRoutes adds the role pages to the route table.
func (w *Web) roleRoutes(page func(string, samspil.Permission, http.HandlerFunc)) {
	page("GET /organizations/{id}/role-types", samspil.PermPublic, w.roleTypesPage)
	page("POST /organizations/{id}/role-types", samspil.PermOrgUpdate, w.createRoleType)
	page("POST /organizations/{id}/role-types/{type}", samspil.PermOrgUpdate, w.updateRoleType)
	page("POST /organizations/{id}/data-classifications", samspil.PermOrgUpdate, w.createDataClassification)
	page("POST /organizations/{id}/data-classifications/{class}", samspil.PermOrgUpdate, w.updateDataClassification)
	page("POST /organizations/{id}/usages/{usage}/roles", samspil.PermLandscapeWrite, w.createRole(samspil.RoleOnUsage))
	page("POST /organizations/{id}/usages/{usage}/roles/{role}/delete", samspil.PermLandscapeWrite, w.deleteRole(samspil.RoleOnUsage))
	page("POST /contracts/{id}/roles", samspil.PermLandscapeWrite, w.createRole(samspil.RoleOnContract))
	page("POST /contracts/{id}/roles/{role}/delete", samspil.PermLandscapeWrite, w.deleteRole(samspil.RoleOnContract))
	page("POST /data-processing/{id}/roles", samspil.PermLandscapeWrite, w.createRole(samspil.RoleOnDataProcessing))
	page("POST /data-processing/{id}/roles/{role}/delete", samspil.PermLandscapeWrite, w.deleteRole(samspil.RoleOnDataProcessing))
}

// rolesData is the "Roller" section of a record's page.
type rolesData struct {
	Kind        samspil.RoleObjectKind
	Action      string // where the section's forms post: the record's page path + "/roles"
	Assignments []samspil.RoleAssignment
	CanEdit     bool
	Types       []samspil.RoleType // the active role types, offered for new assignments
	People      []samspil.Membership
	Form        samspil.RoleAssignmentInput
	Error       string            // the failed form's error, translated
	Fields      map[string]string // the failed form's field errors, translated
	OrgID       string
}

// roleForm is a failed role form, carried to the page that shows it again.
type roleForm struct {
	err error
	in  samspil.RoleAssignmentInput
}

type roleFormKey struct{}

// rolesOf loads the "Roller" section of a visible record whose page is at
// pagePath.
func (w *Web) rolesOf(r *http.Request, kind samspil.RoleObjectKind, objectID, orgID, pagePath string) (*rolesData, error) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	d := &rolesData{Kind: kind, Action: pagePath + "/roles", OrgID: orgID, CanEdit: actor.Can(samspil.PermLandscapeWrite, orgID), Fields: map[string]string{}}
	var err error
	if d.Assignments, err = w.store.RoleAssignments(ctx, actor, kind, objectID); err != nil {
		return nil, err
	}
	if !d.CanEdit {
		return d, nil
	}
	types, err := w.store.RoleTypes(ctx, actor, orgID, kind)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		if t.Active {
			d.Types = append(d.Types, t)
		}
	}
	if d.People, err = allPages(func(cursor string) (*samspil.Page[samspil.Membership], error) {
		return w.store.ListMemberships(ctx, actor, samspil.MembershipFilter{OrganizationID: orgID, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	}); err != nil {
		return nil, err
	}
	if f, ok := ctx.Value(roleFormKey{}).(*roleForm); ok {
		d.Form = f.in
		lang := language(r)
		tr := w.translator(lang)
		d.Error = samspil.ErrorMessage(f.err)
		var e *samspil.Error
		if errors.As(f.err, &e) {
			d.Error = e.Localize(tr)
			for _, fe := range e.Fields {
				d.Fields[fe.Path] = fe.Localize(tr)
			}
		}
	}
	return d, nil
}

// recordPage is the page of a record of a kind, with the record's
// organisation, from the request's path; it answers 404 (through fail)
// unless the record is visible and under the path.
func (w *Web) recordPage(rw http.ResponseWriter, r *http.Request, kind samspil.RoleObjectKind) (page string, show http.HandlerFunc, ok bool) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	switch kind {
	case samspil.RoleOnUsage:
		if !w.usageInPathOrg(rw, r) {
			return "", nil, false
		}
		return "/organizations/" + r.PathValue("id") + "/usages/" + r.PathValue("usage"), w.usagePage, true
	case samspil.RoleOnContract:
		if _, err := w.store.FindContract(ctx, actor, r.PathValue("id")); err != nil {
			w.fail(rw, r, err)
			return "", nil, false
		}
		return "/contracts/" + r.PathValue("id"), w.contractPage, true
	default:
		if _, err := w.store.FindDataProcessing(ctx, actor, r.PathValue("id")); err != nil {
			w.fail(rw, r, err)
			return "", nil, false
		}
		return "/data-processing/" + r.PathValue("id"), w.dataProcessingPage, true
	}
}

// recordID is the ID of the record in the request's path.
func recordID(r *http.Request, kind samspil.RoleObjectKind) string {
	if kind == samspil.RoleOnUsage {
		return r.PathValue("usage")
	}
	return r.PathValue("id")
}

func (w *Web) createRole(kind samspil.RoleObjectKind) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if !w.parseForm(rw, r) {
			return
		}
		path, show, ok := w.recordPage(rw, r, kind)
		if !ok {
			return
		}
		in := samspil.RoleAssignmentInput{RoleTypeID: r.PostFormValue("role_type_id")}
		if r.PostFormValue("who") == "person" {
			in.Name, in.Email = r.PostFormValue("name"), r.PostFormValue("email")
		} else {
			in.UserID = r.PostFormValue("user_id")
		}
		_, err := w.store.CreateRoleAssignment(r.Context(), httpx.ActorFrom(r.Context()), kind, recordID(r, kind), in)
		w.afterRoleChange(rw, r, err, path, show, in, "role_created")
	}
}

func (w *Web) deleteRole(kind samspil.RoleObjectKind) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if !w.parseForm(rw, r) {
			return
		}
		path, show, ok := w.recordPage(rw, r, kind)
		if !ok {
			return
		}
		err := w.store.DeleteRoleAssignment(r.Context(), httpx.ActorFrom(r.Context()), kind, recordID(r, kind), r.PathValue("role"))
		w.afterRoleChange(rw, r, err, path, show, samspil.RoleAssignmentInput{}, "role_deleted")
	}
}

// afterRoleChange goes back to the record's roles, or shows the record's
// page again with the form's error in its "Roller" section.
func (w *Web) afterRoleChange(rw http.ResponseWriter, r *http.Request, err error, path string, show http.HandlerFunc,
	in samspil.RoleAssignmentInput, done string) {
	if err != nil {
		switch samspil.ErrorCode(err) {
		case samspil.EINVALID, samspil.ECONFLICT, samspil.EFORBIDDEN:
			ctx := context.WithValue(r.Context(), roleFormKey{}, &roleForm{err: err, in: in})
			show(&statusWriter{ResponseWriter: rw, status: httpx.Status(err)}, r.WithContext(ctx))
		default:
			w.fail(rw, r, err)
		}
		return
	}
	redirect(rw, r, path+"#roles", done)
}

// statusWriter answers with status where the page would answer 200: a
// page shown again after a failed form.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if code == http.StatusOK {
		code = s.status
	}
	s.ResponseWriter.WriteHeader(code)
}

// roleTypesData is an organisation's page of its own lists: its role types
// for each kind of record and its data classification levels.
type roleTypesData struct {
	Org     *samspil.Organization
	Kinds   []listTable
	Classes listTable
	CanEdit bool
	// The forms for a new role type and a new level, with what they held
	// when they failed.
	Form        samspil.RoleTypeInput
	NewRoleType listNew
	NewClass    listNew
}

// listNew is the name and description fields of the form for a new entry
// of a list (partial "list_new_fields").
type listNew struct {
	Prefix            string // the fields' id prefix
	Failed            bool   // the form failed: show what it held and its errors
	Name, Description string
	Fields            map[string]string
}

// listTable is one of an organisation's lists with the forms that change
// its entries (partial "list_table").
type listTable struct {
	ID      string                 // the section's id
	Kind    samspil.RoleObjectKind // the kind of record of a list of role types
	Heading string                 // the section's heading, translated
	Action  string                 // where an entry's form posts, followed by "/" and its ID
	Offered string                 // the label of the "in use" checkbox, translated
	Items   []listItem
	CanEdit bool
	Edit    string            // the entry whose form failed
	Fields  map[string]string // the failed form's field errors
}

// listItem is an entry of an organisation's list: a role type or a data
// classification level.
type listItem struct {
	ID, Key, Name, Description string
	Active                     bool
	Version                    int
}

func (w *Web) roleTypesPage(rw http.ResponseWriter, r *http.Request) {
	w.showRoleTypes(rw, r, http.StatusOK, nil, &roleTypesData{Form: samspil.RoleTypeInput{ObjectKind: samspil.RoleOnUsage}}, "")
}

// showRoleTypes shows the lists page; d carries a failed new-entry form,
// edit the entry whose form failed.
func (w *Web) showRoleTypes(rw http.ResponseWriter, r *http.Request, status int, formErr error, d *roleTypesData, edit string) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Org, d.CanEdit = org, actor.Can(samspil.PermOrgUpdate, org.ID)
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "roletypes.title", org.Name)
	if formErr != nil {
		w.withError(v, formErr)
	}
	d.NewRoleType.Prefix, d.NewRoleType.Fields = "nrt", v.Fields
	d.NewClass.Prefix, d.NewClass.Fields = "ncl", v.Fields
	table := func(id, heading, action, offered string) listTable {
		return listTable{ID: id, Heading: w.cat.text(v.Lang, heading), Action: action, Offered: w.cat.text(v.Lang, offered), CanEdit: d.CanEdit,
			Edit: edit, Fields: v.Fields}
	}
	base := "/organizations/" + org.ID
	for _, k := range samspil.RoleObjectKinds {
		types, err := w.store.RoleTypes(ctx, actor, org.ID, k)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		t := table("kind-"+string(k), "role_kind."+string(k), base+"/role-types", "roletypes.offered")
		t.Kind = k
		for _, rt := range types {
			t.Items = append(t.Items, listItem{ID: rt.ID, Name: rt.Name, Description: rt.Description, Active: rt.Active, Version: rt.Version})
		}
		d.Kinds = append(d.Kinds, t)
	}
	levels, err := w.store.DataClassifications(ctx, actor, org.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Classes = table("classes", "field.data_classification", base+"/data-classifications", "classes.offered")
	for _, l := range levels {
		d.Classes.Items = append(d.Classes.Items, listItem{ID: l.ID, Key: string(l.Key), Name: l.Name, Description: l.Description,
			Active: l.Active, Version: l.Version})
	}
	w.render(rw, r, status, "role_types", v)
}

func (w *Web) createRoleType(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := samspil.RoleTypeInput{ObjectKind: samspil.RoleObjectKind(r.PostFormValue("object_kind")), Name: r.PostFormValue("name"),
		Description: r.PostFormValue("description")}
	_, err := w.store.CreateRoleType(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	w.afterListChange(rw, r, err, &roleTypesData{Form: in, NewRoleType: listNew{Failed: true, Name: in.Name, Description: in.Description}},
		"", "role_type_created")
}

// listEntryForm reads an entry's form: its name, description and whether
// it is in use.
func listEntryForm(r *http.Request) (name, description string, active bool) {
	return r.PostFormValue("name"), r.PostFormValue("description"), r.PostFormValue("active") == "true"
}

func (w *Web) updateRoleType(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	t, err := w.store.FindRoleType(ctx, actor, r.PathValue("type"))
	if err == nil && t.OrganizationID != r.PathValue("id") {
		err = samspil.NotFound("role type")
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	name, description, active := listEntryForm(r)
	_, err = w.store.UpdateRoleType(ctx, actor, t.ID, formVersion(r), samspil.RoleTypePatch{Name: &name, Description: &description, Active: &active})
	w.afterListChange(rw, r, err, &roleTypesData{Form: samspil.RoleTypeInput{ObjectKind: samspil.RoleOnUsage}}, t.ID, "role_type_updated")
}

func (w *Web) createDataClassification(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := samspil.DataClassificationInput{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	_, err := w.store.CreateDataClassification(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	w.afterListChange(rw, r, err, &roleTypesData{Form: samspil.RoleTypeInput{ObjectKind: samspil.RoleOnUsage},
		NewClass: listNew{Failed: true, Name: in.Name, Description: in.Description}}, "", "data_classification_created")
}

func (w *Web) updateDataClassification(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	l, err := w.store.FindDataClassification(ctx, actor, r.PathValue("class"))
	if err == nil && l.OrganizationID != r.PathValue("id") {
		err = samspil.NotFound("data classification")
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	name, description, active := listEntryForm(r)
	_, err = w.store.UpdateDataClassification(ctx, actor, l.ID, formVersion(r),
		samspil.DataClassificationPatch{Name: &name, Description: &description, Active: &active})
	w.afterListChange(rw, r, err, &roleTypesData{Form: samspil.RoleTypeInput{ObjectKind: samspil.RoleOnUsage}}, l.ID, "data_classification_updated")
}

// afterListChange shows the lists page again with a failed form, or goes
// back to it.
func (w *Web) afterListChange(rw http.ResponseWriter, r *http.Request, err error, d *roleTypesData, edit, done string) {
	if err != nil {
		switch samspil.ErrorCode(err) {
		case samspil.EINVALID, samspil.ECONFLICT, samspil.ESTALE, samspil.EFORBIDDEN:
			w.showRoleTypes(rw, r, httpx.Status(err), err, d, edit)
		default:
			w.fail(rw, r, err)
		}
		return
	}
	redirect(rw, r, "/organizations/"+r.PathValue("id")+"/role-types", done)
}
