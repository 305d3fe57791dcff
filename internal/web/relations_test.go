package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

func TestSystemInterfacesPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		esdh := f.system(t, f.ed, samspil.SystemInput{Name: "ESDH", Visibility: samspil.VisibilityPublic})
		path := "/systems/" + esdh.ID
		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "<h2 id=\"interfaces-h\">Snitflader</h2>", "Der er ikke registreret snitflader for systemet.", "Tilføj snitflade",
			"Relationer til andre systemer", "Andre systemers relationer hertil")

		// A bad address is refused on the page, naming the field; nothing is stored.
		res := ed.Do("POST", path+"/interfaces", with(formFields(t, page, path+"/interfaces"), "name", "Sag-API", "url", "ftp://x"))
		res.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "skal være en http- eller https-adresse", `aria-describedby="ni-url-e"`)
		if list, err := app.DB.SystemInterfaces(ctx, f.ed.Actor, esdh.ID); err != nil || len(list) != 0 {
			t.Fatalf("stored %+v, %v", list, err)
		}
		res = ed.Do("POST", path+"/interfaces", with(formFields(t, page, path+"/interfaces"), "name", "Sag-API", "identifier", "SAG-1",
			"interface_version", "2", "url", "https://eksempel.dk/sag"))
		if got := wantRedirect(t, res, path).Query().Get("done"); got != "interface_created" {
			t.Fatalf("done=%q", got)
		}
		list, err := app.DB.SystemInterfaces(ctx, f.ed.Actor, esdh.ID)
		if err != nil || len(list) != 1 || list[0].Identifier != "SAG-1" {
			t.Fatalf("stored %+v, %v", list, err)
		}
		i := list[0]
		page = ed.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<a href="https://eksempel.dk/sag" rel="noopener noreferrer">Sag-API</a>`, "SAG-1")
		action := path + "/interfaces/" + i.ID
		res = ed.Do("POST", action, with(formFields(t, page, action), "description", "Sager og dokumenter"))
		wantRedirect(t, res, path)
		// The stale form is refused.
		ed.Do("POST", action, with(formFields(t, page, action), "description", "Gammel")).Want(t, http.StatusPreconditionFailed)

		// Others see the interface but get no forms, and may not post.
		v, _ := signIn(t, app, lsViborgEmail)
		other := v.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, other, "SAG-1", "Sager og dokumenter")
		mustNotContain(t, other, `action="`+action+`"`, `action="`+path+`/interfaces"`)
		v.Do("POST", action+"/delete", map[string][]string{"version": {"2"}}).Want(t, http.StatusForbidden)

		page = ed.Do("GET", path, nil).Want(t, http.StatusOK)
		res = ed.Do("POST", action+"/delete", formFields(t, page, action+"/delete"))
		if got := wantRedirect(t, res, path).Query().Get("done"); got != "interface_deleted" {
			t.Fatalf("done=%q", got)
		}
		if _, err := app.DB.FindSystemInterface(ctx, f.ed.Actor, i.ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Fatalf("after delete: %v", err)
		}
	})
}

func TestUsagePageRelations(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		esdh := f.system(t, f.ed, samspil.SystemInput{Name: "ESDH", Visibility: samspil.VisibilityPublic})
		fag := f.system(t, f.ed, samspil.SystemInput{Name: "Fagsystem", Visibility: samspil.VisibilityPublic})
		portal := f.system(t, f.ed, samspil.SystemInput{Name: "Borgerportal", Visibility: samspil.VisibilityPublic})
		api, err := app.DB.CreateSystemInterface(ctx, f.ed.Actor, esdh.ID, samspil.SystemInterfaceInput{Name: "Sag-API"})
		if err != nil {
			t.Fatal(err)
		}
		uESDH := f.usage(t, f.ed, samspil.UsageInput{SystemID: esdh.ID, Visibility: samspil.VisibilitySector})
		uFag := f.usage(t, f.ed, samspil.UsageInput{SystemID: fag.ID, Visibility: samspil.VisibilitySector})
		uPortal := f.usage(t, f.ed, samspil.UsageInput{SystemID: portal.ID, Visibility: samspil.VisibilitySector})
		if _, err := app.DB.CreateUsageRelation(ctx, f.ed.Actor, uPortal.ID, samspil.UsageRelationInput{ToUsageID: uFag.ID}); err != nil {
			t.Fatal(err)
		}
		org := "/organizations/" + f.silkeborg.ID
		ed, _ := signIn(t, app, lsEditorEmail)
		mustContain(t, ed.Do("GET", org+"/landscape", nil).Want(t, http.StatusOK), `href="`+org+`/usages/`+uFag.ID+`"`)

		// The fagsystem relates to ESDH through its interface.
		path := org + "/usages/" + uFag.ID
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "<h1>Fagsystem <small>Silkeborg Kommune</small></h1>", "Endnu ingen relationer til andre systemer.",
			"Hvad rammes, hvis vi udfaser dette?", "Borgerportal")
		create := path + "/relations"
		// An interface of another system than the one related to is refused, naming the field.
		bad := ed.Do("POST", create, with(formFields(t, page, create), "to_usage_id", uPortal.ID, "interface_id", api.ID))
		bad.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, bad, "er ikke en snitflade på Borgerportal, det system der relateres til", `aria-describedby="nr-interface-h nr-interface-e"`)
		res := ed.Do("POST", create, with(formFields(t, page, create), "to_usage_id", uESDH.ID, "interface_id", api.ID, "frequency", "weekly",
			"description", "Journalisering"))
		if got := wantRedirect(t, res, path).Query().Get("done"); got != "relation_created" {
			t.Fatalf("done=%q", got)
		}
		page = ed.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Sag-API", "Ugentligt", "Journalisering")
		rels, err := app.DB.UsageRelations(ctx, f.ed.Actor, uFag.ID)
		if err != nil || len(rels.Outgoing) != 1 {
			t.Fatalf("relations %+v, %v", rels, err)
		}
		r := rels.Outgoing[0]

		// What breaks if ESDH goes: the fagsystem, and through it the portal.
		esdhPage := ed.Do("GET", org+"/usages/"+uESDH.ID, nil).Want(t, http.StatusOK)
		mustContain(t, esdhPage, "Andre systemers relationer hertil", "ESDH ← Fagsystem ← Borgerportal")

		// Edit and delete from the row.
		action := path + "/relations/" + r.ID
		res = ed.Do("POST", action, with(formFields(t, page, action), "frequency", "daily"))
		if got := wantRedirect(t, res, path).Query().Get("done"); got != "relation_updated" {
			t.Fatalf("done=%q", got)
		}
		if got, _ := app.DB.FindUsageRelation(ctx, f.ed.Actor, r.ID); got == nil || got.Frequency != samspil.FrequencyDaily || got.InterfaceID != api.ID {
			t.Fatalf("updated %+v", got)
		}
		// A relation under another usage's path does not exist.
		ed.Do("POST", org+"/usages/"+uESDH.ID+"/relations/"+r.ID+"/delete", map[string][]string{"version": {"2"}}).Want(t, http.StatusNotFound)

		// Viborg sees the page but no forms and may not change it.
		v, _ := signIn(t, app, lsViborgEmail)
		other := v.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, other, "Sag-API")
		mustNotContain(t, other, `action="`+create+`"`, `action="`+action+`"`)
		v.Do("POST", action+"/delete", map[string][]string{"version": {"2"}}).Want(t, http.StatusForbidden)
		// A usage under another organisation's path does not exist.
		v.Do("GET", "/organizations/"+f.viborg.ID+"/usages/"+uFag.ID, nil).Want(t, http.StatusNotFound)

		page = ed.Do("GET", path, nil).Want(t, http.StatusOK)
		res = ed.Do("POST", action+"/delete", formFields(t, page, action+"/delete"))
		if got := wantRedirect(t, res, path).Query().Get("done"); got != "relation_deleted" {
			t.Fatalf("done=%q", got)
		}
		if _, err := app.DB.FindUsageRelation(ctx, f.ed.Actor, r.ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Fatalf("after delete: %v", err)
		}
	})
}
