package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestRolePages assigns and removes roles on a usage, a contract and a data
// processing registration through their pages, and keeps an organisation's
// role types on its role types page.
func TestRolePages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		admin := testkit.NewPerson(t, app.DB, "admin-roller@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		esdh := f.system(t, f.ed, samspil.SystemInput{Name: "ESDH", Visibility: samspil.VisibilityPublic})
		u := f.usage(t, f.ed, samspil.UsageInput{SystemID: esdh.ID, Visibility: samspil.VisibilitySector})
		c, err := app.DB.CreateContract(ctx, f.ed.Actor, samspil.ContractInput{OrganizationID: f.silkeborg.ID, Name: "Driftsaftale",
			Visibility: samspil.VisibilitySector, ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2025, 1, 1), DurationMonths: 24}})
		if err != nil {
			t.Fatal(err)
		}
		reg, err := app.DB.CreateDataProcessing(ctx, f.ed.Actor, samspil.DataProcessingInput{OrganizationID: f.silkeborg.ID, Name: "Løn",
			Visibility: samspil.VisibilitySector})
		if err != nil {
			t.Fatal(err)
		}
		ed, _ := signIn(t, app, lsEditorEmail)

		// The usage page: KITOS's roles offered, a user and a person without
		// an account assigned.
		path := "/organizations/" + f.silkeborg.ID + "/usages/" + u.ID
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, `<h2 id="roles-h">Roller</h2>`, "Ingen har fået en rolle her endnu.", ">Systemejer</option>", ">Forretningsejer</option>")
		create := path + "/roles"
		form := formFields(t, page, create)
		bad := ed.Do("POST", create, with(form, "who", "person", "name", "Bo", "email", "bo"))
		bad.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, bad, `aria-describedby="e-role-email"`, `value="Bo"`)
		types, err := app.DB.RoleTypes(ctx, f.ed.Actor, f.silkeborg.ID, samspil.RoleOnUsage)
		if err != nil {
			t.Fatal(err)
		}
		res := ed.Do("POST", create, with(form, "role_type_id", types[0].ID, "who", "user", "user_id", f.viewer.User.ID))
		if got := wantRedirect(t, res, path).Query().Get("done"); got != "role_created" {
			t.Fatalf("done=%q", got)
		}
		dup := ed.Do("POST", create, with(form, "role_type_id", types[0].ID, "who", "user", "user_id", f.viewer.User.ID))
		dup.Want(t, http.StatusConflict)
		mustContain(t, dup, "personen har allerede denne rolle på registreringen")
		wantRedirect(t, ed.Do("POST", create, with(form, "role_type_id", types[1].ID, "who", "person", "name", "Bo Konsulent", "email", "bo@konsulent.example")), path)
		page = ed.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Bo Konsulent", "uden konto", "mailto:"+lsViewerEmail)

		// A user who has been disabled keeps the role, marked.
		v, err := app.DB.FindUser(ctx, testkit.System, f.viewer.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.UpdateUser(ctx, testkit.System, v.ID, v.Version, samspil.UserPatch{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		mustContain(t, ed.Do("GET", path, nil).Want(t, http.StatusOK), "Har forladt organisationen")

		// Others see the roles but no form; they may not post.
		vEd, _ := signIn(t, app, lsViborgEmail)
		other := vEd.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, other, "Bo Konsulent")
		mustNotContain(t, other, `action="`+create+`"`)
		vEd.Do("POST", create, url.Values{"role_type_id": {types[0].ID}, "who": {"person"}, "name": {"X"}, "email": {"x@eksempel.dk"}}).Want(t, http.StatusForbidden)

		// Removing.
		list, err := app.DB.RoleAssignments(ctx, f.ed.Actor, samspil.RoleOnUsage, u.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("roles %+v, %v", list, err)
		}
		vEd.Do("POST", create+"/"+list[0].ID+"/delete", nil).Want(t, http.StatusForbidden)
		wantRedirect(t, ed.Do("POST", create+"/"+list[0].ID+"/delete", nil), path)
		ed.Do("POST", "/contracts/"+c.ID+"/roles/"+list[1].ID+"/delete", nil).Want(t, http.StatusNotFound)

		// The contract and the data processing pages have the section too.
		for _, p := range []string{"/contracts/" + c.ID, "/data-processing/" + reg.ID} {
			page := ed.Do("GET", p, nil).Want(t, http.StatusOK)
			mustContain(t, page, `<h2 id="roles-h">Roller</h2>`)
			res := ed.Do("POST", p+"/roles", with(formFields(t, page, p+"/roles"), "who", "person", "name", "Ane", "email", "ane@eksempel.dk"))
			wantRedirect(t, res, p)
			mustContain(t, ed.Do("GET", p, nil).Want(t, http.StatusOK), "Ane")
		}
		mustContain(t, ed.Do("GET", "/contracts/"+c.ID, nil), "Kontraktejer")
		mustContain(t, ed.Do("GET", "/data-processing/"+reg.ID, nil), "Standard Skriverolle")

		// The role types page: everyone sees it, administrators keep it.
		typesPath := "/organizations/" + f.silkeborg.ID + "/role-types"
		page = ed.Do("GET", typesPath, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Systemanvendelser", "Kontrakter", "Databehandlinger", "Systemejer", "Juridisk rådgiver")
		mustNotContain(t, page, `action="`+typesPath+`"`)
		ed.Do("POST", typesPath, url.Values{"object_kind": {"usage"}, "name": {"Arkivansvarlig"}}).Want(t, http.StatusForbidden)
		ad, _ := signIn(t, app, admin.User.Email)
		page = ad.Do("GET", typesPath, nil).Want(t, http.StatusOK)
		form = formFields(t, page, typesPath)
		bad = ad.Do("POST", typesPath, with(form, "object_kind", "usage", "name", "systemejer"))
		bad.Want(t, http.StatusConflict)
		mustContain(t, bad, "organisationen har allerede en rolle med det navn for denne slags registrering", `aria-describedby="e-nrt-name"`)
		wantRedirect(t, ad.Do("POST", typesPath, with(form, "object_kind", "contract", "name", "Indkøber")), typesPath)
		rename := typesPath + "/" + types[1].ID
		res = ad.Do("POST", rename, with(formFields(t, page, rename), "name", "Systemansvarlig (it)", "active", ""))
		if got := wantRedirect(t, res, typesPath).Query().Get("done"); got != "role_type_updated" {
			t.Fatalf("done=%q", got)
		}
		after, err := app.DB.FindRoleType(ctx, testkit.System, types[1].ID)
		if err != nil || after.Name != "Systemansvarlig (it)" || after.Active {
			t.Fatalf("renamed %+v, %v", after, err)
		}
		// The inactive role is no longer offered, but kept where held.
		page = ed.Do("GET", path, nil).Want(t, http.StatusOK)
		mustNotContain(t, page, ">Systemansvarlig (it)</option>")
		mustContain(t, page, "Systemansvarlig (it) <small>(ikke længere i brug)</small>")
	})
}
