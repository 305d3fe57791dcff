package sqldb_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// The fields municipalities keep in KITOS on a usage: written on create and
// update, read back, kept in the audit image, and refused with a field
// error (nothing written) when wrong.
func TestUsageKITOSFields(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Fagsystem", Visibility: samspil.VisibilityPublic})
		other := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Andet", Visibility: samspil.VisibilityPublic})
		third := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Tredje", Visibility: samspil.VisibilityPublic})
		terms := samspil.ContractTerms{Start: day(t, "2024-01-01"), DurationMonths: 36}
		main := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Hovedkontrakt", SystemIDs: []string{s.ID}, ContractTerms: terms})
		notCovering := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Andet system", SystemIDs: []string{other.ID}, ContractTerms: terms})
		viborgs := l.contract(t, l.vEditor.Actor, samspil.ContractInput{Name: "Viborgs", SystemIDs: []string{s.ID}, ContractTerms: terms})

		checked := samspil.NewDate(2026, 5, 1)
		k := samspil.UsageKITOSFields{LocalCallName: " Sagen ", LocalSystemID: "SILK-42", SystemVersion: "7.2",
			DataClassification: samspil.DataConfidential, MainContractID: main.ID, ArchiveDuty: samspil.ArchiveB, ArchivePeriodYears: 5,
			AIUse: samspil.Undecided, WebAccessibility: samspil.Partially, WebAccessibilityChecked: &checked, WebAccessibilityNotes: "Formularer mangler labels",
			References: []samspil.Reference{{Title: "Driftsaftale", URL: "https://intra.silkeborg.dk/drift"}, {Title: "Vejledning", URL: "http://example.dk/v"}}}
		mark := auditMark(t, db)
		u, err := db.CreateUsage(ctx, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, Lifecycle: samspil.LifecycleOperational, UsageKITOSFields: k})
		must(t, err)
		want := k
		want.LocalCallName = "Sagen"
		if !sameKITOS(u.UsageKITOSFields, want) {
			t.Fatalf("created %+v, want %+v", u.UsageKITOSFields, want)
		}
		if found, err := db.FindUsage(ctx, l.sEditor.Actor, u.ID); err != nil || !sameKITOS(found.UsageKITOSFields, want) {
			t.Fatalf("found %+v, %v", found, err)
		}
		after := jsonObject(t, wantAudit(t, db, mark, "usage.create")[0].After)
		if after["local_call_name"] != "Sagen" || after["main_contract_id"] != main.ID || after["archive_duty"] != "b" || after["web_accessibility_checked"] != "2026-05-01" {
			t.Errorf("audit image %v", after)
		}
		page, err := db.ListUsages(ctx, l.sEditor.Actor, samspil.UsageFilter{OrganizationID: l.silkeborg.ID})
		must(t, err)
		if len(page.Items) != 1 || !sameKITOS(page.Items[0].UsageKITOSFields, want) {
			t.Errorf("listed %+v", page.Items)
		}

		// Update: change some, clear others, keep the rest.
		mark = auditMark(t, db)
		up, err := db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, 1, samspil.UsagePatch{UsageKITOSPatch: samspil.UsageKITOSPatch{
			SystemVersion: ptr("8.0"), MainContractID: ptr(""), ArchiveDuty: ptr(samspil.ArchiveDuty("")), WebAccessibilityChecked: &samspil.Date{},
			References: &[]samspil.Reference{{Title: "Ny", URL: "https://ny.dk"}}, AIUse: ptr(samspil.Yes)}})
		must(t, err)
		want.SystemVersion, want.MainContractID, want.ArchiveDuty, want.WebAccessibilityChecked = "8.0", "", "", nil
		want.References, want.AIUse = []samspil.Reference{{Title: "Ny", URL: "https://ny.dk"}}, samspil.Yes
		if !sameKITOS(up.UsageKITOSFields, want) || up.Version != 2 {
			t.Fatalf("updated %+v, want %+v", up.UsageKITOSFields, want)
		}
		ev := wantAudit(t, db, mark, "usage.update")[0]
		if b, a := jsonObject(t, ev.Before), jsonObject(t, ev.After); b["system_version"] != "7.2" || a["system_version"] != "8.0" || a["main_contract_id"] != nil {
			t.Errorf("audit images %v → %v", b, a)
		}

		long := func(n int) string { return string(slices.Repeat([]byte("x"), n)) }
		many := slices.Repeat([]samspil.Reference{{Title: "R", URL: "https://r.dk"}}, 21)
		for _, c := range []struct {
			name  string
			p     samspil.UsageKITOSPatch
			field string
		}{
			{"local call name too long", samspil.UsageKITOSPatch{LocalCallName: ptr(long(101))}, "local_call_name"},
			{"local system id too long", samspil.UsageKITOSPatch{LocalSystemID: ptr(long(201))}, "local_system_id"},
			{"version too long", samspil.UsageKITOSPatch{SystemVersion: ptr(long(101))}, "system_version"},
			{"unknown classification", samspil.UsageKITOSPatch{DataClassification: ptr(samspil.DataClassification("top"))}, "data_classification"},
			{"unknown archive duty", samspil.UsageKITOSPatch{ArchiveDuty: ptr(samspil.ArchiveDuty("B+K"))}, "archive_duty"},
			{"negative archive period", samspil.UsageKITOSPatch{ArchivePeriodYears: ptr(-1)}, "archive_period_years"},
			{"archive period too long", samspil.UsageKITOSPatch{ArchivePeriodYears: ptr(101)}, "archive_period_years"},
			{"unknown AI answer", samspil.UsageKITOSPatch{AIUse: ptr(samspil.YesNoUndecided("maybe"))}, "ai_use"},
			{"unknown accessibility", samspil.UsageKITOSPatch{WebAccessibility: ptr(samspil.YesNoPartially("mostly"))}, "web_accessibility"},
			{"accessibility notes too long", samspil.UsageKITOSPatch{WebAccessibilityNotes: ptr(long(2001))}, "web_accessibility_notes"},
			{"reference not http", samspil.UsageKITOSPatch{References: &[]samspil.Reference{{Title: "A", URL: "https://a.dk"}, {Title: "B", URL: "javascript:alert(1)"}}}, "references[1].url"},
			{"reference without title", samspil.UsageKITOSPatch{References: &[]samspil.Reference{{Title: " ", URL: "https://a.dk"}}}, "references[0].title"},
			{"too many references", samspil.UsageKITOSPatch{References: &many}, "references"},
			{"contract not covering the system", samspil.UsageKITOSPatch{MainContractID: &notCovering.ID}, "main_contract_id"},
			{"contract of another organisation", samspil.UsageKITOSPatch{MainContractID: &viborgs.ID}, "main_contract_id"},
			{"unknown contract", samspil.UsageKITOSPatch{MainContractID: ptr("no-such-contract")}, "main_contract_id"},
		} {
			t.Run(c.name, func(t *testing.T) {
				m := auditMark(t, db)
				_, err := db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, 2, samspil.UsagePatch{UsageKITOSPatch: c.p})
				wantField(t, err, samspil.EINVALID, c.field)
				_, err = db.CreateUsage(ctx, l.sEditor.Actor, samspil.UsageInput{SystemID: third.ID, Lifecycle: samspil.LifecyclePlanned,
					UsageKITOSFields: kitosOf(c.p)})
				wantField(t, err, samspil.EINVALID, c.field)
				wantAudit(t, db, m)
				if found, err := db.FindUsage(ctx, l.sEditor.Actor, u.ID); err != nil || found.Version != 2 || !sameKITOS(found.UsageKITOSFields, want) {
					t.Errorf("after refusal: %+v, %v", found, err)
				}
			})
		}

		// Deleting the main contract clears it on the usage.
		_, err = db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, 2, samspil.UsagePatch{UsageKITOSPatch: samspil.UsageKITOSPatch{MainContractID: &main.ID}})
		must(t, err)
		must(t, db.DeleteContract(ctx, l.sEditor.Actor, main.ID, main.Version))
		if found, err := db.FindUsage(ctx, l.sEditor.Actor, u.ID); err != nil || found.MainContractID != "" {
			t.Errorf("after deleting the main contract: %+v, %v", found, err)
		}
	})
}

