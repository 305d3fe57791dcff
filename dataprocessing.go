package samspil

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Data processing registrations ("databehandling") record, under the GDPR,
// who processes personal data for an organisation, under which agreement,
// and how the organisation oversees it. Names and options follow KITOS's
// DataProcessingRegistration, so that registrations move between the two.

// DataResponsible is the organisation's role as data controller
// ("dataansvarlig"), KITOS's default data responsible options.
type DataResponsible string

// Data responsible options.
const (
	DataResponsibleSupplierProcessor  DataResponsible = "supplier_processor"        // Leverandøren er databehandler
	DataResponsibleNoPersonalData     DataResponsible = "supplier_no_personal_data" // Leverandøren behandler ikke personoplysninger
	DataResponsibleSupplierController DataResponsible = "supplier_controller"       // Leverandøren er selvstændig dataansvarlig
	DataResponsibleJoint              DataResponsible = "joint_controllers"         // Fællesdataansvar
	DataResponsibleOrganization       DataResponsible = "organization_controller"   // Kommunen er selv dataansvarlig
)

// DataResponsibles lists the options.
var DataResponsibles = []DataResponsible{DataResponsibleSupplierProcessor, DataResponsibleNoPersonalData, DataResponsibleSupplierController,
	DataResponsibleJoint, DataResponsibleOrganization}

// YesNoIrrelevant answers a question such as whether a data processing
// agreement is concluded; "" is undecided.
type YesNoIrrelevant string

// Answers.
const (
	AnswerYes        YesNoIrrelevant = "yes"
	AnswerNo         YesNoIrrelevant = "no"
	AnswerIrrelevant YesNoIrrelevant = "irrelevant"
)

// YesNoIrrelevants lists the answers.
var YesNoIrrelevants = []YesNoIrrelevant{AnswerYes, AnswerNo, AnswerIrrelevant}

// TransferBasis is the basis for transferring personal data to a third
// country ("overførselsgrundlag"), KITOS's default options.
type TransferBasis string

// Transfer bases.
const (
	TransferEUEEA            TransferBasis = "eu_eea"                    // EU og EØS
	TransferStandardClauses  TransferBasis = "standard_contract_clauses" // EU's standardkontrakt
	TransferBindingCorporate TransferBasis = "binding_corporate_rules"   // Binding corporate rules / BCR
	TransferNone             TransferBasis = "none"                      // Intet
	TransferOther            TransferBasis = "other"                     // Andet
)

// TransferBases lists the bases.
var TransferBases = []TransferBasis{TransferEUEEA, TransferStandardClauses, TransferBindingCorporate, TransferNone, TransferOther}

// OversightInterval is how often the organisation oversees the processing
// ("tilsynsinterval"), KITOS's OversightIntervalChoice.
type OversightInterval string

// Oversight intervals.
const (
	OversightHalfYearly      OversightInterval = "half_yearly"       // Halvårligt
	OversightYearly          OversightInterval = "yearly"            // Årligt
	OversightEverySecondYear OversightInterval = "every_second_year" // Hvert andet år
	OversightEveryThirdYear  OversightInterval = "every_third_year"  // Hvert tredje år
	OversightOther           OversightInterval = "other"             // Andet
	OversightUndecided       OversightInterval = "undecided"         // Ikke besluttet
)

// OversightIntervals lists the intervals.
var OversightIntervals = []OversightInterval{OversightHalfYearly, OversightYearly, OversightEverySecondYear, OversightEveryThirdYear,
	OversightOther, OversightUndecided}

// Months returns the interval in months, or 0 when it has no fixed length
// (other, undecided, none).
func (i OversightInterval) Months() int {
	switch i {
	case OversightHalfYearly:
		return 6
	case OversightYearly:
		return 12
	case OversightEverySecondYear:
		return 24
	case OversightEveryThirdYear:
		return 36
	}
	return 0
}

// PersonalDataKind is a kind of personal data processed.
type PersonalDataKind string

// Kinds of personal data.
const (
	PersonalDataOrdinary  PersonalDataKind = "ordinary"  // almindelige personoplysninger (art. 6)
	PersonalDataSensitive PersonalDataKind = "sensitive" // følsomme personoplysninger (art. 9)
	PersonalDataCriminal  PersonalDataKind = "criminal"  // strafbare forhold (art. 10)
	PersonalDataCPR       PersonalDataKind = "cpr"       // CPR-nummer
)

