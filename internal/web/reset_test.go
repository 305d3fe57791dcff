package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/mail/mailtest"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/testkit"
)

var reResetLink = regexp.MustCompile(`https?://\S+/password-reset/(\S+)`)

// TestPasswordResetByMail: a forgotten password is reset through a link
// sent by e-mail; asking answers alike for every address; the link works
// once. Invitations of people are mailed too.
func TestPasswordResetByMail(t *testing.T) {
	smtpd := mailtest.Start(t)
	cfg := smtpd.Config()
	sent := 0
	testkit.ForEachAppWith(t, server.Config{Version: "test", SecureCookies: true, Mail: &cfg, PublicURL: "https://samspil.example"},
		func(t *testing.T, app *testkit.App) {
			testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
			anon := newBrowser(t, app)
			page := anon.Do("GET", "/login", nil).Want(t, http.StatusOK)
			mustContain(t, page, `<a href="/password-reset">Glemt adgangskode?</a>`)
			page = anon.Do("GET", "/password-reset", nil).Want(t, http.StatusOK)
			mustContain(t, page, `action="/password-reset"`)

			// An unknown address and a known one get the same page.
			unknown := anon.Do("POST", "/password-reset", url.Values{"email": {"ingen@silkeborg.example"}}).Want(t, http.StatusOK)
			known := anon.Do("POST", "/password-reset", url.Values{"email": {adminEmail}}).Want(t, http.StatusOK)
			if strings.ReplaceAll(body(unknown), "ingen@silkeborg.example", "X") != strings.ReplaceAll(body(known), adminEmail, "X") {
				t.Fatal("the answers tell a known address from an unknown one")
			}
			sent++
			msgs := smtpd.Wait(t, sent, 5*time.Second)
			m := msgs[len(msgs)-1]
			if m.To[0] != adminEmail || m.Subject != "Skift din adgangskode til samspil" {
				t.Fatalf("mail %v %q", m.To, m.Subject)
			}
			link := reResetLink.FindStringSubmatch(m.Text)
			if link == nil || !strings.Contains(m.Text, "https://samspil.example/password-reset/") {
				t.Fatalf("no link in:\n%s", m.Text)
			}
			path := "/password-reset/" + link[1]
			page = anon.Do("GET", path, nil).Want(t, http.StatusOK)
			res := anon.Do("POST", path, url.Values{"password": {"kort"}}).Want(t, http.StatusUnprocessableEntity)
			mustContain(t, res, `id="e-password"`)
			u := wantRedirect(t, anon.Do("POST", path, url.Values{"password": {newPassword}}), "/login")
			if u.Query().Get("done") != "password_reset" {
				t.Fatalf("reset: %v", u)
			}
			wantRedirect(t, newBrowser(t, app).Login(adminEmail, newPassword), "/")
			newBrowser(t, app).Login(adminEmail, testkit.Password).Want(t, http.StatusUnauthorized)
			// The link works once.
			anon.Do("POST", path, url.Values{"password": {"endnu et nyt og langt kodeord"}}).Want(t, http.StatusNotFound)

			// An invitation of a person is mailed, and the page says so.
			b := newBrowser(t, app)
			wantRedirect(t, b.Login(adminEmail, newPassword), "/")
			res = b.Do("POST", "/organizations/"+testkit.Silkeborg+"/invitations", url.Values{"email": {"ny@silkeborg.example"}, "role": {"viewer"}}).
				Want(t, http.StatusCreated)
			mustContain(t, res, "Vi har sendt invitationen til ny@silkeborg.example.")
			sent++
			msgs = smtpd.Wait(t, sent, 5*time.Second)
			m = msgs[len(msgs)-1]
			if m.To[0] != "ny@silkeborg.example" || m.Subject != "Invitation til Silkeborg Kommune i samspil" ||
				!strings.Contains(m.Text, "https://samspil.example/join/") {
				t.Fatalf("invitation mail %v %q:\n%s", m.To, m.Subject, m.Text)
			}
		})
}

// TestPasswordResetWithoutMail: without mail the page says so and makes no
// link.
func TestPasswordResetWithoutMail(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		anon := newBrowser(t, app)
		mustContain(t, anon.Do("GET", "/password-reset", nil).Want(t, http.StatusOK), "Denne installation kan ikke sende e-mail.")
		before := fingerprint(t, app)
		mustContain(t, anon.Do("POST", "/password-reset", url.Values{"email": {adminEmail}}).Want(t, http.StatusOK), "Denne installation kan ikke sende e-mail.")
		if fingerprint(t, app) != before {
			t.Fatal("a reset link was made without mail")
		}
	})
}
