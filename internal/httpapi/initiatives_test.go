package httpapi_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// Tests of the initiative routes: /initiatives with their criteria, need
// confirmations, gates, participations, budget, cost shares and benefits,
// /budget-lines, /benefits, /lessons and a collaboration's
// prioritisation. TestInitiativesCrossTenant tries them across
// organisations.

// initiativeRoute reports whether an API route pattern is one of the
// initiative routes, which TestInitiativesCrossTenant tries.
func initiativeRoute(pattern string) bool {
	for _, p := range []string{" /api/v1/initiatives", " /api/v1/budget-lines", " /api/v1/benefits", " /api/v1/lessons"} {
		if strings.Contains(pattern, p) {
			return true
		}
	}
	return strings.Contains(pattern, " /api/v1/collaborations/{id}/prioritisation")
}

// initiativeWorld is the private Silkeborg–Viborg partnership with the
// API world's people, and Aarhus, outside the partnership.
type initiativeWorld struct {
	*world
	collab  *samspil.Collaboration
	aAdmin  testkit.Person
	asAAd   *testkit.Client
	aarhus  *samspil.Organization
	today   samspil.Date
	ctx     context.Context
	t       *testing.T
	sActor  *samspil.Actor // Silkeborg's administrator, reloaded as a member of the partnership
	vActor  *samspil.Actor // Viborg's administrator, likewise
	systemS *samspil.System
}

func newInitiativeWorld(t *testing.T, app *testkit.App) *initiativeWorld {
	t.Helper()
	w := &initiativeWorld{world: newWorld(t, app), ctx: context.Background(), t: t, today: samspil.Today(samspil.Now())}
	w.collab = testkit.Partnership(t, app.DB, w.sAdmin.Actor)
	w.aAdmin = testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
	w.asAAd, w.aarhus = app.Token(t, w.aAdmin.User.ID), testkit.Org(t, app.DB, testkit.Aarhus)
	w.sActor, w.vActor = testkit.Actor(t, app.DB, w.sAdmin.User.ID), testkit.Actor(t, app.DB, w.vAdmin.User.ID)
	s, err := app.DB.CreateSystem(w.ctx, w.sActor, samspil.SystemInput{Name: "Borgerportal", Category: samspil.CategoryOther,
		OwnerID: w.silkeborg.ID, Visibility: samspil.VisibilitySector})
	if err != nil {
		t.Fatal(err)
	}
	w.systemS = s
	return w
}

// adopted records a decision of the partnership that both members adopt.
func (w *initiativeWorld) adopted(title string) string {
	w.t.Helper()
	d, err := w.app.DB.CreateDecision(w.ctx, w.sActor, w.collab.ID, samspil.DecisionInput{Title: title, Rule: samspil.RuleMajority, DecidedOn: w.today})
	if err != nil {
		w.t.Fatal(err)
	}
	for org, a := range map[string]*samspil.Actor{testkit.Silkeborg: w.sActor, testkit.Viborg: w.vActor} {
		if _, err := w.app.DB.CastVote(w.ctx, a, d.ID, samspil.VoteInput{OrganizationID: org, Choice: samspil.VoteFor}); err != nil {
			w.t.Fatal(err)
		}
	}
	return d.ID
}