// PersonalDataKinds lists the kinds.
var PersonalDataKinds = []PersonalDataKind{PersonalDataOrdinary, PersonalDataSensitive, PersonalDataCriminal, PersonalDataCPR}

func init() {
	RegisterEnum(DataResponsibles)
	RegisterEnum(YesNoIrrelevants)
	RegisterEnum(TransferBases)
	RegisterEnum(OversightIntervals)
	RegisterEnum(PersonalDataKinds)
}

// NextOversightDate returns the day of the next oversight: the planned day
// when one is given; otherwise the last oversight plus the interval; nil
// when there is neither a planned day nor a last oversight with an interval
// of fixed length (other and undecided have none).
//
// Months are counted with Date.AddMonths, which clamps to the end of a
// shorter month: a yearly oversight last done 29 February 2028 is next due
// 28 February 2029. The computed day is always after the last, never
// decreases as the last moves later, and is never later for a shorter
// interval. A planned day of the zero Date counts as absent.
func NextOversightDate(last, planned *Date, interval OversightInterval) *Date {
	if dateSet(planned) {
		return datep(*planned)
	}
	if !dateSet(last) || interval.Months() == 0 {
		return nil
	}
	return datep(last.AddMonths(interval.Months()))
}

// Oversight is how the organisation oversees a processing ("tilsyn").
type Oversight struct {
	Interval    OversightInterval `json:"interval,omitempty" allowEmpty:"true" doc:"How often the processing is overseen"`
	LastDate    *Date             `json:"last_date,omitempty" format:"date" doc:"Day of the last oversight"`
	PlannedDate *Date             `json:"planned_date,omitempty" format:"date" doc:"Day of the next oversight when planned; otherwise next_date is computed from last_date and interval"`
	Result      string            `json:"result,omitempty" maxLength:"5000" doc:"The result of the last oversight"`
	DocumentURL string            `json:"document_url,omitempty" maxLength:"500" doc:"Link to the report of the last oversight"`
}

// normalize drops optional dates given as "".
func (o *Oversight) normalize() {
	for _, p := range []**Date{&o.LastDate, &o.PlannedDate} {
		if !dateSet(*p) {
			*p = nil
		}
	}
	o.DocumentURL = strings.TrimSpace(o.DocumentURL)
}

// DataProcessor is an organisation (a supplier) that processes personal
// data, and the country where it does.
type DataProcessor struct {
	OrganizationID   string `json:"organization_id" doc:"Organisation ID or CVR number of the processor"`
	OrganizationName string `json:"organization_name,omitempty" readOnly:"true"`
	Country          string `json:"country,omitempty" doc:"ISO 3166-1 alpha-2 code of the country where the data is processed"`
}

// DataProcessingUsage names a usage a registration covers.
type DataProcessingUsage struct {
	ID         string `json:"id"`
	SystemID   string `json:"system_id"`
	SystemName string `json:"system_name"`
}

// DataProcessingContract names a contract a registration covers.
type DataProcessingContract struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DataProcessingRegistration is an organisation's registration of a data
// processing: the agreement, the processors and the oversight.
type DataProcessingRegistration struct {
	ID                 string                   `json:"id"`
	OrganizationID     string                   `json:"organization_id"`
	OrganizationName   string                   `json:"organization_name" readOnly:"true"`
	Name               string                   `json:"name"`
	DataResponsible    DataResponsible          `json:"data_responsible,omitempty" allowEmpty:"true"`
	Usages             []DataProcessingUsage    `json:"usages"`
	Contracts          []DataProcessingContract `json:"contracts"`
	AgreementConcluded YesNoIrrelevant          `json:"agreement_concluded,omitempty" allowEmpty:"true" doc:"Whether a data processing agreement is concluded; empty is undecided"`
	AgreementDate      *Date                    `json:"agreement_date,omitempty" format:"date"`
	Processors         []DataProcessor          `json:"processors"`
	SubProcessors      []DataProcessor          `json:"sub_processors"`
	TransferBasis      TransferBasis            `json:"transfer_basis,omitempty" allowEmpty:"true"`
	ThirdCountries     []string                 `json:"third_countries" doc:"ISO 3166-1 alpha-2 codes of the third countries the data is transferred to"`
	PersonalData       []PersonalDataKind       `json:"personal_data" doc:"The kinds of personal data processed"`
	Oversight          Oversight                `json:"oversight"`
	NextOversight      *Date                    `json:"next_oversight,omitempty" format:"date" readOnly:"true" doc:"planned_date, or last_date plus the interval"`
	Notes              string                   `json:"notes,omitempty"`
	Visibility         Visibility               `json:"visibility"`
	Version            int                      `json:"version"`
	CreatedAt          time.Time                `json:"created_at"`
	UpdatedAt          time.Time                `json:"updated_at"`
}

