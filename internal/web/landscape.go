package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/dkmap"
	"github.com/samspil/samspil/internal/httpx"
)

// The IT landscape: the shared system catalogue, a system's page with who
// uses it (list and map), and an organisation's usages.

type catalogueData struct {
	Query      string
	Category   string
	OS2        bool
	Categories []samspil.Category
	Page       *samspil.Page[samspil.System]
	Next       string
	CanPropose bool
}

func (w *Web) catalogue(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	actor := httpx.ActorFrom(r.Context())
	d := catalogueData{Query: q.Get("q"), Category: q.Get("category"), OS2: q.Get("os2") == "true", Categories: samspil.Categories,
		CanPropose: len(actor.OrgsWhere(samspil.PermLandscapeWrite)) > 0 || actor.IsOperator()}
	page, err := w.store.ListSystems(r.Context(), actor, samspil.SystemFilter{Query: d.Query, Category: samspil.Category(d.Category), OS2: d.OS2,
		ListOptions: samspil.ListOptions{Cursor: q.Get("cursor"), Limit: 100}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Page = page
	if page.NextCursor != "" {
		next := url.Values{"q": {d.Query}, "category": {d.Category}, "cursor": {page.NextCursor}}
		if d.OS2 {
			next.Set("os2", "true")
		}
		d.Next = "/systems?" + next.Encode()
	}
	v := w.newView(r, "catalogue", d)
	v.Title = w.cat.text(v.Lang, "catalogue.title")
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true" {
		w.renderTemplate(rw, r, http.StatusOK, "catalogue", "results", v)
		return
	}
	w.render(rw, r, http.StatusOK, "catalogue", v)
}

type systemData struct {
	System       *samspil.System
	Tasks        []samspil.Task
	WhoUses      []samspil.WhoUses
	Map          template.HTML
	Counts       map[string]int // map class -> number of organisations
	CanEdit      bool
	Categories   []samspil.Category
	Visibilities []samspil.Visibility
	Lifecycles   []samspil.Lifecycle
	Orgs         []samspil.Organization // the actor's organisations that may register a usage
	Form         samspil.UsageInput
	// The interfaces the system exposes and the relations of its usages
	// (relations.go).
	Interfaces    []samspil.SystemInterface
	Relations     *samspil.UsageRelations
	InterfaceForm samspil.SystemInterfaceInput
	EditInterface string // the interface being edited after a failed save
	// Parent is the entry the system is part of, when the reader may see it.
	Parent                 *samspil.System
	ArchiveRecommendations []samspil.ArchiveRecommendation
}

// mapClass is the map colour of a lifecycle phase.
func mapClass(l samspil.Lifecycle) string {
	switch l {
	case samspil.LifecycleOperational:
		return "uses"
	case samspil.LifecyclePlanned, samspil.LifecyclePilot, samspil.LifecyclePhasingIn:
		return "plans"
	case samspil.LifecyclePhasingOut:
		return "phasing-out"
	}
	return "none"
}

func (w *Web) systemPage(rw http.ResponseWriter, r *http.Request) {
	w.showSystem(rw, r, http.StatusOK, nil, samspil.UsageInput{Lifecycle: samspil.LifecycleOperational})
}

func (w *Web) showSystem(rw http.ResponseWriter, r *http.Request, status int, formErr error, form samspil.UsageInput, keep ...func(*systemData)) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	s, err := w.store.FindSystem(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := systemData{System: s, CanEdit: actor.Can(samspil.PermLandscapeWrite, s.OwnerID), Categories: samspil.Categories, Visibilities: samspil.Visibilities,
		Lifecycles: samspil.Lifecycles, Form: form, Counts: map[string]int{}, ArchiveRecommendations: samspil.ArchiveRecommendations}
	if s.ParentID != "" {
		if d.Parent, err = w.store.FindSystem(ctx, actor, s.ParentID); samspil.ErrorCode(err) == samspil.ENOTFOUND {
			d.Parent = nil
		} else if err != nil {
			w.fail(rw, r, err)
			return
		}
	}
	for _, code := range s.Tasks {
		if t, err := w.store.FindTask(ctx, code); err == nil {
			d.Tasks = append(d.Tasks, *t)
		} else {
			d.Tasks = append(d.Tasks, samspil.Task{Code: code})
		}
	}
	if d.WhoUses, err = w.store.WhoUses(ctx, actor, s.ID); err != nil {
		w.fail(rw, r, err)
		return
	}
	lang := language(r)
	shades := map[string]dkmap.Shade{}
	for _, u := range d.WhoUses {
		if u.MunicipalityCode == "" {
			continue
		}
		class := mapClass(u.Lifecycle)
		d.Counts[class]++
		shades[u.MunicipalityCode] = dkmap.Shade{Class: class, Href: "/organizations/" + u.OrganizationID + "/landscape",
			Label: u.OrganizationName + ": " + w.cat.text(lang, "lifecycle."+string(u.Lifecycle))}
	}
	var buf bytes.Buffer
	if err := dkmap.Render(&buf, shades, dkmap.Options{ID: "who-uses-map", Title: w.cat.text(lang, "system.map_title", s.Name),
		Desc: w.cat.text(lang, "system.map_desc")}); err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Map = template.HTML(buf.String()) // dkmap escapes every value it writes
	if d.Interfaces, err = w.store.SystemInterfaces(ctx, actor, s.ID); err != nil {
		w.fail(rw, r, err)
		return
	}
	if d.Relations, err = w.store.SystemRelations(ctx, actor, s.ID); err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, k := range keep {
		k(&d)
	}
	orgs, err := w.writableOrgs(ctx, actor)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	// An organisation registers a system once: those that have are not
	// offered the form again.
	for _, o := range orgs {
		if !slices.ContainsFunc(d.WhoUses, func(u samspil.WhoUses) bool { return u.OrganizationID == o.ID }) {
			d.Orgs = append(d.Orgs, o)
		}
	}
	if s.Deactivated {
		d.Orgs = nil // a deactivated entry gets no new usages
	}
	v := w.newView(r, "catalogue", d)
	v.Title = s.Name
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "system", v)
}

