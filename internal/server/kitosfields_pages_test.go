package server_test

import (
	"context"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
)

// setKITOSFields fills the fields kept as in KITOS on the example usage,
// system and contract, so that the pages show them to the accessibility
// checks.
func setKITOSFields(t *testing.T, db *sqldb.DB, actor *samspil.Actor, w *pageWorld, u samspil.Usage) {
	t.Helper()
	ctx := context.Background()
	day := samspil.NewDate(2025, 3, 1)
	_, err := db.UpdateUsage(ctx, actor, u.ID, u.Version, samspil.UsagePatch{UsageKITOSPatch: samspil.UsageKITOSPatch{
		LocalCallName: ptr("Fagsystemet"), SystemVersion: ptr("4.2"), DataClassification: ptr(samspil.DataConfidential),
		ArchiveDuty: ptr(samspil.ArchiveB), ArchivePeriodYears: ptr(5), AIUse: ptr(samspil.No), WebAccessibility: ptr(samspil.Partially),
		WebAccessibilityChecked: &day, References: &[]samspil.Reference{{Title: "Driftsvejledning", URL: "https://example.dk/drift"}}}})
	if err != nil {
		t.Fatalf("usage KITOS fields: %v", err)
	}
	s, err := db.FindSystem(ctx, actor, w.system)
	if err != nil {
		t.Fatal(err)
	}
	if actor.Can(samspil.PermLandscapeWrite, s.OwnerID) || actor.IsOperator() {
		if _, err := db.UpdateSystem(ctx, actor, s.ID, s.Version, samspil.SystemPatch{SystemKITOSPatch: samspil.SystemKITOSPatch{
			FormerNames: &[]string{"Det gamle navn"}, ArchiveRecommendation: ptr(samspil.RecommendB)}}); err != nil {
			t.Fatalf("system KITOS fields: %v", err)
		}
	}
	c, err := db.FindContract(ctx, actor, w.contract)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateContract(ctx, actor, c.ID, c.Version, samspil.ContractPatch{ContractKITOSPatch: samspil.ContractKITOSPatch{
		ContractType: ptr(samspil.ContractMain), Criticality: ptr(samspil.Criticality1), PaymentModel: ptr(samspil.PaymentLicense),
		PaymentMilestones:  &[]samspil.PaymentMilestone{{Title: "Idriftsættelse", ExpectedOn: &day}},
		OrganizationSigner: ptr("Signe Kontraktsen"), OrganizationSignedOn: &day}}); err != nil {
		t.Fatalf("contract KITOS fields: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
