package httpapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

func TestCollaborationsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newWorld(t, app)
		// Founding: a viewer may not, an administrator may.
		body := map[string]any{"name": "Silkeborg–Viborg IT-samarbejde", "kind": "partnership", "start": "2014-01-01",
			"exclusivity": "exclusive", "organization_id": "0740", "visibility": "private"}
		w.asSViewer.Do("POST", "/api/v1/collaborations", body).Want(t, 403)
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/collaborations", map[string]any{"name": "X", "kind": "partnership", "start": "2014-01-01",
			"end": "2013-01-01", "organization_id": "0740"}), 422, "body.end")
		var c samspil.Collaboration
		res := w.asSAdmin.Do("POST", "/api/v1/collaborations", body).Want(t, 201)
		res.JSON(t, &c)
		if res.Header.Get("Location") != "/api/v1/collaborations/"+c.ID || res.Header.Get("ETag") != `"1"` || len(c.Members) != 1 ||
			c.Members[0].Role != samspil.MemberRoleSecretariat {
			t.Fatalf("created %+v %v", c, res.Header)
		}
		// Viborg is invited and joins by its own acceptance; Viborg itself
		// may not invite others.
		w.asVAd.Do("GET", "/api/v1/collaborations/"+c.ID, nil).Want(t, 404)
		w.asVAd.Do("POST", "/api/v1/collaborations/"+c.ID+"/invitations", map[string]any{"organization_id": "0751", "since": "2015-01-01"}).Want(t, 404)
		var inv samspil.Invitation
		res = w.asSAdmin.Do("POST", "/api/v1/collaborations/"+c.ID+"/invitations", map[string]any{"organization_id": "0791", "since": "2014-01-01"}).Want(t, 201)
		res.JSON(t, &inv)
		if res.Header.Get("Location") != "/api/v1/invitations/"+inv.ID || inv.Status != samspil.InvitationPending {
			t.Fatalf("invitation %+v %v", inv, res.Header)
		}
		// The invited organisation sees the collaboration it is invited to.
		w.asVAd.Do("GET", "/api/v1/collaborations/"+c.ID, nil).Want(t, 200)
		w.asSAdmin.Do("POST", "/api/v1/invitations/"+inv.ID+"/accept", map[string]any{}).Want(t, 403)
		wantProblem(t, w.asVAd.Do("POST", "/api/v1/invitations/"+inv.ID+"/accept", map[string]any{"on": "2099-01-01"}), 422, "body.on")
		w.asVAd.Do("POST", "/api/v1/invitations/"+inv.ID+"/accept", map[string]any{"on": "2013-12-16", "reason": "Aftale mellem direktionerne"}).Want(t, 200).JSON(t, &inv)
		if inv.Status != samspil.InvitationAccepted || inv.MemberID == "" || inv.AnsweredOn == nil || inv.AnsweredOn.String() != "2013-12-16" {
			t.Fatalf("accepted %+v", inv)
		}
		w.asVAd.Do("POST", "/api/v1/invitations/"+inv.ID+"/accept", map[string]any{}).Want(t, 409)
		w.asVAd.Do("POST", "/api/v1/collaborations/"+c.ID+"/invitations", map[string]any{"organization_id": "0751", "since": "2015-01-01"}).Want(t, 403)

		// Optimistic locking on the collaboration and the membership.
		w.asSAdmin.Do("PATCH", "/api/v1/collaborations/"+c.ID, map[string]any{"purpose": "IT"}).Want(t, 428)
		w.asSAdmin.Do("PATCH", "/api/v1/collaborations/"+c.ID, map[string]any{"purpose": "IT"}, "If-Match", `"7"`).Want(t, 412)
		w.asSAdmin.Do("PATCH", "/api/v1/collaborations/"+c.ID, map[string]any{"purpose": "IT og digitalisering"}, "If-Match", `"1"`).Want(t, 200)
		// Viborg chairs from 2016: a change of its role, which Viborg approves.
		var adj samspil.Adjustment
		res = w.asSAdmin.Do("POST", "/api/v1/collaborations/"+c.ID+"/adjustments", map[string]any{"title": "Formandskabet går på skift",
			"effective_on": "2016-01-01", "roles": []map[string]any{{"organization_id": w.viborg.ID, "role": "chair"}}}).Want(t, 201)
		res.JSON(t, &adj)
		if res.Header.Get("Location") != "/api/v1/adjustments/"+adj.ID || adj.Status != samspil.AdjustmentProposed || len(adj.Approvals) != 1 {
			t.Fatalf("proposed %+v", adj)
		}
		w.asSAdmin.Do("POST", "/api/v1/adjustments/"+adj.ID+"/approve", map[string]any{"organization_id": "0791"}).Want(t, 403)
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/adjustments/"+adj.ID+"/approve", map[string]any{"organization_id": "0740"}), 422, "body.organization_id")
		w.asVAd.Do("POST", "/api/v1/adjustments/"+adj.ID+"/approve", map[string]any{"organization_id": "0791", "on": "2015-12-15"}).Want(t, 200).JSON(t, &adj)
		if adj.Status != samspil.AdjustmentInEffect {
			t.Fatalf("approved %+v", adj)
		}

		// The 2018 adjustment, approved by both, and the timeline.
		res = w.asSAdmin.Do("POST", "/api/v1/collaborations/"+c.ID+"/adjustments", map[string]any{"title": "Justeret samarbejdsform",
			"effective_on": "2018-11-01", "exclusivity": "open", "commitments": []map[string]any{
				{"organization_id": w.silkeborg.ID, "commitment": "voluntary"}, {"organization_id": w.viborg.ID, "commitment": "voluntary"}}}).Want(t, 201)
		res.JSON(t, &adj)
		w.asSAdmin.Do("POST", "/api/v1/adjustments/"+adj.ID+"/approve", map[string]any{"organization_id": "0740", "on": "2018-11-01"}).Want(t, 200)
		w.asVAd.Do("POST", "/api/v1/adjustments/"+adj.ID+"/approve", map[string]any{"organization_id": "0791", "on": "2018-11-01"}).Want(t, 200).JSON(t, &adj)
		if adj.Status != samspil.AdjustmentInEffect || len(adj.Approvals) != 2 {
			t.Fatalf("the 2018 adjustment %+v", adj)
		}
		var tl []samspil.TimelineEntry
		w.asVAd.Do("GET", "/api/v1/collaborations/"+c.ID+"/timeline", nil).Want(t, 200).JSON(t, &tl)
		var texts []string
		for _, e := range tl {
			texts = append(texts, e.On.String()+" "+e.Text.String())
		}
		joined := strings.Join(texts, "\n")
		for _, want := range []string{"2016-01-01 role changed from member to chair for Viborg Kommune",
			"2018-11-01 commitment changed from binding to voluntary for Silkeborg Kommune & Viborg Kommune", "2018-11-01 adjustment: Justeret samarbejdsform"} {
			if !strings.Contains(joined, want) {
				t.Errorf("timeline lacks %q:\n%s", want, joined)
			}
		}
		var hist []samspil.MemberEvent
		w.asVAd.Do("GET", "/api/v1/collaborations/"+c.ID+"/member-history", nil).Want(t, 200).JSON(t, &hist)
		if len(hist) != 5 || hist[2].Reason != "Formandskabet går på skift" {
			t.Fatalf("history %+v", hist)
		}

		// Chair rotation: overlapping terms are refused.
		wantProblem(t, w.asSAdmin.Do("PUT", "/api/v1/collaborations/"+c.ID+"/chair-terms", []map[string]any{
			{"organization_id": w.silkeborg.ID, "from": "2014-01-01", "until": "2015-12-31"},
			{"organization_id": w.viborg.ID, "from": "2015-06-01"}}), 422, "body.terms")
		var terms []samspil.ChairTerm
		w.asSAdmin.Do("PUT", "/api/v1/collaborations/"+c.ID+"/chair-terms", []map[string]any{
			{"organization_id": w.viborg.ID, "from": "2016-01-01"},
			{"organization_id": w.silkeborg.ID, "from": "2014-01-01", "until": "2015-12-31"}}).Want(t, 200).JSON(t, &terms)
		if len(terms) != 2 || terms[0].OrganizationID != w.silkeborg.ID || terms[1].OrganizationName != "Viborg Kommune" {
			t.Fatalf("terms %+v", terms)
		}

		// Founding documents: a link and an uploaded file, served as a download.
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/collaborations/"+c.ID+"/documents", map[string]any{"kind": "statutes", "title": "Vedtægter",
			"url": "javascript:alert(1)"}), 422, "body.url")
		w.asSAdmin.Do("POST", "/api/v1/collaborations/"+c.ID+"/documents", map[string]any{"kind": "declaration_of_intent",
			"title": "Hensigtserklæring", "url": "https://example.org/hensigt.pdf"}).Want(t, 201)
		var doc samspil.Document
		q := url.Values{"kind": {"terms_of_reference"}, "title": {"Kommissorium for IT-chefmødet"}, "file_name": {"kommissorium.html"}}
		w.asSAdmin.Do("POST", "/api/v1/collaborations/"+c.ID+"/documents/files?"+q.Encode(), "<script>alert(1)</script>",
			"Content-Type", "application/octet-stream").Want(t, 201).JSON(t, &doc)
		dl := w.asVAd.Do("GET", "/api/v1/collaborations/"+c.ID+"/documents/"+doc.ID, nil).Want(t, 200)
		if string(dl.Body) != "<script>alert(1)</script>" || dl.Header.Get("Content-Type") != "application/octet-stream" ||
			!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download %q %v", dl.Body, dl.Header)
		}
		big := strings.Repeat("x", samspil.MaxDocumentBytes+1)
		w.asSAdmin.Do("POST", "/api/v1/collaborations/"+c.ID+"/documents/files?"+q.Encode(), big, "Content-Type", "application/octet-stream").Want(t, 413)
		// Viborg chairs since 2016, so its administrator manages too; its viewer does not.
		app.Token(t, w.vViewer.User.ID).Do("DELETE", "/api/v1/collaborations/"+c.ID+"/documents/"+doc.ID, nil).Want(t, 403)
		w.asSAdmin.Do("DELETE", "/api/v1/collaborations/"+c.ID+"/documents/"+doc.ID, nil).Want(t, 204)
		w.asVAd.Do("GET", "/api/v1/collaborations/"+c.ID+"/documents/"+doc.ID, nil).Want(t, 404)

		var page samspil.Page[samspil.Collaboration]
		w.asVAd.Do("GET", "/api/v1/collaborations?organization_id="+w.viborg.ID, nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || len(page.Items[0].Documents) != 1 {
			t.Fatalf("list %+v", page)
		}
		app.Anonymous(t).Do("GET", "/api/v1/collaborations/"+c.ID, nil).Want(t, 404)
	})
}

