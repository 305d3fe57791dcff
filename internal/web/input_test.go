package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestNULInFormsIsRefused posts U+0000 in form fields and the query of
// pages: each is answered 422 with the field named, in Danish, and nothing
// changes, on both engines alike.
func TestNULInFormsIsRefused(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		sAdmin := testkit.NewPerson(t, app.DB, adminEmail, testkit.Silkeborg, samspil.RoleAdmin)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		c, err := app.DB.CreateCollaboration(context.Background(), sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde",
			Kind: samspil.KindPartnership, Start: samspil.NewDate(2014, 1, 1), OrganizationID: org.ID})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := signIn(t, app, adminEmail)
		const shown = "må ikke indeholde NUL-tegnet (U&#43;0000)" // as html/template writes it
		before := fingerprint(t, app)

		res := b.Do("POST", "/organizations/"+org.ID+"/units", url.Values{"name": {"IT\x00drift"}, "kind": {"team"}}).
			Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<a href="#f-name" class="function-link">Navn</a>: `+shown)
		res = b.Do("POST", "/collaborations", url.Values{"name": {"Nyt\x00samarbejde"}, "kind": {"network"}, "start": {"2020-01-01"},
			"organization_id": {org.ID}}).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<a href="#f-name" class="function-link">Navn</a>: `+shown)
		// The multipart form of founding documents: the field is named on
		// the collaboration page's form.
		res = postFile(t, b, "/collaborations/"+c.ID+"/documents", url.Values{"kind": {"statutes"}, "title": {"Vedtægter\x00"}},
			"vedtaegter.txt", "text/plain", []byte("tekst")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<span class="form-error-message" id="e-document.title">`+shown)
		res = b.Do("GET", "/organizations?q=Silke%00borg", nil).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<a href="#f-q" class="function-link">Søgeord</a>: `+shown)
		res = b.Do("GET", "/collaborations/"+url.PathEscape(c.ID+"\x00"), nil).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<a href="#f-id" class="function-link">id</a>: `+shown)

		if fingerprint(t, app) != before {
			t.Fatal("refused posts changed the database")
		}
		if units(t, app, org.ID)["IT\x00drift"].ID != "" {
			t.Fatal("the unit was stored")
		}
	})
}
