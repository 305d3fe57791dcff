package kitos

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samspil/samspil"
)

// The mapping from KITOS's vocabulary to samspil's. Each function says what
// it does with values it does not know.

// date reads a KITOS date. KITOS keeps dates as local midnights and writes
// them in UTC; read in Copenhagen time, both "2024-01-01T00:00:00Z" and
// "2023-12-31T23:00:00Z" are 1 January 2024.
func date(t *time.Time) *samspil.Date {
	if t == nil || t.IsZero() {
		return nil
	}
	d := samspil.DateOf(t.In(samspil.Copenhagen()))
	return &d
}

// Lifecycle maps KITOS's LifeCycleStatusChoice ("Livscyklus") to samspil's
// lifecycle. Undecided (or none) is operational when KITOS counts the usage
// as valid (its validity period covers today), else planned; NotInUse
// ("Ikke i drift") is retired.
func Lifecycle(status *string, valid bool) samspil.Lifecycle {
	s := ""
	if status != nil {
		s = *status
	}
	switch s {
	case "PhasingIn":
		return samspil.LifecyclePhasingIn
	case "Operational":
		return samspil.LifecycleOperational
	case "PhasingOut":
		return samspil.LifecyclePhasingOut
	case "NotInUse":
		return samspil.LifecycleRetired
	}
	if valid {
		return samspil.LifecycleOperational
	}
	return samspil.LifecyclePlanned
}

// bandTops are the largest numbers of users of samspil's user bands.
var bandTops = []struct {
	top  int
	band samspil.UserBand
}{{10, "1-10"}, {50, "11-50"}, {200, "51-200"}, {1000, "201-1000"}, {5000, "1001-5000"}}

// UserBand maps KITOS's numberOfExpectedUsers interval (lowerBound,
// upperBound; KITOS offers 0-9, 10-49, 50-99 and 100 or more) to the
// samspil band holding its upper bound; an open interval ("100+") gets the
// band of its lower bound, the most that is known.
func UserBand(lower int, upper *int) samspil.UserBand {
	n := lower
	if upper != nil {
		n = *upper
	}
	for _, b := range bandTops {
		if n <= b.top {
			return b.band
		}
	}
	return "5000+"
}

var reOption = regexp.MustCompile(`^\s*(\d+)\s*[xX×]\s*(\d+|½|\d+[.,]5)\s*(år|mdr\.?|måneder|md\.?)\s*$`)

// ExtensionOption reads KITOS's agreement-period extension option
// ("Option forlæng", option type OptionExtendType; KITOS's defaults are
// "2 x 1 år", "1 x 1 år" and "1 x ½ år"): the number of extensions and the
// months of each. ok is false for names it cannot read.
func ExtensionOption(name string) (count, months int, ok bool) {
	m := reOption.FindStringSubmatch(strings.ToLower(name))
	if m == nil {
		return 0, 0, false
	}
	count, _ = strconv.Atoi(m[1])
	var length float64
	switch n := strings.ReplaceAll(m[2], ",", "."); n {
	case "½":
		length = 0.5
	default:
		length, _ = strconv.ParseFloat(n, 64)
	}
	if m[3] == "år" {
		length *= 12
	}
	months = int(length)
	if count <= 0 || count > 20 || months <= 0 || months > 120 || float64(months) != length {
		return 0, 0, false
	}
	return count, months, true
}

var reLeadingInt = regexp.MustCompile(`^\s*(\d+)`)

// NoticeMonths reads KITOS's notice period option ("Opsigelsesfrist",
// TerminationDeadlineType; its names are "1" to "12", often "3 måneder").
func NoticeMonths(name string) (int, bool) {
	m := reLeadingInt.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	return n, n <= 60
}

// NoticeRule maps KITOS's noticePeriodExtendsCurrent ("Løbende"), a
// YearSegmentChoice, to when notice takes effect: "løbende måned" is
// notice that runs to the end of the month.
func NoticeRule(extendsCurrent *string) samspil.NoticeRule {
	if extendsCurrent == nil {
		return samspil.NoticeAnyDay
	}
	switch *extendsCurrent {
	case "EndOfMonth":
		return samspil.NoticeEndOfMonth
	case "EndOfQuarter":
		return samspil.NoticeEndOfQuarter
	case "EndOfCalendarYear":
		return samspil.NoticeEndOfYear
	}
	return samspil.NoticeAnyDay
}