// TestCollaborationRoutesCrossCollaboration lets Silkeborg's administrator
// try every collaboration route on a private collaboration of Aarhus and
// Odense: everything answers 404 as if it did not exist, and nothing changes.
func TestCollaborationRoutesCrossCollaboration(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		aAdmin := testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		other, err := app.DB.CreateCollaboration(ctx, aAdmin.Actor, samspil.CollaborationInput{Name: "Østjysk netværk", Kind: samspil.KindNetwork,
			Start: samspil.NewDate(2020, 1, 1), Visibility: samspil.VisibilityPrivate, OrganizationID: testkit.Aarhus})
		if err != nil {
			t.Fatal(err)
		}
		testkit.Join(t, app.DB, other.ID, samspil.InvitationInput{OrganizationID: "0461", Since: samspil.NewDate(2020, 1, 1)})
		// An invitation waiting for Aalborg and an adjustment waiting for Odense.
		inv, err := app.DB.Invite(ctx, aAdmin.Actor, other.ID, samspil.InvitationInput{OrganizationID: "0851", Since: samspil.NewDate(2021, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		adj, err := app.DB.ProposeAdjustment(ctx, testkit.Actor(t, app.DB, aAdmin.User.ID), other.ID, samspil.AdjustmentInput{Title: "Frivilligt",
			EffectiveOn: samspil.NewDate(2021, 1, 1), Commitments: []samspil.CommitmentChange{{OrganizationID: testkit.Org(t, app.DB, "0461").ID,
				Commitment: samspil.CommitmentVoluntary}}})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := app.DB.AddDocument(ctx, aAdmin.Actor, other.ID, samspil.DocumentInput{Kind: samspil.DocStatutes, Title: "Vedtægter",
			FileName: "v.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4")})
		if err != nil {
			t.Fatal(err)
		}
		base := "/api/v1/collaborations/" + other.ID
		attempts := []struct {
			method, path string
			body         any
		}{
			{"GET", base, nil},
			{"PATCH", base, map[string]any{"name": "Overtaget"}},
			{"POST", base + "/invitations", map[string]any{"organization_id": "0740", "since": "2021-01-01"}},
			{"POST", base + "/leave", map[string]any{"organization_id": "0461", "until": "2021-01-01", "reason": "x"}},
			{"GET", base + "/member-history", nil},
			{"GET", base + "/chair-terms", nil},
			{"PUT", base + "/chair-terms", []map[string]any{{"organization_id": w.silkeborg.ID, "from": "2021-01-01"}}},
			{"GET", base + "/adjustments", nil},
			{"POST", base + "/adjustments", map[string]any{"title": "Overtaget", "effective_on": "2021-01-01", "exclusivity": "open"}},
			{"GET", base + "/timeline", nil},
			{"GET", base + "/health", nil},
			{"GET", base + "/health/settings", nil},
			{"GET", base + "/health/report", nil},
			{"GET", base + "/differences", nil},
			{"PUT", base + "/health/settings", map[string]any{"thresholds": samspil.DefaultHealthThresholds(), "shared": true}},
			{"POST", base + "/documents", map[string]any{"kind": "other", "title": "X", "url": "https://example.org"}},
			{"POST", base + "/documents/files?kind=other&title=X&file_name=x.txt", "x"},
			{"GET", base + "/documents/" + doc.ID, nil},
			{"DELETE", base + "/documents/" + doc.ID, nil},
			{"GET", "/api/v1/invitations/" + inv.ID, nil},
			{"POST", "/api/v1/invitations/" + inv.ID + "/accept", map[string]any{}},
			{"POST", "/api/v1/invitations/" + inv.ID + "/decline", map[string]any{}},
			{"POST", "/api/v1/invitations/" + inv.ID + "/withdraw", map[string]any{}},
			{"GET", "/api/v1/adjustments/" + adj.ID, nil},
			{"POST", "/api/v1/adjustments/" + adj.ID + "/approve", map[string]any{"organization_id": "0461"}},
			{"POST", "/api/v1/adjustments/" + adj.ID + "/decline", map[string]any{"organization_id": "0461"}},
			{"POST", "/api/v1/adjustments/" + adj.ID + "/withdraw", map[string]any{}},
		}
		tried := map[string]bool{"GET /api/v1/collaborations": true, "POST /api/v1/collaborations": true, "GET /api/v1/invitations": true}
		// First use of a token records its last use; do it before measuring.
		w.asSAdmin.Do("GET", "/api/v1/users/me", nil).Want(t, 200)
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range attempts {
			tried[a.method+" "+patternOf(a.path)] = true
			if res := w.asSAdmin.Do(a.method, a.path, a.body, "If-Match", `"1"`); res.Status != 404 {
				t.Errorf("%s %s = %d, want 404: %s", a.method, a.path, res.Status, res.Body)
			}
		}
		if after, _ := app.DB.Fingerprint(ctx); after != before {
			t.Fatal("the attempts changed the database")
		}
		var page samspil.Page[samspil.Collaboration]
		w.asSAdmin.Do("GET", "/api/v1/collaborations?organization_id="+testkit.Org(t, app.DB, testkit.Aarhus).ID, nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("Silkeborg lists %d of Aarhus' collaborations", len(page.Items))
		}
		// Founding on behalf of another organisation is refused.
		w.asSAdmin.Do("POST", "/api/v1/collaborations", map[string]any{"name": "X", "kind": "network", "start": "2020-01-01",
			"organization_id": "0751"}).Want(t, 403)
		// Every collaboration route is tried here, except the sub-resources
		// (forums, decisions, ambitions, strategies, action items,
		// prioritisation) whose own tests try them.
		var invs samspil.Page[samspil.Invitation]
		w.asSAdmin.Do("GET", "/api/v1/invitations?collaboration_id="+other.ID, nil).Want(t, 200).JSON(t, &invs)
		if len(invs.Items) != 0 {
			t.Fatalf("Silkeborg lists %d of the invitations of Aarhus' collaboration", len(invs.Items))
		}
		for _, r := range app.Server.Routes() {
			inScope := strings.Contains(r.Pattern, " /api/v1/collaborations") || strings.Contains(r.Pattern, " /api/v1/invitations") ||
				strings.Contains(r.Pattern, " /api/v1/adjustments")
			if !inScope || tried[r.Pattern] {
				continue
			}
			sub := false
			for _, s := range []string{"/forums", "/decisions", "/ambitions", "/alignment", "/strategy-coverage", "/action-items", "/prioritisation"} {
				sub = sub || strings.Contains(r.Pattern, s)
			}
			if !sub {
				t.Errorf("route %s is not tried by the cross-collaboration test", r.Pattern)
			}
		}
	})
}

