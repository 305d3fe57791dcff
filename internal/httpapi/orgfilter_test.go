package httpapi_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestOrganizationFilters checks every organisation filter of the lists: an
// organisation ID and its municipality code select the same records, and a
// value that names no organisation, or one the caller may not see, is
// refused with 422 at the parameter instead of an empty list.
func TestOrganizationFilters(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		g := newGovernanceWorld(t, app)
		aarhus := testkit.Org(t, app.DB, testkit.Aarhus)

		// Aarhus builds a system that Silkeborg runs under a contract
		// with Aarhus; Viborg owns a strategy; both sit in a forum.
		var s samspil.System
		g.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "Fælles borgerservice", "category": "self_service",
			"vendor_id": aarhus.ID, "visibility": "public"}).Want(t, 201).JSON(t, &s)
		g.asSEditor.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0740", "system_id": s.ID, "lifecycle": "operational",
			"visibility": "sector"}).Want(t, 201)
		g.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "Borgerservice-aftale",
			"system_ids": []string{s.ID}, "supplier_id": aarhus.ID, "start": "2024-01-01", "notice_months": 3, "visibility": "sector"}).Want(t, 201)
		g.asVAd.Do("POST", "/api/v1/strategies", map[string]any{"title": "Viborgs digitaliseringsstrategi", "from": "2019-01-01",
			"owners": []map[string]any{{"organization_id": "0791"}}}).Want(t, 201)
		g.asSAdmin.Do("POST", g.base+"/forums", map[string]any{"name": "IT-chefforum", "level": "it_chiefs", "cadence": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
			"first_meeting": "2014-01-09T09:00:00+01:00", "members": []map[string]any{{"user_id": g.vAdmin.User.ID, "organization_id": g.viborg.ID},
				{"user_id": g.sEditor.User.ID, "organization_id": g.silkeborg.ID}}}).Want(t, 201)
		// A company only its own people and operators see.
		hidden, err := app.DB.CreateOrganization(context.Background(), testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany,
			Name: "Lukket Leverandør ApS", CVR: apiCVRVendor, Visibility: samspil.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			list, param string
			org         *samspil.Organization
			other       string // a municipality with nothing to list: 200 and no items
			who         *testkit.Client
		}{
			{"/api/v1/audit-events", "organization_id", g.silkeborg, testkit.Viborg, g.asSAdmin},
			{"/api/v1/users", "organization_id", g.silkeborg, testkit.Viborg, g.asSAdmin},
			{"/api/v1/memberships", "organization_id", g.silkeborg, testkit.Viborg, g.asSAdmin},
			{"/api/v1/systems", "vendor_id", aarhus, testkit.Viborg, g.asSViewer},
			{"/api/v1/usages", "organization_id", g.silkeborg, testkit.Aarhus, g.asVAd},
			{"/api/v1/contracts", "organization_id", g.silkeborg, testkit.Aarhus, g.asVAd},
			{"/api/v1/contracts", "supplier_id", aarhus, testkit.Viborg, g.asSViewer},
			{"/api/v1/meetings", "organization_id", g.viborg, testkit.Aarhus, g.asSViewer},
			{"/api/v1/strategies", "organization_id", g.viborg, testkit.Silkeborg, g.asSAdmin},
			{"/api/v1/collaborations", "organization_id", g.viborg, "0101", g.asSViewer},
			{"/api/v1/invitations", "organization_id", g.viborg, "0101", g.asSAdmin},
		} {
			name := tc.list + "?" + tc.param
			byID := ids(t, tc.who.Do("GET", tc.list+"?limit=20&"+tc.param+"="+tc.org.ID, nil).Want(t, 200), "id")
			byCode := ids(t, tc.who.Do("GET", tc.list+"?limit=20&"+tc.param+"="+tc.org.MunicipalityCode, nil).Want(t, 200), "id")
			if len(byID) == 0 || !slices.Equal(byID, byCode) {
				t.Errorf("%s: by ID %v, by code %v", name, byID, byCode)
			}
			if other := ids(t, tc.who.Do("GET", tc.list+"?"+tc.param+"="+tc.other, nil).Want(t, 200), "id"); len(other) != 0 {
				t.Errorf("%s=%s: %v", name, tc.other, other)
			}
			unknown := tc.who.Do("GET", tc.list+"?"+tc.param+"="+unknownOrgID, nil)
			p := wantProblem(t, unknown, 422, "query."+tc.param)
			if p.Code != "invalid" || !strings.Contains(p.Errors[0].Message, "municipality code") {
				t.Errorf("%s: problem %+v", name, p)
			}
			wantProblem(t, tc.who.Do("GET", tc.list+"?"+tc.param+"=9999", nil), 422, "query."+tc.param)
			invisible := tc.who.Do("GET", tc.list+"?"+tc.param+"="+hidden.ID, nil)
			if withoutRequestID(t, invisible) != withoutRequestID(t, unknown) {
				t.Errorf("%s: an invisible organisation answers %s, an unknown one %s", name, invisible.Body, unknown.Body)
			}
		}
	})
}
