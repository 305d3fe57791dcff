package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// An organisation's data classification levels on its lists page: seen by
// everyone, kept by its administrators, and offered by the usage form.
func TestDataClassificationPages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		admin := testkit.NewPerson(t, app.DB, "admin-klasser@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		esdh := f.system(t, f.ed, samspil.SystemInput{Name: "ESDH", Visibility: samspil.VisibilityPublic})
		u := f.usage(t, f.ed, samspil.UsageInput{SystemID: esdh.ID})
		lists := "/organizations/" + f.silkeborg.ID + "/role-types"
		levels := "/organizations/" + f.silkeborg.ID + "/data-classifications"

		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", lists, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<h2 id="classes-h">Klassifikation af data</h2>`, "Offentlige data", "Hemmelige data", "<code>secret</code>")
		mustNotContain(t, page, `action="`+levels+`"`)
		ed.Do("POST", levels, url.Values{"name": {"Særlige"}}).Want(t, http.StatusForbidden)

		ad, _ := signIn(t, app, admin.User.Email)
		page = ad.Do("GET", lists, nil).Want(t, http.StatusOK)
		form := formFields(t, page, levels)
		bad := ad.Do("POST", levels, with(form, "name", "interne data"))
		bad.Want(t, http.StatusConflict)
		mustContain(t, bad, "organisationen har allerede et niveau for klassifikation af data med det navn", `aria-describedby="e-ncl-name"`,
			`value="interne data"`)
		mustNotContain(t, bad, `aria-describedby="e-nrt-name"`)
		res := ad.Do("POST", levels, with(form, "name", "Særligt følsomme", "description", "Art. 9 og 10"))
		if got := wantRedirect(t, res, lists).Query().Get("done"); got != "data_classification_created" {
			t.Fatalf("done=%q", got)
		}
		all, err := app.DB.DataClassifications(ctx, testkit.System, f.silkeborg.ID)
		if err != nil || len(all) != 5 || all[4].Key != "saerligt_foelsomme" {
			t.Fatalf("levels %+v, %v", all, err)
		}
		special := all[4]

		// The usage form offers the organisation's active levels by name.
		landscape := "/organizations/" + f.silkeborg.ID + "/landscape"
		action := "/organizations/" + f.silkeborg.ID + "/usages/" + u.ID
		mustContain(t, ed.Do("GET", landscape, nil).Want(t, http.StatusOK), `href="`+lists+`"`)
		upage := ed.Do("GET", action, nil).Want(t, http.StatusOK)
		mustContain(t, upage, `<option value="saerligt_foelsomme">Særligt følsomme</option>`)
		wantRedirect(t, ed.Do("POST", action, with(formFields(t, upage, action), "data_classification", "saerligt_foelsomme")), action)

		// Renamed and no longer in use: the usage keeps it under the new
		// name, and no other usage is offered it.
		page = ad.Do("GET", lists, nil).Want(t, http.StatusOK)
		edit := levels + "/" + special.ID
		bad = ad.Do("POST", edit, with(formFields(t, page, edit), "name", ""))
		bad.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, bad, `aria-describedby="x-e-`+special.ID+`-name"`)
		wantRedirect(t, ad.Do("POST", edit, with(formFields(t, page, edit), "name", "Følsomme", "active", "")), lists)
		other := f.usage(t, f.ed, samspil.UsageInput{SystemID: f.system(t, f.ed, samspil.SystemInput{Name: "Løn", Visibility: samspil.VisibilityPublic}).ID})
		mustContain(t, ed.Do("GET", action, nil).Want(t, http.StatusOK), `<option value="saerligt_foelsomme" selected>Følsomme</option>`, "<dd>Følsomme</dd>")
		otherAction := "/organizations/" + f.silkeborg.ID + "/usages/" + other.ID
		opage := ed.Do("GET", otherAction, nil).Want(t, http.StatusOK)
		mustNotContain(t, opage, `<option value="saerligt_foelsomme"`)
		res = ed.Do("POST", otherAction, with(formFields(t, opage, otherAction), "data_classification", "saerligt_foelsomme"))
		res.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "skal være et af organisationens niveauer for klassifikation af data: public (Offentlige data)")
		if got, _ := app.DB.FindUsage(ctx, testkit.System, other.ID); got.DataClassification != "" {
			t.Fatalf("refused level written: %q", got.DataClassification)
		}
		// Another organisation's level cannot be changed through this one's
		// address.
		viborgs, err := app.DB.DataClassifications(ctx, testkit.System, f.viborg.ID)
		if err != nil {
			t.Fatal(err)
		}
		ad.Do("POST", levels+"/"+viborgs[0].ID, url.Values{"name": {"Overtaget"}, "version": {"1"}}).Want(t, http.StatusNotFound)
	})
}