// fingerprint is the database's state, to show that refused requests
// change nothing.
func (w *initiativeWorld) fingerprint() string {
	w.t.Helper()
	f, err := w.app.DB.Fingerprint(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return f
}

// unchanged fails the test when the database is not as before.
func (w *initiativeWorld) unchanged(before, what string) {
	w.t.Helper()
	if w.fingerprint() != before {
		w.t.Fatalf("%s changed the database", what)
	}
}

func TestInitiativesAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newInitiativeWorld(t, app)
		today := w.today.String()
		for _, c := range []*testkit.Client{w.asSAdmin, w.asSEditor, w.asSViewer, w.asVAd, w.asAAd} {
			c.Do("GET", "/api/v1/users/me", nil).Want(t, 200) // records the tokens' first use
		}

		// Proposing: a viewer may not; bad references name their field
		// and change nothing.
		body := map[string]any{"title": "Fælles borgerportal", "collaboration_id": w.collab.ID, "model": "implementation", "visibility": "private",
			"tasks": []string{"27.34.40"}, "system_ids": []string{w.systemS.ID}, "contact_name": "Mette Lund", "contact_email": "mette@silkeborg.example"}
		before := w.fingerprint()
		w.asSViewer.Do("POST", "/api/v1/initiatives", body).Want(t, 403)
		w.asVAd.Do("POST", "/api/v1/initiatives", map[string]any{"title": "X", "model": "procurement", "owner_id": testkit.Silkeborg}).Want(t, 403)
		for field, change := range map[string]map[string]any{
			"body.tasks":      {"tasks": []string{"99.99.99"}},
			"body.system_ids": {"system_ids": []string{"no-such-system"}},
			"body.model":      {"model": "big_bang"},
			"body.title":      {"title": " "},
		} {
			bad := map[string]any{}
			for k, v := range body {
				bad[k] = v
			}
			for k, v := range change {
				bad[k] = v
			}
			wantProblem(t, w.asSEditor.Do("POST", "/api/v1/initiatives", bad), 422, field)
		}
		w.unchanged(before, "refused proposals")

		var x samspil.Initiative
		res := w.asSEditor.Do("POST", "/api/v1/initiatives", body).Want(t, 201)
		res.JSON(t, &x)
		if res.Header.Get("Location") != "/api/v1/initiatives/"+x.ID || res.Header.Get("ETag") != `"1"` || x.Phase != samspil.PhaseIdea ||
			x.OwnerID != w.silkeborg.ID || x.CollaborationName != w.collab.Name || len(x.Systems) != 1 || x.Systems[0].Name != "Borgerportal" ||
			len(x.Criteria) != len(samspil.Criteria) {
			t.Fatalf("proposed %+v %v", x, res.Header)
		}
		path := "/api/v1/initiatives/" + x.ID

		// Seeing: Viborg, a member of the partnership, sees it; Aarhus and
		// anonymous callers do not.
		if got := w.asVAd.Do("GET", path, nil).Want(t, 200).Header.Get("ETag"); got != `"1"` {
			t.Fatalf("ETag %q", got)
		}
		w.asAAd.Do("GET", path, nil).Want(t, 404)
		app.Anonymous(t).Do("GET", path, nil).Want(t, 404)

		// Changing needs the current version.
		w.asSEditor.Do("PATCH", path, map[string]any{"title": "Fælles borgerportal 2.0"}).Want(t, 428)
		w.asSEditor.Do("PATCH", path, map[string]any{"title": "Fælles borgerportal 2.0"}, "If-Match", `"7"`).Want(t, 412)
		before = w.fingerprint()
		wantProblem(t, w.asSEditor.Do("PATCH", path, map[string]any{"tasks": []string{"27.34.40", "99.99.99"}}, "If-Match", `"1"`), 422, "body.tasks")
		wantProblem(t, w.asSEditor.Do("PATCH", path, map[string]any{"contact_email": "mette"}, "If-Match", `"1"`), 422, "body.contact_email")
		w.asVAd.Do("PATCH", path, map[string]any{"title": "Viborgs portal"}, "If-Match", `"1"`).Want(t, 403)
		w.unchanged(before, "refused changes")
		res = w.asSEditor.Do("PATCH", path, map[string]any{"title": "Fælles borgerportal 2.0", "expected_benefits": "Færre henvendelser"},
			"If-Match", `"1"`).Want(t, 200)
		res.JSON(t, &x)
		if res.Header.Get("ETag") != `"2"` || x.Title != "Fælles borgerportal 2.0" || x.Tasks[0] != "27.34.40" {
			t.Fatalf("patched %+v %v", x, res.Header)
		}
		w.asSEditor.Do("PATCH", path, map[string]any{"title": "Gammel"}, "If-Match", `"1"`).Want(t, 412)

		// Listing with filters and paging.
		var page samspil.Page[samspil.Initiative]
		w.asVAd.Do("GET", "/api/v1/initiatives?collaboration_id="+w.collab.ID+"&open=true&q=borgerportal&task=27.34&phase=idea", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != x.ID {
			t.Fatalf("filtered list %+v", page.Items)
		}
		w.asVAd.Do("GET", "/api/v1/initiatives?organization_id="+testkit.Viborg, nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("Viborg neither owns nor takes part, yet lists %+v", page.Items)
		}
		w.asAAd.Do("GET", "/api/v1/initiatives?collaboration_id="+w.collab.ID, nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 0 {
			t.Fatalf("Aarhus lists %+v", page.Items)
		}
		wantProblem(t, w.asVAd.Do("GET", "/api/v1/initiatives?phase=done", nil), 422, "query.phase")
		wantProblem(t, w.asVAd.Do("GET", "/api/v1/initiatives?organization_id="+unknownOrgID, nil), 422, "query.organization_id")
		for _, title := range []string{"Åben GIS", "Fælles ESDH", "Fælles sikkerhed"} {
			w.asSAdmin.Do("POST", "/api/v1/initiatives", map[string]any{"title": title, "model": "open_source_product"}).Want(t, 201)
		}
		seen, cursor := map[string]bool{}, ""
		for pages := 0; ; pages++ {
			page = samspil.Page[samspil.Initiative]{}
			w.asSAdmin.Do("GET", "/api/v1/initiatives?limit=2&cursor="+cursor, nil).Want(t, 200).JSON(t, &page)
			for _, it := range page.Items {
				if seen[it.ID] {
					t.Fatalf("%s on two pages", it.Title)
				}
				seen[it.ID] = true
			}
			if cursor = page.NextCursor; cursor == "" || pages > 5 {
				break
			}
		}
		if len(seen) != 4 {
			t.Fatalf("paging visits %d of 4 initiatives", len(seen))
		}
		// A sector initiative outside any collaboration: Aarhus sees it.
		w.asAAd.Do("GET", "/api/v1/initiatives?q=gis", nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].CollaborationID != "" {
			t.Fatalf("Aarhus's view of the open initiatives %+v", page.Items)
		}

		// Participation: each organisation for itself. Viborg cannot commit
		// Silkeborg; Silkeborg invites Aarhus, which then sees it, finds the
		// invitation waiting and answers for itself.
		before = w.fingerprint()
		w.asVAd.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Silkeborg, "state": "binding"}).Want(t, 403)
		w.asVAd.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Aarhus, "state": "invited"}).Want(t, 403)
		w.asSEditor.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Silkeborg, "state": "binding"}).Want(t, 403)
		wantProblem(t, w.asVAd.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Viborg, "state": "committed"}), 422, "body.state")
		wantProblem(t, w.asVAd.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Viborg, "state": "voluntary",
			"on": "2999-01-01"}), 422, "body.on")
		w.unchanged(before, "refused participations")
		var p samspil.Participation
		w.asSAdmin.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Silkeborg, "state": "binding",
			"resources": []map[string]any{{"competence": "Projektleder", "hours_per_month": 40}}}).Want(t, 200).JSON(t, &p)
		if p.State != samspil.ParticipationBinding || p.OrganizationID != w.silkeborg.ID || len(p.Resources) != 1 || p.Population == 0 {
			t.Fatalf("Silkeborg's participation %+v", p)
		}
		w.asVAd.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Viborg, "state": "voluntary"}).Want(t, 200)
		w.asSEditor.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Aarhus, "state": "invited"}).Want(t, 200)
		var mine struct {
			Initiatives []samspil.InitiativeInvitation `json:"initiatives"`
		}
		w.asAAd.Do("GET", "/api/v1/users/me/invitations", nil).Want(t, 200).JSON(t, &mine)
		if len(mine.Initiatives) != 1 || mine.Initiatives[0].InitiativeID != x.ID || !mine.Initiatives[0].MayCommit {
			t.Fatalf("Aarhus's invitations %+v", mine.Initiatives)
		}
		w.asSAdmin.Do("GET", "/api/v1/users/me/invitations", nil).Want(t, 200).JSON(t, &mine)
		if len(mine.Initiatives) != 0 {
			t.Fatalf("Silkeborg is shown Aarhus's invitation: %+v", mine.Initiatives)
		}
		w.asAAd.Do("GET", path, nil).Want(t, 200)
		w.asSAdmin.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Aarhus, "state": "binding"}).Want(t, 403)
		wantProblem(t, w.asAAd.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Aarhus, "state": "declined"}), 422, "body.reason")
		w.asAAd.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Aarhus, "state": "binding"}).Want(t, 200).JSON(t, &p)
		if p.State != samspil.ParticipationBinding || len(p.History) != 2 || p.History[0].State != samspil.ParticipationInvited {
			t.Fatalf("Aarhus's participation %+v", p)
		}
		w.asAAd.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Aarhus, "state": "binding"}).Want(t, 409)
		var parts struct{ Items []samspil.Participation }
		w.asVAd.Do("GET", path+"/participations", nil).Want(t, 200).JSON(t, &parts)
		states := map[string]samspil.ParticipationState{}
		for _, p := range parts.Items {
			states[p.OrganizationID] = p.State
			if len(p.History) == 0 {
				t.Errorf("%s without history", p.OrganizationName)
			}
		}
		if len(parts.Items) != 3 || states[w.silkeborg.ID] != samspil.ParticipationBinding || states[w.viborg.ID] != samspil.ParticipationVoluntary ||
			states[w.aarhus.ID] != samspil.ParticipationBinding {
			t.Fatalf("participations %+v", parts.Items)
		}
		w.asVAd.Do("GET", "/api/v1/initiatives?organization_id="+testkit.Viborg, nil).Want(t, 200).JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != x.ID {
			t.Fatalf("Viborg's initiatives %+v", page.Items)
		}

		// Need confirmations, criteria and gates.
		before = w.fingerprint()
		w.asSEditor.Do("POST", path+"/need-confirmations", map[string]any{"organization_id": testkit.Viborg, "evidence": "Vi siger det"}).Want(t, 403)
		wantProblem(t, w.asSEditor.Do("POST", path+"/need-confirmations", map[string]any{"organization_id": testkit.Silkeborg, "evidence": ""}), 422, "body.evidence")
		w.unchanged(before, "refused confirmations")
		res = w.asSEditor.Do("POST", path+"/need-confirmations", map[string]any{"organization_id": testkit.Silkeborg, "evidence": "Borgerhenvendelser 2026"}).Want(t, 200)
		res.JSON(t, &x)
		if len(x.NeedConfirmations) != 1 || res.Header.Get("ETag") != etagOf(x.Version) {
			t.Fatalf("confirmed %+v %v", x.NeedConfirmations, res.Header)
		}
		d1 := w.adopted("Borgerportalen kvalificeres")
		gate := func(c *testkit.Client, version int, body map[string]any) *testkit.Response {
			return c.Do("POST", path+"/gates", body, "If-Match", etagOf(version))
		}
		w.asSEditor.Do("POST", path+"/gates", map[string]any{"to": "qualification", "on": today, "decision_id": d1}).Want(t, 428)
		gate(w.asSEditor, x.Version+1, map[string]any{"to": "qualification", "on": today, "decision_id": d1}).Want(t, 412)
		wantProblem(t, gate(w.asSEditor, x.Version, map[string]any{"to": "qualification", "on": today, "approved_by": "Mette"}), 422, "body.decision_id")
		gate(w.asVAd, x.Version, map[string]any{"to": "qualification", "on": today, "decision_id": d1}).Want(t, 403)
		res = gate(w.asSEditor, x.Version, map[string]any{"to": "qualification", "on": today, "decision_id": d1}).Want(t, 200)
		res.JSON(t, &x)
		if x.Phase != samspil.PhaseQualification || len(x.Gates) != 1 || x.Gates[0].DecisionID != d1 || res.Header.Get("ETag") != etagOf(x.Version) {
			t.Fatalf("after the first gate %+v", x)
		}
		// Out of qualification without the criteria: each missing one is
		// named, and nothing changes.
		d2 := w.adopted("Borgerportalen analyseres")
		before = w.fingerprint()
		p2 := wantProblem(t, gate(w.asSEditor, x.Version, map[string]any{"to": "analysis", "on": today, "decision_id": d2}), 422, "body.criteria.owner_named")
		for _, c := range samspil.Criteria {
			found := false
			for _, e := range p2.Errors {
				found = found || e.Location == "body.criteria."+string(c)
			}
			if !found {
				t.Errorf("the gate does not name criteria.%s: %+v", c, p2.Errors)
			}
		}
		answers := []map[string]any{}
		for _, c := range samspil.Criteria[1:] {
			answers = append(answers, map[string]any{"criterion": c, "met": true, "evidence": "Se bilag"})
		}
		criteria := func(version int, answers []map[string]any) *testkit.Response {
			return w.asSEditor.Do("PUT", path+"/criteria", map[string]any{"answers": answers}, "If-Match", etagOf(version))
		}
		w.asSEditor.Do("PUT", path+"/criteria", map[string]any{"answers": answers}).Want(t, 428)
		criteria(x.Version+1, answers).Want(t, 412)
		wantProblem(t, criteria(x.Version, append(answers[:len(answers):len(answers)],
			map[string]any{"criterion": "need_confirmed", "met": true, "evidence": "Vi siger det"})), 422, "body.criteria.need_confirmed")
		wantProblem(t, criteria(x.Version, []map[string]any{{"criterion": "owner_named", "met": true, "evidence": ""}}), 422, "body.criteria.owner_named")
		wantProblem(t, criteria(x.Version, []map[string]any{{"criterion": "owner_sober", "met": true, "evidence": "x"}}), 422, "")
		w.unchanged(before, "refused gates and criteria")
		criteria(x.Version, answers).Want(t, 200).JSON(t, &x)
		// Still one confirmation short of the need.
		wantProblem(t, gate(w.asSEditor, x.Version, map[string]any{"to": "analysis", "on": today, "decision_id": d2}), 422, "body.criteria.need_confirmed")
		w.asVAd.Do("POST", path+"/need-confirmations", map[string]any{"organization_id": testkit.Viborg, "evidence": "Kanalstrategi"}).Want(t, 200).JSON(t, &x)
		if !x.Criteria[0].Met {
			t.Fatalf("need not met after two confirmations: %+v", x.Criteria[0])
		}
		gate(w.asSEditor, x.Version, map[string]any{"to": "analysis", "on": today, "decision_id": d2}).Want(t, 200).JSON(t, &x)
		if x.Phase != samspil.PhaseAnalysis || len(x.Gates) != 2 {
			t.Fatalf("after qualification %+v", x)
		}

		// The budget and the cost shares under every key.
		before = w.fingerprint()
		wantProblem(t, w.asSEditor.Do("POST", path+"/budget-lines", map[string]any{"kind": "development", "title": "Udvikling", "amount": -1}), 422, "body.amount")
		wantProblem(t, w.asSEditor.Do("POST", path+"/budget-lines", map[string]any{"kind": "gift", "title": "Udvikling", "amount": 1}), 422, "body.kind")
		w.asVAd.Do("POST", path+"/budget-lines", map[string]any{"kind": "development", "title": "Udvikling", "amount": 1}).Want(t, 403)
		w.unchanged(before, "refused budget lines")
		var dev, op samspil.BudgetLine
		res = w.asSEditor.Do("POST", path+"/budget-lines", map[string]any{"kind": "development", "title": "Udvikling", "amount": 1000000, "year": 2027}).Want(t, 201)
		res.JSON(t, &dev)
		if dev.Amount != 100000000 || res.Header.Get("ETag") != etagOf(dev.Version) {
			t.Fatalf("development line %+v %v", dev, res.Header)
		}
		w.asSEditor.Do("POST", path+"/budget-lines", map[string]any{"kind": "operation", "title": "Drift", "amount": 90000.01}).Want(t, 201).JSON(t, &op)
		line := "/api/v1/budget-lines/" + dev.ID
		replace := map[string]any{"kind": "development", "title": "Udvikling og test", "amount": 1200000.5, "year": 2027}
		w.asSEditor.Do("PUT", line, replace).Want(t, 428)
		w.asSEditor.Do("PUT", line, replace, "If-Match", etagOf(dev.Version+1)).Want(t, 412)
		wantProblem(t, w.asSEditor.Do("PUT", line, map[string]any{"kind": "development", "title": "X", "amount": -0.01}, "If-Match", etagOf(dev.Version)), 422, "body.amount")
		w.asVAd.Do("PUT", line, replace, "If-Match", etagOf(dev.Version)).Want(t, 403)
		w.asSEditor.Do("PUT", line, replace, "If-Match", etagOf(dev.Version)).Want(t, 200).JSON(t, &dev)
		if dev.Amount != 120000050 || dev.Title != "Udvikling og test" {
			t.Fatalf("replaced %+v", dev)
		}
		var extra samspil.BudgetLine
		w.asSEditor.Do("POST", path+"/budget-lines", map[string]any{"kind": "development", "title": "Fejl", "amount": 5}).Want(t, 201).JSON(t, &extra)
		w.asSEditor.Do("DELETE", "/api/v1/budget-lines/"+extra.ID, nil).Want(t, 428)
		w.asSEditor.Do("DELETE", "/api/v1/budget-lines/"+extra.ID, nil, "If-Match", etagOf(extra.Version+1)).Want(t, 412)
		w.asSEditor.Do("DELETE", "/api/v1/budget-lines/"+extra.ID, nil, "If-Match", etagOf(extra.Version)).Want(t, 204)
		var lines struct{ Items []samspil.BudgetLine }
		w.asVAd.Do("GET", path+"/budget-lines", nil).Want(t, 200).JSON(t, &lines)
		if len(lines.Items) != 2 {
			t.Fatalf("budget %+v", lines.Items)
		}
		shares := func() samspil.CostShares {
			var cs samspil.CostShares
			w.asVAd.Do("GET", path+"/cost-shares", nil).Want(t, 200).JSON(t, &cs)
			if len(cs.Keys) != len(samspil.CostKeys) || cs.Development != 120000050 || cs.Operation != 9000001 {
				t.Fatalf("cost shares %+v", cs)
			}
			return cs
		}
		key := func(cs samspil.CostShares, k samspil.CostKey) samspil.KeyShares {
			for _, ks := range cs.Keys {
				if ks.Key == k {
					return ks
				}
			}
			t.Fatalf("no key %s in %+v", k, cs.Keys)
			return samspil.KeyShares{}
		}
		sum := func(xs []samspil.DKK) (s samspil.DKK) {
			for _, x := range xs {
				s += x
			}
			return s
		}
		cs := shares()
		equal := key(cs, samspil.CostEqual)
		if len(cs.Participants) != 3 || len(equal.Development) != 3 || sum(equal.Development) != cs.Development || sum(equal.Operation) != cs.Operation ||
			equal.Problem != "" {
			t.Fatalf("equal shares %+v of %+v", equal, cs)
		}
		// Fixed percentages summing to 90 are that key's problem, not the others'.
		current := w.asSEditor.Do("GET", path, nil).Want(t, 200).Header.Get("ETag")
		w.asSEditor.Do("PATCH", path, map[string]any{"cost": map[string]any{"key": "fixed_percentages", "fixed_shares": []map[string]any{
			{"organization_id": w.silkeborg.ID, "basis_points": 5000}, {"organization_id": w.viborg.ID, "basis_points": 2000},
			{"organization_id": w.aarhus.ID, "basis_points": 2000}}}}, "If-Match", current).Want(t, 200).JSON(t, &x)
		cs = shares()
		if fixed := key(cs, samspil.CostFixedPercentages); cs.Chosen != samspil.CostFixedPercentages || fixed.Problem == "" || len(fixed.Development) != 0 {
			t.Fatalf("fixed percentages summing to 90: %+v", fixed)
		}
		if equal := key(cs, samspil.CostEqual); equal.Problem != "" || sum(equal.Development) != cs.Development {
			t.Fatalf("equal shares beside a broken key %+v", equal)
		}
		// The split follows the participants: Viborg withdraws.
		w.asVAd.Do("POST", path+"/participations", map[string]any{"organization_id": testkit.Viborg, "state": "withdrawn", "reason": "Andre prioriteter"}).Want(t, 200)
		cs = shares()
		if equal := key(cs, samspil.CostEqual); len(cs.Participants) != 2 || len(equal.Development) != 2 || sum(equal.Development) != cs.Development {
			t.Fatalf("after Viborg withdrew %+v", cs)
		}

		// Benefits, for one's own organisation only.
		benefit := map[string]any{"organization_id": testkit.Silkeborg, "kind": "money", "title": "Færre opkald", "planned": 250000,
			"owner_name": "Borgerservicechefen", "plan": "Selvbetjening først"}
		before = w.fingerprint()
		w.asVAd.Do("POST", path+"/benefits", benefit).Want(t, 403)
		negative := map[string]any{}
		for k, v := range benefit {
			negative[k] = v
		}
		negative["planned"] = -1
		wantProblem(t, w.asSEditor.Do("POST", path+"/benefits", negative), 422, "body.planned")
		w.unchanged(before, "refused benefits")
		var b samspil.Benefit
		w.asSEditor.Do("POST", path+"/benefits", benefit).Want(t, 201).JSON(t, &b)
		if b.OrganizationID != w.silkeborg.ID || b.Planned != 25000000 || len(b.Realisations) != 0 {
			t.Fatalf("planned %+v", b)
		}
		realise := map[string]any{"on": today, "value": 100000, "note": "Første kvartal"}
		before = w.fingerprint()
		w.asVAd.Do("POST", "/api/v1/benefits/"+b.ID+"/realisations", realise).Want(t, 403)
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/benefits/"+b.ID+"/realisations", map[string]any{"on": "2999-01-01", "value": 1}), 422, "body.on")
		w.unchanged(before, "refused realisations")
		w.asSEditor.Do("POST", "/api/v1/benefits/"+b.ID+"/realisations", realise).Want(t, 201).JSON(t, &b)
		if len(b.Realisations) != 1 || b.Realised != 10000000 {
			t.Fatalf("realised %+v", b)
		}
		var bl struct {
			Items        []samspil.Benefit
			Summary      []samspil.BenefitSummary
			Participants []struct {
				OrganizationID string                   `json:"organization_id"`
				Summary        []samspil.BenefitSummary `json:"summary"`
			}
		}
		w.asVAd.Do("GET", path+"/benefits", nil).Want(t, 200).JSON(t, &bl)
		if len(bl.Items) != 1 || len(bl.Summary) != 1 || bl.Summary[0].Planned != 25000000 || bl.Summary[0].Realised != 10000000 ||
			len(bl.Participants) != 1 || bl.Participants[0].OrganizationID != w.silkeborg.ID || bl.Participants[0].Summary[0].Realised != 10000000 {
			t.Fatalf("benefits %+v", bl)
		}

		// Lessons, for one's own organisation, searchable.
		lesson := map[string]any{"initiative_id": x.ID, "organization_id": testkit.Silkeborg, "title": "Kan bærer ikke skal",
			"what_did_not": "En frivillig deltagelse kunne ikke bære den forandring, en bindende skulle.", "tags": []string{"Forpligtelse", "organisering"}}
		before = w.fingerprint()
		w.asVAd.Do("POST", "/api/v1/lessons", lesson).Want(t, 403)
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/lessons", map[string]any{"organization_id": testkit.Silkeborg, "title": "X", "what_worked": "Y"}),
			422, "body.initiative_id")
		w.unchanged(before, "refused lessons")
		var l samspil.Lesson
		w.asSEditor.Do("POST", "/api/v1/lessons", lesson).Want(t, 201).JSON(t, &l)
		if l.InitiativeTitle != x.Title || strings.Join(l.Tags, ",") != "forpligtelse,organisering" {
			t.Fatalf("lesson %+v", l)
		}
		w.asSEditor.Do("POST", "/api/v1/lessons", map[string]any{"collaboration_id": w.collab.ID, "organization_id": testkit.Silkeborg,
			"title": "Ledelserne skal være enige om ambitionsniveauet", "what_worked": "Fælles direktørmøder"}).Want(t, 201)
		var lessons samspil.Page[samspil.Lesson]
		for query, want := range map[string]int{"": 2, "?tag=forpligtelse": 1, "?q=frivillig": 1, "?initiative_id=" + x.ID: 1,
			"?collaboration_id=" + w.collab.ID: 2, "?tag=ukendt": 0, "?limit=1": 1} {
			w.asVAd.Do("GET", "/api/v1/lessons"+query, nil).Want(t, 200).JSON(t, &lessons)
			if len(lessons.Items) != want {
				t.Errorf("lessons%s: %d, want %d", query, len(lessons.Items), want)
			}
		}
		w.asVAd.Do("GET", "/api/v1/lessons?limit=1", nil).Want(t, 200).JSON(t, &lessons)
		if lessons.NextCursor == "" {
			t.Fatal("no next page of lessons")
		}
		var next samspil.Page[samspil.Lesson]
		w.asVAd.Do("GET", "/api/v1/lessons?limit=1&cursor="+lessons.NextCursor, nil).Want(t, 200).JSON(t, &next)
		if len(next.Items) != 1 || next.Items[0].ID == lessons.Items[0].ID {
			t.Fatalf("second page of lessons %+v", next.Items)
		}

		// Prioritisation of the partnership's portfolio.
		prio := "/api/v1/collaborations/" + w.collab.ID + "/prioritisation"
		before = w.fingerprint()
		w.asVAd.Do("PUT", prio+"/weights", map[string]any{"benefit": 5, "urgency": 3, "feasibility": 1, "cost": 1}).Want(t, 403)
		wantProblem(t, w.asSAdmin.Do("PUT", prio+"/weights", map[string]any{"benefit": 0, "urgency": 0, "feasibility": 0, "cost": 0}), 422, "body.benefit")
		wantProblem(t, w.asSAdmin.Do("PUT", path+"/priority-score", map[string]any{"benefit": 6, "urgency": 3, "feasibility": 3, "cost": 3}), 422, "body.benefit")
		w.asVAd.Do("PUT", path+"/priority-score", map[string]any{"benefit": 5, "urgency": 3, "feasibility": 3, "cost": 3}).Want(t, 403)
		w.unchanged(before, "refused prioritisation")
		var pr samspil.Prioritisation
		w.asSAdmin.Do("PUT", prio+"/weights", map[string]any{"benefit": 5, "urgency": 3, "feasibility": 1, "cost": 1}).Want(t, 200).JSON(t, &pr)
		if pr.Weights.Benefit != 5 {
			t.Fatalf("weights %+v", pr.Weights)
		}
		w.asSAdmin.Do("PUT", path+"/priority-score", map[string]any{"benefit": 5, "urgency": 4, "feasibility": 3, "cost": 2,
			"note": "Mange henvendelser"}).Want(t, 200).JSON(t, &pr)
		if len(pr.Ranked) != 1 || pr.Ranked[0].InitiativeID != x.ID || pr.Ranked[0].Rank != 1 || len(pr.Ranked[0].Reasons) == 0 {
			t.Fatalf("ranked %+v", pr.Ranked)
		}
		w.asVAd.Do("POST", prio+"/rounds", nil).Want(t, 403)
		w.asSAdmin.Do("POST", prio+"/rounds", nil).Want(t, 201).JSON(t, &pr)
		w.asVAd.Do("GET", prio, nil).Want(t, 200).JSON(t, &pr)
		if pr.LastRoundOn == nil || pr.LastRoundOn.String() != today || len(pr.Ranked) != 1 || pr.Ranked[0].PreviousRank != 1 {
			t.Fatalf("after a round %+v", pr)
		}
	})
}