// ProcurementForm maps KITOS's procurement strategy ("Genanskaffelsesstrategi",
// ProcurementStrategyType: "Direkte tildeling", "Annoncering", "Udbud",
// "EU udbud", "Mini-udbud", "SKI - direkte tildeling", "SKI - mini-udbud",
// "Underhåndsbud") to samspil's procurement form; unknown names are other,
// none is none.
func ProcurementForm(p *IdentityNamePair) samspil.ProcurementForm {
	if p == nil || strings.TrimSpace(p.Name) == "" {
		return ""
	}
	n := strings.ToLower(strings.TrimSpace(p.Name))
	switch {
	case strings.HasPrefix(n, "ski"):
		return samspil.ProcurementSKI
	case strings.Contains(n, "eu") && strings.Contains(n, "udbud"):
		return samspil.ProcurementEUTender
	case strings.Contains(n, "direkte tildeling"):
		return samspil.ProcurementDirect
	case strings.Contains(n, "fællesudbud") || strings.Contains(n, "fælles"):
		return samspil.ProcurementJoint
	}
	return samspil.ProcurementOther
}

// categoryWords map words of KITOS's business types ("Forretningstype", a
// local option list) to samspil's categories; the first match wins.
var categoryWords = []struct {
	word     string
	category samspil.Category
}{
	{"esdh", samspil.CategoryCaseManagement}, {"sagsbehandling", samspil.CategoryCaseManagement}, {"journal", samspil.CategoryCaseManagement},
	{"økonomi", samspil.CategoryEconomy}, {"løn", samspil.CategoryHRPayroll}, {"personale", samspil.CategoryHRPayroll}, {"hr", samspil.CategoryHRPayroll},
	{"selvbetjening", samspil.CategorySelfService}, {"borger", samspil.CategorySelfService},
	{"social", samspil.CategorySocial}, {"skole", samspil.CategorySchools}, {"dagtilbud", samspil.CategorySchools}, {"børn", samspil.CategorySchools},
	{"sundhed", samspil.CategoryHealth}, {"omsorg", samspil.CategoryHealth}, {"beskæftigelse", samspil.CategoryEmployment}, {"jobcenter", samspil.CategoryEmployment},
	{"gis", samspil.CategoryTechnical}, {"teknik", samspil.CategoryTechnical}, {"miljø", samspil.CategoryTechnical}, {"byg", samspil.CategoryTechnical},
	{"infrastruktur", samspil.CategoryInfrastructure}, {"drift", samspil.CategoryInfrastructure}, {"netværk", samspil.CategoryInfrastructure},
	{"kommunikation", samspil.CategoryCommunication}, {"web", samspil.CategoryCommunication},
	{"data", samspil.CategoryData}, {"analyse", samspil.CategoryData}, {"ledelsesinformation", samspil.CategoryData},
}

// Category maps a KITOS business type to a samspil category by its words;
// none or an unknown one is other.
func Category(businessType *IdentityNamePair) samspil.Category {
	if businessType == nil {
		return samspil.CategoryOther
	}
	words := strings.FieldsFunc(strings.ToLower(businessType.Name), func(r rune) bool {
		return r == ' ' || r == '-' || r == '/' || r == ',' || r == '(' || r == ')'
	})
	for _, cw := range categoryWords {
		for _, w := range words {
			if w == cw.word || strings.HasPrefix(w, cw.word) && len(cw.word) > 3 {
				return cw.category
			}
		}
	}
	return samspil.CategoryOther
}

