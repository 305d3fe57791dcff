package kitos

import (
	"testing"
	"time"

	"github.com/samspil/samspil"
)

func sp(s string) *string { return &s }
func ip(n int) *int       { return &n }

func TestLifecycle(t *testing.T) {
	for _, c := range []struct {
		status *string
		valid  bool
		want   samspil.Lifecycle
	}{
		{sp("Operational"), false, samspil.LifecycleOperational},
		{sp("PhasingIn"), true, samspil.LifecyclePhasingIn},
		{sp("PhasingOut"), true, samspil.LifecyclePhasingOut},
		{sp("NotInUse"), true, samspil.LifecycleRetired},
		{sp("Undecided"), true, samspil.LifecycleOperational},
		{sp("Undecided"), false, samspil.LifecyclePlanned},
		{nil, true, samspil.LifecycleOperational},
		{nil, false, samspil.LifecyclePlanned},
		{sp("SomethingNew"), false, samspil.LifecyclePlanned},
	} {
		if got := Lifecycle(c.status, c.valid); got != c.want || !got.Valid() {
			t.Errorf("Lifecycle(%v, %v) = %s, want %s", deref(c.status), c.valid, got, c.want)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestUserBand(t *testing.T) {
	for _, c := range []struct {
		lower int
		upper *int
		want  samspil.UserBand
	}{
		{0, ip(9), "1-10"}, {10, ip(49), "11-50"}, {50, ip(99), "51-200"}, {100, nil, "51-200"},
		{1000, ip(5000), "1001-5000"}, {6000, nil, "5000+"},
	} {
		if got := UserBand(c.lower, c.upper); got != c.want {
			t.Errorf("UserBand(%d, %v) = %s, want %s", c.lower, c.upper, got, c.want)
		}
	}
}

func TestExtensionOption(t *testing.T) {
	for _, c := range []struct {
		name          string
		count, months int
		ok            bool
	}{
		{"2 x 1 år", 2, 12, true}, {"1 x 1 år", 1, 12, true}, {"1 x ½ år", 1, 6, true}, {"3 X 2 år", 3, 24, true},
		{"4 x 6 mdr.", 4, 6, true}, {"2 x 1,5 år", 2, 18, true}, {"2x1 år", 2, 12, true},
		{"Option forlæng", 0, 0, false}, {"", 0, 0, false}, {"0 x 1 år", 0, 0, false}, {"25 x 1 år", 0, 0, false}, {"1 x 11 år", 0, 0, false},
	} {
		n, m, ok := ExtensionOption(c.name)
		if n != c.count || m != c.months || ok != c.ok {
			t.Errorf("ExtensionOption(%q) = %d, %d, %v; want %d, %d, %v", c.name, n, m, ok, c.count, c.months, c.ok)
		}
	}
}

func TestNoticeMonthsAndRule(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		ok   bool
	}{{"3", 3, true}, {"12", 12, true}, {"6 måneder", 6, true}, {"Ingen", 0, false}, {"99", 99, false}} {
		if n, ok := NoticeMonths(c.name); n != c.n || ok != c.ok {
			t.Errorf("NoticeMonths(%q) = %d, %v", c.name, n, ok)
		}
	}
	for _, c := range []struct {
		choice *string
		want   samspil.NoticeRule
	}{{nil, samspil.NoticeAnyDay}, {sp("EndOfMonth"), samspil.NoticeEndOfMonth}, {sp("EndOfQuarter"), samspil.NoticeEndOfQuarter},
		{sp("EndOfCalendarYear"), samspil.NoticeEndOfYear}, {sp("Other"), samspil.NoticeAnyDay}} {
		if got := NoticeRule(c.choice); got != c.want {
			t.Errorf("NoticeRule(%s) = %s, want %s", deref(c.choice), got, c.want)
		}
	}
}

func TestProcurementFormAndCategory(t *testing.T) {
	for name, want := range map[string]samspil.ProcurementForm{
		"EU udbud": samspil.ProcurementEUTender, "SKI - direkte tildeling": samspil.ProcurementSKI, "SKI - mini-udbud": samspil.ProcurementSKI,
		"SKI 02.19": samspil.ProcurementSKI, "Direkte tildeling": samspil.ProcurementDirect, "Udbud": samspil.ProcurementOther,
		"Annoncering": samspil.ProcurementOther, "Underhåndsbud": samspil.ProcurementOther, "Fællesudbud": samspil.ProcurementJoint, "": "",
	} {
		if got := ProcurementForm(&IdentityNamePair{Name: name}); got != want {
			t.Errorf("ProcurementForm(%q) = %q, want %q", name, got, want)
		}
	}
	if ProcurementForm(nil) != "" {
		t.Error("no strategy is no form")
	}
	for name, want := range map[string]samspil.Category{
		"ESDH": samspil.CategoryCaseManagement, "Løn og personale": samspil.CategoryHRPayroll, "Økonomisystem": samspil.CategoryEconomy,
		"Kommunikation": samspil.CategoryCommunication, "GIS": samspil.CategoryTechnical, "Fagsystem": samspil.CategoryOther,
		"Borgerrettet selvbetjening": samspil.CategorySelfService, "Skole og dagtilbud": samspil.CategorySchools,
	} {
		if got := Category(&IdentityNamePair{Name: name}); got != want {
			t.Errorf("Category(%q) = %s, want %s", name, got, want)
		}
	}
	if Category(nil) != samspil.CategoryOther {
		t.Error("no business type is other")
	}
}

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

func TestMapContract(t *testing.T) {
	var k ItContract
	k.UUID, k.Name = "c1", " SBSYS drift "
	k.General.Validity.ValidFrom, k.General.Validity.ValidTo = at("2018-12-31T23:00:00Z"), at("2026-12-31T00:00:00Z")
	k.AgreementPeriod.ExtensionOptions = &IdentityNamePair{Name: "2 x 1 år"}
	k.AgreementPeriod.ExtensionOptionsUsed = 5
	k.AgreementPeriod.IrrevocableUntil = at("2021-12-31T00:00:00Z")
	k.Termination.Terms = &struct {
		NoticePeriodMonths         *IdentityNamePair `json:"noticePeriodMonths"`
		NoticePeriodExtendsCurrent *string           `json:"noticePeriodExtendsCurrent"`
		NoticeByEndOf              *string           `json:"noticeByEndOf"`
	}{NoticePeriodMonths: &IdentityNamePair{Name: "6"}, NoticePeriodExtendsCurrent: sp("EndOfQuarter")}
	k.Procurement.ProcurementPlan = &struct {
		QuarterOfYear int `json:"quarterOfYear"`
		Year          int `json:"year"`
	}{3, 2026}
	k.Supplier.Organization = &ShallowOrganization{Name: "Fujitsu A/S", CVR: "10203040"}
	k.SystemUsages = []IdentityNamePair{{UUID: "u1"}}
	c := MapContract(k)
	tm := c.Terms
	if c.Name != "SBSYS drift" || !c.HasStart || tm.Start.String() != "2019-01-01" || tm.Expiry.String() != "2026-12-31" ||
		tm.ExtensionCount != 2 || tm.ExtensionMonths != 12 || tm.ExtensionsUsed != 2 || tm.ExtensionKind != samspil.ExtensionOption ||
		tm.NoticeMonths != 6 || tm.NoticeRule != samspil.NoticeEndOfQuarter || tm.IrrevocableUntil.String() != "2021-12-31" ||
		c.ReprocurementQuarter != "2026-Q3" || c.SupplierCVR != "10203040" || len(c.UsageUUIDs) != 1 {
		t.Errorf("mapped %+v", c)
	}

	// Without validTo the duration counts; continuous contracts run until
	// notice and have no options; an option name that cannot be read is
	// kept in the notes.
	var d ItContract
	d.General.Validity.ValidFrom = at("2020-01-01T00:00:00Z")
	d.AgreementPeriod.DurationYears, d.AgreementPeriod.DurationMonths = ip(2), ip(6)
	d.AgreementPeriod.ExtensionOptions = &IdentityNamePair{Name: "Efter aftale"}
	m := MapContract(d)
	if m.Terms.DurationMonths != 30 || m.Terms.Expiry != nil || m.Terms.ExtensionCount != 0 || m.Terms.ExtensionKind != samspil.ExtensionAutomatic ||
		m.Notes != "KITOS-option: Efter aftale" || m.Terms.NoticeRule != samspil.NoticeAnyDay {
		t.Errorf("duration contract %+v", m)
	}
	yes := true
	d.AgreementPeriod.IsContinuous = &yes
	if m := MapContract(d); m.Terms.DurationMonths != 0 || m.Terms.ExtensionCount != 0 {
		t.Errorf("continuous contract %+v", m)
	}
	if m := MapContract(ItContract{Name: "x"}); m.HasStart {
		t.Error("a contract without validFrom has no start")
	}
}

func TestMapUsage(t *testing.T) {
	var u ItSystemUsage
	u.UUID, u.SystemContext = "u1", IdentityNamePair{UUID: "s1", Name: "SBSYS"}
	u.General.Validity.LifeCycleStatus, u.General.Validity.Valid = sp("PhasingIn"), true
	u.General.Validity.ValidFrom = at("2024-02-28T23:00:00Z")
	u.LocalKLEDeviations.AddedKLE = []IdentityNamePair{{Name: "27.24.00"}, {Name: "00.01.00"}}
	u.LocalKLEDeviations.RemovedKLE = []IdentityNamePair{{Name: "00.01.00"}, {Name: "85.02.00"}}
	m := MapUsage(u)
	want := []samspil.TaskChange{{Code: "27.24.00"}, {Code: "00.01.00", OptOut: true}, {Code: "85.02.00", OptOut: true}}
	if m.Lifecycle != samspil.LifecyclePhasingIn || m.From.String() != "2024-02-29" || m.SystemUUID != "s1" || len(m.TaskChanges) != 3 ||
		m.TaskChanges[0] != want[0] || m.TaskChanges[1] != want[1] || m.TaskChanges[2] != want[2] {
		t.Errorf("mapped %+v", m)
	}
}

func TestFrequency(t *testing.T) {
	for name, want := range map[string]samspil.RelationFrequency{"Dagligt": samspil.FrequencyDaily, "Ugentligt": samspil.FrequencyWeekly,
		"Månedligt": samspil.FrequencyMonthly, "Kvartal": samspil.FrequencyQuarterly, "Kvartalsvis": samspil.FrequencyQuarterly,
		"Halvårligt": samspil.FrequencyHalfYearly, "Årligt": samspil.FrequencyYearly, " årligt ": samspil.FrequencyYearly} {
		if got, ok := Frequency(&IdentityNamePair{Name: name}); got != want || !ok {
			t.Errorf("Frequency(%q) = %s, %v; want %s", name, got, ok, want)
		}
	}
	if f, ok := Frequency(&IdentityNamePair{Name: "Efter behov"}); ok || f != "" {
		t.Errorf("an unknown frequency: %s, %v", f, ok)
	}
	if f, ok := Frequency(nil); !ok || f != "" {
		t.Errorf("no frequency: %s, %v", f, ok)
	}
	r := MapRelation(SystemRelation{UUID: "r1", ToSystemUsage: IdentityNamePair{UUID: "u2", Name: "OPUS"}, RelationFrequency: &IdentityNamePair{Name: "Efter behov"},
		AssociatedContract: &IdentityNamePair{UUID: "c1"}, RelationInterface: &IdentityNamePair{Name: "Løndata"}, URLReference: " https://x.dk "})
	if r.ToUsageUUID != "u2" || r.FrequencyName != "Efter behov" || r.ContractUUID != "c1" || r.InterfaceName != "Løndata" || r.Reference != "https://x.dk" {
		t.Errorf("relation %+v", r)
	}
}

func TestMapDataProcessing(t *testing.T) {
	for name, want := range map[string]samspil.DataResponsible{"Leverandøren er databehandler": samspil.DataResponsibleSupplierProcessor,
		"Fællesdataansvar": samspil.DataResponsibleJoint, "Kommunen er selv dataansvarlig": samspil.DataResponsibleOrganization} {
		if got, unknown := DataResponsible(&IdentityNamePair{Name: name}); got != want || unknown != "" {
			t.Errorf("DataResponsible(%q) = %s, %q", name, got, unknown)
		}
	}
	if got, unknown := DataResponsible(&IdentityNamePair{Name: "Egen kategori"}); got != "" || unknown != "Egen kategori" {
		t.Errorf("an unknown option: %s, %q", got, unknown)
	}
	for name, want := range map[string]samspil.TransferBasis{"EU og EØS": samspil.TransferEUEEA, "EU's standardkontrakt": samspil.TransferStandardClauses,
		"Intet": samspil.TransferNone, "Andet": samspil.TransferOther, "BCR": samspil.TransferBindingCorporate} {
		if got, unknown := TransferBasis(&IdentityNamePair{Name: name}); got != want || unknown != "" {
			t.Errorf("TransferBasis(%q) = %s, %q", name, got, unknown)
		}
	}
	for choice, want := range map[string]samspil.YesNoIrrelevant{"Yes": samspil.AnswerYes, "No": samspil.AnswerNo, "Irrelevant": samspil.AnswerIrrelevant, "Undecided": ""} {
		if got := AgreementConcluded(sp(choice)); got != want {
			t.Errorf("AgreementConcluded(%s) = %s", choice, got)
		}
	}
	for choice, want := range map[string]samspil.OversightInterval{"BiYearly": samspil.OversightHalfYearly, "Yearly": samspil.OversightYearly,
		"EveryOtherYear": samspil.OversightEverySecondYear, "Other": samspil.OversightOther, "Undecided": samspil.OversightUndecided} {
		if got := OversightInterval(sp(choice)); got != want {
			t.Errorf("OversightInterval(%s) = %s", choice, got)
		}
	}
	var d DataProcessingRegistration
	d.UUID, d.Name = "d1", " Løndata "
	d.General.MainContract = &IdentityNamePair{UUID: "c1"}
	d.General.AssociatedContracts = []IdentityNamePair{{UUID: "c1"}, {UUID: "c2"}}
	d.General.InsecureCountriesSubjectToDataTransfer = []IdentityNamePair{{Name: "ua"}}
	d.Oversight.OversightDates = []struct {
		CompletedAt time.Time `json:"completedAt"`
		Remark      string    `json:"remark"`
	}{{*at("2025-03-03T00:00:00Z"), "Senest"}, {*at("2024-03-01T00:00:00Z"), "Før"}}
	m := MapDataProcessing(d)
	if m.Name != "Løndata" || len(m.ContractUUIDs) != 2 || m.ThirdCountries[0] != "UA" || m.Oversight.LastDate.String() != "2025-03-03" ||
		m.Oversight.Result != "Senest" {
		t.Errorf("mapped %+v", m)
	}
}
