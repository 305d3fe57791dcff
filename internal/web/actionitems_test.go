package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// actionItemsOf returns a collaboration's action items by title.
func actionItemsOf(t *testing.T, app *testkit.App, collabID string) map[string]samspil.ActionItem {
	t.Helper()
	page, err := app.DB.ListActionItems(context.Background(), testkit.System, samspil.ActionItemFilter{CollaborationID: collabID,
		ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]samspil.ActionItem{}
	for _, a := range page.Items {
		out[a.Title] = a
	}
	return out
}

// actionRow returns the row of an action item, squashed.
func actionRow(t *testing.T, page *testkit.Response, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr id="ai-` + regexp.QuoteMeta(id) + `"[^>]*>.*?</tr>`).FindString(body(squashed(page)))
	if m == "" {
		t.Fatalf("no row of action item %s:\n%s", id, page.Body)
	}
	return m
}

func TestActionItemsPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newCollabFixture(t, app)
		path := "/collaborations/" + f.ID + "/action-items"
		today := samspil.Today(samspil.Now())
		soon := today.AddDays(30)

		page := f.sBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Der er ingen åbne opfølgningspunkter.", `href="`+path+`" aria-current="page"`,
			// The reader may make an organisation or one of the people they
			// see responsible.
			`<option value="org:`+f.Viborg.ID+`">Viborg Kommune</option>`,
			`<option value="person:`+f.SAdmin.User.ID+`|`+f.Silkeborg.ID+`">Test admin (Silkeborg Kommune)</option>`)
		form := formFields(t, page, path)

		// A missing title is refused at the field; nothing is stored.
		res := f.sBrowser.Do("POST", path, with(form, "description", "Uden titel", "owner", "org:"+f.Viborg.ID)).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal udfyldes")
		mustContain(t, res, `<details class="details edit-block" open>`, ">Uden titel</textarea>", `<option value="org:`+f.Viborg.ID+`" selected>`)
		res = f.sBrowser.Do("POST", path, with(form, "title", "X", "due", "snart")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, `"snart" er ikke en dato på formen ÅÅÅÅ-MM-DD som 2026-01-31`)
		if n := len(actionItemsOf(t, app, f.ID)); n != 0 {
			t.Fatalf("refused forms stored %d items", n)
		}

		// Three items: Viborg's is overdue, Silkeborg's administrator owns
		// one due soon, and an old one is done.
		post := func(kv ...string) {
			t.Helper()
			res := f.sBrowser.Do("POST", path, with(form, kv...))
			if u := wantRedirect(t, res, path); u.Query().Get("done") != "action_item_created" {
				t.Fatalf("done %q", u.Query().Get("done"))
			}
		}
		post("title", "Afklar fælles ESDH-udbud", "owner", "org:"+f.Viborg.ID, "due", "2020-06-30", "description", "Før næste styregruppemøde")
		post("title", "Send referat", "owner", "person:"+f.SAdmin.User.ID+"|"+f.Silkeborg.ID, "due", soon.String())
		post("title", "Gammel sag", "owner", "org:"+f.Silkeborg.ID, "due", "2019-01-01")
		items := actionItemsOf(t, app, f.ID)
		overdue, referat, old := items["Afklar fælles ESDH-udbud"], items["Send referat"], items["Gammel sag"]
		if overdue.OrganizationID != f.Viborg.ID || referat.OwnerUserID != f.SAdmin.User.ID || referat.OrganizationID != f.Silkeborg.ID {
			t.Fatalf("items %+v", items)
		}
		page = f.sBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		wantRedirect(t, f.sBrowser.Do("POST", "/action-items/"+old.ID, with(formFields(t, page, "/action-items/"+old.ID), "status", "done")), path)

		// The open list: the overdue item is marked by a class and a word.
		page = f.sBrowser.Do("GET", path+"?done=action_item_updated", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Opfølgningspunktet er opdateret.", "Forfaldne: 1")
		mustNotContain(t, page, "Gammel sag")
		row := actionRow(t, page, overdue.ID)
		wantIn(t, "the overdue row", row, `class="action-open overdue"`, `<strong class="badge badge-error overdue">forfalden</strong>`, "30.06.2020",
			"Viborg Kommune", "Før næste styregruppemøde", "Åben")
		row = actionRow(t, page, referat.ID)
		wantIn(t, "the row due soon", row, `class="action-open"`, "Test admin<br><small>Silkeborg Kommune</small>", danishDate(&soon))
		mustNotContainIn(t, row, "forfalden")
		if strings.Index(body(page), overdue.ID) > strings.Index(body(page), referat.ID) {
			t.Fatal("the items are not by due date")
		}
		// All: the open ones first, then the finished one, by due date.
		all := f.sBrowser.Do("GET", path+"?show=all", nil).Want(t, http.StatusOK)
		mustContain(t, all, `href="`+path+`?show=all" aria-current="page"`)
		wantIn(t, "the done row", actionRow(t, all, old.ID), `class="action-done"`, "Udført "+danishDate(&today))
		if i, j, k := strings.Index(body(all), `id="ai-`+overdue.ID), strings.Index(body(all), `id="ai-`+referat.ID), strings.Index(body(all), `id="ai-`+old.ID); !(i < j && j < k) {
			t.Fatalf("order %d %d %d: the finished item must come last", i, j, k)
		}

		// Viborg's editor moves Viborg's item along, but not Silkeborg's.
		vpage := f.vBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		if hasForm(vpage, "/action-items/"+referat.ID) {
			t.Fatal("Viborg's editor may change Silkeborg's item")
		}
		vform := formFields(t, vpage, "/action-items/"+overdue.ID)
		wantRedirect(t, f.vBrowser.Do("POST", "/action-items/"+overdue.ID, with(vform, "status", "in_progress")), path)
		// The same form again is stale: refused with a message, nothing changes.
		res = f.vBrowser.Do("POST", "/action-items/"+overdue.ID, with(vform, "status", "cancelled")).Want(t, http.StatusPreconditionFailed)
		mustContain(t, res, "en anden har ændret det i mellemtiden")
		f.vBrowser.Do("POST", "/action-items/"+referat.ID, with(vform, "status", "done", "version", "1")).Want(t, http.StatusForbidden)
		items = actionItemsOf(t, app, f.ID)
		if items["Afklar fælles ESDH-udbud"].Status != samspil.ActionInProgress || items["Send referat"].Status != samspil.ActionOpen {
			t.Fatalf("statuses %s, %s", items["Afklar fælles ESDH-udbud"].Status, items["Send referat"].Status)
		}
		page = f.vBrowser.Do("GET", path, nil).Want(t, http.StatusOK)
		wantIn(t, "the started row", actionRow(t, page, overdue.ID), `class="action-in_progress overdue"`, "forfalden", "I gang")

		// In English.
		en := f.vBrowser.Do("GET", path, nil, "Cookie", "samspil_lang=en").Want(t, http.StatusOK)
		wantIn(t, "the English row", actionRow(t, en, overdue.ID), `<strong class="badge badge-error overdue">overdue</strong>`, "In progress", "30 Jun 2020")

		// An outsider neither changes nor sees an item.
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		outsider.Do("POST", "/action-items/"+overdue.ID, with(vform, "status", "done", "version", "2")).Want(t, http.StatusNotFound)
	})
}
