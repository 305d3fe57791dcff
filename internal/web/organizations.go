package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

type directoryData struct {
	Query   string
	Kind    string
	Region  string
	Kinds   []samspil.OrgKind
	Regions []samspil.Organization
	Page    *samspil.Page[samspil.Organization]
	Next    string // URL of the next page
	Names   map[string]string
}

func (w *Web) directory(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	d := directoryData{Query: q.Get("q"), Kind: q.Get("kind"), Region: q.Get("region"), Kinds: samspil.OrgKinds}
	page, err := w.store.ListOrganizations(ctx, actor, samspil.OrganizationFilter{Kind: samspil.OrgKind(d.Kind), Region: d.Region,
		Query: d.Query, ListOptions: samspil.ListOptions{Cursor: q.Get("cursor"), Limit: 100}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Page = page
	if page.NextCursor != "" {
		next := url.Values{"q": {d.Query}, "kind": {d.Kind}, "region": {d.Region}, "cursor": {page.NextCursor}}
		d.Next = "/organizations?" + next.Encode()
	}
	if d.Regions, d.Names, err = w.regions(ctx, actor); err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "directory.title")
	// htmx gets the results only, except when it restores history from
	// the server: then it puts the answer in place of <body>.
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true" {
		w.renderTemplate(rw, r, http.StatusOK, "directory", "results", v)
		return
	}
	w.render(rw, r, http.StatusOK, "directory", v)
}

// regions returns the regions for filters and a map from region code to
// name.
func (w *Web) regions(ctx context.Context, actor *samspil.Actor) ([]samspil.Organization, map[string]string, error) {
	page, err := w.store.ListOrganizations(ctx, actor, samspil.OrganizationFilter{Kind: samspil.KindRegion, ListOptions: samspil.ListOptions{Limit: 100}})
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, o := range page.Items {
		names[o.Region] = o.Name
	}
	return page.Items, names, nil
}

type unitNode struct {
	samspil.OrgUnit
	Children []*unitNode
}

type organizationData struct {
	Org        *samspil.Organization
	RegionName string
	Units      []samspil.OrgUnit // depth-first, for the parent choice
	Tree       []*unitNode
	Members    []samspil.Membership
	CanUnits   bool
	CanPeople  bool
	CanManage  bool
	CanAudit   bool
	CanConsent bool                     // may choose which collaborations make partners
	Partners   []samspil.PartnerSetting // the organisation's collaborations and whether each makes partners
	UnitKinds  []samspil.UnitKind
	Form       samspil.OrgUnitInput // the add-unit form when it failed
}

func (w *Web) loadOrganization(ctx context.Context, actor *samspil.Actor, id string) (*organizationData, error) {
	org, err := w.store.FindOrganization(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	d := &organizationData{Org: org, UnitKinds: samspil.UnitKinds,
		CanUnits: actor.Can(samspil.PermUnitsWrite, org.ID), CanPeople: actor.Can(samspil.PermPeopleRead, org.ID),
		CanManage: actor.Can(samspil.PermPeopleManage, org.ID), CanAudit: actor.Can(samspil.PermAuditRead, org.ID),
		CanConsent: actor.ConsentsFor(org.ID)}
	units, err := w.store.UnitTree(ctx, actor, org.ID)
	if err != nil {
		return nil, err
	}
	d.Units, d.Tree = units, buildTree(units)
	if d.CanPeople {
		if d.Members, err = allMembers(ctx, w.store, actor, org.ID); err != nil {
			return nil, err
		}
		if d.Partners, err = w.store.PartnerSettings(ctx, actor, org.ID); err != nil {
			return nil, err
		}
	}
	_, names, err := w.regions(ctx, actor)
	if err != nil {
		return nil, err
	}
	d.RegionName = names[org.Region]
	return d, nil
}

// allPages reads every page of a list.
func allPages[T any](fetch func(cursor string) (*samspil.Page[T], error)) ([]T, error) {
	var out []T
	cursor := ""
	for {
		page, err := fetch(cursor)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			return out, nil
		}
	}
}

