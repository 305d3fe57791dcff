package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Relations between systems, as KITOS records them: a usage's page with its
// relations both ways and what is hit if it is phased out, and the
// interfaces on a system's page.

// relationRows is the data of the relations table (partials.html): the
// relations of one direction, outgoing or incoming, and whether to name the
// organisation of each (on a system's page).
type relationRows struct {
	View    *view
	Rows    []samspil.UsageRelation
	Dir     string
	ShowOrg bool
}

// relationFields is the data of a relation's form fields (partials.html):
// the values, the prefix of the ids, and whether the page's field errors
// are this form's.
type relationFields struct {
	View                                                                  *view
	Prefix                                                                string
	Errors                                                                bool
	ToUsageID, InterfaceID, Frequency, Description, Reference, ContractID string
}

type usagePageData struct {
	Roles       *rolesData
	Org         *samspil.Organization
	Usage       *samspil.Usage
	Relations   *samspil.UsageRelations
	Dependents  []samspil.Dependent
	CanEdit     bool
	Targets     []samspil.Usage           // the organisation's other usages
	Interfaces  []samspil.SystemInterface // those its relations may go through
	Contracts   []samspil.Contract
	Frequencies []samspil.RelationFrequency
	Form        samspil.UsageRelationInput // the new relation's form
	Edit        string                     // the relation, or the usage, whose form failed
	// The usage's own form (partial "usage_form"): its value lists, the
	// organisation's units by id, the contracts it may have as its main
	// contract, and the name of the one it has.
	Lifecycles       []samspil.Lifecycle
	Visibilities     []samspil.Visibility
	Bands            []samspil.UserBand
	KITOS            kitosLists
	Classifications  []samspil.DataClassificationLevel
	Units            map[string]string
	MainContracts    []contractOption
	MainContractName string
}

func (w *Web) usagePage(rw http.ResponseWriter, r *http.Request) {
	w.showUsage(rw, r, http.StatusOK, nil, samspil.UsageRelationInput{}, "")
}

func (w *Web) showUsage(rw http.ResponseWriter, r *http.Request, status int, formErr error, form samspil.UsageRelationInput, edit string) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	u, err := w.store.FindUsage(ctx, actor, r.PathValue("usage"))
	if err == nil && u.OrganizationID != r.PathValue("id") {
		err = samspil.NotFound("usage")
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	org, err := w.store.FindOrganization(ctx, actor, u.OrganizationID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := usagePageData{Org: org, Usage: u, CanEdit: actor.Can(samspil.PermLandscapeWrite, org.ID), Frequencies: samspil.RelationFrequencies,
		Form: form, Edit: edit, Lifecycles: samspil.Lifecycles, Visibilities: samspil.Visibilities, Bands: samspil.UserBands, KITOS: kitos,
		Units: map[string]string{}}
	if d.Relations, err = w.store.UsageRelations(ctx, actor, u.ID); err != nil {
		w.fail(rw, r, err)
		return
	}
	if d.Roles, err = w.rolesOf(r, samspil.RoleOnUsage, u.ID, org.ID, "/organizations/"+org.ID+"/usages/"+u.ID); err != nil {
		w.fail(rw, r, err)
		return
	}
	if d.Dependents, err = w.store.UsageDependents(ctx, actor, u.ID); err != nil {
		w.fail(rw, r, err)
		return
	}
	if d.CanEdit {
		usages, err := allPages(func(cursor string) (*samspil.Page[samspil.Usage], error) {
			return w.store.ListUsages(ctx, actor, samspil.UsageFilter{OrganizationID: org.ID, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		})
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, other := range usages {
			if other.ID != u.ID {
				d.Targets = append(d.Targets, other)
			}
		}
		if d.Interfaces, err = w.store.UsableInterfaces(ctx, actor, org.ID); err != nil {
			w.fail(rw, r, err)
			return
		}
		// The contracts offered, as main contract and as the contract that
		// governs a relation, are those covering the usage's system (and
		// a relation's own), so that the page stays short however many
		// contracts the organisation has.
		if d.Contracts, err = w.store.AllContracts(ctx, actor, samspil.ContractFilter{OrganizationID: org.ID, SystemID: u.SystemID}); err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, rel := range d.Relations.Outgoing {
			if rel.ContractID != "" && !slices.ContainsFunc(d.Contracts, func(c samspil.Contract) bool { return c.ID == rel.ContractID }) {
				d.Contracts = append(d.Contracts, samspil.Contract{ID: rel.ContractID, Name: rel.ContractName})
			}
		}
		if d.Classifications, err = w.store.DataClassifications(ctx, actor, org.ID); err != nil {
			w.fail(rw, r, err)
			return
		}
		units, err := w.store.UnitTree(ctx, actor, org.ID)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, unit := range units {
			d.Units[unit.ID] = unit.Name
		}
	}
	if u.MainContractID != "" {
		if c, err := w.store.FindContract(ctx, actor, u.MainContractID); err == nil {
			d.MainContractName = c.Name
		}
	}
	if d.CanEdit {
		d.MainContracts = mainContractOptions(u, d.MainContractName, d.Contracts)
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "usage.title", u.SystemName, org.Name)
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "usage", v)
}

// relationForm reads the relation form.
func relationForm(r *http.Request) samspil.UsageRelationInput {
	return samspil.UsageRelationInput{ToUsageID: r.PostFormValue("to_usage_id"), InterfaceID: r.PostFormValue("interface_id"),
		Frequency: samspil.RelationFrequency(r.PostFormValue("frequency")), Description: r.PostFormValue("description"),
		Reference: r.PostFormValue("reference"), ContractID: r.PostFormValue("contract_id")}
}

// usagePath is the page of the path's usage, at its relations.
func usagePath(r *http.Request) string {
	return "/organizations/" + r.PathValue("id") + "/usages/" + r.PathValue("usage") + "#relations"
}

func (w *Web) createRelation(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) || !w.usageInPathOrg(rw, r) {
		return
	}
	in := relationForm(r)
	_, err := w.store.CreateUsageRelation(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("usage"), in)
	w.afterRelationChange(rw, r, err, "relation_created", in, "")
}

// relationInPathUsage answers 404 unless the path's relation starts from
// the path's usage.
func (w *Web) relationInPathUsage(rw http.ResponseWriter, r *http.Request) bool {
	rel, err := w.store.FindUsageRelation(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("relation"))
	if err == nil && rel.FromUsageID != r.PathValue("usage") {
		err = samspil.NotFound("relation")
	}
	if err != nil {
		w.fail(rw, r, err)
		return false
	}
	return true
}

func (w *Web) updateRelation(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) || !w.usageInPathOrg(rw, r) || !w.relationInPathUsage(rw, r) {
		return
	}
	in := relationForm(r)
	p := samspil.UsageRelationPatch{ToUsageID: &in.ToUsageID, InterfaceID: &in.InterfaceID, Frequency: &in.Frequency,
		Description: &in.Description, Reference: &in.Reference, ContractID: &in.ContractID}
	_, err := w.store.UpdateUsageRelation(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("relation"), formVersion(r), p)
	w.afterRelationChange(rw, r, err, "relation_updated", samspil.UsageRelationInput{}, r.PathValue("relation"))
}