// DataProcessingInput registers a data processing.
type DataProcessingInput struct {
	OrganizationID     string             `json:"organization_id" doc:"Organisation ID or municipality code"`
	Name               string             `json:"name" minLength:"1" maxLength:"300"`
	DataResponsible    DataResponsible    `json:"data_responsible,omitempty" allowEmpty:"true"`
	UsageIDs           []string           `json:"usage_ids,omitempty" maxItems:"200" doc:"Usages of the same organisation"`
	ContractIDs        []string           `json:"contract_ids,omitempty" maxItems:"200" doc:"Contracts of the same organisation"`
	AgreementConcluded YesNoIrrelevant    `json:"agreement_concluded,omitempty" allowEmpty:"true"`
	AgreementDate      *Date              `json:"agreement_date,omitempty" format:"date"`
	Processors         []DataProcessor    `json:"processors,omitempty" maxItems:"50"`
	SubProcessors      []DataProcessor    `json:"sub_processors,omitempty" maxItems:"100"`
	TransferBasis      TransferBasis      `json:"transfer_basis,omitempty" allowEmpty:"true"`
	ThirdCountries     []string           `json:"third_countries,omitempty" maxItems:"50"`
	PersonalData       []PersonalDataKind `json:"personal_data,omitempty" maxItems:"4"`
	Oversight          Oversight          `json:"oversight,omitempty"`
	Notes              string             `json:"notes,omitempty" maxLength:"5000"`
	Visibility         Visibility         `json:"visibility,omitempty" doc:"Defaults to private"`
}

// Registration returns the registration the input describes, without
// references resolved.
func (in DataProcessingInput) Registration() DataProcessingRegistration {
	r := DataProcessingRegistration{OrganizationID: in.OrganizationID, Name: in.Name, DataResponsible: in.DataResponsible,
		AgreementConcluded: in.AgreementConcluded, AgreementDate: in.AgreementDate, Processors: in.Processors, SubProcessors: in.SubProcessors,
		TransferBasis: in.TransferBasis, ThirdCountries: in.ThirdCountries, PersonalData: in.PersonalData, Oversight: in.Oversight,
		Notes: in.Notes, Visibility: in.Visibility}
	r.setUsageIDs(in.UsageIDs)
	r.setContractIDs(in.ContractIDs)
	if r.Visibility == "" {
		r.Visibility = VisibilityPrivate
	}
	r.normalize()
	return r
}

func (r *DataProcessingRegistration) setUsageIDs(ids []string) {
	r.Usages = []DataProcessingUsage{}
	for _, id := range normalizeIDs(ids) {
		r.Usages = append(r.Usages, DataProcessingUsage{ID: id})
	}
}

func (r *DataProcessingRegistration) setContractIDs(ids []string) {
	r.Contracts = []DataProcessingContract{}
	for _, id := range normalizeIDs(ids) {
		r.Contracts = append(r.Contracts, DataProcessingContract{ID: id})
	}
}

// UsageIDs returns the ids of the usages covered.
func (r *DataProcessingRegistration) UsageIDs() []string {
	ids := make([]string, len(r.Usages))
	for i, u := range r.Usages {
		ids[i] = u.ID
	}
	return ids
}

// ContractIDs returns the ids of the contracts covered.
func (r *DataProcessingRegistration) ContractIDs() []string {
	ids := make([]string, len(r.Contracts))
	for i, c := range r.Contracts {
		ids[i] = c.ID
	}
	return ids
}

// normalize trims, sorts the sets, fills empty lists and computes the next
// oversight.
func (r *DataProcessingRegistration) normalize() {
	r.Name = strings.TrimSpace(r.Name)
	if !dateSet(r.AgreementDate) {
		r.AgreementDate = nil
	}
	r.Processors = normalizeProcessors(r.Processors)
	r.SubProcessors = normalizeProcessors(r.SubProcessors)
	countries := make([]string, 0, len(r.ThirdCountries))
	for _, c := range r.ThirdCountries {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
			countries = append(countries, c)
		}
	}
	slices.Sort(countries)
	r.ThirdCountries = slices.Compact(countries)
	kinds := slices.Clone(r.PersonalData)
	slices.SortFunc(kinds, func(a, b PersonalDataKind) int {
		return cmpInt(slices.Index(PersonalDataKinds, a), slices.Index(PersonalDataKinds, b))
	})
	r.PersonalData = slices.Compact(kinds)
	if r.PersonalData == nil {
		r.PersonalData = []PersonalDataKind{}
	}
	r.Oversight.normalize()
	r.NextOversight = NextOversightDate(r.Oversight.LastDate, r.Oversight.PlannedDate, r.Oversight.Interval)
}

