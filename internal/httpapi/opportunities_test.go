package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpapi"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/opportunity"
	"github.com/samspil/samspil/internal/testkit"
)

// Tests of the opportunity routes: /organizations/{id}/opportunities,
// /procurement-windows and /harmonisation, /who-can-help and /groupings.
// TestCrossTenant (api_test.go) tries them across organisations.

// kleStyrelse is a KLE topic: the municipality's governance in general.
const kleStyrelse = "00.01.00"

// oppWorld is the API world with a small landscape: Silkeborg and Viborg
// run Acadre, Aarhus runs SBSYS (both case management, both for the same
// KLE task), each with a contract open to the sector that reaches its
// next decision within a year of the others'; Viborg also has a private
// contract for a system only it runs.
type oppWorld struct {
	*world
	aarhus        *samspil.Organization
	acadre, sbsys *samspil.System
	hidden        *samspil.System // Viborg's own system, with a private contract
	expiry        samspil.Date    // of Silkeborg's and Viborg's Acadre contracts
	ctx           context.Context
}

func newOppWorld(t *testing.T, app *testkit.App) *oppWorld {
	t.Helper()
	w := &oppWorld{world: newWorld(t, app), ctx: context.Background()}
	w.aarhus = testkit.Org(t, app.DB, testkit.Aarhus)
	aAdmin := testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
	today := samspil.Today(app.DB.Now())
	system := func(p testkit.Person, name string) *samspil.System {
		s, err := app.DB.CreateSystem(w.ctx, p.Actor, samspil.SystemInput{Name: name, Category: samspil.CategoryCaseManagement,
			Tasks: []string{kleStyrelse}, Visibility: samspil.VisibilitySector})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	w.acadre, w.sbsys = system(w.sAdmin, "Acadre"), system(aAdmin, "SBSYS")
	w.hidden = system(w.vAdmin, "Viborgs eget")
	run := func(p testkit.Person, org string, s *samspil.System, start samspil.Date, months int, v samspil.Visibility) {
		t.Helper()
		if _, err := app.DB.CreateUsage(w.ctx, p.Actor, samspil.UsageInput{OrganizationID: org, SystemID: s.ID, Lifecycle: samspil.LifecycleOperational,
			Visibility: samspil.VisibilitySector}); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.CreateContract(w.ctx, p.Actor, samspil.ContractInput{OrganizationID: org, Name: s.Name, SystemIDs: []string{s.ID},
			ContractTerms: samspil.ContractTerms{Start: start, DurationMonths: months, NoticeMonths: 6}, Visibility: v}); err != nil {
			t.Fatal(err)
		}
	}
	start := today.AddMonths(-12)
	w.expiry = start.AddMonths(36).AddDays(-1)
	run(w.sAdmin, w.silkeborg.ID, w.acadre, start, 36, samspil.VisibilitySector)
	run(w.vAdmin, w.viborg.ID, w.acadre, start, 36, samspil.VisibilitySector)
	run(aAdmin, w.aarhus.ID, w.sbsys, today.AddMonths(-6), 36, samspil.VisibilitySector)
	run(w.vAdmin, w.viborg.ID, w.hidden, start, 36, samspil.VisibilityPrivate)
	return w
}

// oppTerm and oppSuggestion are the answer of /opportunities.
type oppTerm struct {
	Kind       string        `json:"kind"`
	Points     float64       `json:"points"`
	Evidence   string        `json:"evidence"`
	SystemID   string        `json:"system_id"`
	SystemName string        `json:"system_name"`
	UsedBy     int           `json:"used_by"`
	Of         int           `json:"of"`
	Ours       *samspil.Date `json:"ours"`
	Theirs     *samspil.Date `json:"theirs"`
	ActBy      *samspil.Date `json:"act_by"`
	Count      int           `json:"count"`
	Category   string        `json:"category"`
}

type oppSuggestion struct {
	OrganizationID string    `json:"organization_id"`
	Name           string    `json:"name"`
	Partner        bool      `json:"partner"`
	Score          float64   `json:"score"`
	Terms          []oppTerm `json:"terms"`
}

func TestOpportunitiesAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newOppWorld(t, app)
		base := "/api/v1/organizations/" + testkit.Silkeborg // by municipality code

		// A viewer of Silkeborg gets Viborg first, with the evidence as
		// data and as sentences: Acadre, used by 2 of the 3 organisations
		// that share a landscape, and the Acadre contracts that reach their
		// next decision on the same day.
		var list struct{ Items []oppSuggestion }
		w.asSViewer.Do("GET", base+"/opportunities", nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) == 0 || list.Items[0].OrganizationID != w.viborg.ID || list.Items[0].Name != w.viborg.Name || list.Items[0].Partner {
			t.Fatalf("suggestions: %+v", list.Items)
		}
		viborg := list.Items[0]
		var shared, joint, harmonise bool
		sum := 0.0
		for _, tm := range viborg.Terms {
			sum += tm.Points
			if tm.Evidence == "" {
				t.Errorf("term without evidence: %+v", tm)
			}
			switch tm.Kind {
			case "shared_system":
				shared = tm.SystemID == w.acadre.ID && tm.SystemName == "Acadre" && tm.UsedBy == 2 && tm.Of == 3 && tm.Points > 0 &&
					strings.Contains(tm.Evidence, "Acadre") && strings.Contains(tm.Evidence, "2 of 3")
			case "joint_procurement":
				joint = tm.SystemID == w.acadre.ID && tm.Ours != nil && *tm.Ours == w.expiry && tm.Theirs != nil && *tm.Theirs == w.expiry &&
					tm.ActBy != nil && *tm.ActBy == w.expiry && strings.Contains(tm.Evidence, tm.ActBy.String())
			case "harmonisation":
				harmonise = true
			}
			if tm.SystemID == w.hidden.ID {
				t.Errorf("Viborg's system counts for Silkeborg: %+v", tm)
			}
		}
		if !shared || !joint || harmonise {
			t.Errorf("terms (shared %v, joint %v, harmonisation %v): %+v", shared, joint, harmonise, viborg.Terms)
		}
		if d := viborg.Score - sum; d > 0.01 || d < -0.01 {
			t.Errorf("score %v is not the sum of its terms %v", viborg.Score, sum)
		}
		// Aarhus covers the same task with another system: evidence, no points.
		i := slices.IndexFunc(list.Items, func(s oppSuggestion) bool {
			return s.OrganizationID == w.aarhus.ID
		})
		if i < 0 {
			t.Fatalf("Aarhus is not suggested: %+v", list.Items)
		}
		if !slices.ContainsFunc(list.Items[i].Terms, func(tm oppTerm) bool {
			return tm.Kind == "harmonisation" && tm.Points == 0 && tm.Count == 1 && tm.Category == string(samspil.CategoryCaseManagement)
		}) {
			t.Errorf("Aarhus's terms: %+v", list.Items[i].Terms)
		}

		// Filters: the region (Aarhus and Silkeborg are in 1082, Viborg too),
		// a limit, not partners.
		w.asSViewer.Do("GET", base+"/opportunities?limit=1&not_partners=true&region=1082", nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].OrganizationID != w.viborg.ID {
			t.Errorf("limit 1: %+v", list.Items)
		}
		w.asSViewer.Do("GET", base+"/opportunities?region=1084", nil).Want(t, 200).JSON(t, &list)
		for _, s := range list.Items {
			if s.OrganizationID == w.viborg.ID || s.OrganizationID == w.aarhus.ID {
				t.Errorf("region 1084 holds %s", s.Name)
			}
		}

		// Someone outside the organisation: 404, as for an unknown one.
		outside := w.asVAd.Do("GET", base+"/opportunities", nil)
		wantProblem(t, outside, 404, "")
		unknown := w.asVAd.Do("GET", "/api/v1/organizations/"+unknownOrgID+"/opportunities", nil)
		if withoutRequestID(t, outside) != withoutRequestID(t, unknown) {
			t.Errorf("outside %s, unknown %s", outside.Body, unknown.Body)
		}
		wantProblem(t, w.asSViewer.Do("GET", "/api/v1/organizations/0000/procurement-windows", nil), 404, "")
		app.Anonymous(t).Do("GET", base+"/opportunities", nil).Want(t, 401)

		// Bad filters name the parameter.
		wantProblem(t, w.asSViewer.Do("GET", base+"/opportunities?limit=0", nil), 422, "query.limit")
		wantProblem(t, w.asSViewer.Do("GET", base+"/opportunities?limit=201", nil), 422, "query.limit")
		wantProblem(t, w.asSViewer.Do("GET", base+"/opportunities?min_population=-1", nil), 422, "query.min_population")
		wantProblem(t, w.asSViewer.Do("GET", base+"/opportunities?min_population=50000&max_population=10000", nil), 422, "query.max_population")
	})
}

func TestProcurementWindowsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newOppWorld(t, app)
		base := "/api/v1/organizations/" + w.silkeborg.ID + "/procurement-windows"
		type member struct {
			OrganizationID string       `json:"organization_id"`
			ContractID     string       `json:"contract_id"`
			SystemID       string       `json:"system_id"`
			NextDecision   samspil.Date `json:"next_decision"`
			ActBy          samspil.Date `json:"act_by"`
		}
		type window struct {
			Kind     string       `json:"kind"`
			SystemID string       `json:"system_id"`
			Category string       `json:"category"`
			From     samspil.Date `json:"from"`
			To       samspil.Date `json:"to"`
			ActBy    samspil.Date `json:"act_by"`
			Members  []member     `json:"members"`
			Evidence string       `json:"evidence"`
		}
		var list struct{ Items []window }
		w.asSEditor.Do("GET", base, nil).Want(t, 200).JSON(t, &list)
		members := func(w window) []string {
			var out []string
			for _, m := range w.Members {
				out = append(out, m.OrganizationID)
			}
			return out
		}
		// The Acadre window: Silkeborg first, then Viborg, to act by the
		// day the contracts expire (they have no options to extend); and the
		// case-management window that adds Aarhus, the larger first.
		if len(list.Items) != 2 {
			t.Fatalf("windows: %+v", list.Items)
		}
		cat, sys := list.Items[0], list.Items[1]
		if sys.Kind != "system" || sys.SystemID != w.acadre.ID || sys.Category != string(samspil.CategoryCaseManagement) ||
			!slices.Equal(members(sys), []string{w.silkeborg.ID, w.viborg.ID}) || sys.From != w.expiry || sys.To != w.expiry ||
			sys.ActBy != w.expiry || !strings.Contains(sys.Evidence, "Acadre") || sys.Members[1].ContractID == "" {
			t.Errorf("Acadre window: %+v", sys)
		}
		if cat.Kind != "category" || cat.Category != string(samspil.CategoryCaseManagement) ||
			!slices.Equal(members(cat), []string{w.silkeborg.ID, w.viborg.ID, w.aarhus.ID}) || cat.Members[2].SystemID != w.sbsys.ID {
			t.Errorf("case-management window: %+v", cat)
		}
		// A window of 3 months does not reach Aarhus's SBSYS contract.
		w.asSEditor.Do("GET", base+"?months=3", nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].SystemID != w.acadre.ID {
			t.Errorf("3 months: %+v", list.Items)
		}
		// Windows of zero or negative length, or too long, name months.
		for _, m := range []string{"0", "-1", "61", "x"} {
			wantProblem(t, w.asSEditor.Do("GET", base+"?months="+m, nil), 422, "query.months")
		}
		wantProblem(t, w.asSEditor.Do("GET", base+"?limit=0", nil), 422, "query.limit")
		wantProblem(t, w.asVAd.Do("GET", base, nil), 404, "")
	})
}

func TestHarmonisationAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newOppWorld(t, app)
		base := "/api/v1/organizations/" + w.silkeborg.ID + "/harmonisation"
		type orgSystems struct {
			OrganizationID string `json:"organization_id"`
			Systems        []struct {
				ID       string `json:"id"`
				Name     string `json:"name"`
				Category string `json:"category"`
			} `json:"systems"`
		}
		type result struct {
			Partners []struct {
				OrganizationID string `json:"organization_id"`
				Different      int    `json:"different"`
				Shared         int    `json:"shared"`
				Evidence       string `json:"evidence"`
			} `json:"partners"`
			Tasks []struct {
				Task       string       `json:"task"`
				OurSystems []orgSystems `json:"our_systems"`
				Different  []orgSystems `json:"different"`
				Shared     []orgSystems `json:"shared"`
			} `json:"tasks"`
		}
		check := func(path string) {
			t.Helper()
			var h result
			w.asSViewer.Do("GET", path, nil).Want(t, 200).JSON(t, &h)
			if len(h.Tasks) != 1 || h.Tasks[0].Task != kleStyrelse || len(h.Tasks[0].Shared) != 1 || h.Tasks[0].Shared[0].OrganizationID != w.viborg.ID ||
				len(h.Tasks[0].Different) != 1 || h.Tasks[0].Different[0].OrganizationID != w.aarhus.ID ||
				len(h.Tasks[0].Different[0].Systems) != 1 || h.Tasks[0].Different[0].Systems[0].ID != w.sbsys.ID {
				t.Fatalf("%s: %s", path, mustJSON(t, h))
			}
			if len(h.Partners) != 2 || h.Partners[0].Evidence == "" {
				t.Errorf("%s: partners %+v", path, h.Partners)
			}
		}
		// Comma-separated or repeated.
		check(base + "?with=" + w.viborg.ID + "," + w.aarhus.ID)
		check(base + "?with=" + w.viborg.ID + "&with=" + w.aarhus.ID)
		// Without with: Silkeborg's partners, of which it has none.
		var h result
		w.asSViewer.Do("GET", base, nil).Want(t, 200).JSON(t, &h)
		if len(h.Partners) != 0 || len(h.Tasks) != 0 || h.Tasks == nil {
			t.Errorf("without partners: %s", mustJSON(t, h))
		}
		wantProblem(t, w.asSViewer.Do("GET", base+"?with="+unknownOrgID, nil), 422, "query.with")
		many := strings.Repeat(w.viborg.ID+",", 101)
		wantProblem(t, w.asSViewer.Do("GET", base+"?with="+many, nil), 422, "query.with")
		wantProblem(t, w.asVAd.Do("GET", base, nil), 404, "")
	})
}

func TestWhoCanHelpAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newOppWorld(t, app)
		var h samspil.WhoCanHelp
		w.asSViewer.Do("GET", "/api/v1/who-can-help?system_id="+w.acadre.ID, nil).Want(t, 200).JSON(t, &h)
		var orgs []string
		for _, e := range h.Longest {
			orgs = append(orgs, e.OrganizationID)
		}
		slices.Sort(orgs)
		want := []string{w.silkeborg.ID, w.viborg.ID}
		slices.Sort(want)
		if h.SystemName != "Acadre" || !slices.Equal(orgs, want) || h.Sharing == nil || h.Lessons == nil {
			t.Errorf("Acadre: %+v", h)
		}
		w.asSViewer.Do("GET", "/api/v1/who-can-help?task="+kleStyrelse+"&limit=2", nil).Want(t, 200).JSON(t, &h)
		if h.Task != kleStyrelse || h.TaskTitle == "" || len(h.Longest) != 2 {
			t.Errorf("task: %+v", h)
		}
		// Exactly one of system_id and task.
		for _, q := range []string{"", "?system_id=" + w.acadre.ID + "&task=" + kleStyrelse} {
			res := w.asSViewer.Do("GET", "/api/v1/who-can-help"+q, nil)
			wantProblem(t, res, 422, "query.system_id")
			wantProblem(t, res, 422, "query.task")
		}
		wantProblem(t, w.asSViewer.Do("GET", "/api/v1/who-can-help?task=27.3", nil), 422, "query.task")
		wantProblem(t, w.asSViewer.Do("GET", "/api/v1/who-can-help?task=99.99.99", nil), 422, "query.task")
		wantProblem(t, w.asSViewer.Do("GET", "/api/v1/who-can-help?system_id="+w.acadre.ID+"&limit=101", nil), 422, "query.limit")
		wantProblem(t, w.asSViewer.Do("GET", "/api/v1/who-can-help?system_id="+unknownOrgID, nil), 404, "")
		app.Anonymous(t).Do("GET", "/api/v1/who-can-help?system_id="+w.acadre.ID, nil).Want(t, 401)
	})
}

func TestGroupingsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newOppWorld(t, app)
		private, err := app.DB.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "Lukket",
			Visibility: samspil.VisibilityPrivate, Country: "SE"})
		if err != nil {
			t.Fatal(err)
		}
		three := []string{w.silkeborg.ID, w.viborg.ID, w.aarhus.ID}
		type group struct {
			Number  int `json:"number"`
			Members []struct {
				OrganizationID string `json:"organization_id"`
			} `json:"members"`
			Score   float64 `json:"score"`
			Systems []struct {
				SystemID string `json:"system_id"`
				Members  int    `json:"members"`
			} `json:"systems"`
			Windows []struct {
				SystemID string       `json:"system_id"`
				Members  int          `json:"members"`
				ActBy    samspil.Date `json:"act_by"`
			} `json:"windows"`
			Evidence []string `json:"evidence"`
		}
		type result struct {
			Groups     []group `json:"groups"`
			Score      float64 `json:"score"`
			Comparison *struct {
				Groups     []group  `json:"groups"`
				Score      float64  `json:"score"`
				Difference float64  `json:"difference"`
				Broken     []string `json:"broken"`
			} `json:"comparison"`
		}
		ids := func(g group) []string {
			var out []string
			for _, m := range g.Members {
				out = append(out, m.OrganizationID)
			}
			slices.Sort(out)
			return out
		}
		w.asSViewer.Do("GET", "/api/v1/users/me", nil).Want(t, 200) // records the token's first use
		before := fingerprint(t, app)

		// Three organisations in two groups: Silkeborg and Viborg share
		// Acadre and its contract window; Aarhus is alone. Compared with a
		// grouping that splits them, the proposal scores higher.
		var g result
		w.asSViewer.Do("POST", "/api/v1/groupings", map[string]any{"organization_id": testkit.Silkeborg, "organizations": three, "groups": 2,
			"compare": [][]string{{w.silkeborg.ID, w.aarhus.ID}, {w.viborg.ID}}}).Want(t, 200).JSON(t, &g)
		pair := []string{w.silkeborg.ID, w.viborg.ID}
		slices.Sort(pair)
		if len(g.Groups) != 2 || g.Score <= 0 {
			t.Fatalf("grouping: %s", mustJSON(t, g))
		}
		together := slices.IndexFunc(g.Groups, func(x group) bool { return slices.Equal(ids(x), pair) })
		if together < 0 || len(g.Groups[1-together].Members) != 1 {
			t.Fatalf("Silkeborg and Viborg are not together: %s", mustJSON(t, g))
		}
		grp := g.Groups[together]
		if grp.Score != g.Score || len(grp.Systems) != 1 || grp.Systems[0].SystemID != w.acadre.ID || grp.Systems[0].Members != 2 ||
			len(grp.Windows) != 1 || grp.Windows[0].SystemID != w.acadre.ID || grp.Windows[0].ActBy != w.expiry ||
			!slices.ContainsFunc(grp.Evidence, func(s string) bool { return strings.Contains(s, "Acadre") }) {
			t.Errorf("the group's reasons: %s", mustJSON(t, grp))
		}
		if c := g.Comparison; c == nil || len(c.Groups) != 2 || c.Score != 0 || c.Difference != g.Score || len(c.Broken) != 0 {
			t.Errorf("comparison: %s", mustJSON(t, g.Comparison))
		}
		// A comparison that breaks a constraint says so.
		w.asSViewer.Do("POST", "/api/v1/groupings", map[string]any{"organization_id": w.silkeborg.ID, "organizations": three, "groups": 2,
			"max_members": 2, "compare": [][]string{three}}).Want(t, 200).JSON(t, &g)
		if c := g.Comparison; c == nil || len(c.Broken) != 2 {
			t.Errorf("broken constraints: %s", mustJSON(t, g.Comparison))
		}

		// A selection: the 19 municipalities of Midtjylland in 5 groups.
		w.asSViewer.Do("POST", "/api/v1/groupings", map[string]any{"organization_id": w.silkeborg.ID, "groups": 5,
			"selection": map[string]any{"kind": "municipality", "country": "dk", "region": "1082"}}).Want(t, 200).JSON(t, &g)
		n := 0
		for _, x := range g.Groups {
			n += len(x.Members)
		}
		if len(g.Groups) != 5 || n != 19 {
			t.Errorf("Midtjylland: %d groups with %d members", len(g.Groups), n)
		}

		// Bad input names the field or constraint; nothing changes.
		post := func(body map[string]any) *testkit.Response {
			t.Helper()
			if _, ok := body["organization_id"]; !ok {
				body["organization_id"] = w.silkeborg.ID
			}
			return w.asSViewer.Do("POST", "/api/v1/groupings", body)
		}
		for _, tc := range []struct {
			name     string
			body     map[string]any
			location string
		}{
			{"more groups than organisations", map[string]any{"organizations": three, "groups": 4}, "body.groups"},
			{"no groups", map[string]any{"organizations": three, "groups": 0}, "body.groups"},
			{"groups too small", map[string]any{"organizations": three, "groups": 2, "max_members": 1}, "body.max_members"},
			{"groups too large", map[string]any{"organizations": three, "groups": 2, "min_members": 2}, "body.min_members"},
			{"bounds crossed", map[string]any{"organizations": three, "groups": 1, "min_members": 3, "max_members": 2}, "body.min_members"},
			{"population out of reach", map[string]any{"organizations": three, "groups": 2, "min_population": 100000000}, "body.min_population"},
			{"negative bound", map[string]any{"organizations": three, "groups": 2, "min_population": -1}, "body.min_population"},
			{"one organisation", map[string]any{"organizations": three[:1], "groups": 1}, "body.organizations"},
			{"twice", map[string]any{"organizations": []string{w.viborg.ID, w.viborg.ID}, "groups": 1}, "body.organizations"},
			{"unknown organisation", map[string]any{"organizations": []string{w.viborg.ID, unknownOrgID}, "groups": 1}, "body.organizations"},
			{"invisible organisation", map[string]any{"organizations": []string{w.viborg.ID, private.ID}, "groups": 1}, "body.organizations"},
			{"too many organisations", map[string]any{"organizations": slices.Repeat([]string{w.viborg.ID}, 1001), "groups": 1}, "body.organizations"},
			{"neither organisations nor selection", map[string]any{"groups": 2}, "body.organizations"},
			{"both", map[string]any{"organizations": three, "selection": map[string]any{"country": "DK"}, "groups": 2}, "body.selection"},
			{"unknown country", map[string]any{"selection": map[string]any{"country": "XX"}, "groups": 2}, "body.selection.country"},
			{"bad kind", map[string]any{"selection": map[string]any{"kind": "village"}, "groups": 2}, "body.selection.kind"},
			{"empty selection", map[string]any{"selection": map[string]any{"region": "9999"}, "groups": 2}, "body.selection"},
			{"fixed outside", map[string]any{"organizations": three, "groups": 2, "fixed": map[string]int{unknownOrgID: 1}}, "body.fixed"},
			{"fixed to no group", map[string]any{"organizations": three, "groups": 2, "fixed": map[string]int{w.viborg.ID: 3}}, "body.fixed"},
			{"comparison misses one", map[string]any{"organizations": three, "groups": 2, "compare": [][]string{three[:2]}}, "body.compare"},
			{"unknown field", map[string]any{"organizations": three, "groups": 2, "colour": "red"}, "body.colour"},
		} {
			t.Run(tc.name, func(t *testing.T) { wantProblem(t, post(tc.body), 422, tc.location) })
		}
		// The organisation whose view applies: unknown, or not the caller's.
		wantProblem(t, post(map[string]any{"organization_id": unknownOrgID, "organizations": three, "groups": 2}), 404, "")
		wantProblem(t, post(map[string]any{"organization_id": w.viborg.ID, "organizations": three, "groups": 2}), 404, "")
		app.Anonymous(t).Do("POST", "/api/v1/groupings", map[string]any{"organization_id": w.silkeborg.ID, "organizations": three, "groups": 2}).Want(t, 401)
		// A hostile body is refused before it is read whole.
		huge := `{"organization_id":"` + w.silkeborg.ID + `","groups":2,"organizations":["` + strings.Repeat("x", 300<<10) + `"]}`
		if res := w.asSViewer.Do("POST", "/api/v1/groupings", huge); res.Status != 413 {
			t.Errorf("huge body: %d %s", res.Status, res.Body)
		}
		if after := fingerprint(t, app); after != before {
			t.Error("groupings changed the database")
		}
	})
}

