package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestSearchAPI: the search answers only with what the caller may see (a
// private contract is found by its organisation, not by another), finds a
// municipality by kommunekode, and refuses bad parameters naming them. It
// stands in for the search route in the cross-tenant test.
func TestSearchAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newWorld(t, app)
		_, err := app.DB.CreateContract(context.Background(), w.sAdmin.Actor, samspil.ContractInput{OrganizationID: w.silkeborg.ID,
			Name: "Økonomisystem hemmelig aftale", Visibility: samspil.VisibilityPrivate, ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1)}})
		if err != nil {
			t.Fatal(err)
		}
		find := func(c *testkit.Client, q string) samspil.SearchResult {
			t.Helper()
			var res samspil.SearchResult
			c.Do("GET", "/api/v1/search?"+q, nil).Want(t, 200).JSON(t, &res)
			return res
		}
		hits := func(res samspil.SearchResult, kind samspil.SearchKind) []string {
			var out []string
			for _, g := range res.Groups {
				if g.Kind == kind {
					for _, h := range g.Hits {
						out = append(out, h.Name)
					}
				}
			}
			return out
		}
		if got := hits(find(w.asSViewer, "q=%C3%98KONOMISYSTEM"), samspil.SearchContracts); len(got) != 1 {
			t.Fatalf("Silkeborg's viewer finds contracts %v", got)
		}
		if got := hits(find(w.asVAd, "q=%C3%B8konomisystem"), samspil.SearchContracts); len(got) != 0 {
			t.Fatalf("Viborg finds Silkeborg's private contract: %v", got)
		}
		if got := hits(find(app.Anonymous(t), "q=%C3%B8konomisystem"), samspil.SearchContracts); len(got) != 0 {
			t.Fatalf("anonymous finds %v", got)
		}
		res := find(app.Anonymous(t), "q=0740&kind=organizations&kind=systems")
		if got := hits(res, samspil.SearchOrganizations); len(got) != 1 || got[0] != "Silkeborg Kommune" || len(res.Groups) != 1 {
			t.Fatalf("0740 finds %+v", res)
		}
		for _, bad := range []string{"q=ab&kind=people", "q=ab&limit=51", "q=" + strings.Repeat("a", 101)} {
			res := app.Anonymous(t).Do("GET", "/api/v1/search?"+bad, nil).Want(t, 422)
			if !strings.Contains(string(res.Body), `"location"`) {
				t.Errorf("%s: the problem names no field: %s", bad, res.Body)
			}
		}
	})
}