// writableOrgs returns the organisations whose landscape the actor may
// change.
func (w *Web) writableOrgs(ctx context.Context, actor *samspil.Actor) ([]samspil.Organization, error) {
	var orgs []samspil.Organization
	for _, id := range actor.OrgsWhere(samspil.PermLandscapeWrite) {
		o, err := w.store.FindOrganization(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		orgs = append(orgs, *o)
	}
	return orgs, nil
}

// systemForm reads the catalogue entry form.
func systemForm(r *http.Request) samspil.SystemInput {
	return samspil.SystemInput{Name: r.PostFormValue("name"), VendorID: strings.TrimSpace(r.PostFormValue("vendor_id")),
		Category: samspil.Category(r.PostFormValue("category")), Tasks: strings.Fields(strings.ReplaceAll(r.PostFormValue("tasks"), ",", " ")),
		Description: r.PostFormValue("description"), OpenSource: r.PostFormValue("open_source") == "true",
		OS2Product: r.PostFormValue("os2_product") == "true", Homepage: r.PostFormValue("homepage"),
		OwnerID: r.PostFormValue("owner_id"), Visibility: samspil.Visibility(r.PostFormValue("visibility")),
		SystemKITOSFields: samspil.SystemKITOSFields{ParentID: r.PostFormValue("parent_id"), FormerNames: strings.Split(r.PostFormValue("former_names"), "\n"),
			Deactivated: r.PostFormValue("deactivated") == "true", ArchiveRecommendation: samspil.ArchiveRecommendation(r.PostFormValue("archive_recommendation"))}}
}

type systemFormData struct {
	Form                   samspil.SystemInput
	Orgs                   []samspil.Organization
	Categories             []samspil.Category
	Visibilities           []samspil.Visibility
	ArchiveRecommendations []samspil.ArchiveRecommendation
}

func (w *Web) newSystemPage(rw http.ResponseWriter, r *http.Request) {
	// Like the contract and import forms, the form is only for those who
	// may send it (the catalogue shows them the link).
	if actor := httpx.ActorFrom(r.Context()); len(actor.OrgsWhere(samspil.PermLandscapeWrite)) == 0 && !actor.IsOperator() {
		w.fail(rw, r, samspil.Errorf(samspil.EFORBIDDEN, "this needs the %s permission (%s)", samspil.PermLandscapeWrite,
			samspil.Permissions[samspil.PermLandscapeWrite].Doc))
		return
	}
	w.showSystemForm(rw, r, http.StatusOK, nil, samspil.SystemInput{Category: samspil.CategoryOther, Visibility: samspil.VisibilitySector})
}

func (w *Web) showSystemForm(rw http.ResponseWriter, r *http.Request, status int, formErr error, form samspil.SystemInput) {
	actor := httpx.ActorFrom(r.Context())
	orgs, err := w.writableOrgs(r.Context(), actor)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "catalogue", systemFormData{Form: form, Orgs: orgs, Categories: samspil.Categories, Visibilities: samspil.Visibilities,
		ArchiveRecommendations: samspil.ArchiveRecommendations})
	v.Title = w.cat.text(v.Lang, "system.new")
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "system_new", v)
}

