package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// relationRoute reports whether a route pattern is one of the interface and
// relation routes, which TestRelationsCrossTenant tries.
func relationRoute(pattern string) bool {
	for _, p := range []string{" /api/v1/systems/{id}/interfaces", " /api/v1/systems/{id}/relations", " /api/v1/usages/{id}/relations",
		" /api/v1/usages/{id}/dependents"} {
		if strings.Contains(pattern, p) {
			return true
		}
	}
	return false
}

func TestRelationsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		c := w.asSEditor
		var esdh, fag samspil.System
		c.Do("POST", "/api/v1/systems", map[string]any{"name": "ESDH", "category": "case_management"}).Want(t, 201).JSON(t, &esdh)
		c.Do("POST", "/api/v1/systems", map[string]any{"name": "Fagsystem", "category": "social"}).Want(t, 201).JSON(t, &fag)
		var uESDH, uFag samspil.Usage
		c.Do("POST", "/api/v1/usages", map[string]any{"organization_id": testkit.Silkeborg, "system_id": esdh.ID, "lifecycle": "operational"}).Want(t, 201).JSON(t, &uESDH)
		c.Do("POST", "/api/v1/usages", map[string]any{"organization_id": testkit.Silkeborg, "system_id": fag.ID, "lifecycle": "operational"}).Want(t, 201).JSON(t, &uFag)

		// Interfaces under the system.
		base := "/api/v1/systems/" + esdh.ID + "/interfaces"
		res := c.Do("POST", base, map[string]any{"name": "Sag-API", "identifier": "SAG-1", "interface_version": "2", "url": "https://eksempel.dk/sag"}).Want(t, 201)
		var api samspil.SystemInterface
		res.JSON(t, &api)
		if res.Header.Get("ETag") != `"1"` || res.Header.Get("Location") != base+"/"+api.ID || api.SystemName != "ESDH" {
			t.Fatalf("created %+v, headers %v", api, res.Header)
		}
		wantProblem(t, c.Do("POST", base, map[string]any{"name": "x", "url": "ftp://x"}), 422, "body.url")
		wantProblem(t, c.Do("POST", base, map[string]any{"name": "Sag-API", "interface_version": "2"}), 409, "body.name")
		var list struct{ Items []samspil.SystemInterface }
		w.asVAd.Do("GET", base, nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != api.ID {
			t.Fatalf("Viborg lists %+v", list)
		}
		// An interface under another system's path does not exist.
		c.Do("GET", "/api/v1/systems/"+fag.ID+"/interfaces/"+api.ID, nil).Want(t, 404)
		c.Do("PATCH", base+"/"+api.ID, map[string]any{"description": "Sager"}, "If-Match", `"1"`).Want(t, 200)
		c.Do("PATCH", base+"/"+api.ID, map[string]any{"description": "x"}, "If-Match", `"1"`).Want(t, 412)

		// A relation from the fagsystem to ESDH through the interface.
		rels := "/api/v1/usages/" + uFag.ID + "/relations"
		res = c.Do("POST", rels, map[string]any{"to_usage_id": uESDH.ID, "interface_id": api.ID, "frequency": "daily", "description": "Journalisering"}).Want(t, 201)
		var r samspil.UsageRelation
		res.JSON(t, &r)
		if r.InterfaceName != "Sag-API" || r.ToSystemName != "ESDH" || res.Header.Get("Location") != rels+"/"+r.ID {
			t.Fatalf("created %+v", r)
		}
		wantProblem(t, c.Do("POST", rels, map[string]any{"to_usage_id": uESDH.ID, "interface_id": api.ID}), 409, "body.to_usage_id")
		wantProblem(t, c.Do("POST", rels, map[string]any{"to_usage_id": uFag.ID}), 422, "body.to_usage_id")
		wantProblem(t, c.Do("POST", rels, map[string]any{"to_usage_id": uESDH.ID, "frequency": "hourly"}), 422, "body.frequency")
		wantProblem(t, c.Do("POST", rels, map[string]any{"to_usage_id": "nope"}), 422, "body.to_usage_id")
		wantProblem(t, c.Do("POST", "/api/v1/usages/"+uESDH.ID+"/relations", map[string]any{"to_usage_id": uFag.ID, "interface_id": api.ID}), 422, "body.interface_id")
		w.asSViewer.Do("POST", rels, map[string]any{"to_usage_id": uESDH.ID}).Want(t, 403)

		var both samspil.UsageRelations
		w.asSViewer.Do("GET", "/api/v1/usages/"+uESDH.ID+"/relations", nil).Want(t, 200).JSON(t, &both)
		if len(both.Incoming) != 1 || both.Incoming[0].ID != r.ID || len(both.Outgoing) != 0 {
			t.Fatalf("ESDH's relations %+v", both)
		}
		w.asVAd.Do("GET", "/api/v1/systems/"+esdh.ID+"/relations", nil).Want(t, 200).JSON(t, &both)
		if len(both.Incoming) != 1 {
			t.Fatalf("ESDH's system relations %+v", both)
		}
		var deps struct{ Items []samspil.Dependent }
		w.asSViewer.Do("GET", "/api/v1/usages/"+uESDH.ID+"/dependents", nil).Want(t, 200).JSON(t, &deps)
		if len(deps.Items) != 1 || deps.Items[0].UsageID != uFag.ID || deps.Items[0].Depth != 1 || len(deps.Items[0].Path) != 2 {
			t.Fatalf("dependents %+v", deps)
		}

		// The relation lives under its source usage only.
		c.Do("GET", "/api/v1/usages/"+uESDH.ID+"/relations/"+r.ID, nil).Want(t, 404)
		c.Do("GET", rels+"/"+r.ID, nil).Want(t, 200)
		res = c.Do("PATCH", rels+"/"+r.ID, map[string]any{"frequency": "weekly"}, "If-Match", `"1"`).Want(t, 200)
		if res.Header.Get("ETag") != `"2"` {
			t.Fatalf("ETag %s", res.Header.Get("ETag"))
		}
		wantProblem(t, c.Do("PATCH", rels+"/"+r.ID, map[string]any{"contract_id": "nope"}, "If-Match", `"2"`), 422, "body.contract_id")
		c.Do("DELETE", rels+"/"+r.ID, nil, "If-Match", `"1"`).Want(t, 412)
		c.Do("DELETE", rels+"/"+r.ID, nil, "If-Match", `"2"`).Want(t, 204)
		c.Do("DELETE", base+"/"+api.ID, nil, "If-Match", `"2"`).Want(t, 204)
		if _, err := app.DB.FindSystemInterface(ctx, w.sEditor.Actor, api.ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Fatalf("interface after delete: %v", err)
		}
	})
}