// TestOpportunitiesUnavailable: without an opportunity engine the
// engine's routes answer 503 with a problem document.
func TestOpportunitiesUnavailable(t *testing.T) {
	app := testkit.NewApp(t, testkit.Engines(t)[0])
	w := newWorld(t, app)
	rt := httpx.NewRouter()
	api := httpapi.New(rt, app.DB)
	if api.Opportunities != nil {
		t.Fatal("a new API has an engine")
	}
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/api/v1/organizations/" + w.silkeborg.ID + "/opportunities", ""},
		{"GET", "/api/v1/organizations/" + w.silkeborg.ID + "/procurement-windows", ""},
		{"GET", "/api/v1/organizations/" + w.silkeborg.ID + "/harmonisation", ""},
		{"POST", "/api/v1/groupings", `{"organization_id": "` + w.silkeborg.ID + `", "organizations": [], "groups": 1}`},
	} {
		req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(httpx.WithActor(req.Context(), w.sViewer.Actor))
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, req)
		var p struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != http.StatusServiceUnavailable || p.Status != 503 ||
			p.Code != samspil.EBUSY || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s %s: %d %s", r.method, r.path, rec.Code, rec.Body)
		}
	}
	// The grouping's bounds are the engine's.
	if opportunity.MaxGroupingOrganizations != 1000 || opportunity.MaxHarmonisationWith != 100 || opportunity.MaxWindowMonths != 60 {
		t.Error("the engine's bounds changed: change the maxItems, maximum and doc tags of opportunities.go with them")
	}
}

// fingerprint is the database's state.
func fingerprint(t *testing.T, app *testkit.App) string {
	t.Helper()
	f, err := app.DB.Fingerprint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
