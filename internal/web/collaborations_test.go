package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

func TestCollaborationPages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
		testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		silkeborg, viborg := testkit.Org(t, app.DB, testkit.Silkeborg), testkit.Org(t, app.DB, testkit.Viborg)

		admin, _ := signIn(t, app, "admin@silkeborg.example")
		page := admin.Do("GET", "/collaborations", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Samarbejder", "Der er ingen samarbejder at vise.", `action="/collaborations"`)
		form := formFields(t, page, "/collaborations")

		// A bad date is shown at the field, and nothing is founded.
		res := admin.Do("POST", "/collaborations", with(form, "name", "Silkeborg–Viborg IT-samarbejde", "kind", "partnership",
			"start", "januar 2014", "visibility", "private")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "&#34;januar 2014&#34; er ikke en dato på formen ÅÅÅÅ-MM-DD som 2026-01-31", `<details class="details edit" open>`)
		if list, _ := app.DB.ListCollaborations(ctx, testkit.System, samspil.CollaborationFilter{}); len(list.Items) != 0 {
			t.Fatal("a refused form founded a collaboration")
		}
		res = admin.Do("POST", "/collaborations", with(form, "name", "Silkeborg–Viborg IT-samarbejde", "kind", "partnership",
			"start", "2014-01-01", "visibility", "private", "purpose", "Forretningsstrategisk IT-samarbejde", "exclusivity", "exclusive"))
		u := location(t, res)
		if res.Status != http.StatusSeeOther || u.Query().Get("done") != "collaboration_created" {
			t.Fatalf("found: %d %v", res.Status, u)
		}
		id := u.Path[len("/collaborations/"):]

		// Viborg joins and the 2018 adjustment is recorded (through the store).
		testkit.Join(t, app.DB, id, samspil.InvitationInput{OrganizationID: testkit.Viborg, Since: samspil.NewDate(2014, 1, 1)})
		testkit.Adjust(t, app.DB, id, samspil.AdjustmentInput{Title: "Justeret samarbejdsform",
			EffectiveOn: samspil.NewDate(2018, 11, 1), Exclusivity: samspil.ExclusivityOpen,
			Commitments: []samspil.CommitmentChange{{OrganizationID: silkeborg.ID, Commitment: samspil.CommitmentVoluntary},
				{OrganizationID: viborg.ID, Commitment: samspil.CommitmentVoluntary}}})
		// A decision closed, adopted: it shows in the history.
		d, err := app.DB.CreateDecision(ctx, sAdmin.Actor, id, samspil.DecisionInput{Title: "Fælles ESDH", DecidedOn: samspil.NewDate(2016, 3, 1)})
		if err != nil {
			t.Fatal(err)
		}
		for _, org := range []string{silkeborg.ID, viborg.ID} {
			if d, err = app.DB.CastVote(ctx, testkit.System, d.ID, samspil.VoteInput{OrganizationID: org, Choice: samspil.VoteFor}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := app.DB.CloseDecision(ctx, sAdmin.Actor, d.ID, d.Version); err != nil {
			t.Fatal(err)
		}

		page = admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Samarbejdet er stiftet.", "<h1>Silkeborg–Viborg IT-samarbejde</h1>", "Partnerskab", "Kun medlemmerne",
			"Silkeborg Kommune trådte ind som sekretariat", "Viborg Kommune trådte ind som medlem",
			"forpligtelsen skiftede fra bindende (skal) til frivillig (kan) for Silkeborg Kommune &amp; Viborg Kommune",
			"justering: Justeret samarbejdsform", `<li class="history-decision"><time datetime="2016-03-01">`, "beslutning vedtaget: Fælles ESDH", "Eksklusivt: medlemmerne søger hinanden først", "Åbent: samarbejde hvor det giver mening")

		// A member's viewer reads it, in English when chosen.
		viewer, _ := signIn(t, app, "viewer@viborg.example")
		wantRedirect(t, viewer.Do("POST", "/language", url.Values{"lang": {"en"}, "return_to": {"/collaborations/" + id}}), "/collaborations/"+id)
		page = viewer.Do("GET", "/collaborations/"+id, nil).Want(t, http.StatusOK)
		mustContain(t, page, "commitment changed from binding (skal) to voluntary (kan) for Silkeborg Kommune &amp; Viborg Kommune", "Members only",
			"decision adopted: Fælles ESDH")
		// A viewer founds nothing: no form, and a post is refused.
		list := viewer.Do("GET", "/collaborations", nil).Want(t, http.StatusOK)
		mustContain(t, list, "Silkeborg–Viborg IT-samarbejde")
		mustNotContain(t, list, `action="/collaborations"`)
		viewer.Do("POST", "/collaborations", with(form, "name", "X", "kind", "network", "start", "2020-01-01", "organization_id", viborg.ID)).Want(t, http.StatusForbidden)

		// An outsider neither sees nor lists the private collaboration.
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		outsider.Do("GET", "/collaborations/"+id, nil).Want(t, http.StatusNotFound)
		mustNotContain(t, outsider.Do("GET", "/collaborations", nil).Want(t, http.StatusOK), "Silkeborg–Viborg")
		app.Anonymous(t).Do("GET", "/collaborations/"+id, nil).Want(t, http.StatusNotFound)
	})
}

// TestFoundingWithCoFounders: the founding form names co-founders, who are
// invited rather than made members.
func TestFoundingWithCoFounders(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		viborg := testkit.Org(t, app.DB, testkit.Viborg)
		admin, _ := signIn(t, app, "admin@silkeborg.example")
		page := admin.Do("GET", "/collaborations", nil).Want(t, http.StatusOK)
		mustContain(t, page, `name="co_founder" multiple`, "Viborg Kommune (0791)")
		form := with(formFields(t, page, "/collaborations"), "name", "Midtjysk driftsfællesskab", "kind", "operations_unit", "start", "2027-01-01",
			"co_founder", viborg.ID)
		res := admin.Do("POST", "/collaborations", form).Want(t, http.StatusSeeOther)
		u := location(t, res)
		id := strings.TrimPrefix(u.Path, "/collaborations/")
		c := findCollab(t, app, id)
		if len(c.Members) != 1 {
			t.Fatalf("members %+v", c.Members)
		}
		invs, err := app.DB.ListInvitations(context.Background(), testkit.System, samspil.InvitationFilter{CollaborationID: id})
		if err != nil || len(invs.Items) != 1 || invs.Items[0].OrganizationID != viborg.ID || !invs.Items[0].Founding ||
			invs.Items[0].Since != samspil.NewDate(2027, 1, 1) {
			t.Fatalf("invitations %v %+v", err, invs)
		}
		// The founders prepare it before it starts.
		page = admin.Do("GET", u.Path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "<h3>Viborg Kommune <small>afventer svar</small></h3>", "medstifter")
		if !hasForm(page, u.Path+"/invitations") || !hasForm(page, u.Path+"/adjustments") {
			t.Fatal("the founders cannot manage a collaboration before it starts")
		}
	})
}
