package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// roleRoute tells the routes of the API to roles and an organisation's
// lists, which TestRolesCrossTenant tries.
func roleRoute(pattern string) bool {
	if !strings.Contains(pattern, " /api/") {
		return false
	}
	return strings.Contains(pattern, "/role-types") || strings.Contains(pattern, "/data-classifications") || strings.HasSuffix(pattern, "/roles") ||
		strings.Contains(pattern, "/roles/{role_id}")
}

func TestRolesAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newWorld(t, app)
		c := w.asSEditor
		types := "/api/v1/organizations/" + w.silkeborg.ID + "/role-types"

		// KITOS's defaults on the first ask.
		var list struct{ Items []samspil.RoleType }
		w.asVAd.Do("GET", types+"?object_kind=usage", nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != len(samspil.DefaultRoleTypes[samspil.RoleOnUsage]) || list.Items[0].Name != "Systemejer" {
			t.Fatalf("usage role types %+v", list.Items)
		}
		owner := list.Items[0]
		wantProblem(t, c.Do("GET", types+"?object_kind=system", nil), 422, "query.object_kind")

		// Administrators keep the list.
		c.Do("POST", types, map[string]any{"object_kind": "usage", "name": "Arkivansvarlig"}).Want(t, 403)
		res := w.asSAdmin.Do("POST", types, map[string]any{"object_kind": "usage", "name": "Arkivansvarlig"}).Want(t, 201)
		var archive samspil.RoleType
		res.JSON(t, &archive)
		if res.Header.Get("Location") != types+"/"+archive.ID || res.Header.Get("ETag") != `"1"` || !archive.Active {
			t.Fatalf("created %+v, headers %v", archive, res.Header)
		}
		wantProblem(t, w.asSAdmin.Do("POST", types, map[string]any{"object_kind": "usage", "name": "systemejer"}), 409, "body.name")
		wantProblem(t, w.asSAdmin.Do("POST", types, map[string]any{"object_kind": "usage", "name": ""}), 422, "body.name")
		w.asSAdmin.Do("PATCH", types+"/"+archive.ID, map[string]any{"active": false}, "If-Match", `"1"`).Want(t, 200)
		w.asSAdmin.Do("PATCH", types+"/"+archive.ID, map[string]any{"name": "x"}, "If-Match", `"1"`).Want(t, 412)
		w.asSAdmin.Do("GET", "/api/v1/organizations/"+w.viborg.ID+"/role-types/"+archive.ID, nil).Want(t, 404)

		// Assignments on a usage, a contract and a data processing registration.
		var sys samspil.System
		c.Do("POST", "/api/v1/systems", map[string]any{"name": "ESDH", "category": "case_management"}).Want(t, 201).JSON(t, &sys)
		var use samspil.Usage
		c.Do("POST", "/api/v1/usages", map[string]any{"organization_id": testkit.Silkeborg, "system_id": sys.ID, "lifecycle": "operational"}).Want(t, 201).JSON(t, &use)
		roles := "/api/v1/usages/" + use.ID + "/roles"
		res = c.Do("POST", roles, map[string]any{"role_type_id": owner.ID, "user_id": w.sViewer.User.ID}).Want(t, 201)
		var ra samspil.RoleAssignment
		res.JSON(t, &ra)
		if res.Header.Get("Location") != roles+"/"+ra.ID || ra.RoleTypeName != "Systemejer" || ra.Email != "viewer@silkeborg.example" {
			t.Fatalf("assigned %+v, headers %v", ra, res.Header)
		}
		wantProblem(t, c.Do("POST", roles, map[string]any{"role_type_id": owner.ID, "user_id": w.sViewer.User.ID}), 409, "body.user_id")
		wantProblem(t, c.Do("POST", roles, map[string]any{"role_type_id": owner.ID, "name": "Bo"}), 422, "body.email")
		wantProblem(t, c.Do("POST", roles, map[string]any{"role_type_id": archive.ID, "name": "Bo", "email": "bo@eksempel.dk"}), 422, "body.role_type_id")
		wantProblem(t, c.Do("POST", roles, map[string]any{"role_type_id": owner.ID, "user_id": w.vAdmin.User.ID}), 422, "body.user_id")
		c.Do("POST", roles, map[string]any{"role_type_id": owner.ID, "name": "Bo Konsulent", "email": "bo@eksempel.dk"}).Want(t, 201)
		w.asSViewer.Do("POST", roles, map[string]any{"role_type_id": owner.ID, "name": "Ane", "email": "ane@eksempel.dk"}).Want(t, 403)

		var assigned struct{ Items []samspil.RoleAssignment }
		w.asVAd.Do("GET", roles, nil).Want(t, 200).JSON(t, &assigned)
		if len(assigned.Items) != 2 || assigned.Items[0].Name != "Bo Konsulent" {
			t.Fatalf("roles %+v", assigned.Items)
		}

		var contractTypes struct{ Items []samspil.RoleType }
		c.Do("GET", types+"?object_kind=contract", nil).Want(t, 200).JSON(t, &contractTypes)
		var con samspil.Contract
		c.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": testkit.Silkeborg, "name": "Drift", "start": "2025-01-01",
			"duration_months": 24}).Want(t, 201).JSON(t, &con)
		c.Do("POST", "/api/v1/contracts/"+con.ID+"/roles", map[string]any{"role_type_id": contractTypes.Items[0].ID, "user_id": w.sEditor.User.ID}).Want(t, 201)
		wantProblem(t, c.Do("POST", "/api/v1/contracts/"+con.ID+"/roles", map[string]any{"role_type_id": owner.ID, "user_id": w.sEditor.User.ID}), 422, "body.role_type_id")

		var dpTypes struct{ Items []samspil.RoleType }
		c.Do("GET", types+"?object_kind=data_processing", nil).Want(t, 200).JSON(t, &dpTypes)
		var dpr samspil.DataProcessingRegistration
		c.Do("POST", "/api/v1/data-processing-registrations", map[string]any{"organization_id": testkit.Silkeborg, "name": "Løn"}).Want(t, 201).JSON(t, &dpr)
		c.Do("POST", "/api/v1/data-processing-registrations/"+dpr.ID+"/roles", map[string]any{"role_type_id": dpTypes.Items[0].ID, "user_id": w.sEditor.User.ID}).Want(t, 201)

		// Removing; a role under another record's path does not exist.
		c.Do("DELETE", "/api/v1/contracts/"+con.ID+"/roles/"+ra.ID, nil).Want(t, 404)
		c.Do("DELETE", roles+"/"+ra.ID, nil).Want(t, 204)
		c.Do("DELETE", roles+"/"+ra.ID, nil).Want(t, 404)
	})
}