func normalizeProcessors(ps []DataProcessor) []DataProcessor {
	out := make([]DataProcessor, 0, len(ps))
	for _, p := range ps {
		p.OrganizationID = strings.TrimSpace(p.OrganizationID)
		p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
		out = append(out, p)
	}
	return out
}

// Validate checks a registration's own fields; the store checks the
// references. Field paths are the JSON names.
func (r *DataProcessingRegistration) Validate() error {
	var v Validation
	v.Check(r.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(r.Name) <= 300, "name", "must be at most 300 characters")
	if r.DataResponsible != "" {
		v.OneOf("data_responsible", r.DataResponsible)
	}
	if r.AgreementConcluded != "" {
		v.OneOf("agreement_concluded", r.AgreementConcluded)
	}
	if r.AgreementDate != nil && !r.AgreementDate.valid() {
		v.Add("agreement_date", "must be a valid date")
	}
	validateProcessors(&v, "processors", r.Processors)
	validateProcessors(&v, "sub_processors", r.SubProcessors)
	if r.TransferBasis != "" {
		v.OneOf("transfer_basis", r.TransferBasis)
	}
	for i, c := range r.ThirdCountries {
		v.Check(KnownCountry(c), "third_countries["+strconv.Itoa(i)+"]", "%q is not an ISO 3166-1 country code such as US", c)
	}
	for i, k := range r.PersonalData {
		v.OneOf("personal_data["+strconv.Itoa(i)+"]", k)
	}
	o := r.Oversight
	if o.Interval != "" {
		v.OneOf("oversight.interval", o.Interval)
	}
	if o.LastDate != nil && !o.LastDate.valid() {
		v.Add("oversight.last_date", "must be a valid date")
	}
	if o.PlannedDate != nil {
		if !o.PlannedDate.valid() {
			v.Add("oversight.planned_date", "must be a valid date")
		} else if o.LastDate != nil && o.LastDate.valid() {
			v.Check(o.PlannedDate.After(*o.LastDate), "oversight.planned_date", "must be after the last oversight (%s)", *o.LastDate)
		}
	}
	v.Check(utf8.RuneCountInString(o.Result) <= 5000, "oversight.result", "must be at most 5000 characters")
	if o.DocumentURL != "" {
		v.Check(validWebURL(o.DocumentURL), "oversight.document_url", "must be an http or https address")
	}
	v.Check(utf8.RuneCountInString(r.Notes) <= 5000, "notes", "must be at most 5000 characters")
	v.OneOf("visibility", r.Visibility)
	return v.Err()
}

func validateProcessors(v *Validation, path string, ps []DataProcessor) {
	seen := map[string]bool{}
	for i, p := range ps {
		at := path + "[" + strconv.Itoa(i) + "]"
		v.Check(p.OrganizationID != "", at+".organization_id", "is required")
		if p.Country != "" {
			v.Check(KnownCountry(p.Country), at+".country", "%q is not an ISO 3166-1 country code such as US", p.Country)
		}
		key := p.OrganizationID + "/" + p.Country
		v.Check(!seen[key], at+".organization_id", "appears twice")
		seen[key] = true
	}
}

// DataProcessingPatch changes a registration; nil fields stay as they are.
type DataProcessingPatch struct {
	Name               *string             `json:"name,omitempty" maxLength:"300"`
	DataResponsible    *DataResponsible    `json:"data_responsible,omitempty" allowEmpty:"true"`
	UsageIDs           *[]string           `json:"usage_ids,omitempty" maxItems:"200"`
	ContractIDs        *[]string           `json:"contract_ids,omitempty" maxItems:"200"`
	AgreementConcluded *YesNoIrrelevant    `json:"agreement_concluded,omitempty" allowEmpty:"true"`
	AgreementDate      *Date               `json:"agreement_date,omitempty" format:"date" doc:"Empty string clears it"`
	Processors         *[]DataProcessor    `json:"processors,omitempty" maxItems:"50"`
	SubProcessors      *[]DataProcessor    `json:"sub_processors,omitempty" maxItems:"100"`
	TransferBasis      *TransferBasis      `json:"transfer_basis,omitempty" allowEmpty:"true"`
	ThirdCountries     *[]string           `json:"third_countries,omitempty" maxItems:"50"`
	PersonalData       *[]PersonalDataKind `json:"personal_data,omitempty" maxItems:"4"`
	Oversight          *Oversight          `json:"oversight,omitempty" doc:"Replaces the whole oversight"`
	Notes              *string             `json:"notes,omitempty" maxLength:"5000"`
	Visibility         *Visibility         `json:"visibility,omitempty"`
}

