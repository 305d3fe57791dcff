package samspil

import (
	"slices"
	"strings"
	"testing"
)

func TestUsageKITOSFieldsValidate(t *testing.T) {
	base := func() Usage {
		return Usage{Lifecycle: LifecycleOperational, Visibility: VisibilitySector}
	}
	many := slices.Repeat([]Reference{{Title: "R", URL: "https://r.dk"}}, MaxReferences+1)
	for _, c := range []struct {
		name string
		f    UsageKITOSFields
		want []string
	}{
		{"none set", UsageKITOSFields{}, nil},
		{"all set", UsageKITOSFields{LocalCallName: strings.Repeat("æ", 100), LocalSystemID: strings.Repeat("x", 200), SystemVersion: "1",
			DataClassification: DataSecret, ArchiveDuty: ArchivePreserveDataOnly, ArchivePeriodYears: MaxArchivePeriodYears, AIUse: No,
			WebAccessibility: FullyYes, WebAccessibilityNotes: strings.Repeat("ø", 2000),
			References: slices.Repeat([]Reference{{Title: "R", URL: "http://r.dk/a?b=c"}}, MaxReferences)}, nil},
		{"too long", UsageKITOSFields{LocalCallName: strings.Repeat("æ", 101), LocalSystemID: strings.Repeat("x", 201), SystemVersion: strings.Repeat("1", 101),
			DataClassification: strings.Repeat("k", 41), WebAccessibilityNotes: strings.Repeat("ø", 2001)},
			[]string{"local_call_name", "local_system_id", "system_version", "data_classification", "web_accessibility_notes"}},
		// The data classification is the organisation's own list, which the
		// store checks.
		{"unknown values", UsageKITOSFields{DataClassification: "Fortrolige data", ArchiveDuty: "B", AIUse: "Yes", WebAccessibility: "delvist"},
			[]string{"archive_duty", "ai_use", "web_accessibility"}},
		{"archive period below", UsageKITOSFields{ArchivePeriodYears: -1}, []string{"archive_period_years"}},
		{"archive period above", UsageKITOSFields{ArchivePeriodYears: MaxArchivePeriodYears + 1}, []string{"archive_period_years"}},
		{"references", UsageKITOSFields{References: []Reference{{Title: "", URL: "https://a.dk"}, {Title: "B", URL: "ftp://b.dk"},
			{Title: "C", URL: "https://"}, {Title: strings.Repeat("t", 201), URL: "/relative"}}},
			[]string{"references[0].title", "references[1].url", "references[2].url", "references[3].title", "references[3].url"}},
		{"too many references", UsageKITOSFields{References: many}, []string{"references"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			u := base()
			u.UsageKITOSFields = c.f
			if got := fields(u.Validate()); !slices.Equal(got, c.want) {
				t.Errorf("fields %v, want %v", got, c.want)
			}
		})
	}
}