func (w *Web) createSystem(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := systemForm(r)
	s, err := w.store.CreateSystem(r.Context(), httpx.ActorFrom(r.Context()), in)
	if err != nil {
		if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ECONFLICT {
			w.showSystemForm(rw, r, httpx.Status(err), err, in)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/systems/"+s.ID, "system_created")
}

// mergeSystem folds a duplicate catalogue entry into this one (operators).
func (w *Web) mergeSystem(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	_, err := w.store.MergeSystems(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), strings.TrimSpace(r.PostFormValue("duplicate_id")))
	if err != nil {
		if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ENOTFOUND {
			w.showSystem(rw, r, httpx.Status(err), err, samspil.UsageInput{Lifecycle: samspil.LifecycleOperational})
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/systems/"+r.PathValue("id"), "system_merged")
}

func (w *Web) updateSystem(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := systemForm(r)
	p := samspil.SystemPatch{Name: &in.Name, VendorID: &in.VendorID, Category: &in.Category, Tasks: &in.Tasks, Description: &in.Description,
		OpenSource: &in.OpenSource, OS2Product: &in.OS2Product, Homepage: &in.Homepage, Visibility: &in.Visibility,
		SystemKITOSPatch: samspil.SystemKITOSPatch{ParentID: &in.ParentID, FormerNames: &in.FormerNames, Deactivated: &in.Deactivated,
			ArchiveRecommendation: &in.ArchiveRecommendation}}
	_, err := w.store.UpdateSystem(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r), p)
	if err != nil {
		if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ESTALE {
			w.showSystem(rw, r, httpx.Status(err), err, samspil.UsageInput{Lifecycle: samspil.LifecycleOperational})
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/systems/"+r.PathValue("id"), "system_updated")
}

// usageForm reads the usage form; dates are YYYY-MM-DD from date inputs.
func usageForm(r *http.Request) (samspil.UsageInput, error) {
	in := samspil.UsageInput{OrganizationID: r.PostFormValue("organization_id"), SystemID: r.PostFormValue("system_id"),
		Lifecycle: samspil.Lifecycle(r.PostFormValue("lifecycle")), UserBand: samspil.UserBand(r.PostFormValue("user_band")), Notes: r.PostFormValue("notes"),
		Visibility: samspil.Visibility(r.PostFormValue("visibility")), ResponsibleUnitID: r.PostFormValue("responsible_unit_id"),
		ShareExperience: r.PostFormValue("share_experience") != "", ExperienceContactName: r.PostFormValue("experience_contact_name"),
		ExperienceContactEmail: r.PostFormValue("experience_contact_email")}
	var v samspil.Validation
	in.From = formDate(&v, r, "from")
	in.Until = formDate(&v, r, "until")
	in.UsageKITOSFields = usageKITOSForm(&v, r)
	return in, v.Err()
}

// formDate reads an optional date field, recording a field error when it
// is not a date.
func formDate(v *samspil.Validation, r *http.Request, field string) *samspil.Date {
	s := strings.TrimSpace(r.PostFormValue(field))
	if s == "" {
		return nil
	}
	d, err := samspil.ParseDate(s)
	if err != nil {
		v.Add(field, "%q is not a date of the form YYYY-MM-DD such as 2026-01-31", s)
		return nil
	}
	return &d
}

func (w *Web) createUsage(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in, err := usageForm(r)
	if err == nil {
		var u *samspil.Usage
		if u, err = w.store.CreateUsage(r.Context(), httpx.ActorFrom(r.Context()), in); err == nil {
			redirect(rw, r, "/organizations/"+u.OrganizationID+"/landscape", "usage_created")
			return
		}
	}
	if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ECONFLICT {
		r.SetPathValue("id", in.SystemID)
		w.showSystem(rw, r, httpx.Status(err), err, in)
		return
	}
	w.fail(rw, r, err)
}

// landscapeData is an organisation's landscape page: a page of its usages,
// its most urgent contracts and a page of its data processing
// registrations. Each
// usage is changed on its own page (usage.html).
type landscapeData struct {
	Org        *samspil.Organization
	Usages     []samspil.Usage
	Contracts  []samspil.Contract
	Processing []samspil.DataProcessingRegistration            // the organisation's data processing registrations
	Covering   map[string][]samspil.DataProcessingRegistration // by usage id: the registrations that cover it
	Units      map[string]string
	CanEdit    bool
	Urgency    samspil.Urgency // no filter here; the contract table shares the deadlines page's
	Today      samspil.Date    // the day urgency is measured from
	// NextUsages and FirstUsages page through the usages; MoreContracts
	// tells that the organisation has more contracts than shown.
	NextUsages, FirstUsages               string
	NextRegistrations, FirstRegistrations string
	MoreContracts                         bool
}

// The landscape page shows this many usages and registrations at a time
// and this many of the most urgent contracts; the deadlines page has them
// all.
const (
	landscapeUsages        = 100
	landscapeContracts     = 25
	landscapeRegistrations = 50
)

func (w *Web) landscape(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := landscapeData{Org: org, Today: samspil.Today(w.now()), CanEdit: actor.Can(samspil.PermLandscapeWrite, org.ID), Units: map[string]string{}}
	cursor := r.URL.Query().Get("usages")
	usages, err := w.store.ListUsages(ctx, actor, samspil.UsageFilter{OrganizationID: org.ID,
		ListOptions: samspil.ListOptions{Cursor: cursor, Limit: landscapeUsages}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	base := "/organizations/" + org.ID + "/landscape"
	d.Usages = usages.Items
	if usages.NextCursor != "" {
		d.NextUsages = base + "?" + url.Values{"usages": {usages.NextCursor}}.Encode() + "#usages-h"
	}
	if cursor != "" {
		d.FirstUsages = base + "#usages-h"
	}
	contracts, err := w.store.ListContracts(ctx, actor, samspil.ContractFilter{OrganizationID: org.ID, Sort: samspil.SortByUrgency,
		ListOptions: samspil.ListOptions{Limit: landscapeContracts}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Contracts, d.MoreContracts = contracts.Items, contracts.NextCursor != ""
	ids := make([]string, len(d.Usages))
	for i, u := range d.Usages {
		ids[i] = u.ID
	}
	if d.Covering, err = w.store.DataProcessingCovering(ctx, actor, ids); err != nil {
		w.fail(rw, r, err)
		return
	}
	regCursor := r.URL.Query().Get("registrations")
	regs, err := w.store.ListDataProcessing(ctx, actor, samspil.DataProcessingFilter{OrganizationID: org.ID,
		ListOptions: samspil.ListOptions{Cursor: regCursor, Limit: landscapeRegistrations}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Processing = regs.Items
	if regs.NextCursor != "" {
		d.NextRegistrations = base + "?" + url.Values{"registrations": {regs.NextCursor}}.Encode() + "#dpr-h"
	}
	if regCursor != "" {
		d.FirstRegistrations = base + "#dpr-h"
	}
	units, err := w.store.UnitTree(ctx, actor, org.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, u := range units {
		d.Units[u.ID] = u.Name
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "landscape.title", org.Name)
	w.render(rw, r, http.StatusOK, "landscape", v)
}

func (w *Web) updateUsage(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	if !w.usageInPathOrg(rw, r) {
		return
	}
	in, err := usageForm(r)
	if err == nil {
		empty := samspil.Date{}
		from, until := in.From, in.Until
		if from == nil {
			from = &empty // an empty field clears the date
		}
		if until == nil {
			until = &empty
		}
		_, err = w.store.UpdateUsage(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("usage"), formVersion(r), samspil.UsagePatch{
			Lifecycle: &in.Lifecycle, From: from, Until: until, UserBand: &in.UserBand, Notes: &in.Notes, Visibility: &in.Visibility,
			ResponsibleUnitID: &in.ResponsibleUnitID, ShareExperience: &in.ShareExperience, ExperienceContactName: &in.ExperienceContactName,
			ExperienceContactEmail: &in.ExperienceContactEmail, UsageKITOSPatch: usageKITOSPatch(in.UsageKITOSFields)})
	}
	w.afterUsageChange(rw, r, err, "usage_updated")
}

func (w *Web) deleteUsage(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	if !w.usageInPathOrg(rw, r) {
		return
	}
	err := w.store.DeleteUsage(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("usage"), formVersion(r))
	w.afterUsageChange(rw, r, err, "usage_deleted")
}

// usageInPathOrg answers 404 unless the path's usage belongs to the path's
// organisation, so that a form never changes one landscape from another's page.
func (w *Web) usageInPathOrg(rw http.ResponseWriter, r *http.Request) bool {
	u, err := w.store.FindUsage(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("usage"))
	if err == nil && u.OrganizationID != r.PathValue("id") {
		err = samspil.NotFound("usage")
	}
	if err != nil {
		w.fail(rw, r, err)
		return false
	}
	return true
}

// afterUsageChange shows the usage's page again with the failed form, or
// goes to it after a change and to the landscape after a deletion.
func (w *Web) afterUsageChange(rw http.ResponseWriter, r *http.Request, err error, done string) {
	if err != nil {
		switch samspil.ErrorCode(err) {
		case samspil.EINVALID, samspil.ECONFLICT, samspil.ESTALE, samspil.EFORBIDDEN:
			w.showUsage(rw, r, httpx.Status(err), err, samspil.UsageRelationInput{}, r.PathValue("usage"))
		default:
			w.fail(rw, r, err)
		}
		return
	}
	org := "/organizations/" + r.PathValue("id")
	if done == "usage_deleted" {
		redirect(rw, r, org+"/landscape", done)
		return
	}
	redirect(rw, r, org+"/usages/"+r.PathValue("usage"), done)
}

// atoiOr parses a whole number form field, recording a field error.
func atoiOr(v *samspil.Validation, r *http.Request, field string) int {
	s := strings.TrimSpace(r.PostFormValue(field))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		v.Add(field, "must be a whole number")
	}
	return n
}