// kitosOf returns the fields a patch sets, for the same refusal on create.
func kitosOf(p samspil.UsageKITOSPatch) samspil.UsageKITOSFields {
	var f samspil.UsageKITOSFields
	p2 := samspil.UsagePatch{UsageKITOSPatch: p}
	return p2.Apply(samspil.Usage{UsageKITOSFields: f}).UsageKITOSFields
}

func sameKITOS(a, b samspil.UsageKITOSFields) bool {
	if (a.WebAccessibilityChecked == nil) != (b.WebAccessibilityChecked == nil) ||
		a.WebAccessibilityChecked != nil && *a.WebAccessibilityChecked != *b.WebAccessibilityChecked {
		return false
	}
	a.WebAccessibilityChecked, b.WebAccessibilityChecked = nil, nil
	if !slices.Equal(a.References, b.References) {
		return false
	}
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

// The KITOS fields of a catalogue entry: parent (no cycles), former names,
// deactivated (no new usages) and the archive recommendation.
func TestSystemKITOSFields(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		suite := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "KMD Nova", Visibility: samspil.VisibilityPublic})
		private := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "Viborgs eget", Visibility: samspil.VisibilityPrivate})

		mark := auditMark(t, db)
		part, err := db.CreateSystem(ctx, l.sEditor.Actor, samspil.SystemInput{Name: "Nova Sag", Category: samspil.CategoryOther, Visibility: samspil.VisibilityPublic,
			SystemKITOSFields: samspil.SystemKITOSFields{ParentID: suite.ID, FormerNames: []string{" Sag 2000 ", "", "Sag 2000", "SagsNet"},
				ArchiveRecommendation: samspil.RecommendB}})
		must(t, err)
		if part.ParentID != suite.ID || !slices.Equal(part.FormerNames, []string{"Sag 2000", "SagsNet"}) || part.Deactivated ||
			part.ArchiveRecommendation != samspil.RecommendB {
			t.Fatalf("created %+v", part.SystemKITOSFields)
		}
		after := jsonObject(t, wantAudit(t, db, mark, "system.create")[0].After)
		if after["parent_id"] != suite.ID || after["archive_recommendation"] != "b" {
			t.Errorf("audit image %v", after)
		}
		sub := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Nova Sag Mobil", Visibility: samspil.VisibilityPublic,
			SystemKITOSFields: samspil.SystemKITOSFields{ParentID: part.ID}})

		// Refusals: nothing written.
		for _, c := range []struct {
			name  string
			id    string
			p     samspil.SystemKITOSPatch
			field string
		}{
			{"itself", suite.ID, samspil.SystemKITOSPatch{ParentID: &suite.ID}, "parent_id"},
			{"its part", suite.ID, samspil.SystemKITOSPatch{ParentID: &part.ID}, "parent_id"},
			{"a part of its part", suite.ID, samspil.SystemKITOSPatch{ParentID: &sub.ID}, "parent_id"},
			{"unknown parent", part.ID, samspil.SystemKITOSPatch{ParentID: ptr("no-such-system")}, "parent_id"},
			{"invisible parent", part.ID, samspil.SystemKITOSPatch{ParentID: &private.ID}, "parent_id"},
			{"long former name", part.ID, samspil.SystemKITOSPatch{FormerNames: &[]string{"ok", string(slices.Repeat([]byte("x"), 201))}}, "former_names[1]"},
			{"too many former names", part.ID, samspil.SystemKITOSPatch{FormerNames: ptr(manyNames(21))}, "former_names"},
			{"unknown recommendation", part.ID, samspil.SystemKITOSPatch{ArchiveRecommendation: ptr(samspil.ArchiveRecommendation("B"))}, "archive_recommendation"},
		} {
			t.Run(c.name, func(t *testing.T) {
				before, err := db.FindSystem(ctx, l.sEditor.Actor, c.id)
				must(t, err)
				m := auditMark(t, db)
				_, err = db.UpdateSystem(ctx, l.sEditor.Actor, c.id, before.Version, samspil.SystemPatch{SystemKITOSPatch: c.p})
				wantField(t, err, samspil.EINVALID, c.field)
				wantAudit(t, db, m)
				if found, err := db.FindSystem(ctx, l.sEditor.Actor, c.id); err != nil || found.Version != before.Version || found.ParentID != before.ParentID {
					t.Errorf("after refusal: %+v, %v", found, err)
				}
			})
		}
		_, err = db.CreateSystem(ctx, l.sEditor.Actor, samspil.SystemInput{Name: "Ny", Category: samspil.CategoryOther,
			SystemKITOSFields: samspil.SystemKITOSFields{ParentID: private.ID}})
		wantField(t, err, samspil.EINVALID, "parent_id")

		// Deactivated: existing usages stay and may change, new ones are refused.
		u := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: part.ID})
		mark = auditMark(t, db)
		up, err := db.UpdateSystem(ctx, l.sEditor.Actor, part.ID, part.Version, samspil.SystemPatch{SystemKITOSPatch: samspil.SystemKITOSPatch{
			Deactivated: ptr(true), ParentID: ptr(""), ArchiveRecommendation: ptr(samspil.ArchiveRecommendation(""))}})
		must(t, err)
		if !up.Deactivated || up.ParentID != "" || up.ArchiveRecommendation != "" || !slices.Equal(up.FormerNames, []string{"Sag 2000", "SagsNet"}) {
			t.Fatalf("updated %+v", up.SystemKITOSFields)
		}
		ev := wantAudit(t, db, mark, "system.update")[0]
		if b, a := jsonObject(t, ev.Before), jsonObject(t, ev.After); b["deactivated"] != nil || a["deactivated"] != true {
			t.Errorf("audit images %v → %v", b, a)
		}
		m := auditMark(t, db)
		_, err = db.CreateUsage(ctx, l.vEditor.Actor, samspil.UsageInput{SystemID: part.ID, Lifecycle: samspil.LifecyclePlanned})
		wantField(t, err, samspil.EINVALID, "system_id")
		wantAudit(t, db, m)
		_, err = db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, u.Version, samspil.UsagePatch{Lifecycle: ptr(samspil.LifecyclePhasingOut)})
		must(t, err)
		page, err := db.ListSystems(ctx, l.vEditor.Actor, samspil.SystemFilter{Query: "Nova Sag"})
		must(t, err)
		if len(page.Items) != 2 || !page.Items[0].Deactivated || page.Items[1].Deactivated {
			t.Errorf("listed %+v", page.Items)
		}

		// Merging an entry with parts: the parts move to its parent.
		must2(db.UpdateSystem(ctx, l.sEditor.Actor, part.ID, up.Version, samspil.SystemPatch{SystemKITOSPatch: samspil.SystemKITOSPatch{ParentID: &suite.ID}}))(t)
		_, err = db.MergeSystems(ctx, l.op, sub.ID, part.ID)
		must(t, err)
		if found, err := db.FindSystem(ctx, l.sEditor.Actor, sub.ID); err != nil || found.ParentID != suite.ID {
			t.Errorf("the part after merging its parent: %+v, %v", found, err)
		}
	})
}

func manyNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint("Navn ", i)
	}
	return out
}

// must2 fails the test when a call returning a value and an error failed.
func must2[T any](_ T, err error) func(t *testing.T) {
	return func(t *testing.T) {
		t.Helper()
		must(t, err)
	}
}

// The KITOS fields of a contract: written, read back, in the audit image,
// kept by a patch that leaves them alone, and refused with a field error.
func TestContractKITOSFields(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		terms := samspil.ContractTerms{Start: day(t, "2024-01-01"), DurationMonths: 36}
		main := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Hovedkontrakt", ContractTerms: terms})
		viborgs := l.contract(t, l.vEditor.Actor, samspil.ContractInput{Name: "Viborgs", ContractTerms: terms})
		signed := samspil.NewDate(2023, 12, 1)
		k := samspil.ContractKITOSFields{ContractType: samspil.ContractSupplementary, Criticality: samspil.Criticality2, ParentID: main.ID,
			PaymentModel: samspil.PaymentLicensePopulation, PaymentMilestones: []samspil.PaymentMilestone{{Title: " Idriftsættelse ", ExpectedOn: ptr(samspil.NewDate(2024, 6, 1)),
				ApprovedOn: ptr(samspil.NewDate(2024, 6, 15))}, {Title: "Slutgodkendelse"}},
			OrganizationSigner: "Signe Kontraktsen", OrganizationSignedOn: &signed, SupplierSigner: "Lars Leverandør", SupplierSignedOn: &signed}
		mark := auditMark(t, db)
		c, err := db.CreateContract(ctx, l.sEditor.Actor, samspil.ContractInput{Name: "Tillæg", ContractTerms: terms, ContractKITOSFields: k})
		must(t, err)
		if got := fmt.Sprintf("%+v", c.ContractKITOSFields); c.ParentID != main.ID || c.PaymentMilestones[0].Title != "Idriftsættelse" ||
			c.PaymentMilestones[0].ApprovedOn.String() != "2024-06-15" || c.PaymentMilestones[1].ExpectedOn != nil || c.SupplierSignedOn.String() != "2023-12-01" ||
			c.ContractType != samspil.ContractSupplementary || c.Criticality != samspil.Criticality2 || c.PaymentModel != samspil.PaymentLicensePopulation {
			t.Fatalf("created %s", got)
		}
		after := jsonObject(t, wantAudit(t, db, mark, "contract.create")[0].After)
		if after["parent_id"] != main.ID || after["contract_type"] != "supplementary" || after["organization_signed_on"] != "2023-12-01" {
			t.Errorf("audit image %v", after)
		}
		all, err := db.AllContracts(ctx, l.sEditor.Actor, samspil.ContractFilter{OrganizationID: l.silkeborg.ID})
		must(t, err)
		if i := slices.IndexFunc(all, func(x samspil.Contract) bool { return x.ID == c.ID }); i < 0 || len(all[i].PaymentMilestones) != 2 {
			t.Errorf("listed %+v", all)
		}

		// A patch of another field keeps them; a patch of them changes only them.
		up, err := db.UpdateContract(ctx, l.sEditor.Actor, c.ID, 1, samspil.ContractPatch{Notes: ptr("Nye noter")})
		must(t, err)
		if fmt.Sprintf("%+v", up.ContractKITOSFields) != fmt.Sprintf("%+v", c.ContractKITOSFields) {
			t.Errorf("a notes patch changed %+v", up.ContractKITOSFields)
		}
		up, err = db.UpdateContract(ctx, l.sEditor.Actor, c.ID, 2, samspil.ContractPatch{ContractKITOSPatch: samspil.ContractKITOSPatch{
			ParentID: ptr(""), Criticality: ptr(samspil.Criticality("")), SupplierSignedOn: &samspil.Date{}, PaymentMilestones: &[]samspil.PaymentMilestone{}}})
		must(t, err)
		if up.ParentID != "" || up.Criticality != "" || up.SupplierSignedOn != nil || len(up.PaymentMilestones) != 0 || up.SupplierSigner != "Lars Leverandør" {
			t.Errorf("after clearing %+v", up.ContractKITOSFields)
		}
		// The main contract under the supplement is allowed; then the supplement under it is a cycle.
		_, err = db.UpdateContract(ctx, l.sEditor.Actor, main.ID, 1, samspil.ContractPatch{ContractKITOSPatch: samspil.ContractKITOSPatch{ParentID: &c.ID}})
		must(t, err)

		long := string(slices.Repeat([]byte("x"), 201))
		for _, cse := range []struct {
			name  string
			p     samspil.ContractKITOSPatch
			field string
		}{
			{"itself", samspil.ContractKITOSPatch{ParentID: &c.ID}, "parent_id"},
			{"under its own child", samspil.ContractKITOSPatch{ParentID: &main.ID}, "parent_id"},
			{"another organisation's", samspil.ContractKITOSPatch{ParentID: &viborgs.ID}, "parent_id"},
			{"unknown parent", samspil.ContractKITOSPatch{ParentID: ptr("no-such-contract")}, "parent_id"},
			{"unknown type", samspil.ContractKITOSPatch{ContractType: ptr(samspil.ContractType("Hovedkontrakt"))}, "contract_type"},
			{"unknown criticality", samspil.ContractKITOSPatch{Criticality: ptr(samspil.Criticality("3"))}, "criticality"},
			{"unknown payment model", samspil.ContractKITOSPatch{PaymentModel: ptr(samspil.PaymentModel("gratis"))}, "payment_model"},
			{"milestone without title", samspil.ContractKITOSPatch{PaymentMilestones: &[]samspil.PaymentMilestone{{Title: "A"}, {Title: " "}}}, "payment_milestones[1].title"},
			{"too many milestones", samspil.ContractKITOSPatch{PaymentMilestones: ptr(slices.Repeat([]samspil.PaymentMilestone{{Title: "M"}}, 51))}, "payment_milestones"},
			{"long signer", samspil.ContractKITOSPatch{SupplierSigner: &long}, "supplier_signer"},
		} {
			t.Run(cse.name, func(t *testing.T) {
				m := auditMark(t, db)
				_, err := db.UpdateContract(ctx, l.sEditor.Actor, c.ID, 3, samspil.ContractPatch{ContractKITOSPatch: cse.p})
				wantField(t, err, samspil.EINVALID, cse.field)
				wantAudit(t, db, m)
				if found, err := db.FindContract(ctx, l.sEditor.Actor, c.ID); err != nil || found.Version != 3 || found.ParentID != "" {
					t.Errorf("after refusal: %+v, %v", found, err)
				}
			})
		}
		_, err = db.CreateContract(ctx, l.sEditor.Actor, samspil.ContractInput{Name: "Fremmed", ContractTerms: terms,
			ContractKITOSFields: samspil.ContractKITOSFields{ParentID: viborgs.ID}})
		wantField(t, err, samspil.EINVALID, "parent_id")

		// Deleting the parent clears it on the child.
		cur, err := db.FindContract(ctx, l.sEditor.Actor, c.ID)
		must(t, err)
		must(t, db.DeleteContract(ctx, l.sEditor.Actor, c.ID, cur.Version))
		if found, err := db.FindContract(ctx, l.sEditor.Actor, main.ID); err != nil || found.ParentID != "" {
			t.Errorf("after deleting the parent: %+v, %v", found, err)
		}
	})
}