// Apply returns r with the patch applied.
func (p DataProcessingPatch) Apply(r DataProcessingRegistration) DataProcessingRegistration {
	setIf(&r.Name, p.Name)
	setIf(&r.DataResponsible, p.DataResponsible)
	if p.UsageIDs != nil {
		r.setUsageIDs(*p.UsageIDs)
	}
	if p.ContractIDs != nil {
		r.setContractIDs(*p.ContractIDs)
	}
	setIf(&r.AgreementConcluded, p.AgreementConcluded)
	setDate(&r.AgreementDate, p.AgreementDate)
	setIf(&r.Processors, p.Processors)
	setIf(&r.SubProcessors, p.SubProcessors)
	setIf(&r.TransferBasis, p.TransferBasis)
	setIf(&r.ThirdCountries, p.ThirdCountries)
	setIf(&r.PersonalData, p.PersonalData)
	setIf(&r.Oversight, p.Oversight)
	setIf(&r.Notes, p.Notes)
	setIf(&r.Visibility, p.Visibility)
	r.normalize()
	return r
}

// OversightUrgency is the urgency, on the day today, of the next oversight.
func (r *DataProcessingRegistration) OversightUrgency(today Date) Urgency {
	return UrgencyOf(today, r.NextOversight)
}

// OversightOverdue reports whether the next oversight is before today.
func (r *DataProcessingRegistration) OversightOverdue(today Date) bool {
	return r.NextOversight != nil && r.NextOversight.Before(today)
}

// OrderByNextOversight sorts registrations by their next oversight, the
// earliest first and those without one last; ties by folded name and ID.
func OrderByNextOversight(rs []DataProcessingRegistration) {
	slices.SortStableFunc(rs, func(a, b DataProcessingRegistration) int {
		switch {
		case a.NextOversight == nil && b.NextOversight != nil:
			return 1
		case a.NextOversight != nil && b.NextOversight == nil:
			return -1
		case a.NextOversight != nil:
			if c := a.NextOversight.Compare(*b.NextOversight); c != 0 {
				return c
			}
		}
		if c := strings.Compare(Fold(a.Name), Fold(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// DataProcessingFilter selects registrations.
type DataProcessingFilter struct {
	OrganizationID string
	UsageID        string
	ContractID     string
	ProcessorID    string // a processor or sub-processor
	// OversightBy keeps the registrations whose next oversight is on or
	// before the day.
	OversightBy *Date
	ListOptions
}

// DataProcessingService manages data processing registrations.
type DataProcessingService interface {
	ListDataProcessing(ctx context.Context, actor *Actor, f DataProcessingFilter) (*Page[DataProcessingRegistration], error)
	// OversightsDue returns the first limit registrations that have a
	// next oversight (on or before f.OversightBy when set), earliest
	// first, and how many there are.
	OversightsDue(ctx context.Context, actor *Actor, f DataProcessingFilter, limit int) ([]DataProcessingRegistration, int, error)
	// DataProcessingCovering returns, by usage id, the visible
	// registrations (their ids and names) that cover each of at most
	// MaxPageSize usages.
	DataProcessingCovering(ctx context.Context, actor *Actor, usageIDs []string) (map[string][]DataProcessingRegistration, error)
	// AllDataProcessing returns every registration that matches the filter
	// by name, without pages (ListOptions other than ChangedSince are
	// ignored).
	AllDataProcessing(ctx context.Context, actor *Actor, f DataProcessingFilter) ([]DataProcessingRegistration, error)
	FindDataProcessing(ctx context.Context, actor *Actor, id string) (*DataProcessingRegistration, error)
	CreateDataProcessing(ctx context.Context, actor *Actor, in DataProcessingInput) (*DataProcessingRegistration, error)
	UpdateDataProcessing(ctx context.Context, actor *Actor, id string, version int, p DataProcessingPatch) (*DataProcessingRegistration, error)
	DeleteDataProcessing(ctx context.Context, actor *Actor, id string, version int) error
}