func (w *Web) deleteRelation(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) || !w.usageInPathOrg(rw, r) || !w.relationInPathUsage(rw, r) {
		return
	}
	err := w.store.DeleteUsageRelation(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("relation"), formVersion(r))
	w.afterRelationChange(rw, r, err, "relation_deleted", samspil.UsageRelationInput{}, r.PathValue("relation"))
}

func (w *Web) afterRelationChange(rw http.ResponseWriter, r *http.Request, err error, done string, form samspil.UsageRelationInput, edit string) {
	if err != nil {
		switch samspil.ErrorCode(err) {
		case samspil.EINVALID, samspil.ECONFLICT, samspil.ESTALE, samspil.EFORBIDDEN:
			w.showUsage(rw, r, httpx.Status(err), err, form, edit)
		default:
			w.fail(rw, r, err)
		}
		return
	}
	redirect(rw, r, usagePath(r), done)
}

// interfaceForm reads the interface form.
func interfaceForm(r *http.Request) samspil.SystemInterfaceInput {
	return samspil.SystemInterfaceInput{Name: r.PostFormValue("name"), Identifier: r.PostFormValue("identifier"),
		InterfaceVersion: r.PostFormValue("interface_version"), Description: r.PostFormValue("description"), URL: strings.TrimSpace(r.PostFormValue("url"))}
}

func (w *Web) createInterface(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := interfaceForm(r)
	_, err := w.store.CreateSystemInterface(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	w.afterInterfaceChange(rw, r, err, "interface_created", func(d *systemData) { d.InterfaceForm = in })
}

// interfaceInPathSystem answers 404 unless the path's interface is the
// path's system's.
func (w *Web) interfaceInPathSystem(rw http.ResponseWriter, r *http.Request) bool {
	i, err := w.store.FindSystemInterface(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("interface"))
	if err == nil && i.SystemID != r.PathValue("id") {
		err = samspil.NotFound("interface")
	}
	if err != nil {
		w.fail(rw, r, err)
		return false
	}
	return true
}

func (w *Web) updateInterface(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) || !w.interfaceInPathSystem(rw, r) {
		return
	}
	in := interfaceForm(r)
	_, err := w.store.UpdateSystemInterface(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("interface"), formVersion(r),
		samspil.SystemInterfacePatch{Name: &in.Name, Identifier: &in.Identifier, InterfaceVersion: &in.InterfaceVersion, Description: &in.Description, URL: &in.URL})
	w.afterInterfaceChange(rw, r, err, "interface_updated", func(d *systemData) { d.EditInterface = r.PathValue("interface") })
}

func (w *Web) deleteInterface(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) || !w.interfaceInPathSystem(rw, r) {
		return
	}
	err := w.store.DeleteSystemInterface(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("interface"), formVersion(r))
	w.afterInterfaceChange(rw, r, err, "interface_deleted", func(d *systemData) { d.EditInterface = r.PathValue("interface") })
}

func (w *Web) afterInterfaceChange(rw http.ResponseWriter, r *http.Request, err error, done string, keep func(*systemData)) {
	if err != nil {
		switch samspil.ErrorCode(err) {
		case samspil.EINVALID, samspil.ECONFLICT, samspil.ESTALE, samspil.EFORBIDDEN:
			w.showSystem(rw, r, httpx.Status(err), err, samspil.UsageInput{Lifecycle: samspil.LifecycleOperational}, keep)
		default:
			w.fail(rw, r, err)
		}
		return
	}
	redirect(rw, r, "/systems/"+r.PathValue("id")+"#interfaces", done)
}

// contractOption is a contract a form offers.
type contractOption struct{ ID, Name string }

// mainContractOptions returns the contracts that may be a usage's main
// contract: those covering its system (covering, in their order), and the
// contract it has, named mainName, even if that no longer covers it.
func mainContractOptions(u *samspil.Usage, mainName string, covering []samspil.Contract) []contractOption {
	var opts []contractOption
	for _, c := range covering {
		opts = append(opts, contractOption{c.ID, c.Name})
	}
	if u.MainContractID != "" && !slices.ContainsFunc(covering, func(c samspil.Contract) bool { return c.ID == u.MainContractID }) {
		opts = append(opts, contractOption{u.MainContractID, mainName})
	}
	return opts
}
