package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

func TestSmoke(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		p := testkit.NewPerson(t, app.DB, "a@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		api := app.Token(t, p.User.ID)
		api.Do("GET", "/api/v1/users/me", nil).Want(t, http.StatusOK)
		b := app.Browser(t)
		res := b.Login("a@silkeborg.example", testkit.Password).Want(t, http.StatusSeeOther)
		if res.Header.Get("Set-Cookie") == "" {
			t.Fatal("no cookie")
		}
		page := b.Do("GET", "/account", nil).Want(t, http.StatusOK)
		if !strings.Contains(string(page.Body), "a@silkeborg.example") {
			t.Fatalf("account page: %s", page.Body)
		}
	})
}
