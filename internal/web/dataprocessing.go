package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Data processing registrations ("databehandling"): the page of one, its
// form, and the registrations on the landscape, usage rows and contract
// pages. The texts follow KITOS's Danish labels.

type dataProcessingFormData struct {
	Org          *samspil.Organization
	Registration *samspil.DataProcessingRegistration // nil when new
	Form         samspil.DataProcessingInput
	Countries    string           // the third countries as typed
	Groups       []processorGroup // the processors, then the sub-processors
	Usages       []samspil.Usage
	Contracts    []samspil.Contract
	Selected     map[string]bool // usages, contracts and kinds of personal data ticked
	Responsibles []samspil.DataResponsible
	Answers      []samspil.YesNoIrrelevant
	Bases        []samspil.TransferBasis
	Intervals    []samspil.OversightInterval
	Kinds        []samspil.PersonalDataKind
	Visibilities []samspil.Visibility
}

// processorGroup is the rows of processors or of sub-processors in the
// form, with one empty row more than given.
type processorGroup struct {
	Sub  bool   // sub-processors
	Hint string // id of the hint
	Rows []processorRow
}

// processorRow is one processor of the form; OrgPath and CountryPath are
// the JSON paths its errors are reported at.
type processorRow struct {
	N                    int    // 1-based
	ID                   string // prefix of the element ids
	Prefix               string // prefix of the field names
	OrgPath, CountryPath string
	Org, Country         string
}

func processorGroupOf(sub bool, prefix, path string, ps []samspil.DataProcessor) processorGroup {
	g := processorGroup{Sub: sub, Hint: "h-" + prefix}
	for i, p := range append(append([]samspil.DataProcessor{}, ps...), samspil.DataProcessor{}) {
		at := path + "[" + strconv.Itoa(i) + "]"
		g.Rows = append(g.Rows, processorRow{N: i + 1, ID: prefix + "-" + strconv.Itoa(i), Prefix: prefix, OrgPath: at + ".organization_id",
			CountryPath: at + ".country", Org: p.OrganizationID, Country: p.Country})
	}
	return g
}

// formFieldOf names the form field of an error's path: every third
// country is one field.
func formFieldOf(path string) string {
	if strings.HasPrefix(path, "third_countries[") {
		return "third_countries"
	}
	return path
}

// processorRows reads the rows of processors of a form: the organisation
// (ID or CVR number) and the country of each; rows left empty are skipped.
func processorRows(r *http.Request, prefix string) []samspil.DataProcessor {
	orgs, countries := r.PostForm[prefix+"_org"], r.PostForm[prefix+"_country"]
	out := []samspil.DataProcessor{}
	for i, org := range orgs {
		country := ""
		if i < len(countries) {
			country = countries[i]
		}
		if strings.TrimSpace(org) == "" && strings.TrimSpace(country) == "" {
			continue
		}
		out = append(out, samspil.DataProcessor{OrganizationID: strings.TrimSpace(org), Country: strings.TrimSpace(country)})
	}
	return out
}

// splitCountries reads "US, GB" or "US GB".
func splitCountries(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}

// dataProcessingForm reads the registration form.
func dataProcessingForm(r *http.Request) (samspil.DataProcessingInput, string, error) {
	var v samspil.Validation
	countries := r.PostFormValue("third_countries")
	in := samspil.DataProcessingInput{OrganizationID: r.PathValue("id"), Name: r.PostFormValue("name"),
		DataResponsible: samspil.DataResponsible(r.PostFormValue("data_responsible")), UsageIDs: r.PostForm["usage_ids"],
		ContractIDs: r.PostForm["contract_ids"], AgreementConcluded: samspil.YesNoIrrelevant(r.PostFormValue("agreement_concluded")),
		Processors: processorRows(r, "processor"), SubProcessors: processorRows(r, "sub_processor"),
		TransferBasis: samspil.TransferBasis(r.PostFormValue("transfer_basis")), ThirdCountries: splitCountries(countries),
		Notes: r.PostFormValue("notes"), Visibility: samspil.Visibility(r.PostFormValue("visibility"))}
	in.AgreementDate = formDate(&v, r, "agreement_date")
	for _, k := range r.PostForm["personal_data"] {
		in.PersonalData = append(in.PersonalData, samspil.PersonalDataKind(k))
	}
	in.Oversight = samspil.Oversight{Interval: samspil.OversightInterval(r.PostFormValue("oversight.interval")),
		Result: r.PostFormValue("oversight.result"), DocumentURL: strings.TrimSpace(r.PostFormValue("oversight.document_url"))}
	in.Oversight.LastDate = formDate(&v, r, "oversight.last_date")
	in.Oversight.PlannedDate = formDate(&v, r, "oversight.planned_date")
	return in, countries, v.Err()
}

