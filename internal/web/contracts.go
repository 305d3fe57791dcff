package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Contracts: the contract page with its computed deadlines, the contract
// form, and an organisation's deadlines list with a timeline.

type contractFormData struct {
	Org              *samspil.Organization
	Contract         *samspil.Contract // nil when new
	Form             samspil.ContractInput
	Costs            [4]string // the cost fields as typed
	Systems          []samspil.Usage
	Selected         map[string]bool
	NoticeRules      []samspil.NoticeRule
	ExtensionKinds   []samspil.ExtensionKind
	ProcurementForms []samspil.ProcurementForm
	Visibilities     []samspil.Visibility
	KITOS            contractKITOSLists
}

// contractForm reads the contract form. Amounts accept Danish notation
// ("125.000,50") as well as "125000.50".
func contractForm(r *http.Request) (samspil.ContractInput, [4]string, error) {
	var v samspil.Validation
	in := samspil.ContractInput{OrganizationID: r.PathValue("id"), Name: r.PostFormValue("name"),
		SupplierID: strings.TrimSpace(r.PostFormValue("supplier_id")), SystemIDs: r.PostForm["system_ids"],
		ProcurementForm: samspil.ProcurementForm(r.PostFormValue("procurement_form")), ReprocurementQuarter: strings.TrimSpace(r.PostFormValue("reprocurement_quarter")),
		ExternalRef: r.PostFormValue("external_ref"), Notes: r.PostFormValue("notes"),
		Visibility: samspil.Visibility(r.PostFormValue("visibility")), PriceVisibility: samspil.Visibility(r.PostFormValue("price_visibility"))}
	t := &in.ContractTerms
	if start := formDate(&v, r, "start"); start != nil {
		t.Start = *start
	}
	t.Expiry, t.IrrevocableUntil, t.TerminatedOn = formDate(&v, r, "expiry"), formDate(&v, r, "irrevocable_until"), formDate(&v, r, "terminated_on")
	t.DurationMonths, t.ExtensionCount = atoiOr(&v, r, "duration_months"), atoiOr(&v, r, "extension_count")
	t.ExtensionMonths, t.ExtensionsUsed = atoiOr(&v, r, "extension_months"), atoiOr(&v, r, "extensions_used")
	t.NoticeMonths, t.NoticeRule = atoiOr(&v, r, "notice_months"), samspil.NoticeRule(r.PostFormValue("notice_rule"))
	t.ExtensionKind = samspil.ExtensionKind(r.PostFormValue("extension_kind"))
	in.ContractKITOSFields = contractKITOSForm(&v, r)
	typed := [4]string{r.PostFormValue("cost_acquisition"), r.PostFormValue("cost_operation"), r.PostFormValue("cost_other"),
		r.PostFormValue("cost_one_off_acquisition")}
	if typed != [4]string{} {
		var costs samspil.Costs
		for i, dst := range []*samspil.DKK{&costs.Acquisition, &costs.Operation, &costs.Other, &costs.OneOffAcquisition} {
			field := []string{"costs.acquisition", "costs.operation", "costs.other", "costs.one_off_acquisition"}[i]
			if amount, ok := parseKroner(typed[i]); ok {
				*dst = amount
			} else {
				v.Add(field, "must be an amount in kroner such as 125.000,50")
			}
		}
		in.Costs = &costs
	}
	return in, typed, v.Err()
}

// reDotGroups matches a number whose dots group its thousands, as Danish
// writes them: 5.000, -1.250.000.
var reDotGroups = regexp.MustCompile(`^-?[0-9]{1,3}(\.[0-9]{3})+$`)

// parseKroner reads an amount as people type it: "125.000,50", "125000,5",
// "125000.50", "125 000", and "5.000" as five thousand; empty is zero.
func parseKroner(s string) (samspil.DKK, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return 0, true
	}
	if strings.Contains(s, ",") || reDotGroups.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	d, err := samspil.ParseDKK(s)
	return d, err == nil
}

