package httpapi_test

import (
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestHealthAPI checks what travels over HTTP of a collaboration's health:
// the panel on a day from the history up to it, who sees it, and the
// thresholds its managers set. The indicators themselves are tested in
// the domain (health_test.go) and on the demo's story (sqldb).
func TestHealthAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		g := newGovernanceWorld(t, app)
		health := g.base + "/health"
		declare := func(c *testkit.Client, org string, level int) {
			c.Do("POST", g.base+"/ambitions", map[string]any{"organization_id": org, "declared_on": "2016-01-01",
				"levels": []map[string]any{{"area": "shared_systems", "level": level, "explanation": "Vores ambition"}}}).Want(t, 201)
		}
		declare(g.asSAdmin, "0740", 4)
		declare(g.asVAd, "0791", 1)

		var h samspil.Health
		g.asVView.Do("GET", health+"?at=2016-12-31", nil).Want(t, 200).JSON(t, &h)
		if h.At.String() != "2016-12-31" || len(h.Series) != len(samspil.HealthIndicators) || len(h.Members) != 3 {
			t.Fatalf("health: at %v, %d series, %d members", h.At, len(h.Series), len(h.Members))
		}
		// From January 2014 to December 2016: 36 month ends.
		if s := h.SeriesOf(samspil.IndicatorAmbitions); len(s.Points) != 36 || s.Last().Value != 3 || !s.Last().Warn {
			t.Fatalf("ambitions %+v", s.Last())
		}
		var w *samspil.HealthWarning
		for i := range h.Warnings {
			if h.Warnings[i].Key == "ambitions:shared_systems" {
				w = &h.Warnings[i]
			}
		}
		if w == nil || w.Num != 3 || w.Since.String() != "2016-01-31" || w.Evidence != "/collaborations/"+g.collab.ID+"/ambitions" {
			t.Fatalf("warnings %+v", h.Warnings)
		}
		// Replay: before the declarations nothing was wrong.
		g.asVView.Do("GET", health+"?at=2015-12-31", nil).Want(t, 200).JSON(t, &h)
		if len(h.Warnings) != 0 {
			t.Fatalf("warnings at the end of 2015: %+v", h.Warnings)
		}

		// Bad days name the query parameter.
		wantProblem(t, g.asVView.Do("GET", health+"?at=2016-13-01", nil), 422, "query.at")
		wantProblem(t, g.asVView.Do("GET", health+"?at=2999-01-01", nil), 422, "query.at")

		// The report, as PDF by default and as the printable page on request.
		res := g.asVView.Do("GET", health+"/report?from=2016-01-01&to=2016-12-31", nil, "Accept", "application/pdf").Want(t, 200)
		if res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(res.Body), "%PDF-") {
			t.Fatalf("report: %v %.10q", res.Header, res.Body)
		}
		res = g.asVView.Do("GET", health+"/report?to=2016-12-31", nil, "Accept", "text/html", "Accept-Language", "en").Want(t, 200)
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(res.Body), "Health report: Silkeborg–Viborg") ||
			!strings.Contains(string(res.Body), "The period 1 January 2016 to 31 December 2016") {
			t.Fatalf("report page: %v\n%.3000s", res.Header, res.Body)
		}
		wantProblem(t, g.asVView.Do("GET", health+"/report?from=2017-01-01&to=2016-12-31", nil), 422, "query.from")
		wantProblem(t, g.asVView.Do("GET", health+"/report?to=31-12-2016", nil), 422, "query.to")

		// The members side by side.
		var diff samspil.OrgComparison
		g.asVView.Do("GET", g.base+"/differences", nil).Want(t, 200).JSON(t, &diff)
		if len(diff.Members) != 3 || diff.Members[0].Structure != samspil.StructureUnknown || len(diff.Warnings) != 0 {
			t.Fatalf("differences %+v", diff)
		}

		// Only the members' people see it; to others it does not exist.
		outsider := testkit.NewPerson(t, app.DB, "admin@odense.example", "0461", samspil.RoleAdmin)
		asOut := app.Token(t, outsider.User.ID)
		asOut.Do("GET", health, nil).Want(t, 404)
		app.Anonymous(t).Do("GET", health, nil).Want(t, 404)
		asOut.Do("GET", health+"/settings", nil).Want(t, 404)
		asOut.Do("GET", health+"/report", nil).Want(t, 404)
		asOut.Do("GET", g.base+"/differences", nil).Want(t, 404)

		// Silkeborg's portfolio: this collaboration, with Silkeborg as a
		// partner; to the outsider, nothing.
		var list []samspil.HealthSummary
		g.asSAdmin.Do("GET", "/api/v1/organizations/0740/collaboration-health?at=2016-12-31", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0].CollaborationID != g.collab.ID || list[0].Member.OrganizationID != g.silkeborg.ID ||
			list[0].Score.Den != 1 || list[0].Score.Num != 0 || len(list[0].Scores) != 24 {
			t.Fatalf("portfolio %+v", list)
		}
		asOut.Do("GET", "/api/v1/organizations/0740/collaboration-health", nil).Want(t, 200).JSON(t, &list)
		if len(list) != 0 {
			t.Fatalf("the outsider's view of Silkeborg's portfolio: %+v", list)
		}
		wantProblem(t, g.asSAdmin.Do("GET", "/api/v1/organizations/0740/collaboration-health?at=2999-01-01", nil), 422, "query.at")

		// The thresholds: version 1 is the defaults.
		var s samspil.HealthSettings
		res = g.asSAdmin.Do("GET", health+"/settings", nil).Want(t, 200)
		res.JSON(t, &s)
		if res.Header.Get("ETag") != `"1"` || s.Thresholds != samspil.DefaultHealthThresholds() || s.Shared {
			t.Fatalf("settings %+v %v", s, res.Header)
		}
		changed := s
		changed.Thresholds.AmbitionSpread = 4
		changed.Shared = true
		// A member that does not manage it may not change them; bad values
		// and stale versions are refused and change nothing.
		g.asVAd.Do("PUT", health+"/settings", changed, "If-Match", `"1"`).Want(t, 403)
		bad := changed
		bad.Thresholds.Attendance = 120
		wantProblem(t, g.asSAdmin.Do("PUT", health+"/settings", bad, "If-Match", `"1"`), 422, "body.thresholds.attendance")
		g.asSAdmin.Do("PUT", health+"/settings", changed, "If-Match", `"7"`).Want(t, 412)
		g.asSAdmin.Do("PUT", health+"/settings", changed).Want(t, 428)
		g.asSAdmin.Do("GET", health+"/settings", nil).Want(t, 200).JSON(t, &s)
		if s.Version != 1 || s.Shared {
			t.Fatalf("settings changed by refused requests: %+v", s)
		}
		res = g.asSAdmin.Do("PUT", health+"/settings", changed, "If-Match", `"1"`).Want(t, 200)
		if res.Header.Get("ETag") != `"2"` {
			t.Fatalf("ETag %v", res.Header)
		}
		// Shared, the health is seen by whoever sees the collaboration: not an
		// outsider while it is private, but once it is open to the sector.
		asOut.Do("GET", health, nil).Want(t, 404)
		var c samspil.Collaboration
		res = g.asSAdmin.Do("GET", g.base, nil).Want(t, 200)
		res.JSON(t, &c)
		g.asSAdmin.Do("PATCH", g.base, map[string]any{"visibility": "sector"}, "If-Match", res.Header.Get("ETag")).Want(t, 200)
		// At 4 levels the spread of 3 is no warning.
		asOut.Do("GET", health+"?at=2016-12-31", nil).Want(t, 200).JSON(t, &h)
		if len(h.Warnings) != 0 || h.Thresholds.AmbitionSpread != 4 {
			t.Fatalf("after the change: %+v", h.Warnings)
		}
		app.Anonymous(t).Do("GET", health, nil).Want(t, 404)
	})
}
