package demo

import (
	"context"
	"fmt"

	"github.com/samspil/samspil"
)

// ensureRoles gives people roles on Silkeborg's records, with KITOS's
// default role types: the IT chief owns the first systems and contracts,
// the viewer is responsible for them, and an external consultant without
// an account advises on the first contract and data processing.
func ensureRoles(ctx context.Context, store Store) error {
	sys := samspil.SystemActor("demo")
	chief, err := store.UserIDByEmail(ctx, SilkeborgChiefEmail)
	if err != nil {
		return err
	}
	viewer, err := store.UserIDByEmail(ctx, ViewerEmail)
	if err != nil {
		return err
	}
	consultant := samspil.RoleAssignmentInput{Name: "Bo Rådgiver", Email: "bo@raadgiverne.example"}
	assign := func(kind samspil.RoleObjectKind, id string, people ...samspil.RoleAssignmentInput) error {
		types, err := store.RoleTypes(ctx, sys, "0740", kind)
		if err != nil {
			return err
		}
		for i, in := range people {
			in.RoleTypeID = types[min(i, len(types)-1)].ID
			if _, err := store.CreateRoleAssignment(ctx, sys, kind, id, in); err != nil {
				return fmt.Errorf("a demo role on %s %s: %w", kind, id, err)
			}
		}
		return nil
	}
	usages, err := store.ListUsages(ctx, sys, samspil.UsageFilter{OrganizationID: "0740", ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		return err
	}
	for _, u := range usages.Items {
		if err := assign(samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{UserID: chief}, samspil.RoleAssignmentInput{UserID: viewer}); err != nil {
			return err
		}
	}
	contracts, err := store.AllContracts(ctx, sys, samspil.ContractFilter{OrganizationID: "0740"})
	if err != nil {
		return err
	}
	for i, c := range contracts {
		people := []samspil.RoleAssignmentInput{{UserID: chief}, {UserID: viewer}}
		if i == 0 {
			people = append(people, consultant)
		}
		if err := assign(samspil.RoleOnContract, c.ID, people...); err != nil {
			return err
		}
	}
	processing, err := store.AllDataProcessing(ctx, sys, samspil.DataProcessingFilter{OrganizationID: "0740"})
	if err != nil {
		return err
	}
	for _, r := range processing {
		if err := assign(samspil.RoleOnDataProcessing, r.ID, samspil.RoleAssignmentInput{UserID: chief}, consultant); err != nil {
			return err
		}
	}
	return nil
}

// ensureClassifications adds a level of its own to Silkeborg's data
// classification, beside KITOS's defaults, and classifies its usages: the
// first as sensitive, the rest by turns as internal and confidential.
func ensureClassifications(ctx context.Context, store Store) error {
	sys := samspil.SystemActor("demo")
	special, err := store.CreateDataClassification(ctx, sys, "0740", samspil.DataClassificationInput{Name: "Særligt følsomme personoplysninger",
		Description: "Helbredsoplysninger og andre følsomme oplysninger (art. 9) samt strafbare forhold (art. 10)"})
	if err != nil {
		return err
	}
	usages, err := store.ListUsages(ctx, sys, samspil.UsageFilter{OrganizationID: "0740", ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		return err
	}
	for i, u := range usages.Items {
		level := []samspil.DataClassification{samspil.DataInternal, samspil.DataConfidential}[i%2]
		if i == 0 {
			level = special.Key
		}
		p := samspil.UsagePatch{UsageKITOSPatch: samspil.UsageKITOSPatch{DataClassification: &level}}
		if _, err := store.UpdateUsage(ctx, sys, u.ID, u.Version, p); err != nil {
			return fmt.Errorf("classifying demo usage %s: %w", u.ID, err)
		}
	}
	return nil
}
