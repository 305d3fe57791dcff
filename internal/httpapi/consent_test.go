package httpapi_test

import (
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestConsentAPI goes through every consent route as the organisations
// concerned: declining and withdrawing invitations, the invitations that
// wait for one's answer, approving, declining and withdrawing adjustments,
// leaving, and choosing which collaborations make partners; each refused
// where it is not the caller's to give.
func TestConsentAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newWorld(t, app)
		aAdmin := testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		asAAd := app.Token(t, aAdmin.User.ID)
		asVView := app.Token(t, w.vViewer.User.ID)

		// Silkeborg founds with Viborg as co-founder.
		var c samspil.Collaboration
		w.asSAdmin.Do("POST", "/api/v1/collaborations", map[string]any{"name": "Silkeborg–Viborg", "kind": "partnership", "start": "2014-01-01",
			"exclusivity": "exclusive", "organization_id": "0740", "visibility": "private",
			"co_founders": []map[string]any{{"organization_id": "0791"}}}).Want(t, 201).JSON(t, &c)
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/collaborations", map[string]any{"name": "X", "kind": "network", "start": "2014-01-01",
			"organization_id": "0740", "co_founders": []map[string]any{{"organization_id": "0791"}, {"organization_id": w.viborg.ID}}}), 422, "body.co_founders[1].organization_id")
		base := "/api/v1/collaborations/" + c.ID

		// Viborg's administrator finds the invitation among what waits for them; its viewer does not.
		var mine struct {
			Collaborations []samspil.Invitation `json:"collaborations"`
		}
		w.asVAd.Do("GET", "/api/v1/users/me/invitations", nil).Want(t, 200).JSON(t, &mine)
		if len(mine.Collaborations) != 1 || !mine.Collaborations[0].Founding {
			t.Fatalf("waiting for Viborg: %+v", mine)
		}
		inv := mine.Collaborations[0]
		asVView.Do("GET", "/api/v1/users/me/invitations", nil).Want(t, 200).JSON(t, &mine)
		if len(mine.Collaborations) != 0 {
			t.Fatalf("waiting for Viborg's viewer: %+v", mine)
		}
		var list samspil.Page[samspil.Invitation]
		w.asVAd.Do("GET", "/api/v1/invitations?status=pending&organization_id=0791", nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != inv.ID {
			t.Fatalf("list %+v", list.Items)
		}
		wantProblem(t, w.asVAd.Do("GET", "/api/v1/invitations?status=maybe", nil), 422, "query.status")
		asVView.Do("POST", "/api/v1/invitations/"+inv.ID+"/decline", map[string]any{}).Want(t, 403)

		// Viborg declines; Silkeborg asks again and withdraws that; the third time Viborg accepts.
		w.asVAd.Do("POST", "/api/v1/invitations/"+inv.ID+"/decline", map[string]any{"reason": "Ikke nu"}).Want(t, 200).JSON(t, &inv)
		if inv.Status != samspil.InvitationDeclined || inv.Reason != "Ikke nu" {
			t.Fatalf("declined %+v", inv)
		}
		w.asSAdmin.Do("POST", base+"/invitations", map[string]any{"organization_id": "0791", "since": "2014-01-01"}).Want(t, 201).JSON(t, &inv)
		w.asVAd.Do("POST", "/api/v1/invitations/"+inv.ID+"/withdraw", map[string]any{}).Want(t, 403)
		w.asSAdmin.Do("POST", "/api/v1/invitations/"+inv.ID+"/withdraw", map[string]any{"reason": "Forkert dato"}).Want(t, 200).JSON(t, &inv)
		if inv.Status != samspil.InvitationWithdrawn {
			t.Fatalf("withdrawn %+v", inv)
		}
		w.asSAdmin.Do("POST", "/api/v1/invitations/"+inv.ID+"/withdraw", map[string]any{}).Want(t, 409)
		w.asSAdmin.Do("POST", base+"/invitations", map[string]any{"organization_id": "0791", "since": "2014-01-01"}).Want(t, 201).JSON(t, &inv)
		w.asVAd.Do("POST", "/api/v1/invitations/"+inv.ID+"/accept", map[string]any{"on": "2014-01-01"}).Want(t, 200)

		// An adjustment concerning Viborg: Viborg declines it; a second one is withdrawn.
		var adj samspil.Adjustment
		w.asSAdmin.Do("POST", base+"/adjustments", map[string]any{"title": "Viborg frivillig", "effective_on": "2019-01-01",
			"commitments": []map[string]any{{"organization_id": "0791", "commitment": "voluntary"}}}).Want(t, 201).JSON(t, &adj)
		asVView.Do("POST", "/api/v1/adjustments/"+adj.ID+"/decline", map[string]any{"organization_id": "0791"}).Want(t, 403)
		w.asVAd.Do("POST", "/api/v1/adjustments/"+adj.ID+"/decline", map[string]any{"organization_id": "0791", "reason": "Vi holder fast"}).Want(t, 200).JSON(t, &adj)
		if adj.Status != samspil.AdjustmentDeclined {
			t.Fatalf("declined %+v", adj)
		}
		var got samspil.Adjustment
		asVView.Do("GET", "/api/v1/adjustments/"+adj.ID, nil).Want(t, 200).JSON(t, &got)
		if got.Approvals[0].State != samspil.ApprovalDeclined || got.Approvals[0].Reason != "Vi holder fast" {
			t.Fatalf("read back %+v", got)
		}
		w.asSAdmin.Do("POST", base+"/adjustments", map[string]any{"title": "Åbent", "effective_on": "2019-01-01", "exclusivity": "open"}).
			Want(t, 201).JSON(t, &adj)
		w.asVAd.Do("POST", "/api/v1/adjustments/"+adj.ID+"/withdraw", map[string]any{}).Want(t, 403)
		w.asSAdmin.Do("POST", "/api/v1/adjustments/"+adj.ID+"/withdraw", map[string]any{"reason": "Senere"}).Want(t, 200).JSON(t, &adj)
		if adj.Status != samspil.AdjustmentWithdrawn {
			t.Fatalf("withdrawn %+v", adj)
		}

		// Partners: Viborg sees the collaboration among its own; only its administrators choose.
		var settings []samspil.PartnerSetting
		asVView.Do("GET", "/api/v1/organizations/0791/partner-collaborations", nil).Want(t, 200).JSON(t, &settings)
		if len(settings) != 1 || !settings[0].Counts || settings[0].CollaborationID != c.ID {
			t.Fatalf("settings %+v", settings)
		}
		asAAd.Do("GET", "/api/v1/organizations/0791/partner-collaborations", nil).Want(t, 404)
		asVView.Do("PUT", "/api/v1/organizations/0791/partner-collaborations/"+c.ID, map[string]any{"counts": false}).Want(t, 403)
		w.asSAdmin.Do("PUT", "/api/v1/organizations/0791/partner-collaborations/"+c.ID, map[string]any{"counts": false}).Want(t, 404)
		var s samspil.PartnerSetting
		w.asVAd.Do("PUT", "/api/v1/organizations/0791/partner-collaborations/"+c.ID, map[string]any{"counts": false}).Want(t, 200).JSON(t, &s)
		if s.Counts {
			t.Fatalf("setting %+v", s)
		}

		// Leaving: only Viborg's administrators, with a reason and a day.
		leave := map[string]any{"organization_id": "0791", "until": "2025-12-31", "reason": "Går over i fælles driftsenhed"}
		w.asSAdmin.Do("POST", base+"/leave", leave).Want(t, 403)
		asVView.Do("POST", base+"/leave", leave).Want(t, 403)
		asAAd.Do("POST", base+"/leave", leave).Want(t, 404)
		wantProblem(t, w.asVAd.Do("POST", base+"/leave", map[string]any{"organization_id": "0791", "until": "2025-12-31", "reason": ""}), 422, "body.reason")
		wantProblem(t, w.asVAd.Do("POST", base+"/leave", map[string]any{"organization_id": "0791", "until": "2010-01-01", "reason": "x"}), 422, "body.until")
		var m samspil.Member
		w.asVAd.Do("POST", base+"/leave", leave).Want(t, 200).JSON(t, &m)
		if m.Until == nil || m.Until.String() != "2025-12-31" {
			t.Fatalf("left %+v", m)
		}
		wantProblem(t, w.asVAd.Do("POST", base+"/leave", leave), 422, "body.organization_id")
		// A former member still reads the collaboration and its history.
		w.asVAd.Do("GET", base+"/member-history", nil).Want(t, 200)
	})
}
