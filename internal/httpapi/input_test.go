package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/samspil/samspil/internal/testkit"
)

// TestNULIsRefusedNamingTheField sends U+0000 in a query parameter, a path
// parameter and JSON bodies: each is answered 422 naming where it was, on
// both engines alike (PostgreSQL cannot store it; SQLite would), and nothing
// changes.
func TestNULIsRefusedNamingTheField(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		g := newGovernanceWorld(t, app)
		anon := app.Anonymous(t)
		g.asSAdmin.Do("GET", "/api/v1/users/me", nil).Want(t, 200) // a token's first use is recorded
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}

		p := wantProblem(t, anon.Do("GET", "/api/v1/organizations?kind=municipality&q=Silke%00borg", nil), 422, "query.q")
		if p.Code != "invalid" || len(p.Errors) != 1 {
			t.Fatalf("problem %+v", p)
		}
		wantProblem(t, g.asSAdmin.Do("GET", "/api/v1/users?q=%00", nil), 422, "query.q")
		wantProblem(t, g.asSAdmin.Do("GET", "/api/v1/contracts?system_id=x%00", nil), 422, "query.system_id")
		wantProblem(t, anon.Do("GET", "/api/v1/organizations/07%0040/units", nil), 422, "path.id")

		units := "/api/v1/organizations/" + g.silkeborg.ID + "/units"
		wantProblem(t, g.asSAdmin.Do("POST", units, `{"kind":"team","name":"IT\u0000drift"}`), 422, "body.name")
		wantProblem(t, g.asSAdmin.Do("POST", "/api/v1/collaborations", `{"name":"Samarbejde\u0000","kind":"network","start":"2020-01-01",`+
			`"organization_id":"0740"}`), 422, "body.name")
		wantProblem(t, g.asSAdmin.Do("POST", "/api/v1/strategies", `{"title":"Strategi","from":"2020-01-01","owners":[{"organization_id":"0740"}],`+
			`"goals":[{"title":"Et"},{"title":"To","description":"ok"},{"title":"Tre\u0000"}]}`), 422, "body.goals[2].title")
		wantProblem(t, g.asSAdmin.Do("PUT", g.base+"/chair-terms", `[{"organization_id":"0740","from":"2020-01-01"},`+
			`{"organization_id":"07\u000091","from":"2022-01-01"}]`, "If-Match", `"1"`), 422, "body[1].organization_id")
		wantProblem(t, g.asSAdmin.Do("PATCH", "/api/v1/organizations/0740", `{"name":"\u0000"}`, "If-Match", `"1"`,
			"Content-Type", "application/merge-patch+json"), 422, "body.name")
		res := g.asSAdmin.Do("GET", units, nil).Want(t, 200)
		if strings.Contains(string(res.Body), "drift") {
			t.Fatalf("a unit was stored: %s", res.Body)
		}
		if after, _ := app.DB.Fingerprint(ctx); after != before {
			t.Fatal("refused requests changed the database")
		}
		// An escaped backslash before u0000 is text, not U+0000.
		var u struct{ Name string }
		g.asSAdmin.Do("POST", units, `{"kind":"team","name":"IT\\u0000drift"}`).Want(t, 201).JSON(t, &u)
		if u.Name != `IT\u0000drift` {
			t.Fatalf("name %q", u.Name)
		}
	})
}
