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