// TestRolesCrossTenant lets each administrator try every role route on the
// other organisation's objects, visible and private: what they may not see
// answers 404, what they see but may not change 403, and nothing changes.
func TestRolesCrossTenant(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		type objects struct{ org, roleType, level, usage, contract, dataProcessing, usageRole, contractRole, dpRole string }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		made := func(p testkit.Person, orgID string, v samspil.Visibility) objects {
			o := objects{org: orgID}
			kinds := map[samspil.RoleObjectKind]string{}
			for _, k := range samspil.RoleObjectKinds {
				types, err := app.DB.RoleTypes(ctx, p.Actor, orgID, k)
				must(err)
				kinds[k] = types[0].ID
			}
			o.roleType = kinds[samspil.RoleOnUsage]
			levels, err := app.DB.DataClassifications(ctx, p.Actor, orgID)
			must(err)
			o.level = levels[0].ID
			sys, err := app.DB.CreateSystem(ctx, p.Actor, samspil.SystemInput{Name: "System " + orgID + string(v), Category: samspil.CategoryOther, OwnerID: orgID, Visibility: v})
			must(err)
			use, err := app.DB.CreateUsage(ctx, p.Actor, samspil.UsageInput{OrganizationID: orgID, SystemID: sys.ID, Lifecycle: samspil.LifecycleOperational, Visibility: v})
			must(err)
			con, err := app.DB.CreateContract(ctx, p.Actor, samspil.ContractInput{OrganizationID: orgID, Name: "Kontrakt", Visibility: v,
				ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), DurationMonths: 48, NoticeMonths: 6}})
			must(err)
			dpr, err := app.DB.CreateDataProcessing(ctx, p.Actor, samspil.DataProcessingInput{OrganizationID: orgID, Name: "Databehandling", Visibility: v})
			must(err)
			o.usage, o.contract, o.dataProcessing = use.ID, con.ID, dpr.ID
			in := samspil.RoleAssignmentInput{UserID: p.User.ID}
			in.RoleTypeID = kinds[samspil.RoleOnUsage]
			ra, err := app.DB.CreateRoleAssignment(ctx, p.Actor, samspil.RoleOnUsage, use.ID, in)
			must(err)
			o.usageRole = ra.ID
			in.RoleTypeID = kinds[samspil.RoleOnContract]
			ra, err = app.DB.CreateRoleAssignment(ctx, p.Actor, samspil.RoleOnContract, con.ID, in)
			must(err)
			o.contractRole = ra.ID
			in.RoleTypeID = kinds[samspil.RoleOnDataProcessing]
			ra, err = app.DB.CreateRoleAssignment(ctx, p.Actor, samspil.RoleOnDataProcessing, dpr.ID, in)
			must(err)
			o.dpRole = ra.ID
			return o
		}
		silkeborg := made(w.sAdmin, w.silkeborg.ID, samspil.VisibilitySector)
		viborg := made(w.vAdmin, w.viborg.ID, samspil.VisibilitySector)
		hidden := made(w.vAdmin, w.viborg.ID, samspil.VisibilityPrivate)
		// A private organisation: its role types do not exist for others.
		closed, err := app.DB.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "Lukket ApS", Visibility: samspil.VisibilityPrivate})
		must(err)
		closedTypes, err := app.DB.RoleTypes(ctx, testkit.System, closed.ID, samspil.RoleOnUsage)
		must(err)
		closedLevels, err := app.DB.DataClassifications(ctx, testkit.System, closed.ID)
		must(err)

		type attempt struct {
			method, path, pattern string
			body                  any
		}
		attempts := func(o objects, typeOrg, typeID, levelID string) []attempt {
			types := "/api/v1/organizations/" + typeOrg + "/role-types"
			levels := "/api/v1/organizations/" + typeOrg + "/data-classifications"
			body := map[string]any{"role_type_id": o.roleType, "name": "Indtrængt", "email": "ind@eksempel.dk"}
			return []attempt{
				{"GET", types + "?object_kind=usage", "/api/v1/organizations/{id}/role-types", nil},
				{"POST", types, "/api/v1/organizations/{id}/role-types", map[string]any{"object_kind": "usage", "name": "Indtrængt"}},
				{"GET", types + "/" + typeID, "/api/v1/organizations/{id}/role-types/{role_type_id}", nil},
				{"PATCH", types + "/" + typeID, "/api/v1/organizations/{id}/role-types/{role_type_id}", map[string]any{"name": "Overtaget"}},
				{"GET", levels, "/api/v1/organizations/{id}/data-classifications", nil},
				{"POST", levels, "/api/v1/organizations/{id}/data-classifications", map[string]any{"name": "Indtrængt"}},
				{"GET", levels + "/" + levelID, "/api/v1/organizations/{id}/data-classifications/{level_id}", nil},
				{"PATCH", levels + "/" + levelID, "/api/v1/organizations/{id}/data-classifications/{level_id}", map[string]any{"name": "Overtaget"}},
				{"GET", "/api/v1/usages/" + o.usage + "/roles", "/api/v1/usages/{id}/roles", nil},
				{"POST", "/api/v1/usages/" + o.usage + "/roles", "/api/v1/usages/{id}/roles", body},
				{"DELETE", "/api/v1/usages/" + o.usage + "/roles/" + o.usageRole, "/api/v1/usages/{id}/roles/{role_id}", nil},
				{"GET", "/api/v1/contracts/" + o.contract + "/roles", "/api/v1/contracts/{id}/roles", nil},
				{"POST", "/api/v1/contracts/" + o.contract + "/roles", "/api/v1/contracts/{id}/roles", body},
				{"DELETE", "/api/v1/contracts/" + o.contract + "/roles/" + o.contractRole, "/api/v1/contracts/{id}/roles/{role_id}", nil},
				{"GET", "/api/v1/data-processing-registrations/" + o.dataProcessing + "/roles", "/api/v1/data-processing-registrations/{id}/roles", nil},
				{"POST", "/api/v1/data-processing-registrations/" + o.dataProcessing + "/roles", "/api/v1/data-processing-registrations/{id}/roles", body},
				{"DELETE", "/api/v1/data-processing-registrations/" + o.dataProcessing + "/roles/" + o.dpRole, "/api/v1/data-processing-registrations/{id}/roles/{role_id}", nil},
			}
		}
		tried := map[string]bool{}
		for _, a := range attempts(viborg, viborg.org, viborg.roleType, viborg.level) {
			tried[a.method+" "+a.pattern] = true
		}
		for _, r := range app.Server.Routes() {
			if roleRoute(r.Pattern) && !tried[r.Pattern] {
				t.Errorf("route %s is not tried by the cross-tenant test of roles", r.Pattern)
			}
		}

		w.asSAdmin.Do("GET", "/api/v1/users/me", nil).Want(t, 200) // records the tokens' first use
		w.asVAd.Do("GET", "/api/v1/users/me", nil).Want(t, 200)
		before, err := app.DB.Fingerprint(ctx)
		must(err)
		try := func(who *testkit.Client, name string, target objects, typeOrg, typeID, levelID string, private bool) {
			for _, a := range attempts(target, typeOrg, typeID, levelID) {
				res := who.Do(a.method, a.path, a.body, "If-Match", `"1"`)
				want := 403
				list := strings.Contains(a.pattern, "role-types") || strings.Contains(a.pattern, "data-classifications")
				switch {
				case (typeOrg == closed.ID && list) || (private && !list):
					want = 404
				case a.method == "GET":
					want = 200
				}
				if res.Status != want {
					t.Errorf("%s: %s %s = %d, want %d: %s", name, a.method, a.path, res.Status, want, res.Body)
				}
			}
		}
		try(w.asSAdmin, "Silkeborg admin on Viborg", viborg, viborg.org, viborg.roleType, viborg.level, false)
		try(w.asVAd, "Viborg admin on Silkeborg", silkeborg, silkeborg.org, silkeborg.roleType, silkeborg.level, false)
		try(w.asSAdmin, "Silkeborg admin on Viborg's private", hidden, closed.ID, closedTypes[0].ID, closedLevels[0].ID, true)
		// One's own record with another organisation's role type is bad input.
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/usages/"+silkeborg.usage+"/roles", map[string]any{"role_type_id": viborg.roleType, "user_id": w.sAdmin.User.ID}),
			422, "body.role_type_id")
		after, err := app.DB.Fingerprint(ctx)
		must(err)
		if before != after {
			t.Fatal("cross-tenant attempts changed the database")
		}
	})
}