// People choose their own notices through the API; anonymous callers get 401.
func TestNoticeOptOutsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newWorld(t, app)
		var got struct {
			OptOuts []string `json:"opt_outs"`
		}
		w.asSViewer.Do("GET", "/api/v1/users/me/notice-opt-outs", nil).Want(t, 200).JSON(t, &got)
		if got.OptOuts == nil || len(got.OptOuts) != 0 {
			t.Fatalf("opt-outs %v", got.OptOuts)
		}
		wantProblem(t, w.asSViewer.Do("PUT", "/api/v1/users/me/notice-opt-outs", map[string]any{"opt_outs": []string{"spam"}}), 422, "body.opt_outs[0]")
		w.asSViewer.Do("PUT", "/api/v1/users/me/notice-opt-outs", map[string]any{"opt_outs": []string{"deadline", "vote"}}).Want(t, 200)
		w.asSViewer.Do("GET", "/api/v1/users/me/notice-opt-outs", nil).Want(t, 200).JSON(t, &got)
		if strings.Join(got.OptOuts, ",") != "deadline,vote" {
			t.Fatalf("opt-outs %v", got.OptOuts)
		}
		// Another person's choices are their own.
		w.asSAdmin.Do("GET", "/api/v1/users/me/notice-opt-outs", nil).Want(t, 200).JSON(t, &got)
		if len(got.OptOuts) != 0 {
			t.Fatalf("admin sees %v", got.OptOuts)
		}
		app.Anonymous(t).Do("GET", "/api/v1/users/me/notice-opt-outs", nil).Want(t, 401)
	})
}

