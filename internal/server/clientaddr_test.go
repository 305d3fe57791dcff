package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/testkit"
)

// Behind the HTTPS proxy (--behind-tls) sign-in is throttled per client as
// the proxy reports it, in the last X-Forwarded-For entry; what a client
// puts before that entry does not make it someone else.
func TestLoginThrottledPerClientBehindProxy(t *testing.T) {
	testkit.ForEachAppWith(t, server.Config{Version: "test", SecureCookies: true, TLS: true}, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, "a@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		login := func(forwardedFor, email, password string) *testkit.Response {
			t.Helper()
			return app.Browser(t).Do("POST", "/login", url.Values{"email": {email}, "password": {password}}, "X-Forwarded-For", forwardedFor)
		}
		for i := range app.DB.Policy().SourceLockAfter {
			login(fmt.Sprintf("10.%d.0.1, 203.0.113.7", i), fmt.Sprintf("guess%d@silkeborg.example", i), "wrong password, guessed").
				Want(t, http.StatusUnauthorized)
		}
		res := login("198.51.100.99, 203.0.113.7", "a@silkeborg.example", testkit.Password).Want(t, http.StatusTooManyRequests)
		if res.Header.Get("Retry-After") == "" {
			t.Error("paused sign-in without Retry-After")
		}
		// Another client behind the same proxy signs in; so does the proxy's
		// own address, which every client shares as the peer.
		login("198.51.100.4", "a@silkeborg.example", testkit.Password).Want(t, http.StatusSeeOther)
		app.Browser(t).Login("a@silkeborg.example", testkit.Password).Want(t, http.StatusSeeOther)
	})
}