func (w *Web) dataProcessingFormData(ctx context.Context, actor *samspil.Actor, org *samspil.Organization, reg *samspil.DataProcessingRegistration,
	in samspil.DataProcessingInput, countries string) (*dataProcessingFormData, error) {
	usages, err := allPages(func(cursor string) (*samspil.Page[samspil.Usage], error) {
		return w.store.ListUsages(ctx, actor, samspil.UsageFilter{OrganizationID: org.ID, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		return nil, err
	}
	contracts, err := w.store.AllContracts(ctx, actor, samspil.ContractFilter{OrganizationID: org.ID})
	if err != nil {
		return nil, err
	}
	d := &dataProcessingFormData{Org: org, Registration: reg, Form: in, Countries: countries, Usages: usages, Contracts: contracts,
		Selected: map[string]bool{}, Responsibles: samspil.DataResponsibles, Answers: samspil.YesNoIrrelevants, Bases: samspil.TransferBases,
		Intervals: samspil.OversightIntervals, Kinds: samspil.PersonalDataKinds, Visibilities: samspil.Visibilities}
	for _, ids := range [][]string{in.UsageIDs, in.ContractIDs} {
		for _, id := range ids {
			d.Selected[id] = true
		}
	}
	for _, k := range in.PersonalData {
		d.Selected[string(k)] = true
	}
	d.Groups = []processorGroup{processorGroupOf(false, "processor", "processors", in.Processors),
		processorGroupOf(true, "sub_processor", "sub_processors", in.SubProcessors)}
	return d, nil
}

func (w *Web) newDataProcessingPage(rw http.ResponseWriter, r *http.Request) {
	in := samspil.DataProcessingInput{Visibility: samspil.VisibilityPrivate}
	if u := r.URL.Query().Get("usage"); u != "" {
		in.UsageIDs = []string{u}
	}
	if c := r.URL.Query().Get("contract"); c != "" {
		in.ContractIDs = []string{c}
	}
	w.showDataProcessingForm(rw, r, http.StatusOK, nil, nil, in, "")
}

func (w *Web) showDataProcessingForm(rw http.ResponseWriter, r *http.Request, status int, formErr error, reg *samspil.DataProcessingRegistration,
	in samspil.DataProcessingInput, countries string) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	orgID := r.PathValue("id")
	if reg != nil {
		orgID = reg.OrganizationID
	}
	org, err := w.store.FindOrganization(ctx, actor, orgID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if !actor.Can(samspil.PermLandscapeWrite, org.ID) {
		w.fail(rw, r, samspil.Errorf(samspil.EFORBIDDEN, "only administrators and editors of %s may change its IT landscape", org.Name))
		return
	}
	d, err := w.dataProcessingFormData(ctx, actor, org, reg, in, countries)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "dpr.new")
	if reg != nil {
		v.Title = reg.Name
	}
	if formErr != nil {
		w.withError(v, samspil.RenameFields(formErr, formFieldOf))
	}
	w.render(rw, r, status, "dataprocessing_form", v)
}

func (w *Web) createDataProcessing(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in, countries, err := dataProcessingForm(r)
	if err == nil {
		var reg *samspil.DataProcessingRegistration
		if reg, err = w.store.CreateDataProcessing(r.Context(), httpx.ActorFrom(r.Context()), in); err == nil {
			redirect(rw, r, "/data-processing/"+reg.ID, "dpr_created")
			return
		}
	}
	if samspil.ErrorCode(err) == samspil.EINVALID {
		w.showDataProcessingForm(rw, r, httpx.Status(err), err, nil, in, countries)
		return
	}
	w.fail(rw, r, err)
}

// dataProcessingInput turns a stored registration back into form values.
func dataProcessingInput(reg *samspil.DataProcessingRegistration) (samspil.DataProcessingInput, string) {
	in := samspil.DataProcessingInput{OrganizationID: reg.OrganizationID, Name: reg.Name, DataResponsible: reg.DataResponsible,
		UsageIDs: reg.UsageIDs(), ContractIDs: reg.ContractIDs(), AgreementConcluded: reg.AgreementConcluded, AgreementDate: reg.AgreementDate,
		Processors: reg.Processors, SubProcessors: reg.SubProcessors, TransferBasis: reg.TransferBasis, ThirdCountries: reg.ThirdCountries,
		PersonalData: reg.PersonalData, Oversight: reg.Oversight, Notes: reg.Notes, Visibility: reg.Visibility}
	return in, strings.Join(reg.ThirdCountries, ", ")
}

type dataProcessingPageData struct {
	Roles        *rolesData
	Registration *samspil.DataProcessingRegistration
	Urgency      samspil.Urgency // of the next oversight, today
	Overdue      bool
	CanEdit      bool
}

func (w *Web) dataProcessingPage(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	reg, err := w.store.FindDataProcessing(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if r.URL.Query().Get("edit") == "true" && actor.Can(samspil.PermLandscapeWrite, reg.OrganizationID) {
		in, countries := dataProcessingInput(reg)
		w.showDataProcessingForm(rw, r, http.StatusOK, nil, reg, in, countries)
		return
	}
	roles, err := w.rolesOf(r, samspil.RoleOnDataProcessing, reg.ID, reg.OrganizationID, "/data-processing/"+reg.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	today := samspil.Today(w.now())
	v := w.newView(r, "directory", dataProcessingPageData{Registration: reg, Urgency: reg.OversightUrgency(today), Overdue: reg.OversightOverdue(today),
		CanEdit: actor.Can(samspil.PermLandscapeWrite, reg.OrganizationID), Roles: roles})
	v.Title = reg.Name
	w.render(rw, r, http.StatusOK, "dataprocessing", v)
}

func (w *Web) updateDataProcessing(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	reg, err := w.store.FindDataProcessing(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	r.SetPathValue("id", reg.OrganizationID)
	in, countries, err := dataProcessingForm(r)
	if err == nil {
		empty := samspil.Date{}
		agreement := in.AgreementDate
		if agreement == nil {
			agreement = &empty // an empty field clears the date
		}
		p := samspil.DataProcessingPatch{Name: &in.Name, DataResponsible: &in.DataResponsible, UsageIDs: &in.UsageIDs, ContractIDs: &in.ContractIDs,
			AgreementConcluded: &in.AgreementConcluded, AgreementDate: agreement, Processors: &in.Processors, SubProcessors: &in.SubProcessors,
			TransferBasis: &in.TransferBasis, ThirdCountries: &in.ThirdCountries, PersonalData: &in.PersonalData, Oversight: &in.Oversight,
			Notes: &in.Notes, Visibility: &in.Visibility}
		if _, err = w.store.UpdateDataProcessing(ctx, actor, reg.ID, formVersion(r), p); err == nil {
			redirect(rw, r, "/data-processing/"+reg.ID, "dpr_updated")
			return
		}
	}
	if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ESTALE {
		w.showDataProcessingForm(rw, r, httpx.Status(err), err, reg, in, countries)
		return
	}
	w.fail(rw, r, err)
}

func (w *Web) deleteDataProcessing(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	reg, err := w.store.FindDataProcessing(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if err := w.store.DeleteDataProcessing(ctx, actor, reg.ID, formVersion(r)); err != nil {
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+reg.OrganizationID+"/landscape#dpr-h", "dpr_deleted")
}

// deadlineOversights is how many oversights the deadlines page shows, the
// earliest first.
const deadlineOversights = 50

// oversightsDue returns the organisation's first registrations by next
// oversight, earliest first, and how many have one: those within the
// urgency filter ("now" within 30 days, "soon" within three months, ""
// all) and those overdue.
func (w *Web) oversightsDue(ctx context.Context, actor *samspil.Actor, orgID string, today samspil.Date, urgency samspil.Urgency) ([]samspil.DataProcessingRegistration, int, error) {
	f := samspil.DataProcessingFilter{OrganizationID: orgID}
	switch urgency {
	case samspil.UrgencyNow:
		by := today.AddDays(samspil.UrgencyNowDays)
		f.OversightBy = &by
	case samspil.UrgencySoon:
		by := today.AddMonths(samspil.UrgencySoonMonths)
		f.OversightBy = &by
	}
	return w.store.OversightsDue(ctx, actor, f, deadlineOversights)
}