// allMembers reads an organisation's memberships.
func allMembers(ctx context.Context, store Store, actor *samspil.Actor, orgID string) ([]samspil.Membership, error) {
	return allPages(func(cursor string) (*samspil.Page[samspil.Membership], error) {
		return store.ListMemberships(ctx, actor, samspil.MembershipFilter{OrganizationID: orgID,
			ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
}

// buildTree nests depth-first units for rendering as nested lists.
func buildTree(units []samspil.OrgUnit) []*unitNode {
	var roots []*unitNode
	byID := map[string]*unitNode{}
	for _, u := range units {
		n := &unitNode{OrgUnit: u}
		byID[u.ID] = n
		if p, ok := byID[u.ParentID]; ok {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots
}

func (w *Web) organization(rw http.ResponseWriter, r *http.Request) {
	w.showOrganization(rw, r, http.StatusOK, nil, samspil.OrgUnitInput{})
}

func (w *Web) showOrganization(rw http.ResponseWriter, r *http.Request, status int, formErr error, form samspil.OrgUnitInput) {
	d, err := w.loadOrganization(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Form = form
	v := w.newView(r, "directory", d)
	v.Title = d.Org.Name
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "organization", v)
}

func (w *Web) createUnit(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := samspil.OrgUnitInput{Name: r.PostFormValue("name"), Kind: samspil.UnitKind(r.PostFormValue("kind")), ParentID: r.PostFormValue("parent_id"),
		IT: r.PostFormValue("it") == "1"}
	u, err := w.store.CreateUnit(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	if err != nil {
		if samspil.ErrorCode(err) == samspil.EINVALID {
			w.showOrganization(rw, r, httpx.Status(err), err, in)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+u.OrganizationID+"#units", "unit_created")
}

// unitData is a unit's page: what it is, where it sits, and its form.
type unitData struct {
	Org       *samspil.Organization
	Unit      *samspil.OrgUnit
	Parent    *samspil.OrgUnit
	Children  []samspil.OrgUnit
	Units     []samspil.OrgUnit // depth-first, for the parent choice
	UnitKinds []samspil.UnitKind
	CanUnits  bool
}

func (w *Web) unit(rw http.ResponseWriter, r *http.Request) {
	w.showUnit(rw, r, http.StatusOK, nil)
}

// showUnit shows a unit's page: the organisation page lists the units, and
// each unit's form is here, so that the list stays one line per unit.
func (w *Web) showUnit(rw http.ResponseWriter, r *http.Request, status int, formErr error) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := &unitData{Org: org, UnitKinds: samspil.UnitKinds, CanUnits: actor.Can(samspil.PermUnitsWrite, org.ID)}
	units, err := w.store.UnitTree(ctx, actor, org.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for i := range units {
		switch {
		case units[i].ID == r.PathValue("unit"):
			d.Unit = &units[i]
		case units[i].ParentID == r.PathValue("unit"):
			d.Children = append(d.Children, units[i])
		}
	}
	if d.Unit == nil {
		w.fail(rw, r, samspil.NotFound("unit"))
		return
	}
	for i := range units {
		if units[i].ID == d.Unit.ParentID {
			d.Parent = &units[i]
		}
	}
	if d.CanUnits {
		d.Units = units
	}
	v := w.newView(r, "directory", d)
	v.Title = d.Unit.Name
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "unit", v)
}

func (w *Web) updateUnit(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	name, kind, parent := r.PostFormValue("name"), samspil.UnitKind(r.PostFormValue("kind")), r.PostFormValue("parent_id")
	it := r.PostFormValue("it") == "1"
	u, err := w.store.UpdateUnit(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), r.PathValue("unit"), formVersion(r),
		samspil.OrgUnitPatch{Name: &name, Kind: &kind, ParentID: &parent, IT: &it})
	if err != nil {
		if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ESTALE {
			w.showUnit(rw, r, httpx.Status(err), err)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+u.OrganizationID+"#units", "unit_updated")
}

func (w *Web) deleteUnit(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	err := w.store.DeleteUnit(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), r.PathValue("unit"), formVersion(r))
	if err != nil {
		if code := samspil.ErrorCode(err); code == samspil.ECONFLICT || code == samspil.ESTALE {
			w.showUnit(rw, r, httpx.Status(err), err)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+r.PathValue("id")+"#units", "unit_deleted")
}
