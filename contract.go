package samspil

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // "today" is a date in Denmark on any machine
	"unicode/utf8"
)

// ProcurementForm says how a contract was procured.
type ProcurementForm string

// Procurement forms.
const (
	ProcurementEUTender ProcurementForm = "eu_tender"
	ProcurementSKI      ProcurementForm = "ski_framework"
	ProcurementDirect   ProcurementForm = "direct_award"
	ProcurementJoint    ProcurementForm = "joint_procurement"
	ProcurementOther    ProcurementForm = "other"
)

// ProcurementForms lists the valid forms.
var ProcurementForms = []ProcurementForm{ProcurementEUTender, ProcurementSKI, ProcurementDirect, ProcurementJoint, ProcurementOther}

// Valid reports whether f is a known form.
func (f ProcurementForm) Valid() bool { return slices.Contains(ProcurementForms, f) }

// DKK is an amount in Danish kroner, kept in øre so that sums are exact. In
// JSON it is a number with at most two decimals.
type DKK int64

// MarshalJSON writes kroner with two decimals.
func (d DKK) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// String formats the amount as "1234.56".
func (d DKK) String() string {
	sign := ""
	v := int64(d)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

var reAmount = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,2})?$`)

// ParseDKK reads "1234", "1234.5" or "1234.56" exactly, without floating
// point.
func ParseDKK(s string) (DKK, error) {
	if !reAmount.MatchString(s) {
		return 0, fmt.Errorf("%q is not an amount with at most two decimals", s)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*100 + f
	if neg {
		v = -v
	}
	return DKK(v), nil
}

// UnmarshalJSON reads a JSON number with at most two decimals.
func (d *DKK) UnmarshalJSON(b []byte) error {
	v, err := ParseDKK(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Costs are a contract's yearly costs, and what its acquisition cost once.
type Costs struct {
	Acquisition DKK `json:"acquisition" doc:"Yearly acquisition cost in DKK"`
	Operation   DKK `json:"operation" doc:"Yearly operation cost in DKK"`
	Other       DKK `json:"other" doc:"Other yearly costs in DKK"`
	// OneOffAcquisition is paid once, not yearly (KITOS' accumulated
	// "Anskaffelse."); Total leaves it out.
	OneOffAcquisition DKK `json:"one_off_acquisition,omitempty" doc:"One-off acquisition amount in DKK, paid once rather than yearly"`
}

// Total returns the sum of the yearly costs.
func (c Costs) Total() DKK { return c.Acquisition + c.Operation + c.Other }

// ContractSystem names a system a contract covers.
type ContractSystem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Contract is an organisation's contract for one or more systems, with its
// deadlines computed for today.
type Contract struct {
	ID               string           `json:"id"`
	OrganizationID   string           `json:"organization_id"`
	OrganizationName string           `json:"organization_name" readOnly:"true"`
	Name             string           `json:"name"`
	SupplierID       string           `json:"supplier_id,omitempty"`
	SupplierName     string           `json:"supplier_name,omitempty" readOnly:"true"`
	Systems          []ContractSystem `json:"systems"`
	ContractTerms
	ProcurementForm      ProcurementForm `json:"procurement_form,omitempty" allowEmpty:"true"`
	ReprocurementQuarter string          `json:"reprocurement_quarter,omitempty" doc:"Planned re-procurement, e.g. 2027-Q3"`
	Costs                *Costs          `json:"costs,omitempty" doc:"Absent when the prices are not shared with the caller"`
	ExternalRef          string          `json:"external_ref,omitempty" doc:"The contract's ID elsewhere, e.g. in KITOS"`
	Notes                string          `json:"notes,omitempty"`
	Visibility           Visibility      `json:"visibility"`
	PriceVisibility      Visibility      `json:"price_visibility" doc:"Who sees the costs; never wider than visibility"`
	Deadlines            Deadlines       `json:"deadlines" readOnly:"true" doc:"Computed for today"`
	Version              int             `json:"version"`
	CreatedAt            time.Time       `json:"created_at"`
	UpdatedAt            time.Time       `json:"updated_at"`
}

// ContractInput registers a contract.
type ContractInput struct {
	OrganizationID string   `json:"organization_id" doc:"Organisation ID or municipality code"`
	Name           string   `json:"name" minLength:"1" maxLength:"300"`
	SupplierID     string   `json:"supplier_id,omitempty" doc:"Organisation ID or CVR number of the supplier"`
	SystemIDs      []string `json:"system_ids,omitempty" maxItems:"100"`
	ContractTerms
	ProcurementForm      ProcurementForm `json:"procurement_form,omitempty" allowEmpty:"true"`
	ReprocurementQuarter string          `json:"reprocurement_quarter,omitempty" pattern:"^([0-9]{4}-Q[1-4])?$"`
	Costs                *Costs          `json:"costs,omitempty"`
	ExternalRef          string          `json:"external_ref,omitempty" maxLength:"200"`
	Notes                string          `json:"notes,omitempty" maxLength:"5000"`
	Visibility           Visibility      `json:"visibility,omitempty" doc:"Defaults to private"`
	PriceVisibility      Visibility      `json:"price_visibility,omitempty" doc:"Defaults to private"`
}

// Contract returns the contract the input describes, without references
// resolved.
func (in ContractInput) Contract() Contract {
	c := Contract{OrganizationID: in.OrganizationID, Name: strings.TrimSpace(in.Name), SupplierID: in.SupplierID, ContractTerms: in.ContractTerms,
		ProcurementForm: in.ProcurementForm, ReprocurementQuarter: in.ReprocurementQuarter, Costs: in.Costs,
		ExternalRef: strings.TrimSpace(in.ExternalRef), Notes: in.Notes, Visibility: in.Visibility, PriceVisibility: in.PriceVisibility}
	for _, id := range normalizeIDs(in.SystemIDs) {
		c.Systems = append(c.Systems, ContractSystem{ID: id})
	}
	if c.Systems == nil {
		c.Systems = []ContractSystem{}
	}
	if c.Visibility == "" {
		c.Visibility = VisibilityPrivate
	}
	if c.PriceVisibility == "" {
		c.PriceVisibility = VisibilityPrivate
	}
	c.ContractTerms.Normalize()
	return c
}

// SystemIDs returns the IDs of the systems the contract covers.
func (c *Contract) SystemIDs() []string {
	ids := make([]string, len(c.Systems))
	for i, s := range c.Systems {
		ids[i] = s.ID
	}
	return ids
}

var reQuarter = regexp.MustCompile(`^[0-9]{4}-Q[1-4]$`)

// visibilityRank orders visibilities from narrow to wide.
func visibilityRank(v Visibility) int { return slices.Index(Visibilities, v) }

// Validate checks a contract's own fields and terms; the store checks the
// references.
func (c *Contract) Validate() error {
	var v Validation
	v.Check(c.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(c.Name) <= 300, "name", "must be at most 300 characters")
	if err := v.Merge(c.ContractTerms.Validate()); err != nil {
		return err
	}
	if c.ProcurementForm != "" {
		v.OneOf("procurement_form", c.ProcurementForm)
	}
	if c.ReprocurementQuarter != "" {
		v.Check(reQuarter.MatchString(c.ReprocurementQuarter), "reprocurement_quarter", "must be a year and quarter such as 2027-Q3")
	}
	if c.Costs != nil {
		v.Check(c.Costs.Acquisition >= 0, "costs.acquisition", "must not be negative")
		v.Check(c.Costs.Operation >= 0, "costs.operation", "must not be negative")
		v.Check(c.Costs.Other >= 0, "costs.other", "must not be negative")
		v.Check(c.Costs.OneOffAcquisition >= 0, "costs.one_off_acquisition", "must not be negative")
	}
	v.Check(utf8.RuneCountInString(c.ExternalRef) <= 200, "external_ref", "must be at most 200 characters")
	v.Check(utf8.RuneCountInString(c.Notes) <= 5000, "notes", "must be at most 5000 characters")
	v.OneOf("visibility", c.Visibility)
	v.OneOf("price_visibility", c.PriceVisibility)
	if c.Visibility.Valid() && c.PriceVisibility.Valid() {
		v.Check(visibilityRank(c.PriceVisibility) <= visibilityRank(c.Visibility), "price_visibility", "must not be wider than visibility")
	}
	return v.Err()
}

// ValidateOn checks the contract as Validate does, and its terms as seen on
// the day on (ContractTerms.ValidateOn): the store passes today when the
// terms are written.
func (c *Contract) ValidateOn(on Date) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return c.ContractTerms.ValidateOn(on)
}

// DeadlinesOn computes the contract's deadlines as of the day on instead of
// today. A day before the extensions recorded as used can have been taken
// (ContractTerms.ValidateOn) is refused with an error on "on": the
// deadlines would not be those of that day.
func (c *Contract) DeadlinesOn(on Date) error {
	if used, begun := c.ExtensionsUsed, c.ExtensionsBegun(on); c.fixedTerm() && used > begun+1 {
		return ErrorAt(EINVALID, "on", "must be a day when the %d extensions recorded as used can have been taken; by %s only %d had begun",
			used, on, begun)
	}
	c.Deadlines = c.ContractTerms.Deadlines(on)
	return nil
}

// ContractPatch changes a contract; nil fields stay as they are. Terms, when
// given, replace all the contract's terms.
type ContractPatch struct {
	Name                 *string          `json:"name,omitempty" maxLength:"300"`
	SupplierID           *string          `json:"supplier_id,omitempty" doc:"Empty string clears it"`
	SystemIDs            *[]string        `json:"system_ids,omitempty" maxItems:"100"`
	Terms                *ContractTerms   `json:"terms,omitempty" doc:"Replaces all dates, options and notice terms"`
	ProcurementForm      *ProcurementForm `json:"procurement_form,omitempty" allowEmpty:"true"`
	ReprocurementQuarter *string          `json:"reprocurement_quarter,omitempty" pattern:"^([0-9]{4}-Q[1-4])?$"`
	Costs                *Costs           `json:"costs,omitempty"`
	ExternalRef          *string          `json:"external_ref,omitempty" maxLength:"200"`
	Notes                *string          `json:"notes,omitempty" maxLength:"5000"`
	Visibility           *Visibility      `json:"visibility,omitempty"`
	PriceVisibility      *Visibility      `json:"price_visibility,omitempty"`
}

// Apply returns c with the patch applied.
func (p ContractPatch) Apply(c Contract) Contract {
	setIf(&c.Name, p.Name)
	setIf(&c.SupplierID, p.SupplierID)
	if p.SystemIDs != nil {
		c.Systems = []ContractSystem{}
		for _, id := range normalizeIDs(*p.SystemIDs) {
			c.Systems = append(c.Systems, ContractSystem{ID: id})
		}
	}
	setIf(&c.ContractTerms, p.Terms)
	setIf(&c.ProcurementForm, p.ProcurementForm)
	setIf(&c.ReprocurementQuarter, p.ReprocurementQuarter)
	if p.Costs != nil {
		costs := *p.Costs
		c.Costs = &costs
	}
	setIf(&c.ExternalRef, p.ExternalRef)
	setIf(&c.Notes, p.Notes)
	setIf(&c.Visibility, p.Visibility)
	setIf(&c.PriceVisibility, p.PriceVisibility)
	c.Name = strings.TrimSpace(c.Name)
	c.ContractTerms.Normalize()
	return c
}

// ContractSort orders contract lists.
type ContractSort string

// Contract orders.
const (
	SortByName    ContractSort = "name"
	SortByUrgency ContractSort = "urgency" // next decision first; ended contracts last
)

// ContractSorts lists the orders.
var ContractSorts = []ContractSort{SortByName, SortByUrgency}

// ContractFilter selects contracts.
type ContractFilter struct {
	OrganizationID string
	SystemID       string
	SupplierID     string
	Status         ContractStatus
	Urgency        Urgency // "now": the next decision is within 30 days; "soon": within three months
	Sort           ContractSort
	On             Date // the day the deadlines (and so status, urgency and order) are computed for; zero is today
	ListOptions
}

// ContractService manages contracts.
type ContractService interface {
	ListContracts(ctx context.Context, actor *Actor, f ContractFilter) (*Page[Contract], error)
	// AllContracts returns every contract that matches the filter, in its
	// order, without pages (ListOptions other than ChangedSince are ignored).
	AllContracts(ctx context.Context, actor *Actor, f ContractFilter) ([]Contract, error)
	FindContract(ctx context.Context, actor *Actor, id string) (*Contract, error)
	CreateContract(ctx context.Context, actor *Actor, in ContractInput) (*Contract, error)
	UpdateContract(ctx context.Context, actor *Actor, id string, version int, p ContractPatch) (*Contract, error)
	DeleteContract(ctx context.Context, actor *Actor, id string, version int) error
}

var copenhagen = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err) // time/tzdata is imported, so this cannot happen
	}
	return loc
}()

// Copenhagen returns the time zone of Danish dates.
func Copenhagen() *time.Location { return copenhagen }

// Today returns the date in Denmark at time t.
func Today(t time.Time) Date { return DateOf(t.In(copenhagen)) }

// UrgencyLess orders contracts by urgency: a pending decision first (the
// earliest date first), then contracts without a decision date, then ended
// ones; ties by name.
func UrgencyLess(a, b *Contract) int {
	ra, rb := urgencyRank(a), urgencyRank(b)
	if ra != rb {
		return ra - rb
	}
	if ra == 0 { // both have a decision date
		if c := a.Deadlines.NextDecisionDate.Compare(*b.Deadlines.NextDecisionDate); c != 0 {
			return c
		}
	}
	return strings.Compare(Fold(a.Name), Fold(b.Name))
}

func urgencyRank(c *Contract) int {
	switch {
	case c.Deadlines.Status == ContractExpired || c.Deadlines.Status == ContractTerminated:
		return 2
	case c.Deadlines.NextDecisionDate == nil:
		return 1
	}
	return 0
}

// OrderByUrgency sorts contracts with computed deadlines in the order of
// UrgencyLess, ties by ID, so the order is total and pages are stable.
// Each name is folded once: a list of thousands sorts on precomputed keys.
func OrderByUrgency(cs []Contract) { sortContracts(cs, true) }

// OrderByName sorts contracts by folded name, ties by ID: the order of the
// contract list by name.
func OrderByName(cs []Contract) { sortContracts(cs, false) }

func sortContracts(cs []Contract, urgency bool) {
	type key struct {
		rank     int
		date     Date
		fold, id string
		i        int
	}
	keys := make([]key, len(cs))
	for i := range cs {
		c := &cs[i]
		k := key{fold: Fold(c.Name), id: c.ID, i: i}
		if urgency {
			k.rank = urgencyRank(c)
			if d := c.Deadlines.NextDecisionDate; d != nil && k.rank == 0 {
				k.date = *d
			}
		}
		keys[i] = k
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if c := a.date.Compare(b.date); c != 0 {
			return c
		}
		if c := strings.Compare(a.fold, b.fold); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	sorted := make([]Contract, len(cs))
	for j, k := range keys {
		sorted[j] = cs[k.i]
	}
	copy(cs, sorted)
}