// kle returns the task keys of KITOS's KLE references, sorted and without
// duplicates.
func kle(refs []IdentityNamePair) []string {
	var out []string
	for _, r := range refs {
		if k := strings.TrimSpace(r.Name); k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// frequencyWords map the beginnings of KITOS's relation frequencies
// ("Frekvens", RelationFrequencyType: "Dagligt", "Ugentligt", "Månedligt",
// "Kvartal", "Halvårligt", "Årligt") to samspil's.
var frequencyWords = []struct {
	prefix    string
	frequency samspil.RelationFrequency
}{{"dagl", samspil.FrequencyDaily}, {"ugentl", samspil.FrequencyWeekly}, {"månedl", samspil.FrequencyMonthly}, {"kvartal", samspil.FrequencyQuarterly},
	{"halvår", samspil.FrequencyHalfYearly}, {"årl", samspil.FrequencyYearly}}

// Frequency maps a KITOS relation frequency by its name; ok is false for
// one samspil does not know.
func Frequency(p *IdentityNamePair) (f samspil.RelationFrequency, ok bool) {
	if p == nil || strings.TrimSpace(p.Name) == "" {
		return "", true
	}
	n := strings.ToLower(strings.TrimSpace(p.Name))
	for _, fw := range frequencyWords {
		if strings.HasPrefix(n, fw.prefix) {
			return fw.frequency, true
		}
	}
	return "", false
}

// MapRelation maps an outgoing system relation of a usage.
func MapRelation(r SystemRelation) samspil.KitosRelation {
	out := samspil.KitosRelation{UUID: r.UUID, ToUsageUUID: r.ToSystemUsage.UUID, ToName: r.ToSystemUsage.Name,
		Description: strings.TrimSpace(r.Description), Reference: strings.TrimSpace(r.URLReference)}
	if f, ok := Frequency(r.RelationFrequency); ok {
		out.Frequency = f
	} else {
		out.FrequencyName = r.RelationFrequency.Name
	}
	if r.AssociatedContract != nil {
		out.ContractUUID = r.AssociatedContract.UUID
	}
	if r.RelationInterface != nil {
		out.InterfaceName = r.RelationInterface.Name
	}
	return out
}

// MapSystem maps a KITOS it-system to a catalogue entry.
func MapSystem(s ItSystem) samspil.KitosSystem {
	out := samspil.KitosSystem{UUID: s.UUID, Name: strings.TrimSpace(s.Name), Description: s.Description, Category: Category(s.BusinessType),
		Tasks: kle(s.KLE), Deactivated: s.Deactivated}
	if s.RightsHolder != nil {
		out.VendorCVR, out.VendorName = strings.TrimSpace(s.RightsHolder.CVR), s.RightsHolder.Name
	}
	return out
}

// MapUsage maps a KITOS it-system-usage. KITOS's local KLE deviations
// become task changes: added tasks, and removed ones as opt-outs.
func MapUsage(u ItSystemUsage) samspil.KitosUsage {
	g := u.General
	out := samspil.KitosUsage{UUID: u.UUID, SystemUUID: u.SystemContext.UUID, SystemName: u.SystemContext.Name,
		Lifecycle: Lifecycle(g.Validity.LifeCycleStatus, g.Validity.Valid), From: date(g.Validity.ValidFrom), Until: date(g.Validity.ValidTo),
		Notes: strings.TrimSpace(g.Notes), TaskChanges: []samspil.TaskChange{}}
	if g.NumberOfExpectedUsers != nil {
		out.UserBand = UserBand(g.NumberOfExpectedUsers.LowerBound, g.NumberOfExpectedUsers.UpperBound)
	}
	removed := kle(u.LocalKLEDeviations.RemovedKLE)
	for _, k := range kle(u.LocalKLEDeviations.AddedKLE) {
		if !slices.Contains(removed, k) {
			out.TaskChanges = append(out.TaskChanges, samspil.TaskChange{Code: k})
		}
	}
	for _, k := range removed {
		out.TaskChanges = append(out.TaskChanges, samspil.TaskChange{Code: k, OptOut: true})
	}
	for _, r := range u.OutgoingSystemRelations {
		out.Relations = append(out.Relations, MapRelation(r))
	}
	return out
}

// MapContract maps a KITOS it-contract. The first day is validFrom; the
// initial term ends on validTo, or runs durationYears and durationMonths,
// or, when KITOS says isContinuous ("Løbende"), until notice. KITOS's
// extension options are options the buyer must exercise (extension_kind
// option); extensionOptionsUsed are those taken.
func MapContract(k ItContract) samspil.KitosContract {
	out := samspil.KitosContract{UUID: k.UUID, Name: strings.TrimSpace(k.Name), Notes: strings.TrimSpace(k.General.Notes),
		ProcurementForm: ProcurementForm(k.Procurement.ProcurementStrategy)}
	if out.ProcurementForm == "" {
		out.ProcurementForm = ProcurementForm(k.Procurement.PurchaseType)
	}
	if s := k.Supplier.Organization; s != nil {
		out.SupplierCVR, out.SupplierName = strings.TrimSpace(s.CVR), s.Name
	}
	for _, u := range k.SystemUsages {
		out.UsageUUIDs = append(out.UsageUUIDs, u.UUID)
	}
	if p := k.Procurement.ProcurementPlan; p != nil && p.QuarterOfYear >= 1 && p.QuarterOfYear <= 4 && p.Year >= 1000 && p.Year <= 9999 {
		out.ReprocurementQuarter = strconv.Itoa(p.Year) + "-Q" + strconv.Itoa(p.QuarterOfYear)
	}
	t := &out.Terms
	if d := date(k.General.Validity.ValidFrom); d != nil {
		t.Start, out.HasStart = *d, true
	}
	ap := k.AgreementPeriod
	continuous := ap.IsContinuous != nil && *ap.IsContinuous
	switch {
	case continuous:
	case k.General.Validity.ValidTo != nil:
		t.Expiry = date(k.General.Validity.ValidTo)
	default:
		if ap.DurationYears != nil {
			t.DurationMonths += *ap.DurationYears * 12
		}
		if ap.DurationMonths != nil {
			t.DurationMonths += *ap.DurationMonths
		}
	}
	t.IrrevocableUntil = date(ap.IrrevocableUntil)
	if ap.ExtensionOptions != nil && !continuous {
		if n, months, ok := ExtensionOption(ap.ExtensionOptions.Name); ok {
			t.ExtensionCount, t.ExtensionMonths, t.ExtensionKind = n, months, samspil.ExtensionOption
			t.ExtensionsUsed = min(max(ap.ExtensionOptionsUsed, 0), n)
		} else {
			out.Notes = strings.TrimSpace(out.Notes + "\nKITOS-option: " + ap.ExtensionOptions.Name)
		}
	}
	if terms := k.Termination.Terms; terms != nil {
		if terms.NoticePeriodMonths != nil {
			if n, ok := NoticeMonths(terms.NoticePeriodMonths.Name); ok {
				t.NoticeMonths = n
			}
		}
		t.NoticeRule = NoticeRule(terms.NoticePeriodExtendsCurrent)
	}
	t.TerminatedOn = date(k.Termination.TerminatedAt)
	t.Normalize()
	return out
}

// dataResponsibleNames are KITOS's default data responsible options
// ("Dataansvarlig", DataProcessingDataResponsibleOption).
var dataResponsibleNames = map[string]samspil.DataResponsible{
	"leverandøren er databehandler":                 samspil.DataResponsibleSupplierProcessor,
	"leverandøren behandler ikke personoplysninger": samspil.DataResponsibleNoPersonalData,
	"leverandøren er selvstændig dataansvarlig":     samspil.DataResponsibleSupplierController,
	"fællesdataansvar":                              samspil.DataResponsibleJoint,
	"kommunen er selv dataansvarlig":                samspil.DataResponsibleOrganization,
}

// transferBasisNames are KITOS's default bases for transfer
// ("Overførselsgrundlag", DataProcessingBasisForTransferOption).
var transferBasisNames = map[string]samspil.TransferBasis{
	"eu og eøs": samspil.TransferEUEEA, "eu's standardkontrakt": samspil.TransferStandardClauses, "eu’s standardkontrakt": samspil.TransferStandardClauses,
	"binding corporate rules": samspil.TransferBindingCorporate, "bcr": samspil.TransferBindingCorporate, "intet": samspil.TransferNone,
	"andet": samspil.TransferOther,
}

func optionName(p *IdentityNamePair) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(p.Name)
}

// DataResponsible maps KITOS's data responsible option by its name; name
// is the KITOS name when samspil has no such option.
func DataResponsible(p *IdentityNamePair) (r samspil.DataResponsible, unknown string) {
	n := optionName(p)
	if n == "" {
		return "", ""
	}
	if r, ok := dataResponsibleNames[strings.ToLower(n)]; ok {
		return r, ""
	}
	return "", n
}

// TransferBasis maps KITOS's basis for transfer by its name.
func TransferBasis(p *IdentityNamePair) (b samspil.TransferBasis, unknown string) {
	n := optionName(p)
	if n == "" {
		return "", ""
	}
	if b, ok := transferBasisNames[strings.ToLower(n)]; ok {
		return b, ""
	}
	return "", n
}

// AgreementConcluded maps KITOS's YesNoIrrelevantChoice; Undecided is no
// answer.
func AgreementConcluded(choice *string) samspil.YesNoIrrelevant {
	if choice == nil {
		return ""
	}
	switch *choice {
	case "Yes":
		return samspil.AnswerYes
	case "No":
		return samspil.AnswerNo
	case "Irrelevant":
		return samspil.AnswerIrrelevant
	}
	return ""
}

// OversightInterval maps KITOS's OversightIntervalChoice.
func OversightInterval(choice *string) samspil.OversightInterval {
	if choice == nil {
		return ""
	}
	switch *choice {
	case "BiYearly":
		return samspil.OversightHalfYearly
	case "Yearly":
		return samspil.OversightYearly
	case "EveryOtherYear":
		return samspil.OversightEverySecondYear
	case "Other":
		return samspil.OversightOther
	case "Undecided":
		return samspil.OversightUndecided
	}
	return ""
}

// country reads a KITOS country option: its names are ISO 3166-1 alpha-2
// codes ("NO", "SE").
func country(p *IdentityNamePair) string { return strings.ToUpper(optionName(p)) }

// MapDataProcessing maps a KITOS data processing registration. The
// contracts are the main contract and the associated ones; the last
// oversight is the latest of KITOS's oversight dates, with its remark as
// the result, and the planned one KITOS's scheduled inspection.
func MapDataProcessing(d DataProcessingRegistration) samspil.KitosDataProcessing {
	g := d.General
	out := samspil.KitosDataProcessing{UUID: d.UUID, Name: strings.TrimSpace(d.Name), AgreementConcluded: AgreementConcluded(g.IsAgreementConcluded),
		AgreementDate: date(g.AgreementConcludedAt)}
	out.DataResponsible, out.DataResponsibleName = DataResponsible(g.DataResponsible)
	out.TransferBasis, out.TransferBasisName = TransferBasis(g.BasisForTransfer)
	for _, p := range g.DataProcessors {
		out.Processors = append(out.Processors, samspil.KitosProcessor{CVR: strings.TrimSpace(p.CVR), Name: p.Name})
	}
	for _, p := range g.SubDataProcessors {
		out.SubProcessors = append(out.SubProcessors, samspil.KitosProcessor{CVR: strings.TrimSpace(p.DataProcessorOrganization.CVR),
			Name: p.DataProcessorOrganization.Name, Country: country(p.InsecureThirdCountrySubjectToDataProcessing)})
	}
	for _, c := range g.InsecureCountriesSubjectToDataTransfer {
		out.ThirdCountries = append(out.ThirdCountries, country(&c))
	}
	for _, u := range d.SystemUsages {
		out.UsageUUIDs = append(out.UsageUUIDs, u.UUID)
	}
	if g.MainContract != nil {
		out.ContractUUIDs = append(out.ContractUUIDs, g.MainContract.UUID)
	}
	for _, c := range g.AssociatedContracts {
		if !slices.Contains(out.ContractUUIDs, c.UUID) {
			out.ContractUUIDs = append(out.ContractUUIDs, c.UUID)
		}
	}
	o := d.Oversight
	out.Oversight.Interval = OversightInterval(o.OversightInterval)
	out.Oversight.PlannedDate = date(o.OversightScheduledInspectionDate)
	for _, od := range o.OversightDates {
		if at := od.CompletedAt; out.Oversight.LastDate == nil || date(&at).Compare(*out.Oversight.LastDate) > 0 {
			out.Oversight.LastDate, out.Oversight.Result = date(&at), strings.TrimSpace(od.Remark)
		}
	}
	return out
}
