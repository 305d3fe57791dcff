package server_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestResponsesCompressed checks the whole server: lists and pages are
// compressed for clients that accept it, pages that show a secret never
// are (BREACH), and answers to posts never are.
func TestResponsesCompressed(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		p := testkit.NewPerson(t, app.DB, "a@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		api := app.Token(t, p.User.ID)
		b := app.Browser(t)
		b.Login("a@silkeborg.example", testkit.Password).Want(t, http.StatusSeeOther)
		b.Do("POST", "/account/meeting-feed", nil).Want(t, http.StatusSeeOther)
		css := regexp.MustCompile(`/static/app\.[0-9a-f]+\.css`).FindString(string(b.Do("GET", "/organizations", nil).Body))
		if css == "" {
			t.Fatal("no style sheet on the page")
		}
		for _, c := range []struct {
			name   string
			client *testkit.Client
			method string
			path   string
			want   string
		}{
			{"organisations API", api, "GET", "/api/v1/organizations?limit=100", "zstd"},
			{"organisations page", b, "GET", "/organizations", "zstd"},
			{"style sheet", b, "GET", css, "zstd"},
			{"account page with the feed address", b, "GET", "/account", ""},
			{"a new token", api, "POST", "/api/v1/tokens", ""},
		} {
			var body any
			if c.method == "POST" {
				body = map[string]any{"name": "ci"}
			}
			res := c.client.Do(c.method, c.path, body, "Accept-Encoding", "gzip, zstd")
			if res.Status >= 300 {
				t.Fatalf("%s: status %d", c.name, res.Status)
			}
			if got := res.Header.Get("Content-Encoding"); got != c.want {
				t.Errorf("%s: Content-Encoding %q, want %q", c.name, got, c.want)
			}
		}
	})
}
