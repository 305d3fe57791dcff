package testkit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
)

// Example KITOS UUIDs of ExampleKitosRuns.
const (
	KitosSystem   = "11111111-0000-4000-8000-00000000a001"
	KitosUsage    = "11111111-0000-4000-8000-00000000b001"
	KitosContract = "11111111-0000-4000-8000-00000000c001"

	KitosDataProcessing = "11111111-0000-4000-8000-00000000e001"
)

func ptrDate(d samspil.Date) *samspil.Date { return &d }

// ExampleKitosRuns applies two runs of a KITOS synchronisation of the
// organisation (code or ID) with a change of every kind and every note:
// the first creates systems (one with a KLE code samspil does not know),
// usages, a relation between them (with what samspil leaves out of it) and
// a contract (of a usage and a supplier samspil does not have), skips a
// relation to a usage samspil does not have,
// and skips a system with too long a name, a usage of an unknown system and
// a contract without a first day, and creates a data processing
// registration (without what samspil does not know of it); the second
// deletes the contract and the registration and keeps the usage (it shares
// experience) and the system.
func ExampleKitosRuns(t testing.TB, db *sqldb.DB, org string) {
	t.Helper()
	ctx := context.Background()
	first := &samspil.KitosSnapshot{BaseURL: "https://kitos.example", OrganizationUUID: "22222222-0000-4000-8000-000000000740", Full: true,
		ReadStartedAt: time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second),
		Systems: []samspil.KitosSystem{
			{UUID: KitosSystem, Name: "Borgerportal fra KITOS", Category: samspil.CategorySelfService, Tasks: []string{"00.01.00", "99.99.99"}},
			{UUID: "11111111-0000-4000-8000-00000000a002", Name: strings.Repeat("Fagsystem ", 21), Category: samspil.CategoryOther},
			{UUID: "11111111-0000-4000-8000-00000000a003", Name: "Lønsystem fra KITOS", Category: samspil.CategoryHRPayroll},
		},
		Usages: []samspil.KitosUsage{
			{UUID: KitosUsage, SystemUUID: KitosSystem, SystemName: "Borgerportal fra KITOS", Lifecycle: samspil.LifecycleOperational,
				Relations: []samspil.KitosRelation{
					{UUID: "11111111-0000-4000-8000-00000000d001", ToUsageUUID: "11111111-0000-4000-8000-00000000b003", ToName: "Lønsystem fra KITOS",
						FrequencyName: "Efter behov", InterfaceName: "Løndata", Reference: "intranet/loen", ContractUUID: "11111111-0000-4000-8000-00000000c099"},
					{UUID: "11111111-0000-4000-8000-00000000d002", ToUsageUUID: "11111111-0000-4000-8000-00000000b098", ToName: "Ukendt anvendelse"},
				}},
			{UUID: "11111111-0000-4000-8000-00000000b003", SystemUUID: "11111111-0000-4000-8000-00000000a003", SystemName: "Lønsystem fra KITOS",
				Lifecycle: samspil.LifecycleOperational},
			{UUID: "11111111-0000-4000-8000-00000000b002", SystemUUID: "11111111-0000-4000-8000-00000000a099", SystemName: "Ukendt system",
				Lifecycle: samspil.LifecyclePlanned},
		},
		Contracts: []samspil.KitosContract{
			{UUID: KitosContract, Name: "Borgerportal-aftale", HasStart: true, SupplierName: "Ukendt Leverandør A/S",
				UsageUUIDs: []string{KitosUsage, "11111111-0000-4000-8000-00000000b099"},
				Terms: samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), DurationMonths: 36, ExtensionCount: 2, ExtensionMonths: 12,
					ExtensionKind: samspil.ExtensionOption, NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfQuarter}},
			{UUID: "11111111-0000-4000-8000-00000000c002", Name: "Aftale uden startdato"},
		},
		DataProcessing: []samspil.KitosDataProcessing{
			{UUID: KitosDataProcessing, Name: "Databehandling fra KITOS", DataResponsibleName: "Egen kategori", UsageUUIDs: []string{KitosUsage},
				Processors: []samspil.KitosProcessor{{CVR: "12345674", Name: "Ukendt Hosting ApS"}}, ThirdCountries: []string{"XX"},
				Oversight: samspil.Oversight{Interval: samspil.OversightYearly, LastDate: ptrDate(samspil.NewDate(2025, 3, 3))}},
		},
	}
	if _, err := db.SyncKitos(ctx, System, org, first, false); err != nil {
		t.Fatalf("first KITOS run: %v", err)
	}
	us, err := db.ListUsages(ctx, System, samspil.UsageFilter{OrganizationID: Org(t, db, org).ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us.Items {
		if u.SystemName == "Borgerportal fra KITOS" {
			yes, who := true, "Kirsten Fiktiv"
			if _, err := db.UpdateUsage(ctx, System, u.ID, u.Version, samspil.UsagePatch{ShareExperience: &yes, ExperienceContactName: &who}); err != nil {
				t.Fatal(err)
			}
		}
	}
	since := first.ReadStartedAt
	second := &samspil.KitosSnapshot{BaseURL: first.BaseURL, OrganizationUUID: first.OrganizationUUID, Since: &since,
		ReadStartedAt: since.Add(24 * time.Hour), DeletedSystems: []string{KitosSystem}, DeletedUsages: []string{KitosUsage},
		DeletedContracts: []string{KitosContract}, DeletedDataProcessing: []string{KitosDataProcessing}}
	if _, err := db.SyncKitos(ctx, System, org, second, false); err != nil {
		t.Fatalf("second KITOS run: %v", err)
	}
}
