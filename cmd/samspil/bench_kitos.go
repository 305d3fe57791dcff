package main

import (
	"context"
	"fmt"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
)

// kitosSeed is what seedKITOSRecords gave a municipality: the records
// municipalities keep beside KITOS, a hundred times the demo's.
type kitosSeed struct {
	registration string // a data processing registration covering usages and contracts
	hub          string // a usage other usages depend on
	dependents   int
	roles        int
}

// maxBenchDependents is how many of the municipality's usages depend on
// the hub usage.
const maxBenchDependents = 200

// seedKITOSRecords gives the municipality n data processing registrations
// (each covering two of its usages and one of its contracts, with yearly
// oversight), an interface on one usage's system with up to 200 of its
// other usages depending on that usage through it, and two roles on each
// usage and on each of the first 200 registrations, all through the store.
func seedKITOSRecords(ctx context.Context, db *sqldb.DB, orgID string, n int) (*kitosSeed, error) {
	sys := samspil.SystemActor("bench")
	var usages []samspil.Usage
	for cursor := ""; ; {
		page, err := db.ListUsages(ctx, sys, samspil.UsageFilter{OrganizationID: orgID, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		usages = append(usages, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(usages) <= maxBenchDependents {
		// A municipality the generator gave no landscape uses systems of
		// the catalogue.
		have := map[string]bool{}
		for _, u := range usages {
			have[u.SystemID] = true
		}
		systems, err := db.ListSystems(ctx, sys, samspil.SystemFilter{ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		for _, s := range systems.Items {
			if have[s.ID] || len(usages) > maxBenchDependents {
				continue
			}
			u, err := db.CreateUsage(ctx, sys, samspil.UsageInput{OrganizationID: orgID, SystemID: s.ID, Lifecycle: samspil.LifecycleOperational,
				Visibility: samspil.VisibilitySector})
			if err != nil {
				return nil, fmt.Errorf("usage: %w", err)
			}
			usages = append(usages, *u)
		}
	}
	contracts, err := db.AllContracts(ctx, sys, samspil.ContractFilter{OrganizationID: orgID})
	if err != nil {
		return nil, err
	}
	if len(usages) < 2 || len(contracts) == 0 {
		return nil, fmt.Errorf("the municipality needs usages and contracts: %d and %d", len(usages), len(contracts))
	}
	seed := &kitosSeed{hub: usages[0].ID}
	types := map[samspil.RoleObjectKind][]samspil.RoleType{}
	for _, kind := range samspil.RoleObjectKinds {
		if types[kind], err = db.RoleTypes(ctx, sys, orgID, kind); err != nil || len(types[kind]) < 2 {
			return nil, fmt.Errorf("role types of %s: %d, %v", kind, len(types[kind]), err)
		}
	}
	iface, err := db.CreateSystemInterface(ctx, sys, usages[0].SystemID, samspil.SystemInterfaceInput{Name: "Bench-API", Identifier: "bench-1"})
	if err != nil {
		return nil, fmt.Errorf("interface: %w", err)
	}
	for _, u := range usages[1:min(len(usages), maxBenchDependents+1)] {
		if _, err := db.CreateUsageRelation(ctx, sys, u.ID, samspil.UsageRelationInput{ToUsageID: seed.hub, InterfaceID: iface.ID,
			Frequency: samspil.FrequencyDaily, Description: "Henter stamdata"}); err != nil {
			return nil, fmt.Errorf("relation: %w", err)
		}
		seed.dependents++
	}
	for i := range n {
		last := samspil.NewDate(2025, 1, 1).AddDays(i % 365)
		r, err := db.CreateDataProcessing(ctx, sys, samspil.DataProcessingInput{OrganizationID: orgID, Name: fmt.Sprintf("Databehandling %d", i+1),
			UsageIDs: []string{usages[i%len(usages)].ID, usages[(i+7)%len(usages)].ID}, ContractIDs: []string{contracts[i%len(contracts)].ID},
			AgreementConcluded: samspil.AnswerYes, PersonalData: []samspil.PersonalDataKind{samspil.PersonalDataOrdinary},
			Oversight: samspil.Oversight{Interval: samspil.OversightYearly, LastDate: &last}, Visibility: samspil.VisibilitySector})
		if err != nil {
			return nil, fmt.Errorf("registration %d: %w", i+1, err)
		}
		if i == 0 {
			seed.registration = r.ID
		}
		if i < maxBenchDependents {
			if err := seedBenchRoles(ctx, db, types, samspil.RoleOnDataProcessing, r.ID, i); err != nil {
				return nil, err
			}
			seed.roles += 2
		}
	}
	for i, u := range usages {
		if err := seedBenchRoles(ctx, db, types, samspil.RoleOnUsage, u.ID, i); err != nil {
			return nil, err
		}
		seed.roles += 2
	}
	return seed, nil
}

// seedBenchRoles assigns the first two role types of the kind on a record
// to two people without accounts.
func seedBenchRoles(ctx context.Context, db *sqldb.DB, types map[samspil.RoleObjectKind][]samspil.RoleType, kind samspil.RoleObjectKind, id string, i int) error {
	sys := samspil.SystemActor("bench")
	for j := range 2 {
		in := samspil.RoleAssignmentInput{RoleTypeID: types[kind][j].ID, Name: fmt.Sprintf("Person %d", i*2+j+1),
			Email: fmt.Sprintf("person%d@bench.example", i*2+j+1)}
		if _, err := db.CreateRoleAssignment(ctx, sys, kind, id, in); err != nil {
			return fmt.Errorf("role on %s %s: %w", kind, id, err)
		}
	}
	return nil
}
