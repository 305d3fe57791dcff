package httpapi_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// Tests of decisions, ambitions, strategies and action items. The store
// tests (internal/sqldb/governance_test.go) tell the whole story; these check
// what travels over HTTP.

// governanceWorld is the Silkeborg–Viborg collaboration with Aarhus as an
// observer, founded through the API.
type governanceWorld struct {
	*world
	aAdmin  testkit.Person
	asAAd   *testkit.Client
	asVView *testkit.Client
	collab  samspil.Collaboration
	base    string
}

func newGovernanceWorld(t *testing.T, app *testkit.App) *governanceWorld {
	t.Helper()
	g := &governanceWorld{world: newWorld(t, app)}
	g.aAdmin = testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
	g.asAAd, g.asVView = app.Token(t, g.aAdmin.User.ID), app.Token(t, g.vViewer.User.ID)
	g.asSAdmin.Do("POST", "/api/v1/collaborations", map[string]any{"name": "Silkeborg–Viborg IT-samarbejde", "kind": "partnership",
		"start": "2014-01-01", "decision_rule": "majority", "organization_id": "0740", "visibility": "private"}).Want(t, 201).JSON(t, &g.collab)
	g.base = "/api/v1/collaborations/" + g.collab.ID
	var inv samspil.Invitation
	g.asSAdmin.Do("POST", g.base+"/invitations", map[string]any{"organization_id": "0791", "since": "2014-01-01"}).Want(t, 201).JSON(t, &inv)
	g.asVAd.Do("POST", "/api/v1/invitations/"+inv.ID+"/accept", map[string]any{"on": "2014-01-01"}).Want(t, 200)
	g.asSAdmin.Do("POST", g.base+"/invitations", map[string]any{"organization_id": "0751", "since": "2015-01-01", "role": "observer",
		"commitment": "observer"}).Want(t, 201).JSON(t, &inv)
	g.asAAd.Do("POST", "/api/v1/invitations/"+inv.ID+"/accept", map[string]any{"on": "2015-01-01"}).Want(t, 200)
	return g
}

func TestDecisionsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		g := newGovernanceWorld(t, app)
		g.asVAd.Do("POST", g.base+"/decisions", map[string]any{"title": "Fælles ESDH-system", "decided_on": "2016-03-01"}).Want(t, 403)
		var d samspil.Decision
		res := g.asSAdmin.Do("POST", g.base+"/decisions", map[string]any{"title": "Fælles ESDH-system", "decided_on": "2016-03-01",
			"proposal": "Silkeborg og Viborg anskaffer ét ESDH-system."}).Want(t, 201)
		res.JSON(t, &d)
		if res.Header.Get("Location") != "/api/v1/decisions/"+d.ID || res.Header.Get("ETag") != `"1"` || d.Rule != samspil.RuleMajority {
			t.Fatalf("created %+v %v", d, res.Header)
		}
		path := "/api/v1/decisions/" + d.ID

		// Two organisations vote, by municipality code or ID; the outcome is computed in the answer.
		g.asSAdmin.Do("POST", path+"/votes", map[string]any{"organization_id": "0740", "choice": "for"}).Want(t, 200)
		res = g.asVAd.Do("POST", path+"/votes", map[string]any{"organization_id": g.viborg.ID, "choice": "against", "comment": "For dyrt"}).Want(t, 200)
		var raw struct {
			Votes   []map[string]any `json:"votes"`
			Outcome map[string]any   `json:"outcome"`
		}
		res.JSON(t, &raw)
		o := raw.Outcome
		if o["result"] != "rejected" || o["final"] != true || o["for"] != 1.0 || o["against"] != 1.0 || o["quorum"] != 2.0 ||
			o["explanation"] != "rejected: tie 1–1; a tie rejects under majority" || len(raw.Votes) != 2 || res.Header.Get("ETag") != `"3"` {
			t.Fatalf("outcome %s", res.Body)
		}
		// A duplicate vote is refused; Viborg changes its mind by saying so: still two votes.
		wantProblem(t, g.asVAd.Do("POST", path+"/votes", map[string]any{"organization_id": g.viborg.ID, "choice": "for"}), 409, "body.organization_id")
		res = g.asVAd.Do("POST", path+"/votes", map[string]any{"organization_id": g.viborg.ID, "choice": "for", "replace": true}).Want(t, 200)
		res.JSON(t, &raw)
		if raw.Outcome["result"] != "adopted" || len(raw.Votes) != 2 {
			t.Fatalf("changed vote %s", res.Body)
		}

		// Refusals name the field and change nothing.
		g.asAAd.Do("GET", "/api/v1/users/me", nil).Want(t, 200) // records the token's first use
		before, err := app.DB.Fingerprint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		p := wantProblem(t, g.asAAd.Do("POST", path+"/votes", map[string]any{"organization_id": "0751", "choice": "for"}), 422, "body.organization_id")
		if !strings.Contains(p.Errors[0].Message, "observer") {
			t.Errorf("the problem does not say why: %+v", p)
		}
		wantProblem(t, g.asSAdmin.Do("PUT", path+"/proxies", map[string]any{"organization_id": "0740", "proxy_organization_id": "0740"}), 422,
			"body.proxy_organization_id")
		wantProblem(t, g.asSAdmin.Do("POST", path+"/votes", map[string]any{"organization_id": "0740", "choice": "opt_out"}), 422, "body.choice")
		wantProblem(t, g.asSAdmin.Do("POST", path+"/votes", map[string]any{"organization_id": "0740", "choice": "maybe"}), 422, "body.choice")
		// Viborg's administrator may not vote for Silkeborg: 403, the input is fine but the right is missing.
		wantProblem(t, g.asVAd.Do("POST", path+"/votes", map[string]any{"organization_id": "0740", "choice": "against"}), 403, "")
		g.asSAdmin.Do("POST", path+"/close", nil).Want(t, 428)
		g.asSAdmin.Do("POST", path+"/close", nil, "If-Match", `"1"`).Want(t, 412)
		g.asVAd.Do("POST", path+"/close", nil, "If-Match", `"4"`).Want(t, 403)
		app.Anonymous(t).Do("GET", path, nil).Want(t, 404)
		if after, _ := app.DB.Fingerprint(context.Background()); after != before {
			t.Fatal("refused requests changed the database")
		}

		// A proxy lets Viborg vote for Silkeborg.
		res = g.asSAdmin.Do("PUT", path+"/proxies", map[string]any{"organization_id": "0740", "proxy_organization_id": "0791"}).Want(t, 200)
		res = g.asVAd.Do("POST", path+"/votes", map[string]any{"organization_id": "0740", "choice": "abstain", "replace": true}).Want(t, 200)
		res.JSON(t, &d)
		if d.Outcome.Result != samspil.OutcomeAdopted || d.Votes[0].OrganizationID != g.silkeborg.ID || !d.Votes[0].ProxyFor ||
			d.Votes[0].CastByOrganization != g.viborg.ID {
			t.Fatalf("proxy vote %+v", d)
		}
		res = g.asSAdmin.Do("POST", path+"/close", nil, "If-Match", res.Header.Get("ETag")).Want(t, 200)
		res.JSON(t, &d)
		if d.Status != samspil.DecisionClosed || d.Outcome.Result != samspil.OutcomeAdopted || !d.Outcome.Final {
			t.Fatalf("closed %+v", d)
		}
		wantProblem(t, g.asVAd.Do("POST", path+"/votes", map[string]any{"organization_id": "0791", "choice": "against"}), 409, "")

		// The viewer reads the decision and the list.
		g.asVView.Do("GET", path, nil).Want(t, 200).JSON(t, &d)
		var page samspil.Page[samspil.Decision]
		g.asVView.Do("GET", g.base+"/decisions?status=closed", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != d.ID || len(page.Items[0].Votes) != 2 {
			t.Fatalf("list %+v", page)
		}
		g.asVView.Do("GET", g.base+"/decisions?status=open", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("open decisions %+v", page)
		}
	})
}

func TestAmbitionsStrategiesActionItemsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		g := newGovernanceWorld(t, app)
		declare := func(c *testkit.Client, org, on string, level int) *testkit.Response {
			return c.Do("POST", g.base+"/ambitions", map[string]any{"organization_id": org, "declared_on": on,
				"levels": []map[string]any{{"area": "shared_systems", "level": level, "explanation": "Fælles systemer"}}})
		}
		declare(g.asSAdmin, "0740", "2014-02-01", 3).Want(t, 201)
		declare(g.asVAd, "0791", "2014-02-01", 3).Want(t, 201)
		declare(g.asVAd, "0791", "2017-03-01", 1).Want(t, 201)
		// Declaring for another organisation: Viborg for Silkeborg is not Viborg's right (403);
		// Odense is no member at all (422, naming the field).
		before, _ := app.DB.Fingerprint(context.Background())
		wantProblem(t, declare(g.asVAd, "0740", "2017-03-01", 0), 403, "")
		wantProblem(t, declare(g.asSAdmin, "0461", "2017-03-01", 0), 422, "body.organization_id")
		wantProblem(t, declare(g.asSAdmin, "0740", "2099-01-01", 0), 422, "body.declared_on")
		wantProblem(t, g.asSAdmin.Do("GET", g.base+"/alignment?on=2017-02-30", nil), 422, "query.on")
		if after, _ := app.DB.Fingerprint(context.Background()); after != before {
			t.Fatal("refused declarations changed the database")
		}
		var al samspil.Alignment
		g.asVView.Do("GET", g.base+"/alignment?on=2017-06-01", nil).Want(t, 200).JSON(t, &al)
		if al.MaxSpread != 2 || al.Areas[0].Levels[g.viborg.ID] != 1 || len(al.Warnings) == 0 {
			t.Fatalf("alignment %+v", al)
		}
		var hist []samspil.Alignment
		g.asVView.Do("GET", g.base+"/alignment-history?on=2018-01-01", nil).Want(t, 200).JSON(t, &hist)
		if len(hist) != 2 || hist[0].MaxSpread != 0 || hist[1].MaxSpread != 2 {
			t.Fatalf("history %+v", hist)
		}
		var ambitions []samspil.Ambition
		g.asVView.Do("GET", g.base+"/ambitions", nil).Want(t, 200).JSON(t, &ambitions)
		if len(ambitions) != 3 {
			t.Fatalf("ambitions %+v", ambitions)
		}

		// The joint strategy, adopted by both; Viborg's own from 2019.
		var joint, own samspil.Strategy
		res := g.asSAdmin.Do("POST", "/api/v1/strategies", map[string]any{"collaboration_id": g.collab.ID, "title": "Fælles digitaliseringsstrategi",
			"from": "2014-01-01", "until": "2018-12-31", "owners": []map[string]any{{"organization_id": "0740", "adopted_on": "2014-03-01"},
				{"organization_id": "0791"}}}).Want(t, 201)
		res.JSON(t, &joint)
		if res.Header.Get("Location") != "/api/v1/strategies/"+joint.ID || joint.Owners[0].AdoptedOn == nil || joint.Owners[1].AdoptedOn != nil {
			t.Fatalf("joint %+v", joint)
		}
		wantProblem(t, g.asSAdmin.Do("POST", "/api/v1/strategies/"+joint.ID+"/adoptions", map[string]any{"organization_id": "0791", "on": "2014-03-15"}), 403, "")
		g.asVAd.Do("POST", "/api/v1/strategies/"+joint.ID+"/adoptions", map[string]any{"organization_id": "0791", "on": "2014-03-15"}).Want(t, 200)
		g.asVAd.Do("POST", "/api/v1/strategies", map[string]any{"title": "Viborgs digitaliseringsstrategi 2019–2022", "from": "2019-01-01",
			"owners": []map[string]any{{"organization_id": "0791", "adopted_on": "2019-05-01"}}}).Want(t, 201).JSON(t, &own)
		var cov []samspil.StrategyCoverage
		g.asSAdmin.Do("GET", g.base+"/strategy-coverage?on=2020-01-01", nil).Want(t, 200).JSON(t, &cov)
		if len(cov) != 3 || cov[0].StrategyID != joint.ID || !cov[0].PastPeriod || cov[1].StrategyID != own.ID || cov[2].StrategyID != "" {
			t.Fatalf("coverage %+v", cov)
		}
		var list struct{ Items []samspil.Strategy }
		app.Anonymous(t).Do("GET", "/api/v1/strategies?organization_id=0791", nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("anonymous sees %+v", list.Items)
		}
		g.asAAd.Do("GET", "/api/v1/strategies?organization_id=0791", nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 2 {
			t.Fatalf("Aarhus sees %d sector-wide strategies of Viborg", len(list.Items))
		}

		// Action items: the owner lists their own, changes them with If-Match and clears the due date.
		var item samspil.ActionItem
		res = g.asSAdmin.Do("POST", g.base+"/action-items", map[string]any{"title": "Udkast til udbud", "owner_user_id": g.vAdmin.User.ID,
			"organization_id": "0791", "due": "2020-01-01"}).Want(t, 201)
		res.JSON(t, &item)
		if !item.Overdue || res.Header.Get("Location") != "/api/v1/action-items/"+item.ID {
			t.Fatalf("item %+v", item)
		}
		outsider := testkit.NewPerson(t, app.DB, "admin@odense.example", "0461", samspil.RoleAdmin)
		wantProblem(t, g.asSAdmin.Do("POST", g.base+"/action-items", map[string]any{"title": "X", "owner_user_id": outsider.User.ID}), 422, "body.owner_user_id")
		var page samspil.Page[samspil.ActionItem]
		g.asVAd.Do("GET", "/api/v1/action-items?owner=me&open=true", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != item.ID {
			t.Fatalf("mine %+v", page)
		}
		app.Anonymous(t).Do("GET", "/api/v1/action-items?owner=me", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("anonymous owns %+v", page)
		}
		path := "/api/v1/action-items/" + item.ID
		g.asVAd.Do("PATCH", path, map[string]any{"status": "done"}).Want(t, 428)
		g.asVAd.Do("PATCH", path, map[string]any{"status": "done"}, "If-Match", `"2"`).Want(t, 412)
		res = g.asVAd.Do("PATCH", path, map[string]any{"status": "done", "due": ""}, "If-Match", `"1"`).Want(t, 200)
		item = samspil.ActionItem{}
		res.JSON(t, &item)
		if item.Status != samspil.ActionDone || item.DoneOn == nil || item.Due != nil || item.Overdue || res.Header.Get("ETag") != `"2"` {
			t.Fatalf("done %s", res.Body)
		}
		g.asVView.Do("GET", g.base+"/action-items", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 {
			t.Fatalf("list %+v", page)
		}
	})
}