// etagOf is the ETag of a version.
func etagOf(version int) string { return `"` + strconv.Itoa(version) + `"` }

// TestInitiativesCrossTenant tries every initiative route across
// organisations: Viborg, a member of the partnership, sees Silkeborg's
// private initiative but cannot act for Silkeborg; Aarhus, an outsider,
// gets 404 on the initiative and every part of it, exactly like a missing
// one; nothing changes.
func TestInitiativesCrossTenant(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newInitiativeWorld(t, app)
		ctx, db := w.ctx, app.DB
		x, err := db.ProposeInitiative(ctx, w.sActor, samspil.InitiativeInput{Title: "Lukket initiativ", CollaborationID: w.collab.ID,
			Model: samspil.ModelProcurement, Visibility: samspil.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetParticipation(ctx, w.sActor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Silkeborg, State: samspil.ParticipationBinding}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetParticipation(ctx, w.vActor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Viborg, State: samspil.ParticipationVoluntary}); err != nil {
			t.Fatal(err)
		}
		line, err := db.AddBudgetLine(ctx, w.sActor, x.ID, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Udbud", Amount: 50000000})
		if err != nil {
			t.Fatal(err)
		}
		b, err := db.PlanBenefit(ctx, w.sActor, x.ID, samspil.BenefitInput{OrganizationID: testkit.Silkeborg, Kind: samspil.BenefitHours,
			Title: "Sparede timer", Planned: 100000, OwnerName: "IT-chefen"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordLesson(ctx, w.sActor, samspil.LessonInput{InitiativeID: x.ID, OrganizationID: testkit.Silkeborg, Title: "Udbud er svært",
			WhatDidNot: "Hver kommune er sin egen juridiske enhed"}); err != nil {
			t.Fatal(err)
		}
		path, prio := "/api/v1/initiatives/"+x.ID, "/api/v1/collaborations/"+w.collab.ID+"/prioritisation"
		type attempt struct {
			method, path string
			body         any
		}
		// The outsider's attempts, each for Aarhus itself.
		attempts := []attempt{
			{"GET", path, nil},
			{"PATCH", path, map[string]any{"title": "Overtaget"}},
			{"PUT", path + "/criteria", map[string]any{"answers": []map[string]any{{"criterion": "owner_named", "met": true, "evidence": "x"}}}},
			{"POST", path + "/need-confirmations", map[string]any{"organization_id": testkit.Aarhus, "evidence": "x"}},
			{"POST", path + "/gates", map[string]any{"to": "stopped", "on": w.today.String(), "approved_by": "x", "reason": "x"}},
			{"GET", path + "/participations", nil},
			{"POST", path + "/participations", map[string]any{"organization_id": testkit.Aarhus, "state": "interested"}},
			{"GET", path + "/budget-lines", nil},
			{"POST", path + "/budget-lines", map[string]any{"kind": "operation", "title": "x", "amount": 1}},
			{"PUT", "/api/v1/budget-lines/" + line.ID, map[string]any{"kind": "operation", "title": "x", "amount": 1}},
			{"DELETE", "/api/v1/budget-lines/" + line.ID, nil},
			{"GET", path + "/cost-shares", nil},
			{"GET", path + "/benefits", nil},
			{"POST", path + "/benefits", map[string]any{"organization_id": testkit.Aarhus, "kind": "money", "title": "x", "planned": 1, "owner_name": "x"}},
			{"POST", "/api/v1/benefits/" + b.ID + "/realisations", map[string]any{"on": w.today.String(), "value": 1}},
			{"POST", "/api/v1/lessons", map[string]any{"initiative_id": x.ID, "organization_id": testkit.Aarhus, "title": "x", "what_worked": "x"}},
			{"PUT", path + "/priority-score", map[string]any{"benefit": 1, "urgency": 1, "feasibility": 1, "cost": 1}},
			{"GET", prio, nil},
			{"PUT", prio + "/weights", map[string]any{"benefit": 1, "urgency": 1, "feasibility": 1, "cost": 1}},
			{"POST", prio + "/rounds", nil},
		}
		// Lists answer 200 without what the caller may not see.
		lists := []string{"/api/v1/initiatives?collaboration_id=" + w.collab.ID, "/api/v1/initiatives?q=lukket",
			"/api/v1/lessons?initiative_id=" + x.ID, "/api/v1/lessons?q=udbud"}
		tried := map[string]bool{"POST /api/v1/initiatives": true} // proposing for another organisation: below
		for _, a := range attempts {
			tried[a.method+" "+patternOf(a.path)] = true
		}
		for _, l := range lists {
			tried["GET "+patternOf(l)] = true
		}
		for _, r := range app.Server.Routes() {
			if initiativeRoute(r.Pattern) && !tried[r.Pattern] {
				t.Errorf("route %s is not tried by the cross-tenant test of initiatives", r.Pattern)
			}
		}

		for _, c := range []*testkit.Client{w.asSAdmin, w.asVAd, w.asAAd} {
			c.Do("GET", "/api/v1/users/me", nil).Want(t, 200) // records the tokens' first use
		}
		before := w.fingerprint()
		// Aarhus, an outsider: the private initiative does not exist.
		anon := app.Anonymous(t)
		for _, a := range attempts {
			if a.path == "/api/v1/lessons" {
				// The initiative is named in the body: refused at its
				// field exactly like an initiative that does not exist.
				res := wantProblem(t, w.asAAd.Do(a.method, a.path, a.body), 422, "body.initiative_id")
				body := a.body.(map[string]any)
				body["initiative_id"] = unknownOrgID
				if missing := wantProblem(t, w.asAAd.Do(a.method, a.path, body), 422, "body.initiative_id"); res.Detail != missing.Detail {
					t.Errorf("Aarhus: a private initiative answers %q, a missing one %q", res.Detail, missing.Detail)
				}
				continue
			}
			if res := w.asAAd.Do(a.method, a.path, a.body, "If-Match", etagOf(1)); res.Status != 404 {
				t.Errorf("Aarhus: %s %s = %d, want 404: %s", a.method, a.path, res.Status, res.Body)
			}
			if a.method == "GET" {
				anon.Do(a.method, a.path, nil).Want(t, 404)
			}
		}
		for _, l := range lists {
			var page struct{ Items []any }
			w.asAAd.Do("GET", l, nil).Want(t, 200).JSON(t, &page)
			if len(page.Items) != 0 {
				t.Errorf("Aarhus: %s lists %d items", l, len(page.Items))
			}
		}
		var mine struct {
			Initiatives []samspil.InitiativeInvitation `json:"initiatives"`
		}
		w.asAAd.Do("GET", "/api/v1/users/me/invitations", nil).Want(t, 200).JSON(t, &mine)
		if len(mine.Initiatives) != 0 {
			t.Errorf("Aarhus is shown %+v", mine.Initiatives)
		}

		// Viborg, a member, sees everything but acts only for itself.
		for _, a := range attempts {
			if a.method == "GET" {
				w.asVAd.Do(a.method, a.path, nil).Want(t, 200)
			}
		}
		for _, a := range []attempt{
			{"POST", path + "/participations", map[string]any{"organization_id": testkit.Silkeborg, "state": "withdrawn", "reason": "Viborg vil det"}},
			{"POST", path + "/participations", map[string]any{"organization_id": testkit.Silkeborg, "state": "voluntary"}},
			{"POST", path + "/participations", map[string]any{"organization_id": testkit.Aarhus, "state": "invited"}},
			{"POST", path + "/need-confirmations", map[string]any{"organization_id": testkit.Silkeborg, "evidence": "x"}},
			{"POST", path + "/benefits", map[string]any{"organization_id": testkit.Silkeborg, "kind": "money", "title": "x", "planned": 1, "owner_name": "x"}},
			{"POST", "/api/v1/benefits/" + b.ID + "/realisations", map[string]any{"on": w.today.String(), "value": 1}},
			{"POST", "/api/v1/lessons", map[string]any{"initiative_id": x.ID, "organization_id": testkit.Silkeborg, "title": "x", "what_worked": "x"}},
			{"PATCH", path, map[string]any{"title": "Overtaget"}},
			{"PUT", path + "/criteria", map[string]any{"answers": []map[string]any{}}},
			{"POST", path + "/gates", map[string]any{"to": "stopped", "on": w.today.String(), "decision_id": "x", "reason": "x"}},
			{"POST", path + "/budget-lines", map[string]any{"kind": "operation", "title": "x", "amount": 1}},
			{"PUT", "/api/v1/budget-lines/" + line.ID, map[string]any{"kind": "operation", "title": "x", "amount": 1}},
			{"DELETE", "/api/v1/budget-lines/" + line.ID, nil},
			{"PUT", path + "/priority-score", map[string]any{"benefit": 1, "urgency": 1, "feasibility": 1, "cost": 1}},
			{"PUT", prio + "/weights", map[string]any{"benefit": 1, "urgency": 1, "feasibility": 1, "cost": 1}},
			{"POST", prio + "/rounds", nil},
			{"POST", "/api/v1/initiatives", map[string]any{"title": "x", "model": "procurement", "owner_id": testkit.Silkeborg}},
		} {
			if res := w.asVAd.Do(a.method, a.path, a.body, "If-Match", etagOf(1)); res.Status != 403 {
				t.Errorf("Viborg: %s %s = %d, want 403: %s", a.method, a.path, res.Status, res.Body)
			}
		}
		w.unchanged(before, "cross-tenant attempts")
	})
}
