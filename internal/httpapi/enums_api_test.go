package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestEnumValuesAPI sends values outside an enumeration's Go list in a
// body and in a query: each is refused with 422 at its field, the message
// listing exactly the list, and nothing changes. A field that allows ""
// takes it, and the founding member may still not be an observer.
func TestEnumValuesAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newWorld(t, app)
		oneOf := func(values ...string) string {
			return fmt.Sprintf(`expected value to be one of "%s"`, strings.Join(values, ", "))
		}
		message := func(p problemDoc, location string) string {
			for _, e := range p.Errors {
				if e.Location == location {
					return e.Message
				}
			}
			return ""
		}
		collab := func(fields ...string) map[string]any {
			m := map[string]any{"name": "Fællesskab", "kind": "network", "start": "2020-01-01", "organization_id": testkit.Silkeborg}
			for i := 0; i+1 < len(fields); i += 2 {
				m[fields[i]] = fields[i+1]
			}
			return m
		}
		count := func() int {
			var page samspil.Page[samspil.Collaboration]
			w.asSAdmin.Do("GET", "/api/v1/collaborations", nil).Want(t, 200).JSON(t, &page)
			return len(page.Items)
		}

		p := wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/collaborations", collab("kind", "bogus")), 422, "body.kind")
		if got, want := message(p, "body.kind"), oneOf(strs(samspil.CollaborationKinds)...); got != want {
			t.Errorf("kind: %q, want %q", got, want)
		}
		p = wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/collaborations", collab("visibility", "everyone")), 422, "body.visibility")
		if got, want := message(p, "body.visibility"), oneOf(append(strs(samspil.Visibilities), "")...); got != want {
			t.Errorf("visibility: %q, want %q", got, want)
		}
		// The founding organisation may be of every role and commitment but observer.
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/collaborations", collab("commitment", "observer")), 422, "body.commitment")
		wantProblem(t, w.asSAdmin.Do("POST", "/api/v1/collaborations", collab("role", "observer")), 422, "body.role")
		if n := count(); n != 0 {
			t.Fatalf("refused requests founded %d collaborations", n)
		}
		// "" is the default where the field allows it.
		var c samspil.Collaboration
		w.asSAdmin.Do("POST", "/api/v1/collaborations", collab("legal_form", "", "visibility", "", "role", "", "commitment", "")).Want(t, 201).JSON(t, &c)
		if c.LegalForm != samspil.LegalAgreement || c.Visibility != samspil.VisibilitySector || len(c.Members) != 1 ||
			c.Members[0].Role != samspil.MemberRoleSecretariat || c.Members[0].Commitment != samspil.CommitmentBinding {
			t.Errorf("defaults: %+v", c)
		}

		// A query parameter.
		p = wantProblem(t, app.Anonymous(t).Do("GET", "/api/v1/organizations?kind=county", nil), 422, "query.kind")
		if got, want := message(p, "query.kind"), oneOf(strs(samspil.OrgKinds)...); got != want {
			t.Errorf("query kind: %q, want %q", got, want)
		}
	})
}

// strs returns an enumeration's values as strings.
func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