// TestGovernanceRoutesCrossCollaboration lets Silkeborg's administrator try
// every decision, ambition, strategy and action-item route on a private
// collaboration of Aarhus and Odense: each answers 404 (or 403 where the
// route touches no object of it), lists show nothing, and nothing changes.
func TestGovernanceRoutesCrossCollaboration(t *testing.T) {
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
		a := testkit.Actor(t, app.DB, aAdmin.User.ID)
		d, err := app.DB.CreateDecision(ctx, a, other.ID, samspil.DecisionInput{Title: "Fælles drift", DecidedOn: samspil.NewDate(2021, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		st, err := app.DB.CreateStrategy(ctx, a, samspil.StrategyInput{CollaborationID: other.ID, Title: "Østjysk strategi", From: samspil.NewDate(2021, 1, 1),
			Visibility: samspil.VisibilityPrivate, Owners: []samspil.StrategyOwner{{OrganizationID: testkit.Aarhus}}})
		if err != nil {
			t.Fatal(err)
		}
		item, err := app.DB.CreateActionItem(ctx, a, other.ID, samspil.ActionItemInput{Title: "Driftsaftale"})
		if err != nil {
			t.Fatal(err)
		}
		base := "/api/v1/collaborations/" + other.ID
		type attempt struct {
			pattern, method, path string
			body                  any
			status                int // 0 means 404
		}
		attempts := []attempt{
			{"GET /api/v1/collaborations/{id}/decisions", "GET", base + "/decisions", nil, 0},
			{"POST /api/v1/collaborations/{id}/decisions", "POST", base + "/decisions", map[string]any{"title": "Overtaget"}, 0},
			{"GET /api/v1/decisions/{id}", "GET", "/api/v1/decisions/" + d.ID, nil, 0},
			{"POST /api/v1/decisions/{id}/votes", "POST", "/api/v1/decisions/" + d.ID + "/votes", map[string]any{"organization_id": "0740", "choice": "for"}, 0},
			{"POST /api/v1/decisions/{id}/votes", "POST", "/api/v1/decisions/" + d.ID + "/votes", map[string]any{"organization_id": "0751", "choice": "for"}, 0},
			{"PUT /api/v1/decisions/{id}/proxies", "PUT", "/api/v1/decisions/" + d.ID + "/proxies", map[string]any{"organization_id": "0751", "proxy_organization_id": "0740"}, 0},
			{"POST /api/v1/decisions/{id}/close", "POST", "/api/v1/decisions/" + d.ID + "/close", nil, 0},
			{"GET /api/v1/collaborations/{id}/ambitions", "GET", base + "/ambitions", nil, 0},
			{"POST /api/v1/collaborations/{id}/ambitions", "POST", base + "/ambitions", map[string]any{"organization_id": "0740",
				"levels": []map[string]any{{"area": "joint_operations", "level": 4, "explanation": ""}}}, 0},
			{"GET /api/v1/collaborations/{id}/alignment", "GET", base + "/alignment", nil, 0},
			{"GET /api/v1/collaborations/{id}/alignment-history", "GET", base + "/alignment-history", nil, 0},
			{"GET /api/v1/strategies/{id}", "GET", "/api/v1/strategies/" + st.ID, nil, 0},
			{"POST /api/v1/strategies/{id}/adoptions", "POST", "/api/v1/strategies/" + st.ID + "/adoptions", map[string]any{"organization_id": "0751"}, 0},
			// Recording a strategy for Aarhus is not Silkeborg's right.
			{"POST /api/v1/strategies", "POST", "/api/v1/strategies", map[string]any{"title": "Overtaget", "from": "2021-01-01",
				"owners": []map[string]any{{"organization_id": "0751"}}}, 403},
			{"GET /api/v1/collaborations/{id}/strategy-coverage", "GET", base + "/strategy-coverage", nil, 0},
			{"GET /api/v1/collaborations/{id}/action-items", "GET", base + "/action-items", nil, 0},
			{"POST /api/v1/collaborations/{id}/action-items", "POST", base + "/action-items", map[string]any{"title": "Overtaget"}, 0},
			{"GET /api/v1/action-items/{id}", "GET", "/api/v1/action-items/" + item.ID, nil, 0},
			{"PATCH /api/v1/action-items/{id}", "PATCH", "/api/v1/action-items/" + item.ID, map[string]any{"status": "done"}, 0},
			{"GET /api/v1/action-items", "GET", "/api/v1/action-items?collaboration_id=" + other.ID, nil, 0},
		}
		// Lists across collaborations answer 200 without the other collaboration's records.
		lists := []attempt{
			{"GET /api/v1/strategies", "GET", "/api/v1/strategies?collaboration_id=" + other.ID, nil, 200},
			{"GET /api/v1/strategies", "GET", "/api/v1/strategies?organization_id=0751", nil, 200},
			{"GET /api/v1/action-items", "GET", "/api/v1/action-items", nil, 200},
		}
		tried := map[string]bool{}
		w.asSAdmin.Do("GET", "/api/v1/users/me", nil).Want(t, 200) // records the token's first use
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range attempts {
			tried[at.pattern] = true
			want := at.status
			if want == 0 {
				want = 404
			}
			if res := w.asSAdmin.Do(at.method, at.path, at.body, "If-Match", `"1"`); res.Status != want {
				t.Errorf("%s %s = %d, want %d: %s", at.method, at.path, res.Status, want, res.Body)
			}
		}
		for _, at := range lists {
			tried[at.pattern] = true
			res := w.asSAdmin.Do(at.method, at.path, nil).Want(t, 200)
			var p struct{ Items []json.RawMessage }
			res.JSON(t, &p)
			if len(p.Items) != 0 {
				t.Errorf("%s lists %s", at.path, res.Body)
			}
		}
		if after, _ := app.DB.Fingerprint(ctx); after != before {
			t.Fatal("the attempts changed the database")
		}
		// Every route of these resources is tried.
		mine := regexp.MustCompile(`^[A-Z]+ /api/v1/(decisions|strategies|action-items)(/|$)|^[A-Z]+ /api/v1/collaborations/\{id\}/(decisions|ambitions|alignment[^/]*|strategy-coverage|action-items)$`)
		n := 0
		for _, r := range app.Server.Routes() {
			if mine.MatchString(r.Pattern) {
				n++
				if !tried[r.Pattern] {
					t.Errorf("route %s is not tried by the cross-collaboration test", r.Pattern)
				}
			}
		}
		if n != 20 {
			t.Errorf("%d governance routes, want 20", n)
		}
	})
}