// TestRelationsCrossTenant lets each administrator try every interface and
// relation route on the other organisation's objects, public and private:
// what they may not see answers 404, what they see but may not change 403,
// and nothing changes.
func TestRelationsCrossTenant(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		type objects struct{ system, iface, usage, other, relation string }
		made := func(p testkit.Person, orgID string, v samspil.Visibility) objects {
			sys, err := app.DB.CreateSystem(ctx, p.Actor, samspil.SystemInput{Name: "System " + orgID, Category: samspil.CategoryOther, OwnerID: orgID, Visibility: v})
			if err != nil {
				t.Fatal(err)
			}
			sys2, err := app.DB.CreateSystem(ctx, p.Actor, samspil.SystemInput{Name: "Andet " + orgID, Category: samspil.CategoryOther, OwnerID: orgID, Visibility: v})
			if err != nil {
				t.Fatal(err)
			}
			i, err := app.DB.CreateSystemInterface(ctx, p.Actor, sys.ID, samspil.SystemInterfaceInput{Name: "API"})
			if err != nil {
				t.Fatal(err)
			}
			use, err := app.DB.CreateUsage(ctx, p.Actor, samspil.UsageInput{OrganizationID: orgID, SystemID: sys.ID, Lifecycle: samspil.LifecycleOperational, Visibility: v})
			if err != nil {
				t.Fatal(err)
			}
			other, err := app.DB.CreateUsage(ctx, p.Actor, samspil.UsageInput{OrganizationID: orgID, SystemID: sys2.ID, Lifecycle: samspil.LifecycleOperational, Visibility: v})
			if err != nil {
				t.Fatal(err)
			}
			r, err := app.DB.CreateUsageRelation(ctx, p.Actor, other.ID, samspil.UsageRelationInput{ToUsageID: use.ID, InterfaceID: i.ID})
			if err != nil {
				t.Fatal(err)
			}
			return objects{system: sys.ID, iface: i.ID, usage: use.ID, other: other.ID, relation: r.ID}
		}
		silkeborg := made(w.sAdmin, w.silkeborg.ID, samspil.VisibilitySector)
		viborg := made(w.vAdmin, w.viborg.ID, samspil.VisibilitySector)
		// Viborg's private corner: a private system with a private usage.
		hidden := made(w.vAdmin, w.viborg.ID, samspil.VisibilityPrivate)

		type attempt struct {
			method, path, pattern string
			body                  any
		}
		attempts := func(o objects) []attempt {
			sys, iface := "/api/v1/systems/"+o.system, "/api/v1/systems/"+o.system+"/interfaces/"+o.iface
			use, rel := "/api/v1/usages/"+o.other, "/api/v1/usages/"+o.other+"/relations/"+o.relation
			return []attempt{
				{"GET", sys + "/interfaces", "/api/v1/systems/{id}/interfaces", nil},
				{"POST", sys + "/interfaces", "/api/v1/systems/{id}/interfaces", map[string]any{"name": "Indtrængt"}},
				{"GET", iface, "/api/v1/systems/{id}/interfaces/{interface_id}", nil},
				{"PATCH", iface, "/api/v1/systems/{id}/interfaces/{interface_id}", map[string]any{"name": "Overtaget"}},
				{"DELETE", iface, "/api/v1/systems/{id}/interfaces/{interface_id}", nil},
				{"GET", sys + "/relations", "/api/v1/systems/{id}/relations", nil},
				{"GET", use + "/relations", "/api/v1/usages/{id}/relations", nil},
				{"POST", use + "/relations", "/api/v1/usages/{id}/relations", map[string]any{"to_usage_id": o.usage}},
				{"GET", rel, "/api/v1/usages/{id}/relations/{relation_id}", nil},
				{"PATCH", rel, "/api/v1/usages/{id}/relations/{relation_id}", map[string]any{"description": "Overtaget"}},
				{"DELETE", rel, "/api/v1/usages/{id}/relations/{relation_id}", nil},
				{"GET", "/api/v1/usages/" + o.usage + "/dependents", "/api/v1/usages/{id}/dependents", nil},
			}
		}
		tried := map[string]bool{}
		for _, a := range attempts(viborg) {
			tried[a.method+" "+a.pattern] = true
		}
		for _, r := range app.Server.Routes() {
			if relationRoute(r.Pattern) && !tried[r.Pattern] {
				t.Errorf("route %s is not tried by the cross-tenant test of relations", r.Pattern)
			}
		}

		w.asSAdmin.Do("GET", "/api/v1/users/me", nil).Want(t, 200) // records the tokens' first use
		w.asVAd.Do("GET", "/api/v1/users/me", nil).Want(t, 200)
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		try := func(who *testkit.Client, name string, target objects, private bool) {
			for _, a := range attempts(target) {
				res := who.Do(a.method, a.path, a.body, "If-Match", `"1"`)
				want := 403
				switch {
				case private:
					want = 404
				case a.method == "GET":
					want = 200
				}
				if res.Status != want {
					t.Errorf("%s: %s %s = %d, want %d: %s", name, a.method, a.path, res.Status, want, res.Body)
				}
			}
		}
		try(w.asSAdmin, "Silkeborg admin on Viborg", viborg, false)
		try(w.asVAd, "Viborg admin on Silkeborg", silkeborg, false)
		try(w.asSAdmin, "Silkeborg admin on Viborg's private", hidden, true)
		// Relating one's own usage to another organisation's is refused as
		// bad input, as if that usage did not exist when it is private.
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/usages/"+silkeborg.other+"/relations", map[string]any{"to_usage_id": viborg.usage}), 422, "body.to_usage_id")
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/usages/"+silkeborg.other+"/relations", map[string]any{"to_usage_id": hidden.usage}), 422, "body.to_usage_id")
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/usages/"+silkeborg.other+"/relations", map[string]any{"to_usage_id": silkeborg.usage, "interface_id": hidden.iface}), 422, "body.interface_id")
		// What the visible lists show of the other: its sector-wide relation, never the private one.
		var both samspil.UsageRelations
		w.asSAdmin.Do("GET", "/api/v1/usages/"+viborg.usage+"/relations", nil).Want(t, 200).JSON(t, &both)
		if len(both.Incoming) != 1 || both.Incoming[0].ID != viborg.relation {
			t.Errorf("Silkeborg sees Viborg's relations %+v", both)
		}
		after, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if before != after {
			t.Fatal("cross-tenant attempts changed the database")
		}
	})
}