// A forum member and an attendee may be given by person alone when the
// person belongs to one member organisation.
func TestForumMemberByPersonAlone(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newWorld(t, app)
		var c samspil.Collaboration
		w.asSAdmin.Do("POST", "/api/v1/collaborations", map[string]any{"name": "S–V", "kind": "partnership", "start": "2014-01-01",
			"organization_id": "0740"}).Want(t, 201).JSON(t, &c)
		var f samspil.Forum
		w.asSAdmin.Do("POST", "/api/v1/collaborations/"+c.ID+"/forums", map[string]any{"name": "IT-chefmøde", "level": "it_chiefs",
			"first_meeting": "2026-01-08T09:00:00+01:00", "members": []map[string]any{{"user_id": w.sAdmin.User.ID}}}).Want(t, 201).JSON(t, &f)
		if len(f.Members) != 1 || f.Members[0].OrganizationID != w.silkeborg.ID {
			t.Fatalf("members %+v", f.Members)
		}
		var m samspil.Meeting
		w.asSAdmin.Do("POST", "/api/v1/forums/"+f.ID+"/meetings", map[string]any{"start": "2026-01-15T09:00:00+01:00"}).Want(t, 201).JSON(t, &m)
		var got samspil.Meeting
		w.asSAdmin.Do("PUT", "/api/v1/meetings/"+m.ID+"/attendance", map[string]any{"attendance": []map[string]any{
			{"user_id": w.sAdmin.User.ID, "status": "present"}}}).Want(t, 200).JSON(t, &got)
		if len(got.Attendance) != 1 || got.Attendance[0].OrganizationID != w.silkeborg.ID {
			t.Fatalf("attendance %+v", got.Attendance)
		}
	})
}