// The patch trims texts and references; nil keeps, and a zero date clears.
func TestUsageKITOSPatchApply(t *testing.T) {
	d := NewDate(2026, 1, 2)
	u := Usage{UsageKITOSFields: UsageKITOSFields{LocalCallName: "A", SystemVersion: "1", WebAccessibilityChecked: &d}}
	got := UsagePatch{UsageKITOSPatch: UsageKITOSPatch{LocalCallName: ptrTo(" B "), WebAccessibilityChecked: &Date{},
		References: &[]Reference{{Title: " T ", URL: " https://t.dk "}}}}.Apply(u)
	if got.LocalCallName != "B" || got.SystemVersion != "1" || got.WebAccessibilityChecked != nil ||
		!slices.Equal(got.References, []Reference{{Title: "T", URL: "https://t.dk"}}) {
		t.Errorf("applied %+v", got.UsageKITOSFields)
	}
	if u.WebAccessibilityChecked == nil {
		t.Error("Apply changed the usage it was given")
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestSystemKITOSFieldsValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		in   SystemKITOSFields
		want []string
		keep []string
	}{
		{"none", SystemKITOSFields{}, nil, []string{}},
		{"names trimmed, blank and repeated dropped", SystemKITOSFields{FormerNames: []string{" A ", "", "A", "B"}}, nil, []string{"A", "B"}},
		{"long name", SystemKITOSFields{FormerNames: []string{"A", strings.Repeat("n", 201)}}, []string{"former_names[1]"}, nil},
		{"too many names", SystemKITOSFields{FormerNames: slices.Collect(func(yield func(string) bool) {
			for i := range MaxFormerNames + 1 {
				if !yield(strings.Repeat("n", i+1)) {
					return
				}
			}
		})}, []string{"former_names"}, nil},
		{"recommendation", SystemKITOSFields{ArchiveRecommendation: "B"}, []string{"archive_recommendation"}, nil},
		{"good recommendation", SystemKITOSFields{ArchiveRecommendation: RecommendNone}, nil, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := SystemInput{Name: "S", Category: CategoryOther, SystemKITOSFields: c.in}.System()
			if got := fields(s.Validate()); !slices.Equal(got, c.want) {
				t.Errorf("fields %v, want %v", got, c.want)
			}
			if c.keep != nil && !slices.Equal(s.FormerNames, c.keep) {
				t.Errorf("former names %q, want %q", s.FormerNames, c.keep)
			}
		})
	}
}

func TestContractKITOSFieldsValidate(t *testing.T) {
	terms := ContractTerms{Start: NewDate(2024, 1, 1), DurationMonths: 12}
	for _, c := range []struct {
		name string
		f    ContractKITOSFields
		want []string
	}{
		{"none", ContractKITOSFields{}, nil},
		{"all", ContractKITOSFields{ContractType: ContractDataProcessingAgreement, Criticality: Criticality1, PaymentModel: PaymentFee,
			PaymentMilestones: []PaymentMilestone{{Title: " M "}}, OrganizationSigner: strings.Repeat("å", 200), SupplierSigner: "L"}, nil},
		{"unknown values", ContractKITOSFields{ContractType: "Hovedkontrakt", Criticality: "Kritikalitet 1", PaymentModel: "Licens"},
			[]string{"contract_type", "criticality", "payment_model"}},
		{"milestones", ContractKITOSFields{PaymentMilestones: []PaymentMilestone{{Title: " "}, {Title: strings.Repeat("m", 201)}}},
			[]string{"payment_milestones[0].title", "payment_milestones[1].title"}},
		{"too many milestones", ContractKITOSFields{PaymentMilestones: slices.Repeat([]PaymentMilestone{{Title: "M"}}, MaxPaymentMilestones+1)},
			[]string{"payment_milestones"}},
		{"long signers", ContractKITOSFields{OrganizationSigner: strings.Repeat("å", 201), SupplierSigner: strings.Repeat("å", 201)},
			[]string{"organization_signer", "supplier_signer"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := ContractInput{Name: "K", ContractTerms: terms, ContractKITOSFields: c.f}.Contract()
			if got := fields(k.Validate()); !slices.Equal(got, c.want) {
				t.Errorf("fields %v, want %v", got, c.want)
			}
		})
	}
	// Titles are trimmed; a patch without the fields keeps them.
	k := ContractInput{Name: "K", ContractTerms: terms, ContractKITOSFields: ContractKITOSFields{PaymentMilestones: []PaymentMilestone{{Title: " M "}}, ParentID: " p "}}.Contract()
	if k.PaymentMilestones[0].Title != "M" || k.ParentID != "p" {
		t.Errorf("normalized %+v", k.ContractKITOSFields)
	}
	if got := (ContractPatch{Notes: ptrTo("n")}).Apply(k); got.ParentID != "p" || len(got.PaymentMilestones) != 1 {
		t.Errorf("a notes patch changed %+v", got.ContractKITOSFields)
	}
}