// kroner formats an amount the Danish way, for form fields and tables.
func kroner(d samspil.DKK, lang string) string {
	s := d.String()
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	n := 0
	for _, c := range strings.TrimPrefix(whole, "-") {
		n = n*10 + int(c-'0')
	}
	out := thousands(n, lang)
	if neg {
		out = "-" + out
	}
	if lang == "en" {
		return out + "." + frac
	}
	return out + "," + frac
}

func (w *Web) contractFormData(ctx context.Context, actor *samspil.Actor, org *samspil.Organization, c *samspil.Contract, in samspil.ContractInput, typed [4]string) (*contractFormData, error) {
	usages, err := allPages(func(cursor string) (*samspil.Page[samspil.Usage], error) {
		return w.store.ListUsages(ctx, actor, samspil.UsageFilter{OrganizationID: org.ID, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		return nil, err
	}
	d := &contractFormData{Org: org, Contract: c, Form: in, Costs: typed, Systems: usages, Selected: map[string]bool{},
		NoticeRules: samspil.NoticeRules, ExtensionKinds: samspil.ExtensionKinds, ProcurementForms: samspil.ProcurementForms,
		Visibilities: samspil.Visibilities, KITOS: contractKITOSLists{ContractTypes: samspil.ContractTypes, Criticalities: samspil.Criticalities,
			PaymentModels: samspil.PaymentModels}}
	all, err := w.store.AllContracts(ctx, actor, samspil.ContractFilter{OrganizationID: org.ID})
	if err != nil {
		return nil, err
	}
	for _, x := range all {
		if c == nil || x.ID != c.ID {
			d.KITOS.Parents = append(d.KITOS.Parents, x)
		}
	}
	for _, id := range in.SystemIDs {
		d.Selected[id] = true
	}
	return d, nil
}

func (w *Web) newContractPage(rw http.ResponseWriter, r *http.Request) {
	in := samspil.ContractInput{Visibility: samspil.VisibilityPrivate, PriceVisibility: samspil.VisibilityPrivate,
		// Under public procurement an extension is normally an option the
		// buyer must exercise, so a new contract's extensions start as that.
		ContractTerms: samspil.ContractTerms{NoticeMonths: 3, NoticeRule: samspil.NoticeAnyDay, ExtensionKind: samspil.ExtensionOption}}
	if sys := r.URL.Query().Get("system"); sys != "" {
		in.SystemIDs = []string{sys}
	}
	w.showContractForm(rw, r, http.StatusOK, nil, nil, in, [4]string{})
}

func (w *Web) showContractForm(rw http.ResponseWriter, r *http.Request, status int, formErr error, c *samspil.Contract, in samspil.ContractInput, typed [4]string) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	orgID := r.PathValue("id")
	if c != nil {
		orgID = c.OrganizationID
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
	d, err := w.contractFormData(ctx, actor, org, c, in, typed)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "contract.new")
	if c != nil {
		v.Title = c.Name
	}
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "contract_form", v)
}

func (w *Web) createContract(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in, typed, err := contractForm(r)
	if err == nil {
		var c *samspil.Contract
		if c, err = w.store.CreateContract(r.Context(), httpx.ActorFrom(r.Context()), in); err == nil {
			redirect(rw, r, "/contracts/"+c.ID, "contract_created")
			return
		}
	}
	if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ECONFLICT {
		w.showContractForm(rw, r, httpx.Status(err), err, nil, in, typed)
		return
	}
	w.fail(rw, r, err)
}

// contractInput turns a stored contract back into form values.
func contractInput(c *samspil.Contract, lang string) (samspil.ContractInput, [4]string) {
	in := samspil.ContractInput{OrganizationID: c.OrganizationID, Name: c.Name, SupplierID: c.SupplierID, SystemIDs: c.SystemIDs(),
		ContractTerms: c.ContractTerms, ProcurementForm: c.ProcurementForm, ReprocurementQuarter: c.ReprocurementQuarter, Costs: c.Costs,
		ExternalRef: c.ExternalRef, Notes: c.Notes, Visibility: c.Visibility, PriceVisibility: c.PriceVisibility,
		ContractKITOSFields: c.ContractKITOSFields}
	var typed [4]string
	if c.Costs != nil {
		typed = [4]string{kroner(c.Costs.Acquisition, lang), kroner(c.Costs.Operation, lang), kroner(c.Costs.Other, lang),
			kroner(c.Costs.OneOffAcquisition, lang)}
	}
	return in, typed
}

type contractPageData struct {
	Roles      *rolesData
	Contract   *samspil.Contract
	Processing []samspil.DataProcessingRegistration // the registrations that cover it
	Parent     *samspil.Contract                    // the contract it belongs under, when the reader may see it
	Urgency    samspil.Urgency                      // of its next decision, on the day shown
	CanEdit    bool
	Timeline   template.HTML
	Day        dayChoice // the day the deadlines are shown for
}

// dayChoice is the day a page's deadlines are computed for: today, or
// another day asked for with ?on=YYYY-MM-DD.
type dayChoice struct {
	On    samspil.Date
	Today samspil.Date
	Other bool   // On is not today
	Typed string // the on parameter as typed, when it is not a date
	// Action is the page the day form asks again, Urgency the list filter
	// it keeps.
	Action  string
	Urgency samspil.Urgency
}

// deadlineDay reads ?on=: the day to compute deadlines for. A value that is
// not a date is refused with an error on "on".
func (w *Web) deadlineDay(r *http.Request) (dayChoice, error) {
	today := samspil.Today(w.now())
	d := dayChoice{On: today, Today: today}
	s := strings.TrimSpace(r.URL.Query().Get("on"))
	if s == "" {
		return d, nil
	}
	on, err := samspil.ParseDate(s)
	if err != nil {
		d.Typed = s
		return d, samspil.ErrorAt(samspil.EINVALID, "on", "%q is not a date of the form YYYY-MM-DD such as 2026-01-31", s)
	}
	d.On, d.Other = on, on != today
	return d, nil
}

func (w *Web) contractPage(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindContract(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	lang := language(r)
	if r.URL.Query().Get("edit") == "true" && actor.Can(samspil.PermLandscapeWrite, c.OrganizationID) {
		in, typed := contractInput(c, lang)
		w.showContractForm(rw, r, http.StatusOK, nil, c, in, typed)
		return
	}
	day, err := w.deadlineDay(r)
	day.Action = "/contracts/" + c.ID
	if err == nil && day.Other {
		err = c.DeadlinesOn(day.On)
	}
	status := http.StatusOK
	if err != nil {
		// The page shows the deadlines of today, and why the day asked for
		// cannot be shown, at the day field.
		status = httpx.Status(err)
		day.On, day.Other = day.Today, false
	}
	tl, terr := w.timeline([]samspil.Contract{*c}, lang)
	if terr != nil {
		w.fail(rw, r, terr)
		return
	}
	processing, perr := w.store.AllDataProcessing(ctx, actor, samspil.DataProcessingFilter{ContractID: c.ID})
	if perr != nil {
		w.fail(rw, r, perr)
		return
	}
	roles, rerr := w.rolesOf(r, samspil.RoleOnContract, c.ID, c.OrganizationID, "/contracts/"+c.ID)
	if rerr != nil {
		w.fail(rw, r, rerr)
		return
	}
	d := contractPageData{Contract: c, Processing: processing, Urgency: c.Urgency(day.On),
		CanEdit: actor.Can(samspil.PermLandscapeWrite, c.OrganizationID), Timeline: tl, Day: day, Roles: roles}
	if c.ParentID != "" {
		if d.Parent, terr = w.store.FindContract(ctx, actor, c.ParentID); terr != nil && samspil.ErrorCode(terr) != samspil.ENOTFOUND {
			w.fail(rw, r, terr)
			return
		}
	}
	v := w.newView(r, "directory", d)
	v.Title = c.Name
	if err != nil {
		w.withError(v, err)
	}
	w.render(rw, r, status, "contract", v)
}

func (w *Web) updateContract(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindContract(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	r.SetPathValue("id", c.OrganizationID)
	in, typed, err := contractForm(r)
	if err == nil {
		terms := in.ContractTerms
		p := samspil.ContractPatch{Name: &in.Name, SupplierID: &in.SupplierID, SystemIDs: &in.SystemIDs, Terms: &terms,
			ProcurementForm: &in.ProcurementForm, ReprocurementQuarter: &in.ReprocurementQuarter, Costs: in.Costs, ExternalRef: &in.ExternalRef,
			Notes: &in.Notes, Visibility: &in.Visibility, PriceVisibility: &in.PriceVisibility,
			ContractKITOSPatch: contractKITOSPatch(in.ContractKITOSFields)}
		if _, err = w.store.UpdateContract(ctx, actor, c.ID, formVersion(r), p); err == nil {
			redirect(rw, r, "/contracts/"+c.ID, "contract_updated")
			return
		}
	}
	if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ECONFLICT || code == samspil.ESTALE {
		w.showContractForm(rw, r, httpx.Status(err), err, c, in, typed)
		return
	}
	w.fail(rw, r, err)
}

func (w *Web) deleteContract(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindContract(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if err := w.store.DeleteContract(ctx, actor, c.ID, formVersion(r)); err != nil {
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+c.OrganizationID+"/deadlines", "contract_deleted")
}

type deadlinesData struct {
	Org       *samspil.Organization
	Contracts []samspil.Contract
	Timeline  template.HTML
	CanEdit   bool
	Today     samspil.Date
	Urgency   samspil.Urgency // the filter: "now", "soon" or "" for all
	Day       dayChoice       // the day the deadlines are computed for (Today is that day)
	Next      string          // the next page of the list, most urgent first
	First     string          // the first page, when this is a later one
	// Oversights are the organisation's data processing registrations
	// with a next oversight (within the urgency filter, or overdue),
	// earliest first; on the first page only.
	Oversights      []samspil.DataProcessingRegistration
	OversightsTotal int // how many have a next oversight in the filter
}

// deadlinesPageSize is how many contracts the deadlines page lists at a
// time, most urgent first: enough for a year of decisions in a large
// municipality, and a page that stays quick with thousands of contracts.
const deadlinesPageSize = 200

func (w *Web) deadlines(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	cursor := r.URL.Query().Get("cursor")
	urgency := samspil.Urgency(r.URL.Query().Get("urgency"))
	day, dayErr := w.deadlineDay(r)
	day.Action, day.Urgency = "/organizations/"+org.ID+"/deadlines", urgency
	page, err := w.store.ListContracts(ctx, actor, samspil.ContractFilter{OrganizationID: org.ID, Sort: samspil.SortByUrgency, Urgency: urgency,
		On: day.On, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: deadlinesPageSize}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	lang := language(r)
	d := deadlinesData{Org: org, Contracts: page.Items, CanEdit: actor.Can(samspil.PermLandscapeWrite, org.ID), Today: day.On,
		Urgency: urgency, Day: day}
	base := "/organizations/" + org.ID + "/deadlines"
	// The links of the list keep its filter and day.
	link := func(extra url.Values) string {
		q := url.Values{}
		if urgency != "" {
			q.Set("urgency", string(urgency))
		}
		if day.Other {
			q.Set("on", day.On.String())
		}
		for k, v := range extra {
			q[k] = v
		}
		if len(q) == 0 {
			return base
		}
		return base + "?" + q.Encode()
	}
	if page.NextCursor != "" {
		d.Next = link(url.Values{"cursor": {page.NextCursor}})
	}
	if cursor != "" {
		d.First = link(nil)
	} else if d.Timeline, err = w.timeline(page.Items, lang); err != nil {
		w.fail(rw, r, err)
		return
	}
	if cursor == "" {
		if d.Oversights, d.OversightsTotal, err = w.oversightsDue(ctx, actor, org.ID, d.Today, urgency); err != nil {
			w.fail(rw, r, err)
			return
		}
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "deadlines.title", org.Name)
	status := http.StatusOK
	if dayErr != nil {
		status = httpx.Status(dayErr)
		w.withError(v, dayErr)
	}
	w.render(rw, r, status, "deadlines", v)
}
